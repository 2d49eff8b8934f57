package distributions

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// cauchyLogPi is log π and cauchyLog4Pi log 4π (mpmath, 50 digits).
const (
	cauchyLogPi  = 1.1447298858494001741434273513530587116472948129153
	cauchyLog4Pi = 2.5310242469692907929778915942694118477982950816358
)

// cauchyBigZ bounds |z| below which z² cannot overflow; above it log1p(z²)
// is 2·log|z| to within 1/z² < 1e-300 of it, and that form is used instead.
const cauchyBigZ = 1e150

// Cauchy is a batch of Cauchy distributions with location Loc (the median)
// and scale Scale (the half width at half maximum) broadcast together
// (torch.distributions.Cauchy):
//
//	log p(x) = -log π - log γ - log1p(z²),   z = (x-μ)/γ
//	∂/∂x = -2z/(γ(1+z²))    ∂/∂μ = 2z/(γ(1+z²))    ∂/∂γ = (z²-1)/(γ(1+z²))
//
// The mean is undefined (NaN) and the variance infinite, as torch returns
// them. Cauchy is reparameterised: x = μ + γ·tan(π(u-½)), u ~ U(0, 1).
type Cauchy struct{ elementwise }

// NewCauchy returns the Cauchy distributions with location loc and scale
// scale, which must broadcast and share a floating dtype; when validating,
// loc is not NaN and every scale > 0.
func NewCauchy(loc, scale *tensor.Dense, opts ...Option) (*Cauchy, error) {
	cfg := newConfig(opts)
	e, err := newElementwise("cauchy", []string{"loc", "scale"}, []*tensor.Dense{loc, scale}, cfg)
	if err != nil {
		return nil, err
	}
	if cfg.validate {
		if err := check("cauchy", "loc", "real", loc, ErrParam, isReal); err != nil {
			return nil, err
		}
		if err := check("cauchy", "scale", "> 0", scale, ErrParam, isPositive); err != nil {
			return nil, err
		}
	}
	e.k32, e.k64 = cauchyKernel[float32], cauchyKernel[float64]
	e.support, e.rule = isReal, "real"
	return &Cauchy{e}, nil
}

// Expand returns the Cauchy distributions broadcast to batch, sharing loc
// and scale.
func (d *Cauchy) Expand(batch []int) (Distribution, error) {
	e, err := d.expand(batch)
	if err != nil {
		return nil, err
	}
	return &Cauchy{e}, nil
}

// Loc is the location parameter, as given.
func (d *Cauchy) Loc() *tensor.Dense { return d.params[0] }

// Scale is the scale parameter, as given.
func (d *Cauchy) Scale() *tensor.Dense { return d.params[1] }

// cauchyLogP is log p(x) at d = x-μ. It takes one log, -log π - log t
// with t = γ + d·z = γ(1+z²), a sum of two positive terms good to a few
// ulps, where torch's log γ + log1p(z²) takes two; but where t would lose
// digits (γ subnormal) or overflow, it takes torch's two logs, and beyond
// cauchyBigZ, where z² overflows too, log γ - 2·log|d| - log π, which stays
// finite (a tiny γ, a huge |d|) where torch's log1p(z²) gives -Inf.
func cauchyLogP(d, g float64) float64 {
	z := d / g
	if math.Abs(z) >= cauchyBigZ {
		return -cauchyLogPi + tensor.Log(g) - 2*tensor.Log(math.Abs(d))
	}
	if t := g + d*z; g >= 0x1p-1022 && t <= math.MaxFloat64 {
		return -cauchyLogPi - math.Log(t) // t ≥ γ is normal, where math.Log is correct
	}
	return -cauchyLogPi - tensor.Log(g) - math.Log1p(z*z)
}

// cauchyKernel is Cauchy's one numerical path; operands (out, x, loc,
// scale).
func cauchyKernel[T tensor.Float](a *kargs[T]) {
	x, mu, sc := a.in[0], a.in[1], a.in[2]
	for r := range a.p.RunsIn(a.lo, a.hi) {
		o, ox, om, os := r.Off[0], r.Off[1], r.Off[2], r.Off[3]
		sx, sm, ss := r.Step[1], r.Step[2], r.Step[3]
		if a.grad == nil {
			out := a.out[o : o+r.N]
			if sx == 1 && sm == 1 && ss == 1 { // contiguous: slices drop the bounds checks
				xs, ms, gs := x[ox:ox+len(out)], mu[om:om+len(out)], sc[os:os+len(out)]
				for i := range out {
					out[i] = T(cauchyLogP(float64(xs[i])-float64(ms[i]), float64(gs[i])))
				}
				continue
			}
			for i := range out {
				out[i] = T(cauchyLogP(float64(x[ox+i*sx])-float64(mu[om+i*sm]), float64(sc[os+i*ss])))
			}
			continue
		}
		gx, gm, gs := a.grad[0], a.grad[1], a.grad[2]
		for i := range r.N {
			g := float64(sc[os+i*ss])
			d := float64(x[ox+i*sx]) - float64(mu[om+i*sm])
			lp := cauchyLogP(d, g)
			if a.out != nil {
				a.out[o+i] = T(lp)
			}
			w := a.weight(o + i)
			if w == 0 { // select, never multiply: a masked -Inf or NaN stays out
				continue
			}
			a.sum += w * lp
			dm, dg := cauchyPartials(d, g)
			if gx != nil {
				gx[ox+i*sx] -= w * dm
			}
			if gm != nil {
				gm[om+i*sm] += w * dm
			}
			if gs != nil {
				gs[os+i*ss] += w * dg
			}
		}
	}
}

// cauchyPartials returns ∂log p/∂μ = 2z/(γ(1+z²)) and ∂log p/∂γ =
// (z²-1)/(γ(1+z²)) at d = x-μ. For |z| > 1 they are rewritten in 1/z,
// 2/(d + γ/z) and (1-1/z²)/(1+1/z²)/γ, which neither overflow nor divide
// ∞ by ∞: at z = ±∞ they are 2/d and 1/γ (0 and 1/γ at d = ±∞).
func cauchyPartials(d, g float64) (dmu, dg float64) {
	z := d / g
	if math.Abs(z) <= 1 {
		q := 1 + z*z
		return 2 * z / q / g, (z*z - 1) / q / g // dividing by γ last: γq may overflow
	}
	v := 1 / z
	return 2 / (d + g*v), (1 - v*v) / (1 + v*v) / g
}

// cauchyStdICDF is the quantile function tan(π(u-½)) of Cauchy(0, 1)
// without cancellation in the tails: there it is ∓1/tan(πv), v = min(u,
// 1-u) (exact for u ≥ ½), whose argument is small and well conditioned,
// where torch's tan(π(u-½)) loses u's digits to u-½ and is
// ill-conditioned near ±π/2 (torch gives -2.2e16·γ at u = 0, not -Inf).
func cauchyStdICDF(u float64) float64 {
	switch {
	case u < 0.25:
		return -1 / math.Tan(math.Pi*u)
	case u > 0.75:
		return 1 / math.Tan(math.Pi*(1-u))
	}
	return math.Tan(math.Pi * (u - 0.5)) // u-½ is exact here
}

// RSample draws sampleShape+BatchShape() values μ + γ·F⁻¹(u) by inversion,
// u = (k+½)·2⁻⁵³ with k uniform in [0, 2⁵³): a grid symmetric about ½ that
// excludes 0 and 1, so that every draw is finite (|F⁻¹(u)| < 5.8e15);
// ∂x/∂μ = 1, ∂x/∂γ = (x-μ)/γ.
func (d *Cauchy) RSample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	if d.dtype == tensor.Float32 {
		return cauchyDraw[float32](d, src, sampleShape)
	}
	return cauchyDraw[float64](d, src, sampleShape)
}

// Sample is RSample for Cauchy.
func (d *Cauchy) Sample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	return d.RSample(src, sampleShape...)
}

func cauchyDraw[T tensor.Float](d *Cauchy, src rand.Source, sampleShape []int) (*tensor.Dense, error) {
	return draw(&d.elementwise, src, sampleShape, func(r *rand.Rand, run shape.Run, dst []T, in [][]T) {
		mu, sc := in[0], in[1]
		out := dst[run.Off[0] : run.Off[0]+run.N]
		for i := range out {
			u := (float64(r.Uint64()>>11) + 0.5) * 0x1p-53
			m, g := float64(mu[run.Off[1]+i*run.Step[1]]), float64(sc[run.Off[2]+i*run.Step[2]])
			out[i] = T(m + g*cauchyStdICDF(u))
		}
	})
}

// Mean is NaN: the Cauchy distribution has no mean (torch's convention).
func (d *Cauchy) Mean() (*tensor.Dense, error) {
	return d.moment(func([]float64) float64 { return math.NaN() })
}

// Mode is Loc, broadcast to the batch shape.
func (d *Cauchy) Mode() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return p[0] })
}

// Variance is +Inf (torch's convention).
func (d *Cauchy) Variance() (*tensor.Dense, error) {
	return d.moment(func([]float64) float64 { return math.Inf(1) })
}

// StdDev is +Inf, the square root of the variance.
func (d *Cauchy) StdDev() (*tensor.Dense, error) { return d.Variance() }

// Entropy is log 4πγ.
func (d *Cauchy) Entropy() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return cauchyLog4Pi + tensor.Log(p[1]) })
}

// CDF is ½ + atan(z)/π, z = (x-μ)/γ, and atan(-γ/d)/π for z < -1 (d =
// x-μ), which keeps the left tail's relative precision where torch's sum
// cancels, also where z overflows.
func (d *Cauchy) CDF(x Value) (*tensor.Dense, error) {
	return d.pointwise(x, "cdf", false, func(x float64, p []float64) float64 {
		dx := x - p[0]
		if z := dx / p[1]; z < -1 {
			return math.Atan(-p[1]/dx) / math.Pi
		}
		return 0.5 + math.Atan(dx/p[1])/math.Pi
	})
}

// ICDF is the quantile function μ + γ·tan(π(u-½)), exact in the far tails:
// -Inf at u = 0, +Inf at u = 1, NaN outside [0, 1].
func (d *Cauchy) ICDF(u Value) (*tensor.Dense, error) {
	return d.pointwise(u, "icdf", true, func(u float64, p []float64) float64 {
		if u < 0 || u > 1 {
			return math.NaN()
		}
		return p[0] + p[1]*cauchyStdICDF(u)
	})
}

// String is a torch-style summary of the distribution, for logs and messages.
func (d *Cauchy) String() string {
	return fmt.Sprintf("Cauchy(batch_shape=%s)", shape.Format(d.batch))
}

func init() {
	RegisterShapes("Cauchy", GenericShapes("cauchy", map[string]int{"loc": 0, "scale": 0}))
	Register("Cauchy", func(s *Spec, opts ...Option) (Distribution, error) {
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
			return nil, fmt.Errorf("cauchy: loc and scale are required: %w", ErrParam)
		}
		return NewCauchy(loc, scale, opts...)
	})
}
