//go:build js && wasm

package webgpu

import (
	"embed"
	"errors"
	"fmt"
	"strings"
	"syscall/js"
	"unsafe"

	"visage/core/backend"
	"visage/core/tensor"
)

//go:embed shaders/*.wgsl
var shaderFS embed.FS

// GPUBufferUsage flags (WebGPU spec values).
const (
	usageMapRead  = 0x0001
	usageCopySrc  = 0x0004
	usageCopyDst  = 0x0008
	usageUniform  = 0x0040
	usageStorage  = 0x0080
	storageUsages = usageStorage | usageCopySrc | usageCopyDst
)

// Device is one WebGPU device with its queue, compiled pipelines and the
// command encoder that collects kernels until the next Flush or Read. It is
// not safe for concurrent use.
type Device struct {
	device    js.Value
	queue     js.Value
	limits    Limits
	adapter   string // "vendor architecture", for reports
	software  bool   // the adapter is a software rasterizer (see Software)
	pipelines map[string]js.Value
	standIn   *Buffer // bound in place of an absent optional operand

	encoder js.Value   // current command encoder, or undefined
	pass    js.Value   // open compute pass on encoder, or undefined
	garbage []js.Value // buffers to destroy once the current encoder is submitted
	// free holds released storage buffers by byte size, for reuse: a network
	// pass recycles its intermediates instead of allocating afresh.
	free map[int][]js.Value
	// scopesOpen is set while the error scopes pushed for the pending work
	// are waiting for Flush to pop them.
	scopesOpen bool
	// lost is the reason the device was lost, "" while it works.
	lost string
	// hasF16 says the device has shader-f16 (emulateF16: or pretends to,
	// see EmulateF16ForTesting); precision is what SetPrecision set ("" for
	// F32).
	hasF16, emulateF16 bool
	precision          Precision

	submissions, readBacks int
}

// Open requests an adapter and a device from navigator.gpu. It returns an
// error when the browser has no WebGPU, no adapter or refuses a device.
func Open() (*Device, error) {
	gpu := js.Global().Get("navigator").Get("gpu")
	if gpu.IsUndefined() || gpu.IsNull() {
		return nil, errors.New("webgpu: navigator.gpu is undefined (browser without WebGPU, or not a secure context)")
	}
	adapter, err := await(gpu.Call("requestAdapter"))
	if err != nil {
		return nil, fmt.Errorf("webgpu: requestAdapter: %w", err)
	}
	if adapter.IsNull() || adapter.IsUndefined() {
		return nil, errors.New("webgpu: requestAdapter returned no adapter")
	}
	al := adapter.Get("limits")
	lim := func(name string) int { return al.Get(name).Int() }
	limits := Limits{
		MaxComputeInvocationsPerWorkgroup: lim("maxComputeInvocationsPerWorkgroup"),
		MaxComputeWorkgroupSizeX:          lim("maxComputeWorkgroupSizeX"),
		MaxComputeWorkgroupSizeY:          lim("maxComputeWorkgroupSizeY"),
		MaxComputeWorkgroupStorageSize:    lim("maxComputeWorkgroupStorageSize"),
		MaxComputeWorkgroupsPerDimension:  lim("maxComputeWorkgroupsPerDimension"),
	}
	// Ask for the adapter's own limits where the defaults are low: large
	// images' activations can exceed the default 128 MiB binding size, and
	// the matrix kernel is sized from the workgroup limits.
	required := js.Global().Get("Object").New()
	for _, name := range []string{"maxStorageBufferBindingSize", "maxBufferSize", "maxComputeWorkgroupStorageSize",
		"maxComputeInvocationsPerWorkgroup", "maxComputeWorkgroupSizeX", "maxComputeWorkgroupSizeY"} {
		required.Set(name, al.Get(name))
	}
	desc := js.Global().Get("Object").New()
	desc.Set("requiredLimits", required)
	hasF16 := adapter.Get("features").Call("has", "shader-f16").Bool()
	if hasF16 { // for SetPrecision(F16); it costs nothing unused
		desc.Set("requiredFeatures", js.ValueOf([]any{"shader-f16"}))
	}
	device, err := await(adapter.Call("requestDevice", desc))
	if err != nil {
		return nil, fmt.Errorf("webgpu: requestDevice: %w", err)
	}
	name := "unknown adapter"
	software := adapter.Get("isFallbackAdapter").Truthy() // before Chrome 131
	if info := adapter.Get("info"); !info.IsUndefined() {
		vendor, arch := info.Get("vendor").String(), info.Get("architecture").String()
		name = vendor + " " + arch
		software = software || info.Get("isFallbackAdapter").Truthy() || vendor == "google" && arch == "swiftshader"
	}
	d := &Device{
		device:    device,
		queue:     device.Get("queue"),
		limits:    limits,
		adapter:   name,
		software:  software,
		hasF16:    hasF16,
		pipelines: map[string]js.Value{},
		free:      map[int][]js.Value{},
		encoder:   js.Undefined(),
		pass:      js.Undefined(),
	}
	// The device lives as long as the page, so this callback is never released.
	device.Get("lost").Call("then", js.FuncOf(func(_ js.Value, args []js.Value) any {
		d.lost = "reason unknown"
		if info := arg0(args); info.Type() == js.TypeObject && info.Get("message").String() != "" {
			d.lost = info.Get("message").String()
		}
		return nil
	}))
	return d, nil
}

// Errors that Read and Flush wrap, so that callers can fall back to the CPU
// with errors.Is. Any other error they return is a programming error
// (a WebGPU validation error) or a failed read-back.
var (
	// ErrDeviceLost: the device is gone (driver reset, Destroy, or the
	// browser reclaimed it); open a new one or use the CPU.
	ErrDeviceLost = fmt.Errorf("webgpu: device lost (%w)", backend.ErrDeviceLost)
	// ErrOutOfMemory: an allocation failed; the recorded work is void.
	ErrOutOfMemory = fmt.Errorf("webgpu: out of GPU memory (%w)", backend.ErrOutOfMemory)
)

// Destroy ends the device: every Buffer, and the Device itself, become
// unusable, and Read and Flush return ErrDeviceLost.
func (d *Device) Destroy() {
	d.device.Call("destroy")
	if d.lost == "" {
		d.lost = "destroyed"
	}
}

// OutOfMemoryForTesting makes the device's next Flush (or Read) report
// ErrOutOfMemory, as a pass that did not fit in GPU memory would: the
// browser's answer to the next pass's out-of-memory error scope is
// replaced, once, by a GPUOutOfMemoryError, so that Flush's own reading
// of the scopes runs. The pass's work itself is done as usual. For tests
// of the fallback to the CPU only.
func (d *Device) OutOfMemoryForTesting() {
	pop := d.device.Get("popErrorScope") // GPUDevice.prototype's
	var once, replace js.Func
	once = js.FuncOf(func(this js.Value, _ []js.Value) any {
		js.Global().Get("Reflect").Call("deleteProperty", d.device, "popErrorScope")
		once.Release()
		return pop.Call("call", this).Call("then", replace)
	})
	replace = js.FuncOf(func(js.Value, []js.Value) any {
		replace.Release()
		return js.Global().Get("GPUOutOfMemoryError").New("simulated by OutOfMemoryForTesting")
	})
	d.device.Set("popErrorScope", once) // an own property, over the prototype's
}

// Adapter describes the adapter ("vendor architecture", e.g. "google swiftshader").
func (d *Device) Adapter() string { return d.adapter }

// Software reports whether the adapter is a software rasterizer (the
// browser's fallback adapter, or SwiftShader): right for testing the
// kernels, but it runs the networks many times slower than the CPU path.
func (d *Device) Software() bool { return d.software }

// Limits returns the adapter limits the kernels were sized from.
func (d *Device) Limits() Limits { return d.limits }

// Stats returns how many queue submissions and buffer read-backs the device
// has made since Open.
func (d *Device) Stats() (submissions, readBacks int) { return d.submissions, d.readBacks }

// Buffer is a float32 tensor resident on the GPU. Shape follows
// visage/core/tensor (channels last). The Device that made it owns the GPU
// memory until Release.
type Buffer struct {
	d     *Device
	buf   js.Value
	Shape []int
	half  bool // float16 values (UploadWeights under F16)
}

// Len returns the number of float32 elements.
func (b *Buffer) Len() int { return tensor.Size(b.Shape) }

// Release hands b's GPU memory back to its Device, which may reuse it for
// a later buffer (Trim frees it). Kernels already recorded with b still see
// its contents. b must not be used afterwards.
func (b *Buffer) Release() {
	d := b.d
	d.free[b.bytes()] = append(d.free[b.bytes()], b.buf)
	b.buf = js.Undefined()
}

// Reshape gives b a new shape of the same size and returns b. A size
// mismatch is a programming error and panics.
func (b *Buffer) Reshape(shape ...int) *Buffer {
	if tensor.Size(shape) != b.Len() {
		panic(fmt.Sprintf("webgpu: reshaping %v to %v", b.Shape, shape))
	}
	b.Shape = append([]int(nil), shape...)
	return b
}

// bytes is the size of b's GPU buffer (WebGPU cannot bind an empty one).
func (b *Buffer) bytes() int {
	if b.half {
		return 4 * max((b.Len()+1)/2, 1)
	}
	return 4 * max(b.Len(), 1)
}

// Trim frees the GPU memory of every released buffer: now, or when kernels
// are pending, once they are submitted.
func (d *Device) Trim() {
	for size, bufs := range d.free {
		d.garbage = append(d.garbage, bufs...)
		delete(d.free, size)
	}
	if d.encoder.IsUndefined() {
		d.collectGarbage()
	}
}

// NewBuffer returns a zero-filled GPU tensor of the given shape.
func (d *Device) NewBuffer(shape ...int) *Buffer {
	b, reused := d.alloc(shape)
	if reused {
		d.endPass()
		d.commandEncoder().Call("clearBuffer", b.buf)
	}
	return b
}

// alloc returns a GPU tensor of the given shape with undefined contents,
// reusing a released buffer of the same size when there is one (reused).
// Kernels allocate their outputs with it, since they write every element.
func (d *Device) alloc(shape []int) (b *Buffer, reused bool) {
	b = &Buffer{d: d, Shape: append([]int(nil), shape...)}
	size := b.bytes()
	if bufs := d.free[size]; len(bufs) > 0 {
		b.buf = bufs[len(bufs)-1]
		d.free[size] = bufs[:len(bufs)-1]
		return b, true
	}
	b.buf = d.createBuffer(size, storageUsages)
	return b, false
}

// Upload copies t to a new GPU tensor of the same shape. Uploads cost no
// submission unless kernels are pending (see Write).
func (d *Device) Upload(t *tensor.Tensor) *Buffer {
	b, _ := d.alloc(t.Shape)
	d.Write(b, t.Data)
	return b
}

// Write copies data into b; it panics when len(data) differs from b.Len().
// The write is ordered after every kernel recorded before it, and before
// every kernel recorded after it. That costs a submission when kernels are
// pending, so upload a pass's inputs before recording its kernels.
func (d *Device) Write(b *Buffer, data []float32) {
	if len(data) != b.Len() {
		panic(fmt.Sprintf("webgpu: writing %d values into a buffer of shape %v", len(data), b.Shape))
	}
	if len(data) == 0 {
		return
	}
	// queue.writeBuffer runs at the next submission, before its commands, so a
	// write after kernels that read b must first flush those kernels.
	if !d.encoder.IsUndefined() {
		d.submit()
	}
	d.queue.Call("writeBuffer", b.buf, 0, toJSBytes(float32Bytes(data)))
}

// Read submits every pending kernel and returns a copy of b's contents. It
// reports GPU validation and out-of-memory errors raised since the previous
// Flush or Read, and a lost device.
func (d *Device) Read(b *Buffer) (*tensor.Tensor, error) {
	out, err := d.ReadAll(b)
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// ReadAll is Read for several buffers in one submission and one read-back:
// it returns a copy of each, in order.
func (d *Device) ReadAll(bufs ...*Buffer) ([]*tensor.Tensor, error) {
	if len(bufs) == 0 {
		return nil, d.Flush()
	}
	if d.lost != "" {
		return nil, fmt.Errorf("%w: %s", ErrDeviceLost, d.lost)
	}
	size := 0
	for _, b := range bufs {
		size += b.bytes()
	}
	staging := d.createBuffer(size, usageMapRead|usageCopyDst)
	defer staging.Call("destroy")
	d.endPass()
	at := 0
	for _, b := range bufs {
		d.commandEncoder().Call("copyBufferToBuffer", b.buf, 0, staging, at, b.bytes())
		at += b.bytes()
	}
	if err := d.Flush(); err != nil {
		return nil, err
	}
	d.readBacks++
	if _, err := await(staging.Call("mapAsync", 1 /* GPUMapMode.READ */)); err != nil {
		if d.lost != "" {
			return nil, fmt.Errorf("%w: %s", ErrDeviceLost, d.lost)
		}
		return nil, fmt.Errorf("webgpu: mapping the read-back buffer: %w", err)
	}
	mapped := js.Global().Get("Uint8Array").New(staging.Call("getMappedRange"))
	out := make([]*tensor.Tensor, len(bufs))
	at = 0
	for i, b := range bufs {
		out[i] = tensor.New(b.Shape...)
		if len(out[i].Data) > 0 {
			js.CopyBytesToGo(float32Bytes(out[i].Data), mapped.Call("subarray", at, at+4*b.Len()))
		}
		at += b.bytes()
	}
	staging.Call("unmap")
	return out, nil
}

// CopyInto records a copy of src's values into dst from element at on, in
// order with the kernels around it: to collect a value that each of
// several recorded steps overwrites. It panics when src does not fit.
func (d *Device) CopyInto(dst *Buffer, at int, src *Buffer) {
	if at < 0 || at+src.Len() > dst.Len() {
		panic(fmt.Sprintf("webgpu: copying %v into %v at %d", src.Shape, dst.Shape, at))
	}
	if src.Len() == 0 {
		return
	}
	d.endPass()
	d.commandEncoder().Call("copyBufferToBuffer", src.buf, 0, dst.buf, 4*at, 4*src.Len())
}

// Flush submits every pending kernel and waits for the GPU's verdict on
// them: it returns the validation and out-of-memory errors they raised
// (the latter wrapping ErrOutOfMemory), or ErrDeviceLost.
func (d *Device) Flush() error {
	if d.lost != "" {
		return fmt.Errorf("%w: %s", ErrDeviceLost, d.lost)
	}
	if !d.encoder.IsUndefined() {
		d.submit()
	}
	if !d.scopesOpen {
		return nil
	}
	d.scopesOpen = false
	var errs []error
	for range 2 { // the out-of-memory and validation scopes pushed in commandEncoder
		e, err := await(d.device.Call("popErrorScope"))
		if err != nil {
			errs = append(errs, err)
		} else if !e.IsNull() && !e.IsUndefined() {
			kind, msg := e.Get("constructor").Get("name").String(), e.Get("message").String()
			if kind == "GPUOutOfMemoryError" {
				errs = append(errs, fmt.Errorf("%w: %s", ErrOutOfMemory, msg))
			} else {
				errs = append(errs, fmt.Errorf("webgpu: %s: %s", kind, msg))
			}
		}
	}
	return errors.Join(errs...)
}

// submit ends the open pass, submits the encoder and destroys the buffers
// released meanwhile. Error scopes stay pushed until Flush pops them.
func (d *Device) submit() {
	d.endPass()
	cmd := d.encoder.Call("finish")
	d.queue.Call("submit", js.ValueOf([]any{cmd}))
	d.submissions++
	d.encoder = js.Undefined()
	d.collectGarbage()
}

// collectGarbage destroys the buffers no unsubmitted command uses any more.
func (d *Device) collectGarbage() {
	for _, g := range d.garbage {
		g.Call("destroy")
	}
	d.garbage = d.garbage[:0]
}

// commandEncoder returns the current encoder, creating it (and the error
// scopes that Flush pops) when none is open.
func (d *Device) commandEncoder() js.Value {
	if d.encoder.IsUndefined() {
		if !d.scopesOpen {
			d.device.Call("pushErrorScope", "validation")
			d.device.Call("pushErrorScope", "out-of-memory")
			d.scopesOpen = true
		}
		d.encoder = d.device.Call("createCommandEncoder")
	}
	return d.encoder
}

// computePass returns the open compute pass, beginning one when needed. All
// kernels between two copies share one pass; WebGPU orders their storage
// accesses dispatch by dispatch.
func (d *Device) computePass() js.Value {
	if d.pass.IsUndefined() {
		d.pass = d.commandEncoder().Call("beginComputePass")
	}
	return d.pass
}

func (d *Device) endPass() {
	if !d.pass.IsUndefined() {
		d.pass.Call("end")
		d.pass = js.Undefined()
	}
}

func (d *Device) createBuffer(size, usage int) js.Value {
	desc := js.Global().Get("Object").New()
	desc.Set("size", size)
	desc.Set("usage", usage)
	return d.device.Call("createBuffer", desc)
}

// pipeline returns the compute pipeline of shader (a file in shaders/,
// without ".wgsl", compiled after shaders/common.wgsl, optionally followed
// by ":" and a variant of its type aliases, see specialize) with the given
// override constants, compiling it once.
func (d *Device) pipeline(shader string, constants map[string]any) js.Value {
	key := fmt.Sprint(shader, constants)
	if p, ok := d.pipelines[key]; ok {
		return p
	}
	file, variant, _ := strings.Cut(shader, ":")
	common, err1 := shaderFS.ReadFile("shaders/common.wgsl")
	src, err2 := shaderFS.ReadFile("shaders/" + file + ".wgsl")
	if err := errors.Join(err1, err2); err != nil {
		panic("webgpu: " + err.Error()) // the kernels name embedded files only
	}
	code := specialize(string(common)+string(src), variant)
	module := d.device.Call("createShaderModule", map[string]any{"code": code, "label": shader})
	stage := map[string]any{"module": module, "entryPoint": "main"}
	if len(constants) > 0 {
		stage["constants"] = constants
	}
	p := d.device.Call("createComputePipeline", map[string]any{"layout": "auto", "compute": stage, "label": shader})
	d.pipelines[key] = p
	return p
}

// dispatch records one kernel: shader run over groupsX×groupsY workgroups,
// with params as its uniform block (binding 0) and the buffers bound to
// bindings 1, 2, … in order.
func (d *Device) dispatch(shader string, constants map[string]any, groupsX, groupsY int, params []uint32, buffers ...*Buffer) {
	d.commandEncoder() // opens the error scopes before anything can fail
	p := d.pipeline(shader, constants)
	for len(params)%4 != 0 { // uniform blocks are 16-byte multiples
		params = append(params, 0)
	}
	uniform := d.createBuffer(4*len(params), usageUniform|usageCopyDst)
	d.queue.Call("writeBuffer", uniform, 0, toJSBytes(uint32Bytes(params)))
	d.garbage = append(d.garbage, uniform)
	entries := []any{map[string]any{"binding": 0, "resource": map[string]any{"buffer": uniform}}}
	for i, b := range buffers {
		if b.buf.IsUndefined() {
			panic(fmt.Sprintf("webgpu: %s: binding %d is a released buffer", shader, i+1))
		}
		if b.half && (i != 1 || constants["HALF_B"] != 1) {
			panic(fmt.Sprintf("webgpu: %s: binding %d is float16 weights, which only the matrix kernels' weights operand reads", shader, i+1))
		}
		entries = append(entries, map[string]any{"binding": i + 1, "resource": map[string]any{"buffer": b.buf}})
	}
	group := d.device.Call("createBindGroup", map[string]any{"layout": p.Call("getBindGroupLayout", 0), "entries": entries})
	pass := d.computePass()
	pass.Call("setPipeline", p)
	pass.Call("setBindGroup", 0, group)
	pass.Call("dispatchWorkgroups", groupsX, groupsY)
}

// await blocks until the promise p settles and returns its value, or its
// rejection as an error.
func await(p js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1)
	onOK := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{v: arg0(args)}
		return nil
	})
	onErr := js.FuncOf(func(_ js.Value, args []js.Value) any {
		e := arg0(args)
		msg := e.String()
		if e.Type() == js.TypeObject && !e.Get("message").IsUndefined() {
			msg = e.Get("message").String()
		}
		ch <- result{err: errors.New(msg)}
		return nil
	})
	defer onOK.Release()
	defer onErr.Release()
	p.Call("then", onOK, onErr)
	r := <-ch
	return r.v, r.err
}

func arg0(args []js.Value) js.Value {
	if len(args) == 0 {
		return js.Undefined()
	}
	return args[0]
}

func float32Bytes(f []float32) []byte {
	if len(f) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&f[0])), 4*len(f))
}

func uint32Bytes(u []uint32) []byte {
	if len(u) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&u[0])), 4*len(u))
}

func toJSBytes(b []byte) js.Value {
	a := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(a, b)
	return a
}
