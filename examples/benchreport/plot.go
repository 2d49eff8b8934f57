package main

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Engines are told apart by colour, dtypes by line style, ops by glyph.
var (
	goColor    = color.RGBA{R: 31, G: 119, B: 180, A: 255}
	torchColor = color.RGBA{R: 230, G: 110, B: 20, A: 255}
	f32Dashes  = []vg.Length{vg.Points(4), vg.Points(2.5)}
	opGlyphs   = map[string]draw.GlyphDrawer{
		opLogProb:     draw.CircleGlyph{},
		opSharedCov:   draw.RingGlyph{},
		opSampleBatch: draw.SquareGlyph{},
		opSampleScal:  draw.TriangleGlyph{},
		opRSampleGrad: draw.CrossGlyph{},
	}
)

const panelCols = 3

// writePlot writes the PNG: one log–log panel of ns/elem against N per
// family with data, and a legend panel.
func writePlot(path string, j joined) error {
	var panels []*plot.Plot
	for _, fam := range families {
		p, err := familyPanel(fam, j)
		if err != nil {
			return fmt.Errorf("benchreport: plot %s: %w", fam, err)
		}
		if p != nil {
			panels = append(panels, p)
		}
	}
	if len(panels) == 0 {
		return fmt.Errorf("benchreport: plot %s: no cell of the main matrix was measured", path)
	}
	legend, err := legendPanel()
	if err != nil {
		return fmt.Errorf("benchreport: plot legend: %w", err)
	}
	panels = append(panels, legend)
	rows := (len(panels) + panelCols - 1) / panelCols
	grid := make([][]*plot.Plot, rows)
	for i := range grid {
		grid[i] = make([]*plot.Plot, panelCols)
	}
	for i, p := range panels {
		grid[i/panelCols][i%panelCols] = p
	}

	img := vgimg.NewWith(vgimg.UseWH(30*vg.Centimeter, vg.Length(rows)*9*vg.Centimeter), vgimg.UseDPI(100))
	dc := draw.New(img)
	pad := 3 * vg.Millimeter
	tiles := draw.Tiles{Rows: rows, Cols: panelCols, PadX: 2 * pad, PadY: 2 * pad, PadTop: pad, PadBottom: pad, PadLeft: pad, PadRight: pad}
	canvases := plot.Align(grid, tiles, dc)
	for r := range grid {
		for c, p := range grid[r] {
			if p != nil {
				p.Draw(canvases[r][c])
			}
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("benchreport: plot: %w", err)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("benchreport: plot: %w", err)
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(f); err != nil {
		f.Close()
		return fmt.Errorf("benchreport: plot %s: %w", path, err)
	}
	return f.Close()
}

// familyPanel plots fam's cells, a line per engine, op and dtype; nil
// when neither engine measured fam.
func familyPanel(fam string, j joined) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = fam
	p.X.Label.Text = "N"
	p.Y.Label.Text = "ns/elem"
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = plot.LogTicks{Prec: -1}, plot.LogTicks{Prec: -1}
	p.Add(plotter.NewGrid())
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, o := range ops {
		for _, dt := range dtypes {
			for _, engine := range []string{"Go", "torch"} {
				var pts plotter.XYs
				for _, r := range j.rows {
					if r.op != o.torch || r.family != fam || r.dtype != dt {
						continue
					}
					if y, ok := r.nsPerElem(engine); ok {
						pts = append(pts, plotter.XY{X: float64(r.n), Y: y})
						lo, hi = min(lo, y), max(hi, y)
					}
				}
				if len(pts) == 0 {
					continue
				}
				l, s, err := plotter.NewLinePoints(pts)
				if err != nil {
					return nil, err
				}
				styleLine(l, s, engine, dt, o.torch)
				p.Add(l, s)
			}
		}
	}
	if math.IsInf(lo, 1) {
		return nil, nil
	}
	p.X.Min, p.X.Max = 0.5, 2e6
	p.Y.Min, p.Y.Max = lo/1.5, hi*1.5
	return p, nil
}

// nsPerElem returns engine's figure for the row, if measured.
func (r row) nsPerElem(engine string) (float64, bool) {
	if engine == "Go" {
		if r.go_ == nil {
			return 0, false
		}
		return r.go_.median(), true
	}
	if r.torch == nil {
		return 0, false
	}
	return r.torch.NsPerElement, true
}

func styleLine(l *plotter.Line, s *plotter.Scatter, engine, dt, op string) {
	c := color.Color(goColor)
	if engine == "torch" {
		c = torchColor
	}
	l.Color, l.Width = c, vg.Points(1.2)
	if dt == "f32" {
		l.Dashes = f32Dashes
	}
	s.GlyphStyle = draw.GlyphStyle{Color: c, Radius: vg.Points(2.5), Shape: opGlyphs[op]}
}

// legendPanel is an empty panel whose legend explains colours, line
// styles and glyphs.
func legendPanel() (*plot.Plot, error) {
	p := plot.New()
	p.HideAxes()
	p.Title.Text = "legend"
	for _, e := range []struct{ name, engine, dt string }{
		{"Go (tensordist)", "Go", "f64"}, {"torch", "torch", "f64"},
		{"float64: solid", "Go", "f64"}, {"float32: dashed", "Go", "f32"},
	} {
		l, s, err := plotter.NewLinePoints(plotter.XYs{{X: 1, Y: 1}})
		if err != nil {
			return nil, err
		}
		styleLine(l, s, e.engine, e.dt, "")
		if e.name[0] == 'f' { // the dtype entries: style, not colour
			l.Color = color.Gray{Y: 90}
		}
		p.Legend.Add(e.name, l)
	}
	for _, o := range ops {
		s, err := plotter.NewScatter(plotter.XYs{{X: 1, Y: 1}})
		if err != nil {
			return nil, err
		}
		s.GlyphStyle = draw.GlyphStyle{Color: color.Black, Radius: vg.Points(2.5), Shape: opGlyphs[o.torch]}
		p.Legend.Add(o.torch, s)
	}
	p.Legend.Left, p.Legend.Top = true, true
	return p, nil
}
