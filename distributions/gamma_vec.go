package distributions

import (
	"math"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// gammaConsts holds Gamma's parameter-only terms, gammaNorm(α) and log β,
// computed on the first LogProb and kept: torch recomputes log Γ(α) at
// every call, and it costs more than the rest of log p together. A
// distribution and its Expand share them (the kernels close over them).
type gammaConsts struct {
	conc, rate    *tensor.Dense
	norm, logRate derived // indexed like conc and rate
}

// gammaKernels returns Gamma's kernels over the constants of conc and rate.
func gammaKernels(conc, rate *tensor.Dense) (kernel[float32], kernel[float64]) {
	c := &gammaConsts{conc: conc, rate: rate}
	return func(a *kargs[float32]) { gammaKernel(a, c) }, func(a *kargs[float64]) { gammaKernel(a, c) }
}

// gammaValues writes log p of run elements [c, c+m), without gradients:
// log x for the chunk from tensor.LogSlice (in T), then
// tensor.GammaLogPdfSlice's
//
//	log p = α·log β + (α-1)·log x - βx - gammaNorm(α)
//
// in float64, gammaLogP's sum in its order. Where that reports an element
// with α ≥ gammaStirlingMin (or NaN), which needs gammaLogP's other form,
// or a sum that is not finite, the chunk's such elements are recomputed by
// gammaLogP: a sum is not finite exactly where one of its terms is not
// (x ≤ 0, x = ∞, β ≤ 0 or ∞, NaNs), where XLogY's 0·log 0 = 0 or
// gammaLogP's rule for x = ∞ decide the value, or where it overflows. A
// finite sum has finite terms, each gammaLogP's up to log x's last bit.
func gammaValues[T tensor.Float](a *kargs[T], r shape.Run, c, m int, norm, logRate []float64) {
	xs := runOperand(a.in[0], r, 1, c, m)
	lx := a.scr.t[0][:len(xs)]
	tensor.LogSlice(lx, xs)
	out := a.out[r.Off[0]+c:][:m]
	cn, rt := runOperand(a.in[1], r, 2, c, m), runOperand(a.in[2], r, 3, c, m)
	nm := runOperand(norm, r, 2, c, m)
	if _, ok := tensor.GammaLogPdfSlice(out, xs, lx, cn, rt, runOperand(logRate, r, 3, c, m), nm, gammaStirlingMin); ok {
		return
	}
	sx, sa, sb := r.Step[1], r.Step[2], r.Step[3]
	for i, v := range out {
		al := float64(cn[i*sa])
		if !(al < gammaStirlingMin && math.Abs(float64(v)) <= math.MaxFloat64) {
			out[i] = T(gammaLogP(float64(xs[i*sx]), al, float64(rt[i*sb]), nm[i*sa]))
		}
	}
}
