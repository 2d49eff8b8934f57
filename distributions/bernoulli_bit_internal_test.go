package distributions

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestBernoulliBit requires bernoulliBit(u, p) to be exactly the
// comparison (u mod 2⁵³)·2⁻⁵³ < p of rand.Rand.Float64's uniform, on a grid
// of p (tiny, subnormal, dyadic, 0, 1, beyond, NaN and random) at the
// integer threshold t = ⌈p·2⁵³⌉ and its neighbours (so P(1) is exactly
// t·2⁻⁵³, the bit being monotone in u) and at random words.
func TestBernoulliBit(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	ps := []float64{0, 1, -1, 2, math.NaN(), math.Inf(1), math.Inf(-1), 0x1p-53, 0x1p-54, 3 * 0x1p-54, 5e-324, 1e-300, 0.5, 0.5 - 0x1p-54, 0.5 + 0x1p-53, 1 - 0x1p-53, 1 - 0x1p-54, 0.3, 0.7}
	for range 2000 {
		ps = append(ps, rng.Float64(), math.Ldexp(rng.Float64(), -rng.IntN(60)), float64(rng.Uint64()>>11)*0x1p-53)
	}
	want := func(u uint64, p float64) uint64 {
		if float64(u<<11>>11)*0x1p-53 < p {
			return 1
		}
		return 0
	}
	for _, p := range ps {
		var words []uint64
		if p >= 0 && p <= 1 {
			th := uint64(math.Ceil(p * 0x1p53))
			for _, u := range []uint64{th, th + 1, th - 1, th + 2, th - 2} {
				if u < 1<<53 {
					words = append(words, u, u|rng.Uint64()<<53) // the high bits are ignored
				}
			}
			if th < 1<<53 && bernoulliBit(th, p) != 0 || th > 0 && bernoulliBit(th-1, p) != 1 {
				t.Fatalf("p = %v: the threshold %d is not where the bit turns", p, th)
			}
		}
		for range 20 {
			words = append(words, rng.Uint64())
		}
		for _, u := range words {
			if got := bernoulliBit(u, p); got != want(u, p) {
				t.Fatalf("p = %v, u = %#x: got %d, want %d", p, u, got, want(u, p))
			}
		}
	}
}
