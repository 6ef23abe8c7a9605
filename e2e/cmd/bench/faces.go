package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"visage/core/face"
	"visage/core/imageio"
	"visage/core/tensor"
	"visage/models/assets"
	"visage/models/facerec"
	"visage/models/faceres"
	"visage/models/mobilefacenet"
	"visage/models/ssd"
)

// This file holds the face benches' native runs (encode, detect, landmarks,
// the whole-photo pipeline, a decision, identify among 100,000 people, and
// the other encoders' chip and pipeline benches), timed in this process
// against face-api.js's in the page, their inputs on the peer side, and the
// encoder's FLOP count.

// otherEncoders are the encoders Visage.load({encoder}) and the CLI's
// --encoder offer beside dlib, each loaded from the human-models folder.
var otherEncoders = []struct {
	name string
	load func(fsys fs.FS) (face.FaceEncoder, error)
}{
	{face.EncoderMobileFaceNet, func(fsys fs.FS) (face.FaceEncoder, error) {
		net, err := mobilefacenet.Load(fsys)
		return face.MobileFaceNet{Net: net}, err
	}},
	{face.EncoderFaceRes, func(fsys fs.FS) (face.FaceEncoder, error) {
		net, err := faceres.Load(fsys)
		return face.FaceRes{Net: net}, err
	}},
}

// otherEncoderBenches are encoderBenches of each of otherEncoders.
func otherEncoderBenches() []bench {
	var out []bench
	for _, e := range otherEncoders {
		out = append(out, encoderBenches(e.name, e.load)...)
	}
	return out
}

// encoderBenches are encoder name's benches: encode-NAME, the bench chip
// resized to the encoder's input (face.AlignedChip, as visage.js's encode
// does), and pipeline-NAME, the bench photos found, aligned to the
// encoder's chip and encoded (visage.js's detect), each against its dlib
// bench on the same side.
func encoderBenches(name string, load func(fs.FS) (face.FaceEncoder, error)) []bench {
	loaded := sync.OnceValues(func() (face.FaceEncoder, error) {
		dir, err := assets.HumanModelsDir()
		if err != nil {
			return nil, err
		}
		return load(os.DirFS(dir))
	})
	return []bench{
		{name: "encode-" + name, runs: 15, warmup: 3, items: 1, ours: "encode", encoder: name, against: "encode",
			native: func() (func() error, error) {
				enc, err := loaded()
				if err != nil {
					return nil, err
				}
				return encodeChipNative(name, enc)
			}},
		{name: "pipeline-" + name, runs: 6, warmup: 2, items: len(photos), ours: "detect", encoder: name, against: "pipeline",
			oursInputs: photoFiles(), native: func() (func() error, error) {
				enc, err := loaded()
				if err != nil {
					return nil, err
				}
				p, err := faceModels()
				if err != nil {
					return nil, err
				}
				withEnc := *p
				withEnc.Encoder = enc
				return wholePhotoNative(&withEnc)
			}},
	}
}

// benchInputURLs are the peer page's URLs of the chip and the photos.
func benchInputURLs() map[string]any {
	urls := make([]string, len(photos))
	for i, p := range photos {
		urls[i] = "/lfw/" + p
	}
	return map[string]any{"chip": "/faces-dev/" + strings.TrimPrefix(chipRel, "data/faces-dev/"), "photos": urls}
}

// faceModels loads the face-api.js model folder's networks once.
var faceModels = sync.OnceValues(func() (*face.Pipeline, error) {
	dir, err := assets.FaceModelsDir()
	if err != nil {
		return nil, err
	}
	fsys := os.DirFS(dir)
	net, err := facerec.Load(fsys)
	if err != nil {
		return nil, err
	}
	// face-api.js's own crop, so that both pipelines do the same work.
	return face.LoadPipeline(fsys, net, face.AlignFaceAPI)
})

// encodeNative decodes the chip and encodes it with facerec, as the browser's
// encode(bytes) does.
func encodeNative() (func() error, error) {
	p, err := faceModels()
	if err != nil {
		return nil, err
	}
	return encodeChipNative(face.EncoderDlib, p.Encoder)
}

// encodeChipNative decodes the chip and encodes it with enc, the encoder
// called name, as the browser's encode(bytes) and `visage encode --aligned
// --encoder name` do: the chip as the encoder's input (face.AlignedChip:
// itself for dlib, resized to 112² or 224² for the others), one forward.
func encodeChipNative(name string, enc face.Encoder) (func() error, error) {
	chip, err := readShared(chipRel)
	if err != nil {
		return nil, err
	}
	return func() error {
		img, err := imageio.Decode(bytes.NewReader(chip))
		if err != nil {
			return err
		}
		_, err = enc.Encode(face.AlignedChip(name, img))
		return err
	}, nil
}

// decodedPhotos returns the bench photos' pixels and bytes.
func decodedPhotos() ([]*tensor.Tensor, [][]byte, error) {
	var imgs []*tensor.Tensor
	var raw [][]byte
	for _, p := range photos {
		data, err := readShared(filepath.Join(lfwRel, p))
		if err != nil {
			return nil, nil, err
		}
		img, err := imageio.Decode(bytes.NewReader(data))
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", p, err)
		}
		imgs, raw = append(imgs, img), append(raw, data)
	}
	return imgs, raw, nil
}

// detectNative runs the SSD detector (face-api.js's default options) on each
// decoded photo, as faceapi.mjs's detect does.
func detectNative() (func() error, error) {
	p, err := faceModels()
	if err != nil {
		return nil, err
	}
	imgs, _, err := decodedPhotos()
	if err != nil {
		return nil, err
	}
	return func() error {
		for _, img := range imgs {
			if _, err := p.Detector.(*ssd.Net).Detect(img, p.Options); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

// landmarksNative runs the 68-point net on each photo's best face, crop
// included, as faceapi.mjs's landmarks does.
func landmarksNative() (func() error, error) {
	p, err := faceModels()
	if err != nil {
		return nil, err
	}
	imgs, _, err := decodedPhotos()
	if err != nil {
		return nil, err
	}
	var boxes []face.Box
	for i, img := range imgs {
		dets, err := p.Detector.(*ssd.Net).Detect(img, p.Options)
		if err != nil {
			return nil, err
		}
		if len(dets) == 0 {
			return nil, fmt.Errorf("%s: no face found", photos[i])
		}
		boxes = append(boxes, dets[0].Box)
	}
	return func() error {
		for i, img := range imgs {
			if _, err := p.Landmarks68(img, boxes[i]); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

// pipelineNative decodes each photo and detects, landmarks, aligns and
// encodes all its faces, as faceapi.mjs's pipeline does (from decoded
// pixels: the browser's decoding is outside its timing, ours inside).
func pipelineNative() (func() error, error) {
	p, err := faceModels()
	if err != nil {
		return nil, err
	}
	return wholePhotoNative(p)
}

// identifyPeople is the gallery size of the identify-100k bench.
const identifyPeople = 100_000

// identifyNative times face.Gallery's search among identifyPeople people,
// each a random descriptor (as visage.mjs's fillGallery makes them: uniform
// in ±0.1), for a probe next to the middle one, who must be found.
func identifyNative() (func() error, error) {
	g := face.NewGallery()
	rng := rand.New(rand.NewPCG(1, 2))
	var probe []float32
	for i := range identifyPeople {
		d := make([]float32, face.DescriptorLen)
		for j := range d {
			d[j] = float32(rng.Float64()-0.5) * 0.2
		}
		if err := g.Enroll(fmt.Sprintf("p%d", i), d); err != nil {
			return nil, err
		}
		if i == identifyPeople/2 {
			probe = slices.Clone(d)
			probe[0] += 0.001
		}
	}
	want := fmt.Sprintf("p%d", identifyPeople/2)
	return func() error {
		if name, dist, _ := g.Identify(probe); name != want {
			return fmt.Errorf("identify among %d people found %q at %v, want %s", identifyPeople, name, dist, want)
		}
		return nil
	}, nil
}

// decisionNative is pipelineNative in the decision setting: four chips a
// face (face.Pipeline.ForDecisions), as enroll, verify and identify encode.
func decisionNative() (func() error, error) {
	p, err := faceModels()
	if err != nil {
		return nil, err
	}
	return wholePhotoNative(p.ForDecisions())
}

// wholePhotoNative times p's Faces over the bench photos, decoding included.
func wholePhotoNative(p *face.Pipeline) (func() error, error) {
	_, raw, err := decodedPhotos()
	if err != nil {
		return nil, err
	}
	return func() error {
		for _, data := range raw {
			img, err := imageio.Decode(bytes.NewReader(data))
			if err != nil {
				return err
			}
			if _, err := p.Faces(img); err != nil && !errors.Is(err, face.ErrNoFace) {
				return err
			}
		}
		return nil
	}, nil
}
