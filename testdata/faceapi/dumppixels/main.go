// Command dumppixels decodes the face chips with visage/core/imageio and
// writes their pixels for make_descriptors.mjs, so that face-api.js sees
// exactly the pixels Visage sees (JPEG decoders differ between Go and Node).
//
// Usage: go run ./testdata/faceapi/dumppixels <faces-dev dir> <out dir>
//
// For every chip <rel> (a .jpg or .png below the faces-dev dir) and every
// variant "<rel>@HxW" of facerectest.Variants (the chip resized bilinearly to
// H×W, to exercise face-api.js's pad-to-square and resize), it writes the
// [H,W,3] float32 RGB pixels, little-endian, to <out>/<n>.f32 and lists
// {"key", "file", "height", "width"} in <out>/index.json.
package main

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"visage/core/imageio"
	"visage/core/tensor"
	"visage/models/facerec/facerectest"
)

type entry struct {
	Key    string `json:"key"`
	File   string `json:"file"`
	Height int    `json:"height"`
	Width  int    `json:"width"`
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: dumppixels <faces-dev dir> <out dir>")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "dumppixels:", err)
		os.Exit(1)
	}
}

func run(facesDir, outDir string) error {
	chips, err := facerectest.Chips(facesDir)
	if err != nil {
		return err
	}
	variants := facerectest.Variants()
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	var index []entry
	write := func(key string, img *tensor.Tensor) error {
		e := entry{Key: key, File: fmt.Sprintf("%d.f32", len(index)), Height: img.Shape[0], Width: img.Shape[1]}
		buf := make([]byte, 4*img.Len())
		for i, v := range img.Data {
			binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
		}
		index = append(index, e)
		return os.WriteFile(filepath.Join(outDir, e.File), buf, 0o644)
	}
	for _, rel := range chips {
		img, err := imageio.DecodeFile(filepath.Join(facesDir, rel))
		if err != nil {
			return err
		}
		if err := write(rel, img); err != nil {
			return err
		}
	}
	for _, v := range variants {
		img, err := v.Pixels(facesDir)
		if err != nil {
			return err
		}
		if err := write(v.Key(), img); err != nil {
			return err
		}
	}
	js, err := json.MarshalIndent(index, "", " ")
	if err != nil {
		return err
	}
	fmt.Printf("dumppixels: %d chips and %d variants into %s\n", len(chips), len(variants), outDir)
	return os.WriteFile(filepath.Join(outDir, "index.json"), js, 0o644)
}
