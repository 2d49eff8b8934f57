//go:build goexperiment.simd && amd64

package tensor

import (
	"math"
	"simd/archsimd"
)

// The AVX2+FMA forms of vecmath.go's kernels: the same formulas on 4
// float64 or 8 float32 lanes, the polynomials' Horner steps fused (so
// results may differ from the pure-Go loops by an ulp), special values
// blended in with masks instead of branches. CPUs without AVX2 and FMA take
// the pure-Go loops.

// useAVX2 reports whether the vector kernels may run.
var useAVX2 = archsimd.X86.AVX2() && archsimd.X86.FMA()

func logSlice64(dst, x []float64) {
	if !useAVX2 {
		logSlice64Go(dst, x)
		return
	}
	vec64(dst, x, opLog)
}

func logSlice32(dst, x []float32) {
	if !useAVX2 {
		logSlice32Go(dst, x)
		return
	}
	vec32(dst, x, opLog)
}

func expSlice64(dst, x []float64) {
	if !useAVX2 {
		expSlice64Go(dst, x)
		return
	}
	vec64(dst, x, opExp)
}

func expSlice32(dst, x []float32) {
	if !useAVX2 {
		expSlice32Go(dst, x)
		return
	}
	vec32(dst, x, opExp)
}

func log1pSlice64(dst, x []float64) {
	if !useAVX2 {
		log1pSlice64Go(dst, x)
		return
	}
	vec64(dst, x, opLog1p)
}

func log1pSlice32(dst, x []float32) {
	if !useAVX2 {
		log1pSlice32Go(dst, x)
		return
	}
	vec32(dst, x, opLog1p)
}

// vecOp selects the kernel of vec64 and vec32.
type vecOp int

const (
	opLog vecOp = iota
	opExp
	opLog1p
)

// vec64 runs op's kernel over x's whole vectors and then over its last
// len(x)%4 elements padded with ones, so that every element goes through
// the same instructions wherever it lies. (A func parameter instead of op
// would make dst and x escape: callers' stack buffers would move to the
// heap.)
func vec64(dst, x []float64, op vecOp) {
	n := len(x) &^ 3
	if n > 0 { // each call broadcasts its constants: none for nothing
		if op == opExp {
			exp64x4(dst[:n], x[:n])
		} else {
			log64x4(dst[:n], x[:n], op)
		}
	}
	if n < len(x) {
		in, out := [4]float64{1, 1, 1, 1}, [4]float64{}
		copy(in[:], x[n:])
		if op == opExp {
			exp64x4(out[:], in[:])
		} else {
			log64x4(out[:], in[:], op)
		}
		copy(dst[n:], out[:len(x)-n])
	}
	archsimd.ClearAVXUpperBits() // else later scalar SSE code pays for dirty upper halves
}

// vec32 is vec64 for 8 float32 lanes.
func vec32(dst, x []float32, op vecOp) {
	n := len(x) &^ 7
	if n > 0 {
		if op == opExp {
			exp32x8(dst[:n], x[:n])
		} else {
			log32x8(dst[:n], x[:n], op)
		}
	}
	if n < len(x) {
		in, out := [8]float32{1, 1, 1, 1, 1, 1, 1, 1}, [8]float32{}
		copy(in[:], x[n:])
		if op == opExp {
			exp32x8(out[:], in[:])
		} else {
			log32x8(out[:], in[:], op)
		}
		copy(dst[n:], out[:len(x)-n])
	}
	archsimd.ClearAVXUpperBits()
}

func bc64(v float64) archsimd.Float64x4 { return archsimd.BroadcastFloat64x4(v) }

func bcu64(v uint64) archsimd.Uint64x4 { return archsimd.BroadcastUint64x4(v) }

func bc32(v float32) archsimd.Float32x8 { return archsimd.BroadcastFloat32x8(v) }

func bcu32(v uint32) archsimd.Uint32x8 { return archsimd.BroadcastUint32x8(v) }

// The loops below broadcast their constants once, before the loop: the
// compiler does not hoist them, and a broadcast per use doubled the cost.

// log64x4 is log64 on 4 lanes, for len(x) a multiple of 4; for op
// opLog1p log1p64. op is loop-invariant: its branches cost next to
// nothing, and the variants share log's registers of broadcast constants.
func log64x4(dst, x []float64, op vecOp) {
	if len(x) < 4 { // no vector: skip broadcasting the constants
		return
	}
	plus1 := op == opLog1p
	minNorm, two52, off, bias := bc64(0x1p-1022), bc64(0x1p52), bcu64(logOff64), bcu64(1022<<52)
	magic, kOff, k52 := bcu64(0x4330000000000000), bc64(0x1p52+1022), bc64(52)
	one, two, half, zero := bc64(1), bc64(2), bc64(0.5), bc64(0)
	l1, l2, l3, l4, l5, l6, l7 := bc64(lg1), bc64(lg2), bc64(lg3), bc64(lg4), bc64(lg5), bc64(lg6), bc64(lg7)
	hiC, loC := bc64(ln2Hi), bc64(ln2Lo)
	inf, nan, ninf := bc64(math.Inf(1)), bc64(math.NaN()), bc64(math.Inf(-1))
	for i := 0; i+4 <= len(x); i += 4 {
		v := archsimd.LoadFloat64x4Slice(x[i:])
		var x1, corr archsimd.Float64x4
		if plus1 { // log1p64's c = 1+x and correction d/c
			x1, v = v, v.Add(one)
			corr = x1.Sub(v.Sub(one)).Div(v)
		}
		// plain: every lane a positive normal finite number, as in log32x8.
		plain := v.GreaterEqual(minNorm).And(v.Less(inf)).ToBits() == 0xf
		ix := v.AsUint64x4()
		var sub archsimd.Mask64x4
		if !plain {
			sub = v.Less(minNorm) // subnormal (or ≤ 0, fixed below): scale by 2^52
			ix = v.Mul(two52).Merge(v, sub).AsUint64x4()
		}
		kb := ix.Sub(off).ShiftAllRight(52) // k + 1022
		m := ix.Sub(kb.ShiftAllLeft(52)).Add(bias).AsFloat64x4()
		k := kb.Or(magic).AsFloat64x4().Sub(kOff)
		if !plain {
			k = k.Sub(k52.Masked(sub))
		}
		f := m.Sub(one)
		s := f.Div(f.Add(two))
		z := s.Mul(s)
		w := z.Mul(z)
		t1 := w.MulAdd(l7, l5).MulAdd(w, l3).MulAdd(w, l1).Mul(z)
		t2 := w.MulAdd(l6, l4).MulAdd(w, l2).Mul(w)
		hfsq := half.Mul(f).Mul(f)
		klo := k.Mul(loC)
		if plus1 {
			klo = klo.Add(corr)
		}
		inner := s.Mul(hfsq.Add(t1.Add(t2))).Add(klo)
		y := k.Mul(hiC).Sub(hfsq.Sub(inner).Sub(f))
		if !plain { // +Inf and NaN give themselves, x < 0 NaN, ±0 -Inf
			y = y.Merge(v, v.Less(inf))
			y = y.Merge(nan, v.GreaterEqual(zero).Or(v.IsNaN()))
			y = y.Merge(ninf, v.NotEqual(zero))
		}
		if plus1 { // c = 1: x itself
			y = y.Merge(x1, v.NotEqual(one))
		}
		y.StoreSlice(dst[i:])
	}
}

// exp64x4 is exp64 on 4 lanes, for len(x) a multiple of 4.
func exp64x4(dst, x []float64) {
	if len(x) < 4 { // no vector: skip broadcasting the constants
		return
	}
	lo64, hi64, l2e, magic, bias := bc64(-746), bc64(710), bc64(log2e), bc64(roundMagic), bc64(roundMagic+1023)
	hiC, loC := bc64(ln2Hi), bc64(ln2Lo)
	p1, p2, p3, p4, p5 := bc64(expP1), bc64(expP2), bc64(expP3), bc64(expP4), bc64(expP5)
	one, two, half, quarter := bc64(1), bc64(2), bc64(0.5), bc64(-0.25)
	for i := 0; i+4 <= len(x); i += 4 {
		v := archsimd.LoadFloat64x4Slice(x[i:])
		xc := v.Max(lo64).Min(hi64) // NaN lanes are restored below
		k := xc.MulAdd(l2e, magic).Sub(magic)
		hi := xc.Sub(k.Mul(hiC))
		lo := k.Mul(loC)
		r := hi.Sub(lo)
		t := r.Mul(r)
		c := r.Sub(t.Mul(t.MulAdd(p5, p4).MulAdd(t, p3).MulAdd(t, p2).MulAdd(t, p1)))
		y := one.Sub(lo.Sub(r.Mul(c).Div(two.Sub(c))).Sub(hi))
		k1 := k.MulAdd(half, quarter).Add(magic).Sub(magic) // ⌊k/2⌋
		s1 := k1.Add(bias).AsUint64x4().ShiftAllLeft(52).AsFloat64x4()
		s2 := k.Sub(k1).Add(bias).AsUint64x4().ShiftAllLeft(52).AsFloat64x4()
		y.Mul(s1).Mul(s2).Merge(v, v.Equal(v)).StoreSlice(dst[i:])
	}
}

// log32x8 is log64x4 for float32 on 8 lanes.
func log32x8(dst, x []float32, op vecOp) {
	if len(x) < 8 { // no vector: skip broadcasting the constants
		return
	}
	plus1 := op == opLog1p
	minNorm, two23, off, bias := bc32(0x1p-126), bc32(0x1p23), bcu32(logOff32), bcu32(126<<23)
	magic, kOff, k23 := bcu32(0x4b000000), bc32(0x1p23+126), bc32(23)
	one, two, half, zero := bc32(1), bc32(2), bc32(0.5), bc32(0)
	l1, l2, l3, l4 := bc32(lgf1), bc32(lgf2), bc32(lgf3), bc32(lgf4)
	hiC, loC := bc32(ln2HiF), bc32(ln2LoF)
	inf, nan, ninf := bc32(float32(math.Inf(1))), bc32(float32(math.NaN())), bc32(float32(math.Inf(-1)))
	for i := 0; i+8 <= len(x); i += 8 {
		v := archsimd.LoadFloat32x8Slice(x[i:])
		var x1, corr archsimd.Float32x8
		if plus1 {
			x1, v = v, v.Add(one)
			corr = x1.Sub(v.Sub(one)).Div(v)
		}
		// plain: every lane a positive normal finite number (NaN compares
		// false), the usual case, which needs none of the fix-ups below;
		// they leave such lanes as they are, so both ways give the same bits.
		plain := v.GreaterEqual(minNorm).And(v.Less(inf)).ToBits() == 0xff
		ix := v.AsUint32x8()
		var sub archsimd.Mask32x8
		if !plain {
			sub = v.Less(minNorm)
			ix = v.Mul(two23).Merge(v, sub).AsUint32x8()
		}
		kb := ix.Sub(off).ShiftAllRight(23) // k + 126
		m := ix.Sub(kb.ShiftAllLeft(23)).Add(bias).AsFloat32x8()
		k := kb.Or(magic).AsFloat32x8().Sub(kOff)
		if !plain {
			k = k.Sub(k23.Masked(sub))
		}
		f := m.Sub(one)
		s := f.Div(f.Add(two))
		z := s.Mul(s)
		w := z.Mul(z)
		t1 := w.MulAdd(l3, l1).Mul(z)
		t2 := w.MulAdd(l4, l2).Mul(w)
		hfsq := half.Mul(f).Mul(f)
		klo := k.Mul(loC)
		if plus1 {
			klo = klo.Add(corr)
		}
		inner := s.Mul(hfsq.Add(t1.Add(t2))).Add(klo)
		y := k.Mul(hiC).Sub(hfsq.Sub(inner).Sub(f))
		if !plain {
			y = y.Merge(v, v.Less(inf))
			y = y.Merge(nan, v.GreaterEqual(zero).Or(v.IsNaN()))
			y = y.Merge(ninf, v.NotEqual(zero))
		}
		if plus1 { // c = 1: x itself
			y = y.Merge(x1, v.NotEqual(one))
		}
		y.StoreSlice(dst[i:])
	}
}

// exp32x8 is exp32 on 8 lanes, for len(x) a multiple of 8.
func exp32x8(dst, x []float32) {
	if len(x) < 8 { // no vector: skip broadcasting the constants
		return
	}
	lo32, hi32, l2e, magic, bias := bc32(-104), bc32(89), bc32(log2e), bc32(roundMagicF), bc32(roundMagicF+127)
	hiC, loC := bc32(ln2HiExpF), bc32(ln2LoExpF)
	p0, p1, p2, p3, p4, p5 := bc32(expfP0), bc32(expfP1), bc32(expfP2), bc32(expfP3), bc32(expfP4), bc32(expfP5)
	one, half, quarter := bc32(1), bc32(0.5), bc32(-0.25)
	for i := 0; i+8 <= len(x); i += 8 {
		v := archsimd.LoadFloat32x8Slice(x[i:])
		xc := v.Max(lo32).Min(hi32)
		k := xc.MulAdd(l2e, magic).Sub(magic)
		r := xc.Sub(k.Mul(hiC)).Sub(k.Mul(loC))
		p := r.MulAdd(p0, p1).MulAdd(r, p2).MulAdd(r, p3).MulAdd(r, p4).MulAdd(r, p5)
		y := p.Mul(r).MulAdd(r, r).Add(one)
		k1 := k.MulAdd(half, quarter).Add(magic).Sub(magic)
		s1 := k1.Add(bias).AsUint32x8().ShiftAllLeft(23).AsFloat32x8()
		s2 := k.Sub(k1).Add(bias).AsUint32x8().ShiftAllLeft(23).AsFloat32x8()
		y.Mul(s1).Mul(s2).Merge(v, v.Equal(v)).StoreSlice(dst[i:])
	}
}
