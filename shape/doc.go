// Package shape is the pure shape algebra of tensordist: NumPy broadcasting of
// any number of shapes, Pyro's batch/event splits, expand and expand_by
// validity, the sum-rightmost rule, and the broadcast Plan that element
// kernels walk without copying their operands.
//
// Shapes are []int in row-major order; the empty shape is a scalar. Every
// error wraps ErrShape and names the shapes involved in NumPy's notation,
// "(3, 1)".
//
// The package imports nothing of tensordist, so every other layer can use it.
package shape
