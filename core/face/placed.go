package face

import (
	"visage/core/backend"
	"visage/core/tensor"
	"visage/models/landmarks"
	"visage/models/ssd"
	"visage/models/tinyface"
)

// The pipeline's networks on a backend.Placement: each runs on the GPU
// version while the Placement is on the GPU and on the CPU version
// otherwise, a pass whose GPU failed redone on the CPU (backend.Run).

// PlacedEncoder is n as an Encoder.
func PlacedEncoder(n *backend.Placed[Encoder]) Encoder { return placedEncoder{n} }

// PlacedDetector is n as a Detector.
func PlacedDetector(n *backend.Placed[Detector]) Detector { return placedDetector{n} }

// PlacedLandmarks is n as a LandmarkNet.
func PlacedLandmarks(n *backend.Placed[LandmarkNet]) LandmarkNet { return placedLandmarks{n} }

// PlacedTiny is n as a TinyDetector.
func PlacedTiny(n *backend.Placed[TinyDetector]) TinyDetector { return placedTiny{n} }

type (
	placedEncoder   struct{ n *backend.Placed[Encoder] }
	placedDetector  struct{ n *backend.Placed[Detector] }
	placedLandmarks struct{ n *backend.Placed[LandmarkNet] }
	placedTiny      struct{ n *backend.Placed[TinyDetector] }
)

func (p placedEncoder) Encode(img *tensor.Tensor) ([]float32, error) {
	return backend.Run(p.n, func(e Encoder) ([]float32, error) { return e.Encode(img) })
}

func (p placedDetector) Run(img *tensor.Tensor) (*ssd.Output, error) {
	return backend.Run(p.n, func(d Detector) (*ssd.Output, error) { return d.Run(img) })
}

func (p placedLandmarks) Detect(crop *tensor.Tensor) ([]landmarks.Point, error) {
	return backend.Run(p.n, func(l LandmarkNet) ([]landmarks.Point, error) { return l.Detect(crop) })
}

func (p placedTiny) Detect(img *tensor.Tensor, opt tinyface.Options) ([]ssd.Detection, error) {
	return backend.Run(p.n, func(t TinyDetector) ([]ssd.Detection, error) { return t.Detect(img, opt) })
}
