package shape_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/seed39ad66a2/tensordist/shape"
)

// dimGen draws a dimension in 0..4 with 1s frequent and 0s rare (a new
// generator per use: rapid generators are not safe to share between
// parallel tests).
func dimGen() *rapid.Generator[int] {
	return rapid.SampledFrom([]int{0, 1, 1, 1, 1, 2, 2, 3, 3, 4, 4})
}

// outShapeGen draws an output shape of rank 0..5.
func outShapeGen() *rapid.Generator[[]int] { return rapid.SliceOfN(dimGen(), 0, 5) }

// operandOf draws a shape that broadcasts to out: some leading dims dropped,
// some of the rest set to 1.
func operandOf(t *rapid.T, out []int, label string) []int {
	drop := rapid.IntRange(0, len(out)).Draw(t, label+" drop")
	s := shape.Clone(out[drop:])
	for i := range s {
		if rapid.Bool().Draw(t, fmt.Sprintf("%s ones[%d]", label, i)) {
			s[i] = 1
		}
	}
	return s
}

// operandsOf draws 1..4 operands that broadcast to out.
func operandsOf(t *rapid.T, out []int) [][]int {
	n := rapid.IntRange(1, 4).Draw(t, "operands")
	ops := make([][]int, n)
	for k := range ops {
		ops[k] = operandOf(t, out, fmt.Sprintf("op%d", k))
	}
	return ops
}

// naiveOffsets returns, for each output element in row-major order, the flat
// offset of every operand (operand 0 is the output): the operand right-aligned
// to out, a size-1 dim indexed at 0.
func naiveOffsets(out []int, operands [][]int) [][]int {
	all := append([][]int{out}, operands...)
	size := shape.Size(out)
	idx := make([]int, len(out))
	res := make([][]int, size)
	for flat := range size {
		rem := flat
		for d := len(out) - 1; d >= 0; d-- {
			idx[d] = rem % out[d]
			rem /= out[d]
		}
		offs := make([]int, len(all))
		for k, s := range all {
			off, stride := 0, 1
			for i := len(s) - 1; i >= 0; i-- {
				if s[i] != 1 {
					off += idx[len(out)-len(s)+i] * stride
				}
				stride *= s[i]
			}
			offs[k] = off
		}
		res[flat] = offs
	}
	return res
}

// walk expands runs into per-element operand offsets, checking each run's
// invariants on the way.
func walk(t require.TestingT, p *shape.Plan, runs func(func(shape.Run) bool)) [][]int {
	var got [][]int
	for r := range runs {
		require.Len(t, r.Off, p.Operands())
		require.Len(t, r.Step, p.Operands())
		require.Positive(t, r.N, "empty run")
		require.LessOrEqual(t, r.N, p.Inner(), "run longer than Inner")
		require.Equal(t, 1, r.Step[0], "the output advances by one")
		for k, s := range r.Step {
			require.Contains(t, []int{0, 1}, s, "Step[%d]", k)
		}
		for i := range r.N {
			offs := make([]int, len(r.Off))
			for k := range r.Off {
				offs[k] = r.Off[k] + i*r.Step[k]
			}
			got = append(got, offs)
		}
	}
	return got
}

func TestPlanRunsMatchNaive(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		out := outShapeGen().Draw(t, "out")
		ops := operandsOf(t, out)
		p, err := shape.NewPlan(out, ops...)
		require.NoError(t, err)
		require.Equal(t, shape.Size(out), p.Size())
		require.Equal(t, len(ops)+1, p.Operands())
		sameShape(t, out, p.Shape())

		want := naiveOffsets(out, ops)
		got := walk(t, p, p.Runs())
		require.Len(t, got, len(want))
		for i := range want {
			require.Equal(t, i, got[i][0], "output offsets must be visited in order")
			require.Equal(t, want[i], got[i], "offsets at output element %d", i)
		}
		for r := range p.Runs() { // a full walk is made of whole innermost rows
			require.Equal(t, p.Inner(), r.N)
		}
	})
}

func TestPlanRunsInIsASliceOfTheWalk(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		out := outShapeGen().Draw(t, "out")
		ops := operandsOf(t, out)
		p, err := shape.NewPlan(out, ops...)
		require.NoError(t, err)
		full := naiveOffsets(out, ops)
		lo := rapid.IntRange(0, p.Size()).Draw(t, "lo")
		hi := rapid.IntRange(lo, p.Size()).Draw(t, "hi")

		got := walk(t, p, p.RunsIn(lo, hi))
		require.Len(t, got, hi-lo)
		for i := range got {
			require.Equal(t, full[lo+i], got[i], "offsets at output element %d of [%d, %d)", lo+i, lo, hi)
		}
		if lo < hi {
			assert.Empty(t, walk(t, p, p.RunsIn(hi, lo)), "RunsIn(hi, lo) with hi > lo")
		}
	})
}

func TestPlanRunsEarlyBreak(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		out := outShapeGen().Draw(t, "out")
		ops := operandsOf(t, out)
		p, err := shape.NewPlan(out, ops...)
		require.NoError(t, err)
		var all []shape.Run
		for r := range p.Runs() {
			all = append(all, shape.Run{Off: slices.Clone(r.Off), Step: slices.Clone(r.Step), N: r.N})
		}
		stop := rapid.IntRange(0, len(all)).Draw(t, "stop")
		got := []shape.Run{}
		for r := range p.Runs() { // a range-over-func iterator that ignores yield's false panics here
			if len(got) == stop {
				break
			}
			got = append(got, shape.Run{Off: slices.Clone(r.Off), Step: slices.Clone(r.Step), N: r.N})
		}
		require.Equal(t, append([]shape.Run{}, all[:stop]...), got)
	})
}

func TestPlanCoalesces(t *testing.T) {
	t.Parallel()
	tests := []struct {
		out       []int
		operands  [][]int
		wantInner int
	}{
		{out: nil, operands: [][]int{nil}, wantInner: 1},
		{out: []int{2, 3, 4}, operands: [][]int{{2, 3, 4}}, wantInner: 24},
		{out: []int{2, 3, 4}, operands: [][]int{{}, {1, 1, 1}}, wantInner: 24},
		{out: []int{2, 3, 4}, operands: [][]int{{3, 4}}, wantInner: 12},
		{out: []int{2, 3, 4}, operands: [][]int{{3, 1}}, wantInner: 4},
		{out: []int{2, 3, 4}, operands: [][]int{{2, 1, 1}}, wantInner: 12},
		{out: []int{2, 3, 4}, operands: [][]int{{2, 1, 4}}, wantInner: 4},
		{out: []int{2, 1, 3}, operands: [][]int{{2, 1, 3}}, wantInner: 6}, // size-1 dims are dropped
		{out: []int{2, 1, 3}, operands: [][]int{{2, 1, 1}}, wantInner: 3},
		{out: []int{5, 1}, operands: [][]int{{5, 1}}, wantInner: 5},
		{out: []int{2, 0, 3}, operands: [][]int{{3}}, wantInner: 0},
	}
	for _, tc := range tests {
		p, err := shape.NewPlan(tc.out, tc.operands...)
		require.NoError(t, err)
		assert.Equal(t, tc.wantInner, p.Inner(), "Inner of %v over %v", tc.out, tc.operands)
		runs := 0
		for range p.Runs() {
			runs++
		}
		if p.Size() > 0 {
			assert.Equal(t, p.Size()/tc.wantInner, runs, "runs of %v over %v", tc.out, tc.operands)
		} else {
			assert.Zero(t, runs)
		}
	}
}

func TestNewPlanErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		out      []int
		operands [][]int
		wantErr  string
	}{
		{out: []int{2, -3}, wantErr: "negative dimension in (2, -3)"},
		{out: []int{3}, operands: [][]int{{3}, {4}}, wantErr: "cannot broadcast (4,) to (3,)"},
		{out: []int{3}, operands: [][]int{{2, 3}}, wantErr: "cannot broadcast (2, 3) to (3,)"},
		{out: nil, operands: [][]int{{1}}, wantErr: "cannot broadcast (1,) to ()"},
	}
	for _, tc := range tests {
		p, err := shape.NewPlan(tc.out, tc.operands...)
		require.ErrorIs(t, err, shape.ErrShape)
		assert.ErrorContains(t, err, tc.wantErr)
		assert.Nil(t, p)
	}
}

func TestPlanDoesNotAliasOut(t *testing.T) {
	t.Parallel()
	out := []int{2, 3}
	p, err := shape.NewPlan(out, []int{3})
	require.NoError(t, err)
	out[0] = 7
	assert.Equal(t, []int{2, 3}, p.Shape())
	assert.Equal(t, 6, p.Size())
}

// naiveBroadcast is NumPy's rule written out: at each right-aligned position
// the sizes other than 1 must all agree.
func naiveBroadcast(shapes ...[]int) ([]int, bool) {
	rank := 0
	for _, s := range shapes {
		rank = max(rank, len(s))
	}
	out := make([]int, rank)
	for j := 1; j <= rank; j++ { // j-th dim from the right
		seen := map[int]bool{}
		for _, s := range shapes {
			if j <= len(s) && s[len(s)-j] != 1 {
				seen[s[len(s)-j]] = true
			}
		}
		switch len(seen) {
		case 0:
			out[rank-j] = 1
		case 1:
			for d := range seen {
				out[rank-j] = d
			}
		default:
			return nil, false
		}
	}
	return out, true
}

// anyShapeGen draws shapes that often fail to broadcast with each other.
func anyShapeGen() *rapid.Generator[[]int] { return rapid.SliceOfN(rapid.IntRange(0, 3), 0, 4) }

func TestBroadcastProperties(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		var shapes [][]int
		if rapid.Bool().Draw(t, "compatible") {
			shapes = operandsOf(t, outShapeGen().Draw(t, "out"))
		} else {
			shapes = rapid.SliceOfN(anyShapeGen(), 1, 4).Draw(t, "shapes")
		}
		want, ok := naiveBroadcast(shapes...)
		got, err := shape.Broadcast(shapes...)
		if !ok {
			require.ErrorIs(t, err, shape.ErrShape)
			for _, s := range shapes {
				assert.ErrorContains(t, err, shape.Format(s))
			}
		} else {
			require.NoError(t, err)
			sameShape(t, want, got)
			for _, s := range shapes {
				assert.True(t, shape.BroadcastsTo(s, got), "%v to %v", s, got)
			}
		}

		// Commutative: any order gives the same answer.
		perm := rapid.Permutation(shapes).Draw(t, "perm")
		got2, err2 := shape.Broadcast(perm...)
		require.Equal(t, err == nil, err2 == nil)
		sameShape(t, got, got2)

		// Associative: broadcasting the first two first changes nothing.
		if len(shapes) >= 2 {
			ab, err := shape.Broadcast(shapes[0], shapes[1])
			if err != nil {
				require.False(t, ok)
				return
			}
			got3, err3 := shape.Broadcast(append([][]int{ab}, shapes[2:]...)...)
			require.Equal(t, ok, err3 == nil)
			sameShape(t, want, got3)
		}
	})
}

func TestBroadcastConflictErrors(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		a := anyShapeGen().Filter(func(s []int) bool { return len(s) > 0 }).Draw(t, "a")
		b := operandOf(t, a, "b")
		if len(b) == 0 {
			b = []int{1}
		}
		j := rapid.IntRange(0, len(b)-1).Draw(t, "j") // a position of b, right-aligned into a
		x := rapid.SampledFrom([]int{0, 2, 3, 4}).Draw(t, "x")
		y := rapid.SampledFrom([]int{0, 2, 3, 4}).Filter(func(y int) bool { return y != x }).Draw(t, "y")
		a[len(a)-len(b)+j], b[j] = x, y

		_, err := shape.Broadcast(a, b)
		require.ErrorIs(t, err, shape.ErrShape)
		assert.ErrorContains(t, err, shape.Format(a)+" with "+shape.Format(b))
		_, err = shape.Broadcast(b, []int{1}, a)
		require.ErrorIs(t, err, shape.ErrShape)
		_, err = shape.NewPlan(a, b)
		require.ErrorIs(t, err, shape.ErrShape)
	})
}

// BenchmarkPlanRuns times the walk alone (a sum over the run offsets), so
// the overhead per run shows as the innermost length shrinks.
func BenchmarkPlanRuns(b *testing.B) {
	const n = 1 << 16
	cases := []struct {
		name      string
		out       []int
		operands  [][]int
		wantInner int
	}{
		// (n/k, k) over (n/k, 1) and (k,): neither operand coalesces, runs of k.
		{"inner=2", []int{n / 2, 2}, [][]int{{n / 2, 1}, {2}}, 2},
		{"inner=16", []int{n / 16, 16}, [][]int{{n / 16, 1}, {16}}, 16},
		{"inner=256", []int{n / 256, 256}, [][]int{{n / 256, 1}, {256}}, 256},
		{"contiguous", []int{n / 256, 256}, [][]int{{n / 256, 256}, {}}, n},
	}
	for _, c := range cases {
		b.Run(fmt.Sprintf("%s/n=%d", c.name, n), func(b *testing.B) {
			p, err := shape.NewPlan(c.out, c.operands...)
			if err != nil {
				b.Fatal(err)
			}
			if p.Inner() != c.wantInner {
				b.Fatalf("Inner() = %d, want %d", p.Inner(), c.wantInner)
			}
			b.ReportAllocs()
			var sink int
			for b.Loop() {
				for r := range p.Runs() {
					sink += r.N + r.Off[1] + r.Off[2]
				}
			}
			if sink == 0 {
				b.Fatal("no runs")
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/elem")
		})
	}
}
