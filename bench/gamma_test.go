package bench

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Gamma joins the grid of bench_test.go (BenchmarkLogProb,
// BenchmarkLogProbInto, BenchmarkSample, BenchmarkSampleScalar,
// BenchmarkRSampleGrad) with torch_bench.py's ranges: concentration
// ~ U(0.5, 5), rate ~ U(0.5, 2), x ~ U(0.05, 5), and sample_scalar from
// Gamma(2.5, 1.5).
func init() {
	families = append(families, family{
		name: "Gamma",
		build: func(ps []*tensor.Dense) (distributions.Distribution, error) {
			return distributions.NewGamma(ps[0], ps[1], noVal)
		},
		params: []func(*rand.Rand) float64{uniform(0.5, 5), uniform(0.5, 2)}, // concentration, rate
		value:  uniform(0.05, 5),
		scalar: []float64{2.5, 1.5},
	})
}

// BenchmarkGammaRSampleVJP times the pathwise gradient of Gamma's RSample
// alone (no torch counterpart by itself: torch's rsample_lp_bwd includes it
// in its backward): x = RSample(src) drawn once, then RSampleVJP(x, nil),
// whose ∂x/∂α is the implicit gradient (a series or continued fraction per
// element, tensor.StandardGammaGrad).
func BenchmarkGammaRSampleVJP(b *testing.B) {
	f := gammaFamily(b, "Gamma")
	for _, dt := range dtypes {
		for _, n := range []int{100, 10_000} {
			b.Run(fmt.Sprintf("%s/n=%d", dt, n), func(b *testing.B) {
				d, _ := f.batched(b, dt, n)
				g := d.(*distributions.Gamma)
				x, err := g.RSample(rand.NewPCG(seed, seed+1))
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := g.RSampleVJP(x, nil); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/elem")
			})
		}
	}
}

// gammaFamily returns the grid's family called name.
func gammaFamily(b *testing.B, name string) family {
	b.Helper()
	for _, f := range families {
		if f.name == name {
			return f
		}
	}
	b.Fatalf("no family %s", name)
	return family{}
}
