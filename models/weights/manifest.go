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
	"slices"
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
// malformed, a shard path is empty, absolute or holds a ".." element (shards
// lie beside the manifest or below it), a shard is missing or named twice, a
// shape has a non-positive dimension, a dtype is not float32 (raw, or
// quantized as uint8/uint16 with finite scale and min) or a quantized int32, a
// name repeats, a value (raw or dequantized) is not a finite float32, or a
// group's shards hold fewer or more bytes than its weights need. Every shard
// is read once, and a weight's tensor is made only once its shards are known
// to hold its bytes, so memory stays within a few times the files' size
// whatever the manifest claims.
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
	read := make(map[string]bool) // shard paths, as given
	for gi, g := range groups {
		if err := loadGroup(fsys, path.Dir(manifest), g, read, out); err != nil {
			return nil, fmt.Errorf("weights: %s group %d: %w", manifest, gi, err)
		}
	}
	return out, nil
}

// loadGroup decodes one group's weights from its concatenated shards into
// out. read holds the shard paths earlier groups read; a shard is read once.
func loadGroup(fsys fs.FS, dir string, g group, read map[string]bool, out map[string]*tensor.Tensor) error {
	if len(g.Paths) == 0 {
		return errors.New("no shard paths")
	}
	var data []byte
	for _, p := range g.Paths {
		if err := shardPathError(p); err != nil {
			return err
		}
		if read[path.Clean(p)] {
			return fmt.Errorf("shard path %q is named twice in the manifest, want each shard in one group once", p)
		}
		read[path.Clean(p)] = true
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
			return fmt.Errorf("weight %q (shape %v of %d-byte values) needs bytes %d..%d but %s hold only %d bytes (truncated shard?)",
				s.Name, s.Shape, width, off, end, shards, len(data))
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

// shardPathError reports whether p names a file beside the manifest or below
// it: a relative slash-separated path with no ".." element.
func shardPathError(p string) error {
	if p == "" || path.IsAbs(p) || strings.HasPrefix(p, `\`) || slices.Contains(strings.Split(p, "/"), "..") {
		return fmt.Errorf("shard path %q must be relative to the manifest's directory, without \"..\"", p)
	}
	return nil
}

// layout validates the spec and returns its element count and stored bytes
// per element.
func (s spec) layout() (n, width int, err error) {
	n = 1
	for _, d := range s.Shape {
		if d <= 0 || n > maxElements/d {
			return 0, 0, fmt.Errorf("shape %v: want positive dimensions and at most %d elements", s.Shape, maxElements)
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
	if q.Scale == nil || q.Min == nil {
		return 0, 0, fmt.Errorf("quantization needs finite scale and min, found scale %s and min %s", orMissing(q.Scale), orMissing(q.Min))
	}
	if !finite(*q.Scale) || !finite(*q.Min) {
		return 0, 0, fmt.Errorf("quantization needs finite scale and min, found scale %v and min %v", *q.Scale, *q.Min)
	}
	switch q.Dtype {
	case "uint8":
		return n, 1, nil
	case "uint16":
		return n, 2, nil
	}
	return 0, 0, fmt.Errorf("quantization dtype %q, want uint8 or uint16", q.Dtype)
}

// orMissing formats a number that may be absent.
func orMissing(v *float64) string {
	if v == nil {
		return "missing"
	}
	return fmt.Sprint(*v)
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// decode turns b (n stored values) into a tensor of s.Shape. Every value must
// be a finite float32: raw bits that are NaN or ±Inf, and a quantization
// whose q*scale+min overflows float32, are errors.
func (s spec) decode(b []byte, n int) (*tensor.Tensor, error) {
	t := tensor.New(s.Shape...)
	q := s.Quantization
	for i := range n {
		switch {
		case q == nil:
			t.Data[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		case q.Dtype == "uint8":
			t.Data[i] = dequantize(uint16(b[i]), *q.Scale, *q.Min)
		default:
			t.Data[i] = dequantize(binary.LittleEndian.Uint16(b[2*i:]), *q.Scale, *q.Min)
		}
		if v := float64(t.Data[i]); !finite(v) {
			return nil, fmt.Errorf("value %d is %v, want a finite float32", i, v)
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
