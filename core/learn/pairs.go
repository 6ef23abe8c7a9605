package learn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// Feature turns two descriptors into the per-dimension features of a pair.
type Feature int

const (
	// AbsDiff is |f_i − f_j|_k.
	AbsDiff Feature = iota
	// ChiSquare is (f_i − f_j)²_k / (|f_i|_k + |f_j|_k), and 0 where both are 0.
	// DeepFace's χ² distance divides by f_i + f_j, which is fine for its
	// non-negative (post-ReLU) features; face-api.js descriptors have
	// negative components, where f_i + f_j can be 0 or negative and the
	// feature would explode or flip sign. |f_i| + |f_j| equals f_i + f_j on
	// non-negative features, is never below |f_i − f_j|, so the feature stays
	// in [0, |f_i − f_j|].
	ChiSquare
)

// ParseFeature reads "abs" or "chi2".
func ParseFeature(s string) (Feature, error) {
	switch s {
	case "abs":
		return AbsDiff, nil
	case "chi2":
		return ChiSquare, nil
	}
	return 0, fmt.Errorf("learn: pair feature must be abs or chi2, found %q", s)
}

// String returns the name ParseFeature reads.
func (f Feature) String() string {
	if f == ChiSquare {
		return "chi2"
	}
	return "abs"
}

// Features writes the pair features of descriptors a and b (same length)
// into dst, which must have their length.
func (f Feature) Features(dst []float64, a, b []float32) {
	for k := range dst {
		x, y := float64(a[k]), float64(b[k])
		d := math.Abs(x - y)
		if f == ChiSquare {
			if s := math.Abs(x) + math.Abs(y); s > 0 {
				d = d * d / s
			} else {
				d = 0
			}
		}
		dst[k] = d
	}
}

// PairClassifier is logistic regression on pair features:
// P(same) = σ(Σ_k w_k·φ_k + b).
type PairClassifier struct {
	Feature Feature
	W, B    *Param // W has one weight per descriptor dimension; B one value
}

// NewPairClassifier returns a classifier over dim-dimensional descriptors,
// all weights zero (P = 0.5 everywhere: logistic regression needs no random
// start).
func NewPairClassifier(f Feature, dim int) *PairClassifier {
	return &PairClassifier{f, newParam(dim), newParam(1)}
}

// Logit returns z = w·φ + b for a row of features.
func (c *PairClassifier) Logit(phi []float64) float64 {
	z := c.B.Value[0]
	for k, v := range phi {
		z += c.W.Value[k] * v
	}
	return z
}

// Prob returns P(same) for descriptors a and b.
func (c *PairClassifier) Prob(a, b []float32) float64 {
	phi := make([]float64, len(c.W.Value))
	c.Feature.Features(phi, a, b)
	return sigmoid(c.Logit(phi))
}

// LogisticLoss returns the summed logistic loss
// Σ −[y·log σ(z) + (1−y)·log(1−σ(z))] over the rows of phi (pair features)
// with labels same, computed stably from z as softplus(z) − y·z, and adds its
// gradient (∂/∂z = σ(z) − y) into W.Grad and B.Grad.
func (c *PairClassifier) LogisticLoss(phi *Matrix, same []bool) float64 {
	z, g := make([]float64, phi.Rows), make([]float64, phi.Rows)
	for n := range z {
		z[n] = c.B.Value[0]
	}
	blas64.Gemv(blas.NoTrans, 1, phi.general(), vec(c.W.Value), 1, vec(z)) // z = φ·w + b
	loss := 0.0
	for n, zn := range z {
		y := 0.0
		if same[n] {
			y = 1
		}
		loss += softplus(zn) - y*zn
		g[n] = sigmoid(zn) - y
		c.B.Grad[0] += g[n]
	}
	blas64.Gemv(blas.Trans, 1, phi.general(), vec(g), 1, vec(c.W.Grad)) // ∂/∂w += φᵀ·g
	return loss
}

// vec views v as a BLAS vector sharing its storage.
func vec(v []float64) blas64.Vector { return blas64.Vector{N: len(v), Inc: 1, Data: v} }

// Params returns W and B.
func (c *PairClassifier) Params() []*Param { return []*Param{c.W, c.B} }

func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// softplus returns log(1 + eᶻ) without overflow.
func softplus(z float64) float64 {
	return max(z, 0) + math.Log1p(math.Exp(-math.Abs(z)))
}

// PairSampler draws labelled pairs from samples with identity labels: half
// same pairs (an identity with at least two samples, two of its samples),
// half different pairs (two samples of different identities).
type PairSampler struct {
	labels  []int
	byLabel [][]int // identities with ≥ 2 samples
	rng     *rand.Rand
}

// NewPairSampler indexes labels; it fails without an identity of two
// samples or without two identities.
func NewPairSampler(labels []int, rng *rand.Rand) (*PairSampler, error) {
	byLabel, identities := groupsOf(labels)
	if len(byLabel) == 0 || identities < 2 {
		return nil, fmt.Errorf("learn: pairs need an identity with 2 samples and 2 identities, found %d and %d", len(byLabel), identities)
	}
	return &PairSampler{labels: labels, byLabel: byLabel, rng: rng}, nil
}

// groupsOf returns the sample indices of each identity in labels that has at
// least two samples, identities in order of first appearance, and how many
// identities labels holds in all.
func groupsOf(labels []int) (groups [][]int, identities int) {
	idx := map[int][]int{}
	var order []int
	for i, l := range labels {
		if idx[l] == nil {
			order = append(order, l)
		}
		idx[l] = append(idx[l], i)
	}
	for _, l := range order {
		if len(idx[l]) >= 2 {
			groups = append(groups, idx[l])
		}
	}
	return groups, len(order)
}

// Pair returns two sample indices and whether they share an identity; same
// is true for even i and false for odd i, so any run of pairs is balanced.
func (s *PairSampler) Pair(i int) (a, b int, same bool) {
	if i%2 == 0 {
		ids := s.byLabel[s.rng.IntN(len(s.byLabel))]
		j := s.rng.IntN(len(ids))
		k := (j + 1 + s.rng.IntN(len(ids)-1)) % len(ids)
		return ids[j], ids[k], true
	}
	for {
		a, b = s.rng.IntN(len(s.labels)), s.rng.IntN(len(s.labels))
		if s.labels[a] != s.labels[b] {
			return a, b, false
		}
	}
}
