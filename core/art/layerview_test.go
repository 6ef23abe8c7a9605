package art

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"visage/core/tensor"
	"visage/models/vgg19"
	"visage/models/vgg19/vgg19test"
)

// TestViewLayer checks the view of conv2_1 over three images against the
// network's activations ranked and cut by StrongestChannels and
// StrongestPatches.
func TestViewLayer(t *testing.T) {
	net := vgg19test.Net(7, vgg19.AvgPool)
	images := []*tensor.Tensor{randomImage(12, 16, 1), randomImage(12, 16, 2), randomImage(12, 16, 3)}
	const layer, source, maps, units = "conv2_1", 2, 4, 2
	v, err := ViewLayer(net, layer, images, source, maps, units)
	if err != nil {
		t.Fatal(err)
	}
	var acts []*tensor.Tensor
	for _, im := range images {
		pass, err := net.Forward(im, layer)
		if err != nil {
			t.Fatal(err)
		}
		acts = append(acts, pass.Activation(layer))
	}
	want := StrongestChannels(acts[source], maps)
	if !slices.Equal(v.Channels, want) || len(v.Channels) != maps || !slices.Equal(v.Act.Data, acts[source].Data) {
		t.Fatalf("channels %v, want %v (and the source image's activation)", v.Channels, want)
	}
	if v.Field != (Field{Size: 10, Stride: 2, Offset: -4}) || len(v.Patches) != units {
		t.Fatalf("field %+v, %d patch lists; want conv2_1's and %d", v.Field, len(v.Patches), units)
	}
	for i, c := range want[:units] {
		if w := StrongestPatches(images, acts, c, v.Field); !reflect.DeepEqual(v.Patches[i], w) {
			t.Errorf("channel %d: patches %+v, want %+v", c, v.Patches[i], w)
		}
	}
	if _, err := ViewLayer(net, "fc7", images, 0, 1, 0); err == nil || !strings.Contains(err.Error(), `unknown layer "fc7"`) {
		t.Errorf("an unknown layer: %v", err)
	}
}
