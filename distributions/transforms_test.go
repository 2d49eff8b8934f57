package distributions_test

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
	"pgregory.net/rapid"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// transformsPower is the exponent of the power-transform fixtures.
const transformsPower = 2.4895

func transformsAffine(t testing.TB, loc, scale *tensor.Dense, ed int) *distributions.AffineTransform {
	t.Helper()
	a, err := distributions.NewAffineTransform(loc, scale, ed)
	require.NoError(t, err)
	return a
}

func transformsPow(t testing.TB, e *tensor.Dense) *distributions.PowerTransform {
	t.Helper()
	p, err := distributions.NewPowerTransform(e)
	require.NoError(t, err)
	return p
}

// TestTransformsElementwiseValues: forward values and log|dy/dx| against
// mpmath (50 digits, /tmp/tdref/ref.py: y = f(x) and log|f'(x)| from the
// textbook derivatives), including the tails where torch clamps.
func TestTransformsElementwiseValues(t *testing.T) {
	t.Parallel()
	pw := transformsPow(t, s64(transformsPower))
	tests := []struct {
		name string
		tr   distributions.BijectiveTransform
		x    float64
		y    float64
		ladj float64
	}{
		{"exp -3.5", distributions.NewExpTransform(), -3.5, 0.0301973834223185, -3.5},
		{"exp 20", distributions.NewExpTransform(), 20, 485165195.4097903, 20},
		{"sigmoid -40", distributions.NewSigmoidTransform(), -40, 4.248354255291589e-18, -40},
		{"sigmoid -2.5", distributions.NewSigmoidTransform(), -2.5, 0.07585818002124355, -2.6577794685850993},
		{"sigmoid 0.75", distributions.NewSigmoidTransform(), 0.75, 0.679178699175393, -1.5237420122298},
		{"sigmoid 30", distributions.NewSigmoidTransform(), 30, 0.9999999999999064, -30.00000000000019},
		{"tanh -1.3", distributions.NewTanhTransform(), -1.3, -0.8617231593133063, -1.356995022815449},
		{"tanh 0.2", distributions.NewTanhTransform(), 0.2, 0.197375320224904, -0.03973614368001463},
		{"tanh 12", distributions.NewTanhTransform(), 12, 0.9999999999244973, -22.61370563895561},
		{"softplus -30", distributions.NewSoftplusTransform(), -30, 9.357622968839737e-14, -30.000000000000092},
		{"softplus -1", distributions.NewSoftplusTransform(), -1, 0.3132616875182228, -1.3132616875182228},
		{"softplus 0.5", distributions.NewSoftplusTransform(), 0.5, 0.9740769841801067, -0.4740769841801067},
		{"softplus 40", distributions.NewSoftplusTransform(), 40, 40, -4.248354255291589e-18},
		{"power 0.3", pw, 0.3, 0.049922159513601606, -0.8812356049433814},
		{"power 1.7", pw, 1.7, 3.7471630400423463, 1.702452667057203},
		{"affine", transformsAffine(t, s64(0.5), s64(-4), 0), 1.25, -4.5, math.Log(4)}, // exact
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			y, err := tc.tr.Forward(s64(tc.x))
			require.NoError(t, err)
			close(t, []float64{tc.y}, data64(t, y), tol64, 0)
			l, err := tc.tr.LogAbsDetJacobian(s64(tc.x), y)
			require.NoError(t, err)
			close(t, []float64{tc.ladj}, data64(t, l), tol64, 0)
		})
	}
}

// TestTransformsElementwiseInverse: f⁻¹ at exact inputs against mpmath,
// where torch's clamps would move the answer (logit of 1e-300, the
// softplus inverse of 1e-300).
func TestTransformsElementwiseInverse(t *testing.T) {
	t.Parallel()
	pw := transformsPow(t, s64(transformsPower))
	tests := []struct {
		name string
		tr   distributions.Transform
		y, x float64
	}{
		{"exp 1e-300", distributions.NewExpTransform(), 1e-300, -690.7755278982137},
		{"exp 3e10", distributions.NewExpTransform(), 3e10, 24.124463218608568},
		{"sigmoid 1e-300", distributions.NewSigmoidTransform(), 1e-300, -690.7755278982137},
		{"sigmoid 0.25", distributions.NewSigmoidTransform(), 0.25, -1.0986122886681098},
		{"sigmoid 0.999999", distributions.NewSigmoidTransform(), 0.999999, 13.815509557935018},
		{"sigmoid 1", distributions.NewSigmoidTransform(), 1, math.Inf(1)},
		{"sigmoid 0", distributions.NewSigmoidTransform(), 0, math.Inf(-1)},
		{"tanh -0.999999999", distributions.NewTanhTransform(), -0.999999999, -10.708206522644144},
		{"tanh 0.3", distributions.NewTanhTransform(), 0.3, 0.3095196042031117},
		{"softplus 1e-300", distributions.NewSoftplusTransform(), 1e-300, -690.7755278982137},
		{"softplus 1e-8", distributions.NewSoftplusTransform(), 1e-8, -18.420680738952367},
		{"softplus 2.5", distributions.NewSoftplusTransform(), 2.5, 2.414349516257962},
		{"softplus 50", distributions.NewSoftplusTransform(), 50, 50},
		{"power 0.3", pw, 0.3, 0.616547243757233},
		{"power 4", pw, 4, 1.7451779751158882},
		{"affine", transformsAffine(t, s64(0.5), s64(-4), 0), -4.5, 1.25},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			x, err := tc.tr.Inverse(s64(tc.y))
			require.NoError(t, err)
			close(t, []float64{tc.x}, data64(t, x), tol64, 0)
		})
	}
}

// TestStickBreakingValues: forward, inverse and log|det J| against mpmath
// (/tmp/tdref/ref.py).
func TestStickBreakingValues(t *testing.T) {
	t.Parallel()
	sb := distributions.NewStickBreakingTransform()
	x := f64(0.3, -1.2, 2.5)
	y, err := sb.Forward(x)
	require.NoError(t, err)
	close(t, []float64{0.31032244201237047, 0.09026916871088567, 0.553938359776745, 0.04547002949999887}, data64(t, y), tol64, 0)
	l, err := sb.LogAbsDetJacobian(x, y)
	require.NoError(t, err)
	close(t, []float64{-7.256506419910824}, data64(t, l), tol64, 0)

	y = f64(0.1, 0.2, 0.3, 0.4)
	x, err = sb.Inverse(y)
	require.NoError(t, err)
	// 1 − Σy_j is a compensated sum: exact to an ulp of the remainder
	close(t, []float64{-1.0986122886681096, -0.5596157879354227, -0.28768207245178096}, data64(t, x), tol64, 0)
	l, err = sb.LogAbsDetJacobian(x, y)
	require.NoError(t, err)
	close(t, []float64{-6.032286541628237}, data64(t, l), tol64, 0)

	// a batch (2, 3) → (2, 4), rows independent; K = 0 maps () to (1,) = [1]
	xb := sh(f64(0.3, -1.2, 2.5, 0, 0, 0), 2, 3)
	yb, err := sb.Forward(xb)
	require.NoError(t, err)
	assert.Equal(t, []int{2, 4}, shapeOf(yb))
	close(t, []float64{0.25, 0.25, 0.25, 0.25}, data64(t, yb)[4:], tol64, 0) // x = 0 is the centre
	y0, err := sb.Forward(must(tensor.Zeros[float64](0)))
	require.NoError(t, err)
	assert.Equal(t, []float64{1}, data64(t, y0))
}

// TestCorrCholeskyValues: forward and log|det J| of x ∈ ℝ⁶ → 4×4 against
// mpmath (/tmp/tdref/ref.py, Stan's construction with √(1 − tanh²)), and
// the inverse back to x.
func TestCorrCholeskyValues(t *testing.T) {
	t.Parallel()
	cc := distributions.NewCorrCholeskyTransform()
	x := f64(0.4, -0.7, 1.1, 0.05, -2.0, 0.9)
	y, err := cc.Forward(x)
	require.NoError(t, err)
	require.Equal(t, []int{4, 4}, shapeOf(y))
	close(t, []float64{
		1.0, 0.0, 0.0, 0.0,
		0.3799489622552249, 0.9250074519057551, 0.0, 0.0,
		-0.6043677771171635, 0.637761941355649, 0.4774927184164512, 0.0,
		0.04995837495787998, -0.9628237995700942, 0.19015582610150492, 0.18524376791846217,
	}, data64(t, y), tol64, 0)
	l, err := cc.LogAbsDetJacobian(x, y)
	require.NoError(t, err)
	close(t, []float64{-6.561256957329037}, data64(t, l), tol64, 0)
	back, err := cc.Inverse(y)
	require.NoError(t, err)
	// atanh(y/√c) amplifies y's rounding by up to 1/(1 − t²) ≈ 14 here
	close(t, data64(t, x), data64(t, back), 1e-14, 1e-14)

	// far tails: tanh rounds to ±1 but rows keep a positive diagonal
	big, err := cc.Forward(f64(30, 5, -300))
	require.NoError(t, err)
	d := data64(t, big)
	assert.Greater(t, d[8], 0.0, "y_22 = sech(5)·sech(300) ≈ 1e-132")
	assert.Greater(t, d[4], 0.0, "y_11 = sech(30) > 0 where torch's clamp gives √(2 eps)")
	close(t, []float64{1 / math.Cosh(30)}, []float64{d[4]}, tol64, 0)
}

// transformsLogDet is log|det J| of the numerical Jacobian of f at x, by
// central differences (step 1e-6) and gonum's LU.
func transformsLogDet(t testing.TB, f func(x []float64) []float64, x []float64) float64 {
	t.Helper()
	n := len(x)
	j := mat.NewDense(n, n, nil)
	for col := range n {
		g := transformsCentralDiffVec(f, x, col, 1e-6)
		for row := range n {
			j.Set(row, col, g[row])
		}
	}
	var lu mat.LU
	lu.Factorize(j)
	ld, _ := lu.LogDet()
	return ld
}

// transformsCentralDiffVec is ∂f/∂x_col by central differences.
func transformsCentralDiffVec(f func(x []float64) []float64, x []float64, col int, step float64) []float64 {
	y := append([]float64(nil), x...)
	h := step * max(1, math.Abs(x[col]))
	h = (x[col] + h) - x[col]
	y[col] = x[col] + h
	fp := f(y)
	y[col] = x[col] - h
	fm := f(y)
	out := make([]float64, len(fp))
	for i := range fp {
		out[i] = (fp[i] - fm[i]) / (2 * h)
	}
	return out
}

// TestTransformsLADJAgainstJacobian: every log_abs_det_jacobian equals
// log|det| of the Jacobian of Forward measured by finite differences
// (relative 1e-7: the differences' own error at step 1e-6 is ~1e-9). For
// StickBreaking the Jacobian is that of y_1…y_K, for CorrCholesky that of
// the strictly lower triangle, torch's conventions; Affine with event_dim
// 1 and a scalar scale counts log|s| once per coordinate (torch counts it
// once in all).
func TestTransformsLADJAgainstJacobian(t *testing.T) {
	t.Parallel()
	type pick func(y []float64) []float64
	all := func(y []float64) []float64 { return y }
	tests := []struct {
		name string
		tr   distributions.BijectiveTransform
		x    []float64
		pick pick
	}{
		{"stick breaking K=4", distributions.NewStickBreakingTransform(), []float64{0.3, -1.2, 2.5, 0.1}, func(y []float64) []float64 { return y[:len(y)-1] }},
		{"corr cholesky D=4", distributions.NewCorrCholeskyTransform(), []float64{0.4, -0.7, 1.1, 0.05, -2.0, 0.9}, func(y []float64) []float64 {
			var out []float64
			for i := range 4 {
				out = append(out, y[i*4:i*4+i]...)
			}
			return out
		}},
		{"affine event_dim 1, scalar scale", transformsAffine(t, f64(1, 2, 3), s64(-2.5), 1), []float64{0.1, -0.2, 0.3}, all},
		{"affine event_dim 1, vector scale", transformsAffine(t, s64(0.5), f64(2, -0.5, 3), 1), []float64{0.1, -0.2, 0.3}, all},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := func(x []float64) []float64 {
				y, err := tc.tr.Forward(f64(x...))
				require.NoError(t, err)
				return tc.pick(data64(t, y))
			}
			y, err := tc.tr.Forward(f64(tc.x...))
			require.NoError(t, err)
			l, err := tc.tr.LogAbsDetJacobian(f64(tc.x...), y)
			require.NoError(t, err)
			require.Equal(t, []int{}, shapeOf(l))
			close(t, []float64{transformsLogDet(t, f, tc.x)}, data64(t, l), 1e-7, 1e-8)
		})
	}
}

// TestTransformsRoundTrip: Forward(Inverse(y)) = y for y = Forward(x) over
// random x, the inverse's backward error: a few ulps of y (1e-14
// relative, 1e-15 absolute near 0) for the element-wise maps over
// |x| ≤ 8, and over the entries the inverse reads (not y_{K+1} of a
// stick, nor the diagonal of a correlation factor) for the vector maps
// over |x| ≤ 2 (1e-13). Beyond, an intermediate t = tanh x or σ(x′) near ±1
// is itself too coarse a double to pin x down: x = atanh t is off by up to
// eps/(1 − t²), which later entries of the row see through sech x. The
// element-wise maps are also checked in x for |x| ≤ 4, where that
// condition number stays below e⁸/4 ≈ 750 (1e-12).
func TestTransformsRoundTrip(t *testing.T) {
	t.Parallel()
	pw := transformsPow(t, s64(0.7))
	trs := map[string]distributions.Transform{
		"exp": distributions.NewExpTransform(), "sigmoid": distributions.NewSigmoidTransform(),
		"tanh": distributions.NewTanhTransform(), "softplus": distributions.NewSoftplusTransform(),
		"affine": transformsAffine(t, s64(-3), s64(0.25), 0), "stick_breaking": distributions.NewStickBreakingTransform(),
		"corr_cholesky": distributions.NewCorrCholeskyTransform(), "power": pw,
	}
	within := func(rt *rapid.T, what string, want, got []float64, rel, abs float64) {
		for i := range want {
			if d := math.Abs(got[i] - want[i]); d > rel*math.Abs(want[i]) && d > abs {
				rt.Fatalf("%s[%d]: want %v, got %v", what, i, want[i], got[i])
			}
		}
	}
	rapid.Check(t, func(rt *rapid.T) {
		name := rapid.SampledFrom([]string{"exp", "sigmoid", "tanh", "softplus", "affine", "stick_breaking", "corr_cholesky", "power"}).Draw(rt, "transform")
		n := rapid.SampledFrom([]int{1, 3, 6}).Draw(rt, "n")
		x := rapid.SliceOfN(rapid.Float64Range(-8, 8), n, n).Draw(rt, "x")
		for i := range x {
			switch name {
			case "power":
				x[i] = math.Exp(x[i] / 4)
			case "stick_breaking", "corr_cholesky":
				x[i] /= 4
			}
		}
		tr := trs[name]
		y, err := tr.Forward(f64(x...))
		require.NoError(rt, err)
		back, err := tr.Inverse(y)
		require.NoError(rt, err)
		again, err := tr.Forward(back)
		require.NoError(rt, err)
		yv, _ := tensor.Float64s(y)
		av, _ := tensor.Float64s(again)
		rel := 1e-14
		switch name {
		case "stick_breaking":
			yv, av, rel = yv[:n], av[:n], 1e-13
		case "corr_cholesky":
			yv, av, rel = transformsStrictLower(yv), transformsStrictLower(av), 1e-13
		}
		within(rt, name+" y", yv, av, rel, 1e-15)
		if _, vec := map[string]bool{"stick_breaking": true, "corr_cholesky": true}[name]; !vec && transformsMaxAbs(x) <= 4 {
			bv, _ := tensor.Float64s(back)
			within(rt, name+" x", x, bv, 1e-12, 1e-12)
		}
	})
}

// transformsStrictLower returns the strictly lower triangle of a D×D
// matrix, row by row.
func transformsStrictLower(y []float64) []float64 {
	d := int(math.Round(math.Sqrt(float64(len(y)))))
	var out []float64
	for i := range d {
		out = append(out, y[i*d:i*d+i]...)
	}
	return out
}

func transformsMaxAbs(x []float64) float64 {
	m := 0.0
	for _, v := range x {
		m = max(m, math.Abs(v))
	}
	return m
}

func TestTransformShapes(t *testing.T) {
	t.Parallel()
	sb, cc := distributions.NewStickBreakingTransform(), distributions.NewCorrCholeskyTransform()
	aff := transformsAffine(t, sh(f64(1, 2), 2, 1), f64(1, 2, 3), 0)
	lc, sm := distributions.NewLowerCholeskyTransform(), distributions.NewSoftmaxTransform()
	ok := []struct {
		name     string
		f        func([]int) ([]int, error)
		in, want []int
	}{
		{"stick breaking forward", sb.ForwardShape, []int{2, 3}, []int{2, 4}},
		{"stick breaking inverse", sb.InverseShape, []int{2, 4}, []int{2, 3}},
		{"corr cholesky forward 6", cc.ForwardShape, []int{5, 6}, []int{5, 4, 4}},
		{"corr cholesky forward 0", cc.ForwardShape, []int{0}, []int{1, 1}},
		{"corr cholesky inverse", cc.InverseShape, []int{2, 3, 3}, []int{2, 3}},
		{"affine broadcasts", aff.ForwardShape, []int{4, 1, 1}, []int{4, 2, 3}},
		{"affine inverse broadcasts", aff.InverseShape, []int{}, []int{2, 3}},
		{"lower cholesky", lc.ForwardShape, []int{2, 3, 3}, []int{2, 3, 3}},
		{"softmax", sm.InverseShape, []int{5}, []int{5}},
	}
	for _, c := range ok {
		got, err := c.f(c.in)
		require.NoError(t, err, c.name)
		assert.Equal(t, c.want, got, c.name)
	}
	bad := []struct {
		name string
		f    func([]int) ([]int, error)
		in   []int
	}{
		{"stick breaking of a scalar", sb.ForwardShape, []int{}},
		{"stick breaking inverse of size 0", sb.InverseShape, []int{2, 0}},
		{"corr cholesky of 4", cc.ForwardShape, []int{4}},
		{"corr cholesky inverse of non-square", cc.InverseShape, []int{3, 4}},
		{"affine does not broadcast", aff.ForwardShape, []int{4}},
		{"affine event_dim 2 of a vector", transformsAffine(t, s64(0), s64(1), 2).ForwardShape, []int{3}},
		{"lower cholesky of a vector", lc.ForwardShape, []int{3}},
		{"softmax of a scalar", sm.ForwardShape, []int{}},
	}
	for _, c := range bad {
		_, err := c.f(c.in)
		require.ErrorIs(t, err, distributions.ErrShape, c.name)
	}
}

func TestTransformSignAndParams(t *testing.T) {
	t.Parallel()
	for _, tr := range []distributions.MonotoneTransform{distributions.NewExpTransform(), distributions.NewSigmoidTransform(), distributions.NewTanhTransform(), distributions.NewSoftplusTransform()} {
		assert.Equal(t, []float64{1}, data64(t, tr.Sign()), tr.String())
		assert.Empty(t, tr.Params())
	}
	aff := transformsAffine(t, s64(1), f64(2, -3, 0), 0)
	assert.Equal(t, []float64{1, -1, 0}, data64(t, aff.Sign()))
	assert.Equal(t, []string{"loc", "scale"}, transformsSortedKeys(aff.Params()))
	pw := transformsPow(t, sh(f64(-0.5, 2), 2, 1))
	assert.Equal(t, []float64{-1, 1}, data64(t, pw.Sign()))
	assert.Equal(t, []int{2, 1}, shapeOf(pw.Sign()))
	assert.Equal(t, []string{"exponent"}, transformsSortedKeys(pw.Params()))
	// the vector transforms have no sign
	for _, tr := range []distributions.Transform{distributions.NewStickBreakingTransform(), distributions.NewCorrCholeskyTransform(), distributions.NewSoftmaxTransform(), distributions.NewLowerCholeskyTransform()} {
		_, ok := tr.(distributions.MonotoneTransform)
		assert.False(t, ok, tr.String())
	}
	// torch 1.13 has no log_abs_det_jacobian for these two
	for _, tr := range []distributions.Transform{distributions.NewSoftmaxTransform(), distributions.NewLowerCholeskyTransform()} {
		_, ok := tr.(distributions.BijectiveTransform)
		assert.False(t, ok, tr.String())
	}
}

func transformsSortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestSoftmaxAndLowerCholeskyValues: by hand (softmax of (0, log 2, log 5)
// is (1, 2, 5)/8).
func TestSoftmaxAndLowerCholeskyValues(t *testing.T) {
	t.Parallel()
	sm := distributions.NewSoftmaxTransform()
	y, err := sm.Forward(f64(0, math.Log(2), math.Log(5)))
	require.NoError(t, err)
	close(t, []float64{0.125, 0.25, 0.625}, data64(t, y), tol64, 0)
	x, err := sm.Inverse(f64(0.125, 0.25, 0.625))
	require.NoError(t, err)
	close(t, []float64{math.Log(0.125), math.Log(0.25), math.Log(0.625)}, data64(t, x), tol64, 0)

	lc := distributions.NewLowerCholeskyTransform()
	y, err = lc.Forward(sh(f64(0, 7, -1.5, math.Log(3)), 2, 2))
	require.NoError(t, err)
	close(t, []float64{1, 0, -1.5, 3}, data64(t, y), tol64, 0)
	x, err = lc.Inverse(y)
	require.NoError(t, err)
	close(t, []float64{0, 0, -1.5, math.Log(3)}, data64(t, x), tol64, 0)
}

func TestTransformConstructorErrors(t *testing.T) {
	t.Parallel()
	_, err := distributions.NewAffineTransform(s64(0), s32(1), 0)
	require.ErrorIs(t, err, distributions.ErrDType)
	_, err = distributions.NewAffineTransform(f64(0, 1), f64(1, 2, 3), 0)
	require.ErrorIs(t, err, distributions.ErrShape)
	_, err = distributions.NewAffineTransform(nil, s64(1), 0)
	require.ErrorIs(t, err, distributions.ErrParam)
	_, err = distributions.NewAffineTransform(s64(0), s64(1), -1)
	require.ErrorIs(t, err, distributions.ErrParam)
	var ce *distributions.ConstraintError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "event_dim", ce.Name)
	_, err = distributions.NewPowerTransform(nil)
	require.ErrorIs(t, err, distributions.ErrParam)
	// values of another dtype than the parameters
	_, err = transformsAffine(t, s32(0), s32(1), 0).Forward(f64(1))
	require.ErrorIs(t, err, distributions.ErrDType)
	_, err = distributions.NewExpTransform().Forward(nil)
	require.ErrorIs(t, err, distributions.ErrShape)
	// parameter-free transforms take either dtype
	y, err := distributions.NewExpTransform().Forward(f32(0, 1))
	require.NoError(t, err)
	assert.Equal(t, tensor.Float32, y.Dtype())
	close(t, []float64{1, math.E}, data64(t, y), tol32, 0)
}

func TestParseTransforms(t *testing.T) {
	t.Parallel()
	ts, err := distributions.ParseTransforms(json.RawMessage(`[{"type": "exp"}, "sigmoid", {"type": "tanh"}, "softplus",
		{"type": "affine", "loc": {"shape": [2], "data": [1, 2]}, "scale": -3, "event_dim": 1},
		{"type": "power", "exponent": {"shape": [], "data": [0.5]}}, "stick_breaking", "corr_cholesky", "softmax", "lower_cholesky"]`))
	require.NoError(t, err)
	want := []string{"ExpTransform()", "SigmoidTransform()", "TanhTransform()", "SoftplusTransform()",
		"AffineTransform(loc: (2,), scale: (), event_dim=1)", "PowerTransform(exponent: ())", "StickBreakingTransform()",
		"CorrCholeskyTransform()", "SoftmaxTransform()", "LowerCholeskyTransform()"}
	require.Len(t, ts, len(want))
	for i, tr := range ts {
		assert.Equal(t, want[i], tr.String())
	}
	one, err := distributions.ParseTransforms(json.RawMessage(`{"type": "exp"}`))
	require.NoError(t, err)
	require.Len(t, one, 1)

	for _, c := range []struct {
		spec string
		want error
	}{
		{`["no_such"]`, distributions.ErrUnsupported},
		{`[{"type": "exp", "cache_size": 1}]`, distributions.ErrUnsupported},
		{`[{"type": "affine", "scale": 1}]`, distributions.ErrParam},
		{`[{"type": "affine", "loc": 0, "scale": 1, "event_dim": -1}]`, distributions.ErrParam},
		{`[{"type": "affine", "loc": 0, "scale": 1, "event_dim": 1.5}]`, distributions.ErrParam},
		{`[{"type": "power"}]`, distributions.ErrParam},
		{`[{"loc": 0}]`, distributions.ErrParam},
		{`[3]`, distributions.ErrUnsupported},
	} {
		_, err := distributions.ParseTransforms(json.RawMessage(c.spec))
		require.ErrorIs(t, err, c.want, c.spec)
	}
}
