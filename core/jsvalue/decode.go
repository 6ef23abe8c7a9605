//go:build js && wasm

package jsvalue

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"syscall/js"
)

// Decode reads v into what dst points to:
//
//   - string, bool: a string, a boolean
//   - the float kinds: a finite number; the signed integer kinds: a whole
//     number that fits
//   - []byte: a copy of a Uint8Array or Uint8ClampedArray
//   - other slices: an array or any array-like (a typed array), element by
//     element
//   - structs (see the package comment): an object, field by field
//   - a pointer: nil for null or undefined, else a new value decoded
//   - js.Value: v itself; a type given to Register: whatever its function
//     accepts
//
// An error names where in v the first bad value is ("box.height",
// "positions[2].y", "element 3" at the top of an array), what was
// expected and what was found. dst may have been partly written by then.
// Decoding into any other kind (unsigned integers, maps, …) panics: that
// is a programming error, not bad input.
func Decode(v js.Value, dst any) error {
	return decode(v, target(dst), path{})
}

// DecodeArgs reads a call's positional arguments into the fields of the
// struct dst points to: the first field takes args[0], and so on; a
// missing argument is undefined. Errors start with op, then the field's
// tag name when it has one ("enroll: name must be a string, found
// undefined"; "identify expects …" for an Unmarshaler field without a
// name).
func DecodeArgs(op string, args []js.Value, dst any) error {
	s := target(dst)
	if s.Kind() != reflect.Struct {
		panic(fmt.Sprintf("jsvalue: DecodeArgs into %s, want a pointer to a struct", s.Type()))
	}
	for i, f := range fieldsOf(s.Type()) {
		a := js.Undefined()
		if i < len(args) {
			a = args[i]
		}
		p := path{op: op}
		if f.named {
			p.name = f.name
		}
		if err := decodeField(a, s.FieldByIndex(f.index), p, f); err != nil {
			return err
		}
	}
	return nil
}

// target is the value dst points to.
func target(dst any) reflect.Value {
	v := reflect.ValueOf(dst)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		panic(fmt.Sprintf("jsvalue: decoding into %T, want a non-nil pointer", dst))
	}
	return v.Elem()
}

// path is where a value sits: the call it is an argument of (may be empty)
// and its name within it ("box.x", "positions[1]").
type path struct{ op, name string }

func (p path) String() string {
	switch {
	case p.op == "":
		return p.name
	case p.name == "":
		return p.op
	}
	return p.op + ": " + p.name
}

// child is the path of p's field name; flat leaves p's own name out.
func (p path) child(name string, flat bool) path {
	if !flat && p.name != "" {
		name = p.name + "." + name
	}
	return path{p.op, name}
}

// element is the path of p's element i.
func (p path) element(i int) path {
	if p.name == "" {
		return path{p.op, fmt.Sprint("element ", i)}
	}
	return path{p.op, fmt.Sprintf("%s[%d]", p.name, i)}
}

// decodeField is decode for a field with f's options.
func decodeField(v js.Value, dst reflect.Value, p path, f field) error {
	if v.IsUndefined() && f.omitempty {
		if !plainStruct(dst) {
			return nil // keeps dst's value
		}
		v = objectClass.New()
	}
	if f.flat {
		if v.Type() != js.TypeObject {
			return TypeError(p.String(), "an object", v)
		}
		return decodeStruct(v, dst, p, true)
	}
	return decode(v, dst, p)
}

// plainStruct reports whether dst is a struct decoded field by field (not
// a js.Value or a registered type).
func plainStruct(dst reflect.Value) bool {
	_, custom := decoders.Load(dst.Type())
	return dst.Kind() == reflect.Struct && dst.Type() != jsValueType && !custom
}

func decode(v js.Value, dst reflect.Value, p path) error {
	if read, ok := decoders.Load(dst.Type()); ok {
		return read.(func(js.Value, string, reflect.Value) error)(v, p.String(), dst)
	}
	if dst.Type() == jsValueType {
		dst.Set(reflect.ValueOf(v))
		return nil
	}
	switch dst.Kind() {
	case reflect.String:
		if v.Type() != js.TypeString {
			return TypeError(p.String(), "a string", v)
		}
		dst.SetString(v.String())
	case reflect.Bool:
		if v.Type() != js.TypeBoolean {
			return TypeError(p.String(), "a boolean", v)
		}
		dst.SetBool(v.Bool())
	case reflect.Float32, reflect.Float64:
		f, err := number(v, p)
		if err != nil {
			return err
		}
		dst.SetFloat(f)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		f, err := number(v, p)
		if err == nil && (f != math.Trunc(f) || dst.OverflowInt(int64(f)) || math.Abs(f) > 1<<53) {
			err = mismatch(p.String(), "a whole number", fmt.Sprint(f))
		}
		if err != nil {
			return err
		}
		dst.SetInt(int64(f))
	case reflect.Pointer:
		if v.IsNull() || v.IsUndefined() {
			dst.SetZero()
			return nil
		}
		e := reflect.New(dst.Type().Elem())
		if err := decode(v, e.Elem(), p); err != nil {
			return err
		}
		dst.Set(e)
	case reflect.Slice:
		return decodeSlice(v, dst, p)
	case reflect.Struct:
		return decodeStruct(v, dst, p, false)
	default:
		panic(fmt.Sprintf("jsvalue: cannot decode into %s", dst.Type()))
	}
	return nil
}

// number reads v as a finite number.
func number(v js.Value, p path) (float64, error) {
	if v.Type() != js.TypeNumber {
		return 0, TypeError(p.String(), "a number", v)
	}
	f := v.Float()
	if math.IsNaN(f) || math.IsInf(f, 0) {
		if p.String() == "" {
			return 0, fmt.Errorf("expected a finite number, found %v", f)
		}
		return 0, fmt.Errorf("%s must be finite, found %v", p, f)
	}
	return f, nil
}

func decodeSlice(v js.Value, dst reflect.Value, p path) error {
	if dst.Type().Elem().Kind() == reflect.Uint8 {
		if !v.InstanceOf(uint8ArrayClass) && !v.InstanceOf(clampedArrayClass) {
			return TypeError(p.String(), "a Uint8Array", v)
		}
		b := reflect.MakeSlice(dst.Type(), v.Length(), v.Length())
		js.CopyBytesToGo(b.Bytes(), v)
		dst.Set(b)
		return nil
	}
	if v.Type() != js.TypeObject || v.Get("length").Type() != js.TypeNumber {
		return TypeError(p.String(), "an array", v)
	}
	s := reflect.MakeSlice(dst.Type(), v.Length(), v.Length())
	for i := range s.Len() {
		if err := decode(v.Index(i), s.Index(i), p.element(i)); err != nil {
			return err
		}
	}
	dst.Set(s)
	return nil
}

// decodeStruct reads the object v field by field; flat as for a field.
func decodeStruct(v js.Value, dst reflect.Value, p path, flat bool) error {
	fields := fieldsOf(dst.Type())
	if v.Type() != js.TypeObject {
		names := make([]string, len(fields))
		for i, f := range fields {
			names[i] = f.name
		}
		return TypeError(p.String(), "{"+strings.Join(names, ", ")+"}", v)
	}
	for _, f := range fields {
		if err := decodeField(v.Get(f.name), dst.FieldByIndex(f.index), p.child(f.name, flat), f); err != nil {
			return err
		}
	}
	return nil
}
