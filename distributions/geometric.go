package distributions

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Geometric is a batch of geometric distributions: the number k of failures
// before the first success in Bernoulli trials of success probability p
// (probs) or log-odds ℓ (logits), support {0, 1, 2, …}; values and samples
// are floats, as in torch. Each form is evaluated in its own terms:
//
//	probs:  log p(k) = k·log1p(-p) + log p         ∂/∂p = 1/p - k/(1-p)
//	logits: log p(k) = log σ(ℓ) - k·softplus(ℓ)    ∂/∂ℓ = σ(-ℓ) - k·σ(ℓ)
//
// with 0·log 0 = 0, so that p = 1 (ℓ = +∞) gives log p(0) = 0 exactly;
// ∂/∂k is log1p(-p) = -softplus(ℓ). Pyro 1.8.6 computes the logits form as
// (-k-1)·softplus(ℓ) + ℓ from logits derived from probs clamped to
// [eps, 1-eps] (torch 1.13: k·log1p(-p) + log p with a patch at p = 1);
// log σ(ℓ) = -softplus(-ℓ) is the same quantity without the cancellation
// of ℓ - softplus(ℓ) at large ℓ (Pyro gives log p(0) = 0 at ℓ = 30, the
// exact value is -9.36e-14), and probs are never clamped. Without
// validation a value off the support is scored by the same formula, as
// torch does.
type Geometric struct {
	elementwise
	logits bool // parameterised by logits rather than probs
}

// NewGeometric returns the geometric distributions with success
// probabilities probs; when validating, every probs lies in (0, 1] (torch:
// unit interval, and probs > 0 checked by Geometric itself).
func NewGeometric(probs *tensor.Dense, opts ...Option) (*Geometric, error) {
	return newGeometric(probs, false, opts)
}

// NewGeometricLogits returns the geometric distributions with success
// log-odds logits; when validating, no logit is NaN.
func NewGeometricLogits(logits *tensor.Dense, opts ...Option) (*Geometric, error) {
	return newGeometric(logits, true, opts)
}

func newGeometric(param *tensor.Dense, logits bool, opts []Option) (*Geometric, error) {
	cfg := newConfig(opts)
	name, ok, rule, k32, k64 := "probs", isGeometricProb, "in (0, 1]", geometricProbsKernel[float32], geometricProbsKernel[float64]
	if logits {
		name, ok, rule, k32, k64 = "logits", isReal, "real", geometricLogitsKernel[float32], geometricLogitsKernel[float64]
	}
	e, err := newElementwise("geometric", []string{name}, []*tensor.Dense{param}, cfg)
	if err != nil {
		return nil, err
	}
	if cfg.validate {
		if err := check("geometric", name, rule, param, ErrParam, ok); err != nil {
			return nil, err
		}
	}
	e.k32, e.k64 = k32, k64
	e.support, e.rule = isNaturalNumber, "a non-negative integer"
	return &Geometric{elementwise: e, logits: logits}, nil
}

func isGeometricProb(x float64) bool { return x > 0 && x <= 1 }

// Expand returns the distributions broadcast to batch, sharing the
// parameter.
func (d *Geometric) Expand(batch []int) (Distribution, error) {
	e, err := d.expand(batch)
	if err != nil {
		return nil, err
	}
	return &Geometric{elementwise: e, logits: d.logits}, nil
}

// Probs returns the success probabilities (computed from the logits if
// those were given).
func (d *Geometric) Probs() *tensor.Dense {
	if !d.logits {
		return d.params[0]
	}
	return d.stat(func(p []float64) float64 { return tensor.Sigmoid(p[0]) })
}

// Logits returns the success log-odds (computed from probs if those were
// given; +Inf at probs 1).
func (d *Geometric) Logits() *tensor.Dense {
	if d.logits {
		return d.params[0]
	}
	return d.stat(func(p []float64) float64 { return tensor.Log(p[0]) - math.Log1p(-p[0]) })
}

// geometricProbsKernel is the probs form's one numerical path; operands
// (out, x, probs).
func geometricProbsKernel[T tensor.Float](a *kargs[T]) {
	x, pr := a.in[0], a.in[1]
	for r := range a.p.RunsIn(a.lo, a.hi) {
		o, ox, op, sx, sp := r.Off[0], r.Off[1], r.Off[2], r.Step[1], r.Step[2]
		p := float64(pr[op])
		logP, logQ := tensor.Log(p), math.Log1p(-p) // hoisted: once per run when probs is broadcast
		for i := range r.N {
			k := float64(x[ox+i*sx])
			if sp != 0 {
				p = float64(pr[op+i])
				logP, logQ = tensor.Log(p), math.Log1p(-p)
			}
			lp := logP
			if k != 0 || math.IsNaN(logQ) { // 0·log 0 = 0 at p = 1 (XLog1pY)
				lp += k * logQ
			}
			if a.out != nil {
				a.out[o+i] = T(lp)
			}
			if a.grad == nil {
				continue
			}
			w := a.weight(o + i)
			if w == 0 { // select, never multiply: a masked -Inf or NaN stays out
				continue
			}
			a.sum += w * lp
			if g := a.grad[0]; g != nil {
				g[ox+i*sx] += w * logQ
			}
			if g := a.grad[1]; g != nil {
				dp := 1 / p
				if k != 0 { // the k·log1p(-p) term is 0 at k = 0, also at p = 1
					dp -= k / (1 - p)
				}
				g[op+i*sp] += w * dp
			}
		}
	}
}

// geometricLogitsKernel is the logits form's one numerical path; operands
// (out, x, logits).
func geometricLogitsKernel[T tensor.Float](a *kargs[T]) {
	x, lg := a.in[0], a.in[1]
	for r := range a.p.RunsIn(a.lo, a.hi) {
		o, ox, ol, sx, sl := r.Off[0], r.Off[1], r.Off[2], r.Step[1], r.Step[2]
		l := float64(lg[ol])
		sp, logP := tensor.Softplus(l), tensor.LogSigmoid(l) // -log(1-p), log p; hoisted when logits is broadcast
		for i := range r.N {
			k := float64(x[ox+i*sx])
			if sl != 0 {
				l = float64(lg[ol+i])
				sp, logP = tensor.Softplus(l), tensor.LogSigmoid(l)
			}
			lp := logP
			if k != 0 || math.IsNaN(sp) { // 0·softplus(+∞) = 0: log p(0) = 0 at p = 1
				lp -= k * sp
			}
			if a.out != nil {
				a.out[o+i] = T(lp)
			}
			if a.grad == nil {
				continue
			}
			w := a.weight(o + i)
			if w == 0 { // select, never multiply: a masked -Inf or NaN stays out
				continue
			}
			a.sum += w * lp
			if g := a.grad[0]; g != nil {
				g[ox+i*sx] -= w * sp
			}
			if g := a.grad[1]; g != nil {
				dl := tensor.Sigmoid(-l) // 1-p, without cancelling
				if k != 0 {
					dl -= k * tensor.Sigmoid(l)
				}
				g[ol+i*sl] += w * dl
			}
		}
	}
}

// logFail is log(1-p) from the parameter value v: log1p(-p), or
// -softplus(ℓ), which keeps its precision where p rounds to 1.
func (d *Geometric) logFail(v float64) float64 {
	if d.logits {
		return -tensor.Softplus(v)
	}
	return math.Log1p(-v)
}

// Sample draws sampleShape+BatchShape() counts floor(log U / log(1-p)),
// U uniform on (0, 1) (torch 1.13: U on [tiny, 1)); P(k ≥ n) = P(U ≤
// (1-p)^n) = (1-p)^n, the geometric law exactly. p = 1 gives 0.
func (d *Geometric) Sample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	if d.dtype == tensor.Float32 {
		return geometricDraw[float32](d, src, sampleShape)
	}
	return geometricDraw[float64](d, src, sampleShape)
}

func geometricDraw[T tensor.Float](d *Geometric, src rand.Source, sampleShape []int) (*tensor.Dense, error) {
	return draw(&d.elementwise, src, sampleShape, func(r *rand.Rand, run shape.Run, dst []T, in [][]T) {
		par, op, sp := in[0], run.Off[1], run.Step[1]
		lf := d.logFail(float64(par[op])) // hoisted: one log per run when the parameter is broadcast
		out := dst[run.Off[0] : run.Off[0]+run.N]
		for i := range out {
			if sp != 0 {
				lf = d.logFail(float64(par[op+i]))
			}
			// 53 random bits, centred in their cell: U in (0, 1), never 0.
			u := (float64(r.Uint64()>>11) + 0.5) * 0x1p-53
			k := math.Floor(math.Log(u) / lf)
			if math.IsInf(lf, -1) { // p = 1: success at once (log U/-∞ would be -0)
				k = 0
			}
			out[i] = T(k)
		}
	})
}

// Mean is (1-p)/p = 1/p - 1 (e^-ℓ from logits), without torch's
// cancellation near p = 1.
func (d *Geometric) Mean() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return d.odds(p[0]) })
}

// odds is (1-p)/p, the mean, from the parameter value v.
func (d *Geometric) odds(v float64) float64 {
	if d.logits {
		return math.Exp(-v)
	}
	return (1 - v) / v
}

// Variance is (1-p)/p² (e^-ℓ(1 + e^-ℓ) from logits).
func (d *Geometric) Variance() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 {
		m := d.odds(p[0])
		if d.logits {
			return m * (1 + m)
		}
		return m / p[0] // not (1-p)/p², whose p² underflows first
	})
}

// StdDev is √(1-p)/p (e^(-ℓ/2)·√(1 + e^-ℓ) from logits), which neither
// overflows nor underflows where the variance does.
func (d *Geometric) StdDev() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 {
		if d.logits {
			return math.Exp(-p[0]/2) * math.Sqrt(1+math.Exp(-p[0]))
		}
		return math.Sqrt(1-p[0]) / p[0]
	})
}

// Mode is 0.
func (d *Geometric) Mode() (*tensor.Dense, error) {
	return d.moment(func([]float64) float64 { return 0 })
}

// Entropy is (-p·log p - (1-p)·log(1-p))/p (torch: BCE-with-logits(ℓ, p)/p),
// evaluated without cancellation or overflow: from probs,
// -log p - (1-p)·(log1p(-p)/p), 0 at p = 1; from logits with u = e^-|ℓ|,
//
//	ℓ > 0:  log1p(u) + u·softplus(ℓ)
//	ℓ ≤ 0:  softplus(-ℓ) + log1p(u)/u      (→ -ℓ + 1 as ℓ → -∞)
func (d *Geometric) Entropy() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 {
		v := p[0]
		if !d.logits {
			if v == 1 {
				return 0
			}
			return -tensor.Log(v) - (1-v)*(math.Log1p(-v)/v)
		}
		switch {
		case math.IsInf(v, 1):
			return 0
		case v > 0:
			u := math.Exp(-v)
			return math.Log1p(u) + u*(v+math.Log1p(u))
		}
		u := math.Exp(v)
		r := 1.0 // log1p(u)/u → 1 as u → 0
		if u != 0 {
			r = math.Log1p(u) / u
		}
		return tensor.Softplus(-v) + r
	})
}

// String is a torch-style summary of the distribution, for logs and messages.
func (d *Geometric) String() string {
	return fmt.Sprintf("Geometric(batch_shape=%s)", shape.Format(d.batch))
}

func init() {
	RegisterShapes("Geometric", GenericShapes("geometric", map[string]int{"probs": 0, "logits": 0}))
	Register("Geometric", func(s *Spec, opts ...Option) (Distribution, error) {
		if err := s.Known("probs", "logits"); err != nil {
			return nil, err
		}
		probs, okP, err := s.Tensor("probs")
		if err != nil {
			return nil, err
		}
		logits, okL, err := s.Tensor("logits")
		if err != nil {
			return nil, err
		}
		switch {
		case okP == okL:
			return nil, fmt.Errorf("geometric: give exactly one of probs and logits: %w", ErrParam)
		case okP:
			return NewGeometric(probs, opts...)
		}
		return NewGeometricLogits(logits, opts...)
	})
}
