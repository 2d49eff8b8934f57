//go:build !(goexperiment.simd && amd64)

package tensor

// Without GOEXPERIMENT=simd (or off amd64) vecgammabeta.go's kernels are
// its scalar loops.

func gammaLogPdf64(dst, x, logX, a, b, logB, norm []float64, cut float64) bool {
	return gammaLogPdfGo(dst, x, logX, a, b, logB, norm, cut)
}

func gammaLogPdf32(dst, x, logX, a, b []float32, logB, norm []float64, cut float64) bool {
	return gammaLogPdfGo(dst, x, logX, a, b, logB, norm, cut)
}

func betaLogPdf64(dst, logX, log1mX, a1, a0, lb []float64, cut float64) bool {
	return betaLogPdfGo(dst, logX, log1mX, a1, a0, lb, cut)
}

func betaLogPdf32(dst, logX, log1mX, a1, a0 []float32, lb []float64, cut float64) bool {
	return betaLogPdfGo(dst, logX, log1mX, a1, a0, lb, cut)
}

func dirichletTerms64(dst, x, a, logX []float64) bool { return dirichletTermsGo(dst, x, a, logX) }

func dirichletTerms32(dst []float64, x, a, logX []float32) bool {
	return dirichletTermsGo(dst, x, a, logX)
}
