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

// Reference values marked "mpmath" were computed with mpmath at 50 digits
// from the exact binary value of each float64 input, then rounded once.

var (
	_ distributions.RSampler       = (*distributions.Kumaraswamy)(nil)
	_ distributions.PathwiseGrader = (*distributions.Kumaraswamy)(nil)
	_ distributions.LogProbGrader  = (*distributions.Kumaraswamy)(nil)
	_ distributions.LogProbIntoer  = (*distributions.Kumaraswamy)(nil)
	_ distributions.CDFer          = (*distributions.Kumaraswamy)(nil)
	_ distributions.ICDFer         = (*distributions.Kumaraswamy)(nil)
	_ distributions.Meaner         = (*distributions.Kumaraswamy)(nil)
	_ distributions.Variancer      = (*distributions.Kumaraswamy)(nil)
	_ distributions.StdDever       = (*distributions.Kumaraswamy)(nil)
	_ distributions.Moder          = (*distributions.Kumaraswamy)(nil)
	_ distributions.Entropier      = (*distributions.Kumaraswamy)(nil)
)

// kumaraswamyLogProbRef is the log density written plainly, with
// math.Pow for x^a: right to ~1e-15 relative where x^a ≤ 1/2 (1-x^a does
// not cancel), the tests' oracle there.
func kumaraswamyLogProbRef(x, a, b float64) float64 {
	return math.Log(a) + math.Log(b) + (a-1)*math.Log(x) + (b-1)*math.Log(1-math.Pow(x, a))
}

// kumaraswamyCDFRef is 1 - (1-x^a)^b written plainly (for the KS tests and
// x^a ≤ 1/2 away from the left tail).
func kumaraswamyCDFRef(x, a, b float64) float64 {
	switch {
	case x <= 0:
		return 0
	case x >= 1:
		return 1
	}
	return 1 - math.Pow(1-math.Pow(x, a), b)
}

func TestKumaraswamyLogProb(t *testing.T) {
	t.Parallel()
	inf := math.Inf(1)
	tests := []struct {
		name      string
		c1, c0, x *tensor.Dense
		wantShape []int
		want      []float64 // nil: kumaraswamyLogProbRef over the broadcast
	}{
		{name: "golden scalar", c1: s64(3.3128), c0: s64(2.0389), x: s64(0.6687), wantShape: []int{},
			want: []float64{0.66153397844174955}}, // mpmath
		{name: "(3,1) vs (4) vs value (2,1,1)", c1: sh(f64(0.5, 1, 4.25), 3, 1), c0: f64(0.3, 1, 2, 40),
			x: sh(f64(0.125, 0.45), 2, 1, 1), wantShape: []int{2, 3, 4}},
		{name: "boundaries, xlogy", c1: f64(1, 0.5, 2, 1, 0.5, 2), c0: f64(1, 2, 0.5, 1, 2, 0.5), x: f64(0, 0, 0, 1, 1, 1), wantShape: []int{6},
			want: []float64{0, inf, -inf, 0, -inf, inf}},
		{name: "Kumaraswamy(1, 3) at 0", c1: s64(1), c0: s64(3), x: s64(0), wantShape: []int{},
			want: []float64{math.Log(3)}},
		{name: "left tail", c1: s64(2), c0: s64(3), x: s64(1e-200), wantShape: []int{},
			want: []float64{-458.72525912958108}}, // mpmath
		{name: "near 1, x^a near 1", c1: f64(0.5, 5), c0: f64(2, 0.5), x: f64(0.9999999999999999, 0.9999999999999999), wantShape: []int{2},
			want: []float64{-37.429947750237047, 18.479972060495655}}, // mpmath
		{name: "large b", c1: s64(1e-3), c0: s64(1e3), x: s64(0.5), wantShape: []int{},
			want: []float64{-7266.6476843486912}}, // mpmath
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := distributions.NewKumaraswamy(tc.c1, tc.c0)
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
			a := bcast(data64(t, tc.c1), shapeOf(tc.c1), tc.wantShape)
			b := bcast(data64(t, tc.c0), shapeOf(tc.c0), tc.wantShape)
			for i := range g {
				// the oracle's terms are each good to a few ulps of their size
				scale := math.Abs(math.Log(a[i])) + math.Abs(math.Log(b[i])) + math.Abs((a[i]-1)*math.Log(xs[i])) + math.Abs((b[i]-1)*math.Log(1-math.Pow(xs[i], a[i])))
				close(t, []float64{kumaraswamyLogProbRef(xs[i], a[i], b[i])}, g[i:i+1], 1e-14, 1e-15*scale)
			}
		})
	}
	t.Run("outside the support, unvalidated", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewKumaraswamy(s64(2), s64(3), distributions.WithValidation(false)))
		lp, err := d.LogProb(f64(-0.5, 1.5, math.NaN()))
		require.NoError(t, err)
		close(t, []float64{-inf, -inf, math.NaN()}, data64(t, lp), 0, 0)
	})
}

func TestKumaraswamyErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		c1, c0   *tensor.Dense
		x        *tensor.Dense
		wantErr  error
		wantName string
		wantIdx  []int
	}{
		{name: "concentration1 0", c1: f64(1, 0), c0: s64(1), wantErr: distributions.ErrParam, wantName: "concentration1", wantIdx: []int{1}},
		{name: "concentration0 -2 at (0,1)", c1: s64(1), c0: sh(f64(1, -2, 1, 3), 2, 2), wantErr: distributions.ErrParam, wantName: "concentration0", wantIdx: []int{0, 1}},
		{name: "concentration1 NaN", c1: f64(math.NaN()), c0: s64(1), wantErr: distributions.ErrParam, wantName: "concentration1", wantIdx: []int{0}},
		{name: "shapes (2) and (3)", c1: f64(1, 2), c0: f64(1, 1, 1), wantErr: distributions.ErrShape},
		{name: "mixed dtypes", c1: f64(1), c0: f32(1), wantErr: distributions.ErrDType},
		{name: "value 1.5", c1: s64(2), c0: s64(2), x: f64(0.5, 1.5), wantErr: distributions.ErrSupport, wantName: "value", wantIdx: []int{1}},
		{name: "value (4) vs batch (3)", c1: f64(1, 2, 3), c0: s64(2), x: f64(0, 0, 0, 0), wantErr: distributions.ErrShape},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := distributions.NewKumaraswamy(tc.c1, tc.c0)
			if tc.x != nil {
				require.NoError(t, err)
				_, err = d.LogProb(tc.x)
				_, gerr := d.LogProbGrad(tc.x)
				require.ErrorIs(t, gerr, tc.wantErr)
				_, cerr := d.CDF(tc.x)
				require.ErrorIs(t, cerr, tc.wantErr)
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
				assert.Equal(t, "kumaraswamy", ce.Family)
				assert.Equal(t, tc.wantName, ce.Name)
				assert.Equal(t, tc.wantIdx, ce.Index)
			}
		})
	}
}

func TestKumaraswamyCDF(t *testing.T) {
	t.Parallel()
	t.Run("mpmath, tails included", func(t *testing.T) {
		d := must(distributions.NewKumaraswamy(f64(2, 0.5, 2, 3, 2), f64(3, 0.5, 3, 0.2, 3)))
		got, err := d.CDF(f64(1e-100, 1e-300, 1-0x1p-52, 0.5, 0.5))
		require.NoError(t, err)
		close(t, []float64{3e-200, 5e-151, 1, 0.026352819384831865, 0.578125}, data64(t, got), tol64, 0)
		edge, err := d.CDF(f64(0, 0, 1, 1, 0))
		require.NoError(t, err)
		close(t, []float64{0, 0, 1, 1, 0}, data64(t, edge), 0, 0)
	})
	t.Run("broadcast vs the closed form", func(t *testing.T) {
		c1, c0, x := sh(f64(0.5, 1, 4), 3, 1), f64(0.3, 2, 9), sh(f64(0.05, 0.3, 0.6), 3, 1, 1)
		d := must(distributions.NewKumaraswamy(c1, c0))
		got := data64(t, must(d.CDF(x)))
		out := []int{3, 3, 3}
		xs, a, b := bcast(data64(t, x), []int{3, 1, 1}, out), bcast(data64(t, c1), []int{3, 1}, out), bcast(data64(t, c0), []int{3}, out)
		for i := range got {
			// 1 - (1-x^a)^b as written cancels where F is small: its error
			// is a few ulps of 1 (4ε absolute), not of F.
			close(t, []float64{kumaraswamyCDFRef(xs[i], a[i], b[i])}, got[i:i+1], 1e-14, 4*0x1p-52)
		}
	})
}

func TestKumaraswamyICDF(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewKumaraswamy(f64(2, 2, 2, 0.5, 4), f64(3, 3, 3, 4, 0.5)))
	got, err := d.ICDF(f64(1e-300, 0.5, 1-0x1p-53, 1e-10, 0.999999))
	require.NoError(t, err)
	close(t, []float64{5.7735026918962577e-151, 0.45420201894740655, 0.99999759688842056, 6.2500000004687505e-22, 0.99999999999975},
		data64(t, got), tol64, 0) // mpmath
	edge := data64(t, must(d.ICDF(f64(0, 1, 0, 1, 0))))
	close(t, []float64{0, 1, 0, 1, 0}, edge, 0, 0)
	t.Run("inverts CDF", func(t *testing.T) {
		d := must(distributions.NewKumaraswamy(sh(f64(0.5, 1.5, 7), 3, 1), f64(0.4, 2, 30)))
		// Up to u = 0.9: nearer 1, x = F⁻¹(u) comes within a few ulps of 1
		// for b < 1 and cannot carry u's digits.
		u := sh(f64(1e-12, 1e-4, 0.2, 0.5, 0.9), 5, 1, 1)
		back := data64(t, must(d.CDF(must(d.ICDF(u)))))
		// x's rounding moves F by x·p(x)·ε ≤ a·b·ε·|log(1-F)|/F relative:
		// 1e-12 bounds these points.
		close(t, bcast(data64(t, u), []int{5, 1, 1}, []int{5, 3, 3}), back, 1e-12, 0)
	})
	t.Run("u outside [0, 1]", func(t *testing.T) {
		_, err := d.ICDF(f64(0.5, 1.5, 0, 0, 0))
		require.ErrorIs(t, err, distributions.ErrSupport)
	})
}

func TestKumaraswamyMoments(t *testing.T) {
	t.Parallel()
	c1, c0 := f64(1, 0.5, 2, 3.3128, 20), f64(1, 2, 0.5, 2.0389, 0.3)
	d := must(distributions.NewKumaraswamy(c1, c0))
	// mpmath: b·B(1+n/a, b); the entropy in closed form, checked there
	// against -∫p·log p by quadrature.
	mean := []float64{0.5, 0.16666666666666667, 0.78539816339744831, 0.66450273437997956, 0.98040749290279501}
	variance := []float64{0.083333333333333333, 0.038888888888888889, 0.049816391598581753, 0.033460327899469592, 0.0010960380841534787}
	entropy := []float64{0, -1, -0.69314718055994531, -0.34280903563638393, -3.7374692653283919}
	std := make([]float64, len(variance))
	for i, v := range variance {
		std[i] = math.Sqrt(v)
	}
	close(t, mean, data64(t, must(d.Mean())), 1e-14, 0)
	// torch's m2 - m1² cancels: at (20, 0.3) the variance is 1.1e-3 of
	// m1² = 0.96, so a few ulps of m2 are 1e-12 of it (measured 3.0e-13).
	close(t, variance, data64(t, must(d.Variance())), 1e-12, 0)
	close(t, std, data64(t, must(d.StdDev())), 1e-12, 0)
	close(t, entropy, data64(t, must(d.Entropy())), 1e-14, 1e-15)
	// torch 1.13's mode is NaN for every valid concentration.
	for _, m := range data64(t, must(d.Mode())) {
		assert.True(t, math.IsNaN(m))
	}
	assert.Same(t, c1, d.Concentration1())
	assert.Same(t, c0, d.Concentration0())
	assert.Equal(t, "Kumaraswamy(batch_shape=(5,))", d.String())
}

type kumaraswamyGradCase struct {
	name           string
	xShape, s1, s0 []int
	out, upShape   []int
}

func kumaraswamyRefSum(c kumaraswamyGradCase, x, a, b, w []float64) float64 {
	xs, p1, p0 := bcast(x, c.xShape, c.out), bcast(a, c.s1, c.out), bcast(b, c.s0, c.out)
	var s float64
	for i := range xs {
		lp := kumaraswamyLogProbRef(xs[i], p1[i], p0[i])
		if w != nil {
			lp *= w[i]
		}
		s += lp
	}
	return s
}

func TestKumaraswamyLogProbGrad(t *testing.T) {
	t.Parallel()
	cases := []kumaraswamyGradCase{
		{name: "c1 (3,1), c0 (4), x (2,3,4)", xShape: []int{2, 3, 4}, s1: []int{3, 1}, s0: []int{4}, out: []int{2, 3, 4}},
		{name: "c1 (4), c0 (3,1), x (2,1,1)", xShape: []int{2, 1, 1}, s1: []int{4}, s0: []int{3, 1}, out: []int{2, 3, 4}, upShape: []int{3, 1}},
		{name: "all scalar", xShape: []int{}, s1: []int{}, s0: []int{}, out: []int{}},
	}
	worst := 0.0
	for k, c := range cases {
		r := rand.New(rand.NewPCG(uint64(k), 13))
		fill := func(shp []int, lo, hi float64) []float64 {
			v := make([]float64, sizeOf(shp))
			for i := range v {
				v[i] = lo + (hi-lo)*r.Float64()
			}
			return v
		}
		x, a, b := fill(c.xShape, 0.05, 0.9), fill(c.s1, 0.4, 5), fill(c.s0, 0.4, 5)
		d := must(distributions.NewKumaraswamy(must(tensor.New(a, c.s1...)), must(tensor.New(b, c.s0...))))
		xt := must(tensor.New(x, c.xShape...))
		var w []float64
		var g *distributions.Gradient
		var err error
		if c.upShape != nil {
			u := seq(-2, 1.5, sizeOf(c.upShape))
			w = bcast(u, c.upShape, c.out)
			g, err = d.LogProbVJP(xt, must(tensor.New(u, c.upShape...)))
		} else {
			g, err = d.LogProbGrad(xt)
		}
		require.NoError(t, err)
		close(t, []float64{kumaraswamyRefSum(c, x, a, b, w)}, []float64{g.LogProb}, 1e-12, 1e-12)
		wantX := centralDiff(func(v []float64) float64 { return kumaraswamyRefSum(c, v, a, b, w) }, x, 1e-6)
		wantA := centralDiff(func(v []float64) float64 { return kumaraswamyRefSum(c, x, v, b, w) }, a, 1e-5)
		wantB := centralDiff(func(v []float64) float64 { return kumaraswamyRefSum(c, x, a, v, w) }, b, 1e-5)
		got := [][]float64{data64(t, g.Value), data64(t, g.Params["concentration1"]), data64(t, g.Params["concentration0"])}
		for i, want := range [][]float64{wantX, wantA, wantB} {
			requireFinite(t, want)
			close(t, want, got[i], gradTol, gradTol)
			worst = max(worst, maxRelErr(want, got[i], 1))
		}
	}
	t.Logf("max rel err vs central differences: %.2g", worst)
	t.Run("x near 1", func(t *testing.T) {
		// ∂/∂a = 1/a + log x·(1 - (b-1)r), r = x^a/(1-x^a): at x = 1-2^-53
		// r·log x → -1/a, so ∂/∂a → b/a (here 3/2).
		d := must(distributions.NewKumaraswamy(s64(2), s64(3)))
		g := must(d.LogProbGrad(s64(1 - 0x1p-53)))
		close(t, []float64{1.5}, data64(t, g.Params["concentration1"]), 1e-15, 0)
	})
}

func TestKumaraswamyFloat32(t *testing.T) {
	t.Parallel()
	c1, c0 := sh(f32(0.5, 2.5, 9), 3, 1), f32(0.7, 1, 4, 30)
	x := sh(to32(f64(seq(0.02, 0.98, 24)...)), 2, 3, 4)
	u := to32(f64(0.001, 0.3, 0.999))
	d32 := must(distributions.NewKumaraswamy(c1, c0))
	d64 := must(distributions.NewKumaraswamy(to64(c1), to64(c0)))
	pairs := map[string][2]*tensor.Dense{
		"log_prob": {must(d32.LogProb(x)), must(d64.LogProb(to64(x)))},
		"cdf":      {must(d32.CDF(x)), must(d64.CDF(to64(x)))},
		"icdf":     {must(d32.ICDF(sh(u, 3, 1, 1))), must(d64.ICDF(sh(to64(u), 3, 1, 1)))},
		"mean":     {must(d32.Mean()), must(d64.Mean())},
		"variance": {must(d32.Variance()), must(d64.Variance())},
		"entropy":  {must(d32.Entropy()), must(d64.Entropy())},
	}
	for name, p := range pairs {
		require.Equal(t, tensor.Float32, p[0].Dtype(), name)
		close(t, data64(t, p[1]), data64(t, p[0]), tol32, 1e-7)
	}
	g32, g64 := must(d32.LogProbGrad(x)), must(d64.LogProbGrad(to64(x)))
	for _, p := range []string{"concentration1", "concentration0"} {
		require.Equal(t, tensor.Float32, g32.Params[p].Dtype())
		close(t, data64(t, g64.Params[p]), data64(t, g32.Params[p]), tol32, 1e-6)
	}
}

func kumaraswamyKS(data []float64, j, stride int, a, b float64) float64 {
	n := len(data) / stride
	col := make([]float64, n)
	for i := range col {
		col[i] = data[i*stride+j]
	}
	return ksPValue(ksStatistic(col, func(x float64) float64 { return kumaraswamyCDFRef(x, a, b) }), n)
}

func TestKumaraswamySampleKS(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		c1, c0 *tensor.Dense
	}{
		{"(2, 3)", s64(2), s64(3)},
		{"U-shaped", s64(0.3), s64(0.4)},
		{"batch", f64(1, 15, 0.6), f64(1, 0.5, 25)},
		{"float32", s32(5), s32(1.5)},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := must(distributions.NewKumaraswamy(tc.c1, tc.c0))
			x := must(d.Sample(rand.NewPCG(uint64(i+1), 0x4a3), nDraws))
			batch := d.BatchShape()
			stride := sizeOf(batch)
			a := bcast(data64(t, tc.c1), shapeOf(tc.c1), batch)
			b := bcast(data64(t, tc.c0), shapeOf(tc.c0), batch)
			data := data64(t, x)
			for j := range stride {
				p := kumaraswamyKS(data, j, stride, a[j], b[j])
				t.Logf("Kumaraswamy(%g, %g): KS p = %.3g", a[j], b[j], p)
				assert.GreaterOrEqual(t, p, pCritical)
			}
		})
	}
	t.Run("power", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewKumaraswamy(s64(2), s64(3)))
		data := data64(t, must(d.Sample(rand.NewPCG(1, 0x4a3), nDraws)))
		for _, alt := range [][2]float64{{2.05, 3}, {2, 3.1}} {
			p := kumaraswamyKS(slices.Clone(data), 0, 1, alt[0], alt[1])
			t.Logf("Kumaraswamy(2, 3) draws as (%g, %g): KS p = %.3g", alt[0], alt[1], p)
			assert.Less(t, p, pCritical)
		}
	})
}

func TestKumaraswamySampleGOMAXPROCS(t *testing.T) {
	const n = 1_000_000
	require.Greater(t, n, tensor.ParallelMin)
	d := must(distributions.NewKumaraswamy(f64(0.5, 3), f64(2, 0.7)))
	draw := func(procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		return data64(t, must(d.Sample(rand.NewPCG(42, 43), n/2)))
	}
	one, two := draw(1), draw(2)
	assert.True(t, slices.Equal(one, two), "draws depend on GOMAXPROCS")
	assert.Equal(t, one[:8], data64(t, must(d.RSample(rand.NewPCG(42, 43), 4))), "Sample is RSample")
}

// TestKumaraswamyRSampleVJP checks the pathwise gradient against finite
// differences of L = Σ g·x(θ) with the noise held fixed (the same seed).
func TestKumaraswamyRSampleVJP(t *testing.T) {
	t.Parallel()
	c1, c0 := sh(f64(0.7, 3), 2, 1), f64(1.5, 0.4, 12)
	gv := seq(-1, 2, 12)
	lossAt := func(a, b *tensor.Dense) float64 {
		x := data64(t, must(must(distributions.NewKumaraswamy(a, b)).RSample(rand.NewPCG(7, 8), 2)))
		var s float64
		for i, v := range x {
			s += gv[i] * v
		}
		return s
	}
	d := must(distributions.NewKumaraswamy(c1, c0))
	x := must(d.RSample(rand.NewPCG(7, 8), 2))
	g, err := d.RSampleVJP(x, must(tensor.New(gv, 2, 2, 3)))
	require.NoError(t, err)
	wantA := centralDiff(func(v []float64) float64 { return lossAt(sh(f64(v...), 2, 1), c0) }, data64(t, c1), 1e-5)
	wantB := centralDiff(func(v []float64) float64 { return lossAt(c1, f64(v...)) }, data64(t, c0), 1e-5)
	close(t, wantA, data64(t, g["concentration1"]), 1e-7, 1e-9)
	close(t, wantB, data64(t, g["concentration0"]), 1e-7, 1e-9)
	t.Logf("max rel err vs finite differences: %.2g, %.2g", maxRelErr(wantA, data64(t, g["concentration1"]), 1e-3), maxRelErr(wantB, data64(t, g["concentration0"]), 1e-3))
	z, err := d.RSampleVJP(sh(f64(0, 1, 0, 1, 0, 1), 2, 3), nil)
	require.NoError(t, err)
	close(t, []float64{0, 0}, data64(t, z["concentration1"]), 0, 0)
}

func TestKumaraswamySpec(t *testing.T) {
	t.Parallel()
	d, err := distributions.Build([]byte(`{"family": "Kumaraswamy", "params": {"concentration1": {"shape": [2, 1], "data": [1, 2]}, "concentration0": {"shape": [3], "data": [1, 2, 3]}}}`))
	require.NoError(t, err)
	require.IsType(t, (*distributions.Kumaraswamy)(nil), d)
	assert.Equal(t, []int{2, 3}, d.BatchShape())
	e, err := distributions.Expand(d, []int{4, 2, 3})
	require.NoError(t, err)
	require.IsType(t, (*distributions.Kumaraswamy)(nil), e)
	_, err = distributions.Build([]byte(`{"family": "Kumaraswamy", "params": {"concentration1": 1, "concentration0": 1, "scale": 1}}`))
	require.ErrorIs(t, err, distributions.ErrUnsupported)
	_, err = distributions.Build([]byte(`{"family": "Kumaraswamy", "params": {"concentration0": 1}}`))
	require.ErrorIs(t, err, distributions.ErrParam)
}

func FuzzKumaraswamy(f *testing.F) {
	for _, c := range [][3]float64{
		{1, 1, 0}, {1, 1, 1}, {0.5, 2, 0}, {2, 0.5, 1}, {0, 1, 0.5}, {1, -1, 0.5}, {math.NaN(), 1, 0.5}, {2, 3, math.NaN()},
		{2, 3, -0.1}, {2, 3, 1.1}, {1e-300, 1e-300, 0.5}, {1e300, 1e300, 0.5}, {1e5, 1, 1e-300}, {math.Inf(1), 1, 0.5}, {3, 4, 0.25},
	} {
		f.Add(c[0], c[1], c[2])
	}
	f.Fuzz(func(t *testing.T, a, b, x float64) {
		d, err := distributions.NewKumaraswamy(f64(a), f64(b))
		if !(a > 0) || !(b > 0) {
			require.ErrorIs(t, err, distributions.ErrParam)
			u, err := distributions.NewKumaraswamy(f64(a), f64(b), distributions.WithValidation(false))
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
		if !math.IsInf(a, 0) && !math.IsInf(b, 0) {
			require.False(t, math.IsNaN(got), "log Kumaraswamy(%v | %v, %v) is NaN", x, a, b)
		}
		if xa := math.Pow(x, a); x > 1e-300 && xa < 0.5 && xa > 1e-300 && a > 1e-3 && a < 1e3 && b > 1e-3 && b < 1e3 {
			scale := math.Abs(math.Log(a)) + math.Abs(math.Log(b)) + math.Abs((a-1)*math.Log(x)) + math.Abs((b-1)*math.Log1p(-xa)) + 1
			close(t, []float64{kumaraswamyLogProbRef(x, a, b)}, []float64{got}, 1e-13, 1e-14*scale)
		}
		c := data64(t, must(d.CDF(f64(x))))[0]
		require.True(t, c >= 0 && c <= 1, "cdf %v", c)
		q := data64(t, must(d.ICDF(f64(x))))[0]
		require.True(t, q >= 0 && q <= 1, "icdf %v", q)
		_, err = d.RSampleVJP(f64(x), nil)
		require.NoError(t, err)
	})
}

func ExampleKumaraswamy_ICDF() {
	d, err := distributions.NewKumaraswamy(tensor.Scalar(2.0), tensor.Scalar(3.0))
	if err != nil {
		log.Fatal(err)
	}
	q, err := d.ICDF(tensor.Vector(1e-300, 0.5, 1-1e-12))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%.6g\n", q.Float64s())
	// Output:
	// [5.7735e-151 0.454202 0.99995]
}
