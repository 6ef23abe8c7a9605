package signals

import (
	"math"
	"slices"
	"strings"
	"testing"

	"visage/core/tensor"
)

// TestConv1DByHand filters a ramp and a step whose outputs are known: the
// moving average of a ramp is the ramp's middle value, the derivative of a
// ramp of slope 2 is 2, the QRS filter (zero mean) ignores a constant.
func TestConv1DByHand(t *testing.T) {
	ramp := make([]float32, 20)
	for i := range ramp {
		ramp[i] = 2 * float32(i)
	}
	y, err := Conv1D(ramp, Bank1D())
	if err != nil {
		t.Fatal(err)
	}
	if y.Shape[0] != 12 || y.Shape[1] != 3 {
		t.Fatalf("shape %v, want [20−9+1, 3] = [12 3]", y.Shape)
	}
	for i := range 12 {
		if avg, d := y.At(i, 0), y.At(i, 1); math.Abs(float64(avg)-2*float64(i+4)) > 1e-5 || math.Abs(float64(d)-2) > 1e-6 {
			t.Errorf("at %d: average %v (want %v), derivative %v (want 2)", i, avg, 2*(i+4), d)
		}
	}
	flat := make([]float32, 12)
	for i := range flat {
		flat[i] = 5
	}
	if y, _ := Conv1D(flat, Bank1D()); math.Abs(float64(y.At(0, 2))) > 1e-5 {
		t.Errorf("the QRS filter answers %v to a constant, want 0", y.At(0, 2))
	}
	if _, err := Conv1D(flat[:5], Bank1D()); err == nil {
		t.Error("a 5-sample signal through 9-tap kernels: no error")
	}
}

// TestQRSFilterFindsBeats: on the made-up ECG the matched filter's peaks
// fall on the beats, one a period apart.
func TestQRSFilterFindsBeats(t *testing.T) {
	const rate, period = 250.0, 0.8
	sig := Heartbeat(1000, rate, period) // 4 s, 5 beats
	y, err := Conv1D(sig, Bank1D())
	if err != nil {
		t.Fatal(err)
	}
	var peaks []int
	for i := 1; i < y.Shape[0]-1; i++ {
		v := y.At(i, 2)
		if v > 0.5 && v >= y.At(i-1, 2) && v > y.At(i+1, 2) {
			peaks = append(peaks, i+4) // output i is centred on sample i+4
		}
	}
	if len(peaks) != 5 {
		t.Fatalf("QRS peaks at %v, want 5", peaks)
	}
	for i, p := range peaks {
		want := (float64(i)*period + 0.38*period) * rate // the R wave
		if math.Abs(float64(p)-want) > 3 {
			t.Errorf("beat %d at sample %d, want about %.0f", i, p, want)
		}
	}
}

// TestMotionEnergy: a still scene has no motion energy; a bright square
// moving right lights the energy map only along its path, and the edge
// filters answer the square's edges with the sign of the step.
func TestMotionEnergy(t *testing.T) {
	const T, H, W = 6, 12, 20
	still := tensor.New(T, H, W, 1)
	moving := tensor.New(T, H, W, 1)
	for f := range T {
		for y := range H {
			for x := range W {
				still.Data[(f*H+y)*W+x] = float32(x%5) / 5
				if y >= 4 && y < 8 && x >= 2+2*f && x < 6+2*f { // a 4×4 square, 2 px a frame
					moving.Data[(f*H+y)*W+x] = 1
				}
			}
		}
	}
	_, e, err := MotionEnergy(still)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range e.Data {
		if v != 0 {
			t.Fatalf("a still scene has motion energy %v", v)
		}
	}
	resp, e, err := MotionEnergy(moving)
	if err != nil {
		t.Fatal(err)
	}
	if s := resp.Shape; s[0] != T-2 || s[1] != H-2 || s[2] != W-2 || s[3] != 4 {
		t.Fatalf("responses %v, want [%d %d %d 4]", s, T-2, H-2, W-2)
	}
	for y := range H - 2 {
		for x := range W - 2 {
			v := e.At(y, x)
			// Output (y, x) sees input rows y..y+2: the path covers rows 4..7.
			onPath := y+2 >= 4 && y <= 7
			if !onPath && v != 0 || onPath && x >= 2 && x <= 13 && y >= 3 && y <= 4 && v == 0 {
				t.Errorf("energy at (%d,%d) = %v (on the path: %v)", y, x, v, onPath)
			}
		}
	}
	// The square's left edge at frame 1 (columns 4..7): d/dx is positive
	// just left of column 4 (dark to bright), negative at its right edge.
	if l, r := resp.At(0, 4, 2, 2), resp.At(0, 4, 6, 2); !(l > 0 && r < 0) {
		t.Errorf("d/dx at the square's left and right edges: %v, %v; want positive, negative", l, r)
	}
	if _, _, err := MotionEnergy(tensor.New(2, 5, 5, 1)); err == nil {
		t.Error("two frames: no error")
	}
}

// TestVolumeByHand: three 4×6 frames of one colour each become the luma
// (0.299, 0.587, 0.114 of R, G, B over 255) at 2×3 (area-averaged down to
// a longer side of 3), and a checkerboard averages to its mean; frames of
// different sizes, too few frames and a frame that is not RGB are errors.
func TestVolumeByHand(t *testing.T) {
	colours := [][3]float32{{255, 0, 0}, {0, 255, 0}, {10, 20, 30}}
	var frames []*tensor.Tensor
	for _, c := range colours {
		f := tensor.New(4, 6, 3)
		for i := range f.Data {
			f.Data[i] = c[i%3]
		}
		frames = append(frames, f)
	}
	vol, err := Volume(frames, 3)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{3, 2, 3, 1}; !tensor.SameShape(vol, tensor.New(want...)) {
		t.Fatalf("shape %v, want %v", vol.Shape, want)
	}
	for i, want := range []float64{0.299, 0.587, (0.299*10 + 0.587*20 + 0.114*30) / 255} {
		for j := range 6 {
			if got := vol.Data[i*6+j]; math.Abs(float64(got)-want) > 1e-6 {
				t.Errorf("frame %d pixel %d: %v, want %v", i, j, got, want)
			}
		}
	}
	board := tensor.New(4, 6, 3)
	for y := range 4 {
		for x := range 6 {
			for c := range 3 {
				board.Set(float32(255*((x+y)%2)), y, x, c)
			}
		}
	}
	if vol, err := Volume([]*tensor.Tensor{board, board, board}, 3); err != nil || math.Abs(float64(vol.Data[0])-0.5) > 1e-6 {
		t.Errorf("a checkerboard at half size: %v, %v; want 0.5", vol, err)
	}
	for _, tc := range []struct {
		frames []*tensor.Tensor
		want   string
	}{
		{frames[:2], "2 frames, want at least 3"},
		{[]*tensor.Tensor{frames[0], frames[1], tensor.New(4, 5, 3)}, "frame 2 is 5x4, frame 0 6x4: frames must share a size"},
		{[]*tensor.Tensor{frames[0], frames[1], tensor.New(4, 6)}, "frame 2 has shape [4 6], want [H,W,3]"},
	} {
		if _, err := Volume(tc.frames, 3); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Volume: error %v, want %q", err, tc.want)
		}
	}
}

func TestShapes(t *testing.T) {
	for _, tc := range []struct {
		in, filter, out []int
		want            string
	}{
		{[]int{16, 32, 32, 1}, []int{3, 3, 3, 1, 4}, []int{14, 30, 30, 4}, "16×32×32×1 * 4 filters of 3×3×3 → 14×30×30×4"},
		{[]int{14, 14, 14, 1}, []int{5, 5, 5, 1, 16}, []int{10, 10, 10, 16}, "14×14×14×1 * 16 filters of 5×5×5 → 10×10×10×16"},
		{[]int{96, 1}, []int{9, 1, 2}, []int{88, 2}, "96×1 * 2 filters of 9×1 → 88×2"},
	} {
		if got := Shapes(tc.in, tc.filter, tc.out); got != tc.want {
			t.Errorf("Shapes(%v, %v, %v) = %q, want %q", tc.in, tc.filter, tc.out, got, tc.want)
		}
	}
}

// TestResponses splits a [3,2] result by hand.
func TestResponses(t *testing.T) {
	y, err := tensor.FromData([]float32{1, 2, 3, 4, 5, 6}, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	got := Responses(y)
	if len(got) != 2 || !slices.Equal(got[0], []float32{1, 3, 5}) || !slices.Equal(got[1], []float32{2, 4, 6}) {
		t.Errorf("Responses = %v, want [[1 3 5] [2 4 6]]", got)
	}
}
