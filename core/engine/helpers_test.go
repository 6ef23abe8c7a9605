package engine

import (
	"reflect"
	"strings"
	"testing"

	"visage/core/tensor"
)

// call runs method m as wasm/ binds it: a new A over the defaults its
// Defaults method sets, then args, which stand for the JS arguments (each
// a func(*A) to apply, or else the value of A's next field in order), and
// A's Check before m runs.
func call[A, R any](m func(*A) (R, error), args ...any) (R, error) {
	in := new(A)
	if d, ok := any(in).(interface{ Defaults() }); ok {
		d.Defaults()
	}
	field := 0
	for _, a := range args {
		if set, ok := a.(func(*A)); ok {
			set(in)
			continue
		}
		reflect.ValueOf(in).Elem().Field(field).Set(reflect.ValueOf(a))
		field++
	}
	if c, ok := any(in).(interface{ Check() error }); ok {
		if err := c.Check(); err != nil {
			var none R
			return none, err
		}
	}
	return m(in)
}

// must is call, failing the test on an error.
func must[A, R any](t *testing.T, m func(*A) (R, error), args ...any) R {
	t.Helper()
	r, err := call(m, args...)
	if err != nil {
		t.Fatalf("%T: %v", new(A), err)
	}
	return r
}

// rejects checks that err, the result of what, says want.
func rejects(t *testing.T, what string, err error, want string) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("%s: error %v, want one containing %q", what, err, want)
	}
}

func near(a, b float64) bool { return a-b < 1e-6 && b-a < 1e-6 }

// rgb is a w×h image whose pixel i has the colour (7i, 255−3i, 11i) mod 256
// (255−3i below 0 clamped to 0, as a Uint8ClampedArray stores it), plus by
// (mod 256), so that images made with different by differ.
func rgb(w, h, by int) Image {
	img := tensor.New(h, w, 3)
	for i := range w * h {
		for c, v := range []int{(7 * i) % 256, max((255-3*i)%256, 0), (11 * i) % 256} {
			img.Data[3*i+c] = float32((v + by) % 256)
		}
	}
	return Image{img}
}
