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

func poissonSample[T tensor.Float](d *Poisson, src rand.Source, sampleShape []int) (*tensor.Dense, error) {
	return draw(&d.elementwise, src, sampleShape, func(r *rand.Rand, run shape.Run, dst []T, in [][]T) {
		rt, ol, sl := in[0], run.Off[1], run.Step[1]
		var s poissonSampler
		out := dst[run.Off[0] : run.Off[0]+run.N]
		if sl == 0 {
			s.init(float64(rt[ol])) // one setup per run when rate is broadcast
			for i := range out {
				out[i] = T(s.draw(r))
			}
			return
		}
		// Per-element rates: the inversion's e^-λ from tensor.ExpSlice a
		// chunk at a time (the exp is a third of a draw's time here); a
		// short run does not zero the large buffers.
		if len(out) <= 16 {
			var neg, e [16]float64
			poissonRates(r, out, rt, ol, sl, neg[:], e[:])
		} else {
			var neg, e [256]float64
			poissonRates(r, out, rt, ol, sl, neg[:], e[:])
		}
	})
}

// poissonRates fills out with draws at the rates rt[ol+i·sl], with the
// scratch neg and e of one chunk.
func poissonRates[T tensor.Float](r *rand.Rand, out, rt []T, ol, sl int, neg, e []float64) {
	var s poissonSampler
	for lo := 0; lo < len(out); lo += len(neg) {
		n := min(len(neg), len(out)-lo)
		for i := range n {
			neg[i] = -float64(rt[ol+(lo+i)*sl])
		}
		tensor.ExpSlice(e[:n], neg[:n])
		for i := range n {
			s.initExp(-neg[i], e[i])
			out[lo+i] = T(s.draw(r))
		}
	}
}

// poissonDraw returns one exact draw of Poisson(λ) from r: 0 at λ = 0,
// inversion below λ = 10, Hörmann's PTRS from 10 on; NaN for λ < 0 or NaN
// and +Inf for λ = +Inf. Binomial's approximation and NegativeBinomial
// reuse it.
func poissonDraw(r *rand.Rand, lam float64) float64 {
	var s poissonSampler
	s.init(lam)
	return s.draw(r)
}

// poissonSampler holds the setup of one rate, so that a broadcast rate is
// set up once per run.
type poissonSampler struct {
	lam      float64
	kind     int     // poissonConst, poissonInversion or poissonPTRS
	c        float64 // poissonConst: the draw; poissonInversion: e^-λ
	a, b, vr float64 // PTRS
	invA     float64 // PTRS: 1/α
}

const (
	poissonConst = iota
	poissonInversion
	poissonPTRS
)

// init sets up the sampler of Poisson(lam). PTRS's constants are Hörmann's
// (W. Hörmann, "The transformed rejection method for generating Poisson
// random variables", Insurance: Mathematics and Economics 12, 1993, 39-45).
func (s *poissonSampler) init(lam float64) {
	e := 0.0
	if lam < 10 {
		e = math.Exp(-lam)
	}
	s.initExp(lam, e)
}

// initExp is init given expNegLam = e^-λ, used (and needed) only for
// 0 < λ < 10.
func (s *poissonSampler) initExp(lam, expNegLam float64) {
	s.lam = lam
	switch {
	case lam == 0:
		s.kind, s.c = poissonConst, 0
	case !(lam > 0): // negative or NaN, only unvalidated
		s.kind, s.c = poissonConst, math.NaN()
	case math.IsInf(lam, 1):
		s.kind, s.c = poissonConst, lam
	case lam < 10:
		s.kind, s.c = poissonInversion, expNegLam
	default:
		s.kind = poissonPTRS
		s.b = 0.931 + 2.53*math.Sqrt(lam)
		s.a = -0.059 + 0.02483*s.b
		s.invA = 1.1239 + 1.1328/(s.b-3.4)
		s.vr = 0.9277 - 3.6224/(s.b-2)
	}
}

func (s *poissonSampler) draw(r *rand.Rand) float64 {
	switch s.kind {
	case poissonConst:
		return s.c
	case poissonInversion:
		// Sequential search: P(K = k) = F(k) - F(k-1) for one uniform u.
		// Below λ = 10 it takes λ+1 steps on average. The loop also stops
		// where the terms underflow, should rounding leave F below u.
		u := r.Float64()
		k, f := 0.0, s.c
		cdf := f
		for u >= cdf && f > 0 {
			k++
			f *= s.lam / k
			cdf += f
		}
		return k
	}
	for {
		u := r.Float64() - 0.5
		v := r.Float64()
		us := 0.5 - math.Abs(u)
		k := math.Floor((2*s.a/us+s.b)*u + s.lam + 0.43)
		if us >= 0.07 && v <= s.vr { // the squeeze: accepted without the density
			return k
		}
		if k < 0 || (us < 0.013 && v > us) {
			continue
		}
		// The hat's ratio against log p(k), both in logs, the hat's as
		// one log of v/(α(a/us² + b)) (Hörmann's three logs, which at
		// 10 ≤ λ ≤ 20 run for half the draws, as one); poissonLogPMF keeps
		// log p(k) exact where k·log λ - λ - log k! would cancel.
		if math.Log(v*s.invA/(s.a/(us*us)+s.b)) <= poissonLogPMF(k, s.lam) {
			return k
		}
	}
}
