package bench

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// MultivariateNormal as torch_bench.py's make_case builds it: event size
// d = 8, B = max(1, N/8) events for the grid's nominal N; loc [B, 8] and x
// [B, 8] ~ N(0, 1); scale_tril the Cholesky factor of A·Aᵀ/8 + I with A
// [8, 8] ~ N(0, 1), per event ("per-event", torch's log_prob) or one shared
// by every event ("shared-cov", torch's log_prob_sharedcov). The families
// table of bench_test.go fits scalar families only, so MVN has its own
// top-level benchmarks with the same sub-benchmark scheme,
// <layout>/<f32|f64>/n=<N>, and ns/elem per event (bench/README.md):
//
//	BenchmarkLogProbMVN       d.LogProb(x) (torch log_prob, log_prob_sharedcov)
//	BenchmarkLogProbIntoMVN   into one reused array (no torch counterpart)
//	BenchmarkLogProbMVNGonum  the same per-event work with gonum's mat (f64 only)
//	BenchmarkSampleMVN        per-event: d.Sample() (torch sample_batch)
//	BenchmarkSampleScalarMVN  MVN(0, one L).Sample(B) (torch sample_scalar)
//	BenchmarkRSampleGradMVN   build + RSample + LogProbGrad + RSampleVJP
//	BenchmarkNewMVN           construction from a covariance (factorisation)

const mvnD = 8

var mvnLayouts = []string{"per-event", "shared-cov"}

// mvnEvents is B = max(1, N/8).
func mvnEvents(n int) int { return max(1, n/mvnD) }

// mvnSPD returns A·Aᵀ/d + I with A ~ N(0, 1) (torch_bench.py's
// random_scale_tril before its Cholesky).
func mvnSPD(r *rand.Rand, d int) []float64 {
	a := make([]float64, d*d)
	for i := range a {
		a[i] = r.NormFloat64()
	}
	s := make([]float64, d*d)
	for i := range d {
		for j := range d {
			var v float64
			for k := range d {
				v += a[i*d+k] * a[j*d+k]
			}
			s[i*d+j] = v / float64(d)
		}
		s[i*d+i]++
	}
	return s
}

// mvnChol returns gonum's lower Cholesky factor of s, row-major.
func mvnChol(b *testing.B, s []float64, d int) []float64 {
	var c mat.Cholesky
	if !c.Factorize(mat.NewSymDense(d, append([]float64(nil), s...))) {
		b.Fatal("not positive definite")
	}
	var l mat.TriDense
	c.LTo(&l)
	out := make([]float64, d*d)
	for i := range d {
		for j := 0; j <= i; j++ {
			out[i*d+j] = l.At(i, j)
		}
	}
	return out
}

// mvnCase holds one workload's arrays in float64: loc, x, and the factors
// (mats of them).
type mvnCase struct {
	events, mats int
	loc, x, tril []float64
}

func mvnSetup(b *testing.B, layout string, n int) mvnCase {
	b.Helper()
	r := rand.New(rand.NewPCG(seed, seed))
	c := mvnCase{events: mvnEvents(n), mats: 1}
	if layout == "per-event" {
		c.mats = c.events
	}
	c.loc = make([]float64, c.events*mvnD)
	for i := range c.loc {
		c.loc[i] = r.NormFloat64()
	}
	for range c.mats {
		c.tril = append(c.tril, mvnChol(b, mvnSPD(r, mvnD), mvnD)...)
	}
	c.x = make([]float64, c.events*mvnD)
	for i := range c.x {
		c.x[i] = r.NormFloat64()
	}
	return c
}

// mvnArr returns v in dtype dt with shape s.
func mvnArr(b *testing.B, dt string, v []float64, s ...int) *tensor.Dense {
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

// dist builds the case's distribution from scale_tril (validation off, as
// torch_bench.py).
func (c mvnCase) dist(b *testing.B, dt string) (*distributions.MultivariateNormal, *tensor.Dense) {
	b.Helper()
	ms := []int{mvnD, mvnD}
	if c.mats > 1 {
		ms = []int{c.mats, mvnD, mvnD}
	}
	d, err := distributions.NewMultivariateNormalScaleTril(mvnArr(b, dt, c.loc, c.events, mvnD), mvnArr(b, dt, c.tril, ms...), noVal)
	if err != nil {
		b.Fatal(err)
	}
	return d, mvnArr(b, dt, c.x, c.events, mvnD)
}

// mvnGrid runs body as <layout>/<f32|f64>/n=<N> with ns/elem per event.
func mvnGrid(b *testing.B, layouts, dts []string, body func(b *testing.B, layout, dt string, n int)) {
	for _, layout := range layouts {
		for _, dt := range dts {
			for _, n := range sizes {
				b.Run(fmt.Sprintf("%s/%s/n=%d", layout, dt, n), func(b *testing.B) {
					b.ReportAllocs()
					body(b, layout, dt, n)
					if b.N > 0 {
						b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*mvnEvents(n)), "ns/elem")
					}
				})
			}
		}
	}
}

func BenchmarkLogProbMVN(b *testing.B) {
	mvnGrid(b, mvnLayouts, dtypes, func(b *testing.B, layout, dt string, n int) {
		d, x := mvnSetup(b, layout, n).dist(b, dt)
		for b.Loop() {
			if _, err := d.LogProb(x); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkLogProbIntoMVN(b *testing.B) {
	mvnGrid(b, mvnLayouts, dtypes, func(b *testing.B, layout, dt string, n int) {
		d, x := mvnSetup(b, layout, n).dist(b, dt)
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

// BenchmarkLogProbMVNGonum is the same log-density with gonum's mat: one
// TriDense factor per matrix and its log-determinant prepared outside the
// timing (as distmv.Normal caches them), then per event a triangular
// SolveVecTo and a Dot into reused vectors. It is what the engine's own
// kernels (mvn_linalg.go) were measured against.
func BenchmarkLogProbMVNGonum(b *testing.B) {
	mvnGrid(b, mvnLayouts, []string{"f64"}, func(b *testing.B, layout, _ string, n int) {
		c := mvnSetup(b, layout, n)
		tri := make([]*mat.TriDense, c.mats)
		logDet := make([]float64, c.mats)
		for m := range tri {
			tri[m] = mat.NewTriDense(mvnD, mat.Lower, append([]float64(nil), c.tril[m*mvnD*mvnD:(m+1)*mvnD*mvnD]...))
			for i := range mvnD {
				logDet[m] += math.Log(tri[m].At(i, i))
			}
		}
		out := make([]float64, c.events)
		r, z := mat.NewVecDense(mvnD, nil), mat.NewVecDense(mvnD, nil)
		half := float64(mvnD) * 0.5 * math.Log(2*math.Pi)
		for b.Loop() {
			for e := range c.events {
				m := 0
				if c.mats > 1 {
					m = e
				}
				for i := range mvnD {
					r.SetVec(i, c.x[e*mvnD+i]-c.loc[e*mvnD+i])
				}
				if err := z.SolveVec(tri[m], r); err != nil {
					b.Fatal(err)
				}
				out[e] = -half - mat.Dot(z, z)/2 - logDet[m]
			}
		}
	})
}

// BenchmarkSampleMVN is torch's sample_batch: one draw per event of the
// per-event distribution.
func BenchmarkSampleMVN(b *testing.B) {
	mvnGrid(b, mvnLayouts[:1], dtypes, func(b *testing.B, layout, dt string, n int) {
		d, _ := mvnSetup(b, layout, n).dist(b, dt)
		src := rand.NewPCG(seed, seed+1)
		for b.Loop() {
			if _, err := d.Sample(src); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkSampleScalarMVN is torch's sample_scalar: B draws from
// MVN(zeros(8), one scale_tril).
func BenchmarkSampleScalarMVN(b *testing.B) {
	mvnGrid(b, mvnLayouts[1:], dtypes, func(b *testing.B, _, dt string, n int) {
		c := mvnSetup(b, "shared-cov", n)
		d, err := distributions.NewMultivariateNormalScaleTril(mvnArr(b, dt, make([]float64, mvnD), mvnD), mvnArr(b, dt, c.tril, mvnD, mvnD), noVal)
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

// BenchmarkRSampleGradMVN is the eager analogue of torch's rsample_lp_bwd
// (which torch_bench.py does not run for MVN): build d from the arrays,
// x = d.RSample(src), g = d.LogProbGrad(x) (the score term, with ∂/∂x),
// then d.RSampleVJP(x, g.Value), the pathwise term that torch's backward
// adds through x = μ + Lε, all allocated.
func BenchmarkRSampleGradMVN(b *testing.B) {
	mvnGrid(b, mvnLayouts, dtypes, func(b *testing.B, layout, dt string, n int) {
		c := mvnSetup(b, layout, n)
		ms := []int{mvnD, mvnD}
		if c.mats > 1 {
			ms = []int{c.mats, mvnD, mvnD}
		}
		loc, tril := mvnArr(b, dt, c.loc, c.events, mvnD), mvnArr(b, dt, c.tril, ms...)
		src := rand.NewPCG(seed, seed+1)
		for b.Loop() {
			d, err := distributions.NewMultivariateNormalScaleTril(loc, tril, noVal)
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

// BenchmarkNewMVN times construction from B covariance matrices (one
// Cholesky factorisation each, with validation: symmetry, then the
// factorisation), and gonum's mat.Cholesky.Factorize over the same
// matrices, per matrix.
func BenchmarkNewMVN(b *testing.B) {
	for _, impl := range []string{"engine", "gonum"} {
		for _, n := range sizes {
			b.Run(fmt.Sprintf("%s/f64/n=%d", impl, n), func(b *testing.B) {
				r := rand.New(rand.NewPCG(seed, seed))
				events := mvnEvents(n)
				cov := make([]float64, 0, events*mvnD*mvnD)
				for range events {
					cov = append(cov, mvnSPD(r, mvnD)...)
				}
				loc := mvnArr(b, "f64", make([]float64, events*mvnD), events, mvnD)
				ct := mvnArr(b, "f64", cov, events, mvnD, mvnD)
				syms := make([]*mat.SymDense, events)
				for e := range syms {
					syms[e] = mat.NewSymDense(mvnD, cov[e*mvnD*mvnD:(e+1)*mvnD*mvnD])
				}
				var ch mat.Cholesky
				b.ReportAllocs()
				for b.Loop() {
					if impl == "gonum" {
						for _, s := range syms {
							if !ch.Factorize(s) {
								b.Fatal("not PD")
							}
						}
						continue
					}
					if _, err := distributions.NewMultivariateNormal(loc, ct); err != nil {
						b.Fatal(err)
					}
				}
				if b.N > 0 {
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*events), "ns/elem")
				}
			})
		}
	}
}
