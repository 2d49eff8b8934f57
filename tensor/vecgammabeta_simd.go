//go:build goexperiment.simd && amd64

package tensor

import (
	"math"
	"simd/archsimd"
)

// The 4-lane forms of vecgammabeta.go's loops: float32 operands are
// widened 4 at a time (VCVTPS2PD) and the results narrowed back, so that
// both dtypes compute in float64 lanes. A broadcast operand is broadcast
// once (loop-invariant branches), the last len(dst)%4 elements go through
// the scalar loop, and whether every lane took the common case is
// accumulated as a mask and read once.

// gammaBetaLoad32 loads 4 float32 from v[i:] as float64, or b when broadcast.
func gammaBetaLoad32(v []float32, i int, bcast bool, b archsimd.Float64x4) archsimd.Float64x4 {
	if bcast {
		return b
	}
	return archsimd.LoadFloat32x4Slice(v[i:]).ConvertToFloat64()
}

// gammaBetaLoad64 loads 4 float64 from v[i:], or b when broadcast.
func gammaBetaLoad64(v []float64, i int, bcast bool, b archsimd.Float64x4) archsimd.Float64x4 {
	if bcast {
		return b
	}
	return archsimd.LoadFloat64x4Slice(v[i:])
}

func gammaLogPdf64(dst, x, logX, a, b, logB, norm []float64, cut float64) bool {
	if !useAVX2 {
		return gammaLogPdfGo(dst, x, logX, a, b, logB, norm, cut)
	}
	n := len(dst) &^ 3
	ok := true
	if n > 0 {
		bx, ba, bb, bl, bn := len(x) == 1, len(a) == 1, len(b) == 1, len(logB) == 1, len(norm) == 1
		vx, vlx, va, vb := bc64(x[0]), bc64(logX[0]), bc64(a[0]), bc64(b[0])
		vl, vn := bc64(logB[0]), bc64(norm[0])
		one, vcut, inf, ninf := bc64(1), bc64(cut), bc64(math.Inf(1)), bc64(math.Inf(-1))
		good := one.Equal(one)
		for i := 0; i < n; i += 4 {
			vx, vlx = gammaBetaLoad64(x, i, bx, vx), gammaBetaLoad64(logX, i, bx, vlx)
			va, vb = gammaBetaLoad64(a, i, ba, va), gammaBetaLoad64(b, i, bb, vb)
			vl, vn = gammaBetaLoad64(logB, i, bl, vl), gammaBetaLoad64(norm, i, bn, vn)
			lp := va.Mul(vl).Add(va.Sub(one).Mul(vlx)).Sub(vb.Mul(vx)).Sub(vn)
			good = good.And(va.Less(vcut)).And(lp.Less(inf)).And(lp.Greater(ninf))
			lp.StoreSlice(dst[i:])
		}
		ok = good.ToBits() == 0xf
	}
	ok = gammaLogPdfGo(dst[n:], from(x, n), from(logX, n), from(a, n), from(b, n), from(logB, n), from(norm, n), cut) && ok
	archsimd.ClearAVXUpperBits()
	return ok
}

func gammaLogPdf32(dst, x, logX, a, b []float32, logB, norm []float64, cut float64) bool {
	if !useAVX2 {
		return gammaLogPdfGo(dst, x, logX, a, b, logB, norm, cut)
	}
	n := len(dst) &^ 3
	ok := true
	if n > 0 {
		bx, ba, bb, bl, bn := len(x) == 1, len(a) == 1, len(b) == 1, len(logB) == 1, len(norm) == 1
		vx, vlx, va, vb := bc64(float64(x[0])), bc64(float64(logX[0])), bc64(float64(a[0])), bc64(float64(b[0]))
		vl, vn := bc64(logB[0]), bc64(norm[0])
		one, vcut, inf, ninf := bc64(1), bc64(cut), bc64(math.Inf(1)), bc64(math.Inf(-1))
		good := one.Equal(one)
		i := 0
		if !(bx || ba || bb || bl || bn) { // the common case, without the broadcast tests
			for ; i < n; i += 4 {
				vx := archsimd.LoadFloat32x4Slice(x[i:]).ConvertToFloat64()
				vlx := archsimd.LoadFloat32x4Slice(logX[i:]).ConvertToFloat64()
				va := archsimd.LoadFloat32x4Slice(a[i:]).ConvertToFloat64()
				vb := archsimd.LoadFloat32x4Slice(b[i:]).ConvertToFloat64()
				vl, vn := archsimd.LoadFloat64x4Slice(logB[i:]), archsimd.LoadFloat64x4Slice(norm[i:])
				lp := va.Mul(vl).Add(va.Sub(one).Mul(vlx)).Sub(vb.Mul(vx)).Sub(vn)
				good = good.And(va.Less(vcut)).And(lp.Less(inf)).And(lp.Greater(ninf))
				lp.ConvertToFloat32().StoreSlice(dst[i:])
			}
		}
		for ; i < n; i += 4 {
			vx, vlx = gammaBetaLoad32(x, i, bx, vx), gammaBetaLoad32(logX, i, bx, vlx)
			va, vb = gammaBetaLoad32(a, i, ba, va), gammaBetaLoad32(b, i, bb, vb)
			vl, vn = gammaBetaLoad64(logB, i, bl, vl), gammaBetaLoad64(norm, i, bn, vn)
			lp := va.Mul(vl).Add(va.Sub(one).Mul(vlx)).Sub(vb.Mul(vx)).Sub(vn)
			good = good.And(va.Less(vcut)).And(lp.Less(inf)).And(lp.Greater(ninf))
			lp.ConvertToFloat32().StoreSlice(dst[i:])
		}
		ok = good.ToBits() == 0xf
	}
	ok = gammaLogPdfGo(dst[n:], from(x, n), from(logX, n), from(a, n), from(b, n), from(logB, n), from(norm, n), cut) && ok
	archsimd.ClearAVXUpperBits()
	return ok
}

func betaLogPdf64(dst, logX, log1mX, a1, a0, lb []float64, cut float64) bool {
	if !useAVX2 {
		return betaLogPdfGo(dst, logX, log1mX, a1, a0, lb, cut)
	}
	n := len(dst) &^ 3
	ok := true
	if n > 0 {
		bx, b1, b0, bl := len(logX) == 1, len(a1) == 1, len(a0) == 1, len(lb) == 1
		vlx, vly, v1, v0, vl := bc64(logX[0]), bc64(log1mX[0]), bc64(a1[0]), bc64(a0[0]), bc64(lb[0])
		one, vcut, inf, ninf := bc64(1), bc64(cut), bc64(math.Inf(1)), bc64(math.Inf(-1))
		good := one.Equal(one)
		for i := 0; i < n; i += 4 {
			vlx, vly = gammaBetaLoad64(logX, i, bx, vlx), gammaBetaLoad64(log1mX, i, bx, vly)
			v1, v0, vl = gammaBetaLoad64(a1, i, b1, v1), gammaBetaLoad64(a0, i, b0, v0), gammaBetaLoad64(lb, i, bl, vl)
			lp := v1.Sub(one).Mul(vlx).Add(v0.Sub(one).Mul(vly)).Sub(vl)
			good = good.And(v1.Less(vcut).Or(v0.Less(vcut))).And(lp.Less(inf)).And(lp.Greater(ninf))
			lp.StoreSlice(dst[i:])
		}
		ok = good.ToBits() == 0xf
	}
	ok = betaLogPdfGo(dst[n:], from(logX, n), from(log1mX, n), from(a1, n), from(a0, n), from(lb, n), cut) && ok
	archsimd.ClearAVXUpperBits()
	return ok
}

func betaLogPdf32(dst, logX, log1mX, a1, a0 []float32, lb []float64, cut float64) bool {
	if !useAVX2 {
		return betaLogPdfGo(dst, logX, log1mX, a1, a0, lb, cut)
	}
	n := len(dst) &^ 3
	ok := true
	if n > 0 {
		bx, b1, b0, bl := len(logX) == 1, len(a1) == 1, len(a0) == 1, len(lb) == 1
		vlx, vly := bc64(float64(logX[0])), bc64(float64(log1mX[0]))
		v1, v0, vl := bc64(float64(a1[0])), bc64(float64(a0[0])), bc64(lb[0])
		one, vcut, inf, ninf := bc64(1), bc64(cut), bc64(math.Inf(1)), bc64(math.Inf(-1))
		good := one.Equal(one)
		for i := 0; i < n; i += 4 {
			vlx, vly = gammaBetaLoad32(logX, i, bx, vlx), gammaBetaLoad32(log1mX, i, bx, vly)
			v1, v0, vl = gammaBetaLoad32(a1, i, b1, v1), gammaBetaLoad32(a0, i, b0, v0), gammaBetaLoad64(lb, i, bl, vl)
			lp := v1.Sub(one).Mul(vlx).Add(v0.Sub(one).Mul(vly)).Sub(vl)
			good = good.And(v1.Less(vcut).Or(v0.Less(vcut))).And(lp.Less(inf)).And(lp.Greater(ninf))
			lp.ConvertToFloat32().StoreSlice(dst[i:])
		}
		ok = good.ToBits() == 0xf
	}
	ok = betaLogPdfGo(dst[n:], from(logX, n), from(log1mX, n), from(a1, n), from(a0, n), from(lb, n), cut) && ok
	archsimd.ClearAVXUpperBits()
	return ok
}

func dirichletTerms64(dst, x, a, logX []float64) bool {
	if !useAVX2 {
		return dirichletTermsGo(dst, x, a, logX)
	}
	n := len(dst) &^ 3
	ok := true
	if n > 0 {
		one := bc64(1)
		good := one.Equal(one)
		for i := 0; i < n; i += 4 {
			v := archsimd.LoadFloat64x4Slice(x[i:])
			good = good.And(v.LessEqual(one))
			archsimd.LoadFloat64x4Slice(a[i:]).Sub(one).Mul(archsimd.LoadFloat64x4Slice(logX[i:])).StoreSlice(dst[i:])
		}
		ok = good.ToBits() == 0xf
	}
	ok = dirichletTermsGo(dst[n:], x[n:], a[n:], logX[n:]) && ok
	archsimd.ClearAVXUpperBits()
	return ok
}

func dirichletTerms32(dst []float64, x, a, logX []float32) bool {
	if !useAVX2 {
		return dirichletTermsGo(dst, x, a, logX)
	}
	n := len(dst) &^ 3
	ok := true
	if n > 0 {
		one := bc64(1)
		good := one.Equal(one)
		for i := 0; i < n; i += 4 {
			v := archsimd.LoadFloat32x4Slice(x[i:]).ConvertToFloat64()
			good = good.And(v.LessEqual(one))
			va := archsimd.LoadFloat32x4Slice(a[i:]).ConvertToFloat64()
			va.Sub(one).Mul(archsimd.LoadFloat32x4Slice(logX[i:]).ConvertToFloat64()).StoreSlice(dst[i:])
		}
		ok = good.ToBits() == 0xf
	}
	ok = dirichletTermsGo(dst[n:], x[n:], a[n:], logX[n:]) && ok
	archsimd.ClearAVXUpperBits()
	return ok
}
