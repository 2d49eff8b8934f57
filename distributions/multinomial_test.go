package distributions_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// multinomialRefLogProb is log p(x) for probabilities q/Σq, term by term
// with the standard library's Lgamma: log Γ(m+1) − Σ log Γ(x_i+1) +
// Σ x_i·log p_i, m = Σx, a term with x_i = 0 being 0; −Inf for a negative
// count.
func multinomialRefLogProb(q, x []float64) float64 {
	var sq, m, lp float64
	for _, v := range q {
		sq += v
	}
	for i, v := range x {
		if v < 0 {
			return math.Inf(-1)
		}
		m += v
		lg, _ := math.Lgamma(v + 1)
		lp -= lg
		if v != 0 {
			lp += v * math.Log(q[i]/sq)
		}
	}
	lg, _ := math.Lgamma(m + 1)
	return lp + lg
}

// multinomialLogits returns log q + shift, logits of the probabilities q.
func multinomialLogits(q []float64, shift float64) []float64 {
	out := make([]float64, len(q))
	for i, v := range q {
		out[i] = math.Log(v) + shift
	}
	return out
}

func TestMultinomialLogProbMpmath(t *testing.T) {
	t.Parallel()
	// mpmath, 50 digits, at the normalised probabilities q/Σq.
	tests := []struct {
		n    int
		q, x []float64
		want float64
	}{
		{6, []float64{0.2, 0.3, 0.5}, []float64{1, 2, 3}, -2.0024805005437076},
		{4, []float64{1, 1, 2}, []float64{0, 0, 4}, -2.772588722239781},
		{8, []float64{0.25, 0, 0.75}, []float64{3, 0, 5}, -1.5719417548834274},
		{10000, []float64{0.1, 0.9}, []float64{1000, 9000}, -4.320220174123309},
		{4, []float64{0.5, 0.5}, []float64{2.5, 1.5}, -1.080191364711829}, // not integers: torch's formula
		{3, []float64{0.7, 0.2, 0.1}, []float64{0, 0, 0}, 0},              // Σx < n: torch uses Σx
	}
	for _, tc := range tests {
		for _, logits := range []bool{false, true} {
			var d *distributions.Multinomial
			if logits {
				d = must(distributions.NewMultinomialLogits(tc.n, f64(multinomialLogits(tc.q, -2)...)))
			} else {
				d = must(distributions.NewMultinomial(tc.n, f64(tc.q...)))
			}
			got := must(d.LogProb(f64(tc.x...)))
			require.Equal(t, []int{}, shapeOf(got))
			// 2e-13: at n = 1e4 the terms of size 8e4 (log 10000!) cancel
			// to 4.3; elsewhere the agreement is 1e-15.
			close(t, []float64{tc.want}, data64(t, got), 2e-13, 0)
		}
	}
	// A zero probability scores −Inf where counted.
	d := must(distributions.NewMultinomial(3, f64(0.5, 0, 0.5), distributions.WithValidation(false)))
	assert.Equal(t, []float64{math.Inf(-1), math.Inf(-1)}, data64(t, must(d.LogProb(sh(f64(1, 1, 1, -1, 2, 2), 2, 3)))))
}

func TestMultinomialLogProbBroadcast(t *testing.T) {
	t.Parallel()
	q := []float64{0.1, 0.2, 0.3, 0.4, 1, 1, 1, 1, 5, 1, 0.5, 0.25}
	x := []float64{2, 0, 1, 7, 3, 3, 2, 2}
	d := must(distributions.NewMultinomial(10, sh(f64(q...), 3, 4)))
	got := must(d.LogProb(sh(f64(x...), 2, 1, 4)))
	require.Equal(t, []int{2, 3}, shapeOf(got))
	var want []float64
	for i := range 2 {
		for j := range 3 {
			want = append(want, multinomialRefLogProb(q[j*4:(j+1)*4], x[i*4:(i+1)*4]))
		}
	}
	close(t, want, data64(t, got), 1e-14, 1e-14)
	dst := must(tensor.Zeros[float64](2, 3))
	require.NoError(t, d.LogProbInto(dst, sh(f64(x...), 2, 1, 4)))
	assert.Equal(t, data64(t, got), data64(t, dst))
}

func TestMultinomialErrors(t *testing.T) {
	t.Parallel()
	_, err := distributions.NewMultinomial(-1, f64(0.5, 0.5))
	require.ErrorIs(t, err, distributions.ErrParam)
	_, err = distributions.NewMultinomial(3, nil)
	require.ErrorIs(t, err, distributions.ErrParam)
	_, err = distributions.NewMultinomial(3, s64(1))
	require.ErrorIs(t, err, distributions.ErrShape)
	_, err = distributions.NewMultinomial(3, must(tensor.New([]int64{1, 2}, 2)))
	require.ErrorIs(t, err, distributions.ErrDType)
	_, err = distributions.NewMultinomial(3, sh(f64(0.5, 0.5, 0.2, -0.1), 2, 2))
	require.ErrorIs(t, err, distributions.ErrParam)
	var ce *distributions.ConstraintError
	require.True(t, errors.As(err, &ce))
	assert.Equal(t, "multinomial", ce.Family)
	assert.Equal(t, "probs", ce.Name)
	assert.Equal(t, []int{1, 1}, ce.Index)
	_, err = distributions.NewMultinomialLogits(3, f64(0, math.NaN()))
	require.ErrorIs(t, err, distributions.ErrParam)
	assert.Contains(t, err.Error(), "multinomial")

	d := must(distributions.NewMultinomial(5, sh(f64(0.2, 0.3, 0.5, 0.6, 0.2, 0.2), 2, 3)))
	for _, tc := range []struct {
		name  string
		x     tensor.Value
		kind  error
		index []int
	}{
		{"event size", f64(1, 4), distributions.ErrShape, nil},
		{"batch", sh(f64(seq(0, 8, 9)...), 3, 3), distributions.ErrShape, nil},
		{"dtype", f32(1, 1, 3), distributions.ErrDType, nil},
		{"negative", sh(f64(1, 1, 3, 2, -1, 0), 2, 3), distributions.ErrSupport, []int{1, 1}},
		{"NaN", f64(1, math.NaN(), 3), distributions.ErrSupport, []int{1}},
		{"sum past n", sh(f64(1, 1, 3, 2, 2, 2), 2, 3), distributions.ErrSupport, []int{1}},
	} {
		_, err := d.LogProb(tc.x)
		require.ErrorIs(t, err, tc.kind, tc.name)
		_, err = d.LogProbGrad(tc.x)
		require.ErrorIs(t, err, tc.kind, tc.name)
		if tc.index != nil {
			var ce *distributions.ConstraintError
			require.True(t, errors.As(err, &ce), tc.name)
			assert.Equal(t, tc.index, ce.Index, tc.name)
		}
	}
	_, err = d.LogProb(f64(1, 0.5, 1)) // torch's constraint takes non-integers and Σx < n
	require.NoError(t, err)
	require.ErrorIs(t, d.LogProbInto(must(tensor.Zeros[float64](3)), f64(1, 1, 3)), distributions.ErrShape)
	_, err = d.Sample(nil)
	require.ErrorIs(t, err, distributions.ErrNilSource)
	zero := must(distributions.NewMultinomial(2, f64(0, 0), distributions.WithValidation(false)))
	_, err = zero.Sample(rand.NewPCG(1, 1))
	require.ErrorIs(t, err, distributions.ErrParam)
	_, err = d.LogProbVJP(f64(1, 1, 3), f64(1, 2, 3))
	require.ErrorIs(t, err, distributions.ErrShape)
}

func TestMultinomialMoments(t *testing.T) {
	t.Parallel()
	q := []float64{0.2, 0.3, 0.5, 1e-20, 1, 1}
	d := must(distributions.NewMultinomial(7, sh(f64(q...), 2, 3)))
	mean, vr, sd := data64(t, must(d.Mean())), data64(t, must(d.Variance())), data64(t, must(d.StdDev()))
	for r := range 2 {
		row := q[r*3 : (r+1)*3]
		s := row[0] + row[1] + row[2]
		for i, v := range row {
			p := v / s
			// 1−p from the others: exact where p is tiny or near 1
			qq := (s - v) / s
			close(t, []float64{7 * p, 7 * p * qq, math.Sqrt(7 * p * qq)}, []float64{mean[r*3+i], vr[r*3+i], sd[r*3+i]}, 1e-15, 0)
		}
	}
	// Entropies: mpmath, 40 digits, of torch's n·H(p) − log n! +
	// Σ_i Σ_k Bin(k; n, p_i)·log k!.
	for _, c := range []struct {
		n    int
		q    []float64
		want float64
	}{
		{10, []float64{0.35697672828609894, 0.323314405864103, 0.319708865849798}, 3.4645457611096386},
		{1, []float64{0.2, 0.8}, 0.5004024235381879},
		{7, []float64{0.1, 0.2, 0.3, 0.4}, 3.9752703653994743},
		{1000, []float64{0.2, 0.3, 0.5}, 7.992074678914687},
		{100000, []float64{0.5, 0.25, 0.25}, 12.617932079900541},
		{50, []float64{0.999, 0.001}, 0.2006298674351979},
		{20, []float64{0.25, 0, 0.75}, 2.0728743657888846},
		{0, []float64{0.25, 0.75}, 0},
	} {
		h := must(must(distributions.NewMultinomial(c.n, f64(c.q...))).Entropy())
		require.Equal(t, []int{}, shapeOf(h))
		close(t, []float64{c.want}, data64(t, h), 1e-13, 0)
	}
	// The entropy is −Σ P log P over every count vector (n = 6, K = 3).
	qs := []float64{0.15, 0.6, 0.25}
	var want float64
	for a := 0; a <= 6; a++ {
		for b := 0; a+b <= 6; b++ {
			lp := multinomialRefLogProb(qs, []float64{float64(a), float64(b), float64(6 - a - b)})
			want -= math.Exp(lp) * lp
		}
	}
	h := must(must(distributions.NewMultinomial(6, f64(qs...))).Entropy())
	close(t, []float64{want}, data64(t, h), 1e-14, 0)
	// Expanded: broadcast to (2,) + batch.
	e := must(d.Expand([]int{2, 2}))
	assert.Equal(t, bcast(mean, []int{2, 3}, []int{2, 2, 3}), data64(t, must(e.(distributions.Meaner).Mean())))
	he := data64(t, must(e.(distributions.Entropier).Entropy()))
	assert.Equal(t, bcast(data64(t, must(d.Entropy())), []int{2}, []int{2, 2}), he)
}

func TestMultinomialGrad(t *testing.T) {
	t.Parallel()
	// probs / logits (2, 3) against counts (3, 1, 3), weights (3, 2).
	q := []float64{0.2, 0.3, 0.5, 1.5, 0.5, 2}
	x := []float64{1, 2, 3, 0.5, 4, 2, 5, 0.25, 1} // no 0: the differences stay in the domain
	w := []float64{1, -0.5, 2, 0, 0.25, 3}
	ref := func(q, x []float64, logits bool) float64 {
		var s float64
		for i := range 3 {
			for j := range 2 {
				row := q[j*3 : (j+1)*3]
				if logits {
					row = []float64{math.Exp(row[0]), math.Exp(row[1]), math.Exp(row[2])}
				}
				s += w[i*2+j] * multinomialRefLogProb(row, x[i*3:(i+1)*3])
			}
		}
		return s
	}
	// The value's gradient: ψ(m+1) − ψ(x_i+1) + log p_i, continuing log Γ to
	// real counts; the tests' reference differentiates that continuation.
	for _, logits := range []bool{false, true} {
		par := q
		var d *distributions.Multinomial
		if logits {
			par = multinomialLogits(q, 1)
			d = must(distributions.NewMultinomialLogits(7, sh(f64(par...), 2, 3)))
		} else {
			d = must(distributions.NewMultinomial(7, sh(f64(par...), 2, 3)))
		}
		name := map[bool]string{false: "probs", true: "logits"}[logits]
		g := must(d.LogProbVJP(sh(f64(x...), 3, 1, 3), sh(f64(w...), 3, 2)))
		close(t, []float64{ref(par, x, logits)}, []float64{g.LogProb}, 1e-14, 0)
		wantP := centralDiff(func(v []float64) float64 { return ref(v, x, logits) }, par, 1e-5)
		close(t, wantP, data64(t, g.Params[name]), 1e-7, 1e-8)
		wantX := centralDiff(func(v []float64) float64 { return ref(par, v, logits) }, x, 1e-5)
		close(t, wantX, data64(t, g.Value), 1e-7, 1e-8)
		assert.NotContains(t, g.Params, "total_count")
	}
	// Golden-file convention (multinomial/probs-3-n10): at probs summing to
	// 1, ∂/∂q_j = x_j/q_j − Σx.
	d := must(distributions.NewMultinomial(10, f64(0.35697672828609894, 0.323314405864103, 0.319708865849798)))
	g := must(d.LogProbGrad(f64(3, 3, 4)))
	close(t, []float64{3/0.35697672828609894 - 10, 3/0.323314405864103 - 10, 4/0.319708865849798 - 10}, data64(t, g.Params["probs"]), 1e-14, 0)
}

func TestMultinomialFloat32(t *testing.T) {
	t.Parallel()
	q := sh(f64(0.2, 0.3, 0.5, 1.5, 0.5, 2), 2, 3)
	x := sh(f64(1, 2, 3, 0, 4, 2), 2, 3)
	d32, d64 := must(distributions.NewMultinomial(6, to32(q))), must(distributions.NewMultinomial(6, q))
	for name, p := range map[string][2]*tensor.Dense{
		"log_prob": {must(d32.LogProb(to32(x))), must(d64.LogProb(x))},
		"mean":     {must(d32.Mean()), must(d64.Mean())},
		"variance": {must(d32.Variance()), must(d64.Variance())},
		"entropy":  {must(d32.Entropy()), must(d64.Entropy())},
	} {
		require.Equal(t, tensor.Float32, p[0].Dtype(), name)
		close(t, data64(t, p[1]), data64(t, p[0]), tol32, 1e-6)
	}
	g32, g64 := must(d32.LogProbGrad(to32(x))), must(d64.LogProbGrad(x))
	require.Equal(t, tensor.Float32, g32.Params["probs"].Dtype())
	close(t, data64(t, g64.Params["probs"]), data64(t, g32.Params["probs"]), 1e-5, 1e-6)
	s := must(d32.Sample(rand.NewPCG(1, 2), 100))
	require.Equal(t, tensor.Float32, s.Dtype())
	require.Equal(t, []int{100, 2, 3}, shapeOf(s))
}

// multinomialChiSquare is the p-value of Pearson's chi-square test of the
// observed counts against the probabilities want (of n draws), cells of
// expected count below 5 pooled (so that the chi-square law holds).
func multinomialChiSquare(obs, want []float64, n int) float64 {
	var o, e []float64
	var po, pe float64
	for i, p := range want {
		if ex := p * float64(n); ex < 5 {
			po, pe = po+obs[i], pe+ex
			continue
		}
		o, e = append(o, obs[i]), append(e, p*float64(n))
	}
	if pe > 0 {
		o, e = append(o, po), append(e, pe)
	}
	return distuv.ChiSquared{K: float64(len(o) - 1)}.Survival(stat.ChiSquare(o, e))
}

// multinomialJoint returns the pmf of every count vector (a, b, n−a−b) of
// K = 3 by the reference, and the index of (a, b).
func multinomialJoint(q []float64, n int) ([]float64, func(a, b int) int) {
	var pmf []float64
	for a := 0; a <= n; a++ {
		for b := 0; a+b <= n; b++ {
			pmf = append(pmf, math.Exp(multinomialRefLogProb(q, []float64{float64(a), float64(b), float64(n - a - b)})))
		}
	}
	return pmf, func(a, b int) int { return a*(n+1) - a*(a-1)/2 + b }
}

func TestMultinomialSampleChiSquare(t *testing.T) {
	t.Parallel()
	for _, n := range []int{4, 17} {
		// every count vector of n over K = 3 (15 or 171 cells): n = 4 is
		// drawn as n categoricals, n = 17 > 8(K−1) by conditional binomials
		t.Run(fmt.Sprintf("joint/n=%d", n), func(t *testing.T) {
			t.Parallel()
			q := []float64{0.2, 0.3, 0.5}
			d := must(distributions.NewMultinomialLogits(n, f64(multinomialLogits(q, 0.7)...)))
			data := data64(t, must(d.Sample(rand.NewPCG(8, uint64(n)), nDraws)))
			pmf, at := multinomialJoint(q, n)
			obs := make([]float64, len(pmf))
			for _, row := range slices.Collect(slices.Chunk(data, 3)) {
				require.Equal(t, float64(n), row[0]+row[1]+row[2])
				obs[at(int(row[0]), int(row[1]))]++
			}
			p := multinomialChiSquare(obs, pmf, nDraws)
			t.Logf("Multinomial(%d, %v) joint: chi-square p = %.3g", n, q, p)
			assert.GreaterOrEqual(t, p, pCritical)
			// power: the same draws reject probabilities 0.21, 0.29, 0.5
			alt, _ := multinomialJoint([]float64{0.21, 0.29, 0.5}, n)
			pa := multinomialChiSquare(obs, alt, nDraws)
			t.Logf("power: as Multinomial(%d, [0.21 0.29 0.5]): chi-square p = %.3g", n, pa)
			assert.Less(t, pa, pCritical)
		})
	}
	t.Run("marginals", func(t *testing.T) {
		t.Parallel()
		// n = 30, two batch rows: each x_i is Binomial(n, p_i), and
		// x_0 + x_2 is Binomial(n, p_0 + p_2) (in row 1 not the complement
		// of one count); the category of probability 0 is never drawn.
		q := []float64{0.1, 0, 0.6, 0.3, 0.1, 0.2, 0.3, 0.4}
		d := must(distributions.NewMultinomial(30, sh(f64(q...), 2, 4)))
		data := data64(t, must(d.Sample(rand.NewPCG(9, 0x3b), nDraws)))
		for r := range 2 {
			p := q[r*4 : (r+1)*4]
			check := func(name string, f func(row []float64) float64, pr float64) {
				obs := make([]float64, 31)
				for i := range nDraws {
					v := f(data[(i*2+r)*4 : (i*2+r+1)*4])
					require.True(t, v >= 0 && v <= 30 && v == math.Trunc(v), "%s = %v", name, v)
					obs[int(v)]++
				}
				want := make([]float64, 31)
				for k := range want {
					want[k] = distuv.Binomial{N: 30, P: pr}.Prob(float64(k))
				}
				if pr == 0 {
					assert.Equal(t, float64(nDraws), obs[0], name)
					return
				}
				pv := multinomialChiSquare(obs, want, nDraws)
				t.Logf("row %d %s ~ Binomial(30, %g): chi-square p = %.3g", r, name, pr, pv)
				assert.GreaterOrEqual(t, pv, pCritical)
			}
			for i := range 4 {
				check("x_"+string(rune('0'+i)), func(row []float64) float64 { return row[i] }, p[i])
			}
			check("x_0+x_2", func(row []float64) float64 { return row[0] + row[2] }, p[0]+p[2])
		}
	})
	t.Run("huge n", func(t *testing.T) {
		t.Parallel()
		// O(1) per draw in n: 2000 draws of n = 1e12 in well under a
		// second, means within 6 standard errors, sums exact.
		const n, draws = 1_000_000_000_000, 2000
		q := []float64{0.5, 1e-9, 0.25, 0.25 - 1e-9}
		d := must(distributions.NewMultinomial(n, f64(q...)))
		start := time.Now()
		data := data64(t, must(d.Sample(rand.NewPCG(10, 0x3c), draws)))
		assert.Less(t, time.Since(start), 2*time.Second)
		sums := make([]float64, 4)
		for _, row := range slices.Collect(slices.Chunk(data, 4)) {
			require.Equal(t, float64(n), row[0]+row[1]+row[2]+row[3])
			for i, v := range row {
				sums[i] += v
			}
		}
		for i, p := range q {
			se := math.Sqrt(n * p * (1 - p) / draws)
			assert.InDelta(t, n*p, sums[i]/draws, 6*se, "x_%d", i)
		}
	})
}

func TestMultinomialSampleGOMAXPROCS(t *testing.T) {
	const n = 70_000 // two rows: 140000 events > tensor.ParallelMin
	require.Greater(t, 2*n, tensor.ParallelMin)
	d := must(distributions.NewMultinomial(50, sh(f64(0.2, 0.3, 0.5, 0.9, 0.05, 0.05), 2, 3)))
	draw := func(procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		return data64(t, must(d.Sample(rand.NewPCG(42, 43), n)))
	}
	assert.True(t, slices.Equal(draw(1), draw(2)), "draws depend on GOMAXPROCS")
}

func TestMultinomialShapes(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewMultinomial(5, sh(f64(0.2, 0.3, 0.5, 0.6, 0.2, 0.2), 2, 3)))
	assert.Equal(t, []int{2}, d.BatchShape())
	assert.Equal(t, []int{3}, d.EventShape())
	assert.Equal(t, 5, d.TotalCount())
	assert.False(t, distributions.HasRSample(d))
	assert.False(t, distributions.HasEnumerateSupport(d))
	e := must(distributions.Expand(d, []int{4, 2}))
	require.IsType(t, &distributions.Multinomial{}, e, "native expand")
	x := f64(1, 1, 3)
	assert.Equal(t, bcast(data64(t, must(d.LogProb(x))), []int{2}, []int{4, 2}), data64(t, must(e.LogProb(x))))
	assert.Equal(t, []int{5, 4, 2, 3}, shapeOf(must(e.Sample(rand.NewPCG(1, 1), 5))))
	_, err := distributions.Expand(d, []int{3})
	require.ErrorIs(t, err, distributions.ErrShape)

	for _, c := range []struct {
		params       map[string][]int
		batch, event []int
		err          error
	}{
		{map[string][]int{"total_count": {}, "probs": {2, 3}}, []int{2}, []int{3}, nil},
		{map[string][]int{"logits": {4, 2, 3}}, []int{4, 2}, []int{3}, nil},
		{map[string][]int{"total_count": {5, 1}, "probs": {2, 3}}, []int{5, 2}, []int{3}, nil},
		{map[string][]int{"total_count": {3}, "probs": {2, 3}}, nil, nil, distributions.ErrShape},
		{map[string][]int{"probs": {}}, nil, nil, distributions.ErrShape},
		{map[string][]int{"total_count": {}}, nil, nil, distributions.ErrParam},
		{map[string][]int{"probs": {3}, "rate": {}}, nil, nil, distributions.ErrParam},
	} {
		b, ev, err := distributions.InferShapes("Multinomial", c.params)
		if c.err != nil {
			require.ErrorIs(t, err, c.err, "%v", c.params)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, c.batch, b)
		assert.Equal(t, c.event, ev)
	}

	build := func(params string) (distributions.Distribution, error) {
		return distributions.Build([]byte(`{"family": "Multinomial", "params": {` + params + `}}`))
	}
	m, err := build(`"probs": {"shape": [2], "data": [0.5, 0.5]}`)
	require.NoError(t, err)
	assert.Equal(t, 1, m.(*distributions.Multinomial).TotalCount(), "torch's default total_count")
	m, err = build(`"total_count": {"shape": [], "data": [4]}, "logits": {"shape": [2], "data": [0, 1]}`)
	require.NoError(t, err)
	assert.Equal(t, 4, m.(*distributions.Multinomial).TotalCount())
	for params, kind := range map[string]error{
		`"total_count": 2.5, "probs": {"shape": [2], "data": [0.5, 0.5]}`:                                         distributions.ErrParam,
		`"total_count": -1, "probs": {"shape": [2], "data": [0.5, 0.5]}`:                                          distributions.ErrParam,
		`"total_count": {"shape": [2], "data": [1, 2]}, "probs": {"shape": [2], "data": [0.5, 0.5]}`:              distributions.ErrUnsupported,
		`"total_count": 2, "probs": {"shape": [2], "data": [0.5, 0.5]}, "logits": {"shape": [2], "data": [0, 0]}`: distributions.ErrParam,
		`"total_count": 2`: distributions.ErrParam,
	} {
		_, err := build(params)
		require.ErrorIs(t, err, kind, params)
	}
}

func FuzzMultinomial(f *testing.F) {
	f.Add(5, 0.2, 0.3, 0.5, 1.0, 2.0, 2.0, false, uint64(1))
	f.Add(0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, true, uint64(2))
	f.Add(1<<40, 1e-300, 1.0, 1e300, -1.0, math.NaN(), 3.0, false, uint64(3))
	f.Fuzz(func(t *testing.T, n int, q0, q1, q2, x0, x1, x2 float64, logits bool, seed uint64) {
		n %= 1 << 50
		q := f64(q0, q1, q2)
		var (
			d   *distributions.Multinomial
			err error
		)
		if logits {
			d, err = distributions.NewMultinomialLogits(n, q)
		} else {
			d, err = distributions.NewMultinomial(n, q)
		}
		if n < 0 {
			require.ErrorIs(t, err, distributions.ErrParam)
			return
		}
		sum := q0 + q1 + q2
		valid := !math.IsNaN(q0 + q1 + q2)
		if !logits {
			valid = q0 >= 0 && q1 >= 0 && q2 >= 0 && sum > 0 && !math.IsInf(sum, 0)
		}
		if !valid {
			require.Error(t, err)
			require.ErrorIs(t, err, distributions.ErrParam)
			return
		}
		if err != nil { // probs whose normalisation is not a simplex within 1e-6
			require.ErrorIs(t, err, distributions.ErrParam)
			return
		}
		x := f64(x0, x1, x2)
		lp, err := d.LogProb(x)
		if !(x0 >= 0 && x1 >= 0 && x2 >= 0 && x0+x1+x2 <= float64(n)) {
			require.ErrorIs(t, err, distributions.ErrSupport)
		} else {
			require.NoError(t, err)
			require.False(t, math.IsNaN(data64(t, lp)[0]) && !math.IsInf(x0+x1+x2, 0), "log p(%v) = NaN", []float64{x0, x1, x2})
		}
		_, _ = d.LogProbGrad(x)
		_, _ = d.Mean()
		_, _ = d.Variance()
		if n < 1e6 {
			_, _ = d.Entropy()
		}
		s, err := d.Sample(rand.NewPCG(seed, 1), 2)
		if err == nil {
			for _, row := range slices.Collect(slices.Chunk(data64(t, s), 3)) {
				require.Equal(t, float64(n), row[0]+row[1]+row[2], "draw %v", row)
			}
		}
	})
}
