//go:build goexperiment.simd && amd64

package tensor

import "simd/archsimd"

// affine32 is AffineSlice32 on 4 float64 lanes (the float32 operands
// widened exactly), the last len(z)%4 elements by the scalar loop.
func affine32(z, mu, sigma []float32) {
	n := len(z) &^ 3
	if !useAVX2 || n == 0 {
		affine32Go(z, mu, sigma)
		return
	}
	bm, bs := len(mu) == 1, len(sigma) == 1
	vm, vs := bc64(float64(mu[0])), bc64(float64(sigma[0]))
	for i := 0; i < n; i += 4 {
		if !bm {
			vm = archsimd.LoadFloat32x4Slice(mu[i:]).ConvertToFloat64()
		}
		if !bs {
			vs = archsimd.LoadFloat32x4Slice(sigma[i:]).ConvertToFloat64()
		}
		v := archsimd.LoadFloat32x4Slice(z[i:]).ConvertToFloat64()
		vm.Add(vs.Mul(v)).ConvertToFloat32().StoreSlice(z[i:])
	}
	affine32Go(z[n:], from(mu, n), from(sigma, n))
	archsimd.ClearAVXUpperBits()
}
