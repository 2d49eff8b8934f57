package distributions_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// TestLogNormalLogProbLarge checks LogNormal's chunked vector-log path
// against the density written out with math.Log, over several chunks with
// a ragged tail, σ per element and broadcast, in both dtypes, through
// LogProb and through the value returned with the gradients.
func TestLogNormalLogProbLarge(t *testing.T) {
	t.Parallel()
	const n = 3*512 + 77
	r := rand.New(rand.NewPCG(4, 3))
	locV, scaleV, xV := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range xV {
		locV[i], scaleV[i], xV[i] = r.NormFloat64(), math.Exp(r.Float64()-0.5), math.Exp(3*r.NormFloat64())
	}
	xV[5], xV[600] = 0, -1 // outside the support: -Inf
	for _, dt := range []string{"f64", "f32"} {
		for name, scale := range map[string]*tensor.Dense{"per element": f64(scaleV...), "broadcast": s64(0.7)} {
			t.Run(dt+"/"+name, func(t *testing.T) {
				loc, x, tol := f64(locV...), f64(xV...), tol64
				if dt == "f32" {
					loc, scale, x, tol = to32(loc), to32(scale), to32(x), tol32
				}
				d, err := distributions.NewLogNormal(loc, scale, distributions.WithValidation(false))
				require.NoError(t, err)
				lp, err := d.LogProb(x)
				require.NoError(t, err)
				m, s, v := data64(t, loc), bcast(data64(t, scale), shapeOf(scale), []int{n}), data64(t, x)
				got, sum, sumMag := data64(t, lp), 0.0, 0.0
				w := make([]float64, n) // upstream weights: 0 masks the -Inf entries out of the sum
				for i := range v {
					want, mag := math.Inf(-1), 0.0
					if v[i] > 0 {
						y := math.Log(v[i])
						z := (y - m[i]) / s[i]
						want = -z*z/2 - y - math.Log(s[i]) - 0.5*math.Log(2*math.Pi)
						mag = z*z/2 + math.Abs(y) + math.Abs(math.Log(s[i])) + 0.5*math.Log(2*math.Pi)
					}
					if math.IsInf(want, -1) {
						require.Equal(t, want, got[i], "[%d]", i)
						continue
					}
					require.LessOrEqual(t, math.Abs(got[i]-want), tol*mag, "[%d]: got %v, want %v", i, got[i], want)
					w[i], sum, sumMag = 1, sum+want, sumMag+mag
				}
				up := f64(w...)
				if dt == "f32" {
					up = to32(up)
				}
				g, err := d.LogProbVJP(x, up)
				require.NoError(t, err)
				require.InDelta(t, sum, g.LogProb, tol64*sumMag)
			})
		}
	}
}
