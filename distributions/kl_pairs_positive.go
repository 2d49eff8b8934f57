package distributions

import (
	"math"

	"github.com/seed39ad66a2/tensordist/tensor"
)

// KL pairs whose left family lives on the positive half-line: Exponential,
// Gamma, Pareto (torch.distributions.kl). Gamma's parameters are
// (concentration α, rate β), Pareto's (scale s, alpha a).

func init() {
	klPair(klExponentialExponential)
	klPair(klExponentialGamma)
	klPair(klExponentialGumbel)
	klPair(klExponentialNormal)
	klPair(klGammaGamma)
	klPair(klGammaExponential)
	klPair(klGammaGumbel)
	klPair(klGammaNormal)
	klPair(klParetoPareto)
	klPair(klParetoExponential)
	klPair(klParetoGamma)
	klPair(klParetoNormal)

	// Chi2 is a subclass of Gamma in torch (concentration ν/2, rate ½),
	// so torch's dispatch gives it every pair of Gamma's, on either side.
	klPair(func(_, _ *Chi2, a, b []float64) float64 {
		return klGammaGamma(nil, nil, klChi2Gamma(a), klChi2Gamma(b))
	})
	klChi2Left(klGammaGamma)
	klChi2Left(klGammaExponential)
	klChi2Left(klGammaGumbel)
	klChi2Left(klGammaNormal)
	klChi2Right(klGammaGamma)
	klChi2Right(klExponentialGamma)
	klChi2Right(klParetoGamma)
	klChi2Right(klUniformGamma)
	klChi2Right(klBetaGamma)
	klInfinite[*Chi2, *Beta]()
	klInfinite[*Chi2, *ContinuousBernoulli]()
	klInfinite[*Chi2, *Pareto]()
	klInfinite[*Chi2, *Uniform]()
	klInfinite[*Gumbel, *Chi2]()
	klInfinite[*Laplace, *Chi2]()
	klInfinite[*Normal, *Chi2]()
}

// klChi2Gamma is the Gamma parameters (ν/2, ½) of Chi2's df ν.
func klChi2Gamma(a []float64) []float64 { return []float64{a[0] / 2, 0.5} }

// klChi2Left registers Gamma's pair f with a Chi2 on the left.
func klChi2Left[Q klFamily](f func(*Gamma, Q, []float64, []float64) float64) {
	klPair(func(_ *Chi2, q Q, a, b []float64) float64 { return f(nil, q, klChi2Gamma(a), b) })
}

// klChi2Right registers Gamma's pair f with a Chi2 on the right.
func klChi2Right[P klFamily](f func(P, *Gamma, []float64, []float64) float64) {
	klPair(func(p P, _ *Chi2, a, b []float64) float64 { return f(p, nil, a, klChi2Gamma(b)) })
}

// klExponentialExponential is torch's _kl_exponential_exponential:
// r - 1 - log r = klExpm1mx(log r), r = λq/λp.
func klExponentialExponential(_, _ *Exponential, p, q []float64) float64 {
	return klExpm1mx(klLogRatio(q[0], p[0]))
}

// klExponentialGamma is torch's _kl_exponential_gamma: with ρ = log(β/λ),
//
//	KL = -α·ρ + e^ρ + log Γ(α) + αγ - (1 + γ)
//	   = klExpm1mx(ρ) + (1-α)ρ + B(1, α-1),
//
// B(1, α-1) = log Γ(α) + γ(α-1) ≥ 0 (klLgammaBregman; ψ(1) = -γ).
func klExponentialGamma(_ *Exponential, _ *Gamma, p, q []float64) float64 {
	rho := klLogRatio(q[1], p[0])
	return klExpm1mx(rho) + (1-q[0])*rho + klLgammaBregman(1, q[0]-1)
}

// klExponentialGumbel is torch's _kl_exponential_gumbel: with c = λσ,
// m = μ/σ and L = log1p(1/c),
//
//	KL = log c - 1 + 1/c - m + e^m·c/(c+1)
//	   = log c + klExpm1mx(L) + klExpm1mx(m - L).
func klExponentialGumbel(_ *Exponential, _ *Gumbel, p, q []float64) float64 {
	c := p[0] * q[1]
	l := math.Log1p(1 / c)
	return tensor.Log(c) + klExpm1mx(l) + klExpm1mx(q[0]/q[1]-l)
}

// klExponentialNormal is torch's _kl_exponential_normal: E[x] = 1/λ and
// E[x²] = 2/λ² give
//
//	KL = log(λσ) + ½·log 2π - 1 + ((1/λ - μ)² + 1/λ²)/(2σ²).
func klExponentialNormal(_ *Exponential, _ *Normal, p, q []float64) float64 {
	m := 1 / p[0]
	d := m - q[0]
	return tensor.Log(p[0]) + tensor.Log(q[1]) + halfLog2Pi - 1 + (d*d+m*m)/(2*q[1]*q[1])
}

// klGammaGamma is torch's _kl_gamma_gamma: with ρ = log(βq/βp),
//
//	KL = -αq·ρ + αp(e^ρ - 1) + log Γ(αq) - log Γ(αp) + (αp-αq)ψ(αp)
//	   = αp·klExpm1mx(ρ) + (αp-αq)ρ + B(αp, αq-αp),
//
// B the Bregman divergence of log Γ (klLgammaBregman).
func klGammaGamma(_, _ *Gamma, p, q []float64) float64 {
	rho := klLogRatio(q[1], p[1])
	return p[0]*klExpm1mx(rho) + (p[0]-q[0])*rho + klLgammaBregman(p[0], q[0]-p[0])
}

// klGammaExponential is torch's _kl_gamma_exponential:
// -H(p) - log λ + λα/β.
func klGammaExponential(_ *Gamma, _ *Exponential, p, q []float64) float64 {
	return -gammaEntropy(p[0], p[1]) - tensor.Log(q[0]) + q[0]*p[0]/p[1]
}

// klGammaGumbel is torch's _kl_gamma_gumbel: with c = βσ and
// E[e^(-x/σ)] = (1 + 1/c)^-α,
//
//	KL = (α-1)ψ(α) - log Γ(α) - α + log c + α/c + e^(μ/σ)(1 + 1/c)^-α - μ/σ.
func klGammaGumbel(_ *Gamma, _ *Gumbel, p, q []float64) float64 {
	a, c, m := p[0], p[1]*q[1], q[0]/q[1]
	t := -tensor.Lgamma(a) - a + tensor.Log(c) + a/c + math.Exp(m-a*math.Log1p(1/c)) - m
	if a != 1 { // (α-1)ψ(α) is 0 at α = 1
		t += (a - 1) * tensor.Digamma(a)
	}
	return t
}

// klGammaNormal is torch's _kl_gamma_normal: E[x] = α/β, Var[x] = α/β²,
//
//	KL = -H(p) + log σ + ½·log 2π + (α/β² + (α/β - μ)²)/(2σ²).
func klGammaNormal(_ *Gamma, _ *Normal, p, q []float64) float64 {
	m := p[0] / p[1]
	d := m - q[0]
	return -gammaEntropy(p[0], p[1]) + tensor.Log(q[1]) + halfLog2Pi + (m/p[1]+d*d)/(2*q[1]*q[1])
}

// klParetoPareto is torch's _kl_pareto_pareto (Gil 2011), +Inf where
// sp < sq (q's support [sq, ∞) misses p's [sp, sq)):
//
//	KL = aq·log(sp/sq) - log(aq/ap) + aq/ap - 1 = aq·log(sp/sq) + klExpm1mx(log(aq/ap)).
func klParetoPareto(_, _ *Pareto, p, q []float64) float64 {
	if p[0] < q[0] {
		return math.Inf(1)
	}
	return q[1]*klLogRatio(p[0], q[0]) + klExpm1mx(klLogRatio(q[1], p[1]))
}

// klParetoNegEntropy is -H of Pareto(s, a): log(a/s) - 1/a - 1.
func klParetoNegEntropy(s, a float64) float64 {
	return tensor.Log(a) - tensor.Log(s) - 1/a - 1
}

// klParetoExponential is torch's _kl_pareto_exponential, +Inf where a ≤ 1
// (E[x] is infinite): -H(p) - log λ + λ·as/(a-1).
func klParetoExponential(_ *Pareto, _ *Exponential, p, q []float64) float64 {
	s, a := p[0], p[1]
	if a <= 1 {
		return math.Inf(1)
	}
	return klParetoNegEntropy(s, a) - tensor.Log(q[0]) + q[0]*a*s/(a-1)
}

// klParetoGamma is torch's _kl_pareto_gamma, +Inf where a ≤ 1: with
// E[log x] = log s + 1/a and E[x] = as/(a-1),
//
//	KL = -H(p) - α·log β + log Γ(α) - (α-1)E[log x] + β·E[x].
func klParetoGamma(_ *Pareto, _ *Gamma, p, q []float64) float64 {
	s, a := p[0], p[1]
	if a <= 1 {
		return math.Inf(1)
	}
	t := klParetoNegEntropy(s, a) - q[0]*tensor.Log(q[1]) + tensor.Lgamma(q[0]) + q[1]*a*s/(a-1)
	if q[0] != 1 {
		t -= (q[0] - 1) * (tensor.Log(s) + 1/a)
	}
	return t
}

// klParetoNormal is torch's _kl_pareto_normal, +Inf where a ≤ 2 (infinite
// variance): with E[x] = as/(a-1) and Var[x] = as²/((a-1)²(a-2)),
//
//	KL = -H(p) + log σ + ½·log 2π + (Var[x] + (E[x] - μ)²)/(2σ²).
func klParetoNormal(_ *Pareto, _ *Normal, p, q []float64) float64 {
	s, a := p[0], p[1]
	if a <= 2 {
		return math.Inf(1)
	}
	m := a * s / (a - 1)
	v := m * s / ((a - 1) * (a - 2))
	d := m - q[0]
	return klParetoNegEntropy(s, a) + tensor.Log(q[1]) + halfLog2Pi + (v+d*d)/(2*q[1]*q[1])
}
