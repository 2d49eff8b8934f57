package autodiff

import (
	"fmt"
	"hash"
	"math"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	gt "gorgonia.org/tensor"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// LogSumExp returns log Σ_k exp(x[..., k]) over x's last dim, the node of a
// mixture's or an enumerated sum's log-likelihood: shape x.shape[:-1], a
// scalar for a vector. It subtracts the maximum first, so it neither
// overflows nor underflows, and a row of −Inf gives −Inf. Its gradient is
// upstream ⊙ softmax(x), 0 where a whole row is −Inf. (gorgonia's own
// LogSumExp adds the maximum inside the logarithm, and does not broadcast
// the subtraction, so it is not usable.)
func LogSumExp(x *G.Node) (*G.Node, error) {
	if x == nil {
		return nil, fmt.Errorf("autodiff: logsumexp: nil input")
	}
	if !tensor.IsFloat(x.Dtype()) {
		return nil, fmt.Errorf("autodiff: logsumexp: input has dtype %v, want float64 or float32", x.Dtype())
	}
	if x.Dims() == 0 {
		return nil, fmt.Errorf("autodiff: logsumexp of a scalar node: %w", shape.ErrShape)
	}
	return apply(logSumExpOp{dt: x.Dtype(), in: shape.Clone(x.Shape())}, x)
}

// logSumExpOp reduces its input's last dim; logSumExpGradOp is its
// backward pass, (x, lse, upstream) → upstream ⊙ exp(x − lse).
type (
	logSumExpOp struct {
		dt gt.Dtype
		in []int
	}
	logSumExpGradOp struct{ logSumExpOp }
)

func (op logSumExpOp) out() []int { return op.in[:len(op.in)-1] }

func (op logSumExpOp) Do(vs ...G.Value) (G.Value, error) {
	if len(vs) != 1 {
		return nil, fmt.Errorf("autodiff: %v takes 1 input, got %d", op, len(vs))
	}
	x, err := denseOf(vs[0])
	if err != nil {
		return nil, err
	}
	var res *tensor.Dense
	if op.dt == tensor.Float32 {
		res, err = tensor.LogSumExp[float32](x)
	} else {
		res, err = tensor.LogSumExp[float64](x)
	}
	if err != nil {
		return nil, fmt.Errorf("autodiff: %v: %w", op, err)
	}
	return valueOf(res)
}

func (op logSumExpOp) DiffWRT(int) []bool { return []bool{true} }

func (op logSumExpOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	g, err := apply(logSumExpGradOp{op}, in[0], out, grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{g}, nil
}

func (op logSumExpOp) DoDiff(_ G.ExecutionContext, in G.Nodes, out *G.Node) error {
	up, err := out.Grad()
	if err != nil {
		return err
	}
	g, err := logSumExpGradOp{op}.Do(in[0].Value(), out.Value(), up)
	if err != nil {
		return err
	}
	gd, err := denseOf(g)
	if err != nil {
		return err
	}
	dx, err := in[0].Grad()
	if err != nil {
		return err
	}
	return accumulate(dx, gd)
}

func (op logSumExpOp) Arity() int { return 1 }
func (op logSumExpOp) Type() hm.Type {
	return hm.NewFnType(nodeType(op.dt, len(op.in)), nodeType(op.dt, len(op.in)-1))
}
func (op logSumExpOp) InferShape(...G.DimSizer) (gt.Shape, error) { return gt.Shape(op.out()), nil }
func (op logSumExpOp) ReturnsPtr() bool                           { return false }
func (op logSumExpOp) CallsExtern() bool                          { return false }
func (op logSumExpOp) OverwritesInput() int                       { return -1 }
func (op logSumExpOp) String() string                             { return "logsumexp" }
func (op logSumExpOp) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "tensordist.logsumexp%v%v", op.dt, op.in)
}
func (op logSumExpOp) Hashcode() uint32 { return hashcode(op) }

func (op logSumExpGradOp) Do(vs ...G.Value) (G.Value, error) {
	if len(vs) != 3 {
		return nil, fmt.Errorf("autodiff: %v takes 3 inputs, got %d", op, len(vs))
	}
	var ds [3][]float64
	for i, v := range vs {
		d, err := denseOf(v)
		if err != nil {
			return nil, err
		}
		if ds[i], err = tensor.Float64s(d); err != nil {
			return nil, err
		}
	}
	x, lse, up := ds[0], ds[1], ds[2]
	k := op.in[len(op.in)-1]
	g := make([]float64, len(x))
	for r := range lse {
		for j := r * k; j < (r+1)*k; j++ {
			// exp(−Inf − (−Inf)) is NaN: a row of −Inf has no mass to share.
			if u := up[r%len(up)]; u != 0 && !math.IsInf(lse[r], -1) {
				g[j] = u * math.Exp(x[j]-lse[r])
			}
		}
	}
	if op.dt == tensor.Float32 {
		res, dst := tensor.Alloc[float32](op.in)
		for i, v := range g {
			dst[i] = float32(v)
		}
		return valueOf(res)
	}
	res, err := tensor.New(g, op.in...)
	if err != nil {
		return nil, err
	}
	return valueOf(res)
}

func (op logSumExpGradOp) DiffWRT(int) []bool { return []bool{false, false, false} }
func (op logSumExpGradOp) SymDiff(G.Nodes, *G.Node, *G.Node) (G.Nodes, error) {
	return nil, fmt.Errorf("autodiff: %v: second derivatives are not implemented", op)
}
func (op logSumExpGradOp) Arity() int { return 3 }
func (op logSumExpGradOp) Type() hm.Type {
	x, o := nodeType(op.dt, len(op.in)), nodeType(op.dt, len(op.in)-1)
	return hm.NewFnType(x, o, o, x)
}
func (op logSumExpGradOp) InferShape(...G.DimSizer) (gt.Shape, error) {
	return gt.Shape(shape.Clone(op.in)), nil
}
func (op logSumExpGradOp) String() string { return "logsumexp_grad" }
func (op logSumExpGradOp) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "tensordist.logsumexp_grad%v%v", op.dt, op.in)
}
func (op logSumExpGradOp) Hashcode() uint32 { return hashcode(op) }
