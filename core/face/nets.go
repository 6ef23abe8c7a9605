package face

import (
	"io/fs"

	"visage/core/backend"
	"visage/models/facerec"
	"visage/models/faceres"
	"visage/models/landmarks"
	"visage/models/mobilefacenet"
	"visage/models/ssd"
	"visage/models/tinyface"
)

// Nets are a product's face networks, each placed on one backend.Placement:
// it runs on the GPU backend while the Placement is on the GPU and on the
// CPU otherwise, a pass whose GPU failed redone on the CPU (Placed*).
type Nets struct {
	// Recognition is dlib's network on the CPU, for the views that look
	// inside it; the gallery's encoder is Encoder.
	Recognition *facerec.Net
	// Encoder computes the gallery's descriptors: dlib's network, placed,
	// or MobileFaceNet's or FaceRes's (a FaceEncoder then).
	Encoder Encoder
	// Live finds faces as the camera overlay does (LiveSettings); Deciding
	// as decisions do (its ForDecisions); Enrolling as Deciding, with a
	// photo's fallbacks (WithPhotoFallbacks, the Tiny Face Detector when
	// its files are there). All three are nil when fsys has no detector.
	Live, Deciding, Enrolling *Pipeline
}

// LoadNets loads the face networks from fsys (facerec.Manifest and its
// shard; the detector's, the landmark net's and the Tiny Face Detector's
// when there; mobilefacenet.json or faceres.json and their weights for
// those encoders) and places them on p, their GPU versions on gpu (unused
// while p is on the CPU). A network that cannot be set up on the GPU moves
// p to the CPU, or is LoadNets's error when p requires the GPU (see
// backend.Place). encoder is an encoder's name (CheckEncoderName).
func LoadNets[T any](fsys fs.FS, p *backend.Placement, gpu backend.Backend[T], encoder string) (*Nets, error) {
	if err := CheckEncoderName(encoder); err != nil {
		return nil, err
	}
	dlib, err := facerec.Load(fsys)
	if err != nil {
		return nil, err
	}
	n := &Nets{Recognition: dlib}
	switch encoder {
	case EncoderMobileFaceNet:
		net, err := mobilefacenet.Load(fsys)
		if err != nil {
			return nil, err
		}
		enc, err := backend.PlaceOn(p, "MobileFaceNet", gpu, Encoder(net), func() (Encoder, error) { return mobilefacenet.On(net, gpu) })
		if err != nil {
			return nil, err
		}
		n.Encoder = MobileFaceNet{Net: PlacedEncoder(enc)}
	case EncoderFaceRes:
		net, err := faceres.Load(fsys)
		if err != nil {
			return nil, err
		}
		enc, err := backend.PlaceOn(p, "FaceRes", gpu, Encoder(net), func() (Encoder, error) { return faceres.On(net, gpu) })
		if err != nil {
			return nil, err
		}
		n.Encoder = FaceRes{Net: PlacedEncoder(enc)}
	default:
		enc, err := backend.PlaceOn(p, "face network", gpu, Encoder(dlib), func() (Encoder, error) { return facerec.On(dlib, gpu), nil })
		if err != nil {
			return nil, err
		}
		n.Encoder = PlacedEncoder(enc)
	}
	if _, err := fs.Stat(fsys, ssd.Manifest); err != nil {
		return n, nil
	}
	live, err := LiveSettings().Load(fsys, n.Encoder)
	if err != nil {
		return nil, err
	}
	if det, ok := live.Detector.(*ssd.Net); ok {
		d, err := backend.PlaceOn(p, "face detector", gpu, Detector(det), func() (Detector, error) { return ssd.On(det, gpu), nil })
		if err != nil {
			return nil, err
		}
		live.Detector = PlacedDetector(d)
	}
	if lm, ok := live.Landmarks.(*landmarks.Net); ok {
		l, err := backend.PlaceOn(p, "landmark network", gpu, LandmarkNet(lm), func() (LandmarkNet, error) { return landmarks.On(lm, gpu), nil })
		if err != nil {
			return nil, err
		}
		live.Landmarks = PlacedLandmarks(l)
	}
	var tiny TinyDetector
	if _, err := fs.Stat(fsys, tinyface.Manifest); err == nil {
		net, err := tinyface.Load(fsys)
		if err != nil {
			return nil, err
		}
		t, err := backend.PlaceOn(p, "tiny face detector", gpu, TinyDetector(net), func() (TinyDetector, error) { return tinyface.On(net, gpu), nil })
		if err != nil {
			return nil, err
		}
		tiny = PlacedTiny(t)
	}
	n.Live, n.Deciding, n.Enrolling = live, live.ForDecisions(), live.WithPhotoFallbacks(tiny).ForDecisions()
	return n, nil
}
