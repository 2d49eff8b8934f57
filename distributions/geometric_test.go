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

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Reference values marked "mpmath" were computed with mpmath at 60 digits
// from the exact binary value of each float64 input, then rounded once.

var (
	_ distributions.Distribution  = (*distributions.Geometric)(nil)
	_ distributions.LogProbGrader = (*distributions.Geometric)(nil)
	_ distributions.LogProbIntoer = (*distributions.Geometric)(nil)
	_ distributions.Meaner        = (*distributions.Geometric)(nil)
	_ distributions.Variancer     = (*distributions.Geometric)(nil)
	_ distributions.StdDever      = (*distributions.Geometric)(nil)
	_ distributions.Moder         = (*distributions.Geometric)(nil)
	_ distributions.Entropier     = (*distributions.Geometric)(nil)
)

// newGeometric builds either form.
func newGeometric(param *tensor.Dense, logits bool, opts ...distributions.Option) (*distributions.Geometric, error) {
	if logits {
		return distributions.NewGeometricLogits(param, opts...)
	}
	return distributions.NewGeometric(param, opts...)
}

func TestGeometricCapabilities(t *testing.T) {
	t.Parallel()
	d, err := distributions.NewGeometric(s64(0.5))
	require.NoError(t, err)
	var x any = d
	_, ok := x.(distributions.RSampler)
	assert.False(t, ok, "torch's Geometric has no rsample")
	_, ok = x.(distributions.SupportEnumerator)
	assert.False(t, ok, "nor enumerate_support")
	_, ok = x.(distributions.CDFer)
	assert.False(t, ok, "nor cdf")
	_, ok = x.(distributions.ICDFer)
	assert.False(t, ok, "nor icdf")
}

func TestGeometricLogProb(t *testing.T) {
	t.Parallel()
	inf := math.Inf(1)
	tests := []struct {
		name      string
		param, x  *tensor.Dense
		logits    bool
		wantShape []int
		want      []float64
	}{
		{name: "p 0.402", param: s64(0.402), x: f64(0, 2, 7), wantShape: []int{3},
			want: []float64{-0.9113031903631159, -1.9396322404261266, -4.510454865583654}}, // mpmath
		{name: "p 1: 0·log 0 = 0 at k = 0", param: s64(1), x: f64(0, 3), wantShape: []int{2}, want: []float64{0, -inf}},
		{name: "p near 1", param: s64(1 - 0x1p-53), x: f64(0, 3), wantShape: []int{2},
			want: []float64{-1.1102230246251565e-16, -110.2104017090313}}, // mpmath
		{name: "tiny p, huge k", param: f64(1e-300, 1e-6), x: sh(f64(0, 1e6, 1e300), 3, 1), wantShape: []int{3, 2},
			want: []float64{-690.7755278982137, -13.815510557964274, -690.7755278982137, -14.815511057964608, // mpmath
				-691.7755278982137, -1.0000005000003333e+294}},
		{name: "p (3,1) vs k (2)", param: sh(f64(0.5, 0.999, 0.402), 3, 1), x: f64(5, 100), wantShape: []int{3, 2},
			want: []float64{-4.1588830833596715, -70.00786523655448, -34.539776895244266, -690.7765283985472, // mpmath
				-3.482125815520643, -52.32775569351365}},
		{name: "logits ±30 at 0", logits: true, param: f64(30, -30), x: s64(0), wantShape: []int{2},
			want: []float64{-9.357622968839737e-14, -30.000000000000092}}, // mpmath (Pyro 1.8.6 gives 0 at 30)
		{name: "logits ±30 at 100, 3", logits: true, param: f64(30, -30), x: f64(100, 3), wantShape: []int{2},
			want: []float64{-3000.0000000000095, -30.000000000000373}}, // mpmath
		{name: "logits ±800", logits: true, param: f64(800, 800, -800, -800), x: f64(0, 1, 0, 2), wantShape: []int{4},
			want: []float64{0, -800, -800, -800}}, // mpmath
		{name: "logits 0, 1.5849, -40", logits: true, param: f64(0, 1.5849, -40), x: f64(0, 4, 10), wantShape: []int{3},
			want: []float64{-math.Ln2, -7.271866251740546, -40}}, // mpmath
		{name: "logits ±Inf", logits: true, param: f64(inf, -inf), x: sh(f64(0, 2), 2, 1), wantShape: []int{2, 2},
			want: []float64{0, -inf, -inf, -inf}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := newGeometric(tc.param, tc.logits)
			require.NoError(t, err)
			got, err := d.LogProb(tc.x)
			require.NoError(t, err)
			require.Equal(t, tc.wantShape, shapeOf(got))
			close(t, tc.want, data64(t, got), tol64, 0)
		})
	}
}

func TestGeometricErrors(t *testing.T) {
	t.Parallel()
	nan, inf := math.NaN(), math.Inf(1)
	type constraint struct {
		name  string
		index []int
	}
	tests := []struct {
		name     string
		param, x *tensor.Dense // x nil: the constructor must fail
		logits   bool
		wantErr  error
		wantCons *constraint
		wantMsg  []string
	}{
		{name: "probs 0 (torch: probs > 0)", param: f64(0.5, 0), wantErr: distributions.ErrParam,
			wantCons: &constraint{"probs", []int{1}}, wantMsg: []string{"geometric", "probs", "(0, 1]", "[1]"}},
		{name: "probs 1.2", param: s64(1.2), wantErr: distributions.ErrParam, wantCons: &constraint{"probs", []int{}}},
		{name: "probs -0.1 at (1, 0)", param: sh(f64(0.5, 0.5, -0.1, 1), 2, 2), wantErr: distributions.ErrParam,
			wantCons: &constraint{"probs", []int{1, 0}}},
		{name: "probs NaN", param: f64(nan), wantErr: distributions.ErrParam, wantCons: &constraint{"probs", []int{0}}},
		{name: "logits NaN", logits: true, param: f64(0, nan), wantErr: distributions.ErrParam,
			wantCons: &constraint{"logits", []int{1}}, wantMsg: []string{"logits", "real"}},
		{name: "nil probs", param: nil, wantErr: distributions.ErrParam},
		{name: "value -1", param: s64(0.5), x: f64(0, -1), wantErr: distributions.ErrSupport,
			wantCons: &constraint{"value", []int{1}}, wantMsg: []string{"value", "non-negative integer"}},
		{name: "value 1.5", param: s64(0.5), x: s64(1.5), wantErr: distributions.ErrSupport, wantCons: &constraint{"value", []int{}}},
		{name: "value +Inf", logits: true, param: s64(0), x: f64(inf), wantErr: distributions.ErrSupport},
		{name: "value NaN", param: s64(0.5), x: f64(1, 2, nan), wantErr: distributions.ErrSupport, wantCons: &constraint{"value", []int{2}}},
		{name: "value (4) vs batch (2)", param: f64(0.5, 0.5), x: f64(0, 0, 0, 0), wantErr: distributions.ErrShape},
		{name: "float32 value", param: s64(0.5), x: f32(1), wantErr: distributions.ErrDType},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var err error
			d, cerr := newGeometric(tc.param, tc.logits)
			if tc.x == nil {
				require.Nil(t, d)
				err = cerr
			} else {
				require.NoError(t, cerr)
				_, err = d.LogProb(tc.x)
				_, gerr := d.LogProbGrad(tc.x)
				require.ErrorIs(t, gerr, tc.wantErr)
				require.ErrorIs(t, d.LogProbInto(nil, tc.x), tc.wantErr)
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
				assert.Equal(t, "geometric", ce.Family)
				assert.Equal(t, tc.wantCons.name, ce.Name)
				assert.Equal(t, tc.wantCons.index, ce.Index)
			}
			for _, s := range tc.wantMsg {
				assert.Contains(t, err.Error(), s)
			}
		})
	}
	t.Run("spec: one of probs and logits", func(t *testing.T) {
		t.Parallel()
		for spec, want := range map[string]error{
			`{"family": "Geometric", "params": {"probs": 0.5, "logits": 0}}`: distributions.ErrParam,
			`{"family": "Geometric", "params": {}}`:                          distributions.ErrParam,
			`{"family": "Geometric", "params": {"probs": 0.5, "rate": 1}}`:   distributions.ErrUnsupported,
			`{"family": "Geometric", "params": {"probs": 0}}`:                distributions.ErrParam,
		} {
			_, err := distributions.Build([]byte(spec))
			require.ErrorIs(t, err, want, spec)
		}
		d, err := distributions.Build([]byte(`{"family": "Geometric", "params": {"logits": {"shape": [2], "data": [0, 1]}}}`))
		require.NoError(t, err)
		assert.Equal(t, []int{2}, d.BatchShape())
	})
	t.Run("without validation, off-support values are scored by the formula", func(t *testing.T) {
		t.Parallel()
		d, err := distributions.NewGeometric(s64(0.5), distributions.WithValidation(false))
		require.NoError(t, err)
		lp, err := d.LogProb(f64(-1, 1.5))
		require.NoError(t, err)
		close(t, []float64{0, -2.5 * math.Ln2}, data64(t, lp), tol64, 0) // torch's k·log1p(-p) + log p
		_, err = distributions.NewGeometric(f64(0, 2), distributions.WithValidation(false))
		require.NoError(t, err)
	})
}

func TestGeometricMoments(t *testing.T) {
	t.Parallel()
	inf := math.Inf(1)
	tests := []struct {
		name                            string
		param                           *tensor.Dense
		logits                          bool
		mean, variance, stddev, entropy []float64 // mpmath
	}{
		{name: "probs", param: f64(0.402, 1e-300, 1-0x1p-53, 0.5, 1e-10, 5e-324, 1),
			mean:     []float64{1.4875621890547261, 9.999999999999999e+299, 1.1102230246251568e-16, 1, 9999999999.0, inf, 0},
			variance: []float64{3.700403455360015, inf, 1.1102230246251568e-16, 2, 9.999999999e+19, inf, 0},
			stddev:   []float64{1.9236432765354432, 9.999999999999999e+299, 1.0536712127723509e-08, 1.4142135623730951, 9999999999.5, inf, 0},
			entropy:  []float64{1.6761548967532656, 691.7755278982137, 4.189626486814325e-15, 1.3862943611198906, 24.025850929890456, 745.4400719213812, 0}},
		{name: "logits", logits: true, param: f64(-30, 30, -800, 800, -400, 0, 40, -1.5, inf),
			mean:     []float64{10686474581524.463, 9.357622968840175e-14, inf, 0, 5.221469689764144e+173, 1, 4.248354255291589e-18, 4.4816890703380645, 0},
			variance: []float64{1.1420073898157911e+26, 9.357622968841051e-14, inf, 0, inf, 2, 4.248354255291589e-18, 24.56722599352573, 0},
			stddev:   []float64{10686474581524.963, 3.059023205018401e-07, inf, 1.9151695967140057e-174, 5.221469689764144e+173, 1.4142135623730951, 2.061153622438558e-09, 4.956533667143373, 0},
			entropy:  []float64{31.000000000000046, 2.9008631203404585e-12, 801, 0, 401, 1.3862943611198906, 1.7418252446695514e-16, 2.604084964539016, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := newGeometric(tc.param, tc.logits)
			require.NoError(t, err)
			n := len(tc.mean)
			for name, c := range map[string]struct {
				f    func() (*tensor.Dense, error)
				want []float64
			}{
				"mean": {d.Mean, tc.mean}, "variance": {d.Variance, tc.variance},
				"stddev": {d.StdDev, tc.stddev}, "entropy": {d.Entropy, tc.entropy},
				"mode": {d.Mode, make([]float64, n)},
			} {
				got := must(c.f())
				require.Equal(t, []int{n}, shapeOf(got), name)
				// a few ulps: each is a product or sum of two or three
				// correctly rounded factors
				close(t, c.want, data64(t, got), 4e-16, 0)
			}
		})
	}
	t.Run("accessors", func(t *testing.T) {
		t.Parallel()
		probs := f64(0.25, 1)
		d := must(distributions.NewGeometric(probs))
		assert.Same(t, probs, d.Probs())
		close(t, []float64{-math.Log(3), math.Inf(1)}, data64(t, d.Logits()), tol64, 0)
		logits := f64(0, -math.Log(3))
		dl := must(distributions.NewGeometricLogits(logits))
		assert.Same(t, logits, dl.Logits())
		close(t, []float64{0.5, 0.25}, data64(t, dl.Probs()), tol64, 0)
	})
}

func TestGeometricLogProbInto(t *testing.T) {
	t.Parallel()
	for _, dt := range []string{"f64", "f32"} {
		for _, logits := range []bool{false, true} {
			par, x := sh(f64(0.2, 0.5, 0.9), 3, 1), sh(f64(0, 1, 2, 7, 3, 0, 1, 40), 2, 1, 4)
			if logits {
				par = sh(f64(-2, 0, 3), 3, 1)
			}
			dst := must(tensor.Zeros[float64](2, 3, 4))
			if dt == "f32" {
				par, x, dst = to32(par), to32(x), to32(dst)
			}
			d, err := newGeometric(par, logits)
			require.NoError(t, err)
			lp, err := d.LogProb(x)
			require.NoError(t, err)
			require.NoError(t, d.LogProbInto(dst, x))
			require.Equal(t, data64(t, lp), data64(t, dst))
			require.ErrorIs(t, d.LogProbInto(must(tensor.Zeros[float64](24)), x), distributions.ErrShape)
		}
	}
}

// geometricGradCase is one form over a parameter of shape pShape and a
// value of shape xShape.
type geometricGradCase struct {
	name           string
	logits         bool
	xShape, pShape []int
	out            []int
	upstreamShape  []int // nil: out
}

// geometricRefSum is Σ w·log p(k) over the broadcast with the textbook
// formulas k·log(1-p) + log p and k·(-log(1+e^ℓ)) + ℓ - log(1+e^ℓ), which
// the finite differences differentiate in k as well as in the parameter.
func geometricRefSum(c geometricGradCase, x, par, w []float64) float64 {
	xs, ps := bcast(x, c.xShape, c.out), bcast(par, c.pShape, c.out)
	var s float64
	for i := range xs {
		var lp float64
		if c.logits {
			l := ps[i]
			lp = -xs[i]*math.Log(1+math.Exp(l)) + l - math.Log(1+math.Exp(l))
		} else {
			lp = xs[i]*math.Log(1-ps[i]) + math.Log(ps[i])
		}
		if w != nil {
			lp *= w[i]
		}
		s += lp
	}
	return s
}

func TestGeometricLogProbGrad(t *testing.T) {
	t.Parallel()
	cases := []geometricGradCase{
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
				r := rand.New(rand.NewPCG(uint64(k), 23))
				x := make([]float64, sizeOf(c.xShape))
				for i := range x {
					x[i] = float64(r.IntN(6))
				}
				par := make([]float64, sizeOf(c.pShape))
				for i := range par {
					if c.logits {
						par[i] = -3 + 6*r.Float64()
					} else {
						par[i] = 0.1 + 0.8*r.Float64() // away from 0 and 1
					}
				}
				d, err := newGeometric(must(tensor.New(par, c.pShape...)), c.logits)
				require.NoError(t, err)
				pname := "probs"
				if c.logits {
					pname = "logits"
				}
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
				close(t, []float64{geometricRefSum(c, x, par, w)}, []float64{g.LogProb}, 1e-13, 0)
				require.Equal(t, c.xShape, shapeOf(g.Value))
				require.Len(t, g.Params, 1)
				require.Equal(t, c.pShape, shapeOf(g.Params[pname]))
				wantX := centralDiff(func(v []float64) float64 { return geometricRefSum(c, v, par, w) }, x, 1e-5)
				wantP := centralDiff(func(v []float64) float64 { return geometricRefSum(c, x, v, w) }, par, 1e-5)
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
		// probs: ∂/∂p = 1/p - k/(1-p), ∂/∂k = log1p(-p); exact at p = ½ and
		// finite at p = 1, k = 0, where log p(0) = 0.
		d := must(distributions.NewGeometric(f64(0.5, 0.5, 1)))
		g, err := d.LogProbGrad(f64(0, 3, 0))
		require.NoError(t, err)
		close(t, []float64{2, -4, 1}, data64(t, g.Params["probs"]), tol64, 0)
		close(t, []float64{-math.Ln2, -math.Ln2, math.Inf(-1)}, data64(t, g.Value), tol64, 0)
		close(t, []float64{-5 * math.Ln2}, []float64{g.LogProb}, tol64, 0)
		// logits: ∂/∂ℓ = σ(-ℓ) - k·σ(ℓ), ∂/∂k = -softplus(ℓ); golden
		// geometric/logits-extreme-30 at k = 0: σ(30) and σ(-30) (the golden
		// file writes torch's 0 for σ(-30) = 9.4e-14, within its atol).
		dl := must(distributions.NewGeometricLogits(f64(0, -30, 30, math.Inf(1))))
		g, err = dl.LogProbGrad(f64(3, 0, 0, 0))
		require.NoError(t, err)
		close(t, []float64{-1, 0.9999999999999064, 9.357622968839299e-14, 0}, data64(t, g.Params["logits"]), tol64, 0) // mpmath
		close(t, []float64{-math.Ln2, -9.357622968839737e-14, -30.000000000000092, math.Inf(-1)}, data64(t, g.Value), tol64, 0)
	})
}

// TestGeometricFloat32 evaluates both forms in float32 and float64 on the
// same inputs; the kernels compute in float64 and round once, so tol32.
func TestGeometricFloat32(t *testing.T) {
	t.Parallel()
	x32 := sh(f32(0, 1, 4, 0, 2, 9, 0, 1), 2, 1, 4)
	forms := []struct {
		name, pname string
		logits      bool
		param       *tensor.Dense
	}{
		{"probs", "probs", false, sh(f32(0.05, 0.3, 1), 3, 1)},
		{"logits", "logits", true, sh(f32(-4, 0.5, 3), 3, 1)},
	}
	for _, f := range forms {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			d32 := must(newGeometric(f.param, f.logits))
			d64 := must(newGeometric(to64(f.param), f.logits))
			a := must(d32.LogProb(x32))
			b := must(d64.LogProb(to64(x32)))
			require.Equal(t, tensor.Float32, a.Dtype())
			close(t, data64(t, b), data64(t, a), tol32, 0)
			for name, m := range map[string]func(*distributions.Geometric) *tensor.Dense{
				"mean":     func(d *distributions.Geometric) *tensor.Dense { return must(d.Mean()) },
				"variance": func(d *distributions.Geometric) *tensor.Dense { return must(d.Variance()) },
				"stddev":   func(d *distributions.Geometric) *tensor.Dense { return must(d.StdDev()) },
				"mode":     func(d *distributions.Geometric) *tensor.Dense { return must(d.Mode()) },
				"entropy":  func(d *distributions.Geometric) *tensor.Dense { return must(d.Entropy()) },
				"probs":    (*distributions.Geometric).Probs,
				"logits":   (*distributions.Geometric).Logits,
			} {
				m32, m64 := m(d32), m(d64)
				require.Equal(t, tensor.Float32, m32.Dtype(), name)
				close(t, data64(t, m64), data64(t, m32), tol32, 0)
			}
			g32 := must(d32.LogProbGrad(x32))
			g64 := must(d64.LogProbGrad(to64(x32)))
			close(t, []float64{g64.LogProb}, []float64{g32.LogProb}, tol32, 0)
			close(t, data64(t, g64.Value), data64(t, g32.Value), tol32, 0)
			require.Equal(t, tensor.Float32, g32.Params[f.pname].Dtype())
			close(t, data64(t, g64.Params[f.pname]), data64(t, g32.Params[f.pname]), tol32, 0)
		})
	}
}

// geometricChiSquare returns the p-value of Pearson's chi-square test of
// column j of a sample of shape (n, batch...) against Geometric(p), over
// cells [b_i, b_{i+1}) cut at the geometric quantiles of i/40, so that
// every cell expects about n/40 draws whatever p (for p near 1 fewer
// distinct cells remain). P(k ≥ b) = (1-p)^b gives each cell's
// probability.
func geometricChiSquare(t testing.TB, data []float64, j, stride int, p float64) float64 {
	t.Helper()
	const cells = 40
	var bounds []float64 // lower ends, increasing, from 0
	for i := range cells {
		b := math.Ceil(math.Log1p(-float64(i)/cells) / math.Log1p(-p))
		if len(bounds) == 0 || b > bounds[len(bounds)-1] {
			bounds = append(bounds, b)
		}
	}
	surv := func(b float64) float64 { return math.Exp(b * math.Log1p(-p)) } // P(k ≥ b)
	probs := make([]float64, len(bounds))
	for i, b := range bounds {
		next := 0.0
		if i+1 < len(bounds) {
			next = surv(bounds[i+1])
		}
		probs[i] = surv(b) - next
	}
	n := len(data) / stride
	cell := make([]int64, n)
	for i := range cell {
		k := data[i*stride+j]
		require.True(t, k >= 0 && k == math.Floor(k), "draw %v", k)
		c, _ := slices.BinarySearch(bounds, k) // the first bound ≥ k
		if c == len(bounds) || bounds[c] > k {
			c--
		}
		cell[i] = int64(c)
	}
	return chiSquareCategorical(t, cell, probs)
}

func TestGeometricSampleChiSquare(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		param  *tensor.Dense
		logits bool
		seed   uint64
	}{
		{"p 0.3", s64(0.3), false, 1},
		{"batch (2,3)", sh(f64(1e-6, 0.01, 0.2, 0.5, 0.9, 0.999), 2, 3), false, 2},
		{"logits (3)", f64(-3, 0, 2.5), true, 3},
		{"float32 p 0.6", s32(0.6), false, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := must(newGeometric(tc.param, tc.logits))
			x, err := d.Sample(rand.NewPCG(tc.seed, 0x6e0), nDraws)
			require.NoError(t, err)
			require.Equal(t, append([]int{nDraws}, d.BatchShape()...), shapeOf(x))
			require.Equal(t, tc.param.Dtype(), x.Dtype())
			data := data64(t, x)
			probs := data64(t, d.Probs())
			for j, p := range probs {
				pv := geometricChiSquare(t, data, j, len(probs), p)
				t.Logf("Geometric(%.4g): chi-square p = %.3g", p, pv)
				assert.GreaterOrEqual(t, pv, pCritical, "Geometric(%g)", p)
			}
		})
	}
	t.Run("power", func(t *testing.T) {
		// The test rejects a slightly wrong sampler: Geometric(0.3) draws
		// tested as Geometric(0.31).
		t.Parallel()
		d := must(distributions.NewGeometric(s64(0.3)))
		x, err := d.Sample(rand.NewPCG(1, 0x6e0), nDraws)
		require.NoError(t, err)
		pv := geometricChiSquare(t, data64(t, x), 0, 1, 0.31)
		t.Logf("Geometric(0.3) draws as Geometric(0.31): chi-square p = %.3g", pv)
		assert.Less(t, pv, pCritical)
	})
	t.Run("certain success", func(t *testing.T) {
		t.Parallel()
		for _, d := range []*distributions.Geometric{
			must(distributions.NewGeometric(f64(1, 1))),
			must(distributions.NewGeometricLogits(f64(math.Inf(1), math.Inf(1)))),
		} {
			x, err := d.Sample(rand.NewPCG(5, 6), 1000)
			require.NoError(t, err)
			for _, v := range data64(t, x) {
				require.Equal(t, 0.0, v)
				require.False(t, math.Signbit(v), "-0")
			}
		}
	})
}

func TestGeometricSampleShapesAndSeeds(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewGeometric(sh(f64(0.1, 0.5, 0.9), 3, 1)))
	for _, c := range []struct{ sample, want []int }{
		{nil, []int{3, 1}}, {[]int{4}, []int{4, 3, 1}}, {[]int{2, 5}, []int{2, 5, 3, 1}},
	} {
		x, err := d.Sample(rand.NewPCG(1, 2), c.sample...)
		require.NoError(t, err)
		assert.Equal(t, c.want, shapeOf(x))
	}
	_, err := d.Sample(nil, 4)
	require.ErrorIs(t, err, distributions.ErrNilSource)
	_, err = d.Sample(rand.NewPCG(1, 2), 2, -1)
	require.ErrorIs(t, err, distributions.ErrShape)
	drawn := func(seed uint64) []float64 {
		x, err := d.Sample(rand.NewPCG(seed, 3), 200)
		require.NoError(t, err)
		return data64(t, x)
	}
	a, b, c := drawn(1), drawn(1), drawn(2)
	assert.Equal(t, a, b, "same seed, same draws")
	assert.NotEqual(t, a, c, "another seed, other draws")
}

// TestGeometricSampleGOMAXPROCS requires the same bits from one and from two
// goroutines above tensor.ParallelMin; it switches GOMAXPROCS, so it is not
// parallel.
func TestGeometricSampleGOMAXPROCS(t *testing.T) {
	const n = 1_000_000
	require.Greater(t, n, tensor.ParallelMin)
	d := must(distributions.NewGeometricLogits(f64(-1, 0.5, 2, 4)))
	drawn := func(procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		x, err := d.Sample(rand.NewPCG(42, 43), n/4)
		require.NoError(t, err)
		return data64(t, x)
	}
	one, two := drawn(1), drawn(2)
	require.Len(t, one, n)
	assert.True(t, slices.Equal(one, two), "draws depend on GOMAXPROCS")
}

func FuzzGeometric(f *testing.F) {
	for _, c := range [][2]float64{
		{0.3, 0}, {0.3, 4}, {1, 0}, {1, 3}, {0, 0}, {1.5, 0}, {-0.1, 1}, {math.NaN(), 0}, {0.3, math.NaN()},
		{0.3, -1}, {0.3, 1.5}, {5e-324, 1e300}, {1 - 0x1p-53, 2}, {30, 0}, {-800, 2}, {math.Inf(1), 1}, {0.5, math.Inf(1)},
	} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, p, k float64) {
		natural := k >= 0 && k == math.Floor(k) && !math.IsInf(k, 1)

		// probs form
		d, err := distributions.NewGeometric(f64(p))
		if !(p > 0 && p <= 1) {
			require.ErrorIs(t, err, distributions.ErrParam)
			var ce *distributions.ConstraintError
			require.ErrorAs(t, err, &ce)
			require.Equal(t, "probs", ce.Name)
			u, err := distributions.NewGeometric(f64(p), distributions.WithValidation(false))
			require.NoError(t, err)
			_, err = u.LogProb(f64(k))
			require.NoError(t, err)
			_, err = u.LogProbGrad(f64(k))
			require.NoError(t, err)
			for _, m := range []func() (*tensor.Dense, error){u.Mean, u.Variance, u.StdDev, u.Mode, u.Entropy} {
				must(m())
			}
			_, err = u.Sample(rand.NewPCG(1, 2), 3)
			require.NoError(t, err)
		} else {
			require.NoError(t, err)
			lp, err := d.LogProb(f64(k))
			g, gerr := d.LogProbGrad(f64(k))
			if !natural {
				require.ErrorIs(t, err, distributions.ErrSupport)
				require.ErrorIs(t, gerr, distributions.ErrSupport)
			} else {
				require.NoError(t, err)
				require.NoError(t, gerr)
				got := data64(t, lp)[0]
				require.LessOrEqual(t, got, 0.0, "a probability above 1")
				close(t, []float64{got}, []float64{g.LogProb}, 0, 0)
				// k·log1p(-p) and log p share a sign: no cancellation
				want := logRef(p)
				if k != 0 {
					want += k * math.Log1p(-p)
				}
				close(t, []float64{want}, []float64{got}, 1e-14, 0)
			}
			m, v, e := data64(t, must(d.Mean()))[0], data64(t, must(d.Variance()))[0], data64(t, must(d.Entropy()))[0]
			require.True(t, m >= 0 && v >= m && e >= 0, "mean %v variance %v entropy %v at p %v", m, v, e, p)
			x, err := d.Sample(rand.NewPCG(1, 2), 8)
			require.NoError(t, err)
			for _, v := range data64(t, x) {
				require.True(t, v >= 0 && v == math.Floor(v), "draw %v", v)
			}
		}

		// logits form: p read as a logit
		dl, err := distributions.NewGeometricLogits(f64(p))
		if math.IsNaN(p) {
			require.ErrorIs(t, err, distributions.ErrParam)
			return
		}
		require.NoError(t, err)
		lp, err := dl.LogProb(f64(k))
		g, gerr := dl.LogProbGrad(f64(k))
		if !natural {
			require.ErrorIs(t, err, distributions.ErrSupport)
			require.ErrorIs(t, gerr, distributions.ErrSupport)
			return
		}
		require.NoError(t, err)
		require.NoError(t, gerr)
		got := data64(t, lp)[0]
		want := logSigmoid(p) // log σ(ℓ) - k·log(1+e^ℓ): same signs again
		if k != 0 {
			want += k * logSigmoid(-p)
		}
		close(t, []float64{want}, []float64{got}, 1e-14, 0)
		require.False(t, math.IsNaN(data64(t, g.Params["logits"])[0]))
		e := data64(t, must(dl.Entropy()))[0]
		require.True(t, e >= 0 && !math.IsNaN(e), "entropy %v at logit %v", e, p)
	})
}

func ExampleGeometric_LogProb() {
	d, err := distributions.NewGeometric(tensor.Vector(0.5, 1.0))
	if err != nil {
		log.Fatal(err)
	}
	k, err := tensor.New([]float64{0, 2}, 2, 1)
	if err != nil {
		log.Fatal(err)
	}
	lp, err := d.LogProb(k)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(lp.Shape())
	fmt.Printf("%.4f\n", lp.Float64s())
	m, err := d.Mean()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(m.Float64s())
	// Output:
	// (2, 2)
	// [-0.6931 0.0000 -2.0794 -Inf]
	// [1 0]
}

func TestGeometricExpand(t *testing.T) {
	t.Parallel()
	for _, logits := range []bool{false, true} {
		par := sh(f64(0.2, 0.7), 2, 1)
		d := must(newGeometric(par, logits))
		assert.False(t, distributions.HasRSample(d))
		e, err := distributions.Expand(d, []int{3, 2, 4})
		require.NoError(t, err)
		g, ok := e.(*distributions.Geometric)
		require.True(t, ok, "native Expand keeps the family, got %T", e)
		assert.Equal(t, []int{3, 2, 4}, g.BatchShape())
		if logits {
			assert.Same(t, par, g.Logits())
		} else {
			assert.Same(t, par, g.Probs())
		}
		x := s64(3)
		lp := data64(t, must(g.LogProb(x)))
		require.Len(t, lp, 24)
		base := data64(t, must(d.LogProb(x)))
		for i, v := range lp {
			require.Equal(t, base[(i/4)%2], v)
		}
		_, err = distributions.Expand(d, []int{3, 4})
		require.ErrorIs(t, err, distributions.ErrShape)
	}
}
