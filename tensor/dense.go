package tensor

import (
	"fmt"

	gt "gorgonia.org/tensor"

	"github.com/seed39ad66a2/tensordist/shape"
)

// Dense is gorgonia's dense tensor, the array type of tensordist.
type Dense = gt.Dense

// Float is the element type of every floating kernel.
type Float interface{ ~float32 | ~float64 }

// Elem is any element type a tensordist array holds.
type Elem interface {
	~float32 | ~float64 | ~int64 | ~bool
}

// Value is what LogProb, CDF and friends read: a *Dense, or a type that
// embeds one (enumerate.Support), which is how a tagged enumerated support
// reaches a family's fast path.
type Value interface {
	Shape() gt.Shape
	Dtype() gt.Dtype
	RequiresIterator() bool
	Materialize() gt.Tensor
	Float64s() []float64
	Float32s() []float32
	Int64s() []int64
	Bools() []bool
}

var (
	_ Value = (*Dense)(nil)

	// Float64 is the default floating dtype, torch's float64.
	Float64 = gt.Float64
	// Float32 is the other floating dtype: half the memory, the same API.
	Float32 = gt.Float32
	// Int64 is the dtype of category indices, as in torch.
	Int64 = gt.Int64
	// Bool is the dtype of masks.
	Bool = gt.Bool
)

// IsNil reports whether v is nil or a nil *Dense inside the interface,
// which would panic on the first method call.
func IsNil(v Value) bool {
	if v == nil {
		return true
	}
	d, ok := v.(*Dense)
	return ok && d == nil
}

// New returns an array of the given shape over data, which it keeps (no
// copy). len(data) must be the product of the shape; no shape is a scalar.
func New[T Elem](data []T, shp ...int) (*Dense, error) {
	if err := shape.Check(shp); err != nil {
		return nil, err
	}
	if n := shape.Size(shp); n != len(data) {
		return nil, fmt.Errorf("tensor: %d values do not fill shape %s: %w", len(data), shape.Format(shp), shape.ErrShape)
	}
	return wrap(data, shp), nil
}

// Scalar returns a 0-d array holding v.
func Scalar[T Elem](v T) *Dense { return wrap([]T{v}, nil) }

// Vector returns a 1-d array over vs.
func Vector[T Elem](vs ...T) *Dense { return wrap(vs, []int{len(vs)}) }

// Full returns an array of the given shape filled with v.
func Full[T Elem](v T, shp ...int) (*Dense, error) {
	if err := shape.Check(shp); err != nil {
		return nil, err
	}
	data := make([]T, shape.Size(shp))
	for i := range data {
		data[i] = v
	}
	return wrap(data, shp), nil
}

// Zeros returns an array of zeros of the given shape.
func Zeros[T Elem](shp ...int) (*Dense, error) {
	if err := shape.Check(shp); err != nil {
		return nil, err
	}
	return wrap(make([]T, shape.Size(shp)), shp), nil
}

// Like returns zeros of v's shape and dtype.
func Like(v Value) *Dense {
	return gt.New(gt.WithShape(ShapeOf(v)...), gt.Of(v.Dtype()))
}

// Alloc returns a new floating array of shape shp (already valid) with the
// dtype of T.
func Alloc[T Float](shp []int) (*Dense, []T) {
	return alloc[T](shp, shape.Size(shp))
}

// ShapeOf returns v's shape as a fresh []int; a scalar is the empty shape.
func ShapeOf(v Value) []int {
	return shape.Clone(v.Shape())
}

// IsFloat reports whether dt is float32 or float64.
func IsFloat(dt gt.Dtype) bool { return dt == gt.Float64 || dt == gt.Float32 }

// DtypeOf returns the dtype of T.
func DtypeOf[T Float]() gt.Dtype {
	var z T
	if _, ok := any(z).(float32); ok {
		return gt.Float32
	}
	return gt.Float64
}

// Floats returns v's elements as a contiguous []T in row-major order. It
// shares v's memory unless v is a non-contiguous view, which it copies. It
// fails when v's dtype is not T's.
func Floats[T Float](v Value) ([]T, error) {
	if IsNil(v) {
		return nil, fmt.Errorf("tensor: nil value")
	}
	if want := DtypeOf[T](); v.Dtype() != want {
		return nil, fmt.Errorf("tensor: dtype %v, want %v", v.Dtype(), want)
	}
	if v.RequiresIterator() {
		m, ok := v.Materialize().(Value)
		if !ok {
			return nil, fmt.Errorf("tensor: cannot materialise a %T", v)
		}
		v = m
	}
	var out []T
	switch o := any(&out).(type) { // through a pointer: boxing a slice would allocate
	case *[]float32:
		*o = v.Float32s()
	case *[]float64:
		*o = v.Float64s()
	default: // a named float type: gorgonia holds only float32 and float64
		return nil, fmt.Errorf("tensor: cannot read %v as %T", v.Dtype(), out)
	}
	return out, nil
}

// Float64s returns v's elements widened to float64 (a copy for float32).
func Float64s(v Value) ([]float64, error) {
	if IsNil(v) {
		return nil, fmt.Errorf("tensor: nil value")
	}
	switch v.Dtype() {
	case gt.Float64:
		return Floats[float64](v)
	case gt.Float32:
		s, err := Floats[float32](v)
		if err != nil {
			return nil, err
		}
		out := make([]float64, len(s))
		for i, x := range s {
			out[i] = float64(x)
		}
		return out, nil
	}
	return nil, fmt.Errorf("tensor: dtype %v is not floating", v.Dtype())
}

// Convert returns v's elements as a new array of dtype T.
func Convert[T Float](v Value) (*Dense, error) {
	s, err := Float64s(v)
	if err != nil {
		return nil, err
	}
	out, data := Alloc[T](ShapeOf(v))
	for i, x := range s {
		data[i] = T(x)
	}
	return out, nil
}
