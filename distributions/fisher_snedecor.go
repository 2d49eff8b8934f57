package distributions

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// FisherSnedecor is a batch of F distributions on (0, ∞) with df1 = d₁ and
// df2 = d₂ degrees of freedom broadcast together
// (torch.distributions.FisherSnedecor). With a = d₁/2, b = d₂/2 and the
// Beta(a, b) variable w = d₁y/(d₁y+d₂), v = 1-w = d₂/(d₁y+d₂):
//
//	log p(y) = a·log w + b·log v - log y - log B(a, b)
//	∂/∂y  = (a-1)/y - (a+b)·d₁/(d₁y+d₂)
//	∂/∂d₁ = ½[log w - ψ(a) + ψ(a+b) + v - (b/a)·w]
//	∂/∂d₂ = ½[log v - ψ(b) + ψ(a+b) + w - (a/b)·v]
//
// which is torch's a·log(d₁/d₂) + (a-1)·log y - (a+b)·log1p(d₁y/d₂) - log
// B(a, b) regrouped: log w and log v are each formed from the smaller of w
// and v, and for a, b ≥ 10 the Beta part goes through tensor.BetaLogPDF's
// Stirling form, so that large degrees of freedom do not cancel. At y = 0
// the density follows 0·log 0 = 0: +Inf for d₁ < 2, 1 for d₁ = 2 and 0 for
// d₁ > 2; below 0 and at +Inf log p is -Inf (torch: NaN; reached only
// without validation). The moments are NaN where torch makes them NaN; torch
// 1.13 has no entropy, cdf or icdf for this family.
//
// FisherSnedecor is reparameterised: y = X₁/X₂ with X₁ ~ Gamma(d₁/2, d₁),
// X₂ ~ Gamma(d₂/2, d₂); RSampleVJP gives the pathwise gradient.
type FisherSnedecor struct{ elementwise }

// NewFisherSnedecor returns the F distributions with df1 and df2 degrees
// of freedom, which must broadcast and share a floating dtype; when
// validating, both are > 0.
func NewFisherSnedecor(df1, df2 *tensor.Dense, opts ...Option) (*FisherSnedecor, error) {
	cfg := newConfig(opts)
	e, err := newElementwise("fisher_snedecor", []string{"df1", "df2"}, []*tensor.Dense{df1, df2}, cfg)
	if err != nil {
		return nil, err
	}
	if cfg.validate {
		if err := check("fisher_snedecor", "df1", "> 0", df1, ErrParam, isPositive); err != nil {
			return nil, err
		}
		if err := check("fisher_snedecor", "df2", "> 0", df2, ErrParam, isPositive); err != nil {
			return nil, err
		}
	}
	e.k32, e.k64 = fisherKernel[float32], fisherKernel[float64]
	e.support, e.rule = isPositive, "> 0" // torch 1.13: constraints.positive
	return &FisherSnedecor{e}, nil
}

// Expand returns the distributions broadcast to batch, sharing df1 and
// df2.
func (d *FisherSnedecor) Expand(batch []int) (Distribution, error) {
	e, err := d.expand(batch)
	if err != nil {
		return nil, err
	}
	return &FisherSnedecor{e}, nil
}

// DF1 is the numerator's degrees of freedom, as given.
func (d *FisherSnedecor) DF1() *tensor.Dense { return d.params[0] }

// DF2 is the denominator's degrees of freedom, as given.
func (d *FisherSnedecor) DF2() *tensor.Dense { return d.params[1] }

// fisherStirlingMin is the min(a, b) from which log p is formed with
// tensor.BetaLogPDF, whose Stirling form cancels nothing there.
const fisherStirlingMin = 10

// fisherWV returns w = d₁y/(d₁y+d₂) and v = d₂/(d₁y+d₂) for y > 0, each
// with its own relative precision (neither is 1 minus the other), and
// w/y = d₁/(d₁y+d₂).
func fisherWV(y, d1, d2 float64) (w, v, wy float64) {
	if y <= 1 {
		p := d1 * y
		den := p + d2
		if math.IsInf(den, 1) && p <= math.MaxFloat64 && d2 <= math.MaxFloat64 { // halved, the sum is finite
			p, d2, d1 = p/2, d2/2, d1/2
			den = p + d2
		}
		return p / den, d2 / den, d1 / den
	}
	q := d2 / y // no overflow of d₁y
	den := d1 + q
	if math.IsInf(den, 1) && d1 <= math.MaxFloat64 && q <= math.MaxFloat64 {
		d1, q = d1/2, q/2
		den = d1 + q
	}
	return d1 / den, q / den, (d1 / den) / y
}

// fisherQ returns q₁ = d₂(y-1)/(d₁y+d₂) and q₂ = -d₁(y-1)/(d₁y+d₂), with
// which, for a = d₁/2 ≥ 10 (b = d₂/2 ≥ 10 for the second) and ψ(x) =
// log x - 1/(2x) - ε(x) (A&S 6.3.18), the partials in d₁ and d₂ become
//
//	∂/∂d₁ = ½[log1pmx(q₁) + b/(2a(a+b)) + ε(a) - ε(a+b)]
//	∂/∂d₂ = ½[log1pmx(q₂) + a/(2b(a+b)) + ε(b) - ε(a+b)]
//
// (log w - ψ(a) + ψ(a+b) = log1p(q₁) + b/(2a(a+b)) + ε(a) - ε(a+b) and
// v - (b/a)·w = -q₁), where the plain form cancels terms of size 1 to the
// gradient's O(1/a²) (8e-4 relative at d₁ = 1e6, d₂ = 3); and ∂/∂y =
// -(1 + a·q₁)/y. y-1 is exact near 1; above 2 the quotient is divided
// through by y.
func fisherQ(y, d1, d2 float64) (q1, q2 float64) {
	if y <= 2 {
		den := d1*y + d2
		return d2 * (y - 1) / den, -d1 * (y - 1) / den
	}
	num, den := 1-1/y, d1+d2/y
	return d2 * num / den, -d1 * num / den
}

// fisherLogs returns log w and log v, the one of the larger from log1p of
// the smaller.
func fisherLogs(w, v float64) (lw, lv float64) {
	if w <= 0.5 {
		return tensor.Log(w), math.Log1p(-w)
	}
	return math.Log1p(-v), tensor.Log(v)
}

// fisherLogP is log p(y) given lbeta = log B(a, b).
func fisherLogP(y, d1, d2, lbeta float64) float64 {
	a, b := d1/2, d2/2
	switch {
	case y != y:
		return y
	case y < 0 || math.IsInf(y, 1):
		return math.Inf(-1)
	case y == 0: // with 0·log 0 = 0: p(0) = (d₁/d₂)·b/B(1, b) = 1 at d₁ = 2
		switch {
		case a != a || b != b:
			return a + b
		case a < 1:
			return math.Inf(1)
		case a == 1:
			return 0
		}
		return math.Inf(-1)
	}
	w, v, _ := fisherWV(y, d1, d2)
	if min(a, b) >= fisherStirlingMin && w > 0 && v > 0 {
		lw, lv := fisherLogs(w, v)
		bl := tensor.BetaLogPDF(a, b, w) // log w^(a-1)v^(b-1)/B(a, b)
		if w > 0.5 {
			bl = tensor.BetaLogPDF(b, a, v)
		}
		return bl + lw + lv - tensor.Log(y)
	}
	lw, lv := fisherLogs(w, v)
	if w == 0 || v == 0 { // d₁y/d₂ under- or overflows: torch's form, logs apart
		lq := tensor.Log(d1) + tensor.Log(y) - tensor.Log(d2)
		l1p := math.Log1p(math.Exp(lq))
		if lq > 0 {
			l1p = lq + math.Log1p(math.Exp(-lq))
		}
		return a*(tensor.Log(d1)-tensor.Log(d2)) + (a-1)*tensor.Log(y) - (a+b)*l1p - lbeta
	}
	return a*lw + b*lv - tensor.Log(y) - lbeta
}

// fisherKernel is FisherSnedecor's one numerical path; operands (out, x,
// df1, df2).
func fisherKernel[T tensor.Float](a *kargs[T]) {
	x, f1, f2 := a.in[0], a.in[1], a.in[2]
	last1, last2 := math.NaN(), math.NaN()
	var lbeta, psiA, psiB float64 // per distinct (d₁, d₂): hoisted when broadcast
	for r := range a.p.RunsIn(a.lo, a.hi) {
		o, ox, o1, o2 := r.Off[0], r.Off[1], r.Off[2], r.Off[3]
		sx, s1, s2 := r.Step[1], r.Step[2], r.Step[3]
		for i := range r.N {
			y, d1, d2 := float64(x[ox+i*sx]), float64(f1[o1+i*s1]), float64(f2[o2+i*s2])
			if d1 != last1 || d2 != last2 {
				last1, last2, lbeta = d1, d2, tensor.Lbeta(d1/2, d2/2)
				if a.grad != nil { // ψ(a+b) - ψ(a) and ψ(a+b) - ψ(b), without cancellation
					psiA, psiB = studentTPsiDiff(d1/2, d2/2), studentTPsiDiff(d2/2, d1/2)
				}
			}
			lp := fisherLogP(y, d1, d2, lbeta)
			if a.out != nil {
				a.out[o+i] = T(lp)
			}
			if a.grad == nil {
				continue
			}
			wt := a.weight(o + i)
			if wt == 0 { // select, never multiply: a masked -Inf or NaN stays out
				continue
			}
			a.sum += wt * lp
			if y < 0 || math.IsInf(y, 1) { // log p is -Inf all around: flat
				continue
			}
			ha, hb := d1/2, d2/2
			var w, v, wy float64
			if y == 0 {
				w, v, wy = 0, 1, d1/d2
			} else {
				w, v, wy = fisherWV(y, d1, d2)
			}
			lw, lv := fisherLogs(w, v)
			q1, q2 := fisherQ(y, d1, d2)
			if g := a.grad[0]; g != nil {
				gy := -(1 + ha*q1) / y // (a-1)/y - (a+b)·w/y: no difference of large terms
				if ha == 1 {           // finite also at y = 0
					gy = -(ha + hb) * wy
				}
				g[ox+i*sx] += wt * gy
			}
			if g := a.grad[1]; g != nil {
				g1 := 0.5 * (lw + psiA + v - (hb/ha)*w)
				if ha >= fisherStirlingMin {
					g1 = 0.5 * (tensor.Log1pmx(q1) + hb/(2*ha*(ha+hb)) + (gammaDigammaRem(ha) - gammaDigammaRem(ha+hb)))
				}
				g[o1+i*s1] += wt * g1
			}
			if g := a.grad[2]; g != nil {
				g2 := 0.5 * (lv + psiB + w - (ha/hb)*v)
				if hb >= fisherStirlingMin {
					g2 = 0.5 * (tensor.Log1pmx(q2) + ha/(2*hb*(ha+hb)) + (gammaDigammaRem(hb) - gammaDigammaRem(ha+hb)))
				}
				g[o2+i*s2] += wt * g2
			}
		}
	}
}

// RSample draws sampleShape+BatchShape() values X₁/X₂, X₁ = s₁/d₁ and X₂ =
// s₂/d₂ with s₁ ~ Gamma(d₁/2, 1), s₂ ~ Gamma(d₂/2, 1) by standardGamma;
// X₁, X₂ and the quotient are each raised to the dtype's smallest normal
// number, as torch clamps them.
func (d *FisherSnedecor) RSample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	if d.dtype == tensor.Float32 {
		return fisherDraw[float32](d, src, sampleShape)
	}
	return fisherDraw[float64](d, src, sampleShape)
}

// Sample is RSample for FisherSnedecor.
func (d *FisherSnedecor) Sample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	return d.RSample(src, sampleShape...)
}

func fisherDraw[T tensor.Float](d *FisherSnedecor, src rand.Source, sampleShape []int) (*tensor.Dense, error) {
	tiny := float64(gammaTiny[T]())
	clamp := func(v float64) float64 { // torch: clamp(min=finfo.tiny); NaN stays NaN
		if v < tiny {
			return tiny
		}
		return v
	}
	return draw(&d.elementwise, src, sampleShape, func(r *rand.Rand, run shape.Run, dst []T, in [][]T) {
		f1, f2 := in[0], in[1]
		for i := range run.N {
			d1, d2 := float64(f1[run.Off[1]+i*run.Step[1]]), float64(f2[run.Off[2]+i*run.Step[2]])
			x1 := clamp(standardGamma(r, d1/2) / d1)
			x2 := clamp(standardGamma(r, d2/2) / d2)
			dst[run.Off[0]+i] = T(clamp(x1 / x2))
		}
	})
}

// RSampleVJP gives ∂L/∂d₁ = Σ g·∂y/∂d₁ and ∂L/∂d₂ = Σ g·∂y/∂d₂ for draws
// y of RSample. torch differentiates X₁/X₂ with the standard gamma draws
// held, which needs both draws; from y alone the gradient is the implicit
// one, with the quantile F(y) held (Figurnov et al. 2018), the expectation
// of torch's given y. Writing y = (d₂/d₁)·w/v with w ~ Beta(a, b) and
// G_a, G_b that Beta draw's implicit gradients -(∂I_w/∂a)/p_Beta(w),
// -(∂I_w/∂b)/p_Beta(w) (tensor.BetaIncDerivA/B, within 1e-8 relative,
// taken on the side of w or v below ½),
//
//	∂y/∂d₁ = y·(½·G_a/(w·v) - 1/d₁)    ∂y/∂d₂ = y·(½·G_b/(w·v) + 1/d₂).
//
// At y = 0 or +Inf (a clamped or overflowed draw), and where the Beta
// density under- or overflows, the gradient is taken as 0, as Beta's is;
// above about 1e20 degrees of freedom, where tensor.BetaInc gives NaN, it
// is NaN.
func (d *FisherSnedecor) RSampleVJP(x, upstream Value) (map[string]*tensor.Dense, error) {
	return d.pathwise(x, upstream, func(y float64, p, dp []float64) {
		dp[0], dp[1] = fisherDyDdf(y, p[0], p[1])
	})
}

// fisherDyDdf is (∂y/∂d₁, ∂y/∂d₂) at a draw y (see RSampleVJP).
func fisherDyDdf(y, d1, d2 float64) (g1, g2 float64) {
	if !(y > 0) || math.IsInf(y, 1) {
		return 0, 0
	}
	a, b := d1/2, d2/2
	w, v, _ := fisherWV(y, d1, d2)
	if !(w > 0 && v > 0) {
		return 0, 0
	}
	var ga, gb float64
	if w <= 0.5 {
		pdf := math.Exp(tensor.BetaLogPDF(a, b, w))
		if pdf == 0 || math.IsInf(pdf, 1) {
			return 0, 0
		}
		ga, gb = -tensor.BetaIncDerivA(a, b, w)/pdf, -tensor.BetaIncDerivB(a, b, w)/pdf
	} else { // I_w(a, b) = 1 - I_v(b, a)
		pdf := math.Exp(tensor.BetaLogPDF(b, a, v))
		if pdf == 0 || math.IsInf(pdf, 1) {
			return 0, 0
		}
		ga, gb = tensor.BetaIncDerivB(b, a, v)/pdf, tensor.BetaIncDerivA(b, a, v)/pdf
	}
	wv := w * v
	return y * (0.5*ga/wv - 1/d1), y * (0.5*gb/wv + 1/d2)
}

// Mean is d₂/(d₂-2) for d₂ > 2, NaN elsewhere (torch).
func (d *FisherSnedecor) Mean() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 {
		if d2 := p[1]; d2 > 2 {
			return d2 / (d2 - 2)
		}
		return math.NaN()
	})
}

// Mode is (d₁-2)/d₁·d₂/(d₂+2) where d₁ > 2, and NaN where d₁ ≤ 2 (torch
// 1.13 sets a non-positive (d₁-2)/d₁ to NaN, although the density peaks at
// 0 there).
func (d *FisherSnedecor) Mode() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 {
		d1, d2 := p[0], p[1]
		m := (d1 - 2) / d1
		if !(m > 0) {
			return math.NaN()
		}
		return m * (d2 / (d2 + 2))
	})
}

// Variance is 2d₂²(d₁+d₂-2)/(d₁(d₂-2)²(d₂-4)) for d₂ > 4, NaN elsewhere
// (torch), formed from quotients that do not overflow for large d₂.
func (d *FisherSnedecor) Variance() (*tensor.Dense, error) {
	return d.moment(fisherVariance)
}

func fisherVariance(p []float64) float64 {
	d1, d2 := p[0], p[1]
	if !(d2 > 4) {
		return math.NaN()
	}
	r := d2 / (d2 - 2)
	return 2 * r * r * ((d1 + d2 - 2) / d1) / (d2 - 4)
}

// StdDev is the square root of the variance.
func (d *FisherSnedecor) StdDev() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return math.Sqrt(fisherVariance(p)) })
}

// String is a torch-style summary of the distribution, for logs and messages.
func (d *FisherSnedecor) String() string {
	return fmt.Sprintf("FisherSnedecor(batch_shape=%s)", shape.Format(d.batch))
}

func init() {
	RegisterShapes("FisherSnedecor", GenericShapes("fisher_snedecor", map[string]int{"df1": 0, "df2": 0}))
	Register("FisherSnedecor", func(s *Spec, opts ...Option) (Distribution, error) {
		if err := s.Known("df1", "df2"); err != nil {
			return nil, err
		}
		df1, ok1, err := s.Tensor("df1")
		if err != nil {
			return nil, err
		}
		df2, ok2, err := s.Tensor("df2")
		if err != nil {
			return nil, err
		}
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("fisher_snedecor: df1 and df2 are required: %w", ErrParam)
		}
		return NewFisherSnedecor(df1, df2, opts...)
	})
}
