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
	Match    bool    `json:"match"`
	Distance float64 `json:"distance"`
}

func runVerify(args []string) error {
	fl := newFlagSet("verify", "--db FILE --name NAME [--aligned] [--all] [--json] [--threshold T] [--models DIR] IMAGE")
	var src faceSource
	src.addFlags(fl)
	src.addAllFlag(fl)
	var m matchFlags
	m.add(fl, "match")
	name := fl.String("name", "", "`NAME` of the person the image is claimed to show")
	asJSON := fl.Bool("json", false, `print {"match":bool,"distance":d}; with --all `+
		`{"faces":[{"box":…,"score":…,"landmarks":…,"match":bool,"distance":d}]}`)
	if err := parseFlags(fl, args, 1, 1); err != nil {
		return err
	}
	if *name == "" {
		return usagef("--name NAME is required")
	}
	g, err := m.open()
	if err != nil {
		return err
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
		if results[i].Match, results[i].Distance, err = g.Verify(*name, f.Encoding); err != nil {
			return err
		}
	}
	line := func(r verifyResult) string {
		if r.Match {
			return fmt.Sprintf("match: %q (distance %.4f < threshold %v)", *name, r.Distance, g.Threshold())
		}
		return fmt.Sprintf("no match: not %q (distance %.4f >= threshold %v)", *name, r.Distance, g.Threshold())
	}
	switch {
	case src.all:
		return printFaceResults(faces, *asJSON, func(i int) any {
			return struct {
				faceReport
				verifyResult
			}{reportOf(faces[i]), results[i]}
		}, func(i int) string { return line(results[i]) })
	case *asJSON:
		return printJSON(results[0])
	}
	fmt.Println(line(results[0]))
	return nil
}
