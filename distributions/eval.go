package distributions

import (
	"fmt"
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// paramData returns the parameters as []T with their shapes.
func paramData[T tensor.Float](e *elementwise) ([][]T, [][]int) {
	data := make([][]T, len(e.params))
	for i, p := range e.params {
		data[i], _ = tensor.Floats[T](p) // dtypes were checked at construction
	}
	return data, e.pshapes
}

// stat returns f of the parameters at every batch element: the moments and
// the entropy of scalar families. f gets the parameters in names' order.
func (e *elementwise) stat(f func(p []float64) float64) *tensor.Dense {
	if e.dtype == tensor.Float32 {
		return stat[float32](e, f)
	}
	return stat[float64](e, f)
}

// moment is stat for the moment and entropy methods, which cannot fail for
// a scalar family.
func (e *elementwise) moment(f func(p []float64) float64) (*tensor.Dense, error) {
	return e.stat(f), nil
}

func stat[T tensor.Float](e *elementwise, f func(p []float64) float64) *tensor.Dense {
	in, shapes := paramData[T](e)
	p, _ := shape.NewPlan(e.batch, shapes...) // the batch is their broadcast
	res, dst := tensor.Alloc[T](e.batch)
	args := make([]float64, len(in))
	for r := range p.Runs() {
		for i := range r.N {
			for k, d := range in {
				args[k] = float64(d[r.Off[k+1]+i*r.Step[k+1]])
			}
			dst[r.Off[0]+i] = T(f(args))
		}
	}
	return res
}

// pointwise returns f(x, parameters) shaped broadcast(x, BatchShape()): the
// CDF and the ICDF of scalar families. When validating, x must lie in the
// support, or in [0, 1] when inUnit (ICDF's argument is a probability).
func (e *elementwise) pointwise(x Value, name string, inUnit bool, f func(x float64, p []float64) float64) (*tensor.Dense, error) {
	if tensor.IsNil(x) || x.Dtype() != e.dtype {
		return nil, fmt.Errorf("%s: %s needs a %v value: %w", e.family, name, e.dtype, ErrDType)
	}
	out, err := shape.CheckValue(tensor.ShapeOf(x), e.batch, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", e.family, err)
	}
	if e.validate {
		if inUnit {
			err = check(e.family, "value", "in [0, 1]", x, ErrSupport, isUnit)
		} else {
			err = e.checkSupport(x, out)
		}
		if err != nil {
			return nil, err
		}
	}
	if e.dtype == tensor.Float32 {
		return pointwise[float32](e, x, out, f)
	}
	return pointwise[float64](e, x, out, f)
}

func pointwise[T tensor.Float](e *elementwise, x Value, out []int, f func(x float64, p []float64) float64) (*tensor.Dense, error) {
	c := getCall[T]()
	defer c.release()
	if err := c.planValue(e, x, out); err != nil {
		return nil, fmt.Errorf("%s: %w", e.family, err)
	}
	in, p := c.in, c.args.p
	res, dst := tensor.Alloc[T](out)
	args := make([]float64, len(in)-1)
	for r := range p.Runs() {
		for i := range r.N {
			for k := range args {
				args[k] = float64(in[k+1][r.Off[k+2]+i*r.Step[k+2]])
			}
			dst[r.Off[0]+i] = T(f(float64(in[0][r.Off[1]+i*r.Step[1]]), args))
		}
	}
	return res, nil
}

// draw returns a new array of shape sampleShape + BatchShape(), filled block
// by block: fn gets the block's generator, a run of the plan whose operands
// are (out, parameters...) and the parameters' data, and fills
// dst[run.Off[0]:][:run.N]. The draws depend on src's state and the block
// layout only, never on GOMAXPROCS. Called through SampleInto (src is an
// *intoSource), it fills and returns the caller's array instead.
func draw[T tensor.Float](e *elementwise, src rand.Source, sampleShape []int, fn func(r *rand.Rand, run shape.Run, dst []T, in [][]T)) (*tensor.Dense, error) {
	if err := shape.Check(sampleShape); err != nil {
		return nil, fmt.Errorf("%s: sample shape: %w", e.family, err)
	}
	streams, err := tensor.NewStreams(src)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", e.family, err)
	}
	var buf [8]int
	out := drawShape(buf[:0], sampleShape, e.batch)
	c := getCall[T]()
	defer c.release()
	if err := c.planDraw(e, out); err != nil {
		return nil, fmt.Errorf("%s: %w", e.family, err)
	}
	res, dst := drawTarget[T](e, src, sampleShape, out)
	fill(c, streams, dst, fn)
	return res, nil
}

// drawRng is draw for samplers that take the block's generator as a
// *tensor.Rng, whose draws inline (no rand.Source interface call per
// word); the same streams, so a uniform is the same as from draw's
// *rand.Rand.
func drawRng[T tensor.Float](e *elementwise, src rand.Source, sampleShape []int, fn func(r *tensor.Rng, run shape.Run, dst []T, in [][]T)) (*tensor.Dense, error) {
	if err := shape.Check(sampleShape); err != nil {
		return nil, fmt.Errorf("%s: sample shape: %w", e.family, err)
	}
	streams, err := tensor.NewStreams(src)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", e.family, err)
	}
	var buf [8]int
	out := drawShape(buf[:0], sampleShape, e.batch)
	c := getCall[T]()
	defer c.release()
	if err := c.planDraw(e, out); err != nil {
		return nil, fmt.Errorf("%s: %w", e.family, err)
	}
	res, dst := drawTarget[T](e, src, sampleShape, out)
	fillRng(c, streams, dst, fn)
	return res, nil
}

// drawShape is sampleShape + batch, in buf when it has room (a draw's
// shape is copied by what keeps it), batch itself without a sample shape.
func drawShape(buf, sampleShape, batch []int) []int {
	if len(sampleShape) == 0 {
		return batch
	}
	return append(append(buf, sampleShape...), batch...)
}

// drawTarget returns the array draw fills, of shape out = sampleShape +
// batch: SampleInto's destination when src carries one of that shape
// (taken, so that a second draw of the same call allocates), else a new
// array.
func drawTarget[T tensor.Float](e *elementwise, src rand.Source, sampleShape, out []int) (*tensor.Dense, []T) {
	if in, ok := src.(*intoSource); ok && in.dst != nil {
		shp, k := in.dst.Shape(), len(sampleShape)
		if len(shp) == k+len(e.batch) && shape.Equal(shp[:k], sampleShape) && shape.Equal(shp[k:], e.batch) {
			if data, err := tensor.Floats[T](in.dst); err == nil {
				res := in.dst
				in.dst = nil
				return res, data
			}
		}
	}
	return tensor.Alloc[T](out)
}

// fill runs fn over c's plan block by block, each block with its own
// stream of s: on the calling goroutine with c's one generator reseeded per
// block, or through tensor.ForBlocks when the work is parallel.
func fill[T tensor.Float](c *call[T], s tensor.Streams, dst []T, fn func(r *rand.Rand, run shape.Run, dst []T, in [][]T)) {
	n, p, in := c.args.p.Size(), c.args.p, c.in
	if !tensor.Parallel(n) {
		for b := 0; b*tensor.Block < n; b++ {
			s.Reseed(b, &c.pcg)
			for run := range p.RunsIn(b*tensor.Block, min(n, (b+1)*tensor.Block)) {
				fn(c.rng, run, dst, in)
			}
		}
		return
	}
	tensor.ForBlocks(n, func(b, lo, hi int) {
		r := s.Block(b)
		for run := range p.RunsIn(lo, hi) {
			fn(r, run, dst, in)
		}
	})
}

// fillRng is fill for drawRng: c's PCG viewed as a tensor.Rng on the
// calling goroutine, a new one per block when the work is parallel.
func fillRng[T tensor.Float](c *call[T], s tensor.Streams, dst []T, fn func(r *tensor.Rng, run shape.Run, dst []T, in [][]T)) {
	n, p, in := c.args.p.Size(), c.args.p, c.in
	if !tensor.Parallel(n) {
		g := tensor.AsRng(&c.pcg)
		for b := 0; b*tensor.Block < n; b++ {
			s.ReseedRng(b, g)
			for run := range p.RunsIn(b*tensor.Block, min(n, (b+1)*tensor.Block)) {
				fn(g, run, dst, in)
			}
		}
		return
	}
	tensor.ForBlocks(n, func(b, lo, hi int) {
		g := s.Rng(b)
		for run := range p.RunsIn(lo, hi) {
			fn(g, run, dst, in)
		}
	})
}
