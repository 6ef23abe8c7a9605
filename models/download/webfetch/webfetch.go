//go:build js && wasm

// Package webfetch is download.Source over the fetch of the worker the Go
// program runs in, through gowebapi/webapi's typed bindings
// (worker.WorkerGlobalScope.Fetch, fetch.Response, url.URL), reading each
// body as a stream so that download can count and bound its bytes as they
// arrive. Where a binding lacks something, syscall/js is used beside it, and
// the code says so.
package webfetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"syscall/js"

	"github.com/gowebapi/webapi/fetch"
	"github.com/gowebapi/webapi/html/worker"
	"github.com/gowebapi/webapi/javascript"
	"github.com/gowebapi/webapi/patch"
	"github.com/gowebapi/webapi/url"

	"visage/core/jsawait"
	"visage/models/download"
)

// Source fetches files from the folder at Base, an absolute URL.
type Source struct {
	Base string
}

// Open fetches Base+name and returns a reader of its body and the length
// the server declared (see download.Source). A JS exception on the way (a
// URL that does not parse) is an error, not a panic: Open runs on
// download's goroutines, where a panic would end the Go program.
func (s *Source) Open(ctx context.Context, name string) (body io.ReadCloser, declared int64, err error) {
	defer func() {
		if r := recover(); r != nil {
			body, declared, err = nil, 0, fmt.Errorf("could not fetch %s from %s: %v", name, s.Base, r)
		}
	}()
	href := url.NewURL(name, &s.Base).Href()
	// No RequestInit: its binding's JSValue sets every member, mode
	// 'navigate' and method null among them, which fetch rejects; a
	// cancelled download cancels the body's stream instead (Read, Close).
	scope := worker.WorkerGlobalScopeFromJS(js.Global())
	res, err := awaitResponse(scope.Fetch(&worker.Union{Value: js.ValueOf(href)}, nil))
	if err != nil {
		return nil, 0, fmt.Errorf("could not fetch %s: %w", href, err)
	}
	if !res.Ok() {
		err := fmt.Errorf("could not fetch %s: HTTP %d", href, res.Status())
		if res.Status() == 404 || res.Status() == 410 {
			err = fmt.Errorf("%w: %w", err, download.ErrNotFound)
		}
		if b := res.Body(); b != nil {
			b.JSValue().Call("cancel") // patch.ReadableStream is an opaque binding: syscall/js
		}
		return nil, 0, err
	}
	stream := res.Body()
	if stream == nil {
		return nil, 0, fmt.Errorf("could not fetch %s: the response has no body", href)
	}
	// patch.ReadableStream has no methods in webapi: its reader is used
	// through syscall/js.
	reader := stream.JSValue().Call("getReader")
	return &bodyReader{ctx: ctx, reader: reader}, declaredLength(res), nil
}

// declaredLength is the response's Content-Length, or -1 when there is none
// or it may count other bytes than the body's: a content-encoded response
// (Content-Length counts the compressed bytes), or a cross-origin one, whose
// Content-Encoding the browser hides.
func declaredLength(res *fetch.Response) int64 {
	header := func(name string) (string, bool) {
		v := res.Headers().Get(patch.ByteStringFromJS(js.ValueOf(name)))
		if v == nil {
			return "", false
		}
		return v.JSValue().String(), true
	}
	if t := res.Type(); t != fetch.BasicResponseType && t != fetch.DefaultResponseType {
		return -1
	}
	if enc, ok := header("Content-Encoding"); ok && !strings.EqualFold(strings.TrimSpace(enc), "identity") {
		return -1
	}
	v, ok := header("Content-Length")
	if !ok {
		return -1
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n < 0 {
		return -1
	}
	return n
}

// bodyReader reads a ReadableStreamDefaultReader's Uint8Array chunks.
type bodyReader struct {
	ctx    context.Context
	reader js.Value
	chunk  js.Value // the part being read, a Uint8Array
	off    int      // bytes of chunk already read
	done   bool
}

func (b *bodyReader) Read(p []byte) (int, error) {
	for b.chunk.IsUndefined() || b.off == b.chunk.Length() {
		if b.done {
			return 0, io.EOF
		}
		if err := b.ctx.Err(); err != nil {
			b.Close()
			return 0, err
		}
		stop := context.AfterFunc(b.ctx, func() { b.reader.Call("cancel") })
		r, err := await(javascript.PromiseFromJS(b.reader.Call("read")))
		stop()
		if err != nil {
			b.done = true
			return 0, err
		}
		if err := b.ctx.Err(); err != nil { // a cancelled read ends as if the body had
			b.done = true
			return 0, err
		}
		if r.Get("done").Bool() {
			b.done = true
			return 0, io.EOF
		}
		b.chunk, b.off = r.Get("value"), 0
	}
	n := min(len(p), b.chunk.Length()-b.off)
	js.CopyBytesToGo(p[:n], b.chunk.Call("subarray", b.off, b.off+n))
	b.off += n
	return n, nil
}

// Close cancels the stream when it was not read to its end.
func (b *bodyReader) Close() error {
	if !b.done {
		b.done = true
		b.reader.Call("cancel")
	}
	return nil
}

// awaitResponse blocks the calling goroutine (never a JS callback's) until
// p settles.
func awaitResponse(p *fetch.PromiseResponse) (*fetch.Response, error) {
	type result struct {
		res *fetch.Response
		err error
	}
	ch := make(chan result, 1)
	ok := fetch.PromiseResponseOnFulfilledToJS(func(r *fetch.Response) { ch <- result{res: r} })
	fail := fetch.PromiseResponseOnRejectedToJS(func(reason js.Value) { ch <- result{err: jsError(reason)} })
	defer js.Func(*ok).Release()
	defer js.Func(*fail).Release()
	p.Then(ok, fail)
	r := <-ch
	return r.res, r.err
}

// await is jsawait.Await with this package's errors.
func await(p *javascript.Promise) (js.Value, error) { return jsawait.Await(p, jsError) }

// jsError is a JS exception's "Name: message" as an error.
func jsError(v js.Value) error {
	if v.Type() != js.TypeObject {
		return fmt.Errorf("%v", v)
	}
	name, msg := v.Get("name"), v.Get("message")
	if name.Type() == js.TypeString && msg.Type() == js.TypeString {
		return errors.New(name.String() + ": " + msg.String())
	}
	return errors.New(v.Call("toString").String())
}
