package tensor

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// implicitTol bounds the relative error of BetaImplicitGrad against the
// 50-digit table where max(a, b) ≤ 1000 (measured 1.1e-11, at b/a ≈ 5e3,
// where ψ(a+b) − ψ(b) cancels to a part in 1e4, as in BetaIncDerivA/B;
// see the log), and implicitLargeTol above, where the table's points near
// the cutoff need O(√max(a, b)) levels of the fraction (measured 1.7e-10,
// at a = 5659, b = 1.1, x = 0.99958: 146 levels); incBetaDerivTol
// (1e-8) is the contract that Beta's and Dirichlet's gradients rely on.
const (
	implicitTol      = 2e-11
	implicitLargeTol = incBetaDerivTol
)

// TestBetaImplicitGradReference checks BetaImplicitGrad and
// BetaImplicitGradA against testdata/implicit_ref.json (mpmath, 50
// digits; gen_implicit_ref.py): a grid of a, b from 1e-3 to 1e4 with x
// from 1e-300 to 1 − 2^−40, Beta draws for a, b log-uniform over that
// range and for a, b in [0.5, 5].
func TestBetaImplicitGradReference(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "implicit_ref.json"))
	require.NoError(t, err)
	var ref map[string][][]string
	require.NoError(t, json.Unmarshal(raw, &ref))
	rows := ref["Beta"]
	require.NotEmpty(t, rows)
	var worst [2]float64
	var where [2]string
	for _, row := range rows {
		a, b, x := incBetaArgs(t, row)
		ga, gb := BetaImplicitGrad(a, b, x)
		gaOnly := BetaImplicitGradA(a, b, x)
		for k, got := range []float64{ga, gb, gaOnly} {
			want := row[[3]int{3, 4, 3}[k]]
			e, normal := incBetaRelErr(t, got, want)
			if !normal {
				assert.LessOrEqualf(t, e, 0x1p-1022, "(%v, %v, %v)[%d] = %v, want %s", a, b, x, k, got, want)
				continue
			}
			class, tol := 0, implicitTol
			if max(a, b) > 1000 {
				class, tol = 1, implicitLargeTol
			}
			msg := fmt.Sprintf("(%v, %v, %v)[%d] = %v, want %s (rel %.3g)", a, b, x, k, got, want, e)
			assert.LessOrEqual(t, e, tol, msg)
			if e > worst[class] {
				worst[class], where[class] = e, msg
			}
		}
	}
	t.Logf("%d rows; max(a, b) ≤ 1000: max rel error %.3g at %s", len(rows), worst[0], where[0])
	t.Logf("max(a, b) > 1000: max rel error %.3g at %s", worst[1], where[1])
}

// TestBetaImplicitGradMatchesDeriv compares BetaImplicitGrad with the
// independent route through BetaIncDerivA/B and the density
// exp(BetaLogPDF), at Beta draws over a wide range of parameters and at
// the tails, where that route is accurate (the density and the
// derivatives are normal float64s, not near overflow).
func TestBetaImplicitGradMatchesDeriv(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 9))
	var worst float64
	for i := range 20000 {
		var a, b float64
		if i%2 == 0 {
			a, b = 0.5+4.5*r.Float64(), 0.5+4.5*r.Float64()
		} else {
			a, b = math.Pow(10, -3+7*r.Float64()), math.Pow(10, -3+7*r.Float64())
		}
		x := implicitBetaDraw(r, a, b)
		switch i % 7 {
		case 5:
			x = math.Pow(10, -30*r.Float64())
		case 6:
			x = 1 - math.Pow(2, -40*r.Float64())
		}
		lp := BetaLogPDF(a, b, x)
		if !(x > 0 && x < 1) || lp < -700 || lp > 700 {
			continue
		}
		pdf := math.Exp(lp)
		da, db := BetaIncDerivA(a, b, x), BetaIncDerivB(a, b, x)
		if min(math.Abs(da), math.Abs(db)) < 0x1p-1000 {
			continue // near the subnormals: that route has lost its precision
		}
		wa, wb := -da/pdf, -db/pdf
		ga, gb := BetaImplicitGrad(a, b, x)
		tol := 1e-11 + 4e-16*math.Abs(lp) // the density's rounding
		if max(a, b) > 1000 {
			tol = 1e-8
		}
		for k, c := range [][2]float64{{wa, ga}, {wb, gb}, {wa, BetaImplicitGradA(a, b, x)}} {
			e := math.Abs(c[1]-c[0]) / math.Abs(c[0])
			if c[0] == 0 {
				e = math.Abs(c[1])
			}
			require.LessOrEqualf(t, e, tol, "(%v, %v, %v)[%d]: %v, via the density %v", a, b, x, k, c[1], c[0])
			if max(a, b) <= 1000 {
				worst = max(worst, e)
			}
		}
	}
	t.Logf("max rel difference (max(a, b) ≤ 1000): %.3g", worst)
}

// implicitBetaDraw draws Beta(a, b) as G_a/(G_a + G_b) from
// implicitGammaDraw (a test helper: any x in (0, 1) serves).
func implicitBetaDraw(r *rand.Rand, a, b float64) float64 {
	ga, gb := implicitGammaDraw(r, a), implicitGammaDraw(r, b)
	return ga / (ga + gb)
}

// implicitGammaDraw draws Gamma(a, 1) by Marsaglia and Tsang's method,
// with the boost U^(1/a) for a < 1.
func implicitGammaDraw(r *rand.Rand, a float64) float64 {
	boost := 1.0
	if a < 1 {
		boost = math.Pow(r.Float64(), 1/a)
		a++
	}
	d := a - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		z := r.NormFloat64()
		v := 1 + c*z
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := r.Float64()
		if math.Log(u) < 0.5*z*z+d-d*v+d*math.Log(v) {
			return d * v * boost
		}
	}
}

func TestBetaImplicitGradSpecialCases(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, c := range []struct{ a, b, x float64 }{
		{0, 1, 0.5}, {-1, 1, 0.5}, {1, 0, 0.5}, {inf, 1, 0.5}, {1, inf, 0.5},
		{nan, 1, 0.5}, {1, nan, 0.5}, {1, 1, nan}, {1, 1, -0.1}, {1, 1, 1.1},
	} {
		ga, gb := BetaImplicitGrad(c.a, c.b, c.x)
		assert.True(t, math.IsNaN(ga) && math.IsNaN(gb) && math.IsNaN(BetaImplicitGradA(c.a, c.b, c.x)), "%v", c)
	}
	for _, x := range []float64{0, 1} {
		ga, gb := BetaImplicitGrad(2, 3, x)
		assert.Equal(t, [2]float64{0, 0}, [2]float64{ga, gb})
	}
	// Beta(1, 1) is uniform, x = u: ∂x/∂a = −∂I/∂a, with I_x(a, 1) = x^a
	// and I_x(1, b) = 1 − (1−x)^b giving ∂x/∂a = −x·log x and
	// ∂x/∂b = (1−x)·log(1−x) at a = b = 1.
	for _, x := range []float64{1e-200, 1e-5, 0.3, 0.5, 0.8, 0.999} {
		ga, gb := BetaImplicitGrad(1, 1, x)
		assert.InEpsilon(t, -x*math.Log(x), ga, 1e-14, "x = %v", x)
		assert.InEpsilon(t, (1-x)*math.Log1p(-x), gb, 1e-14, "x = %v", x)
	}
}

// TestBetaImplicitGradQuantile checks the defining relation: moving a (or
// b) by h and x by h·∂x/∂a keeps I_x(a, b) fixed to O(h²).
func TestBetaImplicitGradQuantile(t *testing.T) {
	for _, ab := range [][2]float64{{0.3, 0.7}, {0.6, 4}, {2.5, 3.5}, {4, 0.8}, {12, 30}, {200, 3}} {
		a, b := ab[0], ab[1]
		for _, q := range []float64{0.05, 0.5, 0.95} {
			x := implicitQuantile(a, b, q)
			ga, gb := BetaImplicitGrad(a, b, x)
			f := BetaInc
			if q > 0.5 {
				f = BetaIncC
			}
			h := 1e-6 * a
			moved := f(a+h, b, x+h*ga) - f(a-h, b, x-h*ga)
			held := f(a+h, b, x) - f(a-h, b, x)
			assert.Less(t, math.Abs(moved), 1e-5*math.Abs(held), "a: (%v, %v, %v)", a, b, x)
			h = 1e-6 * b
			moved = f(a, b+h, x+h*gb) - f(a, b-h, x-h*gb)
			held = f(a, b+h, x) - f(a, b-h, x)
			assert.Less(t, math.Abs(moved), 1e-5*math.Abs(held), "b: (%v, %v, %v)", a, b, x)
		}
	}
}

// implicitQuantile returns the q-quantile of Beta(a, b) by bisection.
func implicitQuantile(a, b, q float64) float64 {
	lo, hi := 0.0, 1.0
	for range 200 {
		m := (lo + hi) / 2
		if BetaInc(a, b, m) < q {
			lo = m
		} else {
			hi = m
		}
	}
	return (lo + hi) / 2
}

func BenchmarkBetaImplicitGrad(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	const n = 1024
	as, bs, xs := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range n {
		as[i], bs[i] = 0.5+4.5*r.Float64(), 0.5+4.5*r.Float64()
		xs[i] = implicitBetaDraw(r, as[i], bs[i])
	}
	b.Run("old", func(b *testing.B) {
		var s float64
		for i := 0; b.Loop(); i++ {
			k := i % n
			pdf := math.Exp(BetaLogPDF(as[k], bs[k], xs[k]))
			s += BetaIncDerivA(as[k], bs[k], xs[k])/pdf + BetaIncDerivB(as[k], bs[k], xs[k])/pdf
		}
		_ = s
	})
	b.Run("new", func(b *testing.B) {
		var s float64
		for i := 0; b.Loop(); i++ {
			k := i % n
			ga, gb := BetaImplicitGrad(as[k], bs[k], xs[k])
			s += ga + gb
		}
		_ = s
	})
	b.Run("newA/dirichlet", func(b *testing.B) {
		// Dirichlet's marginals: a in [0.5, 5], b = S − a ≈ 25.
		var s float64
		for i := 0; b.Loop(); i++ {
			k := i % n
			s += BetaImplicitGradA(as[k], 10*(as[k]+bs[k]), xs[k]/5)
		}
		_ = s
	})
}
