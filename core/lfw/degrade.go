package lfw

import (
	"visage/core/imageio"
	"visage/core/tensor"
)

// DegradeSmallGrey is Options.Degrade's small grey faces: every image
// shrunk by SmallGrey.
const DegradeSmallGrey = "small-grey"

// SmallGreySide is the largest side of DegradeSmallGrey's images: LFW's
// 250×250 photos halved, so that its faces (about 110 px wide in the
// deep-funneled set) are about 55 px wide, as small faces in a crowd or a
// security camera's frame are.
const SmallGreySide = 125

// SmallGrey returns img ([H,W,3]) shrunk so that its largest side is
// SmallGreySide (box filter) and made grey (three equal channels); a new
// tensor.
func SmallGrey(img *tensor.Tensor) *tensor.Tensor {
	return imageio.Greyscale(imageio.DownscaleArea(img, SmallGreySide))
}
