package art

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"visage/core/tensor"
	"visage/models/vgg19"
	"visage/models/vgg19/vgg19test"
)

func TestReceptiveFieldByHand(t *testing.T) {
	// Size, stride, offset walked by hand through conv 3×3 (+2 strides, −1
	// stride) and pool 2×2/2 (+1 stride, stride ×2).
	for layer, want := range map[string]Field{
		"conv1_1": {3, 1, -1}, "conv1_2": {5, 1, -2},
		"conv2_1": {10, 2, -4}, "conv2_2": {14, 2, -6},
		"conv3_1": {24, 4, -10}, "conv3_4": {48, 4, -22},
		"conv4_1": {68, 8, -30}, "conv4_2": {84, 8, -38},
		"conv5_1": {156, 16, -70},
	} {
		if got, err := ReceptiveField(layer); err != nil || got != want {
			t.Errorf("ReceptiveField(%s) = %+v, %v; want %+v", layer, got, err, want)
		}
	}
	if _, err := ReceptiveField("fc7"); err == nil {
		t.Error("ReceptiveField(fc7): no error")
	}
}

func TestFaceRecFieldByHand(t *testing.T) {
	// Walked by hand: the stem 7×7/2 valid gives {7, 2, 0}, its 3×3/2 max
	// pool {7+2·2, 4, 0}; a residual block's two 3×3 'same' convolutions
	// add 4 strides to the size and take 2 from the offset; a *_down
	// block's 3×3/2 valid convolution adds 2 strides and doubles the
	// stride, then its 3×3 'same' one adds 2 new strides and takes one.
	for layer, want := range map[string]Field{
		"conv32_down": {7, 2, 0},
		"conv32_1":    {11 + 16, 4, -8}, "conv32_2": {43, 4, -16}, "conv32_3": {59, 4, -24},
		"conv64_down": {59 + 8 + 16, 8, -24 - 8},
		"conv64_1":    {83 + 32, 8, -32 - 16}, "conv64_3": {179, 8, -80},
		"conv128_down": {179 + 16 + 32, 16, -80 - 16}, "conv128_1": {227 + 64, 16, -96 - 32}, "conv128_2": {355, 16, -160},
		"conv256_down": {355 + 32 + 64, 32, -160 - 32}, "conv256_1": {451 + 128, 32, -192 - 64}, "conv256_2": {707, 32, -320},
		"conv256_down_out": {707 + 64 + 128, 64, -320 - 64},
	} {
		if got, err := FaceRecField(layer); err != nil || got != want {
			t.Errorf("FaceRecField(%s) = %+v, %v; want %+v", layer, got, err, want)
		}
	}
	for _, bad := range []string{"fc", "conv1_1", ""} {
		if _, err := FaceRecField(bad); err == nil || !strings.Contains(err.Error(), "unknown face encoder layer") {
			t.Errorf("FaceRecField(%q): error %v, want an unknown layer", bad, err)
		}
	}
}

// TestReceptiveFieldIsGradientSupport checks the field against the network
// itself: with every weight and bias positive every ReLU is active, so the
// gradient of one unit with respect to the input is non-zero exactly on the
// pixels the unit sees (average pooling), which must be Window's rectangle.
func TestReceptiveFieldIsGradientSupport(t *testing.T) {
	w := vgg19test.Weights(3)
	for _, x := range w {
		for i, v := range x.Data {
			x.Data[i] = max(v, -v) + 0.01
		}
	}
	net, err := vgg19.FromWeights(w)
	if err != nil {
		t.Fatal(err)
	}
	img := tensor.New(37, 29, 3) // odd sizes: 'same' pooling pads the far side
	for i := range img.Data {
		img.Data[i] = 255 // above the mean: the input is positive too
	}
	for _, tc := range []struct {
		layer string
		y, x  int
	}{{"conv1_2", 0, 0}, {"conv1_2", 20, 13}, {"conv2_1", 9, 7}, {"conv3_1", 4, 3}, {"conv3_1", 9, 7}, {"conv4_2", 2, 1}} {
		f, err := ReceptiveField(tc.layer)
		if err != nil {
			t.Fatal(err)
		}
		pass, err := net.Forward(img, tc.layer)
		if err != nil {
			t.Fatal(err)
		}
		a := pass.Activation(tc.layer)
		d := tensor.New(a.Shape...)
		d.Set(1, tc.y, tc.x, 0)
		g, err := pass.Backward(map[string]*tensor.Tensor{tc.layer: d})
		if err != nil {
			t.Fatal(err)
		}
		top, left, bottom, right := f.Window(tc.y, tc.x, 37, 29)
		for r := range 37 {
			for c := range 29 {
				inside := r >= top && r < bottom && c >= left && c < right
				if nonzero := g.At(r, c, 0) != 0; nonzero != inside {
					t.Fatalf("%s unit (%d,%d): gradient at pixel (%d,%d) non-zero %v, but Window [%d,%d)×[%d,%d) says inside %v",
						tc.layer, tc.y, tc.x, r, c, nonzero, top, bottom, left, right, inside)
				}
			}
		}
	}
}

func TestFeatureMapAndStrongestChannels(t *testing.T) {
	// [1,3,2]: channel 0 = 2, −1, 4; channel 1 silent; mean ranks 0 first.
	act := mustTensor(t, []int{1, 3, 2}, 2, 0, -1, 0, 4, -3)
	if m := FeatureMap(act, 0); !slices.Equal(m.Data, []float32{0.5, 0, 1}) || !slices.Equal(m.Shape, []int{1, 3}) {
		t.Errorf("FeatureMap channel 0 = %v %v, want [1 3] [0.5 0 1]", m.Shape, m.Data)
	}
	if m := FeatureMap(act, 1); !slices.Equal(m.Data, []float32{0, 0, 0}) {
		t.Errorf("FeatureMap of a silent channel = %v, want zeros", m.Data)
	}
	// Three channels (not a multiple of 4) with means 1, 3, 3: ties keep order.
	act3 := mustTensor(t, []int{2, 1, 3}, 1, 2, 4, 1, 4, 2)
	if got := StrongestChannels(act3, 2); !slices.Equal(got, []int{1, 2}) {
		t.Errorf("StrongestChannels(k=2) = %v, want [1 2]", got)
	}
	if got := StrongestChannels(act3, 9); !slices.Equal(got, []int{1, 2, 0}) {
		t.Errorf("StrongestChannels(k=9) = %v, want [1 2 0]", got)
	}
}

func TestStrongestPatchesByHand(t *testing.T) {
	f := Field{Size: 3, Stride: 2, Offset: -1}
	// Image 0 (5×5): a 3×3 activation whose channel 1 peaks 7 at (1,2):
	// window rows −1+2…+3 = 1..3, columns 3..5 clipped to 3..4.
	img0 := tensor.New(5, 5, 3)
	a0 := tensor.New(3, 3, 2)
	a0.Set(7, 1, 2, 1)
	a0.Set(9, 0, 0, 0) // another channel: ignored
	// Image 1: channel 1 peaks 8 at (0,0) (first of two equal maxima), window
	// clipped to rows 0..1, columns 0..1.
	img1 := tensor.New(4, 4, 3)
	for i := range img1.Data {
		img1.Data[i] = float32(i)
	}
	a1 := tensor.New(2, 2, 2)
	a1.Set(8, 0, 0, 1)
	a1.Set(8, 1, 1, 1)
	// Image 2: channel 1 silent.
	a2 := tensor.New(2, 2, 2)
	a2.Set(-1, 0, 0, 1)
	got := StrongestPatches([]*tensor.Tensor{img0, img1, img1}, []*tensor.Tensor{a0, a1, a2}, 1, f)
	want := []Patch{
		{Image: 1, Y: 0, X: 0, Value: 8, Top: 0, Left: 0, Bottom: 2, Right: 2},
		{Image: 0, Y: 1, X: 2, Value: 7, Top: 1, Left: 3, Bottom: 4, Right: 5},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("StrongestPatches = %+v, want %+v", got, want)
	}
	c := got[0].Crop(img1)
	// Rows 0..1, columns 0..1 of a 4-wide image: pixels 0, 1, 4, 5.
	wantCrop := []float32{0, 1, 2, 3, 4, 5, 12, 13, 14, 15, 16, 17}
	if !slices.Equal(c.Shape, []int{2, 2, 3}) || !slices.Equal(c.Data, wantCrop) {
		t.Errorf("Crop = %v %v, want [2 2 3] %v", c.Shape, c.Data, wantCrop)
	}
}

func BenchmarkStrongestPatches(b *testing.B) {
	img := tensor.New(128, 128, 3)
	act := tensor.New(32, 32, 256)
	for i := range act.Data {
		act.Data[i] = float32(i % 97)
	}
	f, _ := ReceptiveField("conv3_1")
	for b.Loop() {
		for c := range 8 {
			StrongestPatches([]*tensor.Tensor{img, img, img}, []*tensor.Tensor{act, act, act}, c, f)
		}
	}
}
