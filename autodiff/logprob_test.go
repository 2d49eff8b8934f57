package autodiff_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
	G "gorgonia.org/gorgonia"
	gt "gorgonia.org/tensor"

	"github.com/seed39ad66a2/tensordist/autodiff"
	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// graphGrads runs x, params through LogProb+Sum (or LogProbSum) on machine
// m and returns the cost and the gradients of x (when variable) and params.
func graphGrads(t *testing.T, m string, fam autodiff.Family, fused, constX bool, x *tensor.Dense, ps []*tensor.Dense) (float64, [][]float64) {
	return run(t, m, func(g *G.ExprGraph) (*G.Node, G.Nodes) {
		xn := node(g, x, constX, "x")
		var wrt G.Nodes
		if !constX {
			wrt = append(wrt, xn)
		}
		var pn G.Nodes
		for i, p := range ps {
			pn = append(pn, node(g, p, false, fam.Params[i]))
		}
		wrt = append(wrt, pn...)
		var cost *G.Node
		var err error
		if fused {
			cost, err = autodiff.LogProbSum(fam, xn, pn...)
			require.NoError(t, err)
		} else {
			lp, err := autodiff.LogProb(fam, xn, pn...)
			require.NoError(t, err)
			cost, err = G.Sum(lp)
			require.NoError(t, err)
		}
		require.NoError(t, err)
		return cost, wrt
	})
}

// TestLogProbForward: the LogProb node's value is the eager LogProb, in its
// shape.
func TestLogProbForward(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	x, loc, scale := fill(tensor.Float64, r, anyReal, 3, 1), fill(tensor.Float64, r, locGen, 1, 4), fill(tensor.Float64, r, pos)
	g := G.NewGraph()
	lp, err := autodiff.LogProb(autodiff.Normal, node(g, x, true, "x"), node(g, loc, false, "loc"), node(g, scale, false, "scale"))
	require.NoError(t, err)
	require.Equal(t, gt.Shape{3, 4}, lp.Shape())
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	require.NoError(t, vm.RunAll())
	d, _ := distributions.NewNormal(loc, scale)
	want, _ := d.LogProb(x)
	require.Equal(t, f64s(t, want), floats(t, lp.Value()))
}

// TestLogProbNormalOracle: Normal's graph gradients equal those of the log
// density composed from gorgonia primitives (reshaped to equal rank and
// broadcast with G.Auto), a test oracle only.
func TestLogProbNormalOracle(t *testing.T) {
	t.Parallel()
	for si, sc := range scalarShapes[:3] {
		r := rand.New(rand.NewPCG(7, uint64(si)))
		x, loc, scale := fill(tensor.Float64, r, anyReal, sc[0]...), fill(tensor.Float64, r, locGen, sc[1]...), fill(tensor.Float64, r, pos, sc[2]...)
		ps := []*tensor.Dense{loc, scale}
		out, err := shape.Broadcast(sc[:3]...)
		require.NoError(t, err)
		oracleCost, oracle := run(t, "tape", func(g *G.ExprGraph) (*G.Node, G.Nodes) {
			xn, ln, sn := node(g, x, false, "x"), node(g, loc, false, "loc"), node(g, scale, false, "scale")
			z := bcast(t, G.BroadcastHadamardDiv, G.HadamardDiv, bcast(t, G.BroadcastSub, G.Sub, xn, ln), sn)
			half := G.Must(G.Mul(G.Must(G.Square(z)), G.NewConstant(-0.5, G.WithName(name("half")))))
			lp := bcast(t, G.BroadcastSub, G.Sub, half, G.Must(G.Log(sn)))
			return G.Must(G.Sum(lp)), G.Nodes{xn, ln, sn}
		})
		oracleCost -= float64(shape.Size(out)) * 0.918938533204672741780329736405617639861397473637783412817
		for _, m := range machines {
			for _, fused := range []bool{false, true} {
				t.Run(fmt.Sprintf("%v/%s/fused=%v", sc, m, fused), func(t *testing.T) {
					cost, grads := graphGrads(t, m, autodiff.Normal, fused, false, x, ps)
					approx(t, []float64{oracleCost}, []float64{cost}, tol64, tol64, "cost")
					for i, n := range []string{"∂x", "∂loc", "∂scale"} {
						approx(t, oracle[i], grads[i], tol64, tol64, n)
					}
				})
			}
		}
	}
}

// bcast applies a binary op with NumPy broadcasting: directly when either
// side is a scalar, else through G.Auto after padding the lower rank with
// leading 1s (gorgonia broadcasts equal ranks only).
func bcast(t *testing.T, b func(a, b *G.Node, l, r []byte) (*G.Node, error), plain func(a, b *G.Node) (*G.Node, error), x, y *G.Node) *G.Node {
	t.Helper()
	if x.IsScalar() || y.IsScalar() {
		n, err := plain(x, y)
		require.NoError(t, err)
		return n
	}
	pad := func(n *G.Node, rank int) *G.Node {
		if n.Dims() == rank {
			return n
		}
		s := append(make([]int, rank-n.Dims()), n.Shape()...)
		for i := range rank - n.Dims() {
			s[i] = 1
		}
		return G.Must(G.Reshape(n, s))
	}
	rank := max(x.Dims(), y.Dims())
	x, y = pad(x, rank), pad(y, rank)
	if x.Shape().Eq(y.Shape()) {
		n, err := plain(x, y)
		require.NoError(t, err)
		return n
	}
	n, err := G.Auto(b, x, y)
	require.NoError(t, err)
	return n
}

// TestCategoricalGraph: int64 indices and float indices, constant, against
// the eager gradient of the logits.
func TestCategoricalGraph(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(5, 6))
	logits := fill(tensor.Float64, r, logit, 3, 4)
	idx := []int64{0, 3, 2, 1, 1, 0}
	xi, _ := tensor.New(idx, 2, 3)
	xf := fill(tensor.Float64, r, func(*rand.Rand) float64 { return 0 }, 2, 3)
	for i, v := range idx {
		xf.Float64s()[i] = float64(v)
	}
	d, _ := distributions.NewCategoricalLogits(logits)
	want, err := d.LogProbGrad(xi)
	require.NoError(t, err)
	for _, x := range []*tensor.Dense{xi, xf} {
		for _, m := range machines {
			t.Run(fmt.Sprintf("%v/%s", x.Dtype(), m), func(t *testing.T) {
				cost, grads := run(t, m, func(g *G.ExprGraph) (*G.Node, G.Nodes) {
					ln := node(g, logits, false, "logits")
					lp, err := autodiff.LogProbSum(autodiff.CategoricalLogits, node(g, x, true, "x"), ln)
					require.NoError(t, err)
					return lp, G.Nodes{ln}
				})
				approx(t, []float64{want.LogProb}, []float64{cost}, tol64, tol64, "cost")
				approx(t, f64s(t, want.Params["logits"]), grads[0], tol64, tol64, "∂logits")
			})
		}
	}
}

// TestLogProbErrors: wrong arity, dtype mixes, shapes that do not
// broadcast, and families without gradients are errors, not panics.
func TestLogProbErrors(t *testing.T) {
	t.Parallel()
	g := G.NewGraph()
	x := G.NewVector(g, tensor.Float64, G.WithShape(3), G.WithName(name("x")))
	loc := G.NewVector(g, tensor.Float64, G.WithShape(4), G.WithName(name("loc")))
	scale := G.NewScalar(g, tensor.Float64, G.WithName(name("scale")))
	scale32 := G.NewScalar(g, tensor.Float32, G.WithName(name("scale32")))
	_, err := autodiff.LogProb(autodiff.Normal, x, scale)
	require.Error(t, err)
	_, err = autodiff.LogProb(autodiff.Normal, x, scale, scale32)
	require.ErrorIs(t, err, distributions.ErrDType)
	_, err = autodiff.LogProb(autodiff.Normal, x, loc, scale)
	require.ErrorIs(t, err, distributions.ErrShape)
	_, err = autodiff.LogProb(autodiff.Normal, x, nil, scale)
	require.Error(t, err)
	_, err = autodiff.MaskedLogProb(autodiff.Normal, nil, x, scale, scale)
	require.Error(t, err)
	xi := G.NewVector(g, tensor.Int64, G.WithShape(3), G.WithName(name("xi")))
	_, err = autodiff.LogProb(autodiff.CategoricalLogits, xi, loc) // int64 indices must be constant
	require.ErrorIs(t, err, distributions.ErrDType)
	noGrad := autodiff.Family{Name: "opaque", Params: []string{"loc", "scale"}, New: func(ps []*tensor.Dense) (distributions.Distribution, error) {
		d, err := distributions.NewNormal(ps[0], ps[1])
		return opaque{d}, err
	}}
	_, err = autodiff.LogProb(noGrad, x, scale, scale)
	require.ErrorContains(t, err, "no analytic gradient")
	_, err = autodiff.MaskedLogProb(noGrad, tensor.Vector(true, false, true), x, scale, scale)
	require.ErrorContains(t, err, "no analytic gradient")
}

// opaque hides every capability but Distribution's.
type opaque struct{ distributions.Distribution }

// TestBackwardSharesOneVJP: the tape's backward ops of one node (one per
// differentiable input) call the family's VJP once per run between them.
func TestBackwardSharesOneVJP(t *testing.T) {
	t.Parallel()
	var calls int
	counting := autodiff.Family{Name: "countingNormal", Params: []string{"loc", "scale"}, New: func(ps []*tensor.Dense) (distributions.Distribution, error) {
		d, err := autodiff.Normal.New(ps)
		if err != nil {
			return nil, err
		}
		return counter{d.(*distributions.Normal), &calls}, nil
	}}
	g := G.NewGraph()
	x := node(g, tensor.Vector(0.1, 0.2, 0.3), false, "x")
	loc := node(g, tensor.Scalar(0.5), false, "loc")
	scale := node(g, tensor.Scalar(1.5), false, "scale")
	cost, err := autodiff.LogProbSum(counting, x, loc, scale)
	require.NoError(t, err)
	vm := machine(t, "tape", g, cost, G.Nodes{x, loc, scale})
	defer vm.Close()
	for i := range 3 {
		require.NoError(t, vm.RunAll())
		vm.Reset()
		require.Equal(t, i+1, calls)
	}
}

type counter struct {
	*distributions.Normal
	calls *int
}

func (c counter) LogProbVJP(x, up distributions.Value) (*distributions.Gradient, error) {
	*c.calls++
	return c.Normal.LogProbVJP(x, up)
}

// TestScaledUpstream: a scalar upstream other than 1 (here -2·LogProbSum)
// scales the partials; 0 gives zeros even where a partial is infinite.
func TestScaledUpstream(t *testing.T) {
	t.Parallel()
	x, loc, scale := tensor.Vector(0.1, -0.7, 2.0), tensor.Vector(0.3, 0.1, -0.5), tensor.Scalar(1.3)
	d, _ := distributions.NewNormal(loc, scale)
	want, _ := d.LogProbGrad(x)
	for _, m := range machines {
		for _, k := range []float64{-2, 0} {
			t.Run(fmt.Sprintf("%s/%v", m, k), func(t *testing.T) {
				_, grads := run(t, m, func(g *G.ExprGraph) (*G.Node, G.Nodes) {
					ln, sn := node(g, loc, false, "loc"), node(g, scale, false, "scale")
					lp, err := autodiff.LogProbSum(autodiff.Normal, node(g, x, true, "x"), ln, sn)
					require.NoError(t, err)
					return G.Must(G.Mul(lp, G.NewConstant(k, G.WithName(name("k"))))), G.Nodes{ln, sn}
				})
				for i, p := range []string{"loc", "scale"} {
					w := append([]float64(nil), f64s(t, want.Params[p])...)
					for j := range w {
						w[j] *= k
						if k == 0 {
							w[j] = 0 // not -0: the zero upstream selects
						}
					}
					approx(t, w, grads[i], tol64, tol64, "∂"+p)
				}
			})
		}
	}
}
