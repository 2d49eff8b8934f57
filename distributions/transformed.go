package distributions

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	gt "gorgonia.org/tensor"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Transformed is torch's TransformedDistribution: the law of y = f_n(…
// f_1(x)) for x drawn from a base distribution. With x_n = y and
// x_{k−1} = f_k⁻¹(x_k),
//
//	log p(y) = log p_base(x_0) − Σ_k log|det J_k(x_{k−1})|
//
// each term summed over the event dims it has beyond its transform's own
// (torch's bookkeeping). Sampling pushes base draws through the transforms;
// RSample exists where the base's does. CDF and ICDF go through the base,
// turned around (u ↦ 1 − u) where the product of the transforms' signs is
// −1. torch 1.13 gives it no moments and no entropy, nor does this.
//
// Where torch returns NaN this returns the density's value: a value
// outside a transform's codomain (with validation off), or at a boundary
// where the inverse is infinite and the base density 0 (σ⁻¹(1) = +Inf for
// a normal base), has log p = −Inf, with zero partials.
//
// Gradients (LogProbGrad) come analytically through the inverse maps: the
// base's parameters are named "base.<name>" (nested: "base.base.loc"),
// the transforms' "transforms.<k>.<name>" ("transforms.0.scale").
type Transformed struct {
	family       string // for messages: "transformed_distribution", "logistic_normal"
	base         Distribution
	transforms   []Transform
	kerns        []transformKernel
	batch, event []int
	dtype        gt.Dtype
	validate     bool
}

// NewTransformed returns the distribution of transforms[n−1](…
// transforms[0](x)) for x ~ base, as torch's constructor builds it: the
// base is expanded to the shape the transforms' parameters broadcast to,
// and wrapped in an Independent when the transforms' domain has more event
// dims than the base; the event dims are the codomain's plus any the base
// has beyond the domain's. The transforms' parameters must have the base's
// dtype. With validation on, LogProb requires values in the last
// transform's codomain.
func NewTransformed(base Distribution, transforms []Transform, opts ...Option) (*Transformed, error) {
	return newTransformed("transformed_distribution", base, transforms, newConfig(opts))
}

func newTransformed(family string, base Distribution, transforms []Transform, cfg config) (*Transformed, error) {
	if base == nil {
		return nil, fmt.Errorf("%s: base is nil: %w", family, ErrParam)
	}
	kerns := make([]transformKernel, len(transforms))
	for i, t := range transforms {
		if t == nil {
			return nil, fmt.Errorf("%s: transforms[%d] is nil: %w", family, i, ErrParam)
		}
		kerns[i] = t.kernel()
		for _, p := range kerns[i].params() {
			if p.t.Dtype() != base.Dtype() {
				return nil, fmt.Errorf("%s: transforms[%d] %s has dtype %v, base %v: %w", family, i, p.name, p.t.Dtype(), base.Dtype(), ErrDType)
			}
		}
	}
	baseShape := shape.Concat(base.BatchShape(), base.EventShape())
	baseED := len(base.EventShape())
	dom, cod := composeEventDims(kerns)
	if len(baseShape) < dom {
		return nil, fmt.Errorf("%s: base of shape %s has fewer than the %d dims the transforms act on: %w", family, shape.Format(baseShape), dom, ErrShape)
	}
	fwd, err := chainShape(kerns, baseShape, false)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", family, err)
	}
	expanded, err := chainShape(kerns, fwd, true)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", family, err)
	}
	if !shape.Equal(expanded, baseShape) {
		if base, err = Expand(base, expanded[:len(expanded)-baseED]); err != nil {
			return nil, fmt.Errorf("%s: base: %w", family, err)
		}
	}
	if n := dom - baseED; n > 0 {
		if base, err = ToEvent(base, n); err != nil {
			return nil, fmt.Errorf("%s: base: %w", family, err)
		}
	}
	eventDim := cod + max(baseED-dom, 0)
	if len(fwd) < eventDim {
		return nil, fmt.Errorf("%s: shape %s has fewer than %d event dims: %w", family, shape.Format(fwd), eventDim, ErrShape)
	}
	cut := len(fwd) - eventDim
	return &Transformed{
		family: family, base: base, transforms: append([]Transform(nil), transforms...), kerns: kerns,
		batch: shape.Clone(fwd[:cut]), event: shape.Clone(fwd[cut:]), dtype: base.Dtype(), validate: cfg.validate,
	}, nil
}

// composeEventDims is torch's ComposeTransform domain and codomain
// event_dim: the largest event a part sees, carried through the chain.
func composeEventDims(kerns []transformKernel) (dom, cod int) {
	n := len(kerns)
	if n == 0 {
		return 0, 0
	}
	dom = kerns[n-1].codomainED()
	for k := n - 1; k >= 0; k-- {
		dom = max(dom+kerns[k].domainED()-kerns[k].codomainED(), kerns[k].domainED())
	}
	cod = kerns[0].domainED()
	for _, t := range kerns {
		cod = max(cod+t.codomainED()-t.domainED(), t.codomainED())
	}
	return dom, cod
}

// chainShape maps s through every transform's forward shape, or backwards
// through their inverse shapes.
func chainShape(kerns []transformKernel, s []int, inverse bool) ([]int, error) {
	var err error
	for i := range kerns {
		if inverse {
			s, err = kerns[len(kerns)-1-i].inverseShape(s)
		} else {
			s, err = kerns[i].forwardShape(s)
		}
		if err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Base is the base distribution as the transforms see it: expanded, and
// in an Independent when their domain has more event dims.
func (d *Transformed) Base() Distribution { return d.base }

// Transforms returns the transforms, first applied first.
func (d *Transformed) Transforms() []Transform { return append([]Transform(nil), d.transforms...) }

// BatchShape is the shape of the batch of distributions (Distribution).
func (d *Transformed) BatchShape() []int { return shape.Clone(d.batch) }

// EventShape is the shape of one draw (Distribution).
func (d *Transformed) EventShape() []int { return shape.Clone(d.event) }

// Dtype is the floating dtype of the parameters and of LogProb (Distribution).
func (d *Transformed) Dtype() gt.Dtype { return d.dtype }

// Validating reports whether values are checked against the support.
func (d *Transformed) Validating() bool { return d.validate }

// HasRSample is the base's; HasEnumerateSupport is false, as in torch.
func (d *Transformed) HasRSample() bool { return HasRSample(d.base) }

// HasEnumerateSupport is false, as in torch.
func (d *Transformed) HasEnumerateSupport() bool { return false }

// Params returns the base's parameters as "base.<name>" (through the
// Independent and Expanded wrappers the constructor may add) and the
// transforms' as "transforms.<k>.<name>": the names of LogProbGrad.
func (d *Transformed) Params() map[string]*tensor.Dense {
	out := map[string]*tensor.Dense{}
	inner := d.base
	for {
		switch w := inner.(type) {
		case *Independent:
			inner = w.Base()
			continue
		case *Expanded:
			inner = w.Base()
			continue
		}
		break
	}
	if p, ok := inner.(Parameterised); ok {
		for n, t := range p.Params() {
			out["base."+n] = t
		}
	}
	for k, kern := range d.kerns {
		for _, p := range kern.params() {
			out[transformParamName(k, p.name)] = p.t
		}
	}
	return out
}

func transformParamName(k int, name string) string { return fmt.Sprintf("transforms.%d.%s", k, name) }

// Expand returns the distribution with batch shape batch: the base expanded
// to what the transforms map back to, the transforms shared.
func (d *Transformed) Expand(batch []int) (Distribution, error) {
	if err := shape.CheckExpand(d.batch, batch); err != nil {
		return nil, fmt.Errorf("%s: %w", d.family, err)
	}
	s, err := chainShape(d.kerns, shape.Concat(batch, d.event), true)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.family, err)
	}
	base, err := Expand(d.base, s[:len(s)-len(d.base.EventShape())])
	if err != nil {
		return nil, fmt.Errorf("%s: base: %w", d.family, err)
	}
	return newTransformed(d.family, base, d.transforms, config{validate: d.validate})
}

// tdChain is a value mapped back through the transforms: x[k] of shape
// s[k] = lead + the k-th intermediate event, x[n] the value broadcast to
// lead + EventShape(). bad marks the lead elements whose value lies outside
// some transform's codomain (density 0).
type tdChain struct {
	lead []int
	x    [][]float64
	s    [][]int
	bad  []bool
}

// invert checks y (dtype, shape, support when validating) and maps it back
// to the base.
func (d *Transformed) invert(y Value) (*tdChain, error) {
	if tensor.IsNil(y) {
		return nil, fmt.Errorf("%s: nil value: %w", d.family, ErrShape)
	}
	if y.Dtype() != d.dtype {
		return nil, fmt.Errorf("%s: value has dtype %v, distribution %v: %w", d.family, y.Dtype(), d.dtype, ErrDType)
	}
	ys := tensor.ShapeOf(y)
	lead, err := shape.CheckValue(ys, d.batch, d.event)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.family, err)
	}
	data, err := tensor.Float64s(y)
	if err != nil {
		return nil, fmt.Errorf("%s: value: %w", d.family, err)
	}
	n := len(d.kerns)
	if d.validate && n > 0 {
		if err := d.checkSupport(data, ys); err != nil {
			return nil, err
		}
	}
	c := &tdChain{lead: lead, x: make([][]float64, n+1), s: make([][]int, n+1), bad: make([]bool, shape.Size(lead))}
	c.s[n] = shape.Concat(lead, d.event)
	if c.x[n], err = tfBroadcast(data, ys, c.s[n]); err != nil {
		return nil, fmt.Errorf("%s: %w", d.family, err)
	}
	for k := n - 1; k >= 0; k-- {
		c.markOutside(d.kerns[k], c.x[k+1], c.s[k+1])
		if c.x[k], c.s[k], err = d.kerns[k].inv(c.x[k+1], c.s[k+1]); err != nil {
			return nil, fmt.Errorf("%s: %w", d.family, err)
		}
	}
	return c, nil
}

// markOutside marks the lead elements where v lies outside kern's
// codomain; a NaN is left to propagate.
func (c *tdChain) markOutside(kern transformKernel, v []float64, s []int) {
	nl := len(c.bad)
	if nl == 0 {
		return
	}
	per := max(1, shape.Size(s[:len(s)-kern.codomainED()])/nl)
	kern.violations(v, s, func(event, _ int, got float64) bool {
		if got == got {
			c.bad[event/per] = true
		}
		return true
	})
}

// checkSupport returns an ErrSupport error for the first element of y
// outside the last transform's codomain.
func (d *Transformed) checkSupport(y []float64, ys []int) error {
	kern := d.kerns[len(d.kerns)-1]
	var err error
	kern.violations(y, ys, func(_, elem int, got float64) bool {
		err = &ConstraintError{Family: d.family, Name: "value", Rule: kern.rule(), Got: got, Index: unravel(elem, ys), Err: ErrSupport}
		return false
	})
	return err
}

// logProb returns log p(y) shaped like the chain's lead dims, and the chain.
func (d *Transformed) logProb(y Value) ([]float64, *tdChain, error) {
	for k, kern := range d.kerns {
		if !kern.hasLADJ() {
			return nil, nil, fmt.Errorf("%s: transforms[%d] %v has no log_abs_det_jacobian (nor has torch 1.13's): %w", d.family, k, d.transforms[k], ErrUnsupported)
		}
	}
	c, err := d.invert(y)
	if err != nil {
		return nil, nil, err
	}
	nl := len(c.bad)
	lp := make([]float64, nl)
	for k, kern := range d.kerns {
		var l []float64
		if ly, ok := kern.(ladjFromY); ok {
			l = ly.ladjY(c.x[k+1], c.s[k+1])
		} else {
			l = kern.ladj(c.x[k], c.s[k], c.x[k+1])
		}
		tfAddBlocks(lp, l, -1)
	}
	blp, err := d.base.LogProb(tfDense(d.dtype, c.x[0], c.s[0]))
	if err != nil {
		return nil, nil, err
	}
	bd, err := tensor.Float64s(blp)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: base log_prob: %w", d.family, err)
	}
	base := make([]float64, nl)
	tfAddBlocks(base, bd, 1)
	for i := range lp {
		if c.bad[i] || base[i] == math.Inf(-1) { // −Inf − (−Inf) would be NaN; the density is 0
			lp[i] = math.Inf(-1)
		} else {
			lp[i] += base[i]
		}
	}
	return lp, c, nil
}

// tfAddBlocks adds sign·(the sum of the i-th of len(dst) equal blocks of
// v) to dst[i]: torch's _sum_rightmost, then + or −.
func tfAddBlocks(dst, v []float64, sign float64) {
	if len(dst) == 0 {
		return
	}
	per := len(v) / len(dst)
	for i := range dst {
		var s float64
		for _, x := range v[i*per : (i+1)*per] {
			s += x
		}
		dst[i] += sign * s
	}
}

// LogProb returns log p(y), shaped broadcast(y.Shape()[:-len(EventShape())],
// BatchShape()). A transform without log|det J| (Softmax, LowerCholesky)
// makes it an ErrUnsupported error, as torch raises.
func (d *Transformed) LogProb(y Value) (*tensor.Dense, error) {
	lp, c, err := d.logProb(y)
	if err != nil {
		return nil, err
	}
	return tfDense(d.dtype, lp, c.lead), nil
}

// LogProbInto writes LogProb(y) into dst, which must have its shape and
// the distribution's dtype. The chain's intermediate arrays are still
// allocated: only the result is the caller's.
func (d *Transformed) LogProbInto(dst *tensor.Dense, y Value) error {
	lp, c, err := d.logProb(y)
	if err != nil {
		return err
	}
	if dst == nil || !shape.Equal(tensor.ShapeOf(dst), c.lead) || dst.Dtype() != d.dtype {
		return fmt.Errorf("%s: LogProbInto needs a %v array of shape %s: %w", d.family, d.dtype, shape.Format(c.lead), ErrShape)
	}
	if d.dtype == tensor.Float32 {
		out, _ := tensor.Floats[float32](dst)
		for i, v := range lp {
			out[i] = float32(v)
		}
		return nil
	}
	out, _ := tensor.Floats[float64](dst)
	copy(out, lp)
	return nil
}

// LogProbGrad returns Σ log p(y) with its gradient with respect to y, to
// the base's parameters ("base.<name>") and to the transforms'
// ("transforms.<k>.<name>").
func (d *Transformed) LogProbGrad(y Value) (*Gradient, error) { return d.LogProbVJP(y, nil) }

// LogProbVJP is LogProbGrad with each element of log p weighted by
// upstream (nil means ones), which broadcasts to LogProb's shape. The
// chain rule runs back up the transforms: with g_0 = ∂/∂x_0 of the base's
// weighted log p, g_k = g_{k−1}·∂x_{k−1}/∂x_k − w·∂ladj_k/∂x_k, and each
// transform's parameters collect g_{k−1}·∂x_{k−1}/∂θ − w·∂ladj_k/∂θ. A
// −Inf log p has zero partials.
func (d *Transformed) LogProbVJP(y, upstream Value) (*Gradient, error) {
	gr, ok := d.base.(LogProbGrader)
	if !ok {
		return nil, unsupported(d.base, "gradient")
	}
	lp, c, err := d.logProb(y)
	if err != nil {
		return nil, err
	}
	w, err := d.weights(upstream, c.lead)
	if err != nil {
		return nil, err
	}
	var sum float64
	for i, v := range lp {
		if v == math.Inf(-1) {
			w[i] = 0
		}
		if w[i] != 0 { // select, never multiply: a masked −Inf stays out
			sum += w[i] * v
		}
	}
	// The base's log p has the lead dims and any event dims the
	// transforms sum over: upstream gets trailing singleton dims for them.
	extra := len(c.s[0]) - len(d.base.EventShape()) - len(c.lead)
	ws := shape.Concat(c.lead, tfOnes(extra))
	gb, err := gr.LogProbVJP(tfDense(d.dtype, c.x[0], c.s[0]), tfDense(d.dtype, w, ws))
	if err != nil {
		return nil, err
	}
	gx := make([]float64, len(c.x[0]))
	if gb.Value != nil {
		if gx, err = tensor.Float64s(gb.Value); err != nil {
			return nil, fmt.Errorf("%s: base gradient: %w", d.family, err)
		}
	}
	gp := d.paramAccumulators()
	for k, kern := range d.kerns {
		ln := shape.Size(c.s[k][:len(c.s[k])-kern.domainED()])
		wk := make([]float64, ln)
		if per := ln / max(1, len(w)); len(w) > 0 {
			for i := range wk {
				wk[i] = w[i/per]
			}
		}
		gx = kern.invVJP(c.x[k], c.s[k], c.x[k+1], c.s[k+1], gx, wk, gp[k])
	}
	ys := tensor.ShapeOf(y)
	gy := make([]float64, shape.Size(ys))
	if err := tensor.SumTo(gy, ys, gx, c.s[len(c.s)-1]); err != nil {
		return nil, fmt.Errorf("%s: %w", d.family, err)
	}
	g := &Gradient{LogProb: sum, Value: tfDense(d.dtype, gy, ys), Params: d.prefixed(gb.Params, gp)}
	return g, nil
}

// weights returns upstream broadcast to shape lead, or ones.
func (d *Transformed) weights(upstream Value, lead []int) ([]float64, error) {
	if tensor.IsNil(upstream) {
		w := make([]float64, shape.Size(lead))
		for i := range w {
			w[i] = 1
		}
		return w, nil
	}
	if upstream.Dtype() != d.dtype {
		return nil, fmt.Errorf("%s: upstream has dtype %v, distribution %v: %w", d.family, upstream.Dtype(), d.dtype, ErrDType)
	}
	u, err := tensor.Float64s(upstream)
	if err != nil {
		return nil, fmt.Errorf("%s: upstream: %w", d.family, err)
	}
	w, err := tfBroadcast(u, tensor.ShapeOf(upstream), lead)
	if err != nil {
		return nil, fmt.Errorf("%s: upstream: %w", d.family, err)
	}
	if shape.Equal(tensor.ShapeOf(upstream), lead) {
		w = append([]float64(nil), w...) // weights are zeroed in place
	}
	return w, nil
}

func tfOnes(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = 1
	}
	return s
}

// paramAccumulators returns a zeroed float64 accumulator per parameter of
// each transform.
func (d *Transformed) paramAccumulators() [][][]float64 {
	gp := make([][][]float64, len(d.kerns))
	for k, kern := range d.kerns {
		for _, p := range kern.params() {
			gp[k] = append(gp[k], make([]float64, len(p.data)))
		}
	}
	return gp
}

// prefixed names the base's gradients "base.<name>" and the transforms'
// "transforms.<k>.<name>", in the distribution's dtype.
func (d *Transformed) prefixed(base map[string]*tensor.Dense, gp [][][]float64) map[string]*tensor.Dense {
	out := make(map[string]*tensor.Dense, len(base))
	for n, t := range base {
		out["base."+n] = t
	}
	for k, kern := range d.kerns {
		for i, p := range kern.params() {
			out[transformParamName(k, p.name)] = tfDense(d.dtype, gp[k][i], p.shape)
		}
	}
	return out
}

// Sample pushes the base's draws through the transforms: shaped
// sampleShape + BatchShape() + EventShape().
func (d *Transformed) Sample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	x, err := d.base.Sample(src, sampleShape...)
	if err != nil {
		return nil, err
	}
	return d.push(x)
}

// RSample pushes the base's reparameterised draws through the transforms;
// RSampleVJP gives their gradient.
func (d *Transformed) RSample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	r, ok := d.base.(RSampler)
	if !ok || !HasRSample(d.base) {
		return nil, unsupported(d.base, "rsample")
	}
	x, err := r.RSample(src, sampleShape...)
	if err != nil {
		return nil, err
	}
	return d.push(x)
}

// push applies the transforms in order to base values x.
func (d *Transformed) push(x *tensor.Dense) (*tensor.Dense, error) {
	data, err := tensor.Float64s(x)
	if err != nil {
		return nil, fmt.Errorf("%s: base values of dtype %v: %w", d.family, x.Dtype(), ErrDType)
	}
	s := tensor.ShapeOf(x)
	for _, kern := range d.kerns {
		if data, s, err = kern.fwd(data, s); err != nil {
			return nil, fmt.Errorf("%s: %w", d.family, err)
		}
	}
	return tfDense(d.dtype, data, s), nil
}

// RSampleVJP gives the reparameterisation gradient of RSample: for draws
// y (shaped sampleShape + BatchShape() + EventShape()) and ∂L/∂y (nil
// means ones), ∂L/∂θ for the base's parameters ("base.<name>", from the
// base's own PathwiseGrader, through an Independent) and the transforms'.
// x_0 is recovered from y through the inverse maps (Softmax, which
// cannot be inverted, makes it an ErrUnsupported error).
func (d *Transformed) RSampleVJP(y, upstream Value) (map[string]*tensor.Dense, error) {
	pg, ok := d.base.(PathwiseGrader)
	if in, isInd := d.base.(*Independent); !ok && isInd {
		pg, ok = in.Base().(PathwiseGrader)
	}
	if !ok {
		return nil, unsupported(d.base, "rsample gradient")
	}
	for k, kern := range d.kerns {
		if !kern.bijective() {
			return nil, fmt.Errorf("%s: transforms[%d] %v is not injective: a draw does not determine its base value: %w", d.family, k, d.transforms[k], ErrUnsupported)
		}
	}
	if tensor.IsNil(y) || y.Dtype() != d.dtype {
		return nil, fmt.Errorf("%s: rsample gradient needs a %v sample: %w", d.family, d.dtype, ErrDType)
	}
	ys := tensor.ShapeOf(y)
	full := shape.Concat(d.batch, d.event)
	if len(ys) < len(full) || !shape.Equal(ys[len(ys)-len(full):], full) {
		return nil, fmt.Errorf("%s: a sample of shape %s does not end in %s: %w", d.family, shape.Format(ys), shape.Format(full), ErrShape)
	}
	data, err := tensor.Float64s(y)
	if err != nil {
		return nil, err
	}
	g := make([]float64, len(data))
	if tensor.IsNil(upstream) {
		for i := range g {
			g[i] = 1
		}
	} else {
		if upstream.Dtype() != d.dtype || !shape.Equal(tensor.ShapeOf(upstream), ys) {
			return nil, fmt.Errorf("%s: upstream of shape %s and dtype %v, sample %s %v: %w", d.family, shape.Format(tensor.ShapeOf(upstream)), upstream.Dtype(), shape.Format(ys), d.dtype, ErrShape)
		}
		u, err := tensor.Float64s(upstream)
		if err != nil {
			return nil, err
		}
		copy(g, u)
	}
	n := len(d.kerns)
	xs, ss := make([][]float64, n+1), make([][]int, n+1)
	xs[n], ss[n] = data, ys
	for k := n - 1; k >= 0; k-- {
		if xs[k], ss[k], err = d.kerns[k].inv(xs[k+1], ss[k+1]); err != nil {
			return nil, fmt.Errorf("%s: %w", d.family, err)
		}
	}
	gp := d.paramAccumulators()
	for k := n - 1; k >= 0; k-- {
		g = d.kerns[k].fwdVJP(xs[k], ss[k], xs[k+1], ss[k+1], g, gp[k])
	}
	bp, err := pg.RSampleVJP(tfDense(d.dtype, xs[0], ss[0]), tfDense(d.dtype, g, ss[0]))
	if err != nil {
		return nil, err
	}
	return d.prefixed(bp, gp), nil
}

// signs returns the product of the transforms' signs at every element of
// shape s, nil when it is +1 everywhere; an ErrUnsupported error when a
// transform has no sign.
func (d *Transformed) signs(s []int) ([]float64, error) {
	var out []float64
	for k, kern := range d.kerns {
		et, ok := kern.(*elemTransform)
		if !ok {
			return nil, fmt.Errorf("%s: transforms[%d] %v has no sign, so no CDF: %w", d.family, k, d.transforms[k], ErrUnsupported)
		}
		sg, err := et.signAt(s)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", d.family, err)
		}
		if sg == nil {
			continue
		}
		if out == nil {
			out = sg
			continue
		}
		for i := range out {
			out[i] *= sg[i]
		}
	}
	return out, nil
}

// tfMonotonize is torch's _monotonize_cdf, sign·(u − ½) + ½, written as u
// where the sign is +1 and 1 − u where it is −1 so that no digit is lost
// to the ½ shift.
func tfMonotonize(u, sign []float64) {
	for i, s := range sign {
		switch {
		case s < 0:
			u[i] = 1 - u[i]
		case s == 0:
			u[i] = 0.5
		case s != s:
			u[i] = math.NaN()
		}
	}
}

// CDF is the base's CDF at x_0 = f⁻¹(y), turned around (1 − F) where the
// transforms decrease. It needs every transform to have a sign and the
// base a CDF (ErrUnsupported otherwise).
func (d *Transformed) CDF(y Value) (*tensor.Dense, error) {
	cd, ok := d.base.(CDFer)
	if !ok {
		return nil, unsupported(d.base, "cdf")
	}
	if tensor.IsNil(y) || y.Dtype() != d.dtype {
		return nil, fmt.Errorf("%s: cdf needs a %v value: %w", d.family, d.dtype, ErrDType)
	}
	ys := tensor.ShapeOf(y)
	lead, err := shape.CheckValue(ys, d.batch, d.event)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.family, err)
	}
	full := shape.Concat(lead, d.event)
	sign, err := d.signs(full)
	if err != nil {
		return nil, err
	}
	data, err := tensor.Float64s(y)
	if err != nil {
		return nil, err
	}
	x, err := tfBroadcast(data, ys, full)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.family, err)
	}
	s := full
	for k := len(d.kerns) - 1; k >= 0; k-- {
		if x, s, err = d.kerns[k].inv(x, s); err != nil {
			return nil, fmt.Errorf("%s: %w", d.family, err)
		}
	}
	f, err := cd.CDF(tfDense(d.dtype, x, s))
	if err != nil {
		return nil, err
	}
	fv, err := tensor.Float64s(f)
	if err != nil {
		return nil, err
	}
	if sign == nil {
		return f, nil
	}
	fv = append([]float64(nil), fv...)
	tfMonotonize(fv, sign)
	return tfDense(d.dtype, fv, tensor.ShapeOf(f)), nil
}

// ICDF is the quantile function: the base's at u (1 − u where the
// transforms decrease), pushed through the transforms.
func (d *Transformed) ICDF(u Value) (*tensor.Dense, error) {
	ic, ok := d.base.(ICDFer)
	if !ok {
		return nil, unsupported(d.base, "icdf")
	}
	if tensor.IsNil(u) || u.Dtype() != d.dtype {
		return nil, fmt.Errorf("%s: icdf needs a %v value: %w", d.family, d.dtype, ErrDType)
	}
	us := tensor.ShapeOf(u)
	lead, err := shape.CheckValue(us, d.batch, d.event)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.family, err)
	}
	full := shape.Concat(lead, d.event)
	sign, err := d.signs(full)
	if err != nil {
		return nil, err
	}
	v := u
	if sign != nil {
		data, err := tensor.Float64s(u)
		if err != nil {
			return nil, err
		}
		b, err := tfBroadcast(data, us, full)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", d.family, err)
		}
		b = append([]float64(nil), b...)
		tfMonotonize(b, sign)
		v = tfDense(d.dtype, b, full)
	}
	x, err := ic.ICDF(v)
	if err != nil {
		return nil, err
	}
	return d.push(x)
}

// String is a torch-style summary of the distribution, for logs and messages.
func (d *Transformed) String() string {
	names := make([]string, len(d.transforms))
	for i, t := range d.transforms {
		names[i] = t.String()
	}
	return fmt.Sprintf("TransformedDistribution(%v, [%s], batch_shape=%s, event_shape=%s)", d.base, strings.Join(names, ", "), shape.Format(d.batch), shape.Format(d.event))
}

func init() {
	RegisterShapes("TransformedDistribution", func(map[string][]int) ([]int, []int, error) {
		return nil, nil, fmt.Errorf("infer_shapes: TransformedDistribution: shapes come from its base and transforms, not from parameter shapes (Pyro raises NotImplementedError): %w", ErrUnsupported)
	})
	Register("TransformedDistribution", buildTransformed)
}

// buildTransformed reads {"family": "TransformedDistribution", "base": D,
// "transforms": [TR, …]}; the base is built with the same options.
func buildTransformed(s *Spec, opts ...Option) (Distribution, error) {
	if err := s.Known(); err != nil {
		return nil, err
	}
	for key := range s.Raw {
		switch key {
		case "family", "params", "apply", "base", "transforms":
		default:
			return nil, fmt.Errorf("spec: TransformedDistribution key %q: %w", key, ErrUnsupported)
		}
	}
	base, ok, err := s.Part("base", opts...)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("transformed_distribution: base is required: %w", ErrParam)
	}
	raw, ok := s.Raw["transforms"]
	if !ok {
		return nil, fmt.Errorf("transformed_distribution: transforms are required: %w", ErrParam)
	}
	ts, err := ParseTransforms(raw)
	if err != nil {
		return nil, err
	}
	return NewTransformed(base, ts, opts...)
}
