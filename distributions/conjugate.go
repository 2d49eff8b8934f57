package distributions

import "github.com/seed39ad66a2/tensordist/tensor"

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
