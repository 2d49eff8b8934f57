package distributions_test

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/enumerate"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Reference values marked "mpmath" were computed with mpmath at 50 digits
// from the exact binary value of each float64 input, then rounded once.

var (
	_ distributions.Distribution      = (*distributions.Bernoulli)(nil)
	_ distributions.SupportEnumerator = (*distributions.Bernoulli)(nil)
	_ distributions.LogProbGrader     = (*distributions.Bernoulli)(nil)
	_ distributions.LogProbIntoer     = (*distributions.Bernoulli)(nil)
	_ distributions.Meaner            = (*distributions.Bernoulli)(nil)
	_ distributions.Variancer         = (*distributions.Bernoulli)(nil)
	_ distributions.StdDever          = (*distributions.Bernoulli)(nil)
	_ distributions.Moder             = (*distributions.Bernoulli)(nil)
	_ distributions.Entropier         = (*distributions.Bernoulli)(nil)
)

func TestBernoulliIsNotReparameterised(t *testing.T) {
	t.Parallel()
	d, err := distributions.NewBernoulli(s64(0.5))
	require.NoError(t, err)
	_, ok := any(d).(distributions.RSampler)
	assert.False(t, ok, "a discrete family has no RSample")
}

// bernoulliLogits are the logits of the exact tables below.
var bernoulliLogits = []float64{-800, -40, -5, -1, 0, 1, 5, 40, 800}

func TestBernoulliLogProb(t *testing.T) {
	t.Parallel()
	inf := math.Inf(1)
	tests := []struct {
		name      string
		probs     *tensor.Dense // probs form, or
		logits    *tensor.Dense // logits form
		x         *tensor.Dense
		wantShape []int
		want      []float64 // nil: gonum's distuv.Bernoulli over the broadcast (probs form)
	}{
		{name: "p 0.3", probs: s64(0.3), x: f64(0, 1), wantShape: []int{2},
			want: []float64{-0.35667494393873234, -1.2039728043259361}}, // mpmath
		{name: "p exactly 0", probs: s64(0), x: f64(0, 1), wantShape: []int{2}, want: []float64{0, -inf}},
		{name: "p exactly 1", probs: s64(1), x: f64(0, 1), wantShape: []int{2}, want: []float64{-inf, 0}},
		{name: "p 1e-300", probs: s64(1e-300), x: f64(0, 1), wantShape: []int{2},
			want: []float64{-1e-300, -690.7755278982137}}, // mpmath
		{name: "p 1e-10 and 0.999", probs: f64(1e-10, 0.999), x: sh(f64(0, 1), 2, 1), wantShape: []int{2, 2},
			want: []float64{-1.00000000005e-10, -6.907755278982136, -23.025850929940457, -0.0010005003335835344}}, // mpmath
		{name: "probs (3,1) vs value (2)", probs: sh(f64(0.2, 0.5, 0.8), 3, 1), x: f64(1, 0), wantShape: []int{3, 2}},
		{name: "probs (3) vs value (2,1,3)", probs: f64(0.25, 0.4, 0.65), x: sh(f64(0, 1, 1, 1, 0, 0), 2, 1, 3), wantShape: []int{2, 1, 3}},
		{name: "logits, x = 0", logits: f64(bernoulliLogits...), x: s64(0), wantShape: []int{9},
			want: []float64{0, -4.248354255291589e-18, -0.006715348489118068, -0.3132616875182228, // mpmath
				-0.6931471805599453, -1.3132616875182228, -5.006715348489118, -40, -800}},
		{name: "logits, x = 1", logits: f64(bernoulliLogits...), x: s64(1), wantShape: []int{9},
			want: []float64{-800, -40, -5.006715348489118, -1.3132616875182228, // mpmath
				-0.6931471805599453, -0.3132616875182228, -0.006715348489118068, -4.248354255291589e-18, 0}},
		{name: "logits ±Inf", logits: f64(inf, -inf), x: sh(f64(0, 1), 2, 1), wantShape: []int{2, 2},
			want: []float64{-inf, 0, 0, -inf}},
		{name: "logits (2,1) vs value (3)", logits: sh(f64(-1, 5), 2, 1), x: f64(1, 0, 1), wantShape: []int{2, 3},
			want: []float64{-1.3132616875182228, -0.3132616875182228, -1.3132616875182228, // mpmath
				-0.006715348489118068, -5.006715348489118, -0.006715348489118068}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var (
				d   *distributions.Bernoulli
				err error
			)
			if tc.logits != nil {
				d, err = distributions.NewBernoulliLogits(tc.logits)
			} else {
				d, err = distributions.NewBernoulli(tc.probs)
			}
			require.NoError(t, err)
			got, err := d.LogProb(tc.x)
			require.NoError(t, err)
			require.Equal(t, tc.wantShape, shapeOf(got))
			want := tc.want
			if want == nil {
				xs := bcast(data64(t, tc.x), shapeOf(tc.x), tc.wantShape)
				ps := bcast(data64(t, tc.probs), shapeOf(tc.probs), tc.wantShape)
				want = make([]float64, len(xs))
				for i := range want {
					want[i] = distuv.Bernoulli{P: ps[i]}.LogProb(xs[i])
				}
			}
			g := data64(t, got)
			close(t, want, g, tol64, 0)
			for i, v := range g {
				assert.False(t, math.IsNaN(v), "[%d] is NaN", i)
			}
		})
	}
}

func TestBernoulliErrors(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	tests := []struct {
		name          string
		probs, logits *tensor.Dense
		x             *tensor.Dense // nil: the constructor must fail
		wantErr       error
		wantName      string // the ConstraintError's Name, if one
		wantIndex     []int
	}{
		{name: "probs 1.5", probs: f64(0.5, 1.5), wantErr: distributions.ErrParam, wantName: "probs", wantIndex: []int{1}},
		{name: "probs -0.1", probs: sh(f64(0.5, 0.5, -0.1, 1), 2, 2), wantErr: distributions.ErrParam, wantName: "probs", wantIndex: []int{1, 0}},
		{name: "probs NaN", probs: s64(nan), wantErr: distributions.ErrParam, wantName: "probs", wantIndex: []int{}},
		{name: "probs +Inf", probs: f64(math.Inf(1)), wantErr: distributions.ErrParam, wantName: "probs", wantIndex: []int{0}},
		{name: "logits NaN", logits: f64(0, 800, nan), wantErr: distributions.ErrParam, wantName: "logits", wantIndex: []int{2}},
		{name: "nil probs", probs: nil, wantErr: distributions.ErrParam},
		{name: "int64 probs", probs: tensor.Vector[int64](0, 1), wantErr: distributions.ErrDType},
		{name: "value 0.5", probs: s64(0.3), x: f64(0, 0.5), wantErr: distributions.ErrSupport, wantName: "value", wantIndex: []int{1}},
		{name: "value 2", probs: s64(0.3), x: f64(2), wantErr: distributions.ErrSupport, wantName: "value", wantIndex: []int{0}},
		{name: "value -1, logits", logits: s64(0.3), x: f64(1, 0, -1), wantErr: distributions.ErrSupport, wantName: "value", wantIndex: []int{2}},
		{name: "value NaN", probs: s64(0.3), x: f64(nan), wantErr: distributions.ErrSupport, wantName: "value", wantIndex: []int{0}},
		{name: "value (5) vs batch (3,4)", probs: must(tensor.Full(0.5, 3, 4)), x: f64(0, 1, 0, 1, 0), wantErr: distributions.ErrShape},
		{name: "value (2,4) vs batch (4,1)", logits: sh(f64(0, 1, 2, 3), 4, 1), x: must(tensor.Zeros[float64](2, 4)), wantErr: distributions.ErrShape},
		{name: "float64 value, float32 probs", probs: f32(0.5), x: f64(1), wantErr: distributions.ErrDType},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var (
				d   *distributions.Bernoulli
				err error
			)
			if tc.logits != nil {
				d, err = distributions.NewBernoulliLogits(tc.logits)
			} else {
				d, err = distributions.NewBernoulli(tc.probs)
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
			assert.Contains(t, err.Error(), "bernoulli")
			if tc.wantName != "" {
				var ce *distributions.ConstraintError
				require.ErrorAs(t, err, &ce)
				assert.Equal(t, "bernoulli", ce.Family)
				assert.Equal(t, tc.wantName, ce.Name)
				assert.Equal(t, tc.wantIndex, ce.Index)
				assert.Contains(t, err.Error(), tc.wantName)
			}
		})
	}
	t.Run("without validation", func(t *testing.T) {
		t.Parallel()
		off := distributions.WithValidation(false)
		d, err := distributions.NewBernoulli(f64(1.5, nan), off)
		require.NoError(t, err)
		_, err = d.LogProb(s64(1))
		require.NoError(t, err)
		d, err = distributions.NewBernoulli(s64(0.25), off)
		require.NoError(t, err)
		// a value off the support is scored by the same formula (torch's
		// relaxed use): ½·log ¼ + ½·log ¾
		lp, err := d.LogProb(f64(0.5))
		require.NoError(t, err)
		close(t, []float64{0.5*math.Log(0.25) + 0.5*math.Log(0.75)}, data64(t, lp), tol64, 0)
		_, err = d.LogProb(f64(0, 1, 0))
		require.NoError(t, err)
		_, err = d.LogProb(f32(1))
		require.ErrorIs(t, err, distributions.ErrDType, "dtypes are checked without validation too")
	})
}

func TestBernoulliMoments(t *testing.T) {
	t.Parallel()
	nan, ln2 := math.NaN(), math.Ln2
	// probs form, mpmath
	probs := []float64{0, 1e-300, 1e-10, 0.3, 0.5, 0.999, 1}
	pVar := []float64{0, 1e-300, 9.999999999e-11, 0.21, 0.25, 0.000999000000000001, 0}
	pStd := []float64{0, 1e-150, 9.9999999995e-06, 0.458257569495584, 0.5, 0.03160696125855823, 0}
	pEnt := []float64{0, 6.917755278982137e-298, 2.4025850929890456e-09, 0.6108643020548935, ln2, 0.007907255112232094, 0}
	pMode := []float64{0, 0, 0, 0, nan, 1, 1}
	// logits form, mpmath; ±Inf last
	logits := append(slices.Clone(bernoulliLogits), math.Inf(1), math.Inf(-1))
	lMean := []float64{0, 4.248354255291589e-18, 0.0066928509242848554, 0.2689414213699951, 0.5,
		0.7310585786300049, 0.9933071490757152, 1, 1, 1, 0}
	lVar := []float64{0, 4.248354255291589e-18, 0.006648056670790155, 0.19661193324148185, 0.25,
		0.19661193324148185, 0.006648056670790155, 4.248354255291589e-18, 0, 0, 0}
	lEnt := []float64{0, 1.7418252446695514e-16, 0.04017960311054235, 0.5822031088882179, ln2,
		0.5822031088882179, 0.04017960311054235, 1.7418252446695514e-16, 0, 0, 0}
	lMode := []float64{0, 0, 0, 0, nan, 1, 1, 1, 1, 1, 0}

	dp, err := distributions.NewBernoulli(f64(probs...))
	require.NoError(t, err)
	dl, err := distributions.NewBernoulliLogits(f64(logits...))
	require.NoError(t, err)
	tests := []struct {
		name string
		got  *tensor.Dense
		want []float64
	}{
		{"probs/mean", must(dp.Mean()), probs},
		{"probs/variance", must(dp.Variance()), pVar},
		{"probs/stddev", must(dp.StdDev()), pStd},
		{"probs/mode", must(dp.Mode()), pMode},
		{"probs/entropy", must(dp.Entropy()), pEnt},
		{"probs/probs", dp.Probs(), probs},
		{"logits/mean", must(dl.Mean()), lMean},
		{"logits/variance", must(dl.Variance()), lVar},
		{"logits/mode", must(dl.Mode()), lMode},
		{"logits/entropy", must(dl.Entropy()), lEnt},
		{"logits/probs", dl.Probs(), lMean},
		{"logits/logits", dl.Logits(), logits},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, shapeOf(tc.got), []int{len(tc.want)})
			close(t, tc.want, data64(t, tc.got), tol64, 0)
		})
	}
	t.Run("exact zeros at p in {0, 1}", func(t *testing.T) {
		e := data64(t, must(dp.Entropy()))
		assert.Equal(t, 0.0, e[0])
		assert.Equal(t, 0.0, e[len(e)-1])
		le := data64(t, must(dl.Entropy()))
		for i, l := range logits {
			assert.False(t, math.IsNaN(le[i]) || le[i] < 0, "entropy at logit %v is %v", l, le[i])
		}
	})
	t.Run("logits/stddev", func(t *testing.T) {
		// mpmath: e^(-|ℓ|/2)/(1+e^-|ℓ|), representable at ℓ = ±800 where the
		// variance σ(ℓ)σ(-ℓ) underflows.
		got := data64(t, must(dl.StdDev()))
		close(t, []float64{1.9151695967140057e-174, 2.061153622438558e-09, 0.08153561596498891, 0.44340944198503696, 0.5,
			0.44340944198503696, 0.08153561596498891, 2.061153622438558e-09, 1.9151695967140057e-174, 0, 0}, got, tol64, 0) // then ℓ = ±Inf
		for _, v := range got {
			assert.False(t, math.IsNaN(v) || v < 0)
		}
	})
	t.Run("logits from probs", func(t *testing.T) {
		d, err := distributions.NewBernoulli(f64(0, 0.3, 0.5, 1))
		require.NoError(t, err)
		close(t, []float64{math.Inf(-1), -0.8472978603872037, 0, math.Inf(1)}, data64(t, d.Logits()), tol64, 0) // mpmath
	})
	t.Run("shapes", func(t *testing.T) {
		p := sh(f64(0.1, 0.2, 0.3, 0.4, 0.5, 0.6), 2, 3)
		d, err := distributions.NewBernoulli(p)
		require.NoError(t, err)
		assert.Equal(t, []int{2, 3}, d.BatchShape())
		assert.Equal(t, []int{}, d.EventShape())
		for _, m := range []*tensor.Dense{must(d.Mean()), must(d.Variance()), must(d.StdDev()), must(d.Mode()), must(d.Entropy()), d.Logits()} {
			assert.Equal(t, []int{2, 3}, shapeOf(m))
		}
		assert.Same(t, p, d.Probs())
	})
}

func TestBernoulliEnumerateSupport(t *testing.T) {
	t.Parallel()
	p := sh(f64(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1), 3, 4)
	tests := []struct {
		name      string
		param     *tensor.Dense
		logits    bool
		expand    bool
		wantShape []int
	}{
		{"scalar batch", s64(0.3), false, false, []int{2}},
		{"scalar batch, expanded", s64(0.3), false, true, []int{2}},
		{"batch (3,4)", p, false, false, []int{2, 1, 1}},
		{"batch (3,4), expanded", p, false, true, []int{2, 3, 4}},
		{"logits (4,1)", sh(f64(-800, -1, 2, math.Inf(1)), 4, 1), true, false, []int{2, 1, 1}},
		{"logits (4,1), expanded", sh(f64(-800, -1, 2, math.Inf(1)), 4, 1), true, true, []int{2, 4, 1}},
		{"float32 batch (3,4), expanded", to32(p), false, true, []int{2, 3, 4}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var (
				d   *distributions.Bernoulli
				err error
			)
			if tc.logits {
				d, err = distributions.NewBernoulliLogits(tc.param)
			} else {
				d, err = distributions.NewBernoulli(tc.param)
			}
			require.NoError(t, err)
			s, err := d.EnumerateSupport(tc.expand)
			require.NoError(t, err)
			require.Equal(t, tc.wantShape, shapeOf(s))
			require.Equal(t, tc.param.Dtype(), s.Dtype())
			assert.Equal(t, 2, s.K())
			assert.Same(t, d, s.Owner())
			_, tagged := enumerate.Of(s)
			assert.True(t, tagged)
			half := sizeOf(tc.wantShape) / 2
			want := make([]float64, 2*half)
			for i := half; i < 2*half; i++ {
				want[i] = 1
			}
			require.Equal(t, want, data64(t, s), "zeros, then ones")

			// enumerate, then score: log p(0) = log(1-p) and log p(1) = log p
			// over the whole batch, whether expanded or not.
			lp, err := d.LogProb(s)
			require.NoError(t, err)
			out := append([]int{2}, d.BatchShape()...)
			require.Equal(t, out, shapeOf(lp))
			probs := data64(t, d.Probs()) // widened from float32 if need be
			n := len(probs)
			wantLP := make([]float64, 2*n)
			for i, q := range probs {
				wantLP[i], wantLP[n+i] = math.Log1p(-q), math.Log(q)
				if tc.logits { // exact in the logits' own terms
					l := data64(t, tc.param)[i]
					wantLP[i], wantLP[n+i] = logSigmoid(-l), logSigmoid(l)
				}
			}
			tol := tol64
			if d.Dtype() == tensor.Float32 {
				tol = tol32
			}
			close(t, wantLP, data64(t, lp), tol, 0)
			// the two values' probabilities sum to one
			got := data64(t, lp)
			for i := range n {
				close(t, []float64{1}, []float64{math.Exp(got[i]) + math.Exp(got[n+i])}, tol, 0)
			}
		})
	}
}

// logSigmoid is log σ(ℓ) = -log(1 + e^-ℓ), written to keep its relative
// precision in both tails: the tests' own reference for the logits form.
func logSigmoid(l float64) float64 {
	switch {
	case math.IsInf(l, 1):
		return 0
	case l >= 0:
		return -math.Log1p(math.Exp(-l))
	}
	return l - math.Log1p(math.Exp(l))
}

// logRef is log x, correct also for subnormal x, where Go 1.26's math.Log
// on amd64 is not (math.Log(5e-324) = -709.09, not -744.44): scaling by 2⁵²
// makes x normal.
func logRef(x float64) float64 {
	if x > 0 && x < 0x1p-1022 {
		return math.Log(x*0x1p52) - 52*math.Ln2
	}
	return math.Log(x)
}

// bernoulliGradCase is one form over a parameter of shape pShape and a value
// of shape xShape.
type bernoulliGradCase struct {
	name           string
	logits         bool
	xShape, pShape []int
	out            []int
	upstreamShape  []int // nil: out
}

// bernoulliRefSum is Σ w·log p(x) over the broadcast, with the textbook
// formulas (x·log p + (1-x)·log(1-p), x·ℓ - log(1+e^ℓ)), which the finite
// differences differentiate in x as well as in the parameter.
func bernoulliRefSum(c bernoulliGradCase, x, par, w []float64) float64 {
	xs, ps := bcast(x, c.xShape, c.out), bcast(par, c.pShape, c.out)
	var s float64
	for i := range xs {
		var lp float64
		if c.logits {
			lp = xs[i]*ps[i] - math.Log(1+math.Exp(ps[i]))
		} else {
			lp = xs[i]*math.Log(ps[i]) + (1-xs[i])*math.Log(1-ps[i])
		}
		if w != nil {
			lp *= w[i]
		}
		s += lp
	}
	return s
}

func TestBernoulliLogProbGrad(t *testing.T) {
	t.Parallel()
	cases := []bernoulliGradCase{
		{name: "probs (3,1), x (2,1,4)", xShape: []int{2, 1, 4}, pShape: []int{3, 1}, out: []int{2, 3, 4}},
		{name: "probs (4), x (3,1)", xShape: []int{3, 1}, pShape: []int{4}, out: []int{3, 4}, upstreamShape: []int{3, 1}},
		{name: "probs scalar, x (5)", xShape: []int{5}, pShape: []int{}, out: []int{5}},
		{name: "logits (3,1), x (2,1,4)", logits: true, xShape: []int{2, 1, 4}, pShape: []int{3, 1}, out: []int{2, 3, 4}},
		{name: "logits (2,3,4), x scalar", logits: true, xShape: []int{}, pShape: []int{2, 3, 4}, out: []int{2, 3, 4}, upstreamShape: []int{4}},
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
				x := make([]float64, sizeOf(c.xShape))
				for i := range x {
					x[i] = float64(r.IntN(2))
				}
				par := make([]float64, sizeOf(c.pShape))
				for i := range par {
					if c.logits {
						par[i] = -3 + 6*r.Float64()
					} else {
						par[i] = 0.1 + 0.8*r.Float64() // away from 0 and 1
					}
				}
				pt := must(tensor.New(par, c.pShape...))
				newD := distributions.NewBernoulli
				pname := "probs"
				if c.logits {
					newD, pname = distributions.NewBernoulliLogits, "logits"
				}
				d, err := newD(pt)
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
					u := seq(-1.5, 2.5, sizeOf(us))
					for i := range u {
						u[i] += 0.05
					}
					w = bcast(u, us, c.out)
					g, err = d.LogProbVJP(xt, must(tensor.New(u, us...)))
				} else {
					g, err = d.LogProbGrad(xt)
				}
				require.NoError(t, err)
				close(t, []float64{bernoulliRefSum(c, x, par, w)}, []float64{g.LogProb}, 1e-13, 0)
				require.Equal(t, c.xShape, shapeOf(g.Value))
				require.Len(t, g.Params, 1)
				require.Equal(t, c.pShape, shapeOf(g.Params[pname]))

				wantX := centralDiff(func(v []float64) float64 { return bernoulliRefSum(c, v, par, w) }, x, 1e-5)
				wantP := centralDiff(func(v []float64) float64 { return bernoulliRefSum(c, x, v, w) }, par, 1e-5)
				requireFinite(t, wantX)
				requireFinite(t, wantP)
				gotX, gotP := data64(t, g.Value), data64(t, g.Params[pname])
				close(t, wantX, gotX, gradTol, gradTol)
				close(t, wantP, gotP, gradTol, gradTol)
				t.Logf("max rel err vs central differences: x %.2g, %s %.2g", maxRelErr(wantX, gotX, 1), pname, maxRelErr(wantP, gotP, 1))
			})
		}
	}
	t.Run("analytic partials", func(t *testing.T) {
		t.Parallel()
		// probs: ∂/∂p = x/p - (1-x)/(1-p), exact at p = ¼; finite at the
		// edges where log p(x) is (p = 0, x = 0 and p = 1, x = 1).
		d, err := distributions.NewBernoulli(f64(0.25, 0.25, 0, 1))
		require.NoError(t, err)
		g, err := d.LogProbGrad(f64(1, 0, 0, 1))
		require.NoError(t, err)
		close(t, []float64{4, -4.0 / 3, -1, 1}, data64(t, g.Params["probs"]), tol64, 0)
		close(t, []float64{math.Log(0.25) + math.Log(0.75)}, []float64{g.LogProb}, tol64, 0)
		// logits: ∂/∂ℓ = x - σ(ℓ), ∂/∂x = ℓ
		d, err = distributions.NewBernoulliLogits(f64(0, 0, math.Inf(1), math.Inf(-1)))
		require.NoError(t, err)
		g, err = d.LogProbGrad(f64(1, 0, 1, 0))
		require.NoError(t, err)
		close(t, []float64{0.5, -0.5, 0, 0}, data64(t, g.Params["logits"]), tol64, 0)
		close(t, []float64{0, 0, math.Inf(1), math.Inf(-1)}, data64(t, g.Value), tol64, 0)
	})
}

// TestBernoulliFloat32 evaluates both forms in float32 and float64 on the
// same inputs; the kernels compute in float64 and round once, so tol32.
func TestBernoulliFloat32(t *testing.T) {
	t.Parallel()
	x32 := sh(f32(0, 1, 1, 0, 1, 0, 0, 1), 2, 1, 4)
	forms := []struct {
		name, pname string
		logits      bool
		param       *tensor.Dense
	}{
		{"probs", "probs", false, sh(f32(0.05, 0.3, 0.7), 3, 1)},
		{"logits", "logits", true, sh(f32(-4, 0.5, 3), 3, 1)},
	}
	for _, f := range forms {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			newD := distributions.NewBernoulli
			if f.logits {
				newD = distributions.NewBernoulliLogits
			}
			d32, err := newD(f.param)
			require.NoError(t, err)
			d64, err := newD(to64(f.param))
			require.NoError(t, err)
			a, err := d32.LogProb(x32)
			require.NoError(t, err)
			b, err := d64.LogProb(to64(x32))
			require.NoError(t, err)
			require.Equal(t, tensor.Float32, a.Dtype())
			require.Equal(t, shapeOf(b), shapeOf(a))
			close(t, data64(t, b), data64(t, a), tol32, 0)
			for name, m := range map[string]func(*distributions.Bernoulli) *tensor.Dense{
				"mean":     func(d *distributions.Bernoulli) *tensor.Dense { return must(d.Mean()) },
				"variance": func(d *distributions.Bernoulli) *tensor.Dense { return must(d.Variance()) },
				"stddev":   func(d *distributions.Bernoulli) *tensor.Dense { return must(d.StdDev()) },
				"mode":     func(d *distributions.Bernoulli) *tensor.Dense { return must(d.Mode()) },
				"entropy":  func(d *distributions.Bernoulli) *tensor.Dense { return must(d.Entropy()) },
				"probs":    (*distributions.Bernoulli).Probs,
				"logits":   (*distributions.Bernoulli).Logits,
			} {
				m32, m64 := m(d32), m(d64)
				require.Equal(t, tensor.Float32, m32.Dtype(), name)
				close(t, data64(t, m64), data64(t, m32), tol32, 0)
			}
			g32, err := d32.LogProbGrad(x32)
			require.NoError(t, err)
			g64, err := d64.LogProbGrad(to64(x32))
			require.NoError(t, err)
			close(t, []float64{g64.LogProb}, []float64{g32.LogProb}, tol32, 0)
			close(t, data64(t, g64.Value), data64(t, g32.Value), tol32, 0)
			require.Equal(t, tensor.Float32, g32.Params[f.pname].Dtype())
			close(t, data64(t, g64.Params[f.pname]), data64(t, g32.Params[f.pname]), tol32, 0)
		})
	}
}

// chiSquareBernoulli returns the p-value of Pearson's chi-square test of
// column j of a 0/1 sample of shape (n, batch...) against Bernoulli(p): two
// cells, one degree of freedom.
func chiSquareBernoulli(data []float64, j, stride int, p float64) float64 {
	n := len(data) / stride
	ones := 0.0
	for i := range n {
		ones += data[i*stride+j]
	}
	obs := []float64{float64(n) - ones, ones}
	exp := []float64{float64(n) * (1 - p), float64(n) * p}
	return distuv.ChiSquared{K: 1}.Survival(stat.ChiSquare(obs, exp))
}

func TestBernoulliSampleChiSquare(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		param  *tensor.Dense
		logits bool
		seed   uint64
	}{
		{"p 0.3", s64(0.3), false, 1},
		{"batch (2,3)", sh(f64(0.01, 0.2, 0.5, 0.7, 0.95, 0.999), 2, 3), false, 2},
		{"logits (3)", f64(-3, 0, 2.5), true, 3},
		{"float32 p 0.6", s32(0.6), false, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			newD := distributions.NewBernoulli
			if tc.logits {
				newD = distributions.NewBernoulliLogits
			}
			d, err := newD(tc.param)
			require.NoError(t, err)
			x, err := d.Sample(rand.NewPCG(tc.seed, 0xbe), nDraws)
			require.NoError(t, err)
			require.Equal(t, append([]int{nDraws}, d.BatchShape()...), shapeOf(x))
			require.Equal(t, tc.param.Dtype(), x.Dtype())
			data := data64(t, x)
			for i, v := range data {
				require.True(t, v == 0 || v == 1, "draw %d is %v", i, v)
			}
			probs := data64(t, d.Probs())
			for j, p := range probs {
				pv := chiSquareBernoulli(data, j, len(probs), p)
				t.Logf("Bernoulli(%.4g): chi-square p = %.3g", p, pv)
				assert.GreaterOrEqual(t, pv, pCritical, "Bernoulli(%g)", p)
			}
		})
	}
	t.Run("power", func(t *testing.T) {
		// The test rejects a slightly wrong sampler: Bernoulli(0.3) draws
		// tested as Bernoulli(0.31).
		t.Parallel()
		d, err := distributions.NewBernoulli(s64(0.3))
		require.NoError(t, err)
		x, err := d.Sample(rand.NewPCG(1, 0xbe), nDraws)
		require.NoError(t, err)
		pv := chiSquareBernoulli(data64(t, x), 0, 1, 0.31)
		t.Logf("Bernoulli(0.3) draws as Bernoulli(0.31): chi-square p = %.3g", pv)
		assert.Less(t, pv, pCritical)
	})
	t.Run("certain outcomes", func(t *testing.T) {
		t.Parallel()
		for _, d := range []*distributions.Bernoulli{
			must(distributions.NewBernoulli(f64(0, 1))),
			must(distributions.NewBernoulliLogits(f64(math.Inf(-1), math.Inf(1)))),
		} {
			x, err := d.Sample(rand.NewPCG(5, 6), 10_000)
			require.NoError(t, err)
			data := data64(t, x)
			for i := 0; i < len(data); i += 2 {
				require.Equal(t, 0.0, data[i])
				require.Equal(t, 1.0, data[i+1])
			}
		}
	})
}

func TestBernoulliSampleShapesAndSeeds(t *testing.T) {
	t.Parallel()
	d, err := distributions.NewBernoulli(sh(f64(0.1, 0.5, 0.9), 3, 1))
	require.NoError(t, err)
	for _, c := range []struct {
		sample, want []int
	}{
		{nil, []int{3, 1}},
		{[]int{4}, []int{4, 3, 1}},
		{[]int{2, 5}, []int{2, 5, 3, 1}},
	} {
		x, err := d.Sample(rand.NewPCG(1, 2), c.sample...)
		require.NoError(t, err)
		assert.Equal(t, c.want, shapeOf(x))
	}
	scalar := must(distributions.NewBernoulli(s64(0.5)))
	x, err := scalar.Sample(rand.NewPCG(1, 2))
	require.NoError(t, err)
	assert.Equal(t, []int{}, shapeOf(x))

	_, err = d.Sample(nil, 4)
	require.ErrorIs(t, err, distributions.ErrNilSource)
	_, err = d.Sample(rand.NewPCG(1, 2), 2, -1)
	require.ErrorIs(t, err, distributions.ErrShape)

	draw := func(seed uint64) []float64 {
		x, err := d.Sample(rand.NewPCG(seed, 3), 200)
		require.NoError(t, err)
		return data64(t, x)
	}
	a, b, c := draw(1), draw(1), draw(2)
	assert.Equal(t, a, b, "same seed, same draws")
	assert.NotEqual(t, a, c, "another seed, other draws")
}

// TestBernoulliSampleGOMAXPROCS requires the same bits from one and from two
// goroutines above tensor.ParallelMin; it switches GOMAXPROCS, so it is not
// parallel.
func TestBernoulliSampleGOMAXPROCS(t *testing.T) {
	const n = 1_000_000
	require.Greater(t, n, tensor.ParallelMin)
	d, err := distributions.NewBernoulliLogits(f64(-1, 0.5, 2, 4))
	require.NoError(t, err)
	draw := func(procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		x, err := d.Sample(rand.NewPCG(42, 43), n/4)
		require.NoError(t, err)
		return data64(t, x)
	}
	one, two := draw(1), draw(2)
	require.Len(t, one, n)
	assert.True(t, slices.Equal(one, two), "draws depend on GOMAXPROCS")
}

func FuzzBernoulli(f *testing.F) {
	for _, c := range [][2]float64{
		{0.3, 1}, {0.3, 0}, {0, 0}, {0, 1}, {1, 0}, {1, 1}, {0.5, 0.5}, {0.3, 2}, {0.3, -1},
		{1.5, 0}, {-0.1, 1}, {math.NaN(), 0}, {0.3, math.NaN()}, {5e-324, 1}, {1 - 0x1p-53, 0},
		{math.Inf(1), 1}, {40, 1}, {-800, 0},
	} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, p, x float64) {
		binary := x == 0 || x == 1

		// probs form
		d, err := distributions.NewBernoulli(f64(p))
		if !(p >= 0 && p <= 1) {
			require.ErrorIs(t, err, distributions.ErrParam)
			var ce *distributions.ConstraintError
			require.ErrorAs(t, err, &ce)
			require.Equal(t, "probs", ce.Name)
			// unvalidated, the same parameter never panics either
			u, err := distributions.NewBernoulli(f64(p), distributions.WithValidation(false))
			require.NoError(t, err)
			_, err = u.LogProb(f64(x))
			require.NoError(t, err)
			_, err = u.LogProbGrad(f64(x))
			require.NoError(t, err)
			must(u.Mean())
			must(u.Variance())
			must(u.StdDev())
			must(u.Mode())
			must(u.Entropy())
			u.Logits()
			_, err = u.Sample(rand.NewPCG(1, 2), 3)
			require.NoError(t, err)
		} else {
			require.NoError(t, err)
			lp, err := d.LogProb(f64(x))
			g, gerr := d.LogProbGrad(f64(x))
			if !binary {
				require.ErrorIs(t, err, distributions.ErrSupport)
				require.ErrorIs(t, gerr, distributions.ErrSupport)
			} else {
				require.NoError(t, err)
				require.NoError(t, gerr)
				got := data64(t, lp)[0]
				want := math.Log1p(-p)
				if x == 1 {
					want = logRef(p)
				}
				close(t, []float64{want}, []float64{got}, tol64, 0)
				close(t, []float64{got}, []float64{g.LogProb}, 0, 0)
			}
			// the moments stay in range
			m := data64(t, must(d.Mean()))[0]
			v := data64(t, must(d.Variance()))[0]
			e := data64(t, must(d.Entropy()))[0]
			require.Equal(t, p, m)
			require.True(t, v >= 0 && v <= 0.25, "variance %v", v)
			require.True(t, e >= 0 && e <= math.Ln2*(1+1e-15), "entropy %v", e)
			if p == 0 || p == 1 {
				require.Equal(t, 0.0, e)
			}
			// enumerate, score: the probabilities sum to one
			s, err := d.EnumerateSupport(false)
			require.NoError(t, err)
			elp, err := d.LogProb(s)
			require.NoError(t, err)
			el := data64(t, elp)
			close(t, []float64{1}, []float64{math.Exp(el[0]) + math.Exp(el[1])}, 1e-15, 0)
			x, err := d.Sample(rand.NewPCG(1, 2), 8)
			require.NoError(t, err)
			for _, v := range data64(t, x) {
				require.True(t, v == 0 || v == 1)
				if p == 0 || p == 1 {
					require.Equal(t, p, v)
				}
			}
		}

		// logits form: p read as a logit
		dl, err := distributions.NewBernoulliLogits(f64(p))
		if math.IsNaN(p) {
			require.ErrorIs(t, err, distributions.ErrParam)
			return
		}
		require.NoError(t, err)
		lp, err := dl.LogProb(f64(x))
		if !binary {
			require.ErrorIs(t, err, distributions.ErrSupport)
			return
		}
		require.NoError(t, err)
		want := logSigmoid(p)
		if x == 0 {
			want = logSigmoid(-p)
		}
		close(t, []float64{want}, data64(t, lp), 1e-14, 0)
		e := data64(t, must(dl.Entropy()))[0]
		require.True(t, e >= 0 && e <= math.Ln2*(1+1e-15), "entropy %v at logit %v", e, p)
		g, err := dl.LogProbGrad(f64(x))
		require.NoError(t, err)
		require.False(t, math.IsNaN(data64(t, g.Params["logits"])[0]))
	})
}
