package distributions

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Constants of the half-normal (mpmath, 60 digits).
const (
	halfNormalLogNorm    = -0.225791352644727432363097614947441071785897339277528158696472 // ½log(2/π) = log 2 - ½log(2π)
	halfNormalSqrt2Pi    = 0.797884560802865355879892119868763736951717262329869315331852  // √(2/π)
	halfNormalSqrtVarFac = 0.602810274989086974275899537694084323166628095936307968716096  // √(1-2/π)
	halfNormalSqrt2      = 1.41421356237309504880168872420969807856967187537694807317668   // √2
)

// HalfNormal is a batch of half-normal distributions on [0, ∞), the law of
// |X| for X ~ N(0, σ²) with σ = Scale (torch's HalfNormal, a
// TransformedDistribution of Normal(0, σ) by AbsTransform, written here in
// closed form):
//
//	log p(x) = ½log(2/π) - log σ - z²/2,   z = x/σ, x ≥ 0 (-Inf below 0)
//	∂/∂x = -z/σ    ∂/∂σ = (z²-1)/σ
//
// HalfNormal is reparameterised: x = σ|ε| with ε ~ N(0, 1).
type HalfNormal struct{ elementwise }

// NewHalfNormal returns the half-normals of scale scale; when validating,
// every scale > 0.
func NewHalfNormal(scale *tensor.Dense, opts ...Option) (*HalfNormal, error) {
	cfg := newConfig(opts)
	e, err := newElementwise("half_normal", []string{"scale"}, []*tensor.Dense{scale}, cfg)
	if err != nil {
		return nil, err
	}
	if cfg.validate {
		if err := check("half_normal", "scale", "> 0", scale, ErrParam, isPositive); err != nil {
			return nil, err
		}
	}
	e.k32, e.k64 = halfNormalKernel[float32], halfNormalKernel[float64]
	e.support, e.rule = isNonNegative, ">= 0" // torch: constraints.nonnegative
	return &HalfNormal{e}, nil
}

// Expand returns the half-normals broadcast to batch, sharing scale.
func (d *HalfNormal) Expand(batch []int) (Distribution, error) {
	e, err := d.expand(batch)
	if err != nil {
		return nil, err
	}
	return &HalfNormal{e}, nil
}

// Scale is the scale parameter σ, as given.
func (d *HalfNormal) Scale() *tensor.Dense { return d.params[0] }

// halfNormalKernel is HalfNormal's one numerical path; operands (out, x,
// scale). Below 0 log p is -Inf and the partials are 0, as torch's
// where(x >= 0, ·, -inf) passes no gradient to the branch it drops; NaN
// stays NaN.
func halfNormalKernel[T tensor.Float](a *kargs[T]) {
	x, sg := a.in[0], a.in[1]
	for r := range a.p.RunsIn(a.lo, a.hi) {
		o, ox, os, sx, ss := r.Off[0], r.Off[1], r.Off[2], r.Step[1], r.Step[2]
		c := halfNormalLogNorm - tensor.Log(float64(sg[os])) // hoisted: one log per run when σ is broadcast
		for i := range r.N {
			s, xv := float64(sg[os+i*ss]), float64(x[ox+i*sx])
			if ss != 0 {
				c = halfNormalLogNorm - tensor.Log(s)
			}
			z := xv / s
			lp := c - z*z/2
			if xv < 0 {
				lp = math.Inf(-1)
			}
			if a.out != nil {
				a.out[o+i] = T(lp)
			}
			if a.grad == nil {
				continue
			}
			w := a.weight(o + i)
			if w == 0 { // select, never multiply: a masked -Inf or NaN stays out
				continue
			}
			a.sum += w * lp
			if xv < 0 {
				continue
			}
			wzs := w * z / s
			if g := a.grad[0]; g != nil {
				g[ox+i*sx] -= wzs
			}
			if g := a.grad[1]; g != nil {
				g[os+i*ss] += wzs*z - w/s // w(z²-1)/σ
			}
		}
	}
}

// RSample draws sampleShape+BatchShape() values σ|ε|, ε ~ N(0, 1) from a
// ziggurat (torch: AbsTransform of Normal(0, σ).rsample()); ∂x/∂σ = |ε|.
func (d *HalfNormal) RSample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	if d.dtype == tensor.Float32 {
		return halfNormalDraw[float32](d, src, sampleShape)
	}
	return halfNormalDraw[float64](d, src, sampleShape)
}

// Sample is RSample for HalfNormal.
func (d *HalfNormal) Sample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	return d.RSample(src, sampleShape...)
}

func halfNormalDraw[T tensor.Float](d *HalfNormal, src rand.Source, sampleShape []int) (*tensor.Dense, error) {
	return draw(&d.elementwise, src, sampleShape, func(r *rand.Rand, run shape.Run, dst []T, in [][]T) {
		sg := in[0]
		for i := range run.N {
			dst[run.Off[0]+i] = T(float64(sg[run.Off[1]+i*run.Step[1]]) * math.Abs(r.NormFloat64()))
		}
	})
}

// Mean is σ√(2/π).
func (d *HalfNormal) Mean() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return p[0] * halfNormalSqrt2Pi })
}

// Mode is 0.
func (d *HalfNormal) Mode() (*tensor.Dense, error) {
	return d.moment(func([]float64) float64 { return 0 })
}

// Variance is σ²(1-2/π).
func (d *HalfNormal) Variance() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 {
		v := p[0] * halfNormalSqrtVarFac
		return v * v
	})
}

// StdDev is σ√(1-2/π), computed directly so that it stays finite where
// the variance overflows (σ > 1e154).
func (d *HalfNormal) StdDev() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return p[0] * halfNormalSqrtVarFac })
}

// Entropy is ½ + ½log(π/2) + log σ, the normal's entropy less log 2
// (torch's HalfNormal.entropy).
func (d *HalfNormal) Entropy() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return 0.5 - halfNormalLogNorm + tensor.Log(p[0]) })
}

// CDF is erf(x/(σ√2)) = 2Φ(x/σ) - 1 for x ≥ 0, with full relative
// precision near 0, and 0 below 0 (where torch's 2Φ(x/σ) - 1 is negative).
func (d *HalfNormal) CDF(x Value) (*tensor.Dense, error) {
	return d.pointwise(x, "cdf", false, func(x float64, p []float64) float64 {
		if x < 0 {
			return 0
		}
		return tensor.Erf(x / p[0] / halfNormalSqrt2)
	})
}

// ICDF is the quantile function σ√2·erfinv(u) (torch: Normal's icdf at
// (1+u)/2), accurate relatively near u = 0, where (1+u)/2 would round u
// away, and near u = 1, where math.Erfinv works from 1-u, which is exact
// there; NaN outside [0, 1] (when not validating).
func (d *HalfNormal) ICDF(u Value) (*tensor.Dense, error) {
	return d.pointwise(u, "icdf", true, func(u float64, p []float64) float64 {
		if !(u >= 0 && u <= 1) {
			return math.NaN()
		}
		return p[0] * halfNormalSqrt2 * math.Erfinv(u)
	})
}

// String is a torch-style summary of the distribution, for logs and messages.
func (d *HalfNormal) String() string {
	return fmt.Sprintf("HalfNormal(batch_shape=%s)", shape.Format(d.batch))
}

func init() {
	RegisterShapes("HalfNormal", GenericShapes("half_normal", map[string]int{"scale": 0}))
	Register("HalfNormal", func(s *Spec, opts ...Option) (Distribution, error) {
		if err := s.Known("scale"); err != nil {
			return nil, err
		}
		scale, ok, err := s.Tensor("scale")
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("half_normal: scale is required: %w", ErrParam)
		}
		return NewHalfNormal(scale, opts...)
	})
}
