package graph

import (
	"encoding/binary"
	"math"
	"strings"
	"testing"
	"testing/fstest"

	"visage/core/tensor"
)

// tinyModel is a valid graph: y = Relu(x·1×1 conv w + b) + c, x [-1,2,2,1].
const tinyModel = `{"format": "graph-model", "modelTopology": {"node": [
 {"name": "x", "op": "Placeholder", "attr": {"dtype": {"type": "DT_FLOAT"}, "shape": {"shape": {"dim": [{"size": "-1"}, {"size": "2"}, {"size": "2"}, {"size": "1"}]}}}},
 {"name": "w", "op": "Const", "attr": {"dtype": {"type": "DT_FLOAT"}}},
 {"name": "b", "op": "Const", "attr": {"dtype": {"type": "DT_FLOAT"}}},
 {"name": "c", "op": "Const", "attr": {"dtype": {"type": "DT_FLOAT"}}},
 {"name": "conv", "op": "_FusedConv2D", "input": ["x", "w", "b"], "attr": {"T": {"type": "DT_FLOAT"}, "strides": {"list": {"i": ["1", "1", "1", "1"]}}, "padding": {"s": "VkFMSUQ="}, "data_format": {"s": "TkhXQw=="}, "dilations": {"list": {"i": ["1", "1", "1", "1"]}}, "fused_ops": {"list": {"s": ["Qmlhc0FkZA==", "UmVsdQ=="]}}, "num_args": {"i": "1"}}},
 {"name": "y", "op": "AddV2", "input": ["conv", "c:0"], "attr": {"T": {"type": "DT_FLOAT"}}}
]}, "weightsManifest": [{"paths": ["w.bin"], "weights": [
 {"name": "w", "shape": [1, 1, 1, 2], "dtype": "float32"},
 {"name": "b", "shape": [2], "dtype": "float32"},
 {"name": "c", "shape": [], "dtype": "float32"}]}]}`

func f32(vs ...float32) []byte {
	b := make([]byte, 4*len(vs))
	for i, v := range vs {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return b
}

func tinyFS(model string) fstest.MapFS {
	return fstest.MapFS{
		"m/model.json": {Data: []byte(model)},
		"m/w.bin":      {Data: f32(1, -1, 0.5, 0, 10)}, // w = [1 -1], b = [0.5 0], c = 10
	}
}

func TestLoadAndRunTinyModel(t *testing.T) {
	m, err := Load(tinyFS(tinyModel), "m/model.json")
	if err != nil {
		t.Fatal(err)
	}
	if in := m.Inputs(); len(in) != 1 || in[0].Name != "x" || in[0].Shape[0] != -1 {
		t.Errorf("Inputs() = %+v", in)
	}
	if out := m.Outputs(); len(out) != 1 || out[0].Name != "y" || len(out[0].Shape) != 4 || out[0].Shape[3] != 2 {
		t.Errorf("Outputs() = %+v", out)
	}
	x := tt([]int{2, 2, 2, 1}, 1, -1, 2, 0, 3, 4, -5, 6)
	before := x.Clone()
	got, err := m.Run(map[string]*tensor.Tensor{"x": x})
	if err != nil {
		t.Fatal(err)
	}
	// per pixel v: [relu(v+0.5)+10, relu(-v)+10]
	want(t, "y", got["y"], []int{2, 2, 2, 2},
		11.5, 10, 10, 11, 12.5, 10, 10.5, 10, 13.5, 10, 14.5, 10, 10, 15, 16.5, 10)
	if tensor.MaxAbsDiff(x, before) != 0 {
		t.Error("Run modified its input")
	}
	for _, c := range []struct {
		in     map[string]*tensor.Tensor
		expect string
	}{
		{map[string]*tensor.Tensor{}, `missing input "x"`},
		{map[string]*tensor.Tensor{"x": tensor.New(1, 3, 2, 1)}, `input "x" has shape [1 3 2 1]`},
		{map[string]*tensor.Tensor{"x": tensor.New(2, 2, 1)}, `want [-1 2 2 1]`},
		{map[string]*tensor.Tensor{"x": tensor.New(1, 2, 2, 1), "z": tensor.New(1)}, `no input named "z"`},
	} {
		if _, err := m.Run(c.in); err == nil || !strings.Contains(err.Error(), c.expect) {
			t.Errorf("Run: error %v, want one mentioning %q", err, c.expect)
		}
	}
}

// TestLoadErrors: malformed files are load-time errors naming the node.
func TestLoadErrors(t *testing.T) {
	for _, c := range []struct {
		what, old, new string
		expect         []string
	}{
		{"unknown op", `"op": "AddV2"`, `"op": "Frobnicate"`, []string{`node "y"`, "Frobnicate"}},
		{"missing input", `["conv", "c:0"]`, `["conv", "nowhere"]`, []string{`node "y"`, `"nowhere" names no node`}},
		{"second output", `["conv", "c:0"]`, `["conv", "c:1"]`, []string{`node "y"`, "output 0"}},
		{"wrong shape", `{"size": "2"}, {"size": "1"}]`, `{"size": "2"}, {"size": "3"}]`, []string{`node "conv"`, "_FusedConv2D", "does not match filter"}},
		{"bias size", `"shape": [2], "dtype": "float32"},
 {"name": "c", "shape": []`, `"shape": [1], "dtype": "float32"},
 {"name": "c", "shape": [2]`, []string{`node "conv"`, "bias has 1 values"}},
		{"bad broadcast", `"shape": [1, 1, 1, 2], "dtype": "float32"},
 {"name": "b", "shape": [2], "dtype": "float32"},
 {"name": "c", "shape": []`, `"shape": [1, 1, 1, 1], "dtype": "float32"},
 {"name": "b", "shape": [1], "dtype": "float32"},
 {"name": "c", "shape": [3, 1]`, []string{`node "y"`, "AddV2", "do not broadcast"}},
		{"cycle", `"input": ["x", "w", "b"]`, `"input": ["y", "w", "b"]`, []string{"cycle"}},
		{"missing weight", `{"name": "c", "shape": [], "dtype": "float32"}`, `{"name": "d", "shape": [], "dtype": "float32"}`, []string{`node "c"`, "no weight"}},
		{"int T", `"op": "AddV2", "input": ["conv", "c:0"], "attr": {"T": {"type": "DT_FLOAT"}}`, `"op": "AddV2", "input": ["conv", "c:0"], "attr": {"T": {"type": "DT_INT32"}}`, []string{`node "y"`, "DT_INT32"}},
		{"NCHW", `"data_format": {"s": "TkhXQw=="}`, `"data_format": {"s": "TkNIVw=="}`, []string{`node "conv"`, "NCHW"}},
		{"dilations", `"dilations": {"list": {"i": ["1", "1", "1", "1"]}}`, `"dilations": {"list": {"i": ["1", "2", "2", "1"]}}`, []string{`node "conv"`, "dilations"}},
		{"duplicate name", `{"name": "c", "op": "Const"`, `{"name": "b", "op": "Const"`, []string{`node "b"`, "repeated"}},
		{"no shape", `, "shape": {"shape": {"dim": [{"size": "-1"}, {"size": "2"}, {"size": "2"}, {"size": "1"}]}}`, ``, []string{`node "x"`, "shape"}},
		{"huge placeholder", `{"size": "2"}, {"size": "2"}`, `{"size": "200000"}, {"size": "200000"}`, []string{`node "x"`, "elements"}},
		{"truncated shard", `"shape": [2], "dtype"`, `"shape": [3], "dtype"`, []string{"weightsManifest", "w.bin"}},
		{"bad JSON", `"modelTopology"`, `"modelTopology`, []string{"m/model.json", "not a TensorFlow.js graph model"}},
		{"layers model", `"modelTopology": {"node"`, `"modelTopology": {"config"`, []string{"no modelTopology.node"}},
	} {
		s := tinyModel
		if !strings.Contains(s, c.old) {
			t.Fatalf("%s: edit does not apply", c.what)
		}
		s = strings.Replace(s, c.old, c.new, 1)
		_, err := Load(tinyFS(s), "m/model.json")
		if c.expect == nil {
			if err != nil {
				t.Errorf("%s: %v", c.what, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: loaded", c.what)
			continue
		}
		for _, e := range c.expect {
			if !strings.Contains(err.Error(), e) {
				t.Errorf("%s: error %q does not mention %q", c.what, err, e)
			}
		}
	}
	if _, err := Load(tinyFS(tinyModel), "m/absent.json"); err == nil || !strings.Contains(err.Error(), "absent.json") {
		t.Errorf("absent file: %v", err)
	}
}

// TestConstantsFold: a node whose inputs are all constants runs at load and
// leaves no step.
func TestConstantsFold(t *testing.T) {
	s := strings.Replace(tinyModel, `{"name": "y", "op": "AddV2", "input": ["conv", "c:0"]`,
		`{"name": "c2", "op": "Mul", "input": ["c", "c"]},
 {"name": "y", "op": "AddV2", "input": ["conv", "c2"]`, 1)
	m, err := Load(tinyFS(s), "m/model.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(m.steps) != 2 {
		t.Errorf("%d steps, want 2 (conv, y; c2 folded)", len(m.steps))
	}
	got, err := m.Run(map[string]*tensor.Tensor{"x": tt([]int{1, 2, 2, 1}, 0, 0, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	want(t, "y", got["y"], []int{1, 2, 2, 2}, 100.5, 100, 100.5, 100, 100.5, 100, 100.5, 100)
}

func FuzzLoad(f *testing.F) {
	f.Add([]byte(tinyModel))
	f.Add([]byte(strings.Replace(tinyModel, `"op": "AddV2"`, `"op": "Softmax"`, 1)))
	f.Add([]byte(strings.Replace(tinyModel, `"padding": {"s": "VkFMSUQ="}`, `"padding": {"s": "RVhQTElDSVQ="}, "explicit_paddings": {"list": {"i": ["0","0","1","1","1","1","0","0"]}}`, 1)))
	f.Add([]byte(`{"modelTopology": {"node": [{"name": "x", "op": "Placeholder"}]}}`))
	f.Add([]byte(`{"modelTopology": {"node": [{"name": "a", "op": "Identity", "input": ["a"]}]}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, model []byte) {
		fsys := tinyFS(string(model))
		m, err := Load(fsys, "m/model.json")
		if err != nil {
			return
		}
		// A model that loads must run on zeros of its declared (batch 1) shape
		// without panicking, when that input is small.
		in := map[string]*tensor.Tensor{}
		for _, io := range m.Inputs() {
			s := batchOne(io.Shape)
			if tensor.Size(s) > 1<<12 {
				return
			}
			in[io.Name] = tensor.New(s...)
		}
		for _, io := range m.Outputs() {
			if tensor.Size(io.Shape) > 1<<16 {
				return
			}
		}
		if _, err := m.Run(in); err != nil {
			t.Logf("run: %v", err)
		}
	})
}

// An output that is a view of the input is returned as a copy.
func TestOutputViewOfInputIsCopied(t *testing.T) {
	s := strings.Replace(tinyModel, `{"name": "y", "op": "AddV2", "input": ["conv", "c:0"]`,
		`{"name": "v", "op": "Identity", "input": ["x"]},
 {"name": "y", "op": "AddV2", "input": ["conv", "c:0"]`, 1)
	m, err := Load(tinyFS(s), "m/model.json")
	if err != nil {
		t.Fatal(err)
	}
	x := tt([]int{1, 2, 2, 1}, 1, 2, 3, 4)
	got, err := m.Run(map[string]*tensor.Tensor{"x": x})
	if err != nil {
		t.Fatal(err)
	}
	got["v"].Data[0] = 99
	if x.Data[0] != 1 || len(got) != 2 {
		t.Errorf("output v shares the input's data (x %v), or outputs %d", x.Data, len(got))
	}
}
