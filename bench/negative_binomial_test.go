package bench

import (
	"math"
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// NegativeBinomial joins the grid of bench_test.go (BenchmarkLogProb,
// BenchmarkLogProbInto, BenchmarkSample, BenchmarkSampleScalar; it has no
// RSample). torch_bench.py has no NegativeBinomial; its ranges follow
// Binomial's there: total_count ~ U(1, 50) (real, as torch allows), probs
// ~ U(0.05, 0.95) (the probs form), counts x drawn from Geometric(0.2) by
// inversion (mean 4), and sample_scalar from NegativeBinomial(4, 0.4).
func init() {
	families = append(families, family{
		name: "NegativeBinomial",
		build: func(ps []*tensor.Dense) (distributions.Distribution, error) {
			return distributions.NewNegativeBinomial(ps[0], ps[1], noVal)
		},
		params: []func(*rand.Rand) float64{uniform(1, 50), uniform(0.05, 0.95)}, // total_count, probs
		value: func(r *rand.Rand) float64 {
			return math.Floor(math.Log(1-r.Float64()) / math.Log1p(-0.2))
		},
		scalar: []float64{4, 0.4},
	})
}
