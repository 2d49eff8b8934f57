package tensor

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bernoulliRef is x·ℓ - softplus(ℓ) for x in {0, 1}: log σ(ℓ) or
// log σ(-ℓ), written in float64 with math so as to keep relative
// precision in both tails.
func bernoulliRef(x, l float64) float64 {
	if x == 0 {
		l = -l
	}
	switch {
	case math.IsInf(l, 1):
		return 0
	case l >= 0:
		return -math.Log1p(math.Exp(-l))
	}
	return l - math.Log1p(math.Exp(l))
}

// TestBernoulliLogitsLogPmfSlice checks every broadcast pattern on lengths
// that cross the vector tails and the 256-element chunks: against
// bernoulliRef (tol 4e-16 / 2.4e-7 relative), the vector steps under
// GOEXPERIMENT=simd (sign, combine) against the scalar ones bit for bit,
// and in place.
func TestBernoulliLogitsLogPmfSlice(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(9, 8))
	edge := []float64{math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1), 800, -800, 40, -40, 1e-30}
	for pat := range 4 {
		bx, bl := pat&1 != 0, pat&2 != 0
		for _, n := range []int{1, 3, 7, 8, 9, 17, 255, 256, 257, 600} {
			x, l := make([]float64, n), make([]float64, n)
			for i := range x {
				x[i] = float64(r.IntN(2))
				l[i] = 8 * r.NormFloat64()
				if i%5 == 0 {
					l[i] = edge[r.IntN(len(edge))]
				}
			}
			if bx {
				x = x[:1]
			}
			if bl {
				l = l[:1]
			}
			got, ref := make([]float64, n), make([]float64, n)
			require.Equal(t, n, BernoulliLogitsLogPmfSlice(got, x, l))
			x32, l32 := to32(x), to32(l)
			got32, ref32 := make([]float32, n), make([]float32, n)
			BernoulliLogitsLogPmfSlice(got32, x32, l32)
			sp, sp32 := make([]float64, len(l)), make([]float32, len(l))
			negAbs64Go(sp, l) // the scalar steps around the dispatched exp and log1p
			ExpSlice(sp, sp)
			Log1pSlice(sp, sp)
			bernoulliCombineGo(ref, x, l, sp)
			negAbs32Go(sp32, l32)
			ExpSlice(sp32, sp32)
			Log1pSlice(sp32, sp32)
			bernoulliCombineGo(ref32, x32, l32, sp32)
			for i := range got {
				xv, lv := x[min(i, len(x)-1)], l[min(i, len(l)-1)]
				want := bernoulliRef(xv, lv)
				want32 := bernoulliRef(xv, float64(float32(lv)))
				assert.True(t, same(want, got[i]) || math.Abs(got[i]-want) <= 4e-16*math.Abs(want), "pattern %d n=%d [%d] x=%v ℓ=%v: %v, want %v", pat, n, i, xv, lv, got[i], want)
				assert.True(t, same(want32, float64(got32[i])) || math.Abs(float64(got32[i])-want32) <= 2.4e-7*math.Abs(want32), "f32 pattern %d n=%d [%d] x=%v ℓ=%v: %v, want %v", pat, n, i, xv, lv, got32[i], want32)
				assert.True(t, same(ref[i], got[i]), "vector vs scalar, pattern %d n=%d [%d]", pat, n, i)
				assert.True(t, same(float64(ref32[i]), float64(got32[i])), "f32 vector vs scalar, pattern %d n=%d [%d]", pat, n, i)
			}
			if !bx {
				BernoulliLogitsLogPmfSlice(x, x, l)
				for i := range x {
					assert.True(t, same(got[i], x[i]), "in place, pattern %d n=%d [%d]", pat, n, i)
				}
			}
		}
	}
	nan := BernoulliLogitsLogPmfSlice(make([]float64, 1), []float64{0}, []float64{math.NaN()})
	require.Equal(t, 1, nan)
	out := make([]float64, 3)
	BernoulliLogitsLogPmfSlice(out, []float64{0, 1, math.NaN()}, []float64{math.NaN(), math.NaN(), 1})
	for _, v := range out {
		require.True(t, math.IsNaN(v), "NaN in, NaN out: %v", out)
	}
}

// TestBernoulliLogitsNoAlloc checks that stack operands stay on the stack.
func TestBernoulliLogitsNoAlloc(t *testing.T) {
	x := []float32{0, 1, 1, 0, 1, 0, 0, 1, 1}
	allocs := testing.AllocsPerRun(20, func() {
		var b [9]float32
		BernoulliLogitsLogPmfSlice(b[:], x, x[:1])
	})
	require.Zero(t, allocs)
}
