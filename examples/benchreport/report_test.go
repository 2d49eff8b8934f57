package main

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMainMatrix(t *testing.T) {
	cs := mainMatrix()
	// 9 families × 3 ops + MVN shared-cov + 4 rsample families, × 2 dtypes × 4 N.
	if want := (9*3 + 1 + 4) * 2 * 4; len(cs) != want {
		t.Errorf("main matrix has %d cells, want %d", len(cs), want)
	}
	seen := map[cell]bool{}
	for _, c := range cs {
		if seen[c] {
			t.Errorf("cell %v twice", c)
		}
		seen[c] = true
	}
	for _, c := range []cell{{opSharedCov, "Normal", "f32", 1}, {opRSampleGrad, "Poisson", "f64", 100}} {
		if seen[c] {
			t.Errorf("%v is not in torch_bench.py's grid", c)
		}
	}
}

func TestJoin(t *testing.T) {
	j := join(readTorchFixture(t).grid[1], readGoFixture(t)[1])
	ratios := []float64{110.0 / 11, 20.0 / 30, 354 / 86.77, 33.6 / 16.8, 10.0 / 5, 3.0 / 1, 5 / 2.5}
	prod := 1.0
	for _, r := range ratios {
		prod *= r
	}
	want := math.Pow(prod, 1/float64(len(ratios)))
	g, n := j.geomean()
	if n != len(ratios) || math.Abs(g-want) > 1e-12*want {
		t.Errorf("geomean = %v over %d cells, want %v over %d", g, n, want, len(ratios))
	}
	nf := j.notFaster()
	if len(nf) != 1 || nf[0].cell != (cell{opLogProb, "Normal", "f64", 100}) {
		t.Errorf("notFaster = %v, want Normal log_prob f64 n=100 alone", nf)
	}
	mt, mg := j.missing()
	total := len(mainMatrix())
	if len(mt) != total-8 || len(mg) != total-13 { // the Into, validated and vector-log cells are no main cells
		t.Errorf("missing %d torch, %d Go cells; want %d, %d", len(mt), len(mg), total-8, total-13)
	}
	if in := j.into[cell{opLogProb, "Normal", "f32", 100}]; in == nil || in.median() != 8 {
		t.Errorf("LogProbInto Normal f32 100 = %v, want 8 ns/elem", in)
	}
	if in := j.into[cell{opSampleBatch, "Normal", "f32", 100}]; in == nil || in.median() != 6 {
		t.Errorf("SampleInto Normal f32 100 = %v, want 6 ns/elem", in)
	}
	if len(j.into) != 2 {
		t.Errorf("into = %v, want LogProbInto and SampleInto of Normal f32 100", j.into)
	}
}

func TestNotFasterOrder(t *testing.T) {
	rec := func(ns float64) *torchRecord { return &torchRecord{NsPerElement: ns} }
	gor := func(ns float64) *goResult { return &goResult{nsPerElem: []float64{ns}} }
	j := joined{rows: []row{
		{cell{opLogProb, "Normal", "f32", 1}, rec(1), gor(2)},   // 0.5
		{cell{opLogProb, "Normal", "f32", 100}, rec(3), gor(3)}, // 1: not faster
		{cell{opLogProb, "Normal", "f64", 1}, rec(1), gor(4)},   // 0.25
		{cell{opLogProb, "Normal", "f64", 100}, rec(5), gor(4)}, // 1.25: faster
		{cell{opLogProb, "Gamma", "f64", 100}, nil, gor(9)},     // Go only
	}}
	nf := j.notFaster()
	if len(nf) != 3 || nf[0].ratio() != 0.25 || nf[1].ratio() != 0.5 || nf[2].ratio() != 1 {
		t.Errorf("notFaster ratios: %v, want 0.25, 0.5, 1", nf)
	}
}

// fixtures are the inputs of the report tests: every fixture, or without
// torch's records (the torch-absent mode).
func fixtures(torch bool) inputs {
	in := inputs{goFiles: []string{"testdata/go_bench.txt"}, profiles: []string{"testdata/profiles.txt"}}
	if torch {
		in.torchFiles = []string{"testdata/torch.jsonl"}
	} else {
		in.machine = "testdata/machine.txt"
	}
	return in
}

func markdown(t *testing.T, in inputs) string {
	t.Helper()
	rp, err := load(in)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := rp.writeMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestReportWithTorch(t *testing.T) {
	md := markdown(t, fixtures(true))
	rp, _ := load(fixtures(true))
	g, _ := rp.j.geomean()
	for _, want := range []string{
		"**" + num(g) + "×** over 7 of 256 cells",
		"Go is not faster in 1 of them",
		"| Normal | f32 | 100 | 110 | 11.0 | 10.0 | 17 |",
		"| Dirichlet | f64 | 1e4 | 354 † | 86.8 | 4.08 | 15 |",
		"| MultivariateNormal | f32 | 1e6 | 33.6 | 16.8 | 2.00 | 31 |",
		"| MultivariateNormal | f32 | 1e6 | – | 33.2 | – | 31 |",
		"| Normal | f32 | 100 | 11.0 | 8.00 | 17 / 0 |",
		"| cpu | Test CPU 9000 |",
		"- log_prob Gamma: f32 1 (Go), ",
		"- rsample_lp_bwd Dirichlet: f32 1 (both), f32 100 (torch), ",
		"- sample_batch Poisson: all, both",
		// The losing cell with its profile.
		"| log_prob | Normal | f64 | 100 | 20.0 | 30.0 | 0.67 | tensor.NormalLogPdfSlice[float64] 40%, runtime.mallocgc 20%, " +
			"distributions.(*Normal).LogProb 10%, math.archLog 8.0% (top 4: 78% of 500ms) |",
		"| op | family | dtype | N | torch ns/elem | Go ns/elem | torch/Go | Go profile |",
		// SampleInto.
		"## SampleInto (Go only, no torch counterpart)",
		"| family | dtype | N | Sample ns/elem | SampleInto ns/elem | allocs/op Sample / SampleInto |",
		"| Normal | f32 | 100 | 9.00 | 6.00 | 5 / 0 |",
		// Two threads: N ≥ 1e4 only (the N=100 records are left out).
		"| op | family | dtype | N | torch 1 thread | torch 2 threads | Go 1 thread | Go 2 threads | torch/Go 2 threads |",
		"| log_prob | Normal | f32 | 1e4 | 10.0 | 6.00 | 5.00 | 4.00 | 1.50 |",
		"| log_prob | Normal | f64 | 1e6 | 5.00 | 1.50 | 2.50 | – | – |", // torch only
		"Geometric mean of torch/Go at two threads: **1.50×** over 1 cell.",
		// N=1 with validation on.
		"| family | dtype | torch off | torch on | Go off | Go on | torch/Go on |",
		"| Normal | f64 | 3,000 | 5,000 | 400 | 600 | 8.33 |",
		"| MultivariateNormal | f32 | – | 60,000 | – | 3,000 | 20.0 |",
		"| Gamma | f32 | – | 20,000 | – | – | – |", // torch only
		// The bound: the faster log of each dtype.
		"| dtype | Go LogSlice | torch.log | bound | Go Normal log_prob | Go ÷ bound | torch Normal log_prob | torch ÷ bound |",
		"| f32 | 0.90 | 0.70 | 0.70 | 1.00 | 1.43 ✓ | 3.00 | 4.29 |",
		"| f64 | 1.45 | 2.00 | 1.45 | 2.50 | 1.72 ✗ | 5.00 | 3.45 |",
		"- Go's Normal log_prob at 1e6 ÷ the vector-log bound: f32 1.43×, f64 1.72× (target ≤ 1.50×; section below).",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
	for _, bad := range []string{"PyTorch absent", "| Normal | f32 | 100 | 110 | 7.00 |"} {
		if strings.Contains(md, bad) {
			t.Errorf("report has %q", bad)
		}
	}
	if n := strings.Count(md, "| log_prob | Normal | f32 | "); n != 1 { // two threads: 1e4 only
		t.Errorf("two-thread table has %d Normal f32 log_prob rows, want 1 (1e4)", n)
	}
}

// TestReportNoExtras is the report of a run with EXTRAS=0: the main
// matrix's Go output and grid records only: no extra section, no profile
// column.
func TestReportNoExtras(t *testing.T) {
	dir := t.TempDir()
	goPath, torchPath := filepath.Join(dir, "go.txt"), filepath.Join(dir, "torch.jsonl")
	var gl, tl []string
	for _, l := range strings.Split(readFile(t, "testdata/go_bench.txt"), "\n") {
		if !strings.Contains(l, "-2 ") && !strings.Contains(l, "Validated") && !strings.Contains(l, "VectorLog") && !strings.Contains(l, "SampleInto") {
			gl = append(gl, l)
		}
	}
	for _, l := range strings.Split(readFile(t, "testdata/torch.jsonl"), "\n") {
		if strings.Contains(l, `"grid"`) && strings.Contains(l, `"threads": 1,`) {
			tl = append(tl, l)
		}
	}
	if err := os.WriteFile(goPath, []byte(strings.Join(gl, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(torchPath, []byte(strings.Join(tl, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	md := markdown(t, inputs{goFiles: []string{goPath}, torchFiles: []string{torchPath}})
	for _, bad := range []string{"Go profile", "SampleInto", "Two threads", "validation on", "Vector-log bound", "vector-log bound"} {
		if strings.Contains(md, bad) {
			t.Errorf("report without extras has %q:\n%s", bad, md)
		}
	}
	if want := "| log_prob | Normal | f64 | 100 | 20.0 | 30.0 | 0.67 |\n"; !strings.Contains(md, want) {
		t.Errorf("report without extras lacks %q:\n%s", want, md)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestReportTorchAbsent(t *testing.T) {
	md := markdown(t, fixtures(false))
	for _, want := range []string{
		"**PyTorch absent** (/usr/bin/python3 cannot import torch)",
		"| torch | absent: /usr/bin/python3 cannot import torch |",
		"| family | dtype | N | Go ns/elem | Go allocs/op |",
		"| Normal | f64 | 100 | 30.0 | 18 |",
		"| GOEXPERIMENT | simd |",
		"| cpu | Test CPU 9000 |",
		"- log_prob Gamma: all, both",
		// The extras, Go's columns only.
		"| Normal | f32 | 100 | 9.00 | 6.00 | 5 / 0 |",
		"| op | family | dtype | N | Go 1 thread | Go 2 threads |\n",
		"| log_prob | Normal | f32 | 1e4 | 5.00 | 4.00 |\n",
		"| family | dtype | Go off | Go on |\n",
		"| Normal | f64 | 400 | 600 |\n",
		"| MultivariateNormal | f32 | – | 3,000 |\n",
		"| dtype | Go LogSlice | bound | Go Normal log_prob | Go ÷ bound |\n",
		"| f32 | 0.90 | 0.90 | 1.00 | 1.11 ✓ |\n",
		"| f64 | 1.45 | 1.45 | 2.50 | 1.72 ✗ |\n",
		"PyTorch absent: the bound is Go's LogSlice alone.",
		"- Go's Normal log_prob at 1e6 ÷ the vector-log bound: f32 1.11×, f64 1.72×",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("torch-absent report lacks %q:\n%s", want, md)
		}
	}
	for _, bad := range []string{"torch/Go |", "Geometric mean", "not faster", "torch 2 threads", "torch on", "torch.log |", "Go profile", "| log_prob | Normal | f64 | 1e6 |"} {
		if strings.Contains(md, bad) {
			t.Errorf("torch-absent report has %q", bad)
		}
	}
}

func TestLosers(t *testing.T) {
	var b bytes.Buffer
	if err := listLosers(fixtures(true), &b); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != "BenchmarkLogProb/Normal/f64/n=100\n" {
		t.Errorf("losers = %q, want the one losing cell's benchmark", got)
	}
	b.Reset()
	if err := listLosers(fixtures(false), &b); err != nil || b.Len() != 0 {
		t.Errorf("losers without torch = %q, %v; want none", b.String(), err)
	}
}

func TestWritePlot(t *testing.T) {
	rp, err := load(fixtures(true))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "img", "bench.png")
	if err := writePlot(path, rp.j); err != nil {
		t.Fatal(err)
	}
	png, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) || len(png) < 10_000 {
		t.Errorf("%s: %d bytes, not a PNG of the panels", path, len(png))
	}
	if err := writePlot(path, join(nil, nil)); err == nil {
		t.Error("writePlot with no cell measured: no error")
	}
}

func TestRunNeedsGo(t *testing.T) {
	if err := run(inputs{}, "", ""); err == nil || !strings.Contains(err.Error(), "-go") {
		t.Errorf("run without -go: err = %v, want one naming -go", err)
	}
}

func TestNum(t *testing.T) {
	for x, want := range map[float64]string{
		58237.4: "58,237", 1234567: "1,234,567", 1000: "1,000", 354.4: "354",
		86.77: "86.8", 2.345: "2.35", 0.666: "0.67", math.NaN(): "–",
	} {
		if got := num(x); got != want {
			t.Errorf("num(%v) = %q, want %q", x, got, want)
		}
	}
}

func TestNLabel(t *testing.T) {
	for n, want := range map[int]string{1: "1", 100: "100", 1000: "1000", 10_000: "1e4", 1_000_000: "1e6", 12_000: "12000"} {
		if got := nLabel(n); got != want {
			t.Errorf("nLabel(%d) = %q, want %q", n, got, want)
		}
	}
}
