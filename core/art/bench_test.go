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
