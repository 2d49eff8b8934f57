package distributions

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	gt "gorgonia.org/tensor"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Dirichlet is a batch of Dirichlet distributions on the simplex
// {x ∈ [0, 1]^K : Σx = 1}, one per row of Concentration (α, shaped
// B + (K,)); the batch shape is α's shape without K, the event shape (K,).
// With S = Σα and A(α) = log Γ(S) − Σ log Γ(α_i), the log normaliser
// (torch.distributions.Dirichlet):
//
//	log p(x) = Σ_i (α_i−1)·log x_i + A(α)
//	∂/∂x_i = (α_i−1)/x_i      ∂/∂α_i = log x_i + ψ(S) − ψ(α_i)
//
// with 0·log 0 = 0 (torch's xlogy), so that the density on a face of the
// simplex is its limit: finite where every α_i with x_i = 0 is 1, +Inf or
// −Inf otherwise (torch 1.13 gives NaN there). A coordinate outside [0, 1]
// (validation off) scores −Inf; the sum Σx is not checked then, as torch
// evaluates the formula on the coordinates given.
//
// Dirichlet is reparameterised: x = g/Σg with g_i ~ Gamma(α_i, 1). Its
// pathwise gradient (RSampleVJP) is the implicit one of Jankowiak and
// Obermeyer ("Pathwise derivatives beyond the reparameterization trick",
// ICML 2018), torch's _Dirichlet_backward: x_i ~ Beta(α_i, S−α_i) is
// independent of the proportions of the others, so raising α_i moves x
// along e_i − x at the rate of the Beta marginal's implicit gradient.
//
// Values, samples and results have α's dtype; the arithmetic is float64,
// but for LogProb's logs of float32 values, the float32 kernel's (within an
// ulp: log p within 2^-23·Σ|(α_i−1)·log x_i| of the float64 path's plus
// its own rounding).
type Dirichlet struct {
	conc     *tensor.Dense // pbatch + (K,), as given
	norm     *dirichletNorm
	pbatch   []int // α's batch shape
	batch    []int // pbatch, or larger after Expand
	k        int
	dtype    gt.Dtype
	validate bool
	memo     *dirichletMemo
}

// dirichletMemo keeps the last plan of LogProb (keyed by its shapes, so an
// Expand copy may share it).
type dirichletMemo struct{ lp planMemo }

// dirichletNorm holds, per row of α, S = Σα and A(α), computed on first
// need (sampling needs neither) and shared by expanded copies.
type dirichletNorm struct {
	once       sync.Once
	total, lnA []float64
}

const dirichletFamily = "dirichlet"

// NewDirichlet returns the Dirichlet distributions whose concentrations are
// the rows (the last dim) of concentration, of a floating dtype. A scalar
// concentration or K = 0 is ErrShape (torch: "at least one-dimensional");
// when validating, every entry is > 0 (ErrParam naming its index).
func NewDirichlet(concentration *tensor.Dense, opts ...Option) (*Dirichlet, error) {
	cfg := newConfig(opts)
	if tensor.IsNil(concentration) {
		return nil, fmt.Errorf("%s: concentration is nil: %w", dirichletFamily, ErrParam)
	}
	if !tensor.IsFloat(concentration.Dtype()) {
		return nil, fmt.Errorf("%s: concentration has dtype %v, want float64 or float32: %w", dirichletFamily, concentration.Dtype(), ErrDType)
	}
	s := tensor.ShapeOf(concentration)
	if len(s) == 0 || s[len(s)-1] == 0 {
		return nil, fmt.Errorf("%s: concentration must have a last dim of size >= 1 (the event), got shape %s: %w", dirichletFamily, shape.Format(s), ErrShape)
	}
	if cfg.validate {
		if err := check(dirichletFamily, "concentration", "> 0", concentration, ErrParam, isPositive); err != nil {
			return nil, err
		}
	}
	pb := s[:len(s)-1]
	return &Dirichlet{
		conc: concentration, norm: &dirichletNorm{}, pbatch: shape.Clone(pb), batch: shape.Clone(pb),
		k: s[len(s)-1], dtype: concentration.Dtype(), validate: cfg.validate, memo: new(dirichletMemo),
	}, nil
}

// rows returns S and A(α) of every row of α, computing them once.
func (d *Dirichlet) rows() (total, lnA []float64) {
	n := d.norm
	n.once.Do(func() {
		a, _ := tensor.Float64s(d.conc) // the dtype was checked
		k, rows := d.k, len(a)/d.k
		n.total, n.lnA = make([]float64, rows), make([]float64, rows)
		tensor.ForBlocks(rows, func(_, lo, hi int) {
			for r := lo; r < hi; r++ {
				var s, lg float64
				for _, v := range a[r*k : (r+1)*k] {
					s += v
					lg += tensor.Lgamma(v)
				}
				n.total[r], n.lnA[r] = s, tensor.Lgamma(s)-lg
			}
		})
	})
	return n.total, n.lnA
}

// Expand returns the distributions broadcast to the batch shape batch,
// sharing the concentration and its row sums.
func (d *Dirichlet) Expand(batch []int) (Distribution, error) {
	if err := shape.CheckExpand(d.batch, batch); err != nil {
		return nil, fmt.Errorf("%s: %w", dirichletFamily, err)
	}
	c := *d
	c.batch = shape.Clone(batch)
	return &c, nil
}

// BatchShape is the concentration's shape without its last dim, or the
// shape given to Expand.
func (d *Dirichlet) BatchShape() []int { return shape.Clone(d.batch) }

// EventShape is (K,).
func (d *Dirichlet) EventShape() []int { return []int{d.k} }

// Dtype is the concentration's dtype.
func (d *Dirichlet) Dtype() gt.Dtype { return d.dtype }

// Validating reports whether parameters were and values are validated.
func (d *Dirichlet) Validating() bool { return d.validate }

// Concentration is α, as given.
func (d *Dirichlet) Concentration() *tensor.Dense { return d.conc }

// Params returns the concentration, as given.
func (d *Dirichlet) Params() map[string]*tensor.Dense {
	return map[string]*tensor.Dense{"concentration": d.conc}
}

// prepare checks x (dtype; trailing dim K and a batch that broadcasts;
// when validating, a point of the simplex) and returns LogProb's shape.
func (d *Dirichlet) prepare(x Value) ([]int, error) {
	return simplexPrepare(dirichletFamily, x, d.dtype, d.batch, d.k, d.validate)
}

// simplexPrepare is the value check of the simplex families (Dirichlet,
// RelaxedOneHotCategorical): dtype, event (K,), batch, and when validating
// torch's simplex constraint.
func simplexPrepare(family string, x Value, dt gt.Dtype, batch []int, k int, validate bool) ([]int, error) {
	out, err := valueShape(family, x, dt, batch, []int{k})
	if err != nil {
		return nil, err
	}
	if validate {
		if err := checkSimplexValue(family, x, k); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// checkSimplexValue is torch's simplex constraint on each last-dim row of
// x: every entry >= 0 (not NaN) and |Σx − 1| < 1e-6. The error names the
// first entry below 0, or the row whose sum is off.
func checkSimplexValue(family string, x Value, k int) error {
	data, err := tensor.Float64s(x)
	if err != nil {
		return fmt.Errorf("%s: value: %w", family, err)
	}
	xs := tensor.ShapeOf(x)
	for r := range len(data) / k {
		var sum float64
		for j, v := range data[r*k : (r+1)*k] {
			if !(v >= 0) {
				return &ConstraintError{Family: family, Name: "value", Rule: "on the simplex (every entry >= 0)", Got: v, Index: unravel(r*k+j, xs), Err: ErrSupport}
			}
			sum += v
		}
		if !(math.Abs(sum-1) < 1e-6) {
			return &ConstraintError{Family: family, Name: "value", Rule: "on the simplex (|Σx - 1| < 1e-6 over the last dim)", Got: sum, Index: unravel(r, xs[:len(xs)-1]), Err: ErrSupport}
		}
	}
	return nil
}

// LogProb returns log p(x), shaped broadcast(x.Shape()[:-1], BatchShape());
// x ends in K. When validating, x off the simplex is ErrSupport.
func (d *Dirichlet) LogProb(x Value) (*tensor.Dense, error) {
	out, err := d.prepare(x)
	if err != nil {
		return nil, err
	}
	f32, f64 := d.logProbKernels(x, out)
	return allocLogProb(d.dtype, out, f32, f64)
}

// LogProbInto writes log p(x) into dst, which must have LogProb's shape and
// the distribution's dtype.
func (d *Dirichlet) LogProbInto(dst *tensor.Dense, x Value) error {
	out, err := d.prepare(x)
	if err != nil {
		return err
	}
	f32, f64 := d.logProbKernels(x, out)
	return fillLogProb(dirichletFamily, d.dtype, dst, out, f32, f64)
}

// logProbKernels are dirichletLogProbInto for x and LogProb's
// shape out, in both dtypes.
func (d *Dirichlet) logProbKernels(x Value, out []int) (func([]float32) error, func([]float64) error) {
	return func(dst []float32) error { dirichletLogProbInto(d, dst, x, out); return nil },
		func(dst []float64) error { dirichletLogProbInto(d, dst, x, out); return nil }
}

// dirichletEvent is log p of one event: x and α rows, A(α) given; the
// terms are XLogY(α_i−1, x_i), (α_i−1)·log x_i or 0 at α_i = 1, added in
// order. ok is false when x leaves [0, 1]^K (−Inf) or holds a NaN (NaN):
// no slope there. When lx is not nil it also gets log x_i (when ok), which
// LogProbVJP's ∂/∂α_i needs: one logarithm a coordinate serves both.
func dirichletEvent[T tensor.Float](x, a []T, lnA float64, lx []float64) (lp float64, ok bool) {
	lp = lnA
	ok = true
	for i, xv := range x {
		v := float64(xv)
		switch {
		case v != v:
			return v, false
		case !(v >= 0 && v <= 1):
			ok = false
		case ok:
			var t float64 // XLogY(α_i−1, x_i); x_i is not NaN here
			am1 := float64(a[i]) - 1
			if am1 != 0 || lx != nil {
				l := tensor.Log(v)
				if lx != nil {
					lx[i] = l
				}
				if am1 != 0 {
					t = am1 * l
				}
			}
			lp += t
		}
	}
	if !ok {
		return math.Inf(-1), false
	}
	return lp, true
}

// dirichletLogProbInto writes log p(x) into dst of shape out, a block of
// events at a time (dirichletValues: vector logs, A(α) kept per row); the
// plan's operands are (out, x's batch, α's batch).
func dirichletLogProbInto[T tensor.Float](d *Dirichlet, dst []T, x Value, out []int) {
	_, lnA := d.rows()
	xs := x.Shape()
	p, _ := d.memo.lp.plan(out, xs[:len(xs)-1], d.pbatch) // prepare checked the shapes
	xd, _ := tensor.Floats[T](x)
	a, _ := tensor.Floats[T](d.conc)
	tensor.ForBlocks(p.Size(), func(_, lo, hi int) {
		scr := getScratch[T]()
		for r := range p.RunsIn(lo, hi) {
			dirichletValues(dst, xd, a, lnA, d.k, r, scr)
		}
		putScratch(scr)
	})
}

// LogProbGrad returns Σ log p(x) and its gradient with respect to x and
// the concentration, each shaped like its operand.
func (d *Dirichlet) LogProbGrad(x Value) (*Gradient, error) { return d.LogProbVJP(x, nil) }

// LogProbVJP is LogProbGrad with each element of log_prob weighted by
// upstream, which must broadcast to LogProb's shape (nil means ones). An
// element of weight 0 contributes exactly nothing; an event off [0, 1]^K
// (validation off) contributes its −Inf or NaN to LogProb and nothing to
// the gradient.
func (d *Dirichlet) LogProbVJP(x, upstream Value) (*Gradient, error) {
	out, err := d.prepare(x)
	if err != nil {
		return nil, err
	}
	if d.dtype == tensor.Float32 {
		return dirichletVJP[float32](d, x, upstream, out)
	}
	return dirichletVJP[float64](d, x, upstream, out)
}

// simplexWeights returns upstream broadcast to out as []T, or nil for
// ones: the VJP weights of the vector families.
func simplexWeights[T tensor.Float](family string, upstream Value, out []int) ([]T, error) {
	if tensor.IsNil(upstream) {
		return nil, nil
	}
	if want := tensor.DtypeOf[T](); upstream.Dtype() != want {
		return nil, fmt.Errorf("%s: upstream has dtype %v, distribution %v: %w", family, upstream.Dtype(), want, ErrDType)
	}
	w, err := tensor.BroadcastTo[T](upstream, out)
	if err != nil {
		return nil, fmt.Errorf("%s: upstream: %w", family, err)
	}
	return tensor.Floats[T](w)
}

// simplexResult returns a float64 accumulator as an array of dtype T and
// shape s (the accumulator itself for float64).
func simplexResult[T tensor.Float](a []float64, s []int) *tensor.Dense {
	if tensor.DtypeOf[T]() == tensor.Float64 {
		if t, err := tensor.New(a, s...); err == nil {
			return t
		}
	}
	return fromFloat64s[T](a, s)
}

// dirichletVJP is one serial pass over the events: Σ w·log p, w·(α_i−1)/x_i
// into x's gradient and w·log x_i into α's, with w·(ψ(S) − ψ(α_i)) added
// once per row from the row's total weight.
func dirichletVJP[T tensor.Float](d *Dirichlet, x, upstream Value, out []int) (*Gradient, error) {
	w, err := simplexWeights[T](dirichletFamily, upstream, out)
	if err != nil {
		return nil, err
	}
	total, lnA := d.rows()
	xs := tensor.ShapeOf(x)
	p, _ := shape.NewPlan(out, xs[:len(xs)-1], d.pbatch)
	xd, _ := tensor.Floats[T](x)
	a, _ := tensor.Floats[T](d.conc)
	k := d.k
	gx, ga := make([]float64, len(xd)), make([]float64, len(a))
	wrow := make([]float64, len(total))
	lx := make([]float64, k) // an event's log x
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
			xr, ar := xd[xo*k:][:k], a[row*k:][:k]
			lp, ok := dirichletEvent(xr, ar, lnA[row], lx)
			sum += wi * lp
			if !ok {
				continue
			}
			wrow[row] += wi
			gxr, gar := gx[xo*k:][:k], ga[row*k:][:k]
			for j, xv := range xr {
				v, am1 := float64(xv), float64(ar[j])-1
				if am1 != 0 {
					gxr[j] += wi * am1 / v
				}
				gar[j] += wi * lx[j]
			}
		}
	}
	for row, wr := range wrow {
		if wr == 0 {
			continue
		}
		psiS := tensor.Digamma(total[row])
		for j, av := range a[row*k : (row+1)*k] {
			ga[row*k+j] += wr * (psiS - tensor.Digamma(float64(av)))
		}
	}
	return &Gradient{
		LogProb: sum,
		Value:   simplexResult[T](gx, xs),
		Params:  map[string]*tensor.Dense{"concentration": simplexResult[T](ga, tensor.ShapeOf(d.conc))},
	}, nil
}

// RSample draws sampleShape + BatchShape() + (K,) points g/Σg, g_i ~
// Gamma(α_i, 1) (standardGamma, K draws per event in order; see
// dirichletDraw for the normalisation, which keeps rows of tiny
// concentrations, whose gamma draws underflow, on the simplex). The draws
// depend on src and the shapes only, never on GOMAXPROCS. The pathwise
// gradient is RSampleVJP.
func (d *Dirichlet) RSample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	if d.dtype == tensor.Float32 {
		return dirichletSample[float32](d, src, sampleShape)
	}
	return dirichletSample[float64](d, src, sampleShape)
}

// Sample is RSample for Dirichlet.
func (d *Dirichlet) Sample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	return d.RSample(src, sampleShape...)
}

func dirichletSample[T tensor.Float](d *Dirichlet, src rand.Source, sampleShape []int) (*tensor.Dense, error) {
	if err := shape.Check(sampleShape); err != nil {
		return nil, fmt.Errorf("%s: sample shape: %w", dirichletFamily, err)
	}
	streams, err := tensor.NewStreams(src)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dirichletFamily, err)
	}
	events := shape.Concat(sampleShape, d.batch)
	p, err := shape.NewPlan(events, d.pbatch)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dirichletFamily, err)
	}
	k := d.k
	res, dst := tensor.Alloc[T](shape.Concat(events, []int{k}))
	a, _ := tensor.Floats[T](d.conc)
	tensor.ForBlocks(p.Size(), func(b, lo, hi int) {
		rng := streams.Block(b)
		g, isLog := make([]float64, k), make([]bool, k)
		for r := range p.RunsIn(lo, hi) {
			for i := range r.N {
				dirichletDraw(rng, a[(r.Off[1]+i*r.Step[1])*k:][:k], dst[(r.Off[0]+i)*k:][:k], g, isLog)
			}
		}
	})
	return res, nil
}

// dirichletDraw writes one point g/Σg of Dirichlet(a) into row, from K
// standardGamma draws in order (g and isLog are scratch of size K). A
// coordinate with 0 < α < 1, whose draw may underflow (α = 1e-3 gives 0
// half the time), is drawn as its log (betaLogStdGamma, the same use of
// the stream); the others as plain gammas. The row is normalised linearly
// unless a log lies below −700 or the sum is not positive and finite
// (α near the float64 limits), and then in log space, softmax of the logs.
func dirichletDraw[T tensor.Float](r *rand.Rand, a, row []T, g []float64, isLog []bool) {
	tiny := false
	for j, av := range a {
		v := float64(av)
		if isLog[j] = v > 0 && v < 1; isLog[j] {
			g[j] = betaLogStdGamma(r, v)
			tiny = tiny || g[j] < -700
		} else {
			g[j] = standardGamma(r, v)
		}
	}
	if !tiny {
		var s float64
		for j, v := range g {
			if isLog[j] {
				v = math.Exp(v)
			}
			s += v
		}
		if s > 0 && s <= math.MaxFloat64 {
			for j, v := range g {
				if isLog[j] {
					v = math.Exp(v)
				}
				row[j] = T(v / s)
			}
			return
		}
	}
	m := math.Inf(-1)
	for j, v := range g {
		if !isLog[j] {
			g[j] = tensor.Log(v)
		}
		m = max(m, g[j])
	}
	var s float64
	for j, v := range g {
		g[j] = math.Exp(v - m)
		s += g[j]
	}
	for j, v := range g {
		row[j] = T(v / s)
	}
}

// perRow returns f of each row of α (writing K values), as an array of
// shape pbatch + (K,), broadcast to BatchShape() + (K,).
func (d *Dirichlet) perRow(f func(row int, a, total float64, others []float64, dst []float64)) (*tensor.Dense, error) {
	a, _ := tensor.Float64s(d.conc)
	total, _ := d.rows()
	k := d.k
	out := make([]float64, len(a))
	others := make([]float64, k)
	for r := range total {
		ar := a[r*k : (r+1)*k]
		dirichletOthers(ar, others)
		dst := out[r*k : (r+1)*k]
		for i, v := range ar {
			f(i, v, total[r], others, dst)
		}
	}
	return simplexBroadcast(d.dtype, out, shape.Concat(d.pbatch, []int{k}), shape.Concat(d.batch, []int{k}))
}

// simplexBroadcast returns a float64 result computed at shape from as an
// array of dtype dt broadcast to shape to.
func simplexBroadcast(dt gt.Dtype, v []float64, from, to []int) (*tensor.Dense, error) {
	if dt == tensor.Float32 {
		t := fromFloat64s[float32](v, from)
		if shape.Equal(from, to) {
			return t, nil
		}
		return tensor.BroadcastTo[float32](t, to)
	}
	t, err := tensor.New(v, from...)
	if err != nil || shape.Equal(from, to) {
		return t, err
	}
	return tensor.BroadcastTo[float64](t, to)
}

// Mean is α/S, shaped BatchShape() + (K,).
func (d *Dirichlet) Mean() (*tensor.Dense, error) {
	return d.perRow(func(i int, a, s float64, _, dst []float64) { dst[i] = a / s })
}

// Variance is α_i(S−α_i)/(S²(S+1)), formed as (α_i/S)·((S−α_i)/S)/(S+1)
// with S−α_i the sum of the others, shaped BatchShape() + (K,).
func (d *Dirichlet) Variance() (*tensor.Dense, error) {
	return d.perRow(func(i int, a, s float64, others, dst []float64) { dst[i] = dirichletVariance(a, s, others[i]) })
}

// StdDev is the square root of Variance.
func (d *Dirichlet) StdDev() (*tensor.Dense, error) {
	return d.perRow(func(i int, a, s float64, others, dst []float64) {
		dst[i] = math.Sqrt(dirichletVariance(a, s, others[i]))
	})
}

func dirichletVariance(a, s, b float64) float64 { return (a / s) * (b / s) / (s + 1) }

// Mode is torch 1.13's: (α−1)₊/Σ(α−1)₊, so NaN on a row where every α_i
// ≤ 1 and one is 1 (0/0), and where every α_i < 1 (the density is
// infinite at each vertex) torch's one-hot of the argmax of that NaN row:
// the first vertex, e_0 (as Beta's Mode picks x = 1).
func (d *Dirichlet) Mode() (*tensor.Dense, error) {
	a, _ := tensor.Float64s(d.conc)
	k := d.k
	out := make([]float64, len(a))
	for r := range len(a) / k {
		ar, dst := a[r*k:(r+1)*k], out[r*k:(r+1)*k]
		allBelow := true
		var s float64
		for _, v := range ar {
			allBelow = allBelow && v < 1
			s += max(v-1, 0)
		}
		if allBelow {
			dst[0] = 1
			continue
		}
		for i, v := range ar {
			dst[i] = max(v-1, 0) / s
		}
	}
	return simplexBroadcast(d.dtype, out, tensor.ShapeOf(d.conc), shape.Concat(d.batch, []int{k}))
}

// Entropy is −A(α) + (S−K)·ψ(S) − Σ(α_i−1)·ψ(α_i), shaped BatchShape().
func (d *Dirichlet) Entropy() (*tensor.Dense, error) {
	a, _ := tensor.Float64s(d.conc)
	total, lnA := d.rows()
	k := d.k
	h := make([]float64, len(total))
	for r, s := range total {
		v := -lnA[r] + (s-float64(k))*tensor.Digamma(s)
		for _, av := range a[r*k : (r+1)*k] {
			if av != 1 {
				v -= (av - 1) * tensor.Digamma(av)
			}
		}
		h[r] = v
	}
	return simplexBroadcast(d.dtype, h, d.pbatch, d.batch)
}

// ConjugateUpdate is Pyro's Dirichlet.conjugate_update(other) for other a
// Dirichlet of the same K: the product of the densities is
// Dirichlet(α+α'−1) up to c = A(α) + A(α') − A(α+α'−1), all shaped the
// broadcast of the two batch shapes. The update is validated as d is; its
// concentrations must then be > 0.
func (d *Dirichlet) ConjugateUpdate(other Distribution) (Distribution, *tensor.Dense, error) {
	g, ok := other.(*Dirichlet)
	if !ok {
		return nil, nil, fmt.Errorf("%s: conjugate_update with %T: %w", dirichletFamily, other, ErrUnsupported)
	}
	if g.dtype != d.dtype {
		return nil, nil, fmt.Errorf("%s: conjugate_update of %v with %v: %w", dirichletFamily, d.dtype, g.dtype, ErrDType)
	}
	if g.k != d.k {
		return nil, nil, fmt.Errorf("%s: conjugate_update of event size %d with %d: %w", dirichletFamily, d.k, g.k, ErrShape)
	}
	batch, err := shape.Broadcast(d.batch, g.batch)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: conjugate_update: %w", dirichletFamily, err)
	}
	full := shape.Concat(batch, []int{d.k})
	fa, err := tensor.BroadcastTo[float64](dirichletWiden(d.conc), full)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: conjugate_update: %w", dirichletFamily, err)
	}
	ga, err := tensor.BroadcastTo[float64](dirichletWiden(g.conc), full)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: conjugate_update: %w", dirichletFamily, err)
	}
	f64, g64 := fa.Float64s(), ga.Float64s()
	k := d.k
	u := make([]float64, len(f64))
	c := make([]float64, len(f64)/k)
	for r := range c {
		var sf, sg, su, lf, lg, lu float64
		for j := r * k; j < (r+1)*k; j++ {
			u[j] = f64[j] + g64[j] - 1
			sf, sg, su = sf+f64[j], sg+g64[j], su+u[j]
			lf, lg, lu = lf+tensor.Lgamma(f64[j]), lg+tensor.Lgamma(g64[j]), lu+tensor.Lgamma(u[j])
		}
		c[r] = (tensor.Lgamma(sf) - lf) + (tensor.Lgamma(sg) - lg) - (tensor.Lgamma(su) - lu)
	}
	ut, err := simplexBroadcast(d.dtype, u, full, full)
	if err != nil {
		return nil, nil, err
	}
	ct, err := simplexBroadcast(d.dtype, c, batch, batch)
	if err != nil {
		return nil, nil, err
	}
	fg, err := NewDirichlet(ut, WithValidation(d.validate))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: conjugate_update: %w", dirichletFamily, err)
	}
	return fg, ct, nil
}

// dirichletWiden returns v as float64 (v itself when it is).
func dirichletWiden(v *tensor.Dense) *tensor.Dense {
	if v.Dtype() == tensor.Float64 {
		return v
	}
	w, _ := tensor.Convert[float64](v)
	return w
}

// klDirichletDirichlet is torch's _kl_dirichlet_dirichlet:
//
//	KL(p ‖ q) = A(α) − A(β) + Σ_i (α_i − β_i)·(ψ(α_i) − ψ(Σα))
//
// with A the log normaliser, shaped broadcast(p's batch, q's batch); the
// event sizes must agree (ErrShape).
func klDirichletDirichlet(p, q *Dirichlet) (*tensor.Dense, error) {
	if p.dtype != q.dtype {
		return nil, fmt.Errorf("kl: dirichlet is %v, dirichlet is %v: %w", p.dtype, q.dtype, ErrDType)
	}
	if p.k != q.k {
		return nil, fmt.Errorf("kl: dirichlets of event size %d and %d: %w", p.k, q.k, ErrShape)
	}
	batch, err := shape.Broadcast(p.batch, q.batch)
	if err != nil {
		return nil, fmt.Errorf("kl: dirichlet and dirichlet: %w", err)
	}
	plan, err := shape.NewPlan(batch, p.pbatch, q.pbatch)
	if err != nil {
		return nil, fmt.Errorf("kl: %w", err)
	}
	pt, pA := p.rows()
	_, qA := q.rows()
	pa, _ := tensor.Float64s(p.conc)
	qa, _ := tensor.Float64s(q.conc)
	k := p.k
	out := make([]float64, plan.Size())
	for r := range plan.Runs() {
		for i := range r.N {
			pr, qr := r.Off[1]+i*r.Step[1], r.Off[2]+i*r.Step[2]
			v := pA[pr] - qA[qr]
			psiS := tensor.Digamma(pt[pr])
			for j := range k {
				a, b := pa[pr*k+j], qa[qr*k+j]
				v += (a - b) * (tensor.Digamma(a) - psiS)
			}
			out[r.Off[0]+i] = v
		}
	}
	return simplexBroadcast(p.dtype, out, batch, batch)
}

// String is a torch-style summary of the distribution, for logs and messages.
func (d *Dirichlet) String() string {
	return fmt.Sprintf("Dirichlet(batch_shape=%s, event_shape=(%d,))", shape.Format(d.batch), d.k)
}

// dirichletShapes is Pyro's Dirichlet.infer_shapes: batch = concentration[:-1],
// event = concentration[-1:]; a scalar concentration is ErrShape, as the
// constructor (Pyro's rule does not check).
func dirichletShapes(params map[string][]int) ([]int, []int, error) {
	for name := range params {
		if name != "concentration" {
			return nil, nil, fmt.Errorf("infer_shapes: Dirichlet has no parameter %q: %w", name, ErrParam)
		}
	}
	s, ok := params["concentration"]
	if !ok {
		return nil, nil, fmt.Errorf("infer_shapes: Dirichlet needs concentration: %w", ErrParam)
	}
	if len(s) < 1 {
		return nil, nil, fmt.Errorf("infer_shapes: Dirichlet: concentration must be at least one-dimensional: %w", ErrShape)
	}
	return shape.Clone(s[:len(s)-1]), shape.Clone(s[len(s)-1:]), nil
}

func init() {
	RegisterKL(klDirichletDirichlet)
	RegisterShapes("Dirichlet", dirichletShapes)
	Register("Dirichlet", func(s *Spec, opts ...Option) (Distribution, error) {
		if err := s.Known("concentration"); err != nil {
			return nil, err
		}
		c, ok, err := s.Tensor("concentration")
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("%s: concentration is required: %w", dirichletFamily, ErrParam)
		}
		return NewDirichlet(c, opts...)
	})
}
