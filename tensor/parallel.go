package tensor

import (
	"runtime"
	"sync"
)

// Block is the number of elements a worker takes at a time. Work is always
// split into the same blocks, whatever the number of workers, so that
// results (and the random streams of Blocks) do not depend on GOMAXPROCS.
const Block = 1 << 14

// ParallelMin is the element count below which work stays on the calling
// goroutine: measured on two cores, a second goroutine pays off only from
// ~1e5 elements (notes/perf-anchors.md).
const ParallelMin = 1 << 17

// Parallel reports whether ForBlocks spreads n elements over goroutines. A
// caller that walks the blocks itself when it does not keeps its per-call
// state off the heap: a closure handed to ForBlocks always escapes.
func Parallel(n int) bool {
	return n >= ParallelMin && runtime.GOMAXPROCS(0) > 1
}

// ForBlocks calls fn(b, lo, hi) for every block b = [lo, hi) of [0, n), on
// up to GOMAXPROCS goroutines when n >= ParallelMin, else serially in order.
func ForBlocks(n int, fn func(b, lo, hi int)) {
	blocks := (n + Block - 1) / Block
	if !Parallel(n) {
		for b := range blocks {
			fn(b, b*Block, min(n, (b+1)*Block))
		}
		return
	}
	workers := min(runtime.GOMAXPROCS(0), blocks)
	var wg sync.WaitGroup
	next := make(chan int, blocks)
	for b := range blocks {
		next <- b
	}
	close(next)
	for range workers {
		wg.Go(func() {
			for b := range next {
				fn(b, b*Block, min(n, (b+1)*Block))
			}
		})
	}
	wg.Wait()
}
