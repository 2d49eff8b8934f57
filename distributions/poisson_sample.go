package distributions

import (
	"math"
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Sample draws sampleShape+BatchShape() counts: exact, O(1) time and
// memory per draw whatever λ (see poissonDraw).
func (d *Poisson) Sample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	if d.dtype == tensor.Float32 {
		return poissonSample[float32](d, src, sampleShape)
	}
	return poissonSample[float64](d, src, sampleShape)
}

// poissonSample draws through drawRng: the uniforms are those of draw's
// *rand.Rand, without an interface call per word; a call of a few draws
// through draw (sampleFew).
func poissonSample[T tensor.Float](d *Poisson, src rand.Source, sampleShape []int) (*tensor.Dense, error) {
	if sampleFew(&d.elementwise, sampleShape) {
		return draw(&d.elementwise, src, sampleShape, func(r *rand.Rand, run shape.Run, dst []T, in [][]T) {
			rt, ol, sl := in[0], run.Off[1], run.Step[1]
			var s poissonSampler
			for i := range run.N {
				s.init(float64(rt[ol+i*sl]))
				dst[run.Off[0]+i] = T(s.draw(r))
			}
		})
	}
	return drawRng(&d.elementwise, src, sampleShape, func(g *tensor.Rng, run shape.Run, dst []T, in [][]T) {
		rt, ol, sl := in[0], run.Off[1], run.Step[1]
		out := dst[run.Off[0] : run.Off[0]+run.N]
		if sl == 0 {
			var s poissonSampler
			s.init(float64(rt[ol])) // one setup per run when rate is broadcast
			for i := range out {
				out[i] = T(s.drawRng(g))
			}
			return
		}
		// Per-element rates: the setup's exps and logs from tensor's
		// vector kernels a chunk at a time (a scalar exp is a third of an
		// inversion's time), but from math's scalar functions for a short
		// run, which would spend more on the kernels' calls and the
		// buffers' zeroing (an n = 1 call).
		if len(out) <= 8 {
			var s poissonSampler
			for i := range out {
				s.init(float64(rt[ol+i*sl]))
				out[i] = T(s.drawRng(g))
			}
			return
		}
		var b poissonChunk[[256]float64]
		poissonRates(g, out, rt, ol, sl, b.inv[:], b.mod[:], b.lg[:])
	})
}

// poissonChunk is poissonRates' scratch of one chunk.
type poissonChunk[A any] struct{ inv, mod, lg A }

// poissonRates fills out with draws at the rates rt[ol+i·sl], with the
// scratch of one chunk, each formed for every rate without a branch on
// which sampler it gets: inv = e^-λ (inversion from 0), mod = p(⌊λ⌋)
// (poissonModalLogPM; the modal search) and lg = log λ (PTRS, only if a
// rate of the chunk may need it).
func poissonRates[T tensor.Float](g *tensor.Rng, out, rt []T, ol, sl int, inv, mod, lg []float64) {
	var s poissonSampler
	for lo := 0; lo < len(out); lo += len(inv) {
		n := min(len(inv), len(out)-lo)
		inv, mod, lg := inv[:n], mod[:n], lg[:n]
		top := 0.0 // the largest rate (NaN if any is): PTRS's logs only where one may need them
		for i := range n {
			lam := float64(rt[ol+(lo+i)*sl])
			inv[i], mod[i], lg[i] = -lam, -(lam-math.Floor(lam))/lam, lam
			top = max(top, lam)
		}
		tensor.ExpSlice(inv, inv) // in place: elementwise
		tensor.Log1pSlice(mod, mod)
		if !(top < poissonPTRSMin) {
			tensor.LogSlice(lg, lg)
		}
		for i := range n {
			lam := float64(rt[ol+(lo+i)*sl])
			mod[i] = poissonModalLogPM(lam, mod[i])
		}
		tensor.ExpSlice(mod, mod)
		for i := range n {
			s.initExp(float64(rt[ol+(lo+i)*sl]), inv[i], mod[i], lg[i])
			out[lo+i] = T(s.drawRng(g))
		}
	}
}

// poissonModalLogPM is log p(m) at the mode m = ⌊λ⌋ given l = log1p(-d/λ),
// d = λ - m < 1: poissonLogC(m) - bd0(m, λ) (Loader's form, as
// poissonLogPMF), bd0(m, λ) = m·log(m/λ) + d = m·l + d, whose terms of
// size d < 1 leave an absolute error of a few 1e-16, and so p(m) a
// relative one. Meaningless (and unused) outside [1, 1024).
func poissonModalLogPM(lam, l float64) float64 {
	m := math.Floor(lam)
	i := 0
	if m >= 1 && m < float64(len(poissonLogCTable)) {
		i = int(m)
	}
	return poissonLogCTable[i] - (m*l + (lam - m))
}

// poissonDraw returns one exact draw of Poisson(λ) from r: 0 at λ = 0,
// inversion below λ = 24 (from 0 below 6, from the mode above), Hörmann's
// PTRS from 24 on; NaN for λ < 0 or NaN and +Inf for λ = +Inf. Binomial's
// approximation and NegativeBinomial reuse it.
func poissonDraw(r *rand.Rand, lam float64) float64 {
	var s poissonSampler
	s.init(lam)
	return s.draw(r)
}

// poissonSampler holds the setup of one rate, so that a broadcast rate is
// set up once per run.
type poissonSampler struct {
	lam      float64
	kind     int     // poissonConst, poissonInversion, poissonModal or poissonPTRS
	c        float64 // poissonConst: the draw; poissonInversion: e^-λ; poissonModal: p(m)
	m        float64 // poissonModal: the mode ⌊λ⌋
	a, b, vr float64 // PTRS
	invA     float64 // PTRS: 1/α
	logLam   float64 // PTRS: log λ for poissonFastLogPMF, NaN where it does not apply
}

const (
	poissonConst = iota
	poissonInversion
	poissonModal
	poissonPTRS
)

// The samplers' ranges: inversion from 0 below poissonModalMin (λ+1
// steps), from the mode up to poissonPTRSMin (about 1.6·√λ + 1 steps:
// 8 at λ = 20, where PTRS's two uniforms, divisions and, for half the
// trials, a log cost more), PTRS above.
const (
	poissonModalMin = 6
	poissonPTRSMin  = 24
)

// init sets up the sampler of Poisson(lam). PTRS's constants are Hörmann's
// (W. Hörmann, "The transformed rejection method for generating Poisson
// random variables", Insurance: Mathematics and Economics 12, 1993, 39-45).
func (s *poissonSampler) init(lam float64) {
	inv, pm, lg := 0.0, 0.0, 0.0
	switch {
	case lam < poissonModalMin:
		inv = math.Exp(-lam)
	case lam < poissonPTRSMin:
		pm = math.Exp(poissonModalLogPM(lam, math.Log1p(-(lam-math.Floor(lam))/lam)))
	case lam < poissonFastMaxLam:
		lg = math.Log(lam)
	}
	s.initExp(lam, inv, pm, lg)
}

// initExp is init given expNegLam = e^-λ, used (and needed) only for
// 0 < λ < poissonModalMin, pm = p(⌊λ⌋), used only below poissonPTRSMin,
// and logLam = log λ, used only for poissonPTRSMin ≤ λ < poissonFastMaxLam.
func (s *poissonSampler) initExp(lam, expNegLam, pm, logLam float64) {
	s.lam = lam
	switch {
	case lam == 0:
		s.kind, s.c = poissonConst, 0
	case !(lam > 0): // negative or NaN, only unvalidated
		s.kind, s.c = poissonConst, math.NaN()
	case math.IsInf(lam, 1):
		s.kind, s.c = poissonConst, lam
	case lam < poissonModalMin:
		s.kind, s.c = poissonInversion, expNegLam
	case lam < poissonPTRSMin:
		s.kind, s.c, s.m = poissonModal, pm, math.Floor(lam)
	default:
		s.kind = poissonPTRS
		s.b = 0.931 + 2.53*math.Sqrt(lam)
		s.a = -0.059 + 0.02483*s.b
		s.invA = 1.1239 + 1.1328/(s.b-3.4)
		s.vr = 0.9277 - 3.6224/(s.b-2)
		s.logLam = math.NaN()
		if lam < poissonFastMaxLam {
			s.logLam = logLam
		}
	}
}

// draw is one draw with the uniforms of r.
func (s *poissonSampler) draw(r *rand.Rand) float64 {
	switch s.kind {
	case poissonConst:
		return s.c
	case poissonInversion:
		return s.invert(r.Float64())
	case poissonModal:
		for {
			if k, ok := s.modal(r.Float64()); ok {
				return k
			}
		}
	}
	for {
		u := r.Float64()
		if k, ok := s.ptrs(u, r.Float64()); ok {
			return k
		}
	}
}

// drawRng is draw with the uniforms of g: the same draws from the same
// words.
func (s *poissonSampler) drawRng(g *tensor.Rng) float64 {
	switch s.kind {
	case poissonConst:
		return s.c
	case poissonInversion:
		return s.invert(g.Float64())
	case poissonModal:
		for {
			if k, ok := s.modal(g.Float64()); ok {
				return k
			}
		}
	}
	for {
		u := g.Float64()
		if k, ok := s.ptrs(u, g.Float64()); ok {
			return k
		}
	}
}

// invert is the sequential search of u through the CDF: P(K = k) =
// F(k) - F(k-1). Below λ = 6 it takes λ+1 steps on average. The loop also
// stops where the terms underflow, should rounding leave F below u.
func (s *poissonSampler) invert(u float64) float64 {
	k, f := 0.0, s.c
	cdf := f
	for u >= cdf && f > 0 {
		k++
		f *= s.lam / k
		cdf += f
	}
	return k
}

// modal is the sequential search of u through the probabilities taken in
// the order m, m+1, m-1, m+2, m-2, … from the mode m (the modal search of
// C. D. Kemp and A. W. Kemp, "Poisson random variate generation", Applied
// Statistics 40, 1991, 143-158): u is the inverse of that order's CDF,
// each step a product from its neighbour's probability. It reports false,
// for a new uniform, where rounding leaves the masses below u and the
// upper ones underflow (a chance of about 1e-15).
func (s *poissonSampler) modal(u float64) (float64, bool) {
	lo, hi := s.m, s.m
	plo, phi := s.c, s.c
	if u -= phi; u < 0 {
		return hi, true
	}
	for {
		hi++
		phi *= s.lam / hi
		if u -= phi; u < 0 {
			return hi, true
		}
		if lo > 0 {
			plo *= lo / s.lam
			lo--
			if u -= plo; u < 0 {
				return lo, true
			}
		} else if phi == 0 {
			return 0, false
		}
	}
}

// ptrs is one trial of PTRS with the uniforms u and v: the count and
// whether it is accepted.
func (s *poissonSampler) ptrs(u, v float64) (float64, bool) {
	u -= 0.5
	us := 0.5 - math.Abs(u)
	k := math.Floor((2*s.a/us+s.b)*u + s.lam + 0.43)
	if us >= 0.07 && v <= s.vr { // the squeeze: accepted without the density
		return k, true
	}
	if k < 0 || (us < 0.013 && v > us) {
		return k, false
	}
	// The hat's ratio against log p(k), both in logs, the hat's as one log
	// of v/(α(a/us² + b)) (Hörmann's three logs, which at 24 ≤ λ ≤ 40 run
	// for half the draws, as one); poissonLogPMF keeps log p(k) exact
	// where k·log λ - λ - log k! would cancel, and decides where the cheap
	// form cannot (poissonFastLogPMF).
	h := math.Log(v * s.invA / (s.a/(us*us) + s.b))
	if lp, ok := poissonFastLogPMF(k, s.lam, s.logLam); ok {
		if d := h - lp; d < -logPMFBand {
			return k, true
		} else if d > logPMFBand {
			return k, false
		}
	}
	return k, h <= poissonLogPMF(k, s.lam)
}
