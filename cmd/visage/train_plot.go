package main

import (
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// plotLoss writes the loss per epoch of a training run to a PNG file.
func plotLoss(path, title string, losses []float64) error {
	p := plot.New()
	p.Title.Text = title + ": training loss"
	p.X.Label.Text = "epoch"
	p.Y.Label.Text = "mean loss"
	pts := make(plotter.XYs, len(losses))
	for i, l := range losses {
		pts[i] = plotter.XY{X: float64(i + 1), Y: l}
	}
	line, points, err := plotter.NewLinePoints(pts)
	if err != nil {
		return err
	}
	p.Add(line, points, plotter.NewGrid())
	return p.Save(5*vg.Inch, 3.5*vg.Inch, path)
}
