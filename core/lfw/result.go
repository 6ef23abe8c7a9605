package lfw

import (
	"fmt"
	"io"
	"strings"
)

// Result is what Run found: the protocol's numbers over the scored folds,
// the settings that made them and the images without a face. Its JSON is
// the CLI's lfw.json (and `visage lfw --json`); the committed
// testdata/results/lfw-*.json files are in this form.
type Result struct {
	Settings       Settings     `json:"settings"`
	Folds          []ResultFold `json:"folds"`
	Mean           float64      `json:"mean_accuracy"`
	Std            float64      `json:"std_accuracy"`
	FixedThreshold float64      `json:"fixed_threshold"`
	FixedAccuracy  float64      `json:"fixed_accuracy"`
	TAR            float64      `json:"tar_at_far_1e-3"`
	TARThreshold   float64      `json:"tar_threshold"`
	AUC            float64      `json:"auc"`
	Pairs          int          `json:"pairs"`
	MissingPairs   int          `json:"pairs_without_face"`
	MissingScoring string       `json:"pairs_without_face_scored_as"`
	Images         int          `json:"images"`
	NoFace         []string     `json:"images_without_face"`
	// Of the images encoded in this run, those found only at the fallback
	// threshold, only on the padded image and only by the Tiny Face Detector.
	FallbackImages []string `json:"images_found_at_fallback_confidence"`
	PaddedImages   []string `json:"images_found_on_padded_image"`
	TinyImages     []string `json:"images_found_by_tiny_face_detector"`
	// Calibration is the threshold of best accuracy on
	// Options.CalibrateFile's pairs (nil without one).
	Calibration *Calibration `json:"calibration,omitempty"`
	// ROCPNG and HistogramPNG are the plots' paths, for the caller that
	// draws them (Run leaves them empty).
	ROCPNG       string `json:"roc_png"`
	HistogramPNG string `json:"histogram_png"`

	// Outcomes are the scored pairs of every fold, in order; Scored is the
	// cache they were scored from (a head's encoder and alignment should
	// be its).
	Outcomes []Outcome      `json:"-"`
	Scored   *EncodingCache `json:"-"`
}

// Settings are the options a Result was made with.
type Settings struct {
	Folds   []int  `json:"folds"`
	Encoder string `json:"encoder"`
	// Align is dlib's alignment ("arcface" without dlib: the other
	// encoders' own); MobileFaceNetInput its input scaling, where it runs.
	Align              string  `json:"align"`
	MobileFaceNetInput string  `json:"mobilefacenet_input,omitempty"`
	Mirror             bool    `json:"mirror"`
	MinConfidence      float64 `json:"min_confidence"`
	FallbackConfidence float64 `json:"fallback_confidence"`
	PadRetry           float64 `json:"pad_retry"`
	TinyFallback       bool    `json:"tiny_fallback"`
	LandmarksMirror    bool    `json:"landmarks_mirror"`
	Pick               string  `json:"pick"`
	// Degrade is what was done to every image before detection ("": nothing).
	Degrade string `json:"degrade,omitempty"`
	// Head is the head file the pairs were scored with ("" for plain
	// Euclidean distance), Score what a pair's score is.
	Head  string `json:"head,omitempty"`
	Score string `json:"score"`
	// WithoutPeople is the people file whose people's pairs were left out.
	WithoutPeople string `json:"without_people,omitempty"`
}

// Calibration is the threshold of best accuracy on another pairs file
// (pairsDevTrain.txt: LFW's training pairs), scored as the folds are.
type Calibration struct {
	PairsFile string  `json:"pairs_file"`
	Pairs     int     `json:"pairs"`
	Missing   int     `json:"pairs_without_face"`
	Threshold float64 `json:"threshold"`
	Accuracy  float64 `json:"accuracy"`
}

// ResultFold is one held-out fold's threshold and accuracy.
type ResultFold struct {
	Fold      int     `json:"fold"`
	Threshold float64 `json:"threshold"`
	Accuracy  float64 `json:"accuracy"`
	Missing   int     `json:"pairs_without_face"`
}

// WriteText writes r for people to read: the settings, each fold, the
// accuracy, TAR and AUC, the calibration, what the fallbacks found, the
// images without a face and the plots.
func (r *Result) WriteText(w io.Writer) error {
	var b strings.Builder
	s := r.Settings
	fmt.Fprintf(&b, "LFW, %d folds, %d pairs, %d images, encoder %s, alignment %s", len(r.Folds), r.Pairs, r.Images, s.Encoder, s.Align)
	if s.Mirror {
		b.WriteString(" + mirror")
	}
	if s.LandmarksMirror {
		b.WriteString(", mirror-averaged landmarks")
	}
	fmt.Fprintf(&b, ", %s face, score: %s\n", s.Pick, s.Score)
	for _, f := range r.Folds {
		fmt.Fprintf(&b, "  fold %2d  threshold %.4f  accuracy %.2f%%\n", f.Fold, f.Threshold, 100*f.Accuracy)
	}
	fmt.Fprintf(&b, "accuracy %.2f%% ± %.2f%% (mean ± std over folds)\n", 100*r.Mean, 100*r.Std)
	fmt.Fprintf(&b, "at the fixed threshold %.4g: %.2f%%\n", r.FixedThreshold, 100*r.FixedAccuracy)
	fmt.Fprintf(&b, "TAR %.2f%% at FAR ≤ 1e-3 (threshold %.4f), AUC %.5f\n", 100*r.TAR, r.TARThreshold, r.AUC)
	if c := r.Calibration; c != nil {
		fmt.Fprintf(&b, "calibration on %s (%d pairs, %d without a face): best threshold %.4f, accuracy %.2f%%\n", c.PairsFile, c.Pairs, c.Missing, c.Threshold, 100*c.Accuracy)
	}
	fmt.Fprintf(&b, "this run: %d images found only at the fallback confidence, %d only on the padded image, %d only by the Tiny Face Detector\n",
		len(r.FallbackImages), len(r.PaddedImages), len(r.TinyImages))
	fmt.Fprintf(&b, "%d images without a face (%d pairs, each counted as an error)\n", len(r.NoFace), r.MissingPairs)
	for _, rel := range r.NoFace {
		b.WriteString("  " + rel + "\n")
	}
	fmt.Fprintf(&b, "plots: %s, %s\n", r.ROCPNG, r.HistogramPNG)
	_, err := io.WriteString(w, b.String())
	return err
}
