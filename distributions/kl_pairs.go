package distributions

import (
	"math"

	"github.com/seed39ad66a2/tensordist/tensor"
)

// The registered pairs of torch 1.13's KL registry (torch.distributions.kl)
// between the scalar families and Categorical, one file per group of left
// families:
//
//	kl_pairs_real.go       Normal, HalfNormal, Cauchy, Laplace, Gumbel
//	kl_pairs_positive.go   Exponential, Gamma (and Chi2, its subclass), Pareto
//	kl_pairs_unit.go       Uniform, ContinuousBernoulli, Beta
//	kl_pairs_discrete.go   Bernoulli, Binomial, Categorical, Geometric, Poisson
//
// and, here, the pairs that are +Inf throughout, with the shared helpers.
// Each pair is torch's closed form, rearranged where torch's cancels: the
// divergences of nearby distributions are written as sums of terms that
// are each ≥ 0 or quadratic in the parameters' differences (klExpm1mx,
// klTerm, klBregman below), so that they keep their relative precision
// down to KL(p, p) = 0 exactly. KL is +Inf elementwise where q's support
// does not cover p's; the supports are compared as the mathematics has
// them (closed intervals, up to sets of measure 0), which differs from
// torch 1.13 only at exact ties of the bounds of ContinuousBernoulli‖Uniform
// and Uniform‖ContinuousBernoulli, where torch compares with ≥ and ≤ and
// gives +Inf, e.g. for KL(ContinuousBernoulli ‖ Uniform(0, 1)), which is
// finite. The always-+Inf pairs are torch's whatever the parameters (so
// also Poisson of rate 0, the point mass at 0, against a Bernoulli).

// klEulerGamma is the Euler–Mascheroni constant γ.
const klEulerGamma = gumbelEulerGamma

func init() {
	// Support mismatch: +Inf throughout, shaped the broadcast batch
	// (torch's _kl_{exponential,gamma,gumbel,laplace,normal,pareto,beta,
	// continuous_bernoulli,poisson}_infinity).
	klInfinite[*Exponential, *Beta]()
	klInfinite[*Exponential, *ContinuousBernoulli]()
	klInfinite[*Exponential, *Pareto]()
	klInfinite[*Exponential, *Uniform]()

	klInfinite[*Gamma, *Beta]()
	klInfinite[*Gamma, *ContinuousBernoulli]()
	klInfinite[*Gamma, *Pareto]()
	klInfinite[*Gamma, *Uniform]()

	klInfinite[*Gumbel, *Beta]()
	klInfinite[*Gumbel, *ContinuousBernoulli]()
	klInfinite[*Gumbel, *Exponential]()
	klInfinite[*Gumbel, *Gamma]()
	klInfinite[*Gumbel, *Pareto]()
	klInfinite[*Gumbel, *Uniform]()

	klInfinite[*Laplace, *Beta]()
	klInfinite[*Laplace, *ContinuousBernoulli]()
	klInfinite[*Laplace, *Exponential]()
	klInfinite[*Laplace, *Gamma]()
	klInfinite[*Laplace, *Pareto]()
	klInfinite[*Laplace, *Uniform]()

	klInfinite[*Normal, *Beta]()
	klInfinite[*Normal, *ContinuousBernoulli]()
	klInfinite[*Normal, *Exponential]()
	klInfinite[*Normal, *Gamma]()
	klInfinite[*Normal, *Pareto]()
	klInfinite[*Normal, *Uniform]()

	klInfinite[*Pareto, *Beta]()
	klInfinite[*Pareto, *ContinuousBernoulli]()
	klInfinite[*Pareto, *Uniform]()

	klInfinite[*Beta, *Pareto]()
	klInfinite[*ContinuousBernoulli, *Pareto]()

	klInfinite[*Poisson, *Bernoulli]()
	klInfinite[*Poisson, *Binomial]()
}

// klBody gives the pair helpers a scalar family's shared body.
func (e *elementwise) klBody() *elementwise { return e }

// klFamily is a scalar family: one built on the elementwise body.
type klFamily interface {
	Distribution
	klBody() *elementwise
}

// klPair registers f as KL(p ‖ q) of two scalar families: f gets the
// distributions and, at one element of the broadcast batch, their
// parameters in their names' order.
func klPair[P, Q klFamily](f func(p P, q Q, a, b []float64) float64) {
	RegisterKL(func(p P, q Q) (*tensor.Dense, error) {
		return klScalar(p.klBody(), q.klBody(), func(a, b []float64) float64 { return f(p, q, a, b) })
	})
}

// klInfinite registers a pair whose divergence is +Inf throughout: p's
// support is never inside q's.
func klInfinite[P, Q klFamily]() {
	klPair(func(P, Q, []float64, []float64) float64 { return math.Inf(1) })
}

// klInvFact are 1/n!, n = 0…20, for klExpm1mx's series.
var klInvFact = func() (c [21]float64) {
	c[0] = 1
	for n := 1; n < len(c); n++ {
		c[n] = c[n-1] / float64(n)
	}
	return c
}()

// klExpm1mx is e^z - 1 - z ≥ 0 with full relative precision: the Taylor
// series Σ z^n/n! from n = 2 for |z| < 1/2 (its terms fall below 1e-17 of
// the first by n = 20), else expm1(z) - z, which cancels by at most a
// factor 5 there. +Inf at z = ±Inf. The divergences of nearby
// distributions go through it: r - 1 - log r = klExpm1mx(log r).
func klExpm1mx(z float64) float64 {
	if math.Abs(z) < 0.5 {
		s := 0.0
		for n := len(klInvFact) - 1; n >= 2; n-- {
			s = s*z + klInvFact[n]
		}
		return s * z * z
	}
	if math.IsInf(z, 0) {
		return math.Inf(1)
	}
	return math.Expm1(z) - z
}

// klLogRatio is log(x/y) for x, y > 0: log1p((x-y)/y) where x and y are
// within a factor 2 (x-y is then exact), so that it keeps its relative
// precision as x/y tends to 1; log x - log y elsewhere.
func klLogRatio(x, y float64) float64 {
	if x >= y/2 && x <= 2*y {
		return math.Log1p((x - y) / y)
	}
	return tensor.Log(x) - tensor.Log(y)
}

// klTerm is p·log(p/q) - p + q ≥ 0, given p, q ≥ 0 and their logs lp, lq
// (which keep their precision where p or q underflows): q at p = 0, +Inf at
// q = 0 < p. Summed over a support on which p and q both sum to 1 it is
// KL(p ‖ q), term by term ≥ 0, so that the sum does not cancel. log(p/q)
// is log1p((p-q)/q) where p and q are within a factor 2, lp - lq elsewhere.
func klTerm(p, lp, q, lq float64) float64 {
	d := lp - lq
	if p >= q/2 && p <= 2*q {
		d = math.Log1p((p - q) / q)
	}
	return klTermD(p, q, d)
}

// klTermD is klTerm given d = log(p/q) computed by the caller:
// p·klExpm1mx(-d).
func klTermD(p, q, d float64) float64 {
	switch {
	case p == 0:
		return q
	case q == 0:
		return math.Inf(1)
	case d < -700: // q/p = e^-d would overflow; q ≫ p, nothing cancels
		return q - p + p*d
	}
	return p * klExpm1mx(-d)
}

// klGL are the nodes t and weights w of the 16-point Gauss–Legendre rule
// on [0, 1], from Newton's iteration on the Legendre polynomial P₁₆.
var klGL = func() (r struct{ t, w [16]float64 }) {
	const n = float64(len(r.t))
	for i := range len(r.t) / 2 {
		z, dp := math.Cos(math.Pi*(float64(i)+0.75)/(n+0.5)), 0.0
		for range 100 {
			p1, p2 := 1.0, 0.0
			for j := 1.0; j <= n; j++ {
				p1, p2 = ((2*j-1)*z*p1-(j-1)*p2)/j, p1
			}
			dp = n * (z*p1 - p2) / (z*z - 1)
			dz := p1 / dp
			z -= dz
			if math.Abs(dz) < 1e-17 {
				break
			}
		}
		w := 1 / ((1 - z*z) * dp * dp) // 2/((1-z²)P'²), halved for [0, 1]
		j := len(r.t) - 1 - i
		r.t[i], r.t[j] = (1-z)/2, (1+z)/2
		r.w[i], r.w[j] = w, w
	}
	return r
}()

// klBregman is F(x+d) - F(x) - d·F'(x) = d²·∫₀¹ (1-t)·f(x+td) dt, f the
// second derivative of F, by the 16-point Gauss–Legendre rule: the
// divergence of two nearby parameters without the cancellation of the
// three terms. The rule is exact to rounding when f is analytic in a disc
// around [x, x+d] of radius about |d| or more (the error falls like
// ρ^-32, ρ ≥ 5 there).
func klBregman(f func(float64) float64, x, d float64) float64 {
	s := 0.0
	for i, t := range klGL.t {
		s += klGL.w[i] * (1 - t) * f(x+t*d)
	}
	return d * d * s
}

// klLgammaBregman is B(x, d) = log Γ(x+d) - log Γ(x) - d·ψ(x) ≥ 0 (log Γ
// is convex), x, x+d > 0: klBregman of the trigamma function where
// |d| ≤ min(x, x+d)/2 (the poles of ψ₁ at 0, -1, … are then at least 2|d|
// away), the three terms elsewhere, where they cancel little. The
// divergences of the Gamma and Beta families are made of it, and
// log Γ(s) + γ(s-1) = B(1, s-1).
func klLgammaBregman(x, d float64) float64 {
	switch {
	case d == 0:
		return 0
	case math.Abs(d) <= min(x, x+d)/2:
		return klBregman(tensor.Trigamma, x, d)
	}
	return tensor.Lgamma(x+d) - tensor.Lgamma(x) - d*tensor.Digamma(x)
}

// klUniformMeanLog is E[log x] for x uniform on [l, h], 0 ≤ l < h:
// (h·log h - l·log l)/(h - l) - 1, written with r = (h-l)/l as
// log l + φ(r)/r, φ(r) = (1+r)·log1p(r) - r, which is
// (1+r)·klExpm1mx(-log1p(r)) for r < 1/2, so that it does not cancel as
// h tends to l, and (1 + 1/r)·log1p(r) - 1 for φ(r)/r elsewhere.
func klUniformMeanLog(l, h float64) float64 {
	switch {
	case l == 0:
		return tensor.Log(h) - 1
	case l == h:
		return tensor.Log(l)
	}
	r := (h - l) / l
	if r < 0.5 {
		return tensor.Log(l) + (1+r)*klExpm1mx(-math.Log1p(r))/r
	}
	return tensor.Log(l) + (1+1/r)*math.Log1p(r) - 1
}
