//go:build js && wasm

package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"time"

	"visage/core/backend"
	"visage/core/backend/webgpu"
	"visage/core/face"
	"visage/core/imageio"
	"visage/core/tensor"
	"visage/models/landmarks"
	"visage/models/ssd"
	"visage/models/tinyface"
)

// The face photo kernels.js fetches beside the models: for the detector
// checks an LFW photo (250x250, one face in the middle), for the face
// recognition checks an aligned 150x150 face chip.
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

// checkSSD runs the SSD detector (models/ssd) on the WebGPU backend and
// on the CPU on the face photo and compares every anchor's score and
// decoded box (in pixels of the padded square), and the selected
// detections; a pass must be one submission and one read-back. The noise
// picture is left out: the network sees 512x512 whatever the image, and a
// pass takes over a minute on SwiftShader.
func checkSSD(d *webgpu.Device, rng *rand.Rand) []Result {
	return netCheck(d, rng, "ssd", ssd.Load, onGPU(ssd.On[*webgpu.Buffer]), func(cpuNet *ssd.Net, gpuNet *ssd.Runner[*webgpu.Buffer], img namedImage) []Result {
		if !img.isFace {
			return nil
		}
		scores := Result{Op: "ssd scores", Case: img.name + ", every anchor"}
		gpu, cpu, ran := bothPasses(d, &scores,
			func() (*ssd.Output, error) { return gpuNet.Run(img.t) },
			func() (*ssd.Output, error) { return cpuNet.Run(img.t) })
		boxes := Result{Op: "ssd boxes (px)", Case: img.name + ", every anchor", Error: scores.Error}
		if !ran {
			return []Result{scores, boxes}
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
		// What the pipeline uses: the selected faces at a low threshold.
		opt := ssd.Options{MinConfidence: 0.05, MaxResults: 100}
		gd, err1 := gpu.Select(opt)
		cd, err2 := cpu.Select(opt)
		selected := Result{Op: "ssd detections", Case: img.name + ", MinConfidence 0.05", Error: errorOf(err1, err2)}
		return []Result{scores, boxes, compareDetections(selected, gd, cd, img.isFace)}
	})
}

// checkLandmarks runs the landmark network on the GPU (models/landmarks
// on the WebGPU backend) and on the CPU on crops of the test images,
// comparing the points in crop pixels; a pass must be one submission and
// one read-back.
func checkLandmarks(d *webgpu.Device, rng *rand.Rand) []Result {
	onGPU := func(d *webgpu.Device, n *landmarks.Net) *landmarks.Runner[*webgpu.Buffer] {
		return landmarks.On(n, backend.Backend[*webgpu.Buffer](d))
	}
	return netCheck(d, rng, "landmarks", landmarks.Load, onGPU, func(cpuNet *landmarks.Net, gpuNet *landmarks.Runner[*webgpu.Buffer], img namedImage) []Result {
		// An off-centre, non-square crop, as detection boxes give.
		h, w := img.t.Shape[0], img.t.Shape[1]
		crop, err := face.Crop(img.t, face.Box{X: float64(w) / 5, Y: float64(h) / 6, W: float64(w) * 3 / 5, H: float64(h) * 2 / 3})
		if err != nil {
			return []Result{{Op: "landmarks", Case: img.name, Error: err.Error()}}
		}
		r := Result{Op: "landmarks (px)", Case: fmt.Sprintf("%s, crop %dx%d", img.name, crop.Shape[1], crop.Shape[0])}
		gpu, cpu, ran := bothPasses(d, &r,
			func() ([]landmarks.Point, error) { return gpuNet.Detect(crop) },
			func() ([]landmarks.Point, error) { return cpuNet.Detect(crop) })
		if ran {
			for i := range cpu {
				r.MaxAbsDiff = max(r.MaxAbsDiff, math.Abs(gpu[i].X-cpu[i].X), math.Abs(gpu[i].Y-cpu[i].Y))
			}
			r.RelErr = r.MaxAbsDiff / float64(max(crop.Shape[0], crop.Shape[1]))
		}
		return []Result{r}
	})
}

// checkTinyFace runs the Tiny Face Detector (models/tinyface) on the
// WebGPU backend and on the CPU on the test images at two input sizes and
// low score thresholds, comparing the detections; a pass must be one
// submission and one read-back.
func checkTinyFace(d *webgpu.Device, rng *rand.Rand) []Result {
	return netCheck(d, rng, "tinyface", tinyface.Load, onGPU(tinyface.On[*webgpu.Buffer]), func(cpuNet *tinyface.Net, gpuNet *tinyface.Runner[*webgpu.Buffer], img namedImage) []Result {
		threshold := 0.05
		if !img.isFace {
			threshold = 0.002 // noise scores low: this gives it detections to compare
		}
		var results []Result
		for _, size := range []int{416, 160} {
			opt := tinyface.Options{InputSize: size, ScoreThreshold: threshold}
			r := Result{Op: "tinyface detections", Case: fmt.Sprintf("%s, input %d, threshold %g", img.name, opt.InputSize, opt.ScoreThreshold)}
			gpu, cpu, _ := bothPasses(d, &r,
				func() ([]ssd.Detection, error) { return gpuNet.Detect(img.t, opt) },
				func() ([]ssd.Detection, error) { return cpuNet.Detect(img.t, opt) })
			results = append(results, compareDetections(r, gpu, cpu, img.isFace))
		}
		return results
	})
}

// netCheck loads a CPU network (load, from the page's files), uploads it
// to d (toGPU) and returns the results of check on each test image; a
// failure to load is one result (Op op) saying why.
func netCheck[C any, G interface{ Release() }](d *webgpu.Device, rng *rand.Rand, op string,
	load func(fs.FS) (C, error), toGPU func(*webgpu.Device, C) G, check func(cpu C, gpu G, img namedImage) []Result) []Result {
	fsys, err := pageFiles()
	var cpuNet C
	if err == nil {
		cpuNet, err = load(fsys)
	}
	var images []namedImage
	if err == nil {
		images, err = testImages(fsys, rng)
	}
	if err != nil {
		return []Result{{Op: op, Case: "load", Error: err.Error()}}
	}
	gpuNet := toGPU(d, cpuNet)
	defer gpuNet.Release()
	var results []Result
	for _, img := range images {
		results = append(results, check(cpuNet, gpuNet, img)...)
	}
	return results
}

// onGPU is a network's On (its runner on a backend) for netCheck's toGPU.
func onGPU[N, R any](on func(N, backend.Backend[*webgpu.Buffer]) R) func(*webgpu.Device, N) R {
	return func(d *webgpu.Device, n N) R { return on(n, d) }
}

// bothPasses runs a pass with gpu, timing it and checking that it is one
// submission and one read-back, then the same pass with cpu, timing it,
// and records all that in r, an error included. ran reports whether both
// passes returned without error.
func bothPasses[T any](d *webgpu.Device, r *Result, gpu, cpu func() (T, error)) (g, c T, ran bool) {
	var gpuErr, cpuErr error
	pass := count(d)
	r.GPUMillis = timed(func() { g, gpuErr = gpu() })
	pass.check(r, 1, 1)
	r.CPUMillis = timed(func() { c, cpuErr = cpu() })
	r.Error = joinErrors(r.Error, errorOf(gpuErr, cpuErr))
	return g, c, gpuErr == nil && cpuErr == nil
}

// compareDetections completes r with the comparison of two detection
// lists: the same number (not none when wantFaces), and the largest
// difference of a box coordinate (pixels, in MaxAbsDiff) and of a score
// (in RelErr, scores lying in (0,1)). An error already in r stands.
func compareDetections(r Result, gpu, cpu []ssd.Detection, wantFaces bool) Result {
	r.Case = fmt.Sprintf("%s, %d faces", r.Case, len(cpu))
	switch {
	case r.Error != "":
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
