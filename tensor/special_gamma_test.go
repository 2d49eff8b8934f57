package tensor

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// specialGammaNames fixes the order of subtests and benchmarks of the
// functions in special_gamma.go.
var specialGammaNames = []string{"Lgamma", "Digamma", "Trigamma", "Lbeta", "LogI0", "LogI1"}

var specialGamma1 = map[string]func(float64) float64{
	"Lgamma":   Lgamma,
	"Digamma":  Digamma,
	"Trigamma": Trigamma,
	"LogI0":    LogI0,
	"LogI1":    LogI1,
}

// specialCancelTol bounds the error, relative to the scale that
// specialCancelScale returns, where a result is the small difference of
// larger terms: Digamma for x < 0 (reflection) and Lbeta for min(a,b) < 10
// (log Γ(p) against p·log(p+q), or the three log-gammas for max(a,b) < 3).
// There the relative error of the result is unbounded near its zeros in
// float64 arithmetic; the bound is on the absolute error instead, as a
// multiple of the terms' size. Measured on the table and on 2×40000 random
// points per function (against the reference rounded to float64): at most
// 1.86 ulps of the scale for Digamma and 1.97 for Lbeta; 1e-15 is 4.5 ulps.
const specialCancelTol = 1e-15

// specialCancelScale returns the sum of the magnitudes of the terms that
// the implementation adds with cancellation, or 0 where it does not cancel
// (the plain relative bound applies).
func specialCancelScale(name string, args []float64) float64 {
	switch name {
	case "Digamma":
		// ψ(x) = ψ(1-x) - π·cot(πx) for x < 0.
		x := args[0]
		if !(x < 0) || math.IsInf(x, 0) {
			return 0
		}
		w := -x
		f := w - math.Round(w)
		if f == 0 {
			return 0
		}
		return math.Abs(Digamma(1+w)) + math.Abs(math.Pi*cotPi(f))
	case "Lbeta":
		// q < 3: log Γ(p) + log Γ(q) - log Γ(p+q); else log Γ(p) + log1p(m)
		// + p - p·log(p+q') + (q'-1/2)·log1p(-p/(p+q')), the last term
		// about -p.
		p, q := math.Min(args[0], args[1]), math.Max(args[0], args[1])
		if !(p > 0 && p < 10) || math.IsInf(q, 0) {
			return 0
		}
		if q < 3 {
			return math.Abs(Lgamma(p)) + math.Abs(Lgamma(q)) + math.Abs(Lgamma(p+q))
		}
		var m float64
		for q < 10 {
			r := p / q
			m += r + m*r
			q++
		}
		return math.Abs(Lgamma(p)) + math.Log1p(m) + p*(2+math.Log(p+q))
	}
	return 0
}

// loadSpecialGammaRef reads testdata/special_gamma_ref.json, written by
// testdata/gen_special_gamma_ref.py with mpmath at 50 digits, in the format
// of special_ref.json.
func loadSpecialGammaRef(t testing.TB) map[string][][]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "special_gamma_ref.json"))
	require.NoError(t, err)
	var ref map[string][][]string
	require.NoError(t, json.Unmarshal(b, &ref))
	return ref
}

// TestSpecialGammaReference checks every function of special_gamma.go
// against the mpmath table under the contract of special_test.go
// (specialErr), except where specialCancelScale applies, and logs the
// largest relative error it measured.
func TestSpecialGammaReference(t *testing.T) {
	ref := loadSpecialGammaRef(t)
	for _, name := range specialGammaNames {
		rows, ok := ref[name]
		require.Truef(t, ok, "no reference rows for %s", name)
		t.Run(name, func(t *testing.T) {
			require.NotEmpty(t, rows)
			maxRel, worst := 0.0, ""   // rows without cancellation
			maxRelC, worstC := 0.0, "" // rows with, within 1e-14 relative
			maxCancel, worstCancel, nCancel := 0.0, "", 0
			for _, row := range rows {
				args := make([]float64, len(row)-1)
				for i, s := range row[:len(row)-1] {
					v, err := strconv.ParseFloat(s, 64)
					require.NoError(t, err)
					args[i] = v
				}
				var got float64
				if f, ok := specialGamma1[name]; ok {
					require.Len(t, args, 1)
					got = f(args[0])
				} else {
					require.Len(t, args, 2)
					got = Lbeta(args[0], args[1])
				}
				want := row[len(row)-1]
				kind, e, ok := specialErr(got, want)
				if scale := specialCancelScale(name, args); scale > 0 && kind == "rel" {
					w, _ := strconv.ParseFloat(want, 64)
					abs := math.Abs(got - w)
					if k := abs / scale; k > maxCancel {
						maxCancel, worstCancel = k, fmt.Sprint(args)
					}
					if !ok {
						nCancel++
						ok = abs <= specialCancelTol*scale
						assert.Truef(t, ok, "%s%v = %v, want %s (error %.3g, scale %.3g)",
							name, args, got, want, abs, scale)
					} else if e > maxRelC {
						maxRelC, worstC = e, fmt.Sprint(args)
					}
					continue
				}
				assert.Truef(t, ok, "%s%v = %v, want %s (%s error %.3g)",
					name, args, got, want, kind, e)
				if kind == "rel" && e > maxRel {
					maxRel, worst = e, fmt.Sprint(args)
				}
			}
			t.Logf("%-8s %3d points, max relative error %.3g at %s", name, len(rows), maxRel, worst)
			if maxCancel > 0 {
				t.Logf("%-8s where terms cancel: max relative error %.3g at %s, or %d points beyond 1e-14 relative; "+
					"max absolute error %.3g ulps of the terms' scale at %s",
					name, maxRelC, worstC, nCancel, maxCancel/0x1p-52, worstCancel)
			}
		})
	}
}

// TestSpecialGammaConstants checks the split constants against each other
// in float64 arithmetic (Go's untyped constant arithmetic is exact, so a
// constant expression could not show that psiRootHi - 1 rounds to nothing).
func TestSpecialGammaConstants(t *testing.T) {
	hi, hiM1 := psiRootHi, psiRootHiM1
	assert.Equal(t, hiM1, hi-1)
	assert.InEpsilon(t, 1/hi, invPsiRoot, 2e-16)
	assert.InEpsilon(t, 1/(hi+1), invPsiRoot1, 2e-16)
	assert.InEpsilon(t, 1/i1RootHi, invI1Root, 2e-16)
	// At the float64 next to a root the result is the slope times the
	// low part: ψ(hi) = -ψ'(x0)·lo, ψ'(x0) = 0.96767; log I1(hi) = -lo·(1/r
	// + L'(r)) = -1.00629·lo.
	assert.InEpsilon(t, -0.96767*psiRootLo, Digamma(psiRootHi), 1e-4)
	assert.InEpsilon(t, -1.00629*i1RootLo, LogI1(i1RootHi), 1e-4)
}

// TestSpecialGammaIdentities checks relations the table cannot: symmetry
// and parity exactly, and the recurrences of ψ and ψ₁ across the switch
// points of the implementation to the accuracy bar.
func TestSpecialGammaIdentities(t *testing.T) {
	for _, ab := range [][2]float64{{0.3, 7}, {2, 0.618}, {1e-300, 1e300}, {9.5, 10.5}, {15, 40}, {1, 1e10}} {
		assert.Equal(t, Lbeta(ab[0], ab[1]), Lbeta(ab[1], ab[0]), "Lbeta%v symmetric", ab)
	}
	for _, x := range []float64{1e-300, 0.5, 3, 12, 12.5, 1e300} {
		assert.Equal(t, LogI0(x), LogI0(-x), "LogI0(%v) even", x)
	}
	// ψ(x+1) = ψ(x) + 1/x and ψ₁(x) = ψ₁(x+1) + 1/x², for x with x+1 exact
	// and ψ(x+1) far from 0 (x+1 > 2).
	for _, x := range []float64{1.25, 1.5, 1.75, 2, 2.5, 4.75, 8.5, 9, 9.25, 9.5, 10.5} {
		assert.InEpsilon(t, Digamma(x)+1/x, Digamma(x+1), specialRelTol, "ψ(%v+1)", x)
		assert.InEpsilon(t, Trigamma(x+1)+1/(x*x), Trigamma(x), specialRelTol, "ψ₁(%v)", x)
	}
	// Lbeta(1, b) = -log b and Lbeta(a, 1) = -log a, on every branch.
	for _, b := range []float64{1e-300, 0.5, 2, 9.75, 10, 1e5, 1e300} {
		assert.InEpsilon(t, -math.Log(b), Lbeta(1, b), specialRelTol, "Lbeta(1, %v)", b)
	}
	// Lgamma meets math.Lgamma at the ends of the ranges it replaces.
	for _, x := range []float64{0.15, 0.25, 1.15, 1.25} {
		for _, y := range []float64{math.Nextafter(x, 0), x} {
			lg, _ := math.Lgamma(y)
			assert.InEpsilon(t, lg, Lgamma(y), 5e-16, "Lgamma(%v)", y)
		}
	}
	// x < 0: Lgamma is math.Lgamma, bit for bit, except for subnormal x.
	for _, x := range []float64{-0.5, -1.5, -2.5, -0.1, -3.7, -10.3, -1e-300, -1e10 - 0.5} {
		lg, _ := math.Lgamma(x)
		assert.Equal(t, lg, Lgamma(x), "Lgamma(%v)", x)
	}
}

// TestSpecialGammaSpecialCases checks the documented special cases exactly,
// signs of zeros included, and that no function panics on NaN, ±Inf, ±0
// and the extremes of float64.
func TestSpecialGammaSpecialCases(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	negZero := math.Copysign(0, -1)
	edge := []float64{nan, inf, -inf, 0, negZero, 1, -1, 0.5, -0.5, 1e300, -1e300,
		5e-324, -5e-324, math.MaxFloat64, -math.MaxFloat64}
	for _, name := range specialGammaNames {
		for _, x := range edge {
			if f, ok := specialGamma1[name]; ok {
				assert.NotPanicsf(t, func() { f(x) }, "%s(%v)", name, x)
				continue
			}
			for _, y := range edge {
				assert.NotPanicsf(t, func() { Lbeta(x, y) }, "Lbeta(%v, %v)", x, y)
			}
		}
	}

	same := func(got, want float64, msg string) {
		t.Helper()
		if math.IsNaN(want) {
			assert.Truef(t, math.IsNaN(got), "%s = %v, want NaN", msg, got)
			return
		}
		assert.Truef(t, got == want && math.Signbit(got) == math.Signbit(want),
			"%s = %v, want %v", msg, got, want)
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"Lgamma(+Inf)", Lgamma(inf), inf},
		{"Lgamma(+0)", Lgamma(0), inf},
		{"Lgamma(-0)", Lgamma(negZero), inf},
		{"Lgamma(-1)", Lgamma(-1), inf},
		{"Lgamma(-2^60)", Lgamma(-0x1p60), inf},
		{"Lgamma(-Inf)", Lgamma(-inf), -inf},
		{"Lgamma(NaN)", Lgamma(nan), nan},
		{"Lgamma(1)", Lgamma(1), 0},
		{"Lgamma(2)", Lgamma(2), 0},
		{"Lgamma(MaxFloat64)", Lgamma(math.MaxFloat64), inf},
		{"Digamma(+Inf)", Digamma(inf), inf},
		{"Digamma(+0)", Digamma(0), -inf},
		{"Digamma(-0)", Digamma(negZero), inf},
		{"Digamma(5e-324)", Digamma(5e-324), -inf},
		{"Digamma(-1)", Digamma(-1), nan},
		{"Digamma(-2^52)", Digamma(-0x1p52), nan},
		{"Digamma(-MaxFloat64)", Digamma(-math.MaxFloat64), nan},
		{"Digamma(-Inf)", Digamma(-inf), nan},
		{"Digamma(NaN)", Digamma(nan), nan},
		{"Trigamma(+Inf)", Trigamma(inf), 0},
		{"Trigamma(+0)", Trigamma(0), inf},
		{"Trigamma(-0)", Trigamma(negZero), inf},
		{"Trigamma(5e-324)", Trigamma(5e-324), inf},
		{"Trigamma(-3)", Trigamma(-3), inf},
		{"Trigamma(-2^60)", Trigamma(-0x1p60), inf},
		{"Trigamma(-Inf)", Trigamma(-inf), nan},
		{"Trigamma(NaN)", Trigamma(nan), nan},
		{"Lbeta(NaN, 1)", Lbeta(nan, 1), nan},
		{"Lbeta(1, NaN)", Lbeta(1, nan), nan},
		{"Lbeta(-1, 2)", Lbeta(-1, 2), nan},
		{"Lbeta(2, -0.5)", Lbeta(2, -0.5), nan},
		{"Lbeta(-Inf, 2)", Lbeta(-inf, 2), nan},
		{"Lbeta(0, 2)", Lbeta(0, 2), inf},
		{"Lbeta(2, -0)", Lbeta(2, negZero), inf},
		{"Lbeta(0, 0)", Lbeta(0, 0), inf},
		{"Lbeta(0, +Inf)", Lbeta(0, inf), nan},
		{"Lbeta(+Inf, 0)", Lbeta(inf, 0), nan},
		{"Lbeta(2, +Inf)", Lbeta(2, inf), -inf},
		{"Lbeta(+Inf, 1e-300)", Lbeta(inf, 1e-300), -inf},
		{"Lbeta(+Inf, +Inf)", Lbeta(inf, inf), -inf},
		{"Lbeta(1, 1)", Lbeta(1, 1), 0},
		{"Lbeta(MaxFloat64, MaxFloat64)", Lbeta(math.MaxFloat64, math.MaxFloat64), -inf},
		{"LogI0(+Inf)", LogI0(inf), inf},
		{"LogI0(-Inf)", LogI0(-inf), inf},
		{"LogI0(+0)", LogI0(0), 0},
		{"LogI0(-0)", LogI0(negZero), 0},
		{"LogI0(NaN)", LogI0(nan), nan},
		{"LogI1(+Inf)", LogI1(inf), inf},
		{"LogI1(+0)", LogI1(0), -inf},
		{"LogI1(-0)", LogI1(negZero), -inf},
		{"LogI1(-5e-324)", LogI1(-5e-324), nan},
		{"LogI1(-1)", LogI1(-1), nan},
		{"LogI1(-Inf)", LogI1(-inf), nan},
		{"LogI1(NaN)", LogI1(nan), nan},
	} {
		same(c.got, c.want, c.name)
	}

	// Finite where I0, I1 and B overflow or underflow (mpmath values).
	assert.InEpsilon(t, 1e300-0.5*math.Log(2*math.Pi*1e300), LogI0(1e300), specialRelTol)
	assert.InEpsilon(t, 995.62730888986946, LogI0(1000), specialRelTol)
	assert.InEpsilon(t, 995.62680863963998, LogI1(1000), specialRelTol)
	assert.InEpsilon(t, -1.3862943611198906e308, Lbeta(1e308, 1e308), specialRelTol)
	assert.InEpsilon(t, -690.77552789821371, Lbeta(1, 1e300), specialRelTol)
	assert.InEpsilon(t, 744.44007192138127, Lgamma(5e-324), specialRelTol)
}

var specialGammaSink float64

// BenchmarkSpecialGamma times each function over a spread of arguments that
// visits all its branches. (BenchmarkSpecial in special_test.go covers the
// functions of special.go; its list is not extended here because
// TestSpecialReference reads the same list against special_ref.json.)
func BenchmarkSpecialGamma(b *testing.B) {
	xs := map[string][]float64{
		"Lgamma":   {1e-300, 0.1, 0.2, 0.5, 1.2, 1.5, 2.5, 5, 9, 30, 1e5, 1e300},
		"Digamma":  {-7.3, -0.6, 1e-9, 0.3, 1.2, 1.7, 3.5, 7.9, 12, 1e5},
		"Trigamma": {-7.3, -0.6, 1e-9, 0.3, 1.2, 1.7, 3.5, 7.9, 12, 1e5},
		"LogI0":    {1e-3, 0.5, 1.5, 3, 8, 11, 15, 50, 700, 1e5},
		"LogI1":    {1e-3, 0.5, 1.5, 3, 8, 11, 15, 50, 700, 1e5},
	}
	pairs := [][2]float64{{0.5, 0.5}, {2, 3}, {0.3, 7}, {1, 1e10}, {15, 40}, {1e-5, 20}, {9, 9}, {1e3, 1e5}}
	for _, name := range specialGammaNames {
		b.Run(name, func(b *testing.B) {
			var s float64
			if f, ok := specialGamma1[name]; ok {
				x := xs[name]
				for i := 0; b.Loop(); i++ {
					s += f(x[i%len(x)])
				}
			} else {
				for i := 0; b.Loop(); i++ {
					ab := pairs[i%len(pairs)]
					s += Lbeta(ab[0], ab[1])
				}
			}
			specialGammaSink = s
		})
	}
}
