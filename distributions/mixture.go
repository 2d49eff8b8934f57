package distributions

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	gt "gorgonia.org/tensor"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// MixtureSameFamily is a batch of finite mixtures whose K components are
// one distribution of any family with batch shape B + (K,) (torch's
// MixtureSameFamily): the mixing weights are a Categorical over K with
// batch shape B, the components' last batch dim indexes the K components,
// and a value has the components' event shape E:
//
//	log p(x) = logsumexp_k (log π_k + log p_k(x))
//	∂/∂(log p_k) = ∂/∂(log π_k) = r_k = π_k p_k(x)/p(x)   (responsibilities)
//
// so the gradient of the components is their own VJP with upstream r (the
// exact chain rule of logsumexp), and that of the mixing weights is the
// Categorical's: ∂/∂ℓ_k = r_k − π_k for logits, r_k/x_k − 1/Σx for probs.
// The moments follow the laws of total expectation and variance,
// E x = Σ π_k μ_k and Var x = Σ π_k σ²_k + Σ π_k (μ_k − E x)²; the CDF of
// a component with one is Σ π_k F_k. As in torch there is no RSample and
// no entropy.
//
// The batch shape is broadcast(B_mixture, B_component[:-1]), to which both
// parts are expanded at construction (torch takes the component's and
// lets a larger mixture batch fail later). Validation of a value's support
// is the component's, in its own LogProb.
type MixtureSameFamily struct {
	mix      *Categorical // batch shape batch
	comp     Distribution // batch shape batch + (K,)
	k        int
	batch    []int
	event    []int
	dtype    gt.Dtype
	validate bool
}

// NewMixtureSameFamily returns the mixtures of the K components of
// component (its last batch dim) weighted by mixture, a Categorical over K
// whose batch shape broadcasts with the rest of the component's. A
// component without batch dims, a count of categories other than K or
// batch shapes that do not broadcast are ErrShape; a dtype other than the
// mixture's is ErrDType.
func NewMixtureSameFamily(mixture *Categorical, component Distribution, opts ...Option) (*MixtureSameFamily, error) {
	cfg := newConfig(opts)
	if mixture == nil || component == nil {
		return nil, fmt.Errorf("mixture_same_family: mixture and component are required: %w", ErrParam)
	}
	if component.Dtype() != mixture.Dtype() {
		return nil, fmt.Errorf("mixture_same_family: component has dtype %v, mixture %v: %w", component.Dtype(), mixture.Dtype(), ErrDType)
	}
	cb := component.BatchShape()
	if len(cb) == 0 {
		return nil, fmt.Errorf("mixture_same_family: component batch shape () has no dim of components: %w", ErrShape)
	}
	k := cb[len(cb)-1]
	if k != mixture.K() {
		return nil, fmt.Errorf("mixture_same_family: mixture has %d categories, component batch shape %s has %d components: %w",
			mixture.K(), shape.Format(cb), k, ErrShape)
	}
	batch, err := shape.Broadcast(mixture.BatchShape(), cb[:len(cb)-1])
	if err != nil {
		return nil, fmt.Errorf("mixture_same_family: mixture batch shape %s and component batch shape %s without its last dim: %w",
			shape.Format(mixture.BatchShape()), shape.Format(cb), err)
	}
	return newMixture(mixture, component, batch, cfg.validate)
}

// newMixture expands both parts to batch (already checked to be reachable).
func newMixture(mixture *Categorical, component Distribution, batch []int, validate bool) (*MixtureSameFamily, error) {
	k := mixture.K()
	if !shape.Equal(mixture.BatchShape(), batch) {
		m, err := mixture.Expand(batch)
		if err != nil {
			return nil, fmt.Errorf("mixture_same_family: mixture: %w", err)
		}
		mixture = m.(*Categorical)
	}
	if cb := shape.Concat(batch, []int{k}); !shape.Equal(component.BatchShape(), cb) {
		c, err := Expand(component, cb)
		if err != nil {
			return nil, fmt.Errorf("mixture_same_family: component: %w", err)
		}
		component = c
	}
	return &MixtureSameFamily{
		mix: mixture, comp: component, k: k, batch: shape.Clone(batch),
		event: component.EventShape(), dtype: mixture.Dtype(), validate: validate,
	}, nil
}

// MixtureDistribution is the Categorical of the mixing weights, with
// batch shape BatchShape().
func (d *MixtureSameFamily) MixtureDistribution() *Categorical { return d.mix }

// ComponentDistribution is the components, with batch shape
// BatchShape() + (K,).
func (d *MixtureSameFamily) ComponentDistribution() Distribution { return d.comp }

// K is the number of components.
func (d *MixtureSameFamily) K() int { return d.k }

// BatchShape is the shape of the batch of distributions (Distribution).
func (d *MixtureSameFamily) BatchShape() []int { return shape.Clone(d.batch) }

// EventShape is the shape of one draw (Distribution).
func (d *MixtureSameFamily) EventShape() []int { return shape.Clone(d.event) }

// Dtype is the floating dtype of the parameters and of LogProb (Distribution).
func (d *MixtureSameFamily) Dtype() gt.Dtype { return d.dtype }

// Validating reports the validation option the mixture was built with.
func (d *MixtureSameFamily) Validating() bool { return d.validate }

// Expand returns the mixtures broadcast to batch: the mixture expanded to
// batch and the component to batch + (K,), sharing their parameters.
func (d *MixtureSameFamily) Expand(batch []int) (Distribution, error) {
	if err := shape.CheckExpand(d.batch, batch); err != nil {
		return nil, fmt.Errorf("mixture_same_family: %w", err)
	}
	return newMixture(d.mix, d.comp, batch, d.validate)
}

// Params returns the mixture's parameter as "mixture.<name>" and the
// component's as "component.<name>" (through Independent and Expanded
// wrappers): the names of LogProbGrad.
func (d *MixtureSameFamily) Params() map[string]*tensor.Dense {
	out := map[string]*tensor.Dense{"mixture." + d.mix.paramName(): d.mix.param}
	inner := d.comp
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
			out["component."+n] = t
		}
	}
	return out
}

// prepare checks x (shape, and a floating dtype other than the
// distribution's) and returns LogProb's shape and x viewed with a
// singleton dim before the event dims, lead + (1,) + E, which broadcasts
// against the K components.
func (d *MixtureSameFamily) prepare(x Value) (out []int, xk *tensor.Dense, err error) {
	if tensor.IsNil(x) {
		return nil, nil, fmt.Errorf("mixture_same_family: nil value: %w", ErrShape)
	}
	if dt := x.Dtype(); tensor.IsFloat(dt) && dt != d.dtype {
		return nil, nil, fmt.Errorf("mixture_same_family: value has dtype %v, distribution %v: %w", dt, d.dtype, ErrDType)
	}
	xs := tensor.ShapeOf(x)
	if out, err = shape.CheckValue(xs, d.batch, d.event); err != nil {
		return nil, nil, fmt.Errorf("mixture_same_family: %w", err)
	}
	lead := len(xs) - len(d.event)
	xk, err = mixtureView(x, shape.Concat(xs[:lead], []int{1}, xs[lead:]))
	if err != nil {
		return nil, nil, err
	}
	return out, xk, nil
}

// mixtureView returns v's data (shared where contiguous) with shape s.
func mixtureView(v Value, s []int) (*tensor.Dense, error) {
	var (
		t   *tensor.Dense
		err error
	)
	switch v.Dtype() {
	case tensor.Float64:
		var data []float64
		if data, err = tensor.Floats[float64](v); err == nil {
			t, err = tensor.New(data, s...)
		}
	case tensor.Float32:
		var data []float32
		if data, err = tensor.Floats[float32](v); err == nil {
			t, err = tensor.New(data, s...)
		}
	case tensor.Int64:
		t, err = tensor.New(int64Data(v), s...)
	default:
		return nil, fmt.Errorf("mixture_same_family: value has dtype %v: %w", v.Dtype(), ErrDType)
	}
	if err != nil {
		return nil, fmt.Errorf("mixture_same_family: value: %w", err)
	}
	return t, nil
}

// componentLogProb returns the components' log p at xk, shaped out + (K,),
// into dst when the component writes into a caller's array and dst is
// given (LogProbInto's pooled scratch), else newly allocated.
func (d *MixtureSameFamily) componentLogProb(xk *tensor.Dense, out []int, dst *tensor.Dense) (*tensor.Dense, error) {
	want := shape.Concat(out, []int{d.k})
	if into, ok := d.comp.(LogProbIntoer); ok && dst != nil {
		if err := into.LogProbInto(dst, xk); err != nil {
			return nil, err
		}
		return dst, nil
	}
	lc, err := d.comp.LogProb(xk)
	if err != nil {
		return nil, err
	}
	if !shape.Equal(tensor.ShapeOf(lc), want) || lc.Dtype() != d.dtype {
		return nil, fmt.Errorf("mixture_same_family: component log_prob has shape %s and dtype %v, want %s and %v: %w",
			shape.Format(tensor.ShapeOf(lc)), lc.Dtype(), shape.Format(want), d.dtype, ErrShape)
	}
	return lc, nil
}

// LogProb returns log Σ_k π_k p_k(x), shaped
// broadcast(x.Shape()[:-len(E)], BatchShape()). x must end in the event
// shape E; the component scores it (and, when it validates, checks its
// support).
func (d *MixtureSameFamily) LogProb(x Value) (*tensor.Dense, error) {
	out, xk, err := d.prepare(x)
	if err != nil {
		return nil, err
	}
	lc, err := d.componentLogProb(xk, out, nil)
	if err != nil {
		return nil, err
	}
	if d.dtype == tensor.Float32 {
		res, dst := tensor.Alloc[float32](out)
		mixtureCombine(d, dst, lc, out)
		return res, nil
	}
	res, dst := tensor.Alloc[float64](out)
	mixtureCombine(d, dst, lc, out)
	return res, nil
}

// mixtureScratch holds the components' scores of LogProbInto between
// calls, so that a steady loop allocates no O(n·K) buffer.
var mixtureScratch = sync.Pool{New: func() any { return new(mixtureBuf) }}

type mixtureBuf struct {
	f64 []float64
	f32 []float32
}

// LogProbInto writes LogProb into dst, which must have LogProb's shape and
// the distribution's dtype. The components' scores go through a pooled
// buffer when the component has LogProbInto itself.
func (d *MixtureSameFamily) LogProbInto(dst *tensor.Dense, x Value) error {
	out, xk, err := d.prepare(x)
	if err != nil {
		return err
	}
	if dst == nil || !shape.Equal(tensor.ShapeOf(dst), out) || dst.Dtype() != d.dtype {
		return fmt.Errorf("mixture_same_family: LogProbInto needs a %v array of shape %s: %w", d.dtype, shape.Format(out), ErrShape)
	}
	buf := mixtureScratch.Get().(*mixtureBuf)
	defer mixtureScratch.Put(buf)
	n := shape.Size(out) * d.k
	ks := shape.Concat(out, []int{d.k})
	if d.dtype == tensor.Float32 {
		if cap(buf.f32) < n {
			buf.f32 = make([]float32, n)
		}
		scratch, _ := tensor.New(buf.f32[:n], ks...)
		lc, err := d.componentLogProb(xk, out, scratch)
		if err != nil {
			return err
		}
		data, err := tensor.Floats[float32](dst)
		if err != nil {
			return fmt.Errorf("mixture_same_family: %w", err)
		}
		mixtureCombine(d, data, lc, out)
		return nil
	}
	if cap(buf.f64) < n {
		buf.f64 = make([]float64, n)
	}
	scratch, _ := tensor.New(buf.f64[:n], ks...)
	lc, err := d.componentLogProb(xk, out, scratch)
	if err != nil {
		return err
	}
	data, err := tensor.Floats[float64](dst)
	if err != nil {
		return fmt.Errorf("mixture_same_family: %w", err)
	}
	mixtureCombine(d, data, lc, out)
	return nil
}

// mixtureCombine writes dst[o] = logsumexp_k(lc[o, k] + log π_k) over the
// output elements o, with π the mixture's row of o, in float64.
func mixtureCombine[T tensor.Float](d *MixtureSameFamily, dst []T, lcT *tensor.Dense, out []int) {
	lc, _ := tensor.Floats[T](lcT)           // componentLogProb checked the dtype
	lm, _ := tensor.Floats[T](d.mix.logits)  // normalised log π, rows of pbatch
	p, _ := shape.NewPlan(out, d.mix.pbatch) // pbatch broadcasts to batch, batch to out
	k := d.k
	tensor.ForBlocks(p.Size(), func(_, lo, hi int) {
		for r := range p.RunsIn(lo, hi) {
			for i := range r.N {
				o, row := r.Off[0]+i, r.Off[1]+i*r.Step[1]
				dst[o] = T(mixtureLSE(lc[o*k:(o+1)*k], lm[row*k:(row+1)*k]))
			}
		}
	})
}

// mixtureLSE returns log Σ_k exp(a_k + b_k) around the largest term m:
// -Inf when every term is -Inf, +Inf when one is +Inf, NaN when one is NaN.
func mixtureLSE[T tensor.Float](a, b []T) float64 {
	m := math.Inf(-1)
	for j := range a {
		m = max(m, float64(a[j])+float64(b[j])) // max propagates NaN
	}
	if math.IsInf(m, 0) || m != m {
		return m
	}
	var s float64
	for j := range a {
		s += math.Exp(float64(a[j]) + float64(b[j]) - m)
	}
	return m + math.Log(s)
}

// mixtureLSEInto is mixtureLSE keeping its terms: e_k = exp(a_k + b_k − m)
// and z = Σ e_k, so that the responsibilities e_k/z cost no further
// exponential. Where the result is not finite, e and z are NaN (+Inf, NaN)
// or unused (-Inf).
func mixtureLSEInto[T tensor.Float](e []float64, a, b []T) (lse, z float64) {
	m := math.Inf(-1)
	for j := range a {
		m = max(m, float64(a[j])+float64(b[j]))
	}
	if math.IsInf(m, 0) || m != m {
		for j := range e {
			e[j] = math.NaN()
		}
		return m, math.NaN()
	}
	for j := range a {
		e[j] = math.Exp(float64(a[j]) + float64(b[j]) - m)
		z += e[j]
	}
	return m + math.Log(z), z
}

// LogProbGrad returns Σ log p(x) and its gradient with respect to x, the
// mixture's parameter ("mixture.logits" or "mixture.probs") and every
// parameter of the component ("component.<name>"), each shaped like its
// operand.
func (d *MixtureSameFamily) LogProbGrad(x Value) (*Gradient, error) { return d.LogProbVJP(x, nil) }

// LogProbVJP is LogProbGrad with each element of log_prob weighted by
// upstream, which must broadcast to LogProb's shape (nil means ones). An
// element of weight 0, or whose log p is -Inf (outside every component's
// support), contributes nothing to the gradient. The component needs
// LogProbGrader (else ErrUnsupported).
func (d *MixtureSameFamily) LogProbVJP(x, upstream Value) (*Gradient, error) {
	gr, ok := d.comp.(LogProbGrader)
	if !ok {
		return nil, unsupported(d.comp, "gradient")
	}
	out, xk, err := d.prepare(x)
	if err != nil {
		return nil, err
	}
	lc, err := d.componentLogProb(xk, out, nil)
	if err != nil {
		return nil, err
	}
	if d.dtype == tensor.Float32 {
		return mixtureVJP[float32](d, gr, x, xk, lc, upstream, out)
	}
	return mixtureVJP[float64](d, gr, x, xk, lc, upstream, out)
}

// mixtureVJP computes the responsibilities u[o, k] = w_o·r_k(o), passes
// them to the component's VJP as its upstream, and accumulates them per
// mixture row into the Categorical's gradient.
func mixtureVJP[T tensor.Float](d *MixtureSameFamily, gr LogProbGrader, x Value, xk, lcT *tensor.Dense, upstream Value, out []int) (*Gradient, error) {
	var w []T
	if !tensor.IsNil(upstream) {
		if upstream.Dtype() != d.dtype {
			return nil, fmt.Errorf("mixture_same_family: upstream has dtype %v, distribution %v: %w", upstream.Dtype(), d.dtype, ErrDType)
		}
		wt, err := tensor.BroadcastTo[T](upstream, out)
		if err != nil {
			return nil, fmt.Errorf("mixture_same_family: upstream: %w", err)
		}
		w, _ = tensor.Floats[T](wt)
	}
	k := d.k
	lc, _ := tensor.Floats[T](lcT)
	lm, _ := tensor.Floats[T](d.mix.logits)
	p, _ := shape.NewPlan(out, d.mix.pbatch)
	ures, u := tensor.Alloc[T](shape.Concat(out, []int{k}))
	resp := make([]float64, shape.Size(d.mix.pbatch)*k) // Σ u per mixture row
	e := make([]float64, k)
	var sum float64
	for r := range p.Runs() {
		for i := range r.N {
			o, row := r.Off[0]+i, r.Off[1]+i*r.Step[1]
			wo := 1.0
			if w != nil {
				wo = float64(w[o])
			}
			if wo == 0 { // select, never multiply: a masked -Inf or NaN stays out
				continue
			}
			lse, z := mixtureLSEInto(e, lc[o*k:(o+1)*k], lm[row*k:(row+1)*k])
			sum += wo * lse
			if math.IsInf(lse, -1) { // no mass anywhere: no direction to move
				continue
			}
			for j, ej := range e { // r_j = e_j/Σe, the exponentials of the logsumexp
				uj := wo * ej / z
				u[o*k+j] = T(uj)
				resp[row*k+j] += uj
			}
		}
	}
	gc, err := gr.LogProbVJP(xk, ures)
	if err != nil {
		return nil, err
	}
	params := map[string]*tensor.Dense{"mixture." + d.mix.paramName(): mixtureWeightsGrad[T](d.mix, resp)}
	for n, t := range gc.Params {
		params["component."+n] = t
	}
	gx := gc.Value
	if gx != nil {
		if gx, err = mixtureView(gx, tensor.ShapeOf(x)); err != nil {
			return nil, err
		}
	}
	return &Gradient{LogProb: sum, Value: gx, Params: params}, nil
}

// mixtureWeightsGrad turns per-row sums of responsibilities R_j (W = Σ_j
// R_j) into the gradient of Σ R_j log π_j with respect to the mixture's
// parameter as given:
//
//	logits: ∂/∂ℓ_j = R_j − W·π_j
//	probs:  ∂/∂x_j = R_j/x_j − W/Σx   (through the normalisation x/Σx)
func mixtureWeightsGrad[T tensor.Float](c *Categorical, resp []float64) *tensor.Dense {
	par, _ := tensor.Floats[T](c.param)
	probs, _ := tensor.Floats[T](c.probs)
	gres, g := tensor.Alloc[T](tensor.ShapeOf(c.param))
	k := c.k
	for r := range len(resp) / k {
		rr := resp[r*k : (r+1)*k]
		var wr, sx float64
		touched := false // upstream weights of both signs may sum to W = 0
		for j, v := range rr {
			wr += v
			sx += float64(par[r*k+j])
			touched = touched || v != 0
		}
		if !touched { // a row no element reached: 0, even for probs summing to 0
			continue
		}
		for j, v := range rr {
			if c.byLogits {
				g[r*k+j] = T(v - wr*float64(probs[r*k+j]))
				continue
			}
			var dj float64
			if v != 0 {
				dj = v / float64(par[r*k+j])
			}
			g[r*k+j] = T(dj - wr/sx)
		}
	}
	return gres
}

// Sample draws sampleShape + BatchShape() + EventShape() values as torch
// does: the categories from the mixture, then a draw of every component,
// from which each category's is gathered. Both draws come from streams
// keyed by src, so the result never depends on GOMAXPROCS. The dtype is
// the component's samples' (int64 for a Categorical component).
func (d *MixtureSameFamily) Sample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	if err := shape.Check(sampleShape); err != nil {
		return nil, fmt.Errorf("mixture_same_family: sample shape: %w", err)
	}
	idx, err := d.mix.Sample(src, sampleShape...)
	if err != nil {
		return nil, err
	}
	cs, err := d.comp.Sample(src, sampleShape...)
	if err != nil {
		return nil, err
	}
	out := shape.Concat(sampleShape, d.batch, d.event)
	if want := shape.Concat(sampleShape, d.batch, []int{d.k}, d.event); !shape.Equal(tensor.ShapeOf(cs), want) {
		return nil, fmt.Errorf("mixture_same_family: component sample has shape %s, want %s: %w", shape.Format(tensor.ShapeOf(cs)), shape.Format(want), ErrShape)
	}
	ix := int64Data(idx)
	switch cs.Dtype() {
	case tensor.Float64:
		return mixtureGather(mixtureF64s(cs), ix, d.k, out)
	case tensor.Float32:
		data, _ := tensor.Floats[float32](cs)
		return mixtureGather(data, ix, d.k, out)
	case tensor.Int64:
		return mixtureGather(int64Data(cs), ix, d.k, out)
	}
	return nil, fmt.Errorf("mixture_same_family: component samples of dtype %v: %w", cs.Dtype(), ErrDType)
}

func mixtureF64s(v Value) []float64 {
	data, _ := tensor.Floats[float64](v)
	return data
}

// mixtureGather returns out[i, e] = cs[i, ix[i], e] for the len(ix) draws
// i, each of size(E) elements.
func mixtureGather[E float32 | float64 | int64](cs []E, ix []int64, k int, out []int) (*tensor.Dense, error) {
	n := len(ix)
	ev := 0
	if n > 0 {
		ev = shape.Size(out) / n
	}
	dst := make([]E, shape.Size(out))
	for i, c := range ix {
		copy(dst[i*ev:(i+1)*ev], cs[(i*k+int(c))*ev:(i*k+int(c)+1)*ev])
	}
	return tensor.New(dst, out...)
}

// Mean is Σ_k π_k μ_k, shaped BatchShape() + EventShape(); the component
// needs Mean (else ErrUnsupported).
func (d *MixtureSameFamily) Mean() (*tensor.Dense, error) {
	mu, err := delegate[Meaner](d.comp, "mean", Meaner.Mean)
	if err != nil {
		return nil, err
	}
	if d.dtype == tensor.Float32 {
		return mixtureMoments[float32](d, mu, nil, false)
	}
	return mixtureMoments[float64](d, mu, nil, false)
}

// Variance is Σ_k π_k σ²_k + Σ_k π_k (μ_k − Σ_j π_j μ_j)², the law of total
// variance (both terms non-negative, no cancellation); the component needs
// Mean and Variance.
func (d *MixtureSameFamily) Variance() (*tensor.Dense, error) { return d.variance(false) }

// StdDev is the square root of Variance (torch's stddev).
func (d *MixtureSameFamily) StdDev() (*tensor.Dense, error) { return d.variance(true) }

func (d *MixtureSameFamily) variance(sqrt bool) (*tensor.Dense, error) {
	mu, err := delegate[Meaner](d.comp, "mean", Meaner.Mean)
	if err != nil {
		return nil, err
	}
	v, err := delegate[Variancer](d.comp, "variance", Variancer.Variance)
	if err != nil {
		return nil, err
	}
	if d.dtype == tensor.Float32 {
		return mixtureMoments[float32](d, mu, v, sqrt)
	}
	return mixtureMoments[float64](d, mu, v, sqrt)
}

// mixtureMoments returns the mean (v nil) or the variance (its square root
// if sqrt) of the mixtures from the components' moments mu and v, shaped
// batch + (K,) + E.
func mixtureMoments[T tensor.Float](d *MixtureSameFamily, mu, v *tensor.Dense, sqrt bool) (*tensor.Dense, error) {
	cs := shape.Concat(d.batch, []int{d.k}, d.event)
	for _, t := range []*tensor.Dense{mu, v} {
		if t != nil && (!shape.Equal(tensor.ShapeOf(t), cs) || t.Dtype() != d.dtype) {
			return nil, fmt.Errorf("mixture_same_family: component moment has shape %s and dtype %v, want %s and %v: %w",
				shape.Format(tensor.ShapeOf(t)), t.Dtype(), shape.Format(cs), d.dtype, ErrShape)
		}
	}
	m, _ := tensor.Floats[T](mu)
	var vs []T
	if v != nil {
		vs, _ = tensor.Floats[T](v)
	}
	pr, _ := tensor.Floats[T](d.mix.probs)
	p, _ := shape.NewPlan(d.batch, d.mix.pbatch)
	k, ev := d.k, shape.Size(d.event)
	res, dst := tensor.Alloc[T](shape.Concat(d.batch, d.event))
	for r := range p.Runs() {
		for i := range r.N {
			b, row := r.Off[0]+i, r.Off[1]+i*r.Step[1]
			pi := pr[row*k : (row+1)*k]
			for e := range ev {
				var mean float64
				for j, q := range pi {
					mean += float64(q) * float64(m[(b*k+j)*ev+e])
				}
				if v == nil {
					dst[b*ev+e] = T(mean)
					continue
				}
				var va float64
				for j, q := range pi {
					dm := float64(m[(b*k+j)*ev+e]) - mean
					va += float64(q) * (float64(vs[(b*k+j)*ev+e]) + dm*dm)
				}
				if sqrt {
					va = math.Sqrt(va)
				}
				dst[b*ev+e] = T(va)
			}
		}
	}
	return res, nil
}

// CDF is Σ_k π_k F_k(x) for a component with a CDF and no event dims
// (torch's cdf; else ErrUnsupported), shaped like LogProb.
func (d *MixtureSameFamily) CDF(x Value) (*tensor.Dense, error) {
	f, ok := d.comp.(CDFer)
	if !ok || len(d.event) > 0 {
		return nil, unsupported(d.comp, "cdf")
	}
	out, xk, err := d.prepare(x)
	if err != nil {
		return nil, err
	}
	fk, err := f.CDF(xk)
	if err != nil {
		return nil, err
	}
	if want := shape.Concat(out, []int{d.k}); !shape.Equal(tensor.ShapeOf(fk), want) || fk.Dtype() != d.dtype {
		return nil, fmt.Errorf("mixture_same_family: component cdf has shape %s, want %s: %w", shape.Format(tensor.ShapeOf(fk)), shape.Format(want), ErrShape)
	}
	if d.dtype == tensor.Float32 {
		return mixtureCDF[float32](d, fk, out), nil
	}
	return mixtureCDF[float64](d, fk, out), nil
}

func mixtureCDF[T tensor.Float](d *MixtureSameFamily, fkT *tensor.Dense, out []int) *tensor.Dense {
	fk, _ := tensor.Floats[T](fkT)
	pr, _ := tensor.Floats[T](d.mix.probs)
	p, _ := shape.NewPlan(out, d.mix.pbatch)
	k := d.k
	res, dst := tensor.Alloc[T](out)
	for r := range p.Runs() {
		for i := range r.N {
			o, row := r.Off[0]+i, r.Off[1]+i*r.Step[1]
			var s float64
			for j, q := range pr[row*k : (row+1)*k] {
				s += float64(q) * float64(fk[o*k+j])
			}
			dst[o] = T(s)
		}
	}
	return res
}

// String is a torch-style summary of the distribution, for logs and messages.
func (d *MixtureSameFamily) String() string {
	return fmt.Sprintf("MixtureSameFamily(%v, %v, batch_shape=%s, event_shape=%s)", d.mix, d.comp, shape.Format(d.batch), shape.Format(d.event))
}

func init() {
	RegisterShapes("MixtureSameFamily", func(map[string][]int) ([]int, []int, error) {
		// Pyro's generic rule reads support.event_dim, which a dependent
		// property (the component's support) cannot give statically.
		return nil, nil, fmt.Errorf("infer_shapes: MixtureSameFamily: shapes come from its mixture and component, not from parameter shapes (Pyro raises NotImplementedError): %w", ErrUnsupported)
	})
	Register("MixtureSameFamily", func(s *Spec, opts ...Option) (Distribution, error) {
		if err := s.Known(); err != nil {
			return nil, err
		}
		mix, ok, err := s.Part("mixture", opts...)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("mixture_same_family: mixture is required: %w", ErrParam)
		}
		cat, isCat := mix.(*Categorical)
		if !isCat {
			return nil, fmt.Errorf("mixture_same_family: mixture must be a Categorical, got %v: %w", mix, ErrParam)
		}
		comp, ok, err := s.Part("component", opts...)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("mixture_same_family: component is required: %w", ErrParam)
		}
		return NewMixtureSameFamily(cat, comp, opts...)
	})
}
