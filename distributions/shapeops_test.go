package distributions_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"
	"pgregory.net/rapid"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/enumerate"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// ---- test-only distributions ----

// opaque hides every method of the distribution it holds except the five of
// the Distribution interface: in particular a family's native Expand, so
// that Expand falls back to the Expanded wrapper (Pyro's mixin default for
// a distribution without a native expand).
type opaque struct{ distributions.Distribution }

// opaqueNormal is an opaque Normal that forwards RSample, the gradient,
// Mean and Variance, and nothing else (no StdDev, Mode or Entropy).
type opaqueNormal struct {
	opaque
	n *distributions.Normal
}

func newOpaqueNormal(loc, scale *tensor.Dense, opts ...distributions.Option) opaqueNormal {
	n := must(distributions.NewNormal(loc, scale, opts...))
	return opaqueNormal{opaque{n}, n}
}

func (o opaqueNormal) RSample(src rand.Source, s ...int) (*tensor.Dense, error) {
	return o.n.RSample(src, s...)
}
func (o opaqueNormal) LogProbGrad(x distributions.Value) (*distributions.Gradient, error) {
	return o.n.LogProbGrad(x)
}
func (o opaqueNormal) LogProbVJP(x, u distributions.Value) (*distributions.Gradient, error) {
	return o.n.LogProbVJP(x, u)
}
func (o opaqueNormal) Mean() (*tensor.Dense, error)     { return o.n.Mean() }
func (o opaqueNormal) Variance() (*tensor.Dense, error) { return o.n.Variance() }

// opaqueBernoulli is an opaque Bernoulli that forwards EnumerateSupport,
// the gradient, Mean and Variance.
type opaqueBernoulli struct {
	opaque
	b *distributions.Bernoulli
}

func newOpaqueBernoulli(probs *tensor.Dense) opaqueBernoulli {
	b := must(distributions.NewBernoulli(probs))
	return opaqueBernoulli{opaque{b}, b}
}

func (o opaqueBernoulli) EnumerateSupport(expand bool) (*enumerate.Support, error) {
	return o.b.EnumerateSupport(expand)
}
func (o opaqueBernoulli) LogProbGrad(x distributions.Value) (*distributions.Gradient, error) {
	return o.b.LogProbGrad(x)
}
func (o opaqueBernoulli) LogProbVJP(x, u distributions.Value) (*distributions.Gradient, error) {
	return o.b.LogProbVJP(x, u)
}
func (o opaqueBernoulli) Mean() (*tensor.Dense, error)     { return o.b.Mean() }
func (o opaqueBernoulli) Variance() (*tensor.Dense, error) { return o.b.Variance() }

// The test types must not expand natively, or the wrapper goes untested.
func TestOpaqueHidesExpand(t *testing.T) {
	t.Parallel()
	for _, d := range []distributions.Distribution{
		opaque{must(distributions.NewNormal(s64(0), s64(1)))},
		newOpaqueNormal(s64(0), s64(1)),
		newOpaqueBernoulli(s64(0.5)),
	} {
		_, ok := d.(distributions.Expander)
		assert.False(t, ok, "%T expands natively", d)
	}
}

// ---- small helpers of the shape-operation tests ----

// cat is tuple concatenation of shapes, never nil.
func cat(shapes ...[]int) []int {
	out := []int{}
	for _, s := range shapes {
		out = append(out, s...)
	}
	return out
}

// floats64 is data64 for a rapid.T (or any require.TestingT).
func floats64(t require.TestingT, v tensor.Value) []float64 {
	require.NotNil(t, v)
	d, err := tensor.Float64s(v)
	require.NoError(t, err)
	return d
}

// normalSum is Σ u·log N(x | μ, σ) with x, loc, scale and u (nil: ones)
// broadcast to out by the tests' bcast, from gonum: the oracle that finite
// differences differentiate.
func normalSum(out []int, x, loc, scale, u []float64, xs, ls, ss, us []int) float64 {
	xb, mb, sb := bcast(x, xs, out), bcast(loc, ls, out), bcast(scale, ss, out)
	var ub []float64
	if u != nil {
		ub = bcast(u, us, out)
	}
	var s float64
	for i := range xb {
		lp := distuv.Normal{Mu: mb[i], Sigma: sb[i]}.LogProb(xb[i])
		if ub != nil {
			lp *= ub[i]
		}
		s += lp
	}
	return s
}

// sumBound bounds the difference of two float64 sums of the same n terms,
// added in different orders and each term rounded differently (a few ulps):
// each sum is within (n-1)·ε·Σ|t| of the exact one, each term within 4ε|t|.
func sumBound(terms []float64) float64 {
	var a float64
	for _, v := range terms {
		a += math.Abs(v)
	}
	return float64(2*len(terms)+8) * 0x1p-52 * a
}

// nonUniform returns n upstream weights of varying sign and size, none 0.
func nonUniform(n int) []float64 {
	u := seq(-2, 1.5, n)
	for i := range u {
		u[i] += 0.1
		if u[i] == 0 {
			u[i] = 0.05
		}
	}
	return u
}

// ---- Expand and ExpandBy ----

func TestExpandShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		batch     []int // the base's
		expandBy  []int // non-nil: ExpandBy(expandBy), else Expand(to)
		to        []int
		wantBatch []int
	}{
		{name: "scalar to (3)", batch: []int{}, to: []int{3}, wantBatch: []int{3}},
		{name: "same shape", batch: []int{2, 3}, to: []int{2, 3}, wantBatch: []int{2, 3}},
		{name: "prepend", batch: []int{3}, to: []int{5, 2, 3}, wantBatch: []int{5, 2, 3}},
		{name: "grow interstitial", batch: []int{3, 1}, to: []int{2, 3, 4}, wantBatch: []int{2, 3, 4}},
		{name: "grow leading 1", batch: []int{1, 3}, to: []int{4, 3}, wantBatch: []int{4, 3}},
		{name: "to a zero size", batch: []int{1}, to: []int{0}, wantBatch: []int{0}},
		{name: "expand_by ()", batch: []int{2, 3}, expandBy: []int{}, wantBatch: []int{2, 3}},
		{name: "expand_by (4, 5)", batch: []int{3, 1}, expandBy: []int{4, 5}, wantBatch: []int{4, 5, 3, 1}},
		{name: "expand_by on a scalar", batch: []int{}, expandBy: []int{2}, wantBatch: []int{2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			n := sizeOf(tc.batch)
			loc := must(tensor.New(seq(-1, 1, n), tc.batch...))
			probs := must(tensor.New(seq(0.1, 0.9, n), tc.batch...))
			for _, d := range []distributions.Distribution{
				must(distributions.NewNormal(loc, s64(1))),
				must(distributions.NewBernoulli(probs)),
				opaque{must(distributions.NewNormal(loc, s64(1)))},
			} {
				var (
					e   distributions.Distribution
					err error
				)
				if tc.expandBy != nil {
					e, err = distributions.ExpandBy(d, tc.expandBy)
				} else {
					e, err = distributions.Expand(d, tc.to)
				}
				require.NoError(t, err, "%T", d)
				assert.Equal(t, tc.wantBatch, e.BatchShape(), "%T", d)
				assert.Equal(t, []int{}, e.EventShape(), "%T", d)
				assert.Equal(t, d.Dtype(), e.Dtype())
				assert.Equal(t, tc.batch, d.BatchShape(), "%T: the base must not change", d)
				assert.Equal(t, cat([]int{7}, tc.wantBatch), distributions.Shape(e, 7))
			}
		})
	}
}

func TestExpandErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		batch    []int
		to       []int // Expand(to), unless expandBy is set
		expandBy []int
	}{
		{name: "(3) to (4)", batch: []int{3}, to: []int{4}},
		{name: "(2,3) to (3): fewer dims", batch: []int{2, 3}, to: []int{3}},
		{name: "(3) to (3,1): never unexpand", batch: []int{3}, to: []int{3, 1}},
		{name: "(2,3) to (2,1)", batch: []int{2, 3}, to: []int{2, 1}},
		{name: "(3) to ()", batch: []int{3}, to: []int{}},
		{name: "negative size", batch: []int{3}, to: []int{-1, 3}},
		{name: "expand_by a negative size", batch: []int{3}, expandBy: []int{2, -2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			n := sizeOf(tc.batch)
			loc := must(tensor.New(seq(-1, 1, n), tc.batch...))
			for _, d := range []distributions.Distribution{
				must(distributions.NewNormal(loc, s64(1))),
				must(distributions.NewBernoulli(must(tensor.New(seq(0.1, 0.9, n), tc.batch...)))),
				opaque{must(distributions.NewNormal(loc, s64(1)))},
			} {
				var (
					e   distributions.Distribution
					err error
				)
				if tc.expandBy != nil {
					e, err = distributions.ExpandBy(d, tc.expandBy)
				} else {
					e, err = distributions.Expand(d, tc.to)
				}
				require.ErrorIs(t, err, distributions.ErrShape, "%T", d)
				assert.Nil(t, e)
				// The native methods check too, when called directly.
				if x, ok := d.(distributions.Expander); ok && tc.expandBy == nil {
					_, err := x.Expand(tc.to)
					require.ErrorIs(t, err, distributions.ErrShape, "%T.Expand", d)
				}
			}
		})
	}
	t.Run("re-expanding an Expanded", func(t *testing.T) {
		t.Parallel()
		d := opaque{must(distributions.NewNormal(sh(f64(1, 2, 3), 3, 1), s64(1)))}
		e := must(distributions.Expand(d, []int{2, 3, 4}))
		// (3, 4) would be a valid expansion of the base's (3, 1), but not of
		// the (2, 3, 4) it was expanded to: never unexpand.
		_, err := distributions.Expand(e, []int{3, 4})
		require.ErrorIs(t, err, distributions.ErrShape)
		_, err = distributions.Expand(e, []int{2, 3, 5})
		require.ErrorIs(t, err, distributions.ErrShape)
		_, err = e.(distributions.Expander).Expand([]int{3, 4})
		require.ErrorIs(t, err, distributions.ErrShape)
	})
}

// TestExpandNative: Normal and Bernoulli expand to the same concrete type
// over the very same parameter arrays (torch's .expand views), keeping the
// validation flag.
func TestExpandNative(t *testing.T) {
	t.Parallel()
	t.Run("Normal", func(t *testing.T) {
		t.Parallel()
		loc, scale := sh(f64(-1, 0, 2), 3, 1), f64(0.5, 1, 2, 4)
		d := must(distributions.NewNormal(loc, scale))
		e, err := distributions.Expand(d, []int{2, 3, 4})
		require.NoError(t, err)
		n, ok := e.(*distributions.Normal)
		require.True(t, ok, "got %T", e)
		assert.NotSame(t, d, n)
		assert.Same(t, d.Loc(), n.Loc())
		assert.Same(t, d.Scale(), n.Scale())
		assert.Equal(t, []int{3, 1}, shapeOf(n.Loc()), "parameters keep their own shape")
		assert.Equal(t, []int{2, 3, 4}, n.BatchShape())
		assert.Equal(t, []int{3, 4}, d.BatchShape())

		by, err := distributions.ExpandBy(d, []int{5})
		require.NoError(t, err)
		require.IsType(t, &distributions.Normal{}, by)
		assert.Same(t, d.Loc(), by.(*distributions.Normal).Loc())

		// Moments of the expanded batch are the base's, broadcast.
		m := must(n.Mean())
		assert.Equal(t, []int{2, 3, 4}, shapeOf(m))
		assert.Equal(t, bcast(data64(t, loc), []int{3, 1}, []int{2, 3, 4}), data64(t, m))
	})
	t.Run("Bernoulli probs and logits", func(t *testing.T) {
		t.Parallel()
		for _, logits := range []bool{false, true} {
			var d *distributions.Bernoulli
			if logits {
				d = must(distributions.NewBernoulliLogits(f64(-1, 0.5, 3)))
			} else {
				d = must(distributions.NewBernoulli(f64(0.1, 0.5, 0.8)))
			}
			e, err := distributions.Expand(d, []int{4, 3})
			require.NoError(t, err)
			b, ok := e.(*distributions.Bernoulli)
			require.True(t, ok, "got %T", e)
			if logits {
				assert.Same(t, d.Logits(), b.Logits())
			} else {
				assert.Same(t, d.Probs(), b.Probs())
			}
			assert.Equal(t, []int{4, 3}, b.BatchShape())
			// log_prob at x = 1 is the base's at every row.
			lp := must(b.LogProb(s64(1)))
			want := data64(t, must(d.LogProb(s64(1))))
			assert.Equal(t, bcast(want, []int{3}, []int{4, 3}), data64(t, lp))
			// The expanded enumerated support has the expanded batch.
			s := must(b.EnumerateSupport(false))
			assert.Equal(t, []int{2, 1, 1}, shapeOf(s))
			s = must(b.EnumerateSupport(true))
			assert.Equal(t, []int{2, 4, 3}, shapeOf(s))
		}
	})
	t.Run("validation flag is kept", func(t *testing.T) {
		t.Parallel()
		on := must(distributions.NewNormal(f64(0, 1), s64(1), distributions.WithValidation(true)))
		off := must(distributions.NewNormal(f64(0, 1), s64(1), distributions.WithValidation(false)))
		x := f64(math.NaN(), 0)
		e := must(distributions.Expand(on, []int{3, 2}))
		_, err := e.LogProb(x)
		require.ErrorIs(t, err, distributions.ErrSupport)
		e = must(distributions.Expand(off, []int{3, 2}))
		lp, err := e.LogProb(x)
		require.NoError(t, err)
		assert.True(t, math.IsNaN(data64(t, lp)[0]))
	})
}

// TestExpandNativeAllocs expands to a batch of 30 and of 3e6 elements: a
// native Expand shares the parameters, so neither the number of
// allocations nor the bytes allocated grow with the batch. Not parallel:
// AllocsPerRun and MemStats count every goroutine's allocations.
func TestExpandNativeAllocs(t *testing.T) {
	normal := must(distributions.NewNormal(f64(-1, 0, 1), s64(2)))
	bern := must(distributions.NewBernoulli(f64(0.1, 0.5, 0.9)))
	small, big := []int{10, 3}, []int{1_000_000, 3}
	for _, d := range []distributions.Distribution{normal, bern} {
		expand := func(batch []int) func() {
			return func() {
				if _, err := distributions.Expand(d, batch); err != nil {
					panic(err)
				}
			}
		}
		nSmall := testing.AllocsPerRun(100, expand(small))
		nBig := testing.AllocsPerRun(100, expand(big))
		assert.Equal(t, nSmall, nBig, "%T: allocations grow with the batch", d)
		assert.LessOrEqual(t, nBig, 8.0, "%T", d) // measured 3 (the struct, the batch copy, the interface); a loose cap, the equality above is the test

		const runs = 100
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		f := expand(big)
		for range runs {
			f()
		}
		runtime.ReadMemStats(&after)
		perOp := (after.TotalAlloc - before.TotalAlloc) / runs
		// A copy of a parameter broadcast to the batch would be 24 MB.
		assert.Less(t, perOp, uint64(4096), "%T: bytes per Expand", d)
		t.Logf("%T: %.0f allocs, %d bytes per Expand to %v", d, nBig, perOp, big)
	}
}

// expansionOf draws a batch shape that batch expands to: 0-2 new leading
// dims, and each size-1 dim of batch grown to 1-3 (or kept).
func expansionOf(t *rapid.T, batch []int, grow bool) []int {
	lead := rapid.SliceOfN(rapid.IntRange(1, 3), 0, 2).Draw(t, "lead")
	to := slices.Clone(batch)
	if grow {
		for i, d := range to {
			if d == 1 {
				to[i] = rapid.IntRange(1, 3).Draw(t, "grown")
			}
		}
	}
	return cat(lead, to)
}

// randomBase returns a Normal, a Bernoulli (probs) or a Bernoulli (logits)
// of batch shape batch and dtype float64 or float32, with parameters drawn
// from r (and, for Normal, a scale of shape () or batch).
func randomBase(t *rapid.T, batch []int, r *rand.Rand) distributions.Distribution {
	n := sizeOf(batch)
	fill := func(lo, hi float64) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = lo + (hi-lo)*r.Float64()
		}
		return v
	}
	single := rapid.Bool().Draw(t, "float32")
	arr := func(v []float64, shp ...int) *tensor.Dense {
		d := must(tensor.New(v, shp...))
		if single {
			return to32(d)
		}
		return d
	}
	switch rapid.IntRange(0, 2).Draw(t, "family") {
	case 0:
		scale := arr([]float64{0.5 + r.Float64()})
		if rapid.Bool().Draw(t, "batched scale") {
			scale = arr(fill(0.5, 2), batch...)
		}
		return must(distributions.NewNormal(arr(fill(-2, 2), batch...), scale))
	case 1:
		return must(distributions.NewBernoulli(arr(fill(0.05, 0.95), batch...)))
	}
	return must(distributions.NewBernoulliLogits(arr(fill(-3, 3), batch...)))
}

// checkExpandedLogProb samples e (an expansion of d) with sample shape
// sample and requires log_prob's shape to be sample + e's batch and its values
// the base's at the same values, broadcast, bit for bit: log_prob is
// evaluated once, by the base's own kernel.
func checkExpandedLogProb(t *rapid.T, d, e distributions.Distribution, sample []int, seed uint64) {
	x, err := e.Sample(rand.NewPCG(seed, 1), sample...)
	require.NoError(t, err)
	require.Equal(t, distributions.Shape(e, sample...), shapeOf(x))
	require.Equal(t, d.Dtype(), x.Dtype())
	lp, err := e.LogProb(x)
	require.NoError(t, err)
	require.Equal(t, cat(sample, e.BatchShape()), shapeOf(lp))
	require.Equal(t, d.Dtype(), lp.Dtype())
	want, err := d.LogProb(x)
	require.NoError(t, err)
	require.Equal(t, floats64(t, want), floats64(t, lp))
	for i, v := range floats64(t, lp) {
		require.False(t, math.IsNaN(v) || math.IsInf(v, 0), "log_prob[%d] = %v", i, v)
	}
}

// TestExpandByLogProbProperty: for random batch shapes b and sample shapes
// s, LogProb(ExpandBy(d, s).Sample(src, sample...)) has shape sample + s +
// b and equals d's log_prob of the same values; natively and through the
// Expanded wrapper.
func TestExpandByLogProbProperty(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		batch := rapid.SliceOfN(rapid.IntRange(1, 3), 0, 3).Draw(t, "batch")
		s := rapid.SliceOfN(rapid.IntRange(1, 3), 0, 2).Draw(t, "expand_by")
		sample := rapid.SliceOfN(rapid.IntRange(1, 3), 0, 2).Draw(t, "sample")
		seed := rapid.Uint64().Draw(t, "seed")
		d := randomBase(t, batch, rand.New(rand.NewPCG(seed, 2)))
		if rapid.Bool().Draw(t, "opaque") {
			d = opaque{d}
		}
		e, err := distributions.ExpandBy(d, s)
		require.NoError(t, err)
		require.Equal(t, cat(s, batch), e.BatchShape())
		if _, ok := d.(opaque); ok {
			require.IsType(t, &distributions.Expanded{}, e)
		} else {
			require.Equal(t, reflect.TypeOf(d), reflect.TypeOf(e))
		}
		checkExpandedLogProb(t, d, e, sample, seed)
	})
}

// TestExpandLogProbProperty is the same for Expand, which also grows the
// base's size-1 dims, over bases with 0 or more event dims (an Independent
// expands natively; hidden, through the wrapper).
func TestExpandLogProbProperty(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		full := rapid.SliceOfN(rapid.IntRange(1, 3), 0, 3).Draw(t, "batch+event")
		k := rapid.IntRange(0, len(full)).Draw(t, "event dims")
		batch := full[:len(full)-k]
		to := expansionOf(t, batch, true)
		sample := rapid.SliceOfN(rapid.IntRange(1, 3), 0, 2).Draw(t, "sample")
		seed := rapid.Uint64().Draw(t, "seed")
		d := must(distributions.ToEvent(randomBase(t, full, rand.New(rand.NewPCG(seed, 2))), k))
		if rapid.Bool().Draw(t, "opaque") {
			d = opaque{d}
		}
		e, err := distributions.Expand(d, to)
		require.NoError(t, err)
		require.Equal(t, to, e.BatchShape())
		require.Equal(t, full[len(full)-k:], e.EventShape())
		checkExpandedLogProb(t, d, e, sample, seed)
	})
}

// opaqueRSampler is opaque plus the RSample of the distribution it holds.
type opaqueRSampler struct{ opaque }

func (o opaqueRSampler) RSample(src rand.Source, s ...int) (*tensor.Dense, error) {
	return o.Distribution.(distributions.RSampler).RSample(src, s...)
}

// TestExpandedSampleLayoutProperty checks where the wrapper puts each draw:
// a Normal of small scale over locs 10 apart draws loc+O(1e-4), so the
// nearest loc tells which base element each position of the expanded
// sample came from, and positions that share a base element (replicas)
// must hold different draws. (A scale of 1e-9 made replicas collide by
// rounding: near loc = 170 it resolves ε only to 3e-5, and 81 replicas
// then share a value a few times in a hundred.) The base may have event dims (a Normal under
// ToEvent), which the wrapper moves as whole rows.
func TestExpandedSampleLayoutProperty(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		full := rapid.SliceOfN(rapid.IntRange(1, 3), 0, 3).Draw(t, "batch+event")
		k := rapid.IntRange(0, len(full)).Draw(t, "event dims")
		batch, event := full[:len(full)-k], full[len(full)-k:]
		to := expansionOf(t, batch, true)
		sample := rapid.SliceOfN(rapid.IntRange(1, 3), 0, 2).Draw(t, "sample")
		rsample := rapid.Bool().Draw(t, "rsample")
		n := sizeOf(full)
		locs := make([]float64, n)
		for i := range locs {
			locs[i] = float64(10 * i)
		}
		inner := must(distributions.ToEvent(must(distributions.NewNormal(must(tensor.New(locs, full...)), s64(1e-4))), k))
		e, err := distributions.Expand(opaqueRSampler{opaque{inner}}, to)
		require.NoError(t, err)
		require.IsType(t, &distributions.Expanded{}, e)
		var x *tensor.Dense
		if rsample {
			x, err = e.(distributions.RSampler).RSample(rand.NewPCG(3, 4), sample...)
		} else {
			x, err = e.Sample(rand.NewPCG(3, 4), sample...)
		}
		require.NoError(t, err)
		out := cat(sample, to, event)
		require.Equal(t, out, shapeOf(x))
		got := floats64(t, x)
		want := bcast(locs, full, out)
		seen := map[float64]bool{}
		for i := range got {
			require.InDelta(t, want[i], got[i], 1e-2, "position %v", unravelIndex(i, out)) // |1e-4·ε| < 1e-2: the nearest loc
			require.False(t, seen[got[i]], "position %v repeats a draw", unravelIndex(i, out))
			seen[got[i]] = true
		}
	})
}

// ---- the Expanded wrapper ----

func TestExpandedWrapper(t *testing.T) {
	t.Parallel()
	loc, scale := sh(f64(-4, 0, 4), 3, 1), sh(f64(0.5, 1, 2), 3, 1)
	base := newOpaqueNormal(loc, scale)
	e, err := distributions.Expand(base, []int{2, 3, 4})
	require.NoError(t, err)
	x, ok := e.(*distributions.Expanded)
	require.True(t, ok, "got %T", e)

	t.Run("shapes and flags", func(t *testing.T) {
		t.Parallel()
		assert.Equal(t, []int{2, 3, 4}, x.BatchShape())
		assert.Equal(t, []int{}, x.EventShape())
		assert.Equal(t, tensor.Float64, x.Dtype())
		assert.Equal(t, base, x.Base())
		assert.True(t, distributions.HasRSample(x))
		assert.False(t, distributions.HasEnumerateSupport(x))

		b := must(distributions.Expand(newOpaqueBernoulli(f64(0.2, 0.5, 0.7)), []int{2, 3}))
		assert.False(t, distributions.HasRSample(b))
		assert.True(t, distributions.HasEnumerateSupport(b))
		_, err := b.(distributions.RSampler).RSample(rand.NewPCG(1, 2))
		require.ErrorIs(t, err, distributions.ErrUnsupported)
	})
	t.Run("re-expanding wraps the base once", func(t *testing.T) {
		t.Parallel()
		f, err := distributions.Expand(x, []int{5, 2, 3, 4})
		require.NoError(t, err)
		require.IsType(t, &distributions.Expanded{}, f)
		assert.Equal(t, []int{5, 2, 3, 4}, f.BatchShape())
		assert.Equal(t, base, f.(*distributions.Expanded).Base(), "Expanded of Expanded")
		g, err := distributions.ExpandBy(x, []int{6})
		require.NoError(t, err)
		assert.Equal(t, []int{6, 2, 3, 4}, g.BatchShape())
		assert.Equal(t, base, g.(*distributions.Expanded).Base())
	})
	t.Run("log_prob is the base's, broadcast", func(t *testing.T) {
		t.Parallel()
		for _, v := range []*tensor.Dense{
			f64(-1, 0, 1, 2), // (4)
			must(tensor.New(seq(-5, 5, 24), 2, 3, 4)), // the full batch
			sh(f64(0.5, 1.5, -3, 7, 9), 5, 1, 1, 1),   // sample dims
			s64(0.25),
		} {
			lp, err := x.LogProb(v)
			require.NoError(t, err)
			out := cat(shapeOf(v)[:max(0, len(shapeOf(v))-3)], []int{2, 3, 4})
			require.Equal(t, out, shapeOf(lp), "value %v", shapeOf(v))
			want := normalSumTerms(out, data64(t, v), data64(t, loc), data64(t, scale), shapeOf(v), []int{3, 1}, []int{3, 1})
			close(t, want, data64(t, lp), tol64, 0)
			inner := must(base.LogProb(v))
			assert.Equal(t, bcast(data64(t, inner), shapeOf(inner), out), data64(t, lp))
		}
		_, err := x.LogProb(f64(1, 2, 3, 4, 5))
		require.ErrorIs(t, err, distributions.ErrShape)
		_, err = x.LogProb(must(tensor.Zeros[float64](3, 3, 4))) // (3,3,4) against (2,3,4)
		require.ErrorIs(t, err, distributions.ErrShape)
		_, err = x.LogProb(nil)
		require.ErrorIs(t, err, distributions.ErrShape)
	})
	t.Run("sample shapes", func(t *testing.T) {
		t.Parallel()
		for _, s := range [][]int{{}, {5}, {5, 2}, {0}} {
			v, err := x.Sample(rand.NewPCG(1, 2), s...)
			require.NoError(t, err)
			assert.Equal(t, cat(s, []int{2, 3, 4}), shapeOf(v))
			r, err := x.RSample(rand.NewPCG(1, 2), s...)
			require.NoError(t, err)
			// Normal's RSample is its Sample: the same seed, the same layout.
			assert.Equal(t, data64(t, v), data64(t, r))
		}
		_, err := x.Sample(rand.NewPCG(1, 2), -1)
		require.ErrorIs(t, err, distributions.ErrShape)
		_, err = x.Sample(nil)
		require.ErrorIs(t, err, distributions.ErrNilSource)
	})
	t.Run("mean and variance broadcast", func(t *testing.T) {
		t.Parallel()
		m, err := x.Mean()
		require.NoError(t, err)
		assert.Equal(t, []int{2, 3, 4}, shapeOf(m))
		assert.Equal(t, bcast(data64(t, loc), []int{3, 1}, []int{2, 3, 4}), data64(t, m))
		v, err := x.Variance()
		require.NoError(t, err)
		assert.Equal(t, []int{2, 3, 4}, shapeOf(v))
		assert.Equal(t, bcast([]float64{0.25, 1, 4}, []int{3, 1}, []int{2, 3, 4}), data64(t, v))
		_, err = x.StdDev() // opaqueNormal does not forward StdDev
		require.ErrorIs(t, err, distributions.ErrUnsupported)
	})
	t.Run("score parts broadcast", func(t *testing.T) {
		t.Parallel()
		v := f64(-1, 0, 1, 2)
		lp := data64(t, must(x.LogProb(v)))
		p, err := distributions.ScorePartsOf(x, v)
		require.NoError(t, err)
		assert.Equal(t, lp, data64(t, p.LogProb))
		assert.Equal(t, []int{2, 3, 4}, shapeOf(p.LogProb))
		assert.Equal(t, lp, data64(t, p.EntropyTerm))
		assert.Equal(t, []int{}, shapeOf(p.ScoreFunction), "the constant 0 stays a scalar")
		assert.Equal(t, []float64{0}, data64(t, p.ScoreFunction))

		b := must(distributions.Expand(newOpaqueBernoulli(f64(0.2, 0.5, 0.7)), []int{2, 3}))
		q, err := distributions.ScorePartsOf(b, f64(1, 0, 1))
		require.NoError(t, err)
		blp := data64(t, must(b.LogProb(f64(1, 0, 1))))
		assert.Equal(t, []int{2, 3}, shapeOf(q.LogProb))
		assert.Equal(t, blp, data64(t, q.LogProb))
		assert.Equal(t, blp, data64(t, q.ScoreFunction))
		assert.Equal(t, []float64{0}, data64(t, q.EntropyTerm))
		assert.Equal(t, []int{}, shapeOf(q.EntropyTerm))
	})
}

// normalSumTerms is log N(x | μ, σ) at every element of out, from gonum.
func normalSumTerms(out []int, x, loc, scale []float64, xs, ls, ss []int) []float64 {
	xb, mb, sb := bcast(x, xs, out), bcast(loc, ls, out), bcast(scale, ss, out)
	want := make([]float64, len(xb))
	for i := range want {
		want[i] = distuv.Normal{Mu: mb[i], Sigma: sb[i]}.LogProb(xb[i])
	}
	return want
}

// TestExpandedSampleMoments expands a Normal of batch (3, 1) to (2, 3, 4)
// through the wrapper and draws 1e4 samples (as a (100, 100) sample shape):
// at each of the 24 positions the sample mean and variance are the base
// element's within 6 standard errors, and every pair of positions, replicas
// of one base element included, is uncorrelated within 6/√n. A wrapper that
// copied one draw to its replicas would have correlation 1.
func TestExpandedSampleMoments(t *testing.T) {
	t.Parallel()
	locs, scales := []float64{-4, 0, 4}, []float64{0.5, 1, 2}
	base := newOpaqueNormal(sh(f64(locs...), 3, 1), sh(f64(scales...), 3, 1))
	e := must(distributions.Expand(base, []int{2, 3, 4}))
	require.IsType(t, &distributions.Expanded{}, e)
	for _, rs := range []bool{false, true} {
		var (
			v   *tensor.Dense
			err error
		)
		if rs {
			v, err = e.(distributions.RSampler).RSample(rand.NewPCG(11, 12), 100, 100)
		} else {
			v, err = e.Sample(rand.NewPCG(11, 12), 100, 100)
		}
		require.NoError(t, err)
		require.Equal(t, []int{100, 100, 2, 3, 4}, shapeOf(v))
		data := data64(t, v)
		const m, n = 24, 10_000
		for k := range 100 { // different positions of one draw differ
			row := data[k*m : (k+1)*m]
			require.Len(t, distinct(row), m, "draw %d repeats a value: %v", k, row)
		}
		mom := make([]sampleMoments, m)
		for j := range m {
			i := unravelIndex(j, []int{2, 3, 4})[1] // the base element
			mom[j] = columnMoments(data, j, m)
			seMean := scales[i] / math.Sqrt(n)
			assert.InDelta(t, locs[i], mom[j].mean, 6*seMean, "mean at %v", unravelIndex(j, []int{2, 3, 4}))
			seVar := math.Sqrt((mom[j].m4 - mom[j].m2*mom[j].m2) / n)
			assert.InDelta(t, scales[i]*scales[i], mom[j].m2, 6*seVar, "variance at %v", unravelIndex(j, []int{2, 3, 4}))
		}
		maxR := 0.0
		for a := range m {
			for b := a + 1; b < m; b++ {
				var c float64
				for k := range n {
					c += (data[k*m+a] - mom[a].mean) * (data[k*m+b] - mom[b].mean)
				}
				r := c / n / math.Sqrt(mom[a].m2*mom[b].m2)
				maxR = max(maxR, math.Abs(r))
				assert.Less(t, math.Abs(r), 6/math.Sqrt(n), "correlation of %v and %v",
					unravelIndex(a, []int{2, 3, 4}), unravelIndex(b, []int{2, 3, 4}))
			}
		}
		t.Logf("rsample %v: max |correlation| over 276 pairs %.3g (6/√n = %.3g)", rs, maxR, 6/math.Sqrt(n))
	}
}

// TestExpandedEnumerateSupport: the base's values along dim 0, then
// (1,)*len(batch) or the expanded batch; the same for a native expansion.
func TestExpandedEnumerateSupport(t *testing.T) {
	t.Parallel()
	probs := f64(0.2, 0.5, 0.7)
	for _, d := range []distributions.Distribution{newOpaqueBernoulli(probs), must(distributions.NewBernoulli(probs))} {
		e := must(distributions.Expand(d, []int{2, 3}))
		se, ok := e.(distributions.SupportEnumerator)
		require.True(t, ok, "%T", e)
		for _, expand := range []bool{false, true} {
			s, err := se.EnumerateSupport(expand)
			require.NoError(t, err)
			want := []int{2, 1, 1}
			if expand {
				want = []int{2, 2, 3}
			}
			require.Equal(t, want, shapeOf(s), "%T expand=%v", d, expand)
			require.Equal(t, tensor.Float64, s.Dtype())
			assert.Equal(t, 2, s.K())
			half := sizeOf(want) / 2
			vals := make([]float64, 2*half)
			for i := half; i < 2*half; i++ {
				vals[i] = 1
			}
			assert.Equal(t, vals, data64(t, s))
			// Scoring the support gives log(1-p) then log p over the batch.
			lp, err := e.LogProb(s)
			require.NoError(t, err)
			require.Equal(t, cat([]int{2}, []int{2, 3}), shapeOf(lp))
			p := bcast(data64(t, probs), []int{3}, []int{2, 3})
			wantLP := make([]float64, 0, 12)
			for _, q := range p {
				wantLP = append(wantLP, math.Log1p(-q))
			}
			for _, q := range p {
				wantLP = append(wantLP, math.Log(q))
			}
			close(t, wantLP, data64(t, lp), tol64, 0)
		}
	}
	n := must(distributions.Expand(newOpaqueNormal(s64(0), s64(1)), []int{3}))
	_, err := n.(distributions.SupportEnumerator).EnumerateSupport(false)
	require.ErrorIs(t, err, distributions.ErrUnsupported)
}

// TestExpandedLogProbVJP: the wrapper's gradient equals the central
// differences of Σ upstream·log_prob over the expanded batch, with the
// value (3, 4) and loc and scale (3, 1) broadcast to (2, 3, 4); the native
// expansion agrees.
func TestExpandedLogProbVJP(t *testing.T) {
	t.Parallel()
	out := []int{2, 3, 4}
	xs, ps := []int{3, 4}, []int{3, 1}
	x := seq(-2.5, 3, 12)
	loc, scale := []float64{-1, 0.25, 1}, []float64{0.7, 1.3, 2}
	for _, us := range [][]int{nil, {2, 3, 4}, {3, 1}, {2, 1, 4}, {}} {
		var u []float64
		if us != nil {
			u = nonUniform(sizeOf(us))
		}
		name := "grad"
		if us != nil {
			name = "vjp " + shapeString(us)
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			xt := must(tensor.New(x, xs...))
			var ut *tensor.Dense
			if us != nil {
				ut = must(tensor.New(u, us...))
			}
			f := func(x, loc, scale []float64) float64 { return normalSum(out, x, loc, scale, u, xs, ps, ps, us) }
			wantX := centralDiff(func(v []float64) float64 { return f(v, loc, scale) }, x, 1e-5)
			wantLoc := centralDiff(func(v []float64) float64 { return f(x, v, scale) }, loc, 1e-5)
			wantScale := centralDiff(func(v []float64) float64 { return f(x, loc, v) }, scale, 1e-5)
			for _, w := range [][]float64{wantX, wantLoc, wantScale} {
				requireFinite(t, w)
			}
			wantSum := f(x, loc, scale)
			lt, st := must(tensor.New(loc, ps...)), must(tensor.New(scale, ps...))
			for _, d := range []distributions.Distribution{newOpaqueNormal(lt, st), must(distributions.NewNormal(lt, st))} {
				e := must(distributions.Expand(d, out)).(distributions.LogProbGrader)
				var (
					g   *distributions.Gradient
					err error
				)
				if us == nil {
					g, err = e.LogProbGrad(xt)
				} else {
					g, err = e.LogProbVJP(xt, ut)
				}
				require.NoError(t, err)
				terms := normalSumTerms(out, x, loc, scale, xs, ps, ps)
				if u != nil {
					ub := bcast(u, us, out)
					for i := range terms {
						terms[i] *= ub[i]
					}
				}
				assert.InDelta(t, wantSum, g.LogProb, sumBound(terms), "%T", d)
				require.Equal(t, xs, shapeOf(g.Value))
				require.Equal(t, ps, shapeOf(g.Params["loc"]))
				require.Equal(t, ps, shapeOf(g.Params["scale"]))
				close(t, wantX, data64(t, g.Value), gradTol, gradTol)
				close(t, wantLoc, data64(t, g.Params["loc"]), gradTol, gradTol)
				close(t, wantScale, data64(t, g.Params["scale"]), gradTol, gradTol)
			}
		})
	}
	t.Run("errors", func(t *testing.T) {
		t.Parallel()
		e := must(distributions.Expand(newOpaqueNormal(sh(f64(0, 1, 2), 3, 1), s64(1)), out)).(distributions.LogProbGrader)
		_, err := e.LogProbVJP(f64(1, 2, 3, 4), f64(1, 2, 3)) // upstream (3) vs log_prob (2,3,4)
		require.ErrorIs(t, err, distributions.ErrShape)
		_, err = e.LogProbVJP(f64(1, 2, 3), nil) // value (3) vs batch (2,3,4)
		require.ErrorIs(t, err, distributions.ErrShape)
		_, err = e.LogProbVJP(f64(1, 2, 3, 4), f32(1, 2, 3, 4)) // as the families: a dtype error
		require.ErrorIs(t, err, distributions.ErrDType)
		// A base without a gradient: the wrapper says so.
		o := must(distributions.Expand(opaque{must(distributions.NewNormal(s64(0), s64(1)))}, []int{3}))
		_, err = o.(distributions.LogProbGrader).LogProbGrad(s64(0))
		require.ErrorIs(t, err, distributions.ErrUnsupported)
	})
}

// shapeString formats a shape for a subtest name.
func shapeString(s []int) string { return fmt.Sprint(s) }
