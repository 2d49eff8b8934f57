package distributions

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Gamma is a batch of gamma distributions on [0, ∞) with shape
// (concentration) α and rate β (torch.distributions.Gamma):
//
//	log p(x) = α·log β + (α-1)·log x - βx - log Γ(α)
//	∂/∂x = (α-1)/x - β    ∂/∂α = log β + log x - ψ(α)    ∂/∂β = α/β - x
//
// with 0·log 0 = 0 (torch's xlogy), so that at x = 0 the density is +Inf
// for α < 1, β for α = 1 and 0 for α > 1, and -Inf below the support
// (where torch 1.13 gives NaN; reached only without validation). Gamma is
// reparameterised: x = s/β, s a standard gamma draw, whose gradient in α is
// the implicit one (RSampleVJP).
//
// LogProb keeps log Γ(α) and log β from its first call (the parameters are
// never written). It sums in float64; for float32 values log x is the
// float32 kernel's, within an ulp, so that log p is within 2^-23·|(α-1)·log
// x| of the float64 path's plus its own rounding (torch's float32 path
// computes every term, log Γ included, in float32).
type Gamma struct{ elementwise }

// NewGamma returns the gammas with shape concentration and rate rate; when
// validating, both are > 0.
func NewGamma(concentration, rate *tensor.Dense, opts ...Option) (*Gamma, error) {
	cfg := newConfig(opts)
	e, err := newElementwise("gamma", []string{"concentration", "rate"}, []*tensor.Dense{concentration, rate}, cfg)
	if err != nil {
		return nil, err
	}
	if cfg.validate {
		if err := check("gamma", "concentration", "> 0", concentration, ErrParam, isPositive); err != nil {
			return nil, err
		}
		if err := check("gamma", "rate", "> 0", rate, ErrParam, isPositive); err != nil {
			return nil, err
		}
	}
	e.k32, e.k64 = gammaKernels(concentration, rate)
	e.support, e.rule = isNonNegative, ">= 0" // torch 1.13: constraints.nonnegative
	return &Gamma{e}, nil
}

// Expand returns the gammas broadcast to batch, sharing the parameters.
func (d *Gamma) Expand(batch []int) (Distribution, error) {
	e, err := d.expand(batch)
	if err != nil {
		return nil, err
	}
	return &Gamma{e}, nil
}

// Concentration is the shape parameter α, as given.
func (d *Gamma) Concentration() *tensor.Dense { return d.params[0] }

// Rate is the rate parameter β, as given.
func (d *Gamma) Rate() *tensor.Dense { return d.params[1] }

// gammaStirlingMin is the concentration from which log p and the entropy
// are formed with Stirling's series instead of log Γ(α), whose subtraction
// from α·log(βx) would cancel (at α = 1e4 the terms are near 9e4 and
// torch's formula loses 1e-11 absolute).
const gammaStirlingMin = 10

// gammaNorm returns the α-dependent constant of gammaLogP: log Γ(α) below
// gammaStirlingMin, else ½·log(α/(2π)) - δ(α), δ Stirling's remainder.
func gammaNorm(a float64) float64 {
	if a >= gammaStirlingMin && !math.IsInf(a, 1) {
		return 0.5*tensor.Log(a/(2*math.Pi)) - tensor.LgammaCorrection(a)
	}
	return tensor.Lgamma(a)
}

// gammaLogP is log p(x) given α, β and gammaNorm(α). Below gammaStirlingMin
// it is torch's formula with xlogy, exact at x = 0; from there on, with
// y = βx and log Γ(α) = (α-½)·log α - α + log√(2π) + δ(α),
//
//	log p = ½·log(α/(2π)) - δ(α) + α·log1pmx((y-α)/α) - log x,
//
// which subtracts nothing large (log1pmx(t) = log(1+t) - t; for y < α/2,
// α·(log(y/α) - t)). -Inf below the support.
func gammaLogP(x, a, b, norm float64) float64 {
	if x < 0 || math.IsInf(x, 1) && b > 0 { // e^(-βx) wins over x^(α-1) at ∞ (torch: NaN for α > 1)
		return math.Inf(-1)
	}
	if a >= gammaStirlingMin && !math.IsInf(a, 1) {
		y := b * x
		switch {
		case y >= a/2 && y <= math.MaxFloat64:
			return norm + a*tensor.Log1pmx((y-a)/a) - tensor.Log(x)
		case y >= 0x1p-1022:
			// y < α/2: log1p(t) = log(y/α), t = (y-α)/α near -1 would lose
			// y's relative precision in 1+t; the terms cancel little here.
			r := y / a
			lr := tensor.Log(r)
			if r < 0x1p-1022 { // y/α subnormal: keep the logs apart
				lr = tensor.Log(y) - tensor.Log(a)
			}
			return norm + a*lr + (a - y) - tensor.Log(x)
		}
		// βx under- or overflows (reached only with extreme parameters):
		// torch's formula, which keeps log β and log x apart.
		return tensor.XLogY(a, b) + tensor.XLogY(a-1, x) - y - tensor.Lgamma(a)
	}
	return tensor.XLogY(a, b) + tensor.XLogY(a-1, x) - b*x - norm
}

// gammaKernel is Gamma's one numerical path; operands (out, x,
// concentration, rate). Without gradients it takes gammaNorm(α) and log β
// from c and log x from tensor.LogSlice, logChunk elements at a time
// (gammaValues); with them it is a scalar loop in float64.
func gammaKernel[T tensor.Float](a *kargs[T], c *gammaConsts) {
	if a.grad == nil {
		norm, logRate := c.norm.of(c.conc, gammaNorm), c.logRate.of(c.rate, tensor.Log)
		for r := range a.p.RunsIn(a.lo, a.hi) {
			for j := 0; j < r.N; j += logChunk {
				gammaValues(a, r, j, min(logChunk, r.N-j), norm, logRate)
			}
		}
		return
	}
	x, cn, rt := a.in[0], a.in[1], a.in[2]
	// gammaNorm and ψ once per distinct α: hoisted when α is broadcast.
	lastA, norm, psi := math.NaN(), math.NaN(), math.NaN()
	for r := range a.p.RunsIn(a.lo, a.hi) {
		o, ox, oa, ob := r.Off[0], r.Off[1], r.Off[2], r.Off[3]
		sx, sa, sb := r.Step[1], r.Step[2], r.Step[3]
		for i := range r.N {
			xv, al, be := float64(x[ox+i*sx]), float64(cn[oa+i*sa]), float64(rt[ob+i*sb])
			if al != lastA {
				lastA, norm = al, gammaNorm(al)
				if a.grad[1] != nil {
					psi = tensor.Digamma(al)
				}
			}
			var lp, lx, lb float64
			if al < gammaStirlingMin && xv > 0 && xv <= math.MaxFloat64 && be > 0 && be <= math.MaxFloat64 {
				// gammaLogP's XLogY terms, equal to these products where
				// both logs are finite; the logs serve ∂/∂α below.
				lx, lb = tensor.Log(xv), tensor.Log(be)
				lp = al*lb + (al-1)*lx - be*xv - norm
			} else {
				lp = gammaLogP(xv, al, be, norm)
				lx, lb = tensor.Log(xv), tensor.Log(be)
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
			if xv < 0 { // log p is the constant -Inf around x: flat
				continue
			}
			if g := a.grad[0]; g != nil {
				g[ox+i*sx] += w * gammaDLogPDx(xv, al, be)
			}
			if g := a.grad[1]; g != nil {
				g[oa+i*sa] += w * (lb + lx - psi)
			}
			if g := a.grad[2]; g != nil {
				g[ob+i*sb] += w * (al/be - xv)
			}
		}
	}
}

// gammaDLogPDx is ∂log p/∂x = (α-1)/x - β, which is -β at α = 1 also at
// x = 0 (the exponential density's slope there).
func gammaDLogPDx(x, a, b float64) float64 {
	if a == 1 {
		return -b
	}
	return (a-1)/x - b
}

// RSample draws sampleShape+BatchShape() values s/β, s ~ Gamma(α, 1) by
// standardGamma, raised to the smallest normal number of the dtype as
// torch clamps them (so that log x stays finite); RSampleVJP gives the
// gradients.
func (d *Gamma) RSample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	if d.dtype == tensor.Float32 {
		return gammaDraw[float32](&d.elementwise, src, sampleShape, 0)
	}
	return gammaDraw[float64](&d.elementwise, src, sampleShape, 0)
}

// Sample is RSample for Gamma.
func (d *Gamma) Sample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	return d.RSample(src, sampleShape...)
}

// gammaDraw fills sampleShape+batch with max(s/β, tiny), s ~ Gamma(α, 1),
// for Gamma (fixedRate 0: α and β are the two parameters) and Chi2
// (fixedRate ½: α = df/2 is the one parameter).
func gammaDraw[T tensor.Float](e *elementwise, src rand.Source, sampleShape []int, fixedRate float64) (*tensor.Dense, error) {
	tiny := gammaTiny[T]()
	return draw(e, src, sampleShape, func(r *rand.Rand, run shape.Run, dst []T, in [][]T) {
		out := dst[run.Off[0] : run.Off[0]+run.N]
		for i := range out {
			al, be := float64(in[0][run.Off[1]+i*run.Step[1]]), fixedRate
			if fixedRate == 0 {
				be = float64(in[1][run.Off[2]+i*run.Step[2]])
			} else {
				al *= 0.5
			}
			v := T(standardGamma(r, al) / be)
			if v < tiny { // torch: clamp(min=finfo.tiny); NaN stays NaN
				v = tiny
			}
			out[i] = v
		}
	})
}

// gammaTiny is the smallest positive normal number of T (torch's
// finfo(dtype).tiny).
func gammaTiny[T tensor.Float]() T {
	var z T
	if _, ok := any(z).(float32); ok {
		return T(math.Float32frombits(0x00800000))
	}
	return T(0x1p-1022)
}

// RSampleVJP gives ∂L/∂β = Σ g·(-x/β) and ∂L/∂α = Σ g·(∂s/∂α)/β for draws
// x = s/β of RSample, with ∂s/∂α = -(∂P/∂α)(α, s)/f(s; α), the implicit
// reparameterisation gradient of the standard gamma (Figurnov et al. 2018),
// exact to about 1e-12 (tensor.StandardGammaGrad) where torch's
// approximation is good to about 5e-4. Where neither parameter broadcasts
// the terms are written directly (implicitPathwiseFlat).
func (d *Gamma) RSampleVJP(x, upstream Value) (map[string]*tensor.Dense, error) {
	return d.implicitRSampleVJP(x, upstream, gammaPartials)
}

// Mean is α/β.
func (d *Gamma) Mean() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return p[0] / p[1] })
}

// Mode is max(α-1, 0)/β (torch clamps it at 0 for α < 1, where the density
// is unbounded at 0).
func (d *Gamma) Mode() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return math.Max(p[0]-1, 0) / p[1] })
}

// StdDev is √α/β.
func (d *Gamma) StdDev() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return math.Sqrt(p[0]) / p[1] })
}

// Variance is α/β².
func (d *Gamma) Variance() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return p[0] / (p[1] * p[1]) })
}

// Entropy is α - log β + log Γ(α) + (1-α)ψ(α); from gammaStirlingMin on,
// where those terms cancel, the equal
//
//	½·log(2πα) - log β + ½ - 1/(2α) + δ(α) + (α-1)·ε(α)
//
// from Stirling's series for log Γ (remainder δ) and ψ(α) = log α - 1/(2α)
// - ε(α) (A&S 6.3.18).
func (d *Gamma) Entropy() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return gammaEntropy(p[0], p[1]) })
}

func gammaEntropy(a, b float64) float64 {
	if a >= gammaStirlingMin && !math.IsInf(a, 1) {
		return 0.5*tensor.Log(2*math.Pi*a) - tensor.Log(b) + 0.5 - 0.5/a +
			tensor.LgammaCorrection(a) + (a-1)*gammaDigammaRem(a)
	}
	h := a - tensor.Log(b) + tensor.Lgamma(a)
	if a != 1 { // (1-α)ψ(α) is 0 at α = 1
		h += (1 - a) * tensor.Digamma(a)
	}
	return h
}

// gammaDigammaRem returns ε(a) = log a - 1/(2a) - ψ(a) for a ≥ 10 from its
// asymptotic series Σ_{k=1..8} B_2k/(2k·a^2k) (A&S 6.3.18; the first
// omitted term is below 2e-18 relative at a = 10).
func gammaDigammaRem(a float64) float64 {
	z := 1 / (a * a)
	return z * (1.0/12 + z*(-1.0/120+z*(1.0/252+z*(-1.0/240+z*(1.0/132+
		z*(-691.0/32760+z*(1.0/12+z*(-3617.0/8160))))))))
}

// ConjugateUpdate is Pyro's Gamma.conjugate_update: for other a Gamma (or
// a Chi2, which torch derives from Gamma) it returns
// Gamma(α+α'-1, β+β') and the log normaliser A(f) + A(g) - A(fg), shaped
// the updated batch shape, with A(α, β) = α·log β - log Γ(α) (pyro-semantics
// §2.7). The update is validated as d is.
func (d *Gamma) ConjugateUpdate(other Distribution) (Distribution, *tensor.Dense, error) {
	var ga, gb *tensor.Dense
	switch o := other.(type) {
	case *Gamma:
		ga, gb = o.params[0], o.params[1]
	case *Chi2:
		ga, gb = chi2Concentration(o), nil
	default:
		return nil, nil, fmt.Errorf("gamma: conjugate update with %T: %w", other, ErrUnsupported)
	}
	if ga.Dtype() != d.dtype {
		return nil, nil, fmt.Errorf("gamma: conjugate update of %v with %v: %w", d.dtype, ga.Dtype(), ErrDType)
	}
	if d.dtype == tensor.Float32 {
		return gammaConjugate[float32](d, ga, gb)
	}
	return gammaConjugate[float64](d, ga, gb)
}

// gammaConjugate forms the update of d with Gamma(ga, gb), gb nil meaning
// the rate ½ of a Chi2.
func gammaConjugate[T tensor.Float](d *Gamma, ga, gb *tensor.Dense) (Distribution, *tensor.Dense, error) {
	if gb == nil {
		gb, _ = tensor.Full(T(0.5))
	}
	out, err := shape.Broadcast(d.batch, tensor.ShapeOf(ga), tensor.ShapeOf(gb))
	if err != nil {
		return nil, nil, fmt.Errorf("gamma: conjugate update: %w", err)
	}
	var ops [4][]T
	for i, v := range []*tensor.Dense{d.params[0], d.params[1], ga, gb} {
		b, err := tensor.BroadcastTo[T](v, out)
		if err != nil {
			return nil, nil, fmt.Errorf("gamma: conjugate update: %w", err)
		}
		ops[i], _ = tensor.Floats[T](b)
	}
	na, ca := tensor.Alloc[T](out)
	nb, cb := tensor.Alloc[T](out)
	ln, cl := tensor.Alloc[T](out)
	logNorm := func(a, b float64) float64 { return a*tensor.Log(b) - tensor.Lgamma(a) }
	for i := range ca {
		a1, b1, a2, b2 := float64(ops[0][i]), float64(ops[1][i]), float64(ops[2][i]), float64(ops[3][i])
		ca[i], cb[i] = ops[0][i]+ops[2][i]-1, ops[1][i]+ops[3][i]
		cl[i] = T(logNorm(a1, b1) + logNorm(a2, b2) - logNorm(float64(ca[i]), float64(cb[i])))
	}
	updated, err := NewGamma(na, nb, WithValidation(d.validate))
	if err != nil {
		return nil, nil, fmt.Errorf("gamma: conjugate update: %w", err)
	}
	return updated, ln, nil
}

// String is a torch-style summary of the distribution, for logs and messages.
func (d *Gamma) String() string {
	return fmt.Sprintf("Gamma(batch_shape=%s)", shape.Format(d.batch))
}

func init() {
	RegisterShapes("Gamma", GenericShapes("gamma", map[string]int{"concentration": 0, "rate": 0}))
	Register("Gamma", func(s *Spec, opts ...Option) (Distribution, error) {
		if err := s.Known("concentration", "rate"); err != nil {
			return nil, err
		}
		c, okC, err := s.Tensor("concentration")
		if err != nil {
			return nil, err
		}
		r, okR, err := s.Tensor("rate")
		if err != nil {
			return nil, err
		}
		if !okC || !okR {
			return nil, fmt.Errorf("gamma: concentration and rate are required: %w", ErrParam)
		}
		return NewGamma(c, r, opts...)
	})
}
