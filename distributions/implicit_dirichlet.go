package distributions

import (
	"math"

	"github.com/seed39ad66a2/tensordist/tensor"
)

// dirichletEventLogs is dirichletEvent, also writing log x_i into lx[i]
// when ok: LogProbVJP's ∂/∂α_i needs those logs, which dirichletEvent's
// XLogY terms had formed and dropped (two logarithms a coordinate where
// one serves). Each term is XLogY's, (α_i−1)·log x_i or 0 at α_i = 1, added
// in the same order, so log p is dirichletEvent's to the bit.
func dirichletEventLogs[T tensor.Float](x, a []T, lnA float64, lx []float64) (lp float64, ok bool) {
	lp = lnA
	ok = true
	for i, xv := range x {
		v := float64(xv)
		switch {
		case v != v:
			return v, false
		case !(v >= 0 && v <= 1):
			ok = false
		case ok:
			l := tensor.Log(v)
			lx[i] = l
			var t float64 // XLogY(α_i−1, x_i); x_i is not NaN here
			if am1 := float64(a[i]) - 1; am1 != 0 {
				t = am1 * l
			}
			lp += t
		}
	}
	if !ok {
		return math.Inf(-1), false
	}
	return lp, true
}
