// Command dumpchips writes the ArcFace chips (face.ArcFaceChip, 112×112 RGB
// 0..255, float32 little-endian) of a few LFW images, from the landmarks an
// `lfw` run cached, with Visage's MobileFaceNet embeddings of them (both
// input scalings), for reference.mjs to compare with TensorFlow.js:
//
//	go run ./testdata/mobilefacenet/dumpchips LANDMARKS.bin[,…] LFWDIR OUTDIR IMAGE…
package main

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"strings"

	"visage/core/face"
	"visage/core/imageio"
	"visage/core/lfw"
	"visage/models/assets"
	"visage/models/landmarks"
	"visage/models/mobilefacenet"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "dumpchips:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) < 4 {
		return fmt.Errorf("usage: dumpchips LANDMARKS.bin LFWDIR OUTDIR IMAGE…")
	}
	lms := &lfw.EncodingCache{Images: map[string][]float32{}}
	for _, f := range strings.Split(args[0], ",") { // shard files of a run still going
		c, err := lfw.LoadEncodingCache(f)
		if err != nil {
			return err
		}
		maps.Copy(lms.Images, c.Images)
	}
	dir, err := assets.HumanModelsDir()
	if err != nil {
		return err
	}
	net, err := mobilefacenet.Load(os.DirFS(dir))
	if err != nil {
		return err
	}
	type entry struct {
		Image, File string
		Symmetric   []float32 `json:"visage_symmetric"`
		Unit        []float32 `json:"visage_unit"`
	}
	var list []entry
	for i, rel := range args[3:] {
		e := lms.Images[rel]
		if len(e) != 2*landmarks.NumPoints {
			return fmt.Errorf("%s: no landmarks in %s", rel, args[0])
		}
		pts := make([]landmarks.Point, landmarks.NumPoints)
		for j := range pts {
			pts[j] = landmarks.Point{X: float64(e[2*j]), Y: float64(e[2*j+1])}
		}
		img, err := imageio.DecodeFile(filepath.Join(args[1], filepath.FromSlash(rel)))
		if err != nil {
			return err
		}
		chip, err := face.ArcFaceChip(img, pts)
		if err != nil {
			return err
		}
		raw := make([]byte, 0, 4*len(chip.Data))
		for _, v := range chip.Data {
			raw = binary.LittleEndian.AppendUint32(raw, math.Float32bits(v))
		}
		file := fmt.Sprintf("chip%d.f32", i)
		if err := os.WriteFile(filepath.Join(args[2], file), raw, 0o644); err != nil {
			return err
		}
		en := entry{Image: rel, File: file}
		net.Input = mobilefacenet.Symmetric
		if en.Symmetric, err = net.Encode(chip); err != nil {
			return err
		}
		net.Input = mobilefacenet.Unit
		if en.Unit, err = net.Encode(chip); err != nil {
			return err
		}
		list = append(list, en)
	}
	js, err := json.Marshal(list)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(args[2], "chips.json"), js, 0o644)
}
