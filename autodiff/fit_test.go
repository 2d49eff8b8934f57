package autodiff_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
	G "gorgonia.org/gorgonia"

	"github.com/seed39ad66a2/tensordist/autodiff"
	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// normalModel is -Σ log N(y; loc, exp(logScale)) over constant data y.
type normalModel struct {
	g             *G.ExprGraph
	loc, logScale *G.Node
	cost          *G.Node
}

func newNormalModel(t testing.TB, y *tensor.Dense) normalModel {
	g := G.NewGraph()
	loc := node(g, tensor.Scalar(0.0), false, "loc")
	logScale := node(g, tensor.Scalar(0.0), false, "log_scale")
	lp, err := autodiff.LogProbSum(autodiff.Normal, node(g, y, true, "y"), loc, G.Must(G.Exp(logScale)))
	require.NoError(t, err)
	return normalModel{g, loc, logScale, G.Must(G.Neg(lp))}
}

func data(t testing.TB, n int) *tensor.Dense {
	d, err := distributions.NewNormal(tensor.Scalar(2.5), tensor.Scalar(0.7))
	require.NoError(t, err)
	y, err := d.Sample(rand.NewPCG(11, 12), n)
	require.NoError(t, err)
	return y
}

func scalarOf(t testing.TB, n *G.Node) float64 { return floats(t, n.Value())[0] }

// TestSolverStepsNoStaleGradients: across RunAll, Step and Reset, each
// run's gradients are the eager gradients at that run's parameters: none
// left over from an earlier run (the backward ops' shared VJP is per run,
// though the solver updates the parameters in place).
func TestSolverStepsNoStaleGradients(t *testing.T) {
	t.Parallel()
	y := data(t, 20)
	for _, m := range machines {
		t.Run(m, func(t *testing.T) {
			mod := newNormalModel(t, y)
			wrt := G.Nodes{mod.loc, mod.logScale}
			vm := machine(t, m, mod.g, mod.cost, wrt)
			defer func() { vm.Close() }()
			solver := G.NewAdamSolver(G.WithLearnRate(0.1))
			for step := range 5 {
				loc, logScale := scalarOf(t, mod.loc), scalarOf(t, mod.logScale)
				require.NoError(t, vm.RunAll())
				d, _ := distributions.NewNormal(tensor.Scalar(loc), tensor.Scalar(math.Exp(logScale)))
				want, _ := d.LogProbGrad(y)
				gl, _ := mod.loc.Grad()
				gs, _ := mod.logScale.Grad()
				approx(t, []float64{-want.Params["loc"].Float64s()[0]}, floats(t, gl), tol64, tol64, "∂loc")
				approx(t, []float64{-want.Params["scale"].Float64s()[0] * math.Exp(logScale)}, floats(t, gs), tol64, tol64, "∂log_scale")
				require.NoError(t, solver.Step(G.NodesToValueGrads(wrt)))
				require.NotEqual(t, loc, scalarOf(t, mod.loc), "step %d", step)
				vm.Reset()
				if m == "lisp" { // gorgonia's LispMachine.Reset re-runs only the last node
					vm.Close()
					vm = G.NewLispMachine(mod.g)
				}
			}
		})
	}
}

// TestFitNormalAdam: Adam on -LogProbSum fits loc and log-scale to the
// maximum-likelihood estimates, the sample mean and (biased) sd.
func TestFitNormalAdam(t *testing.T) {
	t.Parallel()
	y := data(t, 1000)
	var mean, sd float64
	for _, v := range y.Float64s() {
		mean += v
	}
	mean /= 1000
	for _, v := range y.Float64s() {
		sd += (v - mean) * (v - mean)
	}
	sd = math.Sqrt(sd / 1000)

	mod := newNormalModel(t, y)
	wrt := G.Nodes{mod.loc, mod.logScale}
	vm := machine(t, "tape", mod.g, mod.cost, wrt)
	defer vm.Close()
	solver := G.NewAdamSolver(G.WithLearnRate(0.05))
	for range 3000 {
		require.NoError(t, vm.RunAll())
		require.NoError(t, solver.Step(G.NodesToValueGrads(wrt)))
		vm.Reset()
	}
	require.InDelta(t, mean, scalarOf(t, mod.loc), 1e-4)
	require.InDelta(t, sd, math.Exp(scalarOf(t, mod.logScale)), 1e-4)
}
