package face

import (
	"fmt"

	"visage/core/tensor"
	"visage/models/landmarks"
)

// FaceEncoder is a face recognition network together with the alignment it
// was trained for: what a Pipeline needs to turn 68 landmarks into a
// descriptor, and what a stored descriptor is tagged with. Dlib,
// MobileFaceNet and FaceRes are the three.
type FaceEncoder interface {
	// Encoder maps one of Chips' chips to a descriptor of Dim numbers.
	Encoder
	// Name tags the descriptors ("dlib", "mobilefacenet"): descriptors of
	// different names are never compared.
	Name() string
	// Dim is the descriptor length.
	Dim() int
	// Threshold is the default distance threshold: below it, same person.
	Threshold() float64
	// Chips returns the chips of the face with landmarks pts (image pixels)
	// in img whose descriptors are averaged into the face's descriptor.
	Chips(img *tensor.Tensor, pts []landmarks.Point) ([]*tensor.Tensor, error)
}

// The encoder names.
const (
	EncoderDlib          = "dlib"
	EncoderMobileFaceNet = "mobilefacenet"
	EncoderFaceRes       = "faceres"
)

// Dlib is dlib's face recognition ResNet (face-api.js's port,
// visage/models/facerec) with Align's chips (150×150).
type Dlib struct {
	Net   Encoder
	Align Align
}

func (d Dlib) Name() string       { return EncoderDlib }
func (d Dlib) Dim() int           { return DescriptorLen }
func (d Dlib) Threshold() float64 { return DefaultThreshold }
func (d Dlib) Encode(chip *tensor.Tensor) ([]float32, error) {
	return d.Net.Encode(chip)
}
func (d Dlib) Chips(img *tensor.Tensor, pts []landmarks.Point) ([]*tensor.Tensor, error) {
	return d.Align.chips(img, pts)
}

// MobileFaceNetDim is MobileFaceNet's embedding length.
const MobileFaceNetDim = 192

// MobileFaceNetThreshold is the distance threshold between MobileFaceNet's
// unit-length embeddings (ArcFace chip with its mirror, as the pipeline
// encodes, x/255 input): the threshold of best accuracy on LFW's training
// pairs (200 of pairsDevTrain's: every 11th same and different pair;
// 65.0% there), never the test folds. Its embeddings barely separate people:
// every face lies within about 0.05 of every other (README, Accuracy on
// LFW).
const MobileFaceNetThreshold = 0.0138

// MobileFaceNet is visage/models/mobilefacenet's network on ArcFaceChip.
type MobileFaceNet struct {
	Net Encoder
}

func (m MobileFaceNet) Name() string       { return EncoderMobileFaceNet }
func (m MobileFaceNet) Dim() int           { return MobileFaceNetDim }
func (m MobileFaceNet) Threshold() float64 { return MobileFaceNetThreshold }
func (m MobileFaceNet) Encode(chip *tensor.Tensor) ([]float32, error) {
	return m.Net.Encode(chip)
}
func (m MobileFaceNet) Chips(img *tensor.Tensor, pts []landmarks.Point) ([]*tensor.Tensor, error) {
	c, err := ArcFaceChip(img, pts)
	if err != nil {
		return nil, err
	}
	return []*tensor.Tensor{c}, nil
}

// FaceResDim is FaceRes's descriptor length.
const FaceResDim = 1024

// FaceResSize is the side of FaceRes's chip, which holds the ArcFace
// template at its own scale (ArcFaceTransformAt with scale 1), twice
// MobileFaceNet's side.
const FaceResSize = 224

// FaceResThreshold is the distance threshold between FaceRes's unit-length
// descriptors (with the mirror chip), chosen as MobileFaceNetThreshold was
// (0.945, 97.5% on those 200 training pairs).
const FaceResThreshold = 0.945

// FaceRes is human-models' FaceRes descriptor (visage/models/faceres) on
// the ArcFace-aligned 224×224 chip.
type FaceRes struct {
	Net Encoder
}

func (f FaceRes) Name() string       { return EncoderFaceRes }
func (f FaceRes) Dim() int           { return FaceResDim }
func (f FaceRes) Threshold() float64 { return FaceResThreshold }
func (f FaceRes) Encode(chip *tensor.Tensor) ([]float32, error) {
	return f.Net.Encode(chip)
}
func (f FaceRes) Chips(img *tensor.Tensor, pts []landmarks.Point) ([]*tensor.Tensor, error) {
	if len(pts) != landmarks.NumPoints {
		return nil, fmt.Errorf("face: expected %d landmarks, found %d", landmarks.NumPoints, len(pts))
	}
	return []*tensor.Tensor{WarpBilinear(img, ArcFaceTransformAt(pts, FaceResSize, 1), FaceResSize, FaceResSize)}, nil
}

// EncoderName is enc's Name when it is a FaceEncoder and EncoderDlib
// otherwise (a bare network: the dlib ResNet on the CPU or the GPU).
func EncoderName(enc Encoder) string {
	if fe, ok := enc.(FaceEncoder); ok {
		return fe.Name()
	}
	return EncoderDlib
}

// CheckEncoderName reports whether name is an encoder's name.
func CheckEncoderName(name string) error {
	switch name {
	case EncoderDlib, EncoderMobileFaceNet, EncoderFaceRes:
		return nil
	}
	return fmt.Errorf("face: unknown encoder %q (want %s, %s or %s)", name, EncoderDlib, EncoderMobileFaceNet, EncoderFaceRes)
}

// EncoderDim is the descriptor length of the encoder called name (0 for none).
func EncoderDim(name string) int {
	switch name {
	case EncoderDlib:
		return DescriptorLen
	case EncoderMobileFaceNet:
		return MobileFaceNetDim
	case EncoderFaceRes:
		return FaceResDim
	}
	return 0
}

// AlignedChip is an already aligned face chip img as the input of the
// encoder called name: img itself for dlib (whose network pads and resizes
// any chip), else resized to the encoder's side (SquareChip: 112 for
// MobileFaceNet, 224 for FaceRes).
func AlignedChip(name string, img *tensor.Tensor) *tensor.Tensor {
	switch name {
	case EncoderMobileFaceNet:
		return SquareChip(img, ArcFaceSize)
	case EncoderFaceRes:
		return SquareChip(img, FaceResSize)
	}
	return img
}

// EncoderThreshold is the default threshold of the encoder called name
// (DefaultThreshold for an unknown one).
func EncoderThreshold(name string) float64 {
	switch name {
	case EncoderMobileFaceNet:
		return MobileFaceNetThreshold
	case EncoderFaceRes:
		return FaceResThreshold
	}
	return DefaultThreshold
}
