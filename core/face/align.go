package face

import (
	"fmt"
	"math"

	"visage/core/tensor"
	"visage/models/landmarks"
)

// Align selects how a detected face becomes the encoder's input.
type Align int

const (
	// AlignFaceAPI is face-api.js's own crop (FaceLandmarks.align with
	// useDlibAlignment): an axis-aligned square around the eyes and mouth,
	// cut out of the image and left to the encoder to pad and resize.
	AlignFaceAPI Align = iota
	// AlignSimilarity maps the eye, nose and mouth landmarks onto dlib's mean
	// face (get_face_chip_details, 150 px, padding 0.25) by a least-squares
	// similarity transform and samples the 150x150 chip bilinearly, as dlib
	// does for the network this encoder was trained with.
	AlignSimilarity
	// AlignBoth averages the descriptors of both chips, AlignSimilarity's
	// and AlignFaceAPI's: two encoder runs (four with Mirror) for a
	// descriptor less sensitive to where the landmarks put the face.
	AlignBoth
)

var alignNames = [...]string{AlignFaceAPI: "faceapi", AlignSimilarity: "similarity", AlignBoth: "both"}

// ParseAlign maps "faceapi", "similarity" and "both" to their Align values.
func ParseAlign(s string) (Align, error) {
	for a, name := range alignNames {
		if s == name {
			return Align(a), nil
		}
	}
	return 0, fmt.Errorf("face: unknown alignment %q (want faceapi, similarity or both)", s)
}

// String is the name ParseAlign accepts.
func (a Align) String() string { return alignNames[a] }

// ChipSize is the side of the chips AlignSimilarity produces (the encoder's input side).
const ChipSize = 150

// chips crops or warps the face with landmarks pts (image pixels) out of
// img ([H,W,3]) as a selects: one chip, two for AlignBoth; new tensors.
func (a Align) chips(img *tensor.Tensor, pts []landmarks.Point) ([]*tensor.Tensor, error) {
	if len(pts) != landmarks.NumPoints {
		return nil, fmt.Errorf("face: expected %d landmarks, found %d", landmarks.NumPoints, len(pts))
	}
	var out []*tensor.Tensor
	if a == AlignSimilarity || a == AlignBoth {
		out = append(out, SimilarityChip(img, pts))
	}
	if a == AlignFaceAPI || a == AlignBoth {
		c, err := FaceAPIChip(img, pts)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// FaceAPIBox is face-api.js's FaceLandmarks.align({useDlibAlignment:true})
// for landmarks pts in image pixels: a square of side floor(mean eye–mouth
// distance / 0.45) placed so that the centre of the two eye centres and the
// mouth centre sits at (0.5, 0.43) of it, with its corner floored and
// clamped at 0. It is not clipped to the image.
func FaceAPIBox(pts []landmarks.Point) Box {
	le, re, mouth := centre(pts[36:42]), centre(pts[42:48]), centre(pts[48:68])
	dist := (math.Hypot(mouth.X-le.X, mouth.Y-le.Y) + math.Hypot(mouth.X-re.X, mouth.Y-re.Y)) / 2
	size := math.Floor(dist / 0.45)
	ref := centre([]landmarks.Point{le, re, mouth})
	x := math.Floor(math.Max(0, ref.X-0.5*size))
	y := math.Floor(math.Max(0, ref.Y-0.43*size))
	return Box{X: x, Y: y, W: size, H: size}
}

// FaceAPIChip cuts FaceAPIBox out of img as face-api.js's
// extractFaceTensors does (clipped at the borders, corners floored). It
// errors when the box lies outside the image.
func FaceAPIChip(img *tensor.Tensor, pts []landmarks.Point) (*tensor.Tensor, error) {
	return Crop(img, FaceAPIBox(pts))
}

func centre(pts []landmarks.Point) landmarks.Point {
	var c landmarks.Point
	for _, p := range pts {
		c.X += p.X
		c.Y += p.Y
	}
	n := float64(len(pts))
	return landmarks.Point{X: c.X / n, Y: c.Y / n}
}

// Crop returns the part of img ([H,W,C]) inside b, clipped at the image
// borders and floored as face-api.js's Box.clipAtImageBorders, as a new
// tensor. It errors when nothing of b lies inside the image.
func Crop(img *tensor.Tensor, b Box) (*tensor.Tensor, error) {
	h, w, c := img.Shape[0], img.Shape[1], img.Shape[2]
	x0, y0 := math.Max(b.X, 0), math.Max(b.Y, 0)
	cw := math.Floor(math.Min(b.X+b.W-x0, float64(w)-x0))
	ch := math.Floor(math.Min(b.Y+b.H-y0, float64(h)-y0))
	x, y := int(math.Floor(x0)), int(math.Floor(y0))
	if cw < 1 || ch < 1 || x >= w || y >= h {
		return nil, fmt.Errorf("face: box %+v lies outside the %dx%d image", b, w, h)
	}
	bw, bh := min(int(cw), w-x), min(int(ch), h-y)
	out := tensor.New(bh, bw, c)
	for r := range bh {
		copy(out.Data[r*bw*c:(r+1)*bw*c], img.Data[((y+r)*w+x)*c:((y+r)*w+x+bw)*c])
	}
	return out, nil
}

// chipPadding is dlib's padding for face recognition chips.
const chipPadding = 0.25

// templatePoint says whether dlib uses landmark i for alignment: nose, eyes
// and the upper mouth, not the jaw, the brows or the lower lip.
func templatePoint(i int) bool {
	return i >= 27 && !(i >= 55 && i <= 59) && !(i >= 65 && i <= 67)
}

// Similarity is the map p ↦ (A·p.X − B·p.Y + TX, B·p.X + A·p.Y + TY): a
// rotation by atan2(B, A), a scale by hypot(A, B) and a translation.
type Similarity struct{ A, B, TX, TY float64 }

// Apply maps p.
func (s Similarity) Apply(p landmarks.Point) landmarks.Point {
	return landmarks.Point{X: s.A*p.X - s.B*p.Y + s.TX, Y: s.B*p.X + s.A*p.Y + s.TY}
}

// FitSimilarity returns the similarity that maps from[i] closest to to[i] in
// the least-squares sense (the closed form of Umeyama 1991, without
// reflection). from and to must have the same length ≥ 2.
func FitSimilarity(from, to []landmarks.Point) Similarity {
	if len(from) != len(to) || len(from) < 2 {
		panic("face: FitSimilarity needs two equal-length lists of at least two points")
	}
	mf, mt := centre(from), centre(to)
	var sxx, sxy, ff float64
	for i := range from {
		fx, fy := from[i].X-mf.X, from[i].Y-mf.Y
		tx, ty := to[i].X-mt.X, to[i].Y-mt.Y
		sxx += fx*tx + fy*ty // Σ f·t
		sxy += fx*ty - fy*tx // Σ f×t
		ff += fx*fx + fy*fy
	}
	a, b := sxx/ff, sxy/ff
	return Similarity{A: a, B: b, TX: mt.X - (a*mf.X - b*mf.Y), TY: mt.Y - (b*mf.X + a*mf.Y)}
}

// ChipTransform returns the similarity from ChipSize chip pixels to image
// pixels for landmarks pts, fitted on dlib's template points.
func ChipTransform(pts []landmarks.Point) Similarity {
	var from, to []landmarks.Point
	for i := 17; i < landmarks.NumPoints; i++ {
		if !templatePoint(i) {
			continue
		}
		from = append(from, landmarks.Point{
			X: (chipPadding + landmarks.DlibMeanFace[0][i-17]) / (1 + 2*chipPadding) * ChipSize,
			Y: (chipPadding + landmarks.DlibMeanFace[1][i-17]) / (1 + 2*chipPadding) * ChipSize,
		})
		to = append(to, pts[i])
	}
	return FitSimilarity(from, to)
}

// SimilarityChip samples the ChipSize×ChipSize chip of the face with
// landmarks pts out of img ([H,W,C]) through ChipTransform, bilinearly, with
// zeros outside the image. Pixel (u, v) of the chip is image point
// T(u, v), pixel centres at integer coordinates as in dlib.
func SimilarityChip(img *tensor.Tensor, pts []landmarks.Point) *tensor.Tensor {
	return WarpBilinear(img, ChipTransform(pts), ChipSize, ChipSize)
}

// WarpBilinear returns the outH×outW image whose pixel (u, v) is img
// ([H,W,C]) sampled bilinearly at t(u, v); samples outside img read 0.
func WarpBilinear(img *tensor.Tensor, t Similarity, outH, outW int) *tensor.Tensor {
	h, w, c := img.Shape[0], img.Shape[1], img.Shape[2]
	out := tensor.New(outH, outW, c)
	at := func(x, y, k int) float32 {
		if x < 0 || y < 0 || x >= w || y >= h {
			return 0
		}
		return img.Data[(y*w+x)*c+k]
	}
	for v := range outH {
		for u := range outW {
			p := t.Apply(landmarks.Point{X: float64(u), Y: float64(v)})
			x0, y0 := math.Floor(p.X), math.Floor(p.Y)
			fx, fy := float32(p.X-x0), float32(p.Y-y0)
			ix, iy := int(x0), int(y0)
			o := out.Data[(v*outW+u)*c:]
			for k := range c {
				top := at(ix, iy, k)*(1-fx) + at(ix+1, iy, k)*fx
				bot := at(ix, iy+1, k)*(1-fx) + at(ix+1, iy+1, k)*fx
				o[k] = top*(1-fy) + bot*fy
			}
		}
	}
	return out
}

// Mirror returns img ([H,W,C]) flipped left to right, as a new tensor.
func Mirror(img *tensor.Tensor) *tensor.Tensor {
	h, w, c := img.Shape[0], img.Shape[1], img.Shape[2]
	out := tensor.New(h, w, c)
	for y := range h {
		for x := range w {
			copy(out.Data[(y*w+x)*c:(y*w+x+1)*c], img.Data[(y*w+w-1-x)*c:(y*w+w-x)*c])
		}
	}
	return out
}
