package art

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkStep times one optimisation step (forward to conv5_1, the costs,
// backward to the pixels, Adam) with the real VGG-19 at 128² and 256².
func BenchmarkStep(b *testing.B) {
	net := loadVGG(b)
	for _, size := range []int{128, 256} {
		b.Run(fmt.Sprintf("%dx%d", size, size), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			content := randTensor(rng, 0, 255, size, size, 3)
			style := randTensor(rng, 0, 255, size, size, 3)
			s, err := NewStylizer(net, content, style, DefaultOptions())
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := s.Step(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLBFGS runs L-BFGS on the tiny VGG of vgg19test (32×24 images)
// until it has evaluated J 30 times, and reports the cost it reached relative
// to the first (J/J0, lower is better) and the time per evaluation: the two
// numbers by which to compare L-BFGS implementations.
func BenchmarkLBFGS(b *testing.B) {
	net, content, style, opts := lbfgsRun(32, 24)
	const evals = 30
	var ratio float64
	total := 0
	for b.Loop() {
		s, err := NewStylizer(net, content, style, opts)
		if err != nil {
			b.Fatal(err)
		}
		first, err := s.Step()
		if err != nil {
			b.Fatal(err)
		}
		for s.Evaluations() < evals {
			if _, err := s.Step(); err != nil {
				b.Fatal(err)
			}
		}
		last, err := s.Step() // the cost at the image the last step reached
		if err != nil {
			b.Fatal(err)
		}
		ratio = last.Total / first.Total
		total += s.Evaluations()
	}
	b.ReportMetric(ratio, "J/J0")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(total), "ns/eval")
}
