// Package netinput brings an image to a network's square input as
// face-api.js's NetInput.toBatchTensor(size, isCenterImage) does, before each
// network's own normalization.
package netinput

import (
	"visage/core/ops"
	"visage/core/tensor"
)

// Square returns img ([H,W,C], any values) zero-padded along its shorter
// side to a square and resized to [size,size,C] with tf.image.resizeBilinear
// semantics (no corner alignment, no half-pixel centres). With centre set the
// padding is split as face-api.js's padToSquare(img, true) splits it:
// round(diff/2) rows or columns after the image and the rest before; without
// it all of it goes after (at the bottom or right). The result is always a
// new tensor that the caller owns: it never aliases img.
func Square(img *tensor.Tensor, size int, centre bool) *tensor.Tensor {
	x := padToSquare(img, centre)
	if x.Shape[0] != size {
		return ops.ResizeBilinear(x, size, size, false, false)
	}
	if x == img {
		return img.Clone()
	}
	return x
}

// padToSquare returns img zero-padded along its shorter side to a square
// (split as Square says), or img itself when it is square.
func padToSquare(img *tensor.Tensor, centre bool) *tensor.Tensor {
	h, w := img.Shape[0], img.Shape[1]
	diff := max(h, w) - min(h, w)
	after, before := diff, 0
	if centre {
		after = (diff + 1) / 2 // Math.round(diff / 2)
		before = diff - after
	}
	switch {
	case h > w:
		return ops.PadSpatial(img, 0, 0, before, after, 0)
	case w > h:
		return ops.PadSpatial(img, before, after, 0, 0, 0)
	}
	return img
}
