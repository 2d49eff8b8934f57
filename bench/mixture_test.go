package bench

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// MixtureSameFamily has no workload in torch_bench.py; this one follows
// its pattern for a batch of n mixtures of K = 3 normals: mixture logits
// [n, 3] ~ N(0, 1), component loc [n, 3] ~ N(0, 1), scale [n, 3] ~
// U(0.5, 2), x [n] ~ N(0, 1), validation off, seed 12345; events = n. The
// families table of bench_test.go fits scalar families only, so the
// mixture has its own top-level benchmarks with the sub-benchmark scheme
// <f32|f64>/n=<N> and ns/elem per event:
//
//	BenchmarkLogProbMixtureSameFamily       d.LogProb(x)
//	BenchmarkLogProbIntoMixtureSameFamily   into one reused array
//	BenchmarkLogProbGradMixtureSameFamily   d.LogProbGrad(x): x, logits, loc, scale
//	BenchmarkSampleMixtureSameFamily        d.Sample(): one draw per mixture (sample_batch)
//	BenchmarkSampleScalarMixtureSameFamily  one mixture of 3 normals, n draws (sample_scalar)

const mixtureK = 3

// mixtureArr returns v in dtype dt with shape s.
func mixtureArr(b *testing.B, dt string, v []float64, s ...int) *tensor.Dense {
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
		t, err = tensor.New(v, s...)
	}
	if err != nil {
		b.Fatal(err)
	}
	return t
}

func mixtureDraws(r *rand.Rand, n int, g func(*rand.Rand) float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = g(r)
	}
	return out
}

// mixtureSetup returns the batch of n mixtures and x.
func mixtureSetup(b *testing.B, dt string, n int) (*distributions.MixtureSameFamily, *tensor.Dense) {
	b.Helper()
	r := rand.New(rand.NewPCG(seed, seed))
	logits := mixtureDraws(r, n*mixtureK, stdNormal)
	loc := mixtureDraws(r, n*mixtureK, stdNormal)
	scale := mixtureDraws(r, n*mixtureK, uniform(0.5, 2))
	x := mixtureDraws(r, n, stdNormal)
	return mixtureBuild(b, dt, logits, loc, scale, n), mixtureArr(b, dt, x, n)
}

func mixtureBuild(b *testing.B, dt string, logits, loc, scale []float64, s ...int) *distributions.MixtureSameFamily {
	b.Helper()
	ks := append(append([]int(nil), s...), mixtureK)
	mix, err := distributions.NewCategoricalLogits(mixtureArr(b, dt, logits, ks...), noVal)
	if err != nil {
		b.Fatal(err)
	}
	comp, err := distributions.NewNormal(mixtureArr(b, dt, loc, ks...), mixtureArr(b, dt, scale, ks...), noVal)
	if err != nil {
		b.Fatal(err)
	}
	d, err := distributions.NewMixtureSameFamily(mix, comp, noVal)
	if err != nil {
		b.Fatal(err)
	}
	return d
}

// mixtureGrid runs body as <f32|f64>/n=<N> with ns/elem per mixture.
func mixtureGrid(b *testing.B, body func(b *testing.B, dt string, n int)) {
	for _, dt := range dtypes {
		for _, n := range sizes {
			b.Run(fmt.Sprintf("%s/n=%d", dt, n), func(b *testing.B) {
				b.ReportAllocs()
				body(b, dt, n)
				if b.N > 0 {
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/elem")
				}
			})
		}
	}
}

func BenchmarkLogProbMixtureSameFamily(b *testing.B) {
	mixtureGrid(b, func(b *testing.B, dt string, n int) {
		d, x := mixtureSetup(b, dt, n)
		for b.Loop() {
			if _, err := d.LogProb(x); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkLogProbIntoMixtureSameFamily(b *testing.B) {
	mixtureGrid(b, func(b *testing.B, dt string, n int) {
		d, x := mixtureSetup(b, dt, n)
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

func BenchmarkLogProbGradMixtureSameFamily(b *testing.B) {
	mixtureGrid(b, func(b *testing.B, dt string, n int) {
		d, x := mixtureSetup(b, dt, n)
		for b.Loop() {
			if _, err := d.LogProbGrad(x); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkSampleMixtureSameFamily(b *testing.B) {
	mixtureGrid(b, func(b *testing.B, dt string, n int) {
		d, _ := mixtureSetup(b, dt, n)
		src := rand.NewPCG(seed, seed+1)
		for b.Loop() {
			if _, err := d.Sample(src); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkSampleScalarMixtureSameFamily(b *testing.B) {
	mixtureGrid(b, func(b *testing.B, dt string, n int) {
		d := mixtureBuild(b, dt, []float64{0.3, -1.2, 0.5}, []float64{-1, 0.5, 2}, []float64{0.7, 1.3, 0.4})
		src := rand.NewPCG(seed, seed+1)
		for b.Loop() {
			if _, err := d.Sample(src, n); err != nil {
				b.Fatal(err)
			}
		}
	})
}
