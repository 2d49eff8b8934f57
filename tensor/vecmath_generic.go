//go:build !(goexperiment.simd && amd64)

package tensor

// Without GOEXPERIMENT=simd (or off amd64) the slice kernels are the pure-Go
// loops of vecmath.go, vecnormal.go and vecbernoulli.go.

func logSlice64(dst, x []float64)   { logSlice64Go(dst, x) }
func logSlice32(dst, x []float32)   { logSlice32Go(dst, x) }
func expSlice64(dst, x []float64)   { expSlice64Go(dst, x) }
func expSlice32(dst, x []float32)   { expSlice32Go(dst, x) }
func log1pSlice64(dst, x []float64) { log1pSlice64Go(dst, x) }
func log1pSlice32(dst, x []float32) { log1pSlice32Go(dst, x) }

func normalLogPdf64(dst, x, loc, scale, logScale []float64) {
	normalLogPdfGo(dst, x, loc, scale, logScale)
}

func normalLogPdf32(dst, x, loc, scale, logScale []float32) {
	normalLogPdfGo(dst, x, loc, scale, logScale)
}

func negAbs64(dst, x []float64) { negAbs64Go(dst, x) }
func negAbs32(dst, x []float32) { negAbs32Go(dst, x) }

func bernoulliCombine64(dst, x, logits, sp []float64) { bernoulliCombineGo(dst, x, logits, sp) }
func bernoulliCombine32(dst, x, logits, sp []float32) { bernoulliCombineGo(dst, x, logits, sp) }

func affine32(z, mu, sigma []float32) { affine32Go(z, mu, sigma) }

func countLE(dst []int64, u, c []float64) { countLEGo(dst, u, c) }
