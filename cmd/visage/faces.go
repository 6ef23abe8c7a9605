package main

import (
	"flag"
	"fmt"
	"os"

	"visage/core/face"
	"visage/core/imageio"
	"visage/models/assets"
	"visage/models/facerec"
)

// faceSource turns image files into faces: the one place the subcommands get
// descriptors from. Its flags say where the models are and whether the images
// are already aligned face chips.
type faceSource struct {
	modelsDir string
	aligned   bool
	net       *facerec.Net // loaded by the first faces call
}

// addFlags registers --models and --aligned on fl.
func (s *faceSource) addFlags(fl *flag.FlagSet) {
	fl.StringVar(&s.modelsDir, "models", "", "`DIR` of face-api.js's model files (default $"+
		assets.EnvFaceModels+", else node_modules/@vladmandic/face-api/model above the working directory)")
	fl.BoolVar(&s.aligned, "aligned", false, "the images are aligned face chips (like dlib's 150x150 chips): encode each whole image")
}

// faces returns the faces in the image file at path, best detection first,
// each with its descriptor. With --aligned the whole image is one face (box =
// the image, score 1, no landmarks). The model is loaded on the first call.
func (s *faceSource) faces(path string) ([]face.Face, error) {
	if !s.aligned {
		return nil, fmt.Errorf("finding faces in whole photos is not available yet: pass --aligned with images that are face chips")
	}
	if err := s.load(); err != nil {
		return nil, err
	}
	img, err := imageio.DecodeFile(path)
	if err != nil {
		return nil, err
	}
	enc, err := s.net.Encode(img)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	box := face.Box{W: float64(img.Shape[1]), H: float64(img.Shape[0])}
	return []face.Face{{Box: box, Score: 1, Encoding: enc}}, nil
}

// oneFace returns the face of path to verify, enroll or compare: the best
// detection when there are several.
func (s *faceSource) oneFace(path string) (face.Face, error) {
	faces, err := s.faces(path)
	if err != nil {
		return face.Face{}, err
	}
	return faces[0], nil
}

// load reads the recognition network once.
func (s *faceSource) load() error {
	if s.net != nil {
		return nil
	}
	dir := s.modelsDir
	if dir == "" {
		var err error
		if dir, err = assets.FaceModelsDir(); err != nil {
			return err
		}
	}
	net, err := facerec.Load(os.DirFS(dir))
	if err != nil {
		return fmt.Errorf("loading the face recognition model from %s: %w", dir, err)
	}
	s.net = net
	return nil
}
