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
	if tensor.IsNil(x) || x.Dtype() != e.dtype {
		return nil, fmt.Errorf("%s: rsample gradient needs a %v sample: %w", e.family, e.dtype, ErrDType)
	}
	xs := tensor.ShapeOf(x)
	if !shape.BroadcastsTo(e.batch, xs) {
		return nil, fmt.Errorf("%s: a sample of shape %s does not end in batch shape %s: %w", e.family, shape.Format(xs), shape.Format(e.batch), ErrShape)
	}
	xv, err := tensor.Float64s(x)
	if err != nil {
		return nil, err
	}
	var w []float64
	if !tensor.IsNil(upstream) {
		if upstream.Dtype() != e.dtype {
			return nil, fmt.Errorf("%s: upstream has dtype %v, distribution %v: %w", e.family, upstream.Dtype(), e.dtype, ErrDType)
		}
		if !shape.Equal(tensor.ShapeOf(upstream), xs) {
			return nil, fmt.Errorf("%s: upstream of shape %s, sample %s: %w", e.family, shape.Format(tensor.ShapeOf(upstream)), shape.Format(xs), ErrShape)
		}
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

// RSampleVJP gives ∂L/∂loc = Σ g and ∂L/∂scale = Σ g·(x−μ)/σ for draws x
// of RSample.
func (d *Normal) RSampleVJP(x, upstream Value) (map[string]*tensor.Dense, error) {
	return d.pathwise(x, upstream, func(x float64, p, dp []float64) {
		dp[0], dp[1] = 1, (x-p[0])/p[1]
	})
}
