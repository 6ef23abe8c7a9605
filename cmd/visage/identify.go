package main

import (
	"fmt"
)

func init() {
	register("identify", "name the enrolled person an image shows, if any", runIdentify)
}

// identifyResult is identify's answer for one face: the person's name, or
// nil (JSON null) when not recognised, and the distance to the nearest
// person.
type identifyResult struct {
	Name      *string     `json:"name"`
	Distance  float64     `json:"distance"`
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
	fl := newFlagSet("identify", "--db FILE [--aligned] [--all] [--json] [--threshold T] [--head FILE] [--models DIR] IMAGE")
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
	thr := g.Threshold()
	if head != nil {
		thr = head.Threshold
	}
	if len(g.Names()) == 0 {
		return fmt.Errorf("no one is enrolled in %s", *m.db)
	}
	faces, err := src.chosen(fl.Arg(0))
	if err != nil {
		return err
	}
	results := make([]identifyResult, len(faces))
	for i, f := range faces {
		results[i].Face = src.usedFace(f)
		name, dist, ok := g.Identify(f.Encoding)
		if head != nil {
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
		if r.Name != nil {
			return *r.Name + " (" + decision(head, thr, r.Distance, r.HeadScore, true) + ")"
		}
		return "not recognised (nearest " + decision(head, thr, r.Distance, r.HeadScore, false) + ")"
	}
	return printResults(&src, faces, results, *asJSON, line)
}
