package ops

import (
	"fmt"

	"visage/core/tensor"
)

// PadSpatial returns a new [top+H+bottom, left+W+right, C] tensor holding
// x [H,W,C] surrounded by value. Negative amounts panic.
func PadSpatial(x *tensor.Tensor, top, bottom, left, right int, value float32) *tensor.Tensor {
	if x.Rank() != 3 || top < 0 || bottom < 0 || left < 0 || right < 0 {
		panic(fmt.Sprintf("ops: PadSpatial %v by %d,%d,%d,%d", x.Shape, top, bottom, left, right))
	}
	h, w, c := x.Shape[0], x.Shape[1], x.Shape[2]
	pw := left + w + right
	y := tensor.New(top+h+bottom, pw, c)
	if value != 0 {
		for i := range y.Data {
			y.Data[i] = value
		}
	}
	for r := range h {
		copy(y.Data[((top+r)*pw+left)*c:], x.Data[r*w*c:(r+1)*w*c])
	}
	return y
}

// ConcatChannels returns a new [H,W,Ca+Cb] tensor whose first Ca channels are
// a [H,W,Ca] and the rest b [H,W,Cb].
func ConcatChannels(a, b *tensor.Tensor) *tensor.Tensor {
	if a.Rank() != 3 || b.Rank() != 3 || a.Shape[0] != b.Shape[0] || a.Shape[1] != b.Shape[1] {
		panic(fmt.Sprintf("ops: ConcatChannels: shapes %v and %v (want [H,W,Ca] and [H,W,Cb])", a.Shape, b.Shape))
	}
	ca, cb := a.Shape[2], b.Shape[2]
	y := tensor.New(a.Shape[0], a.Shape[1], ca+cb)
	for p := range a.Shape[0] * a.Shape[1] {
		copy(y.Data[p*(ca+cb):], a.Data[p*ca:(p+1)*ca])
		copy(y.Data[p*(ca+cb)+ca:], b.Data[p*cb:(p+1)*cb])
	}
	return y
}

// Transpose2D returns the new transpose [n,m] of a matrix a [m,n].
func Transpose2D(a *tensor.Tensor) *tensor.Tensor {
	if a.Rank() != 2 {
		panic(fmt.Sprintf("ops: Transpose2D of %v, want [m,n]", a.Shape))
	}
	m, n := a.Shape[0], a.Shape[1]
	t := tensor.New(n, m)
	for i := range m {
		for j, v := range a.Data[i*n : (i+1)*n] {
			t.Data[j*m+i] = v
		}
	}
	return t
}
