package main

import (
	"os"
	"strings"
	"testing"
)

func readGoFixture(t *testing.T) goSets {
	t.Helper()
	f, err := os.Open("testdata/go_bench.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, h, err := readGo(f)
	if err != nil {
		t.Fatal(err)
	}
	if h.cpu != "Test CPU 9000" {
		t.Errorf("cpu = %q, want Test CPU 9000", h.cpu)
	}
	return res
}

func readTorchFixture(t *testing.T) torchData {
	t.Helper()
	f, err := os.Open("testdata/torch.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	td := newTorchData()
	if err := readTorch(f, &td); err != nil {
		t.Fatal(err)
	}
	return td
}

func TestReadGo(t *testing.T) {
	res := readGoFixture(t)
	for _, tc := range []struct {
		threads int
		c       cell
		name    string
		runs    int
		median  float64
		allocs  int
	}{
		{1, cell{opLogProb, "Normal", "f32", 100}, "BenchmarkLogProb/Normal/f32/n=100", 3, 11, 17},
		{1, cell{opLogProb, "Normal", "f64", 100}, "BenchmarkLogProb/Normal/f64/n=100", 2, 30, 18},
		{1, cell{opLogProbInto, "Normal", "f32", 100}, "BenchmarkLogProbInto/Normal/f32/n=100", 1, 8, 0},
		{1, cell{opLogProb, "Dirichlet", "f64", 10_000}, "BenchmarkLogProbDirichlet/Dirichlet/f64/n=10000", 1, 86.77, 15},
		{1, cell{opLogProb, "MultivariateNormal", "f32", 1_000_000}, "BenchmarkLogProbMVN/per-event/f32/n=1000000", 1, 33.21, 31},
		{1, cell{opSharedCov, "MultivariateNormal", "f32", 1_000_000}, "BenchmarkLogProbMVN/shared-cov/f32/n=1000000", 1, 16.8, 31},
		{1, cell{opSampleBatch, "MultivariateNormal", "f64", 10_000}, "BenchmarkSampleMVN/per-event/f64/n=10000", 1, 76, 20},
		{1, cell{opSampleScal, "MultivariateNormal", "f64", 10_000}, "BenchmarkSampleScalarMVN/shared-cov/f64/n=10000", 1, 75, 20},
		{1, cell{opRSampleGrad, "Dirichlet", "f32", 100}, "BenchmarkRSampleGrad/Dirichlet/f32/n=100", 1, 7922, 80},
		{1, cell{opLogProb, "Normal", "f32", 10_000}, "BenchmarkLogProb/Normal/f32/n=10000", 1, 5, 9},
		{2, cell{opLogProb, "Normal", "f32", 10_000}, "BenchmarkLogProb/Normal/f32/n=10000", 3, 4, 9}, // the -2 suffix: two threads
		{1, cell{opValidated, "Normal", "f64", 1}, "BenchmarkLogProbValidated/Normal/f64/n=1", 1, 600, 9},
		{1, cell{opValidated, "MultivariateNormal", "f32", 1}, "BenchmarkLogProbValidated/MultivariateNormal/f32/n=1", 1, 3000, 20},
		{1, cell{opSampleInto, "Normal", "f32", 100}, "BenchmarkSampleInto/Normal/f32/n=100", 1, 6, 0},
	} {
		g := res[tc.threads][tc.c]
		if g == nil {
			t.Errorf("%v at %d threads: missing", tc.c, tc.threads)
			continue
		}
		if len(g.nsPerElem) != tc.runs || g.median() != tc.median || !g.hasAllocs || g.allocs != tc.allocs || g.name != tc.name {
			t.Errorf("%v at %d threads: %s runs %v allocs %d, want %s, %d runs, median %v, %d allocs", tc.c, tc.threads, g.name, g.nsPerElem, g.allocs, tc.name, tc.runs, tc.median, tc.allocs)
		}
	}
	for _, dt := range []string{"f32", "f64"} { // the vector-log bound's cells, without allocs
		g := res[1][cell{opVectorLog, "-", dt, 1_000_000}]
		if g == nil || g.hasAllocs || g.name != "BenchmarkVectorLog/"+dt+"/n=1000000" {
			t.Errorf("VectorLog %s: %+v, want a cell without allocs", dt, g)
		}
	}
	// Skipped: RSampleGradGraph, NewMVN (no cell), LogProbIntoMVN shared-cov
	// (no column), Sample/Normal/f32/n=1 (no ns/elem).
	if len(res[1]) != 19 || len(res[2]) != 1 || len(res) != 2 {
		t.Errorf("readGo found %d one-thread and %d two-thread cells (%d thread counts), want 19 and 1: %v", len(res[1]), len(res[2]), len(res), res)
	}
}

func TestParseName(t *testing.T) {
	for _, tc := range []struct {
		in      string
		c       cell
		name    string
		threads int
		ok      bool
	}{
		{"BenchmarkLogProb/Normal/f32/n=100", cell{opLogProb, "Normal", "f32", 100}, "BenchmarkLogProb/Normal/f32/n=100", 1, true},
		{"BenchmarkSample/Gamma/f64/n=10000-2", cell{opSampleBatch, "Gamma", "f64", 10_000}, "BenchmarkSample/Gamma/f64/n=10000", 2, true},
		{"BenchmarkLogProbMVN/per-event/f64/n=1000000-8", cell{opLogProb, "MultivariateNormal", "f64", 1_000_000}, "BenchmarkLogProbMVN/per-event/f64/n=1000000", 8, true},
		{"BenchmarkVectorLog/f32/n=1000000", cell{opVectorLog, "-", "f32", 1_000_000}, "BenchmarkVectorLog/f32/n=1000000", 1, true},
		{"BenchmarkVectorExp/f32/n=1000000", cell{}, "", 0, false},
		{"BenchmarkRSampleGradGraph/Normal/f32/n=100", cell{}, "", 0, false},
		{"BenchmarkLogProb/Normal/f16/n=100", cell{}, "", 0, false},
	} {
		c, name, threads, ok := parseName(tc.in)
		if c != tc.c || name != tc.name || threads != tc.threads || ok != tc.ok {
			t.Errorf("parseName(%q) = %v, %q, %d, %v; want %v, %q, %d, %v", tc.in, c, name, threads, ok, tc.c, tc.name, tc.threads, tc.ok)
		}
	}
}

func TestReadGoBadNumber(t *testing.T) {
	in := "BenchmarkLogProb/Normal/f32/n=100 \t 100 \t 1000 ns/op \t 1x.0 ns/elem\n"
	_, _, err := readGo(strings.NewReader(in))
	if err == nil || !strings.Contains(err.Error(), "line 1") || !strings.Contains(err.Error(), "ns/elem") {
		t.Errorf("err = %v, want an error naming line 1 and ns/elem", err)
	}
}

func TestGoCell(t *testing.T) {
	for _, tc := range []struct {
		fn, level, op, family string
		ok                    bool
	}{
		{"LogProb", "Normal", opLogProb, "Normal", true},
		{"SampleScalar", "Bernoulli", opSampleScal, "Bernoulli", true},
		{"RSampleGrad", "Gamma", opRSampleGrad, "Gamma", true},
		{"LogProbDirichlet", "Dirichlet", opLogProb, "Dirichlet", true},
		{"SampleScalarDirichlet", "Dirichlet", opSampleScal, "Dirichlet", true},
		{"LogProbMVN", "per-event", opLogProb, "MultivariateNormal", true},
		{"LogProbMVN", "shared-cov", opSharedCov, "MultivariateNormal", true},
		{"SampleMVN", "per-event", opSampleBatch, "MultivariateNormal", true},
		{"SampleScalarMVN", "shared-cov", opSampleScal, "MultivariateNormal", true},
		{"RSampleGradMVN", "per-event", "", "", false},
		{"RSampleGradGraph", "Normal", "", "", false},
		{"LogProbGradLKJCholesky", "LKJCholesky", "", "", false},
	} {
		op, fam, ok := goCell(tc.fn, tc.level)
		if ok != tc.ok || (ok && (op != tc.op || fam != tc.family)) {
			t.Errorf("goCell(%q, %q) = %q, %q, %v; want %q, %q, %v", tc.fn, tc.level, op, fam, ok, tc.op, tc.family, tc.ok)
		}
	}
}

func TestReadTorch(t *testing.T) {
	td := readTorchFixture(t)
	res := td.grid[1]
	if len(res) != 8 { // probe, threads 2, overhead and kernels records elsewhere
		t.Fatalf("readTorch found %d one-thread grid cells, want 8: %v", len(res), res)
	}
	if r := res[cell{opLogProb, "Normal", "f32", 100}]; r.NsPerElement != 110 || r.faulted() {
		t.Errorf("Normal f32 100 = %+v, want 110 ns/elem (threads 1), no faults", r)
	}
	if r := res[cell{opLogProb, "Normal", "f64", 100}]; r.NsPerElement != 20 {
		t.Errorf("Normal f64 100 = %v ns/elem, want 20 (the last record of a cell)", r.NsPerElement)
	}
	if r := res[cell{opLogProb, "Dirichlet", "f64", 10_000}]; !r.faulted() {
		t.Errorf("Dirichlet f64 1e4: faulted() = false for minflt_per_call %v", r.MinfltPerCall)
	}
	if _, ok := res[cell{opSharedCov, "MultivariateNormal", "f32", 1_000_000}]; !ok {
		t.Error("log_prob_sharedcov MVN f32 1e6 missing")
	}
	two := td.grid[2]
	if len(two) != 3 || two[cell{opLogProb, "Normal", "f32", 10_000}].NsPerElement != 6 || two[cell{opLogProb, "Normal", "f32", 100}].NsPerElement != 7 ||
		two[cell{opLogProb, "Normal", "f64", 1_000_000}].NsPerElement != 1.5 {
		t.Errorf("two-thread grid = %v, want Normal f32 1e4 at 6, 100 at 7 (the last record), f64 1e6 at 1.5", two)
	}
	// Overhead: log_prob at N=1 by validate; the probes, construction and
	// the N=1e6 validation record are skipped.
	if len(td.overhead) != 4 {
		t.Errorf("overhead = %v, want 4 log_prob records at N=1", td.overhead)
	}
	for c, want := range map[cell]float64{
		{opLogProb, "Normal", "f64", 1}:               3000,
		{opValidated, "Normal", "f64", 1}:             5000,
		{opValidated, "MultivariateNormal", "f32", 1}: 60000,
		{opValidated, "Gamma", "f32", 1}:              20000,
	} {
		if r, ok := td.overhead[c]; !ok || r.NsPerElement != want {
			t.Errorf("overhead %v = %+v, want %v ns", c, r, want)
		}
	}
	// Kernels: one thread only.
	if len(td.kernels) != 3 || td.kernels[cell{"log", "-", "f64", 1_000_000}].NsPerElement != 2 || td.kernels[cell{"log", "-", "f32", 1_000_000}].NsPerElement != 0.7 {
		t.Errorf("kernels = %v, want log f64 at 2, f32 at 0.7, exp f32 (threads 1)", td.kernels)
	}
}

func TestReadTorchBadLine(t *testing.T) {
	in := `{"section": "grid"}` + "\n" + "not json\n"
	td := newTorchData()
	err := readTorch(strings.NewReader(in), &td)
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("err = %v, want an error naming line 2", err)
	}
}

func TestReadProfiles(t *testing.T) {
	f, err := os.Open("testdata/profiles.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ps := map[cell]profile{}
	if err := readProfiles(f, ps); err != nil {
		t.Fatal(err)
	}
	if len(ps) != 2 { // RSampleGradGraph has no cell
		t.Fatalf("readProfiles found %d profiles, want 2: %v", len(ps), ps)
	}
	p := ps[cell{opLogProb, "Normal", "f64", 100}]
	want := "tensor.NormalLogPdfSlice[float64] 40%, runtime.mallocgc 20%, distributions.(*Normal).LogProb 10%, math.archLog 8.0% (top 4: 78% of 500ms)"
	if got := p.summary(); got != want {
		t.Errorf("summary = %q,\nwant      %q", got, want)
	}
	if len(p.fns) != 5 { // the zero-flat row dropped
		t.Errorf("profile has %d functions, want 5: %v", len(p.fns), p.fns)
	}
	if got := ps[cell{opSampleBatch, "Normal", "f32", 100}].summary(); got != "no samples" {
		t.Errorf("empty profile: %q, want no samples", got)
	}
	bad := "# bench: BenchmarkLogProb/Normal/f32/n=100\n      flat  flat%   sum%        cum   cum%\n  10ms x% 1% 10ms 1%  f\n"
	if err := readProfiles(strings.NewReader(bad), map[cell]profile{}); err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("err = %v, want an error naming line 3", err)
	}
}

func TestShortName(t *testing.T) {
	for in, want := range map[string]string{
		"github.com/seed39ad66a2/tensordist/tensor.LogSlice[go.shape.float32]": "tensor.LogSlice[float32]",
		"gorgonia.org/tensor.(*Dense).Data":                                    "tensor.(*Dense).Data",
		"math/rand/v2.(*PCG).next":                                             "rand/v2.(*PCG).next",
		"example.com/v3.F":                                                     "v3.F",
		"runtime.mallocgc":                                                     "runtime.mallocgc",
		"math.Log (inline)":                                                    "math.Log",
		"example.com/a.F[go.shape.struct { X example.com/b.T }]":               "a.F[struct { X example.com/b.T }]",
	} {
		if got := shortName(in); got != want {
			t.Errorf("shortName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReadMachine(t *testing.T) {
	f, err := os.Open("testdata/machine.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := readMachine(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 5 || m[0].key != "date" || m.get("GOEXPERIMENT") != "simd" {
		t.Errorf("machine = %v, want 5 keys from date, GOEXPERIMENT simd", m)
	}
	if got := m.get("load average before (1, 5, 15 min)"); got != "0.50 0.20 0.30" || m[2].key != "load average before (1, 5, 15 min)" {
		t.Errorf("repeated key: %q at %q, want the last value in the first place", got, m[2].key)
	}
	if _, err := readMachine(strings.NewReader("no separator\n")); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("err = %v, want an error naming line 1", err)
	}
}

func TestMedian(t *testing.T) {
	if got := median([]float64{3, 1, 2}); got != 2 {
		t.Errorf("median odd = %v, want 2", got)
	}
	if got := median([]float64{4, 1, 3, 2}); got != 2.5 {
		t.Errorf("median even = %v, want 2.5", got)
	}
}
