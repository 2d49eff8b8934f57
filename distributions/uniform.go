package distributions

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Uniform is a batch of continuous uniform distributions on [Low, High),
// low and high broadcast together:
//
//	log p(x) = -log(h-l) for l ≤ x < h, -Inf elsewhere
//	∂/∂x = 0    ∂/∂l = 1/(h-l)    ∂/∂h = -1/(h-l)
//
// The density is torch's: half-open, so log p(high) = -Inf, and the
// partials are those of -log(h-l) at every x (torch's autograd: the
// indicator has no gradient). Validation follows torch's support,
// interval(low, high), which is closed: a value equal to high passes the
// check and scores -Inf.
//
// Uniform keeps low and high as given, unbroadcast (Pyro's Uniform keeps
// _unbroadcasted_low/high, also through expand), so that the support and
// the gradients have the parameters' own shapes.
//
// Uniform is reparameterised: x = l + U·(h-l) with U ~ U[0, 1).
type Uniform struct{ elementwise }

// NewUniform returns the uniforms on [low, high), which must broadcast and
// share a floating dtype; when validating, low < high at every element of
// the broadcast (torch checks only that: low and high are "dependent"
// parameters, so a NaN bound fails it and infinite ones pass).
func NewUniform(low, high *tensor.Dense, opts ...Option) (*Uniform, error) {
	cfg := newConfig(opts)
	e, err := newElementwise("uniform", []string{"low", "high"}, []*tensor.Dense{low, high}, cfg)
	if err != nil {
		return nil, err
	}
	if cfg.validate {
		if err := uniformCheckOrder(&e); err != nil {
			return nil, err
		}
	}
	e.k32, e.k64 = uniformKernel[float32], uniformKernel[float64]
	e.supportAt = func(x float64, p []float64) bool { return p[0] <= x && x <= p[1] }
	e.rule = "in [low, high]"
	return &Uniform{e}, nil
}

// uniformCheckOrder returns an ErrParam ConstraintError naming low at the
// first element of the broadcast where low < high fails; Index is in low's
// own shape.
func uniformCheckOrder(e *elementwise) error {
	lo, _ := tensor.Float64s(e.params[0])
	hi, _ := tensor.Float64s(e.params[1])
	p, err := shape.NewPlan(e.batch, e.pshapes...)
	if err != nil {
		return fmt.Errorf("uniform: %w", err)
	}
	for r := range p.Runs() {
		for i := range r.N {
			at := r.Off[1] + i*r.Step[1]
			if l, h := lo[at], hi[r.Off[2]+i*r.Step[2]]; !(l < h) {
				return &ConstraintError{Family: "uniform", Name: "low", Rule: fmt.Sprintf("< high (%g)", h), Got: l,
					Index: unravel(at, e.pshapes[0]), Err: ErrParam}
			}
		}
	}
	return nil
}

// Expand returns the uniforms broadcast to batch, sharing low and high
// (still unbroadcast, as Pyro's Uniform.expand keeps them).
func (d *Uniform) Expand(batch []int) (Distribution, error) {
	e, err := d.expand(batch)
	if err != nil {
		return nil, err
	}
	return &Uniform{e}, nil
}

// Low is the lower bound, as given.
func (d *Uniform) Low() *tensor.Dense { return d.params[0] }

// High is the upper bound, as given.
func (d *Uniform) High() *tensor.Dense { return d.params[1] }

// uniformKernel is Uniform's one numerical path; operands (out, x, low, high).
func uniformKernel[T tensor.Float](a *kargs[T]) {
	x, lo, hi := a.in[0], a.in[1], a.in[2]
	for r := range a.p.RunsIn(a.lo, a.hi) {
		o, ox, ol, oh := r.Off[0], r.Off[1], r.Off[2], r.Off[3]
		sx, sl, sh := r.Step[1], r.Step[2], r.Step[3]
		for i := range r.N {
			xv, l, h := float64(x[ox+i*sx]), float64(lo[ol+i*sl]), float64(hi[oh+i*sh])
			w := h - l
			lp := math.Inf(-1)
			if l <= xv && xv < h { // torch: lb = low.le(x), ub = high.gt(x)
				lp = 0 - tensor.Log(w) // +0 at w = 1, as torch
			}
			if a.out != nil {
				a.out[o+i] = T(lp)
			}
			if a.grad == nil {
				continue
			}
			wt := a.weight(o + i)
			if wt == 0 { // select, never multiply: a masked -Inf stays out
				continue
			}
			a.sum += wt * lp
			// ∂/∂x is 0: a.grad[0] is left as allocated.
			if g := a.grad[1]; g != nil {
				g[ol+i*sl] += wt / w
			}
			if g := a.grad[2]; g != nil {
				g[oh+i*sh] -= wt / w
			}
		}
	}
}

// RSample draws sampleShape+BatchShape() values l + U·(h-l), U ~ U[0, 1);
// ∂x/∂l = 1-U, ∂x/∂h = U. A draw that rounds up to h (possible in float32)
// is moved to the largest value below h, so every draw lies in [l, h).
func (d *Uniform) RSample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	if d.dtype == tensor.Float32 {
		return uniformDraw[float32](d, src, sampleShape)
	}
	return uniformDraw[float64](d, src, sampleShape)
}

// Sample is RSample for Uniform.
func (d *Uniform) Sample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	return d.RSample(src, sampleShape...)
}

func uniformDraw[T tensor.Float](d *Uniform, src rand.Source, sampleShape []int) (*tensor.Dense, error) {
	return draw(&d.elementwise, src, sampleShape, func(r *rand.Rand, run shape.Run, dst []T, in [][]T) {
		lo, hi := in[0], in[1]
		for i := range run.N {
			l, h := lo[run.Off[1]+i*run.Step[1]], hi[run.Off[2]+i*run.Step[2]]
			v := T(float64(l) + r.Float64()*(float64(h)-float64(l)))
			if v >= h && l < h {
				v = uniformBelow(h)
			}
			dst[run.Off[0]+i] = v
		}
	})
}

// uniformBelow returns the largest T less than h.
func uniformBelow[T tensor.Float](h T) T {
	if _, ok := any(h).(float32); ok {
		return T(math.Nextafter32(float32(h), float32(math.Inf(-1))))
	}
	return T(math.Nextafter(float64(h), math.Inf(-1)))
}

// Mean is (l+h)/2.
func (d *Uniform) Mean() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return (p[0] + p[1]) / 2 })
}

// Mode is NaN: every point of the support is a mode (torch's convention).
func (d *Uniform) Mode() (*tensor.Dense, error) {
	return d.moment(func([]float64) float64 { return math.NaN() })
}

// Variance is (h-l)²/12.
func (d *Uniform) Variance() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { w := p[1] - p[0]; return w * w / 12 })
}

// StdDev is (h-l)/√12, which does not overflow where the variance does.
func (d *Uniform) StdDev() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return (p[1] - p[0]) / math.Sqrt(12) })
}

// Entropy is log(h-l).
func (d *Uniform) Entropy() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return tensor.Log(p[1] - p[0]) })
}

// CDF is (x-l)/(h-l) clamped to [0, 1] (torch's formula); x must lie in
// [low, high] when validating.
func (d *Uniform) CDF(x Value) (*tensor.Dense, error) {
	return d.pointwise(x, "cdf", false, func(x float64, p []float64) float64 {
		switch c := (x - p[0]) / (p[1] - p[0]); {
		case c < 0:
			return 0
		case c > 1:
			return 1
		default:
			return c // NaN stays NaN
		}
	})
}

// ICDF is the quantile function l + u·(h-l); u must lie in [0, 1] when
// validating.
func (d *Uniform) ICDF(u Value) (*tensor.Dense, error) {
	return d.pointwise(u, "icdf", true, func(u float64, p []float64) float64 {
		return p[0] + u*(p[1]-p[0])
	})
}

// String is a torch-style summary of the distribution, for logs and messages.
func (d *Uniform) String() string {
	return fmt.Sprintf("Uniform(batch_shape=%s)", shape.Format(d.batch))
}

func init() {
	RegisterShapes("Uniform", GenericShapes("uniform", map[string]int{"low": 0, "high": 0}))
	Register("Uniform", func(s *Spec, opts ...Option) (Distribution, error) {
		if err := s.Known("low", "high"); err != nil {
			return nil, err
		}
		low, okL, err := s.Tensor("low")
		if err != nil {
			return nil, err
		}
		high, okH, err := s.Tensor("high")
		if err != nil {
			return nil, err
		}
		if !okL || !okH {
			return nil, fmt.Errorf("uniform: low and high are required: %w", ErrParam)
		}
		return NewUniform(low, high, opts...)
	})
}
