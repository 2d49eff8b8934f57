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

// rsampleGradOp is the TapeMachine's backward op of an RSample node for
// parameter wrt: (draws, params..., upstream) → ∂(Σ upstream·x)/∂θ.
type rsampleGradOp struct {
	fwd rsampleOp
	wrt int
}

func (op rsampleGradOp) Do(vs ...G.Value) (G.Value, error) {
	n := len(op.fwd.shapes)
	if len(vs) != n+2 {
		return nil, fmt.Errorf("autodiff: %v takes %d inputs, got %d", op, n+2, len(vs))
	}
	g, err := op.fwd.run.take(op.wrt, vs[n+1], func() ([]*tensor.Dense, error) { return op.fwd.vjp(vs[1:n+1], vs[0], vs[n+1]) })
	if err != nil {
		return nil, err
	}
	return valueOf(g)
}

func (op rsampleGradOp) Arity() int { return len(op.fwd.shapes) + 2 }

// Type: draws, params..., upstream → the type of parameter wrt.
func (op rsampleGradOp) Type() hm.Type {
	ts := op.fwd.types()
	out := ts[len(ts)-1]
	return hm.NewFnType(append(append([]hm.Type{out}, ts...), ts[op.wrt])...)
}

func (op rsampleGradOp) InferShape(...G.DimSizer) (gt.Shape, error) {
	return gt.Shape(shape.Clone(op.fwd.shapes[op.wrt])), nil
}

func (op rsampleGradOp) ReturnsPtr() bool     { return false }
func (op rsampleGradOp) CallsExtern() bool    { return false }
func (op rsampleGradOp) OverwritesInput() int { return -1 }
func (op rsampleGradOp) String() string {
	return fmt.Sprintf("∂%v/∂%s", op.fwd, op.fwd.fam.Params[op.wrt])
}

func (op rsampleGradOp) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "grad %d of ", op.wrt)
	op.fwd.WriteHash(h)
}

func (op rsampleGradOp) Hashcode() uint32 { return hashcode(op) }

func (op rsampleGradOp) DiffWRT(n int) []bool { return make([]bool, n) }

func (op rsampleGradOp) SymDiff(G.Nodes, *G.Node, *G.Node) (G.Nodes, error) {
	return nil, fmt.Errorf("autodiff: %v: no second derivatives", op)
}
