package main

import (
	"fmt"
	"strconv"
	"strings"

	"visage/core/face"
)

func init() {
	register("encode", "print the face descriptor of each image (128 numbers with dlib, 192 with --encoder mobilefacenet)", runEncode)
}

// imageFaces is encode's JSON output for one image.
type imageFaces struct {
	Image string      `json:"image"`
	Faces []face.Face `json:"faces"`
}

func runEncode(args []string) error {
	fl := newFlagSet("encode", "[--aligned] [--json] [--models DIR] IMAGE...")
	var src faceSource
	src.addFlags(fl)
	asJSON := fl.Bool("json", false, `print [{"image":…,"faces":[{"box":…,"score":…,"landmarks":…,"encoding":[128 or 192 numbers]}]},…]`)
	if err := parseFlags(fl, args, 1, -1); err != nil {
		return err
	}
	out := make([]imageFaces, 0, fl.NArg()) // all or nothing: print once every image is read
	for _, path := range fl.Args() {
		faces, err := src.faces(path)
		if err != nil {
			return err
		}
		out = append(out, imageFaces{path, faces})
	}
	if *asJSON {
		return printJSON(out)
	}
	for _, im := range out {
		for i, f := range im.Faces {
			label := im.Image
			if len(im.Faces) > 1 {
				label = fmt.Sprintf("%s#%d", im.Image, i+1)
			}
			fmt.Printf("%s: %s\n", label, formatDescriptor(f.Encoding))
		}
	}
	return nil
}

// formatDescriptor writes enc's numbers space-separated, each in the fewest
// digits that read back as the same float32.
func formatDescriptor(enc []float32) string {
	s := make([]string, len(enc))
	for i, v := range enc {
		s[i] = strconv.FormatFloat(float64(v), 'g', -1, 32)
	}
	return strings.Join(s, " ")
}
