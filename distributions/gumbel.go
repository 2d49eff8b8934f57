package distributions

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// gumbelEulerGamma is the Euler–Mascheroni constant γ (Gumbel and Weibull).
const gumbelEulerGamma = 0.577215664901532860606512090082402431042159335939923598805

// Gumbel is a batch of Gumbel (type I extreme value) distributions,
// location Loc and scale Scale broadcast together. With y = (μ-x)/σ
// (torch's Gumbel.log_prob):
//
//	log p(x) = y - e^y - log σ
//	∂/∂x = -(1-e^y)/σ    ∂/∂μ = (1-e^y)/σ    ∂/∂σ = -(y(1-e^y) + 1)/σ
//
// with 1-e^y computed as -expm1(y), so the partials keep their relative
// precision near the mode.
//
// Gumbel is reparameterised: x = μ - σ·log(-log U) with U ~ U(0, 1)
// (torch's transformed Uniform base).
type Gumbel struct{ elementwise }

// NewGumbel returns the Gumbels with location loc and scale scale, which
// must broadcast and share a floating dtype; when validating, loc is not
// NaN and every scale > 0.
func NewGumbel(loc, scale *tensor.Dense, opts ...Option) (*Gumbel, error) {
	cfg := newConfig(opts)
	e, err := newElementwise("gumbel", []string{"loc", "scale"}, []*tensor.Dense{loc, scale}, cfg)
	if err != nil {
		return nil, err
	}
	if cfg.validate {
		if err := check("gumbel", "loc", "real", loc, ErrParam, isReal); err != nil {
			return nil, err
		}
		if err := check("gumbel", "scale", "> 0", scale, ErrParam, isPositive); err != nil {
			return nil, err
		}
	}
	e.k32, e.k64 = gumbelKernel[float32], gumbelKernel[float64]
	e.support, e.rule = isReal, "real"
	return &Gumbel{e}, nil
}

// Expand returns the Gumbels broadcast to batch, sharing loc and scale.
func (d *Gumbel) Expand(batch []int) (Distribution, error) {
	e, err := d.expand(batch)
	if err != nil {
		return nil, err
	}
	return &Gumbel{e}, nil
}

// Loc is the location parameter (the mode), as given.
func (d *Gumbel) Loc() *tensor.Dense { return d.params[0] }

// Scale is the scale parameter, as given.
func (d *Gumbel) Scale() *tensor.Dense { return d.params[1] }

// gumbelKernel is Gumbel's one numerical path; operands (out, x, loc, scale).
func gumbelKernel[T tensor.Float](a *kargs[T]) {
	x, mu, sg := a.in[0], a.in[1], a.in[2]
	for r := range a.p.RunsIn(a.lo, a.hi) {
		o, ox, om, os := r.Off[0], r.Off[1], r.Off[2], r.Off[3]
		sx, sm, ss := r.Step[1], r.Step[2], r.Step[3]
		logS := tensor.Log(float64(sg[os])) // hoisted: one log per run when σ is broadcast
		for i := range r.N {
			s := float64(sg[os+i*ss])
			if ss != 0 {
				logS = tensor.Log(s)
			}
			y := (float64(mu[om+i*sm]) - float64(x[ox+i*sx])) / s
			ey := math.Exp(y)
			lp := y - ey - logS
			if math.IsInf(ey, 1) { // y - e^y is ∞-∞ at x = -∞; the density is 0 there
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
			dmu := w * -math.Expm1(y) / s // w(1-e^y)/σ; ∂/∂x is its negative
			if g := a.grad[0]; g != nil {
				g[ox+i*sx] -= dmu
			}
			if g := a.grad[1]; g != nil {
				g[om+i*sm] += dmu
			}
			if g := a.grad[2]; g != nil {
				g[os+i*ss] -= y*dmu + w/s
			}
		}
	}
}

// RSample draws sampleShape+BatchShape() values μ - σ·log(-log U), U from
// gumbelUniform; ∂x/∂μ = 1, ∂x/∂σ = -log(-log U). Every draw is finite,
// within μ - 3.61σ and μ + 36.8σ (outside them lies a probability of
// 2.2e-16).
func (d *Gumbel) RSample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	if d.dtype == tensor.Float32 {
		return gumbelDraw[float32](d, src, sampleShape)
	}
	return gumbelDraw[float64](d, src, sampleShape)
}

// Sample is RSample for Gumbel.
func (d *Gumbel) Sample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	return d.RSample(src, sampleShape...)
}

func gumbelDraw[T tensor.Float](d *Gumbel, src rand.Source, sampleShape []int) (*tensor.Dense, error) {
	return draw(&d.elementwise, src, sampleShape, func(r *rand.Rand, run shape.Run, dst []T, in [][]T) {
		mu, sg := in[0], in[1]
		for i := range run.N {
			m, s := float64(mu[run.Off[1]+i*run.Step[1]]), float64(sg[run.Off[2]+i*run.Step[2]])
			dst[run.Off[0]+i] = T(m - s*math.Log(-math.Log(gumbelUniform(r))))
		}
	})
}

// gumbelUniform returns U ~ U(0, 1) on the 2^52 midpoints (k+½)·2^-52,
// each exact in float64 (with 53 bits, k+½ would round up to 1 at the
// top): never 0 or 1, so -log U is finite and positive. Near U = 1 its
// spacing 2^-52 resolves E = -log U ≈ 1-U down to 1.1e-16, where math/rand's
// ziggurat ExpFloat64 has steps of ~1e-9 and returns exactly 0 with
// probability ~2^-32 (j = 0 in its first table lookup). Gumbel's right tail
// and Weibull's left tail are made of such small E.
func gumbelUniform(r *rand.Rand) float64 {
	return (float64(r.Uint64()>>12) + 0.5) * 0x1p-52
}

// Mean is μ + σγ.
func (d *Gumbel) Mean() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return p[0] + p[1]*gumbelEulerGamma })
}

// Mode is Loc, broadcast to the batch shape.
func (d *Gumbel) Mode() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return p[0] })
}

// StdDev is πσ/√6.
func (d *Gumbel) StdDev() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return math.Pi / math.Sqrt(6) * p[1] })
}

// Variance is π²σ²/6.
func (d *Gumbel) Variance() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return math.Pi * math.Pi / 6 * p[1] * p[1] })
}

// Entropy is log σ + γ + 1.
func (d *Gumbel) Entropy() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return tensor.Log(p[1]) + gumbelEulerGamma + 1 })
}

// CDF is exp(-exp(-(x-μ)/σ)). It has no subtraction to cancel: the left
// tail keeps its relative precision down to underflow (torch 1.13 goes
// through its Uniform base, clamped at tiny, and loses it), and the right
// tail rounds to 1 only where 1 is the nearest float64.
func (d *Gumbel) CDF(x Value) (*tensor.Dense, error) {
	return d.pointwise(x, "cdf", false, func(x float64, p []float64) float64 {
		return math.Exp(-math.Exp((p[0] - x) / p[1]))
	})
}

// ICDF is the quantile function μ - σ·log(-log u): -Inf at u = 0 and +Inf
// at u = 1 (torch 1.13 maps u through its Uniform(tiny, 1-eps) base first,
// so its quantiles stop at μ - 6.56σ and μ + 36.04σ).
func (d *Gumbel) ICDF(u Value) (*tensor.Dense, error) {
	return d.pointwise(u, "icdf", true, func(u float64, p []float64) float64 {
		return p[0] - p[1]*tensor.Log(-tensor.Log(u))
	})
}

// String is a torch-style summary of the distribution, for logs and messages.
func (d *Gumbel) String() string {
	return fmt.Sprintf("Gumbel(batch_shape=%s)", shape.Format(d.batch))
}

func init() {
	RegisterShapes("Gumbel", GenericShapes("gumbel", map[string]int{"loc": 0, "scale": 0}))
	Register("Gumbel", func(s *Spec, opts ...Option) (Distribution, error) {
		if err := s.Known("loc", "scale"); err != nil {
			return nil, err
		}
		loc, okL, err := s.Tensor("loc")
		if err != nil {
			return nil, err
		}
		scale, okS, err := s.Tensor("scale")
		if err != nil {
			return nil, err
		}
		if !okL || !okS {
			return nil, fmt.Errorf("gumbel: loc and scale are required: %w", ErrParam)
		}
		return NewGumbel(loc, scale, opts...)
	})
}
