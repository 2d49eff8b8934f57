package bench

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// TransformedDistribution joins the grid of bench_test.go (BenchmarkLogProb,
// BenchmarkLogProbInto, BenchmarkSample, BenchmarkSampleScalar,
// BenchmarkRSampleGrad) as a logit-normal with a shift and scale on the
// logit scale, TD(Normal(loc, scale), [Affine(0.5, 2), Sigmoid]): two
// transforms, one with parameters. torch_bench.py has no such cell; its
// parameters follow Normal's row, loc ~ N(0, 1), scale ~ U(0.5, 2), the
// value y ~ U(0.01, 0.99), and sample_scalar from Normal(0, 1).
func init() {
	families = append(families, family{
		name:   "TransformedDistribution",
		build:  buildLogitNormal,
		params: []func(*rand.Rand) float64{stdNormal, uniform(0.5, 2)}, // loc, scale
		value:  uniform(0.01, 0.99),
		scalar: []float64{0, 1},
	})
}

func buildLogitNormal(ps []*tensor.Dense) (distributions.Distribution, error) {
	base, err := distributions.NewNormal(ps[0], ps[1], noVal)
	if err != nil {
		return nil, err
	}
	loc, scale := tensor.Scalar(0.5), tensor.Scalar(2.0)
	if ps[0].Dtype() == tensor.Float32 {
		loc, scale = tensor.Scalar(float32(0.5)), tensor.Scalar(float32(2))
	}
	aff, err := distributions.NewAffineTransform(loc, scale, 0)
	if err != nil {
		return nil, err
	}
	return distributions.NewTransformed(base, []distributions.Transform{aff, distributions.NewSigmoidTransform()}, noVal)
}

// LogisticNormal has events of size K+1 = 4, which the families table
// cannot hold, so it has its own top-level benchmarks with the grid's
// sub-benchmark scheme LogisticNormal/<f32|f64>/n=<N>: N events, loc and
// scale [N, 3] ~ N(0, 1) and U(0.5, 2), the value x [N, 4] one draw of the
// distribution (fixed seed); ns/elem is per event. torch_bench.py has no
// LogisticNormal cell.
//
//	BenchmarkLogProbLogisticNormal      d.LogProb(x)
//	BenchmarkLogProbIntoLogisticNormal  into one reused array
//	BenchmarkSampleLogisticNormal       d.Sample(src), one draw per event
//	BenchmarkRSampleGradLogisticNormal  build + RSample + LogProbGrad + RSampleVJP
const lnK = 3

func lnSetup(b *testing.B, dt string, n int) (*distributions.LogisticNormal, *tensor.Dense) {
	b.Helper()
	r := rand.New(rand.NewPCG(seed, seed))
	loc, scale := vector(b, dt, n*lnK, r, stdNormal), vector(b, dt, n*lnK, r, uniform(0.5, 2))
	d, err := distributions.NewLogisticNormal(reshape(b, loc, n, lnK), reshape(b, scale, n, lnK), noVal)
	if err != nil {
		b.Fatal(err)
	}
	x, err := d.Sample(rand.NewPCG(seed, seed+3))
	if err != nil {
		b.Fatal(err)
	}
	return d, x
}

// reshape views v's data with shape s.
func reshape(b *testing.B, v *tensor.Dense, s ...int) *tensor.Dense {
	b.Helper()
	var (
		t   *tensor.Dense
		err error
	)
	if v.Dtype() == tensor.Float32 {
		t, err = tensor.New(v.Float32s(), s...)
	} else {
		t, err = tensor.New(v.Float64s(), s...)
	}
	if err != nil {
		b.Fatal(err)
	}
	return t
}

// lnGrid runs body as LogisticNormal/<dt>/n=<N> with ns/elem per event.
func lnGrid(b *testing.B, body func(b *testing.B, dt string, n int)) {
	for _, dt := range dtypes {
		for _, n := range sizes {
			b.Run(fmt.Sprintf("LogisticNormal/%s/n=%d", dt, n), func(b *testing.B) {
				b.ReportAllocs()
				body(b, dt, n)
				if b.N > 0 {
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/elem")
				}
			})
		}
	}
}

func BenchmarkLogProbLogisticNormal(b *testing.B) {
	lnGrid(b, func(b *testing.B, dt string, n int) {
		d, x := lnSetup(b, dt, n)
		for b.Loop() {
			if _, err := d.LogProb(x); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkLogProbIntoLogisticNormal(b *testing.B) {
	lnGrid(b, func(b *testing.B, dt string, n int) {
		d, x := lnSetup(b, dt, n)
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

func BenchmarkSampleLogisticNormal(b *testing.B) {
	lnGrid(b, func(b *testing.B, dt string, n int) {
		d, _ := lnSetup(b, dt, n)
		src := rand.NewPCG(seed, seed+1)
		for b.Loop() {
			if _, err := d.Sample(src); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkRSampleGradLogisticNormal times, per iteration, building d from
// loc and scale [N, 3], x = d.RSample(src), d.LogProbGrad(x) (the score
// terms) and d.RSampleVJP(x, ∂/∂x) (the pathwise terms through x), the
// eager counterpart of torch's rsample → log_prob → backward.
func BenchmarkRSampleGradLogisticNormal(b *testing.B) {
	lnGrid(b, func(b *testing.B, dt string, n int) {
		d0, _ := lnSetup(b, dt, n)
		loc, scale := d0.Loc(), d0.Scale()
		src := rand.NewPCG(seed, seed+1)
		for b.Loop() {
			d, err := distributions.NewLogisticNormal(loc, scale, noVal)
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
