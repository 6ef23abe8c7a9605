//go:build js && wasm

// These tests run under Node:
//
//	GOOS=js GOARCH=wasm go test -exec "$PWD/core/ops/testdata/go_js_wasm_simd_exec" ./core/jsvalue
package jsvalue

import (
	"errors"
	"math"
	"reflect"
	"syscall/js"
	"testing"
)

// jsonOf is JSON.stringify(v) (typed arrays become {"0": …} objects).
func jsonOf(v js.Value) string {
	return js.Global().Get("JSON").Call("stringify", v).String()
}

// parse is JSON.parse(s).
func parse(s string) js.Value {
	return js.Global().Get("JSON").Call("parse", s)
}

type point struct {
	X float64 `js:"x"`
	Y float64 `js:"y"`
}

type pixels struct {
	Width  int    `js:"width"`
	Height int    `js:"height"`
	Data   []byte `js:"data,clamped"`
}

type patch struct {
	pixels         // its fields are the patch's
	Image  string  `js:"image"`
	Value  float32 `js:"value"`
	Note   string  `js:"note,omitempty"`
	Head   *point  `js:"head,omitempty"`
	Name   *string `js:"name"`
	Score  float64 `js:"score,finite"`
	hidden int
	Skip   int `js:"-"`
	Plain  bool
}

func TestEncodeShapes(t *testing.T) {
	for _, c := range []struct {
		name string
		v    any
		json string
	}{
		{"nil", nil, "null"},
		{"numbers", []any{1, int8(-2), uint16(3), 0.5, float32(0.25)}, "[1,-2,3,0.5,0.25]"},
		{"string and bool", []any{"é\"", true}, `["é\"",true]`},
		{"nil slice", []point(nil), "[]"},
		{"nil pointer", (*point)(nil), "null"},
		{"map", map[string][]int{"a": {1, 2}}, `{"a":[1,2]}`},
		{"nested", [][]point{{{1, 2}}, {}}, `[[{"x":1,"y":2}],[]]`},
		{"array", [2]string{"a", "b"}, `["a","b"]`},
		{"embedded, omitempty, null, skipped", patch{pixels: pixels{Width: 1, Height: 1}, Image: "style", Value: 2, Plain: true, hidden: 3, Skip: 4},
			`{"width":1,"height":1,"data":{},"image":"style","value":2,"name":null,"score":0,"Plain":true}`},
		{"omitempty given", patch{Note: "n", Head: &point{3, 4}, Score: 0.5}, `{"width":0,"height":0,"data":{},"image":"","value":0,"note":"n","head":{"x":3,"y":4},"name":null,"score":0.5,"Plain":false}`},
		{"js.Value", []any{js.ValueOf("kept")}, `["kept"]`},
	} {
		if got := jsonOf(Encode(c.v)); got != c.json {
			t.Errorf("%s: Encode gives %s, want %s", c.name, got, c.json)
		}
	}
	// JSON.stringify would hide the difference: NaN written as a number
	// becomes null there too.
	for _, x := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if got := Encode(patch{Score: x}).Get("score"); !got.IsNull() {
			t.Errorf("a finite field holding %v is written as %v, want null", x, got)
		}
		if got := Encode(point{X: x}).Get("x"); got.Type() != js.TypeNumber || got.Float() == 0 {
			t.Errorf("a plain field holding %v is written as %v, want the number", x, got)
		}
	}
}

// TestEncodeTypedArrays: the byte and float32 slices become typed arrays
// holding exactly their values.
func TestEncodeTypedArrays(t *testing.T) {
	floats := []float32{0, -1.5, 3.1415927, math.MaxFloat32, float32(math.Inf(-1)), 1e-45}
	for _, c := range []struct {
		v     any
		class string
		want  []float64
	}{
		{[]byte{0, 7, 255}, "[object Uint8Array]", []float64{0, 7, 255}},
		{floats, "[object Float32Array]", []float64{0, -1.5, float64(float32(3.1415927)), math.MaxFloat32, math.Inf(-1), float64(float32(1e-45))}},
		{[]float32{}, "[object Float32Array]", nil},
		{[]float64{0.1}, "[object Array]", []float64{0.1}},
	} {
		got := Encode(c.v)
		if d := Describe(got); d != c.class || got.Length() != len(c.want) {
			t.Errorf("Encode(%v) is a %s of %d, want a %s of %d", c.v, d, got.Length(), c.class, len(c.want))
			continue
		}
		for i, w := range c.want {
			if g := got.Index(i).Float(); g != w {
				t.Errorf("Encode(%v)[%d] = %v, want %v", c.v, i, g, w)
			}
		}
	}
	// A clamped field, here inside an embedded struct, is a Uint8ClampedArray.
	data := Encode(patch{pixels: pixels{Data: []byte{255, 1}}}).Get("data")
	if d := Describe(data); d != "[object Uint8ClampedArray]" || data.Length() != 2 || data.Index(0).Int() != 255 {
		t.Errorf("a clamped field is written as a %s of %d, want a Uint8ClampedArray [255, 1]", d, data.Length())
	}
}

func TestEncodePanicsOnAChannel(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Encode(chan int) did not panic")
		}
	}()
	Encode(make(chan int))
}

type box struct {
	X             float64 `js:"x"`
	Y             float64 `js:"y"`
	Width, Height float64
}

type options struct {
	Fast  bool    `js:"fast,omitempty"`
	Score float64 `js:"score,omitempty"`
	Layer string  `js:"layer"`
}

type args struct {
	Name  string   `js:"name"`
	Box   box      `js:"box"`
	Items []int    `js:"items,omitempty"`
	Raw   js.Value `js:"raw,omitempty"`
	Opts  options  `js:"options,flat,omitempty"`
}

func TestDecodeArgs(t *testing.T) {
	got := args{Opts: options{Fast: true, Score: 0.5}, Items: []int{9}}
	b := parse(`{"x": 1, "y": 2, "Width": 3, "Height": 4.5}`)
	err := DecodeArgs("call", []js.Value{js.ValueOf("Ada"), b, js.Undefined(), js.ValueOf(7), parse(`{"layer": "conv1_1", "score": 0.25}`)}, &got)
	want := args{Name: "Ada", Box: box{X: 1, Y: 2, Width: 3, Height: 4.5}, Items: []int{9}, Raw: js.ValueOf(7),
		Opts: options{Fast: true, Score: 0.25, Layer: "conv1_1"}}
	if err != nil || got.Name != want.Name || got.Box != want.Box || !reflect.DeepEqual(got.Items, want.Items) || got.Raw.Int() != 7 || got.Opts != want.Opts {
		t.Errorf("DecodeArgs = %+v, %v; want %+v", got, err, want)
	}
}

func TestDecodeArgsErrors(t *testing.T) {
	okBox := parse(`{"x": 0, "y": 0, "Width": 1, "Height": 1}`)
	for _, c := range []struct {
		name string
		args []js.Value
		want string
	}{
		{"no name", nil, "call: name must be a string, found undefined"},
		{"no box", []js.Value{js.ValueOf("a")}, "call: box must be {x, y, Width, Height}, found undefined"},
		{"box field", []js.Value{js.ValueOf("a"), parse(`{"x": 0, "y": 0, "Width": "1"}`)}, "call: box.Width must be a number, found string"},
		{"infinite", []js.Value{js.ValueOf("a"), js.ValueOf(map[string]any{"x": math.Inf(1)})}, "call: box.x must be finite, found +Inf"},
		{"element", []js.Value{js.ValueOf("a"), okBox, parse(`[1, 2.5]`)}, "call: items[1] must be a whole number, found 2.5"},
		{"not an array", []js.Value{js.ValueOf("a"), okBox, js.ValueOf(true)}, "call: items must be an array, found boolean"},
		{"options", []js.Value{js.ValueOf("a"), okBox, js.Undefined(), js.Undefined(), js.ValueOf(7)}, "call: options must be an object, found number"},
		{"required option", []js.Value{js.ValueOf("a"), okBox}, "call: layer must be a string, found undefined"},
		{"optional option", []js.Value{js.ValueOf("a"), okBox, js.Undefined(), js.Undefined(), parse(`{"layer": "l", "fast": 1}`)}, "call: fast must be a boolean, found number"},
		{"null", []js.Value{js.Null()}, "call: name must be a string, found null"},
	} {
		var a args
		if err := DecodeArgs("call", c.args, &a); err == nil || err.Error() != c.want {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
}

func TestDecode(t *testing.T) {
	var b []byte
	u8 := js.Global().Get("Uint8ClampedArray").New(3)
	u8.SetIndex(2, 200)
	if err := Decode(u8, &b); err != nil || !reflect.DeepEqual(b, []byte{0, 0, 200}) {
		t.Errorf("Decode(Uint8ClampedArray) = %v, %v", b, err)
	}
	var fs []float32
	f32 := js.Global().Get("Float32Array").New(2)
	f32.SetIndex(1, -0.5)
	if err := Decode(f32, &fs); err != nil || !reflect.DeepEqual(fs, []float32{0, -0.5}) {
		t.Errorf("Decode(Float32Array) = %v, %v", fs, err)
	}
	var name *string
	if err := Decode(js.Null(), &name); err != nil || name != nil {
		t.Errorf("Decode(null) into a *string = %v, %v; want nil", name, err)
	}
	if err := Decode(js.ValueOf("Ada"), &name); err != nil || name == nil || *name != "Ada" {
		t.Errorf("Decode(\"Ada\") into a *string = %v, %v", name, err)
	}
	var pts []point
	if err := Decode(parse(`[{"x": 1, "y": 2}, {"x": 3, "y": 4}]`), &pts); err != nil || !reflect.DeepEqual(pts, []point{{1, 2}, {3, 4}}) {
		t.Errorf("Decode of points = %v, %v", pts, err)
	}
	for _, c := range []struct {
		v    js.Value
		dst  any
		want string
	}{
		{js.ValueOf("x"), &b, "expected a Uint8Array, found string"},
		{parse(`[1, "2"]`), &fs, "element 1 must be a number, found string"},
		{parse(`[1, null]`), &fs, "element 1 must be a number, found null"},
		{js.ValueOf([]any{math.NaN()}), &fs, "element 0 must be finite, found NaN"},
		{parse(`[{"x": 1}]`), &pts, "element 0.y must be a number, found undefined"},
		{js.ValueOf(math.NaN()), new(float64), "expected a finite number, found NaN"},
		{js.ValueOf(1e300), new(int32), "expected a whole number, found 1e+300"},
		{js.ValueOf(3), new(string), "expected a string, found number"},
		{js.ValueOf(3), new(*string), "expected a string, found number"},
		{js.ValueOf(true), new(point), "expected {x, y}, found boolean"},
	} {
		if err := Decode(c.v, c.dst); err == nil || err.Error() != c.want {
			t.Errorf("Decode(%s) into %T: error %v, want %q", jsonOf(c.v), c.dst, err, c.want)
		}
	}
}

// even decodes an even number, saying where a bad one was.
type even int

var errOdd = errors.New("odd")

func init() {
	Register(func(v js.Value, path string) (even, error) {
		if v.Type() != js.TypeNumber || v.Int()%2 != 0 {
			return 0, errors.Join(errOdd, errors.New(path))
		}
		return even(v.Int()), nil
	})
}

func TestDecodeRegistered(t *testing.T) {
	var in struct {
		Plain even   `js:""`
		Named []even `js:"evens"`
	}
	if err := DecodeArgs("op", []js.Value{js.ValueOf(2), parse(`[4, 6]`)}, &in); err != nil || in.Plain != 2 || !reflect.DeepEqual(in.Named, []even{4, 6}) {
		t.Errorf("DecodeArgs = %+v, %v", in, err)
	}
	for _, c := range []struct {
		args []js.Value
		path string
	}{
		{[]js.Value{js.ValueOf(3)}, "op"},
		{[]js.Value{js.ValueOf(2), parse(`[4, 5]`)}, "op: evens[1]"},
	} {
		err := DecodeArgs("op", c.args, &in)
		if !errors.Is(err, errOdd) || err.Error() != "odd\n"+c.path {
			t.Errorf("DecodeArgs(%v): error %v, want errOdd at %q", c.args, err, c.path)
		}
	}
}

func TestDescribe(t *testing.T) {
	for _, c := range []struct {
		v    js.Value
		want string
	}{
		{js.Undefined(), "undefined"}, {js.Null(), "null"}, {js.ValueOf(1), "number"},
		{parse(`[]`), "[object Array]"}, {js.Global().Get("Uint8Array").New(1), "[object Uint8Array]"},
	} {
		if got := Describe(c.v); got != c.want {
			t.Errorf("Describe = %q, want %q", got, c.want)
		}
	}
}

type switches struct {
	On bool `js:"on,omitempty"`
}

// TestDecodeArgsEmbeddedWithAName: an embedded struct with a name is an
// argument of its own (its fields promoted in Go), even of an unexported
// type.
func TestDecodeArgsEmbeddedWithAName(t *testing.T) {
	var in struct {
		switches `js:"options,flat,omitempty"`
	}
	if err := DecodeArgs("op", []js.Value{parse(`{"on": true}`)}, &in); err != nil || !in.On {
		t.Errorf("DecodeArgs = %+v, %v; want on", in, err)
	}
	if err := DecodeArgs("op", []js.Value{parse(`{"on": 1}`)}, &in); err == nil || err.Error() != "op: on must be a boolean, found number" {
		t.Errorf("DecodeArgs({on: 1}): error %v", err)
	}
}

// face is the shape of one face of the API's detect: a box, a score, 68
// points and a descriptor.
type face struct {
	Box        box       `js:"box"`
	Score      float64   `js:"score"`
	Landmarks  []point   `js:"landmarks"`
	Descriptor []float32 `js:"descriptor"`
}

func BenchmarkEncodeFaces(b *testing.B) {
	faces := make([]face, 4)
	for i := range faces {
		faces[i] = face{Box: box{1, 2, 3, 4}, Score: 0.9, Landmarks: make([]point, 68), Descriptor: make([]float32, 128)}
	}
	for b.Loop() {
		Encode(faces)
	}
}

func BenchmarkDecodeArgs(b *testing.B) {
	in := []js.Value{js.ValueOf("Ada"), parse(`{"x": 1, "y": 2, "Width": 3, "Height": 4}`), parse(`[1, 2, 3]`), js.Undefined(), parse(`{"layer": "conv1_1", "fast": true}`)}
	for b.Loop() {
		var a args
		if err := DecodeArgs("call", in, &a); err != nil {
			b.Fatal(err)
		}
	}
}
