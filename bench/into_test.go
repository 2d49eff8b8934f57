package bench

import (
	"math/rand/v2"
	"testing"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// BenchmarkSampleInto is BenchmarkSample drawing into one reused array
// (d.SampleInto(dst, src); no torch cell: torch's sample has no out=), for
// every family of the grid that has it.
func BenchmarkSampleInto(b *testing.B) {
	grid(b, func(b *testing.B, f family, dt string, n int) {
		d, x := f.batched(b, dt, n)
		di, ok := d.(distributions.SampleIntoer)
		if !ok {
			b.Skipf("%s has no SampleInto", f.name)
		}
		dst, src := tensor.Like(x), rand.NewPCG(seed, seed+1)
		for b.Loop() {
			if err := di.SampleInto(dst, src); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkLogProbValidated is BenchmarkLogProb at n = 1 with validation on
// (the default, torch's validate_args=True): the whole per-call cost of a
// scalar family, value checks included.
func BenchmarkLogProbValidated(b *testing.B) {
	validated := map[string]func(ps []*tensor.Dense) (distributions.Distribution, error){
		"Normal": func(ps []*tensor.Dense) (distributions.Distribution, error) {
			return distributions.NewNormal(ps[0], ps[1])
		},
		"Bernoulli": func(ps []*tensor.Dense) (distributions.Distribution, error) {
			return distributions.NewBernoulliLogits(ps[0])
		},
		"Gamma": func(ps []*tensor.Dense) (distributions.Distribution, error) {
			return distributions.NewGamma(ps[0], ps[1])
		},
	}
	for _, f := range families {
		build, ok := validated[f.name]
		if !ok {
			continue
		}
		for _, dt := range dtypes {
			b.Run(f.name+"/"+dt+"/n=1", func(b *testing.B) {
				ps, x := f.setup(b, dt, 1)
				d, err := build(ps)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := d.LogProb(x); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
