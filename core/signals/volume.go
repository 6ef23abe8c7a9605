package signals

import (
	"fmt"
	"strconv"
	"strings"

	"visage/core/imageio"
	"visage/core/tensor"
)

// Volume stacks video frames into the [T,H,W,1] volume MotionEnergy takes:
// each frame ([H,W,3] RGB 0..255, all of one size, at least 3) becomes its
// luma (BT.601: 0.299 R + 0.587 G + 0.114 B) scaled to 0..1, with its
// longer side area-averaged down to size (frames already that small are
// kept as they are). The frames are not modified.
func Volume(frames []*tensor.Tensor, size int) (*tensor.Tensor, error) {
	if len(frames) < 3 {
		return nil, fmt.Errorf("signals: %d frames, want at least 3", len(frames))
	}
	if size < 3 {
		return nil, fmt.Errorf("signals: frame size %d, want at least 3", size)
	}
	var vol *tensor.Tensor
	for i, f := range frames {
		if f.Rank() != 3 || f.Shape[2] != 3 {
			return nil, fmt.Errorf("signals: frame %d has shape %v, want [H,W,3] RGB", i, f.Shape)
		}
		if i > 0 && !tensor.SameShape(f, frames[0]) {
			return nil, fmt.Errorf("signals: frame %d is %dx%d, frame 0 %dx%d: frames must share a size", i, f.Shape[1], f.Shape[0], frames[0].Shape[1], frames[0].Shape[0])
		}
		img := imageio.DownscaleArea(f, size)
		h, w := img.Shape[0], img.Shape[1]
		if vol == nil {
			vol = tensor.New(len(frames), h, w, 1)
		}
		for j := range h * w {
			p := img.Data[3*j : 3*j+3]
			vol.Data[i*h*w+j] = (0.299*p[0] + 0.587*p[1] + 0.114*p[2]) / 255
		}
	}
	return vol, nil
}

// Shapes writes a convolution's shapes as the course does, input * filters
// → output: "16×32×32×1 * 4 filters of 3×3×3 → 14×30×30×4". filter is the
// weights' shape (the spatial sizes, then input and output channels); a 1D
// filter's size is written f×1, as the course writes it ("* 2 filters of
// 9×1").
func Shapes(input, filter, output []int) string {
	dims := func(s []int) string {
		parts := make([]string, len(s))
		for i, v := range s {
			parts[i] = strconv.Itoa(v)
		}
		return strings.Join(parts, "×")
	}
	spatial := filter[:len(filter)-2]
	kernel := dims(spatial)
	if len(spatial) == 1 {
		kernel += "×1"
	}
	return fmt.Sprintf("%s * %d filters of %s → %s", dims(input), filter[len(filter)-1], kernel, dims(output))
}
