package facerec

import (
	"testing"

	"visage/core/backend"
	"visage/core/tensor"
)

// cpu is the backend the layer tests run on.
var cpu backend.Backend[*tensor.Tensor] = backend.NewCPU()

func folded(filters *tensor.Tensor, bias, scale, shift []float32) convLayerParams[*tensor.Tensor] {
	f, b := foldScale(filters, bias, scale, shift)
	return convLayerParams[*tensor.Tensor]{filters: f, bias: b}
}

// constLayer is a conv layer whose filters and conv bias are zero, so that it
// outputs relu?(scale bias) everywhere: the convolution's arithmetic drops out
// and only the layer's wiring remains to check.
func constLayer(k, cin, cout int, bias float32) convLayerParams[*tensor.Tensor] {
	scale, shift := make([]float32, cout), make([]float32, cout)
	for i := range cout {
		scale[i], shift[i] = 1, bias
	}
	return folded(tensor.New(k, k, cin, cout), make([]float32, cout), scale, shift)
}

func seq(shape ...int) *tensor.Tensor {
	t := tensor.New(shape...)
	for i := range t.Data {
		t.Data[i] = float32(i%7) - 2
	}
	return t
}

func TestConvLayerByHand(t *testing.T) {
	// 1x1 convolution, 1 -> 2 channels: y = relu((x*f + b) * s + sb).
	filters := tensorOf(t, []float32{2, -1}, 1, 1, 1, 2)
	p := folded(filters, []float32{0.5, 0}, []float32{3, 1}, []float32{-1, 4})
	if filters.Data[0] != 2 || filters.Data[1] != -1 {
		t.Errorf("foldScale modified its filters: %v", filters.Data)
	}
	x := tensorOf(t, []float32{1, -2, 0}, 1, 3, 1)
	want := tensorOf(t, []float32{
		(2*1+0.5)*3 - 1, -1*1 + 4,
		0, -1*-2 + 4, // (2*-2+0.5)*3-1 < 0
		(0+0.5)*3 - 1, 4,
	}, 1, 3, 2)
	if d := tensor.MaxAbsDiff(conv(cpu, x, p), want); d > 1e-6 {
		t.Errorf("conv: got %v, want %v", conv(cpu, x, p).Data, want.Data)
	}
	noRelu := convNoRelu(cpu, x, p)
	if got := noRelu.At(0, 1, 0); got != (2*-2+0.5)*3-1 {
		t.Errorf("convNoRelu kept %v, want %v", got, (2*-2+0.5)*3-1)
	}
}

func tensorOf(t *testing.T, data []float32, shape ...int) *tensor.Tensor {
	t.Helper()
	x, err := tensor.FromData(data, shape...)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func TestResidualByHand(t *testing.T) {
	// conv1 outputs 1 everywhere, conv2 ignores it and outputs -3: the block
	// is relu(x - 3).
	x := seq(3, 5, 2)
	got := residual(cpu, x, residualLayerParams[*tensor.Tensor]{conv1: constLayer(3, 2, 2, 1), conv2: constLayer(3, 2, 2, -3)})
	for i, v := range x.Data {
		if want := max(v-3, 0); got.Data[i] != want {
			t.Fatalf("residual[%d] = %v, want relu(%v-3) = %v", i, got.Data[i], v, want)
		}
	}
}

// TestResidualDownByHand checks the shortcut (2x2 average pool, channels
// doubled with zeros) and the zero padding of the convolution path at the
// bottom and right when it comes out smaller than the pool.
func TestResidualDownByHand(t *testing.T) {
	for _, side := range []int{5, 4} { // 5: conv 2x2 = pool 2x2; 4: conv 1x1 < pool 2x2
		x := seq(side, side, 2)
		p := residualLayerParams[*tensor.Tensor]{conv1: constLayer(3, 2, 4, 1), conv2: constLayer(3, 4, 4, 0.5)}
		got := residualDown(cpu, x, p)
		convSide := (side-3)/2 + 1
		if want := []int{2, 2, 4}; !tensor.SameShape(got, &tensor.Tensor{Shape: want}) {
			t.Fatalf("side %d: shape %v, want %v", side, got.Shape, want)
		}
		for r := range 2 {
			for c := range 2 {
				for ch := range 4 {
					var pool float32
					if ch < 2 {
						pool = (x.At(2*r, 2*c, ch) + x.At(2*r, 2*c+1, ch) + x.At(2*r+1, 2*c, ch) + x.At(2*r+1, 2*c+1, ch)) / 4
					}
					var convPath float32
					if r < convSide && c < convSide {
						convPath = 0.5
					}
					if want := max(pool+convPath, 0); got.At(r, c, ch) != want {
						t.Errorf("side %d: out[%d,%d,%d] = %v, want relu(%v + %v)", side, r, c, ch, got.At(r, c, ch), pool, convPath)
					}
				}
			}
		}
	}
}
