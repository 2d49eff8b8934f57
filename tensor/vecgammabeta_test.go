package tensor

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// gammaBetaOperand returns n values of gen, or one when broadcast.
func gammaBetaOperand(n int, bcast bool, gen func() float64) []float64 {
	if bcast {
		n = 1
	}
	v := make([]float64, n)
	for i := range v {
		v[i] = gen()
	}
	return v
}

// gammaBetaGen draws from [lo, hi) log-uniformly, and with probability 1/8
// one of specials (the cases the kernels must flag).
func gammaBetaGen(r *rand.Rand, lo, hi float64, specials ...float64) func() float64 {
	return func() float64 {
		if r.IntN(8) == 0 {
			return specials[r.IntN(len(specials))]
		}
		return lo * math.Pow(hi/lo, r.Float64())
	}
}

// gammaBetaAt is v[i], or v[0] when v is broadcast.
func gammaBetaAt[T Float](v []T, i int) float64 { return float64(v[min(i, len(v)-1)]) }

// TestGammaLogPdfSlice checks every broadcast pattern of the five operands
// on lengths that leave vector tails: each element against the sum written
// out here in the kernel's order (the same bits: no FMA in either), in
// float64 and in float32 (the operands float32, the sum float64, rounded
// once), and the flag against its definition (every α < cut and every sum
// finite). Under GOEXPERIMENT=simd this is the 4-lane kernel against the
// scalar formula.
func TestGammaLogPdfSlice(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 5))
	inf, nan := math.Inf(1), math.NaN()
	for pat := range 32 {
		bc := func(k int) bool { return pat&(1<<k) != 0 }
		for _, n := range []int{1, 3, 4, 5, 8, 9, 31, 64} {
			for _, rare := range []bool{false, true} {
				sp := func(v ...float64) []float64 { // specials only in the rare runs
					if rare {
						return v
					}
					return nil
				}
				gx := gammaBetaGen(r, 1e-3, 1e3, sp(0, -1, inf, nan)...)
				if !rare {
					gx = gammaBetaGen(r, 1e-3, 1e3, 1)
				}
				ga := gammaBetaGen(r, 1e-2, 9.99, append(sp(10, 12, nan), 1)...)
				gb := gammaBetaGen(r, 1e-2, 1e2, append(sp(0, inf), 2)...)
				x, a, b := gammaBetaOperand(n, bc(0), gx), gammaBetaOperand(n, bc(1), ga), gammaBetaOperand(n, bc(2), gb)
				lx, lb := make([]float64, len(x)), make([]float64, len(b))
				LogSlice(lx, x)
				LogSlice(lb, b)
				norm := gammaBetaOperand(n, bc(3), func() float64 { return r.NormFloat64() * 5 })
				if bc(4) { // logB and norm may be broadcast apart from b and a
					lb = lb[:1]
				}
				x32, a32, b32 := to32(x), to32(a), to32(b)
				lx32 := make([]float32, len(x32))
				LogSlice(lx32, x32)
				got, got32 := make([]float64, n), make([]float32, n)
				m, ok := GammaLogPdfSlice(got, x, lx, a, b, lb, norm, 10)
				m32, ok32 := GammaLogPdfSlice(got32, x32, lx32, a32, b32, lb, norm, 10)
				require.Equal(t, n, m)
				require.Equal(t, n, m32)
				wantOK, wantOK32 := true, true
				for i := range n {
					al := gammaBetaAt(a, i)
					want := al*gammaBetaAt(lb, i) + (al-1)*gammaBetaAt(lx, i) - gammaBetaAt(b, i)*gammaBetaAt(x, i) - gammaBetaAt(norm, i)
					wantOK = wantOK && al < 10 && !math.IsInf(want, 0) && !math.IsNaN(want)
					require.Equal(t, math.Float64bits(want), math.Float64bits(got[i]), "pattern %d n=%d [%d]", pat, n, i)
					al = gammaBetaAt(a32, i)
					want = al*gammaBetaAt(lb, i) + (al-1)*gammaBetaAt(lx32, i) - gammaBetaAt(b32, i)*gammaBetaAt(x32, i) - gammaBetaAt(norm, i)
					wantOK32 = wantOK32 && al < 10 && !math.IsInf(want, 0) && !math.IsNaN(want)
					require.Equal(t, math.Float32bits(float32(want)), math.Float32bits(got32[i]), "f32 pattern %d n=%d [%d]", pat, n, i)
				}
				require.Equal(t, wantOK, ok, "pattern %d n=%d", pat, n)
				require.Equal(t, wantOK32, ok32, "f32 pattern %d n=%d", pat, n)
			}
		}
	}
}

// TestBetaLogPdfSlice is TestGammaLogPdfSlice for BetaLogPdfSlice (four
// broadcast operands: the two logs share the value's length).
func TestBetaLogPdfSlice(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(4, 6))
	inf, nan := math.Inf(1), math.NaN()
	for pat := range 16 {
		bc := func(k int) bool { return pat&(1<<k) != 0 }
		for _, n := range []int{1, 3, 4, 5, 8, 9, 31, 64} {
			for _, rare := range []bool{false, true} {
				gx := gammaBetaGen(r, 1e-6, 1, 0.5)
				gc := gammaBetaGen(r, 1e-2, 9.99, 1)
				if rare {
					gx = gammaBetaGen(r, 1e-6, 1, 0, 1, -1, 2, nan)
					gc = gammaBetaGen(r, 1e-2, 30, 1, 10, inf, nan)
				}
				x, a1, a0 := gammaBetaOperand(n, bc(0), gx), gammaBetaOperand(n, bc(1), gc), gammaBetaOperand(n, bc(2), gc)
				lb := gammaBetaOperand(n, bc(3), func() float64 { return r.NormFloat64() * 5 })
				lx, ly := make([]float64, len(x)), make([]float64, len(x))
				for i, v := range x {
					ly[i] = -v
				}
				LogSlice(lx, x)
				Log1pSlice(ly, ly)
				x32 := to32(x)
				lx32, ly32 := make([]float32, len(x)), make([]float32, len(x))
				for i, v := range x32 {
					ly32[i] = -v
				}
				LogSlice(lx32, x32)
				Log1pSlice(ly32, ly32)
				a132, a032 := to32(a1), to32(a0)
				got, got32 := make([]float64, n), make([]float32, n)
				m, ok := BetaLogPdfSlice(got, lx, ly, a1, a0, lb, 10)
				m32, ok32 := BetaLogPdfSlice(got32, lx32, ly32, a132, a032, lb, 10)
				require.Equal(t, n, m)
				require.Equal(t, n, m32)
				wantOK, wantOK32 := true, true
				for i := range n {
					p1, p0 := gammaBetaAt(a1, i), gammaBetaAt(a0, i)
					want := (p1-1)*gammaBetaAt(lx, i) + (p0-1)*gammaBetaAt(ly, i) - gammaBetaAt(lb, i)
					wantOK = wantOK && min(p1, p0) < 10 && !math.IsInf(want, 0) && !math.IsNaN(want)
					require.Equal(t, math.Float64bits(want), math.Float64bits(got[i]), "pattern %d n=%d [%d]", pat, n, i)
					p1, p0 = gammaBetaAt(a132, i), gammaBetaAt(a032, i)
					want = (p1-1)*gammaBetaAt(lx32, i) + (p0-1)*gammaBetaAt(ly32, i) - gammaBetaAt(lb, i)
					wantOK32 = wantOK32 && min(p1, p0) < 10 && !math.IsInf(want, 0) && !math.IsNaN(want)
					require.Equal(t, math.Float32bits(float32(want)), math.Float32bits(got32[i]), "f32 pattern %d n=%d [%d]", pat, n, i)
				}
				require.Equal(t, wantOK, ok, "pattern %d n=%d", pat, n)
				require.Equal(t, wantOK32, ok32, "f32 pattern %d n=%d", pat, n)
			}
		}
	}
}

// TestGammaBetaLogPdfSliceCount checks the count, len(dst) capped by every
// operand that is not broadcast, dst untouched beyond it, and the generic
// fallback of a named float type.
func TestGammaBetaLogPdfSliceCount(t *testing.T) {
	t.Parallel()
	dst := []float64{7, 7, 7, 7, 7, 7}
	one := []float64{1}
	n, ok := GammaLogPdfSlice(dst, []float64{1, 1, 1, 1, 1}, []float64{0, 0, 0}, one, one, []float64{0}, []float64{0}, 10)
	require.Equal(t, 3, n)
	require.True(t, ok)
	require.Equal(t, []float64{-1, -1, -1, 7, 7, 7}, dst)
	n, ok = BetaLogPdfSlice(dst, []float64{-1, -1}, []float64{-2, -2}, []float64{2}, []float64{3, 3, 3, 3}, []float64{0}, 10)
	require.Equal(t, 2, n)
	require.True(t, ok)
	require.Equal(t, []float64{-5, -5, -1, 7, 7, 7}, dst)
	type named float32
	dn := make([]named, 2)
	n, ok = GammaLogPdfSlice(dn, []named{1, 2}, []named{0, 0.5}, []named{2}, []named{1}, []float64{0}, []float64{0}, 10)
	require.Equal(t, 2, n)
	require.True(t, ok)
	require.Equal(t, []named{-1, -1.5}, dn)
}

// TestDirichletTermsSlice checks DirichletTermsSlice on lengths that leave
// vector tails: each term against (α-1)·log x written out here (the same
// bits), in float64 and from float32 operands, and the flag against its
// definition (every x ≤ 1).
func TestDirichletTermsSlice(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(5, 7))
	for _, n := range []int{0, 1, 3, 4, 5, 8, 9, 31, 64} {
		for _, rare := range []bool{false, true} {
			gx := gammaBetaGen(r, 1e-6, 1, 1)
			if rare {
				gx = gammaBetaGen(r, 1e-6, 1, 0, 1, 1.5, -1, math.NaN(), math.Inf(1))
			}
			x, a := gammaBetaOperand(n, false, gx), gammaBetaOperand(n, false, gammaBetaGen(r, 1e-2, 1e2, 1))
			lx := make([]float64, n)
			LogSlice(lx, x)
			x32, a32 := to32(x), to32(a)
			lx32 := make([]float32, n)
			LogSlice(lx32, x32)
			got, got32 := make([]float64, n+1), make([]float64, n+1)
			got[n], got32[n] = 7, 7
			m, ok := DirichletTermsSlice(got, x, a, lx)
			m32, ok32 := DirichletTermsSlice(got32, x32, a32, lx32)
			require.Equal(t, n, m)
			require.Equal(t, n, m32)
			wantOK := true
			for i := range n {
				wantOK = wantOK && x[i] <= 1
				require.Equal(t, math.Float64bits((a[i]-1)*lx[i]), math.Float64bits(got[i]), "n=%d [%d]", n, i)
				require.Equal(t, math.Float64bits((float64(a32[i])-1)*float64(lx32[i])), math.Float64bits(got32[i]), "f32 n=%d [%d]", n, i)
			}
			require.Equal(t, wantOK, ok, "n=%d", n)
			require.Equal(t, wantOK, ok32, "f32 n=%d", n) // the values ≤ 1 are so in float32 too
			require.Equal(t, 7.0, got[n])
			require.Equal(t, 7.0, got32[n])
		}
	}
}
