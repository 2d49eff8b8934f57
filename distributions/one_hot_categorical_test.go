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

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/enumerate"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// oneHotNormalise returns the probabilities of a row of probs (q/Σq) or of
// logits (e^ℓ/Σe^ℓ, shifted by the maximum): the tests' own normalisation.
func oneHotNormalise(row []float64, logits bool) []float64 {
	out := make([]float64, len(row))
	var s float64
	m := slices.Max(row)
	for i, v := range row {
		out[i] = v
		if logits {
			out[i] = math.Exp(v - m)
		}
		s += out[i]
	}
	for i := range out {
		out[i] /= s
	}
	return out
}

// oneHotNew builds a OneHotCategorical from probs or logits.
func oneHotNew(param *tensor.Dense, logits bool, opts ...distributions.Option) (*distributions.OneHotCategorical, error) {
	if logits {
		return distributions.NewOneHotCategoricalLogits(param, opts...)
	}
	return distributions.NewOneHotCategorical(param, opts...)
}

// oneHotRows returns one-hot rows of size k for the indices idx.
func oneHotRows(k int, idx ...int) []float64 {
	out := make([]float64, len(idx)*k)
	for i, j := range idx {
		out[i*k+j] = 1
	}
	return out
}

func TestOneHotCategoricalLogProb(t *testing.T) {
	t.Parallel()
	// parameters (2, 4) against one-hot values (3, 1, 4): log_prob (3, 2).
	par := []float64{0.5, 1, 2, 0.5, 0.1, 0.2, 0.3, 0.4}
	x := oneHotRows(4, 3, 0, 2)
	for _, logits := range []bool{false, true} {
		d := must(oneHotNew(sh(f64(par...), 2, 4), logits))
		got := must(d.LogProb(sh(f64(x...), 3, 1, 4)))
		require.Equal(t, []int{3, 2}, shapeOf(got))
		var want []float64
		for _, j := range []int{3, 0, 2} {
			for r := range 2 {
				want = append(want, math.Log(oneHotNormalise(par[r*4:(r+1)*4], logits)[j]))
			}
		}
		close(t, want, data64(t, got), 1e-15, 0)
		dst := must(tensor.Zeros[float64](3, 2))
		require.NoError(t, d.LogProbInto(dst, sh(f64(x...), 3, 1, 4)))
		assert.Equal(t, data64(t, got), data64(t, dst))
	}
	// Unvalidated, a row scores its first maximum; a NaN row scores NaN.
	d := must(distributions.NewOneHotCategorical(f64(0.2, 0.3, 0.5), distributions.WithValidation(false)))
	got := data64(t, must(d.LogProb(sh(f64(0, 1, 1, 0, 0, 0, 0.2, math.NaN(), 0.9), 3, 3))))
	close(t, []float64{math.Log(0.3), math.Log(0.2), math.NaN()}, got, 1e-15, 0)
}

func TestOneHotCategoricalEnumerate(t *testing.T) {
	t.Parallel()
	par := []float64{1.1, 0.9, -1, 1.3, -1.1, 0, -1.3, 1, 0.2, 0.3, 0.1, -2}
	d := must(distributions.NewOneHotCategoricalLogits(sh(f64(par...), 3, 4)))
	s := must(d.EnumerateSupport(false))
	require.Equal(t, []int{4, 1, 4}, shapeOf(s))
	assert.Same(t, d, s.Owner())
	assert.Equal(t, oneHotRows(4, 0, 1, 2, 3), data64(t, s))
	se := must(d.EnumerateSupport(true))
	require.Equal(t, []int{4, 3, 4}, shapeOf(se))
	assert.Nil(t, se.Owner())
	assert.Equal(t, bcast(data64(t, s), []int{4, 1, 4}, []int{4, 3, 4}), data64(t, se))

	// The tagged support takes the transposed-logits path; an untagged copy
	// the ordinary one: the same values, out[k, b] = log p_k of row b.
	fast := must(d.LogProb(s))
	slow := must(d.LogProb(must(tensor.New(slices.Clone(data64(t, s)), 4, 1, 4))))
	require.Equal(t, []int{4, 3}, shapeOf(fast))
	assert.Equal(t, data64(t, slow), data64(t, fast))
	want := make([]float64, 12)
	for r := range 3 {
		p := oneHotNormalise(par[r*4:(r+1)*4], true)
		for k := range 4 {
			want[k*3+r] = math.Log(p[k])
		}
	}
	close(t, want, data64(t, fast), 1e-15, 0)
	// Pyro's enum messenger may add singleton dims, keeping the tag.
	moved := enumerate.New(must(tensor.New(slices.Clone(data64(t, s)), 4, 1, 1, 4)), d)
	lp := must(d.LogProb(moved))
	require.Equal(t, []int{4, 1, 3}, shapeOf(lp))
	assert.Equal(t, data64(t, fast), data64(t, lp))
	// Another distribution's support is ordinary data.
	other := must(distributions.NewOneHotCategoricalLogits(sh(f64(par...), 3, 4)))
	assert.Equal(t, data64(t, fast), data64(t, must(other.LogProb(s))))
	// Expanded: the support grows with the batch.
	e := must(distributions.Expand(d, []int{2, 3}))
	es := must(e.(distributions.SupportEnumerator).EnumerateSupport(false))
	require.Equal(t, []int{4, 1, 1, 4}, shapeOf(es))
	assert.Equal(t, bcast(data64(t, fast), []int{4, 1, 3}, []int{4, 2, 3}), data64(t, must(e.LogProb(es))))
}

func TestOneHotCategoricalErrors(t *testing.T) {
	t.Parallel()
	_, err := distributions.NewOneHotCategorical(sh(f64(0.5, 0.5, 0.2, -0.1), 2, 2))
	require.ErrorIs(t, err, distributions.ErrParam)
	var ce *distributions.ConstraintError
	require.True(t, errors.As(err, &ce))
	assert.Equal(t, "one_hot_categorical", ce.Family)
	assert.Equal(t, []int{1, 1}, ce.Index)
	_, err = distributions.NewOneHotCategoricalLogits(f64(0, math.NaN()))
	require.ErrorIs(t, err, distributions.ErrParam)
	_, err = distributions.NewOneHotCategorical(s64(1))
	require.ErrorIs(t, err, distributions.ErrShape)
	_, err = distributions.NewOneHotCategorical(f64(0, 0))
	require.ErrorIs(t, err, distributions.ErrParam, "a row of zeros")
	_, err = distributions.NewOneHotCategoricalStraightThrough(f64(-1, 2))
	require.ErrorIs(t, err, distributions.ErrParam)
	assert.Contains(t, err.Error(), "straight_through")

	d := must(distributions.NewOneHotCategorical(sh(f64(0.2, 0.3, 0.5, 0.6, 0.2, 0.2), 2, 3)))
	for _, tc := range []struct {
		name  string
		x     tensor.Value
		kind  error
		index []int
	}{
		{"event size", f64(1, 0), distributions.ErrShape, nil},
		{"batch", sh(f64(oneHotRows(3, 0, 1, 2)...), 3, 3), distributions.ErrShape, nil},
		{"dtype", f32(1, 0, 0), distributions.ErrDType, nil},
		{"not 0 or 1", sh(f64(1, 0, 0, 0, 0.5, 0.5), 2, 3), distributions.ErrSupport, []int{1, 1}},
		{"two ones", sh(f64(1, 0, 0, 0, 1, 1), 2, 3), distributions.ErrSupport, []int{1}},
		{"no one", f64(0, 0, 0), distributions.ErrSupport, []int{}},
		{"NaN", f64(math.NaN(), 1, 0), distributions.ErrSupport, []int{0}},
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
	require.ErrorIs(t, d.LogProbInto(must(tensor.Zeros[float64](3)), f64(1, 0, 0)), distributions.ErrShape)
	_, err = d.Sample(nil)
	require.ErrorIs(t, err, distributions.ErrNilSource)
	for _, body := range []string{
		`{"family": "OneHotCategorical", "params": {}}`,
		`{"family": "OneHotCategorical", "params": {"probs": {"shape": [2], "data": [0.5, 0.5]}, "logits": {"shape": [2], "data": [0, 0]}}}`,
	} {
		_, err := distributions.Build([]byte(body))
		require.ErrorIs(t, err, distributions.ErrParam, body)
	}
}

func TestOneHotCategoricalMoments(t *testing.T) {
	t.Parallel()
	par := []float64{0.2, 0.3, 0.5, 1 - 1e-12, 1e-12, 0, 1, 1, 1}
	d := must(distributions.NewOneHotCategorical(sh(f64(par...), 3, 3)))
	mean, vr, sd := data64(t, must(d.Mean())), data64(t, must(d.Variance())), data64(t, must(d.StdDev()))
	mode, ent := data64(t, must(d.Mode())), data64(t, must(d.Entropy()))
	for r := range 3 {
		p := oneHotNormalise(par[r*3:(r+1)*3], false)
		var h float64
		for i, v := range p {
			q := 1 - v
			if i == 0 && r == 1 {
				q = 1e-12 // 1 − p_0 exactly: the other probabilities' sum
			}
			close(t, []float64{v, v * q, math.Sqrt(v * q)}, []float64{mean[r*3+i], vr[r*3+i], sd[r*3+i]}, 1e-15, 0)
			if v > 0 {
				h -= v * math.Log(v)
			}
		}
		close(t, []float64{h}, ent[r:r+1], 1e-14, 0)
	}
	assert.Equal(t, oneHotRows(3, 2, 0, 0), mode, "first maximum on ties")
	e := must(d.Expand([]int{2, 3}))
	assert.Equal(t, bcast(mean, []int{3, 3}, []int{2, 3, 3}), data64(t, must(e.(distributions.Meaner).Mean())))
	assert.Equal(t, bcast(mode, []int{3, 3}, []int{2, 3, 3}), data64(t, must(e.(distributions.Moder).Mode())))
	assert.Equal(t, bcast(ent, []int{3}, []int{2, 3}), data64(t, must(e.(distributions.Entropier).Entropy())))
}

func TestOneHotCategoricalGrad(t *testing.T) {
	t.Parallel()
	// parameters (2, 3) against one-hot values (3, 1, 3), weights (3, 2).
	par := []float64{0.2, 0.3, 0.5, 1.5, 0.5, 2}
	idx := []int{2, 0, 1}
	w := []float64{1, -0.5, 2, 0, 0.25, 3}
	x := oneHotRows(3, idx...)
	for _, logits := range []bool{false, true} {
		ref := func(v []float64) float64 {
			var s float64
			for i, j := range idx {
				for r := range 2 {
					s += w[i*2+r] * math.Log(oneHotNormalise(v[r*3:(r+1)*3], logits)[j])
				}
			}
			return s
		}
		name := map[bool]string{false: "probs", true: "logits"}[logits]
		d := must(oneHotNew(sh(f64(par...), 2, 3), logits))
		g := must(d.LogProbVJP(sh(f64(x...), 3, 1, 3), sh(f64(w...), 3, 2)))
		close(t, []float64{ref(par)}, []float64{g.LogProb}, 1e-14, 0)
		close(t, centralDiff(ref, par, 1e-5), data64(t, g.Params[name]), 1e-7, 1e-9)
		require.Equal(t, []int{3, 1, 3}, shapeOf(g.Value))
		assert.Equal(t, make([]float64, 9), data64(t, g.Value), "argmax has no slope")
	}
	// the golden file's convention (one_hot_categorical/probs-3): at probs
	// summing to 1, ∂/∂q_i = δ_ij/q_j − 1
	q := []float64{0.6371944888111343, 0.11177848071121643, 0.2510270304776492}
	g := must(must(distributions.NewOneHotCategorical(f64(q...))).LogProbGrad(f64(0, 1, 0)))
	close(t, []float64{-1, 1/q[1] - 1, -1}, data64(t, g.Params["probs"]), 1e-15, 0)
}

func TestOneHotCategoricalFloat32(t *testing.T) {
	t.Parallel()
	par := sh(f64(0.2, 0.3, 0.5, 1.5, 0.5, 2), 2, 3)
	x := sh(f64(oneHotRows(3, 2, 0)...), 2, 3)
	d32, d64 := must(distributions.NewOneHotCategorical(to32(par))), must(distributions.NewOneHotCategorical(par))
	for name, p := range map[string][2]*tensor.Dense{
		"log_prob": {must(d32.LogProb(to32(x))), must(d64.LogProb(x))},
		"mean":     {must(d32.Mean()), must(d64.Mean())},
		"variance": {must(d32.Variance()), must(d64.Variance())},
		"mode":     {must(d32.Mode()), must(d64.Mode())},
		"entropy":  {must(d32.Entropy()), must(d64.Entropy())},
		"support":  {must(d32.EnumerateSupport(false)).Dense, must(d64.EnumerateSupport(false)).Dense},
	} {
		require.Equal(t, tensor.Float32, p[0].Dtype(), name)
		close(t, data64(t, p[1]), data64(t, p[0]), tol32, 0)
	}
	s := must(d32.Sample(rand.NewPCG(1, 2), 10))
	require.Equal(t, tensor.Float32, s.Dtype())
	g32 := must(d32.LogProbGrad(to32(x)))
	require.Equal(t, tensor.Float32, g32.Params["probs"].Dtype())
	require.Equal(t, tensor.Float32, g32.Value.Dtype())
}

func TestOneHotCategoricalSample(t *testing.T) {
	t.Parallel()
	probs := []float64{0.1, 0, 0.25, 0.4, 0.25}
	d := must(distributions.NewOneHotCategoricalLogits(f64(multinomialLogits(probs, 2)...)))
	x := must(d.Sample(rand.NewPCG(4, 0x1c), nDraws))
	require.Equal(t, []int{nDraws, 5}, shapeOf(x))
	draws := make([]int64, nDraws)
	for i, row := range slices.Collect(slices.Chunk(data64(t, x), 5)) {
		var sum float64
		for j, v := range row {
			require.True(t, v == 0 || v == 1, "draw %d: %v", i, row)
			sum += v
			if v == 1 {
				draws[i] = int64(j)
			}
		}
		require.Equal(t, 1.0, sum, "draw %d: %v", i, row)
	}
	p := chiSquareCategorical(t, draws, probs)
	t.Logf("OneHotCategorical%v: chi-square p = %.3g", probs, p)
	assert.GreaterOrEqual(t, p, pCritical)
	pw := chiSquareCategorical(t, draws, []float64{0.11, 0, 0.24, 0.4, 0.25})
	t.Logf("power: as [0.11 0 0.24 0.4 0.25]: chi-square p = %.3g", pw)
	assert.Less(t, pw, pCritical)
	// Batch: shape and the same indices as the Categorical of the same rows.
	par := sh(f64(0.2, 0.3, 0.5, 1.5, 0.5, 2), 2, 3)
	oh := must(distributions.NewOneHotCategorical(par))
	cat := must(distributions.NewCategorical(par))
	xs := must(oh.Sample(rand.NewPCG(6, 6), 7))
	require.Equal(t, []int{7, 2, 3}, shapeOf(xs))
	idx := must(cat.Sample(rand.NewPCG(6, 6), 7)).Int64s()
	assert.Equal(t, oneHotRows(3, func() []int {
		out := make([]int, len(idx))
		for i, v := range idx {
			out[i] = int(v)
		}
		return out
	}()...), data64(t, xs))
}

func TestOneHotCategoricalSampleGOMAXPROCS(t *testing.T) {
	const n = 70_000 // two rows: 140000 events > tensor.ParallelMin
	require.Greater(t, 2*n, tensor.ParallelMin)
	d := must(distributions.NewOneHotCategorical(sh(f64(0.2, 0.3, 0.5, 0.6, 0.2, 0.2), 2, 3)))
	draw := func(procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		return data64(t, must(d.Sample(rand.NewPCG(42, 43), n)))
	}
	assert.True(t, slices.Equal(draw(1), draw(2)), "draws depend on GOMAXPROCS")
}

func TestOneHotCategoricalStraightThrough(t *testing.T) {
	t.Parallel()
	plain := must(distributions.NewOneHotCategorical(f64(0.2, 0.8)))
	_, ok := any(plain).(distributions.RSampler)
	assert.False(t, ok, "torch's OneHotCategorical has no rsample")
	assert.False(t, distributions.HasRSample(plain))
	assert.True(t, distributions.HasEnumerateSupport(plain))

	par := []float64{0.2, 0.3, 0.5, 1.5, 0.5, 2}
	for _, logits := range []bool{false, true} {
		var d *distributions.OneHotCategoricalStraightThrough
		if logits {
			d = must(distributions.NewOneHotCategoricalStraightThroughLogits(sh(f64(par...), 2, 3)))
		} else {
			d = must(distributions.NewOneHotCategoricalStraightThrough(sh(f64(par...), 2, 3)))
		}
		assert.True(t, distributions.HasRSample(d))
		assert.True(t, distributions.HasEnumerateSupport(d))
		x := must(d.RSample(rand.NewPCG(2, 2), 4))
		assert.Equal(t, data64(t, must(d.Sample(rand.NewPCG(2, 2), 4))), data64(t, x), "RSample's value is Sample's")
		// ∂L/∂θ = Σ_draws ḡ·∂p/∂θ, p the normalised probabilities.
		up := make([]float64, 24)
		for i := range up {
			up[i] = math.Sin(float64(i) + 1)
		}
		ref := func(v []float64) float64 {
			var s float64
			for i := range 4 {
				for r := range 2 {
					p := oneHotNormalise(v[r*3:(r+1)*3], logits)
					for j := range 3 {
						s += up[(i*2+r)*3+j] * p[j]
					}
				}
			}
			return s
		}
		name := map[bool]string{false: "probs", true: "logits"}[logits]
		g := must(d.RSampleVJP(x, sh(f64(up...), 4, 2, 3)))
		close(t, centralDiff(ref, par, 1e-5), data64(t, g[name]), 1e-8, 1e-10)
		// the enumeration fast path works on the promoted methods too
		s := must(d.EnumerateSupport(false))
		assert.Equal(t, data64(t, must(d.LogProb(must(tensor.New(slices.Clone(data64(t, s)), 3, 1, 3))))), data64(t, must(d.LogProb(s))))
		e := must(distributions.Expand(d, []int{5, 2}))
		require.IsType(t, &distributions.OneHotCategoricalStraightThrough{}, e)
	}
	b, err := distributions.Build([]byte(`{"family": "OneHotCategoricalStraightThrough", "params": {"logits": {"shape": [2], "data": [0, 1]}}}`))
	require.NoError(t, err)
	require.IsType(t, &distributions.OneHotCategoricalStraightThrough{}, b)
	_, err = plain.LogProbGrad(f64(1, 0))
	require.NoError(t, err)
}

func TestOneHotCategoricalKL(t *testing.T) {
	t.Parallel()
	pl := []float64{1.4418, -1.4738, 1.0797, 0.6363, -0.4396, -1.3007, 1.6006, 1.6519}
	ql := []float64{1.3743, -1.075, 0.4327, 0.2306}
	p := must(distributions.NewOneHotCategoricalLogits(sh(f64(pl...), 2, 4)))
	q := must(distributions.NewOneHotCategoricalLogits(f64(ql...)))
	var want []float64
	for r := range 2 {
		pp, qq := oneHotNormalise(pl[r*4:(r+1)*4], true), oneHotNormalise(ql, true)
		var v float64
		for j := range pp {
			v += pp[j] * math.Log(pp[j]/qq[j])
		}
		want = append(want, v)
	}
	close(t, want, data64(t, must(distributions.KL(p, q))), 1e-13, 0)
	st := must(distributions.NewOneHotCategoricalStraightThroughLogits(f64(ql...)))
	close(t, want, data64(t, must(distributions.KL(p, st))), 1e-13, 0)
	assert.Equal(t, []float64{0}, data64(t, must(distributions.KL(st, q))))
}

func TestOneHotCategoricalShapes(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewOneHotCategorical(sh(f64(0.2, 0.3, 0.5, 0.6, 0.2, 0.2), 2, 3)))
	assert.Equal(t, []int{2}, d.BatchShape())
	assert.Equal(t, []int{3}, d.EventShape())
	e := must(distributions.Expand(d, []int{4, 2}))
	require.IsType(t, &distributions.OneHotCategorical{}, e, "native expand")
	x := f64(0, 0, 1)
	assert.Equal(t, bcast(data64(t, must(d.LogProb(x))), []int{2}, []int{4, 2}), data64(t, must(e.LogProb(x))))
	assert.Equal(t, []int{5, 4, 2, 3}, shapeOf(must(e.Sample(rand.NewPCG(1, 1), 5))))
	_, err := distributions.Expand(d, []int{3})
	require.ErrorIs(t, err, distributions.ErrShape)

	b, ev, err := distributions.InferShapes("OneHotCategorical", map[string][]int{"logits": {5, 2, 3}})
	require.NoError(t, err)
	assert.Equal(t, []int{5, 2}, b)
	assert.Equal(t, []int{3}, ev)
	_, _, err = distributions.InferShapes("OneHotCategorical", map[string][]int{"probs": {}})
	require.ErrorIs(t, err, distributions.ErrShape)
	_, _, err = distributions.InferShapes("OneHotCategorical", map[string][]int{"loc": {3}})
	require.ErrorIs(t, err, distributions.ErrParam)
	_, _, err = distributions.InferShapes("OneHotCategoricalStraightThrough", map[string][]int{"probs": {3}})
	require.ErrorIs(t, err, distributions.ErrUnsupported, "Pyro's generic rule raises")
}

func FuzzOneHotCategorical(f *testing.F) {
	f.Add(0.2, 0.3, 0.5, 0.0, 1.0, 0.0, false, uint64(1))
	f.Add(0.0, 0.0, 1.0, 1.0, 1.0, 0.0, true, uint64(2))
	f.Add(math.Inf(1), math.Inf(-1), math.NaN(), 0.5, math.NaN(), -1.0, true, uint64(3))
	f.Fuzz(func(t *testing.T, q0, q1, q2, x0, x1, x2 float64, logits bool, seed uint64) {
		d, err := oneHotNew(f64(q0, q1, q2), logits)
		if err != nil {
			require.ErrorIs(t, err, distributions.ErrParam)
			d = must(oneHotNew(f64(q0, q1, q2), logits, distributions.WithValidation(false)))
		}
		x := f64(x0, x1, x2)
		oneHot := (x0 == 0 || x0 == 1) && (x1 == 0 || x1 == 1) && (x2 == 0 || x2 == 1) && x0+x1+x2 == 1
		_, err = d.LogProb(x)
		if d.Validating() && !oneHot {
			require.ErrorIs(t, err, distributions.ErrSupport)
		} else {
			require.NoError(t, err)
		}
		_, _ = d.LogProbGrad(x)
		_, _ = d.Mean()
		_, _ = d.Variance()
		_, _ = d.Mode()
		_, _ = d.Entropy()
		if s, err := d.Sample(rand.NewPCG(seed, 1), 3); err == nil {
			for _, row := range slices.Collect(slices.Chunk(data64(t, s), 3)) {
				require.Equal(t, 1.0, row[0]+row[1]+row[2], "draw %v", row)
			}
		} else {
			require.ErrorIs(t, err, distributions.ErrParam)
		}
	})
}
