package ssd

import (
	"math"
	"reflect"
	"testing"
)

func TestIoUHandValues(t *testing.T) {
	a := [4]float64{0, 0, 2, 2}
	for _, c := range []struct {
		b    [4]float64
		want float64
	}{
		{[4]float64{1, 1, 3, 3}, 1.0 / 7}, // overlap 1, union 4+4-1
		{[4]float64{3, 1, 1, 3}, 1.0 / 7}, // corners given in the other order
		{[4]float64{2, 0, 4, 2}, 0},       // touching edges
		{[4]float64{0, 0, 2, 2}, 1},       // the same box
		{[4]float64{1, 1, 1, 5}, 0},       // no area
		{[4]float64{0, 0, 1, 2}, 2.0 / 4}, // inside, half the area
	} {
		if got := iou(a, c.b); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("iou(%v, %v) = %v, want %v", a, c.b, got, c.want)
		}
	}
}

func TestNonMaxSuppression(t *testing.T) {
	boxes := [][4]float64{
		{0, 0, 10, 10},   // 0
		{1, 1, 11, 11},   // 1: IoU with 0 = 81/119 > 0.5
		{0, 20, 10, 30},  // 2: apart
		{0, 5, 10, 15},   // 3: IoU with 0 = 50/150 = 1/3, kept
		{50, 50, 60, 60}, // 4: below the score threshold
	}
	scores := []float64{0.8, 0.9, 0.7, 0.6, 0.3}
	// Best first: 1 kept; 0 overlaps 1 too much; 2 kept; 3 overlaps 1 by
	// 54/146 < 0.5 and 2 by 0: kept; 4 below 0.5.
	if got, want := nonMaxSuppression(boxes, scores, 100, 0.5, 0.5), []int{1, 2, 3}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if got, want := nonMaxSuppression(boxes, scores, 2, 0.5, 0.5), []int{1, 2}; !reflect.DeepEqual(got, want) {
		t.Errorf("maxOutput 2: got %v, want %v", got, want)
	}
	// A score equal to the threshold is not above it.
	if got := nonMaxSuppression(boxes, scores, 100, 0.5, 0.9); len(got) != 0 {
		t.Errorf("threshold 0.9: got %v, want none", got)
	}
}

func TestDecodeBoxesHandValues(t *testing.T) {
	// Anchor centred at (0.5, 0.25), 0.2 high and 0.1 wide.
	anchors := []float32{0.4, 0.2, 0.6, 0.3}
	// Zero encoding: the anchor itself.
	got := decodeBoxes(anchors, []float32{0, 0, 0, 0})[0]
	want := [4]float64{0.4, 0.2, 0.6, 0.3}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-7 {
			t.Fatalf("zero encoding: got %v, want %v", got, want)
		}
	}
	// ty=10 moves the centre by one anchor height; th=5·ln2 doubles the height.
	got = decodeBoxes(anchors, []float32{10, -5, float32(5 * math.Ln2), 0})[0]
	// centre y 0.5+0.2=0.7, x 0.25-0.05=0.2; height 0.4, width 0.1.
	want = [4]float64{0.5, 0.15, 0.9, 0.25}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-6 {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}

func TestSelectMapsBoxesToImagePixels(t *testing.T) {
	// A 100 (high) x 50 image is padded on the right to 100x100: relative
	// x in the square is twice relative x in the image.
	o := &Output{boxes: [][4]float64{{0.1, 0.1, 0.5, 0.3}, {-0.2, 0.4, 1.3, 0.45}}, scores: []float64{0.9, 0.8}, h: 100, w: 50}
	got, err := o.Select(DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	want := []Detection{
		{Box{X: 10, Y: 10, W: 20, H: 40}, 0.9},
		{Box{X: 40, Y: 0, W: 5, H: 100}, 0.8}, // clamped to the square, IoU with the first 0
	}
	for i := range want {
		g, w := got[i], want[i]
		if math.Abs(g.Box.X-w.Box.X)+math.Abs(g.Box.Y-w.Box.Y)+math.Abs(g.Box.W-w.Box.W)+math.Abs(g.Box.H-w.Box.H) > 1e-9 || g.Score != w.Score {
			t.Errorf("detection %d: got %+v, want %+v", i, g, w)
		}
	}
	if _, err := o.Select(Options{MinConfidence: 1, MaxResults: 1}); err == nil {
		t.Error("MinConfidence 1 must be rejected")
	}
}
