package distributions

import (
	"fmt"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// PathwiseGrader gives the reparameterisation gradient of RSample. For
// draws x of RSample (shaped sampleShape + BatchShape() + EventShape()) and
// an upstream gradient ∂L/∂x shaped like x (nil means ones), RSampleVJP
// returns ∂L/∂θ = Σ ∂L/∂x · ∂x/∂θ for each parameter θ by torch name,
// summed back to θ's own shape. ∂x/∂θ is computed from x and the parameters
// alone: for a location-scale family directly (Normal: ∂x/∂μ = 1,
// ∂x/∂σ = (x−μ)/σ), for Gamma, Beta and Dirichlet through the implicit
// reparameterisation gradient −(∂F/∂α)/f (Figurnov et al. 2018).
type PathwiseGrader interface {
	RSampleVJP(x, upstream Value) (map[string]*tensor.Dense, error)
}

// pathwise is RSampleVJP for a scalar family: dxdp(x, p, d) writes
// ∂x/∂p[k] into d[k] for one element, p being the parameters at that
// element in names' order. An upstream of 0 is skipped, so that it adds
// exactly 0 even where a partial is infinite.
func (e *elementwise) pathwise(x, upstream Value, dxdp func(x float64, p, d []float64)) (map[string]*tensor.Dense, error) {
	xs, err := e.pathwiseCheck(x, upstream)
	if err != nil {
		return nil, err
	}
	xv, err := tensor.Float64s(x)
	if err != nil {
		return nil, err
	}
	var w []float64
	if !tensor.IsNil(upstream) {
		if w, err = tensor.Float64s(upstream); err != nil {
			return nil, err
		}
	}
	ps := make([][]float64, len(e.params))
	acc := make([][]float64, len(e.params))
	for i, p := range e.params {
		ps[i], _ = tensor.Float64s(p)
		acc[i] = make([]float64, len(ps[i]))
	}
	plan, err := shape.NewPlan(xs, e.pshapes...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", e.family, err)
	}
	args, d := make([]float64, len(ps)), make([]float64, len(ps))
	for r := range plan.Runs() {
		for i := range r.N {
			o := r.Off[0] + i
			g := 1.0
			if w != nil {
				g = w[o]
			}
			if g == 0 {
				continue
			}
			for k, p := range ps {
				args[k] = p[r.Off[k+1]+i*r.Step[k+1]]
			}
			dxdp(xv[o], args, d)
			for k := range acc {
				acc[k][r.Off[k+1]+i*r.Step[k+1]] += g * d[k]
			}
		}
	}
	out := make(map[string]*tensor.Dense, len(acc))
	for k, a := range acc {
		if e.dtype == tensor.Float32 {
			out[e.names[k]] = fromFloat64s[float32](a, e.pshapes[k])
		} else {
			out[e.names[k]] = fromFloat64s[float64](a, e.pshapes[k])
		}
	}
	return out, nil
}

func fromFloat64s[T tensor.Float](a []float64, s []int) *tensor.Dense {
	res, data := tensor.Alloc[T](s)
	for i, v := range a {
		data[i] = T(v)
	}
	return res
}

// pathwiseCheck checks a sample x for RSampleVJP (the distribution's
// dtype, a shape ending in the batch shape) and its upstream (nil, or x's
// dtype and shape), and returns x's shape.
func (e *elementwise) pathwiseCheck(x, upstream Value) ([]int, error) {
	if tensor.IsNil(x) || x.Dtype() != e.dtype {
		return nil, fmt.Errorf("%s: rsample gradient needs a %v sample: %w", e.family, e.dtype, ErrDType)
	}
	xs := tensor.ShapeOf(x)
	if !shape.BroadcastsTo(e.batch, xs) {
		return nil, fmt.Errorf("%s: a sample of shape %s does not end in batch shape %s: %w", e.family, shape.Format(xs), shape.Format(e.batch), ErrShape)
	}
	if !tensor.IsNil(upstream) {
		if upstream.Dtype() != e.dtype {
			return nil, fmt.Errorf("%s: upstream has dtype %v, distribution %v: %w", e.family, upstream.Dtype(), e.dtype, ErrDType)
		}
		if !shape.Equal(upstream.Shape(), xs) {
			return nil, fmt.Errorf("%s: upstream of shape %s, sample %s: %w", e.family, shape.Format(tensor.ShapeOf(upstream)), shape.Format(xs), ErrShape)
		}
	}
	return xs, nil
}

// RSampleVJP gives ∂L/∂loc = Σ g and ∂L/∂scale = Σ g·(x−μ)/σ for draws x
// of RSample: pathwise's sums with ∂x/∂μ = 1 and ∂x/∂σ = ε = (x−μ)/σ
// written out (normalPathwise), the operations and their order unchanged.
func (d *Normal) RSampleVJP(x, upstream Value) (map[string]*tensor.Dense, error) {
	xs, err := d.pathwiseCheck(x, upstream)
	if err != nil {
		return nil, err
	}
	if d.dtype == tensor.Float32 {
		return normalPathwise[float32](d, x, upstream, xs)
	}
	return normalPathwise[float64](d, x, upstream, xs)
}

// normalPathwise is Normal's RSampleVJP on the arrays of type T, without
// pathwise's float64 copies of x, the upstream and the parameters or its
// per-element call. Where neither parameter broadcasts (both shaped like
// x, the common case) each output element is its single term, written
// directly; otherwise the terms are summed in float64 in x's order, as
// pathwise does. In both, a zero upstream contributes nothing (pathwise
// skips it) and each term is g·((x−μ)/σ) in float64.
func normalPathwise[T tensor.Float](d *Normal, x, upstream Value, xs []int) (map[string]*tensor.Dense, error) {
	xv, err := tensor.Floats[T](x)
	if err != nil {
		return nil, err
	}
	var w []T
	if !tensor.IsNil(upstream) {
		if w, err = tensor.Floats[T](upstream); err != nil {
			return nil, err
		}
	}
	mu, _ := tensor.Floats[T](d.params[0])
	sigma, _ := tensor.Floats[T](d.params[1])
	if shape.Equal(d.pshapes[0], xs) && shape.Equal(d.pshapes[1], xs) {
		gl, dl := tensor.Alloc[T](xs)
		gs, ds := tensor.Alloc[T](xs)
		for i, xi := range xv {
			g := 1.0
			if w != nil {
				if w[i] == 0 {
					continue
				}
				g = float64(w[i])
			}
			dl[i] = T(g)
			ds[i] = T(g * ((float64(xi) - float64(mu[i])) / float64(sigma[i])))
		}
		return map[string]*tensor.Dense{d.names[0]: gl, d.names[1]: gs}, nil
	}
	plan, err := shape.NewPlan(xs, d.pshapes...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.family, err)
	}
	al, as := make([]float64, len(mu)), make([]float64, len(sigma))
	for r := range plan.Runs() {
		for i := range r.N {
			o := r.Off[0] + i
			g := 1.0
			if w != nil {
				if w[o] == 0 {
					continue
				}
				g = float64(w[o])
			}
			l, s := r.Off[1]+i*r.Step[1], r.Off[2]+i*r.Step[2]
			al[l] += g
			as[s] += g * ((float64(xv[o]) - float64(mu[l])) / float64(sigma[s]))
		}
	}
	return map[string]*tensor.Dense{
		d.names[0]: fromFloat64s[T](al, d.pshapes[0]),
		d.names[1]: fromFloat64s[T](as, d.pshapes[1]),
	}, nil
}
