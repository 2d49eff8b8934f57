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

// Reference values marked "mpmath" were computed with mpmath at 50 digits
// from the exact binary value of each float64 input, then rounded once.

var (
	_ distributions.RSampler         = (*distributions.Beta)(nil)
	_ distributions.PathwiseGrader   = (*distributions.Beta)(nil)
	_ distributions.ConjugateUpdater = (*distributions.Beta)(nil)
	_ distributions.LogProbGrader    = (*distributions.Beta)(nil)
	_ distributions.LogProbIntoer    = (*distributions.Beta)(nil)
	_ distributions.Meaner           = (*distributions.Beta)(nil)
	_ distributions.Variancer        = (*distributions.Beta)(nil)
	_ distributions.StdDever         = (*distributions.Beta)(nil)
	_ distributions.Moder            = (*distributions.Beta)(nil)
	_ distributions.Entropier        = (*distributions.Beta)(nil)
)

// betaLogProbRef is gonum's log density, the oracle. It sums
// lgamma(α₁+α₀) - lgamma(α₁) - lgamma(α₀) and the two log terms, so its
// error is a few ulps of the largest of those terms, not of the sum.
func betaLogProbRef(x, a1, a0 float64) float64 {
	return distuv.Beta{Alpha: a1, Beta: a0}.LogProb(x)
}

// betaRefScale is the size of the terms betaLogProbRef adds.
func betaRefScale(x, a1, a0 float64) float64 {
	l1, _ := math.Lgamma(a1)
	l0, _ := math.Lgamma(a0)
	ls, _ := math.Lgamma(a1 + a0)
	return math.Abs(l1) + math.Abs(l0) + math.Abs(ls) + math.Abs((a1-1)*math.Log(x)) + math.Abs((a0-1)*math.Log1p(-x)) + 1
}

func TestBetaLogProb(t *testing.T) {
	t.Parallel()
	inf := math.Inf(1)
	tests := []struct {
		name      string
		c1, c0, x *tensor.Dense
		wantShape []int
		want      []float64 // nil: gonum over the broadcast
	}{
		{name: "scalar", c1: s64(2.5), c0: s64(3.5), x: s64(0.3), wantShape: []int{},
			want: []float64{0.60418870362631766}}, // mpmath
		{name: "(3,1) vs (4) vs value (2,1,1)", c1: sh(f64(0.5, 1, 7.25), 3, 1), c0: f64(0.3, 1, 2, 40),
			x: sh(f64(0.125, 0.8), 2, 1, 1), wantShape: []int{2, 3, 4}},
		{name: "value (2,3) vs batch (3)", c1: f64(1.5, 20, 0.9), c0: s64(2), x: sh(f64(seq(0.05, 0.95, 6)...), 2, 3), wantShape: []int{2, 3}},
		{name: "boundaries, xlogy", c1: f64(1, 0.5, 2, 1, 0.5, 2), c0: f64(1, 2, 0.5, 1, 2, 0.5), x: f64(0, 0, 0, 1, 1, 1), wantShape: []int{6},
			want: []float64{0, inf, -inf, 0, -inf, inf}},
		{name: "Beta(1, 3) at 0 and Beta(3, 1) at 1", c1: f64(1, 3), c0: f64(3, 1), x: f64(0, 1), wantShape: []int{2},
			want: []float64{math.Log(3), math.Log(3)}}, // 3(1-x)² and 3x²
		{name: "tail x = 1e-300", c1: s64(1e-3), c0: s64(1e3), x: s64(1e-300), wantShape: []int{},
			want: []float64{683.18448074062754}}, // mpmath
		{name: "U-shaped at both ends", c1: s64(0.5), c0: s64(0.5), x: f64(1e-300, 0.9999999999999999), wantShape: []int{2},
			want: []float64{344.24303406325745, 17.223670398989151}}, // mpmath
		{name: "large concentrations", c1: s64(1e5), c0: s64(1e5), x: f64(0.5, 0.499), wantShape: []int{2},
			want: []float64{5.8772437201203594, 5.4772469201262254}}, // mpmath
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := distributions.NewBeta(tc.c1, tc.c0)
			require.NoError(t, err)
			got, err := d.LogProb(tc.x)
			require.NoError(t, err)
			require.Equal(t, tc.wantShape, shapeOf(got))
			g := data64(t, got)
			if tc.want != nil {
				close(t, tc.want, g, tol64, 0)
				return
			}
			xs := bcast(data64(t, tc.x), shapeOf(tc.x), tc.wantShape)
			a1 := bcast(data64(t, tc.c1), shapeOf(tc.c1), tc.wantShape)
			a0 := bcast(data64(t, tc.c0), shapeOf(tc.c0), tc.wantShape)
			for i := range g {
				want := betaLogProbRef(xs[i], a1[i], a0[i])
				close(t, []float64{want}, g[i:i+1], 1e-13, 1e-15*betaRefScale(xs[i], a1[i], a0[i]))
			}
		})
	}
	t.Run("outside the support, unvalidated", func(t *testing.T) {
		t.Parallel()
		d, err := distributions.NewBeta(s64(2), s64(3), distributions.WithValidation(false))
		require.NoError(t, err)
		lp, err := d.LogProb(f64(-0.5, 1.5, math.NaN()))
		require.NoError(t, err)
		close(t, []float64{-inf, -inf, math.NaN()}, data64(t, lp), 0, 0)
	})
}

func TestBetaErrors(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	tests := []struct {
		name     string
		c1, c0   *tensor.Dense
		x        *tensor.Dense // nil: the constructor must fail
		wantErr  error
		wantName string
		wantIdx  []int
	}{
		{name: "concentration1 0", c1: f64(1, 0), c0: s64(1), wantErr: distributions.ErrParam, wantName: "concentration1", wantIdx: []int{1}},
		{name: "concentration0 -1 at (1,0)", c1: s64(1), c0: sh(f64(1, 2, -1, 3), 2, 2), wantErr: distributions.ErrParam, wantName: "concentration0", wantIdx: []int{1, 0}},
		{name: "concentration0 NaN", c1: s64(1), c0: f64(nan), wantErr: distributions.ErrParam, wantName: "concentration0", wantIdx: []int{0}},
		{name: "shapes (3) and (4)", c1: f64(1, 2, 3), c0: f64(1, 1, 1, 1), wantErr: distributions.ErrShape},
		{name: "mixed dtypes", c1: f32(1), c0: f64(1), wantErr: distributions.ErrDType},
		{name: "value -0.5", c1: s64(2), c0: s64(2), x: f64(0.5, -0.5), wantErr: distributions.ErrSupport, wantName: "value", wantIdx: []int{1}},
		{name: "value 1.5", c1: s64(2), c0: s64(2), x: f64(1.5), wantErr: distributions.ErrSupport, wantName: "value", wantIdx: []int{0}},
		{name: "value NaN", c1: s64(2), c0: s64(2), x: f64(nan), wantErr: distributions.ErrSupport, wantName: "value", wantIdx: []int{0}},
		{name: "value (4) vs batch (3)", c1: f64(1, 2, 3), c0: s64(2), x: f64(0, 0, 0, 0), wantErr: distributions.ErrShape},
		{name: "value float32", c1: s64(2), c0: s64(2), x: f32(0.5), wantErr: distributions.ErrDType},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := distributions.NewBeta(tc.c1, tc.c0)
			if tc.x != nil {
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
				assert.Equal(t, "beta", ce.Family)
				assert.Equal(t, tc.wantName, ce.Name)
				assert.Equal(t, tc.wantIdx, ce.Index)
				assert.Contains(t, err.Error(), tc.wantName)
			}
		})
	}
}

func TestBetaMoments(t *testing.T) {
	t.Parallel()
	c1, c0 := sh(f64(0.5, 2.5, 40), 3, 1), f64(0.3, 1, 3.5, 1e4)
	d, err := distributions.NewBeta(c1, c0)
	require.NoError(t, err)
	batch := []int{3, 4}
	require.Equal(t, batch, d.BatchShape())
	a1 := bcast(data64(t, c1), []int{3, 1}, batch)
	a0 := bcast(data64(t, c0), []int{4}, batch)
	var mean, variance, std []float64
	for i := range a1 {
		g := distuv.Beta{Alpha: a1[i], Beta: a0[i]}
		mean, variance, std = append(mean, g.Mean()), append(variance, g.Variance()), append(std, g.StdDev())
	}
	for _, tc := range []struct {
		name string
		got  *tensor.Dense
		want []float64
		tol  float64
	}{
		{"mean", must(d.Mean()), mean, tol64},
		{"variance", must(d.Variance()), variance, 1e-14},
		{"stddev", must(d.StdDev()), std, 1e-14},
	} {
		require.Equal(t, batch, shapeOf(tc.got), tc.name)
		close(t, tc.want, data64(t, tc.got), tc.tol, tc.tol)
	}
	t.Run("entropy, mpmath", func(t *testing.T) {
		// (gonum's Entropy is off by 3.8e-10 at (2.5, 3.5): not an oracle.)
		d, err := distributions.NewBeta(f64(1e-3, 0.5, 2.5, 1), f64(1e-3, 0.5, 3.5, 1))
		require.NoError(t, err)
		close(t, []float64{-991.40237857123448, -0.24156447527049044, -0.28999115881582347, 0},
			data64(t, must(d.Entropy())), 1e-14, 1e-15)
		// Large concentrations: torch's formula adds terms of up to
		// (α₁+α₀)ψ(α₁+α₀) = 3e5 to reach -4.5, so a few of their ulps
		// (6e-11) remain: measured 2.5e-11 absolute.
		d, err = distributions.NewBeta(s64(1e4), s64(2e4))
		require.NoError(t, err)
		close(t, []float64{-4.4875987185843263}, data64(t, must(d.Entropy())), 0, 1e-10)
	})
	t.Run("mode, torch's rule", func(t *testing.T) {
		// (α₁-1)₊/((α₁-1)₊+(α₀-1)₊); 1 where both are below 1 (torch's
		// one-hot argmax of a NaN pair); NaN where 0/0.
		d, err := distributions.NewBeta(f64(3, 0.5, 2, 0.9, 1, 0.5, 1, 5), f64(2, 2, 0.5, 0.3, 1, 1, 4, 1))
		require.NoError(t, err)
		close(t, []float64{2.0 / 3, 0, 1, 1, math.NaN(), math.NaN(), 0, 1}, data64(t, must(d.Mode())), tol64, 0)
	})
	t.Run("accessors", func(t *testing.T) {
		assert.Same(t, c1, d.Concentration1())
		assert.Same(t, c0, d.Concentration0())
		assert.Equal(t, "Beta(batch_shape=(3, 4))", d.String())
		_, ok := any(d).(distributions.CDFer)
		assert.False(t, ok, "torch 1.13's Beta has no cdf")
	})
}

// betaGradCase is a Beta over concentrations of the given shapes and a
// value, with log_prob shaped out.
type betaGradCase struct {
	name              string
	xShape, s1, s0    []int
	out, upstreamShap []int
}

var betaGradCases = []betaGradCase{
	{name: "c1 (3,1), c0 (4), x (2,3,4)", xShape: []int{2, 3, 4}, s1: []int{3, 1}, s0: []int{4}, out: []int{2, 3, 4}},
	{name: "c1 (4), c0 (3,1), x (2,1,1), upstream (3,1)", xShape: []int{2, 1, 1}, s1: []int{4}, s0: []int{3, 1}, out: []int{2, 3, 4}, upstreamShap: []int{3, 1}},
	{name: "all scalar", xShape: []int{}, s1: []int{}, s0: []int{}, out: []int{}},
}

func betaRefSum(c betaGradCase, x, a1, a0, w []float64) float64 {
	xs, p1, p0 := bcast(x, c.xShape, c.out), bcast(a1, c.s1, c.out), bcast(a0, c.s0, c.out)
	var s float64
	for i := range xs {
		lp := betaLogProbRef(xs[i], p1[i], p0[i])
		if w != nil {
			lp *= w[i]
		}
		s += lp
	}
	return s
}

func TestBetaLogProbGrad(t *testing.T) {
	t.Parallel()
	worst := 0.0
	for k, c := range betaGradCases {
		r := rand.New(rand.NewPCG(uint64(k), 11))
		fill := func(shp []int, lo, hi float64) []float64 {
			v := make([]float64, sizeOf(shp))
			for i := range v {
				v[i] = lo + (hi-lo)*r.Float64()
			}
			return v
		}
		x, a1, a0 := fill(c.xShape, 0.05, 0.95), fill(c.s1, 0.4, 6), fill(c.s0, 0.4, 6)
		d, err := distributions.NewBeta(must(tensor.New(a1, c.s1...)), must(tensor.New(a0, c.s0...)))
		require.NoError(t, err)
		xt := must(tensor.New(x, c.xShape...))
		var w []float64
		var g *distributions.Gradient
		if c.upstreamShap != nil {
			u := seq(-2, 1.5, sizeOf(c.upstreamShap))
			w = bcast(u, c.upstreamShap, c.out)
			g, err = d.LogProbVJP(xt, must(tensor.New(u, c.upstreamShap...)))
		} else {
			g, err = d.LogProbGrad(xt)
		}
		require.NoError(t, err)
		close(t, []float64{betaRefSum(c, x, a1, a0, w)}, []float64{g.LogProb}, 1e-13, 1e-13)
		wantX := centralDiff(func(v []float64) float64 { return betaRefSum(c, v, a1, a0, w) }, x, 1e-6)
		want1 := centralDiff(func(v []float64) float64 { return betaRefSum(c, x, v, a0, w) }, a1, 1e-5)
		want0 := centralDiff(func(v []float64) float64 { return betaRefSum(c, x, a1, v, w) }, a0, 1e-5)
		got := [][]float64{data64(t, g.Value), data64(t, g.Params["concentration1"]), data64(t, g.Params["concentration0"])}
		for i, want := range [][]float64{wantX, want1, want0} {
			requireFinite(t, want)
			close(t, want, got[i], gradTol, gradTol)
			worst = max(worst, maxRelErr(want, got[i], 1))
		}
	}
	t.Logf("max rel err vs central differences: %.2g", worst)
	t.Run("boundary partials", func(t *testing.T) {
		// Beta(1, 2) at 0: ∂/∂x = -(α₀-1)/(1-x) = -1 (the α₁ term is 0·log 0).
		d := must(distributions.NewBeta(s64(1), s64(2)))
		g, err := d.LogProbGrad(s64(0))
		require.NoError(t, err)
		assert.Equal(t, -1.0, data64(t, g.Value)[0])
		assert.Equal(t, math.Inf(-1), data64(t, g.Params["concentration1"])[0])
	})
	t.Run("masked entries add nothing", func(t *testing.T) {
		d := must(distributions.NewBeta(s64(2), s64(3)))
		g, err := d.LogProbVJP(f64(0, 0.5), f64(0, 1)) // log p(0) = -Inf
		require.NoError(t, err)
		requireFinite(t, []float64{g.LogProb, data64(t, g.Params["concentration1"])[0]})
	})
}

// TestBetaFloat32 evaluates float32 and float64 distributions on the same
// float32-representable inputs: kernels compute in float64 and round
// once, so they agree to float32's rounding (tol32).
func TestBetaFloat32(t *testing.T) {
	t.Parallel()
	c1, c0 := sh(f32(0.5, 2.5, 9), 3, 1), f32(0.7, 1, 4, 30)
	x := sh(to32(f64(seq(0.02, 0.98, 24)...)), 2, 3, 4)
	d32 := must(distributions.NewBeta(c1, c0))
	d64 := must(distributions.NewBeta(to64(c1), to64(c0)))
	pairs := map[string][2]*tensor.Dense{
		"log_prob": {must(d32.LogProb(x)), must(d64.LogProb(to64(x)))},
		"mean":     {must(d32.Mean()), must(d64.Mean())},
		"variance": {must(d32.Variance()), must(d64.Variance())},
		"mode":     {must(d32.Mode()), must(d64.Mode())},
		"entropy":  {must(d32.Entropy()), must(d64.Entropy())},
	}
	for name, p := range pairs {
		require.Equal(t, tensor.Float32, p[0].Dtype(), name)
		close(t, data64(t, p[1]), data64(t, p[0]), tol32, 1e-7)
	}
	g32, g64 := must(d32.LogProbGrad(x)), must(d64.LogProbGrad(to64(x)))
	close(t, []float64{g64.LogProb}, []float64{g32.LogProb}, tol32, 0)
	for _, p := range []string{"concentration1", "concentration0"} {
		require.Equal(t, tensor.Float32, g32.Params[p].Dtype())
		close(t, data64(t, g64.Params[p]), data64(t, g32.Params[p]), tol32, 1e-6)
	}
	s := must(d32.Sample(rand.NewPCG(1, 2), 100))
	require.Equal(t, tensor.Float32, s.Dtype())
}

// betaKS returns the KS p-value of column j of a sample of shape
// (n, batch...) against Beta(a1, a0), whose CDF is tensor.BetaInc
// (checked against mpmath in tensor/special_incbeta_test.go).
func betaKS(data []float64, j, stride int, a1, a0 float64) float64 {
	n := len(data) / stride
	col := make([]float64, n)
	for i := range col {
		col[i] = data[i*stride+j]
	}
	return ksPValue(ksStatistic(col, func(x float64) float64 { return tensor.BetaInc(a1, a0, x) }), n)
}

func TestBetaSampleKS(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		c1, c0 *tensor.Dense
	}{
		{"Beta(2, 3)", s64(2), s64(3)},
		{"U-shaped", s64(0.5), s64(0.5)},
		{"small concentration", s64(0.05), s64(1.5)},
		{"batch", f64(1, 30, 0.7), f64(1, 500, 8)},
		{"float32", s32(4), s32(0.8)},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := must(distributions.NewBeta(tc.c1, tc.c0))
			x, err := d.Sample(rand.NewPCG(uint64(i+1), 0xbe7a), nDraws)
			require.NoError(t, err)
			batch := d.BatchShape()
			require.Equal(t, append([]int{nDraws}, batch...), shapeOf(x))
			stride := sizeOf(batch)
			a1 := bcast(data64(t, tc.c1), shapeOf(tc.c1), batch)
			a0 := bcast(data64(t, tc.c0), shapeOf(tc.c0), batch)
			data := data64(t, x)
			for j := range stride {
				p := betaKS(data, j, stride, a1[j], a0[j])
				t.Logf("Beta(%g, %g): KS p = %.3g", a1[j], a0[j], p)
				assert.GreaterOrEqual(t, p, pCritical)
			}
		})
	}
	t.Run("power", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewBeta(s64(2), s64(3)))
		data := data64(t, must(d.Sample(rand.NewPCG(1, 0xbe7a), nDraws)))
		for _, alt := range [][2]float64{{2.05, 3}, {2, 3.08}} {
			p := betaKS(slices.Clone(data), 0, 1, alt[0], alt[1])
			t.Logf("Beta(2, 3) draws as Beta(%g, %g): KS p = %.3g", alt[0], alt[1], p)
			assert.Less(t, p, pCritical)
		}
	})
	t.Run("tiny concentrations", func(t *testing.T) {
		// Beta(1e-3, 2e-3) puts mass 1/3 near 1 and 2/3 near 0, much of it
		// closer than float64 resolves: the draws are 0 or 1 or between,
		// never NaN, and their mean is α₁/(α₁+α₀) within 6 standard errors.
		t.Parallel()
		d := must(distributions.NewBeta(s64(1e-3), s64(2e-3)))
		data := data64(t, must(d.Sample(rand.NewPCG(9, 9), nDraws)))
		var sum float64
		for _, v := range data {
			require.True(t, v >= 0 && v <= 1, "draw %v", v)
			sum += v
		}
		m, sd := 1.0/3, math.Sqrt(2.0/9/(1+3e-3))
		assert.InDelta(t, m, sum/nDraws, 6*sd/math.Sqrt(nDraws))
	})
}

func TestBetaSampleGOMAXPROCS(t *testing.T) {
	const n = 1_000_000
	require.Greater(t, n, tensor.ParallelMin)
	d := must(distributions.NewBeta(f64(0.5, 3), f64(2, 0.7)))
	draw := func(procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		return data64(t, must(d.Sample(rand.NewPCG(42, 43), n/2)))
	}
	one, two := draw(1), draw(2)
	assert.True(t, slices.Equal(one, two), "draws depend on GOMAXPROCS")
	assert.Equal(t, one[:8], data64(t, must(d.Sample(rand.NewPCG(42, 43), n/2)))[:8])
	r := must(d.RSample(rand.NewPCG(42, 43), 4))
	assert.Equal(t, one[:8], data64(t, r), "Sample is RSample")
}

// betaQuantile inverts tensor.BetaInc by bisection (to the last bit; a
// reference, not fast).
func betaQuantile(a1, a0, u float64) float64 {
	lo, hi := 0.0, 1.0
	for range 200 {
		mid := lo + (hi-lo)/2
		if mid == lo || mid == hi {
			break
		}
		if tensor.BetaInc(a1, a0, mid) < u {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo + (hi-lo)/2
}

func TestBetaRSampleVJP(t *testing.T) {
	t.Parallel()
	t.Run("implicit gradient, mpmath", func(t *testing.T) {
		// -(∂I/∂α)/p(x) from mpmath's numerical derivatives of betainc.
		for _, c := range []struct{ a1, a0, x, d1, d0 float64 }{
			{2.5, 3.5, 0.3, 0.11076955600958951, -0.060854455270743482},
			{0.3, 0.7, 1e-5, 0.00039736403186167355, -2.1426803256377085e-5},
			{50, 20, 0.75, 0.0036892520396674731, -0.010145273883068981},
			{0.8, 1.7, 0.95, 0.047934950632499769, -0.090473898053331046},
		} {
			d := must(distributions.NewBeta(s64(c.a1), s64(c.a0)))
			g, err := d.RSampleVJP(s64(c.x), nil)
			require.NoError(t, err)
			close(t, []float64{c.d1, c.d0}, []float64{data64(t, g["concentration1"])[0], data64(t, g["concentration0"])[0]}, 1e-8, 0)
		}
	})
	t.Run("finite differences at fixed u", func(t *testing.T) {
		// The implicit gradient is ∂x/∂α with u = F(x; α) held fixed: x(α)
		// = F⁻¹(u; α), differentiated numerically through betaQuantile.
		c1, c0 := sh(f64(0.7, 3), 2, 1), f64(1.5, 0.4, 12)
		d := must(distributions.NewBeta(c1, c0))
		x := must(d.RSample(rand.NewPCG(5, 6), 2))
		gv := seq(-1, 2, 12)
		g, err := d.RSampleVJP(x, must(tensor.New(gv, 2, 2, 3)))
		require.NoError(t, err)
		xs := data64(t, x)
		a1 := bcast(data64(t, c1), []int{2, 1}, []int{2, 2, 3})
		a0 := bcast(data64(t, c0), []int{3}, []int{2, 2, 3})
		want1, want0 := make([]float64, 2), make([]float64, 3)
		for i, xv := range xs {
			u := tensor.BetaInc(a1[i], a0[i], xv)
			diff := func(f func(h float64) float64, v float64) float64 {
				h := 1e-6 * v
				return (f(h) - f(-h)) / (2 * h)
			}
			want1[(i/3)%2] += gv[i] * diff(func(h float64) float64 { return betaQuantile(a1[i]+h, a0[i], u) }, a1[i])
			want0[i%3] += gv[i] * diff(func(h float64) float64 { return betaQuantile(a1[i], a0[i]+h, u) }, a0[i])
		}
		// Bisection resolves x to an ulp, so the differences carry
		// ~1e-16/1e-6 relative: 1e-6 leaves room.
		close(t, want1, data64(t, g["concentration1"]), 1e-6, 1e-9)
		close(t, want0, data64(t, g["concentration0"]), 1e-6, 1e-9)
		t.Logf("max rel err vs finite differences: %.2g, %.2g",
			maxRelErr(want1, data64(t, g["concentration1"]), 1e-3), maxRelErr(want0, data64(t, g["concentration0"]), 1e-3))
	})
	t.Run("boundaries and errors", func(t *testing.T) {
		d := must(distributions.NewBeta(s64(2), s64(2)))
		g, err := d.RSampleVJP(f64(0, 1), nil)
		require.NoError(t, err)
		close(t, []float64{0}, data64(t, g["concentration1"]), 0, 0)
		_, err = d.RSampleVJP(f64(0.5), f64(1, 2))
		require.ErrorIs(t, err, distributions.ErrShape)
	})
}

func TestBetaConjugateUpdate(t *testing.T) {
	t.Parallel()
	f := must(distributions.NewBeta(sh(f64(2, 0.7, 5), 3, 1), f64(1.5, 3)))
	g := must(distributions.NewBeta(f64(0.9, 4), sh(f64(2.5, 1, 6), 3, 1)))
	fg, c, err := distributions.ConjugateUpdate(f, g)
	require.NoError(t, err)
	require.Equal(t, []int{3, 2}, fg.BatchShape())
	require.Equal(t, []int{3, 2}, shapeOf(c))
	// f(x)·g(x) = fg(x)·e^c at any x.
	for _, x := range []float64{0.1, 0.5, 0.93} {
		xv := s64(x)
		sum := make([]float64, 6)
		for _, d := range []distributions.Distribution{f, g} {
			lp := data64(t, must(d.(*distributions.Beta).LogProb(xv)))
			for i := range sum {
				sum[i] += lp[i]
			}
		}
		lfg := data64(t, must(fg.(*distributions.Beta).LogProb(xv)))
		cs := data64(t, c)
		for i := range lfg {
			lfg[i] += cs[i]
		}
		close(t, sum, lfg, 1e-13, 1e-14)
	}
	t.Run("errors", func(t *testing.T) {
		_, _, err := distributions.ConjugateUpdate(f, must(distributions.NewNormal(s64(0), s64(1))))
		require.ErrorIs(t, err, distributions.ErrUnsupported)
		small := must(distributions.NewBeta(s64(0.5), s64(0.5)))
		_, _, err = distributions.ConjugateUpdate(small, small) // 0.5+0.5-1 = 0
		require.ErrorIs(t, err, distributions.ErrParam)
		_, _, err = distributions.ConjugateUpdate(f, must(distributions.NewBeta(f32(1), f32(1))))
		require.ErrorIs(t, err, distributions.ErrDType)
	})
}

func TestBetaSpec(t *testing.T) {
	t.Parallel()
	d, err := distributions.Build([]byte(`{"family": "Beta", "params": {"concentration1": 2, "concentration0": {"shape": [3], "data": [1, 2, 3]}}}`))
	require.NoError(t, err)
	require.IsType(t, (*distributions.Beta)(nil), d)
	assert.Equal(t, []int{3}, d.BatchShape())
	e, err := distributions.Expand(d, []int{2, 3})
	require.NoError(t, err)
	require.IsType(t, (*distributions.Beta)(nil), e)
	assert.Equal(t, []int{2, 3}, e.BatchShape())
	_, err = distributions.Build([]byte(`{"family": "Beta", "params": {"concentration1": 1, "concentration0": 1, "loc": 0}}`))
	require.ErrorIs(t, err, distributions.ErrUnsupported)
	_, err = distributions.Build([]byte(`{"family": "Beta", "params": {"concentration1": 1}}`))
	require.ErrorIs(t, err, distributions.ErrParam)
}

func FuzzBeta(f *testing.F) {
	for _, c := range [][3]float64{
		{1, 1, 0}, {1, 1, 1}, {0.5, 2, 0}, {2, 0.5, 1}, {0, 1, 0.5}, {1, -1, 0.5}, {math.NaN(), 1, 0.5}, {2, 3, math.NaN()},
		{2, 3, -0.1}, {2, 3, 1.1}, {1e-300, 1e-300, 0.5}, {1e300, 1e300, 0.5}, {1e5, 1, 1e-300}, {math.Inf(1), 1, 0.5}, {3, 4, 0.25},
	} {
		f.Add(c[0], c[1], c[2])
	}
	f.Fuzz(func(t *testing.T, a1, a0, x float64) {
		d, err := distributions.NewBeta(f64(a1), f64(a0))
		if !(a1 > 0) || !(a0 > 0) {
			require.ErrorIs(t, err, distributions.ErrParam)
			u, err := distributions.NewBeta(f64(a1), f64(a0), distributions.WithValidation(false))
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
		if !(x >= 0 && x <= 1) {
			require.ErrorIs(t, err, distributions.ErrSupport)
			require.ErrorIs(t, gerr, distributions.ErrSupport)
			return
		}
		require.NoError(t, err)
		require.NoError(t, gerr)
		got := data64(t, lp)[0]
		close(t, []float64{got}, []float64{g.LogProb}, 0, 0)
		if !math.IsInf(a1, 0) && !math.IsInf(a0, 0) {
			require.False(t, math.IsNaN(got), "log Beta(%v | %v, %v) is NaN", x, a1, a0)
		}
		if x > 1e-300 && x < 1 && a1 > 1e-3 && a0 > 1e-3 && a1 < 1e3 && a0 < 1e3 {
			close(t, []float64{betaLogProbRef(x, a1, a0)}, []float64{got}, 1e-13, 1e-14*betaRefScale(x, a1, a0))
		}
		_, err = d.RSampleVJP(f64(x), nil)
		require.NoError(t, err)
	})
}

func ExampleBeta_RSampleVJP() {
	d, err := distributions.NewBeta(tensor.Scalar(2.5), tensor.Scalar(3.5))
	if err != nil {
		log.Fatal(err)
	}
	// ∂x/∂α at a draw x = 0.3 (the implicit reparameterisation gradient).
	g, err := d.RSampleVJP(tensor.Scalar(0.3), nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%.6f %.6f\n", g["concentration1"].Float64s()[0], g["concentration0"].Float64s()[0])
	// Output:
	// 0.110770 -0.060854
}
