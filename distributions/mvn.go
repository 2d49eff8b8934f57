package distributions

import (
	"fmt"
	"math"
	"math/rand/v2"

	gt "gorgonia.org/tensor"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// MultivariateNormal is a batch of multivariate normal distributions of
// event size n, mean Loc (shaped lbatch + (n,)) and covariance Σ = LLᵀ
// given by exactly one of a covariance matrix, a precision matrix Σ⁻¹ or a
// lower Cholesky factor L (shaped mbatch + (n, n)); the batch shape is
// broadcast(lbatch, mbatch). With z = L⁻¹(x−μ) and u = L⁻ᵀz = Σ⁻¹(x−μ)
// (torch.distributions.MultivariateNormal):
//
//	log p(x) = -½(n log 2π + ‖z‖²) - Σ_i log L_ii
//	∂/∂x = -u    ∂/∂μ = u
//	∂/∂L = tril(u zᵀ) - diag(1/L_ii)
//	∂/∂Σ = ½(u uᵀ - Σ⁻¹)            (symmetric, as torch returns it)
//	∂/∂Σ⁻¹ = ½(Σ - (x-μ)(x-μ)ᵀ)     (symmetric)
//
// (the matrix derivatives of log det and of the quadratic form: Petersen &
// Pedersen, The Matrix Cookbook, eqs. 57 and 61). The factor L is kept
// unbroadcasted, one per distinct matrix (the scale_tril itself when
// given, as torch does), together with 1/L_ii and Σ log L_ii, so that
// LogProb does no factorisation, logarithm or division per event. Where one
// factor serves a run of events (a covariance shared by a batch of locs),
// LogProb solves four at a time.
//
// Values, samples and results have the parameters' dtype; the arithmetic
// is float64 whatever it is (a float32 factor of a covariance or precision
// matrix is factored in float64 and rounded once).
//
// MultivariateNormal is reparameterised: x = μ + Lε with ε ~ N(0, I).
type MultivariateNormal struct {
	loc, matrix *tensor.Dense
	kind        mvnKind
	factor      *tensor.Dense // L, mbatch + (n, n); only the lower triangle is read
	invDiag     []float64     // 1/L_ii, mbatch + (n,)
	halfLogDet  []float64     // Σ log L_ii, mbatch
	lbatch      []int         // loc's batch shape
	mbatch      []int         // the matrix's batch shape
	batch       []int         // broadcast(lbatch, mbatch), or larger after Expand
	n           int
	dtype       gt.Dtype
	validate    bool
	memo        *mvnMemo
}

// mvnMemo keeps the last plans of LogProb and RSample (keyed by their
// shapes, so an Expand copy may share it).
type mvnMemo struct{ lp, draw planMemo }

// mvnKind is which matrix parameterises the distribution.
type mvnKind int

const (
	mvnCov mvnKind = iota
	mvnPrec
	mvnTril
)

// mvnNames are the torch names of the matrix parameters, by kind.
var mvnNames = [...]string{mvnCov: "covariance_matrix", mvnPrec: "precision_matrix", mvnTril: "scale_tril"}

const mvnFamily = "multivariate_normal"

// NewMultivariateNormal returns the multivariate normals with mean loc and
// covariance covarianceMatrix (torch's covariance_matrix), which must share
// a floating dtype; loc has at least one dim, the matrix at least two,
// square and of loc's event size, and their batch shapes broadcast (else
// ErrShape). The matrix must be positive definite (its Cholesky
// factorisation, of its lower triangle, must succeed: ErrParam otherwise,
// validating or not, as torch's cholesky raises); when validating, loc has
// no NaN and the matrix is symmetric within torch's isclose (|a_ij - a_ji|
// <= 1e-6 + 1e-5·|a_ji|).
func NewMultivariateNormal(loc, covarianceMatrix *tensor.Dense, opts ...Option) (*MultivariateNormal, error) {
	return newMVN(loc, covarianceMatrix, mvnCov, opts)
}

// NewMultivariateNormalPrecision is NewMultivariateNormal given the
// precision matrix Σ⁻¹ (torch's precision_matrix), factored as torch does
// (the Cholesky factor of the flipped matrix, which reads its upper
// triangle, then a triangular inverse).
func NewMultivariateNormalPrecision(loc, precisionMatrix *tensor.Dense, opts ...Option) (*MultivariateNormal, error) {
	return newMVN(loc, precisionMatrix, mvnPrec, opts)
}

// NewMultivariateNormalScaleTril is NewMultivariateNormal given the lower
// Cholesky factor L of the covariance (torch's scale_tril), which it keeps
// (no copy). When validating, L is lower triangular with a positive
// diagonal and no NaN (torch's lower_cholesky); entries above the diagonal
// are never read.
func NewMultivariateNormalScaleTril(loc, scaleTril *tensor.Dense, opts ...Option) (*MultivariateNormal, error) {
	return newMVN(loc, scaleTril, mvnTril, opts)
}

func newMVN(loc, m *tensor.Dense, kind mvnKind, opts []Option) (*MultivariateNormal, error) {
	cfg := newConfig(opts)
	name := mvnNames[kind]
	switch {
	case loc == nil:
		return nil, fmt.Errorf("%s: loc is nil: %w", mvnFamily, ErrParam)
	case m == nil:
		return nil, fmt.Errorf("%s: %s is nil: %w", mvnFamily, name, ErrParam)
	case !tensor.IsFloat(loc.Dtype()) || m.Dtype() != loc.Dtype():
		return nil, fmt.Errorf("%s: loc has dtype %v and %s %v, want float64 or float32 shared by both: %w", mvnFamily, loc.Dtype(), name, m.Dtype(), ErrDType)
	}
	ls, ms := tensor.ShapeOf(loc), tensor.ShapeOf(m)
	if len(ls) < 1 {
		return nil, fmt.Errorf("%s: loc must be at least one-dimensional, got shape (): %w", mvnFamily, ErrShape)
	}
	if len(ms) < 2 {
		return nil, fmt.Errorf("%s: %s must be at least two-dimensional, got shape %s: %w", mvnFamily, name, shape.Format(ms), ErrShape)
	}
	n := ls[len(ls)-1]
	if r, c := ms[len(ms)-2], ms[len(ms)-1]; r != c || c != n {
		return nil, fmt.Errorf("%s: %s of shape %s is not %d×%d, for loc of shape %s: %w", mvnFamily, name, shape.Format(ms), n, n, shape.Format(ls), ErrShape)
	}
	lb, mb := ls[:len(ls)-1], ms[:len(ms)-2]
	batch, err := shape.Broadcast(lb, mb)
	if err != nil {
		return nil, fmt.Errorf("%s: loc and %s: %w", mvnFamily, name, err)
	}
	d := &MultivariateNormal{
		loc: loc, matrix: m, kind: kind, lbatch: lb, mbatch: mb, batch: batch,
		n: n, dtype: loc.Dtype(), validate: cfg.validate, memo: new(mvnMemo),
	}
	if cfg.validate {
		if err := check(mvnFamily, "loc", "real", loc, ErrParam, isReal); err != nil {
			return nil, err
		}
		if kind == mvnTril {
			err = checkLowerCholesky(mvnFamily, name, m, n)
		} else {
			err = checkSymmetric(mvnFamily, name, m, n, ErrParam)
		}
		if err != nil { // a ConstraintError: the dtype was checked above
			return nil, err
		}
	}
	if d.dtype == tensor.Float32 {
		err = mvnFactorise[float32](d)
	} else {
		err = mvnFactorise[float64](d)
	}
	if err != nil {
		return nil, err
	}
	return d, nil
}

// mvnFactorise sets the factor L of every distinct matrix, 1/L_ii and
// Σ log L_ii. A covariance is factored by Cholesky (its lower triangle); a
// precision matrix P as torch's _precision_to_scale_tril does: Lf =
// chol(flip(P)) (reading P's upper triangle), then L = (flip(Lf)ᵀ)⁻¹, the
// unique lower factor with LLᵀ = P⁻¹. Factors are computed in float64 and
// rounded once to the dtype; 1/L_ii and the log-determinant are taken from
// the rounded factor, so that every method sees one and the same L.
func mvnFactorise[T tensor.Float](d *MultivariateNormal) error {
	n, nm := d.n, shape.Size(d.mbatch)
	src, err := tensor.Floats[T](d.matrix)
	if err != nil {
		return fmt.Errorf("%s: %s: %w", mvnFamily, mvnNames[d.kind], err)
	}
	fac := src
	if d.kind == mvnTril {
		d.factor = d.matrix
	} else {
		d.factor, fac = tensor.Alloc[T](shape.Concat(d.mbatch, []int{n, n}))
	}
	d.invDiag = make([]float64, nm*n)
	d.halfLogDet = make([]float64, nm)
	errs := make([]error, (nm+tensor.Block-1)/tensor.Block)
	tensor.ForBlocks(nm, func(b, lo, hi int) {
		var a, l, w []float64
		if d.kind != mvnTril {
			a, l, w = make([]float64, n*n), make([]float64, n*n), make([]float64, n*n)
		}
		for k := lo; k < hi; k++ {
			mk, fk := src[k*n*n:(k+1)*n*n], fac[k*n*n:(k+1)*n*n]
			switch d.kind {
			case mvnCov:
				for i, v := range mk {
					a[i] = float64(v)
				}
				if p, s := mvnCholesky(a, n, l); p >= 0 {
					errs[b] = d.notPD(k, p, s)
					return
				}
				for i, v := range l {
					fk[i] = T(v)
				}
			case mvnPrec:
				for i := range n {
					for j := range n {
						a[i*n+j] = float64(mk[(n-1-i)*n+(n-1-j)])
					}
				}
				if p, s := mvnCholesky(a, n, l); p >= 0 {
					errs[b] = d.notPD(k, n-1-p, s)
					return
				}
				for i := range n {
					for j := range n {
						w[i*n+j] = l[(n-1-j)*n+(n-1-i)]
					}
				}
				mvnTrilInverse(w, n, a)
				for i, v := range a {
					fk[i] = T(v)
				}
			}
			var h float64
			for i := range n {
				lii := float64(fk[i*n+i])
				d.invDiag[k*n+i] = 1 / lii
				h += tensor.Log(lii)
			}
			d.halfLogDet[k] = h
		}
	})
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// notPD is the error of matrix k (flat, in mbatch) whose factorisation
// failed at pivot (p, p) with Schur complement s.
func (d *MultivariateNormal) notPD(k, p int, s float64) error {
	idx := append(unravel(k, d.mbatch), p, p)
	return &ConstraintError{
		Family: mvnFamily, Name: mvnNames[d.kind],
		Rule: "positive definite (the Cholesky pivot here is not > 0)", Got: s, Index: idx, Err: ErrParam,
	}
}

// Expand returns the distributions broadcast to the batch shape batch,
// sharing loc, the matrix and its factor.
func (d *MultivariateNormal) Expand(batch []int) (Distribution, error) {
	if err := shape.CheckExpand(d.batch, batch); err != nil {
		return nil, fmt.Errorf("%s: %w", mvnFamily, err)
	}
	c := *d
	c.batch = shape.Clone(batch)
	return &c, nil
}

// BatchShape is broadcast(loc's batch, the matrix's batch), or the shape
// given to Expand.
func (d *MultivariateNormal) BatchShape() []int { return shape.Clone(d.batch) }

// EventShape is (n,).
func (d *MultivariateNormal) EventShape() []int { return []int{d.n} }

// Dtype is the parameters' dtype, which values and results share.
func (d *MultivariateNormal) Dtype() gt.Dtype { return d.dtype }

// Validating reports whether parameters were and values are validated.
func (d *MultivariateNormal) Validating() bool { return d.validate }

// Params returns loc and the matrix given, by torch name, as given.
func (d *MultivariateNormal) Params() map[string]*tensor.Dense {
	return map[string]*tensor.Dense{"loc": d.loc, mvnNames[d.kind]: d.matrix}
}

// Loc is the mean, as given.
func (d *MultivariateNormal) Loc() *tensor.Dense { return d.loc }

// ScaleTril is the lower Cholesky factor L of the covariance, broadcast to
// BatchShape() + (n, n) (a copy, as torch's expanded scale_tril).
func (d *MultivariateNormal) ScaleTril() *tensor.Dense {
	return d.perMatrix(func(l, dst []float64) { copy(dst, l) })
}

// CovarianceMatrix is Σ = LLᵀ (the matrix given, for a covariance),
// broadcast to BatchShape() + (n, n).
func (d *MultivariateNormal) CovarianceMatrix() *tensor.Dense {
	if d.kind == mvnCov {
		return d.bcast(d.matrix, shape.Concat(d.batch, []int{d.n, d.n}))
	}
	return d.perMatrix(func(l, dst []float64) { mvnGram(l, d.n, dst) })
}

// PrecisionMatrix is Σ⁻¹ = L⁻ᵀL⁻¹ (the matrix given, for a precision),
// broadcast to BatchShape() + (n, n).
func (d *MultivariateNormal) PrecisionMatrix() *tensor.Dense {
	if d.kind == mvnPrec {
		return d.bcast(d.matrix, shape.Concat(d.batch, []int{d.n, d.n}))
	}
	inv := make([]float64, d.n*d.n)
	return d.perMatrix(func(l, dst []float64) {
		mvnTrilInverse(l, d.n, inv)
		mvnGramT(inv, d.n, dst)
	})
}

// perMatrix returns f of each factor (widened, zero above the diagonal),
// an n×n matrix per distinct matrix, broadcast to BatchShape() + (n, n).
func (d *MultivariateNormal) perMatrix(f func(l, dst []float64)) *tensor.Dense {
	n, nm := d.n, shape.Size(d.mbatch)
	out := make([]float64, nm*n*n)
	l := make([]float64, n*n)
	for k := range nm {
		if d.dtype == tensor.Float32 {
			fac, _ := tensor.Floats[float32](d.factor)
			mvnWiden(fac[k*n*n:(k+1)*n*n], n, l)
		} else {
			fac, _ := tensor.Floats[float64](d.factor)
			mvnWiden(fac[k*n*n:(k+1)*n*n], n, l)
		}
		f(l, out[k*n*n:(k+1)*n*n])
	}
	mshape := shape.Concat(d.mbatch, []int{n, n})
	var t *tensor.Dense
	if d.dtype == tensor.Float32 {
		t = fromFloat64s[float32](out, mshape)
	} else {
		t = fromFloat64s[float64](out, mshape)
	}
	return d.bcast(t, shape.Concat(d.batch, []int{n, n}))
}

// bcast returns v broadcast to s (a copy); v broadcasts to s by
// construction.
func (d *MultivariateNormal) bcast(v *tensor.Dense, s []int) *tensor.Dense {
	var (
		res *tensor.Dense
		err error
	)
	if d.dtype == tensor.Float32 {
		res, err = tensor.BroadcastTo[float32](v, s)
	} else {
		res, err = tensor.BroadcastTo[float64](v, s)
	}
	if err != nil { // cannot happen: shapes were checked at construction and by Expand
		panic(err)
	}
	return res
}

// prepare checks x against the distribution (dtype; trailing dim n and a
// batch that broadcasts; no NaN when validating) and returns LogProb's
// shape.
func (d *MultivariateNormal) prepare(x Value) ([]int, error) {
	out, err := valueShape(mvnFamily, x, d.dtype, d.batch, []int{d.n})
	if err != nil {
		return nil, err
	}
	if d.validate {
		if err := check(mvnFamily, "value", "real", x, ErrSupport, isReal); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// LogProb returns log p(x), shaped broadcast(x.Shape()[:-1], BatchShape());
// x must end in the event size n. When validating, a NaN in x is
// ErrSupport.
func (d *MultivariateNormal) LogProb(x Value) (*tensor.Dense, error) {
	out, err := d.prepare(x)
	if err != nil {
		return nil, err
	}
	f32, f64 := d.logProbKernels(x, out)
	return allocLogProb(d.dtype, out, f32, f64)
}

// LogProbInto writes log p(x) into dst, which must have LogProb's shape and
// the distribution's dtype.
func (d *MultivariateNormal) LogProbInto(dst *tensor.Dense, x Value) error {
	out, err := d.prepare(x)
	if err != nil {
		return err
	}
	f32, f64 := d.logProbKernels(x, out)
	return fillLogProb(mvnFamily, d.dtype, dst, out, f32, f64)
}

// logProbKernels are mvnLogProbInto for x and LogProb's
// shape out, in both dtypes.
func (d *MultivariateNormal) logProbKernels(x Value, out []int) (func([]float32) error, func([]float64) error) {
	return func(dst []float32) error { return mvnLogProbInto(d, dst, x, out) },
		func(dst []float64) error { return mvnLogProbInto(d, dst, x, out) }
}

// mvnLogProbInto writes log p(x) over the output events into dst, a block
// of events at a time: events of a run that share one factor go four at a
// time through mvnForward4, the others one by one through mvnForward (the
// same operations, so the same bits either way).
func mvnLogProbInto[T tensor.Float](d *MultivariateNormal, dst []T, x Value, out []int) error {
	xs := x.Shape()
	p, err := d.memo.lp.plan(out, xs[:len(xs)-1], d.lbatch, d.mbatch)
	if err != nil {
		return fmt.Errorf("%s: %w", mvnFamily, err)
	}
	xd, err := tensor.Floats[T](x)
	if err != nil {
		return fmt.Errorf("%s: %w", mvnFamily, err)
	}
	mu, _ := tensor.Floats[T](d.loc) // dtypes were checked at construction
	fac, _ := tensor.Floats[T](d.factor)
	k := mvnLP[T]{p: p, dst: dst, x: xd, mu: mu, fac: fac, inv: d.invDiag, hld: d.halfLogDet, n: d.n}
	if p.Size() <= tensor.Block { // one block: no goroutine, and no closure to escape
		k.run(0, p.Size())
		return nil
	}
	kk := k
	tensor.ForBlocks(p.Size(), func(_, lo, hi int) { kk.run(lo, hi) })
	return nil
}

// mvnLP is LogProb's kernel over plan p, whose operands are (out, x's
// batch, loc's batch, the matrix's batch).
type mvnLP[T tensor.Float] struct {
	p          *shape.Plan
	dst, x, mu []T
	fac        []T
	inv, hld   []float64
	n          int
}

// run writes log p of output events [lo, hi).
func (k *mvnLP[T]) run(lo, hi int) {
	n, nn := k.n, k.n*k.n
	c := -float64(n) * halfLog2Pi
	z := make([]float64, 4*n)
	var q [4]float64
	for run := range k.p.RunsIn(lo, hi) {
		o, ox, ol, om := run.Off[0], run.Off[1], run.Off[2], run.Off[3]
		sx, sl, sm := run.Step[1], run.Step[2], run.Step[3]
		i := 0
		if sm == 0 { // one factor for the whole run
			l, inv, h := k.fac[om*nn:(om+1)*nn], k.inv[om*n:(om+1)*n], k.hld[om]
			for ; i+4 <= run.N; i += 4 {
				for e := range 4 {
					xr := k.x[(ox+(i+e)*sx)*n:][:n]
					mr := k.mu[(ol+(i+e)*sl)*n:][:n]
					ze := z[e*n : (e+1)*n]
					for j := range ze {
						ze[j] = float64(xr[j]) - float64(mr[j])
					}
				}
				mvnForward4(l, inv, n, z, q[:])
				for e, v := range q {
					k.dst[o+i+e] = T(c - v/2 - h)
				}
			}
		}
		r := z[:n]
		for ; i < run.N; i++ {
			xr := k.x[(ox+i*sx)*n:][:n]
			mr := k.mu[(ol+i*sl)*n:][:n]
			m := om + i*sm
			for j := range r {
				r[j] = float64(xr[j]) - float64(mr[j])
			}
			v := mvnForward(k.fac[m*nn:(m+1)*nn], k.inv[m*n:(m+1)*n], r)
			k.dst[o+i] = T(c - v/2 - k.hld[m])
		}
	}
}

// LogProbGrad returns Σ log p(x) and its gradient with respect to x, loc and
// the matrix given (by its torch name), each shaped like its operand:
// covariance and precision gradients are the symmetric matrices torch
// returns; the scale_tril gradient is its lower triangle, zero above the
// diagonal.
func (d *MultivariateNormal) LogProbGrad(x Value) (*Gradient, error) { return d.LogProbVJP(x, nil) }

// LogProbVJP is LogProbGrad with each element of log_prob weighted by
// upstream, which must broadcast to LogProb's shape (nil means ones). An
// element of weight 0 contributes exactly nothing.
func (d *MultivariateNormal) LogProbVJP(x, upstream Value) (*Gradient, error) {
	out, err := d.prepare(x)
	if err != nil {
		return nil, err
	}
	if d.dtype == tensor.Float32 {
		return mvnVJP[float32](d, x, upstream, out)
	}
	return mvnVJP[float64](d, x, upstream, out)
}

// mvnWeights returns upstream broadcast to out as []T, or nil for ones.
func mvnWeights[T tensor.Float](d *MultivariateNormal, upstream Value, out []int) ([]T, error) {
	if tensor.IsNil(upstream) {
		return nil, nil
	}
	if upstream.Dtype() != d.dtype {
		return nil, fmt.Errorf("%s: upstream has dtype %v, distribution %v: %w", mvnFamily, upstream.Dtype(), d.dtype, ErrDType)
	}
	w, err := tensor.BroadcastTo[T](upstream, out)
	if err != nil {
		return nil, fmt.Errorf("%s: upstream: %w", mvnFamily, err)
	}
	return tensor.Floats[T](w)
}

// mvnVJP is one serial pass over the output events: per event r = x-μ,
// z = L⁻¹r, u = L⁻ᵀz; ∓w·u into x's and loc's gradients, and per matrix
// the weight W = Σw and the sum of w times uzᵀ (scale_tril), uuᵀ
// (covariance) or rrᵀ (precision), from which the matrix gradient is
// finished once per matrix.
func mvnVJP[T tensor.Float](d *MultivariateNormal, x, upstream Value, out []int) (*Gradient, error) {
	w, err := mvnWeights[T](d, upstream, out)
	if err != nil {
		return nil, err
	}
	xs := tensor.ShapeOf(x)
	p, err := shape.NewPlan(out, xs[:len(xs)-1], d.lbatch, d.mbatch)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", mvnFamily, err)
	}
	xd, err := tensor.Floats[T](x)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", mvnFamily, err)
	}
	mu, _ := tensor.Floats[T](d.loc)
	fac, _ := tensor.Floats[T](d.factor)
	n, nm, inv, hld := d.n, shape.Size(d.mbatch), d.invDiag, d.halfLogDet
	c := -float64(n) * halfLog2Pi
	gx, gl := make([]float64, len(xd)), make([]float64, len(mu))
	gm, wm := make([]float64, nm*n*n), make([]float64, nm)
	r, z, u := make([]float64, n), make([]float64, n), make([]float64, n)
	var sum float64
	for run := range p.Runs() {
		for i := range run.N {
			wi := 1.0
			if w != nil {
				if wi = float64(w[run.Off[0]+i]); wi == 0 {
					continue // select, never multiply: a weight of 0 adds nothing
				}
			}
			xo, lo, m := run.Off[1]+i*run.Step[1], run.Off[2]+i*run.Step[2], run.Off[3]+i*run.Step[3]
			xr, mr := xd[xo*n:][:n], mu[lo*n:][:n]
			for k := range n {
				r[k] = float64(xr[k]) - float64(mr[k])
			}
			copy(z, r)
			l := fac[m*n*n : (m+1)*n*n]
			q := mvnForward(l, inv[m*n:(m+1)*n], z)
			sum += wi * (c - q/2 - hld[m])
			copy(u, z)
			mvnBackward(l, inv[m*n:(m+1)*n], u)
			gxr, glr := gx[xo*n:][:n], gl[lo*n:][:n]
			for k, v := range u {
				gxr[k] -= wi * v
				glr[k] += wi * v
			}
			wm[m] += wi
			a, left, right := gm[m*n*n:(m+1)*n*n], u, z
			switch d.kind {
			case mvnCov:
				right = u
			case mvnPrec:
				left, right = r, r
			}
			for ia := range n {
				wa := wi * left[ia]
				row := a[ia*n : ia*n+ia+1]
				for ib := range row {
					row[ib] += wa * right[ib]
				}
			}
		}
	}
	mvnFinishMatrixGrad(d, fac, gm, wm)
	g := &Gradient{LogProb: sum, Params: make(map[string]*tensor.Dense, 2)}
	g.Value = mvnResult[T](gx, xs)
	g.Params["loc"] = mvnResult[T](gl, tensor.ShapeOf(d.loc))
	g.Params[mvnNames[d.kind]] = mvnResult[T](gm, tensor.ShapeOf(d.matrix))
	return g, nil
}

// mvnResult returns a float64 accumulator as an array of dtype T and shape
// s: the accumulator itself for float64 (no copy), else rounded once.
func mvnResult[T tensor.Float](a []float64, s []int) *tensor.Dense {
	if tensor.DtypeOf[T]() == tensor.Float64 {
		if t, err := tensor.New(a, s...); err == nil {
			return t
		}
	}
	return fromFloat64s[T](a, s)
}

// mvnFinishMatrixGrad turns each matrix's accumulated lower-triangular sum
// acc (of w·uzᵀ, w·uuᵀ or w·rrᵀ) and weight W into the gradient with
// respect to the matrix given:
//
//	scale_tril:  acc - W·diag(1/L_ii)           (lower)
//	covariance:  ½(acc - W·Σ⁻¹)                 (symmetric)
//	precision:   ½(W·Σ - acc)                   (symmetric)
//
// The W term is left out where W = 0, so that a factor with an infinite
// entry adds no 0·Inf.
func mvnFinishMatrixGrad[T tensor.Float](d *MultivariateNormal, fac []T, gm, wm []float64) {
	n := d.n
	var l, li, s []float64
	if d.kind != mvnTril {
		l, li, s = make([]float64, n*n), make([]float64, n*n), make([]float64, n*n)
	}
	for m, wt := range wm {
		a := gm[m*n*n : (m+1)*n*n]
		switch d.kind {
		case mvnTril:
			if wt != 0 {
				for i := range n {
					a[i*n+i] -= wt * d.invDiag[m*n+i]
				}
			}
			continue
		case mvnCov:
			if wt != 0 {
				mvnTrilInverse(mvnWiden(fac[m*n*n:(m+1)*n*n], n, l), n, li)
				mvnGramT(li, n, s)
			}
		case mvnPrec:
			if wt != 0 {
				mvnGram(mvnWiden(fac[m*n*n:(m+1)*n*n], n, l), n, s)
			}
		}
		for i := range n {
			for j := 0; j <= i; j++ {
				v := a[i*n+j]
				if wt != 0 {
					if d.kind == mvnCov {
						v -= wt * s[i*n+j]
					} else {
						v = wt*s[i*n+j] - v
					}
				}
				v /= 2
				a[i*n+j], a[j*n+i] = v, v
			}
		}
	}
}

// RSample draws sampleShape + BatchShape() + (n,) values μ + Lε, ε ~ N(0, I)
// from tensor.Rng's 53-bit ziggurat (the same ε in float32 and float64),
// n standard normals per event in order; the draws depend on src and the
// shapes only, never on GOMAXPROCS.
func (d *MultivariateNormal) RSample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	if d.dtype == tensor.Float32 {
		return mvnSample[float32](d, src, sampleShape)
	}
	return mvnSample[float64](d, src, sampleShape)
}

// Sample is RSample for MultivariateNormal.
func (d *MultivariateNormal) Sample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	return d.RSample(src, sampleShape...)
}

func mvnSample[T tensor.Float](d *MultivariateNormal, src rand.Source, sampleShape []int) (*tensor.Dense, error) {
	if err := shape.Check(sampleShape); err != nil {
		return nil, fmt.Errorf("%s: sample shape: %w", mvnFamily, err)
	}
	streams, err := tensor.NewStreams(src)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", mvnFamily, err)
	}
	var buf [9]int // events + (n,) without allocating for up to 8 dims
	full := append(append(append(buf[:0], sampleShape...), d.batch...), d.n)
	events := full[:len(full)-1]
	p, err := d.memo.draw.plan(events, d.lbatch, d.mbatch)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", mvnFamily, err)
	}
	n := d.n
	res, dst := tensor.Alloc[T](full)
	mu, _ := tensor.Floats[T](d.loc)
	fac, _ := tensor.Floats[T](d.factor)
	tensor.ForBlocks(p.Size(), func(b, lo, hi int) {
		rng := streams.Rng(b)
		eps := make([]float64, n)
		for run := range p.RunsIn(lo, hi) {
			for i := range run.N {
				o, l, m := run.Off[0]+i, run.Off[1]+i*run.Step[1], run.Off[2]+i*run.Step[2]
				rng.NormFloat64s(eps)
				mvnAffineCols(dst[o*n:(o+1)*n], mu[l*n:(l+1)*n], fac[m*n*n:(m+1)*n*n], eps)
			}
		}
	})
	return res, nil
}

// RSampleVJP gives the reparameterisation gradient of draws x = μ + Lε of
// RSample (shaped sampleShape + BatchShape() + (n,)) for an upstream ∂L/∂x
// shaped like x (nil means ones): ε = L⁻¹(x-μ) is recovered from x, and
//
//	∂L/∂μ = Σ g    ∂L/∂L = tril(Σ g εᵀ)
//
// then, for a covariance, through the Cholesky factorisation
// (mvnCholeskyBackward, symmetric) and, for a precision P = Σ⁻¹, through
// the inverse: P̄ = -Σ Σ̄ Σ.
func (d *MultivariateNormal) RSampleVJP(x, upstream Value) (map[string]*tensor.Dense, error) {
	if tensor.IsNil(x) || x.Dtype() != d.dtype {
		return nil, fmt.Errorf("%s: rsample gradient needs a %v sample: %w", mvnFamily, d.dtype, ErrDType)
	}
	xs := tensor.ShapeOf(x)
	if len(xs) < 1 || xs[len(xs)-1] != d.n || !shape.BroadcastsTo(d.batch, xs[:len(xs)-1]) {
		return nil, fmt.Errorf("%s: a sample of shape %s does not end in %s: %w", mvnFamily, shape.Format(xs), shape.Format(shape.Concat(d.batch, []int{d.n})), ErrShape)
	}
	if !tensor.IsNil(upstream) {
		if upstream.Dtype() != d.dtype {
			return nil, fmt.Errorf("%s: upstream has dtype %v, distribution %v: %w", mvnFamily, upstream.Dtype(), d.dtype, ErrDType)
		}
		if !shape.Equal(tensor.ShapeOf(upstream), xs) {
			return nil, fmt.Errorf("%s: upstream of shape %s, sample %s: %w", mvnFamily, shape.Format(tensor.ShapeOf(upstream)), shape.Format(xs), ErrShape)
		}
	}
	if d.dtype == tensor.Float32 {
		return mvnPathwise[float32](d, x, upstream, xs)
	}
	return mvnPathwise[float64](d, x, upstream, xs)
}

func mvnPathwise[T tensor.Float](d *MultivariateNormal, x, upstream Value, xs []int) (map[string]*tensor.Dense, error) {
	p, err := shape.NewPlan(xs[:len(xs)-1], d.lbatch, d.mbatch)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", mvnFamily, err)
	}
	xd, err := tensor.Floats[T](x)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", mvnFamily, err)
	}
	var g []T
	if !tensor.IsNil(upstream) {
		if g, err = tensor.Floats[T](upstream); err != nil {
			return nil, fmt.Errorf("%s: upstream: %w", mvnFamily, err)
		}
	}
	mu, _ := tensor.Floats[T](d.loc)
	fac, _ := tensor.Floats[T](d.factor)
	n, nm := d.n, shape.Size(d.mbatch)
	gl, gm := make([]float64, len(mu)), make([]float64, nm*n*n)
	eps, gr := make([]float64, n), make([]float64, n)
	for run := range p.Runs() {
		for i := range run.N {
			o, lo, m := run.Off[0]+i, run.Off[1]+i*run.Step[1], run.Off[2]+i*run.Step[2]
			xr, mr := xd[o*n:][:n], mu[lo*n:][:n]
			for k := range n {
				eps[k] = float64(xr[k]) - float64(mr[k])
				gr[k] = 1
				if g != nil {
					gr[k] = float64(g[o*n+k])
				}
			}
			mvnForward(fac[m*n*n:(m+1)*n*n], d.invDiag[m*n:(m+1)*n], eps)
			glr, a := gl[lo*n:][:n], gm[m*n*n:(m+1)*n*n]
			for ia, ga := range gr {
				glr[ia] += ga
				if ga == 0 {
					continue
				}
				row := a[ia*n : ia*n+ia+1]
				for ib := range row {
					row[ib] += ga * eps[ib]
				}
			}
		}
	}
	if d.kind != mvnTril {
		l, li, w1, w2, s := make([]float64, n*n), make([]float64, n*n), make([]float64, n*n), make([]float64, n*n), make([]float64, n*n)
		for m := range nm {
			a := gm[m*n*n : (m+1)*n*n]
			mvnWiden(fac[m*n*n:(m+1)*n*n], n, l)
			mvnTrilInverse(l, n, li)
			mvnCholeskyBackward(l, li, a, n, s, w1, w2)
			if d.kind == mvnPrec { // P̄ = -Σ·Σ̄·Σ
				mvnGram(l, n, w1)
				mvnMul(w1, s, n, w2)
				mvnMul(w2, w1, n, s)
				for k := range s {
					s[k] = -s[k]
				}
			}
			copy(a, s)
		}
	}
	return map[string]*tensor.Dense{
		"loc":            mvnResult[T](gl, tensor.ShapeOf(d.loc)),
		mvnNames[d.kind]: mvnResult[T](gm, tensor.ShapeOf(d.matrix)),
	}, nil
}

// Mean is Loc, broadcast to BatchShape() + (n,).
func (d *MultivariateNormal) Mean() (*tensor.Dense, error) {
	return d.bcast(d.loc, shape.Concat(d.batch, []int{d.n})), nil
}

// Mode is Loc, broadcast to BatchShape() + (n,).
func (d *MultivariateNormal) Mode() (*tensor.Dense, error) { return d.Mean() }

// Variance is the diagonal of Σ, broadcast to BatchShape() + (n,): the
// covariance's own diagonal when given, else Σ_j L_ij² (torch takes the
// latter in every case, which rounds a given covariance's diagonal).
func (d *MultivariateNormal) Variance() (*tensor.Dense, error) {
	return d.diag(false), nil
}

// StdDev is the square root of Variance.
func (d *MultivariateNormal) StdDev() (*tensor.Dense, error) {
	return d.diag(true), nil
}

func (d *MultivariateNormal) diag(sqrt bool) *tensor.Dense {
	n, nm := d.n, shape.Size(d.mbatch)
	v := make([]float64, nm*n)
	var src *tensor.Dense = d.factor
	if d.kind == mvnCov {
		src = d.matrix
	}
	data, _ := tensor.Float64s(src)
	for m := range nm {
		a := data[m*n*n : (m+1)*n*n]
		for i := range n {
			var s float64
			if d.kind == mvnCov {
				s = a[i*n+i]
			} else {
				for _, l := range a[i*n : i*n+i+1] {
					s += l * l
				}
			}
			if sqrt {
				s = math.Sqrt(s)
			}
			v[m*n+i] = s
		}
	}
	ms := shape.Concat(d.mbatch, []int{n})
	var t *tensor.Dense
	if d.dtype == tensor.Float32 {
		t = fromFloat64s[float32](v, ms)
	} else {
		t = fromFloat64s[float64](v, ms)
	}
	return d.bcast(t, shape.Concat(d.batch, []int{n}))
}

// Entropy is n/2·(1 + log 2π) + Σ log L_ii, shaped BatchShape().
func (d *MultivariateNormal) Entropy() (*tensor.Dense, error) {
	c := float64(d.n) * (0.5 + halfLog2Pi)
	h := make([]float64, len(d.halfLogDet))
	for m, v := range d.halfLogDet {
		h[m] = c + v
	}
	var t *tensor.Dense
	if d.dtype == tensor.Float32 {
		t = fromFloat64s[float32](h, d.mbatch)
	} else {
		t = fromFloat64s[float64](h, d.mbatch)
	}
	return d.bcast(t, d.batch), nil
}

// String is a torch-style summary of the distribution, for logs and messages.
func (d *MultivariateNormal) String() string {
	return fmt.Sprintf("MultivariateNormal(batch_shape=%s, event_shape=(%d,), %s)", shape.Format(d.batch), d.n, mvnNames[d.kind])
}

// mvnShapes is Pyro's MultivariateNormal.infer_shapes: batch = loc[:-1]
// broadcast with matrix[:-2] of every matrix given, event = loc[-1:]. loc
// is required (ErrParam), of rank >= 1 and each matrix of rank >= 2
// (ErrShape, as the constructor; Pyro's rule does not check ranks).
func mvnShapes(params map[string][]int) ([]int, []int, error) {
	for name := range params {
		if name != "loc" && name != mvnNames[mvnCov] && name != mvnNames[mvnPrec] && name != mvnNames[mvnTril] {
			return nil, nil, fmt.Errorf("infer_shapes: MultivariateNormal has no parameter %q: %w", name, ErrParam)
		}
	}
	loc, ok := params["loc"]
	if !ok {
		return nil, nil, fmt.Errorf("infer_shapes: MultivariateNormal needs loc: %w", ErrParam)
	}
	if len(loc) < 1 {
		return nil, nil, fmt.Errorf("infer_shapes: MultivariateNormal: loc must be at least one-dimensional: %w", ErrShape)
	}
	batch, event := shape.Clone(loc[:len(loc)-1]), shape.Clone(loc[len(loc)-1:])
	for _, name := range mvnNames {
		m, ok := params[name]
		if !ok {
			continue
		}
		if len(m) < 2 {
			return nil, nil, fmt.Errorf("infer_shapes: MultivariateNormal: %s must be at least two-dimensional: %w", name, ErrShape)
		}
		b, err := shape.Broadcast(batch, m[:len(m)-2])
		if err != nil {
			return nil, nil, fmt.Errorf("infer_shapes: MultivariateNormal: %w", err)
		}
		batch = b
	}
	return batch, event, nil
}

func init() {
	RegisterShapes("MultivariateNormal", mvnShapes)
	Register("MultivariateNormal", func(s *Spec, opts ...Option) (Distribution, error) {
		if err := s.Known("loc", mvnNames[mvnCov], mvnNames[mvnPrec], mvnNames[mvnTril]); err != nil {
			return nil, err
		}
		loc, ok, err := s.Tensor("loc")
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("%s: loc is required: %w", mvnFamily, ErrParam)
		}
		var (
			m     *tensor.Dense
			kind  mvnKind
			given int
		)
		for k, name := range mvnNames {
			t, ok, err := s.Tensor(name)
			if err != nil {
				return nil, err
			}
			if ok {
				m, kind = t, mvnKind(k)
				given++
			}
		}
		if given != 1 {
			return nil, fmt.Errorf("%s: give exactly one of covariance_matrix, precision_matrix and scale_tril (got %d): %w", mvnFamily, given, ErrParam)
		}
		return newMVN(loc, m, kind, opts)
	})
}
