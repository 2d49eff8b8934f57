package distributions_test

import (
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Reference values marked "mpmath" were computed with mpmath at 50 digits
// from the exact binary value of each float64 input, then rounded once.

var (
	_ distributions.Distribution  = (*distributions.Pareto)(nil)
	_ distributions.RSampler      = (*distributions.Pareto)(nil)
	_ distributions.LogProbGrader = (*distributions.Pareto)(nil)
	_ distributions.LogProbIntoer = (*distributions.Pareto)(nil)
	_ distributions.CDFer         = (*distributions.Pareto)(nil)
	_ distributions.ICDFer        = (*distributions.Pareto)(nil)
	_ distributions.Meaner        = (*distributions.Pareto)(nil)
	_ distributions.Variancer     = (*distributions.Pareto)(nil)
	_ distributions.StdDever      = (*distributions.Pareto)(nil)
	_ distributions.Moder         = (*distributions.Pareto)(nil)
	_ distributions.Entropier     = (*distributions.Pareto)(nil)
)

// paretoOracle applies f(x, s, α) elementwise over x, scale and alpha
// broadcast (by the tests' own bcast) to out.
func paretoOracle(t testing.TB, x, scale, alpha *tensor.Dense, out []int, f func(x, s, a float64) float64) []float64 {
	t.Helper()
	xs := bcast(data64(t, x), shapeOf(x), out)
	ss := bcast(data64(t, scale), shapeOf(scale), out)
	as := bcast(data64(t, alpha), shapeOf(alpha), out)
	want := make([]float64, len(xs))
	for i := range want {
		want[i] = f(xs[i], ss[i], as[i])
	}
	return want
}

func paretoGonumLogProb(x, s, a float64) float64 { return distuv.Pareto{Xm: s, Alpha: a}.LogProb(x) }

func TestParetoLogProb(t *testing.T) {
	t.Parallel()
	inf := math.Inf(1)
	tests := []struct {
		name            string
		scale, alpha, x *tensor.Dense
		wantShape       []int
		want            []float64 // nil: gonum's distuv.Pareto over the broadcast
		rel             float64   // 0: tol64
	}{
		{name: "s 1, α 3 at 2", scale: s64(1), alpha: s64(3), x: s64(2), wantShape: []int{},
			want: []float64{-1.6739764335716716}}, // mpmath: log 3 - 4 log 2
		{name: "at the boundary x = s: log(α/s)", scale: f64(1, 0.5, 1e-300), alpha: f64(1, 2.5, 2), x: f64(1, 0.5, 1e-300), wantShape: []int{3},
			want: []float64{0, math.Log(5), 691.4686750787737}}, // mpmath
		{name: "below the support: -Inf", scale: s64(2), alpha: s64(3), x: f64(1.999999, 0, -1, math.Inf(-1)), wantShape: []int{4},
			want: []float64{-inf, -inf, -inf, -inf}},
		{name: "x = +Inf", scale: s64(2), alpha: s64(3), x: s64(inf), wantShape: []int{}, want: []float64{-inf}},
		{name: "scalar params, vector value", scale: s64(0.5), alpha: s64(2.5), x: f64(0.5, 0.75, 1, 7, 1e3), wantShape: []int{5}},
		{name: "(3,1) params vs (4) value", scale: sh(f64(0.5, 1, 2), 3, 1), alpha: sh(f64(0.7, 3, 12), 3, 1),
			x: f64(2, 2.5, 4, 100), wantShape: []int{3, 4}},
		{name: "scale (3,1), alpha (4), value (2,1,1)", scale: sh(f64(0.5, 1, 2), 3, 1), alpha: f64(0.3, 1, 2, 8),
			x: sh(f64(2.25, 7), 2, 1, 1), wantShape: []int{2, 3, 4}},
		// Near x = s the formula log α + α log s - (α+1) log x (gonum's,
		// torch's) cancels; log(α/s) - (α+1)·log1p((x-s)/s) does not.
		{name: "huge α just above s", scale: s64(1), alpha: s64(1e6), x: s64(1 + 0x1p-40), wantShape: []int{},
			want: []float64{13.815509648468662}}, // mpmath
		{name: "α 1e10, x/s = 1.0000000000333", scale: s64(2.9999999999), alpha: s64(1e10), x: s64(3), wantShape: []int{},
			want: []float64{21.593905280353333}, rel: 1e-13}, // mpmath; (α+1)·t ≈ 0.33 carries t's rounding, 3 ulps
		{name: "x/s overflows", scale: f64(1e-300, 1e-308), alpha: f64(0.5, 3), x: f64(1e300, 1e308), wantShape: []int{2},
			want: []float64{-1382.2442029769873, -4963.274848206494}}, // mpmath
		{name: "tiny α, x/s 1e300", scale: s64(1), alpha: s64(0.01), x: s64(1e300), wantShape: []int{},
			want: []float64{-702.288453363184}}, // mpmath
		{name: "α 1e-300", scale: s64(1), alpha: s64(1e-300), x: s64(1.5), wantShape: []int{},
			want: []float64{-691.1809930063218}}, // mpmath
		{name: "subnormal scale", scale: s64(5e-324), alpha: s64(1), x: f64(5e-324, 1e-323), wantShape: []int{2},
			want: []float64{744.4400719213812, 743.0537775602613}}, // mpmath
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// unvalidated, so that values below the support are scored
			d, err := distributions.NewPareto(tc.scale, tc.alpha, distributions.WithValidation(false))
			require.NoError(t, err)
			got, err := d.LogProb(tc.x)
			require.NoError(t, err)
			require.Equal(t, tc.wantShape, shapeOf(got))
			require.Equal(t, tensor.Float64, got.Dtype())
			want, rel := tc.want, tc.rel
			if rel == 0 {
				rel = tol64
			}
			if want == nil {
				want = paretoOracle(t, tc.x, tc.scale, tc.alpha, tc.wantShape, paretoGonumLogProb)
				// gonum's log α + α log s - (α+1) log x rounds each term:
				// up to ~1e-15 of their magnitudes (|log x| ≤ 7, α ≤ 12 here).
				rel = 1e-13
			}
			close(t, want, data64(t, got), rel, 0)
		})
	}
}

func TestParetoErrors(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	type constraint struct {
		name  string
		index []int
	}
	tests := []struct {
		name            string
		scale, alpha, x *tensor.Dense // x nil: the constructor must fail
		wantErr         error
		wantCons        *constraint
		wantMsg         []string
	}{
		{name: "alpha -1", scale: s64(1), alpha: s64(-1), wantErr: distributions.ErrParam,
			wantCons: &constraint{"alpha", []int{}}, wantMsg: []string{"pareto", "alpha", "> 0"}},
		{name: "alpha 0 at [2]", scale: s64(1), alpha: f64(1, 2, 0), wantErr: distributions.ErrParam,
			wantCons: &constraint{"alpha", []int{2}}, wantMsg: []string{"alpha", "[2]"}},
		{name: "scale 0 at (1, 0)", scale: sh(f64(1, 2, 0, 3), 2, 2), alpha: s64(1), wantErr: distributions.ErrParam,
			wantCons: &constraint{"scale", []int{1, 0}}, wantMsg: []string{"scale", "> 0", "[1 0]"}},
		{name: "scale NaN", scale: f64(nan), alpha: f64(1, 2), wantErr: distributions.ErrParam,
			wantCons: &constraint{"scale", []int{0}}},
		{name: "alpha NaN", scale: s64(1), alpha: f64(2, nan), wantErr: distributions.ErrParam,
			wantCons: &constraint{"alpha", []int{1}}},
		{name: "scale (3) and alpha (2) do not broadcast", scale: f64(1, 2, 3), alpha: f64(1, 2), wantErr: distributions.ErrShape,
			wantMsg: []string{"pareto", "scale and alpha", "(3", "(2"}},
		{name: "mixed dtypes", scale: f32(1), alpha: f64(1), wantErr: distributions.ErrDType},
		{name: "nil alpha", scale: s64(1), alpha: nil, wantErr: distributions.ErrParam, wantMsg: []string{"alpha"}},
		{name: "value below scale", scale: f64(1, 2), alpha: s64(3), x: sh(f64(1, 2, 1, 1.5), 2, 2), wantErr: distributions.ErrSupport,
			wantCons: &constraint{"value", []int{1, 1}}, wantMsg: []string{"value", ">= scale", "1.5"}},
		{name: "NaN value", scale: s64(1), alpha: s64(3), x: f64(2, nan), wantErr: distributions.ErrSupport,
			wantCons: &constraint{"value", []int{1}}},
		{name: "value (4) vs batch (3)", scale: f64(1, 2, 3), alpha: s64(1), x: f64(4, 4, 4, 4), wantErr: distributions.ErrShape},
		{name: "float32 value, float64 params", scale: s64(1), alpha: s64(1), x: f32(2), wantErr: distributions.ErrDType},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var err error
			d, cerr := distributions.NewPareto(tc.scale, tc.alpha)
			if tc.x == nil {
				require.Nil(t, d)
				err = cerr
			} else {
				require.NoError(t, cerr)
				_, err = d.LogProb(tc.x)
				_, gerr := d.LogProbGrad(tc.x)
				require.ErrorIs(t, gerr, tc.wantErr)
				require.ErrorIs(t, d.LogProbInto(nil, tc.x), tc.wantErr)
				_, cdfErr := d.CDF(tc.x) // CDF checks the support alike
				require.ErrorIs(t, cdfErr, tc.wantErr)
			}
			require.ErrorIs(t, err, tc.wantErr)
			for _, other := range []error{distributions.ErrParam, distributions.ErrShape, distributions.ErrSupport, distributions.ErrDType} {
				if other != tc.wantErr {
					require.NotErrorIs(t, err, other)
				}
			}
			if tc.wantCons != nil {
				var ce *distributions.ConstraintError
				require.ErrorAs(t, err, &ce)
				assert.Equal(t, "pareto", ce.Family)
				assert.Equal(t, tc.wantCons.name, ce.Name)
				assert.Equal(t, tc.wantCons.index, ce.Index)
			}
			for _, s := range tc.wantMsg {
				assert.Contains(t, err.Error(), s)
			}
		})
	}
	t.Run("without validation", func(t *testing.T) {
		t.Parallel()
		off := distributions.WithValidation(false)
		d, err := distributions.NewPareto(f64(-1, 1), f64(1, 0), off)
		require.NoError(t, err)
		assert.False(t, d.Validating())
		_, err = d.LogProb(s64(2))
		require.NoError(t, err)
		_, err = d.LogProbGrad(s64(2))
		require.NoError(t, err)
		_, err = distributions.NewPareto(f64(1, 2), f64(1, 2, 3), off)
		require.ErrorIs(t, err, distributions.ErrShape)
		d, err = distributions.NewPareto(s64(1), s64(2), off)
		require.NoError(t, err)
		q, err := d.ICDF(f64(-0.5, 1.5))
		require.NoError(t, err)
		assert.Len(t, data64(t, q), 2)
	})
}

func TestParetoCDF(t *testing.T) {
	t.Parallel()
	t.Run("mpmath, tails included", func(t *testing.T) {
		t.Parallel()
		d, err := distributions.NewPareto(
			f64(1, 1, 1, 1, 1, 1e-300, 1, 2, 1, 2),
			f64(1, 3, 3, 2, 0.5, 0.01, 1e-290, 0.5, 200, 3))
		require.NoError(t, err)
		got, err := d.CDF(f64(1+0x1p-52, 1+1e-10, 2, 1e10, 1e100, 1e300, 1+0x1p-52, 3, 1.25, 2))
		require.NoError(t, err)
		want := []float64{ // mpmath, -expm1(α·log(s/x))
			2.2204460492503126e-16, 3.000000247621113e-10, 0.875, 1, 1, 0.999999,
			2.220446049250313e-306, 0.18350341907227397, 1, 0}
		close(t, want, data64(t, got), tol64, 0)
	})
	t.Run("below the support is 0", func(t *testing.T) {
		t.Parallel()
		d, err := distributions.NewPareto(s64(2), s64(3), distributions.WithValidation(false))
		require.NoError(t, err)
		got, err := d.CDF(f64(1.999, 0, -5, math.Inf(-1), math.Inf(1)))
		require.NoError(t, err)
		close(t, []float64{0, 0, 0, 0, 1}, data64(t, got), 0, 0)
	})
	t.Run("broadcast vs gonum", func(t *testing.T) {
		t.Parallel()
		scale, alpha, x := sh(f64(0.5, 1, 2), 3, 1), f64(0.3, 1, 2.5, 9), sh(f64(2, 3.5, 40), 3, 1, 1)
		d, err := distributions.NewPareto(scale, alpha)
		require.NoError(t, err)
		got, err := d.CDF(x)
		require.NoError(t, err)
		out := []int{3, 3, 4}
		require.Equal(t, out, shapeOf(got))
		want := paretoOracle(t, x, scale, alpha, out, func(x, s, a float64) float64 { return distuv.Pareto{Xm: s, Alpha: a}.CDF(x) })
		// gonum rounds s/x and α·log(s/x) separately: a few ulps of F's
		// exponent, α·|log(s/x)| ≤ 40 here, so 1e-14·40 relative at most.
		close(t, want, data64(t, got), 5e-13, 0)
	})
}

func TestParetoICDF(t *testing.T) {
	t.Parallel()
	t.Run("mpmath, tails included", func(t *testing.T) {
		t.Parallel()
		d, err := distributions.NewPareto(
			f64(1, 2, 1, 1, 1, 1e-300, 3, 1e300, 1e-300, 1e-300),
			f64(1, 3, 2, 0.5, 1, 0.01, 1e-3, 2, 0.05, 0.049))
		require.NoError(t, err)
		got, err := d.ICDF(f64(1e-300, 1e-10, 0.5, 0.999, 1-0x1p-53, 1-0x1p-53, 0.9, 0.25, 1-0x1p-53, 1-0x1p-53))
		require.NoError(t, err)
		want := []float64{1, 2.0000000000666667, 1.4142135623730951, 999999.9999999983, 9007199254740992,
			math.Inf(1), math.Inf(1), 1.1547005383792516e+300, 1.235365315596328e+19, 4.016732044987155e+25} // mpmath
		g := data64(t, got)
		close(t, want[:8], g[:8], tol64, 0)
		// s·e^y with e^y overflowing (y = 734, 749): e^(y + log s), whose
		// argument rounds to ~|y|·ε (paretoScaleExp): 2e-13 relative.
		close(t, want[8:], g[8:], 2e-13, 0)
	})
	t.Run("ends of [0, 1]", func(t *testing.T) {
		t.Parallel()
		d, err := distributions.NewPareto(f64(0.5, 3), s64(2))
		require.NoError(t, err)
		got, err := d.ICDF(sh(f64(0, 1), 2, 1))
		require.NoError(t, err)
		close(t, []float64{0.5, 3, math.Inf(1), math.Inf(1)}, data64(t, got), 0, 0)
	})
	t.Run("inverts CDF", func(t *testing.T) {
		t.Parallel()
		scale, alpha := sh(f64(0.5, 1, 2), 3, 1), f64(0.3, 1, 2.5, 9)
		d, err := distributions.NewPareto(scale, alpha)
		require.NoError(t, err)
		u := sh(f64(1e-12, 1e-6, 0.01, 0.3, 0.5, 0.7, 0.99, 1-1e-6), 8, 1, 1)
		x, err := d.ICDF(u)
		require.NoError(t, err)
		out := []int{8, 3, 4}
		require.Equal(t, out, shapeOf(x))
		back, err := d.CDF(x)
		require.NoError(t, err)
		// x·F'(x) = α(1-u), so x's rounding (a few ε relative) moves F by
		// about α(1-u)·4ε absolute; F itself adds a few ε·u.
		us := bcast(data64(t, u), []int{8, 1, 1}, out)
		as := bcast(data64(t, alpha), []int{4}, out)
		for i, b := range data64(t, back) {
			bound := 4 * 0x1p-52 * (as[i]*(1-us[i]) + us[i])
			assert.LessOrEqual(t, math.Abs(b-us[i]), bound, "u %g, α %g: CDF(ICDF(u)) = %g", us[i], as[i], b)
		}
	})
	t.Run("u outside [0, 1]", func(t *testing.T) {
		t.Parallel()
		d, err := distributions.NewPareto(s64(1), s64(2))
		require.NoError(t, err)
		for _, u := range []float64{-0.1, 1.5, math.NaN()} {
			_, err := d.ICDF(f64(0.5, u))
			var ce *distributions.ConstraintError
			require.ErrorAs(t, err, &ce, "u = %v", u)
			require.ErrorIs(t, err, distributions.ErrSupport)
			assert.Equal(t, []int{1}, ce.Index)
		}
	})
}

func TestParetoMoments(t *testing.T) {
	t.Parallel()
	scale, alpha := sh(f64(0.5, 1, 2), 3, 1), f64(0.5, 1, 1.5, 2, 2.5, 9)
	d, err := distributions.NewPareto(scale, alpha)
	require.NoError(t, err)
	batch := []int{3, 6}
	require.Equal(t, batch, d.BatchShape())
	require.Equal(t, []int{}, d.EventShape())
	ss, as := bcast(data64(t, scale), []int{3, 1}, batch), bcast(data64(t, alpha), []int{6}, batch)
	n := len(ss)
	mean, variance, stddev, entropy := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range ss {
		g := distuv.Pareto{Xm: ss[i], Alpha: as[i]} // +Inf mean for α ≤ 1, variance for α ≤ 2, as torch's clamps
		mean[i], variance[i], stddev[i], entropy[i] = g.Mean(), g.Variance(), g.StdDev(), g.Entropy()
	}
	tests := []struct {
		name string
		got  *tensor.Dense
		want []float64
	}{
		{"mean", must(d.Mean()), mean},
		{"mode", must(d.Mode()), ss},
		{"variance", must(d.Variance()), variance},
		{"stddev", must(d.StdDev()), stddev},
		{"entropy", must(d.Entropy()), entropy},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, batch, shapeOf(tc.got))
			require.Equal(t, tensor.Float64, tc.got.Dtype())
			// gonum and ours round in different orders; the entropy's terms
			// log s, log α, 1 and 1/α cancel to |H| ≈ 0.2 at worst here, where
			// the measured difference is 1.6e-15 relative.
			close(t, tc.want, data64(t, tc.got), 4e-15, 0)
		})
	}
	t.Run("golden alpha-small-batch", func(t *testing.T) {
		d, err := distributions.NewPareto(s64(1), f64(0.5, 1.5, 2.5))
		require.NoError(t, err)
		inf := math.Inf(1)
		close(t, []float64{inf, 3, 1.6666666666666667}, data64(t, must(d.Mean())), tol64, 0)
		close(t, []float64{inf, inf, 2.2222222222222223}, data64(t, must(d.Variance())), tol64, 0)
		close(t, []float64{inf, inf, 1.4907119849998598}, data64(t, must(d.StdDev())), tol64, 0)
	})
	t.Run("entropy, mpmath", func(t *testing.T) {
		d, err := distributions.NewPareto(f64(1, 1e-300, 1e300, 2, 1), f64(1, 1e300, 1e-300, 0.5, 1e6))
		require.NoError(t, err)
		close(t, []float64{2, -1380.5510557964274, 9.999999999999999e+299, 4.386294361119891, -12.815509557964274},
			data64(t, must(d.Entropy())), tol64, 0)
	})
	t.Run("stddev past the variance's overflow", func(t *testing.T) {
		d, err := distributions.NewPareto(s64(1e200), s64(3))
		require.NoError(t, err)
		assert.True(t, math.IsInf(data64(t, must(d.Variance()))[0], 1))
		close(t, []float64{0.8660254037844386e200}, data64(t, must(d.StdDev())), tol64, 0) // s/2·√3
		close(t, []float64{1.5e200}, data64(t, must(d.Mean())), tol64, 0)
	})
	t.Run("accessors", func(t *testing.T) {
		assert.Same(t, scale, d.Scale())
		assert.Same(t, alpha, d.Alpha())
	})
}

func TestParetoLogProbInto(t *testing.T) {
	t.Parallel()
	for _, dt := range []string{"f64", "f32"} {
		scale, alpha, x := sh(f64(0.5, 1, 2), 3, 1), f64(0.5, 1, 2, 4), sh(f64(seq(2, 9, 8)...), 2, 1, 4)
		dst := must(tensor.Zeros[float64](2, 3, 4))
		if dt == "f32" {
			scale, alpha, x, dst = to32(scale), to32(alpha), to32(x), to32(dst)
		}
		d, err := distributions.NewPareto(scale, alpha)
		require.NoError(t, err)
		lp, err := d.LogProb(x)
		require.NoError(t, err)
		require.NoError(t, d.LogProbInto(dst, x))
		require.Equal(t, data64(t, lp), data64(t, dst), dt)
		require.ErrorIs(t, d.LogProbInto(must(tensor.Zeros[float64](3, 4)), x), distributions.ErrShape)
	}
}

// paretoGradCase is a Pareto over scale and alpha and a value x, with the
// shape of log_prob.
type paretoGradCase struct {
	name                        string
	xShape, scShape, alphaShape []int
	out, upstreamShape          []int // upstreamShape nil: out
}

// paretoRefSum is Σ w·log p(x) over the broadcast with gonum's textbook
// formula: the function the finite differences differentiate.
func paretoRefSum(c paretoGradCase, x, scale, alpha, w []float64) float64 {
	xs, ss, as := bcast(x, c.xShape, c.out), bcast(scale, c.scShape, c.out), bcast(alpha, c.alphaShape, c.out)
	var s float64
	for i := range xs {
		lp := paretoGonumLogProb(xs[i], ss[i], as[i])
		if w != nil {
			lp *= w[i]
		}
		s += lp
	}
	return s
}

func TestParetoLogProbGrad(t *testing.T) {
	t.Parallel()
	cases := []paretoGradCase{
		{name: "scale (3,1), alpha (4), x (2,3,4)", xShape: []int{2, 3, 4}, scShape: []int{3, 1}, alphaShape: []int{4}, out: []int{2, 3, 4}},
		{name: "scale (4), alpha (3,1), x (2,1,1)", xShape: []int{2, 1, 1}, scShape: []int{4}, alphaShape: []int{3, 1}, out: []int{2, 3, 4},
			upstreamShape: []int{3, 1}},
		{name: "scalar scale, alpha (2,1,4), x (3,1)", xShape: []int{3, 1}, scShape: []int{}, alphaShape: []int{2, 1, 4}, out: []int{2, 3, 4},
			upstreamShape: []int{4}},
		{name: "all scalar", xShape: []int{}, scShape: []int{}, alphaShape: []int{}, out: []int{}},
	}
	for k, c := range cases {
		for _, vjp := range []bool{false, true} {
			name := c.name
			if vjp {
				name += "/vjp"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				r := rand.New(rand.NewPCG(uint64(k), 17))
				fill := func(shp []int, lo, hi float64) []float64 {
					v := make([]float64, sizeOf(shp))
					for i := range v {
						v[i] = lo + (hi-lo)*r.Float64()
					}
					return v
				}
				// x ≥ 2 > scale: every element inside the support, away from its edge
				x, scale, alpha := fill(c.xShape, 2, 6), fill(c.scShape, 0.5, 1.5), fill(c.alphaShape, 0.5, 4)
				d, err := distributions.NewPareto(must(tensor.New(scale, c.scShape...)), must(tensor.New(alpha, c.alphaShape...)))
				require.NoError(t, err)
				xt := must(tensor.New(x, c.xShape...))
				var (
					w []float64
					g *distributions.Gradient
				)
				if vjp {
					us := c.upstreamShape
					if us == nil {
						us = c.out
					}
					u := seq(-2, 1.5, sizeOf(us))
					for i := range u {
						u[i] += 0.1
					}
					w = bcast(u, us, c.out)
					g, err = d.LogProbVJP(xt, must(tensor.New(u, us...)))
				} else {
					g, err = d.LogProbGrad(xt)
				}
				require.NoError(t, err)
				close(t, []float64{paretoRefSum(c, x, scale, alpha, w)}, []float64{g.LogProb}, 1e-13, 0)
				require.Equal(t, c.xShape, shapeOf(g.Value))
				require.Len(t, g.Params, 2)
				require.Equal(t, c.scShape, shapeOf(g.Params["scale"]))
				require.Equal(t, c.alphaShape, shapeOf(g.Params["alpha"]))

				wantX := centralDiff(func(v []float64) float64 { return paretoRefSum(c, v, scale, alpha, w) }, x, 1e-5)
				wantS := centralDiff(func(v []float64) float64 { return paretoRefSum(c, x, v, alpha, w) }, scale, 1e-5)
				wantA := centralDiff(func(v []float64) float64 { return paretoRefSum(c, x, scale, v, w) }, alpha, 1e-5)
				gotX, gotS, gotA := data64(t, g.Value), data64(t, g.Params["scale"]), data64(t, g.Params["alpha"])
				for _, v := range [][]float64{wantX, wantS, wantA} {
					requireFinite(t, v)
				}
				close(t, wantX, gotX, gradTol, gradTol)
				close(t, wantS, gotS, gradTol, gradTol)
				close(t, wantA, gotA, gradTol, gradTol)
				t.Logf("max rel err vs central differences: x %.2g, scale %.2g, alpha %.2g",
					maxRelErr(wantX, gotX, 1), maxRelErr(wantS, gotS, 1), maxRelErr(wantA, gotA, 1))
			})
		}
	}
	t.Run("analytic partials", func(t *testing.T) {
		t.Parallel()
		// s 1, α 3, x 2: ∂x = -(α+1)/x = -2, ∂s = α/s = 3, ∂α = 1/α - log 2.
		// Golden pareto/scalar: s 1.2846, α 5.7288, x 3.591.
		d, err := distributions.NewPareto(f64(1, 1.2846), f64(3, 5.7288))
		require.NoError(t, err)
		g, err := d.LogProbGrad(f64(2, 3.591))
		require.NoError(t, err)
		close(t, []float64{-2, -6.7288 / 3.591}, data64(t, g.Value), tol64, 0)
		close(t, []float64{3, 4.459598318542738}, data64(t, g.Params["scale"]), tol64, 0)
		close(t, []float64{1.0/3 - math.Ln2, -0.8534267032328614}, data64(t, g.Params["alpha"]), 1e-14, 0)
	})
	t.Run("below the support: -Inf, zero partials; masked: left out", func(t *testing.T) {
		t.Parallel()
		d, err := distributions.NewPareto(f64(2, 1), s64(3), distributions.WithValidation(false))
		require.NoError(t, err)
		g, err := d.LogProbGrad(f64(1, 2))
		require.NoError(t, err)
		assert.True(t, math.IsInf(g.LogProb, -1))
		close(t, []float64{0, -2}, data64(t, g.Value), tol64, 0)
		close(t, []float64{0, 3}, data64(t, g.Params["scale"]), tol64, 0)
		// weight 0 on the -Inf element: the sum and partials are the other's
		v, err := d.LogProbVJP(f64(1, 2), f64(0, 1))
		require.NoError(t, err)
		close(t, []float64{math.Log(3) - 4*math.Ln2}, []float64{v.LogProb}, tol64, 0)
		close(t, []float64{1.0/3 - math.Ln2}, data64(t, v.Params["alpha"]), tol64, 0)
	})
}

// TestParetoFloat32 evaluates one distribution in float32 and float64 on
// the same float32-representable inputs; the kernels compute in float64 and
// round once, so tol32.
func TestParetoFloat32(t *testing.T) {
	t.Parallel()
	scale32, alpha32 := sh(f32(0.5, 1, 2), 3, 1), f32(0.5, 2, 3.5, 9)
	x32 := sh(to32(f64(seq(2, 11, 24)...)), 2, 3, 4)
	d32, err := distributions.NewPareto(scale32, alpha32)
	require.NoError(t, err)
	d64, err := distributions.NewPareto(to64(scale32), to64(alpha32))
	require.NoError(t, err)
	type op func(d *distributions.Pareto, x distributions.Value) (*tensor.Dense, error)
	pair := func(name string, f op, x32 *tensor.Dense) {
		a, err := f(d32, x32)
		require.NoError(t, err, name)
		var x64 *tensor.Dense
		if x32 != nil {
			x64 = to64(x32)
		}
		b, err := f(d64, x64)
		require.NoError(t, err, name)
		require.Equal(t, tensor.Float32, a.Dtype(), name)
		require.Equal(t, shapeOf(b), shapeOf(a), name)
		close(t, data64(t, b), data64(t, a), tol32, 0)
	}
	pair("log_prob", (*distributions.Pareto).LogProb, x32)
	pair("cdf", (*distributions.Pareto).CDF, x32)
	pair("icdf", (*distributions.Pareto).ICDF, sh(f32(0, 0.001, 0.5, 0.9, 0.999), 5, 1, 1))
	for name, m := range map[string]func(*distributions.Pareto) (*tensor.Dense, error){
		"mean": (*distributions.Pareto).Mean, "variance": (*distributions.Pareto).Variance,
		"stddev": (*distributions.Pareto).StdDev, "mode": (*distributions.Pareto).Mode,
		"entropy": (*distributions.Pareto).Entropy,
	} {
		pair(name, func(d *distributions.Pareto, _ distributions.Value) (*tensor.Dense, error) { return m(d) }, nil)
	}
	g32, err := d32.LogProbGrad(x32)
	require.NoError(t, err)
	g64, err := d64.LogProbGrad(to64(x32))
	require.NoError(t, err)
	close(t, []float64{g64.LogProb}, []float64{g32.LogProb}, tol32, 0)
	close(t, data64(t, g64.Value), data64(t, g32.Value), tol32, 0)
	for _, p := range []string{"scale", "alpha"} {
		require.Equal(t, tensor.Float32, g32.Params[p].Dtype())
		close(t, data64(t, g64.Params[p]), data64(t, g32.Params[p]), tol32, 0)
	}
}

// paretoKS returns the KS p-value of column j of a sample of shape
// (n, batch...) against Pareto(s, α), by gonum's CDF.
func paretoKS(data []float64, j, stride int, s, a float64) float64 {
	n := len(data) / stride
	col := make([]float64, n)
	for i := range col {
		col[i] = data[i*stride+j]
	}
	return ksPValue(ksStatistic(col, distuv.Pareto{Xm: s, Alpha: a}.CDF), n)
}

func TestParetoSampleKS(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		scale, alpha *tensor.Dense
		seed         uint64
	}{
		{"s 1, α 3", s64(1), s64(3), 1},
		{"heavy tail: s 0.01, α 0.5", s64(0.01), s64(0.5), 2},
		{"narrow: s 1e3, α 50", s64(1e3), s64(50), 3},
		{"batch (2,3)", sh(f64(0.5, 4), 2, 1), f64(0.2, 1.5, 10), 4},
		{"float32", s32(2), s32(2.5), 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := distributions.NewPareto(tc.scale, tc.alpha)
			require.NoError(t, err)
			x, err := d.Sample(rand.NewPCG(tc.seed, 0x9a4e), nDraws)
			require.NoError(t, err)
			batch := d.BatchShape()
			require.Equal(t, append([]int{nDraws}, batch...), shapeOf(x))
			require.Equal(t, tc.scale.Dtype(), x.Dtype())
			stride := sizeOf(batch)
			ss := bcast(data64(t, tc.scale), shapeOf(tc.scale), batch)
			as := bcast(data64(t, tc.alpha), shapeOf(tc.alpha), batch)
			data := data64(t, x)
			for i, v := range data {
				require.GreaterOrEqual(t, v, ss[i%stride], "draw %d below the scale", i)
			}
			for j := range stride {
				p := paretoKS(data, j, stride, ss[j], as[j])
				t.Logf("Pareto(%g, %g): KS p = %.3g", ss[j], as[j], p)
				assert.GreaterOrEqual(t, p, pCritical, "Pareto(%g, %g)", ss[j], as[j])
			}
		})
	}
	t.Run("power", func(t *testing.T) {
		// The test rejects a slightly wrong sampler: Pareto(1, 3) draws
		// tested as Pareto(1, 3.1) or Pareto(1.005, 3).
		t.Parallel()
		d, err := distributions.NewPareto(s64(1), s64(3))
		require.NoError(t, err)
		x, err := d.Sample(rand.NewPCG(1, 0x9a4e), nDraws)
		require.NoError(t, err)
		data := data64(t, x)
		for _, alt := range [][2]float64{{1, 3.1}, {1.005, 3}} {
			p := paretoKS(slices.Clone(data), 0, 1, alt[0], alt[1])
			t.Logf("Pareto(1, 3) draws as Pareto(%g, %g): KS p = %.3g", alt[0], alt[1], p)
			assert.Less(t, p, pCritical)
		}
	})
}

func TestParetoSampleShapesAndSeeds(t *testing.T) {
	t.Parallel()
	d, err := distributions.NewPareto(sh(f64(1, 2, 3), 3, 1), f64(1, 2, 3, 4))
	require.NoError(t, err)
	for _, c := range []struct{ sample, want []int }{
		{nil, []int{3, 4}}, {[]int{5}, []int{5, 3, 4}}, {[]int{2, 1}, []int{2, 1, 3, 4}}, {[]int{0}, []int{0, 3, 4}},
	} {
		x, err := d.Sample(rand.NewPCG(1, 2), c.sample...)
		require.NoError(t, err)
		assert.Equal(t, c.want, shapeOf(x))
		y, err := d.RSample(rand.NewPCG(1, 2), c.sample...)
		require.NoError(t, err)
		assert.Equal(t, data64(t, x), data64(t, y), "Sample is RSample")
	}
	_, err = d.Sample(nil, 3)
	require.ErrorIs(t, err, distributions.ErrNilSource)
	_, err = d.RSample(rand.NewPCG(1, 2), -1)
	require.ErrorIs(t, err, distributions.ErrShape)

	drawn := func(seed uint64) []float64 {
		x, err := d.Sample(rand.NewPCG(seed, 3), 50)
		require.NoError(t, err)
		return data64(t, x)
	}
	a, b, c := drawn(1), drawn(1), drawn(2)
	assert.Equal(t, a, b, "same seed, same draws")
	assert.NotEqual(t, a, c, "another seed, other draws")
	assert.Equal(t, len(a), len(distinct(a)), "no repeated draws")
}

// TestParetoSampleGOMAXPROCS requires the same bits from one and from two
// goroutines above tensor.ParallelMin; it switches GOMAXPROCS, so it is not
// parallel.
func TestParetoSampleGOMAXPROCS(t *testing.T) {
	const n = 1_000_000
	require.Greater(t, n, tensor.ParallelMin)
	d, err := distributions.NewPareto(f64(1, 0.5), f64(3, 0.8))
	require.NoError(t, err)
	drawn := func(procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		x, err := d.Sample(rand.NewPCG(42, 43), n/2)
		require.NoError(t, err)
		return data64(t, x)
	}
	one, two := drawn(1), drawn(2)
	require.Len(t, one, n)
	assert.True(t, slices.Equal(one, two), "draws depend on GOMAXPROCS")
}

func FuzzPareto(f *testing.F) {
	for _, c := range [][3]float64{
		{1, 3, 2}, {1, 3, 1}, {1, 3, 0.5}, {0, 1, 1}, {-1, 1, 1}, {1, 0, 1}, {1, -2, 3},
		{math.NaN(), 1, 1}, {1, math.NaN(), 1}, {1, 1, math.NaN()}, {1e-300, 0.5, 1e300},
		{5e-324, 1, 1e-323}, {1, 1e6, 1 + 0x1p-40}, {1, 1e-300, 1.5}, {math.Inf(1), 1, math.Inf(1)},
		{1, math.Inf(1), 2}, {1, 1, math.Inf(1)},
	} {
		f.Add(c[0], c[1], c[2])
	}
	f.Fuzz(func(t *testing.T, s, a, x float64) {
		d, err := distributions.NewPareto(f64(s), f64(a))
		if !(s > 0) || !(a > 0) { // torch: both positive
			require.ErrorIs(t, err, distributions.ErrParam)
			var ce *distributions.ConstraintError
			require.ErrorAs(t, err, &ce)
			// unvalidated, the same parameters never panic either
			u, err := distributions.NewPareto(f64(s), f64(a), distributions.WithValidation(false))
			require.NoError(t, err)
			_, err = u.LogProb(f64(x))
			require.NoError(t, err)
			_, err = u.LogProbGrad(f64(x))
			require.NoError(t, err)
			_, err = u.Sample(rand.NewPCG(1, 2), 3)
			require.NoError(t, err)
			return
		}
		require.NoError(t, err)
		for _, m := range []func() (*tensor.Dense, error){d.Mean, d.Variance, d.StdDev, d.Mode, d.Entropy} {
			v := data64(t, must(m()))[0]
			require.False(t, math.IsNaN(v) && !math.IsInf(s, 0) && !math.IsInf(a, 0))
		}
		lp, err := d.LogProb(f64(x))
		g, gerr := d.LogProbGrad(f64(x))
		c, cerr := d.CDF(f64(x))
		if !(x >= s) {
			for _, e := range []error{err, gerr, cerr} {
				require.ErrorIs(t, e, distributions.ErrSupport)
			}
			return
		}
		for _, e := range []error{err, gerr, cerr} {
			require.NoError(t, e)
		}
		got := data64(t, lp)[0]
		close(t, []float64{got}, []float64{g.LogProb}, 0, 0)
		cv := data64(t, c)[0]
		require.True(t, cv >= 0 && cv <= 1 || math.IsNaN(cv) && (math.IsInf(s, 1) || math.IsInf(a, 1)), "CDF %v", cv)
		if math.IsInf(s, 0) || math.IsInf(a, 0) || math.IsInf(x, 0) {
			return
		}
		require.False(t, math.IsNaN(got), "log Pareto(%v | %v, %v) is NaN", x, s, a)
		// gonum's log α + α log s - (α+1) log x rounds each term: the error
		// is relative to the terms, not to their sum.
		terms := math.Abs(math.Log(a)) + a*math.Abs(math.Log(s)) + (a+1)*math.Abs(math.Log(x))
		if !math.IsInf(terms, 0) && x > 0x1p-1022 && s > 0x1p-1022 {
			close(t, []float64{paretoGonumLogProb(x, s, a)}, []float64{got}, 1e-13, 1e-14*(terms+1))
			// ∂/∂x = -(α+1)/x, ∂/∂s = α/s, ∂/∂α = 1/α - log(x/s)
			close(t, []float64{-(a + 1) / x}, data64(t, g.Value), 1e-14, 0)
			close(t, []float64{a / s}, data64(t, g.Params["scale"]), 1e-14, 0)
			close(t, []float64{1/a - (math.Log(x) - math.Log(s))}, data64(t, g.Params["alpha"]), 1e-13,
				1e-14*(math.Abs(math.Log(x))+math.Abs(math.Log(s))))
		}
		q, err := d.ICDF(c) // the round trip stays in the support
		require.NoError(t, err)
		require.GreaterOrEqual(t, data64(t, q)[0], s)
	})
}

func ExamplePareto_CDF() {
	d, err := distributions.NewPareto(tensor.Scalar(1.0), tensor.Vector(2.0, 0.5))
	if err != nil {
		log.Fatal(err)
	}
	x, err := tensor.New([]float64{1, 2, 4}, 3, 1)
	if err != nil {
		log.Fatal(err)
	}
	c, err := d.CDF(x)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.Shape())
	fmt.Printf("%.4f\n", c.Float64s())
	m, err := d.Mean() // +Inf for α ≤ 1
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(m.Float64s())
	// Output:
	// (3, 2)
	// [0.0000 0.0000 0.7500 0.2929 0.9375 0.5000]
	// [2 +Inf]
}

func TestParetoExpand(t *testing.T) {
	t.Parallel()
	scale, alpha := f64(1, 2, 3), s64(2.5)
	d := must(distributions.NewPareto(scale, alpha))
	assert.True(t, distributions.HasRSample(d))
	e, err := distributions.Expand(d, []int{2, 3})
	require.NoError(t, err)
	p, ok := e.(*distributions.Pareto)
	require.True(t, ok, "native Expand keeps the family, got %T", e)
	assert.Same(t, scale, p.Scale(), "parameters are shared, not copied")
	assert.Equal(t, []int{2, 3}, p.BatchShape())
	x := f64(4, 5, 6)
	lp := must(p.LogProb(x))
	require.Equal(t, []int{2, 3}, shapeOf(lp))
	row := data64(t, must(d.LogProb(x)))
	close(t, append(slices.Clone(row), row...), data64(t, lp), 0, 0)
	assert.Equal(t, []int{2, 2, 3}, shapeOf(must(p.Sample(rand.NewPCG(1, 2), 2))))
	_, err = distributions.Expand(d, []int{2})
	require.ErrorIs(t, err, distributions.ErrShape)
}
