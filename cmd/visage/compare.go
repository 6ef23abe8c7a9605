package main

import (
	"fmt"

	"visage/core/face"
)

func init() {
	register("compare", "say whether two images show the same person", runCompare)
}

func runCompare(args []string) error {
	fl := newFlagSet("compare", "[--aligned] [--json] [--threshold T] [--models DIR] IMAGE1 IMAGE2")
	var src faceSource
	src.addFlags(fl)
	asJSON := fl.Bool("json", false, `print {"distance":d,"same":bool,"threshold":t}`)
	threshold := thresholdFlag{value: face.DefaultThreshold}
	fl.Var(&threshold, "threshold", fmt.Sprintf("same person when the distance is below `T`, in (0, 2] (default %v)", face.DefaultThreshold))
	if err := parseFlags(fl, args, 2, 2); err != nil {
		return err
	}
	a, err := src.oneFace(fl.Arg(0))
	if err != nil {
		return err
	}
	b, err := src.oneFace(fl.Arg(1))
	if err != nil {
		return err
	}
	dist := face.Distance(a.Encoding, b.Encoding)
	same := dist < threshold.value
	if *asJSON {
		return printJSON(struct {
			Distance  float64 `json:"distance"`
			Same      bool    `json:"same"`
			Threshold float64 `json:"threshold"`
		}{dist, same, threshold.value})
	}
	if same {
		fmt.Printf("same person (distance %.4f < threshold %v)\n", dist, threshold.value)
	} else {
		fmt.Printf("different people (distance %.4f >= threshold %v)\n", dist, threshold.value)
	}
	return nil
}
