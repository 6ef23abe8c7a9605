package ops

import (
	"fmt"
	"sync"

	"visage/core/tensor"
)

// Conv2D is the fast 2-D convolution the networks call: x [H,W,Cin],
// w [kh,kw,Cin,Cout], bias Cout values or nil. It returns a new [oh,ow,Cout]
// tensor equal, up to float32 rounding, to Conv(x, w, bias, {strideH, strideW}, pad).
//
// It is one matrix product Y = P·W: P is the im2col matrix (a row per output
// pixel, holding its kh×kw×Cin window) and W is w viewed as [kh*kw*Cin, Cout].
// P is never built whole: gemm asks for it block by block (patchA), and a
// 1×1 stride-1 convolution uses x itself as P. Sums are float32. Large
// products are split among GOMAXPROCS goroutines. In the browser the product
// runs on the WebAssembly SIMD kernels when the host provides them (see
// gemmSIMD), reading P's rows in place.
func Conv2D(x, w *tensor.Tensor, bias []float32, strideH, strideW int, pad Padding) *tensor.Tensor {
	return conv2D(x, &Filter{W: w}, bias, strideH, strideW, pad, false)
}

// Filter is a Conv2D filter prepared for a network that applies it many
// times: on first use, its weights are also laid out for the SIMD kernels
// (in the browser packed strips for a strided convolution, Winograd planes
// for a 3×3 stride-1 one; natively the micro-kernel's packed strips), which
// saves re-packing them (a copy of the whole filter) on every call. A Filter
// may be used from several goroutines at once.
type Filter struct {
	// W is the filter [kh,kw,Cin,Cout]. It must not be modified once the
	// Filter is made: the prepared copies would no longer match.
	W *tensor.Tensor

	prepared             bool // made by NewFilter: keep the layouts below
	packOnce, planesOnce sync.Once
	packed               []float32 // W in igemm's strips; nil: pack per call
	planes               []float32 // W's Winograd planes; nil: not used
}

// NewFilter prepares w [kh,kw,Cin,Cout] for Filter.Conv2D; w is shared,
// not copied, and must not be modified afterwards.
func NewFilter(w *tensor.Tensor) *Filter {
	if w.Rank() != 4 {
		panic(fmt.Sprintf("ops: NewFilter: filter %v is not [kh,kw,Cin,Cout]", w.Shape))
	}
	return &Filter{W: w, prepared: true}
}

// simdB returns W packed for the SIMD kernels (packSIMD), made on first
// use, or nil when the filter is not prepared or the browser's SIMD kernels
// are not available.
func (f *Filter) simdB() []float32 {
	if !f.prepared {
		return nil
	}
	f.packOnce.Do(func() {
		f.packed = packSIMD(f.W.Shape[0]*f.W.Shape[1]*f.W.Shape[2], f.W.Shape[3], f.W.Data)
	})
	return f.packed
}

// winogradPlanes returns W's Winograd planes (winogradFilter), made on first
// use, or nil when the filter is not prepared or Winograd does not apply.
func (f *Filter) winogradPlanes() []float32 {
	if !f.prepared {
		return nil
	}
	f.planesOnce.Do(func() { f.planes = winogradFilter(f.W) })
	return f.planes
}

// Conv2D is ops.Conv2D(x, f.W, bias, strideH, strideW, pad).
func (f *Filter) Conv2D(x *tensor.Tensor, bias []float32, strideH, strideW int, pad Padding) *tensor.Tensor {
	return conv2D(x, f, bias, strideH, strideW, pad, false)
}

// Conv2DReLU is ReLU(f.Conv2D(x, bias, strideH, strideW, pad)), the clamp
// done as each result is stored instead of in a pass of its own.
func (f *Filter) Conv2DReLU(x *tensor.Tensor, bias []float32, strideH, strideW int, pad Padding) *tensor.Tensor {
	return conv2D(x, f, bias, strideH, strideW, pad, true)
}

func conv2D(x *tensor.Tensor, f *Filter, bias []float32, strideH, strideW int, pad Padding, relu bool) *tensor.Tensor {
	w := f.W
	if x.Rank() != 3 || w.Rank() != 4 || w.Shape[2] != x.Shape[2] {
		panic(fmt.Sprintf("ops: Conv2D: input %v and filter %v do not match (want x [H,W,Cin], w [kh,kw,Cin,Cout])", x.Shape, w.Shape))
	}
	h, wd, cin := x.Shape[0], x.Shape[1], x.Shape[2]
	kh, kw, cout := w.Shape[0], w.Shape[1], w.Shape[3]
	checkBias("Conv2D", bias, cout)
	oh, top := window(h, kh, strideH, pad)
	ow, left := window(wd, kw, strideW, pad)
	if strideH == 1 && strideW == 1 {
		if planes := f.winogradPlanes(); planes != nil {
			return conv2DWinograd(x, planes, cout, bias, oh, ow, top, left, relu)
		}
	}
	y := tensor.New(oh, ow, cout)
	var src aSource = patchA{x: x.Data, h: h, w: wd, cin: cin, kw: kw, ow: ow,
		strideH: strideH, strideW: strideW, top: top, left: left}
	if kh == 1 && kw == 1 && strideH == 1 && strideW == 1 {
		src = denseA{a: x.Data, ld: cin}
	}
	gemmPacked(oh*ow, cout, kh*kw*cin, src, w.Data, cout, f.simdB(), y.Data, cout, epilogue{set: true, bias: bias, relu: relu})
	return y
}

// patchA is the im2col matrix of a 2-D convolution, packed on demand: row i
// is output pixel (i/ow, i%ow); column (ky*kw+kx)*cin+ci holds
// x[oy*strideH-top+ky, ox*strideW-left+kx, ci], or 0 in the padding.
type patchA struct {
	x                           []float32
	h, w, cin, kw, ow           int
	strideH, strideW, top, left int
}

func (s patchA) pack(dst []float32, mr, i0, rows, p0, depth int) {
	tap0, ci0 := p0/s.cin, p0%s.cin
	ky0, kx0 := tap0/s.kw, tap0%s.kw
	oy, ox := i0/s.ow, i0%s.ow
	for st := 0; st < rows; st += mr {
		strip := dst[st*depth : (st+mr)*depth]
		for r := range mr {
			if st+r >= rows {
				zeroColumn(strip, mr, r, 0, depth)
				continue
			}
			// Walk the filter taps that overlap columns [p0, p0+depth), from
			// (ky0, kx0, ci0) on: each is a run of up to cin consecutive
			// channels, copied from x or zero in the padding.
			ky, kx, ci := ky0, kx0, ci0
			for p := 0; p < depth; {
				n := min(s.cin-ci, depth-p)
				iy := oy*s.strideH - s.top + ky
				ix := ox*s.strideW - s.left + kx
				if iy >= 0 && iy < s.h && ix >= 0 && ix < s.w {
					setColumn(strip, mr, r, p, s.x[(iy*s.w+ix)*s.cin+ci:][:n])
				} else {
					zeroColumn(strip, mr, r, p, n)
				}
				p += n
				ci = 0
				if kx++; kx == s.kw {
					kx, ky = 0, ky+1
				}
			}
			if ox++; ox == s.ow {
				ox, oy = 0, oy+1
			}
		}
	}
}
