package bench

import (
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Beta joins the grid of bench_test.go (BenchmarkLogProb,
// BenchmarkLogProbInto, BenchmarkSample, BenchmarkSampleScalar,
// BenchmarkRSampleGrad) as torch_bench.py's make_case builds it:
// concentration1, concentration0 ~ U(0.5, 5), x ~ U(0.01, 0.99);
// sample_scalar from Beta(2, 3).
func init() {
	families = append(families, family{
		name: "Beta",
		build: func(ps []*tensor.Dense) (distributions.Distribution, error) {
			return distributions.NewBeta(ps[0], ps[1], noVal)
		},
		params: []func(*rand.Rand) float64{uniform(0.5, 5), uniform(0.5, 5)}, // concentration1, concentration0
		value:  uniform(0.01, 0.99),
		scalar: []float64{2, 3},
	})
}
