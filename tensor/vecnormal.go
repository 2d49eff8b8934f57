package tensor

// halfLog2Pi is log(2π)/2.
const halfLog2Pi = 0.918938533204672741780329736405617639861397473637783412817

// NormalLogPdfSlice writes the normal log density -z²/2 - log σ -
// log(2π)/2, z = (x-μ)/σ, of x[i] under loc[i] = μ and scale[i] = σ into
// dst[i] for each i < n and returns n. An operand of length 1 stands for
// that value at every i (a broadcast scalar: one log for a broadcast
// scale); n is len(dst), capped by the length of every other operand.
// It is LogSlice of a chunk of σ then NormalLogPdfLogScaleSlice's lanes
// (4 float64 or 8 float32 with GOEXPERIMENT=simd on an AVX2+FMA CPU),
// the same operations in the same order in lanes and in the scalar loop,
// so every path gives the same bits.
func NormalLogPdfSlice[T Float](dst, x, loc, scale []T) int {
	n := len(dst)
	for _, v := range [...][]T{x, loc, scale} {
		if len(v) != 1 {
			n = min(n, len(v))
		}
	}
	if n <= smallChunk { // a small call does not zero the large buffer
		var buf [smallChunk]T
		normalChunks(dst, x, loc, scale, n, buf[:])
	} else {
		var buf [256]T
		normalChunks(dst, x, loc, scale, n, buf[:])
	}
	return n
}

// smallChunk is the scratch length below which the slice kernels use a
// small stack buffer.
const smallChunk = 16

// normalChunks is NormalLogPdfSlice's loop over [0, n) with scratch buf.
func normalChunks[T Float](dst, x, loc, scale []T, n int, buf []T) {
	for lo := 0; lo < n; lo += len(buf) {
		hi := min(lo+len(buf), n)
		s := span(scale, lo, hi)
		logS := buf[:len(s)]
		LogSlice(logS, s)
		normalCombine(dst[lo:hi], span(x, lo, hi), span(loc, lo, hi), s, logS)
	}
}

// NormalLogPdfLogScaleSlice is NormalLogPdfSlice given logScale = log σ
// (of scale's length), for a caller that keeps the logs of a fixed scale.
func NormalLogPdfLogScaleSlice[T Float](dst, x, loc, scale, logScale []T) int {
	n := len(dst)
	for _, v := range [...][]T{x, loc, scale, logScale} {
		if len(v) != 1 {
			n = min(n, len(v))
		}
	}
	normalCombine(dst[:n], x, loc, scale, logScale)
	return n
}

// normalCombine is NormalLogPdfSlice from log σ, every operand of length
// len(dst) or 1.
func normalCombine[T Float](dst, x, loc, scale, logScale []T) {
	switch d := any(dst).(type) {
	case []float64:
		normalLogPdf64(d, any(x).([]float64), any(loc).([]float64), any(scale).([]float64), any(logScale).([]float64))
	case []float32:
		normalLogPdf32(d, any(x).([]float32), any(loc).([]float32), any(scale).([]float32), any(logScale).([]float32))
	default:
		normalLogPdfGo(dst, x, loc, scale, logScale)
	}
}

// normalLogPdfGo is NormalLogPdfSlice's scalar loop, for len(dst)
// elements.
func normalLogPdfGo[T Float](dst, x, loc, scale, logScale []T) {
	h := T(halfLog2Pi)
	if len(x) >= len(dst) && len(loc) >= len(dst) && len(scale) >= len(dst) && len(logScale) >= len(dst) {
		x, loc, scale, logScale = x[:len(dst)], loc[:len(dst)], scale[:len(dst)], logScale[:len(dst)] // no bounds checks below
		for i := range dst {
			z := (x[i] - loc[i]) / scale[i]
			dst[i] = -z*z/2 - logScale[i] - h
		}
		return
	}
	sx, sm, ss, sl := step(x), step(loc), step(scale), step(logScale)
	for i := range dst {
		z := (x[i*sx] - loc[i*sm]) / scale[i*ss]
		dst[i] = -z*z/2 - logScale[i*sl] - h
	}
}

// step is 0 for a broadcast operand (length 1), else 1.
func step[T Float](v []T) int { return min(len(v)-1, 1) }
