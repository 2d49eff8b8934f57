package main

import (
	"os"
	"strings"
	"testing"
)

func readGoFixture(t *testing.T) map[cell]*goResult {
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

func readTorchFixture(t *testing.T) map[cell]torchRecord {
	t.Helper()
	f, err := os.Open("testdata/torch.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, _, err := readTorch(f)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestReadGo(t *testing.T) {
	res := readGoFixture(t)
	for _, tc := range []struct {
		c      cell
		runs   int
		median float64
		allocs int
	}{
		{cell{opLogProb, "Normal", "f32", 100}, 3, 11, 17},
		{cell{opLogProb, "Normal", "f64", 100}, 2, 30, 18}, // the -2 suffix
		{cell{opLogProbInto, "Normal", "f32", 100}, 1, 8, 0},
		{cell{opLogProb, "Dirichlet", "f64", 10_000}, 1, 86.77, 15},
		{cell{opLogProb, "MultivariateNormal", "f32", 1_000_000}, 1, 33.21, 31},
		{cell{opSharedCov, "MultivariateNormal", "f32", 1_000_000}, 1, 16.8, 31},
		{cell{opSampleBatch, "MultivariateNormal", "f64", 10_000}, 1, 76, 20},
		{cell{opSampleScal, "MultivariateNormal", "f64", 10_000}, 1, 75, 20},
		{cell{opRSampleGrad, "Dirichlet", "f32", 100}, 1, 7922, 80},
	} {
		g := res[tc.c]
		if g == nil {
			t.Errorf("%v: missing", tc.c)
			continue
		}
		if len(g.nsPerElem) != tc.runs || g.median() != tc.median || !g.hasAllocs || g.allocs != tc.allocs {
			t.Errorf("%v: runs %v allocs %d, want %d runs, median %v, %d allocs", tc.c, g.nsPerElem, g.allocs, tc.runs, tc.median, tc.allocs)
		}
	}
	// Skipped: RSampleGradGraph, NewMVN, VectorLog (no cell), LogProbIntoMVN
	// shared-cov (no column), Sample/Normal/f32/n=1 (no ns/elem).
	if len(res) != 9 {
		t.Errorf("readGo found %d cells, want 9: %v", len(res), res)
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
	res := readTorchFixture(t)
	if len(res) != 5 { // probe, threads 2 and overhead records skipped
		t.Fatalf("readTorch found %d cells, want 5: %v", len(res), res)
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
}

func TestReadTorchBadLine(t *testing.T) {
	in := `{"section": "grid"}` + "\n" + "not json\n"
	_, _, err := readTorch(strings.NewReader(in))
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("err = %v, want an error naming line 2", err)
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
