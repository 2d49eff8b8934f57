package distributions

import (
	"math"
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/tensor"
)

// standardGamma draws from Gamma(α, 1), the standard gamma with density
// x^(α-1)e^(-x)/Γ(α), for the samplers of Gamma, Chi2, Beta, Dirichlet and
// StudentT. It allocates nothing and consumes only r.NormFloat64 and
// r.Float64, so that a block stream reproduces its draws.
//
// For α ≥ 1 it is Marsaglia and Tsang's squeeze-and-reject method
// ("A simple method for generating gamma variables", ACM TOMS 26(3), 2000):
// with d = α - 1/3, c = 1/√(9d), propose d·v, v = (1 + c·z)³, z ~ N(0, 1),
// and accept when u < 1 - 0.0331z⁴ (the squeeze) or
// log u < z²/2 + d(1 - v + log v), u ~ U(0, 1]. Acceptance is above 95% for
// every α ≥ 1.
//
// For 0 < α < 1 it uses the boost of the same paper: if g ~ Gamma(α+1) and
// u ~ U(0, 1] then g·u^(1/α) ~ Gamma(α). The product is formed in log
// space, exp(log g + log(u)/α), because u^(1/α) alone underflows for small
// α (u = 0.5 at α = 1e-3 gives 2^-1000, below the smallest float64) while
// the product may still be representable; a result is 0 only when the
// gamma draw itself lies below the smallest subnormal (for α = 1e-3 that
// happens with probability about 0.48: P(X < 4.9e-324) = 4.9e-324^α/Γ(α+1)).
//
// Special cases: α = 0 gives 0 (the limit, a point mass at 0, as torch's
// _standard_gamma), α = +Inf gives +Inf, α < 0 or NaN gives NaN.
func standardGamma(r *rand.Rand, alpha float64) float64 {
	switch {
	case alpha == 0:
		return 0
	case !(alpha > 0): // negative or NaN
		return math.NaN()
	case math.IsInf(alpha, 1):
		return alpha
	case alpha < 1:
		g := marsagliaTsang(r, alpha+1)
		u := 1 - r.Float64()                               // in (0, 1]: log u is finite
		return math.Exp(tensor.Log(g) + math.Log(u)/alpha) // g may in principle be subnormal: tensor.Log
	}
	return marsagliaTsang(r, alpha)
}

// marsagliaTsang draws Gamma(α, 1) for finite α ≥ 1 (see standardGamma).
func marsagliaTsang(r *rand.Rand, alpha float64) float64 {
	d := alpha - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		z := r.NormFloat64()
		t := 1 + c*z
		if t <= 0 {
			continue
		}
		v := t * t * t
		u := 1 - r.Float64() // in (0, 1]
		z2 := z * z
		if u < 1-0.0331*z2*z2 {
			return d * v
		}
		if math.Log(u) < z2/2+d*(1-v+math.Log(v)) {
			return d * v
		}
	}
}
