//go:build js && wasm

// Package jsawait waits for JavaScript promises from Go, for the packages
// that use gowebapi/webapi's promise bindings (webfetch, webvault).
package jsawait

import (
	"syscall/js"

	"github.com/gowebapi/webapi/javascript"
)

// Await blocks the calling goroutine (never a JS callback's: that would stop
// the event loop the promise needs) until p settles, and returns its value,
// or the error rejected makes of its rejection reason.
func Await(p *javascript.Promise, rejected func(reason js.Value) error) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1)
	ok := javascript.PromiseOnFulfilledToJS(func(v js.Value) { ch <- result{v: v} })
	fail := javascript.PromiseOnRejectedToJS(func(reason js.Value) { ch <- result{err: rejected(reason)} })
	defer js.Func(*ok).Release()
	defer js.Func(*fail).Release()
	p.Then(ok, fail)
	r := <-ch
	return r.v, r.err
}
