package art

import (
	"math"
	"math/rand/v2"
	"testing"

	"visage/core/tensor"
)

func mustTensor(t *testing.T, shape []int, data ...float32) *tensor.Tensor {
	t.Helper()
	x, err := tensor.FromData(data, shape...)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func randTensor(rng *rand.Rand, lo, hi float32, shape ...int) *tensor.Tensor {
	x := tensor.New(shape...)
	for i := range x.Data {
		x.Data[i] = lo + (hi-lo)*rng.Float32()
	}
	return x
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol*max(1, math.Abs(b)) }

func TestCostsByHand(t *testing.T) {
	// Content: Σ(aC−aG)² = 2² + 3² = 13, over 4·1·1·2 = 8.
	aC := mustTensor(t, []int{1, 1, 2}, 1, 2)
	aG := mustTensor(t, []int{1, 1, 2}, 3, 5)
	j, g, err := ContentCost(aC, aG)
	if err != nil || !near(j, 1.625, 1e-12) {
		t.Errorf("ContentCost = %v, %v; want 1.625", j, err)
	}
	if g.Data[0] != 0.5 || g.Data[1] != 0.75 { // 2/8·(aG−aC)
		t.Errorf("content gradient %v, want [0.5 0.75]", g.Data)
	}
	// Gram of two pixels (1,2), (3,4): A = [[1,3],[2,4]], A·Aᵀ = [[10,14],[14,20]].
	gram := Gram(mustTensor(t, []int{1, 2, 2}, 1, 2, 3, 4))
	if d := tensor.MaxAbsDiff(gram, mustTensor(t, []int{2, 2}, 10, 14, 14, 20)); d != 0 {
		t.Errorf("Gram = %v, want [10 14 14 20]", gram.Data)
	}
	// Style, one pixel, one channel a = 2, G_S = 0: G_G = 4, k = 1/4,
	// J = 16/4 = 4 and dJ/da = d(a⁴/4)/da = a³ = 8.
	j, g, err = StyleLayerCost(tensor.New(1, 1), mustTensor(t, []int{1, 1, 1}, 2))
	if err != nil || j != 4 || g.Data[0] != 8 {
		t.Errorf("StyleLayerCost = %v, %v, %v; want 4, [8]", j, g.Data, err)
	}
	// TV of a 2×2 grey image [[0,1],[3,3]]: (3−0)² + (3−1)² + (1−0)² + 0 = 14, over 4.
	tv, _ := TotalVariation(mustTensor(t, []int{2, 2, 1}, 0, 1, 3, 3))
	if tv != 3.5 {
		t.Errorf("TotalVariation = %v, want 3.5", tv)
	}
}

func TestCostShapeErrors(t *testing.T) {
	if _, _, err := ContentCost(tensor.New(2, 2, 3), tensor.New(2, 3, 3)); err == nil {
		t.Error("ContentCost accepted different shapes")
	}
	if _, _, err := StyleLayerCost(tensor.New(4, 4), tensor.New(2, 2, 3)); err == nil {
		t.Error("StyleLayerCost accepted a Gram of the wrong size")
	}
}

// checkGrad compares grad with central differences of cost at every element
// of x; cost sums in float64.
func checkGrad(t *testing.T, name string, x, grad *tensor.Tensor, cost func() float64, h float32) {
	t.Helper()
	scale := 0.0
	for _, g := range grad.Data {
		scale = max(scale, math.Abs(float64(g)))
	}
	worst := 0.0
	for i, v := range x.Data {
		x.Data[i] = v + h
		up := cost()
		x.Data[i] = v - h
		down := cost()
		x.Data[i] = v
		step := float64(v+h) - float64(v-h)
		worst = max(worst, math.Abs((up-down)/step-float64(grad.Data[i]))/scale)
	}
	t.Logf("%s: worst |fd − grad| / max|grad| = %.2g", name, worst)
	if worst > 1e-3 {
		t.Errorf("%s: gradient disagrees with finite differences by %.2g of its largest element", name, worst)
	}
}

func TestCostGradientsFiniteDiff(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	aC := randTensor(rng, 0, 3, 3, 5, 7)
	aG := randTensor(rng, 0, 3, 3, 5, 7)
	_, g, _ := ContentCost(aC, aG)
	checkGrad(t, "content", aG, g, func() float64 { j, _, _ := ContentCost(aC, aG); return j }, 1e-2)

	gS := Gram(randTensor(rng, 0, 3, 3, 5, 7))
	_, g, _ = StyleLayerCost(gS, aG)
	checkGrad(t, "style", aG, g, func() float64 { j, _, _ := StyleLayerCost(gS, aG); return j }, 1e-2)

	img := randTensor(rng, 0, 255, 4, 5, 3)
	_, g = TotalVariation(img)
	checkGrad(t, "tv", img, g, func() float64 { j, _ := TotalVariation(img); return j }, 0.5)
}
