package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"visage/core/face"
	"visage/core/imageio"
	"visage/core/tensor"
	"visage/models/assets"
	"visage/models/facerec"
	"visage/models/landmarks"
	"visage/models/tinyface"
)

// faceSource turns image files into faces: the one place the subcommands get
// descriptors from. Its flags say where the models are and whether the images
// are already aligned face chips.
type faceSource struct {
	modelsDir string
	aligned   bool
	align     string
	mirror    bool
	encoder   string           // --encoder: face.EncoderDlib or face.EncoderMobileFaceNet
	all       bool             // --all, where the command offers it
	fl        *flag.FlagSet    // for --json, to print {"error":"no_face"}
	net       face.FaceEncoder // loaded by the first faces call
	pipe      *face.Pipeline   // loaded by the first whole-photo faces call
}

// addFlags registers --models and --aligned on fl.
func (s *faceSource) addFlags(fl *flag.FlagSet) {
	fl.StringVar(&s.modelsDir, "models", "", "`DIR` of face-api.js's model files (default $"+
		assets.EnvFaceModels+", else node_modules/@vladmandic/face-api/model above the working directory)")
	fl.BoolVar(&s.aligned, "aligned", false, "the images are aligned face chips (like dlib's 150x150 chips): encode each whole image")
	decide := face.DecisionSettings() // the defaults: the decision setting, as the page's
	fl.StringVar(&s.align, "align", decide.Align.String(), "how a detected face becomes a dlib chip: similarity (dlib template), faceapi (face-api.js's crop) or both (their descriptors' mean; with --mirror the decision setting, 99.08% on LFW)")
	fl.BoolVar(&s.mirror, "mirror", decide.Mirror, "average each chip's descriptor with its mirror image's (--align similarity --mirror=false: one chip a face, four times faster)")
	fl.StringVar(&s.encoder, "encoder", face.EncoderDlib, "face encoder: dlib (128 numbers, threshold 0.6), mobilefacenet (192) or faceres (1024), the last two on the ArcFace 5-point chip (human-models); a database holds one encoder's descriptors")
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
	enc, err := s.net.Encode(s.alignedChip(img))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	box := face.Box{W: float64(img.Shape[1]), H: float64(img.Shape[0])}
	return []face.Face{{Box: box, Score: 1, Encoding: enc}}, nil
}

// alignedChip is an --aligned image as the encoder's input (face.AlignedChip).
func (s *faceSource) alignedChip(img *tensor.Tensor) *tensor.Tensor {
	return face.AlignedChip(s.net.Name(), img)
}

// threshold is the encoder's default distance threshold.
func (s *faceSource) threshold() float64 { return face.EncoderThreshold(s.encoder) }

// checkGallery refuses a gallery of another encoder's descriptors.
func (s *faceSource) checkGallery(g *face.Gallery) error {
	return g.CheckEncoder(s.encoder)
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

// addAllFlag registers --all on fl (compare, verify, identify).
func (s *faceSource) addAllFlag(fl *flag.FlagSet) {
	fl.BoolVar(&s.all, "all", false, "report every face of a photo, not only the largest")
}

// chosen returns the faces of path the command reports on: every face,
// best detection first, with --all; else only the largest.
func (s *faceSource) chosen(path string) ([]face.Face, error) {
	faces, err := s.faces(path)
	if err != nil || s.all {
		return faces, err
	}
	i := face.Largest(faces)
	return faces[i : i+1], nil
}

// faceReport is where a face is, as compare, verify and identify --all
// print it: a face without its descriptor. Landmarks are null for --aligned
// chips.
type faceReport struct {
	Box       face.Box          `json:"box"`
	Score     float64           `json:"score"`
	Landmarks []landmarks.Point `json:"landmarks"`
}

func reportOf(f face.Face) faceReport { return faceReport{f.Box, f.Score, f.Landmarks} }

// usedFace is the report of the face a command used without --all, for its
// JSON ("face", compare's "face1" and "face2", enroll's "faces"): nil, so
// the key is omitted, for --aligned chips, which no detector found, and
// with --all, which reports every face beside its result.
func (s *faceSource) usedFace(f face.Face) *faceReport {
	if s.aligned || s.all {
		return nil
	}
	r := reportOf(f)
	return &r
}

// printUsed prints the face a command used (printFace) under label, when
// usedFace reports it.
func (s *faceSource) printUsed(label string, f face.Face) {
	if s.usedFace(f) != nil {
		printFace(label, f)
	}
}

func reportsOf(faces []face.Face) []faceReport {
	r := make([]faceReport, len(faces))
	for i, f := range faces {
		r[i] = reportOf(f)
	}
	return r
}

// printFace writes f's box and score on a line starting with label, and its
// landmarks (x,y to 0.1 px) on an indented second line when it has them.
func printFace(label string, f face.Face) {
	fmt.Printf("%s: box %.1f,%.1f %.1fx%.1f, score %.4f\n", label, f.Box.X, f.Box.Y, f.Box.W, f.Box.H, f.Score)
	if len(f.Landmarks) == 0 {
		return
	}
	pts := make([]string, len(f.Landmarks))
	for i, p := range f.Landmarks {
		pts[i] = fmt.Sprintf("%.1f,%.1f", p.X, p.Y)
	}
	fmt.Printf("  landmarks: %s\n", strings.Join(pts, " "))
}

// faceResult is verify's or identify's answer for one face; withFace is
// the JSON object --all prints for it: the face's report and the answer's
// fields side by side.
type faceResult interface {
	withFace(faceReport) any
}

// printResults prints verify's or identify's results for the chosen faces
// (results[i] for faces[i]): without --all the one face's result, as JSON
// (whose "face" the command set from usedFace) or as line says it followed
// by the face (printUsed); with --all {"faces":[withFace…]}, or each face
// (printFace) and its result line, indented.
func printResults[R faceResult](s *faceSource, faces []face.Face, results []R, asJSON bool, line func(R) string) error {
	switch {
	case !s.all && asJSON:
		return printJSON(results[0])
	case !s.all:
		fmt.Println(line(results[0]))
		s.printUsed("face", faces[0])
	case asJSON:
		items := make([]any, len(faces))
		for i, f := range faces {
			items[i] = results[i].withFace(reportOf(f))
		}
		return printJSON(struct {
			Faces []any `json:"faces"`
		}{items})
	default:
		for i, f := range faces {
			printFace(fmt.Sprintf("face %d", i+1), f)
			fmt.Println("  " + line(results[i]))
		}
	}
	return nil
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
	if err := face.CheckEncoderName(s.encoder); err != nil {
		return usagef("--encoder: %v", err)
	}
	dir := s.modelsDir
	if dir == "" {
		var err error
		if dir, err = assets.FaceModelsDir(); err != nil {
			return err
		}
	}
	var net face.FaceEncoder
	if s.encoder != face.EncoderDlib {
		if net, err = loadFaceEncoder(s.encoder, true); err != nil {
			return fmt.Errorf("loading %s: %w", s.encoder, err)
		}
	} else {
		d, err := facerec.Load(os.DirFS(dir))
		if err != nil {
			return fmt.Errorf("loading the face recognition model from %s: %w", dir, err)
		}
		net = face.Dlib{Net: d, Align: align}
	}
	if !s.aligned {
		settings := face.DecisionSettings()
		settings.Align, settings.Mirror = align, s.mirror
		if s.pipe, err = settings.Load(os.DirFS(dir), net); err != nil {
			return fmt.Errorf("loading the face detection models from %s: %w", dir, err)
		}
		tiny, err := tinyface.Load(os.DirFS(dir))
		if err != nil {
			return fmt.Errorf("loading the tiny face detector from %s: %w", dir, err)
		}
		s.pipe = s.pipe.WithPhotoFallbacks(tiny)
	}
	s.net = net
	return nil
}
