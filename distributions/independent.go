package distributions

import (
	"fmt"
	"math/rand/v2"

	gt "gorgonia.org/tensor"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Independent reinterprets the n rightmost batch dims of a base
// distribution as event dims (torch's Independent, Pyro's to_event):
// LogProb and Entropy sum the base's over them; sampling and the moments
// are the base's. Validation is the base's. Build one with ToEvent.
type Independent struct {
	base         Distribution
	n            int
	batch, event []int
}

// ToEvent moves the n rightmost batch dims of d into its event, Pyro's
// to_event(n); n = len(d.BatchShape()) moves them all. Nested calls flatten
// into one Independent over the innermost base; a total of 0 returns that
// base itself, so ToEvent(d, -k) undoes ToEvent(d, k); a negative total or
// more dims than the batch has is an error.
func ToEvent(d Distribution, n int) (Distribution, error) {
	base := d
	for {
		in, ok := base.(*Independent)
		if !ok {
			break
		}
		n += in.n
		base = in.base
	}
	switch {
	case n == 0:
		return base, nil
	case n < 0:
		return nil, fmt.Errorf("to_event: cannot remove event dims the distribution does not have (total %d): %w", n, ErrShape)
	}
	batch, event, err := shape.ToEvent(base.BatchShape(), base.EventShape(), n)
	if err != nil {
		return nil, fmt.Errorf("to_event: %w", err)
	}
	return &Independent{base: base, n: n, batch: batch, event: event}, nil
}

// Base is the distribution whose batch dims were reinterpreted.
func (d *Independent) Base() Distribution { return d.base }

// ReinterpretedBatchNdims is n, the number of batch dims moved to the event.
func (d *Independent) ReinterpretedBatchNdims() int { return d.n }

// BatchShape is the shape of the batch of distributions (Distribution).
func (d *Independent) BatchShape() []int { return shape.Clone(d.batch) }

// EventShape is the shape of one draw (Distribution).
func (d *Independent) EventShape() []int { return shape.Clone(d.event) }

// Dtype is the floating dtype of the parameters and of LogProb (Distribution).
func (d *Independent) Dtype() gt.Dtype { return d.base.Dtype() }

// HasRSample is the base's; HasEnumerateSupport is false: torch has no
// cartesian product of supports.
func (d *Independent) HasRSample() bool { return HasRSample(d.base) }

// HasEnumerateSupport is false: torch has no cartesian product of supports.
func (d *Independent) HasEnumerateSupport() bool { return false }

// LogProb sums the base's log_prob over the n reinterpreted dims; x must
// end in the event shape exactly.
func (d *Independent) LogProb(x Value) (*tensor.Dense, error) {
	if tensor.IsNil(x) {
		return nil, fmt.Errorf("independent: nil value: %w", ErrShape)
	}
	if _, err := shape.CheckValue(tensor.ShapeOf(x), d.batch, d.event); err != nil {
		return nil, fmt.Errorf("independent: %w", err)
	}
	lp, err := d.base.LogProb(x)
	if err != nil {
		return nil, err
	}
	return sumRightmost(lp, d.n)
}

func sumRightmost(v *tensor.Dense, n int) (*tensor.Dense, error) {
	if v.Dtype() == tensor.Float32 {
		return tensor.SumRightmost[float32](v, n)
	}
	return tensor.SumRightmost[float64](v, n)
}

// Sample is the base's.
func (d *Independent) Sample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	return d.base.Sample(src, sampleShape...)
}

// RSample is the base's.
func (d *Independent) RSample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	r, ok := d.base.(RSampler)
	if !ok || !HasRSample(d.base) {
		return nil, unsupported(d.base, "rsample")
	}
	return r.RSample(src, sampleShape...)
}

// Expand expands the base to batch + the reinterpreted dims.
func (d *Independent) Expand(batch []int) (Distribution, error) {
	if err := shape.CheckExpand(d.batch, batch); err != nil {
		return nil, fmt.Errorf("independent: %w", err)
	}
	reinterpreted := d.event[:d.n]
	base, err := Expand(d.base, shape.Concat(batch, reinterpreted))
	if err != nil {
		return nil, err
	}
	return &Independent{base: base, n: d.n, batch: shape.Clone(batch), event: d.event}, nil
}

// Mean, Variance, StdDev and Mode are the base's.
func (d *Independent) Mean() (*tensor.Dense, error) {
	return delegate[Meaner](d.base, "mean", Meaner.Mean)
}

// Variance is the base's: reinterpreting dims changes no moment.
func (d *Independent) Variance() (*tensor.Dense, error) {
	return delegate[Variancer](d.base, "variance", Variancer.Variance)
}

// StdDev is the base's: reinterpreting dims changes no moment.
func (d *Independent) StdDev() (*tensor.Dense, error) {
	return delegate[StdDever](d.base, "stddev", StdDever.StdDev)
}

// Mode is the base's: the dims stay independent.
func (d *Independent) Mode() (*tensor.Dense, error) {
	return delegate[Moder](d.base, "mode", Moder.Mode)
}

// Entropy sums the base's over the reinterpreted dims.
func (d *Independent) Entropy() (*tensor.Dense, error) {
	h, err := delegate[Entropier](d.base, "entropy", Entropier.Entropy)
	if err != nil {
		return nil, err
	}
	return sumRightmost(h, d.n)
}

// delegate calls get on base when base has capability C.
func delegate[C any](base Distribution, op string, get func(C) (*tensor.Dense, error)) (*tensor.Dense, error) {
	c, ok := base.(C)
	if !ok {
		return nil, unsupported(base, op)
	}
	return get(c)
}

// LogProbGrad is the base's: summing over the event dims does not change
// the total.
func (d *Independent) LogProbGrad(x Value) (*Gradient, error) { return d.LogProbVJP(x, nil) }

// LogProbVJP passes upstream, shaped like LogProb's result, to the base
// with n trailing singleton dims, so that it broadcasts over the
// reinterpreted dims.
func (d *Independent) LogProbVJP(x, upstream Value) (*Gradient, error) {
	g, ok := d.base.(LogProbGrader)
	if !ok {
		return nil, unsupported(d.base, "gradient")
	}
	if tensor.IsNil(x) {
		return nil, fmt.Errorf("independent: nil value: %w", ErrShape)
	}
	if _, err := shape.CheckValue(tensor.ShapeOf(x), d.batch, d.event); err != nil {
		return nil, fmt.Errorf("independent: %w", err)
	}
	if tensor.IsNil(upstream) {
		return g.LogProbVJP(x, nil)
	}
	s := tensor.ShapeOf(upstream)
	for range d.n {
		s = append(s, 1)
	}
	w, err := reshaped(upstream, s)
	if err != nil {
		return nil, err
	}
	return g.LogProbVJP(x, w)
}

// reshaped returns v's data viewed with shape s (same size).
func reshaped(v Value, s []int) (*tensor.Dense, error) {
	switch v.Dtype() {
	case tensor.Float32:
		data, err := tensor.Floats[float32](v)
		if err != nil {
			return nil, err
		}
		return tensor.New(data, s...)
	case tensor.Float64:
		data, err := tensor.Floats[float64](v)
		if err != nil {
			return nil, err
		}
		return tensor.New(data, s...)
	}
	return nil, fmt.Errorf("upstream has dtype %v: %w", v.Dtype(), ErrDType)
}

// String is a torch-style summary of the distribution, for logs and messages.
func (d *Independent) String() string {
	return fmt.Sprintf("Independent(%v, %d)", d.base, d.n)
}
