package distributions

import (
	"fmt"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// ConjugateUpdater is Pyro's conjugate_update (experimental there): for a
// density f of this family and g of other, ConjugateUpdate returns fg and
// the log normaliser c, shaped fg's batch shape, such that
//
//	f.log_prob(x) + g.log_prob(x) = fg.log_prob(x) + c
//
// where c = A(f) + A(g) − A(fg), A being the log normaliser of the
// family's density. Beta, Gamma and Dirichlet implement it.
type ConjugateUpdater interface {
	ConjugateUpdate(other Distribution) (Distribution, *tensor.Dense, error)
}

// ConjugateUpdate is Pyro's f.conjugate_update(g) through the wrappers: a
// Masked f masks the update and zeroes the log normaliser where the mask
// is false; an Independent f updates its base with g.to_event(−n) and sums
// the log normaliser over the n reinterpreted dims (what Pyro 1.8.6's
// Independent means to do; its own raises on a misspelt attribute); an
// Expanded f expands the update. The result has the broadcast of f's and
// g's batch shapes.
func ConjugateUpdate(f, g Distribution) (Distribution, *tensor.Dense, error) {
	switch d := f.(type) {
	case *Masked:
		fg, c, err := ConjugateUpdate(d.base, g)
		if err != nil {
			return nil, nil, err
		}
		if d.mask == nil {
			if d.keep {
				return fg, c, nil
			}
			return MaskAll(fg, false), zeros(c.Dtype(), tensor.ShapeOf(c)), nil
		}
		if fg, err = Mask(fg, d.mask); err != nil {
			return nil, nil, err
		}
		if c, err = d.apply(c); err != nil {
			return nil, nil, err
		}
		return fg, c, nil
	case *Independent:
		base, err := ToEvent(g, -d.n)
		if err != nil {
			return nil, nil, err
		}
		fg, c, err := ConjugateUpdate(d.base, base)
		if err != nil {
			return nil, nil, err
		}
		if fg, err = ToEvent(fg, d.n); err != nil {
			return nil, nil, err
		}
		if c, err = sumRightmost(c, d.n); err != nil {
			return nil, nil, err
		}
		return fg, c, nil
	case *Expanded:
		fg, c, err := ConjugateUpdate(d.base, g)
		if err != nil {
			return nil, nil, err
		}
		return expandUpdate(fg, c, d.batch)
	case ConjugateUpdater:
		fg, c, err := d.ConjugateUpdate(g)
		if err != nil {
			return nil, nil, err
		}
		batch, err := shape.Broadcast(f.BatchShape(), g.BatchShape())
		if err != nil {
			return nil, nil, fmt.Errorf("conjugate_update: %w", err)
		}
		return expandUpdate(fg, c, batch)
	}
	return nil, nil, fmt.Errorf("conjugate_update: %T has none: %w", f, ErrUnsupported)
}

// expandUpdate expands fg and broadcasts c to batch when they are smaller.
func expandUpdate(fg Distribution, c *tensor.Dense, batch []int) (Distribution, *tensor.Dense, error) {
	if shape.Equal(fg.BatchShape(), batch) {
		return fg, c, nil
	}
	fg, err := Expand(fg, batch)
	if err != nil {
		return nil, nil, err
	}
	if c, err = broadcastFloat(c, batch); err != nil {
		return nil, nil, err
	}
	return fg, c, nil
}
