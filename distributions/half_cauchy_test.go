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
// The independent oracle elsewhere is gonum: HalfCauchy(σ) is |X| for X a
// Student's t with one degree of freedom and scale σ, so its log density is
// gonum's plus log 2 and its CDF is 2F - 1 (gonum goes through lgamma and
// the regularised incomplete beta function).

var (
	_ distributions.Distribution  = (*distributions.HalfCauchy)(nil)
	_ distributions.RSampler      = (*distributions.HalfCauchy)(nil)
	_ distributions.LogProbGrader = (*distributions.HalfCauchy)(nil)
	_ distributions.LogProbIntoer = (*distributions.HalfCauchy)(nil)
	_ distributions.Expander      = (*distributions.HalfCauchy)(nil)
	_ distributions.CDFer         = (*distributions.HalfCauchy)(nil)
	_ distributions.ICDFer        = (*distributions.HalfCauchy)(nil)
	_ distributions.Meaner        = (*distributions.HalfCauchy)(nil)
	_ distributions.Variancer     = (*distributions.HalfCauchy)(nil)
	_ distributions.StdDever      = (*distributions.HalfCauchy)(nil)
	_ distributions.Moder         = (*distributions.HalfCauchy)(nil)
	_ distributions.Entropier     = (*distributions.HalfCauchy)(nil)
)

// halfCauchyStudentLogProb is the gonum oracle's log density.
func halfCauchyStudentLogProb(x, sigma float64) float64 {
	if x < 0 {
		return math.Inf(-1)
	}
	return distuv.StudentsT{Mu: 0, Sigma: sigma, Nu: 1}.LogProb(x) + math.Ln2
}

// halfCauchyOracle applies f(x, σ) over x and scale broadcast to out.
func halfCauchyOracle(t testing.TB, x, scale *tensor.Dense, out []int, f func(x, sigma float64) float64) []float64 {
	t.Helper()
	xs := bcast(data64(t, x), shapeOf(x), out)
	ss := bcast(data64(t, scale), shapeOf(scale), out)
	want := make([]float64, len(xs))
	for i := range want {
		want[i] = f(xs[i], ss[i])
	}
	return want
}

func TestHalfCauchyLogProb(t *testing.T) {
	t.Parallel()
	inf := math.Inf(1)
	tests := []struct {
		name     string
		scale, x *tensor.Dense
		shape    []int
		want     []float64 // nil: the gonum Student's t oracle over the broadcast
	}{
		{name: "scale 1 at 0 and 1", scale: s64(1), x: f64(0, 1), shape: []int{2},
			want: []float64{-0.4515827052894549, -1.1447298858494002}}, // mpmath: log(2/π), -log π
		{name: "scalar scale, vector value", scale: s64(0.7), x: f64(0.1, 0.7, 1.5, 40), shape: []int{4}},
		{name: "scale (3,1) vs value (4)", scale: sh(f64(0.5, 1, 3), 3, 1), x: f64(0.01, 0.5, 2, 60), shape: []int{3, 4}},
		{name: "value (2,1,1) vs scale (3)", scale: f64(0.25, 1, 4), x: sh(f64(0.3, 2.2), 2, 1, 1), shape: []int{2, 1, 3}},
		{name: "negative values are -Inf", scale: s64(1), x: f64(-1, -1e-300, math.Inf(-1)), shape: []int{3},
			want: []float64{-inf, -inf, -inf}},
		{name: "far tail: z² and x/σ overflow", scale: f64(1, 1e-300, 1, 1, 3, 1), x: f64(1e200, 1e300, 1e155, 1e154, 1e8, inf), shape: []int{6},
			want: []float64{-921.4856199029077, -2072.778166399931, -714.2529615334436, -709.6477913474555, -36.194331904526074, -inf}}, // mpmath
		{name: "tiny z and tiny scale", scale: f64(1e300, 2, 1e-200), x: f64(1e-300, 1e-200, 1e-200), shape: []int{3},
			want: []float64{-691.2271106035032, -1.1447298858494002, 459.37228871295974}}, // mpmath
		{name: "subnormal scale", scale: s64(5e-324), x: f64(0, 1e-323), shape: []int{2},
			want: []float64{743.9884892160918, 742.3790513036577}}, // mpmath; math.Log(5e-324) is -709.09 on amd64
		{name: "golden scalar", scale: s64(1.1955), x: s64(1.4611), shape: []int{},
			want: []float64{-1.543911095265427}}, // mpmath
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := distributions.NewHalfCauchy(tc.scale, distributions.WithValidation(false))
			require.NoError(t, err)
			got, err := d.LogProb(tc.x)
			require.NoError(t, err)
			require.Equal(t, tc.shape, shapeOf(got))
			want := tc.want
			if want == nil {
				want = halfCauchyOracle(t, tc.x, tc.scale, tc.shape, halfCauchyStudentLogProb) // measured 2.6e-15
			}
			close(t, want, data64(t, got), tol64, 0)
			into := must(tensor.Zeros[float64](tc.shape...))
			require.NoError(t, d.LogProbInto(into, tc.x))
			assert.Equal(t, data64(t, got), data64(t, into), "LogProbInto writes LogProb's values")
		})
	}
}

func TestHalfCauchyErrors(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	tests := []struct {
		name     string
		scale, x *tensor.Dense // x nil: the constructor must fail
		wantErr  error
		wantName string
		wantIdx  []int
		wantMsg  []string
	}{
		{name: "scale 0", scale: f64(1, 0), wantErr: distributions.ErrParam, wantName: "scale", wantIdx: []int{1},
			wantMsg: []string{"half_cauchy", "scale", "> 0", "[1]"}},
		{name: "scale -2 at (0, 1)", scale: sh(f64(1, -2, 1, 3), 2, 2), wantErr: distributions.ErrParam, wantName: "scale", wantIdx: []int{0, 1}},
		{name: "scale NaN", scale: s64(nan), wantErr: distributions.ErrParam, wantName: "scale", wantIdx: []int{}},
		{name: "nil scale", scale: nil, wantErr: distributions.ErrParam, wantMsg: []string{"scale"}},
		{name: "float32 value, float64 scale", scale: s64(1), x: f32(1), wantErr: distributions.ErrDType},
		{name: "value below 0", scale: f64(1, 2), x: sh(f64(0, 1, 2, -3), 2, 2), wantErr: distributions.ErrSupport, wantName: "value", wantIdx: []int{1, 1},
			wantMsg: []string{"half_cauchy", "value", ">= 0"}},
		{name: "value (4) vs batch (3)", scale: f64(1, 2, 3), x: f64(1, 1, 1, 1), wantErr: distributions.ErrShape},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := distributions.NewHalfCauchy(tc.scale)
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
				assert.Equal(t, "half_cauchy", ce.Family)
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
		d := must(distributions.NewHalfCauchy(s64(1)))
		_, err := d.CDF(f64(-1))
		require.ErrorIs(t, err, distributions.ErrSupport)
		_, err = d.ICDF(f64(-0.1))
		require.ErrorIs(t, err, distributions.ErrSupport)
	})
	t.Run("spec", func(t *testing.T) {
		t.Parallel()
		_, err := distributions.Build([]byte(`{"family": "HalfCauchy", "params": {"scale": 1, "loc": 0}}`))
		require.ErrorIs(t, err, distributions.ErrUnsupported)
		_, err = distributions.Build([]byte(`{"family": "HalfCauchy", "params": {}}`))
		require.ErrorIs(t, err, distributions.ErrParam)
		d, err := distributions.Build([]byte(`{"family": "HalfCauchy", "params": {"scale": 2}}`))
		require.NoError(t, err)
		assert.IsType(t, &distributions.HalfCauchy{}, d)
	})
}

func TestHalfCauchyMoments(t *testing.T) {
	t.Parallel()
	inf := math.Inf(1)
	scale := f64(1e-300, 1, 1.1955, 1e300)
	d := must(distributions.NewHalfCauchy(scale))
	for _, m := range []struct {
		name string
		f    func() (*tensor.Dense, error)
		want []float64
	}{
		{"mean", d.Mean, []float64{inf, inf, inf, inf}}, // torch's convention: the integral diverges
		{"variance", d.Variance, []float64{inf, inf, inf, inf}},
		{"stddev", d.StdDev, []float64{inf, inf, inf, inf}},
		{"mode", d.Mode, []float64{0, 0, 0, 0}},
		{"entropy", d.Entropy, []float64{-688.9376508318044, 1.8378770664093456, 2.016441574325588, 692.6134049646231}}, // mpmath: log(2πσ)
	} {
		got, err := m.f()
		require.NoError(t, err, m.name)
		require.Equal(t, []int{4}, shapeOf(got), m.name)
		close(t, m.want, data64(t, got), tol64, 0)
	}
}

func TestHalfCauchyCDFAndICDF(t *testing.T) {
	t.Parallel()
	t.Run("cdf vs gonum", func(t *testing.T) {
		t.Parallel()
		scale, x := sh(f64(0.5, 1, 3), 3, 1), f64(0.5, 2, 6, 100)
		d := must(distributions.NewHalfCauchy(scale))
		got, err := d.CDF(x)
		require.NoError(t, err)
		want := halfCauchyOracle(t, x, scale, []int{3, 4}, func(x, s float64) float64 {
			return 2*distuv.StudentsT{Sigma: s, Nu: 1}.CDF(x) - 1
		})
		close(t, want, data64(t, got), 1e-14, 0) // 2F - 1 loses nothing at these x (F ≥ 0.6)
	})
	t.Run("cdf tails", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewHalfCauchy(f64(1, 1, 1, 2, 0.5, 1.5, 1)))
		got, err := d.CDF(f64(1e-300, 1e300, 1, 1e-10, 1e10, 3.7, 0))
		require.NoError(t, err)
		close(t, []float64{6.366197723675814e-301, 1, 0.5, 3.183098861837907e-11, 0.999999999968169, 0.7548011159732199, 0}, // mpmath
			data64(t, got), tol64, 0)
		u, err := must(distributions.NewHalfCauchy(s64(1), distributions.WithValidation(false))).CDF(f64(-1, math.Inf(1)))
		require.NoError(t, err)
		close(t, []float64{0, 1}, data64(t, u), 0, 0)
	})
	t.Run("icdf tails", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewHalfCauchy(f64(1, 1, 1, 1, 2, 0.3, 1, 1, 1, 1)))
		got, err := d.ICDF(f64(1e-300, 1e-10, 1-0x1p-53, 0.5, 0.999, 1-1e-15, 0.25, 0.75, 0, 1))
		require.NoError(t, err)
		// σ·tan(πu/2) loses 1-u near the pole; the quantile through 1-u keeps it
		close(t, []float64{1.5707963267948968e-300, 1.5707963267948967e-10, 5734161139222659.0, 1, 1273.2384975374382, // mpmath
			191138704640755.28, 0.41421356237309503, 2.414213562373095, 0, math.Inf(1)}, data64(t, got), 1e-15, 0)
		u, err := must(distributions.NewHalfCauchy(s64(1), distributions.WithValidation(false))).ICDF(f64(-0.5, 1.5, math.NaN()))
		require.NoError(t, err)
		close(t, []float64{math.NaN(), math.NaN(), math.NaN()}, data64(t, u), 0, 0)
	})
	t.Run("icdf vs gonum and round trip", func(t *testing.T) {
		t.Parallel()
		// u ≥ 0.2: below, gonum's quantile at (1+u)/2 loses u to rounding
		// (6.5e-12 at u = 0.001); the tails are tested against mpmath above
		scale, u := sh(f64(0.5, 1, 3), 3, 1), f64(0.2, 0.5, 0.7, 0.9, 0.999)
		d := must(distributions.NewHalfCauchy(scale))
		q, err := d.ICDF(u)
		require.NoError(t, err)
		want := halfCauchyOracle(t, u, scale, []int{3, 5}, func(u, s float64) float64 {
			return distuv.StudentsT{Sigma: s, Nu: 1}.Quantile((1 + u) / 2)
		})
		close(t, want, data64(t, q), 1e-12, 0) // gonum inverts the incomplete beta iteratively: measured 1.1e-13
		c, err := d.CDF(q)
		require.NoError(t, err)
		close(t, bcast(data64(t, u), []int{5}, []int{3, 5}), data64(t, c), 1e-14, 0)
	})
}

// halfCauchyGradCase is a scale of shape sShape against a value of shape
// xShape, broadcasting to out.
type halfCauchyGradCase struct {
	name           string
	xShape, sShape []int
	out            []int
	upstreamShape  []int // nil: out
}

// halfCauchyRefSum is Σ w·log p(x) over the broadcast from the gonum
// oracle, the function the finite differences differentiate.
func halfCauchyRefSum(c halfCauchyGradCase, x, scale, w []float64) float64 {
	xs, ss := bcast(x, c.xShape, c.out), bcast(scale, c.sShape, c.out)
	var s float64
	for i := range xs {
		lp := halfCauchyStudentLogProb(xs[i], ss[i])
		if w != nil {
			lp *= w[i]
		}
		s += lp
	}
	return s
}

func TestHalfCauchyLogProbGrad(t *testing.T) {
	t.Parallel()
	cases := []halfCauchyGradCase{
		{name: "scale (3,1), x (2,1,4)", xShape: []int{2, 1, 4}, sShape: []int{3, 1}, out: []int{2, 3, 4}},
		{name: "scale (4), x (3,1)", xShape: []int{3, 1}, sShape: []int{4}, out: []int{3, 4}, upstreamShape: []int{3, 1}},
		{name: "scale scalar, x (6)", xShape: []int{6}, sShape: []int{}, out: []int{6}},
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
				r := rand.New(rand.NewPCG(uint64(k), 19))
				x, scale := make([]float64, sizeOf(c.xShape)), make([]float64, sizeOf(c.sShape))
				for i := range x {
					x[i] = 0.05 + 6*r.Float64() // both branches, z ≤ 1 and z > 1
				}
				for i := range scale {
					scale[i] = 0.5 + 1.5*r.Float64()
				}
				d := must(distributions.NewHalfCauchy(must(tensor.New(scale, c.sShape...))))
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
				close(t, []float64{halfCauchyRefSum(c, x, scale, w)}, []float64{g.LogProb}, 1e-13, 0)
				require.Equal(t, c.xShape, shapeOf(g.Value))
				require.Len(t, g.Params, 1)
				require.Equal(t, c.sShape, shapeOf(g.Params["scale"]))
				wantX := centralDiff(func(v []float64) float64 { return halfCauchyRefSum(c, v, scale, w) }, x, 1e-5)
				wantS := centralDiff(func(v []float64) float64 { return halfCauchyRefSum(c, x, v, w) }, scale, 1e-5)
				requireFinite(t, wantX)
				requireFinite(t, wantS)
				gotX, gotS := data64(t, g.Value), data64(t, g.Params["scale"])
				close(t, wantX, gotX, gradTol, gradTol)
				close(t, wantS, gotS, gradTol, gradTol)
				t.Logf("max rel err vs central differences: x %.2g, scale %.2g", maxRelErr(wantX, gotX, 1), maxRelErr(wantS, gotS, 1))
			})
		}
	}
	t.Run("analytic partials, both branches", func(t *testing.T) {
		t.Parallel()
		// ∂/∂x = -2z/(σ(1+z²)), ∂/∂σ = (z²-1)/(σ(1+z²)): at σ = 2, x = 1
		// (z = ½) -0.4 and -0.3; at x = 4 (z = 2) -0.4 and 0.3; at x = 0,
		// 0 and -½; the scale's partials sum to -½.
		g, err := must(distributions.NewHalfCauchy(s64(2))).LogProbGrad(f64(1, 4, 0))
		require.NoError(t, err)
		close(t, []float64{-0.4, -0.4, 0}, data64(t, g.Value), tol64, 0)
		close(t, []float64{-0.5}, data64(t, g.Params["scale"]), tol64, 0)
	})
	t.Run("far tail", func(t *testing.T) {
		t.Parallel()
		// z = 1e200: z² overflows, the partials do not: ∂/∂x = -2/(x(1+r²))
		// = -2e-200, ∂/∂σ = (1-r²)/(σ(1+r²)) = 1.
		g, err := must(distributions.NewHalfCauchy(s64(1))).LogProbGrad(s64(1e200))
		require.NoError(t, err)
		close(t, []float64{-2e-200}, data64(t, g.Value), tol64, 0)
		close(t, []float64{1}, data64(t, g.Params["scale"]), tol64, 0)
	})
	t.Run("below the support", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewHalfCauchy(s64(2), distributions.WithValidation(false)))
		g, err := d.LogProbGrad(f64(-1, -3))
		require.NoError(t, err)
		assert.Equal(t, math.Inf(-1), g.LogProb)
		close(t, []float64{0, 0}, data64(t, g.Value), 0, 0)
		close(t, []float64{0}, data64(t, g.Params["scale"]), 0, 0) // Pyro's masked_fill passes no gradient
	})
}

func TestHalfCauchyFloat32(t *testing.T) {
	t.Parallel()
	scale32 := sh(f32(0.5, 1, 2.5), 3, 1)
	x32 := sh(to32(f64(seq(0, 9, 8)...)), 2, 1, 4)
	u32 := f32(0.001, 0.2, 0.5, 0.9)
	d32, d64 := must(distributions.NewHalfCauchy(scale32)), must(distributions.NewHalfCauchy(to64(scale32)))
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
	for name, m := range map[string]func(*distributions.HalfCauchy) (*tensor.Dense, error){
		"mean": (*distributions.HalfCauchy).Mean, "variance": (*distributions.HalfCauchy).Variance,
		"stddev": (*distributions.HalfCauchy).StdDev, "mode": (*distributions.HalfCauchy).Mode,
		"entropy": (*distributions.HalfCauchy).Entropy,
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
	close(t, data64(t, g64.Params["scale"]), data64(t, g32.Params["scale"]), tol32, 0)
}

func TestHalfCauchySampleKS(t *testing.T) {
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
			d := must(distributions.NewHalfCauchy(tc.scale))
			x, err := d.Sample(rand.NewPCG(tc.seed, 0xca), nDraws)
			require.NoError(t, err)
			require.Equal(t, append([]int{nDraws}, d.BatchShape()...), shapeOf(x))
			require.Equal(t, tc.scale.Dtype(), x.Dtype())
			for i, v := range data64(t, x) {
				require.True(t, v >= 0, "draw %d is %v", i, v)
			}
			scales := bcast(data64(t, tc.scale), shapeOf(tc.scale), d.BatchShape())
			for j, p := range halfNormalKS(t, d, x, d.BatchShape()) { // KS through the family's CDF
				t.Logf("HalfCauchy(%g): KS p = %.3g", scales[j], p)
				assert.GreaterOrEqual(t, p, pCritical, "HalfCauchy(%g)", scales[j])
			}
		})
	}
	t.Run("power", func(t *testing.T) {
		// The test rejects a slightly wrong sampler: HalfCauchy(1) draws
		// tested as HalfCauchy(1.04) or HalfCauchy(0.96).
		t.Parallel()
		x, err := must(distributions.NewHalfCauchy(s64(1))).Sample(rand.NewPCG(1, 0xca), nDraws)
		require.NoError(t, err)
		for _, alt := range []float64{1.04, 0.96} {
			p := halfNormalKS(t, must(distributions.NewHalfCauchy(s64(alt))), x, nil)[0]
			t.Logf("HalfCauchy(1) draws as HalfCauchy(%g): KS p = %.3g", alt, p)
			assert.Less(t, p, pCritical)
		}
	})
}

func TestHalfCauchySampleShapesAndSeeds(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewHalfCauchy(sh(f64(0.5, 1, 2), 3, 1)))
	for _, c := range []struct{ sample, want []int }{
		{nil, []int{3, 1}}, {[]int{4}, []int{4, 3, 1}}, {[]int{2, 5}, []int{2, 5, 3, 1}},
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
	_, err = d.Sample(rand.NewPCG(1, 2), 3, -1)
	require.ErrorIs(t, err, distributions.ErrShape)
	draw := func(seed uint64) []float64 {
		x, err := d.Sample(rand.NewPCG(seed, 3), 100)
		require.NoError(t, err)
		return data64(t, x)
	}
	a, b, c := draw(1), draw(1), draw(2)
	assert.Equal(t, a, b, "same seed, same draws")
	assert.NotEqual(t, a, c, "another seed, other draws")
	// Reparameterisation: the draws scale with σ, bit for bit when σ is a
	// power of two.
	d4 := must(distributions.NewHalfCauchy(sh(f64(2, 4, 8), 3, 1)))
	x4, err := d4.Sample(rand.NewPCG(1, 3), 100)
	require.NoError(t, err)
	for i, v := range data64(t, x4) {
		require.Equal(t, 4*a[i], v, "element %d", i)
	}
}

func TestHalfCauchySampleGOMAXPROCS(t *testing.T) {
	const n = 1_000_000
	require.Greater(t, n, tensor.ParallelMin)
	d := must(distributions.NewHalfCauchy(f64(0.5, 3)))
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

func TestHalfCauchyExpand(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewHalfCauchy(f64(0.5, 2)))
	e, err := distributions.ExpandBy(d, []int{3})
	require.NoError(t, err)
	hc, ok := e.(*distributions.HalfCauchy)
	require.True(t, ok, "native Expand keeps the family")
	assert.Equal(t, []int{3, 2}, hc.BatchShape())
	assert.Same(t, d.Scale(), hc.Scale())
	lp, err := hc.LogProb(s64(1))
	require.NoError(t, err)
	close(t, bcast([]float64{halfCauchyStudentLogProb(1, 0.5), halfCauchyStudentLogProb(1, 2)}, []int{2}, []int{3, 2}), data64(t, lp), 1e-13, 0)
	_, err = distributions.Expand(d, []int{3})
	require.ErrorIs(t, err, distributions.ErrShape)
}

func TestHalfCauchyGoldenCases(t *testing.T) {
	t.Parallel()
	n := 0
	for _, c := range loadCases(t, goldenDir, "") {
		if !strings.HasPrefix(c.name, "half_cauchy/") {
			continue
		}
		n++
		st, reason := runCase(c)
		t.Logf("%s: %s %s", c.name, st, reason)
		if st != casePassed {
			t.Errorf("%s: %s (%s)", c.name, st, reason)
		}
	}
	assert.GreaterOrEqual(t, n, 3)
}

func FuzzHalfCauchy(f *testing.F) {
	for _, c := range [][2]float64{
		{1, 0}, {1, 1}, {0, 1}, {-1, 1}, {math.NaN(), 1}, {1, math.NaN()}, {1, -1}, {1e-300, 1e300},
		{1e300, 1e-300}, {math.Inf(1), 1}, {1, math.Inf(1)}, {5e-324, 5e-324}, {1, 1e155}, {1.1955, 1.4611},
	} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, scale, x float64) {
		d, err := distributions.NewHalfCauchy(f64(scale))
		if !(scale > 0) {
			require.ErrorIs(t, err, distributions.ErrParam)
			var ce *distributions.ConstraintError
			require.ErrorAs(t, err, &ce)
			require.Equal(t, "scale", ce.Name)
			u, err := distributions.NewHalfCauchy(f64(scale), distributions.WithValidation(false))
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
		if !math.IsInf(scale, 1) && !math.IsInf(x, 1) {
			// the density is positive everywhere on [0, ∞): never NaN or -Inf
			// for finite inputs, however far the tail (partials may overflow,
			// -1/σ at σ = 5e-324, but never turn NaN)
			require.False(t, math.IsNaN(got) || math.IsInf(got, 0), "log HalfCauchy(%v | %v) = %v", x, scale, got)
			require.False(t, math.IsNaN(data64(t, g.Value)[0]) || math.IsNaN(data64(t, g.Params["scale"])[0]))
		}
		if z := x / scale; z < 1e6 && scale > 1e-100 && scale < 1e100 {
			want := halfCauchyStudentLogProb(x, scale)
			abs := 1e-14 * (math.Abs(math.Log(scale)) + 2*math.Abs(math.Log1p(z)) + 1)
			close(t, []float64{want}, []float64{got}, 1e-13, abs)
			q := 1 + z*z
			s := 1e-13 / scale
			close(t, []float64{-2 * z / (scale * q)}, data64(t, g.Value), 1e-13, s)
			close(t, []float64{(z*z - 1) / (scale * q)}, data64(t, g.Params["scale"]), 1e-13, s)
		}
	})
}

func ExampleHalfCauchy() {
	d, err := distributions.NewHalfCauchy(tensor.Vector(1.0, 2.0))
	if err != nil {
		log.Fatal(err)
	}
	lp, err := d.LogProb(tensor.Scalar(1.0))
	if err != nil {
		log.Fatal(err)
	}
	q, err := d.ICDF(tensor.Scalar(0.5)) // the median is σ
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%.4f\n%.4f\n", lp.Float64s(), q.Float64s())
	// Output:
	// [-1.1447 -1.3679]
	// [1.0000 2.0000]
}
