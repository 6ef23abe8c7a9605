package main

import (
	"os"

	"visage/core/face"
	"visage/models/assets"
	"visage/models/faceres"
	"visage/models/mobilefacenet"
)

// loadFaceEncoder loads the human-models encoder called name
// (mobilefacenet, unit as loadMobileFaceNet's, or faceres) with its chips.
func loadFaceEncoder(name string, unit bool) (face.FaceEncoder, error) {
	if name == face.EncoderMobileFaceNet {
		net, err := loadMobileFaceNet(unit)
		if err != nil {
			return nil, err
		}
		return face.MobileFaceNet{Net: net}, nil
	}
	dir, err := assets.HumanModelsDir()
	if err != nil {
		return nil, err
	}
	net, err := faceres.Load(os.DirFS(dir))
	if err != nil {
		return nil, err
	}
	return face.FaceRes{Net: net}, nil
}

// loadMobileFaceNet loads MobileFaceNet from human-models (node_modules, or
// $VISAGE_HUMAN_MODELS); unit selects human's x/255 input scaling (the
// default), else the network's training scaling (see
// visage/models/mobilefacenet).
func loadMobileFaceNet(unit bool) (face.Encoder, error) {
	dir, err := assets.HumanModelsDir()
	if err != nil {
		return nil, err
	}
	net, err := mobilefacenet.Load(os.DirFS(dir))
	if err != nil {
		return nil, err
	}
	net.Input = mobilefacenet.Symmetric
	if unit {
		net.Input = mobilefacenet.Unit
	}
	return net, nil
}
