package bench

import (
	"fmt"
	"testing"

	"github.com/seed39ad66a2/tensordist/tensor"
)

// BenchmarkVectorLog times tensor.LogSlice alone over the scale parameter
// of BenchmarkLogProb's Normal (U(0.5, 2), same seed): the one log a
// Normal log_prob takes per element, so the bound that Normal's log_prob
// is measured against (issue 9). Into a reused array; ns/elem as in grid.
func BenchmarkVectorLog(b *testing.B) {
	vectorBench(b, func(ps []*tensor.Dense, _ *tensor.Dense) *tensor.Dense { return ps[1] }, tensor.LogSlice[float32], tensor.LogSlice[float64])
}

// BenchmarkVectorExp times tensor.ExpSlice over the value of
// BenchmarkLogProb's Normal (N(0, 1), same seed).
func BenchmarkVectorExp(b *testing.B) {
	vectorBench(b, func(_ []*tensor.Dense, x *tensor.Dense) *tensor.Dense { return x }, tensor.ExpSlice[float32], tensor.ExpSlice[float64])
}

func vectorBench(b *testing.B, pick func(ps []*tensor.Dense, x *tensor.Dense) *tensor.Dense, k32 func(dst, x []float32) int, k64 func(dst, x []float64) int) {
	for _, dt := range dtypes {
		for _, n := range []int{10_000, 1_000_000} {
			b.Run(fmt.Sprintf("%s/n=%d", dt, n), func(b *testing.B) {
				b.ReportAllocs()
				src := pick(normalFamily(b).setup(b, dt, n))
				if dt == "f32" {
					x, _ := tensor.Floats[float32](src)
					dst := make([]float32, n)
					for b.Loop() {
						k32(dst, x)
					}
				} else {
					x, _ := tensor.Floats[float64](src)
					dst := make([]float64, n)
					for b.Loop() {
						k64(dst, x)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/elem")
			})
		}
	}
}

// normalFamily is BenchmarkLogProb's Normal row.
func normalFamily(b *testing.B) family {
	for _, f := range families {
		if f.name == "Normal" {
			return f
		}
	}
	b.Fatal("no Normal family")
	return family{}
}
