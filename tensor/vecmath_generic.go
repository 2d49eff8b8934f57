//go:build !(goexperiment.simd && amd64)

package tensor

// Without GOEXPERIMENT=simd (or off amd64) the slice kernels are the pure-Go
// loops of vecmath.go.

func logSlice64(dst, x []float64) { logSlice64Go(dst, x) }
func logSlice32(dst, x []float32) { logSlice32Go(dst, x) }
func expSlice64(dst, x []float64) { expSlice64Go(dst, x) }
func expSlice32(dst, x []float32) { expSlice32Go(dst, x) }
