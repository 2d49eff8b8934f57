package distributions_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// gammaSamplerCDF is the CDF of Gamma(α, 1) from gonum (an independent
// reference). gonum returns 0 below about 1e-300 for small α, where the
// exact P(α, x) = x^α/Γ(α+1)·(1 + O(x)) is used instead.
func gammaSamplerCDF(alpha float64) func(float64) float64 {
	g := distuv.Gamma{Alpha: alpha, Beta: 1}
	lg, _ := math.Lgamma(alpha + 1)
	return func(x float64) float64 {
		if x <= 0 {
			return 0
		}
		if x < 1e-250 {
			return math.Exp(alpha*tensor.Log(x) - lg) // math.Log is wrong for subnormal x on amd64
		}
		return g.CDF(x)
	}
}

// gammaSamplerDraws draws n standard gammas from one PCG stream.
func gammaSamplerDraws(alpha float64, n int, seed uint64) []float64 {
	r := rand.New(rand.NewPCG(seed, 0x9a77a))
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = distributions.StandardGammaForTest(r, alpha)
	}
	return xs
}

func TestStandardGammaKS(t *testing.T) {
	t.Parallel()
	for i, alpha := range []float64{0.01, 0.1, 0.5, 1, 2.5, 100, 1e6} { // 1e-3: TestStandardGammaTinyShape
		xs := gammaSamplerDraws(alpha, nDraws, uint64(i+1))
		p := ksPValue(ksStatistic(xs, gammaSamplerCDF(alpha)), nDraws)
		t.Logf("Gamma(%g): KS p = %.3g", alpha, p)
		assert.GreaterOrEqual(t, p, pCritical, "α = %g", alpha)
	}
}

func TestStandardGammaKSPower(t *testing.T) {
	t.Parallel()
	// Draws tested against a slightly different shape are rejected (the
	// relative change is a few standard errors of α at n = 1e5).
	for i, c := range []struct{ alpha, alt float64 }{
		{0.01, 0.0103}, {0.5, 0.51}, {2.5, 2.55}, {1e6, 1e6 + 50}, // 1e6+50: the mean moves 0.05 sd
	} {
		xs := gammaSamplerDraws(c.alpha, nDraws, uint64(i+101))
		p := ksPValue(ksStatistic(xs, gammaSamplerCDF(c.alt)), nDraws)
		t.Logf("Gamma(%g) draws as Gamma(%g): KS p = %.3g", c.alpha, c.alt, p)
		assert.Less(t, p, pCritical)
	}
}

func TestStandardGammaTinyShape(t *testing.T) {
	t.Parallel()
	// At α = 1e-3, P(X < 2^-1075) = 2^(-1075α)/Γ(1+α) = 0.47527...: about
	// that fraction underflows to 0, and no more (u^(1/α) alone would
	// underflow nearly always).
	xs := gammaSamplerDraws(1e-3, nDraws, 77)
	zeros := 0
	for _, x := range xs {
		require.GreaterOrEqual(t, x, 0.0)
		if x == 0 {
			zeros++
		}
	}
	lg, _ := math.Lgamma(1.001)
	p0 := math.Exp(-1075*math.Ln2*1e-3 - lg)
	se := math.Sqrt(p0 * (1 - p0) / nDraws)
	frac := float64(zeros) / nDraws
	t.Logf("zeros: %.4f, expected %.4f ± %.4f", frac, p0, se)
	assert.InDelta(t, p0, frac, 5*se)
	// The draws that did not underflow follow the conditional CDF
	// (F(x) - p0)/(1 - p0) (a KS test cannot take the atom at 0 itself).
	cdf := gammaSamplerCDF(1e-3)
	rest := slices.DeleteFunc(xs, func(x float64) bool { return x == 0 })
	p := ksPValue(ksStatistic(rest, func(x float64) float64 { return (cdf(x) - p0) / (1 - p0) }), len(rest))
	t.Logf("Gamma(0.001) above 2^-1075: KS p = %.3g", p)
	assert.GreaterOrEqual(t, p, pCritical)
}

func TestStandardGammaSpecialCases(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	assert.Equal(t, 0.0, distributions.StandardGammaForTest(r, 0))
	assert.True(t, math.IsNaN(distributions.StandardGammaForTest(r, -1)))
	assert.True(t, math.IsNaN(distributions.StandardGammaForTest(r, math.NaN())))
	assert.True(t, math.IsInf(distributions.StandardGammaForTest(r, math.Inf(1)), 1))
	// Reproducible from the stream alone.
	a, b := gammaSamplerDraws(0.3, 1000, 5), gammaSamplerDraws(0.3, 1000, 5)
	assert.True(t, slices.Equal(a, b))
}

func TestStandardGammaAllocs(t *testing.T) { // AllocsPerRun: not parallel
	r := rand.New(rand.NewPCG(1, 2))
	assert.Zero(t, testing.AllocsPerRun(100, func() { distributions.StandardGammaForTest(r, 0.5) }))
}
