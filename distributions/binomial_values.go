package distributions

import (
	"math"

	"github.com/seed39ad66a2/tensordist/tensor"
)

// binomialParamLogs is the cached log p and log(1-p) of one success
// parameter, double-doubles in dst[0] + dst[1] and dst[2] + dst[3]; NaN in
// dst[0] where binomialValues leaves the element to binomialLogPMF (p or
// 1-p zero or below the normal range, NaN). p and q = 1-p are
// newBinomialPQ's; the smaller of the two is taken as exact and the other
// as 1 minus it (exact in a double-double), so that the logs are of one
// distribution: where log p(k) is ill-conditioned in p (k far from n·p)
// the rounding of p from logits shows as it does in Loader's form.
func binomialParamLogs(logits bool) func(v float64, dst []float64) {
	return func(v float64, dst []float64) {
		b := newBinomialPQ(v, logits)
		if !(b.p >= 0x1p-1022 && b.q >= 0x1p-1022) {
			dst[0], dst[1], dst[2], dst[3] = math.NaN(), 0, 0, 0
			return
		}
		if b.p <= b.q {
			dst[0], dst[1] = ddLog(b.p)
			dst[2], dst[3] = ddLog1m(b.p)
			return
		}
		dst[0], dst[1] = ddLog1m(b.q)
		dst[2], dst[3] = ddLog(b.q)
	}
}

// binomialParamLogs32 is binomialParamLogs for float32 distributions:
// log p and log(1-p) rounded once (binomialLogs), all their plain sum
// needs (and less than half of the first call's cost); NaN in dst[0] where either
// is infinite or NaN.
func binomialParamLogs32(logits bool) func(v float64, dst []float64) {
	return func(v float64, dst []float64) {
		dst[0], dst[1] = binomialLogs(v, logits)
		if !(dst[0] > math.Inf(-1) && dst[1] > math.Inf(-1)) {
			dst[0] = math.NaN()
		}
	}
}

// binomialValues writes LogProb's exact log p(k) over a's elements. In
// float64 it is binomialLogPDD's (logs: binomialParamLogs' four planes).
// In float32 (logs: binomialParamLogs32's two) it is the same sum in plain
// float64 at integers 0 ≤ k ≤ n < ddTableSize with finite logs: its
// rounding error, a few 2^-53 times the terms' magnitudes, is far below
// float32's 2^-24 relative to log p(k), which is at least about
// ½·log(2πnpq) in magnitude where the log-factorials (up to 6e3) cancel,
// and at least |k·log p + (n-k)·log(1-p)| where those dominate. Elsewhere
// it is binomialLogPMF's.
func binomialValues[T tensor.Float](a *kargs[T], logits bool, logs [][]float64) {
	lf := ddTables()
	x, nn, par := a.in[0], a.in[1], a.in[2]
	for r := range a.p.RunsIn(a.lo, a.hi) {
		o, ox, on, op := r.Off[0], r.Off[1], r.Off[2], r.Off[3]
		sx, sn, sp := r.Step[1], r.Step[2], r.Step[3]
		out := a.out[o : o+r.N]
		if len(logs) == 4 { // float64: double-doubles
			ph, pl, qh, ql := logs[0], logs[1], logs[2], logs[3]
			for i := range out {
				j := op + i*sp
				lp := binomialLogPDD(float64(x[ox+i*sx]), float64(nn[on+i*sn]), ph[j], pl[j], qh[j], ql[j], lf)
				if lp != lp { // not summed there: the parameter is needed
					lp = binomialLogPMF(float64(x[ox+i*sx]), float64(nn[on+i*sn]), newBinomialPQ(float64(par[j]), logits))
				}
				out[i] = T(lp)
			}
			continue
		}
		ph, qh := logs[0], logs[1]
		if sx == 1 && sn == 1 && sp == 1 { // the common layout, without index arithmetic
			m := len(out)
			binomialPlain(out, x[ox:ox+m], nn[on:on+m], par[op:op+m], ph[op:op+m], qh[op:op+m], logits, lf)
			continue
		}
		for i := range out {
			// k and n are converted from the integers, not from x: see
			// poissonValues
			k, n, j := x[ox+i*sx], nn[on+i*sn], op+i*sp
			ki, ni, lp := int(k), int(n), ph[j]
			if uint(ni) >= ddTableSize || T(ni) != n || uint(ki) > uint(ni) || T(ki) != k || lp != lp {
				out[i] = T(binomialLogPMF(float64(k), float64(n), newBinomialPQ(float64(par[j]), logits)))
				continue
			}
			out[i] = T(lf[ni][0] - lf[ki][0] - lf[ni-ki][0] + float64(ki)*lp + float64(ni-ki)*qh[j])
		}
	}
}

// binomialPlain is binomialValues' float32 loop over contiguous operands.
func binomialPlain[T tensor.Float](out, xs, ns, ps []T, ph, qh []float64, logits bool, lf *[ddTableSize][2]float64) {
	ns, ps, ph, qh, out = ns[:len(xs)], ps[:len(xs)], ph[:len(xs)], qh[:len(xs)], out[:len(xs)]
	for i, k := range xs {
		n := ns[i]
		ki, ni, lp := int(k), int(n), ph[i]
		if uint(ni) >= ddTableSize || T(ni) != n || uint(ki) > uint(ni) || T(ki) != k || lp != lp {
			out[i] = T(binomialLogPMF(float64(k), float64(n), newBinomialPQ(float64(ps[i]), logits)))
			continue
		}
		out[i] = T(lf[ni][0] - lf[ki][0] - lf[ni-ki][0] + float64(ki)*lp + float64(ni-ki)*qh[i])
	}
}

// binomialLogPDD is log p(k) of Binomial(n, p), given log p = ph + pl and
// log(1-p) = qh + ql cached (binomialParamLogs), or NaN where it leaves
// the element to binomialLogPMF. At integers 0 ≤ k ≤ n < ddTableSize and
// a parameter with cached logs (the common case) it is the direct sum,
// three table lookups and no transcendental function:
//
//	log p(k) = log n! - log k! - log (n-k)! + k·log p + (n-k)·log(1-p)
//
// summed as a double-double (FMA for the products, twoSum for the sums)
// from double-double logs, so that its terms, up to 6e3 while log p(k) is
// near -4 at the mode, cancel without loss: the result is correctly
// rounded but for an ulp or two, as accurate as Loader's form
// (binomialLogPMF), which takes over elsewhere: non-integers (validation
// off), counts beyond the table, p at 0, 1 or beyond the normal range.
func binomialLogPDD(k, n, ph, pl, qh, ql float64, lf *[ddTableSize][2]float64) float64 {
	ki, ni := int(k), int(n)
	if uint(ni) >= ddTableSize || float64(ni) != n || uint(ki) > uint(ni) || float64(ki) != k || ph != ph {
		return math.NaN()
	}
	fn, fk, fj := &lf[ni], &lf[ki], &lf[ni-ki]
	m := n - k
	p1 := float64(k * ph) // rounded on their own: no FMA fusion with the sums
	p2 := float64(m * qh)
	e1 := math.FMA(k, ph, -p1)
	e2 := math.FMA(m, qh, -p2)
	s, t1 := twoSum(fn[0], -fk[0])
	s, t2 := twoSum(s, -fj[0])
	s, t3 := twoSum(s, p1)
	s, t4 := twoSum(s, p2)
	return s + (fn[1] - fk[1] - fj[1] + e1 + e2 + k*pl + m*ql + t1 + t2 + t3 + t4)
}
