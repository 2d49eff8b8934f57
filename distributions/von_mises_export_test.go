package distributions

import "math/rand/v2"

// VonMisesBesselForTest exposes vonMisesBessel (A = I1/I0, 1-A and c0) to
// von_mises_test.go, which checks it against mpmath.
var VonMisesBesselForTest = vonMisesBessel

// VonMisesDrawForTest draws n angles θ ~ VonMises(0, κ) from r with the
// sampler's own regime selection, unwrapped, for the tests of extreme κ.
func VonMisesDrawForTest(r *rand.Rand, k float64, n int) []float64 {
	var p vonMisesProposal
	p.init(k)
	out := make([]float64, n)
	for i := range out {
		out[i] = p.draw(r)
	}
	return out
}
