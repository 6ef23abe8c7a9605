package graph

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"

	"visage/core/backend"
	"visage/core/tensor"
	"visage/models/weights"
)

// maxElements bounds any tensor a graph may describe, so that a corrupt
// shape is refused instead of allocated.
const maxElements = 1 << 30

// Model is a loaded graph model, ready to Run on the CPU or, through On, on
// another backend. It is immutable once loaded and may be used from several
// goroutines at once.
type Model struct {
	inputs, outputs []IO
	nodes           int              // slot count: one per graph node
	consts          []*tensor.Tensor // slot → constant (loaded or folded), else nil
	inSlot, outSlot []int            // slots of inputs/outputs, in IO order
	steps           []step
	cpu             *Runner[*tensor.Tensor]
}

// IO describes one input or output of a model: Name is the signature's key
// (the node name when the file has no signature), Node the graph node, and
// Shape the declared shape, -1 for a dimension fixed only at Run time (an
// output's shape is the one inferred for batch 1).
type IO struct {
	Name, Node string
	Shape      []int
}

// step is one node executed at Run time.
type step struct {
	name, op string
	k        kernel
	in       []int // slots of the inputs the kernel reads at Run time
	out      int
	inPlace  bool  // k may write into an input of its output's shape
	view     bool  // k returns its first input under another shape
	free     []int // slots whose last reader is this step
	reuse    []int // positions in in whose tensor k may overwrite (inPlace)
}

// kernel is an op with its attributes and constant operands bound at load;
// Runner.exec runs it on a backend.
type kernel interface {
	// infer checks the shapes of the operands (the first operands() inputs)
	// and returns the output's.
	infer(in [][]int) ([]int, error)
	// operands is how many of the node's leading inputs the kernel reads
	// at Run time; the others are constants bound into it at load.
	operands() int
	// needs names the backend.Elementwise kernel the op runs on, "" when
	// backend.Backend's suffice.
	needs() string
	// params returns the constants bound into the kernel (nil entries
	// allowed): weights, the right operands of the matrix kernels
	// (backend.UploadWeights), and the others.
	params() (weights, others []*tensor.Tensor)
}

// static is what Load knows of a node's output: its shape (batch 1) and,
// for constants, its value.
type static struct {
	shape []int
	val   *tensor.Tensor
}

type modelJSON struct {
	Format        string `json:"format"`
	ModelTopology *struct {
		Node []nodeJSON `json:"node"`
	} `json:"modelTopology"`
	WeightsManifest     json.RawMessage `json:"weightsManifest"`
	Signature           *signatureJSON  `json:"signature"`
	UserDefinedMetadata *struct {
		Signature *signatureJSON `json:"signature"`
	} `json:"userDefinedMetadata"`
}

type nodeJSON struct {
	Name  string   `json:"name"`
	Op    string   `json:"op"`
	Input []string `json:"input"`
	Attr  attrs    `json:"attr"`
}

type signatureJSON struct {
	Inputs  map[string]struct{ Name string } `json:"inputs"`
	Outputs map[string]struct{ Name string } `json:"outputs"`
}

// Inputs returns the model's inputs (its Placeholder nodes) in file order.
func (m *Model) Inputs() []IO { return cloneIO(m.inputs) }

// Outputs returns the model's outputs: the signature's outputs sorted by
// name, or, without a signature, the nodes no other node reads, in file order.
func (m *Model) Outputs() []IO { return cloneIO(m.outputs) }

func cloneIO(ios []IO) []IO {
	out := make([]IO, len(ios))
	for i, io := range ios {
		out[i] = IO{io.Name, io.Node, slices.Clone(io.Shape)}
	}
	return out
}

// Load reads the graph model modelJSON from fsys, with its weight shards
// (paths relative to the model file's directory), and prepares it to run.
// Errors name the file and, for a node, its name and op.
func Load(fsys fs.FS, modelJSON string) (*Model, error) {
	raw, err := fs.ReadFile(fsys, modelJSON)
	if err != nil {
		return nil, fmt.Errorf("graph: %w", err)
	}
	m, err := load(fsys, modelJSON, raw)
	if err != nil {
		return nil, fmt.Errorf("graph: %s: %w", modelJSON, err)
	}
	return m, nil
}

func load(fsys fs.FS, file string, raw []byte) (*Model, error) {
	var mj modelJSON
	if err := json.Unmarshal(raw, &mj); err != nil {
		return nil, fmt.Errorf("not a TensorFlow.js graph model: %w", err)
	}
	if mj.ModelTopology == nil || len(mj.ModelTopology.Node) == 0 {
		return nil, fmt.Errorf("no modelTopology.node (format %q; only graph models are supported)", mj.Format)
	}
	nodes := mj.ModelTopology.Node
	var ws map[string]*tensor.Tensor
	if len(mj.WeightsManifest) > 0 && string(mj.WeightsManifest) != "null" {
		var err error
		if ws, err = weights.Decode(fsys, path.Dir(file), "weightsManifest", mj.WeightsManifest); err != nil {
			return nil, err
		}
	}
	index := make(map[string]int, len(nodes))
	for i, n := range nodes {
		if n.Name == "" {
			return nil, fmt.Errorf("node %d (op %s) has no name", i, n.Op)
		}
		if _, dup := index[n.Name]; dup {
			return nil, fmt.Errorf("node %q (op %s): name repeated", n.Name, n.Op)
		}
		index[n.Name] = i
	}
	ins, err := resolveInputs(nodes, index)
	if err != nil {
		return nil, err
	}
	order, err := topoOrder(nodes, ins)
	if err != nil {
		return nil, err
	}
	sig := mj.Signature
	if sig == nil && mj.UserDefinedMetadata != nil {
		sig = mj.UserDefinedMetadata.Signature
	}

	m := &Model{nodes: len(nodes), consts: make([]*tensor.Tensor, len(nodes))}
	m.cpu = newRunner(m, backend.Backend[*tensor.Tensor](backend.NewCPU()))
	st := make([]static, len(nodes))
	kernels := make([]built, len(nodes))
	for _, i := range order {
		n := nodes[i]
		fail := func(err error) error { return fmt.Errorf("node %q (op %s): %w", n.Name, n.Op, err) }
		if err := checkCommonAttrs(n); err != nil {
			return nil, fail(err)
		}
		switch n.Op {
		case "Const":
			w, ok := ws[n.Name]
			if !ok {
				return nil, fail(fmt.Errorf("no weight named %q in weightsManifest", n.Name))
			}
			st[i] = static{shape: w.Shape, val: w}
			m.consts[i] = w
			continue
		case "Placeholder":
			shape, err := placeholderShape(n)
			if err != nil {
				return nil, fail(err)
			}
			m.inputs = append(m.inputs, IO{Name: n.Name, Node: n.Name, Shape: shape})
			m.inSlot = append(m.inSlot, i)
			st[i] = static{shape: batchOne(shape)}
			continue
		}
		in := make([]static, len(ins[i]))
		for j, s := range ins[i] {
			in[j] = st[s]
		}
		b, err := build(n, in)
		if err != nil {
			return nil, fail(err)
		}
		ops := b.k.operands()
		shapes := make([][]int, ops)
		allConst := true
		for j, s := range in {
			if j < ops {
				shapes[j] = s.shape
			}
			allConst = allConst && s.val != nil
		}
		out, err := b.k.infer(shapes)
		if err != nil {
			return nil, fail(err)
		}
		if err := checkSize(out); err != nil {
			return nil, fail(err)
		}
		st[i] = static{shape: out}
		kernels[i] = b
		m.cpu.uploadParams(b.k)
		if allConst { // fold: run it now, once
			vals := make([]*tensor.Tensor, ops)
			for j := range vals {
				vals[j] = in[j].val
			}
			v, err := m.cpu.safeExec(b.k, vals, shapes, out, nil)
			if err != nil {
				return nil, fail(err)
			}
			st[i].val, m.consts[i] = v, v
		}
	}
	if err := m.bindSignature(nodes, index, sig, st); err != nil {
		return nil, err
	}
	m.plan(nodes, ins, order, kernels)
	m.cpu.consts = m.consts
	return m, nil
}

// bindSignature names the inputs after the signature and chooses the outputs.
func (m *Model) bindSignature(nodes []nodeJSON, index map[string]int, sig *signatureJSON, st []static) error {
	if len(m.inputs) == 0 {
		return fmt.Errorf("graph has no Placeholder input")
	}
	if sig != nil {
		for key, v := range sig.Inputs {
			node, err := tensorNode(v.Name)
			if err != nil {
				return fmt.Errorf("signature input %q: %w", key, err)
			}
			for k := range m.inputs {
				if m.inputs[k].Node == node {
					m.inputs[k].Name = key
				}
			}
		}
	}
	if sig != nil && len(sig.Outputs) > 0 {
		keys := make([]string, 0, len(sig.Outputs))
		for k := range sig.Outputs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, key := range keys {
			node, err := tensorNode(sig.Outputs[key].Name)
			if err != nil {
				return fmt.Errorf("signature output %q: %w", key, err)
			}
			i, ok := index[node]
			if !ok {
				return fmt.Errorf("signature output %q names no node %q", key, node)
			}
			m.outputs = append(m.outputs, IO{Name: key, Node: node, Shape: slices.Clone(st[i].shape)})
			m.outSlot = append(m.outSlot, i)
		}
		return nil
	}
	read := make([]bool, len(nodes))
	for _, n := range nodes {
		for _, in := range n.Input {
			if name, err := tensorNode(in); err == nil && !strings.HasPrefix(in, "^") {
				read[index[name]] = true
			}
		}
	}
	for i, n := range nodes {
		if !read[i] && n.Op != "Const" && n.Op != "Placeholder" {
			m.outputs = append(m.outputs, IO{Name: n.Name, Node: n.Name, Shape: slices.Clone(st[i].shape)})
			m.outSlot = append(m.outSlot, i)
		}
	}
	if len(m.outputs) == 0 {
		return fmt.Errorf("graph has no output (every node is read by another)")
	}
	return nil
}

// tensorNode returns the node of a tensor name "node" or "node:0"; other
// output indices are refused (every supported op has one output).
func tensorNode(name string) (string, error) {
	node, idx, ok := strings.Cut(strings.TrimPrefix(name, "^"), ":")
	if ok && idx != "0" {
		return "", fmt.Errorf("tensor %q: only output 0 of a node is supported", name)
	}
	if node == "" {
		return "", fmt.Errorf("empty tensor name %q", name)
	}
	return node, nil
}

// checkCommonAttrs enforces float32 data and the NHWC layout.
func checkCommonAttrs(n nodeJSON) error {
	if v, ok := n.Attr["T"]; ok && v.Type != "" && v.Type != "DT_FLOAT" {
		return fmt.Errorf("attr T is %s; only DT_FLOAT is supported", v.Type)
	}
	if v, ok := n.Attr["dtype"]; ok && v.Type != "" && v.Type != "DT_FLOAT" && !(n.Op == "Const" && v.Type == "DT_INT32") {
		return fmt.Errorf("attr dtype is %s; only DT_FLOAT (and DT_INT32 constants) are supported", v.Type)
	}
	df, err := n.Attr.str("data_format", "NHWC")
	if err != nil {
		return err
	}
	if df != "NHWC" {
		return fmt.Errorf("data_format %q; only NHWC is supported", df)
	}
	return nil
}

// placeholderShape returns a Placeholder's declared shape (-1 unknown).
func placeholderShape(n nodeJSON) ([]int, error) {
	v, ok := n.Attr["shape"]
	if !ok || v.Shape == nil || v.Shape.UnknownRank {
		return nil, fmt.Errorf("placeholder has no shape attr (unknown rank is not supported)")
	}
	shape := make([]int, len(v.Shape.Dim))
	for i, d := range v.Shape.Dim {
		if d.Size < -1 || d.Size == 0 || d.Size > maxElements {
			return nil, fmt.Errorf("placeholder dimension %d is %d", i, d.Size)
		}
		shape[i] = int(d.Size)
	}
	return shape, checkSize(batchOne(shape))
}

// batchOne returns shape with every unknown dimension set to 1.
func batchOne(shape []int) []int {
	out := slices.Clone(shape)
	for i, d := range out {
		if d < 0 {
			out[i] = 1
		}
	}
	return out
}

// checkSize refuses shapes with negative dimensions or over maxElements.
func checkSize(shape []int) error {
	n := 1
	for _, d := range shape {
		if d < 0 || d > maxElements || (d > 0 && n > maxElements/d) {
			return fmt.Errorf("shape %v is negative or over %d elements", shape, maxElements)
		}
		n *= d
	}
	return nil
}
