package distributions_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// TestNormalRSampleVJPSums checks Normal's written-out RSampleVJP against
// the sums done here with explicit broadcast indices, in float64: ∂L/∂μ_j
// = Σ g and ∂L/∂σ_j = Σ g·(x−μ)/σ over the elements that use μ_j (σ_j),
// for parameters shaped like x and for broadcast ones, an upstream with
// zeros and a nil upstream, in both dtypes (float32 against the float64
// sums rounded once).
func TestNormalRSampleVJPSums(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(5, 6))
	rnd := func(n int, lo, hi float64) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = lo + (hi-lo)*r.Float64()
		}
		return v
	}
	type layout struct {
		locShape, scaleShape, sample []int
		// loc and scale index of element i of x, shaped sample+batch
		idx func(i int) (int, int)
	}
	layouts := []layout{
		{[]int{37}, []int{37}, nil, func(i int) (int, int) { return i, i }},
		// loc [3, 1], scale [2]: batch [3, 2]; x [4, 3, 2]
		{[]int{3, 1}, []int{2}, []int{4}, func(i int) (int, int) { return (i / 2) % 3, i % 2 }},
		// loc [5], scale [5], sample [3]: x [3, 5]
		{[]int{5}, []int{5}, []int{3}, func(i int) (int, int) { return i % 5, i % 5 }},
	}
	for li, l := range layouts {
		for _, dt := range []string{"f64", "f32"} {
			for _, withUp := range []bool{false, true} {
				nl, ns := size(l.locShape), size(l.scaleShape)
				locV, scaleV := rnd(nl, -2, 2), rnd(ns, 0.5, 2)
				loc, scale := denseOf(dt, locV, l.locShape), denseOf(dt, scaleV, l.scaleShape)
				d := must(distributions.NewNormal(loc, scale))
				x := must(d.RSample(rand.NewPCG(1, uint64(li)), l.sample...))
				xv := data64(t, x)
				var up tensor.Value
				gv := make([]float64, len(xv))
				for i := range gv {
					gv[i] = 1
				}
				if withUp {
					gv = rnd(len(xv), -1, 1)
					gv[0], gv[len(gv)-1] = 0, 0
					if dt == "f32" {
						for i, g := range gv {
							gv[i] = float64(float32(g))
						}
					}
					up = denseOf(dt, gv, tensor.ShapeOf(x))
				}
				got, err := d.RSampleVJP(x, up)
				require.NoError(t, err)
				locD, scaleD := data64(t, loc), data64(t, scale)
				wl, ws := make([]float64, nl), make([]float64, ns)
				for i, xi := range xv {
					j, k := l.idx(i)
					wl[j] += gv[i]
					ws[k] += gv[i] * (xi - locD[j]) / scaleD[k]
				}
				tol := 1e-14
				if dt == "f32" {
					tol = 0x1p-23
				}
				close(t, wl, data64(t, got["loc"]), tol, 1e-300)
				close(t, ws, data64(t, got["scale"]), tol, 1e-300)
				require.Equal(t, l.locShape, tensor.ShapeOf(got["loc"]))
				require.Equal(t, l.scaleShape, tensor.ShapeOf(got["scale"]))
				if withUp && len(l.sample) == 0 {
					// a zero upstream adds exactly +0
					require.Equal(t, 0.0, data64(t, got["loc"])[0])
					require.False(t, math.Signbit(data64(t, got["scale"])[0]))
				}
			}
		}
	}
}

func size(s []int) int {
	n := 1
	for _, v := range s {
		n *= v
	}
	return n
}

func denseOf(dt string, v []float64, s []int) *tensor.Dense {
	if dt == "f32" {
		w := make([]float32, len(v))
		for i, x := range v {
			w[i] = float32(x)
		}
		return must(tensor.New(w, s...))
	}
	return must(tensor.New(v, s...))
}
