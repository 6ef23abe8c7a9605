package main

import (
	"fmt"
	"strings"
)

func init() {
	register("verify", "check whether an image shows a person enrolled in a database", runVerify)
}

func runVerify(args []string) error {
	fl := newFlagSet("verify", "--db FILE --name NAME [--aligned] [--json] [--threshold T] [--models DIR] IMAGE")
	var src faceSource
	src.addFlags(fl)
	db := fl.String("db", "", "database `FILE` written by `visage enroll` (or face-api.js's FaceMatcher.toJSON)")
	name := fl.String("name", "", "`NAME` of the person the image is claimed to show")
	asJSON := fl.Bool("json", false, `print {"match":bool,"distance":d}`)
	var threshold thresholdFlag
	fl.Var(&threshold, "threshold", "match when the distance is below `T`, in (0, 2] (default: the database's, normally 0.6)")
	if err := parseFlags(fl, args, 1, 1); err != nil {
		return err
	}
	if *name == "" {
		return usagef("--name NAME is required")
	}
	g, err := openDB(*db, false)
	if err != nil {
		return err
	}
	if g.DescriptorCount(*name) == 0 { // before the slow model load
		return fmt.Errorf("no one called %q is enrolled in %s (enrolled: %s)", *name, *db, strings.Join(g.Names(), ", "))
	}
	if threshold.set {
		if err := g.SetThreshold(threshold.value); err != nil {
			return err
		}
	}
	f, err := src.oneFace(fl.Arg(0))
	if err != nil {
		return err
	}
	match, dist, err := g.Verify(*name, f.Encoding)
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(struct {
			Match    bool    `json:"match"`
			Distance float64 `json:"distance"`
		}{match, dist})
	}
	if match {
		fmt.Printf("match: %q (distance %.4f < threshold %v)\n", *name, dist, g.Threshold())
	} else {
		fmt.Printf("no match: not %q (distance %.4f >= threshold %v)\n", *name, dist, g.Threshold())
	}
	return nil
}
