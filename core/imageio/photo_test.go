package imageio

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"

	"visage/core/imageio/imageiotest"
	"visage/core/tensor"
)

func TestJPEGOrientation(t *testing.T) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 8, 8)), nil); err != nil {
		t.Fatal(err)
	}
	plain := buf.Bytes()
	for _, c := range []struct {
		name string
		data []byte
		want int
	}{
		{"no EXIF", plain, 1},
		{"little-endian 6", imageiotest.WithSegment(plain, imageiotest.EXIFSegment(binary.LittleEndian, [][3]uint16{{0x010F, 2, 0}, {0x0112, 3, 6}})), 6},
		{"big-endian 8", imageiotest.WithSegment(plain, imageiotest.EXIFSegment(binary.BigEndian, [][3]uint16{{0x0112, 3, 8}})), 8},
		{"out of range", imageiotest.WithSegment(plain, imageiotest.EXIFSegment(binary.BigEndian, [][3]uint16{{0x0112, 3, 9}})), 1},
		{"wrong type", imageiotest.WithSegment(plain, imageiotest.EXIFSegment(binary.BigEndian, [][3]uint16{{0x0112, 4, 3}})), 1},
		{"truncated", imageiotest.WithSegment(plain, imageiotest.EXIFSegment(binary.BigEndian, [][3]uint16{{0x0112, 3, 3}}))[:30], 1},
		{"not a JPEG", []byte("\x89PNG\r\n\x1a\n"), 1},
	} {
		if got := JPEGOrientation(c.data); got != c.want {
			t.Errorf("%s: orientation %d, want %d", c.name, got, c.want)
		}
	}
}

func TestOrientHandValues(t *testing.T) {
	// Stored 3 wide, 2 high:  a b c / d e f (one channel).
	img, _ := tensor.FromData([]float32{1, 2, 3, 4, 5, 6}, 2, 3, 1)
	for o, want := range map[int][]float32{
		2: {3, 2, 1, 6, 5, 4},
		3: {6, 5, 4, 3, 2, 1},
		4: {4, 5, 6, 1, 2, 3},
		5: {1, 4, 2, 5, 3, 6}, // 2 wide, 3 high
		6: {4, 1, 5, 2, 6, 3}, // rotated clockwise: the left column d,a on top
		7: {6, 3, 5, 2, 4, 1},
		8: {3, 6, 2, 5, 1, 4},
	} {
		got := Orient(img, o)
		wantShape := []int{2, 3, 1}
		if o >= 5 {
			wantShape = []int{3, 2, 1}
		}
		if got.Shape[0] != wantShape[0] || got.Shape[1] != wantShape[1] {
			t.Errorf("orientation %d: shape %v, want %v", o, got.Shape, wantShape)
			continue
		}
		for i := range want {
			if got.Data[i] != want[i] {
				t.Errorf("orientation %d: %v, want %v", o, got.Data, want)
				break
			}
		}
	}
	if Orient(img, 1) != img {
		t.Error("orientation 1 must return the image itself")
	}
}

func TestDecodePhotoAppliesOrientation(t *testing.T) {
	// A 16x8 image, bright on the left half: rotated clockwise (6) it is
	// 8x16, bright on the top half.
	data := imageiotest.SidewaysJPEG()
	path := filepath.Join(t.TempDir(), "rot.jpg")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	img, err := DecodePhoto(path)
	if err != nil {
		t.Fatal(err)
	}
	if img.Shape[0] != 16 || img.Shape[1] != 8 {
		t.Fatalf("shape %v, want [16 8 3]", img.Shape)
	}
	if top, bottom := img.At(2, 4, 0), img.At(13, 4, 0); top < 200 || bottom > 50 {
		t.Errorf("top %v, bottom %v: want the bright half on top", top, bottom)
	}
}
