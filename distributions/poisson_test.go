package distributions_test

import (
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sort"
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
	_ distributions.Distribution  = (*distributions.Poisson)(nil)
	_ distributions.LogProbGrader = (*distributions.Poisson)(nil)
	_ distributions.LogProbIntoer = (*distributions.Poisson)(nil)
	_ distributions.Meaner        = (*distributions.Poisson)(nil)
	_ distributions.Variancer     = (*distributions.Poisson)(nil)
	_ distributions.StdDever      = (*distributions.Poisson)(nil)
	_ distributions.Moder         = (*distributions.Poisson)(nil)
	_ distributions.Expander      = (*distributions.Poisson)(nil)
)

func TestPoissonCapabilities(t *testing.T) {
	t.Parallel()
	var d any = must(distributions.NewPoisson(s64(2)))
	for name, ok := range map[string]bool{
		"rsample":           func() bool { _, ok := d.(distributions.RSampler); return ok }(),
		"enumerate_support": func() bool { _, ok := d.(distributions.SupportEnumerator); return ok }(),
		"entropy":           func() bool { _, ok := d.(distributions.Entropier); return ok }(),
		"cdf":               func() bool { _, ok := d.(distributions.CDFer); return ok }(),
		"icdf":              func() bool { _, ok := d.(distributions.ICDFer); return ok }(),
	} {
		assert.False(t, ok, "torch 1.13's Poisson has no %s", name)
	}
}

func TestPoissonLogProb(t *testing.T) {
	t.Parallel()
	inf := math.Inf(1)
	tests := []struct {
		name      string
		rate, x   *tensor.Dense
		wantShape []int
		want      []float64
	}{
		{name: "rate 3.0147", rate: s64(3.0147), x: f64(0, 1, 2, 10), wantShape: []int{4},
			want: []float64{-3.0147, -1.9111996772591142, -1.500846535078174, -7.084109345666659}}, // mpmath
		{name: "rate 0: 0·log 0 = 0", rate: f64(0, 1), x: sh(f64(0, 1, 3), 3, 1), wantShape: []int{3, 2},
			want: []float64{0, -1, -inf, -1, -inf, -2.791759469228055}}, // mpmath
		{name: "rate 1e6 (torch cancels to 1e-10)", rate: s64(1e6), x: f64(1e6, 999000, 1003000), wantShape: []int{3},
			want: []float64{-7.826693895520143, -8.326360395486802, -12.323698387635039}}, // mpmath
		{name: "rate 1e15", rate: s64(1e15), x: f64(1e15, 1e15+3e7), wantShape: []int{2},
			want: []float64{-18.188326730660016, -18.638326741160014}}, // mpmath
		{name: "tiny rates", rate: f64(1e-300, 1e-300, 1e-300, 5e-324), x: f64(0, 1, 50, 1), wantShape: []int{4},
			want: []float64{-1e-300, -690.7755278982137, -34687.25416186246, -744.4400719213812}}, // mpmath
		{name: "huge count", rate: s64(1), x: s64(1e300), wantShape: []int{}, want: []float64{-6.897755278982137e+302}}, // mpmath
		{name: "rate +Inf", rate: s64(inf), x: f64(0, 3), wantShape: []int{2}, want: []float64{-inf, -inf}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, newD := range []func(*tensor.Dense, ...distributions.Option) (*distributions.Poisson, error){
				distributions.NewPoisson, distributions.NewPoissonSparse,
			} {
				d, err := newD(tc.rate)
				require.NoError(t, err)
				got, err := d.LogProb(tc.x)
				require.NoError(t, err)
				require.Equal(t, tc.wantShape, shapeOf(got))
				close(t, tc.want, data64(t, got), tol64, 0)
			}
		})
	}
	t.Run("gonum grid", func(t *testing.T) {
		// gonum sums k·log λ - λ - lgamma(k+1), exact to a few ulps of the
		// largest term: the tolerance is 8 ulps of that term.
		t.Parallel()
		rates := []float64{0.05, 0.5, 1, 2.2, 4.8, 9.99, 10, 17.3, 33.3, 50}
		ks := seq(0, 80, 81)
		d := must(distributions.NewPoisson(sh(f64(rates...), len(rates), 1)))
		got := data64(t, must(d.LogProb(f64(ks...))))
		for i, lam := range rates {
			for j, k := range ks {
				lg, _ := math.Lgamma(k + 1)
				want := distuv.Poisson{Lambda: lam}.LogProb(k)
				abs := 8 * 0x1p-52 * max(math.Abs(k*math.Log(lam)), lam, lg)
				close(t, []float64{want}, []float64{got[i*len(ks)+j]}, 0, abs)
			}
		}
	})
	t.Run("without validation", func(t *testing.T) {
		// Negative counts score -Inf; non-integers the continuous extension
		// (torch's lgamma): 2.5·log 3 - 3 - lgamma(3.5).
		t.Parallel()
		d := must(distributions.NewPoisson(s64(3), distributions.WithValidation(false)))
		got := data64(t, must(d.LogProb(f64(-1, -0.5, 2.5))))
		close(t, []float64{math.Inf(-1), math.Inf(-1), -1.4544428806768}, got, tol64, 0) // mpmath
		u := must(distributions.NewPoisson(f64(-1, math.NaN()), distributions.WithValidation(false)))
		got = data64(t, must(u.LogProb(f64(2, 2))))
		assert.True(t, math.IsNaN(got[0]) && math.IsNaN(got[1]), "rate outside the constraint: NaN, as torch's xlogy gives")
	})
}

func TestPoissonErrors(t *testing.T) {
	t.Parallel()
	nan, inf := math.NaN(), math.Inf(1)
	type constraint struct {
		name  string
		index []int
	}
	tests := []struct {
		name     string
		rate, x  *tensor.Dense // x nil: the constructor must fail
		wantErr  error
		wantCons *constraint
		wantMsg  []string
	}{
		{name: "rate -1", rate: f64(1, -1), wantErr: distributions.ErrParam,
			wantCons: &constraint{"rate", []int{1}}, wantMsg: []string{"poisson", "rate", ">= 0", "[1]"}},
		{name: "rate NaN at (1, 0)", rate: sh(f64(1, 2, nan, 3), 2, 2), wantErr: distributions.ErrParam,
			wantCons: &constraint{"rate", []int{1, 0}}},
		{name: "nil rate", rate: nil, wantErr: distributions.ErrParam},
		{name: "value -1", rate: s64(2), x: f64(0, -1), wantErr: distributions.ErrSupport,
			wantCons: &constraint{"value", []int{1}}, wantMsg: []string{"value", "non-negative integer"}},
		{name: "value 1.5", rate: s64(2), x: s64(1.5), wantErr: distributions.ErrSupport, wantCons: &constraint{"value", []int{}}},
		{name: "value +Inf", rate: s64(2), x: f64(inf), wantErr: distributions.ErrSupport},
		{name: "value NaN", rate: s64(2), x: f64(1, 2, nan), wantErr: distributions.ErrSupport, wantCons: &constraint{"value", []int{2}}},
		{name: "value (4) vs batch (2)", rate: f64(1, 2), x: f64(0, 0, 0, 0), wantErr: distributions.ErrShape},
		{name: "float32 value", rate: s64(2), x: f32(1), wantErr: distributions.ErrDType},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var err error
			d, cerr := distributions.NewPoisson(tc.rate)
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
				assert.Equal(t, "poisson", ce.Family)
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
			`{"family": "Poisson", "params": {}}`:                                  distributions.ErrParam,
			`{"family": "Poisson", "params": {"rate": -1}}`:                        distributions.ErrParam,
			`{"family": "Poisson", "params": {"rate": 1, "is_sparse": 0.5}}`:       distributions.ErrParam,
			`{"family": "Poisson", "params": {"rate": 1, "validate_args": false}}`: distributions.ErrUnsupported,
		} {
			_, err := distributions.Build([]byte(spec))
			require.ErrorIs(t, err, want, spec)
		}
		for spec, sparse := range map[string]bool{
			`{"family": "Poisson", "params": {"rate": {"shape": [2], "data": [1, 2]}}}`:                     false,
			`{"family": "Poisson", "params": {"rate": {"shape": [2], "data": [1, 2]}, "is_sparse": false}}`: false,
			`{"family": "Poisson", "params": {"rate": {"shape": [2], "data": [1, 2]}, "is_sparse": true}}`:  true,
		} {
			d, err := distributions.Build([]byte(spec))
			require.NoError(t, err, spec)
			require.Equal(t, []int{2}, d.BatchShape())
			require.Equal(t, sparse, d.(*distributions.Poisson).IsSparse(), spec)
		}
		b, e, err := distributions.InferShapes("Poisson", map[string][]int{"rate": {3, 1}})
		require.NoError(t, err)
		assert.Equal(t, []int{3, 1}, b)
		assert.Equal(t, []int{}, e)
	})
}

func TestPoissonMoments(t *testing.T) {
	t.Parallel()
	rate := f64(0, 0.3, 1, 3.0147, 1e6, 1e300)
	d := must(distributions.NewPoisson(rate))
	for name, c := range map[string]struct {
		f    func() (*tensor.Dense, error)
		want []float64
	}{
		"mean":     {d.Mean, []float64{0, 0.3, 1, 3.0147, 1e6, 1e300}},
		"variance": {d.Variance, []float64{0, 0.3, 1, 3.0147, 1e6, 1e300}},
		"stddev":   {d.StdDev, []float64{0, 0.5477225575051661, 1, 1.7362891464269423, 1000, 1e150}}, // mpmath
		"mode":     {d.Mode, []float64{0, 0, 1, 3, 1e6, 1e300}},
	} {
		got := must(c.f())
		require.Equal(t, []int{6}, shapeOf(got), name)
		close(t, c.want, data64(t, got), tol64, 0)
	}
	assert.Same(t, rate, d.Rate())
}

// TestPoissonSparse requires the is_sparse path to give the dense path's
// bits, value and gradient, on mostly-zero counts broadcast against rates;
// Expand and the spec keep the flag (Pyro's Poisson.expand).
func TestPoissonSparse(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	rate := make([]float64, 20)
	for i := range rate {
		rate[i] = 0.01 + 30*r.Float64()
	}
	rate[3] = 0
	k := make([]float64, 6*20)
	for i := range k {
		if r.Float64() < 0.1 {
			k[i] = float64(1 + r.IntN(40))
		}
	}
	rt, x := must(tensor.New(rate, 20)), must(tensor.New(k, 6, 20))
	dense := must(distributions.NewPoisson(rt))
	sparse := must(distributions.NewPoissonSparse(rt))
	assert.False(t, dense.IsSparse())
	assert.True(t, sparse.IsSparse())
	a, b := data64(t, must(dense.LogProb(x))), data64(t, must(sparse.LogProb(x)))
	assert.Equal(t, a, b)
	ga, gb := must(dense.LogProbGrad(x)), must(sparse.LogProbGrad(x))
	assert.Equal(t, ga.LogProb, gb.LogProb)
	assert.Equal(t, data64(t, ga.Params["rate"]), data64(t, gb.Params["rate"]))
	assert.Equal(t, data64(t, ga.Value), data64(t, gb.Value))

	e, err := distributions.Expand(sparse, []int{3, 20})
	require.NoError(t, err)
	pe, ok := e.(*distributions.Poisson)
	require.True(t, ok, "native Expand keeps the family, got %T", e)
	assert.True(t, pe.IsSparse())
	assert.Same(t, rt, pe.Rate())
	assert.Equal(t, []int{3, 20}, pe.BatchShape())
	lp := data64(t, must(pe.LogProb(must(tensor.New(k[:20], 20)))))
	require.Len(t, lp, 60)
	for i, v := range lp {
		require.Equal(t, a[i%20], v)
	}
}

// poissonGradCase is a Poisson over a rate of shape rShape and a value of
// shape xShape.
type poissonGradCase struct {
	name           string
	xShape, rShape []int
	out            []int
	upstreamShape  []int // nil: out
}

// poissonRefSum is Σ w·(k·log λ - λ - lgamma(k+1)) over the broadcast, the
// textbook formula (continuous in k), which the finite differences
// differentiate in k as well as in λ.
func poissonRefSum(c poissonGradCase, x, rate, w []float64) float64 {
	xs, rs := bcast(x, c.xShape, c.out), bcast(rate, c.rShape, c.out)
	var s float64
	for i := range xs {
		lg, _ := math.Lgamma(xs[i] + 1)
		lp := xs[i]*math.Log(rs[i]) - rs[i] - lg
		if w != nil {
			lp *= w[i]
		}
		s += lp
	}
	return s
}

func TestPoissonLogProbGrad(t *testing.T) {
	t.Parallel()
	cases := []poissonGradCase{
		{name: "rate (3,1), x (2,1,4)", xShape: []int{2, 1, 4}, rShape: []int{3, 1}, out: []int{2, 3, 4}},
		{name: "rate (4), x (3,1)", xShape: []int{3, 1}, rShape: []int{4}, out: []int{3, 4}, upstreamShape: []int{3, 1}},
		{name: "rate scalar, x (5)", xShape: []int{5}, rShape: []int{}, out: []int{5}},
		{name: "rate (2,3,4), x scalar", xShape: []int{}, rShape: []int{2, 3, 4}, out: []int{2, 3, 4}, upstreamShape: []int{4}},
	}
	for n, c := range cases {
		for _, vjp := range []bool{false, true} {
			name := c.name
			if vjp {
				name += "/vjp"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				r := rand.New(rand.NewPCG(uint64(n), 31))
				x := make([]float64, sizeOf(c.xShape))
				for i := range x {
					x[i] = float64(r.IntN(12))
				}
				rate := make([]float64, sizeOf(c.rShape))
				for i := range rate {
					rate[i] = 0.5 + 15*r.Float64()
				}
				d := must(distributions.NewPoisson(must(tensor.New(rate, c.rShape...))))
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
				close(t, []float64{poissonRefSum(c, x, rate, w)}, []float64{g.LogProb}, 1e-13, 0)
				require.Equal(t, c.xShape, shapeOf(g.Value))
				require.Len(t, g.Params, 1)
				require.Equal(t, c.rShape, shapeOf(g.Params["rate"]))
				wantX := centralDiff(func(v []float64) float64 { return poissonRefSum(c, v, rate, w) }, x, 1e-5)
				wantR := centralDiff(func(v []float64) float64 { return poissonRefSum(c, x, v, w) }, rate, 1e-5)
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
		// ∂/∂λ = k/λ - 1: -1 at k = 0 also at λ = 0 (torch: NaN there);
		// ∂/∂k = log λ - ψ(k+1), -Inf at λ = 0. Golden poisson/scalar:
		// ∂/∂λ at k = 2.
		d := must(distributions.NewPoisson(f64(0, 3.0147, 3.0147, 0.5)))
		g := must(d.LogProbGrad(f64(0, 0, 2, 10)))
		close(t, []float64{-1, -1, -0.33658407138355395, 19}, data64(t, g.Params["rate"]), tol64, 0)
		close(t, []float64{math.Inf(-1), 1.6807159876424185, 0.1807159876424185, -3.0448997696266664}, data64(t, g.Value), 1e-14, 0) // mpmath
		// Masked (upstream 0) off-support and -Inf entries add exactly 0.
		u := must(distributions.NewPoisson(f64(0, 2), distributions.WithValidation(false)))
		g = must(u.LogProbVJP(f64(1, -1), f64(0, 0)))
		assert.Equal(t, 0.0, g.LogProb)
		assert.Equal(t, []float64{0, 0}, data64(t, g.Params["rate"]))
		assert.Equal(t, []float64{0, 0}, data64(t, g.Value))
	})
}

// TestPoissonFloat32 evaluates one distribution in float32 and in float64 on
// the same inputs; the kernel computes in float64 and rounds once: tol32.
func TestPoissonFloat32(t *testing.T) {
	t.Parallel()
	r32 := sh(f32(0, 0.3, 4.5, 120), 4, 1)
	x32 := sh(f32(0, 1, 4, 0, 2, 9, 0, 130), 2, 1, 4)
	d32, d64 := must(distributions.NewPoisson(r32)), must(distributions.NewPoisson(to64(r32)))
	a, b := must(d32.LogProb(x32)), must(d64.LogProb(to64(x32)))
	require.Equal(t, tensor.Float32, a.Dtype())
	close(t, data64(t, b), data64(t, a), tol32, 0)
	for name, m := range map[string]func(*distributions.Poisson) (*tensor.Dense, error){
		"mean": (*distributions.Poisson).Mean, "variance": (*distributions.Poisson).Variance,
		"stddev": (*distributions.Poisson).StdDev, "mode": (*distributions.Poisson).Mode,
	} {
		m32, m64 := must(m(d32)), must(m(d64))
		require.Equal(t, tensor.Float32, m32.Dtype(), name)
		close(t, data64(t, m64), data64(t, m32), tol32, 0)
	}
	p32 := sh(f32(0.3, 4.5, 120), 3, 1) // rate 0 has ∂/∂k = -Inf: compared apart
	g32 := must(must(distributions.NewPoisson(p32)).LogProbGrad(x32))
	g64 := must(must(distributions.NewPoisson(to64(p32))).LogProbGrad(to64(x32)))
	close(t, []float64{g64.LogProb}, []float64{g32.LogProb}, tol32, 0)
	close(t, data64(t, g64.Value), data64(t, g32.Value), tol32, 0)
	require.Equal(t, tensor.Float32, g32.Params["rate"].Dtype())
	close(t, data64(t, g64.Params["rate"]), data64(t, g32.Params["rate"]), tol32, 0)
	dst := must(tensor.Zeros[float32](2, 4, 4))
	require.NoError(t, d32.LogProbInto(dst, x32))
	require.Equal(t, data64(t, a), data64(t, dst))
}

// poissonChiSquare returns the p-value of Pearson's chi-square test of draws
// (counts) against the pmf of the integers lo…hi, which must hold all but a
// negligible mass (below 1e-12; a draw outside goes to the nearest end
// cell). Consecutive integers are pooled into cells of probability at
// least 1/2000 (50 expected draws in 1e5), the remainder joining the last
// cell. Binomial's tests use it too.
func poissonChiSquare(t testing.TB, draws []float64, lo, hi int, pmf func(k int) float64) float64 {
	t.Helper()
	const minP = 1.0 / 2000
	var starts []int // first integer of each cell
	var probs []float64
	acc, start := 0.0, lo
	for k := lo; k <= hi; k++ {
		acc += pmf(k)
		if acc >= minP {
			starts, probs = append(starts, start), append(probs, acc)
			acc, start = 0, k+1
		}
	}
	require.GreaterOrEqual(t, len(probs), 2, "fewer than two cells: nothing to test")
	probs[len(probs)-1] += acc
	s := 0.0
	for _, p := range probs {
		s += p
	}
	// 1e-8: gonum's pmfs sum lgamma terms near 1.3e7 at n = 1e6, which
	// leaves them 1e-9 off; a range that misses real mass misses more.
	require.InDelta(t, 1, s, 1e-8, "the cells miss some of the mass")
	for i := range probs {
		probs[i] /= s
	}
	cells := make([]int64, len(draws))
	for i, x := range draws {
		if !(x >= 0 && x == math.Floor(x)) {
			t.Fatalf("draw %d is %v, not a count", i, x)
		}
		c := sort.SearchInts(starts, int(x)+1) - 1 // the last start ≤ x
		cells[i] = int64(max(c, 0))
	}
	return chiSquareCategorical(t, cells, probs)
}

// poissonColumn returns column j of a sample of shape (n, batch...).
func poissonColumn(data []float64, j, stride int) []float64 {
	col := make([]float64, len(data)/stride)
	for i := range col {
		col[i] = data[i*stride+j]
	}
	return col
}

// poissonRange is an integer range holding all of Poisson(λ) but below
// 1e-12: λ ± 12√λ, and at least 0…40.
func poissonRange(lam float64) (lo, hi int) {
	sd := math.Sqrt(lam)
	return max(0, int(lam-12*sd)), max(40, int(lam+12*sd+1))
}

// poissonChiSquareOf tests column j against Poisson(lam), gonum's pmf.
func poissonChiSquareOf(t testing.TB, data []float64, j, stride int, lam float64) float64 {
	lo, hi := poissonRange(lam)
	pmf := distuv.Poisson{Lambda: lam}
	return poissonChiSquare(t, poissonColumn(data, j, stride), lo, hi, func(k int) float64 { return pmf.Prob(float64(k)) })
}

func TestPoissonSampleChiSquare(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		rate *tensor.Dense
		seed uint64
	}{
		// inversion from 0 below 6, from the mode below 24, PTRS from 24
		// (5.9 and 6, 23.9 and 24 straddle the switches)
		{"batch (2,3)", sh(f64(0.1, 3, 9.9, 10, 50, 1e4), 2, 3), 1},
		{"batch (4)", f64(5.9, 6, 23.9, 24), 5},
		{"scalar 3", s64(3), 2},
		{"scalar 1e4", s64(1e4), 3},
		{"float32 (2)", f32(0.7, 25), 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := must(distributions.NewPoisson(tc.rate))
			x, err := d.Sample(rand.NewPCG(tc.seed, 0x9015), nDraws)
			require.NoError(t, err)
			require.Equal(t, append([]int{nDraws}, d.BatchShape()...), shapeOf(x))
			require.Equal(t, tc.rate.Dtype(), x.Dtype())
			data, rates := data64(t, x), data64(t, tc.rate)
			for j, lam := range rates {
				pv := poissonChiSquareOf(t, data, j, len(rates), lam)
				t.Logf("Poisson(%g): chi-square p = %.3g", lam, pv)
				assert.GreaterOrEqual(t, pv, pCritical, "Poisson(%g)", lam)
			}
		})
	}
	t.Run("power", func(t *testing.T) {
		// The test rejects a slightly wrong sampler: draws of Poisson(3)
		// and Poisson(50) tested as Poisson(3.06) and Poisson(50.5).
		t.Parallel()
		d := must(distributions.NewPoisson(f64(3, 50)))
		x, err := d.Sample(rand.NewPCG(1, 0x9015), nDraws)
		require.NoError(t, err)
		data := data64(t, x)
		for j, alt := range []float64{3.06, 50.5} {
			pv := poissonChiSquareOf(t, data, j, 2, alt)
			t.Logf("draws tested as Poisson(%g): chi-square p = %.3g", alt, pv)
			assert.Less(t, pv, pCritical)
		}
	})
	t.Run("extremes", func(t *testing.T) {
		t.Parallel()
		// λ = 0 draws 0; λ = 1e18 (PTRS, O(1) per draw) stays near λ;
		// unvalidated rates outside the constraint draw NaN (+Inf at +Inf).
		d := must(distributions.NewPoisson(f64(0, 1e18)))
		x := data64(t, must(d.Sample(rand.NewPCG(5, 6), 2000)))
		var sum float64
		for i := 0; i < len(x); i += 2 {
			require.Equal(t, 0.0, x[i])
			require.False(t, math.Signbit(x[i]))
			require.Equal(t, math.Floor(x[i+1]), x[i+1])
			sum += x[i+1] - 1e18
		}
		assert.Less(t, math.Abs(sum/1000), 6*1e9/math.Sqrt(1000), "mean of Poisson(1e18) draws")
		u := must(distributions.NewPoisson(f64(-1, math.NaN(), math.Inf(1)), distributions.WithValidation(false)))
		y := data64(t, must(u.Sample(rand.NewPCG(5, 6))))
		assert.True(t, math.IsNaN(y[0]) && math.IsNaN(y[1]))
		assert.Equal(t, math.Inf(1), y[2])
	})
}

func TestPoissonSampleShapesAndSeeds(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewPoisson(sh(f64(0.5, 5, 50), 3, 1)))
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

// TestPoissonSampleGOMAXPROCS requires the same bits from one and from two
// goroutines above tensor.ParallelMin; it switches GOMAXPROCS, so it is not
// parallel.
func TestPoissonSampleGOMAXPROCS(t *testing.T) {
	const n = 1_000_000
	require.Greater(t, n, tensor.ParallelMin)
	d := must(distributions.NewPoisson(f64(0.5, 7, 12, 3000)))
	drawn := func(procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		return data64(t, must(d.Sample(rand.NewPCG(42, 43), n/4)))
	}
	one, two := drawn(1), drawn(2)
	require.Len(t, one, n)
	assert.True(t, slices.Equal(one, two), "draws depend on GOMAXPROCS")
}

func FuzzPoisson(f *testing.F) {
	for _, c := range [][2]float64{
		{3, 2}, {0, 0}, {0, 1}, {1e-300, 5}, {5e-324, 1}, {1e6, 1e6}, {1e15, 1e15 + 3e7}, {1, 1e300},
		{-1, 0}, {math.NaN(), 1}, {2, math.NaN()}, {2, -1}, {2, 1.5}, {math.Inf(1), 2}, {2, math.Inf(1)}, {9.99, 10},
	} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, lam, k float64) {
		natural := k >= 0 && k == math.Floor(k) && !math.IsInf(k, 1)
		d, err := distributions.NewPoisson(f64(lam))
		if !(lam >= 0) {
			require.ErrorIs(t, err, distributions.ErrParam)
			var ce *distributions.ConstraintError
			require.ErrorAs(t, err, &ce)
			require.Equal(t, "rate", ce.Name)
			u := must(distributions.NewPoisson(f64(lam), distributions.WithValidation(false)))
			must(u.LogProb(f64(k)))
			must(u.LogProbGrad(f64(k)))
			must(u.Sample(rand.NewPCG(1, 2), 3))
			return
		}
		require.NoError(t, err)
		lp, err := d.LogProb(f64(k))
		g, gerr := d.LogProbGrad(f64(k))
		if !natural {
			require.ErrorIs(t, err, distributions.ErrSupport)
			require.ErrorIs(t, gerr, distributions.ErrSupport)
			u := must(distributions.NewPoisson(f64(lam), distributions.WithValidation(false)))
			must(u.LogProb(f64(k)))
			must(u.LogProbGrad(f64(k)))
			return
		}
		require.NoError(t, err)
		require.NoError(t, gerr)
		got := data64(t, lp)[0]
		close(t, []float64{got}, []float64{g.LogProb}, 0, 0)
		require.False(t, math.IsNaN(got) && !math.IsInf(lam, 1) && !math.IsInf(k, 1), "log p(%v | %v) is NaN", k, lam)
		require.LessOrEqual(t, got, 0.0, "a probability above 1")
		// Against the textbook sum where it cannot cancel by much: its
		// error is a few ulps of its largest term.
		if lam > 0 && lam < 1e6 && k < 1e6 {
			lg, _ := math.Lgamma(k + 1)
			want := -lam - lg
			if k != 0 {
				want += k * tensor.Log(lam) // math.Log is wrong for subnormals
			}
			abs := 8 * 0x1p-52 * max(math.Abs(k*math.Log(lam)), lam, lg)
			close(t, []float64{want}, []float64{got}, 0, abs)
		}
		x := data64(t, must(d.Sample(rand.NewPCG(1, 2), 4)))
		for _, v := range x {
			require.True(t, v >= 0 && v == math.Floor(v) || math.IsInf(lam, 1), "draw %v of Poisson(%v)", v, lam)
		}
	})
}

func ExamplePoisson_LogProb() {
	d, err := distributions.NewPoisson(tensor.Vector(0.0, 2.0))
	if err != nil {
		log.Fatal(err)
	}
	k, err := tensor.New([]float64{0, 3}, 2, 1)
	if err != nil {
		log.Fatal(err)
	}
	lp, err := d.LogProb(k)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(lp.Shape())
	fmt.Printf("%.4f\n", lp.Float64s())
	m, err := d.Mode()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(m.Float64s())
	// Output:
	// (2, 2)
	// [0.0000 -2.0000 -Inf -1.7123]
	// [0 2]
}
