package art

import (
	"errors"
	"fmt"

	"visage/core/imageio"
	"visage/core/tensor"
	"visage/models/vgg19"
)

// Limits on a UnitsPass, as `visage convnet-units`' flags have them.
const (
	MaxUnitsK    = 100
	MinUnitsSize = 16
	MaxUnitsSize = 1024
)

// UnitsPass is what `visage convnet-units` computes for one layer, fed one
// image at a time (the page's "Inside the network" card): each image is
// scaled down to Size (its longer side, area-averaged), run through VGG-19
// with average pooling up to Layer, and its activation added to Top. It
// keeps no image: Window and Map take the image again. Not safe for
// concurrent use.
type UnitsPass struct {
	Net    vgg19.Net // the weights given, with average pooling
	Layer  string
	Field  Field // Layer's receptive field
	Size   int
	Top    *TopUnits
	Images int // how many images Add has taken
}

// NewUnitsPass starts a pass over layer (one of vgg19.Layers) of net's
// weights, keeping each unit's k strongest images (1..MaxUnitsK), every
// image scaled to size (MinUnitsSize..MaxUnitsSize). net's pooling is not
// used: the pass pools as convnet-units does (average), whatever a style
// transfer chose.
func NewUnitsPass(net *vgg19.Net, layer string, k, size float64) (*UnitsPass, error) {
	f, err := ReceptiveField(layer)
	if err != nil {
		return nil, err
	}
	if k < 1 || k > MaxUnitsK || k != float64(int(k)) || size < MinUnitsSize || size > MaxUnitsSize || size != float64(int(size)) {
		return nil, fmt.Errorf("k %v and size %v, want whole numbers in 1..%d and %d..%d", k, size, MaxUnitsK, MinUnitsSize, MaxUnitsSize)
	}
	p := &UnitsPass{Net: *net, Layer: layer, Field: f, Size: int(size), Top: NewTopUnits(int(k))}
	p.Net.Pool = vgg19.AvgPool
	return p, nil
}

// Scaled is img ([H,W,3] RGB) as the pass sees it: its longer side scaled
// down to Size.
func (p *UnitsPass) Scaled(img *tensor.Tensor) *tensor.Tensor {
	return imageio.DownscaleArea(img, p.Size)
}

// Add runs the next image through the network and adds its activation of
// Layer to Top as image number Images.
func (p *UnitsPass) Add(img *tensor.Tensor) error {
	act, err := p.activation(p.Scaled(img))
	if err != nil {
		return err
	}
	p.Top.Add(p.Images, act)
	p.Images++
	return nil
}

// Ranking is every channel of Layer, strongest first (TopUnits.Units); an
// error before any image.
func (p *UnitsPass) Ranking() ([]int, error) {
	if p.Images == 0 {
		return nil, errors.New("the pass has seen no image yet")
	}
	return p.Top.Units(1 << 30), nil
}

// Window is the input window of the unit at (y, x) of Layer in scaled, an
// image as Scaled returns it, clipped to it; an error when the unit sees
// none of it.
func (p *UnitsPass) Window(scaled *tensor.Tensor, y, x int) (Patch, error) {
	h, w := scaled.Shape[0], scaled.Shape[1]
	win := Patch{Y: y, X: x}
	win.Top, win.Left, win.Bottom, win.Right = p.Field.Window(y, x, h, w)
	if win.Bottom <= win.Top || win.Right <= win.Left {
		return Patch{}, fmt.Errorf("(y %d, x %d) of %s sees nothing of a %d×%d image", y, x, p.Layer, w, h)
	}
	return win, nil
}

// Map returns img as the pass sees it (Scaled) and its activation of Layer
// ([h,w,C]), for FeatureMap; it changes nothing in the pass.
func (p *UnitsPass) Map(img *tensor.Tensor) (scaled, act *tensor.Tensor, err error) {
	scaled = p.Scaled(img)
	act, err = p.activation(scaled)
	return scaled, act, err
}

func (p *UnitsPass) activation(scaled *tensor.Tensor) (*tensor.Tensor, error) {
	pass, err := p.Net.Forward(scaled, p.Layer)
	if err != nil {
		return nil, err
	}
	return pass.Activation(p.Layer), nil
}
