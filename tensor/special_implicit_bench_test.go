package tensor

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkImplicitDist times the implicit gradients over the parameter
// distributions of bench/rsample_grad_test.go: Gamma α ~ U(0.5, 5) at
// x ~ Gamma(α); Beta a, b ~ U(0.5, 5) at x ~ Beta(a, b); Dirichlet K = 10,
// c ~ U(0.5, 5), each marginal Beta(c_i, S − c_i) at its component.
func BenchmarkImplicitDist(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	const n = 4096
	ga, gx := make([]float64, n), make([]float64, n)
	ba, bb, bx := make([]float64, n), make([]float64, n), make([]float64, n)
	da, db, dx := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range n {
		ga[i] = 0.5 + 4.5*r.Float64()
		gx[i] = implicitGammaDraw(r, ga[i])
		ba[i], bb[i] = 0.5+4.5*r.Float64(), 0.5+4.5*r.Float64()
		bx[i] = implicitBetaDraw(r, ba[i], bb[i])
	}
	for i := 0; i < n; i += 10 {
		var c, g [10]float64
		var s, t float64
		for k := range 10 {
			c[k] = 0.5 + 4.5*r.Float64()
			g[k] = implicitGammaDraw(r, c[k])
			s += c[k]
			t += g[k]
		}
		for k := range min(10, n-i) {
			da[i+k], db[i+k], dx[i+k] = c[k], s-c[k], g[k]/t
		}
	}
	b.Run("Gamma", func(b *testing.B) {
		var s float64
		for i := 0; b.Loop(); i++ {
			k := i % n
			s += StandardGammaGrad(ga[k], gx[k])
		}
		_ = s
	})
	b.Run("Beta", func(b *testing.B) {
		var s float64
		for i := 0; b.Loop(); i++ {
			k := i % n
			x, y := BetaImplicitGrad(ba[k], bb[k], bx[k])
			s += x + y
		}
		_ = s
	})
	b.Run("Dirichlet", func(b *testing.B) {
		var s float64
		for i := 0; b.Loop(); i++ {
			k := i % n
			s += BetaImplicitGradA(da[k], db[k], dx[k])
		}
		_ = s
	})
}
