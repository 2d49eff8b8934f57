package distributions_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// TestDeterminismAcrossGOMAXPROCS draws, for every family, more than
// tensor.ParallelMin events (so that every kernel that splits work does)
// with one seed at GOMAXPROCS 1, 2 and 8, and requires bit-identical
// arrays from Sample and, where the family has it, RSample, and from
// LogProb of those draws. Not parallel: GOMAXPROCS is process-wide.
func TestDeterminismAcrossGOMAXPROCS(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	const batch = 3
	n := tensor.ParallelMin/batch + 1
	for i, fc := range familyCases {
		t.Run(fc.name, func(t *testing.T) {
			d, err := fc.gen(rand.New(rand.NewPCG(uint64(i), 1)), []int{batch})
			require.NoError(t, err)
			draw := map[string]func(rand.Source, ...int) (*tensor.Dense, error){"Sample": d.Sample}
			if rs, ok := d.(distributions.RSampler); ok && distributions.HasRSample(d) {
				draw["RSample"] = rs.RSample
			}
			for name, f := range draw {
				var first []uint64
				for _, procs := range []int{1, 2, 8} {
					runtime.GOMAXPROCS(procs)
					x, err := f(rand.NewPCG(42, uint64(i)), n)
					require.NoError(t, err)
					bits := bitsOf(t, x)
					require.Greater(t, len(bits), tensor.ParallelMin)
					lp, err := d.LogProb(x) // the parallel log_prob kernels too
					require.NoError(t, err)
					bits = append(bits, bitsOf(t, lp)...)
					if first == nil {
						first = bits
						continue
					}
					require.True(t, equalBits(first, bits), "%s at GOMAXPROCS %d differs from GOMAXPROCS 1: %s", name, procs, firstDiff(first, bits))
				}
			}
		})
	}
}

// bitsOf returns the bit patterns of x's elements (float32, float64 or
// int64), so that equal NaNs compare equal and -0 differs from 0.
func bitsOf(t *testing.T, x *tensor.Dense) []uint64 {
	t.Helper()
	var out []uint64
	switch v := x.Data().(type) {
	case []float64:
		for _, e := range v {
			out = append(out, math.Float64bits(e))
		}
	case []float32:
		for _, e := range v {
			out = append(out, uint64(math.Float32bits(e)))
		}
	case []int64:
		for _, e := range v {
			out = append(out, uint64(e))
		}
	default:
		t.Fatalf("unexpected data %T", v)
	}
	return out
}

func equalBits(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// firstDiff describes the first differing element of a and b.
func firstDiff(a, b []uint64) string {
	if len(a) != len(b) {
		return fmt.Sprintf("lengths %d and %d", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			return fmt.Sprintf("first at element %d", i)
		}
	}
	return "none"
}
