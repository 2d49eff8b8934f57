package bench

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// seed is torch_bench.py's; the Go generator differs, so the values differ
// from torch's but follow the same distributions.
const seed = 12345

var (
	dtypes = []string{"f32", "f64"}
	sizes  = []int{1, 100, 10_000, 1_000_000} // torch_bench.py's NS_DEFAULT
	noVal  = distributions.WithValidation(false)
)

// A family is one row of torch_bench.py's make_case: how to build it from
// its parameters (all of one shape, or all scalars), how to draw each
// parameter and the value for log_prob, and sample_scalar's parameters.
type family struct {
	name   string
	build  func(ps []*tensor.Dense) (distributions.Distribution, error)
	params []func(*rand.Rand) float64 // drawn in this order, then the value
	value  func(*rand.Rand) float64
	scalar []float64
}

// families are the benchmarked families; later families append themselves
// from their own files' init (categorical_test.go).
var families = []family{{
	name: "Normal",
	build: func(ps []*tensor.Dense) (distributions.Distribution, error) {
		return distributions.NewNormal(ps[0], ps[1], noVal)
	},
	params: []func(*rand.Rand) float64{stdNormal, uniform(0.5, 2)}, // loc, scale
	value:  stdNormal,
	scalar: []float64{0, 1},
}, {
	name: "Bernoulli",
	build: func(ps []*tensor.Dense) (distributions.Distribution, error) {
		return distributions.NewBernoulliLogits(ps[0], noVal)
	},
	params: []func(*rand.Rand) float64{stdNormal}, // logits
	value:  uniform01(0.5),                        // torch.bernoulli(0.5): x in {0, 1}
	scalar: []float64{0.3},
}}

func stdNormal(r *rand.Rand) float64 { return r.NormFloat64() }

func uniform(lo, hi float64) func(*rand.Rand) float64 {
	return func(r *rand.Rand) float64 { return lo + (hi-lo)*r.Float64() }
}

func uniform01(p float64) func(*rand.Rand) float64 {
	return func(r *rand.Rand) float64 {
		if r.Float64() < p {
			return 1
		}
		return 0
	}
}

// events is the number of independent evaluations or draws per call: n for
// every scalar family (bench/README.md; MVN would be max(1, n/8)).
func (f family) events(n int) int { return n }

// setup returns f's parameters of shape [n] and a value of shape [n] in
// dtype dt, drawn from the fixed seed.
func (f family) setup(b *testing.B, dt string, n int) (ps []*tensor.Dense, x *tensor.Dense) {
	b.Helper()
	r := rand.New(rand.NewPCG(seed, seed))
	for _, g := range f.params {
		ps = append(ps, vector(b, dt, n, r, g))
	}
	return ps, vector(b, dt, n, r, f.value)
}

// batched returns f built from setup's parameters, and the value.
func (f family) batched(b *testing.B, dt string, n int) (distributions.Distribution, *tensor.Dense) {
	b.Helper()
	ps, x := f.setup(b, dt, n)
	d, err := f.build(ps)
	if err != nil {
		b.Fatal(err)
	}
	return d, x
}

// scalarDist returns f built from 0-d parameters f.scalar.
func (f family) scalarDist(b *testing.B, dt string) distributions.Distribution {
	b.Helper()
	ps := make([]*tensor.Dense, len(f.scalar))
	for i, v := range f.scalar {
		if dt == "f32" {
			ps[i] = tensor.Scalar(float32(v))
		} else {
			ps[i] = tensor.Scalar(v)
		}
	}
	d, err := f.build(ps)
	if err != nil {
		b.Fatal(err)
	}
	return d
}

func vector(b *testing.B, dt string, n int, r *rand.Rand, g func(*rand.Rand) float64) *tensor.Dense {
	b.Helper()
	var (
		t   *tensor.Dense
		err error
	)
	if dt == "f32" {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(g(r))
		}
		t, err = tensor.New(v, n)
	} else {
		v := make([]float64, n)
		for i := range v {
			v[i] = g(r)
		}
		t, err = tensor.New(v, n)
	}
	if err != nil {
		b.Fatal(err)
	}
	return t
}

// grid runs body as <Family>/<f32|f64>/n=<N> for every cell, with
// allocations reported, and adds ns/elem = ns/op ÷ events, the figure
// torch_bench.py reports as ns_per_element. body times its calls with
// b.Loop.
func grid(b *testing.B, body func(b *testing.B, f family, dt string, n int)) {
	for _, f := range families {
		for _, dt := range dtypes {
			for _, n := range sizes {
				b.Run(fmt.Sprintf("%s/%s/n=%d", f.name, dt, n), func(b *testing.B) {
					b.ReportAllocs()
					body(b, f, dt, n)
					if b.N > 0 {
						b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*f.events(n)), "ns/elem")
					}
				})
			}
		}
	}
}

// BenchmarkLogProb is torch's log_prob: d.LogProb(x), parameters and x of
// shape [n], d built once outside the timing; allocates the result.
func BenchmarkLogProb(b *testing.B) {
	grid(b, func(b *testing.B, f family, dt string, n int) {
		d, x := f.batched(b, dt, n)
		for b.Loop() {
			if _, err := d.LogProb(x); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkLogProbInto is BenchmarkLogProb writing into one reused array
// (no torch counterpart; torch's log_prob has no out=).
func BenchmarkLogProbInto(b *testing.B) {
	grid(b, func(b *testing.B, f family, dt string, n int) {
		d, x := f.batched(b, dt, n)
		dst, err := d.LogProb(x)
		if err != nil {
			b.Fatal(err)
		}
		di := d.(distributions.LogProbIntoer)
		for b.Loop() {
			if err := di.LogProbInto(dst, x); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkSample is torch's sample_batch: d.Sample(src) from parameters of
// shape [n], one draw per batch element.
func BenchmarkSample(b *testing.B) {
	grid(b, func(b *testing.B, f family, dt string, n int) {
		d, _ := f.batched(b, dt, n)
		src := rand.NewPCG(seed, seed+1)
		for b.Loop() {
			if _, err := d.Sample(src); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkSampleScalar is torch's sample_scalar: d.Sample(src, n) from
// scalar parameters (Normal(0, 1), Bernoulli(logits=0.3)).
func BenchmarkSampleScalar(b *testing.B) {
	grid(b, func(b *testing.B, f family, dt string, n int) {
		d := f.scalarDist(b, dt)
		src := rand.NewPCG(seed, seed+1)
		for b.Loop() {
			if _, err := d.Sample(src, n); err != nil {
				b.Fatal(err)
			}
		}
	})
}
