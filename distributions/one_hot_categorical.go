package distributions

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	gt "gorgonia.org/tensor"

	"github.com/seed39ad66a2/tensordist/enumerate"
	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// OneHotCategorical is a batch of categorical distributions whose values
// are one-hot vectors of size K (torch.distributions.OneHotCategorical):
// the rows of probs (normalised p/Σp) or of logits (ℓ − logsumexp ℓ), batch
// shape the parameter's shape without K, event shape (K,). It is a
// Categorical seen through one_hot, and shares that type's normalisation,
// sampler and gradients:
//
//	log p(x) = log p_j,  j = argmax x (torch scores value.max(-1) indices)
//	logits: ∂/∂ℓ_i = δ_ij − p_i      probs: ∂/∂q_i = δ_ij/q_j − 1/Σq
//
// and ∂/∂x = 0 (argmax has no slope). Unvalidated, a row with a NaN scores
// NaN and any other row the category of its first maximum.
//
// Enumeration fast path: LogProb of this distribution's own
// EnumerateSupport(false) (eye(K) viewed as (K,) + (1,)*len(B) + (K,)) is
// the transposed table of normalised logits, as for Categorical.
type OneHotCategorical struct {
	cat    *Categorical
	family string // "one_hot_categorical", or the straight-through variant's
}

const oneHotFamily = "one_hot_categorical"

// NewOneHotCategorical returns the one-hot categoricals whose probabilities
// are the rows of probs, normalised by their sums; when validating, every
// entry is >= 0 and the normalised rows sum to 1 (ErrParam). A scalar
// probs or K = 0 is ErrShape.
func NewOneHotCategorical(probs *tensor.Dense, opts ...Option) (*OneHotCategorical, error) {
	c, err := vectorCategorical(oneHotFamily, probs, false, opts)
	if err != nil {
		return nil, err
	}
	return &OneHotCategorical{cat: c, family: oneHotFamily}, nil
}

// NewOneHotCategoricalLogits returns the one-hot categoricals whose
// log-probabilities are the rows of logits up to a constant; when
// validating, no logit is NaN.
func NewOneHotCategoricalLogits(logits *tensor.Dense, opts ...Option) (*OneHotCategorical, error) {
	c, err := vectorCategorical(oneHotFamily, logits, true, opts)
	if err != nil {
		return nil, err
	}
	return &OneHotCategorical{cat: c, family: oneHotFamily}, nil
}

// vectorCategorical builds the Categorical that normalises the probs or
// logits of a vector family (OneHotCategorical, Multinomial,
// RelaxedOneHotCategorical), its errors reported under family's name.
func vectorCategorical(family string, param *tensor.Dense, byLogits bool, opts []Option) (*Categorical, error) {
	c, err := newCategorical(param, byLogits, opts)
	if err == nil {
		return c, nil
	}
	var ce *ConstraintError
	if errors.As(err, &ce) {
		renamed := *ce
		renamed.Family = family
		return nil, &renamed
	}
	return nil, fmt.Errorf("%s: %w", family, err)
}

// expandCategorical returns c expanded to batch (c itself when equal).
func expandCategorical(family string, c *Categorical, batch []int) (*Categorical, error) {
	e, err := c.Expand(batch)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", family, err)
	}
	return e.(*Categorical), nil
}

// Expand returns the distributions broadcast to the batch shape batch,
// sharing the parameter and its normalised tables.
func (d *OneHotCategorical) Expand(batch []int) (Distribution, error) {
	c, err := expandCategorical(d.family, d.cat, batch)
	if err != nil {
		return nil, err
	}
	return &OneHotCategorical{cat: c, family: d.family}, nil
}

// BatchShape is the parameter's shape without its last dim, or the shape
// given to Expand.
func (d *OneHotCategorical) BatchShape() []int { return d.cat.BatchShape() }

// EventShape is (K,).
func (d *OneHotCategorical) EventShape() []int { return []int{d.cat.k} }

// Dtype is the parameter's dtype, which values, samples and results share.
func (d *OneHotCategorical) Dtype() gt.Dtype { return d.cat.dtype }

// Validating reports whether parameters were and values are validated.
func (d *OneHotCategorical) Validating() bool { return d.cat.validate }

// Probs returns the normalised probabilities, shaped BatchShape() + (K,)
// (see Categorical.Probs).
func (d *OneHotCategorical) Probs() *tensor.Dense { return d.cat.Probs() }

// Logits returns the normalised logits, shaped BatchShape() + (K,).
func (d *OneHotCategorical) Logits() *tensor.Dense { return d.cat.Logits() }

// Params returns the parameter given (probs or logits), as given.
func (d *OneHotCategorical) Params() map[string]*tensor.Dense {
	return map[string]*tensor.Dense{d.cat.paramName(): d.cat.param}
}

// prepare checks x (dtype; trailing dim K and a batch that broadcasts;
// when validating and x is not this distribution's own support, one-hot
// rows) and returns LogProb's shape; fast reports this distribution's
// support, scored by transposing the logits.
func (d *OneHotCategorical) prepare(x Value) (out []int, fast bool, err error) {
	if tensor.IsNil(x) {
		return nil, false, fmt.Errorf("%s: nil value: %w", d.family, ErrShape)
	}
	if s, ok := enumerate.Of(x); ok && s.Owner() == any(d) && s.Dense != nil {
		if out, ok := d.fastShape(tensor.ShapeOf(s)); ok {
			return out, true, nil
		}
	}
	if x.Dtype() != d.cat.dtype {
		return nil, false, fmt.Errorf("%s: value has dtype %v, distribution %v: %w", d.family, x.Dtype(), d.cat.dtype, ErrDType)
	}
	k := d.cat.k
	out, err = shape.CheckValue(tensor.ShapeOf(x), d.cat.batch, []int{k})
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", d.family, err)
	}
	if d.cat.validate {
		if err := oneHotCheck(d.family, x, k); err != nil {
			return nil, false, err
		}
	}
	return out, false, nil
}

// fastShape reports whether vs, the shape of this distribution's own
// support, is (K,) + (1,)*m + (K,) with m >= len(batch) (Pyro's enum
// messenger may add singleton dims), and returns LogProb's shape
// (K,) + (1,)*(m-len(batch)) + batch.
func (d *OneHotCategorical) fastShape(vs []int) ([]int, bool) {
	k, nb := d.cat.k, len(d.cat.batch)
	if len(vs) < 2+nb || vs[0] != k || vs[len(vs)-1] != k {
		return nil, false
	}
	for _, n := range vs[1 : len(vs)-1] {
		if n != 1 {
			return nil, false
		}
	}
	out := shape.Clone(vs[:len(vs)-1])
	copy(out[len(out)-nb:], d.cat.batch)
	return out, true
}

// oneHotCheck is torch's one_hot constraint on each last-dim row of x:
// entries in {0, 1} summing to 1.
func oneHotCheck(family string, x Value, k int) error {
	data, err := tensor.Float64s(x)
	if err != nil {
		return fmt.Errorf("%s: value: %w", family, err)
	}
	xs := tensor.ShapeOf(x)
	for r := range len(data) / k {
		var sum float64
		for j, v := range data[r*k : (r+1)*k] {
			if v != 0 && v != 1 {
				return &ConstraintError{Family: family, Name: "value", Rule: "one-hot (entries 0 or 1)", Got: v, Index: unravel(r*k+j, xs), Err: ErrSupport}
			}
			sum += v
		}
		if sum != 1 {
			return &ConstraintError{Family: family, Name: "value", Rule: "one-hot (exactly one 1 in the last dim)", Got: sum, Index: unravel(r, xs[:len(xs)-1]), Err: ErrSupport}
		}
	}
	return nil
}

// oneHotIndex is the category a row scores: the first maximum, or -1 for a
// row with a NaN.
func oneHotIndex[T tensor.Float](row []T) int {
	best := 0
	for j, v := range row {
		if v != v {
			return -1
		}
		if v > row[best] {
			best = j
		}
	}
	return best
}

// LogProb returns log p(x), shaped broadcast(x.Shape()[:-1], BatchShape()),
// in the distribution's dtype; x ends in K. When validating, a row that is
// not one-hot is ErrSupport. The distribution's own support
// EnumerateSupport(false) is scored as Categorical's: shape (K,) + (1,)*…
// + BatchShape(), out[k, …, b] = log p_k of b.
func (d *OneHotCategorical) LogProb(x Value) (*tensor.Dense, error) {
	out, fast, err := d.prepare(x)
	if err != nil {
		return nil, err
	}
	if d.cat.dtype == tensor.Float32 {
		res, dst := tensor.Alloc[float32](out)
		oneHotLogProbInto(d, dst, x, out, fast)
		return res, nil
	}
	res, dst := tensor.Alloc[float64](out)
	oneHotLogProbInto(d, dst, x, out, fast)
	return res, nil
}

// LogProbInto writes log p(x) into dst, which must have LogProb's shape and
// the distribution's dtype.
func (d *OneHotCategorical) LogProbInto(dst *tensor.Dense, x Value) error {
	out, fast, err := d.prepare(x)
	if err != nil {
		return err
	}
	if dst == nil || !shape.Equal(tensor.ShapeOf(dst), out) || dst.Dtype() != d.cat.dtype {
		return fmt.Errorf("%s: LogProbInto needs a %v array of shape %s: %w", d.family, d.cat.dtype, shape.Format(out), ErrShape)
	}
	if d.cat.dtype == tensor.Float32 {
		data, _ := tensor.Floats[float32](dst)
		oneHotLogProbInto(d, data, x, out, fast)
		return nil
	}
	data, _ := tensor.Floats[float64](dst)
	oneHotLogProbInto(d, data, x, out, fast)
	return nil
}

// oneHotLogProbInto writes log p(x) into dst of shape out: Categorical's
// transpose for the own support, else the logit of each row's argmax; the
// plan's operands are (out, x's batch, the parameter's batch).
func oneHotLogProbInto[T tensor.Float](d *OneHotCategorical, dst []T, x Value, out []int, fast bool) {
	if fast {
		categoricalLogProbInto(d.cat, dst, x, out, true)
		return
	}
	lg, _ := tensor.Floats[T](d.cat.logits)
	xs := tensor.ShapeOf(x)
	p, _ := shape.NewPlan(out, xs[:len(xs)-1], d.cat.pbatch) // prepare checked the shapes
	xd, _ := tensor.Floats[T](x)
	k := d.cat.k
	tensor.ForBlocks(p.Size(), func(_, lo, hi int) {
		for r := range p.RunsIn(lo, hi) {
			o, ox, op, sx, sp := r.Off[0], r.Off[1], r.Off[2], r.Step[1], r.Step[2]
			for i := range r.N {
				j := oneHotIndex(xd[(ox+i*sx)*k:][:k])
				if j < 0 {
					dst[o+i] = T(math.NaN())
					continue
				}
				dst[o+i] = lg[(op+i*sp)*k+j]
			}
		}
	})
}

// LogProbGrad returns Σ log p(x) and its gradient with respect to the
// parameter given (Params["probs"] or Params["logits"], shaped like it);
// Value is zeros shaped like x (argmax has no slope).
func (d *OneHotCategorical) LogProbGrad(x Value) (*Gradient, error) { return d.LogProbVJP(x, nil) }

// LogProbVJP is LogProbGrad with each element of log_prob weighted by
// upstream, which must broadcast to LogProb's shape (nil means ones): the
// rows' argmax indices through Categorical's VJP.
func (d *OneHotCategorical) LogProbVJP(x, upstream Value) (*Gradient, error) {
	out, _, err := d.prepare(x)
	if err != nil {
		return nil, err
	}
	if d.cat.dtype == tensor.Float32 {
		return oneHotVJP[float32](d, x, upstream, out)
	}
	return oneHotVJP[float64](d, x, upstream, out)
}

func oneHotVJP[T tensor.Float](d *OneHotCategorical, x, upstream Value, out []int) (*Gradient, error) {
	xd, _ := tensor.Floats[T](x)
	xs := tensor.ShapeOf(x)
	k := d.cat.k
	idx := make([]T, len(xd)/k) // NaN for a row with a NaN, which Categorical scores NaN
	for r := range idx {
		if j := oneHotIndex(xd[r*k : (r+1)*k]); j >= 0 {
			idx[r] = T(j)
		} else {
			idx[r] = T(math.NaN())
		}
	}
	it, err := tensor.New(idx, xs[:len(xs)-1]...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.family, err)
	}
	g, err := categoricalVJP[T](d.cat, it, upstream, out)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.family, err)
	}
	g.Value, _ = tensor.Alloc[T](xs)
	return g, nil
}

// Sample draws sampleShape + BatchShape() + (K,) one-hot vectors in the
// distribution's dtype: Categorical's draws (the same indices from the
// same src), one-hot encoded.
func (d *OneHotCategorical) Sample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	var (
		idx *tensor.Dense
		err error
	)
	if d.cat.dtype == tensor.Float32 {
		idx, err = categoricalSample[float32](d.cat, src, sampleShape)
	} else {
		idx, err = categoricalSample[float64](d.cat, src, sampleShape)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.family, err)
	}
	if d.cat.dtype == tensor.Float32 {
		return oneHotEncode[float32](idx, d.cat.k), nil
	}
	return oneHotEncode[float64](idx, d.cat.k), nil
}

// oneHotEncode returns the int64 indices idx as one-hot rows of size k.
func oneHotEncode[T tensor.Float](idx *tensor.Dense, k int) *tensor.Dense {
	is := idx.Int64s()
	res, dst := tensor.Alloc[T](shape.Concat(tensor.ShapeOf(idx), []int{k}))
	for i, j := range is {
		dst[i*k+int(j)] = 1
	}
	return res
}

// EnumerateSupport returns eye(K) in the distribution's dtype along dim 0,
// shaped (K,) + (1,)*len(batch) + (K,) and tagged with d (so that
// d.LogProb takes its fast path), or, when expand is true,
// (K,) + batch + (K,) and untagged.
func (d *OneHotCategorical) EnumerateSupport(expand bool) (*enumerate.Support, error) {
	k, batch := d.cat.k, d.cat.batch
	mid := make([]int, len(batch))
	for i := range mid {
		mid[i] = 1
		if expand {
			mid[i] = batch[i]
		}
	}
	shp := shape.Concat([]int{k}, mid, []int{k})
	var values *tensor.Dense
	if d.cat.dtype == tensor.Float32 {
		values = oneHotEye[float32](shp, k)
	} else {
		values = oneHotEye[float64](shp, k)
	}
	if expand {
		return enumerate.New(values, nil), nil
	}
	return enumerate.New(values, d), nil
}

// oneHotEye fills an array of shape (K,) + mid + (K,) with e_j at [j, …].
func oneHotEye[T tensor.Float](shp []int, k int) *tensor.Dense {
	res, dst := tensor.Alloc[T](shp)
	n := len(dst) / (k * k) // vectors per category
	for j := range k {
		for i := range n {
			dst[(j*n+i)*k+j] = 1
		}
	}
	return res
}

// Mean is the normalised probabilities, shaped BatchShape() + (K,) (a copy).
func (d *OneHotCategorical) Mean() (*tensor.Dense, error) {
	return categoricalPerCategory(d.cat, func(p, _ float64) float64 { return p })
}

// Variance is p(1−p), 1−p formed as the sum of the other probabilities.
func (d *OneHotCategorical) Variance() (*tensor.Dense, error) {
	return categoricalPerCategory(d.cat, func(p, q float64) float64 { return p * q })
}

// StdDev is the square root of Variance.
func (d *OneHotCategorical) StdDev() (*tensor.Dense, error) {
	return categoricalPerCategory(d.cat, func(p, q float64) float64 { return math.Sqrt(p * q) })
}

// categoricalPerCategory returns f(p_i, 1−p_i) over c's normalised
// probabilities, shaped c's batch + (K,), with 1−p_i the sum of the other
// probabilities (in float64: no cancellation where p_i is near 1).
func categoricalPerCategory(c *Categorical, f func(p, q float64) float64) (*tensor.Dense, error) {
	pr, _ := tensor.Float64s(c.probs)
	k := c.k
	out := make([]float64, len(pr))
	others := make([]float64, k)
	for r := range len(pr) / k {
		row := pr[r*k : (r+1)*k]
		dirichletOthers(row, others)
		for j, p := range row {
			out[r*k+j] = f(p, others[j])
		}
	}
	return simplexBroadcast(c.dtype, out, tensor.ShapeOf(c.probs), shape.Concat(c.batch, []int{k}))
}

// Mode is the one-hot vector of the most probable category (the first of
// ties; a row with a NaN, that of the first NaN), torch's
// one_hot(probs.argmax(-1)), shaped BatchShape() + (K,).
func (d *OneHotCategorical) Mode() (*tensor.Dense, error) {
	var (
		idx *tensor.Dense
		err error
	)
	if d.cat.dtype == tensor.Float32 {
		idx, err = categoricalMode[float32](d.cat)
	} else {
		idx, err = categoricalMode[float64](d.cat)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.family, err)
	}
	if d.cat.dtype == tensor.Float32 {
		return oneHotEncode[float32](idx, d.cat.k), nil
	}
	return oneHotEncode[float64](idx, d.cat.k), nil
}

// Entropy is Categorical's, −Σ p·log p, shaped BatchShape().
func (d *OneHotCategorical) Entropy() (*tensor.Dense, error) { return d.cat.Entropy() }

// String is a torch-style summary of the distribution, for logs and messages.
func (d *OneHotCategorical) String() string {
	return fmt.Sprintf("OneHotCategorical(batch_shape=%s, event_shape=(%d,))", shape.Format(d.cat.batch), d.cat.k)
}

// OneHotCategoricalStraightThrough is OneHotCategorical with torch's
// straight-through gradient estimator: RSample's value is a one-hot draw s
// (Sample's), taken as s + p − stopgrad(p), so that its pathwise gradient
// with respect to the normalised probabilities p is the identity
// (Bengio, Léonard & Courville 2013).
type OneHotCategoricalStraightThrough struct {
	OneHotCategorical
}

const oneHotSTFamily = "one_hot_categorical_straight_through"

// NewOneHotCategoricalStraightThrough is NewOneHotCategorical for the
// straight-through variant.
func NewOneHotCategoricalStraightThrough(probs *tensor.Dense, opts ...Option) (*OneHotCategoricalStraightThrough, error) {
	c, err := vectorCategorical(oneHotSTFamily, probs, false, opts)
	if err != nil {
		return nil, err
	}
	return &OneHotCategoricalStraightThrough{OneHotCategorical{cat: c, family: oneHotSTFamily}}, nil
}

// NewOneHotCategoricalStraightThroughLogits is NewOneHotCategoricalLogits
// for the straight-through variant.
func NewOneHotCategoricalStraightThroughLogits(logits *tensor.Dense, opts ...Option) (*OneHotCategoricalStraightThrough, error) {
	c, err := vectorCategorical(oneHotSTFamily, logits, true, opts)
	if err != nil {
		return nil, err
	}
	return &OneHotCategoricalStraightThrough{OneHotCategorical{cat: c, family: oneHotSTFamily}}, nil
}

// Expand returns the straight-through distributions broadcast to batch.
func (d *OneHotCategoricalStraightThrough) Expand(batch []int) (Distribution, error) {
	c, err := expandCategorical(d.family, d.cat, batch)
	if err != nil {
		return nil, err
	}
	return &OneHotCategoricalStraightThrough{OneHotCategorical{cat: c, family: d.family}}, nil
}

// RSample is Sample: the straight-through estimator changes the gradient,
// not the value.
func (d *OneHotCategoricalStraightThrough) RSample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	return d.Sample(src, sampleShape...)
}

// RSampleVJP gives the straight-through gradient of draws x of RSample
// (shaped sampleShape + BatchShape() + (K,)) for an upstream ∂L/∂x shaped
// like x (nil means ones): ∂x/∂p = I, so ∂L/∂p = Σ ḡ over the draws, then
// through torch's normalisation to the parameter given:
//
//	probs:  ∂L/∂q_j = (ḡ_j − Σ_i ḡ_i p_i)/Σq      (p = q/Σq)
//	logits: ∂L/∂ℓ_j = p_j·(ḡ_j − Σ_i ḡ_i p_i)      (p = softmax ℓ)
//
// x's values are not read, only its shape.
func (d *OneHotCategoricalStraightThrough) RSampleVJP(x, upstream Value) (map[string]*tensor.Dense, error) {
	xs, err := simplexPathwiseCheck(d.family, x, upstream, d.cat.dtype, d.cat.batch, d.cat.k)
	if err != nil {
		return nil, err
	}
	if d.cat.dtype == tensor.Float32 {
		return oneHotSTPathwise[float32](d, upstream, xs)
	}
	return oneHotSTPathwise[float64](d, upstream, xs)
}

func oneHotSTPathwise[T tensor.Float](d *OneHotCategoricalStraightThrough, upstream Value, xs []int) (map[string]*tensor.Dense, error) {
	c := d.cat
	k := c.k
	p, err := shape.NewPlan(xs[:len(xs)-1], c.pbatch)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.family, err)
	}
	var g []T
	if !tensor.IsNil(upstream) {
		g, _ = tensor.Floats[T](upstream)
	}
	gp := make([]float64, shape.Size(tensor.ShapeOf(c.param))) // Σ ḡ, per parameter row
	for r := range p.Runs() {
		for i := range r.N {
			o, row := r.Off[0]+i, r.Off[1]+i*r.Step[1]
			for j := range k {
				v := 1.0
				if g != nil {
					v = float64(g[o*k+j])
				}
				gp[row*k+j] += v
			}
		}
	}
	par, _ := tensor.Float64s(c.param)
	pr, _ := tensor.Float64s(c.probs)
	out := make([]float64, len(gp))
	for r := range len(gp) / k {
		gr, pp := gp[r*k:(r+1)*k], pr[r*k:(r+1)*k]
		var dot, sum float64
		for j := range gr {
			dot += gr[j] * pp[j]
			sum += par[r*k+j]
		}
		for j := range gr {
			if c.byLogits {
				out[r*k+j] = pp[j] * (gr[j] - dot)
			} else {
				out[r*k+j] = (gr[j] - dot) / sum
			}
		}
	}
	return map[string]*tensor.Dense{c.paramName(): simplexResult[T](out, tensor.ShapeOf(c.param))}, nil
}

// String is a torch-style summary of the distribution, for logs and messages.
func (d *OneHotCategoricalStraightThrough) String() string {
	return fmt.Sprintf("OneHotCategoricalStraightThrough(batch_shape=%s, event_shape=(%d,))", shape.Format(d.cat.batch), d.cat.k)
}

// oneHotShapes is Pyro's OneHotCategorical.infer_shapes: the parameter t
// given (logits, else probs) has batch t[:-1] and event t[-1:].
func oneHotShapes(params map[string][]int) ([]int, []int, error) {
	var t []int
	found := false
	for name, s := range params {
		switch name {
		case "probs", "logits":
			if !found || name == "logits" {
				t, found = s, true
			}
		default:
			return nil, nil, fmt.Errorf("infer_shapes: OneHotCategorical has no parameter %q: %w", name, ErrParam)
		}
	}
	if !found {
		return nil, nil, fmt.Errorf("infer_shapes: OneHotCategorical needs probs or logits: %w", ErrParam)
	}
	if len(t) < 1 {
		return nil, nil, fmt.Errorf("infer_shapes: OneHotCategorical: the parameter must be at least one-dimensional: %w", ErrShape)
	}
	return shape.Clone(t[:len(t)-1]), shape.Clone(t[len(t)-1:]), nil
}

// probsOrLogits reads a spec's probs or logits (exactly one; ErrParam
// otherwise) after checking that it names no parameter outside known.
func probsOrLogits(s *Spec, family string, known ...string) (param *tensor.Dense, byLogits bool, err error) {
	if err := s.Known(append([]string{"probs", "logits"}, known...)...); err != nil {
		return nil, false, err
	}
	probs, okP, err := s.Tensor("probs")
	if err != nil {
		return nil, false, err
	}
	logits, okL, err := s.Tensor("logits")
	if err != nil {
		return nil, false, err
	}
	if okP == okL {
		return nil, false, fmt.Errorf("%s: give exactly one of probs and logits: %w", family, ErrParam)
	}
	if okL {
		return logits, true, nil
	}
	return probs, false, nil
}

// klOneHot is torch's _kl_onehotcategorical_onehotcategorical: the
// divergence of the underlying categoricals (klCategoricalCategorical).
func klOneHot(p, q *OneHotCategorical) (*tensor.Dense, error) {
	return klCategoricalCategorical(p.cat, q.cat)
}

func init() {
	// torch dispatches the straight-through subclass to the same pair.
	RegisterKL(klOneHot)
	RegisterKL(func(p, q *OneHotCategoricalStraightThrough) (*tensor.Dense, error) {
		return klOneHot(&p.OneHotCategorical, &q.OneHotCategorical)
	})
	RegisterKL(func(p *OneHotCategoricalStraightThrough, q *OneHotCategorical) (*tensor.Dense, error) {
		return klOneHot(&p.OneHotCategorical, q)
	})
	RegisterKL(func(p *OneHotCategorical, q *OneHotCategoricalStraightThrough) (*tensor.Dense, error) {
		return klOneHot(p, &q.OneHotCategorical)
	})
	RegisterShapes("OneHotCategorical", oneHotShapes)
	Register("OneHotCategorical", func(s *Spec, opts ...Option) (Distribution, error) {
		param, byLogits, err := probsOrLogits(s, oneHotFamily)
		if err != nil {
			return nil, err
		}
		if byLogits {
			return NewOneHotCategoricalLogits(param, opts...)
		}
		return NewOneHotCategorical(param, opts...)
	})
	RegisterShapes("OneHotCategoricalStraightThrough", func(map[string][]int) ([]int, []int, error) {
		// Pyro wraps torch's class generically (not its own
		// OneHotCategorical), whose rule raises for a support with event
		// dims (one_hot).
		return nil, nil, fmt.Errorf("infer_shapes: OneHotCategoricalStraightThrough: its support has event dims (Pyro raises NotImplementedError): %w", ErrUnsupported)
	})
	Register("OneHotCategoricalStraightThrough", func(s *Spec, opts ...Option) (Distribution, error) {
		param, byLogits, err := probsOrLogits(s, oneHotSTFamily)
		if err != nil {
			return nil, err
		}
		if byLogits {
			return NewOneHotCategoricalStraightThroughLogits(param, opts...)
		}
		return NewOneHotCategoricalStraightThrough(param, opts...)
	})
}
