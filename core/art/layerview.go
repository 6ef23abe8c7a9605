package art

import (
	"visage/core/tensor"
	"visage/models/vgg19"
)

// LayerView is what the Art view shows of one layer over a few images
// (content, style, generated): the strongest channels of one of them, with
// its activation to draw their FeatureMaps from, and for the first of those
// channels where each image excites them most.
type LayerView struct {
	Field    Field          // the layer's receptive field
	Channels []int          // StrongestChannels of Act
	Act      *tensor.Tensor // the source image's activation of the layer, [h,w,C]
	// Patches[i] is StrongestPatches of Channels[i] over the images
	// (Patch.Image indexes them), for the first units channels.
	Patches [][]Patch
}

// ViewLayer runs every image ([H,W,3] RGB 0..255) through net up to layer
// and returns the layer's view: the maps strongest channels of
// images[source], and the patches of the first units of them (units ≤
// maps). An unknown layer is ReceptiveField's error.
func ViewLayer(net *vgg19.Net, layer string, images []*tensor.Tensor, source, maps, units int) (LayerView, error) {
	field, err := ReceptiveField(layer)
	if err != nil {
		return LayerView{}, err
	}
	acts := make([]*tensor.Tensor, len(images))
	for i, im := range images {
		pass, err := net.Forward(im, layer)
		if err != nil {
			return LayerView{}, err
		}
		acts[i] = pass.Activation(layer)
	}
	v := LayerView{Field: field, Act: acts[source], Channels: StrongestChannels(acts[source], maps)}
	for _, c := range v.Channels[:min(units, len(v.Channels))] {
		v.Patches = append(v.Patches, StrongestPatches(images, acts, c, field))
	}
	return v, nil
}
