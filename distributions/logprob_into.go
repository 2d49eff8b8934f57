package distributions

import (
	"fmt"

	gt "gorgonia.org/tensor"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// The dtype dispatch of the families whose log-prob kernel is a generic
// function writing LogProb's events into a []T: LogProb allocates the
// result and LogProbInto checks the caller's, then both call the kernel
// instantiated for the distribution's dtype.

// allocLogProb returns a new array of shape out and dtype dt, filled by
// f32 or f64.
func allocLogProb(dt gt.Dtype, out []int, f32 func([]float32) error, f64 func([]float64) error) (*tensor.Dense, error) {
	if dt == tensor.Float32 {
		res, dst := tensor.Alloc[float32](out)
		return res, f32(dst)
	}
	res, dst := tensor.Alloc[float64](out)
	return res, f64(dst)
}

// fillLogProb checks that dst has LogProb's shape out and the dtype dt, as
// LogProbInto requires, and fills it with f32 or f64.
func fillLogProb(family string, dt gt.Dtype, dst *tensor.Dense, out []int, f32 func([]float32) error, f64 func([]float64) error) error {
	if dst == nil || !shape.Equal(tensor.ShapeOf(dst), out) || dst.Dtype() != dt {
		return fmt.Errorf("%s: LogProbInto needs a %v array of shape %s: %w", family, dt, shape.Format(out), ErrShape)
	}
	if dt == tensor.Float32 {
		data, err := tensor.Floats[float32](dst)
		if err != nil {
			return fmt.Errorf("%s: %w", family, err)
		}
		return f32(data)
	}
	data, err := tensor.Floats[float64](dst)
	if err != nil {
		return fmt.Errorf("%s: %w", family, err)
	}
	return f64(data)
}

// valueShape checks a value of a family with event dims (not nil, the
// distribution's dtype dt, ending in event and broadcasting with batch)
// and returns LogProb's shape; the family then checks the support.
func valueShape(family string, x Value, dt gt.Dtype, batch, event []int) ([]int, error) {
	if tensor.IsNil(x) {
		return nil, fmt.Errorf("%s: nil value: %w", family, ErrShape)
	}
	if x.Dtype() != dt {
		return nil, fmt.Errorf("%s: value has dtype %v, distribution %v: %w", family, x.Dtype(), dt, ErrDType)
	}
	if xs := x.Shape(); len(xs) == len(batch)+len(event) && shape.Equal(xs[:len(batch)], batch) && shape.Equal(xs[len(batch):], event) {
		return batch, nil // the common case, without broadcasting a new shape; callers do not modify out
	}
	out, err := shape.CheckValue(tensor.ShapeOf(x), batch, event)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", family, err)
	}
	return out, nil
}
