package tensor

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// normalCase is one call of NormalLogPdfSlice: its operands, each of
// length n or 1 (broadcast) as bcast says (x, loc, scale in that order),
// and math.Log of the scale.
func normalCase(n int, bcast [3]bool, r *rand.Rand) (x, loc, scale, logScale []float64) {
	ops := make([][]float64, 3)
	for k := range ops {
		m := n
		if bcast[k] {
			m = 1
		}
		ops[k] = make([]float64, m)
		for i := range ops[k] {
			ops[k][i] = 3 * r.NormFloat64()
			if k == 2 {
				ops[k][i] = math.Exp(r.NormFloat64())
			}
		}
	}
	logScale = make([]float64, len(ops[2]))
	for i, s := range ops[2] {
		logScale[i] = math.Log(s)
	}
	return ops[0], ops[1], ops[2], logScale
}

func to32(v []float64) []float32 {
	out := make([]float32, len(v))
	for i, f := range v {
		out[i] = float32(f)
	}
	return out
}

// TestNormalLogPdfSlice checks every broadcast pattern on lengths that
// exercise the vector tails and the 256-element chunks: the result against
// the density written out in float64 with math.Log (float32 to its
// precision), bit for bit against the scalar loop fed LogSlice's log σ
// (under GOEXPERIMENT=simd: the one-pass vector kernel, the vector
// combine), and in place (dst = x).
func TestNormalLogPdfSlice(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(9, 7))
	for pat := range 8 {
		bcast := [3]bool{pat&1 != 0, pat&2 != 0, pat&4 != 0}
		for _, n := range []int{1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 255, 256, 261, 600} {
			x, loc, scale, logScale := normalCase(n, bcast, r)
			got, ref := make([]float64, n), make([]float64, n)
			require.Equal(t, n, NormalLogPdfSlice(got, x, loc, scale))
			ls := make([]float64, len(scale))
			LogSlice(ls, scale)
			normalLogPdfGo(ref, x, loc, scale, ls)
			x32, l32, s32 := to32(x), to32(loc), to32(scale)
			got32, ref32, ls32 := make([]float32, n), make([]float32, n), make([]float32, len(s32))
			NormalLogPdfSlice(got32, x32, l32, s32)
			LogSlice(ls32, s32)
			normalLogPdfGo(ref32, x32, l32, s32, ls32)
			for i := range got {
				at := func(v []float64) float64 { return v[min(i, len(v)-1)] }
				z := (at(x) - at(loc)) / at(scale)
				want := -0.5*z*z - at(logScale) - 0.5*math.Log(2*math.Pi)
				assert.InDelta(t, want, got[i], 1e-14*(1+math.Abs(want)), "pattern %d n=%d [%d]", pat, n, i)
				at32 := func(v []float32) float64 { return float64(v[min(i, len(v)-1)]) }
				z32 := (at32(x32) - at32(l32)) / at32(s32) // the float32 operands, exactly
				want32 := -0.5*z32*z32 - math.Log(at32(s32)) - 0.5*math.Log(2*math.Pi)
				assert.InDelta(t, want32, float64(got32[i]), 1e-6*(1+math.Abs(want32)), "f32 pattern %d n=%d [%d]", pat, n, i)
				assert.Equal(t, math.Float64bits(ref[i]), math.Float64bits(got[i]), "vector vs scalar, pattern %d n=%d [%d]", pat, n, i)
				assert.Equal(t, math.Float32bits(ref32[i]), math.Float32bits(got32[i]), "f32 vector vs scalar, pattern %d n=%d [%d]", pat, n, i)
			}
			if !bcast[0] {
				NormalLogPdfSlice(x, x, loc, scale)
				assert.Equal(t, got, x, "in place, pattern %d n=%d", pat, n)
			}
		}
	}
}

// TestNormalLogPdfSliceCount checks the count: len(dst) capped by every
// operand that is not broadcast, and dst untouched beyond it.
func TestNormalLogPdfSliceCount(t *testing.T) {
	t.Parallel()
	dst := []float64{7, 7, 7, 7, 7, 7}
	require.Equal(t, 3, NormalLogPdfSlice(dst, []float64{0, 0, 0, 0, 0}, []float64{0}, []float64{1, 1, 1}))
	require.Equal(t, []float64{-halfLog2Pi, -halfLog2Pi, -halfLog2Pi, 7, 7, 7}, dst)
	require.Equal(t, 6, NormalLogPdfSlice(dst, []float64{1}, []float64{1}, []float64{1}))
	require.Equal(t, 0, NormalLogPdfSlice(dst, nil, []float64{1}, []float64{2}))
	type named float32 // through the generic fallback
	dn := make([]named, 2)
	require.Equal(t, 2, NormalLogPdfSlice(dn, []named{1, 3}, []named{1}, []named{1}))
	require.Equal(t, []named{-named(halfLog2Pi), -2 - named(halfLog2Pi)}, dn)
}

// TestNormalLogPdfNoAlloc checks that stack operands stay on the stack.
func TestNormalLogPdfNoAlloc(t *testing.T) {
	x := []float32{0.5, 1, 2, 3, 4, 5, 6, 7, 8}
	allocs := testing.AllocsPerRun(20, func() {
		var b [9]float32
		NormalLogPdfSlice(b[:], x, x[:1], x)
	})
	require.Zero(t, allocs)
}
