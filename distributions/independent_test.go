package distributions_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Independent has the capabilities it forwards, whatever its base.
var (
	_ distributions.RSampler      = (*distributions.Independent)(nil)
	_ distributions.LogProbGrader = (*distributions.Independent)(nil)
	_ distributions.Meaner        = (*distributions.Independent)(nil)
	_ distributions.Variancer     = (*distributions.Independent)(nil)
	_ distributions.StdDever      = (*distributions.Independent)(nil)
	_ distributions.Moder         = (*distributions.Independent)(nil)
	_ distributions.Entropier     = (*distributions.Independent)(nil)
	_ distributions.Expander      = (*distributions.Independent)(nil)
)

// normal234 is a Normal of batch (2, 3, 4) with distinct parameters.
func normal234(opts ...distributions.Option) *distributions.Normal {
	return must(distributions.NewNormal(
		must(tensor.New(seq(-2, 2, 24), 2, 3, 4)),
		must(tensor.New(seq(0.5, 2, 12), 3, 4)), opts...))
}

func TestToEventShapes(t *testing.T) {
	t.Parallel()
	n := normal234()
	b := must(distributions.NewBernoulli(must(tensor.New(seq(0.1, 0.9, 6), 2, 3))))
	tests := []struct {
		name             string
		d                distributions.Distribution
		n                int
		batch, event     []int
		wantIndependent  bool
		wantReinterpeted int
	}{
		{"n=1", n, 1, []int{2, 3}, []int{4}, true, 1},
		{"n=2", n, 2, []int{2}, []int{3, 4}, true, 2},
		{"all dims", n, 3, []int{}, []int{2, 3, 4}, true, 3},
		{"n=0", n, 0, []int{2, 3, 4}, []int{}, false, 0},
		{"Bernoulli n=1", b, 1, []int{2}, []int{3}, true, 1},
		{"Expanded base", must(distributions.Expand(opaque{b}, []int{5, 2, 3})), 2, []int{5}, []int{2, 3}, true, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := distributions.ToEvent(tc.d, tc.n)
			require.NoError(t, err)
			assert.Equal(t, tc.batch, d.BatchShape())
			assert.Equal(t, tc.event, d.EventShape())
			assert.Equal(t, tc.d.Dtype(), d.Dtype())
			assert.Equal(t, cat([]int{7}, tc.batch, tc.event), distributions.Shape(d, 7))
			in, ok := d.(*distributions.Independent)
			require.Equal(t, tc.wantIndependent, ok, "got %T", d)
			if ok {
				assert.Equal(t, tc.wantReinterpeted, in.ReinterpretedBatchNdims())
				assert.Equal(t, tc.d, in.Base())
			}
			// The shapes are copies: editing them changes nothing.
			s := d.BatchShape()
			if len(s) > 0 {
				s[0] = 99
				assert.Equal(t, tc.batch, d.BatchShape())
			}
			e := d.EventShape()
			if len(e) > 0 {
				e[0] = 99
				assert.Equal(t, tc.event, d.EventShape())
			}
		})
	}
}

// TestToEventFlattening: Pyro's to_event walks down nested Independents, so
// that to_event never builds Independent of Independent, and a total of 0
// returns the innermost base itself.
func TestToEventFlattening(t *testing.T) {
	t.Parallel()
	d := normal234()
	one := must(distributions.ToEvent(d, 1))
	two, err := distributions.ToEvent(one, 1)
	require.NoError(t, err)
	in, ok := two.(*distributions.Independent)
	require.True(t, ok, "got %T", two)
	assert.Equal(t, 2, in.ReinterpretedBatchNdims())
	assert.Same(t, d, in.Base(), "nested Independents flatten onto the original base")
	assert.Equal(t, []int{2}, two.BatchShape())
	assert.Equal(t, []int{3, 4}, two.EventShape())

	three := must(distributions.ToEvent(two, 1))
	assert.Same(t, d, three.(*distributions.Independent).Base())
	assert.Equal(t, 3, three.(*distributions.Independent).ReinterpretedBatchNdims())

	same, err := distributions.ToEvent(d, 0)
	require.NoError(t, err)
	assert.Same(t, d, same, "to_event(0) returns the distribution itself")

	back, err := distributions.ToEvent(two, -2)
	require.NoError(t, err)
	assert.Same(t, d, back, "to_event(-2) undoes to_event(2)")

	partial, err := distributions.ToEvent(two, -1)
	require.NoError(t, err)
	require.IsType(t, &distributions.Independent{}, partial)
	assert.Equal(t, 1, partial.(*distributions.Independent).ReinterpretedBatchNdims())
	assert.Same(t, d, partial.(*distributions.Independent).Base())
	assert.Equal(t, []int{2, 3}, partial.BatchShape())
	assert.Equal(t, []int{4}, partial.EventShape())

	// Flattening also reaches through a base that was already Independent
	// when handed in: n counts from the caller's view.
	lp1 := must(two.LogProb(must(tensor.New(seq(-1, 1, 24), 2, 3, 4))))
	lp2 := must(must(distributions.ToEvent(one, 1)).LogProb(must(tensor.New(seq(-1, 1, 24), 2, 3, 4))))
	assert.Equal(t, data64(t, lp1), data64(t, lp2))
}

func TestToEventErrors(t *testing.T) {
	t.Parallel()
	d := normal234()
	two := must(distributions.ToEvent(d, 2))
	tests := []struct {
		name string
		d    distributions.Distribution
		n    int
	}{
		{"negative n", d, -1},
		{"negative total", two, -3},
		{"more dims than the batch", d, 4},
		{"nested total over the batch", two, 2},
		{"scalar batch", must(distributions.NewNormal(s64(0), s64(1))), 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := distributions.ToEvent(tc.d, tc.n)
			require.ErrorIs(t, err, distributions.ErrShape)
			assert.Nil(t, got)
		})
	}
}

// TestIndependentLogProbProperty: for random batch shapes, n and sample
// shapes, the log_prob of ToEvent(d, n) is d's summed over the n rightmost
// dims, shaped sample + batch[:len(batch)-n]; the sums agree within the
// worst-case rounding of a sum in another order.
func TestIndependentLogProbProperty(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		batch := rapid.SliceOfN(rapid.IntRange(1, 3), 0, 4).Draw(t, "batch")
		n := rapid.IntRange(0, len(batch)).Draw(t, "n")
		sample := rapid.SliceOfN(rapid.IntRange(1, 3), 0, 2).Draw(t, "sample")
		seed := rapid.Uint64().Draw(t, "seed")
		d := randomBase(t, batch, rand.New(rand.NewPCG(seed, 5)))
		in, err := distributions.ToEvent(d, n)
		require.NoError(t, err)
		k := len(batch) - n
		require.Equal(t, batch[:k], in.BatchShape())
		require.Equal(t, batch[k:], in.EventShape())

		x, err := in.Sample(rand.NewPCG(seed, 6), sample...)
		require.NoError(t, err)
		require.Equal(t, cat(sample, batch), shapeOf(x))
		lp, err := in.LogProb(x)
		require.NoError(t, err)
		lead := cat(sample, batch[:k])
		require.Equal(t, lead, shapeOf(lp))
		require.Equal(t, d.Dtype(), lp.Dtype())

		base := floats64(t, must(d.LogProb(x)))
		inner := sizeOf(batch[k:])
		got := floats64(t, lp)
		for i := range got {
			terms := base[i*inner : (i+1)*inner]
			var want float64
			for _, v := range terms {
				want += v
			}
			tol := sumBound(terms)
			if d.Dtype() == tensor.Float32 {
				tol = float64(inner+2) * 0x1p-23 * sumAbs(terms) // the float32 result's own rounding
			}
			require.InDelta(t, want, got[i], tol, "log_prob%v", unravelIndex(i, lead))
		}
	})
}

func sumAbs(v []float64) float64 {
	var a float64
	for _, x := range v {
		a += math.Abs(x)
	}
	return a
}

// TestIndependentValueShape: a value's trailing dims must equal the event
// shape exactly, even where the base would broadcast them.
func TestIndependentValueShape(t *testing.T) {
	t.Parallel()
	d := must(distributions.ToEvent(normal234(), 2)) // batch (2), event (3, 4)
	g := d.(distributions.LogProbGrader)
	for _, s := range [][]int{{2, 3, 1}, {2, 1, 4}, {4}, {2, 3, 5}, {}, {3, 3, 4}} {
		x := must(tensor.Zeros[float64](s...))
		_, err := d.LogProb(x)
		require.ErrorIs(t, err, distributions.ErrShape, "value %v", s)
		_, err = g.LogProbGrad(x)
		require.ErrorIs(t, err, distributions.ErrShape, "value %v", s)
		_, err = g.LogProbVJP(x, nil)
		require.ErrorIs(t, err, distributions.ErrShape, "value %v", s)
	}
	for _, c := range []struct{ value, out []int }{
		{[]int{3, 4}, []int{2}},
		{[]int{1, 3, 4}, []int{2}},
		{[]int{5, 2, 3, 4}, []int{5, 2}},
		{[]int{5, 1, 3, 4}, []int{5, 2}},
	} {
		lp, err := d.LogProb(must(tensor.Zeros[float64](c.value...)))
		require.NoError(t, err, "value %v", c.value)
		assert.Equal(t, c.out, shapeOf(lp), "value %v", c.value)
	}
	_, err := d.LogProb(nil)
	require.ErrorIs(t, err, distributions.ErrShape)
	_, err = d.LogProb(must(tensor.Zeros[float32](2, 3, 4)))
	require.ErrorIs(t, err, distributions.ErrDType, "the base checks the dtype")
}

// TestIndependentValidation: validation is the base's (Pyro shares the flag).
func TestIndependentValidation(t *testing.T) {
	t.Parallel()
	x := must(tensor.New(seq(-1, 1, 24), 2, 3, 4))
	x.Float64s()[5] = math.NaN()
	on := must(distributions.ToEvent(normal234(distributions.WithValidation(true)), 1))
	_, err := on.LogProb(x)
	require.ErrorIs(t, err, distributions.ErrSupport)
	off := must(distributions.ToEvent(normal234(distributions.WithValidation(false)), 1))
	lp, err := off.LogProb(x)
	require.NoError(t, err)
	got := data64(t, lp)
	require.Equal(t, []int{2, 3}, shapeOf(lp))
	for i, v := range got {
		assert.Equal(t, i == 1, math.IsNaN(v), "log_prob[%d] = %v", i, v) // element 5 lies in row 1
	}
}

func TestIndependentCapabilities(t *testing.T) {
	t.Parallel()
	n := must(distributions.ToEvent(normal234(), 1))
	b := must(distributions.ToEvent(must(distributions.NewBernoulli(must(tensor.New(seq(0.1, 0.9, 6), 2, 3)))), 1))
	assert.True(t, distributions.HasRSample(n))
	assert.False(t, distributions.HasRSample(b))
	assert.False(t, distributions.HasEnumerateSupport(n))
	assert.False(t, distributions.HasEnumerateSupport(b), "no cartesian product of supports")
	_, ok := b.(distributions.SupportEnumerator)
	assert.False(t, ok)

	// Sampling is the base's: the same seed, the same draws.
	got := must(n.Sample(rand.NewPCG(3, 4), 5))
	want := must(normal234().Sample(rand.NewPCG(3, 4), 5))
	assert.Equal(t, []int{5, 2, 3, 4}, shapeOf(got))
	assert.Equal(t, data64(t, want), data64(t, got))
	got = must(n.(distributions.RSampler).RSample(rand.NewPCG(3, 4), 5))
	want = must(normal234().RSample(rand.NewPCG(3, 4), 5))
	assert.Equal(t, data64(t, want), data64(t, got))
	bs := must(b.Sample(rand.NewPCG(3, 4), 7))
	assert.Equal(t, []int{7, 2, 3}, shapeOf(bs))

	_, err := b.(distributions.RSampler).RSample(rand.NewPCG(3, 4))
	require.ErrorIs(t, err, distributions.ErrUnsupported)
	// Call draws with Sample where the base has no rsample.
	c, err := distributions.Call(b, rand.NewPCG(8, 9), 2)
	require.NoError(t, err)
	assert.Equal(t, data64(t, must(b.Sample(rand.NewPCG(8, 9), 2))), data64(t, c))
}

func TestIndependentMoments(t *testing.T) {
	t.Parallel()
	base := normal234()
	d := must(distributions.ToEvent(base, 2))
	for name, pair := range map[string][2]func() (*tensor.Dense, error){
		"mean":     {d.(distributions.Meaner).Mean, base.Mean},
		"variance": {d.(distributions.Variancer).Variance, base.Variance},
		"stddev":   {d.(distributions.StdDever).StdDev, base.StdDev},
		"mode":     {d.(distributions.Moder).Mode, base.Mode},
	} {
		got, err := pair[0]()
		require.NoError(t, err, name)
		want, err := pair[1]()
		require.NoError(t, err, name)
		assert.Equal(t, []int{2, 3, 4}, shapeOf(got), "%s: batch + event", name)
		assert.Equal(t, data64(t, want), data64(t, got), name)
	}
	h, err := d.(distributions.Entropier).Entropy()
	require.NoError(t, err)
	require.Equal(t, []int{2}, shapeOf(h))
	hb := data64(t, must(base.Entropy()))
	for i, v := range data64(t, h) {
		terms := hb[i*12 : (i+1)*12]
		var want float64
		for _, x := range terms {
			want += x
		}
		assert.InDelta(t, want, v, sumBound(terms), "entropy[%d]", i)
	}
	// Entropy from the formula, independently of the base: Σ ½ + ½log 2π + log σ.
	scales := data64(t, base.Scale())
	var want0 float64
	for _, s := range scales {
		want0 += 0.5 + 0.5*math.Log(2*math.Pi) + math.Log(s)
	}
	close(t, []float64{want0, want0}, data64(t, h), 1e-14, 0)

	// A base without moments: the wrapper has the methods and says so.
	o := must(distributions.ToEvent(opaque{normal234()}, 1))
	_, err = o.(distributions.Meaner).Mean()
	require.ErrorIs(t, err, distributions.ErrUnsupported)
	_, err = o.(distributions.Entropier).Entropy()
	require.ErrorIs(t, err, distributions.ErrUnsupported)
	_, err = o.(distributions.LogProbGrader).LogProbGrad(s64(0))
	require.ErrorIs(t, err, distributions.ErrUnsupported)
}

// TestIndependentGradient: summing over event dims does not change the
// total, so LogProbGrad is the base's exactly; LogProbVJP with a
// non-uniform upstream of log_prob's shape (or broadcasting to it) equals
// the central differences of Σ upstream·sum_rightmost(log_prob).
func TestIndependentGradient(t *testing.T) {
	t.Parallel()
	xs, ls, ss := []int{5, 1, 3, 4}, []int{2, 3, 4}, []int{3, 4}
	x, loc, scale := seq(-3, 3, sizeOf(xs)), seq(-1, 1, 24), seq(0.6, 2, 12)
	for i := range x {
		x[i] += 0.01 * float64(i%7) // no value sits exactly on a loc
	}
	base := must(distributions.NewNormal(must(tensor.New(loc, ls...)), must(tensor.New(scale, ss...))))
	d := must(distributions.ToEvent(base, 2)).(distributions.LogProbGrader)
	xt := must(tensor.New(x, xs...))

	t.Run("grad is the base's", func(t *testing.T) {
		t.Parallel()
		got, err := d.LogProbGrad(xt)
		require.NoError(t, err)
		want, err := base.LogProbGrad(xt)
		require.NoError(t, err)
		assert.Equal(t, want.LogProb, got.LogProb)
		assert.Equal(t, data64(t, want.Value), data64(t, got.Value))
		require.Len(t, got.Params, 2)
		for _, p := range []string{"loc", "scale"} {
			assert.Equal(t, shapeOf(want.Params[p]), shapeOf(got.Params[p]), p)
			assert.Equal(t, data64(t, want.Params[p]), data64(t, got.Params[p]), p)
		}
	})
	out := []int{5, 2, 3, 4} // the base's log_prob
	for _, us := range [][]int{{5, 2}, {2}, {5, 1}, {}} {
		t.Run("vjp "+shapeString(us), func(t *testing.T) {
			t.Parallel()
			u := nonUniform(sizeOf(us))
			// Σ_lead u·Σ_event lp = Σ over the base's log_prob of u with
			// trailing singleton dims for the two reinterpreted dims.
			uEv := cat(us, []int{1, 1})
			f := func(x, loc, scale []float64) float64 { return normalSum(out, x, loc, scale, u, xs, ls, ss, uEv) }
			g, err := d.LogProbVJP(xt, must(tensor.New(u, us...)))
			require.NoError(t, err)
			wantX := centralDiff(func(v []float64) float64 { return f(v, loc, scale) }, x, 1e-5)
			wantLoc := centralDiff(func(v []float64) float64 { return f(x, v, scale) }, loc, 1e-5)
			wantScale := centralDiff(func(v []float64) float64 { return f(x, loc, v) }, scale, 1e-5)
			for _, w := range [][]float64{wantX, wantLoc, wantScale} {
				requireFinite(t, w)
			}
			require.Equal(t, xs, shapeOf(g.Value))
			require.Equal(t, ls, shapeOf(g.Params["loc"]))
			require.Equal(t, ss, shapeOf(g.Params["scale"]))
			close(t, wantX, data64(t, g.Value), gradTol, gradTol)
			close(t, wantLoc, data64(t, g.Params["loc"]), gradTol, gradTol)
			close(t, wantScale, data64(t, g.Params["scale"]), gradTol, gradTol)

			// The total, against Σ u·log_prob of the Independent itself.
			lp := data64(t, must(d.(distributions.Distribution).LogProb(xt)))
			ub := bcast(u, us, []int{5, 2})
			terms := make([]float64, len(lp))
			var want float64
			for i := range lp {
				terms[i] = ub[i] * lp[i]
				want += terms[i]
			}
			assert.InDelta(t, want, g.LogProb, 4*sumBound(terms)) // two sums of 12 and one of 10 terms
		})
	}
	t.Run("upstream errors", func(t *testing.T) {
		t.Parallel()
		_, err := d.LogProbVJP(xt, f64(1, 2, 3)) // (3) against log_prob (5, 2)
		require.ErrorIs(t, err, distributions.ErrShape)
		_, err = d.LogProbVJP(xt, must(tensor.Zeros[float64](5, 2, 3))) // (5, 2, 3) does not broadcast to log_prob's (5, 2)
		require.ErrorIs(t, err, distributions.ErrShape)
	})
}

// TestIndependentExpand: Expand of an Independent expands its base to the
// new batch + the reinterpreted dims, natively when the base can.
func TestIndependentExpand(t *testing.T) {
	t.Parallel()
	base := must(distributions.NewNormal(must(tensor.New(seq(-1, 1, 4), 1, 4)), s64(1.5))) // batch (1, 4)
	d := must(distributions.ToEvent(base, 1))                                              // batch (1), event (4)
	e, err := distributions.Expand(d, []int{2, 3})
	require.NoError(t, err)
	in, ok := e.(*distributions.Independent)
	require.True(t, ok, "got %T", e)
	assert.Equal(t, []int{2, 3}, in.BatchShape())
	assert.Equal(t, []int{4}, in.EventShape())
	assert.Equal(t, 1, in.ReinterpretedBatchNdims())
	nb, ok := in.Base().(*distributions.Normal)
	require.True(t, ok, "the base expands natively, got %T", in.Base())
	assert.Equal(t, []int{2, 3, 4}, nb.BatchShape())
	assert.Same(t, base.Loc(), nb.Loc())

	x := must(tensor.New(seq(-2, 2, 24), 2, 3, 4))
	lp := must(e.LogProb(x))
	require.Equal(t, []int{2, 3}, shapeOf(lp))
	baseLP := data64(t, must(base.LogProb(x))) // (2, 3, 4)
	for i, v := range data64(t, lp) {
		terms := baseLP[i*4 : (i+1)*4]
		var want float64
		for _, t := range terms {
			want += t
		}
		assert.InDelta(t, want, v, sumBound(terms))
	}
	s := must(e.Sample(rand.NewPCG(1, 1), 5))
	assert.Equal(t, []int{5, 2, 3, 4}, shapeOf(s))

	// Through the wrapper when the base cannot expand.
	o := must(distributions.ToEvent(opaque{base}, 1))
	oe, err := distributions.Expand(o, []int{2, 3})
	require.NoError(t, err)
	require.IsType(t, &distributions.Independent{}, oe)
	require.IsType(t, &distributions.Expanded{}, oe.(*distributions.Independent).Base())
	assert.Equal(t, []int{2, 3, 4}, oe.(*distributions.Independent).Base().BatchShape())
	assert.Equal(t, data64(t, lp), data64(t, must(oe.LogProb(x))))

	_, err = distributions.Expand(d, []int{})
	require.ErrorIs(t, err, distributions.ErrShape)
	_, err = d.(distributions.Expander).Expand([]int{-1})
	require.ErrorIs(t, err, distributions.ErrShape)
	wide := must(distributions.ToEvent(normal234(), 1)) // batch (2, 3), event (4)
	for _, to := range [][]int{{3}, {2, 4}, {4, 3}, {2, 3, 1}} {
		_, err = distributions.Expand(wide, to)
		require.ErrorIs(t, err, distributions.ErrShape, "to %v", to)
		_, err = wide.(distributions.Expander).Expand(to)
		require.ErrorIs(t, err, distributions.ErrShape, "to %v", to)
	}
}
