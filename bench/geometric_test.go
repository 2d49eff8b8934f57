package bench

import (
	"math"
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Geometric joins the grid of bench_test.go (BenchmarkLogProb,
// BenchmarkLogProbInto, BenchmarkSample, BenchmarkSampleScalar; it has no
// RSample). torch_bench.py has no Geometric; its ranges follow Binomial's
// there: probs ~ U(0.05, 0.95) (the probs form, torch's natural one here),
// counts x drawn from Geometric(0.3) by inversion, and sample_scalar from
// Geometric(0.3).
func init() {
	families = append(families, family{
		name: "Geometric",
		build: func(ps []*tensor.Dense) (distributions.Distribution, error) {
			return distributions.NewGeometric(ps[0], noVal)
		},
		params: []func(*rand.Rand) float64{uniform(0.05, 0.95)}, // probs
		value: func(r *rand.Rand) float64 {
			return math.Floor(math.Log(1-r.Float64()) / math.Log1p(-0.3))
		},
		scalar: []float64{0.3},
	})
}
