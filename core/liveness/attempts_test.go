package liveness

import (
	"testing"
	"time"
)

// TestLimiter: four failures lock nothing; the 5th locks for 30 s, the 6th
// (after waiting) for 60 s, the 7th for 120 s; another person is not
// affected; a success clears the count.
func TestLimiter(t *testing.T) {
	var l Limiter
	t0 := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	for i := 1; i <= 4; i++ {
		if w := l.Fail("Ada", t0); w != 0 {
			t.Fatalf("failure %d locked for %v, want no lock before the 5th", i, w)
		}
		if w := l.Wait("Ada", t0); w != 0 {
			t.Fatalf("after failure %d: wait %v, want 0", i, w)
		}
	}
	now := t0
	for i, want := range []time.Duration{30 * time.Second, 60 * time.Second, 120 * time.Second} {
		if w := l.Fail("Ada", now); w != want {
			t.Fatalf("failure %d: cool-down %v, want %v", 5+i, w, want)
		}
		if w := l.Wait("Ada", now.Add(10*time.Second)); w != want-10*time.Second {
			t.Errorf("10 s into a %v cool-down: wait %v, want %v", want, w, want-10*time.Second)
		}
		if w := l.Wait("Grace", now); w != 0 {
			t.Errorf("Ada's lock makes Grace wait %v", w)
		}
		now = now.Add(want)
		if w := l.Wait("Ada", now); w != 0 {
			t.Errorf("at the end of a %v cool-down: wait %v, want 0", want, w)
		}
	}
	l.Succeed("Ada")
	if w := l.Fail("Ada", now); w != 0 {
		t.Errorf("the first failure after a success locked for %v", w)
	}
	// The cool-down stops growing at MaxCooldown.
	capped := Limiter{MaxFailures: 1, Cooldown: time.Minute, MaxCooldown: 3 * time.Minute}
	for i, want := range []time.Duration{time.Minute, 2 * time.Minute, 3 * time.Minute, 3 * time.Minute} {
		if w := capped.Fail("Ada", t0); w != want {
			t.Errorf("capped limiter, failure %d: %v, want %v", i+1, w, want)
		}
	}
}
