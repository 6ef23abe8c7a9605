//go:build js && wasm

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"path"
	"syscall/js"
	"testing/fstest"
	"time"

	"visage/core/backend"
	"visage/core/backend/webgpu"
	"visage/core/tensor"
	"visage/models/faceres"
	"visage/models/graph"
	"visage/models/mobilefacenet"
)

// checkGraphs runs the human-models graph models on the GPU through
// visage/models/graph.On and on the CPU: the two face encoders' descriptors
// (mobilefacenet, faceres), and every output of the passive liveness
// models (antispoof, liveness), on random inputs. The models come from the
// page's models/ folder, fetched here.
func checkGraphs(d *webgpu.Device, rng *rand.Rand) []Result {
	files := []string{mobilefacenet.ModelFile, faceres.ModelFile, "antispoof.json", "liveness.json"}
	fsys, err := fetchGraphModels(files)
	if err != nil {
		return []Result{{Op: "graph", Case: "load", Error: err.Error()}}
	}
	results := []Result{
		checkEncoderOn(d, fsys, "mobilefacenet", randomChip(rng, mobilefacenet.Size), mobilefacenet.Load, mobilefacenet.On[*webgpu.Buffer]),
		checkEncoderOn(d, fsys, "faceres", randomChip(rng, faceres.Size), faceres.Load, faceres.On[*webgpu.Buffer]),
	}
	for _, name := range files[2:] {
		results = append(results, checkGraph(d, rng, fsys, name)...)
	}
	return results
}

// randomChip is a size×size RGB picture of uniform noise in 0..255.
func randomChip(rng *rand.Rand, size int) *tensor.Tensor {
	chip := tensor.New(size, size, 3)
	for i := range chip.Data {
		chip.Data[i] = 255 * rng.Float32()
	}
	return chip
}

// encoder is a face encoder on some backend.
type encoder interface {
	Encode(chip *tensor.Tensor) ([]float32, error)
}

// checkEncoderOn loads an encoder from fsys, places it on d with on and
// compares its descriptors of chip on the GPU and on the CPU, after a
// warm-up pass that compiles the pipelines; a GPU pass must be one
// submission and one read-back.
func checkEncoderOn[N encoder, R interface {
	encoder
	Release()
}](d *webgpu.Device, fsys fs.FS, name string, chip *tensor.Tensor, load func(fs.FS) (N, error), on func(N, backend.Backend[*webgpu.Buffer]) (R, error)) Result {
	r := Result{Op: name, Case: fmt.Sprintf("noise %dx%d, descriptor", chip.Shape[1], chip.Shape[0])}
	cpuNet, err := load(fsys)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	gpuNet, err := on(cpuNet, d)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	defer gpuNet.Release()
	if _, err := gpuNet.Encode(chip); err != nil {
		r.Error = err.Error()
		return r
	}
	pass := count(d)
	start := time.Now()
	gpu, err := gpuNet.Encode(chip)
	r.GPUMillis = float64(time.Since(start).Microseconds()) / 1000
	start = time.Now()
	cpu, cpuErr := cpuNet.Encode(chip)
	r.CPUMillis = float64(time.Since(start).Microseconds()) / 1000
	compare(&r, vector(gpu), vector(cpu), errors.Join(err, cpuErr))
	pass.check(&r, 1, 1)
	return r
}

// checkGraph runs the graph model file on a random input (values in
// [0, 1), batch 1) on both sides and compares each output.
func checkGraph(d *webgpu.Device, rng *rand.Rand, fsys fs.FS, file string) []Result {
	m, err := graph.Load(fsys, file)
	if err != nil {
		return []Result{{Op: file, Case: "load", Error: err.Error()}}
	}
	gpu, err := graph.On(m, backend.Backend[*webgpu.Buffer](d))
	if err != nil {
		return []Result{{Op: file, Case: "On", Error: err.Error()}}
	}
	defer gpu.Release()
	in := map[string]*tensor.Tensor{}
	for _, io := range m.Inputs() {
		x := tensor.New(batchOne(io.Shape)...)
		for i := range x.Data {
			x.Data[i] = rng.Float32()
		}
		in[io.Name] = x
	}
	want, err := m.Run(in)
	if err != nil {
		return []Result{{Op: file, Case: "CPU run", Error: err.Error()}}
	}
	got, err := gpu.Run(in)
	var results []Result
	for _, io := range m.Outputs() {
		r := Result{Op: file, Case: "output " + io.Name}
		compare(&r, got[io.Name], want[io.Name], err)
		results = append(results, r)
	}
	return results
}

func batchOne(shape []int) []int {
	out := append([]int(nil), shape...)
	for i, d := range out {
		if d < 0 {
			out[i] = 1
		}
	}
	return out
}

// fetchGraphModels fetches the graph model files from the page's models/
// folder, with the weight shards their manifests name.
func fetchGraphModels(files []string) (fs.FS, error) {
	fsys := fstest.MapFS{}
	for _, file := range files {
		raw, err := fetchBytes("models/" + file)
		if err != nil {
			return nil, err
		}
		fsys[file] = &fstest.MapFile{Data: raw}
		var model struct {
			WeightsManifest []struct{ Paths []string }
		}
		if err := json.Unmarshal(raw, &model); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		for _, g := range model.WeightsManifest {
			for _, p := range g.Paths {
				name := path.Join(path.Dir(file), p)
				if fsys[name] != nil {
					continue
				}
				if fsys[name], err = fetchFile("models/" + name); err != nil {
					return nil, err
				}
			}
		}
	}
	return fsys, nil
}

func fetchFile(url string) (*fstest.MapFile, error) {
	b, err := fetchBytes(url)
	return &fstest.MapFile{Data: b}, err
}

// fetchBytes fetches url's body, waiting on the browser's fetch.
func fetchBytes(url string) ([]byte, error) {
	type result struct {
		b   []byte
		err error
	}
	ch := make(chan result, 1)
	var onBody, onResponse, onErr js.Func
	onErr = js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{err: fmt.Errorf("fetching %s: %s", url, args[0].Call("toString").String())}
		return nil
	})
	onBody = js.FuncOf(func(_ js.Value, args []js.Value) any {
		a := js.Global().Get("Uint8Array").New(args[0])
		b := make([]byte, a.Length())
		js.CopyBytesToGo(b, a)
		ch <- result{b: b}
		return nil
	})
	onResponse = js.FuncOf(func(_ js.Value, args []js.Value) any {
		res := args[0]
		if !res.Get("ok").Bool() {
			ch <- result{err: fmt.Errorf("fetching %s: HTTP %d", url, res.Get("status").Int())}
			return nil
		}
		res.Call("arrayBuffer").Call("then", onBody, onErr)
		return nil
	})
	defer onErr.Release()
	defer onBody.Release()
	defer onResponse.Release()
	js.Global().Call("fetch", url).Call("then", onResponse, onErr)
	r := <-ch
	return r.b, r.err
}
