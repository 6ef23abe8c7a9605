//go:build js && wasm

// Package jsvalue converts between JavaScript values (syscall/js) and Go
// values, as encoding/json does between JSON and Go: Encode writes a Go
// value as a JS one, Decode and DecodeArgs read JS values into Go ones,
// with errors that name the value's path, what was expected and what was
// found.
//
// Struct fields are named by their js tag (`js:"name,omitempty"`), or by
// the field's name when the tag gives none; `js:"-"` skips a field, and
// an embedded struct without a name has its fields read and written as
// the outer struct's (one with a name is a field like any other, even of
// an unexported type). The options:
//
//   - omitempty: Encode leaves the field out when it holds its type's zero
//     value; Decode accepts undefined for it and then keeps what dst held
//     (a struct reads undefined as {}, so that its own fields without
//     omitempty are still required).
//   - finite (Encode): a float field is written as null unless it is a
//     finite number (JSON.stringify writes NaN and ±Infinity so too).
//   - flat (Decode): the field is an options object whose fields are named
//     alone in errors ("detect: fast", not "detect: options.fast"), and
//     which is described as "an object" where another struct is described
//     by its fields ("{x, y, width, height}").
//   - clamped (Encode): a []byte field is written as a Uint8ClampedArray
//     (canvas pixels) where a []byte becomes a Uint8Array.
//
// Types that cannot know syscall/js (those of packages that build
// natively) get their JS form from Register.
package jsvalue

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"syscall/js"
)

// decoders holds Register's functions: reflect.Type → func(js.Value,
// string, reflect.Value) error.
var decoders sync.Map

// Register makes Decode read every T with read, which is handed the JS
// value and its path (for its errors: "detect", "artImages: style") and
// whose error Decode returns as it is. It is for a type whose package
// builds natively and so cannot import syscall/js: the program that
// serves JS says what its JS form is. Register before decoding.
func Register[T any](read func(v js.Value, path string) (T, error)) {
	decoders.Store(reflect.TypeFor[T](), func(v js.Value, path string, dst reflect.Value) error {
		x, err := read(v, path)
		if err == nil {
			dst.Set(reflect.ValueOf(&x).Elem())
		}
		return err
	})
}

// Describe names the JS type of v for error messages: "undefined",
// "number", … and, for an object, its class as Object.prototype.toString
// gives it ("[object Array]").
func Describe(v js.Value) string {
	if v.Type() == js.TypeObject {
		return js.Global().Get("Object").Get("prototype").Get("toString").Call("call", v).String()
	}
	return v.Type().String()
}

// TypeError is the error of a value at path that is not what was wanted:
// "path must be want, found <Describe(found)>", or "expected want, found
// …" when path is empty.
func TypeError(path, want string, found js.Value) error {
	return mismatch(path, want, Describe(found))
}

// mismatch is TypeError of what was found, in words.
func mismatch(path, want, found string) error {
	if path == "" {
		return fmt.Errorf("expected %s, found %s", want, found)
	}
	return fmt.Errorf("%s must be %s, found %s", path, want, found)
}

// field is one field of a struct as the codec sees it.
type field struct {
	index     []int // reflect.Value.FieldByIndex's
	name      string
	named     bool // the tag gave the name
	omitempty bool
	finite    bool
	flat      bool
	clamped   bool
}

// fieldCache holds fieldsOf's answers, as encoding/json keeps its own:
// reflect.Type → []field.
var fieldCache sync.Map

// fieldsOf returns t's fields (t a struct type) in order, with the fields
// of embedded structs without a name in their place.
func fieldsOf(t reflect.Type) []field {
	if f, ok := fieldCache.Load(t); ok {
		return f.([]field)
	}
	f, _ := fieldCache.LoadOrStore(t, structFields(t))
	return f.([]field)
}

// structFields is fieldsOf, worked out.
func structFields(t reflect.Type) []field {
	var out []field
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("js")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if sf.Anonymous && name == "" && sf.Type.Kind() == reflect.Struct {
			for _, f := range structFields(sf.Type) {
				f.index = append([]int{i}, f.index...)
				out = append(out, f)
			}
			continue
		}
		if !sf.IsExported() && !(sf.Anonymous && name != "") {
			continue // an embedded struct with a name is a field of its own
		}
		f := field{index: []int{i}, name: name, named: name != ""}
		if !f.named {
			f.name = sf.Name
		}
		for _, o := range strings.Split(opts, ",") {
			f.omitempty = f.omitempty || o == "omitempty"
			f.finite = f.finite || o == "finite"
			f.flat = f.flat || o == "flat"
			f.clamped = f.clamped || o == "clamped"
		}
		out = append(out, f)
	}
	return out
}
