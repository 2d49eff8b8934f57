package tensor

// AffineSlice32 writes float32(μ + σ·z) into z[i], each of μ = mu[i] and
// σ = sigma[i] (or mu[0], sigma[0] when of length 1) and z[i] widened to
// float64, a product and a sum each rounded in float64 (no FMA) and the
// sum rounded once to float32: a float32 location-scale draw from standard
// draws z, as the scalar loop `float32(float64(m) + float64(s)*float64(z))`
// gives it, in vector lanes under GOEXPERIMENT=simd.
func AffineSlice32(z, mu, sigma []float32) {
	affine32(z, mu, sigma)
}

// affine32Go is AffineSlice32's scalar loop.
func affine32Go(z, mu, sigma []float32) {
	sm, ss := step(mu), step(sigma)
	for i, v := range z {
		z[i] = float32(float64(mu[i*sm]) + float64(sigma[i*ss])*float64(v))
	}
}
