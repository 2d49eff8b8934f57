package bench

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// LowRankMultivariateNormal on an MVN-like workload (torch_bench.py has no
// LowRankMVN case, so this one is ours): event size d = 8, rank m = 2,
// B = max(1, N/8) events for the grid's nominal N; loc [B, 8] and x [B, 8]
// ~ N(0, 1), cov_factor ~ N(0, 0.5²), cov_diag ~ U(0.5, 2), per event
// ("per-event": cov_factor [B, 8, 2], cov_diag [B, 8], so B capacitance
// factorisations at construction) or one pair shared by every event
// ("shared-cov"). The families table of bench_test.go fits scalar families
// only, so LowRankMVN has its own top-level benchmarks with the
// sub-benchmark scheme <layout>/<f32|f64>/n=<N> of bench/mvn_test.go and
// ns/elem per event:
//
//	BenchmarkLogProbLowRankMVN        d.LogProb(x)
//	BenchmarkLogProbIntoLowRankMVN    into one reused array
//	BenchmarkSampleLowRankMVN         per-event: d.Sample() (sample_batch)
//	BenchmarkSampleScalarLowRankMVN   shared: d.Sample(B) (sample_scalar)
//	BenchmarkRSampleGradLowRankMVN    build + RSample + LogProbGrad + RSampleVJP
//	BenchmarkNewLowRankMVN            construction (the capacitance factors)

const (
	lowRankD = 8
	lowRankM = 2
)

var lowRankLayouts = []string{"per-event", "shared-cov"}

// lowRankEvents is B = max(1, N/8).
func lowRankEvents(n int) int { return max(1, n/lowRankD) }

// lowRankCase holds one workload's arrays in float64.
type lowRankCase struct {
	events, mats    int
	loc, x, w, diag []float64
}

func lowRankSetup(layout string, n int) lowRankCase {
	r := rand.New(rand.NewPCG(seed, seed))
	c := lowRankCase{events: lowRankEvents(n), mats: 1}
	if layout == "per-event" {
		c.mats = c.events
	}
	draw := func(k int, f func() float64) []float64 {
		v := make([]float64, k)
		for i := range v {
			v[i] = f()
		}
		return v
	}
	c.loc = draw(c.events*lowRankD, r.NormFloat64)
	c.w = draw(c.mats*lowRankD*lowRankM, func() float64 { return 0.5 * r.NormFloat64() })
	c.diag = draw(c.mats*lowRankD, func() float64 { return 0.5 + 1.5*r.Float64() })
	c.x = draw(c.events*lowRankD, r.NormFloat64)
	return c
}

// lowRankArr returns v in dtype dt with shape s.
func lowRankArr(b *testing.B, dt string, v []float64, s ...int) *tensor.Dense {
	b.Helper()
	var (
		t   *tensor.Dense
		err error
	)
	if dt == "f32" {
		w := make([]float32, len(v))
		for i, x := range v {
			w[i] = float32(x)
		}
		t, err = tensor.New(w, s...)
	} else {
		t, err = tensor.New(append([]float64(nil), v...), s...)
	}
	if err != nil {
		b.Fatal(err)
	}
	return t
}

// arrays returns loc, cov_factor, cov_diag and x in dtype dt.
func (c lowRankCase) arrays(b *testing.B, dt string) (loc, w, diag, x *tensor.Dense) {
	b.Helper()
	ws, ds := []int{lowRankD, lowRankM}, []int{lowRankD}
	if c.mats > 1 {
		ws, ds = []int{c.mats, lowRankD, lowRankM}, []int{c.mats, lowRankD}
	}
	return lowRankArr(b, dt, c.loc, c.events, lowRankD), lowRankArr(b, dt, c.w, ws...),
		lowRankArr(b, dt, c.diag, ds...), lowRankArr(b, dt, c.x, c.events, lowRankD)
}

// dist builds the case's distribution (validation off, as torch_bench.py).
func (c lowRankCase) dist(b *testing.B, dt string) (*distributions.LowRankMultivariateNormal, *tensor.Dense) {
	b.Helper()
	loc, w, diag, x := c.arrays(b, dt)
	d, err := distributions.NewLowRankMultivariateNormal(loc, w, diag, noVal)
	if err != nil {
		b.Fatal(err)
	}
	return d, x
}

// lowRankGrid runs body as <layout>/<f32|f64>/n=<N> with ns/elem per event.
func lowRankGrid(b *testing.B, layouts, dts []string, body func(b *testing.B, layout, dt string, n int)) {
	for _, layout := range layouts {
		for _, dt := range dts {
			for _, n := range sizes {
				b.Run(fmt.Sprintf("%s/%s/n=%d", layout, dt, n), func(b *testing.B) {
					b.ReportAllocs()
					body(b, layout, dt, n)
					if b.N > 0 {
						b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*lowRankEvents(n)), "ns/elem")
					}
				})
			}
		}
	}
}

func BenchmarkLogProbLowRankMVN(b *testing.B) {
	lowRankGrid(b, lowRankLayouts, dtypes, func(b *testing.B, layout, dt string, n int) {
		d, x := lowRankSetup(layout, n).dist(b, dt)
		for b.Loop() {
			if _, err := d.LogProb(x); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkLogProbIntoLowRankMVN(b *testing.B) {
	lowRankGrid(b, lowRankLayouts, dtypes, func(b *testing.B, layout, dt string, n int) {
		d, x := lowRankSetup(layout, n).dist(b, dt)
		dst, err := d.LogProb(x)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if err := d.LogProbInto(dst, x); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkSampleLowRankMVN(b *testing.B) {
	lowRankGrid(b, lowRankLayouts[:1], dtypes, func(b *testing.B, layout, dt string, n int) {
		d, _ := lowRankSetup(layout, n).dist(b, dt)
		src := rand.NewPCG(seed, seed+1)
		for b.Loop() {
			if _, err := d.Sample(src); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkSampleScalarLowRankMVN(b *testing.B) {
	lowRankGrid(b, lowRankLayouts[1:], dtypes, func(b *testing.B, layout, dt string, n int) {
		c := lowRankSetup(layout, n)
		_, w, diag, _ := c.arrays(b, dt)
		d, err := distributions.NewLowRankMultivariateNormal(lowRankArr(b, dt, make([]float64, lowRankD), lowRankD), w, diag, noVal)
		if err != nil {
			b.Fatal(err)
		}
		src := rand.NewPCG(seed, seed+1)
		for b.Loop() {
			if _, err := d.Sample(src, c.events); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkRSampleGradLowRankMVN: build d from the arrays, x = d.RSample,
// g = d.LogProbGrad(x), then d.RSampleVJP(x, g.Value), all allocated.
func BenchmarkRSampleGradLowRankMVN(b *testing.B) {
	lowRankGrid(b, lowRankLayouts, dtypes, func(b *testing.B, layout, dt string, n int) {
		loc, w, diag, _ := lowRankSetup(layout, n).arrays(b, dt)
		src := rand.NewPCG(seed, seed+1)
		for b.Loop() {
			d, err := distributions.NewLowRankMultivariateNormal(loc, w, diag, noVal)
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

// BenchmarkNewLowRankMVN times construction with validation on: per pair
// (W, D), the capacitance I + WᵀD⁻¹W, its Cholesky factor and B = C⁻¹WᵀD⁻¹.
func BenchmarkNewLowRankMVN(b *testing.B) {
	lowRankGrid(b, lowRankLayouts[:1], []string{"f64"}, func(b *testing.B, layout, dt string, n int) {
		loc, w, diag, _ := lowRankSetup(layout, n).arrays(b, dt)
		for b.Loop() {
			if _, err := distributions.NewLowRankMultivariateNormal(loc, w, diag); err != nil {
				b.Fatal(err)
			}
		}
	})
}
