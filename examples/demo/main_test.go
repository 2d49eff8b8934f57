package main

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestRun runs the whole demo and checks that its fit recovers the truth,
// that its output is the same on a second run, and that every part printed.
func TestRun(t *testing.T) {
	var out1, out2 bytes.Buffer
	fit, err := run(&out1)
	if err != nil {
		t.Fatal(err)
	}
	checkFit(t, fit)
	if _, err := run(&out2); err != nil {
		t.Fatal(err)
	}
	if out1.String() != out2.String() {
		t.Errorf("output differs between two runs with the same seeds")
	}
	for _, want := range []string{"1. Normal", "batch shape (3, 4)", "2. Bernoulli", "3. Fit", "fitted loc"} {
		if !strings.Contains(out1.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

// TestFitNormalsSeeds checks the fit over other seeds and sizes, including a
// Normal far from the start N(0, 1) (loc 30, scale 0.1), whose first steps
// hit the cap on the change of log scale.
func TestFitNormalsSeeds(t *testing.T) {
	for seed := range uint64(5) {
		fit, err := FitNormals(rand.NewPCG(seed, 7), FitConfig{
			TrueLoc:   []float64{-1, 4, 30},
			TrueScale: []float64{0.3, 3, 0.1},
			N:         5000,
			Steps:     200,
			Rate:      0.5,
		})
		if err != nil {
			t.Fatal(err)
		}
		checkFit(t, fit)
	}
}

// checkFit requires two things of each Normal of the batch:
//
//   - convergence: gradient ascent reached the maximum-likelihood estimate,
//     the sample mean and the (biased) sample standard deviation, to 1e-6;
//   - recovery: that estimate lies within 4 standard errors of the truth,
//     σ/√N for the loc and σ/√(2N) for the scale (asymptotic standard
//     errors of the MLE; a 4-SE miss has probability about 6e-5 each, and
//     the seeds are fixed, so the test is deterministic).
func checkFit(t *testing.T, f *Fit) {
	t.Helper()
	const converged = 1e-6
	n := float64(f.N)
	for i := range f.TrueLoc {
		sigma := f.TrueScale[i]
		if d := math.Abs(f.Loc[i] - f.SampleMean[i]); d > converged {
			t.Errorf("[%d] loc %.8f did not converge to the sample mean %.8f (|diff| %.2g > %g)", i, f.Loc[i], f.SampleMean[i], d, converged)
		}
		if d := math.Abs(f.Scale[i] - f.SampleSD[i]); d > converged {
			t.Errorf("[%d] scale %.8f did not converge to the sample sd %.8f (|diff| %.2g > %g)", i, f.Scale[i], f.SampleSD[i], d, converged)
		}
		if tol := 4 * sigma / math.Sqrt(n); math.Abs(f.Loc[i]-f.TrueLoc[i]) > tol {
			t.Errorf("[%d] loc %.4f, truth %.4f: more than 4 SE (%.4f) apart", i, f.Loc[i], f.TrueLoc[i], tol)
		}
		if tol := 4 * sigma / math.Sqrt(2*n); math.Abs(f.Scale[i]-f.TrueScale[i]) > tol {
			t.Errorf("[%d] scale %.4f, truth %.4f: more than 4 SE (%.4f) apart", i, f.Scale[i], f.TrueScale[i], tol)
		}
	}
}
