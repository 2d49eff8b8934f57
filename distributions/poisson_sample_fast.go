package distributions

import "math"

// The rejection samplers (Poisson's PTRS, Binomial's BTRS) compare the log
// of the hat at a uniform with log p(k). The exact log p(k)
// (poissonLogPMF, binomialLogPMF: Loader's saddle-point form) costs a log
// or a series; the plain sum of log-factorials from logFactTable costs a
// few products, and at counts below len(logFactTable) its rounding error
// is below 1e-10 (the terms are below 2e4; each is within a few ulps).
// The cheap sum decides when the hat lies farther than logPMFBand from it,
// the exact form otherwise: the decision is the exact form's in every case
// (the two differ by less than the band), at the cost of the cheap sum for
// all but a fraction of about 1e-8 of the trials.
const logPMFBand = 1e-8

// poissonFastMaxLam bounds the rates at which PTRS uses the cheap sum:
// below it |k·log λ - λ| stays below 1e4 for k < len(logFactTable).
const poissonFastMaxLam = 512

// logFactTable holds log k! for k < 1024, from math.Lgamma (a few ulps:
// TestLogFactTable).
var logFactTable = func() (t [1024]float64) {
	for k := 2; k < len(t); k++ {
		t[k], _ = math.Lgamma(float64(k + 1))
	}
	return t
}()

// poissonFastLogPMF is k·log λ - λ - log k!, the cheap log p(k), and
// whether it applies: logLam is log λ (NaN where λ ≥ poissonFastMaxLam)
// and k a count below len(logFactTable).
func poissonFastLogPMF(k, lam, logLam float64) (float64, bool) {
	if !(k < float64(len(logFactTable))) || logLam != logLam {
		return 0, false
	}
	return k*logLam - lam - logFactTable[int(k)], true
}

// sampleFew reports whether a call draws at most 16 values, which go
// through draw (a *rand.Rand over the same streams: the same uniforms)
// rather than drawRng, whose fixed cost per call is measured 10-20 ns
// higher (an n = 1 call); it is false for a shape draw would reject, so
// that drawRng reports the error.
func sampleFew(e *elementwise, sampleShape []int) bool {
	n := 1
	for _, dims := range [][]int{sampleShape, e.batch} {
		for _, k := range dims {
			if k < 0 || k > 16 {
				return false
			}
			if n *= k; n > 16 {
				return false
			}
		}
	}
	return true
}
