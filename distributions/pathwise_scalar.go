package distributions

import (
	"math"

	"github.com/seed39ad66a2/tensordist/tensor"
)

// The reparameterisation gradients of the scalar families whose RSample
// transforms noise in closed form: ∂x/∂θ at fixed noise, written in terms
// of the draw x itself (the noise is recovered from x), so that RSampleVJP
// needs nothing but the draws RSample returned.

// RSampleVJP gives ∂L/∂loc = Σ g and ∂L/∂scale = Σ g·(x−μ)/σ for draws
// x = μ + σ·tan(π(u−½)) of RSample.
func (d *Cauchy) RSampleVJP(x, upstream Value) (map[string]*tensor.Dense, error) {
	return d.pathwise(x, upstream, locScalePartials)
}

// RSampleVJP gives ∂L/∂loc = Σ g and ∂L/∂scale = Σ g·(x−μ)/b for draws
// x = μ − b·sign(u)·log1p(−2|u|) of RSample.
func (d *Laplace) RSampleVJP(x, upstream Value) (map[string]*tensor.Dense, error) {
	return d.pathwise(x, upstream, locScalePartials)
}

// RSampleVJP gives ∂L/∂loc = Σ g and ∂L/∂scale = Σ g·(x−μ)/β for draws
// x = μ − β·log(−log u) of RSample.
func (d *Gumbel) RSampleVJP(x, upstream Value) (map[string]*tensor.Dense, error) {
	return d.pathwise(x, upstream, locScalePartials)
}

// locScalePartials is ∂x/∂loc = 1 and ∂x/∂scale = (x−loc)/scale, the
// noise of a location–scale family being (x−loc)/scale.
func locScalePartials(x float64, p, dp []float64) {
	dp[0], dp[1] = 1, (x-p[0])/p[1]
}

// RSampleVJP gives ∂L/∂loc = Σ g·x and ∂L/∂scale = Σ g·x·(log x − μ)/σ
// for draws x = exp(μ + σε) of RSample.
func (d *LogNormal) RSampleVJP(x, upstream Value) (map[string]*tensor.Dense, error) {
	return d.pathwise(x, upstream, func(x float64, p, dp []float64) {
		dp[0], dp[1] = x, x*((tensor.Log(x)-p[0])/p[1])
	})
}

// RSampleVJP gives ∂L/∂scale = Σ g·x/σ for draws x = σ|ε| of RSample.
func (d *HalfNormal) RSampleVJP(x, upstream Value) (map[string]*tensor.Dense, error) {
	return d.pathwise(x, upstream, scalePartial)
}

// RSampleVJP gives ∂L/∂scale = Σ g·x/σ for draws x = σ|tan(πu/2)| of
// RSample.
func (d *HalfCauchy) RSampleVJP(x, upstream Value) (map[string]*tensor.Dense, error) {
	return d.pathwise(x, upstream, scalePartial)
}

// scalePartial is ∂x/∂scale = x/scale for a draw x = scale·noise.
func scalePartial(x float64, p, dp []float64) { dp[0] = x / p[0] }

// RSampleVJP gives ∂L/∂rate = Σ g·(−x/λ) for draws x = E/λ, E ~ Exp(1), of
// RSample.
func (d *Exponential) RSampleVJP(x, upstream Value) (map[string]*tensor.Dense, error) {
	return d.pathwise(x, upstream, func(x float64, p, dp []float64) { dp[0] = -x / p[0] })
}

// RSampleVJP gives ∂L/∂scale = Σ g·x/s and ∂L/∂alpha = Σ g·(−x·log(x/s)/α)
// for draws x = s·e^(E/α) of RSample (E/α = log(x/s)).
func (d *Pareto) RSampleVJP(x, upstream Value) (map[string]*tensor.Dense, error) {
	return d.pathwise(x, upstream, func(x float64, p, dp []float64) {
		dp[0], dp[1] = x/p[0], -x*logRatio(x, p[0])/p[1]
	})
}

// RSampleVJP gives ∂L/∂scale = Σ g·x/λ and ∂L/∂concentration =
// Σ g·(−x·log(x/λ)/k) for draws x = λ·E^(1/k) of RSample (log E / k =
// log(x/λ)).
func (d *Weibull) RSampleVJP(x, upstream Value) (map[string]*tensor.Dense, error) {
	return d.pathwise(x, upstream, func(x float64, p, dp []float64) {
		dp[0], dp[1] = x/p[0], -x*logRatio(x, p[0])/p[1]
	})
}

// logRatio is log(x/s), without the overflow or underflow of x/s.
func logRatio(x, s float64) float64 {
	if r := x / s; r > 0 && !math.IsInf(r, 1) && r >= 0x1p-1022 {
		return tensor.Log(r)
	}
	return tensor.Log(x) - tensor.Log(s)
}

// RSampleVJP gives ∂L/∂low = Σ g·(1−u) and ∂L/∂high = Σ g·u, u =
// (x−low)/(high−low), for draws x = low + (high−low)·u of RSample.
func (d *Uniform) RSampleVJP(x, upstream Value) (map[string]*tensor.Dense, error) {
	return d.pathwise(x, upstream, func(x float64, p, dp []float64) {
		u := (x - p[0]) / (p[1] - p[0])
		dp[0], dp[1] = 1-u, u
	})
}

// RSampleVJP gives the gradient of draws x = σ((ℓ + log u − log1p(−u))/τ)
// of RSample: with y = logit x, ∂x/∂ℓ = x(1−x)/τ and ∂x/∂τ = −x(1−x)·y/τ;
// for probs, ∂ℓ/∂p = 1/(p(1−p)). A draw RSample clamped to [tiny, 1−eps]
// gets 0, as torch's clamp gives.
func (d *RelaxedBernoulli) RSampleVJP(x, upstream Value) (map[string]*tensor.Dense, error) {
	eps, tiny := 0x1p-52, 0x1p-1022
	if d.dtype == tensor.Float32 {
		eps, tiny = 0x1p-23, 0x1p-126
	}
	return d.pathwise(x, upstream, func(x float64, p, dp []float64) {
		if x <= tiny || x >= 1-eps {
			dp[0], dp[1] = 0, 0
			return
		}
		tau := p[0]
		_, dl := rbEll(p[1], d.logits)
		s := x * (1 - x) / tau
		dp[0], dp[1] = -s*(tensor.Log(x)-math.Log1p(-x)), s*dl
	})
}

// RSampleVJP gives the implicit reparameterisation gradient of draws
// x = F⁻¹(u; ℓ) of RSample, ∂x/∂ℓ = −(∂F/∂ℓ)/f (cbDxDl); for probs,
// ∂ℓ/∂p = 1/(p(1−p)).
func (d *ContinuousBernoulli) RSampleVJP(x, upstream Value) (map[string]*tensor.Dense, error) {
	return d.pathwise(x, upstream, func(x float64, p, dp []float64) {
		dp[0] = cbDxDl(x, d.ell(p[0]))
		if !d.logits {
			dp[0] /= p[0] * (1 - p[0])
		}
	})
}

// cbDxDl is ∂x/∂ℓ at fixed F(x) = expm1(ℓx)/expm1(ℓ), the continuous
// Bernoulli's CDF in its natural parameter ℓ:
//
//	∂x/∂ℓ = D/(ℓ·e^(ℓx)·expm1(ℓ)),  D = (1−x)·e^(ℓ(1+x)) − e^ℓ + x·e^(ℓx).
//
// X ~ CB(ℓ) makes 1−X ~ CB(−ℓ), so the value at (ℓ, x) is the one at
// (−ℓ, 1−x), and ℓ ≥ 0 suffices. For ℓ ≤ 1, D = Σ_{k≥2} c_k ℓ^k/k! with
// c_k = (1−x)·Σ_{j=1}^{k−1} (C(k,j)−1)·x^j ≥ 0, a sum of positive terms
// (the limit at ℓ → 0 is x(1−x)/2). Above, dividing by e^(ℓ(1+x)),
// ∂x/∂ℓ = D'/(−ℓ·expm1(−ℓ)) with D' = −expm1(−ℓx) + x·expm1(−ℓ), written
// for x > ½ as δ − e^(−ℓ)·(expm1(ℓδ) + δ), δ = 1−x, so that neither form
// cancels to less than a quarter of its terms.
func cbDxDl(x, l float64) float64 {
	if !(x > 0 && x < 1) || l != l {
		return 0
	}
	if l < 0 {
		l, x = -l, 1-x
	}
	if l < 1e-100 { // the series' relative correction is O(ℓ)
		return x * (1 - x) / 2
	}
	if l <= 1 {
		var sum float64
		// term k: c_k ℓ^k/k!; c_k from the binomial row of k, built in place.
		row := [40]float64{1}
		lk := 1.0
		for k := 1; k < len(row); k++ {
			for j := k; j > 0; j-- {
				row[j] += row[j-1]
			}
			lk *= l / float64(k)
			if k < 2 {
				continue
			}
			var c, xj float64
			xj = 1
			for j := 1; j < k; j++ {
				xj *= x
				c += (row[j] - 1) * xj
			}
			t := (1 - x) * c * lk
			sum += t
			if t <= 0x1p-54*sum {
				break
			}
		}
		// ℓ·e^(ℓx)·expm1(ℓ) = ℓ²·e^(ℓx)·(expm1(ℓ)/ℓ), without underflow of ℓ².
		return sum / (l * l) / (math.Exp(l*x) * (math.Expm1(l) / l))
	}
	var num float64
	if x <= 0.5 {
		num = -math.Expm1(-l*x) + x*math.Expm1(-l)
	} else {
		delta := 1 - x
		num = delta - math.Exp(-l)*(math.Expm1(l*delta)+delta)
	}
	return num / (-l * math.Expm1(-l))
}

// RSampleVJP is the base's: expanding replicates the parameters, and the
// base's gradient sums each draw's partials back to them.
func (d *Expanded) RSampleVJP(x, upstream Value) (map[string]*tensor.Dense, error) {
	return basePathwise(d.base, x, upstream)
}

// RSampleVJP is the base's: reinterpreting batch dims as event dims does
// not change the draws.
func (d *Independent) RSampleVJP(x, upstream Value) (map[string]*tensor.Dense, error) {
	return basePathwise(d.base, x, upstream)
}

// RSampleVJP is the base's: a mask selects log-probabilities, not draws.
func (d *Masked) RSampleVJP(x, upstream Value) (map[string]*tensor.Dense, error) {
	return basePathwise(d.base, x, upstream)
}

func basePathwise(base Distribution, x, upstream Value) (map[string]*tensor.Dense, error) {
	p, ok := base.(PathwiseGrader)
	if !ok || !HasRSample(base) {
		return nil, unsupported(base, "rsample gradient")
	}
	return p.RSampleVJP(x, upstream)
}
