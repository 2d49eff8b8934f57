package distributions

import (
	"fmt"

	gt "gorgonia.org/tensor"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// RSampleVJP gives ∂L/∂α for draws x of RSample (shaped sampleShape +
// BatchShape() + (K,)) and an upstream ∂L/∂x shaped like x (nil means
// ones), torch's _Dirichlet_backward:
//
//	∂x/∂α_i = g_i·(e_i − x),   g_i = −(∂I_{x_i}(α_i, S−α_i)/∂a) / (f(x_i)·(1−x_i))
//	∂L/∂α_i = Σ g_i·(ḡ_i − Σ_j x_j ḡ_j)
//
// with I the regularised incomplete beta function and f the density of
// the Beta(α_i, S−α_i) marginal; −(∂I/∂a)/f is tensor.BetaImplicitGradA,
// which takes the ratio analytically (finite also where f underflows or
// overflows). g_i is taken as 0 where x_i is 0 or 1 (a draw that
// underflowed) and for K = 1 (x = 1 whatever α).
func (d *Dirichlet) RSampleVJP(x, upstream Value) (map[string]*tensor.Dense, error) {
	xs, err := simplexPathwiseCheck(dirichletFamily, x, upstream, d.dtype, d.batch, d.k)
	if err != nil {
		return nil, err
	}
	if d.dtype == tensor.Float32 {
		return dirichletPathwise[float32](d, x, upstream, xs)
	}
	return dirichletPathwise[float64](d, x, upstream, xs)
}

// simplexPathwiseCheck checks a sample x of the vector families (dtype,
// shape S + batch + (K,)) and its upstream (nil, or x's shape and dtype),
// and returns x's shape.
func simplexPathwiseCheck(family string, x, upstream Value, dt gt.Dtype, batch []int, k int) ([]int, error) {
	if tensor.IsNil(x) || x.Dtype() != dt {
		return nil, fmt.Errorf("%s: rsample gradient needs a %v sample: %w", family, dt, ErrDType)
	}
	xs := tensor.ShapeOf(x)
	if len(xs) < 1 || xs[len(xs)-1] != k || !shape.BroadcastsTo(batch, xs[:len(xs)-1]) {
		return nil, fmt.Errorf("%s: a sample of shape %s does not end in %s: %w", family, shape.Format(xs), shape.Format(shape.Concat(batch, []int{k})), ErrShape)
	}
	if !tensor.IsNil(upstream) {
		if upstream.Dtype() != dt {
			return nil, fmt.Errorf("%s: upstream has dtype %v, distribution %v: %w", family, upstream.Dtype(), dt, ErrDType)
		}
		if !shape.Equal(tensor.ShapeOf(upstream), xs) {
			return nil, fmt.Errorf("%s: upstream of shape %s, sample %s: %w", family, shape.Format(tensor.ShapeOf(upstream)), shape.Format(xs), ErrShape)
		}
	}
	return xs, nil
}

// dirichletPathwise computes each event's K terms g_i·(ḡ_i − Σ_j x_j ḡ_j)
// a block of events at a time (the incomplete beta derivatives dominate),
// then sums them into α's rows in event order, so that the result does
// not depend on GOMAXPROCS.
func dirichletPathwise[T tensor.Float](d *Dirichlet, x, upstream Value, xs []int) (map[string]*tensor.Dense, error) {
	p, err := shape.NewPlan(xs[:len(xs)-1], d.pbatch)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dirichletFamily, err)
	}
	xd, _ := tensor.Floats[T](x)
	var g []T
	if !tensor.IsNil(upstream) {
		g, _ = tensor.Floats[T](upstream)
	}
	a, _ := tensor.Floats[T](d.conc)
	k := d.k
	terms := make([]float64, len(xd))
	tensor.ForBlocks(p.Size(), func(_, lo, hi int) {
		gr, others := make([]float64, k), make([]float64, k)
		for r := range p.RunsIn(lo, hi) {
			for i := range r.N {
				o, row := r.Off[0]+i, r.Off[1]+i*r.Step[1]
				xr, ar := xd[o*k:][:k], a[row*k:][:k]
				var dot float64 // Σ_j x_j ḡ_j
				for j, xv := range xr {
					gr[j] = 1
					if g != nil {
						gr[j] = float64(g[o*k+j])
					}
					dot += float64(xv) * gr[j]
				}
				dirichletOthers(ar, others)
				for j, xv := range xr {
					if c := gr[j] - dot; c != 0 {
						terms[o*k+j] = c * dirichletImplicit(float64(xv), float64(ar[j]), others[j])
					}
				}
			}
		}
	})
	acc := make([]float64, len(a))
	for r := range p.Runs() {
		for i := range r.N {
			o, row := r.Off[0]+i, r.Off[1]+i*r.Step[1]
			for j, v := range terms[o*k : (o+1)*k] {
				acc[row*k+j] += v
			}
		}
	}
	return map[string]*tensor.Dense{"concentration": simplexResult[T](acc, tensor.ShapeOf(d.conc))}, nil
}

// dirichletOthers writes Σ_{j≠i} α_j into out[i], from prefix and suffix
// sums (no cancellation where α_i dominates the row).
func dirichletOthers[T tensor.Float](a []T, out []float64) {
	var pre float64
	for i, v := range a {
		out[i] = pre
		pre += float64(v)
	}
	var suf float64
	for i := len(a) - 1; i >= 0; i-- {
		out[i] += suf
		suf += float64(a[i])
	}
}

// dirichletImplicit is g_i of RSampleVJP for x = x_i, a = α_i and
// b = S − α_i.
func dirichletImplicit(x, a, b float64) float64 {
	if !(x > 0 && x < 1) || !(b > 0) {
		return 0
	}
	return tensor.BetaImplicitGradA(a, b, x) / (1 - x)
}
