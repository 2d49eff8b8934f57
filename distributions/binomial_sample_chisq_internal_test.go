package distributions

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/seed39ad66a2/tensordist/tensor"

	"gonum.org/v1/gonum/stat/distuv"
)

// sampleChiSquareP is the chi-square goodness-of-fit p-value of the counts
// draws against pmf on {0, 1, …}: cells of consecutive values, each closed
// once its expected count reaches 5, the tails (below lo, above the last
// cell) merged into the end cells. pmf is an independent reference (lgamma
// sums), not the samplers' densities.
func sampleChiSquareP(t *testing.T, draws []float64, pmf func(k int) float64, hi int) float64 {
	t.Helper()
	n := float64(len(draws))
	var edges []int // cell c holds the values in [edges[c], edges[c+1])
	var probs []float64
	acc, start := 0.0, 0
	for k := 0; k <= hi; k++ {
		acc += pmf(k)
		if acc*n >= 5 {
			edges, probs = append(edges, start), append(probs, acc)
			acc, start = 0, k+1
		}
	}
	if len(probs) < 2 {
		t.Fatal("fewer than two cells")
	}
	probs[len(probs)-1] += 1 - sum(probs) // the rest and the upper tail
	obs := make([]float64, len(probs))
	for i, x := range draws {
		if !(x >= 0 && x == math.Floor(x)) {
			t.Fatalf("draw %d is %v, not a count", i, x)
		}
		c := 0
		for c+1 < len(edges) && float64(edges[c+1]) <= x {
			c++
		}
		obs[c]++
	}
	var stat float64
	for c, p := range probs {
		d := obs[c] - n*p
		stat += d * d / (n * p)
	}
	return distuv.ChiSquared{K: float64(len(probs) - 1)}.Survival(stat)
}

func sum(x []float64) (s float64) {
	for _, v := range x {
		s += v
	}
	return s
}

// binomialRefPMF is C(n, k) p^k q^(n-k) from math.Lgamma and logs.
func binomialRefPMF(n, p float64) func(k int) float64 {
	return func(k int) float64 {
		if k > int(n) {
			return 0
		}
		a, _ := math.Lgamma(n + 1)
		b, _ := math.Lgamma(float64(k) + 1)
		c, _ := math.Lgamma(n - float64(k) + 1)
		return math.Exp(a - b - c + float64(k)*math.Log(p) + (n-float64(k))*math.Log1p(-p))
	}
}

// poissonRefPMF is λ^k e^-λ / k! from math.Lgamma and logs.
func poissonRefPMF(lam float64) func(k int) float64 {
	return func(k int) float64 {
		b, _ := math.Lgamma(float64(k) + 1)
		return math.Exp(float64(k)*math.Log(lam) - lam - b)
	}
}

// binomialChiCases are the branches of binomialSampler: inversion
// (n·min(p, q) < 10, unflipped and flipped), BTRS with the cheap log-ratio
// (n < 1024; flipped, unflipped, p = ½) and BTRS with the exact one only
// (n ≥ 1024).
var binomialChiCases = []struct{ n, p float64 }{
	{30, 0.2}, {7, 0.9}, {50, 0.7}, {40, 0.45}, {64, 0.5}, {600, 0.3}, {5000, 0.2},
}

// TestBinomialSampleRngChiSquare tests binomialSampleRng (and Sample as
// binomial.go wires it) against Binomial(n, p) per branch, 1e5 draws each:
// per-element logits in chunks of 256 (a batch of 7·15000 elements, drawn
// 7 times over) and of ≤ 16 (batch of 7, 1e5 draws), per-element probs,
// and broadcast parameters (a scalar distribution per case).
func TestBinomialSampleRngChiSquare(t *testing.T) {
	const draws = 100_000
	nc := len(binomialChiCases)
	tile := func(reps int, logits bool) *Binomial {
		ns, ps := make([]float64, nc*reps), make([]float64, nc*reps)
		for i := range ns {
			c := binomialChiCases[i%nc]
			ns[i], ps[i] = c.n, c.p
			if logits {
				ps[i] = math.Log(c.p) - math.Log1p(-c.p)
			}
		}
		nt, pt := tensor.Vector(ns...), tensor.Vector(ps...)
		if logits {
			return mustDist(NewBinomialLogits(nt, pt))
		}
		return mustDist(NewBinomial(nt, pt))
	}
	check := func(t *testing.T, name string, x []float64) {
		t.Helper()
		cols := make([][]float64, nc)
		for i, v := range x {
			cols[i%nc] = append(cols[i%nc], v)
		}
		for j, c := range binomialChiCases {
			if len(cols[j]) < draws {
				t.Fatalf("%s: %d draws of case %d", name, len(cols[j]), j)
			}
			pv := sampleChiSquareP(t, cols[j], binomialRefPMF(c.n, c.p), int(c.n))
			t.Logf("%s Binomial(%g, %g): p = %.3g", name, c.n, c.p, pv)
			if pv < 1e-4 {
				t.Errorf("%s Binomial(%g, %g): chi-square p = %.3g", name, c.n, c.p, pv)
			}
		}
	}
	sampleOf := func(d *Binomial, seed uint64, rng bool, shape ...int) []float64 {
		src := rand.NewPCG(seed, 0xb1)
		var x *tensor.Dense
		var err error
		if rng {
			x, err = binomialSampleRng[float64](d, src, shape)
		} else {
			x, err = d.Sample(src, shape...)
		}
		if err != nil {
			t.Fatal(err)
		}
		data, _ := tensor.Floats[float64](x)
		return data
	}
	check(t, "rng, logits, chunks of 256", sampleOf(tile(draws/10, true), 1, true, 10))
	check(t, "rng, logits, chunks of 16", sampleOf(tile(1, true), 2, true, draws))
	check(t, "rng, probs", sampleOf(tile(draws/10, false), 3, true, 10))
	check(t, "Sample, logits", sampleOf(tile(draws/10, true), 4, false, 10))
	for j, c := range binomialChiCases {
		for _, logits := range []bool{false, true} {
			p := c.p
			if logits {
				p = math.Log(c.p) - math.Log1p(-c.p)
			}
			d := mustDist(newBinomial(tensor.Scalar(c.n), tensor.Scalar(p), logits, nil))
			x := sampleOf(d, uint64(10+j), true, draws)
			pv := sampleChiSquareP(t, x, binomialRefPMF(c.n, c.p), int(c.n))
			if pv < 1e-4 {
				t.Errorf("broadcast Binomial(%g, %g), logits %v: chi-square p = %.3g", c.n, c.p, logits, pv)
			}
		}
	}
}

// mustDist returns d, failing the test run on err (a bug in the test).
func mustDist[D any](d D, err error) D {
	if err != nil {
		panic(err)
	}
	return d
}
