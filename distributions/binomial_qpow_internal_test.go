package distributions

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// TestBinomialQPowN compares binomialQPowN(p, n) with (1-p)^n
// formed exactly in big.Float arithmetic from p, for every n ≤ 70 (both
// branches) and random p ≤ ½ (uniform, tiny, and near ½).
func TestBinomialQPowN(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	ps := []float64{0.5, 0.5 - 0x1p-53, 1e-300, 0x1p-60, 1e-3, 0.1, 0.3}
	for range 300 {
		ps = append(ps, 0.5*rng.Float64(), math.Ldexp(rng.Float64(), -rng.IntN(40)-1))
	}
	for _, p := range ps {
		for n := 1.0; n <= 70; n++ {
			got := binomialQPowN(p, n)
			q := new(big.Float).SetPrec(400).Sub(big.NewFloat(1).SetPrec(400), new(big.Float).SetPrec(400).SetFloat64(p))
			w := new(big.Float).SetPrec(400).SetFloat64(1)
			for range int(n) {
				w.Mul(w, q)
			}
			want, _ := w.Float64()
			if rel := math.Abs(got-want) / want; rel > 1e-14 {
				t.Fatalf("p = %v, n = %v: got %v, want %v (rel %.2g)", p, n, got, want, rel)
			}
		}
	}
}
