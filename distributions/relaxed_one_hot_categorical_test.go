package distributions_test

import (
	"errors"
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

// relaxedRefLogProb is the concrete density of Maddison, Mnih & Teh (2017,
// eq. 1) in its product form, log of
//
//	(K−1)!·τ^(K−1)·Π_k p_k·x_k^(−τ−1) / (Σ_i p_i·x_i^(−τ))^K
//
// with p the normalised probabilities of a row of probs or logits: the
// tests' own formula (the engine sums the softmax form).
func relaxedRefLogProb(tau float64, par []float64, logits bool, x []float64) float64 {
	p := oneHotNormalise(par, logits)
	k := float64(len(x))
	lg, _ := math.Lgamma(k)
	lp := lg + (k-1)*math.Log(tau)
	var den float64
	for i, v := range x {
		lp += math.Log(p[i]) - (tau+1)*math.Log(v)
		den += p[i] * math.Pow(v, -tau)
	}
	return lp - k*math.Log(den)
}

func relaxedNew(tau, par *tensor.Dense, logits bool, opts ...distributions.Option) (*distributions.RelaxedOneHotCategorical, error) {
	if logits {
		return distributions.NewRelaxedOneHotCategoricalLogits(tau, par, opts...)
	}
	return distributions.NewRelaxedOneHotCategorical(tau, par, opts...)
}

func TestRelaxedOneHotCategoricalLogProbMpmath(t *testing.T) {
	t.Parallel()
	// mpmath, 50 digits, of the product form above.
	tests := []struct {
		tau       float64
		par, x    []float64
		logits    bool
		want, tol float64
	}{
		{0.5, []float64{0.2, 0.3, 0.5}, []float64{0.1, 0.3, 0.6}, false, 0.02052034293170169, 1e-13}, // near 0: absolute 2e-15
		{2.0, []float64{1.0, -0.5}, []float64{0.7, 0.3}, true, 0.8580485934179158, 1e-15},
		{1.0, []float64{0.25, 0.25, 0.25, 0.25}, []float64{0.1, 0.2, 0.3, 0.4}, false, 1.7101154801875447, 1e-15},
		{0.1, []float64{0, 1, 2}, []float64{1e-5, 0.2, 0.79999}, true, 5.870003522901471, 1e-14},
		{1.9081, []float64{0.2655721671722496, 0.20244890584124017, 0.5319789269865102},
			[]float64{0.47775804370520475, 0.3348590297515836, 0.1873829265432117}, false, 0.3678331699596805, 1e-14},
	}
	for _, tc := range tests {
		d := must(relaxedNew(s64(tc.tau), f64(tc.par...), tc.logits))
		got := must(d.LogProb(f64(tc.x...)))
		require.Equal(t, []int{}, shapeOf(got))
		close(t, []float64{tc.want}, data64(t, got), tc.tol, 0)
	}
}

func TestRelaxedOneHotCategoricalDensity(t *testing.T) {
	t.Parallel()
	// For K = 2 the density of x_0 integrates to 1 over (0, 1); with
	// x_0 = σ(z), dx_0 = x_0(1−x_0)dz, the integrand decays like e^(−τ|z|),
	// below 1e-12 outside z ∈ [−100, 100] for τ ≥ 0.3, and Simpson's rule
	// there is exact to 1e-10.
	for _, tau := range []float64{0.3, 1, 2.5} {
		d := must(distributions.NewRelaxedOneHotCategorical(s64(tau), f64(0.3, 0.7)))
		const n = 6000
		zs := seq(-100, 100, n+1)
		xs := make([]float64, 0, 2*(n+1))
		for _, z := range zs {
			x0 := 1 / (1 + math.Exp(-z))
			xs = append(xs, x0, 1/(1+math.Exp(z)))
		}
		lp := data64(t, must(d.LogProb(sh(f64(xs...), n+1, 2))))
		h := zs[1] - zs[0]
		var sum float64
		for i, l := range lp {
			w := 2.0
			switch {
			case i == 0 || i == n:
				w = 1
			case i%2 == 1:
				w = 4
			}
			sum += w * math.Exp(l) * xs[2*i] * xs[2*i+1]
		}
		assert.InDelta(t, 1, sum*h/3, 1e-9, "τ = %g", tau)
	}
}

func TestRelaxedOneHotCategoricalErrors(t *testing.T) {
	t.Parallel()
	for _, bad := range []float64{0, -1, math.NaN()} {
		_, err := distributions.NewRelaxedOneHotCategorical(f64(1, bad), sh(f64(0.2, 0.8, 0.5, 0.5), 2, 2))
		require.ErrorIs(t, err, distributions.ErrParam)
		var ce *distributions.ConstraintError
		require.True(t, errors.As(err, &ce))
		assert.Equal(t, "temperature", ce.Name)
		assert.Equal(t, []int{1}, ce.Index)
	}
	_, err := distributions.NewRelaxedOneHotCategorical(s64(1), f64(-0.2, 0.8))
	require.ErrorIs(t, err, distributions.ErrParam)
	assert.Contains(t, err.Error(), "relaxed_one_hot_categorical")
	_, err = distributions.NewRelaxedOneHotCategorical(s32(1), f64(0.2, 0.8))
	require.ErrorIs(t, err, distributions.ErrDType)
	_, err = distributions.NewRelaxedOneHotCategorical(f64(1, 2, 3), sh(f64(0.2, 0.8, 0.5, 0.5), 2, 2))
	require.ErrorIs(t, err, distributions.ErrShape)
	_, err = distributions.NewRelaxedOneHotCategorical(nil, f64(0.2, 0.8))
	require.ErrorIs(t, err, distributions.ErrParam)
	_, err = distributions.NewRelaxedOneHotCategorical(s64(1), s64(1))
	require.ErrorIs(t, err, distributions.ErrShape)

	d := must(distributions.NewRelaxedOneHotCategorical(s64(0.7), sh(f64(0.2, 0.3, 0.5, 0.6, 0.2, 0.2), 2, 3)))
	for _, tc := range []struct {
		name string
		x    tensor.Value
		kind error
	}{
		{"event size", f64(0.5, 0.5), distributions.ErrShape},
		{"batch", sh(f64(seq(0.1, 0.9, 9)...), 3, 3), distributions.ErrShape},
		{"dtype", f32(0.2, 0.3, 0.5), distributions.ErrDType},
		{"negative", f64(-0.1, 0.6, 0.5), distributions.ErrSupport},
		{"sum", f64(0.2, 0.2, 0.2), distributions.ErrSupport},
	} {
		_, err := d.LogProb(tc.x)
		require.ErrorIs(t, err, tc.kind, tc.name)
		_, err = d.LogProbGrad(tc.x)
		require.ErrorIs(t, err, tc.kind, tc.name)
	}
	require.ErrorIs(t, d.LogProbInto(must(tensor.Zeros[float64](3)), f64(0.2, 0.3, 0.5)), distributions.ErrShape)
	_, err = d.Sample(nil)
	require.ErrorIs(t, err, distributions.ErrNilSource)
	x := must(d.RSample(rand.NewPCG(1, 1), 2))
	_, err = d.RSampleVJP(x, f64(1, 2, 3))
	require.ErrorIs(t, err, distributions.ErrShape)
	_, err = d.RSampleVJP(to32(x), nil)
	require.ErrorIs(t, err, distributions.ErrDType)

	// Unvalidated: outside [0, 1] −Inf; on a face, the limit t^e with
	// e = K·τ − |J|·(τ+1) for |J| zero coordinates.
	off := func(tau float64, x ...float64) float64 {
		u := must(distributions.NewRelaxedOneHotCategorical(s64(tau), f64(0.2, 0.3, 0.5), distributions.WithValidation(false)))
		return data64(t, must(u.LogProb(f64(x...))))[0]
	}
	assert.Equal(t, math.Inf(-1), off(0.7, -0.1, 0.6, 0.5))
	assert.Equal(t, math.Inf(-1), off(0.7, 0, 0.5, 0.5), "e = 2.1 − 1.7 > 0")
	assert.Equal(t, math.Inf(1), off(0.4, 0, 0.5, 0.5), "e = 1.2 − 1.4 < 0")
	assert.Equal(t, math.Inf(1), off(0.7, 0, 0, 1), "e = 2.1 − 3.4 < 0")
	assert.True(t, math.IsNaN(off(0.5, 0, 0.5, 0.5)), "e = 0: the limit depends on the path")
	assert.True(t, math.IsNaN(off(0.7, math.NaN(), 0.5, 0.5)))
}

func TestRelaxedOneHotCategoricalGrad(t *testing.T) {
	t.Parallel()
	// temperature (2,), parameters (2, 3), values (3, 1, 3), weights (3, 2).
	tau := []float64{0.6, 1.7}
	par := []float64{0.2, 0.3, 0.5, 1.5, 0.5, 2}
	w := []float64{1, -0.5, 2, 0, 0.25, 3}
	var x []float64
	for i := range 3 {
		x = append(x, dirichletDraws([]float64{2, 3, 4}, 1, uint64(40+i))...)
	}
	for _, logits := range []bool{false, true} {
		ref := func(tau, par, x []float64) float64 {
			var s float64
			for i := range 3 {
				for r := range 2 {
					s += w[i*2+r] * relaxedRefLogProb(tau[r], par[r*3:(r+1)*3], logits, x[i*3:(i+1)*3])
				}
			}
			return s
		}
		name := map[bool]string{false: "probs", true: "logits"}[logits]
		d := must(relaxedNew(f64(tau...), sh(f64(par...), 2, 3), logits))
		g := must(d.LogProbVJP(sh(f64(x...), 3, 1, 3), sh(f64(w...), 3, 2)))
		close(t, []float64{ref(tau, par, x)}, []float64{g.LogProb}, 1e-14, 0)
		close(t, centralDiff(func(v []float64) float64 { return ref(v, par, x) }, tau, 1e-5), data64(t, g.Params["temperature"]), 1e-7, 1e-9)
		close(t, centralDiff(func(v []float64) float64 { return ref(tau, v, x) }, par, 1e-5), data64(t, g.Params[name]), 1e-7, 1e-9)
		close(t, centralDiff(func(v []float64) float64 { return ref(tau, par, v) }, x, 1e-6), data64(t, g.Value), 1e-7, 1e-9)
	}
}

func TestRelaxedOneHotCategoricalFloat32(t *testing.T) {
	t.Parallel()
	par := sh(f64(0.2, 0.3, 0.5, 1.5, 0.5, 2), 2, 3)
	x := sh(f64(0.2, 0.3, 0.5, 0.1, 0.6, 0.3), 2, 3)
	d32 := must(distributions.NewRelaxedOneHotCategorical(s32(0.8), to32(par)))
	d64 := must(distributions.NewRelaxedOneHotCategorical(s64(0.8), par))
	a, b := must(d32.LogProb(to32(x))), must(d64.LogProb(x))
	require.Equal(t, tensor.Float32, a.Dtype())
	close(t, data64(t, b), data64(t, a), 1e-5, 1e-6)
	g32, g64 := must(d32.LogProbGrad(to32(x))), must(d64.LogProbGrad(x))
	for _, p := range []string{"temperature", "probs"} {
		require.Equal(t, tensor.Float32, g32.Params[p].Dtype())
		close(t, data64(t, g64.Params[p]), data64(t, g32.Params[p]), 1e-5, 1e-6)
	}
	s := must(d32.Sample(rand.NewPCG(1, 2), 10))
	require.Equal(t, tensor.Float32, s.Dtype())
	require.Equal(t, tensor.Float32, must(d32.RSampleVJP(s, nil))["temperature"].Dtype())
}

// relaxedColumn returns f of the event at batch position b (of nb) of
// every draw in data, (n, nb, k) flattened.
func relaxedColumn(data []float64, b, nb, k int, f func(row []float64) float64) []float64 {
	return dirichletColumn(data, b, nb, k, f)
}

func TestRelaxedOneHotCategoricalSample(t *testing.T) {
	t.Parallel()
	// K = 2: x_0 = σ((Δ + L)/τ) with L = G_0 − G_1 ~ Logistic(0, 1), so
	// P(x_0 ≤ t) = σ(τ·logit t − Δ). K = 4: argmax x = argmax(ℓ + G) is
	// Categorical(p), and τ·log(x_i/x_j) − (ℓ_i − ℓ_j) is Logistic(0, 1).
	logistic := func(v float64) float64 { return 1 / (1 + math.Exp(-v)) }
	d2 := must(distributions.NewRelaxedOneHotCategoricalLogits(f64(0.8, 0.4), sh(f64(0.3, -0.4, 2, 0), 2, 2)))
	x2 := data64(t, must(d2.Sample(rand.NewPCG(11, 0x2e), nDraws)))
	for r, c := range []struct{ tau, delta float64 }{{0.8, 0.7}, {0.4, 2}} {
		col := relaxedColumn(x2, r, 2, 2, func(v []float64) float64 { return v[0] })
		cdf := func(tau, delta float64) func(float64) float64 {
			return func(v float64) float64 { return logistic(tau*math.Log(v/(1-v)) - delta) }
		}
		p := ksPValue(ksStatistic(col, cdf(c.tau, c.delta)), nDraws)
		t.Logf("K=2, τ=%g, Δ=%g: KS p = %.3g", c.tau, c.delta, p)
		assert.GreaterOrEqual(t, p, pCritical)
		if r == 0 {
			pw := ksPValue(ksStatistic(col, cdf(c.tau*1.03, c.delta)), nDraws)
			t.Logf("power: as τ=%g: KS p = %.3g", c.tau*1.03, pw)
			assert.Less(t, pw, pCritical)
		}
	}

	probs := []float64{0.1, 0.2, 0.3, 0.4}
	tau := 0.5
	d4 := must(distributions.NewRelaxedOneHotCategorical(s64(tau), f64(probs...)))
	x4 := data64(t, must(d4.Sample(rand.NewPCG(12, 0x2f), nDraws)))
	draws := make([]int64, 0, nDraws)
	for _, row := range slices.Collect(slices.Chunk(x4, 4)) {
		var sum float64
		for _, v := range row {
			require.True(t, v >= 0 && v <= 1)
			sum += v
		}
		require.InDelta(t, 1, sum, 1e-15)
		draws = append(draws, int64(slices.Index(row, slices.Max(row))))
	}
	p := chiSquareCategorical(t, draws, probs)
	t.Logf("K=4 argmax: chi-square p = %.3g", p)
	assert.GreaterOrEqual(t, p, pCritical)
	ratio := relaxedColumn(x4, 0, 1, 4, func(v []float64) float64 {
		return tau*math.Log(v[3]/v[1]) - math.Log(probs[3]/probs[1])
	})
	p = ksPValue(ksStatistic(ratio, distuv.Logistic{Mu: 0, S: 1}.CDF), nDraws)
	t.Logf("K=4 log-ratio: KS p = %.3g", p)
	assert.GreaterOrEqual(t, p, pCritical)
}

func TestRelaxedOneHotCategoricalRSampleVJP(t *testing.T) {
	t.Parallel()
	// RSample's noise does not depend on the parameters, so draws from one
	// seed at perturbed parameters are the same function of the noise: the
	// central differences of L = Σ ḡ·x are the pathwise gradient.
	tau := []float64{0.6, 1.7}
	par := []float64{0.2, 0.3, 0.5, 1.5, 0.5, 2}
	up := make([]float64, 5*2*3)
	for i := range up {
		up[i] = math.Cos(float64(i))
	}
	for _, logits := range []bool{false, true} {
		loss := func(tau, par []float64) float64 {
			d := must(relaxedNew(f64(tau...), sh(f64(par...), 2, 3), logits))
			x := data64(t, must(d.RSample(rand.NewPCG(5, 6), 5)))
			var s float64
			for i, v := range x {
				s += up[i] * v
			}
			return s
		}
		name := map[bool]string{false: "probs", true: "logits"}[logits]
		d := must(relaxedNew(f64(tau...), sh(f64(par...), 2, 3), logits))
		x := must(d.RSample(rand.NewPCG(5, 6), 5))
		g := must(d.RSampleVJP(x, sh(f64(up...), 5, 2, 3)))
		close(t, centralDiff(func(v []float64) float64 { return loss(v, par) }, tau, 1e-6), data64(t, g["temperature"]), 1e-7, 1e-9)
		close(t, centralDiff(func(v []float64) float64 { return loss(tau, v) }, par, 1e-6), data64(t, g[name]), 1e-7, 1e-9)
	}
}

func TestRelaxedOneHotCategoricalSampleGOMAXPROCS(t *testing.T) {
	const n = 70_000 // two rows: 140000 events > tensor.ParallelMin
	require.Greater(t, 2*n, tensor.ParallelMin)
	d := must(distributions.NewRelaxedOneHotCategorical(s64(0.5), sh(f64(0.2, 0.3, 0.5, 0.6, 0.2, 0.2), 2, 3)))
	draw := func(procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		return data64(t, must(d.Sample(rand.NewPCG(42, 43), n)))
	}
	one, two := draw(1), draw(2)
	assert.True(t, slices.Equal(one, two), "draws depend on GOMAXPROCS")
	assert.Equal(t, one[:12], data64(t, must(d.RSample(rand.NewPCG(42, 43), 2))), "Sample is RSample")
}

func TestRelaxedOneHotCategoricalShapes(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewRelaxedOneHotCategorical(sh(f64(0.5, 2), 2, 1), sh(f64(0.2, 0.3, 0.5, 0.6, 0.2, 0.2), 2, 3)))
	assert.Equal(t, []int{2, 2}, d.BatchShape(), "temperature (2, 1) with a batch (2,)")
	assert.Equal(t, []int{3}, d.EventShape())
	assert.True(t, distributions.HasRSample(d))
	assert.False(t, distributions.HasEnumerateSupport(d))
	x := f64(0.2, 0.3, 0.5)
	lp := data64(t, must(d.LogProb(x)))
	want := []float64{
		relaxedRefLogProb(0.5, []float64{0.2, 0.3, 0.5}, false, []float64{0.2, 0.3, 0.5}),
		relaxedRefLogProb(0.5, []float64{0.6, 0.2, 0.2}, false, []float64{0.2, 0.3, 0.5}),
		relaxedRefLogProb(2, []float64{0.2, 0.3, 0.5}, false, []float64{0.2, 0.3, 0.5}),
		relaxedRefLogProb(2, []float64{0.6, 0.2, 0.2}, false, []float64{0.2, 0.3, 0.5}),
	}
	close(t, want, lp, 1e-14, 0)
	e := must(distributions.Expand(d, []int{4, 2, 2}))
	require.IsType(t, &distributions.RelaxedOneHotCategorical{}, e, "native expand")
	assert.Equal(t, bcast(lp, []int{2, 2}, []int{4, 2, 2}), data64(t, must(e.LogProb(x))))
	assert.Equal(t, []int{5, 4, 2, 2, 3}, shapeOf(must(e.Sample(rand.NewPCG(1, 1), 5))))
	_, err := distributions.Expand(d, []int{3})
	require.ErrorIs(t, err, distributions.ErrShape)
	_, _, err = distributions.InferShapes("RelaxedOneHotCategorical", map[string][]int{"temperature": {}, "probs": {3}})
	require.ErrorIs(t, err, distributions.ErrUnsupported, "Pyro's generic rule raises for a simplex support")
	_, err = distributions.Build([]byte(`{"family": "RelaxedOneHotCategorical", "params": {"probs": {"shape": [2], "data": [0.5, 0.5]}}}`))
	require.ErrorIs(t, err, distributions.ErrParam)
	b, err := distributions.Build([]byte(`{"family": "RelaxedOneHotCategorical", "params": {"temperature": 0.5, "logits": {"shape": [2], "data": [0, 1]}}}`))
	require.NoError(t, err)
	assert.Equal(t, []int{}, b.BatchShape())
}

func FuzzRelaxedOneHotCategorical(f *testing.F) {
	f.Add(0.5, 0.2, 0.3, 0.5, 0.2, 0.3, 0.5, false, uint64(1))
	f.Add(1e-300, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, true, uint64(2))
	f.Add(1e300, math.Inf(1), math.Inf(-1), math.NaN(), -0.5, 1.0, 0.5, true, uint64(3))
	f.Fuzz(func(t *testing.T, tau, q0, q1, q2, x0, x1, x2 float64, logits bool, seed uint64) {
		d, err := relaxedNew(s64(tau), f64(q0, q1, q2), logits)
		if err != nil {
			require.ErrorIs(t, err, distributions.ErrParam)
			d = must(relaxedNew(s64(tau), f64(q0, q1, q2), logits, distributions.WithValidation(false)))
		}
		x := f64(x0, x1, x2)
		_, err = d.LogProb(x)
		onSimplex := x0 >= 0 && x1 >= 0 && x2 >= 0 && math.Abs(x0+x1+x2-1) < 1e-6
		if d.Validating() && !onSimplex {
			require.ErrorIs(t, err, distributions.ErrSupport)
		} else {
			require.NoError(t, err)
		}
		_, _ = d.LogProbGrad(x)
		s, err := d.RSample(rand.NewPCG(seed, 1), 2)
		require.NoError(t, err)
		_, err = d.RSampleVJP(s, nil)
		require.NoError(t, err)
	})
}
