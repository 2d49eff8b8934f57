package tensor

import "math"

// Implicit reparameterisation gradients of Beta draws (Figurnov, Mohamed &
// Mnih, "Implicit reparameterization gradients", NeurIPS 2018): for a draw
// x of Beta(a, b) held at its quantile u = I_x(a, b),
//
//	∂x/∂a = −(∂I_x/∂a)/f(x),  ∂x/∂b = −(∂I_x/∂b)/f(x),
//	f(x) = x^(a−1)(1−x)^(b−1)/B(a, b).
//
// BetaIncDerivA/B followed by a division by exp(BetaLogPDF) gives the same
// numbers, but forms I's power term x^a(1−x)^b/B(a, b) and the density
// separately (log B, two exponentials) only for them to cancel, computes
// the value and both tangents where one is wanted, and walks the
// continued fraction twice. Here the ratio is taken analytically, on the
// side of the cutoff where betaInc works (x below (a+1)/(a+b+2), else the
// complement I_y(b, a), whose density at y is f(x)):
//
//   - series side (a ≤ 1), I = x^a(1+T)/(a·B(a, b)):
//     I/f = x·(1+T)·y^(1−b)/a, with y^(1−b) ≤ e³ there;
//   - continued-fraction side, I = x^a y^b/(B(a, b)·a·g), g the fraction:
//     I/f = x·y/(a·g),
//
// and ∂I/∂θ = I·∂(log I)/∂θ with the logarithmic derivatives of betaInc
// (the power term's analytically, T's and g's as tangents). No log B and no
// exponential of a large argument is formed, so the gradient is finite
// and accurate also where f underflows or overflows. The fraction is
// evaluated in one forward pass of the recurrences of its convergents
// (betaIncFraction walks it twice, by Lentz's method), carrying only the
// tangents asked for, with each coefficient's partials from one division.
// Where the fraction needs hundreds of levels (max(a, b) ≥ 1000 near the
// cutoff) the recurrences round more than Lentz's ratios did: 1.7e-10
// relative at worst on the table against 1.9e-11 (contract 1e-8); below
// 1000 the table's maxima are the series' and unchanged.

// BetaImplicitGrad returns ∂x/∂a and ∂x/∂b at a draw x of Beta(a, b), the
// implicit reparameterisation gradient of the Beta sampler. ∂x/∂a ≥ 0 and
// ∂x/∂b ≤ 0 for 0 < x < 1; both are 0 at x = 0 and x = 1 (a draw that
// underflowed), and NaN where BetaInc is NaN. Against the 50-digit table
// testdata/implicit_ref.json the relative error is the derivatives' (see
// special_implicit_test.go).
func BetaImplicitGrad(a, b, x float64) (ga, gb float64) {
	return betaImplicit(a, b, x, true, true)
}

// BetaImplicitGradA returns ∂x/∂a alone at a draw x of Beta(a, b): the
// Dirichlet gradient needs only this partial of each marginal
// Beta(α_i, S−α_i), and one tangent costs less than two.
func BetaImplicitGradA(a, b, x float64) float64 {
	ga, _ := betaImplicit(a, b, x, true, false)
	return ga
}

// betaImplicit is BetaImplicitGrad, computing the partials asked for (the
// others are returned as 0).
func betaImplicit(a, b, x float64, wantA, wantB bool) (ga, gb float64) {
	switch {
	case !(a > 0 && b > 0 && x >= 0 && x <= 1) || math.IsInf(a, 1) || math.IsInf(b, 1):
		return math.NaN(), math.NaN()
	case x == 0 || x == 1:
		return 0, 0
	}
	x0 := x
	flip, a, b, x, y, d := betaIncSideNoLogs(a, b, x0)
	needA, needB := wantA, wantB
	if flip {
		needA, needB = wantB, wantA
	}
	// log x and log y of the working side (betaIncSide's), each only where
	// it is read: the series reads log y always and log x for the
	// a-tangent, the fraction (betaPowerTangents) log x for the a-tangent
	// and log y for the b-tangent when min(a, b) < 10, and neither above.
	// A Dirichlet coordinate, on the fraction's side with one tangent,
	// saves one of the two logarithms.
	var lx, ly float64
	small := a <= 1 || min(a, b) < 10
	if needA && small {
		lx = betaImplicitLog(x0, flip)
	}
	if a <= 1 || needB && small {
		ly = betaImplicitLog(x0, !flip)
	}
	// r·ka and r·kb are ∂I_w/∂a and ∂I_w/∂b over f, I_w the working side.
	var r, ka, kb float64
	if a <= 1 {
		r, ka, kb = betaImplicitSeries(a, b, x, lx, ly, needA, needB)
	} else {
		r, ka, kb = betaImplicitFraction(a, b, x, y, lx, ly, d, needA, needB)
	}
	// ∂x/∂θ = −(∂I/∂θ)/f; on the flipped side I = 1 − I_w with a and b
	// exchanged.
	if flip {
		return r * kb, r * ka
	}
	return -r * ka, -r * kb
}

// betaImplicitLog returns log x0 (log1p(−x0) when complement), the working
// side's log x or log y as betaIncSide forms them.
func betaImplicitLog(x0 float64, complement bool) float64 {
	if complement {
		return math.Log1p(-x0)
	}
	return Log(x0)
}

// betaImplicitSeries returns I/f and the log-derivatives ∂(log I)/∂a,
// ∂(log I)/∂b on betaIncSeries's side, from its series T and tangents.
func betaImplicitSeries(a, b, x, lx, ly float64, needA, needB bool) (r, ka, kb float64) {
	var t, ta, tb float64
	c, cb := 1.0, 0.0 // c_n = (1−b)_n/n! and ∂c_n/∂b
	xn := 1.0
	for n := 1; n <= betaIncMaxIter; n++ {
		fn := float64(n)
		inv := 1 / (a + fn)
		if needB {
			cb = (cb*(fn-b) - c) / fn // before c: it reads c_{n−1}
		}
		c *= (fn - b) / fn
		xn *= x
		term := a * c * xn * inv
		t += term
		small := math.Abs(term) <= 0x1p-56*math.Abs(t)
		if needA {
			termA := c * xn * fn * inv * inv
			ta += termA
			small = small && math.Abs(termA) <= 0x1p-56*math.Abs(ta)
		}
		if needB {
			termB := a * cb * xn * inv
			tb += termB
			small = small && math.Abs(termB) <= 0x1p-56*math.Abs(tb)
		}
		if small || xn == 0 {
			break
		}
		if n == betaIncMaxIter {
			return math.NaN(), math.NaN(), math.NaN()
		}
	}
	// I = x^a(1+T)/(a·B), f = x^(a−1)y^(b−1)/B: I/f = x(1+T)y^(1−b)/a.
	r = x * (1 + t) * math.Exp((1-b)*ly) / a
	if needA {
		ka = lx - Digamma(1+a) + Digamma(a+b) + ta/(1+t)
	}
	if needB {
		kb = betaIncDigammaDiff(b, a) + tb/(1+t)
	}
	return r, ka, kb
}

// betaImplicitFraction returns I/f and ∂(log I)/∂a, ∂(log I)/∂b on
// betaIncFraction's side: I = P/(a·g), P the power term, g the continued
// fraction 1 + d_1/(1 + d_2/(1 + ⋯)), so that I/f = x·y/(a·g),
// ∂(log I)/∂a = ∂(log P)/∂a − 1/a − g_a/g and ∂(log I)/∂b = ∂(log P)/∂b −
// g_b/g.
func betaImplicitFraction(a, b, x, y, lx, ly, d float64, needA, needB bool) (r, ka, kb float64) {
	g, la, lb := betaImplicitCF(a, b, x, y, needA, needB)
	if math.IsNaN(g) {
		return g, g, g
	}
	pa, pb := betaPowerTangents(a, b, x, y, lx, ly, d, needA, needB)
	r = x * y / (a * g)
	if needA {
		ka = pa - 1/a - la
	}
	if needB {
		kb = pb - lb
	}
	return r, ka, kb
}

// betaImplicitCF returns the continued fraction g = 1 + d_1/(1 + d_2/(1 +
// ⋯)) of betaIncFraction and, as asked, its log-derivatives g_a/g and
// g_b/g, from the forward recurrences of its convergents g_j = A_j/B_j
// (Wallis's; Lorentzen & Waadeland, "Continued Fractions", §1.2),
//
//	A_j = A_(j−1) + d_j·A_(j−2),  B_j = B_(j−1) + d_j·B_(j−2),
//
// A_0 = B_0 = B_1 = 1, A_1 = 1 + d_1 (betaIncFraction's exact-in-y form),
// and of their tangents (A_j' = A_(j−1)' + d_j'·A_(j−2) + d_j·A_(j−2)'),
// so that g_a/g = A_j'/A_j − B_j'/B_j. A level costs a few multiply-adds
// on the loop's dependency chains, against the several divisions of
// Lentz's method (betaIncDepth), and the coefficients' one division is
// off them. Every four levels the state is scaled by the power of two
// nearest 1/B_j (exact) and convergence tested on the change over the four
// levels: of g within 2^−52 relative, and of each log-derivative within
// 2^−51 of its two parts' magnitudes (its rounding, as they cancel to
// it), or within 8 times that while still shrinking fourfold
// (incgSettled: the strict test otherwise waits on the recurrences'
// rounding). An integer b ends the value's fraction (d_j = 0) but not the
// b-tangent's, which this test follows to its own convergence. NaN beyond
// betaIncMaxIter levels.
func betaImplicitCF(a, b, x, y float64, needA, needB bool) (g, la, lb float64) {
	_, d1a, d1b := betaIncCoef(a, b, x, 1)
	ap, ac := 1.0, ((a+1)*y+(1-b)*x)/(a+1) // A_(j−1), A_j
	bp, bc := 1.0, 1.0
	var tap, tac, tbp, tbc float64 // a-tangents of A and B
	var uap, uac, ubp, ubc float64 // b-tangents
	if needA {
		tac = d1a
	}
	if needB {
		uac = d1b
	}
	g = ac
	la, lb = tac/ac, uac/ac
	dgp, dlap, dlbp := math.Inf(1), math.Inf(1), math.Inf(1) // the previous changes
	ab := a + b
	for j := 2; j <= betaIncMaxIter; {
		for k := range 4 {
			// Levels j = 2m, 2m+1 alternate, j even at k = 0 and 2.
			var dj, dja, djb float64
			if m := float64(j / 2); k%2 == 0 {
				dj, dja, djb = betaImplicitCoefEven(a, b, x, m)
			} else {
				dj, dja, djb = betaImplicitCoefOdd(a, b, ab, x, m)
			}
			j++
			if needA {
				tap, tac = tac, tac+(dja*ap+dj*tap)
				tbp, tbc = tbc, tbc+(dja*bp+dj*tbp)
			}
			if needB {
				uap, uac = uac, uac+(djb*ap+dj*uap)
				ubp, ubc = ubc, ubc+(djb*bp+dj*ubp)
			}
			ap, ac = ac, ac+dj*ap
			bp, bc = bc, bc+dj*bp
		}
		// B_j stays positive and normal on the side where the fraction is
		// used (as Lentz's D_j did on the tests' points), so e is a normal
		// number's exponent.
		e := math.Float64bits(bc) >> 52 & 0x7ff
		sc := math.Float64frombits((2046 - e) << 52) // 2^(1023−e)
		ap, ac, bp, bc = ap*sc, ac*sc, bp*sc, bc*sc
		gn := ac / bc
		dg := math.Abs(gn - g)
		done := incgSettled(dg, dgp, gn, 0x1p-52)
		g, dgp = gn, dg
		if needA {
			tap, tac, tbp, tbc = tap*sc, tac*sc, tbp*sc, tbc*sc
			p, q := tac/ac, tbc/bc
			ln := p - q
			dl := math.Abs(ln - la)
			done = done && incgSettled(dl, dlap, math.Abs(p)+math.Abs(q), 0x1p-51)
			la, dlap = ln, dl
		}
		if needB {
			uap, uac, ubp, ubc = uap*sc, uac*sc, ubp*sc, ubc*sc
			p, q := uac/ac, ubc/bc
			ln := p - q
			dl := math.Abs(ln - lb)
			done = done && incgSettled(dl, dlbp, math.Abs(p)+math.Abs(q), 0x1p-51)
			lb, dlbp = ln, dl
		}
		if done {
			return g, la, lb
		}
	}
	nan := math.NaN()
	return nan, nan, nan
}

// betaImplicitCoefOdd and betaImplicitCoefEven return d_j of the
// continued fraction (as betaIncCoef) and its partials with respect to a
// and b, with one division: for j = 2m+1, p = a+2m, q = p+1 (ab = a+b),
//
//	d_j = −(a+m)(a+b+m)x/(pq),
//	∂d_j/∂a = −x·[m(a+b+m)·q + (a+m)(m+1−b)·p]/(pq)²,
//	∂d_j/∂b = −(a+m)x/(pq)
//
// (∂ log d_j/∂a = m/((a+m)p) + (m+1−b)/((a+b+m)q), each part free of the
// cancellation of 1/(a+m) − 1/p); for j = 2m, p = a+2m−1, q = p+1,
//
//	d_j = m(b−m)x/(pq),  ∂d_j/∂a = −d_j(p+q)/(pq),  ∂d_j/∂b = mx/(pq).
//
// They are split by parity, and small enough to be inlined, for
// betaImplicitCF's loop, which knows the parity of each level: a call per
// level with a branch on j cost more than the arithmetic. Both partials
// are always formed (a few multiplications; the loop reads only those
// asked for).
func betaImplicitCoefOdd(a, b, ab, x, m float64) (dj, dja, djb float64) {
	p := a + 2*m
	q := p + 1
	inv := 1 / (p * q)
	am := a + m
	abm := ab + m
	xi := x * inv
	return -am * abm * xi, -xi * inv * (m*abm*q + am*(m+1-b)*p), -am * xi
}

func betaImplicitCoefEven(a, b, x, m float64) (dj, dja, djb float64) {
	p := a + 2*m - 1
	q := p + 1
	inv := 1 / (p * q)
	mxi := m * x * inv
	dj = mxi * (b - m)
	return dj, -dj * (p + q) * inv, mxi
}

// betaPowerTangents returns, as asked, the partials of the log power term
// log(x^a y^b/B(a, b)) of betaPowerTerm: log x − ψ(a) + ψ(a+b) and
// log y − ψ(b) + ψ(a+b), without its value (and so without log B).
func betaPowerTangents(a, b, x, y, lx, ly, d float64, needA, needB bool) (pa, pb float64) {
	if min(a, b) < 10 {
		if needA && needB && b >= 1e-4*a && a >= 1e-4*b {
			// ψ(a+b) once; no cancellation to guard against at these ratios
			// (betaIncDigammaDiff's series is for h < 1e-4·z).
			ps := Digamma(a + b)
			return lx + (ps - Digamma(a)), ly + (ps - Digamma(b))
		}
		if needA {
			pa = lx + betaIncDigammaDiff(a, b)
		}
		if needB {
			pb = ly + betaIncDigammaDiff(b, a)
		}
		return pa, pb
	}
	s := a + b
	if needA {
		ta := d / a
		if ta < -0.5 {
			pa = Log(x*s/a) + betaIncLogMinusDigamma(a) - betaIncLogMinusDigamma(s)
		} else {
			pa = math.Log1p(ta) + betaIncLogMinusDigamma(a) - betaIncLogMinusDigamma(s)
		}
	}
	if needB {
		tb := -d / b
		if tb < -0.5 {
			pb = Log(y*s/b) + betaIncLogMinusDigamma(b) - betaIncLogMinusDigamma(s)
		} else {
			pb = math.Log1p(tb) + betaIncLogMinusDigamma(b) - betaIncLogMinusDigamma(s)
		}
	}
	return pa, pb
}
