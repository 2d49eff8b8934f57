package autodiff_test

import (
	"math"
	"math/rand/v2"

	gt "gorgonia.org/tensor"

	"github.com/seed39ad66a2/tensordist/autodiff"
	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// A famCase draws, for shape variant v of variants, a value inside the
// family's support and parameters (in Params' order) inside its parameter
// space, of dtype dt; the variants broadcast parameters against each
// other and against the value.
type famCase struct {
	fam      autodiff.Family
	variants int
	draw     func(r *rand.Rand, dt gt.Dtype, v int) (x *tensor.Dense, ps []*tensor.Dense)
}

type gen = func(*rand.Rand) float64

var (
	anyReal = uniform(-2, 2)
	locGen  = uniform(-1, 1)
	pos     = uniform(0.5, 2)
	posX    = uniform(0.1, 3)
	unit    = uniform(0.1, 0.9)
	logit   = uniform(-2, 2)
	binary  = integers(0, 1)
	counts  = integers(0, 5)
)

// scalarShapes are a scalar family's variants: the value's shape, then up
// to three parameter shapes.
var scalarShapes = [][][]int{
	{{2, 3}, {}, {}, {}},
	{{2, 3}, {3}, {2, 1}, {1, 3}},
	{{3, 1}, {1, 4}, {}, {4}},
	{{}, {}, {}, {}},
}

// scalarCase is the case of a family without event dims: x drawn from xg, the
// parameters from ps.
func scalarCase(f autodiff.Family, xg gen, ps ...gen) famCase {
	return famCase{f, len(scalarShapes), func(r *rand.Rand, dt gt.Dtype, v int) (*tensor.Dense, []*tensor.Dense) {
		sc := scalarShapes[v]
		x := fill(dt, r, xg, sc[0]...)
		out := make([]*tensor.Dense, len(ps))
		for i, g := range ps {
			out[i] = fill(dt, r, g, sc[1+i]...)
		}
		return x, out
	}}
}

// multi is the case of a family with event dims: draw returns the value and
// parameters of variant v in float64, converted to dt.
func multi(f autodiff.Family, draw func(r *rand.Rand, v int) (*tensor.Dense, []*tensor.Dense)) famCase {
	return famCase{f, 2, func(r *rand.Rand, dt gt.Dtype, v int) (*tensor.Dense, []*tensor.Dense) {
		x, ps := draw(r, v)
		x = asType(x, dt)
		for i := range ps {
			ps[i] = asType(ps[i], dt)
		}
		return x, ps
	}}
}

// cases cover every ready-made family (TestFamilyCasesCover checks it).
var cases = []famCase{
	scalarCase(autodiff.Normal, anyReal, locGen, pos),
	scalarCase(autodiff.Cauchy, anyReal, locGen, pos),
	scalarCase(autodiff.Laplace, anyReal, locGen, pos),
	scalarCase(autodiff.Gumbel, anyReal, locGen, pos),
	scalarCase(autodiff.LogNormal, posX, locGen, pos),
	scalarCase(autodiff.HalfNormal, posX, pos),
	scalarCase(autodiff.HalfCauchy, posX, pos),
	scalarCase(autodiff.Exponential, posX, pos),
	scalarCase(autodiff.Pareto, uniform(1.1, 3), uniform(0.5, 1), uniform(1, 3)),
	scalarCase(autodiff.Uniform, uniform(-1, 1), uniform(-2, -1), uniform(1, 2)),
	scalarCase(autodiff.Weibull, posX, pos, pos),
	scalarCase(autodiff.VonMises, uniform(-3, 3), locGen, pos),
	scalarCase(autodiff.Gamma, posX, pos, pos),
	scalarCase(autodiff.Chi2, posX, pos),
	scalarCase(autodiff.Beta, uniform(0.05, 0.95), pos, pos),
	scalarCase(autodiff.Kumaraswamy, uniform(0.05, 0.95), pos, pos),
	scalarCase(autodiff.StudentT, anyReal, pos, locGen, pos),
	scalarCase(autodiff.FisherSnedecor, posX, pos, pos),
	scalarCase(autodiff.BernoulliProbs, binary, unit),
	scalarCase(autodiff.BernoulliLogits, binary, logit),
	scalarCase(autodiff.ContinuousBernoulliProbs, uniform(0, 1), unit),
	scalarCase(autodiff.ContinuousBernoulliLogits, uniform(0, 1), logit),
	scalarCase(autodiff.GeometricProbs, counts, unit),
	scalarCase(autodiff.GeometricLogits, counts, logit),
	scalarCase(autodiff.RelaxedBernoulliProbs, uniform(0.05, 0.95), pos, unit),
	scalarCase(autodiff.RelaxedBernoulliLogits, uniform(0.05, 0.95), pos, logit),
	scalarCase(autodiff.Poisson, counts, uniform(0.5, 3)),
	scalarCase(autodiff.BinomialProbs, counts, integers(5, 9), unit),
	scalarCase(autodiff.BinomialLogits, counts, integers(5, 9), logit),
	scalarCase(autodiff.NegativeBinomialProbs, counts, uniform(0.5, 3), unit),
	scalarCase(autodiff.NegativeBinomialLogits, counts, uniform(0.5, 3), logit),
	categorical(autodiff.CategoricalProbs, pos),
	categorical(autodiff.CategoricalLogits, logit),
	multi(autodiff.Dirichlet, func(r *rand.Rand, v int) (*tensor.Dense, []*tensor.Dense) {
		if v == 0 {
			return simplex(r, 2, 3, 4), []*tensor.Dense{fill(tensor.Float64, r, pos, 3, 4)}
		}
		return simplex(r, 4), []*tensor.Dense{fill(tensor.Float64, r, pos, 4)}
	}),
	mvn(autodiff.MultivariateNormal, spd),
	mvn(autodiff.MultivariateNormalPrecision, spd),
	mvn(autodiff.MultivariateNormalScaleTril, tril),
	multi(autodiff.LowRankMultivariateNormal, func(r *rand.Rand, v int) (*tensor.Dense, []*tensor.Dense) {
		if v == 0 {
			return fill(tensor.Float64, r, anyReal, 4, 1, 3), []*tensor.Dense{
				fill(tensor.Float64, r, locGen, 2, 3), fill(tensor.Float64, r, locGen, 3, 2), fill(tensor.Float64, r, pos, 2, 3)}
		}
		return fill(tensor.Float64, r, anyReal, 3), []*tensor.Dense{
			fill(tensor.Float64, r, locGen, 3), fill(tensor.Float64, r, locGen, 2, 3, 1), fill(tensor.Float64, r, pos, 3)}
	}),
	multi(autodiff.LogisticNormal, func(r *rand.Rand, v int) (*tensor.Dense, []*tensor.Dense) {
		if v == 0 {
			return simplex(r, 4, 1, 4), []*tensor.Dense{fill(tensor.Float64, r, locGen, 2, 3), fill(tensor.Float64, r, pos, 3)}
		}
		return simplex(r, 4), []*tensor.Dense{fill(tensor.Float64, r, locGen, 3), fill(tensor.Float64, r, pos)}
	}),
	oneHot(autodiff.OneHotCategoricalProbs, pos),
	oneHot(autodiff.OneHotCategoricalLogits, logit),
	oneHot(autodiff.OneHotCategoricalStraightThroughProbs, pos),
	oneHot(autodiff.OneHotCategoricalStraightThroughLogits, logit),
	relaxedOneHot(autodiff.RelaxedOneHotCategoricalProbs, pos),
	relaxedOneHot(autodiff.RelaxedOneHotCategoricalLogits, logit),
	multinomial(autodiff.MultinomialProbs(5), 5, pos),
	multinomial(autodiff.MultinomialLogits(5), 5, logit),
	multinomial(autodiff.MultinomialProbs(0), 0, pos),
	wishart(autodiff.Wishart, spd),
	wishart(autodiff.WishartPrecision, spd),
	wishart(autodiff.WishartScaleTril, tril),
	multi(autodiff.LKJCholesky(3), func(r *rand.Rand, v int) (*tensor.Dense, []*tensor.Dense) {
		if v == 0 {
			return corrChol(r, 3, 4, 1), []*tensor.Dense{fill(tensor.Float64, r, pos, 2)}
		}
		return corrChol(r, 3), []*tensor.Dense{fill(tensor.Float64, r, pos)}
	}),
}

// categorical: indices as floats against a (3, 4) or (4) parameter.
func categorical(f autodiff.Family, pg gen) famCase {
	return multi(f, func(r *rand.Rand, v int) (*tensor.Dense, []*tensor.Dense) {
		if v == 0 {
			return fill(tensor.Float64, r, integers(0, 3), 2, 3), []*tensor.Dense{fill(tensor.Float64, r, pg, 3, 4)}
		}
		return fill(tensor.Float64, r, integers(0, 3)), []*tensor.Dense{fill(tensor.Float64, r, pg, 4)}
	})
}

func oneHot(f autodiff.Family, pg gen) famCase {
	return multi(f, func(r *rand.Rand, v int) (*tensor.Dense, []*tensor.Dense) {
		if v == 0 {
			return oneHots(r, 3, 2, 4), []*tensor.Dense{fill(tensor.Float64, r, pg, 2, 4)}
		}
		return oneHots(r, 4), []*tensor.Dense{fill(tensor.Float64, r, pg, 4)}
	})
}

func relaxedOneHot(f autodiff.Family, pg gen) famCase {
	return multi(f, func(r *rand.Rand, v int) (*tensor.Dense, []*tensor.Dense) {
		if v == 0 {
			return simplex(r, 3, 2, 4), []*tensor.Dense{fill(tensor.Float64, r, pos, 3, 1), fill(tensor.Float64, r, pg, 2, 4)}
		}
		return simplex(r, 4), []*tensor.Dense{fill(tensor.Float64, r, pos), fill(tensor.Float64, r, pg, 4)}
	})
}

func multinomial(f autodiff.Family, n int, pg gen) famCase {
	return multi(f, func(r *rand.Rand, v int) (*tensor.Dense, []*tensor.Dense) {
		if v == 0 {
			return countVectors(r, n, 3, 2, 4), []*tensor.Dense{fill(tensor.Float64, r, pg, 2, 4)}
		}
		return countVectors(r, n, 4), []*tensor.Dense{fill(tensor.Float64, r, pg, 4)}
	})
}

// mvn: loc (2, 3) against one matrix (3, 3), x (4, 1, 3); then loc (3)
// against a batch of matrices (2, 3, 3), x (3).
func mvn(f autodiff.Family, matrix func(r *rand.Rand, n int, batch ...int) *tensor.Dense) famCase {
	return multi(f, func(r *rand.Rand, v int) (*tensor.Dense, []*tensor.Dense) {
		if v == 0 {
			return fill(tensor.Float64, r, anyReal, 4, 1, 3), []*tensor.Dense{fill(tensor.Float64, r, locGen, 2, 3), matrix(r, 3)}
		}
		return fill(tensor.Float64, r, anyReal, 3), []*tensor.Dense{fill(tensor.Float64, r, locGen, 3), matrix(r, 3, 2)}
	})
}

// wishart: df (2) against one 3×3 matrix, x (4, 1, 3, 3); then a scalar df
// against (2, 3, 3), x (3, 3).
func wishart(f autodiff.Family, matrix func(r *rand.Rand, n int, batch ...int) *tensor.Dense) famCase {
	return multi(f, func(r *rand.Rand, v int) (*tensor.Dense, []*tensor.Dense) {
		if v == 0 {
			return spd(r, 3, 4, 1), []*tensor.Dense{fill(tensor.Float64, r, uniform(3, 6), 2), matrix(r, 3)}
		}
		return spd(r, 3), []*tensor.Dense{fill(tensor.Float64, r, uniform(3, 6)), matrix(r, 3, 2)}
	})
}

// asType returns a float64 array in dtype dt.
func asType(d *tensor.Dense, dt gt.Dtype) *tensor.Dense {
	if dt == tensor.Float64 {
		return d
	}
	v := d.Float64s()
	f := make([]float32, len(v))
	for i, x := range v {
		f[i] = float32(x)
	}
	out, _ := tensor.New(f, shape.Clone(d.Shape())...)
	return out
}

// rows returns an array of shape batch + (k) whose rows row(r, row) fills.
func rows(k int, batch []int, row func(row []float64)) *tensor.Dense {
	n := shape.Size(batch)
	v := make([]float64, n*k)
	for i := range n {
		row(v[i*k : (i+1)*k])
	}
	d, _ := tensor.New(v, append(shape.Clone(batch), k)...)
	return d
}

// matrices returns an array of shape batch + (n, n) whose matrices fill
// fills.
func matrices(n int, batch []int, fill func(m []float64)) *tensor.Dense {
	d := rows(n*n, batch, fill)
	if err := d.Reshape(append(shape.Clone(batch), n, n)...); err != nil {
		panic(err)
	}
	return d
}

// simplex returns points of the open simplex, the last dim of s.
func simplex(r *rand.Rand, s ...int) *tensor.Dense {
	return rows(s[len(s)-1], s[:len(s)-1], func(row []float64) {
		var sum float64
		for j := range row {
			row[j] = 0.2 + r.Float64()
			sum += row[j]
		}
		for j := range row {
			row[j] /= sum
		}
	})
}

// oneHots returns one-hot rows, the last dim of s.
func oneHots(r *rand.Rand, s ...int) *tensor.Dense {
	return rows(s[len(s)-1], s[:len(s)-1], func(row []float64) { row[r.IntN(len(row))] = 1 })
}

// countVectors returns rows of counts that sum to n.
func countVectors(r *rand.Rand, n int, s ...int) *tensor.Dense {
	return rows(s[len(s)-1], s[:len(s)-1], func(row []float64) {
		for range n {
			row[r.IntN(len(row))]++
		}
	})
}

// spd returns a batch of n×n symmetric positive-definite matrices,
// B·Bᵀ/n + I.
func spd(r *rand.Rand, n int, batch ...int) *tensor.Dense {
	return matrices(n, batch, func(m []float64) {
		b := make([]float64, n*n)
		for i := range b {
			b[i] = 2*r.Float64() - 1
		}
		for i := range n {
			for j := range n {
				for k := range n {
					m[i*n+j] += b[i*n+k] * b[j*n+k] / float64(n)
				}
			}
			m[i*n+i]++
		}
	})
}

// tril returns a batch of n×n lower-triangular matrices with a positive
// diagonal.
func tril(r *rand.Rand, n int, batch ...int) *tensor.Dense {
	return matrices(n, batch, func(m []float64) {
		for i := range n {
			for j := range i {
				m[i*n+j] = r.Float64() - 0.5
			}
			m[i*n+i] = 0.5 + r.Float64()
		}
	})
}

// corrChol returns a batch of n×n Cholesky factors of correlation
// matrices: lower-triangular rows of unit norm with a positive diagonal.
func corrChol(r *rand.Rand, n int, batch ...int) *tensor.Dense {
	return matrices(n, batch, func(m []float64) {
		for i := range n {
			row := m[i*n : i*n+i+1]
			var s float64
			for j := range row {
				row[j] = r.Float64() - 0.5
				if j == i {
					row[j] = 0.5 + r.Float64()
				}
				s += row[j] * row[j]
			}
			for j := range row {
				row[j] /= math.Sqrt(s)
			}
		}
	})
}
