package bench

import (
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// RelaxedBernoulli joins the grid of bench_test.go (BenchmarkLogProb,
// BenchmarkLogProbInto, BenchmarkSample, BenchmarkSampleScalar,
// BenchmarkRSampleGrad). torch_bench.py has no RelaxedBernoulli; its
// ranges follow Bernoulli's and Beta's there: temperature ~ U(0.1, 2),
// logits ~ N(0, 1), x ~ U(0.01, 0.99), and sample_scalar from
// temperature 0.5, logits 0.3.
func init() {
	families = append(families, family{
		name: "RelaxedBernoulli",
		build: func(ps []*tensor.Dense) (distributions.Distribution, error) {
			return distributions.NewRelaxedBernoulliLogits(ps[0], ps[1], noVal)
		},
		params: []func(*rand.Rand) float64{uniform(0.1, 2), stdNormal}, // temperature, logits
		value:  uniform(0.01, 0.99),
		scalar: []float64{0.5, 0.3},
	})
}
