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

// The accuracy contract of the special functions: relative error at most
// specialRelTol against the true value, except where the true value is
// subnormal (or underflows), where the absolute error must be at most
// specialAbsTol.
const (
	specialRelTol = 1e-14
	specialAbsTol = 1e-300
)

var special1 = map[string]func(float64) float64{
	"Log1p":      Log1p,
	"Expm1":      Expm1,
	"Softplus":   Softplus,
	"LogSigmoid": LogSigmoid,
	"Sigmoid":    Sigmoid,
	"Erf":        Erf,
	"Erfc":       Erfc,
	"Ndtr":       Ndtr,
	"LogNdtr":    LogNdtr,
	"Ndtri":      Ndtri,
}

var special2 = map[string]func(float64, float64) float64{
	"XLogY":   XLogY,
	"XLog1pY": XLog1pY,
}

// specialNames fixes the order of subtests and benchmarks.
var specialNames = []string{
	"Log1p", "Expm1", "Softplus", "LogSigmoid", "Sigmoid", "Erf", "Erfc",
	"Ndtr", "LogNdtr", "Ndtri", "XLogY", "XLog1pY",
}

// loadSpecialRef reads testdata/special_ref.json, written by
// testdata/gen_special_ref.py with mpmath at 50 digits: for each function a
// list of rows, the float64 arguments followed by the reference result.
func loadSpecialRef(t testing.TB) map[string][][]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "special_ref.json"))
	require.NoError(t, err)
	var ref map[string][][]string
	require.NoError(t, json.Unmarshal(b, &ref))
	return ref
}

// specialErr compares got with the reference string want and returns the
// error measured under the contract (relative, absolute or exact) and
// whether it is within bounds. The relative error is computed against the
// 25-digit reference in big.Float, so it is the true error of got, not its
// distance from want rounded to float64.
func specialErr(got float64, want string) (kind string, e float64, ok bool) {
	switch want {
	case "nan":
		return "exact", 0, math.IsNaN(got)
	case "0", "inf", "-inf":
		// mpmath's value is exactly 0 or ±Inf.
		w, _ := strconv.ParseFloat(want, 64)
		return "exact", 0, got == w
	}
	w, err := strconv.ParseFloat(want, 64)
	if errors.Is(err, strconv.ErrRange) {
		// The true value is beyond ±MaxFloat64: the rounded result is ±Inf.
		return "exact", 0, got == w
	}
	if err != nil {
		panic(err)
	}
	if math.Abs(w) < 0x1p-1022 { // subnormal or underflowed to 0
		e = math.Abs(got - w)
		return "abs", e, e <= specialAbsTol
	}
	if math.IsNaN(got) || math.IsInf(got, 0) {
		return "rel", math.Inf(1), false
	}
	wb, _, err := big.ParseFloat(want, 10, 256, big.ToNearestEven)
	if err != nil {
		panic(err)
	}
	d := new(big.Float).SetPrec(256).SetFloat64(got)
	d.Sub(d, wb)
	d.Quo(d, wb)
	e, _ = d.Float64()
	e = math.Abs(e)
	return "rel", e, e <= specialRelTol
}

// TestSpecialReference checks every function against the mpmath table and
// logs the largest relative error it measured.
func TestSpecialReference(t *testing.T) {
	ref := loadSpecialRef(t)
	for _, name := range specialNames {
		rows, ok := ref[name]
		require.Truef(t, ok, "no reference rows for %s", name)
		t.Run(name, func(t *testing.T) {
			require.NotEmpty(t, rows)
			maxRel, worst := 0.0, ""
			for _, row := range rows {
				args := make([]float64, len(row)-1)
				for i, s := range row[:len(row)-1] {
					v, err := strconv.ParseFloat(s, 64)
					require.NoError(t, err)
					args[i] = v
				}
				var got float64
				if f, ok := special1[name]; ok {
					require.Len(t, args, 1)
					got = f(args[0])
				} else {
					require.Len(t, args, 2)
					got = special2[name](args[0], args[1])
				}
				kind, e, ok := specialErr(got, row[len(row)-1])
				assert.Truef(t, ok, "%s%v = %v, want %s (%s error %.3g)",
					name, args, got, row[len(row)-1], kind, e)
				if kind == "rel" && e > maxRel {
					maxRel, worst = e, fmt.Sprint(args)
				}
			}
			t.Logf("%-10s %3d points, max relative error %.3g at %s",
				name, len(rows), maxRel, worst)
		})
	}
}

// TestSpecialPPND16 checks the AS241 approximations on their own, without
// Ndtri's Newton step, so a mistyped coefficient cannot hide behind it.
// Wichura (1988) claims about 1e-16 for p ≥ 1e-300; the measured worst case
// of the raw approximations (40000 random p, subnormal p included) is
// 7.1e-16, so 1e-14 leaves room without masking a wrong coefficient, which
// costs orders of magnitude.
func TestSpecialPPND16(t *testing.T) {
	ref := loadSpecialRef(t)
	for _, row := range ref["Ndtri"] {
		p, err := strconv.ParseFloat(row[0], 64)
		require.NoError(t, err)
		if p == 0 || p == 1 {
			continue
		}
		var x float64
		if q := p - 0.5; math.Abs(q) <= 0.425 {
			x = ppnd16Central(q)
		} else if q < 0 {
			x = ppnd16Tail(p)
		} else {
			x = -ppnd16Tail(1 - p)
		}
		kind, e, ok := specialErr(x, row[1])
		if kind == "exact" {
			continue // p = 1/2
		}
		assert.Truef(t, ok && e <= 1e-14, "ppnd16(%v) = %v, want %s (error %.3g)", p, x, row[1], e)
	}
}

// TestSpecialSpecialCases checks the documented special cases exactly,
// signs of zeros included, and that no function panics on NaN, ±Inf or ±0.
func TestSpecialSpecialCases(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	negZero := math.Copysign(0, -1)
	edge := []float64{nan, inf, -inf, 0, negZero, 1, -1, 0.5, 1e300, -1e300, 5e-324}
	for _, name := range specialNames {
		for _, x := range edge {
			if f, ok := special1[name]; ok {
				assert.NotPanicsf(t, func() { f(x) }, "%s(%v)", name, x)
				continue
			}
			for _, y := range edge {
				assert.NotPanicsf(t, func() { special2[name](x, y) }, "%s(%v, %v)", name, x, y)
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
		{"Log1p(+Inf)", Log1p(inf), inf},
		{"Log1p(-0)", Log1p(negZero), negZero},
		{"Log1p(-1)", Log1p(-1), -inf},
		{"Log1p(-2)", Log1p(-2), nan},
		{"Log1p(NaN)", Log1p(nan), nan},
		{"Expm1(+Inf)", Expm1(inf), inf},
		{"Expm1(-Inf)", Expm1(-inf), -1},
		{"Expm1(-0)", Expm1(negZero), negZero},
		{"Expm1(NaN)", Expm1(nan), nan},
		{"Softplus(+Inf)", Softplus(inf), inf},
		{"Softplus(-Inf)", Softplus(-inf), 0},
		{"Softplus(NaN)", Softplus(nan), nan},
		{"Softplus(-745)", Softplus(-745), 5e-324}, // e^x down to the last subnormal
		{"LogSigmoid(+Inf)", LogSigmoid(inf), negZero},
		{"LogSigmoid(-Inf)", LogSigmoid(-inf), -inf},
		{"LogSigmoid(NaN)", LogSigmoid(nan), nan},
		{"Sigmoid(+Inf)", Sigmoid(inf), 1},
		{"Sigmoid(-Inf)", Sigmoid(-inf), 0},
		{"Sigmoid(NaN)", Sigmoid(nan), nan},
		{"Erf(+Inf)", Erf(inf), 1},
		{"Erf(-Inf)", Erf(-inf), -1},
		{"Erf(NaN)", Erf(nan), nan},
		{"Erfc(+Inf)", Erfc(inf), 0},
		{"Erfc(-Inf)", Erfc(-inf), 2},
		{"Erfc(NaN)", Erfc(nan), nan},
		{"Ndtr(+Inf)", Ndtr(inf), 1},
		{"Ndtr(-Inf)", Ndtr(-inf), 0},
		{"Ndtr(0)", Ndtr(0), 0.5},
		{"Ndtr(NaN)", Ndtr(nan), nan},
		{"LogNdtr(+Inf)", LogNdtr(inf), 0},
		{"LogNdtr(-Inf)", LogNdtr(-inf), -inf},
		{"LogNdtr(NaN)", LogNdtr(nan), nan},
		{"Ndtri(0)", Ndtri(0), -inf},
		{"Ndtri(1)", Ndtri(1), inf},
		{"Ndtri(0.5)", Ndtri(0.5), 0},
		{"Ndtri(-0)", Ndtri(negZero), -inf},
		{"Ndtri(-1e-300)", Ndtri(-1e-300), nan},
		{"Ndtri(1+2^-52)", Ndtri(1 + 0x1p-52), nan},
		{"Ndtri(+Inf)", Ndtri(inf), nan},
		{"Ndtri(NaN)", Ndtri(nan), nan},
		{"XLogY(0, 0)", XLogY(0, 0), 0},
		{"XLogY(0, -1)", XLogY(0, -1), 0},
		{"XLogY(0, +Inf)", XLogY(0, inf), 0},
		{"XLogY(-0, 2)", XLogY(negZero, 2), 0},
		{"XLogY(0, NaN)", XLogY(0, nan), nan},
		{"XLogY(NaN, 1)", XLogY(nan, 1), nan},
		{"XLogY(1, 0)", XLogY(1, 0), -inf},
		{"XLogY(1, -1)", XLogY(1, -1), nan},
		{"XLog1pY(0, -1)", XLog1pY(0, -1), 0},
		{"XLog1pY(0, -2)", XLog1pY(0, -2), 0},
		{"XLog1pY(0, NaN)", XLog1pY(0, nan), nan},
		{"XLog1pY(1, -1)", XLog1pY(1, -1), -inf},
		{"XLog1pY(1, -2)", XLog1pY(1, -2), nan},
	} {
		same(c.got, c.want, c.name)
	}

	// Far tails as plain literals (mpmath), to the contract's tolerance.
	assert.InEpsilon(t, -37.047096299361201, Ndtri(1e-300), specialRelTol)
	assert.InEpsilon(t, -9.262340089798407, Ndtri(1e-20), specialRelTol)
	assert.InEpsilon(t, 8.2095361516013874, Ndtri(0.9999999999999999), specialRelTol)
	assert.InEpsilon(t, -5e19-math.Log(1e10)-0.5*math.Log(2*math.Pi), LogNdtr(-1e10), specialRelTol)
	// For p ≥ 1/2, 1-p is exact and Ndtri works from it: exact symmetry.
	for _, p := range []float64{0.5 + 0x1p-53, 0.7, 0.925, 0.93, 0.99, 1 - 1e-10, 0.9999999999999999} {
		assert.Equalf(t, -Ndtri(1-p), Ndtri(p), "Ndtri(%v) = -Ndtri(1-%[1]v)", p)
	}
}

var specialSink float64

// BenchmarkSpecial times each function over a spread of arguments that
// visits all its branches.
func BenchmarkSpecial(b *testing.B) {
	xs := []float64{-40, -25, -8, -3, -1.3, -0.6, -0.1, -1e-9, 0, 1e-9, 0.1, 0.6, 1.3, 3, 8, 25, 40}
	ps := []float64{1e-300, 1e-40, 1e-12, 1e-5, 0.01, 0.05, 0.2, 0.4, 0.5, 0.6, 0.8, 0.95, 0.99, 1 - 1e-5, 1 - 1e-12, 1 - 1e-16}
	ys := []float64{1e-300, 1e-5, 0.3, 0.9, 1, 1.1, 3, 1e5, 1e300}
	for _, name := range specialNames {
		b.Run(name, func(b *testing.B) {
			var s float64
			switch f1, f2 := special1[name], special2[name]; {
			case name == "Ndtri":
				for i := 0; b.Loop(); i++ {
					s += f1(ps[i%len(ps)])
				}
			case f1 != nil:
				for i := 0; b.Loop(); i++ {
					s += f1(xs[i%len(xs)])
				}
			default:
				for i := 0; b.Loop(); i++ {
					s += f2(xs[i%len(xs)], ys[i%len(ys)])
				}
			}
			specialSink = s
		})
	}
}
