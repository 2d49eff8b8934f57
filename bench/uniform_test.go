package bench

import (
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Uniform joins the grid of bench_test.go (BenchmarkLogProb,
// BenchmarkLogProbInto, BenchmarkSample, BenchmarkSampleScalar,
// BenchmarkRSampleGrad) in the spirit of torch_bench.py's U(...) draws:
// low ~ U(-2, -0.5), high ~ U(0.5, 2), x ~ U(-0.5, 0.5), inside every
// interval, so that log_prob times the in-support path; sample_scalar from
// Uniform(0, 1).
func init() {
	families = append(families, family{
		name: "Uniform",
		build: func(ps []*tensor.Dense) (distributions.Distribution, error) {
			return distributions.NewUniform(ps[0], ps[1], noVal)
		},
		params: []func(*rand.Rand) float64{uniform(-2, -0.5), uniform(0.5, 2)}, // low, high
		value:  uniform(-0.5, 0.5),
		scalar: []float64{0, 1},
	})
}
