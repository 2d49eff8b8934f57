package distributions_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/seed39ad66a2/tensordist/distributions"
)

// TestBatchPlansPerDistribution checks the plans an elementwise family
// keeps (planMemo, from a distribution's second call): a distribution used,
// then expanded, then used at other value shapes gives what fresh
// distributions over the broadcast parameters give.
func TestBatchPlansPerDistribution(t *testing.T) {
	loc, scale := f64(0.5, -1, 2), f64(1, 2, 0.5)
	d := must(distributions.NewNormal(loc, scale))
	x3 := f64(0.1, 0.2, 0.3)
	x23 := sh(f64(0.1, 0.2, 0.3, -1, 0, 4), 2, 3)
	fresh := must(distributions.NewNormal(sh(f64(bcast(data64(t, loc), []int{3}, []int{2, 3})...), 2, 3), sh(f64(bcast(data64(t, scale), []int{3}, []int{2, 3})...), 2, 3)))

	want3 := data64(t, must(fresh.LogProb(sh(f64(0.1, 0.2, 0.3, 0.1, 0.2, 0.3), 2, 3))))[:3]
	for range 2 { // the second call builds d's value plan
		if got := data64(t, must(d.LogProb(x3))); !slices.Equal(got, want3) {
			t.Fatalf("LogProb of batch shape = %v, want %v", got, want3)
		}
		must(d.Sample(rand.NewPCG(1, 2))) // and its draw plan
	}

	e := must(distributions.Expand(d, []int{2, 3}))
	want23 := data64(t, must(fresh.LogProb(x23)))
	for range 2 {
		if got := data64(t, must(e.LogProb(x23))); !slices.Equal(got, want23) {
			t.Fatalf("expanded LogProb = %v, want %v", got, want23)
		}
	}
	if got := data64(t, must(d.LogProb(x23))); !slices.Equal(got, want23) { // value broadcasting past the batch
		t.Fatalf("LogProb of a broadcast value = %v, want %v", got, want23)
	}
	for range 2 {
		s, f := must(e.Sample(rand.NewPCG(1, 2))), must(fresh.Sample(rand.NewPCG(1, 2)))
		if !slices.Equal(shapeOf(s), []int{2, 3}) || !slices.Equal(data64(t, s), data64(t, f)) {
			t.Fatalf("expanded Sample = %v %v, want %v %v", shapeOf(s), data64(t, s), shapeOf(f), data64(t, f))
		}
	}
	if got := data64(t, must(d.LogProb(x3))); !slices.Equal(got, want3) { // d's plans untouched
		t.Fatalf("LogProb of batch shape after Expand = %v, want %v", got, want3)
	}
}

// TestSampledPlanFollowsSampleShape checks the draw plan kept for the last
// sample shape: alternating sample shapes on one distribution give what a
// fresh distribution gives for each.
func TestSampledPlanFollowsSampleShape(t *testing.T) {
	d := must(distributions.NewNormal(f64(0.5, -1, 2), f64(1, 2, 0.5)))
	for _, ss := range [][]int{{2}, {4, 1}, {2}, {}, {4, 1}, {5}} {
		fresh := must(distributions.NewNormal(f64(0.5, -1, 2), f64(1, 2, 0.5)))
		got := must(d.Sample(rand.NewPCG(7, 8), ss...))
		want := must(fresh.Sample(rand.NewPCG(7, 8), ss...))
		if !slices.Equal(shapeOf(got), append(slices.Clone(ss), 3)) || !slices.Equal(data64(t, got), data64(t, want)) {
			t.Fatalf("sample shape %v: %v %v, want %v %v", ss, shapeOf(got), data64(t, got), shapeOf(want), data64(t, want))
		}
	}
}
