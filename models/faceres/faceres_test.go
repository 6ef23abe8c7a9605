package faceres

import (
	"math"
	"os"
	"testing"

	"visage/core/backend/backendtest"
	"visage/core/tensor"
	"visage/models/assets"
	"visage/models/assets/assettest"
)

func load(t testing.TB) *Net {
	dir, err := assets.HumanModelsDir()
	assettest.Need(t, err)
	n, err := Load(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// chip is a smooth synthetic 112×112 image (values 0..255).
func chip() *tensor.Tensor {
	c := tensor.New(Size, Size, 3)
	for y := range Size {
		for x := range Size {
			for k := range 3 {
				c.Data[(y*Size+x)*3+k] = float32(127.5 + 120*math.Sin(float64(x*(k+1))/17+float64(y)/23))
			}
		}
	}
	return c
}

func TestEncodeIsUnitLength(t *testing.T) {
	n := load(t)
	{
		d, err := n.Encode(chip())
		if err != nil {
			t.Fatal(err)
		}
		var sq float64
		for _, v := range d {
			sq += float64(v) * float64(v)
		}
		if len(d) != Dim || math.Abs(sq-1) > 1e-4 {
			t.Errorf("%d numbers of norm² %v, want %d of norm 1", len(d), sq, Dim)
		}
	}
	if _, err := n.Encode(tensor.New(112, 112, 3)); err == nil {
		t.Error("Encode of a 112×112 chip: no error")
	}
}

// BenchmarkFaceRes times one descriptor of a 224×224 chip, natively
// (the graph runtime on core/ops's pure Go kernels).
func BenchmarkFaceRes(b *testing.B) {
	n := load(b)
	c := chip()
	for b.Loop() {
		if _, err := n.Encode(c); err != nil {
			b.Fatal(err)
		}
	}
}

// TestEncodeOnBackend runs the network through On on a fake GPU: the
// descriptor is the CPU's and a device failure surfaces from Encode.
func TestEncodeOnBackend(t *testing.T) {
	backendtest.CheckOn(t, load(t), On[*tensor.Tensor], chip())
}
