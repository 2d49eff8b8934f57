package distributions

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// ContinuousBernoulli is a batch of continuous Bernoulli distributions on
// [0, 1] (Loaiza-Ganem & Cunningham 2019, torch.distributions
// .ContinuousBernoulli), given by probs λ or logits ℓ = log(λ/(1-λ)):
//
//	p(x) = C(λ)·λ^x·(1-λ)^(1-x),   C(λ) = 2·atanh(1-2λ)/(1-2λ)   (C(½) = 2)
//
// In terms of ℓ this is an exponential distribution truncated to [0, 1]:
// p(x) = ℓ·e^(ℓx)/(e^ℓ - 1), so with h = ℓ/2 and the even function
// L(h) = log(sinh h / h),
//
//	log p(x) = ℓ(x - ½) - L(ℓ/2)        ∂/∂x = ℓ    ∂/∂ℓ = x - E[x]
//	E[x] = ½ + ½Λ(ℓ/2)                  Λ(h) = coth h - 1/h = L'(h)
//	Var[x] = ¼Λ'(ℓ/2)                   H = L(h) - hΛ(h)
//	F(x) = expm1(ℓx)/expm1(ℓ)           F⁻¹(u) = log1p(u·expm1(ℓ))/ℓ
//
// and ∂/∂λ = ∂/∂ℓ / (λ(1-λ)). torch 1.13 evaluates these in λ, clamps λ to
// [eps, 1-eps], and inside its band λ ∈ (0.499, 0.501] (lims) replaces the
// normaliser and the moments by Taylor polynomials and the CDF and ICDF by
// the identity, which is off by up to 5e-4 there. Here each is evaluated in
// ℓ, by the power series in h² near ℓ = 0 (|ℓ| ≤ 2) and by the closed forms
// above, rearranged not to cancel or overflow, elsewhere: exact everywhere,
// so no band (and no lims argument) is needed. probs 0 and 1 (logits ∓Inf)
// are the point masses at 0 and 1 that the family tends to. Values outside
// [0, 1] (only without validation) score -Inf, where torch extends its
// formula; where log p(x) is infinite, its partials are 0.
//
// ContinuousBernoulli is reparameterised: x = F⁻¹(U), U ~ U[0, 1).
type ContinuousBernoulli struct {
	elementwise
	logits bool // parameterised by logits rather than probs
}

// NewContinuousBernoulli returns the continuous Bernoullis with parameter
// probs; when validating, every probs lies in [0, 1].
func NewContinuousBernoulli(probs *tensor.Dense, opts ...Option) (*ContinuousBernoulli, error) {
	return newContinuousBernoulli(probs, false, opts)
}

// NewContinuousBernoulliLogits returns the continuous Bernoullis with
// parameter logits; when validating, no logit is NaN.
func NewContinuousBernoulliLogits(logits *tensor.Dense, opts ...Option) (*ContinuousBernoulli, error) {
	return newContinuousBernoulli(logits, true, opts)
}

func newContinuousBernoulli(param *tensor.Dense, logits bool, opts []Option) (*ContinuousBernoulli, error) {
	const family = "continuous_bernoulli"
	cfg := newConfig(opts)
	name, ok, rule, k32, k64 := "probs", isUnit, "in [0, 1]", cbProbsKernel[float32], cbProbsKernel[float64]
	if logits {
		name, ok, rule, k32, k64 = "logits", isReal, "real", cbLogitsKernel[float32], cbLogitsKernel[float64]
	}
	e, err := newElementwise(family, []string{name}, []*tensor.Dense{param}, cfg)
	if err != nil {
		return nil, err
	}
	if cfg.validate {
		if err := check(family, name, rule, param, ErrParam, ok); err != nil {
			return nil, err
		}
	}
	e.k32, e.k64 = k32, k64
	e.support, e.rule = isUnit, "in [0, 1]"
	return &ContinuousBernoulli{elementwise: e, logits: logits}, nil
}

// Expand returns the distributions broadcast to batch, sharing the parameter.
func (d *ContinuousBernoulli) Expand(batch []int) (Distribution, error) {
	e, err := d.expand(batch)
	if err != nil {
		return nil, err
	}
	return &ContinuousBernoulli{elementwise: e, logits: d.logits}, nil
}

// Probs returns λ (computed from the logits if those were given).
func (d *ContinuousBernoulli) Probs() *tensor.Dense {
	if !d.logits {
		return d.params[0]
	}
	return d.stat(func(p []float64) float64 { return tensor.Sigmoid(p[0]) })
}

// Logits returns ℓ = log(λ/(1-λ)) (computed from probs if those were
// given; ∓Inf at probs 0 and 1).
func (d *ContinuousBernoulli) Logits() *tensor.Dense {
	if d.logits {
		return d.params[0]
	}
	return d.stat(func(p []float64) float64 { return cbLogit(p[0]) })
}

// ell returns ℓ from the parameter value v.
func (d *ContinuousBernoulli) ell(v float64) float64 {
	if d.logits {
		return v
	}
	return cbLogit(v)
}

// cbLogit is log(p/(1-p)) to a few ulps: near ½, where log p - log1p(-p)
// would cancel, as log1p((2p-1)/(1-p)), in which 2p-1 is exact.
func cbLogit(p float64) float64 {
	if p >= 0.25 && p <= 0.75 {
		return math.Log1p((2*p - 1) / (1 - p))
	}
	return tensor.Log(p) - math.Log1p(-p)
}

// cbSeries are b_n = 2^(2n)·B_2n/(2n)!, n = 1…20 (B Bernoulli numbers;
// mpmath, 21 digits): Λ(h) = coth h - 1/h = Σ b_n h^(2n-1) for |h| < π
// (Abramowitz & Stegun 4.5.67). At |h| ≤ 1 the terms fall by about 1/π²
// each, so 20 reach 1e-19 of the first. The other series are Λ's
// derivative, its integral L and L - hΛ, term by term.
var cbSeries = [20]float64{
	3.33333333333333333333e-1, -2.22222222222222222222e-2, 2.11640211640211640212e-3,
	-2.11640211640211640212e-4, 2.13777991555769333547e-5, -2.16440428080639720851e-6,
	2.19259478518737777997e-7, -2.22146087899796790761e-8, 2.25078465168089928542e-9,
	-2.28051512045921828659e-10, 2.31064325990026240965e-11, -2.34117068198248839592e-12,
	2.3721017400233654295e-13, -2.40344153333077061791e-14, 2.43519540291833687311e-15,
	-2.46736880451720747059e-16, 2.49996727712208089799e-17, -2.53299643574063483152e-18,
	2.56646197028262866112e-19, -2.60036964601372735886e-20,
}

var (
	// cbLogSinhc are the coefficients b_n/(2n) of L(h)/h² in h².
	cbLogSinhc = cbCoefs(func(n float64) float64 { return 1 / (2 * n) })
	// cbEntropy are those of H(h)/h² = (L - hΛ)/h², b_n(1/(2n) - 1).
	cbEntropy = cbCoefs(func(n float64) float64 { return 1/(2*n) - 1 })
	// cbLangevinD are those of Λ'(h), b_n(2n-1).
	cbLangevinD = cbCoefs(func(n float64) float64 { return 2*n - 1 })
)

func cbCoefs(f func(n float64) float64) [20]float64 {
	var c [20]float64
	for i := range c {
		c[i] = cbSeries[i] * f(float64(i+1))
	}
	return c
}

// cbHorner returns Σ c[i]·t^i by Horner's rule in t², even and odd terms
// apart: two independent chains of 10 steps, which run in about the time
// of one (measured 1.6× faster than a single chain of 20).
func cbHorner(c *[20]float64, t float64) float64 {
	t2 := t * t
	e, o := 0.0, 0.0
	for i := len(c) - 2; i >= 0; i -= 2 {
		e = e*t2 + c[i]
		o = o*t2 + c[i+1]
	}
	return e + t*o
}

// cbLogP is log p(x) = ℓ(x - c) + k, exact for x in [0, 1]:
//
//	|ℓ| ≤ 2: c = ½, k = -L(ℓ/2) by its series
//	ℓ > 2:   c = 1, k = log ℓ - log1p(-e^-ℓ)      (= -L(ℓ/2) + ℓ/2)
//	ℓ < -2:  c = 0, k = log|ℓ| - log1p(-e^ℓ)
//
// so that ℓ(x - ½) and -L never cancel at large |ℓ|.
type cbLogP struct{ l, c, k float64 }

func newCBLogP(l float64) cbLogP {
	a := math.Abs(l)
	if a <= 2 {
		h := l / 2
		return cbLogP{l: l, c: 0.5, k: 0 - h*h*cbHorner(&cbLogSinhc, h*h)} // 0 - : +0, not -0, at ℓ = 0
	}
	k := tensor.Log(a) - math.Log1p(-math.Exp(-a))
	if l > 0 {
		return cbLogP{l: l, c: 1, k: k}
	}
	return cbLogP{l: l, c: 0, k: k}
}

// at returns log p(x): -Inf off [0, 1]; for ℓ = ±Inf (the point masses)
// +Inf at the mass and -Inf elsewhere.
func (q cbLogP) at(x float64) float64 {
	switch {
	case x != x:
		return x
	case x < 0 || x > 1:
		return math.Inf(-1)
	case math.IsInf(q.l, 0):
		if x == 1 && q.l > 0 || x == 0 && q.l < 0 {
			return math.Inf(1)
		}
		return math.Inf(-1)
	}
	return q.l*(x-q.c) + q.k
}

// cbMean is E[x] = ½ + ½Λ(ℓ/2): the series for |ℓ| ≤ 2, else
// 1 - 1/ℓ + 1/expm1(ℓ) (ℓ > 2) or 1/|ℓ| - 1/expm1(|ℓ|) (ℓ < -2), which keep
// their relative precision as E[x] tends to 1 or 0.
func cbMean(l float64) float64 {
	a := math.Abs(l)
	switch {
	case l != l:
		return l
	case a <= 2:
		h := l / 2
		return 0.5 + 0.5*h*cbHorner(&cbSeries, h*h)
	case l > 0:
		return 1 - 1/a + 1/tensor.Expm1(a)
	}
	return 1/a - 1/tensor.Expm1(a)
}

// cbVariance is ¼Λ'(ℓ/2) = 1/ℓ² - 1/(4·sinh²(ℓ/2)), by the series for
// |ℓ| ≤ 2; else written with q = e^-|ℓ| as 1/ℓ² - q/(1-q)², which does not
// overflow.
func cbVariance(l float64) float64 {
	a := math.Abs(l)
	if a <= 2 {
		h := l / 2
		return 0.25 * cbHorner(&cbLangevinD, h*h)
	}
	q := math.Exp(-a)
	em := math.Expm1(-a)
	return 1/(a*a) - q/(em*em)
}

// cbEntropyOf is H = L(h) - hΛ(h), h = ℓ/2, by the series for |ℓ| ≤ 2;
// else, with a = |ℓ|, 1 - log a + log1p(-e^-a) - a/expm1(a), where the
// terms of size a in L and hΛ have cancelled analytically. -Inf at ℓ = ±Inf.
func cbEntropyOf(l float64) float64 {
	a := math.Abs(l)
	switch {
	case l == 0:
		return 0 // not -0
	case a <= 2:
		h := l / 2
		return h * h * cbHorner(&cbEntropy, h*h)
	case math.IsInf(a, 1):
		return math.Inf(-1)
	}
	return 1 - tensor.Log(a) + math.Log1p(-math.Exp(-a)) - a/tensor.Expm1(a)
}

// cbCDF is F(x) = expm1(ℓx)/expm1(ℓ), 0 at or below 0 and 1 at or above 1
// (torch's convention); for ℓ > 700, where expm1(ℓ) would overflow,
// e^(ℓ(x-1))·expm1(-ℓx)/expm1(-ℓ).
func cbCDF(x, l float64) float64 {
	switch {
	case x != x || l != l:
		return math.NaN()
	case x <= 0:
		return 0
	case x >= 1:
		return 1
	case math.Abs(l) < 1e-18: // F = x(1 + ℓ(x-1)/2 + O(ℓ²))
		return x
	case l <= 700:
		return math.Expm1(l*x) / math.Expm1(l)
	}
	return math.Exp(l*(x-1)) * math.Expm1(-l*x) / math.Expm1(-l)
}

// cbICDF is the quantile function F⁻¹(u) = log(w)/ℓ, w = 1 + u·expm1(ℓ),
// NaN outside [0, 1]. log w is log1p(u·expm1(ℓ)) except where w is small
// (ℓ < 0, u near 1), where it is log((1-u) + u·e^ℓ), 1-u being exact there,
// and for ℓ > 700, where it is ℓ + log(u + (1-u)e^-ℓ).
func cbICDF(u, l float64) float64 {
	switch {
	case !(u >= 0 && u <= 1) || l != l:
		return math.NaN()
	case u == 0:
		return 0
	case u == 1:
		return 1
	case math.Abs(l) < 1e-18:
		return u
	case l > 700:
		return 1 + tensor.Log(u+(1-u)*math.Exp(-l))/l
	}
	y := u * math.Expm1(l)
	if y >= -0.5 {
		return math.Log1p(y) / l
	}
	return tensor.Log((1-u)+u*math.Exp(l)) / l
}

func cbProbsKernel[T tensor.Float](a *kargs[T])  { cbKernel(a, false) }
func cbLogitsKernel[T tensor.Float](a *kargs[T]) { cbKernel(a, true) }

// cbKernel is ContinuousBernoulli's one numerical path; operands (out, x,
// probs or logits). Where log p(x) is infinite (x off [0, 1], or probs 0
// or 1) the partials are 0.
func cbKernel[T tensor.Float](a *kargs[T], logits bool) {
	x, th := a.in[0], a.in[1]
	// coef returns the log density's coefficients, E[x] when gradients are
	// wanted, and dℓ/dθ.
	coef := func(v float64) (cbLogP, float64, float64) {
		l, dl := v, 1.0
		if !logits {
			l, dl = cbLogit(v), 1/(v*(1-v))
		}
		m := 0.0
		if a.grad != nil {
			m = cbMean(l)
		}
		return newCBLogP(l), m, dl
	}
	for r := range a.p.RunsIn(a.lo, a.hi) {
		o, ox, op, sx, sp := r.Off[0], r.Off[1], r.Off[2], r.Step[1], r.Step[2]
		q, m, dl := coef(float64(th[op])) // hoisted: once per run when the parameter is broadcast
		for i := range r.N {
			if sp != 0 && i > 0 {
				q, m, dl = coef(float64(th[op+i*sp]))
			}
			xv := float64(x[ox+i*sx])
			lp := q.at(xv)
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
			if math.IsInf(lp, 0) {
				continue
			}
			if g := a.grad[0]; g != nil {
				g[ox+i*sx] += w * q.l
			}
			if g := a.grad[1]; g != nil {
				g[op+i*sp] += w * (xv - m) * dl
			}
		}
	}
}

// RSample draws sampleShape+BatchShape() values F⁻¹(U), U ~ U[0, 1) from
// the seeded block streams (torch: icdf(rand)).
func (d *ContinuousBernoulli) RSample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	if d.dtype == tensor.Float32 {
		return cbDraw[float32](d, src, sampleShape)
	}
	return cbDraw[float64](d, src, sampleShape)
}

// Sample is RSample for ContinuousBernoulli.
func (d *ContinuousBernoulli) Sample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	return d.RSample(src, sampleShape...)
}

func cbDraw[T tensor.Float](d *ContinuousBernoulli, src rand.Source, sampleShape []int) (*tensor.Dense, error) {
	return draw(&d.elementwise, src, sampleShape, func(r *rand.Rand, run shape.Run, dst []T, in [][]T) {
		par, op, sp := in[0], run.Off[1], run.Step[1]
		l := d.ell(float64(par[op])) // hoisted: once per run when the parameter is broadcast
		out := dst[run.Off[0] : run.Off[0]+run.N]
		for i := range out {
			if sp != 0 {
				l = d.ell(float64(par[op+i*sp]))
			}
			out[i] = T(cbICDF(r.Float64(), l))
		}
	})
}

// Mean is E[x] = λ/(2λ-1) + 1/(2·atanh(1-2λ)), ½ at λ = ½.
func (d *ContinuousBernoulli) Mean() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return cbMean(d.ell(p[0])) })
}

// Variance is λ(λ-1)/(1-2λ)² + 1/(2·atanh(1-2λ))², 1/12 at λ = ½.
func (d *ContinuousBernoulli) Variance() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return cbVariance(d.ell(p[0])) })
}

// StdDev is √Variance.
func (d *ContinuousBernoulli) StdDev() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return math.Sqrt(cbVariance(d.ell(p[0]))) })
}

// Entropy is -E[log p(x)] = L(ℓ/2) - (ℓ/2)Λ(ℓ/2): 0 at λ = ½ (the uniform),
// negative elsewhere.
func (d *ContinuousBernoulli) Entropy() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return cbEntropyOf(d.ell(p[0])) })
}

// CDF is F(x) = (λ^x(1-λ)^(1-x) + λ - 1)/(2λ - 1), x at λ = ½; 0 at or
// below 0 and 1 at or above 1.
func (d *ContinuousBernoulli) CDF(x Value) (*tensor.Dense, error) {
	return d.pointwise(x, "cdf", false, func(x float64, p []float64) float64 {
		return cbCDF(x, d.ell(p[0]))
	})
}

// ICDF is the quantile function F⁻¹(u), u in [0, 1] when validating (NaN
// outside it otherwise).
func (d *ContinuousBernoulli) ICDF(u Value) (*tensor.Dense, error) {
	return d.pointwise(u, "icdf", true, func(u float64, p []float64) float64 {
		return cbICDF(u, d.ell(p[0]))
	})
}

// String is a torch-style summary of the distribution, for logs and messages.
func (d *ContinuousBernoulli) String() string {
	return fmt.Sprintf("ContinuousBernoulli(batch_shape=%s)", shape.Format(d.batch))
}

func init() {
	RegisterShapes("ContinuousBernoulli", GenericShapes("continuous_bernoulli", map[string]int{"probs": 0, "logits": 0}))
	Register("ContinuousBernoulli", func(s *Spec, opts ...Option) (Distribution, error) {
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
			return nil, fmt.Errorf("continuous_bernoulli: give exactly one of probs and logits: %w", ErrParam)
		case okP:
			return NewContinuousBernoulli(probs, opts...)
		}
		return NewContinuousBernoulliLogits(logits, opts...)
	})
}
