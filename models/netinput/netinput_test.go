package netinput

import (
	"testing"

	"visage/core/tensor"
)

func TestPadToSquareByHand(t *testing.T) {
	for _, tc := range []struct {
		h, w            int
		centre          bool
		top, left, side int // where the image lands in the square
	}{
		{2, 5, true, 1, 0, 5}, // diff 3: round(1.5)=2 rows after, 1 before
		{5, 2, true, 0, 1, 5}, // same, along the width
		{3, 7, true, 2, 0, 7}, // diff 4: 2 and 2
		{4, 4, true, 0, 0, 4},
		{1, 2, true, 0, 0, 2},  // diff 1: the single row goes after
		{2, 5, false, 0, 0, 5}, // not centred: all 3 rows after
		{5, 2, false, 0, 0, 5},
		{3, 3, false, 0, 0, 3},
	} {
		img := tensor.New(tc.h, tc.w, 3)
		for i := range img.Data {
			img.Data[i] = float32(i + 1)
		}
		got := padToSquare(img, tc.centre)
		if got.Shape[0] != tc.side || got.Shape[1] != tc.side {
			t.Errorf("%dx%d centre=%v: padded shape %v, want %d square", tc.h, tc.w, tc.centre, got.Shape, tc.side)
			continue
		}
		for r := range tc.side {
			for c := range tc.side {
				for ch := range 3 {
					var want float32
					if ir, ic := r-tc.top, c-tc.left; ir >= 0 && ir < tc.h && ic >= 0 && ic < tc.w {
						want = img.At(ir, ic, ch)
					}
					if got.At(r, c, ch) != want {
						t.Fatalf("%dx%d centre=%v: square[%d,%d,%d] = %v, want %v", tc.h, tc.w, tc.centre, r, c, ch, got.At(r, c, ch), want)
					}
				}
			}
		}
	}
}

func TestSquareNeverAliases(t *testing.T) {
	const size = 150
	for _, shape := range [][]int{{size, size, 3}, {size, 140, 3}, {90, 90, 3}, {7, 5, 1}} {
		for _, centre := range []bool{true, false} {
			img := tensor.New(shape...)
			got := Square(img, size, centre)
			if got.Shape[0] != size || got.Shape[1] != size || got.Shape[2] != shape[2] {
				t.Errorf("%v: shape %v, want [%d %d %d]", shape, got.Shape, size, size, shape[2])
			}
			got.Data[0] = 7
			if img.Data[0] != 0 {
				t.Errorf("%v centre=%v: Square's result aliases the input", shape, centre)
			}
		}
	}
}
