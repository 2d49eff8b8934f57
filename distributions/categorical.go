package distributions

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	gt "gorgonia.org/tensor"

	"github.com/seed39ad66a2/tensordist/enumerate"
	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Categorical is a batch of categorical distributions over the indices
// {0, …, K-1}, given by the rows of probs (normalised p/Σp) or of logits
// (normalised ℓ - logsumexp ℓ), as torch does; the batch shape is the
// parameter's shape without its last dim K. Values and samples are category
// indices, int64 (LogProb also takes floats of the distribution's dtype,
// which torch casts with .long()):
//
//	log p(x) = log p_x = ℓ_x - logsumexp ℓ
//	logits: ∂/∂ℓ_j = δ_jx - softmax(ℓ)_j
//	probs:  ∂/∂p_j = δ_jx/p_x - 1/Σp   (through the normalisation)
//
// The normalised tables are computed once at construction, in float64 and
// rounded once to the dtype, to full relative precision also for the
// dominant category (log p ≈ -1e-13 is exact, where ℓ - logsumexp ℓ loses
// the last digits).
//
// Enumeration fast path (Pyro's): LogProb of the support EnumerateSupport(false)
// of this very distribution is the transposed table of normalised logits,
// with no index decoding or validation.
type Categorical struct {
	param    *tensor.Dense // as given, pbatch + (K,)
	byLogits bool
	logits   *tensor.Dense // normalised log-probabilities, shaped like param
	probs    *tensor.Dense // normalised probabilities, shaped like param
	pbatch   []int         // param's batch shape: param.shape[:-1]
	batch    []int         // pbatch, or larger after Expand
	k        int
	dtype    gt.Dtype
	validate bool
	plans    *categoricalPlans
}

// categoricalPlans are what a call would otherwise rebuild from the shapes
// and the parameter, kept per distribution (Expand gets its own): the
// plans of LogProb (out, x, the parameter's rows) and of draws (out, rows),
// and the rows' running sums for sampling.
type categoricalPlans struct {
	value, draw planMemo
	cumOnce     sync.Once
	cum         []float64
}

// NewCategorical returns the categoricals whose probabilities are the rows
// of probs (the last dim), normalised by their sums; when validating, every
// entry is >= 0 and the normalised rows sum to 1 (so NaN, negative entries
// and rows of zeros are ErrParam). A scalar probs or K = 0 is ErrShape.
func NewCategorical(probs *tensor.Dense, opts ...Option) (*Categorical, error) {
	return newCategorical(probs, false, opts)
}

// NewCategoricalLogits returns the categoricals whose log-probabilities are
// the rows of logits up to a constant; when validating, no logit is NaN.
// Logits of +Inf share the whole mass of their row; a row of -Inf gives NaN
// probabilities, as in torch.
func NewCategoricalLogits(logits *tensor.Dense, opts ...Option) (*Categorical, error) {
	return newCategorical(logits, true, opts)
}

func newCategorical(param *tensor.Dense, byLogits bool, opts []Option) (*Categorical, error) {
	cfg := newConfig(opts)
	name := "probs"
	if byLogits {
		name = "logits"
	}
	if param == nil {
		return nil, fmt.Errorf("categorical: %s is nil: %w", name, ErrParam)
	}
	if !tensor.IsFloat(param.Dtype()) {
		return nil, fmt.Errorf("categorical: %s has dtype %v, want float64 or float32: %w", name, param.Dtype(), ErrDType)
	}
	s := tensor.ShapeOf(param)
	if len(s) == 0 {
		return nil, fmt.Errorf("categorical: %s must have at least one dim (the categories), got shape (): %w", name, ErrShape)
	}
	k := s[len(s)-1]
	if k == 0 {
		return nil, fmt.Errorf("categorical: %s of shape %s has no categories: %w", name, shape.Format(s), ErrShape)
	}
	d := &Categorical{
		param: param, byLogits: byLogits, k: k, dtype: param.Dtype(), validate: cfg.validate,
		pbatch: shape.Clone(s[:len(s)-1]), batch: shape.Clone(s[:len(s)-1]),
		plans: new(categoricalPlans),
	}
	if cfg.validate {
		var err error
		if byLogits {
			err = check("categorical", "logits", "real", param, ErrParam, isReal)
		} else {
			err = checkSimplexRows(param, k)
		}
		if err != nil {
			return nil, err
		}
	}
	if d.dtype == tensor.Float32 {
		d.logits, d.probs = categoricalTables[float32](param, k, byLogits)
	} else {
		d.logits, d.probs = categoricalTables[float64](param, k, byLogits)
	}
	return d, nil
}

// checkSimplexRows is the constraint of probs: every entry >= 0 (not NaN),
// and each row normalised by its sum is a simplex, torch's check
// (entries >= 0, |Σ - 1| < 1e-6). torch checks the normalised rows only,
// which would let a row of negative numbers through; an entry < 0 is
// rejected here.
func checkSimplexRows(probs *tensor.Dense, k int) error {
	data, err := tensor.Float64s(probs)
	if err != nil {
		return fmt.Errorf("categorical: probs: %w", err)
	}
	s := tensor.ShapeOf(probs)
	if err := check("categorical", "probs", ">= 0", probs, ErrParam, func(x float64) bool { return x >= 0 }); err != nil {
		return err
	}
	for r := range len(data) / k {
		row := data[r*k : (r+1)*k]
		var sum float64
		for _, p := range row {
			sum += p
		}
		var total float64
		ok := true
		for _, p := range row {
			q := p / sum
			ok = ok && q >= 0
			total += q
		}
		if !ok || !(math.Abs(total-1) < 1e-6) {
			return &ConstraintError{
				Family: "categorical", Name: "probs", Rule: "a row with a positive, finite sum (p/Σp a simplex)",
				Got: sum, Index: unravel(r, s[:len(s)-1]), Err: ErrParam,
			}
		}
	}
	return nil
}

// Expand returns the categoricals broadcast to the batch shape batch,
// sharing the parameter and its normalised tables.
func (d *Categorical) Expand(batch []int) (Distribution, error) {
	if err := shape.CheckExpand(d.batch, batch); err != nil {
		return nil, fmt.Errorf("categorical: %w", err)
	}
	c := *d
	c.batch = shape.Clone(batch)
	c.plans = new(categoricalPlans)
	return &c, nil
}

// BatchShape is the parameter's shape without its last dim, or the shape
// given to Expand.
func (d *Categorical) BatchShape() []int { return shape.Clone(d.batch) }

// EventShape is (): a value is one index.
func (d *Categorical) EventShape() []int { return []int{} }

// Dtype is the parameter's dtype, that of LogProb's result (samples are
// int64).
func (d *Categorical) Dtype() gt.Dtype { return d.dtype }

// K is the number of categories.
func (d *Categorical) K() int { return d.k }

// Validating reports whether parameters were and values are validated.
func (d *Categorical) Validating() bool { return d.validate }

// paramName is the torch name of the parameter given.
func (d *Categorical) paramName() string {
	if d.byLogits {
		return "logits"
	}
	return "probs"
}

// Probs returns the normalised probabilities, shaped BatchShape() + (K,):
// the distribution's own table (do not modify it), or a broadcast copy after
// an Expand.
func (d *Categorical) Probs() *tensor.Dense { return d.table(d.probs) }

// Logits returns the normalised logits log p, shaped BatchShape() + (K,):
// the distribution's own table (do not modify it), or a broadcast copy after
// an Expand. A probability of 0 has logit -Inf (torch clamps it to
// log(eps)).
func (d *Categorical) Logits() *tensor.Dense { return d.table(d.logits) }

func (d *Categorical) table(t *tensor.Dense) *tensor.Dense {
	if shape.Equal(d.batch, d.pbatch) {
		return t
	}
	out := shape.Concat(d.batch, []int{d.k})
	var (
		res *tensor.Dense
		err error
	)
	if d.dtype == tensor.Float32 {
		res, err = tensor.BroadcastTo[float32](t, out)
	} else {
		res, err = tensor.BroadcastTo[float64](t, out)
	}
	if err != nil { // cannot happen: the batch was checked by Expand
		panic(err)
	}
	return res
}

// prepare checks x against the distribution (shape, dtype and, when
// validating and x is not this distribution's own enumerated support, the
// support) and returns LogProb's shape; fast reports that x is this
// distribution's support, to be scored by transposing the logits.
func (d *Categorical) prepare(x Value) (out []int, fast bool, err error) {
	if tensor.IsNil(x) {
		return nil, false, fmt.Errorf("categorical: nil value: %w", ErrShape)
	}
	if s, ok := enumerate.Of(x); ok {
		if s == nil || s.Dense == nil {
			return nil, false, fmt.Errorf("categorical: nil value: %w", ErrShape)
		}
		if out, ok := d.fastShape(s); ok {
			return out, true, nil
		}
	}
	if dt := x.Dtype(); dt != tensor.Int64 && dt != d.dtype {
		return nil, false, fmt.Errorf("categorical: value has dtype %v, want int64 or the distribution's %v: %w", dt, d.dtype, ErrDType)
	}
	out = d.batch // the common case, without broadcasting a new shape
	if !shape.Equal(x.Shape(), d.batch) {
		if out, err = shape.CheckValue(tensor.ShapeOf(x), d.batch, nil); err != nil {
			return nil, false, fmt.Errorf("categorical: %w", err)
		}
	}
	if d.validate {
		if err := d.checkIndices(x); err != nil {
			return nil, false, err
		}
	}
	return out, false, nil
}

// fastShape reports whether s is this distribution's enumerated support in
// a shape the fast path scores, (K,) + (1,)*m + ... with at least
// len(batch) singleton dims (Pyro's enum messenger may add more), and
// returns the result's shape (K,) + (1,)*(m-len(batch)) + batch.
func (d *Categorical) fastShape(s *enumerate.Support) ([]int, bool) {
	if s.Owner() != any(d) || s.Dtype() != tensor.Int64 {
		return nil, false
	}
	vs := tensor.ShapeOf(s)
	if len(vs) < 1+len(d.batch) || vs[0] != d.k {
		return nil, false
	}
	for _, n := range vs[1:] {
		if n != 1 {
			return nil, false
		}
	}
	out := shape.Clone(vs)
	copy(out[len(out)-len(d.batch):], d.batch)
	return out, true
}

// checkIndices requires every element of x to be an integer in [0, K-1].
func (d *Categorical) checkIndices(x Value) error {
	rule := fmt.Sprintf("an integer in [0, %d]", d.k-1)
	if x.Dtype() != tensor.Int64 {
		kf := float64(d.k)
		return check("categorical", "value", rule, x, ErrSupport, func(v float64) bool {
			return v >= 0 && v < kf && v == math.Trunc(v)
		})
	}
	for i, v := range int64Data(x) {
		if v < 0 || v >= int64(d.k) {
			return &ConstraintError{Family: "categorical", Name: "value", Rule: rule, Got: float64(v), Index: unravel(i, tensor.ShapeOf(x)), Err: ErrSupport}
		}
	}
	return nil
}

// int64Data returns the elements of an int64 value, row-major.
func int64Data(v Value) []int64 {
	if v.RequiresIterator() {
		if m, ok := v.Materialize().(Value); ok {
			v = m
		}
	}
	return v.Int64s()
}

// LogProb returns log p(x), shaped broadcast(x.Shape(), BatchShape()), in
// the distribution's dtype. x holds category indices, int64 or floats of
// the distribution's dtype. When validating, an index that is not an integer
// in [0, K-1] is ErrSupport; when not, such an index is scored -Inf if it is
// an integer and NaN otherwise (NaN, ±Inf, 1.5), never a panic.
//
// The distribution's own support EnumerateSupport(false), possibly with more
// leading singleton dims, is scored by transposing the normalised logits:
// shape (K,) + (1,)*… + BatchShape(), out[k, …, b] = log p_k of b.
func (d *Categorical) LogProb(x Value) (*tensor.Dense, error) {
	out, fast, err := d.prepare(x)
	if err != nil {
		return nil, err
	}
	if d.dtype == tensor.Float32 {
		res, dst := tensor.Alloc[float32](out)
		categoricalLogProbInto(d, dst, x, out, fast)
		return res, nil
	}
	res, dst := tensor.Alloc[float64](out)
	categoricalLogProbInto(d, dst, x, out, fast)
	return res, nil
}

// LogProbInto writes log p(x) into dst, which must have LogProb's shape and
// the distribution's dtype.
func (d *Categorical) LogProbInto(dst *tensor.Dense, x Value) error {
	out, fast, err := d.prepare(x)
	if err != nil {
		return err
	}
	if dst == nil || !shape.Equal(tensor.ShapeOf(dst), out) || dst.Dtype() != d.dtype {
		return fmt.Errorf("categorical: LogProbInto needs a %v array of shape %s: %w", d.dtype, shape.Format(out), ErrShape)
	}
	if d.dtype == tensor.Float32 {
		data, err := tensor.Floats[float32](dst)
		if err != nil {
			return fmt.Errorf("categorical: %w", err)
		}
		categoricalLogProbInto(d, data, x, out, fast)
		return nil
	}
	data, err := tensor.Floats[float64](dst)
	if err != nil {
		return fmt.Errorf("categorical: %w", err)
	}
	categoricalLogProbInto(d, data, x, out, fast)
	return nil
}

// LogProbGrad returns Σ log p(x) and its gradient with respect to the
// parameter as given (Params["logits"] or Params["probs"], shaped like it);
// Value is zeros shaped like x, as indices are not differentiable.
func (d *Categorical) LogProbGrad(x Value) (*Gradient, error) { return d.LogProbVJP(x, nil) }

// LogProbVJP is LogProbGrad with each element of log_prob weighted by
// upstream, which must broadcast to LogProb's shape (nil means ones). An
// element of weight 0 contributes exactly nothing, even where log p is -Inf;
// an index outside the support (validation off) contributes its -Inf or NaN
// to LogProb and nothing to the gradient.
func (d *Categorical) LogProbVJP(x, upstream Value) (*Gradient, error) {
	out, _, err := d.prepare(x)
	if err != nil {
		return nil, err
	}
	if d.dtype == tensor.Float32 {
		return categoricalVJP[float32](d, x, upstream, out)
	}
	return categoricalVJP[float64](d, x, upstream, out)
}

// Sample draws sampleShape + BatchShape() category indices (int64) by
// inverting each row's cumulative sums; the draws depend on src and the
// shapes only, never on GOMAXPROCS.
func (d *Categorical) Sample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	if d.dtype == tensor.Float32 {
		return categoricalSample[float32](d, src, sampleShape)
	}
	return categoricalSample[float64](d, src, sampleShape)
}

// EnumerateSupport returns the indices 0, …, K-1 (int64) along dim 0,
// shaped (K,) + (1,)*len(batch), tagged with d so that d.LogProb takes its
// fast path, or, when expand is true, shaped (K,) + batch and untagged (as
// Pyro tags only the unexpanded support).
func (d *Categorical) EnumerateSupport(expand bool) (*enumerate.Support, error) {
	shp := make([]int, 1+len(d.batch))
	shp[0] = d.k
	for i := range d.batch {
		shp[i+1] = 1
		if expand {
			shp[i+1] = d.batch[i]
		}
	}
	n := shape.Size(shp) / d.k
	data := make([]int64, shape.Size(shp))
	for k := range d.k {
		row := data[k*n : (k+1)*n]
		for i := range row {
			row[i] = int64(k)
		}
	}
	values, err := tensor.New(data, shp...)
	if err != nil {
		return nil, fmt.Errorf("categorical: %w", err)
	}
	if expand {
		return enumerate.New(values, nil), nil
	}
	return enumerate.New(values, d), nil
}

// Mean is NaN (torch: categories have no mean), shaped BatchShape().
func (d *Categorical) Mean() (*tensor.Dense, error) { return d.nans(), nil }

// Variance is NaN, shaped BatchShape().
func (d *Categorical) Variance() (*tensor.Dense, error) { return d.nans(), nil }

// StdDev is NaN, shaped BatchShape().
func (d *Categorical) StdDev() (*tensor.Dense, error) { return d.nans(), nil }

func (d *Categorical) nans() *tensor.Dense {
	if d.dtype == tensor.Float32 {
		res, data := tensor.Alloc[float32](d.batch)
		for i := range data {
			data[i] = float32(math.NaN())
		}
		return res
	}
	res, data := tensor.Alloc[float64](d.batch)
	for i := range data {
		data[i] = math.NaN()
	}
	return res
}

// Mode is the most probable index (the first of ties), int64 as torch's
// argmax, shaped BatchShape(); a row with a NaN gives the NaN's index.
func (d *Categorical) Mode() (*tensor.Dense, error) {
	if d.dtype == tensor.Float32 {
		return categoricalMode[float32](d)
	}
	return categoricalMode[float64](d)
}

// Entropy is -Σ p·log p over each row, with 0·log 0 = 0, computed in
// float64 from the parameter (torch clamps the logits at finfo.min instead).
func (d *Categorical) Entropy() (*tensor.Dense, error) {
	if d.dtype == tensor.Float32 {
		return categoricalEntropy[float32](d)
	}
	return categoricalEntropy[float64](d)
}

// String is a torch-style summary of the distribution, for logs and messages.
func (d *Categorical) String() string {
	return fmt.Sprintf("Categorical(batch_shape=%s, K=%d)", shape.Format(d.batch), d.k)
}

func init() {
	// Pyro's generic rule: probs and logits carry one event dim (simplex,
	// real_vector), the support none.
	RegisterShapes("Categorical", GenericShapes("categorical", map[string]int{"probs": 1, "logits": 1}))
	Register("Categorical", func(s *Spec, opts ...Option) (Distribution, error) {
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
			return nil, fmt.Errorf("categorical: give exactly one of probs and logits: %w", ErrParam)
		case okP:
			return NewCategorical(probs, opts...)
		}
		return NewCategoricalLogits(logits, opts...)
	})
}
