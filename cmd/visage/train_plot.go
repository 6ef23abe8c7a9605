package main

import (
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// lossSeries is one training run's loss per epoch, named for the legend.
type lossSeries struct {
	name   string
	losses []float64
}

// plotLoss writes the loss per epoch of one or more training runs to a PNG
// file; with relative set each run's losses are divided by its first
// epoch's, so that runs with different losses share one axis.
func plotLoss(path, title string, relative bool, runs ...lossSeries) error {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "epoch"
	p.Y.Label.Text = "mean loss"
	if relative {
		p.Y.Label.Text = "mean loss / epoch 1's"
	}
	p.Add(plotter.NewGrid())
	for i, r := range runs {
		if len(r.losses) == 0 {
			return fmt.Errorf("%s: no loss per epoch to plot", r.name)
		}
		pts := make(plotter.XYs, len(r.losses))
		for j, l := range r.losses {
			if relative {
				l /= r.losses[0]
			}
			pts[j] = plotter.XY{X: float64(j + 1), Y: l}
		}
		line, points, err := plotter.NewLinePoints(pts)
		if err != nil {
			return err
		}
		line.Color, points.Color = plotutil.Color(i), plotutil.Color(i)
		points.Shape = plotutil.Shape(i)
		p.Add(line, points)
		if len(runs) > 1 {
			p.Legend.Add(r.name, line, points)
		}
	}
	p.Legend.Top = true
	return p.Save(6*vg.Inch, 4*vg.Inch, path)
}
