package autodiff

import (
	"fmt"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// The ready-made multivariate families: their parameters and values carry
// event dims last (K categories, an n-vector, an n×n matrix), and a
// log-prob node has the shape broadcast(x.shape[:-len(event)], batch).
// Matrix gradients follow testdata/golden/SCHEMA.md: covariance_matrix and
// precision_matrix get the symmetric gradient, scale_tril's upper entries
// are not free parameters.
var (
	Dirichlet                   = family1("Dirichlet", "concentration", distributions.NewDirichlet)
	MultivariateNormal          = family2("MultivariateNormal", "loc", "covariance_matrix", distributions.NewMultivariateNormal)
	MultivariateNormalPrecision = family2("MultivariateNormalPrecision", "loc", "precision_matrix", distributions.NewMultivariateNormalPrecision)
	MultivariateNormalScaleTril = family2("MultivariateNormalScaleTril", "loc", "scale_tril", distributions.NewMultivariateNormalScaleTril)
	LowRankMultivariateNormal   = family3("LowRankMultivariateNormal", "loc", "cov_factor", "cov_diag", distributions.NewLowRankMultivariateNormal)
	LogisticNormal              = family2("LogisticNormal", "loc", "scale", distributions.NewLogisticNormal)

	// The one-hot families take values as one-hot float vectors of the
	// parameter's dtype; the straight-through variant's RSample passes the
	// gradient of the probabilities through the one-hot draw (a biased
	// surrogate, not the derivative of the draw).
	OneHotCategoricalProbs                 = family1("OneHotCategoricalProbs", "probs", distributions.NewOneHotCategorical)
	OneHotCategoricalLogits                = family1("OneHotCategoricalLogits", "logits", distributions.NewOneHotCategoricalLogits)
	OneHotCategoricalStraightThroughProbs  = family1("OneHotCategoricalStraightThroughProbs", "probs", distributions.NewOneHotCategoricalStraightThrough)
	OneHotCategoricalStraightThroughLogits = family1("OneHotCategoricalStraightThroughLogits", "logits", distributions.NewOneHotCategoricalStraightThroughLogits)
	RelaxedOneHotCategoricalProbs          = family2("RelaxedOneHotCategoricalProbs", "temperature", "probs", distributions.NewRelaxedOneHotCategorical)
	RelaxedOneHotCategoricalLogits         = family2("RelaxedOneHotCategoricalLogits", "temperature", "logits", distributions.NewRelaxedOneHotCategoricalLogits)

	// Wishart's df is a parameter node like the matrix; its values must stay
	// above p-1 (the constructor refuses others, validating or not).
	Wishart          = family2("Wishart", "df", "covariance_matrix", distributions.NewWishart)
	WishartPrecision = family2("WishartPrecision", "df", "precision_matrix", distributions.NewWishartPrecision)
	WishartScaleTril = family2("WishartScaleTril", "df", "scale_tril", distributions.NewWishartScaleTril)
)

// MultinomialProbs is the family of multinomials of totalCount draws (an
// integer fixed with the family, as torch's total_count is a plain number)
// whose probabilities are the rows of probs; values are count vectors as
// floats.
func MultinomialProbs(totalCount int) Family {
	return family1(fmt.Sprintf("MultinomialProbs(%d)", totalCount), "probs", func(p *tensor.Dense, opts ...distributions.Option) (*distributions.Multinomial, error) {
		return distributions.NewMultinomial(totalCount, p, opts...)
	})
}

// MultinomialLogits is MultinomialProbs given logits.
func MultinomialLogits(totalCount int) Family {
	return family1(fmt.Sprintf("MultinomialLogits(%d)", totalCount), "logits", func(p *tensor.Dense, opts ...distributions.Option) (*distributions.Multinomial, error) {
		return distributions.NewMultinomialLogits(totalCount, p, opts...)
	})
}

// LKJCholesky is the family of LKJ distributions over dim×dim correlation
// Cholesky factors (dim fixed with the family) of concentration η.
func LKJCholesky(dim int) Family {
	return family1(fmt.Sprintf("LKJCholesky(%d)", dim), "concentration", func(p *tensor.Dense, opts ...distributions.Option) (*distributions.LKJCholesky, error) {
		return distributions.NewLKJCholesky(dim, p, opts...)
	})
}
