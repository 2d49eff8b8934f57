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
	"github.com/seed39ad66a2/tensordist/tensor"
)

// MultivariateNormal's tests. The oracles are gonum's mat (its Cholesky,
// solves, log-determinant and inverse: mvnOracle, which computes what
// distmv.Normal does; distmv itself cannot be imported until go.sum has
// golang.org/x/tools, which it needs) and, for a few cases, mpmath at 50
// digits from the exact binary value of each float64 input (the formulas
// are quoted at mvnMpmath), never the engine's own output.

var (
	_ distributions.Distribution   = (*distributions.MultivariateNormal)(nil)
	_ distributions.RSampler       = (*distributions.MultivariateNormal)(nil)
	_ distributions.PathwiseGrader = (*distributions.MultivariateNormal)(nil)
	_ distributions.LogProbGrader  = (*distributions.MultivariateNormal)(nil)
	_ distributions.LogProbIntoer  = (*distributions.MultivariateNormal)(nil)
	_ distributions.Expander       = (*distributions.MultivariateNormal)(nil)
	_ distributions.Parameterised  = (*distributions.MultivariateNormal)(nil)
	_ distributions.Meaner         = (*distributions.MultivariateNormal)(nil)
	_ distributions.Variancer      = (*distributions.MultivariateNormal)(nil)
	_ distributions.StdDever       = (*distributions.MultivariateNormal)(nil)
	_ distributions.Moder          = (*distributions.MultivariateNormal)(nil)
	_ distributions.Entropier      = (*distributions.MultivariateNormal)(nil)
)

// mvnKinds are the three parameterisations by torch name.
var mvnKinds = []string{"covariance_matrix", "precision_matrix", "scale_tril"}

// mvnNew builds a MultivariateNormal from loc and the matrix named kind.
func mvnNew(kind string, loc, m *tensor.Dense, opts ...distributions.Option) (*distributions.MultivariateNormal, error) {
	switch kind {
	case "covariance_matrix":
		return distributions.NewMultivariateNormal(loc, m, opts...)
	case "precision_matrix":
		return distributions.NewMultivariateNormalPrecision(loc, m, opts...)
	case "scale_tril":
		return distributions.NewMultivariateNormalScaleTril(loc, m, opts...)
	}
	panic("mvnNew: " + kind)
}

// mvnRandSPD returns a random symmetric positive definite n×n matrix,
// torch_bench.py's recipe A·Aᵀ/n + I with A ~ N(0, 1), times scale.
func mvnRandSPD(r *rand.Rand, n int, scale float64) []float64 {
	a := make([]float64, n*n)
	for i := range a {
		a[i] = r.NormFloat64()
	}
	s := make([]float64, n*n)
	for i := range n {
		for j := range n {
			var v float64
			for k := range n {
				v += a[i*n+k] * a[j*n+k]
			}
			v /= float64(n)
			if i == j {
				v++
			}
			s[i*n+j] = v * scale
		}
	}
	return s
}

// mvnSym returns s as a gonum SymDense (its upper triangle is read).
func mvnSym(s []float64, n int) *mat.SymDense { return mat.NewSymDense(n, slices.Clone(s)) }

// mvnCholRef returns gonum's lower Cholesky factor of the SPD matrix s,
// row-major.
func mvnCholRef(t testing.TB, s []float64, n int) []float64 {
	t.Helper()
	var c mat.Cholesky
	require.True(t, c.Factorize(mvnSym(s, n)), "not positive definite")
	var l mat.TriDense
	c.LTo(&l)
	out := make([]float64, n*n)
	for i := range n {
		for j := 0; j <= i; j++ {
			out[i*n+j] = l.At(i, j)
		}
	}
	return out
}

// mvnInvRef returns gonum's inverse of the SPD matrix s.
func mvnInvRef(t testing.TB, s []float64, n int) []float64 {
	t.Helper()
	var c mat.Cholesky
	require.True(t, c.Factorize(mvnSym(s, n)), "not positive definite")
	var inv mat.SymDense
	require.NoError(t, c.InverseTo(&inv))
	out := make([]float64, n*n)
	for i := range n {
		for j := range n {
			out[i*n+j] = inv.At(i, j)
		}
	}
	return out
}

// mvnGramRef returns l·lᵀ for a lower-triangular l (upper entries ignored).
func mvnGramRef(l []float64, n int) []float64 {
	s := make([]float64, n*n)
	for i := range n {
		for j := range n {
			var v float64
			for k := 0; k <= min(i, j); k++ {
				v += l[i*n+k] * l[j*n+k]
			}
			s[i*n+j] = v
		}
	}
	return s
}

// mvnCovOf returns the covariance a matrix of the given kind stands for.
func mvnCovOf(t testing.TB, kind string, m []float64, n int) []float64 {
	switch kind {
	case "precision_matrix":
		return mvnInvRef(t, m, n)
	case "scale_tril":
		return mvnGramRef(m, n)
	}
	return m
}

// mvnParamOf returns the matrix of the given kind for covariance s.
func mvnParamOf(t testing.TB, kind string, s []float64, n int) []float64 {
	switch kind {
	case "precision_matrix":
		return mvnInvRef(t, s, n)
	case "scale_tril":
		return mvnCholRef(t, s, n)
	}
	return s
}

// mvnOracle is N(mu, Σ) by gonum's mat, as distmv.Normal computes it:
// log p(x) = -½(n log 2π + rᵀΣ⁻¹r + log det Σ), r = x-μ, by gonum's
// Cholesky solve and log-determinant.
type mvnOracle struct {
	mu   []float64
	chol mat.Cholesky
	cov  *mat.SymDense
}

// mvnGonum is the oracle of mean mu and covariance s (symmetric; its upper
// triangle is read).
func mvnGonum(t testing.TB, mu, s []float64) *mvnOracle {
	t.Helper()
	o := &mvnOracle{mu: slices.Clone(mu), cov: mvnSym(s, len(mu))}
	require.True(t, o.chol.Factorize(o.cov), "not positive definite")
	return o
}

func (o *mvnOracle) LogProb(x []float64) float64 {
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

func (o *mvnOracle) Entropy() float64 {
	return float64(len(o.mu))/2*(1+math.Log(2*math.Pi)) + 0.5*o.chol.LogDet()
}

// mvnKLRef is KL(p ‖ q) = ½[log det Σq - log det Σp + rᵀΣq⁻¹r + tr(Σq⁻¹Σp) - n],
// r = μq - μp (the Gaussian KL, e.g. distmv.KullbackLeibler.DistNormal).
func mvnKLRef(p, q *mvnOracle) float64 {
	n := len(p.mu)
	r := mat.NewVecDense(n, nil)
	for i := range n {
		r.SetVec(i, q.mu[i]-p.mu[i])
	}
	var y mat.VecDense
	var x mat.Dense
	if q.chol.SolveVecTo(&y, r) != nil || q.chol.SolveTo(&x, p.cov) != nil {
		panic("mvnKLRef: singular")
	}
	return 0.5 * (q.chol.LogDet() - p.chol.LogDet() + mat.Dot(r, &y) + mat.Trace(&x) - float64(n))
}

// mvnIndex returns, for every element of shape out, the flat index of the
// element of shape from (which broadcasts to out) it reads: the tests' own
// broadcasting of event rows, by way of bcast.
func mvnIndex(from, out []int) []int {
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

// mvnRefLogProb is Σ w·log p(x) over broadcast(xb, lb, mb) by gonum, for
// rows of x, loc and matrices of the given kind (nil weights are ones);
// it also returns the per-element values.
func mvnRefLogProb(t testing.TB, kind string, n int, x, loc, m []float64, xb, lb, mb []int, w []float64) (float64, []float64) {
	t.Helper()
	out, err := mvnBroadcast(xb, lb, mb)
	require.NoError(t, err)
	xi, li, mi := mvnIndex(xb, out), mvnIndex(lb, out), mvnIndex(mb, out)
	vals := make([]float64, len(xi))
	var sum float64
	for e := range xi {
		g := mvnGonum(t, loc[li[e]*n:(li[e]+1)*n], mvnCovOf(t, kind, m[mi[e]*n*n:(mi[e]+1)*n*n], n))
		vals[e] = g.LogProb(x[xi[e]*n : (xi[e]+1)*n])
		we := 1.0
		if w != nil {
			we = w[e]
		}
		sum += we * vals[e]
	}
	return sum, vals
}

// mvnBroadcast is NumPy's broadcast of shapes, the tests' own.
func mvnBroadcast(shapes ...[]int) ([]int, error) {
	rank := 0
	for _, s := range shapes {
		rank = max(rank, len(s))
	}
	out := make([]int, rank)
	for i := range out {
		out[i] = 1
	}
	for _, s := range shapes {
		for k, d := range s {
			o := rank - len(s) + k
			switch {
			case d == out[o] || d == 1:
			case out[o] == 1:
				out[o] = d
			default:
				return nil, fmt.Errorf("shapes %v do not broadcast", shapes)
			}
		}
	}
	return out, nil
}

// mvnFill returns count random SPD-derived matrices of the given kind,
// stacked, and count random locs, from seed.
func mvnFill(t testing.TB, kind string, n, mats, locs int, seed uint64) (loc, m []float64) {
	r := rand.New(rand.NewPCG(seed, 0x3e))
	for range mats {
		m = append(m, mvnParamOf(t, kind, mvnRandSPD(r, n, 0.5+2*r.Float64()), n)...)
	}
	for range locs * n {
		loc = append(loc, r.NormFloat64())
	}
	return loc, m
}

func TestMVNLogProbAgainstGonum(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		n          int
		xb, lb, mb []int
	}{
		{"n=1", 1, []int{4}, []int{}, []int{}},
		{"n=3 single", 3, []int{}, []int{}, []int{}},
		{"n=4, x batch 5", 4, []int{5}, []int{}, []int{}},
		{"loc batch, shared matrix", 3, []int{6}, []int{6}, []int{}},
		{"matrix batch, shared loc", 3, []int{2}, []int{}, []int{2}},
		{"(2,1) locs with (3) matrices, x (4,1,1)", 2, []int{4, 1, 1}, []int{2, 1}, []int{3}},
		{"n=7, 41 events sharing a matrix", 7, []int{41}, []int{41}, []int{}},
		{"n=6, 300 events, x shared", 6, []int{}, []int{300}, []int{1}},
	}
	for _, tc := range tests {
		for ki, kind := range mvnKinds {
			t.Run(tc.name+"/"+kind, func(t *testing.T) {
				t.Parallel()
				n := tc.n
				loc, m := mvnFill(t, kind, n, sizeOf(tc.mb), sizeOf(tc.lb), uint64(ki+10*n))
				r := rand.New(rand.NewPCG(7, uint64(n)))
				x := make([]float64, sizeOf(tc.xb)*n)
				for i := range x {
					x[i] = 2 * r.NormFloat64()
				}
				d, err := mvnNew(kind, must(tensor.New(loc, append(slices.Clone(tc.lb), n)...)), must(tensor.New(m, append(slices.Clone(tc.mb), n, n)...)))
				require.NoError(t, err)
				batch, _ := mvnBroadcast(tc.lb, tc.mb)
				assert.Equal(t, batch, d.BatchShape())
				assert.Equal(t, []int{n}, d.EventShape())
				lp, err := d.LogProb(must(tensor.New(x, append(slices.Clone(tc.xb), n)...)))
				require.NoError(t, err)
				_, want := mvnRefLogProb(t, kind, n, x, loc, m, tc.xb, tc.lb, tc.mb, nil)
				out, _ := mvnBroadcast(tc.xb, batch)
				assert.Equal(t, out, shapeOf(lp))
				// gonum and the engine each round O(n²) terms of size up to
				// |log p|: 1e-13 relative, measured ≤ 4e-15
				close(t, want, data64(t, lp), 1e-13, 1e-13)
			})
		}
	}
}

// mvnMpmath are mpmath 1.3 values at mp.dps = 50 (printed to 20 digits),
// from mpf(v) of each float64 input v, with S (the covariance; for case B
// inverse(P), for case C L·Lᵀ), L = cholesky(S) and S⁻¹ = inverse(S) by
// mpmath's own matrix routines:
//
//	lp = -(n log 2π + rᵀS⁻¹r)/2 - log det S / 2 ;  H = n(1 + log 2π)/2 + log det S / 2
//	∂/∂Σ = (uuᵀ - S⁻¹)/2, u = S⁻¹r ; ∂/∂P = (S - rrᵀ)/2 ; ∂/∂L = tril(u zᵀ) - diag(1/L_ii), z = L⁻¹r
//	KL(p ‖ q) = (tr(Sq⁻¹Sp) + dᵀSq⁻¹d - n + log(det Sq / det Sp))/2, d = μq - μp   (TestMVNKL)
var mvnMpmath = struct {
	aLoc, aCov, aX            []float64
	aLogProb, aEntropy        float64
	aChol, aGX, aGCov, aGTril []float64
	bLoc, bPrec, bX           []float64
	bLogProb, bEntropy        float64
	bVar, bGPrec, bGLoc       []float64
	cLoc, cTril, cX           []float64
	cLogProb                  []float64
	cEntropy                  float64
	cGTril, cGX, cVar         []float64
}{
	aLoc:     []float64{0.5, -1.25, 2.0, 0.0},
	aCov:     []float64{2.0, 0.3, -0.4, 0.1, 0.3, 1.5, 0.2, -0.25, -0.4, 0.2, 3.0, 0.5, 0.1, -0.25, 0.5, 0.8},
	aX:       []float64{1.0, 0.25, -0.5, 1.5},
	aLogProb: -10.515625470945343369,
	aEntropy: 6.5103145901163280533,
	aChol: []float64{1.4142135623730950488, 0, 0, 0, 0.21213203435596424947, 1.2062338081814818721, 0, 0,
		-0.28284271247461902546, 0.21554693479531635791, 1.6951517686922146587, 0,
		0.070710678118654756365, -0.21969206815676473932, 0.33469212749471973642, 0.7966910160043614734},
	aGX: []float64{0.54093264248704662736, -1.9181347150259067018, 1.6264248704663212145, -3.558549222797927238},
	aGCov: []float64{-0.13212269273854820077, -0.43928071284402996806, 0.38143813500789525637, -0.8662830728829815393,
		-0.43928071284402996806, 1.4531861013962546259, -1.4949428538655094518, 3.24162132479456408,
		0.38143813500789525637, -1.4949428538655094518, 1.1179186140445502646, -2.7383218585489785154,
		-0.8662830728829815393, 3.24162132479456408, -2.7383218585489785154, 5.5438831060748420235},
	aGTril: []float64{-0.8983553510204220345, 0, 0, 0, 0.67816303211207225103, 1.4369867244270855443, 0, 0,
		-0.57502802749859394807, -1.9213981772809080452, 1.9570938944970320852, 0,
		1.2581371433132663454, 4.2039384140061407652, -5.5727542208272589773, 8.8335237287763623248},
	bLoc:     []float64{0.1, 0.2, -0.3},
	bPrec:    []float64{4.0, -1.0, 0.5, -1.0, 3.0, 0.25, 0.5, 0.25, 2.0},
	bX:       []float64{0.7, -0.4, 0.05},
	bLogProb: -3.0355424762756644843,
	bEntropy: 2.740542476275664573,
	bVar:     []float64{0.28614457831325301205, 0.37349397590361445783, 0.53012048192771084337},
	bGPrec: []float64{-0.036927710843373464, 0.23120481927710842874, -0.14716867469879516948,
		0.23120481927710842874, 0.0067469879518072089316, 0.068855421686746991282,
		-0.14716867469879516948, 0.068855421686746991282, 0.2038102409638554246},
	bGLoc:    []float64{3.1749999999999998293, -2.312500000000000052, 0.84999999999999995004},
	cLoc:     []float64{1.0, -2.0, 3.0},
	cTril:    []float64{1e-3, 0, 0, 2.5e-3, 1e3, 0, -7.0, 30.0, 0.5},
	cX:       []float64{1.0005, 1000.0, 0.0, 1.03, 500.0, -40.0},
	cLogProb: []float64{-1750.2734351694129136, -46625.084302896978057},
	cEntropy: 3.5636684190540729367,
	cGTril:   []float64{-414593.9102468332947, 0, 0, 1.774098749374827707, 3.554289458500672921, 0, -59.119924999994258741, -118.47618190018904528, 6988.3310640114323478},
	cGX:      []float64{827187.82049375770827, -3.5481974987500462656, 118.23985000000154219},
	cVar:     []float64{0.0000010000000000000000416, 1000000.00000625, 949.25},
}

func TestMVNMpmath(t *testing.T) {
	t.Parallel()
	ref := mvnMpmath
	t.Run("covariance", func(t *testing.T) {
		d, err := distributions.NewMultivariateNormal(f64(ref.aLoc...), sh(f64(ref.aCov...), 4, 4))
		require.NoError(t, err)
		x := f64(ref.aX...)
		close(t, []float64{ref.aLogProb}, data64(t, must(d.LogProb(x))), 1e-15, 0)
		close(t, []float64{ref.aEntropy}, data64(t, must(d.Entropy())), 1e-15, 0)
		close(t, ref.aChol, data64(t, d.ScaleTril()), 1e-15, 0)
		close(t, ref.aCov, data64(t, d.CovarianceMatrix()), 0, 0) // the matrix given
		g, err := d.LogProbGrad(x)
		require.NoError(t, err)
		close(t, []float64{ref.aLogProb}, []float64{g.LogProb}, 1e-15, 0)
		close(t, ref.aGX, data64(t, g.Value), 1e-14, 0)
		close(t, ref.aGX, mvnNeg(data64(t, g.Params["loc"])), 1e-14, 0)
		close(t, ref.aGCov, data64(t, g.Params["covariance_matrix"]), 1e-14, 0)

		tril, err := distributions.NewMultivariateNormalScaleTril(f64(ref.aLoc...), sh(f64(ref.aChol...), 4, 4))
		require.NoError(t, err)
		gt, err := tril.LogProbGrad(x)
		require.NoError(t, err)
		close(t, []float64{ref.aLogProb}, []float64{gt.LogProb}, 1e-15, 0)
		close(t, ref.aGTril, data64(t, gt.Params["scale_tril"]), 1e-14, 0)
	})
	t.Run("precision", func(t *testing.T) {
		d, err := distributions.NewMultivariateNormalPrecision(f64(ref.bLoc...), sh(f64(ref.bPrec...), 3, 3))
		require.NoError(t, err)
		x := f64(ref.bX...)
		close(t, []float64{ref.bLogProb}, data64(t, must(d.LogProb(x))), 1e-15, 0)
		close(t, []float64{ref.bEntropy}, data64(t, must(d.Entropy())), 1e-15, 0)
		close(t, ref.bVar, data64(t, must(d.Variance())), 1e-15, 0)
		close(t, ref.bPrec, data64(t, d.PrecisionMatrix()), 0, 0)
		g, err := d.LogProbGrad(x)
		require.NoError(t, err)
		// ∂/∂P involves Σ = LLᵀ with L from the triangular inverse: a few
		// ulps of Σ's entries, 3e-15 absolute on entries ~0.2
		close(t, ref.bGPrec, data64(t, g.Params["precision_matrix"]), 1e-14, 1e-14)
		close(t, ref.bGLoc, data64(t, g.Params["loc"]), 1e-14, 0)
	})
	t.Run("scale_tril, scales 1e-3 to 1e3, far tail", func(t *testing.T) {
		d, err := distributions.NewMultivariateNormalScaleTril(f64(ref.cLoc...), sh(f64(ref.cTril...), 3, 3))
		require.NoError(t, err)
		close(t, ref.cLogProb, data64(t, must(d.LogProb(sh(f64(ref.cX...), 2, 3)))), 1e-15, 0)
		close(t, []float64{ref.cEntropy}, data64(t, must(d.Entropy())), 1e-15, 0)
		close(t, ref.cVar, data64(t, must(d.Variance())), 1e-15, 0)
		g, err := d.LogProbGrad(f64(ref.cX[:3]...))
		require.NoError(t, err)
		// z_0 = 0.5 of L_00 = 1e-3 feeds everything through u = L⁻ᵀz:
		// entries cancel to 1e-14 relative of the largest (4e5)
		close(t, ref.cGTril, data64(t, g.Params["scale_tril"]), 1e-13, 1e-8)
		close(t, ref.cGX, data64(t, g.Value), 1e-13, 1e-8)
	})
}

// mvnWithEntry returns a copy of the matrix s (n columns) with entries
// (i, j) and (j, i) set to v.
func mvnWithEntry(s []float64, n, i, j int, v float64) []float64 {
	out := slices.Clone(s)
	out[i*n+j], out[j*n+i] = v, v
	return out
}

func mvnNeg(v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = -x
	}
	return out
}

func TestMVNErrors(t *testing.T) {
	t.Parallel()
	v2 := f64(0, 0)
	eye := sh(f64(1, 0, 0, 1), 2, 2)
	tests := []struct {
		name    string
		kind    string
		loc, m  *tensor.Dense
		noVal   bool // also an error with validation off
		wantErr error
		param   string // the ConstraintError's Name, if one
		index   []int
	}{
		{"scalar loc", "covariance_matrix", s64(0), eye, true, distributions.ErrShape, "", nil},
		{"vector covariance", "covariance_matrix", v2, f64(1, 1), true, distributions.ErrShape, "", nil},
		{"non-square", "scale_tril", v2, sh(f64(1, 0, 0, 1, 0, 0), 2, 3), true, distributions.ErrShape, "", nil},
		{"event size mismatch", "precision_matrix", f64(0, 0, 0), eye, true, distributions.ErrShape, "", nil},
		{"batches do not broadcast", "covariance_matrix", sh(f64(0, 0, 0, 0, 0, 0), 3, 2), sh(f64(1, 0, 0, 1, 1, 0, 0, 1), 2, 2, 2), true, distributions.ErrShape, "", nil},
		{"dtypes differ", "covariance_matrix", f32(0, 0), eye, true, distributions.ErrDType, "", nil},
		{"nil loc", "covariance_matrix", nil, eye, true, distributions.ErrParam, "", nil},
		{"nil matrix", "scale_tril", v2, nil, true, distributions.ErrParam, "", nil},
		{"NaN loc", "covariance_matrix", f64(0, math.NaN()), eye, false, distributions.ErrParam, "loc", []int{1}},
		{"not positive definite", "covariance_matrix", v2, sh(f64(1, 2, 2, 1), 2, 2), true, distributions.ErrParam, "covariance_matrix", []int{1, 1}},
		{"second matrix not PD", "covariance_matrix", v2, sh(f64(1, 0, 0, 1, 1, 0, 0, -1), 2, 2, 2), true, distributions.ErrParam, "covariance_matrix", []int{1, 1, 1}},
		{"precision not PD", "precision_matrix", v2, sh(f64(-1, 0, 0, 1), 2, 2), true, distributions.ErrParam, "precision_matrix", []int{0, 0}},
		{"NaN diagonal", "covariance_matrix", v2, sh(f64(math.NaN(), 0, 0, 1), 2, 2), true, distributions.ErrParam, "covariance_matrix", []int{0, 0}},
		{"not symmetric", "covariance_matrix", v2, sh(f64(1, 0.5, 0, 1), 2, 2), false, distributions.ErrParam, "covariance_matrix", []int{0, 1}},
		{"not symmetric by 5e-6", "precision_matrix", v2, sh(f64(1, 0.1, 0.1+5e-6, 1), 2, 2), false, distributions.ErrParam, "precision_matrix", []int{0, 1}},
		{"NaN off the diagonal", "covariance_matrix", v2, sh(f64(1, math.NaN(), math.NaN(), 1), 2, 2), true, distributions.ErrParam, "covariance_matrix", []int{0, 1}},
		{"negative diagonal", "scale_tril", v2, sh(f64(1, 0, 0.5, -1), 2, 2), false, distributions.ErrParam, "scale_tril", []int{1, 1}},
		{"zero diagonal", "scale_tril", v2, sh(f64(0, 0, 0.5, 1), 2, 2), false, distributions.ErrParam, "scale_tril", []int{0, 0}},
		{"upper entry", "scale_tril", v2, sh(f64(1, 0.1, 0, 1), 2, 2), false, distributions.ErrParam, "scale_tril", []int{0, 1}},
		{"NaN below the diagonal", "scale_tril", v2, sh(f64(1, 0, math.NaN(), 1), 2, 2), false, distributions.ErrParam, "scale_tril", []int{1, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := mvnNew(tc.kind, tc.loc, tc.m)
			require.ErrorIs(t, err, tc.wantErr)
			if tc.param != "" {
				var ce *distributions.ConstraintError
				require.ErrorAs(t, err, &ce)
				assert.Equal(t, tc.param, ce.Name)
				assert.Equal(t, tc.index, ce.Index)
				assert.NotEmpty(t, ce.Rule)
				t.Log(err)
			}
			_, err = mvnNew(tc.kind, tc.loc, tc.m, distributions.WithValidation(false))
			if tc.noVal {
				require.ErrorIs(t, err, tc.wantErr)
			} else {
				require.NoError(t, err)
			}
		})
	}
	t.Run("symmetric within torch's tolerance", func(t *testing.T) {
		t.Parallel()
		_, err := distributions.NewMultivariateNormal(v2, sh(f64(1, 0.1, 0.1+5e-7, 1), 2, 2))
		require.NoError(t, err)
		_, err = distributions.NewMultivariateNormal(v2, sh(f64(1e6, 0.1, 0.1, 1e6+5), 2, 2)) // rtol 1e-5
		require.NoError(t, err)
	})
	t.Run("spec: one matrix exactly", func(t *testing.T) {
		t.Parallel()
		const loc = `"loc": {"shape": [2], "data": [0, 0]}`
		const cov = `"covariance_matrix": {"shape": [2, 2], "data": [1, 0, 0, 1]}`
		const tril = `"scale_tril": {"shape": [2, 2], "data": [1, 0, 0, 1]}`
		for spec, want := range map[string]error{
			`{` + loc + `}`: distributions.ErrParam,
			`{` + loc + `, ` + cov + `, ` + tril + `}`: distributions.ErrParam,
			`{` + cov + `}`: distributions.ErrParam,
			`{` + loc + `, "scale": {"shape": [], "data": [1]}}`: distributions.ErrUnsupported,
			`{` + loc + `, ` + tril + `}`:                        nil,
		} {
			_, err := distributions.Build([]byte(`{"family": "MultivariateNormal", "params": ` + spec + `}`))
			if want == nil {
				require.NoError(t, err, spec)
			} else {
				require.ErrorIs(t, err, want, spec)
			}
		}
	})
}

func TestMVNValueErrors(t *testing.T) {
	t.Parallel()
	d, err := distributions.NewMultivariateNormal(sh(f64(0, 0, 1, 1), 2, 2), sh(f64(1, 0, 0, 1), 2, 2))
	require.NoError(t, err)
	loose, err := distributions.NewMultivariateNormal(sh(f64(0, 0, 1, 1), 2, 2), sh(f64(1, 0, 0, 1), 2, 2), distributions.WithValidation(false))
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		x    *tensor.Dense
		want error
	}{
		{"wrong event size", f64(0, 0, 0), distributions.ErrShape},
		{"scalar", s64(0), distributions.ErrShape},
		{"batch does not broadcast", sh(f64(0, 0, 0, 0, 0, 0), 3, 2), distributions.ErrShape},
		{"dtype", f32(0, 0), distributions.ErrDType},
		{"nil", nil, distributions.ErrShape},
		{"NaN", f64(0, math.NaN()), distributions.ErrSupport},
	} {
		_, err := d.LogProb(tc.x)
		require.ErrorIs(t, err, tc.want, tc.name)
		_, err = d.LogProbGrad(tc.x)
		require.ErrorIs(t, err, tc.want, tc.name)
		_, err = loose.LogProb(tc.x)
		if tc.want == distributions.ErrSupport {
			require.NoError(t, err, tc.name)
		} else {
			require.ErrorIs(t, err, tc.want, tc.name)
		}
	}
	lp, err := loose.LogProb(f64(0, math.NaN()))
	require.NoError(t, err)
	assert.True(t, math.IsNaN(data64(t, lp)[0]) && math.IsNaN(data64(t, lp)[1]))
	lp, err = loose.LogProb(f64(0, math.Inf(1)))
	require.NoError(t, err)
	assert.Equal(t, []float64{math.Inf(-1), math.Inf(-1)}, data64(t, lp))
	var ce *distributions.ConstraintError
	_, err = d.LogProb(sh(f64(0, 0, 1, math.NaN()), 2, 2))
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, []int{1, 1}, ce.Index)
}

// TestMVNWithoutValidation: unvalidated, torch reads the lower triangle of
// a covariance (linalg.cholesky) and the upper triangle of a precision
// matrix (cholesky of the flipped matrix); a scale_tril's upper triangle
// is never read, and a non-positive diagonal gives NaN, not a panic.
func TestMVNWithoutValidation(t *testing.T) {
	t.Parallel()
	loc, x := f64(0.5, -1), f64(1, 2)
	off := distributions.WithValidation(false)
	ref := func(s []float64) float64 { return mvnGonum(t, data64(t, loc), s).LogProb(data64(t, x)) }

	cov := must(distributions.NewMultivariateNormal(loc, sh(f64(2, 99, 0.5, 1), 2, 2), off))
	close(t, []float64{ref([]float64{2, 0.5, 0.5, 1})}, data64(t, must(cov.LogProb(x))), 1e-14, 0)

	prec := must(distributions.NewMultivariateNormalPrecision(loc, sh(f64(2, 0.5, -99, 1), 2, 2), off))
	close(t, []float64{ref(mvnInvRef(t, []float64{2, 0.5, 0.5, 1}, 2))}, data64(t, must(prec.LogProb(x))), 1e-14, 0)

	tril := must(distributions.NewMultivariateNormalScaleTril(loc, sh(f64(2, 99, 0.5, 1), 2, 2), off))
	close(t, []float64{ref(mvnGramRef([]float64{2, 0, 0.5, 1}, 2))}, data64(t, must(tril.LogProb(x))), 1e-14, 0)

	bad := must(distributions.NewMultivariateNormalScaleTril(loc, sh(f64(-1, 0, 0.5, 1), 2, 2), off))
	assert.True(t, math.IsNaN(data64(t, must(bad.LogProb(x)))[0]))
	_, err := bad.LogProbGrad(x)
	require.NoError(t, err)
	_, err = bad.Sample(rand.NewPCG(1, 2), 3)
	require.NoError(t, err)
}

func TestMVNMoments(t *testing.T) {
	t.Parallel()
	const n = 3
	for ki, kind := range mvnKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			loc, m := mvnFill(t, kind, n, 2, 3, uint64(100+ki)) // matrices (2, 1), locs (3)
			d, err := mvnNew(kind, sh(f64(loc...), 3, n), sh(f64(m...), 2, 1, n, n))
			require.NoError(t, err)
			require.Equal(t, []int{2, 3}, d.BatchShape())
			mean, var_, sd, mode, ent := must(d.Mean()), must(d.Variance()), must(d.StdDev()), must(d.Mode()), must(d.Entropy())
			assert.Equal(t, []int{2, 3, n}, shapeOf(mean))
			assert.Equal(t, []int{2, 3, n}, shapeOf(var_))
			assert.Equal(t, []int{2, 3}, shapeOf(ent))
			close(t, bcast(loc, []int{3, n}, []int{2, 3, n}), data64(t, mean), 0, 0)
			close(t, data64(t, mean), data64(t, mode), 0, 0)
			for b := range 2 {
				s := mvnCovOf(t, kind, m[b*n*n:(b+1)*n*n], n)
				g := mvnGonum(t, loc[:n], s)
				for j := range 3 {
					e := b*3 + j
					close(t, []float64{g.Entropy()}, data64(t, ent)[e:e+1], 1e-14, 0)
					for i := range n {
						close(t, []float64{s[i*n+i]}, data64(t, var_)[e*n+i:e*n+i+1], 1e-14, 0)
						close(t, []float64{math.Sqrt(s[i*n+i])}, data64(t, sd)[e*n+i:e*n+i+1], 1e-14, 0)
					}
				}
				// the accessors give the same Σ, Σ⁻¹ and L, broadcast
				cov, prec, l := data64(t, d.CovarianceMatrix()), data64(t, d.PrecisionMatrix()), data64(t, d.ScaleTril())
				e := b * 3 * n * n
				close(t, s, cov[e:e+n*n], 1e-14, 1e-15)
				close(t, mvnInvRef(t, s, n), prec[e:e+n*n], 1e-13, 1e-14)
				close(t, mvnCholRef(t, s, n), l[e:e+n*n], 1e-14, 1e-15)
			}
			assert.Equal(t, map[string]*tensor.Dense{"loc": d.Loc(), kind: d.Params()[kind]}, d.Params())
			assert.Equal(t, []int{2, 1, n, n}, shapeOf(d.Params()[kind]))
		})
	}
}

func TestMVNExpand(t *testing.T) {
	t.Parallel()
	loc, m := mvnFill(t, "scale_tril", 3, 1, 1, 5)
	d := must(distributions.NewMultivariateNormalScaleTril(f64(loc...), sh(f64(m...), 3, 3)))
	e, err := distributions.Expand(d, []int{4, 2})
	require.NoError(t, err)
	ed, ok := e.(*distributions.MultivariateNormal)
	require.True(t, ok, "native expand keeps the type")
	assert.Equal(t, []int{4, 2}, ed.BatchShape())
	assert.Same(t, d.Params()["scale_tril"], ed.Params()["scale_tril"], "the factor is shared")
	x := sh(f64(0.1, 0.2, 0.3, -1, 0, 1), 2, 3)
	lp := data64(t, must(ed.LogProb(x)))
	one := data64(t, must(d.LogProb(x)))
	assert.Equal(t, []int{4, 2}, shapeOf(must(ed.LogProb(x))))
	close(t, bcast(one, []int{2}, []int{4, 2}), lp, 0, 0)
	assert.Equal(t, []int{4, 2, 3}, shapeOf(must(ed.Mean())))
	assert.Equal(t, []int{4, 2}, shapeOf(must(ed.Entropy())))
	assert.Equal(t, []int{5, 4, 2, 3}, shapeOf(must(ed.Sample(rand.NewPCG(1, 1), 5))))
	g := must(ed.LogProbGrad(x))
	g1 := must(d.LogProbGrad(x))
	// x (2, 3) against batch (4, 2): each of d's two log-densities is counted four times
	close(t, data64(t, g1.Params["loc"]), mvnScale(data64(t, g.Params["loc"]), 0.25), 1e-14, 0)
	_, err = distributions.Expand(ed, []int{3, 2})
	require.ErrorIs(t, err, distributions.ErrShape)
	_, err = ed.Expand([]int{2})
	require.ErrorIs(t, err, distributions.ErrShape)
}

func mvnScale(v []float64, c float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = c * x
	}
	return out
}

func TestMVNLogProbInto(t *testing.T) {
	t.Parallel()
	loc, m := mvnFill(t, "covariance_matrix", 4, 1, 50, 9)
	d := must(distributions.NewMultivariateNormal(sh(f64(loc...), 50, 4), sh(f64(m...), 4, 4)))
	x := sh(f64(loc...), 50, 4)
	want := must(d.LogProb(x))
	dst := must(tensor.Zeros[float64](50))
	require.NoError(t, d.LogProbInto(dst, x))
	assert.Equal(t, data64(t, want), data64(t, dst))
	require.ErrorIs(t, d.LogProbInto(must(tensor.Zeros[float64](49)), x), distributions.ErrShape)
	require.ErrorIs(t, d.LogProbInto(must(tensor.Zeros[float32](50)), x), distributions.ErrShape)
	require.ErrorIs(t, d.LogProbInto(nil, x), distributions.ErrShape)
}

// TestMVNSharedFactor: the path for events sharing a factor (four at a
// time) and the event-by-event path do the same operations in the same
// order, so a shared covariance and the same covariance repeated per event
// give the same bits, for run lengths around multiples of four.
func TestMVNSharedFactor(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 3, 8, 40} {
		for _, events := range []int{1, 3, 4, 5, 7, 8, 9, 127, 1000} {
			loc, m := mvnFill(t, "covariance_matrix", n, 1, events, uint64(n*events))
			shared := must(distributions.NewMultivariateNormal(sh(f64(loc...), events, n), sh(f64(m...), n, n)))
			rep := make([]float64, 0, events*n*n)
			for range events {
				rep = append(rep, m...)
			}
			each := must(distributions.NewMultivariateNormal(sh(f64(loc...), events, n), sh(f64(rep...), events, n, n)))
			x := make([]float64, events*n)
			r := rand.New(rand.NewPCG(uint64(n), uint64(events)))
			for i := range x {
				x[i] = 3 * r.NormFloat64()
			}
			xt := sh(f64(x...), events, n)
			a, b := data64(t, must(shared.LogProb(xt))), data64(t, must(each.LogProb(xt)))
			require.Equal(t, b, a, "n=%d, %d events", n, events)
			// and a shared x against every event's loc: x broadcast, Step 0
			c := data64(t, must(shared.LogProb(f64(x[:n]...))))
			_, want := mvnRefLogProb(t, "covariance_matrix", n, x[:n], loc, m, []int{}, []int{events}, []int{}, nil)
			close(t, want, c, 1e-13, 1e-13)
		}
	}
}

// mvnGradCase is a batch layout for the gradient tests: x (2,1,1)+(3),
// loc (2,1)+(3), matrices (3)+(3,3): twelve log-densities over six locs
// and three matrices, weighted by w (one weight 0).
var mvnGradCase = struct {
	xb, lb, mb, out []int
	w               []float64
}{
	xb: []int{2, 1, 1}, lb: []int{2, 1}, mb: []int{3}, out: []int{2, 2, 3},
	w: []float64{1, -0.5, 2, 0.25, 0, 1.5, -1, 0.75, 3, 0.5, 1, -2},
}

// mvnFreeParams lists the free entries of a matrix of the given kind: the
// lower triangle (i ≥ j); covariance and precision entries move with their
// mirror, so that the matrix stays symmetric.
func mvnFreeParams(n int) [][2]int {
	var out [][2]int
	for i := range n {
		for j := 0; j <= i; j++ {
			out = append(out, [2]int{i, j})
		}
	}
	return out
}

func TestMVNLogProbGrad(t *testing.T) {
	t.Parallel()
	const n = 3
	c := mvnGradCase
	for ki, kind := range mvnKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			loc, m := mvnFill(t, kind, n, 3, 2, uint64(200+ki))
			r := rand.New(rand.NewPCG(3, uint64(ki)))
			x := make([]float64, 2*n)
			for i := range x {
				x[i] = r.NormFloat64()
			}
			d := must(mvnNew(kind, must(tensor.New(slices.Clone(loc), 2, 1, n)), must(tensor.New(slices.Clone(m), 3, n, n))))
			w := must(tensor.New(c.w, c.out...))
			g, err := d.LogProbVJP(must(tensor.New(slices.Clone(x), 2, 1, 1, n)), w)
			require.NoError(t, err)
			sum, _ := mvnRefLogProb(t, kind, n, x, loc, m, c.xb, c.lb, c.mb, c.w)
			close(t, []float64{sum}, []float64{g.LogProb}, 1e-13, 0)

			f := func(x, loc, m []float64) float64 {
				s, _ := mvnRefLogProb(t, kind, n, x, loc, m, c.xb, c.lb, c.mb, c.w)
				return s
			}
			// central differences against gonum: ~1e-9 relative (helpers_test.go)
			wantX := centralDiff(func(v []float64) float64 { return f(v, loc, m) }, x, 1e-5)
			wantLoc := centralDiff(func(v []float64) float64 { return f(x, v, m) }, loc, 1e-5)
			assert.Less(t, maxRelErr(wantX, data64(t, g.Value), 1), 1e-7)
			assert.Less(t, maxRelErr(wantLoc, data64(t, g.Params["loc"]), 1), 1e-7)
			assert.Equal(t, []int{2, 1, 1, n}, shapeOf(g.Value))
			assert.Equal(t, []int{2, 1, n}, shapeOf(g.Params["loc"]))

			gm := data64(t, g.Params[kind])
			require.Len(t, gm, 3*n*n)
			free := mvnFreeParams(n)
			for b := range 3 {
				theta := make([]float64, len(free))
				for k, ij := range free {
					theta[k] = m[b*n*n+ij[0]*n+ij[1]]
				}
				set := func(th []float64) []float64 {
					mm := slices.Clone(m)
					for k, ij := range free {
						mm[b*n*n+ij[0]*n+ij[1]] = th[k]
						if kind != "scale_tril" {
							mm[b*n*n+ij[1]*n+ij[0]] = th[k]
						}
					}
					return mm
				}
				want := centralDiff(func(th []float64) float64 { return f(x, loc, set(th)) }, theta, 1e-5)
				got := make([]float64, len(free))
				for k, ij := range free {
					got[k] = gm[b*n*n+ij[0]*n+ij[1]]
					if kind != "scale_tril" && ij[0] != ij[1] {
						// a symmetric gradient G: moving a_ij and a_ji together changes f by 2·G_ij
						got[k] *= 2
						assert.Equal(t, gm[b*n*n+ij[0]*n+ij[1]], gm[b*n*n+ij[1]*n+ij[0]], "symmetric")
					}
					if kind == "scale_tril" && ij[0] != ij[1] {
						assert.Zero(t, gm[b*n*n+ij[1]*n+ij[0]], "upper entries are not parameters")
					}
				}
				assert.Less(t, maxRelErr(want, got, 1), 1e-7, "matrix %d: %v vs %v", b, got, want)
			}
		})
	}
	t.Run("a weight of 0 adds nothing, even at -Inf", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewMultivariateNormal(f64(0, 0), sh(f64(1, 0, 0, 1), 2, 2), distributions.WithValidation(false)))
		x := sh(f64(math.Inf(1), 0, 1, 1), 2, 2)
		g, err := d.LogProbVJP(x, f64(0, 1))
		require.NoError(t, err)
		requireFinite(t, []float64{g.LogProb})
		requireFinite(t, data64(t, g.Params["covariance_matrix"]))
		close(t, []float64{1, 1}, data64(t, g.Params["loc"]), 1e-15, 0) // u = Σ⁻¹(x-μ) of the second row only
		_, err = d.LogProbVJP(x, f32(0, 1))
		require.ErrorIs(t, err, distributions.ErrDType)
		_, err = d.LogProbVJP(x, f64(0, 1, 2))
		require.ErrorIs(t, err, distributions.ErrShape)
	})
}

// TestMVNRSampleVJP checks the reparameterisation gradient of L = Σ g·x
// over draws x = μ + chol(Σ(θ))·ε against central differences with ε held
// fixed, computed with gonum's Cholesky and inverse.
func TestMVNRSampleVJP(t *testing.T) {
	t.Parallel()
	const n = 3
	for ki, kind := range mvnKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			loc, m := mvnFill(t, kind, n, 2, 1, uint64(300+ki)) // loc (3), matrices (2)
			d := must(mvnNew(kind, f64(slices.Clone(loc)...), must(tensor.New(slices.Clone(m), 2, n, n))))
			x, err := d.RSample(rand.NewPCG(4, 5), 4) // (4, 2, 3)
			require.NoError(t, err)
			xs := data64(t, x)
			r := rand.New(rand.NewPCG(6, 7))
			g := make([]float64, len(xs))
			for i := range g {
				g[i] = r.NormFloat64()
			}
			got, err := d.RSampleVJP(x, must(tensor.New(g, 4, 2, n)))
			require.NoError(t, err)
			// ε = L⁻¹(x-μ) per draw, by gonum's factor
			eps := make([]float64, len(xs))
			for s := range 4 {
				for b := range 2 {
					l := mvnCholRef(t, mvnCovOf(t, kind, m[b*n*n:(b+1)*n*n], n), n)
					e := (s*2 + b) * n
					for i := range n {
						v := xs[e+i] - loc[i]
						for j := range i {
							v -= l[i*n+j] * eps[e+j]
						}
						eps[e+i] = v / l[i*n+i]
					}
				}
			}
			f := func(loc, m []float64) float64 {
				var sum float64
				for b := range 2 {
					l := mvnCholRef(t, mvnCovOf(t, kind, m[b*n*n:(b+1)*n*n], n), n)
					for s := range 4 {
						e := (s*2 + b) * n
						for i := range n {
							v := loc[i]
							for j := 0; j <= i; j++ {
								v += l[i*n+j] * eps[e+j]
							}
							sum += g[e+i] * v
						}
					}
				}
				return sum
			}
			wantLoc := centralDiff(func(v []float64) float64 { return f(v, m) }, loc, 1e-5)
			assert.Less(t, maxRelErr(wantLoc, data64(t, got["loc"]), 1), 1e-9)
			gm := data64(t, got[kind])
			free := mvnFreeParams(n)
			for b := range 2 {
				theta := make([]float64, len(free))
				for k, ij := range free {
					theta[k] = m[b*n*n+ij[0]*n+ij[1]]
				}
				want := centralDiff(func(th []float64) float64 {
					mm := slices.Clone(m)
					for k, ij := range free {
						mm[b*n*n+ij[0]*n+ij[1]] = th[k]
						if kind != "scale_tril" {
							mm[b*n*n+ij[1]*n+ij[0]] = th[k]
						}
					}
					return f(loc, mm)
				}, theta, 1e-5)
				gotB := make([]float64, len(free))
				for k, ij := range free {
					gotB[k] = gm[b*n*n+ij[0]*n+ij[1]]
					if kind != "scale_tril" && ij[0] != ij[1] {
						gotB[k] *= 2 // symmetric gradient, as in TestMVNLogProbGrad
					}
				}
				assert.Less(t, maxRelErr(want, gotB, 1), 1e-7, "matrix %d: %v vs %v", b, gotB, want)
			}
		})
	}
	t.Run("errors", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewMultivariateNormal(f64(0, 0), sh(f64(1, 0, 0, 1), 2, 2)))
		_, err := d.RSampleVJP(f64(0, 0, 0), nil)
		require.ErrorIs(t, err, distributions.ErrShape)
		_, err = d.RSampleVJP(f32(0, 0), nil)
		require.ErrorIs(t, err, distributions.ErrDType)
		_, err = d.RSampleVJP(f64(0, 0), f64(1))
		require.ErrorIs(t, err, distributions.ErrShape)
		g, err := d.RSampleVJP(sh(f64(1, 2, 3, 4), 2, 2), nil)
		require.NoError(t, err)
		close(t, []float64{2, 2}, data64(t, g["loc"]), 0, 0)
	})
}

func TestMVNFloat32(t *testing.T) {
	t.Parallel()
	const n = 4
	for ki, kind := range mvnKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			loc, m := mvnFill(t, kind, n, 2, 2, uint64(400+ki))
			// round the inputs to float32 first, so that both runs see one distribution
			loc32, m32 := to32(sh(f64(loc...), 2, n)), to32(must(tensor.New(m, 2, n, n)))
			d32 := must(mvnNew(kind, loc32, m32))
			d64 := must(mvnNew(kind, to64(loc32), to64(m32)))
			x64 := sh(f64(0.3, -0.2, 1, 0.5, -1, 0.25, 0.75, 2), 2, n)
			x32 := to32(x64)
			lp32 := must(d32.LogProb(x32))
			require.Equal(t, tensor.Float32, lp32.Dtype())
			// a float32 factor (computed in float64, rounded once) moves
			// log p by ~n ulps of float32: 1e-6 relative
			close(t, data64(t, must(d64.LogProb(to64(x32)))), data64(t, lp32), tol32, 1e-6)
			for name, get := range map[string]func(*distributions.MultivariateNormal) (*tensor.Dense, error){
				"mean": (*distributions.MultivariateNormal).Mean, "variance": (*distributions.MultivariateNormal).Variance,
				"stddev": (*distributions.MultivariateNormal).StdDev, "entropy": (*distributions.MultivariateNormal).Entropy,
			} {
				a, b := must(get(d32)), must(get(d64))
				require.Equal(t, tensor.Float32, a.Dtype(), name)
				close(t, data64(t, b), data64(t, a), 2e-6, 1e-6)
			}
			g32, g64 := must(d32.LogProbGrad(x32)), must(d64.LogProbGrad(to64(x32)))
			close(t, []float64{g64.LogProb}, []float64{g32.LogProb}, tol32, 1e-6)
			for _, p := range []string{"loc", kind} {
				require.Equal(t, tensor.Float32, g32.Params[p].Dtype())
				// gradients involve Σ⁻¹ of a float32-rounded factor: 1e-5 of the largest entry
				close(t, data64(t, g64.Params[p]), data64(t, g32.Params[p]), 1e-5, 1e-5)
			}
			s32, s64 := must(d32.Sample(rand.NewPCG(1, 2), 3)), must(d64.Sample(rand.NewPCG(1, 2), 3))
			require.Equal(t, tensor.Float32, s32.Dtype())
			close(t, data64(t, s64), data64(t, s32), 1e-6, 1e-6)
			v32 := must(d32.RSampleVJP(s32, nil))
			v64 := must(d64.RSampleVJP(to64(s32), nil))
			close(t, data64(t, v64[kind]), data64(t, v32[kind]), 1e-5, 1e-5)
		})
	}
}

// mvnKS returns the KS p-value of the projection aᵀx of draws x (rows of
// len(a)) against N(aᵀμ, aᵀΣa).
func mvnKS(data, a, mu, s []float64) float64 {
	n := len(a)
	proj := make([]float64, len(data)/n)
	for i := range proj {
		for k, ak := range a {
			proj[i] += ak * data[i*n+k]
		}
	}
	var m, v float64
	for i := range n {
		m += a[i] * mu[i]
		for j := range n {
			v += a[i] * s[i*n+j] * a[j]
		}
	}
	return ksPValue(ksStatistic(proj, distuv.Normal{Mu: m, Sigma: math.Sqrt(v)}.CDF), len(proj))
}

// mvnProjections are the directions the sampling tests project on: each
// coordinate (the marginals), pairs with both signs (the correlations),
// and the sum.
func mvnProjections(n int) [][]float64 {
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

func TestMVNSampleKS(t *testing.T) {
	t.Parallel()
	ref := mvnMpmath
	for _, kind := range mvnKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			const n = 4
			s := ref.aCov
			d := must(mvnNew(kind, f64(ref.aLoc...), sh(f64(mvnParamOf(t, kind, s, n)...), n, n)))
			x := must(d.Sample(rand.NewPCG(11, 12), nDraws))
			require.Equal(t, []int{nDraws, n}, shapeOf(x))
			data := data64(t, x)
			minP := 1.0
			for _, a := range mvnProjections(n) {
				p := mvnKS(data, a, ref.aLoc, s)
				minP = min(minP, p)
				assert.GreaterOrEqual(t, p, pCritical, "projection %v: p = %.3g", a, p)
			}
			t.Logf("%d projections, smallest KS p = %.3g", len(mvnProjections(n)), minP)
			// power: a correlation of the wrong sign, a 5% wider spread, a
			// mean 0.03σ off along one axis are each rejected
			for _, alt := range []struct {
				name     string
				a, mu, s []float64
			}{
				{"Σ_12 = -0.2", []float64{0, 1, 1, 0}, ref.aLoc, mvnWithEntry(s, n, 1, 2, -0.2)},
				{"Σ × 1.1", []float64{1, 1, 1, 1}, ref.aLoc, mvnScale(s, 1.1)},
				{"μ_3 + 0.03σ", []float64{0, 0, 0, 1}, mvnWithEntry(ref.aLoc, 1, 0, 3, ref.aLoc[3]+0.03*math.Sqrt(s[15])), s},
			} {
				p := mvnKS(data, alt.a, alt.mu, alt.s)
				t.Logf("power, %s: p = %.3g", alt.name, p)
				assert.Less(t, p, pCritical, alt.name)
			}
		})
	}
	t.Run("batch of two, float32", func(t *testing.T) {
		t.Parallel()
		const n = 2
		covs := []float64{1, 0.9, 0.9, 1, 4, -1, -1, 0.5}
		locs := []float64{-1, 1, 10, 0}
		d := must(distributions.NewMultivariateNormal(to32(sh(f64(locs...), 2, n)), to32(sh(f64(covs...), 2, n, n))))
		x := must(d.Sample(rand.NewPCG(13, 14), nDraws/2))
		require.Equal(t, tensor.Float32, x.Dtype())
		data := data64(t, x)
		for b := range 2 {
			col := make([]float64, 0, len(data)/2)
			for i := 0; i < len(data); i += 2 * n {
				col = append(col, data[i+b*n:i+b*n+n]...)
			}
			for _, a := range mvnProjections(n) {
				p := mvnKS(col, a, locs[b*n:b*n+n], covs[b*n*n:(b+1)*n*n])
				assert.GreaterOrEqual(t, p, pCritical, "batch %d, projection %v: p = %.3g", b, a, p)
			}
		}
	})
}

func TestMVNSampleShapesAndSeeds(t *testing.T) {
	t.Parallel()
	empty := must(distributions.NewMultivariateNormal(sh(f64(0, 0, 0, 1, 1, 1), 2, 1, 3), must(tensor.Zeros[float64](0, 3, 3))))
	assert.Equal(t, []int{2, 0}, empty.BatchShape())
	assert.Equal(t, []int{4, 2, 0, 3}, shapeOf(must(empty.Sample(rand.NewPCG(1, 2), 4))))
	assert.Equal(t, []int{2, 0}, shapeOf(must(empty.LogProb(f64(1, 2, 3)))))
	// event size 0: a density of 1 on the single point of R⁰
	none := must(distributions.NewMultivariateNormal(must(tensor.Zeros[float64](2, 0)), must(tensor.Zeros[float64](0, 0))))
	assert.Equal(t, []int{0}, none.EventShape())
	assert.Equal(t, []float64{0, 0}, data64(t, must(none.LogProb(must(tensor.Zeros[float64](2, 0))))))
	assert.Equal(t, []float64{0, 0}, data64(t, must(none.Entropy())))
	assert.Equal(t, []int{3, 2, 0}, shapeOf(must(none.Sample(rand.NewPCG(1, 2), 3))))
	_ = must(none.LogProbGrad(must(tensor.Zeros[float64](2, 0))))
	loc, m := mvnFill(t, "scale_tril", 3, 4, 2, 21)
	b := must(distributions.NewMultivariateNormalScaleTril(sh(f64(loc...), 2, 1, 3), sh(f64(m...), 4, 3, 3)))
	for _, c := range []struct {
		sample, want []int
	}{{nil, []int{2, 4, 3}}, {[]int{5}, []int{5, 2, 4, 3}}, {[]int{0}, []int{0, 2, 4, 3}}, {[]int{2, 1}, []int{2, 1, 2, 4, 3}}} {
		x := must(b.Sample(rand.NewPCG(1, 2), c.sample...))
		assert.Equal(t, c.want, shapeOf(x))
		y := must(b.RSample(rand.NewPCG(1, 2), c.sample...))
		assert.Equal(t, data64(t, x), data64(t, y), "Sample is RSample")
	}
	a1, a2, a3 := must(b.Sample(rand.NewPCG(1, 2), 10)), must(b.Sample(rand.NewPCG(1, 2), 10)), must(b.Sample(rand.NewPCG(1, 3), 10))
	assert.Equal(t, data64(t, a1), data64(t, a2))
	assert.NotEqual(t, data64(t, a1), data64(t, a3))
	assert.Len(t, distinct(data64(t, a1)), len(data64(t, a1)))
	// reparameterisation: x = μ + Lε, with ε what the identity draws from the same seed
	std := must(distributions.NewMultivariateNormalScaleTril(must(tensor.Zeros[float64](2, 1, 3)), sh(f64(1, 0, 0, 0, 1, 0, 0, 0, 1), 3, 3)))
	std4, _ := distributions.Expand(std, []int{2, 4})
	eps := data64(t, must(std4.Sample(rand.NewPCG(1, 2), 10)))
	xs := data64(t, a1)
	for e := range len(xs) / 3 {
		bi := e % 4
		li := (e / 4) % 2
		for i := range 3 {
			v := loc[li*3+i]
			for j := 0; j <= i; j++ {
				v += m[bi*9+i*3+j] * eps[e*3+j]
			}
			require.InDelta(t, v, xs[e*3+i], 1e-15*math.Max(1, math.Abs(v)))
		}
	}
	_, err := b.Sample(nil, 3)
	require.ErrorIs(t, err, distributions.ErrNilSource)
	_, err = b.Sample(rand.NewPCG(1, 2), -1)
	require.ErrorIs(t, err, distributions.ErrShape)
	assert.True(t, distributions.HasRSample(b))
	assert.False(t, distributions.HasEnumerateSupport(b))
}

// TestMVNGOMAXPROCS draws and scores more events than tensor.ParallelMin,
// so that they run on several goroutines, and requires the same bits with
// one and with two. It switches GOMAXPROCS, so it is not parallel.
func TestMVNGOMAXPROCS(t *testing.T) {
	const events = 140_000
	require.Greater(t, events, tensor.ParallelMin)
	loc, m := mvnFill(t, "covariance_matrix", 2, 1, 1, 31)
	d := must(distributions.NewMultivariateNormal(f64(loc...), sh(f64(m...), 2, 2)))
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

func TestMVNInferShapes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name         string
		params       map[string][]int
		batch, event []int
		wantErr      error
	}{
		{"loc only", map[string][]int{"loc": {2, 3}}, []int{2}, []int{3}, nil},
		{"cov", map[string][]int{"loc": {3}, "covariance_matrix": {4, 3, 3}}, []int{4}, []int{3}, nil},
		{"tril broadcast", map[string][]int{"loc": {2, 1, 3}, "scale_tril": {5, 3, 3}}, []int{2, 5}, []int{3}, nil},
		{"precision", map[string][]int{"loc": {3}, "precision_matrix": {3, 3}}, []int{}, []int{3}, nil},
		{"no loc", map[string][]int{"scale_tril": {3, 3}}, nil, nil, distributions.ErrParam},
		{"unknown", map[string][]int{"loc": {3}, "scale": {3}}, nil, nil, distributions.ErrParam},
		{"scalar loc", map[string][]int{"loc": {}}, nil, nil, distributions.ErrShape},
		{"vector matrix", map[string][]int{"loc": {3}, "covariance_matrix": {3}}, nil, nil, distributions.ErrShape},
		{"not broadcasting", map[string][]int{"loc": {2, 3}, "scale_tril": {4, 3, 3}}, nil, nil, distributions.ErrShape},
	} {
		batch, event, err := distributions.InferShapes("MultivariateNormal", tc.params)
		if tc.wantErr != nil {
			require.ErrorIs(t, err, tc.wantErr, tc.name)
			continue
		}
		require.NoError(t, err, tc.name)
		assert.Equal(t, tc.batch, batch, tc.name)
		assert.Equal(t, tc.event, event, tc.name)
	}
	// the rule agrees with construction
	rapid.Check(t, func(rt *rapid.T) {
		dim := rapid.IntRange(1, 3)
		lb := rapid.SliceOfN(dim, 0, 3).Draw(rt, "loc batch")
		mb := rapid.SliceOfN(dim, 0, 3).Draw(rt, "matrix batch")
		const n = 2
		batch, event, err := distributions.InferShapes("MultivariateNormal", map[string][]int{"loc": append(slices.Clone(lb), n), "scale_tril": append(slices.Clone(mb), n, n)})
		eye := make([]float64, 0, sizeOf(mb)*4)
		for range sizeOf(mb) {
			eye = append(eye, 1, 0, 0, 1)
		}
		d, cerr := distributions.NewMultivariateNormalScaleTril(must(tensor.Zeros[float64](append(slices.Clone(lb), n)...)), must(tensor.New(eye, append(slices.Clone(mb), n, n)...)))
		if cerr != nil {
			require.ErrorIs(rt, cerr, distributions.ErrShape)
			require.ErrorIs(rt, err, distributions.ErrShape)
			return
		}
		require.NoError(rt, err)
		require.Equal(rt, d.BatchShape(), batch)
		require.Equal(rt, d.EventShape(), event)
	})
}

func TestMVNKL(t *testing.T) {
	t.Parallel()
	t.Run("mpmath", func(t *testing.T) {
		p := must(distributions.NewMultivariateNormalScaleTril(f64(0.1, -0.2, 0.3), sh(f64(1.2, 0, 0, 0.3, 0.7, 0, -0.5, 0.2, 1.6), 3, 3)))
		q := must(distributions.NewMultivariateNormalScaleTril(f64(-0.3, 0.4, 0.0), sh(f64(0.9, 0, 0, -0.4, 1.3, 0, 0.25, 0.6, 0.8), 3, 3)))
		kl := must(distributions.KL(p, q))
		close(t, []float64{2.8148310106213213871}, data64(t, kl), 1e-14, 0) // mpmath (see mvnMpmath)
		nrm := must(distributions.NewNormal(f64(0.2, -0.1, 0.6), f64(0.5, 1.5, 0.9)))
		ind := must(distributions.ToEvent(nrm, 1))
		close(t, []float64{1.162791489582708351}, data64(t, must(distributions.KL(ind, q))), 1e-14, 0)
	})
	t.Run("gonum, batched", func(t *testing.T) {
		const n = 3
		for _, pk := range mvnKinds {
			for _, qk := range mvnKinds {
				ploc, pm := mvnFill(t, pk, n, 2, 1, 41) // p: loc (3), matrices (2)
				qloc, qm := mvnFill(t, qk, n, 1, 3, 43) // q: locs (3, 1), matrix
				p := must(mvnNew(pk, f64(ploc...), must(tensor.New(pm, 2, n, n))))
				q := must(mvnNew(qk, sh(f64(qloc...), 3, 1, n), sh(f64(qm...), n, n)))
				kl := must(distributions.KL(p, q))
				require.Equal(t, []int{3, 2}, shapeOf(kl))
				want := make([]float64, 6)
				for a := range 3 {
					for b := range 2 {
						gp := mvnGonum(t, ploc, mvnCovOf(t, pk, pm[b*n*n:(b+1)*n*n], n))
						gq := mvnGonum(t, qloc[a*n:(a+1)*n], mvnCovOf(t, qk, qm, n))
						want[a*2+b] = mvnKLRef(gp, gq)
					}
				}
				close(t, want, data64(t, kl), 1e-12, 1e-13)
			}
		}
	})
	t.Run("Independent(Normal, 1), gonum", func(t *testing.T) {
		const n = 3
		locs := []float64{0.2, -0.1, 0.6, 1, 2, 3}
		scales := []float64{0.5, 1.5, 0.9, 2, 0.1, 1}
		ind := must(distributions.ToEvent(must(distributions.NewNormal(sh(f64(locs...), 2, n), sh(f64(scales...), 2, n))), 1))
		qloc, qm := mvnFill(t, "covariance_matrix", n, 1, 1, 47)
		q := must(distributions.NewMultivariateNormal(f64(qloc...), sh(f64(qm...), n, n)))
		kl := must(distributions.KL(ind, q))
		require.Equal(t, []int{2}, shapeOf(kl))
		for b := range 2 {
			diag := make([]float64, n*n)
			for i := range n {
				diag[i*n+i] = scales[b*n+i] * scales[b*n+i]
			}
			want := mvnKLRef(mvnGonum(t, locs[b*n:(b+1)*n], diag), mvnGonum(t, qloc, qm))
			close(t, []float64{want}, data64(t, kl)[b:b+1], 1e-12, 1e-13)
		}
		// a scale broadcast inside the Normal
		ind2 := must(distributions.ToEvent(must(distributions.NewNormal(sh(f64(locs...), 2, n), s64(0.5))), 1))
		require.Equal(t, []int{2}, shapeOf(must(distributions.KL(ind2, q))))
	})
	t.Run("errors", func(t *testing.T) {
		p := must(distributions.NewMultivariateNormal(f64(0, 0), sh(f64(1, 0, 0, 1), 2, 2)))
		q3 := must(distributions.NewMultivariateNormal(f64(0, 0, 0), sh(f64(1, 0, 0, 0, 1, 0, 0, 0, 1), 3, 3)))
		_, err := distributions.KL(p, q3)
		require.ErrorIs(t, err, distributions.ErrShape)
		cauchy := must(distributions.ToEvent(must(distributions.NewCauchy(f64(0, 0), f64(1, 1))), 1))
		_, err = distributions.KL(cauchy, p)
		require.ErrorIs(t, err, distributions.ErrNoKL)
		two := must(distributions.ToEvent(must(distributions.NewNormal(sh(f64(0, 0, 0, 0), 2, 2), s64(1))), 2))
		_, err = distributions.KL(two, p)
		require.ErrorIs(t, err, distributions.ErrNoKL)
		three := must(distributions.ToEvent(must(distributions.NewNormal(f64(0, 0, 0), s64(1))), 1))
		_, err = distributions.KL(three, p)
		require.ErrorIs(t, err, distributions.ErrShape)
		p32 := must(distributions.NewMultivariateNormal(f32(0, 0), to32(sh(f64(1, 0, 0, 1), 2, 2))))
		_, err = distributions.KL(p32, p)
		require.ErrorIs(t, err, distributions.ErrDType)
	})
}

// TestMVNGoldenCases runs the golden cases of MultivariateNormal (mvn.json,
// its errors, KL and shape-operation cases) through the conformance
// runner: every one must pass.
func TestMVNGoldenCases(t *testing.T) {
	t.Parallel()
	n := 0
	for _, c := range loadCases(t, goldenDir, "") {
		if !mvnGoldenCase(c.name) {
			continue
		}
		n++
		st, reason := runCase(c)
		t.Logf("%s: %s %s", c.name, st, reason)
		if st != casePassed {
			t.Errorf("%s: %s (%s)", c.name, st, reason)
		}
	}
	assert.Equal(t, 15, n)
}

func mvnGoldenCase(name string) bool {
	return strings.HasPrefix(name, "mvn/") || strings.HasPrefix(name, "errors/mvn-") ||
		strings.HasPrefix(name, "shape_ops/mvn-") ||
		name == "kl/multivariatenormal-multivariatenormal" || name == "kl/independent-multivariatenormal"
}

func FuzzMultivariateNormal(f *testing.F) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, c := range [][7]float64{
		{1, 0, 1, 0, 0, 0, 0}, {2, 0.5, 1, 0, 1, -1, 1}, {1, 2, 1, 0, 0, 0, 2}, {1, 0.5, 1, 0.3, 0, 0, 0},
		{-1, 0, 1, 0, 0, 0, 2}, {nan, 0, 1, 0, 0, 0, 0}, {1, 0, 1, 0, nan, 0, 1}, {inf, 0, 1, 0, 1, 1, 0},
		{1e-300, 0, 1e300, 0, 1, 1, 2}, {1, 1, 1, 0, 0, 0, 0}, {1, 0, 1, 0, inf, -inf, 1}, {0, 0, 0, 0, 0, 0, 2},
	} {
		f.Add(c[0], c[1], c[2], c[3], c[4], c[5], uint8(c[6]))
	}
	f.Fuzz(func(t *testing.T, a, b, c, e, x0, x1 float64, k uint8) {
		kind := mvnKinds[int(k)%3]
		var m []float64
		if kind == "scale_tril" {
			m = []float64{a, e, b, c}
		} else {
			m = []float64{a, b, b + e, c}
		}
		loc, mt, x := f64(0.5, -0.5), sh(f64(m...), 2, 2), f64(x0, x1)
		errKind := func(err error) {
			t.Helper()
			require.True(t, errors.Is(err, distributions.ErrParam), "%v", err)
			var ce *distributions.ConstraintError
			require.ErrorAs(t, err, &ce)
			require.Equal(t, kind, ce.Name)
		}
		for _, validate := range []bool{true, false} {
			d, err := mvnNew(kind, loc, mt, distributions.WithValidation(validate))
			if err != nil {
				errKind(err)
				continue
			}
			lp, err := d.LogProb(x)
			g, gerr := d.LogProbGrad(x)
			if validate && (math.IsNaN(x0) || math.IsNaN(x1)) {
				require.ErrorIs(t, err, distributions.ErrSupport)
				require.ErrorIs(t, gerr, distributions.ErrSupport)
			} else {
				require.NoError(t, err)
				require.NoError(t, gerr)
				v := data64(t, lp)[0]
				if v == v {
					close(t, []float64{v}, []float64{g.LogProb}, 1e-12, 1e-12)
				}
			}
			for _, get := range []func() (*tensor.Dense, error){d.Mean, d.Variance, d.StdDev, d.Entropy, d.Mode} {
				_, err := get()
				require.NoError(t, err)
			}
			s, err := d.Sample(rand.NewPCG(1, 2), 2)
			require.NoError(t, err)
			_, err = d.RSampleVJP(s, nil)
			require.NoError(t, err)
			if !validate {
				continue
			}
			// validated: a well-scaled, well-conditioned Σ scores like
			// gonum. Σ is what torch reads: a covariance's lower triangle,
			// the inverse of a precision's upper triangle, LLᵀ.
			if slices.ContainsFunc(append(slices.Clone(m), x0, x1), func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }) {
				continue
			}
			var s2 []float64
			switch kind {
			case "covariance_matrix":
				s2 = []float64{m[0], m[2], m[2], m[3]}
			case "precision_matrix":
				var pc mat.Cholesky
				inv := mat.NewSymDense(2, nil)
				if !pc.Factorize(mvnSym([]float64{m[0], m[1], m[1], m[3]}, 2)) || pc.InverseTo(inv) != nil {
					continue
				}
				s2 = []float64{inv.At(0, 0), inv.At(0, 1), inv.At(1, 0), inv.At(1, 1)}
			default:
				s2 = mvnGramRef([]float64{m[0], 0, m[2], m[3]}, 2)
			}
			var pd mat.Cholesky
			if !pd.Factorize(mvnSym(s2, 2)) || pd.Cond() > 1e6 || !(s2[0] < 1e100 && s2[3] < 1e100 && s2[0] > 1e-100 && s2[3] > 1e-100) ||
				math.Abs(x0) > 1e50 || math.Abs(x1) > 1e50 {
				continue
			}
			want := mvnGonum(t, []float64{0.5, -0.5}, s2).LogProb([]float64{x0, x1})
			got := data64(t, lp)[0]
			// both round O(1) terms of size |log p| and the condition number
			// amplifies the solve: 1e-9 relative at cond ≤ 1e6
			close(t, []float64{want}, []float64{got}, 1e-9, 1e-9)
		}
	})
}

func ExampleMultivariateNormal_LogProb() {
	loc, err := tensor.New([]float64{0, 1}, 2)
	if err != nil {
		log.Fatal(err)
	}
	cov, err := tensor.New([]float64{2, 0.5, 0.5, 1}, 2, 2)
	if err != nil {
		log.Fatal(err)
	}
	d, err := distributions.NewMultivariateNormal(loc, cov)
	if err != nil {
		log.Fatal(err)
	}
	x, err := tensor.New([]float64{0, 1, 1, 0, -1, 2}, 3, 2) // three points
	if err != nil {
		log.Fatal(err)
	}
	lp, err := d.LogProb(x)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(d.BatchShape(), d.EventShape(), lp.Shape())
	// by hand: det Σ = 1.75, log p(μ) = -log 2π - ½log 1.75, and
	// (x-μ)ᵀΣ⁻¹(x-μ) = 4/1.75 for both (1, 0) and (-1, 2)
	fmt.Printf("%.4f\n", lp.Float64s())
	// Output:
	// [] [2] (3)
	// [-2.1177 -3.2605 -3.2605]
}
