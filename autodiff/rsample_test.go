package autodiff_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
	G "gorgonia.org/gorgonia"

	"github.com/seed39ad66a2/tensordist/autodiff"
	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

var (
	rsLoc   = tensor.Vector(0.3, -1.2, 2.0)
	rsScale = tensor.Vector(0.8, 1.5, 0.4)
)

// TestRSampleLogProbEndToEnd: for x = μ + σε, log q(x; μ, σ) = -ε²/2 -
// log σ - log(2π)/2, so the total gradient (score term through x plus the
// direct partials) is exactly 0 for μ and -1/σ per draw for σ: gorgonia
// chains LogProbVJP's value gradient into RSample's pathwise gradient.
func TestRSampleLogProbEndToEnd(t *testing.T) {
	t.Parallel()
	const n = 5
	for _, m := range machines {
		for _, fused := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/fused=%v", m, fused), func(t *testing.T) {
				_, grads := run(t, m, func(g *G.ExprGraph) (*G.Node, G.Nodes) {
					ln, sn := node(g, rsLoc, false, "loc"), node(g, rsScale, false, "scale")
					x, err := autodiff.RSample(autodiff.Normal, rand.NewPCG(7, 8), []int{n}, ln, sn)
					require.NoError(t, err)
					if fused {
						lp, err := autodiff.LogProbSum(autodiff.Normal, x, ln, sn)
						require.NoError(t, err)
						return lp, G.Nodes{ln, sn}
					}
					lp, err := autodiff.LogProb(autodiff.Normal, x, ln, sn)
					require.NoError(t, err)
					return G.Must(G.Sum(lp)), G.Nodes{ln, sn}
				})
				wantScale := make([]float64, 3)
				for i, s := range rsScale.Float64s() {
					wantScale[i] = -n / s
				}
				approx(t, make([]float64, 3), grads[0], 0, 1e-12, "∂loc")
				approx(t, wantScale, grads[1], 1e-12, 1e-12, "∂scale")
			})
		}
	}
}

// TestRSampleFreshAndDeterministic: each run draws fresh noise; two graphs
// with the same seed give the same sequence; a scalar node works too.
func TestRSampleFreshAndDeterministic(t *testing.T) {
	t.Parallel()
	draws := func(m string) [][]float64 {
		g := G.NewGraph()
		ln, sn := node(g, tensor.Scalar(1.0), false, "loc"), node(g, tensor.Scalar(2.0), false, "scale")
		x, err := autodiff.RSample(autodiff.Normal, rand.NewPCG(3, 3), nil, ln, sn)
		require.NoError(t, err)
		require.True(t, x.IsScalar())
		cost := G.Must(G.Square(x))
		vm := machine(t, m, g, cost, G.Nodes{ln, sn})
		defer func() { vm.Close() }()
		var out [][]float64
		for range 3 {
			require.NoError(t, vm.RunAll())
			out = append(out, floats(t, x.Value()))
			vm.Reset()
			if m == "lisp" { // gorgonia's LispMachine.Reset re-runs only the last node
				vm.Close()
				vm = G.NewLispMachine(g)
			}
		}
		return out
	}
	for _, m := range machines {
		a, b := draws(m), draws(m)
		require.Equal(t, a, b, m)
		require.NotEqual(t, a[0], a[1], m)
		d, _ := distributions.NewNormal(tensor.Scalar(1.0), tensor.Scalar(2.0))
		src := rand.NewPCG(3, 3)
		for i := range a {
			x, _ := d.RSample(src)
			require.Equal(t, x.Float64s(), a[i], m)
		}
	}
}

// TestRSampleErrors: a nil source and families without pathwise gradients
// are errors; two RSample nodes of equal inputs stay two nodes.
func TestRSampleErrors(t *testing.T) {
	t.Parallel()
	g := G.NewGraph()
	p := node(g, tensor.Scalar(0.5), false, "p")
	_, err := autodiff.RSample(autodiff.Normal, nil, nil, p, p)
	require.ErrorIs(t, err, tensor.ErrNilSource)
	_, err = autodiff.RSample(autodiff.BernoulliLogits, rand.NewPCG(1, 1), nil, p)
	require.ErrorIs(t, err, distributions.ErrUnsupported)
	_, err = autodiff.RSample(autodiff.Normal, rand.NewPCG(1, 1), []int{-1}, p, p)
	require.Error(t, err)
	src := rand.NewPCG(1, 1)
	a, err := autodiff.RSample(autodiff.Normal, src, nil, p, p)
	require.NoError(t, err)
	b, err := autodiff.RSample(autodiff.Normal, src, nil, p, p)
	require.NoError(t, err)
	require.NotSame(t, a, b)
}
