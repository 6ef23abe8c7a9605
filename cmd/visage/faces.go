package main

import (
	"errors"
	"flag"
	"fmt"
	"os"

	"visage/core/face"
	"visage/core/imageio"
	"visage/models/assets"
	"visage/models/facerec"
	"visage/models/tinyface"
)

// faceSource turns image files into faces: the one place the subcommands get
// descriptors from. Its flags say where the models are and whether the images
// are already aligned face chips.
type faceSource struct {
	modelsDir string
	aligned   bool
	align     string
	fl        *flag.FlagSet  // for --json, to print {"error":"no_face"}
	net       *facerec.Net   // loaded by the first faces call
	pipe      *face.Pipeline // loaded by the first whole-photo faces call
}

// addFlags registers --models and --aligned on fl.
func (s *faceSource) addFlags(fl *flag.FlagSet) {
	fl.StringVar(&s.modelsDir, "models", "", "`DIR` of face-api.js's model files (default $"+
		assets.EnvFaceModels+", else node_modules/@vladmandic/face-api/model above the working directory)")
	fl.BoolVar(&s.aligned, "aligned", false, "the images are aligned face chips (like dlib's 150x150 chips): encode each whole image")
	fl.StringVar(&s.align, "align", face.AlignSimilarity.String(), "how a detected face becomes a chip: similarity (dlib template) or faceapi (face-api.js's crop)")
	s.fl = fl
}

// faces returns the faces in the image file at path, best detection first,
// each with its descriptor. With --aligned the whole image is one face (box =
// the image, score 1, no landmarks). The model is loaded on the first call.
func (s *faceSource) faces(path string) ([]face.Face, error) {
	if err := s.load(); err != nil {
		return nil, err
	}
	if !s.aligned {
		img, err := imageio.DecodePhoto(path) // upright (EXIF), bounded size
		if err != nil {
			return nil, err
		}
		faces, err := s.pipe.Faces(img)
		if errors.Is(err, face.ErrNoFace) {
			return nil, s.noFace(path)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return faces, nil
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

// noFaceError is the result for a photo without a detectable face: exit
// status 3.
type noFaceError struct{ path string }

func (e noFaceError) Error() string { return "no face found in " + e.path }
func (noFaceError) ExitCode() int   { return exitNoFace }

// noFace returns noFaceError for path, first printing {"error":"no_face"}
// on stdout when the command was given --json.
func (s *faceSource) noFace(path string) error {
	if f := s.fl.Lookup("json"); f != nil && f.Value.String() == "true" {
		fmt.Println(`{"error":"no_face"}`)
	}
	return noFaceError{path}
}

// oneFace returns the face of path to verify, enroll or compare: the
// largest when there are several.
func (s *faceSource) oneFace(path string) (face.Face, error) {
	faces, err := s.faces(path)
	if err != nil {
		return face.Face{}, err
	}
	return faces[face.Largest(faces)], nil
}

// load reads the recognition network once, and for whole photos the
// detector and landmark networks.
func (s *faceSource) load() error {
	if s.net != nil {
		return nil
	}
	align, err := face.ParseAlign(s.align)
	if err != nil {
		return usagef("--align: %v", err)
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
	if !s.aligned {
		if s.pipe, err = face.LoadPipeline(os.DirFS(dir), net, align); err != nil {
			return fmt.Errorf("loading the face detection models from %s: %w", dir, err)
		}
		tiny, err := tinyface.Load(os.DirFS(dir))
		if err != nil {
			return fmt.Errorf("loading the tiny face detector from %s: %w", dir, err)
		}
		s.pipe = s.pipe.WithPhotoFallbacks(tiny)
		s.pipe.MaxDetectSide = face.DefaultMaxDetectSide
	}
	s.net = net
	return nil
}
