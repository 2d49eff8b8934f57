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
	rsW     = must(tensor.New([]float64{0.5, -1, 2, 0.1, 0.3, -0.7, 1.1, 0.2, -0.4, 0.9, -2, 0.6}, 4, 3))
)

// weighted is Σ w ⊙ x for eager draws of N(loc, scale), sample shape (4),
// from a fresh source of seed: the noise is the graph's first run's.
func weighted(t *testing.T, seed uint64, loc, scale *tensor.Dense) float64 {
	d, err := distributions.NewNormal(loc, scale)
	require.NoError(t, err)
	x, err := d.RSample(rand.NewPCG(seed, 1), 4)
	require.NoError(t, err)
	var s float64
	for i, v := range x.Float64s() {
		s += rsW.Float64s()[i] * v
	}
	return s
}

// TestRSampleGradFiniteDifferences: the gradient of Σ w ⊙ RSample(...)
// equals central differences of the eager draws with the noise held fixed
// (the same seed), on both machines.
func TestRSampleGradFiniteDifferences(t *testing.T) {
	t.Parallel()
	const seed, h = 42, 1e-6
	fd := func(p *tensor.Dense, at int) float64 {
		up, down := p.Clone().(*tensor.Dense), p.Clone().(*tensor.Dense)
		up.Float64s()[at] += h
		down.Float64s()[at] -= h
		if p == rsLoc {
			return (weighted(t, seed, up, rsScale) - weighted(t, seed, down, rsScale)) / (2 * h)
		}
		return (weighted(t, seed, rsLoc, up) - weighted(t, seed, rsLoc, down)) / (2 * h)
	}
	for _, m := range machines {
		t.Run(m, func(t *testing.T) {
			var x *G.Node
			cost, grads := run(t, m, func(g *G.ExprGraph) (*G.Node, G.Nodes) {
				ln, sn := node(g, rsLoc, false, "loc"), node(g, rsScale, false, "scale")
				var err error
				x, err = autodiff.RSample(autodiff.Normal, rand.NewPCG(seed, 1), []int{4}, ln, sn)
				require.NoError(t, err)
				require.Equal(t, []int{4, 3}, []int(x.Shape()))
				wx := G.Must(G.HadamardProd(node(g, rsW, true, "w"), x))
				return G.Must(G.Sum(wx)), G.Nodes{ln, sn}
			})
			approx(t, []float64{weighted(t, seed, rsLoc, rsScale)}, []float64{cost}, tol64, tol64, "cost")
			for i, p := range []*tensor.Dense{rsLoc, rsScale} {
				want := make([]float64, 3)
				for j := range want {
					want[j] = fd(p, j)
				}
				approx(t, want, grads[i], 1e-7, 1e-7, fmt.Sprintf("∂param%d", i))
			}
		})
	}
}

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
