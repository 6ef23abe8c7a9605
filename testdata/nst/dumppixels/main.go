// Command dumppixels writes testdata/nst/pixels.json: the content, style and
// generated images of the TensorFlow.js parity test, as bytes, so that
// make_reference.mjs and the Go test see identical pixels (Node never decodes
// an image).
//
// Content: ../shared/data/nst/content/chelsea.png; style: style/starry_night.jpg;
// both brought to 32×48 by art.FitPair(…, 48); generated: art.InitImage(content,
// 0.6, seed 1). Every value is rounded to an integer 0..255.
//
//	go run ./testdata/nst/dumppixels   (from the repository root)
package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"visage/core/art"
	"visage/core/imageio"
	"visage/core/tensor"
	"visage/models/assets"
)

// Size is the longer side of the test images.
const Size = 48

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "dumppixels:", err)
		os.Exit(1)
	}
}

func run() error {
	shared, err := assets.SharedDir()
	if err != nil {
		return err
	}
	root, err := assets.RepoRoot()
	if err != nil {
		return err
	}
	content, err := imageio.DecodeFile(filepath.Join(shared, "data/nst/content/chelsea.png"))
	if err != nil {
		return err
	}
	style, err := imageio.DecodeFile(filepath.Join(shared, "data/nst/style/starry_night.jpg"))
	if err != nil {
		return err
	}
	c, s, err := art.FitPair(content, style, Size)
	if err != nil {
		return err
	}
	g := art.InitImage(c, 0.6, 1)
	out := map[string]any{
		"shape":     c.Shape,
		"encoding":  "base64 of uint8 RGB values, row-major [H,W,3]",
		"content":   encode(c),
		"style":     encode(s),
		"generated": encode(g),
	}
	b, err := json.MarshalIndent(out, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(root, "testdata/nst/pixels.json"), append(b, '\n'), 0o644)
}

func encode(t *tensor.Tensor) string {
	b := make([]byte, t.Len())
	for i, v := range t.Data {
		b[i] = uint8(math.Round(float64(min(max(v, 0), 255))))
	}
	return base64.StdEncoding.EncodeToString(b)
}
