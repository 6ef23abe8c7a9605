package main

import (
	"fmt"

	"visage/core/face"
	"visage/core/learn"
)

func init() {
	register("compare", "say whether two images show the same person", runCompare)
}

// comparePair is one line of compare --all's "pairs": face Face1 of image 1
// against face Face2 of image 2 (indices into "faces1" and "faces2").
type comparePair struct {
	Face1     int      `json:"face1"`
	Face2     int      `json:"face2"`
	Distance  float64  `json:"distance"`
	HeadScore *float64 `json:"head_score,omitempty"` // with --head
	Same      bool     `json:"same"`
}

func runCompare(args []string) error {
	fl := newFlagSet("compare", "[--aligned] [--all] [--json] [--threshold T] [--head FILE] [--models DIR] IMAGE1 IMAGE2")
	var src faceSource
	src.addFlags(fl)
	src.addAllFlag(fl)
	asJSON := fl.Bool("json", false, `print {"distance":d,"same":bool,"threshold":t,"face1":{"box":…,"score":…,"landmarks":…},"face2":{…}} `+
		`(the largest face of IMAGE1 and of IMAGE2; none with --aligned); with --all `+
		`{"threshold":t,"faces1":[{"box":…,"score":…,"landmarks":…}],"faces2":[…],"pairs":[{"face1":i,"face2":j,"distance":d,"same":bool}]} `+
		`(every face of IMAGE1 against every face of IMAGE2; i, j index faces1, faces2); with --head each pair also has "head_score", `+
		`which decides "same" against the head's threshold`)
	threshold := thresholdFlag{value: face.DefaultThreshold}
	fl.Var(&threshold, "threshold", fmt.Sprintf("same person when the distance is below `T`, in (0, %v] (default %v for dlib, %v for mobilefacenet); with --head, the head's threshold instead", face.MaxThreshold, face.DefaultThreshold, face.MobileFaceNetThreshold))
	headFile := addHeadFlag(fl)
	if err := parseFlags(fl, args, 2, 2); err != nil {
		return err
	}
	if !threshold.set {
		threshold.value = src.threshold()
	}
	head, err := headWithThreshold(*headFile, threshold)
	if err != nil {
		return err
	}
	thr := threshold.value
	if head != nil {
		thr = head.Threshold
	}
	faces1, err := src.chosen(fl.Arg(0))
	if err != nil {
		return err
	}
	faces2, err := src.chosen(fl.Arg(1))
	if err != nil {
		return err
	}
	var pairs []comparePair
	for i, a := range faces1 {
		for j, b := range faces2 {
			p := comparePair{Face1: i, Face2: j, Distance: face.Distance(a.Encoding, b.Encoding)}
			p.Same = p.Distance < thr
			if head != nil {
				var score float64
				p.Same, score = head.Same(a.Encoding, b.Encoding)
				p.HeadScore = headScoreField(head, score)
			}
			pairs = append(pairs, p)
		}
	}
	if !src.all {
		p := pairs[0]
		if *asJSON {
			return printJSON(struct {
				Distance  float64     `json:"distance"`
				HeadScore *float64    `json:"head_score,omitempty"`
				Same      bool        `json:"same"`
				Threshold float64     `json:"threshold"`
				Face1     *faceReport `json:"face1,omitempty"`
				Face2     *faceReport `json:"face2,omitempty"`
			}{p.Distance, p.HeadScore, p.Same, thr, src.usedFace(faces1[0]), src.usedFace(faces2[0])})
		}
		fmt.Println(sameLine(p, head, thr))
		src.printUsed("image 1 face", faces1[0])
		src.printUsed("image 2 face", faces2[0])
		return nil
	}
	if *asJSON {
		return printJSON(struct {
			Threshold float64       `json:"threshold"`
			Faces1    []faceReport  `json:"faces1"`
			Faces2    []faceReport  `json:"faces2"`
			Pairs     []comparePair `json:"pairs"`
		}{thr, reportsOf(faces1), reportsOf(faces2), pairs})
	}
	for i, f := range faces1 {
		printFace(fmt.Sprintf("image 1 face %d", i+1), f)
	}
	for j, f := range faces2 {
		printFace(fmt.Sprintf("image 2 face %d", j+1), f)
	}
	for _, p := range pairs {
		fmt.Printf("face 1.%d vs 2.%d: %s\n", p.Face1+1, p.Face2+1, sameLine(p, head, thr))
	}
	return nil
}

// sameLine is compare's verdict on p in words (decided by head when not nil).
func sameLine(p comparePair, head *learn.Head, threshold float64) string {
	what := "different people"
	if p.Same {
		what = "same person"
	}
	return what + " (" + decision(head, threshold, p.Distance, p.HeadScore, p.Same) + ")"
}
