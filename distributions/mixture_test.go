package distributions_test

import (
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

var (
	_ distributions.Distribution  = (*distributions.MixtureSameFamily)(nil)
	_ distributions.LogProbGrader = (*distributions.MixtureSameFamily)(nil)
	_ distributions.LogProbIntoer = (*distributions.MixtureSameFamily)(nil)
	_ distributions.Expander      = (*distributions.MixtureSameFamily)(nil)
	_ distributions.Meaner        = (*distributions.MixtureSameFamily)(nil)
	_ distributions.Variancer     = (*distributions.MixtureSameFamily)(nil)
	_ distributions.StdDever      = (*distributions.MixtureSameFamily)(nil)
	_ distributions.CDFer         = (*distributions.MixtureSameFamily)(nil)
	_ distributions.Parameterised = (*distributions.MixtureSameFamily)(nil)
)

// The mixtures of the value tests, with mpmath references (50 digits;
// the script is in the comments of mixtureRefs).
//
//	A: logits (0.3, -1.2, 0.5), Normal loc (-1, 0.5, 2), scale (0.7, 1.3, 0.4)
//	B: probs ((0.2, 0.8), (0.6, 0.4)), Normal loc ((0, 3), (-2, 1)), scale ((1, 0.5), (2, 1))
//	C: logits (0, 1), Gamma concentration (2, 0.5), rate (1, 3)
func mixtureA(t testing.TB, opts ...distributions.Option) *distributions.MixtureSameFamily {
	t.Helper()
	mix := must(distributions.NewCategoricalLogits(f64(0.3, -1.2, 0.5), opts...))
	comp := must(distributions.NewNormal(f64(-1, 0.5, 2), f64(0.7, 1.3, 0.4), opts...))
	return must(distributions.NewMixtureSameFamily(mix, comp, opts...))
}

func mixtureB(t testing.TB, opts ...distributions.Option) *distributions.MixtureSameFamily {
	t.Helper()
	mix := must(distributions.NewCategorical(sh(f64(0.2, 0.8, 0.6, 0.4), 2, 2), opts...))
	comp := must(distributions.NewNormal(sh(f64(0, 3, -2, 1), 2, 2), sh(f64(1, 0.5, 2, 1), 2, 2), opts...))
	return must(distributions.NewMixtureSameFamily(mix, comp, opts...))
}

func mixtureC(t testing.TB, opts ...distributions.Option) *distributions.MixtureSameFamily {
	t.Helper()
	mix := must(distributions.NewCategoricalLogits(f64(0, 1), opts...))
	comp := must(distributions.NewGamma(f64(2, 0.5), f64(1, 3), opts...))
	return must(distributions.NewMixtureSameFamily(mix, comp, opts...))
}

// mixtureRefs: mpmath, mp.dps = 50, log p = logsumexp_k(log π_k + log p_k(x))
// with the textbook normal and gamma densities; mean and variance by
// quadrature of x·p(x) and (x-m)²·p(x) (mpmath.quad), not by the laws the
// engine uses; the CDF by quadrature of p.
var (
	mixtureAx  = []float64{-3, -1, 0, 0.5, 2, 2.2, 40, -40}
	mixtureAlp = []float64{-5.3639463437468422, -1.3962025633871028, -2.2068158994513941, -2.958024696693598,
		-0.66797674610040757, -0.79475983064917894, -465.18758290239576, -488.85622195565019}
	mixtureAcdfX = []float64{-3, -1, 0, 0.5, 2, 2.2, 6}
	mixtureAcdf  = []float64{0.0011981947877855231, 0.21588213222182296, 0.40972672288339414, 0.44818819144577752,
		0.73882885330042467, 0.83712329601699376, 0.99999893710644607}
	mixtureAmean, mixtureAvar, mixtureAsd = 0.63585586626914454, 2.4608187018085826, 1.5686996850285215

	// B at x of shape (3, 1) = (-1, 0.5, 2): log p of shape (3, 2)
	mixtureBlp = []float64{-3.0283764456386061, -2.0618689706052684, -2.6533426633991829, -1.6315768996504512,
		-2.3311518683025537, -2.1804950811420754}
	mixtureBmean, mixtureBvar = []float64{2.4, -0.8}, []float64{1.84, 4.96}

	mixtureCx                 = []float64{0.1, 1, 5, 1e-3}
	mixtureClp                = []float64{0.52940784064787527, -2.0061493820506865, -4.7038129886472743, 3.1145690818819507}
	mixtureCcdfX              = []float64{0.1, 1, 5}
	mixtureCcdf               = []float64{0.41169068418798887, 0.79166552524204677, 0.98912729015658575}
	mixtureCmean, mixtureCvar = 0.65972593917832439, 1.2393317616144156
)

func TestMixtureSameFamilyShapes(t *testing.T) {
	t.Parallel()
	a := mixtureA(t)
	assert.Equal(t, []int{}, a.BatchShape())
	assert.Equal(t, []int{}, a.EventShape())
	assert.Equal(t, 3, a.K())
	assert.False(t, distributions.HasRSample(a))
	assert.False(t, distributions.HasEnumerateSupport(a))
	_, isEnt := any(a).(distributions.Entropier)
	assert.False(t, isEnt, "torch's MixtureSameFamily has no entropy")
	_, isR := any(a).(distributions.RSampler)
	assert.False(t, isR, "torch's MixtureSameFamily has no rsample")

	b := mixtureB(t)
	assert.Equal(t, []int{2}, b.BatchShape())
	assert.Equal(t, []int{2}, b.MixtureDistribution().BatchShape())
	assert.Equal(t, []int{2, 2}, b.ComponentDistribution().BatchShape())

	// A mixture batch that broadcasts with the component's: both expand.
	mix := must(distributions.NewCategoricalLogits(sh(f64(0, 1), 1, 2)))
	comp := must(distributions.NewNormal(sh(f64(0, 1, 2, 3, 4, 5), 3, 2), s64(1)))
	m := must(distributions.NewMixtureSameFamily(mix, comp))
	assert.Equal(t, []int{3}, m.BatchShape())
	mix2 := must(distributions.NewCategoricalLogits(sh(f64(0, 1, 1, 0), 2, 1, 2)))
	m2 := must(distributions.NewMixtureSameFamily(mix2, comp))
	assert.Equal(t, []int{2, 3}, m2.BatchShape())
	assert.Equal(t, []int{2, 3, 2}, m2.ComponentDistribution().BatchShape())

	// Event dims come from the component.
	ind := must(distributions.ToEvent(must(distributions.NewNormal(sh(f64(0, 1, 2, 3, 4, 5), 2, 3), s64(1))), 1))
	e := must(distributions.NewMixtureSameFamily(must(distributions.NewCategoricalLogits(f64(0, 0))), ind))
	assert.Equal(t, []int{}, e.BatchShape())
	assert.Equal(t, []int{3}, e.EventShape())

	params := b.Params()
	assert.ElementsMatch(t, []string{"mixture.probs", "component.loc", "component.scale"}, keysOf(params))
	assert.ElementsMatch(t, []string{"mixture.logits", "component.loc", "component.scale"}, keysOf(e.Params()))

	_, _, err := distributions.InferShapes("MixtureSameFamily", map[string][]int{})
	assert.ErrorIs(t, err, distributions.ErrUnsupported)
}

func keysOf[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestMixtureSameFamilyLogProb(t *testing.T) {
	t.Parallel()
	noVal := distributions.WithValidation(false)
	t.Run("A", func(t *testing.T) {
		t.Parallel()
		lp := must(mixtureA(t).LogProb(f64(mixtureAx...)))
		assert.Equal(t, []int{8}, shapeOf(lp))
		close(t, mixtureAlp, data64(t, lp), 1e-14, 0)
		// a scalar value and a (2, 1) one broadcast
		lp = must(mixtureA(t).LogProb(s64(-1)))
		assert.Equal(t, []int{}, shapeOf(lp))
		close(t, mixtureAlp[1:2], data64(t, lp), 1e-14, 0)
	})
	t.Run("B broadcast", func(t *testing.T) {
		t.Parallel()
		lp := must(mixtureB(t).LogProb(sh(f64(-1, 0.5, 2), 3, 1)))
		assert.Equal(t, []int{3, 2}, shapeOf(lp))
		close(t, mixtureBlp, data64(t, lp), 1e-14, 0)
	})
	t.Run("C gamma", func(t *testing.T) {
		t.Parallel()
		lp := must(mixtureC(t).LogProb(f64(mixtureCx...)))
		close(t, mixtureClp, data64(t, lp), 1e-14, 0)
		// Outside every component's support: -Inf (validation off);
		// at 0 the Gamma(0.5) density is +Inf, so the mixture's is too.
		lp = must(mixtureC(t, noVal).LogProb(f64(-1, 0)))
		assert.Equal(t, []float64{math.Inf(-1), math.Inf(1)}, data64(t, lp))
	})
	t.Run("zero weight", func(t *testing.T) {
		// A category of probability 0 drops out, even where its component
		// is the only one with mass (log p = -Inf, not NaN).
		t.Parallel()
		mix := must(distributions.NewCategorical(f64(0, 1)))
		comp := must(distributions.NewNormal(f64(0, 100), f64(1, 1)))
		m := must(distributions.NewMixtureSameFamily(mix, comp))
		lp := data64(t, must(m.LogProb(f64(100, 0))))
		close(t, []float64{-halfLog2PiRef, -5000 - halfLog2PiRef}, lp, 1e-15, 0)
	})
	t.Run("LogProbInto", func(t *testing.T) {
		t.Parallel()
		b := mixtureB(t)
		x := sh(f64(-1, 0.5, 2), 3, 1)
		dst := must(tensor.Zeros[float64](3, 2))
		require.NoError(t, b.LogProbInto(dst, x))
		close(t, mixtureBlp, data64(t, dst), 1e-14, 0)
		assert.ErrorIs(t, b.LogProbInto(must(tensor.Zeros[float64](3)), x), distributions.ErrShape)
		assert.ErrorIs(t, b.LogProbInto(must(tensor.Zeros[float32](3, 2)), x), distributions.ErrShape)
	})
}

const halfLog2PiRef = 0.91893853320467274178 // log(2π)/2

// TestMixtureSameFamilyLogProbIntoAllocs: the components' scores go to a
// pooled buffer, so LogProbInto allocates only headers and plans, not the
// n·K scores LogProb allocates.
func TestMixtureSameFamilyLogProbIntoAllocs(t *testing.T) { // memory counts: not parallel
	const n, k = 20_000, 3
	r := rand.New(rand.NewPCG(1, 1))
	loc := make([]float64, n*k)
	for i := range loc {
		loc[i] = r.NormFloat64()
	}
	comp := must(distributions.NewNormal(sh(f64(loc...), n, k), s64(1), distributions.WithValidation(false)))
	m := must(distributions.NewMixtureSameFamily(must(distributions.NewCategoricalLogits(f64(0, 1, 2))), comp))
	xs := must(tensor.Zeros[float64](n))
	dst := must(tensor.Zeros[float64](n))
	// Bytes allocated per call, from the runtime's counter: this test is
	// not parallel, so no other test allocates meanwhile. A sync.Pool is
	// emptied by a garbage collection and keeps its last item per P, so
	// the steady state is counted with collection held off and one P.
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	require.NoError(t, m.LogProbInto(dst, xs))
	perCall := func(f func()) int64 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range 10 {
			f()
		}
		runtime.ReadMemStats(&after)
		return int64(after.TotalAlloc-before.TotalAlloc) / 10
	}
	into := perCall(func() { _ = m.LogProbInto(dst, xs) })
	alloc := perCall(func() { _, _ = m.LogProb(xs) })
	t.Logf("bytes per call: LogProbInto %d, LogProb %d (the scores alone are %d)", into, alloc, n*k*8)
	assert.Less(t, into, int64(n*k*8/10))
	assert.Greater(t, alloc, int64(n*k*8))
}

func TestMixtureSameFamilyMoments(t *testing.T) {
	t.Parallel()
	a := mixtureA(t)
	close(t, []float64{mixtureAmean}, data64(t, must(a.Mean())), tol64, 0)
	close(t, []float64{mixtureAvar}, data64(t, must(a.Variance())), tol64, 0)
	close(t, []float64{mixtureAsd}, data64(t, must(a.StdDev())), tol64, 0)

	b := mixtureB(t)
	close(t, mixtureBmean, data64(t, must(b.Mean())), tol64, 0)
	close(t, mixtureBvar, data64(t, must(b.Variance())), tol64, 0)

	c := mixtureC(t)
	close(t, []float64{mixtureCmean}, data64(t, must(c.Mean())), tol64, 0)
	close(t, []float64{mixtureCvar}, data64(t, must(c.Variance())), tol64, 0)

	// Event dims: each coordinate is a mixture of its own normals.
	loc := []float64{0, 1, 2, 3, 4, 5}
	ind := must(distributions.ToEvent(must(distributions.NewNormal(sh(f64(loc...), 2, 3), s64(2))), 1))
	e := must(distributions.NewMixtureSameFamily(must(distributions.NewCategorical(f64(0.25, 0.75))), ind))
	mean := data64(t, must(e.Mean()))
	assert.Equal(t, []int{3}, shapeOf(must(e.Mean())))
	close(t, []float64{2.25, 3.25, 4.25}, mean, 1e-15, 0)
	// 4 + π₀π₁·3² = 4 + 27/16
	close(t, []float64{5.6875, 5.6875, 5.6875}, data64(t, must(e.Variance())), 1e-15, 0)
}

func TestMixtureSameFamilyCDF(t *testing.T) {
	t.Parallel()
	close(t, mixtureAcdf, data64(t, must(mixtureA(t).CDF(f64(mixtureAcdfX...)))), 1e-14, 0)
	// torch 1.13's Gamma has no cdf, nor then has a mixture of gammas
	_, err := mixtureC(t).CDF(f64(mixtureCcdfX...))
	assert.ErrorIs(t, err, distributions.ErrUnsupported)
	// no CDF through event dims (torch's sum would misalign them)
	ind := must(distributions.ToEvent(must(distributions.NewNormal(sh(f64(0, 1, 2, 3), 2, 2), s64(1))), 1))
	e := must(distributions.NewMixtureSameFamily(must(distributions.NewCategorical(f64(0.5, 0.5))), ind))
	_, err = e.CDF(f64(0, 0))
	assert.ErrorIs(t, err, distributions.ErrUnsupported)
}

func TestMixtureSameFamilyErrors(t *testing.T) {
	t.Parallel()
	cat3 := must(distributions.NewCategoricalLogits(f64(0, 0, 0)))
	n4 := must(distributions.NewNormal(f64(0, 0, 0, 0), s64(1)))
	_, err := distributions.NewMixtureSameFamily(cat3, n4)
	assert.ErrorIs(t, err, distributions.ErrShape, "3 categories, 4 components")

	cat23 := must(distributions.NewCategoricalLogits(must(tensor.Zeros[float64](2, 3))))
	n43 := must(distributions.NewNormal(must(tensor.Zeros[float64](4, 3)), s64(1)))
	_, err = distributions.NewMixtureSameFamily(cat23, n43)
	assert.ErrorIs(t, err, distributions.ErrShape, "batch (2) with (4)")

	_, err = distributions.NewMixtureSameFamily(must(distributions.NewCategoricalLogits(f64(0))), must(distributions.NewNormal(s64(0), s64(1))))
	assert.ErrorIs(t, err, distributions.ErrShape, "a component without batch dims")

	_, err = distributions.NewMixtureSameFamily(cat3, must(distributions.NewNormal(to32(f64(0, 0, 0)), to32(f64(1, 1, 1)))))
	assert.ErrorIs(t, err, distributions.ErrDType)

	_, err = distributions.NewMixtureSameFamily(nil, n4)
	assert.ErrorIs(t, err, distributions.ErrParam)
	_, err = distributions.NewMixtureSameFamily(cat3, nil)
	assert.ErrorIs(t, err, distributions.ErrParam)

	a := mixtureA(t)
	for name, x := range map[string]*tensor.Dense{"nil": nil, "float32": to32(f64(1))} {
		_, err = a.LogProb(x)
		if name == "nil" {
			assert.ErrorIs(t, err, distributions.ErrShape)
		} else {
			assert.ErrorIs(t, err, distributions.ErrDType)
		}
	}
	b := mixtureB(t)
	_, err = b.LogProb(f64(0, 0, 0))
	assert.ErrorIs(t, err, distributions.ErrShape, "(3) against batch (2)")
	_, err = b.LogProbGrad(f64(0, 0, 0))
	assert.ErrorIs(t, err, distributions.ErrShape)

	ind := must(distributions.ToEvent(must(distributions.NewNormal(sh(f64(0, 1, 2, 3, 4, 5), 2, 3), s64(1))), 1))
	e := must(distributions.NewMixtureSameFamily(must(distributions.NewCategorical(f64(0.5, 0.5))), ind))
	_, err = e.LogProb(f64(0, 0))
	assert.ErrorIs(t, err, distributions.ErrShape, "event (3) against a value of (2)")
	_, err = e.LogProb(s64(0))
	assert.ErrorIs(t, err, distributions.ErrShape)

	// The support is the component's, checked when it validates.
	_, err = mixtureC(t).LogProb(f64(1, -1))
	assert.ErrorIs(t, err, distributions.ErrSupport)
	_, err = mixtureA(t).LogProb(f64(math.NaN()))
	assert.ErrorIs(t, err, distributions.ErrSupport)

	// The CDF of a component without one is ErrUnsupported.
	cat := must(distributions.NewCategoricalLogits(sh(f64(0, 0, 0, 0), 2, 2)))
	m := must(distributions.NewMixtureSameFamily(must(distributions.NewCategoricalLogits(f64(0, 0))), cat))
	_, err = m.CDF(f64(0))
	assert.ErrorIs(t, err, distributions.ErrUnsupported)

	// upstream
	_, err = a.LogProbVJP(f64(0, 1), to32(f64(1, 1)))
	assert.ErrorIs(t, err, distributions.ErrDType)
	_, err = a.LogProbVJP(f64(0, 1), f64(1, 1, 1))
	assert.ErrorIs(t, err, distributions.ErrShape)
}

func TestMixtureSameFamilyBuild(t *testing.T) {
	t.Parallel()
	const normal3 = `{"family": "Normal", "params": {"loc": {"shape": [3], "data": [-1, 0.5, 2]}, "scale": {"shape": [3], "data": [0.7, 1.3, 0.4]}}}`
	const cat3 = `{"family": "Categorical", "params": {"logits": {"shape": [3], "data": [0.3, -1.2, 0.5]}}}`
	d, err := distributions.Build([]byte(`{"family": "MixtureSameFamily", "mixture": ` + cat3 + `, "component": ` + normal3 + `}`))
	require.NoError(t, err)
	close(t, mixtureAlp, data64(t, must(d.LogProb(f64(mixtureAx...)))), 1e-14, 0)

	for name, c := range map[string]struct {
		spec string
		want error
	}{
		"no component":            {`{"family": "MixtureSameFamily", "mixture": ` + cat3 + `}`, distributions.ErrParam},
		"no mixture":              {`{"family": "MixtureSameFamily", "component": ` + normal3 + `}`, distributions.ErrParam},
		"mixture not Categorical": {`{"family": "MixtureSameFamily", "mixture": ` + normal3 + `, "component": ` + normal3 + `}`, distributions.ErrParam},
		"a parameter":             {`{"family": "MixtureSameFamily", "params": {"loc": 0}, "mixture": ` + cat3 + `, "component": ` + normal3 + `}`, distributions.ErrUnsupported},
		"bad component":           {`{"family": "MixtureSameFamily", "mixture": ` + cat3 + `, "component": {"family": "Normal", "params": {"loc": 0, "scale": -1}}}`, distributions.ErrParam},
	} {
		_, err := distributions.Build([]byte(c.spec))
		assert.ErrorIs(t, err, c.want, name)
	}
}

// TestMixtureSameFamilyGrad compares LogProbVJP with central finite
// differences of Σ w·log p, for every parameter of the mixture and of the
// component and for the value, over a batch with broadcasting (x of shape
// (3, 1), batch (2), K = 3), in both parameterisations of the weights.
func TestMixtureSameFamilyGrad(t *testing.T) {
	t.Parallel()
	noVal := distributions.WithValidation(false)
	for _, logits := range []bool{true, false} {
		mixData := []float64{0.3, -0.5, 0.1, 1.2, 0.4, -0.7}
		if !logits {
			mixData = []float64{0.2, 0.5, 0.3, 0.45, 0.15, 0.4}
		}
		loc := []float64{-1, 0.5, 2, 0, 1.5, -0.3}
		scale := []float64{0.7, 1.3, 0.4, 1.1, 0.6, 0.9}
		x := []float64{-0.4, 0.8, 1.9}
		w := []float64{1, -0.5, 2, 0, -3, 1.5} // upstream of shape (3, 2), one weight 0; column 0 sums to 0
		build := func(mx, lc, sc []float64) *distributions.MixtureSameFamily {
			mix := must(newCat(sh(f64(mx...), 2, 3), logits, noVal))
			comp := must(distributions.NewNormal(sh(f64(lc...), 2, 3), sh(f64(sc...), 2, 3), noVal))
			return must(distributions.NewMixtureSameFamily(mix, comp, noVal))
		}
		total := func(d *distributions.MixtureSameFamily, xv []float64) float64 {
			lp := data64(t, must(d.LogProb(sh(f64(xv...), 3, 1))))
			var s float64
			for i, v := range lp {
				s += w[i] * v
			}
			return s
		}
		g := must(build(mixData, loc, scale).LogProbVJP(sh(f64(x...), 3, 1), sh(f64(w...), 3, 2)))
		close(t, []float64{total(build(mixData, loc, scale), x)}, []float64{g.LogProb}, 1e-14, 0)
		mixKey := "mixture.probs"
		if logits {
			mixKey = "mixture.logits"
		}
		require.ElementsMatch(t, []string{mixKey, "component.loc", "component.scale"}, keysOf(g.Params))
		checks := map[string]func([]float64) float64{
			mixKey:            func(v []float64) float64 { return total(build(v, loc, scale), x) },
			"component.loc":   func(v []float64) float64 { return total(build(mixData, v, scale), x) },
			"component.scale": func(v []float64) float64 { return total(build(mixData, loc, v), x) },
		}
		at := map[string][]float64{mixKey: mixData, "component.loc": loc, "component.scale": scale}
		for key, f := range checks {
			want := centralDiff(f, at[key], 1e-5)
			got := data64(t, g.Params[key])
			assert.Equal(t, []int{2, 3}, shapeOf(g.Params[key]), key)
			e := maxRelErr(want, got, 1)
			t.Logf("logits=%v %s: max error %.2g", logits, key, e)
			assert.Less(t, e, 1e-8, key) // central differences, step 1e-5: ~1e-10 (helpers_test.go)
		}
		wantX := centralDiff(func(v []float64) float64 { return total(build(mixData, loc, scale), v) }, x, 1e-5)
		assert.Equal(t, []int{3, 1}, shapeOf(g.Value))
		assert.Less(t, maxRelErr(wantX, data64(t, g.Value), 1), 1e-8, "value")
	}
}

// TestMixtureSameFamilyGradNested: the gradient passes through wrappers
// on either side, names the component's parameters by their own shapes,
// and is the golden's for an expanded mixture.
func TestMixtureSameFamilyGradNested(t *testing.T) {
	t.Parallel()
	noVal := distributions.WithValidation(false)
	// component Independent(Normal (2, 3), 1): event (3)
	loc := []float64{0.6, -1.8, -2, 0.6, 0.9, -1.7}
	build := func(lc []float64) distributions.Distribution {
		ind := must(distributions.ToEvent(must(distributions.NewNormal(sh(f64(lc...), 2, 3), s64(0.8), noVal)), 1))
		return must(distributions.NewMixtureSameFamily(must(distributions.NewCategoricalLogits(f64(0.3, -0.5), noVal)), ind, noVal))
	}
	x := f64(2.8, -2.6, -2.2)
	g := must(build(loc).(distributions.LogProbGrader).LogProbGrad(x))
	want := centralDiff(func(v []float64) float64 { return data64(t, must(build(v).LogProb(x)))[0] }, loc, 1e-5)
	assert.Less(t, maxRelErr(want, data64(t, g.Params["component.loc"]), 1), 1e-8)
	assert.Equal(t, []int{}, shapeOf(g.Params["component.scale"]), "scale given as a scalar")
	assert.Equal(t, []int{3}, shapeOf(g.Value))

	// Independent(mixture) (the golden's gamma-to-event-outer shape): the
	// upstream reaches the mixture with a trailing singleton dim.
	conc := []float64{1.5, 2.1, 2.7, 2.6}
	buildG := func(c []float64) distributions.Distribution {
		comp := must(distributions.NewGamma(sh(f64(c...), 2, 2), f64(1.6, 0.55), noVal))
		mix := must(distributions.NewCategoricalLogits(sh(f64(0.7, 0.6, 0.5, -0.8), 2, 2), noVal))
		return must(distributions.ToEvent(must(distributions.NewMixtureSameFamily(mix, comp, noVal)), 1))
	}
	xg := f64(1.6, 2.9)
	gg := must(buildG(conc).(distributions.LogProbGrader).LogProbGrad(xg))
	wantG := centralDiff(func(v []float64) float64 { return data64(t, must(buildG(v).LogProb(xg)))[0] }, conc, 1e-5)
	assert.Less(t, maxRelErr(wantG, data64(t, gg.Params["component.concentration"]), 1), 1e-8)
	assert.Equal(t, []int{2}, shapeOf(gg.Params["component.rate"]))

	// Expanded: the gradient sums back to the parameters' own shapes.
	e := must(mixtureA(t, noVal).Expand([]int{4}))
	ge := must(e.(distributions.LogProbGrader).LogProbGrad(f64(0, 1, 2, 3)))
	assert.Equal(t, []int{3}, shapeOf(ge.Params["mixture.logits"]))
	assert.Equal(t, []int{3}, shapeOf(ge.Params["component.loc"]))
	ga := must(mixtureA(t, noVal).LogProbGrad(f64(0, 1, 2, 3)))
	close(t, data64(t, ga.Params["component.loc"]), data64(t, ge.Params["component.loc"]), 1e-15, 0)
}

// TestMixtureSameFamilyGradEdges: weights of 0 and values of log p = -Inf
// contribute nothing (never NaN); in the far tail the responsibilities are
// exact, not 0/0.
func TestMixtureSameFamilyGradEdges(t *testing.T) {
	t.Parallel()
	noVal := distributions.WithValidation(false)
	c := mixtureC(t, noVal)
	g := must(c.LogProbVJP(f64(-1, 1, 2), f64(1, 0, 1)))
	assert.Equal(t, math.Inf(-1), g.LogProb, "Σ w·log p keeps the -Inf of x = -1")
	for _, v := range g.Params {
		requireFinite(t, data64(t, v))
	}
	only := must(c.LogProbGrad(f64(2)))
	close(t, data64(t, only.Params["component.concentration"]), data64(t, g.Params["component.concentration"]), 1e-15, 0)
	assert.Equal(t, math.Inf(-1), must(c.LogProbGrad(f64(-1, 2))).LogProb)

	// x = 40 under A: every component's density underflows, the
	// responsibilities do not (all mass on the widest component).
	a := mixtureA(t)
	ga := must(a.LogProbGrad(s64(40)))
	gl := data64(t, ga.Params["mixture.logits"])
	requireFinite(t, gl)
	want := centralDiff(func(v []float64) float64 {
		m := must(distributions.NewMixtureSameFamily(must(distributions.NewCategoricalLogits(f64(v...))),
			must(distributions.NewNormal(f64(-1, 0.5, 2), f64(0.7, 1.3, 0.4)))))
		return data64(t, must(m.LogProb(s64(40))))[0]
	}, []float64{0.3, -1.2, 0.5}, 1e-5)
	assert.Less(t, maxRelErr(want, gl, 1), 1e-7)
}

func TestMixtureSameFamilyFloat32(t *testing.T) {
	t.Parallel()
	b64 := mixtureB(t)
	mix := must(distributions.NewCategorical(to32(sh(f64(0.2, 0.8, 0.6, 0.4), 2, 2))))
	comp := must(distributions.NewNormal(to32(sh(f64(0, 3, -2, 1), 2, 2)), to32(sh(f64(1, 0.5, 2, 1), 2, 2))))
	b32 := must(distributions.NewMixtureSameFamily(mix, comp))
	assert.Equal(t, tensor.Float32, b32.Dtype())
	x := sh(f64(-1, 0.5, 2), 3, 1)
	lp := must(b32.LogProb(to32(x)))
	require.Equal(t, tensor.Float32, lp.Dtype())
	close(t, data64(t, must(b64.LogProb(x))), data64(t, lp), tol32, 0)
	for name, f := range map[string]func(*distributions.MixtureSameFamily) (*tensor.Dense, error){
		"mean": (*distributions.MixtureSameFamily).Mean, "variance": (*distributions.MixtureSameFamily).Variance,
		"stddev": (*distributions.MixtureSameFamily).StdDev,
	} {
		v := must(f(b32))
		require.Equal(t, tensor.Float32, v.Dtype(), name)
		close(t, data64(t, must(f(b64))), data64(t, v), tol32, 1e-7)
	}
	cdf := must(b32.CDF(to32(x)))
	close(t, data64(t, must(b64.CDF(x))), data64(t, cdf), tol32, 0)
	g32 := must(b32.LogProbGrad(to32(x)))
	g64 := must(b64.LogProbGrad(x))
	close(t, []float64{g64.LogProb}, []float64{g32.LogProb}, tol32, 0)
	close(t, data64(t, g64.Value), data64(t, g32.Value), tol32, 1e-7)
	for k, v := range g64.Params {
		require.Equal(t, tensor.Float32, g32.Params[k].Dtype(), k)
		// The responsibilities reach the component's VJP as a float32
		// upstream: terms of size ~1 rounded to 6e-8, whose sum for
		// component.scale[1, 0] cancels to -0.0175 (measured 4e-8 absolute,
		// 2.4e-6 relative there; elsewhere below 1e-7 relative).
		close(t, data64(t, v), data64(t, g32.Params[k]), tol32, 1e-7)
	}
	s := must(b32.Sample(rand.NewPCG(1, 2), 5))
	assert.Equal(t, tensor.Float32, s.Dtype())
	assert.Equal(t, []int{5, 2}, shapeOf(s))
}

// mixtureNormalCDF is the CDF of Σ π_k N(μ_k, σ_k²), from gonum's normal.
func mixtureNormalCDF(pi, mu, sigma []float64) func(float64) float64 {
	return func(x float64) float64 {
		var s float64
		for k := range pi {
			s += pi[k] * distuv.Normal{Mu: mu[k], Sigma: sigma[k]}.CDF(x)
		}
		return s
	}
}

func softmax(l []float64) []float64 {
	m := slices.Max(l)
	out := make([]float64, len(l))
	var s float64
	for i, v := range l {
		out[i] = math.Exp(v - m)
		s += out[i]
	}
	for i := range out {
		out[i] /= s
	}
	return out
}

// mixtureColumn returns column j of data, n rows of stride values.
func mixtureColumn(data []float64, j, stride int) []float64 {
	col := make([]float64, len(data)/stride)
	for i := range col {
		col[i] = data[i*stride+j]
	}
	return col
}

func TestMixtureSameFamilySampleKS(t *testing.T) {
	t.Parallel()
	t.Run("normal", func(t *testing.T) {
		t.Parallel()
		a := mixtureA(t)
		x := data64(t, must(a.Sample(rand.NewPCG(7, 1), nDraws)))
		pi := softmax([]float64{0.3, -1.2, 0.5})
		mu, sg := []float64{-1, 0.5, 2}, []float64{0.7, 1.3, 0.4}
		p := ksPValue(ksStatistic(slices.Clone(x), mixtureNormalCDF(pi, mu, sg)), nDraws)
		t.Logf("mixture A: KS p = %.3g", p)
		assert.GreaterOrEqual(t, p, pCritical)
		// power: the same draws against weights with logit 0 moved by 0.15
		alt := softmax([]float64{0.45, -1.2, 0.5})
		p = ksPValue(ksStatistic(slices.Clone(x), mixtureNormalCDF(alt, mu, sg)), nDraws)
		t.Logf("mixture A draws against shifted weights: KS p = %.3g", p)
		assert.Less(t, p, pCritical)
	})
	t.Run("batch", func(t *testing.T) {
		t.Parallel()
		b := mixtureB(t)
		x := data64(t, must(b.Sample(rand.NewPCG(8, 1), nDraws)))
		pis := [][]float64{{0.2, 0.8}, {0.6, 0.4}}
		mus := [][]float64{{0, 3}, {-2, 1}}
		sgs := [][]float64{{1, 0.5}, {2, 1}}
		for j := range 2 {
			p := ksPValue(ksStatistic(mixtureColumn(x, j, 2), mixtureNormalCDF(pis[j], mus[j], sgs[j])), nDraws)
			t.Logf("mixture B[%d]: KS p = %.3g", j, p)
			assert.GreaterOrEqual(t, p, pCritical)
		}
		// power: column 0 is not column 1's mixture with swapped weights
		p := ksPValue(ksStatistic(mixtureColumn(x, 0, 2), mixtureNormalCDF([]float64{0.25, 0.75}, mus[0], sgs[0])), nDraws)
		assert.Less(t, p, pCritical)
	})
	t.Run("gamma", func(t *testing.T) {
		t.Parallel()
		x := data64(t, must(mixtureC(t).Sample(rand.NewPCG(9, 1), nDraws)))
		pi := softmax([]float64{0, 1})
		// Gamma(α, rate) has CDF P(α, rate·x), tensor.GammaIncP (checked
		// against mpmath in tensor/special_incgamma_test.go)
		cdf := func(v float64) float64 { return pi[0]*tensor.GammaIncP(2, v) + pi[1]*tensor.GammaIncP(0.5, 3*v) }
		p := ksPValue(ksStatistic(x, cdf), nDraws)
		t.Logf("gamma mixture: KS p = %.3g", p)
		assert.GreaterOrEqual(t, p, pCritical)
	})
	t.Run("event dims: marginals and a projection", func(t *testing.T) {
		// Independent(Normal (2, 3)) components: each coordinate is a
		// mixture of normals, and so is the sum of the coordinates, with
		// component means Σ_e μ_ke and variances Σ_e σ_ke².
		t.Parallel()
		loc := []float64{0, 1, -1, 2, -1, 0.5}
		scale := []float64{1, 0.5, 2, 0.8, 1.2, 0.3}
		ind := must(distributions.ToEvent(must(distributions.NewNormal(sh(f64(loc...), 2, 3), sh(f64(scale...), 2, 3))), 1))
		pi := []float64{0.35, 0.65}
		m := must(distributions.NewMixtureSameFamily(must(distributions.NewCategorical(f64(pi...))), ind))
		s := must(m.Sample(rand.NewPCG(10, 1), nDraws))
		require.Equal(t, []int{nDraws, 3}, shapeOf(s))
		x := data64(t, s)
		for e := range 3 {
			cdf := mixtureNormalCDF(pi, []float64{loc[e], loc[3+e]}, []float64{scale[e], scale[3+e]})
			p := ksPValue(ksStatistic(mixtureColumn(x, e, 3), cdf), nDraws)
			t.Logf("coordinate %d: KS p = %.3g", e, p)
			assert.GreaterOrEqual(t, p, pCritical)
		}
		sum := make([]float64, nDraws)
		for i := range sum {
			sum[i] = x[3*i] + x[3*i+1] + x[3*i+2]
		}
		var mu, sg [2]float64
		for k := range 2 {
			for e := range 3 {
				mu[k] += loc[3*k+e]
				sg[k] += scale[3*k+e] * scale[3*k+e]
			}
			sg[k] = math.Sqrt(sg[k])
		}
		p := ksPValue(ksStatistic(slices.Clone(sum), mixtureNormalCDF(pi, mu[:], sg[:])), nDraws)
		t.Logf("sum of coordinates: KS p = %.3g", p)
		assert.GreaterOrEqual(t, p, pCritical)
		// power: the coordinates are not drawn from independent categories
		// (which would give the sum another law with the same marginals)
		indep := make([]float64, nDraws)
		for i := range indep {
			indep[i] = x[3*i] + x[3*((i+1)%nDraws)+1] + x[3*((i+2)%nDraws)+2]
		}
		p = ksPValue(ksStatistic(indep, mixtureNormalCDF(pi, mu[:], sg[:])), nDraws)
		t.Logf("sum of coordinates of different draws: KS p = %.3g", p)
		assert.Less(t, p, pCritical)
	})
	t.Run("categorical components: chi-square", func(t *testing.T) {
		// int64 draws gathered from Categorical components: the law of the
		// index is Σ_k π_k p_k.
		t.Parallel()
		comp := must(distributions.NewCategorical(sh(f64(0.7, 0.2, 0.1, 0, 0.1, 0.3, 0.6, 0), 2, 4)))
		m := must(distributions.NewMixtureSameFamily(must(distributions.NewCategorical(f64(0.4, 0.6))), comp))
		s := must(m.Sample(rand.NewPCG(11, 1), nDraws))
		require.Equal(t, tensor.Int64, s.Dtype())
		want := []float64{0.4*0.7 + 0.6*0.1, 0.4*0.2 + 0.6*0.3, 0.4*0.1 + 0.6*0.6, 0}
		p := chiSquareCategorical(t, s.Int64s(), want)
		t.Logf("categorical components: chi-square p = %.3g", p)
		assert.GreaterOrEqual(t, p, pCritical)
		p = chiSquareCategorical(t, s.Int64s(), []float64{0.3, 0.28, 0.42, 0})
		assert.Less(t, p, pCritical, "power")
	})
}

func TestMixtureSameFamilySampleShapes(t *testing.T) {
	t.Parallel()
	b := mixtureB(t)
	assert.Equal(t, []int{2}, shapeOf(must(b.Sample(rand.NewPCG(1, 1)))))
	assert.Equal(t, []int{2, 3, 2}, shapeOf(must(b.Sample(rand.NewPCG(1, 1), 2, 3))))
	assert.Equal(t, []int{0, 2}, shapeOf(must(b.Sample(rand.NewPCG(1, 1), 0))))
	_, err := b.Sample(nil, 2)
	assert.ErrorIs(t, err, distributions.ErrNilSource)
	_, err = b.Sample(rand.NewPCG(1, 1), -1)
	assert.ErrorIs(t, err, distributions.ErrShape)
	// Same source state, same draws.
	assert.Equal(t, data64(t, must(b.Sample(rand.NewPCG(3, 4), 10))), data64(t, must(b.Sample(rand.NewPCG(3, 4), 10))))
}

func TestMixtureSameFamilySampleGOMAXPROCS(t *testing.T) {
	const n = 200_000 // the components draw 3n normals: parallel blocks
	require.Greater(t, 3*n, tensor.ParallelMin)
	a := mixtureA(t)
	draw := func(procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		return data64(t, must(a.Sample(rand.NewPCG(42, 43), n)))
	}
	one, two := draw(1), draw(2)
	assert.True(t, slices.Equal(one, two), "draws depend on GOMAXPROCS")
}

func TestMixtureSameFamilyExpand(t *testing.T) {
	t.Parallel()
	b := mixtureB(t)
	e, err := distributions.Expand(b, []int{3, 2})
	require.NoError(t, err)
	me, ok := e.(*distributions.MixtureSameFamily)
	require.True(t, ok, "native expand")
	assert.Equal(t, []int{3, 2}, me.BatchShape())
	assert.Equal(t, []int{3, 2, 2}, me.ComponentDistribution().BatchShape())
	x := sh(f64(-1, 0.5, 2), 3, 1)
	lp := must(e.LogProb(x))
	assert.Equal(t, []int{3, 2}, shapeOf(lp))
	close(t, mixtureBlp, data64(t, lp), 1e-14, 0)
	assert.Same(t, b.Params()["component.loc"], me.Params()["component.loc"], "parameters shared")
	assert.Equal(t, []int{5, 3, 2}, shapeOf(must(e.Sample(rand.NewPCG(1, 1), 5))))
	_, err = distributions.Expand(b, []int{3})
	assert.ErrorIs(t, err, distributions.ErrShape)
	_, err = b.Expand([]int{3, 3})
	assert.ErrorIs(t, err, distributions.ErrShape)
}

func FuzzMixtureSameFamily(f *testing.F) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, c := range [][7]float64{
		{0, 0, 0, 1, 1, 1, 0.5}, {0.3, 0.7, -1, 2, 0.5, 2, 40}, {nan, 0, 0, 1, 1, 1, 0}, {0, 0, 0, 1, -1, 1, 0},
		{0, 0, 0, 1, 1, 1, nan}, {-inf, -inf, 0, 0, 1, 1, 0}, {0, 0, 1e308, -1e308, 1e-300, 1e300, inf},
		{800, -800, 0, 0, 1, 1, 1e10}, {inf, 0, 0, 1, 1, 1, 0.5}, {0.24, 711, -59, 16, 0.5, 0.2, -31},
	} {
		f.Add(c[0], c[1], c[2], c[3], c[4], c[5], c[6], false)
		f.Add(c[0], c[1], c[2], c[3], c[4], c[5], c[6], true)
	}
	f.Fuzz(func(t *testing.T, m0, m1, l0, l1, s0, s1, x float64, probs bool) {
		mix, err := newCat(f64(m0, m1), !probs)
		if err != nil {
			require.ErrorIs(t, err, distributions.ErrParam)
			return
		}
		comp, err := distributions.NewNormal(f64(l0, l1), f64(s0, s1))
		if !(s0 > 0 && s1 > 0) || math.IsNaN(l0) || math.IsNaN(l1) {
			require.ErrorIs(t, err, distributions.ErrParam)
			return
		}
		require.NoError(t, err)
		d, err := distributions.NewMixtureSameFamily(mix, comp)
		require.NoError(t, err)
		lp, err := d.LogProb(s64(x))
		g, gerr := d.LogProbGrad(s64(x))
		if math.IsNaN(x) {
			require.ErrorIs(t, err, distributions.ErrSupport)
			require.ErrorIs(t, gerr, distributions.ErrSupport)
			return
		}
		require.NoError(t, err)
		require.NoError(t, gerr)
		v := data64(t, lp)[0]
		pi := data64(t, mix.Probs())
		if !math.IsNaN(pi[0]) && !math.IsInf(x, 0) {
			require.False(t, math.IsNaN(v), "log p = NaN")
			require.False(t, math.IsNaN(g.LogProb))
		}
		// the textbook oracle where nothing overflows
		if !math.IsNaN(pi[0]) && math.Abs(x) < 1e6 && math.Abs(l0) < 1e6 && math.Abs(l1) < 1e6 && math.Abs(m0) < 1e300 && math.Abs(m1) < 1e300 &&
			min(s0, s1) > 1e-3 && max(s0, s1) < 1e3 {
			// log π from the parameter as given: logits minus their
			// logsumexp, or log p − log Σp (tensor.Log: math.Log is wrong
			// for subnormal p on amd64)
			logPi := make([]float64, 2)
			if probs {
				for k, v := range []float64{m0, m1} {
					logPi[k] = tensor.Log(v) - tensor.Log(m0+m1)
				}
			} else {
				top := max(m0, m1)
				z := top + math.Log(math.Exp(m0-top)+math.Exp(m1-top))
				logPi[0], logPi[1] = m0-z, m1-z
			}
			var terms []float64
			for k, l := range []float64{l0, l1} {
				if !math.IsInf(logPi[k], -1) {
					terms = append(terms, logPi[k]+distuv.Normal{Mu: l, Sigma: []float64{s0, s1}[k]}.LogProb(x))
				}
			}
			m := slices.Max(terms)
			var s float64
			for _, v := range terms {
				s += math.Exp(v - m)
			}
			close(t, []float64{m + math.Log(s)}, []float64{v}, 1e-9, 1e-9)
		}
		_, _ = d.Mean()
		_, _ = d.Variance()
		_, _ = d.CDF(s64(x))
		_, _ = d.Sample(rand.NewPCG(1, 2), 3)
	})
}

// A mixture of two normals (values checked with mpmath): the components are one Normal of batch (2),
// its last batch dim the mixture's categories.
func ExampleMixtureSameFamily() {
	mix, err := distributions.NewCategorical(tensor.Vector(0.3, 0.7))
	if err != nil {
		log.Fatal(err)
	}
	comp, err := distributions.NewNormal(tensor.Vector(-2.0, 2.0), tensor.Vector(1.0, 0.5))
	if err != nil {
		log.Fatal(err)
	}
	d, err := distributions.NewMixtureSameFamily(mix, comp)
	if err != nil {
		log.Fatal(err)
	}
	lp, _ := d.LogProb(tensor.Vector(-2.0, 0.0, 2.0))
	mean, _ := d.Mean()
	g, _ := d.LogProbGrad(tensor.Scalar(0.0))
	fmt.Printf("%.4f\n", lp.Float64s())
	fmt.Printf("%.4f\n", mean.Float64s())
	fmt.Printf("%.4f %.4f\n", g.Params["mixture.probs"].Float64s(), g.Params["component.loc"].Float64s())
	// mpmath: logsumexp of log π_k + log N(x; μ_k, σ_k); at x = 0
	// ∂/∂p_k = r_k/p_k − 1 and ∂/∂μ_k = r_k(x − μ_k)/σ_k², r the
	// responsibilities.

	// Output:
	// [-2.1229 -4.1114 -0.5824]
	// [0.8000]
	// [2.2952 -0.9837] [1.9771 -0.0915]
}
