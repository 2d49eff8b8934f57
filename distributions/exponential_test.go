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
	_ distributions.Distribution  = (*distributions.Exponential)(nil)
	_ distributions.RSampler      = (*distributions.Exponential)(nil)
	_ distributions.LogProbGrader = (*distributions.Exponential)(nil)
	_ distributions.LogProbIntoer = (*distributions.Exponential)(nil)
	_ distributions.CDFer         = (*distributions.Exponential)(nil)
	_ distributions.ICDFer        = (*distributions.Exponential)(nil)
	_ distributions.Meaner        = (*distributions.Exponential)(nil)
	_ distributions.Variancer     = (*distributions.Exponential)(nil)
	_ distributions.StdDever      = (*distributions.Exponential)(nil)
	_ distributions.Moder         = (*distributions.Exponential)(nil)
	_ distributions.Entropier     = (*distributions.Exponential)(nil)
)

// exponentialOracle applies f(x, λ) elementwise over x and rate broadcast
// (by the tests' own bcast) to out.
func exponentialOracle(t testing.TB, x, rate *tensor.Dense, out []int, f func(x, rate float64) float64) []float64 {
	t.Helper()
	xs := bcast(data64(t, x), shapeOf(x), out)
	rs := bcast(data64(t, rate), shapeOf(rate), out)
	want := make([]float64, len(xs))
	for i := range want {
		want[i] = f(xs[i], rs[i])
	}
	return want
}

func exponentialGonumLogProb(x, rate float64) float64 {
	return distuv.Exponential{Rate: rate}.LogProb(x)
}

func TestExponentialLogProb(t *testing.T) {
	t.Parallel()
	inf := math.Inf(1)
	tests := []struct {
		name      string
		rate, x   *tensor.Dense
		wantShape []int
		want      []float64 // nil: gonum's distuv.Exponential over the broadcast
	}{
		{name: "scalar", rate: s64(2.5), x: s64(0.3), wantShape: []int{}, want: []float64{0.1662907318741551}}, // mpmath
		{name: "scalar rate, vector value", rate: s64(1.5), x: f64(0, 0.5, 1, 4, 30), wantShape: []int{5}},
		{name: "rate (3,1) vs value (4)", rate: sh(f64(0.5, 1, 4), 3, 1), x: f64(0, 0.25, 2, 9), wantShape: []int{3, 4}},
		{name: "value (2,1,1) vs rate (3,4)", rate: sh(f64(seq(0.1, 5, 12)...), 3, 4), x: sh(f64(0.7, 3), 2, 1, 1), wantShape: []int{2, 3, 4}},
		{name: "value (2,3,4) vs rate (3,1)", rate: sh(f64(0.5, 1, 4), 3, 1), x: sh(f64(seq(0, 6, 24)...), 2, 3, 4), wantShape: []int{2, 3, 4}},
		{name: "at 0, log of a subnormal rate", rate: s64(5e-324), x: s64(0), wantShape: []int{},
			want: []float64{-744.4400719213812}}, // mpmath; math.Log gives -709.09 here
		{name: "extreme rates", rate: f64(1e300, 1e-300, 1.5, 3, 0.25), x: f64(1e-300, 1e300, 1e300, 5e-324, 700), wantShape: []int{5},
			want: []float64{689.7755278982137, -691.7755278982137, -1.5e300, 1.0986122886681098, -176.3862943611199}}, // mpmath
		{name: "x = +Inf", rate: s64(2), x: s64(inf), wantShape: []int{}, want: []float64{-inf}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := distributions.NewExponential(tc.rate)
			require.NoError(t, err)
			got, err := d.LogProb(tc.x)
			require.NoError(t, err)
			require.Equal(t, tc.wantShape, shapeOf(got))
			require.Equal(t, tensor.Float64, got.Dtype())
			want := tc.want
			if want == nil {
				want = exponentialOracle(t, tc.x, tc.rate, tc.wantShape, exponentialGonumLogProb)
			}
			close(t, want, data64(t, got), tol64, 0)
		})
	}
}

func TestExponentialErrors(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	tests := []struct {
		name      string
		rate, x   *tensor.Dense // x nil: the constructor must fail
		wantErr   error
		wantName  string // the ConstraintError's Name, "" for none
		wantIndex []int
		wantMsg   []string
	}{
		{name: "rate 0", rate: f64(1, 0), wantErr: distributions.ErrParam, wantName: "rate", wantIndex: []int{1},
			wantMsg: []string{"exponential", "rate", "> 0", "[1]"}},
		{name: "rate -2 at (1, 1)", rate: sh(f64(1, 2, 3, -2), 2, 2), wantErr: distributions.ErrParam, wantName: "rate", wantIndex: []int{1, 1},
			wantMsg: []string{"-2", "[1 1]"}},
		{name: "rate NaN", rate: s64(nan), wantErr: distributions.ErrParam, wantName: "rate", wantIndex: []int{}, wantMsg: []string{"NaN"}},
		{name: "rate -Inf", rate: f64(math.Inf(-1)), wantErr: distributions.ErrParam, wantName: "rate", wantIndex: []int{0}},
		{name: "nil rate", rate: nil, wantErr: distributions.ErrParam, wantMsg: []string{"rate"}},
		{name: "negative value", rate: s64(1), x: f64(0, 1, -1e-300), wantErr: distributions.ErrSupport, wantName: "value", wantIndex: []int{2},
			wantMsg: []string{"value", ">= 0"}},
		{name: "NaN value", rate: s64(1), x: f64(nan), wantErr: distributions.ErrSupport, wantName: "value", wantIndex: []int{0}},
		{name: "value (5) vs batch (3, 4)", rate: must(tensor.Full(1.0, 3, 4)), x: f64(0, 1, 2, 3, 4), wantErr: distributions.ErrShape,
			wantMsg: []string{"exponential", "(5", "(3, 4)"}},
		{name: "float32 value, float64 rate", rate: s64(1), x: f32(1), wantErr: distributions.ErrDType},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := distributions.NewExponential(tc.rate)
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
				assert.Equal(t, "exponential", ce.Family)
				assert.Equal(t, tc.wantName, ce.Name)
				assert.Equal(t, tc.wantIndex, ce.Index)
			}
			for _, s := range tc.wantMsg {
				assert.Contains(t, err.Error(), s)
			}
		})
	}
}

func TestExponentialWithoutValidation(t *testing.T) {
	t.Parallel()
	off := distributions.WithValidation(false)
	d, err := distributions.NewExponential(s64(2), off)
	require.NoError(t, err)
	assert.False(t, d.Validating())
	// Below the support the density is 0: log p = -Inf, and flat there.
	lp, err := d.LogProb(f64(-1, -1e-300, 0, math.NaN()))
	require.NoError(t, err)
	close(t, []float64{math.Inf(-1), math.Inf(-1), math.Ln2, math.NaN()}, data64(t, lp), tol64, 0)
	g, err := d.LogProbGrad(f64(-1, 0.25))
	require.NoError(t, err)
	close(t, []float64{0, -2}, data64(t, g.Value), 0, 0)
	close(t, []float64{0.5 - 0.25}, data64(t, g.Params["rate"]), 0, 0)
	c, err := d.CDF(f64(-3, math.Inf(-1)))
	require.NoError(t, err)
	close(t, []float64{0, 0}, data64(t, c), 0, 0)
	q, err := d.ICDF(f64(-0.1, 1.5, math.NaN()))
	require.NoError(t, err)
	close(t, []float64{math.NaN(), math.NaN(), math.NaN()}, data64(t, q), 0, 0)
	// bad rates are accepted and give NaN or ±Inf, never a panic
	bad, err := distributions.NewExponential(f64(0, -1, math.NaN()), off)
	require.NoError(t, err)
	_, err = bad.LogProb(s64(1))
	require.NoError(t, err)
	_, err = bad.LogProbGrad(s64(1))
	require.NoError(t, err)
}

func TestExponentialCDF(t *testing.T) {
	t.Parallel()
	t.Run("exact values", func(t *testing.T) {
		d, err := distributions.NewExponential(f64(2, 1, 0.5, 1e-300, 1, 7))
		require.NoError(t, err)
		got, err := d.CDF(f64(1e-20, 40, 3, 1e-20, 1e-300, 0.1))
		require.NoError(t, err)
		// mpmath; torch's 1 - exp(-λx) gives 0 at the first, fourth and
		// fifth, where -expm1(-λx) keeps full relative precision
		close(t, []float64{2e-20, 1, 0.7768698398515702, 1e-320, 1e-300, 0.5034146962085905}, data64(t, got), tol64, 0)
	})
	t.Run("support ends", func(t *testing.T) {
		d, err := distributions.NewExponential(s64(1.1411))
		require.NoError(t, err)
		got, err := d.CDF(f64(0, math.Inf(1)))
		require.NoError(t, err)
		close(t, []float64{0, 1}, data64(t, got), 0, 0)
	})
	t.Run("broadcast vs gonum", func(t *testing.T) {
		rate, x := sh(f64(0.5, 1, 4), 3, 1), sh(f64(0, 0.1, 1, 2.5, 10), 5, 1, 1)
		d, err := distributions.NewExponential(rate)
		require.NoError(t, err)
		got, err := d.CDF(x)
		require.NoError(t, err)
		out := []int{5, 3, 1}
		require.Equal(t, out, shapeOf(got))
		want := exponentialOracle(t, x, rate, out, func(x, r float64) float64 { return distuv.Exponential{Rate: r}.CDF(x) })
		close(t, want, data64(t, got), tol64, 0)
	})
	t.Run("errors", func(t *testing.T) {
		d, err := distributions.NewExponential(f64(1, 2))
		require.NoError(t, err)
		_, err = d.CDF(f64(-1))
		require.ErrorIs(t, err, distributions.ErrSupport)
		_, err = d.CDF(f64(1, 2, 3))
		require.ErrorIs(t, err, distributions.ErrShape)
		_, err = d.CDF(f32(1))
		require.ErrorIs(t, err, distributions.ErrDType)
	})
}

func TestExponentialICDF(t *testing.T) {
	t.Parallel()
	t.Run("exact values, tails included", func(t *testing.T) {
		d, err := distributions.NewExponential(f64(1, 1, 1, 3, 0.5, 2, 1, 1))
		require.NoError(t, err)
		got, err := d.ICDF(f64(1e-300, 0.5, 1-0x1p-53, 0.999, 1e-17, 0.3, 0, 1))
		require.NoError(t, err)
		want := []float64{1e-300, 0.6931471805599453, 36.7368005696771, 2.3025850929940455, 2e-17, 0.17833747196936617, 0, math.Inf(1)} // mpmath
		close(t, want, data64(t, got), tol64, 0)
	})
	t.Run("inverts CDF", func(t *testing.T) {
		d, err := distributions.NewExponential(sh(f64(0.5, 1, 4), 3, 1))
		require.NoError(t, err)
		u := sh(f64(1e-12, 1e-6, 0.01, 0.3, 0.5, 0.7, 0.99, 1-1e-6), 8, 1, 1)
		x, err := d.ICDF(u)
		require.NoError(t, err)
		require.Equal(t, []int{8, 3, 1}, shapeOf(x))
		back, err := d.CDF(x)
		require.NoError(t, err)
		// Rounding x costs |x·p(x)/F(x)|·ε relative in u, which is at most
		// λx·e^-λx/(1-e^-λx) ≤ 1 ulp: 1e-15 covers three roundings.
		close(t, bcast(data64(t, u), []int{8, 1, 1}, []int{8, 3, 1}), data64(t, back), 1e-15, 0)
	})
	t.Run("u outside [0, 1]", func(t *testing.T) {
		d, err := distributions.NewExponential(s64(1))
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

func TestExponentialMoments(t *testing.T) {
	t.Parallel()
	rate := sh(f64(0.5, 1, 4, 1e-300), 2, 2)
	d, err := distributions.NewExponential(rate)
	require.NoError(t, err)
	require.Equal(t, []int{2, 2}, d.BatchShape())
	require.Equal(t, []int{}, d.EventShape())
	assert.Same(t, rate, d.Rate())
	rs := data64(t, rate)
	apply := func(f func(distuv.Exponential) float64) []float64 {
		out := make([]float64, len(rs))
		for i, r := range rs {
			out[i] = f(distuv.Exponential{Rate: r})
		}
		return out
	}
	for _, tc := range []struct {
		name string
		got  *tensor.Dense
		want []float64
	}{
		{"mean", must(d.Mean()), apply(distuv.Exponential.Mean)},
		{"stddev", must(d.StdDev()), apply(distuv.Exponential.StdDev)},
		{"variance", must(d.Variance()), apply(distuv.Exponential.Variance)}, // 1e600 overflows to +Inf
		{"mode", must(d.Mode()), []float64{0, 0, 0, 0}},
		{"entropy", must(d.Entropy()), []float64{1.6931471805599454, 1, -0.3862943611198906, 691.7755278982137}}, // mpmath
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, []int{2, 2}, shapeOf(tc.got))
			close(t, tc.want, data64(t, tc.got), tol64, 0)
		})
	}
	t.Run("entropy of a subnormal rate", func(t *testing.T) {
		d, err := distributions.NewExponential(s64(5e-324))
		require.NoError(t, err)
		close(t, []float64{745.4400719213812}, data64(t, must(d.Entropy())), tol64, 0) // mpmath
	})
}

func TestExponentialExpand(t *testing.T) {
	t.Parallel()
	d, err := distributions.NewExponential(f64(0.5, 2))
	require.NoError(t, err)
	e, err := d.Expand([]int{3, 2})
	require.NoError(t, err)
	ex, ok := e.(*distributions.Exponential)
	require.True(t, ok, "native Expand keeps the family, got %T", e)
	assert.Equal(t, []int{3, 2}, ex.BatchShape())
	assert.Same(t, d.Rate(), ex.Rate(), "the parameter is shared, not copied")
	lp, err := ex.LogProb(s64(1))
	require.NoError(t, err)
	require.Equal(t, []int{3, 2}, shapeOf(lp))
	want := []float64{math.Log(0.5) - 0.5, math.Log(2) - 2}
	close(t, slices.Concat(want, want, want), data64(t, lp), tol64, 0)
	x, err := ex.Sample(rand.NewPCG(1, 2), 4)
	require.NoError(t, err)
	assert.Equal(t, []int{4, 3, 2}, shapeOf(x))
	_, err = d.Expand([]int{3})
	require.ErrorIs(t, err, distributions.ErrShape)
}

func TestExponentialLogProbInto(t *testing.T) {
	t.Parallel()
	for _, dt := range []string{"f64", "f32"} {
		t.Run(dt, func(t *testing.T) {
			rate, x := sh(f64(0.5, 1, 4), 3, 1), sh(f64(seq(0, 3, 8)...), 2, 1, 4)
			dst := must(tensor.Zeros[float64](2, 3, 4))
			if dt == "f32" {
				rate, x, dst = to32(rate), to32(x), to32(dst)
			}
			d, err := distributions.NewExponential(rate)
			require.NoError(t, err)
			lp, err := d.LogProb(x)
			require.NoError(t, err)
			require.NoError(t, d.LogProbInto(dst, x))
			require.Equal(t, data64(t, lp), data64(t, dst))
			require.ErrorIs(t, d.LogProbInto(must(tensor.Zeros[float64](3, 4)), x), distributions.ErrShape)
		})
	}
}

// exponentialGradCase is an Exponential over rate and a value x, with the
// shape of log_prob.
type exponentialGradCase struct {
	name                string
	xShape, rShape, out []int
	upstreamShape       []int // for the VJP; nil: out
}

// exponentialRefSum is Σ w·(log λ - λx) over the broadcast, the textbook
// density the finite differences differentiate (w nil means ones).
func exponentialRefSum(c exponentialGradCase, x, rate, w []float64) float64 {
	xs, rs := bcast(x, c.xShape, c.out), bcast(rate, c.rShape, c.out)
	s := 0.0
	for i := range xs {
		lp := math.Log(rs[i]) - rs[i]*xs[i]
		if w != nil {
			lp *= w[i]
		}
		s += lp
	}
	return s
}

func TestExponentialLogProbGrad(t *testing.T) {
	t.Parallel()
	cases := []exponentialGradCase{
		{name: "rate (3,1), x (2,1,4)", xShape: []int{2, 1, 4}, rShape: []int{3, 1}, out: []int{2, 3, 4}},
		{name: "rate (4), x (3,1)", xShape: []int{3, 1}, rShape: []int{4}, out: []int{3, 4}, upstreamShape: []int{3, 1}},
		{name: "rate scalar, x (5)", xShape: []int{5}, rShape: []int{}, out: []int{5}},
		{name: "rate (2,3), x scalar", xShape: []int{}, rShape: []int{2, 3}, out: []int{2, 3}, upstreamShape: []int{3}},
	}
	for k, c := range cases {
		for _, vjp := range []bool{false, true} {
			name := c.name
			if vjp {
				name += "/vjp"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				r := rand.New(rand.NewPCG(uint64(k), 11))
				x, rate := make([]float64, sizeOf(c.xShape)), make([]float64, sizeOf(c.rShape))
				for i := range x {
					x[i] = 0.05 + 3*r.Float64() // inside the support, away from 0
				}
				for i := range rate {
					rate[i] = 0.3 + 2*r.Float64()
				}
				d, err := distributions.NewExponential(must(tensor.New(rate, c.rShape...)))
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
						u[i] += 0.1 // no zero weight
					}
					w = bcast(u, us, c.out)
					g, err = d.LogProbVJP(xt, must(tensor.New(u, us...)))
				} else {
					g, err = d.LogProbGrad(xt)
				}
				require.NoError(t, err)
				close(t, []float64{exponentialRefSum(c, x, rate, w)}, []float64{g.LogProb}, 1e-13, 0)
				require.Equal(t, c.xShape, shapeOf(g.Value))
				require.Equal(t, c.rShape, shapeOf(g.Params["rate"]))
				wantX := centralDiff(func(v []float64) float64 { return exponentialRefSum(c, v, rate, w) }, x, 1e-5)
				wantR := centralDiff(func(v []float64) float64 { return exponentialRefSum(c, x, v, w) }, rate, 1e-5)
				requireFinite(t, wantX)
				requireFinite(t, wantR)
				gotX, gotR := data64(t, g.Value), data64(t, g.Params["rate"])
				close(t, wantX, gotX, gradTol, gradTol)
				close(t, wantR, gotR, gradTol, gradTol)
				t.Logf("max rel err vs central differences: x %.2g, rate %.2g", maxRelErr(wantX, gotX, 1), maxRelErr(wantR, gotR, 1))
			})
		}
	}
	t.Run("analytic partials", func(t *testing.T) {
		t.Parallel()
		// ∂/∂x = -λ, ∂/∂λ = 1/λ - x at λ = 4, x = 0.5: exact in binary.
		d, err := distributions.NewExponential(s64(4))
		require.NoError(t, err)
		g, err := d.LogProbGrad(s64(0.5))
		require.NoError(t, err)
		close(t, []float64{-4, -0.25}, []float64{data64(t, g.Value)[0], data64(t, g.Params["rate"])[0]}, 0, 0)
	})
	t.Run("zero upstream skips -Inf", func(t *testing.T) {
		t.Parallel()
		d, err := distributions.NewExponential(s64(2), distributions.WithValidation(false))
		require.NoError(t, err)
		g, err := d.LogProbVJP(f64(-1, 1), f64(0, 1))
		require.NoError(t, err)
		close(t, []float64{math.Log(2) - 2}, []float64{g.LogProb}, tol64, 0)
		close(t, []float64{0, -2}, data64(t, g.Value), 0, 0)
	})
}

// TestExponentialFloat32 evaluates one distribution in float32 and in
// float64 on the same float32-representable inputs; the kernels compute in
// float64 and round once, so they agree to tol32.
func TestExponentialFloat32(t *testing.T) {
	t.Parallel()
	rate32 := sh(f32(0.5, 1, 4), 3, 1)
	x32 := sh(to32(f64(seq(0, 5, 8)...)), 2, 1, 4)
	u32 := sh(f32(0.001, 0.2, 0.5, 0.9, 0.999), 5, 1, 1)
	d32 := must(distributions.NewExponential(rate32))
	d64 := must(distributions.NewExponential(to64(rate32)))
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
	for _, m := range []func(*distributions.Exponential) (*tensor.Dense, error){
		(*distributions.Exponential).Mean, (*distributions.Exponential).Variance, (*distributions.Exponential).StdDev,
		(*distributions.Exponential).Mode, (*distributions.Exponential).Entropy,
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
	require.Equal(t, tensor.Float32, g32.Params["rate"].Dtype())
	close(t, data64(t, g64.Params["rate"]), data64(t, g32.Params["rate"]), tol32, 0)
	x, err := d32.Sample(rand.NewPCG(1, 2), 3)
	require.NoError(t, err)
	require.Equal(t, tensor.Float32, x.Dtype())
}

// exponentialKS is the KS p-value of column j of a sample of shape (n,
// batch...) against Exp(rate), with gonum's CDF.
func exponentialKS(data []float64, j, stride int, rate float64) float64 {
	n := len(data) / stride
	col := make([]float64, n)
	for i := range col {
		col[i] = data[i*stride+j]
	}
	return ksPValue(ksStatistic(col, distuv.Exponential{Rate: rate}.CDF), n)
}

func TestExponentialSampleKS(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		rate *tensor.Dense
		seed uint64
	}{
		{"rate 1", s64(1), 1},
		{"rate 1e-3", s64(1e-3), 2},
		{"rate 250", s64(250), 3},
		{"batch (2,3)", sh(f64(0.1, 0.5, 1, 2, 5, 30), 2, 3), 4},
		{"float32", s32(1.5), 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := must(distributions.NewExponential(tc.rate))
			x, err := d.Sample(rand.NewPCG(tc.seed, 0x5eed), nDraws)
			require.NoError(t, err)
			batch := d.BatchShape()
			require.Equal(t, append([]int{nDraws}, batch...), shapeOf(x))
			require.Equal(t, tc.rate.Dtype(), x.Dtype())
			data, rates := data64(t, x), data64(t, tc.rate)
			for _, v := range data {
				require.True(t, v >= 0 && !math.IsInf(v, 0), "draw %v outside [0, ∞)", v)
			}
			for j, r := range rates {
				p := exponentialKS(data, j, len(rates), r)
				t.Logf("Exp(%g): KS p = %.3g", r, p)
				assert.GreaterOrEqual(t, p, pCritical, "Exp(%g)", r)
			}
		})
	}
	t.Run("power", func(t *testing.T) {
		// Exp(1) draws tested as Exp(1.03) or Exp(0.97) are rejected.
		t.Parallel()
		x, err := must(distributions.NewExponential(s64(1))).Sample(rand.NewPCG(1, 0x5eed), nDraws)
		require.NoError(t, err)
		for _, alt := range []float64{1.03, 0.97} {
			p := exponentialKS(data64(t, x), 0, 1, alt)
			t.Logf("Exp(1) draws as Exp(%g): KS p = %.3g", alt, p)
			assert.Less(t, p, pCritical)
		}
	})
}

func TestExponentialSampleShapesAndSeeds(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewExponential(sh(f64(0.5, 1, 2), 3, 1)))
	for _, c := range []struct{ sample, want []int }{
		{nil, []int{3, 1}}, {[]int{4}, []int{4, 3, 1}}, {[]int{2, 0}, []int{2, 0, 3, 1}},
	} {
		x, err := d.Sample(rand.NewPCG(1, 2), c.sample...)
		require.NoError(t, err)
		assert.Equal(t, c.want, shapeOf(x))
		y, err := d.RSample(rand.NewPCG(1, 2), c.sample...)
		require.NoError(t, err)
		assert.Equal(t, data64(t, x), data64(t, y), "Sample is RSample")
	}
	_, err := d.Sample(nil, 4)
	require.ErrorIs(t, err, distributions.ErrNilSource)
	_, err = d.RSample(rand.NewPCG(1, 2), -1)
	require.ErrorIs(t, err, distributions.ErrShape)
	draw := func(seed uint64) []float64 { return data64(t, must(d.Sample(rand.NewPCG(seed, 3), 200))) }
	a, b, c := draw(1), draw(1), draw(2)
	assert.Equal(t, a, b, "same seed, same draws")
	assert.NotEqual(t, a, c, "another seed, other draws")
	// Reparameterisation: x = E/λ with the E that Exp(1) draws from the
	// same seed, bit for bit.
	e := data64(t, must(must(distributions.NewExponential(must(tensor.Full(1.0, 3, 1)))).RSample(rand.NewPCG(1, 3), 200)))
	lam := bcast([]float64{0.5, 1, 2}, []int{3, 1}, []int{200, 3, 1})
	for i := range e {
		require.Equal(t, e[i]/lam[i], a[i], "element %d", i)
	}
}

// TestExponentialSampleGOMAXPROCS requires the same bits from one and from
// two goroutines above tensor.ParallelMin; not parallel (it sets
// GOMAXPROCS).
func TestExponentialSampleGOMAXPROCS(t *testing.T) {
	const n = 1_000_000
	require.Greater(t, n, tensor.ParallelMin)
	d := must(distributions.NewExponential(f64(0.5, 3)))
	draw := func(procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		return data64(t, must(d.Sample(rand.NewPCG(42, 43), n/2)))
	}
	one, two := draw(1), draw(2)
	require.Len(t, one, n)
	assert.True(t, slices.Equal(one, two), "draws depend on GOMAXPROCS")
}

// TestExponentialGoldenCases runs the golden cases of Exponential through
// the conformance runner: every one of exponential.json and errors.json
// must pass.
func TestExponentialGoldenCases(t *testing.T) {
	t.Parallel()
	n := 0
	for _, c := range loadCases(t, goldenDir, "") {
		if !strings.HasPrefix(c.name, "exponential/") && !strings.HasPrefix(c.name, "errors/exponential-") {
			continue
		}
		n++
		st, reason := runCase(c)
		t.Logf("%s: %s %s", c.name, st, reason)
		assert.Equal(t, casePassed, st, "%s: %s", c.name, reason)
	}
	assert.GreaterOrEqual(t, n, 4)
}

func FuzzExponential(f *testing.F) {
	for _, c := range [][2]float64{
		{1, 0}, {1, 1}, {0, 1}, {-1, 1}, {math.NaN(), 1}, {1, math.NaN()}, {1, -1}, {2, math.Inf(1)},
		{math.Inf(1), 0}, {5e-324, 0}, {1e300, 1e-300}, {1e-300, 1e300}, {1.5, 1e308},
	} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, rate, x float64) {
		d, err := distributions.NewExponential(f64(rate))
		if !(rate > 0) { // torch: positive
			require.ErrorIs(t, err, distributions.ErrParam)
			var ce *distributions.ConstraintError
			require.ErrorAs(t, err, &ce)
			require.Equal(t, "rate", ce.Name)
			u, err := distributions.NewExponential(f64(rate), distributions.WithValidation(false))
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
		close(t, []float64{got}, []float64{g.LogProb}, 0, 0)
		if !math.IsInf(rate, 0) && !math.IsInf(x, 0) {
			require.False(t, math.IsNaN(got), "log Exp(%v | %v) is NaN", x, rate)
			// log λ and λx are each within an ulp or so
			want := logRef(rate) - rate*x
			close(t, []float64{want}, []float64{got}, 1e-15, 1e-15*(math.Abs(logRef(rate))+rate*x))
			close(t, []float64{-rate}, data64(t, g.Value), 0, 0)
			close(t, []float64{1/rate - x}, data64(t, g.Params["rate"]), 0, 0)
		}
		if !math.IsInf(rate, 0) { // at λ = ∞, λ·0 is NaN: a point mass at 0 has no density
			c := data64(t, must(d.CDF(f64(x))))[0]
			require.True(t, c >= 0 && c <= 1, "cdf %v", c)
		}
	})
}

func ExampleExponential_ICDF() {
	d, err := distributions.NewExponential(tensor.Scalar(2.0))
	if err != nil {
		log.Fatal(err)
	}
	q, err := d.ICDF(tensor.Vector(0.0, 0.5, 1e-300, 1.0))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(q.Float64s())
	// Output:
	// [0 0.34657359027997264 5e-301 +Inf]
}
