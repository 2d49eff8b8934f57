package distributions

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Weibull is a batch of Weibull distributions on (0, ∞), scale λ (Scale)
// and shape k (Concentration) broadcast together. With t = x/λ:
//
//	log p(x) = log(k/λ) + (k-1)·log t - t^k
//	∂/∂x = -(1 + k(t^k-1))/x    ∂/∂λ = k(t^k-1)/λ    ∂/∂k = 1/k - (t^k-1)·log t
//
// with log(k/λ) and log t each one logarithm of a quotient (not a
// difference of logarithms, which (k-1) would amplify), and t^k-1 computed
// as expm1(k·log t), so the partials keep their relative precision near
// t = 1. At the boundary x = 0 the density is the
// limit (0·log 0 = 0): +Inf for k < 1, 1/λ for k = 1, 0 for k > 1; below
// it, log p = -Inf (torch 1.13's transforms give NaN there).
//
// Weibull is reparameterised: x = λ·E^(1/k) with E ~ Exp(1) (torch's
// Exponential(1) base through PowerTransform(1/k) and AffineTransform(0, λ)).
type Weibull struct{ elementwise }

// NewWeibull returns the Weibulls with scale scale and shape concentration
// (torch's argument order), which must broadcast and share a floating
// dtype; when validating, both are > 0.
func NewWeibull(scale, concentration *tensor.Dense, opts ...Option) (*Weibull, error) {
	cfg := newConfig(opts)
	e, err := newElementwise("weibull", []string{"scale", "concentration"}, []*tensor.Dense{scale, concentration}, cfg)
	if err != nil {
		return nil, err
	}
	if cfg.validate {
		if err := check("weibull", "scale", "> 0", scale, ErrParam, isPositive); err != nil {
			return nil, err
		}
		if err := check("weibull", "concentration", "> 0", concentration, ErrParam, isPositive); err != nil {
			return nil, err
		}
	}
	e.k32, e.k64 = weibullKernel[float32], weibullKernel[float64]
	e.support, e.rule = isPositive, "> 0" // torch: constraints.positive, open at 0
	return &Weibull{e}, nil
}

// Expand returns the Weibulls broadcast to batch, sharing scale and
// concentration.
func (d *Weibull) Expand(batch []int) (Distribution, error) {
	e, err := d.expand(batch)
	if err != nil {
		return nil, err
	}
	return &Weibull{e}, nil
}

// Scale is the scale parameter λ, as given.
func (d *Weibull) Scale() *tensor.Dense { return d.params[0] }

// Concentration is the shape parameter k, as given.
func (d *Weibull) Concentration() *tensor.Dense { return d.params[1] }

// weibullKernel is Weibull's one numerical path; operands (out, x, scale,
// concentration).
func weibullKernel[T tensor.Float](a *kargs[T]) {
	x, sc, cn := a.in[0], a.in[1], a.in[2]
	for r := range a.p.RunsIn(a.lo, a.hi) {
		o, ox, ol, oc := r.Off[0], r.Off[1], r.Off[2], r.Off[3]
		sx, sl, sk := r.Step[1], r.Step[2], r.Step[3]
		for i := range r.N {
			xv, l, k := float64(x[ox+i*sx]), float64(sc[ol+i*sl]), float64(cn[oc+i*sk])
			lt := weibullLogRatio(xv, l)
			tk := math.Exp(k * lt)
			lp := weibullLogRatio(k, l) - tk
			if k != 1 { // (k-1)·log t is 0 at k = 1, also at t = 0 and ∞
				lp += (k - 1) * lt
			}
			switch {
			case xv < 0, math.IsInf(tk, 1): // outside the support; t^k dominates at x = ∞
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
			em := math.Expm1(k * lt) // t^k - 1
			if g := a.grad[0]; g != nil {
				dx := -(1 + k*em) / xv
				if xv == 0 && k == 1 { // the exponential density's slope at 0
					dx = -1 / l
				}
				g[ox+i*sx] += w * dx
			}
			if g := a.grad[1]; g != nil {
				g[ol+i*sl] += w * k * em / l
			}
			if g := a.grad[2]; g != nil {
				g[oc+i*sk] += w * (1/k - lt*em)
			}
		}
	}
}

// weibullLogRatio returns log(a/b) with one logarithm, more accurate than
// log a - log b; where a/b leaves the normal range but a and b are positive
// and finite, it falls back to log a - log b.
func weibullLogRatio(a, b float64) float64 {
	r := a / b
	if r >= 0x1p-1022 && r <= math.MaxFloat64 || !(a > 0 && b > 0) || math.IsInf(a, 1) || math.IsInf(b, 1) {
		return tensor.Log(r)
	}
	return tensor.Log(a) - tensor.Log(b)
}

// RSample draws sampleShape+BatchShape() values λ·E^(1/k) with E = -log U,
// U from gumbelUniform (so E > 0 is never 0 and resolved to 1e-16 near it,
// the left tail of x); ∂x/∂λ = E^(1/k), ∂x/∂k = -x·log E/k².
func (d *Weibull) RSample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	if d.dtype == tensor.Float32 {
		return weibullDraw[float32](d, src, sampleShape)
	}
	return weibullDraw[float64](d, src, sampleShape)
}

// Sample is RSample for Weibull.
func (d *Weibull) Sample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	return d.RSample(src, sampleShape...)
}

func weibullDraw[T tensor.Float](d *Weibull, src rand.Source, sampleShape []int) (*tensor.Dense, error) {
	return draw(&d.elementwise, src, sampleShape, func(r *rand.Rand, run shape.Run, dst []T, in [][]T) {
		sc, cn := in[0], in[1]
		for i := range run.N {
			l, k := float64(sc[run.Off[1]+i*run.Step[1]]), float64(cn[run.Off[2]+i*run.Step[2]])
			logE := math.Log(-math.Log(gumbelUniform(r)))
			dst[run.Off[0]+i] = T(l * math.Exp(logE/k))
		}
	})
}

// Mean is λΓ(1+1/k) (torch's formula), through log Γ where Γ overflows.
func (d *Weibull) Mean() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 {
		l, a := p[0], 1/p[1]
		if g := math.Gamma(1 + a); !math.IsInf(g, 1) {
			return l * g
		}
		lg := tensor.Lgamma(1 + a)
		return math.Exp(tensor.Log(l) + lg)
	})
}

// Variance is λ²(Γ(1+2/k) - Γ(1+1/k)²) (torch's formula), computed without
// the cancellation of the difference at large k (see weibullVarFactor).
func (d *Weibull) Variance() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 {
		l := p[0]
		c, logC := weibullVarFactor(1 / p[1])
		if math.IsInf(c, 1) {
			return math.Exp(2*tensor.Log(l) + logC)
		}
		return l * (l * c)
	})
}

// StdDev is λ√(Γ(1+2/k) - Γ(1+1/k)²), which does not overflow where the
// variance does.
func (d *Weibull) StdDev() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 {
		l := p[0]
		c, logC := weibullVarFactor(1 / p[1])
		if math.IsInf(c, 1) {
			return math.Exp(tensor.Log(l) + logC/2)
		}
		return l * math.Sqrt(c)
	})
}

// weibullZetaSeries are the coefficients c_n = (-1)^n ζ(n)(2^n-2)/n, n = 2…21,
// of δ(a) = log Γ(1+2a) - 2·log Γ(1+a) = Σ c_n aⁿ, from the series
// log Γ(1+z) = -γz + Σ_{n≥2} (-1)^n ζ(n) zⁿ/n, |z| < 1 (Abramowitz & Stegun
// 6.1.33), in which the -γz terms cancel exactly. Values: mpmath, 40 digits.
var weibullZetaSeries = [...]float64{
	1.6449340668482264365, -2.4041138063191885708, 3.7881313179889836703, -6.221566530860219558,
	10.512544973839307777, -18.150286992874610883, 31.879456059284732775, -56.78047559347799215,
	102.30164557806300832, -186.09191908036622041, 341.25062319577026248, -630.07730940897444816,
	1170.2145262106094073, -2184.4668169433890556, 4095.937594224255412, -7710.0588827937882072,
	14563.500037382837422, -27594.052655221700589, 52428.750014989285307, -99864.333342857773431,
}

// weibullVarFactor returns c = Γ(1+2a) - Γ(1+a)² (Var/λ² at a = 1/k), and
// log c. By log-convexity c = Γ(1+a)²·expm1(δ) with δ = log Γ(1+2a) -
// 2·log Γ(1+a) ≥ 0. For a ≤ 1/16 (k ≥ 16) δ ≈ π²a²/6 comes from its series,
// which has no cancellation (the terms fall by 2a ≤ 1/8 each, so 20 reach
// 1e-18 relative); the difference of two Γ values near 1 would lose
// log2(1/(1.6a²)) bits, and 1+a itself drops the bits of a below ε. Above
// 1/16, δ from tensor.Lgamma loses at most ~12ε to cancellation.
func weibullVarFactor(a float64) (c, logC float64) {
	if a <= 1.0/16 {
		s := 0.0
		for i := len(weibullZetaSeries) - 1; i >= 0; i-- {
			s = s*a + weibullZetaSeries[i]
		}
		g := math.Gamma(1 + a)
		c = g * g * math.Expm1(a*a*s)
		return c, tensor.Log(c)
	}
	lg1 := tensor.Lgamma(1 + a)
	lg2 := tensor.Lgamma(1 + 2*a)
	f := -math.Expm1(2*lg1 - lg2) // 1 - Γ(1+a)²/Γ(1+2a)
	return math.Gamma(1+2*a) * f, lg2 + tensor.Log(f)
}

// Mode is λ((k-1)/k)^(1/k) for k ≥ 1 (0 at k = 1) and NaN for k < 1,
// torch's value there: its formula raises a negative base to the power 1/k
// (a finite artefact where 1/k is an integer, which this keeps NaN).
func (d *Weibull) Mode() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 {
		l, k := p[0], p[1]
		if !(k >= 1) {
			return math.NaN()
		}
		return l * math.Pow((k-1)/k, 1/k)
	})
}

// Entropy is γ(1-1/k) + log(λ/k) + 1, with log λ - log k for log(λ/k).
func (d *Weibull) Entropy() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 {
		l, k := p[0], p[1]
		return gumbelEulerGamma*(1-1/k) + tensor.Log(l) - tensor.Log(k) + 1
	})
}

// CDF is 1 - exp(-(x/λ)^k), computed as -expm1(-(x/λ)^k) so that the left
// tail keeps its relative precision; 0 for x ≤ 0. x must be > 0 when
// validating (torch's support is open).
func (d *Weibull) CDF(x Value) (*tensor.Dense, error) {
	return d.pointwise(x, "cdf", false, func(x float64, p []float64) float64 {
		if x <= 0 {
			return 0
		}
		return -math.Expm1(-math.Pow(x/p[0], p[1]))
	})
}

// ICDF is the quantile function λ(-log(1-u))^(1/k), with log1p(-u) for
// log(1-u): 0 at u = 0, +Inf at u = 1.
func (d *Weibull) ICDF(u Value) (*tensor.Dense, error) {
	return d.pointwise(u, "icdf", true, func(u float64, p []float64) float64 {
		return p[0] * math.Pow(-math.Log1p(-u), 1/p[1])
	})
}

// String is a torch-style summary of the distribution, for logs and messages.
func (d *Weibull) String() string {
	return fmt.Sprintf("Weibull(batch_shape=%s)", shape.Format(d.batch))
}

func init() {
	RegisterShapes("Weibull", GenericShapes("weibull", map[string]int{"scale": 0, "concentration": 0}))
	Register("Weibull", func(s *Spec, opts ...Option) (Distribution, error) {
		if err := s.Known("scale", "concentration"); err != nil {
			return nil, err
		}
		scale, okS, err := s.Tensor("scale")
		if err != nil {
			return nil, err
		}
		conc, okC, err := s.Tensor("concentration")
		if err != nil {
			return nil, err
		}
		if !okS || !okC {
			return nil, fmt.Errorf("weibull: scale and concentration are required: %w", ErrParam)
		}
		return NewWeibull(scale, conc, opts...)
	})
}
