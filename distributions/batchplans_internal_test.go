package distributions

import (
	"fmt"
	"slices"
	"testing"

	"github.com/seed39ad66a2/tensordist/shape"
)

// TestPlanMemoKeysEveryShape checks that planMemo gives shape.NewPlan's
// plan for every call, whichever shapes came before: the same out with
// other operands, other operand counts, and a nil memo.
func TestPlanMemoKeysEveryShape(t *testing.T) {
	calls := []struct {
		out []int
		ops [][]int
	}{
		{[]int{2, 3}, [][]int{{2, 3}, {3}}},
		{[]int{2, 3}, [][]int{{2, 3}, {3}}},
		{[]int{2, 3}, [][]int{{2, 1}, {3}}},
		{[]int{2, 3}, [][]int{{2, 3}, {1, 3}}},
		{[]int{2, 3}, [][]int{{2, 3}}},
		{[]int{3, 2}, [][]int{{3, 2}, {2}}},
		{[]int{2, 3}, [][]int{{2, 3}, {3}}},
		{[]int{2, 3}, [][]int{{3}}},
		{[]int{4, 3}, [][]int{{3}}}, // only out differs
	}
	var m planMemo
	for i, c := range calls {
		for _, memo := range []*planMemo{&m, nil} {
			got, err := memo.plan(c.out, c.ops...)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := shape.NewPlan(c.out, c.ops...)
			if g, w := walk(got), walk(want); g != w {
				t.Fatalf("call %d (%v %v): plan walks %s, want %s", i, c.out, c.ops, g, w)
			}
		}
	}
	if _, err := m.plan([]int{2}, []int{3}); err == nil {
		t.Fatal("a shape that does not broadcast: no error")
	}
}

func walk(p *shape.Plan) string {
	s := fmt.Sprint(p.Size(), ":")
	for r := range p.Runs() {
		s += fmt.Sprint(slices.Clone(r.Off), slices.Clone(r.Step), r.N, ";")
	}
	return s
}
