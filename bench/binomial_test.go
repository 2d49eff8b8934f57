package bench

import (
	"math"
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Binomial joins the grid of bench_test.go (BenchmarkLogProb,
// BenchmarkLogProbInto, BenchmarkSample, BenchmarkSampleScalar; it has no
// RSample) as torch_bench.py's make_case builds it: total_count uniform in
// {1, …, 50}, logits log(p/(1-p)) with p ~ U(0.05, 0.95), x = ⌊U·(n+1)⌋
// (uniform in {0, …, n} of its own element's n), and sample_scalar from
// Binomial(20, logits = log(0.3/0.7)).
//
// The grid draws each column of setup in turn (total_count, logits, then
// x), and x needs its element's n: binomialCounts remembers the counts as
// they are drawn and the value generator replays them in order.
func init() {
	var counts binomialCounts
	families = append(families, family{
		name: "Binomial",
		build: func(ps []*tensor.Dense) (distributions.Distribution, error) {
			return distributions.NewBinomialLogits(ps[0], ps[1], noVal)
		},
		params: []func(*rand.Rand) float64{counts.draw, func(r *rand.Rand) float64 {
			p := 0.05 + 0.9*r.Float64()
			return math.Log(p) - math.Log1p(-p)
		}},
		value:  counts.value,
		scalar: []float64{20, math.Log(0.3 / 0.7)},
	})
}

// binomialCounts records the total counts of one setup in order, so that
// the values drawn after them can each be uniform below their own count.
type binomialCounts struct {
	n    []float64
	next int
}

func (c *binomialCounts) draw(r *rand.Rand) float64 {
	n := float64(1 + r.IntN(50))
	c.n = append(c.n, n)
	return n
}

func (c *binomialCounts) value(r *rand.Rand) float64 {
	n := c.n[c.next]
	c.next++
	if c.next == len(c.n) { // the setup is complete: start afresh
		c.n, c.next = c.n[:0], 0
	}
	return math.Floor(r.Float64() * (n + 1))
}
