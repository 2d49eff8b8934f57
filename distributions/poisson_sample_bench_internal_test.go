package distributions

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/seed39ad66a2/tensordist/tensor"
)

// BenchmarkPoissonSampleRates times per-element Sample at rates spread
// uniformly over [lo, hi) (bench's case is [0.5, 20)), in ns/elem.
func BenchmarkPoissonSampleRates(b *testing.B) {
	for _, r := range [][2]float64{{0.5, 20}, {0.5, 10}, {10, 20}, {3, 4}, {15, 16}} {
		b.Run(fmt.Sprintf("%g-%g", r[0], r[1]), func(b *testing.B) {
			const size = 10000
			g := rand.New(rand.NewPCG(1, 2))
			rt := make([]float64, size)
			for i := range rt {
				rt[i] = r[0] + (r[1]-r[0])*g.Float64()
			}
			d, _ := NewPoisson(tensor.Vector(rt...), WithValidation(false))
			src := rand.NewPCG(3, 4)
			for b.Loop() {
				if _, err := d.Sample(src); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/size, "ns/elem")
		})
	}
}
