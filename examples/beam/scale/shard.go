package scale

import (
	"fmt"

	"github.com/seed39ad66a2/tensordist/distributions"
)

// Shard is a worker's unit of work: the contiguous blocks FirstBlock,
// …, FirstBlock+Blocks-1. It is all the pipeline sends about the data.
type Shard struct {
	Index      int
	FirstBlock int
	Blocks     int
}

// Split cuts blocks 0, …, blocks-1 into n contiguous shards whose sizes
// differ by at most one, so that n shards do equal work.
func Split(blocks, n int) ([]Shard, error) {
	if n < 1 || n > blocks {
		return nil, fmt.Errorf("scale: shards must be in [1, blocks = %d], got %d: %w", blocks, n, distributions.ErrParam)
	}
	shards := make([]Shard, n)
	first := 0
	for i := range shards {
		size := blocks / n
		if i < blocks%n {
			size++
		}
		shards[i] = Shard{Index: i, FirstBlock: first, Blocks: size}
		first += size
	}
	return shards, nil
}

// checkShards reports shards that do not cover blocks 0, …, d.Blocks-1
// contiguously, in order, each with at least one block.
func checkShards(d Data, shards []Shard) error {
	next := 0
	for i, s := range shards {
		if s.Index != i || s.FirstBlock != next || s.Blocks < 1 {
			return fmt.Errorf("scale: shard %d must be {Index: %d, FirstBlock: %d, Blocks >= 1}, got %+v: %w",
				i, i, next, s, distributions.ErrParam)
		}
		next += s.Blocks
	}
	if next != d.Blocks {
		return fmt.Errorf("scale: shards must cover %d blocks, cover %d: %w", d.Blocks, next, distributions.ErrParam)
	}
	return nil
}

// ShardPartials scores every block of s, in order: the work of one DoFn
// call, and of one iteration of EvaluateLocal.
func ShardPartials(d Data, s Shard, beta []float64) ([]Partial, error) {
	parts := make([]Partial, 0, s.Blocks)
	for b := s.FirstBlock; b < s.FirstBlock+s.Blocks; b++ {
		part, err := BlockPartial(d, b, beta)
		if err != nil {
			return nil, fmt.Errorf("scale: shard %d: %w", s.Index, err)
		}
		parts = append(parts, part)
	}
	return parts, nil
}

// EvaluateLocal is the single-process loop over the same shards and blocks
// as the pipeline, summed in the same order: the reference the pipeline
// must reproduce.
func EvaluateLocal(d Data, shards []Shard, beta []float64) (Total, error) {
	if err := d.Validate(); err != nil {
		return Total{}, err
	}
	if err := checkShards(d, shards); err != nil {
		return Total{}, err
	}
	var parts []Partial
	for _, s := range shards {
		ps, err := ShardPartials(d, s, beta)
		if err != nil {
			return Total{}, err
		}
		parts = append(parts, ps...)
	}
	return Sum(parts, d.Blocks)
}
