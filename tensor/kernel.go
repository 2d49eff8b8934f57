package tensor

import (
	"fmt"

	"github.com/seed39ad66a2/tensordist/shape"
)

// Map1 writes f(a) over plan p (operands: dst, a) into dst.
func Map1[T Float](p *shape.Plan, dst, a []T, f func(T) T) {
	if p.Inner() == p.Size() && p.Size() > 0 { // one run: every operand contiguous or scalar
		for r := range p.Runs() {
			if r.Step[1] == 0 {
				v := f(a[r.Off[1]])
				for i := range dst {
					dst[i] = v
				}
				return
			}
			for i := range dst {
				dst[i] = f(a[i])
			}
		}
		return
	}
	for r := range p.Runs() {
		o, oa, sa := r.Off[0], r.Off[1], r.Step[1]
		for i := range r.N {
			dst[o+i] = f(a[oa+i*sa])
		}
	}
}

// Map2 writes f(a, b) over plan p (operands: dst, a, b) into dst.
func Map2[T Float](p *shape.Plan, dst, a, b []T, f func(T, T) T) {
	for r := range p.Runs() {
		o, oa, ob, sa, sb := r.Off[0], r.Off[1], r.Off[2], r.Step[1], r.Step[2]
		if sa == 1 && sb == 1 { // the common all-contiguous case
			da, db := a[oa:oa+r.N], b[ob:ob+r.N]
			for i := range da {
				dst[o+i] = f(da[i], db[i])
			}
			continue
		}
		for i := range r.N {
			dst[o+i] = f(a[oa+i*sa], b[ob+i*sb])
		}
	}
}

// Map3 writes f(a, b, c) over plan p (operands: dst, a, b, c) into dst.
func Map3[T Float](p *shape.Plan, dst, a, b, c []T, f func(T, T, T) T) {
	for r := range p.Runs() {
		o, oa, ob, oc := r.Off[0], r.Off[1], r.Off[2], r.Off[3]
		sa, sb, sc := r.Step[1], r.Step[2], r.Step[3]
		for i := range r.N {
			dst[o+i] = f(a[oa+i*sa], b[ob+i*sb], c[oc+i*sc])
		}
	}
}

// Map4 writes f(a, b, c, d) over plan p (operands: dst, a, b, c, d) into dst.
func Map4[T Float](p *shape.Plan, dst, a, b, c, d []T, f func(T, T, T, T) T) {
	for r := range p.Runs() {
		o, oa, ob, oc, od := r.Off[0], r.Off[1], r.Off[2], r.Off[3], r.Off[4]
		sa, sb, sc, sd := r.Step[1], r.Step[2], r.Step[3], r.Step[4]
		for i := range r.N {
			dst[o+i] = f(a[oa+i*sa], b[ob+i*sb], c[oc+i*sc], d[od+i*sd])
		}
	}
}

// Operands reads values of dtype T for a kernel: their contiguous data, their
// shapes and their broadcast shape.
func Operands[T Float](vs ...Value) (data [][]T, shapes [][]int, out []int, err error) {
	data, shapes = make([][]T, len(vs)), make([][]int, len(vs))
	for i, v := range vs {
		if data[i], err = Floats[T](v); err != nil {
			return nil, nil, nil, err
		}
		shapes[i] = ShapeOf(v)
	}
	out, err = shape.Broadcast(shapes...)
	return data, shapes, out, err
}

// Eval1 returns f over a as a new array.
func Eval1[T Float](a Value, f func(T) T) (*Dense, error) {
	d, s, out, err := Operands[T](a)
	if err != nil {
		return nil, err
	}
	p, _ := shape.NewPlan(out, s...)
	res, dst := Alloc[T](out)
	Map1(p, dst, d[0], f)
	return res, nil
}

// Eval2 returns f over a and b broadcast together, as a new array.
func Eval2[T Float](a, b Value, f func(T, T) T) (*Dense, error) {
	d, s, out, err := Operands[T](a, b)
	if err != nil {
		return nil, err
	}
	p, _ := shape.NewPlan(out, s...)
	res, dst := Alloc[T](out)
	Map2(p, dst, d[0], d[1], f)
	return res, nil
}

// BroadcastTo returns a's values repeated to shape shp (a copy).
func BroadcastTo[T Float](a Value, shp []int) (*Dense, error) {
	src, err := Floats[T](a)
	if err != nil {
		return nil, err
	}
	p, err := shape.NewPlan(shp, ShapeOf(a))
	if err != nil {
		return nil, fmt.Errorf("tensor: %w", err)
	}
	res, dst := Alloc[T](shp)
	Map1(p, dst, src, func(v T) T { return v })
	return res, nil
}
