package distributions

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Pareto is a batch of Pareto (type I) distributions with scale s and shape
// α (torch's Pareto(scale, alpha), constructor order scale, alpha),
// broadcast together, on the support [s, ∞):
//
//	log p(x) = log(α/s) - (α+1)·t,   t = log(x/s),   x ≥ s
//	∂/∂x = -(α+1)/x    ∂/∂s = α/s    ∂/∂α = 1/α - t
//
// torch 1.13 builds it as TransformedDistribution(Exponential(α),
// [ExpTransform, AffineTransform(0, s)]): log α - α·t from the base minus
// the Jacobian terms t and log s, which is this formula. log(α/s) and t are
// computed without the cancellation of log α + α·log s - (α+1)·log x near
// x = s. Below the support log p is -∞ (torch 1.13 without validation
// returns the formula's continuation there) and every partial is 0: log p
// is locally constant. Pareto is reparameterised: x = s·e^(E/α) with
// E ~ Exp(1), so ∂x/∂s = x/s and ∂x/∂α = -x·t/α.
type Pareto struct{ elementwise }

// NewPareto returns the Pareto distributions with scale scale and shape
// alpha, which must broadcast and share a floating dtype; when validating,
// every scale > 0 and every alpha > 0 (torch: both positive).
func NewPareto(scale, alpha *tensor.Dense, opts ...Option) (*Pareto, error) {
	cfg := newConfig(opts)
	e, err := newElementwise("pareto", []string{"scale", "alpha"}, []*tensor.Dense{scale, alpha}, cfg)
	if err != nil {
		return nil, err
	}
	if cfg.validate {
		if err := check("pareto", "scale", "> 0", scale, ErrParam, isPositive); err != nil {
			return nil, err
		}
		if err := check("pareto", "alpha", "> 0", alpha, ErrParam, isPositive); err != nil {
			return nil, err
		}
	}
	e.k32, e.k64 = paretoKernel[float32], paretoKernel[float64]
	// torch: constraints.greater_than_eq(scale); NaN fails it.
	e.supportAt, e.rule = func(x float64, p []float64) bool { return x >= p[0] }, ">= scale"
	return &Pareto{e}, nil
}

// Expand returns the distributions broadcast to batch, sharing scale and
// alpha.
func (d *Pareto) Expand(batch []int) (Distribution, error) {
	e, err := d.expand(batch)
	if err != nil {
		return nil, err
	}
	return &Pareto{e}, nil
}

// Scale is the scale parameter (the support's lower end), as given.
func (d *Pareto) Scale() *tensor.Dense { return d.params[0] }

// Alpha is the shape parameter, as given.
func (d *Pareto) Alpha() *tensor.Dense { return d.params[1] }

// paretoLogRatio is log(a/b) for a, b > 0, to a few ulps of the result:
// near a = b by log1p of the exact difference (Sterbenz: a-b is exact for
// b/2 ≤ a ≤ 2b), elsewhere by the log of the quotient, or by the difference
// of logs where the quotient overflows or leaves the normal range.
func paretoLogRatio(a, b float64) float64 {
	if a <= 2*b && b <= 2*a {
		return math.Log1p((a - b) / b)
	}
	if q := a / b; q < math.MaxFloat64 && q >= 0x1p-1022 {
		return math.Log(q)
	}
	return tensor.Log(a) - tensor.Log(b)
}

// paretoKernel is Pareto's one numerical path; operands (out, x, scale,
// alpha).
func paretoKernel[T tensor.Float](a *kargs[T]) {
	x, sc, al := a.in[0], a.in[1], a.in[2]
	for r := range a.p.RunsIn(a.lo, a.hi) {
		o, ox, os, oa := r.Off[0], r.Off[1], r.Off[2], r.Off[3]
		sx, ss, sa := r.Step[1], r.Step[2], r.Step[3]
		fixed := ss == 0 && sa == 0 // both parameters broadcast over the run
		logAS := paretoLogRatio(float64(al[oa]), float64(sc[os]))
		for i := range r.N {
			xv, s, alpha := float64(x[ox+i*sx]), float64(sc[os+i*ss]), float64(al[oa+i*sa])
			below := xv < s // false for NaN, which then propagates
			var lp, t float64
			if below {
				lp = math.Inf(-1)
			} else {
				if !fixed {
					logAS = paretoLogRatio(alpha, s)
				}
				t = paretoLogRatio(xv, s)
				lp = logAS - (alpha+1)*t
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
			if below { // log p is -∞ nearby: every partial is 0
				continue
			}
			if g := a.grad[0]; g != nil {
				g[ox+i*sx] -= w * (alpha + 1) / xv
			}
			if g := a.grad[1]; g != nil {
				g[os+i*ss] += w * alpha / s
			}
			if g := a.grad[2]; g != nil {
				g[oa+i*sa] += w * (1/alpha - t)
			}
		}
	}
}

// paretoScaleExp is s·e^y, also where e^y alone overflows but the product
// does not (tiny s): then e^(y + log s), whose argument's rounding costs
// about |y|·ε/2 relative (8e-14 at y = 750, beyond which s·e^y overflows
// for every s ≥ 5e-324 once y > 1454).
func paretoScaleExp(s, y float64) float64 {
	e := math.Exp(y)
	if math.IsInf(e, 1) && !math.IsInf(y, 1) {
		return math.Exp(y + tensor.Log(s))
	}
	return s * e
}

// RSample draws sampleShape+BatchShape() values s·e^(E/α), E ~ Exp(1)
// (torch: Exponential(α).rsample, then Exp and ×s); ∂x/∂s = x/s,
// ∂x/∂α = -x·E/α².
func (d *Pareto) RSample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	if d.dtype == tensor.Float32 {
		return paretoDraw[float32](d, src, sampleShape)
	}
	return paretoDraw[float64](d, src, sampleShape)
}

// Sample is RSample for Pareto.
func (d *Pareto) Sample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	return d.RSample(src, sampleShape...)
}

func paretoDraw[T tensor.Float](d *Pareto, src rand.Source, sampleShape []int) (*tensor.Dense, error) {
	return draw(&d.elementwise, src, sampleShape, func(r *rand.Rand, run shape.Run, dst []T, in [][]T) {
		sc, al := in[0], in[1]
		for i := range run.N {
			s, alpha := float64(sc[run.Off[1]+i*run.Step[1]]), float64(al[run.Off[2]+i*run.Step[2]])
			// s·e^y ≥ s in float64 and rounding is monotone, so a float32
			// draw never falls below its float32 scale.
			dst[run.Off[0]+i] = T(paretoScaleExp(s, tensor.StdExponential(r)/alpha))
		}
	})
}

// Mean is αs/(α-1), and +Inf for α ≤ 1 (torch clamps α to at least 1, so
// that the division gives +Inf).
func (d *Pareto) Mean() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 {
		s, alpha := p[0], p[1]
		if alpha <= 1 {
			return math.Inf(1)
		}
		return s * (alpha / (alpha - 1)) // no overflow of α·s
	})
}

// Mode is Scale, broadcast to the batch shape.
func (d *Pareto) Mode() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return p[0] })
}

// Variance is s²α/((α-1)²(α-2)), and +Inf for α ≤ 2 (torch clamps α to at
// least 2).
func (d *Pareto) Variance() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 {
		s, alpha := p[0], p[1]
		if alpha <= 2 {
			return math.Inf(1)
		}
		v := s / (alpha - 1) // squared after dividing, so that s² cannot overflow alone
		return v * v * alpha / (alpha - 2)
	})
}

// StdDev is s/(α-1)·√(α/(α-2)), +Inf for α ≤ 2; it does not overflow where
// the variance does (s > 1e154).
func (d *Pareto) StdDev() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return paretoStdDev(p[0], p[1]) })
}

func paretoStdDev(s, alpha float64) float64 {
	if alpha <= 2 {
		return math.Inf(1)
	}
	return s / (alpha - 1) * math.Sqrt(alpha/(alpha-2))
}

// Entropy is log(s/α) + 1 + 1/α (torch's formula).
func (d *Pareto) Entropy() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return paretoLogRatio(p[0], p[1]) + 1 + 1/p[1] })
}

// CDF is 1 - (s/x)^α = -expm1(-α·log(x/s)) for x ≥ s, which keeps its
// relative precision near x = s, and exactly 0 below s (torch 1.13 without
// validation returns negative values there).
func (d *Pareto) CDF(x Value) (*tensor.Dense, error) {
	return d.pointwise(x, "cdf", false, func(x float64, p []float64) float64 {
		if x < p[0] {
			return 0
		}
		return -math.Expm1(-p[1] * paretoLogRatio(x, p[0]))
	})
}

// ICDF is the quantile function s·(1-u)^(-1/α) = s·e^(-log1p(-u)/α):
// s at u = 0, +Inf at u = 1, and accurate for u near 0 and near 1; u must
// lie in [0, 1] when validating.
func (d *Pareto) ICDF(u Value) (*tensor.Dense, error) {
	return d.pointwise(u, "icdf", true, func(u float64, p []float64) float64 {
		return paretoScaleExp(p[0], -math.Log1p(-u)/p[1])
	})
}

// String is a torch-style summary of the distribution, for logs and messages.
func (d *Pareto) String() string {
	return fmt.Sprintf("Pareto(batch_shape=%s)", shape.Format(d.batch))
}

func init() {
	RegisterShapes("Pareto", GenericShapes("pareto", map[string]int{"scale": 0, "alpha": 0}))
	Register("Pareto", func(s *Spec, opts ...Option) (Distribution, error) {
		if err := s.Known("scale", "alpha"); err != nil {
			return nil, err
		}
		scale, okS, err := s.Tensor("scale")
		if err != nil {
			return nil, err
		}
		alpha, okA, err := s.Tensor("alpha")
		if err != nil {
			return nil, err
		}
		if !okS || !okA {
			return nil, fmt.Errorf("pareto: scale and alpha are required: %w", ErrParam)
		}
		return NewPareto(scale, alpha, opts...)
	})
}
