package distributions

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/seed39ad66a2/tensordist/tensor"
)

// TestLogFactTable compares logFactTable (math.Lgamma) with tensor.Lgamma,
// the package's own log Γ (accurate to ~1e-14 relative), and with a sum of
// logs at small k.
func TestLogFactTable(t *testing.T) {
	sum := 0.0
	for k, got := range logFactTable {
		if k > 1 {
			sum += math.Log(float64(k))
		}
		want := tensor.Lgamma(float64(k) + 1)
		if d := math.Abs(got - want); d > 1e-13*max(1, want) {
			t.Fatalf("log %d!: got %v, tensor.Lgamma %v", k, got, want)
		}
		if k < 30 && math.Abs(got-sum) > 1e-13*max(1, sum) {
			t.Fatalf("log %d!: got %v, sum of logs %v", k, got, sum)
		}
	}
}

// TestPoissonFastLogPMF compares poissonFastLogPMF with the exact
// poissonLogPMF over PTRS's range where it applies (10 ≤ λ <
// poissonFastMaxLam, k < len(logFactTable)), and PTRS's accept/reject
// decisions on random (u, v) with those of the exact form alone.
func TestPoissonFastLogPMF(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var worst float64
	for range 20000 {
		lam := poissonPTRSMin + (poissonFastMaxLam-poissonPTRSMin)*r.Float64()
		if r.IntN(2) == 0 {
			lam = poissonPTRSMin + 20*r.Float64()
		}
		var s poissonSampler
		s.init(lam)
		for range 20 {
			k := math.Floor(r.Float64() * float64(len(logFactTable)))
			got, ok := poissonFastLogPMF(k, lam, s.logLam)
			if !ok {
				t.Fatalf("λ %v, k %v: not applied", lam, k)
			}
			worst = max(worst, math.Abs(got-poissonLogPMF(k, lam)))
			u, v := r.Float64(), r.Float64()
			k2, acc := s.ptrs(u, v)
			uu := u - 0.5
			us := 0.5 - math.Abs(uu)
			exact := us >= 0.07 && v <= s.vr
			if !exact && !(k2 < 0 || (us < 0.013 && v > us)) {
				exact = math.Log(v*s.invA/(s.a/(us*us)+s.b)) <= poissonLogPMF(k2, lam)
			}
			if acc != exact {
				t.Fatalf("λ %v, u %v, v %v: accepted %v, exact %v", lam, u, v, acc, exact)
			}
		}
	}
	t.Logf("worst |fast - exact| log p(k): %.3g", worst)
	if worst > 1e-10 {
		t.Errorf("fast log p(k) off by %.3g, band %g", worst, logPMFBand)
	}
	for _, lam := range []float64{poissonFastMaxLam, 1e6, 1e300} {
		var s poissonSampler
		s.init(lam)
		if _, ok := poissonFastLogPMF(5, lam, s.logLam); ok {
			t.Errorf("λ %v: the cheap form applied", lam)
		}
	}
}

// poissonChiCases are the branches of poissonSampler: inversion from 0
// (λ < 6), from the mode (6 ≤ λ < 24), PTRS with the cheap log p(k)
// (24 ≤ λ < 512) and PTRS with the exact one only (λ ≥ 512).
var poissonChiCases = []float64{0.7, 4, 5.99, 6, 9.9, 14.5, 23.99, 24, 30, 300, 2000}

// TestPoissonSampleRngChiSquare tests Sample against Poisson(λ) per
// branch, 1e5 draws each: per-element rates in chunks of 256 (a batch of
// 11·10000 elements drawn 10 times over) and runs of 11 (a batch of 11, 1e5
// draws), and a broadcast rate (a scalar distribution per case).
func TestPoissonSampleRngChiSquare(t *testing.T) {
	const draws = 100_000
	nc := len(poissonChiCases)
	check := func(name string, x []float64) {
		t.Helper()
		cols := make([][]float64, nc)
		for i, v := range x {
			cols[i%nc] = append(cols[i%nc], v)
		}
		for j, lam := range poissonChiCases {
			pv := sampleChiSquareP(t, cols[j], poissonRefPMF(lam), int(lam+40*math.Sqrt(lam)+40))
			t.Logf("%s Poisson(%g): p = %.3g", name, lam, pv)
			if pv < 1e-4 {
				t.Errorf("%s Poisson(%g): chi-square p = %.3g", name, lam, pv)
			}
		}
	}
	tile := func(reps int) *Poisson {
		rt := make([]float64, nc*reps)
		for i := range rt {
			rt[i] = poissonChiCases[i%nc]
		}
		return mustDist(NewPoisson(tensor.Vector(rt...)))
	}
	sample := func(d *Poisson, seed uint64, shape ...int) []float64 {
		x, _ := tensor.Floats[float64](mustDist(d.Sample(rand.NewPCG(seed, 0x9015), shape...)))
		return x
	}
	check("chunks of 256", sample(tile(draws/10), 1, 10))
	check("runs of 11", sample(tile(1), 2, draws))
	for j, lam := range poissonChiCases {
		x := sample(mustDist(NewPoisson(tensor.Scalar(lam))), uint64(10+j), draws)
		pv := sampleChiSquareP(t, x, poissonRefPMF(lam), int(lam+40*math.Sqrt(lam)+40))
		if pv < 1e-4 {
			t.Errorf("broadcast Poisson(%g): chi-square p = %.3g", lam, pv)
		}
	}
}
