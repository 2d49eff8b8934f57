package distributions

import (
	"fmt"
	"math"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// elemFuncs are an element-wise transform's scalar functions; p holds the
// parameters at the element (Affine: loc, scale; Power: exponent).
type elemFuncs struct {
	kind, rule string
	f          func(x float64, p []float64) float64 // y = f(x)
	finv       func(y float64, p []float64) float64 // x = f⁻¹(y)
	ladj       func(x, y float64, p []float64) float64
	// dinv writes ∂x/∂y into d[0] and ∂x/∂θk into d[1+k] (y fixed), and
	// the partials of L(y, θ) = ladj(f⁻¹(y), y) into l alike.
	dinv func(x, y float64, p, d, l []float64)
	// dfwd writes ∂y/∂x into d[0] and ∂y/∂θk into d[1+k] (x fixed).
	dfwd func(x, y float64, p, d []float64)
	in   func(y float64) bool      // the codomain (NaN is outside)
	sign func(p []float64) float64 // nil: +1
}

// elemTransform is the body of the element-wise transforms: y_i depends
// on x_i and the parameters there only. ed is Affine's event_dim (0 for
// the others): log|det J| sums over that many rightmost dims.
type elemTransform struct {
	fn *elemFuncs
	ps []transformParam
	ed int
}

func (t *elemTransform) kernel() transformKernel { return t }
func (t *elemTransform) name() string            { return t.fn.kind }
func (t *elemTransform) rule() string            { return t.fn.rule }
func (t *elemTransform) domainED() int           { return t.ed }
func (t *elemTransform) codomainED() int         { return t.ed }
func (t *elemTransform) hasLADJ() bool           { return true }
func (t *elemTransform) bijective() bool         { return true }
func (t *elemTransform) params() []transformParam {
	return t.ps
}

// DomainEventDim is 0, or Affine's event_dim.
func (t *elemTransform) DomainEventDim() int { return t.ed }

// CodomainEventDim equals DomainEventDim.
func (t *elemTransform) CodomainEventDim() int { return t.ed }

// Params returns the parameters by torch name, as given.
func (t *elemTransform) Params() map[string]*tensor.Dense { return transformParamMap(t.ps) }

// ForwardShape is s broadcast with the parameters' shapes (torch's
// broadcast_shapes); s needs at least event_dim dims.
func (t *elemTransform) ForwardShape(s []int) ([]int, error) { return t.forwardShape(s) }

// InverseShape equals ForwardShape.
func (t *elemTransform) InverseShape(s []int) ([]int, error) { return t.forwardShape(s) }

func (t *elemTransform) inverseShape(s []int) ([]int, error) { return t.forwardShape(s) }

func (t *elemTransform) forwardShape(s []int) ([]int, error) {
	if len(s) < t.ed {
		return nil, fmt.Errorf("%s transform: input of shape %s has fewer than event_dim = %d dims: %w", t.fn.kind, shape.Format(s), t.ed, ErrShape)
	}
	shapes := [][]int{s}
	for _, p := range t.ps {
		shapes = append(shapes, p.shape)
	}
	out, err := shape.Broadcast(shapes...)
	if err != nil {
		return nil, fmt.Errorf("%s transform: %w", t.fn.kind, err)
	}
	return out, nil
}

// Forward is f(x), broadcast with the parameters.
func (t *elemTransform) Forward(x *tensor.Dense) (*tensor.Dense, error) {
	return applyTransform(t, x, false)
}

// Inverse is f⁻¹(y), broadcast with the parameters.
func (t *elemTransform) Inverse(y *tensor.Dense) (*tensor.Dense, error) {
	return applyTransform(t, y, true)
}

// LogAbsDetJacobian is log|dy/dx| element by element, summed over the
// event_dim rightmost dims.
func (t *elemTransform) LogAbsDetJacobian(x, y *tensor.Dense) (*tensor.Dense, error) {
	return ladjOf(t, x, y)
}

// Sign is +1 for the increasing transforms; Affine's is sign(scale) and
// Power's sign(exponent), shaped like the parameter.
func (t *elemTransform) Sign() *tensor.Dense {
	if t.fn.sign == nil {
		return tensor.Scalar(1.0)
	}
	p := t.ps[len(t.ps)-1] // the sign is the last parameter's: scale, or exponent
	out := make([]float64, len(p.data))
	args := make([]float64, len(t.ps))
	for i, v := range p.data {
		args[len(args)-1] = v
		out[i] = t.fn.sign(args)
	}
	return tfDense(p.t.Dtype(), out, p.shape)
}

// signAt returns the sign at every element of shape out (which the
// parameters broadcast to); nil means +1 everywhere.
func (t *elemTransform) signAt(out []int) ([]float64, error) {
	if t.fn.sign == nil {
		return nil, nil
	}
	s := make([]float64, shape.Size(out))
	err := t.walk(out, out, func(o, _ int, p []float64, _ []int) { s[o] = t.fn.sign(p) })
	return s, err
}

// walk calls fn for every element o of out with x's offset (x of shape
// xs) and the parameters there, p[k] found at offset pix[k] of parameter k.
func (t *elemTransform) walk(out, xs []int, fn func(o, ix int, p []float64, pix []int)) error {
	shapes := [][]int{xs}
	for _, p := range t.ps {
		shapes = append(shapes, p.shape)
	}
	plan, err := shape.NewPlan(out, shapes...)
	if err != nil {
		return fmt.Errorf("%s transform: %w", t.fn.kind, err)
	}
	p, pix := make([]float64, len(t.ps)), make([]int, len(t.ps))
	for r := range plan.Runs() {
		for i := range r.N {
			for k := range p {
				pix[k] = r.Off[2+k] + i*r.Step[2+k]
				p[k] = t.ps[k].data[pix[k]]
			}
			fn(r.Off[0]+i, r.Off[1]+i*r.Step[1], p, pix)
		}
	}
	return nil
}

// constParams returns the parameters' values when each has a single
// element (a scalar transform, the usual case): every element then sees
// the same p, and the loops need no broadcasting plan.
func (t *elemTransform) constParams() ([]float64, bool) {
	p := make([]float64, len(t.ps))
	for k, q := range t.ps {
		if len(q.data) != 1 {
			return nil, false
		}
		p[k] = q.data[0]
	}
	return p, true
}

// each calls fn for every element o of x (shape xs, which the parameters
// broadcast to) with the parameters there, p[k] at offset pix[k].
func (t *elemTransform) each(xs []int, fn func(o int, p []float64, pix []int)) {
	if p, ok := t.constParams(); ok {
		pix := make([]int, len(p))
		for o := range shape.Size(xs) {
			fn(o, p, pix)
		}
		return
	}
	_ = t.walk(xs, xs, func(o, _ int, p []float64, pix []int) { fn(o, p, pix) })
}

// apply maps every element of x (shape xs) through g; a pure map, so
// blocks of a large array run in parallel.
func (t *elemTransform) apply(x []float64, xs []int, g func(float64, []float64) float64) ([]float64, []int, error) {
	out, err := t.forwardShape(xs)
	if err != nil {
		return nil, nil, err
	}
	y := make([]float64, shape.Size(out))
	if p, ok := t.constParams(); ok && shape.Equal(out, xs) {
		tensor.ForBlocks(len(y), func(_, lo, hi int) {
			for i := lo; i < hi; i++ {
				y[i] = g(x[i], p)
			}
		})
		return y, out, nil
	}
	err = t.walk(out, xs, func(o, ix int, p []float64, _ []int) { y[o] = g(x[ix], p) })
	return y, out, err
}

func (t *elemTransform) fwd(x []float64, xs []int) ([]float64, []int, error) {
	return t.apply(x, xs, t.fn.f)
}

func (t *elemTransform) inv(y []float64, ys []int) ([]float64, []int, error) {
	return t.apply(y, ys, t.fn.finv)
}

// ladj needs x and y of one shape xs that the parameters broadcast to.
func (t *elemTransform) ladj(x []float64, xs []int, y []float64) []float64 {
	blk := shape.Size(xs[len(xs)-t.ed:])
	out := make([]float64, shape.Size(xs[:len(xs)-t.ed]))
	if p, ok := t.constParams(); ok {
		tensor.ForBlocks(len(out), func(_, lo, hi int) {
			for i := lo; i < hi; i++ {
				var s float64
				for e := i * blk; e < (i+1)*blk; e++ {
					s += t.fn.ladj(x[e], y[e], p)
				}
				out[i] = s
			}
		})
		return out
	}
	_ = t.walk(xs, xs, func(o, _ int, p []float64, _ []int) {
		out[o/blk] += t.fn.ladj(x[o], y[o], p)
	})
	return out
}

func (t *elemTransform) invVJP(x []float64, xs []int, y []float64, _ []int, gx, w []float64, gp [][]float64) []float64 {
	blk := max(1, shape.Size(xs[len(xs)-t.ed:]))
	gy := make([]float64, len(x))
	d, l := make([]float64, 1+len(t.ps)), make([]float64, 1+len(t.ps))
	t.each(xs, func(o int, p []float64, pix []int) {
		g, wl := gx[o], 0.0
		if w != nil {
			wl = w[o/blk]
		}
		if g == 0 && wl == 0 { // select, never multiply: an infinite partial adds nothing
			return
		}
		t.fn.dinv(x[o], y[o], p, d, l)
		var v float64
		if g != 0 {
			v += g * d[0]
			for k := range pix {
				gp[k][pix[k]] += g * d[1+k]
			}
		}
		if wl != 0 {
			v -= wl * l[0]
			for k := range pix {
				gp[k][pix[k]] -= wl * l[1+k]
			}
		}
		gy[o] = v
	})
	return gy
}

func (t *elemTransform) fwdVJP(x []float64, xs []int, y []float64, _ []int, gy []float64, gp [][]float64) []float64 {
	gx := make([]float64, len(x))
	d := make([]float64, 1+len(t.ps))
	t.each(xs, func(o int, p []float64, pix []int) {
		g := gy[o]
		if g == 0 {
			return
		}
		t.fn.dfwd(x[o], y[o], p, d)
		gx[o] = g * d[0]
		for k := range pix {
			gp[k][pix[k]] += g * d[1+k]
		}
	})
	return gx
}

func (t *elemTransform) violations(y []float64, ys []int, bad func(event, elem int, got float64) bool) {
	blk := max(1, shape.Size(ys[len(ys)-t.ed:]))
	for i, v := range y {
		if !t.fn.in(v) && !bad(i/blk, i, v) {
			return
		}
	}
}

// equal is torch's __eq__: the same kind and equal parameters (compared
// after broadcasting; Affine's event_dim is not compared, as in torch).
func (t *elemTransform) equal(o transformKernel) bool {
	u, ok := o.(*elemTransform)
	if !ok || u.fn.kind != t.fn.kind || len(u.ps) != len(t.ps) {
		return false
	}
	for k := range t.ps {
		if !tfSameValues(t.ps[k], u.ps[k]) {
			return false
		}
	}
	return true
}

// sameValues reports whether two parameters broadcast and agree everywhere.
func tfSameValues(a, b transformParam) bool {
	s, err := shape.Broadcast(a.shape, b.shape)
	if err != nil {
		return false
	}
	p, err := shape.NewPlan(s, a.shape, b.shape)
	if err != nil {
		return false
	}
	for r := range p.Runs() {
		for i := range r.N {
			if a.data[r.Off[1]+i*r.Step[1]] != b.data[r.Off[2]+i*r.Step[2]] {
				return false
			}
		}
	}
	return true
}

// String is torch's repr of the transform, for logs and messages.
func (t *elemTransform) String() string {
	switch t.fn.kind {
	case "affine":
		return fmt.Sprintf("AffineTransform(loc: %s, scale: %s, event_dim=%d)", shape.Format(t.ps[0].shape), shape.Format(t.ps[1].shape), t.ed)
	case "power":
		return fmt.Sprintf("PowerTransform(exponent: %s)", shape.Format(t.ps[0].shape))
	}
	return t.fn.title() + "()"
}

func (f *elemFuncs) title() string {
	return map[string]string{"exp": "ExpTransform", "sigmoid": "SigmoidTransform", "tanh": "TanhTransform", "softplus": "SoftplusTransform"}[f.kind]
}

// ---- the families ----

// ExpTransform is y = eˣ, ℝ → (0, ∞): x = log y, log|J| = x.
type ExpTransform struct{ elemTransform }

// SigmoidTransform is y = σ(x) = 1/(1+e⁻ˣ), ℝ → [0, 1]: x = log y −
// log1p(−y), log|J| = −softplus(−x) − softplus(x). Unlike torch, neither
// direction clamps to [tiny, 1−eps]: σ(x) is the rounded exact value, and
// the inverse of 0 and 1 is ∓Inf.
type SigmoidTransform struct{ elemTransform }

// TanhTransform is y = tanh x, ℝ → [−1, 1]: x = atanh y,
// log|J| = 2(log 2 − x − softplus(−2x)).
type TanhTransform struct{ elemTransform }

// SoftplusTransform is y = log(1 + eˣ), ℝ → (0, ∞): x = y + log(−expm1(−y)),
// log|J| = −softplus(−x).
type SoftplusTransform struct{ elemTransform }

// AffineTransform is y = loc + scale·x over event_dim rightmost dims:
// x = (y − loc)/scale, log|det J| = Σ log|scale| over the event (scale
// broadcast to x first).
//
// torch 1.13 sums log|scale| over scale's own shape instead, which counts
// it once per event when scale is smaller than the event (a scalar scale
// with event_dim 1 gives log|s| for a 3-vector, not 3·log|s|): here the
// Jacobian is the true one.
type AffineTransform struct{ elemTransform }

// PowerTransform is y = x^exponent, (0, ∞) → (0, ∞): x = y^(1/exponent),
// log|J| = log|exponent·y/x|. Its sign is sign(exponent) (torch 1.13 says
// +1 even for a negative exponent, which turns its CDF around; later
// torch uses the sign of the exponent).
type PowerTransform struct{ elemTransform }

// NewExpTransform returns torch's ExpTransform.
func NewExpTransform() *ExpTransform { return &ExpTransform{elemTransform{fn: expFuncs}} }

// NewSigmoidTransform returns torch's SigmoidTransform.
func NewSigmoidTransform() *SigmoidTransform {
	return &SigmoidTransform{elemTransform{fn: sigmoidFuncs}}
}

// NewTanhTransform returns torch's TanhTransform.
func NewTanhTransform() *TanhTransform { return &TanhTransform{elemTransform{fn: tanhFuncs}} }

// NewSoftplusTransform returns torch's SoftplusTransform.
func NewSoftplusTransform() *SoftplusTransform {
	return &SoftplusTransform{elemTransform{fn: softplusFuncs}}
}

// NewAffineTransform returns y = loc + scale·x over eventDim rightmost
// dims; loc and scale must share a floating dtype and broadcast, and
// eventDim be >= 0. As in torch, scale is not checked: a zero scale makes
// a degenerate map.
func NewAffineTransform(loc, scale *tensor.Dense, eventDim int) (*AffineTransform, error) {
	ps, err := newTransformParams("affine", []string{"loc", "scale"}, []*tensor.Dense{loc, scale})
	if err != nil {
		return nil, err
	}
	if eventDim < 0 {
		return nil, &ConstraintError{Family: "affine", Name: "event_dim", Rule: ">= 0", Got: float64(eventDim), Index: []int{}, Err: ErrParam}
	}
	return &AffineTransform{elemTransform{fn: affineFuncs, ps: ps, ed: eventDim}}, nil
}

// Loc, Scale and EventDim are the parameters as given.
func (t *AffineTransform) Loc() *tensor.Dense { return t.ps[0].t }

// Scale is the multiplier, as given.
func (t *AffineTransform) Scale() *tensor.Dense { return t.ps[1].t }

// EventDim is the number of rightmost dims summed into one event of the log-Jacobian.
func (t *AffineTransform) EventDim() int { return t.ed }

// NewPowerTransform returns y = x^exponent (exponent a floating array).
func NewPowerTransform(exponent *tensor.Dense) (*PowerTransform, error) {
	ps, err := newTransformParams("power", []string{"exponent"}, []*tensor.Dense{exponent})
	if err != nil {
		return nil, err
	}
	return &PowerTransform{elemTransform{fn: powerFuncs, ps: ps}}, nil
}

// Exponent is the parameter as given.
func (t *PowerTransform) Exponent() *tensor.Dense { return t.ps[0].t }

func tfPositive(y float64) bool { return y > 0 }
func tfIn01(y float64) bool     { return y >= 0 && y <= 1 }
func tfInPM1(y float64) bool    { return y >= -1 && y <= 1 }

func tfSignOf(v float64) float64 {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return v // ±0 and NaN
}

var expFuncs = &elemFuncs{
	kind: "exp", rule: "> 0", in: tfPositive,
	f:    func(x float64, _ []float64) float64 { return math.Exp(x) },
	finv: func(y float64, _ []float64) float64 { return tensor.Log(y) },
	ladj: func(x, _ float64, _ []float64) float64 { return x },
	dinv: func(_, y float64, _, d, l []float64) { d[0], l[0] = 1/y, 1/y }, // L = log y
	dfwd: func(_, y float64, _, d []float64) { d[0] = y },
}

var sigmoidFuncs = &elemFuncs{
	kind: "sigmoid", rule: "in [0, 1]", in: tfIn01,
	f: func(x float64, _ []float64) float64 { return tensor.Sigmoid(x) },
	// log(y/(1−y)): 1 − y is exact for y ≥ ½ (Sterbenz) and off by half an
	// ulp of 1 below, as good as log y − log1p(−y) at half the cost
	finv: func(y float64, _ []float64) float64 { return tensor.Log(y / (1 - y)) },
	// −softplus(−x) − softplus(x) = −|x| − 2·log1p(e^−|x|), one exp and one log1p
	ladj: func(x, _ float64, _ []float64) float64 { a := math.Abs(x); return -a - 2*math.Log1p(math.Exp(-a)) },
	dinv: func(_, y float64, _, d, l []float64) { // L = log y + log(1−y)
		d[0], l[0] = 1/(y*(1-y)), 1/y-1/(1-y)
	},
	dfwd: func(x, _ float64, _, d []float64) { d[0] = tensor.Sigmoid(x) * tensor.Sigmoid(-x) },
}

var tanhFuncs = &elemFuncs{
	kind: "tanh", rule: "in [-1, 1]", in: tfInPM1,
	f:    func(x float64, _ []float64) float64 { return math.Tanh(x) },
	finv: func(y float64, _ []float64) float64 { return math.Atanh(y) },
	ladj: func(x, _ float64, _ []float64) float64 { return 2 * (math.Ln2 - x - tensor.Softplus(-2*x)) },
	dinv: func(_, y float64, _, d, l []float64) { // L = log(1−y²)
		q := (1 - y) * (1 + y)
		d[0], l[0] = 1/q, -2*y/q
	},
	dfwd: func(x, _ float64, _, d []float64) { c := math.Cosh(x); d[0] = 1 / (c * c) }, // sech²x, 0 when cosh overflows
}

var softplusFuncs = &elemFuncs{
	kind: "softplus", rule: "> 0", in: tfPositive,
	f:    func(x float64, _ []float64) float64 { return tensor.Softplus(x) },
	finv: func(y float64, _ []float64) float64 { return y + tensor.Log(-tensor.Expm1(-y)) },
	ladj: func(x, _ float64, _ []float64) float64 { return -tensor.Softplus(-x) },
	dinv: func(_, y float64, _, d, l []float64) { // L = log(1 − e^−y)
		d[0], l[0] = -1/tensor.Expm1(-y), 1/tensor.Expm1(y)
	},
	dfwd: func(x, _ float64, _, d []float64) { d[0] = tensor.Sigmoid(x) },
}

// affineFuncs: p = (loc, scale).
var affineFuncs = &elemFuncs{
	kind: "affine", rule: "real", in: isReal,
	f:    func(x float64, p []float64) float64 { return p[0] + p[1]*x },
	finv: func(y float64, p []float64) float64 { return (y - p[0]) / p[1] },
	ladj: func(_, _ float64, p []float64) float64 { return tensor.Log(math.Abs(p[1])) },
	dinv: func(x, _ float64, p, d, l []float64) { // L = log|scale|
		s := p[1]
		d[0], d[1], d[2] = 1/s, -1/s, -x/s
		l[0], l[1], l[2] = 0, 0, 1/s
	},
	dfwd: func(x, _ float64, p, d []float64) { d[0], d[1], d[2] = p[1], 1, x },
	sign: func(p []float64) float64 { return tfSignOf(p[1]) },
}

// powerFuncs: p = (exponent).
var powerFuncs = &elemFuncs{
	kind: "power", rule: "> 0", in: tfPositive,
	f:    func(x float64, p []float64) float64 { return math.Pow(x, p[0]) },
	finv: func(y float64, p []float64) float64 { return math.Pow(y, 1/p[0]) },
	// log|e·y/x| written as a sum, which cannot overflow
	ladj: func(x, y float64, p []float64) float64 {
		return tensor.Log(math.Abs(p[0])) + tensor.Log(y) - tensor.Log(x)
	},
	dinv: func(x, y float64, p, d, l []float64) { // L = log|e| + (1 − 1/e)·log y
		e, ly := p[0], tensor.Log(y)
		d[0], d[1] = x/(e*y), -x*ly/(e*e)
		l[0], l[1] = (1-1/e)/y, 1/e+ly/(e*e)
	},
	dfwd: func(x, y float64, p, d []float64) { d[0], d[1] = p[0]*y/x, y*tensor.Log(x) },
	sign: func(p []float64) float64 { return tfSignOf(p[0]) },
}
