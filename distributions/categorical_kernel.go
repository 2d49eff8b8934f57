package distributions

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync/atomic"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Categorical's numerical paths. The parameter, its normalised logits and
// its normalised probs are row-major (rows, K) tables, rows = the size of
// the parameter's own batch shape; a plan whose last operand has that batch
// shape maps every output element to its row (Step 0 where Expand
// broadcast it).

// categoricalNormRow writes the normalised logits and probabilities of one
// parameter row into lg and pr, in float64.
//
// logits: with m = max ℓ (the first maximum at j*) and s = Σ_{j≠j*} e^(ℓ_j-m),
// log p_j = (ℓ_j - m) - log1p(s) and p_j = e^(ℓ_j-m)/(1+s): the same as
// ℓ - logsumexp ℓ, but log p_j* keeps its relative precision when it is
// near 0 (logsumexp rounds m + log1p(s) to m's ulp). +Inf logits share the
// row's mass; a NaN or a row of -Inf gives NaN.
//
// probs: p_j = x_j/Σx and log p_j = log(x_j/Σx), or log x_j - log Σx where
// the ratio is subnormal (so that 1e-300/1e10 keeps its digits).
func categoricalNormRow[T tensor.Float](row []T, byLogits bool, lg, pr []float64) {
	if !byLogits {
		var sum float64
		for _, x := range row {
			sum += float64(x)
		}
		for j, x := range row {
			p := float64(x) / sum
			pr[j] = p
			if p > 0 && p < 0x1p-1022 {
				lg[j] = tensor.Log(float64(x)) - tensor.Log(sum)
			} else {
				lg[j] = tensor.Log(p)
			}
		}
		return
	}
	m, top := math.Inf(-1), -1
	for j, x := range row {
		v := float64(x)
		if v != v {
			m, top = v, j
			break
		}
		if v > m || top < 0 {
			m, top = v, j
		}
	}
	switch {
	case m != m || math.IsInf(m, -1): // a NaN, or no finite mass
		for j := range row {
			lg[j], pr[j] = math.NaN(), math.NaN()
		}
		return
	case math.IsInf(m, 1):
		n := 0
		for _, x := range row {
			if math.IsInf(float64(x), 1) {
				n++
			}
		}
		l, p := -math.Log(float64(n)), 1/float64(n)
		for j, x := range row {
			lg[j], pr[j] = math.Inf(-1), 0
			if math.IsInf(float64(x), 1) {
				lg[j], pr[j] = l, p
			}
		}
		return
	}
	var s float64
	for j, x := range row {
		e := math.Exp(float64(x) - m)
		pr[j] = e
		if j != top {
			s += e
		}
	}
	ls, z := math.Log1p(s), 1+s
	for j, x := range row {
		lg[j] = (float64(x) - m) - ls
		pr[j] /= z
	}
}

// categoricalTables returns the normalised logits and probs of param, a
// (…, K) array of dtype T, computed in float64 and rounded once.
func categoricalTables[T tensor.Float](param *tensor.Dense, k int, byLogits bool) (logits, probs *tensor.Dense) {
	src, _ := tensor.Floats[T](param) // the dtype was checked
	s := tensor.ShapeOf(param)
	logits, lg := tensor.Alloc[T](s)
	probs, pr := tensor.Alloc[T](s)
	rows := len(src) / k
	tensor.ForBlocks(rows, func(_, lo, hi int) {
		l64, p64 := make([]float64, k), make([]float64, k)
		for r := lo; r < hi; r++ {
			categoricalNormRow(src[r*k:(r+1)*k], byLogits, l64, p64)
			dl, dp := lg[r*k:(r+1)*k], pr[r*k:(r+1)*k]
			for j := range dl {
				dl[j], dp[j] = T(l64[j]), T(p64[j])
			}
		}
	})
	return logits, probs
}

// categoricalOff is log p of a value that is not an index in [0, K): -Inf
// for an integer, NaN for anything else (a fraction, NaN, ±Inf).
func categoricalOff(v float64) float64 {
	if v == math.Trunc(v) && !math.IsInf(v, 0) {
		return math.Inf(-1)
	}
	return math.NaN()
}

// categoricalIndex returns v as an index in [0, K), or -1.
func categoricalIndex(v float64, k int) int { return categoricalIndexOf(v, k) }

// categoricalIndexOf is categoricalIndex in v's own type: int(v) straight
// from a float32, not through float64 (amd64's float32-to-float64
// conversion merges into its destination register, which chained the
// gather's iterations on its latency).
func categoricalIndexOf[X ~int64 | ~float32 | ~float64](v X, k int) int {
	// int(v) of NaN, ±Inf or |v| >= 2^63 is some int that fails one test
	if j := int(v); uint(j) < uint(k) && X(j) == v {
		return j
	}
	return -1
}

// categoricalLogProbInto writes log p(x) into dst, of shape out: the
// transposed logits for this distribution's own support, else a gather.
func categoricalLogProbInto[T tensor.Float](d *Categorical, dst []T, x Value, out []int, fast bool) {
	lg, _ := tensor.Floats[T](d.logits)
	if fast {
		nb := shape.Size(d.batch)
		p, _ := shape.NewPlan(d.batch, d.pbatch) // pbatch broadcasts to batch (Expand checked it)
		tensor.ForBlocks(nb, func(_, lo, hi int) {
			categoricalTranspose(dst, lg, d.k, nb, p, lo, hi)
		})
		return
	}
	p := d.valuePlan(x, out)
	if x.Dtype() == tensor.Int64 {
		xs := int64Data(x)
		tensor.ForBlocks(p.Size(), func(_, lo, hi int) { categoricalGather(dst, xs, lg, d.k, p, lo, hi) })
		return
	}
	xs, _ := tensor.Floats[T](x)
	tensor.ForBlocks(p.Size(), func(_, lo, hi int) { categoricalGather(dst, xs, lg, d.k, p, lo, hi) })
}

// categoricalCumulative returns the running sums c_j of every row of
// probs, d's own table in its dtype, computed on the first call and kept:
// a parameter-only table, like torch's lazy properties.
func categoricalCumulative[T tensor.Float](d *Categorical, probs []T) []float64 {
	c := d.plans
	c.cumOnce.Do(func() {
		k, rows := d.k, len(probs)/d.k
		cum := make([]float64, rows*k)
		tensor.ForBlocks(rows, func(_, lo, hi int) {
			for r := lo; r < hi; r++ {
				var c float64
				for j, v := range probs[r*k : (r+1)*k] {
					c += float64(v)
					cum[r*k+j] = c
				}
			}
		})
		c.cum = cum
	})
	return c.cum
}

// valuePlan returns the plan (out, x, parameter rows) of a value of shape
// out, which prepare checked; the distribution keeps the last shapes'.
func (d *Categorical) valuePlan(x Value, out []int) *shape.Plan {
	p, _ := d.plans.value.plan(out, x.Shape(), d.pbatch)
	return p
}

// categoricalGather writes out[o] = lg[row·K + x] over output elements
// [lo, hi) of plan p, whose operands are (out, x, parameter batch).
func categoricalGather[T tensor.Float, X ~int64 | ~float32 | ~float64](dst []T, xs []X, lg []T, k int, p *shape.Plan, lo, hi int) {
	for r := range p.RunsIn(lo, hi) {
		o, ox, or, sx, sr := r.Off[0], r.Off[1], r.Off[2], r.Step[1], r.Step[2]
		out := dst[o : o+r.N]
		if sx == 1 && sr == 1 { // value and rows walk together: torch's benchmark layout
			categoricalGatherRows(out, xs[ox:ox+len(out)], lg[or*k:(or+len(out))*k], k)
			continue
		}
		for i := range out {
			v := xs[ox+i*sx]
			if j := categoricalIndexOf(v, k); j >= 0 {
				out[i] = lg[(or+i*sr)*k+j]
			} else {
				out[i] = T(categoricalOff(float64(v)))
			}
		}
	}
}

// categoricalGatherRows writes out[i] = rows[i·K + xr[i]] in a lean loop,
// where a value that is not an index reads column 0, then, only if there
// was one, scores those values in a second pass: fewer instructions per
// element in the loop that, at 1e6 rows, waits on the table's cache misses.
func categoricalGatherRows[T tensor.Float, X ~int64 | ~float32 | ~float64](out []T, xr []X, rows []T, k int) {
	bad := false
	for i, v := range xr {
		j := int(v)
		if uint(j) >= uint(k) || X(j) != v { // categoricalIndexOf's test
			j, bad = 0, true
		}
		out[i] = rows[i*k+j]
	}
	if !bad {
		return
	}
	for i, v := range xr {
		if categoricalIndexOf(v, k) < 0 {
			out[i] = T(categoricalOff(float64(v)))
		}
	}
}

// categoricalTranspose writes dst[j·nb + b] = lg[row(b)·K + j] for the
// batch elements b in [lo, hi) of plan p (operands: batch, parameter
// batch), nb = the batch size: the fast path's (K, nb) result, in tiles that
// keep both the rows read and the columns written in cache.
func categoricalTranspose[T tensor.Float](dst, lg []T, k, nb int, p *shape.Plan, lo, hi int) {
	const tileB, tileK = 64, 64
	for r := range p.RunsIn(lo, hi) {
		b0, r0, n := r.Off[0], r.Off[1], r.N
		if r.Step[1] == 0 { // one row broadcast along the run
			for j, v := range lg[r0*k : (r0+1)*k] {
				col := dst[j*nb+b0 : j*nb+b0+n]
				for i := range col {
					col[i] = v
				}
			}
			continue
		}
		for ib := 0; ib < n; ib += tileB {
			ie := min(n, ib+tileB)
			for jb := 0; jb < k; jb += tileK {
				je := min(k, jb+tileK)
				for j := jb; j < je; j++ {
					col := dst[j*nb+b0+ib : j*nb+b0+ie]
					src := lg[(r0+ib)*k+j:]
					for i := range col {
						col[i] = src[i*k]
					}
				}
			}
		}
	}
}

// categoricalVJP returns Σ w·log p(x) and its gradient with respect to the
// parameter as given. Per row it gathers W = Σ w and c_j = Σ w over the
// elements of index j (skipping w = 0), then
//
//	logits: ∂/∂ℓ_j = c_j - W·p_j = c_j·(1-p_j) - (W-c_j)·p_j
//	probs:  ∂/∂x_j = c_j/x_j - W/Σx      (c_j = 0 contributes 0)
//
// accumulated in float64; 1-p_j of the dominant category is computed
// without cancelling.
func categoricalVJP[T tensor.Float](d *Categorical, x, upstream Value, out []int) (*Gradient, error) {
	p := d.valuePlan(x, out)
	var w []T
	if !tensor.IsNil(upstream) {
		if upstream.Dtype() != d.dtype {
			return nil, fmt.Errorf("categorical: upstream has dtype %v, distribution %v: %w", upstream.Dtype(), d.dtype, ErrDType)
		}
		wt, err := tensor.BroadcastTo[T](upstream, out)
		if err != nil {
			return nil, fmt.Errorf("categorical: upstream: %w", err)
		}
		w, _ = tensor.Floats[T](wt)
	}
	k := d.k
	rows := shape.Size(d.pbatch)
	cnt := make([]float64, rows*k)
	wrow := make([]float64, rows)
	touched := make([]bool, rows)
	lg, _ := tensor.Floats[T](d.logits)
	var sum float64
	accumulate := func(i, row int, v float64) {
		wi := 1.0
		if w != nil {
			if wi = float64(w[i]); wi == 0 {
				return // select, don't multiply: w = 0 adds nothing, even to a -Inf
			}
		}
		j := categoricalIndex(v, k)
		if j < 0 {
			sum += wi * categoricalOff(v)
			return
		}
		sum += wi * float64(lg[row*k+j])
		cnt[row*k+j] += wi
		wrow[row] += wi
		touched[row] = true
	}
	if x.Dtype() == tensor.Int64 {
		xs := int64Data(x)
		for r := range p.Runs() {
			for i := range r.N {
				accumulate(r.Off[0]+i, r.Off[2]+i*r.Step[2], float64(xs[r.Off[1]+i*r.Step[1]]))
			}
		}
	} else {
		xs, _ := tensor.Floats[T](x)
		for r := range p.Runs() {
			for i := range r.N {
				accumulate(r.Off[0]+i, r.Off[2]+i*r.Step[2], float64(xs[r.Off[1]+i*r.Step[1]]))
			}
		}
	}

	par, _ := tensor.Floats[T](d.param)
	gres, g := tensor.Alloc[T](tensor.ShapeOf(d.param))
	l64, p64 := make([]float64, k), make([]float64, k)
	for r := range rows {
		if !touched[r] {
			continue
		}
		row, c, gr, wr := par[r*k:(r+1)*k], cnt[r*k:(r+1)*k], g[r*k:(r+1)*k], wrow[r]
		if !d.byLogits {
			var s float64
			for _, v := range row {
				s += float64(v)
			}
			for j, v := range row {
				var dj float64
				if c[j] != 0 {
					dj = c[j] / float64(v)
				}
				gr[j] = T(dj - wr/s)
			}
			continue
		}
		categoricalNormRow(row, true, l64, p64)
		top := 0 // the dominant category, where 1-p is computed as the others' mass
		for j := range p64 {
			if p64[j] > p64[top] {
				top = j
			}
		}
		var rest float64 // Σ_{j≠top} p_j
		for j, q := range p64 {
			if j != top {
				rest += q
			}
		}
		for j, q := range p64 {
			var gj float64
			if c[j] != 0 {
				oneMinus := 1 - q
				if j == top {
					oneMinus = rest
				}
				gj = c[j] * oneMinus
			}
			if o := wr - c[j]; o != 0 {
				gj -= o * q
			}
			gr[j] = T(gj)
		}
	}
	val, _ := tensor.Alloc[T](tensor.ShapeOf(x))
	return &Gradient{LogProb: sum, Value: val, Params: map[string]*tensor.Dense{d.paramName(): gres}}, nil
}

// categoricalLinearMax is the largest K whose cumulative sums are counted
// linearly (branch-free); above it, they are bisected.
const categoricalLinearMax = 16

// categoricalSample draws sampleShape + batch indices: u ~ U[0, 1) scaled
// by the row's total c_{K-1}, then the first j with u < c_j, c_j = p_0 + …
// + p_j summed in float64 in index order (a category of probability 0 is
// never drawn). When rows are drawn at least twice on average, the
// cumulative sums of every row are computed once per call and searched
// (counted up to categoricalLinearMax categories, else bisected);
// otherwise each draw sums its row as it scans it, which gives the same
// c_j, so the same draws. No allocation per draw.
func categoricalSample[T tensor.Float](d *Categorical, src rand.Source, sampleShape []int) (*tensor.Dense, error) {
	if err := shape.Check(sampleShape); err != nil {
		return nil, fmt.Errorf("categorical: sample shape: %w", err)
	}
	streams, err := tensor.NewStreams(src)
	if err != nil {
		return nil, fmt.Errorf("categorical: %w", err)
	}
	var buf [8]int
	out := drawShape(buf[:0], sampleShape, d.batch)
	p, err := d.plans.draw.plan(out, d.pbatch)
	if err != nil {
		return nil, fmt.Errorf("categorical: %w", err)
	}
	probs, _ := tensor.Floats[T](d.probs)
	k, rows, n := d.k, shape.Size(d.pbatch), p.Size()
	var cum []float64
	if n >= 2*rows {
		cum = categoricalCumulative(d, probs)
	}
	data := make([]int64, n)
	var bad atomic.Bool
	tensor.ForBlocks(n, func(b, lo, hi int) {
		rng := streams.Rng(b) // the words, and so the draws, of streams.Block(b)
		for run := range p.RunsIn(lo, hi) {
			o, or, sr := run.Off[0], run.Off[1], run.Step[1]
			dst := data[o : o+run.N]
			switch {
			case cum != nil && sr == 0 && k <= categoricalLinearMax && len(dst) >= 16: // one row for the whole run
				categoricalRowDraws(dst, cum[or*k:(or+1)*k], rng)
			case cum != nil && sr == 0:
				c := cum[or*k : (or+1)*k]
				for i := range dst {
					dst[i] = int64(categoricalSearch(c, rng.Float64()))
				}
			case cum != nil:
				for i := range dst {
					row := or + i
					dst[i] = int64(categoricalSearch(cum[row*k:(row+1)*k], rng.Float64()))
				}
			default:
				for i := range dst {
					row := or + i*sr
					dst[i] = int64(categoricalScan(probs[row*k:(row+1)*k], rng.Float64()))
				}
			}
			for _, v := range dst {
				if v < 0 {
					bad.Store(true)
					break
				}
			}
		}
	})
	if bad.Load() {
		return nil, fmt.Errorf("categorical: cannot sample a row whose probs do not sum to a positive finite number: %w", ErrParam)
	}
	return tensor.New(data, out...)
}

// categoricalRowDraws is categoricalSearch for every element of dst from
// one row's cumulative sums c (K <= categoricalLinearMax), a chunk of
// uniforms at a time, counted by tensor.CountLESlice: the same draws.
func categoricalRowDraws(dst []int64, c []float64, rng *tensor.Rng) {
	total := c[len(c)-1]
	if !(total > 0 && total <= math.MaxFloat64) {
		for i := range dst {
			dst[i] = -1
		}
		return
	}
	var u [256]float64
	for lo := 0; lo < len(dst); lo += len(u) {
		out := dst[lo:min(lo+len(u), len(dst))]
		us := u[:len(out)]
		for i := range us {
			us[i] = rng.Float64() * total
		}
		tensor.CountLESlice(out, us, c)
		for i, j := range out {
			if j == int64(len(c)) { // rounding left none: categoricalSearch's fallback
				out[i] = int64(categoricalLastPositive(c))
			}
		}
	}
}

// categoricalLE is 1 when v <= u and 0 otherwise, for finite v and u,
// from the sign of u - v (exact: a difference of distinct finite floats is
// never 0 and keeps its sign; u - u is +0) instead of a branch, which on
// random u would mispredict about once per draw.
func categoricalLE(v, u float64) int {
	return 1 - int(math.Float64bits(u-v)>>63)
}

// categoricalSearch returns the first j with u·c_{K-1} < c_j, or, should
// rounding leave none, the last category of positive probability; -1 when
// the total is not positive and finite.
func categoricalSearch(c []float64, u float64) int {
	total := c[len(c)-1]
	if !(total > 0 && total <= math.MaxFloat64) {
		return -1
	}
	u *= total
	j := 0
	if len(c) <= categoricalLinearMax {
		for _, v := range c { // c is non-decreasing: count the c_j <= u
			j += categoricalLE(v, u)
		}
	} else {
		hi := len(c)
		for j < hi {
			mid := int(uint(j+hi) >> 1)
			if u < c[mid] {
				hi = mid
			} else {
				j = mid + 1
			}
		}
	}
	if j < len(c) {
		return j
	}
	return categoricalLastPositive(c)
}

// categoricalLastPositive is the last category of positive probability of
// the cumulative sums c.
func categoricalLastPositive(c []float64) int {
	for j := len(c) - 1; j > 0; j-- {
		if c[j] > c[j-1] {
			return j
		}
	}
	return 0
}

// categoricalScan is categoricalSearch on a row of probabilities, summed as
// it goes (the same c_j, so the same index).
func categoricalScan[T tensor.Float](row []T, u float64) int {
	var total float64
	for _, v := range row {
		total += float64(v)
	}
	if !(total > 0 && total <= math.MaxFloat64) {
		return -1
	}
	u *= total
	var c float64
	j := 0
	for _, v := range row {
		c += float64(v)
		j += categoricalLE(c, u)
	}
	if j < len(row) {
		return j
	}
	last, prev := 0, 0.0
	c = 0
	for j, v := range row {
		if c += float64(v); c > prev {
			last = j
		}
		prev = c
	}
	return last
}

// perBatch fills a BatchShape()-shaped array with f(row) for the parameter
// row of every batch element.
func perBatch[E tensor.Elem](d *Categorical, f func(row int) E) (*tensor.Dense, error) {
	p, _ := shape.NewPlan(d.batch, d.pbatch)
	data := make([]E, shape.Size(d.batch))
	for r := range p.Runs() {
		for i := range r.N {
			data[r.Off[0]+i] = f(r.Off[1] + i*r.Step[1])
		}
	}
	return tensor.New(data, d.batch...)
}

func categoricalMode[T tensor.Float](d *Categorical) (*tensor.Dense, error) {
	par, _ := tensor.Floats[T](d.param)
	k := d.k
	return perBatch(d, func(r int) int64 {
		row := par[r*k : (r+1)*k]
		best := 0
		for j, v := range row {
			if v != v {
				return int64(j)
			}
			if v > row[best] {
				best = j
			}
		}
		return int64(best)
	})
}

func categoricalEntropy[T tensor.Float](d *Categorical) (*tensor.Dense, error) {
	par, _ := tensor.Floats[T](d.param)
	k := d.k
	rows := shape.Size(d.pbatch)
	ent := make([]T, rows)
	tensor.ForBlocks(rows, func(_, lo, hi int) {
		l64, p64 := make([]float64, k), make([]float64, k)
		for r := lo; r < hi; r++ {
			categoricalNormRow(par[r*k:(r+1)*k], d.byLogits, l64, p64)
			var h float64
			for j, q := range p64 {
				if q != 0 || l64[j] != l64[j] { // 0·log 0 = 0; NaN stays NaN
					h -= q * l64[j]
				}
			}
			ent[r] = T(h)
		}
	})
	return perBatch(d, func(r int) T { return ent[r] })
}
