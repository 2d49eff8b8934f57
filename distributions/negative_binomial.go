package distributions

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// NegativeBinomial is a batch of negative binomial distributions, torch's:
// the number k of successes, each of probability p (probs) or log-odds ℓ
// (logits), before total_count r failures, r ≥ 0 real; support {0, 1, 2,
// …}, values and samples floats, as in torch:
//
//	log p(k) = log Γ(r+k) - log Γ(k+1) - log Γ(r) + k·log p + r·log(1-p)
//	∂/∂r = ψ(r+k) - ψ(r) + log(1-p)    ∂/∂k = ψ(r+k) - ψ(k+1) + log p
//	∂/∂p = k/p - r/(1-p)               ∂/∂ℓ = k·σ(-ℓ) - r·σ(ℓ)
//
// with 0·log 0 = 0, and log p(0) = 0 at r = 0 (torch sets the normaliser to
// 0 where r+k = 0). Each form is evaluated in its own terms (torch clamps
// probs to [eps, 1-eps] and works from logits). The sum above cancels for
// large r and k, so log p(k) is evaluated in Loader's saddle-point form
// (see negBinomialLogPMF); without validation a value off the support is
// scored by torch's formula (-Inf at negative integers).
type NegativeBinomial struct {
	elementwise
	logits bool // parameterised by logits rather than probs
}

// NewNegativeBinomial returns the distributions of total_count totalCount
// and success probability probs, which must broadcast and share a floating
// dtype; when validating, every total_count ≥ 0 and every probs in [0, 1).
func NewNegativeBinomial(totalCount, probs *tensor.Dense, opts ...Option) (*NegativeBinomial, error) {
	return newNegativeBinomial(totalCount, probs, false, opts)
}

// NewNegativeBinomialLogits returns the distributions of total_count
// totalCount and success log-odds logits; when validating, every
// total_count ≥ 0 and no logit is NaN.
func NewNegativeBinomialLogits(totalCount, logits *tensor.Dense, opts ...Option) (*NegativeBinomial, error) {
	return newNegativeBinomial(totalCount, logits, true, opts)
}

func newNegativeBinomial(tc, param *tensor.Dense, logits bool, opts []Option) (*NegativeBinomial, error) {
	cfg := newConfig(opts)
	name, ok, rule, k32, k64 := "probs", isNegBinomialProb, "in [0, 1)", negBinomialProbsKernel[float32], negBinomialProbsKernel[float64]
	if logits {
		name, ok, rule, k32, k64 = "logits", isReal, "real", negBinomialLogitsKernel[float32], negBinomialLogitsKernel[float64]
	}
	e, err := newElementwise("negative_binomial", []string{"total_count", name}, []*tensor.Dense{tc, param}, cfg)
	if err != nil {
		return nil, err
	}
	if cfg.validate {
		if err := check("negative_binomial", "total_count", ">= 0", tc, ErrParam, isNonNegative); err != nil {
			return nil, err
		}
		if err := check("negative_binomial", name, rule, param, ErrParam, ok); err != nil {
			return nil, err
		}
	}
	e.k32, e.k64 = k32, k64
	e.support, e.rule = isNaturalNumber, "a non-negative integer"
	return &NegativeBinomial{elementwise: e, logits: logits}, nil
}

// isNegBinomialProb is torch's half_open_interval(0, 1): p = 1 would make
// every count's probability 0.
func isNegBinomialProb(x float64) bool { return x >= 0 && x < 1 }

// Expand returns the distributions broadcast to batch, sharing the
// parameters.
func (d *NegativeBinomial) Expand(batch []int) (Distribution, error) {
	e, err := d.expand(batch)
	if err != nil {
		return nil, err
	}
	return &NegativeBinomial{elementwise: e, logits: d.logits}, nil
}

// TotalCount is r, as given.
func (d *NegativeBinomial) TotalCount() *tensor.Dense { return d.params[0] }

// Probs returns the success probabilities (computed from the logits if
// those were given).
func (d *NegativeBinomial) Probs() *tensor.Dense {
	if !d.logits {
		return d.params[1]
	}
	return d.stat(func(p []float64) float64 { return tensor.Sigmoid(p[1]) })
}

// Logits returns the success log-odds (computed from probs if those were
// given; -Inf at probs 0).
func (d *NegativeBinomial) Logits() *tensor.Dense {
	if d.logits {
		return d.params[1]
	}
	return d.stat(func(p []float64) float64 { return tensor.Log(p[1]) - math.Log1p(-p[1]) })
}

// negBinomialLogPMF returns log p(k) given r, log p, log(1-p), p and 1-p
// (each accurate: the kernels compute them from their parameter).
//
// For r, k > 0 finite it is Loader's form of R's dnbinom (C. Loader, "Fast
// and accurate computation of binomial probabilities", 2000), p(k) =
// r/(r+k)·b(r; r+k, 1-p) with b the binomial density:
//
//	log p(k) = stirlerr(r+k) - stirlerr(r) - stirlerr(k)
//	           - bd0(r, (r+k)(1-p)) - bd0(k, (r+k)p) - ½·log(2πk(r+k)/r),
//
// whose terms do not cancel when r and k are large (the lgamma sum loses
// 1e-10 relative at r = k = 1e6). stirlerr and bd0 are Poisson's.
func negBinomialLogPMF(r, k, logP, logQ, p, q float64) float64 {
	switch {
	case k != k || r != r || logP != logP || logQ != logQ:
		return math.NaN()
	case k == 0: // log Γ(r)/Γ(r) = 0, also at r = 0 (torch's mask)
		return negBinomialXLog(r, logQ)
	case math.IsInf(r, 1) && k > 0: // all mass has gone to +∞ (torch: NaN from ∞ - ∞)
		return math.Inf(-1)
	case k < 0 || k != math.Floor(k) || r <= 0 || math.IsInf(r, 1) || math.IsInf(k, 1) || p == 0 || q == 0:
		return negBinomialLogPMFLgamma(r, k, logP, logQ)
	}
	n := r + k
	lc := stirlerr(n) - stirlerr(r) - stirlerr(k) - bd0(r, n*q) - bd0(k, n*p)
	lrk := math.Log1p(k / r) // log((r+k)/r)
	if math.IsInf(k/r, 1) {
		lrk = math.Log(n) - tensor.Log(r)
	}
	return lc - 0.5*(math.Log(k)+lrk) - halfLog2Pi
}

// negBinomialLogPMFLgamma is torch's formula, for the cases Loader's form
// does not take: r = 0, p = 0 or 1, infinities, and values off the support
// (unvalidated; log|Γ| at negative arguments, as torch.lgamma).
func negBinomialLogPMFLgamma(r, k, logP, logQ float64) float64 {
	var norm float64
	if r+k != 0 {
		norm = tensor.Lgamma(r+k) - tensor.Lgamma(k+1) - tensor.Lgamma(r)
	}
	return negBinomialXLog(k, logP) + negBinomialXLog(r, logQ) + norm
}

// negBinomialXLog is x·l with 0·l = 0 for l = -Inf (xlogy's convention; l is a
// logarithm) and x·0 = 0 for x = +Inf (1^∞ = 1).
func negBinomialXLog(x, l float64) float64 {
	if (x == 0 && l == l) || (l == 0 && x == x) {
		return 0
	}
	return x * l
}

// negBinomialDigammaDiff returns ψ(r+k) - ψ(r) for k ≥ 0, which cancels
// when k ≪ r: from r = 10 on it is
//
//	log1p(k/r) + k/(2r(r+k)) + s(r) - s(r+k),  s(x) = Σ B_2n/(2n·x^2n),
//
// from ψ(x) = log x - 1/(2x) - s(x) (Abramowitz & Stegun 6.3.18), s to
// the x^-14 term, the next below 5e-17 relative at x = 10.
func negBinomialDigammaDiff(r, k float64) float64 {
	switch {
	case k == 0:
		return 0
	case r >= 10 && k > 0 && !math.IsInf(k, 1) && !math.IsInf(r, 1):
		s := func(x float64) float64 {
			y := 1 / (x * x)
			return y * (1.0/12 - y*(1.0/120-y*(1.0/252-y*(1.0/240-y*(1.0/132-y*(691.0/32760-y/12))))))
		}
		return math.Log1p(k/r) + k/(2*r*(r+k)) + s(r) - s(r+k)
	}
	return tensor.Digamma(r+k) - tensor.Digamma(r)
}

// negBinomialGradKR adds w·∂log p/∂(k, r) into the value and
// total_count gradients at element i of the plan's run (for both forms).
func negBinomialGradKR[T tensor.Float](a *kargs[T], ix, ir int, w, k, r, logP, logQ float64) {
	if g := a.grad[0]; g != nil {
		g[ix] += w * (tensor.Digamma(r+k) - tensor.Digamma(k+1) + logP)
	}
	if g := a.grad[1]; g != nil {
		g[ir] += w * (negBinomialDigammaDiff(r, k) + logQ)
	}
}

// negBinomialProbsKernel is the probs form's one numerical path; operands
// (out, x, total_count, probs).
func negBinomialProbsKernel[T tensor.Float](a *kargs[T]) {
	x, tc, pr := a.in[0], a.in[1], a.in[2]
	for run := range a.p.RunsIn(a.lo, a.hi) {
		o, ox, or, op := run.Off[0], run.Off[1], run.Off[2], run.Off[3]
		sx, sr, sp := run.Step[1], run.Step[2], run.Step[3]
		for i := range run.N {
			k, r, p := float64(x[ox+i*sx]), float64(tc[or+i*sr]), float64(pr[op+i*sp])
			logP, logQ := tensor.Log(p), math.Log1p(-p)
			lp := negBinomialLogPMF(r, k, logP, logQ, p, 1-p)
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
			negBinomialGradKR(a, ox+i*sx, or+i*sr, w, k, r, logP, logQ)
			if g := a.grad[2]; g != nil {
				var dp float64
				if k != 0 { // the k·log p term is 0 at k = 0, also at p = 0
					dp += k / p
				}
				if r != 0 {
					dp -= r / (1 - p)
				}
				g[op+i*sp] += w * dp
			}
		}
	}
}

// negBinomialLogitsKernel is the logits form's one numerical path; operands
// (out, x, total_count, logits). log p = log σ(ℓ) and log(1-p) = log σ(-ℓ)
// keep their precision at both ends.
func negBinomialLogitsKernel[T tensor.Float](a *kargs[T]) {
	x, tc, lg := a.in[0], a.in[1], a.in[2]
	for run := range a.p.RunsIn(a.lo, a.hi) {
		o, ox, or, ol := run.Off[0], run.Off[1], run.Off[2], run.Off[3]
		sx, sr, sl := run.Step[1], run.Step[2], run.Step[3]
		for i := range run.N {
			k, r, l := float64(x[ox+i*sx]), float64(tc[or+i*sr]), float64(lg[ol+i*sl])
			logP, logQ := tensor.LogSigmoid(l), tensor.LogSigmoid(-l)
			lp := negBinomialLogPMF(r, k, logP, logQ, tensor.Sigmoid(l), tensor.Sigmoid(-l))
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
			negBinomialGradKR(a, ox+i*sx, or+i*sr, w, k, r, logP, logQ)
			if g := a.grad[2]; g != nil {
				var dl float64
				if k != 0 {
					dl += k * tensor.Sigmoid(-l)
				}
				if r != 0 {
					dl -= r * tensor.Sigmoid(l)
				}
				g[ol+i*sl] += w * dl
			}
		}
	}
}

// odds is p/(1-p) = e^ℓ from the parameter value v.
func (d *NegativeBinomial) odds(v float64) float64 {
	if d.logits {
		return math.Exp(v)
	}
	return v / (1 - v)
}

// Sample draws sampleShape+BatchShape() counts as torch does: the Poisson
// mixture over its rate λ ~ Gamma(r, rate (1-p)/p), that is λ = g·p/(1-p)
// with g ~ Gamma(r, 1) (standardGamma), then k ~ Poisson(λ) (poissonDraw),
// both in float64 whatever the dtype. r = 0 or p = 0 gives 0.
func (d *NegativeBinomial) Sample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	if d.dtype == tensor.Float32 {
		return negBinomialDraw[float32](d, src, sampleShape)
	}
	return negBinomialDraw[float64](d, src, sampleShape)
}

func negBinomialDraw[T tensor.Float](d *NegativeBinomial, src rand.Source, sampleShape []int) (*tensor.Dense, error) {
	return draw(&d.elementwise, src, sampleShape, func(rng *rand.Rand, run shape.Run, dst []T, in [][]T) {
		tc, par := in[0], in[1]
		or, op, sr, sp := run.Off[1], run.Off[2], run.Step[1], run.Step[2]
		for i := range run.N {
			r, odds := float64(tc[or+i*sr]), d.odds(float64(par[op+i*sp]))
			lam := 0.0
			if odds != 0 { // p = 0: no successes, also with an infinite Gamma draw
				lam = standardGamma(rng, r) * odds
			}
			dst[run.Off[0]+i] = T(poissonDraw(rng, lam))
		}
	})
}

// Mean is r·p/(1-p) (r·e^ℓ from logits), torch's mean.
func (d *NegativeBinomial) Mean() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return p[0] * d.odds(p[1]) })
}

// Variance is r·p/(1-p)², the mean over 1-p (r·e^ℓ·(1+e^ℓ) from logits).
func (d *NegativeBinomial) Variance() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 {
		m := p[0] * d.odds(p[1])
		if d.logits {
			return m * (1 + math.Exp(p[1]))
		}
		return m / (1 - p[1])
	})
}

// StdDev is √Variance, formed so that it overflows only where it must:
// √(r·p)/(1-p), or √r·e^(ℓ/2)·√(1+e^ℓ) from logits.
func (d *NegativeBinomial) StdDev() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 {
		if d.logits {
			return math.Sqrt(p[0]) * math.Exp(p[1]/2) * math.Sqrt(1+math.Exp(p[1]))
		}
		return math.Sqrt(p[0]*p[1]) / (1 - p[1])
	})
}

// Mode is torch 1.13's floor((r-1)·p/(1-p)) clamped at 0: the largest mode
// where two counts tie, 0 for r ≤ 1.
func (d *NegativeBinomial) Mode() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 {
		m := math.Floor((p[0] - 1) * d.odds(p[1]))
		if m > 0 || m != m {
			return m
		}
		return 0
	})
}

// String is a torch-style summary of the distribution, for logs and messages.
func (d *NegativeBinomial) String() string {
	return fmt.Sprintf("NegativeBinomial(batch_shape=%s)", shape.Format(d.batch))
}

func init() {
	RegisterShapes("NegativeBinomial", GenericShapes("negative_binomial", map[string]int{"total_count": 0, "probs": 0, "logits": 0}))
	Register("NegativeBinomial", func(s *Spec, opts ...Option) (Distribution, error) {
		if err := s.Known("total_count", "probs", "logits"); err != nil {
			return nil, err
		}
		tc, okT, err := s.Tensor("total_count")
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
			return nil, fmt.Errorf("negative_binomial: total_count is required: %w", ErrParam)
		case okP == okL:
			return nil, fmt.Errorf("negative_binomial: give exactly one of probs and logits: %w", ErrParam)
		case okP:
			return NewNegativeBinomial(tc, probs, opts...)
		}
		return NewNegativeBinomialLogits(tc, logits, opts...)
	})
}
