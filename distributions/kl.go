package distributions

import (
	"errors"
	"fmt"
	"reflect"
	"sync"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// ErrNoKL is returned by KL for a pair of types with no registered
// divergence (torch's NotImplementedError).
var ErrNoKL = errors.New("no KL divergence registered for the pair")

// KLFunc computes KL(p ‖ q), shaped broadcast(p.BatchShape(), q.BatchShape()).
type KLFunc func(p, q Distribution) (*tensor.Dense, error)

type klKey struct{ p, q reflect.Type }

var (
	klMu    sync.RWMutex
	klPairs = map[klKey]KLFunc{}
)

// RegisterKL registers f as KL(p ‖ q) for p of type P and q of type Q
// (torch's register_kl); a later registration replaces an earlier one.
// Dispatch is by the exact dynamic types: Go has no subclasses, and the
// wrappers (Independent, Masked) are handled by KL itself.
func RegisterKL[P, Q Distribution](f func(p P, q Q) (*tensor.Dense, error)) {
	klMu.Lock()
	defer klMu.Unlock()
	klPairs[klKey{reflect.TypeFor[P](), reflect.TypeFor[Q]()}] = func(p, q Distribution) (*tensor.Dense, error) {
		return f(p.(P), q.(Q))
	}
}

// KL returns the Kullback–Leibler divergence KL(p ‖ q), shaped
// broadcast(p.BatchShape(), q.BatchShape()), +Inf where q's support does not
// cover p's.
//
// Beyond the registered pairs it follows Pyro's rules: Independent‖
// Independent peels the min(n_p, n_q) shared event dims, recurses on the
// rest and sums over them; Masked‖Masked combines the masks (false wins)
// and gives exactly 0 where the combined mask is false.
func KL(p, q Distribution) (*tensor.Dense, error) {
	klMu.RLock()
	f, ok := klPairs[klKey{reflect.TypeOf(p), reflect.TypeOf(q)}]
	klMu.RUnlock()
	if ok {
		return f(p, q)
	}
	switch pp := p.(type) {
	case *Independent:
		if qq, ok := q.(*Independent); ok {
			return klIndependent(pp, qq)
		}
	case *Masked:
		if qq, ok := q.(*Masked); ok {
			return klMasked(pp, qq)
		}
	}
	return nil, fmt.Errorf("kl: %T and %T: %w", p, q, ErrNoKL)
}

// klIndependent is Pyro's rule: the shared reinterpreted dims are summed
// after the divergence of what remains (whichever side has more event dims
// keeps them as an Independent).
func klIndependent(p, q *Independent) (*tensor.Dense, error) {
	n := min(p.n, q.n)
	pb, err := ToEvent(p, -n)
	if err != nil {
		return nil, err
	}
	qb, err := ToEvent(q, -n)
	if err != nil {
		return nil, err
	}
	k, err := KL(pb, qb)
	if err != nil {
		return nil, err
	}
	return sumRightmost(k, n)
}

// klMasked is Pyro's KL of two masked distributions: a false mask (either
// side) gives 0 there, true masks give the plain divergence.
func klMasked(p, q *Masked) (*tensor.Dense, error) {
	if (p.mask == nil && !p.keep) || (q.mask == nil && !q.keep) {
		batch, err := shape.Broadcast(p.batch, q.batch)
		if err != nil {
			return nil, fmt.Errorf("kl: %w", err)
		}
		return zeros(p.Dtype(), batch), nil
	}
	k, err := KL(p.base, q.base)
	if err != nil {
		return nil, err
	}
	for _, m := range []*Masked{p, q} {
		if m.mask != nil {
			if k, err = m.apply(k); err != nil {
				return nil, err
			}
		}
	}
	return k, nil
}

// klScalar evaluates a divergence between two scalar families element by
// element: f gets p's and q's parameters at one element of the broadcast
// batch, in their names' order.
func klScalar(p, q *elementwise, f func(pp, qp []float64) float64) (*tensor.Dense, error) {
	if p.dtype != q.dtype {
		return nil, fmt.Errorf("kl: %s is %v, %s is %v: %w", p.family, p.dtype, q.family, q.dtype, ErrDType)
	}
	batch, err := shape.Broadcast(p.batch, q.batch)
	if err != nil {
		return nil, fmt.Errorf("kl: %s and %s: %w", p.family, q.family, err)
	}
	ps, qs := make([][]float64, len(p.params)), make([][]float64, len(q.params))
	for i, t := range p.params {
		ps[i], _ = tensor.Float64s(t)
	}
	for i, t := range q.params {
		qs[i], _ = tensor.Float64s(t)
	}
	plan, err := shape.NewPlan(batch, append(append([][]int{}, p.pshapes...), q.pshapes...)...)
	if err != nil {
		return nil, fmt.Errorf("kl: %w", err)
	}
	out := make([]float64, shape.Size(batch))
	pa, qa := make([]float64, len(ps)), make([]float64, len(qs))
	for r := range plan.Runs() {
		for i := range r.N {
			for k, v := range ps {
				pa[k] = v[r.Off[1+k]+i*r.Step[1+k]]
			}
			for k, v := range qs {
				qa[k] = v[r.Off[1+len(ps)+k]+i*r.Step[1+len(ps)+k]]
			}
			out[r.Off[0]+i] = f(pa, qa)
		}
	}
	if p.dtype == tensor.Float32 {
		return fromFloat64s[float32](out, batch), nil
	}
	return fromFloat64s[float64](out, batch), nil
}
