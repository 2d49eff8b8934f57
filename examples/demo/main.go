// Command demo shows tensordist at work on whole batches of distributions:
// it builds Normals whose parameters broadcast and Bernoullis from logits,
// samples them from seeded sources, scores values with LogProb and
// LogProbGrad, and fits a batch of Normals to data by gradient ascent with
// eager gradients (no graph). Every seed is fixed, so the output is the
// same on every run and at any GOMAXPROCS.
//
//	go run ./demo
package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"text/tabwriter"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

func main() {
	if _, err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

// run writes the whole demo to w and returns the fit of part 3, so that the
// test can check it.
func run(w io.Writer) (*Fit, error) {
	if err := normals(w); err != nil {
		return nil, err
	}
	if err := bernoullis(w); err != nil {
		return nil, err
	}
	fit, err := FitNormals(rand.NewPCG(2026, 39), FitConfig{
		TrueLoc:   []float64{-2, 0.5, 3},
		TrueScale: []float64{0.5, 1, 2},
		N:         2000,
		Steps:     100,
		Rate:      0.5,
	})
	if err != nil {
		return nil, err
	}
	printFit(w, fit)
	return fit, nil
}

// normals is part 1: a (3, 4) batch of Normals from loc (3, 1) and scale
// (4,), sampled, scored and differentiated.
func normals(w io.Writer) error {
	loc, err := tensor.New([]float64{-1, 0, 1}, 3, 1)
	if err != nil {
		return err
	}
	scale := tensor.Vector(0.5, 1.0, 2.0, 4.0)
	d, err := distributions.NewNormal(loc, scale)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "1. Normal: loc %s, scale %s -> batch shape %s\n\n",
		shapeOf(loc), shapeOf(scale), shape.Format(d.BatchShape()))

	// Sample: sampleShape + batch shape.
	s, err := d.Sample(rand.NewPCG(1, 2), 2)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Sample(src, 2) has shape %s; its first (3, 4) slice:\n", shapeOf(s))
	printMatrix(w, "loc \\ scale", []string{"0.5", "1", "2", "4"}, []string{"-1", "0", "1"}, s.Float64s()[:12])

	// LogProb broadcasts the value (4,) with the batch (3, 4).
	x := tensor.Vector(0.0, 0.5, 1.0, 2.0)
	lp, err := d.LogProb(x)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nLogProb(x), x = %v of shape %s, has shape %s:\n", x.Float64s(), shapeOf(x), shapeOf(lp))
	printMatrix(w, "loc \\ x", []string{"0", "0.5", "1", "2"}, []string{"-1", "0", "1"}, lp.Float64s())

	// LogProbGrad: Σ log p(x) and its partials, each in its operand's own shape.
	g, err := d.LogProbGrad(x)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nLogProbGrad(x): sum log p = %.4f\n", g.LogProb)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "operand\tshape\tgradient of sum log p\t")
	fmt.Fprintf(tw, "x\t%s\t%s\t\n", shapeOf(g.Value), floats(g.Value.Float64s()))
	fmt.Fprintf(tw, "loc\t%s\t%s\t\n", shapeOf(g.Params["loc"]), floats(g.Params["loc"].Float64s()))
	fmt.Fprintf(tw, "scale\t%s\t%s\t\n", shapeOf(g.Params["scale"]), floats(g.Params["scale"].Float64s()))
	if err := tw.Flush(); err != nil {
		return err
	}

	// Validation: a bad parameter is an error, tested with errors.Is.
	_, err = distributions.NewNormal(loc, tensor.Vector(1.0, -1.0))
	fmt.Fprintf(w, "\nNewNormal with scale [1 -1]: %v (ErrParam: %t)\n\n", err, errors.Is(err, distributions.ErrParam))
	return nil
}

// bernoullis is part 2: three Bernoullis from logits, sampled 1000 times
// each, and scored on their enumerated support.
func bernoullis(w io.Writer) error {
	logits := tensor.Vector(-2.0, 0.0, 1.5)
	d, err := distributions.NewBernoulliLogits(logits)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "2. Bernoulli: logits %v -> batch shape %s\n\n", logits.Float64s(), shape.Format(d.BatchShape()))

	const n = 1000
	s, err := d.Sample(rand.NewPCG(3, 4), n)
	if err != nil {
		return err
	}
	freq := make([]float64, 3)
	for i, v := range s.Float64s() {
		freq[i%3] += v / n
	}
	g, err := d.LogProbGrad(s) // ∂/∂ℓ = Σ (x - σ(ℓ)) = n·(frequency - p)
	if err != nil {
		return err
	}
	support, err := d.EnumerateSupport(false) // values 0 and 1, shape (2, 1)
	if err != nil {
		return err
	}
	lp, err := d.LogProb(support) // (2, 1) with (3,) -> (2, 3)
	if err != nil {
		return err
	}
	probs, dl, lps := d.Probs().Float64s(), g.Params["logits"].Float64s(), lp.Float64s()

	fmt.Fprintf(w, "Sample(src, %d) has shape %s; LogProb(EnumerateSupport(false)) has shape %s\n", n, shapeOf(s), shapeOf(lp))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "logit\tp\tfrequency of 1\td/dlogit sum log p\tlog p(0)\tlog p(1)\t")
	for k, l := range logits.Float64s() {
		fmt.Fprintf(tw, "%.1f\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t\n", l, probs[k], freq[k], dl[k], lps[k], lps[3+k])
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	return nil
}

// FitConfig describes part 3: N draws from each of the Normals (TrueLoc,
// TrueScale), and Steps of gradient ascent with step size Rate (0.5 is a
// good choice; 1 is Fisher scoring) on the mean log-likelihood.
type FitConfig struct {
	TrueLoc, TrueScale []float64
	N, Steps           int
	Rate               float64
}

// Fit is the result of FitNormals, one entry per Normal of the batch.
type Fit struct {
	FitConfig
	Loc, Scale           []float64 // fitted
	SampleMean, SampleSD []float64 // the closed-form maximum-likelihood estimates
	LogLik               float64   // final mean log-likelihood, summed over the batch
}

// FitNormals draws data of shape (N, K) from K Normals and fits a batch of K
// Normals to it by gradient ascent on the mean log-likelihood, over loc and
// log scale (so that scale stays positive), each gradient scaled by the
// inverse Fisher information (natural gradient). Each step is one LogProbGrad:
// the kernel sums ∂/∂loc and ∂/∂scale over the N rows back to shape (K,).
func FitNormals(src rand.Source, c FitConfig) (*Fit, error) {
	k := len(c.TrueLoc)
	truth, err := distributions.NewNormal(tensor.Vector(c.TrueLoc...), tensor.Vector(c.TrueScale...))
	if err != nil {
		return nil, err
	}
	data, err := truth.Sample(src, c.N) // (N, K)
	if err != nil {
		return nil, err
	}

	loc, logScale := make([]float64, k), make([]float64, k) // start at N(0, 1)
	scale := make([]float64, k)
	var ll float64
	for step := 0; step <= c.Steps; step++ {
		for i := range k {
			scale[i] = math.Exp(logScale[i])
		}
		// Parameters are finite and positive by construction and the data
		// were drawn from a Normal: skip validation in the loop.
		model, err := distributions.NewNormal(tensor.Vector(loc...), tensor.Vector(scale...),
			distributions.WithValidation(false))
		if err != nil {
			return nil, err
		}
		g, err := model.LogProbGrad(data)
		if err != nil {
			return nil, err
		}
		ll = g.LogProb / float64(c.N)
		if step == c.Steps {
			break
		}
		// Each gradient is preconditioned by the inverse Fisher information
		// per draw (σ² for loc, ½ for log σ), so one Rate suits every scale;
		// a step changes σ by at most a factor e, so that a start far from
		// the data cannot overshoot.
		dLoc, dScale := g.Params["loc"].Float64s(), g.Params["scale"].Float64s()
		for i := range k {
			dLogScale := dScale[i] * scale[i] // chain rule: ∂/∂log σ = σ·∂/∂σ
			loc[i] += c.Rate * scale[i] * scale[i] * dLoc[i] / float64(c.N)
			logScale[i] += max(-1, min(1, c.Rate*0.5*dLogScale/float64(c.N)))
		}
	}

	f := &Fit{FitConfig: c, Loc: loc, Scale: scale, LogLik: ll}
	f.SampleMean, f.SampleSD = columnMoments(data.Float64s(), k)
	return f, nil
}

// columnMoments returns the mean and the (biased, maximum-likelihood)
// standard deviation of each of the k columns of row-major data.
func columnMoments(data []float64, k int) (mean, sd []float64) {
	mean, sd = make([]float64, k), make([]float64, k)
	n := float64(len(data) / k)
	for i, v := range data {
		mean[i%k] += v / n
	}
	for i, v := range data {
		d := v - mean[i%k]
		sd[i%k] += d * d / n
	}
	for i := range sd {
		sd[i] = math.Sqrt(sd[i])
	}
	return mean, sd
}

func printFit(w io.Writer, f *Fit) {
	fmt.Fprintf(w, "3. Fit a batch of %d Normals to %d draws each: %d steps of gradient ascent (rate %g)\n",
		len(f.TrueLoc), f.N, f.Steps, f.Rate)
	fmt.Fprintf(w, "   on mean log p over (loc, log scale), natural gradients from LogProbGrad, no graph\n\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "k\ttrue loc\tfitted loc\tsample mean\ttrue scale\tfitted scale\tsample sd\t")
	for i := range f.TrueLoc {
		fmt.Fprintf(tw, "%d\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t\n",
			i, f.TrueLoc[i], f.Loc[i], f.SampleMean[i], f.TrueScale[i], f.Scale[i], f.SampleSD[i])
	}
	tw.Flush()
	fmt.Fprintf(w, "\nfinal mean log-likelihood, summed over the batch: %.4f\n", f.LogLik)
}

// printMatrix writes a 3×4 block of values with row and column labels.
func printMatrix(w io.Writer, corner string, cols, rows []string, v []float64) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, corner, "\t")
	for _, c := range cols {
		fmt.Fprint(tw, c, "\t")
	}
	fmt.Fprintln(tw)
	for i, r := range rows {
		fmt.Fprint(tw, r, "\t")
		for j := range cols {
			fmt.Fprintf(tw, "%.4f\t", v[i*len(cols)+j])
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
}

func shapeOf(v tensor.Value) string { return shape.Format(tensor.ShapeOf(v)) }

func floats(v []float64) string {
	s := "["
	for i, x := range v {
		if i > 0 {
			s += " "
		}
		s += fmt.Sprintf("%.4f", x)
	}
	return s + "]"
}
