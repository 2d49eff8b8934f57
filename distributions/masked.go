package distributions

import (
	"fmt"
	"math/rand/v2"

	gt "gorgonia.org/tensor"

	"github.com/seed39ad66a2/tensordist/enumerate"
	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Masked is Pyro's MaskedDistribution: log_prob is the base's where the
// mask is true and exactly 0 where it is false, by selecting, never
// multiplying, so that a masked -Inf or NaN reaches neither the value nor a
// gradient (unlike Pyro, pyro#2447). Sampling, enumeration and the moments
// are the base's, unmasked. Build one with Mask or MaskAll.
type Masked struct {
	base  Distribution
	mask  *tensor.Dense // bool, broadcasting to batch; nil for MaskAll
	keep  bool          // MaskAll's flag, when mask is nil
	batch []int
}

// Mask masks d with a bool array that broadcasts with d's batch shape; the
// batch shape becomes their broadcast (the mask may grow it) and d is
// expanded to it, as Pyro does.
func Mask(d Distribution, mask *tensor.Dense) (Distribution, error) {
	if mask == nil || mask.Dtype() != tensor.Bool {
		return nil, fmt.Errorf("mask: want a bool array: %w", ErrDType)
	}
	batch, err := shape.Broadcast(tensor.ShapeOf(mask), d.BatchShape())
	if err != nil {
		return nil, fmt.Errorf("mask: %w", err)
	}
	if !shape.Equal(batch, d.BatchShape()) {
		if d, err = Expand(d, batch); err != nil {
			return nil, err
		}
	}
	return &Masked{base: d, mask: mask, batch: batch}, nil
}

// MaskAll is Pyro's mask(True) or mask(False): with keep false, LogProb is
// zeros and the base is never evaluated.
func MaskAll(d Distribution, keep bool) Distribution {
	return &Masked{base: d, keep: keep, batch: d.BatchShape()}
}

// Base is the masked distribution; MaskTensor the mask (nil for MaskAll).
func (d *Masked) Base() Distribution { return d.base }

// MaskTensor is the boolean mask, nil for MaskAll.
func (d *Masked) MaskTensor() *tensor.Dense { return d.mask }

// BatchShape is the shape of the batch of distributions (Distribution).
func (d *Masked) BatchShape() []int { return shape.Clone(d.batch) }

// EventShape is the shape of one draw (Distribution).
func (d *Masked) EventShape() []int { return d.base.EventShape() }

// Dtype is the floating dtype of the parameters and of LogProb (Distribution).
func (d *Masked) Dtype() gt.Dtype { return d.base.Dtype() }

// HasRSample is the base's: masking touches only log_prob.
func (d *Masked) HasRSample() bool { return HasRSample(d.base) }

// HasEnumerateSupport is the base's: masking touches only log_prob.
func (d *Masked) HasEnumerateSupport() bool { return HasEnumerateSupport(d.base) }

// LogProb is the base's log_prob where the mask is true and 0 elsewhere.
func (d *Masked) LogProb(x Value) (*tensor.Dense, error) {
	if d.mask == nil && d.keep {
		return d.base.LogProb(x)
	}
	out, err := d.outShape(x)
	if err != nil {
		return nil, err
	}
	if d.mask == nil {
		return zeros(d.Dtype(), out), nil
	}
	lp, err := d.base.LogProb(x)
	if err != nil {
		return nil, err
	}
	return d.apply(lp)
}

// outShape checks x against the masked distribution and returns the shape
// of its log_prob.
func (d *Masked) outShape(x Value) ([]int, error) {
	if tensor.IsNil(x) {
		return nil, fmt.Errorf("mask: nil value: %w", ErrShape)
	}
	out, err := shape.CheckValue(tensor.ShapeOf(x), d.batch, d.EventShape())
	if err != nil {
		return nil, fmt.Errorf("mask: %w", err)
	}
	return out, nil
}

func zeros(dt gt.Dtype, s []int) *tensor.Dense {
	if dt == tensor.Float32 {
		res, _ := tensor.Alloc[float32](s)
		return res
	}
	res, _ := tensor.Alloc[float64](s)
	return res
}

// apply returns v with the entries where the mask is false replaced by 0.
func (d *Masked) apply(v *tensor.Dense) (*tensor.Dense, error) {
	if v.Dtype() == tensor.Float32 {
		return selectMask[float32](v, d.mask)
	}
	return selectMask[float64](v, d.mask)
}

// selectMask returns a copy of v, zero where mask (broadcasting to v's
// shape) is false.
func selectMask[T tensor.Float](v, mask *tensor.Dense) (*tensor.Dense, error) {
	src, err := tensor.Floats[T](v)
	if err != nil {
		return nil, err
	}
	s := tensor.ShapeOf(v)
	p, err := shape.NewPlan(s, tensor.ShapeOf(mask))
	if err != nil {
		return nil, fmt.Errorf("mask: %w", err)
	}
	keep := maskBools(mask)
	res, dst := tensor.Alloc[T](s)
	for r := range p.Runs() {
		for i := range r.N {
			if keep[r.Off[1]+i*r.Step[1]] {
				dst[r.Off[0]+i] = src[r.Off[0]+i]
			}
		}
	}
	return res, nil
}

// maskBools returns a bool array's contiguous data.
func maskBools(mask *tensor.Dense) []bool {
	if mask.RequiresIterator() {
		if m, ok := mask.Materialize().(*tensor.Dense); ok {
			mask = m
		}
	}
	return mask.Bools()
}

// weights returns the VJP weights of the base: upstream (nil means ones)
// broadcast to log_prob's shape out, and 0 where the mask is false.
func (d *Masked) weights(upstream Value, out []int) (*tensor.Dense, error) {
	w := upstream
	if !tensor.IsNil(w) && w.Dtype() != d.Dtype() {
		return nil, fmt.Errorf("mask: upstream has dtype %v, distribution %v: %w", w.Dtype(), d.Dtype(), ErrDType)
	}
	if tensor.IsNil(w) {
		ones, err := fullOf(d.Dtype(), 1, out)
		if err != nil {
			return nil, err
		}
		w = ones
	}
	var err error
	var b *tensor.Dense
	if d.Dtype() == tensor.Float32 {
		b, err = tensor.BroadcastTo[float32](w, out)
	} else {
		b, err = tensor.BroadcastTo[float64](w, out)
	}
	if err != nil {
		return nil, fmt.Errorf("mask: upstream: %w", err)
	}
	if d.mask == nil {
		if d.keep {
			return b, nil
		}
		return zeros(d.Dtype(), out), nil
	}
	return d.apply(b)
}

func fullOf(dt gt.Dtype, v float64, s []int) (*tensor.Dense, error) {
	if dt == tensor.Float32 {
		return tensor.Full(float32(v), s...)
	}
	return tensor.Full(v, s...)
}

// LogProbGrad is the gradient of the masked sum: masked entries contribute
// exactly 0 to it and to every partial, even where the base's log_prob is
// -Inf or NaN.
func (d *Masked) LogProbGrad(x Value) (*Gradient, error) { return d.LogProbVJP(x, nil) }

// LogProbVJP weighs the base's VJP by upstream where the mask is true and
// by 0 elsewhere.
func (d *Masked) LogProbVJP(x, upstream Value) (*Gradient, error) {
	g, ok := d.base.(LogProbGrader)
	if !ok {
		return nil, unsupported(d.base, "gradient")
	}
	out, err := d.outShape(x)
	if err != nil {
		return nil, err
	}
	w, err := d.weights(upstream, out)
	if err != nil {
		return nil, err
	}
	return g.LogProbVJP(x, w)
}

// Sample and RSample are the base's, unmasked.
func (d *Masked) Sample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	return d.base.Sample(src, sampleShape...)
}

// RSample is the base's, unmasked: masking touches only log_prob.
func (d *Masked) RSample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	r, ok := d.base.(RSampler)
	if !ok || !HasRSample(d.base) {
		return nil, unsupported(d.base, "rsample")
	}
	return r.RSample(src, sampleShape...)
}

// EnumerateSupport is the base's.
func (d *Masked) EnumerateSupport(expand bool) (*enumerate.Support, error) {
	e, ok := d.base.(SupportEnumerator)
	if !ok || !HasEnumerateSupport(d.base) {
		return nil, unsupported(d.base, "enumerate_support")
	}
	return e.EnumerateSupport(expand)
}

// Mean, Variance and StdDev are the base's.
func (d *Masked) Mean() (*tensor.Dense, error) { return delegate[Meaner](d.base, "mean", Meaner.Mean) }

// Variance is the base's: masking touches only log_prob.
func (d *Masked) Variance() (*tensor.Dense, error) {
	return delegate[Variancer](d.base, "variance", Variancer.Variance)
}

// StdDev is the base's: masking touches only log_prob.
func (d *Masked) StdDev() (*tensor.Dense, error) {
	return delegate[StdDever](d.base, "stddev", StdDever.StdDev)
}

// Expand expands the base and keeps the mask, which broadcasts to any
// expansion of the batch.
func (d *Masked) Expand(batch []int) (Distribution, error) {
	base, err := Expand(d.base, batch)
	if err != nil {
		return nil, err
	}
	return &Masked{base: base, mask: d.mask, keep: d.keep, batch: shape.Clone(batch)}, nil
}

// String is a torch-style summary of the distribution, for logs and messages.
func (d *Masked) String() string { return fmt.Sprintf("Masked(%v)", d.base) }
