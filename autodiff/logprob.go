package autodiff

import (
	"fmt"
	"hash"
	"hash/fnv"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	gt "gorgonia.org/tensor"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// LogProb returns a node of log p(x) under family f with the given
// parameter nodes (in f.Params' order), shaped
// broadcast(x.shape[:-len(event)], batch) as the eager LogProb is. Its
// backward pass is the family's LogProbVJP; constant inputs get none.
func LogProb(f Family, x *G.Node, params ...*G.Node) (*G.Node, error) {
	return logProb(f, nil, false, x, params)
}

// LogProbSum returns a scalar node of Σ log p(x), the usual loss term:
// one node, and no N-sized gradient of a separate Sum in the backward pass.
func LogProbSum(f Family, x *G.Node, params ...*G.Node) (*G.Node, error) {
	return logProb(f, nil, true, x, params)
}

// MaskedLogProb is LogProb of distributions.Mask(d, mask): log p(x) where
// the bool mask is true and exactly 0 where it is false (the mask
// broadcasts with the batch shape and may grow it). A masked entry
// contributes exactly 0 to every gradient, even where its log p is -Inf or
// NaN. The op reads mask on every run: changing its contents in place
// changes the mask.
func MaskedLogProb(f Family, mask *tensor.Dense, x *G.Node, params ...*G.Node) (*G.Node, error) {
	if mask == nil {
		return nil, fmt.Errorf("autodiff: %s: nil mask", f.Name)
	}
	return logProb(f, mask, false, x, params)
}

// MaskedLogProbSum is the scalar sum of MaskedLogProb.
func MaskedLogProbSum(f Family, mask *tensor.Dense, x *G.Node, params ...*G.Node) (*G.Node, error) {
	if mask == nil {
		return nil, fmt.Errorf("autodiff: %s: nil mask", f.Name)
	}
	return logProb(f, mask, true, x, params)
}

// logProbOp is the fused log-prob node; its inputs are (x, params...).
type logProbOp struct {
	fam    Family
	mask   *tensor.Dense // nil: unmasked
	sum    bool          // output Σ log p, a scalar
	dt     gt.Dtype      // of the parameters and the output
	xdt    gt.Dtype      // of x: dt, or int64 indices
	shapes [][]int       // x, then the parameters
	out    []int         // the output's shape: () when sum
	diff   []bool        // per input: false for constants and indices
	run    *run
}

func logProb(f Family, mask *tensor.Dense, sum bool, x *G.Node, params []*G.Node) (*G.Node, error) {
	if f.New == nil || len(params) == 0 || len(params) != len(f.Params) {
		return nil, fmt.Errorf("autodiff: %s takes %d parameters %v, got %d", f.Name, len(f.Params), f.Params, len(params))
	}
	inputs := append([]*G.Node{x}, params...)
	for i, n := range inputs {
		if n == nil {
			return nil, fmt.Errorf("autodiff: %s: input %d is nil", f.Name, i)
		}
	}
	dt := params[0].Dtype()
	if !tensor.IsFloat(dt) {
		return nil, fmt.Errorf("autodiff: %s: parameters have dtype %v, want float64 or float32: %w", f.Name, dt, distributions.ErrDType)
	}
	for i, n := range inputs {
		ok := n.Dtype() == dt || (i == 0 && f.Indices && n.Dtype() == tensor.Int64 && isConstant(n))
		if !ok {
			return nil, fmt.Errorf("autodiff: %s: node %v has dtype %v, the parameters %v (every node of one dtype): %w", f.Name, n, n.Dtype(), dt, distributions.ErrDType)
		}
	}
	op := &logProbOp{fam: f, mask: mask, sum: sum, dt: dt, xdt: x.Dtype(), shapes: shapesOf(inputs), run: &run{}}
	for _, n := range inputs {
		op.diff = append(op.diff, !isConstant(n) && n.Dtype() == dt)
	}
	// Build the distribution once now, to learn the output shape and to fail
	// here rather than on the first run.
	ps, err := probe(params)
	if err != nil {
		return nil, err
	}
	d, err := op.build(ps)
	if err != nil {
		return nil, err
	}
	if op.out, err = shape.CheckValue(op.shapes[0], d.BatchShape(), d.EventShape()); err != nil {
		return nil, fmt.Errorf("autodiff: %s: %w", f.Name, err)
	}
	if lacking := nonGrader(d); lacking != nil {
		return nil, fmt.Errorf("autodiff: %s (%T) has no analytic gradient (distributions.LogProbGrader): %w", f.Name, lacking, distributions.ErrUnsupported)
	}
	if sum {
		op.out = []int{}
	}
	return apply(*op, inputs...)
}

// nonGrader returns the first of d and the distributions it wraps (Masked,
// Expanded, Independent, Transformed: Base()) that has no analytic
// gradient, or nil: a wrapper's LogProbVJP needs its base's.
func nonGrader(d distributions.Distribution) distributions.Distribution {
	for {
		if _, ok := d.(distributions.LogProbGrader); !ok {
			return d
		}
		w, ok := d.(interface {
			Base() distributions.Distribution
		})
		if !ok {
			return nil
		}
		d = w.Base()
	}
}

// build returns the (masked) distribution of parameter values ps.
func (op logProbOp) build(ps []*tensor.Dense) (distributions.Distribution, error) {
	d, err := op.fam.New(ps)
	if err != nil {
		return nil, err
	}
	if op.mask != nil {
		return distributions.Mask(d, op.mask)
	}
	return d, nil
}

// eval converts the input values and builds the distribution.
func (op logProbOp) eval(vs []G.Value) (distributions.Distribution, *tensor.Dense, error) {
	if len(vs) != len(op.shapes) {
		return nil, nil, fmt.Errorf("autodiff: %v takes %d inputs, got %d", op, len(op.shapes), len(vs))
	}
	ds := make([]*tensor.Dense, len(vs))
	for i, v := range vs {
		var err error
		if ds[i], err = denseOf(v); err != nil {
			return nil, nil, err
		}
	}
	d, err := op.build(ds[1:])
	return d, ds[0], err
}

func (op logProbOp) Do(vs ...G.Value) (G.Value, error) {
	op.run.gen++
	d, x, err := op.eval(vs)
	if err != nil {
		return nil, err
	}
	if !op.sum {
		lp, err := d.LogProb(x)
		if err != nil {
			return nil, err
		}
		return valueOf(lp)
	}
	lp, err := op.run.logProb(d, x)
	if err != nil {
		return nil, err
	}
	var s float64
	if op.dt == tensor.Float32 {
		s, err = tensor.Sum[float32](lp)
	} else {
		s, err = tensor.Sum[float64](lp)
	}
	return scalarOf(op.dt, s), err
}

// vjp returns the partials of Σ up·log p with respect to every input (nil
// for those not differentiated), each in its input's shape.
func (op logProbOp) vjp(vs []G.Value, up G.Value) ([]*tensor.Dense, error) {
	d, x, err := op.eval(vs)
	if err != nil {
		return nil, err
	}
	w, scale, err := upstream(up)
	if err != nil {
		return nil, err
	}
	g, err := d.(distributions.LogProbGrader).LogProbVJP(x, w)
	if err != nil {
		return nil, err
	}
	out := make([]*tensor.Dense, len(vs))
	for k := range out {
		if !op.diff[k] {
			continue
		}
		if k == 0 {
			out[k] = g.Value
		} else {
			out[k] = g.Params[op.fam.Params[k-1]]
		}
		if out[k] == nil {
			return nil, fmt.Errorf("autodiff: %s gave no gradient for input %d: %w", op.fam.Name, k, distributions.ErrUnsupported)
		}
		if scale != 1 {
			scaleBy(out[k], scale)
		}
	}
	return out, nil
}

// DiffWRT (gorgonia's SDOp): constants get no backward op at all, so the
// tape, which runs every node, does no work for observed data.
func (op logProbOp) DiffWRT(int) []bool { return op.diff }

// SymDiff returns one backward op per differentiable input, each reading
// (x, params..., upstream).
func (op logProbOp) SymDiff(in G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	ret := make(G.Nodes, len(in))
	children := append(append(G.Nodes{}, in...), grad)
	for k := range in {
		if !op.diff[k] {
			continue
		}
		var err error
		if ret[k], err = apply(logProbGradOp{fwd: op, wrt: k}, children...); err != nil {
			return nil, err
		}
	}
	return ret, nil
}

// DoDiff (gorgonia's ADOp, the LispMachine): one VJP, added to the inputs'
// gradients.
func (op logProbOp) DoDiff(_ G.ExecutionContext, in G.Nodes, out *G.Node) error {
	up, err := out.Grad()
	if err != nil {
		return err
	}
	vs := make([]G.Value, len(in))
	for i, n := range in {
		vs[i] = n.Value()
	}
	grads, err := op.vjp(vs, up)
	if err != nil {
		return err
	}
	for k, n := range in {
		if !op.diff[k] {
			continue
		}
		d, err := n.Grad()
		if err != nil {
			return err
		}
		if err := accumulate(d, grads[k]); err != nil {
			return err
		}
	}
	return nil
}

func (op logProbOp) Arity() int { return len(op.shapes) }

func (op logProbOp) Type() hm.Type { return hm.NewFnType(op.types()...) }

// types are the hm types of the inputs (x, params...), then the output's.
func (op logProbOp) types() []hm.Type {
	ts := make([]hm.Type, 0, len(op.shapes)+2)
	for i, s := range op.shapes {
		dt := op.dt
		if i == 0 {
			dt = op.xdt
		}
		ts = append(ts, nodeType(dt, len(s)))
	}
	return append(ts, nodeType(op.dt, len(op.out)))
}

func (op logProbOp) InferShape(...G.DimSizer) (gt.Shape, error) {
	return gt.Shape(shape.Clone(op.out)), nil
}
func (op logProbOp) ReturnsPtr() bool     { return false }
func (op logProbOp) CallsExtern() bool    { return false }
func (op logProbOp) OverwritesInput() int { return -1 }

func (op logProbOp) String() string {
	s := op.fam.Name + ".log_prob"
	if op.sum {
		s += "_sum"
	}
	if op.mask != nil {
		s = "masked " + s
	}
	return s
}

// WriteHash writes every semantic of the op: gorgonia merges nodes of
// equal hash and children. The mask counts by identity.
func (op logProbOp) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "tensordist.LogProb %s %v %v %v %v %v %v %v", op.fam.Name, op.fam.Params, op.dt, op.xdt, op.shapes, op.out, op.diff, op.sum)
	if op.mask != nil {
		fmt.Fprintf(h, " mask %p %v", op.mask, op.mask.Shape())
	}
}

func (op logProbOp) Hashcode() uint32 { return hashcode(op) }

func hashcode(op interface{ WriteHash(hash.Hash) }) uint32 {
	h := fnv.New32a()
	op.WriteHash(h)
	return h.Sum32()
}
