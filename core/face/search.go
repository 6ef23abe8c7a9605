package face

import (
	"math"
	"slices"
	"sync"

	"visage/core/ops"
)

// search is a Gallery's index for large galleries: labels by name, and every
// descriptor in one contiguous matrix that Identify scans with one kernel
// (ops.SquaredDistances, SIMD in the browser). Both are built on first use
// after a change, under mu, so that concurrent readers may build them.
type search struct {
	mu    sync.Mutex
	index map[string]int // label → position in people
	rows  []float32      // the descriptors, person by person, a row each
	owner []int          // the person of each row
}

// forget drops what a change made stale.
func (s *search) forget() {
	s.mu.Lock()
	s.index, s.rows, s.owner = nil, nil, nil
	s.mu.Unlock()
}

// position returns the index of the person labelled name, or -1.
func (g *Gallery) position(name string) int {
	g.search.mu.Lock()
	defer g.search.mu.Unlock()
	if g.search.index == nil {
		g.search.index = make(map[string]int, len(g.people))
		for i, p := range g.people {
			g.search.index[p.label] = i
		}
	}
	if i, ok := g.search.index[name]; ok {
		return i
	}
	return -1
}

// added records a descriptor enrolled: for a new person, appended to people
// and called name, the index gains them; for an existing one (name "") it
// stays valid. The matrix is rebuilt either way.
func (g *Gallery) added(name string) {
	g.search.mu.Lock()
	if g.search.index != nil && name != "" {
		g.search.index[name] = len(g.people) - 1
	}
	g.search.rows, g.search.owner = nil, nil
	g.search.mu.Unlock()
}

// matrix returns the descriptor matrix and each row's person.
func (g *Gallery) matrix() ([]float32, []int) {
	g.search.mu.Lock()
	defer g.search.mu.Unlock()
	if g.search.rows == nil {
		n := 0
		for _, p := range g.people {
			n += len(p.descriptors)
		}
		rows, owner := make([]float32, 0, n*EncoderDim(g.Encoder())), make([]int, 0, n)
		for i, p := range g.people {
			for _, d := range p.descriptors {
				rows = append(rows, d...)
				owner = append(owner, i)
			}
		}
		g.search.rows, g.search.owner = rows, owner
	}
	return g.search.rows, g.search.owner
}

// nearest returns the person nearest to enc (a checked descriptor) and the
// exact distance (Distance) to their closest descriptor, and with withSecond
// the exact distance to the next person's closest one (+Inf with one person
// enrolled): the matrix kernel finds the candidates, whose exact distances
// then decide, so the result is the one a scan of Distance over every
// descriptor gives, first person in enrollment order on ties. -1 and +Inf
// when no one is enrolled.
func (g *Gallery) nearest(enc []float32, withSecond bool) (person int, dist, second float64) {
	rows, owner := g.matrix()
	person, dist, second = -1, math.Inf(1), math.Inf(1)
	if len(owner) == 0 {
		return person, dist, second
	}
	dim := len(enc)
	d2 := make([]float32, len(owner))
	ops.SquaredDistances(rows, dim, enc, d2)
	// exact settles, among the rows within float32's few ulps of the best
	// squared distance of rows not owned by skip, the exact nearest person.
	exact := func(skip int) (int, float64) {
		best, found := float32(math.Inf(1)), false
		for r, v := range d2 {
			if owner[r] != skip && v <= best {
				best, found = v, true
			}
		}
		p, d := -1, math.Inf(1)
		if !found {
			return p, d
		}
		slack := 1e-4 * (1 + best)
		for r, v := range d2 {
			if owner[r] == skip || v > best+slack {
				continue
			}
			if e := Distance(rows[r*dim:(r+1)*dim], enc); e < d || e == d && owner[r] < p {
				p, d = owner[r], e
			}
		}
		return p, d
	}
	person, dist = exact(-1)
	if withSecond {
		_, second = exact(person)
	}
	return person, dist, second
}

// Equal reports whether g and h hold the same encoder, threshold and people,
// in the same order, with the same descriptors (their search indexes aside).
func (g *Gallery) Equal(h *Gallery) bool {
	if g.threshold != h.threshold || g.Encoder() != h.Encoder() || len(g.people) != len(h.people) {
		return false
	}
	for i, p := range g.people {
		q := h.people[i]
		if p.label != q.label || len(p.descriptors) != len(q.descriptors) {
			return false
		}
		for j, d := range p.descriptors {
			if !slices.Equal(d, q.descriptors[j]) {
				return false
			}
		}
	}
	return true
}

// Replace makes g hold what h holds (encoder, threshold and people, sharing
// h's descriptors), so that whoever holds g sees the new gallery.
func (g *Gallery) Replace(h *Gallery) {
	g.threshold, g.people, g.encoder = h.threshold, h.people, h.encoder
	g.search.forget()
}
