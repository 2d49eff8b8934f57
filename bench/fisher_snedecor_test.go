package bench

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// FisherSnedecor joins the grid of bench_test.go (BenchmarkLogProb,
// BenchmarkLogProbInto, BenchmarkSample, BenchmarkSampleScalar,
// BenchmarkRSampleGrad). torch_bench.py has no FisherSnedecor; its ranges
// follow Gamma's there: df1, df2 ~ U(1, 10) (concentrations 0.5 to 5),
// x ~ U(0.05, 5), and sample_scalar from FisherSnedecor(5, 10).
func init() {
	families = append(families, family{
		name: "FisherSnedecor",
		build: func(ps []*tensor.Dense) (distributions.Distribution, error) {
			return distributions.NewFisherSnedecor(ps[0], ps[1], noVal)
		},
		params: []func(*rand.Rand) float64{uniform(1, 10), uniform(1, 10)}, // df1, df2
		value:  uniform(0.05, 5),
		scalar: []float64{5, 10},
	})
}

// BenchmarkFisherSnedecorRSampleVJP times the pathwise gradient of
// FisherSnedecor's RSample alone: y = RSample(src) drawn once, then
// RSampleVJP(y, nil), whose ∂y/∂d₁ and ∂y/∂d₂ are implicit gradients (one
// pass of the incomplete beta derivatives per element).
func BenchmarkFisherSnedecorRSampleVJP(b *testing.B) {
	f := gammaFamily(b, "FisherSnedecor")
	for _, dt := range dtypes {
		for _, n := range []int{100, 10_000} {
			b.Run(fmt.Sprintf("%s/n=%d", dt, n), func(b *testing.B) {
				d, _ := f.batched(b, dt, n)
				s := d.(*distributions.FisherSnedecor)
				y, err := s.RSample(rand.NewPCG(seed, seed+1))
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := s.RSampleVJP(y, nil); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/elem")
			})
		}
	}
}
