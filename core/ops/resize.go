package ops

import (
	"fmt"
	"math"

	"visage/core/tensor"
)

// ResizeBilinear returns x [H,W,C] resized to a new [outH,outW,C] tensor with
// tf.image.resizeBilinear's semantics (as tfjs-backend-cpu computes them):
// alignCorners maps corner pixel centres onto each other (when the output side
// exceeds 1); halfPixelCenters samples at (i+0.5)*in/out-0.5. Source
// coordinates are clamped to the image. Sizes must be positive.
func ResizeBilinear(x *tensor.Tensor, outH, outW int, alignCorners, halfPixelCenters bool) *tensor.Tensor {
	if x.Rank() != 3 || outH < 1 || outW < 1 || x.Shape[0] < 1 || x.Shape[1] < 1 {
		panic(fmt.Sprintf("ops: ResizeBilinear from %v to %dx%d", x.Shape, outH, outW))
	}
	h, w, c := x.Shape[0], x.Shape[1], x.Shape[2]
	rows := bilinearTaps(h, outH, alignCorners, halfPixelCenters)
	cols := bilinearTaps(w, outW, alignCorners, halfPixelCenters)
	y := tensor.New(outH, outW, c)
	dst := y.Data
	for _, r := range rows {
		for _, q := range cols {
			tl := x.Data[(r.lo*w+q.lo)*c:][:c]
			tr := x.Data[(r.lo*w+q.hi)*c:][:c]
			bl := x.Data[(r.hi*w+q.lo)*c:][:c]
			br := x.Data[(r.hi*w+q.hi)*c:][:c]
			for i := range c {
				top := float64(tl[i]) + (float64(tr[i])-float64(tl[i]))*q.frac
				bot := float64(bl[i]) + (float64(br[i])-float64(bl[i]))*q.frac
				dst[i] = float32(top + (bot-top)*r.frac)
			}
			dst = dst[c:]
		}
	}
	return y
}

// bilinearTap says which two source indices an output index blends, and how:
// value = src[lo] + (src[hi]-src[lo])*frac.
type bilinearTap struct {
	lo, hi int
	frac   float64
}

// bilinearTaps computes the taps along one axis exactly as tfjs does, including
// its clamping of lo to 0 (which can leave a negative frac when lo == hi).
func bilinearTaps(in, out int, alignCorners, halfPixelCenters bool) []bilinearTap {
	effIn, effOut := in, out
	if alignCorners && out > 1 {
		effIn, effOut = in-1, out-1
	}
	ratio := float64(effIn) / float64(effOut)
	taps := make([]bilinearTap, out)
	for i := range taps {
		src := ratio * float64(i)
		if halfPixelCenters {
			src = ratio*(float64(i)+0.5) - 0.5
		}
		lo := max(0, int(math.Floor(src)))
		hi := min(in-1, int(math.Ceil(src)))
		taps[i] = bilinearTap{lo: lo, hi: hi, frac: src - float64(lo)}
	}
	return taps
}
