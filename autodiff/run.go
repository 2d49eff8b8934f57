package autodiff

import (
	G "gorgonia.org/gorgonia"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// run is a node's state across runs of the machine.
//
// It links a forward op to its backward ops. gorgonia ops have one output,
// so the TapeMachine runs one backward op per differentiable input, and
// each would call the family's VJP kernel, which computes every partial in
// one pass. The first backward op of a run computes them all; the others
// take theirs from here. The forward op's Do starts a new generation, so no
// partial outlives its run, even when the inputs were updated in place (a
// solver's Step) and their values are the same pointers as before.
//
// A machine runs its ops one at a time; a graph is not run by two machines
// at once (gorgonia does not support it either).
type run struct {
	gen   uint64          // forward evaluations so far
	at    uint64          // the generation of grads
	up    G.Value         // the upstream gradient grads were computed with
	grads []*tensor.Dense // one per input, each handed out once
	buf   *tensor.Dense   // LogProbSum's log-probs, which never leave the op
}

// logProb returns log p(x) of d, written into buf when d can (the fused
// sum then allocates no N-sized array per run).
func (r *run) logProb(d distributions.Distribution, x *tensor.Dense) (*tensor.Dense, error) {
	into, ok := d.(distributions.LogProbIntoer)
	if !ok {
		return d.LogProb(x)
	}
	out, err := shape.CheckValue(x.Shape(), d.BatchShape(), d.EventShape())
	if err != nil {
		return nil, err
	}
	if r.buf == nil || r.buf.Dtype() != d.Dtype() || !shape.Equal(r.buf.Shape(), out) {
		if d.Dtype() == tensor.Float32 {
			r.buf, _ = tensor.Alloc[float32](out)
		} else {
			r.buf, _ = tensor.Alloc[float64](out)
		}
	}
	return r.buf, into.LogProbInto(r.buf, x)
}

// take returns partial k for upstream up, computing every partial with vjp
// unless this run has already done so.
func (r *run) take(k int, up G.Value, vjp func() ([]*tensor.Dense, error)) (*tensor.Dense, error) {
	if r.at != r.gen || r.up != up || r.grads == nil || r.grads[k] == nil {
		grads, err := vjp()
		if err != nil {
			return nil, err
		}
		r.at, r.up, r.grads = r.gen, up, grads
	}
	g := r.grads[k]
	r.grads[k] = nil // handed out: the graph owns it now
	return g, nil
}
