package distributions

import (
	"math"
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// binomialSampleRng is binomialSample (binomial.go) through drawRng: the
// same uniforms without an interface call per word, and, for per-element
// logits, the exps of newBinomialPQ from tensor.ExpSlice a chunk at a time
// (the exp is a fifth of a draw's time at n ≤ 50). The draws are
// binomialSample's (up to ExpSlice's rounding of e^-|ℓ|, within 1 ulp of
// math.Exp: TestBinomialSampleRngReplay). A call of a few draws goes
// through draw (sampleFew), with math.Exp.
func binomialSampleRng[T tensor.Float](d *Binomial, src rand.Source, sampleShape []int) (*tensor.Dense, error) {
	thresh, logits := CurrentSettings().BinomialApproxSampleThresh, d.logits
	if sampleFew(&d.elementwise, sampleShape) {
		return draw(&d.elementwise, src, sampleShape, func(r *rand.Rand, run shape.Run, dst []T, in [][]T) {
			nn, par := in[0], in[1]
			var s binomialSampler
			for i := range run.N {
				bp := newBinomialPQ(float64(par[run.Off[2]+i*run.Step[2]]), logits)
				s.init(float64(nn[run.Off[1]+i*run.Step[1]]), bp.p, bp.q, thresh)
				dst[run.Off[0]+i] = T(s.draw(r))
			}
		})
	}
	return drawRng(&d.elementwise, src, sampleShape, func(g *tensor.Rng, run shape.Run, dst []T, in [][]T) {
		nn, par := in[0], in[1]
		on, op, sn, sp := run.Off[1], run.Off[2], run.Step[1], run.Step[2]
		out := dst[run.Off[0] : run.Off[0]+run.N]
		var s binomialSampler
		switch {
		case sn == 0 && sp == 0: // set up once per run when both are broadcast
			bp := newBinomialPQ(float64(par[op]), logits)
			s.init(float64(nn[on]), bp.p, bp.q, thresh)
			for i := range out {
				out[i] = T(s.drawRng(g))
			}
		case !logits || sp == 0: // no exp, or one for the run
			bp := newBinomialPQ(float64(par[op]), logits)
			for i := range out {
				if sp != 0 {
					bp = newBinomialPQ(float64(par[op+i*sp]), false)
				}
				s.init(float64(nn[on+i*sn]), bp.p, bp.q, thresh)
				out[i] = T(s.drawRng(g))
			}
		case len(out) <= 16: // a short run does not zero the large buffers
			var neg, e [16]float64
			binomialLogitRuns(g, &s, out, nn, par, on, sn, op, sp, thresh, neg[:], e[:])
		default:
			var neg, e [256]float64
			binomialLogitRuns(g, &s, out, nn, par, on, sn, op, sp, thresh, neg[:], e[:])
		}
	})
}

// binomialLogitRuns fills out with draws at the counts nn[on+i·sn] and
// logits par[op+i·sp], with the scratch neg and e of one chunk: p and q as
// newBinomialPQ forms them, σ(|ℓ|) = 1/(1+e) and σ(-|ℓ|) = e/(1+e) for
// e = e^-|ℓ|.
func binomialLogitRuns[T tensor.Float](g *tensor.Rng, s *binomialSampler, out, nn, par []T, on, sn, op, sp int, thresh float64, neg, e []float64) {
	for lo := 0; lo < len(out); lo += len(neg) {
		m := min(len(neg), len(out)-lo)
		for i := range m {
			neg[i] = -math.Abs(float64(par[op+(lo+i)*sp]))
		}
		tensor.ExpSlice(e[:m], neg[:m])
		for i := range m {
			// p ≤ q: σ(-|ℓ|) and σ(|ℓ|), swapped from the distribution's
			// where ℓ > 0, unless they are equal (init's order: at e = 1,
			// |ℓ| < 2⁻⁵³, nothing is swapped)
			big := 1 / (1 + e[i])
			v, n := float64(par[op+(lo+i)*sp]), float64(nn[on+(lo+i)*sn])
			if v == v && isNaturalNumber(n) && n <= thresh {
				s.initSorted(n, e[i]*big, big, e[i] < 1 && v > 0)
			} else { // NaN, Pyro's approximation: init, as newBinomialPQ orders them
				p, q := e[i]*big, big
				if v >= 0 {
					p, q = q, p
				}
				s.init(n, p, q, thresh)
			}
			if s.kind == binomialBTRS { // log(p/q) for p ≤ q is -|ℓ|: BTRS needs no log of its own
				s.lr, s.haveLr = neg[i], true
			}
			out[lo+i] = T(s.drawRng(g))
		}
	}
}
