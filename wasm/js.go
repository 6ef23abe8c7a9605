//go:build js && wasm

package main

import (
	"fmt"
	"syscall/js"

	"visage/core/jsvalue"
)

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
