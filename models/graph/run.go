package graph

import (
	"fmt"
	"slices"
	"strings"

	"visage/core/tensor"
)

// Run executes the model on inputs, keyed by input Name (or Node), and
// returns the outputs keyed by output Name. Every input must be given, with
// the declared rank and every declared (non -1) dimension; the caller keeps
// ownership of the input tensors, which Run does not modify. The returned
// tensors are new and belong to the caller.
func (m *Model) Run(inputs map[string]*tensor.Tensor) (map[string]*tensor.Tensor, error) {
	slots := make([]*tensor.Tensor, m.nodes)
	copy(slots, m.consts)
	seen := 0
	for k, io := range m.inputs {
		x, ok := inputs[io.Name]
		if !ok {
			x, ok = inputs[io.Node]
		}
		if !ok || x == nil {
			return nil, fmt.Errorf("graph: Run: missing input %q (shape %v)", io.Name, io.Shape)
		}
		seen++
		if err := checkInput(io, x); err != nil {
			return nil, err
		}
		slots[m.inSlot[k]] = x
	}
	if len(inputs) > seen {
		for name := range inputs {
			if !m.isInput(name) {
				return nil, fmt.Errorf("graph: Run: no input named %q (inputs: %s)", name, m.inputNames())
			}
		}
	}
	in := make([]*tensor.Tensor, 0, 8)
	shapes := make([][]int, 0, 8)
	for s := range m.steps {
		st := &m.steps[s]
		in, shapes = in[:0], shapes[:0]
		for _, j := range st.in {
			in = append(in, slots[j])
			shapes = append(shapes, slots[j].Shape)
		}
		out, err := st.k.infer(shapes)
		if err == nil {
			err = checkSize(out)
		}
		if err != nil {
			return nil, fmt.Errorf("graph: Run: node %q (op %s): %w", st.name, st.op, err)
		}
		var dst *tensor.Tensor
		for _, k := range st.reuse {
			if slices.Equal(in[k].Shape, out) {
				dst = in[k]
				break
			}
		}
		y, err := safeRun(st.k, in, out, dst)
		if err != nil {
			return nil, fmt.Errorf("graph: Run: node %q (op %s): %w", st.name, st.op, err)
		}
		slots[st.out] = y
		for _, j := range st.free {
			slots[j] = nil
		}
	}
	res := make(map[string]*tensor.Tensor, len(m.outputs))
	for k, io := range m.outputs {
		t := slots[m.outSlot[k]]
		if m.consts[m.outSlot[k]] != nil || aliasedIn(inputs, t) || aliased(res, t) {
			t = t.Clone()
		}
		res[io.Name] = t
	}
	return res, nil
}

// aliased reports whether t's data is already one of the results'.
func aliased(res map[string]*tensor.Tensor, t *tensor.Tensor) bool {
	for _, r := range res {
		if len(r.Data) > 0 && len(t.Data) > 0 && &r.Data[0] == &t.Data[0] {
			return true
		}
	}
	return false
}

// aliasedIn reports whether t's data is a caller's input's (an output that
// is a view of an input).
func aliasedIn(inputs map[string]*tensor.Tensor, t *tensor.Tensor) bool {
	for _, x := range inputs {
		if x != nil && len(x.Data) > 0 && len(t.Data) > 0 && &x.Data[0] == &t.Data[0] {
			return true
		}
	}
	return false
}

func checkInput(io IO, x *tensor.Tensor) error {
	ok := len(x.Shape) == len(io.Shape) && len(x.Data) == tensor.Size(x.Shape)
	for i := 0; ok && i < len(x.Shape); i++ {
		ok = x.Shape[i] > 0 && (io.Shape[i] < 0 || io.Shape[i] == x.Shape[i])
	}
	if !ok {
		return fmt.Errorf("graph: Run: input %q has shape %v (%d values), want %v (-1: any size)", io.Name, x.Shape, len(x.Data), io.Shape)
	}
	return nil
}

func (m *Model) isInput(name string) bool {
	for _, io := range m.inputs {
		if io.Name == name || io.Node == name {
			return true
		}
	}
	return false
}

func (m *Model) inputNames() string {
	names := make([]string, len(m.inputs))
	for i, io := range m.inputs {
		names[i] = fmt.Sprintf("%q %v", io.Name, io.Shape)
	}
	return strings.Join(names, ", ")
}
