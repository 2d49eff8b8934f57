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

// Reference values marked "mpmath" were computed with mpmath from the exact
// binary value of each float64 input, at 50 digits (800 for the tails of
// the CDF and ICDF, where ½ + atan(z)/π and u - ½ cancel), then rounded
// once. gonum has no Cauchy; its StudentsT with ν = 1 is one.

var (
	_ distributions.Distribution  = (*distributions.Cauchy)(nil)
	_ distributions.RSampler      = (*distributions.Cauchy)(nil)
	_ distributions.LogProbGrader = (*distributions.Cauchy)(nil)
	_ distributions.LogProbIntoer = (*distributions.Cauchy)(nil)
	_ distributions.CDFer         = (*distributions.Cauchy)(nil)
	_ distributions.ICDFer        = (*distributions.Cauchy)(nil)
	_ distributions.Meaner        = (*distributions.Cauchy)(nil)
	_ distributions.Variancer     = (*distributions.Cauchy)(nil)
	_ distributions.StdDever      = (*distributions.Cauchy)(nil)
	_ distributions.Moder         = (*distributions.Cauchy)(nil)
	_ distributions.Entropier     = (*distributions.Cauchy)(nil)
)

func cauchyGonumLogProb(x, mu, g float64) float64 {
	return distuv.StudentsT{Mu: mu, Sigma: g, Nu: 1}.LogProb(x)
}

// cauchyCDFRef is the textbook ½ + atan((x-μ)/γ)/π: good to an absolute
// 1e-16, all the KS test needs.
func cauchyCDFRef(x, mu, g float64) float64 { return 0.5 + math.Atan((x-mu)/g)/math.Pi }

func TestCauchyLogProb(t *testing.T) {
	t.Parallel()
	inf := math.Inf(1)
	tests := []struct {
		name          string
		loc, scale, x *tensor.Dense
		wantShape     []int
		want          []float64 // nil: gonum's StudentsT(ν = 1) over the broadcast
	}{
		{name: "standard at 0", loc: s64(0), scale: s64(1), x: s64(0), wantShape: []int{}, want: []float64{-1.1447298858494002}}, // mpmath: -log π
		{name: "scalar params, vector value", loc: s64(1.5), scale: s64(0.5), x: f64(-1, 0, 1.5, 2, 10), wantShape: []int{5}},
		{name: "(3,1) params vs (4) value", loc: sh(f64(-1, 0, 2.5), 3, 1), scale: sh(f64(0.5, 1, 3), 3, 1), x: f64(-2, 0, 1, 4), wantShape: []int{3, 4}},
		{name: "value (2,3,4) vs batch (3,1)", loc: sh(f64(-1, 0, 2.5), 3, 1), scale: s64(1.5), x: sh(f64(seq(-50, 60, 24)...), 2, 3, 4), wantShape: []int{2, 3, 4}},
		{name: "z² overflows", loc: f64(0, 0, 1, 0.5, 0), scale: f64(1e-300, 1, 2, 1e300, 1), x: f64(1, 1e200, -1e160, 1e300, -1e308), wantShape: []int{5},
			// mpmath; torch's log1p(z²) gives -Inf at the first, second and last
			want: []float64{-691.9202577840631, -922.1787670834676, -737.278812463384, -692.6134049646231, -1419.5371471701815}},
		{name: "subnormal scale", loc: f64(0, 0, 0, 0), scale: f64(5e-324, 1e-320, 2e-310, 3e-322), x: f64(0, 1e-320, 3e-310, -7e-321), wantShape: []int{4},
			want: []float64{743.2953420355319, 734.9893638245645, 710.7848467654031, 732.8917699452703}}, // mpmath
		{name: "γ(1+z²) overflows", loc: s64(0), scale: s64(1e300), x: s64(1e308), wantShape: []int{}, want: []float64{-728.7616192719678}}, // mpmath
		{name: "x = ±Inf", loc: s64(0), scale: s64(1), x: f64(inf, -inf), wantShape: []int{2}, want: []float64{-inf, -inf}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := must(distributions.NewCauchy(tc.loc, tc.scale))
			got, err := d.LogProb(tc.x)
			require.NoError(t, err)
			require.Equal(t, tc.wantShape, shapeOf(got))
			want := tc.want
			if want == nil {
				want = normalOracle(t, tc.x, tc.loc, tc.scale, tc.wantShape, cauchyGonumLogProb)
			}
			close(t, want, data64(t, got), tol64, 0)
		})
	}
}

func TestCauchyErrors(t *testing.T) {
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
			wantMsg: []string{"cauchy", "scale", "> 0", "[1]"}},
		{name: "scale -3 at (0, 1)", loc: s64(0), scale: sh(f64(1, -3, 1, 3), 2, 2), wantErr: distributions.ErrParam, wantName: "scale", wantIndex: []int{0, 1}},
		{name: "loc NaN", loc: sh(f64(0, 1, nan), 3, 1), scale: s64(1), wantErr: distributions.ErrParam, wantName: "loc", wantIndex: []int{2, 0}},
		{name: "loc (2) and scale (3)", loc: f64(0, 1), scale: f64(1, 1, 1), wantErr: distributions.ErrShape, wantMsg: []string{"cauchy", "loc and scale"}},
		{name: "mixed dtypes", loc: f64(0), scale: f32(1), wantErr: distributions.ErrDType},
		{name: "nil loc", loc: nil, scale: s64(1), wantErr: distributions.ErrParam, wantMsg: []string{"loc"}},
		{name: "NaN value", loc: s64(0), scale: s64(1), x: sh(f64(1, 2, 3, nan), 2, 2), wantErr: distributions.ErrSupport, wantName: "value", wantIndex: []int{1, 1}},
		{name: "value (4) vs batch (2, 3)", loc: sh(f64(0, 1), 2, 1), scale: f64(1, 2, 3), x: f64(0, 1, 2, 3), wantErr: distributions.ErrShape},
		{name: "float32 value, float64 params", loc: s64(0), scale: s64(1), x: f32(0), wantErr: distributions.ErrDType},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := distributions.NewCauchy(tc.loc, tc.scale)
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
				assert.Equal(t, "cauchy", ce.Family)
				assert.Equal(t, tc.wantName, ce.Name)
				assert.Equal(t, tc.wantIndex, ce.Index)
			}
			for _, s := range tc.wantMsg {
				assert.Contains(t, err.Error(), s)
			}
		})
	}
}

func TestCauchyCDF(t *testing.T) {
	t.Parallel()
	t.Run("exact values, tails included", func(t *testing.T) {
		d := must(distributions.NewCauchy(f64(0, 0, 0, 1, 0, -1, 0, 0, 2, 0, 3), f64(1, 1, 1e-300, 2, 1, 0.5, 1, 1, 1, 1e-300, 1)))
		got, err := d.CDF(f64(-1e10, -1e300, -1, 1, 1e10, -1.5, -0.5, -3, 1e300, -1e-10, -1e308))
		require.NoError(t, err)
		// mpmath; torch's ½ + atan(z)/π is 1e-6 off at the first and gives
		// 0 at the second, third, tenth and last
		want := []float64{3.1830988618379065e-11, 3.1830988618379065e-301, 3.183098861837907e-301, 0.5, 0.999999999968169, 0.25,
			0.35241638234956674, 0.10241638234956672, 1, 3.1830988618379067e-291, 3.183098861837906e-309}
		close(t, want, data64(t, got), tol64, 0)
	})
	t.Run("broadcast vs gonum", func(t *testing.T) {
		loc, scale, x := sh(f64(-1, 0, 2.5), 3, 1), f64(0.5, 1, 2, 4), sh(f64(-100, -2, 0.25, 3, 30), 5, 1, 1)
		d := must(distributions.NewCauchy(loc, scale))
		got, err := d.CDF(x)
		require.NoError(t, err)
		out := []int{5, 3, 4}
		require.Equal(t, out, shapeOf(got))
		want := normalOracle(t, x, loc, scale, out, func(x, mu, g float64) float64 {
			return distuv.StudentsT{Mu: mu, Sigma: g, Nu: 1}.CDF(x)
		})
		// gonum's CDF is a regularised incomplete beta, measured 2.3e-15
		// relative from mpmath at z = -20.4: 1e-13 leaves room for that.
		close(t, want, data64(t, got), 1e-13, 0)
	})
	t.Run("ends", func(t *testing.T) {
		d := must(distributions.NewCauchy(s64(0), s64(1)))
		got, err := d.CDF(f64(math.Inf(-1), math.Inf(1)))
		require.NoError(t, err)
		close(t, []float64{0, 1}, data64(t, got), 0, 0)
		_, err = d.CDF(f64(math.NaN()))
		require.ErrorIs(t, err, distributions.ErrSupport)
	})
}

func TestCauchyICDF(t *testing.T) {
	t.Parallel()
	t.Run("exact values, tails included", func(t *testing.T) {
		d := must(distributions.NewCauchy(f64(0, 0, 0, 1, 0, 0, 0, -1, 0, 0, 0), f64(1, 1, 1, 2, 1, 1, 1, 0.5, 1, 1, 1)))
		got, err := d.ICDF(f64(1e-300, 1e-10, 0.1, 0.9, 1-0x1p-53, 0.3, 0.7, 0.25-0x1p-55, 0.75, 0, 1))
		require.NoError(t, err)
		// mpmath; torch's tan(π(u-½)) gives -1.6e16 at u = 1e-300 and is
		// 7e-7 off at 1e-10
		want := []float64{-3.1830988618379066e+299, -3183098861.837907, -3.077683537175253, 7.155367074350508, 2867080569611329.5,
			-0.7265425280053609, 0.7265425280053607, -1.5000000000000004, 1, math.Inf(-1), math.Inf(1)}
		close(t, want, data64(t, got), tol64, 0)
	})
	t.Run("inverts CDF", func(t *testing.T) {
		d := must(distributions.NewCauchy(sh(f64(-1, 0, 2.5), 3, 1), f64(0.5, 1, 2, 4)))
		u := sh(f64(1e-200, 1e-12, 0.01, 0.3, 0.5, 0.7, 0.99, 1-1e-6), 8, 1, 1)
		x, err := d.ICDF(u)
		require.NoError(t, err)
		require.Equal(t, []int{8, 3, 4}, shapeOf(x))
		back, err := d.CDF(x)
		require.NoError(t, err)
		// The relative condition of F at x is |x·p(x)/F(x)| ≤ 1 in the left
		// tail, so the round trip costs a few ulps; 1e-14 allows for the
		// μ + γ·q rounding near the median, where it is largest (2.5 + ...).
		close(t, bcast(data64(t, u), []int{8, 1, 1}, []int{8, 3, 4}), data64(t, back), 1e-14, 0)
	})
	t.Run("u outside [0, 1]", func(t *testing.T) {
		d := must(distributions.NewCauchy(s64(0), s64(1)))
		for _, u := range []float64{-0.1, 1.5, math.NaN()} {
			_, err := d.ICDF(f64(0.5, u))
			var ce *distributions.ConstraintError
			require.ErrorAs(t, err, &ce)
			require.ErrorIs(t, err, distributions.ErrSupport)
			assert.Equal(t, []int{1}, ce.Index)
		}
		u := must(distributions.NewCauchy(s64(0), s64(1), distributions.WithValidation(false)))
		q, err := u.ICDF(f64(-0.1, 1.5))
		require.NoError(t, err)
		close(t, []float64{math.NaN(), math.NaN()}, data64(t, q), 0, 0)
	})
}

func TestCauchyMoments(t *testing.T) {
	t.Parallel()
	loc, scale := sh(f64(-1, 0, 2.5), 3, 1), f64(1, 1e-300, 2.5, 5e-324)
	d := must(distributions.NewCauchy(loc, scale))
	batch := []int{3, 4}
	require.Equal(t, batch, d.BatchShape())
	assert.Same(t, loc, d.Loc())
	assert.Same(t, scale, d.Scale())
	fill := func(v float64) []float64 { return bcast([]float64{v}, []int{1}, batch) }
	entropy := bcast([]float64{2.5310242469692907, -688.2445036512444, 3.447314978843446, -741.909047674412}, []int{4}, batch) // mpmath: log 4πγ
	for _, tc := range []struct {
		name string
		got  *tensor.Dense
		want []float64
	}{
		{"mean (undefined)", must(d.Mean()), fill(math.NaN())},
		{"variance", must(d.Variance()), fill(math.Inf(1))},
		{"stddev", must(d.StdDev()), fill(math.Inf(1))},
		{"mode", must(d.Mode()), bcast(data64(t, loc), []int{3, 1}, batch)},
		{"entropy", must(d.Entropy()), entropy},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, batch, shapeOf(tc.got))
			close(t, tc.want, data64(t, tc.got), tol64, 0)
		})
	}
}

func TestCauchyExpand(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewCauchy(s64(1), f64(1, 2)))
	e, err := distributions.ExpandBy(d, []int{3})
	require.NoError(t, err)
	ex, ok := e.(*distributions.Cauchy)
	require.True(t, ok, "native Expand keeps the family, got %T", e)
	assert.Equal(t, []int{3, 2}, ex.BatchShape())
	assert.Same(t, d.Scale(), ex.Scale())
	lp := must(ex.LogProb(s64(1)))
	close(t, []float64{-1.1447298858494002, -1.1447298858494002 - math.Ln2}, data64(t, lp)[4:], tol64, 0) // -log πγ at the mode
	_, err = d.Expand([]int{3})
	require.ErrorIs(t, err, distributions.ErrShape)
}

func TestCauchyLogProbInto(t *testing.T) {
	t.Parallel()
	for _, dt := range []string{"f64", "f32"} {
		t.Run(dt, func(t *testing.T) {
			loc, scale, x := sh(f64(-1, 0, 2.5), 3, 1), f64(0.5, 1, 2, 4), sh(f64(seq(-30, 30, 8)...), 2, 1, 4)
			dst := must(tensor.Zeros[float64](2, 3, 4))
			if dt == "f32" {
				loc, scale, x, dst = to32(loc), to32(scale), to32(x), to32(dst)
			}
			d := must(distributions.NewCauchy(loc, scale))
			lp, err := d.LogProb(x)
			require.NoError(t, err)
			require.NoError(t, d.LogProbInto(dst, x))
			require.Equal(t, data64(t, lp), data64(t, dst))
			require.ErrorIs(t, d.LogProbInto(nil, x), distributions.ErrShape)
		})
	}
}

// cauchyRefSum is Σ w·(-log π - log γ - log(1+z²)) over the broadcast of
// c's shapes, the textbook density the finite differences differentiate.
func cauchyRefSum(c normalGradCase, x, loc, scale, w []float64) float64 {
	xs, ms, ss := bcast(x, c.xShape, c.out), bcast(loc, c.locShape, c.out), bcast(scale, c.scShape, c.out)
	s := 0.0
	for i := range xs {
		z := (xs[i] - ms[i]) / ss[i]
		lp := -math.Log(math.Pi) - math.Log(ss[i]) - math.Log(1+z*z)
		if w != nil {
			lp *= w[i]
		}
		s += lp
	}
	return s
}

func TestCauchyLogProbGrad(t *testing.T) {
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
				// |z| both below and above 1, the two branches of the partials
				for i := range x {
					x[i] *= 3
				}
				d := must(distributions.NewCauchy(must(tensor.New(loc, c.locShape...)), must(tensor.New(scale, c.scShape...))))
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
				close(t, []float64{cauchyRefSum(c, x, loc, scale, w)}, []float64{g.LogProb}, 1e-13, 0)
				require.Equal(t, c.xShape, shapeOf(g.Value))
				require.Equal(t, c.locShape, shapeOf(g.Params["loc"]))
				require.Equal(t, c.scShape, shapeOf(g.Params["scale"]))
				wantX := centralDiff(func(v []float64) float64 { return cauchyRefSum(c, v, loc, scale, w) }, x, 1e-5)
				wantLoc := centralDiff(func(v []float64) float64 { return cauchyRefSum(c, x, v, scale, w) }, loc, 1e-5)
				wantScale := centralDiff(func(v []float64) float64 { return cauchyRefSum(c, x, loc, v, w) }, scale, 1e-5)
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
	t.Run("analytic partials and the far tail", func(t *testing.T) {
		t.Parallel()
		// at x = 3, μ = 1, γ = 2 (z = 1): ∂x = -2z/(γ(1+z²)) = -1/2, ∂μ = 1/2,
		// ∂γ = (z²-1)/(γ(1+z²)) = 0. At x = 1e200 (z² overflows), ∂μ = 2/d
		// to within 1/z² and ∂γ = 1/γ; at x = ±Inf, 0 and 1/γ.
		d := must(distributions.NewCauchy(s64(1), s64(2)))
		for _, c := range []struct{ x, dx, dg float64 }{
			{3, -0.5, 0}, {1e200, -2e-200, 0.5}, {-1e200, 2e-200, 0.5}, {math.Inf(1), 0, 0.5}, {1, 0, -0.5},
		} {
			g, err := d.LogProbGrad(s64(c.x))
			require.NoError(t, err)
			close(t, []float64{c.dx, -c.dx, c.dg}, []float64{data64(t, g.Value)[0], data64(t, g.Params["loc"])[0], data64(t, g.Params["scale"])[0]}, tol64, 0)
		}
	})
}

func TestCauchyFloat32(t *testing.T) {
	t.Parallel()
	loc32, scale32 := sh(f32(-1, 0, 2.5), 3, 1), f32(0.5, 1, 2, 4)
	x32 := sh(to32(f64(seq(-40, 50, 24)...)), 2, 3, 4)
	u32 := sh(f32(0.001, 0.2, 0.5, 0.9, 0.999), 5, 1, 1)
	d32 := must(distributions.NewCauchy(loc32, scale32))
	d64 := must(distributions.NewCauchy(to64(loc32), to64(scale32)))
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
	for _, m := range []func(*distributions.Cauchy) (*tensor.Dense, error){
		(*distributions.Cauchy).Mean, (*distributions.Cauchy).Variance, (*distributions.Cauchy).StdDev,
		(*distributions.Cauchy).Mode, (*distributions.Cauchy).Entropy,
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

// cauchyKS is the KS p-value of column j of a sample of shape (n,
// batch...) against Cauchy(mu, g).
func cauchyKS(data []float64, j, stride int, mu, g float64) float64 {
	n := len(data) / stride
	col := make([]float64, n)
	for i := range col {
		col[i] = data[i*stride+j]
	}
	return ksPValue(ksStatistic(col, func(x float64) float64 { return cauchyCDFRef(x, mu, g) }), n)
}

func TestCauchySampleKS(t *testing.T) {
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
			d := must(distributions.NewCauchy(tc.loc, tc.scale))
			x, err := d.Sample(rand.NewPCG(tc.seed, 0x5eed), nDraws)
			require.NoError(t, err)
			batch := d.BatchShape()
			require.Equal(t, append([]int{nDraws}, batch...), shapeOf(x))
			require.Equal(t, tc.loc.Dtype(), x.Dtype())
			stride := sizeOf(batch)
			mus := bcast(data64(t, tc.loc), shapeOf(tc.loc), batch)
			gs := bcast(data64(t, tc.scale), shapeOf(tc.scale), batch)
			data := data64(t, x)
			requireFinite(t, data)
			for j := range stride {
				p := cauchyKS(data, j, stride, mus[j], gs[j])
				t.Logf("Cauchy(%g, %g): KS p = %.3g", mus[j], gs[j], p)
				assert.GreaterOrEqual(t, p, pCritical, "Cauchy(%g, %g)", mus[j], gs[j])
			}
		})
	}
	t.Run("power", func(t *testing.T) {
		// Cauchy(0, 1) draws tested as Cauchy(0.03, 1) or Cauchy(0, 1.06).
		t.Parallel()
		x, err := must(distributions.NewCauchy(s64(0), s64(1))).Sample(rand.NewPCG(1, 0x5eed), nDraws)
		require.NoError(t, err)
		for _, alt := range [][2]float64{{0.03, 1}, {0, 1.06}} {
			p := cauchyKS(data64(t, x), 0, 1, alt[0], alt[1])
			t.Logf("Cauchy(0, 1) draws as Cauchy(%g, %g): KS p = %.3g", alt[0], alt[1], p)
			assert.Less(t, p, pCritical)
		}
	})
}

func TestCauchySampleShapesAndSeeds(t *testing.T) {
	t.Parallel()
	loc, scale := sh(f64(-1, 0.5, 3), 3, 1), f64(0.25, 1, 4, 9)
	d := must(distributions.NewCauchy(loc, scale))
	for _, c := range []struct{ sample, want []int }{
		{nil, []int{3, 4}}, {[]int{5}, []int{5, 3, 4}}, {[]int{0}, []int{0, 3, 4}},
	} {
		x, err := d.Sample(rand.NewPCG(1, 2), c.sample...)
		require.NoError(t, err)
		assert.Equal(t, c.want, shapeOf(x))
		y, err := d.RSample(rand.NewPCG(1, 2), c.sample...)
		require.NoError(t, err)
		assert.Equal(t, data64(t, x), data64(t, y), "Sample is RSample")
	}
	_, err := d.RSample(nil)
	require.ErrorIs(t, err, distributions.ErrNilSource)
	_, err = d.Sample(rand.NewPCG(1, 2), 3, -2)
	require.ErrorIs(t, err, distributions.ErrShape)
	draw := func(seed uint64) []float64 { return data64(t, must(d.Sample(rand.NewPCG(seed, 99), 50))) }
	a, b, c := draw(1), draw(1), draw(2)
	assert.Equal(t, a, b, "same seed, same draws")
	assert.NotEqual(t, a, c, "another seed, other draws")
	std := must(distributions.NewCauchy(must(tensor.Zeros[float64](3, 1)), must(tensor.Full(1.0, 4))))
	e := data64(t, must(std.RSample(rand.NewPCG(1, 99), 50)))
	mu := bcast(data64(t, loc), []int{3, 1}, []int{50, 3, 4})
	sg := bcast(data64(t, scale), []int{4}, []int{50, 3, 4})
	for i := range e {
		require.Equal(t, mu[i]+sg[i]*e[i], a[i], "element %d: μ + γ·ε with the same ε", i)
	}
}

// TestCauchySampleGOMAXPROCS requires the same bits from one and from two
// goroutines above tensor.ParallelMin; not parallel (it sets GOMAXPROCS).
func TestCauchySampleGOMAXPROCS(t *testing.T) {
	const n = 1_000_000
	require.Greater(t, n, tensor.ParallelMin)
	d := must(distributions.NewCauchy(f64(-1, 2), f64(0.5, 3)))
	draw := func(procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		return data64(t, must(d.Sample(rand.NewPCG(42, 43), n/2)))
	}
	one, two := draw(1), draw(2)
	require.Len(t, one, n)
	assert.True(t, slices.Equal(one, two), "draws depend on GOMAXPROCS")
}

// TestCauchyGoldenCases runs the golden cases of cauchy.json through the
// conformance runner: every one must pass.
func TestCauchyGoldenCases(t *testing.T) {
	t.Parallel()
	n := 0
	for _, c := range loadCases(t, goldenDir, "") {
		if !strings.HasPrefix(c.name, "cauchy/") {
			continue
		}
		n++
		st, reason := runCase(c)
		t.Logf("%s: %s %s", c.name, st, reason)
		assert.Equal(t, casePassed, st, "%s: %s", c.name, reason)
	}
	assert.GreaterOrEqual(t, n, 3)
}

func FuzzCauchy(f *testing.F) {
	for _, c := range [][3]float64{
		{0, 1, 0}, {0, 0, 1}, {0, -1, 1}, {math.NaN(), 1, 0}, {0, 1, math.NaN()}, {1e300, 1e-300, math.Inf(1)},
		{-1e308, 1e-320, 1e308}, {0, math.Inf(1), 1}, {math.Inf(1), 1, math.Inf(1)}, {3, 2, 40}, {0, 1, 1e200}, {0, 5e-324, 1},
	} {
		f.Add(c[0], c[1], c[2])
	}
	f.Fuzz(func(t *testing.T, loc, scale, x float64) {
		d, err := distributions.NewCauchy(f64(loc), f64(scale))
		if !(scale > 0) || math.IsNaN(loc) {
			require.ErrorIs(t, err, distributions.ErrParam)
			var ce *distributions.ConstraintError
			require.ErrorAs(t, err, &ce)
			u, err := distributions.NewCauchy(f64(loc), f64(scale), distributions.WithValidation(false))
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
		if math.IsInf(loc, 0) || math.IsInf(scale, 0) || math.IsInf(x, 0) || math.IsInf(x-loc, 0) {
			return
		}
		// finite inputs: a finite log density and partials, never NaN
		require.False(t, math.IsNaN(got) || math.IsInf(got, 0), "log Cauchy(%v | %v, %v) = %v", x, loc, scale, got)
		for _, v := range []float64{data64(t, g.Value)[0], data64(t, g.Params["loc"])[0], data64(t, g.Params["scale"])[0]} {
			require.False(t, math.IsNaN(v), "partial of log Cauchy(%v | %v, %v)", x, loc, scale)
		}
		if z := (x - loc) / scale; math.Abs(z) < 1e6 && scale > 1e-300 && scale < 1e300 {
			want := -math.Log(math.Pi) - logRef(scale) - math.Log1p(z*z)
			// each term within a few ulps of itself; log1p(z²) carries z's
			// rounding twice
			close(t, []float64{want}, []float64{got}, 1e-14, 1e-15*(math.Abs(logRef(scale))+math.Log1p(z*z)+2))
		}
		c := data64(t, must(d.CDF(f64(x))))[0]
		require.True(t, c >= 0 && c <= 1, "cdf %v", c)
	})
}

func ExampleCauchy_ICDF() {
	d, err := distributions.NewCauchy(tensor.Scalar(0.0), tensor.Scalar(1.0))
	if err != nil {
		log.Fatal(err)
	}
	q, err := d.ICDF(tensor.Vector(0.0, 0.25, 0.5, 1e-300))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%.6g\n", q.Float64s())
	// Output:
	// [-Inf -1 0 -3.1831e+299]
}
