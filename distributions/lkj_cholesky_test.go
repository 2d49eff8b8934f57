package distributions_test

import (
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

var (
	_ distributions.Distribution  = (*distributions.LKJCholesky)(nil)
	_ distributions.LogProbGrader = (*distributions.LKJCholesky)(nil)
	_ distributions.LogProbIntoer = (*distributions.LKJCholesky)(nil)
	_ distributions.Expander      = (*distributions.LKJCholesky)(nil)
	_ distributions.Parameterised = (*distributions.LKJCholesky)(nil)
)

// Reference values: mpmath, mp.dps = 50, from torch's formula
//
//	log p = Σ_{i=2}^{D} (2(η−1)+D−i)·log L_ii − [½(D−1)log π + mvlgamma(α−½, D−1) − (D−1)·lgamma α]
//
// with mvlgamma(a, p) = p(p−1)/4·log π + Σ_{j<p} lgamma(a − j/2), written
// out term by term (not the log-beta form the engine uses), and ∂/∂η by
// mpmath.diff of it. For D = 2 the value was also checked against the
// density of r = L₂₁, a Beta(η, η) on [−1, 1]:
// log(((1+r)/2)^(η−1)((1−r)/2)^(η−1)/B(η, η)) − log 2; the two agree to 50
// digits.
var (
	lkjL2 = []float64{1, 0, 0.3, 0.95393920141694564} // √(1 − 0.09)
	lkjL3 = []float64{1, 0, 0, 0.31622776601683792, 0.94868329805051381, 0,
		-0.22645540682891917, 0.5661385170722979, 0.792593923901217}
	lkjL5 = []float64{1, 0, 0, 0, 0,
		-0.44721359549995794, 0.89442719099991588, 0, 0, 0,
		0.10783277320343842, 0.21566554640687684, 0.97049495883094574, 0, 0,
		0.58123819371909641, -0.34874291623145784, 0.23249527748763858, 0.69748583246291567, 0,
		0.057639041770423501, 0.115278083540847, -0.80694658478592892, 0.34583425062254098, 0.46111233416338801}
	lkjRefs = []struct {
		name      string
		dim       int
		l         []float64
		eta       float64
		lp, dlpdη float64
	}{
		{"D=2 η=0.5", 2, lkjL2, 0.5, -1.0975745461137795, 1.2919836816486493},
		{"D=2 η=1", 2, lkjL2, 1, -0.69314718055994531, 0.51939495940886805},
		{"D=2 η=2.5", 2, lkjL2, 2.5, -0.30536665204453593, 0.12531701498198263},
		{"D=2 η=1e6", 2, lkjL2, 1e6, -94304.249770350798, -0.094310179471116327},
		{"D=3 η=0.3", 3, lkjL3, 0.3, -2.8348080478708934, 3.5589019669358807},
		{"D=3 η=1", 3, lkjL3, 1, -1.6489928489677682, 0.81604531688309915},
		{"D=3 η=4.5", 3, lkjL3, 4.5, -1.4818092073847388, -0.2430513418646186},
		{"D=3 η=1e5", 3, lkjL3, 1e5, -57008.834560274058, -0.57023404424929147},
		{"D=5 η=1.7", 5, lkjL5, 1.7, -3.8738823390282286, -0.43166424347887626},
		{"D=5 η=0.05", 5, lkjL5, 0.05, -7.2708141709399141, 21.915755480994056},
	}
)

func TestLKJCholeskyLogProb(t *testing.T) {
	t.Parallel()
	for _, c := range lkjRefs {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			d := must(distributions.NewLKJCholesky(c.dim, s64(c.eta)))
			assert.Equal(t, []int{}, d.BatchShape())
			assert.Equal(t, []int{c.dim, c.dim}, d.EventShape())
			lp := must(d.LogProb(sh(f64(c.l...), c.dim, c.dim)))
			assert.Equal(t, []int{}, shapeOf(lp))
			// the inputs are the references' L rounded to float64, which
			// moves 2(η−1)·log L_ii by up to ~η·1e-16 (relative to |log p|
			// ≥ η·0.05 here): 1e-14 holds for every η
			close(t, []float64{c.lp}, data64(t, lp), 1e-14, 0)
			g := must(d.LogProbGrad(sh(f64(c.l...), c.dim, c.dim)))
			// ∂/∂η = 2Σ log L_ii − Σ(ψ(η+m/2) − ψ(α)): the digamma
			// differences cancel for large η (ψ(a) − ψ(a+b) ≈ −b/a);
			// measured 1.8e-14 at η = 1e6, below 2e-15 elsewhere
			tol := 1e-14
			if c.eta >= 1e5 {
				tol = 5e-14
			}
			close(t, []float64{c.dlpdη}, data64(t, g.Params["concentration"]), tol, 0)
			close(t, []float64{c.lp}, []float64{g.LogProb}, 1e-14, 0)
		})
	}
	t.Run("batch and broadcast", func(t *testing.T) {
		// η of shape (2, 1) against x of shape (3, 3, 3): log p (2, 3)
		t.Parallel()
		d := must(distributions.NewLKJCholesky(3, sh(f64(1, 4.5), 2, 1)))
		assert.Equal(t, []int{2, 1}, d.BatchShape())
		x := slices.Concat(lkjL3, lkjIdentity(3), lkjL3)
		lp := must(d.LogProb(sh(f64(x...), 3, 3, 3)))
		require.Equal(t, []int{2, 3}, shapeOf(lp))
		ident1, ident45 := lkjIdentityLogProb(3, 1), lkjIdentityLogProb(3, 4.5)
		want := []float64{-1.6489928489677682, ident1, -1.6489928489677682, -1.4818092073847388, ident45, -1.4818092073847388}
		close(t, want, data64(t, lp), 1e-14, 0)
		dst := must(tensor.Zeros[float64](2, 3))
		require.NoError(t, d.LogProbInto(dst, sh(f64(x...), 3, 3, 3)))
		close(t, want, data64(t, dst), 1e-14, 0)
		assert.ErrorIs(t, d.LogProbInto(must(tensor.Zeros[float64](3)), sh(f64(x...), 3, 3, 3)), distributions.ErrShape)
	})
	t.Run("default concentration", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewLKJCholesky(3, nil))
		close(t, []float64{-1.6489928489677682}, data64(t, must(d.LogProb(sh(f64(lkjL3...), 3, 3)))), 1e-14, 0)
	})
}

func lkjIdentity(dim int) []float64 {
	out := make([]float64, dim*dim)
	for i := range dim {
		out[i*dim+i] = 1
	}
	return out
}

// lkjIdentityLogProb is −log c(η) at L = I, from the D = 3 normaliser in
// its textbook form with math.Lgamma: log c = ½·2·log π + [log π/2 +
// lgamma(η+½) + lgamma(η)] − 2·lgamma(η+1).
func lkjIdentityLogProb(dim int, eta float64) float64 {
	if dim != 3 {
		panic("dim")
	}
	lg := func(x float64) float64 { v, _ := math.Lgamma(x); return v }
	return -(math.Log(math.Pi) + math.Log(math.Pi)/2 + lg(eta+0.5) + lg(eta) - 2*lg(eta+1))
}

func TestLKJCholeskyGrad(t *testing.T) {
	t.Parallel()
	noVal := distributions.WithValidation(false)
	// Σ w·log p over a batch (2) of η against x (3, 2, 5, 5): the
	// concentration and the diagonal against central differences (x moved
	// off the support: validation off).
	etas := []float64{0.7, 2.3}
	x := make([]float64, 0, 6*25)
	r := rand.New(rand.NewPCG(5, 5))
	for range 6 {
		x = append(x, lkjRandomFactor(r, 5)...)
	}
	w := []float64{1, -0.5, 0, 2, 0.3, 1.1}
	total := func(e, xv []float64) float64 {
		d := must(distributions.NewLKJCholesky(5, f64(e...), noVal))
		lp := data64(t, must(d.LogProb(sh(f64(xv...), 3, 2, 5, 5))))
		var s float64
		for i, v := range lp {
			s += w[i] * v
		}
		return s
	}
	d := must(distributions.NewLKJCholesky(5, f64(etas...), noVal))
	g := must(d.LogProbVJP(sh(f64(x...), 3, 2, 5, 5), sh(f64(w...), 3, 2)))
	close(t, []float64{total(etas, x)}, []float64{g.LogProb}, 1e-14, 0)
	want := centralDiff(func(e []float64) float64 { return total(e, x) }, etas, 1e-5)
	got := data64(t, g.Params["concentration"])
	assert.Equal(t, []int{2}, shapeOf(g.Params["concentration"]))
	t.Logf("concentration: max error %.2g", maxRelErr(want, got, 1))
	assert.Less(t, maxRelErr(want, got, 1), 1e-8)
	wantX := centralDiff(func(v []float64) float64 { return total(etas, v) }, x, 1e-5)
	gx := data64(t, g.Value)
	assert.Equal(t, []int{3, 2, 5, 5}, shapeOf(g.Value))
	t.Logf("value: max error %.2g", maxRelErr(wantX, gx, 1))
	assert.Less(t, maxRelErr(wantX, gx, 1), 1e-8)
	for m := range 6 { // only the diagonal below the first row moves log p
		for i := range 5 {
			for j := range 5 {
				if v := gx[m*25+i*5+j]; i != j || i == 0 {
					require.Zero(t, v, "[%d, %d, %d]", m, i, j)
				}
			}
		}
	}
	// x broadcast over the batch: its gradient sums both batch elements
	gb := must(d.LogProbGrad(sh(f64(lkjL5...), 5, 5)))
	assert.Equal(t, []int{5, 5}, shapeOf(gb.Value))
	want11 := (2*(0.7-1) + 3 + 2*(2.3-1) + 3) / lkjL5[6]
	close(t, []float64{want11}, data64(t, gb.Value)[6:7], 1e-15, 0)

	// An order of 0 at L_ii = 0 (η = 1, D = 2) scores 0, as xlogy; a
	// zero diagonal of positive order is -Inf and moves nothing.
	d2 := must(distributions.NewLKJCholesky(2, s64(1), noVal))
	lp := data64(t, must(d2.LogProb(sh(f64(1, 0, 1, 0), 2, 2))))
	close(t, []float64{-math.Ln2}, lp, 1e-15, 0)
	d3 := must(distributions.NewLKJCholesky(3, s64(1), noVal))
	zero := sh(f64(1, 0, 0, 1, 0, 0, 0, 0, 1), 3, 3)
	assert.Equal(t, math.Inf(-1), data64(t, must(d3.LogProb(zero)))[0])
	gz := must(d3.LogProbVJP(sh(f64(slices.Concat(lkjL3, data64(t, zero))...), 2, 3, 3), nil))
	assert.Equal(t, math.Inf(-1), gz.LogProb)
	requireFinite(t, data64(t, gz.Value))
	requireFinite(t, data64(t, gz.Params["concentration"]))
	gl3 := must(d3.LogProbGrad(sh(f64(lkjL3...), 3, 3)))
	close(t, data64(t, gl3.Params["concentration"]), data64(t, gz.Params["concentration"]), 1e-15, 0)

	_, err := d.LogProbVJP(sh(f64(lkjL5...), 5, 5), to32(f64(1, 1)))
	assert.ErrorIs(t, err, distributions.ErrDType)
	_, err = d.LogProbVJP(sh(f64(lkjL5...), 5, 5), f64(1, 1, 1))
	assert.ErrorIs(t, err, distributions.ErrShape)
}

// lkjRandomFactor returns a D×D correlation Cholesky factor: a random
// lower triangle with a positive diagonal, each row normalised.
func lkjRandomFactor(r *rand.Rand, dim int) []float64 {
	l := make([]float64, dim*dim)
	for i := range dim {
		var s float64
		for j := 0; j <= i; j++ {
			v := r.NormFloat64()
			if j == i {
				v = 0.5 + r.Float64()
			}
			l[i*dim+j] = v
			s += v * v
		}
		for j := 0; j <= i; j++ {
			l[i*dim+j] /= math.Sqrt(s)
		}
	}
	return l
}

func TestLKJCholeskyErrors(t *testing.T) {
	t.Parallel()
	for _, dim := range []int{-1, 0, 1, 1 << 16} {
		_, err := distributions.NewLKJCholesky(dim, s64(1))
		assert.ErrorIs(t, err, distributions.ErrParam, "dim %d", dim)
	}
	for _, eta := range []float64{0, -1, math.NaN(), math.Inf(-1)} {
		_, err := distributions.NewLKJCholesky(3, f64(1, eta))
		require.ErrorIs(t, err, distributions.ErrParam, "η = %v", eta)
		var ce *distributions.ConstraintError
		require.ErrorAs(t, err, &ce)
		assert.Equal(t, "concentration", ce.Name)
		assert.Equal(t, []int{1}, ce.Index)
		// without validation the distribution is built (torch's validate_args=False)
		_, err = distributions.NewLKJCholesky(3, f64(1, eta), distributions.WithValidation(false))
		assert.NoError(t, err)
	}
	_, err := distributions.NewLKJCholesky(3, must(tensor.New([]int64{1})))
	assert.ErrorIs(t, err, distributions.ErrDType)

	d := must(distributions.NewLKJCholesky(3, s64(2)))
	support := map[string]struct {
		x   []float64
		idx []int
	}{
		"upper entry":        {[]float64{1, 0, 1e-300, 0.3, 0.95393920141694564, 0, 0, 0, 1}, []int{0, 2}},
		"negative diagonal":  {[]float64{1, 0, 0, 0.3, -0.95393920141694564, 0, 0, 0, 1}, []int{1, 1}},
		"zero diagonal":      {[]float64{1, 0, 0, 1, 0, 0, 0, 0, 1}, []int{1, 1}},
		"row norm 1.0002":    {[]float64{1, 0, 0, 0.3, 0.95393920141694564 + 2e-4, 0, 0, 0, 1}, []int{1, 1}},
		"first row not unit": {[]float64{0.5, 0, 0, 0, 1, 0, 0, 0, 1}, []int{0, 0}},
		"NaN":                {[]float64{1, 0, 0, math.NaN(), 0.9, 0, 0, 0, 1}, []int{1, 1}},
	}
	for name, c := range support {
		_, err := d.LogProb(sh(f64(c.x...), 3, 3))
		require.ErrorIs(t, err, distributions.ErrSupport, name)
		var ce *distributions.ConstraintError
		require.ErrorAs(t, err, &ce, name)
		assert.Equal(t, c.idx, ce.Index, name)
		_, err = d.LogProbGrad(sh(f64(c.x...), 3, 3))
		assert.ErrorIs(t, err, distributions.ErrSupport, name)
	}
	// Pyro's tolerance: a row norm within 1e-4 of 1 is in the support
	_, err = d.LogProb(sh(f64(1, 0, 0, 0.3, 0.95393920141694564+5e-5, 0, 0, 0, 1), 3, 3))
	assert.NoError(t, err)
	// the second matrix of a batch fails: its index is in x's shape
	x := slices.Concat(lkjL3, []float64{1, 0, 0, 0, 1, 0, 0, 0, -1})
	_, err = d.LogProb(sh(f64(x...), 2, 3, 3))
	var ce *distributions.ConstraintError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, []int{1, 2, 2}, ce.Index)

	for name, v := range map[string]*tensor.Dense{
		"4×4": sh(f64(lkjIdentity(4)...), 4, 4), "vector": f64(1, 0, 0), "scalar": s64(1),
		"batch (3) against (2)": sh(f64(slices.Concat(lkjIdentity(3), lkjIdentity(3), lkjIdentity(3))...), 3, 3, 3), "nil": nil,
	} {
		db := must(distributions.NewLKJCholesky(3, f64(1, 2)))
		_, err := db.LogProb(v)
		assert.ErrorIs(t, err, distributions.ErrShape, name)
	}
	_, err = d.LogProb(to32(sh(f64(lkjL3...), 3, 3)))
	assert.ErrorIs(t, err, distributions.ErrDType)
}

func TestLKJCholeskyBuild(t *testing.T) {
	t.Parallel()
	d, err := distributions.Build([]byte(`{"family": "LKJCholesky", "params": {"dim": 3, "concentration": {"shape": [], "data": [4.5]}}}`))
	require.NoError(t, err)
	close(t, []float64{-1.4818092073847388}, data64(t, must(d.LogProb(sh(f64(lkjL3...), 3, 3)))), 1e-14, 0)
	d, err = distributions.Build([]byte(`{"family": "LKJCholesky", "params": {"dim": {"shape": [], "data": [3]}}}`))
	require.NoError(t, err)
	close(t, []float64{-1.6489928489677682}, data64(t, must(d.LogProb(sh(f64(lkjL3...), 3, 3)))), 1e-14, 0)
	for spec, want := range map[string]error{
		`{"family": "LKJCholesky", "params": {"dim": 2.5}}`:                            distributions.ErrParam,
		`{"family": "LKJCholesky", "params": {"dim": 1}}`:                              distributions.ErrParam,
		`{"family": "LKJCholesky", "params": {"dim": 1e300}}`:                          distributions.ErrParam,
		`{"family": "LKJCholesky", "params": {"dim": "nan"}}`:                          distributions.ErrParam,
		`{"family": "LKJCholesky", "params": {"concentration": 1}}`:                    distributions.ErrParam,
		`{"family": "LKJCholesky", "params": {"dim": {"shape": [2], "data": [2, 3]}}}`: distributions.ErrParam,
		`{"family": "LKJCholesky", "params": {"dim": 3, "concentration": 0}}`:          distributions.ErrParam,
		`{"family": "LKJCholesky", "params": {"dim": 3, "eta": 1}}`:                    distributions.ErrUnsupported,
	} {
		_, err := distributions.Build([]byte(spec))
		assert.ErrorIs(t, err, want, spec)
	}
	_, _, err = distributions.InferShapes("LKJCholesky", map[string][]int{"concentration": {}})
	assert.ErrorIs(t, err, distributions.ErrUnsupported)
}

func TestLKJCholeskyFloat32(t *testing.T) {
	t.Parallel()
	d64 := must(distributions.NewLKJCholesky(5, f64(0.7, 2.3)))
	d32 := must(distributions.NewLKJCholesky(5, to32(f64(0.7, 2.3))))
	assert.Equal(t, tensor.Float32, d32.Dtype())
	x64 := sh(f64(lkjL5...), 5, 5)
	x32 := to32(x64)
	// the float32 input is L rounded: compare with float64 at that input
	lp32 := must(d32.LogProb(x32))
	require.Equal(t, tensor.Float32, lp32.Dtype())
	close(t, data64(t, must(d64.LogProb(to64(x32)))), data64(t, lp32), tol32, 0)
	g32 := must(d32.LogProbGrad(x32))
	g64 := must(d64.LogProbGrad(to64(x32)))
	require.Equal(t, tensor.Float32, g32.Params["concentration"].Dtype())
	require.Equal(t, tensor.Float32, g32.Value.Dtype())
	close(t, data64(t, g64.Params["concentration"]), data64(t, g32.Params["concentration"]), tol32, 0)
	close(t, data64(t, g64.Value), data64(t, g32.Value), tol32, 0)
	s := must(d32.Sample(rand.NewPCG(1, 2), 1000))
	require.Equal(t, tensor.Float32, s.Dtype())
	lkjRequireFactors(t, data64(t, s), 5, 1e-6)
	_, err := d32.LogProb(s) // its own draws are in the support
	require.NoError(t, err)
}

// lkjRequireFactors fails t unless every D×D matrix of data is a
// correlation Cholesky factor: 0 above the diagonal, a positive diagonal,
// rows of norm 1 within tol.
func lkjRequireFactors(t *testing.T, data []float64, dim int, tol float64) {
	t.Helper()
	dd := dim * dim
	for m := range len(data) / dd {
		l := data[m*dd : (m+1)*dd]
		for i := range dim {
			var s float64
			for j := range dim {
				v := l[i*dim+j]
				if j > i {
					require.Zero(t, v, "matrix %d: [%d, %d] above the diagonal", m, i, j)
				}
				s += v * v
			}
			require.Greater(t, l[i*dim+i], 0.0, "matrix %d: diagonal %d", m, i)
			require.InDelta(t, 1, math.Sqrt(s), tol, "matrix %d: row %d", m, i)
		}
	}
}

// lkjCorr returns the correlation r_ij = (LLᵀ)_ij of each matrix of data.
func lkjCorr(data []float64, dim, i, j int) []float64 {
	dd := dim * dim
	out := make([]float64, len(data)/dd)
	for m := range out {
		l := data[m*dd : (m+1)*dd]
		var s float64
		for k := range dim {
			s += l[i*dim+k] * l[j*dim+k]
		}
		out[m] = s
	}
	return out
}

// lkjMarginalKS is the KS p-value of correlations r against their LKJ
// marginal: (r+1)/2 ~ Beta(β, β), β = η − 1 + D/2 (Lewandowski et al.
// 2009, Section 3.2), whose CDF is tensor.BetaInc (checked against mpmath
// in tensor/special_incbeta_test.go).
func lkjMarginalKS(r []float64, dim int, eta float64) float64 {
	b := eta - 1 + float64(dim)/2
	return ksPValue(ksStatistic(r, func(v float64) float64 { return tensor.BetaInc(b, b, (v+1)/2) }), len(r))
}

// lkjKS2 is the KS p-value of the 2×2 factors j of every stride in data
// against r = L₂₁ ~ 2·Beta(η, η) − 1. Beta(η, η) with small η puts much
// of its mass closer to ±1 than r resolves (for η = 0.05, 8% on each side
// within 1e-16), so the draws are ranked by a key that keeps it: the
// distance to the nearer end, v = (1 − |r|)/2 = L₂₂²/(2(1 + |r|)) (exact
// from the diagonal), as key = log v for r < 0 and −log v for r ≥ 0,
// increasing in r. Its CDF is I_v(η, η) and 1 − I_v(η, η) (symmetry).
func lkjKS2(data []float64, j, stride int, eta float64) float64 {
	n := len(data) / (4 * stride)
	keys := make([]float64, n)
	for i := range keys {
		l := data[(i*stride+j)*4:]
		r, c := l[2], l[3]
		v := math.Log(c * c / (2 * (1 + math.Abs(r))))
		if r >= 0 {
			v = -v
		}
		keys[i] = v
	}
	return ksPValue(ksStatistic(keys, func(k float64) float64 {
		if k < 0 {
			return tensor.BetaInc(eta, eta, math.Exp(k))
		}
		return 1 - tensor.BetaInc(eta, eta, math.Exp(-k))
	}), n)
}

func TestLKJCholeskySampleKS(t *testing.T) {
	t.Parallel()
	t.Run("D=2", func(t *testing.T) {
		// r = L₂₁ ~ 2·Beta(η, η) − 1, for a batch of η
		t.Parallel()
		etas := []float64{0.5, 1, 3, 0.05}
		d := must(distributions.NewLKJCholesky(2, f64(etas...)))
		s := must(d.Sample(rand.NewPCG(21, 1), nDraws))
		require.Equal(t, []int{nDraws, 4, 2, 2}, shapeOf(s))
		data := data64(t, s)
		lkjRequireFactors(t, data, 2, 1e-12)
		for j, eta := range etas {
			p := lkjKS2(data, j, len(etas), eta)
			t.Logf("D=2 η=%g: KS p = %.3g", eta, p)
			assert.GreaterOrEqual(t, p, pCritical)
		}
		// power: η = 1 draws are not η = 1.05's
		p := lkjKS2(data, 1, len(etas), 1.05)
		t.Logf("D=2 η=1 draws as η=1.05: KS p = %.3g", p)
		assert.Less(t, p, pCritical)
	})
	for _, c := range []struct {
		dim   int
		eta   float64
		pairs [][2]int
	}{
		{3, 1, [][2]int{{1, 0}, {2, 0}, {2, 1}}},
		{3, 0.4, [][2]int{{1, 0}, {2, 0}, {2, 1}}},
		{4, 2.5, [][2]int{{1, 0}, {3, 0}, {3, 2}}}, // the first row built and the last
	} {
		t.Run(fmt.Sprintf("D=%d η=%g", c.dim, c.eta), func(t *testing.T) {
			// every correlation r_ij has the same marginal, whichever rows
			// the onion method built it from; 40000 draws keep the test
			// fast (the Beta CDF costs microseconds) and still reject
			// torch's sampler below at p ≈ 1e-65
			t.Parallel()
			const n = 40_000
			d := must(distributions.NewLKJCholesky(c.dim, s64(c.eta)))
			data := data64(t, must(d.Sample(rand.NewPCG(uint64(22+c.dim), 1), n)))
			lkjRequireFactors(t, data, c.dim, 1e-12)
			for _, ij := range c.pairs {
				i, j := ij[0], ij[1]
				p := lkjMarginalKS(lkjCorr(data, c.dim, i, j), c.dim, c.eta)
				t.Logf("D=%d η=%g r_%d%d: KS p = %.3g", c.dim, c.eta, i, j, p)
				assert.GreaterOrEqual(t, p, pCritical)
			}
		})
	}
	t.Run("power: torch 1.13's row Betas", func(t *testing.T) {
		// The same test rejects torch 1.13's sampler, whose row i draws
		// y ~ Beta(i − ½, η + (D−1−i)/2): at D = 3, η = 1 its r_20 and r_21
		// have E r² = 0.3 instead of 0.25 (see LKJCholesky).
		t.Parallel()
		r20, r10 := lkjTorchSample(rand.New(rand.NewPCG(24, 1)), 3, 1, 40_000)
		p := lkjMarginalKS(r20, 3, 1)
		t.Logf("torch 1.13 sampler, r_20: KS p = %.3g", p)
		assert.Less(t, p, pCritical)
		p = lkjMarginalKS(r10, 3, 1) // its row 1 is right
		assert.GreaterOrEqual(t, p, pCritical)
	})
}

// lkjTorchSample draws n matrices the way torch 1.13's LKJCholesky.sample
// does (gonum's Beta and math/rand/v2's normals) and returns their r_20
// and r_10.
func lkjTorchSample(r *rand.Rand, dim int, eta float64, n int) (r20, r10 []float64) {
	r20, r10 = make([]float64, n), make([]float64, n)
	l := make([]float64, dim*dim)
	for m := range n {
		clear(l)
		l[0] = 1
		for i := 1; i < dim; i++ {
			y := distuv.Beta{Alpha: float64(i) - 0.5, Beta: eta + float64(dim-1-i)/2, Src: r}.Rand()
			var nrm float64
			for j := range i {
				l[i*dim+j] = r.NormFloat64()
				nrm += l[i*dim+j] * l[i*dim+j]
			}
			for j := range i {
				l[i*dim+j] *= math.Sqrt(y / nrm)
			}
			l[i*dim+i] = math.Sqrt(1 - y)
		}
		r20[m], r10[m] = l[2*dim], l[dim]
	}
	return r20, r10
}

func TestLKJCholeskySampleShapes(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewLKJCholesky(4, f64(0.5, 2)))
	assert.Equal(t, []int{2, 4, 4}, shapeOf(must(d.Sample(rand.NewPCG(1, 1)))))
	assert.Equal(t, []int{2, 3, 2, 4, 4}, shapeOf(must(d.Sample(rand.NewPCG(1, 1), 2, 3))))
	assert.Equal(t, []int{0, 2, 4, 4}, shapeOf(must(d.Sample(rand.NewPCG(1, 1), 0))))
	_, err := d.Sample(nil)
	assert.ErrorIs(t, err, distributions.ErrNilSource)
	_, err = d.Sample(rand.NewPCG(1, 1), -2)
	assert.ErrorIs(t, err, distributions.ErrShape)
	assert.False(t, distributions.HasRSample(d), "torch 1.13's LKJCholesky has no rsample")
	assert.False(t, distributions.HasEnumerateSupport(d))
	// extreme concentrations still give factors: η → 0 puts the rows
	// near the boundary (diagonal clamped to √tiny), η = +Inf is I
	for _, eta := range []float64{1e-3, 1e6, math.Inf(1)} {
		e := must(distributions.NewLKJCholesky(3, s64(eta)))
		data := data64(t, must(e.Sample(rand.NewPCG(2, 2), 2000)))
		lkjRequireFactors(t, data, 3, 1e-12)
		if math.IsInf(eta, 1) {
			assert.Equal(t, slices.Repeat(lkjIdentity(3), 2000), data)
		}
	}
}

func TestLKJCholeskySampleGOMAXPROCS(t *testing.T) {
	// 40000 2×2 matrices are 10 blocks of 4096: ForBlocks runs them on
	// two workers when GOMAXPROCS allows
	const n = 40_000
	require.GreaterOrEqual(t, (n+tensor.Block/4-1)/(tensor.Block/4)*tensor.Block, tensor.ParallelMin)
	d := must(distributions.NewLKJCholesky(2, f64(0.5, 3)))
	draw := func(procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		return data64(t, must(d.Sample(rand.NewPCG(42, 43), n/2)))
	}
	one, two := draw(1), draw(2)
	assert.True(t, slices.Equal(one, two), "draws depend on GOMAXPROCS")
}

func TestLKJCholeskyExpand(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewLKJCholesky(3, f64(1, 4.5)))
	e, err := distributions.Expand(d, []int{2, 2})
	require.NoError(t, err)
	le, ok := e.(*distributions.LKJCholesky)
	require.True(t, ok, "native expand")
	assert.Equal(t, []int{2, 2}, le.BatchShape())
	assert.Same(t, d.Concentration(), le.Concentration())
	lp := must(e.LogProb(sh(f64(lkjL3...), 3, 3)))
	require.Equal(t, []int{2, 2}, shapeOf(lp))
	close(t, []float64{-1.6489928489677682, -1.4818092073847388, -1.6489928489677682, -1.4818092073847388}, data64(t, lp), 1e-14, 0)
	assert.Equal(t, []int{5, 2, 2, 3, 3}, shapeOf(must(e.Sample(rand.NewPCG(1, 1), 5))))
	g := must(le.LogProbGrad(sh(f64(lkjL3...), 3, 3)))
	assert.Equal(t, []int{2}, shapeOf(g.Params["concentration"]), "summed back to the parameter's shape")
	close(t, []float64{2 * 0.81604531688309915, 2 * -0.2430513418646186}, data64(t, g.Params["concentration"]), 1e-13, 0)
	_, err = d.Expand([]int{3})
	assert.ErrorIs(t, err, distributions.ErrShape)
}

func FuzzLKJCholesky(f *testing.F) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, c := range []struct {
		dim          int8
		eta, a, b, c float64
	}{
		{2, 1, 0.3, 0, 0}, {3, 2.5, 0.3, -0.2, 0.5}, {3, 0, 0, 0, 0}, {1, 1, 0, 0, 0}, {4, nan, 0, 0, 0},
		{3, 1e-300, 0.99, 0.1, 0.1}, {3, inf, 1, 1, 1}, {2, 1, nan, 0, 0}, {3, 1, 2, 0, 0}, {5, 1e6, -0.5, 0.5, -0.5},
	} {
		f.Add(c.dim, c.eta, c.a, c.b, c.c)
	}
	f.Fuzz(func(t *testing.T, dim int8, eta, a, b, c float64) {
		d, err := distributions.NewLKJCholesky(int(dim), s64(eta))
		switch {
		case dim < 2:
			require.ErrorIs(t, err, distributions.ErrParam)
			return
		case !(eta > 0):
			require.ErrorIs(t, err, distributions.ErrParam)
			return
		}
		require.NoError(t, err)
		n := int(dim)
		if n > 6 {
			return // the value below is built for small D
		}
		// a lower triangle from a, b, c with rows normalised when they can be
		l := lkjIdentity(n)
		vals := []float64{a, b, c}
		for i := 1; i < n; i++ {
			l[i*n] = vals[(i-1)%3]
			s := l[i*n]*l[i*n] + 1
			l[i*n] /= math.Sqrt(s)
			l[i*n+i] /= math.Sqrt(s)
		}
		x := sh(f64(l...), n, n)
		lp, err := d.LogProb(x)
		g, gerr := d.LogProbGrad(x)
		inSupport := true
		for i := 1; i < n; i++ {
			v := l[i*n+i]
			row := math.Hypot(l[i*n], v)
			inSupport = inSupport && v > 0 && math.Abs(row-1) <= 1e-4
		}
		if !inSupport {
			require.ErrorIs(t, err, distributions.ErrSupport)
			require.ErrorIs(t, gerr, distributions.ErrSupport)
			return
		}
		require.NoError(t, err)
		require.NoError(t, gerr)
		v := data64(t, lp)[0]
		if !math.IsInf(eta, 1) {
			require.False(t, math.IsNaN(v), "log p = NaN at η = %v", eta)
			require.False(t, math.IsNaN(g.LogProb))
		}
		if eta < 1e10 {
			s := must(d.Sample(rand.NewPCG(1, 2), 4))
			lkjRequireFactors(t, data64(t, s), n, 1e-12)
		}
	})
}

// Draws of LKJCholesky are Cholesky factors of correlation matrices: rows
// of unit norm, scored by LogProb.
func ExampleLKJCholesky() {
	d, err := distributions.NewLKJCholesky(3, tensor.Scalar(2.0))
	if err != nil {
		log.Fatal(err)
	}
	l, _ := d.Sample(rand.NewPCG(1, 2), 2)
	fmt.Println(l.Shape())
	lp, _ := d.LogProb(l)
	fmt.Println(lp.Shape())
	ident, _ := d.LogProb(must(tensor.New([]float64{1, 0, 0, 0, 1, 0, 0, 0, 1}, 3, 3)))
	fmt.Printf("%.4f\n", ident.Float64s())
	// At I, log p = −log c(2) = −(3/2·log π + lgamma 2.5 + lgamma 2 −
	// 2·lgamma 3) = −0.615483 (mpmath).

	// Output:
	// (2, 3, 3)
	// (2)
	// [-0.6155]
}
