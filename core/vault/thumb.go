package vault

import (
	"fmt"
	"math"

	"visage/core/face"
	"visage/core/tensor"
)

// ThumbSide is the side of the thumbnails CutThumbnail makes, in pixels.
const ThumbSide = 64

// thumbMargin widens the square cut around a face box, so the thumbnail
// shows the head, not only the features.
const thumbMargin = 1.3

// thumbFill is the grey of a thumbnail's pixels that fall outside the image.
const thumbFill = 0x88

// CutThumbnail cuts the square around box (its longer side times 1.3,
// centred on it) out of img, an H×W×3 tensor of 0..255 RGB values, as a
// ThumbSide×ThumbSide opaque RGBA thumbnail: each pixel the mean of 4×4
// samples, grey where the square leaves the image.
func CutThumbnail(img *tensor.Tensor, box face.Box) (*Thumbnail, error) {
	if img.Rank() != 3 || img.Shape[2] != 3 || img.Shape[0] < 1 || img.Shape[1] < 1 {
		return nil, fmt.Errorf("vault: a thumbnail is cut from an H×W×3 image, found shape %v", img.Shape)
	}
	for _, v := range []float64{box.X, box.Y, box.W, box.H} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("vault: a thumbnail needs a box of finite numbers, found %+v", box)
		}
	}
	if !(box.W > 0 && box.H > 0) {
		return nil, fmt.Errorf("vault: a thumbnail needs a box of positive size, found %+v", box)
	}
	h, w := img.Shape[0], img.Shape[1]
	side := math.Max(box.W, box.H) * thumbMargin
	x0, y0 := box.X+box.W/2-side/2, box.Y+box.H/2-side/2
	const samples = 4
	step := side / ThumbSide / samples
	t := &Thumbnail{Width: ThumbSide, Height: ThumbSide, RGBA: make([]byte, ThumbSide*ThumbSide*4)}
	for ty := range ThumbSide {
		for tx := range ThumbSide {
			var sum [3]float64
			for sy := range samples {
				y := int(math.Floor(y0 + (float64(ty*samples+sy)+0.5)*step))
				for sx := range samples {
					x := int(math.Floor(x0 + (float64(tx*samples+sx)+0.5)*step))
					if x < 0 || y < 0 || x >= w || y >= h {
						for c := range sum {
							sum[c] += thumbFill
						}
						continue
					}
					for c := range sum {
						sum[c] += float64(img.Data[(y*w+x)*3+c])
					}
				}
			}
			o := (ty*ThumbSide + tx) * 4
			for c := range sum {
				t.RGBA[o+c] = uint8(math.Round(min(max(sum[c]/samples/samples, 0), 255)))
			}
			t.RGBA[o+3] = 255
		}
	}
	return t, nil
}
