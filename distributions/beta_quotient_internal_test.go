package distributions

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/seed39ad66a2/tensordist/tensor"
)

// TestBetaQuotientPath checks Beta's sampler, quotient X/(X+Y) where both
// concentrations are at least 1 and σ(log X - log Y) elsewhere, against an
// independent replay of its stream: the gamma draws of block 0 in order,
// each sample formed as σ(log X - log Y) (the log path throughout), equal
// within 4e-15 relative where the quotient is used and bit for bit
// elsewhere.
func TestBetaQuotientPath(t *testing.T) {
	conc := []float64{1, 1.5, 2, 3.7, 50, 1e6, 0.999, 0.5, 1e-3}
	var c1, c0 []float64
	for _, a := range conc {
		for _, b := range conc {
			c1, c0 = append(c1, a), append(c0, b)
		}
	}
	n := len(c1)
	t1, _ := tensor.New(c1, n)
	t0, _ := tensor.New(c0, n)
	d, err := NewBeta(t1, t0)
	if err != nil {
		t.Fatal(err)
	}
	const reps = 40
	x, err := d.Sample(rand.NewPCG(21, 22), reps)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := tensor.Floats[float64](x)
	streams, _ := tensor.NewStreams(rand.NewPCG(21, 22))
	r := streams.Block(0) // reps·n < tensor.Block: one block
	for k := range reps * n {
		a1, a0 := c1[k%n], c0[k%n]
		lx := betaLogStdGamma(r, a1)
		ly := betaLogStdGamma(r, a0)
		want := tensor.Sigmoid(lx - ly)
		if a1 >= 1 && a0 >= 1 {
			if rel := math.Abs(got[k]-want) / want; rel > 4e-15 {
				t.Fatalf("Beta(%v, %v) draw %d: got %v, want %v (rel %.2g)", a1, a0, k, got[k], want, rel)
			}
		} else if got[k] != want {
			t.Fatalf("Beta(%v, %v) draw %d: got %v, want %v", a1, a0, k, got[k], want)
		}
	}
}
