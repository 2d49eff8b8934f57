package distributions_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// TestNormalRSampleVJP checks the pathwise gradient against finite
// differences of L = Σ g·x(θ) with the noise held fixed (the same seed).
func TestNormalRSampleVJP(t *testing.T) {
	t.Parallel()
	loc, scale := sh(f64(-1, 0.5, 2), 3, 1), f64(0.5, 2)
	g := sh(f64(1, -2, 0.5, 3, 0, 1.5, -1, 2, 0.25, -0.5, 1, 2), 2, 3, 2)
	draw := func(loc, scale *tensor.Dense) []float64 {
		d := must(distributions.NewNormal(loc, scale))
		return data64(t, must(d.RSample(rand.NewPCG(7, 8), 2)))
	}
	gv := data64(t, g)
	lossAt := func(loc, scale *tensor.Dense) float64 {
		var s float64
		for i, x := range draw(loc, scale) {
			s += gv[i] * x
		}
		return s
	}
	d := must(distributions.NewNormal(loc, scale))
	x := must(d.RSample(rand.NewPCG(7, 8), 2))
	grads, err := d.RSampleVJP(x, g)
	require.NoError(t, err)
	locV, scaleV := data64(t, loc), data64(t, scale)
	wantLoc := centralDiff(func(v []float64) float64 { return lossAt(sh(f64(v...), 3, 1), scale) }, locV, 1e-5)
	wantScale := centralDiff(func(v []float64) float64 { return lossAt(loc, f64(v...)) }, scaleV, 1e-5)
	close(t, wantLoc, data64(t, grads["loc"]), 1e-8, 0)
	close(t, wantScale, data64(t, grads["scale"]), 1e-8, 0)
	_, err = d.RSampleVJP(x, f64(1))
	require.ErrorIs(t, err, distributions.ErrShape)
}
