package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"sync"

	"visage/core/art"
	"visage/core/imageio"
	"visage/core/tensor"
	"visage/e2e/peer"
	"visage/models/assets"
	"visage/models/vgg19"
)

// This file holds the style-transfer benches (nst128, nst256): one Adam
// step of art.Stylizer natively, the same pixels handed to the TensorFlow.js
// peers (nst.mjs), and VGG-19's FLOP count per step.

// nstBench is one style-transfer step at size×size.
func nstBench(size, runs int) bench {
	return bench{
		name: fmt.Sprintf("nst%d", size), runs: runs, warmup: 1, items: 1, flops: vggStepFLOPs(size, size),
		native: func() (func() error, error) { return nstNative(size) },
		ours:   "stylize", oursInputs: []string{nstContent, nstStyle}, size: size,
		// The fair peer (hand-written gradients, checked against tfjs's
		// own by nst.mjs's setup) first; tfjs's autodiff step beside it.
		peerModule: "nst.mjs", peers: []peerRun{{"fast", "tfjs-fast-grads"}, {"step", "tfjs-autodiff"}},
		preparePeer: func(ctx context.Context) (string, error) { return nstPreparePeer(ctx, size) },
	}
}

// vgg loads the VGG-19 weights once.
var vgg = sync.OnceValues(func() (*vgg19.Net, error) {
	dir, err := assets.VGG19Dir()
	if err != nil {
		return nil, err
	}
	return vgg19.Load(os.DirFS(dir))
})

// nstImages returns the style-transfer bench's content, style and initial
// generated image at size×size (art.FitPair, art.InitImage with the course's
// noise ratio).
func nstImages(size int) (content, style, generated *tensor.Tensor, err error) {
	var imgs [2]*tensor.Tensor
	for i, rel := range []string{nstContent, nstStyle} {
		data, err := readShared(rel)
		if err != nil {
			return nil, nil, nil, err
		}
		if imgs[i], err = imageio.Decode(bytes.NewReader(data)); err != nil {
			return nil, nil, nil, fmt.Errorf("%s: %w", rel, err)
		}
	}
	content, style, err = art.FitPair(imgs[0], imgs[1], size)
	if err != nil {
		return nil, nil, nil, err
	}
	opt := art.DefaultOptions()
	return content, style, art.InitImage(content, opt.NoiseRatio, opt.Seed), nil
}

// nstNative returns one Adam step of art.Stylizer (the course's costs).
func nstNative(size int) (func() error, error) {
	net, err := vgg()
	if err != nil {
		return nil, err
	}
	content, style, _, err := nstImages(size)
	if err != nil {
		return nil, err
	}
	s, err := art.NewStylizer(net, content, style, art.DefaultOptions())
	if err != nil {
		return nil, err
	}
	return func() error {
		_, err := s.Step()
		return err
	}, nil
}

// nstPreparePeer sets up nst.mjs's steps in the tab with the same pixels,
// and says on how many threads they run and how far the fast step's cost
// and gradient are from tfjs's own (nst.mjs refuses more than 1e-5).
func nstPreparePeer(ctx context.Context, size int) (string, error) {
	content, style, generated, err := nstImages(size)
	if err != nil {
		return "", err
	}
	check, err := peer.Call[struct {
		Backend            string
		Threads            int // 0 off wasm
		CostDiff, GradDiff float64
	}](ctx, "nst.mjs", "setup", map[string]any{
		"shape": content.Shape, "content": float32Base64(content), "style": float32Base64(style),
		"generated": float32Base64(generated), "lr": art.DefaultOptions().LR})
	if err != nil {
		return "", err
	}
	on := "tfjs-" + check.Backend
	if check.Threads > 0 {
		on += fmt.Sprintf(" (%d thread(s))", check.Threads)
	}
	return fmt.Sprintf("nst%d peer on %s: the hand-written gradients' step is %.1e (cost) and %.1e (gradient) from tfjs's own, relative",
		size, on, check.CostDiff, check.GradDiff), nil
}

// float32Base64 encodes t's values as base64 little-endian float32.
func float32Base64(t *tensor.Tensor) string {
	buf := make([]byte, 4*len(t.Data))
	for i, v := range t.Data {
		binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
	}
	return base64.StdEncoding.EncodeToString(buf)
}

// vggStepFLOPs counts the convolution FLOPs of one style-transfer step on an
// h×w image: VGG-19's 3×3 'same' convolutions up to conv5_1 forward, and
// their input gradients backward (the same count again; no weight
// gradients). Grams, costs, pooling and Adam are left out (a few %).
func vggStepFLOPs(h, w int) float64 {
	layers := []struct {
		out  int
		pool bool // a 2×2/2 pool comes before this conv
	}{{64, false}, {64, false}, {128, true}, {128, false}, {256, true}, {256, false}, {256, false}, {256, false},
		{512, true}, {512, false}, {512, false}, {512, false}, {512, true}}
	in, flops := 3, 0.0
	for _, l := range layers {
		if l.pool {
			h, w = (h+1)/2, (w+1)/2
		}
		flops += float64(2 * 9 * in * l.out * h * w)
		in = l.out
	}
	return 2 * flops
}
