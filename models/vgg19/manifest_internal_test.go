package vgg19

import (
	"crypto/md5"
	"encoding/hex"
	"testing"
	"testing/fstest"
)

func TestReadEntryDequantizes(t *testing.T) {
	data := []byte{0, 1, 255, 4, 5, 6}
	sum := md5.Sum(data)
	e := manifestEntry{Filename: "w", Size: 6, Shape: []int{2, 3}, Checksum: hex.EncodeToString(sum[:])}
	e.Quantization.Dtype, e.Quantization.Scale, e.Quantization.MinValue = "uint8", 0.5, -1
	w, err := readEntry(fstest.MapFS{"w": {Data: data}}, e)
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{-1, -0.5, 126.5, 1, 1.5, 2} // q·0.5 − 1
	for i, v := range w.Data {
		if v != want[i] {
			t.Errorf("value %d = %g, want %g", i, v, want[i])
		}
	}
	if w.Shape[0] != 2 || w.Shape[1] != 3 {
		t.Errorf("shape %v, want [2 3]", w.Shape)
	}
	e.Shape = []int{5}
	if _, err := readEntry(fstest.MapFS{"w": {Data: data}}, e); err == nil {
		t.Error("a shape that disagrees with the size was accepted")
	}
	e.Shape, e.Quantization.Dtype = []int{6}, "uint16"
	if _, err := readEntry(fstest.MapFS{"w": {Data: data}}, e); err == nil {
		t.Error("uint16 quantization was accepted")
	}
}
