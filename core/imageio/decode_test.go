package imageio

import (
	"bytes"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"visage/core/tensor"
)

// pattern returns a w×h NRGBA image whose pixels differ from each other, with
// alpha varying too.
func pattern(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetNRGBA(x, y, color.NRGBA{uint8(40*x + 3), uint8(50*y + 7), uint8(11*x*y + 1), uint8(255 - 20*x)})
		}
	}
	return img
}

func encodePNG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func mustDecode(t *testing.T, data []byte) *tensor.Tensor {
	t.Helper()
	got, err := Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// wantRGB checks that got is [h,w,3] and equals the RGB of want's pixels within tol.
func wantRGB(t *testing.T, got *tensor.Tensor, want func(x, y int) (r, g, b uint8), w, h int, tol float64) {
	t.Helper()
	if len(got.Shape) != 3 || got.Shape[0] != h || got.Shape[1] != w || got.Shape[2] != 3 {
		t.Fatalf("shape %v, want [%d %d 3]", got.Shape, h, w)
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			r, g, b := want(x, y)
			for c, v := range []uint8{r, g, b} {
				if d := math.Abs(float64(got.At(y, x, c)) - float64(v)); d > tol {
					t.Fatalf("pixel (%d,%d) channel %d = %v, want %d±%g", x, y, c, got.At(y, x, c), v, tol)
				}
			}
		}
	}
}

func TestDecodePNGDropsAlpha(t *testing.T) {
	src := pattern(5, 3) // odd sizes, alpha < 255 everywhere but x=0
	got := mustDecode(t, encodePNG(t, src))
	wantRGB(t, got, func(x, y int) (uint8, uint8, uint8) {
		c := src.NRGBAAt(x, y)
		return c.R, c.G, c.B
	}, 5, 3, 0)
}

func TestDecodePNG16BitAndPaletted(t *testing.T) {
	wide := image.NewNRGBA64(image.Rect(0, 0, 3, 2))
	wide.SetNRGBA64(1, 1, color.NRGBA64{0xabcd, 0x1234, 0xff00, 0x8000})
	got := mustDecode(t, encodePNG(t, wide))
	if r, g, b := got.At(1, 1, 0), got.At(1, 1, 1), got.At(1, 1, 2); r != 0xab || g != 0x12 || b != 0xff {
		t.Errorf("16-bit pixel = %v %v %v, want 171 18 255 (high bytes)", r, g, b)
	}

	pal := image.NewPaletted(image.Rect(0, 0, 4, 3), color.Palette{color.NRGBA{9, 8, 7, 255}, color.NRGBA{200, 100, 50, 60}})
	pal.SetColorIndex(2, 1, 1)
	got = mustDecode(t, encodePNG(t, pal))
	wantRGB(t, got, func(x, y int) (uint8, uint8, uint8) {
		if x == 2 && y == 1 {
			return 200, 100, 50
		}
		return 9, 8, 7
	}, 4, 3, 0)
}

func TestDecodeGreyIsThreeEqualChannels(t *testing.T) {
	grey := image.NewGray(image.Rect(0, 0, 7, 5))
	for i := range grey.Pix {
		grey.Pix[i] = uint8(37 * i)
	}
	value := func(x, y int) (uint8, uint8, uint8) {
		v := grey.GrayAt(x, y).Y
		return v, v, v
	}
	wantRGB(t, mustDecode(t, encodePNG(t, grey)), value, 7, 5, 0)

	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, grey, &jpeg.Options{Quality: 100}); err != nil {
		t.Fatal(err)
	}
	got := mustDecode(t, buf.Bytes())
	for p := 0; p < got.Len(); p += 3 {
		if got.Data[p] != got.Data[p+1] || got.Data[p] != got.Data[p+2] {
			t.Fatalf("grey JPEG pixel %d has unequal channels %v", p/3, got.Data[p:p+3])
		}
	}
	wantRGB(t, got, value, 7, 5, 12) // JPEG is lossy even at quality 100
}

func TestDecodeColourJPEG(t *testing.T) {
	src := image.NewNRGBA(image.Rect(0, 0, 9, 7))
	for i := range src.Pix {
		src.Pix[i] = 255
	}
	draw := func(x0, y0 int, c color.NRGBA) {
		for y := y0; y < y0+3; y++ {
			for x := x0; x < x0+3; x++ {
				src.SetNRGBA(x, y, c)
			}
		}
	}
	draw(0, 0, color.NRGBA{220, 30, 40, 255})
	draw(6, 4, color.NRGBA{20, 60, 210, 255})
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, src, &jpeg.Options{Quality: 100}); err != nil {
		t.Fatal(err)
	}
	got := mustDecode(t, buf.Bytes())
	// Centres of the flat patches survive chroma subsampling within a few levels.
	for _, p := range [][2]int{{1, 1}, {7, 5}, {4, 2}} {
		c := src.NRGBAAt(p[0], p[1])
		for ch, v := range []uint8{c.R, c.G, c.B} {
			if d := math.Abs(float64(got.At(p[1], p[0], ch)) - float64(v)); d > 40 {
				t.Errorf("pixel %v channel %d = %v, want about %d", p, ch, got.At(p[1], p[0], ch), v)
			}
		}
	}
}

// opaque hides an image's concrete type so fromImage takes its generic path.
type opaque struct{ image.Image }

// TestFastPathsMatchColorModel checks each typed fast path in fromImage against
// the generic color-model path, on sub-images with odd bounds.
func TestFastPathsMatchColorModel(t *testing.T) {
	r := image.Rect(1, 2, 8, 7)
	ycc := image.NewYCbCr(image.Rect(0, 0, 9, 9), image.YCbCrSubsampleRatio420)
	for i := range ycc.Y {
		ycc.Y[i] = uint8(i * 13)
	}
	for i := range ycc.Cb {
		ycc.Cb[i], ycc.Cr[i] = uint8(i*29+5), uint8(250-i*17)
	}
	grey := image.NewGray(image.Rect(0, 0, 9, 9))
	for i := range grey.Pix {
		grey.Pix[i] = uint8(i * 7)
	}
	for name, img := range map[string]image.Image{
		"YCbCr420": ycc.SubImage(r),
		"Gray":     grey.SubImage(r),
		"NRGBA":    pattern(9, 9).SubImage(r),
	} {
		fast, slow := fromImage(img), fromImage(opaque{img})
		if d := tensor.MaxAbsDiff(fast, slow); d != 0 {
			t.Errorf("%s: fast path differs from color model by %g", name, d)
		}
		if fast.Shape[0] != r.Dy() || fast.Shape[1] != r.Dx() {
			t.Errorf("%s: shape %v, want [%d %d 3]", name, fast.Shape, r.Dy(), r.Dx())
		}
	}
}

func TestDecodeGIFFirstFrame(t *testing.T) {
	frame := func(idx uint8) *image.Paletted {
		p := image.NewPaletted(image.Rect(0, 0, 3, 2), palette.Plan9)
		for i := range p.Pix {
			p.Pix[i] = idx
		}
		return p
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, &gif.GIF{Image: []*image.Paletted{frame(10), frame(200)}, Delay: []int{0, 0}}); err != nil {
		t.Fatal(err)
	}
	want := color.NRGBAModel.Convert(palette.Plan9[10]).(color.NRGBA)
	wantRGB(t, mustDecode(t, buf.Bytes()), func(x, y int) (uint8, uint8, uint8) { return want.R, want.G, want.B }, 3, 2, 0)
}

// tinyWebP is a 3x2 lossless WebP made with
//
//	printf '\xff\x00\x00\x00\xff\x00\x00\x00\xff\x10\x20\x30\x80\x80\x80\xfe\xfd\xfc' |
//	  ffmpeg -f rawvideo -pix_fmt rgb24 -s 3x2 -i - -c:v libwebp -lossless 1 -pix_fmt bgra t.webp
var tinyWebP = []byte{
	0x52, 0x49, 0x46, 0x46, 0x44, 0x00, 0x00, 0x00, 0x57, 0x45, 0x42, 0x50,
	0x56, 0x50, 0x38, 0x4c, 0x37, 0x00, 0x00, 0x00, 0x2f, 0x02, 0x40, 0x00,
	0x00, 0x2f, 0x40, 0x90, 0x6d, 0xb3, 0xb1, 0x5c, 0xec, 0xfe, 0x0e, 0xcf,
	0x35, 0x84, 0x04, 0x84, 0x0d, 0x96, 0xfa, 0x5f, 0x28, 0x08, 0x40, 0x00,
	0xe1, 0x93, 0x21, 0xfe, 0x6f, 0xa9, 0xf9, 0x0f, 0xf8, 0x43, 0x0e, 0x3b,
	0xa2, 0x34, 0x03, 0x81, 0x00, 0x65, 0xac, 0x78, 0x60, 0x9b, 0x88, 0xfe,
	0xc7, 0x78, 0x01, 0x00,
}

func TestDecodeWebP(t *testing.T) {
	want := []float32{255, 0, 0, 0, 255, 0, 0, 0, 255, 0x10, 0x20, 0x30, 0x80, 0x80, 0x80, 0xfe, 0xfd, 0xfc}
	got := mustDecode(t, tinyWebP)
	w, _ := tensor.FromData(want, 2, 3, 3)
	if d := tensor.MaxAbsDiff(got, w); d != 0 {
		t.Errorf("WebP pixels %v (shape %v), want %v", got.Data, got.Shape, want)
	}
}

func TestDecodeErrors(t *testing.T) {
	good := encodePNG(t, pattern(6, 6))
	var jp bytes.Buffer
	if err := jpeg.Encode(&jp, pattern(16, 16), nil); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, data, want string
	}{
		{"empty", "", "empty input"},
		{"text", "hello, I am not an image", "unrecognised image format"},
		{"truncated PNG", string(good[:len(good)/2]), "decoding png"},
		{"truncated JPEG", string(jp.Bytes()[:jp.Len()/2]), "decoding jpeg"},
		{"truncated WebP", string(tinyWebP[:40]), "decoding webp"},
		{"PNG header only", string(good[:8]), "decoding png"},
	} {
		_, err := Decode(strings.NewReader(tc.data))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

func TestDecodeFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.png")
	if err := os.WriteFile(path, encodePNG(t, pattern(2, 2)), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := DecodeFile(path); err != nil || got.Shape[0] != 2 {
		t.Errorf("DecodeFile(%s) = %v, %v", path, got, err)
	}
	bad := filepath.Join(dir, "bad.jpg")
	if err := os.WriteFile(bad, []byte("nope"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeFile(bad); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("DecodeFile(corrupt) error %v, want one naming %s", err, bad)
	}
	if _, err := DecodeFile(filepath.Join(dir, "missing.png")); err == nil || !strings.Contains(err.Error(), "missing.png") {
		t.Errorf("DecodeFile(missing) error %v, want one naming the file", err)
	}
}
