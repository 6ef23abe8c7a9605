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
	Name     *string `json:"name"`
	Distance float64 `json:"distance"`
}

func runIdentify(args []string) error {
	fl := newFlagSet("identify", "--db FILE [--aligned] [--all] [--json] [--threshold T] [--models DIR] IMAGE")
	var src faceSource
	src.addFlags(fl)
	src.addAllFlag(fl)
	var m matchFlags
	m.add(fl, "recognise")
	asJSON := fl.Bool("json", false, `print {"name":"…" or null,"distance":d} (d: to the nearest person); with --all `+
		`{"faces":[{"box":…,"score":…,"landmarks":…,"name":…,"distance":d}]}`)
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
	faces, err := src.chosen(fl.Arg(0))
	if err != nil {
		return err
	}
	results := make([]identifyResult, len(faces))
	for i, f := range faces {
		name, dist, ok := g.Identify(f.Encoding)
		results[i].Distance = dist
		if ok {
			results[i].Name = &name
		}
	}
	line := func(r identifyResult) string {
		if r.Name != nil {
			return fmt.Sprintf("%s (distance %.4f < threshold %v)", *r.Name, r.Distance, g.Threshold())
		}
		return fmt.Sprintf("not recognised (nearest distance %.4f >= threshold %v)", r.Distance, g.Threshold())
	}
	switch {
	case src.all:
		return printFaceResults(faces, *asJSON, func(i int) any {
			return struct {
				faceReport
				identifyResult
			}{reportOf(faces[i]), results[i]}
		}, func(i int) string { return line(results[i]) })
	case *asJSON:
		return printJSON(results[0])
	}
	fmt.Println(line(results[0]))
	return nil
}
