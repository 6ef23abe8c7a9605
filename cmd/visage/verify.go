package main

import (
	"fmt"
	"strings"
)

func init() {
	register("verify", "check whether an image shows a person enrolled in a database", runVerify)
}

// verifyResult is verify's answer for one face.
type verifyResult struct {
	Match     bool        `json:"match"`
	Distance  float64     `json:"distance"`
	HeadScore *float64    `json:"head_score,omitempty"` // with --head
	Face      *faceReport `json:"face,omitempty"`       // the face used (usedFace)
}

func (r verifyResult) withFace(f faceReport) any {
	return struct {
		faceReport
		verifyResult
	}{f, r}
}

func runVerify(args []string) error {
	fl := newFlagSet("verify", "--db FILE --name NAME [--aligned] [--all] [--json] [--threshold T] [--head FILE] [--models DIR] IMAGE")
	var src faceSource
	src.addFlags(fl)
	src.addAllFlag(fl)
	var m matchFlags
	m.add(fl, "match")
	name := fl.String("name", "", "`NAME` of the person the image is claimed to show")
	asJSON := fl.Bool("json", false, `print {"match":bool,"distance":d,"face":{"box":…,"score":…,"landmarks":…}} `+
		`("face": the largest face, none with --aligned); with --all `+
		`{"faces":[{"box":…,"score":…,"landmarks":…,"match":bool,"distance":d}]}; with --head also "head_score", which decides "match"`)
	headFile := addHeadFlag(fl)
	if err := parseFlags(fl, args, 1, 1); err != nil {
		return err
	}
	head, err := headWithThreshold(*headFile, m.threshold)
	if err != nil {
		return err
	}
	if *name == "" {
		return usagef("--name NAME is required")
	}
	g, err := m.open(head)
	if err != nil {
		return err
	}
	if err := src.checkGallery(g); err != nil {
		return err
	}
	thr := g.Threshold()
	if head != nil {
		thr = head.Threshold
	}
	if g.DescriptorCount(*name) == 0 { // before the slow model load
		return fmt.Errorf("no one called %q is enrolled in %s (enrolled: %s)", *name, *m.db, strings.Join(g.Names(), ", "))
	}
	faces, err := src.chosen(fl.Arg(0))
	if err != nil {
		return err
	}
	results := make([]verifyResult, len(faces))
	for i, f := range faces {
		results[i].Face = src.usedFace(f)
		if results[i].Match, results[i].Distance, err = g.Verify(*name, f.Encoding); err != nil {
			return err
		}
		if head != nil {
			var score float64
			if results[i].Match, score, err = head.Verify(g, *name, f.Encoding); err != nil {
				return err
			}
			results[i].HeadScore = headScoreField(head, score)
		}
	}
	line := func(r verifyResult) string {
		what := fmt.Sprintf("no match: not %q", *name)
		if r.Match {
			what = fmt.Sprintf("match: %q", *name)
		}
		return what + " (" + decision(head, thr, r.Distance, r.HeadScore, r.Match) + ")"
	}
	return printResults(&src, faces, results, *asJSON, line)
}
