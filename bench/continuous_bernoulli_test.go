package bench

import (
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// ContinuousBernoulli joins the grid of bench_test.go (BenchmarkLogProb,
// BenchmarkLogProbInto, BenchmarkSample, BenchmarkSampleScalar,
// BenchmarkRSampleGrad). torch_bench.py has no ContinuousBernoulli; its
// ranges follow Beta's and Binomial's there: probs ~ U(0.05, 0.95), which
// crosses both the series (|ℓ| ≤ 2) and the closed-form branches,
// x ~ U(0.01, 0.99), and sample_scalar from probs 0.3.
func init() {
	families = append(families, family{
		name: "ContinuousBernoulli",
		build: func(ps []*tensor.Dense) (distributions.Distribution, error) {
			return distributions.NewContinuousBernoulli(ps[0], noVal)
		},
		params: []func(*rand.Rand) float64{uniform(0.05, 0.95)}, // probs
		value:  uniform(0.01, 0.99),
		scalar: []float64{0.3},
	})
}
