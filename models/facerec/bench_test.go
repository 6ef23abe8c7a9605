package facerec

import (
	"testing"

	"visage/core/tensor"
	"visage/models/assets/assettest"
)

// BenchmarkEncode times one 150x150 face (no resize) and reports ms/face and
// the arithmetic rate (GFLOP/s of FLOPs a pass).
func BenchmarkEncode(b *testing.B) {
	n := assettest.FaceModel(b, Manifest, Load)
	flops := FLOPs()
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
	b.ReportMetric(flops/perFace/1e9, "GFLOP/s")
}
