package learn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// checkGrad compares analytic[i] with the central difference of loss in
// value[i] (perturbed in place and restored), in float64.
func checkGrad(t *testing.T, name string, value, analytic []float64, loss func() float64) {
	t.Helper()
	const h = 1e-6
	for i := range value {
		v := value[i]
		value[i] = v + h
		up := loss()
		value[i] = v - h
		down := loss()
		value[i] = v
		num := (up - down) / (2 * h)
		if err := math.Abs(num - analytic[i]); err > 1e-6*max(1, math.Abs(num)) {
			t.Errorf("%s[%d]: analytic %.9g, finite difference %.9g", name, i, analytic[i], num)
		}
	}
}

func randMatrix(rng *rand.Rand, rows, cols int) *Matrix {
	m := NewMatrix(rows, cols)
	for i := range m.Data {
		m.Data[i] = rng.NormFloat64()
	}
	return m
}

// dot returns Σ a·b: a scalar loss with gradient b with respect to a.
func dot(a, b *Matrix) float64 {
	s := 0.0
	for i := range a.Data {
		s += a.Data[i] * b.Data[i]
	}
	return s
}

// TestSequentialGradients checks every parameter and the input of an MLP
// head (dense → ReLU → dense → L2 norm) with odd sizes, under the loss Σ R·y.
func TestSequentialGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	net := &Sequential{Layers: []Layer{NewDense(5, 7, math.Sqrt2, rng), ReLU{}, NewDense(7, 3, 1, rng), L2Norm{}}}
	for _, p := range net.Params() {
		for i := range p.Value {
			p.Value[i] = rng.NormFloat64() // non-zero biases too
		}
	}
	x := randMatrix(rng, 3, 5)
	r := randMatrix(rng, 3, 3)
	loss := func() float64 { return dot(net.Forward(x), r) }
	ZeroGrad(net.Params())
	acts := net.ForwardTrain(x)
	dx := net.Backward(acts, r)
	for i, p := range net.Params() {
		checkGrad(t, []string{"W1", "b1", "W2", "b2"}[i], p.Value, p.Grad, loss)
	}
	checkGrad(t, "x", x.Data, dx.Data, loss)
}

// Each layer alone, so a failure names the culprit.
func TestLayerGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for name, l := range map[string]Layer{"dense": NewDense(4, 5, 1, rng), "relu": ReLU{}, "l2norm": L2Norm{}} {
		cols := 4
		x := randMatrix(rng, 3, cols)
		y := l.Forward(x)
		r := randMatrix(rng, y.Rows, y.Cols)
		loss := func() float64 { return dot(l.Forward(x), r) }
		ZeroGrad(l.Params())
		dx := l.Backward(x, y, r)
		checkGrad(t, name+" x", x.Data, dx.Data, loss)
		for _, p := range l.Params() {
			checkGrad(t, name+" param", p.Value, p.Grad, loss)
		}
	}
}

func TestDenseForwardByHand(t *testing.T) {
	d := &Dense{2, 3, &Param{Value: []float64{1, 2, 3, 4, 5, 6}}, &Param{Value: []float64{0.5, 0, -1}}}
	y := d.Forward(&Matrix{1, 2, []float64{1, -1}})
	// [1,−1]·[[1,2,3],[4,5,6]] = [−3,−3,−3], + b.
	for i, want := range []float64{-2.5, -3, -4} {
		if y.Data[i] != want {
			t.Errorf("y[%d] = %v, want %v", i, y.Data[i], want)
		}
	}
}

func TestL2NormByHand(t *testing.T) {
	y := L2Norm{}.Forward(&Matrix{2, 2, []float64{3, 4, 0, 0}})
	for i, want := range []float64{0.6, 0.8, 0, 0} {
		if y.Data[i] != want {
			t.Errorf("y[%d] = %v, want %v", i, y.Data[i], want)
		}
	}
}

func TestTripletLossGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	emb := randMatrix(rng, 5, 3)
	ts := []Triplet{{0, 1, 2}, {1, 0, 3}, {0, 1, 4}, {2, 3, 0}}
	const margin = 0.2
	loss := func() float64 { l, _, _ := TripletLoss(emb, ts, margin); return l }
	_, _, grad := TripletLoss(emb, ts, margin)
	checkGrad(t, "emb", emb.Data, grad.Data, loss)
}

func TestTripletLossByHand(t *testing.T) {
	// a=(0,0) p=(1,0) n=(0,2): 1 − 4 + 0.2 < 0, inactive; n'=(0,1): 1 − 1 + 0.2 = 0.2.
	emb := &Matrix{4, 2, []float64{0, 0, 1, 0, 0, 2, 0, 1}}
	loss, active, grad := TripletLoss(emb, []Triplet{{0, 1, 2}, {0, 1, 3}}, 0.2)
	if math.Abs(loss-0.2) > 1e-15 || active != 1 {
		t.Errorf("loss %v active %d, want 0.2 and 1", loss, active)
	}
	// ∂a = 2(n−p) = (−2,2), ∂p = 2(p−a) = (2,0), ∂n = 2(a−n) = (0,−2), row 2 untouched.
	want := []float64{-2, 2, 2, 0, 0, 0, 0, -2}
	for i := range want {
		if grad.Data[i] != want[i] {
			t.Errorf("grad = %v, want %v", grad.Data, want)
			break
		}
	}
}

// The whole triplet objective through an MLP head, as training uses it.
func TestTripletThroughHeadGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	net := &Sequential{Layers: []Layer{NewDense(6, 5, math.Sqrt2, rng), ReLU{}, NewDense(5, 4, 1, rng), L2Norm{}}}
	x := randMatrix(rng, 6, 6)
	ts := []Triplet{{0, 1, 2}, {3, 4, 5}, {1, 0, 5}}
	const margin = 4.5 // above the largest ‖a−n‖² − ‖a−p‖² of unit vectors (4): every triplet active
	loss := func() float64 { l, _, _ := TripletLoss(net.Forward(x), ts, margin); return l }
	ZeroGrad(net.Params())
	acts := net.ForwardTrain(x)
	_, active, g := TripletLoss(acts[len(acts)-1], ts, margin)
	if active != len(ts) {
		t.Fatalf("%d of %d triplets active; the check wants all", active, len(ts))
	}
	net.Backward(acts, g)
	for i, p := range net.Params() {
		checkGrad(t, []string{"W1", "b1", "W2", "b2"}[i], p.Value, p.Grad, loss)
	}
}

func TestLogisticLossGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	c := NewPairClassifier(AbsDiff, 5)
	for i := range c.W.Value {
		c.W.Value[i] = rng.NormFloat64()
	}
	c.B.Value[0] = 0.3
	phi := randMatrix(rng, 7, 5)
	same := []bool{true, false, true, true, false, false, true}
	loss := func() float64 { ZeroGrad(c.Params()); return c.LogisticLoss(phi, same) }
	loss()
	gw := append([]float64(nil), c.W.Grad...)
	gb := append([]float64(nil), c.B.Grad...)
	checkGrad(t, "w", c.W.Value, gw, loss)
	checkGrad(t, "b", c.B.Value, gb, loss)
}

func TestLogisticLossByHand(t *testing.T) {
	c := NewPairClassifier(AbsDiff, 1)
	c.W.Value[0], c.B.Value[0] = 2, -1
	// z = 2·1 − 1 = 1: same → log(1+e⁻¹); different → log(1+e).
	got := c.LogisticLoss(&Matrix{2, 1, []float64{1, 1}}, []bool{true, false})
	if want := math.Log(1+math.Exp(-1)) + math.Log(1+math.E); math.Abs(got-want) > 1e-12 {
		t.Errorf("loss %v, want %v", got, want)
	}
	// Stable far out: z = ±800 would overflow exp.
	c.W.Value[0], c.B.Value[0] = 0, 800
	if l := c.LogisticLoss(&Matrix{1, 1, []float64{0}}, []bool{false}); l != 800 {
		t.Errorf("loss at z=800 for a different pair = %v, want 800", l)
	}
}

func TestFeaturesByHand(t *testing.T) {
	a := []float32{1, -1, 0, 0.5, -2}
	b := []float32{3, 1, 0, 0.5, 0}
	dst := make([]float64, 5)
	AbsDiff.Features(dst, a, b)
	for i, want := range []float64{2, 2, 0, 0, 2} {
		if dst[i] != want {
			t.Errorf("abs[%d] = %v, want %v", i, dst[i], want)
		}
	}
	// χ²: 4/4, 4/2 (f_i+f_j would be 0), 0 (both 0), 0, 4/2.
	ChiSquare.Features(dst, a, b)
	for i, want := range []float64{1, 2, 0, 0, 2} {
		if dst[i] != want {
			t.Errorf("chi2[%d] = %v, want %v", i, dst[i], want)
		}
	}
}

func BenchmarkDenseForwardBackward(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	d := NewDense(128, 64, 1, rng)
	x := randMatrix(rng, 128, 128)
	dy := randMatrix(rng, 128, 64)
	for b.Loop() {
		y := d.Forward(x)
		d.Backward(x, y, dy)
	}
}

func BenchmarkHeadScore(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	h := &Head{Kind: KindEmbedding, Net: &Sequential{Layers: []Layer{NewDense(128, 64, 1, rng), L2Norm{}}}}
	a, c := make([]float32, 128), make([]float32, 128)
	for i := range a {
		a[i], c[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
	}
	for b.Loop() {
		h.Score(a, c)
	}
}

// BenchmarkLogisticLoss times the pair classifier's loss and gradient on a
// batch of 256 pairs (the CLI's default) of 128-dimensional features.
func BenchmarkLogisticLoss(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	c := NewPairClassifier(AbsDiff, 128)
	for i := range c.W.Value {
		c.W.Value[i] = rng.NormFloat64()
	}
	phi := randMatrix(rng, 256, 128)
	same := make([]bool, 256)
	for i := range same {
		same[i] = i%2 == 0
	}
	for b.Loop() {
		c.LogisticLoss(phi, same)
	}
}
