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
	"github.com/seed39ad66a2/tensordist/tensor"
)

// graphMode is one way of putting a log-prob into a graph.
type graphMode struct {
	machine       string
	fused, constX bool
}

// TestGraphVsEager: for every ready-made family, shape variant and dtype,
// the log-prob node (its value and shape, event dims included) and the
// gradients of its sum, alone (LogProbSum) or through G.Sum, equal the
// eager LogProb and LogProbGrad: on the TapeMachine in float64 and float32,
// on the LispMachine in float64, with x a variable and a constant.
func TestGraphVsEager(t *testing.T) {
	t.Parallel()
	for ci, c := range cases {
		for v := range c.variants {
			for _, dt := range []gt.Dtype{tensor.Float64, tensor.Float32} {
				x, ps := c.draw(rand.New(rand.NewPCG(uint64(ci), uint64(v))), dt, v)
				d, err := c.fam.New(ps)
				require.NoError(t, err, c.fam.Name)
				wantLP, err := d.LogProb(x)
				require.NoError(t, err, c.fam.Name)
				want, err := d.(distributions.LogProbGrader).LogProbGrad(x)
				require.NoError(t, err, c.fam.Name)
				require.Equal(t, dt, wantLP.Dtype())
				tol := tol64
				if dt == tensor.Float32 {
					tol = 1e-6
				}
				modes := []graphMode{{"tape", true, true}, {"tape", true, false}, {"tape", false, false}}
				if dt == tensor.Float64 {
					modes = append(modes, graphMode{"lisp", true, false}, graphMode{"lisp", false, true})
				}
				for _, m := range modes {
					if want.Value == nil && !m.constX {
						continue // no gradient with respect to the value (indices)
					}
					t.Run(fmt.Sprintf("%s/v%d/%v/%s/fused=%v/constX=%v", c.fam.Name, v, dt, m.machine, m.fused, m.constX), func(t *testing.T) {
						var lp *G.Node
						cost, grads := run(t, m.machine, func(g *G.ExprGraph) (*G.Node, G.Nodes) {
							xn := node(g, x, m.constX, "x")
							var wrt, pn G.Nodes
							if !m.constX {
								wrt = append(wrt, xn)
							}
							for i, p := range ps {
								pn = append(pn, node(g, p, false, c.fam.Params[i]))
							}
							wrt = append(wrt, pn...)
							var err error
							if m.fused {
								lp, err = autodiff.LogProbSum(c.fam, xn, pn...)
								require.NoError(t, err)
								return lp, wrt
							}
							lp, err = autodiff.LogProb(c.fam, xn, pn...)
							require.NoError(t, err)
							require.Equal(t, wantLP.Shape(), lp.Shape(), "log-prob node shape")
							return G.Must(G.Sum(lp)), wrt
						})
						approx(t, []float64{want.LogProb}, []float64{cost}, tol, tol, "cost")
						if !m.fused {
							approx(t, f64s(t, wantLP), floats(t, lp.Value()), tol, tol, "log_prob")
						}
						if !m.constX {
							approx(t, f64s(t, want.Value), grads[0], tol, tol, "∂x")
							grads = grads[1:]
						}
						for i, p := range c.fam.Params {
							approx(t, f64s(t, want.Params[p]), grads[i], tol, tol, "∂"+p)
						}
					})
				}
			}
		}
	}
}

// TestFamilyCasesCover: every ready-made family has a case, and its
// gradients come under exactly the names of its Params.
func TestFamilyCasesCover(t *testing.T) {
	t.Parallel()
	covered := map[string]bool{}
	for _, c := range cases {
		covered[c.fam.Name] = true
		x, ps := c.draw(rand.New(rand.NewPCG(1, 1)), tensor.Float64, 0)
		d, err := c.fam.New(ps)
		require.NoError(t, err, c.fam.Name)
		grad, err := d.(distributions.LogProbGrader).LogProbGrad(x)
		require.NoError(t, err, c.fam.Name)
		require.Len(t, grad.Params, len(c.fam.Params), c.fam.Name)
		for _, p := range c.fam.Params {
			require.Contains(t, grad.Params, p, c.fam.Name)
		}
	}
	for _, f := range append(autodiff.Families(), autodiff.MultinomialProbs(1), autodiff.MultinomialLogits(1), autodiff.LKJCholesky(2)) {
		name := f.Name
		if f.Name == "MultinomialProbs(1)" || f.Name == "MultinomialLogits(1)" || f.Name == "LKJCholesky(2)" {
			name = map[string]string{"MultinomialProbs(1)": "MultinomialProbs(5)", "MultinomialLogits(1)": "MultinomialLogits(5)", "LKJCholesky(2)": "LKJCholesky(3)"}[f.Name]
		}
		require.True(t, covered[name], "%s has no test case", f.Name)
	}
}
