package liveness

import (
	"sync"
	"time"
)

// Limiter limits failed unlock attempts per person: after MaxFailures
// failures in a row, each further failure locks that person's unlock for a
// cool-down that starts at Cooldown and doubles with every failure after
// (30 s, 60 s, 120 s, … up to MaxCooldown). A success clears the count. The
// zero value uses the defaults (5, 30 s, 1 h). Safe for concurrent use.
type Limiter struct {
	MaxFailures int
	Cooldown    time.Duration
	MaxCooldown time.Duration

	mu     sync.Mutex
	people map[string]*attempts
}

type attempts struct {
	failures int
	until    time.Time
}

func (l *Limiter) limits() (n int, base, most time.Duration) {
	n, base, most = 5, 30*time.Second, time.Hour
	if l.MaxFailures > 0 {
		n = l.MaxFailures
	}
	if l.Cooldown > 0 {
		base = l.Cooldown
	}
	if l.MaxCooldown > 0 {
		most = l.MaxCooldown
	}
	return n, base, most
}

// Wait returns how long name must wait at now before an attempt is
// allowed: 0 when it is allowed now.
func (l *Limiter) Wait(name string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if a := l.people[name]; a != nil && now.Before(a.until) {
		return a.until.Sub(now)
	}
	return 0
}

// Fail records a failed attempt by name at now and returns the cool-down it
// starts (0 while under MaxFailures).
func (l *Limiter) Fail(name string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.people == nil {
		l.people = map[string]*attempts{}
	}
	a := l.people[name]
	if a == nil {
		a = &attempts{}
		l.people[name] = a
	}
	a.failures++
	n, base, most := l.limits()
	if a.failures < n {
		return 0
	}
	wait := base
	for range a.failures - n {
		if wait >= most {
			break
		}
		wait *= 2
	}
	wait = min(wait, most)
	a.until = now.Add(wait)
	return wait
}

// Succeed clears name's failures.
func (l *Limiter) Succeed(name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.people, name)
}
