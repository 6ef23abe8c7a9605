package liveness

import (
	"math"

	"gonum.org/v1/gonum/mat"

	"visage/core/face"
)

// A photograph, printed or on a screen, is flat: however it is moved in
// front of a camera, its landmarks in one frame are an affine map of those
// in another by a homography (exactly, in perspective), and when it is
// only slid, turned and scaled in its own plane, by a 2D similarity. A live head turning or nodding moves its nose against its
// cheeks and eyes, which no such map follows. These functions measure how
// far frames are from each case, in units of the face's eye distance, so
// that the measures do not depend on the face's size in the picture.

// EyeDistance is the distance between the centres of the eyes (the means of
// landmarks 36–41 and 42–47) of 68 landmarks.
func EyeDistance(pts []Point) float64 {
	var l, r Point
	for i := range 6 {
		l.X += pts[36+i].X / 6
		l.Y += pts[36+i].Y / 6
		r.X += pts[42+i].X / 6
		r.Y += pts[42+i].Y / 6
	}
	return dist(l, r)
}

// Motion is RMS distance between the landmarks of two frames, over the eye
// distance of from: 0 for identical landmarks.
func Motion(from, to []Point) float64 {
	return rms(from, to) / EyeDistance(from)
}

// SimilarityResidual is the RMS distance between to's landmarks and the 2D
// similarity (rotation, scale, translation) of from's that fits them best,
// over the eye distance of to: 0 when to is from slid, turned or scaled in
// the picture's plane.
func SimilarityResidual(from, to []Point) float64 {
	s := face.FitSimilarity(from, to)
	fitted := make([]Point, len(from))
	for i, p := range from {
		fitted[i] = s.Apply(p)
	}
	return rms(fitted, to) / EyeDistance(to)
}

func rms(a, b []Point) float64 {
	var s float64
	for i := range a {
		dx, dy := a[i].X-b[i].X, a[i].Y-b[i].Y
		s += dx*dx + dy*dy
	}
	return math.Sqrt(s / float64(len(a)))
}

// HomographyResidual is the RMS distance between to's landmarks and the
// plane projective map (homography) of from's that fits them best, over the
// eye distance of to. Two perspective views of one flat picture, however it
// was held, are related by a homography exactly, so this is near 0 (landmark
// noise) for a photo or a screen; a head that turns moves its nose against
// its cheeks, which no homography follows. The homography is the direct
// linear transform on Hartley-normalised points (the smallest right singular
// vector), so the residual is a close upper bound on the best one.
func HomographyResidual(from, to []Point) float64 {
	n := len(from)
	nf, tf := normaliser(from), normaliser(to)
	a := mat.NewDense(2*n, 9, nil)
	for i := range n {
		x, y := nf.apply(from[i])
		u, v := tf.apply(to[i])
		a.SetRow(2*i, []float64{-x, -y, -1, 0, 0, 0, u * x, u * y, u})
		a.SetRow(2*i+1, []float64{0, 0, 0, -x, -y, -1, v * x, v * y, v})
	}
	var svd mat.SVD
	if !svd.Factorize(a, mat.SVDThin) {
		return math.Inf(1)
	}
	var vt mat.Dense
	svd.VTo(&vt)
	h := mat.Col(nil, 8, &vt)
	var s float64
	for i := range n {
		x, y := nf.apply(from[i])
		w := h[6]*x + h[7]*y + h[8]
		if w == 0 {
			return math.Inf(1)
		}
		u, v := (h[0]*x+h[1]*y+h[2])/w, (h[3]*x+h[4]*y+h[5])/w
		p := tf.invert(u, v)
		dx, dy := p.X-to[i].X, p.Y-to[i].Y
		s += dx*dx + dy*dy
	}
	return math.Sqrt(s/float64(n)) / EyeDistance(to)
}

// similarityNorm moves points to their centroid and scales them to a mean
// distance of √2 from it (Hartley's normalisation).
type similarityNorm struct{ cx, cy, k float64 }

func normaliser(pts []Point) similarityNorm {
	var cx, cy float64
	for _, p := range pts {
		cx += p.X / float64(len(pts))
		cy += p.Y / float64(len(pts))
	}
	var d float64
	for _, p := range pts {
		d += math.Hypot(p.X-cx, p.Y-cy) / float64(len(pts))
	}
	if d == 0 {
		d = 1
	}
	return similarityNorm{cx, cy, math.Sqrt2 / d}
}

func (s similarityNorm) apply(p Point) (x, y float64) { return (p.X - s.cx) * s.k, (p.Y - s.cy) * s.k }

func (s similarityNorm) invert(x, y float64) Point { return Point{X: x/s.k + s.cx, Y: y/s.k + s.cy} }
