package distributions

import (
	"fmt"
	"math"
	"math/rand/v2"

	gt "gorgonia.org/tensor"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// LowRankMultivariateNormal is a batch of multivariate normal distributions
// of event size n whose covariance is a rank-m factor plus a diagonal,
// Σ = WWᵀ + diag(D): mean Loc (lbatch + (n,)), cov_factor W (fbatch +
// (n, m)) and cov_diag D > 0 (dbatch + (n,)); the batch shape is
// broadcast(lbatch, fbatch, dbatch) (torch.distributions.
// LowRankMultivariateNormal).
//
// Σ is never formed. With the capacitance K = I_m + WᵀD⁻¹W = CCᵀ and
// B = C⁻¹WᵀD⁻¹ (m×n), the Woodbury identity gives Σ⁻¹ = D⁻¹ - BᵀB and the
// matrix determinant lemma log det Σ = 2Σ log C_ii + Σ log D_i, so that
// with r = x-μ, v = Br and u = Σ⁻¹r = D⁻¹r - Bᵀv:
//
//	log p(x) = -½(n log 2π + log det Σ + rᵀD⁻¹r - ‖v‖²)
//	∂/∂x = -u    ∂/∂μ = u
//	∂/∂W = u(Wᵀu)ᵀ - Σ⁻¹W          (2·∂/∂Σ·W, ∂/∂Σ = ½(uuᵀ - Σ⁻¹))
//	∂/∂D_i = ½(u_i² - (Σ⁻¹)_ii)
//
// (Woodbury and the determinant lemma: Petersen & Pedersen, The Matrix
// Cookbook, eqs. 156 and 24; the matrix derivatives: eqs. 57 and 61.)
// C, B, D⁻¹ and log det Σ are computed once per distinct (W, D) pair, as
// torch keeps its _capacitance_tril unbroadcasted, so that LogProb costs
// O(nm) per event and does no factorisation, logarithm or division.
//
// Values, samples and results have the parameters' dtype; the arithmetic is
// float64 whatever it is.
//
// LowRankMultivariateNormal is reparameterised: x = μ + Wε_m + √D⊙ε_n with
// ε_m ~ N(0, I_m), ε_n ~ N(0, I_n).
type LowRankMultivariateNormal struct {
	loc, covFactor, covDiag *tensor.Dense
	lbatch, fbatch, dbatch  []int // the parameters' own batch shapes
	cbatch                  []int // broadcast(fbatch, dbatch): one capacitance per element
	batch                   []int // broadcast(lbatch, cbatch), or larger after Expand
	n, m                    int
	dtype                   gt.Dtype
	validate                bool

	// Per capacitance element c (flat in cbatch), all float64:
	cf, cd []int     // the flat batch index of c's cov_factor and cov_diag
	capL   []float64 // C, m×m lower
	capInv []float64 // 1/C_ii, m
	invD   []float64 // 1/D_i, n
	b      []float64 // B = C⁻¹WᵀD⁻¹, m×n
	logDet []float64 // log det Σ
}

const lowRankFamily = "low_rank_multivariate_normal"

// NewLowRankMultivariateNormal returns the normals with mean loc and
// covariance covFactor·covFactorᵀ + diag(covDiag) (torch's loc, cov_factor,
// cov_diag), which must share a floating dtype. loc has at least one dim
// (its last, n, is the event size), cov_factor at least two with n rows,
// cov_diag at least one of size n, and their batch shapes broadcast: else
// ErrShape. When validating, loc and cov_factor have no NaN and every
// cov_diag > 0 (ErrParam). Unvalidated, a capacitance that is not positive
// definite (possible only for cov_diag ≤ 0) is ErrParam, as torch's
// cholesky raises.
func NewLowRankMultivariateNormal(loc, covFactor, covDiag *tensor.Dense, opts ...Option) (*LowRankMultivariateNormal, error) {
	cfg := newConfig(opts)
	switch {
	case loc == nil || covFactor == nil || covDiag == nil:
		return nil, fmt.Errorf("%s: loc, cov_factor and cov_diag are all required: %w", lowRankFamily, ErrParam)
	case !tensor.IsFloat(loc.Dtype()) || covFactor.Dtype() != loc.Dtype() || covDiag.Dtype() != loc.Dtype():
		return nil, fmt.Errorf("%s: loc, cov_factor and cov_diag have dtypes %v, %v and %v, want float64 or float32 shared by all: %w",
			lowRankFamily, loc.Dtype(), covFactor.Dtype(), covDiag.Dtype(), ErrDType)
	}
	ls, fs, ds := tensor.ShapeOf(loc), tensor.ShapeOf(covFactor), tensor.ShapeOf(covDiag)
	if len(ls) < 1 {
		return nil, fmt.Errorf("%s: loc must be at least one-dimensional, got shape (): %w", lowRankFamily, ErrShape)
	}
	n := ls[len(ls)-1]
	if len(fs) < 2 {
		return nil, fmt.Errorf("%s: cov_factor must be at least two-dimensional (a batch of n×m matrices), got shape %s: %w", lowRankFamily, shape.Format(fs), ErrShape)
	}
	if fs[len(fs)-2] != n {
		return nil, fmt.Errorf("%s: cov_factor of shape %s must have %d rows, for loc of shape %s: %w", lowRankFamily, shape.Format(fs), n, shape.Format(ls), ErrShape)
	}
	if len(ds) < 1 || ds[len(ds)-1] != n {
		return nil, fmt.Errorf("%s: cov_diag of shape %s must end in %d, for loc of shape %s: %w", lowRankFamily, shape.Format(ds), n, shape.Format(ls), ErrShape)
	}
	lb, fb, db := ls[:len(ls)-1], fs[:len(fs)-2], ds[:len(ds)-1]
	batch, err := shape.Broadcast(lb, fb, db)
	if err != nil {
		return nil, fmt.Errorf("%s: loc %s, cov_factor %s and cov_diag %s: %w", lowRankFamily, shape.Format(ls), shape.Format(fs), shape.Format(ds), err)
	}
	cb, _ := shape.Broadcast(fb, db) // two of three shapes that broadcast
	if cfg.validate {
		if err := check(lowRankFamily, "loc", "real", loc, ErrParam, isReal); err != nil {
			return nil, err
		}
		if err := check(lowRankFamily, "cov_factor", "real", covFactor, ErrParam, isReal); err != nil {
			return nil, err
		}
		if err := check(lowRankFamily, "cov_diag", "> 0", covDiag, ErrParam, isPositive); err != nil {
			return nil, err
		}
	}
	d := &LowRankMultivariateNormal{
		loc: loc, covFactor: covFactor, covDiag: covDiag,
		lbatch: lb, fbatch: fb, dbatch: db, cbatch: cb, batch: batch,
		n: n, m: fs[len(fs)-1], dtype: loc.Dtype(), validate: cfg.validate,
	}
	if err := d.factorise(); err != nil {
		return nil, err
	}
	return d, nil
}

// factorise sets, for every capacitance element, C = chol(I + WᵀD⁻¹W),
// 1/C_ii, D⁻¹, B = C⁻¹WᵀD⁻¹ (column i of B solves C·b = W_i·/D_i) and
// log det Σ = 2Σ log C_ii + Σ log D_i (torch's _batch_capacitance_tril
// and _batch_lowrank_logdet).
func (d *LowRankMultivariateNormal) factorise() error {
	n, m, nc := d.n, d.m, shape.Size(d.cbatch)
	d.cf, d.cd = make([]int, nc), make([]int, nc)
	plan, err := shape.NewPlan(d.cbatch, d.fbatch, d.dbatch)
	if err != nil {
		return fmt.Errorf("%s: %w", lowRankFamily, err)
	}
	for r := range plan.Runs() {
		for i := range r.N {
			d.cf[r.Off[0]+i], d.cd[r.Off[0]+i] = r.Off[1]+i*r.Step[1], r.Off[2]+i*r.Step[2]
		}
	}
	w, _ := tensor.Float64s(d.covFactor) // dtypes were checked
	dg, _ := tensor.Float64s(d.covDiag)
	d.capL, d.capInv = make([]float64, nc*m*m), make([]float64, nc*m)
	d.invD, d.b, d.logDet = make([]float64, nc*n), make([]float64, nc*m*n), make([]float64, nc)
	errs := make([]error, (nc+tensor.Block-1)/tensor.Block)
	tensor.ForBlocks(nc, func(blk, lo, hi int) {
		k, col := make([]float64, m*m), make([]float64, m)
		for c := lo; c < hi; c++ {
			wc, dc := w[d.cf[c]*n*m:][:n*m], dg[d.cd[c]*n:][:n]
			inv := d.invD[c*n:][:n]
			var ld float64
			for i, v := range dc {
				inv[i] = 1 / v
				ld += tensor.Log(v)
			}
			// K = I + WᵀD⁻¹W, lower triangle (all mvnCholesky reads)
			for a := range m {
				for b := 0; b <= a; b++ {
					var s float64
					for i := range n {
						s += wc[i*m+a] * inv[i] * wc[i*m+b]
					}
					if a == b {
						s++
					}
					k[a*m+b] = s
				}
			}
			cl := d.capL[c*m*m:][:m*m]
			if p, s := mvnCholesky(k, m, cl); p >= 0 {
				errs[blk] = d.notPD(c, p, s, dc)
				return
			}
			ci := d.capInv[c*m:][:m]
			for a := range m {
				ci[a] = 1 / cl[a*m+a]
				ld += 2 * tensor.Log(cl[a*m+a])
			}
			bc := d.b[c*m*n:][:m*n]
			for i := range n {
				for a := range m {
					col[a] = wc[i*m+a] * inv[i]
				}
				mvnForward(cl, ci, col)
				for a := range m {
					bc[a*n+i] = col[a]
				}
			}
			d.logDet[c] = ld
		}
	})
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// notPD is the error of capacitance c, whose factorisation failed at pivot
// p with Schur complement s (possible only unvalidated): it names the first
// cov_diag entry that is not > 0, which makes K indefinite; with none (an
// infinite cov_factor), cov_factor's matrix at the pivot's column.
func (d *LowRankMultivariateNormal) notPD(c, p int, s float64, dc []float64) error {
	const rule = "> 0 (the capacitance I + WᵀD⁻¹W is not positive definite)"
	for i, v := range dc {
		if !(v > 0) {
			return &ConstraintError{Family: lowRankFamily, Name: "cov_diag", Rule: rule, Got: v,
				Index: append(unravel(d.cd[c], d.dbatch), i), Err: ErrParam}
		}
	}
	return &ConstraintError{Family: lowRankFamily, Name: "cov_factor", Rule: "finite (the capacitance I + WᵀD⁻¹W is not positive definite)",
		Got: s, Index: append(unravel(d.cf[c], d.fbatch), 0, p), Err: ErrParam}
}

// Expand returns the distributions broadcast to the batch shape batch,
// sharing the parameters and their capacitance factors.
func (d *LowRankMultivariateNormal) Expand(batch []int) (Distribution, error) {
	if err := shape.CheckExpand(d.batch, batch); err != nil {
		return nil, fmt.Errorf("%s: %w", lowRankFamily, err)
	}
	c := *d
	c.batch = shape.Clone(batch)
	return &c, nil
}

// BatchShape is broadcast(loc's, cov_factor's and cov_diag's batch shapes),
// or the shape given to Expand.
func (d *LowRankMultivariateNormal) BatchShape() []int { return shape.Clone(d.batch) }

// EventShape is (n,).
func (d *LowRankMultivariateNormal) EventShape() []int { return []int{d.n} }

// Dtype is the parameters' dtype, which values and results share.
func (d *LowRankMultivariateNormal) Dtype() gt.Dtype { return d.dtype }

// Validating reports whether parameters were and values are validated.
func (d *LowRankMultivariateNormal) Validating() bool { return d.validate }

// Params returns loc, cov_factor and cov_diag, as given.
func (d *LowRankMultivariateNormal) Params() map[string]*tensor.Dense {
	return map[string]*tensor.Dense{"loc": d.loc, "cov_factor": d.covFactor, "cov_diag": d.covDiag}
}

// Loc is the mean, as given.
func (d *LowRankMultivariateNormal) Loc() *tensor.Dense { return d.loc }

// CovFactor is W, as given.
func (d *LowRankMultivariateNormal) CovFactor() *tensor.Dense { return d.covFactor }

// CovDiag is D, as given.
func (d *LowRankMultivariateNormal) CovDiag() *tensor.Dense { return d.covDiag }

// Rank is m, the number of columns of cov_factor.
func (d *LowRankMultivariateNormal) Rank() int { return d.m }

// CovarianceMatrix is Σ = WWᵀ + diag(D), broadcast to BatchShape() + (n, n).
func (d *LowRankMultivariateNormal) CovarianceMatrix() *tensor.Dense {
	n, m := d.n, d.m
	w, _ := tensor.Float64s(d.covFactor)
	dg, _ := tensor.Float64s(d.covDiag)
	return d.perCapacitance(n*n, []int{n, n}, func(c int, dst []float64) {
		wc, dc := w[d.cf[c]*n*m:][:n*m], dg[d.cd[c]*n:][:n]
		for i := range n {
			for j := 0; j <= i; j++ {
				var s float64
				for a := range m {
					s += wc[i*m+a] * wc[j*m+a]
				}
				if i == j {
					s += dc[i]
				}
				dst[i*n+j], dst[j*n+i] = s, s
			}
		}
	})
}

// PrecisionMatrix is Σ⁻¹ = D⁻¹ - BᵀB (Woodbury), broadcast to
// BatchShape() + (n, n).
func (d *LowRankMultivariateNormal) PrecisionMatrix() *tensor.Dense {
	n, m := d.n, d.m
	return d.perCapacitance(n*n, []int{n, n}, func(c int, dst []float64) {
		bc, inv := d.b[c*m*n:][:m*n], d.invD[c*n:][:n]
		for i := range n {
			for j := 0; j <= i; j++ {
				var s float64
				for a := range m {
					s += bc[a*n+i] * bc[a*n+j]
				}
				v := -s
				if i == j {
					v += inv[i]
				}
				dst[i*n+j], dst[j*n+i] = v, v
			}
		}
	})
}

// ScaleTril is the lower Cholesky factor of Σ, broadcast to BatchShape() +
// (n, n), computed as torch does for stability: Σ = D½(I + D-½WWᵀD-½)D½,
// whose middle factor has eigenvalues ≥ 1, so L = D½·chol(I + D-½WWᵀD-½).
func (d *LowRankMultivariateNormal) ScaleTril() *tensor.Dense {
	n, m := d.n, d.m
	w, _ := tensor.Float64s(d.covFactor)
	dg, _ := tensor.Float64s(d.covDiag)
	a := make([]float64, n*n)
	return d.perCapacitance(n*n, []int{n, n}, func(c int, dst []float64) {
		wc, dc := w[d.cf[c]*n*m:][:n*m], dg[d.cd[c]*n:][:n]
		for i := range n {
			for j := 0; j <= i; j++ {
				var s float64
				for k := range m {
					s += wc[i*m+k] * wc[j*m+k]
				}
				s /= math.Sqrt(dc[i]) * math.Sqrt(dc[j])
				if i == j {
					s++
				}
				a[i*n+j] = s
			}
		}
		if p, _ := mvnCholesky(a, n, dst); p >= 0 { // only for cov_diag ≤ 0, unvalidated
			for i := range dst {
				dst[i] = math.NaN()
			}
			return
		}
		for i := range n {
			s := math.Sqrt(dc[i])
			for j := 0; j <= i; j++ {
				dst[i*n+j] *= s
			}
		}
	})
}

// perCapacitance returns f of each capacitance element (size values each,
// of trailing shape event), as an array of the dtype broadcast to
// BatchShape() + event.
func (d *LowRankMultivariateNormal) perCapacitance(size int, event []int, f func(c int, dst []float64)) *tensor.Dense {
	nc := shape.Size(d.cbatch)
	out := make([]float64, nc*size)
	for c := range nc {
		f(c, out[c*size:(c+1)*size])
	}
	return castBroadcast(d.dtype, out, shape.Concat(d.cbatch, event), shape.Concat(d.batch, event))
}

// prepare checks x against the distribution (dtype; trailing dim n and a
// batch that broadcasts; no NaN when validating: torch's real_vector) and
// returns LogProb's shape.
func (d *LowRankMultivariateNormal) prepare(x Value) ([]int, error) {
	out, err := valueShape(lowRankFamily, x, d.dtype, d.batch, []int{d.n})
	if err != nil {
		return nil, err
	}
	if d.validate {
		if err := check(lowRankFamily, "value", "real", x, ErrSupport, isReal); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// LogProb returns log p(x), shaped broadcast(x.Shape()[:-1], BatchShape());
// x must end in the event size n. When validating, a NaN in x is
// ErrSupport.
func (d *LowRankMultivariateNormal) LogProb(x Value) (*tensor.Dense, error) {
	out, err := d.prepare(x)
	if err != nil {
		return nil, err
	}
	f32, f64 := d.logProbKernels(x, out)
	return allocLogProb(d.dtype, out, f32, f64)
}

// LogProbInto writes log p(x) into dst, which must have LogProb's shape and
// the distribution's dtype.
func (d *LowRankMultivariateNormal) LogProbInto(dst *tensor.Dense, x Value) error {
	out, err := d.prepare(x)
	if err != nil {
		return err
	}
	f32, f64 := d.logProbKernels(x, out)
	return fillLogProb(lowRankFamily, d.dtype, dst, out, f32, f64)
}

// logProbKernels are lowRankLogProbInto for x and LogProb's
// shape out, in both dtypes.
func (d *LowRankMultivariateNormal) logProbKernels(x Value, out []int) (func([]float32) error, func([]float64) error) {
	return func(dst []float32) error { return lowRankLogProbInto(d, dst, x, out) },
		func(dst []float64) error { return lowRankLogProbInto(d, dst, x, out) }
}

// lowRankLogProbInto writes log p(x) over the output events into dst, a
// block of events at a time (in parallel for many events; each event's
// arithmetic is the same whatever the split, so the bits are too).
func lowRankLogProbInto[T tensor.Float](d *LowRankMultivariateNormal, dst []T, x Value, out []int) error {
	xs := tensor.ShapeOf(x)
	p, err := shape.NewPlan(out, xs[:len(xs)-1], d.lbatch, d.cbatch)
	if err != nil {
		return fmt.Errorf("%s: %w", lowRankFamily, err)
	}
	xd, err := tensor.Floats[T](x)
	if err != nil {
		return fmt.Errorf("%s: %w", lowRankFamily, err)
	}
	mu, _ := tensor.Floats[T](d.loc) // dtypes were checked at construction
	k := lowRankLP[T]{d: d, p: p, dst: dst, x: xd, mu: mu}
	if p.Size() <= tensor.Block { // one block: no goroutine, and no closure to escape
		k.run(0, p.Size())
		return nil
	}
	kk := k
	tensor.ForBlocks(p.Size(), func(_, lo, hi int) { kk.run(lo, hi) })
	return nil
}

// lowRankLP is LogProb's kernel over plan p, whose operands are (out, x's
// batch, loc's batch, the capacitance batch).
type lowRankLP[T tensor.Float] struct {
	d          *LowRankMultivariateNormal
	p          *shape.Plan
	dst, x, mu []T
}

// run writes log p of output events [lo, hi): -½(n log 2π + log det Σ +
// Σ r_i²/D_i - ‖Br‖²).
func (k *lowRankLP[T]) run(lo, hi int) {
	d := k.d
	n, m := d.n, d.m
	c0 := float64(n) * 2 * halfLog2Pi
	r := make([]float64, n)
	for run := range k.p.RunsIn(lo, hi) {
		o, ox, ol, oc := run.Off[0], run.Off[1], run.Off[2], run.Off[3]
		sx, sl, sc := run.Step[1], run.Step[2], run.Step[3]
		for i := range run.N {
			xr, mr := k.x[(ox+i*sx)*n:][:n], k.mu[(ol+i*sl)*n:][:n]
			c := oc + i*sc
			inv := d.invD[c*n:][:n]
			var q float64
			for j := range r {
				v := float64(xr[j]) - float64(mr[j])
				r[j] = v
				q += v * v * inv[j]
			}
			bc := d.b[c*m*n:][:m*n]
			for a := range m {
				var s float64
				for j, bv := range bc[a*n : (a+1)*n] {
					s += bv * r[j]
				}
				q -= s * s
			}
			k.dst[o+i] = T(-(c0 + d.logDet[c] + q) / 2)
		}
	}
}

// solve writes into u = Σ⁻¹r = D⁻¹r - Bᵀ(Br) for capacitance c, using v
// (m long) as scratch, and returns rᵀΣ⁻¹r.
func (d *LowRankMultivariateNormal) solve(c int, r, u, v []float64) float64 {
	n, m := d.n, d.m
	inv, bc := d.invD[c*n:][:n], d.b[c*m*n:][:m*n]
	var q float64
	for j, rv := range r {
		u[j] = rv * inv[j]
		q += rv * rv * inv[j] // as LogProb's kernel rounds it: the same bits
	}
	for a := range m {
		var s float64
		row := bc[a*n : (a+1)*n]
		for j, bv := range row {
			s += bv * r[j]
		}
		v[a] = s
		q -= s * s
		for j, bv := range row {
			u[j] -= bv * s
		}
	}
	return q
}

// LogProbGrad returns Σ log p(x) and its gradient with respect to x, loc,
// cov_factor and cov_diag, each shaped like its operand.
func (d *LowRankMultivariateNormal) LogProbGrad(x Value) (*Gradient, error) {
	return d.LogProbVJP(x, nil)
}

// LogProbVJP is LogProbGrad with each element of log_prob weighted by
// upstream, which must broadcast to LogProb's shape (nil means ones). An
// element of weight 0 contributes exactly nothing.
func (d *LowRankMultivariateNormal) LogProbVJP(x, upstream Value) (*Gradient, error) {
	out, err := d.prepare(x)
	if err != nil {
		return nil, err
	}
	if d.dtype == tensor.Float32 {
		return lowRankVJP[float32](d, x, upstream, out)
	}
	return lowRankVJP[float64](d, x, upstream, out)
}

// lowRankGrads accumulates, per capacitance element, the parts of the
// cov_factor and cov_diag gradients that depend on the events (Σ w·u(Wᵀu)ᵀ
// and Σ ½w·u²) and the total weight ω, then finishes them with the
// event-free terms -ω·Σ⁻¹W and -½ω·diag(Σ⁻¹) and sums them back to the
// parameters' own shapes.
type lowRankGrads struct {
	d      *LowRankMultivariateNormal
	gw, gd []float64 // nc×n×m, nc×n
	omega  []float64 // nc
	wt     []float64 // scratch: Wᵀu, m
}

func newLowRankGrads(d *LowRankMultivariateNormal) *lowRankGrads {
	nc := shape.Size(d.cbatch)
	return &lowRankGrads{d: d, gw: make([]float64, nc*d.n*d.m), gd: make([]float64, nc*d.n), omega: make([]float64, nc), wt: make([]float64, d.m)}
}

// add adds weight w times u(Wᵀu)ᵀ and ½·(g⊙u) to capacitance c's
// accumulators, with g = u for log_prob and g = the upstream gradient for
// RSampleVJP; omega gets omega.
func (a *lowRankGrads) add(c int, w float64, u, g []float64, wc []float64, omega float64) {
	n, m := a.d.n, a.d.m
	for k := range m {
		var s float64
		for i := range n {
			s += wc[i*m+k] * u[i]
		}
		a.wt[k] = s
	}
	gw, gd := a.gw[c*n*m:][:n*m], a.gd[c*n:][:n]
	for i := range n {
		gi := w * g[i]
		if gi == 0 {
			continue
		}
		row := gw[i*m : (i+1)*m]
		for k, v := range a.wt {
			row[k] += gi * v
		}
		gd[i] += gi * u[i] / 2
	}
	a.omega[c] += omega
}

// finish subtracts ω·Σ⁻¹W = ω(D⁻¹W - Bᵀ(BW)) and ½ω·diag(Σ⁻¹) = ½ω(D⁻¹ -
// Σ_a B_a·²) where ω ≠ 0 (so that a capacitance no event weighs adds no
// 0·Inf), and returns the gradients summed to cov_factor's and cov_diag's
// shapes, as float64.
func (a *lowRankGrads) finish() (gW, gD []float64, err error) {
	d := a.d
	n, m := d.n, d.m
	w, _ := tensor.Float64s(d.covFactor)
	bw := make([]float64, m*m)
	for c, om := range a.omega {
		if om == 0 {
			continue
		}
		wc, bc, inv := w[d.cf[c]*n*m:][:n*m], d.b[c*m*n:][:m*n], d.invD[c*n:][:n]
		for p := range m { // BW, m×m
			for q := range m {
				var s float64
				for i := range n {
					s += bc[p*n+i] * wc[i*m+q]
				}
				bw[p*m+q] = s
			}
		}
		gw, gd := a.gw[c*n*m:][:n*m], a.gd[c*n:][:n]
		for i := range n {
			var bb float64
			for p := range m {
				bb += bc[p*n+i] * bc[p*n+i]
			}
			gd[i] -= om * (inv[i] - bb) / 2
			for q := range m {
				s := wc[i*m+q] * inv[i]
				for p := range m {
					s -= bc[p*n+i] * bw[p*m+q]
				}
				gw[i*m+q] -= om * s
			}
		}
	}
	gW = make([]float64, shape.Size(d.fbatch)*n*m)
	gD = make([]float64, shape.Size(d.dbatch)*n)
	if err := tensor.SumTo(gW, shape.Concat(d.fbatch, []int{n, m}), a.gw, shape.Concat(d.cbatch, []int{n, m})); err != nil {
		return nil, nil, err
	}
	if err := tensor.SumTo(gD, shape.Concat(d.dbatch, []int{n}), a.gd, shape.Concat(d.cbatch, []int{n})); err != nil {
		return nil, nil, err
	}
	return gW, gD, nil
}

// lowRankVJP is one serial pass over the output events: per event r = x-μ
// and u = Σ⁻¹r; ∓w·u into x's and loc's gradients; the matrix parts through
// lowRankGrads.
func lowRankVJP[T tensor.Float](d *LowRankMultivariateNormal, x, upstream Value, out []int) (*Gradient, error) {
	w, err := weights64(lowRankFamily, d.dtype, upstream, out)
	if err != nil {
		return nil, err
	}
	xs := tensor.ShapeOf(x)
	p, err := shape.NewPlan(out, xs[:len(xs)-1], d.lbatch, d.cbatch)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", lowRankFamily, err)
	}
	xd, err := tensor.Floats[T](x)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", lowRankFamily, err)
	}
	mu, _ := tensor.Floats[T](d.loc)
	wf, _ := tensor.Float64s(d.covFactor)
	n, m := d.n, d.m
	c0 := float64(n) * 2 * halfLog2Pi
	gx, gl := make([]float64, len(xd)), make([]float64, len(mu))
	acc := newLowRankGrads(d)
	r, u, v := make([]float64, n), make([]float64, n), make([]float64, m)
	var sum float64
	for run := range p.Runs() {
		for i := range run.N {
			wi := 1.0
			if w != nil {
				if wi = w[run.Off[0]+i]; wi == 0 {
					continue // select, never multiply: a weight of 0 adds nothing
				}
			}
			xo, lo, c := run.Off[1]+i*run.Step[1], run.Off[2]+i*run.Step[2], run.Off[3]+i*run.Step[3]
			xr, mr := xd[xo*n:][:n], mu[lo*n:][:n]
			for j := range r {
				r[j] = float64(xr[j]) - float64(mr[j])
			}
			q := d.solve(c, r, u, v)
			sum += wi * -(c0 + d.logDet[c] + q) / 2
			gxr, glr := gx[xo*n:][:n], gl[lo*n:][:n]
			for j, uj := range u {
				gxr[j] -= wi * uj
				glr[j] += wi * uj
			}
			acc.add(c, wi, u, u, wf[d.cf[c]*n*m:][:n*m], wi)
		}
	}
	gW, gD, err := acc.finish()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", lowRankFamily, err)
	}
	return &Gradient{
		LogProb: sum,
		Value:   fromFloat64s[T](gx, xs),
		Params: map[string]*tensor.Dense{
			"loc":        fromFloat64s[T](gl, tensor.ShapeOf(d.loc)),
			"cov_factor": fromFloat64s[T](gW, tensor.ShapeOf(d.covFactor)),
			"cov_diag":   fromFloat64s[T](gD, tensor.ShapeOf(d.covDiag)),
		},
	}, nil
}

// RSample draws sampleShape + BatchShape() + (n,) values μ + Wε_m + √D⊙ε_n:
// per event m standard normals then n, from a ziggurat, in order; the
// draws depend on src and the shapes only, never on GOMAXPROCS.
func (d *LowRankMultivariateNormal) RSample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	if d.dtype == tensor.Float32 {
		return lowRankSample[float32](d, src, sampleShape)
	}
	return lowRankSample[float64](d, src, sampleShape)
}

// Sample is RSample for LowRankMultivariateNormal.
func (d *LowRankMultivariateNormal) Sample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	return d.RSample(src, sampleShape...)
}

func lowRankSample[T tensor.Float](d *LowRankMultivariateNormal, src rand.Source, sampleShape []int) (*tensor.Dense, error) {
	if err := shape.Check(sampleShape); err != nil {
		return nil, fmt.Errorf("%s: sample shape: %w", lowRankFamily, err)
	}
	streams, err := tensor.NewStreams(src)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", lowRankFamily, err)
	}
	events := shape.Concat(sampleShape, d.batch)
	p, err := shape.NewPlan(events, d.lbatch, d.fbatch, d.dbatch)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", lowRankFamily, err)
	}
	n, m := d.n, d.m
	res, dst := tensor.Alloc[T](shape.Concat(events, []int{n}))
	mu, _ := tensor.Floats[T](d.loc)
	w, _ := tensor.Floats[T](d.covFactor)
	dg, _ := tensor.Floats[T](d.covDiag)
	tensor.ForBlocks(p.Size(), func(b, lo, hi int) {
		rng := streams.Block(b)
		em := make([]float64, m)
		for run := range p.RunsIn(lo, hi) {
			for i := range run.N {
				o := run.Off[0] + i
				l, f, g := run.Off[1]+i*run.Step[1], run.Off[2]+i*run.Step[2], run.Off[3]+i*run.Step[3]
				for k := range em {
					em[k] = rng.NormFloat64()
				}
				mr, wc, dc, xr := mu[l*n:][:n], w[f*n*m:][:n*m], dg[g*n:][:n], dst[o*n:][:n]
				for j := range xr {
					s := float64(mr[j])
					for k, e := range em {
						s += float64(wc[j*m+k]) * e
					}
					xr[j] = T(s + math.Sqrt(float64(dc[j]))*rng.NormFloat64())
				}
			}
		}
	})
	return res, nil
}

// RSampleVJP gives a reparameterisation gradient of draws x of RSample
// (shaped sampleShape + BatchShape() + (n,)) for an upstream ∂L/∂x shaped
// like x (nil means ones). The draw x = μ + Wε_m + √D⊙ε_n does not
// determine its n+m noise variables from its n coordinates, so the
// gradient returned is the pathwise one averaged over the noise consistent
// with x, E[∂x/∂θ | x], which is linear in E[ε_m | x] = WᵀΣ⁻¹r and
// E[ε_n | x] = √D⊙Σ⁻¹r (r = x-μ, Gaussian conditioning). With u = Σ⁻¹r:
//
//	∂L/∂μ = Σ g    ∂L/∂W = Σ g(Wᵀu)ᵀ    ∂L/∂D = Σ ½g⊙u
//
// Since L depends on the noise only through x, E[gᵀ∂x/∂θ] = E[gᵀ E[∂x/∂θ|x]]:
// the estimate is unbiased for ∇θ E[L(x)], like torch's, and (by
// Rao–Blackwell) of no larger variance; a single draw's value differs from
// torch's, which uses the noise itself.
func (d *LowRankMultivariateNormal) RSampleVJP(x, upstream Value) (map[string]*tensor.Dense, error) {
	if tensor.IsNil(x) || x.Dtype() != d.dtype {
		return nil, fmt.Errorf("%s: rsample gradient needs a %v sample: %w", lowRankFamily, d.dtype, ErrDType)
	}
	xs := tensor.ShapeOf(x)
	if len(xs) < 1 || xs[len(xs)-1] != d.n || !shape.BroadcastsTo(d.batch, xs[:len(xs)-1]) {
		return nil, fmt.Errorf("%s: a sample of shape %s does not end in %s: %w", lowRankFamily, shape.Format(xs), shape.Format(shape.Concat(d.batch, []int{d.n})), ErrShape)
	}
	var g []float64
	if !tensor.IsNil(upstream) {
		if upstream.Dtype() != d.dtype {
			return nil, fmt.Errorf("%s: upstream has dtype %v, distribution %v: %w", lowRankFamily, upstream.Dtype(), d.dtype, ErrDType)
		}
		if !shape.Equal(tensor.ShapeOf(upstream), xs) {
			return nil, fmt.Errorf("%s: upstream of shape %s, sample %s: %w", lowRankFamily, shape.Format(tensor.ShapeOf(upstream)), shape.Format(xs), ErrShape)
		}
		var err error
		if g, err = tensor.Float64s(upstream); err != nil {
			return nil, fmt.Errorf("%s: upstream: %w", lowRankFamily, err)
		}
	}
	xd, err := tensor.Float64s(x)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", lowRankFamily, err)
	}
	p, err := shape.NewPlan(xs[:len(xs)-1], d.lbatch, d.cbatch)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", lowRankFamily, err)
	}
	mu, _ := tensor.Float64s(d.loc)
	wf, _ := tensor.Float64s(d.covFactor)
	n, m := d.n, d.m
	gl := make([]float64, len(mu))
	acc := newLowRankGrads(d)
	r, u, v, ones := make([]float64, n), make([]float64, n), make([]float64, m), make([]float64, n)
	for i := range ones {
		ones[i] = 1
	}
	for run := range p.Runs() {
		for i := range run.N {
			o, lo, c := run.Off[0]+i, run.Off[1]+i*run.Step[1], run.Off[2]+i*run.Step[2]
			gr := ones
			if g != nil {
				gr = g[o*n:][:n]
			}
			for j := range r {
				r[j] = xd[o*n+j] - mu[lo*n+j]
			}
			d.solve(c, r, u, v)
			glr := gl[lo*n:][:n]
			for j, gj := range gr {
				glr[j] += gj
			}
			acc.add(c, 1, u, gr, wf[d.cf[c]*n*m:][:n*m], 0)
		}
	}
	gW, gD, err := acc.finish() // ω = 0 everywhere: no event-free terms
	if err != nil {
		return nil, fmt.Errorf("%s: %w", lowRankFamily, err)
	}
	if d.dtype == tensor.Float32 {
		return map[string]*tensor.Dense{
			"loc":        fromFloat64s[float32](gl, tensor.ShapeOf(d.loc)),
			"cov_factor": fromFloat64s[float32](gW, tensor.ShapeOf(d.covFactor)),
			"cov_diag":   fromFloat64s[float32](gD, tensor.ShapeOf(d.covDiag)),
		}, nil
	}
	return map[string]*tensor.Dense{
		"loc":        fromFloat64s[float64](gl, tensor.ShapeOf(d.loc)),
		"cov_factor": fromFloat64s[float64](gW, tensor.ShapeOf(d.covFactor)),
		"cov_diag":   fromFloat64s[float64](gD, tensor.ShapeOf(d.covDiag)),
	}, nil
}

// Mean is Loc, broadcast to BatchShape() + (n,).
func (d *LowRankMultivariateNormal) Mean() (*tensor.Dense, error) {
	l, _ := tensor.Float64s(d.loc)
	return castBroadcast(d.dtype, l, tensor.ShapeOf(d.loc), shape.Concat(d.batch, []int{d.n})), nil
}

// Mode is Loc, broadcast to BatchShape() + (n,).
func (d *LowRankMultivariateNormal) Mode() (*tensor.Dense, error) { return d.Mean() }

// Variance is diag Σ = Σ_j W_ij² + D_i, broadcast to BatchShape() + (n,).
func (d *LowRankMultivariateNormal) Variance() (*tensor.Dense, error) { return d.diag(false), nil }

// StdDev is the square root of Variance.
func (d *LowRankMultivariateNormal) StdDev() (*tensor.Dense, error) { return d.diag(true), nil }

func (d *LowRankMultivariateNormal) diag(sqrt bool) *tensor.Dense {
	n, m := d.n, d.m
	w, _ := tensor.Float64s(d.covFactor)
	dg, _ := tensor.Float64s(d.covDiag)
	return d.perCapacitance(n, []int{n}, func(c int, dst []float64) {
		wc, dc := w[d.cf[c]*n*m:][:n*m], dg[d.cd[c]*n:][:n]
		for i := range n {
			var s float64
			for _, v := range wc[i*m : (i+1)*m] {
				s += v * v
			}
			s += dc[i]
			if sqrt {
				s = math.Sqrt(s)
			}
			dst[i] = s
		}
	})
}

// Entropy is ½(n(1 + log 2π) + log det Σ), shaped BatchShape().
func (d *LowRankMultivariateNormal) Entropy() (*tensor.Dense, error) {
	c0 := float64(d.n) * (0.5 + halfLog2Pi)
	return d.perCapacitance(1, nil, func(c int, dst []float64) {
		dst[0] = c0 + d.logDet[c]/2
	}), nil
}

// String is a torch-style summary of the distribution, for logs and messages.
func (d *LowRankMultivariateNormal) String() string {
	return fmt.Sprintf("LowRankMultivariateNormal(batch_shape=%s, event_shape=(%d,), rank=%d)", shape.Format(d.batch), d.n, d.m)
}

// lowRankShapes is Pyro's LowRankMultivariateNormal.infer_shapes: event =
// loc[-1:], batch = broadcast(loc[:-1], cov_factor[:-2], cov_diag[:-1]).
// All three are required (ErrParam, as Pyro's signature requires them);
// ranks below the constructor's are ErrShape (Pyro's rule does not check
// them).
func lowRankShapes(params map[string][]int) ([]int, []int, error) {
	for name := range params {
		if name != "loc" && name != "cov_factor" && name != "cov_diag" {
			return nil, nil, fmt.Errorf("infer_shapes: LowRankMultivariateNormal has no parameter %q: %w", name, ErrParam)
		}
	}
	loc, okL := params["loc"]
	w, okW := params["cov_factor"]
	dg, okD := params["cov_diag"]
	if !okL || !okW || !okD {
		return nil, nil, fmt.Errorf("infer_shapes: LowRankMultivariateNormal needs loc, cov_factor and cov_diag: %w", ErrParam)
	}
	if len(loc) < 1 || len(w) < 2 || len(dg) < 1 {
		return nil, nil, fmt.Errorf("infer_shapes: LowRankMultivariateNormal: loc %s, cov_factor %s, cov_diag %s need ranks ≥ 1, 2, 1: %w",
			shape.Format(loc), shape.Format(w), shape.Format(dg), ErrShape)
	}
	batch, err := shape.Broadcast(loc[:len(loc)-1], w[:len(w)-2], dg[:len(dg)-1])
	if err != nil {
		return nil, nil, fmt.Errorf("infer_shapes: LowRankMultivariateNormal: %w", err)
	}
	return batch, shape.Clone(loc[len(loc)-1:]), nil
}

func init() {
	RegisterShapes("LowRankMultivariateNormal", lowRankShapes)
	Register("LowRankMultivariateNormal", func(s *Spec, opts ...Option) (Distribution, error) {
		if err := s.Known("loc", "cov_factor", "cov_diag"); err != nil {
			return nil, err
		}
		var ps [3]*tensor.Dense
		for i, name := range []string{"loc", "cov_factor", "cov_diag"} {
			t, ok, err := s.Tensor(name)
			if err != nil {
				return nil, err
			}
			if !ok {
				return nil, fmt.Errorf("%s: %s is required: %w", lowRankFamily, name, ErrParam)
			}
			ps[i] = t
		}
		return NewLowRankMultivariateNormal(ps[0], ps[1], ps[2], opts...)
	})
}
