package bench

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Wishart on a workload of our own (torch_bench.py has none): p = 3, B =
// max(1, N/9) events for the grid's nominal N (so about N scalars); df ~
// U(2.5, 8) per event, x [B, 3, 3] a draw of the distribution itself, and
// scale_tril the Cholesky factor of A·Aᵀ/3 + I (A ~ N(0, 1)), per event
// ("per-event") or one shared ("shared-cov"). Top-level benchmarks with the
// sub-benchmark scheme <layout>/<f32|f64>/n=<N> and ns/elem per event:
//
//	BenchmarkLogProbWishart        d.LogProb(x): a 3×3 Cholesky per event
//	BenchmarkSampleWishart         per-event: d.Sample() (Bartlett)
//	BenchmarkRSampleGradWishart    build + RSample + LogProbGrad + RSampleVJP

const wishartP = 3

// wishartEvents is B = max(1, N/9).
func wishartEvents(n int) int { return max(1, n/(wishartP*wishartP)) }

// wishartArrays returns df, scale_tril and x in dtype dt.
func wishartArrays(b *testing.B, layout, dt string, n int) (df, tril, x *tensor.Dense) {
	b.Helper()
	r := rand.New(rand.NewPCG(seed, seed))
	events, mats := wishartEvents(n), 1
	if layout == "per-event" {
		mats = events
	}
	p := wishartP
	dfs := make([]float64, events)
	for i := range dfs {
		dfs[i] = 2.5 + 5.5*r.Float64()
	}
	var ls []float64
	for range mats {
		a := make([]float64, p*p)
		for i := range a {
			a[i] = r.NormFloat64()
		}
		s := make([]float64, p*p)
		for i := range p {
			for j := range p {
				for k := range p {
					s[i*p+j] += a[i*p+k] * a[j*p+k] / float64(p)
				}
			}
			s[i*p+i]++
		}
		l := make([]float64, p*p) // Cholesky–Banachiewicz
		for i := range p {
			for j := 0; j <= i; j++ {
				v := s[i*p+j]
				for k := range j {
					v -= l[i*p+k] * l[j*p+k]
				}
				if i == j {
					l[i*p+i] = math.Sqrt(v)
				} else {
					l[i*p+j] = v / l[j*p+j]
				}
			}
		}
		ls = append(ls, l...)
	}
	ms := []int{p, p}
	if mats > 1 {
		ms = []int{mats, p, p}
	}
	df, tril = lowRankArr(b, dt, dfs, events), lowRankArr(b, dt, ls, ms...)
	d, err := distributions.NewWishartScaleTril(df, tril, noVal)
	if err != nil {
		b.Fatal(err)
	}
	if x, err = d.Sample(rand.NewPCG(seed, 2)); err != nil {
		b.Fatal(err)
	}
	return df, tril, x
}

func wishartGrid(b *testing.B, layouts, dts []string, body func(b *testing.B, layout, dt string, n int)) {
	for _, layout := range layouts {
		for _, dt := range dts {
			for _, n := range sizes {
				b.Run(fmt.Sprintf("%s/%s/n=%d", layout, dt, n), func(b *testing.B) {
					b.ReportAllocs()
					body(b, layout, dt, n)
					if b.N > 0 {
						b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*wishartEvents(n)), "ns/elem")
					}
				})
			}
		}
	}
}

func BenchmarkLogProbWishart(b *testing.B) {
	wishartGrid(b, lowRankLayouts, dtypes, func(b *testing.B, layout, dt string, n int) {
		df, tril, x := wishartArrays(b, layout, dt, n)
		d, err := distributions.NewWishartScaleTril(df, tril, noVal)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, err := d.LogProb(x); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkSampleWishart(b *testing.B) {
	wishartGrid(b, lowRankLayouts[:1], dtypes, func(b *testing.B, layout, dt string, n int) {
		df, tril, _ := wishartArrays(b, layout, dt, n)
		d, err := distributions.NewWishartScaleTril(df, tril, noVal)
		if err != nil {
			b.Fatal(err)
		}
		src := rand.NewPCG(seed, seed+1)
		for b.Loop() {
			if _, err := d.Sample(src); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkRSampleGradWishart(b *testing.B) {
	wishartGrid(b, lowRankLayouts, dtypes, func(b *testing.B, layout, dt string, n int) {
		df, tril, _ := wishartArrays(b, layout, dt, n)
		src := rand.NewPCG(seed, seed+1)
		for b.Loop() {
			d, err := distributions.NewWishartScaleTril(df, tril, noVal)
			if err != nil {
				b.Fatal(err)
			}
			x, err := d.RSample(src)
			if err != nil {
				b.Fatal(err)
			}
			g, err := d.LogProbGrad(x)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := d.RSampleVJP(x, g.Value); err != nil {
				b.Fatal(err)
			}
		}
	})
}
