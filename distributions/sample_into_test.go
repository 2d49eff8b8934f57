package distributions_test

import (
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// TestSampleIntoMatchesSample requires, for every family with SampleInto,
// the bits of Sample(src, 2, 3) from the same seed, at a small size and at
// one above tensor.ParallelMin under GOMAXPROCS 1 and 2 (the serial and
// the parallel fill). Not parallel: GOMAXPROCS is process-wide.
func TestSampleIntoMatchesSample(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	seen := 0
	for i, fc := range familyCases {
		d, err := fc.gen(rand.New(rand.NewPCG(uint64(i), 3)), []int{4})
		require.NoError(t, err)
		si, ok := d.(distributions.SampleIntoer)
		if !ok {
			continue
		}
		seen++
		t.Run(fc.name, func(t *testing.T) {
			for _, sampleShape := range [][]int{{2, 3}, {tensor.ParallelMin/4 + 1}} {
				for _, procs := range []int{1, 2} {
					runtime.GOMAXPROCS(procs)
					want, err := d.Sample(rand.NewPCG(7, uint64(i)), sampleShape...)
					require.NoError(t, err)
					dst := tensor.Like(want)
					require.NoError(t, si.SampleInto(dst, rand.NewPCG(7, uint64(i))))
					require.True(t, equalBits(bitsOf(t, want), bitsOf(t, dst)), "shape %v, GOMAXPROCS %d: %s", sampleShape, procs, firstDiff(bitsOf(t, want), bitsOf(t, dst)))
				}
			}
		})
	}
	require.GreaterOrEqual(t, seen, 25, "scalar families with SampleInto")
}

// TestSampleIntoFloat32 is TestSampleIntoMatchesSample's check in float32,
// with broadcast parameters (loc (3, 1), scale (4,)).
func TestSampleIntoFloat32(t *testing.T) {
	t.Parallel()
	loc := must(tensor.New([]float32{-1, 0, 2}, 3, 1))
	d := must(distributions.NewNormal(loc, tensor.Vector[float32](0.5, 1, 2, 4)))
	want := must(d.Sample(rand.NewPCG(1, 2), 5))
	dst := must(tensor.Zeros[float32](5, 3, 4))
	require.NoError(t, d.SampleInto(dst, rand.NewPCG(1, 2)))
	require.Equal(t, want.Data(), dst.Data())
}

func TestSampleIntoErrors(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewGamma(f64(1, 2), f64(1)))
	src := rand.NewPCG(1, 1)
	tests := []struct {
		name string
		dst  *tensor.Dense
		src  rand.Source
		want error
	}{
		{"nil source", must(tensor.Zeros[float64](2)), nil, tensor.ErrNilSource},
		{"nil array", nil, src, distributions.ErrDType},
		{"float32 array", must(tensor.Zeros[float32](2)), src, distributions.ErrDType},
		{"not ending in the batch shape", must(tensor.Zeros[float64](2, 3)), src, distributions.ErrShape},
		{"shorter than the batch shape", must(tensor.Zeros[float64]()), src, distributions.ErrShape},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.ErrorIs(t, d.SampleInto(tc.dst, tc.src), tc.want)
		})
	}
}
