package distributions_test

import (
	"errors"
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
	"pgregory.net/rapid"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// LowRankMultivariateNormal's tests. The oracles form the full covariance
// Σ = WWᵀ + diag(D), which the engine never does, and score it with
// gonum's mat (Cholesky solve and log-determinant: lowRankGonum, what
// distmv.Normal computes; distmv itself needs golang.org/x/tools in
// go.sum), or mpmath at 50 digits from the exact binary inputs
// (lowRankMpmath); never the engine's own output.

var (
	_ distributions.Distribution   = (*distributions.LowRankMultivariateNormal)(nil)
	_ distributions.RSampler       = (*distributions.LowRankMultivariateNormal)(nil)
	_ distributions.PathwiseGrader = (*distributions.LowRankMultivariateNormal)(nil)
	_ distributions.LogProbGrader  = (*distributions.LowRankMultivariateNormal)(nil)
	_ distributions.LogProbIntoer  = (*distributions.LowRankMultivariateNormal)(nil)
	_ distributions.Expander       = (*distributions.LowRankMultivariateNormal)(nil)
	_ distributions.Parameterised  = (*distributions.LowRankMultivariateNormal)(nil)
	_ distributions.Meaner         = (*distributions.LowRankMultivariateNormal)(nil)
	_ distributions.Variancer      = (*distributions.LowRankMultivariateNormal)(nil)
	_ distributions.StdDever       = (*distributions.LowRankMultivariateNormal)(nil)
	_ distributions.Moder          = (*distributions.LowRankMultivariateNormal)(nil)
	_ distributions.Entropier      = (*distributions.LowRankMultivariateNormal)(nil)
)

// lowRankCov returns Σ = WWᵀ + diag(D) (n×n, row-major) for W n×m.
func lowRankCov(w, dg []float64, n, m int) []float64 {
	s := make([]float64, n*n)
	for i := range n {
		for j := range n {
			var v float64
			for k := range m {
				v += w[i*m+k] * w[j*m+k]
			}
			if i == j {
				v += dg[i]
			}
			s[i*n+j] = v
		}
	}
	return s
}

// lowRankOracle is N(mu, Σ) scored with gonum's Cholesky.
type lowRankOracle struct {
	mu   []float64
	cov  *mat.SymDense
	chol mat.Cholesky
}

func lowRankGonum(t testing.TB, mu, s []float64) *lowRankOracle {
	t.Helper()
	n := len(mu)
	o := &lowRankOracle{mu: slices.Clone(mu), cov: mat.NewSymDense(n, slices.Clone(s))}
	require.True(t, o.chol.Factorize(o.cov), "not positive definite")
	return o
}

func (o *lowRankOracle) LogProb(x []float64) float64 {
	n := len(o.mu)
	r := mat.NewVecDense(n, nil)
	for i := range n {
		r.SetVec(i, x[i]-o.mu[i])
	}
	var y mat.VecDense
	if err := o.chol.SolveVecTo(&y, r); err != nil {
		panic(err)
	}
	return -0.5*(float64(n)*math.Log(2*math.Pi)+mat.Dot(r, &y)) - 0.5*o.chol.LogDet()
}

// inv returns Σ⁻¹ by gonum.
func (o *lowRankOracle) inv() []float64 {
	var inv mat.SymDense
	if err := o.chol.InverseTo(&inv); err != nil {
		panic(err)
	}
	n := len(o.mu)
	out := make([]float64, n*n)
	for i := range n {
		for j := range n {
			out[i*n+j] = inv.At(i, j)
		}
	}
	return out
}

// lowRankIndex returns, for every element of shape out, the flat index of
// the element of shape from (broadcasting to out) it reads (bcast of
// helpers_test.go, the tests' own broadcasting).
func lowRankIndex(from, out []int) []int {
	src := make([]float64, sizeOf(from))
	for i := range src {
		src[i] = float64(i)
	}
	idx := bcast(src, from, out)
	res := make([]int, len(idx))
	for i, v := range idx {
		res[i] = int(v)
	}
	return res
}

// lowRankCase is a batch of parameters and values with their batch shapes.
type lowRankCase struct {
	n, m           int
	xb, lb, fb, db []int
	x, loc, w, dg  []float64
}

// lowRankFill draws a case: loc, x ~ N(0, 1), W ~ N(0, 0.7²), D ~ U(0.3, 2).
func lowRankFill(n, m int, xb, lb, fb, db []int, seed uint64) lowRankCase {
	r := rand.New(rand.NewPCG(seed, 99))
	c := lowRankCase{n: n, m: m, xb: xb, lb: lb, fb: fb, db: db}
	draw := func(k int, f func() float64) []float64 {
		v := make([]float64, k)
		for i := range v {
			v[i] = f()
		}
		return v
	}
	c.x = draw(sizeOf(xb)*n, r.NormFloat64)
	c.loc = draw(sizeOf(lb)*n, r.NormFloat64)
	c.w = draw(sizeOf(fb)*n*m, func() float64 { return 0.7 * r.NormFloat64() })
	c.dg = draw(sizeOf(db)*n, func() float64 { return 0.3 + 1.7*r.Float64() })
	return c
}

func (c lowRankCase) out(t testing.TB) []int {
	out, err := shape.Broadcast(c.xb, c.lb, c.fb, c.db)
	require.NoError(t, err)
	return out
}

// ref returns Σ w·log p over the broadcast output by gonum (nil weights
// are ones) and the per-element values.
func (c lowRankCase) ref(t testing.TB, x, loc, w, dg, weights []float64) (float64, []float64) {
	t.Helper()
	n, m, out := c.n, c.m, c.out(t)
	xi, li, fi, di := lowRankIndex(c.xb, out), lowRankIndex(c.lb, out), lowRankIndex(c.fb, out), lowRankIndex(c.db, out)
	vals := make([]float64, len(xi))
	var sum float64
	for e := range xi {
		s := lowRankCov(w[fi[e]*n*m:(fi[e]+1)*n*m], dg[di[e]*n:(di[e]+1)*n], n, m)
		vals[e] = lowRankGonum(t, loc[li[e]*n:(li[e]+1)*n], s).LogProb(x[xi[e]*n : (xi[e]+1)*n])
		we := 1.0
		if weights != nil {
			we = weights[e]
		}
		sum += we * vals[e]
	}
	return sum, vals
}

func (c lowRankCase) dist(t testing.TB, opts ...distributions.Option) *distributions.LowRankMultivariateNormal {
	t.Helper()
	d, err := distributions.NewLowRankMultivariateNormal(
		must(tensor.New(slices.Clone(c.loc), shape.Concat(c.lb, []int{c.n})...)),
		must(tensor.New(slices.Clone(c.w), shape.Concat(c.fb, []int{c.n, c.m})...)),
		must(tensor.New(slices.Clone(c.dg), shape.Concat(c.db, []int{c.n})...)), opts...)
	require.NoError(t, err)
	return d
}

func (c lowRankCase) value() *tensor.Dense {
	return must(tensor.New(slices.Clone(c.x), shape.Concat(c.xb, []int{c.n})...))
}

// lowRankLayouts are batch layouts: each parameter broadcasting in its own
// way, a shared factor, and per-event factors.
var lowRankLayouts = []struct {
	name           string
	n, m           int
	xb, lb, fb, db []int
}{
	{"scalar batch", 3, 2, nil, nil, nil, nil},
	{"all broadcast", 3, 2, []int{4, 1, 1}, []int{2, 1}, []int{3}, []int{1, 3}},
	{"shared factor, many events", 5, 2, []int{7}, []int{7}, nil, nil},
	{"per-event factors", 4, 3, []int{6}, []int{6}, []int{6}, []int{6}},
	{"rank 1, event 1", 1, 1, []int{3}, nil, nil, []int{3}},
	{"rank above event size", 2, 4, []int{2}, nil, []int{2}, nil},
}

func TestLowRankLogProbAgainstGonum(t *testing.T) {
	t.Parallel()
	for li, l := range lowRankLayouts {
		t.Run(l.name, func(t *testing.T) {
			t.Parallel()
			c := lowRankFill(l.n, l.m, l.xb, l.lb, l.fb, l.db, uint64(10+li))
			d := c.dist(t)
			lp, err := d.LogProb(c.value())
			require.NoError(t, err)
			require.Equal(t, c.out(t), shapeOf(lp))
			_, want := c.ref(t, c.x, c.loc, c.w, c.dg, nil)
			// gonum solves with the full Σ, the engine with the capacitance:
			// both within a few ulps of |log p| ~ 10: measured ≤ 4e-16
			close(t, want, data64(t, lp), 1e-13, 1e-13)
			b, err := shape.Broadcast(l.lb, l.fb, l.db)
			require.NoError(t, err)
			assert.Equal(t, b, d.BatchShape())
			assert.Equal(t, []int{l.n}, d.EventShape())
			assert.Equal(t, l.m, d.Rank())
		})
	}
}

// lowRankMpmath: loc (0.5, -1, 2), W = [[1, 0.5], [-0.3, 2], [0.7, -1.1]],
// D = (0.8, 1.5, 0.3); mpmath (dps 50) forms Σ = WWᵀ + diag D exactly and
// evaluates -½(n log 2π + log det Σ + rᵀΣ⁻¹r) and ½(n(1 + log 2π) + log det Σ).
var lowRankMpmath = struct {
	loc, w, dg []float64
	xs         [][]float64
	lp         []float64
	entropy    float64
}{
	loc: []float64{0.5, -1, 2},
	w:   []float64{1, 0.5, -0.3, 2, 0.7, -1.1},
	dg:  []float64{0.8, 1.5, 0.3},
	xs:  [][]float64{{1.1, -0.4, 0.2}, {-3, 5, 0}, {0.5, -1, 2}},
	lp:  []float64{-5.591543905208556809723002, -13.13241882489385079287685, -3.87719810306144159057623},
	// entropy = -log p(μ) + n/2: a check of the two constants
	entropy: 5.37719810306144159057623,
}

func TestLowRankMpmath(t *testing.T) {
	t.Parallel()
	ref := lowRankMpmath
	for _, dt := range []string{"f64", "f32"} {
		t.Run(dt, func(t *testing.T) {
			t.Parallel()
			conv, tol := func(v *tensor.Dense) *tensor.Dense { return v }, 2e-15 // measured ≤ 1.2e-16
			if dt == "f32" {
				// float32 inputs are the float64 ones rounded: relative
				// perturbations of 6e-8 move log p by up to Σ|∂ log p/∂θ·θ|·6e-8
				// ≈ 60·6e-8 relative; measured 4e-8
				conv, tol = to32, 1e-5
			}
			d := must(distributions.NewLowRankMultivariateNormal(conv(f64(ref.loc...)), conv(sh(f64(ref.w...), 3, 2)), conv(f64(ref.dg...))))
			x := make([]float64, 0, 9)
			for _, v := range ref.xs {
				x = append(x, v...)
			}
			lp := must(d.LogProb(conv(sh(f64(x...), 3, 3))))
			close(t, ref.lp, data64(t, lp), tol, 0)
			h := must(d.Entropy())
			close(t, []float64{ref.entropy}, data64(t, h), tol, 0)
		})
	}
}

func TestLowRankErrors(t *testing.T) {
	t.Parallel()
	loc, w, dg := f64(0, 0), sh(f64(1, 0), 2, 1), f64(1, 1)
	nan := math.NaN()
	tests := []struct {
		name          string
		loc, w, dg    *tensor.Dense
		validate      bool
		want          error
		param, rule   string
		index         []int
		notConstraint bool
	}{
		{name: "nil loc", loc: nil, w: w, dg: dg, validate: true, want: distributions.ErrParam, notConstraint: true},
		{name: "dtypes differ", loc: loc, w: to32(w), dg: dg, validate: true, want: distributions.ErrDType, notConstraint: true},
		{name: "scalar loc", loc: s64(0), w: w, dg: dg, validate: true, want: distributions.ErrShape, notConstraint: true},
		{name: "vector cov_factor", loc: loc, w: f64(1, 0), dg: dg, validate: true, want: distributions.ErrShape, notConstraint: true},
		{name: "cov_factor rows", loc: loc, w: sh(f64(1, 0, 2), 3, 1), dg: dg, validate: true, want: distributions.ErrShape, notConstraint: true},
		{name: "cov_diag size", loc: loc, w: w, dg: f64(1, 1, 1), validate: true, want: distributions.ErrShape, notConstraint: true},
		{name: "scalar cov_diag", loc: loc, w: w, dg: s64(1), validate: true, want: distributions.ErrShape, notConstraint: true},
		{name: "batches do not broadcast", loc: sh(f64(0, 0, 0, 0, 0, 0), 3, 2), w: sh(f64(1, 0, 1, 0), 2, 2, 1), dg: dg, validate: true, want: distributions.ErrShape, notConstraint: true},
		{name: "NaN loc", loc: f64(0, nan), w: w, dg: dg, validate: true, want: distributions.ErrParam, param: "loc", rule: "real", index: []int{1}},
		{name: "NaN cov_factor", loc: loc, w: sh(f64(1, 0, 0, nan), 2, 2), dg: dg, validate: true, want: distributions.ErrParam, param: "cov_factor", rule: "real", index: []int{1, 1}},
		{name: "negative cov_diag", loc: loc, w: w, dg: f64(1, -1), validate: true, want: distributions.ErrParam, param: "cov_diag", rule: "> 0", index: []int{1}},
		{name: "zero cov_diag in a batch", loc: loc, w: w, dg: sh(f64(1, 1, 0, 1), 2, 2), validate: true, want: distributions.ErrParam, param: "cov_diag", rule: "> 0", index: []int{1, 0}},
		// unvalidated, -1 with a zero row of W leaves K = I + WᵀD⁻¹W = 1 + 1·1
		// (PD) but D = (1, -1): torch builds it; -0.5 under a unit row of W
		// gives K = 1 + 1/(-0.5) < 0, which torch's cholesky refuses
		{name: "unvalidated, capacitance not positive definite", loc: loc, w: sh(f64(1, 0), 2, 1), dg: f64(-0.5, 1), validate: false, want: distributions.ErrParam, param: "cov_diag", index: []int{0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := distributions.NewLowRankMultivariateNormal(tc.loc, tc.w, tc.dg, distributions.WithValidation(tc.validate))
			require.ErrorIs(t, err, tc.want)
			var ce *distributions.ConstraintError
			if tc.notConstraint {
				require.False(t, errors.As(err, &ce), "%v", err)
				return
			}
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, "low_rank_multivariate_normal", ce.Family)
			assert.Equal(t, tc.param, ce.Name)
			assert.Equal(t, tc.index, ce.Index)
			if tc.rule != "" {
				assert.Equal(t, tc.rule, ce.Rule)
			}
			assert.Contains(t, err.Error(), tc.param)
		})
	}
	t.Run("unvalidated negative cov_diag with a PD capacitance builds", func(t *testing.T) {
		t.Parallel()
		d, err := distributions.NewLowRankMultivariateNormal(loc, w, f64(1, -1), distributions.WithValidation(false))
		require.NoError(t, err)
		lp := must(d.LogProb(f64(0, 0)))
		assert.True(t, math.IsNaN(data64(t, lp)[0]), "log of a negative determinant, as torch")
	})
	t.Run("values", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewLowRankMultivariateNormal(sh(f64(0, 0, 1, 1), 2, 2), w, dg))
		for _, c := range []struct {
			name string
			x    tensor.Value
			want error
		}{
			{"nil", nil, distributions.ErrShape},
			{"wrong event size", f64(0, 0, 0), distributions.ErrShape},
			{"scalar", s64(0), distributions.ErrShape},
			{"batch does not broadcast", sh(f64(0, 0, 0, 0, 0, 0), 3, 2), distributions.ErrShape},
			{"dtype", f32(0, 0), distributions.ErrDType},
			{"NaN", f64(0, nan), distributions.ErrSupport},
		} {
			_, err := d.LogProb(c.x)
			require.ErrorIs(t, err, c.want, c.name)
			_, err = d.LogProbGrad(c.x)
			require.ErrorIs(t, err, c.want, c.name)
			err = d.LogProbInto(must(tensor.Zeros[float64](2)), c.x)
			require.ErrorIs(t, err, c.want, c.name)
		}
		var ce *distributions.ConstraintError
		_, err := d.LogProb(sh(f64(0, 0, 1, nan), 2, 2))
		require.ErrorAs(t, err, &ce)
		assert.Equal(t, []int{1, 1}, ce.Index)
		assert.Equal(t, "value", ce.Name)
		// unvalidated, NaN scores NaN, as torch does
		u := must(distributions.NewLowRankMultivariateNormal(f64(0, 0), w, dg, distributions.WithValidation(false)))
		assert.True(t, math.IsNaN(data64(t, must(u.LogProb(f64(0, nan))))[0]))
		assert.False(t, u.Validating())
		assert.True(t, d.Validating())
	})
}

func TestLowRankMomentsAndMatrices(t *testing.T) {
	t.Parallel()
	c := lowRankFill(3, 2, nil, []int{2, 1}, []int{3}, []int{1}, 40)
	d := c.dist(t)
	n := 3
	batch := []int{2, 3}
	require.Equal(t, batch, d.BatchShape())
	mean, mode, vr, sd, h := must(d.Mean()), must(d.Mode()), must(d.Variance()), must(d.StdDev()), must(d.Entropy())
	cov, prec, tril := d.CovarianceMatrix(), d.PrecisionMatrix(), d.ScaleTril()
	assert.Equal(t, []int{2, 3, 3}, shapeOf(mean))
	assert.Equal(t, []int{2, 3, 3}, shapeOf(vr))
	assert.Equal(t, []int{2, 3}, shapeOf(h))
	assert.Equal(t, []int{2, 3, 3, 3}, shapeOf(cov))
	for b := range 6 {
		li, fi := b/3, b%3
		s := lowRankCov(c.w[fi*n*2:(fi+1)*n*2], c.dg, n, 2)
		o := lowRankGonum(t, c.loc[li*n:(li+1)*n], s)
		close(t, c.loc[li*n:(li+1)*n], data64(t, mean)[b*n:(b+1)*n], 0, 0)
		close(t, c.loc[li*n:(li+1)*n], data64(t, mode)[b*n:(b+1)*n], 0, 0)
		for i := range n {
			close(t, []float64{s[i*n+i]}, data64(t, vr)[b*n+i:b*n+i+1], tol64, 0)
			close(t, []float64{math.Sqrt(s[i*n+i])}, data64(t, sd)[b*n+i:b*n+i+1], tol64, 0)
		}
		close(t, []float64{float64(n)/2*(1+math.Log(2*math.Pi)) + 0.5*o.chol.LogDet()}, data64(t, h)[b:b+1], 1e-14, 0)
		close(t, s, data64(t, cov)[b*n*n:(b+1)*n*n], tol64, 0)
		// Woodbury against gonum's inverse, chol(I + D^-½WWᵀD^-½) against
		// gonum's Cholesky of Σ: well-conditioned, measured ≤ 3.2e-15
		close(t, o.inv(), data64(t, prec)[b*n*n:(b+1)*n*n], 1e-13, 1e-14)
		var l mat.TriDense
		o.chol.LTo(&l)
		for i := range n {
			for j := range n {
				close(t, []float64{l.At(i, j)}, data64(t, tril)[b*n*n+i*n+j:b*n*n+i*n+j+1], 1e-13, 1e-15)
			}
		}
	}
	p := d.Params()
	assert.Len(t, p, 3)
	assert.Same(t, d.Loc(), p["loc"])
	assert.Same(t, d.CovFactor(), p["cov_factor"])
	assert.Same(t, d.CovDiag(), p["cov_diag"])
	assert.Contains(t, fmt.Sprint(d), "LowRankMultivariateNormal(batch_shape=(2, 3)")
}

func TestLowRankExpandAndInto(t *testing.T) {
	t.Parallel()
	c := lowRankFill(3, 2, []int{5, 1, 1}, []int{2, 1}, []int{1}, nil, 50)
	d := c.dist(t)
	e, err := distributions.Expand(d, []int{4, 2, 3})
	require.NoError(t, err)
	ed, ok := e.(*distributions.LowRankMultivariateNormal)
	require.True(t, ok, "native expand keeps the family")
	assert.Equal(t, []int{4, 2, 3}, ed.BatchShape())
	assert.Same(t, d.CovFactor(), ed.CovFactor(), "parameters are shared")
	x := must(tensor.New(slices.Clone(c.x[:3]), 3))
	lp := data64(t, must(ed.LogProb(x)))
	base := data64(t, must(d.LogProb(x))) // (2, 1)
	require.Len(t, lp, 24)
	for i, v := range lp {
		assert.Equal(t, base[(i/3)%2], v)
	}
	h := data64(t, must(ed.Entropy()))
	assert.Len(t, h, 24)
	assert.Equal(t, []int{4, 2, 3, 3}, shapeOf(must(ed.Sample(rand.NewPCG(1, 1)))))
	_, err = distributions.Expand(d, []int{3, 3})
	require.ErrorIs(t, err, distributions.ErrShape)
	_, err = ed.Expand([]int{2, 1})
	require.ErrorIs(t, err, distributions.ErrShape)

	xs := c.value() // (5, 1, 1, 3)
	want := must(d.LogProb(xs))
	dst := must(tensor.Zeros[float64](5, 2, 1))
	require.NoError(t, d.LogProbInto(dst, xs))
	assert.Equal(t, data64(t, want), data64(t, dst))
	require.ErrorIs(t, d.LogProbInto(must(tensor.Zeros[float64](5, 2)), xs), distributions.ErrShape)
	require.ErrorIs(t, d.LogProbInto(must(tensor.Zeros[float32](5, 2, 1)), xs), distributions.ErrShape)
	require.ErrorIs(t, d.LogProbInto(nil, xs), distributions.ErrShape)
	// float32 Into
	d32 := must(distributions.NewLowRankMultivariateNormal(to32(d.Loc()), to32(d.CovFactor()), to32(d.CovDiag())))
	dst32 := must(tensor.Zeros[float32](5, 2, 1))
	require.NoError(t, d32.LogProbInto(dst32, to32(xs)))
	assert.Equal(t, data64(t, must(d32.LogProb(to32(xs)))), data64(t, dst32))
}

// TestLowRankLogProbGrad checks every gradient of Σ w·log p against central
// differences of the gonum oracle, over a layout where every operand
// broadcasts (so that each gradient is summed back to its own shape).
func TestLowRankLogProbGrad(t *testing.T) {
	t.Parallel()
	for li, l := range lowRankLayouts {
		t.Run(l.name, func(t *testing.T) {
			t.Parallel()
			c := lowRankFill(l.n, l.m, l.xb, l.lb, l.fb, l.db, uint64(60+li))
			d := c.dist(t)
			out := c.out(t)
			r := rand.New(rand.NewPCG(61, uint64(li)))
			wts := make([]float64, sizeOf(out))
			for i := range wts {
				wts[i] = r.Float64() + 0.5
			}
			if len(wts) > 1 {
				wts[1] = 0 // a zero weight adds nothing
			}
			g, err := d.LogProbVJP(c.value(), must(tensor.New(slices.Clone(wts), out...)))
			require.NoError(t, err)
			sum, _ := c.ref(t, c.x, c.loc, c.w, c.dg, wts)
			close(t, []float64{sum}, []float64{g.LogProb}, 1e-13, 1e-13)
			f := func(x, loc, w, dg []float64) float64 {
				s, _ := c.ref(t, x, loc, w, dg, wts)
				return s
			}
			// central differences of gonum's log p: ~1e-9 relative (helpers_test.go)
			for _, p := range []struct {
				name string
				at   []float64
				f    func([]float64) float64
				got  *tensor.Dense
				s    []int
			}{
				{"value", c.x, func(v []float64) float64 { return f(v, c.loc, c.w, c.dg) }, g.Value, shape.Concat(c.xb, []int{c.n})},
				{"loc", c.loc, func(v []float64) float64 { return f(c.x, v, c.w, c.dg) }, g.Params["loc"], shape.Concat(c.lb, []int{c.n})},
				{"cov_factor", c.w, func(v []float64) float64 { return f(c.x, c.loc, v, c.dg) }, g.Params["cov_factor"], shape.Concat(c.fb, []int{c.n, c.m})},
				{"cov_diag", c.dg, func(v []float64) float64 { return f(c.x, c.loc, c.w, v) }, g.Params["cov_diag"], shape.Concat(c.db, []int{c.n})},
			} {
				require.NotNil(t, p.got, p.name)
				assert.Equal(t, p.s, shapeOf(p.got), p.name)
				want := centralDiff(p.f, p.at, 1e-5)
				e := maxRelErr(want, data64(t, p.got), 1)
				assert.Less(t, e, 1e-7, "%s: %v vs %v", p.name, data64(t, p.got), want)
			}
			g1, err := d.LogProbGrad(c.value())
			require.NoError(t, err)
			sum1, _ := c.ref(t, c.x, c.loc, c.w, c.dg, nil)
			close(t, []float64{sum1}, []float64{g1.LogProb}, 1e-13, 1e-13)
		})
	}
	t.Run("a weight of 0 adds nothing, even at Inf", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewLowRankMultivariateNormal(f64(0, 0), sh(f64(1, 0), 2, 1), f64(1, 1), distributions.WithValidation(false)))
		x := sh(f64(math.Inf(1), 0, 1, 1), 2, 2)
		g, err := d.LogProbVJP(x, f64(0, 1))
		require.NoError(t, err)
		requireFinite(t, []float64{g.LogProb})
		requireFinite(t, data64(t, g.Params["cov_factor"]))
		requireFinite(t, data64(t, g.Params["cov_diag"]))
		// Σ = [[2, 0], [0, 1]]: u = Σ⁻¹(1, 1) = (½, 1) from the second row only
		close(t, []float64{0.5, 1}, data64(t, g.Params["loc"]), 1e-15, 0)
		_, err = d.LogProbVJP(x, f32(0, 1))
		require.ErrorIs(t, err, distributions.ErrDType)
		_, err = d.LogProbVJP(x, f64(0, 1, 2))
		require.ErrorIs(t, err, distributions.ErrShape)
		// a scalar upstream broadcasts
		g2, err := d.LogProbVJP(sh(f64(1, 1), 1, 2), s64(3))
		require.NoError(t, err)
		close(t, []float64{1.5, 3}, data64(t, g2.Params["loc"]), 1e-15, 0)
	})
}

// TestLowRankRSampleVJP checks RSampleVJP two ways. Per draw, it must be the
// pathwise gradient at the conditional mean of the noise given the draw:
// for x = μ + Fε, F = [W, diag √D] (n × (n+m)), ε ~ N(0, I), E[ε | x] is
// the minimum-norm solution of Fε = x-μ, which gonum's Solve finds (LQ),
// and then ∂L/∂W_ij = g_i·ε̂_j, ∂L/∂D_i = g_i·ε̂_(m+i)/(2√D_i). Over many
// draws it must be unbiased for ∇E[f(x)] with f(x) = Σ a_i x_i + ½b_i x_i²,
// whose exact gradient is ∂/∂μ_i = a_i + b_iμ_i, ∂/∂W_ij = b_iW_ij,
// ∂/∂D_i = b_i/2.
func TestLowRankRSampleVJP(t *testing.T) {
	t.Parallel()
	t.Run("conditional mean of the noise", func(t *testing.T) {
		t.Parallel()
		c := lowRankFill(4, 2, nil, []int{3}, nil, []int{3}, 70)
		d := c.dist(t)
		n, m := 4, 2
		x := must(d.RSample(rand.NewPCG(71, 72), 5)) // (5, 3, 4)
		xs := data64(t, x)
		r := rand.New(rand.NewPCG(73, 74))
		g := make([]float64, len(xs))
		for i := range g {
			g[i] = r.NormFloat64()
		}
		got, err := d.RSampleVJP(x, must(tensor.New(slices.Clone(g), 5, 3, n)))
		require.NoError(t, err)
		wantL, wantW, wantD := make([]float64, 3*n), make([]float64, n*m), make([]float64, 3*n)
		for s := range 5 {
			for b := range 3 {
				e := (s*3 + b) * n
				dg := c.dg[b*n : (b+1)*n]
				f := mat.NewDense(n, n+m, nil)
				rv := mat.NewDense(n, 1, nil)
				for i := range n {
					for k := range m {
						f.Set(i, k, c.w[i*m+k])
					}
					f.Set(i, m+i, math.Sqrt(dg[i]))
					rv.Set(i, 0, xs[e+i]-c.loc[b*n+i])
				}
				var eps mat.Dense
				require.NoError(t, eps.Solve(f, rv))
				for i := range n {
					wantL[b*n+i] += g[e+i]
					for k := range m {
						wantW[i*m+k] += g[e+i] * eps.At(k, 0)
					}
					wantD[b*n+i] += g[e+i] * eps.At(m+i, 0) / (2 * math.Sqrt(dg[i]))
				}
			}
		}
		close(t, wantL, data64(t, got["loc"]), 1e-14, 1e-14)
		// Woodbury against gonum's LQ: measured ≤ 9e-15 relative
		close(t, wantW, data64(t, got["cov_factor"]), 1e-12, 1e-13)
		close(t, wantD, data64(t, got["cov_diag"]), 1e-12, 1e-13)
		assert.Equal(t, []int{3, n}, shapeOf(got["cov_diag"]))
		assert.Equal(t, []int{n, m}, shapeOf(got["cov_factor"]))
	})
	t.Run("unbiased", func(t *testing.T) {
		t.Parallel()
		const n, m, chunks, per = 3, 2, 25, 2000
		loc, w, dg := []float64{0.5, -1, 2}, []float64{1, 0.5, -0.3, 2, 0.7, -1.1}, []float64{0.8, 1.5, 0.3}
		a, b := []float64{0.3, -1, 2}, []float64{1, 0.5, -2}
		d := must(distributions.NewLowRankMultivariateNormal(f64(loc...), sh(f64(w...), n, m), f64(dg...)))
		est := make([][]float64, chunks)
		src := rand.NewPCG(80, 81)
		for k := range chunks {
			x := must(d.RSample(src, per))
			xs := data64(t, x)
			g := make([]float64, len(xs))
			for i := range g {
				g[i] = a[i%n] + b[i%n]*xs[i]
			}
			v := must(d.RSampleVJP(x, must(tensor.New(g, per, n))))
			var e []float64
			for _, name := range []string{"loc", "cov_factor", "cov_diag"} {
				for _, gv := range data64(t, v[name]) {
					e = append(e, gv/per)
				}
			}
			est[k] = e
		}
		var want []float64
		for i := range n {
			want = append(want, a[i]+b[i]*loc[i])
		}
		for i := range n {
			for k := range m {
				want = append(want, b[i]*w[i*m+k])
			}
		}
		for i := range n {
			want = append(want, b[i]/2)
		}
		for j, wv := range want {
			var mean, sq float64
			for _, e := range est {
				mean += e[j]
			}
			mean /= chunks
			for _, e := range est {
				sq += (e[j] - mean) * (e[j] - mean)
			}
			se := math.Sqrt(sq / (chunks - 1) / chunks)
			// 5 standard errors over 12 parameters: a false alarm once in 1e5 runs
			assert.LessOrEqual(t, math.Abs(mean-wv), 5*se, "parameter %d: %.4f ± %.4f, want %.4f", j, mean, se, wv)
			// power: the standard error is small enough to see a wrong factor of 2 in D's term
			assert.Less(t, se, 0.05, "parameter %d", j)
		}
	})
	t.Run("errors", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewLowRankMultivariateNormal(f64(0, 0), sh(f64(1, 0), 2, 1), f64(1, 1)))
		_, err := d.RSampleVJP(f64(0, 0, 0), nil)
		require.ErrorIs(t, err, distributions.ErrShape)
		_, err = d.RSampleVJP(f32(0, 0), nil)
		require.ErrorIs(t, err, distributions.ErrDType)
		_, err = d.RSampleVJP(f64(0, 0), f64(1))
		require.ErrorIs(t, err, distributions.ErrShape)
		_, err = d.RSampleVJP(f64(0, 0), f32(1, 1))
		require.ErrorIs(t, err, distributions.ErrDType)
		g, err := d.RSampleVJP(sh(f64(1, 2, 3, 4), 2, 2), nil)
		require.NoError(t, err)
		close(t, []float64{2, 2}, data64(t, g["loc"]), 0, 0)
	})
}

func TestLowRankFloat32(t *testing.T) {
	t.Parallel()
	c := lowRankFill(4, 2, []int{3, 1}, []int{2}, nil, []int{2}, 90)
	d64 := c.dist(t)
	d32 := must(distributions.NewLowRankMultivariateNormal(to32(d64.Loc()), to32(d64.CovFactor()), to32(d64.CovDiag())))
	assert.Equal(t, tensor.Float32, d32.Dtype())
	x64 := c.value()
	x32 := to32(x64)
	// float32 rounding of inputs and of the result: measured ≤ 4e-8 relative (log p),
	// 2e-6 (gradients, some near 0)
	lp32 := must(d32.LogProb(x32))
	require.Equal(t, tensor.Float32, lp32.Dtype())
	close(t, data64(t, must(d64.LogProb(x64))), data64(t, lp32), 1e-5, 1e-5)
	for name, get := range map[string]func(*distributions.LowRankMultivariateNormal) (*tensor.Dense, error){
		"mean": (*distributions.LowRankMultivariateNormal).Mean, "variance": (*distributions.LowRankMultivariateNormal).Variance,
		"stddev": (*distributions.LowRankMultivariateNormal).StdDev, "entropy": (*distributions.LowRankMultivariateNormal).Entropy,
	} {
		v32 := must(get(d32))
		require.Equal(t, tensor.Float32, v32.Dtype(), name)
		close(t, data64(t, must(get(d64))), data64(t, v32), 1e-6, 1e-6)
	}
	g64, g32 := must(d64.LogProbGrad(x64)), must(d32.LogProbGrad(x32))
	close(t, []float64{g64.LogProb}, []float64{g32.LogProb}, 1e-5, 0)
	close(t, data64(t, g64.Value), data64(t, g32.Value), 1e-5, 1e-5)
	for _, p := range []string{"loc", "cov_factor", "cov_diag"} {
		require.Equal(t, tensor.Float32, g32.Params[p].Dtype())
		close(t, data64(t, g64.Params[p]), data64(t, g32.Params[p]), 1e-5, 1e-5)
	}
	s64, s32 := must(d64.Sample(rand.NewPCG(5, 6), 100)), must(d32.Sample(rand.NewPCG(5, 6), 100))
	require.Equal(t, tensor.Float32, s32.Dtype())
	close(t, data64(t, s64), data64(t, s32), 1e-6, 1e-6) // the same draws, rounded
	v32 := must(d32.RSampleVJP(s32, nil))
	v64 := must(d64.RSampleVJP(s64, nil))
	for _, p := range []string{"loc", "cov_factor", "cov_diag"} {
		require.Equal(t, tensor.Float32, v32[p].Dtype())
		close(t, data64(t, v64[p]), data64(t, v32[p]), 1e-5, 1e-5)
	}
	for _, m := range []*tensor.Dense{d32.CovarianceMatrix(), d32.PrecisionMatrix(), d32.ScaleTril()} {
		assert.Equal(t, tensor.Float32, m.Dtype())
	}
}

// lowRankKS returns the KS p-value of the projection aᵀx of draws x (rows
// of len(a)) against N(aᵀμ, aᵀΣa).
func lowRankKS(data, a, mu, s []float64) float64 {
	n := len(a)
	proj := make([]float64, len(data)/n)
	for i := range proj {
		for k, ak := range a {
			proj[i] += ak * data[i*n+k]
		}
	}
	var mean, v float64
	for i := range n {
		mean += a[i] * mu[i]
		for j := range n {
			v += a[i] * s[i*n+j] * a[j]
		}
	}
	return ksPValue(ksStatistic(proj, distuv.Normal{Mu: mean, Sigma: math.Sqrt(v)}.CDF), len(proj))
}

// lowRankProjections: each coordinate, each pair with both signs, the sum.
func lowRankProjections(n int) [][]float64 {
	var out [][]float64
	for i := range n {
		a := make([]float64, n)
		a[i] = 1
		out = append(out, a)
		for j := range i {
			for _, sgn := range []float64{1, -1} {
				b := make([]float64, n)
				b[i], b[j] = 1, sgn
				out = append(out, b)
			}
		}
	}
	one := make([]float64, n)
	for i := range one {
		one[i] = 1
	}
	return append(out, one)
}

func TestLowRankSampleKS(t *testing.T) {
	t.Parallel()
	const n, m = 4, 2
	loc := []float64{0.5, -1, 2, 0}
	w := []float64{1, 0.5, -0.3, 2, 0.7, -1.1, 0, 0.4}
	dg := []float64{0.8, 1.5, 0.3, 0.05}
	s := lowRankCov(w, dg, n, m)
	for _, dt := range []string{"f64", "f32"} {
		t.Run(dt, func(t *testing.T) {
			t.Parallel()
			conv := func(v *tensor.Dense) *tensor.Dense { return v }
			if dt == "f32" {
				conv = to32
			}
			d := must(distributions.NewLowRankMultivariateNormal(conv(f64(loc...)), conv(sh(f64(w...), n, m)), conv(f64(dg...))))
			x := must(d.Sample(rand.NewPCG(11, 12), nDraws))
			require.Equal(t, []int{nDraws, n}, shapeOf(x))
			data := data64(t, x)
			minP := 1.0
			for _, a := range lowRankProjections(n) {
				p := lowRankKS(data, a, loc, s)
				minP = min(minP, p)
				assert.GreaterOrEqual(t, p, pCritical, "projection %v: p = %.3g", a, p)
			}
			t.Logf("%d projections, smallest KS p = %.3g", len(lowRankProjections(n)), minP)
			if dt == "f32" {
				return
			}
			// power: a 25% larger D, one factor entry of the wrong sign
			// (Σ_12 changes), a mean 0.03σ off are each rejected
			w2 := slices.Clone(w)
			w2[3] = -w2[3]
			dg2 := slices.Clone(dg)
			for i := range dg2 {
				dg2[i] *= 1.25
			}
			mu2 := slices.Clone(loc)
			mu2[3] += 0.03 * math.Sqrt(s[15])
			for _, alt := range []struct {
				name     string
				a, mu, s []float64
			}{
				{"D × 1.25", []float64{1, 1, 1, 1}, loc, lowRankCov(w, dg2, n, m)},
				{"W_11 negated", []float64{1, -1, 0, 0}, loc, lowRankCov(w2, dg, n, m)},
				{"μ_3 + 0.03σ", []float64{0, 0, 0, 1}, mu2, s},
			} {
				p := lowRankKS(data, alt.a, alt.mu, alt.s)
				t.Logf("power, %s: p = %.3g", alt.name, p)
				assert.Less(t, p, pCritical, alt.name)
			}
		})
	}
}

func TestLowRankSampleShapesAndSeeds(t *testing.T) {
	t.Parallel()
	c := lowRankFill(3, 2, nil, []int{2, 1}, []int{4}, nil, 100)
	d := c.dist(t)
	for _, cs := range []struct{ sample, want []int }{
		{nil, []int{2, 4, 3}}, {[]int{5}, []int{5, 2, 4, 3}}, {[]int{0}, []int{0, 2, 4, 3}}, {[]int{2, 1}, []int{2, 1, 2, 4, 3}},
	} {
		x := must(d.Sample(rand.NewPCG(1, 2), cs.sample...))
		assert.Equal(t, cs.want, shapeOf(x))
		y := must(d.RSample(rand.NewPCG(1, 2), cs.sample...))
		assert.Equal(t, data64(t, x), data64(t, y), "Sample is RSample")
	}
	a1, a2, a3 := must(d.Sample(rand.NewPCG(1, 2), 10)), must(d.Sample(rand.NewPCG(1, 2), 10)), must(d.Sample(rand.NewPCG(1, 3), 10))
	assert.Equal(t, data64(t, a1), data64(t, a2))
	assert.NotEqual(t, data64(t, a1), data64(t, a3))
	assert.Len(t, distinct(data64(t, a1)), len(data64(t, a1)))
	// reparameterisation: with the same seed the noise is the same, so x is
	// affine in μ and W and x-μ-Wε_m scales with √D
	shift := lowRankCase(c)
	shift.loc = make([]float64, len(c.loc))
	shift.w = make([]float64, len(c.w))
	for i := range shift.w {
		shift.w[i] = 2 * c.w[i]
	}
	shift.dg = make([]float64, len(c.dg))
	for i := range shift.dg {
		shift.dg[i] = 4 * c.dg[i]
	}
	zero := lowRankCase(c)
	zero.loc = make([]float64, len(c.loc))
	zero.w = make([]float64, len(c.w))
	x1 := data64(t, must(d.Sample(rand.NewPCG(7, 8), 3)))
	x2 := data64(t, must(shift.dist(t).Sample(rand.NewPCG(7, 8), 3))) // 2Wε_m + 2√Dε_n
	xd := data64(t, must(zero.dist(t).Sample(rand.NewPCG(7, 8), 3)))  // √Dε_n (ε_m still drawn)
	li := lowRankIndex([]int{2, 1}, []int{3, 2, 4})
	fi := lowRankIndex([]int{4}, []int{3, 2, 4})
	for e := range len(x1) / 3 {
		wm := make([]float64, 3) // x - μ - √Dε_n = Wε_m must lie in the span of W's columns
		for i := range 3 {
			v := x1[e*3+i] - c.loc[li[e]*3+i]
			require.InDelta(t, 2*v, x2[e*3+i], 1e-13)
			wm[i] = v - xd[e*3+i]
		}
		wc := mat.NewDense(3, 2, slices.Clone(c.w[fi[e]*6:(fi[e]+1)*6]))
		var coef, fit mat.Dense
		require.NoError(t, coef.Solve(wc, mat.NewDense(3, 1, wm))) // least squares
		fit.Mul(wc, &coef)
		for i := range 3 {
			require.InDelta(t, wm[i], fit.At(i, 0), 1e-13)
		}
	}
	_, err := d.Sample(nil, 3)
	require.ErrorIs(t, err, distributions.ErrNilSource)
	_, err = d.Sample(rand.NewPCG(1, 2), -1)
	require.ErrorIs(t, err, distributions.ErrShape)
	assert.True(t, distributions.HasRSample(d))
	assert.False(t, distributions.HasEnumerateSupport(d))
}

// TestLowRankGOMAXPROCS draws and scores more events than tensor.ParallelMin
// with one and with two procs and requires the same bits. It switches
// GOMAXPROCS, so it is not parallel.
func TestLowRankGOMAXPROCS(t *testing.T) {
	const events = 140_000
	require.Greater(t, events, tensor.ParallelMin)
	d := must(distributions.NewLowRankMultivariateNormal(f64(0.5, -1), sh(f64(1, 0.5), 2, 1), f64(0.3, 2)))
	run := func(procs int) ([]float64, []float64) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		x := must(d.Sample(rand.NewPCG(42, 43), events))
		return data64(t, x), data64(t, must(d.LogProb(x)))
	}
	x1, lp1 := run(1)
	x2, lp2 := run(2)
	require.Len(t, x1, 2*events)
	assert.True(t, slices.Equal(x1, x2), "draws depend on GOMAXPROCS")
	assert.True(t, slices.Equal(lp1, lp2), "log_prob depends on GOMAXPROCS")
}

func TestLowRankInferShapes(t *testing.T) {
	t.Parallel()
	const fam = "LowRankMultivariateNormal"
	for _, c := range []struct {
		name         string
		params       map[string][]int
		batch, event []int
		err          error
	}{
		{"plain", map[string][]int{"loc": {3}, "cov_factor": {3, 2}, "cov_diag": {3}}, []int{}, []int{3}, nil},
		{"broadcast", map[string][]int{"loc": {2, 1, 3}, "cov_factor": {4, 3, 2}, "cov_diag": {1, 3}}, []int{2, 4}, []int{3}, nil},
		{"missing cov_diag", map[string][]int{"loc": {3}, "cov_factor": {3, 2}}, nil, nil, distributions.ErrParam},
		{"unknown", map[string][]int{"loc": {3}, "cov_factor": {3, 2}, "cov_diag": {3}, "scale": {3}}, nil, nil, distributions.ErrParam},
		{"vector factor", map[string][]int{"loc": {3}, "cov_factor": {3}, "cov_diag": {3}}, nil, nil, distributions.ErrShape},
		{"no broadcast", map[string][]int{"loc": {2, 3}, "cov_factor": {4, 3, 2}, "cov_diag": {3}}, nil, nil, distributions.ErrShape},
	} {
		b, e, err := distributions.InferShapes(fam, c.params)
		if c.err != nil {
			require.ErrorIs(t, err, c.err, c.name)
			continue
		}
		require.NoError(t, err, c.name)
		assert.Equal(t, c.batch, b, c.name)
		assert.Equal(t, c.event, e, c.name)
	}
	// agrees with construction for random batch shapes
	dim := rapid.IntRange(1, 3)
	rapid.Check(t, func(t *rapid.T) {
		lb := rapid.SliceOfN(dim, 0, 3).Draw(t, "lb")
		fb := rapid.SliceOfN(dim, 0, 3).Draw(t, "fb")
		db := rapid.SliceOfN(dim, 0, 3).Draw(t, "db")
		ps := map[string][]int{"loc": shape.Concat(lb, []int{2}), "cov_factor": shape.Concat(fb, []int{2, 1}), "cov_diag": shape.Concat(db, []int{2})}
		b, e, err := distributions.InferShapes(fam, ps)
		d, cerr := distributions.NewLowRankMultivariateNormal(must(tensor.Zeros[float64](ps["loc"]...)),
			must(tensor.Zeros[float64](ps["cov_factor"]...)), must(tensor.Full(1.0, ps["cov_diag"]...)))
		if cerr != nil {
			require.ErrorIs(t, cerr, distributions.ErrShape)
			require.ErrorIs(t, err, distributions.ErrShape)
			return
		}
		require.NoError(t, err)
		require.Equal(t, d.BatchShape(), b)
		require.Equal(t, d.EventShape(), e)
	})
}

// lowRankKLRef is KL(p ‖ q) = ½[log det Σq - log det Σp + rᵀΣq⁻¹r +
// tr(Σq⁻¹Σp) - n], r = μq - μp, with full matrices by gonum.
func lowRankKLRef(t testing.TB, pmu, ps, qmu, qs []float64) float64 {
	p, q := lowRankGonum(t, pmu, ps), lowRankGonum(t, qmu, qs)
	n := len(pmu)
	r := mat.NewVecDense(n, nil)
	for i := range n {
		r.SetVec(i, qmu[i]-pmu[i])
	}
	var y mat.VecDense
	var x mat.Dense
	require.NoError(t, q.chol.SolveVecTo(&y, r))
	require.NoError(t, q.chol.SolveTo(&x, p.cov))
	return 0.5 * (q.chol.LogDet() - p.chol.LogDet() + mat.Dot(r, &y) + mat.Trace(&x) - float64(n))
}

func TestLowRankKL(t *testing.T) {
	t.Parallel()
	const n = 3
	// p: loc (2, 1, 3), W (3, 3, 2), D (3); q: loc (3), W (3, 2)... per pair
	pc := lowRankFill(n, 2, nil, []int{2, 1}, []int{3}, nil, 110)
	qc := lowRankFill(n, 1, nil, nil, []int{3}, []int{1}, 111)
	p, q := pc.dist(t), qc.dist(t)
	r := rand.New(rand.NewPCG(112, 113))
	mloc := make([]float64, 3*n)
	for i := range mloc {
		mloc[i] = r.NormFloat64()
	}
	ml := []float64{1.2, 0, 0, 0.3, 0.9, 0, -0.4, 0.2, 1.5} // one scale_tril
	mcov := lowRankCov(ml, make([]float64, n), n, n)        // LLᵀ
	mv := must(distributions.NewMultivariateNormalScaleTril(sh(f64(mloc...), 3, n), sh(f64(ml...), n, n)))
	// batch (2, 3) for every pair: p's (2, 3) with q's (3)
	pcov := func(b int) ([]float64, []float64) {
		li, fi := b/3, b%3
		return pc.loc[li*n : (li+1)*n], lowRankCov(pc.w[fi*n*2:(fi+1)*n*2], pc.dg, n, 2)
	}
	qcov := func(b int) ([]float64, []float64) {
		fi := b % 3
		return qc.loc, lowRankCov(qc.w[fi*n:(fi+1)*n], qc.dg, n, 1)
	}
	mvn := func(b int) ([]float64, []float64) { return mloc[(b%3)*n : (b%3+1)*n], mcov }
	for _, c := range []struct {
		name   string
		p, q   distributions.Distribution
		pf, qf func(int) ([]float64, []float64)
	}{
		{"lowrank-lowrank", p, q, pcov, qcov},
		{"lowrank-mvn", p, mv, pcov, mvn},
		{"mvn-lowrank", mv, p, mvn, pcov},
	} {
		k, err := distributions.KL(c.p, c.q)
		require.NoError(t, err, c.name)
		require.Equal(t, []int{2, 3}, shapeOf(k), c.name)
		want := make([]float64, 6)
		for b := range 6 {
			pm, ps := c.pf(b)
			qm, qs := c.qf(b)
			want[b] = lowRankKLRef(t, pm, ps, qm, qs)
		}
		// the Woodbury forms against full solves: measured ≤ 2e-15 relative
		close(t, want, data64(t, k), 1e-12, 1e-13)
	}
	// KL(p ‖ p) = 0
	k := data64(t, must(distributions.KL(p, p)))
	for _, v := range k {
		assert.InDelta(t, 0, v, 1e-14)
	}
	// an expanded p keeps its type and gives the broadcast shape
	pe, err := distributions.Expand(p, []int{4, 2, 3})
	require.NoError(t, err)
	assert.Equal(t, []int{4, 2, 3}, shapeOf(must(distributions.KL(pe, q))))
	// errors
	other := must(distributions.NewLowRankMultivariateNormal(f64(0, 0), sh(f64(1, 0), 2, 1), f64(1, 1)))
	for _, c := range []struct {
		p, q distributions.Distribution
		err  error
	}{
		{p, other, distributions.ErrShape},
		{other, mv, distributions.ErrShape},
		{mv, other, distributions.ErrShape},
		{p, must(distributions.NewLowRankMultivariateNormal(to32(f64(0, 0, 0)), to32(sh(f64(1, 0, 0), 3, 1)), to32(f64(1, 1, 1)))), distributions.ErrDType},
		{p, must(distributions.NewLowRankMultivariateNormal(sh(f64(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 4, 3), sh(f64(1, 0, 0), 3, 1), f64(1, 1, 1))), distributions.ErrShape},
	} {
		_, err := distributions.KL(c.p, c.q)
		require.ErrorIs(t, err, c.err)
	}
}

// TestLowRankGoldenCases runs the golden cases of LowRankMultivariateNormal
// (low_rank_mvn.json, its errors and KL pairs) through the conformance
// runner: every one must pass.
func TestLowRankGoldenCases(t *testing.T) {
	t.Parallel()
	n := 0
	for _, c := range loadCases(t, goldenDir, "") {
		if !strings.HasPrefix(c.name, "low_rank_mvn/") && !strings.HasPrefix(c.name, "errors/lowrank-") &&
			!strings.Contains(c.name, "lowrankmultivariatenormal") {
			continue
		}
		n++
		st, reason := runCase(c)
		if st != casePassed {
			t.Errorf("%s: %s (%s)", c.name, st, reason)
		}
	}
	assert.Equal(t, 9, n)
}

// FuzzLowRankMVN: any parameters and value either build and score, or fail
// with the right error kind; nothing panics; a validated, well-scaled case
// scores like gonum.
func FuzzLowRankMVN(f *testing.F) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, c := range [][7]float64{
		{1, 0.5, 1, 1, 0, 0, 0}, {0, 0, 1, 1, 1, -1, 1}, {1, 2, -1, 1, 0, 0, 0}, {1, 0, 0, 1, 0, 0, 0},
		{nan, 0, 1, 1, 0, 0, 0}, {1, 0, 1, nan, 1, 1, 0}, {inf, 0, 1, 1, 0, 0, 1}, {1e300, 1e-300, 1e-300, 1e300, 1, 2, 0},
		{1, 1, 1, 1, inf, -inf, 1}, {0, 0, -0.5, 1, 0, 0, 0},
		{-23, 7, 0.0125, 0.4, 53.666666666666664, -15, 1}, // Mahalanobis by cancellation: LogProb and LogProbGrad must agree
	} {
		f.Add(c[0], c[1], c[2], c[3], c[4], c[5], c[6] != 0)
	}
	f.Fuzz(func(t *testing.T, w0, w1, d0, d1, x0, x1 float64, validate bool) {
		loc, w, dg, x := f64(0.5, -0.5), sh(f64(w0, w1), 2, 1), f64(d0, d1), f64(x0, x1)
		d, err := distributions.NewLowRankMultivariateNormal(loc, w, dg, distributions.WithValidation(validate))
		if err != nil {
			require.ErrorIs(t, err, distributions.ErrParam)
			var ce *distributions.ConstraintError
			require.ErrorAs(t, err, &ce)
			require.Contains(t, []string{"cov_factor", "cov_diag"}, ce.Name)
			if validate {
				require.True(t, math.IsNaN(w0) || math.IsNaN(w1) || !(d0 > 0) || !(d1 > 0), "%v", err)
			}
			return
		}
		if validate {
			require.False(t, math.IsNaN(w0) || math.IsNaN(w1) || !(d0 > 0) || !(d1 > 0))
		}
		lp, err := d.LogProb(x)
		g, gerr := d.LogProbGrad(x)
		if validate && (math.IsNaN(x0) || math.IsNaN(x1)) {
			require.ErrorIs(t, err, distributions.ErrSupport)
			require.ErrorIs(t, gerr, distributions.ErrSupport)
			return
		}
		require.NoError(t, err)
		require.NoError(t, gerr)
		v := data64(t, lp)[0]
		if v == v && !math.IsInf(v, 0) {
			close(t, []float64{v}, []float64{g.LogProb}, 1e-12, 1e-12)
		}
		for _, get := range []func() (*tensor.Dense, error){d.Mean, d.Variance, d.StdDev, d.Entropy, d.Mode} {
			_, err := get()
			require.NoError(t, err)
		}
		s, err := d.Sample(rand.NewPCG(1, 2), 2)
		require.NoError(t, err)
		_, err = d.RSampleVJP(s, nil)
		require.NoError(t, err)
		_ = d.CovarianceMatrix()
		_ = d.PrecisionMatrix()
		_ = d.ScaleTril()
		vals := []float64{w0, w1, d0, d1, x0, x1}
		if !validate || slices.ContainsFunc(vals, func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e50 }) ||
			d0 < 1e-50 || d1 < 1e-50 {
			return
		}
		sg := lowRankCov([]float64{w0, w1}, []float64{d0, d1}, 2, 1)
		o := &lowRankOracle{mu: []float64{0.5, -0.5}, cov: mat.NewSymDense(2, sg)}
		if !o.chol.Factorize(o.cov) || o.chol.Cond() > 1e6 {
			return
		}
		// both round terms of size |log p|, amplified by the condition
		// number in the solves: 1e-9 relative at cond ≤ 1e6
		close(t, []float64{o.LogProb([]float64{x0, x1})}, []float64{v}, 1e-9, 1e-9)
	})
}

func ExampleLowRankMultivariateNormal_LogProb() {
	loc, _ := tensor.New([]float64{0, 1, -1}, 3)
	w, _ := tensor.New([]float64{1, 0.5, -0.5}, 3, 1) // Σ = wwᵀ + diag(D)
	dg, _ := tensor.New([]float64{0.5, 0.5, 0.5}, 3)
	d, err := distributions.NewLowRankMultivariateNormal(loc, w, dg)
	if err != nil {
		log.Fatal(err)
	}
	x, _ := tensor.New([]float64{0, 1, -1, 1, 1, 1}, 2, 3)
	lp, err := d.LogProb(x)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(lp.Shape())
	fmt.Printf("%.4f\n", lp.Data())
	// Output:
	// (2)
	// [-2.4102 -7.4102]
}
