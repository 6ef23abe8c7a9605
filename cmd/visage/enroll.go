package main

import (
	"fmt"
	"strings"

	"visage/core/face"
)

func init() {
	register("enroll", "add a person's face images to a database (one image suffices)", runEnroll)
}

func runEnroll(args []string) error {
	fl := newFlagSet("enroll", "--db FILE --name NAME [--aligned] [--json] [--models DIR] IMAGE...")
	var src faceSource
	src.addFlags(fl)
	db := fl.String("db", "", "database `FILE` (face-api.js FaceMatcher JSON), created if missing")
	name := fl.String("name", "", "`NAME` of the person the images show")
	asJSON := fl.Bool("json", false, `print {"name":…,"added":n,"descriptors":total for the name,"people":people enrolled}`)
	if err := parseFlags(fl, args, 1, -1); err != nil {
		return err
	}
	if strings.TrimSpace(*name) == "" {
		return usagef("--name NAME is required (and must not be blank)")
	}
	g, err := openDB(*db, true)
	if err != nil {
		return err
	}
	encs := make([][]float32, 0, fl.NArg())
	for _, path := range fl.Args() {
		f, err := src.oneFace(path)
		if err != nil {
			return err
		}
		encs = append(encs, f.Encoding)
	}
	for _, enc := range encs { // only once every image has a face: all or nothing
		if err := g.Enroll(*name, enc); err != nil {
			return err
		}
	}
	if err := face.SaveGallery(*db, g); err != nil {
		return err
	}
	total, people := g.DescriptorCount(*name), len(g.Names())
	if *asJSON {
		return printJSON(struct {
			Name        string `json:"name"`
			Added       int    `json:"added"`
			Descriptors int    `json:"descriptors"`
			People      int    `json:"people"`
		}{*name, len(encs), total, people})
	}
	fmt.Printf("enrolled %s of %q in %s (%q now has %s; %s enrolled)\n", count(len(encs), "image", "images"),
		*name, *db, *name, count(total, "descriptor", "descriptors"), count(people, "person", "people"))
	return nil
}

// count writes n and the noun's singular or plural.
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
