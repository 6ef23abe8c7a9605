package learn

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Dataset is a set of descriptors (one per row of X) with identity labels.
type Dataset struct {
	X      *Matrix
	Labels []int
}

// rows returns the rows idx of X as a new matrix.
func (d Dataset) rows(idx []int) *Matrix {
	m := NewMatrix(len(idx), d.X.Cols)
	for i, j := range idx {
		copy(m.Row(i), d.X.Row(j))
	}
	return m
}

// Epoch summarises one training epoch.
type Epoch struct {
	Loss   float64 // mean loss per triplet (triplet) or per pair (pairs)
	Active float64 // triplet training: fraction of mined triplets with a positive loss
}

// Optim names an optimizer: "adam" (Adam, β 0.9/0.999) or "sgd" (momentum 0.9).
func newOptimizer(name string, lr float64) (Optimizer, error) {
	switch name {
	case "adam":
		return NewAdam(lr), nil
	case "sgd":
		return &SGD{LR: lr, Momentum: 0.9}, nil
	}
	return nil, fmt.Errorf("learn: optimizer must be adam or sgd, found %q", name)
}

// TripletConfig sets up TrainTriplet.
type TripletConfig struct {
	Hidden int // width of the MLP's hidden ReLU layer; 0 for a linear head
	Dim    int // embedding size
	// Identity starts a linear head at W = I, b = 0 (Dim must equal the
	// input size), so training starts from plain (normalised) distance
	// rather than from a random projection.
	Identity bool
	Margin   float64 // α
	Mining   Mining
	P, K     int // identities per batch, samples per identity
	Epochs   int
	Optim    string // "adam" or "sgd"
	LR       float64
	Seed     uint64
	// Progress, when set, is called after each epoch (1-based).
	Progress func(epoch int, e Epoch)
}

// TrainTriplet trains an embedding head (dense [→ ReLU → dense] → L2 norm)
// on d with the triplet loss: each step draws a P×K batch, embeds it, mines
// one negative per anchor-positive pair from the current embeddings, and
// takes an optimizer step on the mean loss of the mined triplets. An epoch
// is as many batches as it takes to draw each participating sample about
// once. The returned head's Threshold is 0: the caller chooses it.
func TrainTriplet(d Dataset, cfg TripletConfig) (*Head, []Epoch, error) {
	if cfg.Identity && (cfg.Hidden != 0 || cfg.Dim != d.X.Cols) {
		return nil, nil, fmt.Errorf("learn: an identity start needs a linear head with dim = input size %d, given hidden %d, dim %d", d.X.Cols, cfg.Hidden, cfg.Dim)
	}
	if cfg.Dim < 1 || cfg.Hidden < 0 || cfg.Epochs < 1 || !(cfg.Margin > 0) || !(cfg.LR > 0) {
		return nil, nil, fmt.Errorf("learn: triplet training needs dim ≥ 1, hidden ≥ 0, epochs ≥ 1, margin > 0 and lr > 0, given %d, %d, %d, %v, %v",
			cfg.Dim, cfg.Hidden, cfg.Epochs, cfg.Margin, cfg.LR)
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x7269706c6574)) // "triplet"
	sampler, err := NewBatchSampler(d.Labels, cfg.P, cfg.K, rng)
	if err != nil {
		return nil, nil, err
	}
	opt, err := newOptimizer(cfg.Optim, cfg.LR)
	if err != nil {
		return nil, nil, err
	}
	net := &Sequential{}
	in := d.X.Cols
	if cfg.Hidden > 0 {
		net.Layers = append(net.Layers, NewDense(in, cfg.Hidden, math.Sqrt2, rng), ReLU{})
		in = cfg.Hidden
	}
	last := NewDense(in, cfg.Dim, 1, rng)
	if cfg.Identity {
		clear(last.W.Value)
		for i := range in {
			last.W.Value[i*cfg.Dim+i] = 1
		}
	}
	net.Layers = append(net.Layers, last, L2Norm{})
	params := net.Params()
	steps := (sampler.Samples() + cfg.P*cfg.K - 1) / (cfg.P * cfg.K)
	var hist []Epoch
	for ep := 1; ep <= cfg.Epochs; ep++ {
		var loss float64
		var active, total int
		for range steps {
			idx := sampler.Batch()
			labels := make([]int, len(idx))
			for i, j := range idx {
				labels[i] = d.Labels[j]
			}
			acts := net.ForwardTrain(d.rows(idx))
			ts := MineTriplets(acts[len(acts)-1], labels, cfg.Mining, rng)
			l, a, g := TripletLoss(acts[len(acts)-1], ts, cfg.Margin)
			loss, active, total = loss+l, active+a, total+len(ts)
			if a == 0 {
				continue
			}
			for i := range g.Data {
				g.Data[i] /= float64(len(ts))
			}
			ZeroGrad(params)
			net.Backward(acts, g)
			opt.Update(params)
		}
		e := Epoch{Loss: loss / float64(max(total, 1)), Active: float64(active) / float64(max(total, 1))}
		hist = append(hist, e)
		if cfg.Progress != nil {
			cfg.Progress(ep, e)
		}
	}
	return &Head{Kind: KindEmbedding, Net: net}, hist, nil
}

// PairsConfig sets up TrainPairs.
type PairsConfig struct {
	Feature Feature
	Epochs  int
	Pairs   int // labelled pairs drawn per epoch (half same, half different)
	Batch   int // pairs per optimizer step
	Optim   string
	LR      float64
	Seed    uint64
	// Progress, when set, is called after each epoch (1-based).
	Progress func(epoch int, e Epoch)
}

// TrainPairs trains a pair classifier on d with the logistic loss: each
// epoch draws cfg.Pairs balanced pairs (PairSampler) and steps on the mean
// loss of each batch. The returned head's Threshold is 0.5.
func TrainPairs(d Dataset, cfg PairsConfig) (*Head, []Epoch, error) {
	if cfg.Epochs < 1 || cfg.Pairs < 2 || cfg.Batch < 1 || !(cfg.LR > 0) {
		return nil, nil, fmt.Errorf("learn: pair training needs epochs ≥ 1, pairs ≥ 2, batch ≥ 1 and lr > 0, given %d, %d, %d, %v",
			cfg.Epochs, cfg.Pairs, cfg.Batch, cfg.LR)
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x7061697273)) // "pairs"
	sampler, err := NewPairSampler(d.Labels, rng)
	if err != nil {
		return nil, nil, err
	}
	opt, err := newOptimizer(cfg.Optim, cfg.LR)
	if err != nil {
		return nil, nil, err
	}
	c := NewPairClassifier(cfg.Feature, d.X.Cols)
	params := c.Params()
	a32, b32 := make([]float32, d.X.Cols), make([]float32, d.X.Cols)
	var hist []Epoch
	for ep := 1; ep <= cfg.Epochs; ep++ {
		loss := 0.0
		for start := 0; start < cfg.Pairs; start += cfg.Batch {
			n := min(cfg.Batch, cfg.Pairs-start)
			phi := NewMatrix(n, d.X.Cols)
			same := make([]bool, n)
			for i := range n {
				a, b, s := sampler.Pair(start + i)
				toFloat32(a32, d.X.Row(a))
				toFloat32(b32, d.X.Row(b))
				c.Feature.Features(phi.Row(i), a32, b32)
				same[i] = s
			}
			ZeroGrad(params)
			loss += c.LogisticLoss(phi, same)
			for _, p := range params {
				for i := range p.Grad {
					p.Grad[i] /= float64(n)
				}
			}
			opt.Update(params)
		}
		e := Epoch{Loss: loss / float64(cfg.Pairs)}
		hist = append(hist, e)
		if cfg.Progress != nil {
			cfg.Progress(ep, e)
		}
	}
	return &Head{Kind: KindPairs, Pairs: c, Threshold: 0.5}, hist, nil
}

func toFloat32(dst []float32, src []float64) {
	for i, v := range src {
		dst[i] = float32(v)
	}
}
