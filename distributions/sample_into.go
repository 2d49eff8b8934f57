package distributions

import (
	"fmt"
	"math/rand/v2"
	"sync"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// A SampleIntoer draws into a caller's array, like gonum's Rand(dst) and
// torch's out=: SampleInto(dst, src) writes the draws of
// Sample(src, sampleShape...) into dst, whose shape is sampleShape +
// BatchShape() and whose dtype is the distribution's; the same source state
// gives the same values. The scalar families implement it without
// allocating.
type SampleIntoer interface {
	SampleInto(dst *tensor.Dense, src rand.Source) error
}

// intoSource carries SampleInto's destination through a family's Sample to
// draw, which fills it instead of a new array; its words are src's.
type intoSource struct {
	rand.Source
	dst *tensor.Dense
}

var intoSources = sync.Pool{New: func() any { return new(intoSource) }}

// sampler is a family's Sample.
type sampler interface {
	Sample(src rand.Source, sampleShape ...int) (*tensor.Dense, error)
}

// sampleInto is SampleInto for d, whose body is e.
func sampleInto(d sampler, e *elementwise, dst *tensor.Dense, src rand.Source) error {
	if src == nil {
		return fmt.Errorf("%s: %w", e.family, tensor.ErrNilSource)
	}
	if dst == nil || dst.Dtype() != e.dtype {
		return fmt.Errorf("%s: SampleInto needs a %v array: %w", e.family, e.dtype, ErrDType)
	}
	shp := dst.Shape()
	k := len(shp) - len(e.batch)
	if k < 0 || !shape.Equal(shp[k:], e.batch) || dst.RequiresIterator() {
		return fmt.Errorf("%s: SampleInto needs a contiguous array of shape sample shape + %s, got %s: %w",
			e.family, shape.Format(e.batch), shape.Format(shp), ErrShape)
	}
	in := intoSources.Get().(*intoSource)
	in.Source, in.dst = src, dst
	res, err := d.Sample(in, shp[:k]...)
	in.Source, in.dst = nil, nil
	intoSources.Put(in)
	if err != nil || res == dst {
		return err
	}
	if e.dtype == tensor.Float32 { // a Sample that did not draw into dst
		copy(dst.Float32s(), res.Float32s())
	} else {
		copy(dst.Float64s(), res.Float64s())
	}
	return nil
}

// SampleInto is Sample drawn into dst (see SampleIntoer).
func (d *Bernoulli) SampleInto(dst *tensor.Dense, src rand.Source) error {
	return sampleInto(d, &d.elementwise, dst, src)
}

// SampleInto is Sample drawn into dst (see SampleIntoer).
func (d *Beta) SampleInto(dst *tensor.Dense, src rand.Source) error {
	return sampleInto(d, &d.elementwise, dst, src)
}

// SampleInto is Sample drawn into dst (see SampleIntoer).
func (d *Binomial) SampleInto(dst *tensor.Dense, src rand.Source) error {
	return sampleInto(d, &d.elementwise, dst, src)
}

// SampleInto is Sample drawn into dst (see SampleIntoer).
func (d *Cauchy) SampleInto(dst *tensor.Dense, src rand.Source) error {
	return sampleInto(d, &d.elementwise, dst, src)
}

// SampleInto is Sample drawn into dst (see SampleIntoer).
func (d *Chi2) SampleInto(dst *tensor.Dense, src rand.Source) error {
	return sampleInto(d, &d.elementwise, dst, src)
}

// SampleInto is Sample drawn into dst (see SampleIntoer).
func (d *ContinuousBernoulli) SampleInto(dst *tensor.Dense, src rand.Source) error {
	return sampleInto(d, &d.elementwise, dst, src)
}

// SampleInto is Sample drawn into dst (see SampleIntoer).
func (d *Exponential) SampleInto(dst *tensor.Dense, src rand.Source) error {
	return sampleInto(d, &d.elementwise, dst, src)
}

// SampleInto is Sample drawn into dst (see SampleIntoer).
func (d *FisherSnedecor) SampleInto(dst *tensor.Dense, src rand.Source) error {
	return sampleInto(d, &d.elementwise, dst, src)
}

// SampleInto is Sample drawn into dst (see SampleIntoer).
func (d *Gamma) SampleInto(dst *tensor.Dense, src rand.Source) error {
	return sampleInto(d, &d.elementwise, dst, src)
}

// SampleInto is Sample drawn into dst (see SampleIntoer).
func (d *Geometric) SampleInto(dst *tensor.Dense, src rand.Source) error {
	return sampleInto(d, &d.elementwise, dst, src)
}

// SampleInto is Sample drawn into dst (see SampleIntoer).
func (d *Gumbel) SampleInto(dst *tensor.Dense, src rand.Source) error {
	return sampleInto(d, &d.elementwise, dst, src)
}

// SampleInto is Sample drawn into dst (see SampleIntoer).
func (d *HalfCauchy) SampleInto(dst *tensor.Dense, src rand.Source) error {
	return sampleInto(d, &d.elementwise, dst, src)
}

// SampleInto is Sample drawn into dst (see SampleIntoer).
func (d *HalfNormal) SampleInto(dst *tensor.Dense, src rand.Source) error {
	return sampleInto(d, &d.elementwise, dst, src)
}

// SampleInto is Sample drawn into dst (see SampleIntoer).
func (d *Kumaraswamy) SampleInto(dst *tensor.Dense, src rand.Source) error {
	return sampleInto(d, &d.elementwise, dst, src)
}

// SampleInto is Sample drawn into dst (see SampleIntoer).
func (d *Laplace) SampleInto(dst *tensor.Dense, src rand.Source) error {
	return sampleInto(d, &d.elementwise, dst, src)
}

// SampleInto is Sample drawn into dst (see SampleIntoer).
func (d *LogNormal) SampleInto(dst *tensor.Dense, src rand.Source) error {
	return sampleInto(d, &d.elementwise, dst, src)
}

// SampleInto is Sample drawn into dst (see SampleIntoer).
func (d *NegativeBinomial) SampleInto(dst *tensor.Dense, src rand.Source) error {
	return sampleInto(d, &d.elementwise, dst, src)
}

// SampleInto is Sample drawn into dst (see SampleIntoer).
func (d *Normal) SampleInto(dst *tensor.Dense, src rand.Source) error {
	return sampleInto(d, &d.elementwise, dst, src)
}

// SampleInto is Sample drawn into dst (see SampleIntoer).
func (d *Pareto) SampleInto(dst *tensor.Dense, src rand.Source) error {
	return sampleInto(d, &d.elementwise, dst, src)
}

// SampleInto is Sample drawn into dst (see SampleIntoer).
func (d *Poisson) SampleInto(dst *tensor.Dense, src rand.Source) error {
	return sampleInto(d, &d.elementwise, dst, src)
}

// SampleInto is Sample drawn into dst (see SampleIntoer).
func (d *RelaxedBernoulli) SampleInto(dst *tensor.Dense, src rand.Source) error {
	return sampleInto(d, &d.elementwise, dst, src)
}

// SampleInto is Sample drawn into dst (see SampleIntoer).
func (d *StudentT) SampleInto(dst *tensor.Dense, src rand.Source) error {
	return sampleInto(d, &d.elementwise, dst, src)
}

// SampleInto is Sample drawn into dst (see SampleIntoer).
func (d *Uniform) SampleInto(dst *tensor.Dense, src rand.Source) error {
	return sampleInto(d, &d.elementwise, dst, src)
}

// SampleInto is Sample drawn into dst (see SampleIntoer).
func (d *VonMises) SampleInto(dst *tensor.Dense, src rand.Source) error {
	return sampleInto(d, &d.elementwise, dst, src)
}

// SampleInto is Sample drawn into dst (see SampleIntoer).
func (d *Weibull) SampleInto(dst *tensor.Dense, src rand.Source) error {
	return sampleInto(d, &d.elementwise, dst, src)
}
