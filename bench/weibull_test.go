package bench

import (
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Weibull joins the grid of bench_test.go (BenchmarkLogProb,
// BenchmarkLogProbInto, BenchmarkSample, BenchmarkSampleScalar,
// BenchmarkRSampleGrad) with Gamma's ranges in torch_bench.py: scale ~
// U(0.5, 2), concentration ~ U(0.5, 5), x ~ U(0.05, 5); sample_scalar from
// Weibull(1.5, 2.5).
func init() {
	families = append(families, family{
		name: "Weibull",
		build: func(ps []*tensor.Dense) (distributions.Distribution, error) {
			return distributions.NewWeibull(ps[0], ps[1], noVal)
		},
		params: []func(*rand.Rand) float64{uniform(0.5, 2), uniform(0.5, 5)}, // scale, concentration
		value:  uniform(0.05, 5),
		scalar: []float64{1.5, 2.5},
	})
}
