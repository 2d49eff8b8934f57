package distributions

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// LogNormal is a batch of log-normal distributions on (0, ∞), the law of
// e^Y for Y ~ N(μ, σ²) with μ = Loc and σ = Scale broadcast together
// (torch's TransformedDistribution of Normal by ExpTransform, which Pyro
// re-exports with its own Expand; written here in closed form):
//
//	log p(x) = -z²/2 - log σ - log(2π)/2 - y,   y = log x, z = (y-μ)/σ
//	∂/∂x = -(z/σ + 1)/x    ∂/∂μ = z/σ    ∂/∂σ = (z²-1)/σ
//
// At x ≤ 0 log p is -Inf with zero partials: the density's limit at 0
// (torch's -Inf - log 0 gives NaN there) and 0 outside the support.
//
// LogNormal is reparameterised: x = exp(μ + σε) with ε ~ N(0, 1).
type LogNormal struct{ elementwise }

// NewLogNormal returns the log-normals whose logarithms have mean loc and
// standard deviation scale, which must broadcast and share a floating
// dtype; when validating, loc is not NaN and every scale > 0.
func NewLogNormal(loc, scale *tensor.Dense, opts ...Option) (*LogNormal, error) {
	cfg := newConfig(opts)
	e, err := newElementwise("lognormal", []string{"loc", "scale"}, []*tensor.Dense{loc, scale}, cfg)
	if err != nil {
		return nil, err
	}
	if cfg.validate {
		if err := check("lognormal", "loc", "real", loc, ErrParam, isReal); err != nil {
			return nil, err
		}
		if err := check("lognormal", "scale", "> 0", scale, ErrParam, isPositive); err != nil {
			return nil, err
		}
	}
	e.k32, e.k64 = logNormalKernel[float32], logNormalKernel[float64]
	e.support, e.rule = isPositive, "> 0" // torch: constraints.positive
	return &LogNormal{e}, nil
}

// Expand returns the log-normals broadcast to batch, sharing loc and scale
// (Pyro overrides torch's expand for LogNormal to keep the class).
func (d *LogNormal) Expand(batch []int) (Distribution, error) {
	e, err := d.expand(batch)
	if err != nil {
		return nil, err
	}
	return &LogNormal{e}, nil
}

// Loc is the mean of log x, as given.
func (d *LogNormal) Loc() *tensor.Dense { return d.params[0] }

// Scale is the standard deviation of log x, as given.
func (d *LogNormal) Scale() *tensor.Dense { return d.params[1] }

// logNormalKernel is LogNormal's one numerical path; operands (out, x,
// loc, scale). log x and log σ come from tensor.LogSlice in float64,
// logChunk elements of a run at a time.
func logNormalKernel[T tensor.Float](a *kargs[T]) {
	x, mu, sg := a.in[0], a.in[1], a.in[2]
	var logXBuf, logSBuf [logChunk]float64
	for r := range a.p.RunsIn(a.lo, a.hi) {
		sx, sm, ss := r.Step[1], r.Step[2], r.Step[3]
		for c := 0; c < r.N; c += logChunk {
			n := min(logChunk, r.N-c)
			o, ox, om, os := r.Off[0]+c, r.Off[1]+c*sx, r.Off[2]+c*sm, r.Off[3]+c*ss
			logX, logS := runLogs(logXBuf[:n], x, ox, sx), runLogs(logSBuf[:n], sg, os, ss)
			for i := range n {
				xv, m, s := float64(x[ox+i*sx]), float64(mu[om+i*sm]), float64(sg[os+i*ss])
				y := logX[i]
				z := (y - m) / s
				lp := -logS[i] - halfLog2Pi - z*z/2 - y
				if xv <= 0 {
					lp = math.Inf(-1)
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
				if xv <= 0 {
					continue
				}
				wzs := w * z / s                                    // ∂/∂μ
				if g := a.grad[0]; g != nil && !math.IsInf(xv, 1) { // at x = +Inf the limit of (z/σ+1)/x is 0
					g[ox+i*sx] -= (wzs + w) / xv
				}
				if g := a.grad[1]; g != nil {
					g[om+i*sm] += wzs
				}
				if g := a.grad[2]; g != nil {
					g[os+i*ss] += wzs*z - w/s // w(z²-1)/σ
				}
			}
		}
	}
}

// RSample draws sampleShape+BatchShape() values exp(μ + σε), ε ~ N(0, 1)
// from a ziggurat; ∂x/∂μ = x, ∂x/∂σ = xε.
func (d *LogNormal) RSample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	if d.dtype == tensor.Float32 {
		return logNormalDraw[float32](d, src, sampleShape)
	}
	return logNormalDraw[float64](d, src, sampleShape)
}

// Sample is RSample for LogNormal.
func (d *LogNormal) Sample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	return d.RSample(src, sampleShape...)
}

func logNormalDraw[T tensor.Float](d *LogNormal, src rand.Source, sampleShape []int) (*tensor.Dense, error) {
	return draw(&d.elementwise, src, sampleShape, func(r *rand.Rand, run shape.Run, dst []T, in [][]T) {
		mu, sg := in[0], in[1]
		for i := range run.N {
			m, s := float64(mu[run.Off[1]+i*run.Step[1]]), float64(sg[run.Off[2]+i*run.Step[2]])
			dst[run.Off[0]+i] = T(math.Exp(m + s*r.NormFloat64()))
		}
	})
}

// Mean is exp(μ + σ²/2) (pyro-semantics §2.5).
func (d *LogNormal) Mean() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return math.Exp(p[0] + p[1]*p[1]/2) })
}

// Mode is exp(μ - σ²).
func (d *LogNormal) Mode() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return math.Exp(p[0] - p[1]*p[1]) })
}

// Variance is (e^{σ²} - 1)·e^{2μ+σ²} (pyro-semantics §2.5), evaluated as
// the square of StdDev, which neither overflows nor underflows where the
// variance does not (σ = 30, μ = -1000 has variance 1.4e-87 though e^{σ²}
// overflows; σ = 1e-200, μ = 300 has variance 1e-140 though σ² underflows).
func (d *LogNormal) Variance() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 {
		sd := logNormalStdDev(p[0], p[1])
		return sd * sd
	})
}

// StdDev is √(e^{σ²} - 1)·e^{μ+σ²/2}, computed directly rather than as
// the root of Variance, so that it stays finite where the variance
// overflows.
func (d *LogNormal) StdDev() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return logNormalStdDev(p[0], p[1]) })
}

// logNormalStdDev is √k·g with k = e^{σ²} - 1 and g = e^{μ+σ²/2}. For
// σ² ≤ 1, √k = |σ|·√(expm1(σ²)/σ²), which keeps its precision where σ²
// rounds or underflows (√k → |σ|); above, √k·g = √(1 - e^{-σ²})·e^{μ+σ²},
// so that e^{σ²} alone never overflows first. Where g overflows but the
// product would not (σ tiny, μ > 709), the product is one exponential.
func logNormalStdDev(mu, sigma float64) float64 {
	s2 := sigma * sigma
	if s2 > 1 {
		return math.Sqrt(-tensor.Expm1(-s2)) * math.Exp(mu+s2)
	}
	rootK := math.Abs(sigma)
	if s2 >= 0x1p-1022 { // below, expm1(σ²)/σ² is 1 to far more than float64's precision
		rootK *= math.Sqrt(tensor.Expm1(s2) / s2)
	}
	g := math.Exp(mu + s2/2)
	if math.IsInf(g, 1) && rootK > 0 {
		return math.Exp(tensor.Log(rootK) + mu + s2/2)
	}
	return rootK * g
}

// Entropy is the normal's entropy ½ + ½log(2π) + log σ plus μ
// (pyro-semantics §2.5).
func (d *LogNormal) Entropy() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return 0.5 + halfLog2Pi + tensor.Log(p[1]) + p[0] })
}

// CDF is Φ((log x - μ)/σ), accurate in both tails, and 0 at x ≤ 0.
func (d *LogNormal) CDF(x Value) (*tensor.Dense, error) {
	return d.pointwise(x, "cdf", false, func(x float64, p []float64) float64 {
		if x <= 0 {
			return 0
		}
		return tensor.Ndtr((tensor.Log(x) - p[0]) / p[1])
	})
}

// ICDF is the quantile function exp(μ + σΦ⁻¹(u)), exact in the far tails
// (0 at u = 0, +Inf at u = 1); u must lie in [0, 1] when validating.
func (d *LogNormal) ICDF(u Value) (*tensor.Dense, error) {
	return d.pointwise(u, "icdf", true, func(u float64, p []float64) float64 {
		return math.Exp(p[0] + p[1]*tensor.Ndtri(u))
	})
}

// String is a torch-style summary of the distribution, for logs and messages.
func (d *LogNormal) String() string {
	return fmt.Sprintf("LogNormal(batch_shape=%s)", shape.Format(d.batch))
}

func init() {
	RegisterShapes("LogNormal", GenericShapes("lognormal", map[string]int{"loc": 0, "scale": 0}))
	Register("LogNormal", func(s *Spec, opts ...Option) (Distribution, error) {
		if err := s.Known("loc", "scale"); err != nil {
			return nil, err
		}
		loc, okL, err := s.Tensor("loc")
		if err != nil {
			return nil, err
		}
		scale, okS, err := s.Tensor("scale")
		if err != nil {
			return nil, err
		}
		if !okL || !okS {
			return nil, fmt.Errorf("lognormal: loc and scale are required: %w", ErrParam)
		}
		return NewLogNormal(loc, scale, opts...)
	})
}
