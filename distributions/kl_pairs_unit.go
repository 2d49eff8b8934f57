package distributions

import (
	"math"

	"github.com/seed39ad66a2/tensordist/tensor"
)

// KL pairs whose left family lives on an interval: Uniform,
// ContinuousBernoulli, Beta (torch.distributions.kl). Uniform's parameters
// are (low l, high h), Beta's (concentration1 a, concentration0 b).

func init() {
	klPair(klUniformUniform)
	klPair(klUniformBeta)
	klPair(klUniformContinuousBernoulli)
	klPair(klUniformExponential)
	klPair(klUniformGamma)
	klPair(klUniformGumbel)
	klPair(klUniformNormal)
	klPair(klUniformPareto)
	klPair(klContinuousBernoulliContinuousBernoulli)
	klPair(klContinuousBernoulliExponential)
	klPair(klContinuousBernoulliNormal)
	klPair(klContinuousBernoulliUniform)
	klPair(klBetaBeta)
	klPair(klBetaContinuousBernoulli)
	klPair(klBetaExponential)
	klPair(klBetaGamma)
	klPair(klBetaNormal)
	klPair(klBetaUniform)
}

// klUniformUniform is torch's _kl_uniform_uniform, +Inf where q's interval
// does not contain p's: log((hq-lq)/(hp-lp)), as log1p of the
// non-negative excess ((hq-hp) + (lp-lq))/(hp-lp).
func klUniformUniform(_, _ *Uniform, p, q []float64) float64 {
	if q[0] > p[0] || q[1] < p[1] {
		return math.Inf(1)
	}
	return math.Log1p(((q[1] - p[1]) + (p[0] - q[0])) / (p[1] - p[0]))
}

// klUniformBeta is torch's _kl_uniform_beta, +Inf where [l, h] leaves
// [0, 1]: -log(h-l) + log B(a, b) - (a-1)E[log x] - (b-1)E[log(1-x)].
func klUniformBeta(_ *Uniform, _ *Beta, p, q []float64) float64 {
	l, h, a, b := p[0], p[1], q[0], q[1]
	if l < 0 || h > 1 {
		return math.Inf(1)
	}
	t := -tensor.Log(h-l) + tensor.Lbeta(a, b)
	if a != 1 {
		t -= (a - 1) * klUniformMeanLog(l, h)
	}
	if b != 1 {
		t -= (b - 1) * klUniformMeanLog(1-h, 1-l)
	}
	return t
}

// klUniformContinuousBernoulli is torch's
// _kl_uniform_continuous_bernoulli, +Inf where [l, h] leaves [0, 1]:
// -log(h-l) - E[log q(x)], E[x] = (l+h)/2.
func klUniformContinuousBernoulli(_ *Uniform, q *ContinuousBernoulli, p, b []float64) float64 {
	l, h := p[0], p[1]
	if l < 0 || h > 1 {
		return math.Inf(1)
	}
	return -tensor.Log(h-l) - klCBMeanLogProb(q.ell(b[0]), (l+h)/2)
}

// klUniformExponential is torch's _kl_uniform_exponetial [sic], +Inf where
// l < 0: λ(l+h)/2 - log((h-l)λ).
func klUniformExponential(_ *Uniform, _ *Exponential, p, q []float64) float64 {
	l, h, r := p[0], p[1], q[0]
	if l < 0 {
		return math.Inf(1)
	}
	return r*(l+h)/2 - tensor.Log(h-l) - tensor.Log(r)
}

// klUniformGamma is torch's _kl_uniform_gamma, +Inf where l < 0:
// -log(h-l) - α·log β + log Γ(α) - (α-1)E[log x] + β(l+h)/2.
func klUniformGamma(_ *Uniform, _ *Gamma, p, q []float64) float64 {
	l, h, a, r := p[0], p[1], q[0], q[1]
	if l < 0 {
		return math.Inf(1)
	}
	t := -tensor.Log(h-l) - a*tensor.Log(r) + tensor.Lgamma(a) + r*(l+h)/2
	if a != 1 {
		t -= (a - 1) * klUniformMeanLog(l, h)
	}
	return t
}

// klUniformGumbel is torch's _kl_uniform_gumbel: with z = (x-μ)/σ,
//
//	KL = -log(h-l) + log σ + E[z] + E[e^-z],
//	E[e^-z] = σ/(h-l)·(e^-zl - e^-zh) = σ/(h-l)·e^-zl·(-expm1(-(h-l)/σ)).
func klUniformGumbel(_ *Uniform, _ *Gumbel, p, q []float64) float64 {
	l, h, m, s := p[0], p[1], q[0], q[1]
	w := h - l
	return klLogRatio(s, w) + ((l+h)/2-m)/s - s/w*math.Exp(-(l-m)/s)*math.Expm1(-w/s)
}

// klUniformNormal is torch's _kl_uniform_normal:
// log(√(2π)σ/(h-l)) + ((h-l)²/12 + ((l+h)/2 - μ)²)/(2σ²).
func klUniformNormal(_ *Uniform, _ *Normal, p, q []float64) float64 {
	l, h, m, s := p[0], p[1], q[0], q[1]
	w, d := h-l, (l+h)/2-m
	return halfLog2Pi + klLogRatio(s, w) + (w*w/12+d*d)/(2*s*s)
}

// klUniformPareto is torch's _kl_uniform_pareto, +Inf where l < s (the
// scale): -log(h-l) - log a - a·log s + (a+1)E[log x].
func klUniformPareto(_ *Uniform, _ *Pareto, p, q []float64) float64 {
	l, h, s, a := p[0], p[1], q[0], q[1]
	if l < s {
		return math.Inf(1)
	}
	return -tensor.Log(h-l) - tensor.Log(a) - a*tensor.Log(s) + (a+1)*klUniformMeanLog(l, h)
}

// klCBLogNorm is L(ℓ/2) = log(sinh h/h), h = ℓ/2, the continuous
// Bernoulli's log density being ℓ(x - ½) - L(ℓ/2): the series for |ℓ| ≤ 2,
// else |h| - log|ℓ| + log1p(-e^-|ℓ|) (cbLogP's k = |h| - L).
func klCBLogNorm(l float64) float64 {
	a := math.Abs(l)
	if a <= 2 {
		h := l / 2
		return h * h * cbHorner(&cbLogSinhc, h*h)
	}
	return a/2 - tensor.Log(a) + math.Log1p(-math.Exp(-a))
}

// klCBLangevin is Λ(h) = coth h - 1/h = 2E[x] - 1, h = ℓ/2, by its series
// for |ℓ| ≤ 2 (no cancellation near ℓ = 0).
func klCBLangevin(l float64) float64 {
	if math.Abs(l) <= 2 {
		h := l / 2
		return h * cbHorner(&cbSeries, h*h)
	}
	return 2*cbMean(l) - 1
}

// klCBMeanLogProb is E[log q(x)] for q the continuous Bernoulli of logit ℓ
// and x of mean m on [0, 1]: ℓ(m - c) + k in cbLogP's terms; -Inf for the
// point masses ℓ = ±Inf, which give a density no mass.
func klCBMeanLogProb(l, m float64) float64 {
	if math.IsInf(l, 0) {
		return math.Inf(-1)
	}
	c := newCBLogP(l)
	return c.l*(m-c.c) + c.k
}

// klContinuousBernoulliContinuousBernoulli is torch's
// _kl_continuous_bernoulli_continuous_bernoulli, E[log p - log q] with
// log p(x) = ℓ(x - ½) - L(ℓ/2), written as the Bregman divergence of L:
//
//	KL = L(hq) - L(hp) - (hq - hp)·Λ(hp),   h = ℓ/2,
//
// by klBregman of Λ' = 4·Var(2h) where hp and hq are near (|hq-hp| ≤ 1,
// or ≤ |hp|/4: Λ' is analytic but for poles at ±iπ, ±2iπ, …), else as
// written: exact in ℓ everywhere (torch evaluates it in probs, clamped,
// with a Taylor band around ½). For the point masses (probs 0 or 1): 0
// against the same point mass, else +Inf.
func klContinuousBernoulliContinuousBernoulli(p, q *ContinuousBernoulli, a, b []float64) float64 {
	lp, lq := p.ell(a[0]), q.ell(b[0])
	switch {
	case lp != lp || lq != lq:
		return math.NaN()
	case math.IsInf(lp, 0) || math.IsInf(lq, 0):
		if lp == lq {
			return 0
		}
		return math.Inf(1)
	}
	hp, d := lp/2, (lq-lp)/2
	if math.Abs(d) <= max(1, math.Abs(hp)/4) {
		return klBregman(func(h float64) float64 { return 4 * cbVariance(2*h) }, hp, d)
	}
	return klCBLogNorm(lq) - klCBLogNorm(lp) - d*klCBLangevin(lp)
}

// klContinuousBernoulliExponential is torch's
// _kl_continuous_bernoulli_exponential: -H(p) - log λ + λ·E[x].
func klContinuousBernoulliExponential(p *ContinuousBernoulli, _ *Exponential, a, q []float64) float64 {
	l := p.ell(a[0])
	return -cbEntropyOf(l) - tensor.Log(q[0]) + q[0]*cbMean(l)
}

// klContinuousBernoulliNormal is torch's _kl_continuous_bernoulli_normal:
// -H(p) + log σ + ½·log 2π + (Var[x] + (E[x] - μ)²)/(2σ²).
func klContinuousBernoulliNormal(p *ContinuousBernoulli, _ *Normal, a, q []float64) float64 {
	l := p.ell(a[0])
	d := cbMean(l) - q[0]
	return -cbEntropyOf(l) + tensor.Log(q[1]) + halfLog2Pi + (cbVariance(l)+d*d)/(2*q[1]*q[1])
}

// klContinuousBernoulliUniform is torch's
// _kl_continuous_bernoulli_uniform, +Inf where [l, h] does not contain
// [0, 1]: -H(p) + log(h-l).
func klContinuousBernoulliUniform(p *ContinuousBernoulli, _ *Uniform, a, q []float64) float64 {
	if q[0] > 0 || q[1] < 1 {
		return math.Inf(1)
	}
	return -cbEntropyOf(p.ell(a[0])) + tensor.Log(q[1]-q[0])
}

// klBetaNegEntropy is -H of Beta(a, b):
// -log B(a, b) + (a-1)ψ(a) + (b-1)ψ(b) - (a+b-2)ψ(a+b).
func klBetaNegEntropy(a, b float64) float64 {
	s := a + b
	return -tensor.Lbeta(a, b) + (a-1)*tensor.Digamma(a) + (b-1)*tensor.Digamma(b) - (s-2)*tensor.Digamma(s)
}

// klBetaBeta is torch's _kl_beta_beta:
//
//	KL = log B(aq, bq) - log B(ap, bp) + (ap-aq)ψ(ap) + (bp-bq)ψ(bp)
//	     + (aq-ap + bq-bp)ψ(ap+bp)
//	   = B(ap, aq-ap) + B(bp, bq-bp) - B(ap+bp, aq+bq - ap-bp),
//
// B the Bregman divergence of log Γ (klLgammaBregman), each term
// quadratic in the differences, so that nearby Betas keep their precision.
func klBetaBeta(_, _ *Beta, p, q []float64) float64 {
	return klLgammaBregman(p[0], q[0]-p[0]) + klLgammaBregman(p[1], q[1]-p[1]) -
		klLgammaBregman(p[0]+p[1], (q[0]-p[0])+(q[1]-p[1]))
}

// klBetaContinuousBernoulli is torch's _kl_beta_continuous_bernoulli:
// -H(p) - E[log q(x)], E[x] = a/(a+b).
func klBetaContinuousBernoulli(_ *Beta, q *ContinuousBernoulli, p, b []float64) float64 {
	return klBetaNegEntropy(p[0], p[1]) - klCBMeanLogProb(q.ell(b[0]), p[0]/(p[0]+p[1]))
}

// klBetaExponential is torch's _kl_beta_exponential:
// -H(p) - log λ + λ·a/(a+b).
func klBetaExponential(_ *Beta, _ *Exponential, p, q []float64) float64 {
	return klBetaNegEntropy(p[0], p[1]) - tensor.Log(q[0]) + q[0]*p[0]/(p[0]+p[1])
}

// klBetaGamma is torch's _kl_beta_gamma: with E[log x] = ψ(a) - ψ(a+b),
//
//	KL = -H(p) - α·log β + log Γ(α) - (α-1)E[log x] + β·a/(a+b).
func klBetaGamma(_ *Beta, _ *Gamma, p, q []float64) float64 {
	a, b, k, r := p[0], p[1], q[0], q[1]
	t := klBetaNegEntropy(a, b) - k*tensor.Log(r) + tensor.Lgamma(k) + r*a/(a+b)
	if k != 1 {
		t -= (k - 1) * (tensor.Digamma(a) - tensor.Digamma(a+b))
	}
	return t
}

// klBetaNormal is torch's _kl_beta_normal: with E[x] = a/(a+b) and
// Var[x] = E[x](1-E[x])/(a+b+1),
//
//	KL = -H(p) + log σ + ½·log 2π + (Var[x] + (E[x] - μ)²)/(2σ²).
func klBetaNormal(_ *Beta, _ *Normal, p, q []float64) float64 {
	a, b := p[0], p[1]
	m := a / (a + b)
	v := m * (b / (a + b)) / (a + b + 1)
	d := m - q[0]
	return klBetaNegEntropy(a, b) + tensor.Log(q[1]) + halfLog2Pi + (v+d*d)/(2*q[1]*q[1])
}

// klBetaUniform is torch's _kl_beta_uniform, +Inf where [l, h] does not
// contain [0, 1]: -H(p) + log(h-l).
func klBetaUniform(_ *Beta, _ *Uniform, p, q []float64) float64 {
	if q[0] > 0 || q[1] < 1 {
		return math.Inf(1)
	}
	return klBetaNegEntropy(p[0], p[1]) + tensor.Log(q[1]-q[0])
}
