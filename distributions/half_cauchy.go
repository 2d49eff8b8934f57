package distributions

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Constants of the half-Cauchy (mpmath, 60 digits).
const (
	halfCauchyLogNorm = -0.451582705289454864726195229894882143571794678555056317392943 // log(2/π)
	halfCauchyLog2Pi  = 1.8378770664093454835606594728112352797227949472755668256343    // log(2π)
)

// HalfCauchy is a batch of half-Cauchy distributions on [0, ∞), the law of
// |X| for X ~ Cauchy(0, σ) with σ = Scale (torch's HalfCauchy, a
// TransformedDistribution of Cauchy(0, σ) by AbsTransform, whose log_prob
// Pyro's torch_patch.py replaces by the Cauchy's plus log 2, masked to -Inf
// at x < 0 with masked_fill_ (pytorch#48054); written here in closed form):
//
//	log p(x) = log(2/π) - log σ - log(1 + z²),   z = x/σ, x ≥ 0 (-Inf below 0)
//	∂/∂x = -2z/(σ(1+z²))    ∂/∂σ = (z²-1)/(σ(1+z²))
//
// Beyond z = 2⁵⁰⁰ log p is evaluated in log z and r = σ/x = 1/z, and the
// partials beyond z = 1, so that neither z² nor x/σ overflows in the far
// tail.
//
// HalfCauchy is reparameterised: x = σ|C| with C a standard Cauchy draw.
type HalfCauchy struct{ elementwise }

// NewHalfCauchy returns the half-Cauchys of scale scale; when validating,
// every scale > 0.
func NewHalfCauchy(scale *tensor.Dense, opts ...Option) (*HalfCauchy, error) {
	cfg := newConfig(opts)
	e, err := newElementwise("half_cauchy", []string{"scale"}, []*tensor.Dense{scale}, cfg)
	if err != nil {
		return nil, err
	}
	if cfg.validate {
		if err := check("half_cauchy", "scale", "> 0", scale, ErrParam, isPositive); err != nil {
			return nil, err
		}
	}
	e.k32, e.k64 = halfCauchyKernel[float32], halfCauchyKernel[float64]
	e.support, e.rule = isNonNegative, ">= 0" // torch: constraints.nonnegative
	return &HalfCauchy{e}, nil
}

// Expand returns the half-Cauchys broadcast to batch, sharing scale.
func (d *HalfCauchy) Expand(batch []int) (Distribution, error) {
	e, err := d.expand(batch)
	if err != nil {
		return nil, err
	}
	return &HalfCauchy{e}, nil
}

// Scale is the scale parameter σ, as given.
func (d *HalfCauchy) Scale() *tensor.Dense { return d.params[0] }

// halfCauchyKernel is HalfCauchy's one numerical path; operands (out, x,
// scale). Below 0 log p is -Inf and the partials are 0 (Pyro masks the
// value with masked_fill, which passes no gradient); NaN stays NaN.
func halfCauchyKernel[T tensor.Float](a *kargs[T]) {
	x, sg := a.in[0], a.in[1]
	for r := range a.p.RunsIn(a.lo, a.hi) {
		o, ox, os, sx, ss := r.Off[0], r.Off[1], r.Off[2], r.Step[1], r.Step[2]
		logS := tensor.Log(float64(sg[os])) // hoisted: one log per run when σ is broadcast
		for i := range r.N {
			s, xv := float64(sg[os+i*ss]), float64(x[ox+i*sx])
			if ss != 0 {
				logS = tensor.Log(s)
			}
			z := xv / s
			var lp float64
			if z <= 0x1p500 { // z² cannot overflow: one log1p
				lp = halfCauchyLogNorm - logS - math.Log1p(z*z)
			} else {
				lp = halfCauchyFarTail(xv, s, z, logS)
			}
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
			dx, ds := halfCauchyPartials(xv, s, z)
			if g := a.grad[0]; g != nil {
				g[ox+i*sx] += w * dx
			}
			if g := a.grad[1]; g != nil {
				g[os+i*ss] += w * ds
			}
		}
	}
}

// halfCauchyFarTail is log p(x) for z = x/σ > 2⁵⁰⁰ (or NaN), where z²
// would overflow: log(1+z²) = 2·log z + log1p(r²) with r = σ/x, and
// log z = log x - log σ when x/σ itself overflowed.
func halfCauchyFarTail(x, s, z, logS float64) float64 {
	lz := tensor.Log(z) // one rounding in z is one ulp of relative error in log z
	if math.IsInf(z, 1) {
		lz = tensor.Log(x) - logS
	}
	r := s / x
	return halfCauchyLogNorm - logS - 2*lz - math.Log1p(r*r)
}

// halfCauchyPartials returns ∂log p/∂x and ∂log p/∂σ at x ≥ 0, z = x/σ;
// above z = 1 in r = 1/z, so that nothing overflows in the far tail.
func halfCauchyPartials(x, s, z float64) (dx, ds float64) {
	if z <= 1 {
		q := 1 + z*z
		return -2 * z / (s * q), (z*z - 1) / (s * q)
	}
	r := s / x
	q := 1 + r*r
	return -2 / (x * q), (1 - r*r) / (s * q)
}

// RSample draws sampleShape+BatchShape() values σ|C|, C = N₁/N₂ the ratio
// of two standard normals (a standard Cauchy, with a continuous tail that
// an inverse CDF of a 53-bit uniform would cut off); ∂x/∂σ = |C|.
func (d *HalfCauchy) RSample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	if d.dtype == tensor.Float32 {
		return halfCauchyDraw[float32](d, src, sampleShape)
	}
	return halfCauchyDraw[float64](d, src, sampleShape)
}

// Sample is RSample for HalfCauchy.
func (d *HalfCauchy) Sample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	return d.RSample(src, sampleShape...)
}

func halfCauchyDraw[T tensor.Float](d *HalfCauchy, src rand.Source, sampleShape []int) (*tensor.Dense, error) {
	return draw(&d.elementwise, src, sampleShape, func(r *rand.Rand, run shape.Run, dst []T, in [][]T) {
		sg := in[0]
		for i := range run.N {
			num, den := r.NormFloat64(), r.NormFloat64()
			for den == 0 { // measure zero; would give +Inf, outside the support
				den = r.NormFloat64()
			}
			dst[run.Off[0]+i] = T(float64(sg[run.Off[1]+i*run.Step[1]]) * math.Abs(num/den))
		}
	})
}

// Mean is +Inf (torch's convention: the integral diverges).
func (d *HalfCauchy) Mean() (*tensor.Dense, error) {
	return d.moment(func([]float64) float64 { return math.Inf(1) })
}

// Mode is 0.
func (d *HalfCauchy) Mode() (*tensor.Dense, error) {
	return d.moment(func([]float64) float64 { return 0 })
}

// Variance is +Inf (torch: the Cauchy's variance).
func (d *HalfCauchy) Variance() (*tensor.Dense, error) {
	return d.moment(func([]float64) float64 { return math.Inf(1) })
}

// StdDev is +Inf.
func (d *HalfCauchy) StdDev() (*tensor.Dense, error) { return d.Variance() }

// Entropy is log(2πσ), the Cauchy's log(4πσ) less log 2 (torch's
// HalfCauchy.entropy).
func (d *HalfCauchy) Entropy() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return halfCauchyLog2Pi + tensor.Log(p[0]) })
}

// CDF is (2/π)·atan(x/σ) for x ≥ 0 (torch's 2F(x) - 1 with F the Cauchy
// CDF, without the cancellation near 0), and 0 below 0.
func (d *HalfCauchy) CDF(x Value) (*tensor.Dense, error) {
	return d.pointwise(x, "cdf", false, func(x float64, p []float64) float64 {
		if x < 0 {
			return 0
		}
		return math.Atan(x/p[0]) * (2 / math.Pi)
	})
}

// ICDF is the quantile function σ·tan(πu/2) (torch: the Cauchy's icdf at
// (1+u)/2). Above ½ it is σ/tan(π(1-u)/2): 1-u is exact there, so the
// result keeps its relative precision up to the pole at u = 1 (+Inf); NaN
// outside [0, 1] (when not validating).
func (d *HalfCauchy) ICDF(u Value) (*tensor.Dense, error) {
	return d.pointwise(u, "icdf", true, func(u float64, p []float64) float64 {
		switch {
		case !(u >= 0 && u <= 1):
			return math.NaN()
		case u > 0.5:
			return p[0] / math.Tan(math.Pi/2*(1-u))
		}
		return p[0] * math.Tan(math.Pi/2*u)
	})
}

// String is a torch-style summary of the distribution, for logs and messages.
func (d *HalfCauchy) String() string {
	return fmt.Sprintf("HalfCauchy(batch_shape=%s)", shape.Format(d.batch))
}

func init() {
	RegisterShapes("HalfCauchy", GenericShapes("half_cauchy", map[string]int{"scale": 0}))
	Register("HalfCauchy", func(s *Spec, opts ...Option) (Distribution, error) {
		if err := s.Known("scale"); err != nil {
			return nil, err
		}
		scale, ok, err := s.Tensor("scale")
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("half_cauchy: scale is required: %w", ErrParam)
		}
		return NewHalfCauchy(scale, opts...)
	})
}
