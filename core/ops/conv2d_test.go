package ops

import (
	"fmt"
	"math"
	"testing"

	"visage/core/tensor"
)

// TestConv2DMatchesConv runs the im2col + GEMM path (with the filter as
// given and prepared by NewFilter, and with ReLU fused) against the
// reference Conv on awkward shapes: 1×1 (the direct path, and strided), odd sizes,
// Cin = 3, Cout not a multiple of the micro-tile, 7×7 stride 2, kernels wider
// than the input under Same, more output pixels than one GEMM block and a
// patch depth over one kc block.
func TestConv2DMatchesConv(t *testing.T) {
	for _, s := range []struct {
		h, w, cin, kh, kw, cout, sh, sw int
	}{
		{5, 7, 3, 1, 1, 5, 1, 1},
		{9, 8, 3, 1, 1, 6, 2, 2},
		{11, 13, 3, 3, 3, 5, 1, 1},
		{15, 17, 3, 7, 7, 8, 2, 2},
		{10, 9, 5, 3, 2, 7, 2, 1},
		{3, 2, 2, 5, 5, 3, 1, 1},
		{1, 1, 4, 3, 3, 9, 1, 1},
		{20, 19, 33, 3, 3, 17, 1, 1},
		{12, 12, 64, 1, 1, 13, 1, 1},
		// 3×3 stride 1 with channels in fours: Winograd in the browser;
		// odd and even sides, 1×1, and Cin over one depth block.
		{9, 7, 8, 3, 3, 12, 1, 1},
		{4, 4, 4, 3, 3, 4, 1, 1},
		{1, 2, 4, 3, 3, 8, 1, 1},
		{6, 5, 260, 3, 3, 20, 1, 1},
	} {
		for _, pad := range []Padding{Valid, Same} {
			name := fmt.Sprintf("%dx%dx%d*%dx%d->%d/s%d,%d/%v", s.h, s.w, s.cin, s.kh, s.kw, s.cout, s.sh, s.sw, pad)
			draw := lcg(uint32(s.h*s.w + s.cin*s.cout + s.kh))
			x := draw(s.h, s.w, s.cin)
			w := draw(s.kh, s.kw, s.cin, s.cout)
			bias := draw(s.cout).Data
			want := Conv(x, w, bias, []int{s.sh, s.sw}, pad)
			checkRelative(t, name, Conv2D(x, w, bias, s.sh, s.sw, pad), want)
			checkRelative(t, name+" prepared filter", NewFilter(w).Conv2D(x, bias, s.sh, s.sw, pad), want)
			checkRelative(t, name+" fused ReLU", NewFilter(w).Conv2DReLU(x, bias, s.sh, s.sw, pad), ReLU(want.Clone()))
			checkRelative(t, name+" no bias", Conv2D(x, w, nil, s.sh, s.sw, pad), Conv(x, w, nil, []int{s.sh, s.sw}, pad))
		}
	}
}

// convLayer is a real layer shape for benchmarks.
type convLayer struct {
	name               string
	h, w, cin, k, cout int
	stride             int
}

var benchLayers = []convLayer{
	{"facerec-conv32_down", 150, 150, 3, 7, 32, 2},
	{"facerec-37x37x32", 37, 37, 32, 3, 32, 1},
	{"facerec-19x19x64", 19, 19, 64, 3, 64, 1},
	{"vgg-64x64x128", 64, 64, 128, 3, 128, 1},
	{"ssd-1x1-19x19x512", 19, 19, 512, 1, 512, 1},
}

// BenchmarkConv2D times Conv2D on real layer shapes, with the filter as a
// tensor and prepared by NewFilter (in the browser: packed once, and Winograd
// for 3×3 stride 1), and reports GFLOP/s (2·oh·ow·kh·kw·Cin·Cout per call,
// whatever the algorithm).
func BenchmarkConv2D(b *testing.B) {
	for _, l := range benchLayers {
		for _, prepared := range []bool{false, true} {
			name := l.name
			if prepared {
				name += "/filter"
			}
			b.Run(name, func(b *testing.B) {
				draw := lcg(1)
				x := draw(l.h, l.w, l.cin)
				w := draw(l.k, l.k, l.cin, l.cout)
				f := NewFilter(w)
				var y *tensor.Tensor
				for b.Loop() {
					if prepared {
						y = f.Conv2D(x, nil, l.stride, l.stride, Same)
					} else {
						y = Conv2D(x, w, nil, l.stride, l.stride, Same)
					}
				}
				flops := 2 * float64(y.Shape[0]*y.Shape[1]*l.k*l.k*l.cin*l.cout)
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

// TestDepthwiseMatchesConv checks DepthwiseConv2D against the reference Conv
// run channel by channel on awkward shapes.
func TestDepthwiseMatchesConv(t *testing.T) {
	for _, s := range []struct{ h, w, c, k, mult, stride int }{
		{7, 9, 5, 3, 1, 1}, {8, 7, 3, 3, 2, 2}, {5, 5, 6, 5, 1, 2}, {2, 3, 3, 3, 3, 1},
		{48, 45, 35, 3, 1, 1}, // big enough to be split among goroutines
		// one filter per channel, channels in 16s: the SIMD kernel in the browser
		{7, 9, 16, 3, 1, 1}, {8, 7, 32, 3, 1, 2}, {2, 1, 16, 3, 1, 1}, {6, 5, 48, 5, 1, 2},
		// channels in 16s at stride 3 and on a one-pixel input
		{4, 7, 16, 3, 1, 3}, {1, 1, 32, 3, 1, 1},
	} {
		for _, pad := range []Padding{Valid, Same} {
			draw := lcg(uint32(s.h*s.c + s.k*s.mult))
			x := draw(s.h, s.w, s.c)
			w := draw(s.k, s.k, s.c, s.mult)
			bias := draw(s.c * s.mult).Data
			got := DepthwiseConv2D(x, w, bias, s.stride, s.stride, pad)
			for ci := range s.c {
				xc, wc := tensor.New(s.h, s.w, 1), tensor.New(s.k, s.k, 1, s.mult)
				for i := range xc.Data {
					xc.Data[i] = x.Data[i*s.c+ci]
				}
				for i := range s.k * s.k {
					copy(wc.Data[i*s.mult:(i+1)*s.mult], w.Data[(i*s.c+ci)*s.mult:])
				}
				want := Conv(xc, wc, bias[ci*s.mult:(ci+1)*s.mult], []int{s.stride, s.stride}, pad)
				gc := tensor.New(want.Shape...)
				for i := range gc.Data {
					p, m := i/s.mult, i%s.mult
					gc.Data[i] = got.Data[p*s.c*s.mult+ci*s.mult+m]
				}
				checkRelative(t, fmt.Sprintf("%+v %v channel %d", s, pad, ci), gc, want)
			}
		}
	}
}

// BenchmarkDepthwiseConv2D times SSD-MobileNet's depthwise layer shapes.
func BenchmarkDepthwiseConv2D(b *testing.B) {
	for _, l := range []convLayer{
		{"150x150x32", 150, 150, 32, 3, 1, 1},
		{"150x150x64-s2", 150, 150, 64, 3, 1, 2},
		{"19x19x512", 19, 19, 512, 3, 1, 1},
	} {
		b.Run(l.name, func(b *testing.B) {
			draw := lcg(1)
			x := draw(l.h, l.w, l.cin)
			w := draw(l.k, l.k, l.cin, l.cout)
			var y *tensor.Tensor
			for b.Loop() {
				y = DepthwiseConv2D(x, w, nil, l.stride, l.stride, Same)
			}
			flops := 2 * float64(y.Len()*l.k*l.k)
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// TestMaxPoolMatchesNaive checks MaxPool2D against a plain loop over each
// window's in-bounds cells, on odd sizes with channels in 16s (the SIMD
// kernel in the browser) and not, and with a NaN, which must win its windows.
func TestMaxPoolMatchesNaive(t *testing.T) {
	for _, s := range []struct{ h, w, c, kh, kw, stride int }{
		{9, 7, 16, 3, 3, 2}, {5, 6, 32, 2, 3, 1}, {1, 2, 16, 3, 3, 2}, {8, 9, 5, 3, 3, 2},
	} {
		for _, pad := range []Padding{Valid, Same} {
			x := lcg(uint32(s.h*s.w+s.c))(s.h, s.w, s.c)
			x.Data[s.c+1] = float32(math.NaN())
			got := MaxPool2D(x, s.kh, s.kw, s.stride, s.stride, pad)
			oh, top := window(s.h, s.kh, s.stride, pad)
			ow, left := window(s.w, s.kw, s.stride, pad)
			for oy := range oh {
				for ox := range ow {
					for ch := range s.c {
						want := float32(math.Inf(-1))
						for ky := range s.kh {
							for kx := range s.kw {
								iy, ix := oy*s.stride-top+ky, ox*s.stride-left+kx
								if iy < 0 || iy >= s.h || ix < 0 || ix >= s.w {
									continue
								}
								if v := x.At(iy, ix, ch); v > want || v != v {
									want = v
								}
							}
						}
						if g := got.At(oy, ox, ch); g != want && !(g != g && want != want) {
							t.Fatalf("%+v %v: out[%d,%d,%d] = %v, want %v", s, pad, oy, ox, ch, g, want)
						}
					}
				}
			}
		}
	}
}
