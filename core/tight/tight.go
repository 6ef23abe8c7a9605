// Package tight holds tests' tolerances to the scale of what they measure.
// A bound far above the measured error lets a real defect through (a
// half-pixel offset, a wrong normalisation) while the test still passes,
// so a test that states a bound also checks, with Bound, that the bound is
// within a factor Slack of what it measured: loosening the bound by that
// factor then fails the test.
package tight

import "testing"

// Slack is how far above the measured value a bound may sit.
const Slack = 10

// Bound fails t unless 0 ≤ measured ≤ bound ≤ Slack·measured. what names
// the quantity in the message (with its unit). measured is the worst value
// the test saw (NaN fails). Where the measured value can legitimately be
// 0 (an exact result, no wrong decision among N), pass instead the
// smallest non-zero value it could take, its resolution (one decision in
// N, a float32 rounding step), when it is larger: max(measured, resolution).
func Bound(t testing.TB, what string, measured, bound float64) {
	t.Helper()
	switch {
	case !(measured >= 0 && measured <= bound):
		t.Errorf("%s: measured %.3g, want within the bound %.3g", what, measured, bound)
	case bound > Slack*measured:
		t.Errorf("%s: the bound %.3g is over %d times the measured %.3g; tighten it to a small multiple of what is measured", what, bound, Slack, measured)
	}
}
