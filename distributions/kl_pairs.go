package distributions

import (
	"math"

	"github.com/seed39ad66a2/tensordist/tensor"
)

// The registered pairs of torch 1.13's KL registry (torch.distributions.kl),
// with exact values where torch loses precision.

func init() {
	// KL(N(μp, σp) ‖ N(μq, σq)) = ½(r + t − 1 − log r), r = (σp/σq)², t = ((μp−μq)/σq)².
	RegisterKL(func(p, q *Normal) (*tensor.Dense, error) {
		return klScalar(&p.elementwise, &q.elementwise, func(a, b []float64) float64 {
			r := a[1] / b[1]
			t := (a[0] - b[0]) / b[1]
			return 0.5 * (r*r + t*t - 1 - 2*math.Log(r))
		})
	})
}
