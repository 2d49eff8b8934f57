package distributions

import (
	"fmt"
	"math"
	"math/rand/v2"

	gt "gorgonia.org/tensor"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Wishart is a batch of Wishart distributions over p×p positive definite
// matrices, with df ν > p-1 (shaped dfShape) and scale Σ = LLᵀ given by
// exactly one of a covariance matrix Σ, a precision matrix Σ⁻¹ or the
// lower Cholesky factor L (shaped mbatch + (p, p)); the batch shape is
// broadcast(dfShape, mbatch) (torch.distributions.Wishart). With
// Γ_p(a) = π^(p(p-1)/4) Π_{i<p} Γ(a - i/2) the multivariate gamma function:
//
//	log p(X) = -ν(p/2·log 2 + Σ log L_ii) - log Γ_p(ν/2) + ½(ν-p-1)·log|X| - ½tr(Σ⁻¹X)
//	∂/∂X = ½(ν-p-1)X⁻ᵀ - ½Σ⁻¹
//	∂/∂ν = -(p/2·log 2 + Σ log L_ii) - ½Σ_{i<p} ψ((ν-i)/2) + ½log|X|
//	∂/∂L = tril(L⁻ᵀ·L⁻¹X̃L⁻ᵀ) - ν·diag(1/L_ii)       (X̃ = (X+Xᵀ)/2)
//	∂/∂Σ = ½(Σ⁻¹X̃Σ⁻¹ - νΣ⁻¹)                        (symmetric)
//	∂/∂Σ⁻¹ = ½(νΣ - X̃)                              (symmetric)
//
// (the density: Anderson, An Introduction to Multivariate Statistical
// Analysis, 3rd ed., §7.2; the matrix derivatives: Petersen & Pedersen, The
// Matrix Cookbook, eqs. 49, 57 and 61). log|X| is torch's slogdet: by
// Cholesky for a symmetric positive definite X, else by LU. L, L⁻¹, Σ⁻¹
// and Σ log L_ii are kept per distinct matrix and the ν-only terms per
// distinct df, so that LogProb costs one p×p factorisation per event.
//
// Values, samples and results have the parameters' dtype; the arithmetic is
// float64 whatever it is.
//
// Wishart is reparameterised by the Bartlett decomposition X = (LA)(LA)ᵀ,
// A lower triangular with A_ii = √c_i, c_i ~ χ²(ν-i), and N(0, 1) below the
// diagonal; the gradient through c_i is the implicit one of the gamma
// distribution. Unlike torch 1.13 it never redraws a sample (pytorch#122021).
type Wishart struct {
	df, matrix             *tensor.Dense
	kind                   mvnKind
	dfShape, mbatch, batch []int
	p                      int
	dtype                  gt.Dtype
	validate               bool

	// Per matrix (flat in mbatch), float64:
	fac, linv, prec []float64 // L (zero above the diagonal), L⁻¹, Σ⁻¹: p×p
	invDiag         []float64 // 1/L_ii, p
	hld             []float64 // Σ log L_ii
	// Per df element: -ν·p/2·log 2 - log Γ_p(ν/2).
	dfConst []float64
}

const wishartFamily = "wishart"

// NewWishart returns the Wishart distributions with df degrees of freedom
// and covariance (scale) matrix covarianceMatrix (torch's
// covariance_matrix), which must share a floating dtype; the matrix has at
// least two dims and is square, and its batch shape broadcasts with df's
// shape (else ErrShape). Every df must be > p-1 (ErrParam, validating or
// not, as torch raises); the matrix must be positive definite (its
// Cholesky factorisation, of its lower triangle, must succeed: ErrParam).
// When validating, df has no NaN and the matrix is symmetric within torch's
// isclose.
func NewWishart(df, covarianceMatrix *tensor.Dense, opts ...Option) (*Wishart, error) {
	return newWishart(df, covarianceMatrix, mvnCov, opts)
}

// NewWishartPrecision is NewWishart given the precision matrix Σ⁻¹
// (torch's precision_matrix), factored as torch does (the Cholesky factor
// of the flipped matrix, then a triangular inverse).
func NewWishartPrecision(df, precisionMatrix *tensor.Dense, opts ...Option) (*Wishart, error) {
	return newWishart(df, precisionMatrix, mvnPrec, opts)
}

// NewWishartScaleTril is NewWishart given the lower Cholesky factor L of
// the scale (torch's scale_tril). When validating, L is lower triangular
// with a positive diagonal and no NaN; entries above the diagonal are never
// read (torch 1.13 would use them).
func NewWishartScaleTril(df, scaleTril *tensor.Dense, opts ...Option) (*Wishart, error) {
	return newWishart(df, scaleTril, mvnTril, opts)
}

func newWishart(df, m *tensor.Dense, kind mvnKind, opts []Option) (*Wishart, error) {
	cfg := newConfig(opts)
	name := mvnNames[kind]
	switch {
	case df == nil:
		return nil, fmt.Errorf("%s: df is nil: %w", wishartFamily, ErrParam)
	case m == nil:
		return nil, fmt.Errorf("%s: %s is nil: %w", wishartFamily, name, ErrParam)
	case !tensor.IsFloat(m.Dtype()) || df.Dtype() != m.Dtype():
		return nil, fmt.Errorf("%s: df has dtype %v and %s %v, want float64 or float32 shared by both: %w", wishartFamily, df.Dtype(), name, m.Dtype(), ErrDType)
	}
	fs, ms := tensor.ShapeOf(df), tensor.ShapeOf(m)
	if len(ms) < 2 {
		return nil, fmt.Errorf("%s: %s must be at least two-dimensional, got shape %s: %w", wishartFamily, name, shape.Format(ms), ErrShape)
	}
	p := ms[len(ms)-1]
	if ms[len(ms)-2] != p {
		return nil, fmt.Errorf("%s: %s of shape %s is not square: %w", wishartFamily, name, shape.Format(ms), ErrShape)
	}
	mb := ms[:len(ms)-2]
	batch, err := shape.Broadcast(fs, mb)
	if err != nil {
		return nil, fmt.Errorf("%s: df and %s: %w", wishartFamily, name, err)
	}
	// torch raises for df <= p-1 whatever validate_args says; NaN passes
	// that test and is caught by the validated constraint greater_than(p-1).
	lim := float64(p - 1)
	rule := fmt.Sprintf("> %d (the event size minus 1)", p-1)
	if err := check(wishartFamily, "df", rule, df, ErrParam, func(v float64) bool { return !(v <= lim) }); err != nil {
		return nil, err
	}
	if cfg.validate {
		if err := check(wishartFamily, "df", rule, df, ErrParam, func(v float64) bool { return v > lim }); err != nil {
			return nil, err
		}
		if kind == mvnTril {
			err = checkLowerCholesky(wishartFamily, name, m, p)
		} else {
			err = checkPositiveDefinite(wishartFamily, name, m, p, ErrParam)
		}
		if err != nil {
			return nil, err
		}
	}
	d := &Wishart{
		df: df, matrix: m, kind: kind, dfShape: fs, mbatch: mb, batch: batch,
		p: p, dtype: m.Dtype(), validate: cfg.validate,
	}
	if err := d.factorise(); err != nil {
		return nil, err
	}
	nus, _ := tensor.Float64s(df)
	d.dfConst = make([]float64, len(nus))
	for k, nu := range nus {
		d.dfConst[k] = -nu*float64(p)/2*math.Ln2 - mvlgamma(nu/2, p)
	}
	return d, nil
}

// mvlgamma is log Γ_p(a) = p(p-1)/4·log π + Σ_{i<p} lgamma(a - i/2)
// (torch.mvlgamma).
func mvlgamma(a float64, p int) float64 {
	s := float64(p*(p-1)) / 4 * logPi
	for i := range p {
		s += tensor.Lgamma(a - float64(i)/2)
	}
	return s
}

// mvdigamma is Σ_{i<p} ψ(a - i/2), the derivative of log Γ_p(a).
func mvdigamma(a float64, p int) float64 {
	var s float64
	for i := range p {
		s += tensor.Digamma(a - float64(i)/2)
	}
	return s
}

const logPi = 1.144729885849400174143427351353058711647294812915311571513623 // log π

// factorise sets, per matrix, L (as MultivariateNormal factors it: Cholesky
// of a covariance's lower triangle; for a precision P, chol(flip(P)) then
// a triangular inverse; a scale_tril's lower triangle as given), L⁻¹,
// Σ⁻¹ = L⁻ᵀL⁻¹, 1/L_ii and Σ log L_ii.
func (d *Wishart) factorise() error {
	p, nm := d.p, shape.Size(d.mbatch)
	src, _ := tensor.Float64s(d.matrix)
	pp := p * p
	d.fac, d.linv, d.prec = make([]float64, nm*pp), make([]float64, nm*pp), make([]float64, nm*pp)
	d.invDiag, d.hld = make([]float64, nm*p), make([]float64, nm)
	a, w := make([]float64, pp), make([]float64, pp)
	for k := range nm {
		mk, l := src[k*pp:(k+1)*pp], d.fac[k*pp:(k+1)*pp]
		switch d.kind {
		case mvnCov:
			if q, s := mvnCholesky(mk, p, l); q >= 0 {
				return d.notPD(k, q, s)
			}
		case mvnPrec:
			for i := range p {
				for j := range p {
					a[i*p+j] = mk[(p-1-i)*p+(p-1-j)]
				}
			}
			if q, s := mvnCholesky(a, p, w); q >= 0 {
				return d.notPD(k, p-1-q, s)
			}
			for i := range p { // flip(Lf)ᵀ, lower
				for j := range p {
					a[i*p+j] = w[(p-1-j)*p+(p-1-i)]
				}
			}
			mvnTrilInverse(a, p, l)
		case mvnTril:
			mvnWiden(mk, p, l)
		}
		li := d.linv[k*pp : (k+1)*pp]
		mvnTrilInverse(l, p, li)
		mvnGramT(li, p, d.prec[k*pp:(k+1)*pp])
		var h float64
		for i := range p {
			d.invDiag[k*p+i] = 1 / l[i*p+i]
			h += tensor.Log(l[i*p+i])
		}
		d.hld[k] = h
	}
	return nil
}

// notPD is the error of matrix k (flat, in mbatch) whose factorisation
// failed at pivot (q, q) with Schur complement s.
func (d *Wishart) notPD(k, q int, s float64) error {
	return &ConstraintError{
		Family: wishartFamily, Name: mvnNames[d.kind],
		Rule: "positive definite (the Cholesky pivot here is not > 0)", Got: s,
		Index: append(unravel(k, d.mbatch), q, q), Err: ErrParam,
	}
}

// Expand returns the distributions broadcast to the batch shape batch,
// sharing df, the matrix and its factors.
func (d *Wishart) Expand(batch []int) (Distribution, error) {
	if err := shape.CheckExpand(d.batch, batch); err != nil {
		return nil, fmt.Errorf("%s: %w", wishartFamily, err)
	}
	c := *d
	c.batch = shape.Clone(batch)
	return &c, nil
}

// BatchShape is broadcast(df's shape, the matrix's batch shape), or the
// shape given to Expand.
func (d *Wishart) BatchShape() []int { return shape.Clone(d.batch) }

// EventShape is (p, p).
func (d *Wishart) EventShape() []int { return []int{d.p, d.p} }

// Dtype is the parameters' dtype, which values and results share.
func (d *Wishart) Dtype() gt.Dtype { return d.dtype }

// Validating reports whether parameters were and values are validated.
func (d *Wishart) Validating() bool { return d.validate }

// Params returns df and the matrix given, by torch name, as given.
func (d *Wishart) Params() map[string]*tensor.Dense {
	return map[string]*tensor.Dense{"df": d.df, mvnNames[d.kind]: d.matrix}
}

// DF is the degrees of freedom ν, as given.
func (d *Wishart) DF() *tensor.Dense { return d.df }

// ScaleTril is L, broadcast to BatchShape() + (p, p).
func (d *Wishart) ScaleTril() *tensor.Dense {
	return d.perMatrix(func(k int, dst []float64) { copy(dst, d.fac[k*d.p*d.p:]) })
}

// CovarianceMatrix is Σ (the matrix given, for a covariance; else LLᵀ),
// broadcast to BatchShape() + (p, p).
func (d *Wishart) CovarianceMatrix() *tensor.Dense { return d.perMatrix(d.scaleMatrix) }

// PrecisionMatrix is Σ⁻¹ (the matrix given, for a precision; else
// L⁻ᵀL⁻¹), broadcast to BatchShape() + (p, p).
func (d *Wishart) PrecisionMatrix() *tensor.Dense {
	return d.perMatrix(func(k int, dst []float64) {
		pp := d.p * d.p
		if d.kind == mvnPrec {
			src, _ := tensor.Float64s(d.matrix)
			copy(dst, src[k*pp:(k+1)*pp])
			return
		}
		copy(dst, d.prec[k*pp:(k+1)*pp])
	})
}

// scaleMatrix writes Σ of matrix k into dst: torch's covariance_matrix is
// the given matrix itself for a covariance, else LLᵀ.
func (d *Wishart) scaleMatrix(k int, dst []float64) {
	pp := d.p * d.p
	if d.kind == mvnCov {
		src, _ := tensor.Float64s(d.matrix)
		copy(dst, src[k*pp:(k+1)*pp])
		return
	}
	mvnGram(d.fac[k*pp:(k+1)*pp], d.p, dst)
}

// perMatrix returns f of each matrix (p×p), broadcast to BatchShape() +
// (p, p), in the dtype.
func (d *Wishart) perMatrix(f func(k int, dst []float64)) *tensor.Dense {
	pp, nm := d.p*d.p, shape.Size(d.mbatch)
	out := make([]float64, nm*pp)
	for k := range nm {
		f(k, out[k*pp:(k+1)*pp])
	}
	ev := []int{d.p, d.p}
	return castBroadcast(d.dtype, out, shape.Concat(d.mbatch, ev), shape.Concat(d.batch, ev))
}

// perBatch returns, shaped BatchShape() + event in the dtype, f of each
// batch element's ν and matrix index, size values each.
func (d *Wishart) perBatch(event []int, f func(nu float64, k int, dst []float64)) *tensor.Dense {
	size := shape.Size(event)
	plan, err := shape.NewPlan(d.batch, d.dfShape, d.mbatch)
	if err != nil { // cannot happen: shapes were checked at construction and by Expand
		panic(err)
	}
	nus, _ := tensor.Float64s(d.df)
	out := make([]float64, shape.Size(d.batch)*size)
	for r := range plan.Runs() {
		for i := range r.N {
			o := r.Off[0] + i
			f(nus[r.Off[1]+i*r.Step[1]], r.Off[2]+i*r.Step[2], out[o*size:(o+1)*size])
		}
	}
	return castBroadcast(d.dtype, out, shape.Concat(d.batch, event), shape.Concat(d.batch, event))
}

// Mean is νΣ, shaped BatchShape() + (p, p).
func (d *Wishart) Mean() (*tensor.Dense, error) {
	return d.perBatch([]int{d.p, d.p}, func(nu float64, k int, dst []float64) {
		d.scaleMatrix(k, dst)
		for i := range dst {
			dst[i] *= nu
		}
	}), nil
}

// Mode is (ν-p-1)Σ where ν > p+1 and NaN elsewhere (torch 1.13 sets the
// factor to NaN where it is ≤ 0), shaped BatchShape() + (p, p).
func (d *Wishart) Mode() (*tensor.Dense, error) {
	return d.perBatch([]int{d.p, d.p}, func(nu float64, k int, dst []float64) {
		f := nu - float64(d.p) - 1
		if f <= 0 {
			f = math.NaN()
		}
		d.scaleMatrix(k, dst)
		for i := range dst {
			dst[i] *= f
		}
	}), nil
}

// Variance is Var X_ij = ν(Σ_ij² + Σ_ii·Σ_jj), shaped BatchShape() + (p, p).
func (d *Wishart) Variance() (*tensor.Dense, error) { return d.variance(false), nil }

// StdDev is the square root of Variance.
func (d *Wishart) StdDev() (*tensor.Dense, error) { return d.variance(true), nil }

func (d *Wishart) variance(sqrt bool) *tensor.Dense {
	p := d.p
	s := make([]float64, p*p)
	return d.perBatch([]int{p, p}, func(nu float64, k int, dst []float64) {
		d.scaleMatrix(k, s)
		for i := range p {
			for j := range p {
				v := nu * (s[i*p+j]*s[i*p+j] + s[i*p+i]*s[j*p+j])
				if sqrt {
					v = math.Sqrt(v)
				}
				dst[i*p+j] = v
			}
		}
	})
}

// Entropy is (p+1)(p/2·log 2 + Σ log L_ii) + log Γ_p(ν/2) -
// ½(ν-p-1)·Σ_{i<p} ψ((ν-i)/2) + νp/2, shaped BatchShape().
func (d *Wishart) Entropy() (*tensor.Dense, error) {
	p := float64(d.p)
	return d.perBatch(nil, func(nu float64, k int, dst []float64) {
		dst[0] = (p+1)*(p/2*math.Ln2+d.hld[k]) + mvlgamma(nu/2, d.p) - (nu-p-1)/2*mvdigamma(nu/2, d.p) + nu*p/2
	}), nil
}

// prepare checks x against the distribution (dtype; trailing dims (p, p)
// and a batch that broadcasts; when validating, each matrix positive
// definite: torch's positive_definite support, ErrSupport) and returns
// LogProb's shape.
func (d *Wishart) prepare(x Value) ([]int, error) {
	out, err := valueShape(wishartFamily, x, d.dtype, d.batch, []int{d.p, d.p})
	if err != nil {
		return nil, err
	}
	if d.validate {
		if err := checkPositiveDefinite(wishartFamily, "value", x, d.p, ErrSupport); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// wishartScratch holds one event's p×p work arrays.
type wishartScratch struct {
	x, a, b []float64
	piv     []int
}

func newWishartScratch(p int) *wishartScratch {
	return &wishartScratch{x: make([]float64, p*p), a: make([]float64, p*p), b: make([]float64, p*p), piv: make([]int, p)}
}

// logDet returns log|det X| of s.x, as torch's slogdet(X).logabsdet: by
// Cholesky when X is exactly symmetric and positive definite, else by LU.
// With inv it also leaves X⁻ᵀ in s.b (NaN or Inf entries for a singular X).
func (s *wishartScratch) logDet(p int, inv bool) float64 {
	x := s.x
	sym := true
	for i := range p {
		for j := range i {
			sym = sym && x[i*p+j] == x[j*p+i]
		}
	}
	if sym {
		if q, _ := mvnCholesky(x, p, s.a); q < 0 {
			var ld float64
			for i := range p {
				ld += tensor.Log(s.a[i*p+i])
			}
			if inv { // X⁻¹ = R⁻ᵀR⁻¹, symmetric
				mvnTrilInverse(s.a, p, s.b)
				copy(s.a, s.b)
				mvnGramT(s.a, p, s.b)
			}
			return 2 * ld
		}
	}
	copy(s.a, x)
	ld, _ := luFactor(s.a, p, s.piv)
	if inv {
		luInverse(s.a, p, s.piv, s.b)
		for i := range p { // transpose in place: X⁻ᵀ
			for j := range i {
				s.b[i*p+j], s.b[j*p+i] = s.b[j*p+i], s.b[i*p+j]
			}
		}
	}
	return ld
}

// LogProb returns log p(X), shaped broadcast(x.Shape()[:-2], BatchShape());
// x must end in (p, p). When validating, a matrix of x that is not
// positive definite is ErrSupport; unvalidated, it is scored by the same
// formula (log|X| by LU), as torch does.
func (d *Wishart) LogProb(x Value) (*tensor.Dense, error) {
	out, err := d.prepare(x)
	if err != nil {
		return nil, err
	}
	f32, f64 := d.logProbKernels(x, out)
	return allocLogProb(d.dtype, out, f32, f64)
}

// LogProbInto writes log p(X) into dst, which must have LogProb's shape
// and the distribution's dtype.
func (d *Wishart) LogProbInto(dst *tensor.Dense, x Value) error {
	out, err := d.prepare(x)
	if err != nil {
		return err
	}
	f32, f64 := d.logProbKernels(x, out)
	return fillLogProb(wishartFamily, d.dtype, dst, out, f32, f64)
}

// logProbKernels are wishartLogProbInto for x and LogProb's
// shape out, in both dtypes.
func (d *Wishart) logProbKernels(x Value, out []int) (func([]float32) error, func([]float64) error) {
	return func(dst []float32) error { return wishartLogProbInto(d, dst, x, out) },
		func(dst []float64) error { return wishartLogProbInto(d, dst, x, out) }
}

// wishartLogProbInto writes log p(X) over the output events into dst, in
// blocks (in parallel for many events; the same bits either way).
func wishartLogProbInto[T tensor.Float](d *Wishart, dst []T, x Value, out []int) error {
	xs := tensor.ShapeOf(x)
	plan, err := shape.NewPlan(out, xs[:len(xs)-2], d.dfShape, d.mbatch)
	if err != nil {
		return fmt.Errorf("%s: %w", wishartFamily, err)
	}
	xd, err := tensor.Floats[T](x)
	if err != nil {
		return fmt.Errorf("%s: %w", wishartFamily, err)
	}
	nus, _ := tensor.Float64s(d.df)
	p := d.p
	pp := p * p
	tensor.ForBlocks(plan.Size(), func(_, lo, hi int) {
		s := newWishartScratch(p)
		for run := range plan.RunsIn(lo, hi) {
			for i := range run.N {
				xo, kd, k := run.Off[1]+i*run.Step[1], run.Off[2]+i*run.Step[2], run.Off[3]+i*run.Step[3]
				for j, v := range xd[xo*pp : (xo+1)*pp] {
					s.x[j] = float64(v)
				}
				lp, _ := d.logProbParts(s, nus[kd], kd, k, false)
				dst[run.Off[0]+i] = T(lp)
			}
		}
	})
	return nil
}

// logProbParts returns log p(X) and log|X| for X in s.x; with inv, s.b is
// left holding X⁻ᵀ.
func (d *Wishart) logProbParts(s *wishartScratch, nu float64, kd, k int, inv bool) (lp, ld float64) {
	p := d.p
	pp := p * p
	ld = s.logDet(p, inv)
	var tr float64 // tr(Σ⁻¹X) = Σ_ij (Σ⁻¹)_ij X_ij, Σ⁻¹ symmetric
	for j, v := range d.prec[k*pp : (k+1)*pp] {
		tr += v * s.x[j]
	}
	return d.dfConst[kd] - nu*d.hld[k] + (nu-float64(p)-1)/2*ld - tr/2, ld
}

// LogProbGrad returns Σ log p(X) and its gradient with respect to X, df and
// the matrix given (by its torch name), each shaped like its operand:
// covariance and precision gradients are the symmetric matrices torch
// returns; the scale_tril gradient is its lower triangle, zero above the
// diagonal (torch's has upper entries, which are not free parameters).
func (d *Wishart) LogProbGrad(x Value) (*Gradient, error) { return d.LogProbVJP(x, nil) }

// LogProbVJP is LogProbGrad with each element of log_prob weighted by
// upstream, which must broadcast to LogProb's shape (nil means ones). An
// element of weight 0 contributes exactly nothing.
func (d *Wishart) LogProbVJP(x, upstream Value) (*Gradient, error) {
	out, err := d.prepare(x)
	if err != nil {
		return nil, err
	}
	w, err := weights64(wishartFamily, d.dtype, upstream, out)
	if err != nil {
		return nil, err
	}
	xs := tensor.ShapeOf(x)
	plan, err := shape.NewPlan(out, xs[:len(xs)-2], d.dfShape, d.mbatch)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", wishartFamily, err)
	}
	xd, err := tensor.Float64s(x)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", wishartFamily, err)
	}
	nus, _ := tensor.Float64s(d.df)
	p := d.p
	pp, nm, fp := p*p, shape.Size(d.mbatch), float64(p)
	psi := make([]float64, len(nus)) // Σ_{i<p} ψ((ν-i)/2), per df element
	for kd, nu := range nus {
		psi[kd] = mvdigamma(nu/2, p)
	}
	gx, gdf := make([]float64, len(xd)), make([]float64, len(nus))
	xsum, nusum, wsum := make([]float64, nm*pp), make([]float64, nm), make([]float64, nm)
	s := newWishartScratch(p)
	var sum float64
	for run := range plan.Runs() {
		for i := range run.N {
			wi := 1.0
			if w != nil {
				if wi = w[run.Off[0]+i]; wi == 0 {
					continue // select, never multiply: a weight of 0 adds nothing
				}
			}
			xo, kd, k := run.Off[1]+i*run.Step[1], run.Off[2]+i*run.Step[2], run.Off[3]+i*run.Step[3]
			xr := xd[xo*pp : (xo+1)*pp]
			copy(s.x, xr)
			nu := nus[kd]
			lp, ld := d.logProbParts(s, nu, kd, k, true)
			sum += wi * lp
			c := (nu - fp - 1) / 2
			gxr, prec := gx[xo*pp:(xo+1)*pp], d.prec[k*pp:(k+1)*pp]
			for j := range gxr {
				gxr[j] += wi * (c*s.b[j] - prec[j]/2)
			}
			gdf[kd] += wi * (-(fp/2*math.Ln2 + d.hld[k]) - psi[kd]/2 + ld/2)
			xk := xsum[k*pp : (k+1)*pp]
			for a := range p {
				for b := range p {
					xk[a*p+b] += wi * (xr[a*p+b] + xr[b*p+a]) / 2
				}
			}
			nusum[k] += wi * nu
			wsum[k] += wi
		}
	}
	gm := d.finishMatrixGrad(xsum, nusum, wsum)
	g := &Gradient{LogProb: sum, Params: make(map[string]*tensor.Dense, 2)}
	if d.dtype == tensor.Float32 {
		g.Value = fromFloat64s[float32](gx, xs)
		g.Params["df"] = fromFloat64s[float32](gdf, d.dfShape)
		g.Params[mvnNames[d.kind]] = fromFloat64s[float32](gm, tensor.ShapeOf(d.matrix))
	} else {
		g.Value = fromFloat64s[float64](gx, xs)
		g.Params["df"] = fromFloat64s[float64](gdf, d.dfShape)
		g.Params[mvnNames[d.kind]] = fromFloat64s[float64](gm, tensor.ShapeOf(d.matrix))
	}
	return g, nil
}

// finishMatrixGrad turns each matrix's weighted sum of symmetrised values
// X̄ = Σ w·X̃ and of weighted dfs N = Σ w·ν into the gradient with respect
// to the matrix given (the log-likelihood is linear in X̃ and ν):
//
//	scale_tril:  tril(L⁻ᵀ·L⁻¹X̄L⁻ᵀ) - N·diag(1/L_ii)
//	covariance:  ½(Σ⁻¹X̄Σ⁻¹ - N·Σ⁻¹)
//	precision:   ½(N·Σ - X̄)
//
// A matrix no event weighs (total weight 0) gets exact zeros.
func (d *Wishart) finishMatrixGrad(xsum, nusum, wsum []float64) []float64 {
	p := d.p
	pp := p * p
	out := make([]float64, len(xsum))
	t1, t2 := make([]float64, pp), make([]float64, pp)
	for k, wt := range wsum {
		if wt == 0 {
			continue
		}
		xk, g, nu := xsum[k*pp:(k+1)*pp], out[k*pp:(k+1)*pp], nusum[k]
		switch d.kind {
		case mvnTril:
			li := d.linv[k*pp : (k+1)*pp]
			mvnMul(li, xk, p, t1) // L⁻¹X̄
			for i := range p {    // t2 = t1·L⁻ᵀ = L⁻¹X̄L⁻ᵀ
				for j := range p {
					var v float64
					for c := 0; c <= j; c++ {
						v += t1[i*p+c] * li[j*p+c]
					}
					t2[i*p+j] = v
				}
			}
			for i := range p { // tril(L⁻ᵀ·t2): (L⁻ᵀ)_ic = li[c][i], c ≥ i
				for j := 0; j <= i; j++ {
					var v float64
					for c := i; c < p; c++ {
						v += li[c*p+i] * t2[c*p+j]
					}
					if i == j {
						v -= nu * d.invDiag[k*p+i]
					}
					g[i*p+j] = v
				}
			}
		case mvnCov:
			sk := d.prec[k*pp : (k+1)*pp]
			mvnMul(sk, xk, p, t1)
			mvnMul(t1, sk, p, t2)
			for i := range p {
				for j := 0; j <= i; j++ {
					v := (t2[i*p+j]+t2[j*p+i])/4 - nu*sk[i*p+j]/2
					g[i*p+j], g[j*p+i] = v, v
				}
			}
		case mvnPrec:
			mvnGram(d.fac[k*pp:(k+1)*pp], p, t1)
			for i := range p {
				for j := 0; j <= i; j++ {
					v := (nu*t1[i*p+j] - xk[i*p+j]) / 2
					g[i*p+j], g[j*p+i] = v, v
				}
			}
		}
	}
	return out
}

// RSample draws sampleShape + BatchShape() + (p, p) matrices by the
// Bartlett decomposition X = (LA)(LA)ᵀ: per event, A_ii = √(2·s_i) with
// s_i ~ Gamma((ν-i)/2, 1) by standardGamma, raised to the dtype's machine
// epsilon as torch's _clamp_above_eps does, for i = 0…p-1, then the
// p(p-1)/2 entries below the diagonal ~ N(0, 1), row by row. There is no
// rejection step (torch 1.13 redraws "singular" samples, which biases
// them: pytorch#122021). X is exactly symmetric. The draws depend on src
// and the shapes only, never on GOMAXPROCS.
func (d *Wishart) RSample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	if d.dtype == tensor.Float32 {
		return wishartSample[float32](d, src, sampleShape)
	}
	return wishartSample[float64](d, src, sampleShape)
}

// Sample is RSample for Wishart.
func (d *Wishart) Sample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	return d.RSample(src, sampleShape...)
}

// wishartEps is the machine epsilon of T, torch's finfo(dtype).eps.
func wishartEps[T tensor.Float]() float64 {
	if tensor.DtypeOf[T]() == tensor.Float32 {
		return 0x1p-23
	}
	return 0x1p-52
}

func wishartSample[T tensor.Float](d *Wishart, src rand.Source, sampleShape []int) (*tensor.Dense, error) {
	if err := shape.Check(sampleShape); err != nil {
		return nil, fmt.Errorf("%s: sample shape: %w", wishartFamily, err)
	}
	streams, err := tensor.NewStreams(src)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", wishartFamily, err)
	}
	events := shape.Concat(sampleShape, d.batch)
	plan, err := shape.NewPlan(events, d.dfShape, d.mbatch)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", wishartFamily, err)
	}
	p := d.p
	pp := p * p
	res, dst := tensor.Alloc[T](shape.Concat(events, []int{p, p}))
	nus, _ := tensor.Float64s(d.df)
	eps := wishartEps[T]()
	tensor.ForBlocks(plan.Size(), func(b, lo, hi int) {
		rng := streams.Block(b)
		a, m := make([]float64, pp), make([]float64, pp)
		for run := range plan.RunsIn(lo, hi) {
			for i := range run.N {
				o, kd, k := run.Off[0]+i, run.Off[1]+i*run.Step[1], run.Off[2]+i*run.Step[2]
				nu := nus[kd]
				for j := range p {
					a[j*p+j] = max(math.Sqrt(2*standardGamma(rng, (nu-float64(j))/2)), eps)
				}
				for r := range p {
					for c := range r {
						a[r*p+c] = rng.NormFloat64()
					}
				}
				wishartLA(d.fac[k*pp:(k+1)*pp], a, p, m)
				xr := dst[o*pp : (o+1)*pp]
				for r := range p { // X = MMᵀ, both triangles from one product
					for c := 0; c <= r; c++ {
						var s float64
						for j := 0; j <= c; j++ {
							s += m[r*p+j] * m[c*p+j]
						}
						xr[r*p+c], xr[c*p+r] = T(s), T(s)
					}
				}
			}
		}
	})
	return res, nil
}

// wishartBartlett writes into a the Bartlett factor of a draw, the lower
// Cholesky factor of y = L⁻¹XL⁻ᵀ (its lower triangle read). X rounded to
// its dtype holds y to about eps·tr y, so a pivot A_jj with A_jj² below
// 4p·eps·tr y (the sampler's clamp A_jj = eps, or a chi-square draw that
// small: in float64 mostly the last pivot when ν is near p-1, in float32
// also earlier ones) is not determined: it is taken as max(√s, eps), and
// the normals under it, which X holds only multiplied by A_jj, as 0, their
// part of X going to the later pivots (dividing by a pivot of rounding
// noise would give them garbage, and the next Schur complements hugely
// negative). AAᵀ = y to rounding either way, so the scale gradient is
// unaffected; the df gradient is not, and the caller takes none from
// pivots from the first undetermined one, deg, on (as torch's clamp passes
// none). A Schur complement s below -τ·tr y, τ = min(½, 64p·√eps), cannot
// come from rounding a draw: its pivot k is returned (NaN included), else
// k = -1.
func wishartBartlett(y []float64, p int, a []float64, eps float64) (k int, s float64, deg int) {
	var tr float64
	for i := range p {
		tr += y[i*p+i]
	}
	tau, small := min(0.5, 64*float64(p)*math.Sqrt(eps))*tr, 4*float64(p)*eps*tr
	deg = p
	for i := range p {
		ai, yi := a[i*p:(i+1)*p], y[i*p:(i+1)*p]
		for j := 0; j <= i; j++ {
			s := yi[j]
			for k, v := range a[j*p : j*p+j] {
				s -= ai[k] * v
			}
			if j < i {
				if j >= deg && a[j*p+j]*a[j*p+j] < small { // undetermined pivot above
					ai[j] = 0
				} else {
					ai[j] = s / a[j*p+j]
				}
				continue
			}
			switch {
			case s >= small:
				ai[i] = math.Sqrt(s)
			case s > -tau:
				ai[i] = max(math.Sqrt(max(s, 0)), eps)
				deg = min(deg, i)
			default: // NaN included
				return i, s, deg
			}
		}
		clear(ai[i+1:])
	}
	return -1, 0, deg
}

// wishartLA writes M = L·A into m, both lower triangular (so M is too).
func wishartLA(l, a []float64, p int, m []float64) {
	for r := range p {
		for c := range p {
			var s float64
			if c <= r {
				for j := c; j <= r; j++ {
					s += l[r*p+j] * a[j*p+c]
				}
			}
			m[r*p+c] = s
		}
	}
}

// RSampleVJP gives the reparameterisation gradient of draws X = MMᵀ,
// M = LA, of RSample (shaped sampleShape + BatchShape() + (p, p)) for an
// upstream ∂L/∂X shaped like X (nil means ones). The noise is recovered
// from X: A = chol(L⁻¹XL⁻ᵀ), the unique lower factor with a positive
// diagonal, which is the Bartlett factor drawn. With G̃ = G + Gᵀ:
//
//	∂L/∂M = G̃M    ∂L/∂L = tril(G̃MAᵀ)    ∂L/∂A_ii = (LᵀG̃M)_ii
//	∂L/∂ν = Σ_i ∂L/∂A_ii · ∂c_i/∂ν / (2A_ii),   c_i = A_ii² ~ χ²(ν-i)
//
// with ∂c_i/∂ν the implicit reparameterisation gradient of the chi-square
// (tensor.StandardGammaGrad((ν-i)/2, c_i/2), as Chi2's RSampleVJP; none
// from a pivot at the epsilon clamp or lost in X's rounding, and the ones
// after it, see wishartBartlett). For a covariance the factor's gradient
// goes through the Cholesky factorisation (mvnCholeskyBackward); for a
// precision P, P̄ = -ΣΣ̄Σ. A matrix of X that L⁻¹XL⁻ᵀ does not factor,
// beyond rounding (not a draw), is ErrSupport.
func (d *Wishart) RSampleVJP(x, upstream Value) (map[string]*tensor.Dense, error) {
	if tensor.IsNil(x) || x.Dtype() != d.dtype {
		return nil, fmt.Errorf("%s: rsample gradient needs a %v sample: %w", wishartFamily, d.dtype, ErrDType)
	}
	p := d.p
	xs := tensor.ShapeOf(x)
	if len(xs) < 2 || xs[len(xs)-1] != p || xs[len(xs)-2] != p || !shape.BroadcastsTo(d.batch, xs[:len(xs)-2]) {
		return nil, fmt.Errorf("%s: a sample of shape %s does not end in %s: %w", wishartFamily, shape.Format(xs), shape.Format(shape.Concat(d.batch, []int{p, p})), ErrShape)
	}
	var g []float64
	if !tensor.IsNil(upstream) {
		if upstream.Dtype() != d.dtype {
			return nil, fmt.Errorf("%s: upstream has dtype %v, distribution %v: %w", wishartFamily, upstream.Dtype(), d.dtype, ErrDType)
		}
		if !shape.Equal(tensor.ShapeOf(upstream), xs) {
			return nil, fmt.Errorf("%s: upstream of shape %s, sample %s: %w", wishartFamily, shape.Format(tensor.ShapeOf(upstream)), shape.Format(xs), ErrShape)
		}
		var err error
		if g, err = tensor.Float64s(upstream); err != nil {
			return nil, fmt.Errorf("%s: upstream: %w", wishartFamily, err)
		}
	}
	xd, err := tensor.Float64s(x)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", wishartFamily, err)
	}
	plan, err := shape.NewPlan(xs[:len(xs)-2], d.dfShape, d.mbatch)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", wishartFamily, err)
	}
	nus, _ := tensor.Float64s(d.df)
	pp, nm := p*p, shape.Size(d.mbatch)
	eps := wishartEps[float64]()
	if d.dtype == tensor.Float32 {
		eps = wishartEps[float32]()
	}
	gdf, gl := make([]float64, len(nus)), make([]float64, nm*pp)
	y, t, a, m, gt2 := make([]float64, pp), make([]float64, pp), make([]float64, pp), make([]float64, pp), make([]float64, pp)
	for run := range plan.Runs() {
		for i := range run.N {
			o, kd, k := run.Off[0]+i, run.Off[1]+i*run.Step[1], run.Off[2]+i*run.Step[2]
			l, li := d.fac[k*pp:(k+1)*pp], d.linv[k*pp:(k+1)*pp]
			xr := xd[o*pp : (o+1)*pp]
			mvnMul(li, xr, p, t) // Y = L⁻¹XL⁻ᵀ
			for r := range p {
				for c := range p {
					var s float64
					for j := 0; j <= c; j++ {
						s += t[r*p+j] * li[c*p+j]
					}
					y[r*p+c] = s
				}
			}
			q, s, deg := wishartBartlett(y, p, a, eps)
			if q >= 0 {
				return nil, &ConstraintError{
					Family: wishartFamily, Name: "sample", Rule: "a draw (L⁻¹XL⁻ᵀ positive definite)",
					Got: s, Index: append(unravel(o, xs[:len(xs)-2]), q, q), Err: ErrSupport,
				}
			}
			wishartLA(l, a, p, m)
			for r := range p { // G̃ = G + Gᵀ
				for c := range p {
					v := 2.0
					if g != nil {
						v = g[o*pp+r*p+c] + g[o*pp+c*p+r]
					}
					gt2[r*p+c] = v
				}
			}
			mvnMul(gt2, m, p, t) // T = G̃M
			glk := gl[k*pp : (k+1)*pp]
			for r := range p { // tril(T·Aᵀ): (Aᵀ)_jc = A_cj, j ≤ c
				for c := 0; c <= r; c++ {
					var s float64
					for j := 0; j <= c; j++ {
						s += t[r*p+j] * a[c*p+j]
					}
					glk[r*p+c] += s
				}
			}
			nu := nus[kd]
			for j := range deg { // pivots from deg on pass no df gradient (wishartBartlett)
				ajj := a[j*p+j]
				var da float64 // (LᵀT)_jj = Σ_r L_rj T_rj
				for r := j; r < p; r++ {
					da += l[r*p+j] * t[r*p+j]
				}
				dc := tensor.StandardGammaGrad((nu-float64(j))/2, ajj*ajj/2)
				gdf[kd] += da * dc / (2 * ajj)
			}
		}
	}
	if d.kind != mvnTril {
		w1, w2, s := make([]float64, pp), make([]float64, pp), make([]float64, pp)
		for k := range nm {
			glk := gl[k*pp : (k+1)*pp]
			l, li := d.fac[k*pp:(k+1)*pp], d.linv[k*pp:(k+1)*pp]
			mvnCholeskyBackward(l, li, glk, p, s, w1, w2)
			if d.kind == mvnPrec { // P̄ = -Σ·Σ̄·Σ
				mvnGram(l, p, w1)
				mvnMul(w1, s, p, w2)
				mvnMul(w2, w1, p, s)
				for j := range s {
					s[j] = -s[j]
				}
			}
			copy(glk, s)
		}
	}
	name := mvnNames[d.kind]
	if d.dtype == tensor.Float32 {
		return map[string]*tensor.Dense{
			"df": fromFloat64s[float32](gdf, d.dfShape), name: fromFloat64s[float32](gl, tensor.ShapeOf(d.matrix)),
		}, nil
	}
	return map[string]*tensor.Dense{
		"df": fromFloat64s[float64](gdf, d.dfShape), name: fromFloat64s[float64](gl, tensor.ShapeOf(d.matrix)),
	}, nil
}

// String is a torch-style summary of the distribution, for logs and messages.
func (d *Wishart) String() string {
	return fmt.Sprintf("Wishart(batch_shape=%s, event_shape=(%d, %d), %s)", shape.Format(d.batch), d.p, d.p, mvnNames[d.kind])
}

func init() {
	RegisterShapes("Wishart", func(map[string][]int) ([]int, []int, error) {
		// Pyro's generic rule raises for a support with event dims (positive_definite).
		return nil, nil, fmt.Errorf("infer_shapes: Wishart: its support has event dims (Pyro raises NotImplementedError): %w", ErrUnsupported)
	})
	Register("Wishart", func(s *Spec, opts ...Option) (Distribution, error) {
		if err := s.Known("df", mvnNames[mvnCov], mvnNames[mvnPrec], mvnNames[mvnTril]); err != nil {
			return nil, err
		}
		df, ok, err := s.Tensor("df")
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("%s: df is required: %w", wishartFamily, ErrParam)
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
			return nil, fmt.Errorf("%s: give exactly one of covariance_matrix, precision_matrix and scale_tril (got %d): %w", wishartFamily, given, ErrParam)
		}
		return newWishart(df, m, kind, opts)
	})
}
