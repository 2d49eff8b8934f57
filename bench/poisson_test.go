package bench

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Poisson joins the grid of bench_test.go (BenchmarkLogProb,
// BenchmarkLogProbInto, BenchmarkSample, BenchmarkSampleScalar; it has no
// RSample) as torch_bench.py's make_case builds it: rate ~ U(0.5, 20),
// counts x drawn from Poisson(rate), sample_scalar from Poisson(4). The
// grid draws each column on its own, so x is drawn from Poisson(U(0.5, 20))
// with a rate of its own rather than its element's: the same counts in
// law, which is what the timing depends on.
func init() {
	families = append(families, family{
		name: "Poisson",
		build: func(ps []*tensor.Dense) (distributions.Distribution, error) {
			return distributions.NewPoisson(ps[0], noVal)
		},
		params: []func(*rand.Rand) float64{uniform(0.5, 20)}, // rate
		value: func(r *rand.Rand) float64 {
			return poissonInvert(r, 0.5+19.5*r.Float64())
		},
		scalar: []float64{4},
	})
}

// poissonInvert is a Poisson(lam) draw by sequential inversion: the bench's
// own, so that its inputs do not depend on the sampler it times.
func poissonInvert(r *rand.Rand, lam float64) float64 {
	u := r.Float64()
	k, f := 0.0, math.Exp(-lam)
	cdf := f
	for u >= cdf && f > 0 {
		k++
		f *= lam / k
		cdf += f
	}
	return k
}

// BenchmarkPoissonSparse times LogProb of Pyro's is_sparse Poisson against
// the dense one on counts that are 99 % zeros (rate ~ U(0.5, 20), the
// non-zero 1 % from Poisson(rate)), float64, no validation; ns/elem per
// element of the [n] result.
func BenchmarkPoissonSparse(b *testing.B) {
	for _, mode := range []string{"dense", "sparse"} {
		for _, n := range sizes {
			b.Run(fmt.Sprintf("%s/n=%d", mode, n), func(b *testing.B) {
				r := rand.New(rand.NewPCG(seed, seed))
				rate, x := make([]float64, n), make([]float64, n)
				for i := range rate {
					rate[i] = 0.5 + 19.5*r.Float64()
					if r.Float64() < 0.01 {
						x[i] = poissonInvert(r, rate[i])
					}
				}
				rt, err := tensor.New(rate, n)
				if err != nil {
					b.Fatal(err)
				}
				xt, err := tensor.New(x, n)
				if err != nil {
					b.Fatal(err)
				}
				newD := distributions.NewPoisson
				if mode == "sparse" {
					newD = distributions.NewPoissonSparse
				}
				d, err := newD(rt, noVal)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := d.LogProb(xt); err != nil {
						b.Fatal(err)
					}
				}
				if b.N > 0 {
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/elem")
				}
			})
		}
	}
}
