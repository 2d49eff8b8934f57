package distributions

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestMVNAffineCols requires mvnAffineCols to equal mvnAffine bit for bit
// (the same sums in the same order, four rows at a time), for n = 1…9 in
// both dtypes, on random factors with entries of mixed magnitude.
func TestMVNAffineCols(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	val := func() float64 { return rng.NormFloat64() * math.Pow(10, float64(rng.IntN(9)-4)) }
	for n := 1; n <= 9; n++ {
		for range 200 {
			mu, l, eps := make([]float64, n), make([]float64, n*n), make([]float64, n)
			for i := range mu {
				mu[i], eps[i] = val(), rng.NormFloat64()
			}
			for i := range l {
				l[i] = val()
			}
			want, got := make([]float64, n), make([]float64, n)
			mvnAffine(want, mu, l, eps)
			mvnAffineCols(got, mu, l, eps)
			for i := range want {
				if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
					t.Fatalf("n = %d, row %d: got %v, want %v", n, i, got[i], want[i])
				}
			}
			mu32, l32 := make([]float32, n), make([]float32, n*n)
			for i := range mu {
				mu32[i] = float32(mu[i])
			}
			for i := range l {
				l32[i] = float32(l[i])
			}
			w32, g32 := make([]float32, n), make([]float32, n)
			mvnAffine(w32, mu32, l32, eps)
			mvnAffineCols(g32, mu32, l32, eps)
			for i := range w32 {
				if math.Float32bits(g32[i]) != math.Float32bits(w32[i]) {
					t.Fatalf("float32 n = %d, row %d: got %v, want %v", n, i, g32[i], w32[i])
				}
			}
		}
	}
}
