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
// The independent oracle elsewhere is gonum: HalfNormal(σ) is σ times a
// chi distribution with one degree of freedom, whose log density, CDF and
// quantile gonum evaluates through lgamma and the incomplete gamma function.

var (
	_ distributions.Distribution  = (*distributions.HalfNormal)(nil)
	_ distributions.RSampler      = (*distributions.HalfNormal)(nil)
	_ distributions.LogProbGrader = (*distributions.HalfNormal)(nil)
	_ distributions.LogProbIntoer = (*distributions.HalfNormal)(nil)
	_ distributions.Expander      = (*distributions.HalfNormal)(nil)
	_ distributions.CDFer         = (*distributions.HalfNormal)(nil)
	_ distributions.ICDFer        = (*distributions.HalfNormal)(nil)
	_ distributions.Meaner        = (*distributions.HalfNormal)(nil)
	_ distributions.Variancer     = (*distributions.HalfNormal)(nil)
	_ distributions.StdDever      = (*distributions.HalfNormal)(nil)
	_ distributions.Moder         = (*distributions.HalfNormal)(nil)
	_ distributions.Entropier     = (*distributions.HalfNormal)(nil)
)

// halfNormalChiLogProb is the gonum oracle: log p(x) = log χ₁(x/σ) - log σ.
// gonum's chi density has a (K-1)·log z term, 0·(-Inf) = NaN at z = 0; at
// the smallest subnormal instead its value is the one at 0 exactly (the
// term is 0 and z²/2 underflows).
func halfNormalChiLogProb(x, sigma float64) float64 {
	if x < 0 {
		return math.Inf(-1)
	}
	z := x / sigma
	if z == 0 {
		z = 5e-324
	}
	return distuv.Chi{K: 1}.LogProb(z) - math.Log(sigma)
}

// halfNormalOracle applies f(x, σ) over x and scale broadcast to out.
func halfNormalOracle(t testing.TB, x, scale *tensor.Dense, out []int, f func(x, sigma float64) float64) []float64 {
	t.Helper()
	xs := bcast(data64(t, x), shapeOf(x), out)
	ss := bcast(data64(t, scale), shapeOf(scale), out)
	want := make([]float64, len(xs))
	for i := range want {
		want[i] = f(xs[i], ss[i])
	}
	return want
}

func TestHalfNormalLogProb(t *testing.T) {
	t.Parallel()
	inf := math.Inf(1)
	tests := []struct {
		name     string
		scale, x *tensor.Dense
		shape    []int
		want     []float64 // nil: the gonum chi oracle over the broadcast
	}{
		{name: "scale 1 at 0", scale: s64(1), x: s64(0), shape: []int{},
			want: []float64{-0.22579135264472744}}, // mpmath: ½log(2/π)
		{name: "scalar scale, vector value", scale: s64(0.7), x: f64(0, 0.1, 0.7, 1.5, 4), shape: []int{5}},
		{name: "scale (3,1) vs value (4)", scale: sh(f64(0.5, 1, 3), 3, 1), x: f64(0.01, 0.5, 2, 6), shape: []int{3, 4}},
		{name: "value (2,1,1) vs scale (3)", scale: f64(0.25, 1, 4), x: sh(f64(0.3, 2.2), 2, 1, 1), shape: []int{2, 1, 3}},
		{name: "negative values are -Inf", scale: s64(1), x: f64(-1, -1e-300, math.Inf(-1)), shape: []int{3},
			want: []float64{-inf, -inf, -inf}},
		{name: "far tail and x = +Inf", scale: s64(1), x: f64(40, 1e10, inf), shape: []int{3},
			want: []float64{-800.2257913526447, -5e+19, -inf}}, // mpmath
		{name: "extreme scales", scale: f64(1e-300, 1e-300, 1e300, 2.5), x: f64(0, 1e-300, 1e300, 1e-200), shape: []int{4},
			want: []float64{690.549736545569, 690.049736545569, -691.5013192508584, -1.1420820845188826}}, // mpmath
		{name: "subnormal scale", scale: s64(5e-324), x: f64(0, 1e-323), shape: []int{2},
			want: []float64{744.2142805687365, 742.2142805687365}}, // mpmath; math.Log(5e-324) is -709.09 on amd64
		{name: "golden scalar", scale: s64(0.5988), x: s64(2.3085), shape: []int{},
			want: []float64{-7.144287420691218}}, // mpmath
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := distributions.NewHalfNormal(tc.scale, distributions.WithValidation(false))
			require.NoError(t, err)
			got, err := d.LogProb(tc.x)
			require.NoError(t, err)
			require.Equal(t, tc.shape, shapeOf(got))
			want := tc.want
			if want == nil {
				want = halfNormalOracle(t, tc.x, tc.scale, tc.shape, halfNormalChiLogProb)
			}
			close(t, want, data64(t, got), tol64, 0)
			into := must(tensor.Zeros[float64](tc.shape...))
			require.NoError(t, d.LogProbInto(into, tc.x))
			assert.Equal(t, data64(t, got), data64(t, into), "LogProbInto writes LogProb's values")
		})
	}
}

func TestHalfNormalErrors(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	tests := []struct {
		name     string
		scale, x *tensor.Dense // x nil: the constructor must fail
		wantErr  error
		wantName string // the ConstraintError's Name ("" if none)
		wantIdx  []int
		wantMsg  []string
	}{
		{name: "scale 0", scale: f64(1, 0), wantErr: distributions.ErrParam, wantName: "scale", wantIdx: []int{1},
			wantMsg: []string{"half_normal", "scale", "> 0", "[1]"}},
		{name: "scale -1 at (1, 0)", scale: sh(f64(1, 2, -1, 3), 2, 2), wantErr: distributions.ErrParam, wantName: "scale", wantIdx: []int{1, 0}},
		{name: "scale NaN", scale: f64(2, nan), wantErr: distributions.ErrParam, wantName: "scale", wantIdx: []int{1}},
		{name: "nil scale", scale: nil, wantErr: distributions.ErrParam, wantMsg: []string{"scale"}},
		{name: "value below 0", scale: f64(1, 2), x: f64(0, -0.5), wantErr: distributions.ErrSupport, wantName: "value", wantIdx: []int{1},
			wantMsg: []string{"half_normal", "value", ">= 0"}},
		{name: "NaN value", scale: s64(1), x: s64(nan), wantErr: distributions.ErrSupport, wantName: "value", wantIdx: []int{}},
		{name: "value (4) vs batch (3)", scale: f64(1, 2, 3), x: f64(1, 1, 1, 1), wantErr: distributions.ErrShape,
			wantMsg: []string{"half_normal", "(4", "(3"}},
		{name: "float32 value, float64 scale", scale: s64(1), x: f32(1), wantErr: distributions.ErrDType},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := distributions.NewHalfNormal(tc.scale)
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
				assert.Equal(t, "half_normal", ce.Family)
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
		d := must(distributions.NewHalfNormal(s64(1)))
		_, err := d.CDF(f64(1, -1))
		require.ErrorIs(t, err, distributions.ErrSupport)
		_, err = d.ICDF(f64(0.5, 1.5))
		require.ErrorIs(t, err, distributions.ErrSupport)
	})
	t.Run("spec", func(t *testing.T) {
		t.Parallel()
		_, err := distributions.Build([]byte(`{"family": "HalfNormal", "params": {"scale": 1, "loc": 0}}`))
		require.ErrorIs(t, err, distributions.ErrUnsupported, "torch's HalfNormal has no loc")
		_, err = distributions.Build([]byte(`{"family": "HalfNormal", "params": {}}`))
		require.ErrorIs(t, err, distributions.ErrParam)
		_, err = distributions.Build([]byte(`{"family": "HalfNormal", "params": {"scale": -1}}`))
		require.ErrorIs(t, err, distributions.ErrParam)
		d, err := distributions.Build([]byte(`{"family": "HalfNormal", "params": {"scale": {"shape": [2], "data": [1, 2]}}}`))
		require.NoError(t, err)
		assert.IsType(t, &distributions.HalfNormal{}, d)
	})
}

func TestHalfNormalWithoutValidation(t *testing.T) {
	t.Parallel()
	off := distributions.WithValidation(false)
	d, err := distributions.NewHalfNormal(f64(1, -1, math.NaN()), off)
	require.NoError(t, err)
	lp, err := d.LogProb(f64(1, 1, 1))
	require.NoError(t, err)
	g := data64(t, lp)
	assert.False(t, math.IsNaN(g[0]))
	assert.True(t, math.IsNaN(g[1]) && math.IsNaN(g[2]), "log of a non-positive or NaN σ is NaN: %v", g)
	ok, err := distributions.NewHalfNormal(s64(1), off)
	require.NoError(t, err)
	lp, err = ok.LogProb(f64(math.NaN(), -2))
	require.NoError(t, err)
	close(t, []float64{math.NaN(), math.Inf(-1)}, data64(t, lp), 0, 0)
}

func TestHalfNormalMoments(t *testing.T) {
	t.Parallel()
	type moments struct{ mean, variance, stddev, entropy float64 }
	tests := []struct {
		scale float64
		want  moments // mpmath; zero: gonum's chi scaled by σ
	}{
		{0.5988, moments{0.47777327500875577, 0.13029413768740783, 0.36096279266346526, 0.21296372620806367}},
		{1e200, moments{7.978845608028653e+199, math.Inf(1), 6.0281027498908695e+199, 461.24280995145386}}, // σ² overflows, σ doesn't
		{1e-200, moments{7.978845608028653e-201, 0, 6.0281027498908696e-201, -459.7912272461644}},
		{0.3, moments{}}, {1, moments{}}, {7.5, moments{}},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.scale), func(t *testing.T) {
			t.Parallel()
			d := must(distributions.NewHalfNormal(sh(f64(tc.scale, tc.scale), 2, 1)))
			w := tc.want
			if w == (moments{}) {
				c := distuv.Chi{K: 1}
				w = moments{tc.scale * c.Mean(), tc.scale * tc.scale * c.Variance(), tc.scale * c.StdDev(), c.Entropy() + math.Log(tc.scale)}
			}
			for _, m := range []struct {
				name string
				f    func() (*tensor.Dense, error)
				want float64
			}{
				{"mean", d.Mean, w.mean}, {"variance", d.Variance, w.variance}, {"stddev", d.StdDev, w.stddev},
				{"entropy", d.Entropy, w.entropy}, {"mode", d.Mode, 0},
			} {
				got, err := m.f()
				require.NoError(t, err, m.name)
				require.Equal(t, []int{2, 1}, shapeOf(got), m.name)
				close(t, []float64{m.want, m.want}, data64(t, got), tol64, 0) // vs gonum: measured 3e-16
			}
		})
	}
}

func TestHalfNormalCDFAndICDF(t *testing.T) {
	t.Parallel()
	t.Run("cdf vs gonum", func(t *testing.T) {
		t.Parallel()
		scale, x := sh(f64(0.5, 1, 3), 3, 1), f64(0.01, 0.5, 2, 6)
		d := must(distributions.NewHalfNormal(scale))
		got, err := d.CDF(x)
		require.NoError(t, err)
		require.Equal(t, []int{3, 4}, shapeOf(got))
		want := halfNormalOracle(t, x, scale, []int{3, 4}, func(x, s float64) float64 { return distuv.Chi{K: 1}.CDF(x / s) })
		close(t, want, data64(t, got), 1e-14, 0)
	})
	t.Run("cdf tails", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewHalfNormal(f64(1, 1, 1, 2, 1, 0.7, 1)))
		got, err := d.CDF(f64(1e-300, 1e-10, 8, 0.5, 30, 1e-5, 0))
		require.NoError(t, err)
		close(t, []float64{7.978845608028653e-301, 7.978845608028654e-11, 0.9999999999999988, 0.19741265136584746, // mpmath
			1, 1.1398350868224665e-05, 0}, data64(t, got), tol64, 0)
		u, err := must(distributions.NewHalfNormal(s64(1), distributions.WithValidation(false))).CDF(f64(-1, math.Inf(-1), math.Inf(1)))
		require.NoError(t, err)
		close(t, []float64{0, 0, 1}, data64(t, u), 0, 0) // torch's 2Φ(x)-1 would be negative below 0
	})
	t.Run("icdf tails", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewHalfNormal(f64(1, 1, 1, 1, 2, 0.3, 1, 1)))
		got, err := d.ICDF(f64(1e-300, 1e-10, 1-0x1p-52, 0.5, 0.999, 1-1e-15, 0, 1))
		require.NoError(t, err)
		close(t, []float64{1.2533141373155002e-300, 1.2533141373155003e-10, 8.209536151601387, 0.6744897501960817, // mpmath
			6.581053462983789, 2.4080871054101674, 0, math.Inf(1)}, data64(t, got), 1e-15, 0)
		u, err := must(distributions.NewHalfNormal(s64(1), distributions.WithValidation(false))).ICDF(f64(-0.5, 1.5, math.NaN()))
		require.NoError(t, err)
		close(t, []float64{math.NaN(), math.NaN(), math.NaN()}, data64(t, u), 0, 0)
	})
	t.Run("icdf vs gonum and round trip", func(t *testing.T) {
		t.Parallel()
		scale, u := sh(f64(0.5, 1, 3), 3, 1), f64(0.001, 0.2, 0.5, 0.9, 0.999)
		d := must(distributions.NewHalfNormal(scale))
		q, err := d.ICDF(u)
		require.NoError(t, err)
		want := halfNormalOracle(t, u, scale, []int{3, 5}, func(u, s float64) float64 { return s * distuv.Chi{K: 1}.Quantile(u) })
		close(t, want, data64(t, q), tol64, 0) // measured 7e-16
		c, err := d.CDF(q)
		require.NoError(t, err)
		close(t, bcast(data64(t, u), []int{5}, []int{3, 5}), data64(t, c), 1e-14, 0)
	})
}

// halfNormalGradCase is a scale of shape sShape against a value of shape
// xShape, broadcasting to out.
type halfNormalGradCase struct {
	name           string
	xShape, sShape []int
	out            []int
	upstreamShape  []int // nil: out
}

// halfNormalRefSum is Σ w·log p(x) over the broadcast from the gonum oracle,
// the function the finite differences differentiate.
func halfNormalRefSum(c halfNormalGradCase, x, scale, w []float64) float64 {
	xs, ss := bcast(x, c.xShape, c.out), bcast(scale, c.sShape, c.out)
	var s float64
	for i := range xs {
		lp := halfNormalChiLogProb(xs[i], ss[i])
		if w != nil {
			lp *= w[i]
		}
		s += lp
	}
	return s
}

func TestHalfNormalLogProbGrad(t *testing.T) {
	t.Parallel()
	cases := []halfNormalGradCase{
		{name: "scale (3,1), x (2,1,4)", xShape: []int{2, 1, 4}, sShape: []int{3, 1}, out: []int{2, 3, 4}},
		{name: "scale (4), x (3,1)", xShape: []int{3, 1}, sShape: []int{4}, out: []int{3, 4}, upstreamShape: []int{3, 1}},
		{name: "scale scalar, x (5)", xShape: []int{5}, sShape: []int{}, out: []int{5}},
		{name: "scale (2,3), x scalar", xShape: []int{}, sShape: []int{2, 3}, out: []int{2, 3}, upstreamShape: []int{3}},
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
				x, scale := make([]float64, sizeOf(c.xShape)), make([]float64, sizeOf(c.sShape))
				for i := range x {
					x[i] = 0.05 + 3*r.Float64() // inside the support, away from the kink at 0
				}
				for i := range scale {
					scale[i] = 0.5 + 1.5*r.Float64()
				}
				d := must(distributions.NewHalfNormal(must(tensor.New(scale, c.sShape...))))
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
						u[i] += 0.1 // no zero weight
					}
					w = bcast(u, us, c.out)
					g, err = d.LogProbVJP(xt, must(tensor.New(u, us...)))
				} else {
					g, err = d.LogProbGrad(xt)
				}
				require.NoError(t, err)
				close(t, []float64{halfNormalRefSum(c, x, scale, w)}, []float64{g.LogProb}, 1e-13, 0) // a sum of ≤ 24 terms
				require.Equal(t, c.xShape, shapeOf(g.Value))
				require.Len(t, g.Params, 1)
				require.Equal(t, c.sShape, shapeOf(g.Params["scale"]))
				wantX := centralDiff(func(v []float64) float64 { return halfNormalRefSum(c, v, scale, w) }, x, 1e-5)
				wantS := centralDiff(func(v []float64) float64 { return halfNormalRefSum(c, x, v, w) }, scale, 1e-5)
				requireFinite(t, wantX)
				requireFinite(t, wantS)
				gotX, gotS := data64(t, g.Value), data64(t, g.Params["scale"])
				close(t, wantX, gotX, gradTol, gradTol)
				close(t, wantS, gotS, gradTol, gradTol)
				t.Logf("max rel err vs central differences: x %.2g, scale %.2g", maxRelErr(wantX, gotX, 1), maxRelErr(wantS, gotS, 1))
			})
		}
	}
	t.Run("analytic partials", func(t *testing.T) {
		t.Parallel()
		// ∂/∂x = -z/σ, ∂/∂σ = (z²-1)/σ at x = 3, σ = 2, z = 1.5: exact in binary.
		g, err := must(distributions.NewHalfNormal(s64(2))).LogProbGrad(s64(3))
		require.NoError(t, err)
		close(t, []float64{-0.75, 0.625}, []float64{data64(t, g.Value)[0], data64(t, g.Params["scale"])[0]}, tol64, 0)
	})
	t.Run("below the support", func(t *testing.T) {
		t.Parallel()
		// log p is -Inf below 0 and passes no gradient (torch's where); the
		// element at 0 is inside the support: ∂/∂x = 0, ∂/∂σ = -1/σ.
		d := must(distributions.NewHalfNormal(s64(2), distributions.WithValidation(false)))
		g, err := d.LogProbGrad(f64(-1, 0))
		require.NoError(t, err)
		assert.Equal(t, math.Inf(-1), g.LogProb)
		close(t, []float64{0, 0}, data64(t, g.Value), 0, 0)
		close(t, []float64{-0.5}, data64(t, g.Params["scale"]), tol64, 0)
		g, err = d.LogProbVJP(f64(-1, 0), f64(0, 1)) // a zero weight drops the -Inf
		require.NoError(t, err)
		close(t, []float64{-0.22579135264472744 - math.Log(2)}, []float64{g.LogProb}, tol64, 0) // mpmath: ½log(2/π) - log 2
	})
}

// TestHalfNormalFloat32 evaluates one distribution in float32 and in
// float64 on the same float32-representable inputs; kernels compute in
// float64 and round once, so the two agree to tol32.
func TestHalfNormalFloat32(t *testing.T) {
	t.Parallel()
	scale32 := sh(f32(0.5, 1, 2.5), 3, 1)
	x32 := sh(to32(f64(seq(0, 6, 8)...)), 2, 1, 4)
	u32 := f32(0.001, 0.2, 0.5, 0.9)
	d32, d64 := must(distributions.NewHalfNormal(scale32)), must(distributions.NewHalfNormal(to64(scale32)))
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
	for name, m := range map[string]func(*distributions.HalfNormal) (*tensor.Dense, error){
		"mean": (*distributions.HalfNormal).Mean, "variance": (*distributions.HalfNormal).Variance,
		"stddev": (*distributions.HalfNormal).StdDev, "mode": (*distributions.HalfNormal).Mode,
		"entropy": (*distributions.HalfNormal).Entropy,
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
	require.Equal(t, tensor.Float32, g32.Params["scale"].Dtype())
	close(t, data64(t, g64.Params["scale"]), data64(t, g32.Params["scale"]), tol32, 0)
}

// halfNormalKS returns the KS p-value of each batch column of a sample x of
// shape (n, batch...) against the distribution d whose CDF it evaluates:
// the KS distance of the CDF values from U(0, 1).
func halfNormalKS(t testing.TB, d distributions.CDFer, x *tensor.Dense, batch []int) []float64 {
	t.Helper()
	u, err := d.CDF(x)
	require.NoError(t, err)
	data, stride := data64(t, u), sizeOf(batch)
	n := len(data) / stride
	ps := make([]float64, stride)
	for j := range ps {
		col := make([]float64, n)
		for i := range col {
			col[i] = data[i*stride+j]
		}
		ps[j] = ksPValue(ksStatistic(col, func(u float64) float64 { return u }), n)
	}
	return ps
}

func TestHalfNormalSampleKS(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		scale *tensor.Dense
		seed  uint64
	}{
		{"scale 1", s64(1), 1},
		{"batch (2,2)", sh(f64(0.01, 0.6, 3, 1e3), 2, 2), 2},
		{"float32", s32(2), 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := must(distributions.NewHalfNormal(tc.scale))
			x, err := d.Sample(rand.NewPCG(tc.seed, 0x4a1f), nDraws)
			require.NoError(t, err)
			require.Equal(t, append([]int{nDraws}, d.BatchShape()...), shapeOf(x))
			require.Equal(t, tc.scale.Dtype(), x.Dtype())
			for i, v := range data64(t, x) {
				require.True(t, v >= 0 && !math.IsInf(v, 1), "draw %d is %v", i, v)
			}
			scales := bcast(data64(t, tc.scale), shapeOf(tc.scale), d.BatchShape())
			for j, p := range halfNormalKS(t, d, x, d.BatchShape()) {
				t.Logf("HalfNormal(%g): KS p = %.3g", scales[j], p)
				assert.GreaterOrEqual(t, p, pCritical, "HalfNormal(%g)", scales[j])
			}
		})
	}
	t.Run("power", func(t *testing.T) {
		// The test rejects a slightly wrong sampler: HalfNormal(1) draws
		// tested as HalfNormal(1.03) or HalfNormal(0.97).
		t.Parallel()
		x, err := must(distributions.NewHalfNormal(s64(1))).Sample(rand.NewPCG(1, 0x4a1f), nDraws)
		require.NoError(t, err)
		for _, alt := range []float64{1.03, 0.97} {
			p := halfNormalKS(t, must(distributions.NewHalfNormal(s64(alt))), x, nil)[0]
			t.Logf("HalfNormal(1) draws as HalfNormal(%g): KS p = %.3g", alt, p)
			assert.Less(t, p, pCritical)
		}
	})
}

func TestHalfNormalSampleShapesAndSeeds(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewHalfNormal(sh(f64(0.5, 1, 2), 3, 1)))
	for _, c := range []struct{ sample, want []int }{
		{nil, []int{3, 1}}, {[]int{4}, []int{4, 3, 1}}, {[]int{2, 5}, []int{2, 5, 3, 1}}, {[]int{0}, []int{0, 3, 1}},
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
	_, err = d.RSample(rand.NewPCG(1, 2), -1)
	require.ErrorIs(t, err, distributions.ErrShape)

	// Reparameterisation: σ|ε| with the ε a standard normal draws from the
	// same seed, bit for bit.
	x, err := d.RSample(rand.NewPCG(7, 8), 40)
	require.NoError(t, err)
	eps, err := must(distributions.NewNormal(must(tensor.Zeros[float64](3, 1)), s64(1))).RSample(rand.NewPCG(7, 8), 40)
	require.NoError(t, err)
	sg := bcast([]float64{0.5, 1, 2}, []int{3, 1}, []int{40, 3, 1})
	e, got := data64(t, eps), data64(t, x)
	for i := range e {
		require.Equal(t, sg[i]*math.Abs(e[i]), got[i], "element %d", i)
	}
}

// TestHalfNormalSampleGOMAXPROCS draws more than tensor.ParallelMin values
// and requires the same bits with one and with two goroutines; it switches
// GOMAXPROCS, so it is not parallel.
func TestHalfNormalSampleGOMAXPROCS(t *testing.T) {
	const n = 1_000_000
	require.Greater(t, n, tensor.ParallelMin)
	d := must(distributions.NewHalfNormal(f64(0.5, 3)))
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

func TestHalfNormalExpand(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewHalfNormal(sh(f64(0.5, 2), 2, 1)))
	e, err := distributions.Expand(d, []int{4, 2, 3})
	require.NoError(t, err)
	hn, ok := e.(*distributions.HalfNormal)
	require.True(t, ok, "native Expand keeps the family")
	assert.Equal(t, []int{4, 2, 3}, hn.BatchShape())
	assert.Same(t, d.Scale(), hn.Scale(), "the parameter is shared, not copied")
	lp, err := hn.LogProb(s64(1))
	require.NoError(t, err)
	require.Equal(t, []int{4, 2, 3}, shapeOf(lp))
	close(t, bcast([]float64{halfNormalChiLogProb(1, 0.5), halfNormalChiLogProb(1, 2)}, []int{2, 1}, []int{4, 2, 3}), data64(t, lp), tol64, 0)
	_, err = distributions.Expand(d, []int{3})
	require.ErrorIs(t, err, distributions.ErrShape)
}

// TestHalfNormalGoldenCases requires every golden case of HalfNormal to pass
// (half_normal.json); kl/halfnormal-halfnormal needs the KL registry, so it
// may be unsupported, but never fail.
func TestHalfNormalGoldenCases(t *testing.T) {
	t.Parallel()
	n := 0
	for _, c := range loadCases(t, goldenDir, "") {
		must := strings.HasPrefix(c.name, "half_normal/")
		if !must && c.name != "kl/halfnormal-halfnormal" {
			continue
		}
		n++
		st, reason := runCase(c)
		t.Logf("%s: %s %s", c.name, st, reason)
		switch {
		case st == caseFailed:
			t.Errorf("%s failed: %s", c.name, reason)
		case must && st != casePassed:
			t.Errorf("%s: %s (%s)", c.name, st, reason)
		}
	}
	assert.GreaterOrEqual(t, n, 4)
}

func FuzzHalfNormal(f *testing.F) {
	for _, c := range [][2]float64{
		{1, 0}, {1, 1}, {0, 1}, {-1, 1}, {math.NaN(), 1}, {1, math.NaN()}, {1, -1}, {1e-300, 1e300},
		{1e300, 1e-300}, {math.Inf(1), 1}, {1, math.Inf(1)}, {5e-324, 5e-324}, {0.5988, 2.3085}, {24, 0},
	} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, scale, x float64) {
		d, err := distributions.NewHalfNormal(f64(scale))
		if !(scale > 0) {
			require.ErrorIs(t, err, distributions.ErrParam)
			var ce *distributions.ConstraintError
			require.ErrorAs(t, err, &ce)
			require.Equal(t, "scale", ce.Name)
			u, err := distributions.NewHalfNormal(f64(scale), distributions.WithValidation(false))
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
		if !(x >= 0) {
			require.ErrorIs(t, err, distributions.ErrSupport)
			require.ErrorIs(t, gerr, distributions.ErrSupport)
			return
		}
		require.NoError(t, err)
		require.NoError(t, gerr)
		got := data64(t, lp)[0]
		close(t, []float64{got}, []float64{g.LogProb}, tol64, 0)
		require.False(t, math.IsNaN(got), "log HalfNormal(%v | %v) is NaN", x, scale)
		require.False(t, math.IsInf(got, 1))
		if z := x / scale; z < 1e6 && scale > 1e-100 && scale < 1e100 {
			want := halfNormalChiLogProb(x, scale)
			abs := 1e-14 * (z*z/2 + math.Abs(math.Log(scale)) + 1) // error relative to the terms, not their sum
			close(t, []float64{want}, []float64{got}, 1e-13, abs)
			s := 1e-13 * (z + 1) / scale
			close(t, []float64{-z / scale}, data64(t, g.Value), 1e-13, s)
			close(t, []float64{(z*z - 1) / scale}, data64(t, g.Params["scale"]), 1e-13, s*(z+1))
		}
	})
}

func ExampleHalfNormal() {
	d, err := distributions.NewHalfNormal(tensor.Vector(1.0, 2.0))
	if err != nil {
		log.Fatal(err)
	}
	lp, err := d.LogProb(tensor.Scalar(1.0))
	if err != nil {
		log.Fatal(err)
	}
	mean, err := d.Mean()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%.4f\n%.4f\n", lp.Float64s(), mean.Float64s())
	// Output:
	// [-0.7258 -1.0439]
	// [0.7979 1.5958]
}
