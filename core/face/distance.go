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

// MaxThreshold is the largest distance threshold accepted (by SetThreshold,
// CheckThreshold and a gallery file's "distanceThreshold"): beyond it nearly
// any two faces match. face-api.js's descriptors are not unit length (norms
// 1.34–1.58 over the 95 chips of testdata/faceapi/descriptors.json), so 2 is
// no bound on their distances; measured on those chips, different people lie
// 0.56–1.12 apart (median 0.88), and a threshold of 1 already accepts 89% of
// those pairs, 1.1 99.8% and 1.2 all of them. Every threshold in use lies well
// below 1: the default 0.6, the 0.59 chosen on LFW, the page's slider's 0.3–0.9.
const MaxThreshold = 1.0

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
