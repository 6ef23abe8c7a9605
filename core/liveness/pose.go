package liveness

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"visage/models/landmarks"
)

// Point is a position in image pixels, X to the right and Y down.
type Point = landmarks.Point

// Pose is a head's orientation, in degrees, relative to facing the camera.
//
//   - Yaw > 0: the face points to the image's right. For a camera picture that
//     is not mirrored (what getUserMedia and a webcam file give), that is the
//     person's own left: "turn left" raises Yaw.
//   - Pitch > 0: the face points up (looking up).
//   - Roll: the in-plane rotation of the face, clockwise on screen (Y is down).
//
// Scale is the model's size in pixels (the weak-perspective scale) and
// Residual the root-mean-square distance, in pixels, between the landmarks
// and the fitted model's projection.
type Pose struct {
	Yaw, Pitch, Roll float64
	Scale, Residual  float64
}

// poseIndex are the landmarks (iBUG 300-W numbering) the pose is fitted on:
// brows, nose, the eyes' corners and the mouth's corners and top, the points
// that blinking, speaking and the jaw move least.
var poseIndex = []int{17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 39, 42, 45, 48, 51, 54}

// modelDepth is the depth of each landmark 17..67 of the mean face, in the
// units of landmarks.DlibMeanFace (its width, about 13 cm on an adult), away
// from the camera, the nose tip (30) at 0. dlib's template gives X and Y;
// the depths are set by hand from typical facial proportions (the eyes'
// outer corners about 3 cm, the mouth's corners about 2.5 cm behind the nose
// tip; the same ratios as the six-point model of common solvePnP head-pose
// examples) and are only as good as that: the challenge compares poses of
// one face with each other, so a depth error scales the angles measured but
// not their signs.
var modelDepth = map[int]float64{
	17: 0.25, 18: 0.20, 19: 0.17, 20: 0.15, 21: 0.14, 22: 0.14, 23: 0.15, 24: 0.17, 25: 0.20, 26: 0.25,
	27: 0.15, 28: 0.11, 29: 0.06, 30: 0, 31: 0.12, 32: 0.08, 33: 0.07, 34: 0.08, 35: 0.12,
	36: 0.22, 39: 0.16, 42: 0.16, 45: 0.22,
	48: 0.20, 51: 0.10, 54: 0.20,
}

// MeanFace3D returns the 3D mean face the pose is fitted to: for each of
// poseIndex, (X, Y) from dlib's mean face and the depth Z (away from the
// camera), X right and Y down as in the image.
func MeanFace3D() (index []int, pts [][3]float64) {
	pts = make([][3]float64, len(poseIndex))
	for k, i := range poseIndex {
		pts[k] = [3]float64{landmarks.DlibMeanFace[0][i-17], landmarks.DlibMeanFace[1][i-17], modelDepth[i]}
	}
	return append([]int(nil), poseIndex...), pts
}

// poseModel is the centred mean face and its least-squares solver, computed
// once: fit is pinv·(centred 2D points).
type poseModel struct {
	p    *mat.Dense // n×3: the centred model P
	pinv *mat.Dense // 3×n: (PᵀP)⁻¹Pᵀ
}

var theModel = newPoseModel()

func newPoseModel() poseModel {
	_, pts := MeanFace3D()
	n := len(pts)
	var mean [3]float64
	for _, p := range pts {
		for k := range 3 {
			mean[k] += p[k] / float64(n)
		}
	}
	p := mat.NewDense(n, 3, nil)
	for i, q := range pts {
		for k := range 3 {
			p.Set(i, k, q[k]-mean[k])
		}
	}
	var ptp, inv mat.Dense
	ptp.Mul(p.T(), p)
	if err := inv.Inverse(&ptp); err != nil {
		panic("liveness: the mean face is degenerate: " + err.Error())
	}
	var pinv mat.Dense
	pinv.Mul(&inv, p.T())
	return poseModel{p: p, pinv: &pinv}
}

// EstimatePose fits the 3D mean face to 68 landmarks (image pixels) under
// weak perspective (scaled orthographic projection): the 2×3 linear map from
// the centred model to the centred points by least squares, then the nearest
// scaled rotation (from its singular value decomposition). It errors unless
// given 68 finite points. Measured on the mean face itself, rotated by known
// angles and projected in perspective at 5 face widths with 1 % landmark
// noise: see TestEstimatePoseKnownAngles for the bound.
func EstimatePose(pts []Point) (Pose, error) {
	if len(pts) != landmarks.NumPoints {
		return Pose{}, fmt.Errorf("liveness: a pose needs %d landmarks, found %d", landmarks.NumPoints, len(pts))
	}
	n := len(poseIndex)
	q := mat.NewDense(n, 2, nil)
	var mx, my float64
	for _, i := range poseIndex {
		if math.IsNaN(pts[i].X+pts[i].Y) || math.IsInf(pts[i].X+pts[i].Y, 0) {
			return Pose{}, fmt.Errorf("liveness: landmark %d is not finite: %v", i, pts[i])
		}
		mx += pts[i].X / float64(n)
		my += pts[i].Y / float64(n)
	}
	for r, i := range poseIndex {
		q.Set(r, 0, pts[i].X-mx)
		q.Set(r, 1, pts[i].Y-my)
	}
	var mt mat.Dense // 3×2: Mᵀ
	mt.Mul(theModel.pinv, q)
	m := mt.T() // 2×3
	var svd mat.SVD
	if !svd.Factorize(m, mat.SVDThin) {
		return Pose{}, fmt.Errorf("liveness: the pose fit did not converge")
	}
	sv := svd.Values(nil)
	var u, v mat.Dense
	svd.UTo(&u) // 2×2
	svd.VTo(&v) // 3×2
	var r2 mat.Dense
	r2.Mul(&u, v.T()) // 2×3, orthonormal rows
	r1 := [3]float64{r2.At(0, 0), r2.At(0, 1), r2.At(0, 2)}
	rr := [3]float64{r2.At(1, 0), r2.At(1, 1), r2.At(1, 2)}
	r3 := cross(r1, rr)
	// R = Rz(roll)·Ry(yaw)·Rx(pitch) (see rotation): its bottom row is
	// (sin yaw, −cos yaw·sin pitch, cos yaw·cos pitch) and its first column
	// (cos roll·cos yaw, sin roll·cos yaw, ·).
	pose := Pose{
		Yaw:   deg(math.Atan2(r3[0], math.Hypot(r3[1], r3[2]))),
		Pitch: deg(math.Atan2(-r3[1], r3[2])),
		Roll:  deg(math.Atan2(rr[0], r1[0])),
		Scale: (sv[0] + sv[1]) / 2,
	}
	// Residual: the points against s·P·R2ᵀ, the fitted scaled rotation's projection.
	var proj mat.Dense
	proj.Mul(theModel.p, r2.T())
	proj.Scale(pose.Scale, &proj)
	proj.Sub(q, &proj)
	pose.Residual = mat.Norm(&proj, 2) / math.Sqrt(float64(n))
	return pose, nil
}

func cross(a, b [3]float64) [3]float64 {
	return [3]float64{a[1]*b[2] - a[2]*b[1], a[2]*b[0] - a[0]*b[2], a[0]*b[1] - a[1]*b[0]}
}

func deg(rad float64) float64 { return rad * 180 / math.Pi }
