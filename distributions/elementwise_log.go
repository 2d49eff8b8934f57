package distributions

import "github.com/seed39ad66a2/tensordist/tensor"

// logChunk is how many elements a kernel takes the logs of at once with
// tensor.LogSlice: stack buffers of this length stay in L1.
const logChunk = 512

// runLogs fills buf with the logs of len(buf) elements of v from off on,
// step (a shape.Run Step: 0 or 1) apart, in U's precision: one log when v
// is broadcast (step 0).
func runLogs[U, T tensor.Float](buf []U, v []T, off, step int) []U {
	if step == 0 {
		buf[0] = U(v[off])
		tensor.LogSlice(buf[:1], buf[:1])
		for i := 1; i < len(buf); i++ {
			buf[i] = buf[0]
		}
		return buf
	}
	if same, ok := any(v[off : off+len(buf)]).([]U); ok { // no widening: no copy
		tensor.LogSlice(buf, same)
		return buf
	}
	for i := range buf {
		buf[i] = U(v[off+i])
	}
	tensor.LogSlice(buf, buf)
	return buf
}
