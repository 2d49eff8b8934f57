package tensor

import (
	"math/rand/v2"
	"testing"
)

// TestCountLESliceCountsThresholds checks CountLESlice against a direct
// count of c[j] <= u[i], over lengths around the vector width, thresholds
// with repeats (zero-probability categories) and draws equal to a
// threshold.
func TestCountLESliceCountsThresholds(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for k := 1; k <= 17; k++ {
		c := make([]float64, k)
		var s float64
		for j := range c {
			if r.IntN(4) > 0 { // a quarter of the categories have probability 0
				s += r.Float64()
			}
			c[j] = s
		}
		for n := range 11 {
			u, got := make([]float64, n), make([]int64, n)
			for i := range u {
				u[i] = r.Float64() * s
				if r.IntN(3) == 0 {
					u[i] = c[r.IntN(k)] // on a threshold: counted
				}
			}
			CountLESlice(got, u, c)
			for i, x := range u {
				var want int64
				for _, v := range c {
					if v <= x {
						want++
					}
				}
				if got[i] != want {
					t.Fatalf("k=%d n=%d: count(%v) = %d, want %d (c = %v)", k, n, x, got[i], want, c)
				}
			}
		}
	}
}
