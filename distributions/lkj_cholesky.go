package distributions

import (
	"fmt"
	"math"
	"math/rand/v2"

	gt "gorgonia.org/tensor"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// LKJCholesky is a batch of LKJ distributions over the lower Cholesky
// factors L of D×D correlation matrices LLᵀ, whose density is
// proportional to det(LLᵀ)^(η−1) with concentration η > 0 (Lewandowski,
// Kurowicka and Joe 2009, "Generating random correlation matrices based on
// vines and extended onion method", JMVA 100; torch's LKJCholesky, Stan's
// lkj_corr_cholesky). With the Jacobian Π L_ii^(D−i) of L ↦ LLᵀ:
//
//	log p(L) = Σ_{i=2}^{D} (2(η−1) + D − i)·log L_ii − log c(η)
//	log c(η) = D(D−1)/4·log π − Σ_{j=1}^{D−1} log Γ(j/2) + Σ_{m=0}^{D−2} log B(η + m/2, (D−1−m)/2)
//
// (rows numbered from 1). log c is torch's ½(D−1)log π + mvlgamma(α−½, D−1)
// − (D−1)·lgamma α, α = η + (D−1)/2, rewritten with log Γ(a) − log Γ(a+b)
// = log B(a, b) − log Γ(b) so that it does not cancel for large η. Then
//
//	∂/∂L_ii = (2(η−1) + D − i)/L_ii   (i ≥ 2; 0 elsewhere)
//	∂/∂η = 2·Σ_{i≥2} log L_ii − Σ_{m=0}^{D−2} (ψ(η + m/2) − ψ(α))
//
// Sampling is the onion method (Section 3.2 of the paper), one row at a
// time: row i (0-based, i ≥ 1) is √y·u with u uniform on the unit sphere
// of R^i (normalised standard normals) and y ~ Beta(i/2, η + (D−1−i)/2),
// the diagonal √(1−y). torch 1.13 draws y ~ Beta(i − ½, η + (D−1−i)/2)
// instead, which agrees for D = 2 but not beyond: its off-diagonal
// correlations at D = 3, η = 1 have E r² = 0.3 for rows ≥ 2 where the
// density above (and the paper) give 0.25 for every pair; this sampler
// follows the density. As in torch there is no RSample and no moments.
type LKJCholesky struct {
	dim      int
	conc     *tensor.Dense // as given: its shape is the parameter batch
	cshape   []int
	batch    []int     // cshape, or larger after Expand
	norm     []float64 // log c(η), per element of conc
	dnorm    []float64 // ∂ log c/∂η, per element of conc
	dtype    gt.Dtype
	validate bool
}

// lkjMaxDim bounds dim so that a D×D event's size is a valid int and an
// allocation a machine could make.
const lkjMaxDim = 1 << 15

// lkjRowTol is Pyro's tolerance on the norm of a row of a correlation
// Cholesky factor (torch's is 10·eps·D, which Pyro patches to 1e-4).
const lkjRowTol = 1e-4

// NewLKJCholesky returns the LKJ distributions over D×D correlation
// Cholesky factors, D = dim ≥ 2, with concentration η (nil means 1, a
// float64 scalar); the batch shape is concentration's shape. When
// validating, every η > 0 (NaN is ErrParam); dim < 2 is always ErrParam.
func NewLKJCholesky(dim int, concentration *tensor.Dense, opts ...Option) (*LKJCholesky, error) {
	cfg := newConfig(opts)
	if dim < 2 || dim > lkjMaxDim {
		return nil, &ConstraintError{Family: "lkj_cholesky", Name: "dim", Rule: fmt.Sprintf("an integer in [2, %d]", lkjMaxDim), Got: float64(dim), Index: []int{}, Err: ErrParam}
	}
	if concentration == nil {
		concentration = tensor.Scalar(1.0)
	}
	if !tensor.IsFloat(concentration.Dtype()) {
		return nil, fmt.Errorf("lkj_cholesky: concentration has dtype %v, want float64 or float32: %w", concentration.Dtype(), ErrDType)
	}
	if cfg.validate {
		if err := check("lkj_cholesky", "concentration", "> 0", concentration, ErrParam, isPositive); err != nil {
			return nil, err
		}
	}
	etas, err := tensor.Float64s(concentration)
	if err != nil {
		return nil, fmt.Errorf("lkj_cholesky: concentration: %w", err)
	}
	d := &LKJCholesky{
		dim: dim, conc: concentration, cshape: tensor.ShapeOf(concentration), batch: tensor.ShapeOf(concentration),
		norm: make([]float64, len(etas)), dnorm: make([]float64, len(etas)),
		dtype: concentration.Dtype(), validate: cfg.validate,
	}
	for i, eta := range etas {
		d.norm[i], d.dnorm[i] = lkjLogNorm(dim, eta)
	}
	return d, nil
}

// lkjLogNorm returns log c(η) and its derivative in η (see LKJCholesky).
func lkjLogNorm(dim int, eta float64) (c, dc float64) {
	dm1 := float64(dim - 1)
	alpha := eta + dm1/2
	c = float64(dim) * dm1 / 4 * math.Log(math.Pi)
	psiAlpha := tensor.Digamma(alpha)
	for m := range dim - 1 {
		a, b := eta+float64(m)/2, (dm1-float64(m))/2
		c += tensor.Lbeta(a, b) - tensor.Lgamma(b)
		dc += tensor.Digamma(a) - psiAlpha
	}
	return c, dc
}

// Dim is D, the size of the matrices.
func (d *LKJCholesky) Dim() int { return d.dim }

// Concentration is η, as given.
func (d *LKJCholesky) Concentration() *tensor.Dense { return d.conc }

// Params returns the concentration by its torch name (dim is not a
// tensor parameter).
func (d *LKJCholesky) Params() map[string]*tensor.Dense {
	return map[string]*tensor.Dense{"concentration": d.conc}
}

// BatchShape is the shape of the batch of distributions (Distribution).
func (d *LKJCholesky) BatchShape() []int { return shape.Clone(d.batch) }

// EventShape is (D, D).
func (d *LKJCholesky) EventShape() []int { return []int{d.dim, d.dim} }

// Dtype is the floating dtype of the parameters and of LogProb (Distribution).
func (d *LKJCholesky) Dtype() gt.Dtype { return d.dtype }

// Validating reports whether the concentration was and values are
// validated.
func (d *LKJCholesky) Validating() bool { return d.validate }

// Expand returns the distributions broadcast to batch, sharing the
// concentration and its normalisers.
func (d *LKJCholesky) Expand(batch []int) (Distribution, error) {
	if err := shape.CheckExpand(d.batch, batch); err != nil {
		return nil, fmt.Errorf("lkj_cholesky: %w", err)
	}
	c := *d
	c.batch = shape.Clone(batch)
	return &c, nil
}

// prepare checks x (dtype, shape ending in (D, D), and when validating the
// support) and returns LogProb's shape.
func (d *LKJCholesky) prepare(x Value) ([]int, error) {
	out, err := valueShape("lkj_cholesky", x, d.dtype, d.batch, d.EventShape())
	if err != nil {
		return nil, err
	}
	if d.validate {
		if err := lkjCheckSupport(x, d.dim); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// lkjCheckSupport returns an ErrSupport ConstraintError for the first
// matrix of x that is not a correlation Cholesky factor (torch's
// corr_cholesky as Pyro patches it): 0 above the diagonal, a positive
// diagonal, rows of norm 1 within lkjRowTol. NaN fails every test.
func lkjCheckSupport(x Value, dim int) error {
	xs, err := tensor.Float64s(x)
	if err != nil {
		return fmt.Errorf("lkj_cholesky: value: %w", err)
	}
	s := tensor.ShapeOf(x)
	fail := func(at int, rule string, got float64) error {
		return &ConstraintError{Family: "lkj_cholesky", Name: "value", Rule: rule, Got: got, Index: unravel(at, s), Err: ErrSupport}
	}
	dd := dim * dim
	for m := range len(xs) / dd {
		l := xs[m*dd : (m+1)*dd]
		for i := range dim {
			var sq float64
			for j := range dim {
				v := l[i*dim+j]
				switch {
				case j > i && v != 0:
					return fail(m*dd+i*dim+j, "lower triangular (0 above the diagonal)", v)
				case j == i && !(v > 0):
					return fail(m*dd+i*dim+j, "> 0 on the diagonal", v)
				}
				sq += v * v
			}
			if nrm := math.Sqrt(sq); !(math.Abs(nrm-1) <= lkjRowTol) {
				return fail(m*dd+i*dim+i, fmt.Sprintf("a row of norm 1 (within %g)", lkjRowTol), nrm)
			}
		}
	}
	return nil
}

// LogProb returns log p(L), shaped broadcast(x.Shape()[:-2], BatchShape());
// x must end in (D, D). Only the diagonal is read: with validation off, a
// value outside the support is scored by its diagonal (-Inf for a zero
// diagonal entry of positive order, NaN for a negative one).
func (d *LKJCholesky) LogProb(x Value) (*tensor.Dense, error) {
	out, err := d.prepare(x)
	if err != nil {
		return nil, err
	}
	f32, f64 := d.logProbKernels(x, out)
	return allocLogProb(d.dtype, out, f32, f64)
}

// LogProbInto writes log p(x) into dst, which must have LogProb's shape and
// the distribution's dtype.
func (d *LKJCholesky) LogProbInto(dst *tensor.Dense, x Value) error {
	out, err := d.prepare(x)
	if err != nil {
		return err
	}
	f32, f64 := d.logProbKernels(x, out)
	return fillLogProb("lkj_cholesky", d.dtype, dst, out, f32, f64)
}

// logProbKernels are lkjLogProbInto for x and LogProb's
// shape out, in both dtypes.
func (d *LKJCholesky) logProbKernels(x Value, out []int) (func([]float32) error, func([]float64) error) {
	return func(dst []float32) error { lkjLogProbInto(d, dst, x, out); return nil },
		func(dst []float64) error { lkjLogProbInto(d, dst, x, out); return nil }
}

// lkjOrder is the power of L_ii in the density, 2(η−1) + D−1−i for the
// 0-based row i ≥ 1.
func lkjOrder(eta float64, dim, i int) float64 { return 2*(eta-1) + float64(dim-1-i) }

// lkjLogProb1 is log p of one matrix l (row-major D×D) at η with
// normaliser c; an order of 0 contributes 0 even at L_ii = 0 (xlogy).
func lkjLogProb1[T tensor.Float](l []T, dim int, eta, c float64) float64 {
	var s float64
	for i := 1; i < dim; i++ {
		s += tensor.XLogY(lkjOrder(eta, dim, i), float64(l[i*dim+i]))
	}
	return s - c
}

func lkjLogProbInto[T tensor.Float](d *LKJCholesky, dst []T, x Value, out []int) {
	xs, _ := tensor.Floats[T](x) // prepare checked the dtype
	xsh := tensor.ShapeOf(x)
	p, _ := shape.NewPlan(out, xsh[:len(xsh)-2], d.cshape) // prepare checked the shapes
	etas, _ := tensor.Floats[T](d.conc)
	dd := d.dim * d.dim
	tensor.ForBlocks(p.Size(), func(_, lo, hi int) {
		for r := range p.RunsIn(lo, hi) {
			for i := range r.N {
				m, c := r.Off[1]+i*r.Step[1], r.Off[2]+i*r.Step[2]
				dst[r.Off[0]+i] = T(lkjLogProb1(xs[m*dd:(m+1)*dd], d.dim, float64(etas[c]), d.norm[c]))
			}
		}
	})
}

// LogProbGrad returns Σ log p(x) and its gradient with respect to x
// (nonzero on the diagonal below the first row only) and the
// concentration, each shaped like its operand.
func (d *LKJCholesky) LogProbGrad(x Value) (*Gradient, error) { return d.LogProbVJP(x, nil) }

// LogProbVJP is LogProbGrad with each element of log_prob weighted by
// upstream, which must broadcast to LogProb's shape (nil means ones). An
// element of weight 0 or of log p = -Inf contributes nothing to the
// gradient.
func (d *LKJCholesky) LogProbVJP(x, upstream Value) (*Gradient, error) {
	out, err := d.prepare(x)
	if err != nil {
		return nil, err
	}
	if d.dtype == tensor.Float32 {
		return lkjVJP[float32](d, x, upstream, out)
	}
	return lkjVJP[float64](d, x, upstream, out)
}

func lkjVJP[T tensor.Float](d *LKJCholesky, x, upstream Value, out []int) (*Gradient, error) {
	var w []T
	if !tensor.IsNil(upstream) {
		if upstream.Dtype() != d.dtype {
			return nil, fmt.Errorf("lkj_cholesky: upstream has dtype %v, distribution %v: %w", upstream.Dtype(), d.dtype, ErrDType)
		}
		wt, err := tensor.BroadcastTo[T](upstream, out)
		if err != nil {
			return nil, fmt.Errorf("lkj_cholesky: upstream: %w", err)
		}
		w, _ = tensor.Floats[T](wt)
	}
	xs, _ := tensor.Floats[T](x)
	xsh := tensor.ShapeOf(x)
	p, _ := shape.NewPlan(out, xsh[:len(xsh)-2], d.cshape)
	etas, _ := tensor.Floats[T](d.conc)
	dim, dd := d.dim, d.dim*d.dim
	gx := make([]float64, len(xs))
	geta := make([]float64, len(etas))
	var sum float64
	for r := range p.Runs() {
		for i := range r.N {
			o, m, c := r.Off[0]+i, r.Off[1]+i*r.Step[1], r.Off[2]+i*r.Step[2]
			wo := 1.0
			if w != nil {
				wo = float64(w[o])
			}
			l, eta := xs[m*dd:(m+1)*dd], float64(etas[c])
			if wo == 0 { // select, never multiply: a masked -Inf or NaN stays out
				continue
			}
			lp := lkjLogProb1(l, dim, eta, d.norm[c])
			sum += wo * lp
			if math.IsInf(lp, -1) { // a zero diagonal entry: its partial is infinite
				continue
			}
			var logs float64
			for j := 1; j < dim; j++ {
				v := float64(l[j*dim+j])
				logs += tensor.Log(v)
				if ord := lkjOrder(eta, dim, j); ord != 0 {
					gx[m*dd+j*dim+j] += wo * ord / v
				}
			}
			geta[c] += wo * (2*logs - d.dnorm[c])
		}
	}
	gxt, _ := tensor.Alloc[T](xsh)
	gxd, _ := tensor.Floats[T](gxt)
	for i, v := range gx {
		gxd[i] = T(v)
	}
	return &Gradient{LogProb: sum, Value: gxt, Params: map[string]*tensor.Dense{"concentration": fromFloat64s[T](geta, d.cshape)}}, nil
}

// Sample draws sampleShape + BatchShape() + (D, D) factors by the onion
// method (see LKJCholesky), in float64 rounded to the dtype: per matrix
// and row i ≥ 1, two standard gammas X ~ Γ(i/2), Y ~ Γ(η + (D−1−i)/2)
// give y = X/(X+Y) and 1−y = Y/(X+Y) without cancellation, then i
// standard normals the direction. The diagonal is clamped to at least
// √tiny of the dtype, as torch does, where Y underflows (η → 0). Matrices
// are drawn in blocks of fixed size from streams keyed by src, so the
// draws never depend on GOMAXPROCS.
func (d *LKJCholesky) Sample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	if d.dtype == tensor.Float32 {
		return lkjSample[float32](d, src, sampleShape, 0x1p-126)
	}
	return lkjSample[float64](d, src, sampleShape, 0x1p-1022)
}

func lkjSample[T tensor.Float](d *LKJCholesky, src rand.Source, sampleShape []int, tiny float64) (*tensor.Dense, error) {
	if err := shape.Check(sampleShape); err != nil {
		return nil, fmt.Errorf("lkj_cholesky: sample shape: %w", err)
	}
	streams, err := tensor.NewStreams(src)
	if err != nil {
		return nil, fmt.Errorf("lkj_cholesky: %w", err)
	}
	mats := shape.Concat(sampleShape, d.batch)
	p, err := shape.NewPlan(mats, d.cshape)
	if err != nil {
		return nil, fmt.Errorf("lkj_cholesky: %w", err)
	}
	etas, _ := tensor.Floats[T](d.conc)
	dim, dd := d.dim, d.dim*d.dim
	res, dst := tensor.Alloc[T](shape.Concat(mats, []int{dim, dim}))
	// A block holds per matrices, about tensor.Block elements; ForBlocks
	// over nb·Block elements then runs exactly nb blocks, in parallel as
	// for any array of that size, and block b's stream draws the same
	// matrices whatever the number of workers.
	per := max(1, tensor.Block/dd)
	n := p.Size()
	nb := (n + per - 1) / per
	tensor.ForBlocks(nb*tensor.Block, func(b, _, _ int) {
		rng := streams.Block(b)
		z := make([]float64, dim)
		for r := range p.RunsIn(b*per, min(n, (b+1)*per)) {
			for i := range r.N {
				m := r.Off[0] + i
				lkjOnion(rng, dst[m*dd:(m+1)*dd], dim, float64(etas[r.Off[1]+i*r.Step[1]]), tiny, z)
			}
		}
	})
	return res, nil
}

// lkjOnion writes one factor into l (zeroed, row-major D×D); z is scratch
// of length D.
func lkjOnion[T tensor.Float](rng *rand.Rand, l []T, dim int, eta, tiny float64, z []float64) {
	l[0] = 1
	for i := 1; i < dim; i++ {
		x := standardGamma(rng, float64(i)/2)
		y := standardGamma(rng, eta+float64(dim-1-i)/2)
		s := x + y
		if math.IsInf(y, 1) && !math.IsInf(x, 1) { // η = +Inf: the identity
			x, y, s = 0, 1, 1
		}
		var nrm float64
		for nrm == 0 { // a direction needs a nonzero normal vector
			nrm = 0
			for j := range i {
				z[j] = rng.NormFloat64()
				nrm += z[j] * z[j]
			}
		}
		scale := math.Sqrt(x/s) / math.Sqrt(nrm)
		for j := range i {
			l[i*dim+j] = T(scale * z[j])
		}
		l[i*dim+i] = T(math.Sqrt(max(y/s, tiny)))
	}
}

// String is a torch-style summary of the distribution, for logs and messages.
func (d *LKJCholesky) String() string {
	return fmt.Sprintf("LKJCholesky(dim=%d, batch_shape=%s)", d.dim, shape.Format(d.batch))
}

func init() {
	RegisterShapes("LKJCholesky", func(map[string][]int) ([]int, []int, error) {
		// Pyro's generic rule raises for a support with event dims
		// (corr_cholesky has 2).
		return nil, nil, fmt.Errorf("infer_shapes: LKJCholesky: its support has event dims (Pyro raises NotImplementedError): %w", ErrUnsupported)
	})
	Register("LKJCholesky", func(s *Spec, opts ...Option) (Distribution, error) {
		if err := s.Known("dim", "concentration"); err != nil {
			return nil, err
		}
		dt, ok, err := s.Tensor("dim")
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("lkj_cholesky: dim is required: %w", ErrParam)
		}
		dv := dt.Float64s()
		if len(dv) != 1 || dv[0] != math.Trunc(dv[0]) || !(math.Abs(dv[0]) <= lkjMaxDim) {
			return nil, fmt.Errorf("lkj_cholesky: dim must be one integer in [2, %d], got %v: %w", lkjMaxDim, dv, ErrParam)
		}
		conc, _, err := s.Tensor("concentration") // nil when absent: the default 1
		if err != nil {
			return nil, err
		}
		return NewLKJCholesky(int(dv[0]), conc, opts...)
	})
}
