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
	var m matchFlags
	m.add(fl, "match")
	name := fl.String("name", "", "`NAME` of the person the image is claimed to show")
	asJSON := fl.Bool("json", false, `print {"match":bool,"distance":d}`)
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
