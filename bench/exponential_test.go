package bench

import (
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Exponential joins the grid of bench_test.go (BenchmarkLogProb,
// BenchmarkLogProbInto, BenchmarkSample, BenchmarkSampleScalar,
// BenchmarkRSampleGrad). torch_bench.py has no Exponential; its ranges
// follow Gamma's there: rate ~ U(0.5, 2), x ~ U(0.05, 5), and
// sample_scalar from Exponential(1.5).
func init() {
	families = append(families, family{
		name: "Exponential",
		build: func(ps []*tensor.Dense) (distributions.Distribution, error) {
			return distributions.NewExponential(ps[0], noVal)
		},
		params: []func(*rand.Rand) float64{uniform(0.5, 2)}, // rate
		value:  uniform(0.05, 5),
		scalar: []float64{1.5},
	})
}
