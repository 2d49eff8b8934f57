package bench

import (
	"math"
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// VonMises joins the grid of bench_test.go (BenchmarkLogProb,
// BenchmarkLogProbInto, BenchmarkSample, BenchmarkSampleScalar; it has no
// RSample). torch_bench.py has no VonMises; its ranges follow Gamma's
// there: loc ~ U(-π, π), concentration ~ U(0.5, 5) (below the switch to
// Hankel's expansion at 20), values ~ U(-π, π), and sample_scalar from
// VonMises(0, 2).
func init() {
	families = append(families, family{
		name: "VonMises",
		build: func(ps []*tensor.Dense) (distributions.Distribution, error) {
			return distributions.NewVonMises(ps[0], ps[1], noVal)
		},
		params: []func(*rand.Rand) float64{uniform(-math.Pi, math.Pi), uniform(0.5, 5)}, // loc, concentration
		value:  uniform(-math.Pi, math.Pi),
		scalar: []float64{0, 2},
	})
}
