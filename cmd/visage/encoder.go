package main

import (
	"os"

	"visage/core/face"
	"visage/models/assets"
	"visage/models/mobilefacenet"
)

// loadMobileFaceNet loads MobileFaceNet from human-models (node_modules, or
// $VISAGE_HUMAN_MODELS); unit selects human's x/255 input scaling instead of
// the network's training scaling (see visage/models/mobilefacenet).
func loadMobileFaceNet(unit bool) (face.Encoder, error) {
	dir, err := assets.HumanModelsDir()
	if err != nil {
		return nil, err
	}
	net, err := mobilefacenet.Load(os.DirFS(dir))
	if err != nil {
		return nil, err
	}
	if unit {
		net.Input = mobilefacenet.Unit
	}
	return net, nil
}
