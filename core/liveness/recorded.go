package liveness

import "math"

// Recorded is the verdict on recorded frames of one face (no challenge was
// asked, so only what the frames show by themselves counts).
type Recorded struct {
	Live   bool    `json:"live" js:"live"`
	Score  float64 `json:"score" js:"score"`   // the largest HomographyResidual from the first face frame: evidence of a 3D face; live needs ≥ FlatResidual
	Reason string  `json:"reason" js:"reason"` // why not live, in words ("" when live)
	Frames int     `json:"frames" js:"frames"` // frames given
	Faces  int     `json:"faces" js:"faces"`   // frames with a face
	// Motion is the largest Motion between consecutive face frames,
	// Similarity the largest SimilarityResidual from the first face frame.
	// They and the pose ranges are not in the browser API's result
	// (LivenessResult in web/visage.d.ts).
	Motion     float64 `json:"motion" js:"-"`
	Similarity float64 `json:"similarity_residual" js:"-"`
	// YawRange and PitchRange are the spread (max − min, degrees) of the
	// head pose over the face frames.
	YawRange   float64 `json:"yaw_range" js:"-"`
	PitchRange float64 `json:"pitch_range" js:"-"`
	// Antispoof and Liveness are the passive models' median scores (null
	// when not run); they decide only when Config.MinSpoofScore is set.
	Antispoof *float64 `json:"antispoof" js:"antispoof"`
	Liveness  *float64 `json:"liveness" js:"liveness"`
}

// CheckRecorded judges recorded frames (nil entries: no face) with cfg's
// thresholds (zero fields: DefaultConfig's): not live with fewer than
// CalibrationFrames face frames ("no face"), landmarks that never move
// (StillMotion: "a still picture"), landmarks that only ever move as a flat
// picture can (every frame within FlatResidual of a homography of the first
// face frame's: "moved only as a flat picture"), a head that never turns
// (a yaw spread under TurnDegrees and a pitch spread under UpDegrees), or,
// with MinSpoofScore set, a median anti-spoofing score below it. A live
// face must therefore turn or nod in the recording.
func CheckRecorded(frames []*Observation, cfg Config) Recorded {
	cfg = cfg.withDefaults()
	r := Recorded{Frames: len(frames)}
	var faces []*Observation
	var spoof, live []float64
	for _, o := range frames {
		if o == nil || len(o.Landmarks) != 68 {
			continue
		}
		faces = append(faces, o)
		if !math.IsNaN(o.Spoof) {
			spoof = append(spoof, o.Spoof)
		}
		if !math.IsNaN(o.Live) {
			live = append(live, o.Live)
		}
	}
	r.Faces = len(faces)
	if len(spoof) > 0 {
		m := median(spoof)
		r.Antispoof = &m
	}
	if len(live) > 0 {
		m := median(live)
		r.Liveness = &m
	}
	if len(faces) < cfg.CalibrationFrames {
		r.Reason = "no face (a face was found in fewer frames than needed)"
		return r
	}
	first := faces[0].Landmarks
	yaw := [2]float64{math.Inf(1), math.Inf(-1)}
	pitch := yaw
	for i, o := range faces {
		if p, err := EstimatePose(o.Landmarks); err == nil {
			yaw = [2]float64{math.Min(yaw[0], p.Yaw), math.Max(yaw[1], p.Yaw)}
			pitch = [2]float64{math.Min(pitch[0], p.Pitch), math.Max(pitch[1], p.Pitch)}
		}
		if i > 0 {
			r.Motion = math.Max(r.Motion, Motion(faces[i-1].Landmarks, o.Landmarks))
		}
		r.Similarity = math.Max(r.Similarity, SimilarityResidual(first, o.Landmarks))
		r.Score = math.Max(r.Score, HomographyResidual(first, o.Landmarks))
	}
	r.YawRange, r.PitchRange = math.Max(yaw[1]-yaw[0], 0), math.Max(pitch[1]-pitch[0], 0)
	switch {
	case r.Motion < cfg.StillMotion:
		r.Reason = "no liveness: the face does not move at all (a still picture)"
	case r.YawRange < cfg.TurnDegrees && r.PitchRange < cfg.UpDegrees:
		r.Reason = "no liveness: the head never turns or nods"
	case r.Score < cfg.FlatResidual:
		r.Reason = "no liveness: the face only moves as a flat picture can"
	case cfg.MinSpoofScore > 0 && r.Antispoof != nil && *r.Antispoof < cfg.MinSpoofScore:
		r.Reason = "no liveness: the anti-spoofing model takes the face for a picture"
	default:
		r.Live = true
	}
	return r
}
