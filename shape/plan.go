package shape

import (
	"iter"
	"sync/atomic"
)

// A Plan walks the output index space of an element-wise operation whose
// operands broadcast to the output, without materialising broadcast copies.
//
// Operand 0 is the output itself (contiguous, row-major); operands 1.. are
// contiguous row-major arrays of their own shapes. Dimensions of size 1 are
// dropped and neighbouring dimensions that every operand walks alike are
// coalesced, so the innermost dimension is as long as possible: a kernel
// sees the output as a sequence of Runs, each a contiguous stretch of the
// output over which every operand either advances by one (Step 1) or stays
// put (Step 0, a broadcast).
type Plan struct {
	out     []int
	size    int
	ops     int     // operand count, output included
	dims    []int   // coalesced sizes, outermost first; never empty
	strides [][]int // strides[d][k]: operand k's stride along coalesced dim d
	buf     []int   // backs out, dims, the stride rows and walk
	walk    []int   // one walk's Run slices, odometer and bases
	walking atomic.Bool
}

// A Run is one contiguous stretch of N output elements. Off[k] is operand
// k's offset at the start of the run and Step[k] (0 or 1) its stride within
// it; Off[0] is the output's offset and Step[0] is 1.
type Run struct {
	Off, Step []int
	N         int
}

// NewPlan returns the plan of an operation producing shape out from operands
// of the given shapes, each of which must broadcast to out.
func NewPlan(out []int, operands ...[]int) (*Plan, error) {
	p := new(Plan)
	if err := p.Set(out, operands...); err != nil {
		return nil, err
	}
	return p, nil
}

// Set makes p the plan of NewPlan(out, operands...), reusing p's memory: a
// caller that keeps a Plan (in a sync.Pool, say) plans without allocating.
// p must not be walking.
func (p *Plan) Set(out []int, operands ...[]int) error {
	if err := Check(out); err != nil {
		return err
	}
	for _, s := range operands {
		if !BroadcastsTo(s, out) {
			return errorf("shape: cannot broadcast %s to %s", Format(s), Format(out))
		}
	}
	ops, rank := len(operands)+1, len(out)
	// One buffer for everything the plan keeps: out's copy, the coalesced
	// sizes, a row of strides per dim and a walk's scratch (an allocation
	// costs more than the arithmetic at small sizes).
	n := rank + (rank+1)*(ops+1) + 3*ops + rank + 1
	if cap(p.buf) < n {
		p.buf = make([]int, n)
	}
	buf := p.buf[:n]
	clear(buf)
	p.out, p.size, p.ops = buf[:rank:rank], Size(out), ops
	copy(p.out, out)
	rows := buf[rank:]
	dims, rows := rows[:0:rank+1], rows[rank+1:]
	p.walk, rows = rows[len(rows)-(3*ops+rank+1):], rows[:len(rows)-(3*ops+rank+1)]
	strides := p.strides[:0]
	// stride returns operand k's row-major stride along dim d of out,
	// right-aligned; 0 where the operand broadcasts.
	stride := func(k, d int) int {
		s := out
		if k > 0 {
			s = operands[k-1]
		}
		i := d - (rank - len(s))
		if i < 0 || s[i] == 1 {
			return 0
		}
		st := 1
		for _, n := range s[i+1:] {
			st *= n
		}
		return st
	}
	for d, n := range out {
		if n == 1 {
			continue
		}
		row := rows[:ops:ops]
		for k := range row {
			row[k] = stride(k, d)
		}
		if last := len(dims) - 1; last >= 0 && coalesces(strides[last], row, n) {
			dims[last] *= n
			copy(strides[last], row)
			continue
		}
		dims = append(dims, n)
		strides = append(strides, row)
		rows = rows[ops:]
	}
	if len(dims) == 0 { // a scalar output, or one whose dims are all 1
		dims, strides = append(dims, 1), append(strides, rows[:ops:ops])
	}
	if p.size == 0 {
		dims[len(dims)-1] = 0
	}
	p.dims, p.strides = dims, strides
	return nil
}

// coalesces reports whether an outer dim with strides outer may merge with
// the inner dim of size n and strides inner, for every operand.
func coalesces(outer, inner []int, n int) bool {
	for k := range outer {
		if outer[k] != inner[k]*n {
			return false
		}
	}
	return true
}

// Size is the number of output elements.
func (p *Plan) Size() int { return p.size }

// Shape is the output shape.
func (p *Plan) Shape() []int { return p.out }

// Operands is the number of operands, the output included.
func (p *Plan) Operands() int { return p.ops }

// Inner is the length of the innermost coalesced dimension: every run is at
// most this long.
func (p *Plan) Inner() int { return p.dims[len(p.dims)-1] }

// Runs yields the runs covering the whole output, in order.
func (p *Plan) Runs() iter.Seq[Run] { return p.RunsIn(0, p.size) }

// RunsIn yields, in order, the runs covering output elements [lo, hi), so
// that disjoint ranges can be walked by different goroutines. The Run's
// slices are reused between iterations. One walk at a time uses the plan's
// own scratch; a concurrent or nested one allocates its own.
func (p *Plan) RunsIn(lo, hi int) iter.Seq[Run] {
	return func(yield func(Run) bool) {
		if lo >= hi {
			return
		}
		nd := len(p.dims)
		var buf []int
		own := p.walking.CompareAndSwap(false, true)
		if own {
			buf = p.walk[:3*p.ops+nd]
			clear(buf)
		} else {
			buf = make([]int, 3*p.ops+nd)
		}
		p.runs(lo, hi, buf, yield)
		if own {
			p.walking.Store(false)
		}
	}
}

// runs is RunsIn's walk, with its scratch buf (zeroed, 3·ops + dims long).
func (p *Plan) runs(lo, hi int, buf []int, yield func(Run) bool) {
	nd := len(p.dims)
	inner := p.dims[nd-1]
	r := Run{Off: buf[:p.ops], Step: buf[p.ops : 2*p.ops]}
	base := buf[2*p.ops : 3*p.ops] // offsets at the start of the current inner row
	idx := buf[3*p.ops:]           // odometer over the outer dims
	copy(r.Step, p.strides[nd-1])
	r.Step[0] = 1
	outer, pos := lo/inner, lo%inner
	for d := nd - 2; d >= 0; d-- {
		idx[d] = outer % p.dims[d]
		outer /= p.dims[d]
	}
	for k := range p.ops {
		for d := range nd - 1 {
			base[k] += idx[d] * p.strides[d][k]
		}
	}
	for at := lo; at < hi; {
		n := min(inner-pos, hi-at)
		for k := range p.ops {
			r.Off[k] = base[k] + pos*r.Step[k]
		}
		r.Off[0] = at
		r.N = n
		if !yield(r) {
			return
		}
		at += n
		pos = 0
		for d := nd - 2; d >= 0; d-- { // advance the odometer
			idx[d]++
			for k := range p.ops {
				base[k] += p.strides[d][k]
			}
			if idx[d] < p.dims[d] {
				break
			}
			for k := range p.ops {
				base[k] -= idx[d] * p.strides[d][k]
			}
			idx[d] = 0
		}
	}
}
