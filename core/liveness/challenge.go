package liveness

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"visage/core/face"
)

// Step is one thing the challenge asks the person to do.
type Step string

// The steps a challenge draws from. Turns are the person's own left and
// right (see Pose); nothing asks for a smile.
const (
	StepBlink     Step = "blink"
	StepTurnLeft  Step = "turn-left"
	StepTurnRight Step = "turn-right"
	StepLookUp    Step = "look-up"
)

// AllSteps lists every step, in a fixed order.
var AllSteps = []Step{StepBlink, StepTurnLeft, StepTurnRight, StepLookUp}

// Words is the instruction for s, as the page shows and says it.
func (s Step) Words() string {
	switch s {
	case StepBlink:
		return "Close your eyes, then open them"
	case StepTurnLeft:
		return "Turn your head to your left"
	case StepTurnRight:
		return "Turn your head to your right"
	case StepLookUp:
		return "Look up"
	}
	return string(s)
}

// Reason says why a challenge or an unlock failed, in words a person reads;
// never a distance or a score.
type Reason string

// The reasons.
const (
	ReasonNone            Reason = ""
	ReasonNoFace          Reason = "no face"
	ReasonNotThisPerson   Reason = "not this person"
	ReasonNoLiveness      Reason = "no liveness"
	ReasonTimedOut        Reason = "challenge timed out"
	ReasonWrongMove       Reason = "wrong move"
	ReasonFaceChanged     Reason = "another face appeared"
	ReasonTooManyAttempts Reason = "too many attempts"
)

// Config sets a challenge's thresholds; the zero value of a field means its
// default (DefaultConfig).
type Config struct {
	Steps             int           // steps asked, 1..4 (3)
	CalibrationFrames int           // face frames measured before the first step (3)
	StepTimeout       time.Duration // for each step (8 s)
	// CalibrationTimeout bounds the measuring of the first frames (20 s:
	// three frames take several seconds each on a slow device).
	CalibrationTimeout time.Duration
	TurnDegrees        float64 // yaw change from the neutral pose that is a turn (15)
	UpDegrees          float64 // pitch change that is looking up (10)
	WrongDegrees       float64 // a move this far the other way fails the step (15)
	// FlatResidual: a turn or look-up whose landmarks are within this
	// residual (eye distances, HomographyResidual) of a homography of the
	// neutral frame's is a flat picture being tilted; a face that only moves
	// within this residual (SimilarityResidual) of a 2D similarity of the
	// neutral frame is a picture being slid and turned (0.015).
	FlatResidual float64
	// StillMotion: calibration frames whose landmarks move less than this
	// (eye distances, Motion) between every two frames are a still picture
	// (0.001).
	StillMotion float64
	// SwapDistance: a frame whose descriptor is this far from the mean of
	// the calibration frames' is another face (0.6).
	SwapDistance float64
	// Threshold: the median distance to the claimed person, over all face
	// frames, must be below it (0.6, face.DefaultThreshold).
	Threshold float64
	// MinSpoofScore: when > 0, the median anti-spoofing score of the
	// calibration frames must reach it (0: not used; see Passive).
	MinSpoofScore float64
}

// DefaultConfig is the configuration the zero Config stands for.
var DefaultConfig = Config{
	Steps: 3, CalibrationFrames: 3, StepTimeout: 8 * time.Second, CalibrationTimeout: 20 * time.Second,
	TurnDegrees: 15, UpDegrees: 10, WrongDegrees: 15,
	FlatResidual: 0.015, StillMotion: 0.001, SwapDistance: 0.6, Threshold: face.DefaultThreshold,
}

func (c Config) withDefaults() Config {
	d := DefaultConfig
	set := func(dst *float64, v float64) {
		if v != 0 {
			*dst = v
		}
	}
	if c.Steps != 0 {
		d.Steps = min(max(c.Steps, 1), len(AllSteps))
	}
	if c.CalibrationFrames != 0 {
		d.CalibrationFrames = max(c.CalibrationFrames, 2)
	}
	if c.StepTimeout != 0 {
		d.StepTimeout = c.StepTimeout
	}
	if c.CalibrationTimeout != 0 {
		d.CalibrationTimeout = c.CalibrationTimeout
	}
	set(&d.TurnDegrees, c.TurnDegrees)
	set(&d.UpDegrees, c.UpDegrees)
	set(&d.WrongDegrees, c.WrongDegrees)
	set(&d.FlatResidual, c.FlatResidual)
	set(&d.StillMotion, c.StillMotion)
	set(&d.SwapDistance, c.SwapDistance)
	set(&d.Threshold, c.Threshold)
	d.MinSpoofScore = c.MinSpoofScore
	return d
}

// Observation is what the frame's pipeline found about the tracked face.
type Observation struct {
	Box        face.Box
	Landmarks  []Point   // 68, image pixels
	Descriptor []float32 // its face descriptor
	// Distance to the claimed person's closest sample; NaN when no one is
	// claimed (a liveness check without identity).
	Distance float64
	// Spoof is the anti-spoofing model's score (larger: more likely real);
	// NaN when not measured.
	Spoof float64
	// Live is the liveness model's score (larger: more likely live); NaN
	// when not measured. It is reported, not used: see Passive.
	Live float64
}

// Frame is one analysed camera frame: its capture time (from any origin,
// never decreasing) and the tracked face, nil when none was found.
type Frame struct {
	T    time.Duration
	Face *Observation
}

// Status is where a challenge stands after a frame.
// The js tags are the browser API's (unlockFrame's result, web/visage.d.ts).
type Status struct {
	Done   bool   `js:"done"`     // passed or failed; later frames change nothing
	Passed bool   `js:"unlocked"` // every step done, on one face that is the claimed person
	Reason Reason `js:"reason"`   // why it failed (ReasonNone otherwise)
	Detail string `js:"detail"`   // the failure in a sentence, for people; no distances
	// Step is the index in Steps() of the step asked for now: -1 while the
	// calibration frames are measured, len(Steps()) once all are done.
	Step int `js:"step"`
	// Distance is the median distance to the claimed person over the face
	// frames so far (NaN before any, or without a claimed person). Callers
	// decide whether to show it.
	Distance float64 `js:"distance,finite"`
}

// Challenge is the active liveness check for one face: a state machine fed
// with timestamped frames. It first measures CalibrationFrames frames of
// the face (its open eyes, its neutral pose, its descriptor; within
// CalibrationTimeout), rejecting a
// still picture, a face that is not the claimed person and, when enabled, a
// low anti-spoofing score; then it asks each step in turn, each with
// StepTimeout to be done, and counts a step only once the face has first
// come back near the neutral pose. A frame whose face is another person's
// (SwapDistance from the calibration's descriptor) fails it, as does a turn
// the wrong way. A turn or look-up counts only when the landmarks moved as
// no flat picture's can (HomographyResidual above FlatResidual); a step
// that times out after such a flat move, or after the face only moved as a
// picture slid and turned in its plane, fails as no liveness. Not safe for
// concurrent use.
type Challenge struct {
	cfg   Config
	steps []Step

	status    Status
	started   bool
	deadline  time.Duration // of the calibration or the current step
	calib     []Observation
	calibPose []Pose
	distances []float64

	neutral     Pose
	neutralPts  []Point
	reference   []float32 // mean calibration descriptor
	blink       Blink
	seenNeutral bool // the face has been near the neutral pose during this step
	// rigidOnly stays true while every face frame since the calibration is
	// within FlatResidual of a 2D similarity of the neutral frame; maxMotion
	// is the largest Motion from it.
	rigidOnly bool
	maxMotion float64
	flatTurn  bool // this step's move was reached only as a flat picture's
}

// NewChallenge draws cfg.Steps distinct steps in random order from rng and
// returns a challenge that has seen no frame yet.
func NewChallenge(cfg Config, rng *rand.Rand) *Challenge {
	cfg = cfg.withDefaults()
	perm := rng.Perm(len(AllSteps))
	steps := make([]Step, cfg.Steps)
	for i := range steps {
		steps[i] = AllSteps[perm[i]]
	}
	return &Challenge{cfg: cfg, steps: steps, status: Status{Step: -1, Distance: math.NaN()}, rigidOnly: true}
}

// Steps returns the steps asked, in order.
func (c *Challenge) Steps() []Step { return append([]Step(nil), c.steps...) }

// Status returns the status after the last frame.
func (c *Challenge) Status() Status { return c.status }

// Feed advances the challenge by one frame and returns its status. Frames
// must come in time order; once Done, Feed returns the final status.
func (c *Challenge) Feed(f Frame) Status {
	if c.status.Done {
		return c.status
	}
	if !c.started {
		c.started, c.deadline = true, f.T+c.cfg.CalibrationTimeout
	}
	// Another face is reported even in a late frame: it is the graver finding.
	if o := f.Face; o != nil && c.reference != nil && o.Descriptor != nil && face.Distance(c.reference, o.Descriptor) > c.cfg.SwapDistance {
		return c.fail(ReasonFaceChanged, "another face appeared during the challenge")
	}
	if f.T > c.deadline {
		return c.timedOut()
	}
	if f.Face == nil {
		return c.status
	}
	o := *f.Face
	if len(o.Landmarks) != 68 {
		return c.fail(ReasonNoFace, fmt.Sprintf("the face has %d landmarks, not 68", len(o.Landmarks)))
	}
	pose, err := EstimatePose(o.Landmarks)
	if err != nil {
		return c.fail(ReasonNoFace, err.Error())
	}
	if !math.IsNaN(o.Distance) {
		c.distances = append(c.distances, o.Distance)
		c.status.Distance = median(c.distances)
	}
	if c.status.Step < 0 {
		return c.calibrate(f.T, o, pose)
	}
	return c.step(f.T, o, pose)
}

// calibrate takes one calibration frame; with enough, it checks them and
// starts the first step.
func (c *Challenge) calibrate(t time.Duration, o Observation, pose Pose) Status {
	c.calib = append(c.calib, o)
	c.calibPose = append(c.calibPose, pose)
	if len(c.calib) < c.cfg.CalibrationFrames {
		return c.status
	}
	if d := c.status.Distance; !math.IsNaN(d) && d >= c.cfg.Threshold {
		return c.fail(ReasonNotThisPerson, "the face does not match the person claimed")
	}
	moved := 0.0
	for i := 1; i < len(c.calib); i++ {
		moved = math.Max(moved, Motion(c.calib[i-1].Landmarks, c.calib[i].Landmarks))
	}
	if moved < c.cfg.StillMotion {
		return c.fail(ReasonNoLiveness, "the face did not move at all between frames, as a still picture does not")
	}
	if c.cfg.MinSpoofScore > 0 {
		var scores []float64
		for _, o := range c.calib {
			if !math.IsNaN(o.Spoof) {
				scores = append(scores, o.Spoof)
			}
		}
		if len(scores) > 0 && median(scores) < c.cfg.MinSpoofScore {
			return c.fail(ReasonNoLiveness, "the anti-spoofing model takes the face for a picture")
		}
	}
	var yaws, pitches, ears []float64
	var descs [][]float32
	for i, o := range c.calib {
		yaws, pitches = append(yaws, c.calibPose[i].Yaw), append(pitches, c.calibPose[i].Pitch)
		ears = append(ears, EyeAspectRatio(o.Landmarks))
		if o.Descriptor != nil {
			descs = append(descs, o.Descriptor)
		}
	}
	c.neutral = Pose{Yaw: median(yaws), Pitch: median(pitches)}
	c.neutralPts = c.calib[len(c.calib)-1].Landmarks
	c.blink.SetBaseline(ears)
	if len(descs) > 0 {
		c.reference = face.MeanDescriptor(descs...)
	}
	c.next(t)
	return c.status
}

// next starts the step after the current one, or finishes.
func (c *Challenge) next(t time.Duration) {
	c.status.Step++
	c.deadline = t + c.cfg.StepTimeout
	c.seenNeutral, c.flatTurn = false, false
	if c.status.Step < len(c.steps) {
		return
	}
	if d := c.status.Distance; !math.IsNaN(d) && d >= c.cfg.Threshold {
		c.fail(ReasonNotThisPerson, "the face does not match the person claimed")
		return
	}
	c.status.Done, c.status.Passed = true, true
}

// step takes one frame of the current step.
func (c *Challenge) step(t time.Duration, o Observation, pose Pose) Status {
	cfg := c.cfg
	dYaw, dPitch := pose.Yaw-c.neutral.Yaw, pose.Pitch-c.neutral.Pitch
	m := Motion(c.neutralPts, o.Landmarks)
	c.maxMotion = math.Max(c.maxMotion, m)
	if SimilarityResidual(c.neutralPts, o.Landmarks) > cfg.FlatResidual {
		c.rigidOnly = false
	}
	if math.Abs(dYaw) < cfg.TurnDegrees/2 && math.Abs(dPitch) < cfg.UpDegrees/2 {
		c.seenNeutral = true
	}
	ear := EyeAspectRatio(o.Landmarks)
	if !c.seenNeutral {
		return c.status
	}
	var done bool
	switch s := c.steps[c.status.Step]; s {
	case StepBlink:
		done = c.blink.Add(ear)
	case StepTurnLeft, StepTurnRight:
		sign := 1.0
		if s == StepTurnRight {
			sign = -1
		}
		if sign*dYaw <= -cfg.WrongDegrees {
			return c.fail(ReasonWrongMove, "the head turned the other way")
		}
		done = sign*dYaw >= cfg.TurnDegrees
	case StepLookUp:
		if dPitch <= -cfg.WrongDegrees {
			return c.fail(ReasonWrongMove, "the head turned down, not up")
		}
		done = dPitch >= cfg.UpDegrees
	}
	if done && c.steps[c.status.Step] != StepBlink && HomographyResidual(c.neutralPts, o.Landmarks) < cfg.FlatResidual {
		// As far as asked, but as a tilted picture would be: not done; the
		// step times out as no liveness unless a later frame turns further.
		done, c.flatTurn = false, true
	}
	if done {
		c.next(t)
	}
	return c.status
}

// timedOut fails the challenge at its deadline: as no liveness when the
// face moved clearly but only as a picture slid, turned or scaled in its
// own plane would, else as timed out (or no face, before any was seen).
func (c *Challenge) timedOut() Status {
	switch {
	case c.status.Step < 0 && len(c.calib) == 0:
		return c.fail(ReasonNoFace, "no face was seen")
	case c.status.Step >= 0 && c.flatTurn:
		return c.fail(ReasonNoLiveness, "the face turned only as a tilted flat picture does, not as a head does")
	case c.status.Step >= 0 && c.rigidOnly && c.maxMotion > 0.1:
		return c.fail(ReasonNoLiveness, "the face only moved as a flat picture does (slid, turned or scaled in the picture)")
	case c.status.Step < 0:
		return c.fail(ReasonTimedOut, "the face was not seen long enough to start the challenge")
	}
	return c.fail(ReasonTimedOut, fmt.Sprintf("%q was not done in time", c.steps[c.status.Step].Words()))
}

func (c *Challenge) fail(r Reason, detail string) Status {
	c.status.Done, c.status.Passed, c.status.Reason, c.status.Detail = true, false, r, detail
	return c.status
}
