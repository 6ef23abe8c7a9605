package webgpu

import (
	"math"
	"strings"
)

// This file holds the float16 arithmetic of the F16 precision (see
// precision.go). It has no browser dependency, so it builds and is tested
// natively.

// float16Bits returns the IEEE 754 binary16 nearest to f (ties to even;
// overflow to ±Inf; NaN stays NaN).
func float16Bits(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int(b>>23&0xff) - 127 + 15
	mant := b & 0x7fffff
	switch {
	case b&0x7fffffff > 0x7f800000: // NaN
		return sign | 0x7e00
	case exp >= 0x1f: // too large, or Inf
		return sign | 0x7c00
	case exp <= 0: // subnormal or zero in float16
		if exp < -10 {
			return sign
		}
		mant |= 0x800000
		shift := uint(14 - exp) // to a 10-bit mantissa at exponent −14
		half := uint32(1) << (shift - 1)
		r := mant >> shift
		if rest := mant & (1<<shift - 1); rest > half || rest == half && r&1 == 1 {
			r++
		}
		return sign | uint16(r)
	}
	r := uint32(exp)<<10 | mant>>13
	if rest := mant & 0x1fff; rest > 0x1000 || rest == 0x1000 && r&1 == 1 {
		r++ // may carry into the exponent, up to Inf: still right
	}
	return sign | uint16(r)
}

// specialize rewrites a shader's type aliases ("alias NAME = f32;" lines)
// as variant says ("NAME=f16,…", the part of a pipeline's name after ":")
// and enables f16 when any becomes f16.
func specialize(src, variant string) string {
	if variant == "" {
		return src
	}
	for _, kv := range strings.Split(variant, ",") {
		name, typ, _ := strings.Cut(kv, "=")
		src = strings.Replace(src, "alias "+name+" = f32;", "alias "+name+" = "+typ+";", 1)
		if typ == "f16" && !strings.HasPrefix(src, "enable f16;") {
			src = "enable f16;\n" + src
		}
	}
	return src
}
