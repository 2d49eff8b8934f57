package autodiff_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	gt "gorgonia.org/tensor"

	"github.com/seed39ad66a2/tensordist/autodiff"
	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

var benchSizes = []int{1, 100, 10_000, 1_000_000}

var benchDtypes = []struct {
	name string
	dt   gt.Dtype
}{{"f32", tensor.Float32}, {"f64", tensor.Float64}}

// benchParams are loc and scale of shape (n).
func benchParams(dt gt.Dtype, n int) (loc, scale *tensor.Dense) {
	r := rand.New(rand.NewPCG(1, 2))
	return fill(dt, r, uniform(-1, 1), n), fill(dt, r, uniform(0.5, 2), n)
}

// BenchmarkRSampleGradGraph times one step of a reparameterised Normal
// loss on the TapeMachine, built once: per iteration RunAll + Reset of
// x = RSample(loc, scale), Σ log N(x; loc, scale) and its gradients with
// respect to loc and scale (score and pathwise terms).
func BenchmarkRSampleGradGraph(b *testing.B) {
	for _, dt := range benchDtypes {
		for _, n := range benchSizes {
			b.Run(fmt.Sprintf("Normal/%s/n=%d", dt.name, n), func(b *testing.B) {
				loc, scale := benchParams(dt.dt, n)
				g := G.NewGraph()
				ln, sn := node(g, loc, false, "loc"), node(g, scale, false, "scale")
				x, err := autodiff.RSample(autodiff.Normal, rand.NewPCG(3, 4), nil, ln, sn)
				if err != nil {
					b.Fatal(err)
				}
				cost, err := autodiff.LogProbSum(autodiff.Normal, x, ln, sn)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := G.Grad(cost, ln, sn); err != nil {
					b.Fatal(err)
				}
				vm := G.NewTapeMachine(g, G.BindDualValues(ln, sn))
				defer vm.Close()
				b.ReportAllocs()
				for b.Loop() {
					if err := vm.RunAll(); err != nil {
						b.Fatal(err)
					}
					vm.Reset()
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/elem")
			})
		}
	}
}

// BenchmarkRSampleGradEager is the same step without a graph: RSample,
// LogProbGrad, RSampleVJP of the value gradient, and the sum of the score
// and pathwise partials.
func BenchmarkRSampleGradEager(b *testing.B) {
	for _, dt := range benchDtypes {
		for _, n := range benchSizes {
			b.Run(fmt.Sprintf("Normal/%s/n=%d", dt.name, n), func(b *testing.B) {
				loc, scale := benchParams(dt.dt, n)
				src := rand.NewPCG(3, 4)
				b.ReportAllocs()
				for b.Loop() {
					d, err := distributions.NewNormal(loc, scale, distributions.WithValidation(false))
					if err != nil {
						b.Fatal(err)
					}
					x, err := d.RSample(src)
					if err != nil {
						b.Fatal(err)
					}
					g, err := d.LogProbGrad(x)
					if err != nil {
						b.Fatal(err)
					}
					pg, err := d.RSampleVJP(x, g.Value)
					if err != nil {
						b.Fatal(err)
					}
					for _, p := range []string{"loc", "scale"} {
						addInto(g.Params[p], pg[p])
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/elem")
			})
		}
	}
}

// addInto adds src into dst, same shape and dtype.
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
