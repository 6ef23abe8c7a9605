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
	asJSON := fl.Bool("json", false, `print {"name":…,"added":n,"descriptors":total for the name,"people":people enrolled,`+
		`"faces":[{"image":…,"box":…,"score":…,"landmarks":…}]} ("faces": the largest face of each IMAGE, enrolled; none with --aligned)`)
	if err := parseFlags(fl, args, 1, -1); err != nil {
		return err
	}
	if strings.TrimSpace(*name) == "" {
		return usagef("--name NAME is required (and must not be blank)")
	}
	// Locked from before the read to after the save, the inference between
	// included: concurrent enrolls into one database run one after another
	// and each adds to what the last saved.
	g, unlock, err := lockDB(*db)
	if err != nil {
		return err
	}
	defer unlock()
	if len(g.Names()) == 0 && g.Encoder() != src.encoder { // a new database takes the encoder's descriptors
		if g, err = face.NewGalleryFor(src.encoder); err != nil {
			return usagef("--encoder: %v", err)
		}
	}
	if err := src.checkGallery(g); err != nil {
		return err
	}
	used := make([]face.Face, 0, fl.NArg())
	for _, path := range fl.Args() {
		f, err := src.oneFace(path)
		if err != nil {
			return err
		}
		used = append(used, f)
	}
	for _, f := range used { // only once every image has a face: all or nothing
		if err := g.Enroll(*name, f.Encoding); err != nil {
			return err
		}
	}
	if err := face.SaveGallery(*db, g); err != nil {
		return err
	}
	total, people := g.DescriptorCount(*name), len(g.Names())
	if *asJSON {
		var faces []enrolledFace
		for i, f := range used {
			if r := src.usedFace(f); r != nil {
				faces = append(faces, enrolledFace{fl.Arg(i), *r})
			}
		}
		return printJSON(struct {
			Name        string         `json:"name"`
			Added       int            `json:"added"`
			Descriptors int            `json:"descriptors"`
			People      int            `json:"people"`
			Faces       []enrolledFace `json:"faces,omitempty"`
		}{*name, len(used), total, people, faces})
	}
	fmt.Printf("enrolled %s of %q in %s (%q now has %s; %s enrolled)\n", count(len(used), "image", "images"),
		*name, *db, *name, count(total, "descriptor", "descriptors"), count(people, "person", "people"))
	for i, f := range used {
		src.printUsed(fl.Arg(i), f)
	}
	return nil
}

// enrolledFace is the face enroll took from an image, in its JSON "faces".
type enrolledFace struct {
	Image string `json:"image"`
	faceReport
}

// count writes n and the noun's singular or plural.
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
