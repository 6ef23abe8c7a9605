package main

import (
	"fmt"
	"math"

	"visage/core/fpir"
	"visage/core/learn"
)

func init() {
	register("identify", "name the enrolled person an image shows, if any", runIdentify)
}

// identifyResult is identify's answer for one face: the person's name, or
// nil (JSON null) when not recognised, the distance to the nearest person
// and the threshold that decided (see identifyRule).
type identifyResult struct {
	Name      *string `json:"name"`
	Distance  float64 `json:"distance"`
	Threshold float64 `json:"threshold"`
	Rule      string  `json:"threshold_rule"` // where Threshold came from, in words
	// Margin is the rule's α and Score its score d1 − α·(d2 − d1), which
	// Threshold decides (face.Gallery.IdentifyMargin); Score is left out
	// without anyone enrolled or when a head decides.
	Margin    float64     `json:"margin"`
	Score     *float64    `json:"rule_score,omitempty"`
	HeadScore *float64    `json:"head_score,omitempty"` // with --head
	Face      *faceReport `json:"face,omitempty"`       // the face used (usedFace)
}

func (r identifyResult) withFace(f faceReport) any {
	return struct {
		faceReport
		identifyResult
	}{f, r}
}

func runIdentify(args []string) error {
	fl := newFlagSet("identify", "--db FILE [--aligned] [--all] [--json] [--fpir F | --threshold T] [--head FILE] [--models DIR] IMAGE")
	var src faceSource
	src.addFlags(fl)
	src.addAllFlag(fl)
	var m matchFlags
	m.add(fl, "recognise")
	asJSON := fl.Bool("json", false, `print {"name":"…" or null,"distance":d,"face":{"box":…,"score":…,"landmarks":…}} `+
		`(d: to the nearest person; "face": the largest face, none with --aligned); with --all `+
		`{"faces":[{"box":…,"score":…,"landmarks":…,"name":…,"distance":d}]}; with --head also "head_score" of the person `+
		`whose samples score best, which decides "name" (distance is then to that person)`)
	headFile := addHeadFlag(fl)
	target := fl.Float64("fpir", fpir.DefaultTarget, fmt.Sprintf("decide with the threshold measured to name this share of strangers (FPIR) among as many people as the database holds: one of %v; "+
		"--threshold, or a threshold stored in the database other than its encoder's default, comes first", fpir.Measured.Targets()))
	if err := parseFlags(fl, args, 1, 1); err != nil {
		return err
	}
	head, err := headWithThreshold(*headFile, m.threshold)
	if err != nil {
		return err
	}
	g, err := m.open(head)
	if err != nil {
		return err
	}
	if err := src.checkGallery(g); err != nil {
		return err
	}
	rule, err := identifyRule(g.Threshold(), head, m.threshold.set, func() (fpir.Rule, error) { return fpir.For(g, *target) })
	if err != nil {
		return usagef("--fpir: %v", err)
	}
	if g.Len() == 0 {
		return fmt.Errorf("no one is enrolled in %s", *m.db)
	}
	faces, err := src.chosen(fl.Arg(0))
	if err != nil {
		return err
	}
	results := make([]identifyResult, len(faces))
	for i, f := range faces {
		results[i].Face = src.usedFace(f)
		results[i].Threshold, results[i].Rule, results[i].Margin = rule.Threshold, rule.Why, rule.Margin
		name, dist, score, ok := g.IdentifyMargin(f.Encoding, rule.Threshold, rule.Margin)
		if !math.IsInf(score, 1) {
			results[i].Score = &score
		}
		if head != nil {
			results[i].Score = nil
			var score float64
			if name, score, ok = head.Identify(g, f.Encoding); ok {
				_, dist, _ = g.Verify(name, f.Encoding)
			}
			results[i].HeadScore = headScoreField(head, score)
		}
		results[i].Distance = dist
		if ok {
			results[i].Name = &name
		}
	}
	line := func(r identifyResult) string {
		why := decision(head, rule.Threshold, r.Distance, r.HeadScore, r.Name != nil)
		if r.Score != nil && rule.Margin != 0 {
			why = marginDecision(*r.Score, rule.Margin, r.Distance, rule.Threshold, r.Name != nil)
		}
		if r.Name != nil {
			return *r.Name + " (" + why + ")"
		}
		return "not recognised (nearest " + why + ")"
	}
	return printResults(&src, faces, results, *asJSON, line)
}

// identifyRule returns the threshold identify decides with and where it came
// from: a head's, when one decides (its score, not distance); --threshold
// when given (set; then the database's threshold is that value); else
// fpir.For's rule for the database (a threshold stored in it other than its
// encoder's default, or the one measured for the target FPIR at its size).
func identifyRule(dbThreshold float64, head *learn.Head, set bool, rule func() (fpir.Rule, error)) (fpir.Rule, error) {
	r, err := rule() // a bad --fpir is an error whatever decides
	switch {
	case err != nil:
		return fpir.Rule{}, err
	case head != nil:
		return fpir.Rule{Threshold: head.Threshold, Why: "the head's threshold"}, nil
	case set:
		return fpir.Rule{Threshold: dbThreshold, Why: "--threshold"}, nil
	}
	if r.Expected != nil && r.Expected.Note != "" {
		r.Why += " (" + r.Expected.Note + ")"
	}
	return r, nil
}

// marginDecision is identify's verdict in words under the margin rule: its
// score against the threshold, with the distance beside it.
func marginDecision(score, margin, dist, threshold float64, same bool) string {
	op := ">="
	if same {
		op = "<"
	}
	return fmt.Sprintf("margin score %.4f %s threshold %.4f; distance %.4f, α %g", score, op, threshold, dist, margin)
}
