package distributions_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// A familyCase is one family of the suite-wide tests (determinism,
// properties): a generator of random valid parameters at any batch shape,
// and what the family's support is. One entry per registered family, so
// that the per-family tests can later shrink to what is specific to each.
type familyCase struct {
	name string // torch's class name, as registered for the JSON specs
	// gen builds the family at batch shape batch from parameters drawn
	// from r, every parameter at the full batch shape (so that flat batch
	// index b addresses it), choosing among the family's constructors.
	gen func(r *rand.Rand, batch []int, opts ...distributions.Option) (distributions.Distribution, error)
	// in reports whether the event ev (row-major) lies in the support of
	// the distribution at flat batch index b.
	in func(d distributions.Distribution, b int, ev []float64) bool
	// outside are events outside the support of every generated batch
	// element, each shaped EventShape(), where log_prob is -Inf when not
	// validating; asIs are such events where, as in torch, the formula
	// evaluated as is gives a number (Bernoulli's cross-entropy at 0.5) or
	// NaN (a NaN value). Validating, both are ErrSupport errors.
	outside, asIs [][]float64
	// ints: values are category indices (int64), not floats.
	ints bool
	// quad, for univariate continuous families, is the integration domain
	// of batch element b: its ends (infinite allowed) and a split point
	// (a kink, or the centre of the mass).
	quad func(d distributions.Distribution, b int) (lo, mid, hi float64)
}

// familyCases lists the families; TestFamilyCasesCoverRegistry keeps it
// complete.
var familyCases = []familyCase{
	{name: "Bernoulli", gen: func(r *rand.Rand, b []int, o ...distributions.Option) (distributions.Distribution, error) {
		if r.IntN(2) == 0 {
			return distributions.NewBernoulli(uni(r, 0.05, 0.95, b), o...)
		}
		return distributions.NewBernoulliLogits(uni(r, -3, 3, b), o...)
	}, in: scalarIn(isBinary), asIs: events(-1, 0.5, 2)},
	{name: "Beta", gen: func(r *rand.Rand, b []int, o ...distributions.Option) (distributions.Distribution, error) {
		return distributions.NewBeta(uni(r, 1.2, 4, b), uni(r, 1.2, 4, b), o...)
	}, in: scalarIn(isOpenUnit), outside: events(-0.5, 1.5), quad: fixedQuad(0, 0.5, 1)},
	{name: "Binomial", gen: func(r *rand.Rand, b []int, o ...distributions.Option) (distributions.Distribution, error) {
		n := full(float64(1+r.IntN(8)), b) // homogeneous: torch enumerates only then
		if r.IntN(2) == 0 {
			return distributions.NewBinomial(n, uni(r, 0.05, 0.95, b), o...)
		}
		return distributions.NewBinomialLogits(n, uni(r, -3, 3, b), o...)
	}, in: func(d distributions.Distribution, b int, ev []float64) bool {
		return isCount(ev[0]) && ev[0] <= param(d, "total_count", b)
	}, outside: events(-1, 1e6), asIs: events(0.5)},
	{name: "Categorical", ints: true, gen: func(r *rand.Rand, b []int, o ...distributions.Option) (distributions.Distribution, error) {
		if r.IntN(2) == 0 {
			return distributions.NewCategorical(uni(r, 0.05, 1, append(slices.Clone(b), 4)), o...)
		}
		return distributions.NewCategoricalLogits(uni(r, -3, 3, append(slices.Clone(b), 4)), o...)
	}, in: scalarIn(func(x float64) bool { return isCount(x) && x < 4 }), outside: events(-1, 4)},
	{name: "Cauchy", gen: func(r *rand.Rand, b []int, o ...distributions.Option) (distributions.Distribution, error) {
		return distributions.NewCauchy(uni(r, -2, 2, b), uni(r, 0.5, 2, b), o...)
	}, in: scalarIn(isReal), asIs: events(math.NaN()), quad: paramQuad("loc")},
	{name: "Chi2", gen: func(r *rand.Rand, b []int, o ...distributions.Option) (distributions.Distribution, error) {
		return distributions.NewChi2(uni(r, 2.5, 6, b), o...)
	}, in: scalarIn(isPositive), outside: events(-1), asIs: events(math.NaN()), quad: fixedQuad(0, 3, math.Inf(1))},
	{name: "ContinuousBernoulli", gen: func(r *rand.Rand, b []int, o ...distributions.Option) (distributions.Distribution, error) {
		if r.IntN(2) == 0 {
			return distributions.NewContinuousBernoulli(uni(r, 0.1, 0.9, b), o...)
		}
		return distributions.NewContinuousBernoulliLogits(uni(r, -3, 3, b), o...)
	}, in: scalarIn(isUnit), outside: events(-0.5, 1.5), quad: fixedQuad(0, 0.5, 1)},
	{name: "Dirichlet", gen: func(r *rand.Rand, b []int, o ...distributions.Option) (distributions.Distribution, error) {
		return distributions.NewDirichlet(uni(r, 0.5, 3, append(slices.Clone(b), 3)), o...)
	}, in: simplexIn, outside: [][]float64{{0.5, 0.6, -0.1}}, asIs: [][]float64{{0.2, 0.2, 0.2}}},
	{name: "Exponential", gen: func(r *rand.Rand, b []int, o ...distributions.Option) (distributions.Distribution, error) {
		return distributions.NewExponential(uni(r, 0.5, 3, b), o...)
	}, in: scalarIn(isNonNegative), outside: events(-1), quad: fixedQuad(0, 1, math.Inf(1))},
	{name: "FisherSnedecor", gen: func(r *rand.Rand, b []int, o ...distributions.Option) (distributions.Distribution, error) {
		return distributions.NewFisherSnedecor(uni(r, 2.5, 10, b), uni(r, 2.5, 10, b), o...)
	}, in: scalarIn(isPositive), outside: events(-1), quad: fixedQuad(0, 1, math.Inf(1))},
	{name: "Gamma", gen: func(r *rand.Rand, b []int, o ...distributions.Option) (distributions.Distribution, error) {
		return distributions.NewGamma(uni(r, 1.2, 4, b), uni(r, 0.5, 3, b), o...)
	}, in: scalarIn(isPositive), outside: events(-1), quad: fixedQuad(0, 2, math.Inf(1))},
	{name: "Geometric", gen: func(r *rand.Rand, b []int, o ...distributions.Option) (distributions.Distribution, error) {
		if r.IntN(2) == 0 {
			return distributions.NewGeometric(uni(r, 0.2, 0.9, b), o...)
		}
		return distributions.NewGeometricLogits(uni(r, -1, 2, b), o...)
	}, in: scalarIn(isCount), asIs: events(-1, 0.5)},
	{name: "Gumbel", gen: func(r *rand.Rand, b []int, o ...distributions.Option) (distributions.Distribution, error) {
		return distributions.NewGumbel(uni(r, -2, 2, b), uni(r, 0.5, 2, b), o...)
	}, in: scalarIn(isReal), asIs: events(math.NaN()), quad: paramQuad("loc")},
	{name: "HalfCauchy", gen: func(r *rand.Rand, b []int, o ...distributions.Option) (distributions.Distribution, error) {
		return distributions.NewHalfCauchy(uni(r, 0.5, 2, b), o...)
	}, in: scalarIn(isNonNegative), outside: events(-1), quad: fixedQuad(0, 1, math.Inf(1))},
	{name: "HalfNormal", gen: func(r *rand.Rand, b []int, o ...distributions.Option) (distributions.Distribution, error) {
		return distributions.NewHalfNormal(uni(r, 0.5, 2, b), o...)
	}, in: scalarIn(isNonNegative), outside: events(-1), quad: fixedQuad(0, 1, math.Inf(1))},
	{name: "Kumaraswamy", gen: func(r *rand.Rand, b []int, o ...distributions.Option) (distributions.Distribution, error) {
		return distributions.NewKumaraswamy(uni(r, 1.2, 4, b), uni(r, 1.2, 4, b), o...)
	}, in: scalarIn(isOpenUnit), outside: events(-0.5, 1.5), quad: fixedQuad(0, 0.5, 1)},
	{name: "LKJCholesky", gen: func(r *rand.Rand, b []int, o ...distributions.Option) (distributions.Distribution, error) {
		return distributions.NewLKJCholesky(3, uni(r, 0.5, 3, b), o...)
	}, in: corrCholeskyIn, asIs: [][]float64{{1, 0, 0, 0.6, 0.8, 0.5, 0, 0, 1}, {1, 0, 0, 0.6, -0.8, 0, 0, 0, 1}, {1, 0, 0, 0.5, 0.5, 0, 0, 0, 1}}},
	{name: "Laplace", gen: func(r *rand.Rand, b []int, o ...distributions.Option) (distributions.Distribution, error) {
		return distributions.NewLaplace(uni(r, -2, 2, b), uni(r, 0.5, 2, b), o...)
	}, in: scalarIn(isReal), asIs: events(math.NaN()), quad: paramQuad("loc")},
	{name: "LogNormal", gen: func(r *rand.Rand, b []int, o ...distributions.Option) (distributions.Distribution, error) {
		return distributions.NewLogNormal(uni(r, -1, 1, b), uni(r, 0.3, 1, b), o...)
	}, in: scalarIn(isPositive), outside: events(-1), quad: fixedQuad(0, 1, math.Inf(1))},
	{name: "LogisticNormal", gen: func(r *rand.Rand, b []int, o ...distributions.Option) (distributions.Distribution, error) {
		shp := append(slices.Clone(b), 2)
		return distributions.NewLogisticNormal(uni(r, -1, 1, shp), uni(r, 0.3, 1.5, shp), o...)
	}, in: simplexIn, outside: [][]float64{{0.5, 0.6, -0.1}, {0.2, 0.2, 0.2}}},
	{name: "LowRankMultivariateNormal", gen: func(r *rand.Rand, b []int, o ...distributions.Option) (distributions.Distribution, error) {
		return distributions.NewLowRankMultivariateNormal(uni(r, -2, 2, append(slices.Clone(b), 3)),
			uni(r, -1, 1, append(slices.Clone(b), 3, 2)), uni(r, 0.3, 2, append(slices.Clone(b), 3)), o...)
	}, in: realVectorIn, asIs: [][]float64{{0, math.NaN(), 0}}},
	{name: "MixtureSameFamily", gen: func(r *rand.Rand, b []int, o ...distributions.Option) (distributions.Distribution, error) {
		k := append(slices.Clone(b), 3)
		mix, err := distributions.NewCategoricalLogits(uni(r, -2, 2, k), o...)
		if err != nil {
			return nil, err
		}
		comp, err := distributions.NewNormal(uni(r, -3, 3, k), uni(r, 0.5, 2, k), o...)
		if err != nil {
			return nil, err
		}
		return distributions.NewMixtureSameFamily(mix, comp, o...)
	}, in: scalarIn(isReal), asIs: events(math.NaN()), quad: fixedQuad(math.Inf(-1), 0, math.Inf(1))},
	{name: "Multinomial", gen: func(r *rand.Rand, b []int, o ...distributions.Option) (distributions.Distribution, error) {
		n := 1 + r.IntN(6)
		if r.IntN(2) == 0 {
			return distributions.NewMultinomial(n, uni(r, 0.05, 1, append(slices.Clone(b), 3)), o...)
		}
		return distributions.NewMultinomialLogits(n, uni(r, -2, 2, append(slices.Clone(b), 3)), o...)
	}, in: func(d distributions.Distribution, _ int, ev []float64) bool {
		sum := 0.0
		for _, x := range ev {
			if !isCount(x) {
				return false
			}
			sum += x
		}
		return sum == float64(d.(*distributions.Multinomial).TotalCount())
	}, outside: [][]float64{{-1, 1, 100}}, asIs: [][]float64{{0.5, 0.5, 99}, {100, 100, 100}}},
	{name: "MultivariateNormal", gen: func(r *rand.Rand, b []int, o ...distributions.Option) (distributions.Distribution, error) {
		loc := uni(r, -2, 2, append(slices.Clone(b), 3))
		switch r.IntN(3) {
		case 0:
			return distributions.NewMultivariateNormal(loc, spd(r, b, 3), o...)
		case 1:
			return distributions.NewMultivariateNormalPrecision(loc, spd(r, b, 3), o...)
		}
		return distributions.NewMultivariateNormalScaleTril(loc, lowerTri(r, b, 3), o...)
	}, in: realVectorIn, asIs: [][]float64{{0, math.NaN(), 0}}},
	{name: "NegativeBinomial", gen: func(r *rand.Rand, b []int, o ...distributions.Option) (distributions.Distribution, error) {
		if r.IntN(2) == 0 {
			return distributions.NewNegativeBinomial(uni(r, 0.5, 5, b), uni(r, 0.1, 0.8, b), o...)
		}
		return distributions.NewNegativeBinomialLogits(uni(r, 0.5, 5, b), uni(r, -2, 1, b), o...)
	}, in: scalarIn(isCount), outside: events(-1), asIs: events(0.5)},
	{name: "Normal", gen: func(r *rand.Rand, b []int, o ...distributions.Option) (distributions.Distribution, error) {
		return distributions.NewNormal(uni(r, -2, 2, b), uni(r, 0.5, 2, b), o...)
	}, in: scalarIn(isReal), asIs: events(math.NaN()), quad: paramQuad("loc")},
	{name: "OneHotCategorical", gen: func(r *rand.Rand, b []int, o ...distributions.Option) (distributions.Distribution, error) {
		if r.IntN(2) == 0 {
			return distributions.NewOneHotCategorical(uni(r, 0.05, 1, append(slices.Clone(b), 4)), o...)
		}
		return distributions.NewOneHotCategoricalLogits(uni(r, -3, 3, append(slices.Clone(b), 4)), o...)
	}, in: oneHotIn, asIs: [][]float64{{1, 1, 0, 0}, {0.5, 0.5, 0, 0}, {0, 0, 0, 0}}},
	{name: "OneHotCategoricalStraightThrough", gen: func(r *rand.Rand, b []int, o ...distributions.Option) (distributions.Distribution, error) {
		if r.IntN(2) == 0 {
			return distributions.NewOneHotCategoricalStraightThrough(uni(r, 0.05, 1, append(slices.Clone(b), 4)), o...)
		}
		return distributions.NewOneHotCategoricalStraightThroughLogits(uni(r, -3, 3, append(slices.Clone(b), 4)), o...)
	}, in: oneHotIn, asIs: [][]float64{{1, 1, 0, 0}, {0.5, 0.5, 0, 0}, {0, 0, 0, 0}}},
	{name: "Pareto", gen: func(r *rand.Rand, b []int, o ...distributions.Option) (distributions.Distribution, error) {
		return distributions.NewPareto(uni(r, 0.5, 2, b), uni(r, 1.5, 4, b), o...)
	}, in: func(d distributions.Distribution, b int, ev []float64) bool {
		return ev[0] >= param(d, "scale", b)
	}, outside: events(0.1, -1), quad: func(d distributions.Distribution, b int) (float64, float64, float64) {
		s := param(d, "scale", b)
		return s, 2 * s, math.Inf(1)
	}},
	{name: "Poisson", gen: func(r *rand.Rand, b []int, o ...distributions.Option) (distributions.Distribution, error) {
		return distributions.NewPoisson(uni(r, 0.5, 20, b), o...)
	}, in: scalarIn(isCount), outside: events(-1), asIs: events(0.5)},
	{name: "RelaxedBernoulli", gen: func(r *rand.Rand, b []int, o ...distributions.Option) (distributions.Distribution, error) {
		if r.IntN(2) == 0 {
			return distributions.NewRelaxedBernoulli(uni(r, 1.2, 2.5, b), uni(r, 0.1, 0.9, b), o...)
		}
		return distributions.NewRelaxedBernoulliLogits(uni(r, 1.2, 2.5, b), uni(r, -2, 2, b), o...)
	}, in: scalarIn(isUnit), outside: events(-0.5, 1.5), quad: fixedQuad(0, 0.5, 1)},
	{name: "RelaxedOneHotCategorical", gen: func(r *rand.Rand, b []int, o ...distributions.Option) (distributions.Distribution, error) {
		if r.IntN(2) == 0 {
			return distributions.NewRelaxedOneHotCategorical(uni(r, 0.5, 2, b), uni(r, 0.05, 1, append(slices.Clone(b), 3)), o...)
		}
		return distributions.NewRelaxedOneHotCategoricalLogits(uni(r, 0.5, 2, b), uni(r, -2, 2, append(slices.Clone(b), 3)), o...)
	}, in: simplexIn, outside: [][]float64{{0.5, 0.6, -0.1}}, asIs: [][]float64{{0.2, 0.2, 0.2}}},
	{name: "StudentT", gen: func(r *rand.Rand, b []int, o ...distributions.Option) (distributions.Distribution, error) {
		return distributions.NewStudentT(uni(r, 1, 10, b), uni(r, -2, 2, b), uni(r, 0.5, 2, b), o...)
	}, in: scalarIn(isReal), asIs: events(math.NaN()), quad: paramQuad("loc")},
	{name: "TransformedDistribution", gen: func(r *rand.Rand, b []int, o ...distributions.Option) (distributions.Distribution, error) {
		// exp(a + s·N(μ, σ)): a log-normal built from parts, support (0, ∞).
		base, err := distributions.NewNormal(uni(r, -1, 1, b), uni(r, 0.3, 1, b), o...)
		if err != nil {
			return nil, err
		}
		aff, err := distributions.NewAffineTransform(uni(r, -0.5, 0.5, b), uni(r, 0.5, 1.5, b), 0)
		if err != nil {
			return nil, err
		}
		return distributions.NewTransformed(base, []distributions.Transform{aff, distributions.NewExpTransform()}, o...)
	}, in: scalarIn(isPositive), outside: events(-1), quad: fixedQuad(0, 1, math.Inf(1))},
	{name: "Uniform", gen: func(r *rand.Rand, b []int, o ...distributions.Option) (distributions.Distribution, error) {
		return distributions.NewUniform(uni(r, -2, 0, b), uni(r, 0.5, 3, b), o...)
	}, in: func(d distributions.Distribution, b int, ev []float64) bool {
		return ev[0] >= param(d, "low", b) && ev[0] < param(d, "high", b)
	}, outside: events(-5, 5), quad: func(d distributions.Distribution, b int) (float64, float64, float64) {
		lo, hi := param(d, "low", b), param(d, "high", b)
		return lo, (lo + hi) / 2, hi
	}},
	{name: "VonMises", gen: func(r *rand.Rand, b []int, o ...distributions.Option) (distributions.Distribution, error) {
		return distributions.NewVonMises(uni(r, -2, 2, b), uni(r, 0.5, 5, b), o...)
	}, in: scalarIn(func(x float64) bool { return x >= -math.Pi && x <= math.Pi }),
		asIs: events(math.NaN()), quad: fixedQuad(-math.Pi, 0, math.Pi)},
	{name: "Weibull", gen: func(r *rand.Rand, b []int, o ...distributions.Option) (distributions.Distribution, error) {
		return distributions.NewWeibull(uni(r, 0.5, 2, b), uni(r, 1.2, 3, b), o...)
	}, in: scalarIn(isPositive), outside: events(-1), quad: fixedQuad(0, 1, math.Inf(1))},
	{name: "Wishart", gen: func(r *rand.Rand, b []int, o ...distributions.Option) (distributions.Distribution, error) {
		df := uni(r, 3, 8, b)
		switch r.IntN(3) {
		case 0:
			return distributions.NewWishart(df, spd(r, b, 3), o...)
		case 1:
			return distributions.NewWishartPrecision(df, spd(r, b, 3), o...)
		}
		return distributions.NewWishartScaleTril(df, lowerTri(r, b, 3), o...)
	}, in: spdIn, asIs: [][]float64{{1, 2, 0, 2, 1, 0, 0, 0, 1}, {1, 0.5, 0, 0, 1, 0, 0, 0, 1}}},
}

// TestFamilyCasesCoverRegistry fails when a registered family has no
// familyCase, or a case names no registered family.
func TestFamilyCasesCoverRegistry(t *testing.T) {
	t.Parallel()
	var names []string
	for _, fc := range familyCases {
		names = append(names, fc.name)
	}
	slices.Sort(names)
	require.Equal(t, distributions.Families(), names)
}

// uni returns an array of shape shp with elements uniform in [lo, hi).
func uni(r *rand.Rand, lo, hi float64, shp []int) *tensor.Dense {
	data := make([]float64, shape.Size(shp))
	for i := range data {
		data[i] = lo + (hi-lo)*r.Float64()
	}
	return must(tensor.New(data, shp...))
}

// full returns an array of shape shp holding v.
func full(v float64, shp []int) *tensor.Dense { return must(tensor.Full(v, shp...)) }

// spd returns batch + (n, n) symmetric positive definite matrices A·Aᵀ + I/2.
func spd(r *rand.Rand, batch []int, n int) *tensor.Dense {
	a := uni(r, -1, 1, append(slices.Clone(batch), n, n)).Float64s()
	out := make([]float64, len(a))
	for k := 0; k < len(a); k += n * n {
		for i := range n {
			for j := range n {
				s := 0.0
				for l := range n {
					s += a[k+i*n+l] * a[k+j*n+l]
				}
				if i == j {
					s += 0.5
				}
				out[k+i*n+j] = s
			}
		}
	}
	return must(tensor.New(out, append(slices.Clone(batch), n, n)...))
}

// lowerTri returns batch + (n, n) lower triangular matrices with a diagonal
// in [0.5, 1.5).
func lowerTri(r *rand.Rand, batch []int, n int) *tensor.Dense {
	a := uni(r, -1, 1, append(slices.Clone(batch), n, n)).Float64s()
	for k := 0; k < len(a); k += n * n {
		for i := range n {
			a[k+i*n+i] = 1 + a[k+i*n+i]/2
			for j := i + 1; j < n; j++ {
				a[k+i*n+j] = 0
			}
		}
	}
	return must(tensor.New(a, append(slices.Clone(batch), n, n)...))
}

// param returns element b of the family's parameter name, given at the
// full batch shape by gen.
func param(d distributions.Distribution, name string, b int) float64 {
	p, ok := d.(distributions.Parameterised)
	if !ok {
		panic("familyCase: " + name + " of a distribution without Params")
	}
	return must(tensor.Float64s(p.Params()[name]))[b]
}

// events returns one-element events, one per value.
func events(vs ...float64) [][]float64 {
	out := make([][]float64, len(vs))
	for i, v := range vs {
		out[i] = []float64{v}
	}
	return out
}

// scalarIn is the support test of a family with a scalar event.
func scalarIn(ok func(x float64) bool) func(distributions.Distribution, int, []float64) bool {
	return func(_ distributions.Distribution, _ int, ev []float64) bool { return ok(ev[0]) }
}

// fixedQuad is an integration domain that does not depend on the parameters.
func fixedQuad(lo, mid, hi float64) func(distributions.Distribution, int) (float64, float64, float64) {
	return func(distributions.Distribution, int) (float64, float64, float64) { return lo, mid, hi }
}

// paramQuad is the real line split at the parameter name (a location).
func paramQuad(name string) func(distributions.Distribution, int) (float64, float64, float64) {
	return func(d distributions.Distribution, b int) (float64, float64, float64) {
		return math.Inf(-1), param(d, name, b), math.Inf(1)
	}
}

func isReal(x float64) bool        { return !math.IsNaN(x) }
func isPositive(x float64) bool    { return x > 0 }
func isNonNegative(x float64) bool { return x >= 0 }
func isUnit(x float64) bool        { return x >= 0 && x <= 1 }
func isOpenUnit(x float64) bool    { return x > 0 && x < 1 }
func isBinary(x float64) bool      { return x == 0 || x == 1 }
func isCount(x float64) bool       { return x >= 0 && x == math.Floor(x) && !math.IsInf(x, 1) }

func realVectorIn(_ distributions.Distribution, _ int, ev []float64) bool {
	return !slices.ContainsFunc(ev, math.IsNaN)
}

// simplexIn: non-negative entries summing to 1 (torch's isclose, 1e-6).
func simplexIn(_ distributions.Distribution, _ int, ev []float64) bool {
	sum := 0.0
	for _, x := range ev {
		if !(x >= 0) {
			return false
		}
		sum += x
	}
	return math.Abs(sum-1) <= 1e-6
}

// oneHotIn: zeros and a single one.
func oneHotIn(_ distributions.Distribution, _ int, ev []float64) bool {
	ones := 0
	for _, x := range ev {
		if !isBinary(x) {
			return false
		}
		ones += int(x)
	}
	return ones == 1
}

// corrCholeskyIn: a lower triangular factor, positive diagonal, rows of
// unit norm (torch's corr_cholesky, tolerance 1e-6).
func corrCholeskyIn(_ distributions.Distribution, _ int, ev []float64) bool {
	n := int(math.Round(math.Sqrt(float64(len(ev)))))
	for i := range n {
		norm := 0.0
		for j := range n {
			x := ev[i*n+j]
			if j > i && x != 0 {
				return false
			}
			norm += x * x
		}
		if !(ev[i*n+i] > 0) || math.Abs(math.Sqrt(norm)-1) > 1e-6 {
			return false
		}
	}
	return true
}

// spdIn: symmetric and with a Cholesky factorisation.
func spdIn(_ distributions.Distribution, _ int, ev []float64) bool {
	n := int(math.Round(math.Sqrt(float64(len(ev)))))
	l := make([]float64, n*n)
	for i := range n {
		for j := range n {
			a, b := ev[i*n+j], ev[j*n+i]
			if math.Abs(a-b) > 1e-6+1e-5*math.Abs(b) {
				return false
			}
		}
		for j := 0; j <= i; j++ {
			s := ev[i*n+j]
			for k := range j {
				s -= l[i*n+k] * l[j*n+k]
			}
			if i == j {
				if !(s > 0) {
					return false
				}
				l[i*n+i] = math.Sqrt(s)
			} else {
				l[i*n+j] = s / l[j*n+j]
			}
		}
	}
	return true
}
