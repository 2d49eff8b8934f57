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

// Lgamma returns log|Γ(x)| elementwise; its derivative is a Digamma node.
func Lgamma(x *G.Node) (*G.Node, error) { return applySpecial(lgamma, x) }

// Digamma returns ψ(x) elementwise; its derivative is a Trigamma node.
func Digamma(x *G.Node) (*G.Node, error) { return applySpecial(digamma, x) }

// Trigamma returns ψ₁(x) elementwise. It has no derivative here (no
// tetragamma): differentiating it is an error.
func Trigamma(x *G.Node) (*G.Node, error) { return applySpecial(trigamma, x) }

// Softplus returns log(1 + eˣ) elementwise, accurate over the whole real
// line (gorgonia's returns x above 16); its derivative is σ(x).
func Softplus(x *G.Node) (*G.Node, error) { return applySpecial(softplus, x) }

// LogSigmoid returns log σ(x) = -softplus(-x) elementwise, accurate in both
// tails; its derivative is σ(-x).
func LogSigmoid(x *G.Node) (*G.Node, error) { return applySpecial(logSigmoid, x) }

type specialKind int

const (
	lgamma specialKind = iota
	digamma
	trigamma
	softplus
	logSigmoid
	sigmoid    // σ(x), Softplus'
	sigmoidNeg // σ(-x), LogSigmoid'
)

// specials are the scalar functions (tensordist's own, shared with the
// eager kernels) and the kind of each one's derivative (none: -1).
var specials = [...]struct {
	name  string
	f     func(float64) float64
	deriv specialKind
}{
	lgamma:     {"lgamma", tensor.Lgamma, digamma},
	digamma:    {"digamma", tensor.Digamma, trigamma},
	trigamma:   {"trigamma", tensor.Trigamma, -1},
	softplus:   {"softplus", tensor.Softplus, sigmoid},
	logSigmoid: {"log_sigmoid", tensor.LogSigmoid, sigmoidNeg},
	sigmoid:    {"sigmoid", tensor.Sigmoid, -1},
	sigmoidNeg: {"sigmoid_neg", func(x float64) float64 { return tensor.Sigmoid(-x) }, -1},
}

// specialOp applies specials[kind] elementwise: a → a.
type specialOp struct{ kind specialKind }

func applySpecial(k specialKind, x *G.Node) (*G.Node, error) {
	if x == nil {
		return nil, fmt.Errorf("autodiff: %s: nil input", specials[k].name)
	}
	if !tensor.IsFloat(x.Dtype()) {
		return nil, fmt.Errorf("autodiff: %s: input has dtype %v, want float64 or float32", specials[k].name, x.Dtype())
	}
	return apply(specialOp{k}, x)
}

func (op specialOp) Do(vs ...G.Value) (G.Value, error) {
	if len(vs) != 1 {
		return nil, fmt.Errorf("autodiff: %v takes 1 input, got %d", op, len(vs))
	}
	x, err := denseOf(vs[0])
	if err != nil {
		return nil, err
	}
	return valueOf(op.eval(x, specials[op.kind].f))
}

// eval maps f over x into a new array of x's shape and dtype.
func (op specialOp) eval(x *tensor.Dense, f func(float64) float64) *tensor.Dense {
	if x.Dtype() == tensor.Float32 {
		return mapInto[float32](x, f)
	}
	return mapInto[float64](x, f)
}

func mapInto[T tensor.Float](x *tensor.Dense, f func(float64) float64) *tensor.Dense {
	src, _ := tensor.Floats[T](x) // dtype checked when the node was built
	out, dst := tensor.Alloc[T](shape.Clone(x.Shape()))
	for i, v := range src {
		dst[i] = T(f(float64(v)))
	}
	return out
}

func (op specialOp) DiffWRT(int) []bool { return []bool{true} }

// SymDiff returns upstream ⊙ f'(x), f' being the derivative kind's node.
func (op specialOp) SymDiff(in G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	d := specials[op.kind].deriv
	if d < 0 {
		return nil, fmt.Errorf("autodiff: %v: derivative not implemented", op)
	}
	fp, err := apply(specialOp{d}, in[0])
	if err != nil {
		return nil, err
	}
	var g *G.Node
	if in[0].IsScalar() {
		g, err = G.Mul(grad, fp) // Mul of scalars; HadamardProd wants tensors
	} else {
		g, err = G.HadamardProd(grad, fp)
	}
	if err != nil {
		return nil, fmt.Errorf("autodiff: %v: %w", op, err)
	}
	return G.Nodes{g}, nil
}

// DoDiff adds upstream·f'(x) to x's gradient.
func (op specialOp) DoDiff(_ G.ExecutionContext, in G.Nodes, out *G.Node) error {
	d := specials[op.kind].deriv
	if d < 0 {
		return fmt.Errorf("autodiff: %v: derivative not implemented", op)
	}
	x, err := denseOf(in[0].Value())
	if err != nil {
		return err
	}
	upv, err := out.Grad()
	if err != nil {
		return err
	}
	up, err := denseOf(upv)
	if err != nil {
		return err
	}
	fp := op.eval(x, specials[d].f)
	u, _ := tensor.Float64s(up)
	if x.Dtype() == tensor.Float32 {
		mulBy[float32](fp, u)
	} else {
		mulBy[float64](fp, u)
	}
	dx, err := in[0].Grad()
	if err != nil {
		return err
	}
	return accumulate(dx, fp)
}

// mulBy multiplies d elementwise by u, of d's size.
func mulBy[T tensor.Float](d *tensor.Dense, u []float64) {
	s, _ := tensor.Floats[T](d)
	for i := range s {
		s[i] = T(float64(s[i]) * u[i])
	}
}

func (op specialOp) Arity() int { return 1 }

func (op specialOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(a, a)
}

func (op specialOp) InferShape(ds ...G.DimSizer) (gt.Shape, error) {
	if len(ds) != 1 {
		return nil, fmt.Errorf("autodiff: %v takes 1 input, got %d", op, len(ds))
	}
	s, ok := ds[0].(gt.Shape)
	if !ok {
		return nil, fmt.Errorf("autodiff: %v: input shape is a %T", op, ds[0])
	}
	return s.Clone(), nil
}

func (op specialOp) ReturnsPtr() bool      { return false }
func (op specialOp) CallsExtern() bool     { return false }
func (op specialOp) OverwritesInput() int  { return -1 }
func (op specialOp) String() string        { return specials[op.kind].name }
func (op specialOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "tensordist.%s", specials[op.kind].name) }
func (op specialOp) Hashcode() uint32      { return hashcode(op) }
