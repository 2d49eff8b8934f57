package tensor

// estrin21 returns Σ_{k=0..20} c[k]·t^k by Estrin's scheme (Knuth, TAOCP
// vol. 2, §4.6.4): adjacent coefficients are paired as c[2j] + c[2j+1]·t,
// the pairs combined with t², those with t⁴, and so on, so that the
// evaluation is a tree of depth five instead of Horner's chain of twenty
// multiply-adds. Digamma evaluates its 21-term Taylor series inside the
// loops of the implicit gradients, where that chain's latency, not its
// operation count, was the cost (18% of the Gamma rsample gradient).
//
// The rounding is Horner's order of magnitude for the series it is used on
// (digammaRootTaylor with |t| ≤ 0.54: the coefficients shrink by about
// 0.2 a term, so the sum is its first term plus corrections below 4%, and
// every partial sum carries an error of an ulp of itself).
func estrin21(t float64, c *[21]float64) float64 {
	t2 := t * t
	t4 := t2 * t2
	t8 := t4 * t4
	q0 := c[0] + c[1]*t
	q1 := c[2] + c[3]*t
	q2 := c[4] + c[5]*t
	q3 := c[6] + c[7]*t
	q4 := c[8] + c[9]*t
	q5 := c[10] + c[11]*t
	q6 := c[12] + c[13]*t
	q7 := c[14] + c[15]*t
	q8 := c[16] + c[17]*t
	q9 := c[18] + c[19]*t
	r0 := q0 + q1*t2
	r1 := q2 + q3*t2
	r2 := q4 + q5*t2
	r3 := q6 + q7*t2
	r4 := q8 + q9*t2
	s0 := r0 + r1*t4
	s1 := r2 + r3*t4
	s2 := r4 + c[20]*t4
	return s0 + (s1+s2*t8)*t8
}
