package webgpu

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// halfValue decodes binary16 bits (the reference: sign, 5-bit exponent
// biased by 15, 10-bit mantissa, subnormals below exponent 1).
func halfValue(h uint16) float64 {
	sign := 1.0
	if h&0x8000 != 0 {
		sign = -1
	}
	exp, mant := int(h>>10&0x1f), float64(h&0x3ff)
	switch exp {
	case 0:
		return sign * mant * math.Pow(2, -24)
	case 0x1f:
		if mant != 0 {
			return math.NaN()
		}
		return sign * math.Inf(1)
	}
	return sign * (1 + mant/1024) * math.Pow(2, float64(exp-15))
}

// TestFloat16Bits checks float16Bits against an exhaustive search over
// every finite binary16 value for random float32s across the range
// (normal, subnormal, overflowing), ties to even included.
func TestFloat16Bits(t *testing.T) {
	var finite []uint16
	for h := range 0x10000 {
		if h>>10&0x1f != 0x1f {
			finite = append(finite, uint16(h))
		}
	}
	nearest := func(f float32) uint16 { // ties to the even mantissa; beyond 65520 → Inf
		if math.Abs(float64(f)) >= 65520 {
			return uint16(math.Float32bits(f)>>16)&0x8000 | 0x7c00
		}
		best, bestErr := uint16(0), math.Inf(1)
		for _, h := range finite {
			if (h&0x8000 != 0) != math.Signbit(float64(f)) {
				continue
			}
			e := math.Abs(halfValue(h) - float64(f))
			if e < bestErr || e == bestErr && h&1 == 0 {
				best, bestErr = h, e
			}
		}
		return best
	}
	rng := rand.New(rand.NewPCG(1, 16))
	values := []float32{0, 1, -1, 65504, 65519, 65520, 1e9, 6e-8, 2.9e-8, 3e-8, 1 + 1.0/2048, 1 + 3.0/2048, float32(math.Pow(2, -24)) * 1.5}
	for range 400 {
		values = append(values, float32((rng.Float64()*2-1)*math.Pow(2, rng.Float64()*46-28)))
	}
	for _, f := range values {
		if got, want := float16Bits(f), nearest(f); got != want {
			t.Errorf("float16Bits(%g) = %#04x (%g), want %#04x (%g)", f, got, halfValue(got), want, halfValue(want))
		}
	}
	if h := float16Bits(float32(math.NaN())); !math.IsNaN(halfValue(h)) {
		t.Errorf("NaN → %#04x", h)
	}
}

func TestSpecialize(t *testing.T) {
	src := "alias BStore = f32;\nalias TileT = f32;\nfn main() {}"
	if got := specialize(src, ""); got != src {
		t.Errorf("no variant changed the source: %q", got)
	}
	got := specialize(src, "BStore=f16,TileT=f32")
	if !strings.HasPrefix(got, "enable f16;\n") || !strings.Contains(got, "alias BStore = f16;") || !strings.Contains(got, "alias TileT = f32;") {
		t.Errorf("specialize gave %q", got)
	}
}
