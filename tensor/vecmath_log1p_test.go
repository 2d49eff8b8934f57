package tensor

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Log1pSlice's accuracy contract, in ulps of the exact result, pure-Go and
// vector forms alike. Measured maxima (go test -v -run Log1p, both builds):
// 0.76 in float64, 0.78 in float32.
const (
	log1pULP64 = 1.0
	log1pULP32 = 1.0
)

var log1p64Kernels = map[string]func(dst, x []float64){
	"Log1pSlice": func(d, x []float64) { Log1pSlice(d, x) },
	"log1p Go":   log1pSlice64Go,
}

var log1p32Kernels = map[string]func(dst, x []float32){
	"Log1pSlice": func(d, x []float32) { Log1pSlice(d, x) },
	"log1p Go":   log1pSlice32Go,
}

// TestLog1pSpecials checks the values where log1p is exact: ±0 (sign
// kept), subnormals and other x below 2^-53 (log1p x = x), -1 (-Inf),
// x < -1 and NaN (NaN), ±Inf (+Inf, NaN); both dtypes, every form.
func TestLog1pSpecials(t *testing.T) {
	t.Parallel()
	xs := []float64{
		0, math.Copysign(0, -1), 5e-324, -5e-324, 1e-310, -1e-310, 0x1p-1022, 1e-20, -1e-20, 0x1p-54,
		-1, -1 - 0x1p-52, -2, -1e300, math.Inf(1), math.Inf(-1), math.NaN(),
	}
	for name, k := range log1p64Kernels {
		got := make([]float64, len(xs))
		k(got, xs)
		for i, x := range xs {
			assert.True(t, same(math.Log1p(x), got[i]), "%s(%v) = %v, want %v", name, x, got[i], math.Log1p(x))
		}
	}
	for name, k := range log1p32Kernels {
		x32 := make([]float32, len(xs))
		for i, x := range xs {
			x32[i] = float32(x)
		}
		x32 = append(x32, 1e-45, -1e-45, 0x1p-25, -0x1p-25, -1+0x1p-24)
		got := make([]float32, len(x32))
		k(got, x32)
		for i, x := range x32 {
			want := float32(math.Log1p(float64(x)))
			if i == len(x32)-1 { // log(2^-24), finite and not exact
				assert.Less(t, ulpErr32(got[i], math.Log1p(float64(x))), log1pULP32, "%s(%v)", name, x)
				continue
			}
			assert.True(t, same(float64(want), float64(got[i])), "%s(%v) = %v, want %v", name, x, got[i], want)
		}
	}
}

// log1pInputs draws n arguments over log1p's whole finite domain: tiny
// |x| (log-uniform exponents, subnormals included), x in (-1, -0.5] near
// the pole, [-0.5, 1] uniformly, and large x.
func log1pInputs(n int, r *rand.Rand) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		switch i % 4 {
		case 0:
			xs[i] = math.Ldexp(1+r.Float64(), -1-r.IntN(1074)) * float64(1-2*r.IntN(2))
		case 1:
			xs[i] = -1 + 0.5*math.Ldexp(1+r.Float64(), -r.IntN(53))
		case 2:
			xs[i] = -0.5 + 1.5*r.Float64()
		default:
			xs[i] = math.Ldexp(1+r.Float64(), r.IntN(1024))
		}
	}
	return xs
}

// TestLog1pULP64 checks the float64 kernels against a 160-bit math/big
// reference.
func TestLog1pULP64(t *testing.T) {
	t.Parallel()
	n := 8000
	if testing.Short() {
		n = 1000
	}
	xs := log1pInputs(n, rand.New(rand.NewPCG(9, 4)))
	got := make([]float64, n)
	for name, k := range log1p64Kernels {
		k(got, xs)
		worst, at := 0.0, 0.0
		for i, x := range xs {
			if e := ulpErr64(got[i], bigLog1p(x)); e > worst {
				worst, at = e, x
			}
		}
		t.Logf("%s: max %.3f ulp at %v", name, worst, at)
		assert.Less(t, worst, log1pULP64, "%s at %v", name, at)
	}
}

// TestLog1pULP32 checks the float32 kernels against math.Log1p in float64
// on every float32 in a stride through the bit patterns of (-1, +Inf), and
// on random arguments near 0 and -1.
func TestLog1pULP32(t *testing.T) {
	t.Parallel()
	stride := uint32(1021)
	if testing.Short() {
		stride = 65537
	}
	var xs []float32
	for b := uint32(0); b < 0x7f800000; b += stride { // [0, MaxFloat32]
		xs = append(xs, math.Float32frombits(b))
	}
	for b := uint32(0x80000000); b < 0xbf800000; b += stride { // (-1, -0]
		xs = append(xs, math.Float32frombits(b))
	}
	r := rand.New(rand.NewPCG(9, 5))
	for range 100_000 {
		xs = append(xs, float32((r.Float64()-0.5)*math.Ldexp(1, -r.IntN(30))))
		xs = append(xs, float32(-1+math.Ldexp(1+r.Float64(), -2-r.IntN(22))))
	}
	got := make([]float32, len(xs))
	for name, k := range log1p32Kernels {
		k(got, xs)
		worst, at := 0.0, float32(0)
		for i, x := range xs {
			want := math.Log1p(float64(x))
			if math.IsInf(want, 0) || float32(want) == 0 {
				require.True(t, same(float64(float32(want)), float64(got[i])), "%s(%v) = %v, want %v", name, x, got[i], float32(want))
				continue
			}
			if e := ulpErr32(got[i], want); e > worst {
				worst, at = e, x
			}
		}
		t.Logf("%s: max %.3f ulp at %v (%d arguments)", name, worst, at, len(xs))
		assert.Less(t, worst, log1pULP32, "%s at %v", name, at)
	}
}

// TestLog1pAgree checks that the vector and pure-Go forms agree within
// 2 ulps on lengths that exercise the vector tails, in place as well, and
// that Log1pSlice writes min(len(dst), len(x)) elements.
func TestLog1pAgree(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(9, 6))
	for n := range 20 {
		x64 := log1pInputs(n, r)
		x32 := make([]float32, n)
		for i, v := range x64 {
			x32[i] = float32(v)
		}
		a, b := make([]float64, n), make([]float64, n)
		Log1pSlice(a, x64)
		log1pSlice64Go(b, x64)
		a32, b32 := make([]float32, n), make([]float32, n)
		Log1pSlice(a32, x32)
		log1pSlice32Go(b32, x32)
		Log1pSlice(x64, x64) // in place
		Log1pSlice(x32, x32)
		for i := range a {
			assert.LessOrEqual(t, ulpDiff64(a[i], b[i]), 2.0, "n=%d [%d]", n, i)
			assert.LessOrEqual(t, ulpDiff32(a32[i], b32[i]), 2.0, "n=%d [%d]", n, i)
			assert.True(t, same(a[i], x64[i]) && same(float64(a32[i]), float64(x32[i])), "in place, n=%d [%d]", n, i)
		}
	}
	dst := []float64{7, 7, 7}
	require.Equal(t, 2, Log1pSlice(dst, []float64{1, 0.5}))
	require.Equal(t, []float64{log1p64(1), log1p64(0.5), 7}, dst)
	type named float64 // through the generic fallback, in float64
	dn := make([]named, 1)
	require.Equal(t, 1, Log1pSlice(dn, []named{1e-30, 3}))
	require.Equal(t, named(1e-30), dn[0])
}

// bigLog1p is log(1+x) for finite x > -1 to bigPrec bits: on [-0.5, 1]
// 2 atanh(s), s = x/(2+x) in [-1/3, 1/3], which keeps tiny x's relative
// precision; elsewhere 1+x (rounded to bigPrec bits, exact for x ≤ -0.5)
// = 2^e·m, m in [0.5, 1), log m = 2 atanh((m-1)/(m+1)).
func bigLog1p(x float64) *big.Float {
	nb := func() *big.Float { return new(big.Float).SetPrec(bigPrec) }
	xb, one := nb().SetFloat64(x), big.NewFloat(1)
	var s *big.Float
	e := 0
	if x >= -0.5 && x <= 1 {
		s = nb().Quo(xb, nb().Add(xb, big.NewFloat(2)))
	} else {
		m := nb()
		e = nb().Add(xb, one).MantExp(m)
		s = nb().Quo(nb().Sub(m, one), nb().Add(m, one))
	}
	s2, pow, sum := nb().Mul(s, s), nb().Set(s), nb()
	for j := 0; j < 110; j++ {
		sum.Add(sum, nb().Quo(pow, big.NewFloat(float64(2*j+1))))
		pow.Mul(pow, s2)
	}
	sum.Mul(sum, big.NewFloat(2))
	return sum.Add(sum, nb().Mul(bigLn2, big.NewFloat(float64(e))))
}

// TestBigLog1p checks the reference against math.Log1p and bigLog.
func TestBigLog1p(t *testing.T) {
	t.Parallel()
	for _, x := range []float64{-0.9, -0.5, -1e-10, 1e-300, 0.3, 1, 3, 1e100} {
		got, _ := bigLog1p(x).Float64()
		assert.InDelta(t, math.Log1p(x), got, 3e-16*math.Abs(math.Log1p(x)), "log1p %v", x)
	}
	got, _ := bigLog1p(7).Float64()
	assert.Equal(t, must64(bigLog(8).Float64()), got)
}
