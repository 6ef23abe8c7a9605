package liveness

import (
	"math"
	"slices"
)

// EyeAspectRatio is the mean over both eyes of Soukupová and Čech's eye
// aspect ratio (2016), (|p2−p6| + |p3−p5|) / (2·|p1−p4|) for an eye's six
// landmarks p1..p6 (iBUG 36–41 and 42–47): the eye's height over its width,
// about 0.3 open and near 0 closed. pts must hold 68 landmarks.
func EyeAspectRatio(pts []Point) float64 {
	return (eyeRatio(pts[36:42]) + eyeRatio(pts[42:48])) / 2
}

func eyeRatio(e []Point) float64 {
	w := dist(e[0], e[3])
	if w == 0 {
		return 0
	}
	return (dist(e[1], e[5]) + dist(e[2], e[4])) / (2 * w)
}

func dist(a, b Point) float64 { return math.Hypot(a.X-b.X, a.Y-b.Y) }

// Blink finds a blink in a sequence of eye aspect ratios, relative to a
// per-person baseline (the open eyes' ratio, the median of the first frames
// the caller measured, as SetBaseline is given): the eyes count as closed
// below Closed·baseline and open again above Open·baseline, and a blink is
// a close followed by an open.
type Blink struct {
	Closed, Open float64 // fractions of the baseline (defaults 0.7 and 0.9)
	baseline     float64
	closed       bool
}

// SetBaseline sets the open-eye ratio to the median of ears.
func (b *Blink) SetBaseline(ears []float64) {
	b.baseline = median(ears)
}

// Baseline returns the open-eye ratio set by SetBaseline.
func (b *Blink) Baseline() float64 { return b.baseline }

// Add takes the next frame's eye aspect ratio and reports whether it ends a
// blink: the eyes were seen closed since the last blink and are open now.
func (b *Blink) Add(ear float64) bool {
	closed, open := b.Closed, b.Open
	if closed == 0 {
		closed = 0.7
	}
	if open == 0 {
		open = 0.9
	}
	switch {
	case ear < closed*b.baseline:
		b.closed = true
	case b.closed && ear > open*b.baseline:
		b.closed = false
		return true
	}
	return false
}

// median returns the median of xs (the mean of the middle two for an even
// count); NaN for none. xs is not modified.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
