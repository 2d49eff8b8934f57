package distributions

import (
	"sync"

	"github.com/seed39ad66a2/tensordist/tensor"
)

// derived is an array computed elementwise from one parameter on first use
// and kept (log Γ(α), log β, …), so that repeated LogProb calls on one
// distribution pay for its transcendental functions once, as torch's
// lazy_property does for probs and logits. Parameters are never written
// after construction, so the array stays valid; it is indexed like the
// parameter it came from, and a distribution and its Expand share it.
// Safe for concurrent use.
type derived struct {
	once sync.Once
	v    []float64
}

// of returns f of every element of p, in float64 whatever p's dtype,
// computing it on the first call.
func (d *derived) of(p *tensor.Dense, f func(float64) float64) []float64 {
	d.once.Do(func() {
		xs, _ := tensor.Float64s(p) // a copy for float32; the dtype was checked at construction
		v := make([]float64, len(xs))
		for i, x := range xs {
			v[i] = f(x)
		}
		d.v = v
	})
	return d.v
}
