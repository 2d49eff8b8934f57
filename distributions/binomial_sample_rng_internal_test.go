package distributions

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/seed39ad66a2/tensordist/tensor"
)

// benchBinomial is bench's Binomial sample_batch case: n uniform in
// {1, …, 50}, logits of p ~ U(0.05, 0.95), one draw per element.
func benchBinomial(b *testing.B, size int) *Binomial {
	r := rand.New(rand.NewPCG(1, 2))
	ns, ls := make([]float64, size), make([]float64, size)
	for i := range ns {
		ns[i] = float64(1 + r.IntN(50))
		p := 0.05 + 0.9*r.Float64()
		ls[i] = math.Log(p) - math.Log1p(-p)
	}
	nt, _ := tensor.New(ns, size)
	lt, _ := tensor.New(ls, size)
	d, err := NewBinomialLogits(nt, lt, WithValidation(false))
	if err != nil {
		b.Fatal(err)
	}
	return d
}

// BenchmarkBinomialSampleRng times binomialSampleRng ("rng") against the
// Sample that binomial.go wires ("sample") on bench's case, in ns/elem.
func BenchmarkBinomialSampleRng(b *testing.B) {
	for _, size := range []int{1, 100, 10000, 1000000} {
		for _, which := range []string{"sample", "rng"} {
			b.Run(fmt.Sprintf("%s/n=%d", which, size), func(b *testing.B) {
				d := benchBinomial(b, size)
				src := rand.NewPCG(3, 4)
				for b.Loop() {
					var err error
					if which == "rng" {
						_, err = binomialSampleRng[float64](d, src, nil)
					} else {
						_, err = d.Sample(src)
					}
					if err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(size), "ns/elem")
			})
		}
	}
}

// TestBinomialSampleRngReplay requires binomialSampleRng to draw what a
// replay of its stream draws through binomialSampler.draw with a
// *rand.Rand, p and q from newBinomialPQ (math.Exp) and init's ordering,
// element by element: per-element logits in both chunk sizes, probs,
// broadcast parameters and the edges (n = 0, ℓ = ±Inf, ℓ = 0, tiny ℓ,
// NaN, a fractional or negative n, Pyro's approximation above the
// threshold).
func TestBinomialSampleRngReplay(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	edgeN := []float64{0, 1, 3, 50, 700, 2000, 2.5, -1, math.NaN()}
	edgeL := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), 40, -40, 1e-300}
	replay := func(t *testing.T, d *Binomial, ns, ps []float64, logits bool, thresh float64, reps int) {
		t.Helper()
		var got *tensor.Dense
		err := WithSettings(Settings{BinomialApproxSampleThresh: thresh}, func() {
			got = mustDist(binomialSampleRng[float64](d, rand.NewPCG(11, 12), []int{reps}))
		})
		if err != nil {
			t.Fatal(err)
		}
		g, _ := tensor.Floats[float64](got)
		if len(g) > tensor.Block {
			t.Fatal("more than one block: the replay reads block 0 only")
		}
		streams, _ := tensor.NewStreams(rand.NewPCG(11, 12))
		rr := streams.Block(0)
		var s binomialSampler
		for i := range g {
			j := i % len(ns)
			bp := newBinomialPQ(ps[j], logits)
			s.init(ns[j], bp.p, bp.q, thresh)
			if w := s.draw(rr); w != g[i] && !(math.IsNaN(w) && math.IsNaN(g[i])) {
				t.Fatalf("logits %v, thresh %g: n %v, param %v, draw %d: got %v, want %v", logits, thresh, ns[j], ps[j], i, g[i], w)
			}
		}
	}
	for _, size := range []int{5, 16, 17, 1000} {
		for _, logits := range []bool{true, false} {
			ns, ps := make([]float64, size), make([]float64, size)
			for i := range ns {
				ns[i] = float64(r.IntN(120))
				ps[i] = 8*r.Float64() - 4
				if !logits {
					ps[i] = r.Float64()
				}
				if i%7 == 3 {
					ns[i] = edgeN[r.IntN(len(edgeN))]
				}
				if i%5 == 2 && logits {
					ps[i] = edgeL[r.IntN(len(edgeL))]
				}
			}
			d := mustDist(newBinomial(tensor.Vector(ns...), tensor.Vector(ps...), logits, []Option{WithValidation(false)}))
			for _, thresh := range []float64{math.Inf(1), 600} {
				replay(t, d, ns, ps, logits, thresh, 3)
			}
		}
	}
	for _, c := range []struct{ n, p float64 }{{20, -0.85}, {45, 1.2}, {0, 1}, {5, math.Inf(1)}} {
		d := mustDist(NewBinomialLogits(tensor.Scalar(c.n), tensor.Scalar(c.p)))
		replay(t, d, []float64{c.n}, []float64{c.p}, true, math.Inf(1), 500)
	}
}

// TestBinomialFastLogRatio compares binomialFastLogRatio with the exact
// binomialLogPMF(k) - binomialLogPMF(m) over BTRS's range below
// len(logFactTable) (n·p ≥ 10, p ≤ ½), and BTRS's accept/reject decisions
// on random (u, v) with those of the exact form alone: the error stays
// far inside logPMFBand, and the decisions agree.
func TestBinomialFastLogRatio(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var worst float64
	for range 20000 {
		n := float64(20 + r.IntN(len(logFactTable)-20))
		p := 10/n + (0.5-10/n)*r.Float64()
		var s binomialSampler
		s.init(n, p, 1-p, math.Inf(1))
		if s.kind != binomialBTRS {
			t.Fatalf("n %v, p %v: not BTRS", n, p)
		}
		bp := newBinomialPQ(s.p, false)
		lm := binomialLogPMF(s.m, n, bp)
		for range 20 {
			k := math.Floor(r.Float64() * (n + 1))
			got := binomialFastLogRatio(k, s.m, n, math.Log(s.ratio))
			want := binomialLogPMF(k, n, bp) - lm
			if math.IsInf(want, -1) {
				continue
			}
			worst = max(worst, math.Abs(got-want))
			u, v := r.Float64(), r.Float64()
			k2, ok := s.btrs(u, v)
			if k2 < 0 || k2 > n {
				continue
			}
			uu := u - 0.5
			us := 0.5 - math.Abs(uu)
			exact := (us >= 0.07 && v <= s.vr) || math.Log(v*s.alpha/(s.a/(us*us)+s.b)) <= binomialLogPMF(k2, n, bp)-lm
			if ok != exact {
				t.Fatalf("n %v, p %v, u %v, v %v: accepted %v, exact %v", n, p, u, v, ok, exact)
			}
		}
	}
	t.Logf("worst |fast - exact| log-ratio: %.3g", worst)
	if worst > 1e-10 {
		t.Errorf("fast log-ratio off by %.3g, band %g", worst, logPMFBand)
	}
}
