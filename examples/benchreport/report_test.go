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
	j := join(readTorchFixture(t), readGoFixture(t))
	ratios := []float64{110.0 / 11, 20.0 / 30, 354 / 86.77, 33.6 / 16.8}
	want := math.Pow(ratios[0]*ratios[1]*ratios[2]*ratios[3], 0.25)
	g, n := j.geomean()
	if n != 4 || math.Abs(g-want) > 1e-12*want {
		t.Errorf("geomean = %v over %d cells, want %v over 4", g, n, want)
	}
	nf := j.notFaster()
	if len(nf) != 1 || nf[0].cell != (cell{opLogProb, "Normal", "f64", 100}) {
		t.Errorf("notFaster = %v, want Normal log_prob f64 n=100 alone", nf)
	}
	mt, mg := j.missing()
	total := len(mainMatrix())
	if len(mt) != total-5 || len(mg) != total-8 { // LogProbInto is no main cell
		t.Errorf("missing %d torch, %d Go cells; want %d, %d", len(mt), len(mg), total-5, total-8)
	}
	if in := j.into[cell{opLogProb, "Normal", "f32", 100}]; in == nil || in.median() != 8 {
		t.Errorf("LogProbInto Normal f32 100 = %v, want 8 ns/elem", in)
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

func TestReportWithTorch(t *testing.T) {
	rp, err := load([]string{"testdata/go_bench.txt"}, []string{"testdata/torch.jsonl"}, "")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := rp.writeMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	g, _ := rp.j.geomean()
	for _, want := range []string{
		"**" + num(g) + "×** over 4 of 256 cells",
		"Go is not faster in 1 of them",
		"| Normal | f32 | 100 | 110 | 11.0 | 10.0 | 17 |",
		"| Dirichlet | f64 | 1e4 | 354 † | 86.8 | 4.08 | 15 |",
		"| MultivariateNormal | f32 | 1e6 | 33.6 | 16.8 | 2.00 | 31 |",
		"| MultivariateNormal | f32 | 1e6 | – | 33.2 | – | 31 |",
		"| log_prob | Normal | f64 | 100 | 20.0 | 30.0 | 0.67 |",
		"| Normal | f32 | 100 | 11.0 | 8.00 | 17 / 0 |",
		"| cpu | Test CPU 9000 |",
		"- log_prob Gamma: f32 1 (Go), ",
		"- rsample_lp_bwd Dirichlet: f32 1 (both), f32 100 (torch), ",
		"- sample_batch Poisson: all, both",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "PyTorch absent") {
		t.Error("report says PyTorch is absent although torch records were given")
	}
}

func TestReportTorchAbsent(t *testing.T) {
	rp, err := load([]string{"testdata/go_bench.txt"}, nil, "testdata/machine.txt")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := rp.writeMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{
		"**PyTorch absent** (/usr/bin/python3 cannot import torch)",
		"| torch | absent: /usr/bin/python3 cannot import torch |",
		"| family | dtype | N | Go ns/elem | Go allocs/op |",
		"| Normal | f64 | 100 | 30.0 | 18 |",
		"| GOEXPERIMENT | simd |",
		"| cpu | Test CPU 9000 |",
		"- log_prob Gamma: all, both",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("torch-absent report lacks %q:\n%s", want, md)
		}
	}
	for _, bad := range []string{"torch/Go |", "Geometric mean", "not faster"} {
		if strings.Contains(md, bad) {
			t.Errorf("torch-absent report has %q", bad)
		}
	}
}

func TestWritePlot(t *testing.T) {
	rp, err := load([]string{"testdata/go_bench.txt"}, []string{"testdata/torch.jsonl"}, "")
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
	if err := run(nil, nil, "", "", ""); err == nil || !strings.Contains(err.Error(), "-go") {
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
