package art

import (
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"visage/core/tensor"
)

// TestTopUnitsMatchesBruteForce streams 40 random activations (some
// channels often silent, values repeating so that ties occur) and checks
// every channel's hits against ranking all images by brute force.
func TestTopUnitsMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const k, n, h, w, nc = 5, 40, 3, 4, 6
	top := NewTopUnits(k)
	acts := make([]*tensor.Tensor, n)
	for i := range acts {
		a := tensor.New(h, w, nc)
		for j := range a.Data {
			if rng.IntN(3) > 0 || j%nc == 5 { // channel 5 is always silent
				continue
			}
			a.Data[j] = float32(rng.IntN(20)) // repeats: ties
		}
		acts[i] = a
		top.Add(i, a)
	}
	for c := range nc {
		var want []Hit
		for i, a := range acts {
			best, at := float32(0), -1
			for y := range h {
				for x := range w {
					if v := a.At(y, x, c); v > best {
						best, at = v, y*w+x
					}
				}
			}
			if at >= 0 {
				want = append(want, Hit{i, at / w, at % w, best})
			}
		}
		sort.SliceStable(want, func(a, b int) bool { return want[a].Value > want[b].Value })
		want = want[:min(k, len(want))]
		if got := top.Hits(c); !slices.Equal(got, want) {
			t.Errorf("channel %d: hits %v, brute force %v", c, got, want)
		}
	}
	if top.Hits(5) != nil {
		t.Errorf("the silent channel has hits %v", top.Hits(5))
	}
	// Units: ranked by the 5th hit; the silent channel last.
	units := top.Units(nc)
	kth := func(c int) float32 {
		if hs := top.Hits(c); len(hs) == k {
			return hs[k-1].Value
		}
		return -1
	}
	for i := 1; i < len(units); i++ {
		if kth(units[i-1]) < kth(units[i]) {
			t.Errorf("units %v are not ordered by their %dth hit", units, k)
		}
	}
	if units[len(units)-1] != 5 || len(top.Units(2)) != 2 {
		t.Errorf("units %v: want the silent channel 5 last, and Units(2) to give 2", units)
	}
}
