package distributions_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// TestBernoulliLogProbLarge checks Bernoulli's chunked vector path (probs:
// LogSlice and Log1pSlice; logits: ExpSlice and Log1pSlice) against log p
// written out in float64 with math (logSigmoid, logRef, math.Log1p), on
// batches longer than one chunk and one block, in both dtypes and both
// forms: the parameter per element (edge values included), broadcast,
// and per row; LogProb, LogProbInto into x's own memory, and the sum
// returned with the gradients (the scalar float64 path).
func TestBernoulliLogProbLarge(t *testing.T) {
	t.Parallel()
	const rows, cols = 3, 16384 + 1000 // two blocks per row, many chunks, a ragged tail
	r := rand.New(rand.NewPCG(4, 3))
	xV := make([]float64, rows*cols)
	for i := range xV {
		xV[i] = float64(r.IntN(2))
	}
	probsV, logitsV := make([]float64, rows*cols), make([]float64, rows*cols)
	edgeP := []float64{0, 1, 1e-30, 1 - 0x1p-24, 0.5, 1e-8, 0.999}
	edgeL := []float64{math.Inf(1), math.Inf(-1), 800, -800, 50, -50, 0, 1e-20, 16, -16}
	for i := range probsV {
		probsV[i] = r.Float64()
		logitsV[i] = 6 * r.NormFloat64()
		if i%97 == 0 {
			probsV[i] = edgeP[(i/97)%len(edgeP)]
			logitsV[i] = edgeL[(i/97)%len(edgeL)]
		}
	}
	for _, dt := range []string{"f64", "f32"} {
		for _, logits := range []bool{false, true} {
			par := probsV
			if logits {
				par = logitsV
			}
			for _, c := range []struct {
				name         string
				param, value *tensor.Dense
			}{
				{"per element", sh(f64(par...), rows, cols), sh(f64(slices.Clone(xV)...), rows, cols)}, // cloned: LogProbInto writes over it
				{"broadcast", s64(par[1]), sh(f64(slices.Clone(xV)...), rows, cols)},
				{"per row, x broadcast", sh(f64(par[:rows]...), rows, 1), sh(f64(xV[:cols]...), 1, cols)},
			} {
				name := dt + "/probs/" + c.name
				if logits {
					name = dt + "/logits/" + c.name
				}
				t.Run(name, func(t *testing.T) {
					param, x, tol := c.param, c.value, tol64
					if dt == "f32" {
						param, x, tol = to32(param), to32(x), tol32
					}
					var d *distributions.Bernoulli
					var err error
					if logits {
						d, err = distributions.NewBernoulliLogits(param)
					} else {
						d, err = distributions.NewBernoulli(param)
					}
					require.NoError(t, err)
					lp, err := d.LogProb(x)
					require.NoError(t, err)
					want := bernoulliRef(t, param, x, shapeOf(lp), logits)
					close(t, want, data64(t, lp), tol, 0)

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
}

// bernoulliRef is log p(x) in float64, broadcast to out by the tests' own
// bcast: x·log p + (1-x)·log1p(-p) with 0·log 0 = 0 (x in {0, 1}), or
// log σ(±ℓ).
func bernoulliRef(t *testing.T, param, x *tensor.Dense, out []int, logits bool) []float64 {
	t.Helper()
	p := bcast(data64(t, param), shapeOf(param), out)
	v := bcast(data64(t, x), shapeOf(x), out)
	ref := make([]float64, len(v))
	for i := range ref {
		switch {
		case logits && v[i] == 1:
			ref[i] = logSigmoid(p[i])
		case logits:
			ref[i] = logSigmoid(-p[i])
		case v[i] == 1:
			ref[i] = logRef(p[i])
		default:
			ref[i] = math.Log1p(-p[i])
		}
	}
	return ref
}
