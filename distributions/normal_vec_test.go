package distributions_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// TestNormalLogProbLarge checks Normal's chunked vector-log path against
// the density written out with math.Log, on batches longer than one chunk
// and one block, in both dtypes: σ per element and broadcast, loc and x
// broadcast along rows, LogProb, LogProbInto into x's own memory, and the
// value returned with the gradients.
func TestNormalLogProbLarge(t *testing.T) {
	t.Parallel()
	const rows, cols = 3, 16384 + 1000 // two blocks per row, many chunks, a ragged tail
	r := rand.New(rand.NewPCG(4, 2))
	draw := func(n int, f func() float64) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = f()
		}
		return v
	}
	locV := draw(cols, func() float64 { return 3 * r.NormFloat64() })
	scaleV := draw(rows*cols, func() float64 { return math.Exp(4 * (r.Float64() - 0.5)) })
	xV := draw(rows*cols, func() float64 { return 5 * r.NormFloat64() })
	for _, dt := range []string{"f64", "f32"} {
		for _, c := range []struct {
			name         string
			scale, value *tensor.Dense
		}{
			{"scale per element", sh(f64(scaleV...), rows, cols), sh(f64(xV...), rows, cols)},
			{"scale broadcast", s64(0.3), sh(f64(xV[:cols]...), 1, cols)},
			{"scale per row", sh(f64(scaleV[:rows]...), rows, 1), sh(f64(xV...), rows, cols)},
		} {
			t.Run(dt+"/"+c.name, func(t *testing.T) {
				loc, scale, x := f64(locV...), c.scale, c.value
				tol := tol64
				if dt == "f32" {
					loc, scale, x, tol = to32(loc), to32(scale), to32(x), tol32
				}
				d, err := distributions.NewNormal(loc, scale)
				require.NoError(t, err)
				lp, err := d.LogProb(x)
				require.NoError(t, err)
				want, mag := normalRef(t, loc, scale, x, shapeOf(lp))
				got := data64(t, lp)
				for i := range want {
					require.LessOrEqual(t, math.Abs(got[i]-want[i]), tol*mag[i], "[%d]: got %v, want %v", i, got[i], want[i])
				}

				g, err := d.LogProbGrad(x)
				require.NoError(t, err)
				sum := 0.0
				for _, v := range want {
					sum += v
				}
				close(t, []float64{sum}, []float64{g.LogProb}, 1e-12, 0)

				if shapeOf(x)[0] == rows { // x has log_prob's shape: write over it
					require.NoError(t, d.LogProbInto(x, x))
					require.Equal(t, data64(t, lp), data64(t, x), "LogProbInto(x, x) is LogProb(x)")
				}
			})
		}
	}
}

// normalRef is log N(x | loc, scale) in float64 with math.Log, broadcast
// to out by the tests' own bcast, and the sum of its terms' magnitudes,
// the scale of its rounding error (the terms cancel where σ < 1/√(2π)).
func normalRef(t *testing.T, loc, scale, x *tensor.Dense, out []int) (ref, mag []float64) {
	t.Helper()
	m := bcast(data64(t, loc), shapeOf(loc), out)
	s := bcast(data64(t, scale), shapeOf(scale), out)
	v := bcast(data64(t, x), shapeOf(x), out)
	ref, mag = make([]float64, len(v)), make([]float64, len(v))
	for i := range ref {
		z := (v[i] - m[i]) / s[i]
		h := 0.5 * math.Log(2*math.Pi)
		ref[i] = -z*z/2 - math.Log(s[i]) - h
		mag[i] = z*z/2 + math.Abs(math.Log(s[i])) + h
	}
	return ref, mag
}
