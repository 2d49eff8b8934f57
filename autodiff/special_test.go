package autodiff_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	G "gorgonia.org/gorgonia"

	"github.com/seed39ad66a2/tensordist/autodiff"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// TestSpecialOps: forward values are tensordist's functions; the gradient
// of Σ f(x) is f' (Lgamma → Digamma → Trigamma, Softplus → σ(x),
// LogSigmoid → σ(-x)), on both machines, for vectors and scalars.
func TestSpecialOps(t *testing.T) {
	t.Parallel()
	xs := []float64{0.05, 0.5, 1, 1.4616, 3.7, 25, -0.5, -2.3}
	sig := func(x float64) float64 { return tensor.Sigmoid(x) }
	ops := []struct {
		name  string
		op    func(*G.Node) (*G.Node, error)
		f, df func(float64) float64
		xs    []float64
	}{
		{"lgamma", autodiff.Lgamma, tensor.Lgamma, tensor.Digamma, xs},
		{"digamma", autodiff.Digamma, tensor.Digamma, tensor.Trigamma, xs},
		{"softplus", autodiff.Softplus, tensor.Softplus, sig, []float64{-800, -30, -1, 0, 1, 17, 40, 800}},
		{"log_sigmoid", autodiff.LogSigmoid, tensor.LogSigmoid, func(x float64) float64 { return sig(-x) }, []float64{-800, -30, -1, 0, 1, 17, 40, 800}},
	}
	for _, o := range ops {
		want, dwant := make([]float64, len(o.xs)), make([]float64, len(o.xs))
		for i, x := range o.xs {
			want[i], dwant[i] = o.f(x), o.df(x)
		}
		for _, m := range machines {
			t.Run(fmt.Sprintf("%s/%s/vector", o.name, m), func(t *testing.T) {
				var y *G.Node
				_, grads := run(t, m, func(g *G.ExprGraph) (*G.Node, G.Nodes) {
					x := node(g, tensor.Vector(o.xs...), false, "x")
					var err error
					y, err = o.op(x)
					require.NoError(t, err)
					return G.Must(G.Sum(y)), G.Nodes{x}
				})
				require.Equal(t, want, floats(t, y.Value()))
				require.Equal(t, dwant, grads[0])
			})
			t.Run(fmt.Sprintf("%s/%s/scalar", o.name, m), func(t *testing.T) {
				var y *G.Node
				_, grads := run(t, m, func(g *G.ExprGraph) (*G.Node, G.Nodes) {
					x := node(g, tensor.Scalar(o.xs[2]), false, "x")
					var err error
					y, err = o.op(x)
					require.NoError(t, err)
					return y, G.Nodes{x}
				})
				require.Equal(t, want[2:3], floats(t, y.Value()))
				require.Equal(t, dwant[2:3], grads[0])
			})
		}
	}
}

// TestSpecialFloat32: float32 nodes, computed in float64 and rounded once.
func TestSpecialFloat32(t *testing.T) {
	t.Parallel()
	for _, m := range machines {
		var y *G.Node
		_, grads := run(t, m, func(g *G.ExprGraph) (*G.Node, G.Nodes) {
			x := node(g, tensor.Vector[float32](0.5, 2, 7), false, "x")
			var err error
			y, err = autodiff.Lgamma(x)
			require.NoError(t, err)
			return G.Must(G.Sum(y)), G.Nodes{x}
		})
		for i, x := range []float64{0.5, 2, 7} {
			require.Equal(t, float64(float32(tensor.Lgamma(x))), floats(t, y.Value())[i], m)
			require.Equal(t, float64(float32(tensor.Digamma(x))), grads[0][i], m)
		}
	}
}

// TestTrigammaHasNoDerivative: differentiating Trigamma (no tetragamma
// here) is an error on both machines, not a silent zero.
func TestTrigammaHasNoDerivative(t *testing.T) {
	t.Parallel()
	build := func() (*G.ExprGraph, *G.Node, *G.Node) {
		g := G.NewGraph()
		x := node(g, tensor.Vector(0.5, 3.0), false, "x")
		return g, x, G.Must(G.Sum(G.Must(autodiff.Trigamma(x))))
	}
	_, x, cost := build()
	_, err := G.Grad(cost, x)
	require.ErrorContains(t, err, "derivative not implemented")

	g, _, _ := build()
	lm := G.NewLispMachine(g)
	defer lm.Close()
	require.ErrorContains(t, lm.RunAll(), "derivative not implemented")
}

// TestSoftplusAccuracy: gorgonia's Softplus returns x above 16; ours keeps
// the e^-x term.
func TestSoftplusAccuracy(t *testing.T) {
	t.Parallel()
	g := G.NewGraph()
	x := node(g, tensor.Vector(17.0, 30.0), false, "x")
	ours := G.Must(autodiff.Softplus(x))
	theirs := G.Must(G.Softplus(x))
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	require.NoError(t, vm.RunAll())
	want := []float64{17 + math.Log1p(math.Exp(-17)), 30 + math.Exp(-30)}
	require.Equal(t, want, floats(t, ours.Value()))
	require.NotEqual(t, want, floats(t, theirs.Value()))
}
