package main

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"visage/core/lfw"
)

// plotROC writes the ROC curve (TAR against FAR, all pairs pooled, missing
// faces counted as errors) of outs to a PNG file.
func plotROC(path string, outs []lfw.Outcome, o lfw.Orientation) error {
	p := plot.New()
	p.Title.Text = "LFW ROC (pairs without a face count as errors)"
	p.X.Label.Text = "false accept rate"
	p.Y.Label.Text = "true accept rate"
	var pts plotter.XYs
	for _, r := range lfw.ROC(outs, o) {
		pts = append(pts, plotter.XY{X: r.FAR, Y: r.TAR})
	}
	line, err := plotter.NewLine(pts)
	if err != nil {
		return err
	}
	p.Add(line, plotter.NewGrid())
	return p.Save(5*vg.Inch, 4*vg.Inch, path)
}

// plotDistances writes the histograms of same-person and different-person
// scores of outs (pairs without a face left out) to a PNG file; score names
// them (see scoreName).
func plotDistances(path string, outs []lfw.Outcome, score string) error {
	var same, diff plotter.Values
	for _, o := range outs {
		if math.IsNaN(o.Score) {
			continue
		}
		if o.Same {
			same = append(same, o.Score)
		} else {
			diff = append(diff, o.Score)
		}
	}
	p := plot.New()
	p.Title.Text = "LFW pair scores"
	p.X.Label.Text = score
	p.Y.Label.Text = "pairs"
	for i, v := range []plotter.Values{same, diff} {
		if len(v) == 0 {
			continue
		}
		h, err := plotter.NewHist(v, 60)
		if err != nil {
			return err
		}
		if i == 0 {
			h.FillColor = plotColor(0x2b, 0x8c, 0xbe)
			p.Legend.Add("same person", h)
		} else {
			h.FillColor = plotColor(0xe3, 0x4a, 0x33)
			p.Legend.Add("different people", h)
		}
		p.Add(h)
	}
	p.Legend.Top = true
	return p.Save(5*vg.Inch, 4*vg.Inch, path)
}

// plotColor is a half-transparent RGB colour, so overlapping bars show.
func plotColor(r, g, b uint8) color.NRGBA { return color.NRGBA{R: r, G: g, B: b, A: 0xa0} }
