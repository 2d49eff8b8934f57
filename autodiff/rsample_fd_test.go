package autodiff_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	G "gorgonia.org/gorgonia"

	"github.com/seed39ad66a2/tensordist/autodiff"
	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// An rsCase is a reparameterisable family with parameters (float64) whose
// draws, sample shape rsSample, are checked by finite differences with the
// noise held fixed. held returns the expected ∂(Σ w·x)/∂θ per parameter
// for the draws x; nil holds the noise by the seed: every draw is a
// smooth function of the parameters and the seeded stream, so central
// differences of eager draws from the same seed give the gradient.
type rsCase struct {
	fam    autodiff.Family
	params func(r *rand.Rand) []*tensor.Dense
	held   func(t *testing.T, f autodiff.Family, ps []*tensor.Dense, x, w *tensor.Dense) [][]float64
}

// rsSample is the sample shape of every rsCase draw; rsSeed seeds the
// noise of the graph's first run and of every eager draw.
var (
	rsSample = []int{2}
	rsSeed   = uint64(42)
)

// rsScalar draws the first parameter of shape (3), the others scalar, so
// that the gradients are summed over the sample and the batch.
func rsScalar(gens ...gen) func(r *rand.Rand) []*tensor.Dense {
	return func(r *rand.Rand) []*tensor.Dense {
		ps := []*tensor.Dense{fill(tensor.Float64, r, gens[0], 3)}
		for _, g := range gens[1:] {
			ps = append(ps, fill(tensor.Float64, r, g))
		}
		return ps
	}
}

// surrogates are reparameterisable families whose pathwise gradient is a
// surrogate, not the derivative of the draw: finite differences do not
// apply (TestGraphVsEager and TestRSampleGraphVsEager cover them).
var surrogates = map[string]bool{
	"OneHotCategoricalStraightThroughProbs":  true,
	"OneHotCategoricalStraightThroughLogits": true,
}

var rsCases = []rsCase{
	{autodiff.Normal, rsScalar(locGen, pos), nil},
	{autodiff.Cauchy, rsScalar(locGen, pos), nil},
	{autodiff.Laplace, rsScalar(locGen, pos), nil},
	{autodiff.Gumbel, rsScalar(locGen, pos), nil},
	{autodiff.LogNormal, rsScalar(locGen, pos), nil},
	{autodiff.HalfNormal, rsScalar(pos), nil},
	{autodiff.HalfCauchy, rsScalar(pos), nil},
	{autodiff.Exponential, rsScalar(pos), nil},
	{autodiff.Pareto, rsScalar(uniform(0.5, 1), uniform(1, 3)), nil},
	{autodiff.Uniform, rsScalar(uniform(-2, -1), uniform(1, 2)), nil},
	{autodiff.Weibull, rsScalar(pos, pos), nil},
	{autodiff.ContinuousBernoulliProbs, rsScalar(unit), nil},
	{autodiff.ContinuousBernoulliLogits, rsScalar(logit), nil},
	{autodiff.RelaxedBernoulliProbs, rsScalar(pos, unit), nil},
	{autodiff.RelaxedBernoulliLogits, rsScalar(pos, logit), nil},
	{autodiff.Kumaraswamy, rsScalar(pos, pos), nil},
	{autodiff.Gamma, rsScalar(pos, pos), quantileHeld(func(x float64, p []float64) (float64, float64) {
		return tensor.GammaIncP(p[0], p[1]*x), tensor.GammaIncQ(p[0], p[1]*x)
	})},
	{autodiff.Chi2, rsScalar(uniform(1, 4)), quantileHeld(func(x float64, p []float64) (float64, float64) {
		return tensor.GammaIncP(p[0]/2, x/2), tensor.GammaIncQ(p[0]/2, x/2)
	})},
	{autodiff.Beta, rsScalar(pos, pos), quantileHeld(func(x float64, p []float64) (float64, float64) {
		return tensor.BetaInc(p[0], p[1], x), tensor.BetaIncC(p[0], p[1], x)
	})},
	{autodiff.StudentT, rsScalar(uniform(1, 5), locGen, pos), quantileHeld(func(x float64, p []float64) (float64, float64) {
		t := (x - p[1]) / p[2]
		tail := tensor.BetaInc(p[0]/2, 0.5, p[0]/(p[0]+t*t)) / 2
		if t < 0 {
			return tail, 1 - tail
		}
		return 1 - tail, tail
	})},
	{autodiff.FisherSnedecor, rsScalar(uniform(2, 6), uniform(2, 6)), quantileHeld(func(x float64, p []float64) (float64, float64) {
		z := p[0] * x / (p[0]*x + p[1])
		return tensor.BetaInc(p[0]/2, p[1]/2, z), tensor.BetaIncC(p[0]/2, p[1]/2, z)
	})},
	{autodiff.Dirichlet, func(r *rand.Rand) []*tensor.Dense { return []*tensor.Dense{fill(tensor.Float64, r, pos, 2, 4)} }, dirichletHeld},
	{autodiff.MultivariateNormal, rsMVN(spd), nil},
	{autodiff.MultivariateNormalPrecision, rsMVN(spd), nil},
	{autodiff.MultivariateNormalScaleTril, rsMVN(tril), nil},
	{autodiff.LowRankMultivariateNormal, func(r *rand.Rand) []*tensor.Dense {
		return []*tensor.Dense{fill(tensor.Float64, r, locGen, 3), fill(tensor.Float64, r, locGen, 3, 2), fill(tensor.Float64, r, pos, 2, 3)}
	}, lowRankHeld},
	{autodiff.LogisticNormal, func(r *rand.Rand) []*tensor.Dense {
		return []*tensor.Dense{fill(tensor.Float64, r, locGen, 2, 3), fill(tensor.Float64, r, pos, 3)}
	}, nil},
	{autodiff.RelaxedOneHotCategoricalProbs, func(r *rand.Rand) []*tensor.Dense {
		return []*tensor.Dense{fill(tensor.Float64, r, pos), fill(tensor.Float64, r, pos, 2, 4)}
	}, nil},
	{autodiff.RelaxedOneHotCategoricalLogits, func(r *rand.Rand) []*tensor.Dense {
		return []*tensor.Dense{fill(tensor.Float64, r, pos, 2, 1), fill(tensor.Float64, r, logit, 4)}
	}, nil},
	{autodiff.Wishart, rsWishart(spd), wishartHeld(scaleOfCov)},
	{autodiff.WishartPrecision, rsWishart(spd), wishartHeld(scaleOfPrecision)},
	{autodiff.WishartScaleTril, rsWishart(tril), wishartHeld(scaleOfTril)},
}

func rsMVN(matrix func(r *rand.Rand, n int, batch ...int) *tensor.Dense) func(r *rand.Rand) []*tensor.Dense {
	return func(r *rand.Rand) []*tensor.Dense {
		return []*tensor.Dense{fill(tensor.Float64, r, locGen, 2, 3), matrix(r, 3)}
	}
}

func rsWishart(matrix func(r *rand.Rand, n int, batch ...int) *tensor.Dense) func(r *rand.Rand) []*tensor.Dense {
	return func(r *rand.Rand) []*tensor.Dense {
		return []*tensor.Dense{fill(tensor.Float64, r, uniform(3, 6), 2), matrix(r, 3)}
	}
}

// TestRSampleGradFiniteDifferencesAll: for every reparameterisable family,
// the gradient of Σ w⊙RSample(θ) on both machines equals finite
// differences with the noise held fixed. A family of the table that has no
// pathwise gradient (yet) must be refused by RSample with ErrUnsupported.
func TestRSampleGradFiniteDifferencesAll(t *testing.T) {
	t.Parallel()
	for ci, c := range rsCases {
		ps := c.params(rand.New(rand.NewPCG(uint64(ci), 5)))
		d, err := c.fam.New(ps)
		require.NoError(t, err, c.fam.Name)
		if _, ok := d.(distributions.PathwiseGrader); !ok {
			g := G.NewGraph()
			var pn G.Nodes
			for i, p := range ps {
				pn = append(pn, node(g, p, false, c.fam.Params[i]))
			}
			_, err := autodiff.RSample(c.fam, rand.NewPCG(rsSeed, 1), rsSample, pn...)
			require.ErrorIs(t, err, distributions.ErrUnsupported, c.fam.Name)
			continue
		}
		x, err := d.(distributions.RSampler).RSample(rand.NewPCG(rsSeed, 1), rsSample...)
		require.NoError(t, err, c.fam.Name)
		w := fill(tensor.Float64, rand.New(rand.NewPCG(uint64(ci), 6)), anyReal, shape.Clone(x.Shape())...)
		var want [][]float64
		if c.held == nil {
			want = seededFD(t, c.fam, ps, w)
		} else {
			want = c.held(t, c.fam, ps, x, w)
		}
		for _, m := range machines {
			t.Run(fmt.Sprintf("%s/%s", c.fam.Name, m), func(t *testing.T) {
				cost, grads := rsampleGraph(t, m, c.fam, ps, w)
				approx(t, []float64{weightedSum(t, x, w)}, []float64{cost}, tol64, tol64, "cost")
				for i, p := range c.fam.Params {
					got := grads[i]
					if p == "scale_tril" { // upper entries are not free parameters
						got = lowerOnly(got, 3)
					}
					approx(t, want[i], got, 1e-6, 1e-7, "∂"+p)
				}
			})
		}
	}
}

// TestRSampleCasesCover: every ready-made family with a reparameterised
// sampler and a pathwise gradient has an rsCase or is a surrogate.
func TestRSampleCasesCover(t *testing.T) {
	t.Parallel()
	covered := map[string]bool{}
	for _, c := range rsCases {
		covered[c.fam.Name] = true
	}
	for _, c := range cases {
		_, ps := c.draw(rand.New(rand.NewPCG(1, 1)), tensor.Float64, 0)
		d, err := c.fam.New(ps)
		require.NoError(t, err)
		_, rs := d.(distributions.RSampler)
		_, pw := d.(distributions.PathwiseGrader)
		if rs && pw {
			require.True(t, covered[c.fam.Name] || surrogates[c.fam.Name], "%s has no rsample case", c.fam.Name)
		}
	}
}

// TestRSampleGraphVsEager: the RSample node's gradient is the eager
// RSampleVJP of its draws, surrogates included.
func TestRSampleGraphVsEager(t *testing.T) {
	t.Parallel()
	fams := []autodiff.Family{autodiff.OneHotCategoricalStraightThroughProbs, autodiff.OneHotCategoricalStraightThroughLogits, autodiff.Dirichlet}
	for _, f := range fams {
		ps := []*tensor.Dense{fill(tensor.Float64, rand.New(rand.NewPCG(2, 3)), pos, 2, 4)}
		d, err := f.New(ps)
		require.NoError(t, err)
		x, err := d.(distributions.RSampler).RSample(rand.NewPCG(rsSeed, 1), rsSample...)
		require.NoError(t, err)
		w := fill(tensor.Float64, rand.New(rand.NewPCG(4, 5)), anyReal, shape.Clone(x.Shape())...)
		want, err := d.(distributions.PathwiseGrader).RSampleVJP(x, w)
		require.NoError(t, err)
		for _, m := range machines {
			_, grads := rsampleGraph(t, m, f, ps, w)
			approx(t, f64s(t, want[f.Params[0]]), grads[0], tol64, tol64, f.Name+"/"+m)
		}
	}
}

// rsampleGraph runs Σ w⊙RSample(f, params) on machine m, the noise seeded
// by rsSeed, and returns the cost and the parameters' gradients.
func rsampleGraph(t *testing.T, m string, f autodiff.Family, ps []*tensor.Dense, w *tensor.Dense) (float64, [][]float64) {
	return run(t, m, func(g *G.ExprGraph) (*G.Node, G.Nodes) {
		var pn G.Nodes
		for i, p := range ps {
			pn = append(pn, node(g, p, false, f.Params[i]))
		}
		x, err := autodiff.RSample(f, rand.NewPCG(rsSeed, 1), rsSample, pn...)
		require.NoError(t, err)
		require.Equal(t, w.Shape(), x.Shape())
		return G.Must(G.Sum(G.Must(G.HadamardProd(node(g, w, true, "w"), x)))), pn
	})
}

func weightedSum(t *testing.T, x, w *tensor.Dense) float64 {
	var s float64
	for i, v := range f64s(t, x) {
		s += w.Float64s()[i] * v
	}
	return s
}

// seededFD returns central differences of Σ w·x with respect to every
// parameter element, each x drawn eagerly from rsSeed.
func seededFD(t *testing.T, f autodiff.Family, ps []*tensor.Dense, w *tensor.Dense) [][]float64 {
	return centralFD(f.Params, ps, func(ps []*tensor.Dense) float64 {
		d, err := f.New(ps)
		require.NoError(t, err)
		x, err := d.(distributions.RSampler).RSample(rand.NewPCG(rsSeed, 1), rsSample...)
		require.NoError(t, err)
		return weightedSum(t, x, w)
	})
}

// centralFD returns central differences of loss with respect to every
// element of the parameters ps (named names). A symmetric matrix
// (covariance, precision) moves its (i, j) and (j, i) entries together by
// h/2 each, which gives the symmetric gradient; scale_tril moves its lower
// entries only (its upper ones are 0 in the result).
func centralFD(names []string, ps []*tensor.Dense, loss func([]*tensor.Dense) float64) [][]float64 {
	out := make([][]float64, len(ps))
	for k, p := range ps {
		name := names[k]
		sym := strings.HasSuffix(name, "_matrix")
		n := 0
		if s := p.Shape(); len(s) >= 2 {
			n = s[len(s)-1]
		}
		out[k] = make([]float64, p.Size())
		for j := range out[k] {
			row, col := 0, 0
			if n > 0 {
				row, col = (j/n)%n, j%n
			}
			if name == "scale_tril" && col > row {
				continue
			}
			h := 1e-6 * max(1, math.Abs(p.Float64s()[j]))
			at := func(sign float64) float64 {
				q := p.Clone().(*tensor.Dense)
				if sym && row != col {
					q.Float64s()[j] += sign * h / 2
					q.Float64s()[j+(col-row)*(n-1)] += sign * h / 2 // the (col, row) entry
				} else {
					q.Float64s()[j] += sign * h
				}
				qs := append([]*tensor.Dense(nil), ps...)
				qs[k] = q
				return loss(qs)
			}
			out[k][j] = (at(1) - at(-1)) / (2 * h)
		}
	}
	return out
}

// lowRankHeld: a draw x = μ + Wε_m + √D⊙ε_n does not determine its noise;
// the family's gradient holds the noise at its conditional mean given x,
// ε_m = WᵀΣ⁻¹(x-μ) and ε_n = √D⊙Σ⁻¹(x-μ), Σ = WWᵀ + D. Central differences
// of x(θ) = μ + Wε_m + √D⊙ε_n with those held. Shapes: loc (3), cov_factor
// (3, 2), cov_diag (2, 3).
func lowRankHeld(t *testing.T, f autodiff.Family, ps []*tensor.Dense, x, w *tensor.Dense) [][]float64 {
	const n, m, batch = 3, 2, 2
	xv := f64s(t, x)
	events := len(xv) / n
	em, en := make([][]float64, events), make([][]float64, events)
	loc, wf, diag := ps[0].Float64s(), ps[1].Float64s(), ps[2].Float64s()
	for e := range events {
		d := diag[(e%batch)*n:][:n]
		sigma := make([]float64, n*n)
		for i := range n {
			for j := range n {
				for k := range m {
					sigma[i*n+j] += wf[i*m+k] * wf[j*m+k]
				}
			}
			sigma[i*n+i] += d[i]
		}
		inv := scaleOfPrecision(sigma, n) // Σ⁻¹
		u := make([]float64, n)
		for i := range n {
			for j := range n {
				u[i] += inv[i*n+j] * (xv[e*n+j] - loc[j])
			}
		}
		em[e], en[e] = make([]float64, m), make([]float64, n)
		for k := range m {
			for i := range n {
				em[e][k] += wf[i*m+k] * u[i]
			}
		}
		for i := range n {
			en[e][i] = math.Sqrt(d[i]) * u[i]
		}
	}
	return centralFD(f.Params, ps, func(ps []*tensor.Dense) float64 {
		loc, wf, diag := ps[0].Float64s(), ps[1].Float64s(), ps[2].Float64s()
		var s float64
		for e := range events {
			for i := range n {
				v := loc[i] + math.Sqrt(diag[(e%batch)*n+i])*en[e][i]
				for k := range m {
					v += wf[i*m+k] * em[e][k]
				}
				s += w.Float64s()[e*n+i] * v
			}
		}
		return s
	})
}

// lowerOnly zeroes the entries above the diagonal of n×n matrices.
func lowerOnly(v []float64, n int) []float64 {
	out := append([]float64(nil), v...)
	for j := range out {
		if j%n > (j/n)%n {
			out[j] = 0
		}
	}
	return out
}

// quantileHeld holds the draw's quantile u = F(x; θ) fixed, as the
// implicit reparameterisation gradient does: x moves by
// dx/dθ = -(∂F/∂θ)/(∂F/∂x), both central differences of the CDF. cdf
// returns F and 1-F, each accurate; the smaller one is differentiated.
// Parameters broadcast against x (right-aligned).
func quantileHeld(cdf func(x float64, p []float64) (lower, upper float64)) func(*testing.T, autodiff.Family, []*tensor.Dense, *tensor.Dense, *tensor.Dense) [][]float64 {
	return func(t *testing.T, _ autodiff.Family, ps []*tensor.Dense, x, w *tensor.Dense) [][]float64 {
		xs := shape.Clone(x.Shape())
		out := make([][]float64, len(ps))
		for k, p := range ps {
			out[k] = make([]float64, p.Size())
		}
		for e, xv := range f64s(t, x) {
			p := make([]float64, len(ps))
			for k, q := range ps {
				p[k] = q.Float64s()[bcastIndex(xs, q.Shape(), e)]
			}
			lo, _ := cdf(xv, p)
			side := func(x float64, p []float64) float64 {
				l, u := cdf(x, p)
				if lo < 0.5 {
					return l
				}
				return -u
			}
			hx := 1e-5 * max(1e-3, math.Abs(xv))
			dFdx := (side(xv+hx, p) - side(xv-hx, p)) / (2 * hx)
			for k := range ps {
				h := 1e-5 * math.Abs(p[k])
				up, down := append([]float64(nil), p...), append([]float64(nil), p...)
				up[k] += h
				down[k] -= h
				dFdp := (side(xv, up) - side(xv, down)) / (2 * h)
				out[k][bcastIndex(xs, ps[k].Shape(), e)] += w.Float64s()[e] * -dFdp / dFdx
			}
		}
		return out
	}
}

// bcastIndex returns the flat index into an array of shape ps of element e
// of an array of shape xs that ps broadcasts to.
func bcastIndex(xs, ps []int, e int) int {
	idx, stride := 0, 1
	for d := 1; d <= len(ps); d++ {
		xd := xs[len(xs)-d]
		i := (e / suffixSize(xs, len(xs)-d+1)) % xd
		if ps[len(ps)-d] != 1 {
			idx += i * stride
		}
		stride *= ps[len(ps)-d]
	}
	return idx
}

func suffixSize(s []int, from int) int { return shape.Size(s[from:]) }

// dirichletHeld: raising α_j moves x_j along its Beta(α_j, S-α_j) marginal
// at a fixed quantile and rescales the other coordinates, so
// dx_i/dα_j = (dx_j/dα_j)·(δ_ij - x_i)/(1 - x_j), dx_j/dα_j from central
// differences of the Beta CDF (Jankowiak and Obermeyer 2018).
func dirichletHeld(t *testing.T, _ autodiff.Family, ps []*tensor.Dense, x, w *tensor.Dense) [][]float64 {
	alpha := ps[0].Float64s()
	k := ps[0].Shape()[1]
	out := make([]float64, len(alpha))
	xv := f64s(t, x)
	beta := quantileHeld(func(x float64, p []float64) (float64, float64) {
		return tensor.BetaInc(p[0], p[1], x), tensor.BetaIncC(p[0], p[1], x)
	})
	for e := range len(xv) / k {
		row, a := xv[e*k:(e+1)*k], alpha[(e%2)*k:(e%2+1)*k]
		var s float64
		for _, v := range a {
			s += v
		}
		for j := range k {
			// dx_j/dα_j with b = S - α_j held: the first partial of one
			// Beta draw x_j with weight 1.
			g := beta(t, autodiff.Family{}, []*tensor.Dense{tensor.Scalar(a[j]), tensor.Scalar(s - a[j])}, tensor.Scalar(row[j]), tensor.Scalar(1.0))[0][0]
			for i := range k {
				delta := 0.0
				if i == j {
					delta = 1
				}
				out[(e%2)*k+j] += w.Float64s()[e*k+i] * g * (delta - row[i]) / (1 - row[j])
			}
		}
	}
	return [][]float64{out}
}

// wishartHeld: the Bartlett factor A of a draw X = L·A·Aᵀ·Lᵀ is drawn from
// the df alone, so the seed holds it for the matrix parameter; for df, A
// is recovered as chol(L⁻¹XL⁻ᵀ) and each diagonal c_i = A_ii² ~ χ²(ν-i)
// moves at a fixed quantile (quantileHeld), the rest of A held.
// covarianceOf maps the matrix parameter of one 3×3 matrix to Σ = LLᵀ.
func wishartHeld(covarianceOf func(m []float64, n int) []float64) func(*testing.T, autodiff.Family, []*tensor.Dense, *tensor.Dense, *tensor.Dense) [][]float64 {
	chi2 := quantileHeld(func(x float64, p []float64) (float64, float64) {
		return tensor.GammaIncP(p[0]/2, x/2), tensor.GammaIncQ(p[0]/2, x/2)
	})
	return func(t *testing.T, f autodiff.Family, ps []*tensor.Dense, x, w *tensor.Dense) [][]float64 {
		const n = 3
		out := seededFD(t, f, ps, w)
		df := ps[0].Float64s()
		l := cholesky(covarianceOf(ps[1].Float64s(), n), n)
		xv := f64s(t, x)
		out[0] = make([]float64, len(df))
		for e := range len(xv) / (n * n) {
			b := e % len(df)
			a := cholesky(solveLower(l, transpose(solveLower(l, xv[e*n*n:(e+1)*n*n], n), n), n), n)
			da := make([]float64, n*n)
			for i := range n {
				c := a[i*n+i] * a[i*n+i]
				dc := chi2(t, f, []*tensor.Dense{tensor.Scalar(df[b] - float64(i))}, tensor.Scalar(c), tensor.Scalar(1.0))[0][0]
				da[i*n+i] = dc / (2 * a[i*n+i])
			}
			m := matmul(da, transpose(a, n), n)
			for i, v := range transpose(m, n) {
				m[i] += v
			}
			dx := matmul(matmul(l, m, n), transpose(l, n), n)
			for i, v := range dx {
				out[0][b] += w.Float64s()[e*n*n+i] * v
			}
		}
		return out
	}
}

func scaleOfCov(m []float64, _ int) []float64 { return m }

func scaleOfTril(m []float64, n int) []float64 { return matmul(m, transpose(m, n), n) }

// scaleOfPrecision inverts a precision matrix P = RRᵀ: P⁻¹ = R⁻ᵀR⁻¹.
func scaleOfPrecision(m []float64, n int) []float64 {
	eye := make([]float64, n*n)
	for i := range n {
		eye[i*n+i] = 1
	}
	ri := solveLower(cholesky(m, n), eye, n)
	return matmul(transpose(ri, n), ri, n)
}

// cholesky returns the lower factor of a symmetric positive-definite n×n
// matrix.
func cholesky(a []float64, n int) []float64 {
	l := make([]float64, n*n)
	for i := range n {
		for j := range i + 1 {
			s := a[i*n+j]
			for k := range j {
				s -= l[i*n+k] * l[j*n+k]
			}
			if i == j {
				l[i*n+i] = math.Sqrt(s)
			} else {
				l[i*n+j] = s / l[j*n+j]
			}
		}
	}
	return l
}

// solveLower returns L⁻¹B for lower-triangular L, both n×n.
func solveLower(l, b []float64, n int) []float64 {
	x := make([]float64, n*n)
	for c := range n {
		for i := range n {
			s := b[i*n+c]
			for k := range i {
				s -= l[i*n+k] * x[k*n+c]
			}
			x[i*n+c] = s / l[i*n+i]
		}
	}
	return x
}

func transpose(a []float64, n int) []float64 {
	t := make([]float64, n*n)
	for i := range n {
		for j := range n {
			t[j*n+i] = a[i*n+j]
		}
	}
	return t
}

func matmul(a, b []float64, n int) []float64 {
	c := make([]float64, n*n)
	for i := range n {
		for j := range n {
			for k := range n {
				c[i*n+j] += a[i*n+k] * b[k*n+j]
			}
		}
	}
	return c
}
