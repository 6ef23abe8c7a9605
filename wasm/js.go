//go:build js && wasm

package main

import (
	"fmt"
	"syscall/js"

	"visage/core/imageio"
	"visage/core/jsvalue"
	"visage/core/tensor"
)

// This file holds the promise every call returns, with its result as
// jsvalue.Encode writes it, and the RGBA pixels results share; args.go
// holds the argument types.

// asyncFunc wraps fn as a JS function returning a Promise. fn runs on its own
// goroutine (a JS callback must not block); its result resolves the promise
// as jsvalue.Encode writes it, its error, or a panic, rejects the
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
				resolve.Invoke(jsvalue.Encode(v))
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

// pixels is RGBA pixels as the calls return them.
type pixels struct {
	Width  int                  `js:"width"`
	Height int                  `js:"height"`
	Data   jsvalue.ClampedBytes `js:"data"`
}

// pixelsOf is img ([H,W,3] RGB 0..255) as RGBA pixels.
func pixelsOf(img *tensor.Tensor) pixels {
	return pixels{img.Shape[1], img.Shape[0], imageio.ToImage(img).Pix}
}
