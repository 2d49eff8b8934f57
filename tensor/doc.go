// Package tensor is the array currency of tensordist and the math on it.
//
// Arrays are gorgonia's *tensor.Dense (Dense here is an alias, so values
// move freely between tensordist and gorgonia graphs). Floating values are
// float64 or float32 and the element kernels are generic over Float; int64
// holds category indices and bool masks.
//
// Gorgonia's own arithmetic does not broadcast like NumPy, so tensordist does
// its own: a shape.Plan describes how operands broadcast to an output and the
// kernels here walk it without copying. Reductions sum a broadcast result
// back to an operand's own shape (the gradient of a broadcast). The special
// functions are accurate to a few ulps in float64, tails included. Random
// numbers come from math/rand/v2 sources split into fixed-size blocks with
// derived seeds, so a seed gives the same draws at any GOMAXPROCS.
package tensor
