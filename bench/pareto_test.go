package bench

import (
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Pareto joins the grid of bench_test.go (BenchmarkLogProb,
// BenchmarkLogProbInto, BenchmarkSample, BenchmarkSampleScalar,
// BenchmarkRSampleGrad). torch_bench.py has no Pareto; its ranges follow
// Gamma's there: scale ~ U(0.5, 2), alpha ~ U(0.5, 5), and sample_scalar
// from Pareto(1, 2.5). x ~ U(2, 10) lies above every scale, so that no
// element takes the cheap -Inf path below the support.
func init() {
	families = append(families, family{
		name: "Pareto",
		build: func(ps []*tensor.Dense) (distributions.Distribution, error) {
			return distributions.NewPareto(ps[0], ps[1], noVal)
		},
		params: []func(*rand.Rand) float64{uniform(0.5, 2), uniform(0.5, 5)}, // scale, alpha
		value:  uniform(2, 10),
		scalar: []float64{1, 2.5},
	})
}
