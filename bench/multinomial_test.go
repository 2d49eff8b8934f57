package bench

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/seed39ad66a2/tensordist/distributions"
)

// Multinomial has no torch_bench.py workload; this one follows its
// Categorical: K = 10, logits [N, K] ~ N(0, 1), total_count 20, x [N, K]
// one draw of it, and sample_scalar from logits [K] ~ N(0, 1). Named as
// the Dirichlet benchmarks, Benchmark<Op>Multinomial/Multinomial/<f32|f64>/n=<N>,
// ns/elem per event:
//
//	BenchmarkLogProbMultinomial         d.LogProb(x)
//	BenchmarkSampleMultinomial          d.Sample(), one draw per batch row
//	BenchmarkSampleScalarMultinomial    Multinomial(20, logits [K]).Sample(N)
//	BenchmarkSampleMultinomialTotal     1e4 draws at total_count 10 … 1e12:
//	                                    n categoricals up to n = 8(K−1), then
//	                                    conditional binomials, O(K) whatever n
//	                                    (torch draws n categoricals)
const (
	mnK     = 10
	mnTotal = 20
)

type mnCase struct {
	logits, x, scalar []float64
	n                 int
}

func mnSetup(b *testing.B, n int) mnCase {
	b.Helper()
	r := rand.New(rand.NewPCG(seed, seed))
	c := mnCase{n: n, logits: make([]float64, n*mnK), scalar: make([]float64, mnK)}
	for i := range c.logits {
		c.logits[i] = r.NormFloat64()
	}
	for i := range c.scalar {
		c.scalar[i] = r.NormFloat64()
	}
	d, err := distributions.NewMultinomialLogits(mnTotal, dirArr(b, "f64", c.logits, n, mnK), noVal)
	if err != nil {
		b.Fatal(err)
	}
	x, err := d.Sample(rand.NewPCG(seed, seed+3))
	if err != nil {
		b.Fatal(err)
	}
	c.x = append([]float64(nil), x.Float64s()...)
	return c
}

func BenchmarkLogProbMultinomial(b *testing.B) {
	dirGrid(b, "Multinomial", func(b *testing.B, dt string, n int) {
		c := mnSetup(b, n)
		d, err := distributions.NewMultinomialLogits(mnTotal, dirArr(b, dt, c.logits, n, mnK), noVal)
		if err != nil {
			b.Fatal(err)
		}
		x := dirArr(b, dt, c.x, n, mnK)
		for b.Loop() {
			if _, err := d.LogProb(x); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkSampleMultinomial(b *testing.B) {
	dirGrid(b, "Multinomial", func(b *testing.B, dt string, n int) {
		c := mnSetup(b, n)
		d, err := distributions.NewMultinomialLogits(mnTotal, dirArr(b, dt, c.logits, n, mnK), noVal)
		if err != nil {
			b.Fatal(err)
		}
		src := rand.NewPCG(seed, seed+1)
		for b.Loop() {
			if _, err := d.Sample(src); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkSampleScalarMultinomial(b *testing.B) {
	dirGrid(b, "Multinomial", func(b *testing.B, dt string, n int) {
		c := mnSetup(b, 1)
		d, err := distributions.NewMultinomialLogits(mnTotal, dirArr(b, dt, c.scalar, mnK), noVal)
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

func BenchmarkSampleMultinomialTotal(b *testing.B) {
	const draws = 10_000
	c := mnSetup(b, 1)
	for _, total := range []int{10, 72, 73, 1_000, 1_000_000, 1_000_000_000_000} {
		b.Run(fmt.Sprintf("total=%d", total), func(b *testing.B) {
			d, err := distributions.NewMultinomialLogits(total, dirArr(b, "f64", c.scalar, mnK), noVal)
			if err != nil {
				b.Fatal(err)
			}
			src := rand.NewPCG(seed, seed+1)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := d.Sample(src, draws); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*draws), "ns/elem")
		})
	}
}
