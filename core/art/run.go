package art

import (
	"fmt"

	"visage/core/backend"
	"visage/core/ops"
	"visage/core/tensor"
	"visage/models/vgg19"
)

// State is an Adam stylization's progress, as read back from its backend.
type State struct {
	Image *tensor.Tensor // [H,W,3] RGB 0..255, the generated image
	M, V  *tensor.Tensor // Adam's moments, shaped like Image
	Steps int            // Adam steps taken
}

// adamLoop is the Adam loop of a stylization on one backend: the generated
// image, Adam's moments and J stay there, and a chunk of steps is recorded
// with one read at its end.
type adamLoop[T any] struct {
	b         backend.Differentiable[T]
	obj       *Objective[T]
	hp        ops.Adam
	img, m, v T
	t         int
}

// newAdamLoop prepares J for content and style on r's backend (see
// ObjectiveOn) and Adam with opts.LR and TensorFlow's defaults, starting
// from a copy of from (nil moments: zeros; a nil image:
// InitImage(content, opts.NoiseRatio, opts.Seed)). opts are not checked
// (checkOptions).
func newAdamLoop[T any](r *vgg19.Runner[T], content, style *tensor.Tensor, opts Options, from State) (*adamLoop[T], error) {
	obj, err := ObjectiveOn(r, content, style, opts.Cost)
	if err != nil {
		return nil, err
	}
	b := r.Backend()
	img := from.Image
	if img == nil {
		img = InitImage(content, opts.NoiseRatio, opts.Seed)
	}
	if !tensor.SameShape(img, content) {
		obj.Release()
		return nil, fmt.Errorf("art: resuming from an image %v, want %v", img.Shape, content.Shape)
	}
	moment := func(x *tensor.Tensor) T {
		if x == nil {
			return b.NewTensor(content.Shape...)
		}
		return b.Upload(x.Clone())
	}
	return &adamLoop[T]{b: b, obj: obj, hp: ops.NewAdam(opts.LR),
		img: b.Upload(img.Clone()), m: moment(from.M), v: moment(from.V), t: from.Steps}, nil
}

// step records one Adam step on the pixels against J's gradient, clipping
// them to 0..255; J's terms at the image it starts from go to out[at:at+3]
// (see Objective.gradient).
func (l *adamLoop[T]) step(out T, at int) error {
	grad, err := l.obj.gradient(l.img, out, at)
	if err != nil {
		return err
	}
	l.t++
	l.b.AdamStep(l.hp, l.img, grad, l.m, l.v, l.t)
	l.b.Release(grad)
	l.b.Clamp(l.img, 0, 255)
	return nil
}

// steps records n ≥ 1 steps and reads back, in one read, the costs before
// each and the state after them. It returns the backend's errors.
func (l *adamLoop[T]) steps(n int) ([]Costs, State, error) {
	history := l.b.NewTensor(3 * n)
	defer l.b.Release(history)
	for i := range n {
		if err := l.step(history, 3*i); err != nil {
			return nil, State{}, err
		}
	}
	t, err := l.b.ReadAll(history, l.img, l.m, l.v)
	if err != nil {
		return nil, State{}, fmt.Errorf("art: %w", err)
	}
	costs := make([]Costs, n)
	for i := range costs {
		costs[i] = l.obj.costsOf(t[0].Data[3*i:])
	}
	return costs, State{Image: t[1], M: t[2], V: t[3], Steps: l.t}, nil
}

// release hands back the loop's tensors (not the network's).
func (l *adamLoop[T]) release() {
	l.obj.Release()
	for _, t := range []T{l.img, l.m, l.v} {
		l.b.Release(t)
	}
}

// stepper is an adamLoop on some backend.
type stepper interface {
	steps(n int) ([]Costs, State, error)
	release()
}

// Run is one Adam stylization in progress, placed by a backend.Placement:
// on the GPU while the Placement is there, reading its state back after
// every chunk of steps, so that when the GPU fails (as Placement.Failed
// says) or the Placement leaves it, the run goes on on the CPU from the
// end of the last chunk, with its image and Adam's moments: a failed chunk
// is redone there. A Run is for one goroutine at a time.
type Run struct {
	p              *backend.Placement
	net            *vgg19.Net
	content, style *tensor.Tensor
	opts           Options
	gpu            stepper // nil on the CPU
	cpu            stepper // nil while gpu runs
	state          State   // after the last chunk
}

// NewRun starts an Adam stylization of content and style ([H,W,3] RGB
// 0..255, same size; see FitPair; kept, not modified) with opts: on gpu
// (net on the GPU, vgg19.On) while p is on the GPU, else with net on the
// CPU. gpu may be nil when p is on the CPU. Bad options, and an optimizer
// other than Adam, are errors; a GPU's errors surface at the first Step.
func NewRun[T any](p *backend.Placement, net *vgg19.Net, gpu *vgg19.Runner[T], content, style *tensor.Tensor, opts Options) (*Run, error) {
	if err := checkOptions(opts); err != nil {
		return nil, err
	}
	if opts.Optimizer != "adam" && opts.Optimizer != "" {
		return nil, fmt.Errorf("art: a Run takes Adam steps, not optimizer %q", opts.Optimizer)
	}
	r := &Run{p: p, net: net, content: content, style: style, opts: opts,
		state: State{Image: InitImage(content, opts.NoiseRatio, opts.Seed)}}
	if gpu != nil && p.GPU() {
		l, err := newAdamLoop(gpu, content, style, opts, r.state)
		if err != nil {
			return nil, err
		}
		r.gpu = l
		return r, nil
	}
	return r, r.toCPU()
}

// toCPU moves the run to the CPU, from the state of its last chunk. The
// GPU's tensors are dropped, not released: the device went with the
// Placement.
func (r *Run) toCPU() error {
	l, err := newAdamLoop(r.net.CPU(), r.content, r.style, r.opts, r.state)
	if err != nil {
		return err
	}
	r.gpu, r.cpu = nil, l
	return nil
}

// Step takes n ≥ 1 Adam steps and returns the costs before each.
func (r *Run) Step(n int) ([]Costs, error) {
	if n < 1 {
		return nil, fmt.Errorf("art: %d steps, want ≥ 1", n)
	}
	if r.gpu != nil {
		if !r.p.GPU() { // another network found the GPU gone
			if err := r.toCPU(); err != nil {
				return nil, err
			}
		} else {
			costs, state, err := r.gpu.steps(n)
			if err == nil {
				r.state = state
				return costs, nil
			}
			if !r.p.Failed(err) {
				return nil, err
			}
			if err := r.toCPU(); err != nil {
				return nil, err
			}
		}
	}
	costs, state, err := r.cpu.steps(n)
	if err != nil {
		return nil, err
	}
	r.state = state
	return costs, nil
}

// Image returns the generated image [H,W,3], RGB 0..255, after the last
// Step (the initial image before the first). It belongs to the Run and is
// replaced by the next Step.
func (r *Run) Image() *tensor.Tensor { return r.state.Image }

// Steps returns how many Adam steps the run has taken.
func (r *Run) Steps() int { return r.state.Steps }

// GPU reports whether the run's steps run on the GPU.
func (r *Run) GPU() bool { return r.gpu != nil && r.p.GPU() }

// Release hands back the run's memory on the GPU (not the network's).
func (r *Run) Release() {
	if r.gpu != nil {
		r.gpu.release()
		r.gpu = nil
	}
}
