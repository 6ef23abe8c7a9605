// Package weights loads TensorFlow.js weight manifests: the
// `<model>-weights_manifest.json` files and binary shards that face-api.js
// publishes its networks in.
//
// A manifest is a JSON array of groups. Each group lists shard files (`paths`)
// whose bytes, concatenated, hold the group's `weights` one after another.
// A weight has a name, a shape and dtype float32; it is stored either as raw
// little-endian float32 or quantized to uint8/uint16, decoded as q*scale+min.
// A quantized weight may also have dtype int32 (graph constants some
// manifests carry): it decodes as q*scale+min truncated toward zero, as
// TensorFlow.js stores it into an Int32Array.
package weights

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path"
	"strings"

	"visage/core/tensor"
)

// maxElements bounds a single weight's element count, so that a corrupt shape
// cannot ask for an absurd allocation.
const maxElements = 1 << 30

type group struct {
	Paths   []string `json:"paths"`
	Weights []spec   `json:"weights"`
}

type spec struct {
	Name         string        `json:"name"`
	Shape        []int         `json:"shape"`
	Dtype        string        `json:"dtype"`
	Quantization *quantization `json:"quantization"`
}

type quantization struct {
	Dtype string   `json:"dtype"`
	Scale *float64 `json:"scale"`
	Min   *float64 `json:"min"`
}

// Load reads the manifest file at path manifest in fsys and every shard it
// names (resolved relative to the manifest's directory), and returns the
// weights by name as new float32 tensors of their manifest shapes.
//
// It fails, with an error naming the file and the weight, when the JSON is
// malformed, a shard is missing, a shape has a non-positive dimension, a dtype
// is not float32 (raw, or quantized as uint8/uint16 with scale and min) or a
// quantized int32, a name
// repeats, a raw value is not finite, or a group's shards hold fewer or more
// bytes than its weights need.
func Load(fsys fs.FS, manifest string) (map[string]*tensor.Tensor, error) {
	raw, err := fs.ReadFile(fsys, manifest)
	if err != nil {
		return nil, fmt.Errorf("weights: %w", err)
	}
	var groups []group
	if err := json.Unmarshal(raw, &groups); err != nil {
		return nil, fmt.Errorf("weights: %s: not a TensorFlow.js weights manifest (a JSON array of {paths, weights}): %w", manifest, err)
	}
	if len(groups) == 0 {
		return nil, fmt.Errorf("weights: %s: manifest lists no weight groups", manifest)
	}
	out := make(map[string]*tensor.Tensor)
	for gi, g := range groups {
		if err := loadGroup(fsys, path.Dir(manifest), g, out); err != nil {
			return nil, fmt.Errorf("weights: %s group %d: %w", manifest, gi, err)
		}
	}
	return out, nil
}

// loadGroup decodes one group's weights from its concatenated shards into out.
func loadGroup(fsys fs.FS, dir string, g group, out map[string]*tensor.Tensor) error {
	if len(g.Paths) == 0 {
		return errors.New("no shard paths")
	}
	var data []byte
	for _, p := range g.Paths {
		b, err := fs.ReadFile(fsys, path.Join(dir, p))
		if err != nil {
			return fmt.Errorf("reading shard: %w", err)
		}
		data = append(data, b...)
	}
	shards := strings.Join(g.Paths, "+")
	off := 0
	for _, s := range g.Weights {
		if _, dup := out[s.Name]; dup || s.Name == "" {
			return fmt.Errorf("weight name %q is empty or repeated", s.Name)
		}
		n, width, err := s.layout()
		if err != nil {
			return fmt.Errorf("weight %q: %w", s.Name, err)
		}
		end := off + n*width
		if end > len(data) {
			return fmt.Errorf("weight %q needs bytes %d..%d but %s hold only %d bytes (truncated shard?)",
				s.Name, off, end, shards, len(data))
		}
		t, err := s.decode(data[off:end], n)
		if err != nil {
			return fmt.Errorf("weight %q in %s: %w", s.Name, shards, err)
		}
		out[s.Name] = t
		off = end
	}
	if off != len(data) {
		return fmt.Errorf("%s hold %d bytes but the weights use only %d (%d extra bytes)", shards, len(data), off, len(data)-off)
	}
	return nil
}

// layout validates the spec and returns its element count and stored bytes
// per element.
func (s spec) layout() (n, width int, err error) {
	n = 1
	for _, d := range s.Shape {
		if d <= 0 || n > maxElements/d {
			return 0, 0, fmt.Errorf("shape %v: want positive dimensions, at most %d elements", s.Shape, maxElements)
		}
		n *= d
	}
	q := s.Quantization
	if s.Dtype != "float32" && (s.Dtype != "int32" || q == nil) {
		return 0, 0, fmt.Errorf("dtype %q, want float32 (or int32 when quantized)", s.Dtype)
	}
	if q == nil {
		return n, 4, nil
	}
	if q.Scale == nil || q.Min == nil || math.IsInf(*q.Scale, 0) || math.IsNaN(*q.Scale) || math.IsInf(*q.Min, 0) || math.IsNaN(*q.Min) {
		return 0, 0, fmt.Errorf("quantization needs finite scale and min, got %+v", *q)
	}
	switch q.Dtype {
	case "uint8":
		return n, 1, nil
	case "uint16":
		return n, 2, nil
	}
	return 0, 0, fmt.Errorf("quantization dtype %q, want uint8 or uint16", q.Dtype)
}

// decode turns b (n stored values) into a tensor of s.Shape.
func (s spec) decode(b []byte, n int) (*tensor.Tensor, error) {
	t := tensor.New(s.Shape...)
	q := s.Quantization
	for i := range n {
		switch {
		case q == nil:
			v := math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return nil, fmt.Errorf("value %d is %v, want a finite number", i, v)
			}
			t.Data[i] = v
		case q.Dtype == "uint8":
			t.Data[i] = dequantize(uint16(b[i]), *q.Scale, *q.Min)
		default:
			t.Data[i] = dequantize(binary.LittleEndian.Uint16(b[2*i:]), *q.Scale, *q.Min)
		}
		if s.Dtype == "int32" {
			t.Data[i] = float32(math.Trunc(float64(t.Data[i])))
		}
	}
	return t, nil
}

// dequantize returns q*scale+min computed in float64 and rounded once to
// float32, as TensorFlow.js does (JavaScript numbers stored into a
// Float32Array). The explicit conversion keeps the compiler from fusing the
// multiply-add, which would round differently.
func dequantize(q uint16, scale, min float64) float32 {
	return float32(float64(float64(q)*scale) + min)
}
