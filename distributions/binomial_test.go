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

// Reference values marked "mpmath" were computed with mpmath at 60 digits
// from the exact binary value of each float64 input, then rounded once.

var (
	_ distributions.Distribution      = (*distributions.Binomial)(nil)
	_ distributions.LogProbGrader     = (*distributions.Binomial)(nil)
	_ distributions.LogProbIntoer     = (*distributions.Binomial)(nil)
	_ distributions.SupportEnumerator = (*distributions.Binomial)(nil)
	_ distributions.Meaner            = (*distributions.Binomial)(nil)
	_ distributions.Variancer         = (*distributions.Binomial)(nil)
	_ distributions.StdDever          = (*distributions.Binomial)(nil)
	_ distributions.Moder             = (*distributions.Binomial)(nil)
	_ distributions.Entropier         = (*distributions.Binomial)(nil)
	_ distributions.Expander          = (*distributions.Binomial)(nil)
)

// newBinomial builds either form.
func newBinomial(n, param *tensor.Dense, logits bool, opts ...distributions.Option) (*distributions.Binomial, error) {
	if logits {
		return distributions.NewBinomialLogits(n, param, opts...)
	}
	return distributions.NewBinomial(n, param, opts...)
}

func TestBinomialCapabilities(t *testing.T) {
	t.Parallel()
	var d any = must(distributions.NewBinomial(s64(3), s64(0.5)))
	for name, ok := range map[string]bool{
		"rsample": func() bool { _, ok := d.(distributions.RSampler); return ok }(),
		"cdf":     func() bool { _, ok := d.(distributions.CDFer); return ok }(),
		"icdf":    func() bool { _, ok := d.(distributions.ICDFer); return ok }(),
	} {
		assert.False(t, ok, "torch 1.13's Binomial has no %s", name)
	}
	assert.True(t, distributions.HasEnumerateSupport(d.(distributions.Distribution)))
}

func TestBinomialLogProb(t *testing.T) {
	t.Parallel()
	inf := math.Inf(1)
	tests := []struct {
		name      string
		n, param  *tensor.Dense
		logits    bool
		x         *tensor.Dense
		wantShape []int
		want      []float64
	}{
		{name: "n 10, p 0.2908", n: s64(10), param: s64(0.2908), x: f64(3, 0, 5, 10), wantShape: []int{4},
			want: []float64{-1.3231907906608618, -3.436177047820842, -2.3642571030128616, -12.351195333227727}}, // mpmath
		{name: "p 0 and 1 exactly (torch clamps)", n: s64(5), param: sh(f64(0, 1), 2, 1), x: f64(0, 2, 5), wantShape: []int{2, 3},
			want: []float64{0, -inf, -inf, -inf, -inf, 0}},
		{name: "n 0", n: s64(0), param: f64(0, 0.5, 1), x: s64(0), wantShape: []int{3}, want: []float64{0, 0, 0}},
		{name: "n 1e6 (torch cancels to 1e-10)", n: s64(1e6), param: s64(0.5), x: f64(5e5, 499000, 1), wantShape: []int{3},
			want: []float64{-7.133546881626865, -9.133546214959665, -693133.3650493873}}, // mpmath
		{name: "n 1e15", n: s64(1e15), param: s64(0.3), x: f64(3e14, 3e14+2e7), wantShape: []int{2},
			want: []float64{-17.40800285652768, -18.36038381691988}}, // mpmath
		{name: "p 1e-300", n: s64(10), param: s64(1e-300), x: f64(0, 1, 2), wantShape: []int{3},
			want: []float64{-1e-299, -688.4729428052196, -1377.744393306657}}, // mpmath (10·log1p(-1e-300))
		{name: "logits ±30 (golden logits-extreme-30)", logits: true, n: s64(20), param: f64(-30, 30, -30, 30), x: f64(0, 20, 1, 19),
			wantShape: []int{4}, want: []float64{-1.8715245937679473e-12, -1.8715245937679473e-12, -27.004267726447882, -27.004267726447882}}, // mpmath
		{name: "logits ±800: p underflows", logits: true, n: s64(20), param: f64(800, 800, -800, -800), x: f64(19, 1, 1, 0),
			wantShape: []int{4}, want: []float64{-797.004267726446, -15197.004267726446, -797.004267726446, 0}}, // mpmath
		{name: "logits ±Inf", logits: true, n: s64(4), param: sh(f64(inf, -inf), 2, 1), x: f64(4, 0, 2), wantShape: []int{2, 3},
			want: []float64{0, -inf, -inf, -inf, 0, -inf}},
		{name: "n (3,1) vs p (2)", n: sh(f64(5, 10, 20), 3, 1), param: f64(0.429, 0.6882), x: sh(f64(0, 2, 3, 0, 20, 13), 3, 2),
			wantShape: []int{3, 2}, want: []float64{-2.8018303466306342, -1.940946445318851, -1.6739658226632015,
				-11.653933223584609, -16.9259672010824, -1.7572472229884202}}, // golden total-count-3x1-vs-probs-4 (Pyro)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := newBinomial(tc.n, tc.param, tc.logits)
			require.NoError(t, err)
			got, err := d.LogProb(tc.x)
			require.NoError(t, err)
			require.Equal(t, tc.wantShape, shapeOf(got))
			close(t, tc.want, data64(t, got), tol64, 0)
		})
	}
	t.Run("gonum grid", func(t *testing.T) {
		// gonum sums log C(n, k) + k·log p + (n-k)·log(1-p), exact to a
		// few ulps of its largest term: the tolerance is 8 ulps of that.
		t.Parallel()
		ps := []float64{1e-3, 0.05, 0.2908, 0.5, 0.77, 0.999}
		for _, n := range []float64{1, 7, 30, 100} {
			ks := seq(0, n, int(n)+1)
			d := must(distributions.NewBinomial(s64(n), sh(f64(ps...), len(ps), 1)))
			dl := must(distributions.NewBinomialLogits(s64(n), data64Logits(ps)))
			got, gotL := data64(t, must(d.LogProb(f64(ks...)))), data64(t, must(dl.LogProb(f64(ks...))))
			for i, p := range ps {
				for j, k := range ks {
					want := distuv.Binomial{N: n, P: p}.LogProb(k)
					lgn, _ := math.Lgamma(n + 1) // the largest of gonum's lgamma terms
					abs := 8 * 0x1p-52 * max(lgn, math.Abs(k*math.Log(p)), math.Abs((n-k)*math.Log1p(-p)))
					close(t, []float64{want}, []float64{got[i*len(ks)+j]}, 0, abs)
					// The logits form of the same p: ℓ = log p - log1p(-p)
					// carries an absolute error up to ε·(|log p| + |log q|),
					// which moves log p(k) by that times ∂/∂ℓ = k - np.
					dl := 0x1p-52 * (math.Abs(math.Log(p)) + math.Abs(math.Log1p(-p)))
					close(t, []float64{want}, []float64{gotL[i*len(ks)+j]}, 0, abs+2*dl*math.Abs(k-n*p))
				}
			}
		}
	})
	t.Run("without validation", func(t *testing.T) {
		// Outside {0, …, n}: -Inf; a non-integer inside: the continuous
		// extension, log Γ(11) - log Γ(3.5) - log Γ(8.5) + 2.5·log 0.3 +
		// 7.5·log 0.7.
		t.Parallel()
		d := must(distributions.NewBinomial(s64(10), s64(0.3), distributions.WithValidation(false)))
		got := data64(t, must(d.LogProb(f64(-1, 11, -0.5, 2.5))))
		close(t, []float64{math.Inf(-1), math.Inf(-1), math.Inf(-1), -1.3308223769278895}, got, 1e-14, 0) // mpmath
	})
}

// data64Logits returns the logits log(p/(1-p)) of ps as a (len, 1) array.
func data64Logits(ps []float64) *tensor.Dense {
	l := make([]float64, len(ps))
	for i, p := range ps {
		l[i] = math.Log(p) - math.Log1p(-p)
	}
	return sh(f64(l...), len(l), 1)
}

// TestBinomialApproxLogProb checks Pyro's shifted-Stirling log_prob under
// Settings.BinomialApproxLogProbTol: Pyro 1.8.6's own values (the golden
// approx-log-prob-tol-0.1 case), its error bound |approx - exact| ≤ tol
// (Pyro's test_binomial.py, n and k up to 200), and the exact path below
// tol 0.02.
func TestBinomialApproxLogProb(t *testing.T) {
	n, p := f64(50, 200, 1000), f64(0.2142, 0.4812, 0.6519)
	d := must(distributions.NewBinomial(n, p))
	exact := data64(t, must(d.LogProb(f64(20, 100, 500))))
	var approx, below []float64
	require.NoError(t, distributions.WithSettings(distributions.Settings{BinomialApproxSampleThresh: math.Inf(1), BinomialApproxLogProbTol: 0.1}, func() {
		approx = data64(t, must(d.LogProb(f64(20, 100, 500))))
	}))
	close(t, []float64{-6.559758041313728, -3.0164525878736583, -52.097283119152735}, approx, 1e-13, 0) // Pyro 1.8.6
	require.NoError(t, distributions.WithSettings(distributions.Settings{BinomialApproxSampleThresh: math.Inf(1), BinomialApproxLogProbTol: 0.0199}, func() {
		below = data64(t, must(d.LogProb(f64(20, 100, 500))))
	}))
	assert.Equal(t, exact, below, "below tol 0.02 log_prob is exact")

	ns := []float64{1, 2, 5, 17, 50, 200}
	for _, tol := range []float64{0.02, 0.05, 0.1, 0.5, 1} {
		worst := 0.0
		for _, nv := range ns {
			ks := seq(0, nv, int(nv)+1)
			db := must(distributions.NewBinomialLogits(s64(nv), f64(-2, 0, 0.7)))
			x := sh(f64(ks...), len(ks), 1)
			want := data64(t, must(db.LogProb(x)))
			var got []float64
			require.NoError(t, distributions.WithSettings(distributions.Settings{BinomialApproxSampleThresh: math.Inf(1), BinomialApproxLogProbTol: tol}, func() {
				got = data64(t, must(db.LogProb(x)))
			}))
			for i := range got {
				worst = max(worst, math.Abs(got[i]-want[i]))
			}
			close(t, want, got, 0, tol)
		}
		t.Logf("tol %g: max |approx - exact| = %.3g", tol, worst)
	}
}

func TestBinomialErrors(t *testing.T) {
	t.Parallel()
	nan, inf := math.NaN(), math.Inf(1)
	type constraint struct {
		name  string
		index []int
	}
	tests := []struct {
		name        string
		n, param, x *tensor.Dense // x nil: the constructor must fail
		logits      bool
		wantErr     error
		wantCons    *constraint
		wantMsg     []string
	}{
		{name: "total_count -2", n: f64(3, -2), param: s64(0.3), wantErr: distributions.ErrParam,
			wantCons: &constraint{"total_count", []int{1}}, wantMsg: []string{"binomial", "total_count", "non-negative integer", "[1]"}},
		{name: "total_count 2.5", n: s64(2.5), param: s64(0.3), wantErr: distributions.ErrParam, wantCons: &constraint{"total_count", []int{}}},
		{name: "total_count +Inf", n: s64(inf), param: s64(0.3), wantErr: distributions.ErrParam},
		{name: "total_count NaN", n: s64(nan), param: s64(0.3), wantErr: distributions.ErrParam},
		{name: "probs 1.2 at (1, 0)", n: s64(5), param: sh(f64(0.5, 0.5, 1.2, 1), 2, 2), wantErr: distributions.ErrParam,
			wantCons: &constraint{"probs", []int{1, 0}}, wantMsg: []string{"probs", "[0, 1]"}},
		{name: "probs NaN", n: s64(5), param: f64(nan), wantErr: distributions.ErrParam, wantCons: &constraint{"probs", []int{0}}},
		{name: "logits NaN", logits: true, n: s64(5), param: f64(0, nan), wantErr: distributions.ErrParam,
			wantCons: &constraint{"logits", []int{1}}, wantMsg: []string{"logits", "real"}},
		{name: "nil probs", n: s64(5), param: nil, wantErr: distributions.ErrParam},
		{name: "total_count (3) vs probs (2)", n: f64(1, 2, 3), param: f64(0.5, 0.5), wantErr: distributions.ErrShape},
		{name: "float32 total_count, float64 probs", n: s32(3), param: s64(0.5), wantErr: distributions.ErrDType},
		{name: "value 11 > n", n: s64(10), param: s64(0.3), x: f64(0, 11), wantErr: distributions.ErrSupport,
			wantCons: &constraint{"value", []int{1}}, wantMsg: []string{"value", "total_count"}},
		{name: "value above its own n", n: f64(5, 10), param: s64(0.3), x: sh(f64(3, 7, 6, 7), 2, 2), wantErr: distributions.ErrSupport,
			wantCons: &constraint{"value", []int{1, 0}}}, // 6 > 5
		{name: "value -1", n: s64(10), param: s64(0.3), x: s64(-1), wantErr: distributions.ErrSupport},
		{name: "value 2.5", n: s64(10), param: s64(0.3), x: s64(2.5), wantErr: distributions.ErrSupport},
		{name: "value NaN", n: s64(10), param: s64(0.3), x: f64(1, nan), wantErr: distributions.ErrSupport, wantCons: &constraint{"value", []int{1}}},
		{name: "value (4) vs batch (2)", n: s64(10), param: f64(0.3, 0.4), x: f64(0, 0, 0, 0), wantErr: distributions.ErrShape},
		{name: "float32 value", n: s64(10), param: s64(0.3), x: f32(1), wantErr: distributions.ErrDType},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var err error
			d, cerr := newBinomial(tc.n, tc.param, tc.logits)
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
				assert.Equal(t, "binomial", ce.Family)
				assert.Equal(t, tc.wantCons.name, ce.Name)
				assert.Equal(t, tc.wantCons.index, ce.Index)
			}
			for _, s := range tc.wantMsg {
				assert.Contains(t, err.Error(), s)
			}
		})
	}
	t.Run("spec", func(t *testing.T) {
		t.Parallel()
		for spec, want := range map[string]error{
			`{"family": "Binomial", "params": {"total_count": 3, "probs": 0.5, "logits": 0}}`: distributions.ErrParam,
			`{"family": "Binomial", "params": {"total_count": 3}}`:                            distributions.ErrParam,
			`{"family": "Binomial", "params": {"total_count": 2.5, "probs": 0.5}}`:            distributions.ErrParam,
			`{"family": "Binomial", "params": {"total_count": 3, "probs": 0.5, "rate": 1}}`:   distributions.ErrUnsupported,
		} {
			_, err := distributions.Build([]byte(spec))
			require.ErrorIs(t, err, want, spec)
		}
		// total_count defaults to 1, torch's default
		d, err := distributions.Build([]byte(`{"family": "Binomial", "params": {"logits": {"shape": [2], "data": [0, 1]}}}`))
		require.NoError(t, err)
		assert.Equal(t, []int{2}, d.BatchShape())
		assert.Equal(t, []float64{1}, data64(t, d.(*distributions.Binomial).TotalCount()))
		_, err = d.LogProb(s64(2))
		require.ErrorIs(t, err, distributions.ErrSupport)
		b, e, err := distributions.InferShapes("Binomial", map[string][]int{"total_count": {3, 1}, "probs": {4}})
		require.NoError(t, err)
		assert.Equal(t, []int{3, 4}, b)
		assert.Equal(t, []int{}, e)
	})
	t.Run("without validation, nothing raises", func(t *testing.T) {
		t.Parallel()
		u := must(distributions.NewBinomial(f64(-2, 2.5, 4), f64(1.5, 0.3, -0.1), distributions.WithValidation(false)))
		must(u.LogProb(s64(1)))
		must(u.LogProbGrad(s64(1)))
		x := data64(t, must(u.Sample(rand.NewPCG(1, 2), 3)))
		for _, v := range x {
			assert.True(t, math.IsNaN(v), "a draw outside the constraints is NaN, got %v", v)
		}
	})
}

func TestBinomialMoments(t *testing.T) {
	t.Parallel()
	t.Run("logits", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewBinomialLogits(s64(20), f64(-30, 30, 800, -800, 0, 1.5)))
		for name, c := range map[string]struct {
			f    func() (*tensor.Dense, error)
			want []float64
		}{ // mpmath; variance and stddev at ℓ = 30 are exact (torch's 1 - σ(30) is 1e-3 off)
			"mean":     {d.Mean, []float64{1.8715245937678596e-12, 19.999999999998128, 20, 0, 10, 16.351489523872875}},
			"variance": {d.Variance, []float64{1.8715245937676847e-12, 1.8715245937676847e-12, 0, 0, 5, 2.982929041406657}},
			"stddev":   {d.StdDev, []float64{1.368036766233892e-06, 1.368036766233892e-06, 8.564898813386749e-174, 8.564898813386749e-174, 2.23606797749979, 1.7271158158637356}},
			"mode":     {d.Mode, []float64{0, 20, 20, 0, 10, 17}},
			"entropy":  {d.Entropy, []float64{5.241067578050458e-11, 5.241067578050458e-11, 0, 0, 2.2234239158102627, 1.9503671690077935}},
		} {
			got := must(c.f())
			require.Equal(t, []int{6}, shapeOf(got), name)
			// a few ulps: products of correctly rounded factors, and
			// entropies summed over up to 21 terms
			close(t, c.want, data64(t, got), 1e-14, 0)
		}
	})
	t.Run("probs", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewBinomial(s64(10), f64(0.2908, 0, 1, 0.5)))
		close(t, []float64{2.908, 0, 10, 5}, data64(t, must(d.Mean())), tol64, 0)
		close(t, []float64{2.0623536000000002, 0, 0, 2.5}, data64(t, must(d.Variance())), tol64, 0)
		close(t, []float64{1.4360896907923266, 0, 0, 1.5811388300841898}, data64(t, must(d.StdDev())), tol64, 0)
		close(t, []float64{3, 0, 10, 5}, data64(t, must(d.Mode())), 0, 0)
		close(t, []float64{1.76884571052079, 0, 0, 1.8759536052468004}, data64(t, must(d.Entropy())), 1e-14, 0) // mpmath
		big := must(distributions.NewBinomial(s64(1000), s64(0.3)))
		close(t, []float64{4.092428571139494}, data64(t, must(big.Entropy())), 1e-13, 0) // mpmath; a sum of ~300 terms
	})
	t.Run("inhomogeneous total_count", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewBinomial(sh(f64(5, 10), 2, 1), f64(0.3, 0.6)))
		_, err := d.Entropy()
		require.ErrorIs(t, err, distributions.ErrUnsupported)
		_, err = d.EnumerateSupport(false)
		require.ErrorIs(t, err, distributions.ErrUnsupported)
		close(t, []float64{1.5, 3, 3, 6}, data64(t, must(d.Mean())), tol64, 0)
	})
	t.Run("empty batch", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewBinomial(f64(), s64(0.3)))
		assert.Equal(t, []int{0}, d.BatchShape())
		_, err := d.Entropy()
		require.ErrorIs(t, err, distributions.ErrUnsupported)
		_, err = d.EnumerateSupport(true)
		require.ErrorIs(t, err, distributions.ErrUnsupported)
		assert.Empty(t, data64(t, must(d.Mean())))
		assert.Empty(t, data64(t, must(d.Sample(rand.NewPCG(1, 2), 3))))
	})
	t.Run("accessors", func(t *testing.T) {
		t.Parallel()
		n, probs := s64(4), f64(0.25, 1)
		d := must(distributions.NewBinomial(n, probs))
		assert.Same(t, n, d.TotalCount())
		assert.Same(t, probs, d.Probs())
		close(t, []float64{-math.Log(3), math.Inf(1)}, data64(t, d.Logits()), tol64, 0)
		logits := f64(0, -math.Log(3))
		dl := must(distributions.NewBinomialLogits(nil, logits))
		assert.Same(t, logits, dl.Logits())
		close(t, []float64{0.5, 0.25}, data64(t, dl.Probs()), tol64, 0)
		assert.Equal(t, []float64{1}, data64(t, dl.TotalCount()), "nil total_count is torch's default 1")
	})
}

func TestBinomialEnumerateSupport(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewBinomial(s64(3), sh(f64(0.1, 0.5, 0.9, 0.2, 0.4, 0.6), 2, 3)))
	for _, expand := range []bool{false, true} {
		s, err := d.EnumerateSupport(expand)
		require.NoError(t, err)
		assert.Same(t, d, s.Owner())
		want := []int{4, 1, 1}
		if expand {
			want = []int{4, 2, 3}
		}
		require.Equal(t, want, shapeOf(s))
		vals := data64(t, s)
		m := len(vals) / 4
		for i, v := range vals {
			require.Equal(t, float64(i/m), v)
		}
		lp := must(d.LogProb(s))
		require.Equal(t, []int{4, 2, 3}, shapeOf(lp))
		// Σ_k p(k) = 1 in every batch element
		sums := make([]float64, 6)
		for i, v := range data64(t, lp) {
			sums[i%6] += math.Exp(v)
		}
		close(t, []float64{1, 1, 1, 1, 1, 1}, sums, 1e-15, 0)
	}
	e, err := distributions.Expand(d, []int{5, 2, 3})
	require.NoError(t, err)
	s := must(e.(distributions.SupportEnumerator).EnumerateSupport(false))
	assert.Equal(t, []int{4, 1, 1, 1}, shapeOf(s))
	f32d := must(distributions.NewBinomialLogits(s32(2), s32(0)))
	s = must(f32d.EnumerateSupport(true))
	assert.Equal(t, tensor.Float32, s.Dtype())
	assert.Equal(t, []float64{0, 1, 2}, data64(t, s))
}

func TestBinomialLogProbInto(t *testing.T) {
	t.Parallel()
	for _, dt := range []string{"f64", "f32"} {
		for _, logits := range []bool{false, true} {
			n, par, x := f64(3, 8, 20, 50), sh(f64(0.2, 0.5, 0.9), 3, 1), sh(f64(0, 1, 2, 7, 3, 0, 1, 40), 2, 1, 4)
			if logits {
				par = sh(f64(-2, 0, 3), 3, 1)
			}
			dst := must(tensor.Zeros[float64](2, 3, 4))
			if dt == "f32" {
				n, par, x, dst = to32(n), to32(par), to32(x), to32(dst)
			}
			d := must(newBinomial(n, par, logits, distributions.WithValidation(false)))
			lp := must(d.LogProb(x))
			require.NoError(t, d.LogProbInto(dst, x))
			require.Equal(t, data64(t, lp), data64(t, dst))
			require.ErrorIs(t, d.LogProbInto(must(tensor.Zeros[float64](24)), x), distributions.ErrShape)
		}
	}
}

// binomialGradCase is one form over total_count of shape nShape, the
// parameter of shape pShape and a value of shape xShape.
type binomialGradCase struct {
	name                   string
	logits                 bool
	xShape, nShape, pShape []int
	out                    []int
	upstreamShape          []int // nil: out
}

// binomialRefSum is Σ w·log p(k) over the broadcast with the textbook
// formula: log C(n, k) + k·log p + (n-k)·log(1-p), p = σ(ℓ) in the logits
// form. With logC false it leaves out log C(n, k), which Pyro computes
// without gradient: the function whose derivatives in k and n LogProbGrad
// returns.
func binomialRefSum(c binomialGradCase, x, n, par, w []float64, logC bool) float64 {
	xs, ns, ps := bcast(x, c.xShape, c.out), bcast(n, c.nShape, c.out), bcast(par, c.pShape, c.out)
	var s float64
	for i := range xs {
		k, nv, p := xs[i], ns[i], ps[i]
		if c.logits {
			p = 1 / (1 + math.Exp(-p))
		}
		lp := k*math.Log(p) + (nv-k)*math.Log1p(-p)
		if logC {
			a, _ := math.Lgamma(nv + 1)
			b, _ := math.Lgamma(k + 1)
			d, _ := math.Lgamma(nv - k + 1)
			lp += a - b - d
		}
		if w != nil {
			lp *= w[i]
		}
		s += lp
	}
	return s
}

func TestBinomialLogProbGrad(t *testing.T) {
	t.Parallel()
	cases := []binomialGradCase{
		{name: "probs (3,1), n (4), x (2,1,4)", xShape: []int{2, 1, 4}, nShape: []int{4}, pShape: []int{3, 1}, out: []int{2, 3, 4}},
		{name: "probs (4), n scalar, x (3,1)", xShape: []int{3, 1}, nShape: []int{}, pShape: []int{4}, out: []int{3, 4}, upstreamShape: []int{3, 1}},
		{name: "logits (3,1), n (3,4), x (2,1,4)", logits: true, xShape: []int{2, 1, 4}, nShape: []int{3, 4}, pShape: []int{3, 1}, out: []int{2, 3, 4}},
		{name: "logits (2,3,4), n (4), x scalar", logits: true, xShape: []int{}, nShape: []int{4}, pShape: []int{2, 3, 4}, out: []int{2, 3, 4}, upstreamShape: []int{4}},
	}
	for m, c := range cases {
		for _, vjp := range []bool{false, true} {
			name := c.name
			if vjp {
				name += "/vjp"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				r := rand.New(rand.NewPCG(uint64(m), 41))
				n := make([]float64, sizeOf(c.nShape))
				for i := range n {
					n[i] = float64(12 + r.IntN(20))
				}
				x := make([]float64, sizeOf(c.xShape))
				for i := range x {
					x[i] = float64(r.IntN(12)) // below every n
				}
				par := make([]float64, sizeOf(c.pShape))
				for i := range par {
					if c.logits {
						par[i] = -3 + 6*r.Float64()
					} else {
						par[i] = 0.1 + 0.8*r.Float64()
					}
				}
				d := must(newBinomial(must(tensor.New(n, c.nShape...)), must(tensor.New(par, c.pShape...)), c.logits))
				pname := "probs"
				if c.logits {
					pname = "logits"
				}
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
				require.NoError(t, err)
				close(t, []float64{binomialRefSum(c, x, n, par, w, true)}, []float64{g.LogProb}, 1e-13, 0)
				require.Len(t, g.Params, 2)
				require.Equal(t, c.xShape, shapeOf(g.Value))
				require.Equal(t, c.nShape, shapeOf(g.Params["total_count"]))
				require.Equal(t, c.pShape, shapeOf(g.Params[pname]))
				wantP := centralDiff(func(v []float64) float64 { return binomialRefSum(c, x, n, v, w, true) }, par, 1e-5)
				wantX := centralDiff(func(v []float64) float64 { return binomialRefSum(c, v, n, par, w, false) }, x, 1e-5)
				wantN := centralDiff(func(v []float64) float64 { return binomialRefSum(c, x, v, par, w, false) }, n, 1e-5)
				for _, v := range [][]float64{wantP, wantX, wantN} {
					requireFinite(t, v)
				}
				gotP, gotX, gotN := data64(t, g.Params[pname]), data64(t, g.Value), data64(t, g.Params["total_count"])
				close(t, wantP, gotP, gradTol, gradTol)
				close(t, wantX, gotX, gradTol, gradTol)
				close(t, wantN, gotN, gradTol, gradTol)
				t.Logf("max rel err vs central differences: %s %.2g, x %.2g, total_count %.2g",
					pname, maxRelErr(wantP, gotP, 1), maxRelErr(wantX, gotX, 1), maxRelErr(wantN, gotN, 1))
			})
		}
	}
	t.Run("analytic partials", func(t *testing.T) {
		t.Parallel()
		// Golden probs-scalar-n10 at k = 3 (Pyro's autograd); at the
		// logits of golden logits-extreme-30, k - n·σ(ℓ) computed as
		// k·σ(-ℓ) - (n-k)·σ(ℓ) keeps σ(∓30) whole (mpmath; torch's, in the
		// golden file, are 4e-4 and 8e-16 off, within its atol).
		d := must(distributions.NewBinomial(s64(10), s64(0.2908)))
		g := must(d.LogProbGrad(s64(3)))
		close(t, []float64{0.44609227050104133}, data64(t, g.Params["probs"]), 1e-14, 0)
		dl := must(distributions.NewBinomialLogits(s64(20), f64(-30, 30, -30, 30)))
		g = must(dl.LogProbGrad(f64(0, 20, 1, 19)))
		close(t, []float64{-1.8715245937678596e-12, 1.8715245937678596e-12, 0.9999999999981285, -0.9999999999981285}, data64(t, g.Params["logits"]), 1e-14, 0)
		close(t, []float64{-30, 30, -30, 30}, data64(t, g.Value), tol64, 0) // ∂/∂k = ℓ
		// p = 0 and 1: ∂/∂p = -n at k = 0, p = 0 and n at k = n, p = 1,
		// finite where log p(k) = 0; ∂/∂n = log(1-p).
		d = must(distributions.NewBinomial(s64(4), f64(0, 1)))
		g = must(d.LogProbGrad(f64(0, 4)))
		close(t, []float64{-4, 4}, data64(t, g.Params["probs"]), 0, 0)
		close(t, []float64{math.Inf(-1)}, data64(t, g.Params["total_count"]), 0, 0)
		// Masked (upstream 0) -Inf entries add exactly 0.
		g = must(d.LogProbVJP(f64(2, 2), f64(0, 0)))
		assert.Equal(t, 0.0, g.LogProb)
		assert.Equal(t, []float64{0, 0}, data64(t, g.Params["probs"]))
	})
}

// TestBinomialFloat32 evaluates both forms in float32 and float64 on the
// same inputs; the kernels compute in float64 and round once: tol32.
func TestBinomialFloat32(t *testing.T) {
	t.Parallel()
	x32 := sh(f32(0, 1, 4, 3, 2, 9, 0, 1), 2, 1, 4)
	n32 := f32(5, 9, 12, 20)
	for _, f := range []struct {
		name, pname string
		logits      bool
		param       *tensor.Dense
	}{
		{"probs", "probs", false, sh(f32(0.05, 0.3, 0.9), 3, 1)},
		{"logits", "logits", true, sh(f32(-4, 0.5, 3), 3, 1)},
	} {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			d32 := must(newBinomial(n32, f.param, f.logits))
			d64 := must(newBinomial(to64(n32), to64(f.param), f.logits))
			a, b := must(d32.LogProb(x32)), must(d64.LogProb(to64(x32)))
			require.Equal(t, tensor.Float32, a.Dtype())
			close(t, data64(t, b), data64(t, a), tol32, 0)
			for name, m := range map[string]func(*distributions.Binomial) (*tensor.Dense, error){
				"mean": (*distributions.Binomial).Mean, "variance": (*distributions.Binomial).Variance,
				"stddev": (*distributions.Binomial).StdDev, "mode": (*distributions.Binomial).Mode,
			} {
				m32, m64 := must(m(d32)), must(m(d64))
				require.Equal(t, tensor.Float32, m32.Dtype(), name)
				close(t, data64(t, m64), data64(t, m32), tol32, 0)
			}
			g32, g64 := must(d32.LogProbGrad(x32)), must(d64.LogProbGrad(to64(x32)))
			close(t, []float64{g64.LogProb}, []float64{g32.LogProb}, tol32, 0)
			close(t, data64(t, g64.Value), data64(t, g32.Value), tol32, 0)
			for _, p := range []string{f.pname, "total_count"} {
				require.Equal(t, tensor.Float32, g32.Params[p].Dtype())
				close(t, data64(t, g64.Params[p]), data64(t, g32.Params[p]), tol32, 0)
			}
			e32 := must(must(newBinomial(s32(12), f.param, f.logits)).Entropy())
			e64 := must(must(newBinomial(s64(12), to64(f.param), f.logits)).Entropy())
			close(t, data64(t, e64), data64(t, e32), tol32, 0)
		})
	}
}

// binomialChiSquareOf tests column j against Binomial(n, p), gonum's pmf,
// over n·p ± 12 standard deviations (and at least 40 values).
func binomialChiSquareOf(t testing.TB, data []float64, j, stride int, n, p float64) float64 {
	sd := math.Sqrt(n * p * (1 - p))
	lo, hi := max(0, int(n*p-12*sd-20)), min(int(n), int(n*p+12*sd+20))
	pmf := distuv.Binomial{N: n, P: p}
	return poissonChiSquare(t, poissonColumn(data, j, stride), lo, hi, func(k int) float64 { return pmf.Prob(float64(k)) })
}

func TestBinomialSampleChiSquare(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		n, param *tensor.Dense
		logits   bool
		seed     uint64
	}{
		// inversion where n·min(p, q) < 10, BTRS above; p > ½ drawn as n - k
		{"n (4,1) × p (4)", sh(f64(1, 20, 1000, 1e6), 4, 1), f64(1e-3, 0.3, 0.5, 0.99), false, 1},
		{"logits, n 60", s64(60), f64(-4, 0.2, 3), true, 2},
		{"float32 n 200", s32(200), f32(0.04, 0.7), false, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := must(newBinomial(tc.n, tc.param, tc.logits))
			x, err := d.Sample(rand.NewPCG(tc.seed, 0xb1), nDraws)
			require.NoError(t, err)
			require.Equal(t, append([]int{nDraws}, d.BatchShape()...), shapeOf(x))
			require.Equal(t, tc.param.Dtype(), x.Dtype())
			batch := d.BatchShape()
			stride := sizeOf(batch)
			ns := bcast(data64(t, tc.n), shapeOf(tc.n), batch)
			ps := bcast(data64(t, d.Probs()), shapeOf(tc.param), batch)
			data := data64(t, x)
			for j := range stride {
				pv := binomialChiSquareOf(t, data, j, stride, ns[j], ps[j])
				t.Logf("Binomial(%g, %.4g): chi-square p = %.3g", ns[j], ps[j], pv)
				assert.GreaterOrEqual(t, pv, pCritical, "Binomial(%g, %g)", ns[j], ps[j])
			}
		})
	}
	t.Run("power", func(t *testing.T) {
		// The test rejects a slightly wrong sampler: draws of
		// Binomial(20, 0.3) (inversion) and Binomial(1000, 0.3) (BTRS)
		// tested as p = 0.306 and 0.303.
		t.Parallel()
		d := must(distributions.NewBinomial(f64(20, 1000), s64(0.3)))
		x, err := d.Sample(rand.NewPCG(1, 0xb1), nDraws)
		require.NoError(t, err)
		data := data64(t, x)
		for j, alt := range [][2]float64{{20, 0.306}, {1000, 0.303}} {
			pv := binomialChiSquareOf(t, data, j, 2, alt[0], alt[1])
			t.Logf("draws tested as Binomial(%g, %g): chi-square p = %.3g", alt[0], alt[1], pv)
			assert.Less(t, pv, pCritical)
		}
	})
	t.Run("certain outcomes and huge n", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewBinomialLogits(f64(0, 7, 7, 1e15), f64(0.3, math.Inf(-1), math.Inf(1), 0.3)))
		x := data64(t, must(d.Sample(rand.NewPCG(5, 6), 2000)))
		var sum float64
		p := 1 / (1 + math.Exp(-0.3))
		for i := 0; i < len(x); i += 4 {
			require.Equal(t, []float64{0, 0, 7}, x[i:i+3])
			require.Equal(t, math.Floor(x[i+3]), x[i+3])
			sum += x[i+3] - 1e15*p
		}
		// BTRS is O(1) in n: 2000 draws at n = 1e15, mean within 6 s.e.
		se := math.Sqrt(1e15*p*(1-p)) / math.Sqrt(2000)
		assert.Less(t, math.Abs(sum/2000), 6*se)
	})
}

// TestBinomialSampleApprox checks Pyro's clamped, moment-matched Poisson
// above Settings.BinomialApproxSampleThresh against the law it defines:
// with v = npq and s = round(n·min(p,q) - v), the draw is
// min(Y + s, n) for p < q and n - min(Y + s, n) otherwise, Y ~ Poisson(v);
// counts up to the threshold stay exact.
func TestBinomialSampleApprox(t *testing.T) {
	n, p := f64(50, 1000, 1e6), f64(0.3, 0.7, 0.5)
	d := must(distributions.NewBinomial(n, p))
	var x *tensor.Dense
	require.NoError(t, distributions.WithSettings(distributions.Settings{BinomialApproxSampleThresh: 100}, func() {
		x = must(d.Sample(rand.NewPCG(7, 0xb1), nDraws))
	}))
	data := data64(t, x)
	pv := binomialChiSquareOf(t, data, 0, 3, 50, 0.3)
	t.Logf("n 50 ≤ thresh, exact: chi-square p = %.3g", pv)
	assert.GreaterOrEqual(t, pv, pCritical)
	for j, c := range []struct{ n, v, top float64 }{
		{1000, 210, 910},      // p > q: n - (Y + 90), s = round(300 - 210)
		{1e6, 250000, 750000}, // p = q: n - (Y + 250000)
	} {
		pmf := distuv.Poisson{Lambda: c.v}
		lo, hi := poissonRange(c.v)
		col := poissonColumn(data, j+1, 3)
		for i, k := range col {
			col[i] = c.top - k // Y
		}
		pv := poissonChiSquare(t, col, lo, hi, func(k int) float64 { return pmf.Prob(float64(k)) })
		t.Logf("n %g > thresh, Pyro's Poisson approximation: chi-square p = %.3g", c.n, pv)
		assert.GreaterOrEqual(t, pv, pCritical)
	}
}

func TestBinomialSampleShapesAndSeeds(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewBinomial(sh(f64(3, 30, 300), 3, 1), s64(0.4)))
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
		return data64(t, must(d.Sample(rand.NewPCG(seed, 3), 200)))
	}
	a, b, c := drawn(1), drawn(1), drawn(2)
	assert.Equal(t, a, b, "same seed, same draws")
	assert.NotEqual(t, a, c, "another seed, other draws")
}

// TestBinomialSampleGOMAXPROCS requires the same bits from one and from two
// goroutines above tensor.ParallelMin; it switches GOMAXPROCS, so it is not
// parallel.
func TestBinomialSampleGOMAXPROCS(t *testing.T) {
	const n = 1_000_000
	require.Greater(t, n, tensor.ParallelMin)
	d := must(distributions.NewBinomialLogits(f64(5, 40, 1000, 1e6), f64(-1, 0.5, 2, -3)))
	drawn := func(procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		return data64(t, must(d.Sample(rand.NewPCG(42, 43), n/4)))
	}
	one, two := drawn(1), drawn(2)
	require.Len(t, one, n)
	assert.True(t, slices.Equal(one, two), "draws depend on GOMAXPROCS")
}

func TestBinomialExpand(t *testing.T) {
	t.Parallel()
	for _, logits := range []bool{false, true} {
		n, par := s64(6), sh(f64(0.2, 0.7), 2, 1)
		d := must(newBinomial(n, par, logits))
		assert.False(t, distributions.HasRSample(d))
		e, err := distributions.Expand(d, []int{3, 2, 4})
		require.NoError(t, err)
		b, ok := e.(*distributions.Binomial)
		require.True(t, ok, "native Expand keeps the family, got %T", e)
		assert.Equal(t, []int{3, 2, 4}, b.BatchShape())
		assert.Same(t, n, b.TotalCount())
		x := s64(3)
		lp := data64(t, must(b.LogProb(x)))
		require.Len(t, lp, 24)
		base := data64(t, must(d.LogProb(x)))
		for i, v := range lp {
			require.Equal(t, base[(i/4)%2], v)
		}
		_, err = distributions.Expand(d, []int{3, 4})
		require.ErrorIs(t, err, distributions.ErrShape)
	}
}

func FuzzBinomial(f *testing.F) {
	for _, c := range [][3]float64{
		{10, 0.2908, 3}, {0, 0.5, 0}, {5, 0, 0}, {5, 1, 5}, {5, 0, 2}, {1e6, 0.5, 5e5}, {1e15, 0.3, 3e14},
		{-2, 0.3, 0}, {2.5, 0.3, 1}, {10, 1.2, 1}, {10, math.NaN(), 1}, {10, 0.3, 11}, {10, 0.3, 2.5},
		{10, 0.3, math.NaN()}, {20, 30, 19}, {20, -800, 1}, {1e300, 0.5, 1}, {math.Inf(1), 0.5, 1},
	} {
		f.Add(c[0], c[1], c[2])
	}
	f.Fuzz(func(t *testing.T, n, p, k float64) {
		nOK := n >= 0 && n == math.Floor(n) && !math.IsInf(n, 1)
		inSupport := nOK && k >= 0 && k <= n && k == math.Floor(k)
		for _, logits := range []bool{false, true} {
			pOK := p >= 0 && p <= 1
			if logits {
				pOK = !math.IsNaN(p)
			}
			d, err := newBinomial(s64(n), s64(p), logits)
			if !nOK || !pOK {
				require.ErrorIs(t, err, distributions.ErrParam)
				var ce *distributions.ConstraintError
				require.ErrorAs(t, err, &ce)
				u := must(newBinomial(s64(n), s64(p), logits, distributions.WithValidation(false)))
				must(u.LogProb(s64(k)))
				must(u.LogProbGrad(s64(k)))
				must(u.Sample(rand.NewPCG(1, 2), 3))
				continue
			}
			require.NoError(t, err)
			lp, err := d.LogProb(s64(k))
			g, gerr := d.LogProbGrad(s64(k))
			if !inSupport {
				require.ErrorIs(t, err, distributions.ErrSupport)
				require.ErrorIs(t, gerr, distributions.ErrSupport)
				continue
			}
			require.NoError(t, err)
			require.NoError(t, gerr)
			got := data64(t, lp)[0]
			close(t, []float64{got}, []float64{g.LogProb}, 0, 0)
			require.False(t, math.IsNaN(got), "log p(%v | %v, %v) is NaN", k, n, p)
			require.LessOrEqual(t, got, 0.0, "a probability above 1")
			pr := p
			if logits {
				pr = 1 / (1 + math.Exp(-p))
			}
			if !logits && n < 1e4 && pr > 1e-300 && pr < 1 {
				// against the textbook sum: a few ulps of its largest term
				want := distuv.Binomial{N: n, P: pr}.LogProb(k)
				lgn, _ := math.Lgamma(n + 1) // the largest of gonum's lgamma terms
				abs := 8 * 0x1p-52 * max(lgn, math.Abs(k*math.Log(pr)), math.Abs((n-k)*math.Log1p(-pr)))
				close(t, []float64{want}, []float64{got}, 0, abs)
			}
			x := data64(t, must(d.Sample(rand.NewPCG(1, 2), 4)))
			for _, v := range x {
				require.True(t, v >= 0 && v <= n && v == math.Floor(v), "draw %v of Binomial(%v, %v)", v, n, p)
			}
			m := data64(t, must(d.Mean()))[0]
			require.True(t, m >= 0 && m <= n, "mean %v", m)
		}
	})
}

func ExampleBinomial_LogProb() {
	d, err := distributions.NewBinomial(tensor.Scalar(4.0), tensor.Vector(0.5, 1.0))
	if err != nil {
		log.Fatal(err)
	}
	k, err := tensor.New([]float64{2, 4}, 2, 1)
	if err != nil {
		log.Fatal(err)
	}
	lp, err := d.LogProb(k)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(lp.Shape())
	fmt.Printf("%.4f\n", lp.Float64s())
	s, err := d.EnumerateSupport(false)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s.Shape(), s.Float64s())
	// Output:
	// (2, 2)
	// [-0.9808 -Inf -2.7726 0.0000]
	// (5, 1) [0 1 2 3 4]
}
