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

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Reference values marked "mpmath" were computed with mpmath at 60 digits
// from the exact binary value of each float64 input, as the density of
// σ(Y), Y ~ LogitRelaxedBernoulli(τ, ℓ) (Maddison et al. 2017, eq. 26):
// log τ + d - 2·log(1+e^d) - log x - log(1-x), d = ℓ - τ·log(x/(1-x)),
// ℓ = log(p/(1-p)) for probs; then rounded once.

var (
	_ distributions.Distribution  = (*distributions.RelaxedBernoulli)(nil)
	_ distributions.RSampler      = (*distributions.RelaxedBernoulli)(nil)
	_ distributions.LogProbGrader = (*distributions.RelaxedBernoulli)(nil)
	_ distributions.LogProbIntoer = (*distributions.RelaxedBernoulli)(nil)
)

func TestRelaxedBernoulliHasNoMoments(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewRelaxedBernoulli(s64(0.5), s64(0.3)))
	for name, ok := range map[string]bool{
		"mean": is[distributions.Meaner](d), "variance": is[distributions.Variancer](d),
		"stddev": is[distributions.StdDever](d), "mode": is[distributions.Moder](d),
		"entropy": is[distributions.Entropier](d), "cdf": is[distributions.CDFer](d), "icdf": is[distributions.ICDFer](d),
	} {
		assert.False(t, ok, "torch 1.13's RelaxedBernoulli has no %s", name)
	}
}

func is[C any](d any) bool {
	_, ok := d.(C)
	return ok
}

// relaxedBernoulliXs are the values of the mpmath table: both tails,
// 1e-300 and 1-2⁻⁵³ included.
var relaxedBernoulliXs = []float64{1e-300, 1e-10, 0.01, 0.3, 0.5, 0.9, 1 - 0x1p-40, 1 - 0x1p-53}

func TestRelaxedBernoulliLogProb(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		tau, p float64
		logits bool
		want   []float64 // at relaxedBernoulliXs; mpmath
	}{
		{"τ 0.05, logit 0", 0.05, 0, true, []float64{653.24101922974903, 18.32928632517535, 0.22002585800121167,
			-2.8218275488986736, -2.9957322735539909, -1.9770968822211893, 22.897573485096448, 31.60856087969128}},
		{"τ 0.5, logit -2", 0.5, -2, true, []float64{346.69461676854691, 12.819630508897843, 2.5137246873106762,
			-1.0846757305539901, -1.5607088415259997, -1.4720615167742534, 11.169796172508774, 15.675253101426628}},
		{"τ 1, logit 3", 1, 3, true, []float64{-3.0, -2.9999999998099574, -2.9809048748306351, -2.3288758355541757,
			-1.7108803420275935, 0.86468811063470338, 2.9999999999652836, 2.9999999999999958}},
		{"τ 1, logit -700", 1, -700, true, []float64{681.55085861261722, -653.94829814011909, -690.78965962802382,
			-697.59205439134813, -698.61370563888011, -699.78927896868435, -699.99999999999818, -700.0}},
		{"τ 2, logit 0.5", 2, 0.5, true, []float64{-690.58238071765376, -22.832703749080511, -4.3819957631758843,
			-0.15204821699381296, 0.63128757331962257, -0.83365676117269068, -26.532740041835139, -35.543653389117156}},
		{"τ 10, logit -1", 10, -1, true, []float64{-6213.6771659909293, -203.93007327537007, -38.033392886510261,
			-3.6108819063105071, 2.0623560790774906, -18.261715071927292, -248.23039990857626, -329.32862003409987}},
		{"τ 0.5, logit 40", 0.5, 40, true, []float64{304.69461676854691, -29.180221715439717, -38.375486583785647,
			-39.556148362488879, -39.306852819440055, -37.186589283239963, 0.89568365302831856, 14.412053673149316}},
		{"τ 0.7, probs 1e-10", 0.7, 1e-10, false, []float64{229.90183435536587, 15.759421706483359, -15.550721461831937,
			-21.228769623605399, -21.996231512859299, -22.51263746930563, -15.064759707058298, -12.361485702876057}},
		{"τ 0.7, probs 0.25", 0.7, 0.25, false, []float64{207.97459571419352, 7.6496920238816053, 1.9134249702387104,
			-0.24553625948449711, -0.64435701639051337, -0.72370330432710306, 6.8624789316305221, 9.5657529382917643}},
		{"τ 1.5, probs 0.999", 1.5, 0.999, false, []float64{-351.88905361964724, -18.014215135260617, -8.7787509563114842,
			-6.2121503274075789, -5.1169963100876647, -0.85084369004850934, -6.5507237244399172, -11.056180398081833}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := relaxedBernoulliNew(t, s64(tc.tau), s64(tc.p), tc.logits)
			got, err := d.LogProb(f64(relaxedBernoulliXs...))
			require.NoError(t, err)
			require.Equal(t, []int{len(relaxedBernoulliXs)}, shapeOf(got))
			close(t, tc.want, data64(t, got), tol64, 0)
		})
	}
	t.Run("broadcast (3,1) temperature with (4) logits", func(t *testing.T) {
		t.Parallel()
		tau, l, x := sh(f64(0.3, 1, 4), 3, 1), f64(-2, -0.1, 0.7, 5), sh(f64(0.2, 0.6), 2, 1, 1)
		d := must(distributions.NewRelaxedBernoulliLogits(tau, l))
		require.Equal(t, []int{3, 4}, d.BatchShape())
		got := must(d.LogProb(x))
		out := []int{2, 3, 4}
		require.Equal(t, out, shapeOf(got))
		xs, ts, ls := bcast(data64(t, x), []int{2, 1, 1}, out), bcast(data64(t, tau), []int{3, 1}, out), bcast(data64(t, l), []int{4}, out)
		want := make([]float64, len(xs))
		for i := range want {
			want[i] = relaxedBernoulliRef(xs[i], ts[i], ls[i])
		}
		close(t, want, data64(t, got), 1e-14, 0)
	})
	t.Run("the ends", func(t *testing.T) {
		t.Parallel()
		// x = 0 and 1: log p tends to +Inf for τ < 1, -Inf for τ > 1, and
		// to ∓ℓ for τ = 1, where p(x) = e^ℓ/(x + e^ℓ(1-x))².
		inf := math.Inf(1)
		d := must(distributions.NewRelaxedBernoulliLogits(sh(f64(0.5, 1, 1, 2), 4, 1), sh(f64(1, 1, -3, 1), 4, 1)))
		got := data64(t, must(d.LogProb(f64(0, 1))))
		close(t, []float64{inf, inf, -1, 1, 3, -3, -inf, -inf}, got, 0, 0)
		// probs 0 and 1: the point masses at 0 and 1
		m := must(distributions.NewRelaxedBernoulli(s64(0.5), sh(f64(0, 1), 2, 1)))
		got = data64(t, must(m.LogProb(f64(0, 0.5, 1))))
		close(t, []float64{inf, -inf, -inf, -inf, -inf, inf}, got, 0, 0)
	})
	t.Run("off the support without validation", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewRelaxedBernoulli(s64(0.5), s64(0.3), distributions.WithValidation(false)))
		got := data64(t, must(d.LogProb(f64(-0.1, 1.5, math.Inf(-1), math.NaN()))))
		close(t, []float64{math.Inf(-1), math.Inf(-1), math.Inf(-1), math.NaN()}, got, 0, 0) // the density is 0 there
	})
	t.Run("accessors", func(t *testing.T) {
		t.Parallel()
		tau, p := s64(0.5), f64(0, 0.25, 0.5, 1)
		d := must(distributions.NewRelaxedBernoulli(tau, p))
		assert.Same(t, tau, d.Temperature())
		assert.Same(t, p, d.Probs())
		close(t, []float64{math.Inf(-1), -1.0986122886681098, 0, math.Inf(1)}, data64(t, d.Logits()), tol64, 0) // log(1/3)
		l := f32(-2, 3)
		dl := must(distributions.NewRelaxedBernoulliLogits(s32(0.5), l))
		assert.Same(t, l, dl.Logits())
		require.Equal(t, tensor.Float32, dl.Probs().Dtype())
		close(t, []float64{0.11920292202211756, 0.95257412682243322}, data64(t, dl.Probs()), tol32, 0) // mpmath
	})
}

// relaxedBernoulliRef is the density of the paper's form (Maddison et al.
// 2017, eq. 26), τ·α·x^(-τ-1)·(1-x)^(-τ-1) / (α·x^-τ + (1-x)^-τ)² with
// α = e^ℓ, in logs: the tests' own reference for moderate arguments.
func relaxedBernoulliRef(x, tau, l float64) float64 {
	a := -tau * math.Log(x)
	b := -tau * math.Log1p(-x)
	m := max(l+a, b)
	lse := m + math.Log(math.Exp(l+a-m)+math.Exp(b-m))
	return math.Log(tau) + l + (a+b)*(tau+1)/tau - 2*lse
}

// relaxedBernoulliNew builds the logits form when logits, else the probs
// form.
func relaxedBernoulliNew(t testing.TB, tau, p *tensor.Dense, logits bool, opts ...distributions.Option) *distributions.RelaxedBernoulli {
	t.Helper()
	if logits {
		return must(distributions.NewRelaxedBernoulliLogits(tau, p, opts...))
	}
	return must(distributions.NewRelaxedBernoulli(tau, p, opts...))
}

func TestRelaxedBernoulliErrors(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	tests := []struct {
		name      string
		tau, p    *tensor.Dense
		logits    bool
		x         *tensor.Dense // nil: the constructor must fail
		wantErr   error
		wantName  string // the ConstraintError's Name, if one
		wantIndex []int
	}{
		{name: "temperature 0", tau: f64(1, 0), p: s64(0.3), wantErr: distributions.ErrParam, wantName: "temperature", wantIndex: []int{1}},
		{name: "temperature -1 at (1, 0)", tau: sh(f64(1, 2, -1, 3), 2, 2), p: s64(0.3), wantErr: distributions.ErrParam, wantName: "temperature", wantIndex: []int{1, 0}},
		{name: "temperature NaN", tau: s64(nan), p: s64(0.3), logits: true, wantErr: distributions.ErrParam, wantName: "temperature", wantIndex: []int{}},
		{name: "probs 1.5", tau: s64(0.5), p: f64(0.5, 1.5), wantErr: distributions.ErrParam, wantName: "probs", wantIndex: []int{1}},
		{name: "probs -0.1", tau: s64(0.5), p: f64(-0.1), wantErr: distributions.ErrParam, wantName: "probs", wantIndex: []int{0}},
		{name: "logits NaN", tau: s64(0.5), p: f64(0, nan), logits: true, wantErr: distributions.ErrParam, wantName: "logits", wantIndex: []int{1}},
		{name: "nil temperature", tau: nil, p: s64(0.3), wantErr: distributions.ErrParam},
		{name: "temperature (3) vs probs (2)", tau: f64(1, 2, 3), p: f64(0.1, 0.2), wantErr: distributions.ErrShape},
		{name: "float32 temperature, float64 probs", tau: f32(1), p: f64(0.5), wantErr: distributions.ErrDType},
		{name: "value 1.5", tau: s64(0.5), p: s64(0.3), x: f64(0, 1.5), wantErr: distributions.ErrSupport, wantName: "value", wantIndex: []int{1}},
		{name: "value NaN, logits", tau: s64(0.5), p: s64(0.3), logits: true, x: f64(nan), wantErr: distributions.ErrSupport, wantName: "value", wantIndex: []int{0}},
		{name: "value (4) vs batch (3)", tau: s64(0.5), p: f64(0.1, 0.2, 0.3), x: f64(0.1, 0.1, 0.1, 0.1), wantErr: distributions.ErrShape},
		{name: "float32 value", tau: s64(0.5), p: s64(0.3), x: f32(0.5), wantErr: distributions.ErrDType},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var (
				d   *distributions.RelaxedBernoulli
				err error
			)
			if tc.logits {
				d, err = distributions.NewRelaxedBernoulliLogits(tc.tau, tc.p)
			} else {
				d, err = distributions.NewRelaxedBernoulli(tc.tau, tc.p)
			}
			if tc.x != nil {
				require.NoError(t, err)
				_, err = d.LogProb(tc.x)
				_, gerr := d.LogProbGrad(tc.x)
				require.ErrorIs(t, gerr, tc.wantErr)
				require.ErrorIs(t, d.LogProbInto(nil, tc.x), tc.wantErr) // the value is checked first
			} else {
				require.Nil(t, d)
			}
			require.ErrorIs(t, err, tc.wantErr)
			for _, other := range []error{distributions.ErrParam, distributions.ErrShape, distributions.ErrSupport, distributions.ErrDType} {
				if other != tc.wantErr {
					require.NotErrorIs(t, err, other)
				}
			}
			assert.Contains(t, err.Error(), "relaxed_bernoulli")
			if tc.wantName != "" {
				var ce *distributions.ConstraintError
				require.ErrorAs(t, err, &ce)
				assert.Equal(t, "relaxed_bernoulli", ce.Family)
				assert.Equal(t, tc.wantName, ce.Name)
				assert.Equal(t, tc.wantIndex, ce.Index)
			}
		})
	}
	t.Run("without validation", func(t *testing.T) {
		t.Parallel()
		d, err := distributions.NewRelaxedBernoulli(f64(-1, 0.5), f64(0.3, 2), distributions.WithValidation(false))
		require.NoError(t, err)
		got := data64(t, must(d.LogProb(s64(0.5))))
		close(t, []float64{math.NaN(), math.NaN()}, got, 0, 0) // log of a negative τ; logit of p = 2
	})
	t.Run("spec", func(t *testing.T) {
		t.Parallel()
		for spec, want := range map[string]error{
			`{"family": "RelaxedBernoulli", "params": {"temperature": 0.5, "probs": 0.3, "logits": 0}}`: distributions.ErrParam,
			`{"family": "RelaxedBernoulli", "params": {"temperature": 0.5}}`:                            distributions.ErrParam,
			`{"family": "RelaxedBernoulli", "params": {"probs": 0.3}}`:                                  distributions.ErrParam,
			`{"family": "RelaxedBernoulli", "params": {"temperature": 0, "probs": 0.3}}`:                distributions.ErrParam,
			`{"family": "RelaxedBernoulli", "params": {"temperature": 1, "probs": 0.3, "lims": 1}}`:     distributions.ErrUnsupported,
		} {
			_, err := distributions.Build([]byte(spec))
			require.ErrorIs(t, err, want, spec)
		}
		d, err := distributions.Build([]byte(`{"family": "RelaxedBernoulli", "params": {"temperature": 0.5, "logits": {"shape": [2], "data": [0, 1]}}}`))
		require.NoError(t, err)
		assert.Equal(t, []int{2}, d.BatchShape())
		assert.True(t, distributions.HasRSample(d))
	})
}

// relaxedBernoulliGradCase is one form over a temperature of shape tShape,
// a parameter of shape pShape and a value of shape xShape.
type relaxedBernoulliGradCase struct {
	name                   string
	logits                 bool
	xShape, tShape, pShape []int
	out                    []int
	upstreamShape          []int // nil: out
}

// relaxedBernoulliRefSum is Σ w·log p(x) by relaxedBernoulliRef, which the
// finite differences differentiate.
func relaxedBernoulliRefSum(c relaxedBernoulliGradCase, x, tau, par, w []float64) float64 {
	xs, ts, ps := bcast(x, c.xShape, c.out), bcast(tau, c.tShape, c.out), bcast(par, c.pShape, c.out)
	var s float64
	for i := range xs {
		l := ps[i]
		if !c.logits {
			l = math.Log(l / (1 - l))
		}
		lp := relaxedBernoulliRef(xs[i], ts[i], l)
		if w != nil {
			lp *= w[i]
		}
		s += lp
	}
	return s
}

func TestRelaxedBernoulliLogProbGrad(t *testing.T) {
	t.Parallel()
	cases := []relaxedBernoulliGradCase{
		{name: "probs (3,1), τ (4), x (2,1,4)", xShape: []int{2, 1, 4}, tShape: []int{4}, pShape: []int{3, 1}, out: []int{2, 3, 4}},
		{name: "probs (4), τ scalar, x (3,1)", xShape: []int{3, 1}, tShape: []int{}, pShape: []int{4}, out: []int{3, 4}, upstreamShape: []int{3, 1}},
		{name: "logits (3,1), τ (3,1), x (2,1,4)", logits: true, xShape: []int{2, 1, 4}, tShape: []int{3, 1}, pShape: []int{3, 1}, out: []int{2, 3, 4}},
		{name: "logits (2,3,4), τ scalar, x scalar", logits: true, xShape: []int{}, tShape: []int{}, pShape: []int{2, 3, 4}, out: []int{2, 3, 4}, upstreamShape: []int{4}},
	}
	var worst float64
	for k, c := range cases {
		for _, vjp := range []bool{false, true} {
			r := rand.New(rand.NewPCG(uint64(k), 17))
			fill := func(shp []int, lo, hi float64) []float64 {
				v := make([]float64, sizeOf(shp))
				for i := range v {
					v[i] = lo + (hi-lo)*r.Float64()
				}
				return v
			}
			x, tau := fill(c.xShape, 0.02, 0.98), fill(c.tShape, 0.2, 3)
			par := fill(c.pShape, 0.05, 0.95)
			if c.logits {
				par = fill(c.pShape, -4, 4)
			}
			pname := "probs"
			if c.logits {
				pname = "logits"
			}
			d := relaxedBernoulliNew(t, must(tensor.New(tau, c.tShape...)), must(tensor.New(par, c.pShape...)), c.logits)
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
				u := seq(-1.5, 2.5, sizeOf(us))
				for i := range u {
					u[i] += 0.05
				}
				w = bcast(u, us, c.out)
				g, err = d.LogProbVJP(xt, must(tensor.New(u, us...)))
			} else {
				g, err = d.LogProbGrad(xt)
			}
			require.NoError(t, err, c.name)
			close(t, []float64{relaxedBernoulliRefSum(c, x, tau, par, w)}, []float64{g.LogProb}, 1e-13, 0)
			require.Equal(t, c.xShape, shapeOf(g.Value))
			require.Len(t, g.Params, 2)
			require.Equal(t, c.tShape, shapeOf(g.Params["temperature"]))
			require.Equal(t, c.pShape, shapeOf(g.Params[pname]))
			wantX := centralDiff(func(v []float64) float64 { return relaxedBernoulliRefSum(c, v, tau, par, w) }, x, 1e-5)
			wantT := centralDiff(func(v []float64) float64 { return relaxedBernoulliRefSum(c, x, v, par, w) }, tau, 1e-5)
			wantP := centralDiff(func(v []float64) float64 { return relaxedBernoulliRefSum(c, x, tau, v, w) }, par, 1e-5)
			for _, v := range [][]float64{wantX, wantT, wantP} {
				requireFinite(t, v)
			}
			gotX, gotT, gotP := data64(t, g.Value), data64(t, g.Params["temperature"]), data64(t, g.Params[pname])
			close(t, wantX, gotX, gradTol, gradTol)
			close(t, wantT, gotT, gradTol, gradTol)
			close(t, wantP, gotP, gradTol, gradTol)
			worst = max(worst, maxRelErr(wantX, gotX, 1), maxRelErr(wantT, gotT, 1), maxRelErr(wantP, gotP, 1))
		}
	}
	t.Logf("max rel err vs central differences: %.2g", worst)
	t.Run("golden", func(t *testing.T) {
		// relaxed_bernoulli/probs-scalar (torch's autograd, checked by mpmath)
		d := must(distributions.NewRelaxedBernoulli(s64(1.5372), s64(0.5597)))
		g := must(d.LogProbGrad(s64(0.8467)))
		close(t, []float64{-0.7707475987452851, 3.3747895862379886},
			[]float64{data64(t, g.Params["temperature"])[0], data64(t, g.Params["probs"])[0]}, 1e-13, 0)
	})
	t.Run("the ends", func(t *testing.T) {
		// τ = 1: log p = ℓ - 2·log(x + e^ℓ(1-x)), ∂/∂x = -2(1-e^ℓ)/(x + e^ℓ(1-x)):
		// 2 - 2e^-ℓ at 0 and 2e^ℓ - 2 at 1; ∂/∂ℓ = ∓1; ∂/∂τ = -Inf.
		d := must(distributions.NewRelaxedBernoulliLogits(s64(1), s64(1)))
		g := must(d.LogProbGrad(f64(0, 1)))
		close(t, []float64{2 - 2*math.Exp(-1), 2*math.E - 2}, data64(t, g.Value), tol64, 0)
		close(t, []float64{0}, data64(t, g.Params["logits"]), 0, 0)
		assert.Equal(t, math.Inf(-1), data64(t, g.Params["temperature"])[0])
		// an infinite log p has zero partials
		d = must(distributions.NewRelaxedBernoulliLogits(s64(0.5), s64(1)))
		g = must(d.LogProbGrad(f64(0, 0.5)))
		assert.Equal(t, math.Inf(1), g.LogProb)
		requireFinite(t, data64(t, g.Value))
		requireFinite(t, data64(t, g.Params["temperature"]))
	})
}

// TestRelaxedBernoulliFloat32 evaluates both forms in float32 and float64
// on the same inputs; the kernel computes in float64 and rounds once, so
// tol32.
func TestRelaxedBernoulliFloat32(t *testing.T) {
	t.Parallel()
	x32 := sh(to32(f64(seq(0.01, 0.99, 8)...)), 2, 1, 4)
	tau32 := f32(0.3, 0.7, 1.5, 4)
	for _, f := range []struct {
		name   string
		logits bool
		param  *tensor.Dense
	}{
		{"probs", false, sh(f32(0.05, 0.5, 0.7), 3, 1)},
		{"logits", true, sh(f32(-4, 0.001, 3), 3, 1)},
	} {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			pname := "probs"
			if f.logits {
				pname = "logits"
			}
			d32 := relaxedBernoulliNew(t, tau32, f.param, f.logits)
			d64 := relaxedBernoulliNew(t, to64(tau32), to64(f.param), f.logits)
			a, b := must(d32.LogProb(x32)), must(d64.LogProb(to64(x32)))
			require.Equal(t, tensor.Float32, a.Dtype())
			require.Equal(t, shapeOf(b), shapeOf(a))
			close(t, data64(t, b), data64(t, a), tol32, 0)
			g32, g64 := must(d32.LogProbGrad(x32)), must(d64.LogProbGrad(to64(x32)))
			close(t, []float64{g64.LogProb}, []float64{g32.LogProb}, tol32, 0)
			close(t, data64(t, g64.Value), data64(t, g32.Value), tol32, 0)
			for _, p := range []string{"temperature", pname} {
				require.Equal(t, tensor.Float32, g32.Params[p].Dtype())
				close(t, data64(t, g64.Params[p]), data64(t, g32.Params[p]), tol32, 0)
			}
		})
	}
}

// relaxedBernoulliCDFRef is P(X ≤ x) = P(Y ≤ logit x) = σ(τ·logit(x) - ℓ),
// Y's logistic CDF (Maddison et al. 2017, §3.3): the tests' own CDF, as
// torch has none.
func relaxedBernoulliCDFRef(x, tau, l float64) float64 {
	return 1 / (1 + math.Exp(l-tau*(math.Log(x)-math.Log1p(-x))))
}

// relaxedBernoulliKS returns the KS p-value of column j of a sample of
// shape (n, batch...) against RelaxedBernoulli(τ, ℓ).
func relaxedBernoulliKS(data []float64, j, stride int, tau, l float64) float64 {
	n := len(data) / stride
	col := make([]float64, n)
	for i := range col {
		col[i] = data[i*stride+j]
	}
	return ksPValue(ksStatistic(col, func(x float64) float64 { return relaxedBernoulliCDFRef(x, tau, l) }), n)
}

func TestRelaxedBernoulliSampleKS(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		tau, p *tensor.Dense
		logits bool
		seed   uint64
	}{
		{"τ 0.5, probs 0.3", s64(0.5), s64(0.3), false, 1},
		// at small τ many draws lie beyond float64's resolution at 1 and are
		// clipped to 1-eps, as in torch: at τ 0.25, logit 1.5 that is
		// P(L > 7.5) = 5.5e-4 of them, well below KS's resolution here
		{"τ 0.25, logits 1.5", s64(0.25), s64(1.5), true, 2},
		{"τ 3, logits -1", s64(3), s64(-1), true, 3},
		{"batch: τ (2,1), probs (2)", sh(f64(0.2, 1), 2, 1), f64(0.05, 0.8), false, 4},
		{"float32 τ 0.7, logits 0.5", s32(0.7), s32(0.5), true, 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := relaxedBernoulliNew(t, tc.tau, tc.p, tc.logits)
			x, err := d.Sample(rand.NewPCG(tc.seed, 0x4b), nDraws)
			require.NoError(t, err)
			batch := d.BatchShape()
			require.Equal(t, append([]int{nDraws}, batch...), shapeOf(x))
			require.Equal(t, d.Dtype(), x.Dtype())
			data := data64(t, x)
			for _, v := range data {
				require.True(t, v > 0 && v < 1, "draw %v", v)
			}
			taus := bcast(data64(t, d.Temperature()), shapeOf(d.Temperature()), batch)
			ls := bcast(data64(t, d.Logits()), shapeOf(tc.p), batch)
			for j := range taus {
				p := relaxedBernoulliKS(data, j, len(taus), taus[j], ls[j])
				t.Logf("RelaxedBernoulli(τ %.3g, logit %.4g): KS p = %.3g", taus[j], ls[j], p)
				assert.GreaterOrEqual(t, p, pCritical)
			}
		})
	}
	t.Run("power", func(t *testing.T) {
		// The test rejects a slightly wrong sampler: draws at τ 0.5, logit
		// 0 tested at logit 0.05 and at τ 0.53.
		t.Parallel()
		d := must(distributions.NewRelaxedBernoulliLogits(s64(0.5), s64(0)))
		data := data64(t, must(d.Sample(rand.NewPCG(1, 0x4b), nDraws)))
		for _, alt := range [][2]float64{{0.5, 0.05}, {0.53, 0}} {
			p := relaxedBernoulliKS(slices.Clone(data), 0, 1, alt[0], alt[1])
			t.Logf("τ 0.5, logit 0 draws as τ %g, logit %g: KS p = %.3g", alt[0], alt[1], p)
			assert.Less(t, p, pCritical)
		}
	})
}

func TestRelaxedBernoulliSampleShapes(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewRelaxedBernoulli(s64(0.5), sh(f64(0.1, 0.5, 0.9), 3, 1)))
	for _, c := range []struct{ sample, want []int }{
		{nil, []int{3, 1}}, {[]int{4}, []int{4, 3, 1}}, {[]int{2, 5}, []int{2, 5, 3, 1}},
	} {
		x := must(d.Sample(rand.NewPCG(1, 2), c.sample...))
		assert.Equal(t, c.want, shapeOf(x))
		y := must(d.RSample(rand.NewPCG(1, 2), c.sample...))
		assert.Equal(t, data64(t, x), data64(t, y), "Sample is RSample")
	}
	_, err := d.Sample(nil, 4)
	require.ErrorIs(t, err, distributions.ErrNilSource)
	_, err = d.RSample(rand.NewPCG(1, 2), -1)
	require.ErrorIs(t, err, distributions.ErrShape)
	a := data64(t, must(d.Sample(rand.NewPCG(1, 3), 100)))
	assert.Equal(t, a, data64(t, must(d.Sample(rand.NewPCG(1, 3), 100))), "same seed, same draws")
	assert.NotEqual(t, a, data64(t, must(d.Sample(rand.NewPCG(2, 3), 100))), "another seed, other draws")

	// Reparameterisation: the draws are σ((L + ℓ)/τ) with the logistic
	// noise L = logit(x₀) that τ = 1, ℓ = 0 draws from the same seed.
	std := must(distributions.NewRelaxedBernoulli(s64(1), must(tensor.Full(0.5, 3, 1))))
	x0 := data64(t, must(std.RSample(rand.NewPCG(1, 3), 100)))
	ls := bcast(data64(t, d.Logits()), []int{3, 1}, []int{100, 3, 1})
	for i, v := range x0 {
		want := 1 / (1 + math.Exp(-(math.Log(v/(1-v))+ls[i])/0.5))
		// logit(x₀) round-trips through σ: |L|·ε relative, |L| < 37
		close(t, []float64{want}, []float64{a[i]}, 1e-13, 0)
	}

	t.Run("draws stay inside (0, 1)", func(t *testing.T) {
		// At τ = 0.001 most draws would round to 0 or 1; torch clips them
		// to [tiny, 1-eps] of the dtype, and so does RSample, in float32 too.
		for _, p := range []*tensor.Dense{f64(0.3, 0.7), f32(0.3, 0.7)} {
			tau := s64(0.001)
			tiny, top := 0x1p-1022, 1-0x1p-52
			if p.Dtype() == tensor.Float32 {
				tau, tiny, top = s32(0.001), 0x1p-126, 1-0x1p-23
			}
			x := data64(t, must(must(distributions.NewRelaxedBernoulli(tau, p)).Sample(rand.NewPCG(3, 4), 1000)))
			var lo, hi int
			for _, v := range x {
				require.True(t, v >= tiny && v <= top, "draw %v", v)
				if v == tiny {
					lo++
				}
				if v == top {
					hi++
				}
			}
			assert.Positive(t, lo, "some draws clipped at tiny")
			assert.Positive(t, hi, "some draws clipped at 1-eps")
		}
	})
}

// TestRelaxedBernoulliSampleGOMAXPROCS requires the same bits from one and
// from two goroutines above tensor.ParallelMin; it switches GOMAXPROCS, so
// it is not parallel.
func TestRelaxedBernoulliSampleGOMAXPROCS(t *testing.T) {
	const n = 1_000_000
	require.Greater(t, n, tensor.ParallelMin)
	d := must(distributions.NewRelaxedBernoulliLogits(f64(0.2, 0.5, 1, 3), f64(-3, 0.5, 2, 40)))
	draw := func(procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		return data64(t, must(d.Sample(rand.NewPCG(42, 43), n/4)))
	}
	one, two := draw(1), draw(2)
	require.Len(t, one, n)
	assert.True(t, slices.Equal(one, two), "draws depend on GOMAXPROCS")
}

func TestRelaxedBernoulliExpand(t *testing.T) {
	t.Parallel()
	tau, p := s64(0.5), sh(f64(0.2, 0.7), 2, 1)
	d := must(distributions.NewRelaxedBernoulli(tau, p))
	e, err := distributions.Expand(d, []int{3, 2, 4})
	require.NoError(t, err)
	re, ok := e.(*distributions.RelaxedBernoulli)
	require.True(t, ok, "native Expand")
	assert.Equal(t, []int{3, 2, 4}, re.BatchShape())
	assert.Same(t, p, re.Probs(), "the parameters are shared")
	assert.Same(t, tau, re.Temperature())
	x := s64(0.4)
	want := bcast(data64(t, must(d.LogProb(x))), []int{2, 1}, []int{3, 2, 4})
	close(t, want, data64(t, must(re.LogProb(x))), 0, 0)
	_, err = distributions.Expand(d, []int{3})
	require.ErrorIs(t, err, distributions.ErrShape)
}

// TestRelaxedBernoulliGoldenCases runs the golden cases of the family
// (relaxed_bernoulli.json, errors.json) through the conformance runner:
// each must pass.
func TestRelaxedBernoulliGoldenCases(t *testing.T) {
	t.Parallel()
	n := 0
	for _, c := range loadCases(t, goldenDir, "") {
		if !strings.HasPrefix(c.name, "relaxed_bernoulli/") && !strings.HasPrefix(c.name, "errors/relaxed-bernoulli") {
			continue
		}
		n++
		st, reason := runCase(c)
		t.Logf("%s: %s %s", c.name, st, reason)
		if st != casePassed {
			t.Errorf("%s: %s (%s)", c.name, st, reason)
		}
	}
	assert.Equal(t, 4, n)
}

func FuzzRelaxedBernoulli(f *testing.F) {
	for _, c := range [][3]float64{
		{0.5, 0.3, 0.5}, {1, 0, 0}, {1, 1, 1}, {0.5, 0.3, 0}, {2, 0.3, 1}, {1, 0.3, 0}, {0, 0.3, 0.5},
		{-1, 0.3, 0.5}, {math.NaN(), 0.3, 0.5}, {0.5, 1.5, 0.5}, {0.5, math.NaN(), 0.5}, {0.5, 0.3, 1.5},
		{0.5, 0.3, math.NaN()}, {1e-300, 0.3, 0.5}, {1e300, 0.3, 0.5}, {0.5, 800, 1e-300}, {0.5, -800, 1 - 0x1p-53},
		{math.Inf(1), 0.3, 0.5}, {0.05, 0.5, 5e-324},
	} {
		f.Add(c[0], c[1], c[2])
	}
	off := distributions.WithValidation(false)
	f.Fuzz(func(t *testing.T, tau, p, x float64) {
		inUnit := x >= 0 && x <= 1
		for _, logits := range []bool{false, true} {
			d, err := newRelaxedBernoulliE(s64(tau), s64(p), logits)
			pOK := !math.IsNaN(p) && (logits || p >= 0 && p <= 1)
			if !(tau > 0) || !pOK {
				require.ErrorIs(t, err, distributions.ErrParam)
				var ce *distributions.ConstraintError
				require.ErrorAs(t, err, &ce)
				// unvalidated, the same parameters never panic either
				u := relaxedBernoulliNew(t, s64(tau), s64(p), logits, off)
				_, err = u.LogProb(s64(x))
				require.NoError(t, err)
				_, err = u.LogProbGrad(s64(x))
				require.NoError(t, err)
				_, err = u.Sample(rand.NewPCG(1, 2), 3)
				require.NoError(t, err)
				continue
			}
			require.NoError(t, err)
			lp, err := d.LogProb(s64(x))
			g, gerr := d.LogProbGrad(s64(x))
			if !inUnit {
				require.ErrorIs(t, err, distributions.ErrSupport)
				require.ErrorIs(t, gerr, distributions.ErrSupport)
				continue
			}
			require.NoError(t, err)
			require.NoError(t, gerr)
			got := data64(t, lp)[0]
			close(t, []float64{got}, []float64{g.LogProb}, 0, 0)
			l := p
			if !logits {
				l = math.Log(p) - math.Log1p(-p)
			}
			finite := !math.IsInf(tau, 0) && !math.IsInf(l, 0) && x > 0 && x < 1
			if finite {
				require.False(t, math.IsNaN(got) || math.IsInf(got, 1), "log p(%v | τ %v, %v) = %v", x, tau, p, got)
			}
			if finite && x > 1e-6 && x < 1-1e-6 && tau > 1e-3 && tau < 1e3 && math.Abs(l) < 30 {
				// terms of size up to τ·|log x| + |ℓ| cancel
				want := relaxedBernoulliRef(x, tau, l)
				close(t, []float64{want}, []float64{got}, 1e-12, 1e-14*(tau*14+math.Abs(l)+20))
			}
			for _, v := range append(data64(t, g.Value), data64(t, g.Params["temperature"])...) {
				require.False(t, math.IsNaN(v) && finite, "NaN partial at x %v, τ %v, p %v", x, tau, p)
			}
			s := data64(t, must(d.Sample(rand.NewPCG(1, 2), 8)))
			for _, v := range s {
				// (logit U + ℓ)/τ is ∞/∞, NaN, only for τ = +Inf, p ∈ {0, 1}
				require.True(t, v > 0 && v < 1 || math.IsInf(tau, 1) && math.IsInf(l, 0), "draw %v", v)
			}
		}
	})
}

// newRelaxedBernoulliE is relaxedBernoulliNew returning the error.
func newRelaxedBernoulliE(tau, p *tensor.Dense, logits bool) (*distributions.RelaxedBernoulli, error) {
	if logits {
		return distributions.NewRelaxedBernoulliLogits(tau, p)
	}
	return distributions.NewRelaxedBernoulli(tau, p)
}

func ExampleRelaxedBernoulli() {
	d, err := distributions.NewRelaxedBernoulli(tensor.Scalar(0.5), tensor.Vector(0.2, 0.9))
	if err != nil {
		log.Fatal(err)
	}
	x, err := d.RSample(rand.NewPCG(1, 2), 3) // differentiable draws in (0, 1)
	if err != nil {
		log.Fatal(err)
	}
	lp, err := d.LogProb(tensor.Vector(0.1, 0.95))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(x.Shape())
	fmt.Printf("%.4f\n", lp.Float64s())
	// Output:
	// (3, 2)
	// [0.3079 0.8390]
}
