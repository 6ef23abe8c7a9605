//go:build js && wasm

package main

import (
	"fmt"
	"syscall/js"
	"testing/fstest"

	"visage/core/engine"
	"visage/core/face"
	"visage/core/imageio"
	"visage/core/jsvalue"
	"visage/core/tensor"
)

// This file gives the JS form of the engine's arguments that jsvalue does
// not know: images, camera frames, descriptors, unitsTop's choice of units
// and model files.

func init() {
	jsvalue.Register(func(v js.Value, path string) (engine.Image, error) {
		img, err := imageOf(v, path)
		return engine.Image{Tensor: img}, err
	})
	jsvalue.Register(func(v js.Value, path string) (engine.Frame, error) {
		if isBytes(v) {
			return engine.Frame{}, fmt.Errorf("%s takes camera frames (RGBA pixels from a live video), not an encoded image file", path)
		}
		img, err := imageOf(v, path)
		return engine.Frame{Image: engine.Image{Tensor: img}}, err
	})
	jsvalue.Register(descriptorOf)
	jsvalue.Register(func(v js.Value, path string) (engine.UnitChoice, error) {
		switch {
		case v.Type() == js.TypeNumber:
			return engine.UnitChoice{Top: v.Float()}, nil
		case !v.InstanceOf(js.Global().Get("Array")):
			return engine.UnitChoice{}, fmt.Errorf("%s must be a number or an array of channels, found %s", path, jsvalue.Describe(v))
		}
		c := engine.UnitChoice{List: true}
		if err := jsvalue.Decode(v, &c.Channels); err != nil {
			return c, fmt.Errorf("%s: %w", path, err)
		}
		return c, nil
	})
}

// descriptorOf reads a face descriptor: an array-like (Float32Array, Array)
// of finite numbers, as many as one of the encoders gives.
func descriptorOf(v js.Value, path string) (engine.Descriptor, error) {
	if v.Type() != js.TypeObject || v.Get("length").Type() != js.TypeNumber {
		return nil, fmt.Errorf("%s: expected a Float32Array or Array of %d numbers, found %s", path, face.DescriptorLen, jsvalue.Describe(v))
	}
	if n := v.Length(); n != face.DescriptorLen && n != face.MobileFaceNetDim && n != face.FaceResDim {
		return nil, fmt.Errorf("%s: expected %d (dlib), %d (mobilefacenet) or %d (faceres) numbers, found %d", path, face.DescriptorLen, face.MobileFaceNetDim, face.FaceResDim, n)
	}
	var d []float32
	if err := jsvalue.Decode(v, &d); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return d, nil
}

// filesOf reads opts.files, {name: Uint8Array, …}, into an in-memory file
// system that owns copies of the bytes; op names the calling method in errors.
func filesOf(opts js.Value, op string) (fstest.MapFS, error) {
	if opts.Type() != js.TypeObject || opts.Get("files").Type() != js.TypeObject {
		return nil, fmt.Errorf("%s expects {files: {name: Uint8Array, …}}, found %s", op, jsvalue.Describe(opts))
	}
	files := opts.Get("files")
	keys := js.Global().Get("Object").Call("keys", files)
	fsys := fstest.MapFS{}
	for i := range keys.Length() {
		name := keys.Index(i).String()
		var data []byte
		if err := jsvalue.Decode(files.Get(name), &data); err != nil {
			return nil, fmt.Errorf("%s: file %q: %w", op, name, err)
		}
		fsys[name] = &fstest.MapFile{Data: data}
	}
	return fsys, nil
}

// arg returns args[i], or undefined when the caller passed fewer arguments.
func arg(args []js.Value, i int) js.Value {
	if i < len(args) {
		return args[i]
	}
	return js.Undefined()
}

// isBytes reports whether v is a Uint8Array or Uint8ClampedArray.
func isBytes(v js.Value) bool {
	return v.InstanceOf(js.Global().Get("Uint8Array")) || v.InstanceOf(js.Global().Get("Uint8ClampedArray"))
}

// imageOf turns an image argument into an [H,W,3] RGB tensor: encoded bytes go
// through imageio.DecodePhotoBytes (a JPEG's EXIF orientation applied); {width, height, data} RGBA pixels are copied without
// alpha. op names the argument in errors ("detect", "artImages: style").
//
// Both are checked against imageio's limits (MaxEncodedBytes, MaxPixels)
// before anything is copied into Go's memory, which WebAssembly never gives
// back.
func imageOf(v js.Value, op string) (*tensor.Tensor, error) {
	if isBytes(v) {
		if n := v.Length(); n > imageio.MaxEncodedBytes {
			return nil, fmt.Errorf("%s: the image file is %d MiB, more than the %d MiB Visage reads", op, n>>20, imageio.MaxEncodedBytes>>20)
		}
		var data []byte
		if err := jsvalue.Decode(v, &data); err != nil {
			return nil, err
		}
		img, err := imageio.DecodePhotoBytes(data) // upright, as the CLI reads a file
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		return img, nil
	}
	if v.Type() != js.TypeObject || v.Get("width").Type() != js.TypeNumber || v.Get("height").Type() != js.TypeNumber {
		return nil, fmt.Errorf("%s expects image bytes (Uint8Array) or RGBA pixels {width, height, data}, found %s", op, jsvalue.Describe(v))
	}
	w, h := v.Get("width").Int(), v.Get("height").Int()
	if err := imageio.CheckSize("RGBA pixels", w, h); err != nil { // before the pixels are copied
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	var pix []byte
	if err := jsvalue.Decode(v.Get("data"), &pix); err != nil {
		return nil, fmt.Errorf("%s: pixel data: %w", op, err)
	}
	img, err := imageio.FromRGBA(w, h, pix)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return img, nil
}
