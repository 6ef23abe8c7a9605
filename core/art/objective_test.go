package art

import (
	"math"
	"math/rand/v2"
	"testing"

	"visage/core/tensor"
	"visage/models/vgg19"
	"visage/models/vgg19/vgg19test"
)

// TestObjectiveFiniteDiff checks ∂J/∂G of the whole cost (content, five style
// layers, total variation) through a tiny random VGG-19 against central
// differences on every pixel, for both poolings.
func TestObjectiveFiniteDiff(t *testing.T) {
	opts := DefaultCostOptions()
	opts.TV = 0.5
	for _, pool := range []vgg19.Pooling{vgg19.AvgPool, vgg19.MaxPool} {
		net := vgg19test.Net(7, pool)
		rng := rand.New(rand.NewPCG(8, uint64(pool)))
		content := randTensor(rng, 0, 255, 17, 15, 3) // odd sizes
		style := randTensor(rng, 0, 255, 17, 15, 3)
		gen := randTensor(rng, 0, 255, 17, 15, 3)
		obj, err := NewObjective(net, content, style, opts)
		if err != nil {
			t.Fatal(err)
		}
		c, grad, err := obj.Evaluate(gen)
		if err != nil {
			t.Fatal(err)
		}
		if c.Content <= 0 || c.Style <= 0 || c.TV <= 0 || !near(c.Total, 10*c.Content+40*c.Style+0.5*c.TV, 1e-12) {
			t.Fatalf("costs %+v: want positive terms and Total = 10·content + 40·style + 0.5·tv", c)
		}
		total := func() float64 {
			c, _, err := obj.Evaluate(gen)
			if err != nil {
				t.Fatal(err)
			}
			return c.Total
		}
		scale := 0.0
		for _, g := range grad.Data {
			scale = max(scale, math.Abs(float64(g)))
		}
		// Pixels whose ±h neighbours lie on different linear pieces of the
		// network (a ReLU or max-pool winner flips) are skipped: there the
		// difference straddles a kink. Elsewhere the errors are float32
		// rounding in J (about 6e-4 of max|∂J/∂G| at this h, shrinking as
		// 1/h) and the O(h²) curvature of the quartic style cost; a wrong
		// factor or index anywhere would be off by O(1).
		const h, tol = 0.5, 2e-3
		worst, skipped := 0.0, 0
		for i, v := range gen.Data {
			gen.Data[i] = v + h
			up, rUp := total(), vgg19test.Regime(net, gen)
			gen.Data[i] = v - h
			down, rDown := total(), vgg19test.Regime(net, gen)
			gen.Data[i] = v
			if rUp != rDown {
				skipped++
				continue
			}
			e := math.Abs((up-down)/(2*h)-float64(grad.Data[i])) / scale
			worst = max(worst, e)
			if e > tol {
				t.Errorf("%v pooling, pixel value %d: finite difference %.6g, ∂J/∂G %.6g", pool, i, (up-down)/(2*h), grad.Data[i])
			}
		}
		t.Logf("%v pooling: J = %.6g; worst |fd − ∂J/∂G| / max|∂J/∂G| = %.2g (%d of %d skipped near kinks)", pool, c.Total, worst, skipped, gen.Len())
		if skipped > gen.Len()/4 {
			t.Errorf("%v pooling: %d of %d pixels near a kink; the check tests too little", pool, skipped, gen.Len())
		}
	}
}

func TestObjectiveErrors(t *testing.T) {
	net := vgg19test.Net(9, vgg19.AvgPool)
	a, b := tensor.New(8, 8, 3), tensor.New(8, 6, 3)
	if _, err := NewObjective(net, a, b, DefaultCostOptions()); err == nil {
		t.Error("content and style of different sizes were accepted")
	}
	bad := DefaultCostOptions()
	bad.ContentLayer = "fc7"
	if _, err := NewObjective(net, a, a, bad); err == nil {
		t.Error("unknown content layer was accepted")
	}
	bad = DefaultCostOptions()
	bad.Beta = math.NaN()
	if _, err := NewObjective(net, a, a, bad); err == nil {
		t.Error("NaN β was accepted")
	}
	obj, err := NewObjective(net, a, a, DefaultCostOptions())
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := obj.Evaluate(b); err == nil {
		t.Error("generated image of the wrong size was accepted")
	}
}
