package distributions_test

import (
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

var (
	_ distributions.Distribution   = (*distributions.Chi2)(nil)
	_ distributions.RSampler       = (*distributions.Chi2)(nil)
	_ distributions.PathwiseGrader = (*distributions.Chi2)(nil)
	_ distributions.LogProbGrader  = (*distributions.Chi2)(nil)
	_ distributions.LogProbIntoer  = (*distributions.Chi2)(nil)
	_ distributions.Meaner         = (*distributions.Chi2)(nil)
	_ distributions.Variancer      = (*distributions.Chi2)(nil)
	_ distributions.StdDever       = (*distributions.Chi2)(nil)
	_ distributions.Moder          = (*distributions.Chi2)(nil)
	_ distributions.Entropier      = (*distributions.Chi2)(nil)
)

// TestChi2Capabilities: like torch's Chi2 (a Gamma subclass), no cdf, icdf
// or conjugate update (Pyro's Chi2 does not derive from Pyro's Gamma).
func TestChi2Capabilities(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewChi2(s64(3)))
	_, isCDF := any(d).(distributions.CDFer)
	_, isConj := any(d).(distributions.ConjugateUpdater)
	assert.False(t, isCDF)
	assert.False(t, isConj)
	assert.True(t, distributions.HasRSample(d))
}

// chi2RefLogProb is gonum's log density of the chi-squared distribution.
func chi2RefLogProb(x, df float64) float64 { return distuv.ChiSquared{K: df}.LogProb(x) }

func TestChi2LogProb(t *testing.T) {
	t.Parallel()
	t.Run("gonum, broadcast", func(t *testing.T) {
		t.Parallel()
		df, x := f64(0.5, 1, 2, 3, 5.2326, 12.5), sh(f64(0.05, 1.326, 4, 30), 4, 1)
		lp := must(must(distributions.NewChi2(df)).LogProb(x))
		require.Equal(t, []int{4, 6}, shapeOf(lp))
		var want []float64
		for _, xv := range data64(t, x) {
			for _, k := range data64(t, df) {
				want = append(want, chi2RefLogProb(xv, k))
			}
		}
		close(t, want, data64(t, lp), 1e-14, 0)
	})
	t.Run("mpmath", func(t *testing.T) {
		t.Parallel()
		// -(ν/2)·log 2 + (ν/2-1)·log x - x/2 - log Γ(ν/2), mpmath; ν = 2e4
		// takes Stirling's form (log Γ(1e4) ≈ 8.2e4 would cancel).
		d := must(distributions.NewChi2(f64(1, 2e4, 3, 40)))
		lp := must(d.LogProb(f64(1e-300, 2e4, 1e-8, 100)))
		close(t, []float64{344.46882541590217985, -6.2172642330860399748, -10.129278910180855467, -15.704594264624664232},
			data64(t, lp), 2e-15, 0)
	})
	t.Run("boundary x = 0", func(t *testing.T) {
		t.Parallel()
		// The golden case chi2/batch-df-boundary: +Inf, log ½, -Inf.
		lp := must(must(distributions.NewChi2(f64(1, 2, 3))).LogProb(s64(0)))
		close(t, []float64{math.Inf(1), -math.Ln2, math.Inf(-1)}, data64(t, lp), tol64, 0)
	})
	t.Run("equals Gamma(ν/2, ½)", func(t *testing.T) {
		t.Parallel()
		df := f64(0.3, 4, 25, 301)
		x := sh(f64(0.01, 2, 20, 310), 4, 1)
		c := must(must(distributions.NewChi2(df)).LogProb(x))
		g := must(must(distributions.NewGamma(f64(0.15, 2, 12.5, 150.5), s64(0.5))).LogProb(x))
		close(t, data64(t, g), data64(t, c), 0, 0)
	})
}

func TestChi2Errors(t *testing.T) {
	t.Parallel()
	_, err := distributions.NewChi2(f64(2, 0)) // the golden case errors/chi2-zero-df
	require.ErrorIs(t, err, distributions.ErrParam)
	var ce *distributions.ConstraintError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "chi2", ce.Family)
	assert.Equal(t, "df", ce.Name)
	assert.Equal(t, []int{1}, ce.Index)
	assert.Contains(t, err.Error(), "> 0")
	_, err = distributions.NewChi2(f64(math.NaN()))
	require.ErrorIs(t, err, distributions.ErrParam)
	_, err = distributions.NewChi2(nil)
	require.ErrorIs(t, err, distributions.ErrParam)
	d := must(distributions.NewChi2(f64(2, 3)))
	_, err = d.LogProb(f64(1, -0.5))
	require.ErrorIs(t, err, distributions.ErrSupport)
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, []int{1}, ce.Index)
	_, err = d.LogProb(f64(1, 2, 3))
	require.ErrorIs(t, err, distributions.ErrShape)
	_, err = d.LogProb(f32(1))
	require.ErrorIs(t, err, distributions.ErrDType)
	u := must(distributions.NewChi2(f64(-1), distributions.WithValidation(false)))
	_, err = u.LogProb(s64(-1))
	require.NoError(t, err)
}

func TestChi2Moments(t *testing.T) {
	t.Parallel()
	dfs := []float64{0.5, 1, 2, 3, 5.2326, 30, 1e5}
	d := must(distributions.NewChi2(f64(dfs...)))
	var mean, variance, std, mode []float64
	for _, k := range dfs {
		mean = append(mean, k)
		variance = append(variance, 2*k)
		std = append(std, math.Sqrt(2*k))
		mode = append(mode, math.Max(k-2, 0))
	}
	close(t, mean, data64(t, must(d.Mean())), tol64, 0)
	close(t, variance, data64(t, must(d.Variance())), tol64, 0)
	close(t, std, data64(t, must(d.StdDev())), tol64, 0)
	close(t, mode, data64(t, must(d.Mode())), tol64, 0)
	// mpmath, Gamma(ν/2, ½)'s entropy.
	close(t, []float64{-0.93942044477417628928, 0.78375711047393365677, 1.6931471805599453094, 2.0541199559354118268,
		2.452966415483972763, 3.4435151000475149854, 7.5219681892697595176}, data64(t, must(d.Entropy())), 2e-15, 0)
}

func TestChi2LogProbGrad(t *testing.T) {
	t.Parallel()
	df, x := []float64{0.7, 3, 12.5, 25}, []float64{0.4, 1.3, 2.2, 9, 31, 5}
	dShape, xShape, out := []int{4}, []int{6, 1}, []int{6, 4}
	w := seq(-1, 2, 24)
	ref := func(x, df []float64) float64 {
		xs, ks := bcast(x, xShape, out), bcast(df, dShape, out)
		var s float64
		for i := range xs {
			s += w[i] * chi2RefLogProb(xs[i], ks[i])
		}
		return s
	}
	d := must(distributions.NewChi2(f64(df...)))
	g := must(d.LogProbVJP(must(tensor.New(x, xShape...)), must(tensor.New(w, out...))))
	close(t, []float64{ref(x, df)}, []float64{g.LogProb}, 1e-13, 0)
	wantX := centralDiff(func(v []float64) float64 { return ref(v, df) }, x, 1e-5)
	wantD := centralDiff(func(v []float64) float64 { return ref(x, v) }, df, 1e-5)
	gotX, gotD := data64(t, g.Value), data64(t, g.Params["df"])
	close(t, wantX, gotX, gradTol, gradTol)
	close(t, wantD, gotD, gradTol, gradTol)
	t.Logf("max rel err vs central differences: x %.2g, df %.2g", maxRelErr(wantX, gotX, 1), maxRelErr(wantD, gotD, 1))
	// The golden case chi2/batch-df-boundary: ∂/∂ν = (log x - log 2 - ψ(ν/2))/2.
	g = must(must(distributions.NewChi2(f64(1, 2, 3))).LogProbGrad(f64(0.5, 1, 1.5)))
	close(t, []float64{0.2886078324507662, -0.057965757829206266, -0.16208602321517854}, data64(t, g.Params["df"]), 1e-14, 0)
}

func TestChi2Float32(t *testing.T) {
	t.Parallel()
	df, x := f32(0.5, 3, 40), sh(f32(0.25, 2, 35), 3, 1)
	d32, d64 := must(distributions.NewChi2(df)), must(distributions.NewChi2(to64(df)))
	lp32 := must(d32.LogProb(x))
	require.Equal(t, tensor.Float32, lp32.Dtype())
	close(t, data64(t, must(d64.LogProb(to64(x)))), data64(t, lp32), tol32, 1e-6)
	close(t, data64(t, must(d64.Entropy())), data64(t, must(d32.Entropy())), tol32, 1e-6)
	g32, g64 := must(d32.LogProbGrad(x)), must(d64.LogProbGrad(to64(x)))
	close(t, data64(t, g64.Params["df"]), data64(t, g32.Params["df"]), tol32, 1e-6)
	close(t, data64(t, g64.Value), data64(t, g32.Value), tol32, 1e-6)
}

// chi2KS returns the KS p-value of column j against χ²(ν), CDF P(ν/2, x/2).
func chi2KS(data []float64, j, stride int, df float64) float64 {
	n := len(data) / stride
	col := make([]float64, n)
	for i := range col {
		col[i] = data[i*stride+j]
	}
	return ksPValue(ksStatistic(col, func(x float64) float64 { return tensor.GammaIncP(df/2, x/2) }), n)
}

func TestChi2SampleKS(t *testing.T) {
	t.Parallel()
	dfs := []float64{0.2, 1, 7.4, 200}
	d := must(distributions.NewChi2(f64(dfs...)))
	data := data64(t, must(d.Sample(rand.NewPCG(21, 0x5eed), nDraws)))
	for j, k := range dfs {
		p := chi2KS(data, j, len(dfs), k)
		t.Logf("Chi2(%g): KS p = %.3g", k, p)
		assert.GreaterOrEqual(t, p, pCritical, "Chi2(%g)", k)
	}
	// Power: χ²(7.4) draws are rejected as χ²(7.5).
	p := chi2KS(slices.Clone(data), 2, len(dfs), 7.5)
	t.Logf("Chi2(7.4) draws as Chi2(7.5): KS p = %.3g", p)
	assert.Less(t, p, pCritical)
}

func TestChi2SampleGOMAXPROCS(t *testing.T) {
	const n = 300_000
	require.Greater(t, n, tensor.ParallelMin)
	d := must(distributions.NewChi2(f64(0.5, 9)))
	draw := func(procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		return data64(t, must(d.Sample(rand.NewPCG(5, 6), n/2)))
	}
	assert.True(t, slices.Equal(draw(1), draw(2)), "draws depend on GOMAXPROCS")
}

// TestChi2RSampleVJP checks ∂x/∂ν through the CDF relation
// P((ν+h)/2, x(ν+h)/2) = P(ν/2, x/2) (see TestGammaRSampleVJP for why not
// finite differences of the sampler), and the sum over the batch.
func TestChi2RSampleVJP(t *testing.T) {
	t.Parallel()
	df := f64(0.3, 4, 60)
	d := must(distributions.NewChi2(df))
	x := must(d.RSample(rand.NewPCG(1, 9), 3))
	g := seq(0.5, 2, 9)
	grads, err := d.RSampleVJP(x, must(tensor.New(g, 3, 3)))
	require.NoError(t, err)
	require.Equal(t, []int{3}, shapeOf(grads["df"]))
	want := make([]float64, 3)
	dfs := data64(t, df)
	for i, xv := range data64(t, x) {
		k := dfs[i%3]
		dx := tensor.StandardGammaGrad(k/2, xv/2)
		h := 1e-6 * k
		f := tensor.GammaIncP
		if tensor.GammaIncP(k/2, xv/2) > 0.5 {
			f = tensor.GammaIncQ
		}
		moved := f((k+h)/2, (xv+h*dx)/2) - f((k-h)/2, (xv-h*dx)/2)
		held := f((k+h)/2, xv/2) - f((k-h)/2, xv/2)
		assert.Less(t, math.Abs(moved), 1e-4*math.Abs(held), "draw %d: x = %v, ν = %v", i, xv, k)
		want[i%3] += g[i] * dx
	}
	close(t, want, data64(t, grads["df"]), 1e-13, 0)
}

func TestChi2Expand(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewChi2(f64(1, 2)))
	e, err := d.Expand([]int{3, 2})
	require.NoError(t, err)
	require.IsType(t, &distributions.Chi2{}, e)
	assert.Equal(t, []int{3, 2}, e.BatchShape())
	assert.Equal(t, []int{4, 3, 2}, shapeOf(must(e.Sample(rand.NewPCG(1, 1), 4))))
	_, err = d.Expand([]int{3})
	require.ErrorIs(t, err, distributions.ErrShape)
}

func FuzzChi2(f *testing.F) {
	f.Add(1.0, 1.0)
	f.Add(2.0, 0.0)
	f.Add(0.0, 1.0)
	f.Add(-1.0, 1.0)
	f.Add(3.0, -1.0)
	f.Add(math.NaN(), 1.0)
	f.Add(1e-300, 1e-300)
	f.Add(1e7, 1e7)
	f.Add(5.0, math.Inf(1))
	f.Fuzz(func(t *testing.T, df, x float64) {
		d, err := distributions.NewChi2(f64(df))
		if !(df > 0) {
			require.ErrorIs(t, err, distributions.ErrParam)
			u := must(distributions.NewChi2(f64(df), distributions.WithValidation(false)))
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
		if x > 1e-300 && x < 1e300 && df < 1e6 && df > 1e-300 {
			want := chi2RefLogProb(x, df)
			lg, _ := math.Lgamma(df / 2)
			terms := math.Abs(df/2*math.Ln2) + math.Abs((df/2-1)*math.Log(x)) + x/2 + math.Abs(lg)
			close(t, []float64{want}, []float64{got}, 1e-13, 1e-14*terms)
		}
		if df < 1e10 {
			s := must(d.RSample(rand.NewPCG(1, 2), 2))
			_, err := d.RSampleVJP(s, nil)
			require.NoError(t, err)
		}
	})
}
