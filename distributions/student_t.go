package distributions

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// StudentT is a batch of Student's t distributions with df degrees of
// freedom ν, location Loc and scale Scale broadcast together
// (torch.distributions.StudentT; loc defaults to 0 and scale to 1):
//
//	log p(x) = -(ν+1)/2·log1p(z²/ν) - log σ - K(ν),   z = (x-μ)/σ,
//	K(ν) = ½·log ν + log B(½, ν/2)
//	∂/∂x = -(ν+1)z/(σ(ν+z²))    ∂/∂μ = -∂/∂x    ∂/∂σ = ν(z²-1)/(σ(ν+z²))
//	∂/∂ν = ½[log1p(-u) + u + u/ν + ψ((ν+1)/2) - ψ(ν/2) - 1/ν],   u = z²/(ν+z²)
//
// Every term stays of the size of the result as ν grows: log p tends to the
// normal log density without the cancellation of torch's ½·log ν against
// log B(½, ν/2) (studentTNorm), and ν = +Inf is the normal itself. The mean
// is NaN for ν ≤ 1 and the variance +Inf for 1 < ν ≤ 2 and NaN for ν ≤ 1,
// as torch returns them.
//
// StudentT is reparameterised: x = μ + σ·Z/√(V/ν), Z ~ N(0, 1), V ~ χ²(ν);
// RSampleVJP gives the pathwise gradient.
type StudentT struct{ elementwise }

// NewStudentT returns the t distributions with df degrees of freedom,
// location loc and scale scale, which must broadcast and share a floating
// dtype; a nil loc is 0 and a nil scale 1 (torch's defaults). When
// validating, every df > 0, loc is not NaN and every scale > 0.
func NewStudentT(df, loc, scale *tensor.Dense, opts ...Option) (*StudentT, error) {
	cfg := newConfig(opts)
	if !tensor.IsNil(df) && tensor.IsFloat(df.Dtype()) {
		if tensor.IsNil(loc) {
			loc = studentTConst(df, 0)
		}
		if tensor.IsNil(scale) {
			scale = studentTConst(df, 1)
		}
	}
	e, err := newElementwise("student_t", []string{"df", "loc", "scale"}, []*tensor.Dense{df, loc, scale}, cfg)
	if err != nil {
		return nil, err
	}
	if cfg.validate {
		if err := check("student_t", "df", "> 0", df, ErrParam, isPositive); err != nil {
			return nil, err
		}
		if err := check("student_t", "loc", "real", loc, ErrParam, isReal); err != nil {
			return nil, err
		}
		if err := check("student_t", "scale", "> 0", scale, ErrParam, isPositive); err != nil {
			return nil, err
		}
	}
	e.k32, e.k64 = studentTKernel[float32], studentTKernel[float64]
	e.support, e.rule = isReal, "real"
	return &StudentT{e}, nil
}

// studentTConst is a 0-d array v in like's dtype.
func studentTConst(like *tensor.Dense, v float64) *tensor.Dense {
	if like.Dtype() == tensor.Float32 {
		return tensor.Scalar(float32(v))
	}
	return tensor.Scalar(v)
}

// Expand returns the distributions broadcast to batch, sharing the
// parameters.
func (d *StudentT) Expand(batch []int) (Distribution, error) {
	e, err := d.expand(batch)
	if err != nil {
		return nil, err
	}
	return &StudentT{e}, nil
}

// DF is the degrees of freedom, as given.
func (d *StudentT) DF() *tensor.Dense { return d.params[0] }

// Loc is the location, as given (or the default 0).
func (d *StudentT) Loc() *tensor.Dense { return d.params[1] }

// Scale is the scale, as given (or the default 1).
func (d *StudentT) Scale() *tensor.Dense { return d.params[2] }

// studentTStirlingMin is the ν from which K(ν) and ψ((ν+1)/2) - ψ(ν/2) are
// formed from Stirling's series (ν/2 ≥ 10, where tensor.LgammaCorrection
// and gammaDigammaRem hold).
const studentTStirlingMin = 20

// studentTNorm returns K(ν) = ½·log ν + log B(½, ν/2). For ν ≥ 20, with
// a = ν/2, t = 1/ν and Stirling's log Γ(a) = (a-½)·log a - a + log√(2π)
// + δ(a),
//
//	K(ν) = log√(2π) - log1pmx(t)/(2t) + δ(a) - δ(a+½),
//
// in which the terms ±½·log ν have cancelled analytically (torch's sum
// loses |log ν|·ε absolute: 1e-13 at ν = 1e300); K(∞) = log√(2π).
func studentTNorm(nu float64) float64 {
	switch {
	case math.IsInf(nu, 1):
		return halfLog2Pi
	case nu >= studentTStirlingMin:
		a, t := nu/2, 1/nu
		return halfLog2Pi - tensor.Log1pmx(t)/(2*t) + (tensor.LgammaCorrection(a) - tensor.LgammaCorrection(a+0.5))
	}
	return 0.5*tensor.Log(nu) + tensor.Lbeta(0.5, nu/2)
}

// studentTDigammaGap returns ψ((ν+1)/2) - ψ(ν/2) - 1/ν, which is O(1/ν²)
// for large ν, as a sum of positive terms. With a = ν/2 and g(a) = ψ(a+½)
// - ψ(a) - 1/(2a), the recurrence ψ(x+1) = ψ(x) + 1/x gives
//
//	g(a) = g(a+1) + 1/(4a(a+½)(a+1)),
//
// which moves a up to y ≥ 10; there, with ψ(y) = log y - 1/(2y) - ε(y)
// (A&S 6.3.18) and t = 1/(2y), g(y) = -log1pmx(-t/(1+t)) + ε(y) - ε(y+½).
// (The difference of two ψ near ν = 20 would lose a factor 40.)
func studentTDigammaGap(nu float64) float64 {
	switch {
	case math.IsInf(nu, 1):
		return 0
	case !(nu > 0): // unvalidated: NaN, and no loop from -1e300 up
		return math.NaN()
	}
	a, g := nu/2, 0.0
	for ; a < 10; a++ {
		g += (1 / a) / (a + 0.5) / (4 * (a + 1))
	}
	t := 1 / (2 * a)
	return g - tensor.Log1pmx(-t/(1+t)) + (gammaDigammaRem(a) - gammaDigammaRem(a+0.5))
}

// studentTPsiDiff returns ψ(x+h) - ψ(x) for x, h > 0 as a sum of positive
// terms, where the difference of the two would cancel: 1/x - 1/(x+h) for
// each step of x up to y ≥ 10, then log1p(h/y) + h/(2y(y+h)) + ε(y) -
// ε(y+h) from ψ(y) = log y - 1/(2y) - ε(y) (A&S 6.3.18). FisherSnedecor's
// gradients use it too.
func studentTPsiDiff(x, h float64) float64 {
	if !(x > 0) || !(h >= 0) { // unvalidated: NaN, and no loop from -1e300 up
		return math.NaN()
	}
	var s float64
	for ; x < 10; x++ {
		s += (h / (x + h)) / x
	}
	return s + math.Log1p(h/x) + h/(2*x)/(x+h) + (gammaDigammaRem(x) - gammaDigammaRem(x+h))
}

// studentTZ holds the functions of z = d/σ, d = x-μ, that log p and its
// partials need, each formed without overflow or cancellation:
//
//	l  = log1p(z²/ν)     u = z²/(ν+z²)     v = ν/(ν+z²) = 1-u
//	zq = z/(ν+z²)        s2 = ν(z²-1)/(ν+z²)
type studentTZ struct{ l, u, v, zq, s2 float64 }

// studentTTerms returns the studentTZ of d and σ for a finite ν > 0.
func studentTTerms(d, s, nu float64) studentTZ {
	var r studentTZ
	z := d / s
	az := math.Abs(z)
	if az <= 1 {
		den := nu + z*z
		r.u, r.v, r.zq = z*z/den, nu/den, z/den
		r.s2 = r.v * (z - 1) * (z + 1)
	} else {
		w := nu / az / az // ν/z², 0 when z overflowed
		r.u, r.v, r.zq = 1/(1+w), w/(1+w), (1/z)/(1+w)
		r.s2 = nu * r.u * (1 - 1/az) * (1 + 1/az)
	}
	switch {
	case r.u <= 0.5: // z² ≤ ν: no overflow, and l ≤ log 2
		r.l = math.Log1p(z * z / nu)
	case r.v >= 0x1p-1000: // v keeps its relative precision
		r.l = -tensor.Log(r.v)
	default: // z²/ν near or beyond the float64 range: log z² - log ν
		logZ := tensor.Log(az)
		if math.IsInf(az, 1) && !math.IsInf(d, 0) { // d/σ overflowed, σ tiny
			logZ = tensor.Log(math.Abs(d)) - tensor.Log(s)
		}
		r.l = 2*logZ - tensor.Log(nu) + math.Log1p(nu/az/az)
	}
	return r
}

// studentTDiff returns x-μ and σ, both halved where x-μ alone overflows,
// so that z = (x-μ)/σ and the terms of studentTTerms stay right.
func studentTDiff(x, m, s float64) (d, sd float64) {
	d = x - m
	if math.IsInf(d, 0) && !math.IsInf(x, 0) && !math.IsInf(m, 0) {
		return x/2 - m/2, s / 2
	}
	return d, s
}

// studentTLogP is log p(x) at d = x-μ (scale sd, see studentTDiff) given σ
// and K(ν) = norm.
func studentTLogP(d, sd, nu, s, norm float64) float64 {
	if math.IsInf(nu, 1) { // the normal
		z := d / sd
		return -z*z/2 - tensor.Log(s) - halfLog2Pi
	}
	r := studentTTerms(d, sd, nu)
	return -0.5*(nu+1)*r.l - tensor.Log(s) - norm
}

// studentTKernel is StudentT's one numerical path; operands (out, x, df,
// loc, scale).
func studentTKernel[T tensor.Float](a *kargs[T]) {
	x, df, mu, sg := a.in[0], a.in[1], a.in[2], a.in[3]
	lastNu, norm, gap := math.NaN(), math.NaN(), math.NaN() // per distinct ν: hoisted when df is broadcast
	for r := range a.p.RunsIn(a.lo, a.hi) {
		o, ox, on, om, os := r.Off[0], r.Off[1], r.Off[2], r.Off[3], r.Off[4]
		sx, sn, sm, ss := r.Step[1], r.Step[2], r.Step[3], r.Step[4]
		for i := range r.N {
			xv, nu := float64(x[ox+i*sx]), float64(df[on+i*sn])
			m, s := float64(mu[om+i*sm]), float64(sg[os+i*ss])
			if nu != lastNu {
				lastNu, norm = nu, studentTNorm(nu)
				if a.grad != nil {
					gap = studentTDigammaGap(nu)
				}
			}
			d, sd := studentTDiff(xv, m, s)
			lp := studentTLogP(d, sd, nu, s, norm)
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
			if math.IsInf(xv, 0) { // log p is -Inf all around: flat
				continue
			}
			var gx, gs, gn float64
			if math.IsInf(nu, 1) { // the normal's partials; ∂/∂ν = 0
				z := d / sd
				gx, gs = -z/s, (z*z-1)/s
			} else {
				t := studentTTerms(d, sd, nu)
				gx = -(nu + 1) * t.zq / s
				gs = t.s2 / s
				// log1p(-u) + u without cancellation: log1pmx(-u), or
				// u - l where u > ½ (l = -log(1-u) is then accurate).
				lm := t.u - t.l
				if t.u <= 0.5 {
					lm = tensor.Log1pmx(-t.u)
				}
				gn = 0.5 * (lm + t.u/nu + gap)
			}
			if g := a.grad[0]; g != nil {
				g[ox+i*sx] += w * gx
			}
			if g := a.grad[1]; g != nil {
				g[on+i*sn] += w * gn
			}
			if g := a.grad[2]; g != nil {
				g[om+i*sm] -= w * gx
			}
			if g := a.grad[3]; g != nil {
				g[os+i*ss] += w * gs
			}
		}
	}
}

// RSample draws sampleShape+BatchShape() values μ + σ·Z·√(ν/V), Z ~ N(0, 1)
// and V = 2·standardGamma(ν/2) ~ χ²(ν), V raised to the dtype's smallest
// normal number as torch's Chi2 clamps it (ν = +Inf draws μ + σZ).
func (d *StudentT) RSample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	if d.dtype == tensor.Float32 {
		return studentTDraw[float32](d, src, sampleShape)
	}
	return studentTDraw[float64](d, src, sampleShape)
}

// Sample is RSample for StudentT.
func (d *StudentT) Sample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	return d.RSample(src, sampleShape...)
}

func studentTDraw[T tensor.Float](d *StudentT, src rand.Source, sampleShape []int) (*tensor.Dense, error) {
	tiny := float64(gammaTiny[T]())
	return draw(&d.elementwise, src, sampleShape, func(r *rand.Rand, run shape.Run, dst []T, in [][]T) {
		df, mu, sg := in[0], in[1], in[2]
		for i := range run.N {
			nu := float64(df[run.Off[1]+i*run.Step[1]])
			m, s := float64(mu[run.Off[2]+i*run.Step[2]]), float64(sg[run.Off[3]+i*run.Step[3]])
			z := r.NormFloat64()
			if !math.IsInf(nu, 1) {
				v := 2 * standardGamma(r, nu/2)
				if v < tiny { // torch: clamp(min=finfo.tiny); NaN stays NaN
					v = tiny
				}
				z *= math.Sqrt(nu / v)
			}
			dst[run.Off[0]+i] = T(m + s*z)
		}
	})
}

// RSampleVJP gives ∂L/∂μ = Σ g, ∂L/∂σ = Σ g·(x-μ)/σ and ∂L/∂ν = Σ g·∂x/∂ν
// for draws x of RSample. torch differentiates x = μ + σZ·(V/ν)^(-1/2) with
// Z and V held, which needs the draw's V; from x alone the gradient is the
// implicit one, ∂x/∂ν = -(∂F/∂ν)/p(x) with the quantile F(x) held (Figurnov
// et al. 2018), which is the expectation of torch's given x, an unbiased
// pathwise gradient of lower variance. With t = (x-μ)/σ, u = t²/(ν+t²) ~
// Beta(½, ν/2), v = 1-u and log|t| = ½(log ν + log u - log v),
//
//	∂x/∂ν = (x-μ)·½·(1/ν + ½·G/(u·v)),   G = -(∂I_u(½, ν/2)/∂b)/p_Beta(u),
//
// G the implicit gradient of the Beta draw u in its second parameter,
// taken on the side of u or v that is below ½ (tensor.BetaIncDerivA/B,
// within 1e-8 relative). Where the Beta density under- or overflows the
// ν-gradient is taken as 0, as Beta's is.
func (d *StudentT) RSampleVJP(x, upstream Value) (map[string]*tensor.Dense, error) {
	return d.pathwise(x, upstream, func(x float64, p, dp []float64) {
		nu, m, s := p[0], p[1], p[2]
		dx := x - m
		dp[0], dp[1], dp[2] = studentTDxDnu(dx, s, nu), 1, dx/s
	})
}

// studentTCornishFisherMin is the ν from which ∂x/∂ν comes from the
// Cornish–Fisher expansion (studentTDtDnuCF) where |t| ≤ 4·√(ν/1000), at
// most 30. There the Beta form below loses most, as 1/ν and ½·G/(u·v)
// cancel to O(1/ν²) (about 1e-12·ν relative near t = 0, 2.7e-12 at
// ν = 1000, t = 4), while the expansion's truncation error, which falls
// as t⁸/ν⁴, is at most 2.3e-10 relative against mpmath.
const studentTCornishFisherMin = 1000

// studentTDxDnu is ∂x/∂ν at x-μ = dx (see RSampleVJP).
func studentTDxDnu(dx, s, nu float64) float64 {
	if dx == 0 || math.IsInf(nu, 1) || math.IsInf(dx, 0) || dx != dx {
		return 0
	}
	if nu >= studentTCornishFisherMin {
		if at := math.Abs(dx / s); at <= min(30, 4*math.Sqrt(nu/studentTCornishFisherMin)) {
			return s * studentTDtDnuCF(dx/s, nu)
		}
	}
	t := studentTTerms(dx, s, nu)
	a := nu / 2
	var g float64
	switch {
	case t.u == 0: // t² underflowed next to ν: the limit u → 0, G/(u·v) → -2(ψ(a+½) - ψ(a))
		return dx * 0.5 * (-studentTDigammaGap(nu))
	case t.u <= 0.5:
		pdf := math.Exp(tensor.BetaLogPDF(0.5, a, t.u))
		if pdf == 0 || math.IsInf(pdf, 1) {
			return 0
		}
		g = -tensor.BetaIncDerivB(0.5, a, t.u) / pdf
	default: // I_u(½, a) = 1 - I_v(a, ½)
		pdf := math.Exp(tensor.BetaLogPDF(a, 0.5, t.v))
		if pdf == 0 || math.IsInf(pdf, 1) {
			return 0
		}
		g = tensor.BetaIncDerivA(a, 0.5, t.v) / pdf
	}
	return dx * 0.5 * (1/nu + 0.5*g/(t.u*t.v))
}

// studentTDtDnuCF is ∂t/∂ν at the quantile of the standard t held, for
// large ν, from the Cornish–Fisher expansion of the t quantile in the
// normal one z = Φ⁻¹(F(t)) (Abramowitz & Stegun 26.7.5):
//
//	t = z + g₁(z)/ν + g₂(z)/ν² + g₃(z)/ν³ + g₄(z)/ν⁴ + O(ν⁻⁵),
//	∂t/∂ν = -(g₁/ν² + 2g₂/ν³ + 3g₃/ν⁴ + 4g₄/ν⁵).
//
// z is formed from whichever of P(0 < T < |t|) (through erfinv, exact
// near 0) and P(T > |t|) (through Φ⁻¹) keeps its precision; from ν = 1e6,
// where tensor.BetaInc's continued fraction loses digits (2e-9 of ∂t/∂ν at
// ν = 1e8), from the expansion inverted to second order,
// z = t - g₁(t)/ν + (g₁'(t)g₁(t) - g₂(t))/ν² + O(t⁷/ν³).
func studentTDtDnuCF(t, nu float64) float64 {
	var z float64
	if nu >= 1e6 {
		t2 := t * t
		g1 := t * (t2 + 1) / 4
		g2 := t * (3 + t2*(16+t2*5)) / 96
		z = t - g1/nu + ((3*t2+1)/4*g1-g2)/(nu*nu)
	} else {
		r := studentTTerms(t, 1, nu)
		a := nu / 2
		if c := 0.5 * tensor.BetaInc(0.5, a, r.u); c < 0.25 {
			z = math.Sqrt2 * math.Erfinv(2*c)
		} else {
			z = -tensor.Ndtri(0.5 * tensor.BetaInc(a, 0.5, r.v))
		}
		z = math.Copysign(z, t)
	}
	z2 := z * z
	g1 := z * (z2 + 1) / 4
	g2 := z * (3 + z2*(16+z2*5)) / 96
	g3 := z * (-15 + z2*(17+z2*(19+z2*3))) / 384
	g4 := z * (-945 + z2*(-1920+z2*(1482+z2*(776+z2*79)))) / 92160
	in := 1 / nu
	return -in * in * (g1 + in*(2*g2+in*(3*g3+in*4*g4)))
}

// Mean is Loc where ν > 1, NaN elsewhere (torch).
func (d *StudentT) Mean() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 {
		if p[0] > 1 {
			return p[1]
		}
		return math.NaN()
	})
}

// Mode is Loc.
func (d *StudentT) Mode() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return p[1] })
}

// Variance is σ²ν/(ν-2) for ν > 2 (σ² at ν = +Inf), +Inf for 1 < ν ≤ 2 and
// NaN for ν ≤ 1 (torch).
func (d *StudentT) Variance() (*tensor.Dense, error) {
	return d.moment(studentTVariance)
}

func studentTVariance(p []float64) float64 {
	nu, s := p[0], p[2]
	switch {
	case math.IsInf(nu, 1):
		return s * s
	case nu > 2:
		return s * s * (nu / (nu - 2))
	case nu > 1:
		return math.Inf(1)
	}
	return math.NaN()
}

// StdDev is the square root of the variance.
func (d *StudentT) StdDev() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return math.Sqrt(studentTVariance(p)) })
}

// Entropy is log σ + (ν+1)/2·(ψ((ν+1)/2) - ψ(ν/2)) + K(ν) (torch), formed
// as log σ + K(ν) + (ν+1)/2·(1/ν + studentTDigammaGap(ν)), a sum of
// positive terms beside log σ that tends to the normal's ½ + log√(2π)
// + log σ.
func (d *StudentT) Entropy() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 {
		nu, s := p[0], p[2]
		if math.IsInf(nu, 1) {
			return 0.5 + halfLog2Pi + tensor.Log(s)
		}
		return tensor.Log(s) + studentTNorm(nu) + 0.5*(nu+1)*(1/nu+studentTDigammaGap(nu))
	})
}

// String is a torch-style summary of the distribution, for logs and messages.
func (d *StudentT) String() string {
	return fmt.Sprintf("StudentT(batch_shape=%s)", shape.Format(d.batch))
}

func init() {
	RegisterShapes("StudentT", GenericShapes("student_t", map[string]int{"df": 0, "loc": 0, "scale": 0}))
	Register("StudentT", func(s *Spec, opts ...Option) (Distribution, error) {
		if err := s.Known("df", "loc", "scale"); err != nil {
			return nil, err
		}
		df, ok, err := s.Tensor("df")
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("student_t: df is required: %w", ErrParam)
		}
		loc, _, err := s.Tensor("loc")
		if err != nil {
			return nil, err
		}
		scale, _, err := s.Tensor("scale")
		if err != nil {
			return nil, err
		}
		return NewStudentT(df, loc, scale, opts...)
	})
}
