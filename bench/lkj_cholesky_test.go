package bench

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// LKJCholesky has no workload in torch_bench.py; this one follows MVN's:
// D = 4, E = max(1, N/16) matrices for the grid's nominal N (N scalars),
// concentration [E] ~ U(0.5, 5), x [E, 4, 4] a draw of the distribution
// itself, validation off, seed 12345; ns/elem per matrix. Own top-level
// benchmarks with the sub-benchmark scheme <f32|f64>/n=<N>:
//
//	BenchmarkLogProbLKJCholesky       d.LogProb(x)
//	BenchmarkLogProbIntoLKJCholesky   into one reused array
//	BenchmarkLogProbGradLKJCholesky   d.LogProbGrad(x): x and concentration
//	BenchmarkSampleLKJCholesky        d.Sample(): one factor per batch element (sample_batch)
//	BenchmarkSampleScalarLKJCholesky  LKJCholesky(4, 2).Sample(E) (sample_scalar)

const lkjD = 4

func lkjEvents(n int) int { return max(1, n/(lkjD*lkjD)) }

func lkjSetup(b *testing.B, dt string, n int) (*distributions.LKJCholesky, *tensor.Dense) {
	b.Helper()
	r := rand.New(rand.NewPCG(seed, seed))
	e := lkjEvents(n)
	conc := vector(b, dt, e, r, uniform(0.5, 5))
	d, err := distributions.NewLKJCholesky(lkjD, conc, noVal)
	if err != nil {
		b.Fatal(err)
	}
	x, err := d.Sample(rand.NewPCG(seed, seed+2))
	if err != nil {
		b.Fatal(err)
	}
	return d, x
}

func lkjGrid(b *testing.B, body func(b *testing.B, dt string, n int)) {
	for _, dt := range dtypes {
		for _, n := range sizes {
			b.Run(fmt.Sprintf("%s/n=%d", dt, n), func(b *testing.B) {
				b.ReportAllocs()
				body(b, dt, n)
				if b.N > 0 {
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*lkjEvents(n)), "ns/elem")
				}
			})
		}
	}
}

func BenchmarkLogProbLKJCholesky(b *testing.B) {
	lkjGrid(b, func(b *testing.B, dt string, n int) {
		d, x := lkjSetup(b, dt, n)
		for b.Loop() {
			if _, err := d.LogProb(x); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkLogProbIntoLKJCholesky(b *testing.B) {
	lkjGrid(b, func(b *testing.B, dt string, n int) {
		d, x := lkjSetup(b, dt, n)
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

func BenchmarkLogProbGradLKJCholesky(b *testing.B) {
	lkjGrid(b, func(b *testing.B, dt string, n int) {
		d, x := lkjSetup(b, dt, n)
		for b.Loop() {
			if _, err := d.LogProbGrad(x); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkSampleLKJCholesky(b *testing.B) {
	lkjGrid(b, func(b *testing.B, dt string, n int) {
		d, _ := lkjSetup(b, dt, n)
		src := rand.NewPCG(seed, seed+1)
		for b.Loop() {
			if _, err := d.Sample(src); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkSampleScalarLKJCholesky(b *testing.B) {
	lkjGrid(b, func(b *testing.B, dt string, n int) {
		c := tensor.Scalar(2.0)
		if dt == "f32" {
			c = tensor.Scalar(float32(2))
		}
		d, err := distributions.NewLKJCholesky(lkjD, c, noVal)
		if err != nil {
			b.Fatal(err)
		}
		src := rand.NewPCG(seed, seed+1)
		for b.Loop() {
			if _, err := d.Sample(src, lkjEvents(n)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
