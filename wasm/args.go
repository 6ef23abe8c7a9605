//go:build js && wasm

package main

import (
	"fmt"
	"math"
	"syscall/js"
	"testing/fstest"

	"visage/core/face"
	"visage/core/imageio"
	"visage/core/tensor"
)

// This file reads the calls' arguments, JS values, as Go values, with
// errors that name the call, what was expected and what was found.

// arg returns args[i], or undefined when the caller passed fewer arguments.
func arg(args []js.Value, i int) js.Value {
	if i < len(args) {
		return args[i]
	}
	return js.Undefined()
}

// reader reads one call's arguments for the method op. Its methods return
// zero values once an argument was bad; err keeps the first error, which
// names op, what was expected and what was found. what, in each method,
// names the argument after op ("name", "box.x").
type reader struct {
	op   string
	args []js.Value
	err  error
}

// argsOf returns a reader of op's args.
func argsOf(op string, args []js.Value) *reader { return &reader{op: op, args: args} }

// arg is the call's argument i (undefined when not given).
func (r *reader) arg(i int) js.Value { return arg(r.args, i) }

// check keeps err as the reader's error when it is the first.
func (r *reader) check(err error) {
	if r.err == nil {
		r.err = err
	}
}

// failf is check of an error op's name precedes.
func (r *reader) failf(format string, a ...any) {
	r.check(fmt.Errorf(r.op+": "+format, a...))
}

// str reads v as a string.
func (r *reader) str(v js.Value, what string) string {
	s, err := stringOf(v, r.op+": "+what)
	r.check(err)
	return s
}

// num reads v as a number.
func (r *reader) num(v js.Value, what string) float64 {
	f, err := numberOf(v, r.op+": "+what)
	r.check(err)
	return f
}

// finite reads v as a finite number.
func (r *reader) finite(v js.Value, what string) float64 {
	f := r.num(v, what)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		r.failf("%s must be finite, found %v", what, f)
	}
	return f
}

// intIn reads v as a whole number in lo..hi.
func (r *reader) intIn(v js.Value, what string, lo, hi int) int {
	n, err := intIn(v, r.op+": "+what, lo, hi)
	r.check(err)
	return n
}

// options reads argument i as an options object, undefined when not given.
func (r *reader) options(i int) js.Value {
	o := r.arg(i)
	if !o.IsUndefined() && o.Type() != js.TypeObject {
		r.failf("options must be an object, found %s", describe(o))
		return js.Undefined()
	}
	return o
}

// optBool reads o[name], a boolean, when given; else it is def.
func (r *reader) optBool(o js.Value, name string, def bool) bool {
	r.check(optionalBool(o, r.op, name, &def))
	return def
}

// optNumber reads o[name], a finite number, when given; else it is def.
func (r *reader) optNumber(o js.Value, name string, def float64) float64 {
	if err := optionalNumber(o, name, &def); err != nil {
		r.failf("%w", err)
	}
	return def
}

// bytes reads v as a Uint8Array (bytesOf).
func (r *reader) bytes(v js.Value, what string) []byte {
	b, err := bytesOf(v)
	if err != nil {
		r.failf("%s: %w", what, err)
	}
	return b
}

// image reads v as an image argument (imageOf); what, when not empty,
// names it after op.
func (r *reader) image(v js.Value, what string) *tensor.Tensor {
	if r.err != nil {
		return nil
	}
	op := r.op
	if what != "" {
		op += ": " + what
	}
	img, err := imageOf(v, op)
	r.check(err)
	return img
}

// describe names the JS type of v for error messages.
func describe(v js.Value) string {
	if v.Type() == js.TypeObject {
		return js.Global().Get("Object").Get("prototype").Get("toString").Call("call", v).String()
	}
	return v.Type().String()
}

// stringOf returns v as a Go string, or an error naming what (e.g. "name")
// and what was found instead.
func stringOf(v js.Value, what string) (string, error) {
	if v.Type() != js.TypeString {
		return "", fmt.Errorf("%s must be a string, found %s", what, describe(v))
	}
	return v.String(), nil
}

// numberOf returns v as a float64, or an error naming what and what was found.
func numberOf(v js.Value, what string) (float64, error) {
	if v.Type() != js.TypeNumber {
		return 0, fmt.Errorf("%s must be a number, found %s", what, describe(v))
	}
	return v.Float(), nil
}

// optionalBool sets *v to o[name] when o (an options object, or undefined)
// gives it, after checking it is a boolean; op names the call in errors.
func optionalBool(o js.Value, op, name string, v *bool) error {
	if o.Type() != js.TypeObject {
		return nil
	}
	x := o.Get(name)
	if x.IsUndefined() {
		return nil
	}
	if x.Type() != js.TypeBoolean {
		return fmt.Errorf("%s: %s must be a boolean, found %s", op, name, describe(x))
	}
	*v = x.Bool()
	return nil
}

// filesOf reads opts.files, {name: Uint8Array, …}, into an in-memory file
// system that owns copies of the bytes; op names the calling method in errors.
func filesOf(opts js.Value, op string) (fstest.MapFS, error) {
	if opts.Type() != js.TypeObject || opts.Get("files").Type() != js.TypeObject {
		return nil, fmt.Errorf("%s expects {files: {name: Uint8Array, …}}, found %s", op, describe(opts))
	}
	files := opts.Get("files")
	keys := js.Global().Get("Object").Call("keys", files)
	fsys := fstest.MapFS{}
	for i := range keys.Length() {
		name := keys.Index(i).String()
		data, err := bytesOf(files.Get(name))
		if err != nil {
			return nil, fmt.Errorf("%s: file %q: %w", op, name, err)
		}
		fsys[name] = &fstest.MapFile{Data: data}
	}
	return fsys, nil
}

// isBytes reports whether v is a Uint8Array or Uint8ClampedArray.
func isBytes(v js.Value) bool {
	return v.InstanceOf(js.Global().Get("Uint8Array")) || v.InstanceOf(js.Global().Get("Uint8ClampedArray"))
}

// bytesOf copies a Uint8Array or Uint8ClampedArray into Go memory.
func bytesOf(v js.Value) ([]byte, error) {
	if !isBytes(v) {
		return nil, fmt.Errorf("expected a Uint8Array, found %s", describe(v))
	}
	b := make([]byte, v.Length())
	js.CopyBytesToGo(b, v)
	return b, nil
}

// imageOf turns an image argument into an [H,W,3] RGB tensor: encoded bytes go
// through imageio.DecodePhotoBytes (a JPEG's EXIF orientation applied); {width, height, data} RGBA pixels are copied without
// alpha. op names the calling method in errors.
//
// Both are checked against imageio's limits (MaxEncodedBytes, MaxPixels)
// before anything is copied into Go's memory, which WebAssembly never gives
// back.
func imageOf(v js.Value, op string) (*tensor.Tensor, error) {
	if isBytes(v) {
		if n := v.Length(); n > imageio.MaxEncodedBytes {
			return nil, fmt.Errorf("%s: the image file is %d MiB, more than the %d MiB Visage reads", op, n>>20, imageio.MaxEncodedBytes>>20)
		}
		data, err := bytesOf(v)
		if err != nil {
			return nil, err
		}
		img, err := imageio.DecodePhotoBytes(data) // upright, as the CLI reads a file
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		return img, nil
	}
	if v.Type() != js.TypeObject || v.Get("width").Type() != js.TypeNumber || v.Get("height").Type() != js.TypeNumber {
		return nil, fmt.Errorf("%s expects image bytes (Uint8Array) or RGBA pixels {width, height, data}, found %s", op, describe(v))
	}
	w, h := v.Get("width").Int(), v.Get("height").Int()
	if err := imageio.CheckSize("RGBA pixels", w, h); err != nil { // before the pixels are copied
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	pix, err := bytesOf(v.Get("data"))
	if err != nil {
		return nil, fmt.Errorf("%s: pixel data: %w", op, err)
	}
	img, err := imageio.FromRGBA(w, h, pix)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return img, nil
}

// descriptorPair reads the first two arguments as face descriptors.
func descriptorPair(args []js.Value) (a, b []float32, err error) {
	if a, err = descriptorOf(arg(args, 0)); err != nil {
		return nil, nil, fmt.Errorf("first descriptor: %w", err)
	}
	if b, err = descriptorOf(arg(args, 1)); err != nil {
		return nil, nil, fmt.Errorf("second descriptor: %w", err)
	}
	if len(a) != len(b) {
		return nil, nil, fmt.Errorf("descriptors of %d and %d numbers come from different encoders and cannot be compared", len(a), len(b))
	}
	return a, b, nil
}

// descriptorOf copies an array-like of numbers (a Float32Array or an Array)
// and checks it is a face descriptor.
func descriptorOf(v js.Value) ([]float32, error) {
	if v.Type() != js.TypeObject || v.Get("length").Type() != js.TypeNumber {
		return nil, fmt.Errorf("expected a Float32Array or Array of %d numbers, found %s", face.DescriptorLen, describe(v))
	}
	if n := v.Length(); n != face.DescriptorLen && n != face.MobileFaceNetDim && n != face.FaceResDim {
		return nil, fmt.Errorf("expected %d (dlib), %d (mobilefacenet) or %d (faceres) numbers, found %d", face.DescriptorLen, face.MobileFaceNetDim, face.FaceResDim, n)
	}
	return finiteNumbers(v, "")
}

// finiteNumbers copies the elements of v, an array-like, each of which must
// be a finite number; what (when not empty) names v in errors.
func finiteNumbers(v js.Value, what string) ([]float32, error) {
	if what != "" {
		what += ": "
	}
	d := make([]float32, v.Length())
	for i := range d {
		x := v.Index(i)
		if x.Type() != js.TypeNumber {
			return nil, fmt.Errorf("%selement %d must be a number, found %s", what, i, describe(x))
		}
		if f := x.Float(); math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("%selement %d must be finite, found %v", what, i, f)
		}
		d[i] = float32(x.Float())
	}
	return d, nil
}

// fieldOr returns o[name], or def when that is not given.
func fieldOr(o js.Value, name, def string) js.Value {
	if v := field(o, name); !v.IsUndefined() {
		return v
	}
	return js.ValueOf(def)
}

// field returns o[name], or undefined when o is not an object.
func field(o js.Value, name string) js.Value {
	if o.Type() != js.TypeObject {
		return js.Undefined()
	}
	return o.Get(name)
}

// optionalNumber sets *v to o[name] when that is given, after checking it is
// a finite number.
func optionalNumber(o js.Value, name string, v *float64) error {
	x := field(o, name)
	if x.IsUndefined() {
		return nil
	}
	f, err := numberOf(x, name)
	if err != nil {
		return err
	}
	if f-f != 0 {
		return fmt.Errorf("%s must be finite, found %v", name, f)
	}
	*v = f
	return nil
}

// intIn returns v as an int, or an error unless it is a whole number in lo..hi.
func intIn(v js.Value, what string, lo, hi int) (int, error) {
	f, err := numberOf(v, what)
	if err != nil {
		return 0, err
	}
	if !(f >= float64(lo) && f <= float64(hi)) || f != float64(int(f)) {
		return 0, fmt.Errorf("%s %v, want a whole number in %d..%d", what, f, lo, hi)
	}
	return int(f), nil
}
