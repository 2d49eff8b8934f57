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

var tdNoVal = distributions.WithValidation(false)

// tdOf builds TransformedDistribution(base, ts).
func tdOf(t testing.TB, base distributions.Distribution, ts ...distributions.Transform) *distributions.Transformed {
	t.Helper()
	d, err := distributions.NewTransformed(base, ts)
	require.NoError(t, err)
	return d
}

// tdNormal is TransformedDistribution(Normal(loc, scale), ts).
func tdNormal(t testing.TB, loc, scale *tensor.Dense, ts ...distributions.Transform) *distributions.Transformed {
	t.Helper()
	return tdOf(t, must(distributions.NewNormal(loc, scale)), ts...)
}

// tdIndNormal is TransformedDistribution(Normal(loc, scale).to_event(1), ts).
func tdIndNormal(t testing.TB, loc, scale *tensor.Dense, ts ...distributions.Transform) *distributions.Transformed {
	t.Helper()
	return tdOf(t, must(distributions.ToEvent(must(distributions.NewNormal(loc, scale)), 1)), ts...)
}

// TestTransformedLogProbReferences: log p against mpmath (50 digits,
// /tmp/tdref/ref2.py: the base density at the exact inverse minus the
// textbook log-Jacobian, at the float64 inputs) and against gonum's
// LogNormal and Normal for the affine and exp images of a normal.
func TestTransformedLogProbReferences(t *testing.T) {
	t.Parallel()
	gonum := func(f func(float64) float64, ys ...float64) []float64 {
		out := make([]float64, len(ys))
		for i, y := range ys {
			out[i] = f(y)
		}
		return out
	}
	ccY := sh(f64(1, 0, 0, 0.3799489622552249, 0.9250074519057551, 0, -0.6043677771171635, 0.637761941355649, 0.4774927184164512), 3, 3)
	tests := []struct {
		name string
		d    distributions.Distribution
		y    *tensor.Dense
		want []float64
		tol  float64
	}{
		{"logit-normal, tails", tdNormal(t, s64(0.3), s64(1.4), distributions.NewSigmoidTransform()),
			f64(0.2, 0.9, 1-1e-12, 1e-200), []float64{-0.1482345796349072, 0.23430496718093613, -164.18200132569217, -53712.249777450415}, tol64},
		{"tanh-normal", tdNormal(t, s64(-0.2), s64(0.6), distributions.NewTanhTransform()),
			f64(-0.999, 0.5), []float64{-12.195016414682726, -0.9002359730101893}, tol64},
		{"stick breaking of a normal 3-vector", tdIndNormal(t, f64(0.1, -0.5, 0.8), f64(1.2, 0.7, 0.9), distributions.NewStickBreakingTransform()),
			sh(f64(0.1, 0.2, 0.3, 0.4, 1e-8, 0.5, 0.25, 0.25-1e-8), 2, 4), []float64{2.322434836811521, -87.83022949071183}, tol64},
		{"corr cholesky 3x3", tdIndNormal(t, f64(0.2, -0.3, 0.5), f64(1.1, 0.8, 1.3), distributions.NewCorrCholeskyTransform()),
			ccY, []float64{-1.277794356662421}, tol64},
		// gonum's log-normal and normal are accurate to a few ulps of each term
		{"exp of a normal is gonum's LogNormal", tdNormal(t, s64(0.4), s64(0.8), distributions.NewExpTransform()),
			f64(0.05, 1, 7.5), gonum(distuv.LogNormal{Mu: 0.4, Sigma: 0.8}.LogProb, 0.05, 1, 7.5), 1e-13},
		{"decreasing affine of a normal", tdNormal(t, s64(0.4), s64(0.8), transformsAffine(t, s64(0.7), s64(-2.5), 0)),
			f64(-3, 0.3, 4), gonum(distuv.Normal{Mu: 0.7 - 2.5*0.4, Sigma: 2.5 * 0.8}.LogProb, -3, 0.3, 4), 1e-13},
		// the Jacobian of a scalar scale over a 3-vector is s³ (torch 1.13 counts s once)
		{"affine event_dim 1, scalar scale", tdIndNormal(t, f64(0.1, -0.2, 0.3), f64(1, 0.5, 2), transformsAffine(t, f64(1, 2, 3), s64(2), 1)),
			f64(0.5, 1.5, 4), []float64{distuv.Normal{Mu: 1.2, Sigma: 2}.LogProb(0.5) + distuv.Normal{Mu: 1.6, Sigma: 1}.LogProb(1.5) + distuv.Normal{Mu: 3.6, Sigma: 4}.LogProb(4)}, 1e-13},
		// Uniform(0.5, 2) through x^e: p(y) = (1/1.5)·dx/dy = (1/1.5)·x/(e·y), x = y^(1/e)
		{"power of a uniform", tdOf(t, must(distributions.NewUniform(s64(0.5), s64(2))), transformsPow(t, s64(transformsPower))),
			f64(1, 2, 5), []float64{
				math.Log(1/1.5) + math.Log(math.Pow(1, 1/transformsPower)/(transformsPower*1)),
				math.Log(1/1.5) + math.Log(math.Pow(2, 1/transformsPower)/(transformsPower*2)),
				math.Log(1/1.5) + math.Log(math.Pow(5, 1/transformsPower)/(transformsPower*5)),
			}, 1e-14},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			lp, err := tc.d.LogProb(tc.y)
			require.NoError(t, err)
			close(t, tc.want, data64(t, lp), tc.tol, 0)
			g, err := tc.d.(distributions.LogProbGrader).LogProbGrad(tc.y)
			require.NoError(t, err)
			var sum float64
			for _, v := range tc.want {
				sum += v
			}
			close(t, []float64{sum}, []float64{g.LogProb}, 1e-13, 0)
			into := must(tc.d.LogProb(tc.y))
			require.NoError(t, tc.d.(distributions.LogProbIntoer).LogProbInto(into, tc.y))
			close(t, tc.want, data64(t, into), tc.tol, 0)
		})
	}
}

func TestTransformedShapes(t *testing.T) {
	t.Parallel()
	n23 := func() distributions.Distribution {
		return must(distributions.NewNormal(must(tensor.Zeros[float64](2, 3)), must(tensor.Full(1.0, 2, 3))))
	}
	tests := []struct {
		name         string
		d            *distributions.Transformed
		batch, event []int
	}{
		{"affine parameters grow the batch", tdNormal(t, f64(0, 1, 2), s64(1), transformsAffine(t, sh(f64(1, 2), 2, 1), s64(3), 0)), []int{2, 3}, []int{}},
		{"stick breaking of an Independent", tdIndNormal(t, must(tensor.Zeros[float64](2, 3)), s64(1), distributions.NewStickBreakingTransform()), []int{2}, []int{4}},
		{"stick breaking reinterprets the base's last batch dim", tdOf(t, n23(), distributions.NewStickBreakingTransform()), []int{2}, []int{4}},
		{"corr cholesky 6 → 4x4", tdOf(t, must(distributions.NewNormal(must(tensor.Zeros[float64](2, 6)), s64(1))), distributions.NewCorrCholeskyTransform()), []int{2}, []int{4, 4}},
		{"the base's event dims stay events", tdOf(t, must(distributions.ToEvent(n23(), 1)), distributions.NewExpTransform()), []int{2}, []int{3}},
		{"no transforms", tdOf(t, n23()), []int{2, 3}, []int{}},
		{"zero-size batch", tdNormal(t, must(tensor.Zeros[float64](0)), s64(1), distributions.NewExpTransform()), []int{0}, []int{}},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.batch, tc.d.BatchShape(), tc.name)
		assert.Equal(t, tc.event, tc.d.EventShape(), tc.name)
		x, err := tc.d.Sample(rand.NewPCG(1, 2), 5)
		require.NoError(t, err, tc.name)
		assert.Equal(t, slices.Concat([]int{5}, tc.batch, tc.event), shapeOf(x), tc.name)
		lp, err := tc.d.LogProb(x)
		require.NoError(t, err, tc.name)
		assert.Equal(t, slices.Concat([]int{5}, tc.batch), shapeOf(lp), tc.name)
		assert.True(t, distributions.HasRSample(tc.d), tc.name)
		assert.False(t, distributions.HasEnumerateSupport(tc.d), tc.name)
	}
	// a value broadcasts with the batch
	d := tdNormal(t, f64(0, 1, 2), s64(1), distributions.NewExpTransform())
	lp, err := d.LogProb(sh(f64(0.5, 1, 2, 4, 8), 5, 1))
	require.NoError(t, err)
	assert.Equal(t, []int{5, 3}, shapeOf(lp))
	want := make([]float64, 15)
	for i, y := range []float64{0.5, 1, 2, 4, 8} {
		for j, mu := range []float64{0, 1, 2} {
			want[i*3+j] = distuv.LogNormal{Mu: mu, Sigma: 1}.LogProb(y)
		}
	}
	close(t, want, data64(t, lp), 1e-13, 0)
}

func TestTransformedConstructionErrors(t *testing.T) {
	t.Parallel()
	normal := must(distributions.NewNormal(s64(0), s64(1)))
	_, err := distributions.NewTransformed(nil, nil)
	require.ErrorIs(t, err, distributions.ErrParam)
	_, err = distributions.NewTransformed(normal, []distributions.Transform{nil})
	require.ErrorIs(t, err, distributions.ErrParam)
	_, err = distributions.NewTransformed(normal, []distributions.Transform{transformsAffine(t, s32(0), s32(1), 0)})
	require.ErrorIs(t, err, distributions.ErrDType)
	_, err = distributions.NewTransformed(normal, []distributions.Transform{distributions.NewStickBreakingTransform()})
	require.ErrorIs(t, err, distributions.ErrShape, "a scalar base has no dim to break")
	_, err = distributions.NewTransformed(must(distributions.NewNormal(f64(0, 0, 0, 0), s64(1))), []distributions.Transform{distributions.NewCorrCholeskyTransform()})
	require.ErrorIs(t, err, distributions.ErrShape, "4 is no triangular number")
	_, err = distributions.NewTransformed(must(distributions.NewNormal(f64(0, 0, 0), s64(1))), []distributions.Transform{transformsAffine(t, f64(0, 1), s64(1), 0)})
	require.ErrorIs(t, err, distributions.ErrShape, "(3,) and (2,) do not broadcast")
}

func TestTransformedValueErrors(t *testing.T) {
	t.Parallel()
	d := tdNormal(t, f64(0, 1), s64(1), distributions.NewExpTransform())
	_, err := d.LogProb(f64(1, 2, 3))
	require.ErrorIs(t, err, distributions.ErrShape)
	_, err = d.LogProb(f32(1, 2))
	require.ErrorIs(t, err, distributions.ErrDType)
	_, err = d.LogProb(nil)
	require.ErrorIs(t, err, distributions.ErrShape)
	_, err = d.LogProbGrad(f64(1, 2, 3))
	require.ErrorIs(t, err, distributions.ErrShape)
	_, err = d.LogProbVJP(f64(1, 2), f32(1))
	require.ErrorIs(t, err, distributions.ErrDType)
	require.ErrorIs(t, d.LogProbInto(must(tensor.Zeros[float64](3)), f64(1, 2)), distributions.ErrShape)

	// validation on: a value outside the last codomain is ErrSupport,
	// naming the value, the rule and the index
	var ce *distributions.ConstraintError
	_, err = d.LogProb(f64(1, -2))
	require.ErrorIs(t, err, distributions.ErrSupport)
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "value", ce.Name)
	assert.Equal(t, "> 0", ce.Rule)
	assert.Equal(t, []int{1}, ce.Index)
	assert.Equal(t, -2.0, ce.Got)

	sb := tdIndNormal(t, f64(0, 0), s64(1), distributions.NewStickBreakingTransform())
	_, err = sb.LogProb(sh(f64(0.2, 0.3, 0.5, 0.5, 0.6, -0.1), 2, 3))
	require.ErrorAs(t, err, &ce)
	require.ErrorIs(t, err, distributions.ErrSupport)
	assert.Equal(t, "simplex", ce.Rule)
	assert.Equal(t, []int{1, 2}, ce.Index)
	_, err = sb.LogProb(f64(0.2, 0.3, 0.6))
	require.ErrorAs(t, err, &ce)
	assert.InDelta(t, 1.1, ce.Got, 1e-15, "an off-simplex row reports its sum")

	cc := tdIndNormal(t, f64(0, 0, 0), s64(1), distributions.NewCorrCholeskyTransform())
	_, err = cc.LogProb(sh(f64(1, 0.1, 0, 0, 1, 0, 0, 0, 1), 3, 3))
	require.ErrorIs(t, err, distributions.ErrSupport, "upper triangle")
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, []int{0, 1}, ce.Index)
	_, err = cc.LogProb(sh(f64(1, 0, 0, 0.6, 0.81, 0, 0, 0, 1), 3, 3))
	require.ErrorIs(t, err, distributions.ErrSupport, "row norm 1.0081")
	_, err = cc.LogProb(sh(f64(1, 0, 0, 0.6, 0.8, 0, 0, 0, 1), 9))
	require.ErrorIs(t, err, distributions.ErrShape)
}

// TestTransformedOutsideSupport: with validation off a value outside the
// support, at any level of the chain, has log p = −Inf (torch gives NaN or
// a clamped finite number) with zero partials; NaN stays NaN.
func TestTransformedOutsideSupport(t *testing.T) {
	t.Parallel()
	normal := must(distributions.NewNormal(s64(0.3), s64(1.2), tdNoVal))
	inf := math.Inf(-1)
	tests := []struct {
		name string
		ts   []distributions.Transform
		y    *tensor.Dense
		want []float64
	}{
		{"exp at y <= 0", []distributions.Transform{distributions.NewExpTransform()}, f64(-1, 0, 1), []float64{inf, inf, distuv.LogNormal{Mu: 0.3, Sigma: 1.2}.LogProb(1)}},
		{"sigmoid at its closed ends", []distributions.Transform{distributions.NewSigmoidTransform()}, f64(0, 1, 1.5), []float64{inf, inf, inf}},
		{"tanh at ±1", []distributions.Transform{distributions.NewTanhTransform()}, f64(-1, 1), []float64{inf, inf}},
		{"inside the codomain of the last transform only", []distributions.Transform{distributions.NewExpTransform(), transformsAffine(t, s64(-1), s64(1), 0)}, f64(-1.5, -1), []float64{inf, inf}},
		{"NaN", []distributions.Transform{distributions.NewExpTransform()}, f64(math.NaN()), []float64{math.NaN()}},
	}
	for _, tc := range tests {
		d, err := distributions.NewTransformed(normal, tc.ts, tdNoVal)
		require.NoError(t, err)
		lp, err := d.LogProb(tc.y)
		require.NoError(t, err, tc.name)
		close(t, tc.want, data64(t, lp), 1e-13, 0)
		g, err := d.LogProbGrad(tc.y)
		require.NoError(t, err, tc.name)
		for i, w := range tc.want {
			if math.IsInf(w, -1) {
				assert.Equal(t, 0.0, data64(t, g.Value)[i], "%s: ∂/∂y at %d", tc.name, i)
			}
		}
		for name, p := range g.Params {
			for _, v := range data64(t, p) {
				assert.False(t, math.IsInf(v, 0), "%s: %s", tc.name, name)
			}
		}
	}
	sb, err := distributions.NewTransformed(must(distributions.ToEvent(must(distributions.NewNormal(f64(0, 0), s64(1), tdNoVal)), 1)),
		[]distributions.Transform{distributions.NewStickBreakingTransform()}, tdNoVal)
	require.NoError(t, err)
	lp, err := sb.LogProb(sh(f64(0.5, 0.6, -0.1, 0.5, 0.5, 0, 0.2, 0.2, 0.2), 3, 3))
	require.NoError(t, err)
	assert.Equal(t, []float64{inf, inf, inf}, data64(t, lp), "negative entry; a zero entry has density 0; off the simplex")
}

// tdGradCase is a distribution built from named float64 parameters, for
// finite differences of Σ w·log p.
type tdGradCase struct {
	name   string
	params map[string][]float64
	shapes map[string][]int
	build  func(t testing.TB, p map[string]*tensor.Dense) distributions.Distribution
	y      *tensor.Dense
	w      *tensor.Dense // upstream; nil means ones
	// yStep is the finite-difference step for ∂/∂y (0: no check), and
	// yFree which entries of y may move (nil: all).
	yStep float64
	yFree func(i int) bool
}

func (c tdGradCase) tensors(p map[string][]float64) map[string]*tensor.Dense {
	out := map[string]*tensor.Dense{}
	for k, v := range p {
		out[k] = must(tensor.New(append([]float64(nil), v...), c.shapes[k]...))
	}
	return out
}

func (c tdGradCase) objective(t testing.TB, p map[string][]float64, y *tensor.Dense) float64 {
	lp, err := c.build(t, c.tensors(p)).LogProb(y)
	require.NoError(t, err)
	l := data64(t, lp)
	w := make([]float64, len(l))
	for i := range w {
		w[i] = 1
	}
	if c.w != nil {
		w = bcast(data64(t, c.w), shapeOf(c.w), shapeOf(lp))
	}
	var s float64
	for i := range l {
		s += w[i] * l[i]
	}
	return s
}

func tdGradCases(t testing.TB) []tdGradCase {
	sbY := sh(f64(0.2811288370922644, 0.28519679277620696, 0.2684967421189033, 0.16517762801262548,
		0.26148852693983576, 0.12314526780960647, 0.5159732725020524, 0.09939293274850557), 2, 4)
	ccY := sh(f64(1, 0, 0, 0.5603145038802595, 0.8282799386327176, 0, -0.06444680136368179, -0.018526112646853842, 0.9977491633392566), 3, 3)
	normal := func(t testing.TB, p map[string]*tensor.Dense) distributions.Distribution {
		return must(distributions.NewNormal(p["base.loc"], p["base.scale"]))
	}
	ind := func(t testing.TB, p map[string]*tensor.Dense) distributions.Distribution {
		return must(distributions.ToEvent(normal(t, p), 1))
	}
	return []tdGradCase{{
		name:   "normal → affine → sigmoid, broadcast upstream",
		params: map[string][]float64{"base.loc": {0.3, -0.4}, "base.scale": {0.9, 1.3}, "transforms.0.loc": {-0.55}, "transforms.0.scale": {1.7}},
		shapes: map[string][]int{"base.loc": {2}, "base.scale": {2}, "transforms.0.loc": {}, "transforms.0.scale": {}},
		build: func(t testing.TB, p map[string]*tensor.Dense) distributions.Distribution {
			return tdOf(t, normal(t, p), transformsAffine(t, p["transforms.0.loc"], p["transforms.0.scale"], 0), distributions.NewSigmoidTransform())
		},
		y: sh(f64(0.68, 0.13, 0.48, 0.9, 0.05, 0.5), 3, 2), w: sh(f64(1, -0.5, 2), 3, 1), yStep: 1e-6,
	}, {
		name:   "uniform → power (exponent grad)",
		params: map[string][]float64{"base.low": {0.5}, "base.high": {2}, "transforms.0.exponent": {2.4895, -0.7}},
		shapes: map[string][]int{"base.low": {}, "base.high": {}, "transforms.0.exponent": {2}},
		build: func(t testing.TB, p map[string]*tensor.Dense) distributions.Distribution {
			return tdOf(t, must(distributions.NewUniform(p["base.low"], p["base.high"])), transformsPow(t, p["transforms.0.exponent"]))
		},
		y: f64(math.Pow(1.2, 2.4895), math.Pow(0.9, -0.7)), yStep: 1e-6,
	}, {
		name:   "normal → softplus → power, batch broadcast to the value",
		params: map[string][]float64{"base.loc": {0.2, -1, 0.7}, "base.scale": {0.6, 1.1}, "transforms.1.exponent": {0.6}},
		shapes: map[string][]int{"base.loc": {3, 1}, "base.scale": {1, 2}, "transforms.1.exponent": {}},
		build: func(t testing.TB, p map[string]*tensor.Dense) distributions.Distribution {
			return tdOf(t, normal(t, p), distributions.NewSoftplusTransform(), transformsPow(t, p["transforms.1.exponent"]))
		},
		y: f64(0.7, 1.4), yStep: 1e-6,
	}, {
		name:   "normal → tanh and exp",
		params: map[string][]float64{"base.loc": {0.25, -0.3}, "base.scale": {0.95}},
		shapes: map[string][]int{"base.loc": {2}, "base.scale": {}},
		build: func(t testing.TB, p map[string]*tensor.Dense) distributions.Distribution {
			return tdOf(t, normal(t, p), distributions.NewExpTransform(), transformsAffine(t, s64(-1), s64(1), 0), distributions.NewTanhTransform())
		},
		y: sh(f64(-0.55, 0.85, 0.3, -0.1), 2, 2), yStep: 1e-6,
	}, {
		name:   "stick breaking (simplex values move by 1e-8: the support tolerance is 1e-6)",
		params: map[string][]float64{"base.loc": {0.87, -0.25, 0.46, 0.86, -0.1, -0.73}, "base.scale": {0.84, 0.68, 0.72, 0.91, 1.41, 1.43}},
		shapes: map[string][]int{"base.loc": {2, 3}, "base.scale": {2, 3}},
		build: func(t testing.TB, p map[string]*tensor.Dense) distributions.Distribution {
			return tdOf(t, ind(t, p), distributions.NewStickBreakingTransform())
		},
		y: sbY, w: f64(0.7, -1.3), yStep: 1e-8,
	}, {
		name:   "corr cholesky (the strictly lower triangle moves)",
		params: map[string][]float64{"base.loc": {-0.96, -0.69, -0.29}, "base.scale": {1.07, 1.0, 1.27}},
		shapes: map[string][]int{"base.loc": {3}, "base.scale": {3}},
		build: func(t testing.TB, p map[string]*tensor.Dense) distributions.Distribution {
			return tdOf(t, ind(t, p), distributions.NewCorrCholeskyTransform())
		},
		y: ccY, yStep: 1e-6, yFree: func(i int) bool { return i%3 < i/3 },
	}, {
		name:   "affine over a 3-vector with a scalar scale",
		params: map[string][]float64{"base.loc": {0.1, -0.2, 0.3}, "base.scale": {1, 0.5, 2}, "transforms.0.loc": {1, 2, 3}, "transforms.0.scale": {-2}},
		shapes: map[string][]int{"base.loc": {3}, "base.scale": {3}, "transforms.0.loc": {3}, "transforms.0.scale": {}},
		build: func(t testing.TB, p map[string]*tensor.Dense) distributions.Distribution {
			return tdOf(t, ind(t, p), transformsAffine(t, p["transforms.0.loc"], p["transforms.0.scale"], 1))
		},
		y: sh(f64(0.5, 1.5, 4, -1, 0, 1), 2, 3), yStep: 1e-6,
	}, {
		name:   "exponential → decreasing affine",
		params: map[string][]float64{"base.rate": {1.34, 0.82, 1.61}},
		shapes: map[string][]int{"base.rate": {3}},
		build: func(t testing.TB, p map[string]*tensor.Dense) distributions.Distribution {
			return tdOf(t, must(distributions.NewExponential(p["base.rate"])), transformsAffine(t, s64(1), s64(-2), 0))
		},
		y: f64(-2.15, -1.02, -2.81), yStep: 1e-6,
	}}
}

// TestTransformedGradients: LogProbVJP against central differences of
// Σ w·log p, with respect to every parameter by its dotted name and to the
// value (relative 1e-7 for steps 1e-5/1e-6, whose own error is ~1e-10;
// 1e-6 for the simplex values, whose step 1e-8 leaves ~1e-8 of rounding).
func TestTransformedGradients(t *testing.T) {
	t.Parallel()
	for _, c := range tdGradCases(t) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			d := c.build(t, c.tensors(c.params))
			g, err := d.(distributions.LogProbGrader).LogProbVJP(c.y, c.w)
			require.NoError(t, err)
			close(t, []float64{c.objective(t, c.params, c.y)}, []float64{g.LogProb}, 1e-14, 0)
			// constant transform parameters of the fixture have gradients
			// too; the named ones are checked
			for name, v := range c.params {
				got := g.Params[name]
				require.NotNil(t, got, name)
				require.Equal(t, c.shapes[name], shapeOf(got), name)
				fd := centralDiff(func(x []float64) float64 {
					p := map[string][]float64{}
					for k, w := range c.params {
						p[k] = w
					}
					p[name] = x
					return c.objective(t, p, c.y)
				}, v, 1e-5)
				e := maxRelErr(fd, data64(t, got), 1e-3)
				t.Logf("%s: max rel err %.2g", name, e)
				assert.Less(t, e, 1e-7, "%s: got %v, finite differences %v", name, data64(t, got), fd)
			}
			require.Equal(t, shapeOf(c.y), shapeOf(g.Value))
			yv, gv := data64(t, c.y), data64(t, g.Value)
			fd := make([]float64, len(yv))
			for i := range yv {
				if c.yFree == nil || c.yFree(i) {
					fd[i] = transformsCentralDiffVec(func(x []float64) []float64 {
						return []float64{c.objective(t, c.params, must(tensor.New(x, shapeOf(c.y)...)))}
					}, yv, i, c.yStep)[0]
				}
			}
			tol := 1e-7
			if c.yStep < 1e-6 {
				tol = 1e-6
			}
			for i := range yv {
				if c.yFree != nil && !c.yFree(i) {
					assert.Equal(t, 0.0, gv[i], "∂/∂y[%d] of an entry log p does not read", i)
					continue
				}
				assert.InDelta(t, fd[i], gv[i], tol*max(1e-3, math.Abs(fd[i])), "∂/∂y[%d]", i)
			}
		})
	}
}

// TestTransformedRSampleVJP: the pathwise gradient ∂/∂θ Σ u·y of
// y = f(μ + σε) at fixed noise ε, against central differences of the
// transforms' Forward.
func TestTransformedRSampleVJP(t *testing.T) {
	t.Parallel()
	type rcase struct {
		name   string
		loc    []float64
		shp    []int
		event  bool // base to_event(1)
		ts     func(p map[string][]float64) []distributions.Transform
		params map[string][]float64 // transform parameters, by gradient name
	}
	cases := []rcase{
		{"affine → sigmoid", []float64{0.3, -0.4}, []int{2}, false, func(p map[string][]float64) []distributions.Transform {
			return []distributions.Transform{transformsAffine(t, s64(p["transforms.0.loc"][0]), s64(p["transforms.0.scale"][0]), 0), distributions.NewSigmoidTransform()}
		}, map[string][]float64{"transforms.0.loc": {-0.5}, "transforms.0.scale": {1.7}}},
		{"softplus → power", []float64{0.3, -0.4}, []int{2}, false, func(p map[string][]float64) []distributions.Transform {
			return []distributions.Transform{distributions.NewSoftplusTransform(), transformsPow(t, f64(p["transforms.1.exponent"]...))}
		}, map[string][]float64{"transforms.1.exponent": {0.6, 2.2}}},
		{"tanh, exp", []float64{0.3, -0.4}, []int{2}, false, func(map[string][]float64) []distributions.Transform {
			return []distributions.Transform{distributions.NewTanhTransform(), distributions.NewExpTransform()}
		}, nil},
		{"stick breaking", []float64{0.3, -0.4, 1.1, 0.2, -0.6, 0.5}, []int{2, 3}, true, func(map[string][]float64) []distributions.Transform {
			return []distributions.Transform{distributions.NewStickBreakingTransform()}
		}, nil},
		{"corr cholesky", []float64{0.3, -0.4, 1.1, 0.2, -0.6, 0.5}, []int{6}, true, func(map[string][]float64) []distributions.Transform {
			return []distributions.Transform{distributions.NewCorrCholeskyTransform()}
		}, nil},
		{"lower cholesky", []float64{0.3, -0.4, 1.1, 0.2}, []int{2, 2}, true, func(map[string][]float64) []distributions.Transform {
			return []distributions.Transform{distributions.NewLowerCholeskyTransform()}
		}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			n := len(c.loc)
			scale := make([]float64, n)
			eps := make([]float64, n)
			r := rand.New(rand.NewPCG(7, uint64(n)))
			for i := range scale {
				scale[i] = 0.5 + r.Float64()
				eps[i] = r.NormFloat64()
			}
			build := func(loc, scale []float64, p map[string][]float64) *distributions.Transformed {
				var base distributions.Distribution = must(distributions.NewNormal(must(tensor.New(loc, c.shp...)), must(tensor.New(scale, c.shp...))))
				if c.event {
					base = must(distributions.ToEvent(base, len(c.shp)))
				}
				return tdOf(t, base, c.ts(p)...)
			}
			// y at fixed noise, through the transforms' own Forward
			push := func(loc, scale []float64, p map[string][]float64) []float64 {
				x := make([]float64, n)
				for i := range x {
					x[i] = loc[i] + scale[i]*eps[i]
				}
				v := must(tensor.New(x, c.shp...))
				for _, tr := range c.ts(p) {
					v = must(tr.Forward(v))
				}
				return data64(t, v)
			}
			y0 := push(c.loc, scale, c.params)
			u := make([]float64, len(y0))
			for i := range u {
				u[i] = r.NormFloat64()
			}
			obj := func(loc, scale []float64, p map[string][]float64) float64 {
				var s float64
				for i, v := range push(loc, scale, p) {
					s += u[i] * v
				}
				return s
			}
			d := build(c.loc, scale, c.params)
			yT := must(tensor.New(y0, shapeOf(must(d.Sample(rand.NewPCG(1, 1))))...))
			g, err := d.RSampleVJP(yT, must(tensor.New(u, shapeOf(yT)...)))
			require.NoError(t, err)
			check := func(name string, got *tensor.Dense, fd []float64) {
				require.NotNil(t, got, name)
				e := maxRelErr(fd, data64(t, got), 1e-3)
				t.Logf("%s: max rel err %.2g", name, e)
				assert.Less(t, e, 1e-7, "%s: got %v, finite differences %v", name, data64(t, got), fd)
			}
			check("base.loc", g["base.loc"], centralDiff(func(l []float64) float64 { return obj(l, scale, c.params) }, c.loc, 1e-5))
			check("base.scale", g["base.scale"], centralDiff(func(s []float64) float64 { return obj(c.loc, s, c.params) }, scale, 1e-5))
			for name, v := range c.params {
				check(name, g[name], centralDiff(func(x []float64) float64 {
					p := map[string][]float64{}
					for k, w := range c.params {
						p[k] = w
					}
					p[name] = x
					return obj(c.loc, scale, p)
				}, v, 1e-5))
			}
		})
	}
}

// TestTransformedCDF: CDF and ICDF through the base, turned around where
// the transforms decrease, against gonum (LogNormal, Normal) and the closed
// form of 1/X for X ~ Exp(1), P(1/X ≤ y) = e^(−1/y) (a negative power, whose
// sign torch 1.13 gets wrong).
func TestTransformedCDF(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		d             *distributions.Transformed
		ys, us        []float64
		cdf, quantile func(float64) float64
	}{
		{"exp of a normal", tdNormal(t, s64(0.4), s64(0.8), distributions.NewExpTransform()),
			[]float64{0.1, 1, 5}, []float64{0.01, 0.5, 0.99}, distuv.LogNormal{Mu: 0.4, Sigma: 0.8}.CDF, distuv.LogNormal{Mu: 0.4, Sigma: 0.8}.Quantile},
		{"decreasing affine", tdNormal(t, s64(0.4), s64(0.8), transformsAffine(t, s64(0.7), s64(-2.5), 0)),
			[]float64{-3, 0.3, 4}, []float64{0.01, 0.5, 0.99}, distuv.Normal{Mu: -0.3, Sigma: 2}.CDF, distuv.Normal{Mu: -0.3, Sigma: 2}.Quantile},
		{"1/X, X ~ Exp(1)", tdOf(t, must(distributions.NewExponential(s64(1))), transformsPow(t, s64(-1))),
			[]float64{0.2, 1, 30}, []float64{0.01, 0.5, 0.99},
			func(y float64) float64 { return math.Exp(-1 / y) }, func(u float64) float64 { return -1 / math.Log(u) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := tc.d.CDF(f64(tc.ys...))
			require.NoError(t, err)
			want := make([]float64, len(tc.ys))
			for i, y := range tc.ys {
				want[i] = tc.cdf(y)
			}
			close(t, want, data64(t, got), 1e-13, 1e-15)
			got, err = tc.d.ICDF(f64(tc.us...))
			require.NoError(t, err)
			for i, u := range tc.us {
				want[i] = tc.quantile(u)
			}
			close(t, want, data64(t, got), 1e-13, 0)
		})
	}
	_, err := tdIndNormal(t, f64(0, 0), s64(1), distributions.NewStickBreakingTransform()).CDF(f64(0.2, 0.3, 0.5))
	require.ErrorIs(t, err, distributions.ErrUnsupported, "stick breaking has no sign")
	_, err = tdIndNormal(t, f64(0, 0), s64(1), distributions.NewExpTransform()).ICDF(f64(0.2, 0.3))
	require.ErrorIs(t, err, distributions.ErrUnsupported, "an Independent base has no ICDF")
	_, err = tdNormal(t, f64(0, 0), s64(1), distributions.NewExpTransform()).CDF(f64(0.2, 0.3, 0.5))
	require.ErrorIs(t, err, distributions.ErrShape)
}

func TestTransformedExpand(t *testing.T) {
	t.Parallel()
	d := tdNormal(t, f64(0, 1, 2), s64(1), transformsAffine(t, s64(1), f64(2, 3, 4), 0), distributions.NewExpTransform())
	e, err := distributions.Expand(d, []int{4, 3})
	require.NoError(t, err)
	require.IsType(t, &distributions.Transformed{}, e, "native expand")
	assert.Equal(t, []int{4, 3}, e.BatchShape())
	y := sh(f64(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12), 4, 3)
	got, err := e.LogProb(y)
	require.NoError(t, err)
	want, err := d.LogProb(y)
	require.NoError(t, err)
	assert.Equal(t, data64(t, want), data64(t, got))
	x, err := e.Sample(rand.NewPCG(3, 4), 2)
	require.NoError(t, err)
	assert.Equal(t, []int{2, 4, 3}, shapeOf(x))
	_, err = distributions.Expand(d, []int{2})
	require.ErrorIs(t, err, distributions.ErrShape)

	// the base's reinterpreted dims ride along
	sb := tdIndNormal(t, sh(f64(0.1, 0.2), 1, 2), s64(1), distributions.NewStickBreakingTransform())
	es, err := sb.Expand([]int{5})
	require.NoError(t, err)
	assert.Equal(t, []int{5}, es.BatchShape())
	assert.Equal(t, []int{3}, es.EventShape())
	g, err := es.(*distributions.Transformed).LogProbGrad(f64(0.2, 0.3, 0.5))
	require.NoError(t, err)
	g1, err := sb.LogProbGrad(f64(0.2, 0.3, 0.5))
	require.NoError(t, err)
	// one value scored by 5 copies: 5 times the log density and the gradient
	close(t, []float64{5 * g1.LogProb}, []float64{g.LogProb}, 1e-14, 0)
	five := data64(t, g1.Params["base.loc"])
	for i := range five {
		five[i] *= 5
	}
	close(t, five, data64(t, g.Params["base.loc"]), 1e-14, 0)
}

func TestTransformedFloat32(t *testing.T) {
	t.Parallel()
	build := func(dt string) *distributions.Transformed {
		conv := func(v *tensor.Dense) *tensor.Dense {
			if dt == "f32" {
				return to32(v)
			}
			return v
		}
		return tdNormal(t, conv(f64(0.3, -0.4)), conv(f64(0.9, 1.3)), transformsAffine(t, conv(s64(-0.5)), conv(s64(1.7)), 0), distributions.NewSigmoidTransform())
	}
	d32, d64 := build("f32"), build("f64")
	y64 := sh(f64(0.68, 0.13, 0.48, 0.9), 2, 2)
	y32 := to32(y64)
	l32, err := d32.LogProb(y32)
	require.NoError(t, err)
	require.Equal(t, tensor.Float32, l32.Dtype())
	l64, err := d64.LogProb(y64)
	require.NoError(t, err)
	// log p near 0 (−0.006) is a sum of O(1) terms: compared absolutely
	// at their float32 resolution
	close(t, data64(t, l64), data64(t, l32), tol32, 1e-6)
	g32, err := d32.LogProbGrad(y32)
	require.NoError(t, err)
	g64, err := d64.LogProbGrad(y64)
	require.NoError(t, err)
	require.Equal(t, tensor.Float32, g32.Value.Dtype())
	// y rounded to float32 moves logit(y) by up to 1e-7/(y(1−y)): 5e-6
	// relative, or 1e-6 absolute for a partial that cancels to near 0
	// (−0.006 here, from terms of order 1)
	close(t, data64(t, g64.Value), data64(t, g32.Value), 5e-6, 1e-6)
	for name, p := range g64.Params {
		require.Equal(t, tensor.Float32, g32.Params[name].Dtype(), name)
		close(t, data64(t, p), data64(t, g32.Params[name]), 5e-6, 1e-6)
	}
	x, err := d32.Sample(rand.NewPCG(1, 2), 3)
	require.NoError(t, err)
	require.Equal(t, tensor.Float32, x.Dtype())
	c, err := d32.CDF(y32)
	require.NoError(t, err)
	require.Equal(t, tensor.Float32, c.Dtype())
}

// tdKS is the KS p-value of column j of draws (shape (n, m…)) against cdf.
func tdKS(data []float64, j, stride int, cdf func(float64) float64) float64 {
	n := len(data) / stride
	col := make([]float64, n)
	for i := range col {
		col[i] = data[i*stride+j]
	}
	return ksPValue(ksStatistic(col, cdf), n)
}

// TestTransformedSampleKS: draws pushed through the transforms against the
// exact CDFs of the images (and, for CorrCholesky, of two projections that
// undo the rows' construction: y_10 = tanh x_0 and y_21/√(1 − y_20²) =
// tanh x_2), with the power to reject a shifted law.
func TestTransformedSampleKS(t *testing.T) {
	t.Parallel()
	phi := func(mu, s float64) func(float64) float64 { return distuv.Normal{Mu: mu, Sigma: s}.CDF }
	tests := []struct {
		name   string
		d      *distributions.Transformed
		j, m   int
		cdf    func(float64) float64
		wrong  func(float64) float64 // a nearby law the test must reject
		seed   uint64
		sample func(d *distributions.Transformed, src rand.Source) (*tensor.Dense, error)
	}{
		{"exp of a normal", tdNormal(t, s64(0.4), s64(0.8), distributions.NewExpTransform()), 0, 1,
			distuv.LogNormal{Mu: 0.4, Sigma: 0.8}.CDF, distuv.LogNormal{Mu: 0.43, Sigma: 0.8}.CDF, 1, nil},
		{"logit-normal (rsample)", tdNormal(t, s64(0.3), s64(1.4), distributions.NewSigmoidTransform()), 0, 1,
			func(y float64) float64 { return phi(0.3, 1.4)(math.Log(y / (1 - y))) },
			func(y float64) float64 { return phi(0.3, 1.45)(math.Log(y / (1 - y))) }, 2,
			func(d *distributions.Transformed, src rand.Source) (*tensor.Dense, error) {
				return d.RSample(src, nDraws)
			}},
		{"decreasing affine of an exponential", tdOf(t, must(distributions.NewExponential(s64(1.5))), transformsAffine(t, s64(1), s64(-2), 0)), 0, 1,
			func(y float64) float64 { return math.Exp(-1.5 * (1 - y) / 2) },
			func(y float64) float64 { return math.Exp(-1.55 * (1 - y) / 2) }, 3, nil},
		{"power of a uniform", tdOf(t, must(distributions.NewUniform(s64(0.5), s64(2))), transformsPow(t, s64(transformsPower))), 0, 1,
			func(y float64) float64 { return min(1, max(0, (math.Pow(y, 1/transformsPower)-0.5)/1.5)) },
			func(y float64) float64 { return min(1, max(0, (math.Pow(y, 1/2.45)-0.5)/1.5)) }, 4, nil},
		{"corr cholesky: y_10 = tanh x_0", tdIndNormal(t, f64(0.2, -0.3, 0.5), f64(1.1, 0.8, 1.3), distributions.NewCorrCholeskyTransform()), 3, 9,
			func(v float64) float64 { return phi(0.2, 1.1)(math.Atanh(v)) },
			func(v float64) float64 { return phi(0.25, 1.1)(math.Atanh(v)) }, 5, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			draw := tc.sample
			if draw == nil {
				draw = func(d *distributions.Transformed, src rand.Source) (*tensor.Dense, error) {
					return d.Sample(src, nDraws)
				}
			}
			x, err := draw(tc.d, rand.NewPCG(tc.seed, 0x7d))
			require.NoError(t, err)
			data := data64(t, x)
			p := tdKS(data, tc.j, tc.m, tc.cdf)
			t.Logf("KS p = %.3g", p)
			assert.GreaterOrEqual(t, p, pCritical)
			pw := tdKS(data, tc.j, tc.m, tc.wrong)
			t.Logf("against the wrong law: KS p = %.3g", pw)
			assert.Less(t, pw, pCritical, "power")
		})
	}
	t.Run("corr cholesky: y_21/√(1 − y_20²) = tanh x_2, unit rows", func(t *testing.T) {
		t.Parallel()
		d := tdIndNormal(t, f64(0.2, -0.3, 0.5), f64(1.1, 0.8, 1.3), distributions.NewCorrCholeskyTransform())
		x, err := d.Sample(rand.NewPCG(6, 0x7d), nDraws)
		require.NoError(t, err)
		data := data64(t, x)
		proj := make([]float64, nDraws)
		for i := range proj {
			m := data[i*9 : (i+1)*9]
			for r := range 3 {
				norm := math.Sqrt(m[r*3]*m[r*3] + m[r*3+1]*m[r*3+1] + m[r*3+2]*m[r*3+2])
				require.InDelta(t, 1, norm, 1e-14)
			}
			proj[i] = m[7] / math.Sqrt(1-m[6]*m[6])
		}
		p := tdKS(proj, 0, 1, func(v float64) float64 { return phi(0.5, 1.3)(math.Atanh(v)) })
		t.Logf("KS p = %.3g", p)
		assert.GreaterOrEqual(t, p, pCritical)
		pw := tdKS(proj, 0, 1, func(v float64) float64 { return phi(0.5, 1.36)(math.Atanh(v)) })
		assert.Less(t, pw, pCritical, "power")
	})
	t.Run("Sample is RSample for a normal base", func(t *testing.T) {
		t.Parallel()
		d := tdNormal(t, f64(0, 1), s64(1), distributions.NewTanhTransform())
		a, err := d.Sample(rand.NewPCG(9, 9), 7)
		require.NoError(t, err)
		b, err := d.RSample(rand.NewPCG(9, 9), 7)
		require.NoError(t, err)
		assert.Equal(t, data64(t, a), data64(t, b))
		_, err = d.Sample(nil)
		require.ErrorIs(t, err, distributions.ErrNilSource)
	})
}

// TestTransformedSampleGOMAXPROCS requires the same bits from one and from
// two goroutines above tensor.ParallelMin; it switches GOMAXPROCS, so it is
// not parallel.
func TestTransformedSampleGOMAXPROCS(t *testing.T) {
	const n = 1 << 18
	require.Greater(t, n, tensor.ParallelMin)
	d := tdIndNormal(t, f64(0.1, -0.2), s64(1), distributions.NewStickBreakingTransform())
	draw := func(procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		x, err := d.Sample(rand.NewPCG(42, 43), n/2)
		require.NoError(t, err)
		return data64(t, x)
	}
	one, two := draw(1), draw(2)
	require.Len(t, one, n/2*3)
	assert.True(t, slices.Equal(one, two), "draws depend on GOMAXPROCS")
}

func TestTransformedNoJacobian(t *testing.T) {
	t.Parallel()
	sm := tdIndNormal(t, f64(0.3, -0.4, 1.1), s64(1), distributions.NewSoftmaxTransform())
	x, err := sm.RSample(rand.NewPCG(1, 2))
	require.NoError(t, err)
	_, err = sm.RSampleVJP(x, nil)
	require.ErrorIs(t, err, distributions.ErrUnsupported, "softmax does not determine its input")
}

func TestTransformedNoJacobianLogProb(t *testing.T) {
	t.Parallel()
	for _, tr := range []distributions.Transform{distributions.NewSoftmaxTransform(), distributions.NewLowerCholeskyTransform()} {
		var base distributions.Distribution = must(distributions.ToEvent(must(distributions.NewNormal(must(tensor.Zeros[float64](2, 2)), s64(1))), 2))
		d := tdOf(t, base, tr)
		x, err := d.Sample(rand.NewPCG(1, 2), 3)
		require.NoError(t, err, tr.String())
		assert.Equal(t, []int{3, 2, 2}, shapeOf(x))
		_, err = d.LogProb(x)
		require.ErrorIs(t, err, distributions.ErrUnsupported, "torch 1.13's %v has no log_abs_det_jacobian", tr)
	}
}

func TestTransformedSpec(t *testing.T) {
	t.Parallel()
	d, err := distributions.Build([]byte(`{"family": "TransformedDistribution",
		"base": {"family": "Normal", "params": {"loc": {"shape": [2], "data": [0, 1]}, "scale": 1}},
		"transforms": [{"type": "affine", "loc": 1, "scale": {"shape": [2], "data": [2, 3]}}, "exp"]}`))
	require.NoError(t, err)
	td := d.(*distributions.Transformed)
	assert.Equal(t, []string{"base.loc", "base.scale", "transforms.0.loc", "transforms.0.scale"}, transformsSortedKeys(td.Params()))
	g, err := td.LogProbGrad(f64(1, 2))
	require.NoError(t, err)
	assert.Equal(t, transformsSortedKeys(td.Params()), transformsSortedKeys(g.Params))
	require.Len(t, td.Transforms(), 2)

	for _, c := range []struct {
		spec string
		want error
	}{
		{`{"family": "TransformedDistribution", "transforms": ["exp"]}`, distributions.ErrParam},
		{`{"family": "TransformedDistribution", "base": {"family": "Normal", "params": {"loc": 0, "scale": 1}}}`, distributions.ErrParam},
		{`{"family": "TransformedDistribution", "base": {"family": "Normal", "params": {"loc": 0, "scale": 1}}, "transforms": ["exp"], "cache_size": 1}`, distributions.ErrUnsupported},
		{`{"family": "TransformedDistribution", "base": {"family": "Normal", "params": {"loc": 0, "scale": 1}}, "transforms": ["exp"], "params": {"loc": 0}}`, distributions.ErrUnsupported},
		{`{"family": "TransformedDistribution", "base": {"family": "Normal", "params": {"loc": 0, "scale": -1}}, "transforms": ["exp"]}`, distributions.ErrParam},
		{`{"family": "TransformedDistribution", "base": {"family": "Normal", "params": {"loc": 0, "scale": 1}}, "transforms": ["stick_breaking"]}`, distributions.ErrShape},
	} {
		_, err := distributions.Build([]byte(c.spec))
		require.ErrorIs(t, err, c.want, c.spec)
	}
	_, _, err = distributions.InferShapes("TransformedDistribution", map[string][]int{"base": {3}})
	require.ErrorIs(t, err, distributions.ErrUnsupported, "Pyro's infer_shapes raises for TransformedDistribution")
}

func TestTransformedKL(t *testing.T) {
	t.Parallel()
	// KL of the bases: ½(r² + t² − 1 − 2 log r), r = σp/σq, t = (μp−μq)/σq
	klNormal := func(mp, sp, mq, sq float64) float64 {
		r, u := sp/sq, (mp-mq)/sq
		return 0.5 * (r*r + u*u - 1 - 2*math.Log(r))
	}
	aff := func() distributions.Transform { return transformsAffine(t, s64(1), f64(2, -3), 0) }
	p := tdNormal(t, f64(-0.3, 0.8), f64(1.2, 1.7), aff(), distributions.NewExpTransform())
	q := tdNormal(t, f64(-0.33, 0.57), f64(1.9, 0.6), aff(), distributions.NewExpTransform())
	k, err := distributions.KL(p, q)
	require.NoError(t, err)
	close(t, []float64{klNormal(-0.3, 1.2, -0.33, 1.9), klNormal(0.8, 1.7, 0.57, 0.6)}, data64(t, k), 1e-14, 0)

	for name, other := range map[string]*distributions.Transformed{
		"other transform":  tdNormal(t, f64(0, 0), s64(1), aff(), distributions.NewSigmoidTransform()),
		"other parameters": tdNormal(t, f64(0, 0), s64(1), transformsAffine(t, s64(1), f64(2, 3), 0), distributions.NewExpTransform()),
		"fewer transforms": tdNormal(t, f64(0, 0), s64(1), distributions.NewExpTransform()),
	} {
		_, err := distributions.KL(p, other)
		require.ErrorIs(t, err, distributions.ErrNoKL, name)
	}
	// same transforms, other event shapes
	a := tdIndNormal(t, f64(0, 0, 0), s64(1), distributions.NewExpTransform())
	b := tdNormal(t, f64(0, 0, 0), s64(1), distributions.NewExpTransform())
	_, err = distributions.KL(a, b)
	require.ErrorIs(t, err, distributions.ErrNoKL)
	// through Independent bases the divergences are summed
	c := tdIndNormal(t, f64(1, 0, 0), s64(1), distributions.NewExpTransform())
	k, err = distributions.KL(a, c)
	require.NoError(t, err)
	close(t, []float64{0.5}, data64(t, k), 1e-15, 0)
}

// FuzzTransformed: Normal(loc, scale) → Affine(a, b) → Sigmoid never
// panics; invalid parameters are ErrParam, values outside [0, 1] (or NaN)
// ErrSupport, and inside, log p agrees with the closed form where it is
// well conditioned.
func FuzzTransformed(f *testing.F) {
	f.Add(0.0, 1.0, 0.0, 1.0, 0.5)
	f.Add(0.3, 1.4, -0.5, 1.7, 0.999999)
	f.Add(0.0, -1.0, 0.0, 1.0, 0.5)
	f.Add(0.0, 1.0, 0.0, 0.0, 0.5)
	f.Add(0.0, 1.0, 0.0, -2.0, 1.0)
	f.Add(math.NaN(), 1.0, 0.0, 1.0, 0.5)
	f.Add(0.0, 1.0, math.Inf(1), 1.0, 0.5)
	f.Add(0.0, 1.0, 0.0, 1.0, math.NaN())
	f.Add(0.0, 1.0, 0.0, 1.0, -0.1)
	f.Add(1e300, 1e-300, 0.0, 1e300, 1e-300)
	f.Fuzz(func(t *testing.T, loc, scale, a, b, y float64) {
		n, err := distributions.NewNormal(s64(loc), s64(scale))
		if !(scale > 0) || math.IsNaN(loc) {
			require.ErrorIs(t, err, distributions.ErrParam)
			n = must(distributions.NewNormal(s64(loc), s64(scale), tdNoVal))
		} else {
			require.NoError(t, err)
		}
		aff, err := distributions.NewAffineTransform(s64(a), s64(b), 0)
		require.NoError(t, err) // torch checks neither
		for _, validate := range []bool{true, false} {
			d, err := distributions.NewTransformed(n, []distributions.Transform{aff, distributions.NewSigmoidTransform()}, distributions.WithValidation(validate))
			require.NoError(t, err)
			lp, err := d.LogProb(s64(y))
			g, gerr := d.LogProbGrad(s64(y))
			if validate && !(y >= 0 && y <= 1) {
				require.ErrorIs(t, err, distributions.ErrSupport)
				require.ErrorIs(t, gerr, distributions.ErrSupport)
				continue
			}
			if validate && scale > 0 && !math.IsNaN(loc) && math.IsNaN(((math.Log(y)-math.Log1p(-y))-a)/b) {
				// the base validates its own value: NaN is outside ℝ
				require.ErrorIs(t, err, distributions.ErrSupport)
				continue
			}
			if err != nil {
				require.ErrorIs(t, err, distributions.ErrSupport, "only the base's own check may refuse")
				continue
			}
			require.NoError(t, gerr)
			got := data64(t, lp)[0]
			if !validate && !(y >= 0 && y <= 1) && !math.IsNaN(y) {
				require.Equal(t, math.Inf(-1), got)
			}
			// moderate parameters: the closed form
			if y > 1e-6 && y < 1-1e-6 && scale > 0.1 && scale < 10 && math.Abs(loc) < 10 && math.Abs(a) < 10 && math.Abs(b) > 0.1 && math.Abs(b) < 10 {
				x := ((math.Log(y) - math.Log1p(-y)) - a) / b
				want := distuv.Normal{Mu: loc, Sigma: scale}.LogProb(x) - math.Log(math.Abs(b)) - math.Log(y) - math.Log1p(-y)
				close(t, []float64{want}, []float64{got}, 1e-9, 1e-9)
				require.False(t, math.IsNaN(g.LogProb))
			}
		}
	})
}

// FuzzTransformedCorrCholesky: Normal → CorrCholesky (3×3) scored at any
// matrix never panics; validating, the only error is ErrSupport; not
// validating, there is none, and log p is NaN only for a NaN entry the
// inverse reads (the strictly lower triangle).
func FuzzTransformedCorrCholesky(f *testing.F) {
	f.Add(0.6, 0.8, -0.1, 0.2, 0.97, 0.0)
	f.Add(1.0, 0.0, 0.0, 0.0, 1.0, 0.0)
	f.Add(0.6, 0.8, 0.0, 0.0, 0.0, 1.0)
	f.Add(-1.0, 0.0, 1.0, 0.0, 0.0, 0.0)
	f.Add(math.NaN(), 0.8, 0.0, 0.0, 1.0, 0.0)
	f.Add(0.6, 0.8, 2.0, 0.0, 1.0, 0.5)
	f.Add(1e-300, 1.0, 1e-300, 1e-300, 1.0, 1e-300)
	f.Fuzz(func(t *testing.T, a, b, c, d, e, u float64) {
		y := sh(f64(1, 0, u, a, b, 0, c, d, e), 3, 3)
		for _, validate := range []bool{true, false} {
			base := must(distributions.ToEvent(must(distributions.NewNormal(f64(0.2, -0.3, 0.5), f64(1.1, 0.8, 1.3), distributions.WithValidation(validate))), 1))
			dd, err := distributions.NewTransformed(base, []distributions.Transform{distributions.NewCorrCholeskyTransform()}, distributions.WithValidation(validate))
			require.NoError(t, err)
			lp, err := dd.LogProb(y)
			_, gerr := dd.LogProbGrad(y)
			if validate {
				if err != nil {
					require.ErrorIs(t, err, distributions.ErrSupport)
					require.ErrorIs(t, gerr, distributions.ErrSupport)
				}
				continue
			}
			require.NoError(t, err)
			require.NoError(t, gerr)
			if got := data64(t, lp)[0]; math.IsNaN(got) {
				require.True(t, math.IsNaN(a) || math.IsNaN(c) || math.IsNaN(d), "NaN log p from %v", data64(t, y))
			}
		}
	})
}
