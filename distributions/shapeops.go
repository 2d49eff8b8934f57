package distributions

import (
	"fmt"
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Expander is a distribution that expands natively: Expand returns the same
// family over the same parameter arrays (no copy), with a larger batch
// shape. Expand (the function) uses it when it can.
type Expander interface {
	Expand(batch []int) (Distribution, error)
}

// Expand returns d broadcast to the batch shape batch, Pyro's
// expand(batch_shape): batch has at least d's rank and, right-aligned, each
// size of d's batch is 1 or equal to batch's. Families expand natively,
// sharing their parameters; others go through an Expanded wrapper.
func Expand(d Distribution, batch []int) (Distribution, error) {
	if err := shape.CheckExpand(d.BatchShape(), batch); err != nil {
		return nil, err
	}
	if e, ok := d.(Expander); ok {
		return e.Expand(batch)
	}
	return newExpanded(d, batch)
}

// ExpandBy prepends sampleShape to d's batch shape, Pyro's expand_by.
func ExpandBy(d Distribution, sampleShape []int) (Distribution, error) {
	return Expand(d, shape.Concat(sampleShape, d.BatchShape()))
}

// expand is the native Expand of the scalar families: the same parameters,
// which kernels broadcast to the new batch.
func (e *elementwise) expand(batch []int) (elementwise, error) {
	if err := shape.CheckExpand(e.batch, batch); err != nil {
		return elementwise{}, fmt.Errorf("%s: %w", e.family, err)
	}
	c := *e
	c.batch = shape.Clone(batch)
	c.plans = new(elementwisePlans)
	return c, nil
}

// Shape is sampleShape + BatchShape() + EventShape(), the shape of
// Sample(src, sampleShape...).
func Shape(d Distribution, sampleShape ...int) []int {
	return shape.Concat(sampleShape, d.BatchShape(), d.EventShape())
}

// HasRSample reports whether d draws reparameterised samples (torch's
// has_rsample): a wrapper answers for its base.
func HasRSample(d Distribution) bool {
	if h, ok := d.(interface{ HasRSample() bool }); ok {
		return h.HasRSample()
	}
	_, ok := d.(RSampler)
	return ok
}

// HasEnumerateSupport reports whether d enumerates its support (torch's
// has_enumerate_support): a wrapper answers for its base.
func HasEnumerateSupport(d Distribution) bool {
	if h, ok := d.(interface{ HasEnumerateSupport() bool }); ok {
		return h.HasEnumerateSupport()
	}
	_, ok := d.(SupportEnumerator)
	return ok
}

// Call draws like Pyro's d(sampleShape): RSample when d has it, else Sample.
func Call(d Distribution, src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	if r, ok := d.(RSampler); ok && HasRSample(d) {
		return r.RSample(src, sampleShape...)
	}
	return d.Sample(src, sampleShape...)
}

// unsupported is the error of a wrapper asked for what its base lacks.
func unsupported(base Distribution, op string) error {
	return fmt.Errorf("%T has no %s: %w", base, op, ErrUnsupported)
}
