package bench

import (
	"math"
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// HalfCauchy joins the grid of bench_test.go like HalfNormal
// (half_normal_test.go): scale ~ U(0.5, 2), x = |tan(π(U - ½))|, a
// half-Cauchy(1) draw whose tail exercises both branches of the kernel
// (z ≤ 1 and z > 1), and sample_scalar from HalfCauchy(1).
func init() {
	families = append(families, family{
		name: "HalfCauchy",
		build: func(ps []*tensor.Dense) (distributions.Distribution, error) {
			return distributions.NewHalfCauchy(ps[0], noVal)
		},
		params: []func(*rand.Rand) float64{uniform(0.5, 2)}, // scale
		value:  func(r *rand.Rand) float64 { return math.Abs(math.Tan(math.Pi * (r.Float64() - 0.5))) },
		scalar: []float64{1},
	})
}
