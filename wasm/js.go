//go:build js && wasm

package main

import (
	"fmt"
	"syscall/js"

	"visage/core/imageio"
	"visage/core/tensor"
)

// This file holds the promise every call returns and the writers of Go
// values as JS ones; args.go reads the calls' arguments.

// asyncFunc wraps fn as a JS function returning a Promise. fn runs on its own
// goroutine (a JS callback must not block); its error, or a panic, rejects the
// promise with an Error.
func asyncFunc(fn func(args []js.Value) (any, error)) js.Func {
	return js.FuncOf(func(_ js.Value, args []js.Value) any {
		executor := js.FuncOf(func(_ js.Value, settle []js.Value) any {
			resolve, reject := settle[0], settle[1]
			go func() {
				defer func() {
					if r := recover(); r != nil {
						reject.Invoke(jsError(fmt.Errorf("internal error: %v", r)))
					}
				}()
				v, err := fn(args)
				if err != nil {
					reject.Invoke(jsError(err))
					return
				}
				resolve.Invoke(v)
			}()
			return nil
		})
		defer executor.Release() // the Promise constructor has called it by then
		return js.Global().Get("Promise").New(executor)
	})
}

// jsError returns a JS Error carrying err's message.
func jsError(err error) js.Value {
	return js.Global().Get("Error").New("visage: " + err.Error())
}

// bytesJS copies b into a new Uint8Array.
func bytesJS(b []byte) js.Value {
	u := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(u, b)
	return u
}

// arrayJS returns s as a JS array's elements.
func arrayJS[T any](s []T) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// float32Array copies d into a new Float32Array.
func float32Array(d []float32) js.Value {
	out := js.Global().Get("Float32Array").New(len(d))
	for i, v := range d {
		out.SetIndex(i, v)
	}
	return out
}

// rgbaJS returns img ([H,W,3] RGB 0..255) as RGBA pixels for JS.
func rgbaJS(img *tensor.Tensor) map[string]any {
	return map[string]any{"width": img.Shape[1], "height": img.Shape[0], "data": uint8ClampedJS(imageio.ToImage(img).Pix)}
}

// uint8ClampedJS copies b into a new Uint8ClampedArray.
func uint8ClampedJS(b []byte) js.Value {
	out := js.Global().Get("Uint8ClampedArray").New(len(b))
	js.CopyBytesToJS(out, b)
	return out
}
