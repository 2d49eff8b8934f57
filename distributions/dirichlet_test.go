package distributions_test

import (
	"errors"
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

// dirichletRefLogProb is log p(x) of Dirichlet(a) summed term by term with
// the standard library's Lgamma, with 0·log 0 = 0 and −Inf outside [0, 1]:
// the tests' own formula, for finite differences and random points.
func dirichletRefLogProb(a, x []float64) float64 {
	var s, lp float64
	for i, ai := range a {
		s += ai
		lg, _ := math.Lgamma(ai)
		lp -= lg
		switch {
		case !(x[i] >= 0 && x[i] <= 1):
			return math.Inf(-1)
		case x[i] == 0 && ai == 1:
		default:
			lp += (ai - 1) * math.Log(x[i])
		}
	}
	lg, _ := math.Lgamma(s)
	return lp + lg
}

// dirichletDraws returns n points of Dirichlet(a), normalised draws of
// gonum's gamma sampler (an independent source of simplex points),
// flattened (n, K). (gonum's distmv cannot be imported: go.sum lacks
// golang.org/x/tools, which it needs.)
func dirichletDraws(a []float64, n int, seed uint64) []float64 {
	src := rand.NewPCG(seed, 7)
	k := len(a)
	out := make([]float64, n*k)
	for i := range n {
		row := out[i*k : (i+1)*k]
		var s float64
		for j, aj := range a {
			row[j] = distuv.Gamma{Alpha: aj, Beta: 1, Src: src}.Rand()
			s += row[j]
		}
		for j := range row {
			row[j] /= s
		}
	}
	return out
}

func TestDirichletLogProbMpmath(t *testing.T) {
	t.Parallel()
	// mpmath, 50 digits: Σ(α_i−1)·log x_i + log Γ(Σα) − Σ log Γ(α_i), with
	// 0·log 0 = 0 (the limit on a face of the simplex).
	tests := []struct {
		a, x []float64
		want float64
	}{
		{[]float64{0.5, 1.5, 3.0}, []float64{0.2, 0.3, 0.5}, 0.849762137432737},
		{[]float64{0.5, 1.5, 3.0}, []float64{0.01, 0.09, 0.9}, 2.9212152018510027},
		{[]float64{2.0, 2.0}, []float64{0.25, 0.75}, 0.11778303565638346},
		{[]float64{7.25}, []float64{1.0}, 0.0},
		{[]float64{1.0, 1.0, 1.0, 1.0}, []float64{0.1, 0.2, 0.3, 0.4}, 1.791759469228055},
		{[]float64{200.0, 300.0, 500.0}, []float64{0.2001, 0.2999, 0.5}, 6.822171235743049},
		{[]float64{0.001, 2.0, 0.7}, []float64{1e-30, 0.6, 0.4}, 62.04010826130959},
		{[]float64{1.0, 2.0, 3.0}, []float64{0.0, 0.4, 0.6}, 2.1564025828159643},
		{[]float64{0.5, 2.0, 3.0}, []float64{0.0, 0.4, 0.6}, math.Inf(1)},
		{[]float64{1.0, 1.0, 3.0}, []float64{0.0, 1.0, 0.0}, math.Inf(-1)},
	}
	for _, tc := range tests {
		d := must(distributions.NewDirichlet(f64(tc.a...)))
		got := must(d.LogProb(f64(tc.x...)))
		require.Equal(t, []int{}, shapeOf(got))
		// 4e-13: α = (200, 300, 500) sums terms of size 3e3 (log Γ(1000)
		// is 5.9e3) to 6.8; the rest agree to 2e-15.
		close(t, []float64{tc.want}, data64(t, got), 4e-13, 0)
	}
}

func TestDirichletLogProbRandom(t *testing.T) {
	t.Parallel()
	// concentration (3, 4) against points (2, 1, 4): log_prob (2, 3).
	a := []float64{0.3, 1, 2.5, 7, 1, 1, 1, 1, 40, 0.9, 3, 12}
	var x []float64
	for i, row := range [][]float64{{0.5, 1, 3, 0.2}, {4, 4, 1, 2}} {
		x = append(x, dirichletDraws(row, 1, uint64(i+1))...)
	}
	d := must(distributions.NewDirichlet(sh(f64(a...), 3, 4)))
	got := must(d.LogProb(sh(f64(x...), 2, 1, 4)))
	require.Equal(t, []int{2, 3}, shapeOf(got))
	var want []float64
	for i := range 2 {
		for j := range 3 {
			want = append(want, dirichletRefLogProb(a[j*4:(j+1)*4], x[i*4:(i+1)*4]))
		}
	}
	close(t, want, data64(t, got), 1e-13, 0)

	dst := must(tensor.Zeros[float64](2, 3))
	require.NoError(t, d.LogProbInto(dst, sh(f64(x...), 2, 1, 4)))
	assert.Equal(t, data64(t, got), data64(t, dst))
}

func TestDirichletErrors(t *testing.T) {
	t.Parallel()
	_, err := distributions.NewDirichlet(nil)
	require.ErrorIs(t, err, distributions.ErrParam)
	_, err = distributions.NewDirichlet(must(tensor.New([]int64{1, 2}, 2)))
	require.ErrorIs(t, err, distributions.ErrDType)
	_, err = distributions.NewDirichlet(s64(1))
	require.ErrorIs(t, err, distributions.ErrShape)
	_, err = distributions.NewDirichlet(must(tensor.Zeros[float64](2, 0)))
	require.ErrorIs(t, err, distributions.ErrShape)
	for _, bad := range []float64{-1, 0, math.NaN()} {
		_, err = distributions.NewDirichlet(sh(f64(1, 2, 3, 4, 5, bad), 2, 3))
		require.ErrorIs(t, err, distributions.ErrParam)
		var ce *distributions.ConstraintError
		require.True(t, errors.As(err, &ce))
		assert.Equal(t, "concentration", ce.Name)
		assert.Equal(t, []int{1, 2}, ce.Index)
		assert.Contains(t, err.Error(), "dirichlet")
	}
	_, err = distributions.NewDirichlet(f64(-1, 2), distributions.WithValidation(false))
	require.NoError(t, err)
	_, err = distributions.NewDirichlet(f64(math.Inf(1), 2))
	require.NoError(t, err, "+Inf is positive")

	d := must(distributions.NewDirichlet(sh(f64(1, 2, 3, 4, 5, 6), 2, 3)))
	valueErrs := []struct {
		name  string
		x     tensor.Value
		kind  error
		index []int
	}{
		{"event size", f64(0.5, 0.5), distributions.ErrShape, nil},
		{"batch", sh(f64(seq(0.1, 0.9, 9)...), 3, 3), distributions.ErrShape, nil},
		{"dtype", f32(0.2, 0.3, 0.5), distributions.ErrDType, nil},
		{"nil", nil, distributions.ErrShape, nil},
		{"negative", sh(f64(0.2, 0.3, 0.5, 0.7, -0.1, 0.4), 2, 3), distributions.ErrSupport, []int{1, 1}},
		{"NaN", f64(0.2, math.NaN(), 0.5), distributions.ErrSupport, []int{1}},
		{"sum", sh(f64(0.2, 0.3, 0.5, 0.2, 0.2, 0.2), 2, 3), distributions.ErrSupport, []int{1}},
	}
	for _, tc := range valueErrs {
		_, err := d.LogProb(tc.x)
		require.ErrorIs(t, err, tc.kind, tc.name)
		_, err = d.LogProbGrad(tc.x)
		require.ErrorIs(t, err, tc.kind, tc.name)
		if tc.index != nil {
			var ce *distributions.ConstraintError
			require.True(t, errors.As(err, &ce), tc.name)
			assert.Equal(t, tc.index, ce.Index, tc.name)
			assert.Equal(t, "value", ce.Name)
		}
	}
	_, err = d.LogProb(f64(0.2, 0.3, 0.5+5e-7))
	require.NoError(t, err, "torch's simplex tolerance is 1e-6")

	off := must(distributions.NewDirichlet(f64(2, 2, 2), distributions.WithValidation(false)))
	lp := data64(t, must(off.LogProb(sh(f64(0.2, 0.2, 0.2, -0.1, 0.6, 0.5, 0.2, math.NaN(), 0.8), 3, 3))))
	want := dirichletRefLogProb([]float64{2, 2, 2}, []float64{0.2, 0.2, 0.2})
	// 1e-13: the two log Γ implementations differ by 1e-14 here
	close(t, []float64{want, math.Inf(-1), math.NaN()}, lp, 1e-13, 0)

	require.ErrorIs(t, d.LogProbInto(must(tensor.Zeros[float64](3)), f64(0.2, 0.3, 0.5)), distributions.ErrShape)
	require.ErrorIs(t, d.LogProbInto(must(tensor.Zeros[float32](2)), f64(0.2, 0.3, 0.5)), distributions.ErrShape)
	_, err = d.Sample(nil)
	require.ErrorIs(t, err, distributions.ErrNilSource)
	_, err = d.Sample(rand.NewPCG(1, 1), -1)
	require.ErrorIs(t, err, distributions.ErrShape)
	x := must(d.RSample(rand.NewPCG(1, 1), 4))
	_, err = d.RSampleVJP(to32(x), nil)
	require.ErrorIs(t, err, distributions.ErrDType)
	_, err = d.RSampleVJP(sh(f64(0.2, 0.3, 0.5), 1, 3), nil)
	require.ErrorIs(t, err, distributions.ErrShape)
	_, err = d.RSampleVJP(x, f64(1, 2))
	require.ErrorIs(t, err, distributions.ErrShape)
	_, err = d.LogProbVJP(f64(0.2, 0.3, 0.5), f64(1, 2, 3))
	require.ErrorIs(t, err, distributions.ErrShape)
	_, err = d.LogProbVJP(f64(0.2, 0.3, 0.5), f32(1, 2))
	require.ErrorIs(t, err, distributions.ErrDType)
}

func TestDirichletMoments(t *testing.T) {
	t.Parallel()
	a := []float64{0.5, 1.5, 3.0, 2, 2, 7, 200, 300, 500}
	d := must(distributions.NewDirichlet(sh(f64(a...), 3, 3)))
	mean, vr, sd := data64(t, must(d.Mean())), data64(t, must(d.Variance())), data64(t, must(d.StdDev()))
	for r := range 3 {
		// α/S and α(S−α)/(S²(S+1)), as gonum's distmv.Dirichlet forms them
		ar := a[r*3 : (r+1)*3]
		s := ar[0] + ar[1] + ar[2]
		for i, ai := range ar {
			v := ai * (s - ai) / (s * s * (s + 1))
			close(t, []float64{ai / s, v, math.Sqrt(v)}, []float64{mean[r*3+i], vr[r*3+i], sd[r*3+i]}, 1e-14, 0)
		}
	}
	// Entropies: mpmath, 50 digits, of −A(α) + (S−K)ψ(S) − Σ(α_i−1)ψ(α_i).
	for _, c := range []struct {
		a    []float64
		want float64
	}{
		{[]float64{0.5, 1.5, 3.0}, -1.8666572778318788},
		{[]float64{2.0, 2.0}, -0.12509280256138833},
		{[]float64{1.0, 1.0, 1.0, 1.0}, -1.791759469228055},
		{[]float64{200.0, 300.0, 500.0}, -5.825271366808313},
		{[]float64{0.05, 0.1}, -12.471716423944292},
		{[]float64{7.25}, 0},
	} {
		h := must(must(distributions.NewDirichlet(f64(c.a...))).Entropy())
		require.Equal(t, []int{}, shapeOf(h))
		// 2e-12: α = (200, 300, 500) cancels terms of size 6e3 to 5.8.
		close(t, []float64{c.want}, data64(t, h), 2e-12, 0)
	}
	// Mode: (α−1)₊/Σ(α−1)₊; e_0 where every α < 1; 0/0 = NaN on a row
	// of α ≤ 1 with a 1.
	nan := math.NaN()
	for _, c := range []struct{ a, want []float64 }{
		{[]float64{2, 3, 4}, []float64{1.0 / 6, 2.0 / 6, 3.0 / 6}},
		{[]float64{0.5, 2, 3}, []float64{0, 1.0 / 3, 2.0 / 3}},
		{[]float64{0.5, 0.3, 0.9}, []float64{1, 0, 0}},
		{[]float64{1, 0.5}, []float64{nan, nan}},
		{[]float64{1, 1, 1}, []float64{nan, nan, nan}},
	} {
		m := must(must(distributions.NewDirichlet(f64(c.a...))).Mode())
		close(t, c.want, data64(t, m), 1e-15, 0)
	}
	// Expanded: every statistic broadcast to (2,) + batch (+ (K,)).
	e := must(d.Expand([]int{2, 3}))
	for name, f := range map[string]func(distributions.Distribution) (*tensor.Dense, error){
		"mean": func(d distributions.Distribution) (*tensor.Dense, error) { return d.(distributions.Meaner).Mean() },
		"variance": func(d distributions.Distribution) (*tensor.Dense, error) {
			return d.(distributions.Variancer).Variance()
		},
		"mode": func(d distributions.Distribution) (*tensor.Dense, error) { return d.(distributions.Moder).Mode() },
		"entropy": func(d distributions.Distribution) (*tensor.Dense, error) {
			return d.(distributions.Entropier).Entropy()
		},
	} {
		base, big := must(f(d)), must(f(e))
		require.Equal(t, append([]int{2}, shapeOf(base)...), shapeOf(big), name)
		assert.Equal(t, bcast(data64(t, base), shapeOf(base), shapeOf(big)), data64(t, big), name)
	}
}

// dirichletFDTol is the agreement of analytic gradients with central
// differences (step 1e-5): their truncation and rounding errors measure
// below 1e-8 relative here.
const dirichletFDTol = 1e-7

func TestDirichletGrad(t *testing.T) {
	t.Parallel()
	// concentration (2, 3) against x (3, 1, 3), weights (3, 2).
	a := []float64{0.7, 2, 3.5, 1, 4, 1.3}
	var x []float64
	for i := range 3 {
		x = append(x, dirichletDraws([]float64{2, 3, 4}, 1, uint64(10+i))...)
	}
	w := []float64{1, -0.5, 2, 0, 0.25, 3}
	ref := func(a, x []float64) float64 {
		var s float64
		for i := range 3 {
			for j := range 2 {
				s += w[i*2+j] * dirichletRefLogProb(a[j*3:(j+1)*3], x[i*3:(i+1)*3])
			}
		}
		return s
	}
	d := must(distributions.NewDirichlet(sh(f64(a...), 2, 3)))
	g := must(d.LogProbVJP(sh(f64(x...), 3, 1, 3), sh(f64(w...), 3, 2)))
	close(t, []float64{ref(a, x)}, []float64{g.LogProb}, 1e-13, 0)
	wantA := centralDiff(func(v []float64) float64 { return ref(v, x) }, a, 1e-5)
	wantX := centralDiff(func(v []float64) float64 { return ref(a, v) }, x, 1e-5)
	require.Equal(t, []int{2, 3}, shapeOf(g.Params["concentration"]))
	require.Equal(t, []int{3, 1, 3}, shapeOf(g.Value))
	close(t, wantA, data64(t, g.Params["concentration"]), dirichletFDTol, 1e-9)
	close(t, wantX, data64(t, g.Value), dirichletFDTol, 1e-9)

	// LogProbGrad is the VJP with unit weights; an expanded distribution
	// sums its gradient back to the concentration's own shape.
	g1 := must(d.LogProbGrad(sh(f64(x[:3]...), 3)))
	g2 := must(must(d.Expand([]int{4, 2})).(distributions.LogProbGrader).LogProbGrad(sh(f64(x[:3]...), 3)))
	ga1, ga2 := data64(t, g1.Params["concentration"]), data64(t, g2.Params["concentration"])
	for i := range ga1 {
		ga1[i] *= 4
	}
	close(t, ga1, ga2, 1e-14, 0)

	// A weight of 0 keeps a −Inf event (α_1 = 2 at x_1 = 0) out of the
	// sum and the gradient entirely; α_0 = 1 at x_0 = 0 has slope 0 in x_0
	// and −Inf in α_0 (log x_0).
	z := must(distributions.NewDirichlet(f64(1, 2, 3), distributions.WithValidation(false)))
	gz := must(z.LogProbVJP(sh(f64(0, 0.4, 0.6, 0.5, 0, 0.5), 2, 3), f64(1, 0)))
	g0 := must(z.LogProbGrad(f64(0, 0.4, 0.6)))
	assert.Equal(t, g0.LogProb, gz.LogProb)
	assert.Equal(t, data64(t, g0.Params["concentration"]), data64(t, gz.Params["concentration"]))
	assert.Equal(t, data64(t, g0.Value), data64(t, gz.Value)[:3])
	assert.Equal(t, []float64{0, 0, 0}, data64(t, gz.Value)[3:])
	assert.Equal(t, math.Inf(-1), data64(t, g0.Params["concentration"])[0])
	assert.Zero(t, data64(t, g0.Value)[0])
	requireFinite(t, data64(t, g0.Params["concentration"])[1:])
}

func TestDirichletFloat32(t *testing.T) {
	t.Parallel()
	a := sh(f64(0.7, 2, 3.5, 1, 4, 1.3), 2, 3)
	x := sh(f64(dirichletDraws([]float64{2, 3, 4}, 2, 3)...), 2, 3)
	d32, d64 := must(distributions.NewDirichlet(to32(a))), must(distributions.NewDirichlet(a))
	pairs := map[string][2]*tensor.Dense{
		"log_prob": {must(d32.LogProb(to32(x))), must(d64.LogProb(x))},
		"mean":     {must(d32.Mean()), must(d64.Mean())},
		"variance": {must(d32.Variance()), must(d64.Variance())},
		"mode":     {must(d32.Mode()), must(d64.Mode())},
		"entropy":  {must(d32.Entropy()), must(d64.Entropy())},
	}
	for name, p := range pairs {
		require.Equal(t, tensor.Float32, p[0].Dtype(), name)
		// the float32 inputs are the float64 ones rounded: 1e-6 relative
		close(t, data64(t, p[1]), data64(t, p[0]), 1e-5, 1e-6)
	}
	g32, g64 := must(d32.LogProbGrad(to32(x))), must(d64.LogProbGrad(x))
	require.Equal(t, tensor.Float32, g32.Params["concentration"].Dtype())
	require.Equal(t, tensor.Float32, g32.Value.Dtype())
	close(t, data64(t, g64.Params["concentration"]), data64(t, g32.Params["concentration"]), 1e-5, 1e-6)
	s := must(d32.Sample(rand.NewPCG(1, 2), 1000))
	require.Equal(t, tensor.Float32, s.Dtype())
	for r, row := range slices.Collect(slices.Chunk(data64(t, s), 3)) {
		var sum float64
		for _, v := range row {
			require.True(t, v >= 0, "draw %d: %v", r, row)
			sum += v
		}
		require.InDelta(t, 1, sum, 1e-6)
	}
	gv := must(d32.RSampleVJP(s, nil))
	require.Equal(t, tensor.Float32, gv["concentration"].Dtype())
}

// dirichletColumn returns component j of every (…, K) event of data that
// lies at batch position b (of nb), as a fresh slice.
func dirichletColumn(data []float64, b, nb, k int, f func(row []float64) float64) []float64 {
	n := len(data) / (nb * k)
	out := make([]float64, n)
	for i := range out {
		out[i] = f(data[(i*nb+b)*k : (i*nb+b+1)*k])
	}
	return out
}

func TestDirichletSampleKS(t *testing.T) {
	t.Parallel()
	// The marginal of x_i is Beta(α_i, S−α_i) and x_0/(x_0+x_1) is
	// Beta(α_0, α_1) (the proportions within a subset, independent of its
	// total); the CDF is tensor.BetaInc.
	rows := [][]float64{{0.3, 2, 5}, {1, 1, 1}}
	d := must(distributions.NewDirichlet(sh(f64(slices.Concat(rows...)...), 2, 3)))
	x := must(d.Sample(rand.NewPCG(3, 0xd1), nDraws))
	require.Equal(t, []int{nDraws, 2, 3}, shapeOf(x))
	data := data64(t, x)
	for r, a := range rows {
		s := a[0] + a[1] + a[2]
		for i := range 3 {
			col := dirichletColumn(data, r, 2, 3, func(v []float64) float64 { return v[i] })
			p := ksPValue(ksStatistic(col, func(v float64) float64 { return tensor.BetaInc(a[i], s-a[i], v) }), nDraws)
			t.Logf("Dirichlet%v x_%d: KS p = %.3g", a, i, p)
			assert.GreaterOrEqual(t, p, pCritical)
		}
		ratio := dirichletColumn(data, r, 2, 3, func(v []float64) float64 { return v[0] / (v[0] + v[1]) })
		p := ksPValue(ksStatistic(ratio, func(v float64) float64 { return tensor.BetaInc(a[0], a[1], v) }), nDraws)
		t.Logf("Dirichlet%v x_0/(x_0+x_1): KS p = %.3g", a, p)
		assert.GreaterOrEqual(t, p, pCritical)
	}
	// Power: the same draws reject a 3% larger α_0.
	col := dirichletColumn(data, 0, 2, 3, func(v []float64) float64 { return v[1] })
	p := ksPValue(ksStatistic(col, func(v float64) float64 { return tensor.BetaInc(2.06, 5.3, v) }), nDraws)
	t.Logf("power: x_1 of Dirichlet(0.3, 2, 5) as Beta(2.06, 5.3): KS p = %.3g", p)
	assert.Less(t, p, pCritical)

	// Every draw is a point of the simplex, also for tiny concentrations
	// whose gamma draws underflow; their mean is α/S within 6 standard errors.
	tiny := must(distributions.NewDirichlet(f64(1e-3, 2e-3, 1e-3)))
	td := data64(t, must(tiny.Sample(rand.NewPCG(5, 5), 20000)))
	var m0 float64
	for r, row := range slices.Collect(slices.Chunk(td, 3)) {
		var sum float64
		for _, v := range row {
			require.True(t, v >= 0 && v <= 1, "draw %d: %v", r, row)
			sum += v
		}
		require.InDelta(t, 1, sum, 1e-15)
		m0 += row[1]
	}
	sd := math.Sqrt(0.5 * 0.5 / (1 + 4e-3))
	assert.InDelta(t, 0.5, m0/20000, 6*sd/math.Sqrt(20000))
	// Concentrations near the float64 limit: gamma draws whose sum
	// overflows are normalised in log space, x ≈ (½, ½).
	huge := must(distributions.NewDirichlet(f64(1e308, 1e308)))
	close(t, []float64{0.5, 0.5, 0.5, 0.5}, data64(t, must(huge.Sample(rand.NewPCG(6, 6), 2))), 1e-6, 0)
}

func TestDirichletSampleGOMAXPROCS(t *testing.T) {
	const n = 70_000 // two rows: 140000 events > tensor.ParallelMin
	require.Greater(t, 2*n, tensor.ParallelMin)
	d := must(distributions.NewDirichlet(sh(f64(0.5, 3, 1, 2, 2, 0.2), 2, 3)))
	draw := func(procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		return data64(t, must(d.Sample(rand.NewPCG(42, 43), n)))
	}
	one, two := draw(1), draw(2)
	assert.True(t, slices.Equal(one, two), "draws depend on GOMAXPROCS")
	r := must(d.RSample(rand.NewPCG(42, 43), 4))
	assert.Equal(t, one[:24], data64(t, r), "Sample is RSample")
}

func TestDirichletRSampleVJPGOMAXPROCS(t *testing.T) {
	const n = 66_000 // two rows: 132000 events > tensor.ParallelMin
	require.Greater(t, 2*n, tensor.ParallelMin)
	d := must(distributions.NewDirichlet(sh(f64(0.5, 3, 2, 0.7), 2, 2)))
	x := must(d.RSample(rand.NewPCG(1, 2), n))
	grad := func(procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		return data64(t, must(d.RSampleVJP(x, nil))["concentration"])
	}
	assert.Equal(t, grad(1), grad(2), "the pathwise gradient depends on GOMAXPROCS")
}

// dirichletBetaQuantile inverts tensor.BetaInc(a, b, ·) at u by bisection
// to the last bit (a reference, not fast).
func dirichletBetaQuantile(a, b, u float64) float64 {
	lo, hi := 0.0, 1.0
	for range 2000 {
		mid := lo + (hi-lo)/2
		if mid == lo || mid == hi {
			break
		}
		if tensor.BetaInc(a, b, mid) < u {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo + (hi-lo)/2
}

func TestDirichletRSampleVJPJacobian(t *testing.T) {
	t.Parallel()
	// For one draw x, the upstream e_i gives row i of the Jacobian:
	// ∂x_i/∂α_i (x_i moves along its Beta(α_i, S−α_i) marginal at fixed
	// CDF level, the other α fixed) and ∂x_i/∂α_j = −x_i/(1−x_j)·∂x_j/∂α_j
	// (raising α_j rescales the others). Both are checked against central
	// differences of the Beta quantile.
	a := []float64{0.7, 2.0, 3.5}
	s := a[0] + a[1] + a[2]
	d := must(distributions.NewDirichlet(f64(a...)))
	for seed := range uint64(4) {
		x := must(d.RSample(rand.NewPCG(seed, 9)))
		xv := data64(t, x)
		dxx := make([]float64, 3) // ∂x_j/∂α_j by the quantile
		for j := range 3 {
			b := s - a[j]
			u := tensor.BetaInc(a[j], b, xv[j])
			h := 1e-5 * a[j]
			dxx[j] = (dirichletBetaQuantile(a[j]+h, b, u) - dirichletBetaQuantile(a[j]-h, b, u)) / (2 * h)
		}
		for i := range 3 {
			up := make([]float64, 3)
			up[i] = 1
			got := data64(t, must(d.RSampleVJP(x, f64(up...)))["concentration"])
			want := make([]float64, 3)
			for j := range 3 {
				if j == i {
					want[j] = dxx[i]
				} else {
					want[j] = -xv[i] / (1 - xv[j]) * dxx[j]
				}
			}
			// 1e-6: the quantile's central difference (bisected to the
			// last bit, step 1e-5·α) measures below 2e-7 relative.
			close(t, want, got, 1e-6, 1e-10)
		}
	}
}

func TestDirichletRSampleVJPUnbiased(t *testing.T) {
	t.Parallel()
	// f(x) = Σ c_j x_j² has E f = Σ c_j α_j(α_j+1)/(S(S+1)); the mean of
	// the pathwise gradients (upstream 2c_j x_j) over many draws must match
	// ∂E f/∂α within 6 standard errors of the chunk means.
	a := []float64{0.6, 1.7, 4}
	c := []float64{1, -2, 3}
	s := a[0] + a[1] + a[2]
	want := make([]float64, 3)
	for i := range 3 {
		var tot float64
		for j := range 3 {
			tot += c[j] * a[j] * (a[j] + 1)
		}
		want[i] = c[i]*(2*a[i]+1)/(s*(s+1)) - tot*(2*s+1)/(s*s*(s+1)*(s+1))
	}
	d := must(distributions.NewDirichlet(f64(a...)))
	const chunks, per = 100, 400
	means := make([][]float64, 3)
	src := rand.NewPCG(17, 71)
	for range chunks {
		x := must(d.RSample(src, per))
		xv := data64(t, x)
		up := make([]float64, len(xv))
		for i, v := range xv {
			up[i] = 2 * c[i%3] * v
		}
		g := data64(t, must(d.RSampleVJP(x, sh(f64(up...), per, 3)))["concentration"])
		for i := range 3 {
			means[i] = append(means[i], g[i]/per)
		}
	}
	for i := range 3 {
		var m, v float64
		for _, x := range means[i] {
			m += x
		}
		m /= chunks
		for _, x := range means[i] {
			v += (x - m) * (x - m)
		}
		se := math.Sqrt(v / (chunks - 1) / chunks)
		t.Logf("∂E f/∂α_%d: pathwise %.5f ± %.5f, exact %.5f", i, m, se, want[i])
		assert.InDelta(t, want[i], m, 6*se)
		assert.Greater(t, math.Abs(want[i]), 10*se, "power: the estimate separates from 0")
	}
}

func TestDirichletConjugateUpdate(t *testing.T) {
	t.Parallel()
	f := must(distributions.NewDirichlet(f64(1.5, 2.5, 0.8)))
	g := must(distributions.NewDirichlet(f64(2.0, 0.7, 3.1)))
	fg, c, err := f.ConjugateUpdate(g)
	require.NoError(t, err)
	close(t, []float64{2.5, 2.2, 2.9}, data64(t, fg.(*distributions.Dirichlet).Concentration()), 1e-15, 0)
	// mpmath: A(f) + A(g) − A(fg), A(α) = log Γ(Σα) − Σ log Γ(α_i)
	close(t, []float64{-0.7781899281208488}, data64(t, c), 1e-14, 0)
	for seed := range uint64(3) {
		x := f64(dirichletDraws([]float64{1, 1, 1}, 1, seed+30)...)
		lf, lg := data64(t, must(f.LogProb(x)))[0], data64(t, must(g.LogProb(x)))[0]
		lfg := data64(t, must(fg.LogProb(x)))[0]
		close(t, []float64{lf + lg}, []float64{lfg + data64(t, c)[0]}, 1e-13, 1e-13)
	}
	// Batches broadcast, through the package function and an Independent.
	fb := must(distributions.NewDirichlet(sh(f64(0.6, 0.9, 1.5, 2.5), 2, 2)))
	gb := must(distributions.NewDirichlet(f64(0.7, 1.2)))
	fgb, cb, err := distributions.ConjugateUpdate(fb, gb)
	require.NoError(t, err)
	assert.Equal(t, []int{2}, fgb.BatchShape())
	close(t, []float64{0.36566869983995015}, data64(t, cb)[:1], 1e-14, 0) // mpmath
	_, _, err = f.ConjugateUpdate(gb)
	require.ErrorIs(t, err, distributions.ErrShape)
	_, _, err = f.ConjugateUpdate(must(distributions.NewNormal(s64(0), s64(1))))
	require.ErrorIs(t, err, distributions.ErrUnsupported)
}

func TestDirichletKL(t *testing.T) {
	t.Parallel()
	// mpmath, 50 digits, of A(α) − A(β) + Σ(α_i−β_i)(ψ(α_i) − ψ(Σα)); the
	// K = 2 value also by quadrature of p·log(p/q) over the Beta marginal.
	p := must(distributions.NewDirichlet(sh(f64(0.5, 1.5, 3.0, 2, 2, 2), 2, 3)))
	q := must(distributions.NewDirichlet(f64(2, 2, 2)))
	kl := must(distributions.KL(p, q))
	require.Equal(t, []int{2}, shapeOf(kl))
	close(t, []float64{2.601754257289614, 0}, data64(t, kl), 1e-14, 1e-15)
	k2 := must(distributions.KL(must(distributions.NewDirichlet(f64(2, 3))), must(distributions.NewDirichlet(f64(0.7, 0.4)))))
	close(t, []float64{0.6673241552812903}, data64(t, k2), 1e-14, 0)
	// Monte Carlo: E_p[log p(x) − log q(x)] within 6 standard errors.
	pp := must(distributions.NewDirichlet(f64(0.5, 1.5, 3.0)))
	x := must(pp.Sample(rand.NewPCG(21, 12), 20000))
	lp, lq := data64(t, must(pp.LogProb(x))), data64(t, must(q.LogProb(x)))
	var m, v float64
	for i := range lp {
		m += lp[i] - lq[i]
	}
	m /= float64(len(lp))
	for i := range lp {
		v += (lp[i] - lq[i] - m) * (lp[i] - lq[i] - m)
	}
	se := math.Sqrt(v / float64(len(lp)-1) / float64(len(lp)))
	assert.InDelta(t, 2.601754257289614, m, 6*se)
	_, err := distributions.KL(q, must(distributions.NewDirichlet(f64(1, 1))))
	require.ErrorIs(t, err, distributions.ErrShape)
}

func TestDirichletExpandAndShapes(t *testing.T) {
	t.Parallel()
	conc := sh(f64(0.5, 1, 2, 3, 1, 1), 2, 3)
	d := must(distributions.NewDirichlet(conc))
	assert.Equal(t, []int{2}, d.BatchShape())
	assert.Equal(t, []int{3}, d.EventShape())
	e := must(distributions.Expand(d, []int{4, 2}))
	require.IsType(t, &distributions.Dirichlet{}, e, "native expand")
	assert.Same(t, conc, e.(distributions.Parameterised).Params()["concentration"])
	x := f64(0.2, 0.3, 0.5)
	base, big := must(d.LogProb(x)), must(e.LogProb(x))
	assert.Equal(t, bcast(data64(t, base), []int{2}, []int{4, 2}), data64(t, big))
	assert.Equal(t, []int{5, 4, 2, 3}, shapeOf(must(e.Sample(rand.NewPCG(1, 1), 5))))
	_, err := distributions.Expand(d, []int{3})
	require.ErrorIs(t, err, distributions.ErrShape)
	assert.True(t, distributions.HasRSample(d))
	assert.False(t, distributions.HasEnumerateSupport(d))

	batch, event, err := distributions.InferShapes("Dirichlet", map[string][]int{"concentration": {5, 2, 3}})
	require.NoError(t, err)
	assert.Equal(t, []int{5, 2}, batch)
	assert.Equal(t, []int{3}, event)
	_, _, err = distributions.InferShapes("Dirichlet", map[string][]int{"concentration": {}})
	require.ErrorIs(t, err, distributions.ErrShape)
	_, _, err = distributions.InferShapes("Dirichlet", map[string][]int{"rate": {3}})
	require.ErrorIs(t, err, distributions.ErrParam)

	b, err := distributions.Build([]byte(`{"family": "Dirichlet", "params": {"concentration": {"shape": [2, 3], "data": [0.5, 1, 2, 3, 1, 1]}}}`))
	require.NoError(t, err)
	assert.Equal(t, data64(t, base), data64(t, must(b.LogProb(x))))
	_, err = distributions.Build([]byte(`{"family": "Dirichlet", "params": {}}`))
	require.ErrorIs(t, err, distributions.ErrParam)
	_, err = distributions.Build([]byte(`{"family": "Dirichlet", "params": {"concentration": {"shape": [1], "data": [1]}, "rate": 1}}`))
	require.ErrorIs(t, err, distributions.ErrUnsupported)
}

func FuzzDirichlet(f *testing.F) {
	f.Add(0.5, 2.0, 3.0, 0.2, 0.3, 0.5, uint64(1))
	f.Add(1e-300, 1e300, 1.0, 0.0, 1.0, 0.0, uint64(2))
	f.Add(-1.0, math.NaN(), math.Inf(1), -0.1, 0.6, 0.5, uint64(3))
	f.Fuzz(func(t *testing.T, a0, a1, a2, x0, x1, x2 float64, seed uint64) {
		a, x := []float64{a0, a1, a2}, []float64{x0, x1, x2}
		d, err := distributions.NewDirichlet(f64(a...))
		if !(a0 > 0 && a1 > 0 && a2 > 0) {
			require.ErrorIs(t, err, distributions.ErrParam)
			d, err = distributions.NewDirichlet(f64(a...), distributions.WithValidation(false))
		}
		require.NoError(t, err)
		lp, err := d.LogProb(f64(x...))
		onSimplex := x0 >= 0 && x1 >= 0 && x2 >= 0 && math.Abs(x0+x1+x2-1) < 1e-6
		if d.Validating() && !onSimplex {
			require.ErrorIs(t, err, distributions.ErrSupport)
		} else {
			require.NoError(t, err)
			got := data64(t, lp)[0]
			want := dirichletRefLogProb(a, x)
			if !math.IsNaN(want) && !math.IsInf(want, 0) && math.Abs(want) < 1e6 && d.Validating() && min(a0, a1, a2) > 1e-3 && max(a0, a1, a2) < 1e3 {
				close(t, []float64{want}, []float64{got}, 1e-10, 1e-10)
			}
		}
		_, _ = d.LogProbGrad(f64(x...))
		_, _ = d.Mean()
		_, _ = d.Variance()
		_, _ = d.Mode()
		_, _ = d.Entropy()
		s, err := d.Sample(rand.NewPCG(seed, 1), 3)
		require.NoError(t, err)
		if d.Validating() && !math.IsInf(a0+a1+a2, 0) {
			for _, row := range slices.Collect(slices.Chunk(data64(t, s), 3)) {
				require.InDelta(t, 1, row[0]+row[1]+row[2], 1e-12, "draw %v of α %v", row, a)
			}
		}
		_, err = d.RSampleVJP(s, nil)
		require.NoError(t, err)
	})
}

func ExampleDirichlet_LogProb() {
	conc := tensor.Vector(0.5, 1.5, 3.0)
	d, err := distributions.NewDirichlet(conc)
	if err != nil {
		log.Fatal(err)
	}
	x, err := tensor.New([]float64{0.2, 0.3, 0.5, 0.01, 0.09, 0.9}, 2, 3)
	if err != nil {
		log.Fatal(err)
	}
	lp, err := d.LogProb(x)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(d.BatchShape(), d.EventShape(), lp.Shape())
	fmt.Printf("%.4f\n", lp.Data())
	// Output:
	// [] [3] (2)
	// [0.8498 2.9212]
}
