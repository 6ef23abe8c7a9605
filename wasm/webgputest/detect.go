//go:build js && wasm

package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"time"

	"visage/core/face"
	"visage/core/imageio"
	"visage/core/tensor"
	"visage/models/landmarks"
	"visage/models/ssd"
	"visage/models/tinyface"
	"visage/wasm/webgpu"
	"visage/wasm/webgpu/landmarksgpu"
	"visage/wasm/webgpu/ssdgpu"
	"visage/wasm/webgpu/tinyfacegpu"
)

// The face photo kernels.js fetches beside the models for the detector
// checks (an LFW photo, 250x250, one face in the middle).
const photoFile = "face.jpg"

// testImages returns the page's face photo and an odd-sized, non-square
// picture of noise, which the networks pad and resize.
func testImages(fsys fs.FS, rng *rand.Rand) ([]namedImage, error) {
	raw, err := fs.ReadFile(fsys, photoFile)
	if err != nil {
		return nil, err
	}
	photo, err := imageio.Decode(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	noise := tensor.New(97, 131, 3)
	for i := range noise.Data {
		noise.Data[i] = 255 * rng.Float32()
	}
	return []namedImage{
		{fmt.Sprintf("LFW photo %dx%d", photo.Shape[1], photo.Shape[0]), photo, true},
		{"uniform noise 131x97", noise, false},
	}, nil
}

type namedImage struct {
	name   string
	t      *tensor.Tensor
	isFace bool // the detectors must find a face in it
}

// timed runs f, returning its wall time in milliseconds.
func timed(f func()) float64 {
	start := time.Now()
	f()
	return float64(time.Since(start).Microseconds()) / 1000
}

// checkSSD runs the SSD detector (visage/wasm/webgpu/ssdgpu) and
// models/ssd on the face photo and compares every anchor's score and
// decoded box (in pixels of the padded square), and the selected
// detections; a pass must be one submission and one read-back. The noise
// picture is left out: the network sees 512x512 whatever the image, and a
// pass takes over a minute on SwiftShader.
func checkSSD(d *webgpu.Device, rng *rand.Rand) []Result {
	fsys, cpuNet, err := loadPageNet(ssd.Load)
	if err != nil {
		return []Result{{Op: "ssd", Case: "load", Error: err.Error()}}
	}
	images, err := testImages(fsys, rng)
	if err != nil {
		return []Result{{Op: "ssd", Case: "load", Error: err.Error()}}
	}
	gpuNet := ssdgpu.Load(d, cpuNet)
	defer gpuNet.Release()
	var results []Result
	for _, img := range images[:1] {
		scores := Result{Op: "ssd scores", Case: img.name + ", every anchor"}
		boxes := Result{Op: "ssd boxes (px)", Case: img.name + ", every anchor"}
		var gpu, cpu *ssd.Output
		var gpuErr, cpuErr error
		pass := count(d)
		scores.GPUMillis = timed(func() { gpu, gpuErr = gpuNet.Run(img.t) })
		pass.check(&scores, 1, 1)
		scores.CPUMillis = timed(func() { cpu, cpuErr = cpuNet.Run(img.t) })
		if err := errorOf(gpuErr, cpuErr); err != "" {
			scores.Error, boxes.Error = err, err
			results = append(results, scores, boxes)
			continue
		}
		side := float64(max(img.t.Shape[0], img.t.Shape[1])) // the padded square's, in image pixels
		gb, gs := gpu.Anchors()
		cb, cs := cpu.Anchors()
		for i := range cs {
			scores.MaxAbsDiff = max(scores.MaxAbsDiff, math.Abs(gs[i]-cs[i]))
			for k := range 4 {
				boxes.MaxAbsDiff = max(boxes.MaxAbsDiff, side*math.Abs(gb[i][k]-cb[i][k]))
			}
		}
		scores.RelErr, boxes.RelErr = scores.MaxAbsDiff, boxes.MaxAbsDiff/side
		results = append(results, scores, boxes)
		// What the pipeline uses: the selected faces at a low threshold.
		opt := ssd.Options{MinConfidence: 0.05, MaxResults: 100}
		gd, err1 := gpu.Select(opt)
		cd, err2 := cpu.Select(opt)
		results = append(results, compareDetections("ssd detections", img.name+", MinConfidence 0.05", gd, cd, img.isFace, errorOf(err1, err2)))
	}
	return results
}

// checkLandmarks runs the landmark network (landmarksgpu) and
// models/landmarks on crops of the test images, comparing the points in
// crop pixels; a pass must be one submission and one read-back.
func checkLandmarks(d *webgpu.Device, rng *rand.Rand) []Result {
	fsys, cpuNet, err := loadPageNet(landmarks.Load)
	if err != nil {
		return []Result{{Op: "landmarks", Case: "load", Error: err.Error()}}
	}
	images, err := testImages(fsys, rng)
	if err != nil {
		return []Result{{Op: "landmarks", Case: "load", Error: err.Error()}}
	}
	gpuNet := landmarksgpu.Load(d, cpuNet)
	defer gpuNet.Release()
	var results []Result
	for _, img := range images {
		// An off-centre, non-square crop, as detection boxes give.
		h, w := img.t.Shape[0], img.t.Shape[1]
		crop, err := face.Crop(img.t, face.Box{X: float64(w) / 5, Y: float64(h) / 6, W: float64(w) * 3 / 5, H: float64(h) * 2 / 3})
		if err != nil {
			return append(results, Result{Op: "landmarks", Case: img.name, Error: err.Error()})
		}
		r := Result{Op: "landmarks (px)", Case: fmt.Sprintf("%s, crop %dx%d", img.name, crop.Shape[1], crop.Shape[0])}
		var gpu, cpu []landmarks.Point
		var gpuErr, cpuErr error
		pass := count(d)
		r.GPUMillis = timed(func() { gpu, gpuErr = gpuNet.Detect(crop) })
		pass.check(&r, 1, 1)
		r.CPUMillis = timed(func() { cpu, cpuErr = cpuNet.Detect(crop) })
		if err := errorOf(gpuErr, cpuErr); err != "" {
			r.Error = err
		} else {
			for i := range cpu {
				r.MaxAbsDiff = max(r.MaxAbsDiff, math.Abs(gpu[i].X-cpu[i].X), math.Abs(gpu[i].Y-cpu[i].Y))
			}
			r.RelErr = r.MaxAbsDiff / float64(max(crop.Shape[0], crop.Shape[1]))
		}
		results = append(results, r)
	}
	return results
}

// checkTinyFace runs the Tiny Face Detector (tinyfacegpu) and
// models/tinyface on the test images at two input sizes and a low score
// threshold, comparing the detections; a pass must be one submission and
// one read-back.
func checkTinyFace(d *webgpu.Device, rng *rand.Rand) []Result {
	fsys, cpuNet, err := loadPageNet(tinyface.Load)
	if err != nil {
		return []Result{{Op: "tinyface", Case: "load", Error: err.Error()}}
	}
	images, err := testImages(fsys, rng)
	if err != nil {
		return []Result{{Op: "tinyface", Case: "load", Error: err.Error()}}
	}
	gpuNet := tinyfacegpu.Load(d, cpuNet)
	defer gpuNet.Release()
	var results []Result
	for _, img := range images {
		for _, opt := range []tinyface.Options{{InputSize: 416, ScoreThreshold: 0.05}, {InputSize: 160, ScoreThreshold: 0.05}} {
			var gpu, cpu []ssd.Detection
			var gpuErr, cpuErr error
			pass := count(d)
			gpuMillis := timed(func() { gpu, gpuErr = gpuNet.Detect(img.t, opt) })
			var r Result
			pass.check(&r, 1, 1)
			cpuMillis := timed(func() { cpu, cpuErr = cpuNet.Detect(img.t, opt) })
			c := compareDetections("tinyface detections", fmt.Sprintf("%s, input %d, threshold %g", img.name, opt.InputSize, opt.ScoreThreshold),
				gpu, cpu, img.isFace, joinErrors(r.Error, errorOf(gpuErr, cpuErr)))
			c.Submissions, c.ReadBacks, c.GPUMillis, c.CPUMillis = r.Submissions, r.ReadBacks, gpuMillis, cpuMillis
			results = append(results, c)
		}
	}
	return results
}

// compareDetections compares two detection lists: the same number (not
// none when wantFaces), and the largest difference of a box coordinate
// (pixels, in MaxAbsDiff) and of a score (in RelErr, scores lying in
// (0,1)).
func compareDetections(op, name string, gpu, cpu []ssd.Detection, wantFaces bool, err string) Result {
	r := Result{Op: op, Case: fmt.Sprintf("%s, %d faces", name, len(cpu)), Error: err}
	switch {
	case err != "":
		return r
	case len(gpu) != len(cpu):
		r.Error = fmt.Sprintf("%d detections on the GPU, %d on the CPU", len(gpu), len(cpu))
		return r
	case wantFaces && len(cpu) == 0:
		r.Error = "no face found in a photo of one"
		return r
	}
	for i := range cpu {
		g, c := gpu[i].Box, cpu[i].Box
		r.MaxAbsDiff = max(r.MaxAbsDiff, math.Abs(g.X-c.X), math.Abs(g.Y-c.Y), math.Abs(g.W-c.W), math.Abs(g.H-c.H))
		r.RelErr = max(r.RelErr, math.Abs(gpu[i].Score-cpu[i].Score))
	}
	return r
}

// loadPageNet loads a CPU network from the page's files.
func loadPageNet[N any](load func(fs.FS) (N, error)) (fs.FS, N, error) {
	var zero N
	fsys, err := pageFiles()
	if err != nil {
		return nil, zero, err
	}
	n, err := load(fsys)
	if err != nil {
		return nil, zero, err
	}
	return fsys, n, nil
}

func errorOf(gpu, cpu error) string {
	switch {
	case gpu != nil:
		return "GPU: " + gpu.Error()
	case cpu != nil:
		return "CPU: " + cpu.Error()
	}
	return ""
}

func joinErrors(a, b string) string {
	if a == "" || b == "" {
		return a + b
	}
	return a + "; " + b
}
