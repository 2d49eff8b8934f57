package distributions_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

func logisticNormal(t testing.TB, loc, scale *tensor.Dense, opts ...distributions.Option) *distributions.LogisticNormal {
	t.Helper()
	d, err := distributions.NewLogisticNormal(loc, scale, opts...)
	require.NoError(t, err)
	return d
}

// TestLogisticNormalLogProb: against mpmath (/tmp/tdref/ref2.py: the
// normal density of the inverse stick-breaking map minus log|det J|, at the
// float64 inputs). With scalar parameters the event is (2,) and the law of
// y_1 is the logit-normal, the same references as the sigmoid test.
func TestLogisticNormalLogProb(t *testing.T) {
	t.Parallel()
	d := logisticNormal(t, f64(0.1, -0.5, 0.8), f64(1.2, 0.7, 0.9))
	assert.Equal(t, []int{}, d.BatchShape())
	assert.Equal(t, []int{4}, d.EventShape())
	lp, err := d.LogProb(sh(f64(0.1, 0.2, 0.3, 0.4, 1e-8, 0.5, 0.25, 0.25-1e-8), 2, 4))
	require.NoError(t, err)
	close(t, []float64{2.322434836811521, -87.83022949071183}, data64(t, lp), tol64, 0)

	s := logisticNormal(t, s64(0.3), s64(1.4))
	assert.Equal(t, []int{}, s.BatchShape())
	assert.Equal(t, []int{2}, s.EventShape(), "a scalar normal is expanded to (1,) first")
	lp, err = s.LogProb(sh(f64(0.2, 0.8, 0.9, 0.1), 2, 2))
	require.NoError(t, err)
	close(t, []float64{-0.1482345796349072, 0.23430496718093613}, data64(t, lp), tol64, 0)
	into := must(tensor.Zeros[float64](2))
	require.NoError(t, s.LogProbInto(into, sh(f64(0.2, 0.8, 0.9, 0.1), 2, 2)))
	close(t, []float64{-0.1482345796349072, 0.23430496718093613}, data64(t, into), tol64, 0)
}

func TestLogisticNormalShapes(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		loc, scale   *tensor.Dense
		batch, event []int
	}{
		{s64(0), s64(1), []int{}, []int{2}},
		{sh(f64(0.7, 0.2, 0.04, -0.6), 2, 2), f64(1.1, 0.7), []int{2}, []int{3}},
		{f64(0, 1, 2), sh(f64(1, 2), 2, 1), []int{2}, []int{4}},
	} {
		d := logisticNormal(t, c.loc, c.scale)
		assert.Equal(t, c.batch, d.BatchShape())
		assert.Equal(t, c.event, d.EventShape())
		assert.True(t, distributions.HasRSample(d))
		assert.False(t, distributions.HasEnumerateSupport(d))
		assert.Equal(t, []string{"loc", "scale"}, transformsSortedKeys(d.Params()))
		assert.Same(t, c.loc, d.Loc())
		assert.Same(t, c.scale, d.Scale())
	}
	var d distributions.Distribution = logisticNormal(t, s64(0), s64(1))
	for name, ok := range map[string]bool{
		"LogProbGrader": logisticNormalHas[distributions.LogProbGrader](d), "PathwiseGrader": logisticNormalHas[distributions.PathwiseGrader](d),
		"Expander": logisticNormalHas[distributions.Expander](d), "LogProbIntoer": logisticNormalHas[distributions.LogProbIntoer](d),
		"RSampler": logisticNormalHas[distributions.RSampler](d), "Parameterised": logisticNormalHas[distributions.Parameterised](d),
	} {
		assert.True(t, ok, name)
	}
	for name, ok := range map[string]bool{ // torch 1.13 raises for each
		"CDFer": logisticNormalHas[distributions.CDFer](d), "ICDFer": logisticNormalHas[distributions.ICDFer](d),
		"Meaner": logisticNormalHas[distributions.Meaner](d), "Entropier": logisticNormalHas[distributions.Entropier](d),
	} {
		assert.False(t, ok, name)
	}
	assert.Equal(t, []int{2}, d.(*distributions.LogisticNormal).Transformed().EventShape())
	_, _, err := distributions.InferShapes("LogisticNormal", map[string][]int{"loc": {3}, "scale": {3}})
	require.ErrorIs(t, err, distributions.ErrUnsupported, "Pyro raises for a support with event dims")
}

func TestLogisticNormalErrors(t *testing.T) {
	t.Parallel()
	var ce *distributions.ConstraintError
	_, err := distributions.NewLogisticNormal(f64(0, 1), f64(1, -2))
	require.ErrorIs(t, err, distributions.ErrParam)
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, distributions.ConstraintError{Family: "logistic_normal", Name: "scale", Rule: "> 0", Got: -2, Index: []int{1}, Err: distributions.ErrParam}, *ce)
	_, err = distributions.NewLogisticNormal(f64(0, math.NaN()), s64(1))
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "loc", ce.Name)
	_, err = distributions.NewLogisticNormal(f64(0, 1, 2), f64(1, 2))
	require.ErrorIs(t, err, distributions.ErrShape)
	_, err = distributions.NewLogisticNormal(f64(0, 1), f32(1, 2))
	require.ErrorIs(t, err, distributions.ErrDType)
	_, err = distributions.NewLogisticNormal(nil, s64(1))
	require.ErrorIs(t, err, distributions.ErrParam)
	_, err = distributions.NewLogisticNormal(f64(0, 1), f64(1, -2), tdNoVal)
	require.NoError(t, err, "validation off")

	d := logisticNormal(t, f64(0, 1), s64(1))
	_, err = d.LogProb(f64(0.2, 0.2, 0.2, 0.4))
	require.ErrorIs(t, err, distributions.ErrShape)
	_, err = d.LogProb(f64(0.2, 0.3, 0.6))
	require.ErrorIs(t, err, distributions.ErrSupport)
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "logistic_normal", ce.Family)
	u := logisticNormal(t, f64(0, 1), s64(1), tdNoVal)
	lp, err := u.LogProb(f64(0.2, 0.3, 0.6))
	require.NoError(t, err)
	assert.Equal(t, []float64{math.Inf(-1)}, data64(t, lp), "off the simplex the density is 0")

	for _, c := range []struct {
		spec string
		want error
	}{
		{`{"family": "LogisticNormal", "params": {"loc": 0}}`, distributions.ErrParam},
		{`{"family": "LogisticNormal", "params": {"loc": 0, "scale": 1, "df": 3}}`, distributions.ErrUnsupported},
		{`{"family": "LogisticNormal", "params": {"loc": 0, "scale": 0}}`, distributions.ErrParam},
	} {
		_, err := distributions.Build([]byte(c.spec))
		require.ErrorIs(t, err, c.want, c.spec)
	}
}

// TestLogisticNormalGradients: ∂/∂loc and ∂/∂scale (broadcast from (2, 2)
// and (2,)) and ∂/∂y of Σ w·log p against central differences (relative
// 1e-7 at step 1e-5; the simplex values move by 1e-8, within the support's
// 1e-6 tolerance, which leaves ~1e-8 of rounding: 1e-6 there).
func TestLogisticNormalGradients(t *testing.T) {
	t.Parallel()
	loc, scale := []float64{0.7251, 0.2019, 0.0449, -0.6253}, []float64{1.0784, 0.7091}
	y := sh(f64(0.3226424781737468, 0.2359091574564976, 0.44144836436975554, 0.3958879508065251, 0.09842266521140337, 0.5056893839820715,
		0.2, 0.3, 0.5, 0.1, 0.1, 0.8), 2, 2, 3)
	w := sh(f64(1, -2), 2, 1)
	obj := func(loc, scale []float64, y *tensor.Dense) float64 {
		d := logisticNormal(t, sh(f64(loc...), 2, 2), f64(scale...))
		lp := data64(t, must(d.LogProb(y)))
		return lp[0] + lp[1] - 2*lp[2] - 2*lp[3]
	}
	d := logisticNormal(t, sh(f64(loc...), 2, 2), f64(scale...))
	g, err := d.LogProbVJP(y, w)
	require.NoError(t, err)
	require.Equal(t, []string{"loc", "scale"}, transformsSortedKeys(g.Params))
	close(t, []float64{obj(loc, scale, y)}, []float64{g.LogProb}, 1e-14, 0)
	fl := centralDiff(func(x []float64) float64 { return obj(x, scale, y) }, loc, 1e-5)
	assert.Less(t, maxRelErr(fl, data64(t, g.Params["loc"]), 1e-3), 1e-7)
	fs := centralDiff(func(x []float64) float64 { return obj(loc, x, y) }, scale, 1e-5)
	assert.Less(t, maxRelErr(fs, data64(t, g.Params["scale"]), 1e-3), 1e-7)
	assert.Equal(t, []int{2}, shapeOf(g.Params["scale"]))
	yv := data64(t, y)
	fy := centralDiff(func(x []float64) float64 { return obj(loc, scale, must(tensor.New(x, 2, 2, 3))) }, yv, 1e-8)
	gv := data64(t, g.Value)
	for i := range yv {
		if i%3 == 2 {
			assert.Equal(t, 0.0, gv[i], "y_{K+1} is not read")
			continue
		}
		assert.InDelta(t, fy[i], gv[i], 1e-6*max(1e-3, math.Abs(fy[i])), "∂/∂y[%d]", i)
	}

	// the reparameterisation gradient at fixed noise ε
	eps := []float64{0.3, -1.1, 0.8, 0.05}
	u := []float64{0.5, -1, 2, 0.3, 0.7, -0.4}
	push := func(loc, scale []float64) float64 {
		x := make([]float64, 4)
		for i := range x {
			x[i] = loc[i] + scale[i%2]*eps[i] // scale (2,) broadcasts along the last dim
		}
		yy := data64(t, must(distributions.NewStickBreakingTransform().Forward(must(tensor.New(x, 2, 2)))))
		var s float64
		for i, v := range yy {
			s += u[i] * v
		}
		return s
	}
	x := make([]float64, 4)
	for i := range x {
		x[i] = loc[i] + scale[i%2]*eps[i] // scale (2,) broadcasts along the last dim
	}
	draws := must(distributions.NewStickBreakingTransform().Forward(must(tensor.New(x, 2, 2))))
	pg, err := d.RSampleVJP(draws, must(tensor.New(u, 2, 3)))
	require.NoError(t, err)
	require.Equal(t, []string{"loc", "scale"}, transformsSortedKeys(pg))
	assert.Less(t, maxRelErr(centralDiff(func(v []float64) float64 { return push(v, scale) }, loc, 1e-5), data64(t, pg["loc"]), 1e-3), 1e-7)
	assert.Less(t, maxRelErr(centralDiff(func(v []float64) float64 { return push(loc, v) }, scale, 1e-5), data64(t, pg["scale"]), 1e-3), 1e-7)
}

// TestLogisticNormalSampleKS: the stick-breaking coordinates of a draw are
// independent normals: logit(y_1) + log 3, logit(y_2/(1 − y_1)) + log 2 and
// logit(y_3/(1 − y_1 − y_2)) ~ N(μ_i, σ_i), tested by KS, with the power to
// reject a shift of 0.03.
func TestLogisticNormalSampleKS(t *testing.T) {
	t.Parallel()
	mu, sg := []float64{0.2, -0.5, 0.9}, []float64{0.8, 1.3, 0.6}
	d := logisticNormal(t, f64(mu...), f64(sg...))
	x, err := d.RSample(rand.NewPCG(11, 12), nDraws)
	require.NoError(t, err)
	require.Equal(t, []int{nDraws, 4}, shapeOf(x))
	data := data64(t, x)
	cols := make([][]float64, 3)
	for i := range nDraws {
		y := data[i*4 : i*4+4]
		require.InDelta(t, 1, y[0]+y[1]+y[2]+y[3], 1e-15)
		rem := 1.0
		for k := range 3 {
			z := y[k] / rem
			cols[k] = append(cols[k], math.Log(z/(1-z))+math.Log(float64(3-k)))
			rem -= y[k]
		}
	}
	for k := range 3 {
		p := ksPValue(ksStatistic(append([]float64(nil), cols[k]...), distuv.Normal{Mu: mu[k], Sigma: sg[k]}.CDF), nDraws)
		t.Logf("coordinate %d: KS p = %.3g", k, p)
		assert.GreaterOrEqual(t, p, pCritical)
		pw := ksPValue(ksStatistic(cols[k], distuv.Normal{Mu: mu[k] + 0.03*sg[k]/0.8*2, Sigma: sg[k]}.CDF), nDraws)
		assert.Less(t, pw, pCritical, "power, coordinate %d", k)
	}
	s, err := d.Sample(rand.NewPCG(11, 12), nDraws)
	require.NoError(t, err)
	assert.Equal(t, data, data64(t, s), "Sample is RSample")
}

func TestLogisticNormalExpandAndKL(t *testing.T) {
	t.Parallel()
	d := logisticNormal(t, f64(0.1, -0.5), f64(1.2, 0.7))
	e, err := distributions.Expand(d, []int{4})
	require.NoError(t, err)
	require.IsType(t, &distributions.LogisticNormal{}, e)
	assert.Equal(t, []int{4}, e.BatchShape())
	assert.Equal(t, []int{3}, e.EventShape())
	y := f64(0.2, 0.3, 0.5)
	a, b := must(d.LogProb(y)), must(e.LogProb(y))
	assert.Equal(t, []float64{data64(t, a)[0], data64(t, a)[0], data64(t, a)[0], data64(t, a)[0]}, data64(t, b))
	g, err := e.(*distributions.LogisticNormal).LogProbGrad(y)
	require.NoError(t, err)
	assert.Equal(t, []string{"loc", "scale"}, transformsSortedKeys(g.Params))

	// KL: the normals' (Σ of ½(r² + t² − 1 − 2 log r))
	q := logisticNormal(t, f64(0.3, 0.2), f64(0.9, 1.1))
	k, err := distributions.KL(d, q)
	require.NoError(t, err)
	klN := func(mp, sp, mq, sq float64) float64 {
		r, u := sp/sq, (mp-mq)/sq
		return 0.5 * (r*r + u*u - 1 - 2*math.Log(r))
	}
	close(t, []float64{klN(0.1, 1.2, 0.3, 0.9) + klN(-0.5, 0.7, 0.2, 1.1)}, data64(t, k), 1e-14, 0)
	same := tdIndNormal(t, f64(0.3, 0.2), f64(0.9, 1.1), distributions.NewStickBreakingTransform())
	k2, err := distributions.KL(d, same)
	require.NoError(t, err)
	assert.Equal(t, data64(t, k), data64(t, k2), "against the same TransformedDistribution")
	k3, err := distributions.KL(same, d)
	require.NoError(t, err)
	close(t, []float64{klN(0.3, 0.9, 0.1, 1.2) + klN(0.2, 1.1, -0.5, 0.7)}, data64(t, k3), 1e-14, 0)
	_, err = distributions.KL(d, tdIndNormal(t, f64(0.3, 0.2, 0), s64(1), distributions.NewSoftmaxTransform()))
	require.ErrorIs(t, err, distributions.ErrNoKL)
}

func TestLogisticNormalFloat32(t *testing.T) {
	t.Parallel()
	d32 := logisticNormal(t, f32(0.1, -0.5), f32(1.2, 0.7))
	d64 := logisticNormal(t, f64(0.1, -0.5), f64(1.2, 0.7))
	y := f64(0.25, 0.25, 0.5)
	l32, err := d32.LogProb(to32(y))
	require.NoError(t, err)
	require.Equal(t, tensor.Float32, l32.Dtype())
	close(t, data64(t, must(d64.LogProb(y))), data64(t, l32), tol32, 0)
	g32, err := d32.LogProbGrad(to32(y))
	require.NoError(t, err)
	g64, err := d64.LogProbGrad(y)
	require.NoError(t, err)
	for _, name := range []string{"loc", "scale"} {
		require.Equal(t, tensor.Float32, g32.Params[name].Dtype())
		close(t, data64(t, g64.Params[name]), data64(t, g32.Params[name]), tol32, 0)
	}
	x, err := d32.Sample(rand.NewPCG(1, 2), 2)
	require.NoError(t, err)
	require.Equal(t, tensor.Float32, x.Dtype())
}

// FuzzLogisticNormal: never panics; bad parameters are ErrParam, values
// off the simplex ErrSupport (validating) or −Inf (not), and on it log p
// is the normal density of the inverse map less log|det J|.
func FuzzLogisticNormal(f *testing.F) {
	f.Add(0.1, -0.5, 1.2, 0.2, 0.3)
	f.Add(0.0, 0.0, 1.0, 0.5, 0.5)
	f.Add(0.0, 0.0, 1.0, 0.0, 0.5)
	f.Add(0.0, 0.0, -1.0, 0.2, 0.3)
	f.Add(math.NaN(), 0.0, 1.0, 0.2, 0.3)
	f.Add(0.0, 0.0, 1.0, 0.6, 0.6)
	f.Add(0.0, 0.0, 1.0, math.NaN(), 0.3)
	f.Add(1e300, -1e300, 1e-300, 1e-300, 0.5)
	f.Fuzz(func(t *testing.T, m1, m2, s, y1, y2 float64) {
		d, err := distributions.NewLogisticNormal(f64(m1, m2), s64(s))
		if !(s > 0) || math.IsNaN(m1) || math.IsNaN(m2) {
			require.ErrorIs(t, err, distributions.ErrParam)
			d = logisticNormal(t, f64(m1, m2), s64(s), tdNoVal)
		} else {
			require.NoError(t, err)
		}
		y := f64(y1, y2, 1-y1-y2)
		onSimplex := y1 >= 0 && y2 >= 0 && 1-y1-y2 >= 0 && math.Abs(y1+y2+(1-y1-y2)-1) < 1e-6
		lp, err := d.LogProb(y)
		_, gerr := d.LogProbGrad(y)
		if d.Validating() && !onSimplex {
			require.ErrorIs(t, err, distributions.ErrSupport)
			require.ErrorIs(t, gerr, distributions.ErrSupport)
			return
		}
		require.NoError(t, err)
		require.NoError(t, gerr)
		got := data64(t, lp)[0]
		if !onSimplex && !math.IsNaN(y1) && !math.IsNaN(y2) {
			require.Equal(t, math.Inf(-1), got)
			return
		}
		if y1 > 1e-3 && y2 > 1e-3 && 1-y1-y2 > 1e-3 && s > 0.1 && s < 10 && math.Abs(m1) < 10 && math.Abs(m2) < 10 {
			x1 := math.Log(y1) - math.Log(1-y1) + math.Log(2)
			x2 := math.Log(y2) - math.Log(1-y1-y2)
			want := distuv.Normal{Mu: m1, Sigma: s}.LogProb(x1) + distuv.Normal{Mu: m2, Sigma: s}.LogProb(x2) -
				math.Log(y1) - math.Log(y2) - math.Log(1-y1-y2)
			close(t, []float64{want}, []float64{got}, 1e-9, 1e-9)
		}
	})
}

// logisticNormalHas reports whether d offers capability C.
func logisticNormalHas[C any](d distributions.Distribution) bool { _, ok := d.(C); return ok }
