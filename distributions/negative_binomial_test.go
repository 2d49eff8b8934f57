package distributions_test

import (
	"fmt"
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
// from the exact binary value of each float64 input, then rounded once:
// log p(k) = log Γ(r+k) - log Γ(k+1) - log Γ(r) + k·log p + r·log(1-p) and
// its exact partials.

// NegativeBinomial has torch 1.13's capabilities: no rsample, entropy, cdf,
// icdf or enumeration.
var (
	_ distributions.Distribution  = (*distributions.NegativeBinomial)(nil)
	_ distributions.LogProbGrader = (*distributions.NegativeBinomial)(nil)
	_ distributions.LogProbIntoer = (*distributions.NegativeBinomial)(nil)
	_ distributions.Meaner        = (*distributions.NegativeBinomial)(nil)
	_ distributions.Variancer     = (*distributions.NegativeBinomial)(nil)
	_ distributions.StdDever      = (*distributions.NegativeBinomial)(nil)
	_ distributions.Moder         = (*distributions.NegativeBinomial)(nil)
)

func newNegBinomial(tc, param *tensor.Dense, logits bool, opts ...distributions.Option) (*distributions.NegativeBinomial, error) {
	if logits {
		return distributions.NewNegativeBinomialLogits(tc, param, opts...)
	}
	return distributions.NewNegativeBinomial(tc, param, opts...)
}

// negBinomialRefLogPMF is torch's formula with Go's math.Lgamma and the
// probability p: the oracle of the chi-square cells and of the finite
// differences, independent of the family's Loader form.
func negBinomialRefLogPMF(k, r, p float64) float64 {
	lg := func(x float64) float64 { v, _ := math.Lgamma(x); return v }
	norm := 0.0
	if k != 0 {
		norm = lg(r+k) - lg(k+1) - lg(r)
	}
	lk := 0.0
	if k != 0 {
		lk = k * math.Log(p)
	}
	return norm + lk + r*math.Log1p(-p)
}

func TestNegativeBinomialCapabilities(t *testing.T) {
	t.Parallel()
	var v any = must(distributions.NewNegativeBinomial(s64(2), s64(0.5)))
	for name, ok := range map[string]bool{
		"RSampler": vonMisesImplements[distributions.RSampler](v), "CDFer": vonMisesImplements[distributions.CDFer](v),
		"ICDFer": vonMisesImplements[distributions.ICDFer](v), "Entropier": vonMisesImplements[distributions.Entropier](v),
		"SupportEnumerator": vonMisesImplements[distributions.SupportEnumerator](v),
	} {
		assert.False(t, ok, "NegativeBinomial is a %s; torch 1.13's is not", name)
	}
	assert.Equal(t, "NegativeBinomial(batch_shape=())", fmt.Sprint(v))
}

// negBinomialProbsRef: r, p, k, log p, ∂/∂r, ∂/∂p, ∂/∂k (mpmath).
var negBinomialProbsRef = [][7]float64{
	{4.1584, 0.3729, 0.0, -1.9405142887436606, -0.46664926143316193, -6.631159304736087, 0.8908705449074182},
	{4.1584, 0.3729, 1.0, -1.5018288956359338, -0.2261721548537083, -3.949475207122786, 0.13134765148687186},
	{4.1584, 0.3729, 3.0, -1.8080348910212505, 0.13006624485953613, 1.4138929881038158, -0.34574728213321704},
	{4.1584, 0.3729, 12.0, -7.425051713955555, 0.9844281993013968, 25.549049866623527, -0.7612626725687013},
	{1e-300, 0.5, 5.0, -695.8507017134475, 9.999999999999999e+299, 10.0, -0.8931471805599454},
	{0.5, 0.999999, 1000000.0, -15.387876125903686, 1.9635100260502207, 500001.0000153779, -1.500000375029089e-06},
	{1000000.5, 0.5, 1000000.0, -8.173267464966782, -3.1249999999993165e-14, -1.0, -4.9999990625e-07},
	{1000000.0, 0.3, 3.0, -356638.9010819407, -0.35667194394173235, -1428561.4285714286, 11.355422585203454},
	{3.5, 0.5, 1000000000000000.0, -693147180559862.6, 32.7424725737055, 1999999999999993.0, -0.6931471805599428},
	{10000000000.0, 0.5, 10000012345.0, -12.782248487615192, 6.172748095167291e-07, 24690.0, -6.173244284270482e-07},
	{14.5, 0.25, 15.0, -7.158761772055525, 0.44039356607614827, 40.666666666666664, -0.7599623255704356},
	{14.5, 0.25, 16.0, -7.933254592069423, 0.47429187116089405, 44.666666666666664, -0.7885640204856899},
	{20.25, 0.75, 7.0, -16.613329089194583, -1.0829619367348655, -71.66666666666667, 0.983269137952942},
	{2.0, 1e-300, 1.0, -690.0823807176538, 0.5, 9.999999999999999e+299, -690.2755278982137},
	{0.001, 0.2, 1.0, -8.517416334967551, 999.7768564486857, 4.998749999999999, -2.607794179342868},
}

// negBinomialLogitsRef: r, ℓ, k, log p, ∂/∂r, ∂/∂ℓ (mpmath).
var negBinomialLogitsRef = [][6]float64{
	{5.6279, -0.6353, 0.0, -2.3925422291692486, -0.4251216669040403, -1.948996654278275},
	{2.6444, 0.1996, 9.0, -4.048682102174463, 0.8417445131775794, 2.5986658974522863},
	{2.0, -800.0, 1.0, -799.3068528194401, 0.5, 1.0},
	{2.0, 800.0, 0.0, -1600.0, -800.0, -2.0},
	{2.0, 40.0, 5.0, -78.20824053077195, -38.55, -2.0},
	{3.0, -40.0, 0.0, -1.2745062765874767e-17, -4.248354255291589e-18, -1.2745062765874767e-17},
	{3.0, -40.0, 2.0, -78.20824053077195, 0.5833333333333334, 2.0},
	{1000000.5, 0.0, 1000000.0, -8.173267464966782, -3.1249999999993165e-14, -0.25},
	{7.5, -3.0, 2.0, -2.9997578364719595, 0.2023930405831207, 1.5494542048131157},
}

// negBinomialTol is log p's tolerance against mpmath, tol64: Loader's form
// keeps every row to 1.1e-15 relative (measured; the t.Logf line), also
// at r = k = 1e6 and r = k = 1e10, where the lgamma sum loses 1.3e-10
// and 2.5e-6 relative.
const negBinomialTol = tol64

func TestNegativeBinomialLogProb(t *testing.T) {
	t.Parallel()
	t.Run("probs, mpmath, with partials", func(t *testing.T) {
		t.Parallel()
		var worstLP, worstGrad float64
		for _, c := range negBinomialProbsRef {
			r, p, k := c[0], c[1], c[2]
			d := must(distributions.NewNegativeBinomial(s64(r), s64(p)))
			lp := data64(t, must(d.LogProb(s64(k))))[0]
			close(t, []float64{c[3]}, []float64{lp}, negBinomialTol, 0)
			g := must(d.LogProbGrad(s64(k)))
			got := []float64{data64(t, g.Params["total_count"])[0], data64(t, g.Params["probs"])[0], data64(t, g.Value)[0]}
			// ∂/∂r and ∂/∂k add ψ differences (exact to ~1e-16 of ψ, about
			// log(r+k) ≤ 24 here) to log terms: 1e-14 absolute.
			close(t, c[4:7], got, 1e-13, 1e-14)
			worstLP = max(worstLP, relErr(c[3], lp))
			worstGrad = max(worstGrad, maxRelErr(c[4:7], got, 1))
		}
		t.Logf("max err vs mpmath: log p %.2g relative, partials %.2g relative floored at 1", worstLP, worstGrad)
	})
	t.Run("logits, mpmath, with partials", func(t *testing.T) {
		t.Parallel()
		for _, c := range negBinomialLogitsRef {
			d := must(distributions.NewNegativeBinomialLogits(s64(c[0]), s64(c[1])))
			lp := data64(t, must(d.LogProb(s64(c[2]))))[0]
			close(t, []float64{c[3]}, []float64{lp}, negBinomialTol, 0)
			g := must(d.LogProbGrad(s64(c[2])))
			close(t, c[4:6], []float64{data64(t, g.Params["total_count"])[0], data64(t, g.Params["logits"])[0]}, 1e-13, 1e-14)
		}
	})
	t.Run("boundaries: r = 0, p = 0", func(t *testing.T) {
		t.Parallel()
		// r = 0 is the point mass at 0; p = 0 too. mpmath, exact.
		ninf := math.Inf(-1)
		for _, c := range [][4]float64{{0, 0.3, 0, 0}, {0, 0.3, 2, ninf}, {2.5, 0, 0, 0}, {2.5, 0, 1, ninf}, {0, 0, 0, 0}} {
			d := must(distributions.NewNegativeBinomial(s64(c[0]), s64(c[1])))
			lp := data64(t, must(d.LogProb(s64(c[2]))))
			assert.Equal(t, []float64{c[3]}, lp, "r %v, p %v, k %v", c[0], c[1], c[2])
			l := must(distributions.NewNegativeBinomialLogits(s64(c[0]), s64(math.Log(c[1])-math.Log1p(-c[1]))))
			assert.Equal(t, []float64{c[3]}, data64(t, must(l.LogProb(s64(c[2])))), "logits: r %v, p %v, k %v", c[0], c[1], c[2])
		}
		// ∂/∂r = log(1-p) at r = k = 0; ∂/∂p = -r/(1-p) at k = 0, p = 0.
		d := must(distributions.NewNegativeBinomial(f64(0, 2.5), f64(0.3, 0)))
		g := must(d.LogProbGrad(s64(0)))
		close(t, []float64{math.Log1p(-0.3), 0}, data64(t, g.Params["total_count"]), tol64, 0)
		close(t, []float64{0, -2.5}, data64(t, g.Params["probs"]), tol64, 0)
	})
	t.Run("broadcast vs the formula", func(t *testing.T) {
		t.Parallel()
		for _, logits := range []bool{false, true} {
			r, p := sh(f64(0.5, 3, 40), 3, 1), f64(0.1, 0.5, 0.8, 0.95)
			par := p
			if logits {
				par = f64(math.Log(0.1/0.9), 0, math.Log(4), math.Log(19))
			}
			x := sh(f64(0, 1, 2, 5, 9, 30, 100, 2, 0, 7), 5, 2, 1, 1)
			d := must(newNegBinomial(r, par, logits))
			lp := must(d.LogProb(x))
			want := []int{5, 2, 3, 4}
			require.Equal(t, want, shapeOf(lp))
			ks, rs, ps := bcast(data64(t, x), []int{5, 2, 1, 1}, want), bcast(data64(t, r), []int{3, 1}, want), bcast(data64(t, p), []int{4}, want)
			ref := make([]float64, len(ks))
			for i := range ref {
				ref[i] = negBinomialRefLogPMF(ks[i], rs[i], ps[i])
			}
			// the oracle's lgamma sum cancels: up to ~ε·log Γ(140) ≈ 1e-13
			close(t, ref, data64(t, lp), 1e-12, 1e-13)
		}
	})
	t.Run("LogProbInto", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewNegativeBinomial(sh(f64(0.5, 3, 40), 3, 1), f64(0.1, 0.5)))
		x := sh(f64(0, 4, 2, 9), 2, 1, 2)
		dst := must(tensor.Zeros[float64](2, 3, 2))
		require.NoError(t, d.LogProbInto(dst, x))
		assert.Equal(t, data64(t, must(d.LogProb(x))), data64(t, dst))
	})
	t.Run("unvalidated values off the support: torch's formula", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewNegativeBinomial(s64(2.5), s64(0.3), distributions.WithValidation(false)))
		lp := data64(t, must(d.LogProb(f64(-1, -3, 1.5, -2.5))))
		// -1 and -3: lgamma(k+1) = +Inf; 1.5: the lgamma formula; -2.5: r+k
		// = 0, where torch sets the normaliser to 0.
		want := []float64{math.Inf(-1), math.Inf(-1), negBinomialRefLogPMF(1.5, 2.5, 0.3), -2.5*math.Log(0.3) + 2.5*math.Log1p(-0.3)}
		close(t, want, lp, 1e-14, 0)
	})
}

func TestNegativeBinomialErrors(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	tests := []struct {
		name       string
		tc, par, x *tensor.Dense
		logits     bool
		wantErr    error
		wantName   string
		wantIndex  []int
		wantMsg    []string
	}{
		{name: "total_count -1", tc: f64(1, -1), par: s64(0.5), wantErr: distributions.ErrParam, wantName: "total_count", wantIndex: []int{1},
			wantMsg: []string{"negative_binomial", "total_count", ">= 0", "[1]"}},
		{name: "total_count NaN", tc: s64(nan), par: s64(0.5), wantErr: distributions.ErrParam, wantName: "total_count", wantIndex: []int{}},
		{name: "probs 1", tc: s64(1), par: sh(f64(0.5, 0, 0.2, 1), 2, 2), wantErr: distributions.ErrParam, wantName: "probs", wantIndex: []int{1, 1},
			wantMsg: []string{"probs", "[0, 1)", "[1 1]"}},
		{name: "probs -0.1", tc: s64(1), par: f64(-0.1), wantErr: distributions.ErrParam, wantName: "probs", wantIndex: []int{0}},
		{name: "logits NaN", tc: s64(1), par: f64(0, nan), logits: true, wantErr: distributions.ErrParam, wantName: "logits", wantIndex: []int{1}},
		{name: "shapes (3) and (2)", tc: f64(1, 2, 3), par: f64(0.1, 0.2), wantErr: distributions.ErrShape, wantMsg: []string{"total_count and probs"}},
		{name: "mixed dtypes", tc: f32(1), par: f64(0.5), wantErr: distributions.ErrDType},
		{name: "value -1", tc: s64(2), par: s64(0.5), x: f64(0, -1), wantErr: distributions.ErrSupport, wantName: "value", wantIndex: []int{1}},
		{name: "value 1.5", tc: s64(2), par: s64(0.5), x: f64(1.5), wantErr: distributions.ErrSupport, wantName: "value", wantIndex: []int{0}},
		{name: "value +Inf", tc: s64(2), par: s64(0.5), x: f64(math.Inf(1)), wantErr: distributions.ErrSupport},
		{name: "value NaN", tc: s64(2), par: s64(0.5), x: f64(nan), wantErr: distributions.ErrSupport},
		{name: "value (4) vs batch (2, 3)", tc: sh(f64(1, 2), 2, 1), par: f64(0.1, 0.2, 0.3), x: f64(0, 0, 0, 0), wantErr: distributions.ErrShape},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := newNegBinomial(tc.tc, tc.par, tc.logits)
			if tc.x == nil {
				require.Nil(t, d)
			} else {
				require.NoError(t, err)
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
				assert.Equal(t, "negative_binomial", ce.Family)
				assert.Equal(t, tc.wantName, ce.Name)
				assert.Equal(t, tc.wantIndex, ce.Index)
			}
			for _, s := range tc.wantMsg {
				assert.Contains(t, err.Error(), s)
			}
		})
	}
}

func TestNegativeBinomialMoments(t *testing.T) {
	t.Parallel()
	rs, ps := []float64{0, 0.5, 1, 4.1584, 30.5}, []float64{0, 0.3729, 0.5, 0.99}
	for _, logits := range []bool{false, true} {
		t.Run(fmt.Sprintf("logits=%v", logits), func(t *testing.T) {
			par := make([]float64, len(ps))
			for i, p := range ps {
				par[i] = p
				if logits {
					par[i] = math.Log(p) - math.Log1p(-p)
				}
			}
			d := must(newNegBinomial(sh(f64(rs...), 5, 1), f64(par...), logits))
			batch := []int{5, 4}
			r, p := bcast(rs, []int{5, 1}, batch), bcast(ps, []int{4}, batch)
			mean, variance, std, mode := make([]float64, 20), make([]float64, 20), make([]float64, 20), make([]float64, 20)
			for i := range mean {
				mean[i] = r[i] * p[i] / (1 - p[i])
				variance[i] = mean[i] / (1 - p[i])
				std[i] = math.Sqrt(variance[i])
				mode[i] = math.Max(0, math.Floor((r[i]-1)*p[i]/(1-p[i])))
			}
			tol := tol64
			if logits { // p is σ(ℓ) of a rounded ℓ: 1/(1-p) amplifies its error at p = 0.99
				tol = 1e-13
			}
			close(t, mean, data64(t, must(d.Mean())), tol, 0)
			close(t, variance, data64(t, must(d.Variance())), tol, 0)
			close(t, std, data64(t, must(d.StdDev())), tol, 0)
			close(t, mode, data64(t, must(d.Mode())), 0, 0)
			close(t, p, bcast(data64(t, d.Probs()), []int{4}, batch), tol64, 0)
		})
	}
	t.Run("torch 1.13 golden modes", func(t *testing.T) {
		// floor((r-1)·e^ℓ) clamped at 0 (golden negative_binomial.json)
		d := must(distributions.NewNegativeBinomialLogits(f64(5.6279, 4.8599, 2.6444), sh(f64(-0.6353, 0.1996), 2, 1)))
		assert.Equal(t, []float64{2, 2, 0, 5, 4, 2}, data64(t, must(d.Mode())))
	})
	t.Run("accessors", func(t *testing.T) {
		tc, p := f64(1, 2), f64(0.25, 0.5)
		d := must(distributions.NewNegativeBinomial(tc, p))
		assert.Same(t, tc, d.TotalCount())
		assert.Same(t, p, d.Probs())
		close(t, []float64{-math.Log(3), 0}, data64(t, d.Logits()), tol64, 1e-300)
	})
}

// negBinomialGradCases: the parameters' shapes and log_prob's.
var negBinomialGradCases = []struct {
	name                string
	xShape, rShape, pSh []int
	out                 []int
}{
	{"r (3,1), p (4), x (2,3,4)", []int{2, 3, 4}, []int{3, 1}, []int{4}, []int{2, 3, 4}},
	{"r (4), p (3,1), x (2,1,1)", []int{2, 1, 1}, []int{4}, []int{3, 1}, []int{2, 3, 4}},
	{"all scalar", []int{}, []int{}, []int{}, []int{}},
}

// TestNegativeBinomialLogProbGrad compares LogProbGrad and LogProbVJP with
// central differences of the formula, continuous in k, r and p.
func TestNegativeBinomialLogProbGrad(t *testing.T) {
	t.Parallel()
	for ci, c := range negBinomialGradCases {
		for _, logits := range []bool{false, true} {
			for _, vjp := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/logits=%v/vjp=%v", c.name, logits, vjp), func(t *testing.T) {
					t.Parallel()
					rng := rand.New(rand.NewPCG(uint64(ci), 13))
					fill := func(shp []int, f func() float64) []float64 {
						v := make([]float64, sizeOf(shp))
						for i := range v {
							v[i] = f()
						}
						return v
					}
					x := fill(c.xShape, func() float64 { return float64(rng.IntN(12)) })
					r := fill(c.rShape, func() float64 { return 0.3 + 30*rng.Float64() })
					par := fill(c.pSh, func() float64 { return 0.05 + 0.9*rng.Float64() })
					if logits {
						for i, p := range par {
							par[i] = math.Log(p) - math.Log1p(-p)
						}
					}
					var w []float64
					if vjp {
						w = fill(c.out, func() float64 { return 4*rng.Float64() - 2 })
					}
					ref := func(x, r, par []float64) float64 {
						xs, rs, ps := bcast(x, c.xShape, c.out), bcast(r, c.rShape, c.out), bcast(par, c.pSh, c.out)
						s := 0.0
						for i := range xs {
							p := ps[i]
							if logits {
								p = 1 / (1 + math.Exp(-p))
							}
							// k moves off the integers here: keep the lgamma term
							lg := func(x float64) float64 { v, _ := math.Lgamma(x); return v }
							lp := lg(rs[i]+xs[i]) - lg(xs[i]+1) - lg(rs[i]) + xs[i]*math.Log(p) + rs[i]*math.Log1p(-p)
							if w != nil {
								lp *= w[i]
							}
							s += lp
						}
						return s
					}
					d := must(newNegBinomial(must(tensor.New(r, c.rShape...)), must(tensor.New(par, c.pSh...)), logits))
					xt := must(tensor.New(x, c.xShape...))
					var g *distributions.Gradient
					if vjp {
						g = must(d.LogProbVJP(xt, must(tensor.New(w, c.out...))))
					} else {
						g = must(d.LogProbGrad(xt))
					}
					pname := "probs"
					if logits {
						pname = "logits"
					}
					close(t, []float64{ref(x, r, par)}, []float64{g.LogProb}, 1e-12, 1e-12)
					wantX := centralDiff(func(v []float64) float64 { return ref(v, r, par) }, x, 1e-5)
					wantR := centralDiff(func(v []float64) float64 { return ref(x, v, par) }, r, 1e-5)
					wantP := centralDiff(func(v []float64) float64 { return ref(x, r, v) }, par, 1e-5)
					gotX, gotR, gotP := data64(t, g.Value), data64(t, g.Params["total_count"]), data64(t, g.Params[pname])
					close(t, wantX, gotX, gradTol, gradTol)
					close(t, wantR, gotR, gradTol, gradTol)
					close(t, wantP, gotP, gradTol, gradTol)
					t.Logf("max rel err vs central differences: x %.2g, total_count %.2g, %s %.2g",
						maxRelErr(wantX, gotX, 1), maxRelErr(wantR, gotR, 1), pname, maxRelErr(wantP, gotP, 1))
				})
			}
		}
	}
}

func TestNegativeBinomialFloat32(t *testing.T) {
	t.Parallel()
	for _, logits := range []bool{false, true} {
		r32, p32 := sh(f32(0.5, 3, 40), 3, 1), f32(0.1, 0.5, 0.8, 0.95)
		if logits {
			p32 = f32(-2, 0, 1.5, 3)
		}
		x32 := sh(f32(0, 1, 2, 5, 9, 30, 100, 2), 2, 1, 4)
		d32, d64 := must(newNegBinomial(r32, p32, logits)), must(newNegBinomial(to64(r32), to64(p32), logits))
		a, b := must(d32.LogProb(x32)), must(d64.LogProb(to64(x32)))
		require.Equal(t, tensor.Float32, a.Dtype())
		close(t, data64(t, b), data64(t, a), tol32, 0)
		for name, m := range map[string]func(*distributions.NegativeBinomial) (*tensor.Dense, error){
			"mean": (*distributions.NegativeBinomial).Mean, "variance": (*distributions.NegativeBinomial).Variance,
			"stddev": (*distributions.NegativeBinomial).StdDev, "mode": (*distributions.NegativeBinomial).Mode,
		} {
			m32, m64 := must(m(d32)), must(m(d64))
			require.Equal(t, tensor.Float32, m32.Dtype(), name)
			close(t, data64(t, m64), data64(t, m32), tol32, 0)
		}
		g32, g64 := must(d32.LogProbGrad(x32)), must(d64.LogProbGrad(to64(x32)))
		close(t, []float64{g64.LogProb}, []float64{g32.LogProb}, tol32, 0)
		close(t, data64(t, g64.Value), data64(t, g32.Value), tol32, 0)
		for name, v := range g64.Params {
			close(t, data64(t, v), data64(t, g32.Params[name]), tol32, 0)
		}
	}
}

// negBinomialChiSquare returns the p-value of Pearson's chi-square test of
// column j of a sample of shape (n, batch...) against NB(r, p): one cell
// per count from 0 while the cell expects at least 20 draws, neighbours
// merged below that, and the tail beyond in one last cell; the pmf is
// negBinomialRefLogPMF's.
func negBinomialChiSquare(t testing.TB, data []float64, j, stride int, r, p float64) float64 {
	t.Helper()
	n := len(data) / stride
	const minExp = 20
	var (
		probs  []float64
		cellOf []int64 // cell of count k
		acc    float64
		cum    float64
	)
	mean := r * p / (1 - p)
	for k := 0; ; k++ {
		pk := math.Exp(negBinomialRefLogPMF(float64(k), r, p))
		if float64(k) > mean && pk*float64(n) < 1e-9 { // the rest is the tail cell's
			break
		}
		cum += pk
		acc += pk
		cellOf = append(cellOf, int64(len(probs)))
		if acc*float64(n) >= minExp && (1-cum)*float64(n) >= minExp {
			probs = append(probs, acc)
			acc = 0
		}
	}
	probs = append(probs, max(0, 1-negBinomialSum(probs))) // the last cell: everything from its first count on
	draws := make([]int64, n)
	for i := range draws {
		k := data[i*stride+j]
		if !(k >= 0 && k == math.Floor(k)) { // not require.True: t.Helper per draw is slow
			t.Fatalf("draw %v", k)
		}
		c := int64(len(probs) - 1)
		if int(k) < len(cellOf) {
			c = min(cellOf[int(k)], c)
		}
		draws[i] = c
	}
	return chiSquareCategorical(t, draws, probs)
}

func negBinomialSum(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s
}

func TestNegativeBinomialSampleChiSquare(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		tc, p  *tensor.Dense
		logits bool
		seed   uint64
	}{
		{"r 4.1584, p 0.3729", s64(4.1584), s64(0.3729), false, 1},
		{"r 0.5, p 0.9: heavy tail", s64(0.5), s64(0.9), false, 2},
		{"r 1e-3: mostly zeros (gamma boost)", s64(1e-3), s64(0.7), false, 3},
		{"batch (2,2): r (2,1), p (2)", sh(f64(30, 1e4), 2, 1), f64(0.05, 0.5), false, 4},
		{"logits (2)", s64(2.5), f64(2, -1), true, 5},
		{"float32", s32(3), s32(0.5), false, 6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := must(newNegBinomial(tc.tc, tc.p, tc.logits))
			x := must(d.Sample(rand.NewPCG(tc.seed, 0x4b), nDraws))
			batch := d.BatchShape()
			require.Equal(t, append([]int{nDraws}, batch...), shapeOf(x))
			require.Equal(t, tc.tc.Dtype(), x.Dtype())
			rs := bcast(data64(t, tc.tc), shapeOf(tc.tc), batch)
			ps := bcast(data64(t, d.Probs()), shapeOf(d.Probs()), batch)
			data := data64(t, x)
			for j := range rs {
				pv := negBinomialChiSquare(t, data, j, len(rs), rs[j], ps[j])
				t.Logf("NB(%g, %.4g): chi-square p = %.3g", rs[j], ps[j], pv)
				assert.GreaterOrEqual(t, pv, pCritical, "NB(%g, %g)", rs[j], ps[j])
			}
		})
	}
	t.Run("power", func(t *testing.T) {
		// The test rejects a slightly wrong sampler: NB(4.1584, 0.3729)
		// draws tested as NB(4.1584, 0.38) or NB(4.3, 0.3729).
		t.Parallel()
		d := must(distributions.NewNegativeBinomial(s64(4.1584), s64(0.3729)))
		data := data64(t, must(d.Sample(rand.NewPCG(1, 0x4b), nDraws)))
		for _, alt := range [][2]float64{{4.1584, 0.38}, {4.3, 0.3729}} {
			pv := negBinomialChiSquare(t, data, 0, 1, alt[0], alt[1])
			t.Logf("NB(4.1584, 0.3729) draws as NB(%g, %g): chi-square p = %.3g", alt[0], alt[1], pv)
			assert.Less(t, pv, pCritical)
		}
	})
	t.Run("degenerate: r = 0 or p = 0", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewNegativeBinomial(f64(0, 3), f64(0.5, 0)))
		for _, v := range data64(t, must(d.Sample(rand.NewPCG(5, 6), 1000))) {
			require.Equal(t, 0.0, v)
		}
	})
}

func TestNegativeBinomialSampleShapesAndSeeds(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewNegativeBinomial(sh(f64(1, 2, 3), 3, 1), f64(0.2, 0.6)))
	for _, c := range []struct{ sample, want []int }{
		{nil, []int{3, 2}}, {[]int{4}, []int{4, 3, 2}}, {[]int{2, 0}, []int{2, 0, 3, 2}},
	} {
		assert.Equal(t, c.want, shapeOf(must(d.Sample(rand.NewPCG(1, 2), c.sample...))))
	}
	_, err := d.Sample(nil)
	require.ErrorIs(t, err, distributions.ErrNilSource)
	_, err = d.Sample(rand.NewPCG(1, 2), -1)
	require.ErrorIs(t, err, distributions.ErrShape)
	a := data64(t, must(d.Sample(rand.NewPCG(1, 2), 100)))
	b := data64(t, must(d.Sample(rand.NewPCG(1, 2), 100)))
	c := data64(t, must(d.Sample(rand.NewPCG(2, 2), 100)))
	assert.Equal(t, a, b, "same seed, same draws")
	assert.NotEqual(t, a, c)
}

// TestNegativeBinomialSampleGOMAXPROCS requires the same bits from one and
// from two goroutines above tensor.ParallelMin; it switches GOMAXPROCS, so
// it is not parallel.
func TestNegativeBinomialSampleGOMAXPROCS(t *testing.T) {
	const n = 1_000_000
	require.Greater(t, n, tensor.ParallelMin)
	d := must(distributions.NewNegativeBinomialLogits(f64(0.7, 25), f64(1, -0.5)))
	draw := func(procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		return data64(t, must(d.Sample(rand.NewPCG(42, 43), n/2)))
	}
	one, two := draw(1), draw(2)
	require.Len(t, one, n)
	assert.True(t, slices.Equal(one, two), "draws depend on GOMAXPROCS")
}

func TestNegativeBinomialExpand(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewNegativeBinomialLogits(sh(f64(1, 2), 2, 1), s64(0.5)))
	e, err := d.Expand([]int{4, 2, 3})
	require.NoError(t, err)
	require.IsType(t, &distributions.NegativeBinomial{}, e)
	assert.Equal(t, []int{4, 2, 3}, e.BatchShape())
	x := sh(f64(0, 3, 7), 1, 1, 3)
	lp := must(e.LogProb(x))
	close(t, bcast(data64(t, must(d.LogProb(x))), []int{1, 2, 3}, []int{4, 2, 3}), data64(t, lp), 0, 0)
	assert.Equal(t, []float64{0.5}, data64(t, e.(*distributions.NegativeBinomial).Logits()))
	_, err = d.Expand([]int{3, 3})
	require.ErrorIs(t, err, distributions.ErrShape)
}

func FuzzNegativeBinomial(f *testing.F) {
	for _, c := range []struct {
		r, p, k float64
		logits  bool
	}{
		{4.1584, 0.3729, 3, false}, {0, 0.5, 0, false}, {0, 0.5, 2, false}, {2, 0, 0, false}, {2, 0, 1, false},
		{-1, 0.5, 1, false}, {1, 1, 1, false}, {1, -0.1, 1, false}, {math.NaN(), 0.5, 1, false}, {1, 0.5, math.NaN(), false},
		{1, 0.5, -1, false}, {1, 0.5, 1.5, false}, {1e300, 0.5, 1e300, false}, {1e-300, 1e-300, 1, false},
		{2, 800, 0, true}, {2, -800, 1, true}, {2, math.Inf(1), 0, true}, {2, math.Inf(-1), 0, true}, {math.Inf(1), 0, 3, true},
	} {
		f.Add(c.r, c.p, c.k, c.logits)
	}
	f.Fuzz(func(t *testing.T, r, par, k float64, logits bool) {
		d, err := newNegBinomial(f64(r), f64(par), logits)
		okP := par >= 0 && par < 1
		if logits {
			okP = par == par
		}
		if !(r >= 0) || !okP {
			require.ErrorIs(t, err, distributions.ErrParam)
			var ce *distributions.ConstraintError
			require.ErrorAs(t, err, &ce)
			u := must(newNegBinomial(f64(r), f64(par), logits, distributions.WithValidation(false)))
			_, err = u.LogProb(f64(k))
			require.NoError(t, err)
			_, err = u.LogProbGrad(f64(k))
			require.NoError(t, err)
			return
		}
		require.NoError(t, err)
		lp, err := d.LogProb(f64(k))
		g, gerr := d.LogProbGrad(f64(k))
		if !(k >= 0 && k == math.Floor(k) && !math.IsInf(k, 1)) {
			require.ErrorIs(t, err, distributions.ErrSupport)
			require.ErrorIs(t, gerr, distributions.ErrSupport)
			return
		}
		require.NoError(t, err)
		require.NoError(t, gerr)
		got := data64(t, lp)[0]
		close(t, []float64{got}, []float64{g.LogProb}, 0, 0)
		require.False(t, math.IsNaN(got) && !math.IsInf(r, 1), "log p(%v | %v, %v) is NaN", k, r, par)
		require.False(t, got > 1e-12, "log p(%v | %v, %v) = %v > 0", k, r, par, got)
		p := par
		if logits {
			p = 1 / (1 + math.Exp(-par))
		}
		if r >= 1e-3 && r < 1e3 && k < 1e3 && p > 1e-3 && p < 0.999 {
			want := negBinomialRefLogPMF(k, r, p)
			close(t, []float64{want}, []float64{got}, 1e-11, 1e-11*(1+math.Abs(want)))
		}
		if r < 1e6 && k < 1e6 && p > 1e-6 && p < 1-1e-6 {
			s := data64(t, must(d.Sample(rand.NewPCG(1, 2), 3)))
			for _, v := range s {
				require.True(t, v >= 0 && v == math.Floor(v), "draw %v", v)
			}
		}
	})
}
