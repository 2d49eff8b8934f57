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
	_ distributions.Distribution  = (*distributions.Gumbel)(nil)
	_ distributions.RSampler      = (*distributions.Gumbel)(nil)
	_ distributions.LogProbGrader = (*distributions.Gumbel)(nil)
	_ distributions.LogProbIntoer = (*distributions.Gumbel)(nil)
	_ distributions.CDFer         = (*distributions.Gumbel)(nil)
	_ distributions.ICDFer        = (*distributions.Gumbel)(nil)
	_ distributions.Meaner        = (*distributions.Gumbel)(nil)
	_ distributions.Variancer     = (*distributions.Gumbel)(nil)
	_ distributions.StdDever      = (*distributions.Gumbel)(nil)
	_ distributions.Moder         = (*distributions.Gumbel)(nil)
	_ distributions.Entropier     = (*distributions.Gumbel)(nil)
)

// gumbelOracle applies f(x, μ, σ) over x, loc and scale broadcast (by the
// tests' own bcast) to out.
func gumbelOracle(t testing.TB, x, loc, scale *tensor.Dense, out []int, f func(x, mu, sigma float64) float64) []float64 {
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

// gumbelLogProbRef is gonum's log density (GumbelRight is torch's Gumbel).
func gumbelLogProbRef(x, mu, sigma float64) float64 {
	return distuv.GumbelRight{Mu: mu, Beta: sigma}.LogProb(x)
}

func TestGumbelLogProb(t *testing.T) {
	t.Parallel()
	inf := math.Inf(1)
	tests := []struct {
		name          string
		loc, scale, x *tensor.Dense
		wantShape     []int
		want          []float64 // nil: gonum's GumbelRight over the broadcast
	}{
		{name: "standard at 0", loc: s64(0), scale: s64(1), x: s64(0), wantShape: []int{}, want: []float64{-1}},
		{name: "scalar params, vector value", loc: s64(-1.1344), scale: s64(1.2119), x: f64(-3, -0.149, 0, 3.5455, 12), wantShape: []int{5}},
		{name: "(3,1) params vs (4) value", loc: sh(f64(-1, 0, 2.5), 3, 1), scale: sh(f64(0.5, 1, 3), 3, 1),
			x: f64(-2, 0, 1, 4), wantShape: []int{3, 4}},
		{name: "value (2,1,1) vs batch (3,4)", loc: sh(f64(-1, 0, 2.5), 3, 1), scale: f64(0.5, 1, 2, 4),
			x: sh(f64(-1.25, 7), 2, 1, 1), wantShape: []int{2, 3, 4}},
		{name: "left tail", loc: s64(0), scale: s64(1), x: f64(-5, -700, -709, -710), wantShape: []int{4},
			want: []float64{-143.4131591025766, -1.0142320547350045e+304, -8.218407461554972e+307, -inf}}, // mpmath; e^710 > MaxFloat64
		{name: "right tail", loc: s64(0), scale: s64(1), x: f64(50, 1e300), wantShape: []int{2},
			want: []float64{-50, -1e300}}, // mpmath
		{name: "x = ±Inf", loc: s64(0), scale: s64(1), x: f64(-inf, inf), wantShape: []int{2}, want: []float64{-inf, -inf}},
		{name: "tiny scale", loc: f64(1, 1e-300), scale: s64(1e-300), x: f64(1, 2e-300), wantShape: []int{2},
			want: []float64{689.7755278982137, 689.4076484570422}}, // mpmath
		{name: "huge scale", loc: s64(0), scale: s64(1e300), x: s64(1e300), wantShape: []int{},
			want: []float64{-692.1434073393851}}, // mpmath
		{name: "subnormal scale at the mode", loc: s64(0), scale: s64(1e-310), x: s64(0), wantShape: []int{},
			want: []float64{712.8013788281542}}, // mpmath: -1 - log(1e-310)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := distributions.NewGumbel(tc.loc, tc.scale)
			require.NoError(t, err)
			got, err := d.LogProb(tc.x)
			require.NoError(t, err)
			require.Equal(t, tc.wantShape, shapeOf(got))
			want := tc.want
			if want == nil {
				want = gumbelOracle(t, tc.x, tc.loc, tc.scale, tc.wantShape, gumbelLogProbRef)
			}
			close(t, want, data64(t, got), tol64, 0)
		})
	}
}

func TestGumbelErrors(t *testing.T) {
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
			wantMsg: []string{"gumbel", "scale", "> 0", "[1]"}},
		{name: "scale -1 at (1, 0)", loc: s64(0), scale: sh(f64(1, 2, -1, 3), 2, 2), wantErr: distributions.ErrParam,
			wantName: "scale", wantIndex: []int{1, 0}},
		{name: "scale NaN", loc: s64(0), scale: s64(nan), wantErr: distributions.ErrParam, wantName: "scale", wantIndex: []int{}},
		{name: "loc NaN", loc: f64(0, nan), scale: s64(1), wantErr: distributions.ErrParam, wantName: "loc", wantIndex: []int{1}},
		{name: "shapes (3) and (4)", loc: f64(0, 1, 2), scale: f64(1, 1, 1, 1), wantErr: distributions.ErrShape,
			wantMsg: []string{"gumbel", "loc and scale"}},
		{name: "mixed dtypes", loc: f32(0), scale: f64(1), wantErr: distributions.ErrDType},
		{name: "nil scale", loc: s64(0), scale: nil, wantErr: distributions.ErrParam, wantMsg: []string{"scale"}},
		{name: "NaN value", loc: s64(0), scale: s64(1), x: f64(0, nan), wantErr: distributions.ErrSupport,
			wantName: "value", wantIndex: []int{1}},
		{name: "value (5) vs batch (2)", loc: f64(0, 1), scale: s64(1), x: f64(0, 1, 2, 3, 4), wantErr: distributions.ErrShape},
		{name: "float32 value", loc: s64(0), scale: s64(1), x: f32(0), wantErr: distributions.ErrDType},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var err error
			d, cerr := distributions.NewGumbel(tc.loc, tc.scale)
			if tc.x == nil {
				require.Nil(t, d)
				err = cerr
			} else {
				require.NoError(t, cerr)
				_, err = d.LogProb(tc.x)
				_, gerr := d.LogProbGrad(tc.x)
				require.ErrorIs(t, gerr, tc.wantErr)
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
				assert.Equal(t, "gumbel", ce.Family)
				assert.Equal(t, tc.wantName, ce.Name)
				assert.Equal(t, tc.wantIndex, ce.Index)
			}
			for _, s := range tc.wantMsg {
				assert.Contains(t, err.Error(), s)
			}
		})
	}
	t.Run("infinite values are in the support", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewGumbel(s64(0), s64(1)))
		_, err := d.LogProb(f64(math.Inf(-1), math.Inf(1)))
		require.NoError(t, err)
	})
}

// gumbelCloseCDF compares exp(-e^-z) at each z within its conditioning:
// e^-z rounded to 1 ulp moves exp(-e^-z) by e^-z ulps relative (665 at
// z = -6.5, the left tail), which no float64 evaluation avoids; 2ε per unit
// of e^-z, and tol64 beside it.
func gumbelCloseCDF(t *testing.T, zs, want, got []float64) {
	t.Helper()
	for i, z := range zs {
		close(t, want[i:i+1], got[i:i+1], tol64+2*0x1p-52*math.Exp(-z), 0)
	}
}

func TestGumbelCDF(t *testing.T) {
	t.Parallel()
	// Standard Gumbel, mpmath: exp(-exp(-z)).
	zs := []float64{-6.5, -5, -1, 0, 1, 5, 30, 36, 37, 40, math.Inf(-1), math.Inf(1)}
	want := []float64{1.357247607325002e-289, 3.507389196464623e-65, 0.06598803584531254, 0.36787944117144233,
		0.6922006275553464, 0.9932847020678415, 0.9999999999999064, 0.9999999999999998, 0.9999999999999999, 1, 0, 1}
	t.Run("standard, tails included", func(t *testing.T) {
		d := must(distributions.NewGumbel(s64(0), s64(1)))
		got, err := d.CDF(f64(zs...))
		require.NoError(t, err)
		gumbelCloseCDF(t, zs, want, data64(t, got))
		sub, err := d.CDF(f64(-6.6, -6.7))
		require.NoError(t, err)
		// exp(-735.1) = 5.652e-320 is subnormal: ~11 bits left; -6.7 underflows.
		close(t, []float64{5.652e-320, 0}, data64(t, sub), 1e-3, 0)
	})
	t.Run("loc 3, scale 2 at the same z", func(t *testing.T) {
		d := must(distributions.NewGumbel(s64(3), s64(2)))
		shifted := make([]float64, len(zs))
		for i, z := range zs {
			shifted[i] = 3 + 2*z // exact for these z
		}
		got, err := d.CDF(f64(shifted...))
		require.NoError(t, err)
		gumbelCloseCDF(t, zs, want, data64(t, got))
	})
	t.Run("broadcast vs gonum", func(t *testing.T) {
		loc, scale, x := sh(f64(-1, 0, 2.5), 3, 1), f64(0.5, 1, 2, 4), sh(f64(-2, 0.25, 3), 3, 1, 1)
		d := must(distributions.NewGumbel(loc, scale))
		got, err := d.CDF(x)
		require.NoError(t, err)
		out := []int{3, 3, 4}
		require.Equal(t, out, shapeOf(got))
		ref := gumbelOracle(t, x, loc, scale, out, func(x, mu, s float64) float64 { return distuv.GumbelRight{Mu: mu, Beta: s}.CDF(x) })
		close(t, ref, data64(t, got), tol64, 0)
	})
	t.Run("errors", func(t *testing.T) {
		d := must(distributions.NewGumbel(f64(0, 1), s64(1)))
		_, err := d.CDF(f64(math.NaN()))
		require.ErrorIs(t, err, distributions.ErrSupport)
		_, err = d.CDF(f64(1, 2, 3))
		require.ErrorIs(t, err, distributions.ErrShape)
		_, err = d.CDF(f32(0))
		require.ErrorIs(t, err, distributions.ErrDType)
	})
}

func TestGumbelICDF(t *testing.T) {
	t.Parallel()
	// Standard Gumbel quantiles -log(-log u), mpmath.
	us := []float64{0, 1e-300, 1e-10, 0.25, 0.5, 1 - 1e-10, 1 - 0x1p-53, 1}
	want := []float64{math.Inf(-1), -6.537814919904156, -3.1366175382420014, -0.326634259978281, 0.36651292058166435,
		23.02585084715009, 36.7368005696771, math.Inf(1)}
	t.Run("standard, tails included", func(t *testing.T) {
		d := must(distributions.NewGumbel(s64(0), s64(1)))
		got, err := d.ICDF(f64(us...))
		require.NoError(t, err)
		close(t, want, data64(t, got), tol64, 0)
	})
	t.Run("inverts CDF", func(t *testing.T) {
		d := must(distributions.NewGumbel(sh(f64(-1, 0, 2.5), 3, 1), f64(0.5, 1, 2, 4)))
		u := sh(f64(1e-12, 1e-6, 0.01, 0.3, 0.5, 0.7, 0.99, 1-1e-6), 8, 1, 1)
		x, err := d.ICDF(u)
		require.NoError(t, err)
		require.Equal(t, []int{8, 3, 4}, shapeOf(x))
		back, err := d.CDF(x)
		require.NoError(t, err)
		// Rounding x costs |z·e^-z|·ε relative in u (z = (x-μ)/σ, |z·e^-z| < 40
		// for these u), plus the rounding of μ + σ·z.
		close(t, bcast(data64(t, u), []int{8, 1, 1}, []int{8, 3, 4}), data64(t, back), 1e-13, 0)
	})
	t.Run("u outside [0, 1]", func(t *testing.T) {
		d := must(distributions.NewGumbel(s64(0), s64(1)))
		for _, u := range []float64{-0.1, 1.5, math.NaN()} {
			_, err := d.ICDF(f64(0.5, u))
			var ce *distributions.ConstraintError
			require.ErrorAs(t, err, &ce, "u = %v", u)
			require.ErrorIs(t, err, distributions.ErrSupport)
			assert.Equal(t, []int{1}, ce.Index)
		}
	})
}

func TestGumbelMoments(t *testing.T) {
	t.Parallel()
	loc, scale := sh(f64(-1, 0, 2.5), 3, 1), f64(0.5, 1, 2, 1e-300)
	d := must(distributions.NewGumbel(loc, scale))
	batch := []int{3, 4}
	require.Equal(t, batch, d.BatchShape())
	require.Equal(t, []int{}, d.EventShape())
	ms, ss := bcast(data64(t, loc), []int{3, 1}, batch), bcast(data64(t, scale), []int{4}, batch)
	ref := func(f func(g distuv.GumbelRight) float64) []float64 {
		out := make([]float64, len(ms))
		for i := range out {
			out[i] = f(distuv.GumbelRight{Mu: ms[i], Beta: ss[i]})
		}
		return out
	}
	tests := []struct {
		name string
		got  *tensor.Dense
		want []float64
	}{
		{"mean", must(d.Mean()), ref(distuv.GumbelRight.Mean)},
		{"mode", must(d.Mode()), ref(distuv.GumbelRight.Mode)},
		{"stddev", must(d.StdDev()), ref(distuv.GumbelRight.StdDev)},
		{"variance", must(d.Variance()), ref(distuv.GumbelRight.Variance)}, // 1e-600 underflows to 0
		{"entropy", must(d.Entropy()), ref(distuv.GumbelRight.Entropy)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, batch, shapeOf(tc.got))
			require.Equal(t, tensor.Float64, tc.got.Dtype())
			close(t, tc.want, data64(t, tc.got), tol64, 0)
		})
	}
	t.Run("entropy, mpmath", func(t *testing.T) {
		g := must(distributions.NewGumbel(s64(0), f64(1, 2, 1e-300)))
		close(t, []float64{1.5772156649015328, 2.270362845461478, -689.1983122333122}, data64(t, must(g.Entropy())), tol64, 0)
	})
	t.Run("golden gumbel/scalar, mpmath", func(t *testing.T) {
		g := must(distributions.NewGumbel(s64(-1.1344), s64(1.2119)))
		got := []float64{data64(t, must(g.Mean()))[0], data64(t, must(g.Variance()))[0], data64(t, must(g.StdDev()))[0]}
		close(t, []float64{-0.4348723357058324, 2.4159173123238373, 1.554322139173163}, got, tol64, 0)
	})
	t.Run("accessors", func(t *testing.T) {
		assert.Same(t, loc, d.Loc())
		assert.Same(t, scale, d.Scale())
		e, err := d.Expand([]int{2, 3, 4})
		require.NoError(t, err)
		g, ok := e.(*distributions.Gumbel)
		require.True(t, ok, "native Expand keeps the type")
		assert.Equal(t, []int{2, 3, 4}, g.BatchShape())
		assert.Same(t, loc, g.Loc())
	})
}

func TestGumbelLogProbInto(t *testing.T) {
	t.Parallel()
	for _, dt := range []string{"f64", "f32"} {
		t.Run(dt, func(t *testing.T) {
			loc, scale, x := sh(f64(-1, 0, 2.5), 3, 1), f64(0.5, 1, 2, 4), sh(f64(seq(-3, 3, 8)...), 2, 1, 4)
			dst := must(tensor.Zeros[float64](2, 3, 4))
			if dt == "f32" {
				loc, scale, x, dst = to32(loc), to32(scale), to32(x), to32(dst)
			}
			d := must(distributions.NewGumbel(loc, scale))
			lp, err := d.LogProb(x)
			require.NoError(t, err)
			require.NoError(t, d.LogProbInto(dst, x))
			require.Equal(t, data64(t, lp), data64(t, dst))
			require.ErrorIs(t, d.LogProbInto(must(tensor.Zeros[float64](1, 3, 4)), x), distributions.ErrShape)
		})
	}
}

// gumbelGradCase is a Gumbel over loc and scale and a value x, with the
// shape of log_prob.
type gumbelGradCase struct {
	name                      string
	xShape, locShape, scShape []int
	out, upstreamShape        []int // upstreamShape nil: out
}

// gumbelRefSum is Σ w·log p(x) over the broadcast, from gonum (w nil: ones).
func gumbelRefSum(c gumbelGradCase, x, loc, scale, w []float64) float64 {
	xs, ms, ss := bcast(x, c.xShape, c.out), bcast(loc, c.locShape, c.out), bcast(scale, c.scShape, c.out)
	s := 0.0
	for i := range xs {
		lp := gumbelLogProbRef(xs[i], ms[i], ss[i])
		if w != nil {
			lp *= w[i]
		}
		s += lp
	}
	return s
}

func TestGumbelLogProbGrad(t *testing.T) {
	t.Parallel()
	cases := []gumbelGradCase{
		{name: "loc (3,1), scale (4), x (2,3,4)", xShape: []int{2, 3, 4}, locShape: []int{3, 1}, scShape: []int{4}, out: []int{2, 3, 4}},
		{name: "loc (4), scale (3,1), x (2,1,1)", xShape: []int{2, 1, 1}, locShape: []int{4}, scShape: []int{3, 1}, out: []int{2, 3, 4},
			upstreamShape: []int{3, 1}},
		{name: "all scalar", xShape: []int{}, locShape: []int{}, scShape: []int{}, out: []int{}},
	}
	for k, c := range cases {
		for _, vjp := range []bool{false, true} {
			name := c.name
			if vjp {
				name += "/vjp"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				r := rand.New(rand.NewPCG(uint64(k), 13))
				fill := func(shp []int, lo, hi float64) []float64 {
					v := make([]float64, sizeOf(shp))
					for i := range v {
						v[i] = lo + (hi-lo)*r.Float64()
					}
					return v
				}
				x, loc, scale := fill(c.xShape, -2, 4), fill(c.locShape, -1, 1), fill(c.scShape, 0.5, 2)
				d := must(distributions.NewGumbel(must(tensor.New(loc, c.locShape...)), must(tensor.New(scale, c.scShape...))))
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
				close(t, []float64{gumbelRefSum(c, x, loc, scale, w)}, []float64{g.LogProb}, 1e-13, 0)
				require.Equal(t, c.xShape, shapeOf(g.Value))
				require.Equal(t, c.locShape, shapeOf(g.Params["loc"]))
				require.Equal(t, c.scShape, shapeOf(g.Params["scale"]))
				wantX := centralDiff(func(v []float64) float64 { return gumbelRefSum(c, v, loc, scale, w) }, x, 1e-5)
				wantL := centralDiff(func(v []float64) float64 { return gumbelRefSum(c, x, v, scale, w) }, loc, 1e-5)
				wantS := centralDiff(func(v []float64) float64 { return gumbelRefSum(c, x, loc, v, w) }, scale, 1e-5)
				gotX, gotL, gotS := data64(t, g.Value), data64(t, g.Params["loc"]), data64(t, g.Params["scale"])
				for _, v := range [][]float64{wantX, wantL, wantS} {
					requireFinite(t, v)
				}
				close(t, wantX, gotX, gradTol, gradTol)
				close(t, wantL, gotL, gradTol, gradTol)
				close(t, wantS, gotS, gradTol, gradTol)
				t.Logf("max rel err vs central differences: x %.2g, loc %.2g, scale %.2g",
					maxRelErr(wantX, gotX, 1), maxRelErr(wantL, gotL, 1), maxRelErr(wantS, gotS, 1))
			})
		}
	}
	t.Run("analytic partials at the mode", func(t *testing.T) {
		t.Parallel()
		// y = 0: ∂/∂x = ∂/∂μ = 0, ∂/∂σ = -1/σ.
		g := must(must(distributions.NewGumbel(s64(1.5), s64(4))).LogProbGrad(s64(1.5)))
		close(t, []float64{0, 0, -0.25}, []float64{data64(t, g.Value)[0], data64(t, g.Params["loc"])[0], data64(t, g.Params["scale"])[0]}, 0, 0)
	})
	t.Run("near the mode, relative precision", func(t *testing.T) {
		t.Parallel()
		// y = 1e-10: ∂/∂μ = -expm1(y) = -1.00000000005e-10 (mpmath); 1 - e^y
		// would keep only ~7 digits of it.
		g := must(must(distributions.NewGumbel(s64(0), s64(1))).LogProbGrad(s64(-1e-10)))
		close(t, []float64{-1.00000000005e-10}, data64(t, g.Params["loc"]), tol64, 0)
		close(t, []float64{1.00000000005e-10}, data64(t, g.Value), tol64, 0)
	})
	t.Run("masked -Inf adds exactly 0", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewGumbel(s64(0), s64(1)))
		g, err := d.LogProbVJP(f64(0, math.Inf(-1)), f64(2, 0))
		require.NoError(t, err)
		close(t, []float64{-2}, []float64{g.LogProb}, tol64, 0)
		close(t, []float64{0}, data64(t, g.Params["loc"]), 0, 0)
		close(t, []float64{-2}, data64(t, g.Params["scale"]), tol64, 0)
	})
}

// TestGumbelFloat32 evaluates one distribution in float32 and in float64 on
// the same float32-representable inputs; the kernel computes in float64 and
// rounds once, so tol32 bounds the difference.
func TestGumbelFloat32(t *testing.T) {
	t.Parallel()
	loc32, scale32 := sh(f32(-1, 0, 2.5), 3, 1), f32(0.5, 1, 2, 4)
	x32 := sh(to32(f64(seq(-4, 5, 24)...)), 2, 3, 4)
	d32 := must(distributions.NewGumbel(loc32, scale32))
	d64 := must(distributions.NewGumbel(to64(loc32), to64(scale32)))
	u32 := sh(f32(0.001, 0.2, 0.5, 0.9, 0.999), 5, 1, 1)
	pair := func(name string, a, b *tensor.Dense, err32, err64 error) {
		require.NoError(t, err32, name)
		require.NoError(t, err64, name)
		require.Equal(t, tensor.Float32, a.Dtype(), name)
		require.Equal(t, shapeOf(b), shapeOf(a), name)
		// against float64's value rounded to float32, which underflows alike
		// (the CDF's left tail here reaches 1e-176)
		close(t, data64(t, to32(b)), data64(t, a), tol32, 0)
	}
	a, e32 := d32.LogProb(x32)
	b, e64 := d64.LogProb(to64(x32))
	pair("log_prob", a, b, e32, e64)
	a, e32 = d32.CDF(x32)
	b, e64 = d64.CDF(to64(x32))
	pair("cdf", a, b, e32, e64)
	a, e32 = d32.ICDF(u32)
	b, e64 = d64.ICDF(to64(u32))
	pair("icdf", a, b, e32, e64)
	for name, m := range map[string]func(*distributions.Gumbel) (*tensor.Dense, error){
		"mean": (*distributions.Gumbel).Mean, "variance": (*distributions.Gumbel).Variance,
		"stddev": (*distributions.Gumbel).StdDev, "mode": (*distributions.Gumbel).Mode,
		"entropy": (*distributions.Gumbel).Entropy,
	} {
		a, e32 := m(d32)
		b, e64 := m(d64)
		pair(name, a, b, e32, e64)
	}
	g32 := must(d32.LogProbGrad(x32))
	g64 := must(d64.LogProbGrad(to64(x32)))
	close(t, []float64{g64.LogProb}, []float64{g32.LogProb}, tol32, 0)
	close(t, data64(t, g64.Value), data64(t, g32.Value), tol32, 0)
	for _, p := range []string{"loc", "scale"} {
		require.Equal(t, tensor.Float32, g32.Params[p].Dtype())
		close(t, data64(t, g64.Params[p]), data64(t, g32.Params[p]), tol32, 0)
	}
}

// gumbelKS returns the KS p-value of column j of a sample of shape (n,
// batch...) against gonum's GumbelRight(mu, sigma).
func gumbelKS(data []float64, j, stride int, mu, sigma float64) float64 {
	n := len(data) / stride
	col := make([]float64, n)
	for i := range col {
		col[i] = data[i*stride+j]
	}
	return ksPValue(ksStatistic(col, distuv.GumbelRight{Mu: mu, Beta: sigma}.CDF), n)
}

func TestGumbelSampleKS(t *testing.T) {
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
			d := must(distributions.NewGumbel(tc.loc, tc.scale))
			x, err := d.Sample(rand.NewPCG(tc.seed, 0x6b), nDraws)
			require.NoError(t, err)
			batch := d.BatchShape()
			require.Equal(t, append([]int{nDraws}, batch...), shapeOf(x))
			require.Equal(t, tc.loc.Dtype(), x.Dtype())
			stride := sizeOf(batch)
			ms := bcast(data64(t, tc.loc), shapeOf(tc.loc), batch)
			ss := bcast(data64(t, tc.scale), shapeOf(tc.scale), batch)
			data := data64(t, x)
			requireFinite(t, data)
			for j := range stride {
				p := gumbelKS(data, j, stride, ms[j], ss[j])
				t.Logf("Gumbel(%g, %g): KS p = %.3g", ms[j], ss[j], p)
				assert.GreaterOrEqual(t, p, pCritical, "Gumbel(%g, %g)", ms[j], ss[j])
			}
		})
	}
	t.Run("power", func(t *testing.T) {
		// The test rejects a slightly wrong sampler: Gumbel(0, 1) draws tested
		// as Gumbel(0.05, 1) or Gumbel(0, 1.05).
		t.Parallel()
		x := must(must(distributions.NewGumbel(s64(0), s64(1))).Sample(rand.NewPCG(1, 0x6b), nDraws))
		data := data64(t, x)
		for _, alt := range [][2]float64{{0.05, 1}, {0, 1.05}} {
			p := gumbelKS(slices.Clone(data), 0, 1, alt[0], alt[1])
			t.Logf("Gumbel(0, 1) draws as Gumbel(%g, %g): KS p = %.3g", alt[0], alt[1], p)
			assert.Less(t, p, pCritical)
		}
	})
}

func TestGumbelSampleShapesAndSeeds(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewGumbel(sh(f64(0, 1, 2), 3, 1), f64(1, 2, 3, 4)))
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
	_, err := d.Sample(nil, 3)
	require.ErrorIs(t, err, distributions.ErrNilSource)
	_, err = d.RSample(rand.NewPCG(1, 2), -1)
	require.ErrorIs(t, err, distributions.ErrShape)
	draw := func(seed uint64) []float64 { return data64(t, must(d.Sample(rand.NewPCG(seed, 99), 50))) }
	a, b, c := draw(1), draw(1), draw(2)
	assert.Equal(t, a, b, "same seed, same draws")
	assert.NotEqual(t, a, c, "another seed, other draws")

	// Reparameterisation: the draws are μ + σ·g with the g that Gumbel(0, 1)
	// draws from the same seed, to rounding.
	std := must(distributions.NewGumbel(must(tensor.Zeros[float64](3, 1)), must(tensor.Full(1.0, 4))))
	gs := data64(t, must(std.RSample(rand.NewPCG(1, 99), 50)))
	mu := bcast([]float64{0, 1, 2}, []int{3, 1}, []int{50, 3, 4})
	sg := bcast([]float64{1, 2, 3, 4}, []int{4}, []int{50, 3, 4})
	want := make([]float64, len(gs))
	for i := range gs {
		want[i] = mu[i] + sg[i]*gs[i]
	}
	close(t, want, a, 1e-15, 1e-15)
}

// TestGumbelSampleGOMAXPROCS requires the same bits from one and from two
// goroutines above tensor.ParallelMin; it switches GOMAXPROCS, so it is not
// parallel.
func TestGumbelSampleGOMAXPROCS(t *testing.T) {
	const n = 1_000_000
	require.Greater(t, n, tensor.ParallelMin)
	d := must(distributions.NewGumbel(f64(-1, 2), f64(0.5, 3)))
	draw := func(procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		return data64(t, must(d.Sample(rand.NewPCG(42, 43), n/2)))
	}
	one, two := draw(1), draw(2)
	require.Len(t, one, n)
	assert.True(t, slices.Equal(one, two), "draws depend on GOMAXPROCS")
}

func FuzzGumbel(f *testing.F) {
	for _, c := range [][3]float64{
		{0, 1, 0}, {0, 0, 1}, {0, -1, 1}, {math.NaN(), 1, 0}, {0, 1, math.NaN()}, {1e300, 1e-300, math.Inf(1)},
		{-1e308, 1e-320, 1e308}, {0, math.Inf(1), 1}, {math.Inf(1), 1, math.Inf(1)}, {0, 1, -710}, {0, 1, 1e10},
	} {
		f.Add(c[0], c[1], c[2])
	}
	f.Fuzz(func(t *testing.T, loc, scale, x float64) {
		d, err := distributions.NewGumbel(f64(loc), f64(scale))
		if !(scale > 0) || math.IsNaN(loc) { // torch: scale positive, loc real
			require.ErrorIs(t, err, distributions.ErrParam)
			var ce *distributions.ConstraintError
			require.ErrorAs(t, err, &ce)
			u, err := distributions.NewGumbel(f64(loc), f64(scale), distributions.WithValidation(false))
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
		if !math.IsInf(loc, 0) && !math.IsInf(scale, 0) {
			require.False(t, math.IsNaN(got), "log Gumbel(%v | %v, %v) is NaN", x, loc, scale)
			require.False(t, math.IsInf(got, 1))
		}
		y := (loc - x) / scale
		if math.Abs(y) < 30 && scale > 1e-100 && scale < 1e100 {
			// Both sum y, e^y and log σ, each to a few ulps: the error is
			// relative to the terms, not to their sum.
			abs := 1e-14 * (math.Abs(y) + math.Exp(y) + math.Abs(math.Log(scale)) + 1)
			close(t, []float64{gumbelLogProbRef(x, loc, scale)}, []float64{got}, 1e-13, abs)
			dmu := -math.Expm1(y) / scale
			s := 1e-13 * (math.Exp(y) + 1) * (math.Abs(y) + 1) / scale
			close(t, []float64{dmu, -dmu, -(y*dmu + 1/scale)}, []float64{data64(t, g.Params["loc"])[0], data64(t, g.Value)[0], data64(t, g.Params["scale"])[0]}, 1e-13, s)
		}
		c, err := d.CDF(f64(x))
		require.NoError(t, err)
		cv := data64(t, c)[0]
		require.True(t, cv >= 0 && cv <= 1 || math.IsNaN(cv), "cdf %v", cv)
	})
}

func ExampleGumbel_ICDF() {
	d, err := distributions.NewGumbel(tensor.Scalar(0.0), tensor.Scalar(1.0))
	if err != nil {
		log.Fatal(err)
	}
	q, err := d.ICDF(tensor.Vector(0, 0.5, 1))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%.4f\n", q.Float64s())
	// Output:
	// [-Inf 0.3665 +Inf]
}

func TestGumbelSpec(t *testing.T) {
	t.Parallel()
	d, err := distributions.Build([]byte(`{"family": "Gumbel", "params": {"loc": {"shape": [2, 1], "data": [0, 1]}, "scale": 2}}`))
	require.NoError(t, err)
	require.IsType(t, (*distributions.Gumbel)(nil), d)
	assert.Equal(t, []int{2, 1}, d.BatchShape())
	_, err = distributions.Build([]byte(`{"family": "Gumbel", "params": {"loc": 0, "scale": 1, "rate": 1}}`))
	require.ErrorIs(t, err, distributions.ErrUnsupported)
	_, err = distributions.Build([]byte(`{"family": "Gumbel", "params": {"scale": 1}}`))
	require.ErrorIs(t, err, distributions.ErrParam)
	_, err = distributions.Build([]byte(`{"family": "Gumbel", "params": {"loc": 0, "scale": 0}}`))
	require.ErrorIs(t, err, distributions.ErrParam)
	batch, _, err := distributions.InferShapes("Gumbel", map[string][]int{"loc": {4}, "scale": {3, 1}})
	require.NoError(t, err)
	assert.Equal(t, []int{3, 4}, batch)
}
