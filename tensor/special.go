package tensor

import "math"

// Special functions in float64. Each is accurate to a relative error of
// 1e-14 or better over its whole domain, tails included (see
// special_test.go, which checks them against a 50-digit mpmath table in
// testdata/special_ref.json). Where Go's math package already meets that
// bar the function is a thin wrapper; the float32 kernels widen to float64
// and call these.

const (
	// invSqrt2Hi + invSqrt2Lo = 1/√2 to about 1e-33: invSqrt2Hi is the
	// float64 nearest 1/√2 and invSqrt2Lo the rest (mpmath, 50 digits).
	invSqrt2Hi = 0.7071067811865476
	invSqrt2Lo = -4.833646656726457e-17

	logSqrt2Pi  = 0.91893853320467274178032973640561763986139747363778 // log √(2π)
	invSqrt2Pi  = 0.39894228040143267793994605993438186847585863116493 // 1/√(2π)
	twoOverSqPi = 1.1283791670955125738961589031215451716881012586580  // 2/√π
)

// Log is math.Log, except that it is also correct for subnormal x: on
// amd64 (Go 1.26) math.Log(5e-324) returns -709.09 instead of -744.44, as
// the assembly (log_amd64.s) splits x into exponent and mantissa by bit
// masking, which is wrong for subnormals. Scaling by 2^52 first makes x
// normal.
func Log(x float64) float64 {
	if x > 0 && x < 0x1p-1022 {
		return math.Log(x*0x1p52) - 52*math.Ln2
	}
	return math.Log(x)
}

// Log1p returns log(1+x), accurate also when x is near zero.
//
// Special cases are as for math.Log1p:
//
//	Log1p(+Inf) = +Inf
//	Log1p(±0) = ±0
//	Log1p(-1) = -Inf
//	Log1p(x < -1) = NaN
//	Log1p(NaN) = NaN
func Log1p(x float64) float64 { return math.Log1p(x) }

// Expm1 returns e**x - 1, accurate also when x is near zero.
//
// Special cases are as for math.Expm1:
//
//	Expm1(+Inf) = +Inf
//	Expm1(-Inf) = -1
//	Expm1(NaN) = NaN
//
// Values above log(MaxFloat64) ≈ 709.78 overflow to +Inf.
func Expm1(x float64) float64 {
	if x > 709 {
		// math.Expm1 (and math.Exp on amd64) return +Inf for the largest
		// x below log(MaxFloat64), 709.782712893384, where e^x - 1 is
		// 1.7976931348622732e308. Here e^x - 1 rounds to e^x, and x-1 is
		// exact, so e^(x-1)·e costs only two more roundings.
		return math.Exp(x-1) * math.E
	}
	return math.Expm1(x)
}

// Softplus returns log(1 + e**x) without overflow for large x and without
// losing the result to 1+e**x rounding to 1 for very negative x: there it
// returns e**x to full precision, until e**x itself underflows.
//
// Special cases are:
//
//	Softplus(+Inf) = +Inf
//	Softplus(-Inf) = 0
//	Softplus(NaN) = NaN
func Softplus(x float64) float64 {
	if x > 0 {
		// log(1+e^x) = x + log(1+e^-x); e^-x < 1 cannot overflow.
		return x + math.Log1p(math.Exp(-x))
	}
	// e^x ≤ 1 here, and Log1p(y) = y for tiny y, so the far tail is exact.
	return math.Log1p(math.Exp(x))
}

// LogSigmoid returns log σ(x) = -log(1 + e**-x) = -Softplus(-x), accurate
// in both tails.
//
// Special cases are:
//
//	LogSigmoid(+Inf) = 0
//	LogSigmoid(-Inf) = -Inf
//	LogSigmoid(NaN) = NaN
func LogSigmoid(x float64) float64 { return -Softplus(-x) }

// Sigmoid returns the logistic function σ(x) = 1/(1 + e**-x), accurate in
// both tails (for x < 0 it is e**x/(1+e**x), which never overflows and
// keeps full relative precision down to the underflow of e**x).
//
// Special cases are:
//
//	Sigmoid(+Inf) = 1
//	Sigmoid(-Inf) = 0
//	Sigmoid(NaN) = NaN
func Sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// Erf returns the error function of x. It is math.Erf (FreeBSD msun,
// after Sun's fdlibm), which meets the package's accuracy bar.
//
// Special cases are:
//
//	Erf(+Inf) = 1
//	Erf(-Inf) = -1
//	Erf(NaN) = NaN
func Erf(x float64) float64 { return math.Erf(x) }

// Erfc returns the complementary error function 1 - erf(x), with full
// relative precision in the right tail down to its underflow near x = 27.3.
// It is math.Erfc (FreeBSD msun, after Sun's fdlibm), which meets the
// package's accuracy bar.
//
// Special cases are:
//
//	Erfc(+Inf) = 0
//	Erfc(-Inf) = 2
//	Erfc(NaN) = NaN
func Erfc(x float64) float64 { return math.Erfc(x) }

// erfcSplit returns erfc(hi+lo) for |lo| ≲ ulp(hi). Forming the argument
// in float64 rounds it by up to half an ulp, a relative error δ that erfc
// turns into a relative error of about 2·hi²·δ (1.5e-13 at hi = 26); the
// first-order correction
//
//	erfc(hi+lo) ≈ erfc(hi)·(1 - lo·r(hi)),  r(t) = 2e^{-t²}/(√π·erfc(t))
//
// removes it (the second-order term is below 1e-25 for hi < 28).
func erfcSplit(hi, lo float64) float64 {
	e := math.Erfc(hi)
	if hi < 1 || e == 0 {
		// 2·hi²·δ < 2.2e-16 relative: nothing to correct.
		return e
	}
	var r float64
	if hi < 26 {
		// exp(-hi²) and e are normal numbers here. The rounding of hi*hi
		// only perturbs the correction itself, by ≤ 1e-13 relative.
		r = twoOverSqPi * math.Exp(-hi*hi) / e
	} else {
		// Asymptotic r(t) = 2t + 1/t - 1/t³ + ..., good to 1e-6 at
		// t = 26, where a subnormal e would make the ratio above inexact.
		r = 2*hi + 1/hi
	}
	return e - e*(lo*r)
}

// Ndtr returns the standard normal cumulative distribution function
//
//	Φ(x) = (1 + erf(x/√2))/2 = erfc(-x/√2)/2,
//
// with full relative precision in the left tail down to its underflow near
// x = -38.5.
//
// Special cases are:
//
//	Ndtr(+Inf) = 1
//	Ndtr(-Inf) = 0
//	Ndtr(NaN) = NaN
func Ndtr(x float64) float64 {
	switch {
	case math.IsNaN(x):
		return x
	case x < -40: // Φ(-40) ≈ 3.7e-350 underflows
		return 0
	case x > 40:
		return 1
	}
	// t = -x/√2 as the unevaluated sum hi+lo (exact to about 1e-32), so
	// that the rounding of -x/√2 does not cost 2t²·ulp in erfc's tail.
	hi := -x * invSqrt2Hi
	lo := math.FMA(-x, invSqrt2Hi, -hi) + (-x)*invSqrt2Lo
	return 0.5 * erfcSplit(hi, lo)
}

// LogNdtr returns log Φ(x), the log of the standard normal cumulative
// distribution function, to full relative precision for every x: for
// x > 0 it is log1p(-Φ(-x)), for -20 ≤ x ≤ 0 it is log(Φ(x)), and for
// x < -20 it uses the asymptotic expansion (Abramowitz & Stegun 26.2.12)
//
//	log Φ(x) = -x²/2 - log(-x) - log √(2π) + log(1 - 1/x² + 3/x⁴ - 15/x⁶ + ...),
//
// so that LogNdtr(-1e10) ≈ -5e19 - log(1e10) - log √(2π).
//
// Special cases are:
//
//	LogNdtr(+Inf) = 0
//	LogNdtr(-Inf) = -Inf
//	LogNdtr(NaN) = NaN
func LogNdtr(x float64) float64 {
	switch {
	case math.IsNaN(x):
		return x
	case math.IsInf(x, 1):
		return 0
	case math.IsInf(x, -1):
		return x
	case x > 0:
		// log Φ(x) = log(1-Φ(-x)); Φ(-x) ≤ 1/2 keeps full precision.
		return math.Log1p(-Ndtr(-x))
	case x >= -20:
		// Φ(x) ≤ 1/2, so |log Φ(x)| ≥ log 2 and its relative error
		// stays that of Φ.
		return math.Log(Ndtr(x))
	}
	// The series is asymptotic: its k-th term (2k-1)!!/x^2k shrinks while
	// 2k+1 < x², and at x = -20 it is below 1e-17 by k = 10.
	z := 1 / (x * x)
	term, s := 1.0, 0.0
	for k := 1; k <= 20; k++ {
		term *= -float64(2*k-1) * z
		s += term
		if math.Abs(term) < 1e-17 {
			break
		}
	}
	// (0.5*x)*x, unlike x*x/2, stays finite while x²/2 is.
	return -(0.5*x)*x - math.Log(-x) - logSqrt2Pi + math.Log1p(s)
}

// Ndtri returns the inverse of the standard normal cumulative distribution
// function: the x with Φ(x) = p. The far tails are exact: for p > 1/2 it
// works from 1-p, which is exact in float64, so Ndtri(p) = -Ndtri(1-p)
// exactly for every float64 p in [1/2, 1].
//
// Special cases are:
//
//	Ndtri(0) = -Inf
//	Ndtri(1) = +Inf
//	Ndtri(p) = NaN if p < 0, p > 1 or p is NaN
func Ndtri(p float64) float64 {
	switch {
	case !(p >= 0 && p <= 1):
		return math.NaN()
	case p == 0:
		return math.Inf(-1)
	case p == 1:
		return math.Inf(1)
	}
	// q is exact for p in [1/4, 1]; below that its rounding costs at most
	// about 1e-16 relative in the result.
	q := p - 0.5
	if math.Abs(q) <= 0.425 {
		x := ppnd16Central(q)
		// One Newton step on Φ(x) - p, written as erf(x/√2)/2 - q so the
		// residual does not cancel to 1/2's ulp when x is near 0.
		return x - (0.5*math.Erf(x*invSqrt2Hi)-q)/(invSqrt2Pi*math.Exp(-0.5*x*x))
	}
	t := p
	if q > 0 {
		t = 1 - p // exact (Sterbenz) since p ≥ 1/2
	}
	y := ppnd16Tail(t) // y < 0 with Φ(y) ≈ t
	// One Newton step on log Φ(y) - log t, which stays well scaled even
	// when t is subnormal: the step is that residual times the Mills
	// ratio Φ(y)/φ(y) = exp(log Φ(y) + y²/2 + log √(2π)).
	l := LogNdtr(y)
	y -= (l - Log(t)) * math.Exp(l+0.5*y*y+logSqrt2Pi)
	if q > 0 {
		return -y
	}
	return y
}

// ppnd16Central is PPND16's rational approximation for |q| ≤ 0.425, where
// q = p - 1/2: Ndtri(p) ≈ q·A(r)/B(r), r = 0.180625 - q². From M. J.
// Wichura, "Algorithm AS 241: The Percentage Points of the Normal
// Distribution", Applied Statistics 37(3):477-484 (1988); accurate to about
// 1 part in 1e16.
func ppnd16Central(q float64) float64 {
	r := 0.180625 - q*q
	num := (((((((2.5090809287301226727e+3*r+3.3430575583588128105e+4)*r+
		6.7265770927008700853e+4)*r+4.5921953931549871457e+4)*r+
		1.3731693765509461125e+4)*r+1.9715909503065514427e+3)*r+
		1.3314166789178437745e+2)*r + 3.3871328727963666080e0)
	den := (((((((5.2264952788528545610e+3*r+2.8729085735721942674e+4)*r+
		3.9307895800092710610e+4)*r+2.1213794301586595867e+4)*r+
		5.3941960214247511077e+3)*r+6.8718700749205790830e+2)*r+
		4.2313330701600911252e+1)*r + 1)
	return q * num / den
}

// ppnd16Tail is PPND16's approximation of Ndtri(t) for 0 < t < 0.075 (the
// lower tail; it returns a negative x), in r = √(-log t): C/D for r ≤ 5,
// E/F beyond. Wichura (1988), see ppnd16Central. Wichura states it for
// t ≥ 1e-300; measured, it stays within 1e-15 down to t = 5e-324.
func ppnd16Tail(t float64) float64 {
	r := math.Sqrt(-Log(t))
	if r <= 5 {
		r -= 1.6
		num := (((((((7.74545014278341407640e-4*r+2.27238449892691845833e-2)*r+
			2.41780725177450611770e-1)*r+1.27045825245236838258e0)*r+
			3.64784832476320460504e0)*r+5.76949722146069140550e0)*r+
			4.63033784615654529590e0)*r + 1.42343711074968357734e0)
		den := (((((((1.05075007164441684324e-9*r+5.47593808499534494600e-4)*r+
			1.51986665636164571966e-2)*r+1.48103976427480074590e-1)*r+
			6.89767334985100004550e-1)*r+1.67638483018380384940e0)*r+
			2.05319162663775882187e0)*r + 1)
		return -num / den
	}
	r -= 5
	num := (((((((2.01033439929228813265e-7*r+2.71155556874348757815e-5)*r+
		1.24266094738807843860e-3)*r+2.65321895265761230930e-2)*r+
		2.96560571828504891230e-1)*r+1.78482653991729133580e0)*r+
		5.46378491116411436990e0)*r + 6.65790464350110377720e0)
	den := (((((((2.04426310338993978564e-15*r+1.42151175831644588870e-7)*r+
		1.84631831751005468180e-5)*r+7.86869131145613259100e-4)*r+
		1.48753612908506148525e-2)*r+1.36929880922735805310e-1)*r+
		5.99832206555887937690e-1)*r + 1)
	return -num / den
}

// XLogY returns x·log(y), defined as 0 when x == 0 (for any y but NaN, so
// that 0·log 0 = 0 as entropies and likelihoods need).
//
// Special cases are:
//
//	XLogY(0, y) = 0 for y not NaN
//	XLogY(x, NaN) = NaN
//	XLogY(x, y) = x·log(y) otherwise (so NaN for y < 0 and x != 0)
func XLogY(x, y float64) float64 {
	if x == 0 && !math.IsNaN(y) {
		return 0
	}
	return x * Log(y)
}

// XLog1pY returns x·log(1+y), computed with log1p and defined as 0 when
// x == 0 (for any y but NaN).
//
// Special cases are:
//
//	XLog1pY(0, y) = 0 for y not NaN
//	XLog1pY(x, NaN) = NaN
//	XLog1pY(x, y) = x·log1p(y) otherwise (so NaN for y < -1 and x != 0)
func XLog1pY(x, y float64) float64 {
	if x == 0 && !math.IsNaN(y) {
		return 0
	}
	return x * math.Log1p(y)
}
