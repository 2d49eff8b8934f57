package distributions

import (
	"math"
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/tensor"
)

// binomialSampler holds the setup of one (n, p), so that broadcast
// parameters are set up once per run. Every method is exact and takes O(1)
// memory; time per draw is O(1) too: inversion runs only while
// n·min(p, q) < 10, and BTRS accepts at a rate bounded away from 0.
type binomialSampler struct {
	kind int
	n    float64
	c    float64 // binomialConst: the draw
	flip bool    // drawn with min(p, q); return n - k

	p, ratio float64 // p ≤ ½ and p/(1-p), the densities' parameter

	f0 float64 // inversion: q^n

	a, b, c05, alpha, vr float64 // BTRS
	m, logFm             float64 // BTRS: the mode and log p(m), computed on first need
	haveFm               bool
	lr                   float64 // BTRS: log(p/q) for binomialFastLogRatio, computed on first need
	haveLr               bool

	pois  poissonSampler // Pyro's approximation
	shift float64
}

const (
	binomialConst = iota
	binomialInversion
	binomialBTRS
	binomialApprox
)

// init sets up the sampler of Binomial(n, p), q = 1-p given separately (it
// is σ(-ℓ) from logits), with Pyro's binomial_approx_sample_thresh thresh.
func (s *binomialSampler) init(n, p, q, thresh float64) {
	s.n, s.flip = n, false
	switch {
	case !isNaturalNumber(n) || !(p >= 0 && q >= 0): // only unvalidated
		s.kind, s.c = binomialConst, math.NaN()
	case n > thresh:
		// Pyro's clamped, moment-matched Poisson (pyro Binomial.sample):
		// r = min(Poisson(npq) + round(n·min(p,q) - npq), n), returned where
		// p < q, else n - r; torch.round rounds half to even.
		lam := p * q * n
		s.kind, s.shift, s.flip = binomialApprox, math.RoundToEven(min(p, q)*n-lam), !(p < q)
		s.pois.init(lam)
	case n == 0 || p == 0:
		s.kind, s.c = binomialConst, 0
	case q == 0:
		s.kind, s.c = binomialConst, n
	default:
		if p > q { // draw the rarer outcome, as torch does
			p, q, s.flip = q, p, true
		}
		s.initExact(n, p, q)
	}
}

// initSorted is init for a natural n ≤ thresh and 0 ≤ p ≤ q, given with
// flip, whether they were swapped from the distribution's (p, q): the
// setup of binomialLogitRuns, which orders σ(ℓ) and σ(-ℓ) without a
// branch on the sign of ℓ.
func (s *binomialSampler) initSorted(n, p, q float64, flip bool) {
	s.n, s.flip = n, flip
	if n == 0 || p == 0 {
		s.kind, s.c = binomialConst, 0
		if flip {
			s.c = n
		}
		return
	}
	s.initExact(n, p, q)
}

// initExact sets up the exact samplers for n ≥ 1 and 0 < p ≤ q (s.n and
// s.flip set). Each case sets every field its draws read (not the whole
// struct, whose zeroing is a tenth of a draw's time at n ≤ 50).
func (s *binomialSampler) initExact(n, p, q float64) {
	// The densities take q = 1 - p: as good as q for the acceptance test.
	s.p, s.ratio = p, p/(1-p)
	if n*p < 10 {
		s.kind, s.f0 = binomialInversion, binomialQPowN(p, n) // ≥ e^-14 here: p ≤ ½
		return
	}
	// BTRS: W. Hörmann, "The generation of binomial random variates",
	// J. Statist. Comput. Simul. 46 (1993), 101-110; its constants.
	spq := math.Sqrt(n * p * q)
	s.kind, s.haveFm, s.haveLr = binomialBTRS, false, false
	s.b = 1.15 + 2.53*spq
	s.a = -0.0873 + 0.0248*s.b + 0.01*p
	s.c05 = n*p + 0.5
	s.alpha = (2.83 + 5.1/s.b) * spq
	s.vr = 0.92 - 4.2/s.b
	s.m = math.Floor((n + 1) * p)
}

// draw is one draw with the uniforms of r.
func (s *binomialSampler) draw(r *rand.Rand) float64 {
	var k float64
	switch s.kind {
	case binomialConst:
		return s.c
	case binomialApprox:
		k = min(s.pois.draw(r)+s.shift, s.n)
	case binomialInversion:
		k = s.invert(r.Float64())
	case binomialBTRS:
		for {
			u := r.Float64()
			var ok bool
			if k, ok = s.btrs(u, r.Float64()); ok {
				break
			}
		}
	}
	if s.flip {
		return s.n - k
	}
	return k
}

// drawRng is draw with the uniforms of g: the same draws from the same
// words.
func (s *binomialSampler) drawRng(g *tensor.Rng) float64 {
	var k float64
	switch s.kind {
	case binomialConst:
		return s.c
	case binomialApprox:
		k = min(s.pois.drawRng(g)+s.shift, s.n)
	case binomialInversion:
		k = s.invert(g.Float64())
	case binomialBTRS:
		for {
			u := g.Float64()
			var ok bool
			if k, ok = s.btrs(u, g.Float64()); ok {
				break
			}
		}
	}
	if s.flip {
		return s.n - k
	}
	return k
}

// invert is the sequential search of u through the CDF, from 0: n·p + 1
// steps on average, below 11. It also stops where the terms underflow,
// should rounding leave the CDF below u.
func (s *binomialSampler) invert(u float64) float64 {
	ratio := s.ratio
	k, f := 0.0, s.f0
	cdf := f
	for u >= cdf && k < s.n && f > 0 {
		f *= ratio * (s.n - k) / (k + 1)
		k++
		cdf += f
	}
	return k
}

// btrs is one trial of Hörmann's transformed rejection with squeeze (as
// torch's sample_binomial_btrs) with the uniforms u and v: the count and
// whether it is accepted. The hat is compared with p(k)/p(m) in logs;
// binomialLogPMF keeps that exact for any n, and decides where the cheap
// form cannot (binomialFastLogRatio, logPMFBand).
func (s *binomialSampler) btrs(u, v float64) (float64, bool) {
	u -= 0.5
	us := 0.5 - math.Abs(u)
	k := math.Floor((2*s.a/us+s.b)*u + s.c05)
	if k < 0 || k > s.n {
		return k, false
	}
	if us >= 0.07 && v <= s.vr { // the squeeze: accepted without the density
		return k, true
	}
	h := math.Log(v * s.alpha / (s.a/(us*us) + s.b))
	if s.n < float64(len(logFactTable)) {
		if !s.haveLr {
			s.lr, s.haveLr = math.Log(s.ratio), true
		}
		if d := h - binomialFastLogRatio(k, s.m, s.n, s.lr); d < -logPMFBand {
			return k, true
		} else if d > logPMFBand {
			return k, false
		}
	}
	// Lazy: the logs of p and q are formed only where binomialLogPMF needs
	// them (its k = 0 and k = n cases).
	bp := newBinomialPQ(s.p, false)
	if !s.haveFm {
		s.logFm, s.haveFm = binomialLogPMF(s.m, s.n, bp), true
	}
	return k, h <= binomialLogPMF(k, s.n, bp)-s.logFm
}

// binomialFastLogRatio is log(p(k)/p(m)) = log(m!(n-m)!/(k!(n-k)!)) +
// (k-m)·lr, lr = log(p/q), for integers k, m ≤ n < len(logFactTable):
// within 1e-10 of the exact ratio there (terms below 2e4, and BTRS's
// n·p ≥ 10 keeps |lr| below 5).
func binomialFastLogRatio(k, m, n, lr float64) float64 {
	ik, im, in := int(k), int(m), int(n)
	lf := &logFactTable
	return (lf[im] + lf[in-im]) - (lf[ik] + lf[in-ik]) + (k-m)*lr
}

// binomialQPowN is (1-p)^n, the inversion's P(K = 0), for p ≤ ½. For
// n ≤ 64 it is q^n by squaring (at most 11 products) for q = 1-p rounded,
// times 1 + n·δ/q, δ = (1-p) - q exactly, which restores the part of the
// power lost in rounding q (relative n·δ/q, up to n·2⁻⁵³): within about
// n·2⁻⁵³ ≤ 1e-14 of the exact power, the products' roundings, at a third
// of the time of exp(n·log1p(-p)), which it uses above 64.
func binomialQPowN(p, n float64) float64 {
	if n > 64 {
		return math.Exp(n * math.Log1p(-p))
	}
	q := 1 - p
	d := (1 - q) - p // exact: 1-q is, and lies within a factor 2 of p or is 0
	// Branch-free in the bits of n (a random n per element would
	// mispredict a branch on each, and the loop's exit): r times b or
	// times 1, which is exact, for the 7 bits of n ≤ 64.
	r, b, k := 1.0, q, uint(n)
	for range 7 {
		pick := [2]float64{1, b}
		r *= pick[k&1]
		b *= b
		k >>= 1
	}
	return r * (1 + n*d/q)
}
