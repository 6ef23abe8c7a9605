package main

import (
	"fmt"
)

func init() {
	register("identify", "name the enrolled person an image shows, if any", runIdentify)
}

func runIdentify(args []string) error {
	fl := newFlagSet("identify", "--db FILE [--aligned] [--json] [--threshold T] [--models DIR] IMAGE")
	var src faceSource
	src.addFlags(fl)
	var m matchFlags
	m.add(fl, "recognise")
	asJSON := fl.Bool("json", false, `print {"name":"…" or null,"distance":d} (d: to the nearest person)`)
	if err := parseFlags(fl, args, 1, 1); err != nil {
		return err
	}
	g, err := m.open()
	if err != nil {
		return err
	}
	if len(g.Names()) == 0 {
		return fmt.Errorf("no one is enrolled in %s", *m.db)
	}
	f, err := src.oneFace(fl.Arg(0))
	if err != nil {
		return err
	}
	name, dist, ok := g.Identify(f.Encoding)
	if *asJSON {
		var who *string // null when not recognised
		if ok {
			who = &name
		}
		return printJSON(struct {
			Name     *string `json:"name"`
			Distance float64 `json:"distance"`
		}{who, dist})
	}
	if ok {
		fmt.Printf("%s (distance %.4f < threshold %v)\n", name, dist, g.Threshold())
	} else {
		fmt.Printf("not recognised (nearest distance %.4f >= threshold %v)\n", dist, g.Threshold())
	}
	return nil
}
