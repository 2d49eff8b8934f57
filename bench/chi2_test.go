package bench

import (
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Chi2 joins the grid of bench_test.go. torch_bench.py has no Chi2; its
// ranges follow Gamma's there through Chi2(ν) = Gamma(ν/2, ½): df
// ~ U(1, 10) (concentration 0.5 to 5), x ~ U(0.1, 10), and sample_scalar
// from Chi2(5).
func init() {
	families = append(families, family{
		name: "Chi2",
		build: func(ps []*tensor.Dense) (distributions.Distribution, error) {
			return distributions.NewChi2(ps[0], noVal)
		},
		params: []func(*rand.Rand) float64{uniform(1, 10)}, // df
		value:  uniform(0.1, 10),
		scalar: []float64{5},
	})
}
