package ops

import (
	"math"
	"testing"
)

// TestAdamStepFirstIsLR: at step 1, m = 0.1·g, v = 0.001·g² and Rate(1) =
// LR·√0.001/0.1, so the step is LR·g/(|g| + ε/√0.001): x moves by LR against
// the gradient's sign, whichever type holds the values and the moments.
func TestAdamStepFirstIsLR(t *testing.T) {
	t.Run("float32 moments", func(t *testing.T) { adamFirstStep[float32, float32](t) })
	t.Run("float64 moments", func(t *testing.T) { adamFirstStep[float32, float64](t) })
	t.Run("float64 values", func(t *testing.T) { adamFirstStep[float64, float64](t) })
}

func adamFirstStep[X, M float32 | float64](t *testing.T) {
	x, m, v := []X{0, 10}, make([]M, 2), make([]M, 2)
	AdamStep(NewAdam(2), 1, x, []X{3, -0.5}, m, v)
	if math.Abs(float64(x[0]+2)) > 1e-5 || math.Abs(float64(x[1]-12)) > 1e-5 {
		t.Errorf("after one step x = %v, want [-2 12]", x)
	}
	// m = 0.1·g, v = 0.001·g².
	got := []float64{float64(m[0]), float64(m[1]), float64(v[0]), float64(v[1])}
	for i, want := range []float64{0.3, -0.05, 0.009, 0.00025} {
		if math.Abs(got[i]-want) > 1e-7*math.Abs(want) {
			t.Errorf("m, v = %v %v, want [0.3 -0.05] [0.009 0.00025]", m, v)
			break
		}
	}
}

// TestAdamEpsilonAsTensorFlow1 checks where ε enters, with a gradient small
// enough for ε to matter: TensorFlow 1 adds it to √v, not to √v̂, so step 1
// moves by LR·|g|/(|g| + ε/√(1−β2)).
func TestAdamEpsilonAsTensorFlow1(t *testing.T) {
	a := NewAdam(1)
	a.Epsilon = 1e-3
	x := []float32{0}
	AdamStep(a, 1, x, []float32{1e-3}, make([]float64, 1), make([]float64, 1))
	// m = 1e-4, √v = √0.001·1e-3, Rate(1) = √0.001/0.1:
	// Δ = √0.001/0.1 · 1e-4/(√0.001·1e-3 + 1e-3) = 1/(1 + 1/√0.001).
	want := -1 / (1 + 1/math.Sqrt(0.001))
	if math.Abs(float64(x[0])-want) > 1e-6 {
		t.Errorf("x = %v, want %v", x[0], want)
	}
}

// TestAdamRateByHand: the bias correction at steps 1 and 2.
func TestAdamRateByHand(t *testing.T) {
	a := NewAdam(0.1)
	for _, c := range []struct {
		t    int
		want float64
	}{{1, 0.1 * math.Sqrt(0.001) / 0.1}, {2, 0.1 * math.Sqrt(1-0.999*0.999) / (1 - 0.81)}} {
		if got := a.Rate(c.t); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("Rate(%d) = %v, want %v", c.t, got, c.want)
		}
	}
}

func TestAdamStepLengthMismatchPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("moments shorter than x were accepted")
		}
	}()
	AdamStep(NewAdam(1), 1, make([]float32, 3), make([]float32, 3), make([]float32, 2), make([]float32, 3))
}
