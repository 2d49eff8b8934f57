package distributions

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Laplace is a batch of Laplace (double exponential) distributions with
// location Loc and scale Scale broadcast together
// (torch.distributions.Laplace):
//
//	log p(x) = -log 2b - |d|/b,   d = x-μ
//	∂/∂x = -sgn(d)/b    ∂/∂μ = sgn(d)/b    ∂/∂b = (|d|/b - 1)/b
//
// with sgn(0) = 0 at the kink, as torch's autograd of abs gives. Laplace is
// reparameterised: x = μ - b·sgn(u)·log1p(-|u|), u ~ U(-1, 1).
type Laplace struct{ elementwise }

// NewLaplace returns the Laplace distributions with location loc and scale
// scale, which must broadcast and share a floating dtype; when validating,
// loc is not NaN and every scale > 0.
func NewLaplace(loc, scale *tensor.Dense, opts ...Option) (*Laplace, error) {
	cfg := newConfig(opts)
	e, err := newElementwise("laplace", []string{"loc", "scale"}, []*tensor.Dense{loc, scale}, cfg)
	if err != nil {
		return nil, err
	}
	if cfg.validate {
		if err := check("laplace", "loc", "real", loc, ErrParam, isReal); err != nil {
			return nil, err
		}
		if err := check("laplace", "scale", "> 0", scale, ErrParam, isPositive); err != nil {
			return nil, err
		}
	}
	e.k32, e.k64 = laplaceKernel[float32], laplaceKernel[float64]
	e.support, e.rule = isReal, "real"
	return &Laplace{e}, nil
}

// Expand returns the Laplace distributions broadcast to batch, sharing loc
// and scale.
func (d *Laplace) Expand(batch []int) (Distribution, error) {
	e, err := d.expand(batch)
	if err != nil {
		return nil, err
	}
	return &Laplace{e}, nil
}

// Loc is the location parameter, as given.
func (d *Laplace) Loc() *tensor.Dense { return d.params[0] }

// Scale is the scale parameter, as given.
func (d *Laplace) Scale() *tensor.Dense { return d.params[1] }

// laplaceLog2B is log 2b as log 2 + log b, which stays finite where 2b
// overflows (b > 8.9e307).
func laplaceLog2B(b float64) float64 { return math.Ln2 + tensor.Log(b) }

// laplaceKernel is Laplace's one numerical path; operands (out, x, loc,
// scale).
func laplaceKernel[T tensor.Float](a *kargs[T]) {
	x, mu, sc := a.in[0], a.in[1], a.in[2]
	for r := range a.p.RunsIn(a.lo, a.hi) {
		o, ox, om, os := r.Off[0], r.Off[1], r.Off[2], r.Off[3]
		sx, sm, ss := r.Step[1], r.Step[2], r.Step[3]
		if a.grad == nil {
			out := a.out[o : o+r.N]
			if sx == 1 && sm == 1 && ss == 1 { // contiguous: slices drop the bounds checks
				xs, ms, bs := x[ox:ox+len(out)], mu[om:om+len(out)], sc[os:os+len(out)]
				for i := range out {
					b := float64(bs[i])
					out[i] = T(-laplaceLog2B(b) - math.Abs(float64(xs[i])-float64(ms[i]))/b)
				}
				continue
			}
			log2B := laplaceLog2B(float64(sc[os])) // hoisted: one log per run when scale is broadcast
			for i := range out {
				b := float64(sc[os+i*ss])
				if ss != 0 {
					log2B = laplaceLog2B(b)
				}
				out[i] = T(-log2B - math.Abs(float64(x[ox+i*sx])-float64(mu[om+i*sm]))/b)
			}
			continue
		}
		gx, gm, gs := a.grad[0], a.grad[1], a.grad[2]
		for i := range r.N {
			b := float64(sc[os+i*ss])
			d := float64(x[ox+i*sx]) - float64(mu[om+i*sm])
			ad := math.Abs(d)
			lp := -laplaceLog2B(b) - ad/b
			if a.out != nil {
				a.out[o+i] = T(lp)
			}
			w := a.weight(o + i)
			if w == 0 { // select, never multiply: a masked -Inf or NaN stays out
				continue
			}
			a.sum += w * lp
			var sg float64 // sgn(d), 0 at the kink
			switch {
			case d > 0:
				sg = 1
			case d < 0:
				sg = -1
			case d != d:
				sg = d
			}
			ws := w * sg / b // ∂/∂μ; ∂/∂x is its negative
			if gx != nil {
				gx[ox+i*sx] -= ws
			}
			if gm != nil {
				gm[om+i*sm] += ws
			}
			if gs != nil {
				gs[os+i*ss] += w * (ad/b - 1) / b
			}
		}
	}
}

// laplaceStdICDF is the quantile function of Laplace(0, 1) without
// cancellation in either tail: log 2u below ½ and -log 2(1-u) above, where
// 1-u is exact (torch's log1p(-2|u-½|) loses u's digits to u-½, and gives
// -Inf at u = 1e-300).
func laplaceStdICDF(u float64) float64 {
	if u < 0.5 {
		return tensor.Log(2 * u)
	}
	return -tensor.Log(2 * (1 - u))
}

// RSample draws sampleShape+BatchShape() values μ - b·s·log1p(-v), torch's
// inverse-CDF sampler with u = s·v split into an independent sign s = ±1 and
// magnitude v = k·2⁻⁵³ (k uniform in [0, 2⁵³)) from one 64-bit draw, so
// that v < 1 and every draw is finite (|x-μ| ≤ 36.8·b); ∂x/∂μ = 1,
// ∂x/∂b = (x-μ)/b.
func (d *Laplace) RSample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	if d.dtype == tensor.Float32 {
		return laplaceDraw[float32](d, src, sampleShape)
	}
	return laplaceDraw[float64](d, src, sampleShape)
}

// Sample is RSample for Laplace.
func (d *Laplace) Sample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	return d.RSample(src, sampleShape...)
}

func laplaceDraw[T tensor.Float](d *Laplace, src rand.Source, sampleShape []int) (*tensor.Dense, error) {
	return draw(&d.elementwise, src, sampleShape, func(r *rand.Rand, run shape.Run, dst []T, in [][]T) {
		mu, sc := in[0], in[1]
		out := dst[run.Off[0] : run.Off[0]+run.N]
		for i := range out {
			bits := r.Uint64()
			// Exp(1) by inversion, -log1p(-v) = -log(1-v), with 1-v =
			// (2⁵³-k)·2⁻⁵³ exact in (0, 1]: one fast log (math.Log1p costs
			// 3x), and finite
			e := -math.Log(float64((1<<53)-(bits>>11)) * 0x1p-53)
			if bits&1 == 0 {
				e = -e
			}
			m, b := float64(mu[run.Off[1]+i*run.Step[1]]), float64(sc[run.Off[2]+i*run.Step[2]])
			out[i] = T(m + b*e)
		}
	})
}

// Mean is Loc, broadcast to the batch shape.
func (d *Laplace) Mean() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return p[0] })
}

// Mode is Loc, broadcast to the batch shape.
func (d *Laplace) Mode() (*tensor.Dense, error) { return d.Mean() }

// Variance is 2b².
func (d *Laplace) Variance() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return 2 * p[1] * p[1] })
}

// StdDev is √2·b, which does not overflow where 2b² does.
func (d *Laplace) StdDev() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return math.Sqrt2 * p[1] })
}

// Entropy is 1 + log 2b.
func (d *Laplace) Entropy() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return 1 + laplaceLog2B(p[1]) })
}

// CDF is ½e^z below the location and 1 - ½e^-z above, z = (x-μ)/b: the
// left tail keeps its relative precision (torch's ½ - ½·sgn(z)·expm1(-|z|)
// cancels there, and gives 0 below z ≈ -37).
func (d *Laplace) CDF(x Value) (*tensor.Dense, error) {
	return d.pointwise(x, "cdf", false, func(x float64, p []float64) float64 {
		z := (x - p[0]) / p[1]
		if z < 0 {
			return 0.5 * math.Exp(z)
		}
		return 1 - 0.5*math.Exp(-z)
	})
}

// ICDF is the quantile function μ + b·F⁻¹(u) of Laplace(0, 1), exact in the
// far tails (ICDF(1e-300) of Laplace(0, 1) is log 2e-300 = -690.08...):
// -Inf at u = 0, +Inf at u = 1.
func (d *Laplace) ICDF(u Value) (*tensor.Dense, error) {
	return d.pointwise(u, "icdf", true, func(u float64, p []float64) float64 {
		return p[0] + p[1]*laplaceStdICDF(u)
	})
}

// String is a torch-style summary of the distribution, for logs and messages.
func (d *Laplace) String() string {
	return fmt.Sprintf("Laplace(batch_shape=%s)", shape.Format(d.batch))
}

func init() {
	RegisterShapes("Laplace", GenericShapes("laplace", map[string]int{"loc": 0, "scale": 0}))
	Register("Laplace", func(s *Spec, opts ...Option) (Distribution, error) {
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
			return nil, fmt.Errorf("laplace: loc and scale are required: %w", ErrParam)
		}
		return NewLaplace(loc, scale, opts...)
	})
}
