package openset

import (
	"fmt"
	"math"
)

// Config is one evaluation: the trials at each gallery size and how they are
// decided.
type Config struct {
	Ks []int // gallery sizes; 0 means every enrollable test person
	// Calibration is the share of people set aside to calibrate thresholds
	// (e.g. 0.3); the rest are the test people.
	Calibration float64
	Enroll      int    // samples enrolled per person, at most (1: one-shot)
	Seed        uint64 // the halves and every trial
	Template    Template
	// Dissimilarity scores a probe against an enrolled sample (nil:
	// face.Distance).
	Dissimilarity Dissimilarity
	// Default is the product's threshold on that score, whose FPIR and
	// FNIR are reported as they are.
	Default float64
	// Targets are the FPIRs whose thresholds are set on the calibration half.
	Targets []float64
	// Margins are the α tried by the margin rule (see Rule); the one with the
	// lowest calibration FNIR at the first target is reported.
	Margins []float64
	// DETPoints bounds each curve's points.
	DETPoints int
}

// Report is an evaluation's outcome, by gallery size.
type Report struct {
	// Source says where the descriptors came from (set by the caller, e.g.
	// the encodings cache's encoder and settings).
	Source      string    `json:"source,omitempty"`
	Enroll      int       `json:"enroll"`
	Template    string    `json:"template"`
	Seed        uint64    `json:"seed"`
	Calibration float64   `json:"calibration_share"`
	Default     float64   `json:"default_threshold"`
	Targets     []float64 `json:"fpir_targets"`
	People      int       `json:"people"`
	Images      int       `json:"images"`
	NoFace      int       `json:"images_without_a_face"`
	Galleries   []Gallery `json:"galleries"`
}

// Gallery is the outcome at one gallery size, on the test half.
type Gallery struct {
	K int `json:"k"`
	// CalibrationK is the size of the calibration gallery whose strangers
	// set the thresholds: K where the calibration people allow (filled
	// with people of one photo where needed), else fewer, which makes the
	// thresholds too lenient.
	CalibrationK int          `json:"calibration_k"`
	Enrollable   int          `json:"enrollable"`
	Mated        int          `json:"mated_probes"`
	NonMated     int          `json:"non_mated_probes"`
	Rank1        float64      `json:"rank1"`
	Rank5        float64      `json:"rank5"`
	Rules        []RuleResult `json:"rules"`
}

// RuleResult is one decision rule at one gallery size.
type RuleResult struct {
	Rule   string  `json:"rule"`
	Margin float64 `json:"margin"`
	// AtDefault is the plain rule at the product's threshold (absent for
	// other rules, whose scores are on another scale).
	AtDefault *Rates `json:"at_default,omitempty"`
	// Calibrated holds, per target FPIR, the threshold set on the
	// calibration half and the rates it gives on the test half.
	Calibrated []Rates `json:"calibrated"`
	// Oracle holds, per target FPIR, the test half's own FNIR at that FPIR
	// (the threshold set on the test half's non-mated scores, as NIST
	// reports it).
	Oracle []Rates `json:"oracle"`
	DET    []Rates `json:"det"`
}

// Evaluate runs cfg on samples: for each gallery size (a size beyond the
// enrollable test people gives them all, reported once) a trial on the test
// people, decided by the plain nearest-neighbour rule and the best margin
// rule, with thresholds set on a trial of the same size (or all that can be
// enrolled) on the calibration people.
func Evaluate(samples []Sample, cfg Config) (*Report, error) {
	if len(cfg.Targets) == 0 {
		return nil, fmt.Errorf("openset: no target FPIR")
	}
	if !(cfg.Calibration > 0 && cfg.Calibration < 1) {
		return nil, fmt.Errorf("openset: calibration share %v, want a number in (0, 1)", cfg.Calibration)
	}
	cal, test := Split(samples, cfg.Calibration, cfg.Seed)
	r := &Report{Enroll: cfg.Enroll, Template: cfg.Template.String(), Seed: cfg.Seed, Calibration: cfg.Calibration, Default: cfg.Default,
		Targets: cfg.Targets, People: len(peopleOf(samples)), Images: len(samples)}
	for _, s := range samples {
		if s.Desc == nil {
			r.NoFace++
		}
	}
	for _, k := range cfg.Ks {
		opts := Options{K: k, Enroll: cfg.Enroll, Seed: cfg.Seed}
		testTrial, err := NewTrial(test, opts)
		if err != nil {
			return nil, fmt.Errorf("test half, K=%d: %w", k, err)
		}
		// The calibration gallery has the test's size where the calibration
		// people allow (filled with people of one photo: only its strangers'
		// scores are used), so that its strangers' scores are alike.
		calTrial, err := NewTrial(cal, Options{K: len(testTrial.Enrolled), Enroll: cfg.Enroll, Seed: cfg.Seed, FillWithSingles: true})
		if err != nil {
			return nil, fmt.Errorf("calibration half, K=%d: %w", k, err)
		}
		if n := len(r.Galleries); n > 0 && r.Galleries[n-1].K == len(testTrial.Enrolled) {
			continue // K beyond the enrollable people: the same gallery as the last
		}
		ts, cs := Run(testTrial, cfg.Template, cfg.Dissimilarity), Run(calTrial, cfg.Template, cfg.Dissimilarity)
		g := Gallery{K: len(testTrial.Enrolled), CalibrationK: len(calTrial.Enrolled), Enrollable: testTrial.Enrollable,
			Mated: len(testTrial.Mated), NonMated: len(testTrial.NonMated),
			Rank1: RankRate(ts, 1), Rank5: RankRate(ts, 5)}
		plain := Rule{Name: "nearest"}
		best, bestFNIR := plain, math.Inf(1)
		for _, m := range cfg.Margins {
			rule := Rule{Name: "margin", Margin: m}
			if f := rule.At(cs, rule.ThresholdForFPIR(cs, cfg.Targets[0])).FNIR; f < bestFNIR {
				best, bestFNIR = rule, f
			}
		}
		for _, rule := range []Rule{plain, best} {
			res := RuleResult{Rule: rule.Name, Margin: rule.Margin, DET: rule.DET(ts, cfg.DETPoints)}
			if rule.Margin == 0 {
				at := rule.At(ts, cfg.Default)
				res.AtDefault = &at
			}
			for _, f := range cfg.Targets {
				res.Calibrated = append(res.Calibrated, rule.At(ts, rule.ThresholdForFPIR(cs, f)))
				res.Oracle = append(res.Oracle, rule.At(ts, rule.ThresholdForFPIR(ts, f)))
			}
			g.Rules = append(g.Rules, res)
			if len(cfg.Margins) == 0 {
				break
			}
		}
		r.Galleries = append(r.Galleries, g)
	}
	return r, nil
}
