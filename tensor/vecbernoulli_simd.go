//go:build goexperiment.simd && amd64

package tensor

import "simd/archsimd"

// The vector forms of BernoulliLogitsLogPmfSlice's steps: whole vectors in
// lanes, the last len(dst)%4 (float64) or %8 (float32) elements by the
// scalar loops, which perform the same operations (no FMA).

func negAbs64(dst, x []float64) {
	if !useAVX2 {
		negAbs64Go(dst, x)
		return
	}
	n := len(x) &^ 3
	sign := bcu64(1 << 63)
	for i := 0; i < n; i += 4 {
		archsimd.LoadFloat64x4Slice(x[i:]).AsUint64x4().Or(sign).AsFloat64x4().StoreSlice(dst[i:])
	}
	negAbs64Go(dst[n:], x[n:])
	archsimd.ClearAVXUpperBits()
}

func negAbs32(dst, x []float32) {
	if !useAVX2 {
		negAbs32Go(dst, x)
		return
	}
	n := len(x) &^ 7
	sign := bcu32(1 << 31)
	for i := 0; i < n; i += 8 {
		archsimd.LoadFloat32x8Slice(x[i:]).AsUint32x8().Or(sign).AsFloat32x8().StoreSlice(dst[i:])
	}
	negAbs32Go(dst[n:], x[n:])
	archsimd.ClearAVXUpperBits()
}

func bernoulliCombine64(dst, x, logits, sp []float64) {
	if !useAVX2 {
		bernoulliCombineGo(dst, x, logits, sp)
		return
	}
	n := len(dst) &^ 3
	if n > 0 {
		bx, bl := len(x) == 1, len(logits) == 1
		vx, vl, vs := bc64(x[0]), bc64(logits[0]), bc64(sp[0])
		zero, one := bc64(0), bc64(1)
		for i := 0; i < n; i += 4 {
			if !bx {
				vx = archsimd.LoadFloat64x4Slice(x[i:])
			}
			if !bl {
				vl = archsimd.LoadFloat64x4Slice(logits[i:])
				vs = archsimd.LoadFloat64x4Slice(sp[i:])
			}
			ge := vl.GreaterEqual(zero) // false for NaN, as in the scalar loop
			u := one.Sub(vx).Merge(vx, ge)
			a := vl.Merge(zero.Sub(vl), ge)
			prod := u.Mul(a).Merge(zero, u.NotEqual(zero))
			zero.Sub(prod).Sub(vs).StoreSlice(dst[i:])
		}
	}
	bernoulliCombineGo(dst[n:], from(x, n), from(logits, n), from(sp, n))
	archsimd.ClearAVXUpperBits()
}

func bernoulliCombine32(dst, x, logits, sp []float32) {
	if !useAVX2 {
		bernoulliCombineGo(dst, x, logits, sp)
		return
	}
	n := len(dst) &^ 7
	if n > 0 {
		bx, bl := len(x) == 1, len(logits) == 1
		vx, vl, vs := bc32(x[0]), bc32(logits[0]), bc32(sp[0])
		zero, one := bc32(0), bc32(1)
		for i := 0; i < n; i += 8 {
			if !bx {
				vx = archsimd.LoadFloat32x8Slice(x[i:])
			}
			if !bl {
				vl = archsimd.LoadFloat32x8Slice(logits[i:])
				vs = archsimd.LoadFloat32x8Slice(sp[i:])
			}
			ge := vl.GreaterEqual(zero)
			u := one.Sub(vx).Merge(vx, ge)
			a := vl.Merge(zero.Sub(vl), ge)
			prod := u.Mul(a).Merge(zero, u.NotEqual(zero))
			zero.Sub(prod).Sub(vs).StoreSlice(dst[i:])
		}
	}
	bernoulliCombineGo(dst[n:], from(x, n), from(logits, n), from(sp, n))
	archsimd.ClearAVXUpperBits()
}
