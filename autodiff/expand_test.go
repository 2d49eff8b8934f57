package autodiff_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	G "gorgonia.org/gorgonia"

	"github.com/seed39ad66a2/tensordist/autodiff"
	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// TestExpand: an expanded family's log-prob node has the expanded batch
// shape, also for a value of the parameters' smaller shape, and its gradients equal the eager Expand(d).LogProbGrad ones,
// summed back to the (smaller) parameters; a batch the parameters cannot
// broadcast to is refused.
func TestExpand(t *testing.T) {
	t.Parallel()
	loc, scale := tensor.Vector(0.5, -1.0), tensor.Scalar(1.5)
	x := tensor.Vector(0.1, -0.4) // broadcast to the expanded batch (3, 2)
	d, err := distributions.NewNormal(loc, scale)
	require.NoError(t, err)
	ex, err := distributions.Expand(d, []int{3, 2})
	require.NoError(t, err)
	want, err := ex.(distributions.LogProbGrader).LogProbGrad(x)
	require.NoError(t, err)
	f := autodiff.Expand(autodiff.Normal, []int{3, 2})
	for _, m := range machines {
		var lp *G.Node
		cost, grads := run(t, m, func(g *G.ExprGraph) (*G.Node, G.Nodes) {
			ln, sn := node(g, loc, false, "loc"), node(g, scale, false, "scale")
			xn := node(g, x, true, "x")
			var err error
			lp, err = autodiff.LogProb(f, xn, ln, sn)
			require.NoError(t, err)
			return G.Must(G.Sum(lp)), G.Nodes{ln, sn}
		})
		require.Equal(t, []int{3, 2}, []int(lp.Shape()), m)
		require.InDelta(t, want.LogProb, cost, 1e-12, m)
		approx(t, f64s(t, want.Params["loc"]), grads[0], 1e-12, 0, m)
		approx(t, f64s(t, want.Params["scale"]), grads[1], 1e-12, 0, m)
	}
	g := G.NewGraph()
	_, err = autodiff.LogProbSum(autodiff.Expand(autodiff.Normal, []int{3}), node(g, x, true, "x"), node(g, loc, false, "loc"), node(g, scale, false, "scale"))
	require.ErrorIs(t, err, distributions.ErrShape)
}
