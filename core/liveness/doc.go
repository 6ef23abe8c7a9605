// Package liveness decides whether a face in front of a camera is a live
// person rather than a picture of one, and limits failed unlocks.
//
//   - pose.go: head pose (yaw, pitch, roll) from 68 landmarks, a
//     weak-perspective fit of a 3D mean face;
//   - blink.go: the eye aspect ratio and blinks against a per-person
//     baseline;
//   - motion.go: how far frames' landmarks are from moving as a flat
//     picture does (similarity, homography residuals);
//   - challenge.go: the active challenge, a state machine fed with
//     timestamped frames of one tracked face;
//   - passive.go: the anti-spoofing and liveness CNNs of human-models;
//   - recorded.go: the check on recorded frames (the CLI's liveness);
//   - attempts.go: the per-person attempt limit.
//
// Nothing here has been tested with a live person: the active challenge is
// tested on synthetic landmark sequences, the passive checks on photos and
// on videos made from photos.
package liveness
