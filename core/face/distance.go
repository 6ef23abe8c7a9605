// Package face turns face descriptors into decisions: the distance between two
// descriptors, and a Gallery of enrolled people that verifies a claimed identity
// or identifies an unknown face. Detection post-processing and alignment live
// beside it in this package; the networks themselves live in visage/models.
package face

import "math"

// DescriptorLen is the length of a face descriptor: face-api.js's recognition
// network (visage/models/facerec) maps a face chip to 128 numbers.
const DescriptorLen = 128

// DefaultThreshold is the distance below which two descriptors are taken to be
// the same person; 0.6 is face-api.js's (and dlib's) default.
const DefaultThreshold = 0.6

// Distance returns the Euclidean distance between a and b, accumulated in
// float64. Slices of different lengths have no distance: the result is NaN,
// which compares false with every threshold.
func Distance(a, b []float32) float64 {
	if len(a) != len(b) {
		return math.NaN()
	}
	var sum float64
	for i := range a {
		d := float64(a[i]) - float64(b[i])
		sum += d * d
	}
	return math.Sqrt(sum)
}
