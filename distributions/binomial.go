package distributions

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/enumerate"
	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Binomial is a batch of binomial distributions: the number k of successes
// in n = total_count trials of success probability p (probs) or log-odds ℓ
// (logits), support {0, …, n}; values and samples are floats, as in torch.
//
//	log p(k) = log C(n, k) + k·log p + (n-k)·log(1-p)
//	         = log C(n, k) + k·ℓ - n·softplus(ℓ)         (Pyro's logits form)
//
// with 0·log 0 = 0, so that p = 0 and 1 (ℓ = ∓∞) give exact 0 and -Inf
// (torch clamps probs to [eps, 1-eps]). The sum cancels where n is large
// (log C(n, k) and n·softplus(ℓ) are near n while log p(k) is near
// -½·log n), so it is evaluated in Loader's saddle-point form, with n·p as
// a double-double, to a few ulps for every n (Loader 2000, as Poisson;
// 0 < k < n; from logits p = σ(ℓ) is itself rounded, which shows only
// where log p(k) is ill-conditioned in p, far from the mode at huge n):
//
//	log p(k) = stirlerr(n) - stirlerr(k) - stirlerr(n-k)
//	           - bd0(k, np) - bd0(n-k, nq) - ½·log(2πk(n-k)/n)
//
// When Settings.BinomialApproxLogProbTol ≥ 0.02, log p(k) is instead Pyro's
// k·ℓ - n·softplus(ℓ) with its shifted-Stirling log C(n, k)
// (pyro.ops.special.log_binomial; see binomialLogCApprox), probs clamped
// as Pyro clamps them, to match Pyro's values.
//
// Pyro computes log C(n, k) without gradient, so that LogProbGrad's
// partials are those of k·ℓ - n·softplus(ℓ) alone, as Pyro's autograd
// gives them:
//
//	∂/∂p = k/p - (n-k)/(1-p)    ∂/∂ℓ = k - n·σ(ℓ)    ∂/∂k = ℓ    ∂/∂n = log(1-p)
//
// Without validation a value outside {0, …, n} scores -Inf, a non-integer
// one inside [0, n] the formula's continuous extension (torch's lgamma).
type Binomial struct {
	elementwise
	logits bool // parameterised by logits rather than probs
}

// NewBinomial returns the binomial distributions of totalCount trials with
// success probabilities probs; a nil totalCount is 1 (torch's default). The
// two must broadcast and share a dtype; when validating, every totalCount
// is a non-negative integer and every probs lies in [0, 1].
func NewBinomial(totalCount, probs *tensor.Dense, opts ...Option) (*Binomial, error) {
	return newBinomial(totalCount, probs, false, opts)
}

// NewBinomialLogits returns the binomial distributions of totalCount trials
// with success log-odds logits (nil totalCount: 1); when validating, no
// logit is NaN.
func NewBinomialLogits(totalCount, logits *tensor.Dense, opts ...Option) (*Binomial, error) {
	return newBinomial(totalCount, logits, true, opts)
}

func newBinomial(totalCount, param *tensor.Dense, logits bool, opts []Option) (*Binomial, error) {
	cfg := newConfig(opts)
	name, ok, rule := "probs", isUnit, "in [0, 1]"
	if logits {
		name, ok, rule = "logits", isReal, "real"
	}
	if tensor.IsNil(totalCount) && !tensor.IsNil(param) && tensor.IsFloat(param.Dtype()) {
		totalCount = binomialOne(param)
	}
	e, err := newElementwise("binomial", []string{"total_count", name}, []*tensor.Dense{totalCount, param}, cfg)
	if err != nil {
		return nil, err
	}
	if cfg.validate {
		if err := check("binomial", "total_count", "a non-negative integer", totalCount, ErrParam, isNaturalNumber); err != nil {
			return nil, err
		}
		if err := check("binomial", name, rule, param, ErrParam, ok); err != nil {
			return nil, err
		}
	}
	logs := new(countCache) // shared by Expand, which copies the kernels
	e.k32 = func(a *kargs[float32]) { binomialKernel(a, logits, param, logs) }
	e.k64 = func(a *kargs[float64]) { binomialKernel(a, logits, param, logs) }
	e.supportAt = func(x float64, p []float64) bool { return x >= 0 && x <= p[0] && x == math.Floor(x) }
	e.rule = "an integer in [0, total_count]"
	return &Binomial{elementwise: e, logits: logits}, nil
}

// binomialOne is a scalar 1 in like's dtype.
func binomialOne(like *tensor.Dense) *tensor.Dense {
	if like.Dtype() == tensor.Float32 {
		return tensor.Scalar(float32(1))
	}
	return tensor.Scalar(1.0)
}

// Expand returns the distributions broadcast to batch, sharing the
// parameters.
func (d *Binomial) Expand(batch []int) (Distribution, error) {
	e, err := d.expand(batch)
	if err != nil {
		return nil, err
	}
	return &Binomial{elementwise: e, logits: d.logits}, nil
}

// TotalCount is the number of trials, as given (or the default 1).
func (d *Binomial) TotalCount() *tensor.Dense { return d.params[0] }

// Probs returns the success probabilities (computed from the logits if
// those were given).
func (d *Binomial) Probs() *tensor.Dense {
	if !d.logits {
		return d.params[1]
	}
	return d.stat(func(p []float64) float64 { return tensor.Sigmoid(p[1]) })
}

// Logits returns the success log-odds (computed from probs if those were
// given; ±Inf at probs 1 and 0).
func (d *Binomial) Logits() *tensor.Dense {
	if d.logits {
		return d.params[1]
	}
	return d.stat(func(p []float64) float64 { return tensor.Log(p[1]) - math.Log1p(-p[1]) })
}

// binomialParam is one element's success parameter in every form the
// kernel needs: p and q = 1-p, their logs and the logit, each computed
// without cancellation from probs or from logits. A lazy one (LogProb's
// hot path) has p and q only, and computes the logs when asked.
type binomialParam struct {
	p, q, logP, logQ, logit float64
	qIsOneMinusP            bool // q stands for 1 - p exactly (probs), not a rounding of it
	v                       float64
	logits, lazy            bool
}

func newBinomialParam(v float64, logits bool) binomialParam {
	b := newBinomialPQ(v, logits)
	b.logP, b.logQ = binomialLogs(v, logits)
	b.logit, b.lazy = v, false
	if !logits {
		b.logit = b.logP - b.logQ
	}
	return b
}

// newBinomialPQ is the lazy binomialParam: one exp from logits, with
// σ(|ℓ|) = 1/(1+e) and σ(-|ℓ|) = e/(1+e), e = e^-|ℓ| ≤ 1.
func newBinomialPQ(v float64, logits bool) binomialParam {
	if !logits {
		return binomialParam{p: v, q: 1 - v, qIsOneMinusP: true, v: v, lazy: true}
	}
	e := math.Exp(-math.Abs(v))
	big := 1 / (1 + e)
	if v >= 0 {
		return binomialParam{p: big, q: e * big, v: v, logits: true, lazy: true}
	}
	return binomialParam{p: e * big, q: big, v: v, logits: true, lazy: true}
}

// binomialLogs returns log p and log(1-p): from logits -log1p(e^-|ℓ|) and
// -|ℓ| - log1p(e^-|ℓ|), from probs log v and log1p(-v).
func binomialLogs(v float64, logits bool) (logP, logQ float64) {
	if !logits {
		return tensor.Log(v), math.Log1p(-v)
	}
	l1p := math.Log1p(math.Exp(-math.Abs(v)))
	if v >= 0 {
		return -l1p, -v - l1p
	}
	return v - l1p, -l1p
}

// logs returns log p and log(1-p), computing them if b is lazy.
func (b binomialParam) logs() (logP, logQ float64) {
	if b.lazy {
		return binomialLogs(b.v, b.logits)
	}
	return b.logP, b.logQ
}

// binomialKernel is Binomial's one numerical path, for both forms;
// operands (out, x, total_count, probs or logits). In float64 the exact
// log p(k) comes from binomialLogPDD (the parameter's logs cached in
// logs), in float32 LogProb from binomialValues' plain sum; elsewhere, in
// float32 LogProbGrad and for Pyro's approximation from binomialLogProb;
// gradients in float64.
func binomialKernel[T tensor.Float](a *kargs[T], logits bool, pt *tensor.Dense, logs *countCache) {
	tol := CurrentSettings().BinomialApproxLogProbTol
	var pl [][]float64 // the parameter's logs, for the exact log p(k)
	if tol < 0.02 {
		if tensor.DtypeOf[T]() == tensor.Float32 { // one dtype per distribution: the cache holds one of these
			pl = logs.of(pt, 2, binomialParamLogs32(logits))
		} else {
			pl = logs.of(pt, 4, binomialParamLogs(logits))
		}
		if a.grad == nil {
			binomialValues(a, logits, pl)
			return
		}
	}
	lf := ddTables()
	x, nn, par := a.in[0], a.in[1], a.in[2]
	for r := range a.p.RunsIn(a.lo, a.hi) {
		o, ox, on, op := r.Off[0], r.Off[1], r.Off[2], r.Off[3]
		sx, sn, sp := r.Step[1], r.Step[2], r.Step[3]
		param := newBinomialPQ // LogProb needs the logs only at k = 0 or n
		if a.grad != nil {
			param = newBinomialParam
		}
		bp := param(float64(par[op]), logits) // hoisted when the parameter is broadcast
		for i := range r.N {
			k, n := float64(x[ox+i*sx]), float64(nn[on+i*sn])
			if sp != 0 && i > 0 {
				bp = param(float64(par[op+i*sp]), logits)
			}
			lp := math.NaN()
			if len(pl) == 4 { // float64: LogProb's sum
				j := op + i*sp
				lp = binomialLogPDD(k, n, pl[0][j], pl[1][j], pl[2][j], pl[3][j], lf)
			}
			if lp != lp { // not summed there
				lp = binomialLogProb(k, n, bp, float64(par[op+i*sp]), logits, tol)
			}
			if a.out != nil {
				a.out[o+i] = T(lp)
			}
			if a.grad == nil {
				continue
			}
			w := a.weight(o + i)
			if w == 0 { // select, never multiply: a masked -Inf or NaN stays out
				continue
			}
			a.sum += w * lp
			if k < 0 || k > n { // off the support: log p is -Inf all around, no slope
				continue
			}
			if g := a.grad[0]; g != nil {
				g[ox+i*sx] += w * bp.logit
			}
			if g := a.grad[1]; g != nil {
				g[on+i*sn] += w * bp.logQ
			}
			if g := a.grad[2]; g != nil {
				g[op+i*sp] += w * binomialParamGrad(k, n, bp, logits)
			}
		}
	}
}

// binomialParamGrad is ∂log p(k)/∂p (or ∂/∂ℓ): k/p - (n-k)/(1-p), each
// term dropped where its count is 0 (so finite at p = 0 or 1 when log p(k)
// is), or k·σ(-ℓ) - (n-k)·σ(ℓ) = k - n·σ(ℓ) without cancellation.
func binomialParamGrad(k, n float64, bp binomialParam, logits bool) float64 {
	if logits {
		return k*bp.q - (n-k)*bp.p
	}
	var dp float64
	if k != 0 {
		dp += k / bp.p
	}
	if n-k != 0 {
		dp -= (n - k) / bp.q
	}
	return dp
}

// binomialLogProb is log p(k) at one element: exact (binomialLogPMF), or
// Pyro's approximation when tol ≥ 0.02. v is the raw parameter.
func binomialLogProb(k, n float64, bp binomialParam, v float64, logits bool, tol float64) float64 {
	if tol >= 0.02 {
		return binomialLogProbPyro(k, n, v, logits, tol)
	}
	return binomialLogPMF(k, n, bp)
}

// binomialLogPMF is the exact log p(k) (see Binomial). Where p or 1-p
// is below the normal range (logits beyond ±708, or tiny probs), n·p loses
// its relative precision, so the sum log C(n, k) + k·log p + (n-k)·log q
// takes over: there it cannot cancel, as log p(k) is far below 0 for
// 0 < k < n.
func binomialLogPMF(k, n float64, bp binomialParam) float64 {
	switch {
	case k != k || n != n || bp.p != bp.p:
		return math.NaN()
	case k < 0 || k > n:
		return math.Inf(-1)
	case k == 0:
		if n == 0 {
			return 0
		}
		_, logQ := bp.logs()
		return n * logQ // n·log q: -Inf at q = 0
	case k == n:
		logP, _ := bp.logs()
		return n * logP
	case math.IsInf(n, 1):
		return math.Inf(-1)
	case bp.p < 0x1p-1022 || bp.q < 0x1p-1022: // p = 0 or 1, or beyond the normal range
		logP, logQ := bp.logs()
		if math.IsInf(logP, -1) || math.IsInf(logQ, -1) {
			return math.Inf(-1)
		}
		return binomialLogC(n, k) + k*logP + (n-k)*logQ
	}
	// n·p and n·q = n - n·p as double-doubles (bd0Split), q taken as
	// 1 - p exactly in the probs form
	np := n * bp.p
	npLo := math.FMA(n, bp.p, -np)
	nq := n * bp.q
	nqLo := math.FMA(n, bp.q, -nq)
	if bp.qIsOneMinusP {
		nq, nqLo = twoSum(n, -np)
		nqLo -= npLo
	}
	lc := stirlerr(n) - stirlerr(k) - stirlerr(n-k) - bd0Split(k, np, npLo) - bd0Split(n-k, nq, nqLo)
	return lc - halfLog2Pi - 0.5*binomialLogHarmonic(k, n)
}

// twoSum returns s = a + b rounded and its rounding error e, a + b = s + e
// exactly (Knuth).
func twoSum(a, b float64) (s, e float64) {
	s = a + b
	bb := s - a
	return s, (a - (s - bb)) + (b - bb)
}

// binomialLogC is log C(n, k) for 0 < k < n, in Loader's terms without
// cancellation: stirlerr(n) - stirlerr(k) - stirlerr(n-k) +
// k·log(n/k) + (n-k)·log(n/(n-k)) - ½·log(2πk(n-k)/n), each log(n/k)
// as log1p((n-k)/k).
func binomialLogC(n, k float64) float64 {
	j := n - k
	return stirlerr(n) - stirlerr(k) - stirlerr(j) + k*math.Log1p(j/k) + j*math.Log1p(k/j) -
		halfLog2Pi - 0.5*binomialLogHarmonic(k, n)
}

// binomialLogHarmonic is log(k(n-k)/n) for 0 < k < n: one log of a
// product rounded twice (n-k is exact), rather than log k + log1p(-k/n),
// which rounds 1 - k/n away near k = n (1e-10 relative at n = 1e6); split
// where the product could overflow.
func binomialLogHarmonic(k, n float64) float64 {
	if n < 1e150 {
		return tensor.Log(k * (n - k) / n)
	}
	m := min(k, n-k)
	return tensor.Log(m) + math.Log1p(-m/n)
}

// binomialLogProbPyro is Pyro 1.8.6's Binomial.log_prob under
// binomial_approx_log_prob_tol = tol ≥ 0.02, operation for operation:
// k·ℓ - (n·clamp_by_zero(ℓ) + n·log1p(e^-|ℓ|)) + log_binomial(n, k, tol),
// ℓ derived from probs clamped to [eps, 1-eps] (torch's probs_to_logits).
// A value off {0, …, n}, where Pyro's formula takes logs of negative
// numbers, scores -Inf.
func binomialLogProbPyro(k, n, v float64, logits bool, tol float64) float64 {
	if k < 0 || k > n {
		return math.Inf(-1)
	}
	l := v
	if !logits {
		const eps = 0x1p-52 // torch.finfo(float64).eps
		p := math.Min(math.Max(v, eps), 1-eps)
		l = math.Log(p) - math.Log1p(-p)
	}
	norm := n*max(l, 0) + n*math.Log1p(math.Exp(-math.Abs(l)))
	return k*l - norm + binomialLogCApprox(n, k, tol)
}

// binomialLogCApprox is pyro.ops.special.log_binomial(n, k, tol) for
// tol ≥ 0.02: -log(n+1) - log_beta(k+1, n-k+1, tol), where log_beta shifts
// both arguments up by m = ⌈0.082/tol⌉ (accumulating the factors
// (x+y+i)/((x+i)(y+i)) of the recursion, x+y shifted by one per step) and
// then applies Stirling's formula, its error below 0.082/m ≤ tol.
func binomialLogCApprox(n, k, tol float64) float64 {
	x, y := k+1, n-k+1
	m := math.Ceil(0.082 / tol)
	xy := x + y
	f := 1.0
	for i := 0.0; i < m; i++ {
		f *= xy / (x * y)
		x++
		y++
		xy++
	}
	logBeta := math.Log(f) + (x-0.5)*math.Log(x) + (y-0.5)*math.Log(y) - (xy-0.5)*math.Log(xy) + (halfLog2Pi - m)
	return -math.Log(n+1) - logBeta
}

// param returns the success parameter of one element in every form.
func (d *Binomial) param(v float64) binomialParam { return newBinomialParam(v, d.logits) }

// Mean is n·p.
func (d *Binomial) Mean() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return p[0] * d.param(p[1]).p })
}

// Variance is n·p·(1-p), with 1-p = σ(-ℓ) from logits (torch's 1 - σ(ℓ)
// loses 1e-3 relative at ℓ = 30).
func (d *Binomial) Variance() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { bp := d.param(p[1]); return p[0] * bp.p * bp.q })
}

// StdDev is √(n·p·(1-p)); from logits √n·e^(-|ℓ|/2)/(1+e^-|ℓ|), which
// does not underflow where the variance does.
func (d *Binomial) StdDev() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 {
		if d.logits {
			e := math.Exp(-math.Abs(p[1]) / 2)
			return math.Sqrt(p[0]) * e / (1 + e*e)
		}
		bp := d.param(p[1])
		return math.Sqrt(p[0]) * math.Sqrt(bp.p) * math.Sqrt(bp.q)
	})
}

// Mode is ⌊(n+1)·p⌋, at most n (torch's).
func (d *Binomial) Mode() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return min(math.Floor((p[0]+1)*d.param(p[1]).p), p[0]) })
}

// homogeneous returns the total count shared by the whole batch; torch
// enumerates (and so takes the entropy) only then.
func (d *Binomial) homogeneous(op string) (int, error) {
	ns, err := tensor.Float64s(d.params[0])
	if err != nil {
		return 0, err
	}
	if len(ns) == 0 { // torch's max of an empty total_count raises too
		return 0, fmt.Errorf("binomial: %s of an empty total_count: %w", op, ErrUnsupported)
	}
	n := ns[0]
	for _, v := range ns {
		if v != n {
			return 0, fmt.Errorf("binomial: %s needs one total_count for the whole batch, got %g and %g: %w", op, n, v, ErrUnsupported)
		}
	}
	if !isNaturalNumber(n) || n >= math.MaxInt32 {
		return 0, fmt.Errorf("binomial: %s needs total_count a non-negative integer below 2^31, got %g: %w", op, n, ErrParam)
	}
	return int(n), nil
}

// EnumerateSupport returns the values 0…n along dim 0, shaped
// (n+1,) + (1,)*len(batch), or (n+1,) + batch when expand is true; an
// ErrUnsupported error unless every total_count is the same n (torch's
// NotImplementedError).
func (d *Binomial) EnumerateSupport(expand bool) (*enumerate.Support, error) {
	n, err := d.homogeneous("enumerate_support")
	if err != nil {
		return nil, err
	}
	shp := make([]int, 1+len(d.batch))
	shp[0] = n + 1
	for i := range d.batch {
		shp[i+1] = 1
		if expand {
			shp[i+1] = d.batch[i]
		}
	}
	if float64(n+1)*float64(shape.Size(shp[1:])) > math.MaxInt32 {
		return nil, fmt.Errorf("binomial: enumerate_support of %d values over batch %s is too large: %w", n+1, shape.Format(d.batch), ErrUnsupported)
	}
	var values *tensor.Dense
	if d.dtype == tensor.Float32 {
		values = binomialRange[float32](shp)
	} else {
		values = binomialRange[float64](shp)
	}
	return enumerate.New(values, d), nil
}

// binomialRange returns 0, 1, …, shp[0]-1, each repeated over the rest of
// shp.
func binomialRange[T tensor.Float](shp []int) *tensor.Dense {
	res, data := tensor.Alloc[T](shp)
	m := len(data) / shp[0]
	for k := range shp[0] {
		for j := range m {
			data[k*m+j] = T(k)
		}
	}
	return res
}

// Entropy is -Σ_k p(k)·log p(k) over the support, as torch sums it, with
// the LogProb in force (Pyro's approximation under the settings); it needs
// one total_count for the whole batch (ErrUnsupported otherwise, as torch).
// The sum starts at the mode and walks outwards until p(k) underflows: the
// pmf is unimodal, so the terms skipped are exactly 0.
func (d *Binomial) Entropy() (*tensor.Dense, error) {
	if _, err := d.homogeneous("entropy"); err != nil {
		return nil, err
	}
	tol := CurrentSettings().BinomialApproxLogProbTol
	return d.moment(func(p []float64) float64 {
		n, bp := p[0], d.param(p[1])
		term := func(k float64) float64 {
			lp := binomialLogProb(k, n, bp, p[1], d.logits, tol)
			if pk := math.Exp(lp); pk > 0 {
				return -pk * lp
			}
			return 0
		}
		m := min(math.Floor((n+1)*bp.p), n)
		if m != m {
			return math.NaN()
		}
		h := term(m)
		for k := m - 1; k >= 0; k-- {
			t := term(k)
			if t == 0 {
				break
			}
			h += t
		}
		for k := m + 1; k <= n; k++ {
			t := term(k)
			if t == 0 {
				break
			}
			h += t
		}
		return h
	})
}

// Sample draws sampleShape+BatchShape() counts: exact (BTRS or inversion,
// O(1) time and memory per draw whatever n; see binomialSampler), or
// Pyro's clamped Poisson approximation where total_count exceeds
// Settings.BinomialApproxSampleThresh.
func (d *Binomial) Sample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	if d.dtype == tensor.Float32 {
		return binomialSampleRng[float32](d, src, sampleShape)
	}
	return binomialSampleRng[float64](d, src, sampleShape)
}

// String is a torch-style summary of the distribution, for logs and messages.
func (d *Binomial) String() string {
	return fmt.Sprintf("Binomial(batch_shape=%s)", shape.Format(d.batch))
}

func init() {
	RegisterShapes("Binomial", GenericShapes("binomial", map[string]int{"total_count": 0, "probs": 0, "logits": 0}))
	Register("Binomial", func(s *Spec, opts ...Option) (Distribution, error) {
		if err := s.Known("total_count", "probs", "logits"); err != nil {
			return nil, err
		}
		n, _, err := s.Tensor("total_count")
		if err != nil {
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
			return nil, fmt.Errorf("binomial: give exactly one of probs and logits: %w", ErrParam)
		case okP:
			return NewBinomial(n, probs, opts...)
		}
		return NewBinomialLogits(n, logits, opts...)
	})
}
