//go:build goexperiment.simd && amd64

package tensor

import "simd/archsimd"

// countLE is CountLESlice on 4 draws at a time: per threshold a lane-wise
// c_j <= u whose mask (-1 where true) is subtracted from the counts.
func countLE(dst []int64, u, c []float64) {
	n := len(u) &^ 3
	if !useAVX2 || n == 0 {
		countLEGo(dst, u, c)
		return
	}
	for i := 0; i < n; i += 4 {
		vu := archsimd.LoadFloat64x4Slice(u[i:])
		acc := archsimd.BroadcastInt64x4(0)
		for _, v := range c {
			acc = acc.Sub(bc64(v).LessEqual(vu).ToInt64x4())
		}
		acc.StoreSlice(dst[i:])
	}
	countLEGo(dst[n:], u[n:], c)
	archsimd.ClearAVXUpperBits()
}
