package distributions

import (
	"fmt"
	"math"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// KL pairs of the discrete families: Bernoulli, Binomial, Categorical,
// Geometric, Poisson (torch.distributions.kl). Each is a sum of klTerm
// over the outcomes, every term ≥ 0, from probabilities and their logs
// taken in the parameter's own form (probs or logits) without clamping:
// exact where torch clamps probs to [eps, 1-eps] or cancels.

func init() {
	klPair(klBernoulliBernoulli)
	klPair(klBernoulliPoisson)
	klPair(klGeometricGeometric)
	klPair(klPoissonPoisson)
	RegisterKL(klBinomialBinomial)
	RegisterKL(klCategoricalCategorical)
}

// klBernoulliTerms is KL(Bernoulli(p) ‖ Bernoulli(q)) =
// klTerm(p, q) + klTerm(1-p, 1-q), p and q given as probs or logits (a, b).
// Between logits a and b within 1 of each other the log ratios are
//
//	log(p/q) = log σ(a) - log σ(b) = log1p(σ(-a)·expm1(a-b))
//	log((1-p)/(1-q)) = log1p(σ(a)·expm1(b-a)),
//
// exact as a tends to b (a-b is exact there).
func klBernoulliTerms(a float64, aLogits bool, b float64, bLogits bool) float64 {
	p, q := newBinomialParam(a, aLogits), newBinomialParam(b, bLogits)
	if aLogits && bLogits && math.Abs(a-b) <= 1 {
		e := math.Expm1(a - b)
		return klTermD(p.p, q.p, math.Log1p(p.q*e)) + klTermD(p.q, q.q, math.Log1p(-p.p*e/(1+e)))
	}
	return klTerm(p.p, p.logP, q.p, q.logP) + klTerm(p.q, p.logQ, q.q, q.logQ)
}

// klBernoulliBernoulli is torch's _kl_bernoulli_bernoulli: +Inf where q
// gives 0 to an outcome of positive p-probability, and 0·log 0 = 0.
func klBernoulliBernoulli(p, q *Bernoulli, a, b []float64) float64 {
	return klBernoulliTerms(a[0], p.logits, b[0], q.logits)
}

// klBernoulliPoisson is torch's _kl_bernoulli_poisson,
// -H(p) - (p·log λ - λ) = klTerm(p, λ) + klTerm(1-p, 1): the Poisson's
// probabilities of 0 and 1 being e^-λ and λe^-λ, the factor e^-λ
// contributes λ and the counts above 1 nothing. +Inf where λ = 0 < p.
func klBernoulliPoisson(p *Bernoulli, _ *Poisson, a, q []float64) float64 {
	bp := newBinomialParam(a[0], p.logits)
	return klTerm(bp.p, bp.logP, q[0], tensor.Log(q[0])) + klTerm(bp.q, bp.logQ, 1, 0)
}

// klGeometricGeometric is torch's _kl_geometric_geometric,
// -H(p) - log1p(-q)/p - logit(q); summed over the counts k, with
// log p(k) = log p + k·log(1-p), it is the Bernoulli divergence of the
// success probabilities divided by p:
//
//	KL = (klTerm(p, q) + klTerm(1-p, 1-q)) / p.
func klGeometricGeometric(p, q *Geometric, a, b []float64) float64 {
	return klBernoulliTerms(a[0], p.logits, b[0], q.logits) / newBinomialParam(a[0], p.logits).p
}

// klPoissonPoisson is torch's _kl_poisson_poisson,
// λp·log(λp/λq) - λp + λq = klTerm(λp, λq): +Inf where λq = 0 < λp, λq at
// λp = 0.
func klPoissonPoisson(_, _ *Poisson, p, q []float64) float64 {
	return klTerm(p[0], tensor.Log(p[0]), q[0], tensor.Log(q[0]))
}

// klBinomialBinomial is torch's _kl_binomial_binomial: n times the
// Bernoulli divergence where the total counts agree, +Inf where
// p's n > q's n (q cannot reach p's largest counts); an ErrUnsupported
// error if any p's n < q's n (torch raises NotImplementedError: the
// divergence is finite there but has no closed form).
func klBinomialBinomial(p, q *Binomial) (*tensor.Dense, error) {
	short := false
	k, err := klScalar(&p.elementwise, &q.elementwise, func(a, b []float64) float64 {
		n, m := a[0], b[0]
		switch {
		case n < m:
			short = true
			return math.NaN()
		case n > m:
			return math.Inf(1)
		case n == 0:
			return 0
		}
		return n * klBernoulliTerms(a[1], p.logits, b[1], q.logits)
	})
	if err != nil {
		return nil, err
	}
	if short {
		return nil, fmt.Errorf("kl: binomial with a total_count below the other's: %w", ErrUnsupported)
	}
	return k, nil
}

// klCategoricalCategorical is torch's _kl_categorical_categorical,
// Σ p_i·log(p_i/q_i) over each row, summed as Σ klTerm(p_i, q_i) (the rows
// are normalised, so the -p_i + q_i add up to 0): +Inf where q_i = 0 < p_i,
// and 0·log 0 = 0. The rows are normalised in float64 whatever the dtype;
// klCategoricalRow takes log(p_i/q_i) from the parameters themselves. Both
// must have the same number of categories (ErrShape; torch fails to
// broadcast).
func klCategoricalCategorical(p, q *Categorical) (*tensor.Dense, error) {
	if p.dtype != q.dtype {
		return nil, fmt.Errorf("kl: categorical is %v, categorical is %v: %w", p.dtype, q.dtype, ErrDType)
	}
	if p.k != q.k {
		return nil, fmt.Errorf("kl: categoricals of %d and %d categories: %w", p.k, q.k, ErrShape)
	}
	batch, err := shape.Broadcast(p.batch, q.batch)
	if err != nil {
		return nil, fmt.Errorf("kl: categorical and categorical: %w", err)
	}
	plan, err := shape.NewPlan(batch, p.pbatch, q.pbatch)
	if err != nil {
		return nil, fmt.Errorf("kl: %w", err)
	}
	k := p.k
	px, pl, pp := klCategoricalRows(p)
	qx, ql, qp := klCategoricalRows(q)
	same := p.byLogits == q.byLogits
	out := make([]float64, shape.Size(batch))
	for r := range plan.Runs() {
		for i := range r.N {
			a, b := (r.Off[1]+i*r.Step[1])*k, (r.Off[2]+i*r.Step[2])*k
			if same {
				out[r.Off[0]+i] = klCategoricalRow(px[a:a+k], qx[b:b+k], pl[a:a+k], pp[a:a+k], ql[b:b+k], qp[b:b+k], p.byLogits)
				continue
			}
			var s float64
			for j := range k {
				s += klTerm(pp[a+j], pl[a+j], qp[b+j], ql[b+j])
			}
			out[r.Off[0]+i] = s
		}
	}
	if p.dtype == tensor.Float32 {
		return fromFloat64s[float32](out, batch), nil
	}
	return fromFloat64s[float64](out, batch), nil
}

// klCategoricalRow is Σ klTerm(p_i, q_i) over one row of each, given in
// the same form, x and y (probs or logits), with their normalised logs and
// probabilities. log(p_i/q_i) = a_i - c is taken from the parameters, so
// that nearby rows keep their precision (normalising them first rounds
// each p_i and q_i):
//
//	probs:   a_i = log(x_i/y_i),  c = log(Σx/Σy) = log1p(Σ(x_j-y_j)/Σy)
//	logits:  a_i = x_i - y_i,     c = logsumexp x - logsumexp y
//	                                = log1p(Σ q_j·expm1(x_j-y_j)),
//
// the latter where every |x_j - y_j| ≤ 1 (from the normalised logs
// elsewhere).
func klCategoricalRow(x, y, lp, pp, lq, pq []float64, logits bool) float64 {
	near, c := true, 0.0
	if logits {
		for j := range x {
			if pq[j] == 0 {
				continue
			}
			d := x[j] - y[j]
			if !(math.Abs(d) <= 1) {
				near = false
				break
			}
			c += pq[j] * math.Expm1(d)
		}
	} else {
		var sd, sy float64
		for j := range x {
			sd += x[j] - y[j]
			sy += y[j]
		}
		c = sd / sy
	}
	c = math.Log1p(c)
	var s float64
	for j := range x {
		if !near || pp[j] == 0 || pq[j] == 0 {
			s += klTerm(pp[j], lp[j], pq[j], lq[j])
			continue
		}
		a := x[j] - y[j]
		if !logits {
			a = klLogRatio(x[j], y[j])
		}
		s += klTermD(pp[j], pq[j], a-c)
	}
	return s
}

// klCategoricalRows returns d's parameter, normalised log-probabilities
// and probabilities, row by row, in float64.
func klCategoricalRows(d *Categorical) (x, lg, pr []float64) {
	if d.dtype == tensor.Float32 {
		return klCategoricalRowsOf[float32](d)
	}
	return klCategoricalRowsOf[float64](d)
}

func klCategoricalRowsOf[T tensor.Float](d *Categorical) (x, lg, pr []float64) {
	src, _ := tensor.Floats[T](d.param) // the dtype was checked at construction
	x, lg, pr = make([]float64, len(src)), make([]float64, len(src)), make([]float64, len(src))
	for i, v := range src {
		x[i] = float64(v)
	}
	for r := 0; r+d.k <= len(src); r += d.k {
		categoricalNormRow(src[r:r+d.k], d.byLogits, lg[r:r+d.k], pr[r:r+d.k])
	}
	return x, lg, pr
}
