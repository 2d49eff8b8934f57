package bench

import (
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Kumaraswamy joins the grid of bench_test.go (BenchmarkLogProb,
// BenchmarkLogProbInto, BenchmarkSample, BenchmarkSampleScalar,
// BenchmarkRSampleGrad). torch_bench.py has no Kumaraswamy; it takes
// Beta's ranges there: concentration1, concentration0 ~ U(0.5, 5),
// x ~ U(0.01, 0.99); sample_scalar from Kumaraswamy(2, 3).
func init() {
	families = append(families, family{
		name: "Kumaraswamy",
		build: func(ps []*tensor.Dense) (distributions.Distribution, error) {
			return distributions.NewKumaraswamy(ps[0], ps[1], noVal)
		},
		params: []func(*rand.Rand) float64{uniform(0.5, 5), uniform(0.5, 5)}, // concentration1, concentration0
		value:  uniform(0.01, 0.99),
		scalar: []float64{2, 3},
	})
}
