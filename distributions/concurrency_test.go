package distributions_test

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// TestConcurrentUse checks the documented guarantee: one distribution value
// serves concurrent Sample, RSample, LogProb and LogProbGrad calls from many
// goroutines, each with its own source, and every goroutine gets what a
// lone caller with the same seed gets. Run under -race, it also finds
// unsynchronised writes to shared state (caches, scratch buffers).
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	const workers = 4
	for i, fc := range familyCases {
		t.Run(fc.name, func(t *testing.T) {
			t.Parallel()
			d, err := fc.gen(rand.New(rand.NewPCG(uint64(i), 7)), []int{2, 3})
			require.NoError(t, err)
			want := make([]string, workers)
			for w := range want {
				want[w] = useOnce(d, uint64(w))
			}
			got := make([]string, workers)
			var wg sync.WaitGroup
			for w := range workers {
				wg.Go(func() { got[w] = useOnce(d, uint64(w)) })
			}
			wg.Wait()
			require.Equal(t, want, got)
		})
	}
}

// useOnce draws from d with the seed, scores the draws and, where d has
// them, draws by RSample and differentiates log_prob; it returns all of it
// printed (errors included), for comparison.
func useOnce(d distributions.Distribution, seed uint64) string {
	src := rand.NewPCG(seed, 1)
	x, err := d.Sample(src, 5)
	if err != nil {
		return "sample: " + err.Error()
	}
	lp, err := d.LogProb(x)
	out := fmt.Sprint(x.Data(), dataOf(lp), err)
	if rs, ok := d.(distributions.RSampler); ok && distributions.HasRSample(d) {
		y, err := rs.RSample(src, 5)
		out += fmt.Sprint(dataOf(y), err)
		if g, ok := d.(distributions.LogProbGrader); ok && err == nil {
			gr, err := g.LogProbGrad(y)
			if err == nil {
				out += fmt.Sprint(gr.LogProb, dataOf(gr.Value))
				for _, name := range slices.Sorted(maps.Keys(gr.Params)) {
					out += fmt.Sprint(name, dataOf(gr.Params[name]))
				}
			} else {
				out += err.Error()
			}
		}
	}
	if e, ok := d.(distributions.Entropier); ok {
		h, err := e.Entropy()
		out += fmt.Sprint(dataOf(h), err)
	}
	return out
}

// dataOf is t's elements, nil for a nil array.
func dataOf(t *tensor.Dense) any {
	if t == nil {
		return nil
	}
	return t.Data()
}
