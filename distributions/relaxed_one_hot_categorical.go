package distributions

import (
	"fmt"
	"math"
	"math/rand/v2"

	gt "gorgonia.org/tensor"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// RelaxedOneHotCategorical is a batch of concrete (Gumbel-softmax)
// distributions on the simplex (Maddison, Mnih & Teh, "The Concrete
// Distribution", ICLR 2017; Jang, Gu & Poole, ICLR 2017), torch's
// TransformedDistribution(ExpRelaxedCategorical(τ, ℓ), ExpTransform()):
// temperature τ > 0 and the rows of probs (normalised p/Σp) or of logits
// (ℓ − logsumexp ℓ). The batch shape is broadcast(τ's shape, the
// parameter's shape without K), the event shape (K,). With u = log x,
// s_i = ℓ_i − τ·u_i and σ = softmax(s):
//
//	log p(x) = log Γ(K) + (K−1)·log τ + Σ_i s_i − K·logsumexp(s) − Σ_i u_i
//	∂/∂x_i = −(τ·(1 − K·σ_i) + 1)/x_i
//	∂/∂ℓ_j = 1 − K·σ_j        probs: ∂/∂q_j = (1 − K·σ_j)/q_j
//	∂/∂τ = (K−1)/τ − Σ_i u_i + K·Σ_i σ_i·u_i
//
// (the ExpRelaxedCategorical density of log x, minus Σ log x, the log
// Jacobian of exp). torch takes τ as a number (a tensor τ does not
// broadcast sensibly there); here it may have any shape that broadcasts
// with the batch. On a face of the simplex (some x_j = 0, validation off)
// the density behaves as t^e for the zero coordinates J shrinking together
// at rate t, e = K·τ − |J|·(τ+1): log p is −Inf for e > 0, +Inf for e < 0
// and NaN (a limit that depends on the path) for e = 0; torch gives NaN.
// Outside [0, 1]^K log p is −Inf. Like torch 1.13 it has no moments.
//
// RelaxedOneHotCategorical is reparameterised: x = softmax((ℓ + G)/τ)
// with G_i standard Gumbel.
type RelaxedOneHotCategorical struct {
	cat         *Categorical  // the normalised logits, at their own batch shape
	temperature *tensor.Dense // as given
	batch       []int
	dtype       gt.Dtype
	validate    bool
}

const relaxedOneHotFamily = "relaxed_one_hot_categorical"

// NewRelaxedOneHotCategorical returns the relaxed one-hot categoricals of
// temperature and the rows of probs, normalised by their sums; both share
// a floating dtype and their batch shapes broadcast (ErrShape). When
// validating, every temperature is > 0 and probs as NewCategorical's
// (ErrParam).
func NewRelaxedOneHotCategorical(temperature, probs *tensor.Dense, opts ...Option) (*RelaxedOneHotCategorical, error) {
	return newRelaxedOneHot(temperature, probs, false, opts)
}

// NewRelaxedOneHotCategoricalLogits is NewRelaxedOneHotCategorical given
// logits, up to a constant per row; when validating, no logit is NaN.
func NewRelaxedOneHotCategoricalLogits(temperature, logits *tensor.Dense, opts ...Option) (*RelaxedOneHotCategorical, error) {
	return newRelaxedOneHot(temperature, logits, true, opts)
}

func newRelaxedOneHot(temperature, param *tensor.Dense, byLogits bool, opts []Option) (*RelaxedOneHotCategorical, error) {
	cfg := newConfig(opts)
	if tensor.IsNil(temperature) {
		return nil, fmt.Errorf("%s: temperature is nil: %w", relaxedOneHotFamily, ErrParam)
	}
	c, err := vectorCategorical(relaxedOneHotFamily, param, byLogits, opts)
	if err != nil {
		return nil, err
	}
	if temperature.Dtype() != c.dtype {
		return nil, fmt.Errorf("%s: temperature has dtype %v and %s %v, want one floating dtype: %w", relaxedOneHotFamily, temperature.Dtype(), c.paramName(), c.dtype, ErrDType)
	}
	batch, err := shape.Broadcast(tensor.ShapeOf(temperature), c.pbatch)
	if err != nil {
		return nil, fmt.Errorf("%s: temperature and %s: %w", relaxedOneHotFamily, c.paramName(), err)
	}
	if cfg.validate {
		if err := check(relaxedOneHotFamily, "temperature", "> 0", temperature, ErrParam, isPositive); err != nil {
			return nil, err
		}
	}
	return &RelaxedOneHotCategorical{cat: c, temperature: temperature, batch: batch, dtype: c.dtype, validate: cfg.validate}, nil
}

// Expand returns the distributions broadcast to the batch shape batch,
// sharing the parameters.
func (d *RelaxedOneHotCategorical) Expand(batch []int) (Distribution, error) {
	if err := shape.CheckExpand(d.batch, batch); err != nil {
		return nil, fmt.Errorf("%s: %w", relaxedOneHotFamily, err)
	}
	c := *d
	c.batch = shape.Clone(batch)
	return &c, nil
}

// BatchShape is broadcast(temperature's shape, the parameter's batch), or
// the shape given to Expand.
func (d *RelaxedOneHotCategorical) BatchShape() []int { return shape.Clone(d.batch) }

// EventShape is (K,).
func (d *RelaxedOneHotCategorical) EventShape() []int { return []int{d.cat.k} }

// Dtype is the parameters' dtype, which values, samples and results share.
func (d *RelaxedOneHotCategorical) Dtype() gt.Dtype { return d.dtype }

// Validating reports whether parameters were and values are validated.
func (d *RelaxedOneHotCategorical) Validating() bool { return d.validate }

// Temperature is τ, as given.
func (d *RelaxedOneHotCategorical) Temperature() *tensor.Dense { return d.temperature }

// Probs returns the normalised probabilities, at the parameter's own
// batch shape + (K,).
func (d *RelaxedOneHotCategorical) Probs() *tensor.Dense { return d.cat.Probs() }

// Logits returns the normalised logits, at the parameter's own batch
// shape + (K,).
func (d *RelaxedOneHotCategorical) Logits() *tensor.Dense { return d.cat.Logits() }

// Params returns temperature and the parameter given, as given.
func (d *RelaxedOneHotCategorical) Params() map[string]*tensor.Dense {
	return map[string]*tensor.Dense{"temperature": d.temperature, d.cat.paramName(): d.cat.param}
}

// HasRSample is true (the concrete distribution is reparameterised).
func (d *RelaxedOneHotCategorical) HasRSample() bool { return true }

// LogProb returns log p(x), shaped broadcast(x.Shape()[:-1], BatchShape());
// x ends in K. When validating, x off the simplex is ErrSupport.
func (d *RelaxedOneHotCategorical) LogProb(x Value) (*tensor.Dense, error) {
	out, err := simplexPrepare(relaxedOneHotFamily, x, d.dtype, d.batch, d.cat.k, d.validate)
	if err != nil {
		return nil, err
	}
	f32, f64 := d.logProbKernels(x, out)
	return allocLogProb(d.dtype, out, f32, f64)
}

// LogProbInto writes log p(x) into dst, which must have LogProb's shape and
// the distribution's dtype.
func (d *RelaxedOneHotCategorical) LogProbInto(dst *tensor.Dense, x Value) error {
	out, err := simplexPrepare(relaxedOneHotFamily, x, d.dtype, d.batch, d.cat.k, d.validate)
	if err != nil {
		return err
	}
	f32, f64 := d.logProbKernels(x, out)
	return fillLogProb(relaxedOneHotFamily, d.dtype, dst, out, f32, f64)
}

// logProbKernels are relaxedOneHotLogProbInto for x and LogProb's
// shape out, in both dtypes.
func (d *RelaxedOneHotCategorical) logProbKernels(x Value, out []int) (func([]float32) error, func([]float64) error) {
	return func(dst []float32) error { relaxedOneHotLogProbInto(d, dst, x, out); return nil },
		func(dst []float64) error { relaxedOneHotLogProbInto(d, dst, x, out); return nil }
}

// relaxedEvent is log p of one event: x and the normalised logits lg, τ
// with its log, lgK = log Γ(K). It leaves softmax(s) in sm (scratch of
// size K) and, when u is not nil, log x in u, for the gradient; ok reports
// an interior point (every 0 < x_i ≤ 1, finite log p), where the gradient
// is defined.
func relaxedEvent[T tensor.Float](x, lg []T, tau, logTau, lgK float64, u, sm []float64) (lp float64, ok bool) {
	k := len(x)
	zeros, outside := 0, false
	for _, xv := range x {
		v := float64(xv)
		switch {
		case v != v:
			return v, false
		case v == 0:
			zeros++
		case !(v > 0 && v <= 1):
			outside = true
		}
	}
	switch {
	case outside:
		return math.Inf(-1), false
	case zeros > 0:
		e := float64(k)*tau - float64(zeros)*(tau+1)
		switch {
		case e > 0:
			return math.Inf(-1), false
		case e < 0:
			return math.Inf(1), false
		}
		return math.NaN(), false
	}
	var sumS, sumU float64
	m := math.Inf(-1)
	for i, xv := range x {
		lu := tensor.Log(float64(xv))
		si := float64(lg[i]) - tau*lu
		sumS += si
		sumU += lu
		m = max(m, si)
		sm[i] = si
		if u != nil {
			u[i] = lu
		}
	}
	if math.IsInf(sumS, -1) { // a category of probability 0: the density is 0
		return math.Inf(-1), false
	}
	var z float64
	for i, si := range sm {
		sm[i] = math.Exp(si - m)
		z += sm[i]
	}
	for i := range sm {
		sm[i] /= z
	}
	lp = lgK + float64(k-1)*logTau + sumS - float64(k)*(m+tensor.Log(z)) - sumU
	return lp, !math.IsInf(lp, 0) && lp == lp
}

// relaxedOneHotLogProbInto writes log p(x) into dst of shape out; the
// plan's operands are (out, x's batch, τ, the parameter's batch).
func relaxedOneHotLogProbInto[T tensor.Float](d *RelaxedOneHotCategorical, dst []T, x Value, out []int) {
	lg, _ := tensor.Floats[T](d.cat.logits)
	tau, _ := tensor.Floats[T](d.temperature)
	xs := tensor.ShapeOf(x)
	p, _ := shape.NewPlan(out, xs[:len(xs)-1], tensor.ShapeOf(d.temperature), d.cat.pbatch)
	xd, _ := tensor.Floats[T](x)
	k := d.cat.k
	lgK := tensor.Lgamma(float64(k))
	tensor.ForBlocks(p.Size(), func(_, lo, hi int) {
		lastTau, logTau := math.NaN(), math.NaN()
		sm := make([]float64, k)
		for r := range p.RunsIn(lo, hi) {
			for i := range r.N {
				t := float64(tau[r.Off[2]+i*r.Step[2]])
				if t != lastTau { // NaN never equals: recomputed
					lastTau, logTau = t, tensor.Log(t)
				}
				lp, _ := relaxedEvent(xd[(r.Off[1]+i*r.Step[1])*k:][:k], lg[(r.Off[3]+i*r.Step[3])*k:][:k], t, logTau, lgK, nil, sm)
				dst[r.Off[0]+i] = T(lp)
			}
		}
	})
}

// LogProbGrad returns Σ log p(x) and its gradient with respect to x,
// temperature and the parameter given, each shaped like its operand.
func (d *RelaxedOneHotCategorical) LogProbGrad(x Value) (*Gradient, error) {
	return d.LogProbVJP(x, nil)
}

// LogProbVJP is LogProbGrad with each element of log_prob weighted by
// upstream, which must broadcast to LogProb's shape (nil means ones). An
// element of weight 0 contributes exactly nothing; an event on a face of
// or outside the simplex (validation off) contributes its log p to LogProb
// and nothing to the gradient.
func (d *RelaxedOneHotCategorical) LogProbVJP(x, upstream Value) (*Gradient, error) {
	out, err := simplexPrepare(relaxedOneHotFamily, x, d.dtype, d.batch, d.cat.k, d.validate)
	if err != nil {
		return nil, err
	}
	if d.dtype == tensor.Float32 {
		return relaxedOneHotVJP[float32](d, x, upstream, out)
	}
	return relaxedOneHotVJP[float64](d, x, upstream, out)
}

func relaxedOneHotVJP[T tensor.Float](d *RelaxedOneHotCategorical, x, upstream Value, out []int) (*Gradient, error) {
	w, err := simplexWeights[T](relaxedOneHotFamily, upstream, out)
	if err != nil {
		return nil, err
	}
	c := d.cat
	lg, _ := tensor.Floats[T](c.logits)
	tau, _ := tensor.Floats[T](d.temperature)
	xs := tensor.ShapeOf(x)
	p, _ := shape.NewPlan(out, xs[:len(xs)-1], tensor.ShapeOf(d.temperature), c.pbatch)
	xd, _ := tensor.Floats[T](x)
	k := c.k
	kf, lgK := float64(k), tensor.Lgamma(float64(k))
	gx, gtau, gl := make([]float64, len(xd)), make([]float64, len(tau)), make([]float64, len(lg))
	u, s := make([]float64, k), make([]float64, k)
	var sum float64
	for r := range p.Runs() {
		for i := range r.N {
			wi := 1.0
			if w != nil {
				if wi = float64(w[r.Off[0]+i]); wi == 0 {
					continue // select, never multiply: a weight of 0 adds nothing
				}
			}
			xo, to, row := r.Off[1]+i*r.Step[1], r.Off[2]+i*r.Step[2], r.Off[3]+i*r.Step[3]
			t := float64(tau[to])
			xr := xd[xo*k:][:k]
			lp, ok := relaxedEvent(xr, lg[row*k:][:k], t, tensor.Log(t), lgK, u, s)
			sum += wi * lp
			if !ok {
				continue
			}
			dt := (kf - 1) / t
			gxr, glr := gx[xo*k:][:k], gl[row*k:][:k]
			for j, xv := range xr {
				a := 1 - kf*s[j] // ∂/∂s_j of Σs − K·logsumexp s
				gxr[j] -= wi * (t*a + 1) / float64(xv)
				glr[j] += wi * a
				dt -= u[j] * a
			}
			gtau[to] += wi * dt
		}
	}
	gp := gl
	if !c.byLogits { // through ℓ_j = log q_j − log Σq; Σ_j ∂/∂ℓ_j = 0 per event
		par, _ := tensor.Float64s(c.param)
		gp = make([]float64, len(gl))
		for j, g := range gl {
			if g != 0 {
				gp[j] = g / par[j]
			}
		}
	}
	return &Gradient{
		LogProb: sum,
		Value:   simplexResult[T](gx, xs),
		Params: map[string]*tensor.Dense{
			"temperature": simplexResult[T](gtau, tensor.ShapeOf(d.temperature)),
			c.paramName(): simplexResult[T](gp, tensor.ShapeOf(c.param)),
		},
	}, nil
}

// RSample draws sampleShape + BatchShape() + (K,) points softmax((ℓ+G)/τ),
// G_i = −log E_i with E_i ~ Exp(1) (a standard Gumbel, never infinite; K
// draws per event in order), in float64 and rounded once. The draws depend
// on src and the shapes only, never on GOMAXPROCS. The pathwise gradient
// is RSampleVJP.
func (d *RelaxedOneHotCategorical) RSample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	if d.dtype == tensor.Float32 {
		return relaxedOneHotSample[float32](d, src, sampleShape)
	}
	return relaxedOneHotSample[float64](d, src, sampleShape)
}

// Sample is RSample (torch samples by rsample without a graph).
func (d *RelaxedOneHotCategorical) Sample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	return d.RSample(src, sampleShape...)
}

func relaxedOneHotSample[T tensor.Float](d *RelaxedOneHotCategorical, src rand.Source, sampleShape []int) (*tensor.Dense, error) {
	if err := shape.Check(sampleShape); err != nil {
		return nil, fmt.Errorf("%s: sample shape: %w", relaxedOneHotFamily, err)
	}
	streams, err := tensor.NewStreams(src)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", relaxedOneHotFamily, err)
	}
	events := shape.Concat(sampleShape, d.batch)
	p, err := shape.NewPlan(events, tensor.ShapeOf(d.temperature), d.cat.pbatch)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", relaxedOneHotFamily, err)
	}
	k := d.cat.k
	res, dst := tensor.Alloc[T](shape.Concat(events, []int{k}))
	lg, _ := tensor.Floats[T](d.cat.logits)
	tau, _ := tensor.Floats[T](d.temperature)
	tensor.ForBlocks(p.Size(), func(b, lo, hi int) {
		rng := streams.Block(b)
		s := make([]float64, k)
		for r := range p.RunsIn(lo, hi) {
			for i := range r.N {
				t := float64(tau[r.Off[1]+i*r.Step[1]])
				lr := lg[(r.Off[2]+i*r.Step[2])*k:][:k]
				m := math.Inf(-1)
				for j, l := range lr {
					s[j] = (float64(l) - math.Log(rng.ExpFloat64())) / t
					m = max(m, s[j])
				}
				var z float64
				for j, v := range s {
					s[j] = math.Exp(v - m)
					z += s[j]
				}
				row := dst[(r.Off[0]+i)*k:][:k]
				for j, v := range s {
					row[j] = T(v / z)
				}
			}
		}
	})
	return res, nil
}

// RSampleVJP gives ∂L/∂τ and ∂L/∂(probs or logits) for draws x of RSample
// (shaped sampleShape + BatchShape() + (K,)) and an upstream ∂L/∂x shaped
// like x (nil means ones). The noise need not be recovered: softmax
// ignores the unknown constant of s = log x + c, so with ḡ·x = Σ_i ḡ_i x_i
// and v_j = x_j·(ḡ_j − ḡ·x),
//
//	∂L/∂ℓ_j = v_j/τ      ∂L/∂q_j = v_j/(τ·q_j)      ∂L/∂τ = −Σ_j v_j·log x_j/τ
//
// (with 0·log 0 = 0, and 0 for a category of probability 0).
func (d *RelaxedOneHotCategorical) RSampleVJP(x, upstream Value) (map[string]*tensor.Dense, error) {
	xs, err := simplexPathwiseCheck(relaxedOneHotFamily, x, upstream, d.dtype, d.batch, d.cat.k)
	if err != nil {
		return nil, err
	}
	if d.dtype == tensor.Float32 {
		return relaxedOneHotPathwise[float32](d, x, upstream, xs)
	}
	return relaxedOneHotPathwise[float64](d, x, upstream, xs)
}

func relaxedOneHotPathwise[T tensor.Float](d *RelaxedOneHotCategorical, x, upstream Value, xs []int) (map[string]*tensor.Dense, error) {
	c := d.cat
	p, err := shape.NewPlan(xs[:len(xs)-1], tensor.ShapeOf(d.temperature), c.pbatch)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", relaxedOneHotFamily, err)
	}
	xd, _ := tensor.Floats[T](x)
	var g []T
	if !tensor.IsNil(upstream) {
		g, _ = tensor.Floats[T](upstream)
	}
	tau, _ := tensor.Floats[T](d.temperature)
	k := c.k
	gtau, gl := make([]float64, len(tau)), make([]float64, shape.Size(tensor.ShapeOf(c.param)))
	gr := make([]float64, k)
	for r := range p.Runs() {
		for i := range r.N {
			o, to, row := r.Off[0]+i, r.Off[1]+i*r.Step[1], r.Off[2]+i*r.Step[2]
			t := float64(tau[to])
			xr := xd[o*k:][:k]
			var dot float64
			for j, xv := range xr {
				gr[j] = 1
				if g != nil {
					gr[j] = float64(g[o*k+j])
				}
				dot += gr[j] * float64(xv)
			}
			var dt float64
			for j, xv := range xr {
				v := float64(xv) * (gr[j] - dot)
				gl[row*k+j] += v / t
				dt -= tensor.XLogY(v, float64(xv))
			}
			gtau[to] += dt / t
		}
	}
	if !c.byLogits {
		par, _ := tensor.Float64s(c.param)
		for j, v := range gl {
			if v != 0 {
				gl[j] = v / par[j]
			}
		}
	}
	return map[string]*tensor.Dense{
		"temperature": simplexResult[T](gtau, tensor.ShapeOf(d.temperature)),
		c.paramName(): simplexResult[T](gl, tensor.ShapeOf(c.param)),
	}, nil
}

// String is a torch-style summary of the distribution, for logs and messages.
func (d *RelaxedOneHotCategorical) String() string {
	return fmt.Sprintf("RelaxedOneHotCategorical(batch_shape=%s, event_shape=(%d,))", shape.Format(d.batch), d.cat.k)
}

func init() {
	RegisterShapes("RelaxedOneHotCategorical", func(map[string][]int) ([]int, []int, error) {
		// Pyro's generic rule raises for a support with event dims (simplex).
		return nil, nil, fmt.Errorf("infer_shapes: RelaxedOneHotCategorical: its support has event dims (Pyro raises NotImplementedError): %w", ErrUnsupported)
	})
	Register("RelaxedOneHotCategorical", func(s *Spec, opts ...Option) (Distribution, error) {
		param, byLogits, err := probsOrLogits(s, relaxedOneHotFamily, "temperature")
		if err != nil {
			return nil, err
		}
		t, ok, err := s.Tensor("temperature")
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("%s: temperature is required: %w", relaxedOneHotFamily, ErrParam)
		}
		return newRelaxedOneHot(t, param, byLogits, opts)
	})
}
