package scale

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestSplitCoversBlocksEvenly(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 3, 4, 7, 16} {
		shards, err := Split(16, n)
		if err != nil {
			t.Fatal(err)
		}
		next, lo, hi := 0, 16, 0
		for i, s := range shards {
			if s.Index != i || s.FirstBlock != next {
				t.Fatalf("n=%d: shard %d is %+v, want index %d first block %d", n, i, s, i, next)
			}
			next += s.Blocks
			lo, hi = min(lo, s.Blocks), max(hi, s.Blocks)
		}
		if next != 16 || hi-lo > 1 {
			t.Errorf("n=%d: covers %d blocks with sizes in [%d, %d]", n, next, lo, hi)
		}
	}
}

// Sum gives the same bits whatever order the partials arrive in.
func TestSumOrderIndependent(t *testing.T) {
	t.Parallel()
	d := testData()
	var parts []Partial
	for b := range d.Blocks {
		part, err := BlockPartial(d, b, d.Truth)
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, part)
	}
	want, err := Sum(parts, d.Blocks)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 5 {
		r.Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
		got, err := Sum(parts, d.Blocks)
		if err != nil {
			t.Fatal(err)
		}
		if got.LogLik != want.LogLik || !slices.Equal(got.Grad, want.Grad) || !slices.Equal(got.Info, want.Info) || got.Rows != d.Rows() {
			t.Fatalf("shuffled sum %+v differs from %+v", got, want)
		}
	}
}

func TestSumRejectsLostOrDuplicatedBlocks(t *testing.T) {
	t.Parallel()
	part := func(b int) Partial { return Partial{Block: b, Rows: 1, Grad: []float64{1}, Info: []float64{1}} }
	tests := map[string][]Partial{
		"lost":       {part(0), part(2)},
		"duplicated": {part(0), part(1), part(1)},
		"extra":      {part(0), part(1), part(2), part(3)},
		"short grad": {part(0), part(1), {Block: 2, Rows: 1}},
	}
	for name, parts := range tests {
		if _, err := Sum(parts, 3); !errors.Is(err, errBlocks) {
			t.Errorf("%s: got %v, want errBlocks", name, err)
		}
	}
}

// gatherFn gives Sum's bits whatever the runner's grouping into
// accumulators and merge order (Prism's default variant never merges, so
// the merge is checked here).
func TestGatherFnAnyMergeOrder(t *testing.T) {
	t.Parallel()
	d := testData()
	var parts []Partial
	for b := range d.Blocks {
		part, err := BlockPartial(d, b, d.Truth)
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, part)
	}
	want, err := Sum(parts, d.Blocks)
	if err != nil {
		t.Fatal(err)
	}
	fn := &gatherFn{Blocks: d.Blocks}
	r := rand.New(rand.NewPCG(3, 4))
	for range 5 {
		accs := make([]gathered, 1+r.IntN(5))
		for i := range accs {
			accs[i] = fn.CreateAccumulator()
		}
		for _, i := range r.Perm(len(parts)) {
			k := r.IntN(len(accs))
			accs[k] = fn.AddInput(accs[k], parts[i])
		}
		for len(accs) > 1 {
			i := r.IntN(len(accs) - 1)
			accs[i] = fn.MergeAccumulators(accs[i], accs[i+1])
			accs = append(accs[:i+1], accs[i+2:]...)
		}
		got, err := fn.ExtractOutput(accs[0])
		if err != nil {
			t.Fatal(err)
		}
		if got.LogLik != want.LogLik || !slices.Equal(got.Grad, want.Grad) || !slices.Equal(got.Info, want.Info) {
			t.Fatalf("merged total %+v differs from %+v", got, want)
		}
	}
}
