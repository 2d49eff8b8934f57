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

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Wishart's tests. The oracles are gonum's mat (Cholesky of Σ, LU
// log-determinant of X, solves) with Go's math.Lgamma and gonum's digamma
// (wishartRef), gonum's chi-square distribution for the sampling tests, and
// mpmath at 50 digits from the exact binary inputs (wishartMpmath); never
// the engine's own output.

var (
	_ distributions.Distribution   = (*distributions.Wishart)(nil)
	_ distributions.RSampler       = (*distributions.Wishart)(nil)
	_ distributions.PathwiseGrader = (*distributions.Wishart)(nil)
	_ distributions.LogProbGrader  = (*distributions.Wishart)(nil)
	_ distributions.LogProbIntoer  = (*distributions.Wishart)(nil)
	_ distributions.Expander       = (*distributions.Wishart)(nil)
	_ distributions.Parameterised  = (*distributions.Wishart)(nil)
	_ distributions.Meaner         = (*distributions.Wishart)(nil)
	_ distributions.Variancer      = (*distributions.Wishart)(nil)
	_ distributions.StdDever       = (*distributions.Wishart)(nil)
	_ distributions.Moder          = (*distributions.Wishart)(nil)
	_ distributions.Entropier      = (*distributions.Wishart)(nil)
)

var wishartKinds = []string{"covariance_matrix", "precision_matrix", "scale_tril"}

func wishartNew(kind string, df, m *tensor.Dense, opts ...distributions.Option) (*distributions.Wishart, error) {
	switch kind {
	case "covariance_matrix":
		return distributions.NewWishart(df, m, opts...)
	case "precision_matrix":
		return distributions.NewWishartPrecision(df, m, opts...)
	case "scale_tril":
		return distributions.NewWishartScaleTril(df, m, opts...)
	}
	panic("wishartNew: " + kind)
}

// wishartSPD returns A·Aᵀ/p + I·c with A ~ N(0, 1): a well-conditioned SPD
// matrix.
func wishartSPD(r *rand.Rand, p int, c float64) []float64 {
	a := make([]float64, p*p)
	for i := range a {
		a[i] = r.NormFloat64()
	}
	s := make([]float64, p*p)
	for i := range p {
		for j := range p {
			var v float64
			for k := range p {
				v += a[i*p+k] * a[j*p+k]
			}
			s[i*p+j] = v / float64(p)
		}
		s[i*p+i] += c
	}
	return s
}

// wishartChol returns gonum's lower Cholesky factor of the SPD s.
func wishartChol(t testing.TB, s []float64, p int) []float64 {
	t.Helper()
	var c mat.Cholesky
	require.True(t, c.Factorize(mat.NewSymDense(p, slices.Clone(s))), "not positive definite")
	var l mat.TriDense
	c.LTo(&l)
	out := make([]float64, p*p)
	for i := range p {
		for j := 0; j <= i; j++ {
			out[i*p+j] = l.At(i, j)
		}
	}
	return out
}

// wishartInv returns gonum's inverse of the SPD s.
func wishartInv(t testing.TB, s []float64, p int) []float64 {
	t.Helper()
	var c mat.Cholesky
	require.True(t, c.Factorize(mat.NewSymDense(p, slices.Clone(s))), "not positive definite")
	var inv mat.SymDense
	require.NoError(t, c.InverseTo(&inv))
	out := make([]float64, p*p)
	for i := range p {
		for j := range p {
			out[i*p+j] = inv.At(i, j)
		}
	}
	return out
}

// wishartGram returns l·lᵀ for the lower triangle of l.
func wishartGram(l []float64, p int) []float64 {
	s := make([]float64, p*p)
	for i := range p {
		for j := range p {
			var v float64
			for k := 0; k <= min(i, j); k++ {
				v += l[i*p+k] * l[j*p+k]
			}
			s[i*p+j] = v
		}
	}
	return s
}

// wishartScaleOf returns Σ for a matrix of the given kind: a covariance's
// lower triangle mirrored (what the engine factors), a precision's
// inverse, LLᵀ.
func wishartScaleOf(t testing.TB, kind string, m []float64, p int) []float64 {
	switch kind {
	case "precision_matrix":
		return wishartInv(t, m, p)
	case "scale_tril":
		return wishartGram(m, p)
	}
	s := slices.Clone(m)
	for i := range p {
		for j := range i {
			s[j*p+i] = s[i*p+j]
		}
	}
	return s
}

// wishartParamOf returns the matrix of the given kind for scale Σ.
func wishartParamOf(t testing.TB, kind string, s []float64, p int) []float64 {
	switch kind {
	case "precision_matrix":
		return wishartInv(t, s, p)
	case "scale_tril":
		return wishartChol(t, s, p)
	}
	return s
}

// wishartMvlgamma is log Γ_p(a) by Go's math.Lgamma.
func wishartMvlgamma(a float64, p int) float64 {
	s := float64(p*(p-1)) / 4 * math.Log(math.Pi)
	for i := range p {
		lg, _ := math.Lgamma(a - float64(i)/2)
		s += lg
	}
	return s
}

// wishartRef is log p(X) by gonum: Σ's Cholesky for log det Σ and
// Σ⁻¹X, X's LU for log |det X| (X need not be symmetric or definite).
func wishartRef(t testing.TB, nu float64, s, x []float64, p int) float64 {
	t.Helper()
	var c mat.Cholesky
	require.True(t, c.Factorize(mat.NewSymDense(p, slices.Clone(s))), "not positive definite")
	var sx mat.Dense
	require.NoError(t, c.SolveTo(&sx, mat.NewDense(p, p, slices.Clone(x))))
	ldx, _ := mat.LogDet(mat.NewDense(p, p, slices.Clone(x)))
	fp := float64(p)
	return -nu*fp/2*math.Ln2 - nu/2*c.LogDet() - wishartMvlgamma(nu/2, p) + (nu-fp-1)/2*ldx - mat.Trace(&sx)/2
}

// wishartValue returns a well-conditioned SPD matrix to score.
func wishartValue(r *rand.Rand, p int) []float64 { return wishartSPD(r, p, 0.5+r.Float64()) }

// wishartMpmath: mpmath (dps 50) of log p and the entropy from the exact
// binary inputs; log p(X) for an X with det X < 0 is the real part (torch's
// slogdet takes log |det X|).
var wishartMpmath = []struct {
	kind    string
	df      float64
	m       []float64
	xs      [][]float64
	lp      []float64
	entropy float64
}{
	{"covariance_matrix", 4.5, []float64{2, 0.3, -0.4, 0.3, 1, 0.2, -0.4, 0.2, 1.5},
		[][]float64{{3, 0.5, 0.1, 0.5, 2, -0.3, 0.1, -0.3, 4}, {1, 0, 0, 0, 1, 0, 0, 0, 1}, {10, -2, 1, -2, 5, 0.5, 1, 0.5, 0.2}},
		[]float64{-11.09735334411971320099333, -9.672834807548221500492316, -14.91988932023234467003344}, 14.31328718622574341335214},
	{"precision_matrix", 3.2, []float64{1.5, 0.2, -0.3, 0.2, 0.8, 0.1, -0.3, 0.1, 2},
		[][]float64{{3, 0.5, 0.1, 0.5, 2, -0.3, 0.1, -0.3, 4}}, []float64{-12.34183226625863267556038}, 8.580501792809514711216041},
	{"scale_tril", 7.5, []float64{1.3, 0, 0, 0.4, 0.9, 0, -0.6, 0.2, 0.7},
		[][]float64{{3, 0.5, 0.1, 0.5, 2, -0.3, 0.1, -0.3, 4}}, []float64{-12.72630689526938942635348}, 13.94287399008761738074615},
}

func TestWishartMpmath(t *testing.T) {
	t.Parallel()
	for _, c := range wishartMpmath {
		t.Run(c.kind, func(t *testing.T) {
			t.Parallel()
			// the unvalidated case scores an indefinite X by LU, as torch
			d := must(wishartNew(c.kind, s64(c.df), sh(f64(c.m...), 3, 3), distributions.WithValidation(false)))
			var xs []float64
			for _, x := range c.xs {
				xs = append(xs, x...)
			}
			lp := must(d.LogProb(must(tensor.New(xs, len(c.xs), 3, 3))))
			// measured ≤ 3e-16, the LU path included
			close(t, c.lp, data64(t, lp), 5e-15, 0)
			close(t, []float64{c.entropy}, data64(t, must(d.Entropy())), 5e-15, 0)
			g := must(d.LogProbGrad(must(tensor.New(slices.Clone(xs), len(c.xs), 3, 3))))
			close(t, []float64{sumOf(c.lp)}, []float64{g.LogProb}, 5e-15, 0)
		})
	}
}

func sumOf(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s
}

// wishartCase is a batch: df (db), matrices (mb + (p, p)) and values
// (xb + (p, p)).
type wishartCase struct {
	kind       string
	p          int
	db, mb, xb []int
	df, m, x   []float64
}

func wishartFill(t testing.TB, kind string, p int, db, mb, xb []int, seed uint64) wishartCase {
	r := rand.New(rand.NewPCG(seed, 7))
	c := wishartCase{kind: kind, p: p, db: db, mb: mb, xb: xb}
	for range sizeOf(db) {
		c.df = append(c.df, float64(p)-1+0.2+4*r.Float64())
	}
	for range sizeOf(mb) {
		s := wishartSPD(r, p, 0.5)
		c.m = append(c.m, wishartParamOf(t, kind, s, p)...)
	}
	for range sizeOf(xb) {
		c.x = append(c.x, wishartValue(r, p)...)
	}
	return c
}

func (c wishartCase) out(t testing.TB) []int {
	out, err := shape.Broadcast(c.xb, c.db, c.mb)
	require.NoError(t, err)
	return out
}

func (c wishartCase) dist(t testing.TB, opts ...distributions.Option) *distributions.Wishart {
	t.Helper()
	d, err := wishartNew(c.kind, must(tensor.New(slices.Clone(c.df), c.db...)),
		must(tensor.New(slices.Clone(c.m), shape.Concat(c.mb, []int{c.p, c.p})...)), opts...)
	require.NoError(t, err)
	return d
}

func (c wishartCase) value() *tensor.Dense {
	return must(tensor.New(slices.Clone(c.x), shape.Concat(c.xb, []int{c.p, c.p})...))
}

// ref returns Σ w·log p over the broadcast output by gonum and the values.
func (c wishartCase) ref(t testing.TB, x, df, m, weights []float64) (float64, []float64) {
	t.Helper()
	p, out := c.p, c.out(t)
	pp := p * p
	xi, di, mi := lowRankIndex(c.xb, out), lowRankIndex(c.db, out), lowRankIndex(c.mb, out)
	vals := make([]float64, len(xi))
	var sum float64
	for e := range xi {
		s := wishartScaleOf(t, c.kind, m[mi[e]*pp:(mi[e]+1)*pp], p)
		vals[e] = wishartRef(t, df[di[e]], s, x[xi[e]*pp:(xi[e]+1)*pp], p)
		we := 1.0
		if weights != nil {
			we = weights[e]
		}
		sum += we * vals[e]
	}
	return sum, vals
}

var wishartLayouts = []struct {
	name       string
	p          int
	db, mb, xb []int
}{
	{"scalar", 3, nil, nil, nil},
	{"all broadcast", 3, []int{2, 1}, []int{3}, []int{4, 1, 1}},
	{"df batch, shared matrix", 2, []int{5}, nil, []int{5}},
	{"per-event", 4, []int{3}, []int{3}, []int{3}},
	{"1×1", 1, []int{2}, []int{2}, nil},
}

func TestWishartLogProbAgainstGonum(t *testing.T) {
	t.Parallel()
	for ki, kind := range wishartKinds {
		for li, l := range wishartLayouts {
			t.Run(kind+"/"+l.name, func(t *testing.T) {
				t.Parallel()
				c := wishartFill(t, kind, l.p, l.db, l.mb, l.xb, uint64(10*ki+li))
				d := c.dist(t)
				lp := must(d.LogProb(c.value()))
				require.Equal(t, c.out(t), shapeOf(lp))
				_, want := c.ref(t, c.x, c.df, c.m, nil)
				// measured ≤ 5e-16
				close(t, want, data64(t, lp), 1e-13, 1e-13)
				b, _ := shape.Broadcast(l.db, l.mb)
				assert.Equal(t, b, d.BatchShape())
				assert.Equal(t, []int{l.p, l.p}, d.EventShape())
			})
		}
	}
}

func TestWishartErrors(t *testing.T) {
	t.Parallel()
	eye := sh(f64(1, 0, 0, 1), 2, 2)
	nan := math.NaN()
	tests := []struct {
		name     string
		kind     string
		df, m    *tensor.Dense
		validate bool
		want     error
		param    string
		index    []int
	}{
		{name: "nil df", kind: "covariance_matrix", df: nil, m: eye, validate: true, want: distributions.ErrParam},
		{name: "dtypes differ", kind: "covariance_matrix", df: s32(3), m: eye, validate: true, want: distributions.ErrDType},
		{name: "vector matrix", kind: "covariance_matrix", df: s64(3), m: f64(1, 1), validate: true, want: distributions.ErrShape},
		{name: "not square", kind: "scale_tril", df: s64(3), m: sh(f64(1, 0, 0, 1, 0, 0), 2, 3), validate: true, want: distributions.ErrShape},
		{name: "batches", kind: "covariance_matrix", df: f64(3, 3, 3), m: sh(f64(1, 0, 0, 1, 1, 0, 0, 1), 2, 2, 2), validate: true, want: distributions.ErrShape},
		{name: "df = p-1", kind: "covariance_matrix", df: f64(3, 1), m: eye, validate: true, want: distributions.ErrParam, param: "df", index: []int{1}},
		{name: "df too small, unvalidated too", kind: "scale_tril", df: f64(0.5), m: eye, validate: false, want: distributions.ErrParam, param: "df", index: []int{0}},
		{name: "NaN df", kind: "precision_matrix", df: s64(nan), m: eye, validate: true, want: distributions.ErrParam, param: "df", index: []int{}},
		{name: "covariance not symmetric", kind: "covariance_matrix", df: s64(3), m: sh(f64(1, 0.5, 0, 1), 2, 2), validate: true, want: distributions.ErrParam, param: "covariance_matrix", index: []int{0, 1}},
		{name: "covariance not positive definite", kind: "covariance_matrix", df: s64(3), m: sh(f64(1, 2, 2, 1), 2, 2), validate: true, want: distributions.ErrParam, param: "covariance_matrix", index: []int{1, 1}},
		{name: "covariance not PD, unvalidated", kind: "covariance_matrix", df: s64(3), m: sh(f64(1, 0, 0, 1, 1, 2, 2, 1), 2, 2, 2), validate: false, want: distributions.ErrParam, param: "covariance_matrix", index: []int{1, 1, 1}},
		{name: "precision not PD, unvalidated", kind: "precision_matrix", df: s64(3), m: sh(f64(-1, 0, 0, 1), 2, 2), validate: false, want: distributions.ErrParam, param: "precision_matrix", index: []int{0, 0}},
		{name: "scale_tril upper entry", kind: "scale_tril", df: s64(3), m: sh(f64(1, 0.1, 0, 1), 2, 2), validate: true, want: distributions.ErrParam, param: "scale_tril", index: []int{0, 1}},
		{name: "scale_tril diagonal", kind: "scale_tril", df: s64(3), m: sh(f64(1, 0, 0, 0), 2, 2), validate: true, want: distributions.ErrParam, param: "scale_tril", index: []int{1, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := wishartNew(tc.kind, tc.df, tc.m, distributions.WithValidation(tc.validate))
			require.ErrorIs(t, err, tc.want)
			var ce *distributions.ConstraintError
			if tc.param == "" {
				require.False(t, errors.As(err, &ce), "%v", err)
				return
			}
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, "wishart", ce.Family)
			assert.Equal(t, tc.param, ce.Name)
			assert.Equal(t, tc.index, ce.Index)
			assert.Contains(t, err.Error(), tc.param)
		})
	}
	t.Run("unvalidated: NaN df and an asymmetric covariance build", func(t *testing.T) {
		t.Parallel()
		d, err := distributions.NewWishart(s64(nan), eye, distributions.WithValidation(false))
		require.NoError(t, err)
		assert.True(t, math.IsNaN(data64(t, must(d.LogProb(eye)))[0]))
		// only the lower triangle is read, as torch's cholesky reads it
		a := must(distributions.NewWishart(s64(3), sh(f64(2, 100, 0.5, 1), 2, 2), distributions.WithValidation(false)))
		b := must(distributions.NewWishart(s64(3), sh(f64(2, 0.5, 0.5, 1), 2, 2)))
		x := sh(f64(1, 0.2, 0.2, 3), 2, 2)
		assert.Equal(t, data64(t, must(b.LogProb(x))), data64(t, must(a.LogProb(x))))
	})
	t.Run("values", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewWishart(f64(3, 4), eye))
		for _, c := range []struct {
			name  string
			x     tensor.Value
			want  error
			index []int
		}{
			{"nil", nil, distributions.ErrShape, nil},
			{"vector", f64(1, 0, 0, 1), distributions.ErrShape, nil},
			{"wrong size", sh(f64(1, 0, 0, 0, 1, 0, 0, 0, 1), 3, 3), distributions.ErrShape, nil},
			{"batch", must(tensor.Zeros[float64](3, 2, 2)), distributions.ErrShape, nil},
			{"dtype", to32(eye), distributions.ErrDType, nil},
			{"indefinite", sh(f64(1, 2, 2, 1), 2, 2), distributions.ErrSupport, []int{1, 1}},
			{"asymmetric", sh(f64(1, 0, 0, 1, 1, 0.5, 0, 1), 2, 2, 2), distributions.ErrSupport, []int{1, 0, 1}},
			{"NaN", sh(f64(1, 0, 0, nan), 2, 2), distributions.ErrSupport, []int{1, 1}},
		} {
			_, err := d.LogProb(c.x)
			require.ErrorIs(t, err, c.want, c.name)
			_, err = d.LogProbGrad(c.x)
			require.ErrorIs(t, err, c.want, c.name)
			require.ErrorIs(t, d.LogProbInto(must(tensor.Zeros[float64](2)), c.x), c.want, c.name)
			if c.index != nil {
				var ce *distributions.ConstraintError
				require.ErrorAs(t, err, &ce)
				assert.Equal(t, c.index, ce.Index, c.name)
				assert.Equal(t, "value", ce.Name)
			}
		}
		// unvalidated, an indefinite X is scored with log |det X| (torch's slogdet)
		u := must(distributions.NewWishart(s64(4.5), eye, distributions.WithValidation(false)))
		x := []float64{1, 2, 2, 1} // det -3
		want := wishartRef(t, 4.5, []float64{1, 0, 0, 1}, x, 2)
		close(t, []float64{want}, data64(t, must(u.LogProb(sh(f64(x...), 2, 2)))), 1e-14, 0)
		// a singular X: log |det X| = -Inf, times (ν-p-1)/2 > 0
		assert.Equal(t, math.Inf(-1), data64(t, must(u.LogProb(sh(f64(1, 1, 1, 1), 2, 2))))[0])
	})
}

func TestWishartMoments(t *testing.T) {
	t.Parallel()
	const p = 3
	for ki, kind := range wishartKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			// df (2, 1) with 3 matrices: batch (2, 3); df[0] < p+1: NaN mode
			c := wishartFill(t, kind, p, []int{2, 1}, []int{3}, nil, uint64(40+ki))
			c.df = []float64{3.5, 6.25}
			d := c.dist(t)
			mean, mode, vr, sd, h := must(d.Mean()), must(d.Mode()), must(d.Variance()), must(d.StdDev()), must(d.Entropy())
			cov, prec, tril := d.CovarianceMatrix(), d.PrecisionMatrix(), d.ScaleTril()
			for _, v := range []*tensor.Dense{mean, mode, vr, sd, cov, prec, tril} {
				assert.Equal(t, []int{2, 3, p, p}, shapeOf(v))
			}
			assert.Equal(t, []int{2, 3}, shapeOf(h))
			for b := range 6 {
				nu := c.df[b/3]
				mk := c.m[(b%3)*p*p : (b%3+1)*p*p]
				s := wishartScaleOf(t, kind, mk, p)
				at := func(v *tensor.Dense) []float64 { return data64(t, v)[b*p*p : (b+1)*p*p] }
				wm, wmo, wv, wsd := make([]float64, p*p), make([]float64, p*p), make([]float64, p*p), make([]float64, p*p)
				for i := range p {
					for j := range p {
						wm[i*p+j] = nu * s[i*p+j]
						wmo[i*p+j] = math.NaN()
						if nu > p+1 {
							wmo[i*p+j] = (nu - p - 1) * s[i*p+j]
						}
						wv[i*p+j] = nu * (s[i*p+j]*s[i*p+j] + s[i*p+i]*s[j*p+j])
						wsd[i*p+j] = math.Sqrt(wv[i*p+j])
					}
				}
				// Σ from gonum's inverse or product against the engine's
				// factor: measured ≤ 8e-16
				close(t, wm, at(mean), 1e-14, 1e-14)
				close(t, wmo, at(mode), 1e-14, 1e-14)
				close(t, wv, at(vr), 1e-14, 1e-14)
				close(t, wsd, at(sd), 1e-14, 1e-14)
				close(t, s, at(cov), 1e-14, 1e-14)
				close(t, wishartInv(t, s, p), at(prec), 1e-13, 1e-14)
				close(t, wishartChol(t, s, p), at(tril), 1e-14, 1e-14)
				// entropy = -E log p; its closed form against
				// E log|X| = log|Σ| + p log 2 + Σψ((ν-i)/2) and E tr(Σ⁻¹X) = νp
				// (Muirhead §3.2), with the tests' own digamma
				var psi float64
				for i := range p {
					psi += wishartDigamma((nu - float64(i)) / 2)
				}
				var ch mat.Cholesky
				require.True(t, ch.Factorize(mat.NewSymDense(p, slices.Clone(s))))
				eld := ch.LogDet() + p*math.Ln2 + psi
				wantH := nu*p/2*math.Ln2 + nu/2*ch.LogDet() + wishartMvlgamma(nu/2, p) - (nu-p-1)/2*eld + nu*p/2
				close(t, []float64{wantH}, data64(t, h)[b:b+1], 1e-13, 0)
			}
			ps := d.Params()
			assert.Len(t, ps, 2)
			assert.Same(t, d.DF(), ps["df"])
			assert.Contains(t, fmt.Sprint(d), "Wishart(batch_shape=(2, 3), event_shape=(3, 3), "+kind)
		})
	}
}

func TestWishartExpandAndInto(t *testing.T) {
	t.Parallel()
	c := wishartFill(t, "scale_tril", 2, []int{2, 1}, nil, []int{5, 1, 1}, 50)
	d := c.dist(t)
	e, err := distributions.Expand(d, []int{4, 2, 3})
	require.NoError(t, err)
	ed, ok := e.(*distributions.Wishart)
	require.True(t, ok, "native expand keeps the family")
	assert.Equal(t, []int{4, 2, 3}, ed.BatchShape())
	assert.Same(t, d.DF(), ed.DF())
	x := must(tensor.New(slices.Clone(c.x[:4]), 2, 2))
	lp, base := data64(t, must(ed.LogProb(x))), data64(t, must(d.LogProb(x)))
	require.Len(t, lp, 24)
	for i, v := range lp {
		assert.Equal(t, base[(i/3)%2], v)
	}
	assert.Len(t, data64(t, must(ed.Entropy())), 24)
	assert.Equal(t, []int{4, 2, 3, 2, 2}, shapeOf(must(ed.Sample(rand.NewPCG(1, 1)))))
	_, err = distributions.Expand(d, []int{3, 3})
	require.ErrorIs(t, err, distributions.ErrShape)

	xs := c.value() // (5, 1, 1, 2, 2)
	dst := must(tensor.Zeros[float64](5, 2, 1))
	require.NoError(t, d.LogProbInto(dst, xs))
	assert.Equal(t, data64(t, must(d.LogProb(xs))), data64(t, dst))
	require.ErrorIs(t, d.LogProbInto(must(tensor.Zeros[float64](5, 2)), xs), distributions.ErrShape)
	require.ErrorIs(t, d.LogProbInto(nil, xs), distributions.ErrShape)
	d32 := must(distributions.NewWishartScaleTril(to32(d.DF()), to32(sh(f64(c.m...), 2, 2))))
	dst32 := must(tensor.Zeros[float32](5, 2, 1))
	require.NoError(t, d32.LogProbInto(dst32, to32(xs)))
	assert.Equal(t, data64(t, must(d32.LogProb(to32(xs)))), data64(t, dst32))
}

// wishartFree lists the free entries of a matrix parameter: its lower
// triangle; a covariance or precision entry moves with its mirror.
func wishartFree(p int) [][2]int {
	var out [][2]int
	for i := range p {
		for j := 0; j <= i; j++ {
			out = append(out, [2]int{i, j})
		}
	}
	return out
}

// wishartMatrixFD compares a matrix gradient gm (flat, per matrix) with
// central differences of f over the free entries of each matrix, following
// SCHEMA.md's conventions: symmetric for a covariance or precision (a
// joint move of a_ij and a_ji changes f by 2·G_ij), lower and zero above
// for scale_tril.
func wishartMatrixFD(t *testing.T, kind string, p int, m, gm []float64, f func([]float64) float64, tol float64) {
	t.Helper()
	pp := p * p
	free := wishartFree(p)
	for b := range len(m) / pp {
		theta := make([]float64, len(free))
		for k, ij := range free {
			theta[k] = m[b*pp+ij[0]*p+ij[1]]
		}
		want := centralDiff(func(th []float64) float64 {
			mm := slices.Clone(m)
			for k, ij := range free {
				mm[b*pp+ij[0]*p+ij[1]] = th[k]
				if kind != "scale_tril" {
					mm[b*pp+ij[1]*p+ij[0]] = th[k]
				}
			}
			return f(mm)
		}, theta, 1e-5)
		got := make([]float64, len(free))
		for k, ij := range free {
			got[k] = gm[b*pp+ij[0]*p+ij[1]]
			if ij[0] != ij[1] {
				if kind == "scale_tril" {
					assert.Zero(t, gm[b*pp+ij[1]*p+ij[0]], "upper entries are not parameters")
				} else {
					assert.InDelta(t, gm[b*pp+ij[0]*p+ij[1]], gm[b*pp+ij[1]*p+ij[0]], 1e-14*math.Abs(got[k]), "symmetric")
					got[k] *= 2
				}
			}
		}
		assert.Less(t, maxRelErr(want, got, 1), tol, "matrix %d: %v vs %v", b, got, want)
	}
}

func TestWishartLogProbGrad(t *testing.T) {
	t.Parallel()
	for ki, kind := range wishartKinds {
		for li, l := range wishartLayouts {
			t.Run(kind+"/"+l.name, func(t *testing.T) {
				t.Parallel()
				c := wishartFill(t, kind, l.p, l.db, l.mb, l.xb, uint64(60+10*ki+li))
				d := c.dist(t)
				out := c.out(t)
				r := rand.New(rand.NewPCG(61, uint64(li)))
				wts := make([]float64, sizeOf(out))
				for i := range wts {
					wts[i] = r.Float64() + 0.5
				}
				if len(wts) > 1 {
					wts[1] = 0
				}
				g, err := d.LogProbVJP(c.value(), must(tensor.New(slices.Clone(wts), out...)))
				require.NoError(t, err)
				sum, _ := c.ref(t, c.x, c.df, c.m, wts)
				close(t, []float64{sum}, []float64{g.LogProb}, 1e-13, 1e-13)
				f := func(x, df, m []float64) float64 {
					s, _ := c.ref(t, x, df, m, wts)
					return s
				}
				// every entry of X moves alone: the gradient is ∂/∂X_ij of the
				// full-matrix formula (LU log-determinant, as torch's slogdet)
				wantX := centralDiff(func(v []float64) float64 { return f(v, c.df, c.m) }, c.x, 1e-5)
				assert.Less(t, maxRelErr(wantX, data64(t, g.Value), 1), 1e-7, "value")
				assert.Equal(t, shape.Concat(c.xb, []int{l.p, l.p}), shapeOf(g.Value))
				wantDF := centralDiff(func(v []float64) float64 { return f(c.x, v, c.m) }, c.df, 1e-5)
				assert.Less(t, maxRelErr(wantDF, data64(t, g.Params["df"]), 1), 1e-7, "df: %v vs %v", data64(t, g.Params["df"]), wantDF)
				assert.Equal(t, append([]int{}, c.db...), shapeOf(g.Params["df"]))
				gm := g.Params[kind]
				require.NotNil(t, gm)
				assert.Equal(t, shape.Concat(c.mb, []int{l.p, l.p}), shapeOf(gm))
				wishartMatrixFD(t, kind, l.p, c.m, data64(t, gm), func(m []float64) float64 { return f(c.x, c.df, m) }, 1e-7)
			})
		}
	}
	t.Run("a weight of 0 adds nothing", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewWishart(s64(4), sh(f64(1, 0, 0, 1), 2, 2), distributions.WithValidation(false)))
		x := sh(f64(1, 1, 1, 1, 2, 0, 0, 2), 2, 2, 2) // the first is singular: log p = -Inf
		g, err := d.LogProbVJP(x, f64(0, 1))
		require.NoError(t, err)
		requireFinite(t, []float64{g.LogProb})
		requireFinite(t, data64(t, g.Params["df"]))
		requireFinite(t, data64(t, g.Params["covariance_matrix"]))
		requireFinite(t, data64(t, g.Value))
		_, err = d.LogProbVJP(x, f32(0, 1))
		require.ErrorIs(t, err, distributions.ErrDType)
		_, err = d.LogProbVJP(x, f64(0, 1, 2))
		require.ErrorIs(t, err, distributions.ErrShape)
	})
}

// wishartBartlett recovers the Bartlett factor A of a draw X = (LA)(LA)ᵀ
// with gonum: A = chol(L⁻¹XL⁻ᵀ).
func wishartBartlett(t testing.TB, l, x []float64, p int) []float64 {
	t.Helper()
	lt := mat.NewTriDense(p, mat.Lower, slices.Clone(l))
	var y1, y mat.Dense
	require.NoError(t, y1.Solve(lt, mat.NewDense(p, p, slices.Clone(x)))) // L⁻¹X
	var y1t mat.Dense
	y1t.CloneFrom(y1.T())
	require.NoError(t, y.Solve(lt, &y1t)) // L⁻¹(L⁻¹X)ᵀ = L⁻¹XL⁻ᵀ (X symmetric)
	ys := make([]float64, p*p)
	for i := range p {
		for j := range p {
			ys[i*p+j] = (y.At(i, j) + y.At(j, i)) / 2
		}
	}
	return wishartChol(t, ys, p)
}

// TestWishartRSampleVJP checks the gradient of Σ G⊙X over draws X =
// L(θ)A(ν)A(ν)ᵀL(θ)ᵀ against central differences with the noise held
// fixed: the normals below A's diagonal, and the chi-square uniforms
// u_i = F_χ²(ν-i)(A_ii²), so that A_ii(ν) = √Q_χ²(ν-i)(u_i) (gonum's
// chi-square CDF and quantile), as an implicit reparameterisation does.
func TestWishartRSampleVJP(t *testing.T) {
	t.Parallel()
	const p = 3
	pp := p * p
	for ki, kind := range wishartKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			c := wishartFill(t, kind, p, []int{2, 1}, []int{3}, nil, uint64(70+ki))
			c.df = []float64{2.7, 5.5}
			d := c.dist(t)
			x, err := d.RSample(rand.NewPCG(71, 72), 2) // (2, 2, 3, p, p)
			require.NoError(t, err)
			xs := data64(t, x)
			r := rand.New(rand.NewPCG(73, uint64(ki)))
			g := make([]float64, len(xs))
			for i := range g {
				g[i] = r.NormFloat64()
			}
			got, err := d.RSampleVJP(x, must(tensor.New(slices.Clone(g), 2, 2, 3, p, p)))
			require.NoError(t, err)
			events := len(xs) / pp
			as, us := make([][]float64, events), make([][]float64, events)
			for e := range events {
				b := e % 6
				s := wishartScaleOf(t, kind, c.m[(b%3)*pp:(b%3+1)*pp], p)
				as[e] = wishartBartlett(t, wishartChol(t, s, p), xs[e*pp:(e+1)*pp], p)
				us[e] = make([]float64, p)
				for i := range p {
					us[e][i] = distuv.ChiSquared{K: c.df[b/3] - float64(i)}.CDF(as[e][i*p+i] * as[e][i*p+i])
				}
			}
			f := func(df, m []float64) float64 {
				var sum float64
				for e := range events {
					b := e % 6
					l := wishartChol(t, wishartScaleOf(t, kind, m[(b%3)*pp:(b%3+1)*pp], p), p)
					a := slices.Clone(as[e])
					for i := range p {
						a[i*p+i] = math.Sqrt(distuv.ChiSquared{K: df[b/3] - float64(i)}.Quantile(us[e][i]))
					}
					la := make([]float64, pp)
					for i := range p {
						for j := range p {
							for k := range p {
								la[i*p+j] += l[i*p+k] * a[k*p+j]
							}
						}
					}
					for i := range p {
						for j := range p {
							var v float64
							for k := range p {
								v += la[i*p+k] * la[j*p+k]
							}
							sum += g[e*pp+i*p+j] * v
						}
					}
				}
				return sum
			}
			// the quantile round trip costs gonum's inversion accuracy over
			// the step: measured ≤ 6e-10
			wantDF := centralDiff(func(v []float64) float64 { return f(v, c.m) }, c.df, 1e-5)
			assert.Less(t, maxRelErr(wantDF, data64(t, got["df"]), 1), 1e-7, "df: %v vs %v", data64(t, got["df"]), wantDF)
			wishartMatrixFD(t, kind, p, c.m, data64(t, got[kind]), func(m []float64) float64 { return f(c.df, m) }, 1e-7)
		})
	}
	t.Run("unbiased in df", func(t *testing.T) {
		t.Parallel()
		// E tr X = ν tr Σ: ∂/∂ν = tr Σ, estimated over 20 chunks of draws
		const chunks, per = 20, 2000
		s := []float64{2, 0.3, 0.3, 1}
		d := must(distributions.NewWishart(s64(2.3), sh(f64(s...), 2, 2)))
		src := rand.NewPCG(80, 81)
		est := make([]float64, chunks)
		for k := range chunks {
			x := must(d.RSample(src, per))
			eye := make([]float64, per*4)
			for i := range per {
				eye[i*4], eye[i*4+3] = 1, 1
			}
			v := must(d.RSampleVJP(x, must(tensor.New(eye, per, 2, 2))))
			est[k] = data64(t, v["df"])[0] / per
		}
		var mean, sq float64
		for _, e := range est {
			mean += e / chunks
		}
		for _, e := range est {
			sq += (e - mean) * (e - mean)
		}
		se := math.Sqrt(sq / (chunks - 1) / chunks)
		assert.LessOrEqual(t, math.Abs(mean-3), 5*se, "%.4f ± %.4f, want 3", mean, se)
		assert.Less(t, se, 0.05)
	})
	t.Run("near-singular draws recover", func(t *testing.T) {
		t.Parallel()
		// ν - p + 1 = 0.05: χ²(0.05) draws below 1e-16 four times in ten,
		// and in float32 earlier pivots are lost in X's rounding too
		s := sh(f64(2, 0.6, -0.4, 0.6, 1, 0.2, -0.4, 0.2, 1.5), 3, 3)
		for _, conv := range []func(*tensor.Dense) *tensor.Dense{func(v *tensor.Dense) *tensor.Dense { return v }, to32} {
			d := must(distributions.NewWishart(conv(s64(2.05)), conv(s)))
			x := must(d.RSample(rand.NewPCG(90, 91), 20000))
			g, err := d.RSampleVJP(x, nil)
			require.NoError(t, err)
			requireFinite(t, data64(t, g["df"]))
			requireFinite(t, data64(t, g["covariance_matrix"]))
		}
	})
	t.Run("errors", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewWishart(s64(3), sh(f64(1, 0, 0, 1), 2, 2)))
		_, err := d.RSampleVJP(f64(1, 0, 0, 1), nil)
		require.ErrorIs(t, err, distributions.ErrShape)
		_, err = d.RSampleVJP(to32(sh(f64(1, 0, 0, 1), 2, 2)), nil)
		require.ErrorIs(t, err, distributions.ErrDType)
		_, err = d.RSampleVJP(sh(f64(1, 0, 0, 1), 2, 2), f64(1))
		require.ErrorIs(t, err, distributions.ErrShape)
		_, err = d.RSampleVJP(sh(f64(1, 2, 2, 1), 2, 2), nil)
		require.ErrorIs(t, err, distributions.ErrSupport, "not a draw")
		g, err := d.RSampleVJP(sh(f64(1, 0, 0, 1), 2, 2), nil)
		require.NoError(t, err)
		assert.Equal(t, []int{}, shapeOf(g["df"]))
	})
}

func TestWishartFloat32(t *testing.T) {
	t.Parallel()
	for ki, kind := range wishartKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			c := wishartFill(t, kind, 3, []int{2}, nil, []int{3, 1}, uint64(90+ki))
			d64 := c.dist(t)
			d32 := must(wishartNew(kind, to32(d64.DF()), to32(sh(f64(c.m...), 3, 3))))
			assert.Equal(t, tensor.Float32, d32.Dtype())
			x64 := c.value()
			x32 := to32(x64)
			lp32 := must(d32.LogProb(x32))
			require.Equal(t, tensor.Float32, lp32.Dtype())
			// float32 rounding of the inputs (6e-8 relative, amplified by
			// the condition numbers) and of the result: measured ≤ 4.2e-8 for
			// log p, 1.1e-6 for the gradients
			close(t, data64(t, must(d64.LogProb(x64))), data64(t, lp32), 1e-5, 1e-5)
			for name, get := range map[string]func(*distributions.Wishart) (*tensor.Dense, error){
				"mean": (*distributions.Wishart).Mean, "variance": (*distributions.Wishart).Variance, "mode": (*distributions.Wishart).Mode,
				"stddev": (*distributions.Wishart).StdDev, "entropy": (*distributions.Wishart).Entropy,
			} {
				v32 := must(get(d32))
				require.Equal(t, tensor.Float32, v32.Dtype(), name)
				close(t, data64(t, must(get(d64))), data64(t, v32), 1e-5, 1e-5)
			}
			g64, g32 := must(d64.LogProbGrad(x64)), must(d32.LogProbGrad(x32))
			close(t, []float64{g64.LogProb}, []float64{g32.LogProb}, 1e-5, 0)
			close(t, data64(t, g64.Value), data64(t, g32.Value), 1e-5, 1e-5)
			for _, p := range []string{"df", kind} {
				require.Equal(t, tensor.Float32, g32.Params[p].Dtype())
				close(t, data64(t, g64.Params[p]), data64(t, g32.Params[p]), 1e-5, 1e-5)
			}
			s64, s32 := must(d64.Sample(rand.NewPCG(5, 6), 50)), must(d32.Sample(rand.NewPCG(5, 6), 50))
			require.Equal(t, tensor.Float32, s32.Dtype())
			close(t, data64(t, s64), data64(t, s32), 1e-6, 1e-6) // the same draws, rounded
			v64, v32 := must(d64.RSampleVJP(s64, nil)), must(d32.RSampleVJP(s32, nil))
			for _, p := range []string{"df", kind} {
				require.Equal(t, tensor.Float32, v32[p].Dtype())
				// the noise recovered from X rounded to float32: A_ii² loses
				// accuracy as y_ii/A_ii² grows; measured ≤ 5.5e-6
				close(t, data64(t, v64[p]), data64(t, v32[p]), 1e-4, 1e-5)
			}
		})
	}
}

// wishartQuadKS returns the KS p-value of aᵀXa/aᵀΣa over draws X (rows of
// p×p) against χ²(ν): for a fixed a, aᵀXa/aᵀΣa ~ χ²(ν) (Muirhead,
// Aspects of Multivariate Statistical Theory, 1982, §3.2).
func wishartQuadKS(data, a, s []float64, nu float64) float64 {
	p := len(a)
	pp := p * p
	var sa float64
	for i := range p {
		for j := range p {
			sa += a[i] * s[i*p+j] * a[j]
		}
	}
	q := make([]float64, len(data)/pp)
	for e := range q {
		var v float64
		for i := range p {
			for j := range p {
				v += a[i] * data[e*pp+i*p+j] * a[j]
			}
		}
		q[e] = v / sa
	}
	return ksPValue(ksStatistic(q, distuv.ChiSquared{K: nu}.CDF), len(q))
}

// wishartLogDetZ returns the z-score of the mean of log|X_k| over draws
// X, X_k the leading k×k block, against E log|X_k| = log|Σ_k| + k log 2 +
// Σ_{i<k} ψ((ν-i)/2), with variance Σ_{i<k} ψ'((ν-i)/2): X_k is
// Wishart(ν, Σ_k), and |X_k|/|Σ_k| = Π_i c_i with independent c_i ~
// χ²(ν-i) (Muirhead §3.2), E log c = log 2 + ψ(k/2), Var log c = ψ'(k/2).
// dfs gives the k chi-square degrees of freedom. The block must keep every
// df ≥ 1: below, χ²(df) draws reach 1e-30 and log|X| of the rounded X is
// noise.
func wishartLogDetZ(t testing.TB, data, s []float64, p, k int, dfs []float64) float64 {
	require.Len(t, dfs, k)
	pp := p * p
	block := func(m []float64) []float64 {
		b := make([]float64, 0, k*k)
		for i := range k {
			b = append(b, m[i*p:i*p+k]...)
		}
		return b
	}
	var ch mat.Cholesky
	require.True(t, ch.Factorize(mat.NewSymDense(k, block(s))))
	mean, vr := ch.LogDet()+float64(k)*math.Ln2, 0.0
	for _, df := range dfs {
		require.GreaterOrEqual(t, df, 1.0)
		mean += wishartDigamma(df / 2)
		vr += wishartTrigamma(df / 2)
	}
	var sum float64
	n := len(data) / pp
	for e := range n {
		ld, _ := mat.LogDet(mat.NewDense(k, k, block(data[e*pp:(e+1)*pp])))
		sum += ld
	}
	return (sum/float64(n) - mean) / math.Sqrt(vr/float64(n))
}

// wishartDigamma is ψ(x) for x > 0 by recurrence to x ≥ 20, then the
// asymptotic series log x - 1/(2x) - Σ B_2k/(2k·x^2k) to k = 5 (Abramowitz &
// Stegun 6.3.18), good to 1e-15 there (gonum's mathext.Digamma is good to
// about 1e-10 only: 4.4e-11 off at 3.125).
func wishartDigamma(x float64) float64 {
	var s float64
	for x < 20 {
		s -= 1 / x
		x++
	}
	x2 := 1 / (x * x)
	return s + math.Log(x) - 0.5/x - x2*(1.0/12-x2*(1.0/120-x2*(1.0/252-x2*(1.0/240-x2/132))))
}

// wishartTrigamma is ψ'(x) by its series: recurrence to x ≥ 10, then the
// asymptotic expansion 1/x + 1/(2x²) + 1/(6x³) - 1/(30x⁵) + 1/(42x⁷) - 1/(30x⁹)
// (Abramowitz & Stegun 6.4.12), good to 1e-12 there.
func wishartTrigamma(x float64) float64 {
	var s float64
	for x < 10 {
		s += 1 / (x * x)
		x++
	}
	x2 := x * x
	return s + 1/x + 1/(2*x2) + (1/(6*x)-1/(30*x*x2)+1/(42*x*x2*x2)-1/(30*x*x2*x2*x2))/x2
}

func TestWishartSampleKS(t *testing.T) {
	t.Parallel()
	const p = 3
	s := []float64{2, 0.6, -0.4, 0.6, 1, 0.2, -0.4, 0.2, 1.5}
	// the Gaussian two-sided p-value of a z-score
	pz := func(z float64) float64 { return math.Erfc(math.Abs(z) / math.Sqrt2) }
	for _, c := range []struct {
		name string
		nu   float64
		kind string
		f32  bool
	}{{"ν 2.3 (below p), covariance", 2.3, "covariance_matrix", false}, {"ν 7.5, precision", 7.5, "precision_matrix", false}, {"ν 4.2, scale_tril, float32", 4.2, "scale_tril", true}} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			m := sh(f64(wishartParamOf(t, c.kind, s, p)...), p, p)
			df := s64(c.nu)
			if c.f32 {
				m, df = to32(m), to32(df)
			}
			d := must(wishartNew(c.kind, df, m))
			x := must(d.Sample(rand.NewPCG(11, 12), nDraws))
			require.Equal(t, []int{nDraws, p, p}, shapeOf(x))
			data := data64(t, x)
			minP := 1.0
			for _, a := range lowRankProjections(p) {
				pv := wishartQuadKS(data, a, s, c.nu)
				minP = min(minP, pv)
				assert.GreaterOrEqual(t, pv, pCritical, "projection %v: p = %.3g", a, pv)
			}
			k := min(p, int(c.nu)) // the block whose dfs ν-i stay ≥ 1
			dfs := []float64{c.nu, c.nu - 1, c.nu - 2}[:k]
			z := wishartLogDetZ(t, data, s, p, k, dfs)
			assert.GreaterOrEqual(t, pz(z), pCritical, "log det: z = %.3g", z)
			t.Logf("%d projections, smallest KS p = %.3g; log det z = %.2f", len(lowRankProjections(p)), minP, z)
			if c.f32 {
				return
			}
			// power: ν + 0.3, the sign of Σ_01, and a Bartlett factor with
			// χ²(ν) on every diagonal entry are each rejected
			s2 := slices.Clone(s)
			s2[1], s2[3] = -s2[1], -s2[3]
			pw := []struct {
				name string
				p    float64
			}{
				{"ν + 0.3", wishartQuadKS(data, []float64{1, 1, 1}, s, c.nu+0.3)},
				{"Σ_01 negated", wishartQuadKS(data, []float64{1, 1, 0}, s2, c.nu)},
				{"χ²(ν) throughout", pz(wishartLogDetZ(t, data, s, p, k, []float64{c.nu, c.nu, c.nu}[:k]))},
			}
			for _, a := range pw {
				t.Logf("power, %s: p = %.3g", a.name, a.p)
				assert.Less(t, a.p, pCritical, a.name)
			}
		})
	}
	t.Run("batch of dfs and matrices", func(t *testing.T) {
		t.Parallel()
		dfs := []float64{1.5, 9}
		l := []float64{1, 0, 0.5, 2, 3, 0, -1, 0.5}
		d := must(distributions.NewWishartScaleTril(f64(dfs...), sh(f64(l...), 2, 2, 2)))
		x := must(d.Sample(rand.NewPCG(13, 14), nDraws/2))
		require.Equal(t, []int{nDraws / 2, 2, 2, 2}, shapeOf(x))
		data := data64(t, x)
		for b := range 2 {
			col := make([]float64, 0, len(data)/2)
			for i := 0; i < len(data); i += 8 {
				col = append(col, data[i+b*4:i+b*4+4]...)
			}
			sb := wishartGram(l[b*4:(b+1)*4], 2)
			for _, a := range lowRankProjections(2) {
				pv := wishartQuadKS(col, a, sb, dfs[b])
				assert.GreaterOrEqual(t, pv, pCritical, "batch %d, projection %v: p = %.3g", b, a, pv)
			}
			k := min(2, int(dfs[b]))
			z := wishartLogDetZ(t, col, sb, 2, k, []float64{dfs[b], dfs[b] - 1}[:k])
			assert.GreaterOrEqual(t, pz(z), pCritical, "batch %d, log det z = %.3g", b, z)
		}
	})
}

func TestWishartSampleShapesAndSeeds(t *testing.T) {
	t.Parallel()
	c := wishartFill(t, "covariance_matrix", 3, []int{2, 1}, []int{4}, nil, 100)
	d := c.dist(t)
	for _, cs := range []struct{ sample, want []int }{
		{nil, []int{2, 4, 3, 3}}, {[]int{5}, []int{5, 2, 4, 3, 3}}, {[]int{0}, []int{0, 2, 4, 3, 3}}, {[]int{2, 1}, []int{2, 1, 2, 4, 3, 3}},
	} {
		x := must(d.Sample(rand.NewPCG(1, 2), cs.sample...))
		assert.Equal(t, cs.want, shapeOf(x))
		y := must(d.RSample(rand.NewPCG(1, 2), cs.sample...))
		assert.Equal(t, data64(t, x), data64(t, y), "Sample is RSample")
	}
	a1, a2, a3 := must(d.Sample(rand.NewPCG(1, 2), 10)), must(d.Sample(rand.NewPCG(1, 2), 10)), must(d.Sample(rand.NewPCG(1, 3), 10))
	assert.Equal(t, data64(t, a1), data64(t, a2))
	assert.NotEqual(t, data64(t, a1), data64(t, a3))
	// every draw is exactly symmetric and positive definite (validated scoring accepts it)
	_, err := d.LogProb(a1)
	require.NoError(t, err)
	// Bartlett: with the same seed, X = L·(draw for Σ = I)·Lᵀ
	const p = 3
	l := []float64{1.2, 0, 0, -0.4, 0.8, 0, 0.3, 0.5, 1.1}
	std := must(distributions.NewWishartScaleTril(s64(4.5), sh(f64(1, 0, 0, 0, 1, 0, 0, 0, 1), p, p)))
	sc := must(distributions.NewWishartScaleTril(s64(4.5), sh(f64(l...), p, p)))
	w0, w1 := data64(t, must(std.Sample(rand.NewPCG(3, 4), 20))), data64(t, must(sc.Sample(rand.NewPCG(3, 4), 20)))
	for e := range 20 {
		x := mat.NewDense(p, p, slices.Clone(w0[e*9:(e+1)*9]))
		lm := mat.NewDense(p, p, slices.Clone(l))
		var lx, want mat.Dense
		lx.Mul(lm, x)
		want.Mul(&lx, lm.T())
		for i := range p {
			for j := range p {
				require.InDelta(t, want.At(i, j), w1[e*9+i*p+j], 1e-13*math.Max(1, math.Abs(want.At(i, j))))
			}
		}
	}
	_, err = d.Sample(nil, 3)
	require.ErrorIs(t, err, distributions.ErrNilSource)
	_, err = d.Sample(rand.NewPCG(1, 2), -1)
	require.ErrorIs(t, err, distributions.ErrShape)
	assert.True(t, distributions.HasRSample(d))
	assert.False(t, distributions.HasEnumerateSupport(d))
	// p = 1 with ν just above 0: χ²(ν) draws near 0 are clamped at eps, never 0
	tiny := must(distributions.NewWishart(s64(0.01), sh(f64(1), 1, 1)))
	for _, v := range data64(t, must(tiny.Sample(rand.NewPCG(5, 6), 1000))) {
		require.GreaterOrEqual(t, v, 0x1p-104) // (2^-52)²
	}
}

// TestWishartGOMAXPROCS: more events than tensor.ParallelMin, the same bits
// with one and two procs. It switches GOMAXPROCS, so it is not parallel.
func TestWishartGOMAXPROCS(t *testing.T) {
	const events = 140_000
	require.Greater(t, events, tensor.ParallelMin)
	d := must(distributions.NewWishart(s64(3.5), sh(f64(2, 0.3, 0.3, 1), 2, 2)))
	run := func(procs int) ([]float64, []float64) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		x := must(d.Sample(rand.NewPCG(42, 43), events))
		return data64(t, x), data64(t, must(d.LogProb(x)))
	}
	x1, lp1 := run(1)
	x2, lp2 := run(2)
	require.Len(t, x1, 4*events)
	assert.True(t, slices.Equal(x1, x2), "draws depend on GOMAXPROCS")
	assert.True(t, slices.Equal(lp1, lp2), "log_prob depends on GOMAXPROCS")
}

func TestWishartInferShapes(t *testing.T) {
	t.Parallel()
	// Pyro's generic infer_shapes raises for a support with event dims
	_, _, err := distributions.InferShapes("Wishart", map[string][]int{"df": {}, "covariance_matrix": {3, 3}})
	require.ErrorIs(t, err, distributions.ErrUnsupported)
}

// TestWishartGoldenCases runs Wishart's golden cases (wishart.json and its
// error case) through the conformance runner: every one must pass.
func TestWishartGoldenCases(t *testing.T) {
	t.Parallel()
	n := 0
	for _, c := range loadCases(t, goldenDir, "") {
		if !strings.HasPrefix(c.name, "wishart/") && !strings.HasPrefix(c.name, "errors/wishart-") {
			continue
		}
		n++
		st, reason := runCase(c)
		if st != casePassed {
			t.Errorf("%s: %s (%s)", c.name, st, reason)
		}
	}
	assert.Equal(t, 6, n)
}

// FuzzWishart: any df, 2×2 matrix and value either build and score or fail
// with the right error kind; nothing panics; a validated, well-scaled case
// scores like gonum.
func FuzzWishart(f *testing.F) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, c := range [][9]float64{
		{3, 1, 0, 1, 0, 1, 0, 1, 0}, {1.5, 2, 0.5, 1, 0.1, 2, 0.3, 1, 1}, {1, 1, 0, 1, 0, 1, 0, 1, 2}, {3, 1, 2, 1, 0, 1, 0, 1, 0},
		{nan, 1, 0, 1, 0, 1, 0, 1, 1}, {3, inf, 0, 1, 0, 1, 0, 1, 2}, {3, 1, 0, 1, 0, 1, 2, 1, 0}, {1e300, 1e-300, 0, 1e300, 0, 1, 0, 1, 0},
		{3, 1, 0, 1, 0, 1, 1, 1, 1}, {0.5, 1, 0, 1, 0, 1, 0, 1, 2}, {3, -1, 0, 1, 0, 1, 0, 1, 1},
	} {
		f.Add(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], uint8(c[8]))
	}
	f.Fuzz(func(t *testing.T, df, a, b, cc, e, x0, x1, x2 float64, k uint8) {
		kind := wishartKinds[int(k)%3]
		var m []float64
		if kind == "scale_tril" {
			m = []float64{a, e, b, cc}
		} else {
			m = []float64{a, b + e, b, cc}
		}
		x := sh(f64(x0, x1, x1, x2), 2, 2)
		for _, validate := range []bool{true, false} {
			d, err := wishartNew(kind, s64(df), sh(f64(m...), 2, 2), distributions.WithValidation(validate))
			if err != nil {
				require.ErrorIs(t, err, distributions.ErrParam)
				var ce *distributions.ConstraintError
				require.ErrorAs(t, err, &ce)
				require.Contains(t, []string{"df", kind}, ce.Name)
				continue
			}
			require.False(t, df <= 1, "df ≤ p-1 always fails")
			lp, err := d.LogProb(x)
			g, gerr := d.LogProbGrad(x)
			if err != nil {
				require.True(t, validate, "%v", err)
				require.ErrorIs(t, err, distributions.ErrSupport)
				require.ErrorIs(t, gerr, distributions.ErrSupport)
			} else {
				require.NoError(t, gerr)
				v := data64(t, lp)[0]
				if !math.IsNaN(v) && !math.IsInf(v, 0) {
					close(t, []float64{v}, []float64{g.LogProb}, 1e-12, 1e-12)
				}
			}
			for _, get := range []func() (*tensor.Dense, error){d.Mean, d.Variance, d.StdDev, d.Entropy, d.Mode} {
				_, err := get()
				require.NoError(t, err)
			}
			s, err := d.Sample(rand.NewPCG(1, 2), 2)
			require.NoError(t, err)
			if _, err := d.RSampleVJP(s, nil); err != nil {
				require.ErrorIs(t, err, distributions.ErrSupport) // a non-finite draw
			}
			if !validate || err != nil {
				continue
			}
			vals := []float64{df, a, b, cc, e, x0, x1, x2}
			if slices.ContainsFunc(vals, func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e30 }) {
				continue
			}
			if kind == "precision_matrix" { // a near-singular precision has no usable reference inverse
				var cp mat.Cholesky
				if !cp.Factorize(mat.NewSymDense(2, []float64{m[0], m[2], m[2], m[3]})) || cp.Cond() > 1e6 {
					continue
				}
			}
			sg := wishartScaleOf(t, kind, m, 2)
			var ch mat.Cholesky
			if !ch.Factorize(mat.NewSymDense(2, sg)) || ch.Cond() > 1e6 || math.Abs(sg[0]) < 1e-30 || math.Abs(sg[3]) < 1e-30 {
				continue
			}
			var cx mat.Cholesky
			if !cx.Factorize(mat.NewSymDense(2, []float64{x0, x1, x1, x2})) || cx.Cond() > 1e6 || df > 1e6 {
				continue
			}
			want := wishartRef(t, df, sg, []float64{x0, x1, x1, x2}, 2)
			// terms of size up to ν·|log det|, rounded, amplified by the
			// condition numbers: 1e-9 relative at cond ≤ 1e6
			close(t, []float64{want}, data64(t, lp), 1e-9, 1e-9*math.Max(1, df))
		}
	})
}

func ExampleWishart_LogProb() {
	df := tensor.Scalar(4.0)
	cov, _ := tensor.New([]float64{2, 0.5, 0.5, 1}, 2, 2)
	d, err := distributions.NewWishart(df, cov)
	if err != nil {
		log.Fatal(err)
	}
	x, _ := tensor.New([]float64{8, 2, 2, 4, 1, 0, 0, 1}, 2, 2, 2)
	lp, err := d.LogProb(x)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(lp.Shape())
	fmt.Printf("%.4f\n", lp.Data())
	// Output:
	// (2)
	// [-6.6773 -5.2005]
}
