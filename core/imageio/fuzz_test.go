package imageio

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color/palette"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math"
	"strings"
	"testing"

	"visage/core/imageio/imageiotest"
)

// fuzzMaxPixels bounds the images FuzzDecode decodes, so that a fuzzing
// worker's memory stays small: an input whose header declares more, but no
// more than MaxPixels, is skipped; one over MaxPixels must be refused.
const fuzzMaxPixels = 1 << 22

// hugePNG is a valid 1×1 PNG whose IHDR (CRC fixed up) claims w×h pixels.
func hugePNG(f *testing.F, w, h uint32) []byte {
	data := bytes.Clone(encodePNGF(f, pattern(1, 1)))
	ihdr := data[8+8 : 8+8+13] // after the signature, the chunk's length and type
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	binary.BigEndian.PutUint32(data[8+8+13:], crc32.ChecksumIEEE(data[8+4:8+8+13]))
	return data
}

// encodePNGF is encodePNG for seeds.
func encodePNGF(f *testing.F, img image.Image) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		f.Fatal(err)
	}
	return buf.Bytes()
}

// FuzzDecode: Decode never panics; it returns an error, or an [H,W,3] tensor
// of H·W·3 values in 0..255 with H, W > 0 as DecodeConfig declares them.
func FuzzDecode(f *testing.F) {
	pngSeed := encodePNGF(f, pattern(3, 2))
	var jp, grey, gf bytes.Buffer
	if err := jpeg.Encode(&jp, pattern(9, 7), nil); err != nil {
		f.Fatal(err)
	}
	if err := jpeg.Encode(&grey, image.NewGray(image.Rect(0, 0, 4, 4)), nil); err != nil {
		f.Fatal(err)
	}
	if err := gif.Encode(&gf, image.NewPaletted(image.Rect(0, 0, 3, 2), palette.Plan9), nil); err != nil {
		f.Fatal(err)
	}
	for _, seed := range [][]byte{
		pngSeed, jp.Bytes(), grey.Bytes(), gf.Bytes(), tinyWebP,
		pngSeed[:len(pngSeed)/2], jp.Bytes()[:jp.Len()/2], tinyWebP[:40], pngSeed[:8],
		hugePNG(f, 1<<16, 1<<16), hugePNG(f, 0, 5),
		{}, []byte("GIF89a"), []byte("RIFF\x00\x00\x00\x00WEBPVP8 "),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, format, cfgErr := image.DecodeConfig(bytes.NewReader(data))
		if px := int64(cfg.Width) * int64(cfg.Height); cfgErr == nil && px > MaxPixels {
			if _, err := Decode(bytes.NewReader(data)); err == nil || !strings.Contains(err.Error(), "megapixels Visage decodes") {
				t.Fatalf("a header declaring %dx%d decoded with error %v, want the pixel budget's", cfg.Width, cfg.Height, err)
			}
			return
		} else if cfgErr == nil && px > fuzzMaxPixels {
			t.Skipf("declares %dx%d pixels, more than the fuzzer decodes", cfg.Width, cfg.Height)
		}
		img, err := Decode(bytes.NewReader(data))
		if err != nil {
			if img != nil {
				t.Errorf("Decode returned an image with error %v", err)
			}
			return
		}
		s := img.Shape
		if len(s) != 3 || s[0] <= 0 || s[1] <= 0 || s[2] != 3 || len(img.Data) != s[0]*s[1]*3 {
			t.Fatalf("Decode returned shape %v with %d values, want [H W 3] with H·W·3", s, len(img.Data))
		}
		// A PNG or JPEG decodes at its declared size; a GIF's first frame (or
		// a WebP's) may be smaller than the canvas its header declares, never
		// larger (the budget was checked on the declared size).
		exact := format == "png" || format == "jpeg"
		if cfgErr == nil && (s[0] > cfg.Height || s[1] > cfg.Width || exact && (s[0] != cfg.Height || s[1] != cfg.Width)) {
			t.Errorf("Decode gave %dx%d, DecodeConfig declares %dx%d (%s)", s[1], s[0], cfg.Width, cfg.Height, format)
		}
		for i, v := range img.Data {
			if !(v >= 0 && v <= 255) || v != float32(math.Round(float64(v))) {
				t.Fatalf("value %d is %v, want an integer in 0..255", i, v)
			}
		}
	})
}

// FuzzJPEGOrientation: the EXIF reader never panics and always answers an
// orientation in 1..8.
func FuzzJPEGOrientation(f *testing.F) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 8, 8)), nil); err != nil {
		f.Fatal(err)
	}
	plain := buf.Bytes()
	for _, seed := range [][]byte{
		plain,
		imageiotest.WithSegment(plain, imageiotest.EXIFSegment(binary.LittleEndian, [][3]uint16{{0x010F, 2, 0}, {0x0112, 3, 6}})),
		imageiotest.WithSegment(plain, imageiotest.EXIFSegment(binary.BigEndian, [][3]uint16{{0x0112, 3, 8}})),
		imageiotest.WithSegment(plain, imageiotest.EXIFSegment(binary.BigEndian, [][3]uint16{{0x0112, 3, 3}}))[:30],
		{0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF},
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if o := JPEGOrientation(data); o < 1 || o > 8 {
			t.Errorf("orientation %d, want 1..8", o)
		}
	})
}
