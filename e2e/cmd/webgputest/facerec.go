//go:build js && wasm

package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"syscall/js"
	"testing/fstest"
	"time"

	"visage/core/backend"
	"visage/core/backend/webgpu"
	"visage/core/imageio"
	"visage/core/tensor"
	"visage/models/facerec"
)

// checkFaceRec encodes the page's face chip (photoFile, a 150x150 aligned
// face), two 150x150 pictures that are not faces and an odd-sized one with
// the GPU network and with models/facerec and compares the descriptors.
func checkFaceRec(d *webgpu.Device, rng *rand.Rand) []Result {
	fail := func(err error) []Result { return []Result{{Op: "facerec", Case: "load", Error: err.Error()}} }
	fsys, err := pageFiles()
	if err != nil {
		return fail(err)
	}
	cpuNet, err := facerec.Load(fsys)
	if err != nil {
		return fail(err)
	}
	gpuNet := facerec.On(cpuNet, backend.Backend[*webgpu.Buffer](d))
	defer gpuNet.Release()

	raw, err := fs.ReadFile(fsys, photoFile)
	if err != nil {
		return fail(err)
	}
	chip, err := imageio.Decode(bytes.NewReader(raw))
	if err != nil {
		return fail(err)
	}
	noise := tensor.New(facerec.Size, facerec.Size, 3)
	for i := range noise.Data {
		noise.Data[i] = 255 * rng.Float32()
	}
	// A smooth picture: a bright disc on a colour ramp.
	smooth := tensor.New(facerec.Size, facerec.Size, 3)
	for y := range facerec.Size {
		for x := range facerec.Size {
			dx, dy := float32(x-75), float32(y-70)
			disc := float32(0)
			if dx*dx+dy*dy < 45*45 {
				disc = 120
			}
			for c := range 3 {
				smooth.Data[(y*facerec.Size+x)*3+c] = min(255, float32(x+y*(c+1))/3+disc)
			}
		}
	}
	// An odd-sized, non-square picture: padded and resized by
	// facerec's preprocessing on both sides.
	oblong := tensor.New(97, 131, 3)
	for i := range oblong.Data {
		oblong.Data[i] = 255 * rng.Float32()
	}
	if _, err := gpuNet.Encode(noise); err != nil { // warm-up: compiles the pipelines
		return fail(err)
	}
	var results []Result
	for _, img := range []struct {
		name string
		t    *tensor.Tensor
	}{{fmt.Sprintf("face chip %dx%d", chip.Shape[1], chip.Shape[0]), chip}, {"uniform noise 150x150", noise},
		{"disc on a ramp 150x150", smooth}, {"uniform noise 131x97", oblong}} {
		r := Result{Op: "facerec", Case: img.name + ", descriptor"}
		pass := count(d)
		start := time.Now()
		gpu, err := gpuNet.Encode(img.t)
		r.GPUMillis = float64(time.Since(start).Microseconds()) / 1000
		start = time.Now()
		cpu, cpuErr := cpuNet.Encode(img.t)
		r.CPUMillis = float64(time.Since(start).Microseconds()) / 1000
		compare(&r, vector(gpu), vector(cpu), errors.Join(err, cpuErr))
		pass.check(&r, 1, 1)
		results = append(results, r)
	}
	return results
}

func vector(v []float32) *tensor.Tensor {
	t, _ := tensor.FromData(v, len(v))
	return t
}

// pageFiles returns the files kernels.js fetched for the page
// (globalThis.visageTestFiles: name → Uint8Array) as a file system.
func pageFiles() (fs.FS, error) {
	files := js.Global().Get("visageTestFiles")
	if files.IsUndefined() {
		return nil, errors.New("the page fetched no model files (globalThis.visageTestFiles is undefined)")
	}
	fsys := fstest.MapFS{}
	names := js.Global().Get("Object").Call("keys", files)
	for i := range names.Length() {
		name := names.Index(i).String()
		src := files.Get(name)
		b := make([]byte, src.Length())
		js.CopyBytesToGo(b, src)
		fsys[name] = &fstest.MapFile{Data: b}
	}
	return fsys, nil
}
