package face

import (
	"io/fs"

	"visage/models/ssd"
)

// Settings are the product's choices for turning a photo or a camera frame
// into faces, beyond the networks themselves: how large an image the
// detector is given, its thresholds, the chips and the mirror. The CLI
// (cmd/visage) and the page (wasm) both take them from here, so that the
// same photo gives the same faces in both; a new value changes both.
type Settings struct {
	// MaxDetectSide, when > 0, is the largest side in pixels of the image
	// the detector is given: larger images are area-averaged down to it
	// first (landmarks and chips still come from the full image).
	MaxDetectSide int
	// Detector is the SSD's score threshold and face limit (its overlap
	// limit for non-maximum suppression, 0.5, is fixed in models/ssd).
	Detector ssd.Options
	// Align chooses the chips each face is encoded from.
	Align Align
	// Mirror averages each chip's descriptor with its mirror image's.
	Mirror bool
}

// maxDetectSide is Settings.MaxDetectSide for every input, camera frames
// and photos alike: the SSD's own input side. The SSD resizes whatever it
// is given to 512×512, so no detail above 512 px reaches it whatever the
// bound; area-averaging straight to 512 is the anti-aliased way down, in
// one pass, where a larger bound adds the SSD's bilinear resize after it.
// The page used 512 and the CLI 1024; measured against 1024 on photos of
// 640 to 3,000 px, 512 finds the same faces, moves the boxes by a pixel
// or two (one weak face, scored 0.55, by 14 px) and the descriptors by 0.01
// to 0.06 (the threshold is 0.6), and costs the same CPU time or less
// (BenchmarkMaxDetectSide). LFW's 250 px photos and the bench's are below
// both bounds: their numbers do not move.
const maxDetectSide = ssd.InputSize

// DecisionSettings are the settings of every decision: the CLI's faces and
// the page's enroll, verify, unlock and "who is this?". Both alignments'
// chips with their mirror images, four descriptors averaged, scored 99.08%
// on LFW's 10 folds against 98.78% for the similarity chip alone (README,
// "Accuracy on LFW"), at four times the encoder's cost. The detector keeps
// face-api.js's defaults (score above 0.5, at most 100 faces), which the
// parity tests hold it to.
func DecisionSettings() Settings {
	return Settings{MaxDetectSide: maxDetectSide, Detector: ssd.DefaultOptions(), Align: AlignBoth, Mirror: true}
}

// LiveSettings are the settings of the page's camera overlay, which only
// labels the faces of each frame: DecisionSettings with one similarity chip
// a face and no mirror, a quarter of the encoder's runs, so that the labels
// keep up with the camera.
func LiveSettings() Settings {
	s := DecisionSettings()
	s.Align, s.Mirror = AlignSimilarity, false
	return s
}

// With returns a copy of p with the settings s; p is left as it was. A
// Dlib encoder's own alignment is set to s.Align; other encoders keep their
// chips.
func (p Pipeline) With(s Settings) *Pipeline {
	p.MaxDetectSide, p.Options, p.Align, p.Mirror = s.MaxDetectSide, s.Detector, s.Align, s.Mirror
	if d, ok := p.Encoder.(Dlib); ok {
		d.Align = s.Align
		p.Encoder = d
	}
	return &p
}

// Load loads the pipeline's networks from fsys (LoadPipeline) with enc as
// encoder and returns it with the settings s.
func (s Settings) Load(fsys fs.FS, enc Encoder) (*Pipeline, error) {
	p, err := LoadPipeline(fsys, enc, s.Align)
	if err != nil {
		return nil, err
	}
	return p.With(s), nil
}
