//go:build js && wasm

package ops

import (
	"runtime"

	"visage/core/tensor"
)

// Winograd F(2×2, 3×3) (Lavin and Gray, "Fast Algorithms for Convolutional
// Neural Networks", 2015) computes each 2×2 block of a 3×3 stride-1
// convolution's output from the 4×4 input tile d under it as
//
//	Y = Aᵀ·[ Σ_ci (G·g·Gᵀ) ⊙ (Bᵀ·d·B) ]·A
//
// with g the 3×3 filter of each (ci, co). The sum over input channels of the
// 16 element-wise products is 16 matrix products (tiles×Cin)·(Cin×Cout), 2.25
// times fewer multiply-adds than the direct convolution's; the transforms
// (wgInput, wgOutput) are additions only, and G = [1 0 0; ½ ½ ½; ½ −½ ½;
// 0 0 1] holds only 0, ±½ and 1, so the results stay within float32
// rounding of the direct ones.

// winogradFilter returns the 16 planes U(i,j) = (G·g·Gᵀ)[i][j] of w
// [3,3,Cin,Cout], each Cin×Cout packed for igemm, one after another; nil when
// Winograd does not apply (another kernel size, channels not a multiple of 4)
// or the SIMD kernels are not available.
func winogradFilter(w *tensor.Tensor) []float32 {
	if simd == nil || w.Shape[0] != 3 || w.Shape[1] != 3 || w.Shape[2]%4 != 0 || w.Shape[3]%4 != 0 {
		return nil
	}
	cin, cout := w.Shape[2], w.Shape[3]
	buf := getScratch(16 * cin * cout)
	defer scratch.Put(buf)
	planes := *buf
	for ci := range cin {
		for co := range cout {
			var g [3][3]float64
			for ky := range 3 {
				for kx := range 3 {
					g[ky][kx] = float64(w.Data[((ky*3+kx)*cin+ci)*cout+co])
				}
			}
			// u = G·g·Gᵀ: G's rows applied down the columns, then along the rows.
			var t [4][3]float64
			for kx := range 3 {
				t[0][kx], t[3][kx] = g[0][kx], g[2][kx]
				t[1][kx] = (g[0][kx] + g[1][kx] + g[2][kx]) / 2
				t[2][kx] = (g[0][kx] - g[1][kx] + g[2][kx]) / 2
			}
			for i := range 4 {
				u := [4]float64{t[i][0], (t[i][0] + t[i][1] + t[i][2]) / 2, (t[i][0] - t[i][1] + t[i][2]) / 2, t[i][2]}
				for j, v := range u {
					planes[((i*4+j)*cin+ci)*cout+co] = float32(v)
				}
			}
		}
	}
	plane := cin * roundUp(cout, simdNR)
	packed := make([]float32, 16*plane)
	for xi := range 16 {
		simd.packb.Invoke(cin, cout, addr(planes[xi*cin*cout:]), cout, addr(packed[xi*plane:]))
	}
	runtime.KeepAlive(planes)
	return packed
}

// conv2DWinograd is conv2D with stride 1 by a 3×3 filter given as its
// Winograd planes (winogradFilter): y [oh,ow,cout] for x [H,W,Cin], top and
// left being the padding before the input.
func conv2DWinograd(x *tensor.Tensor, planes []float32, cout int, bias []float32, oh, ow, top, left int, relu bool) *tensor.Tensor {
	h, wd, cin := x.Shape[0], x.Shape[1], x.Shape[2]
	y := tensor.New(oh, ow, cout)
	if oh == 0 || ow == 0 {
		return y
	}
	th, tw := (oh+1)/2, (ow+1)/2
	tiles := th * tw
	src := patchA{x: x.Data, h: h, w: wd, cin: cin, kw: 3, ow: ow, strideH: 1, strideW: 1, top: top, left: left}
	xp, pw, pbuf := src.padded(2*th+2, 2*tw+2)
	if pbuf != nil {
		defer scratch.Put(pbuf)
	}
	vbuf, mbuf := getScratch(16*tiles*cin), getScratch(16*tiles*cout)
	defer scratch.Put(vbuf)
	defer scratch.Put(mbuf)
	v, m := *vbuf, *mbuf
	simd.wgInput.Invoke(addr(xp), pw, cin, th, tw, addr(v), 4*tiles*cin)

	ind := addrScratch.Get().(*[]int32)
	defer addrScratch.Put(ind)
	if cap(*ind) < roundUp(tiles, 4) {
		*ind = make([]int32, roundUp(tiles, 4))
	}
	rows := (*ind)[:roundUp(tiles, 4)]
	for t := range rows {
		rows[t] = int32(addr(v) + 4*min(t, tiles-1)*cin)
	}
	zero := paddedRow(cout, nil)
	defer scratch.Put(zero)
	plane := cin * roundUp(cout, simdNR)
	igemmBlocks(tiles, cout, cin, 1, 0, rows, 0, planes, m, cout, *zero, false,
		batch{count: 16, aStep: 4 * tiles * cin, bStep: 4 * plane, cStep: 4 * tiles * cout})

	if bias == nil {
		bias = (*zero)[:cout]
	}
	simd.wgOutput.Invoke(addr(m), 4*tiles*cout, cout, th, tw, addr(bias), relu, addr(y.Data), oh, ow)
	runtime.KeepAlive(xp)
	runtime.KeepAlive(v)
	runtime.KeepAlive(m)
	runtime.KeepAlive(bias)
	return y
}
