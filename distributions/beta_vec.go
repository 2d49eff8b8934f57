package distributions

import (
	"math"
	"sync"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// betaConsts holds log B(α₁, α₀) of every element of the concentrations'
// broadcast, computed on the first LogProb and kept (three lgammas per
// element, which cost more than the rest of log p together, and which
// torch recomputes at every call). It is indexed like the concentration
// whose shape is that broadcast (by: 0 for α₁, 1 for α₀); when neither's
// is (shapes [n, 1] and [1, m]) by is -1, nothing is kept, and log B is
// computed per element as before. A distribution and its Expand share it.
type betaConsts struct {
	c1, c0 *tensor.Dense
	by     int
	once   sync.Once
	lb     []float64
}

// betaKernels returns Beta's kernels over the constants of c1 and c0.
func betaKernels(c1, c0 *tensor.Dense) (kernel[float32], kernel[float64]) {
	s1, s0 := tensor.ShapeOf(c1), tensor.ShapeOf(c0)
	c := &betaConsts{c1: c1, c0: c0, by: -1}
	if full, err := shape.Broadcast(s1, s0); err == nil { // checked by newElementwise
		switch {
		case shape.Equal(s1, full):
			c.by = 0
		case shape.Equal(s0, full):
			c.by = 1
		}
	}
	return func(a *kargs[float32]) { betaKernel(a, c) }, func(a *kargs[float64]) { betaKernel(a, c) }
}

// logB returns the kept log B, nil when by is -1.
func (c *betaConsts) logB() []float64 {
	if c.by < 0 {
		return nil
	}
	c.once.Do(func() {
		p1, _ := tensor.Float64s(c.c1) // copies for float32; the dtype was checked
		p0, _ := tensor.Float64s(c.c0)
		s1, s0 := tensor.ShapeOf(c.c1), tensor.ShapeOf(c.c0)
		full := s1
		if c.by == 1 {
			full = s0
		}
		p, _ := shape.NewPlan(full, s1, s0)
		lb := make([]float64, shape.Size(full))
		for r := range p.Runs() {
			for i := range r.N {
				lb[r.Off[0]+i] = tensor.Lbeta(p1[r.Off[1]+i*r.Step[1]], p0[r.Off[2]+i*r.Step[2]])
			}
		}
		c.lb = lb
	})
	return c.lb
}

// betaValues writes log p of run elements [c, c+m), without gradients:
// log x and log(1-x) for the chunk from tensor.LogSlice and Log1pSlice (in
// T), log B from lb (nil: computed here, once per distinct pair in a row),
// then tensor.BetaLogPdfSlice's
//
//	log p = (α₁-1)·log x + (α₀-1)·log(1-x) - log B(α₁, α₀)
//
// in float64, betaLogProb's sum in its order. Where that reports an element
// with min(α₁, α₀) ≥ 10, which needs betaLogProb's Stirling form, or a sum
// that is not finite (x outside (0, 1), where XLogY's 0·log 0 = 0 or the
// support decide; NaNs; infinite concentrations), the chunk's such
// elements are recomputed by betaLogProb. A finite sum has finite terms,
// each betaLogProb's up to the logs' last bit.
func betaValues[T tensor.Float](a *kargs[T], r shape.Run, c, m int, lb []float64, by int) {
	xs := runOperand(a.in[0], r, 1, c, m)
	lx, ly := a.scr.t[0][:len(xs)], a.scr.t[1][:len(xs)]
	for i, v := range xs {
		ly[i] = -v
	}
	tensor.LogSlice(lx, xs)
	tensor.Log1pSlice(ly, ly)
	c1, c0 := runOperand(a.in[1], r, 2, c, m), runOperand(a.in[2], r, 3, c, m)
	s1, s0 := r.Step[2], r.Step[3]
	var lbs []float64
	if lb != nil {
		lbs = runOperand(lb, r, 2+by, c, m)
	} else { // log B per element: once when both are broadcast along the run
		lbs = a.scr.f[0][:max(len(c1), len(c0))]
		p1, p0, v := math.NaN(), math.NaN(), math.NaN()
		for i := range lbs {
			if q1, q0 := float64(c1[i*s1]), float64(c0[i*s0]); q1 != p1 || q0 != p0 {
				p1, p0, v = q1, q0, tensor.Lbeta(q1, q0)
			}
			lbs[i] = v
		}
	}
	out := a.out[r.Off[0]+c:][:m]
	if _, ok := tensor.BetaLogPdfSlice(out, lx, ly, c1, c0, lbs, betaStirlingMin); ok {
		return
	}
	sx, sl := r.Step[1], min(len(lbs)-1, 1)
	for i, v := range out {
		p1, p0 := float64(c1[i*s1]), float64(c0[i*s0])
		if !(min(p1, p0) < betaStirlingMin && math.Abs(float64(v)) <= math.MaxFloat64) {
			out[i] = T(betaLogProb(float64(xs[i*sx]), p1, p0, lbs[i*sl]))
		}
	}
}
