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

// derivedSlice is derived for a function computed over the whole
// parameter at once (a vector kernel), kept in the family's dtype T.
type derivedSlice[T tensor.Float] struct {
	once sync.Once
	v    []T
}

// of returns f(dst, data of p), computing it on the first call; p's dtype
// is T (checked at construction).
func (d *derivedSlice[T]) of(p *tensor.Dense, f func(dst, src []T)) []T {
	d.once.Do(func() {
		src, _ := tensor.Floats[T](p)
		v := make([]T, len(src))
		f(v, src)
		d.v = v
	})
	return d.v
}

// keptKernel is the kernel k fed, when no gradient is wanted, with f over
// the whole parameter p, computed on the first call and kept: a
// parameter-only term that a repeated LogProb need not recompute. The
// gradient path, used once per distribution by RSampleGrad, gets nil and
// takes its own.
func keptKernel[T tensor.Float](p *tensor.Dense, f func(dst, src []T), k func(*kargs[T], []T)) kernel[T] {
	var kept derivedSlice[T]
	return func(a *kargs[T]) {
		var v []T
		if a.grad == nil {
			v = kept.of(p, f)
		}
		k(a, v)
	}
}
