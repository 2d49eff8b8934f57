package distributions

import (
	"errors"
	"fmt"
	"math"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Sentinels; test them with errors.Is. ErrShape is shape.ErrShape, so that
// shape/ keeps importing nothing of ours.
var (
	// ErrParam: a parameter outside its constraint, or an invalid
	// combination of parameters (both or neither of probs and logits).
	ErrParam = errors.New("parameter outside its constraint")
	// ErrShape: shapes that do not broadcast, an invalid expand, a value
	// whose shape does not fit the distribution.
	ErrShape = shape.ErrShape
	// ErrSupport: a value outside the support (validation on).
	ErrSupport = errors.New("value outside the support")
	// ErrDType: operands of different dtypes, or a dtype the family does
	// not take.
	ErrDType = errors.New("dtype")
	// ErrUnsupported: a family, operation or spec this engine lacks.
	ErrUnsupported = errors.New("not supported")
	// ErrNilSource: a sampler was given a nil rand.Source.
	ErrNilSource = tensor.ErrNilSource
)

// A ConstraintError reports the first element that breaks a constraint.
type ConstraintError struct {
	Family, Name, Rule string // "normal", "scale", "> 0"
	Got                float64
	Index              []int // in Name's own shape
	Err                error // ErrParam or ErrSupport
}

// Error says which family, parameter, rule, value and index failed.
func (e *ConstraintError) Error() string {
	return fmt.Sprintf("%s: %s must be %s, got %g at index %v", e.Family, e.Name, e.Rule, e.Got, e.Index)
}

// Unwrap returns ErrParam or ErrSupport, so that errors.Is tests the kind.
func (e *ConstraintError) Unwrap() error { return e.Err }

// unravel turns a flat row-major index into the index of shape s.
func unravel(i int, s []int) []int {
	idx := make([]int, len(s))
	for d := len(s) - 1; d >= 0; d-- {
		if s[d] > 0 {
			idx[d] = i % s[d]
			i /= s[d]
		}
	}
	return idx
}

// check returns a ConstraintError for the first element of v for which ok is
// false, and nil when every element passes.
func check(family, name, rule string, v tensor.Value, kind error, ok func(float64) bool) error {
	data, err := tensor.Float64s(v)
	if err != nil {
		return fmt.Errorf("%s: %s: %w", family, name, err)
	}
	for i, x := range data {
		if !ok(x) {
			return &ConstraintError{Family: family, Name: name, Rule: rule, Got: x, Index: unravel(i, tensor.ShapeOf(v)), Err: kind}
		}
	}
	return nil
}

// Constraints of the families, as predicates (torch.distributions.constraints).
func isReal(x float64) bool          { return x == x }
func isPositive(x float64) bool      { return x > 0 }
func isUnit(x float64) bool          { return x >= 0 && x <= 1 }
func isBoolean(x float64) bool       { return x == 0 || x == 1 }
func isNonNegative(x float64) bool   { return x >= 0 }
func isNaturalNumber(x float64) bool { return x >= 0 && x == math.Floor(x) && !math.IsInf(x, 1) }
