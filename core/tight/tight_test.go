package tight

import (
	"fmt"
	"math"
	"testing"
)

// recorder is a testing.TB that records whether Errorf was called.
type recorder struct {
	testing.TB
	failed string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.failed = fmt.Sprintf(format, args...)
}

func TestBound(t *testing.T) {
	for _, c := range []struct {
		measured, bound float64
		pass            bool
	}{
		{2.7e-5, 2e-4, true},     // detection parity's box: 7.4 times
		{1.02e-6, 1e-5, true},    // just under Slack times (facerec's resized inputs)
		{1e-6, 1.0001e-5, false}, // just over Slack times
		{2.7e-5, 2e-3, false},    // the box bound loosened 10 times
		{3e-4, 2e-4, false},      // over the bound
		{2e-4, 2e-4, true},       // at the bound
		{0, 1e-9, false},         // a zero measurement needs its resolution instead
		{1.0 / 600, 0.005, true}, // one pair in 600 as the resolution of a zero error
		{math.NaN(), 1, false},   // NaN never passes
		{-1e-7, 1e-6, false},     // a negative measure is a bug in the caller
	} {
		r := &recorder{TB: t}
		Bound(r, "x", c.measured, c.bound)
		if (r.failed == "") != c.pass {
			t.Errorf("Bound(%g, %g): failed %q, want pass %v", c.measured, c.bound, r.failed, c.pass)
		}
	}
}
