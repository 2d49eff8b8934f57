package tensor_test

import (
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed39ad66a2/tensordist/tensor"
)

// TestReseedDrawsLikeBlock requires one generator reseeded per block to
// draw exactly what Block's fresh generators do, in any block order.
func TestReseedDrawsLikeBlock(t *testing.T) {
	t.Parallel()
	s, err := tensor.NewStreams(rand.NewPCG(3, 4))
	require.NoError(t, err)
	var pcg rand.PCG
	r := rand.New(&pcg)
	for _, b := range []int{0, 1, 7, 2, 1 << 20} {
		want := s.Block(b)
		s.Reseed(b, &pcg)
		for i := range 100 {
			require.Equal(t, want.Uint64(), r.Uint64(), "block %d, draw %d", b, i)
		}
	}
}

// TestFloatsAllocatesNothing requires Floats to return a contiguous array's
// own data without allocating.
func TestFloatsAllocatesNothing(t *testing.T) {
	x64, x32 := tensor.Vector(1.0, 2, 3), tensor.Vector[float32](1, 2)
	allocs := testing.AllocsPerRun(10, func() {
		_, _ = tensor.Floats[float64](x64)
		_, _ = tensor.Floats[float32](x32)
	})
	require.Zero(t, allocs)
	d, err := tensor.Floats[float64](x64)
	require.NoError(t, err)
	d[0] = 9
	require.Equal(t, []float64{9, 2, 3}, x64.Data(), "shares the array's memory")
}

// TestParallel pins when ForBlocks spreads work: from ParallelMin elements
// and more than one P. Not parallel: GOMAXPROCS is process-wide.
func TestParallel(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	require.False(t, tensor.Parallel(0))
	require.False(t, tensor.Parallel(tensor.ParallelMin-1))
	require.True(t, tensor.Parallel(tensor.ParallelMin))
	runtime.GOMAXPROCS(1)
	require.False(t, tensor.Parallel(tensor.ParallelMin))
}
