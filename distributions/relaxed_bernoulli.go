package distributions

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// RelaxedBernoulli is a batch of relaxed Bernoulli (binary Concrete)
// distributions on [0, 1] (Maddison, Mnih & Teh 2017; Jang, Gu & Poole
// 2017), torch's RelaxedBernoulli: the sigmoid of a LogitRelaxedBernoulli
// with temperature τ and probs p or logits ℓ. With y = logit(x) and
// d = ℓ - τy, the logit's log density log τ + d - 2·log(1+e^d) plus the
// sigmoid's log|dy/dx| = -log x - log(1-x) give, written directly,
//
//	log p(x) = log τ - |d| - 2·log1p(e^-|d|) - log x - log1p(-x)
//	∂/∂x = (τ·t + 2x - 1)/(x(1-x))   ∂/∂ℓ = -t   ∂/∂τ = 1/τ + y·t
//
// with t = tanh(d/2) = 2σ(d) - 1, and ∂/∂p = ∂/∂ℓ / (p(1-p)). torch clamps
// p to [eps, 1-eps] and x to [tiny, 1-eps] before taking logits; here both
// are used as given, and x = 0 and 1 score the density's limits there:
// +Inf for τ < 1, -Inf for τ > 1, and -ℓ (at 0) or ℓ (at 1) for τ = 1.
// Values outside [0, 1] (only without validation) score -Inf. Where
// log p(x) is infinite, its partials are 0. temperature broadcasts with
// the parameter into the batch shape (torch takes the batch shape from
// probs or logits alone, and validates no temperature).
//
// RelaxedBernoulli is reparameterised: x = σ((logit U + ℓ)/τ), with U
// uniform and clamped, as torch does, to [eps, 1-eps] of the dtype, and x
// clamped to [tiny, 1-eps] (torch's SigmoidTransform). torch 1.13 has no
// mean, variance, entropy, mode, CDF or ICDF for it, and neither does this.
type RelaxedBernoulli struct {
	elementwise
	logits bool // parameterised by logits rather than probs
}

// NewRelaxedBernoulli returns the relaxed Bernoullis with temperature
// temperature and probabilities probs, which broadcast together; when
// validating, every temperature > 0 and every probs lies in [0, 1].
func NewRelaxedBernoulli(temperature, probs *tensor.Dense, opts ...Option) (*RelaxedBernoulli, error) {
	return newRelaxedBernoulli(temperature, probs, false, opts)
}

// NewRelaxedBernoulliLogits returns the relaxed Bernoullis with
// temperature temperature and log-odds logits; when validating, every
// temperature > 0 and no logit is NaN.
func NewRelaxedBernoulliLogits(temperature, logits *tensor.Dense, opts ...Option) (*RelaxedBernoulli, error) {
	return newRelaxedBernoulli(temperature, logits, true, opts)
}

func newRelaxedBernoulli(temperature, param *tensor.Dense, logits bool, opts []Option) (*RelaxedBernoulli, error) {
	const family = "relaxed_bernoulli"
	cfg := newConfig(opts)
	name, ok, rule, k32, k64 := "probs", isUnit, "in [0, 1]", rbProbsKernel[float32], rbProbsKernel[float64]
	if logits {
		name, ok, rule, k32, k64 = "logits", isReal, "real", rbLogitsKernel[float32], rbLogitsKernel[float64]
	}
	e, err := newElementwise(family, []string{"temperature", name}, []*tensor.Dense{temperature, param}, cfg)
	if err != nil {
		return nil, err
	}
	if cfg.validate {
		// torch 1.13 does not check temperature (it has no arg constraint);
		// log τ needs τ > 0.
		if err := check(family, "temperature", "> 0", temperature, ErrParam, isPositive); err != nil {
			return nil, err
		}
		if err := check(family, name, rule, param, ErrParam, ok); err != nil {
			return nil, err
		}
	}
	e.k32, e.k64 = k32, k64
	e.support, e.rule = isUnit, "in [0, 1]"
	return &RelaxedBernoulli{elementwise: e, logits: logits}, nil
}

// Expand returns the distributions broadcast to batch, sharing the
// parameters.
func (d *RelaxedBernoulli) Expand(batch []int) (Distribution, error) {
	e, err := d.expand(batch)
	if err != nil {
		return nil, err
	}
	return &RelaxedBernoulli{elementwise: e, logits: d.logits}, nil
}

// Temperature is the temperature τ, as given.
func (d *RelaxedBernoulli) Temperature() *tensor.Dense { return d.params[0] }

// Probs returns p (computed from the logits if those were given), shaped
// like the parameter.
func (d *RelaxedBernoulli) Probs() *tensor.Dense {
	if !d.logits {
		return d.params[1]
	}
	return rbParamMap(d.params[1], tensor.Sigmoid)
}

// Logits returns ℓ = log(p/(1-p)) (computed from probs if those were
// given; ∓Inf at probs 0 and 1), shaped like the parameter.
func (d *RelaxedBernoulli) Logits() *tensor.Dense {
	if d.logits {
		return d.params[1]
	}
	return rbParamMap(d.params[1], cbLogit)
}

// rbParamMap returns f of every element of p, in p's shape and dtype.
func rbParamMap(p *tensor.Dense, f func(float64) float64) *tensor.Dense {
	src, _ := tensor.Float64s(p)
	if p.Dtype() == tensor.Float32 {
		res, dst := tensor.Alloc[float32](tensor.ShapeOf(p))
		for i, v := range src {
			dst[i] = float32(f(v))
		}
		return res
	}
	res, dst := tensor.Alloc[float64](tensor.ShapeOf(p))
	for i, v := range src {
		dst[i] = f(v)
	}
	return res
}

func rbProbsKernel[T tensor.Float](a *kargs[T])  { rbKernel(a, false) }
func rbLogitsKernel[T tensor.Float](a *kargs[T]) { rbKernel(a, true) }

// rbKernel is RelaxedBernoulli's one numerical path; operands (out, x,
// temperature, probs or logits).
func rbKernel[T tensor.Float](a *kargs[T], logits bool) {
	x, tm, th := a.in[0], a.in[1], a.in[2]
	for r := range a.p.RunsIn(a.lo, a.hi) {
		o, ox, ot, op := r.Off[0], r.Off[1], r.Off[2], r.Off[3]
		sx, st, sp := r.Step[1], r.Step[2], r.Step[3]
		// hoisted: once per run for a broadcast temperature or parameter
		tau := float64(tm[ot])
		logTau := tensor.Log(tau)
		l, dl := rbEll(float64(th[op]), logits)
		for i := range r.N {
			if st != 0 && i > 0 {
				tau = float64(tm[ot+i*st])
				logTau = tensor.Log(tau)
			}
			if sp != 0 && i > 0 {
				l, dl = rbEll(float64(th[op+i*sp]), logits)
			}
			xv := float64(x[ox+i*sx])
			var lp, gx, gt, gl float64
			if xv > 0 && xv < 1 {
				lx, l1x := tensor.Log(xv), math.Log1p(-xv)
				y := lx - l1x
				dd := l - tau*y
				ad := math.Abs(dd)
				e := math.Exp(-ad)
				lp = logTau - ad - 2*math.Log1p(e) - lx - l1x
				if a.grad != nil {
					t := (1 - e) / (1 + e) // tanh(|d|/2)
					if dd < 0 {
						t = -t
					}
					gx = (tau*t + 2*xv - 1) / (xv * (1 - xv))
					gt = 1/tau + y*t
					gl = -t
				}
			} else {
				lp, gx, gt, gl = rbEdge(xv, tau, logTau, l)
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
			if math.IsInf(lp, 0) { // no partials of an infinite log p
				continue
			}
			if g := a.grad[0]; g != nil {
				g[ox+i*sx] += w * gx
			}
			if g := a.grad[1]; g != nil {
				g[ot+i*st] += w * gt
			}
			if g := a.grad[2]; g != nil {
				g[op+i*sp] += w * gl * dl
			}
		}
	}
}

// rbEll returns ℓ and dℓ/dθ from the parameter value v.
func rbEll(v float64, logits bool) (l, dl float64) {
	if logits {
		return v, 1
	}
	return cbLogit(v), 1 / (v * (1 - v))
}

// rbEdge returns log p(x) and its partials in x, τ and ℓ for x not in
// (0, 1). Off [0, 1] the density is 0: -Inf. At x = 0, where d → +∞,
// log p → log τ - ℓ + (τ-1)·log x: +Inf (τ < 1), -Inf (τ > 1), or -ℓ for
// τ = 1, where log p = ℓ - 2·log(x + e^ℓ(1-x)) has ∂/∂x = 2 - 2e^-ℓ,
// ∂/∂ℓ = -1 and ∂/∂τ = 1/τ + log(x/(1-x)) = -Inf. x = 1 is its mirror
// image (x → 1-x, ℓ → -ℓ). For ℓ = ±Inf (probs 1 or 0) the limit is the
// point mass at 1 or 0. The partials are those of a finite log p.
func rbEdge(x, tau, logTau, l float64) (lp, gx, gt, gl float64) {
	switch {
	case x != x || tau != tau || l != l:
		nan := math.NaN()
		return nan, nan, nan, nan
	case x != 0 && x != 1:
		return math.Inf(-1), 0, 0, 0
	}
	s := 1.0
	if x == 1 {
		s, l = -1, -l
	}
	switch {
	case math.IsInf(l, 0): // the mass sits at this end when ℓ (mirrored) is -Inf
		return -math.Copysign(math.Inf(1), l), 0, 0, 0
	case tau < 1:
		return math.Inf(1), 0, 0, 0
	case tau > 1:
		return math.Inf(-1), 0, 0, 0
	}
	return logTau - l, s * (2 - 2*math.Exp(-l)), math.Inf(-1), -s
}

// RSample draws sampleShape+BatchShape() values σ((logit U + ℓ)/τ) from
// the seeded block streams, U and x clamped as torch clamps them.
func (d *RelaxedBernoulli) RSample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	if d.dtype == tensor.Float32 {
		return rbDraw[float32](d, src, sampleShape, 0x1p-23, 0x1p-126)
	}
	return rbDraw[float64](d, src, sampleShape, 0x1p-52, 0x1p-1022)
}

// Sample is RSample for RelaxedBernoulli.
func (d *RelaxedBernoulli) Sample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	return d.RSample(src, sampleShape...)
}

// rbDraw draws with eps and tiny of T (torch's finfo): U in [eps, 1-eps]
// (clamp_probs) and x in [tiny, 1-eps] (the clipped sigmoid), both bounds
// representable in T so that rounding to T stays inside (0, 1).
func rbDraw[T tensor.Float](d *RelaxedBernoulli, src rand.Source, sampleShape []int, eps, tiny float64) (*tensor.Dense, error) {
	return draw(&d.elementwise, src, sampleShape, func(r *rand.Rand, run shape.Run, dst []T, in [][]T) {
		tm, th := in[0], in[1]
		ot, op, st, sp := run.Off[1], run.Off[2], run.Step[1], run.Step[2]
		tau := float64(tm[ot])
		l, _ := rbEll(float64(th[op]), d.logits)
		out := dst[run.Off[0] : run.Off[0]+run.N]
		for i := range out {
			if st != 0 {
				tau = float64(tm[ot+i*st])
			}
			if sp != 0 {
				l, _ = rbEll(float64(th[op+i*sp]), d.logits)
			}
			u := min(max(r.Float64(), eps), 1-eps)
			z := (tensor.Log(u) - math.Log1p(-u) + l) / tau
			out[i] = T(min(max(tensor.Sigmoid(z), tiny), 1-eps))
		}
	})
}

// String is a torch-style summary of the distribution, for logs and messages.
func (d *RelaxedBernoulli) String() string {
	return fmt.Sprintf("RelaxedBernoulli(batch_shape=%s)", shape.Format(d.batch))
}

func init() {
	RegisterShapes("RelaxedBernoulli", GenericShapes("relaxed_bernoulli", map[string]int{"temperature": 0, "probs": 0, "logits": 0}))
	Register("RelaxedBernoulli", func(s *Spec, opts ...Option) (Distribution, error) {
		if err := s.Known("temperature", "probs", "logits"); err != nil {
			return nil, err
		}
		temperature, okT, err := s.Tensor("temperature")
		if err != nil {
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
		case !okT:
			return nil, fmt.Errorf("relaxed_bernoulli: temperature is required: %w", ErrParam)
		case okP == okL:
			return nil, fmt.Errorf("relaxed_bernoulli: give exactly one of probs and logits: %w", ErrParam)
		case okP:
			return NewRelaxedBernoulli(temperature, probs, opts...)
		}
		return NewRelaxedBernoulliLogits(temperature, logits, opts...)
	})
}
