package distributions

import (
	"math"
)

// KL pairs whose left family lives on the real line: Normal, HalfNormal,
// Cauchy, Laplace, Gumbel (torch.distributions.kl).

func init() {
	klPair(klNormalNormal)
	klPair(klNormalGumbel)
	klPair(klNormalLaplace)
	klPair(klHalfNormalHalfNormal)
	klPair(klCauchyCauchy)
	klPair(klLaplaceLaplace)
	klPair(klLaplaceNormal)
	klPair(klGumbelGumbel)
	klPair(klGumbelNormal)
}

// klHalfLogPiOver2 is ½·log(π/2).
const klHalfLogPiOver2 = 0.225791352644727432363097614947441071785897000402620629

// klNormalNormal is torch's _kl_normal_normal,
//
//	KL = ½(r² - 1 - log r² + t²),   r = σp/σq,  t = (μp-μq)/σq,
//
// with r² - 1 - log r² = klExpm1mx(2·log r).
func klNormalNormal(_, _ *Normal, p, q []float64) float64 {
	t := (p[0] - q[0]) / q[1]
	return 0.5 * (klExpm1mx(2*klLogRatio(p[1], q[1])) + t*t)
}

// klHalfNormalHalfNormal is torch's _kl_halfnormal_halfnormal, the normals'
// divergence at loc 0: ½·(r² - 1 - log r²), r = σp/σq.
func klHalfNormalHalfNormal(_, _ *HalfNormal, p, q []float64) float64 {
	return 0.5 * klExpm1mx(2*klLogRatio(p[0], q[0]))
}

// klNormalGumbel is torch's _kl_normal_gumbel: with r = σ/β,
// d = (μ-μq)/β and w = r²/2 - d,
//
//	KL = -log r + d + e^w - ½(1 + log 2π)
//	   = klExpm1mx(w) + ½·klExpm1mx(2·log r) + 1 - ½·log 2π,
//
// a sum of terms ≥ 0 and the constant 0.081.
func klNormalGumbel(_ *Normal, _ *Gumbel, p, q []float64) float64 {
	r := p[1] / q[1]
	w := r*r/2 - (p[0]-q[0])/q[1]
	return klExpm1mx(w) + 0.5*klExpm1mx(2*klLogRatio(p[1], q[1])) + 1 - halfLog2Pi
}

// klNormalLaplace is torch's _kl_normal_laplace: with δ = |μ-μq|/σ,
//
//	KL = -log(σ/b) + E|x-μq|/b - ½(1 + log(π/2)),
//	E|x-μq| = σ(√(2/π)·e^(-δ²/2) + δ·erf(δ/√2)).
func klNormalLaplace(_ *Normal, _ *Laplace, p, q []float64) float64 {
	d := math.Abs(p[0]-q[0]) / p[1]
	e := p[1] * (halfNormalSqrt2Pi*math.Exp(-d*d/2) + d*math.Erf(d/math.Sqrt2))
	return -klLogRatio(p[1], q[1]) + e/q[1] - 0.5 - klHalfLogPiOver2
}

// klCauchyCauchy is torch's _kl_cauchy_cauchy (Chyzak & Nielsen 2019),
//
//	KL = log(((σp+σq)² + (μp-μq)²) / (4σpσq))
//	   = log1p(((σp-σq)² + (μp-μq)²) / (4σpσq)),
//
// the second form exact as p tends to q.
func klCauchyCauchy(_, _ *Cauchy, p, q []float64) float64 {
	h := math.Hypot(p[1]-q[1], p[0]-q[0]) / (2 * math.Sqrt(p[1]) * math.Sqrt(q[1]))
	return math.Log1p(h * h)
}

// klLaplaceLaplace is torch's _kl_laplace_laplace (Gil 2011): with
// s = bp/bq and v = |μp-μq|/bp,
//
//	KL = -log s + |μp-μq|/bq + s·e^(-v) - 1
//	   = klExpm1mx(log s) + s·klExpm1mx(-v).
func klLaplaceLaplace(_, _ *Laplace, p, q []float64) float64 {
	s := p[1] / q[1]
	return klExpm1mx(klLogRatio(p[1], q[1])) + s*klExpm1mx(-math.Abs(p[0]-q[0])/p[1])
}

// klLaplaceNormal is torch's _kl_laplace_normal: with r = b/σ,
//
//	KL = -log r - ½·log(2/π) + r² + (μ-μq)²/(2σ²) - 1.
func klLaplaceNormal(_ *Laplace, _ *Normal, p, q []float64) float64 {
	r := p[1] / q[1]
	t := (p[0] - q[0]) / q[1]
	return -klLogRatio(p[1], q[1]) + klHalfLogPiOver2 + r*r + t*t/2 - 1
}

// klGumbelGumbel is torch's _kl_gumbel_gumbel: with s = βp/βq and
// d = (μp-μq)/βq,
//
//	KL = -log s + d + γ(s-1) + e^(-d)·Γ(1+s) - 1
//	   = B(1, s-1) + klExpm1mx(log Γ(1+s) - d),
//
// both terms ≥ 0: B(1, s-1) = log Γ(s) + γ(s-1) (klLgammaBregman), and
// log Γ(1+s) = B(2, s-1) + (1-γ)(s-1) (ψ(2) = 1-γ), all from
// s-1 = (βp-βq)/βq, which keeps its precision as s tends to 1.
func klGumbelGumbel(_, _ *Gumbel, p, q []float64) float64 {
	e := (p[1] - q[1]) / q[1]
	d := (p[0] - q[0]) / q[1]
	return klLgammaBregman(1, e) + klExpm1mx(klLgammaBregman(2, e)+(1-klEulerGamma)*e-d)
}

// klGumbelNormal is torch's _kl_gumbel_normal: E[x] = μ + βγ and
// Var[x] = π²β²/6 give, with r = β/σ,
//
//	KL = -log r + ½·log 2π - γ - 1 + π²r²/12 + ((μ + βγ - μq)/σ)²/2.
func klGumbelNormal(_ *Gumbel, _ *Normal, p, q []float64) float64 {
	r := p[1] / q[1]
	t := (p[0] + p[1]*klEulerGamma - q[0]) / q[1]
	return -klLogRatio(p[1], q[1]) + halfLog2Pi - klEulerGamma - 1 + math.Pi*math.Pi*r*r/12 + t*t/2
}
