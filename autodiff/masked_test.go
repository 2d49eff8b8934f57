package autodiff_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	G "gorgonia.org/gorgonia"

	"github.com/seed39ad66a2/tensordist/autodiff"
	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// TestMaskedLogProb: masked entries are 0 in the forward pass and give
// exactly 0 gradients, not NaN, even where log p is NaN (x NaN) or -Inf
// (scale 0, x outside Exponential's support); unmasked entries are the
// eager Mask's.
func TestMaskedLogProb(t *testing.T) {
	t.Parallel()
	nan, inf := math.NaN(), math.Inf(1)
	cases := []struct {
		name   string
		fam    autodiff.Family
		x      *tensor.Dense
		params []*tensor.Dense
		mask   *tensor.Dense
	}{
		{
			name: "Normal NaN x and zero scale",
			fam:  autodiff.Normal,
			x:    must(tensor.New([]float64{0.3, nan, -1.2, 0.4, 2.0, inf}, 2, 3)),
			params: []*tensor.Dense{
				must(tensor.New([]float64{0.1, 0.2, -0.3, 0.5, 0.0, 1.0}, 2, 3)),
				must(tensor.New([]float64{1.0, 1.5, 0.7, 0.0, 1.2, 2.0}, 2, 3)),
			},
			mask: must(tensor.New([]bool{true, false, true, false, true, false}, 2, 3)),
		},
		{
			name:   "Exponential negative x, broadcast mask",
			fam:    autodiff.Exponential,
			x:      must(tensor.New([]float64{0.3, -1.0, 2.0, 0.5, -0.1, 1.0}, 2, 3)),
			params: []*tensor.Dense{tensor.Vector(1.5, 0.5, 2.0)},
			mask:   must(tensor.New([]bool{true, false, true, true, false, true}, 2, 3)),
		},
		{
			name: "MultivariateNormal NaN event",
			fam:  autodiff.MultivariateNormal,
			x:    must(tensor.New([]float64{0.3, -0.2, 1.1, nan, 0.5, inf}, 2, 3)),
			params: []*tensor.Dense{
				tensor.Vector(0.1, 0.0, -0.4),
				must(tensor.New([]float64{1.5, 0.3, 0.1, 0.3, 1.2, -0.2, 0.1, -0.2, 0.9}, 3, 3)),
			},
			mask: tensor.Vector(true, false),
		},
		{
			name:   "Dirichlet value off the simplex",
			fam:    autodiff.Dirichlet,
			x:      must(tensor.New([]float64{0.2, 0.3, 0.5, 0.7, 0.5, -0.2, 0.1, 0.1, 0.8}, 3, 3)),
			params: []*tensor.Dense{must(tensor.New([]float64{0.5, 1.5, 2.0, 0.7, 0.4, 1.2}, 2, 1, 3))},
			mask:   must(tensor.New([]bool{true, false, true, false, false, true}, 2, 3)),
		},
		{
			name:   "mask grows the batch",
			fam:    autodiff.Exponential,
			x:      tensor.Vector(0.3, -1.0, 2.0),
			params: []*tensor.Dense{tensor.Vector(1.5, 0.5, 2.0)},
			mask:   must(tensor.New([]bool{true, false, true, true, false, false}, 2, 3)),
		},
	}
	for _, c := range cases {
		d, err := c.fam.New(c.params)
		require.NoError(t, err)
		md, err := distributions.Mask(d, c.mask)
		require.NoError(t, err)
		wantLP, err := md.LogProb(c.x)
		require.NoError(t, err)
		want, err := md.(distributions.LogProbGrader).LogProbGrad(c.x)
		require.NoError(t, err)
		require.False(t, math.IsNaN(want.LogProb))
		for _, m := range machines {
			for _, fused := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%s/fused=%v", c.name, m, fused), func(t *testing.T) {
					var lp *G.Node
					cost, grads := run(t, m, func(g *G.ExprGraph) (*G.Node, G.Nodes) {
						wrt := G.Nodes{node(g, c.x, false, "x")}
						for i, p := range c.params {
							wrt = append(wrt, node(g, p, false, c.fam.Params[i]))
						}
						var err error
						if fused {
							lp, err = autodiff.MaskedLogProbSum(c.fam, c.mask, wrt[0], wrt[1:]...)
							require.NoError(t, err)
							return lp, wrt
						}
						lp, err = autodiff.MaskedLogProb(c.fam, c.mask, wrt[0], wrt[1:]...)
						require.NoError(t, err)
						return G.Must(G.Sum(lp)), wrt
					})
					if !fused {
						require.Equal(t, f64s(t, wantLP), floats(t, lp.Value()))
					}
					approx(t, []float64{want.LogProb}, []float64{cost}, tol64, tol64, "cost")
					approx(t, f64s(t, want.Value), grads[0], tol64, tol64, "∂x")
					for i, p := range c.fam.Params {
						approx(t, f64s(t, want.Params[p]), grads[i+1], tol64, tol64, "∂"+p)
					}
					for i, gs := range grads {
						for j, v := range gs {
							require.False(t, math.IsNaN(v) || math.IsInf(v, 0), "input %d element %d: %v", i, j, v)
						}
					}
					if c.fam.Name == "Normal" { // every input has the mask's shape: masked entries are exactly 0
						for i, keep := range c.mask.Bools() {
							for k := range grads {
								if !keep {
									require.Zero(t, grads[k][i], "input %d element %d", k, i)
								}
							}
						}
					}
				})
			}
		}
	}
}

func must(d *tensor.Dense, err error) *tensor.Dense {
	if err != nil {
		panic(err)
	}
	return d
}

// TestToEvent: summing the rightmost dims of a log-prob node gives the
// eager Independent's log-prob and the same gradients.
func TestToEvent(t *testing.T) {
	t.Parallel()
	x := must(tensor.New([]float64{0.1, 0.5, -0.3, 1.2, -2.0, 0.7, 0.0, 0.4, 1.1, -0.6, 0.2, 0.9}, 2, 3, 2))
	loc := must(tensor.New([]float64{0.2, -0.1, 0.3, 0.0, 0.5, -0.4}, 3, 2))
	scale := tensor.Scalar(1.3)
	base, _ := distributions.NewNormal(loc, scale)
	for _, n := range []int{0, 1, 2, 3} {
		for _, m := range machines {
			t.Run(fmt.Sprintf("n=%d/%s", n, m), func(t *testing.T) {
				ind, err := distributions.ToEvent(base, min(n, 2))
				require.NoError(t, err)
				want, err := ind.LogProb(x)
				require.NoError(t, err)
				if n == 3 { // Independent stops at the batch; the node sums on
					s, _ := tensor.Sum[float64](want)
					want = tensor.Scalar(s)
				}
				var ev *G.Node
				_, grads := run(t, m, func(g *G.ExprGraph) (*G.Node, G.Nodes) {
					ln, sn := node(g, loc, false, "loc"), node(g, scale, false, "scale")
					lp, err := autodiff.LogProb(autodiff.Normal, node(g, x, true, "x"), ln, sn)
					require.NoError(t, err)
					ev, err = autodiff.ToEvent(lp, n)
					require.NoError(t, err)
					require.Equal(t, len(x.Shape())-n, ev.Dims())
					if n == 3 {
						return ev, G.Nodes{ln, sn}
					}
					return G.Must(G.Sum(ev)), G.Nodes{ln, sn}
				})
				approx(t, f64s(t, want), floats(t, ev.Value()), tol64, tol64, "to_event")
				wg, _ := base.LogProbGrad(x)
				approx(t, f64s(t, wg.Params["loc"]), grads[0], tol64, tol64, "∂loc")
				approx(t, f64s(t, wg.Params["scale"]), grads[1], tol64, tol64, "∂scale")
			})
		}
	}
	g := G.NewGraph()
	v := G.NewVector(g, tensor.Float64, G.WithShape(3), G.WithName(name("v")))
	_, err := autodiff.ToEvent(v, 2)
	require.Error(t, err)
	_, err = autodiff.ToEvent(v, -1)
	require.Error(t, err)
}
