package learn

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"

	"visage/core/atomicfile"
	"visage/core/face"
)

// Head kinds.
const (
	// KindEmbedding maps each descriptor through a network (trained with the
	// triplet loss); the score is the Euclidean distance between the two
	// outputs, smaller meaning same.
	KindEmbedding = "embedding"
	// KindPairs is a PairClassifier; the score is P(same), larger meaning same.
	KindPairs = "pair-classifier"
)

// Head is a trained model applied to two descriptors to score a pair: what
// `--head FILE` loads for compare, verify, identify and lfw. Exactly one of
// Net (KindEmbedding) and Pairs (KindPairs) is set.
//
// A nil *Head is plain Euclidean distance (face.Distance, smaller meaning
// same, threshold face.DefaultThreshold), so a command can hold a *Head that
// is nil without --head and call Score, Same and HigherIsSame either way.
type Head struct {
	Kind  string
	Net   *Sequential
	Pairs *PairClassifier
	// Threshold is the decision threshold chosen when training (on the
	// training people's pairs): same when score < Threshold for an embedding,
	// score > Threshold for a classifier.
	Threshold float64
	// Info records how the head was made (command, flags, seed, per-epoch
	// loss, the encodings' encoder and alignment); it is not interpreted.
	Info map[string]any
}

// Score returns the head's score for descriptors a and b and which way it
// points: for an embedding, the distance between the two embeddings
// (higherIsSame false); for a classifier, P(same) (higherIsSame true).
// Descriptors whose length is not the head's input size score NaN.
func (h *Head) Score(a, b []float32) (score float64, higherIsSame bool) {
	if h == nil {
		return face.Distance(a, b), false
	}
	if len(a) != h.InputDim() || len(b) != h.InputDim() {
		return math.NaN(), h.Kind == KindPairs
	}
	if h.Kind == KindPairs {
		return h.Pairs.Prob(a, b), true
	}
	y := h.Net.Forward(FromRows([][]float32{a, b}))
	return math.Sqrt(sqDist(y.Row(0), y.Row(1))), false
}

// Same reports whether the head's threshold calls the pair the same person,
// with the score it used.
func (h *Head) Same(a, b []float32) (same bool, score float64) {
	s, _ := h.Score(a, b)
	return h.accepts(s), s
}

// HigherIsSame reports which way the head's score points: true for a
// classifier's probability, false for a distance.
func (h *Head) HigherIsSame() bool { return h != nil && h.Kind == KindPairs }

func (h *Head) threshold() float64 {
	if h == nil {
		return face.DefaultThreshold
	}
	return h.Threshold
}

// CheckDescriptors reports whether the head takes face descriptors
// (face.DescriptorLen numbers).
func (h *Head) CheckDescriptors() error {
	if n := h.InputDim(); n != face.DescriptorLen {
		return fmt.Errorf("learn: expected a head over %d-number face descriptors, found one over %d", face.DescriptorLen, n)
	}
	return nil
}

// InputDim returns the descriptor length the head takes.
func (h *Head) InputDim() int {
	if h.Kind == KindPairs {
		return len(h.Pairs.W.Value)
	}
	return h.Net.Layers[0].(*Dense).In
}

// The file layout.
type headJSON struct {
	Format       string         `json:"format"`
	Version      int            `json:"version"`
	Kind         string         `json:"kind"`
	Layers       []layerJSON    `json:"layers,omitempty"`
	Feature      string         `json:"feature,omitempty"`
	W            []float64      `json:"w,omitempty"`
	B            *float64       `json:"b,omitempty"`
	Threshold    float64        `json:"threshold"`
	HigherIsSame bool           `json:"higher_is_same"`
	Info         map[string]any `json:"info,omitempty"`
}

type layerJSON struct {
	Type string    `json:"type"` // dense, relu, l2norm
	In   int       `json:"in,omitempty"`
	Out  int       `json:"out,omitempty"`
	W    []float64 `json:"w,omitempty"` // [in,out] row-major
	B    []float64 `json:"b,omitempty"`
}

const (
	headFormat  = "visage-head"
	headVersion = 1
)

// MarshalJSON writes the head as a small self-describing JSON document. It
// refuses a threshold outside the kind's range (see CheckThreshold), which
// UnmarshalJSON would refuse, so that no head is saved that cannot be loaded.
func (h *Head) MarshalJSON() ([]byte, error) {
	j := headJSON{Format: headFormat, Version: headVersion, Kind: h.Kind, Threshold: h.Threshold, Info: h.Info}
	switch h.Kind {
	case KindEmbedding:
		for _, l := range h.Net.Layers {
			switch l := l.(type) {
			case *Dense:
				j.Layers = append(j.Layers, layerJSON{"dense", l.In, l.Out, l.W.Value, l.B.Value})
			case ReLU:
				j.Layers = append(j.Layers, layerJSON{Type: "relu"})
			case L2Norm:
				j.Layers = append(j.Layers, layerJSON{Type: "l2norm"})
			default:
				return nil, fmt.Errorf("learn: a head cannot hold a %T layer", l)
			}
		}
	case KindPairs:
		j.HigherIsSame = true
		j.Feature = h.Pairs.Feature.String()
		j.W = h.Pairs.W.Value
		j.B = &h.Pairs.B.Value[0]
	default:
		return nil, fmt.Errorf("learn: unknown head kind %q", h.Kind)
	}
	if err := h.CheckThreshold(h.Threshold); err != nil {
		return nil, err
	}
	return json.Marshal(j)
}

// CheckThreshold reports whether t is a usable threshold for h's kind (see
// thresholdRange); the error names the kind, the range and t. A nil head is
// plain distance, whose range is face.CheckThreshold's.
func (h *Head) CheckThreshold(t float64) error {
	if h == nil {
		return face.CheckThreshold(t)
	}
	if r, ok := h.inRange(t); !ok {
		return fmt.Errorf("learn: threshold must be %s for a head of kind %q, found %v", r, h.Kind, t)
	}
	return nil
}

// inRange reports whether t lies in h's threshold range, described in words
// ("a probability in (0, 1)").
func (h *Head) inRange(t float64) (rng string, ok bool) {
	lo, hi, what := h.thresholdRange()
	return fmt.Sprintf("%s in (%v, %v)", what, lo, hi), t > lo && t < hi
}

// thresholdRange returns the open interval a threshold of h's kind must lie
// in, and what the threshold is, in words. Outside it the head decides the
// same way for every pair, which is what a damaged or hand-edited file must
// not be allowed to do:
//   - a classifier's score is P(same), in [0, 1], and same is score >
//     threshold: at 0 or below every pair is the same person, at 1 or above
//     none is (train-pairs starts at 0.5).
//   - an embedding's score is a distance, ≥ 0, and same is score < threshold:
//     at 0 or below no pair is the same person. When the network ends in an
//     l2norm layer (as TrainTriplet's do) its outputs have unit length, so
//     distances are at most 2 and a threshold of 2 or more makes every pair
//     the same (the trained ones lie near 1); without one the distance has no
//     bound, and neither has the threshold, beyond being finite.
func (h *Head) thresholdRange() (lo, hi float64, what string) {
	if h.Kind == KindPairs {
		return 0, 1, "a probability"
	}
	if h.Net != nil && len(h.Net.Layers) > 0 {
		if _, ok := h.Net.Layers[len(h.Net.Layers)-1].(L2Norm); ok {
			return 0, 2, "a distance between unit-length embeddings"
		}
	}
	return 0, math.Inf(1), "a finite distance"
}

// UnmarshalJSON reads a head written by MarshalJSON, checking the format,
// that the layers chain (each dense layer takes the previous output), that
// every array has its declared size, every number is finite, the threshold
// lies in its kind's range (see CheckThreshold) and nothing follows the head.
func (h *Head) UnmarshalJSON(data []byte) error {
	var j headJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return fmt.Errorf("learn: head: %w", err)
	}
	if err := dec.Decode(new(json.RawMessage)); err != io.EOF {
		return fmt.Errorf("learn: head: expected the end after the head, found more data")
	}
	if j.Format != headFormat || j.Version != headVersion {
		return fmt.Errorf("learn: head: expected format %q version %d, found %q version %d", headFormat, headVersion, j.Format, j.Version)
	}
	out := Head{Kind: j.Kind, Threshold: j.Threshold, Info: j.Info}
	switch j.Kind {
	case KindEmbedding:
		net, err := layersFromJSON(j.Layers)
		if err != nil {
			return err
		}
		out.Net = net
	case KindPairs:
		f, err := ParseFeature(j.Feature)
		if err != nil {
			return fmt.Errorf("learn: head: %w", err)
		}
		if len(j.W) == 0 || j.B == nil || !allFinite(j.W) || !finite(*j.B) {
			return fmt.Errorf("learn: head: a pair classifier needs finite weights w and bias b")
		}
		out.Pairs = &PairClassifier{f, &Param{j.W, make([]float64, len(j.W))}, &Param{[]float64{*j.B}, make([]float64, 1)}}
	default:
		return fmt.Errorf("learn: head: kind must be %q or %q, found %q", KindEmbedding, KindPairs, j.Kind)
	}
	if (j.Kind == KindPairs) != j.HigherIsSame {
		return fmt.Errorf("learn: head: higher_is_same must be %v for kind %q", j.Kind == KindPairs, j.Kind)
	}
	if r, ok := out.inRange(j.Threshold); !ok {
		return fmt.Errorf("learn: head: \"threshold\" must be %s for kind %q, found %v", r, j.Kind, j.Threshold)
	}
	*h = out
	return nil
}

func layersFromJSON(ls []layerJSON) (*Sequential, error) {
	if len(ls) == 0 || ls[0].Type != "dense" {
		return nil, fmt.Errorf("learn: head: an embedding must start with a dense layer")
	}
	net := &Sequential{}
	width := ls[0].In
	for i, l := range ls {
		switch l.Type {
		case "dense":
			if l.In != width || l.Out < 1 || len(l.W) != l.In*l.Out || len(l.B) != l.Out || !allFinite(l.W) || !allFinite(l.B) {
				return nil, fmt.Errorf("learn: head: layer %d: expected a dense layer from %d inputs with finite w of in·out and b of out numbers, found in %d out %d, %d and %d numbers",
					i, width, l.In, l.Out, len(l.W), len(l.B))
			}
			net.Layers = append(net.Layers, &Dense{l.In, l.Out, &Param{l.W, make([]float64, len(l.W))}, &Param{l.B, make([]float64, len(l.B))}})
			width = l.Out
		case "relu":
			net.Layers = append(net.Layers, ReLU{})
		case "l2norm":
			net.Layers = append(net.Layers, L2Norm{})
		default:
			return nil, fmt.Errorf("learn: head: layer %d: type must be dense, relu or l2norm, found %q", i, l.Type)
		}
	}
	return net, nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func allFinite(vs []float64) bool {
	for _, v := range vs {
		if !finite(v) {
			return false
		}
	}
	return true
}

// LoadHead reads a head file; errors name the file.
func LoadHead(path string) (*Head, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	h := &Head{}
	if err := h.UnmarshalJSON(data); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return h, nil
}

// Save writes the head to path as one line of JSON, atomically (see
// atomicfile.Write): a reader or a crash sees the old head or the new one,
// a symbolic link is written through, and a read-only file is refused. A new
// file gets mode 0644; an existing one keeps its own.
func (h *Head) Save(path string) error {
	data, err := h.MarshalJSON()
	if err != nil {
		return err
	}
	return atomicfile.Write(path, 0o644, func(w io.Writer) error {
		_, err := w.Write(append(data, '\n'))
		return err
	})
}
