package graph

import (
	"fmt"
	"slices"
	"strings"

	"visage/core/backend"
	"visage/core/tensor"
)

// Runner runs a Model on one backend: its constants uploaded there once,
// each Run's inputs uploaded, its steps recorded as the backend's kernels,
// and its outputs read back with one ReadAll. A Runner is immutable and
// safe for concurrent Runs when its backend is (the CPU's is).
type Runner[T any] struct {
	m       *Model
	b       backend.Backend[T]
	e       backend.Elementwise[T] // b's graph kernels; nil when b lacks them
	consts  []T                    // slot → uploaded constant, else zero
	params  map[*tensor.Tensor]T   // kernel constant → uploaded
	uploads []T                    // what On uploaded, for Release
}

func newRunner[T any](m *Model, b backend.Backend[T]) *Runner[T] {
	e, _ := b.(backend.Elementwise[T])
	return &Runner[T]{m: m, b: b, e: e, params: map[*tensor.Tensor]T{}}
}

// On returns a Runner of m on b. Like a TensorFlow.js backend, b declares
// the graph kernels it has by implementing backend.Elementwise; a model one
// of whose ops needs a kernel b lacks is refused with an error naming the
// node, its op, the kernel and the backend. Every model runs on the CPU
// (backend.CPU has them all).
func On[T any](m *Model, b backend.Backend[T]) (*Runner[T], error) {
	r := newRunner(m, b)
	for _, st := range m.steps {
		if need := st.k.needs(); need != "" && r.e == nil {
			return nil, fmt.Errorf("graph: node %q (op %s) needs kernel %s, which backend %s lacks (it does not implement backend.Elementwise)",
				st.name, st.op, need, backendName(b))
		}
	}
	r.consts = make([]T, m.nodes)
	done := make([]bool, m.nodes)
	for _, st := range m.steps {
		r.uploadParams(st.k)
		for _, j := range st.in {
			if c := m.consts[j]; c != nil && !done[j] {
				r.consts[j], done[j] = b.Upload(c), true
				r.uploads = append(r.uploads, r.consts[j])
			}
		}
	}
	return r, nil
}

// Release hands back the memory of the constants On uploaded; r must not
// be used afterwards.
func (r *Runner[T]) Release() {
	for _, t := range r.uploads {
		r.b.Release(t)
	}
	r.uploads = nil
}

// backendName names a backend by its type, as errors show it.
func backendName(b any) string { return fmt.Sprintf("%T", b) }

// uploadParams uploads k's constants that are not uploaded yet.
func (r *Runner[T]) uploadParams(k kernel) {
	weights, others := k.params()
	for _, w := range weights {
		if _, ok := r.params[w]; w != nil && !ok {
			r.params[w] = r.b.UploadWeights(w)
			r.uploads = append(r.uploads, r.params[w])
		}
	}
	for _, t := range others {
		if _, ok := r.params[t]; t != nil && !ok {
			r.params[t] = r.b.Upload(t)
			r.uploads = append(r.uploads, r.params[t])
		}
	}
}

// param returns a kernel constant on the backend, the zero T (nil) for nil.
func (r *Runner[T]) param(t *tensor.Tensor) T { return r.params[t] }

// Run executes the model on the CPU; see Runner.Run.
func (m *Model) Run(inputs map[string]*tensor.Tensor) (map[string]*tensor.Tensor, error) {
	return m.cpu.Run(inputs)
}

// Run executes the model on inputs, keyed by input Name (or Node), and
// returns the outputs keyed by output Name. Every input must be given, with
// the declared rank and every declared (non -1) dimension; the caller keeps
// ownership of the input tensors, which Run does not modify. The returned
// tensors are new and belong to the caller. Its errors are the inputs',
// a shape no node accepts, and the backend's (ReadAll).
func (r *Runner[T]) Run(inputs map[string]*tensor.Tensor) (map[string]*tensor.Tensor, error) {
	m := r.m
	slots := make([]T, m.nodes)
	copy(slots, r.consts)
	shapes := make([][]int, m.nodes)
	for i, c := range m.consts {
		if c != nil {
			shapes[i] = c.Shape
		}
	}
	owned := make([]bool, m.nodes) // this Run made the slot's tensor and releases it
	defer func() {
		for i, o := range owned {
			if o {
				r.b.Release(slots[i])
			}
		}
	}()
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
		s := m.inSlot[k]
		slots[s], shapes[s], owned[s] = r.b.Upload(x), x.Shape, true
	}
	if len(inputs) > seen {
		for name := range inputs {
			if !m.isInput(name) {
				return nil, fmt.Errorf("graph: Run: no input named %q (inputs: %s)", name, m.inputNames())
			}
		}
	}
	var zero T
	in := make([]T, 0, 8)
	inShapes := make([][]int, 0, 8)
	for s := range m.steps {
		st := &m.steps[s]
		in, inShapes = in[:0], inShapes[:0]
		for _, j := range st.in {
			in = append(in, slots[j])
			inShapes = append(inShapes, shapes[j])
		}
		fail := func(err error) error { return fmt.Errorf("graph: Run: node %q (op %s): %w", st.name, st.op, err) }
		out, err := st.k.infer(inShapes)
		if err == nil {
			err = checkSize(out)
		}
		if err != nil {
			return nil, fail(err)
		}
		dst, reused := zero, -1
		for _, k := range st.reuse {
			if slices.Equal(inShapes[k], out) {
				dst, reused = in[k], st.in[k]
				break
			}
		}
		y, err := r.safeExec(st.k, in, inShapes, out, dst)
		if err != nil {
			return nil, fail(err)
		}
		if reused >= 0 {
			owned[reused] = false // its tensor is y now
		}
		slots[st.out], shapes[st.out], owned[st.out] = y, out, !st.view
		for _, j := range st.free {
			if owned[j] {
				r.b.Release(slots[j])
			}
			slots[j], owned[j] = zero, false
		}
	}
	outs := make([]T, len(m.outputs))
	for k := range m.outputs {
		s := m.outSlot[k]
		outs[k] = r.b.Reshape(slots[s], shapes[s]...)
	}
	got, err := r.b.ReadAll(outs...)
	if err != nil {
		return nil, fmt.Errorf("graph: Run: %w", err)
	}
	res := make(map[string]*tensor.Tensor, len(m.outputs))
	for k, io := range m.outputs {
		res[io.Name] = got[k]
	}
	return res, nil
}

// safeExec runs k on operands in (of shapes inShapes) into dst (zero, or an
// operand of the output's shape it may overwrite), turning a kernel panic
// (a bug: infer should have refused the shapes) into an error.
func (r *Runner[T]) safeExec(k kernel, in []T, inShapes [][]int, out []int, dst T) (y T, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("kernel failed on shapes %v: %v", inShapes, p)
		}
	}()
	for i := range in { // a backend's view may have lent its tensor another shape
		if !slices.Equal(r.b.Shape(in[i]), inShapes[i]) {
			in[i] = r.b.Reshape(in[i], inShapes[i]...)
		}
	}
	if y, err = r.exec(k, in, inShapes, out, dst); err != nil {
		return y, err
	}
	if got := r.b.Shape(y); !slices.Equal(got, out) && !(len(got) == 0 && len(out) == 0) {
		return y, fmt.Errorf("kernel returned shape %v, inferred %v", got, out)
	}
	return y, nil
}

// exec runs one kernel on the backend.
func (r *Runner[T]) exec(k kernel, in []T, inShapes [][]int, out []int, dst T) (T, error) {
	switch k := k.(type) {
	case viewKernel:
		return r.b.Reshape(in[0], out...), nil
	case *convKernel:
		return r.conv(k, in[0], inShapes[0], out)
	case *poolKernel:
		return r.pool(k, in[0], inShapes[0], out)
	case *matMulKernel:
		return r.matMul(k, in), nil
	case unaryKernel:
		return r.e.Unary(k.op, in[0], dst), nil
	case binaryKernel:
		return r.e.Binary(k.op, in[0], in[1], dst), nil
	case softmaxKernel:
		return r.e.Softmax(in[0], dst), nil
	case *reduceKernel:
		axes, err := k.axesFor(len(inShapes[0]))
		if err != nil {
			var zero T
			return zero, err
		}
		return r.e.Reduce(k.op, in[0], axes, k.keepDims), nil
	}
	panic(fmt.Sprintf("graph: no executor for kernel %T", k))
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
