//go:build goexperiment.simd && amd64

package tensor

import "simd/archsimd"

// normalLogPdf64 is normalLogPdfGo on 4 lanes, the last len(dst)%4
// elements by the scalar loop (the same operations: no FMA here).
func normalLogPdf64(dst, x, loc, scale, logScale []float64) {
	if !useAVX2 {
		normalLogPdfGo(dst, x, loc, scale, logScale)
		return
	}
	n := len(dst) &^ 3
	normal64x4(dst[:n], x, loc, scale, logScale)
	normalLogPdfGo(dst[n:], from(x, n), from(loc, n), from(scale, n), from(logScale, n))
	archsimd.ClearAVXUpperBits()
}

// normalLogPdf32 is normalLogPdf64 on 8 float32 lanes.
func normalLogPdf32(dst, x, loc, scale, logScale []float32) {
	if !useAVX2 {
		normalLogPdfGo(dst, x, loc, scale, logScale)
		return
	}
	n := len(dst) &^ 7
	normal32x8(dst[:n], x, loc, scale, logScale)
	normalLogPdfGo(dst[n:], from(x, n), from(loc, n), from(scale, n), from(logScale, n))
	archsimd.ClearAVXUpperBits()
}

// from is v from element i on, or v itself when broadcast.
func from[T Float](v []T, i int) []T {
	if len(v) == 1 {
		return v
	}
	return v[i:]
}

// normal64x4 is the vector loop of normalLogPdf64, for len(dst) a multiple
// of 4. A broadcast operand is broadcast once; the tests of which operands
// are are loop-invariant branches.
func normal64x4(dst, x, loc, scale, logScale []float64) {
	if len(dst) == 0 {
		return
	}
	bx, bm, bs, bl := len(x) == 1, len(loc) == 1, len(scale) == 1, len(logScale) == 1
	vx, vm, vs, vl := bc64(x[0]), bc64(loc[0]), bc64(scale[0]), bc64(logScale[0])
	negHalf, h := bc64(-0.5), bc64(halfLog2Pi)
	for i := 0; i+4 <= len(dst); i += 4 {
		if !bx {
			vx = archsimd.LoadFloat64x4Slice(x[i:])
		}
		if !bm {
			vm = archsimd.LoadFloat64x4Slice(loc[i:])
		}
		if !bs {
			vs = archsimd.LoadFloat64x4Slice(scale[i:])
		}
		if !bl {
			vl = archsimd.LoadFloat64x4Slice(logScale[i:])
		}
		z := vx.Sub(vm).Div(vs)
		z.Mul(z).Mul(negHalf).Sub(vl).Sub(h).StoreSlice(dst[i:])
	}
}

// normal32x8 is normal64x4 for float32 on 8 lanes.
func normal32x8(dst, x, loc, scale, logScale []float32) {
	if len(dst) == 0 {
		return
	}
	bx, bm, bs, bl := len(x) == 1, len(loc) == 1, len(scale) == 1, len(logScale) == 1
	vx, vm, vs, vl := bc32(x[0]), bc32(loc[0]), bc32(scale[0]), bc32(logScale[0])
	negHalf, h := bc32(-0.5), bc32(halfLog2Pi)
	for i := 0; i+8 <= len(dst); i += 8 {
		if !bx {
			vx = archsimd.LoadFloat32x8Slice(x[i:])
		}
		if !bm {
			vm = archsimd.LoadFloat32x8Slice(loc[i:])
		}
		if !bs {
			vs = archsimd.LoadFloat32x8Slice(scale[i:])
		}
		if !bl {
			vl = archsimd.LoadFloat32x8Slice(logScale[i:])
		}
		z := vx.Sub(vm).Div(vs)
		z.Mul(z).Mul(negHalf).Sub(vl).Sub(h).StoreSlice(dst[i:])
	}
}
