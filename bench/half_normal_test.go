package bench

import (
	"math"
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// HalfNormal joins the grid of bench_test.go (BenchmarkLogProb,
// BenchmarkLogProbInto, BenchmarkSample, BenchmarkSampleScalar and, as it
// has RSample, BenchmarkRSampleGrad). torch_bench.py has no HalfNormal; its
// parameters follow Normal's row: scale ~ U(0.5, 2), x = |N(0, 1)|, and
// sample_scalar from HalfNormal(1).
func init() {
	families = append(families, family{
		name: "HalfNormal",
		build: func(ps []*tensor.Dense) (distributions.Distribution, error) {
			return distributions.NewHalfNormal(ps[0], noVal)
		},
		params: []func(*rand.Rand) float64{uniform(0.5, 2)}, // scale
		value:  func(r *rand.Rand) float64 { return math.Abs(r.NormFloat64()) },
		scalar: []float64{1},
	})
}
