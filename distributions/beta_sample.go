package distributions

import (
	"math"
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// RSample draws sampleShape+BatchShape() values X/(X+Y), X ~ Gamma(α₁),
// Y ~ Gamma(α₀): as the quotient where both concentrations are at least 1,
// else as σ(log X - log Y), so that tiny concentrations, whose gamma draws
// underflow, still give samples in (0, 1) where they are representable. The pathwise gradient is RSampleVJP.
func (d *Beta) RSample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	if d.dtype == tensor.Float32 {
		return betaDraw[float32](d, src, sampleShape)
	}
	return betaDraw[float64](d, src, sampleShape)
}

// Sample is RSample for Beta.
func (d *Beta) Sample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	return d.RSample(src, sampleShape...)
}

func betaDraw[T tensor.Float](d *Beta, src rand.Source, sampleShape []int) (*tensor.Dense, error) {
	return draw(&d.elementwise, src, sampleShape, func(r *rand.Rand, run shape.Run, dst []T, in [][]T) {
		c1, c0 := in[0], in[1]
		for i := range run.N {
			a1, a0 := float64(c1[run.Off[1]+i*run.Step[1]]), float64(c0[run.Off[2]+i*run.Step[2]])
			if a1 >= 1 && a0 >= 1 && a1 <= math.MaxFloat64 && a0 <= math.MaxFloat64 {
				// Gamma draws of α ≥ 1 do not underflow (P(X < 1e-300) is
				// below 1e-300), and X/(X+Y) is then within 1.5 ulp: the
				// same draws without the two logs and σ's exp.
				x := standardGamma(r, a1)
				y := standardGamma(r, a0)
				dst[run.Off[0]+i] = T(x / (x + y))
				continue
			}
			lx := betaLogStdGamma(r, a1)
			ly := betaLogStdGamma(r, a0)
			dst[run.Off[0]+i] = T(tensor.Sigmoid(lx - ly))
		}
	})
}

// betaLogStdGamma returns the log of a standardGamma(α) draw, consuming
// the same stream: for α < 1 it forms the boost of standardGamma,
// g·u^(1/α) with g ~ Gamma(α+1), in log space, log g + log(u)/α, which is
// finite where the draw itself underflows to 0 (at α = 1e-3, half the
// time).
func betaLogStdGamma(r *rand.Rand, alpha float64) float64 {
	if alpha > 0 && alpha < 1 {
		g := standardGamma(r, alpha+1)
		u := 1 - r.Float64() // in (0, 1]
		return tensor.Log(g) + math.Log(u)/alpha
	}
	return tensor.Log(standardGamma(r, alpha))
}
