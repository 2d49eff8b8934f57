package bench

import (
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Gumbel joins the grid of bench_test.go (BenchmarkLogProb,
// BenchmarkLogProbInto, BenchmarkSample, BenchmarkSampleScalar,
// BenchmarkRSampleGrad) with Normal's ranges in torch_bench.py: loc ~
// N(0, 1), scale ~ U(0.5, 2), x ~ N(0, 1); sample_scalar from Gumbel(0, 1).
func init() {
	families = append(families, family{
		name: "Gumbel",
		build: func(ps []*tensor.Dense) (distributions.Distribution, error) {
			return distributions.NewGumbel(ps[0], ps[1], noVal)
		},
		params: []func(*rand.Rand) float64{stdNormal, uniform(0.5, 2)}, // loc, scale
		value:  stdNormal,
		scalar: []float64{0, 1},
	})
}
