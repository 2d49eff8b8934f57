package tensor

import "math"

// BernoulliLogitsLogPmfSlice writes the Bernoulli log-mass x·ℓ -
// softplus(ℓ) of x[i] under log-odds logits[i] into dst[i] for each i < n
// and returns n, broadcasting an operand of length 1 as NormalLogPdfSlice
// does. It is evaluated as -u·|ℓ| - log1p(e^-|ℓ|) with u = 1-x for ℓ ≥ 0
// and x otherwise, u·|ℓ| = 0 where u = 0: exact in its first term for x in
// {0, 1}, so log p keeps its relative precision near 0 (x = 1, ℓ ≫ 0), as
// torch's BCE with logits does, and ℓ = ±Inf gives 0 or -Inf, not ∞-∞.
// log1p(e^-|ℓ|) comes from ExpSlice and Log1pSlice a chunk at a time; with
// GOEXPERIMENT=simd the other steps run in vector lanes too.
func BernoulliLogitsLogPmfSlice[T Float](dst, x, logits []T) int {
	n := len(dst)
	for _, v := range [...][]T{x, logits} {
		if len(v) != 1 {
			n = min(n, len(v))
		}
	}
	if n <= smallChunk { // a small call does not zero the large buffer
		var buf [smallChunk]T
		bernoulliChunks(dst, x, logits, n, buf[:])
	} else {
		var buf [256]T
		bernoulliChunks(dst, x, logits, n, buf[:])
	}
	return n
}

// bernoulliChunks is BernoulliLogitsLogPmfSlice's loop with scratch buf.
func bernoulliChunks[T Float](dst, x, logits []T, n int, buf []T) {
	for lo := 0; lo < n; lo += len(buf) {
		hi := min(lo+len(buf), n)
		xs, ls := span(x, lo, hi), span(logits, lo, hi)
		t := buf[:len(ls)]
		Log1pExpNegAbsSlice(t, ls)
		bernoulliCombine(dst[lo:hi], xs, ls, t)
	}
}

// Log1pExpNegAbsSlice writes log1p(e^-|x[i]|), the parameter-only term of
// BernoulliLogitsLogPmfSlice, into dst[i] for i < len(dst) (x at least as
// long), by the same vector steps, so a caller may keep it.
func Log1pExpNegAbsSlice[T Float](dst, x []T) {
	for lo := 0; lo < len(dst); lo += 256 {
		t := dst[lo:min(lo+256, len(dst))]
		negAbsSlice(t, x[lo:lo+len(t)])
		ExpSlice(t, t)
		Log1pSlice(t, t)
	}
}

// BernoulliLogitsSoftplusSlice is BernoulliLogitsLogPmfSlice given
// sp = Log1pExpNegAbsSlice(logits) (of logits' length).
func BernoulliLogitsSoftplusSlice[T Float](dst, x, logits, sp []T) int {
	n := len(dst)
	for _, v := range [...][]T{x, logits} {
		if len(v) != 1 {
			n = min(n, len(v))
		}
	}
	bernoulliCombine(dst[:n], x, logits, sp)
	return n
}

// span is v[lo:hi], or v itself when broadcast.
func span[T Float](v []T, lo, hi int) []T {
	if len(v) == 1 {
		return v
	}
	return v[lo:hi]
}

// negAbsSlice writes -|x[i]| into dst[i]: the sign bit set, so NaN stays
// NaN.
func negAbsSlice[T Float](dst, x []T) {
	switch d := any(dst).(type) {
	case []float64:
		negAbs64(d, any(x).([]float64))
	case []float32:
		negAbs32(d, any(x).([]float32))
	default:
		for i, v := range x {
			dst[i] = min(v, -v)
		}
	}
}

func negAbs64Go(dst, x []float64) {
	for i, v := range x {
		dst[i] = math.Float64frombits(math.Float64bits(v) | 1<<63)
	}
}

func negAbs32Go(dst, x []float32) {
	for i, v := range x {
		dst[i] = math.Float32frombits(math.Float32bits(v) | 1<<31)
	}
}

// bernoulliCombine is BernoulliLogitsLogPmfSlice's last step, sp =
// log1p(e^-|ℓ|) broadcast with logits.
func bernoulliCombine[T Float](dst, x, logits, sp []T) {
	switch d := any(dst).(type) {
	case []float64:
		bernoulliCombine64(d, any(x).([]float64), any(logits).([]float64), any(sp).([]float64))
	case []float32:
		bernoulliCombine32(d, any(x).([]float32), any(logits).([]float32), any(sp).([]float32))
	default:
		bernoulliCombineGo(dst, x, logits, sp)
	}
}

// bernoulliCombineGo is bernoulliCombine's scalar loop.
func bernoulliCombineGo[T Float](dst, x, logits, sp []T) {
	sx, sl := step(x), step(logits)
	for i := range dst {
		xv, l := x[i*sx], logits[i*sl]
		u, a := xv, -l
		if l >= 0 {
			u, a = 1-xv, l
		}
		prod := u * a
		if prod != prod && u == 0 { // 0·∞ (ℓ = ±∞ at its favoured value) or 0·NaN: 0, as the lanes select
			prod = 0
		}
		dst[i] = (0 - prod) - sp[i*sl]
	}
}
