package autodiff_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	G "gorgonia.org/gorgonia"

	"github.com/seed39ad66a2/tensordist/autodiff"
	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// TestLogSumExp: the value over the last dim without overflow (a row of
// 1000s), −Inf for a row of −Inf, and the gradient of Σ w·lse, w ⊙
// softmax(x) with 0 in a row of −Inf, on both machines; a vector reduces
// to a scalar node.
func TestLogSumExp(t *testing.T) {
	t.Parallel()
	inf := math.Inf(-1)
	xs := []float64{
		0.5, -1, 2, 0,
		1000, 1000, 0, inf,
		inf, inf, inf, inf,
	}
	w := []float64{1, -2, 3}
	lse := func(row []float64) float64 {
		m := inf
		for _, v := range row {
			m = max(m, v)
		}
		if math.IsInf(m, -1) {
			return m
		}
		var s float64
		for _, v := range row {
			s += math.Exp(v - m)
		}
		return m + math.Log(s)
	}
	want := make([]float64, 3)
	dwant := make([]float64, len(xs))
	for r := range want {
		want[r] = lse(xs[4*r : 4*r+4])
		for j := 4 * r; j < 4*r+4; j++ {
			if !math.IsInf(want[r], -1) {
				dwant[j] = w[r] * math.Exp(xs[j]-want[r])
			}
		}
	}
	require.InDelta(t, 1000+math.Log(2), want[1], 1e-12)
	for _, m := range machines {
		var y *G.Node
		_, grads := run(t, m, func(g *G.ExprGraph) (*G.Node, G.Nodes) {
			x := node(g, must(tensor.New(xs, 3, 4)), false, "x")
			var err error
			y, err = autodiff.LogSumExp(x)
			require.NoError(t, err)
			wn := node(g, tensor.Vector(w...), true, "w")
			return G.Must(G.Sum(G.Must(G.HadamardProd(y, wn)))), G.Nodes{x}
		})
		require.Equal(t, []int{3}, []int(y.Shape()), m)
		require.Equal(t, want, floats(t, y.Value()), m)
		approx(t, dwant, grads[0], 1e-15, 0, m)

		_, grads = run(t, m, func(g *G.ExprGraph) (*G.Node, G.Nodes) {
			x := node(g, tensor.Vector[float32](0.5, -1, 2), false, "x")
			var err error
			y, err = autodiff.LogSumExp(x)
			require.NoError(t, err)
			return y, G.Nodes{x}
		})
		require.Equal(t, 0, y.Dims(), m)
		l := lse([]float64{0.5, -1, 2})
		require.InDelta(t, l, floats(t, y.Value())[0], 1e-6, m)
		approx(t, []float64{math.Exp(0.5 - l), math.Exp(-1 - l), math.Exp(2 - l)}, grads[0], 1e-6, 0, m)
	}
	_, err := autodiff.LogSumExp(G.NewScalar(G.NewGraph(), tensor.Float64, G.WithName("s")))
	require.ErrorIs(t, err, shape.ErrShape)
}
