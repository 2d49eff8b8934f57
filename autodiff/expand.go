package autodiff

import (
	"fmt"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Expand returns family f with every distribution expanded to the batch
// shape batch (Pyro's expand): log-prob nodes of the family have batch's
// shape even where the parameters are smaller, RSample draws one value per
// expanded element, and the gradients sum back over the broadcast dims to
// each parameter's own shape. The parameters' batch shape must broadcast
// to batch; a node whose parameters do not is refused when it is built.
func Expand(f Family, batch []int) Family {
	b := shape.Clone(batch)
	return Family{
		Name:    fmt.Sprintf("%s.expand%v", f.Name, b),
		Params:  f.Params,
		Indices: f.Indices,
		New: func(ps []*tensor.Dense) (distributions.Distribution, error) {
			if f.New == nil {
				return nil, fmt.Errorf("autodiff: %s: no constructor", f.Name)
			}
			d, err := f.New(ps)
			if err != nil {
				return nil, err
			}
			return distributions.Expand(d, b)
		},
	}
}
