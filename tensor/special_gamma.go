package tensor

import "math"

// Log-gamma, digamma, trigamma, log-beta and the log of the modified Bessel
// functions I0 and I1, in float64, to the accuracy contract of special.go:
// relative error at most 1e-14 against a 50-digit mpmath table
// (testdata/special_gamma_ref.json, written by
// testdata/gen_special_gamma_ref.py; see special_gamma_test.go and
// docs/accuracy.md for what was measured). Two exceptions are inherent to
// float64 and measured in the tests: Digamma for x < 0 near one of its
// negative roots, and Lbeta near the curve B(a, b) = 1, where the result
// is the small difference of larger terms and the error is stated relative
// to those terms instead.
//
// The coefficient tables below are derived, and their truncation checked,
// by `python3 testdata/gen_special_gamma_ref.py coeffs`.

const (
	// psiRootHi + psiRootLo = x0 = 1.46163214496836234126..., the positive
	// root of ψ, to about 1e-32 (mpmath, 50 digits). psiRootHiM1 is
	// psiRootHi - 1, exact in float64.
	psiRootHi   = 1.4616321449683622
	psiRootLo   = 9.549995429965697e-17
	psiRootHiM1 = 0.46163214496836225
	invPsiRoot  = 0.6841666717870695377197395 // 1/x0
	invPsiRoot1 = 0.4062345391629797350234712 // 1/(x0+1)

	// i1RootHi + i1RootLo = r = 1.51834710121434827952..., where I1(r) = 1
	// (so log I1 has its root there), to about 1e-32.
	i1RootHi  = 1.5183471012143483
	i1RootLo  = -6.964784426796623e-17
	invI1Root = 0.65861093237522355 // 1/r
)

// Lgamma returns log|Γ(x)|, the natural logarithm of the absolute value of
// the gamma function.
//
// For x > 0 it is math.Lgamma (FreeBSD msun, after Sun's fdlibm), except
// where that misses the accuracy bar: its rational approximation of
// lgamma(1+y) on -0.1 < y < 0.2316 loses up to 5e-15 absolute for
// 0.19 ≲ y < 0.23 (6.2e-14 relative at x = 1.1916, measured against
// mpmath), so on [0.15, 0.25) and [1.15, 1.25) Lgamma sums a Taylor series
// about 1.1875 instead; and math.Lgamma(x) = -math.Log(x) for tiny x is
// wrong for subnormal x on amd64 (see Log), so there it is -Log(|x|).
//
// For x < 0 it returns math.Lgamma(x) (reflection, not checked against the
// accuracy bar: the families only need x > 0), except for subnormal x as
// above.
//
// Special cases are:
//
//	Lgamma(+Inf) = +Inf
//	Lgamma(±0) = +Inf
//	Lgamma(-integer) = +Inf
//	Lgamma(-Inf) = -Inf
//	Lgamma(NaN) = NaN
//
// Lgamma overflows to +Inf for x above about 2.55e305.
func Lgamma(x float64) float64 {
	switch {
	case x >= 0.15 && x < 0.25:
		// log Γ(x) = log Γ(1+x) - log x; x - 0.1875 is exact.
		return lgammaTaylor1p1875(x-0.1875) - math.Log(x)
	case x >= 1.15 && x < 1.25:
		return lgammaTaylor1p1875(x - 1.1875) // exact (Sterbenz)
	case x != 0 && math.Abs(x) < 0x1p-1022:
		// Γ(x) = 1/x - γ + O(x): log|Γ(x)| = -log|x| to far below an ulp.
		return -Log(math.Abs(x))
	}
	lg, _ := math.Lgamma(x)
	return lg
}

// lgammaTaylor1p1875 returns log Γ(1.1875 + t) for |t| ≤ 0.0625, from its
// Taylor series: a_0 = log Γ(c), a_1 = ψ(c), a_k = (-1)^k ζ(k, c)/k for
// k ≥ 2 (c = 1.1875). The radius of convergence is c (the pole at 0), so
// the k-th term is below (0.0625/1.1875)^k/k, and 14 terms leave a
// truncation error below 1e-17 relative (log Γ is between -0.099 and
// -0.069 here, far from its zeros).
func lgammaTaylor1p1875(t float64) float64 {
	return horner(t, lgammaTaylor[:])
}

var lgammaTaylor = [...]float64{
	-0.081661592993019654471,
	-0.30499865003990045741,
	0.64305476954398678059,
	-0.25323501424945545875,
	0.14066467965204209532,
	-0.089551710627866422917,
	0.061160529960338870853,
	-0.043548088901263772015,
	0.031862994032283885973,
	-0.023762671624303289984,
	0.017974299782609322585,
	-0.013745798510436725112,
	0.010604810799977628750,
	-8.2409103884002640094e-3,
}

// horner returns Σ c[k]·t^k.
func horner(t float64, c []float64) float64 {
	s := c[len(c)-1]
	for k := len(c) - 2; k >= 0; k-- {
		s = s*t + c[k]
	}
	return s
}

// Digamma returns ψ(x) = d/dx log Γ(x), the digamma function.
//
// For x ≥ 10 it is the asymptotic series
//
//	ψ(x) = log x - 1/(2x) - Σ_{k=1..8} B_2k/(2k·x^2k)
//
// (Abramowitz & Stegun 6.3.18; the first omitted term is below 2e-18
// relative at x = 10). For 2 < x < 10 the recurrence ψ(x) = ψ(x-1) +
// 1/(x-1) steps down to [1, 2], adding positive terms. On [1, 2], which
// holds ψ's positive root x0 = 1.4616321449683623..., ψ is a Taylor series
// about x0 times t = x - x0 (with x0 split into two float64s, so t is
// exact to an ulp of itself), with the poles at 0 and -1 taken out:
//
//	ψ(x) = t·(1/(x·x0) + 1/((x+1)(x0+1)) + Σ_{k≥1} ψ^(k)(x0+2)/k!·t^(k-1)),
//
// t times a sum of three positive quantities (the series is
// (ψ(x+2) - ψ(x0+2))/t > 0), so the relative error stays at a few ulps even
// next to the root. For 0 < x < 1, ψ(x) = ψ(x+1) - 1/x.
//
// For x < 0 it reflects, ψ(x) = ψ(1-x) - π·cot(πx). This is a difference,
// and next to each negative root of ψ (one in every (-n-1, -n), e.g.
// -0.5040830082644554) it cancels: the error there is a few ulps of
// |ψ(1-x)| + |π·cot(πx)|, not of ψ(x) (the test measures it).
//
// Special cases are:
//
//	Digamma(+Inf) = +Inf
//	Digamma(+0) = -Inf
//	Digamma(-0) = +Inf
//	Digamma(x) = NaN for x a negative integer (a pole whose one-sided
//	limits differ), so also for x ≤ -2^52
//	Digamma(-Inf) = NaN
//	Digamma(NaN) = NaN
//
// Digamma(x) is -Inf for 0 < x < 5.6e-309, where -1/x overflows.
func Digamma(x float64) float64 {
	switch {
	case x > 0:
		return digammaPos(x)
	case x == 0:
		return math.Copysign(math.Inf(1), -x)
	case !(x > math.Inf(-1)): // -Inf or NaN
		return math.NaN()
	}
	w := -x
	f := w - math.Round(w) // in [-1/2, 1/2], exact
	if f == 0 {
		return math.NaN()
	}
	// ψ(x) = ψ(1+w) - π·cot(-πw) = ψ(1+w) + π·cot(πf).
	var p float64
	if w < 1 {
		p = digamma1p(w)
	} else {
		p = digammaPos(w) + 1/w
	}
	return p + math.Pi*cotPi(f)
}

// cotPi returns cot(πf) for 0 < |f| ≤ 1/2 with a relative error of a few
// ulps: near |f| = 1/2, where cot(πf) → 0, it is tan(π(1/2-|f|)) of the
// exact 1/2 - |f|.
func cotPi(f float64) float64 {
	a := math.Abs(f)
	var c float64
	if a <= 0.25 {
		c = 1 / tanSmall(math.Pi*a)
	} else {
		c = tanSmall(math.Pi * (0.5 - a))
	}
	return math.Copysign(c, f)
}

// tanSmall returns tan(u) for |u| ≤ π/4. math.Tan (after Cephes) returns u
// itself when u² ≤ 1e-14, a relative error of up to u²/3 = 3.3e-15 (measured:
// 3.2e-15 in Digamma(-3.14e-8)); there tan u = u + u³/3 to 1e-29.
func tanSmall(u float64) float64 {
	if math.Abs(u) < 1e-7 {
		return u + u*(u*u)*(1.0/3)
	}
	return math.Tan(u)
}

// digammaPos returns ψ(x) for x > 0.
func digammaPos(x float64) float64 {
	switch {
	case x >= 10:
		return digammaAsym(x)
	case x < 1:
		// -1/x overflows to -Inf below 5.6e-309, as ψ(x) does.
		return digamma1p(x) - 1/x
	case x <= 2:
		return digamma1p(x - 1) // x - 1 is exact
	}
	// ψ(x) = ψ(x-n) + Σ_{j=1..n} 1/(x-j), with x - n in (1, 2]. Each
	// x - j is exact (x - j ≥ 1 and is a multiple of x's ulp).
	n := math.Ceil(x) - 2
	var s float64
	for j := 1.0; j <= n; j++ {
		s += 1 / (x - j)
	}
	return digamma1p(x-n-1) + s
}

// digamma1p returns ψ(1+u) for 0 ≤ u ≤ 1, without rounding 1+u where it
// matters (in t).
func digamma1p(u float64) float64 {
	t := (u - psiRootHiM1) - psiRootLo // x - x0, x = 1 + u
	x := 1 + u
	// ψ(x) = ψ(x+2) - 1/x - 1/(x+1) and ψ(x0) = 0 give ψ(x) =
	// [ψ(x+2) - ψ(x0+2)] + [1/x0 - 1/x] + [1/(x0+1) - 1/(x+1)], and the
	// poles' part is t·(1/(x·x0) + 1/((x+1)(x0+1))).
	poles := (invPsiRoot*(x+1) + invPsiRoot1*x) / (x * (x + 1))
	return t * (poles + estrin21(t, &digammaRootTaylor))
}

// digammaRootTaylor[k-1] = ψ^(k)(x0+2)/k! = (-1)^(k+1) ζ(k+1, x0+2): the
// Taylor series of ψ(x+2) about ψ's root x0, whose radius is x0+2 ≈ 3.46.
// On [1, 2], |x - x0| ≤ 0.54, and 21 terms leave a truncation error below
// 1e-17 relative.
var digammaRootTaylor = [...]float64{
	0.33456170985446692180,
	-0.055476208282819658246,
	0.012163351366549664370,
	-2.9766770504308333235e-3,
	7.7130207089227870748e-4,
	-2.0674607628354466318e-4,
	5.6634039311423507538e-5,
	-1.5742042793645156794e-5,
	4.4203814378014482957e-6,
	-1.2502790337317231251e-6,
	3.5550043655489989876e-7,
	-1.0147423082995084911e-7,
	2.9048430651778793607e-8,
	-8.3335076524572674900e-9,
	2.3946448469644643216e-9,
	-6.8895612054600845473e-10,
	1.9840436029350834186e-10,
	-5.7177296346798928470e-11,
	1.6486774896636360824e-11,
	-4.7558910899990478114e-12,
	1.3723653713077137318e-12,
}

// digammaAsym returns ψ(x) for x ≥ 10 from the asymptotic series; the
// coefficients are B_2k/(2k).
func digammaAsym(x float64) float64 {
	z := 1 / (x * x) // 0 for x ≥ 1.4e154: the series is then exact
	s := z * (1.0/12 + z*(-1.0/120+z*(1.0/252+z*(-1.0/240+z*(1.0/132+
		z*(-691.0/32760+z*(1.0/12+z*(-3617.0/8160))))))))
	return math.Log(x) - 0.5/x - s
}

// Trigamma returns ψ₁(x) = d²/dx² log Γ(x), the trigamma function.
//
// For x ≥ 10 it is the asymptotic series
//
//	ψ₁(x) = 1/x + 1/(2x²) + Σ_{k=1..9} B_2k/x^(2k+1)
//
// (Abramowitz & Stegun 6.4.12; the first omitted term is below 6e-18
// relative at x = 10), and below 10 the recurrence ψ₁(x) = ψ₁(x+1) + 1/x²
// steps up to it, adding positive terms. For x < 0 it reflects,
// ψ₁(x) = π²/sin²(πx) - ψ₁(1-x); there ψ₁(1-x) < ψ₁(1) = 1.65 and
// ψ₁(x) > π² - 1.65, so the difference cancels little.
//
// Special cases are:
//
//	Trigamma(+Inf) = 0
//	Trigamma(x) = +Inf for x = ±0 or a negative integer (a pole with
//	+Inf on both sides), so also for x ≤ -2^52
//	Trigamma(-Inf) = NaN
//	Trigamma(NaN) = NaN
//
// Trigamma(x) is +Inf for |x| < 7.5e-155, where 1/x² overflows.
func Trigamma(x float64) float64 {
	switch {
	case x > 0:
		return trigammaPos(x)
	case !(x > math.Inf(-1)): // -Inf or NaN
		return math.NaN()
	}
	w := -x
	f := w - math.Round(w) // in [-1/2, 1/2], exact
	if f == 0 {
		return math.Inf(1)
	}
	// sin²(πx) = sin²(πf); 1+w rounds, which costs ψ₁(1+w) at most about
	// 1.5 ulps of relative error.
	r := math.Pi / math.Sin(math.Pi*f)
	return r*r - trigammaPos(1+w)
}

// trigammaPos returns ψ₁(x) for x > 0.
func trigammaPos(x float64) float64 {
	var s float64
	for x < 10 {
		r := 1 / x // (1/x)², unlike 1/(x·x), stays exact for subnormal x²
		s += r * r
		x++
	}
	r := 1 / x
	z := r * r
	a := r * (1 + r*(0.5+r*(1.0/6+z*(-1.0/30+z*(1.0/42+z*(-1.0/30+z*(5.0/66+
		z*(-691.0/2730+z*(7.0/6+z*(-3617.0/510+z*(43867.0/798)))))))))))
	return a + s
}

// Lbeta returns log B(a, b) = log Γ(a) + log Γ(b) - log Γ(a+b), the log of
// the beta function, for a, b > 0.
//
// With p = min(a, b), q = max(a, b) it never subtracts log-gammas of large
// arguments, which would cancel (log B(1, 1e300) = -690.8 is the difference
// of two numbers near 6.9e302). It uses Stirling's series,
// log Γ(x) = (x-1/2)·log x - x + log √(2π) + δ(x) for x ≥ 10, in the form
// of R's lbeta (nmath/lbeta.c):
//
//	p ≥ 10:  log B = log √(2π) - log(q)/2 + (p-1/2)·log(p/(p+q)) + q·log1p(-p/(p+q)) + δ(p) + δ(q) - δ(p+q)
//	q ≥ 10:  log Γ(q) - log Γ(p+q) = p - p·log(p+q) + (q-1/2)·log1p(-p/(p+q)) + δ(q) - δ(p+q)
//
// For 3 ≤ q < 10 it first moves q up to q+n ≥ 10 with
//
//	log Γ(q) - log Γ(p+q) = log1p(m) + log Γ(q+n) - log Γ(p+q+n),  1+m = Π_{k<n} (1 + p/(q+k)),
//
// where m is accumulated as a sum of positive terms, so that no term is
// larger than about |log Γ(p)| + p·log(p+q+n), instead of subtracting
// log Γ(p+q) ≤ 39 from log Γ(q). For q < 3 it is log Γ(p) + log Γ(q) -
// log Γ(p+q), corrected for the rounding of p+q, whose terms are the
// smaller ones there.
//
// log B(a, b) is 0 along a curve through (1, 1), (0.618..., 2) and
// (0.378..., 9.9), on to p → 0 as q → ∞ (B(p, q) ≈ Γ(p)/q^p = 1), and near
// it the error is a few ulps of those terms, not of the result (the test
// measures it).
//
// Special cases are:
//
//	Lbeta(a, b) = NaN if a or b is NaN or negative
//	Lbeta(0, b) = Lbeta(b, 0) = +Inf for 0 ≤ b < +Inf
//	Lbeta(0, +Inf) = Lbeta(+Inf, 0) = NaN
//	Lbeta(a, +Inf) = Lbeta(+Inf, a) = -Inf for a > 0
func Lbeta(a, b float64) float64 {
	p, q := a, b
	if p > q {
		p, q = q, p
	}
	switch {
	case math.IsNaN(a) || math.IsNaN(b) || p < 0:
		return math.NaN()
	case p == 0:
		if math.IsInf(q, 1) {
			return math.NaN()
		}
		return math.Inf(1)
	case math.IsInf(q, 1):
		return math.Inf(-1)
	case p >= 10:
		s := p + q
		r := p / s
		if math.IsInf(s, 1) {
			r = (0.5 * p) / (0.5*p + 0.5*q)
		}
		corr := lgammaStirlingRem(p) + lgammaStirlingRem(q) - lgammaStirlingRem(s)
		return logSqrt2Pi - 0.5*math.Log(q) + corr + (p-0.5)*math.Log(r) + q*math.Log1p(-r)
	}
	// p < 10: log B = log Γ(p) + [log Γ(q) - log Γ(p+q)].
	if q < 3 {
		// Next to the curve B = 1 the log-gammas here are smaller than the
		// terms below (all are 0 at (1, 1)). s = p+q rounds; with its
		// rounding error e (exact, Fast2Sum as q ≥ p), log Γ(p+q) =
		// log Γ(s) + e·ψ(s) + O(e²).
		s := p + q
		e := p - (s - q)
		lb := Lgamma(p) + (Lgamma(q) - Lgamma(s))
		if e != 0 { // (ψ(s) = -Inf for subnormal s, where e = 0)
			lb -= e * digammaPos(s)
		}
		return lb
	}
	var m float64
	for q < 10 {
		r := p / q
		m += r + m*r // 1+m ← (1+m)(1+r)
		q++
	}
	s := p + q
	corr := lgammaStirlingRem(q) - lgammaStirlingRem(s)
	d := p - p*math.Log(s) + (q-0.5)*math.Log1p(-p/s) + corr
	return Lgamma(p) + math.Log1p(m) + d
}

// lgammaStirlingRem returns δ(x) = log Γ(x) - ((x-1/2)·log x - x + log √(2π))
// for x ≥ 10, from Stirling's series Σ_{k=1..9} B_2k/(2k(2k-1)·x^(2k-1))
// (Abramowitz & Stegun 6.1.40; the first omitted term is below 1.4e-19 at
// x = 10, where δ ≈ 8.3e-3).
func lgammaStirlingRem(x float64) float64 {
	r := 1 / x
	z := r * r
	return r * (1.0/12 + z*(-1.0/360+z*(1.0/1260+z*(-1.0/1680+z*(1.0/1188+
		z*(-691.0/360360+z*(1.0/156+z*(-3617.0/122400+z*(43867.0/244188)))))))))
}

// LogI0 returns log I0(x), the log of the modified Bessel function of the
// first kind of order 0, for every x without overflow (I0 itself
// overflows above x ≈ 713.98). I0 is even, so LogI0(-x) = LogI0(x).
//
// For |x| ≤ 12 it is log1p(y·P(y)), y = x²/4, with P the power series
// I0(x) = Σ y^k/(k!)² = 1 + y·P(y) truncated at 26 terms: all terms are
// positive and log1p keeps the relative precision of y·P(y), so LogI0(x)
// = x²/4 to full precision for small x. For |x| > 12 it is
//
//	log I0(x) = x - log(x)/2 + log(√x·e^-x·I0(x)),
//
// with the exponentially scaled √x·e^-x·I0(x) (between 0.3989 and 0.4035)
// a polynomial in t = 24/x - 1 derived by Chebyshev interpolation, as in
// Cephes' i0e (S. L. Moshier), whose expansions are in 32/x - 2 above 8;
// these coefficients are our own (see gen_special_gamma_ref.py).
//
// Special cases are:
//
//	LogI0(±Inf) = +Inf
//	LogI0(±0) = 0
//	LogI0(NaN) = NaN
func LogI0(x float64) float64 {
	x = math.Abs(x)
	switch {
	case x > 12:
		if math.IsInf(x, 1) {
			return x
		}
		return x - 0.5*math.Log(x) + math.Log(horner(24/x-1, besselI0Scaled[:]))
	case x <= 12:
		h := 0.5 * x
		y := h * h
		return math.Log1p(y * horner(y, besselI0Series[:]))
	}
	return x // NaN
}

// LogI1 returns log I1(x), the log of the modified Bessel function of the
// first kind of order 1, for x ≥ 0, without overflow (I1 itself overflows
// above x ≈ 713.98). I1 is odd, so log I1(x) is not real for x < 0.
//
// It works as LogI0 does, from I1(x) = (x/2)·(1 + y·P1(y)), y = x²/4, for
// x ≤ 12 and from √x·e^-x·I1(x) as a polynomial in 24/x - 1 above, except
// within 0.3 of r = 1.5183471012143483, where I1(r) = 1 and log I1 has its
// root: there it sums
//
//	log I1(x) = log1p(t/r) + t·Σ_k L^(k)(r)/k!·t^(k-1),  t = x - r,
//
// the Taylor series (15 terms) of L(x) = log(I1(x)/(x/2)), which is even
// and analytic out to the zeros ±3.83i of I1. Both terms have the sign of
// t, so the result keeps its relative precision next to the root.
//
// Special cases are:
//
//	LogI1(+Inf) = +Inf
//	LogI1(±0) = -Inf
//	LogI1(x) = NaN for x < 0
//	LogI1(NaN) = NaN
func LogI1(x float64) float64 {
	switch {
	case x > 12:
		if math.IsInf(x, 1) {
			return x
		}
		return x - 0.5*math.Log(x) + math.Log(horner(24/x-1, besselI1Scaled[:]))
	case x == 0:
		return math.Inf(-1)
	case !(x > 0): // x < 0 or NaN
		return math.NaN()
	case math.Abs(x-i1RootHi) <= 0.3:
		t := (x - i1RootHi) - i1RootLo // exact to an ulp of t (Sterbenz)
		return math.Log1p(t*invI1Root) + t*horner(t, logI1RootTaylor[:])
	}
	h := 0.5 * x
	y := h * h
	var lh float64 // log(x/2)
	if x >= 0x1p-1021 {
		lh = math.Log(h) // h exact
	} else {
		lh = Log(x) - math.Ln2
	}
	return lh + math.Log1p(y*horner(y, besselI1Series[:]))
}

// besselI0Series[k] = 1/((k+1)!)²: I0(x) = 1 + y·Σ besselI0Series[k]·y^k,
// y = x²/4 ≤ 36; the 26 terms leave a truncation error below 1e-17
// relative.
var besselI0Series = [...]float64{
	1.0000000000000000000,
	0.25000000000000000000,
	0.027777777777777777778,
	1.7361111111111111111e-3,
	6.9444444444444444444e-5,
	1.9290123456790123457e-6,
	3.9367598891408415218e-8,
	6.1511873267825648778e-10,
	7.5940584281266233059e-12,
	7.5940584281266233059e-14,
	6.2760813455591928148e-16,
	4.3583898233049950103e-18,
	2.5789288895295828463e-20,
	1.3157800456783585951e-22,
	5.8479113141260382003e-25,
	2.2843403570804836720e-27,
	7.9042918930120542283e-30,
	2.4395962632753253791e-32,
	6.7578843858042254269e-35,
	1.6894710964510563567e-37,
	3.8310002187098783599e-40,
	7.9152897080782610742e-43,
	1.4962740468957015263e-45,
	2.5976979980828151499e-48,
	4.1563167969325042398e-51,
	6.1483976285983790529e-54,
}

// besselI1Series[k] = 1/((k+1)!(k+2)!): I1(x) = (x/2)·(1 + y·Σ
// besselI1Series[k]·y^k), y = x²/4 ≤ 36; 25 terms, truncation error below
// 1e-17 relative.
var besselI1Series = [...]float64{
	0.50000000000000000000,
	0.083333333333333333333,
	6.9444444444444444444e-3,
	3.4722222222222222222e-4,
	1.1574074074074074074e-5,
	2.7557319223985890653e-7,
	4.9209498614260519022e-9,
	6.8346525853139609753e-11,
	7.5940584281266233059e-13,
	6.9036894801151120963e-15,
	5.2300677879659940123e-17,
	3.3526075563884577002e-19,
	1.8420920639497020331e-21,
	8.7718669711890573004e-24,
	3.6549445713287738752e-26,
	1.3437296218120492188e-28,
	4.3912732738955856824e-31,
	1.2839980333028028311e-33,
	3.3789421929021127135e-36,
	8.0451004592907445558e-39,
	1.7413637357772174363e-41,
	3.4414303078601135105e-44,
	6.2344751953987563597e-47,
	1.0390791992331260599e-49,
	1.5985833834355785538e-52,
}

// besselI0Scaled: √x·e^-x·I0(x) = Σ besselI0Scaled[k]·t^k, t = 24/x - 1,
// x ≥ 12: Chebyshev interpolation at 40 nodes, truncated to 18 terms and
// expanded in powers of t (Σ|c_k| is within 1% of c_0, so Horner's rule is
// stable); truncation error below 1e-17 relative.
var besselI0Scaled = [...]float64{
	0.40107106506684741645,
	2.1821681721169296387e-3,
	5.5984825333679286930e-5,
	2.7977070193488194913e-6,
	2.1716050262093788126e-7,
	2.3688428428626311721e-8,
	3.4434342412327305510e-9,
	6.4811393345780104844e-10,
	1.5622948046722945316e-10,
	4.7753461886795665849e-11,
	1.8722023652278288160e-11,
	1.1907965227895717644e-11,
	8.6809177650513845467e-12,
	7.9483504886986633900e-13,
	-4.7455346212162747195e-12,
	-2.4352128812532804906e-12,
	6.4376576540246212612e-13,
	5.1624404501492812022e-13,
}

// besselI1Scaled: √x·e^-x·I1(x) = Σ besselI1Scaled[k]·t^k, t = 24/x - 1,
// x ≥ 12, derived as besselI0Scaled.
var besselI1Scaled = [...]float64{
	0.39262449420411655458,
	-6.4054536034823596600e-3,
	-9.1247553550778374051e-5,
	-3.8279513554029150379e-6,
	-2.7268454764371702314e-7,
	-2.8253696822593328787e-8,
	-3.9675520981862668523e-9,
	-7.2823008432856035207e-10,
	-1.7216093304140589215e-10,
	-5.1823212044181636877e-11,
	-2.0004618836565968734e-11,
	-1.2526608533937154717e-11,
	-9.1887216338132064771e-12,
	-9.8717776571215979680e-13,
	4.9166575580942029960e-12,
	2.5825945993893310899e-12,
	-6.5508286922805915063e-13,
	-5.4027017456901317004e-13,
}

// logI1RootTaylor[k-1] = L^(k)(r)/k!, L(x) = log(I1(x)/(x/2)), r the root
// of I1(x) = 1; the radius of the series is |3.83i - r| ≈ 4.1, and 15
// terms leave a truncation error below 1e-17 relative for |x - r| ≤ 0.3.
var logI1RootTaylor = [...]float64{
	0.34767984924141207880,
	0.096080736700289075696,
	-0.010143788567757016373,
	-2.9646783121190189223e-4,
	3.4115280446922174732e-4,
	-4.2487092135162400720e-5,
	-7.1014625633964977790e-6,
	2.9831713695609685899e-6,
	-1.5831973445803451754e-7,
	-1.1443539963671800602e-7,
	2.6331529619966064211e-8,
	1.2837085980308182433e-9,
	-1.5243213194212557380e-9,
	1.8855423268928926820e-10,
	4.6307320110120088889e-11,
}
