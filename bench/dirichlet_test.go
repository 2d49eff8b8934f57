package bench

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Dirichlet as torch_bench.py's make_case builds it, K = 10: concentration
// [N, K] ~ U(0.5, 5), x [N, K] a Dirichlet draw of it (clamped at 1e-12
// and renormalised, in float64, then cast), and sample_scalar from one
// concentration [K] ~ U(0.5, 5). The families table of bench_test.go fits
// scalar families only, so Dirichlet has its own top-level benchmarks,
// named Benchmark<Op>Dirichlet/Dirichlet/<f32|f64>/n=<N> (the family in
// the place it holds in Benchmark<Op>/<Family>/…), ns/elem per event of K:
//
//	BenchmarkLogProbDirichlet       d.LogProb(x) (torch log_prob); d caches its
//	                                log normalisers on its first LogProb, which
//	                                is made before the timing (torch recomputes
//	                                them per call; RSampleGrad pays them)
//	BenchmarkLogProbIntoDirichlet   into one reused array (no torch counterpart)
//	BenchmarkSampleDirichlet        d.Sample() per batch row (torch sample_batch)
//	BenchmarkSampleScalarDirichlet  Dirichlet(c [K]).Sample(N) (torch sample_scalar)
const dirK = 10

// dirCase holds one workload in float64: the batch concentration, its
// draw x, and the scalar concentration.
type dirCase struct {
	conc, x, scalar []float64
	n               int
}

func dirSetup(b *testing.B, n int) dirCase {
	b.Helper()
	r := rand.New(rand.NewPCG(seed, seed))
	c := dirCase{n: n, conc: make([]float64, n*dirK), scalar: make([]float64, dirK)}
	for i := range c.conc {
		c.conc[i] = 0.5 + 4.5*r.Float64()
	}
	for i := range c.scalar {
		c.scalar[i] = 0.5 + 4.5*r.Float64()
	}
	d, err := distributions.NewDirichlet(dirArr(b, "f64", c.conc, n, dirK), noVal)
	if err != nil {
		b.Fatal(err)
	}
	x, err := d.Sample(rand.NewPCG(seed, seed+3))
	if err != nil {
		b.Fatal(err)
	}
	c.x = append([]float64(nil), x.Float64s()...)
	for e := range n { // torch: clamp_min(1e-12), then x / x.sum(-1)
		row := c.x[e*dirK : (e+1)*dirK]
		var s float64
		for j, v := range row {
			row[j] = max(v, 1e-12)
			s += row[j]
		}
		for j := range row {
			row[j] /= s
		}
	}
	return c
}

// dirArr returns v in dtype dt with shape s.
func dirArr(b *testing.B, dt string, v []float64, s ...int) *tensor.Dense {
	b.Helper()
	var (
		t   *tensor.Dense
		err error
	)
	if dt == "f32" {
		w := make([]float32, len(v))
		for i, x := range v {
			w[i] = float32(x)
		}
		t, err = tensor.New(w, s...)
	} else {
		t, err = tensor.New(append([]float64(nil), v...), s...)
	}
	if err != nil {
		b.Fatal(err)
	}
	return t
}

// dist builds the batch distribution (validation off, as torch_bench.py)
// and returns it with x.
func (c dirCase) dist(b *testing.B, dt string) (*distributions.Dirichlet, *tensor.Dense) {
	b.Helper()
	d, err := distributions.NewDirichlet(dirArr(b, dt, c.conc, c.n, dirK), noVal)
	if err != nil {
		b.Fatal(err)
	}
	return d, dirArr(b, dt, c.x, c.n, dirK)
}

// dirGrid runs body as <family>/<f32|f64>/n=<N> with ns/elem per event.
func dirGrid(b *testing.B, family string, body func(b *testing.B, dt string, n int)) {
	for _, dt := range dtypes {
		for _, n := range sizes {
			b.Run(fmt.Sprintf("%s/%s/n=%d", family, dt, n), func(b *testing.B) {
				b.ReportAllocs()
				body(b, dt, n)
				if b.N > 0 {
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/elem")
				}
			})
		}
	}
}

func BenchmarkLogProbDirichlet(b *testing.B) {
	dirGrid(b, "Dirichlet", func(b *testing.B, dt string, n int) {
		d, x := dirSetup(b, n).dist(b, dt)
		if _, err := d.LogProb(x); err != nil { // the normalisers, once
			b.Fatal(err)
		}
		for b.Loop() {
			if _, err := d.LogProb(x); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkLogProbIntoDirichlet(b *testing.B) {
	dirGrid(b, "Dirichlet", func(b *testing.B, dt string, n int) {
		d, x := dirSetup(b, n).dist(b, dt)
		dst, err := d.LogProb(x)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if err := d.LogProbInto(dst, x); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkSampleDirichlet(b *testing.B) {
	dirGrid(b, "Dirichlet", func(b *testing.B, dt string, n int) {
		d, _ := dirSetup(b, n).dist(b, dt)
		src := rand.NewPCG(seed, seed+1)
		for b.Loop() {
			if _, err := d.Sample(src); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkSampleScalarDirichlet(b *testing.B) {
	dirGrid(b, "Dirichlet", func(b *testing.B, dt string, n int) {
		c := dirSetup(b, 1)
		d, err := distributions.NewDirichlet(dirArr(b, dt, c.scalar, dirK), noVal)
		if err != nil {
			b.Fatal(err)
		}
		src := rand.NewPCG(seed, seed+1)
		for b.Loop() {
			if _, err := d.Sample(src, n); err != nil {
				b.Fatal(err)
			}
		}
	})
}
