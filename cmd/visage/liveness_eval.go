package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"time"

	"visage/core/atomicfile"
	"visage/core/face"
	"visage/core/imageio"
	"visage/core/liveness"
	"visage/core/tensor"
	"visage/models/assets"
)

func init() {
	register("liveness-eval", "measure the liveness checks on LFW photos and on attack videos made from them", runLivenessEval)
}

// livenessEval is what liveness-eval prints with --json and writes to --out.
type livenessEval struct {
	Photos       int            `json:"photos"` // LFW photos scored by the passive models
	NoFace       int            `json:"photos_without_face"`
	Threshold    float64        `json:"passive_threshold"` // a photo scoring below it is rejected as fake
	AntispoofFRR float64        `json:"antispoof_false_reject_rate"`
	LivenessFRR  float64        `json:"liveness_false_reject_rate"`
	Antispoof    quantiles      `json:"antispoof_scores"`
	Liveness     quantiles      `json:"liveness_scores"`
	Attacks      []attackResult `json:"attacks"`
	Note         string         `json:"note"`
}

type quantiles struct {
	Min, P10, Median, P90, Max float64
}

// attackResult counts, for one kind of attack video, how the recorded
// check (CheckRecorded, `visage liveness`) and the active challenge
// (Challenge, fed the same frames cycled 0.5 s apart until it ends)
// decided, and the passive models' median scores.
type attackResult struct {
	Attack             string         `json:"attack"`
	Videos             int            `json:"videos"`
	RecordedAccepted   int            `json:"recorded_accepted"`
	RecordedDenied     int            `json:"recorded_denied"`
	ChallengeAccepted  int            `json:"challenge_accepted"`
	ChallengeDenied    int            `json:"challenge_denied"`
	Reasons            map[string]int `json:"challenge_reasons"`
	AntispoofMedian    float64        `json:"antispoof_median"`
	LivenessMedian     float64        `json:"liveness_median"`
	HomographyResidual float64        `json:"largest_homography_residual"`
	YawRange           float64        `json:"largest_yaw_range"`
}

func runLivenessEval(args []string) error {
	fl := newFlagSet("liveness-eval", "[--lfw DIR] [--n N] [--attacks K] [--out FILE] [--json]")
	var c livenessChecker
	c.src.addFlags(fl)
	c.addFlags(fl)
	lfwDir := fl.String("lfw", "", "`DIR` of LFW (holding images_deepfunneled; default $"+assets.EnvShared+"/data/lfw)")
	n := fl.Int("n", 100, "score `N` LFW photos (one per person, people spread evenly over the alphabet) with the passive models")
	attacks := fl.Int("attacks", 5, "make attack videos from the first `K` of them")
	out := fl.String("out", "", "also write the JSON result to `FILE` (e.g. testdata/results/liveness.json)")
	asJSON := fl.Bool("json", false, "print the result as JSON")
	if err := parseFlags(fl, args, 0, 0); err != nil {
		return err
	}
	if *n < 1 || *attacks < 0 || *attacks > *n {
		return usagef("need --n ≥ 1 and 0 ≤ --attacks ≤ --n, found %d and %d", *n, *attacks)
	}
	dir := *lfwDir
	if dir == "" {
		s, err := assets.SharedDir()
		if err != nil {
			return err
		}
		dir = filepath.Join(s, "data", "lfw")
	}
	photos, err := lfwSample(filepath.Join(dir, "images_deepfunneled"), *n)
	if err != nil {
		return err
	}
	if err := c.load(); err != nil {
		return err
	}
	const threshold = 0.5
	res := livenessEval{Threshold: threshold, Note: "LFW photos are photographs of real people, scored as the camera would see the photo itself: genuine faces for the passive models' false-reject rate, and the material of every attack video here. Nothing here was recorded from a live person."}
	var spoofs, lives []float64
	kinds := []string{"still photo (identical frames)", "still photo with camera noise", "photo moved in 2D (slid, turned, scaled)", "photo tilted in 3D (up to 45° at 2 face widths)"}
	byKind := make([]attackResult, len(kinds))
	for i := range kinds {
		byKind[i] = attackResult{Attack: kinds[i], Reasons: map[string]int{}}
	}
	var kindSpoof, kindLive = make([][]float64, len(kinds)), make([][]float64, len(kinds))
	started := time.Now()
	for i, path := range photos {
		photo, err := imageio.DecodePhoto(path)
		if err != nil {
			return err
		}
		canvas := onCamera(photo, face.Similarity{A: 1})
		o, err := c.observe(canvas)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		res.Photos++
		if o == nil {
			res.NoFace++
			continue
		}
		spoofs, lives = append(spoofs, o.Spoof), append(lives, o.Live)
		fmt.Fprintf(os.Stderr, "\rliveness-eval: %d/%d photos, %s", i+1, len(photos), time.Since(started).Round(time.Second))
		if i >= *attacks {
			continue
		}
		for k, frames := range attackVideos(photo, o.Box, int64(i)) {
			var obs []*liveness.Observation
			for _, f := range frames {
				fo, err := c.observe(f)
				if err != nil {
					return fmt.Errorf("%s, %s: %w", path, kinds[k], err)
				}
				obs = append(obs, fo)
				if fo != nil {
					kindSpoof[k], kindLive[k] = append(kindSpoof[k], fo.Spoof), append(kindLive[k], fo.Live)
				}
			}
			a := &byKind[k]
			a.Videos++
			r := liveness.CheckRecorded(obs, liveness.Config{})
			if r.Live {
				a.RecordedAccepted++
			} else {
				a.RecordedDenied++
			}
			a.HomographyResidual = math.Max(a.HomographyResidual, r.Score)
			a.YawRange = math.Max(a.YawRange, r.YawRange)
			s := challengeOn(obs, uint64(i*10+k))
			if s.Passed {
				a.ChallengeAccepted++
			} else {
				a.ChallengeDenied++
				a.Reasons[string(s.Reason)]++
			}
		}
	}
	fmt.Fprintln(os.Stderr)
	res.Antispoof, res.Liveness = quantilesOf(spoofs), quantilesOf(lives)
	res.AntispoofFRR, res.LivenessFRR = below(spoofs, threshold), below(lives, threshold)
	for k := range byKind {
		byKind[k].AntispoofMedian, byKind[k].LivenessMedian = quantilesOf(kindSpoof[k]).Median, quantilesOf(kindLive[k]).Median
	}
	res.Attacks = byKind
	if *out != "" {
		err := atomicfile.Write(*out, 0o644, func(w io.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(res)
		})
		if err != nil {
			return err
		}
	}
	if *asJSON {
		return printJSON(res)
	}
	fmt.Printf("passive models on %d LFW photos (%d without a face): rejected as fake below %.1f: antispoof %.1f%%, liveness %.1f%%\n",
		res.Photos, res.NoFace, threshold, 100*res.AntispoofFRR, 100*res.LivenessFRR)
	for _, a := range res.Attacks {
		fmt.Printf("%-45s %d videos: recorded check accepted %d, challenge accepted %d %v\n", a.Attack, a.Videos, a.RecordedAccepted, a.ChallengeAccepted, a.Reasons)
	}
	return nil
}

// lfwSample returns the first photo of n people spread evenly over the
// sorted folders of dir.
func lfwSample(dir string, n int) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var people []string
	for _, e := range entries {
		if e.IsDir() {
			people = append(people, e.Name())
		}
	}
	sort.Strings(people)
	if len(people) < n {
		return nil, fmt.Errorf("%s holds %d people, fewer than --n %d", dir, len(people), n)
	}
	out := make([]string, n)
	for i := range out {
		p := people[i*len(people)/n]
		out[i] = filepath.Join(dir, p, p+"_0001.jpg")
	}
	return out, nil
}

// onCamera puts photo on a 640×480 frame as the e2e tests' fake camera
// does (scaled to 480×480 and centred), after moving it by t (a map from
// frame pixels to frame pixels, applied inversely: frame pixel p shows
// the unmoved frame at t(p)).
func onCamera(photo *tensor.Tensor, t face.Similarity) *tensor.Tensor {
	k := float64(photo.Shape[0]) / 480
	// frame → unmoved frame (t) → photo: q ↦ ((q − (80, 0))·k)
	c := face.Similarity{A: t.A * k, B: t.B * k, TX: (t.TX - 80) * k, TY: t.TY * k}
	return face.WarpBilinear(photo, c, 480, 640)
}

// attackVideos returns, for one photo, the frames of each attack kind (in
// the order of liveness-eval's kinds).
func attackVideos(photo *tensor.Tensor, box face.Box, seed int64) [][]*tensor.Tensor {
	rng := rand.New(rand.NewPCG(uint64(seed), 9))
	base := onCamera(photo, face.Similarity{A: 1})
	still := []*tensor.Tensor{base, base, base, base}
	var noisy, moved, tilted []*tensor.Tensor
	for range 4 {
		f := base.Clone()
		for i := range f.Data {
			f.Data[i] = float32(min(max(float64(f.Data[i])+3*rng.NormFloat64(), 0), 255))
		}
		noisy = append(noisy, f)
	}
	for k := range 6 {
		a := 0.3 * math.Sin(float64(k)) // radians
		s := 1 + 0.2*math.Sin(float64(k)*0.7)
		sn, cs := math.Sincos(a)
		// inverse map about the frame centre (320, 240), then a shift
		A, B := cs/s, -sn/s
		dx, dy := 50*math.Sin(float64(k)*1.3), 20*math.Cos(float64(k))
		t := face.Similarity{A: A, B: B}
		t.TX = 320 - (A*(320+dx) - B*(240+dy))
		t.TY = 240 - (B*(320+dx) + A*(240+dy))
		moved = append(moved, onCamera(photo, t))
	}
	for k := range 6 {
		tilted = append(tilted, tilt(base, 9*float64(k)*math.Pi/180, 2*box.W*480/float64(photo.Shape[0])))
	}
	return [][]*tensor.Tensor{still, noisy, moved, tilted}
}

// tilt returns frame as the camera would see it turned by yaw (radians)
// about the vertical line through its centre, the camera f pixels away
// with focal length f: output (u, v) about the centre comes from the plane
// point x = u·f / (f·cos yaw − u·sin yaw), y = v·(f + x·sin yaw) / f.
func tilt(frame *tensor.Tensor, yaw, f float64) *tensor.Tensor {
	h, w := frame.Shape[0], frame.Shape[1]
	out := tensor.New(h, w, 3)
	sn, cs := math.Sincos(yaw)
	for v := range h {
		for u := range w {
			uc, vc := float64(u)-float64(w)/2, float64(v)-float64(h)/2
			den := f*cs - uc*sn
			if den <= 0 {
				continue
			}
			x := uc * f / den
			y := vc * (f + x*sn) / f
			sx, sy := x+float64(w)/2, y+float64(h)/2
			ix, iy := int(math.Floor(sx)), int(math.Floor(sy))
			if ix < 0 || iy < 0 || ix+1 >= w || iy+1 >= h {
				continue
			}
			fx, fy := float32(sx-float64(ix)), float32(sy-float64(iy))
			for c := range 3 {
				p := func(xx, yy int) float32 { return frame.Data[(yy*w+xx)*3+c] }
				top := p(ix, iy)*(1-fx) + p(ix+1, iy)*fx
				bot := p(ix, iy+1)*(1-fx) + p(ix+1, iy+1)*fx
				out.Data[(v*w+u)*3+c] = top*(1-fy) + bot*fy
			}
		}
	}
	return out
}

// challengeOn feeds obs, cycled, 0.5 s apart, to a challenge until it ends.
func challengeOn(obs []*liveness.Observation, seed uint64) liveness.Status {
	c := liveness.NewChallenge(liveness.Config{}, rand.New(rand.NewPCG(seed, 3)))
	for k := 0; ; k++ {
		o := obs[k%len(obs)]
		var f liveness.Frame
		f.T = time.Duration(k) * 500 * time.Millisecond
		if o != nil {
			c := *o
			c.Distance = 0.3 // the enrolled person, so that only liveness decides
			f.Face = &c
		}
		if s := c.Feed(f); s.Done {
			return s
		}
	}
}

func quantilesOf(xs []float64) quantiles {
	if len(xs) == 0 {
		return quantiles{}
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	q := func(p float64) float64 { return s[int(math.Round(p*float64(len(s)-1)))] }
	return quantiles{s[0], q(0.1), q(0.5), q(0.9), s[len(s)-1]}
}

func below(xs []float64, t float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	n := 0
	for _, x := range xs {
		if x < t {
			n++
		}
	}
	return float64(n) / float64(len(xs))
}
