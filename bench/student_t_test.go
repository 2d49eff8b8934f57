package bench

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// StudentT joins the grid of bench_test.go (BenchmarkLogProb,
// BenchmarkLogProbInto, BenchmarkSample, BenchmarkSampleScalar,
// BenchmarkRSampleGrad). torch_bench.py has no StudentT; its ranges follow
// Normal's there, with df ~ U(1, 10) (Chi2's): loc ~ N(0, 1), scale
// ~ U(0.5, 2), x ~ N(0, 1), and sample_scalar from StudentT(5, 0, 1).
func init() {
	families = append(families, family{
		name: "StudentT",
		build: func(ps []*tensor.Dense) (distributions.Distribution, error) {
			return distributions.NewStudentT(ps[0], ps[1], ps[2], noVal)
		},
		params: []func(*rand.Rand) float64{uniform(1, 10), stdNormal, uniform(0.5, 2)}, // df, loc, scale
		value:  stdNormal,
		scalar: []float64{5, 0, 1},
	})
}

// BenchmarkStudentTRSampleVJP times the pathwise gradient of StudentT's
// RSample alone: x = RSample(src) drawn once, then RSampleVJP(x, nil),
// whose ∂x/∂ν is the implicit gradient (an incomplete beta derivative per
// element, tensor.BetaIncDerivA/B).
func BenchmarkStudentTRSampleVJP(b *testing.B) {
	f := gammaFamily(b, "StudentT")
	for _, dt := range dtypes {
		for _, n := range []int{100, 10_000} {
			b.Run(fmt.Sprintf("%s/n=%d", dt, n), func(b *testing.B) {
				d, _ := f.batched(b, dt, n)
				s := d.(*distributions.StudentT)
				x, err := s.RSample(rand.NewPCG(seed, seed+1))
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := s.RSampleVJP(x, nil); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/elem")
			})
		}
	}
}
