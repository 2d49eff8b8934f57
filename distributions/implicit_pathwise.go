package distributions

import (
	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// implicitPathwiseFlat is RSampleVJP for a two-parameter family (Gamma,
// Beta) where neither parameter broadcasts (both shaped like x, the common
// case): each output element is then its one term, g·∂x/∂θ, written
// directly from the arrays of type T, without pathwise's float64 copies of
// x, the upstream and the parameters, its per-element call with argument
// slices and its accumulators. partials(x, p0, p1) returns ∂x/∂p0 and
// ∂x/∂p1, the same function pathwise would be given. The operations are
// pathwise's, in float64, and a zero upstream contributes nothing, as
// there (the terms are added to 0, so a −0 term gives +0 as pathwise's
// sum does). The elements are independent, so the blocks may run in
// parallel without changing a bit. It reports false where a parameter
// broadcasts, for pathwise to sum the terms.
func implicitPathwiseFlat[T tensor.Float](e *elementwise, x, upstream Value, xs []int, partials func(x, p0, p1 float64) (float64, float64)) (map[string]*tensor.Dense, bool) {
	if len(e.params) != 2 || !shape.Equal(e.pshapes[0], xs) || !shape.Equal(e.pshapes[1], xs) {
		return nil, false
	}
	xv, err := tensor.Floats[T](x)
	if err != nil {
		return nil, false
	}
	var w []T
	if !tensor.IsNil(upstream) {
		if w, err = tensor.Floats[T](upstream); err != nil {
			return nil, false
		}
	}
	p0, _ := tensor.Floats[T](e.params[0])
	p1, _ := tensor.Floats[T](e.params[1])
	g0, d0 := tensor.Alloc[T](xs)
	g1, d1 := tensor.Alloc[T](xs)
	tensor.ForBlocks(len(xv), func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			g := 1.0
			if w != nil {
				if w[i] == 0 {
					continue
				}
				g = float64(w[i])
			}
			a, b := partials(float64(xv[i]), float64(p0[i]), float64(p1[i]))
			d0[i] = T(0 + g*a)
			d1[i] = T(0 + g*b)
		}
	})
	return map[string]*tensor.Dense{e.names[0]: g0, e.names[1]: g1}, true
}

// implicitRSampleVJP is RSampleVJP of a two-parameter family with the
// per-element partials of its draws: implicitPathwiseFlat where it
// applies, else pathwise.
func (e *elementwise) implicitRSampleVJP(x, upstream Value, partials func(x, p0, p1 float64) (float64, float64)) (map[string]*tensor.Dense, error) {
	xs, err := e.pathwiseCheck(x, upstream)
	if err != nil {
		return nil, err
	}
	var out map[string]*tensor.Dense
	var ok bool
	if e.dtype == tensor.Float32 {
		out, ok = implicitPathwiseFlat[float32](e, x, upstream, xs, partials)
	} else {
		out, ok = implicitPathwiseFlat[float64](e, x, upstream, xs, partials)
	}
	if ok {
		return out, nil
	}
	return e.pathwise(x, upstream, func(x float64, p, dp []float64) {
		dp[0], dp[1] = partials(x, p[0], p[1])
	})
}

// gammaPartials is ∂x/∂α = (∂s/∂α)/β and ∂x/∂β = −x/β for a draw x = s/β
// of Gamma(α, β), s standard gamma.
func gammaPartials(x, al, be float64) (float64, float64) {
	return tensor.StandardGammaGrad(al, be*x) / be, -x / be
}

// betaPartials is ∂x/∂α₁, ∂x/∂α₀ for a draw x of Beta(α₁, α₀), 0 at x = 0
// and x = 1 (a draw that underflowed).
func betaPartials(x, a1, a0 float64) (float64, float64) {
	if !(x > 0 && x < 1) {
		return 0, 0
	}
	return tensor.BetaImplicitGrad(a1, a0, x)
}
