package tensor

import "math"

// incgSettled reports whether a continued fraction's quantity has
// converged, from its change d over the last four levels, the change dp
// over the four before, its scale and the strict relative tolerance tol
// (an ulp or two of the scale). It has when d ≤ tol·scale, as before, or
// when d ≤ 8·tol·scale and d ≤ dp/4: the changes still shrink at least
// fourfold per four levels there, so the neglected tail is at most d/3,
// below 3·tol·scale. The second branch ends the loop when the strict test
// would wait on rounding: the forward recurrences round by a few ulps per
// four levels once the value has converged (measured at a = 0.5, x = 1.5:
// converged after 60 levels, the strict test passed only at 148, the
// value drifting by 3e-15 meanwhile), which made the average fraction at
// the benchmark's draws 42 levels long.
func incgSettled(d, dp, scale, tol float64) bool {
	return d <= tol*scale || d <= 8*tol*scale && d <= dp/4
}

// incgImplicitTrySeries chooses, for x above incgDerivBySeries's range,
// whether StandardGammaGrad first tries the power series
// (incgSeriesDerivGuarded) before the continued fraction. Below
// x = a + 1 + √a the series' two parts cancel little at the benchmark's
// concentrations (by a factor of 3.1 at a = 1, x = 2; 1.8 at a = 5,
// x = 6), and it takes about 22 terms of one short chain each where the
// fraction takes a similar number of levels, each about twice as long.
// Measured over draws of Gamma(a), a ~ U(0.5, 5): 150 ns a gradient
// before (series for x ≤ a only, the fraction's old stopping test), 85
// after; of the 34% of draws tried, 8% fall back to the fraction.
func incgImplicitTrySeries(a, x float64) bool {
	return x < a+1+math.Sqrt(a)
}

// incgSeriesDerivGuarded returns incgSeriesDeriv(a, x) and true where its
// rounding error is within 32 times that of a sum of its parts'
// magnitudes: the result (log x − ψ(a+1))·S − Σ s_n·H_n is a difference
// once x exceeds e^ψ(a+1) ≈ a + ½, and each part carries an error of an
// ulp or two of (|log x| + |ψ(a+1)|)·S and of Σ s_n·H_n. Where the
// difference is smaller than a thirty-second of that scale it returns
// false, and the caller takes the continued fraction, which does not
// cancel there; so the relative error stays below about 64 ulps (1.4e-14,
// against the 1e-12 contract of the draws' table and the 1.3e-13 measured
// at its worst point).
func incgSeriesDerivGuarded(a, x float64) (float64, bool) {
	s, ds := incgSeriesSums(a, x)
	lx, ps := math.Log(x), Digamma(a+1)
	v := (lx-ps)*s - ds
	scale := (math.Abs(lx)+math.Abs(ps))*s + ds
	return v, math.Abs(v)*32 >= scale
}
