package tensor

import "math"

// CountLESlice writes into dst[i] the number of thresholds c[j] <= u[i],
// for finite u and c: with c non-decreasing, the inverse-CDF index of u
// among cumulative sums (Categorical's draws from one row). Several draws
// at a time in vector lanes under GOEXPERIMENT=simd; exact either way.
func CountLESlice(dst []int64, u, c []float64) {
	countLE(dst[:len(u)], u, c)
}

// countLEGo is CountLESlice's scalar loop: each comparison from the sign
// of u - v (exact: a difference of distinct finite floats is never 0 and
// keeps its sign, and u - u is +0), not a branch, which on random u would
// mispredict about once per draw.
func countLEGo(dst []int64, u, c []float64) {
	for i, x := range u {
		var n int64
		for _, v := range c {
			n += 1 - int64(math.Float64bits(x-v)>>63)
		}
		dst[i] = n
	}
}
