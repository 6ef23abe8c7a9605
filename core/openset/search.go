package openset

import (
	"math"
	"sort"

	"visage/core/face"
)

// Template says how a person's enrolled samples are compared with a probe.
type Template int

const (
	// BestSample scores a person by the closest of their samples.
	BestSample Template = iota
	// MeanDescriptor scores a person by the distance to their samples' mean.
	MeanDescriptor
)

func (t Template) String() string {
	if t == MeanDescriptor {
		return "mean"
	}
	return "best"
}

// Search is one probe searched against a gallery.
type Search struct {
	Probe  Sample
	Mated  bool    // the probe's person is enrolled
	Rank   int     // 1-based rank of the probe's person among the enrolled (0: not enrolled, or no face)
	First  string  // the nearest enrolled person ("" without a face)
	D1, D2 float64 // distances to the nearest and second-nearest person (+Inf where absent)
}

// NoFace reports whether the probe's image gave no face.
func (s Search) NoFace() bool { return s.Probe.Desc == nil }

// Dissimilarity scores a probe's descriptor against one enrolled
// descriptor: smaller is more alike (face.Distance, or a learned head's).
type Dissimilarity func(probe, enrolled []float32) float64

// Run searches every probe of t against its gallery, mated probes first,
// scoring with dist (nil: face.Distance).
func Run(t *Trial, tmpl Template, dist Dissimilarity) []Search {
	if dist == nil {
		dist = face.Distance
	}
	people := t.Enrolled
	templates := make([][][]float32, len(people))
	for i, p := range people {
		for _, s := range t.Gallery[p] {
			templates[i] = append(templates[i], s.Desc)
		}
		if tmpl == MeanDescriptor {
			templates[i] = [][]float32{mean(templates[i])}
		}
	}
	score := make([]float64, len(people))
	order := make([]int, len(people))
	search := func(probe Sample, mated bool) Search {
		s := Search{Probe: probe, Mated: mated, D1: math.Inf(1), D2: math.Inf(1)}
		if probe.Desc == nil {
			return s
		}
		for i, ds := range templates {
			score[i] = math.Inf(1)
			for _, d := range ds {
				score[i] = math.Min(score[i], dist(probe.Desc, d))
			}
			order[i] = i
		}
		sort.SliceStable(order, func(a, b int) bool { return score[order[a]] < score[order[b]] })
		s.First, s.D1 = people[order[0]], score[order[0]]
		if len(order) > 1 {
			s.D2 = score[order[1]]
		}
		if mated {
			for r, i := range order {
				if people[i] == probe.Person {
					s.Rank = r + 1
					break
				}
			}
		}
		return s
	}
	out := make([]Search, 0, len(t.Mated)+len(t.NonMated))
	for _, p := range t.Mated {
		out = append(out, search(p, true))
	}
	for _, p := range t.NonMated {
		out = append(out, search(p, false))
	}
	return out
}

// mean returns the element-wise mean of ds.
func mean(ds [][]float32) []float32 {
	m := make([]float32, len(ds[0]))
	for _, d := range ds {
		for i, v := range d {
			m[i] += v / float32(len(ds))
		}
	}
	return m
}
