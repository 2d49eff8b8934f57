package tensor

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestAffineSlice32MatchesScalar checks AffineSlice32 bit for bit against
// the scalar expression it documents, over lengths around the vector width,
// broadcast and full μ and σ, and special values.
func TestAffineSlice32MatchesScalar(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	special := []float32{0, float32(math.Copysign(0, -1)), 1e-40, -1e-40, 3.4e38, -3.4e38, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN())}
	pick := func() float32 {
		if r.IntN(8) == 0 {
			return special[r.IntN(len(special))]
		}
		return float32(r.NormFloat64() * math.Pow(10, float64(r.IntN(9)-4)))
	}
	for n := range 40 {
		for _, bm := range []bool{false, true} {
			for _, bs := range []bool{false, true} {
				z, mu, sg := make([]float32, n), make([]float32, max(1, n)), make([]float32, max(1, n))
				for i := range z {
					z[i] = pick()
				}
				for i := range mu {
					mu[i], sg[i] = pick(), pick()
				}
				if bm {
					mu = mu[:1]
				}
				if bs {
					sg = sg[:1]
				}
				want := make([]float32, n)
				for i, v := range z {
					m, s := mu[min(i, len(mu)-1)], sg[min(i, len(sg)-1)]
					want[i] = float32(float64(m) + float64(s)*float64(v))
				}
				AffineSlice32(z, mu, sg)
				for i := range z {
					if math.Float32bits(z[i]) != math.Float32bits(want[i]) && !(z[i] != z[i] && want[i] != want[i]) {
						t.Fatalf("n=%d bm=%v bs=%v: [%d] = %v, want %v", n, bm, bs, i, z[i], want[i])
					}
				}
			}
		}
	}
}
