package imageio

import (
	"slices"
	"strings"
	"testing"
)

// TestFromRGBA converts 2×1 pixels by hand and refuses a wrong length and a
// size over the budget.
func TestFromRGBA(t *testing.T) {
	img, err := FromRGBA(2, 1, []byte{1, 2, 3, 255, 4, 5, 6, 0})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(img.Shape, []int{1, 2, 3}) || !slices.Equal(img.Data, []float32{1, 2, 3, 4, 5, 6}) {
		t.Errorf("FromRGBA = %v %v, want [1 2 3] [1 2 3 4 5 6]", img.Shape, img.Data)
	}
	for _, c := range []struct {
		w, h int
		pix  []byte
		want string
	}{
		{2, 2, make([]byte, 3), "2x2 RGBA pixels need 16 bytes of data, found 3"},
		{0, 5, nil, "RGBA pixels is 0x5"},
		{MaxPixels, 2, nil, "more than the"},
	} {
		if _, err := FromRGBA(c.w, c.h, c.pix); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("FromRGBA(%d, %d, %d bytes): %v, want %q", c.w, c.h, len(c.pix), err, c.want)
		}
	}
}
