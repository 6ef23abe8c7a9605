//go:build js && wasm

package webvault

import (
	"errors"
	"fmt"
	"syscall/js"

	"github.com/gowebapi/webapi/javascript"

	"visage/core/jsawait"
)

// await is jsawait.Await with this package's errors.
func await(p *javascript.Promise) (js.Value, error) { return jsawait.Await(p, jsError) }

// promise views any promise binding (PromiseCryptoKey, PromiseArrayBuffer…)
// as a javascript.Promise.
func promise(p interface{ JSValue() js.Value }) *javascript.Promise {
	return javascript.PromiseFromJS(p.JSValue())
}

// domError is a JS exception (a DOMException, an Error) as a Go error: its
// name (OperationError, ConstraintError…) and message.
type domError struct{ name, message string }

func (e *domError) Error() string {
	if e.message == "" {
		return e.name
	}
	return e.name + ": " + e.message
}

// jsError converts a JS exception to a *domError (or a plain error for a
// value that is not an object).
func jsError(v js.Value) error {
	if v.Type() != js.TypeObject {
		return fmt.Errorf("%v", v)
	}
	name, msg := v.Get("name"), v.Get("message")
	e := &domError{name: "Error"}
	if name.Type() == js.TypeString {
		e.name = name.String()
	}
	if msg.Type() == js.TypeString {
		e.message = msg.String()
	}
	return e
}

// isDOMError reports whether err is a JS exception called name.
func isDOMError(err error, name string) bool {
	var d *domError
	return errors.As(err, &d) && d.name == name
}

// bytesJS copies b into a new Uint8Array.
func bytesJS(b []byte) js.Value {
	u := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(u, b)
	return u
}

// bytesGo copies a Uint8Array or an ArrayBuffer into Go.
func bytesGo(v js.Value) ([]byte, error) {
	if v.Type() != js.TypeObject {
		return nil, fmt.Errorf("expected bytes, found %s", v.Type())
	}
	if v.InstanceOf(js.Global().Get("ArrayBuffer")) {
		v = js.Global().Get("Uint8Array").New(v)
	}
	if !v.InstanceOf(js.Global().Get("Uint8Array")) && !v.InstanceOf(js.Global().Get("Uint8ClampedArray")) {
		return nil, fmt.Errorf("expected a Uint8Array, found %s", js.Global().Get("Object").Get("prototype").Get("toString").Call("call", v).String())
	}
	b := make([]byte, v.Length())
	js.CopyBytesToGo(b, v)
	return b, nil
}
