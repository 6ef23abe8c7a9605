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
	fl := newFlagSet("enroll", "--db FILE --name NAME [--passphrase-fd N] [--aligned] [--json] [--models DIR] IMAGE...")
	var src faceSource
	src.addFlags(fl)
	db := fl.String("db", "", "database `FILE` (a visage-gallery file; a face-api.js FaceMatcher JSON one is read and rewritten as one), created if missing")
	var pass secretFlag
	pass.add(fl)
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
	g, file, unlock, err := lockDB(*db, &pass)
	if err != nil {
		return err
	}
	defer unlock()
	if m := g.Matcher(); len(m.Names()) == 0 && m.Encoder() != src.encoder { // a new database takes the encoder's descriptors
		fresh, err := face.NewGalleryFor(src.encoder)
		if err != nil {
			return usagef("--encoder: %v", err)
		}
		m.Replace(fresh)
	}
	if err := src.checkGallery(g.Matcher()); err != nil {
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
		if _, err := g.Enroll(*name, src.encoder, f.Encoding, nil); err != nil {
			return err
		}
	}
	if err := file.save(); err != nil {
		return err
	}
	total, people := g.Matcher().DescriptorCount(*name), len(g.Matcher().Names())
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
