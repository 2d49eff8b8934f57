package distributions

import (
	"fmt"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// KL between two transformed distributions (torch's
// _kl_transformed_transformed): a bijection leaves the divergence
// unchanged, so with equal transform lists (torch's __eq__: the same kinds
// with equal parameters) and equal event shapes it is the bases'
// divergence; otherwise there is none (an ErrNoKL error, as torch raises
// NotImplementedError). LogisticNormal, a TransformedDistribution subclass
// in torch, takes the same rule against either.
func init() {
	RegisterKL(func(p, q *Transformed) (*tensor.Dense, error) { return klTransformed(p, q) })
	RegisterKL(func(p, q *LogisticNormal) (*tensor.Dense, error) { return klTransformed(p.td, q.td) })
	RegisterKL(func(p *LogisticNormal, q *Transformed) (*tensor.Dense, error) { return klTransformed(p.td, q) })
	RegisterKL(func(p *Transformed, q *LogisticNormal) (*tensor.Dense, error) { return klTransformed(p, q.td) })
}

func klTransformed(p, q *Transformed) (*tensor.Dense, error) {
	if len(p.kerns) != len(q.kerns) {
		return nil, fmt.Errorf("kl: transformed distributions with %d and %d transforms: %w", len(p.kerns), len(q.kerns), ErrNoKL)
	}
	for k := range p.kerns {
		if !p.kerns[k].equal(q.kerns[k]) {
			return nil, fmt.Errorf("kl: transformed distributions whose transforms[%d] differ (%v, %v): %w", k, p.transforms[k], q.transforms[k], ErrNoKL)
		}
	}
	if !shape.Equal(p.event, q.event) {
		return nil, fmt.Errorf("kl: transformed distributions with event shapes %s and %s: %w", shape.Format(p.event), shape.Format(q.event), ErrNoKL)
	}
	return KL(p.base, q.base)
}
