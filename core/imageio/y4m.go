package imageio

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"visage/core/tensor"
)

// Y4M reads a YUV4MPEG2 video (.y4m: what ffmpeg writes with
// `-f yuv4mpegpipe` and Chromium's fake camera plays) frame by frame. It
// takes the 8-bit colour spaces C420 (C420jpeg, C420paldv, C420mpeg2 and
// plain C420, which differ only in where chroma samples sit; all are read
// as centred), C422, C444 and Cmono; a missing C tag means 4:2:0. Frames
// are converted to RGB with BT.601 limited-range coefficients (Y 16..235),
// as ffmpeg's yuv420p from a JPEG is.
type Y4M struct {
	r            *bufio.Reader
	Width        int
	Height       int
	FPSNum       int // frame rate, FPSNum/FPSDen frames a second (0/0 when not given)
	FPSDen       int
	chromaW, cHt int // chroma plane size (0 for mono)
}

// NewY4M reads the stream header from r. It refuses, before reading any
// frame, a header that is not YUV4MPEG2, has no positive W and H, a size
// over MaxPixels, or a colour space it does not read.
func NewY4M(r io.Reader) (*Y4M, error) {
	br := bufio.NewReader(r)
	if magic, _ := br.Peek(10); string(magic) != "YUV4MPEG2 " {
		return nil, fmt.Errorf("imageio: expected a y4m header starting YUV4MPEG2, found %q", clip(string(magic)))
	}
	line, err := readLine(br, 1024)
	if err != nil {
		return nil, fmt.Errorf("imageio: y4m header: %w", err)
	}
	fields := strings.Fields(line)
	v := &Y4M{r: br}
	cs := "420"
	for _, f := range fields[1:] {
		val := f[1:]
		switch f[0] {
		case 'W':
			v.Width, err = strconv.Atoi(val)
		case 'H':
			v.Height, err = strconv.Atoi(val)
		case 'F':
			n, d, ok := strings.Cut(val, ":")
			if !ok {
				return nil, fmt.Errorf("imageio: y4m frame rate %q: expected N:D", val)
			}
			if v.FPSNum, err = strconv.Atoi(n); err == nil {
				v.FPSDen, err = strconv.Atoi(d)
			}
		case 'C':
			cs = val
		}
		if err != nil {
			return nil, fmt.Errorf("imageio: y4m header field %q: %w", f, err)
		}
	}
	if err := CheckSize("y4m frame", v.Width, v.Height); err != nil {
		return nil, err
	}
	switch {
	case strings.HasPrefix(cs, "420") && (cs == "420" || cs == "420jpeg" || cs == "420paldv" || cs == "420mpeg2"):
		v.chromaW, v.cHt = (v.Width+1)/2, (v.Height+1)/2
	case cs == "422":
		v.chromaW, v.cHt = (v.Width+1)/2, v.Height
	case cs == "444":
		v.chromaW, v.cHt = v.Width, v.Height
	case cs == "mono":
	default:
		return nil, fmt.Errorf("imageio: y4m colour space C%s: expected C420, C420jpeg, C420paldv, C420mpeg2, C422, C444 or Cmono (8 bits)", cs)
	}
	return v, nil
}

// Next returns the next frame as a new [H,W,3] RGB tensor (0..255), or
// io.EOF after the last one. A frame cut short is io.ErrUnexpectedEOF.
func (v *Y4M) Next() (*tensor.Tensor, error) {
	line, err := readLine(v.r, 1024)
	if errors.Is(err, io.EOF) && line == "" {
		return nil, io.EOF
	}
	if err != nil {
		return nil, fmt.Errorf("imageio: y4m frame header: %w", err)
	}
	if line != "FRAME" && !strings.HasPrefix(line, "FRAME ") {
		return nil, fmt.Errorf("imageio: expected a y4m FRAME line, found %q", clip(line))
	}
	w, h := v.Width, v.Height
	planes := make([]byte, w*h+2*v.chromaW*v.cHt)
	if _, err := io.ReadFull(v.r, planes); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("imageio: y4m frame of %dx%d: %w", w, h, err)
	}
	yp, up, vp := planes[:w*h], planes[w*h:w*h+v.chromaW*v.cHt], planes[w*h+v.chromaW*v.cHt:]
	out := tensor.New(h, w, 3)
	for y := range h {
		for x := range w {
			luma := 1.164 * (float64(yp[y*w+x]) - 16)
			var cb, cr float64
			if v.chromaW > 0 {
				cx, cy := x*v.chromaW/w, y*v.cHt/h
				cb, cr = float64(up[cy*v.chromaW+cx])-128, float64(vp[cy*v.chromaW+cx])-128
			}
			o := out.Data[(y*w+x)*3:]
			o[0] = clamp255(luma + 1.596*cr)
			o[1] = clamp255(luma - 0.392*cb - 0.813*cr)
			o[2] = clamp255(luma + 2.017*cb)
		}
	}
	return out, nil
}

func clamp255(x float64) float32 {
	return float32(min(max(x, 0), 255))
}

// readLine reads up to '\n' (not returned), refusing a line over limit bytes.
func readLine(r *bufio.Reader, limit int) (string, error) {
	var b []byte
	for {
		c, err := r.ReadByte()
		if err != nil {
			if errors.Is(err, io.EOF) && len(b) > 0 {
				err = io.ErrUnexpectedEOF
			}
			return string(b), err
		}
		if c == '\n' {
			return string(b), nil
		}
		if len(b) >= limit {
			return "", fmt.Errorf("a header line over %d bytes", limit)
		}
		b = append(b, c)
	}
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
