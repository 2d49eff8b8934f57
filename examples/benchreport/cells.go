package main

import "strconv"

// cell names one measurement: torch_bench.py's op and family, the dtype as
// the Go benchmarks spell it (f32, f64) and the nominal grid N.
type cell struct {
	op, family, dtype string
	n                 int
}

// Torch op names (torch_bench.py's), and the Go-only ones: the Into
// forms, LogProb with validation on at n = 1 (torch's overhead section
// has it as log_prob with validate true) and the vector log of the bound.
const (
	opLogProb     = "log_prob"
	opSharedCov   = "log_prob_sharedcov"
	opSampleBatch = "sample_batch"
	opSampleScal  = "sample_scalar"
	opRSampleGrad = "rsample_lp_bwd"
	opLogProbInto = "log_prob_into"
	opSampleInto  = "sample_into"
	opValidated   = "log_prob_validated"
	opVectorLog   = "vector_log"
)

// ops lists the report's ops in order, each with the Go benchmarks that
// measure it (for the table headings).
var ops = []struct{ torch, bench string }{
	{opLogProb, "BenchmarkLogProb, BenchmarkLogProbDirichlet, BenchmarkLogProbMVN/per-event"},
	{opSharedCov, "BenchmarkLogProbMVN/shared-cov"},
	{opSampleBatch, "BenchmarkSample, BenchmarkSampleDirichlet, BenchmarkSampleMVN/per-event"},
	{opSampleScal, "BenchmarkSampleScalar, BenchmarkSampleScalarDirichlet, BenchmarkSampleScalarMVN/shared-cov"},
	{opRSampleGrad, "BenchmarkRSampleGrad"},
}

// Grid of issue 9's main matrix, torch_bench.py's defaults.
var (
	families        = []string{"Normal", "Gamma", "Beta", "Poisson", "Binomial", "Bernoulli", "Categorical", "Dirichlet", "MultivariateNormal"}
	rsampleFamilies = []string{"Normal", "Gamma", "Beta", "Dirichlet"}
	dtypes          = []string{"f32", "f64"}
	sizes           = []int{1, 100, 10_000, 1_000_000}
)

// mainMatrix returns issue 9's main matrix in report order: every family ×
// {log_prob, sample_batch, sample_scalar}, log_prob_sharedcov for MVN,
// rsample_lp_bwd for Normal, Gamma, Beta and Dirichlet; × dtype × N.
func mainMatrix() []cell {
	var cs []cell
	for _, o := range ops {
		for _, fam := range opFamilies(o.torch) {
			for _, dt := range dtypes {
				for _, n := range sizes {
					cs = append(cs, cell{o.torch, fam, dt, n})
				}
			}
		}
	}
	return cs
}

// opFamilies returns the families the main matrix measures op for.
func opFamilies(op string) []string {
	switch op {
	case opSharedCov:
		return []string{"MultivariateNormal"}
	case opRSampleGrad:
		return rsampleFamilies
	}
	return families
}

// torchDtype maps torch's dtype names to the Go benchmarks'.
var torchDtype = map[string]string{"float32": "f32", "float64": "f64"}

// goOp maps a Go benchmark function's op (its name without Benchmark and
// without a trailing family) to the torch op.
var goOp = map[string]string{
	"LogProb":          opLogProb,
	"LogProbSharedCov": opSharedCov,
	"Sample":           opSampleBatch,
	"SampleScalar":     opSampleScal,
	"RSampleGrad":      opRSampleGrad,
	"LogProbInto":      opLogProbInto,
	"SampleInto":       opSampleInto,
	"LogProbValidated": opValidated,
}

// mvnLayouts maps the MVN benchmarks' (function, first level) to (op,
// family): per-event is torch's log_prob (a scale_tril per event),
// shared-cov its log_prob_sharedcov, and the sample benchmarks use the one
// layout torch's sample ops use.
var mvnLayouts = map[[2]string][2]string{
	{"LogProbMVN", "per-event"}:       {opLogProb, "MultivariateNormal"},
	{"LogProbMVN", "shared-cov"}:      {opSharedCov, "MultivariateNormal"},
	{"LogProbIntoMVN", "per-event"}:   {opLogProbInto, "MultivariateNormal"},
	{"SampleMVN", "per-event"}:        {opSampleBatch, "MultivariateNormal"},
	{"SampleScalarMVN", "shared-cov"}: {opSampleScal, "MultivariateNormal"},
}

// goCell maps a Go benchmark's function (without "Benchmark") and first
// level to the op and family of its cell; ok is false for benchmarks
// without a cell (BenchmarkRSampleGradGraph, BenchmarkNewMVN, …). The
// multivariate families name the family in the function as well
// (LogProbDirichlet/Dirichlet).
func goCell(fn, level string) (op, family string, ok bool) {
	if m, found := mvnLayouts[[2]string{fn, level}]; found {
		return m[0], m[1], true
	}
	base := fn
	if len(fn) > len(level) && fn[len(fn)-len(level):] == level {
		base = fn[:len(fn)-len(level)]
	}
	op, ok = goOp[base]
	return op, level, ok
}

// nLabel writes N as the report does: 1, 100, 1e4, 1e6.
func nLabel(n int) string {
	e := 0
	for m := n; m >= 10 && m%10 == 0; m /= 10 {
		e++
	}
	if e >= 4 && n == pow10(e) {
		return "1e" + strconv.Itoa(e)
	}
	return strconv.Itoa(n)
}

func pow10(e int) int {
	p := 1
	for range e {
		p *= 10
	}
	return p
}
