package distributions

import "github.com/seed39ad66a2/tensordist/tensor"

// The scalar formulas behind Gamma's, Beta's and Dirichlet's LogProb, for
// valuepath_gbd_test.go to check their vector value paths against: each
// family's gradient path evaluates these per element.

// GammaLogPForTest is gammaLogP with its constant gammaNorm(α).
func GammaLogPForTest(x, a, b float64) float64 { return gammaLogP(x, a, b, gammaNorm(a)) }

// BetaLogProbForTest is betaLogProb with its constant log B(α₁, α₀).
func BetaLogProbForTest(x, a1, a0 float64) float64 {
	return betaLogProb(x, a1, a0, tensor.Lbeta(a1, a0))
}

// DirichletEventForTest is dirichletEvent with A(α) formed as rows forms it.
func DirichletEventForTest(x, a []float64) float64 {
	var s, lg float64
	for _, v := range a {
		s += v
		lg += tensor.Lgamma(v)
	}
	lp, _ := dirichletEvent(x, a, tensor.Lgamma(s)-lg, nil)
	return lp
}

// GammaStirlingMin is gammaStirlingMin (and Beta's threshold, 10).
const GammaStirlingMin = gammaStirlingMin
