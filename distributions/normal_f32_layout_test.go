package distributions_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// TestNormalFloat32SampleLayouts draws float32 Normal samples with the same
// loc and scale laid out three ways (scalars, full contiguous arrays, and
// broadcast (2,1)×(1,6) arrays, each with the sample's runs of even length,
// so that the ε are the same words in the same order) and requires the same
// values: the broadcast, contiguous and general paths of μ + σε agree.
func TestNormalFloat32SampleLayouts(t *testing.T) {
	f32 := func(v []float32, shp ...int) *tensor.Dense { return must(tensor.New(v, shp...)) }
	sample := func(loc, scale *tensor.Dense, shp ...int) []float32 {
		d := must(distributions.NewNormal(loc, scale))
		x := must(d.Sample(rand.NewPCG(8, 9), shp...))
		return must(tensor.Floats[float32](x))
	}
	// Scalars against full arrays of the same values.
	full := func(v float32, n int) []float32 {
		s := make([]float32, n)
		for i := range s {
			s[i] = v
		}
		return s
	}
	a := sample(f32([]float32{1.5}), f32([]float32{0.25}), 1000)
	b := sample(f32(full(1.5, 1000), 1000), f32(full(0.25, 1000), 1000))
	require.Equal(t, a, b)
	// Broadcast (2,1) and (1,6) against the full (2,6) arrays.
	loc, scale := []float32{-2, 3}, []float32{0.5, 1, 2, 4, 8, 16}
	var lf, sf []float32
	for i := range 2 {
		for j := range 6 {
			lf, sf = append(lf, loc[i]), append(sf, scale[j])
		}
	}
	c := sample(f32(loc, 2, 1), f32(scale, 1, 6), 50)
	e := sample(f32(lf, 2, 6), f32(sf, 2, 6), 50)
	require.Equal(t, e, c)
}
