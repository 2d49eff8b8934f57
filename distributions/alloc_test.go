package distributions_test

import (
	"fmt"
	"math/rand/v2"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// allocCase is a family built over n elements of dtype float64 or float32,
// validating (the default), with a value in its support.
type allocCase struct {
	name  string
	build func(n int, f32 bool) (distributions.Distribution, *tensor.Dense)
}

// filled returns an array of n values of g(i), in float32 or float64.
func filled(n int, f32 bool, g func(i int) float64) *tensor.Dense {
	if f32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(g(i))
		}
		return tensor.Vector(v...)
	}
	v := make([]float64, n)
	for i := range v {
		v[i] = g(i)
	}
	return tensor.Vector(v...)
}

var allocCases = []allocCase{
	{"Normal", func(n int, f32 bool) (distributions.Distribution, *tensor.Dense) {
		loc, scale := filled(n, f32, func(i int) float64 { return float64(i%7) - 3 }), filled(n, f32, func(i int) float64 { return 0.5 + float64(i%3) })
		return must(distributions.NewNormal(loc, scale)), filled(n, f32, func(i int) float64 { return float64(i%5) - 2 })
	}},
	{"Bernoulli", func(n int, f32 bool) (distributions.Distribution, *tensor.Dense) {
		probs := filled(n, f32, func(i int) float64 { return float64(i%9+1) / 10 })
		return must(distributions.NewBernoulli(probs)), filled(n, f32, func(i int) float64 { return float64(i % 2) })
	}},
	{"BernoulliLogits", func(n int, f32 bool) (distributions.Distribution, *tensor.Dense) {
		logits := filled(n, f32, func(i int) float64 { return float64(i%9) - 4 })
		return must(distributions.NewBernoulliLogits(logits)), filled(n, f32, func(i int) float64 { return float64(i % 2) })
	}},
	{"Gamma", func(n int, f32 bool) (distributions.Distribution, *tensor.Dense) {
		conc, rate := filled(n, f32, func(i int) float64 { return 0.5 + float64(i%5) }), filled(n, f32, func(i int) float64 { return 1 + float64(i%2) })
		return must(distributions.NewGamma(conc, rate)), filled(n, f32, func(i int) float64 { return 0.1 + float64(i%4) })
	}},
	{"Poisson", func(n int, f32 bool) (distributions.Distribution, *tensor.Dense) {
		rate := filled(n, f32, func(i int) float64 { return 0.5 + float64(i%20) })
		return must(distributions.NewPoisson(rate)), filled(n, f32, func(i int) float64 { return float64(i % 11) })
	}},
}

// allocSizes are one element, one block below ForBlocks's split and many
// blocks.
var allocSizes = []int{1, 10_000, 1_000_000}

// allocRuns is AllocsPerRun's count.
const allocRuns = 10

// forAllocCases runs body for every case, dtype and size. AllocsPerRun
// sets GOMAXPROCS to 1, so that every block runs on the calling goroutine;
// the collector is off meanwhile, because a collection empties the
// sync.Pools, whose refill would count against the call that follows (the
// 8 MB results at n = 1e6 would trigger one per call). Not parallel:
// GOMAXPROCS and the GC percentage are process-wide.
func forAllocCases(t *testing.T, body func(t *testing.T, d distributions.Distribution, x *tensor.Dense, n int)) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race")
	}
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	for _, c := range allocCases {
		for _, f32 := range []bool{false, true} {
			for _, n := range allocSizes {
				t.Run(fmt.Sprintf("%s/f32=%v/n=%d", c.name, f32, n), func(t *testing.T) {
					d, x := c.build(n, f32)
					body(t, d, x, n)
				})
			}
		}
	}
}

// TestLogProbIntoAllocatesNothing requires 0 allocations per LogProbInto,
// validation on, whatever the size.
func TestLogProbIntoAllocatesNothing(t *testing.T) {
	forAllocCases(t, func(t *testing.T, d distributions.Distribution, x *tensor.Dense, _ int) {
		dst := must(d.LogProb(x))
		di := d.(distributions.LogProbIntoer)
		var err error
		allocs := testing.AllocsPerRun(allocRuns, func() { err = di.LogProbInto(dst, x) })
		require.NoError(t, err)
		require.Zero(t, allocs)
	})
}

// TestLogProbAllocatesItsResultOnly requires LogProb to allocate what
// tensor.Zeros of its shape and dtype does (the array and gorgonia's
// header, shape and strides) and nothing more.
func TestLogProbAllocatesItsResultOnly(t *testing.T) {
	forAllocCases(t, func(t *testing.T, d distributions.Distribution, x *tensor.Dense, n int) {
		var err error
		allocs := testing.AllocsPerRun(allocRuns, func() { _, err = d.LogProb(x) })
		require.NoError(t, err)
		result := testing.AllocsPerRun(allocRuns, func() {
			if x.Dtype() == tensor.Float32 {
				_, err = tensor.Zeros[float32](n)
			} else {
				_, err = tensor.Zeros[float64](n)
			}
		})
		require.LessOrEqual(t, allocs, result)
	})
}

// TestSampleIntoAllocations requires at most one allocation per SampleInto
// whatever the size: the family's draw closure, which captures its generic
// dictionary (16 B); the plan, the operands and the block generators are
// pooled.
func TestSampleIntoAllocations(t *testing.T) {
	forAllocCases(t, func(t *testing.T, d distributions.Distribution, x *tensor.Dense, n int) {
		di := d.(distributions.SampleIntoer)
		dst, src := tensor.Like(x), rand.NewPCG(1, 2)
		var err error
		allocs := testing.AllocsPerRun(allocRuns, func() { err = di.SampleInto(dst, src) })
		require.NoError(t, err)
		require.LessOrEqual(t, allocs, 1.0)
	})
}
