package facerec

import (
	"testing"

	"visage/core/tensor"
	"visage/models/assets/assettest"
)

// flops counts the floating-point operations of one 150x150 forward pass:
// 2 per multiply-add of every convolution and of fc (bias, scale, ReLU and
// pooling are a fraction of a percent and left out). side is each layer's
// convolution output side, which follows from the architecture: 150 → 72
// (conv32_down) → 35 (max pool) → 17 → 8 → 3, padded to 4 → 1.
func flops(p *netParams[*tensor.Tensor]) float64 {
	conv := func(side int, l convLayerParams[*tensor.Tensor]) float64 {
		return 2 * float64(side*side) * float64(l.filters.Len())
	}
	res := func(side int, l residualLayerParams[*tensor.Tensor]) float64 {
		return conv(side, l.conv1) + conv(side, l.conv2)
	}
	return conv(72, p.conv32Down) +
		res(35, p.conv32_1) + res(35, p.conv32_2) + res(35, p.conv32_3) +
		res(17, p.conv64Down) + res(17, p.conv64_1) + res(17, p.conv64_2) + res(17, p.conv64_3) +
		res(8, p.conv128Down) + res(8, p.conv128_1) + res(8, p.conv128_2) +
		res(3, p.conv256Down) + res(4, p.conv256_1) + res(4, p.conv256_2) + res(1, p.conv256DownOut) +
		2*float64(p.fc.Len())
}

// BenchmarkEncode times one 150x150 face (no resize) and reports ms/face and
// the arithmetic rate.
func BenchmarkEncode(b *testing.B) {
	n := assettest.FaceModel(b, Manifest, Load)
	img := tensor.New(Size, Size, 3)
	for i := range img.Data {
		img.Data[i] = float32((i * 31) % 256)
	}
	for b.Loop() {
		if _, err := n.Encode(img); err != nil {
			b.Fatal(err)
		}
	}
	perFace := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(perFace*1e3, "ms/face")
	b.ReportMetric(flops(n.cpu.p)/perFace/1e9, "GFLOP/s")
}
