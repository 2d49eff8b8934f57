package distributions

import (
	"fmt"
	"math/rand/v2"
	"sync"

	gt "gorgonia.org/tensor"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// kernel is a family's one numerical path: it walks output elements
// [lo, hi) of a plan whose operands are (out, x, params...), writes log p
// into out when out is non-nil, and, when grad is non-nil, accumulates
// w·∂log p/∂in[k] into each non-nil grad[k] (in in[k]'s own shape) and
// Σ w·log p into sum. An element of weight 0 is skipped, so that it adds
// exactly 0 even where log p or a partial is infinite or NaN (a masked
// entry). Gradients are computed and accumulated in float64 whatever T is,
// so that float32 gradients of broadcast parameters do not drift; log p
// alone may be computed in T (Normal's float32 path, within tol32 of its
// float64 path).
type kernel[T tensor.Float] func(a *kargs[T])

type kargs[T tensor.Float] struct {
	p      *shape.Plan
	lo, hi int
	out    []T         // log p, output-shaped; nil when not wanted
	w      []T         // upstream weights, output-shaped; nil means 1
	in     [][]T       // x, then the parameters
	grad   [][]float64 // accumulators, one per in (nil entries are skipped)
	sum    float64
	scr    *kscratch[T] // chunk buffers, never shared between goroutines
}

// kscratch is a kernel's chunk scratch, logChunk elements per buffer, kept
// with the pooled call (or pooled per block when the work is parallel):
// declared on the stack instead, a kernel would zero its kilobytes for
// every chunk, which at n = 1 costs more than the arithmetic.
type kscratch[T tensor.Float] struct {
	t [2][logChunk]T
	f [2][logChunk]float64
}

var scratch32, scratch64 sync.Pool

// getScratch returns a pooled kscratch; putScratch gives it back.
func getScratch[T tensor.Float]() *kscratch[T] {
	if s, ok := scratchPool[T]().Get().(*kscratch[T]); ok {
		return s
	}
	return new(kscratch[T])
}

func putScratch[T tensor.Float](s *kscratch[T]) { scratchPool[T]().Put(s) }

func scratchPool[T tensor.Float]() *sync.Pool {
	if tensor.DtypeOf[T]() == tensor.Float32 {
		return &scratch32
	}
	return &scratch64
}

// weight is the upstream weight of output element i.
func (a *kargs[T]) weight(i int) float64 {
	if a.w == nil {
		return 1
	}
	return float64(a.w[i])
}

// elementwise is the shared body of the scalar families whose log density is
// a function of one value element and one element of each parameter.
type elementwise struct {
	family   string          // "normal", lower case, for messages
	names    []string        // parameter names, torch's
	params   []*tensor.Dense // in names' order
	pshapes  [][]int         // the parameters' shapes
	batch    []int
	dtype    gt.Dtype
	validate bool
	k32      kernel[float32]
	k64      kernel[float64]
	support  func(float64) bool // nil: any real value
	// supportAt, when set, replaces support for a support that depends on
	// the parameters (Uniform's [low, high)): x and the parameters at one
	// element of the broadcast, in names' order.
	supportAt func(x float64, p []float64) bool
	rule      string // the support's rule, for messages
	plans     *elementwisePlans
}

// newElementwise checks that the parameters share a floating dtype and
// broadcast, and returns the body with their batch shape.
func newElementwise(family string, names []string, params []*tensor.Dense, cfg config) (elementwise, error) {
	e := elementwise{family: family, names: names, params: params, validate: cfg.validate}
	shapes := make([][]int, len(params))
	for i, p := range params {
		if p == nil {
			return e, fmt.Errorf("%s: %s is nil: %w", family, names[i], ErrParam)
		}
		if i == 0 {
			e.dtype = p.Dtype()
		}
		if !tensor.IsFloat(p.Dtype()) || p.Dtype() != e.dtype {
			return e, fmt.Errorf("%s: %s has dtype %v, want float64 or float32 shared by every parameter: %w", family, names[i], p.Dtype(), ErrDType)
		}
		shapes[i] = tensor.ShapeOf(p)
	}
	e.pshapes = shapes
	batch, err := shape.Broadcast(shapes...)
	if err != nil {
		return e, fmt.Errorf("%s: %s: %w", family, joinNames(names), err)
	}
	e.batch = batch
	e.plans = new(elementwisePlans)
	return e, nil
}

func joinNames(names []string) string {
	switch len(names) {
	case 1:
		return names[0]
	case 2:
		return names[0] + " and " + names[1]
	}
	s := ""
	for i, n := range names {
		if i > 0 {
			s += ", "
		}
		if i == len(names)-1 {
			s += "and "
		}
		s += n
	}
	return s
}

// BatchShape is the broadcast shape of the parameters.
func (e *elementwise) BatchShape() []int { return shape.Clone(e.batch) }

// EventShape is () for a scalar family.
func (e *elementwise) EventShape() []int { return []int{} }

// Dtype is the parameters' dtype, which values and results share.
func (e *elementwise) Dtype() gt.Dtype { return e.dtype }

// Params returns the parameters by torch name, as given (not broadcast).
func (e *elementwise) Params() map[string]*tensor.Dense {
	m := make(map[string]*tensor.Dense, len(e.params))
	for i, p := range e.params {
		m[e.names[i]] = p
	}
	return m
}

// Validating reports whether parameters were and values are validated.
func (e *elementwise) Validating() bool { return e.validate }

// prepare checks x against the distribution (dtype, shape, and the support
// when validating) and returns LogProb's shape, which callers must not
// modify (it may be e.batch).
func (e *elementwise) prepare(x Value) ([]int, error) {
	if tensor.IsNil(x) {
		return nil, fmt.Errorf("%s: nil value: %w", e.family, ErrShape)
	}
	if x.Dtype() != e.dtype {
		return nil, fmt.Errorf("%s: value has dtype %v, distribution %v: %w", e.family, x.Dtype(), e.dtype, ErrDType)
	}
	out := e.batch // the common case, without broadcasting a new shape
	if !shape.Equal(x.Shape(), e.batch) {
		var err error
		if out, err = shape.CheckValue(x.Shape(), e.batch, nil); err != nil {
			return nil, fmt.Errorf("%s: %w", e.family, err)
		}
	}
	if e.validate {
		if err := e.checkSupport(x, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// checkSupport returns an ErrSupport ConstraintError for the first element
// of x outside the support, x broadcasting to out.
func (e *elementwise) checkSupport(x Value, out []int) error {
	if e.supportAt == nil {
		if e.support == nil || allIn(x, e.support) {
			return nil
		}
		return check(e.family, "value", e.rule, x, ErrSupport, e.support)
	}
	xs, err := tensor.Float64s(x)
	if err != nil {
		return fmt.Errorf("%s: value: %w", e.family, err)
	}
	ps := make([][]float64, len(e.params))
	for i, p := range e.params {
		ps[i], _ = tensor.Float64s(p)
	}
	plan, err := shape.NewPlan(out, append([][]int{x.Shape()}, e.pshapes...)...)
	if err != nil {
		return fmt.Errorf("%s: %w", e.family, err)
	}
	args := make([]float64, len(ps))
	for r := range plan.Runs() {
		for i := range r.N {
			for k, p := range ps {
				args[k] = p[r.Off[k+2]+i*r.Step[k+2]]
			}
			at := r.Off[1] + i*r.Step[1]
			if !e.supportAt(xs[at], args) {
				return &ConstraintError{Family: e.family, Name: "value", Rule: e.rule, Got: xs[at], Index: unravel(at, tensor.ShapeOf(x)), Err: ErrSupport}
			}
		}
	}
	return nil
}

// allIn reports whether ok holds at every element of v, read in v's own
// dtype (check widens float32 into a copy; it builds the error when not).
func allIn(v Value, ok func(float64) bool) bool {
	if v.Dtype() == tensor.Float32 {
		return allOK[float32](v, ok)
	}
	return allOK[float64](v, ok)
}

func allOK[T tensor.Float](v Value, ok func(float64) bool) bool {
	data, err := tensor.Floats[T](v)
	if err != nil {
		return false
	}
	for _, x := range data {
		if !ok(float64(x)) {
			return false
		}
	}
	return true
}

// A call is one evaluation's scratch: the plan over its operands, their
// data, the kernel's arguments and, for draw, a block generator.
// Calls are pooled per dtype, so that LogProbInto and SampleInto allocate
// nothing and LogProb and Sample only their result.
type call[T tensor.Float] struct {
	scr  kscratch[T]
	plan shape.Plan
	args kargs[T]
	in   [][]T
	pcg  rand.PCG
	rng  *rand.Rand // over pcg
}

var calls32, calls64 sync.Pool

func callPool[T tensor.Float]() *sync.Pool {
	if tensor.DtypeOf[T]() == tensor.Float32 {
		return &calls32
	}
	return &calls64
}

// getCall returns a pooled call; release gives it back.
func getCall[T tensor.Float]() *call[T] {
	if c, ok := callPool[T]().Get().(*call[T]); ok {
		return c
	}
	c := new(call[T])
	c.rng = rand.New(&c.pcg)
	c.args.scr = &c.scr
	return c
}

// release drops the call's references to the caller's arrays and pools it.
func (c *call[T]) release() {
	clear(c.in)
	c.in = c.in[:0]
	c.args.out, c.args.w, c.args.in, c.args.grad = nil, nil, nil, nil
	callPool[T]().Put(c)
}

// planValue readies c for LogProb and its kin: operands (out, x,
// parameters...) broadcast to out, kargs over the whole plan.
func (c *call[T]) planValue(e *elementwise, x Value, out []int) error {
	xs, err := tensor.Floats[T](x)
	if err != nil {
		return err
	}
	c.in = append(c.in[:0], xs)
	var ops [4][]int // on the stack: no write barriers for a list read once
	return c.planWith(e, &e.plans.value, out, append(append(ops[:0], x.Shape()), e.pshapes...))
}

// planDraw readies c for draw: operands (out, parameters...).
func (c *call[T]) planDraw(e *elementwise, out []int) error {
	c.in = c.in[:0]
	return c.planWith(e, &e.plans.draw, out, e.pshapes)
}

// planWith appends e's parameters to c's operands and sets kargs over the
// plan of out from the operands' shapes ops: memo's, or one in c's
// scratch when memo keeps none.
func (c *call[T]) planWith(e *elementwise, memo *planMemo, out []int, ops [][]int) error {
	p, err := memo.cached(out, ops...)
	if err != nil {
		return err
	}
	if p == nil {
		if err := c.plan.Set(out, ops...); err != nil {
			return err
		}
		p = &c.plan
	}
	c.usePlan(e, p)
	return nil
}

// elementwisePlans are the plans an elementwise distribution keeps: of
// LogProb and its kin, and of draws.
type elementwisePlans struct{ value, draw planMemo }

// usePlan appends e's parameters to c's operands (after x, when planValue
// put it there) and sets kargs over p.
func (c *call[T]) usePlan(e *elementwise, p *shape.Plan) {
	for _, q := range e.params {
		d, _ := tensor.Floats[T](q) // the dtype was checked at construction
		c.in = append(c.in, d)
	}
	c.args.p, c.args.lo, c.args.hi, c.args.in, c.args.sum = p, 0, p.Size(), c.in, 0
}

// LogProb returns log p(x), shaped broadcast(x.Shape(), BatchShape()).
func (e *elementwise) LogProb(x Value) (*tensor.Dense, error) {
	out, err := e.prepare(x)
	if err != nil {
		return nil, err
	}
	if e.dtype == tensor.Float32 {
		res, dst := tensor.Alloc[float32](out)
		return res, logProbInto(e, e.k32, dst, x, out)
	}
	res, dst := tensor.Alloc[float64](out)
	return res, logProbInto(e, e.k64, dst, x, out)
}

// LogProbInto writes log p(x) into dst, which must have LogProb's shape and
// the distribution's dtype.
func (e *elementwise) LogProbInto(dst *tensor.Dense, x Value) error {
	out, err := e.prepare(x)
	if err != nil {
		return err
	}
	if dst == nil || !shape.Equal(dst.Shape(), out) || dst.Dtype() != e.dtype {
		return fmt.Errorf("%s: LogProbInto needs a %v array of shape %s: %w", e.family, e.dtype, shape.Format(out), ErrShape)
	}
	if e.dtype == tensor.Float32 {
		d, _ := tensor.Floats[float32](dst)
		return logProbInto(e, e.k32, d, x, out)
	}
	d, _ := tensor.Floats[float64](dst)
	return logProbInto(e, e.k64, d, x, out)
}

func logProbInto[T tensor.Float](e *elementwise, k kernel[T], dst []T, x Value, out []int) error {
	c := getCall[T]()
	defer c.release()
	if err := c.planValue(e, x, out); err != nil {
		return fmt.Errorf("%s: %w", e.family, err)
	}
	c.args.out = dst
	runKernel(k, &c.args)
	return nil
}

// runKernel calls k over a's plan in tensor.ForBlocks's blocks: with a
// itself, block after block, on the calling goroutine, or with a copy of a
// per block when the work is parallel.
func runKernel[T tensor.Float](k kernel[T], a *kargs[T]) {
	n := a.p.Size()
	if !tensor.Parallel(n) {
		for lo := 0; lo < n; lo += tensor.Block {
			a.lo, a.hi = lo, min(n, lo+tensor.Block)
			k(a)
		}
		return
	}
	tensor.ForBlocks(n, func(_, lo, hi int) {
		b := *a
		b.lo, b.hi = lo, hi
		b.scr = getScratch[T]()
		k(&b)
		putScratch(b.scr)
	})
}

// LogProbGrad returns sum(log_prob(x)) with its gradient with respect to x
// and to every parameter, each summed back to its own shape.
func (e *elementwise) LogProbGrad(x Value) (*Gradient, error) { return e.LogProbVJP(x, nil) }

// LogProbVJP is LogProbGrad with each element of log_prob weighted by
// upstream, which must broadcast to LogProb's shape (nil means ones).
func (e *elementwise) LogProbVJP(x, upstream Value) (*Gradient, error) {
	out, err := e.prepare(x)
	if err != nil {
		return nil, err
	}
	if e.dtype == tensor.Float32 {
		return logProbVJP(e, e.k32, x, upstream, out)
	}
	return logProbVJP(e, e.k64, x, upstream, out)
}

func logProbVJP[T tensor.Float](e *elementwise, k kernel[T], x, upstream Value, out []int) (*Gradient, error) {
	c := getCall[T]()
	defer c.release()
	if err := c.planValue(e, x, out); err != nil {
		return nil, fmt.Errorf("%s: %w", e.family, err)
	}
	a := &c.args
	a.grad = make([][]float64, len(a.in))
	if !tensor.IsNil(upstream) {
		if upstream.Dtype() != e.dtype {
			return nil, fmt.Errorf("%s: upstream has dtype %v, distribution %v: %w", e.family, upstream.Dtype(), e.dtype, ErrDType)
		}
		w, err := tensor.BroadcastTo[T](upstream, out)
		if err != nil {
			return nil, fmt.Errorf("%s: upstream: %w", e.family, err)
		}
		a.w, _ = tensor.Floats[T](w)
	}
	g := &Gradient{Params: make(map[string]*tensor.Dense, len(e.params))}
	wide := tensor.DtypeOf[T]() == tensor.Float64
	for i := range a.in {
		var v Value = x
		if i > 0 {
			v = e.params[i-1]
		}
		n := shape.Size(v.Shape())
		if wide { // float64: the accumulator becomes the result
			a.grad[i] = make([]float64, n)
		} else { // float32: a pooled accumulator, rounded into the result
			a.grad[i] = getAccumulator(n)
		}
	}
	k(a)
	g.LogProb = a.sum
	for i, acc := range a.grad {
		var v Value = x
		if i > 0 {
			v = e.params[i-1]
		}
		var d *tensor.Dense
		if wide {
			d, _ = tensor.New(acc, tensor.ShapeOf(v)...)
		} else {
			var data []T
			d, data = tensor.Alloc[T](tensor.ShapeOf(v))
			for j, s := range acc {
				data[j] = T(s)
			}
			putAccumulator(acc)
		}
		if i == 0 {
			g.Value = d
		} else {
			g.Params[e.names[i-1]] = d
		}
	}
	return g, nil
}

// accumulators pools the float64 gradient accumulators of float32 calls,
// which are rounded into the results and dropped: a call then allocates
// its results only, as a float64 call does.
var accumulators sync.Pool

// getAccumulator returns n zeros; putAccumulator gives them back.
func getAccumulator(n int) []float64 {
	if p, ok := accumulators.Get().(*[]float64); ok && cap(*p) >= n {
		acc := (*p)[:n]
		clear(acc)
		return acc
	}
	return make([]float64, n)
}

func putAccumulator(acc []float64) { accumulators.Put(&acc) }
