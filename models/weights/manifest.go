// Package weights loads TensorFlow.js weight manifests: the
// `<model>-weights_manifest.json` files and binary shards that face-api.js
// publishes its networks in.
//
// A manifest is a JSON array of groups. Each group lists shard files (`paths`)
// whose bytes, concatenated, hold the group's `weights` one after another.
// A weight has a name, a shape and dtype float32; it is stored either as raw
// little-endian float32, quantized to uint8/uint16 (decoded as q*scale+min),
// or quantized to float16 (IEEE 754 half precision, widened exactly; no scale
// or min). A weight may also have dtype int32 (graph constants such as
// reshape targets and reduction axes that graph models carry): raw, it is a
// little-endian int32; quantized to uint8/uint16, it decodes as q*scale+min
// truncated toward zero, as TensorFlow.js stores it into an Int32Array.
// Either way it is returned as float32, exact for |v| <= 2^24.
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
// shape has a non-positive dimension, a dtype is not float32 (raw, float16,
// or quantized as uint8/uint16 with finite scale and min) or int32 (raw or
// uint8/uint16), a name repeats, a value (raw, float16 or dequantized) is not
// a finite float32, or a group's shards hold fewer or more bytes than its
// weights need. Every shard is read once, and a weight's tensor is made only
// once its shards are known to hold its bytes, so memory stays within a few
// times the files' size whatever the manifest claims.
func Load(fsys fs.FS, manifest string) (map[string]*tensor.Tensor, error) {
	raw, err := fs.ReadFile(fsys, manifest)
	if err != nil {
		return nil, fmt.Errorf("weights: %w", err)
	}
	return Decode(fsys, path.Dir(manifest), manifest, raw)
}

// Decode is Load for a manifest already in memory: raw is the JSON array of
// groups (a graph model's `weightsManifest`), shard paths are resolved
// relative to dir in fsys, and errors name the manifest as label.
func Decode(fsys fs.FS, dir, label string, raw []byte) (map[string]*tensor.Tensor, error) {
	manifest := label
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
		if err := loadGroup(fsys, dir, g, read, out); err != nil {
			return nil, fmt.Errorf("weights: %s group %d: %w", manifest, gi, err)
		}
	}
	return out, nil
}

// Need is what one group of a manifest needs from its shards: their paths,
// as the manifest gives them, and how many bytes their concatenation must
// hold (each weight's element count times its stored width: 4 for raw
// float32 and int32, 2 for float16 and uint16, 1 for uint8).
type Need struct {
	Paths []string
	Bytes int64
}

// Needs parses a manifest (a JSON array of groups, as Decode takes; label
// names it in errors) and returns each group's Need, checking what Decode
// checks of the manifest alone: shard paths, shapes, dtypes and
// quantizations, names. A loader can then fetch the shards and compare their
// sizes before decoding anything.
func Needs(label string, raw []byte) ([]Need, error) {
	var groups []group
	if err := json.Unmarshal(raw, &groups); err != nil {
		return nil, fmt.Errorf("weights: %s: not a TensorFlow.js weights manifest (a JSON array of {paths, weights}): %w", label, err)
	}
	if len(groups) == 0 {
		return nil, fmt.Errorf("weights: %s: manifest lists no weight groups", label)
	}
	out := make([]Need, len(groups))
	seen := make(map[string]bool)
	names := make(map[string]bool)
	for gi, g := range groups {
		fail := func(err error) ([]Need, error) {
			return nil, fmt.Errorf("weights: %s group %d: %w", label, gi, err)
		}
		if len(g.Paths) == 0 {
			return fail(errors.New("no shard paths"))
		}
		for _, p := range g.Paths {
			if err := shardPathError(p); err != nil {
				return fail(err)
			}
			if seen[path.Clean(p)] {
				return fail(fmt.Errorf("shard path %q is named twice in the manifest, want each shard in one group once", p))
			}
			seen[path.Clean(p)] = true
		}
		var bytes int64
		for _, s := range g.Weights {
			if names[s.Name] || s.Name == "" {
				return fail(fmt.Errorf("weight name %q is empty or repeated", s.Name))
			}
			names[s.Name] = true
			n, width, err := s.layout()
			if err != nil {
				return fail(fmt.Errorf("weight %q: %w", s.Name, err))
			}
			bytes += int64(n) * int64(width)
		}
		out[gi] = Need{Paths: slices.Clone(g.Paths), Bytes: bytes}
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
// it: a relative slash-separated path with no ".." element that is not the
// directory itself (".", "./").
func shardPathError(p string) error {
	if p == "" || path.IsAbs(p) || strings.HasPrefix(p, `\`) || slices.Contains(strings.Split(p, "/"), "..") {
		return fmt.Errorf("shard path %q must be relative to the manifest's directory, without \"..\"", p)
	}
	if path.Clean(p) == "." {
		return fmt.Errorf("shard path %q names the manifest's directory, want a file in it", p)
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
	if s.Dtype != "float32" && s.Dtype != "int32" {
		return 0, 0, fmt.Errorf("dtype %q, want float32 or int32", s.Dtype)
	}
	if q == nil {
		return n, 4, nil
	}
	if q.Dtype == "float16" {
		if s.Dtype != "float32" {
			return 0, 0, fmt.Errorf("float16 quantization of dtype %q, want float32", s.Dtype)
		}
		return n, 2, nil
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
	return 0, 0, fmt.Errorf("quantization dtype %q, want uint8, uint16 or float16", q.Dtype)
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
		case q == nil && s.Dtype == "int32":
			t.Data[i] = float32(int32(binary.LittleEndian.Uint32(b[4*i:])))
		case q == nil:
			t.Data[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		case q.Dtype == "float16":
			t.Data[i] = HalfToFloat32(binary.LittleEndian.Uint16(b[2*i:]))
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

// HalfToFloat32 widens an IEEE 754 binary16 value (1 sign bit, 5 exponent
// bits biased by 15, 10 fraction bits) to float32 exactly: normal numbers
// rebias the exponent, subnormals (exponent 0) are fraction·2^-24, and
// exponent 31 gives ±Inf (fraction 0) or NaN.
func HalfToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f:
		return math.Float32frombits(sign | 0xff<<23 | frac<<13)
	case exp != 0:
		return math.Float32frombits(sign | (exp+127-15)<<23 | frac<<13)
	}
	v := float32(frac) * (1.0 / (1 << 24)) // zero or subnormal: exact in float32
	if sign != 0 {
		v = -v
	}
	return v
}
