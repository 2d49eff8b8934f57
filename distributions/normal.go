package distributions

import (
	"fmt"
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// halfLog2Pi is log(2π)/2.
const halfLog2Pi = 0.918938533204672741780329736405617639861397473637783412817

// Normal is a batch of normal distributions, mean Loc and standard deviation
// Scale broadcast together:
//
//	log p(x) = -z²/2 - log σ - log(2π)/2,   z = (x-μ)/σ
//	∂/∂x = -z/σ    ∂/∂μ = z/σ    ∂/∂σ = (z²-1)/σ
//
// Normal is reparameterised: x = μ + σε with ε ~ N(0, 1).
type Normal struct{ elementwise }

// NewNormal returns the normals with mean loc and standard deviation scale,
// which must broadcast and share a floating dtype; when validating, loc is
// not NaN and every scale > 0.
func NewNormal(loc, scale *tensor.Dense, opts ...Option) (*Normal, error) {
	cfg := newConfig(opts)
	e, err := newElementwise("normal", []string{"loc", "scale"}, []*tensor.Dense{loc, scale}, cfg)
	if err != nil {
		return nil, err
	}
	if cfg.validate {
		if err := check("normal", "loc", "real", loc, ErrParam, isReal); err != nil {
			return nil, err
		}
		if err := check("normal", "scale", "> 0", scale, ErrParam, isPositive); err != nil {
			return nil, err
		}
	}
	e.k32, e.k64 = normalKernels(scale)
	e.support, e.rule = isReal, "real"
	return &Normal{e}, nil
}

// Expand returns the normals broadcast to batch, sharing loc and scale.
func (d *Normal) Expand(batch []int) (Distribution, error) {
	e, err := d.expand(batch)
	if err != nil {
		return nil, err
	}
	return &Normal{e}, nil
}

// Loc is the mean parameter, as given.
func (d *Normal) Loc() *tensor.Dense { return d.params[0] }

// Scale is the standard deviation parameter, as given.
func (d *Normal) Scale() *tensor.Dense { return d.params[1] }

// normalKernels returns Normal's kernels over a distribution's scale, with
// log σ computed on the first LogProb (tensor.LogSlice, as the kernel
// would) and kept, shared with Expand: repeated LogProb calls pay no log,
// as torch's lazy properties spare recomputing parameter-only terms. The
// gradient path, used once per distribution by RSampleGrad, takes its own
// logs.
func normalKernels(scale *tensor.Dense) (kernel[float32], kernel[float64]) {
	return keptKernel(scale, logSlice[float32], normalKernel[float32]), keptKernel(scale, logSlice[float64], normalKernel[float64])
}

// logSlice is tensor.LogSlice without its count.
func logSlice[T tensor.Float](dst, x []T) { tensor.LogSlice(dst, x) }

// normalKernel is Normal's one numerical path; operands (out, x, loc, scale).
// Without gradients it is tensor.NormalLogPdfLogScaleSlice over each run
// with logScale, log σ indexed like scale, in T (float32 stays float32,
// which is where the vector kernels pay most); with them a scalar loop in
// float64, as for every family, taking log σ from tensor.LogSlice logChunk
// elements at a time.
func normalKernel[T tensor.Float](a *kargs[T], logScale []T) {
	for r := range a.p.RunsIn(a.lo, a.hi) {
		if a.grad == nil {
			o := r.Off[0]
			tensor.NormalLogPdfLogScaleSlice(a.out[o:o+r.N], runOperand(a.in[0], r, 1, 0, r.N), runOperand(a.in[1], r, 2, 0, r.N), runOperand(a.in[2], r, 3, 0, r.N), runOperand(logScale, r, 3, 0, r.N))
			continue
		}
		for c := 0; c < r.N; c += logChunk {
			normalChunkGrad(a, r, c, min(logChunk, r.N-c))
		}
	}
}

// runOperand is operand k's elements for run elements [c, c+m): m of
// them, or the one element when the operand is broadcast along the run
// (step 0), which the tensor slice kernels broadcast.
func runOperand[T tensor.Float](v []T, r shape.Run, k, c, m int) []T {
	if r.Step[k] == 0 {
		return v[r.Off[k] : r.Off[k]+1]
	}
	off := r.Off[k] + c
	return v[off : off+m]
}

// normalChunkGrad writes log p of run elements [c, c+m) when out is
// non-nil and accumulates the partials, in float64.
func normalChunkGrad[T tensor.Float](a *kargs[T], r shape.Run, c, m int) {
	x, mu, sg := a.in[0], a.in[1], a.in[2]
	o, ox, om, os := r.Off[0]+c, r.Off[1]+c*r.Step[1], r.Off[2]+c*r.Step[2], r.Off[3]+c*r.Step[3]
	sx, sm, ss := r.Step[1], r.Step[2], r.Step[3]
	logS := runLogs(a.scr.f[0][:m], sg, os, ss)
	gx, gm, gs := a.grad[0], a.grad[1], a.grad[2]
	if a.w == nil && sx == 1 && sm == 1 && ss == 1 && gx != nil && gm != nil && gs != nil {
		a.sum = normalGradDense(a.sum, a.out, o, x[ox:ox+m], mu[om:om+m], sg[os:os+m], logS, gx[ox:ox+m], gm[om:om+m], gs[os:os+m])
		return
	}
	for i := range m {
		s := float64(sg[os+i*ss])
		z := (float64(x[ox+i*sx]) - float64(mu[om+i*sm])) / s
		lp := -z*z/2 - logS[i] - halfLog2Pi
		if a.out != nil {
			a.out[o+i] = T(lp)
		}
		w := a.weight(o + i)
		if w == 0 { // select, never multiply: a masked -Inf or NaN stays out
			continue
		}
		a.sum += w * lp
		wzs := w * z / s // ∂/∂μ; ∂/∂x is its negative
		if gx != nil {
			gx[ox+i*sx] -= wzs
		}
		if gm != nil {
			gm[om+i*sm] += wzs
		}
		if gs != nil {
			gs[os+i*ss] += wzs*z - w/s // w(z²-1)/σ
		}
	}
}

// normalGradDense is normalChunkGrad's loop for unit weights and operands
// that all walk with the output (RSampleGrad's layout): the same log p and
// partials, with 1/σ taken once (two divisions per element, not three),
// no per-element branches and no bounds checks. It returns sum plus the
// chunk's log p, added in order as the general loop adds them.
func normalGradDense[T tensor.Float](sum float64, out []T, o int, x, mu, sg []T, logS, gx, gm, gs []float64) float64 {
	m := len(x)
	mu, sg, logS, gx, gm, gs = mu[:m], sg[:m], logS[:m], gx[:m], gm[:m], gs[:m]
	for i := range m {
		s := float64(sg[i])
		z := (float64(x[i]) - float64(mu[i])) / s
		r := 1 / s
		lp := -z*z/2 - logS[i] - halfLog2Pi
		sum += lp
		zs := z * r // ∂/∂μ; ∂/∂x is its negative
		gx[i] -= zs
		gm[i] += zs
		gs[i] += zs*z - r // (z²-1)/σ
		logS[i] = lp
	}
	if out != nil {
		for i, lp := range logS {
			out[o+i] = T(lp)
		}
	}
	return sum
}

// RSample draws sampleShape+BatchShape() values μ + σε, ε ~ N(0, 1) from a
// ziggurat (in float32 tensor.Rng's, two draws per random word; in
// float64 math/rand/v2's); ∂x/∂μ = 1, ∂x/∂σ = ε.
func (d *Normal) RSample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	if d.dtype == tensor.Float32 {
		return normalDraw[float32](d, src, sampleShape)
	}
	return normalDraw[float64](d, src, sampleShape)
}

// Sample is RSample for Normal.
func (d *Normal) Sample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	return d.RSample(src, sampleShape...)
}

func normalDraw[T tensor.Float](d *Normal, src rand.Source, sampleShape []int) (*tensor.Dense, error) {
	if tensor.DtypeOf[T]() == tensor.Float64 {
		// math/rand/v2's ziggurat, whose ε HalfNormal and LogNormal share
		// bit for bit.
		return draw(&d.elementwise, src, sampleShape, func(r *rand.Rand, run shape.Run, dst []T, in [][]T) {
			mu, sg := in[0], in[1]
			for i := range run.N {
				m, s := float64(mu[run.Off[1]+i*run.Step[1]]), float64(sg[run.Off[2]+i*run.Step[2]])
				dst[run.Off[0]+i] = T(m + s*r.NormFloat64())
			}
		})
	}
	return drawRng(&d.elementwise, src, sampleShape, func(r *tensor.Rng, run shape.Run, dst []T, in [][]T) {
		out := dst[run.Off[0] : run.Off[0]+run.N]
		stdNormals(r, out)
		mu, sg := in[0], in[1]
		om, sm, os, ss := run.Off[1], run.Step[1], run.Off[2], run.Step[2]
		// μ + σz in float64, rounded once to T; the two common layouts
		// without the general indexing (in vector lanes for float32).
		if o32, ok := any(out).([]float32); ok && (sm == 0 || sm == 1) && (ss == 0 || ss == 1) {
			m32, s32 := any(runOperand(mu, run, 1, 0, len(out))).([]float32), any(runOperand(sg, run, 2, 0, len(out))).([]float32)
			tensor.AffineSlice32(o32, m32, s32)
			return
		}
		switch {
		case sm == 0 && ss == 0:
			m, s := float64(mu[om]), float64(sg[os])
			for i, z := range out {
				out[i] = T(m + s*float64(z))
			}
		case sm == 1 && ss == 1:
			mu, sg := mu[om:om+len(out)], sg[os:os+len(out)]
			for i, z := range out {
				out[i] = T(float64(mu[i]) + float64(sg[i])*float64(z))
			}
		default:
			for i, z := range out {
				out[i] = T(float64(mu[om+i*sm]) + float64(sg[os+i*ss])*float64(z))
			}
		}
	})
}

// stdNormals fills out with N(0, 1) draws of r: the float32 ziggurat,
// two draws per word, for float32, the 53-bit one for float64.
func stdNormals[T tensor.Float](r *tensor.Rng, out []T) {
	switch o := any(out).(type) {
	case []float32:
		r.NormFloat32s(o)
	case []float64:
		r.NormFloat64s(o)
	}
}

// Mean is Loc, broadcast to the batch shape.
func (d *Normal) Mean() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return p[0] })
}

// Mode is Loc, broadcast to the batch shape.
func (d *Normal) Mode() (*tensor.Dense, error) { return d.Mean() }

// StdDev is Scale, broadcast to the batch shape.
func (d *Normal) StdDev() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return p[1] })
}

// Variance is Scale².
func (d *Normal) Variance() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return p[1] * p[1] })
}

// Entropy is ½ + ½log(2π) + log σ.
func (d *Normal) Entropy() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return 0.5 + halfLog2Pi + tensor.Log(p[1]) })
}

// CDF is Φ((x-μ)/σ), accurate in both tails.
func (d *Normal) CDF(x Value) (*tensor.Dense, error) {
	return d.pointwise(x, "cdf", false, func(x float64, p []float64) float64 {
		return tensor.Ndtr((x - p[0]) / p[1])
	})
}

// ICDF is the quantile function μ + σΦ⁻¹(u), exact in the far tails
// (ICDF(1e-300) of N(0, 1) is -37.047...); u must lie in [0, 1] when
// validating.
func (d *Normal) ICDF(u Value) (*tensor.Dense, error) {
	return d.pointwise(u, "icdf", true, func(u float64, p []float64) float64 {
		return p[0] + p[1]*tensor.Ndtri(u)
	})
}

// String is a torch-style summary of the distribution, for logs and messages.
func (d *Normal) String() string {
	return fmt.Sprintf("Normal(batch_shape=%s)", shape.Format(d.batch))
}

func init() {
	RegisterShapes("Normal", GenericShapes("normal", map[string]int{"loc": 0, "scale": 0}))
	Register("Normal", func(s *Spec, opts ...Option) (Distribution, error) {
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
			return nil, fmt.Errorf("normal: loc and scale are required: %w", ErrParam)
		}
		return NewNormal(loc, scale, opts...)
	})
}
