package tensor

import "math"

// Vector log and exp: the kernels behind the large-n log densities, where
// one math.Log per element (~6 ns) used to cost more than everything else.
// The float32 kernels compute in float32.
//
// Methods (formulas only; the code is ours):
//   - log: fdlibm's e_log.c / e_logf.c (Sun Microsystems, 1993; in Go's
//     math.Log and FreeBSD's msun): x = 2^k·m with m in [√2/2, √2),
//     f = m-1, s = f/(2+f), log(1+f) = f - f²/2 + s(f²/2 + R(s²)) with their
//     minimax R (7 terms in float64, 4 in float32), and k·ln2 split in a
//     high part exact in k·ln2hi and a low part. fdlibm bounds the error
//     below 1 ulp. The split of x into k and m is musl's branch-free integer
//     form (log.c, 2018): subtract the bits of √2/2 and read k off the
//     exponent field.
//   - exp: Cody–Waite reduction x = k·ln2 + r, |r| ≤ ln2/2, with ln2 split
//     as above; float64 then uses fdlibm's e_exp.c rational form
//     exp(r) = 1 + r + r·c/(2-c) (error < 1 ulp), float32 Cephes expf's
//     degree-5 polynomial for (e^r - 1 - r)/r² (S. Moshier, 1984-2000). The
//     scale 2^k is applied as two factors 2^⌊k/2⌋·2^(k-⌊k/2⌋), each a normal
//     number, so that results in the subnormal range round once.
//
// Special values are as for math.Log and math.Exp, subnormal inputs
// included (see Log): Log(±0) = -Inf, Log(x < 0) = NaN, Log(+Inf) = +Inf,
// Exp(+Inf) = +Inf, Exp(-Inf) = 0, NaN gives NaN. Exp overflows only
// above log(MaxFloat64): Exp(709.78) is 1.79e308, where math.Exp on amd64
// returns +Inf. Errors (vecmath_test.go, against math/big and float64
// math): below 1 ulp for log and exp in both dtypes, in the pure-Go and the
// AVX2 kernels alike.

// LogSlice writes log(x[i]) into dst[i] for i < min(len(dst), len(x)) and
// returns that count, like copy. With GOEXPERIMENT=simd on an AVX2+FMA CPU
// it runs 4 (float64) or 8 (float32) lanes at a time.
func LogSlice[T Float](dst, x []T) int {
	n := min(len(dst), len(x))
	switch d := any(dst).(type) {
	case []float64:
		logSlice64(d[:n], any(x).([]float64)[:n])
	case []float32:
		logSlice32(d[:n], any(x).([]float32)[:n])
	default: // a named float type: per element, through the widest kernel
		for i := range n {
			dst[i] = T(log64(float64(x[i])))
		}
	}
	return n
}

// ExpSlice writes e**x[i] into dst[i] for i < min(len(dst), len(x)) and
// returns that count, like copy; vectorised as LogSlice.
func ExpSlice[T Float](dst, x []T) int {
	n := min(len(dst), len(x))
	switch d := any(dst).(type) {
	case []float64:
		expSlice64(d[:n], any(x).([]float64)[:n])
	case []float32:
		expSlice32(d[:n], any(x).([]float32)[:n])
	default:
		for i := range n {
			dst[i] = T(exp64(float64(x[i])))
		}
	}
	return n
}

// Log1pSlice writes log(1+x[i]) into dst[i] for i < min(len(dst), len(x))
// and returns that count, like copy; vectorised as LogSlice. It keeps the
// relative precision of small x (log1p(1e-20) = 1e-20), which log(1+x)
// loses, and is within 1 ulp (2 in float32: see vecmath_test.go).
func Log1pSlice[T Float](dst, x []T) int {
	n := min(len(dst), len(x))
	switch d := any(dst).(type) {
	case []float64:
		log1pSlice64(d[:n], any(x).([]float64)[:n])
	case []float32:
		log1pSlice32(d[:n], any(x).([]float32)[:n])
	default:
		for i := range n {
			dst[i] = T(log1p64(float64(x[i])))
		}
	}
	return n
}

// fdlibm e_log.c's minimax coefficients for R(z) = Σ Lgk·z^k.
const (
	lg1 = 6.666666666666735130e-01
	lg2 = 3.999999999940941908e-01
	lg3 = 2.857142874366239149e-01
	lg4 = 2.222219843214978396e-01
	lg5 = 1.818357216161805012e-01
	lg6 = 1.531383769920937332e-01
	lg7 = 1.479819860511658591e-01

	ln2Hi = 6.93147180369123816490e-01 // 32 significant bits: k·ln2Hi is exact
	ln2Lo = 1.90821492927058770002e-10

	// sqrtHalfBits - 0x3fe0000000000000: subtracting it from the bits of a
	// normal x leaves k+1022 in the exponent field, k from x = 2^k·m,
	// m in [√2/2, √2) (0x3fe6a09e667f3bcd is the float64 below √2/2).
	logOff64 = 0x0006a09e667f3bcd
)

// log64 is fdlibm's log for float64; the slice loops inline it.
func log64(x float64) float64 {
	if !(x >= 0x1p-1022 && x <= math.MaxFloat64) { // rare: branch predicted
		return logSpecial64(x)
	}
	return logNormal64(x, 0, 0)
}

// logNormal64 is log(x) - 52·sub·ln2 + lo for normal positive finite x
// and a correction lo well below x's ulp, added with the low part of k·ln2
// before the one rounding (log1p64's).
func logNormal64(x, sub, lo float64) float64 {
	ix := math.Float64bits(x)
	kb := (ix - logOff64) >> 52                       // k + 1022
	m := math.Float64frombits(ix - kb<<52 + 1022<<52) // x·2^-k in [√2/2, √2)
	k := math.Float64frombits(0x4330000000000000|kb) - (0x1p52 + 1022) - sub
	f := m - 1 // exact (Sterbenz)
	s := f / (2 + f)
	z := s * s
	w := z * z
	r := z*(lg1+w*(lg3+w*(lg5+w*lg7))) + w*(lg2+w*(lg4+w*lg6))
	hfsq := 0.5 * f * f
	return k*ln2Hi - ((hfsq - (s*(hfsq+r) + (k*ln2Lo + lo))) - f)
}

// logSpecial64 is log64 off the normal positive range.
func logSpecial64(x float64) float64 {
	switch {
	case x > 0 && x < 0x1p-1022: // subnormal: make it normal
		return logNormal64(x*0x1p52, 52, 0)
	case x == 0:
		return math.Inf(-1)
	case x < 0 || x != x:
		return math.NaN()
	}
	return x // +Inf
}

func logSlice64Go(dst, x []float64) {
	for i, v := range x {
		dst[i] = log64(v)
	}
}

// log1p64 is log(1+x) through log64's formula: with c = 1+x rounded,
// log(1+x) = log c + log(1 + d/c) ≈ log c + d/c, where d = x - (c-1) is
// the rounding error of c, exact; d/c joins the low part of log c before
// its last rounding (fdlibm's s_log1p.c does the same). Where c is 1,
// x itself (the sign of a zero kept). c is never subnormal (1+x is exact
// for x in [-1, -0.5]), so off the normal range it is log64's special
// values.
func log1p64(x float64) float64 {
	c := 1 + x
	if c == 1 {
		return x
	}
	if !(c >= 0x1p-1022 && c <= math.MaxFloat64) {
		return logSpecial64(c)
	}
	return logNormal64(c, 0, (x-(c-1))/c)
}

func log1pSlice64Go(dst, x []float64) {
	for i, v := range x {
		dst[i] = log1p64(v)
	}
}

// fdlibm e_logf.c's float32 coefficients (FreeBSD's, |error| < 2^-34.24).
const (
	lgf1 = 0xaaaaaa.0p-24
	lgf2 = 0xccce13.0p-25
	lgf3 = 0x91e9ee.0p-25
	lgf4 = 0xf89e26.0p-26

	ln2HiF = 6.9313812256e-01 // 0x3f317180: k·ln2HiF is exact
	ln2LoF = 9.0580006145e-06 // 0x3717f7d1

	logOff32 = 0x003504f3 // bits of √2/2 (0x3f3504f3) - 0x3f000000
)

// log32 is fdlibm's logf, computed in float32.
func log32(x float32) float32 {
	if !(x >= 0x1p-126 && x <= math.MaxFloat32) {
		return logSpecial32(x)
	}
	return logNormal32(x, 0, 0)
}

// logNormal32 is logNormal64 in float32.
func logNormal32(x, sub, lo float32) float32 {
	ix := math.Float32bits(x)
	kb := (ix - logOff32) >> 23 // k + 126
	m := math.Float32frombits(ix - kb<<23 + 126<<23)
	k := math.Float32frombits(0x4b000000|kb) - (0x1p23 + 126) - sub
	f := m - 1
	s := f / (2 + f)
	z := s * s
	w := z * z
	r := z*(lgf1+w*lgf3) + w*(lgf2+w*lgf4)
	hfsq := 0.5 * f * f
	return k*ln2HiF - ((hfsq - (s*(hfsq+r) + (k*ln2LoF + lo))) - f)
}

func logSpecial32(x float32) float32 {
	switch {
	case x > 0 && x < 0x1p-126:
		return logNormal32(x*0x1p23, 23, 0)
	case x == 0:
		return float32(math.Inf(-1))
	case x < 0 || x != x:
		return float32(math.NaN())
	}
	return x
}

func logSlice32Go(dst, x []float32) {
	for i, v := range x {
		dst[i] = log32(v)
	}
}

// log1p32 is log1p64 in float32, through log32.
func log1p32(x float32) float32 {
	c := 1 + x
	if c == 1 {
		return x
	}
	if !(c >= 0x1p-126 && c <= math.MaxFloat32) {
		return logSpecial32(c)
	}
	return logNormal32(c, 0, (x-(c-1))/c)
}

func log1pSlice32Go(dst, x []float32) {
	for i, v := range x {
		dst[i] = log1p32(v)
	}
}

// fdlibm e_exp.c's coefficients: c(r) = r - Σ Pk·r^(2k) on |r| ≤ ln2/2.
const (
	expP1 = 1.66666666666666019037e-01
	expP2 = -2.77777777770155933842e-03
	expP3 = 6.61375632143793436117e-05
	expP4 = -1.65339022054652515390e-06
	expP5 = 4.13813679705723846039e-08

	log2e = 1.44269504088896338700e+00

	// roundMagic = 1.5·2^52: for |j| < 2^51, the bits of roundMagic+j
	// end in j (two's complement), so adding it rounds to an integer and
	// (bits << 52) is j's exponent field.
	roundMagic = 0x1.8p52

	expMax64 = 7.09782712893383973096e+02  // above: +Inf (log(MaxFloat64))
	expMin64 = -7.45133219101941108420e+02 // below: 0 (log of half the smallest subnormal)
)

// exp64 is e**x for float64.
func exp64(x float64) float64 {
	if !(x >= -746 && x <= 710) {
		return expSpecial(x)
	}
	k := (x*log2e + roundMagic) - roundMagic // round to nearest
	hi := x - k*ln2Hi
	lo := k * ln2Lo
	r := hi - lo
	t := r * r
	c := r - t*(expP1+t*(expP2+t*(expP3+t*(expP4+t*expP5))))
	y := 1 - ((lo - (r*c)/(2-c)) - hi)
	k1 := (k*0.5 - 0.25 + roundMagic) - roundMagic // ⌊k/2⌋: 2^k = 2^k1 · 2^(k-k1), both normal
	s1 := math.Float64frombits(math.Float64bits(k1+(roundMagic+1023)) << 52)
	s2 := math.Float64frombits(math.Float64bits((k-k1)+(roundMagic+1023)) << 52)
	return y * s1 * s2
}

// expSpecial is e**x for x outside [-746, 710]: NaN, ±Inf, under/overflow.
func expSpecial(x float64) float64 {
	switch {
	case x > 0:
		return math.Inf(1)
	case x < 0:
		return 0
	}
	return x // NaN
}

func expSlice64Go(dst, x []float64) {
	for i, v := range x {
		dst[i] = exp64(v)
	}
}

// Cephes expf's coefficients: e^r = 1 + r + r²·P(r) on |r| ≤ ln2/2.
const (
	expfP0 = 1.9875691500e-4
	expfP1 = 1.3981999507e-3
	expfP2 = 8.3334519073e-3
	expfP3 = 4.1665795894e-2
	expfP4 = 1.6666665459e-1
	expfP5 = 5.0000001201e-1

	ln2HiExpF   = 0.693359375    // 0x3f318000: k·ln2HiExpF is exact for |k| < 2^15
	ln2LoExpF   = -2.12194440e-4 // ln2 - ln2HiExpF
	roundMagicF = 0x1.8p23       // roundMagic for float32
)

// exp32 is e**x computed in float32.
func exp32(x float32) float32 {
	if !(x >= -104 && x <= 89) {
		return float32(expSpecial(float64(x)))
	}
	k := (x*log2e + roundMagicF) - roundMagicF
	r := (x - k*ln2HiExpF) - k*ln2LoExpF
	p := expfP0*r + expfP1
	p = p*r + expfP2
	p = p*r + expfP3
	p = p*r + expfP4
	p = p*r + expfP5
	y := (p*r)*r + r + 1
	k1 := (k*0.5 - 0.25 + roundMagicF) - roundMagicF
	s1 := math.Float32frombits(math.Float32bits(k1+(roundMagicF+127)) << 23)
	s2 := math.Float32frombits(math.Float32bits((k-k1)+(roundMagicF+127)) << 23)
	return y * s1 * s2
}

func expSlice32Go(dst, x []float32) {
	for i, v := range x {
		dst[i] = exp32(v)
	}
}
