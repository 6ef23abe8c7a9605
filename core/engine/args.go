package engine

import (
	"fmt"

	"visage/core/imageio"
	"visage/core/tensor"
)

// This file holds the argument and result types the calls share.

// Image is an image argument: [H,W,3] RGB 0..255, upright, within
// imageio's limits.
type Image struct{ *tensor.Tensor }

// Frame is a camera frame: an Image that came as pixels, never as an
// encoded file, so that a photo file can never stand in for the camera.
type Frame struct{ Image }

// Descriptor is a face descriptor of one of the encoders' lengths
// (face.EncoderDim), every number finite.
type Descriptor []float32

// Pair is the two descriptors that Distance, Compare and Decide compare:
// their first two arguments.
type Pair struct {
	A Descriptor `js:"first descriptor"`
	B Descriptor `js:"second descriptor"`
}

// Check is an error unless p's descriptors come from one encoder.
func (p *Pair) Check() error {
	if len(p.A) != len(p.B) {
		return fmt.Errorf("descriptors of %d and %d numbers come from different encoders and cannot be compared", len(p.A), len(p.B))
	}
	return nil
}

// Session is a session number: the argument of the calls that continue a
// session, and the result of those that start one.
type Session struct {
	Session int `js:"session"`
}

// Pixels is an image as the calls return it: RGBA, 4 bytes a pixel row by
// row (one byte a value for a feature map).
type Pixels struct {
	Width  int    `js:"width"`
	Height int    `js:"height"`
	Data   []byte `js:"data,clamped"`
}

// pixelsOf is img ([H,W,3] RGB 0..255) as RGBA pixels.
func pixelsOf(img *tensor.Tensor) Pixels {
	return Pixels{img.Shape[1], img.Shape[0], imageio.ToImage(img).Pix}
}

// IntIn returns f as an int, or an error naming what unless it is a whole
// number in lo..hi.
func IntIn(what string, f float64, lo, hi int) (int, error) {
	if !(f >= float64(lo) && f <= float64(hi)) || f != float64(int(f)) {
		return 0, fmt.Errorf("%s %v, want a whole number in %d..%d", what, f, lo, hi)
	}
	return int(f), nil
}
