package shape_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/seed39ad66a2/tensordist/shape"
)

// TestPlanSetReusesAndMatches re-plans one Plan with Set for a sequence of
// random problems (ranks and operand counts up and down) and requires, each
// time, the naive offsets: nothing stale survives from the previous plan.
func TestPlanSetReusesAndMatches(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		var p shape.Plan
		for i := range rapid.IntRange(1, 4).Draw(t, "plans") {
			out := outShapeGen().Draw(t, "out")
			ops := operandsOf(t, out)
			require.NoError(t, p.Set(out, ops...), "plan %d", i)
			require.Equal(t, shape.Size(out), p.Size())
			sameShape(t, out, p.Shape())
			want, got := naiveOffsets(out, ops), walk(t, &p, p.Runs())
			require.Len(t, got, len(want), "plan %d", i)
			for j := range want {
				require.Equal(t, want[j], got[j], "plan %d, output element %d", i, j)
			}
			// partial walks leave the odometer mid-way; the next must not see it
			lo := rapid.IntRange(0, len(want)).Draw(t, "lo")
			hi := rapid.IntRange(lo, len(want)).Draw(t, "hi")
			for range 2 {
				part := walk(t, &p, p.RunsIn(lo, hi))
				require.Len(t, part, hi-lo)
				for j := range part {
					require.Equal(t, want[lo+j], part[j], "plan %d, RunsIn(%d, %d)", i, lo, hi)
				}
			}
		}
	})
}

// TestPlanNestedWalks walks a plan inside a walk of itself: the inner walk
// cannot share the plan's scratch and must still see every run.
func TestPlanNestedWalks(t *testing.T) {
	t.Parallel()
	out, ops := []int{3, 4}, [][]int{{3, 1}, {4}}
	p, err := shape.NewPlan(out, ops...)
	require.NoError(t, err)
	want := naiveOffsets(out, ops)
	outer := 0
	for range p.Runs() {
		require.Equal(t, want, walk(t, p, p.Runs()))
		outer++
	}
	require.Equal(t, 3, outer)
	require.Equal(t, want, walk(t, p, p.Runs()), "the scratch is free again")
}

// TestPlanSetAndWalkAllocateNothing requires a reused Plan to plan and walk
// without allocating once its buffers have grown.
func TestPlanSetAndWalkAllocateNothing(t *testing.T) {
	out, ops := []int{5, 1, 6}, [][]int{{6}, {1, 6}, {5, 1, 1}}
	var p shape.Plan
	require.NoError(t, p.Set(out, ops...))
	sum := 0
	allocs := testing.AllocsPerRun(10, func() {
		_ = p.Set(out, ops...)
		for r := range p.RunsIn(2, 29) {
			sum += r.Off[1] + r.N
		}
	})
	require.Zero(t, allocs)
	require.Positive(t, sum)
}

func TestPlanSetErrors(t *testing.T) {
	t.Parallel()
	var p shape.Plan
	require.ErrorIs(t, p.Set([]int{2, 3}, []int{4}), shape.ErrShape)
	require.ErrorIs(t, p.Set([]int{-1}), shape.ErrShape)
}
