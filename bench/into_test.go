package bench

import (
	"fmt"
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
// (the default, torch's validate_args=True) for the nine families of the
// matrix: the whole per-call cost, value checks included, to set against
// torch_bench.py's overhead section (log_prob at N=1, validate true). The
// workloads are the grid's at n = 1 (Dirichlet one event of K = 10, MVN one
// event of dimension 8 with its own scale_tril, as torch's N=1 case);
// ns/elem = ns/op (one event).
func BenchmarkLogProbValidated(b *testing.B) {
	for _, name := range []string{"Normal", "Gamma", "Beta", "Poisson", "Binomial", "Bernoulli", "Categorical", "Dirichlet", "MultivariateNormal"} {
		for _, dt := range dtypes {
			b.Run(name+"/"+dt+"/n=1", func(b *testing.B) {
				d, x := validatedCase(b, name, dt)
				if _, err := d.LogProb(x); err != nil { // Dirichlet's and MVN's normalisers, once, as in their LogProb benchmarks
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := d.LogProb(x); err != nil {
						b.Fatal(err)
					}
				}
				if b.N > 0 {
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/elem")
				}
			})
		}
	}
}

// validatedCase returns family name's n = 1 workload built with the
// default options (validation on): the grid families from their setup,
// Dirichlet and MVN from theirs.
func validatedCase(b *testing.B, name, dt string) (distributions.Distribution, *tensor.Dense) {
	b.Helper()
	var (
		d   distributions.Distribution
		x   *tensor.Dense
		err error
	)
	switch name {
	case "Dirichlet":
		c := dirSetup(b, 1)
		x = dirArr(b, dt, c.x, 1, dirK)
		d, err = distributions.NewDirichlet(dirArr(b, dt, c.conc, 1, dirK))
	case "MultivariateNormal":
		c := mvnSetup(b, "per-event", 1)
		x = mvnArr(b, dt, c.x, c.events, mvnD)
		d, err = distributions.NewMultivariateNormalScaleTril(mvnArr(b, dt, c.loc, c.events, mvnD), mvnArr(b, dt, c.tril, mvnD, mvnD))
	default:
		var ps []*tensor.Dense
		ps, x = gridFamily(b, name).setup(b, dt, 1)
		d, err = validatedBuild(ps, name)
	}
	if err != nil {
		b.Fatal(err)
	}
	return d, x
}

// validatedBuild is the grid family's build without WithValidation(false).
func validatedBuild(ps []*tensor.Dense, name string) (distributions.Distribution, error) {
	switch name {
	case "Normal":
		return distributions.NewNormal(ps[0], ps[1])
	case "Gamma":
		return distributions.NewGamma(ps[0], ps[1])
	case "Beta":
		return distributions.NewBeta(ps[0], ps[1])
	case "Poisson":
		return distributions.NewPoisson(ps[0])
	case "Binomial":
		return distributions.NewBinomialLogits(ps[0], ps[1])
	case "Bernoulli":
		return distributions.NewBernoulliLogits(ps[0])
	case "Categorical":
		logits, err := stackLast(ps)
		if err != nil {
			return nil, err
		}
		return distributions.NewCategoricalLogits(logits)
	}
	return nil, fmt.Errorf("no validated build for %s", name)
}

// gridFamily is the families entry called name.
func gridFamily(b *testing.B, name string) family {
	b.Helper()
	for _, f := range families {
		if f.name == name {
			return f
		}
	}
	b.Fatalf("no family %s", name)
	return family{}
}
