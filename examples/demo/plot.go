package main

import (
	"fmt"
	"image/color"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

var (
	blue = color.RGBA{R: 31, G: 119, B: 180, A: 255}
	red  = color.RGBA{R: 214, G: 39, B: 40, A: 255}
	grey = color.RGBA{R: 110, G: 110, B: 110, A: 255}
)

// writePlot writes a PNG of two panels to path, creating its directory:
// the ELBO trace, and the posterior of every μ_g (mean ± 2 sd) beside
// its true value.
func writePlot(path string, r *Result) error {
	trace, err := elboPanel(r)
	if err != nil {
		return err
	}
	groups, err := groupPanel(r)
	if err != nil {
		return err
	}
	img := vgimg.NewWith(vgimg.UseWH(18*vg.Centimeter, 18*vg.Centimeter), vgimg.UseDPI(110))
	dc := draw.New(img)
	pad := 3 * vg.Millimeter
	tiles := draw.Tiles{Rows: 2, Cols: 1, PadY: 2 * pad, PadTop: pad, PadBottom: pad, PadLeft: pad, PadRight: 2 * pad}
	panels := [][]*plot.Plot{{trace}, {groups}}
	canvases := plot.Align(panels, tiles, dc)
	for i, row := range panels {
		row[0].Draw(canvases[i][0])
	}

	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("demo: plot: %w", err)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("demo: plot: %w", err)
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(f); err != nil {
		f.Close()
		return fmt.Errorf("demo: plot %s: %w", path, err)
	}
	return f.Close()
}

// elboPanel plots every step's ELBO estimate against the step, on a log
// axis: the fit moves most in its first steps.
func elboPanel(r *Result) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("ELBO estimate during SVI (%d draws per step)", r.Config.Draws)
	p.X.Label.Text = "step"
	p.Y.Label.Text = "ELBO"
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Add(plotter.NewGrid())

	trace := make(plotter.XYs, len(r.ELBO))
	for i, v := range r.ELBO {
		trace[i] = plotter.XY{X: float64(i + 1), Y: v}
	}
	line, err := plotter.NewLine(trace)
	if err != nil {
		return nil, err
	}
	line.Color, line.Width = blue, vg.Points(1.2)
	p.Add(line)
	return p, nil
}

// pointErrors is what plotter.NewYErrorBars reads.
type pointErrors struct {
	plotter.XYs
	plotter.YErrors
}

// groupPanel plots the posterior of each μ_g as mean ± 2 sd, its true
// value, and the posterior mean of m, groups labelled by their size.
func groupPanel(r *Result) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = "Posterior of each group mean μ (mean ± 2 sd) and its true value"
	p.X.Label.Text = "group (observations)"
	p.Y.Label.Text = "μ"
	p.Add(plotter.NewGrid())

	groups := len(r.Mu)
	post := pointErrors{make(plotter.XYs, groups), make(plotter.YErrors, groups)}
	truth := make(plotter.XYs, groups)
	names := make([]string, groups)
	for g, q := range r.Mu {
		post.XYs[g] = plotter.XY{X: float64(g), Y: q.Mean}
		post.YErrors[g] = struct{ Low, High float64 }{2 * q.SD, 2 * q.SD}
		truth[g] = plotter.XY{X: float64(g), Y: q.Truth}
		names[g] = fmt.Sprintf("%d\n(%d)", g, r.Model.Sizes[g])
	}
	bars, err := plotter.NewYErrorBars(post)
	if err != nil {
		return nil, err
	}
	bars.Color, bars.Width, bars.CapWidth = blue, vg.Points(1.2), vg.Points(6)
	means, err := plotter.NewScatter(post.XYs)
	if err != nil {
		return nil, err
	}
	means.GlyphStyle = draw.GlyphStyle{Color: blue, Radius: vg.Points(2.5), Shape: draw.CircleGlyph{}}
	truths, err := plotter.NewScatter(truth)
	if err != nil {
		return nil, err
	}
	truths.GlyphStyle = draw.GlyphStyle{Color: red, Radius: vg.Points(3.5), Shape: draw.CrossGlyph{}}
	mLine, err := plotter.NewLine(plotter.XYs{{X: -0.5, Y: r.M.Mean}, {X: float64(groups) - 0.5, Y: r.M.Mean}})
	if err != nil {
		return nil, err
	}
	mLine.Color, mLine.Dashes = grey, []vg.Length{vg.Points(4), vg.Points(3)}

	p.Add(mLine, bars, means, truths)
	p.NominalX(names...)
	p.Legend.Add("posterior mean ± 2 sd", means)
	p.Legend.Add("true value", truths)
	p.Legend.Add("posterior mean of m", mLine)
	p.Legend.Top = true
	// Headroom for the legend above the highest bar.
	lo, hi := p.Y.Min, p.Y.Max
	p.Y.Max = hi + 0.3*(hi-lo)
	return p, nil
}
