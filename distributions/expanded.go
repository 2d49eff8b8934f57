package distributions

import (
	"fmt"
	"math/rand/v2"

	gt "gorgonia.org/tensor"

	"github.com/seed39ad66a2/tensordist/enumerate"
	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Expanded is Pyro's ExpandedDistribution, the fallback of Expand for a
// distribution that cannot expand natively: log_prob is the base's,
// evaluated once and broadcast; samples are independent draws at every
// position of the larger batch.
type Expanded struct {
	base  Distribution
	batch []int
}

func newExpanded(base Distribution, batch []int) (*Expanded, error) {
	if e, ok := base.(*Expanded); ok {
		base = e.base
	}
	if err := shape.CheckExpand(base.BatchShape(), batch); err != nil {
		return nil, err
	}
	return &Expanded{base: base, batch: shape.Clone(batch)}, nil
}

// Base is the distribution that was expanded.
func (d *Expanded) Base() Distribution { return d.base }

// BatchShape is the shape of the batch of distributions (Distribution).
func (d *Expanded) BatchShape() []int { return shape.Clone(d.batch) }

// EventShape is the shape of one draw (Distribution).
func (d *Expanded) EventShape() []int { return d.base.EventShape() }

// Dtype is the floating dtype of the parameters and of LogProb (Distribution).
func (d *Expanded) Dtype() gt.Dtype { return d.base.Dtype() }

// HasRSample is the base's: expanding keeps reparameterisation.
func (d *Expanded) HasRSample() bool { return HasRSample(d.base) }

// HasEnumerateSupport is the base's; the support is expanded with the batch.
func (d *Expanded) HasEnumerateSupport() bool { return HasEnumerateSupport(d.base) }

// Expand re-expands the base.
func (d *Expanded) Expand(batch []int) (Distribution, error) {
	if err := shape.CheckExpand(d.batch, batch); err != nil {
		return nil, err
	}
	return newExpanded(d.base, batch)
}

// logProbShapes checks x and returns the shape of the expanded log_prob and
// of the base's.
func (d *Expanded) logProbShapes(x Value) (out, inner []int, err error) {
	if tensor.IsNil(x) {
		return nil, nil, fmt.Errorf("expanded: nil value: %w", ErrShape)
	}
	event := d.EventShape()
	if out, err = shape.CheckValue(tensor.ShapeOf(x), d.batch, event); err != nil {
		return nil, nil, fmt.Errorf("expanded: %w", err)
	}
	if inner, err = shape.CheckValue(tensor.ShapeOf(x), d.base.BatchShape(), event); err != nil {
		return nil, nil, fmt.Errorf("expanded: %w", err)
	}
	return out, inner, nil
}

// LogProb is the base's log_prob broadcast to broadcast(x, BatchShape()).
func (d *Expanded) LogProb(x Value) (*tensor.Dense, error) {
	out, _, err := d.logProbShapes(x)
	if err != nil {
		return nil, err
	}
	lp, err := d.base.LogProb(x)
	if err != nil {
		return nil, err
	}
	return broadcastFloat(lp, out)
}

func broadcastFloat(v *tensor.Dense, s []int) (*tensor.Dense, error) {
	if shape.Equal(tensor.ShapeOf(v), s) {
		return v, nil
	}
	if v.Dtype() == tensor.Float32 {
		return tensor.BroadcastTo[float32](v, s)
	}
	return tensor.BroadcastTo[float64](v, s)
}

// LogProbGrad and LogProbVJP sum upstream back to the base's log_prob
// shape and ask the base.
func (d *Expanded) LogProbGrad(x Value) (*Gradient, error) { return d.LogProbVJP(x, nil) }

// LogProbVJP sums upstream back to the base's log_prob shape and asks the base.
func (d *Expanded) LogProbVJP(x, upstream Value) (*Gradient, error) {
	g, ok := d.base.(LogProbGrader)
	if !ok {
		return nil, unsupported(d.base, "gradient")
	}
	out, inner, err := d.logProbShapes(x)
	if err != nil {
		return nil, err
	}
	w := upstream
	if !tensor.IsNil(w) && w.Dtype() != d.Dtype() {
		return nil, fmt.Errorf("expanded: upstream has dtype %v, distribution %v: %w", w.Dtype(), d.Dtype(), ErrDType)
	}
	if tensor.IsNil(w) {
		if w, err = fullOf(d.Dtype(), 1, out); err != nil {
			return nil, err
		}
	}
	var summed *tensor.Dense
	if d.Dtype() == tensor.Float32 {
		summed, err = sumToShape[float32](w, out, inner)
	} else {
		summed, err = sumToShape[float64](w, out, inner)
	}
	if err != nil {
		return nil, fmt.Errorf("expanded: upstream: %w", err)
	}
	return g.LogProbVJP(x, summed)
}

// sumToShape broadcasts w to out and sums it back to inner.
func sumToShape[T tensor.Float](w Value, out, inner []int) (*tensor.Dense, error) {
	big, err := tensor.BroadcastTo[T](w, out)
	if err != nil {
		return nil, err
	}
	src, _ := tensor.Floats[T](big)
	res, dst := tensor.Alloc[T](inner)
	return res, tensor.SumTo(dst, inner, src, out)
}

// Sample draws independent values at every position of the expanded batch:
// the base is sampled with one extra leading dim holding a replica for each
// combination of the grown dims, which are then put in place.
func (d *Expanded) Sample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	return d.replicate(d.base.Sample, src, sampleShape)
}

// RSample is Sample with the base's RSample.
func (d *Expanded) RSample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	r, ok := d.base.(RSampler)
	if !ok || !HasRSample(d.base) {
		return nil, unsupported(d.base, "rsample")
	}
	return d.replicate(r.RSample, src, sampleShape)
}

func (d *Expanded) replicate(draw func(rand.Source, ...int) (*tensor.Dense, error), src rand.Source, sampleShape []int) (*tensor.Dense, error) {
	if err := shape.Check(sampleShape); err != nil {
		return nil, err
	}
	inner := d.base.BatchShape()
	lead := len(d.batch) - len(inner)
	m := shape.Size(d.batch) / max(1, shape.Size(inner)) // replicas per base element
	if shape.Size(inner) == 0 {
		m = 0
	}
	base, err := draw(src, shape.Concat(sampleShape, []int{m})...)
	if err != nil {
		return nil, err
	}
	event := shape.Size(d.EventShape())
	out := shape.Concat(sampleShape, d.batch, d.EventShape())
	// For each position of the expanded batch: its replica index (row-major
	// over the grown dims) and its base batch index.
	nb := shape.Size(d.batch)
	replica, index := make([]int, nb), make([]int, nb)
	for i := range nb {
		idx := unravel(i, d.batch)
		r, b := 0, 0
		for j, size := range d.batch {
			if j < lead || inner[j-lead] == 1 {
				r = r*size + idx[j]
			} else {
				b = b*inner[j-lead] + idx[j]
			}
		}
		replica[i], index[i] = r, b
	}
	ni := shape.Size(inner)
	gather := func(s, i int) int { return ((s*m+replica[i])*ni + index[i]) * event }
	switch base.Dtype() {
	case tensor.Float32:
		return gatherRows(base.Float32s(), out, shape.Size(sampleShape), nb, event, gather)
	case tensor.Float64:
		return gatherRows(base.Float64s(), out, shape.Size(sampleShape), nb, event, gather)
	case tensor.Int64:
		return gatherRows(base.Int64s(), out, shape.Size(sampleShape), nb, event, gather)
	}
	return nil, fmt.Errorf("expanded: samples of dtype %v: %w", base.Dtype(), ErrDType)
}

// gatherRows builds out from event-sized rows of src: row (s, i) of the
// result is src[from(s, i):][:event].
func gatherRows[T tensor.Elem](src []T, out []int, ns, nb, event int, from func(s, i int) int) (*tensor.Dense, error) {
	dst := make([]T, shape.Size(out))
	for s := range ns {
		for i := range nb {
			copy(dst[(s*nb+i)*event:][:event], src[from(s, i):][:event])
		}
	}
	return tensor.New(dst, out...)
}

// EnumerateSupport is the base's values, shaped (K,) + (1,)*len(batch) + event,
// or expanded to (K,) + batch + event.
func (d *Expanded) EnumerateSupport(expand bool) (*enumerate.Support, error) {
	e, ok := d.base.(SupportEnumerator)
	if !ok || !HasEnumerateSupport(d.base) {
		return nil, unsupported(d.base, "enumerate_support")
	}
	s, err := e.EnumerateSupport(false)
	if err != nil {
		return nil, err
	}
	k := s.K()
	ones := make([]int, len(d.batch))
	for i := range ones {
		ones[i] = 1
	}
	target := shape.Concat([]int{k}, ones, d.EventShape())
	if expand {
		target = shape.Concat([]int{k}, d.batch, d.EventShape())
	}
	v, err := broadcastAny(s.Dense, shape.Concat([]int{k}, ones, d.EventShape()), target)
	if err != nil {
		return nil, err
	}
	return enumerate.New(v, nil), nil
}

// broadcastAny reshapes v's data to s (same size) and broadcasts it to
// target, for any element type.
func broadcastAny(v *tensor.Dense, s, target []int) (*tensor.Dense, error) {
	p, err := shape.NewPlan(target, s)
	if err != nil {
		return nil, err
	}
	switch v.Dtype() {
	case tensor.Float32:
		return broadcastData(v.Float32s(), p, target)
	case tensor.Float64:
		return broadcastData(v.Float64s(), p, target)
	case tensor.Int64:
		return broadcastData(v.Int64s(), p, target)
	}
	return nil, fmt.Errorf("expanded: support of dtype %v: %w", v.Dtype(), ErrDType)
}

func broadcastData[T tensor.Elem](src []T, p *shape.Plan, target []int) (*tensor.Dense, error) {
	dst := make([]T, p.Size())
	for r := range p.Runs() {
		for i := range r.N {
			dst[r.Off[0]+i] = src[r.Off[1]+i*r.Step[1]]
		}
	}
	return tensor.New(dst, target...)
}

// Mean, Variance and StdDev are the base's, broadcast.
func (d *Expanded) Mean() (*tensor.Dense, error) {
	return d.broadcastStat(delegate(d.base, "mean", Meaner.Mean))
}

// Variance is the base's, broadcast to the expanded batch.
func (d *Expanded) Variance() (*tensor.Dense, error) {
	return d.broadcastStat(delegate(d.base, "variance", Variancer.Variance))
}

// StdDev is the base's, broadcast to the expanded batch.
func (d *Expanded) StdDev() (*tensor.Dense, error) {
	return d.broadcastStat(delegate(d.base, "stddev", StdDever.StdDev))
}

func (d *Expanded) broadcastStat(v *tensor.Dense, err error) (*tensor.Dense, error) {
	if err != nil {
		return nil, err
	}
	return broadcastFloat(v, shape.Concat(d.batch, d.EventShape()))
}

// String is a torch-style summary of the distribution, for logs and messages.
func (d *Expanded) String() string {
	return fmt.Sprintf("Expanded(%v, %s)", d.base, shape.Format(d.batch))
}
