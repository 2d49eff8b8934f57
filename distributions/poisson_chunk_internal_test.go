package distributions

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/seed39ad66a2/tensordist/tensor"
)

// TestPoissonChunkedSample checks Poisson's per-element sampler (e^-λ,
// p(⌊λ⌋) and log λ from tensor's vector kernels a chunk at a time) against
// a replay of its stream with poissonDraw (math's scalar functions per
// element), over 700 rates (chunks of 256 and a partial one) on both sides
// of the switches at λ = 6 and 24 and of the cheap log p(k) at 512, and at
// the edge cases, unvalidated NaN and negative rates among them: the same
// counts.
func TestPoissonChunkedSample(t *testing.T) {
	grid := []float64{0, 1e-300, 0.5, 3, 5.999999999999999, 6, 9.999999999999998, 10, 15, 23.999999999999996, 24, 30, 511.9, 512, 1e3, 1e12, math.Inf(1), math.NaN(), -1}
	rates := make([]float64, 700)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range rates {
		rates[i] = grid[i%len(grid)]
		if i%3 == 0 {
			rates[i] = 20 * rng.Float64()
		}
	}
	rt, _ := tensor.New(rates, len(rates))
	d, err := NewPoisson(rt, WithValidation(false))
	if err != nil {
		t.Fatal(err)
	}
	const reps = 20
	x, err := d.Sample(rand.NewPCG(5, 6), reps)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := tensor.Floats[float64](x)
	streams, _ := tensor.NewStreams(rand.NewPCG(5, 6))
	r := streams.Block(0) // reps·700 < tensor.Block: one block
	for k := range got {
		if want := poissonDraw(r, rates[k%len(rates)]); got[k] != want && !(math.IsNaN(got[k]) && math.IsNaN(want)) {
			t.Fatalf("rate %v, draw %d: got %v, want %v", rates[k%len(rates)], k, got[k], want)
		}
	}
}
