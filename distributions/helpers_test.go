package distributions_test

import (
	"math"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed39ad66a2/tensordist/tensor"
)

// Named tolerances, relative, per dtype (STYLE.md). A looser one states its
// measured reason where it is used.
const (
	tol64 = 1e-14
	tol32 = 1e-6
)

// f64 returns a float64 vector of shape (len(v)); f32 a float32 one.
func f64(v ...float64) *tensor.Dense { return tensor.Vector(v...) }
func f32(v ...float32) *tensor.Dense { return tensor.Vector(v...) }

// s64 returns a 0-d float64 array (batch shape ()); s32 a float32 one.
func s64(v float64) *tensor.Dense { return tensor.Scalar(v) }
func s32(v float32) *tensor.Dense { return tensor.Scalar(v) }

// sh returns v reshaped to shp (a new array over v's data, which is not
// copied); it panics on a size mismatch, a bug in the test itself.
func sh(v *tensor.Dense, shp ...int) *tensor.Dense {
	var (
		d   *tensor.Dense
		err error
	)
	switch v.Dtype() {
	case tensor.Float32:
		d, err = tensor.New(v.Float32s(), shp...)
	default:
		d, err = tensor.New(v.Float64s(), shp...)
	}
	if err != nil {
		panic(err)
	}
	return d
}

// to32 and to64 convert an array's dtype (a copy).
func to32(v *tensor.Dense) *tensor.Dense {
	d, err := tensor.Convert[float32](v)
	if err != nil {
		panic(err)
	}
	return d
}

func to64(v *tensor.Dense) *tensor.Dense {
	d, err := tensor.Convert[float64](v)
	if err != nil {
		panic(err)
	}
	return d
}

// data64 returns v's elements as float64 (widened from float32), row-major.
func data64(t testing.TB, v tensor.Value) []float64 {
	t.Helper()
	require.NotNil(t, v)
	d, err := tensor.Float64s(v)
	require.NoError(t, err)
	return d
}

// shapeOf is v's shape as a non-nil []int, () for a scalar.
func shapeOf(v tensor.Value) []int { return tensor.ShapeOf(v) }

// close fails t unless each got[i] is within rel of want[i], relative to
// |want[i]|, or within abs. NaN matches only NaN; infinities must match
// exactly, sign included.
func close[T ~float32 | ~float64](t testing.TB, want, got []T, rel, abs float64) {
	t.Helper()
	require.Len(t, got, len(want))
	for i := range want {
		w, g := float64(want[i]), float64(got[i])
		switch {
		case w == g: // ±0 match each other
			continue
		case math.IsNaN(w) || math.IsNaN(g):
			if math.IsNaN(w) && math.IsNaN(g) {
				continue
			}
		case math.IsInf(w, 0) || math.IsInf(g, 0):
			// unequal: an infinity matches only itself
		case math.Abs(g-w) <= abs || math.Abs(g-w) <= rel*math.Abs(w):
			// relative to want, also for subnormals (gonum's
			// EqualWithinRel turns absolute below the smallest normal)
			continue
		}
		t.Errorf("[%d]: got %v, want %v (rel %.3g)", i, g, w, relErr(w, g))
	}
}

// relErr is |got-want|/|want|, or |got-want| when want is 0.
func relErr(want, got float64) float64 {
	if want == got {
		return 0
	}
	if want == 0 {
		return math.Abs(got)
	}
	return math.Abs(got-want) / math.Abs(want)
}

// bcast returns data, of shape from, broadcast NumPy-style to shape to, as a
// new row-major slice: the tests' own broadcasting, independent of
// shape.Plan.
func bcast(data []float64, from, to []int) []float64 {
	if len(from) > len(to) {
		panic("bcast: rank")
	}
	n := 1
	for _, d := range to {
		n *= d
	}
	out := make([]float64, n)
	idx := make([]int, len(to))
	off := len(to) - len(from)
	for flat := range out {
		r := flat
		for d := len(to) - 1; d >= 0; d-- {
			idx[d] = r % to[d]
			r /= to[d]
		}
		src, stride := 0, 1
		for d := len(from) - 1; d >= 0; d-- {
			i := idx[off+d]
			switch {
			case from[d] == 1:
				i = 0
			case from[d] != to[off+d]:
				panic("bcast: shapes")
			}
			src += i * stride
			stride *= from[d]
		}
		out[flat] = data[src]
	}
	return out
}

// centralDiff returns the central finite-difference gradient of f at x,
// (f(x+h·e_i) - f(x-h·e_i))/(2h) with h = step·max(1, |x_i|). Its error is
// O(h²·f”') from truncation plus O(ε·|f|/h) from rounding; step = 1e-5
// balances the two at about 1e-10 relative for the smooth, O(1)-scaled
// functions the tests use.
func centralDiff(f func(x []float64) float64, x []float64, step float64) []float64 {
	g := make([]float64, len(x))
	y := slices.Clone(x)
	for i := range x {
		h := step * max(1, math.Abs(x[i]))
		// make x±h exactly representable so that the divisor is exact
		h = (x[i] + h) - x[i]
		y[i] = x[i] + h
		fp := f(y)
		y[i] = x[i] - h
		fm := f(y)
		y[i] = x[i]
		g[i] = (fp - fm) / (2 * h)
	}
	return g
}

// maxRelErr is the largest |got-want|/max(|want|, floor) over the slices:
// the measured figure the gradient checks report.
func maxRelErr(want, got []float64, floor float64) float64 {
	m := 0.0
	for i := range want {
		m = max(m, math.Abs(got[i]-want[i])/max(math.Abs(want[i]), floor))
	}
	return m
}

// seq returns n evenly spaced values from lo to hi (inclusive); lo alone
// when n is 1.
func seq(lo, hi float64, n int) []float64 {
	out := make([]float64, n)
	if n == 1 {
		out[0] = lo
		return out
	}
	for i := range out {
		out[i] = lo + (hi-lo)*float64(i)/float64(n-1)
	}
	return out
}

// must returns v, panicking on err: for fixtures that cannot fail.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// sizeOf is the number of elements of shape shp.
func sizeOf(shp []int) int {
	n := 1
	for _, d := range shp {
		n *= d
	}
	return n
}

// requireFinite fails t unless every element of v is finite.
func requireFinite(t testing.TB, v []float64) {
	t.Helper()
	for i, x := range v {
		require.False(t, math.IsNaN(x) || math.IsInf(x, 0), "[%d] = %v", i, x)
	}
}
