package bench

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"

	"github.com/seed39ad66a2/tensordist/autodiff"
	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// rsFamily is one family of torch_bench.py's rsample_lp_bwd: build d from
// parameters that require gradients, x = d.rsample(), then
// d.log_prob(x).sum().backward(), whose parameter gradients are the score
// term plus the pathwise term through x.
type rsFamily struct {
	fam    autodiff.Family
	k      int                        // event size (Dirichlet's K), 0 for a scalar family
	params []func(*rand.Rand) float64 // make_case's parameter distributions, in order
}

// rsFamilies draw make_case's parameters: Normal loc ~ N(0, 1), scale ~
// U(0.5, 2); Gamma concentration ~ U(0.5, 5), rate ~ U(0.5, 2); Beta both
// ~ U(0.5, 5); Dirichlet concentration [N, K] ~ U(0.5, 5), K = 10.
var rsFamilies = []rsFamily{
	{autodiff.Normal, 0, []func(*rand.Rand) float64{stdNormal, uniform(0.5, 2)}},
	{autodiff.Gamma, 0, []func(*rand.Rand) float64{uniform(0.5, 5), uniform(0.5, 2)}},
	{autodiff.Beta, 0, []func(*rand.Rand) float64{uniform(0.5, 5), uniform(0.5, 5)}},
	{autodiff.Dirichlet, dirK, []func(*rand.Rand) float64{uniform(0.5, 5)}},
}

// setup returns the parameters for n events in dtype dt, drawn from the
// fixed seed: shape [n], or [n, K] with an event dim.
func (f rsFamily) setup(b testing.TB, dt string, n int) []*tensor.Dense {
	b.Helper()
	r := rand.New(rand.NewPCG(seed, seed))
	size, s := n, []int{n}
	if f.k > 0 {
		size, s = n*f.k, []int{n, f.k}
	}
	ps := make([]*tensor.Dense, len(f.params))
	for i, g := range f.params {
		v := make([]float64, size)
		for j := range v {
			v[j] = g(r)
		}
		var err error
		if dt == "f32" {
			f32 := make([]float32, size)
			for j, x := range v {
				f32[j] = float32(x)
			}
			ps[i], err = tensor.New(f32, s...)
		} else {
			ps[i], err = tensor.New(v, s...)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	return ps
}

// rsGrid runs body as <Family>/<f32|f64>/n=<N> for every rsample family,
// dtype and size, with allocations and ns/elem = ns/op ÷ events (N).
func rsGrid(b *testing.B, body func(b *testing.B, f rsFamily, ps []*tensor.Dense)) {
	for _, f := range rsFamilies {
		for _, dt := range dtypes {
			for _, n := range sizes {
				b.Run(fmt.Sprintf("%s/%s/n=%d", f.fam.Name, dt, n), func(b *testing.B) {
					b.ReportAllocs()
					body(b, f, f.setup(b, dt, n))
					if b.N > 0 {
						b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/elem")
					}
				})
			}
		}
	}
}

// BenchmarkRSampleGrad is torch's rsample_lp_bwd on the eager path. Each
// iteration builds d from the parameters, draws x = d.RSample(src), runs
// LogProbGrad(x) (Σ log p with ∂/∂x and the score term ∂/∂θ) and
// RSampleVJP(x, ∂/∂x) (the pathwise term), and adds the pathwise term into
// the score term: the full parameter gradient torch's backward gives.
func BenchmarkRSampleGrad(b *testing.B) {
	rsGrid(b, func(b *testing.B, f rsFamily, ps []*tensor.Dense) {
		src := rand.NewPCG(seed, seed+1)
		for b.Loop() {
			if _, err := eagerRSampleGrad(f.fam, ps, src); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkRSampleGradGraph is the same cell on gorgonia's TapeMachine,
// built once: x = autodiff.RSample(params), cost = autodiff.LogProbSum(x,
// params), G.Grad with respect to the parameters. Each iteration is
// RunAll, Reset and the zeroing of the parameters' gradients (the tape
// adds into them; torch's loop sets grad = None).
func BenchmarkRSampleGradGraph(b *testing.B) {
	rsGrid(b, func(b *testing.B, f rsFamily, ps []*tensor.Dense) {
		vm, params, err := rsGraph(f.fam, ps)
		if err != nil {
			b.Fatal(err)
		}
		defer vm.Close()
		for b.Loop() {
			if err := vm.RunAll(); err != nil {
				b.Fatal(err)
			}
			vm.Reset()
			if err := zeroGrads(params); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// eagerRSampleGrad returns the full gradient of Σ log p(x), x = RSample,
// with respect to each parameter by name.
func eagerRSampleGrad(f autodiff.Family, ps []*tensor.Dense, src rand.Source) (map[string]*tensor.Dense, error) {
	d, err := f.New(ps)
	if err != nil {
		return nil, err
	}
	x, err := d.(distributions.RSampler).RSample(src)
	if err != nil {
		return nil, err
	}
	g, err := d.(distributions.LogProbGrader).LogProbGrad(x)
	if err != nil {
		return nil, err
	}
	pw, err := d.(distributions.PathwiseGrader).RSampleVJP(x, g.Value)
	if err != nil {
		return nil, err
	}
	for _, p := range f.Params {
		addInto(g.Params[p], pw[p])
	}
	return g.Params, nil
}

// rsGraph builds the rsample_lp_bwd graph of f over parameters ps (noise
// from seed, as BenchmarkRSampleGrad's) and its TapeMachine.
func rsGraph(f autodiff.Family, ps []*tensor.Dense) (G.VM, G.Nodes, error) {
	g := G.NewGraph()
	params := make(G.Nodes, len(ps))
	for i, p := range ps {
		s := p.Shape().Clone()
		params[i] = G.NewTensor(g, p.Dtype(), len(s), G.WithShape(s...), G.WithName(f.Params[i]), G.WithValue(p.Clone()))
	}
	x, err := autodiff.RSample(f, rand.NewPCG(seed, seed+1), nil, params...)
	if err != nil {
		return nil, nil, err
	}
	cost, err := autodiff.LogProbSum(f, x, params...)
	if err != nil {
		return nil, nil, err
	}
	if _, err := G.Grad(cost, params...); err != nil {
		return nil, nil, err
	}
	return G.NewTapeMachine(g, G.BindDualValues(params...)), params, nil
}

// zeroGrads zeroes the gradients of nodes.
func zeroGrads(nodes G.Nodes) error {
	for _, n := range nodes {
		d, err := n.Grad()
		if err != nil {
			return err
		}
		d.(*tensor.Dense).Zero()
	}
	return nil
}

// addInto adds src into dst, of one shape and dtype.
func addInto(dst, src *tensor.Dense) {
	if dst.Dtype() == tensor.Float32 {
		d, s := dst.Float32s(), src.Float32s()
		for i := range d {
			d[i] += s[i]
		}
		return
	}
	d, s := dst.Float64s(), src.Float64s()
	for i := range d {
		d[i] += s[i]
	}
}

// TestRSampleGradCells: both benchmarks do the same work, the graph's
// first run giving the eager path's full gradient (same noise), and its
// second run (after Reset and zeroing) the eager second draw's, none
// accumulated.
func TestRSampleGradCells(t *testing.T) {
	for _, f := range rsFamilies {
		ps := f.setup(t, "f64", 50)
		vm, params, err := rsGraph(f.fam, ps)
		if err != nil {
			t.Fatal(err)
		}
		src := rand.NewPCG(seed, seed+1)
		for run := range 2 {
			want, err := eagerRSampleGrad(f.fam, ps, src)
			if err != nil {
				t.Fatal(err)
			}
			if err := vm.RunAll(); err != nil {
				t.Fatal(err)
			}
			for i, p := range f.fam.Params {
				d, _ := params[i].Grad()
				got, w := d.(*tensor.Dense).Float64s(), want[p].Float64s()
				for j := range w {
					if math.Abs(got[j]-w[j]) > 1e-12*max(1, math.Abs(w[j])) {
						t.Fatalf("%s run %d ∂%s[%d]: graph %v, eager %v", f.fam.Name, run, p, j, got[j], w[j])
					}
				}
			}
			vm.Reset()
			if err := zeroGrads(params); err != nil {
				t.Fatal(err)
			}
		}
		vm.Close()
	}
}
