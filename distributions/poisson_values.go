package distributions

import (
	"math"

	"github.com/seed39ad66a2/tensordist/tensor"
)

// poissonLogRate is the cached log λ of one rate, a double-double in
// dst[0] + dst[1]; NaN in dst[0] for a rate that poissonValues leaves to
// poissonLogPMF (0, +Inf, negative or NaN).
func poissonLogRate(lam float64, dst []float64) {
	if !(lam > 0 && lam <= math.MaxFloat64) {
		dst[0], dst[1] = math.NaN(), 0
		return
	}
	dst[0], dst[1] = ddLog(lam)
}

// poissonLogRate32 is poissonLogRate for float32 distributions: log λ
// rounded once, all their plain sum needs (and half of the first call's
// cost).
func poissonLogRate32(lam float64, dst []float64) {
	dst[0] = math.NaN()
	if lam > 0 && lam <= math.MaxFloat64 {
		dst[0] = tensor.Log(lam)
	}
}

// poissonValues writes LogProb's log p(k) over a's elements: in float64
// poissonLogPDD's (logRate: poissonLogRate's two planes), in float32
// (logRate: poissonLogRate32's plane) the same sum in plain float64 at the
// elements poissonLogPDD sums (its rounding error, below 2^-52 times the
// sum of the terms' magnitudes, at most about 1e4·|log p| within the
// table, is far below float32's 2^-24), poissonLogPMF's elsewhere.
func poissonValues[T tensor.Float](a *kargs[T], logRate [][]float64) {
	lf := ddTables()
	lh := logRate[0]
	x, rt := a.in[0], a.in[1]
	for r := range a.p.RunsIn(a.lo, a.hi) {
		o, ox, ol, sx, sl := r.Off[0], r.Off[1], r.Off[2], r.Step[1], r.Step[2]
		out := a.out[o : o+r.N]
		if len(logRate) == 2 { // float64: double-doubles
			ll := logRate[1]
			for i := range out {
				j := ol + i*sl
				out[i] = T(poissonLogPDD(float64(x[ox+i*sx]), float64(rt[j]), lh[j], ll[j], lf))
			}
			continue
		}
		if sx == 1 && sl == 1 { // the common layout, without index arithmetic
			poissonPlain(out, x[ox:ox+len(out)], rt[ol:ol+len(out)], lh[ol:ol+len(out)], lf)
			continue
		}
		for i := range out {
			// k is converted from the integer n, not from x: amd64's
			// float32-to-float64 conversion merges into its destination
			// register, which chained the iterations (2x slower)
			v, j := x[ox+i*sx], ol+i*sl
			n, l := int(v), lh[j]
			if uint(n) >= ddTableSize || T(n) != v || l != l {
				out[i] = T(poissonLogPMF(float64(v), float64(rt[j])))
				continue
			}
			out[i] = T(float64(n)*l - float64(rt[j]) - lf[n][0])
		}
	}
}

// poissonPlain is poissonValues' float32 loop over contiguous operands.
func poissonPlain[T tensor.Float](out, xs, rs []T, ls []float64, lf *[ddTableSize][2]float64) {
	rs, ls, out = rs[:len(xs)], ls[:len(xs)], out[:len(xs)]
	for i, v := range xs {
		n, l := int(v), ls[i]
		if uint(n) >= ddTableSize || T(n) != v || l != l {
			out[i] = T(poissonLogPMF(float64(v), float64(rs[i])))
			continue
		}
		out[i] = T(float64(n)*l - float64(rs[i]) - lf[n][0])
	}
}

// poissonLogPDD is log p(k) of Poisson(λ), given log λ = lh + ll cached
// (poissonLogRate). At an integer count k < ddTableSize and a rate with a
// cached log (the common case) it is the direct sum, one table lookup and
// no transcendental function:
//
//	log p(k) = k·log λ - λ - log k!
//
// summed as a double-double (FMA for k·log λ, twoSum for the rest) from
// double-double log λ and log k!, so that its terms, which cancel near the
// mode (k = λ = 1000: 7·10³ terms, log p ≈ -4.1), lose nothing: the result
// is log p correctly rounded but for an ulp or two, as accurate as Loader's
// saddle-point form (poissonLogPMF), which takes over everywhere else:
// non-integer counts (validation off), counts beyond the table, special
// rates.
func poissonLogPDD(k, lam, lh, ll float64, lf *[ddTableSize][2]float64) float64 {
	n := int(k)
	if uint(n) >= ddTableSize || float64(n) != k || lh != lh {
		return poissonLogPMF(k, lam)
	}
	f := &lf[n]
	ph := float64(k * lh) // rounded on its own: no FMA fusion with the sum below
	pl := math.FMA(k, lh, -ph)
	s, e1 := twoSum(ph, -lam)
	s, e2 := twoSum(s, -f[0])
	return s + (pl + e1 + e2 + k*ll - f[1])
}
