package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"visage/core/imageio"
	"visage/core/liveness"
	"visage/core/tensor"
)

// writeY4M writes frames ([H,W,3] RGB, all one size, even sides) as a
// C444 y4m (BT.601 limited range, the inverse of imageio.Y4M's conversion).
func writeY4M(t *testing.T, path string, frames []*tensor.Tensor) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	h, wd := frames[0].Shape[0], frames[0].Shape[1]
	fmt.Fprintf(w, "YUV4MPEG2 W%d H%d F10:1 Ip A1:1 C444\n", wd, h)
	b := func(v float64) byte { return byte(min(max(v+0.5, 0), 255)) }
	for _, fr := range frames {
		w.WriteString("FRAME\n")
		planes := make([][]byte, 3)
		for i := 0; i < h*wd; i++ {
			r, g, bl := float64(fr.Data[3*i]), float64(fr.Data[3*i+1]), float64(fr.Data[3*i+2])
			planes[0] = append(planes[0], b(16+0.257*r+0.504*g+0.098*bl))
			planes[1] = append(planes[1], b(128-0.148*r-0.291*g+0.439*bl))
			planes[2] = append(planes[2], b(128+0.439*r-0.368*g-0.071*bl))
		}
		for _, p := range planes {
			w.Write(p)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
}

// TestLivenessStillVideo: a video of 4 identical frames of an LFW photo (a
// still photo held to a camera) prints "live":false with the still-picture
// reason, having found the face in every frame.
func TestLivenessStillVideo(t *testing.T) {
	photo, err := imageio.DecodePhoto(filepath.Join(lfwDir(t), "Colin_Powell", "Colin_Powell_0002.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	video := filepath.Join(t.TempDir(), "still.y4m")
	writeY4M(t, video, []*tensor.Tensor{photo, photo, photo, photo})
	r := visage(t, "liveness", "--json", video)
	if r.code != 0 {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	var got liveness.Recorded
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("output %q: %v", r.stdout, err)
	}
	if got.Live || got.Frames != 4 || got.Faces != 4 || got.Reason != "no liveness: the face does not move at all (a still picture)" {
		t.Errorf("a still photo's video: %+v, want not live (still picture), 4 frames with a face", got)
	}
}
