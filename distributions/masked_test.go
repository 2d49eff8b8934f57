package distributions_test

import (
	"math"
	"math/rand/v2"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Masked has every capability it forwards, whatever its base.
var (
	_ distributions.RSampler          = (*distributions.Masked)(nil)
	_ distributions.LogProbGrader     = (*distributions.Masked)(nil)
	_ distributions.SupportEnumerator = (*distributions.Masked)(nil)
	_ distributions.ScorePartser      = (*distributions.Masked)(nil)
	_ distributions.Expander          = (*distributions.Masked)(nil)
)

// mask returns a bool array of shape shp over v.
func mask(v []bool, shp ...int) *tensor.Dense { return must(tensor.New(v, shp...)) }

// countingDist counts the LogProb calls of the distribution it holds.
type countingDist struct {
	distributions.Distribution
	calls *atomic.Int64
}

func (c countingDist) LogProb(x distributions.Value) (*tensor.Dense, error) {
	c.calls.Add(1)
	return c.Distribution.LogProb(x)
}

func TestMaskLogProb(t *testing.T) {
	t.Parallel()
	t.Run("masked entries are exactly 0", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewNormal(f64(0, 1, 2, 3), f64(1, 0.5, 2, 1)))
		m := mask([]bool{true, false, true, false}, 4)
		md, err := distributions.Mask(d, m)
		require.NoError(t, err)
		require.IsType(t, &distributions.Masked{}, md)
		assert.Same(t, m, md.(*distributions.Masked).MaskTensor())
		assert.Same(t, d, md.(*distributions.Masked).Base(), "no expansion needed, the base itself")
		assert.Equal(t, []int{4}, md.BatchShape())
		assert.Equal(t, []int{}, md.EventShape())
		x := must(tensor.New(seq(-3, 4, 8), 2, 4))
		lp := must(md.LogProb(x))
		require.Equal(t, []int{2, 4}, shapeOf(lp))
		want := data64(t, must(d.LogProb(x)))
		for i, v := range data64(t, lp) {
			if i%2 == 1 {
				assert.Equal(t, 0.0, v, "[%d] masked", i)
				assert.False(t, math.Signbit(v), "[%d] is -0", i)
			} else {
				assert.Equal(t, want[i], v, "[%d] kept", i)
			}
		}
	})
	t.Run("the mask grows the batch", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewNormal(f64(0, 1, 2), s64(1)))
		md, err := distributions.Mask(d, mask([]bool{true, false}, 2, 1))
		require.NoError(t, err)
		assert.Equal(t, []int{2, 3}, md.BatchShape())
		assert.Equal(t, []int{2, 3}, md.(*distributions.Masked).Base().BatchShape(), "the base is expanded to the new batch")
		lp := must(md.LogProb(f64(0.5, 1, 4)))
		require.Equal(t, []int{2, 3}, shapeOf(lp))
		want := data64(t, must(d.LogProb(f64(0.5, 1, 4))))
		assert.Equal(t, append(want, 0, 0, 0), data64(t, lp))
		s := must(md.Sample(rand.NewPCG(1, 2), 5))
		assert.Equal(t, []int{5, 2, 3}, shapeOf(s), "samples of the grown batch")
	})
	t.Run("a mask smaller than the batch broadcasts", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewNormal(must(tensor.New(seq(0, 1, 6), 2, 3)), s64(1)))
		for _, m := range []*tensor.Dense{mask([]bool{false, true, true}, 3), mask([]bool{false}), mask([]bool{true, false}, 2, 1)} {
			md, err := distributions.Mask(d, m)
			require.NoError(t, err)
			assert.Equal(t, []int{2, 3}, md.BatchShape())
			assert.Same(t, d, md.(*distributions.Masked).Base())
			lp := data64(t, must(md.LogProb(s64(0.3))))
			keep := bcast(boolsAsFloats(m), shapeOf(m), []int{2, 3})
			want := data64(t, must(d.LogProb(s64(0.3))))
			for i := range lp {
				if keep[i] == 0 {
					want[i] = 0
				}
			}
			assert.Equal(t, want, lp, "mask %v", shapeOf(m))
		}
	})
	t.Run("non-finite log_prob at masked entries", func(t *testing.T) {
		t.Parallel()
		inf := math.Inf(1)
		d := must(distributions.NewNormal(f64(0, 0, 0, 0), f64(1, 1, inf, 0), distributions.WithValidation(false)))
		x := f64(math.NaN(), inf, 0.5, 0.25)
		base := data64(t, must(d.LogProb(x)))
		assert.True(t, math.IsNaN(base[0]) && math.IsInf(base[1], -1) && math.IsInf(base[2], -1) && math.IsNaN(base[3]),
			"the premise: log_prob is %v", base)
		md := must(distributions.Mask(d, mask([]bool{false, false, false, false}, 4)))
		assert.Equal(t, []float64{0, 0, 0, 0}, data64(t, must(md.LogProb(x))))
	})
	t.Run("errors", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewNormal(f64(0, 1, 2), s64(1)))
		for _, m := range []*tensor.Dense{mask([]bool{true, false}, 2), mask([]bool{true, false, true, true}, 2, 2)} {
			_, err := distributions.Mask(d, m)
			require.ErrorIs(t, err, distributions.ErrShape, "mask %v", shapeOf(m))
		}
		for _, m := range []*tensor.Dense{f64(1, 0, 1), tensor.Vector[int64](1, 0, 1), nil} {
			_, err := distributions.Mask(d, m)
			require.ErrorIs(t, err, distributions.ErrDType)
		}
		md := must(distributions.Mask(d, mask([]bool{true, false, true}, 3)))
		_, err := md.LogProb(f64(1, 2))
		require.ErrorIs(t, err, distributions.ErrShape)
		_, err = md.LogProb(nil)
		require.ErrorIs(t, err, distributions.ErrShape)
		g := md.(distributions.LogProbGrader)
		_, err = g.LogProbVJP(f64(1, 2, 3), f64(1, 2))
		require.ErrorIs(t, err, distributions.ErrShape)
		_, err = g.LogProbVJP(f64(1, 2), nil)
		require.ErrorIs(t, err, distributions.ErrShape)
		for _, w := range []distributions.Distribution{md, distributions.MaskAll(d, false), distributions.MaskAll(d, true)} {
			_, err = w.(distributions.LogProbGrader).LogProbVJP(f64(1, 2, 3), f32(1, 2, 3)) // as the families: a dtype error
			require.ErrorIs(t, err, distributions.ErrDType)
		}
	})
}

// boolsAsFloats returns a bool array's elements as 0 and 1.
func boolsAsFloats(m *tensor.Dense) []float64 {
	out := make([]float64, 0, m.Len())
	for _, b := range m.Bools() {
		v := 0.0
		if b {
			v = 1
		}
		out = append(out, v)
	}
	return out
}

// TestMaskAll: Pyro's mask(False) returns zeros of broadcast(x, batch)
// without ever calling the base (pyro#2110); mask(True) is the base.
func TestMaskAll(t *testing.T) {
	t.Parallel()
	for _, single := range []bool{false, true} {
		loc := f64(0, 1, 2)
		if single {
			loc = to32(loc)
		}
		scale := must(tensor.Full(1.0, 1))
		if single {
			scale = to32(scale)
		}
		var calls atomic.Int64
		base := countingDist{must(distributions.NewNormal(loc, scale)), &calls}

		off := distributions.MaskAll(base, false)
		assert.Equal(t, []int{3}, off.BatchShape())
		assert.Nil(t, off.(*distributions.Masked).MaskTensor())
		x := must(tensor.New([]float64{math.NaN(), 1, 2, 3, 4}, 5, 1))
		if single {
			x = to32(x)
		}
		lp, err := off.LogProb(x)
		require.NoError(t, err)
		assert.Equal(t, []int{5, 3}, shapeOf(lp))
		assert.Equal(t, loc.Dtype(), lp.Dtype())
		assert.Equal(t, make([]float64, 15), data64(t, lp))
		_, err = off.LogProb(f64(1, 2)) // checked, still without the base
		require.ErrorIs(t, err, distributions.ErrShape)
		assert.Zero(t, calls.Load(), "mask(False) called the base")

		on := distributions.MaskAll(base, true)
		y := must(tensor.New(seq(-1, 1, 6), 2, 3))
		if single {
			y = to32(y)
		}
		lp, err = on.LogProb(y)
		require.NoError(t, err)
		assert.Equal(t, int64(1), calls.Load())
		assert.Equal(t, data64(t, must(base.Distribution.LogProb(y))), data64(t, lp))
	}
}

// TestMaskedGradient is the NaN-gradient pitfall of Pyro (pyro#2447,
// pytorch#52248): masked entries whose log_prob is -Inf or NaN must add
// exactly 0 to the total and to every partial, value and parameters alike,
// while the kept entries keep their own gradient.
func TestMaskedGradient(t *testing.T) {
	t.Parallel()
	inf, nan := math.Inf(1), math.NaN()

	// normalPartials are ∂/∂x, ∂/∂μ, ∂/∂σ of log N(x | μ, σ) times w.
	normalPartials := func(x, mu, sigma, w float64) (dx, dmu, dsigma float64) {
		z := (x - mu) / sigma
		return -w * z / sigma, w * z / sigma, w * (z*z - 1) / sigma
	}
	normalLP := func(x, mu, sigma float64) float64 {
		z := (x - mu) / sigma
		return -z*z/2 - math.Log(sigma) - 0.5*math.Log(2*math.Pi)
	}

	t.Run("Normal, per-element parameters", func(t *testing.T) {
		t.Parallel()
		loc := f64(0, 0, 0, 0, 1, 0, 0.5)
		scale := f64(1, 1, inf, 0, 2, 1, 1.5)
		x := f64(0.5, nan, 0.3, 0.2, 2, inf, -0.7)
		keep := []bool{true, false, false, false, true, false, true}
		d := must(distributions.NewNormal(loc, scale, distributions.WithValidation(false)))
		base := data64(t, must(d.LogProb(x)))
		// The premise: the masked entries are NaN (x NaN; scale 0 gives
		// ∞-∞), -Inf (scale +Inf; x +Inf).
		require.True(t, math.IsNaN(base[1]) && math.IsInf(base[2], -1) && math.IsNaN(base[3]) && math.IsInf(base[5], -1), "%v", base)
		md := must(distributions.Mask(d, mask(keep, 7))).(*distributions.Masked)

		for _, u := range []*tensor.Dense{nil, f64(2, nan, inf, -inf, -0.5, nan, 3)} {
			var (
				g   *distributions.Gradient
				err error
			)
			w := []float64{1, 1, 1, 1, 1, 1, 1}
			if u == nil {
				g, err = md.LogProbGrad(x)
			} else {
				w = data64(t, u)
				g, err = md.LogProbVJP(x, u)
			}
			require.NoError(t, err)
			xs, ms, ss := data64(t, x), data64(t, loc), data64(t, scale)
			var wantSum float64
			wantX, wantLoc, wantScale := make([]float64, 7), make([]float64, 7), make([]float64, 7)
			for i := range keep {
				if !keep[i] {
					continue
				}
				wantSum += w[i] * normalLP(xs[i], ms[i], ss[i])
				wantX[i], wantLoc[i], wantScale[i] = normalPartials(xs[i], ms[i], ss[i], w[i])
			}
			requireFinite(t, []float64{g.LogProb})
			close(t, []float64{wantSum}, []float64{g.LogProb}, tol64, 0)
			for name, c := range map[string]struct {
				got  *tensor.Dense
				want []float64
			}{"x": {g.Value, wantX}, "loc": {g.Params["loc"], wantLoc}, "scale": {g.Params["scale"], wantScale}} {
				got := data64(t, c.got)
				requireFinite(t, got)
				for i := range keep {
					if !keep[i] {
						assert.Equal(t, 0.0, got[i], "∂/∂%s[%d] of a masked entry", name, i)
					}
				}
				close(t, c.want, got, tol64, 0)
			}
		}
	})
	t.Run("Normal, shared parameters", func(t *testing.T) {
		t.Parallel()
		// One loc and one scale serve masked and kept entries: their
		// partials sum over the kept entries only.
		x := f64(0.5, nan, inf, -inf, 1.5)
		keep := []bool{true, false, false, false, true}
		d := must(distributions.NewNormal(s64(0.25), s64(1.5), distributions.WithValidation(false)))
		md := must(distributions.Mask(d, mask(keep, 5))).(*distributions.Masked)
		g, err := md.LogProbGrad(x)
		require.NoError(t, err)
		var wantSum, wantLoc, wantScale float64
		wantX := make([]float64, 5)
		for i, v := range data64(t, x) {
			if !keep[i] {
				continue
			}
			wantSum += normalLP(v, 0.25, 1.5)
			dx, dm, ds := normalPartials(v, 0.25, 1.5, 1)
			wantX[i], wantLoc, wantScale = dx, wantLoc+dm, wantScale+ds
		}
		close(t, []float64{wantSum}, []float64{g.LogProb}, tol64, 0)
		gx := data64(t, g.Value)
		requireFinite(t, gx)
		assert.Equal(t, []float64{0, 0, 0}, gx[1:4])
		close(t, wantX, gx, tol64, 0)
		close(t, []float64{wantLoc}, data64(t, g.Params["loc"]), tol64, 0)
		close(t, []float64{wantScale}, data64(t, g.Params["scale"]), tol64, 0)
		assert.Equal(t, []int{}, shapeOf(g.Params["loc"]))
	})
	t.Run("Normal, the mask grows the batch", func(t *testing.T) {
		t.Parallel()
		// batch (3), mask (2, 1): row 1 is masked and its values are NaN.
		d := must(distributions.NewNormal(f64(0, 1, 2), f64(1, 2, 0.5), distributions.WithValidation(false)))
		md := must(distributions.Mask(d, mask([]bool{true, false}, 2, 1))).(*distributions.Masked)
		x := must(tensor.New([]float64{0.5, 1.5, 2.5, nan, nan, nan}, 2, 3))
		g, err := md.LogProbGrad(x)
		require.NoError(t, err)
		want := must(d.LogProbGrad(f64(0.5, 1.5, 2.5)))
		assert.Equal(t, want.LogProb, g.LogProb)
		assert.Equal(t, append(data64(t, want.Value), 0, 0, 0), data64(t, g.Value))
		for _, p := range []string{"loc", "scale"} {
			assert.Equal(t, []int{3}, shapeOf(g.Params[p]), p)
			assert.Equal(t, data64(t, want.Params[p]), data64(t, g.Params[p]), p)
		}
	})
	t.Run("with to_event, either order", func(t *testing.T) {
		t.Parallel()
		// Normal batch (2, 3); row 1 is masked and its values are NaN.
		d := must(distributions.NewNormal(must(tensor.New(seq(-1, 1, 6), 2, 3)), f64(0.5, 1, 2), distributions.WithValidation(false)))
		x := must(tensor.New([]float64{0.5, 1.5, -2, nan, inf, nan}, 2, 3))
		row0 := must(distributions.NewNormal(f64(seq(-1, 1, 6)[:3]...), f64(0.5, 1, 2)))
		want := must(row0.LogProbGrad(f64(0.5, 1.5, -2))) // the kept row alone
		for name, md := range map[string]distributions.Distribution{
			"to_event(1).mask(m)": must(distributions.Mask(must(distributions.ToEvent(d, 1)), mask([]bool{true, false}, 2))),
			"mask(m).to_event(1)": must(distributions.ToEvent(must(distributions.Mask(d, mask([]bool{true, false}, 2, 1))), 1)),
		} {
			lp := data64(t, must(md.LogProb(x)))
			require.Len(t, lp, 2, name)
			assert.Equal(t, 0.0, lp[1], name)
			g, err := md.(distributions.LogProbGrader).LogProbGrad(x)
			require.NoError(t, err, name)
			close(t, []float64{lp[0]}, []float64{g.LogProb}, tol64, 0)
			close(t, []float64{want.LogProb}, []float64{g.LogProb}, tol64, 0)
			gx := data64(t, g.Value)
			requireFinite(t, gx)
			assert.Equal(t, append(data64(t, want.Value), 0, 0, 0), gx, name)
			gl, gs := data64(t, g.Params["loc"]), data64(t, g.Params["scale"])
			requireFinite(t, gl)
			requireFinite(t, gs)
			assert.Equal(t, append(data64(t, want.Params["loc"]), 0, 0, 0), gl, name)
			close(t, data64(t, want.Params["scale"]), gs, tol64, 0) // (3): sums over the kept row only
		}
	})
	t.Run("MaskAll", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewNormal(f64(0, 1), f64(1, 2), distributions.WithValidation(false)))
		x := f64(nan, inf)
		g, err := distributions.MaskAll(d, false).(distributions.LogProbGrader).LogProbGrad(x)
		require.NoError(t, err)
		assert.Equal(t, 0.0, g.LogProb)
		assert.Equal(t, []float64{0, 0}, data64(t, g.Value))
		assert.Equal(t, []float64{0, 0}, data64(t, g.Params["loc"]))
		assert.Equal(t, []float64{0, 0}, data64(t, g.Params["scale"]))

		y := f64(0.5, -1)
		g, err = distributions.MaskAll(d, true).(distributions.LogProbGrader).LogProbVJP(y, f64(2, -1))
		require.NoError(t, err)
		want := must(d.LogProbVJP(y, f64(2, -1)))
		assert.Equal(t, want.LogProb, g.LogProb)
		assert.Equal(t, data64(t, want.Value), data64(t, g.Value))
		assert.Equal(t, data64(t, want.Params["scale"]), data64(t, g.Params["scale"]))
	})
	t.Run("Bernoulli probs 0 and 1 at masked entries", func(t *testing.T) {
		t.Parallel()
		probs := f64(0, 0.3, 1, 0.6)
		x := f64(1, 1, 0, 0)
		keep := []bool{false, true, false, true}
		d := must(distributions.NewBernoulli(probs))
		base := data64(t, must(d.LogProb(x)))
		require.True(t, math.IsInf(base[0], -1) && math.IsInf(base[2], -1), "the premise: log_prob is %v", base)
		md := must(distributions.Mask(d, mask(keep, 4))).(*distributions.Masked)
		assert.Equal(t, []float64{0, base[1], 0, base[3]}, data64(t, must(md.LogProb(x))))
		g, err := md.LogProbGrad(x)
		require.NoError(t, err)
		close(t, []float64{math.Log(0.3) + math.Log(0.4)}, []float64{g.LogProb}, tol64, 0)
		gp, gx := data64(t, g.Params["probs"]), data64(t, g.Value)
		requireFinite(t, gp)
		requireFinite(t, gx)
		// ∂/∂p = x/p - (1-x)/(1-p); ∂/∂x = log p - log(1-p).
		close(t, []float64{0, 1 / 0.3, 0, -1 / 0.4}, gp, tol64, 0)
		close(t, []float64{0, math.Log(0.3) - math.Log(0.7), 0, math.Log(0.6) - math.Log(0.4)}, gx, tol64, 0)
		assert.Equal(t, 0.0, gp[0])
		assert.Equal(t, 0.0, gp[2])
		assert.Equal(t, 0.0, gx[0])
		assert.Equal(t, 0.0, gx[2])
	})
	t.Run("Bernoulli logits ±Inf at masked entries", func(t *testing.T) {
		t.Parallel()
		logits := f64(-inf, 0.3, inf, -1)
		x := f64(1, 1, 0, 0)
		keep := []bool{false, true, false, true}
		d := must(distributions.NewBernoulliLogits(logits))
		base := data64(t, must(d.LogProb(x)))
		require.True(t, math.IsInf(base[0], -1) && math.IsInf(base[2], -1), "the premise: log_prob is %v", base)
		md := must(distributions.Mask(d, mask(keep, 4))).(*distributions.Masked)
		g, err := md.LogProbGrad(x)
		require.NoError(t, err)
		close(t, []float64{base[1] + base[3]}, []float64{g.LogProb}, tol64, 0)
		gl, gx := data64(t, g.Params["logits"]), data64(t, g.Value)
		requireFinite(t, gx) // ∂/∂x = ℓ is ∓Inf at the masked entries
		sig := func(l float64) float64 { return 1 / (1 + math.Exp(-l)) }
		close(t, []float64{0, 1 - sig(0.3), 0, -sig(-1)}, gl, tol64, 0)
		close(t, []float64{0, 0.3, 0, -1}, gx, tol64, 0)
	})
}

// TestScoreParts: Pyro's score_parts, (lp, 0, lp) when reparameterised and
// (lp, lp, 0) otherwise; a tensor mask masks log_prob and the entropy term
// but not the score function; MaskAll takes the generic path over the
// masked log_prob.
func TestScoreParts(t *testing.T) {
	t.Parallel()
	normal := must(distributions.NewNormal(f64(0, 1, 2), f64(1, 2, 3)))
	bern := must(distributions.NewBernoulli(f64(0, 0.3, 0.6)))
	xn, xb := f64(0.5, -1, 4), f64(1, 1, 0) // Bernoulli: log_prob -Inf at entry 0
	lpn, lpb := data64(t, must(normal.LogProb(xn))), data64(t, must(bern.LogProb(xb)))
	require.True(t, math.IsInf(lpb[0], -1))
	keep := mask([]bool{false, true, true}, 3)
	masked := func(lp []float64) []float64 { return []float64{0, lp[1], lp[2]} }
	zeroConst := []float64{0} // Pyro's integer 0, a scalar here

	tests := []struct {
		name                           string
		d                              distributions.Distribution
		x                              *tensor.Dense
		lp, scoreFunction, entropyTerm []float64
	}{
		{"Normal", normal, xn, lpn, zeroConst, lpn},
		{"Bernoulli", bern, xb, lpb, lpb, zeroConst},
		{"Normal, tensor mask", must(distributions.Mask(normal, keep)), xn, masked(lpn), zeroConst, masked(lpn)},
		{"Bernoulli, tensor mask: score function unmasked", must(distributions.Mask(bern, keep)), xb, masked(lpb), lpb, zeroConst},
		{"Normal, mask(False)", distributions.MaskAll(normal, false), xn, []float64{0, 0, 0}, zeroConst, []float64{0, 0, 0}},
		{"Bernoulli, mask(False): generic path", distributions.MaskAll(bern, false), xb, []float64{0, 0, 0}, []float64{0, 0, 0}, zeroConst},
		{"Normal, mask(True)", distributions.MaskAll(normal, true), xn, lpn, zeroConst, lpn},
		{"Bernoulli, mask(True)", distributions.MaskAll(bern, true), xb, lpb, lpb, zeroConst},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, err := distributions.ScorePartsOf(tc.d, tc.x)
			require.NoError(t, err)
			for name, c := range map[string]struct {
				got  *tensor.Dense
				want []float64
			}{"log_prob": {p.LogProb, tc.lp}, "score_function": {p.ScoreFunction, tc.scoreFunction}, "entropy_term": {p.EntropyTerm, tc.entropyTerm}} {
				require.NotNil(t, c.got, name)
				assert.Equal(t, tc.d.Dtype(), c.got.Dtype(), name)
				if len(c.want) == 1 {
					assert.Equal(t, []int{}, shapeOf(c.got), "%s: the constant 0 is a scalar", name)
				} else {
					assert.Equal(t, []int{3}, shapeOf(c.got), name)
				}
				assert.Equal(t, c.want, data64(t, c.got), name)
			}
		})
	}
	t.Run("errors", func(t *testing.T) {
		t.Parallel()
		for _, d := range []distributions.Distribution{normal, must(distributions.Mask(normal, keep)), distributions.MaskAll(normal, false)} {
			_, err := distributions.ScorePartsOf(d, f64(1, 2))
			require.ErrorIs(t, err, distributions.ErrShape, "%T", d)
		}
	})
}

// callSpy records which of Sample and RSample Call used; has is its
// HasRSample (torch's has_rsample_ override).
type callSpy struct {
	*distributions.Normal
	has   bool
	calls *[]string
}

func (s callSpy) HasRSample() bool { return s.has }
func (s callSpy) Sample(src rand.Source, shp ...int) (*tensor.Dense, error) {
	*s.calls = append(*s.calls, "sample")
	return s.Normal.Sample(src, shp...)
}
func (s callSpy) RSample(src rand.Source, shp ...int) (*tensor.Dense, error) {
	*s.calls = append(*s.calls, "rsample")
	return s.Normal.RSample(src, shp...)
}

// TestCall: Pyro's d(S) is rsample(S) when has_rsample, else sample(S).
func TestCall(t *testing.T) {
	t.Parallel()
	normal := must(distributions.NewNormal(f64(0, 1, 2), f64(1, 2, 3)))
	bern := must(distributions.NewBernoulli(f64(0.2, 0.5, 0.9)))
	got := must(distributions.Call(normal, rand.NewPCG(5, 6), 4))
	assert.Equal(t, data64(t, must(normal.RSample(rand.NewPCG(5, 6), 4))), data64(t, got))
	assert.Equal(t, []int{4, 3}, shapeOf(got))
	got = must(distributions.Call(bern, rand.NewPCG(5, 6), 4))
	assert.Equal(t, data64(t, must(bern.Sample(rand.NewPCG(5, 6), 4))), data64(t, got))
	assert.Equal(t, []int{4, 3}, shapeOf(got))

	for _, has := range []bool{true, false} {
		var calls []string
		spy := callSpy{normal, has, &calls}
		require.Equal(t, has, distributions.HasRSample(spy))
		_, err := distributions.Call(spy, rand.NewPCG(1, 2))
		require.NoError(t, err)
		want := "sample"
		if has {
			want = "rsample"
		}
		assert.Equal(t, []string{want}, calls, "has_rsample %v", has)
		// Wrappers answer for their base.
		calls = nil
		_, err = distributions.Call(distributions.MaskAll(spy, true), rand.NewPCG(1, 2))
		require.NoError(t, err)
		assert.Equal(t, []string{want}, calls, "masked, has_rsample %v", has)
		calls = nil
		_, err = distributions.Call(must(distributions.ToEvent(spy, 1)), rand.NewPCG(1, 2))
		require.NoError(t, err)
		assert.Equal(t, []string{want}, calls, "to_event, has_rsample %v", has)
	}
	_, err := distributions.Call(normal, nil)
	require.ErrorIs(t, err, distributions.ErrNilSource)
}

// TestMaskedDelegation: sampling, enumeration, the moments and the flags
// are the base's, unmasked; Expand expands the base and keeps the mask.
func TestMaskedDelegation(t *testing.T) {
	t.Parallel()
	bern := must(distributions.NewBernoulli(f64(0.2, 0.5, 0.9)))
	md := must(distributions.Mask(bern, mask([]bool{true, false, true}, 3)))
	assert.False(t, distributions.HasRSample(md))
	assert.True(t, distributions.HasEnumerateSupport(md))
	_, err := md.(distributions.RSampler).RSample(rand.NewPCG(1, 2))
	require.ErrorIs(t, err, distributions.ErrUnsupported)
	assert.Equal(t, data64(t, must(bern.Sample(rand.NewPCG(1, 2), 6))), data64(t, must(md.Sample(rand.NewPCG(1, 2), 6))))
	for _, expand := range []bool{false, true} {
		s, err := md.(distributions.SupportEnumerator).EnumerateSupport(expand)
		require.NoError(t, err)
		want := must(bern.EnumerateSupport(expand))
		assert.Equal(t, shapeOf(want), shapeOf(s))
		assert.Equal(t, data64(t, want), data64(t, s))
	}
	m := must(md.(distributions.Meaner).Mean())
	assert.Equal(t, []float64{0.2, 0.5, 0.9}, data64(t, m), "the mean is not masked")

	normal := must(distributions.NewNormal(f64(0, 1, 2), s64(1)))
	mn := must(distributions.Mask(normal, mask([]bool{true, false, true}, 3)))
	assert.True(t, distributions.HasRSample(mn))
	assert.False(t, distributions.HasEnumerateSupport(mn))
	_, err = mn.(distributions.SupportEnumerator).EnumerateSupport(false)
	require.ErrorIs(t, err, distributions.ErrUnsupported)
	assert.Equal(t, data64(t, must(normal.RSample(rand.NewPCG(3, 4), 2))), data64(t, must(mn.(distributions.RSampler).RSample(rand.NewPCG(3, 4), 2))))

	e, err := distributions.Expand(mn, []int{2, 3})
	require.NoError(t, err)
	require.IsType(t, &distributions.Masked{}, e)
	assert.Equal(t, []int{2, 3}, e.BatchShape())
	assert.Equal(t, []int{2, 3}, e.(*distributions.Masked).Base().BatchShape())
	lp := data64(t, must(e.LogProb(s64(0.5))))
	row := data64(t, must(normal.LogProb(s64(0.5))))
	assert.Equal(t, []float64{row[0], 0, row[2], row[0], 0, row[2]}, lp)
	_, err = distributions.Expand(mn, []int{4})
	require.ErrorIs(t, err, distributions.ErrShape)
	all, err := distributions.Expand(distributions.MaskAll(normal, false), []int{2, 3})
	require.NoError(t, err)
	assert.Equal(t, make([]float64, 6), data64(t, must(all.LogProb(s64(0.5)))))
}
