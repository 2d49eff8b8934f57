package autodiff

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	gt "gorgonia.org/tensor"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// logProbGradOp is the TapeMachine's backward op of a log-prob node for
// input wrt: (x, params..., upstream) → ∂(Σ upstream·log p)/∂input, in the
// input's shape. The backward ops of one node share one VJP per run.
type logProbGradOp struct {
	fwd logProbOp
	wrt int
}

func (op logProbGradOp) Do(vs ...G.Value) (G.Value, error) {
	n := len(op.fwd.shapes)
	if len(vs) != n+1 {
		return nil, fmt.Errorf("autodiff: %v takes %d inputs, got %d", op, n+1, len(vs))
	}
	g, err := op.fwd.run.take(op.wrt, vs[n], func() ([]*tensor.Dense, error) { return op.fwd.vjp(vs[:n], vs[n]) })
	if err != nil {
		return nil, err
	}
	return valueOf(g)
}

func (op logProbGradOp) Arity() int { return len(op.fwd.shapes) + 1 }

// Type: inputs..., upstream (of the output's type) → the type of input wrt.
func (op logProbGradOp) Type() hm.Type {
	ts := op.fwd.types()
	return hm.NewFnType(append(ts, ts[op.wrt])...)
}

func (op logProbGradOp) InferShape(...G.DimSizer) (gt.Shape, error) {
	return gt.Shape(shape.Clone(op.fwd.shapes[op.wrt])), nil
}

func (op logProbGradOp) ReturnsPtr() bool     { return false }
func (op logProbGradOp) CallsExtern() bool    { return false }
func (op logProbGradOp) OverwritesInput() int { return -1 }
func (op logProbGradOp) String() string       { return fmt.Sprintf("∂%v/∂in%d", op.fwd, op.wrt) }

func (op logProbGradOp) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "grad %d of ", op.wrt)
	op.fwd.WriteHash(h)
}

func (op logProbGradOp) Hashcode() uint32 { return hashcode(op) }

// DiffWRT and SymDiff: no second derivatives. Declaring every input
// non-differentiable (rather than not being an SDOp) keeps a later G.Grad
// call on the same graph from failing on these nodes.
func (op logProbGradOp) DiffWRT(n int) []bool { return make([]bool, n) }

func (op logProbGradOp) SymDiff(G.Nodes, *G.Node, *G.Node) (G.Nodes, error) {
	return nil, fmt.Errorf("autodiff: %v: no second derivatives", op)
}
