package distributions

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Exponential is a batch of exponential distributions on [0, ∞) with rate
// λ (torch.distributions.Exponential):
//
//	log p(x) = log λ - λx   (x ≥ 0; -Inf below 0, where the density is 0)
//	∂/∂x = -λ    ∂/∂λ = 1/λ - x
//
// torch 1.13 evaluates log λ - λx for every x; below the support, reached
// only without validation, this gives the exact -Inf instead (as gonum's
// distuv.Exponential does). Exponential is reparameterised: x = E/λ with
// E ~ Exp(1).
type Exponential struct{ elementwise }

// NewExponential returns the exponentials with rate rate; when validating,
// every rate > 0.
func NewExponential(rate *tensor.Dense, opts ...Option) (*Exponential, error) {
	cfg := newConfig(opts)
	e, err := newElementwise("exponential", []string{"rate"}, []*tensor.Dense{rate}, cfg)
	if err != nil {
		return nil, err
	}
	if cfg.validate {
		if err := check("exponential", "rate", "> 0", rate, ErrParam, isPositive); err != nil {
			return nil, err
		}
	}
	e.k32, e.k64 = exponentialKernel[float32], exponentialKernel[float64]
	e.support, e.rule = isNonNegative, ">= 0" // torch 1.13: constraints.nonnegative
	return &Exponential{e}, nil
}

// Expand returns the exponentials broadcast to batch, sharing rate.
func (d *Exponential) Expand(batch []int) (Distribution, error) {
	e, err := d.expand(batch)
	if err != nil {
		return nil, err
	}
	return &Exponential{e}, nil
}

// Rate is the rate parameter, as given.
func (d *Exponential) Rate() *tensor.Dense { return d.params[0] }

// exponentialLogP is log p(x) given λ and log λ.
func exponentialLogP(x, rate, logRate float64) float64 {
	if x < 0 {
		return math.Inf(-1)
	}
	return logRate - rate*x
}

// exponentialKernel is Exponential's one numerical path; operands (out, x,
// rate).
func exponentialKernel[T tensor.Float](a *kargs[T]) {
	x, rt := a.in[0], a.in[1]
	for r := range a.p.RunsIn(a.lo, a.hi) {
		o, ox, ol, sx, sl := r.Off[0], r.Off[1], r.Off[2], r.Step[1], r.Step[2]
		if a.grad == nil {
			out := a.out[o : o+r.N]
			if sx == 1 && sl == 1 { // contiguous: slices drop the bounds checks
				xs, ls := x[ox:ox+len(out)], rt[ol:ol+len(out)]
				for i := range out {
					l := float64(ls[i])
					out[i] = T(exponentialLogP(float64(xs[i]), l, tensor.Log(l)))
				}
				continue
			}
			l := float64(rt[ol])
			logL := tensor.Log(l) // hoisted: one log per run when rate is broadcast
			for i := range out {
				if sl != 0 {
					l = float64(rt[ol+i*sl])
					logL = tensor.Log(l)
				}
				out[i] = T(exponentialLogP(float64(x[ox+i*sx]), l, logL))
			}
			continue
		}
		gx, gl := a.grad[0], a.grad[1]
		for i := range r.N {
			xv, l := float64(x[ox+i*sx]), float64(rt[ol+i*sl])
			lp := exponentialLogP(xv, l, tensor.Log(l))
			if a.out != nil {
				a.out[o+i] = T(lp)
			}
			w := a.weight(o + i)
			if w == 0 { // select, never multiply: a masked -Inf or NaN stays out
				continue
			}
			a.sum += w * lp
			if xv < 0 { // log p is the constant -Inf around x: flat
				continue
			}
			if gx != nil {
				gx[ox+i*sx] -= w * l
			}
			if gl != nil {
				gl[ol+i*sl] += w * (1/l - xv)
			}
		}
	}
}

// RSample draws sampleShape+BatchShape() values E/λ, E ~ Exp(1) from
// math/rand/v2's ziggurat (exact in distribution, unbounded tail);
// ∂x/∂λ = -x/λ.
func (d *Exponential) RSample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	if d.dtype == tensor.Float32 {
		return exponentialDraw[float32](d, src, sampleShape)
	}
	return exponentialDraw[float64](d, src, sampleShape)
}

// Sample is RSample for Exponential.
func (d *Exponential) Sample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	return d.RSample(src, sampleShape...)
}

func exponentialDraw[T tensor.Float](d *Exponential, src rand.Source, sampleShape []int) (*tensor.Dense, error) {
	return draw(&d.elementwise, src, sampleShape, func(r *rand.Rand, run shape.Run, dst []T, in [][]T) {
		rt, ol, sl := in[0], run.Off[1], run.Step[1]
		out := dst[run.Off[0] : run.Off[0]+run.N]
		for i := range out {
			out[i] = T(r.ExpFloat64() / float64(rt[ol+i*sl]))
		}
	})
}

// Mean is 1/λ.
func (d *Exponential) Mean() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return 1 / p[0] })
}

// Mode is 0.
func (d *Exponential) Mode() (*tensor.Dense, error) {
	return d.moment(func([]float64) float64 { return 0 })
}

// StdDev is 1/λ.
func (d *Exponential) StdDev() (*tensor.Dense, error) { return d.Mean() }

// Variance is 1/λ².
func (d *Exponential) Variance() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return 1 / (p[0] * p[0]) })
}

// Entropy is 1 - log λ.
func (d *Exponential) Entropy() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return 1 - tensor.Log(p[0]) })
}

// CDF is 1 - e^(-λx) = -expm1(-λx), accurate to full relative precision
// near 0 (where torch's 1 - exp(-λx) is too); 0 below the support.
func (d *Exponential) CDF(x Value) (*tensor.Dense, error) {
	return d.pointwise(x, "cdf", false, func(x float64, p []float64) float64 {
		if x < 0 {
			return 0
		}
		return -tensor.Expm1(-p[0] * x)
	})
}

// ICDF is the quantile function -log1p(-u)/λ: 0 at u = 0, +Inf at u = 1,
// NaN outside [0, 1] (reached only without validation).
func (d *Exponential) ICDF(u Value) (*tensor.Dense, error) {
	return d.pointwise(u, "icdf", true, func(u float64, p []float64) float64 {
		if u < 0 {
			return math.NaN()
		}
		return -tensor.Log1p(-u) / p[0]
	})
}

// String is a torch-style summary of the distribution, for logs and messages.
func (d *Exponential) String() string {
	return fmt.Sprintf("Exponential(batch_shape=%s)", shape.Format(d.batch))
}

func init() {
	RegisterShapes("Exponential", GenericShapes("exponential", map[string]int{"rate": 0}))
	Register("Exponential", func(s *Spec, opts ...Option) (Distribution, error) {
		if err := s.Known("rate"); err != nil {
			return nil, err
		}
		rate, ok, err := s.Tensor("rate")
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("exponential: rate is required: %w", ErrParam)
		}
		return NewExponential(rate, opts...)
	})
}
