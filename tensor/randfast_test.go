package tensor_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed39ad66a2/tensordist/tensor"
)

// TestRngWords requires tensor.Rng to draw math/rand/v2's words: the same
// Uint64 as the PCG it views, the same Float64 as a rand.Rand over it, and
// Streams.Rng(b) the words of Streams.Block(b).
func TestRngWords(t *testing.T) {
	t.Parallel()
	g, ref := tensor.AsRng(rand.NewPCG(3, 4)), rand.New(rand.NewPCG(3, 4))
	for i := range 1000 {
		if i%2 == 0 {
			require.Equal(t, ref.Uint64(), g.Uint64(), "word %d", i)
		} else {
			require.Equal(t, ref.Float64(), g.Float64(), "word %d", i)
		}
	}
	s := streams(t, 11)
	for _, b := range []int{0, 1, 7, 1000} {
		g, ref := s.Rng(b), s.Block(b)
		for range 10 {
			require.Equal(t, ref.Uint64(), g.Uint64(), "block %d", b)
		}
	}
}

// normalDraws returns n draws of the float64 or the float32 ziggurat.
func normalDraws(n int, f32 bool, seed uint64) []float64 {
	g := tensor.AsRng(rand.NewPCG(seed, 0xfeed))
	out := make([]float64, n)
	if !f32 {
		g.NormFloat64s(out)
		return out
	}
	buf := make([]float32, 4097) // odd: every chunk leaves a half word unused
	for lo := 0; lo < n; lo += len(buf) {
		m := min(len(buf), n-lo)
		g.NormFloat32s(buf[:m])
		for i := range m {
			out[lo+i] = float64(buf[i])
		}
	}
	return out
}

// TestNormZigguratKS is the Kolmogorov-Smirnov test of both zigurats
// against Φ over 10⁶ draws, at the 0.1% critical value 1.95/√n.
func TestNormZigguratKS(t *testing.T) {
	t.Parallel()
	for _, f32 := range []bool{false, true} {
		x := normalDraws(1_000_000, f32, 1)
		slices.Sort(x)
		n := float64(len(x))
		d := 0.0
		for i, v := range x {
			c := tensor.Ndtr(v)
			d = max(d, math.Abs(c-float64(i)/n), math.Abs(float64(i+1)/n-c))
		}
		require.Less(t, d, 1.95/math.Sqrt(n), "float32 %v", f32)
	}
}

// TestNormZigguratMoments checks the mean, variance and fourth moment of
// 4·10⁶ draws within 5 standard errors (E z⁴ = 3, Var z⁴ = 96).
func TestNormZigguratMoments(t *testing.T) {
	t.Parallel()
	for _, f32 := range []bool{false, true} {
		x := normalDraws(4_000_000, f32, 2)
		var s1, s2, s4 float64
		for _, v := range x {
			s1 += v
			s2 += v * v
			s4 += v * v * v * v
		}
		n := float64(len(x))
		require.InDelta(t, 0, s1/n, 5/math.Sqrt(n), "mean, float32 %v", f32)
		require.InDelta(t, 1, s2/n, 5*math.Sqrt(2/n), "variance, float32 %v", f32)
		require.InDelta(t, 3, s4/n, 5*math.Sqrt(96/n), "fourth moment, float32 %v", f32)
	}
}

// TestNormZigguratChiSquare bins 2·10⁷ draws into 40 equiprobable bins
// split further at the ziggurat's tail start zigR = 3.6542 and out in the
// tails at ±4, ±4.5 and ±4.75 (P(X > 4.75) = 1.0e-6, about 20 draws
// expected), and requires the chi-square p-value above 10⁻⁴.
func TestNormZigguratChiSquare(t *testing.T) {
	t.Parallel()
	edges := []float64{3.6541528853610088, 4, 4.5, 4.75}
	for k := 1; k < 20; k++ {
		edges = append(edges, tensor.Ndtri(float64(k)/40)) // negative
	}
	for _, e := range slices.Clone(edges) {
		edges = append(edges, -e)
	}
	edges = append(edges, 0)
	slices.Sort(edges)
	edges = slices.Compact(edges)
	for _, f32 := range []bool{false, true} {
		x := normalDraws(20_000_000, f32, 3)
		counts := make([]float64, len(edges)+1)
		for _, v := range x {
			i, _ := slices.BinarySearch(edges, v)
			counts[i]++
		}
		n, chi2 := float64(len(x)), 0.0
		for i, c := range counts {
			lo, hi := math.Inf(-1), math.Inf(1)
			if i > 0 {
				lo = edges[i-1]
			}
			if i < len(edges) {
				hi = edges[i]
			}
			want := n * (tensor.Ndtr(hi) - tensor.Ndtr(lo))
			if lo >= 0 {
				want = n * (tensor.Ndtr(-lo) - tensor.Ndtr(-hi)) // exact in the upper tail
			}
			chi2 += (c - want) * (c - want) / want
		}
		df := float64(len(counts) - 1)
		p := tensor.GammaIncQ(df/2, chi2/2)
		require.Greater(t, p, 1e-4, "float32 %v: chi2 %.1f on %v df", f32, chi2, df)
	}
}

// TestNormFloat32sLayout checks the word layout: without rejections, two
// draws per word, so a prefix of even length is a prefix of a longer fill,
// and an odd length draws its last value from a fresh word's low half.
func TestNormFloat32sLayout(t *testing.T) {
	t.Parallel()
	long := make([]float32, 64)
	tensor.AsRng(rand.NewPCG(5, 6)).NormFloat32s(long)
	short := make([]float32, 7)
	tensor.AsRng(rand.NewPCG(5, 6)).NormFloat32s(short)
	require.Equal(t, long[:6], short[:6])
	require.Equal(t, long[6], short[6])
	for _, v := range long {
		require.False(t, math.IsNaN(float64(v)) || math.IsInf(float64(v), 0))
	}
}
