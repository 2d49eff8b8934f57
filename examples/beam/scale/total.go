package scale

import (
	"errors"
	"fmt"
	"slices"
)

// Total is the whole data's log-likelihood, gradient and Fisher
// information: the blocks' Partials summed in block order.
type Total struct {
	Rows   int64
	LogLik float64
	Grad   []float64
	Info   []float64 // row-major (p, p)
}

// errBlocks reports partials that do not cover every block exactly once:
// a lost or duplicated shard.
var errBlocks = errors.New("partials do not cover the blocks exactly once")

// Sum adds the partials of blocks 0, …, blocks-1 in block order, whatever
// order they come in, so that every runner, bundle split and shard count
// gives the same bits. It fails unless each block appears exactly once.
func Sum(parts []Partial, blocks int) (Total, error) {
	sorted := slices.Clone(parts)
	slices.SortFunc(sorted, func(a, b Partial) int { return a.Block - b.Block })
	if len(sorted) != blocks {
		return Total{}, fmt.Errorf("scale: got %d partials for %d blocks: %w", len(sorted), blocks, errBlocks)
	}
	var t Total
	for i, part := range sorted {
		if part.Block != i {
			return Total{}, fmt.Errorf("scale: partial %d in block order is block %d: %w", i, part.Block, errBlocks)
		}
		if i == 0 {
			t.Grad = make([]float64, len(part.Grad))
			t.Info = make([]float64, len(part.Info))
		}
		if len(part.Grad) != len(t.Grad) || len(part.Info) != len(t.Info) {
			return Total{}, fmt.Errorf("scale: block %d has %d coefficients, block 0 has %d: %w",
				part.Block, len(part.Grad), len(t.Grad), errBlocks)
		}
		t.Rows += part.Rows
		t.LogLik += part.LogLik
		for j, v := range part.Grad {
			t.Grad[j] += v
		}
		for j, v := range part.Info {
			t.Info[j] += v
		}
	}
	return t, nil
}
