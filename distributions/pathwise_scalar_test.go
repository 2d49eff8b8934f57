package distributions_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// pathwiseFamily builds a reparameterisable family from parameter vectors
// of length 3 (torch names in constructor order).
type pathwiseFamily struct {
	name   string
	names  []string
	params [][]float64
	build  func(ps []*tensor.Dense) (distributions.Distribution, error)
}

func pathwise2[D distributions.Distribution](f func(a, b *tensor.Dense, opts ...distributions.Option) (D, error)) func([]*tensor.Dense) (distributions.Distribution, error) {
	return func(ps []*tensor.Dense) (distributions.Distribution, error) { return f(ps[0], ps[1]) }
}

func pathwise1[D distributions.Distribution](f func(a *tensor.Dense, opts ...distributions.Option) (D, error)) func([]*tensor.Dense) (distributions.Distribution, error) {
	return func(ps []*tensor.Dense) (distributions.Distribution, error) { return f(ps[0]) }
}

var pathwiseFamilies = []pathwiseFamily{
	{"Cauchy", []string{"loc", "scale"}, [][]float64{{-1, 0.3, 2}, {0.5, 1, 2.5}}, pathwise2(distributions.NewCauchy)},
	{"Laplace", []string{"loc", "scale"}, [][]float64{{-1, 0.3, 2}, {0.5, 1, 2.5}}, pathwise2(distributions.NewLaplace)},
	{"Gumbel", []string{"loc", "scale"}, [][]float64{{-1, 0.3, 2}, {0.5, 1, 2.5}}, pathwise2(distributions.NewGumbel)},
	{"LogNormal", []string{"loc", "scale"}, [][]float64{{-1, 0.3, 1.5}, {0.2, 0.7, 1.1}}, pathwise2(distributions.NewLogNormal)},
	{"HalfNormal", []string{"scale"}, [][]float64{{0.5, 1, 2.5}}, pathwise1(distributions.NewHalfNormal)},
	{"HalfCauchy", []string{"scale"}, [][]float64{{0.5, 1, 2.5}}, pathwise1(distributions.NewHalfCauchy)},
	{"Exponential", []string{"rate"}, [][]float64{{0.5, 1, 2.5}}, pathwise1(distributions.NewExponential)},
	{"Pareto", []string{"scale", "alpha"}, [][]float64{{0.5, 1, 2.5}, {1.5, 3, 0.8}}, pathwise2(distributions.NewPareto)},
	{"Weibull", []string{"scale", "concentration"}, [][]float64{{0.5, 1, 2.5}, {1.5, 3, 0.8}}, pathwise2(distributions.NewWeibull)},
	{"Uniform", []string{"low", "high"}, [][]float64{{-1, 0, 2}, {0.5, 3, 2.5}}, pathwise2(distributions.NewUniform)},
	{"RelaxedBernoulliProbs", []string{"temperature", "probs"}, [][]float64{{0.5, 1, 2}, {0.2, 0.5, 0.9}}, pathwise2(distributions.NewRelaxedBernoulli)},
	{"RelaxedBernoulliLogits", []string{"temperature", "logits"}, [][]float64{{0.5, 1, 2}, {-1.5, 0, 2}}, pathwise2(distributions.NewRelaxedBernoulliLogits)},
	{"ContinuousBernoulliProbs", []string{"probs"}, [][]float64{{0.2, 0.5, 0.9}}, pathwise1(distributions.NewContinuousBernoulli)},
	// ℓ spans the series (|ℓ| ≤ 1, including 0) and both closed forms.
	{"ContinuousBernoulliLogits", []string{"logits"}, [][]float64{{-0.7, 0, 3}}, pathwise1(distributions.NewContinuousBernoulliLogits)},
	{"ContinuousBernoulliLogitsWide", []string{"logits"}, [][]float64{{-12, 1.5, 0.01}}, pathwise1(distributions.NewContinuousBernoulliLogits)},
}

// TestScalarRSampleVJP checks every closed-form pathwise gradient against
// central differences of L = Σ g·x(θ) with the noise held fixed (the same
// seed), for 16 draws from each of 3 parameter settings.
func TestScalarRSampleVJP(t *testing.T) {
	t.Parallel()
	for _, f := range pathwiseFamilies {
		t.Run(f.name, func(t *testing.T) {
			ps := make([]*tensor.Dense, len(f.params))
			for i, p := range f.params {
				ps[i] = f64(p...)
			}
			r := rand.New(rand.NewPCG(3, 4))
			g := make([]float64, 16*3)
			for i := range g {
				g[i] = r.NormFloat64()
			}
			loss := func(ps []*tensor.Dense) float64 {
				d := must(f.build(ps))
				x := data64(t, must(d.(distributions.RSampler).RSample(rand.NewPCG(7, 8), 16)))
				var s float64
				for i, v := range x {
					s += g[i] * v
				}
				return s
			}
			d := must(f.build(ps))
			x := must(d.(distributions.RSampler).RSample(rand.NewPCG(7, 8), 16))
			got, err := d.(distributions.PathwiseGrader).RSampleVJP(x, sh(f64(g...), 16, 3))
			require.NoError(t, err)
			for k, name := range f.names {
				want := centralDiff(func(v []float64) float64 {
					q := append([]*tensor.Dense(nil), ps...)
					q[k] = f64(v...)
					return loss(q)
				}, f.params[k], 1e-6)
				close(t, want, data64(t, got[name]), 2e-6, 1e-9)
			}
		})
	}
}

// TestWrapperRSampleVJP: Expand, ToEvent and Mask pass the base's
// pathwise gradient through (summed back to the base's parameters).
func TestWrapperRSampleVJP(t *testing.T) {
	t.Parallel()
	base := must(distributions.NewLogNormal(f64(0.1, -0.4), f64(0.5, 1.2)))
	ex := must(distributions.Expand(base, []int{3, 2}))
	for name, d := range map[string]distributions.Distribution{
		"expand":   ex,
		"to_event": must(distributions.ToEvent(ex, 1)),
		"mask":     must(distributions.Mask(ex, tensor.Vector(true, false))),
	} {
		x := must(d.(distributions.RSampler).RSample(rand.NewPCG(1, 2), 4))
		got, err := d.(distributions.PathwiseGrader).RSampleVJP(x, nil)
		require.NoError(t, err, name)
		want, err := base.RSampleVJP(x, nil)
		require.NoError(t, err, name)
		close(t, data64(t, want["scale"]), data64(t, got["scale"]), 0, 0)
		// 12 draws per base element: ∂/∂loc of Σx is Σx over them.
		xs := data64(t, x)
		var s0 float64
		for i := 0; i < len(xs); i += 2 {
			s0 += xs[i]
		}
		require.InDelta(t, s0, data64(t, got["loc"])[0], 1e-12*math.Abs(s0), name)
	}
	_, err := must(distributions.Mask(must(distributions.NewPoisson(f64(1, 2))), tensor.Vector(true, false))).(distributions.PathwiseGrader).RSampleVJP(f64(1, 2), nil)
	require.ErrorIs(t, err, distributions.ErrUnsupported)
}
