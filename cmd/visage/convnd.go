package main

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"

	xdraw "golang.org/x/image/draw"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"visage/core/atomicfile"
	"visage/core/imageio"
	"visage/core/ops"
	"visage/core/signals"
	"visage/core/tensor"
)

func init() {
	register("conv1d", "1D convolution you can see: a heartbeat-like signal through a bank of 1D filters, plotted", runConv1D)
	register("conv3d", "3D convolution you can see: video frames as a t×h×w volume through 3×3×3 filters, where things move", runConv3D)
}

func runConv1D(args []string) error {
	fl := newFlagSet("conv1d", "--out PLOT.png [--seconds S]")
	out := fl.String("out", "", "the plot: the signal and each filter's output")
	seconds := fl.Float64("seconds", 4, "length of the made-up ECG-like signal (250 samples a second, a beat each 0.8 s)")
	if err := parseFlags(fl, args, 0, 0); err != nil {
		return err
	}
	if *out == "" || !(*seconds >= 0.1 && *seconds <= 600) {
		return usagef("want --out, and --seconds in 0.1..600")
	}
	const rate = 250.0
	sig := signals.Heartbeat(int(*seconds*rate), rate, 0.8)
	bank := signals.Bank1D()
	y, err := signals.Conv1D(sig, bank)
	if err != nil {
		return err
	}
	f := len(bank[0].Weights)
	fmt.Printf("input %s  (n samples × 1 channel; n − f + 1 = %d − %d + 1, 'valid')\n",
		signals.Shapes([]int{len(sig), 1}, []int{f, 1, len(bank)}, y.Shape), len(sig), f)
	p := plot.New()
	p.Title.Text = "1D convolution: a heartbeat-like signal through 3 filters"
	p.X.Label.Text = "seconds"
	lines := []any{"signal", series(sig, 0, rate)}
	for j, k := range bank {
		col := make([]float32, y.Shape[0])
		for i := range col {
			col[i] = y.At(i, j) - float32(j+1)*1.2 // stacked below the signal
		}
		lines = append(lines, k.Name, series(col, f/2, rate))
	}
	if err := plotutil.AddLines(p, lines...); err != nil {
		return err
	}
	p.Legend.Top = true
	return savePlot(p, 8*vg.Inch, 5*vg.Inch, *out)
}

// series turns samples, the first at offset, into plot points in seconds.
func series(v []float32, offset int, rate float64) plotter.XYs {
	pts := make(plotter.XYs, len(v))
	for i, x := range v {
		pts[i] = plotter.XY{X: float64(i+offset) / rate, Y: float64(x)}
	}
	return pts
}

func runConv3D(args []string) error {
	fl := newFlagSet("conv3d", "--out MOTION.png [--frames DIR] [--size S]")
	out := fl.String("out", "", "the motion energy map, over the middle frame")
	frames := fl.String("frames", "", "folder of video frames (images, in name order); default: a made-up clip of a square crossing the picture")
	size := fl.Int("size", 96, "each frame's longer side is scaled down to this")
	if err := parseFlags(fl, args, 0, 0); err != nil {
		return err
	}
	if *out == "" || *size < 8 || *size > 512 {
		return usagef("want --out, and --size in 8..512")
	}
	vol, err := frameVolume(*frames, *size)
	if err != nil {
		return err
	}
	// The course's example first: shapes only.
	in, w := tensor.New(14, 14, 14, 1), tensor.New(5, 5, 5, 1, 16)
	fmt.Printf("the course's example: %s\n", signals.Shapes(in.Shape, w.Shape, ops.Conv(in, w, nil, nil, ops.Valid).Shape))
	resp, energy, err := signals.MotionEnergy(vol)
	if err != nil {
		return err
	}
	fmt.Printf("this video: %s  (t×h×w×channels; temporal derivative, temporal mean, d/dx, d/dy)\n",
		signals.Shapes(vol.Shape, signals.MotionBank().Shape, resp.Shape))
	return atomicfile.Write(*out, 0o644, func(w io.Writer) error { return png.Encode(w, motionPicture(vol, energy)) })
}

// frameVolume reads the frames in dir as signals.Volume's [T,H,W,1] volume
// (greyscale, 0..1, scaled down to size), or makes a 16-frame clip of a
// bright square crossing a textured background when dir is empty.
func frameVolume(dir string, size int) (*tensor.Tensor, error) {
	if dir == "" {
		const t, h, w = 16, 48, 64
		v := tensor.New(t, h, w, 1)
		for f := range t {
			for y := range h {
				for x := range w {
					val := 0.2 + 0.1*float32((x/8+y/8)%2)
					if y >= 16 && y < 32 && x >= 2+3*f && x < 18+3*f {
						val = 0.9
					}
					v.Data[(f*h+y)*w+x] = val
				}
			}
		}
		return v, nil
	}
	files, err := imageFiles([]string{dir})
	if err != nil {
		return nil, err
	}
	frames := make([]*tensor.Tensor, len(files))
	for i, f := range files {
		if frames[i], err = imageio.DecodePhoto(f); err != nil {
			return nil, err
		}
	}
	vol, err := signals.Volume(frames, size)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	return vol, nil
}

// motionPicture draws the middle frame in grey with the motion energy in
// red over it.
func motionPicture(vol, energy *tensor.Tensor) image.Image {
	h, w := energy.Shape[0], energy.Shape[1]
	mid := vol.Shape[0] / 2
	var peak float32
	for _, v := range energy.Data {
		peak = max(peak, v)
	}
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			g := uint8(255 * vol.Data[(mid*vol.Shape[1]+y+1)*vol.Shape[2]+x+1])
			m := float32(0)
			if peak > 0 {
				m = energy.Data[y*w+x] / peak
			}
			img.SetNRGBA(x, y, color.NRGBA{R: max(g, uint8(255*m)), G: uint8(float32(g) * (1 - m)), B: uint8(float32(g) * (1 - m)), A: 255})
		}
	}
	big := image.NewNRGBA(image.Rect(0, 0, 4*w, 4*h)) // 4× larger, pixels kept sharp
	xdraw.NearestNeighbor.Scale(big, big.Bounds(), img, img.Bounds(), xdraw.Src, nil)
	return big
}

// savePlot writes p as a PNG, atomically.
func savePlot(p *plot.Plot, w, h vg.Length, path string) error {
	c := vgimg.New(w, h)
	p.Draw(draw.New(c))
	return atomicfile.Write(path, 0o644, func(out io.Writer) error {
		_, err := vgimg.PngCanvas{Canvas: c}.WriteTo(out)
		return err
	})
}
