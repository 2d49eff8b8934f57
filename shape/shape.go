package shape

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrShape is wrapped by every error about shapes: operands that do not
// broadcast, an invalid expand, event dims the batch does not have.
var ErrShape = errors.New("shape mismatch")

// shapeError is an error of kind ErrShape whose message is its own, so that
// messages read "shape: cannot broadcast (3, 1) with (2, 4)".
type shapeError struct{ msg string }

func (e *shapeError) Error() string { return e.msg }
func (e *shapeError) Unwrap() error { return ErrShape }

func errorf(format string, args ...any) error {
	return &shapeError{fmt.Sprintf(format, args...)}
}

// Format writes s the way NumPy prints a shape: "(3, 1)", "(3,)" and "()".
func Format(s []int) string {
	switch len(s) {
	case 0:
		return "()"
	case 1:
		return "(" + strconv.Itoa(s[0]) + ",)"
	}
	parts := make([]string, len(s))
	for i, d := range s {
		parts[i] = strconv.Itoa(d)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// Size is the number of elements of shape s; 1 for a scalar.
func Size(s []int) int {
	n := 1
	for _, d := range s {
		n *= d
	}
	return n
}

// Equal reports whether a and b are the same shape.
func Equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Clone returns a copy of s that is never nil.
func Clone(s []int) []int {
	return append(make([]int, 0, len(s)), s...)
}

// Concat returns the shapes joined end to end, like Python's tuple +.
func Concat(shapes ...[]int) []int {
	var out []int
	for _, s := range shapes {
		out = append(out, s...)
	}
	if out == nil {
		out = []int{}
	}
	return out
}

// Check returns an error unless every dimension of s is >= 0.
func Check(s []int) error {
	for _, d := range s {
		if d < 0 {
			return errorf("shape: negative dimension in %s", Format(s))
		}
	}
	return nil
}

// Broadcast returns the NumPy broadcast of the shapes: right-aligned, a size 1
// stretches, other sizes must agree. No shapes broadcast to the scalar ().
func Broadcast(shapes ...[]int) ([]int, error) {
	rank := 0
	for _, s := range shapes {
		rank = max(rank, len(s))
	}
	out := make([]int, rank)
	for i := range out {
		out[i] = 1
	}
	for _, s := range shapes {
		off := rank - len(s)
		for i, d := range s {
			switch o := out[off+i]; {
			case d == o || d == 1:
			case o == 1:
				out[off+i] = d
			default:
				return nil, broadcastError(shapes)
			}
		}
	}
	return out, nil
}

func broadcastError(shapes [][]int) error {
	parts := make([]string, len(shapes))
	for i, s := range shapes {
		parts[i] = Format(s)
	}
	return errorf("shape: cannot broadcast %s", strings.Join(parts, " with "))
}

// BroadcastsTo reports whether s broadcasts to target without growing target.
func BroadcastsTo(s, target []int) bool {
	if len(s) > len(target) {
		return false
	}
	off := len(target) - len(s)
	for i, d := range s {
		if d != 1 && d != target[off+i] {
			return false
		}
	}
	return true
}

// SplitEvent splits a value's shape into its leading part and its trailing
// eventDim dimensions, as Pyro does with value.shape[:-event_dim]. It fails
// when the value has fewer than eventDim dimensions.
func SplitEvent(s []int, eventDim int) (lead, event []int, err error) {
	if eventDim < 0 || eventDim > len(s) {
		return nil, nil, errorf("shape: %s has fewer than %d event dims", Format(s), eventDim)
	}
	k := len(s) - eventDim
	return Clone(s[:k]), Clone(s[k:]), nil
}

// CheckExpand returns an error unless a distribution of batch shape from may be
// expanded to batch shape to: to has at least from's rank, and right-aligned,
// every size of from is 1 or equal to to's (never "unexpand").
func CheckExpand(from, to []int) error {
	if err := Check(to); err != nil {
		return err
	}
	if !BroadcastsTo(from, to) {
		return errorf("shape: cannot expand batch shape %s to %s", Format(from), Format(to))
	}
	return nil
}

// ExpandBy returns sample + batch: Pyro's expand_by prepends dimensions.
func ExpandBy(batch, sample []int) []int {
	return Concat(sample, batch)
}

// SumRightmost returns the shape left after summing the n rightmost dims of s
// (Pyro's sum_rightmost); n may not exceed the rank of s.
func SumRightmost(s []int, n int) ([]int, error) {
	if n < 0 || n > len(s) {
		return nil, errorf("shape: cannot sum %d rightmost dims of %s", n, Format(s))
	}
	return Clone(s[:len(s)-n]), nil
}

// ToEvent moves the n rightmost batch dims into the event, as Pyro's
// to_event(n) / Independent does.
func ToEvent(batch, event []int, n int) (newBatch, newEvent []int, err error) {
	if n < 0 || n > len(batch) {
		return nil, nil, errorf("shape: to_event(%d) needs %d batch dims, batch shape is %s", n, n, Format(batch))
	}
	k := len(batch) - n
	return Clone(batch[:k]), Concat(batch[k:], event), nil
}

// CheckValue applies Pyro's rule for a value scored by a distribution of
// shapes batch and event: the value's trailing dims equal event exactly and
// the rest broadcasts with batch. It returns the shape of log_prob,
// broadcast(value[:-len(event)], batch).
func CheckValue(value, batch, event []int) ([]int, error) {
	k := len(value) - len(event)
	if k < 0 || !Equal(value[k:], event) {
		return nil, errorf("shape: value of shape %s does not end in event shape %s", Format(value), Format(event))
	}
	out, err := Broadcast(value[:k], batch)
	if err != nil {
		return nil, errorf("shape: value of shape %s does not broadcast with batch shape %s", Format(value), Format(batch))
	}
	return out, nil
}
