package distributions_test

import (
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
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
	_ distributions.Distribution  = (*distributions.Laplace)(nil)
	_ distributions.RSampler      = (*distributions.Laplace)(nil)
	_ distributions.LogProbGrader = (*distributions.Laplace)(nil)
	_ distributions.LogProbIntoer = (*distributions.Laplace)(nil)
	_ distributions.CDFer         = (*distributions.Laplace)(nil)
	_ distributions.ICDFer        = (*distributions.Laplace)(nil)
	_ distributions.Meaner        = (*distributions.Laplace)(nil)
	_ distributions.Variancer     = (*distributions.Laplace)(nil)
	_ distributions.StdDever      = (*distributions.Laplace)(nil)
	_ distributions.Moder         = (*distributions.Laplace)(nil)
	_ distributions.Entropier     = (*distributions.Laplace)(nil)
)

func laplaceGonumLogProb(x, mu, b float64) float64 {
	return distuv.Laplace{Mu: mu, Scale: b}.LogProb(x)
}
func laplaceGonumCDF(x, mu, b float64) float64 { return distuv.Laplace{Mu: mu, Scale: b}.CDF(x) }

func TestLaplaceLogProb(t *testing.T) {
	t.Parallel()
	inf := math.Inf(1)
	tests := []struct {
		name          string
		loc, scale, x *tensor.Dense
		wantShape     []int
		want          []float64 // nil: gonum's distuv.Laplace over the broadcast
	}{
		{name: "at the mode", loc: s64(-2), scale: s64(3), x: s64(-2), wantShape: []int{},
			want: []float64{-1.791759469228055}}, // mpmath: -log 6
		{name: "scalar params, vector value", loc: s64(1.5), scale: s64(0.5), x: f64(-1, 0, 1.5, 2, 10), wantShape: []int{5}},
		{name: "(3,1) params vs (4) value", loc: sh(f64(-1, 0, 2.5), 3, 1), scale: sh(f64(0.5, 1, 3), 3, 1), x: f64(-2, 0, 1, 4), wantShape: []int{3, 4}},
		{name: "loc (3,1) with scale (4)", loc: sh(f64(-1, 0, 2.5), 3, 1), scale: f64(0.5, 1, 2, 4), x: s64(0.3), wantShape: []int{3, 4}},
		{name: "value (2,3,4) vs batch (3,1)", loc: sh(f64(-1, 0, 2.5), 3, 1), scale: s64(1.5), x: sh(f64(seq(-5, 6, 24)...), 2, 3, 4), wantShape: []int{2, 3, 4}},
		{name: "extremes", loc: f64(0, 0, 1.5, 0, 0), scale: f64(1e-300, 1e300, 0.5, 5e-324, 1), x: f64(1e-299, 1e300, -40, 0, 1e300), wantShape: []int{5},
			want: []float64{680.0823807176538, -692.4686750787737, -83, 743.7469247408213, -1e300}}, // mpmath
		{name: "2b overflows", loc: s64(0), scale: s64(1e308), x: s64(1e308), wantShape: []int{},
			want: []float64{-710.889355822726}}, // mpmath: -log 2e308 - 1
		{name: "x = ±Inf", loc: s64(0), scale: s64(1), x: f64(inf, -inf), wantShape: []int{2}, want: []float64{-inf, -inf}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := distributions.NewLaplace(tc.loc, tc.scale)
			require.NoError(t, err)
			got, err := d.LogProb(tc.x)
			require.NoError(t, err)
			require.Equal(t, tc.wantShape, shapeOf(got))
			want := tc.want
			if want == nil {
				want = normalOracle(t, tc.x, tc.loc, tc.scale, tc.wantShape, laplaceGonumLogProb)
			}
			close(t, want, data64(t, got), tol64, 0)
		})
	}
}

func TestLaplaceErrors(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	tests := []struct {
		name          string
		loc, scale, x *tensor.Dense // x nil: the constructor must fail
		wantErr       error
		wantName      string
		wantIndex     []int
		wantMsg       []string
	}{
		{name: "scale 0", loc: s64(0), scale: f64(1, 0), wantErr: distributions.ErrParam, wantName: "scale", wantIndex: []int{1},
			wantMsg: []string{"laplace", "scale", "> 0", "[1]"}},
		{name: "scale -1 at (1, 0)", loc: s64(0), scale: sh(f64(1, 2, -1, 3), 2, 2), wantErr: distributions.ErrParam, wantName: "scale", wantIndex: []int{1, 0}},
		{name: "scale NaN", loc: s64(0), scale: s64(nan), wantErr: distributions.ErrParam, wantName: "scale", wantIndex: []int{}},
		{name: "loc NaN", loc: f64(0, nan), scale: s64(1), wantErr: distributions.ErrParam, wantName: "loc", wantIndex: []int{1},
			wantMsg: []string{"loc", "real"}},
		{name: "loc (3) and scale (4)", loc: f64(0, 1, 2), scale: f64(1, 1, 1, 1), wantErr: distributions.ErrShape,
			wantMsg: []string{"laplace", "loc and scale"}},
		{name: "mixed dtypes", loc: f32(0), scale: f64(1), wantErr: distributions.ErrDType},
		{name: "nil scale", loc: s64(0), scale: nil, wantErr: distributions.ErrParam, wantMsg: []string{"scale"}},
		{name: "NaN value", loc: s64(0), scale: s64(1), x: f64(1, nan), wantErr: distributions.ErrSupport, wantName: "value", wantIndex: []int{1}},
		{name: "value (3) vs batch (3, 2)", loc: sh(f64(0, 1, 2), 3, 1), scale: f64(1, 2), x: f64(0, 1, 2), wantErr: distributions.ErrShape,
			wantMsg: []string{"(3", "(3, 2)"}},
		{name: "float64 value, float32 params", loc: f32(0), scale: f32(1), x: f64(0), wantErr: distributions.ErrDType},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := distributions.NewLaplace(tc.loc, tc.scale)
			if tc.x != nil {
				require.NoError(t, err)
				_, err = d.LogProb(tc.x)
				_, gerr := d.LogProbGrad(tc.x)
				require.ErrorIs(t, gerr, tc.wantErr)
				require.ErrorIs(t, d.LogProbInto(nil, tc.x), tc.wantErr)
			} else {
				require.Nil(t, d)
			}
			require.ErrorIs(t, err, tc.wantErr)
			for _, other := range []error{distributions.ErrParam, distributions.ErrShape, distributions.ErrSupport, distributions.ErrDType} {
				if other != tc.wantErr {
					require.NotErrorIs(t, err, other)
				}
			}
			if tc.wantName != "" {
				var ce *distributions.ConstraintError
				require.ErrorAs(t, err, &ce)
				assert.Equal(t, "laplace", ce.Family)
				assert.Equal(t, tc.wantName, ce.Name)
				assert.Equal(t, tc.wantIndex, ce.Index)
			}
			for _, s := range tc.wantMsg {
				assert.Contains(t, err.Error(), s)
			}
		})
	}
}

func TestLaplaceCDF(t *testing.T) {
	t.Parallel()
	t.Run("exact values, tails included", func(t *testing.T) {
		d := must(distributions.NewLaplace(f64(0, 0, 1, 1, 0, -3, 0), f64(1, 1, 2, 2, 1, 0.5, 1e-300)))
		got, err := d.CDF(f64(-40, -700, 1, 3, 40, -3.25, -1e-298))
		require.NoError(t, err)
		// mpmath; torch's ½ - ½·sgn·expm1(-|z|) gives 0 at the first, second
		// and last
		want := []float64{2.1241771276457944e-18, 4.929838271879885e-305, 0.5, 0.8160602794142788, 1, 0.3032653298563167, 1.860037988010439e-44}
		close(t, want, data64(t, got), tol64, 0)
	})
	t.Run("broadcast vs gonum", func(t *testing.T) {
		loc, scale, x := sh(f64(-1, 0, 2.5), 3, 1), f64(0.5, 1, 2, 4), sh(f64(-20, -2, 0.25, 3, 30), 5, 1, 1)
		d := must(distributions.NewLaplace(loc, scale))
		got, err := d.CDF(x)
		require.NoError(t, err)
		out := []int{5, 3, 4}
		require.Equal(t, out, shapeOf(got))
		// gonum's ½e^z and 1 - ½e^-z: the same formulas, a few ulps apart
		close(t, normalOracle(t, x, loc, scale, out, laplaceGonumCDF), data64(t, got), tol64, 0)
	})
	t.Run("ends", func(t *testing.T) {
		d := must(distributions.NewLaplace(s64(0), s64(1)))
		got, err := d.CDF(f64(math.Inf(-1), math.Inf(1)))
		require.NoError(t, err)
		close(t, []float64{0, 1}, data64(t, got), 0, 0)
		_, err = d.CDF(f64(math.NaN()))
		require.ErrorIs(t, err, distributions.ErrSupport)
	})
}

func TestLaplaceICDF(t *testing.T) {
	t.Parallel()
	t.Run("exact values, tails included", func(t *testing.T) {
		d := must(distributions.NewLaplace(f64(0, 0, 0, 2, -1, 0, 1, 0, 0), f64(1, 1, 1, 3, 0.5, 1, 1, 1, 1)))
		got, err := d.ICDF(f64(1e-300, 1-0x1p-53, 0.25, 0.75, 1e-17, 0.5-0x1p-53, 0.1, 0, 1))
		require.NoError(t, err)
		// mpmath; torch's log1p(-2|u-½|) gives -Inf at u = 1e-300 and
		// -36.04 at u = 1e-17
		want := []float64{-690.0823807176538, 36.04365338911715, -0.6931471805599453, 4.079441541679836, -20.225399700169415,
			-2.2204460492503136e-16, -0.6094379124341003, math.Inf(-1), math.Inf(1)}
		close(t, want, data64(t, got), tol64, 0)
	})
	t.Run("inverts CDF", func(t *testing.T) {
		d := must(distributions.NewLaplace(sh(f64(-1, 0, 2.5), 3, 1), f64(0.5, 1, 2, 4)))
		u := sh(f64(1e-200, 1e-12, 0.01, 0.3, 0.5, 0.7, 0.99, 1-1e-6), 8, 1, 1)
		x, err := d.ICDF(u)
		require.NoError(t, err)
		require.Equal(t, []int{8, 3, 4}, shapeOf(x))
		back, err := d.CDF(x)
		require.NoError(t, err)
		// Rounding x costs |x-μ|/b·ε relative in u in the left tail
		// (e^z/2 has relative condition |z|); |z| < 461 here at 1e-200,
		// so 461·2.2e-16 ≈ 1e-13 (plus a few ulps) bounds the round trip.
		close(t, bcast(data64(t, u), []int{8, 1, 1}, []int{8, 3, 4}), data64(t, back), 2e-13, 0)
	})
	t.Run("u outside [0, 1]", func(t *testing.T) {
		d := must(distributions.NewLaplace(s64(0), s64(1)))
		for _, u := range []float64{-0.1, 1.5, math.NaN()} {
			_, err := d.ICDF(f64(0.5, u))
			var ce *distributions.ConstraintError
			require.ErrorAs(t, err, &ce)
			require.ErrorIs(t, err, distributions.ErrSupport)
			assert.Equal(t, []int{1}, ce.Index)
		}
		u := must(distributions.NewLaplace(s64(0), s64(1), distributions.WithValidation(false)))
		q, err := u.ICDF(f64(-0.1, 1.5))
		require.NoError(t, err)
		close(t, []float64{math.NaN(), math.NaN()}, data64(t, q), 0, 0)
	})
}

func TestLaplaceMoments(t *testing.T) {
	t.Parallel()
	loc, scale := sh(f64(-1, 0, 2.5), 3, 1), f64(0.5, 1, 2.5, 1e-300)
	d := must(distributions.NewLaplace(loc, scale))
	batch := []int{3, 4}
	require.Equal(t, batch, d.BatchShape())
	assert.Same(t, loc, d.Loc())
	assert.Same(t, scale, d.Scale())
	locB := bcast(data64(t, loc), []int{3, 1}, batch)
	sB := bcast(data64(t, scale), []int{4}, batch)
	apply := func(f func(distuv.Laplace) float64) []float64 {
		out := make([]float64, len(locB))
		for i := range out {
			out[i] = f(distuv.Laplace{Mu: locB[i], Scale: sB[i]})
		}
		return out
	}
	for _, tc := range []struct {
		name string
		got  *tensor.Dense
		want []float64
	}{
		{"mean", must(d.Mean()), locB},
		{"mode", must(d.Mode()), locB},
		{"variance", must(d.Variance()), apply(distuv.Laplace.Variance)},
		{"stddev", must(d.StdDev()), apply(distuv.Laplace.StdDev)},
		{"entropy", must(d.Entropy()), apply(distuv.Laplace.Entropy)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, batch, shapeOf(tc.got))
			close(t, tc.want, data64(t, tc.got), tol64, 0)
		})
	}
	t.Run("entropy, mpmath", func(t *testing.T) {
		d := must(distributions.NewLaplace(s64(0), f64(1, 1e-300, 2.5, 5e-324, 1e308)))
		close(t, []float64{1.6931471805599454, -689.0823807176538, 2.6094379124341005, -742.7469247408213, 710.889355822726},
			data64(t, must(d.Entropy())), tol64, 0)
	})
	t.Run("stddev where the variance overflows", func(t *testing.T) {
		d := must(distributions.NewLaplace(s64(0), s64(1e200)))
		close(t, []float64{math.Sqrt2 * 1e200}, data64(t, must(d.StdDev())), tol64, 0)
	})
}

func TestLaplaceExpand(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewLaplace(sh(f64(0, 1), 2, 1), s64(2)))
	e, err := d.Expand([]int{4, 2, 3})
	require.NoError(t, err)
	ex, ok := e.(*distributions.Laplace)
	require.True(t, ok, "native Expand keeps the family, got %T", e)
	assert.Equal(t, []int{4, 2, 3}, ex.BatchShape())
	assert.Same(t, d.Loc(), ex.Loc())
	m := must(ex.Mean())
	assert.Equal(t, []int{4, 2, 3}, shapeOf(m))
	_, err = d.Expand([]int{3, 3})
	require.ErrorIs(t, err, distributions.ErrShape)
}

func TestLaplaceLogProbInto(t *testing.T) {
	t.Parallel()
	for _, dt := range []string{"f64", "f32"} {
		t.Run(dt, func(t *testing.T) {
			loc, scale, x := sh(f64(-1, 0, 2.5), 3, 1), f64(0.5, 1, 2, 4), sh(f64(seq(-3, 3, 8)...), 2, 1, 4)
			dst := must(tensor.Zeros[float64](2, 3, 4))
			if dt == "f32" {
				loc, scale, x, dst = to32(loc), to32(scale), to32(x), to32(dst)
			}
			d := must(distributions.NewLaplace(loc, scale))
			lp, err := d.LogProb(x)
			require.NoError(t, err)
			require.NoError(t, d.LogProbInto(dst, x))
			require.Equal(t, data64(t, lp), data64(t, dst))
			require.ErrorIs(t, d.LogProbInto(must(tensor.Zeros[float64](1, 3, 4)), x), distributions.ErrShape)
		})
	}
}

// laplaceRefSum is Σ w·(-log 2b - |x-μ|/b) over the broadcast of c's
// shapes, the textbook density the finite differences differentiate.
func laplaceRefSum(c normalGradCase, x, loc, scale, w []float64) float64 {
	xs, ms, ss := bcast(x, c.xShape, c.out), bcast(loc, c.locShape, c.out), bcast(scale, c.scShape, c.out)
	s := 0.0
	for i := range xs {
		lp := -math.Log(2*ss[i]) - math.Abs(xs[i]-ms[i])/ss[i]
		if w != nil {
			lp *= w[i]
		}
		s += lp
	}
	return s
}

func TestLaplaceLogProbGrad(t *testing.T) {
	t.Parallel()
	for k, c := range normalGradCases { // the same broadcast layouts as Normal
		for _, vjp := range []bool{false, true} {
			name := c.name
			if vjp {
				name += "/vjp"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				x, loc, scale := normalGradInputs(c, uint64(k))
				// |x-μ| ≥ 0.2 keeps the kink out of the finite differences'
				// reach: x in ±[1.2, 3], μ in [-1, 1].
				for i := range x {
					x[i] = math.Copysign(1.2+0.6*math.Abs(x[i]), x[i])
				}
				d := must(distributions.NewLaplace(must(tensor.New(loc, c.locShape...)), must(tensor.New(scale, c.scShape...))))
				xt := must(tensor.New(x, c.xShape...))
				var (
					w   []float64
					g   *distributions.Gradient
					err error
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
				close(t, []float64{laplaceRefSum(c, x, loc, scale, w)}, []float64{g.LogProb}, 1e-13, 0)
				require.Equal(t, c.locShape, shapeOf(g.Params["loc"]))
				require.Equal(t, c.scShape, shapeOf(g.Params["scale"]))
				wantX := centralDiff(func(v []float64) float64 { return laplaceRefSum(c, v, loc, scale, w) }, x, 1e-5)
				wantLoc := centralDiff(func(v []float64) float64 { return laplaceRefSum(c, x, v, scale, w) }, loc, 1e-5)
				wantScale := centralDiff(func(v []float64) float64 { return laplaceRefSum(c, x, loc, v, w) }, scale, 1e-5)
				gotX, gotLoc, gotScale := data64(t, g.Value), data64(t, g.Params["loc"]), data64(t, g.Params["scale"])
				for _, v := range [][]float64{wantX, wantLoc, wantScale} {
					requireFinite(t, v)
				}
				close(t, wantX, gotX, gradTol, gradTol)
				close(t, wantLoc, gotLoc, gradTol, gradTol)
				close(t, wantScale, gotScale, gradTol, gradTol)
				t.Logf("max rel err vs central differences: x %.2g, loc %.2g, scale %.2g",
					maxRelErr(wantX, gotX, 1), maxRelErr(wantLoc, gotLoc, 1), maxRelErr(wantScale, gotScale, 1))
			})
		}
	}
	t.Run("analytic partials and the kink", func(t *testing.T) {
		t.Parallel()
		// at x = 3, μ = 1, b = 4: ∂x = -1/4, ∂μ = 1/4, ∂b = (1/2-1)/4; at the
		// kink x = μ torch's sgn(0) = 0 gives ∂x = ∂μ = 0, ∂b = -1/b.
		d := must(distributions.NewLaplace(s64(1), s64(4)))
		g, err := d.LogProbGrad(f64(3, 1, -1))
		require.NoError(t, err)
		close(t, []float64{-0.25, 0, 0.25}, data64(t, g.Value), 0, 0)
		close(t, []float64{-0.25 + 0 + 0.25}, data64(t, g.Params["loc"]), 0, 0)
		close(t, []float64{-0.125 - 0.25 - 0.125}, data64(t, g.Params["scale"]), 0, 0)
	})
}

func TestLaplaceFloat32(t *testing.T) {
	t.Parallel()
	loc32, scale32 := sh(f32(-1, 0, 2.5), 3, 1), f32(0.5, 1, 2, 4)
	x32 := sh(to32(f64(seq(-4, 5, 24)...)), 2, 3, 4)
	u32 := sh(f32(0.001, 0.2, 0.5, 0.9, 0.999), 5, 1, 1)
	d32 := must(distributions.NewLaplace(loc32, scale32))
	d64 := must(distributions.NewLaplace(to64(loc32), to64(scale32)))
	pair := func(name string, a, b *tensor.Dense, errA, errB error) {
		require.NoError(t, errA, name)
		require.NoError(t, errB, name)
		require.Equal(t, tensor.Float32, a.Dtype(), name)
		require.Equal(t, shapeOf(b), shapeOf(a), name)
		close(t, data64(t, b), data64(t, a), tol32, 0)
	}
	a, errA := d32.LogProb(x32)
	b, errB := d64.LogProb(to64(x32))
	pair("log_prob", a, b, errA, errB)
	a, errA = d32.CDF(x32)
	b, errB = d64.CDF(to64(x32))
	pair("cdf", a, b, errA, errB)
	a, errA = d32.ICDF(u32)
	b, errB = d64.ICDF(to64(u32))
	pair("icdf", a, b, errA, errB)
	for _, m := range []func(*distributions.Laplace) (*tensor.Dense, error){
		(*distributions.Laplace).Mean, (*distributions.Laplace).Variance, (*distributions.Laplace).StdDev,
		(*distributions.Laplace).Mode, (*distributions.Laplace).Entropy,
	} {
		a, errA := m(d32)
		b, errB := m(d64)
		pair("moment", a, b, errA, errB)
	}
	g32, err := d32.LogProbGrad(x32)
	require.NoError(t, err)
	g64, err := d64.LogProbGrad(to64(x32))
	require.NoError(t, err)
	close(t, []float64{g64.LogProb}, []float64{g32.LogProb}, tol32, 0)
	close(t, data64(t, g64.Value), data64(t, g32.Value), tol32, 0)
	for _, p := range []string{"loc", "scale"} {
		require.Equal(t, tensor.Float32, g32.Params[p].Dtype())
		close(t, data64(t, g64.Params[p]), data64(t, g32.Params[p]), tol32, 0)
	}
}

// laplaceKS is the KS p-value of column j of a sample of shape (n,
// batch...) against Laplace(mu, b), with gonum's CDF.
func laplaceKS(data []float64, j, stride int, mu, b float64) float64 {
	n := len(data) / stride
	col := make([]float64, n)
	for i := range col {
		col[i] = data[i*stride+j]
	}
	return ksPValue(ksStatistic(col, distuv.Laplace{Mu: mu, Scale: b}.CDF), n)
}

func TestLaplaceSampleKS(t *testing.T) {
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
			d := must(distributions.NewLaplace(tc.loc, tc.scale))
			x, err := d.Sample(rand.NewPCG(tc.seed, 0x5eed), nDraws)
			require.NoError(t, err)
			batch := d.BatchShape()
			require.Equal(t, append([]int{nDraws}, batch...), shapeOf(x))
			require.Equal(t, tc.loc.Dtype(), x.Dtype())
			stride := sizeOf(batch)
			mus := bcast(data64(t, tc.loc), shapeOf(tc.loc), batch)
			bs := bcast(data64(t, tc.scale), shapeOf(tc.scale), batch)
			data := data64(t, x)
			requireFinite(t, data)
			for j := range stride {
				p := laplaceKS(data, j, stride, mus[j], bs[j])
				t.Logf("Laplace(%g, %g): KS p = %.3g", mus[j], bs[j], p)
				assert.GreaterOrEqual(t, p, pCritical, "Laplace(%g, %g)", mus[j], bs[j])
			}
		})
	}
	t.Run("power", func(t *testing.T) {
		// Laplace(0, 1) draws tested as Laplace(0.03, 1) or Laplace(0, 1.05).
		t.Parallel()
		x, err := must(distributions.NewLaplace(s64(0), s64(1))).Sample(rand.NewPCG(1, 0x5eed), nDraws)
		require.NoError(t, err)
		for _, alt := range [][2]float64{{0.03, 1}, {0, 1.05}} {
			p := laplaceKS(data64(t, x), 0, 1, alt[0], alt[1])
			t.Logf("Laplace(0, 1) draws as Laplace(%g, %g): KS p = %.3g", alt[0], alt[1], p)
			assert.Less(t, p, pCritical)
		}
	})
}

func TestLaplaceSampleShapesAndSeeds(t *testing.T) {
	t.Parallel()
	loc, scale := sh(f64(-1, 0.5, 3), 3, 1), f64(0.25, 1, 4, 9)
	d := must(distributions.NewLaplace(loc, scale))
	for _, c := range []struct{ sample, want []int }{
		{nil, []int{3, 4}}, {[]int{5}, []int{5, 3, 4}}, {[]int{2, 1}, []int{2, 1, 3, 4}},
	} {
		x, err := d.Sample(rand.NewPCG(1, 2), c.sample...)
		require.NoError(t, err)
		assert.Equal(t, c.want, shapeOf(x))
		y, err := d.RSample(rand.NewPCG(1, 2), c.sample...)
		require.NoError(t, err)
		assert.Equal(t, data64(t, x), data64(t, y), "Sample is RSample")
	}
	_, err := d.Sample(nil)
	require.ErrorIs(t, err, distributions.ErrNilSource)
	_, err = d.Sample(rand.NewPCG(1, 2), -1)
	require.ErrorIs(t, err, distributions.ErrShape)
	draw := func(seed uint64) []float64 { return data64(t, must(d.Sample(rand.NewPCG(seed, 99), 50))) }
	a, b, c := draw(1), draw(1), draw(2)
	assert.Equal(t, a, b, "same seed, same draws")
	assert.NotEqual(t, a, c, "another seed, other draws")
	// Reparameterisation: μ + b·ε with the ε Laplace(0, 1) draws from the
	// same seed, bit for bit.
	std := must(distributions.NewLaplace(must(tensor.Zeros[float64](3, 1)), must(tensor.Full(1.0, 4))))
	e := data64(t, must(std.RSample(rand.NewPCG(1, 99), 50)))
	mu := bcast(data64(t, loc), []int{3, 1}, []int{50, 3, 4})
	sg := bcast(data64(t, scale), []int{4}, []int{50, 3, 4})
	for i := range e {
		require.Equal(t, mu[i]+sg[i]*e[i], a[i], "element %d", i)
	}
}

// TestLaplaceSampleGOMAXPROCS requires the same bits from one and from two
// goroutines above tensor.ParallelMin; not parallel (it sets GOMAXPROCS).
func TestLaplaceSampleGOMAXPROCS(t *testing.T) {
	const n = 1_000_000
	require.Greater(t, n, tensor.ParallelMin)
	d := must(distributions.NewLaplace(f64(-1, 2), f64(0.5, 3)))
	draw := func(procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		return data64(t, must(d.Sample(rand.NewPCG(42, 43), n/2)))
	}
	one, two := draw(1), draw(2)
	require.Len(t, one, n)
	assert.True(t, slices.Equal(one, two), "draws depend on GOMAXPROCS")
}

// TestLaplaceGoldenCases runs the golden cases of Laplace through the
// conformance runner: every one of laplace.json and errors.json must pass.
func TestLaplaceGoldenCases(t *testing.T) {
	t.Parallel()
	n := 0
	for _, c := range loadCases(t, goldenDir, "") {
		if !strings.HasPrefix(c.name, "laplace/") && !strings.HasPrefix(c.name, "errors/laplace-") {
			continue
		}
		n++
		st, reason := runCase(c)
		t.Logf("%s: %s %s", c.name, st, reason)
		assert.Equal(t, casePassed, st, "%s: %s", c.name, reason)
	}
	assert.GreaterOrEqual(t, n, 4)
}

func FuzzLaplace(f *testing.F) {
	for _, c := range [][3]float64{
		{0, 1, 0}, {0, 0, 1}, {0, -1, 1}, {math.NaN(), 1, 0}, {0, 1, math.NaN()}, {1e300, 1e-300, math.Inf(1)},
		{-1e308, 1e-320, 1e308}, {0, math.Inf(1), 1}, {math.Inf(1), 1, math.Inf(1)}, {3, 2, 40}, {0, 1, 1e10},
	} {
		f.Add(c[0], c[1], c[2])
	}
	f.Fuzz(func(t *testing.T, loc, scale, x float64) {
		d, err := distributions.NewLaplace(f64(loc), f64(scale))
		if !(scale > 0) || math.IsNaN(loc) {
			require.ErrorIs(t, err, distributions.ErrParam)
			var ce *distributions.ConstraintError
			require.ErrorAs(t, err, &ce)
			u, err := distributions.NewLaplace(f64(loc), f64(scale), distributions.WithValidation(false))
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
		close(t, []float64{got}, []float64{g.LogProb}, 0, 0)
		if math.IsInf(loc, 0) || math.IsInf(scale, 0) || math.IsInf(x, 0) {
			return
		}
		require.False(t, math.IsNaN(got) || math.IsInf(got, 1), "log Laplace(%v | %v, %v) = %v", x, loc, scale, got)
		for _, v := range []float64{data64(t, g.Value)[0], data64(t, g.Params["loc"])[0], data64(t, g.Params["scale"])[0]} {
			require.False(t, math.IsNaN(v))
		}
		if z := math.Abs(x-loc) / scale; z < 1e6 && scale > 1e-300 && scale < 1e300 {
			// each of log 2b and |x-μ|/b within an ulp or two
			want := -logRef(2*scale) - math.Abs(x-loc)/scale
			close(t, []float64{want}, []float64{got}, 1e-15, 1e-15*(math.Abs(logRef(2*scale))+z))
		}
		c := data64(t, must(d.CDF(f64(x))))[0]
		require.True(t, c >= 0 && c <= 1, "cdf %v", c)
	})
}

func ExampleLaplace_CDF() {
	d, err := distributions.NewLaplace(tensor.Scalar(0.0), tensor.Scalar(1.0))
	if err != nil {
		log.Fatal(err)
	}
	c, err := d.CDF(tensor.Vector(-40.0, 0.0, 40.0))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%.6g\n", c.Float64s())
	// Output:
	// [2.12418e-18 0.5 1]
}
