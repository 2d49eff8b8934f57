package autodiff

import (
	"fmt"
	"math"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	gt "gorgonia.org/tensor"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Conversions between gorgonia's values and tensordist's arrays. gorgonia
// holds a rank-0 node's value as a scalar (*G.F64, *G.F32), whose Data()
// is a float64 rather than a slice; tensordist wants shape-() arrays.

// denseOf returns v as an array; scalars become shape-() arrays.
func denseOf(v G.Value) (*tensor.Dense, error) {
	switch v := v.(type) {
	case *tensor.Dense:
		return v, nil
	case *G.F64:
		return tensor.Scalar(float64(*v)), nil
	case *G.F32:
		return tensor.Scalar(float32(*v)), nil
	case *G.I64:
		return tensor.Scalar(int64(*v)), nil
	case nil:
		return nil, fmt.Errorf("autodiff: a node has no value")
	}
	return nil, fmt.Errorf("autodiff: unsupported value type %T", v)
}

// valueOf returns d as the value of a node of d's rank: a scalar for rank 0.
func valueOf(d *tensor.Dense) (G.Value, error) {
	if len(d.Shape()) > 0 {
		return d, nil
	}
	switch d.Dtype() {
	case tensor.Float64:
		s, err := tensor.Floats[float64](d)
		if err != nil {
			return nil, err
		}
		return G.NewF64(s[0]), nil
	case tensor.Float32:
		s, err := tensor.Floats[float32](d)
		if err != nil {
			return nil, err
		}
		return G.NewF32(s[0]), nil
	}
	return nil, fmt.Errorf("autodiff: unsupported dtype %v", d.Dtype())
}

// scalarOf returns v as a rank-0 value of dtype dt.
func scalarOf(dt gt.Dtype, v float64) G.Value {
	if dt == tensor.Float32 {
		return G.NewF32(float32(v))
	}
	return G.NewF64(v)
}

// scalarValue returns the single element of a shape-() array.
func scalarValue(d *tensor.Dense) (float64, bool) {
	if len(d.Shape()) > 0 {
		return 0, false
	}
	s, err := tensor.Float64s(d)
	if err != nil {
		return 0, false
	}
	return s[0], true
}

// accumulate adds src into dst, a node's gradient of the same shape: the
// LispMachine's DoDiff adds to gradients, which other paths may have filled.
func accumulate(dst G.Value, src *tensor.Dense) error {
	if src == nil {
		return nil
	}
	add, err := tensor.Float64s(src)
	if err != nil {
		return err
	}
	switch d := dst.(type) {
	case *G.F64:
		*d += G.F64(add[0])
		return nil
	case *G.F32:
		*d += G.F32(float32(add[0]))
		return nil
	case *tensor.Dense:
		if shape.Size(d.Shape()) != len(add) {
			return fmt.Errorf("autodiff: gradient of shape %s, partial of %d elements", shape.Format(d.Shape()), len(add))
		}
		switch d.Dtype() {
		case tensor.Float64:
			s := d.Float64s()
			for i := range s {
				s[i] += add[i]
			}
			return nil
		case tensor.Float32:
			s := d.Float32s()
			for i := range s {
				s[i] += float32(add[i])
			}
			return nil
		}
	}
	return fmt.Errorf("autodiff: cannot accumulate into a %T", dst)
}

// scaleBy multiplies d in place by g.
func scaleBy(d *tensor.Dense, g float64) {
	switch d.Dtype() {
	case tensor.Float64:
		s := d.Float64s()
		for i := range s {
			s[i] *= g
		}
	case tensor.Float32:
		s := d.Float32s()
		for i := range s {
			s[i] = float32(float64(s[i]) * g)
		}
	}
}

// upstream prepares a backward pass's upstream gradient for a VJP. A scalar
// upstream g (LogProbSum's, or that of a shape-() log-prob) broadcasts over
// the whole log-prob: rather than have the kernel read an N-sized array of
// g, the VJP runs unweighted (nil) and its partials are scaled by g after.
// scale is 1 when nothing is to be scaled. A zero or non-finite g goes
// through the weights, so that 0 still selects (a masked Inf·0 stays out).
func upstream(v G.Value) (w *tensor.Dense, scale float64, err error) {
	if w, err = denseOf(v); err != nil {
		return nil, 0, err
	}
	if g, ok := scalarValue(w); ok && g != 0 && !math.IsInf(g, 0) && !math.IsNaN(g) {
		return nil, g, nil
	}
	return w, 1, nil
}

// isConstant reports whether n is a constant (G.NewConstant): gorgonia's
// own test is unexported, but constant ops carry their Value.
func isConstant(n *G.Node) bool {
	_, ok := n.Op().(interface{ Value() G.Value })
	return n.Op() != nil && ok
}

// nodeType is the hm type of a node: gorgonia types rank-0 nodes by their
// bare dtype, tensors as TensorType.
func nodeType(dt gt.Dtype, dims int) hm.Type {
	if dims == 0 {
		return dt
	}
	return G.TensorType{Dims: dims, Of: dt}
}

// apply is G.ApplyOp with gorgonia's panics (type unification, shape
// inference in places) turned into errors.
func apply(op G.Op, children ...*G.Node) (n *G.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			n, err = nil, fmt.Errorf("autodiff: %v: gorgonia panicked: %v", op, r)
		}
	}()
	for i, c := range children {
		if c == nil {
			return nil, fmt.Errorf("autodiff: %v: input %d is nil", op, i)
		}
	}
	if n, err = G.ApplyOp(op, children...); err != nil {
		return nil, fmt.Errorf("autodiff: %v: %w", op, err)
	}
	return n, nil
}

// probe returns the values of nodes for a build-time evaluation of the
// family's constructor: a node's value when it has one, else ones of its
// shape and dtype, with n added on the diagonal of every trailing n×n
// matrix. Those are inside every family's parameter space (positive,
// positive definite) or, with validation off, harmless; Wishart's df > p-1
// is the exception, so give its node a value.
func probe(nodes []*G.Node) ([]*tensor.Dense, error) {
	out := make([]*tensor.Dense, len(nodes))
	for i, n := range nodes {
		if v := n.Value(); v != nil {
			d, err := denseOf(v)
			if err != nil {
				return nil, err
			}
			out[i] = d
			continue
		}
		s := []int(n.Shape().Clone())
		ones := make([]float64, shape.Size(s))
		for j := range ones {
			ones[j] = 1
		}
		if k := len(s); k >= 2 && s[k-1] == s[k-2] {
			m := s[k-1]
			for j := 0; j < len(ones); j += m * m {
				for d := range m {
					ones[j+d*m+d] += float64(m)
				}
			}
		}
		var err error
		switch n.Dtype() {
		case tensor.Float64:
			out[i], err = tensor.New(ones, s...)
		case tensor.Float32:
			f := make([]float32, len(ones))
			for j, v := range ones {
				f[j] = float32(v)
			}
			out[i], err = tensor.New(f, s...)
		default:
			err = fmt.Errorf("autodiff: node %v has dtype %v, want float64 or float32", n, n.Dtype())
		}
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// shapesOf returns the shapes of nodes as []int.
func shapesOf(nodes []*G.Node) [][]int {
	out := make([][]int, len(nodes))
	for i, n := range nodes {
		out[i] = shape.Clone(n.Shape())
	}
	return out
}
