package face

import (
	"fmt"

	"visage/core/tensor"
	"visage/models/landmarks"
)

// ArcFaceSize is the side of the chips ArcFaceChip produces, the input of
// ArcFace-family encoders (MobileFaceNet).
const ArcFaceSize = 112

// ArcFaceTemplate is insightface's reference 5 points for a 112×112 chip
// (arcface_dst in insightface's face_align.py): the centres of the left and
// right eye as seen in the image, the nose tip, the left and right mouth
// corner, in chip pixels.
var ArcFaceTemplate = [5]landmarks.Point{
	{X: 38.2946, Y: 51.6963},
	{X: 73.5318, Y: 51.5014},
	{X: 56.0252, Y: 71.7366},
	{X: 41.5493, Y: 92.3655},
	{X: 70.7299, Y: 92.2041},
}

// FivePoints returns the 5 points of ArcFaceTemplate's order from the 68
// landmarks pts (image pixels): the eye centres as the means of points 36–41
// and 42–47, the nose tip 30, the mouth corners 48 and 54.
func FivePoints(pts []landmarks.Point) [5]landmarks.Point {
	return [5]landmarks.Point{centre(pts[36:42]), centre(pts[42:48]), pts[30], pts[48], pts[54]}
}

// ArcFaceTransform returns the similarity from ArcFaceSize chip pixels to
// image pixels for landmarks pts. As insightface (estimate_norm: skimage's
// SimilarityTransform, Umeyama's least squares) it fits the map from the
// image's 5 points onto the template and inverts it; a least-squares fit
// in the other direction would differ slightly when the points do not fit
// exactly.
func ArcFaceTransform(pts []landmarks.Point) Similarity {
	return ArcFaceTransformAt(pts, ArcFaceSize, 1)
}

// ArcFaceTransformAt is ArcFaceTransform for a size×size chip holding the
// template scaled by size/112, shrunk by scale (≤ 1: more of the head
// around the face) about the chip's centre.
func ArcFaceTransformAt(pts []landmarks.Point, size int, scale float64) Similarity {
	five := FivePoints(pts)
	k := float64(size) / ArcFaceSize
	var to [5]landmarks.Point
	for i, q := range ArcFaceTemplate {
		to[i] = landmarks.Point{X: (ArcFaceSize/2 + (q.X-ArcFaceSize/2)*scale) * k, Y: (ArcFaceSize/2 + (q.Y-ArcFaceSize/2)*scale) * k}
	}
	return FitSimilarity(five[:], to[:]).Inverse()
}

// Inverse returns the similarity that undoes s (s must not be degenerate:
// A and B not both 0).
func (s Similarity) Inverse() Similarity {
	n := s.A*s.A + s.B*s.B
	a, b := s.A/n, -s.B/n
	// p = s⁻¹(q) = R⁻¹(q − t)
	return Similarity{A: a, B: b, TX: -(a*s.TX - b*s.TY), TY: -(b*s.TX + a*s.TY)}
}

// ArcFaceChip samples the ArcFaceSize×ArcFaceSize chip of the face with
// landmarks pts out of img ([H,W,C]) through ArcFaceTransform, bilinearly
// with zeros outside the image, pixel centres at integer coordinates: what
// OpenCV's warpAffine (INTER_LINEAR, BORDER_CONSTANT 0) gives insightface's
// norm_crop.
func ArcFaceChip(img *tensor.Tensor, pts []landmarks.Point) (*tensor.Tensor, error) {
	if len(pts) != landmarks.NumPoints {
		return nil, fmt.Errorf("face: expected %d landmarks, found %d", landmarks.NumPoints, len(pts))
	}
	return WarpBilinear(img, ArcFaceTransform(pts), ArcFaceSize, ArcFaceSize), nil
}

// SquareChip resizes an already aligned face chip img ([H,W,C]) bilinearly
// to side×side, its larger side filling the square and the other centred
// with zeros beside it: how an aligned chip becomes an encoder's fixed
// input (MobileFaceNet's 112×112). A side×side image comes back unchanged
// (as a copy).
func SquareChip(img *tensor.Tensor, side int) *tensor.Tensor {
	h, w := float64(img.Shape[0]), float64(img.Shape[1])
	big := max(h, w)
	k := big / float64(side) // image pixels per chip pixel, pixel centres aligned
	t := Similarity{A: k, TX: k/2 - 0.5 - (big-w)/2, TY: k/2 - 0.5 - (big-h)/2}
	return WarpBilinear(img, t, side, side)
}
