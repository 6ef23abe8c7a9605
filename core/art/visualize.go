package art

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"visage/core/tensor"
	"visage/models/facerec"
	"visage/models/vgg19"
)

// This file holds "what are deep ConvNets learning?" (Zeiler & Fergus, 2014,
// as the course shows it): a layer's feature maps, and for a unit (a channel)
// the input patches that excite it most, each the unit's receptive field
// around the position of its largest activation.

// Field is the receptive field of a layer's units in the input image: unit
// (y, x) sees rows Offset + y·Stride … Offset + y·Stride + Size − 1 (and the
// same columns with x). Offset is ≤ 0: the zero padding of 'same'
// convolutions reaches outside the image.
type Field struct {
	Size   int `js:"size"`
	Stride int `js:"stride"`
	Offset int `js:"offset"`
}

// Through returns the field one layer further: units of a layer with
// kernel k, stride s and pad rows of padding before its first input (0 for
// 'valid') on the layer whose field is f. The kernel widens the field by
// k − 1 of f's strides, the padding moves its start pad strides out, and
// the stride multiplies.
func (f Field) Through(k, s, pad int) Field {
	return Field{Size: f.Size + (k-1)*f.Stride, Stride: f.Stride * s, Offset: f.Offset - pad*f.Stride}
}

// ReceptiveField returns the receptive field of the named VGG-19 layer
// (vgg19.Layers): each 3×3, stride-1, 'same' convolution widens the field by
// 2 strides and moves its start one stride out; each 2×2, stride-2 pooling
// (before conv2_1, conv3_1, conv4_1, conv5_1, no padding on its start side)
// widens it by one stride and doubles the stride. conv1_1 is {3, 1, −1},
// conv5_1 is {156, 16, −70}.
func ReceptiveField(layer string) (Field, error) {
	f := Field{Size: 1, Stride: 1}
	for _, name := range vgg19.Layers() {
		if name != "conv1_1" && name[len(name)-2:] == "_1" { // a pool starts each block after the first
			f = f.Through(2, 2, 0)
		}
		f = f.Through(3, 1, 1)
		if name == layer {
			return f, nil
		}
	}
	return Field{}, fmt.Errorf("art: unknown layer %q (have %v)", layer, vgg19.Layers())
}

// FaceRecField returns the receptive field, in the 150×150 chip, of the
// named layer of the face encoder (facerec.Layers): the stem conv32_down is
// a 7×7, stride-2 'valid' convolution, {7, 2, 0}, and a 3×3, stride-2
// 'valid' max pool follows it; each residual block adds two 3×3, stride-1
// 'same' convolutions; each *_down block (and conv256_down_out) starts
// with a 3×3, stride-2 'valid' convolution instead of the first, and its
// shortcut (a 2×2 average pool) sees less than that path. The zero
// padding at the bottom and right of an odd-sized *_down block does not
// move the field. conv32_1 is {27, 4, −8}, conv256_down_out {899, 64, −384}:
// from conv128_1 on, every unit sees the whole chip and more.
func FaceRecField(layer string) (Field, error) {
	f := Field{Size: 1, Stride: 1}
	for _, name := range facerec.Layers() {
		switch {
		case name == "conv32_down":
			f = f.Through(7, 2, 0)
		case strings.Contains(name, "_down"):
			f = f.Through(3, 2, 0).Through(3, 1, 1)
		default:
			f = f.Through(3, 1, 1).Through(3, 1, 1)
		}
		if name == layer {
			return f, nil
		}
		if name == "conv32_down" {
			f = f.Through(3, 2, 0) // its max pool
		}
	}
	return Field{}, fmt.Errorf("art: unknown face encoder layer %q (have %v)", layer, facerec.Layers())
}

// Window returns the input window of unit (y, x), clipped to an h×w image:
// rows top … bottom−1, columns left … right−1.
func (f Field) Window(y, x, h, w int) (top, left, bottom, right int) {
	top, left = f.Offset+y*f.Stride, f.Offset+x*f.Stride
	return max(top, 0), max(left, 0), min(top+f.Size, h), min(left+f.Size, w)
}

// FeatureMap returns channel c of act ([H,W,C], post-ReLU) as a new [H,W]
// tensor scaled to 0..1 by the channel's largest value; a silent channel (no
// value above 0) is all zeros. It panics when c is out of range.
func FeatureMap(act *tensor.Tensor, c int) *tensor.Tensor {
	h, w, nc := act.Shape[0], act.Shape[1], act.Shape[2]
	if c < 0 || c >= nc {
		panic(fmt.Sprintf("art: FeatureMap: channel %d of %d", c, nc))
	}
	m := tensor.New(h, w)
	var peak float32
	for i := range m.Data {
		m.Data[i] = act.Data[i*nc+c]
		peak = max(peak, m.Data[i])
	}
	if peak > 0 {
		for i := range m.Data {
			m.Data[i] = max(m.Data[i], 0) / peak
		}
	} else {
		clear(m.Data)
	}
	return m
}

// StrongestChannels returns the k channels of act ([H,W,C]) with the largest
// mean activation, strongest first (ties: lower channel first); all C when k
// ≥ C.
func StrongestChannels(act *tensor.Tensor, k int) []int {
	nc := act.Shape[len(act.Shape)-1]
	sum := make([]float64, nc)
	for i, v := range act.Data {
		sum[i%nc] += float64(v)
	}
	order := make([]int, nc)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(sum[b], sum[a]) })
	return order[:min(max(k, 0), nc)]
}

// Patch is where one unit responds most in one image, and the input window
// it sees there.
type Patch struct {
	Image int     // index of the image in StrongestPatches' arguments
	Y, X  int     // the unit's position in the layer's activation
	Value float32 // its activation there
	// The receptive window clipped to the image: rows Top … Bottom−1,
	// columns Left … Right−1.
	Top, Left, Bottom, Right int
}

// StrongestPatches returns, for channel c of a layer with receptive field f,
// one patch per image: the position of the channel's largest activation
// (the first in row-major order on ties) in acts[i], the layer's activation
// [h,w,C] for images[i] ([H,W,3]). The patches are sorted by activation,
// strongest first (ties: lower image first); images where the channel is
// silent (nothing above 0) are left out. It panics when the lengths differ
// or c is out of range.
func StrongestPatches(images, acts []*tensor.Tensor, c int, f Field) []Patch {
	if len(images) != len(acts) {
		panic("art: StrongestPatches: images and activations differ in number")
	}
	var out []Patch
	for i, a := range acts {
		nc := a.Shape[2]
		if c < 0 || c >= nc {
			panic(fmt.Sprintf("art: StrongestPatches: channel %d of %d", c, nc))
		}
		best, at := float32(0), -1
		for j := c; j < len(a.Data); j += nc {
			if a.Data[j] > best {
				best, at = a.Data[j], j/nc
			}
		}
		if at < 0 {
			continue
		}
		p := Patch{Image: i, Y: at / a.Shape[1], X: at % a.Shape[1], Value: best}
		p.Top, p.Left, p.Bottom, p.Right = f.Window(p.Y, p.X, images[i].Shape[0], images[i].Shape[1])
		out = append(out, p)
	}
	slices.SortStableFunc(out, func(a, b Patch) int { return cmp.Compare(b.Value, a.Value) })
	return out
}

// Crop returns the patch's window of img ([H,W,C], the image the patch was
// found in) as a new tensor.
func (p Patch) Crop(img *tensor.Tensor) *tensor.Tensor {
	return crop(img, p.Top, p.Left, p.Bottom-p.Top, p.Right-p.Left)
}
