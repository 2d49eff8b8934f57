package autodiff

import (
	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// A Family says how a graph op builds the eager distribution from the
// values of its parameter nodes.
type Family struct {
	// Name identifies the family in op hashes (gorgonia merges nodes whose
	// ops hash alike): two different families need different names.
	Name string
	// Params are the torch names of New's arguments, in order; they key
	// distributions.Gradient.Params and RSampleVJP's result.
	Params []string
	// Indices lets the value be an int64 array of category indices
	// (Categorical); it is then never differentiated.
	Indices bool
	// New builds the distribution; it must implement
	// distributions.LogProbGrader for LogProb, and RSampler and
	// PathwiseGrader for RSample. It is called on every run of the graph,
	// and once at graph-building time (with the nodes' values, or ones
	// where a node has no value yet) to learn the shapes.
	New func(params []*tensor.Dense) (distributions.Distribution, error)
}

// The ready-made families: every family of package distributions with
// analytic gradients (distributions.LogProbGrader), validation off.
var (
	Normal         = family2("Normal", "loc", "scale", distributions.NewNormal)
	Cauchy         = family2("Cauchy", "loc", "scale", distributions.NewCauchy)
	Laplace        = family2("Laplace", "loc", "scale", distributions.NewLaplace)
	Gumbel         = family2("Gumbel", "loc", "scale", distributions.NewGumbel)
	LogNormal      = family2("LogNormal", "loc", "scale", distributions.NewLogNormal)
	HalfNormal     = family1("HalfNormal", "scale", distributions.NewHalfNormal)
	HalfCauchy     = family1("HalfCauchy", "scale", distributions.NewHalfCauchy)
	Exponential    = family1("Exponential", "rate", distributions.NewExponential)
	Pareto         = family2("Pareto", "scale", "alpha", distributions.NewPareto)
	Uniform        = family2("Uniform", "low", "high", distributions.NewUniform)
	Weibull        = family2("Weibull", "scale", "concentration", distributions.NewWeibull)
	VonMises       = family2("VonMises", "loc", "concentration", distributions.NewVonMises)
	Gamma          = family2("Gamma", "concentration", "rate", distributions.NewGamma)
	Chi2           = family1("Chi2", "df", distributions.NewChi2)
	Beta           = family2("Beta", "concentration1", "concentration0", distributions.NewBeta)
	Kumaraswamy    = family2("Kumaraswamy", "concentration1", "concentration0", distributions.NewKumaraswamy)
	StudentT       = family3("StudentT", "df", "loc", "scale", distributions.NewStudentT)
	FisherSnedecor = family2("FisherSnedecor", "df1", "df2", distributions.NewFisherSnedecor)
	Poisson        = family1("Poisson", "rate", distributions.NewPoisson)

	BernoulliProbs            = family1("BernoulliProbs", "probs", distributions.NewBernoulli)
	BernoulliLogits           = family1("BernoulliLogits", "logits", distributions.NewBernoulliLogits)
	ContinuousBernoulliProbs  = family1("ContinuousBernoulliProbs", "probs", distributions.NewContinuousBernoulli)
	ContinuousBernoulliLogits = family1("ContinuousBernoulliLogits", "logits", distributions.NewContinuousBernoulliLogits)
	GeometricProbs            = family1("GeometricProbs", "probs", distributions.NewGeometric)
	GeometricLogits           = family1("GeometricLogits", "logits", distributions.NewGeometricLogits)
	RelaxedBernoulliProbs     = family2("RelaxedBernoulliProbs", "temperature", "probs", distributions.NewRelaxedBernoulli)
	RelaxedBernoulliLogits    = family2("RelaxedBernoulliLogits", "temperature", "logits", distributions.NewRelaxedBernoulliLogits)

	// The count families take total_count as a parameter node: a constant
	// node when it is data (the usual case), a variable when its gradient
	// (Binomial: log(1-p); NegativeBinomial: ψ(r+k) - ψ(r) + log(1-p)) is
	// wanted.
	BinomialProbs          = family2("BinomialProbs", "total_count", "probs", distributions.NewBinomial)
	BinomialLogits         = family2("BinomialLogits", "total_count", "logits", distributions.NewBinomialLogits)
	NegativeBinomialProbs  = family2("NegativeBinomialProbs", "total_count", "probs", distributions.NewNegativeBinomial)
	NegativeBinomialLogits = family2("NegativeBinomialLogits", "total_count", "logits", distributions.NewNegativeBinomialLogits)

	// The categoricals take an event dim K last in their parameter; their
	// value may be int64 indices (constant) or floats of the parameter's dtype.
	CategoricalProbs  = categorical("CategoricalProbs", "probs", distributions.NewCategorical)
	CategoricalLogits = categorical("CategoricalLogits", "logits", distributions.NewCategoricalLogits)
)

// Families lists the ready-made families. Multinomial and LKJCholesky,
// which take an integer besides their tensors, are built by
// MultinomialProbs(n), MultinomialLogits(n) and LKJCholesky(dim) instead.
func Families() []Family {
	return []Family{
		Normal, Cauchy, Laplace, Gumbel, LogNormal, HalfNormal, HalfCauchy, Exponential,
		Pareto, Uniform, Weibull, VonMises, Gamma, Chi2, Beta, Kumaraswamy, StudentT, FisherSnedecor,
		BernoulliProbs, BernoulliLogits, ContinuousBernoulliProbs, ContinuousBernoulliLogits,
		GeometricProbs, GeometricLogits, RelaxedBernoulliProbs, RelaxedBernoulliLogits,
		Poisson, BinomialProbs, BinomialLogits, NegativeBinomialProbs, NegativeBinomialLogits,
		CategoricalProbs, CategoricalLogits,
		Dirichlet, MultivariateNormal, MultivariateNormalPrecision, MultivariateNormalScaleTril,
		LowRankMultivariateNormal, OneHotCategoricalProbs, OneHotCategoricalLogits,
		OneHotCategoricalStraightThroughProbs, OneHotCategoricalStraightThroughLogits,
		RelaxedOneHotCategoricalProbs, RelaxedOneHotCategoricalLogits,
		Wishart, WishartPrecision, WishartScaleTril, LogisticNormal,
	}
}

// noValidation: the graph rebuilds the distribution on every run, from
// values an optimiser produced; checking them each time would cost a pass.
var noValidation = distributions.WithValidation(false)

type constructor[D distributions.Distribution] func(p *tensor.Dense, opts ...distributions.Option) (D, error)

func family1[D distributions.Distribution](name, p string, f constructor[D]) Family {
	return Family{Name: name, Params: []string{p}, New: func(ps []*tensor.Dense) (distributions.Distribution, error) {
		d, err := f(ps[0], noValidation)
		if err != nil { // a nil *Normal in an interface is not a nil interface
			return nil, err
		}
		return d, nil
	}}
}

func family2[D distributions.Distribution](name, p, q string, f func(p, q *tensor.Dense, opts ...distributions.Option) (D, error)) Family {
	return Family{Name: name, Params: []string{p, q}, New: func(ps []*tensor.Dense) (distributions.Distribution, error) {
		d, err := f(ps[0], ps[1], noValidation)
		if err != nil {
			return nil, err
		}
		return d, nil
	}}
}

func family3[D distributions.Distribution](name, p, q, r string, f func(p, q, r *tensor.Dense, opts ...distributions.Option) (D, error)) Family {
	return Family{Name: name, Params: []string{p, q, r}, New: func(ps []*tensor.Dense) (distributions.Distribution, error) {
		d, err := f(ps[0], ps[1], ps[2], noValidation)
		if err != nil {
			return nil, err
		}
		return d, nil
	}}
}

func categorical[D distributions.Distribution](name, p string, f constructor[D]) Family {
	fam := family1(name, p, f)
	fam.Indices = true
	return fam
}
