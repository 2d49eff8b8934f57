package tensor

import "math"

// The last step of the Gamma and Beta log densities once the logs of the
// value and the parameter-only terms are known: a few products and sums
// per element, formed in float64 whatever T is (a float32 sum of terms
// near 10 that cancel to near 0 would lose the result's precision), run in
// 4 float64 lanes with GOEXPERIMENT=simd on an AVX2 CPU. The lanes perform
// the scalar loop's operations in its order, without FMA, so that every
// path gives the same bits. Each reports whether every element took the
// common case; the caller recomputes the others (its special values, its
// other form for large concentrations) with its scalar formula.

// GammaLogPdfSlice writes the gamma log density
//
//	α·log β + (α-1)·log x - βx - norm
//
// of x[i] under a[i] = α, b[i] = β into dst[i] for each i < n, given
// logX[i] = log x[i], logB[i] = log β and norm[i] (log Γ(α)), and returns
// n and whether every α < cut with a finite sum. Where the sum is finite
// every term is, so that it is the density written out with xlogy (0·log 0
// = 0 matters only where a log is infinite). An operand of length 1 stands
// for that value at every i (logX has x's length); n is len(dst), capped
// by the length of every other operand.
func GammaLogPdfSlice[T Float](dst, x, logX, a, b []T, logB, norm []float64, cut float64) (int, bool) {
	n := gammaBetaLen(gammaBetaLen(len(dst), x, logX, a, b), logB, norm)
	dst = dst[:n]
	switch d := any(dst).(type) {
	case []float64:
		return n, gammaLogPdf64(d, any(x).([]float64), any(logX).([]float64), any(a).([]float64), any(b).([]float64), logB, norm, cut)
	case []float32:
		return n, gammaLogPdf32(d, any(x).([]float32), any(logX).([]float32), any(a).([]float32), any(b).([]float32), logB, norm, cut)
	}
	return n, gammaLogPdfGo(dst, x, logX, a, b, logB, norm, cut)
}

// BetaLogPdfSlice writes the beta log density
//
//	(α₁-1)·log x + (α₀-1)·log(1-x) - lb
//
// into dst[i] for each i < n, given logX[i] = log x, log1mX[i] = log(1-x),
// a1[i] = α₁, a0[i] = α₀ and lb[i] = log B(α₁, α₀), and returns n and
// whether every element had min(α₁, α₀) < cut and a finite sum (as for
// GammaLogPdfSlice, then every term is finite). Operands of length 1 are
// broadcast as in GammaLogPdfSlice; log1mX has logX's length.
func BetaLogPdfSlice[T Float](dst, logX, log1mX, a1, a0 []T, lb []float64, cut float64) (int, bool) {
	n := gammaBetaLen(gammaBetaLen(len(dst), logX, log1mX, a1, a0), lb)
	dst = dst[:n]
	switch d := any(dst).(type) {
	case []float64:
		return n, betaLogPdf64(d, any(logX).([]float64), any(log1mX).([]float64), any(a1).([]float64), any(a0).([]float64), lb, cut)
	case []float32:
		return n, betaLogPdf32(d, any(logX).([]float32), any(log1mX).([]float32), any(a1).([]float32), any(a0).([]float32), lb, cut)
	}
	return n, betaLogPdfGo(dst, logX, log1mX, a1, a0, lb, cut)
}

// gammaBetaLen is n capped by the length of every operand that is not
// broadcast (length 1).
func gammaBetaLen[T Float](n int, vs ...[]T) int {
	for _, v := range vs {
		if len(v) != 1 {
			n = min(n, len(v))
		}
	}
	return n
}

// gammaBetaFinite reports whether v is neither infinite nor NaN.
func gammaBetaFinite(v float64) bool { return math.Abs(v) <= math.MaxFloat64 }

// gammaLogPdfGo is GammaLogPdfSlice's scalar loop over len(dst) elements.
func gammaLogPdfGo[T Float](dst, x, logX, a, b []T, logB, norm []float64, cut float64) bool {
	sx, sa, sb, sl, sn := step(x), step(a), step(b), step(logB), step(norm)
	ok := true
	for i := range dst {
		xv, al, be := float64(x[i*sx]), float64(a[i*sa]), float64(b[i*sb])
		lp := al*logB[i*sl] + (al-1)*float64(logX[i*sx]) - be*xv - norm[i*sn]
		if !(al < cut && gammaBetaFinite(lp)) {
			ok = false
		}
		dst[i] = T(lp)
	}
	return ok
}

// betaLogPdfGo is BetaLogPdfSlice's scalar loop over len(dst) elements.
func betaLogPdfGo[T Float](dst, logX, log1mX, a1, a0 []T, lb []float64, cut float64) bool {
	sx, s1, s0, sl := step(logX), step(a1), step(a0), step(lb)
	ok := true
	for i := range dst {
		p1, p0 := float64(a1[i*s1]), float64(a0[i*s0])
		lp := (p1-1)*float64(logX[i*sx]) + (p0-1)*float64(log1mX[i*sx]) - lb[i*sl]
		if !((p1 < cut || p0 < cut) && gammaBetaFinite(lp)) {
			ok = false
		}
		dst[i] = T(lp)
	}
	return ok
}

// DirichletTermsSlice writes the terms (α-1)·log x of a Dirichlet log
// density, (float64(a[i])-1)·float64(logX[i]), into dst[i] for each i < n =
// min(len(dst), len(a), len(logX), len(x)) and returns n and whether every
// x[i] ≤ 1 (false for NaN); the caller sums the terms of each event and
// recomputes the events with a coordinate above 1 or a sum that is not
// finite. Vectorised as GammaLogPdfSlice, with the same bits in every path.
func DirichletTermsSlice[T Float](dst []float64, x, a, logX []T) (int, bool) {
	n := min(len(dst), len(x), len(a), len(logX))
	dst = dst[:n]
	switch d := any(x).(type) {
	case []float64:
		return n, dirichletTerms64(dst, d[:n], any(a).([]float64)[:n], any(logX).([]float64)[:n])
	case []float32:
		return n, dirichletTerms32(dst, d[:n], any(a).([]float32)[:n], any(logX).([]float32)[:n])
	}
	return n, dirichletTermsGo(dst, x[:n], a[:n], logX[:n])
}

// dirichletTermsGo is DirichletTermsSlice's scalar loop, all operands of
// len(dst).
func dirichletTermsGo[T Float](dst []float64, x, a, logX []T) bool {
	x, a, logX = x[:len(dst)], a[:len(dst)], logX[:len(dst)]
	ok := true
	for i := range dst {
		dst[i] = (float64(a[i]) - 1) * float64(logX[i])
		if !(x[i] <= 1) {
			ok = false
		}
	}
	return ok
}
