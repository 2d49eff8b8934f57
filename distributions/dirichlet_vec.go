package distributions

import (
	"math"
	"slices"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// dirichletValues writes log p of the events of run r into dst: the logs of
// the value rows from tensor.LogSlice (in T), as many rows at a time as fit
// in logChunk elements (once in all when x is broadcast along the run),
// then the sums: dirichletContiguous where the α rows step along the run
// too (the common case), dirichletRows4 and dirichletRow where they are
// broadcast. Events of more than logChunk coordinates take dirichletEvent.
// Every path adds the same terms in dirichletEvent's order.
func dirichletValues[T tensor.Float](dst, xd, a []T, lnA []float64, k int, r shape.Run, scr *kscratch[T]) {
	o, ox, oa, sx, sa := r.Off[0], r.Off[1], r.Off[2], r.Step[1], r.Step[2]
	if k > logChunk {
		for i := range r.N {
			row := oa + i*sa
			lp, _ := dirichletEvent(xd[(ox+i*sx)*k:][:k], a[row*k:][:k], lnA[row], nil)
			dst[o+i] = T(lp)
		}
		return
	}
	buf := scr.t[0][:]
	if sx == 0 {
		xr := xd[ox*k:][:k]
		lx := buf[:k]
		tensor.LogSlice(lx, xr)
		for i := range r.N {
			row := oa + i*sa
			dst[o+i] = T(dirichletRow(lx, xr, a[row*k:][:k], lnA[row]))
		}
		return
	}
	per := logChunk / k
	for c := 0; c < r.N; c += per {
		m := min(per, r.N-c)
		xs := xd[(ox+c)*k:][:m*k]
		lx := buf[:m*k]
		tensor.LogSlice(lx, xs)
		if sa == 1 {
			dirichletContiguous(dst[o+c:][:m], xs, lx, a[(oa+c)*k:][:m*k], lnA[oa+c:][:m], k, scr.f[0][:])
			continue
		}
		i := 0
		for ; i+4 <= m; i += 4 {
			row := oa + (c+i)*sa
			dirichletRows4(dst[o+c+i:][:4], lx[i*k:][:4*k], xs[i*k:][:4*k], a, lnA, row, sa, k)
		}
		for ; i < m; i++ {
			row := oa + (c+i)*sa
			dst[o+c+i] = T(dirichletRow(lx[i*k:][:k], xs[i*k:][:k], a[row*k:][:k], lnA[row]))
		}
	}
}

// dirichletContiguous is dirichletRow for the events of dst, whose value
// rows x (logs lx) and α rows a are contiguous: the terms (α_i-1)·log x_i
// from tensor.DirichletTermsSlice, in vector lanes, then each event's sum
// in dirichletRow's order, 4 events side by side (dirichletSums). Events
// with a coordinate above 1 (looked for only when the kernel saw one) or a
// sum that is not finite are dirichletEvent's.
func dirichletContiguous[T tensor.Float](dst, x, lx, a []T, lnA []float64, k int, buf []float64) {
	terms := buf[:len(x)]
	_, under := tensor.DirichletTermsSlice(terms, x, a, lx)
	dirichletSums(dst, terms, lnA, k)
	for e, v := range dst {
		xr := x[e*k:][:k]
		if math.Abs(float64(v)) <= math.MaxFloat64 && (under || !slices.ContainsFunc(xr, func(v T) bool { return v > 1 })) {
			continue
		}
		lp, _ := dirichletEvent(xr, a[e*k:][:k], lnA[e], nil)
		dst[e] = T(lp)
	}
}

// dirichletSums writes lnA[e] + Σ terms of event e, summed in order, into
// dst[e]: 4 events side by side, so that their additions overlap.
func dirichletSums[T tensor.Float](dst []T, terms, lnA []float64, k int) {
	lnA = lnA[:len(dst)]
	e := 0
	for ; e+4 <= len(dst); e += 4 {
		t0, t1, t2, t3 := terms[e*k:][:k], terms[(e+1)*k:][:k], terms[(e+2)*k:][:k], terms[(e+3)*k:][:k]
		s0, s1, s2, s3 := lnA[e], lnA[e+1], lnA[e+2], lnA[e+3]
		for j := range t0 {
			s0 += t0[j]
			s1 += t1[j]
			s2 += t2[j]
			s3 += t3[j]
		}
		dst[e], dst[e+1], dst[e+2], dst[e+3] = T(s0), T(s1), T(s2), T(s3)
	}
	for ; e < len(dst); e++ {
		s := lnA[e]
		for _, v := range terms[e*k:][:k] {
			s += v
		}
		dst[e] = T(s)
	}
}

// dirichletRows4 is dirichletRow for 4 consecutive events, whose value rows
// are contiguous in x and lx and whose α rows are row, row+sa, row+2sa and
// row+3sa: the 4 sums run side by side, each in dirichletRow's order (the
// same bits), so that they overlap instead of waiting on one another's
// additions.
func dirichletRows4[T tensor.Float](dst, lx, x, a []T, lnA []float64, row, sa, k int) {
	r0, r1, r2, r3 := row, row+sa, row+2*sa, row+3*sa
	a0, a1, a2, a3 := a[r0*k:][:k], a[r1*k:][:k], a[r2*k:][:k], a[r3*k:][:k]
	l0, l1, l2, l3 := lx[:k], lx[k:][:k], lx[2*k:][:k], lx[3*k:][:k]
	s0, s1, s2, s3 := lnA[r0], lnA[r1], lnA[r2], lnA[r3]
	for j := range k {
		s0 += (float64(a0[j]) - 1) * float64(l0[j])
		s1 += (float64(a1[j]) - 1) * float64(l1[j])
		s2 += (float64(a2[j]) - 1) * float64(l2[j])
		s3 += (float64(a3[j]) - 1) * float64(l3[j])
	}
	over := false
	for _, v := range x[:4*k] {
		if v > 1 {
			over = true
		}
	}
	sums := [4]float64{s0, s1, s2, s3}
	for e, lp := range sums {
		if over || !(math.Abs(lp) <= math.MaxFloat64) {
			r := row + e*sa
			lp, _ = dirichletEvent(x[e*k:][:k], a[r*k:][:k], lnA[r], nil)
		}
		dst[e] = T(lp)
	}
}

// dirichletRow is dirichletEvent given the logs lx of the coordinates x:
// A(α) + Σ (α_i-1)·log x_i, summed in dirichletEvent's order. Where that
// sum is not finite (a coordinate 0, below 0 or NaN: where XLogY's 0·log 0
// = 0 or the support decide) or a coordinate exceeds 1, it is
// dirichletEvent's; a finite sum has finite terms, each dirichletEvent's
// up to log x's last bit.
func dirichletRow[T tensor.Float](lx, x, a []T, lnA float64) float64 {
	lx, a = lx[:len(x)], a[:len(x)]
	lp, over := lnA, false
	for j, v := range x {
		lp += (float64(a[j]) - 1) * float64(lx[j])
		if v > 1 {
			over = true
		}
	}
	if over || !(math.Abs(lp) <= math.MaxFloat64) {
		lp, _ = dirichletEvent(x, a, lnA, nil)
	}
	return lp
}
