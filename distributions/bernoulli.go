package distributions

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/enumerate"
	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Bernoulli is a batch of Bernoulli distributions over {0, 1}, given by the
// probability p of 1 (probs) or its log-odds ℓ (logits); values and samples
// are floats, as in torch. Each form is evaluated in its own terms, so that
// probs of exactly 0 or 1 give exact results (torch clamps them):
//
//	probs:  log p(x) = x·log p + (1-x)·log(1-p)    ∂/∂p = x/p - (1-x)/(1-p)
//	logits: log p(x) = x·ℓ - softplus(ℓ)           ∂/∂ℓ = x - σ(ℓ)
//
// with 0·log 0 = 0.
type Bernoulli struct {
	elementwise
	logits bool // parameterised by logits rather than probs
}

// NewBernoulli returns the Bernoullis with probabilities probs of 1; when
// validating, every probs lies in [0, 1].
func NewBernoulli(probs *tensor.Dense, opts ...Option) (*Bernoulli, error) {
	return newBernoulli(probs, false, opts)
}

// NewBernoulliLogits returns the Bernoullis with log-odds logits of 1; when
// validating, no logit is NaN.
func NewBernoulliLogits(logits *tensor.Dense, opts ...Option) (*Bernoulli, error) {
	return newBernoulli(logits, true, opts)
}

func newBernoulli(param *tensor.Dense, logits bool, opts []Option) (*Bernoulli, error) {
	cfg := newConfig(opts)
	name, ok, rule, k32, k64 := "probs", isUnit, "in [0, 1]", bernoulliProbsKernel[float32], bernoulliProbsKernel[float64]
	if logits {
		name, ok, rule = "logits", isReal, "real"
		k32, k64 = bernoulliLogitsKernels(param)
	}
	e, err := newElementwise("bernoulli", []string{name}, []*tensor.Dense{param}, cfg)
	if err != nil {
		return nil, err
	}
	if cfg.validate {
		if err := check("bernoulli", name, rule, param, ErrParam, ok); err != nil {
			return nil, err
		}
	}
	e.k32, e.k64 = k32, k64
	e.support, e.rule = isBoolean, "0 or 1"
	return &Bernoulli{elementwise: e, logits: logits}, nil
}

// Expand returns the Bernoullis broadcast to batch, sharing the parameter.
func (d *Bernoulli) Expand(batch []int) (Distribution, error) {
	e, err := d.expand(batch)
	if err != nil {
		return nil, err
	}
	return &Bernoulli{elementwise: e, logits: d.logits}, nil
}

// Probs returns the probabilities of 1 (computed from the logits if those
// were given).
func (d *Bernoulli) Probs() *tensor.Dense {
	if !d.logits {
		return d.params[0]
	}
	return d.stat(func(p []float64) float64 { return tensor.Sigmoid(p[0]) })
}

// Logits returns the log-odds of 1 (computed from probs if those were
// given; ±Inf at probs 1 and 0).
func (d *Bernoulli) Logits() *tensor.Dense {
	if d.logits {
		return d.params[0]
	}
	return d.stat(func(p []float64) float64 { return tensor.Log(p[0]) - math.Log1p(-p[0]) })
}

// prob returns p from the parameter value v.
func (d *Bernoulli) prob(v float64) float64 {
	if d.logits {
		return tensor.Sigmoid(v)
	}
	return v
}

// bernoulliProbsKernel is the probs form's one numerical path; operands
// (out, x, probs). Without gradients it computes in T, taking log p and
// log1p(-p) from tensor.LogSlice and tensor.Log1pSlice logChunk elements
// at a time; with them it is a scalar loop in float64, as for every family.
func bernoulliProbsKernel[T tensor.Float](a *kargs[T]) {
	for r := range a.p.RunsIn(a.lo, a.hi) {
		if a.grad != nil {
			bernoulliProbsGrad(a, r)
			continue
		}
		for c := 0; c < r.N; c += logChunk {
			bernoulliProbsChunk(a, r, c, min(logChunk, r.N-c))
		}
	}
}

// bernoulliProbsChunk writes log p of run elements [c, c+m):
// x·log p + (1-x)·log1p(-p), each term 0 where its factor is (XLogY's
// rule).
func bernoulliProbsChunk[T tensor.Float](a *kargs[T], r shape.Run, c, m int) {
	xs, ps := runOperand(a.in[0], r, 1, c, m), runOperand(a.in[1], r, 2, c, m)
	sx, sp := r.Step[1], r.Step[2]
	var bufP, bufQ [logChunk]T
	logP, log1mP := bufP[:len(ps)], bufQ[:len(ps)]
	for i, p := range ps {
		log1mP[i] = -p
	}
	tensor.LogSlice(logP, ps)
	tensor.Log1pSlice(log1mP, log1mP)
	out := a.out[r.Off[0]+c : r.Off[0]+c+m]
	for i := range out {
		x, p := xs[i*sx], ps[i*sp]
		lp, lq := x*logP[i*sp], (1-x)*log1mP[i*sp]
		if p == p { // 0·log 0 = 0, but NaN stays NaN
			if x == 0 {
				lp = 0
			}
			if x == 1 {
				lq = 0
			}
		}
		out[i] = lp + lq
	}
}

// bernoulliProbsGrad is the probs form's log p and partials over run r, in
// float64.
func bernoulliProbsGrad[T tensor.Float](a *kargs[T], r shape.Run) {
	x, pr := a.in[0], a.in[1]
	o, ox, op, sx, sp := r.Off[0], r.Off[1], r.Off[2], r.Step[1], r.Step[2]
	for i := range r.N {
		xv, p := float64(x[ox+i*sx]), float64(pr[op+i*sp])
		lp := tensor.XLogY(xv, p) + tensor.XLog1pY(1-xv, -p)
		if a.out != nil {
			a.out[o+i] = T(lp)
		}
		w := a.weight(o + i)
		if w == 0 { // select, never multiply: a masked -Inf or NaN stays out
			continue
		}
		a.sum += w * lp
		if g := a.grad[0]; g != nil {
			g[ox+i*sx] += w * (tensor.Log(p) - math.Log1p(-p))
		}
		if g := a.grad[1]; g != nil {
			var dp float64
			if xv != 0 {
				dp += xv / p
			}
			if xv != 1 {
				dp -= (1 - xv) / (1 - p)
			}
			g[op+i*sp] += w * dp
		}
	}
}

// bernoulliLogitsKernel is the logits form's one numerical path; operands
// (out, x, logits). Without gradients it computes in T with
// tensor.BernoulliLogitsSoftplusSlice from sp = log1p(e^-|ℓ|), indexed like
// the logits; with them it is a scalar loop in float64, as for every
// family.
func bernoulliLogitsKernel[T tensor.Float](a *kargs[T], sp []T) {
	for r := range a.p.RunsIn(a.lo, a.hi) {
		if a.grad != nil {
			bernoulliLogitsGrad(a, r)
			continue
		}
		o := r.Off[0]
		tensor.BernoulliLogitsSoftplusSlice(a.out[o:o+r.N], runOperand(a.in[0], r, 1, 0, r.N), runOperand(a.in[1], r, 2, 0, r.N), runOperand(sp, r, 2, 0, r.N))
	}
}

// bernoulliLogitsKernels returns the logits form's kernels over a
// distribution's logits, with log1p(e^-|ℓ|) computed on the first LogProb
// (tensor.Log1pExpNegAbsSlice, the kernel's own steps) and kept, shared
// with Expand, as Normal keeps log σ; the gradient path takes its own.
func bernoulliLogitsKernels(logits *tensor.Dense) (kernel[float32], kernel[float64]) {
	return keptKernel(logits, tensor.Log1pExpNegAbsSlice[float32], bernoulliLogitsKernel[float32]),
		keptKernel(logits, tensor.Log1pExpNegAbsSlice[float64], bernoulliLogitsKernel[float64])
}

// bernoulliLogitsGrad is the logits form's log p and partials over run r,
// in float64.
func bernoulliLogitsGrad[T tensor.Float](a *kargs[T], r shape.Run) {
	x, lg := a.in[0], a.in[1]
	o, ox, ol, sx, sl := r.Off[0], r.Off[1], r.Off[2], r.Step[1], r.Step[2]
	for i := range r.N {
		xv, l := float64(x[ox+i*sx]), float64(lg[ol+i*sl])
		// x·ℓ - softplus(ℓ) with softplus(ℓ) = max(ℓ, 0) + log1p(e^-|ℓ|):
		// x·ℓ - max(ℓ, 0) is exact for x in {0, 1}, so log p keeps its
		// relative precision near 0 (x = 1, ℓ ≫ 0), as torch's BCE does.
		lp := xv*l - max(l, 0) - math.Log1p(math.Exp(-math.Abs(l)))
		if l == math.Inf(1) || l == math.Inf(-1) {
			lp = bernoulliAtInf(xv, l)
		}
		if a.out != nil {
			a.out[o+i] = T(lp)
		}
		w := a.weight(o + i)
		if w == 0 { // select, never multiply: a masked -Inf or NaN stays out
			continue
		}
		a.sum += w * lp
		if g := a.grad[0]; g != nil {
			g[ox+i*sx] += w * l
		}
		if g := a.grad[1]; g != nil {
			g[ol+i*sl] += w * (xv*tensor.Sigmoid(-l) - (1-xv)*tensor.Sigmoid(l)) // x - σ(ℓ), without cancelling
		}
	}
}

// bernoulliAtInf is log p(x) for logits ±Inf, that is probs 1 or 0.
func bernoulliAtInf(x, l float64) float64 {
	p := 0.0
	if l > 0 {
		p = 1
	}
	return tensor.XLogY(x, p) + tensor.XLog1pY(1-x, -p)
}

// Sample draws sampleShape+BatchShape() values, 1 with probability p.
func (d *Bernoulli) Sample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	if d.dtype == tensor.Float32 {
		return bernoulliDraw[float32](d, src, sampleShape)
	}
	return bernoulliDraw[float64](d, src, sampleShape)
}

func bernoulliDraw[T tensor.Float](d *Bernoulli, src rand.Source, sampleShape []int) (*tensor.Dense, error) {
	return drawRng(&d.elementwise, src, sampleShape, func(r *tensor.Rng, run shape.Run, dst []T, in [][]T) {
		par, op, sp := in[0], run.Off[1], run.Step[1]
		out := dst[run.Off[0] : run.Off[0]+run.N]
		if d.logits && sp != 0 && len(out) >= bernoulliVecMin {
			bernoulliLogitsDraw(r, out, par[op:], sp)
			return
		}
		p := d.prob(float64(par[op])) // hoisted: one sigmoid per run when the parameter is broadcast
		for i := range out {
			if sp != 0 {
				p = d.prob(float64(par[op+i]))
			}
			out[i] = T(bernoulliBit(r.Uint64(), p))
		}
	})
}

// bernoulliBit is 1 when the uniform U = (u mod 2⁵³)·2⁻⁵³ of the word u
// (rand.Rand.Float64's) lies below p, else 0: exactly U < p, as
// u mod 2⁵³ < p·2⁵³ with both sides exact, so that P(1) = ⌈p·2⁵³⌉·2⁻⁵³,
// p rounded up to the uniform's grid. The result is the sign bit of the
// difference rather than a branch, which at p near ½ would mispredict
// half the time.
func bernoulliBit(u uint64, p float64) uint64 {
	d := float64(u<<11>>11) - p*0x1p53
	if d != d { // p is NaN (unvalidated): U < p is false
		return 0
	}
	return math.Float64bits(d) >> 63
}

// bernoulliVecMin is the run length from which bernoulliLogitsDraw's
// chunked exponentials pay for its stack buffers.
const bernoulliVecMin = 32

// bernoulliLogitsDraw draws out[i] = 1 with probability σ(ℓ_i), ℓ_i =
// logits[i·step], taking the e^−|ℓ| of σ from tensor.ExpSlice a chunk at
// a time (σ(ℓ) = 1/(1+e^−ℓ) for ℓ ≥ 0, e^ℓ/(1+e^ℓ) below, as
// tensor.Sigmoid), one uniform per element in order, as the scalar loop.
func bernoulliLogitsDraw[T tensor.Float](r *tensor.Rng, out, logits []T, step int) {
	const one = 0x3ff0000000000000 // the bits of 1.0
	var arg, e [256]float64
	for lo := 0; lo < len(out); lo += len(arg) {
		n := min(len(arg), len(out)-lo)
		for i := range n {
			arg[i] = -math.Abs(float64(logits[(lo+i)*step]))
		}
		tensor.ExpSlice(e[:n], arg[:n])
		for i := range n {
			// The numerator is e for ℓ < 0 and 1 otherwise, chosen by the
			// sign bit without a branch, which on random signs would
			// mispredict half the time.
			neg := -(math.Float64bits(float64(logits[(lo+i)*step])) >> 63)
			num := math.Float64frombits(one ^ (one^math.Float64bits(e[i]))&neg)
			out[lo+i] = T(bernoulliBit(r.Uint64(), num/(1+e[i])))
		}
	}
}

// EnumerateSupport returns the values 0 and 1 along dim 0, shaped
// (2,) + (1,)*len(batch), or (2,) + batch when expand is true.
func (d *Bernoulli) EnumerateSupport(expand bool) (*enumerate.Support, error) {
	shp := make([]int, 1+len(d.batch))
	shp[0] = 2
	for i := range d.batch {
		shp[i+1] = 1
		if expand {
			shp[i+1] = d.batch[i]
		}
	}
	n := shape.Size(shp) / 2
	var values *tensor.Dense
	if d.dtype == tensor.Float32 {
		values = enumerated[float32](shp, n)
	} else {
		values = enumerated[float64](shp, n)
	}
	return enumerate.New(values, d), nil
}

// enumerated returns n zeros then n ones, shaped shp.
func enumerated[T tensor.Float](shp []int, n int) *tensor.Dense {
	res, data := tensor.Alloc[T](shp)
	for i := n; i < 2*n; i++ {
		data[i] = 1
	}
	return res
}

// Mean is p.
func (d *Bernoulli) Mean() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return d.prob(p[0]) })
}

// Variance is p(1-p) (σ(ℓ)σ(-ℓ) from logits).
func (d *Bernoulli) Variance() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return d.variance(p[0]) })
}

func (d *Bernoulli) variance(v float64) float64 {
	if d.logits {
		return tensor.Sigmoid(v) * tensor.Sigmoid(-v)
	}
	return v * (1 - v)
}

// StdDev is √(p(1-p)); from logits e^(-|ℓ|/2)/(1+e^-|ℓ|), which does not
// underflow where the variance does (|ℓ| > 708).
func (d *Bernoulli) StdDev() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 {
		if d.logits {
			e := math.Exp(-math.Abs(p[0]) / 2)
			return e / (1 + e*e)
		}
		return math.Sqrt(d.variance(p[0]))
	})
}

// Mode is 1 where p > ½, 0 where p < ½ and NaN at p = ½ (torch's
// convention: no unique mode).
func (d *Bernoulli) Mode() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 {
		switch q := d.prob(p[0]); {
		case q > 0.5:
			return 1
		case q < 0.5:
			return 0
		}
		return math.NaN()
	})
}

// Entropy is -p·log p - (1-p)·log(1-p), exactly 0 at p = 0 and 1; from
// logits, log1p(e^-|ℓ|) + |ℓ|σ(-|ℓ|), which does not cancel.
func (d *Bernoulli) Entropy() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 {
		if d.logits {
			a := math.Abs(p[0])
			if math.IsInf(a, 1) {
				return 0
			}
			return math.Log1p(math.Exp(-a)) + a*tensor.Sigmoid(-a)
		}
		return -tensor.XLogY(p[0], p[0]) - tensor.XLog1pY(1-p[0], -p[0])
	})
}

// String is a torch-style summary of the distribution, for logs and messages.
func (d *Bernoulli) String() string {
	return fmt.Sprintf("Bernoulli(batch_shape=%s)", shape.Format(d.batch))
}

func init() {
	RegisterShapes("Bernoulli", GenericShapes("bernoulli", map[string]int{"probs": 0, "logits": 0}))
	Register("Bernoulli", func(s *Spec, opts ...Option) (Distribution, error) {
		if err := s.Known("probs", "logits"); err != nil {
			return nil, err
		}
		probs, okP, err := s.Tensor("probs")
		if err != nil {
			return nil, err
		}
		logits, okL, err := s.Tensor("logits")
		if err != nil {
			return nil, err
		}
		switch {
		case okP == okL:
			return nil, fmt.Errorf("bernoulli: give exactly one of probs and logits: %w", ErrParam)
		case okP:
			return NewBernoulli(probs, opts...)
		}
		return NewBernoulliLogits(logits, opts...)
	})
}
