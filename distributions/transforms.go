package distributions

import (
	"fmt"
	"math"

	gt "gorgonia.org/tensor"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// A Transform is one of torch.distributions.transforms' maps y = f(x),
// for TransformedDistribution: Exp, Sigmoid, Tanh, Softplus, Affine,
// Power, StickBreaking, CorrCholesky (bijections with a log|det J|), and
// Softmax and LowerCholesky (forward and inverse only: torch 1.13 gives
// them no log_abs_det_jacobian). A transform acts on the rightmost
// DomainEventDim dims of x and returns values whose rightmost
// CodomainEventDim dims are one event; the dims to the left are a batch
// that broadcasts with its parameters (Affine, Power).
//
// The set is closed (an unexported method): TransformedDistribution needs
// every transform's analytic derivatives, which the concrete types carry.
type Transform interface {
	fmt.Stringer
	// DomainEventDim and CodomainEventDim are torch's
	// domain.event_dim and codomain.event_dim.
	DomainEventDim() int
	CodomainEventDim() int
	// ForwardShape is the shape of Forward's result for an input of shape
	// s, InverseShape that of Inverse's; an ErrShape error when s does not
	// fit (too few dims, a size that is no triangular number, parameters
	// that do not broadcast).
	ForwardShape(s []int) ([]int, error)
	InverseShape(s []int) ([]int, error)
	// Forward is f(x); Inverse is f⁻¹(y) (for Softmax, torch's log y).
	Forward(x *tensor.Dense) (*tensor.Dense, error)
	Inverse(y *tensor.Dense) (*tensor.Dense, error)
	// Params returns the parameters by torch name (Affine's loc and
	// scale, Power's exponent), as given; empty for the others.
	Params() map[string]*tensor.Dense

	kernel() transformKernel
}

// A BijectiveTransform has torch's log_abs_det_jacobian: log|det ∂y/∂x|
// at x and y = f(x), shaped like x without its DomainEventDim rightmost
// dims (CorrCholesky's is taken with respect to the strictly lower
// triangle of y, Stan's convention, as torch does).
type BijectiveTransform interface {
	Transform
	LogAbsDetJacobian(x, y *tensor.Dense) (*tensor.Dense, error)
}

// A MonotoneTransform is an event-dim-0 bijection with torch's sign: +1
// where it increases, -1 where it decreases, shaped like its parameters
// (a scalar for parameter-free transforms). TransformedDistribution's CDF
// and ICDF need every transform to have one.
type MonotoneTransform interface {
	Transform
	Sign() *tensor.Dense
}

// transformKernel is a transform's numerical side, all in float64 over
// contiguous row-major arrays. Inside TransformedDistribution every x
// already has the full broadcast shape, so that x and f(x) line up element
// by element (or event by event).
type transformKernel interface {
	name() string // the JSON type, "exp", …
	domainED() int
	codomainED() int
	forwardShape(s []int) ([]int, error)
	inverseShape(s []int) ([]int, error)
	// fwd returns f(x) for x of shape xs and its shape; inv likewise.
	fwd(x []float64, xs []int) ([]float64, []int, error)
	inv(y []float64, ys []int) ([]float64, []int, error)
	// hasLADJ reports whether torch defines log_abs_det_jacobian;
	// bijective whether Inverse recovers x (not Softmax's log y).
	hasLADJ() bool
	bijective() bool
	// ladj returns log|det J| at x (shape xs, broadcast with the
	// parameters) and y = f(x), shaped xs without domainED dims.
	ladj(x []float64, xs []int, y []float64) []float64
	// invVJP returns gy = gx·∂x/∂y − w·∂L/∂y for x = f⁻¹(y), L the ladj
	// as a function of y, and adds gx·∂x/∂θ − w·∂L/∂θ (y fixed) into gp,
	// one accumulator per parameter in its own shape. gx has x's shape
	// xs, w the ladj's (nil: no ladj term).
	invVJP(x []float64, xs []int, y []float64, ys []int, gx, w []float64, gp [][]float64) []float64
	// fwdVJP returns gx = gy·∂y/∂x and adds gy·∂y/∂θ (x fixed) into gp.
	fwdVJP(x []float64, xs []int, y []float64, ys []int, gy []float64, gp [][]float64) []float64
	// violations calls bad(event, elem, got) for each event of y (shape
	// ys; events are ys without codomainED dims) outside the codomain,
	// with the flat index of an offending element and its value (a row
	// sum or norm for a simplex or a correlation Cholesky factor), until
	// bad returns false. NaN entries are violations.
	violations(y []float64, ys []int, bad func(event, elem int, got float64) bool)
	rule() string
	params() []transformParam
	equal(o transformKernel) bool
}

// ladjFromY is a transform whose log|det J| at (f⁻¹(y), y) is cheaper
// written in y alone: TransformedDistribution's log_prob, which starts from
// y, uses it. The value is the same function (the identities are in the
// transforms' comments), differing only by rounding.
type ladjFromY interface {
	ladjY(y []float64, ys []int) []float64
}

// transformParam is one parameter of a transform: its torch name, the
// array as given and its data widened to float64.
type transformParam struct {
	name  string
	t     *tensor.Dense
	data  []float64
	shape []int
}

// newTransformParams checks that the parameters are floating arrays of one
// dtype whose shapes broadcast, and widens them.
func newTransformParams(family string, names []string, ts []*tensor.Dense) ([]transformParam, error) {
	ps := make([]transformParam, len(ts))
	shapes := make([][]int, len(ts))
	for i, t := range ts {
		if tensor.IsNil(t) {
			return nil, fmt.Errorf("%s: %s is nil: %w", family, names[i], ErrParam)
		}
		if !tensor.IsFloat(t.Dtype()) || t.Dtype() != ts[0].Dtype() {
			return nil, fmt.Errorf("%s: %s has dtype %v, want float64 or float32 shared by every parameter: %w", family, names[i], t.Dtype(), ErrDType)
		}
		data, err := tensor.Float64s(t)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", family, names[i], err)
		}
		shapes[i] = tensor.ShapeOf(t)
		ps[i] = transformParam{name: names[i], t: t, data: data, shape: shapes[i]}
	}
	if _, err := shape.Broadcast(shapes...); err != nil {
		return nil, fmt.Errorf("%s: %s: %w", family, joinNames(names), err)
	}
	return ps, nil
}

// transformParamMap is Params for a kernel's parameters.
func transformParamMap(ps []transformParam) map[string]*tensor.Dense {
	m := make(map[string]*tensor.Dense, len(ps))
	for _, p := range ps {
		m[p.name] = p.t
	}
	return m
}

// applyTransform is Forward (inverse false) or Inverse of any transform on
// an array of any floating dtype: computed in float64, returned in x's
// dtype, which must be the parameters' when the transform has any.
func applyTransform(k transformKernel, x *tensor.Dense, inverse bool) (*tensor.Dense, error) {
	if tensor.IsNil(x) {
		return nil, fmt.Errorf("%s transform: nil input: %w", k.name(), ErrShape)
	}
	if err := checkTransformDtype(k, x.Dtype()); err != nil {
		return nil, err
	}
	data, err := tensor.Float64s(x)
	if err != nil {
		return nil, fmt.Errorf("%s transform: %w", k.name(), err)
	}
	f := k.fwd
	if inverse {
		f = k.inv
	}
	out, s, err := f(data, tensor.ShapeOf(x))
	if err != nil {
		return nil, err
	}
	return tfDense(x.Dtype(), out, s), nil
}

// ladjOf is LogAbsDetJacobian of any bijective transform: x and y (and the
// parameters) broadcast together first.
func ladjOf(k transformKernel, x, y *tensor.Dense) (*tensor.Dense, error) {
	if tensor.IsNil(x) || tensor.IsNil(y) {
		return nil, fmt.Errorf("%s transform: nil input: %w", k.name(), ErrShape)
	}
	if x.Dtype() != y.Dtype() {
		return nil, fmt.Errorf("%s transform: x has dtype %v, y %v: %w", k.name(), x.Dtype(), y.Dtype(), ErrDType)
	}
	if err := checkTransformDtype(k, x.Dtype()); err != nil {
		return nil, err
	}
	xs, ys := tensor.ShapeOf(x), tensor.ShapeOf(y)
	// Align x with y's inverse shape: both then have the full shape of the
	// transform's domain.
	want, err := k.inverseShape(ys)
	if err != nil {
		return nil, err
	}
	full, err := shape.Broadcast(xs, want)
	if err != nil {
		return nil, fmt.Errorf("%s transform: x and y: %w", k.name(), err)
	}
	yfull, err := k.forwardShape(full)
	if err != nil {
		return nil, err
	}
	xd, err := tensor.Float64s(x)
	if err != nil {
		return nil, err
	}
	yd, err := tensor.Float64s(y)
	if err != nil {
		return nil, err
	}
	xb, err := tfBroadcast(xd, xs, full)
	if err != nil {
		return nil, fmt.Errorf("%s transform: x: %w", k.name(), err)
	}
	yb, err := tfBroadcast(yd, ys, yfull)
	if err != nil {
		return nil, fmt.Errorf("%s transform: y: %w", k.name(), err)
	}
	out := k.ladj(xb, full, yb)
	return tfDense(x.Dtype(), out, full[:len(full)-k.domainED()]), nil
}

// checkTransformDtype requires a transform with parameters to be applied to
// values of its parameters' dtype.
func checkTransformDtype(k transformKernel, dt gt.Dtype) error {
	if !tensor.IsFloat(dt) {
		return fmt.Errorf("%s transform: values of dtype %v, want float64 or float32: %w", k.name(), dt, ErrDType)
	}
	for _, p := range k.params() {
		if p.t.Dtype() != dt {
			return fmt.Errorf("%s transform: %s has dtype %v, values %v: %w", k.name(), p.name, p.t.Dtype(), dt, ErrDType)
		}
	}
	return nil
}

// tfDense returns data of shape s as an array of dtype dt (float64 data is
// kept, float32 rounded once).
func tfDense(dt gt.Dtype, data []float64, s []int) *tensor.Dense {
	if dt == tensor.Float32 {
		return fromFloat64s[float32](data, s)
	}
	d, _ := tensor.New(data, shape.Clone(s)...)
	return d
}

// tfBroadcast returns data, of shape from, broadcast to shape to: data
// itself when the shapes are equal (read-only to the caller), else a copy.
func tfBroadcast(data []float64, from, to []int) ([]float64, error) {
	if shape.Equal(from, to) {
		return data, nil
	}
	p, err := shape.NewPlan(to, from)
	if err != nil {
		return nil, err
	}
	out := make([]float64, p.Size())
	for r := range p.Runs() {
		for i := range r.N {
			out[r.Off[0]+i] = data[r.Off[1]+i*r.Step[1]]
		}
	}
	return out, nil
}

// tfSum is a compensated running sum (Neumaier's variant of Kahan's):
// torch's 1 − cumsum(y) of a simplex or of squared row entries, to within
// an ulp of the exact remainder instead of losing the digits cancellation
// takes.
type tfSum struct{ s, c float64 }

func (a *tfSum) add(v float64) {
	t := a.s + v
	if math.Abs(a.s) >= math.Abs(v) {
		a.c += (a.s - t) + v
	} else {
		a.c += (v - t) + a.s
	}
	a.s = t
}

// oneMinus is 1 − the running sum.
func (a *tfSum) oneMinus() float64 { return (1 - a.s) - a.c }
