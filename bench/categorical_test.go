package bench

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// catK is torch_bench.py's K: categories of Categorical.
const catK = 10

// Categorical joins the grid of bench_test.go (BenchmarkLogProb,
// BenchmarkLogProbInto, BenchmarkSample, BenchmarkSampleScalar; it has no
// RSample) as torch_bench.py's make_case builds it: logits [N, K] ~ N(0, 1),
// x [N] indices uniform in {0..K-1} (written in the dtype dt, which LogProb
// takes like torch's int64 after .long()), and sample_scalar from logits
// [K] ~ N(0, 1). Each of the K parameter columns is drawn as a vector [N]
// and build stacks them into [N, K] (outside the timing, like torch's
// construction); events = N.
func init() {
	params := make([]func(*rand.Rand) float64, catK)
	for j := range params {
		params[j] = stdNormal
	}
	r := rand.New(rand.NewPCG(seed, seed+2))
	scalar := make([]float64, catK)
	for j := range scalar {
		scalar[j] = r.NormFloat64()
	}
	families = append(families, family{
		name: "Categorical",
		build: func(ps []*tensor.Dense) (distributions.Distribution, error) {
			logits, err := stackLast(ps)
			if err != nil {
				return nil, err
			}
			return distributions.NewCategoricalLogits(logits, noVal)
		},
		params: params,
		value:  func(r *rand.Rand) float64 { return float64(r.IntN(catK)) },
		scalar: scalar,
	})
}

// stackLast stacks arrays of one shape s and dtype along a new last dim:
// shape s + (len(ps),).
func stackLast(ps []*tensor.Dense) (*tensor.Dense, error) {
	s := tensor.ShapeOf(ps[0])
	shp := append(s, len(ps))
	if ps[0].Dtype() == tensor.Float32 {
		return stackInto[float32](ps, shp)
	}
	return stackInto[float64](ps, shp)
}

func stackInto[T tensor.Float](ps []*tensor.Dense, shp []int) (*tensor.Dense, error) {
	k := len(ps)
	res, dst := tensor.Alloc[T](shp)
	for j, p := range ps {
		src, err := tensor.Floats[T](p)
		if err != nil {
			return nil, err
		}
		for i, v := range src {
			dst[i*k+j] = v
		}
	}
	return res, nil
}

// BenchmarkEnumerateLogProb times Pyro's enumeration step for Categorical,
// d.LogProb(d.EnumerateSupport(false)) with logits [1e4, K] ~ N(0, 1)
// (float64, no validation): "tagged" passes the support itself, which
// LogProb scores by transposing the normalised logits; "gather" passes the
// same (K, 1) indices as a plain int64 array, decoded and gathered element
// by element. ns/elem is per element of the (K, 1e4) result.
func BenchmarkEnumerateLogProb(b *testing.B) {
	const batch = 10_000
	for _, path := range []string{"tagged", "gather"} {
		for _, k := range []int{2, 10, 100, 1000} {
			b.Run(fmt.Sprintf("%s/K=%d", path, k), func(b *testing.B) {
				r := rand.New(rand.NewPCG(seed, uint64(k)))
				logits := make([]float64, batch*k)
				for i := range logits {
					logits[i] = r.NormFloat64()
				}
				lt, err := tensor.New(logits, batch, k)
				if err != nil {
					b.Fatal(err)
				}
				d, err := distributions.NewCategoricalLogits(lt, noVal)
				if err != nil {
					b.Fatal(err)
				}
				s, err := d.EnumerateSupport(false)
				if err != nil {
					b.Fatal(err)
				}
				var x tensor.Value = s
				if path == "gather" {
					plain, err := tensor.New(append([]int64(nil), s.Int64s()...), k, 1)
					if err != nil {
						b.Fatal(err)
					}
					x = plain
				}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := d.LogProb(x); err != nil {
						b.Fatal(err)
					}
				}
				if b.N > 0 {
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*k*batch), "ns/elem")
				}
			})
		}
	}
}
