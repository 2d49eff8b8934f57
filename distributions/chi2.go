package distributions

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Chi2 is a batch of chi-squared distributions on [0, ∞) with df degrees
// of freedom ν (torch.distributions.Chi2, a Gamma with concentration ν/2
// and rate ½):
//
//	log p(x) = -(ν/2)·log 2 + (ν/2-1)·log x - x/2 - log Γ(ν/2)
//	∂/∂x = (ν/2-1)/x - ½    ∂/∂ν = (log x - log 2 - ψ(ν/2))/2
//
// with Gamma's conventions at x = 0 and below the support. Chi2 is
// reparameterised: x = 2s, s ~ Gamma(ν/2, 1).
type Chi2 struct{ elementwise }

// NewChi2 returns the chi-squared distributions with df degrees of
// freedom; when validating, every df > 0.
func NewChi2(df *tensor.Dense, opts ...Option) (*Chi2, error) {
	cfg := newConfig(opts)
	e, err := newElementwise("chi2", []string{"df"}, []*tensor.Dense{df}, cfg)
	if err != nil {
		return nil, err
	}
	if cfg.validate {
		if err := check("chi2", "df", "> 0", df, ErrParam, isPositive); err != nil {
			return nil, err
		}
	}
	e.k32, e.k64 = chi2Kernel[float32], chi2Kernel[float64]
	e.support, e.rule = isNonNegative, ">= 0"
	return &Chi2{e}, nil
}

// Expand returns the distributions broadcast to batch, sharing df.
func (d *Chi2) Expand(batch []int) (Distribution, error) {
	e, err := d.expand(batch)
	if err != nil {
		return nil, err
	}
	return &Chi2{e}, nil
}

// DF is the degrees of freedom, as given.
func (d *Chi2) DF() *tensor.Dense { return d.params[0] }

// chi2Concentration returns ν/2, the concentration of the equivalent Gamma,
// in d's dtype and df's shape (halving is exact).
func chi2Concentration(d *Chi2) *tensor.Dense {
	df, _ := tensor.Float64s(d.params[0])
	if d.dtype == tensor.Float32 {
		return fromFloat64s[float32](chi2Halves(df), d.pshapes[0])
	}
	return fromFloat64s[float64](chi2Halves(df), d.pshapes[0])
}

func chi2Halves(df []float64) []float64 {
	h := make([]float64, len(df))
	for i, v := range df {
		h[i] = v / 2
	}
	return h
}

// chi2Kernel is Chi2's one numerical path; operands (out, x, df).
func chi2Kernel[T tensor.Float](a *kargs[T]) {
	x, df := a.in[0], a.in[1]
	lastA, norm := math.NaN(), math.NaN() // gammaNorm(ν/2) once per distinct ν
	for r := range a.p.RunsIn(a.lo, a.hi) {
		o, ox, od, sx, sd := r.Off[0], r.Off[1], r.Off[2], r.Step[1], r.Step[2]
		for i := range r.N {
			xv, al := float64(x[ox+i*sx]), float64(df[od+i*sd])/2
			if al != lastA {
				lastA, norm = al, gammaNorm(al)
			}
			lp := gammaLogP(xv, al, 0.5, norm)
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
				g[ox+i*sx] += w * gammaDLogPDx(xv, al, 0.5)
			}
			if g := a.grad[1]; g != nil {
				g[od+i*sd] += w * 0.5 * (tensor.Log(xv) - math.Ln2 - tensor.Digamma(al))
			}
		}
	}
}

// RSample draws sampleShape+BatchShape() values 2s, s ~ Gamma(ν/2, 1),
// raised to the dtype's smallest normal number as torch clamps them.
func (d *Chi2) RSample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	if d.dtype == tensor.Float32 {
		return gammaDraw[float32](&d.elementwise, src, sampleShape, 0.5)
	}
	return gammaDraw[float64](&d.elementwise, src, sampleShape, 0.5)
}

// Sample is RSample for Chi2.
func (d *Chi2) Sample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	return d.RSample(src, sampleShape...)
}

// RSampleVJP gives ∂L/∂ν = Σ g·∂x/∂ν for draws x = 2s of RSample:
// ∂x/∂ν = 2·(∂s/∂α)·(1/2) = ∂s/∂α at α = ν/2, s = x/2 (Gamma's implicit
// gradient).
func (d *Chi2) RSampleVJP(x, upstream Value) (map[string]*tensor.Dense, error) {
	return d.pathwise(x, upstream, func(x float64, p, dp []float64) {
		dp[0] = tensor.StandardGammaGrad(p[0]/2, x/2)
	})
}

// Mean is ν.
func (d *Chi2) Mean() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return p[0] })
}

// Mode is max(ν-2, 0), Gamma's max(α-1, 0)/β.
func (d *Chi2) Mode() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return math.Max(p[0]/2-1, 0) / 0.5 })
}

// StdDev is √(2ν).
func (d *Chi2) StdDev() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return math.Sqrt(2 * p[0]) })
}

// Variance is 2ν.
func (d *Chi2) Variance() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return 2 * p[0] })
}

// Entropy is Gamma's at α = ν/2, β = ½.
func (d *Chi2) Entropy() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return gammaEntropy(p[0]/2, 0.5) })
}

// String is a torch-style summary of the distribution, for logs and messages.
func (d *Chi2) String() string {
	return fmt.Sprintf("Chi2(batch_shape=%s)", shape.Format(d.batch))
}

func init() {
	RegisterShapes("Chi2", GenericShapes("chi2", map[string]int{"df": 0}))
	Register("Chi2", func(s *Spec, opts ...Option) (Distribution, error) {
		if err := s.Known("df"); err != nil {
			return nil, err
		}
		df, ok, err := s.Tensor("df")
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("chi2: df is required: %w", ErrParam)
		}
		return NewChi2(df, opts...)
	})
}
