package tensor

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// loadIncBetaRef reads testdata/special_incbeta_ref.json, written by
// testdata/gen_special_incbeta_ref.py with mpmath at 50 digits: rows
// [a, b, x, I, 1−I] under "BetaInc" and [a, b, x, ∂I/∂a, ∂I/∂b] under
// "Deriv".
func loadIncBetaRef(t testing.TB) map[string][][]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "special_incbeta_ref.json"))
	require.NoError(t, err)
	var ref map[string][][]string
	require.NoError(t, json.Unmarshal(b, &ref))
	require.NotEmpty(t, ref["BetaInc"])
	require.NotEmpty(t, ref["Deriv"])
	return ref
}

// incBetaRelErr returns |got − want|/|want| with want parsed at 256 bits,
// and whether want is a normal float64 (the bounds apply to those; a
// subnormal or underflowed want is only required to be matched within the
// smallest normal).
func incBetaRelErr(t testing.TB, got float64, want string) (float64, bool) {
	t.Helper()
	if want == "0" {
		return math.Abs(got), false
	}
	w, err := strconv.ParseFloat(want, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		t.Fatalf("bad reference %q: %v", want, err)
	}
	if math.Abs(w) < 0x1p-1022 {
		return math.Abs(got - w), false
	}
	if math.IsNaN(got) || math.IsInf(got, 0) {
		return math.Inf(1), true
	}
	wb, _, err := big.ParseFloat(want, 10, 256, big.ToNearestEven)
	require.NoError(t, err)
	d := new(big.Float).SetPrec(256).SetFloat64(got)
	d.Sub(d, wb).Quo(d, wb)
	e, _ := d.Float64()
	return math.Abs(e), true
}

// incBetaArgs parses a row's first three fields.
func incBetaArgs(t testing.TB, row []string) (a, b, x float64) {
	t.Helper()
	v := make([]float64, 3)
	for i := range v {
		f, err := strconv.ParseFloat(row[i], 64)
		require.NoError(t, err)
		v[i] = f
	}
	return v[0], v[1], v[2]
}

// Bounds, relative, for normal (not subnormal) results. The exponent of
// the power term carries a rounding error of a few ulps of its own size
// (see special_incbeta.go), which becomes the relative error of the
// result: incBetaTol plus incBetaLogTol·|log I| bounds it for
// max(a, b) ≤ 1000 (measured: 9.7e-15 where I ≥ 1e-10; 6.0e-14 at
// I = 2.3e-76 and 2.5e-13 at I = 6.3e-302, below the bound's 1.5e-13 and
// 6.2e-13). Above 1000 the continued fraction near the cutoff (a+1)/(a+b+2)
// needs O(√max(a, b)) levels whose roundings, and the cancellation of its
// first levels, add up to incBetaLargeTol (measured 2.4e-13 at b = 1e5).
const (
	incBetaTol      = 1e-14
	incBetaLogTol   = 4 * 0x1p-52
	incBetaLargeTol = 5e-13
	// incBetaDerivTol is the bar for ∂I/∂a and ∂I/∂b, what the implicit
	// reparameterisation gradient of Beta needs (measured 1.1e-11 at
	// a = 250, b = 0.05).
	incBetaDerivTol = 1e-8
)

func TestBetaIncReference(t *testing.T) {
	ref := loadIncBetaRef(t)
	// The largest error in three classes: max(a, b) ≤ 1000 with I ≥ 1e-10
	// and with I < 1e-10, and max(a, b) > 1000.
	var worst [3]float64
	var where [3]string
	for _, row := range ref["BetaInc"] {
		a, b, x := incBetaArgs(t, row)
		w, w1 := BetaInc(a, b, x), BetaIncC(a, b, x)
		for k, got := range []float64{w, w1} {
			want := row[3+k]
			name := [2]string{"BetaInc", "BetaIncC"}[k]
			e, normal := incBetaRelErr(t, got, want)
			if !normal {
				assert.LessOrEqualf(t, e, 0x1p-1022, "%s(%v, %v, %v) = %v, want %s", name, a, b, x, got, want)
				continue
			}
			wf, _ := strconv.ParseFloat(want, 64)
			msg := fmt.Sprintf("%s(%v, %v, %v) = %v, want %s (rel %.3g)", name, a, b, x, got, want, e)
			class, tol := 0, incBetaTol+incBetaLogTol*math.Abs(math.Log(wf))
			switch {
			case max(a, b) > 1000:
				class, tol = 2, incBetaLargeTol
			case wf < 1e-10:
				class = 1
			}
			assert.LessOrEqual(t, e, tol, msg)
			if e > worst[class] {
				worst[class], where[class] = e, msg
			}
		}
	}
	t.Logf("%d rows", len(ref["BetaInc"]))
	t.Logf("max(a, b) ≤ 1000, result ≥ 1e-10: max rel error %.3g at %s", worst[0], where[0])
	t.Logf("max(a, b) ≤ 1000, result < 1e-10: max rel error %.3g at %s", worst[1], where[1])
	t.Logf("max(a, b) > 1000: max rel error %.3g at %s", worst[2], where[2])
}

func TestBetaIncDerivReference(t *testing.T) {
	ref := loadIncBetaRef(t)
	maxA, maxB := 0.0, 0.0
	var worstA, worstB string
	for _, row := range ref["Deriv"] {
		a, b, x := incBetaArgs(t, row)
		for k, got := range []float64{BetaIncDerivA(a, b, x), BetaIncDerivB(a, b, x)} {
			e, normal := incBetaRelErr(t, got, row[3+k])
			if !normal {
				continue
			}
			where := fmt.Sprintf("(%v, %v, %v) = %v, want %s (rel %.3g)", a, b, x, got, row[3+k], e)
			assert.LessOrEqual(t, e, incBetaDerivTol, where)
			if k == 0 && e > maxA {
				maxA, worstA = e, where
			}
			if k == 1 && e > maxB {
				maxB, worstB = e, where
			}
		}
	}
	t.Logf("%d rows; max rel error ∂I/∂a %.3g at %s", len(ref["Deriv"]), maxA, worstA)
	t.Logf("max rel error ∂I/∂b %.3g at %s", maxB, worstB)
}

func TestBetaIncSpecialCases(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, c := range []struct{ a, b, x float64 }{
		{0, 1, 0.5}, {-1, 1, 0.5}, {1, 0, 0.5}, {inf, 1, 0.5}, {1, inf, 0.5},
		{nan, 1, 0.5}, {1, nan, 0.5}, {1, 1, nan}, {1, 1, -0.1}, {1, 1, 1.1},
	} {
		for _, f := range []func(a, b, x float64) float64{BetaInc, BetaIncC, BetaIncDerivA, BetaIncDerivB} {
			assert.True(t, math.IsNaN(f(c.a, c.b, c.x)), "%v", c)
		}
	}
	for _, ab := range [][2]float64{{0.5, 2}, {3, 1e-3}, {1e4, 1e4}} {
		a, b := ab[0], ab[1]
		assert.Equal(t, 0.0, BetaInc(a, b, 0))
		assert.Equal(t, 1.0, BetaIncC(a, b, 0))
		assert.Equal(t, 1.0, BetaInc(a, b, 1))
		assert.Equal(t, 0.0, BetaIncC(a, b, 1))
		for _, x := range []float64{0, 1} {
			assert.Equal(t, 0.0, BetaIncDerivA(a, b, x))
			assert.Equal(t, 0.0, BetaIncDerivB(a, b, x))
		}
	}
	// Closed forms: I_x(1, 1) = x, I_x(a, 1) = x^a, I_x(1, b) = 1 − (1−x)^b,
	// within the reference test's bound for their size.
	near := func(want, got float64, msg string) {
		t.Helper()
		if want < 0x1p-1022 {
			assert.InDelta(t, want, got, 0x1p-1022, msg)
			return
		}
		assert.LessOrEqual(t, math.Abs(got-want)/want, incBetaTol+incBetaLogTol*math.Abs(math.Log(want)), "%s: got %v, want %v", msg, got, want)
	}
	for _, x := range []float64{1e-300, 1e-5, 0.25, 0.5, 0.75, 0.999} {
		near(x, BetaInc(1, 1, x), "I(1, 1)")
		near(math.Pow(x, 2.5), BetaInc(2.5, 1, x), "I(2.5, 1)")
		near(-math.Expm1(3*math.Log1p(-x)), BetaInc(1, 3, x), "I(1, 3)")
		near(math.Exp(3*math.Log1p(-x)), BetaIncC(1, 3, x), "1 - I(1, 3)")
	}
}

// TestBetaIncSymmetry checks I_x(a, b) = 1 − I_{1−x}(b, a) where 1 − x is
// exact (x ≥ 1/2, and binary fractions) at points off the table.
func TestBetaIncSymmetry(t *testing.T) {
	for _, a := range []float64{0.01, 0.3, 1, 2.5, 17, 400} {
		for _, b := range []float64{0.02, 0.7, 1, 4, 60, 3000} {
			for _, x := range []float64{0.5, 0.625, 0.75, 0.875, 0.9375, 0.99609375} {
				w, w1 := BetaInc(a, b, x), BetaIncC(a, b, x)
				v, v1 := BetaInc(b, a, 1-x), BetaIncC(b, a, 1-x)
				if min(w, w1) < 0x1p-1022 {
					continue // underflowed: compared in TestBetaIncReference
				}
				assert.InEpsilon(t, w, v1, 1e-14, "a=%v b=%v x=%v", a, b, x)
				assert.InEpsilon(t, w1, v, 1e-14, "a=%v b=%v x=%v", a, b, x)
				assert.InDelta(t, 1, w+w1, 4e-16, "a=%v b=%v x=%v", a, b, x)
				assert.InEpsilon(t, BetaIncDerivA(a, b, x), -BetaIncDerivB(b, a, 1-x), 1e-12)
			}
		}
	}
}

func TestBetaLogPDF(t *testing.T) {
	inf := math.Inf(1)
	for _, c := range []struct{ a, b, x, want, tol float64 }{
		// mpmath
		{2.5, 3.5, 0.3, 0.60418870362631766, 1e-14},
		{1e-3, 1e3, 1e-300, 683.18448074062754, 1e-14},
		{0.5, 0.5, 1e-300, 344.24303406325745, 1e-14},
		{10, 10, 1e-5, -89.880189958145503, 1e-14},
		{50, 20, 0.75, 1.8489057787680261, 1e-14},
		{1e3, 10, 0.99, 4.833766289389891, 1e-14},
		{1e5, 1e5, 0.5, 5.8772437201203594, 1e-14},
		{1e5, 1e5, 0.499, 5.4772469201262254, 1e-14},
		{1e4, 2e4, 0.3, -72.757736064851218, 1e-14},
		{1e4, 2e4, 0.34, 1.9973703736089978, 1e-14},
		{1e6, 3e6, 0.25, 7.5189520528454676, 1e-14},
		// boundaries: 0·log 0 = 0
		{1, 1, 0, 0, 0}, {1, 1, 1, 0, 0}, {0.5, 2, 0, inf, 0}, {2, 0.5, 0, -inf, 0},
		{0.5, 2, 1, -inf, 0}, {2, 0.5, 1, inf, 0}, {20, 30, 0, -inf, 0}, {20, 30, 1, -inf, 0},
		{2, 3, -0.5, -inf, 0}, {2, 3, 1.5, -inf, 0},
	} {
		got := BetaLogPDF(c.a, c.b, c.x)
		if c.tol == 0 {
			assert.Equal(t, c.want, got, "%v", c)
			continue
		}
		assert.InEpsilon(t, c.want, got, c.tol, "%v", c)
	}
	assert.True(t, math.IsNaN(BetaLogPDF(2, 3, math.NaN())))
}

func BenchmarkBetaInc(b *testing.B) {
	for _, c := range []struct {
		name    string
		a, b, x float64
	}{{"series", 0.5, 2, 0.2}, {"fraction", 3, 4, 0.4}, {"large", 1000, 1200, 0.45}} {
		b.Run(c.name, func(b *testing.B) {
			var s float64
			for b.Loop() {
				s += BetaInc(c.a, c.b, c.x)
			}
			_ = s
		})
		b.Run(c.name+"/deriv", func(b *testing.B) {
			var s float64
			for b.Loop() {
				s += BetaIncDerivA(c.a, c.b, c.x)
			}
			_ = s
		})
	}
}

// FuzzBetaInc checks, for any a, b > 0 and x in [0, 1], that the results
// are probabilities that add to 1, that the derivatives have their signs,
// and that nothing panics; NaN only for parameters beyond the iteration
// bound (max(a, b) well above 1e10).
func FuzzBetaInc(f *testing.F) {
	for _, c := range [][3]float64{{1, 1, 0.5}, {0.5, 0.5, 1e-300}, {1e-300, 1, 0.5}, {1e5, 1e5, 0.5}, {2.5, 1e4, 3e-4}, {1e6, 0.1, 0.999999}, {3, 4, 1}} {
		f.Add(c[0], c[1], c[2])
	}
	f.Fuzz(func(t *testing.T, a, b, x float64) {
		w, w1 := BetaInc(a, b, x), BetaIncC(a, b, x)
		da, db := BetaIncDerivA(a, b, x), BetaIncDerivB(a, b, x)
		if !(a > 0 && b > 0 && x >= 0 && x <= 1) || math.IsInf(a, 0) || math.IsInf(b, 0) {
			require.True(t, math.IsNaN(w) && math.IsNaN(w1) && math.IsNaN(da) && math.IsNaN(db))
			return
		}
		if max(a, b) > 1e10 {
			return // the fraction may exceed betaIncMaxIter: NaN is allowed
		}
		require.True(t, w >= 0 && w <= 1 && w1 >= 0 && w1 <= 1, "I = %v, 1-I = %v", w, w1)
		require.InDelta(t, 1, w+w1, 1e-12)
		require.False(t, math.IsNaN(da) || math.IsNaN(db), "∂I = %v, %v", da, db)
		require.LessOrEqual(t, da, 1e-300)
		require.GreaterOrEqual(t, db, -1e-300)
	})
}
