package distributions_test

// Tests of the KL pairs of torch 1.13's registry (kl_pairs*.go).
//
// Reference values: mpmath at 50 digits, independent of the closed forms.
// For the continuous families, mp.quad (tanh-sinh) of p·log(p/q) over p's
// support, split at p's and q's location and a few scales (for two
// families on the same bounded interval, of p·log(p/q) - p + q, which
// integrates to the same and does not cancel for nearby p and q); +Inf
// where p's support is not inside q's. For the discrete families, the sum
// of p(k)·log(p(k)/q(k)) over the support (to p(k) < 1e-60). Near-equal
// pairs were also checked against the closed forms in mpmath (agreement to
// 17 digits). The three Pareto entries with a ≤ 1 (Exponential, Gamma) and
// a ≤ 2 (Normal) are +Inf because E[x] resp. E[x²] diverge. The core of
// the script (logpdf(fam, params) gives log p, its support and breakpoints):
//
//	def kl(pf, pv, qf, qv):
//	    lp, lo, hi, disc, pts = logpdf(pf, pv)
//	    lq, qlo, qhi, _, qpts = logpdf(qf, qv)
//	    if disc:  # sum over k = 0, 1, … while p(k) > 1e-60
//	        return sum(exp(lp(k))*(lp(k) - lq(k)) for k in support)
//	    if lo < qlo or hi > qhi:
//	        return mp.inf
//	    pts = sorted(pts + [t for t in qpts if lo < t < hi])
//	    if (lo, hi) == (qlo, qhi) and hi != mp.inf:
//	        f = lambda x: exp(lp(x))*(lp(x) - lq(x)) - exp(lp(x)) + exp(lq(x))
//	    else:
//	        f = lambda x: exp(lp(x))*(lp(x) - lq(x))
//	    return mp.quad(f, pts, maxdegree=12)

import (
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

var klInf = math.Inf(1)

// klBuild builds a distribution from its parameters in the constructor's
// order.
type klBuild func(ps ...*tensor.Dense) (distributions.Distribution, error)

func kb1[D distributions.Distribution](f func(*tensor.Dense, ...distributions.Option) (D, error)) klBuild {
	return func(ps ...*tensor.Dense) (distributions.Distribution, error) { return f(ps[0]) }
}

func kb2[D distributions.Distribution](f func(a, b *tensor.Dense, opts ...distributions.Option) (D, error)) klBuild {
	return func(ps ...*tensor.Dense) (distributions.Distribution, error) { return f(ps[0], ps[1]) }
}

var (
	kbNormal          = kb2(distributions.NewNormal)
	kbHalfNormal      = kb1(distributions.NewHalfNormal)
	kbCauchy          = kb2(distributions.NewCauchy)
	kbLaplace         = kb2(distributions.NewLaplace)
	kbGumbel          = kb2(distributions.NewGumbel)
	kbExponential     = kb1(distributions.NewExponential)
	kbGamma           = kb2(distributions.NewGamma)
	kbPareto          = kb2(distributions.NewPareto)
	kbUniform         = kb2(distributions.NewUniform)
	kbContBern        = kb1(distributions.NewContinuousBernoulli)
	kbContBernLogits  = kb1(distributions.NewContinuousBernoulliLogits)
	kbBeta            = kb2(distributions.NewBeta)
	kbBernoulli       = kb1(distributions.NewBernoulli)
	kbBernoulliLogits = kb1(distributions.NewBernoulliLogits)
	kbGeometric       = kb1(distributions.NewGeometric)
	kbGeometricLogits = kb1(distributions.NewGeometricLogits)
	kbPoisson         = kb1(distributions.NewPoisson)
	kbBinomial        = kb2(distributions.NewBinomial)
	kbBinomialLogits  = kb2(distributions.NewBinomialLogits)
)

// klCase is one pair: p's and q's parameters, each a vector of n elements
// or of 1 (broadcast), and KL(p ‖ q) elementwise.
type klCase struct {
	name string
	p    klBuild
	pv   [][]float64
	q    klBuild
	qv   [][]float64
	want []float64
}

// klCases: each pair of the registry between the engine's scalar families
// with a generic element, then edge elements: nearby parameters (KL about
// 1e-12, where torch's forms lose about 1e-4 of it), +Inf where q's support
// misses part of p's, 0·log 0 = 0, supports that touch.
var klCases = []klCase{
	{"Normal-Normal", kbNormal, [][]float64{{0.3, 1}, {1.2, 2}}, kbNormal, [][]float64{{-0.5, 1}, {0.7, 2.000002}}, []float64{1.0834524788591498, 9.9999833317105047e-13}},
	{"HalfNormal-HalfNormal", kbHalfNormal, [][]float64{{1.5, 0.8}}, kbHalfNormal, [][]float64{{0.6, 0.8000008}}, []float64{1.7087092681258451, 9.9999833311553934e-13}},
	{"Cauchy-Cauchy", kbCauchy, [][]float64{{0.2, -1}, {1.3, 0.5}}, kbCauchy, [][]float64{{-0.4, -1.0000005}, {0.6, 0.5}}, []float64{0.24093309287770809, 2.5000000006985773e-13}},
	{"Laplace-Laplace", kbLaplace, [][]float64{{0.87, 0}, {1.85, 1}}, kbLaplace, [][]float64{{0.76, 1e-06}, {1.02, 1.000001}}, []float64{0.22148601393267865, 9.9999866658585852e-13}},
	{"Gumbel-Gumbel", kbGumbel, [][]float64{{0.58, 0.1}, {1.7, 1.3}}, kbGumbel, [][]float64{{-0.81, 0.1}, {1.84, 1.3000013}}, []float64{0.24645134000147151, 9.1183875832332064e-13}},
	{"Exponential-Exponential", kbExponential, [][]float64{{2.8, 1.5}}, kbExponential, [][]float64{{2.46, 1.5000015}}, []float64{0.0080294958083153688, 4.9999966665866491e-13}},
	{"Gamma-Gamma", kbGamma, [][]float64{{1.9, 3.5}, {1.46, 2}}, kbGamma, [][]float64{{2.86, 3.5000035}, {0.68, 2.000002}}, []float64{1.4352020653552897, 2.7344106624635301e-13}},
	{"Pareto-Pareto", kbPareto, [][]float64{{1.45, 1, 2}, {3.35, 2.5, 4}}, kbPareto, [][]float64{{0.64, 1.5, 2}, {3.5, 2.5, 4.000004}}, []float64{2.8634508034577509, klInf, 4.9999966658465011e-13}},
	{"Uniform-Uniform", kbUniform, [][]float64{{-0.5, 0, -1}, {0.5, 1, 1}}, kbUniform, [][]float64{{-1, 0.1, -1.000001}, {2, 1, 1}}, []float64{1.0986122886681097, klInf, 4.9999987495890837e-7}},
	{"CB-CB", kbContBern, [][]float64{{0.2, 0.7, 0.5}}, kbContBern, [][]float64{{0.6, 0.3, 0.5000005}}, []float64{0.12866151363677014, 0.11824465096800901, 1.6666666663935001e-13}},
	{"CBLogits-CBLogits", kbContBernLogits, [][]float64{{5, -30, 0.1}}, kbContBernLogits, [][]float64{{-3, -30.00003, 0.2}}, []float64{1.9207864315232115, 4.9999966658695011e-13, 0.00041628503612062305}},
	{"Beta-Beta", kbBeta, [][]float64{{0.9, 2}, {3.4, 2.9}}, kbBeta, [][]float64{{0.94, 2.000002}, {3.6, 2.9}}, []float64{0.00080254728155930877, 8.3724473436381926e-13}},
	{"Bernoulli-Bernoulli", kbBernoulli, [][]float64{{0.3, 0, 0.6, 0.5}}, kbBernoulli, [][]float64{{0.8, 0.5, 0.6000006, 0}}, []float64{0.58268530204323989, 0.69314718055994531, 7.5000025004378975e-13, klInf}},
	{"BernoulliLogits-BernoulliLogits", kbBernoulliLogits, [][]float64{{2, -40, 0.3}}, kbBernoulliLogits, [][]float64{{-1, -41, 0.3000003}}, []float64{0.82872491040889767, 1.5628821893349888e-18, 1.1000623862933358e-14}},
	{"Geometric-Geometric", kbGeometric, [][]float64{{0.3, 1, 0.6}}, kbGeometric, [][]float64{{0.8, 0.5, 0.6000006}}, []float64{1.942284340144133, 0.69314718055994531, 1.2500004167396496e-12}},
	{"GeometricLogits-GeometricLogits", kbGeometricLogits, [][]float64{{1, -2}}, kbGeometricLogits, [][]float64{{-1, -2.000002}}, []float64{0.63212055882855768, 1.761593261252932e-12}},
	{"Poisson-Poisson", kbPoisson, [][]float64{{0.58, 0, 3, 0.5}}, kbPoisson, [][]float64{{1.97, 2, 3.000003, 0}}, []float64{0.68079878344888991, 2.0, 1.4999989999759947e-12, klInf}},
	{"Binomial-Binomial", kbBinomial, [][]float64{{10, 10, 5}, {0.36, 0.84, 0.5}}, kbBinomial, [][]float64{{10, 10, 5}, {0.69, 0.67, 0.5000005}}, []float64{2.2972183866888255, 0.74117296463700047, 2.4999999995899168e-12}},
	{"BinomialLogits-BinomialLogits", kbBinomialLogits, [][]float64{{10, 3}, {0.5, -20}}, kbBinomialLogits, [][]float64{{10, 3}, {-1.5, -20.00002}}, []float64{4.7225495620635486, 1.236683923698275e-18}},
	{"Bernoulli-Poisson", kbBernoulli, [][]float64{{0.2, 0.8, 0}}, kbPoisson, [][]float64{{3.8, 0.6, 1.5}}, []float64{3.0325973631153439, 0.50825807547460476, 1.5}},
	{"Beta-CB", kbBeta, [][]float64{{3.03, 0.7}, {1.45, 0.6}}, kbContBern, [][]float64{{0.15, 0.72}}, []float64{0.71470629520882258, 0.097114328118198712}},
	{"Beta-Exponential", kbBeta, [][]float64{{2, 0.7}, {1.74, 0.6}}, kbExponential, [][]float64{{1.03, 2.57}}, []float64{0.63103100303531097, 0.5364854702901603}},
	{"Beta-Gamma", kbBeta, [][]float64{{3.18, 0.7}, {2.43, 0.6}}, kbGamma, [][]float64{{1.35, 0.5}, {2.55, 1.26}}, []float64{0.54766470511732241, 0.70639950384011265}},
	{"Beta-Normal", kbBeta, [][]float64{{1.3, 0.7}, {2.88, 0.6}}, kbNormal, [][]float64{{0.84, 0.34}, {1.56, 0.26}}, []float64{1.7207269734518474, 0.7589386870014996}},
	{"Beta-Uniform", kbBeta, [][]float64{{1.9, 0.7, 2}, {2.26, 0.6, 3}}, kbUniform, [][]float64{{-0.77, 0, 0.1}, {1.39, 1, 2}}, []float64{0.91460839835178982, 0.096545215351134924, klInf}},
	{"CB-Exponential", kbContBern, [][]float64{{0.16, 0.7, 0.5}}, kbExponential, [][]float64{{1.39, 1.54, 0.5}}, []float64{0.28911160297028879, 0.4750611340450951, 0.94314718055994531}},
	{"CB-Normal", kbContBern, [][]float64{{0.16, 0.65, 0.5}}, kbNormal, [][]float64{{0.93, -0.45, 0.5}, {1.84, 1.9, 0.3}}, []float64{1.6934026010424809, 1.7267856657638283, 0.17792869184169971}},
	{"CB-Uniform", kbContBern, [][]float64{{0.21, 0.71, 0.3}}, kbUniform, [][]float64{{-0.9, 0, 0.1}, {1.6, 1, 1}}, []float64{0.98636611519272693, 0.032749074690516198, klInf}},
	{"Exponential-Gamma", kbExponential, [][]float64{{2.99, 0.97}}, kbGamma, [][]float64{{2.21, 1}, {1.17, 0.97}}, []float64{2.2657301981512765, 0.0}},
	{"Exponential-Gumbel", kbExponential, [][]float64{{2.93, 0.4}}, kbGumbel, [][]float64{{0.59, -2}, {0.99, 1.4}}, []float64{1.1632658851807853, 1.7204957962169994}},
	{"Exponential-Normal", kbExponential, [][]float64{{0.77, 1.54}}, kbNormal, [][]float64{{-0.45, -0.88}, {0.63, 0.83}}, []float64{5.1725870564226211, 2.1679983350628737}},
	{"Gamma-Exponential", kbGamma, [][]float64{{0.83, 2.89}, {2.42, 2}}, kbExponential, [][]float64{{0.67, 1}}, []float64{0.71256543848568435, 0.31422388790025053}},
	{"Gamma-Gumbel", kbGamma, [][]float64{{1.58, 2.48}, {2.83, 1.05}}, kbGumbel, [][]float64{{0.03, 0.76}, {1.67, 0.87}}, []float64{1.2192518507014, 0.40899698327051829}},
	{"Gamma-Normal", kbGamma, [][]float64{{1.95, 3.25}, {0.64, 2.5}}, kbNormal, [][]float64{{0.65, 0.41}, {0.63, 1.68}}, []float64{11.686220660918389, 0.68889469656304924}},
	{"Gumbel-Normal", kbGumbel, [][]float64{{0.75, 0.14}, {1.95, 1.18}}, kbNormal, [][]float64{{-0.75, 0.17}, {0.68, 1.65}}, []float64{12.505880759880029, 0.17548808260753405}},
	{"Laplace-Normal", kbLaplace, [][]float64{{-0.81, -0.21}, {0.71, 0.98}}, kbNormal, [][]float64{{-0.06, 0.87}, {0.85, 0.92}}, []float64{0.49275235147089116, 0.98633645858463234}},
	{"Normal-Gumbel", kbNormal, [][]float64{{-0.48, 0.22}, {1.53, 1.32}}, kbGumbel, [][]float64{{-0.3, 0.41}, {1.15, 1.71}}, []float64{0.97263990353971125, 0.23419737903656996}},
	{"Normal-Laplace", kbNormal, [][]float64{{0.04, 0.39}, {1.22, 0.83}}, kbLaplace, [][]float64{{-0.43, 6}, {1.06, 1.49}}, []float64{0.11926214319298463, 3.6244150166461729}},
	{"Pareto-Exponential", kbPareto, [][]float64{{1.1, 0.54, 1}, {3, 3.14, 0.9}}, kbExponential, [][]float64{{1.42, 2.43, 1}}, []float64{1.6623119039172822, 1.4794239145053621, klInf}},
	{"Pareto-Gamma", kbPareto, [][]float64{{1.65, 1.09, 1}, {2.33, 2.43, 1}}, kbGamma, [][]float64{{1.49, 2.41, 2}, {0.97, 0.9, 1}}, []float64{1.1883955293038621, 0.83278033933680572, klInf}},
	{"Pareto-Normal", kbPareto, [][]float64{{1.97, 0.68, 1}, {2.76, 2.93, 2}}, kbNormal, [][]float64{{0.82, -0.02, 0}, {1.32, 1.43, 1}}, []float64{2.9548831732559758, 1.7623807442752564, klInf}},
	{"Uniform-Beta", kbUniform, [][]float64{{0.1, 0, -0.1}, {0.9, 1, 0.5}}, kbBeta, [][]float64{{2.68, 0.81, 2}, {2.97, 2.36, 2}}, []float64{0.13814379802572203, 0.64807693036517206, klInf}},
	{"Uniform-CB", kbUniform, [][]float64{{0.1, 0, -0.1}, {0.6, 1, 0.5}}, kbContBern, [][]float64{{0.15, 0.65, 0.3}}, []float64{0.55532408780366241, 0.015916382744528492, klInf}},
	{"Uniform-Exponential", kbUniform, [][]float64{{0.3, 0, -0.1}, {1.14, 0.62, 0.5}}, kbExponential, [][]float64{{0.73, 1.56, 1}}, []float64{1.0146641319844781, 0.51694997968155412, klInf}},
	{"Uniform-Gamma", kbUniform, [][]float64{{0.2, 0, -0.1}, {0.97, 1.63, 0.5}}, kbGamma, [][]float64{{2.56, 0.6, 2}, {1.49, 2.43, 1}}, []float64{1.4076168204005252, 1.1528010947665581, klInf}},
	{"Uniform-Gumbel", kbUniform, [][]float64{{-0.03, -0.1}, {1.81, 0.81}}, kbGumbel, [][]float64{{0.26, 0.16}, {1.5, 1.24}}, []float64{0.91472255548413066, 1.3404679883649904}},
	{"Uniform-Normal", kbUniform, [][]float64{{-0.63, -0.21}, {1.05, 0.94}}, kbNormal, [][]float64{{-0.35, -0.68}, {1.8, 1.85}}, []float64{1.0726227627163155, 1.5699989477186275}},
	{"Uniform-Pareto", kbUniform, [][]float64{{2, 1, 0.5}, {3.5, 1.2, 3}}, kbPareto, [][]float64{{1.95, 1, 1}, {2.95, 1.74, 2}}, []float64{0.48835661445852009, 1.3129191929002769, klInf}},
}

// vecs turns parameter lists into float64 vectors (f32: float32).
func klVecs(vs [][]float64, f32 bool) []*tensor.Dense {
	out := make([]*tensor.Dense, len(vs))
	for i, v := range vs {
		out[i] = f64(v...)
		if f32 {
			out[i] = to32(out[i])
		}
	}
	return out
}

// klOf returns KL(p ‖ q) of the pair built from ps and qs.
func klOf(t *testing.T, p klBuild, ps []*tensor.Dense, q klBuild, qs []*tensor.Dense) (*tensor.Dense, error) {
	t.Helper()
	dp, err := p(ps...)
	require.NoError(t, err)
	dq, err := q(qs...)
	require.NoError(t, err)
	return distributions.KL(dp, dq)
}

func TestKLPairsReference(t *testing.T) {
	t.Parallel()
	for _, tc := range klCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := klOf(t, tc.p, klVecs(tc.pv, false), tc.q, klVecs(tc.qv, false))
			require.NoError(t, err)
			require.Equal(t, []int{len(tc.want)}, shapeOf(got))
			close(t, tc.want, data64(t, got), tol64, 0) // measured: 3.6e-15 at most
		})
	}
}

// klSame reports whether a case pairs a family with itself.
func klSame(name string) bool {
	for i := range name {
		if name[i] == '-' {
			return name[:i] == name[i+1:]
		}
	}
	return false
}

// klAt returns the i-th element of each parameter list (the only one of a
// list of 1) as 0-d arrays.
func klAt(vs [][]float64, i int) []*tensor.Dense {
	out := make([]*tensor.Dense, len(vs))
	for k, v := range vs {
		out[k] = s64(v[min(i, len(v)-1)])
	}
	return out
}

// TestKLPairsSelf: KL(p ‖ p) is exactly 0 for every same-family pair.
func TestKLPairsSelf(t *testing.T) {
	t.Parallel()
	for _, tc := range klCases {
		if !klSame(tc.name) {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			for _, vs := range [][][]float64{tc.pv, tc.qv} {
				got, err := klOf(t, tc.p, klVecs(vs, false), tc.p, klVecs(vs, false))
				require.NoError(t, err)
				for i, g := range data64(t, got) {
					require.Zero(t, g, "[%d]", i)
				}
			}
		})
	}
}

// TestKLPairsFloat32: float32 parameters give a float32 result, the
// float64 divergence of the same (float32) parameters rounded once.
func TestKLPairsFloat32(t *testing.T) {
	t.Parallel()
	for _, tc := range klCases {
		t.Run(tc.name, func(t *testing.T) {
			p32, q32 := klVecs(tc.pv, true), klVecs(tc.qv, true)
			got, err := klOf(t, tc.p, p32, tc.q, q32)
			require.NoError(t, err)
			require.Equal(t, tensor.Float32, got.Dtype())
			widen := func(vs []*tensor.Dense) []*tensor.Dense {
				out := make([]*tensor.Dense, len(vs))
				for i, v := range vs {
					out[i] = to64(v)
				}
				return out
			}
			want, err := klOf(t, tc.p, widen(p32), tc.q, widen(q32))
			require.NoError(t, err)
			close(t, data64(t, want), data64(t, got), tol32, 0)
		})
	}
}

// TestKLPairsBroadcast: p's parameters as a column (n, 1) against q's
// (n,) give the (n, n) table of the scalar divergences, bit for bit; an
// Expand and a ToEvent of both sides follow.
func TestKLPairsBroadcast(t *testing.T) {
	t.Parallel()
	for _, tc := range klCases {
		t.Run(tc.name, func(t *testing.T) {
			n := len(tc.want)
			col := make([]*tensor.Dense, len(tc.pv))
			for i, v := range klVecs(tc.pv, false) {
				col[i] = v
				if len(tc.pv[i]) > 1 {
					col[i] = sh(v, len(tc.pv[i]), 1)
				}
			}
			want := make([]float64, 0, n*n)
			var unsupported bool
			for i := range n {
				for j := range n {
					k, err := klOf(t, tc.p, klAt(tc.pv, i), tc.q, klAt(tc.qv, j))
					if errors.Is(err, distributions.ErrUnsupported) {
						unsupported = true
						continue
					}
					require.NoError(t, err)
					require.Empty(t, shapeOf(k))
					want = append(want, data64(t, k)...)
				}
			}
			got, err := klOf(t, tc.p, col, tc.q, klVecs(tc.qv, false))
			if unsupported { // Binomial: a p total_count below q's anywhere
				require.ErrorIs(t, err, distributions.ErrUnsupported)
				return
			}
			require.NoError(t, err)
			require.Equal(t, []int{n, n}, shapeOf(got))
			close(t, want, data64(t, got), 0, 0)

			// Expand p to (2, n): both rows are the elementwise divergences.
			dp, err := tc.p(klVecs(tc.pv, false)...)
			require.NoError(t, err)
			dq, err := tc.q(klVecs(tc.qv, false)...)
			require.NoError(t, err)
			ep, err := distributions.Expand(dp, []int{2, n})
			require.NoError(t, err)
			got, err = distributions.KL(ep, dq)
			require.NoError(t, err)
			require.Equal(t, []int{2, n}, shapeOf(got))
			close(t, append(slices.Clone(tc.want), tc.want...), data64(t, got), tol64, 0)

			// ToEvent of both: the sum over the reinterpreted dim.
			ip, err := distributions.ToEvent(dp, 1)
			require.NoError(t, err)
			iq, err := distributions.ToEvent(dq, 1)
			require.NoError(t, err)
			got, err = distributions.KL(ip, iq)
			require.NoError(t, err)
			require.Empty(t, shapeOf(got))
			sum := 0.0
			for _, w := range tc.want {
				sum += w
			}
			close(t, []float64{sum}, data64(t, got), tol64, 0)
		})
	}
}

// klFamilyParams are valid parameters of each family, 2 elements for p's
// side and 3 for q's.
var klFamilyParams = map[string]struct {
	b      klBuild
	v2, v3 [][]float64
}{
	"Beta":        {kbBeta, [][]float64{{2, 0.5}, {3, 1}}, [][]float64{{2, 0.5, 1}, {3, 1, 1}}},
	"Bernoulli":   {kbBernoulli, [][]float64{{0.3, 0.9}}, [][]float64{{0.3, 0.9, 0.5}}},
	"Binomial":    {kbBinomial, [][]float64{{5, 7}, {0.3, 0.9}}, [][]float64{{5, 7, 100}, {0.3, 0.9, 0.5}}},
	"CB":          {kbContBern, [][]float64{{0.3, 0.7}}, [][]float64{{0.3, 0.7, 0.5}}},
	"Exponential": {kbExponential, [][]float64{{1.5, 0.5}}, [][]float64{{1.5, 0.5, 1}}},
	"Gamma":       {kbGamma, [][]float64{{2, 0.5}, {1, 3}}, [][]float64{{2, 0.5, 1}, {1, 3, 1}}},
	"Gumbel":      {kbGumbel, [][]float64{{0, 1}, {1, 2}}, [][]float64{{0, 1, 2}, {1, 2, 3}}},
	"Laplace":     {kbLaplace, [][]float64{{0, 1}, {1, 2}}, [][]float64{{0, 1, 2}, {1, 2, 3}}},
	"Normal":      {kbNormal, [][]float64{{0, 1}, {1, 2}}, [][]float64{{0, 1, 2}, {1, 2, 3}}},
	"Pareto":      {kbPareto, [][]float64{{1, 2}, {3, 1.5}}, [][]float64{{1, 2, 0.1}, {3, 1.5, 1}}},
	"Poisson":     {kbPoisson, [][]float64{{1.5, 0}}, [][]float64{{1.5, 0, 3}}},
	"Uniform":     {kbUniform, [][]float64{{-2, 0.2}, {1, 0.9}}, [][]float64{{-2, 0, 0.5}, {2, 1, 9}}},
}

// TestKLPairsInfinite: the pairs of torch's registry that are +Inf
// throughout (p's support is never inside q's) give +Inf of the broadcast
// batch shape, in p's dtype.
func TestKLPairsInfinite(t *testing.T) {
	t.Parallel()
	pairs := [][2]string{
		{"Exponential", "Beta"}, {"Exponential", "CB"}, {"Exponential", "Pareto"}, {"Exponential", "Uniform"},
		{"Gamma", "Beta"}, {"Gamma", "CB"}, {"Gamma", "Pareto"}, {"Gamma", "Uniform"},
		{"Gumbel", "Beta"}, {"Gumbel", "CB"}, {"Gumbel", "Exponential"}, {"Gumbel", "Gamma"}, {"Gumbel", "Pareto"}, {"Gumbel", "Uniform"},
		{"Laplace", "Beta"}, {"Laplace", "CB"}, {"Laplace", "Exponential"}, {"Laplace", "Gamma"}, {"Laplace", "Pareto"}, {"Laplace", "Uniform"},
		{"Normal", "Beta"}, {"Normal", "CB"}, {"Normal", "Exponential"}, {"Normal", "Gamma"}, {"Normal", "Pareto"}, {"Normal", "Uniform"},
		{"Pareto", "Beta"}, {"Pareto", "CB"}, {"Pareto", "Uniform"},
		{"Beta", "Pareto"}, {"CB", "Pareto"},
		{"Poisson", "Bernoulli"}, {"Poisson", "Binomial"},
	}
	for _, pq := range pairs {
		t.Run(pq[0]+"-"+pq[1], func(t *testing.T) {
			fp, fq := klFamilyParams[pq[0]], klFamilyParams[pq[1]]
			for _, f32 := range []bool{false, true} {
				ps := klVecs(fp.v2, f32)
				for i, v := range ps {
					ps[i] = sh(v, 2, 1)
				}
				got, err := klOf(t, fp.b, ps, fq.b, klVecs(fq.v3, f32))
				require.NoError(t, err)
				require.Equal(t, []int{2, 3}, shapeOf(got))
				require.Equal(t, ps[0].Dtype(), got.Dtype())
				for i, g := range data64(t, got) {
					require.True(t, math.IsInf(g, 1), "[%d] = %v", i, g)
				}
			}
		})
	}
}

// TestKLBinomialTotalCount: torch's rule for unequal total counts: +Inf
// where p's exceeds q's, ErrUnsupported (torch: NotImplementedError) if any
// p's is below q's.
func TestKLBinomialTotalCount(t *testing.T) {
	t.Parallel()
	got, err := klOf(t, kbBinomial, []*tensor.Dense{f64(10, 12, 0), f64(0.36, 0.5, 0.5)},
		kbBinomial, []*tensor.Dense{f64(10, 10, 0), f64(0.69, 0.5, 0)})
	require.NoError(t, err)
	// [0]: mpmath (TestKLPairsReference's Binomial case); [2]: n = 0, both
	// the point mass at 0.
	close(t, []float64{2.2972183866888255, klInf, 0}, data64(t, got), tol64, 0)

	_, err = klOf(t, kbBinomial, []*tensor.Dense{f64(10, 5), f64(0.36, 0.5)},
		kbBinomial, []*tensor.Dense{s64(10), f64(0.69, 0.5)})
	require.ErrorIs(t, err, distributions.ErrUnsupported)
	require.NotErrorIs(t, err, distributions.ErrNoKL)
}

// TestKLCategorical: Categorical ‖ Categorical, from probs and from
// logits; mpmath, the sum over each row of p·log(p/q) with 0·log 0 = 0,
// +Inf where q has 0 and p does not; row 3 is a nearby pair.
func TestKLCategorical(t *testing.T) {
	t.Parallel()
	P := []float64{0.3, 0.2, 0.4, 0.1, 0.5, 0, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.1, 0.2, 0.3, 0.4}
	Q := []float64{0.1, 0.4, 0.2, 0.3, 0.2, 0.3, 0.1, 0.4, 0.5, 0.5, 0, 0, 0.1, 0.2, 0.3, 0.4000004}
	want := []float64{0.35835189384561096, 0.56971714159418238, klInf, 1.1999988797368829e-13}
	LP := []float64{0.5, -1, 2, 0, 1, -klInf, 0, 0, 0, 0, 0, 0, 0.1, 0.2, 0.3, 0.4}
	LQ := []float64{-0.5, 1, 1.5, 0.25, 0, -2, 0.5, 1, 0, 0, -klInf, -klInf, 0.1, 0.2, 0.3, 0.4000004}
	wantL := []float64{0.28364498778126698, 0.41193299672708392, klInf, 1.6426542638823876e-14}
	logs := func(v []float64) *tensor.Dense {
		out := make([]float64, len(v))
		for i, x := range v {
			out[i] = math.Log(x)
		}
		return sh(f64(out...), 4, 4)
	}
	rows := func(v []float64) *tensor.Dense { return sh(f64(v...), 4, 4) }
	p := must(distributions.NewCategorical(rows(P)))
	q := must(distributions.NewCategorical(rows(Q)))
	pl := must(distributions.NewCategoricalLogits(rows(LP)))
	ql := must(distributions.NewCategoricalLogits(rows(LQ)))
	for _, tc := range []struct {
		p, q distributions.Distribution
		want []float64
		tol  float64
	}{
		{p, q, want, tol64},
		{pl, ql, wantL, tol64},
		// Mixed forms, the logits the float64 logs of the probs: rounding
		// them moves row 3's 1.2e-13 by up to 1e-9 of itself.
		{p, must(distributions.NewCategoricalLogits(logs(Q))), want, 1e-9},
		{must(distributions.NewCategoricalLogits(logs(P))), q, want, 1e-9},
	} {
		got, err := distributions.KL(tc.p, tc.q)
		require.NoError(t, err)
		require.Equal(t, []int{4}, shapeOf(got))
		close(t, tc.want, data64(t, got), tc.tol, 0)
	}
	// KL(p ‖ p) = 0 exactly.
	for _, d := range []distributions.Distribution{p, q, pl, ql} {
		got, err := distributions.KL(d, d)
		require.NoError(t, err)
		require.Equal(t, []float64{0, 0, 0, 0}, data64(t, got))
	}
	// Broadcast (4, 1) against (4,): the table of row-by-row divergences.
	pc := must(distributions.NewCategorical(sh(f64(P...), 4, 1, 4)))
	got, err := distributions.KL(pc, q)
	require.NoError(t, err)
	require.Equal(t, []int{4, 4}, shapeOf(got))
	var table []float64
	for i := range 4 {
		for j := range 4 {
			pi := must(distributions.NewCategorical(f64(P[4*i : 4*i+4]...)))
			qj := must(distributions.NewCategorical(f64(Q[4*j : 4*j+4]...)))
			k, err := distributions.KL(pi, qj)
			require.NoError(t, err)
			table = append(table, data64(t, k)...)
		}
	}
	close(t, table, data64(t, got), 0, 0)
	// Expand, and float32.
	pe, err := distributions.Expand(p, []int{3, 4})
	require.NoError(t, err)
	got, err = distributions.KL(pe, q)
	require.NoError(t, err)
	require.Equal(t, []int{3, 4}, shapeOf(got))
	close(t, slices.Concat(want, want, want), data64(t, got), tol64, 0)
	p32 := must(distributions.NewCategorical(to32(rows(P))))
	q32 := must(distributions.NewCategorical(to32(rows(Q))))
	got, err = distributions.KL(p32, q32)
	require.NoError(t, err)
	require.Equal(t, tensor.Float32, got.Dtype())
	close(t, want[:3], data64(t, got)[:3], tol32, 0) // row 3's q is not a float32

	// Errors: categories, dtypes, batch shapes.
	q3 := must(distributions.NewCategorical(f64(0.2, 0.3, 0.5)))
	_, err = distributions.KL(p, q3)
	require.ErrorIs(t, err, distributions.ErrShape)
	_, err = distributions.KL(p, q32)
	require.ErrorIs(t, err, distributions.ErrDType)
	q2 := must(distributions.NewCategorical(sh(f64(Q[:8]...), 2, 4)))
	_, err = distributions.KL(p, q2)
	require.ErrorIs(t, err, distributions.ErrShape)
}

// TestKLPairsErrors: dtypes and batch shapes must agree; pairs outside the
// registry are ErrNoKL.
func TestKLPairsErrors(t *testing.T) {
	t.Parallel()
	_, err := klOf(t, kbGamma, []*tensor.Dense{f64(1, 2), f64(1, 2)}, kbNormal, []*tensor.Dense{f32(0, 1), f32(1, 2)})
	require.ErrorIs(t, err, distributions.ErrDType)
	_, err = klOf(t, kbGumbel, []*tensor.Dense{f64(1, 2), f64(1, 2)}, kbNormal, []*tensor.Dense{f64(0, 1, 2), f64(1, 2, 3)})
	require.ErrorIs(t, err, distributions.ErrShape)
	_, err = klOf(t, kbNormal, []*tensor.Dense{f64(1, 2), f64(1, 2)}, kbCauchy, []*tensor.Dense{f64(0, 1), f64(1, 2)})
	require.ErrorIs(t, err, distributions.ErrNoKL) // torch has no Normal ‖ Cauchy
	_, err = klOf(t, kbGumbel, []*tensor.Dense{f64(1, 2), f64(1, 2)}, kbLaplace, []*tensor.Dense{f64(0, 1), f64(1, 2)})
	require.ErrorIs(t, err, distributions.ErrNoKL) // nor Gumbel ‖ Laplace (a TODO in torch)
}

// TestKLContinuousBernoulliEdges: probs 0 and 1 are the point masses at 0
// and 1: KL 0 against the same point mass and +Inf against anything with a
// density (torch clamps probs and gives large finite numbers). Supports
// that touch are covered: KL(CB ‖ Uniform(0, 1)) = -H(CB) and
// KL(Uniform(0, 1) ‖ CB) are finite (torch 1.13 compares the bounds with
// ≥ and ≤ there and gives +Inf); TestKLPairsReference has their values.
func TestKLContinuousBernoulliEdges(t *testing.T) {
	t.Parallel()
	got, err := klOf(t, kbContBern, []*tensor.Dense{f64(1, 0, 1, 0.5, 0.5)}, kbContBern, []*tensor.Dense{f64(1, 0, 0.5, 0, 1)})
	require.NoError(t, err)
	close(t, []float64{0, 0, klInf, klInf, klInf}, data64(t, got), 0, 0)
	got, err = klOf(t, kbContBern, []*tensor.Dense{f64(1, 0)}, kbExponential, []*tensor.Dense{f64(1, 1)})
	require.NoError(t, err)
	close(t, []float64{klInf, klInf}, data64(t, got), 0, 0)
	got, err = klOf(t, kbUniform, []*tensor.Dense{f64(0.2, 0.2), f64(0.4, 0.4)}, kbContBern, []*tensor.Dense{f64(1, 0)})
	require.NoError(t, err)
	close(t, []float64{klInf, klInf}, data64(t, got), 0, 0)
	got, err = klOf(t, kbContBern, []*tensor.Dense{f64(0.3)}, kbUniform, []*tensor.Dense{f64(0), f64(1)})
	require.NoError(t, err)
	h, err := must(distributions.NewContinuousBernoulli(f64(0.3))).Entropy()
	require.NoError(t, err)
	close(t, []float64{-data64(t, h)[0]}, data64(t, got), tol64, 0)
}

// TestKLChi2: Chi2(ν) is torch's Gamma(ν/2, ½) subclass, so it takes every
// Gamma pair on either side: the same bits as the equivalent Gamma, and
// mpmath (integration of p·log(p/q)) for Chi2(3) ‖ Chi2(5),
// Chi2(4.5) ‖ Gamma(1.3, 0.7) and Gamma(1.3, 0.7) ‖ Chi2(4.5).
func TestKLChi2(t *testing.T) {
	t.Parallel()
	chi2 := func(df ...float64) distributions.Distribution { return must(distributions.NewChi2(f64(df...))) }
	gam := func(df ...float64) distributions.Distribution {
		half := make([]float64, len(df))
		for i, v := range df {
			half[i] = v / 2
		}
		return must(distributions.NewGamma(f64(half...), s64(0.5)))
	}
	g := must(distributions.NewGamma(s64(1.3), s64(0.7)))
	for _, tc := range []struct {
		p, q distributions.Distribution
		want float64
	}{
		{chi2(3), chi2(5), 0.36897513412958786},
		{chi2(4.5), g, 0.77345871128471382},
		{g, chi2(4.5), 0.77941182979287426},
	} {
		got, err := distributions.KL(tc.p, tc.q)
		require.NoError(t, err)
		close(t, []float64{tc.want}, data64(t, got), tol64, 0)
	}
	df := []float64{0.7, 3, 9}
	c, e := chi2(df...), gam(df...)
	same := func(got, want [2]distributions.Distribution) {
		t.Helper()
		w, werr := distributions.KL(want[0], want[1])
		k, err := distributions.KL(got[0], got[1])
		if werr != nil { // no Gamma pair: none for Chi2 either
			require.ErrorIs(t, err, distributions.ErrNoKL, "%T ‖ %T", got[0], got[1])
			return
		}
		require.NoError(t, err, "%T ‖ %T", got[0], got[1])
		close(t, data64(t, w), data64(t, k), 0, 0)
	}
	for _, o := range []distributions.Distribution{
		must(distributions.NewGamma(f64(1.3, 2, 0.4), f64(0.7, 1, 2))),
		must(distributions.NewExponential(f64(0.5, 1, 2))),
		must(distributions.NewGumbel(f64(0, 1, 2), f64(1, 2, 3))),
		must(distributions.NewNormal(f64(0, 1, 2), f64(1, 2, 3))),
		must(distributions.NewLaplace(f64(0, 1, 2), f64(1, 2, 3))),
		must(distributions.NewPareto(f64(1, 2, 0.5), f64(3, 1.5, 2.5))),
		must(distributions.NewUniform(f64(0, 0.5, -1), f64(1, 2, 3))),
		must(distributions.NewBeta(f64(2, 0.5, 1), f64(3, 1, 1))),
		must(distributions.NewContinuousBernoulli(f64(0.3, 0.7, 0.5))),
		must(distributions.NewCauchy(f64(0, 1, 2), f64(1, 2, 3))),
	} {
		same([2]distributions.Distribution{c, o}, [2]distributions.Distribution{e, o})
		same([2]distributions.Distribution{o, c}, [2]distributions.Distribution{o, e})
	}
	same([2]distributions.Distribution{c, chi2(2, 5, 1)}, [2]distributions.Distribution{e, gam(2, 5, 1)})
}
