package bench

import (
	"math"
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// LogNormal joins the grid of bench_test.go (with BenchmarkRSampleGrad, as
// it has RSample). torch_bench.py has no LogNormal; its parameters follow
// Normal's row on the log scale: loc ~ N(0, 1), scale ~ U(0.5, 2),
// x = exp(N(0, 1)), and sample_scalar from LogNormal(0, 1).
func init() {
	families = append(families, family{
		name: "LogNormal",
		build: func(ps []*tensor.Dense) (distributions.Distribution, error) {
			return distributions.NewLogNormal(ps[0], ps[1], noVal)
		},
		params: []func(*rand.Rand) float64{stdNormal, uniform(0.5, 2)}, // loc, scale
		value:  func(r *rand.Rand) float64 { return math.Exp(r.NormFloat64()) },
		scalar: []float64{0, 1},
	})
}
