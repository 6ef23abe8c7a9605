package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"visage/models/assets"
	"visage/models/facerec"
	"visage/models/landmarks"
)

// This file is the table of benches: what each times natively, in the page
// and on its peers, and the shared inputs they read (the chip, the LFW
// photos, the style-transfer pair).

// bench is one thing to time natively, in the page and on the peers.
type bench struct {
	name         string
	runs, warmup int     // defaults; --runs and --warmup override
	items        int     // inputs per run; times are reported per input
	flops        float64 // floating-point operations per input, for GFLOP/s; 0 if unknown
	native       func() (run func() error, err error)
	ours         string                                    // visage.js method timed in the page on the bench's inputs
	encoder      string                                    // the page instance's Visage.load encoder; "" for the default, dlib
	against      string                                    // a bench timed beside this one, on each side, as its reference (the encoder benches' dlib); "" for none
	peerModule   string                                    // the peer page's module ("faceapi.mjs" or "nst.mjs")
	peers        []peerRun                                 // what the peer module times, each one line
	preparePeer  func(ctx context.Context) (string, error) // per tab, before timing, with a note for the output (or ""); nil if none
	oursInputs   []string                                  // files under the shared root ours runs on; nil: the chip
	size         int                                       // the style-transfer bench's image side, 0 for the others
	// gallery is how many people visage.mjs's fillGallery enrolls in the
	// page (random descriptors) before ours is timed, and clears after; 0: none.
	gallery int
}

// peerRun is one operation a peer module times, and its name in the output.
type peerRun struct {
	op   string // the operation its time function runs
	name string // e.g. "face-api.js", "tfjs-fast-grads"
}

// faceAPI is face-api.js timing op.
func faceAPI(op string) []peerRun { return []peerRun{{op, "face-api.js"}} }

// Bench inputs: a 150×150 chip of faces-dev, LFW photos (250×250) and the
// style-transfer pair.
const (
	chipRel    = "data/faces-dev/dlib_johns/John_Salley/000179_02159509.jpg"
	lfwRel     = "data/lfw/images_deepfunneled"
	nstContent = "data/nst/content/astronaut.png"
	nstStyle   = "data/nst/style/starry_night.jpg"
)

// photos are the LFW images of the detection and pipeline benches.
var photos = []string{
	"Abel_Pacheco/Abel_Pacheco_0004.jpg",
	"George_W_Bush/George_W_Bush_0001.jpg",
	"Serena_Williams/Serena_Williams_0001.jpg",
}

var benches = slices.Concat([]bench{
	{name: "encode", runs: 15, warmup: 3, items: 1, flops: facerec.FLOPs(), native: encodeNative,
		ours: "encode", peerModule: "faceapi.mjs", peers: faceAPI("descriptor")},
	{name: "detect", runs: 8, warmup: 2, items: len(photos), native: detectNative,
		ours: "detectFaces", peerModule: "faceapi.mjs", peers: faceAPI("detect"), oursInputs: photoFiles()},
	{name: "landmarks", runs: 15, warmup: 3, items: len(photos), flops: landmarks.FLOPs(), native: landmarksNative,
		ours: "landmarks", peerModule: "faceapi.mjs", peers: faceAPI("landmarks"), oursInputs: photoFiles()},
	{name: "pipeline", runs: 6, warmup: 2, items: len(photos), native: pipelineNative,
		ours: "detect", peerModule: "faceapi.mjs", peers: faceAPI("pipeline"), oursInputs: photoFiles()},
	// A decision (identify, as verify and enroll encode: four chips a
	// face) beside the pipeline's one chip; face-api.js has no such setting.
	{name: "decision", runs: 6, warmup: 2, items: len(photos), native: decisionNative,
		ours: "identify", oursInputs: photoFiles()},
	// identify's search alone (a descriptor in) among 100,000 people
	// enrolled from random descriptors; target < 20 ms in the page.
	{name: "identify-100k", runs: 15, warmup: 3, items: 1, native: identifyNative,
		ours: "identifyDescriptor", gallery: identifyPeople},
}, otherEncoderBenches(), []bench{nstBench(128, 5), nstBench(256, 3)})

// benchNamed is the bench called name.
func benchNamed(name string) (bench, error) {
	for _, b := range benches {
		if b.name == name {
			return b, nil
		}
	}
	return bench{}, fmt.Errorf("no bench named %q", name)
}

// photoFiles are the bench photos' paths under the shared root.
func photoFiles() []string {
	files := make([]string, len(photos))
	for i, p := range photos {
		files[i] = filepath.Join(lfwRel, p)
	}
	return files
}

// readShared reads a file under the shared data root.
func readShared(rel string) ([]byte, error) {
	shared, err := assets.SharedDir()
	if err != nil {
		return nil, err
	}
	return os.ReadFile(filepath.Join(shared, rel))
}
