package distributions

import (
	"math"
	"math/rand/v2"
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

	bp binomialParam // p ≤ ½ and q, for the densities below

	f0 float64 // inversion: q^n

	a, b, c05, alpha, vr float64 // BTRS
	m, logFm             float64 // BTRS: the mode and log p(m), computed on first need
	haveFm               bool

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
	*s = binomialSampler{n: n}
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
		// Its q = 1 - p: as good as q for the acceptance test. Lazy: the
		// logs of p and q are formed only where binomialLogPMF needs them
		// (its k = 0 and k = n cases), not per setup.
		s.bp = newBinomialPQ(p, false)
		if n*p < 10 {
			s.kind, s.f0 = binomialInversion, binomialQPowN(p, n) // ≥ e^-14 here: p ≤ ½
			return
		}
		// BTRS: W. Hörmann, "The generation of binomial random variates",
		// J. Statist. Comput. Simul. 46 (1993), 101-110; its constants.
		spq := math.Sqrt(n * p * q)
		s.kind = binomialBTRS
		s.b = 1.15 + 2.53*spq
		s.a = -0.0873 + 0.0248*s.b + 0.01*p
		s.c05 = n*p + 0.5
		s.alpha = (2.83 + 5.1/s.b) * spq
		s.vr = 0.92 - 4.2/s.b
		s.m = math.Floor((n + 1) * p)
	}
}

func (s *binomialSampler) draw(r *rand.Rand) float64 {
	var k float64
	switch s.kind {
	case binomialConst:
		return s.c
	case binomialApprox:
		k = min(s.pois.draw(r)+s.shift, s.n)
	case binomialInversion:
		k = s.invert(r)
	case binomialBTRS:
		k = s.btrs(r)
	}
	if s.flip {
		return s.n - k
	}
	return k
}

// invert is the sequential search of one uniform through the CDF, from 0:
// n·p + 1 steps on average, below 11. It also stops where the terms
// underflow, should rounding leave the CDF below u.
func (s *binomialSampler) invert(r *rand.Rand) float64 {
	u := r.Float64()
	ratio := s.bp.p / s.bp.q
	k, f := 0.0, s.f0
	cdf := f
	for u >= cdf && k < s.n && f > 0 {
		f *= ratio * (s.n - k) / (k + 1)
		k++
		cdf += f
	}
	return k
}

// btrs is Hörmann's transformed rejection with squeeze (as torch's
// sample_binomial_btrs), the hat compared with p(k)/p(m) in logs;
// binomialLogPMF keeps that exact for any n.
func (s *binomialSampler) btrs(r *rand.Rand) float64 {
	for {
		u := r.Float64() - 0.5
		v := r.Float64()
		us := 0.5 - math.Abs(u)
		k := math.Floor((2*s.a/us+s.b)*u + s.c05)
		if k < 0 || k > s.n {
			continue
		}
		if us >= 0.07 && v <= s.vr { // the squeeze: accepted without the density
			return k
		}
		if !s.haveFm {
			s.logFm, s.haveFm = binomialLogPMF(s.m, s.n, s.bp), true
		}
		if math.Log(v*s.alpha/(s.a/(us*us)+s.b)) <= binomialLogPMF(k, s.n, s.bp)-s.logFm {
			return k
		}
	}
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
	r, b := 1.0, q
	for k := uint(n); k > 0; k >>= 1 {
		if k&1 == 1 {
			r *= b
		}
		b *= b
	}
	return r * (1 + n*d/q)
}
