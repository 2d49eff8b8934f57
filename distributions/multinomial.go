package distributions

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync/atomic"

	gt "gorgonia.org/tensor"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Multinomial is a batch of multinomial distributions: the counts of n
// (TotalCount, one number for the whole batch, as torch requires) draws
// over K categories, whose probabilities are the rows of probs (normalised
// p/Σp) or of logits (ℓ − logsumexp ℓ), as torch.distributions.Multinomial;
// batch shape the parameter's shape without K, event shape (K,). With
// m = Σx (torch uses the value's own sum, not n):
//
//	log p(x) = log Γ(m+1) − Σ_i log Γ(x_i+1) + Σ_i x_i·log p_i
//	∂/∂x_i = ψ(m+1) − ψ(x_i+1) + log p_i
//	logits: ∂/∂ℓ_j = x_j − m·p_j      probs: ∂/∂q_j = x_j/q_j − m/Σq
//
// where a term x_i·log p_i with x_i = 0 is 0 even at p_i = 0 (torch zeroes
// those logits). A negative count (validation off) scores −Inf; counts
// need not be integers and may sum below n, as torch's multinomial
// constraint allows (its check is x_i ≥ 0 and Σx ≤ n).
//
// Multinomial shares Categorical's normalisation. Its draws cost O(K) per
// event whatever n (conditional binomials; see Sample), where torch draws
// n categoricals.
type Multinomial struct {
	cat *Categorical
	n   int
}

const multinomialFamily = "multinomial"

// NewMultinomial returns the multinomials of totalCount draws whose
// probabilities are the rows of probs, normalised by their sums. A
// negative totalCount is ErrParam; when validating, every entry of probs
// is >= 0 and the normalised rows sum to 1 (ErrParam). A scalar probs or
// K = 0 is ErrShape.
func NewMultinomial(totalCount int, probs *tensor.Dense, opts ...Option) (*Multinomial, error) {
	return newMultinomial(totalCount, probs, false, opts)
}

// NewMultinomialLogits returns the multinomials of totalCount draws whose
// log-probabilities are the rows of logits up to a constant; when
// validating, no logit is NaN.
func NewMultinomialLogits(totalCount int, logits *tensor.Dense, opts ...Option) (*Multinomial, error) {
	return newMultinomial(totalCount, logits, true, opts)
}

func newMultinomial(n int, param *tensor.Dense, byLogits bool, opts []Option) (*Multinomial, error) {
	if n < 0 {
		return nil, &ConstraintError{Family: multinomialFamily, Name: "total_count", Rule: ">= 0", Got: float64(n), Index: []int{}, Err: ErrParam}
	}
	c, err := vectorCategorical(multinomialFamily, param, byLogits, opts)
	if err != nil {
		return nil, err
	}
	return &Multinomial{cat: c, n: n}, nil
}

// Expand returns the distributions broadcast to the batch shape batch,
// sharing the parameter and its normalised tables.
func (d *Multinomial) Expand(batch []int) (Distribution, error) {
	c, err := expandCategorical(multinomialFamily, d.cat, batch)
	if err != nil {
		return nil, err
	}
	return &Multinomial{cat: c, n: d.n}, nil
}

// BatchShape is the parameter's shape without its last dim, or the shape
// given to Expand.
func (d *Multinomial) BatchShape() []int { return d.cat.BatchShape() }

// EventShape is (K,).
func (d *Multinomial) EventShape() []int { return []int{d.cat.k} }

// Dtype is the parameter's dtype, which values (counts), samples and
// results share.
func (d *Multinomial) Dtype() gt.Dtype { return d.cat.dtype }

// Validating reports whether parameters were and values are validated.
func (d *Multinomial) Validating() bool { return d.cat.validate }

// TotalCount is n, the number of draws.
func (d *Multinomial) TotalCount() int { return d.n }

// Probs returns the normalised probabilities, shaped BatchShape() + (K,)
// (see Categorical.Probs).
func (d *Multinomial) Probs() *tensor.Dense { return d.cat.Probs() }

// Logits returns the normalised logits, shaped BatchShape() + (K,).
func (d *Multinomial) Logits() *tensor.Dense { return d.cat.Logits() }

// Params returns the parameter given (probs or logits), as given, and
// total_count as a 0-d array of the dtype.
func (d *Multinomial) Params() map[string]*tensor.Dense {
	n := tensor.Scalar(float64(d.n))
	if d.cat.dtype == tensor.Float32 {
		n = tensor.Scalar(float32(d.n))
	}
	return map[string]*tensor.Dense{d.cat.paramName(): d.cat.param, "total_count": n}
}

// prepare checks x (dtype; trailing dim K and a batch that broadcasts;
// when validating, torch's multinomial constraint) and returns LogProb's
// shape.
func (d *Multinomial) prepare(x Value) ([]int, error) {
	k := d.cat.k
	out, err := valueShape(multinomialFamily, x, d.cat.dtype, d.cat.batch, []int{k})
	if err != nil {
		return nil, err
	}
	if d.cat.validate {
		if err := d.checkCounts(x); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// checkCounts is torch's multinomial(n) constraint on each last-dim row:
// every count >= 0 (not NaN) and Σx <= n.
func (d *Multinomial) checkCounts(x Value) error {
	data, err := tensor.Float64s(x)
	if err != nil {
		return fmt.Errorf("%s: value: %w", multinomialFamily, err)
	}
	xs, k, n := tensor.ShapeOf(x), d.cat.k, float64(d.n)
	for r := range len(data) / k {
		var sum float64
		for j, v := range data[r*k : (r+1)*k] {
			if !(v >= 0) {
				return &ConstraintError{Family: multinomialFamily, Name: "value", Rule: "a count >= 0", Got: v, Index: unravel(r*k+j, xs), Err: ErrSupport}
			}
			sum += v
		}
		if !(sum <= n) {
			return &ConstraintError{Family: multinomialFamily, Name: "value", Rule: fmt.Sprintf("counts summing to at most total_count %d", d.n), Got: sum, Index: unravel(r, xs[:len(xs)-1]), Err: ErrSupport}
		}
	}
	return nil
}

// LogProb returns log p(x), shaped broadcast(x.Shape()[:-1], BatchShape());
// x ends in K. When validating, a negative count or counts summing past
// TotalCount are ErrSupport.
func (d *Multinomial) LogProb(x Value) (*tensor.Dense, error) {
	out, err := d.prepare(x)
	if err != nil {
		return nil, err
	}
	if d.cat.dtype == tensor.Float32 {
		res, dst := tensor.Alloc[float32](out)
		multinomialLogProbInto(d, dst, x, out)
		return res, nil
	}
	res, dst := tensor.Alloc[float64](out)
	multinomialLogProbInto(d, dst, x, out)
	return res, nil
}

// LogProbInto writes log p(x) into dst, which must have LogProb's shape and
// the distribution's dtype.
func (d *Multinomial) LogProbInto(dst *tensor.Dense, x Value) error {
	out, err := d.prepare(x)
	if err != nil {
		return err
	}
	if dst == nil || !shape.Equal(tensor.ShapeOf(dst), out) || dst.Dtype() != d.cat.dtype {
		return fmt.Errorf("%s: LogProbInto needs a %v array of shape %s: %w", multinomialFamily, d.cat.dtype, shape.Format(out), ErrShape)
	}
	if d.cat.dtype == tensor.Float32 {
		data, _ := tensor.Floats[float32](dst)
		multinomialLogProbInto(d, data, x, out)
		return nil
	}
	data, _ := tensor.Floats[float64](dst)
	multinomialLogProbInto(d, data, x, out)
	return nil
}

// multinomialEvent is log p of one event: x, and the normalised
// probabilities pr and logits lg of its row; ok is false for a negative
// count (−Inf) or a NaN (NaN), which have no slope. With m = Σx and
// λ_i = m·p_i it sums Loader's terms (C. Loader, "Fast and accurate
// computation of binomial probabilities", 2000; log k! = k·log k − k +
// ½log(2πk) + stirlerr(k), bd0(k, λ) = k·log(k/λ) + λ − k ≥ 0):
//
//	log p(x) = stirlerr(m) − Σ_{x_i>0} stirlerr(x_i) − Σ_i bd0(x_i, λ_i) + ½log(2πm) − Σ_{x_i>0} ½log(2πx_i)
//
// with bd0(0, λ) = λ, which equals the formula of Multinomial without its
// terms of size m·log m, which cancel (to 2e-13 relative at m = 1e4 in
// the plain sum).
func multinomialEvent[T tensor.Float](x, pr, lg []T) (lp float64, ok bool) {
	var m float64
	for _, xv := range x {
		v := float64(xv)
		switch {
		case v != v:
			return v, false
		case v < 0:
			return math.Inf(-1), false // a NaN later is also -Inf: off the support
		}
		m += v
	}
	if m == 0 {
		return 0, true
	}
	if math.IsInf(m, 1) {
		return math.NaN(), false
	}
	lp = multinomialStirling(m)
	for i, xv := range x {
		v, p := float64(xv), float64(pr[i])
		if v != 0 {
			lp -= multinomialStirling(v)
		}
		lam := m * p
		switch {
		case v == 0:
			lp -= lam
		case p == 0:
			return math.Inf(-1), true
		case p < 0x1p-1022 || lam < 0x1p-1022: // m·p loses digits: the logs instead
			lp -= v*(tensor.Log(v)-tensor.Log(m)-float64(lg[i])) + lam - v
		default:
			lp -= bd0Split(v, lam, math.FMA(m, p, -lam))
		}
	}
	return lp, true
}

// multinomialStirlingTable[k] is stirlerr(k) + ½·log(2πk), the part of
// log k! beside k·log k − k, for the counts below 1024.
var multinomialStirlingTable = func() (t [1024]float64) {
	for k := 1; k < len(t); k++ {
		t[k] = stirlerr(float64(k)) + 0.5*math.Log(2*math.Pi*float64(k))
	}
	return t
}()

// multinomialStirling is stirlerr(v) + ½·log(2πv) for v > 0: a table
// lookup at small integers (no logarithm per count).
func multinomialStirling(v float64) float64 {
	if k := int(v); k > 0 && k < len(multinomialStirlingTable) && float64(k) == v {
		return multinomialStirlingTable[k]
	}
	return stirlerr(v) + 0.5*tensor.Log(2*math.Pi*v)
}

// multinomialLogProbInto writes log p(x) into dst of shape out; the plan's
// operands are (out, x's batch, the parameter's batch).
func multinomialLogProbInto[T tensor.Float](d *Multinomial, dst []T, x Value, out []int) {
	lg, _ := tensor.Floats[T](d.cat.logits)
	pr, _ := tensor.Floats[T](d.cat.probs)
	xs := tensor.ShapeOf(x)
	p, _ := shape.NewPlan(out, xs[:len(xs)-1], d.cat.pbatch) // prepare checked the shapes
	xd, _ := tensor.Floats[T](x)
	k := d.cat.k
	tensor.ForBlocks(p.Size(), func(_, lo, hi int) {
		for r := range p.RunsIn(lo, hi) {
			o, ox, op, sx, sp := r.Off[0], r.Off[1], r.Off[2], r.Step[1], r.Step[2]
			for i := range r.N {
				row := op + i*sp
				lp, _ := multinomialEvent(xd[(ox+i*sx)*k:][:k], pr[row*k:][:k], lg[row*k:][:k])
				dst[o+i] = T(lp)
			}
		}
	})
}

// LogProbGrad returns Σ log p(x) and its gradient with respect to x and the
// parameter given (Params["probs"] or Params["logits"]), each shaped like
// its operand; total_count, an integer, has none.
func (d *Multinomial) LogProbGrad(x Value) (*Gradient, error) { return d.LogProbVJP(x, nil) }

// LogProbVJP is LogProbGrad with each element of log_prob weighted by
// upstream, which must broadcast to LogProb's shape (nil means ones). An
// element of weight 0 contributes exactly nothing; a negative or NaN count
// (validation off) contributes its −Inf or NaN to LogProb and nothing to
// the gradient.
func (d *Multinomial) LogProbVJP(x, upstream Value) (*Gradient, error) {
	out, err := d.prepare(x)
	if err != nil {
		return nil, err
	}
	if d.cat.dtype == tensor.Float32 {
		return multinomialVJP[float32](d, x, upstream, out)
	}
	return multinomialVJP[float64](d, x, upstream, out)
}

// multinomialVJP is one serial pass over the events, gathering per
// parameter row the weighted counts c_j = Σ w·x_j and their total
// W = Σ w·m, from which the parameter's gradient is finished per row:
//
//	logits: c_j·(1−p_j) − (W−c_j)·p_j      probs: c_j/q_j − W/Σq
//
// with 1−p_j the sum of the other probabilities.
func multinomialVJP[T tensor.Float](d *Multinomial, x, upstream Value, out []int) (*Gradient, error) {
	w, err := simplexWeights[T](multinomialFamily, upstream, out)
	if err != nil {
		return nil, err
	}
	c := d.cat
	lg, _ := tensor.Floats[T](c.logits)
	prT, _ := tensor.Floats[T](c.probs)
	xs := tensor.ShapeOf(x)
	p, _ := shape.NewPlan(out, xs[:len(xs)-1], c.pbatch)
	xd, _ := tensor.Floats[T](x)
	k := c.k
	gx, cnt := make([]float64, len(xd)), make([]float64, len(lg))
	wrow := make([]float64, len(lg)/k)
	var sum float64
	for r := range p.Runs() {
		for i := range r.N {
			wi := 1.0
			if w != nil {
				if wi = float64(w[r.Off[0]+i]); wi == 0 {
					continue // select, never multiply: a weight of 0 adds nothing
				}
			}
			xo, row := r.Off[1]+i*r.Step[1], r.Off[2]+i*r.Step[2]
			xr, lr := xd[xo*k:][:k], lg[row*k:][:k]
			lp, ok := multinomialEvent(xr, prT[row*k:][:k], lr)
			sum += wi * lp
			if !ok {
				continue
			}
			var m float64
			for _, v := range xr {
				m += float64(v)
			}
			psiM := tensor.Digamma(m + 1)
			gxr, cr := gx[xo*k:][:k], cnt[row*k:][:k]
			for j, xv := range xr {
				v, l := float64(xv), float64(lr[j])
				if v == 0 && math.IsInf(l, -1) {
					l = 0 // torch's masked logit
				}
				gxr[j] += wi * (psiM - tensor.Digamma(v+1) + l)
				cr[j] += wi * v
			}
			wrow[row] += wi * m
		}
	}
	par, _ := tensor.Float64s(c.param)
	pr, _ := tensor.Float64s(c.probs)
	gp := make([]float64, len(par))
	others := make([]float64, k)
	for row, wr := range wrow {
		cr, gr := cnt[row*k:(row+1)*k], gp[row*k:(row+1)*k]
		if !c.byLogits {
			var s float64
			for _, q := range par[row*k : (row+1)*k] {
				s += q
			}
			for j, q := range par[row*k : (row+1)*k] {
				var g float64
				if cr[j] != 0 {
					g = cr[j] / q
				}
				if wr != 0 {
					g -= wr / s
				}
				gr[j] = g
			}
			continue
		}
		prow := pr[row*k : (row+1)*k]
		dirichletOthers(prow, others)
		for j, q := range prow {
			var g float64
			if cr[j] != 0 {
				g = cr[j] * others[j]
			}
			if o := wr - cr[j]; o != 0 {
				g -= o * q
			}
			gr[j] = g
		}
	}
	return &Gradient{
		LogProb: sum,
		Value:   simplexResult[T](gx, xs),
		Params:  map[string]*tensor.Dense{c.paramName(): simplexResult[T](gp, tensor.ShapeOf(c.param))},
	}, nil
}

// Sample draws sampleShape + BatchShape() + (K,) counts (in the
// distribution's dtype), exactly, in one of two ways by cost:
//
//   - small n (multinomialDirect): n categorical draws counted (a uniform
//     each, searched in the row's cumulative sums, categoricalSearch), as
//     torch draws;
//   - else K−1 conditional binomials in category order, stopping once all
//     n draws are placed: n_i ~ Binomial(n − Σ_{j<i} n_j, p_i/s_i) with
//     s_i = Σ_{j≥i} p_j and the complement s_{i+1}/s_i (no cancellation),
//     each O(1) in its count (binomialSampler), so O(K) per event
//     whatever n, where torch's work is O(n).
//
// The sums are float64. The draws depend on src and the shapes only,
// never on GOMAXPROCS. A row whose probabilities do not sum to a positive
// finite number (validation off) is ErrParam.
func (d *Multinomial) Sample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	if d.cat.dtype == tensor.Float32 {
		return multinomialSample[float32](d, src, sampleShape)
	}
	return multinomialSample[float64](d, src, sampleShape)
}

func multinomialSample[T tensor.Float](d *Multinomial, src rand.Source, sampleShape []int) (*tensor.Dense, error) {
	if err := shape.Check(sampleShape); err != nil {
		return nil, fmt.Errorf("%s: sample shape: %w", multinomialFamily, err)
	}
	streams, err := tensor.NewStreams(src)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", multinomialFamily, err)
	}
	c := d.cat
	events := shape.Concat(sampleShape, c.batch)
	p, err := shape.NewPlan(events, c.pbatch)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", multinomialFamily, err)
	}
	k, n := c.k, float64(d.n)
	direct := multinomialDirect(d.n, k)
	res, dst := tensor.Alloc[T](shape.Concat(events, []int{k}))
	probs, _ := tensor.Floats[T](c.probs)
	var bad atomic.Bool
	tensor.ForBlocks(p.Size(), func(b, lo, hi int) {
		rng := streams.Block(b)
		suf, cum := make([]float64, k+1), make([]float64, k)
		prev := -1
		var s binomialSampler
		for r := range p.RunsIn(lo, hi) {
			for i := range r.N {
				row := r.Off[1] + i*r.Step[1]
				if row != prev { // the row's suffix and cumulative sums
					prev = row
					pr := probs[row*k : (row+1)*k]
					suf[k] = 0
					for j := k - 1; j >= 0; j-- {
						suf[j] = suf[j+1] + float64(pr[j])
					}
					var cs float64
					for j, v := range pr {
						cs += float64(v)
						cum[j] = cs
					}
					if !(suf[0] > 0 && suf[0] <= math.MaxFloat64) {
						bad.Store(true)
						return
					}
				}
				out := dst[(r.Off[0]+i)*k:][:k]
				if direct {
					for range d.n {
						out[categoricalSearch(cum, rng.Float64())]++
					}
					continue
				}
				left := n
				for j := 0; j < k-1 && left > 0; j++ {
					s.init(left, float64(probs[row*k+j])/suf[j], suf[j+1]/suf[j], math.Inf(1))
					v := s.draw(rng)
					out[j] = T(v)
					left -= v
				}
				out[k-1] += T(left)
			}
		}
	})
	if bad.Load() {
		return nil, fmt.Errorf("%s: cannot sample a row whose probs do not sum to a positive finite number: %w", multinomialFamily, ErrParam)
	}
	return res, nil
}

// multinomialDirect reports whether n categorical draws cost less than the
// K−1 binomials: measured, a binomial's setup and draw cost about 8 draws
// of a categorical whose cumulative sums are counted (K ≤ 16), about 2
// where they are bisected.
func multinomialDirect(n, k int) bool {
	if k <= categoricalLinearMax {
		return n <= 8*(k-1)
	}
	return n <= 2*(k-1)
}

// Mean is n·p, shaped BatchShape() + (K,).
func (d *Multinomial) Mean() (*tensor.Dense, error) {
	n := float64(d.n)
	return categoricalPerCategory(d.cat, func(p, _ float64) float64 { return n * p })
}

// Variance is n·p(1−p), 1−p the sum of the other probabilities.
func (d *Multinomial) Variance() (*tensor.Dense, error) {
	n := float64(d.n)
	return categoricalPerCategory(d.cat, func(p, q float64) float64 { return n * p * q })
}

// StdDev is the square root of Variance.
func (d *Multinomial) StdDev() (*tensor.Dense, error) {
	n := float64(d.n)
	return categoricalPerCategory(d.cat, func(p, q float64) float64 { return math.Sqrt(n * p * q) })
}

// Entropy is −E[log p(x)], shaped BatchShape(). torch 1.13 sums
// n·H(p) − log n! + Σ_i Σ_k Bin(k; n, p_i)·log k! over the binomial
// marginals, whose terms of size n·log n cancel to a result of size
// (K−1)/2·log n. The same sum is taken here in Loader's terms (log k! =
// k·log k − k + ½log(2πk) + stirlerr(k), bd0(k, λ) = k·log(k/λ) + λ − k):
//
//	H = Σ_i Σ_k Bin(k; n, p_i)·g_i(k) − ½log(2πn) − stirlerr(n)
//	g_i(0) = λ_i,  g_i(k) = bd0(k, λ_i) + ½log(2πk) + stirlerr(k),  λ_i = n·p_i
//
// (the terms Bin(k)·(k − λ_i), whose sum is 0, are dropped), so that
// nothing of size n·log n appears. Each inner sum walks out from the
// marginal's mode until the terms, which then decrease, fall below 1e-17
// of the sum: O(√n) terms.
func (d *Multinomial) Entropy() (*tensor.Dense, error) {
	c := d.cat
	pr, _ := tensor.Float64s(c.probs)
	k, n := c.k, float64(d.n)
	h := make([]float64, len(pr)/k)
	others := make([]float64, k)
	for r := range h {
		if d.n == 0 {
			continue
		}
		row := pr[r*k : (r+1)*k]
		dirichletOthers(row, others)
		v := -0.5*tensor.Log(2*math.Pi*n) - stirlerr(n)
		for j, p := range row {
			v += multinomialMarginalTerm(n, p, others[j])
		}
		h[r] = v
	}
	return simplexBroadcast(c.dtype, h, c.pbatch, c.batch)
}

// multinomialMarginalTerm is Σ_k Bin(k; n, p)·g(k) of Entropy, q = 1−p.
func multinomialMarginalTerm(n, p, q float64) float64 {
	if p != p || q != q {
		return math.NaN()
	}
	lp, lq := tensor.Log(p), tensor.Log(q)
	bp := binomialParam{p: p, q: q, logP: lp, logQ: lq, logit: lp - lq, v: p}
	lam := n * p
	term := func(k float64) float64 {
		pk := math.Exp(binomialLogPMF(k, n, bp))
		if pk == 0 {
			return 0
		}
		if k == 0 {
			return pk * lam
		}
		return pk * (bd0(k, lam) + 0.5*tensor.Log(2*math.Pi*k) + stirlerr(k))
	}
	m := min(math.Floor((n+1)*p), n)
	sum := term(m)
	for _, step := range []float64{-1, 1} {
		prev := math.Inf(1)
		for j := m + step; j >= 0 && j <= n; j += step {
			t := term(j)
			sum += t
			if t == 0 || (t <= 1e-17*sum && t < prev) {
				break
			}
			prev = t
		}
	}
	return sum
}

// String is a torch-style summary of the distribution, for logs and messages.
func (d *Multinomial) String() string {
	return fmt.Sprintf("Multinomial(total_count=%d, batch_shape=%s, event_shape=(%d,))", d.n, shape.Format(d.cat.batch), d.cat.k)
}

// multinomialShapes is Pyro's Multinomial.infer_shapes: the parameter t
// given (logits, else probs) has batch t[:-1] and event t[-1:]; a
// total_count shape, when given, broadcasts into the batch.
func multinomialShapes(params map[string][]int) ([]int, []int, error) {
	var t []int
	found := false
	for name, s := range params {
		switch name {
		case "total_count":
		case "probs", "logits":
			if !found || name == "logits" {
				t, found = s, true
			}
		default:
			return nil, nil, fmt.Errorf("infer_shapes: Multinomial has no parameter %q: %w", name, ErrParam)
		}
	}
	if !found {
		return nil, nil, fmt.Errorf("infer_shapes: Multinomial needs probs or logits: %w", ErrParam)
	}
	if len(t) < 1 {
		return nil, nil, fmt.Errorf("infer_shapes: Multinomial: the parameter must be at least one-dimensional: %w", ErrShape)
	}
	batch, event := shape.Clone(t[:len(t)-1]), shape.Clone(t[len(t)-1:])
	if tc, ok := params["total_count"]; ok {
		b, err := shape.Broadcast(tc, batch)
		if err != nil {
			return nil, nil, fmt.Errorf("infer_shapes: Multinomial: %w", err)
		}
		batch = b
	}
	return batch, event, nil
}

// multinomialTotalCount reads the spec's total_count: a number (or a 0-d
// tensor), 1 when absent as in torch; a natural number, else ErrParam. A
// tensor of several counts is ErrUnsupported (torch: "inhomogeneous
// total_count is not supported").
func multinomialTotalCount(s *Spec) (int, error) {
	t, ok, err := s.Tensor("total_count")
	if err != nil || !ok {
		return 1, err
	}
	if t.Len() != 1 || len(tensor.ShapeOf(t)) != 0 {
		return 0, fmt.Errorf("%s: total_count of shape %s: one count for the whole batch only: %w", multinomialFamily, shape.Format(tensor.ShapeOf(t)), ErrUnsupported)
	}
	v := t.Float64s()[0]
	if !isNaturalNumber(v) || v > 1<<53 {
		return 0, &ConstraintError{Family: multinomialFamily, Name: "total_count", Rule: "a natural number", Got: v, Index: []int{}, Err: ErrParam}
	}
	return int(v), nil
}

func init() {
	RegisterShapes("Multinomial", multinomialShapes)
	Register("Multinomial", func(s *Spec, opts ...Option) (Distribution, error) {
		param, byLogits, err := probsOrLogits(s, multinomialFamily, "total_count")
		if err != nil {
			return nil, err
		}
		n, err := multinomialTotalCount(s)
		if err != nil {
			return nil, err
		}
		return newMultinomial(n, param, byLogits, opts)
	})
}
