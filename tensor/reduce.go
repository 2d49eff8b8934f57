package tensor

import (
	"fmt"
	"math"

	"github.com/seed39ad66a2/tensordist/shape"
)

// SumTo adds src, of shape big, into dst, of a shape that broadcasts to big:
// the sum of a broadcast result back to an operand's own shape, as a
// gradient needs. dst is accumulated, not overwritten.
func SumTo[T Float](dst []T, dstShape []int, src []T, big []int) error {
	p, err := shape.NewPlan(big, dstShape)
	if err != nil {
		return fmt.Errorf("tensor: sum to %s: %w", shape.Format(dstShape), err)
	}
	for r := range p.Runs() {
		o, od := r.Off[0], r.Off[1]
		if r.Step[1] == 0 {
			var s float64
			for _, v := range src[o : o+r.N] {
				s += float64(v)
			}
			dst[od] += T(s)
			continue
		}
		for i, v := range src[o : o+r.N] {
			dst[od+i] += v
		}
	}
	return nil
}

// SumRightmost returns v summed over its n rightmost dims (Pyro's
// sum_rightmost); n = 0 returns v itself.
func SumRightmost[T Float](v Value, n int) (*Dense, error) {
	s := ShapeOf(v)
	lead, err := shape.SumRightmost(s, n)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		if d, ok := v.(*Dense); ok && d.Dtype() == DtypeOf[T]() { // else Floats reports the dtype
			return d, nil
		}
	}
	src, err := Floats[T](v)
	if err != nil {
		return nil, err
	}
	res, dst := Alloc[T](lead)
	if inner := shape.Size(s[len(lead):]); inner > 0 {
		for i := range dst {
			var acc float64
			for _, x := range src[i*inner : (i+1)*inner] {
				acc += float64(x)
			}
			dst[i] = T(acc)
		}
	}
	return res, nil
}

// Sum returns the sum of every element of v, accumulated in float64.
func Sum[T Float](v Value) (float64, error) {
	src, err := Floats[T](v)
	if err != nil {
		return 0, err
	}
	var acc float64
	for _, x := range src {
		acc += float64(x)
	}
	return acc, nil
}

// LogSumExp returns log Σ exp(v) over v's last dim, shaped v's shape without
// it; it is exact for infinite entries (all -Inf gives -Inf).
func LogSumExp[T Float](v Value) (*Dense, error) {
	s := ShapeOf(v)
	if len(s) == 0 {
		return nil, fmt.Errorf("tensor: logsumexp of a scalar: %w", shape.ErrShape)
	}
	src, err := Floats[T](v)
	if err != nil {
		return nil, err
	}
	k := s[len(s)-1]
	res, dst := Alloc[T](s[:len(s)-1])
	for i := range dst {
		dst[i] = T(LogSumExpSlice(src[i*k : (i+1)*k]))
	}
	return res, nil
}

// LogSumExpSlice returns log Σ exp(xs), computed around the maximum.
func LogSumExpSlice[T Float](xs []T) float64 {
	m := math.Inf(-1)
	for _, x := range xs {
		m = max(m, float64(x))
	}
	if math.IsInf(m, 0) || math.IsNaN(m) {
		return m
	}
	var s float64
	for _, x := range xs {
		s += math.Exp(float64(x) - m)
	}
	return m + math.Log(s)
}
