package tensor_test

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed39ad66a2/tensordist/tensor"
)

// streams returns the Streams keyed from a PCG source seeded with seed.
func streams(t testing.TB, seed uint64) tensor.Streams {
	t.Helper()
	s, err := tensor.NewStreams(rand.NewPCG(seed, 0x5eed))
	require.NoError(t, err)
	return s
}

// withGOMAXPROCS runs f at GOMAXPROCS n and restores the old value. Its
// callers must not be parallel tests.
func withGOMAXPROCS(n int, f func()) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(n))
	f()
}

func TestNewStreams(t *testing.T) {
	t.Parallel()
	_, err := tensor.NewStreams(nil)
	require.ErrorIs(t, err, tensor.ErrNilSource)

	// NewStreams draws exactly two words from the caller's source.
	src, ref := rand.NewPCG(1, 2), rand.NewPCG(1, 2)
	_, err = tensor.NewStreams(src)
	require.NoError(t, err)
	ref.Uint64()
	ref.Uint64()
	assert.Equal(t, ref.Uint64(), src.Uint64())
}

func TestStreamsBlocks(t *testing.T) {
	t.Parallel()
	s := streams(t, 1)
	first := func(r *rand.Rand) []uint64 {
		out := make([]uint64, 4)
		for i := range out {
			out[i] = r.Uint64()
		}
		return out
	}
	assert.Equal(t, first(s.Block(3)), first(s.Block(3)), "a block's stream is reproducible")
	seen := map[uint64]int{}
	for b := range 1000 {
		v := s.Block(b).Uint64()
		if prev, ok := seen[v]; ok {
			t.Fatalf("blocks %d and %d start with the same word", prev, b)
		}
		seen[v] = b
	}
	assert.NotEqual(t, first(s.Block(0)), first(streams(t, 2).Block(0)), "another seed, another stream")
}

func TestFillSameSeedSameDraws(t *testing.T) {
	t.Parallel()
	const n = 3*tensor.Block + 7
	a, b, c := make([]float64, n), make([]float64, n), make([]float64, n)
	tensor.Fill(streams(t, 42), a, tensor.StdNormal)
	tensor.Fill(streams(t, 42), b, tensor.StdNormal)
	tensor.Fill(streams(t, 43), c, tensor.StdNormal)
	assert.Equal(t, a, b)
	assert.NotEqual(t, a, c)

	// float32 draws are the float64 draws rounded.
	f := make([]float32, n)
	tensor.Fill(streams(t, 42), f, tensor.StdNormal)
	for i := range f {
		require.Equal(t, float32(a[i]), f[i], "index %d", i)
	}
}

// TestFillIndependentOfGOMAXPROCS fills 1e6 draws, above ParallelMin, at
// GOMAXPROCS 1 and 2; both must be bit-identical to a serial replay of each
// block's stream. Not parallel: it changes GOMAXPROCS.
func TestFillIndependentOfGOMAXPROCS(t *testing.T) {
	const n = 1_000_000
	require.Greater(t, n, tensor.ParallelMin)
	s := streams(t, 7)
	want := make([]float64, n)
	for b := 0; b*tensor.Block < n; b++ {
		r := s.Block(b)
		for i := b * tensor.Block; i < min(n, (b+1)*tensor.Block); i++ {
			want[i] = r.NormFloat64()
		}
	}
	for _, procs := range []int{1, 2} {
		got := make([]float64, n)
		for i := range got {
			got[i] = math.NaN()
		}
		withGOMAXPROCS(procs, func() { tensor.Fill(s, got, tensor.StdNormal) })
		for i := range want {
			if math.Float64bits(want[i]) != math.Float64bits(got[i]) {
				t.Fatalf("GOMAXPROCS=%d: element %d is %v, want %v", procs, i, got[i], want[i])
			}
		}
	}
}

// recordBlocks calls ForBlocks(n) and returns the visits of each block.
func recordBlocks(t *testing.T, n int, fn func(b int)) (counts []int32, order []int) {
	t.Helper()
	blocks := (n + tensor.Block - 1) / tensor.Block
	c := make([]atomic.Int32, blocks)
	var mu sync.Mutex
	tensor.ForBlocks(n, func(b, lo, hi int) {
		if b < 0 || b >= blocks {
			t.Errorf("block %d out of [0, %d)", b, blocks)
			return
		}
		if lo != b*tensor.Block || hi != min(n, (b+1)*tensor.Block) {
			t.Errorf("block %d is [%d, %d)", b, lo, hi)
		}
		c[b].Add(1)
		mu.Lock()
		order = append(order, b)
		mu.Unlock()
		if fn != nil {
			fn(b)
		}
	})
	counts = make([]int32, blocks)
	for b := range c {
		counts[b] = c[b].Load()
	}
	return counts, order
}

func ones(n int) []int32 {
	out := make([]int32, n)
	for i := range out {
		out[i] = 1
	}
	return out
}

// TestForBlocks checks both regimes. Not parallel: it changes GOMAXPROCS.
func TestForBlocks(t *testing.T) {
	t.Run("serial below ParallelMin", func(t *testing.T) {
		for _, n := range []int{0, 1, tensor.Block, tensor.Block + 1, tensor.ParallelMin - 1} {
			withGOMAXPROCS(2, func() {
				counts, order := recordBlocks(t, n, nil)
				blocks := (n + tensor.Block - 1) / tensor.Block
				assert.Equal(t, ones(blocks), counts, "n = %d", n)
				assert.True(t, slices.IsSorted(order), "n = %d: serial blocks run in order, got %v", n, order)
			})
		}
	})
	t.Run("serial at GOMAXPROCS 1", func(t *testing.T) {
		n := 3*tensor.ParallelMin + 5
		withGOMAXPROCS(1, func() {
			counts, order := recordBlocks(t, n, nil)
			assert.Equal(t, ones(len(counts)), counts)
			assert.True(t, slices.IsSorted(order))
		})
	})
	t.Run("parallel", func(t *testing.T) {
		n := tensor.ParallelMin + 17
		started := make(chan struct{}) // closed when any block other than 0 starts
		var once sync.Once
		withGOMAXPROCS(2, func() {
			counts, _ := recordBlocks(t, n, func(b int) {
				if b != 0 {
					once.Do(func() { close(started) })
					return
				}
				select { // block 0 waits for a second worker
				case <-started:
				case <-time.After(10 * time.Second):
					t.Error("no second block ran while block 0 was running: ForBlocks ran serially")
				}
			})
			assert.Equal(t, ones((n+tensor.Block-1)/tensor.Block), counts)
		})
	})
}

// ksPValue returns the asymptotic p-value of the one-sample Kolmogorov-Smirnov
// statistic d over n draws (Stephens' small-n correction, as in Numerical
// Recipes' probks).
func ksPValue(d float64, n int) float64 {
	sn := math.Sqrt(float64(n))
	lambda := (sn + 0.12 + 0.11/sn) * d
	var sum float64
	sign := 1.0
	for k := 1; k <= 100; k++ {
		term := sign * 2 * math.Exp(-2*float64(k*k)*lambda*lambda)
		sum += term
		if term == 0 || math.Abs(term) <= 1e-16*math.Abs(sum) {
			return min(1, max(0, sum))
		}
		sign = -sign
	}
	return 1 // lambda near 0: the series has not converged, and p is 1
}

// ksStatistic returns sup |F_n(x) - cdf(x)| of the draws xs (sorted in place).
func ksStatistic(xs []float64, cdf func(float64) float64) float64 {
	slices.Sort(xs)
	n := float64(len(xs))
	var d float64
	for i, x := range xs {
		f := cdf(x)
		d = max(d, float64(i+1)/n-f, f-float64(i)/n)
	}
	return d
}

func normalCDF(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }

func TestStdDrawsKS(t *testing.T) {
	t.Parallel()
	const n = 100_000
	tests := []struct {
		name       string
		draw       func(*rand.Rand) float64
		cdf        func(float64) float64
		mean, vari float64
		wantReject bool
	}{
		{"StdNormal", tensor.StdNormal, normalCDF, 0, 1, false},
		{"StdExponential", tensor.StdExponential, func(x float64) float64 { return -math.Expm1(-x) }, 1, 1, false},
		{"StdUniform", tensor.StdUniform, func(x float64) float64 { return x }, 0.5, 1.0 / 12, false},
		// The check has power: normals are not N(0.05, 1).
		{"StdNormal vs N(0.05, 1)", tensor.StdNormal, func(x float64) float64 { return normalCDF(x - 0.05) }, 0, 1, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			xs := make([]float64, n)
			tensor.Fill(streams(t, 2024), xs, tc.draw)
			var mean, m2 float64
			for _, x := range xs {
				mean += x
			}
			mean /= n
			for _, x := range xs {
				m2 += (x - mean) * (x - mean)
			}
			vari := m2 / (n - 1)
			// Five standard errors; the variance's assumes a kurtosis of at most 9 (exponential).
			assert.InDelta(t, tc.mean, mean, 5*math.Sqrt(tc.vari/n), "mean")
			assert.InDelta(t, tc.vari, vari, 5*tc.vari*math.Sqrt(8.0/n), "variance")

			d := ksStatistic(xs, tc.cdf)
			p := ksPValue(d, n)
			t.Logf("mean %.4g, variance %.4g, KS D = %.3g, p = %.3g", mean, vari, d, p)
			if tc.wantReject {
				assert.Less(t, p, 1e-4, "KS D = %v", d)
			} else {
				assert.GreaterOrEqual(t, p, 1e-4, "KS D = %v", d)
			}
		})
	}
}

func TestKSPValue(t *testing.T) {
	t.Parallel()
	// Kolmogorov's distribution: P(K > 1.3581) = 0.05, P(K > 1.6276) = 0.01.
	const n = 1 << 40 // the small-n correction vanishes
	assert.InDelta(t, 0.05, ksPValue(1.3581/math.Sqrt(n), n), 1e-4)
	assert.InDelta(t, 0.01, ksPValue(1.6276/math.Sqrt(n), n), 1e-4)
	assert.Equal(t, 1.0, ksPValue(0, 100))
}
