package distributions

import (
	"fmt"
	"math"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Beta is a batch of beta distributions on [0, 1], concentrations α₁
// (Concentration1) and α₀ (Concentration0) broadcast together:
//
//	log p(x) = (α₁-1)·log x + (α₀-1)·log(1-x) - log B(α₁, α₀)
//	∂/∂x = (α₁-1)/x - (α₀-1)/(1-x)
//	∂/∂α₁ = log x - ψ(α₁) + ψ(α₁+α₀)    ∂/∂α₀ = log(1-x) - ψ(α₀) + ψ(α₁+α₀)
//
// with 0·log 0 = 0 (torch's xlogy), so that the density at the boundary
// is its limit: Beta(1, 1) scores 0 at x = 0 and x = 1, α₁ < 1 scores +Inf
// at 0 and α₁ > 1 scores -Inf (torch 1.13 gives NaN at both boundaries;
// outside [0, 1], unvalidated, the density is 0 and log p = -Inf).
//
// Beta is reparameterised: x = X/(X+Y) with X ~ Gamma(α₁), Y ~ Gamma(α₀)
// (torch: the first coordinate of Dirichlet([α₁, α₀])), whose pathwise
// gradient is the implicit one, ∂x/∂α = -(∂I_x(α₁, α₀)/∂α)/p(x)
// (Figurnov, Mohamed & Mnih, "Implicit reparameterization gradients",
// NeurIPS 2018), I the regularized incomplete beta function, the CDF.
//
// LogProb keeps log B(α₁, α₀) from its first call (the concentrations are
// never written). It sums in float64; for float32 values log x and
// log(1-x) are the float32 kernels', within an ulp (2 for log1p), so that
// log p is within 2^-22·(|(α₁-1)·log x| + |(α₀-1)·log(1-x)|) of the
// float64 path's plus its own rounding.
type Beta struct{ elementwise }

// NewBeta returns the beta distributions with concentrations
// concentration1 (α₁, of x) and concentration0 (α₀, of 1-x), torch's
// argument order, which must broadcast and share a floating dtype; when
// validating, both are > 0.
func NewBeta(concentration1, concentration0 *tensor.Dense, opts ...Option) (*Beta, error) {
	cfg := newConfig(opts)
	e, err := newElementwise("beta", []string{"concentration1", "concentration0"}, []*tensor.Dense{concentration1, concentration0}, cfg)
	if err != nil {
		return nil, err
	}
	if cfg.validate {
		if err := check("beta", "concentration1", "> 0", concentration1, ErrParam, isPositive); err != nil {
			return nil, err
		}
		if err := check("beta", "concentration0", "> 0", concentration0, ErrParam, isPositive); err != nil {
			return nil, err
		}
	}
	e.k32, e.k64 = betaKernels(concentration1, concentration0)
	e.support, e.rule = isUnit, "in [0, 1]" // torch: constraints.unit_interval, closed
	return &Beta{e}, nil
}

// Expand returns the betas broadcast to batch, sharing the concentrations.
func (d *Beta) Expand(batch []int) (Distribution, error) {
	e, err := d.expand(batch)
	if err != nil {
		return nil, err
	}
	return &Beta{e}, nil
}

// Concentration1 is α₁, the concentration of x, as given.
func (d *Beta) Concentration1() *tensor.Dense { return d.params[0] }

// Concentration0 is α₀, the concentration of 1-x, as given.
func (d *Beta) Concentration0() *tensor.Dense { return d.params[1] }

// betaStirlingMin is the smallest concentration pair (both at least this)
// for which betaLogProb takes tensor.BetaLogPDF's form.
const betaStirlingMin = 10

// betaLogProb is log p(x) for 0 ≤ x ≤ 1 given lb = log B(α₁, α₀) (-Inf
// outside); for min(α₁, α₀) ≥ 10 it is tensor.BetaLogPDF, whose Stirling
// form avoids the cancellation of (α-1)·log x against log B (5e-12
// relative at α₁ = α₀ = 1e5 in the plain sum).
func betaLogProb(x, a1, a0, lb float64) float64 {
	if !(x >= 0 && x <= 1) {
		if x != x {
			return x
		}
		return math.Inf(-1)
	}
	if min(a1, a0) >= betaStirlingMin {
		return tensor.BetaLogPDF(a1, a0, x)
	}
	return tensor.XLogY(a1-1, x) + tensor.XLog1pY(a0-1, -x) - lb
}

// betaKernel is Beta's one numerical path; operands (out, x,
// concentration1, concentration0). Without gradients it takes log B from c
// and the logs of x and 1-x from tensor.LogSlice and Log1pSlice, logChunk
// elements at a time (betaValues). With them it is a scalar loop in
// float64, where log B and the digammas are computed once per distinct
// pair of concentrations in a run (once in all when they are broadcast).
func betaKernel[T tensor.Float](a *kargs[T], c *betaConsts) {
	if a.grad == nil {
		lb := c.logB()
		for r := range a.p.RunsIn(a.lo, a.hi) {
			for j := 0; j < r.N; j += logChunk {
				betaValues(a, r, j, min(logChunk, r.N-j), lb, c.by)
			}
		}
		return
	}
	x, c1, c0 := a.in[0], a.in[1], a.in[2]
	a1, a0, lb := math.NaN(), math.NaN(), math.NaN()
	q1, q0 := math.NaN(), math.NaN() // the concentrations of psi1, psi0:
	var psi1, psi0 float64           // ψ(α₁+α₀) - ψ(α₁), ψ(α₁+α₀) - ψ(α₀)
	for r := range a.p.RunsIn(a.lo, a.hi) {
		o, ox, o1, o0 := r.Off[0], r.Off[1], r.Off[2], r.Off[3]
		sx, s1, s0 := r.Step[1], r.Step[2], r.Step[3]
		for i := range r.N {
			xv, p1, p0 := float64(x[ox+i*sx]), float64(c1[o1+i*s1]), float64(c0[o0+i*s0])
			if p1 != a1 || p0 != a0 { // NaN never equals: recomputed
				a1, a0, lb = p1, p0, tensor.Lbeta(p1, p0)
			}
			var lp, lx, l1 float64 // log p, log x, log(1-x)
			if xv > 0 && xv < 1 && min(a1, a0) < betaStirlingMin {
				// betaLogProb's XLogY and XLog1pY terms, equal to these
				// products where both logs are finite; the logs serve the
				// concentrations' partials below.
				lx, l1 = tensor.Log(xv), math.Log1p(-xv)
				lp = (a1-1)*lx + (a0-1)*l1 - lb
			} else {
				lp = betaLogProb(xv, a1, a0, lb)
				lx, l1 = tensor.Log(xv), math.Log1p(-xv)
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
			if q1 != a1 || q0 != a0 {
				q1, q0 = a1, a0
				psiS := tensor.Digamma(a1 + a0)
				psi1, psi0 = psiS-tensor.Digamma(a1), psiS-tensor.Digamma(a0)
			}
			a.sum += w * lp
			if g := a.grad[0]; g != nil {
				var dx float64
				if a1 != 1 {
					dx = (a1 - 1) / xv
				}
				if a0 != 1 {
					dx -= (a0 - 1) / (1 - xv)
				}
				g[ox+i*sx] += w * dx
			}
			if g := a.grad[1]; g != nil {
				g[o1+i*s1] += w * (lx + psi1)
			}
			if g := a.grad[2]; g != nil {
				g[o0+i*s0] += w * (l1 + psi0)
			}
		}
	}
}

// RSampleVJP gives ∂L/∂α = Σ g·∂x/∂α for draws x of RSample, with the
// implicit gradient ∂x/∂α = -(∂I_x(α₁, α₀)/∂α)/p(x), formed without log B
// or p(x) itself (tensor.BetaImplicitGrad), so it stays finite where the
// density under- or overflows. At x = 0 and x = 1 (a draw that
// underflowed) the gradient is taken as 0 (betaPartials). Where neither
// parameter broadcasts the terms are written directly
// (implicitPathwiseFlat).
func (d *Beta) RSampleVJP(x, upstream Value) (map[string]*tensor.Dense, error) {
	return d.implicitRSampleVJP(x, upstream, betaPartials)
}

// Mean is α₁/(α₁+α₀).
func (d *Beta) Mean() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return p[0] / (p[0] + p[1]) })
}

// Variance is α₁α₀/((α₁+α₀)²(α₁+α₀+1)).
func (d *Beta) Variance() (*tensor.Dense, error) {
	return d.moment(betaVariance)
}

func betaVariance(p []float64) float64 {
	s := p[0] + p[1]
	return (p[0] / s) * (p[1] / s) / (s + 1) // quotients first: no overflow of α₁α₀
}

// StdDev is the square root of the variance.
func (d *Beta) StdDev() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return math.Sqrt(betaVariance(p)) })
}

// Mode is torch 1.13's, that of Dirichlet([α₁, α₀]): (α₁-1)₊/((α₁-1)₊ +
// (α₀-1)₊), so NaN where both concentrations are ≤ 1 and one of them is 1
// (0/0: Beta(1, 1) is flat), 0 or 1 where one is below 1 and the other
// above; where both are below 1 the density is infinite at both ends and
// torch's one-hot of the argmax of that NaN pair picks its first
// coordinate: 1.
func (d *Beta) Mode() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 {
		a1, a0 := p[0], p[1]
		if a1 < 1 && a0 < 1 {
			return 1
		}
		m1, m0 := max(a1-1, 0), max(a0-1, 0)
		return m1 / (m1 + m0)
	})
}

// Entropy is log B(α₁, α₀) - (α₁-1)ψ(α₁) - (α₀-1)ψ(α₀) + (α₁+α₀-2)ψ(α₁+α₀).
func (d *Beta) Entropy() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 {
		a1, a0 := p[0], p[1]
		s := a1 + a0
		return tensor.Lbeta(a1, a0) - (a1-1)*tensor.Digamma(a1) - (a0-1)*tensor.Digamma(a0) + (s-2)*tensor.Digamma(s)
	})
}

// ConjugateUpdate is Pyro's Beta.conjugate_update(other) for other a Beta:
// the product of the two densities is Beta(α₁+α₁'-1, α₀+α₀'-1) up to the
// log normaliser c = A(f) + A(g) - A(fg), A = -log B(α₁, α₀) (the log of
// the density's constant factor), all shaped the broadcast of the two
// batch shapes. The update is validated as f is; its concentrations must
// then be > 0.
func (d *Beta) ConjugateUpdate(other Distribution) (Distribution, *tensor.Dense, error) {
	g, ok := other.(*Beta)
	if !ok {
		return nil, nil, fmt.Errorf("beta: conjugate_update with %T: %w", other, ErrUnsupported)
	}
	if g.dtype != d.dtype {
		return nil, nil, fmt.Errorf("beta: conjugate_update of %v with %v: %w", d.dtype, g.dtype, ErrDType)
	}
	batch, err := shape.Broadcast(d.batch, g.batch)
	if err != nil {
		return nil, nil, fmt.Errorf("beta: conjugate_update: %w", err)
	}
	if d.dtype == tensor.Float32 {
		return betaConjugate[float32](d, g, batch)
	}
	return betaConjugate[float64](d, g, batch)
}

func betaConjugate[T tensor.Float](f, g *Beta, batch []int) (Distribution, *tensor.Dense, error) {
	ps := make([][]T, 4)
	for i, p := range []*tensor.Dense{f.params[0], f.params[1], g.params[0], g.params[1]} {
		b, err := tensor.BroadcastTo[T](p, batch)
		if err != nil {
			return nil, nil, fmt.Errorf("beta: conjugate_update: %w", err)
		}
		ps[i], _ = tensor.Floats[T](b)
	}
	c1t, c1 := tensor.Alloc[T](batch)
	c0t, c0 := tensor.Alloc[T](batch)
	ct, c := tensor.Alloc[T](batch)
	for i := range c1 {
		f1, f0, g1, g0 := float64(ps[0][i]), float64(ps[1][i]), float64(ps[2][i]), float64(ps[3][i])
		u1, u0 := f1+g1-1, f0+g0-1
		c1[i], c0[i] = T(u1), T(u0)
		c[i] = T(tensor.Lbeta(u1, u0) - tensor.Lbeta(f1, f0) - tensor.Lbeta(g1, g0))
	}
	fg, err := NewBeta(c1t, c0t, WithValidation(f.validate))
	if err != nil {
		return nil, nil, fmt.Errorf("beta: conjugate_update: %w", err)
	}
	return fg, ct, nil
}

// String is a torch-style summary of the distribution, for logs and messages.
func (d *Beta) String() string {
	return fmt.Sprintf("Beta(batch_shape=%s)", shape.Format(d.batch))
}

func init() {
	RegisterShapes("Beta", GenericShapes("beta", map[string]int{"concentration1": 0, "concentration0": 0}))
	Register("Beta", func(s *Spec, opts ...Option) (Distribution, error) {
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
			return nil, fmt.Errorf("beta: concentration1 and concentration0 are required: %w", ErrParam)
		}
		return NewBeta(c1, c0, opts...)
	})
}
