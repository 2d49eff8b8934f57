package autodiff

import (
	"fmt"
	"hash"
	"math/rand/v2"
	"sync/atomic"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	gt "gorgonia.org/tensor"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// RSample returns a node of reparameterised draws of family f, shaped
// sampleShape + batch + event, for families whose distribution implements
// distributions.RSampler and distributions.PathwiseGrader (see the
// package doc).
// Every run of the machine draws fresh noise from src, which the node
// keeps: the same seed and the same sequence of runs give the same draws.
// The backward pass is RSampleVJP(x, upstream), so the gradient of a loss
// of the draws reaches the parameters (constant parameters get none).
func RSample(f Family, src rand.Source, sampleShape []int, params ...*G.Node) (*G.Node, error) {
	if src == nil {
		return nil, fmt.Errorf("autodiff: %s: rsample: %w", f.Name, tensor.ErrNilSource)
	}
	if f.New == nil || len(params) == 0 || len(params) != len(f.Params) {
		return nil, fmt.Errorf("autodiff: %s takes %d parameters %v, got %d", f.Name, len(f.Params), f.Params, len(params))
	}
	if err := shape.Check(sampleShape); err != nil {
		return nil, fmt.Errorf("autodiff: %s: sample shape: %w", f.Name, err)
	}
	for i, n := range params {
		if n == nil {
			return nil, fmt.Errorf("autodiff: %s: parameter %d is nil", f.Name, i)
		}
	}
	dt := params[0].Dtype()
	for _, n := range params {
		if !tensor.IsFloat(n.Dtype()) || n.Dtype() != dt {
			return nil, fmt.Errorf("autodiff: %s: node %v has dtype %v, want float64 or float32 shared by every parameter: %w", f.Name, n, n.Dtype(), distributions.ErrDType)
		}
	}
	op := rsampleOp{
		fam: f, id: rsampleIDs.Add(1), src: src, sample: shape.Clone(sampleShape),
		dt: dt, shapes: shapesOf(params), run: &run{},
	}
	for _, n := range params {
		op.diff = append(op.diff, !isConstant(n))
	}
	ps, err := probe(params)
	if err != nil {
		return nil, err
	}
	d, err := f.New(ps)
	if err != nil {
		return nil, err
	}
	_, ok1 := d.(distributions.RSampler)
	_, ok2 := d.(distributions.PathwiseGrader)
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("autodiff: %s (%T) has no reparameterised sampler with a pathwise gradient: %w", f.Name, d, distributions.ErrUnsupported)
	}
	op.out = distributions.Shape(d, sampleShape...)
	return apply(op, params...)
}

// rsampleIDs numbers RSample ops: each node draws its own noise, so two of
// equal parameters must never be merged as gorgonia merges equal pure ops.
var rsampleIDs atomic.Uint64

type rsampleOp struct {
	fam    Family
	id     uint64
	src    rand.Source
	sample []int
	dt     gt.Dtype
	shapes [][]int // the parameters'
	out    []int
	diff   []bool
	run    *run
}

// build returns the distribution of parameter values vs.
func (op rsampleOp) build(vs []G.Value) (distributions.Distribution, error) {
	ps := make([]*tensor.Dense, len(vs))
	for i, v := range vs {
		var err error
		if ps[i], err = denseOf(v); err != nil {
			return nil, err
		}
	}
	return op.fam.New(ps)
}

func (op rsampleOp) Do(vs ...G.Value) (G.Value, error) {
	op.run.gen++
	d, err := op.build(vs)
	if err != nil {
		return nil, err
	}
	x, err := d.(distributions.RSampler).RSample(op.src, op.sample...)
	if err != nil {
		return nil, err
	}
	return valueOf(x)
}

// vjp returns ∂(Σ up·x)/∂θ for the draws x of this run, per parameter.
func (op rsampleOp) vjp(params []G.Value, x, up G.Value) ([]*tensor.Dense, error) {
	d, err := op.build(params)
	if err != nil {
		return nil, err
	}
	xd, err := denseOf(x)
	if err != nil {
		return nil, err
	}
	w, err := denseOf(up)
	if err != nil {
		return nil, err
	}
	g, err := d.(distributions.PathwiseGrader).RSampleVJP(xd, w)
	if err != nil {
		return nil, err
	}
	out := make([]*tensor.Dense, len(params))
	for k, name := range op.fam.Params {
		if op.diff[k] {
			if out[k] = g[name]; out[k] == nil {
				return nil, fmt.Errorf("autodiff: %s gave no rsample gradient for %s: %w", op.fam.Name, name, distributions.ErrUnsupported)
			}
		}
	}
	return out, nil
}

func (op rsampleOp) DiffWRT(int) []bool { return op.diff }

// SymDiff returns one backward op per differentiable parameter, each
// reading (draws, params..., upstream).
func (op rsampleOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	ret := make(G.Nodes, len(in))
	children := append(append(G.Nodes{out}, in...), grad)
	for k := range in {
		if !op.diff[k] {
			continue
		}
		var err error
		if ret[k], err = apply(rsampleGradOp{fwd: op, wrt: k}, children...); err != nil {
			return nil, err
		}
	}
	return ret, nil
}

func (op rsampleOp) DoDiff(_ G.ExecutionContext, in G.Nodes, out *G.Node) error {
	up, err := out.Grad()
	if err != nil {
		return err
	}
	vs := make([]G.Value, len(in))
	for i, n := range in {
		vs[i] = n.Value()
	}
	grads, err := op.vjp(vs, out.Value(), up)
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

func (op rsampleOp) Arity() int    { return len(op.shapes) }
func (op rsampleOp) Type() hm.Type { return hm.NewFnType(op.types()...) }

// types are the hm types of the parameters, then the output's.
func (op rsampleOp) types() []hm.Type {
	ts := make([]hm.Type, 0, len(op.shapes)+3)
	for _, s := range op.shapes {
		ts = append(ts, nodeType(op.dt, len(s)))
	}
	return append(ts, nodeType(op.dt, len(op.out)))
}

func (op rsampleOp) InferShape(...G.DimSizer) (gt.Shape, error) {
	return gt.Shape(shape.Clone(op.out)), nil
}
func (op rsampleOp) ReturnsPtr() bool     { return false }
func (op rsampleOp) CallsExtern() bool    { return false }
func (op rsampleOp) OverwritesInput() int { return -1 }
func (op rsampleOp) String() string       { return fmt.Sprintf("%s.rsample#%d", op.fam.Name, op.id) }

func (op rsampleOp) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "tensordist.RSample %s %v #%d %v %v %v %v %v", op.fam.Name, op.fam.Params, op.id, op.sample, op.dt, op.shapes, op.out, op.diff)
}

func (op rsampleOp) Hashcode() uint32 { return hashcode(op) }
