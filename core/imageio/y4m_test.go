package imageio

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"
)

// y4m420 builds a C420jpeg stream of w×h frames, frame k's luma at (x, y)
// being luma(k, x, y) and every chroma sample (cb, cr).
func y4m420(w, h, frames int, luma func(k, x, y int) byte, cb, cr byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "YUV4MPEG2 W%d H%d F10:1 Ip A1:1 C420jpeg XYSCSS=420JPEG\n", w, h)
	cw, ch := (w+1)/2, (h+1)/2
	for k := range frames {
		b.WriteString("FRAME\n")
		for y := range h {
			for x := range w {
				b.WriteByte(luma(k, x, y))
			}
		}
		b.Write(bytes.Repeat([]byte{cb}, cw*ch))
		b.Write(bytes.Repeat([]byte{cr}, cw*ch))
	}
	return b.Bytes()
}

// TestY4MColours: grey levels and pure colours, by BT.601 limited range
// worked by hand: Y 16 is black, Y 235 white (1.164·219 = 254.9); Y 81,
// Cb 90, Cr 240 is red (R = 1.164·65 + 1.596·112 = 254.4, G = 75.7 −
// 0.392·(−38) − 0.813·112 = −0.5 → 0, B = 75.7 + 2.017·(−38) = −1.0 → 0).
func TestY4MColours(t *testing.T) {
	for _, c := range []struct {
		y, cb, cr byte
		want      [3]float64
	}{
		{16, 128, 128, [3]float64{0, 0, 0}},
		{235, 128, 128, [3]float64{254.9, 254.9, 254.9}},
		{81, 90, 240, [3]float64{254.4, 0, 0}},
	} {
		v, err := NewY4M(bytes.NewReader(y4m420(4, 2, 1, func(int, int, int) byte { return c.y }, c.cb, c.cr)))
		if err != nil {
			t.Fatal(err)
		}
		f, err := v.Next()
		if err != nil {
			t.Fatal(err)
		}
		for k := range 3 {
			if math.Abs(float64(f.Data[k])-c.want[k]) > 0.3 {
				t.Errorf("Y %d Cb %d Cr %d: RGB %v, want %v", c.y, c.cb, c.cr, f.Data[:3], c.want)
				break
			}
		}
	}
}

// TestY4MFrames: three 5×3 frames (odd sizes: chroma rounds up) whose luma
// encodes the frame and position come back in order, then io.EOF.
func TestY4MFrames(t *testing.T) {
	luma := func(k, x, y int) byte { return byte(16 + 50*k + 10*y + x) }
	v, err := NewY4M(bytes.NewReader(y4m420(5, 3, 3, luma, 128, 128)))
	if err != nil {
		t.Fatal(err)
	}
	if v.Width != 5 || v.Height != 3 || v.FPSNum != 10 || v.FPSDen != 1 {
		t.Fatalf("header read as %dx%d at %d/%d fps, want 5x3 at 10/1", v.Width, v.Height, v.FPSNum, v.FPSDen)
	}
	for k := range 3 {
		f, err := v.Next()
		if err != nil {
			t.Fatalf("frame %d: %v", k, err)
		}
		for y := range 3 {
			for x := range 5 {
				want := 1.164 * float64(luma(k, x, y)-16)
				if got := float64(f.Data[(y*5+x)*3+1]); math.Abs(got-want) > 1e-3 {
					t.Fatalf("frame %d pixel (%d, %d): green %v, want %v", k, x, y, got, want)
				}
			}
		}
	}
	if _, err := v.Next(); err != io.EOF {
		t.Errorf("after the last frame: %v, want io.EOF", err)
	}
}

func TestY4MErrors(t *testing.T) {
	good := y4m420(4, 2, 1, func(int, int, int) byte { return 100 }, 128, 128)
	for _, c := range []struct {
		name, data, want string
	}{
		{"not y4m", "GIF89a....", "expected a y4m header starting YUV4MPEG2"},
		{"no size", "YUV4MPEG2 F10:1\nFRAME\n", "expected a width and height"},
		{"bad number", "YUV4MPEG2 Wabc H2\n", `header field "Wabc"`},
		{"10-bit", "YUV4MPEG2 W4 H2 C420p10\n", "colour space C420p10"},
		{"too big", "YUV4MPEG2 W100000 H100000\n", "megapixels"},
		{"truncated frame", string(good[:len(good)-3]), "unexpected EOF"},
		{"not a frame", strings.Replace(string(good), "FRAME", "FRAMX", 1), "expected a y4m FRAME line"},
	} {
		v, err := NewY4M(strings.NewReader(c.data))
		if err == nil {
			_, err = v.Next()
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error containing %q", c.name, err, c.want)
		}
		if c.name == "truncated frame" && !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("truncated frame: %v does not wrap io.ErrUnexpectedEOF", err)
		}
	}
}

// FuzzY4M: any input either fails cleanly or yields frames of the header's
// size with RGB in [0, 255].
func FuzzY4M(f *testing.F) {
	f.Add(y4m420(4, 2, 2, func(k, x, y int) byte { return byte(k*40 + x) }, 90, 240))
	f.Add([]byte("YUV4MPEG2 W2 H2 Cmono\nFRAME\n\x10\x20\x30\x40"))
	f.Add([]byte("YUV4MPEG2 W3 H1 C444\nFRAME\n123456789"))
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := NewY4M(bytes.NewReader(data))
		if err != nil {
			return
		}
		for range 4 {
			fr, err := v.Next()
			if err != nil {
				return
			}
			if fr.Shape[0] != v.Height || fr.Shape[1] != v.Width || fr.Shape[2] != 3 {
				t.Fatalf("frame shape %v for a %dx%d header", fr.Shape, v.Width, v.Height)
			}
			for _, x := range fr.Data {
				if !(x >= 0 && x <= 255) {
					t.Fatalf("RGB value %v outside [0, 255]", x)
				}
			}
		}
	})
}
