package imageio

import (
	"bytes"
	"encoding/binary"
	"image/gif"
	"image/jpeg"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"visage/core/imageio/imageiotest"
)

// allocated returns the bytes fn allocated on the heap.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestDecodeRefusesBombsBeforeAllocating replays the hardening report's
// image: a 20000×20000 greyscale PNG of ~400 KB, which used to take the
// browser's engine out of memory. Every format's header is read first: the
// error gives the size and the budget, and almost nothing is allocated.
func TestDecodeRefusesBombsBeforeAllocating(t *testing.T) {
	bomb := imageiotest.PNGBomb(20000, 20000, false)
	if len(bomb) > 1<<20 {
		t.Fatalf("the bomb is %d bytes; it should compress to under 1 MiB", len(bomb))
	}
	var jp bytes.Buffer
	if err := jpeg.Encode(&jp, pattern(16, 16), nil); err != nil {
		t.Fatal(err)
	}
	jpegBomb := bytes.Clone(jp.Bytes())
	sof := bytes.Index(jpegBomb, []byte{0xFF, 0xC0}) // baseline SOF0: length, precision, height, width
	binary.BigEndian.PutUint16(jpegBomb[sof+5:], 30000)
	binary.BigEndian.PutUint16(jpegBomb[sof+7:], 30000)
	var gf bytes.Buffer
	if err := gif.Encode(&gf, pattern(4, 4), nil); err != nil {
		t.Fatal(err)
	}
	gifBomb := bytes.Clone(gf.Bytes())
	binary.LittleEndian.PutUint16(gifBomb[6:], 65535) // logical screen width, height
	binary.LittleEndian.PutUint16(gifBomb[8:], 65535)

	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"PNG bomb", bomb, "PNG image is 20000x20000 (400.0 megapixels), more than the 25.2 megapixels"},
		{"PNG header alone", imageiotest.PNGBomb(20000, 20000, true), "PNG image is 20000x20000"},
		{"JPEG header", jpegBomb, "JPEG image is 30000x30000 (900.0 megapixels)"},
		{"GIF screen", gifBomb, "GIF image is 65535x65535"},
		{"one pixel over", imageiotest.PNGBomb(6144, 4097, true), "PNG image is 6144x4097 (25.2 megapixels), more than the 25.2"},
	} {
		var err error
		n := allocated(func() { _, err = Decode(bytes.NewReader(tc.data)) })
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
		// Reading the input and the header: a few times the file's size.
		if limit := uint64(4*len(tc.data) + 1<<20); n > limit {
			t.Errorf("%s: allocated %d bytes before refusing, want ≤ %d", tc.name, n, limit)
		}
	}
}

// TestDecodeAtTheBudget decodes an image of exactly MaxPixels: the limit
// refuses only what is over it.
func TestDecodeAtTheBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes a 25-megapixel image")
	}
	img, err := Decode(bytes.NewReader(imageiotest.PNGBomb(6144, 4096, false)))
	if err != nil {
		t.Fatal(err)
	}
	if img.Shape[0] != 4096 || img.Shape[1] != 6144 || 6144*4096 != MaxPixels {
		t.Errorf("decoded %v, want [4096 6144 3] = MaxPixels", img.Shape)
	}
}

func TestCheckSize(t *testing.T) {
	for _, tc := range []struct {
		w, h int
		want string // "" for accepted
	}{
		{1, 1, ""}, {6000, 4000, ""}, {6144, 4096, ""}, {4096, 6144, ""},
		{6144, 4097, "6144x4097 (25.2 megapixels), more than the 25.2 megapixels"},
		{1 << 30, 1 << 30, "1073741824x1073741824"}, // no overflow into a small product
		{0, 10, "expected a width and height of at least 1 pixel"},
		{10, -1, "10x-1"},
	} {
		err := CheckSize("RGBA pixels", tc.w, tc.h)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("CheckSize(%d, %d) = %v, want nil", tc.w, tc.h, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "RGBA pixels")):
			t.Errorf("CheckSize(%d, %d) = %v, want an error naming RGBA pixels and %q", tc.w, tc.h, err, tc.want)
		}
	}
}

// TestDecodeFileAndPhotoRefuseBombs: the CLI's paths (--aligned reads with
// DecodeFile, photos with DecodePhoto) name the file and the size.
func TestDecodeFileAndPhotoRefuseBombs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bomb.png")
	if err := os.WriteFile(path, imageiotest.PNGBomb(20000, 20000, false), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, decode := range map[string]func(string) error{
		"DecodeFile":  func(p string) error { _, err := DecodeFile(p); return err },
		"DecodePhoto": func(p string) error { _, err := DecodePhoto(p); return err },
	} {
		var err error
		n := allocated(func() { err = decode(path) })
		if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "20000x20000") {
			t.Errorf("%s(bomb) = %v, want an error naming %s and 20000x20000", name, err, path)
		}
		if n > 8<<20 {
			t.Errorf("%s(bomb) allocated %d bytes, want ≤ 8 MiB", name, n)
		}
	}
}
