//go:build js && wasm

package jsvalue

import (
	"fmt"
	"math"
	"reflect"
	"syscall/js"
	"unsafe"
)

var jsValueType = reflect.TypeFor[js.Value]()

// The JS constructors Encode and Decode use, looked up once (as syscall/js
// does for its own).
var (
	objectClass       = js.Global().Get("Object")
	arrayClass        = js.Global().Get("Array")
	float32ArrayClass = js.Global().Get("Float32Array")
	uint8ArrayClass   = js.Global().Get("Uint8Array")
	clampedArrayClass = js.Global().Get("Uint8ClampedArray")
)

// Encode returns v as a new JS value:
//
//   - nil, a nil pointer, interface or map: null
//   - bool, string, and the integer and float kinds: boolean, string, number
//   - []float32: a Float32Array; []byte: a Uint8Array, or a
//     Uint8ClampedArray in a clamped field (all copies)
//   - other slices and arrays: an Array (a nil slice is an empty one)
//   - maps with string keys, structs (see the package comment): objects
//   - a pointer: what it points to; a js.Value or js.Func: itself
//
// It panics on any other kind (channels, functions, complex numbers):
// those are programming errors, not input.
func Encode(v any) js.Value {
	if v == nil {
		return js.Null()
	}
	return encode(reflect.ValueOf(v))
}

func encode(v reflect.Value) js.Value {
	switch v.Type() {
	case jsValueType:
		return v.Interface().(js.Value)
	case reflect.TypeFor[js.Func]():
		return v.Interface().(js.Func).Value
	}
	switch v.Kind() {
	case reflect.Bool:
		return js.ValueOf(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return js.ValueOf(float64(v.Int()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return js.ValueOf(float64(v.Uint()))
	case reflect.Float32, reflect.Float64:
		return js.ValueOf(v.Float())
	case reflect.String:
		return js.ValueOf(v.String())
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return js.Null()
		}
		return encode(v.Elem())
	case reflect.Slice, reflect.Array:
		return encodeList(v)
	case reflect.Map:
		if v.IsNil() {
			return js.Null()
		}
		if v.Type().Key().Kind() != reflect.String {
			panic(fmt.Sprintf("jsvalue: cannot encode %s: its keys are not strings", v.Type()))
		}
		o := objectClass.New()
		for it := v.MapRange(); it.Next(); {
			o.Set(it.Key().String(), encode(it.Value()))
		}
		return o
	case reflect.Struct:
		o := objectClass.New()
		for _, f := range fieldsOf(v.Type()) {
			fv := v.FieldByIndex(f.index)
			switch {
			case f.omitempty && fv.IsZero():
			case f.finite && (math.IsNaN(fv.Float()) || math.IsInf(fv.Float(), 0)):
				o.Set(f.name, js.Null())
			case f.clamped:
				o.Set(f.name, copied(clampedArrayClass, fv.Bytes()))
			default:
				o.Set(f.name, encode(fv))
			}
		}
		return o
	}
	panic(fmt.Sprintf("jsvalue: cannot encode %s", v.Type()))
}

// encodeList is Encode of a slice or an array.
func encodeList(v reflect.Value) js.Value {
	switch v.Type().Elem().Kind() {
	case reflect.Uint8:
		if v.Kind() == reflect.Slice {
			return copied(uint8ArrayClass, v.Bytes())
		}
	case reflect.Float32:
		if v.Kind() == reflect.Slice {
			a := float32ArrayClass.New(v.Len())
			if v.Len() > 0 { // its bytes, as WebAssembly and JS lay them out (little-endian)
				b := unsafe.Slice((*byte)(v.UnsafePointer()), 4*v.Len())
				js.CopyBytesToJS(uint8ArrayClass.New(a.Get("buffer")), b)
			}
			return a
		}
	}
	a := arrayClass.New(v.Len())
	for i := range v.Len() {
		a.SetIndex(i, encode(v.Index(i)))
	}
	return a
}

// copied returns a new typed array of class (Uint8Array, Uint8ClampedArray)
// holding a copy of b.
func copied(class js.Value, b []byte) js.Value {
	a := class.New(len(b))
	js.CopyBytesToJS(a, b)
	return a
}
