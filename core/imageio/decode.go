// Package imageio turns encoded images into Visage's image tensors and back.
//
// An image tensor is [H,W,3] float32, RGB, values 0..255 (see core/tensor).
// Decoding supports JPEG (colour and greyscale), PNG (alpha is dropped, not
// composited), GIF (first frame) and WebP (lossy and lossless).
package imageio

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/gif"  // registers GIF with image.Decode
	_ "image/jpeg" // registers JPEG
	_ "image/png"  // registers PNG
	"io"
	"os"
	"strings"

	_ "golang.org/x/image/webp" // registers WebP

	"visage/core/tensor"
)

// MaxPixels is the pixel budget of every image Visage decodes or accepts as
// pixels: 24 megapixels (25,165,824 pixels, e.g. 6144×4096 or a 24 MP
// camera's 6000×4000). Decoding an image to a float32 RGB tensor takes 12
// bytes a pixel, so the budget bounds one image at 288 MiB, which the
// browser's 32-bit WebAssembly memory can hold; a larger photo must be
// scaled down first.
const MaxPixels = 24 << 20

// MaxEncodedBytes bounds the size of an encoded image file (256 MiB): more
// than any photo within MaxPixels needs, even uncompressed.
const MaxEncodedBytes = 256 << 20

// CheckSize returns nil when a width×height image is within MaxPixels, and
// otherwise an error that gives the size, the megapixels and the budget.
// what names the image in the message (e.g. "PNG image", "RGBA pixels").
func CheckSize(what string, width, height int) error {
	if width <= 0 || height <= 0 {
		return fmt.Errorf("imageio: %s is %dx%d: expected a width and height of at least 1 pixel", what, width, height)
	}
	if px := int64(width) * int64(height); px > MaxPixels {
		return fmt.Errorf("imageio: %s is %dx%d (%.1f megapixels), more than the %.1f megapixels Visage decodes; scale it down first",
			what, width, height, float64(px)/1e6, float64(MaxPixels)/1e6)
	}
	return nil
}

// Decode reads one encoded image (JPEG, PNG, GIF or WebP, recognised by its
// magic bytes) and returns it as a new [H,W,3] RGB tensor with values 0..255.
// Greyscale images get three equal channels; alpha is ignored (the colour is
// taken un-premultiplied). It reads the header first and refuses, before
// allocating any pixels, an image over MaxPixels (see CheckSize) or input
// over MaxEncodedBytes. It returns an error for empty input, an unknown
// format, or a corrupt or truncated file.
func Decode(r io.Reader) (*tensor.Tensor, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxEncodedBytes+1))
	if err != nil {
		return nil, fmt.Errorf("imageio: reading the image: %w", err)
	}
	return decodeBytes(data)
}

// decodeBytes is Decode on an image already in memory.
func decodeBytes(data []byte) (*tensor.Tensor, error) {
	switch {
	case len(data) == 0:
		return nil, errors.New("imageio: empty input, expected a JPEG, PNG, GIF or WebP image")
	case len(data) > MaxEncodedBytes:
		return nil, fmt.Errorf("imageio: the image file is over %d MiB, more than Visage reads", MaxEncodedBytes>>20)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if errors.Is(err, image.ErrFormat) {
		return nil, errors.New("imageio: unrecognised image format, expected JPEG, PNG, GIF or WebP")
	}
	if err != nil {
		return nil, fmt.Errorf("imageio: decoding %s header: %w", formatName(format), err)
	}
	if err := CheckSize(strings.ToUpper(format)+" image", cfg.Width, cfg.Height); err != nil {
		return nil, err
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("imageio: decoding %s: %w", formatName(format), err)
	}
	b := img.Bounds()
	if b.Empty() {
		return nil, fmt.Errorf("imageio: %s image has no pixels (%dx%d)", format, b.Dx(), b.Dy())
	}
	if err := CheckSize(strings.ToUpper(format)+" image", b.Dx(), b.Dy()); err != nil {
		return nil, err // a decoder that disagrees with its own header
	}
	return fromImage(img), nil
}

// DecodeFile decodes the image file at path (see Decode); errors name the path.
func DecodeFile(path string) (*tensor.Tensor, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	t, err := decodeBytes(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// readFile reads path, refusing files over MaxEncodedBytes before reading
// them.
func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("imageio: %w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > MaxEncodedBytes {
		return nil, fmt.Errorf("%s: imageio: the file is %d MiB, more than the %d MiB Visage reads", path, st.Size()>>20, MaxEncodedBytes>>20)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxEncodedBytes+1))
	if err != nil {
		return nil, fmt.Errorf("imageio: %w", err)
	}
	return data, nil
}

func formatName(format string) string {
	if format == "" {
		return "image"
	}
	return format
}

// fromImage copies img's pixels into a new [H,W,3] tensor. The common decoder
// outputs (YCbCr from JPEG, Gray, NRGBA from PNG) are read directly; every
// other image type goes pixel by pixel through dropAlpha, which gives the same
// values.
func fromImage(img image.Image) *tensor.Tensor {
	b := img.Bounds()
	h, w := b.Dy(), b.Dx()
	t := tensor.New(h, w, 3)
	px := t.Data
	i := 0
	put := func(r, g, bl uint8) {
		px[i], px[i+1], px[i+2] = float32(r), float32(g), float32(bl)
		i += 3
	}
	switch m := img.(type) {
	case *image.YCbCr:
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				yi, ci := m.YOffset(x, y), m.COffset(x, y)
				put(color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci]))
			}
		}
	case *image.Gray:
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for _, v := range m.Pix[m.PixOffset(b.Min.X, y):m.PixOffset(b.Max.X, y)] {
				put(v, v, v)
			}
		}
	case *image.NRGBA:
		for y := b.Min.Y; y < b.Max.Y; y++ {
			row := m.Pix[m.PixOffset(b.Min.X, y):m.PixOffset(b.Max.X, y)]
			for x := 0; x < len(row); x += 4 {
				put(row[x], row[x+1], row[x+2])
			}
		}
	default:
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				put(dropAlpha(img.At(x, y)))
			}
		}
	}
	return t
}

// dropAlpha returns c's un-premultiplied colour as 8-bit RGB. Colours stored
// un-premultiplied (NRGBA, NRGBA64, as PNG and GIF palettes hold them) are read
// exactly; others are un-premultiplied at 16 bits, keeping the high byte.
func dropAlpha(c color.Color) (r, g, b uint8) {
	switch c := c.(type) {
	case color.NRGBA:
		return c.R, c.G, c.B
	case color.NRGBA64:
		return uint8(c.R >> 8), uint8(c.G >> 8), uint8(c.B >> 8)
	}
	n := color.NRGBA64Model.Convert(c).(color.NRGBA64)
	return uint8(n.R >> 8), uint8(n.G >> 8), uint8(n.B >> 8)
}
