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

// Normal has every capability the scalar continuous families share.
var (
	_ distributions.Distribution  = (*distributions.Normal)(nil)
	_ distributions.RSampler      = (*distributions.Normal)(nil)
	_ distributions.LogProbGrader = (*distributions.Normal)(nil)
	_ distributions.LogProbIntoer = (*distributions.Normal)(nil)
	_ distributions.CDFer         = (*distributions.Normal)(nil)
	_ distributions.ICDFer        = (*distributions.Normal)(nil)
	_ distributions.Meaner        = (*distributions.Normal)(nil)
	_ distributions.Variancer     = (*distributions.Normal)(nil)
	_ distributions.StdDever      = (*distributions.Normal)(nil)
	_ distributions.Moder         = (*distributions.Normal)(nil)
	_ distributions.Entropier     = (*distributions.Normal)(nil)
)

// normalOracle applies f(x, μ, σ) elementwise over x, loc and scale
// broadcast (by the tests' own bcast) to out.
func normalOracle(t testing.TB, x, loc, scale *tensor.Dense, out []int, f func(x, mu, sigma float64) float64) []float64 {
	t.Helper()
	xs := bcast(data64(t, x), shapeOf(x), out)
	ms := bcast(data64(t, loc), shapeOf(loc), out)
	ss := bcast(data64(t, scale), shapeOf(scale), out)
	want := make([]float64, len(xs))
	for i := range want {
		want[i] = f(xs[i], ms[i], ss[i])
	}
	return want
}

// gonumNormalLogProb is the oracle's log density.
func gonumNormalLogProb(x, mu, sigma float64) float64 {
	return distuv.Normal{Mu: mu, Sigma: sigma}.LogProb(x)
}

func TestNormalLogProb(t *testing.T) {
	t.Parallel()
	inf := math.Inf(1)
	tests := []struct {
		name          string
		loc, scale, x *tensor.Dense
		wantShape     []int
		want          []float64 // nil: gonum's distuv.Normal over the broadcast
	}{
		{name: "standard at 0", loc: s64(0), scale: s64(1), x: s64(0), wantShape: []int{},
			want: []float64{-0.91893853320467274178}}, // mpmath: -log(2π)/2
		{name: "scalar params, vector value", loc: s64(1.5), scale: s64(0.5), x: f64(-1, 0, 1.5, 2, 10), wantShape: []int{5}},
		{name: "(3,1) params vs (4) value",
			loc: sh(f64(-1, 0, 2.5), 3, 1), scale: sh(f64(0.5, 1, 3), 3, 1), x: f64(-2, 0, 1, 4), wantShape: []int{3, 4}},
		{name: "loc (3,1) with scale (4)",
			loc: sh(f64(-1, 0, 2.5), 3, 1), scale: f64(0.5, 1, 2, 4), x: s64(0.3), wantShape: []int{3, 4}},
		{name: "value (2,1,1) vs batch (3,4)",
			loc: sh(f64(-1, 0, 2.5), 3, 1), scale: f64(0.5, 1, 2, 4), x: sh(f64(-1.25, 7), 2, 1, 1), wantShape: []int{2, 3, 4}},
		{name: "value (2,3,4) vs batch (3,1)",
			loc: sh(f64(-1, 0, 2.5), 3, 1), scale: s64(1.5), x: sh(f64(seq(-5, 6, 24)...), 2, 3, 4), wantShape: []int{2, 3, 4}},
		{name: "far tails x = ±40", loc: s64(0), scale: s64(1), x: f64(-40, 40), wantShape: []int{2},
			want: []float64{-800.91893853320467274, -800.91893853320467274}}, // mpmath
		{name: "far tail with loc and scale", loc: s64(3), scale: s64(2), x: f64(40, -71), wantShape: []int{2},
			want: []float64{-172.73708571376463, -686.1120857137646}}, // mpmath
		{name: "x = ±1e10", loc: s64(0), scale: s64(1), x: f64(1e10, -1e10), wantShape: []int{2},
			want: []float64{-5e19, -5e19}}, // mpmath: -5e19 - 0.919 rounds to -5e19
		{name: "x = ±Inf", loc: s64(0), scale: s64(1), x: f64(inf, -inf), wantShape: []int{2},
			want: []float64{-inf, -inf}},
		{name: "tiny scale", loc: s64(1), scale: s64(1e-300), x: s64(1), wantShape: []int{},
			want: []float64{689.8565893650091}}, // mpmath
		{name: "huge scale", loc: s64(0), scale: s64(1e300), x: s64(1e300), wantShape: []int{},
			want: []float64{-692.1944664314184}}, // mpmath
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := distributions.NewNormal(tc.loc, tc.scale)
			require.NoError(t, err)
			got, err := d.LogProb(tc.x)
			require.NoError(t, err)
			require.Equal(t, tc.wantShape, shapeOf(got))
			require.Equal(t, tensor.Float64, got.Dtype())
			want := tc.want
			if want == nil {
				want = normalOracle(t, tc.x, tc.loc, tc.scale, tc.wantShape, gonumNormalLogProb)
			}
			close(t, want, data64(t, got), tol64, 0)
		})
	}
}

func TestNormalErrors(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	type constraint struct {
		name  string
		index []int
	}
	tests := []struct {
		name          string
		loc, scale, x *tensor.Dense // x nil: the constructor must fail
		opts          []distributions.Option
		wantErr       error
		wantCons      *constraint // the ConstraintError's Name and Index
		wantMsg       []string    // substrings of the message
	}{
		{name: "scale 0", loc: s64(0), scale: f64(1, 0), wantErr: distributions.ErrParam,
			wantCons: &constraint{"scale", []int{1}}, wantMsg: []string{"normal", "scale", "> 0", "[1]"}},
		{name: "scale -1 at (1, 0)", loc: s64(0), scale: sh(f64(1, 2, -1, 3), 2, 2), wantErr: distributions.ErrParam,
			wantCons: &constraint{"scale", []int{1, 0}}, wantMsg: []string{"scale", "-1", "[1 0]"}},
		{name: "scale NaN", loc: f64(0, 1, 2), scale: f64(nan), wantErr: distributions.ErrParam,
			wantCons: &constraint{"scale", []int{0}}, wantMsg: []string{"scale", "NaN", "[0]"}},
		{name: "scale -Inf", loc: s64(0), scale: s64(math.Inf(-1)), wantErr: distributions.ErrParam,
			wantCons: &constraint{"scale", []int{}}, wantMsg: []string{"scale"}},
		{name: "loc NaN", loc: f64(0, nan, 1), scale: s64(1), wantErr: distributions.ErrParam,
			wantCons: &constraint{"loc", []int{1}}, wantMsg: []string{"loc", "[1]"}},
		{name: "loc (3) and scale (4) do not broadcast", loc: f64(0, 1, 2), scale: f64(1, 1, 1, 1), wantErr: distributions.ErrShape,
			wantMsg: []string{"normal", "loc and scale", "(3", "(4"}},
		{name: "mixed dtypes", loc: f32(0), scale: f64(1), wantErr: distributions.ErrDType},
		{name: "nil loc", loc: nil, scale: f64(1), wantErr: distributions.ErrParam, wantMsg: []string{"loc"}},
		{name: "value (5) vs batch (3,4)", loc: sh(f64(0, 1, 2), 3, 1), scale: f64(1, 2, 3, 4), x: f64(0, 1, 2, 3, 4),
			wantErr: distributions.ErrShape, wantMsg: []string{"normal", "(5", "(3, 4)"}},
		{name: "NaN value", loc: s64(0), scale: s64(1), x: f64(0, 1, nan), wantErr: distributions.ErrSupport,
			wantCons: &constraint{"value", []int{2}}, wantMsg: []string{"value"}},
		{name: "float64 value, float32 params", loc: f32(0), scale: f32(1), x: f64(0), wantErr: distributions.ErrDType},
		{name: "float32 value, float64 params", loc: f64(0), scale: f64(1), x: f32(0), wantErr: distributions.ErrDType},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var err error
			d, cerr := distributions.NewNormal(tc.loc, tc.scale, tc.opts...)
			if tc.x == nil {
				require.Nil(t, d)
				err = cerr
			} else {
				require.NoError(t, cerr)
				_, err = d.LogProb(tc.x)
				// every evaluation path reads the value alike
				_, gerr := d.LogProbGrad(tc.x)
				require.ErrorIs(t, gerr, tc.wantErr)
				ierr := d.LogProbInto(nil, tc.x) // the value is checked before dst
				require.ErrorIs(t, ierr, tc.wantErr)
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
				assert.Equal(t, "normal", ce.Family)
				assert.Equal(t, tc.wantCons.name, ce.Name)
				assert.Equal(t, tc.wantCons.index, ce.Index)
			}
			for _, s := range tc.wantMsg {
				assert.Contains(t, err.Error(), s)
			}
		})
	}
}

func TestNormalWithoutValidation(t *testing.T) {
	t.Parallel()
	off := distributions.WithValidation(false)
	t.Run("NaN value scores NaN", func(t *testing.T) {
		d, err := distributions.NewNormal(s64(0), s64(1), off)
		require.NoError(t, err)
		assert.False(t, d.Validating())
		lp, err := d.LogProb(f64(0, math.NaN()))
		require.NoError(t, err)
		close(t, []float64{-0.91893853320467274178, math.NaN()}, data64(t, lp), tol64, 0)
		c, err := d.CDF(f64(math.NaN()))
		require.NoError(t, err)
		assert.True(t, math.IsNaN(data64(t, c)[0]))
		q, err := d.ICDF(f64(1.5, -0.5))
		require.NoError(t, err)
		close(t, []float64{math.NaN(), math.NaN()}, data64(t, q), 0, 0)
	})
	t.Run("bad parameters are accepted", func(t *testing.T) {
		d, err := distributions.NewNormal(f64(math.NaN(), 0), f64(1, -1), off)
		require.NoError(t, err)
		lp, err := d.LogProb(s64(0))
		require.NoError(t, err)
		close(t, []float64{math.NaN(), math.NaN()}, data64(t, lp), 0, 0) // log of a negative σ is NaN
	})
	t.Run("shape and dtype are still checked", func(t *testing.T) {
		d, err := distributions.NewNormal(f64(0, 1), s64(1), off)
		require.NoError(t, err)
		_, err = d.LogProb(f64(0, 1, 2))
		require.ErrorIs(t, err, distributions.ErrShape)
		_, err = d.LogProb(f32(0))
		require.ErrorIs(t, err, distributions.ErrDType)
		_, err = distributions.NewNormal(f64(0, 1), f64(1, 2, 3), off)
		require.ErrorIs(t, err, distributions.ErrShape)
	})
	t.Run("infinite loc and scale are valid", func(t *testing.T) {
		_, err := distributions.NewNormal(s64(math.Inf(1)), s64(math.Inf(1)))
		require.NoError(t, err)
	})
}

func TestNormalCDF(t *testing.T) {
	t.Parallel()
	// Standard normal, mpmath. Φ(-40) = 3.7e-350 underflows to 0; Φ(-38)
	// = 2.9e-316 is subnormal, so only its leading digits are representable.
	xs := []float64{-40, -37.5, -37, -30, -20, -10, -5, -1, -1e-8, 0, 0.5, 1, 5, 8, 10, 40, math.Inf(-1), math.Inf(1)}
	want := []float64{0, 4.605353009581955e-308, 5.725571222524577e-300, 4.906713927148187e-198,
		2.7536241186062337e-89, 7.619853024160526e-24, 2.866515718791939e-07, 0.15865525393145705,
		0.4999999960105772, 0.5, 0.6914624612740131, 0.8413447460685429, 0.9999997133484281,
		0.9999999999999993, 1, 1, 0, 1}
	t.Run("standard, tails included", func(t *testing.T) {
		d, err := distributions.NewNormal(s64(0), s64(1))
		require.NoError(t, err)
		got, err := d.CDF(f64(xs...))
		require.NoError(t, err)
		require.Equal(t, []int{len(xs)}, shapeOf(got))
		g := data64(t, got)
		close(t, want, g, tol64, 0)
		assert.Equal(t, 0.0, g[0], "Φ(-40) is exactly 0")
		sub, err := d.CDF(f64(-38))
		require.NoError(t, err)
		close(t, []float64{2.88542836006878430835097e-316}, data64(t, sub), 1e-8, 0) // subnormal: ~16 bits left
	})
	t.Run("loc 3, scale 2 at the same z", func(t *testing.T) {
		d, err := distributions.NewNormal(s64(3), s64(2))
		require.NoError(t, err)
		shifted := make([]float64, len(xs))
		for i, z := range xs {
			shifted[i] = 3 + 2*z // exact for these z
		}
		got, err := d.CDF(f64(shifted...))
		require.NoError(t, err)
		close(t, want, data64(t, got), tol64, 0)
	})
	t.Run("broadcast vs gonum", func(t *testing.T) {
		loc, scale, x := sh(f64(-1, 0, 2.5), 3, 1), f64(0.5, 1, 2, 4), sh(f64(-2, 0.25, 3), 3, 1, 1)
		d, err := distributions.NewNormal(loc, scale)
		require.NoError(t, err)
		got, err := d.CDF(x)
		require.NoError(t, err)
		out := []int{3, 3, 4}
		require.Equal(t, out, shapeOf(got))
		want := normalOracle(t, x, loc, scale, out, func(x, mu, s float64) float64 {
			return distuv.Normal{Mu: mu, Sigma: s}.CDF(x)
		})
		// gonum's CDF is 0.5·erfc(-z/√2) with z/√2 rounded, which costs up to
		// ~2z²·ε relative in the left tail (z ≥ -7 here: < 3e-14).
		close(t, want, data64(t, got), 5e-14, 0)
	})
	t.Run("errors", func(t *testing.T) {
		d, err := distributions.NewNormal(f64(0, 1), s64(1))
		require.NoError(t, err)
		_, err = d.CDF(f64(math.NaN()))
		require.ErrorIs(t, err, distributions.ErrSupport)
		_, err = d.CDF(f64(1, 2, 3))
		require.ErrorIs(t, err, distributions.ErrShape)
		_, err = d.CDF(f32(0))
		require.ErrorIs(t, err, distributions.ErrDType)
	})
}

func TestNormalICDF(t *testing.T) {
	t.Parallel()
	// Standard normal quantiles, mpmath.
	us := []float64{0, 5e-324, 1e-320, 2.2250738585072014e-308, 1e-300, 1e-100, 1e-20, 1e-10, 0.001, 0.025,
		0.1, 0.3, 0.5, 0.75, 0.975, 0.999, 1 - 1e-10, 1 - 0x1p-53, 1}
	want := []float64{math.Inf(-1), -38.467405617144344, -38.26912534303265, -37.5193793471445,
		-37.047096299361201, -21.273453560965326, -9.262340089798407, -6.361340902404057,
		-3.0902323061678136, -1.9599639845400543, -1.2815515655446004, -0.5244005127080408, 0,
		0.6744897501960817, 1.9599639845400538, 3.090232306167813, 6.361340889697422,
		8.209536151601387, math.Inf(1)}
	t.Run("standard, tails included", func(t *testing.T) {
		d, err := distributions.NewNormal(s64(0), s64(1))
		require.NoError(t, err)
		got, err := d.ICDF(f64(us...))
		require.NoError(t, err)
		close(t, want, data64(t, got), tol64, 0)
	})
	t.Run("loc 3, scale 2", func(t *testing.T) {
		d, err := distributions.NewNormal(s64(3), s64(2))
		require.NoError(t, err)
		got, err := d.ICDF(f64(1e-300, 0.5, 0.975))
		require.NoError(t, err)
		close(t, []float64{-71.0941925987224, 3, 3 + 2*1.9599639845400538}, data64(t, got), tol64, 0) // mpmath
	})
	t.Run("inverts CDF", func(t *testing.T) {
		d, err := distributions.NewNormal(sh(f64(-1, 0, 2.5), 3, 1), f64(0.5, 1, 2, 4))
		require.NoError(t, err)
		u := sh(f64(1e-12, 1e-6, 0.01, 0.3, 0.5, 0.7, 0.99, 1-1e-6), 8, 1, 1)
		x, err := d.ICDF(u)
		require.NoError(t, err)
		require.Equal(t, []int{8, 3, 4}, shapeOf(x))
		back, err := d.CDF(x)
		require.NoError(t, err)
		// Rounding x to float64 costs |x·φ(x)/Φ(x)|·ε ≈ x²ε relative in u;
		// x² < 50 here, so 1e-13 bounds the round trip.
		close(t, bcast(data64(t, u), []int{8, 1, 1}, []int{8, 3, 4}), data64(t, back), 1e-13, 0)
	})
	t.Run("u outside [0, 1]", func(t *testing.T) {
		d, err := distributions.NewNormal(s64(0), s64(1))
		require.NoError(t, err)
		for _, u := range []float64{-0.1, 1.5, math.NaN(), math.Inf(1)} {
			_, err := d.ICDF(f64(0.5, u))
			var ce *distributions.ConstraintError
			require.ErrorAs(t, err, &ce, "u = %v", u)
			require.ErrorIs(t, err, distributions.ErrSupport)
			assert.Equal(t, []int{1}, ce.Index)
		}
	})
}

func TestNormalMoments(t *testing.T) {
	t.Parallel()
	loc, scale := sh(f64(-1, 0, 2.5), 3, 1), f64(0.5, 1, 2, 1e-300)
	d, err := distributions.NewNormal(loc, scale)
	require.NoError(t, err)
	batch := []int{3, 4}
	require.Equal(t, batch, d.BatchShape())
	require.Equal(t, []int{}, d.EventShape())
	locB := bcast(data64(t, loc), []int{3, 1}, batch)
	scaleB := bcast(data64(t, scale), []int{4}, batch)
	variance, entropy := make([]float64, len(scaleB)), make([]float64, len(scaleB))
	for i, s := range scaleB {
		variance[i] = s * s
		entropy[i] = distuv.Normal{Mu: 0, Sigma: s}.Entropy()
	}
	tests := []struct {
		name string
		got  *tensor.Dense
		want []float64
	}{
		{"mean", must(d.Mean()), locB},
		{"mode", must(d.Mode()), locB},
		{"stddev", must(d.StdDev()), scaleB},
		{"variance", must(d.Variance()), variance}, // 1e-600 underflows to 0
		{"entropy", must(d.Entropy()), entropy},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, batch, shapeOf(tc.got))
			require.Equal(t, tensor.Float64, tc.got.Dtype())
			close(t, tc.want, data64(t, tc.got), tol64, 0)
		})
	}
	t.Run("entropy, mpmath", func(t *testing.T) {
		d, err := distributions.NewNormal(s64(0), f64(1, 2, 1e-300))
		require.NoError(t, err)
		close(t, []float64{1.4189385332046727, 2.112085713764618, -689.3565893650091}, data64(t, must(d.Entropy())), tol64, 0)
	})
	t.Run("scalar batch", func(t *testing.T) {
		d, err := distributions.NewNormal(s64(2), s64(3))
		require.NoError(t, err)
		for _, m := range []*tensor.Dense{must(d.Mean()), must(d.Mode()), must(d.StdDev()), must(d.Variance()), must(d.Entropy())} {
			assert.Equal(t, []int{}, shapeOf(m))
		}
		close(t, []float64{2, 3, 9}, []float64{data64(t, must(d.Mean()))[0], data64(t, must(d.StdDev()))[0], data64(t, must(d.Variance()))[0]}, 0, 0)
	})
	t.Run("accessors", func(t *testing.T) {
		assert.Same(t, loc, d.Loc())
		assert.Same(t, scale, d.Scale())
	})
}

func TestNormalLogProbInto(t *testing.T) {
	t.Parallel()
	for _, dt := range []string{"f64", "f32"} {
		t.Run(dt, func(t *testing.T) {
			loc, scale, x := sh(f64(-1, 0, 2.5), 3, 1), f64(0.5, 1, 2, 4), sh(f64(seq(-3, 3, 8)...), 2, 1, 4)
			dst, _ := tensor.Zeros[float64](2, 3, 4)
			if dt == "f32" {
				loc, scale, x, dst = to32(loc), to32(scale), to32(x), to32(dst)
			}
			d, err := distributions.NewNormal(loc, scale)
			require.NoError(t, err)
			lp, err := d.LogProb(x)
			require.NoError(t, err)
			require.NoError(t, d.LogProbInto(dst, x))
			require.Equal(t, data64(t, lp), data64(t, dst), "LogProbInto writes what LogProb returns")

			zeros := func(dt *tensor.Dense, shp ...int) *tensor.Dense { // zeros of dt's dtype
				z := must(tensor.Zeros[float64](shp...))
				if dt.Dtype() == tensor.Float32 {
					z = to32(z)
				}
				return z
			}
			other := to32(lp)
			if dt == "f32" {
				other = to64(lp)
			}
			for name, bad := range map[string]*tensor.Dense{
				"nil":          nil,
				"(3, 4)":       zeros(lp, 3, 4),
				"(2, 3, 4, 1)": zeros(lp, 2, 3, 4, 1),
				"(24)":         zeros(lp, 24),
				"(1, 3, 4)":    zeros(lp, 1, 3, 4),
				"wrong dtype":  other,
			} {
				err := d.LogProbInto(bad, x)
				require.ErrorIs(t, err, distributions.ErrShape, name)
			}
		})
	}
}

// normalGradCase is a Normal over loc and scale and a value x, with the
// shape of log_prob.
type normalGradCase struct {
	name                      string
	xShape, locShape, scShape []int
	out                       []int
	upstreamShape             []int // for the VJP; nil: out
}

var normalGradCases = []normalGradCase{
	{name: "loc (3,1), scale (4), x (2,3,4)", xShape: []int{2, 3, 4}, locShape: []int{3, 1}, scShape: []int{4}, out: []int{2, 3, 4}},
	{name: "loc (4), scale (3,1), x (2,1,1)", xShape: []int{2, 1, 1}, locShape: []int{4}, scShape: []int{3, 1}, out: []int{2, 3, 4},
		upstreamShape: []int{3, 1}},
	{name: "scalar loc, scale (2,1,4), x (3,1)", xShape: []int{3, 1}, locShape: []int{}, scShape: []int{2, 1, 4}, out: []int{2, 3, 4},
		upstreamShape: []int{4}},
	{name: "all scalar", xShape: []int{}, locShape: []int{}, scShape: []int{}, out: []int{}},
}

// normalGradInputs draws well-conditioned x, loc and scale for c.
func normalGradInputs(c normalGradCase, seed uint64) (x, loc, scale []float64) {
	r := rand.New(rand.NewPCG(seed, 7))
	fill := func(shp []int, lo, hi float64) []float64 {
		v := make([]float64, sizeOf(shp))
		for i := range v {
			v[i] = lo + (hi-lo)*r.Float64()
		}
		return v
	}
	return fill(c.xShape, -3, 3), fill(c.locShape, -1, 1), fill(c.scShape, 0.5, 2)
}

// normalRefSum is Σ w·log N(x | μ, σ) over the broadcast, from gonum: the
// function the finite differences differentiate (w nil means ones).
func normalRefSum(c normalGradCase, x, loc, scale, w []float64) float64 {
	xs, ms, ss := bcast(x, c.xShape, c.out), bcast(loc, c.locShape, c.out), bcast(scale, c.scShape, c.out)
	var s float64
	for i := range xs {
		lp := gonumNormalLogProb(xs[i], ms[i], ss[i])
		if w != nil {
			lp *= w[i]
		}
		s += lp
	}
	return s
}

// Gradient tolerance: the central differences of helpers_test.go are good to
// ~1e-9 here; the measured max relative error of LogProbGrad against them is
// 1.1e-9 for Normal and 2.6e-9 for Bernoulli (see the t.Logf lines), so 1e-6
// relative, floored at |∂| = 1, leaves room without hiding a wrong formula,
// which is off by O(1).
const gradTol = 1e-6

func TestNormalLogProbGrad(t *testing.T) {
	t.Parallel()
	for k, c := range normalGradCases {
		for _, vjp := range []bool{false, true} {
			name := c.name
			if vjp {
				name += "/vjp"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				x, loc, scale := normalGradInputs(c, uint64(k))
				d, err := distributions.NewNormal(must(tensor.New(loc, c.locShape...)), must(tensor.New(scale, c.scShape...)))
				require.NoError(t, err)
				xt := must(tensor.New(x, c.xShape...))
				var (
					w []float64 // upstream broadcast to out, nil for LogProbGrad
					g *distributions.Gradient
				)
				if vjp {
					us := c.upstreamShape
					if us == nil {
						us = c.out
					}
					u := seq(-2, 1.5, sizeOf(us)) // signs and sizes vary; no zero
					for i := range u {
						u[i] += 0.1
					}
					w = bcast(u, us, c.out)
					g, err = d.LogProbVJP(xt, must(tensor.New(u, us...)))
				} else {
					g, err = d.LogProbGrad(xt)
				}
				require.NoError(t, err)
				close(t, []float64{normalRefSum(c, x, loc, scale, w)}, []float64{g.LogProb}, 1e-13, 0) // a sum of ≤ 24 terms
				require.Equal(t, c.xShape, shapeOf(g.Value))
				require.Len(t, g.Params, 2)
				require.Equal(t, c.locShape, shapeOf(g.Params["loc"]))
				require.Equal(t, c.scShape, shapeOf(g.Params["scale"]))

				wantX := centralDiff(func(v []float64) float64 { return normalRefSum(c, v, loc, scale, w) }, x, 1e-5)
				wantLoc := centralDiff(func(v []float64) float64 { return normalRefSum(c, x, v, scale, w) }, loc, 1e-5)
				wantScale := centralDiff(func(v []float64) float64 { return normalRefSum(c, x, loc, v, w) }, scale, 1e-5)
				gotX, gotLoc, gotScale := data64(t, g.Value), data64(t, g.Params["loc"]), data64(t, g.Params["scale"])
				for _, v := range [][]float64{wantX, wantLoc, wantScale} {
					requireFinite(t, v) // NaN would match NaN below
				}
				close(t, wantX, gotX, gradTol, gradTol)
				close(t, wantLoc, gotLoc, gradTol, gradTol)
				close(t, wantScale, gotScale, gradTol, gradTol)
				t.Logf("max rel err vs central differences: x %.2g, loc %.2g, scale %.2g",
					maxRelErr(wantX, gotX, 1), maxRelErr(wantLoc, gotLoc, 1), maxRelErr(wantScale, gotScale, 1))
			})
		}
	}
	t.Run("analytic partials", func(t *testing.T) {
		t.Parallel()
		// ∂/∂x = -z/σ, ∂/∂μ = z/σ, ∂/∂σ = (z²-1)/σ at z = (4-1)/2 = 1.5: exact in binary.
		d, err := distributions.NewNormal(s64(1), s64(2))
		require.NoError(t, err)
		g, err := d.LogProbGrad(s64(4))
		require.NoError(t, err)
		close(t, []float64{-0.75, 0.75, 0.625}, []float64{data64(t, g.Value)[0], data64(t, g.Params["loc"])[0], data64(t, g.Params["scale"])[0]}, tol64, 0)
	})
	t.Run("upstream errors", func(t *testing.T) {
		t.Parallel()
		d, err := distributions.NewNormal(sh(f64(0, 1, 2), 3, 1), f64(1, 2, 3, 4))
		require.NoError(t, err)
		x := s64(0.5)
		_, err = d.LogProbVJP(x, f64(1, 2, 3))
		require.ErrorIs(t, err, distributions.ErrShape)
		_, err = d.LogProbVJP(x, must(tensor.Zeros[float64](2, 3, 4))) // larger than log_prob's (3, 4)
		require.ErrorIs(t, err, distributions.ErrShape)
		_, err = d.LogProbVJP(x, f32(1))
		require.ErrorIs(t, err, distributions.ErrDType)
		_, err = d.LogProbVJP(f64(1, 2), nil)
		require.ErrorIs(t, err, distributions.ErrShape)
	})
	t.Run("zero upstream", func(t *testing.T) {
		t.Parallel()
		d, err := distributions.NewNormal(f64(0, 1), s64(2))
		require.NoError(t, err)
		g, err := d.LogProbVJP(f64(3, 4), s64(0))
		require.NoError(t, err)
		assert.Equal(t, 0.0, g.LogProb)
		close(t, []float64{0, 0}, data64(t, g.Value), 0, 0)
		close(t, []float64{0}, data64(t, g.Params["scale"]), 0, 0)
	})
}

// TestNormalFloat32 evaluates one distribution in float32 and in float64 on
// the same (float32-representable) inputs. Kernels compute in float64 and
// round once, so the two agree to float32's rounding: tol32 = 1e-6 relative
// is 16 float32 ulps.
func TestNormalFloat32(t *testing.T) {
	t.Parallel()
	loc32 := sh(f32(-1, 0, 2.5), 3, 1)
	scale32 := f32(0.5, 1, 2, 4)
	x32 := sh(to32(f64(seq(-4, 5, 24)...)), 2, 3, 4)
	loc64, scale64, x64 := to64(loc32), to64(scale32), to64(x32)
	d32, err := distributions.NewNormal(loc32, scale32)
	require.NoError(t, err)
	d64, err := distributions.NewNormal(loc64, scale64)
	require.NoError(t, err)
	u32 := sh(f32(0.001, 0.2, 0.5, 0.9, 0.999), 5, 1, 1)

	pair := func(t *testing.T, name string, f func(d *distributions.Normal, x distributions.Value) (*tensor.Dense, error), x32 *tensor.Dense) {
		t.Helper()
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
	pair(t, "log_prob", (*distributions.Normal).LogProb, x32)
	pair(t, "cdf", (*distributions.Normal).CDF, x32)
	pair(t, "icdf", (*distributions.Normal).ICDF, u32)
	for name, m := range map[string]func(*distributions.Normal) (*tensor.Dense, error){
		"mean": (*distributions.Normal).Mean, "variance": (*distributions.Normal).Variance,
		"stddev": (*distributions.Normal).StdDev, "mode": (*distributions.Normal).Mode,
		"entropy": (*distributions.Normal).Entropy,
	} {
		pair(t, name, func(d *distributions.Normal, _ distributions.Value) (*tensor.Dense, error) { return m(d) }, nil)
	}
	g32, err := d32.LogProbGrad(x32)
	require.NoError(t, err)
	g64, err := d64.LogProbGrad(x64)
	require.NoError(t, err)
	close(t, []float64{g64.LogProb}, []float64{g32.LogProb}, tol32, 0)
	close(t, data64(t, g64.Value), data64(t, g32.Value), tol32, 0)
	for _, p := range []string{"loc", "scale"} {
		require.Equal(t, tensor.Float32, g32.Params[p].Dtype())
		close(t, data64(t, g64.Params[p]), data64(t, g32.Params[p]), tol32, 0)
	}
}

// ksPValue is the asymptotic p-value of the one-sample Kolmogorov–Smirnov
// statistic D over n draws: Q_KS((√n + 0.12 + 0.11/√n)·D) (Stephens 1970;
// Numerical Recipes §14.3), with Q_KS(λ) = 2 Σ (-1)^(k-1) exp(-2k²λ²), or
// for small λ its Jacobi-transformed form, which converges fast there.
func ksPValue(d float64, n int) float64 {
	sn := math.Sqrt(float64(n))
	l := (sn + 0.12 + 0.11/sn) * d
	if l < 1.18 {
		y := math.Exp(-math.Pi * math.Pi / (8 * l * l))
		s := 0.0
		for k := 1; k <= 7; k += 2 {
			s += math.Pow(y, float64(k*k))
		}
		return 1 - math.Sqrt(2*math.Pi)/l*s
	}
	s := 0.0
	for k := 1; k <= 100; k++ {
		term := math.Exp(-2 * float64(k*k) * l * l)
		if k%2 == 0 {
			term = -term
		}
		s += term
		if term == 0 {
			break
		}
	}
	return 2 * s
}

// ksStatistic is the one-sample KS distance sup|F_n - F| of xs (sorted in
// place) from the continuous CDF cdf.
func ksStatistic(xs []float64, cdf func(float64) float64) float64 {
	slices.Sort(xs)
	n := float64(len(xs))
	d := 0.0
	for i, x := range xs {
		f := cdf(x)
		d = max(d, float64(i+1)/n-f, f-float64(i)/n)
	}
	return d
}

func TestKSPValue(t *testing.T) {
	t.Parallel()
	// Q_KS(λ), mpmath; n is huge so that λ = √n·D to 1e-9.
	const n = 1 << 60
	sn := math.Sqrt(n)
	for _, c := range []struct{ l, q float64 }{
		{0.3, 0.9999906941986655}, {0.5, 0.9639452436648751}, {1.0, 0.2699996716773545},
		{1.358, 0.05002679733444699}, {1.628, 0.009975522431181057}, {2, 0.0006709252557796953},
		{3, 3.045995948942526e-08},
	} {
		close(t, []float64{c.q}, []float64{ksPValue(c.l/sn, n)}, 1e-7, 0)
	}
}

// ksNormal returns the KS p-value of column j of a sample of shape
// (n, batch...) against N(mu, sigma).
func ksNormal(data []float64, j, stride int, mu, sigma float64) float64 {
	n := len(data) / stride
	col := make([]float64, n)
	for i := range col {
		col[i] = data[i*stride+j]
	}
	cdf := distuv.Normal{Mu: mu, Sigma: sigma}.CDF
	return ksPValue(ksStatistic(col, cdf), n)
}

const (
	nDraws    = 100_000
	pCritical = 1e-4 // reject a sampler whose goodness-of-fit p-value is below this
)

func TestNormalSampleKS(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		loc, scale *tensor.Dense
		seed       uint64
	}{
		{"standard", s64(0), s64(1), 1},
		{"shifted, narrow", s64(3), s64(0.01), 2},
		{"wide", s64(-1e3), s64(1e3), 3},
		{"batch (2,3)", sh(f64(-2, 5), 2, 1), f64(0.1, 1, 10), 4},
		{"float32", s32(1), s32(2), 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := distributions.NewNormal(tc.loc, tc.scale)
			require.NoError(t, err)
			x, err := d.Sample(rand.NewPCG(tc.seed, 0x5eed), nDraws)
			require.NoError(t, err)
			batch := d.BatchShape()
			require.Equal(t, append([]int{nDraws}, batch...), shapeOf(x))
			require.Equal(t, tc.loc.Dtype(), x.Dtype())
			stride := sizeOf(batch)
			mus := bcast(data64(t, tc.loc), shapeOf(tc.loc), batch)
			sgs := bcast(data64(t, tc.scale), shapeOf(tc.scale), batch)
			data := data64(t, x)
			for j := range stride {
				p := ksNormal(data, j, stride, mus[j], sgs[j])
				t.Logf("N(%g, %g): KS p = %.3g", mus[j], sgs[j], p)
				assert.GreaterOrEqual(t, p, pCritical, "N(%g, %g)", mus[j], sgs[j])
			}
		})
	}
	t.Run("power", func(t *testing.T) {
		// The test rejects a slightly wrong sampler: N(0, 1) draws tested as
		// N(0.05, 1) or N(0, 1.05).
		t.Parallel()
		d, err := distributions.NewNormal(s64(0), s64(1))
		require.NoError(t, err)
		x, err := d.Sample(rand.NewPCG(1, 0x5eed), nDraws)
		require.NoError(t, err)
		data := data64(t, x)
		for _, alt := range [][2]float64{{0.05, 1}, {0, 1.05}} {
			p := ksNormal(slices.Clone(data), 0, 1, alt[0], alt[1])
			t.Logf("N(0, 1) draws as N(%g, %g): KS p = %.3g", alt[0], alt[1], p)
			assert.Less(t, p, pCritical)
		}
	})
}

func TestNormalSampleShapes(t *testing.T) {
	t.Parallel()
	d, err := distributions.NewNormal(sh(f64(0, 1, 2), 3, 1), f64(1, 2, 3, 4))
	require.NoError(t, err)
	scalar, err := distributions.NewNormal(s64(0), s64(1))
	require.NoError(t, err)
	tests := []struct {
		name        string
		d           *distributions.Normal
		sampleShape []int
		want        []int
	}{
		{"batch, no sample shape", d, nil, []int{3, 4}},
		{"batch, (5)", d, []int{5}, []int{5, 3, 4}},
		{"batch, (2, 1)", d, []int{2, 1}, []int{2, 1, 3, 4}},
		{"batch, (0)", d, []int{0}, []int{0, 3, 4}},
		{"scalar, no sample shape", scalar, nil, []int{}},
		{"scalar, (7)", scalar, []int{7}, []int{7}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x, err := tc.d.Sample(rand.NewPCG(1, 2), tc.sampleShape...)
			require.NoError(t, err)
			assert.Equal(t, tc.want, shapeOf(x))
			y, err := tc.d.RSample(rand.NewPCG(1, 2), tc.sampleShape...)
			require.NoError(t, err)
			assert.Equal(t, data64(t, x), data64(t, y), "Sample is RSample")
		})
	}
	t.Run("errors", func(t *testing.T) {
		_, err := d.Sample(nil, 3)
		require.ErrorIs(t, err, distributions.ErrNilSource)
		_, err = d.RSample(nil)
		require.ErrorIs(t, err, distributions.ErrNilSource)
		_, err = d.Sample(rand.NewPCG(1, 2), -1)
		require.ErrorIs(t, err, distributions.ErrShape)
	})
}

func TestNormalSampleReproducible(t *testing.T) {
	t.Parallel()
	loc, scale := sh(f64(-1, 0.5, 3), 3, 1), f64(0.25, 1, 4, 9)
	d, err := distributions.NewNormal(loc, scale)
	require.NoError(t, err)
	draw := func(seed uint64) []float64 {
		x, err := d.Sample(rand.NewPCG(seed, 99), 50)
		require.NoError(t, err)
		return data64(t, x)
	}
	a, b, c := draw(1), draw(1), draw(2)
	assert.Equal(t, a, b, "same seed, same draws")
	assert.NotEqual(t, a, c, "another seed, other draws")
	assert.Equal(t, len(a), len(distinct(a)), "no repeated draws")

	// Reparameterisation: the draws are μ + σε with the ε that N(0, 1)
	// draws from the same seed, bit for bit.
	std, err := distributions.NewNormal(must(tensor.Zeros[float64](3, 1)), must(tensor.Full(1.0, 4)))
	require.NoError(t, err)
	eps, err := std.RSample(rand.NewPCG(1, 99), 50)
	require.NoError(t, err)
	mu := bcast(data64(t, loc), []int{3, 1}, []int{50, 3, 4})
	sg := bcast(data64(t, scale), []int{4}, []int{50, 3, 4})
	e := data64(t, eps)
	for i := range e {
		require.Equal(t, mu[i]+sg[i]*e[i], a[i], "element %d", i)
	}
}

// distinct returns the distinct values of v.
func distinct(v []float64) []float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return slices.Compact(s)
}

// TestNormalSampleGOMAXPROCS draws more than tensor.ParallelMin values, so
// that sampling runs on several goroutines, and requires the same bits with
// one and with two. It switches GOMAXPROCS, so it is not parallel.
func TestNormalSampleGOMAXPROCS(t *testing.T) {
	const n = 1_000_000
	require.Greater(t, n, tensor.ParallelMin)
	d, err := distributions.NewNormal(f64(-1, 2), f64(0.5, 3))
	require.NoError(t, err)
	draw := func(procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		x, err := d.Sample(rand.NewPCG(42, 43), n/2)
		require.NoError(t, err)
		return data64(t, x)
	}
	one, two := draw(1), draw(2)
	require.Len(t, one, n)
	assert.True(t, slices.Equal(one, two), "draws depend on GOMAXPROCS")
}

func FuzzNormal(f *testing.F) {
	f.Add(0.0, 1.0, 0.0)
	f.Add(0.0, 0.0, 1.0)
	f.Add(0.0, -1.0, 1.0)
	f.Add(math.NaN(), 1.0, 0.0)
	f.Add(0.0, 1.0, math.NaN())
	f.Add(1e300, 1e-300, math.Inf(1))
	f.Add(-1e308, 1e-320, 1e308)
	f.Add(0.0, math.Inf(1), 1.0)
	f.Add(math.Inf(1), 1.0, math.Inf(1))
	f.Add(3.0, 2.0, 40.0)
	f.Add(0.0, 1.0, 1e10)
	f.Fuzz(func(t *testing.T, loc, scale, x float64) {
		d, err := distributions.NewNormal(f64(loc), f64(scale))
		if !(scale > 0) || math.IsNaN(loc) { // torch: scale positive, loc real
			require.ErrorIs(t, err, distributions.ErrParam)
			var ce *distributions.ConstraintError
			require.ErrorAs(t, err, &ce)
			// unvalidated, the same parameters never panic either
			u, err := distributions.NewNormal(f64(loc), f64(scale), distributions.WithValidation(false))
			require.NoError(t, err)
			_, err = u.LogProb(f64(x))
			require.NoError(t, err)
			_, err = u.LogProbGrad(f64(x))
			require.NoError(t, err)
			return
		}
		require.NoError(t, err)
		lp, err := d.LogProb(f64(x))
		g, gerr := d.LogProbGrad(f64(x))
		if math.IsNaN(x) {
			require.ErrorIs(t, err, distributions.ErrSupport)
			require.ErrorIs(t, gerr, distributions.ErrSupport)
			return
		}
		require.NoError(t, err)
		require.NoError(t, gerr)
		got := data64(t, lp)[0]
		close(t, []float64{got}, []float64{g.LogProb}, tol64, 0)
		finite := !math.IsInf(loc, 0) && !math.IsInf(scale, 0) && !math.IsInf(x, 0)
		if finite {
			require.False(t, math.IsNaN(got), "log N(%v | %v, %v) is NaN", x, loc, scale)
			require.False(t, math.IsInf(got, 1))
		}
		z := (x - loc) / scale
		if math.Abs(z) < 1e6 && scale > 1e-100 && scale < 1e100 {
			want := distuv.Normal{Mu: loc, Sigma: scale}.LogProb(x)
			// Both sum -z²/2, -log σ and -log √(2π), each to a few ulps:
			// the error is relative to the terms, not to their sum.
			abs := 1e-14 * (z*z/2 + math.Abs(math.Log(scale)) + 1)
			close(t, []float64{want}, []float64{got}, 1e-13, abs)
			// ∂/∂x = -z/σ, ∂/∂μ = z/σ, ∂/∂σ = (z²-1)/σ
			s := 1e-13 * (math.Abs(z) + 1) / scale
			close(t, []float64{-z / scale}, data64(t, g.Value), 1e-13, s)
			close(t, []float64{z / scale}, data64(t, g.Params["loc"]), 1e-13, s)
			close(t, []float64{(z*z - 1) / scale}, data64(t, g.Params["scale"]), 1e-13, s*(math.Abs(z)+1))
		}
	})
}

func ExampleNormal_LogProb() {
	loc := tensor.Vector(0.0, 1.0)
	scale := tensor.Scalar(2.0)
	d, err := distributions.NewNormal(loc, scale)
	if err != nil {
		log.Fatal(err)
	}
	x, err := tensor.New([]float64{-1, 0, 1}, 3, 1)
	if err != nil {
		log.Fatal(err)
	}
	lp, err := d.LogProb(x)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(lp.Shape())
	fmt.Printf("%.4f\n", lp.Float64s())
	// Output:
	// (3, 2)
	// [-1.7371 -2.1121 -1.6121 -1.7371 -1.7371 -1.6121]
}
