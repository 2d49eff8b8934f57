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
// (60 for the moments) from the exact binary value of each float64 input,
// then rounded once. The independent oracle elsewhere is gonum's
// distuv.LogNormal.

var (
	_ distributions.Distribution  = (*distributions.LogNormal)(nil)
	_ distributions.RSampler      = (*distributions.LogNormal)(nil)
	_ distributions.LogProbGrader = (*distributions.LogNormal)(nil)
	_ distributions.LogProbIntoer = (*distributions.LogNormal)(nil)
	_ distributions.Expander      = (*distributions.LogNormal)(nil)
	_ distributions.CDFer         = (*distributions.LogNormal)(nil)
	_ distributions.ICDFer        = (*distributions.LogNormal)(nil)
	_ distributions.Meaner        = (*distributions.LogNormal)(nil)
	_ distributions.Variancer     = (*distributions.LogNormal)(nil)
	_ distributions.StdDever      = (*distributions.LogNormal)(nil)
	_ distributions.Moder         = (*distributions.LogNormal)(nil)
	_ distributions.Entropier     = (*distributions.LogNormal)(nil)
)

// logNormalOracle applies f(x, μ, σ) over x, loc and scale broadcast to out.
func logNormalOracle(t testing.TB, x, loc, scale *tensor.Dense, out []int, f func(x, mu, sigma float64) float64) []float64 {
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

func logNormalGonumLogProb(x, mu, sigma float64) float64 {
	return distuv.LogNormal{Mu: mu, Sigma: sigma}.LogProb(x)
}

func TestLogNormalLogProb(t *testing.T) {
	t.Parallel()
	inf := math.Inf(1)
	tests := []struct {
		name          string
		loc, scale, x *tensor.Dense
		shape         []int
		want          []float64 // nil: gonum over the broadcast
		abs           float64
	}{
		{name: "standard at 1", loc: s64(0), scale: s64(1), x: s64(1), shape: []int{},
			want: []float64{-0.9189385332046728}}, // mpmath: -log(2π)/2
		{name: "scalar params, vector value", loc: s64(0.3), scale: s64(0.7), x: f64(0.05, 0.5, 1, 2.5, 30), shape: []int{5}},
		{name: "(3,1) params vs (4) value", loc: sh(f64(-1, 0, 2.5), 3, 1), scale: sh(f64(0.5, 1, 3), 3, 1), x: f64(0.1, 1, 4, 20), shape: []int{3, 4}},
		{name: "loc (3,1) with scale (4)", loc: sh(f64(-1, 0, 2.5), 3, 1), scale: f64(0.5, 1, 2, 4), x: s64(0.3), shape: []int{3, 4}},
		{name: "value (2,1,1) vs batch (3,1)", loc: sh(f64(-1, 0, 2.5), 3, 1), scale: s64(1.5), x: sh(f64(0.2, 7), 2, 1, 1), shape: []int{2, 3, 1}},
		{name: "at and below 0 log p is -Inf", loc: s64(0), scale: s64(1), x: f64(0, -1, math.Inf(-1), inf), shape: []int{4},
			want: []float64{-inf, -inf, -inf, -inf}}, // torch: NaN at 0 (-Inf - log 0)
		{name: "tails, subnormal x", loc: s64(0), scale: s64(1), x: f64(1e-300, 1e300, 5e-324), shape: []int{3},
			want: []float64{-237895.5583821629, -239277.10943795933, -276351.9892077675}}, // mpmath
		{name: "extreme parameters", loc: f64(2, -3, 0, 700), scale: f64(0.1, 2, 1e-300, 1), x: f64(7.5, 1e-5, 1, 1e304), shape: []int{4},
			want: []float64{-0.6423614618170501, 0.842102254688288, 689.8565893650091, -700.9049066562883}}, // mpmath
		// -log σ - log x cancels (690.8 - 690.8): the error is relative to
		// the terms, as for any sum of them (measured 4e-14 of the result)
		{name: "huge scale, tiny x", loc: s64(1), scale: s64(1e300), x: s64(1e-300), shape: []int{},
			want: []float64{-0.9189385332046728}, abs: 1e-15 * 690.8}, // mpmath
		{name: "golden scalar", loc: s64(-0.0655), scale: s64(0.6155), x: s64(1.8699), shape: []int{},
			want: []float64{-1.690393289661574}}, // mpmath
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := distributions.NewLogNormal(tc.loc, tc.scale, distributions.WithValidation(false))
			require.NoError(t, err)
			got, err := d.LogProb(tc.x)
			require.NoError(t, err)
			require.Equal(t, tc.shape, shapeOf(got))
			want := tc.want
			if want == nil {
				want = logNormalOracle(t, tc.x, tc.loc, tc.scale, tc.shape, logNormalGonumLogProb)
			}
			close(t, want, data64(t, got), tol64, tc.abs)
			into := must(tensor.Zeros[float64](tc.shape...))
			require.NoError(t, d.LogProbInto(into, tc.x))
			assert.Equal(t, data64(t, got), data64(t, into), "LogProbInto writes LogProb's values")
		})
	}
}

func TestLogNormalErrors(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	tests := []struct {
		name          string
		loc, scale, x *tensor.Dense // x nil: the constructor must fail
		wantErr       error
		wantName      string
		wantIdx       []int
		wantMsg       []string
	}{
		{name: "scale 0", loc: s64(0), scale: f64(1, 0), wantErr: distributions.ErrParam, wantName: "scale", wantIdx: []int{1},
			wantMsg: []string{"lognormal", "scale", "> 0", "[1]"}},
		{name: "scale -1 at (1, 0)", loc: s64(0), scale: sh(f64(1, 2, -1, 3), 2, 2), wantErr: distributions.ErrParam, wantName: "scale", wantIdx: []int{1, 0}},
		{name: "loc NaN", loc: f64(0, nan), scale: s64(1), wantErr: distributions.ErrParam, wantName: "loc", wantIdx: []int{1},
			wantMsg: []string{"loc", "real"}},
		{name: "loc (3) and scale (4)", loc: f64(0, 1, 2), scale: f64(1, 1, 1, 1), wantErr: distributions.ErrShape,
			wantMsg: []string{"lognormal", "loc and scale"}},
		{name: "mixed dtypes", loc: f32(0), scale: f64(1), wantErr: distributions.ErrDType},
		{name: "nil scale", loc: s64(0), scale: nil, wantErr: distributions.ErrParam, wantMsg: []string{"scale"}},
		{name: "value 0", loc: s64(0), scale: s64(1), x: f64(1, 0), wantErr: distributions.ErrSupport, wantName: "value", wantIdx: []int{1},
			wantMsg: []string{"lognormal", "value", "> 0"}},
		{name: "negative value", loc: s64(0), scale: s64(1), x: sh(f64(1, 2, 3, -1), 2, 2), wantErr: distributions.ErrSupport, wantName: "value", wantIdx: []int{1, 1}},
		{name: "value (5) vs batch (3,4)", loc: sh(f64(0, 1, 2), 3, 1), scale: f64(1, 2, 3, 4), x: f64(1, 1, 1, 1, 1), wantErr: distributions.ErrShape},
		{name: "float32 value", loc: s64(0), scale: s64(1), x: f32(1), wantErr: distributions.ErrDType},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := distributions.NewLogNormal(tc.loc, tc.scale)
			if tc.x != nil {
				require.NoError(t, err)
				_, err = d.LogProb(tc.x)
				_, gerr := d.LogProbGrad(tc.x)
				require.ErrorIs(t, gerr, tc.wantErr)
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
				assert.Equal(t, "lognormal", ce.Family)
				assert.Equal(t, tc.wantName, ce.Name)
				assert.Equal(t, tc.wantIdx, ce.Index)
			}
			for _, s := range tc.wantMsg {
				assert.Contains(t, err.Error(), s)
			}
		})
	}
	t.Run("cdf and icdf validate their arguments", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewLogNormal(s64(0), s64(1)))
		_, err := d.CDF(f64(1, 0))
		require.ErrorIs(t, err, distributions.ErrSupport)
		_, err = d.ICDF(f64(2))
		require.ErrorIs(t, err, distributions.ErrSupport)
	})
	t.Run("spec", func(t *testing.T) {
		t.Parallel()
		_, err := distributions.Build([]byte(`{"family": "LogNormal", "params": {"loc": 0, "scale": 1, "rate": 1}}`))
		require.ErrorIs(t, err, distributions.ErrUnsupported)
		_, err = distributions.Build([]byte(`{"family": "LogNormal", "params": {"loc": 0}}`))
		require.ErrorIs(t, err, distributions.ErrParam)
		d, err := distributions.Build([]byte(`{"family": "LogNormal", "params": {"loc": 0, "scale": 2}}`))
		require.NoError(t, err)
		assert.IsType(t, &distributions.LogNormal{}, d)
	})
}

func TestLogNormalMoments(t *testing.T) {
	t.Parallel()
	type moments struct{ mean, mode, variance, stddev, entropy float64 }
	inf := math.Inf(1)
	// Within tol64 throughout; measured worst 2.7e-15, where exp's argument
	// is large (μ = 355: its rounding is |arg|·2⁻⁵³ relative), and 4.4e-15
	// against gonum's entropy of -0.05, which cancels.
	tests := []struct {
		loc, scale float64
		want       moments // mpmath; zero: gonum
	}{
		{-0.0655, 0.6155, moments{1.1319254548425224, 0.6412471993449184, 0.5901329489598536, 0.7682011123136008, 0.868118199847044}},
		{1, 1e-8, moments{2.7182818284590455, 2.718281828459045, 7.389056098930652e-16, 2.7182818284590455e-08, -16.001742210747693}}, // e^{σ²}-1 by expm1
		{2, 1e-200, moments{7.38905609893065, 7.38905609893065, 0, 7.38905609893065e-200, -457.09808006560445}},                       // σ² underflows
		{300, 1e-200, moments{1.9424263952412558e+130, 1.9424263952412558e+130, 3.7730203009299397e-140, 1.942426395241256e-70, -159.09808006560448}},
		// e^{2μ+σ²} overflows, the variance does not
		{355, 1e-3, moments{1.494656147800421e+154, 1.494653905817881e+154, 2.2339981171564666e+302, 1.494656521464536e+151, 349.51118325422254}},
		// e^{σ²} overflows, the variance does not
		{-1000, 30, moments{1.374152566130957e-239, 0, 1.3838965267367376e-87, 3.720075976020836e-44, -995.1798640851332}},
		// the variance overflows, the standard deviation does not
		{-300, 26, moments{3.1855931757113756e+16, 0, inf, 1.9711750597734883e+163, -295.32296492877384}},
		{-700, 1, moments{1.6255858439919858e-304, 3.6271722970495225e-305, 0, 2.130870746793503e-304, -698.5810614667953}},
		{0, 1, moments{}}, {0.4, 0.3, moments{}}, {-2, 1.7, moments{}},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.loc, tc.scale), func(t *testing.T) {
			t.Parallel()
			d := must(distributions.NewLogNormal(s64(tc.loc), f64(tc.scale, tc.scale)))
			w := tc.want
			if w == (moments{}) {
				g := distuv.LogNormal{Mu: tc.loc, Sigma: tc.scale}
				w = moments{g.Mean(), g.Mode(), g.Variance(), g.StdDev(), g.Entropy()}
			}
			for _, m := range []struct {
				name string
				f    func() (*tensor.Dense, error)
				want float64
			}{
				{"mean", d.Mean, w.mean}, {"mode", d.Mode, w.mode}, {"variance", d.Variance, w.variance},
				{"stddev", d.StdDev, w.stddev}, {"entropy", d.Entropy, w.entropy},
			} {
				got, err := m.f()
				require.NoError(t, err, m.name)
				require.Equal(t, []int{2}, shapeOf(got), m.name)
				t.Logf("%s: rel err %.2g", m.name, relErr(m.want, data64(t, got)[0]))
				close(t, []float64{m.want, m.want}, data64(t, got), tol64, 0)
			}
		})
	}
}

func TestLogNormalCDFAndICDF(t *testing.T) {
	t.Parallel()
	t.Run("cdf vs gonum", func(t *testing.T) {
		t.Parallel()
		loc, scale, x := sh(f64(-1, 0, 2.5), 3, 1), f64(0.5, 2), sh(f64(0.1, 1, 4, 20), 4, 1, 1)
		d := must(distributions.NewLogNormal(loc, scale))
		got, err := d.CDF(x)
		require.NoError(t, err)
		require.Equal(t, []int{4, 3, 2}, shapeOf(got))
		want := logNormalOracle(t, x, loc, scale, []int{4, 3, 2}, func(x, m, s float64) float64 { return distuv.LogNormal{Mu: m, Sigma: s}.CDF(x) })
		close(t, want, data64(t, got), tol64, 0) // measured 4.2e-15
	})
	t.Run("cdf tails", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewLogNormal(f64(0, 0, 0, 0.5, 0, -1, 0), f64(2, 2, 1, 0.25, 1, 3, 0.5)))
		got, err := d.CDF(f64(1e-20, 1e20, 1, 1.3, 5e-324, 1e-300, 1e-3))
		require.NoError(t, err)
		close(t, []float64{1.284175630643529e-117, 1, 0.5, 0.17091822251808558, 0, 0, 1.0274605390204227e-43}, // mpmath
			data64(t, got), tol64, 0)
		u, err := must(distributions.NewLogNormal(s64(0), s64(1), distributions.WithValidation(false))).CDF(f64(0, -1, math.Inf(1), math.NaN()))
		require.NoError(t, err)
		close(t, []float64{0, 0, 1, math.NaN()}, data64(t, u), 0, 0)
	})
	t.Run("icdf tails", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewLogNormal(f64(0, 0, 1, -2, 0.3, 0, 0, 0), f64(1, 1, 0.5, 1.5, 0.7, 1, 1, 1)))
		got, err := d.ICDF(f64(1e-300, 1-0x1p-53, 0.5, 1e-10, 0.9, 1e-100, 0, 1))
		require.NoError(t, err)
		// exp amplifies the relative error ε of Φ⁻¹: the result's is
		// ≈ σ|Φ⁻¹(u)|·ε, 37ε at u = 1e-300 (measured below 1e-14)
		close(t, []float64{8.140489241100185e-17, 3675.8370396426703, 2.718281828459045, 9.713330344145218e-06, // mpmath
			3.3104565019659127, 5.768415132086791e-10, 0, math.Inf(1)}, data64(t, got), 2e-14, 0)
	})
	t.Run("icdf vs gonum and round trip", func(t *testing.T) {
		t.Parallel()
		loc, scale, u := sh(f64(-1, 0, 2.5), 3, 1), sh(f64(0.5, 1, 3), 3, 1), f64(0.001, 0.2, 0.5, 0.9, 0.999)
		d := must(distributions.NewLogNormal(loc, scale))
		q, err := d.ICDF(u)
		require.NoError(t, err)
		want := logNormalOracle(t, u, loc, scale, []int{3, 5}, func(u, m, s float64) float64 { return distuv.LogNormal{Mu: m, Sigma: s}.Quantile(u) })
		close(t, want, data64(t, q), tol64, 0) // measured 1.8e-15
		c, err := d.CDF(q)
		require.NoError(t, err)
		close(t, bcast(data64(t, u), []int{5}, []int{3, 5}), data64(t, c), tol64, 0)
	})
}

// logNormalGradCase is loc of shape mShape and scale of shape sShape
// against a value of shape xShape, broadcasting to out.
type logNormalGradCase struct {
	name                   string
	xShape, mShape, sShape []int
	out                    []int
	upstreamShape          []int // nil: out
}

// logNormalRefSum is Σ w·log p(x) over the broadcast from gonum, the
// function the finite differences differentiate.
func logNormalRefSum(c logNormalGradCase, x, loc, scale, w []float64) float64 {
	xs, ms, ss := bcast(x, c.xShape, c.out), bcast(loc, c.mShape, c.out), bcast(scale, c.sShape, c.out)
	var s float64
	for i := range xs {
		lp := logNormalGonumLogProb(xs[i], ms[i], ss[i])
		if w != nil {
			lp *= w[i]
		}
		s += lp
	}
	return s
}

func TestLogNormalLogProbGrad(t *testing.T) {
	t.Parallel()
	cases := []logNormalGradCase{
		{name: "loc (3,1), scale (3,1), x (2,1,4)", xShape: []int{2, 1, 4}, mShape: []int{3, 1}, sShape: []int{3, 1}, out: []int{2, 3, 4}},
		{name: "loc (3,1), scale (4), x (3,4)", xShape: []int{3, 4}, mShape: []int{3, 1}, sShape: []int{4}, out: []int{3, 4}, upstreamShape: []int{3, 1}},
		{name: "scalar loc, scale (2,1,4), x (3,1)", xShape: []int{3, 1}, mShape: []int{}, sShape: []int{2, 1, 4}, out: []int{2, 3, 4}, upstreamShape: []int{4}},
		{name: "all scalar", xShape: []int{}, mShape: []int{}, sShape: []int{}, out: []int{}},
	}
	for k, c := range cases {
		for _, vjp := range []bool{false, true} {
			name := c.name
			if vjp {
				name += "/vjp"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				r := rand.New(rand.NewPCG(uint64(k), 23))
				fill := func(shp []int, lo, hi float64) []float64 {
					v := make([]float64, sizeOf(shp))
					for i := range v {
						v[i] = lo + (hi-lo)*r.Float64()
					}
					return v
				}
				x, loc, scale := fill(c.xShape, 0.1, 5), fill(c.mShape, -1, 1), fill(c.sShape, 0.5, 2)
				d := must(distributions.NewLogNormal(must(tensor.New(loc, c.mShape...)), must(tensor.New(scale, c.sShape...))))
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
				close(t, []float64{logNormalRefSum(c, x, loc, scale, w)}, []float64{g.LogProb}, 1e-13, 0)
				require.Equal(t, c.xShape, shapeOf(g.Value))
				require.Len(t, g.Params, 2)
				require.Equal(t, c.mShape, shapeOf(g.Params["loc"]))
				require.Equal(t, c.sShape, shapeOf(g.Params["scale"]))
				wantX := centralDiff(func(v []float64) float64 { return logNormalRefSum(c, v, loc, scale, w) }, x, 1e-5)
				wantM := centralDiff(func(v []float64) float64 { return logNormalRefSum(c, x, v, scale, w) }, loc, 1e-5)
				wantS := centralDiff(func(v []float64) float64 { return logNormalRefSum(c, x, loc, v, w) }, scale, 1e-5)
				for _, v := range [][]float64{wantX, wantM, wantS} {
					requireFinite(t, v)
				}
				gotX, gotM, gotS := data64(t, g.Value), data64(t, g.Params["loc"]), data64(t, g.Params["scale"])
				close(t, wantX, gotX, gradTol, gradTol)
				close(t, wantM, gotM, gradTol, gradTol)
				close(t, wantS, gotS, gradTol, gradTol)
				t.Logf("max rel err vs central differences: x %.2g, loc %.2g, scale %.2g",
					maxRelErr(wantX, gotX, 1), maxRelErr(wantM, gotM, 1), maxRelErr(wantS, gotS, 1))
			})
		}
	}
	t.Run("analytic partials", func(t *testing.T) {
		t.Parallel()
		// At x = e, μ = -1, σ = 4: z = ½, ∂/∂μ = z/σ = 1/8, ∂/∂σ = (z²-1)/σ
		// = -3/16, ∂/∂x = -(z/σ + 1)/x = -9/(8e).
		g, err := must(distributions.NewLogNormal(s64(-1), s64(4))).LogProbGrad(s64(math.E))
		require.NoError(t, err)
		close(t, []float64{-9 / (8 * math.E), 0.125, -0.1875},
			[]float64{data64(t, g.Value)[0], data64(t, g.Params["loc"])[0], data64(t, g.Params["scale"])[0]}, 1e-15, 0)
	})
	t.Run("at and below 0, and at +Inf", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewLogNormal(s64(0), s64(2), distributions.WithValidation(false)))
		g, err := d.LogProbGrad(f64(0, -1))
		require.NoError(t, err)
		assert.Equal(t, math.Inf(-1), g.LogProb)
		close(t, []float64{0, 0}, data64(t, g.Value), 0, 0) // no NaN from -Inf - log 0
		close(t, []float64{0}, data64(t, g.Params["loc"]), 0, 0)
		close(t, []float64{0}, data64(t, g.Params["scale"]), 0, 0)
		g, err = d.LogProbGrad(s64(math.Inf(1)))
		require.NoError(t, err)
		assert.Equal(t, math.Inf(-1), g.LogProb)
		assert.Equal(t, 0.0, data64(t, g.Value)[0], "log x/x → 0")
	})
}

func TestLogNormalFloat32(t *testing.T) {
	t.Parallel()
	loc32, scale32 := sh(f32(-1, 0, 2.5), 3, 1), f32(0.5, 1, 2, 4)
	x32 := sh(to32(f64(seq(0.1, 9, 8)...)), 2, 1, 4)
	u32 := sh(f32(0.001, 0.2, 0.5, 0.9, 0.999), 5, 1, 1)
	d32 := must(distributions.NewLogNormal(loc32, scale32))
	d64 := must(distributions.NewLogNormal(to64(loc32), to64(scale32)))
	pair := func(name string, a, b *tensor.Dense, err32, err64 error) {
		t.Helper()
		require.NoError(t, err32, name)
		require.NoError(t, err64, name)
		require.Equal(t, tensor.Float32, a.Dtype(), name)
		require.Equal(t, shapeOf(b), shapeOf(a), name)
		close(t, data64(t, b), data64(t, a), tol32, 0)
	}
	a, e1 := d32.LogProb(x32)
	b, e2 := d64.LogProb(to64(x32))
	pair("log_prob", a, b, e1, e2)
	a, e1 = d32.CDF(x32)
	b, e2 = d64.CDF(to64(x32))
	pair("cdf", a, b, e1, e2)
	a, e1 = d32.ICDF(u32)
	b, e2 = d64.ICDF(to64(u32))
	pair("icdf", a, b, e1, e2)
	for name, m := range map[string]func(*distributions.LogNormal) (*tensor.Dense, error){
		"mean": (*distributions.LogNormal).Mean, "variance": (*distributions.LogNormal).Variance,
		"stddev": (*distributions.LogNormal).StdDev, "mode": (*distributions.LogNormal).Mode,
		"entropy": (*distributions.LogNormal).Entropy,
	} {
		a, e1 := m(d32)
		b, e2 := m(d64)
		pair(name, a, b, e1, e2)
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

func TestLogNormalSampleKS(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		loc, scale *tensor.Dense
		seed       uint64
	}{
		{"standard", s64(0), s64(1), 1},
		{"batch (2,2)", sh(f64(-3, 2), 2, 1), f64(0.05, 1.5), 2},
		{"float32", s32(0.5), s32(0.8), 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := must(distributions.NewLogNormal(tc.loc, tc.scale))
			x, err := d.Sample(rand.NewPCG(tc.seed, 0x109), nDraws)
			require.NoError(t, err)
			require.Equal(t, append([]int{nDraws}, d.BatchShape()...), shapeOf(x))
			require.Equal(t, tc.scale.Dtype(), x.Dtype())
			for i, v := range data64(t, x) {
				require.True(t, v > 0 && !math.IsInf(v, 1), "draw %d is %v", i, v)
			}
			locs := bcast(data64(t, tc.loc), shapeOf(tc.loc), d.BatchShape())
			scales := bcast(data64(t, tc.scale), shapeOf(tc.scale), d.BatchShape())
			for j, p := range halfNormalKS(t, d, x, d.BatchShape()) { // KS through the family's CDF
				t.Logf("LogNormal(%g, %g): KS p = %.3g", locs[j], scales[j], p)
				assert.GreaterOrEqual(t, p, pCritical, "LogNormal(%g, %g)", locs[j], scales[j])
			}
		})
	}
	t.Run("power", func(t *testing.T) {
		// The test rejects a slightly wrong sampler: LogNormal(0, 1) draws
		// tested as LogNormal(0.03, 1) or LogNormal(0, 1.04).
		t.Parallel()
		x, err := must(distributions.NewLogNormal(s64(0), s64(1))).Sample(rand.NewPCG(1, 0x109), nDraws)
		require.NoError(t, err)
		for _, alt := range [][2]float64{{0.03, 1}, {0, 1.04}} {
			p := halfNormalKS(t, must(distributions.NewLogNormal(s64(alt[0]), s64(alt[1]))), x, nil)[0]
			t.Logf("LogNormal(0, 1) draws as LogNormal(%g, %g): KS p = %.3g", alt[0], alt[1], p)
			assert.Less(t, p, pCritical)
		}
	})
}

func TestLogNormalSampleShapesAndSeeds(t *testing.T) {
	t.Parallel()
	loc, scale := sh(f64(-1, 0.5, 3), 3, 1), f64(0.25, 1)
	d := must(distributions.NewLogNormal(loc, scale))
	for _, c := range []struct{ sample, want []int }{
		{nil, []int{3, 2}}, {[]int{4}, []int{4, 3, 2}}, {[]int{2, 5}, []int{2, 5, 3, 2}},
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
	_, err = d.Sample(rand.NewPCG(1, 2), -2)
	require.ErrorIs(t, err, distributions.ErrShape)

	// Reparameterisation: exp(μ + σε) with the ε a standard normal draws
	// from the same seed, bit for bit.
	x, err := d.RSample(rand.NewPCG(5, 6), 30)
	require.NoError(t, err)
	eps, err := must(distributions.NewNormal(must(tensor.Zeros[float64](3, 2)), s64(1))).RSample(rand.NewPCG(5, 6), 30)
	require.NoError(t, err)
	mu, sg := bcast(data64(t, loc), []int{3, 1}, []int{30, 3, 2}), bcast(data64(t, scale), []int{2}, []int{30, 3, 2})
	e, got := data64(t, eps), data64(t, x)
	for i := range e {
		require.Equal(t, math.Exp(mu[i]+sg[i]*e[i]), got[i], "element %d", i)
	}
}

func TestLogNormalSampleGOMAXPROCS(t *testing.T) {
	const n = 1_000_000
	require.Greater(t, n, tensor.ParallelMin)
	d := must(distributions.NewLogNormal(f64(-1, 2), f64(0.5, 3)))
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

func TestLogNormalExpand(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewLogNormal(sh(f64(0, 1), 2, 1), s64(0.5)))
	e, err := distributions.Expand(d, []int{3, 2, 4})
	require.NoError(t, err)
	ln, ok := e.(*distributions.LogNormal)
	require.True(t, ok, "native Expand keeps the family (Pyro overrides expand for LogNormal)")
	assert.Equal(t, []int{3, 2, 4}, ln.BatchShape())
	assert.Same(t, d.Loc(), ln.Loc())
	assert.Same(t, d.Scale(), ln.Scale())
	m, err := ln.Mean()
	require.NoError(t, err)
	g0, g1 := distuv.LogNormal{Mu: 0, Sigma: 0.5}.Mean(), distuv.LogNormal{Mu: 1, Sigma: 0.5}.Mean()
	close(t, bcast([]float64{g0, g1}, []int{2, 1}, []int{3, 2, 4}), data64(t, m), 1e-14, 0)
	_, err = distributions.Expand(d, []int{3, 3, 4})
	require.ErrorIs(t, err, distributions.ErrShape)
}

// TestLogNormalGoldenCases requires the golden cases of LogNormal to pass:
// lognormal.json and shape_ops/lognormal-expand.
func TestLogNormalGoldenCases(t *testing.T) {
	t.Parallel()
	n := 0
	for _, c := range loadCases(t, goldenDir, "") {
		if !strings.HasPrefix(c.name, "lognormal/") && !strings.HasPrefix(c.name, "shape_ops/lognormal-") {
			continue
		}
		n++
		st, reason := runCase(c)
		t.Logf("%s: %s %s", c.name, st, reason)
		if st != casePassed {
			t.Errorf("%s: %s (%s)", c.name, st, reason)
		}
	}
	assert.GreaterOrEqual(t, n, 4)
}

func FuzzLogNormal(f *testing.F) {
	for _, c := range [][3]float64{
		{0, 1, 1}, {0, 1, 0}, {0, 1, -1}, {0, 0, 1}, {0, -1, 1}, {math.NaN(), 1, 1}, {0, 1, math.NaN()},
		{0, 1, 5e-324}, {0, 1, math.Inf(1)}, {1e300, 1e-300, 1}, {0, math.Inf(1), 1}, {math.Inf(1), 1, 1},
		{700, 1, 1e304}, {-0.0655, 0.6155, 1.8699},
	} {
		f.Add(c[0], c[1], c[2])
	}
	f.Fuzz(func(t *testing.T, loc, scale, x float64) {
		d, err := distributions.NewLogNormal(f64(loc), f64(scale))
		if !(scale > 0) || math.IsNaN(loc) {
			require.ErrorIs(t, err, distributions.ErrParam)
			var ce *distributions.ConstraintError
			require.ErrorAs(t, err, &ce)
			u, err := distributions.NewLogNormal(f64(loc), f64(scale), distributions.WithValidation(false))
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
		if !(x > 0) {
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
			require.False(t, math.IsNaN(got), "log LogNormal(%v | %v, %v) is NaN", x, loc, scale)
			require.False(t, math.IsInf(got, 1))
		}
		y := math.Log(x)
		if z := (y - loc) / scale; finite && math.Abs(z) < 1e6 && scale > 1e-100 && scale < 1e100 && x > 1e-300 {
			want := logNormalGonumLogProb(x, loc, scale)
			abs := 1e-14 * (z*z/2 + math.Abs(math.Log(scale)) + math.Abs(y) + 1)
			close(t, []float64{want}, []float64{got}, 1e-13, abs)
			s := 1e-13 * (math.Abs(z) + 1) / scale
			close(t, []float64{z / scale}, data64(t, g.Params["loc"]), 1e-13, s)
			close(t, []float64{(z*z - 1) / scale}, data64(t, g.Params["scale"]), 1e-13, s*(math.Abs(z)+1))
			close(t, []float64{-(z/scale + 1) / x}, data64(t, g.Value), 1e-13, (s+1e-13)/x)
		}
	})
}

func ExampleLogNormal() {
	d, err := distributions.NewLogNormal(tensor.Scalar(0.0), tensor.Vector(1.0, 0.5))
	if err != nil {
		log.Fatal(err)
	}
	lp, err := d.LogProb(tensor.Scalar(2.0))
	if err != nil {
		log.Fatal(err)
	}
	mean, err := d.Mean()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%.4f\n%.4f\n", lp.Float64s(), mean.Float64s())
	// Output:
	// [-1.8523 -1.8798]
	// [1.6487 1.1331]
}
