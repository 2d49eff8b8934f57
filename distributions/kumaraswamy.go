package distributions

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Kumaraswamy is a batch of Kumaraswamy distributions on [0, 1],
// concentrations a (Concentration1) and b (Concentration0) broadcast
// together, with CDF F(x) = 1 - (1-x^a)^b. With t = a·log x (so x^a = e^t):
//
//	log p(x) = log a + log b + (a-1)·log x + (b-1)·log(1-x^a)
//	∂/∂x = ((a-1) - (b-1)·a·r)/x,  r = x^a/(1-x^a) = 1/expm1(-t)
//	∂/∂a = 1/a + log x - (b-1)·r·log x    ∂/∂b = 1/b + log(1-x^a)
//
// where log(1-x^a) is log1p(-e^t) or log(-expm1(t)), whichever keeps its
// precision (x near 0 or near 1), and 0·log 0 = 0 at the boundaries, as
// for Beta (torch 1.13's transforms give NaN there).
//
// Kumaraswamy is reparameterised: x = (1 - U^(1/b))^(1/a), U ~ U(0, 1)
// (torch's TransformedDistribution of Uniform(0, 1) through
// PowerTransform(1/b), AffineTransform(1, -1) and PowerTransform(1/a)).
type Kumaraswamy struct{ elementwise }

// NewKumaraswamy returns the Kumaraswamy distributions with concentrations
// concentration1 (a) and concentration0 (b), torch's argument order, which
// must broadcast and share a floating dtype; when validating, both are > 0.
func NewKumaraswamy(concentration1, concentration0 *tensor.Dense, opts ...Option) (*Kumaraswamy, error) {
	cfg := newConfig(opts)
	e, err := newElementwise("kumaraswamy", []string{"concentration1", "concentration0"}, []*tensor.Dense{concentration1, concentration0}, cfg)
	if err != nil {
		return nil, err
	}
	if cfg.validate {
		if err := check("kumaraswamy", "concentration1", "> 0", concentration1, ErrParam, isPositive); err != nil {
			return nil, err
		}
		if err := check("kumaraswamy", "concentration0", "> 0", concentration0, ErrParam, isPositive); err != nil {
			return nil, err
		}
	}
	e.k32, e.k64 = kumaraswamyKernel[float32], kumaraswamyKernel[float64]
	e.support, e.rule = isUnit, "in [0, 1]" // torch: constraints.unit_interval
	return &Kumaraswamy{e}, nil
}

// Expand returns the distributions broadcast to batch, sharing the
// concentrations.
func (d *Kumaraswamy) Expand(batch []int) (Distribution, error) {
	e, err := d.expand(batch)
	if err != nil {
		return nil, err
	}
	return &Kumaraswamy{e}, nil
}

// Concentration1 is a, the exponent of x, as given.
func (d *Kumaraswamy) Concentration1() *tensor.Dense { return d.params[0] }

// Concentration0 is b, the exponent of 1-x^a, as given.
func (d *Kumaraswamy) Concentration0() *tensor.Dense { return d.params[1] }

// kumaraswamyLog1mPow returns log(1-x^a) for 0 ≤ x ≤ 1 given t = a·log x:
// where x^a < 1/2 it is log1p(-x^a) with x^a from math.Pow, whose error
// does not grow with |t| as exp(t)'s does (the rounding of t costs |t|·ε,
// 1e-13 at t = -460); near x^a = 1 it is log(-expm1(t)), t being small and
// exact to its last bits there (Mächler, "Accurately computing
// log(1 - exp(-|a|))", 2012). It is 0 at x = 0 and -Inf at x = 1.
func kumaraswamyLog1mPow(x, a, t float64) float64 {
	if t < -math.Ln2 {
		return math.Log1p(-math.Pow(x, a))
	}
	return tensor.Log(-math.Expm1(t))
}

// kumaraswamyKernel is Kumaraswamy's one numerical path; operands (out, x,
// concentration1, concentration0).
func kumaraswamyKernel[T tensor.Float](a *kargs[T]) {
	x, c1, c0 := a.in[0], a.in[1], a.in[2]
	pa, pb, logAB := math.NaN(), math.NaN(), math.NaN()
	for r := range a.p.RunsIn(a.lo, a.hi) {
		o, ox, o1, o0 := r.Off[0], r.Off[1], r.Off[2], r.Off[3]
		sx, s1, s0 := r.Step[1], r.Step[2], r.Step[3]
		for i := range r.N {
			xv, ka, kb := float64(x[ox+i*sx]), float64(c1[o1+i*s1]), float64(c0[o0+i*s0])
			if ka != pa || kb != pb { // hoisted while the concentrations repeat
				pa, pb, logAB = ka, kb, tensor.Log(ka)+tensor.Log(kb)
			}
			lx := tensor.Log(xv)
			t := ka * lx
			// log(1 - x^a): here e^t's error |t|·ε enters as (b-1)·x^a·|t|·ε ≤
			// |b-1|·ε/e absolute, so the kernel spares math.Pow.
			var l1m float64
			if t < -math.Ln2 {
				l1m = math.Log1p(-math.Exp(t))
			} else {
				l1m = tensor.Log(-math.Expm1(t))
			}
			lp := logAB
			if ka != 1 { // 0·log 0 = 0, as torch's xlogy
				lp += (ka - 1) * lx
			}
			if kb != 1 {
				lp += (kb - 1) * l1m
			}
			switch {
			case xv != xv:
				lp = xv
			case xv < 0 || xv > 1:
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
			// r·log x = -(u/expm1(u))/a with u = -t ≥ 0: finite at x = 1 (-1/a).
			var rlx float64
			if u := -t; u == 0 {
				rlx = -1 / ka
			} else if !math.IsInf(u, 1) {
				rlx = -(u / math.Expm1(u)) / ka
			}
			if g := a.grad[0]; g != nil {
				var dx float64
				if ka != 1 {
					dx = (ka - 1) / xv
				}
				if kb != 1 {
					dx -= (kb - 1) * ka / (math.Expm1(-t) * xv)
				}
				g[ox+i*sx] += w * dx
			}
			if g := a.grad[1]; g != nil {
				da := 1/ka + lx
				if kb != 1 {
					da -= (kb - 1) * rlx
				}
				g[o1+i*s1] += w * da
			}
			if g := a.grad[2]; g != nil {
				g[o0+i*s0] += w * (1/kb + l1m)
			}
		}
	}
}

// RSample draws sampleShape+BatchShape() values (1 - U^(1/b))^(1/a), formed
// by kumaraswamyFromLogU so that neither 1 - U^(1/b) nor the power loses
// precision near 0 or 1; U from gumbelUniform, never 0 or 1.
func (d *Kumaraswamy) RSample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	if d.dtype == tensor.Float32 {
		return kumaraswamyDraw[float32](d, src, sampleShape)
	}
	return kumaraswamyDraw[float64](d, src, sampleShape)
}

// Sample is RSample for Kumaraswamy.
func (d *Kumaraswamy) Sample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	return d.RSample(src, sampleShape...)
}

func kumaraswamyDraw[T tensor.Float](d *Kumaraswamy, src rand.Source, sampleShape []int) (*tensor.Dense, error) {
	return draw(&d.elementwise, src, sampleShape, func(r *rand.Rand, run shape.Run, dst []T, in [][]T) {
		c1, c0 := in[0], in[1]
		for i := range run.N {
			ka, kb := float64(c1[run.Off[1]+i*run.Step[1]]), float64(c0[run.Off[2]+i*run.Step[2]])
			dst[run.Off[0]+i] = T(kumaraswamyFromLogU(math.Log(gumbelUniform(r)), ka, kb))
		}
	})
}

// RSampleVJP gives ∂L/∂θ = Σ g·∂x/∂θ for draws x of RSample, at fixed U:
// ∂x/∂a = -x·log x/a and ∂x/∂b = x·expm1(-t)·log(1-x^a)/(ab), t = a·log x
// (from x^a = 1 - U^(1/b)); 0 at x = 0 and x = 1.
func (d *Kumaraswamy) RSampleVJP(x, upstream Value) (map[string]*tensor.Dense, error) {
	return d.pathwise(x, upstream, func(x float64, p, dp []float64) {
		dp[0], dp[1] = 0, 0
		if !(x > 0 && x < 1) {
			return
		}
		ka, kb := p[0], p[1]
		lx := tensor.Log(x)
		t := ka * lx
		dp[0] = -x * lx / ka
		dp[1] = x * math.Expm1(-t) * kumaraswamyLog1mPow(x, ka, t) / (ka * kb)
	})
}

// kumaraswamyMoment is torch's _moments: E[x^n] = b·B(1+n/a, b).
func kumaraswamyMoment(a, b, n float64) float64 {
	return b * math.Exp(tensor.Lbeta(1+n/a, b))
}

// Mean is b·B(1+1/a, b).
func (d *Kumaraswamy) Mean() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return kumaraswamyMoment(p[0], p[1], 1) })
}

// Variance is b·B(1+2/a, b) - (b·B(1+1/a, b))², torch's formula.
func (d *Kumaraswamy) Variance() (*tensor.Dense, error) {
	return d.moment(kumaraswamyVariance)
}

func kumaraswamyVariance(p []float64) float64 {
	m1 := kumaraswamyMoment(p[0], p[1], 1)
	return kumaraswamyMoment(p[0], p[1], 2) - m1*m1
}

// StdDev is the square root of the variance.
func (d *Kumaraswamy) StdDev() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return math.Sqrt(kumaraswamyVariance(p)) })
}

// Mode is NaN everywhere, torch 1.13's value: its formula
// exp((1/b)·log1p(-b) - log1p(-ab)), NaN where a < 1 or b < 1, takes the
// log of the negative 1-b for b > 1 and gives -Inf - -Inf or a NaN log at
// b = 1, so no valid concentrations escape NaN. (The true mode is
// ((a-1)/(ab-1))^(1/a) for a, b ≥ 1 and not both 1.)
func (d *Kumaraswamy) Mode() (*tensor.Dense, error) {
	return d.moment(func([]float64) float64 { return math.NaN() })
}

// Entropy is (1-1/b) + (1-1/a)·H_b - log a - log b, H_b = ψ(b+1) + γ the
// harmonic number (Jones, "Kumaraswamy's distribution: a beta-type
// distribution with some tractability advantages", Stat. Methodology 6,
// 2009).
func (d *Kumaraswamy) Entropy() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 {
		a, b := p[0], p[1]
		h := tensor.Digamma(b+1) + gumbelEulerGamma
		return (1 - 1/b) + (1-1/a)*h - tensor.Log(a) - tensor.Log(b)
	})
}

// CDF is 1 - (1-x^a)^b, as -expm1(b·log(1-x^a)) so that the left tail
// keeps its relative precision; 0 at x ≤ 0 and 1 at x ≥ 1.
func (d *Kumaraswamy) CDF(x Value) (*tensor.Dense, error) {
	return d.pointwise(x, "cdf", false, func(x float64, p []float64) float64 {
		switch {
		case x <= 0:
			return 0
		case x >= 1:
			return 1
		}
		return -math.Expm1(p[1] * kumaraswamyLog1mPow(x, p[0], p[0]*tensor.Log(x)))
	})
}

// ICDF is the quantile function (1 - (1-u)^(1/b))^(1/a), exact in both
// tails: with v = log1p(-u)/b and w = 1 - e^v, it is w^(1/a) by math.Pow
// where w < 1/2 (small u) and exp(log1p(-e^v)/a) near 1; 0 at u = 0, 1 at
// u = 1.
func (d *Kumaraswamy) ICDF(u Value) (*tensor.Dense, error) {
	return d.pointwise(u, "icdf", true, func(u float64, p []float64) float64 {
		return kumaraswamyFromLogU(math.Log1p(-u), p[0], p[1])
	})
}

// kumaraswamyFromLogU returns (1 - e^(lu/b))^(1/a) for lu ≤ 0 (the log of
// 1-u in ICDF, of U in RSample): with v = lu/b and w = 1 - e^v, w^(1/a) by
// math.Pow where w < 1/2, exp(log1p(-e^v)/a) near 1.
func kumaraswamyFromLogU(lu, a, b float64) float64 {
	v := lu / b
	if v > -math.Ln2 {
		return math.Pow(-math.Expm1(v), 1/a)
	}
	return math.Exp(math.Log1p(-math.Exp(v)) / a)
}

// String is a torch-style summary of the distribution, for logs and messages.
func (d *Kumaraswamy) String() string {
	return fmt.Sprintf("Kumaraswamy(batch_shape=%s)", shape.Format(d.batch))
}

func init() {
	RegisterShapes("Kumaraswamy", GenericShapes("kumaraswamy", map[string]int{"concentration1": 0, "concentration0": 0}))
	Register("Kumaraswamy", func(s *Spec, opts ...Option) (Distribution, error) {
		if err := s.Known("concentration1", "concentration0"); err != nil {
			return nil, err
		}
		c1, ok1, err := s.Tensor("concentration1")
		if err != nil {
			return nil, err
		}
		c0, ok0, err := s.Tensor("concentration0")
		if err != nil {
			return nil, err
		}
		if !ok1 || !ok0 {
			return nil, fmt.Errorf("kumaraswamy: concentration1 and concentration0 are required: %w", ErrParam)
		}
		return NewKumaraswamy(c1, c0, opts...)
	})
}
