package tensor

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The kernels' accuracy contract, in ulps of the exact result (float32
// ulps for the float32 kernels), pure-Go and vector forms alike. Measured
// maxima (go test -v -run VecMathULP, both builds): log 0.52 / exp 0.81 in
// float64, log 0.77 / exp 0.97 in float32.
const (
	logULP64 = 1.0
	expULP64 = 1.0
	logULP32 = 1.0
	expULP32 = 1.0
)

// kernels64 and kernels32 are every form under test: the exported
// dispatchers (AVX2 under GOEXPERIMENT=simd) and the pure-Go loops.
var kernels64 = map[string]func(dst, x []float64){
	"LogSlice": func(d, x []float64) { LogSlice(d, x) },
	"log Go":   logSlice64Go,
	"ExpSlice": func(d, x []float64) { ExpSlice(d, x) },
	"exp Go":   expSlice64Go,
}

var kernels32 = map[string]func(dst, x []float32){
	"LogSlice": func(d, x []float32) { LogSlice(d, x) },
	"log Go":   logSlice32Go,
	"ExpSlice": func(d, x []float32) { ExpSlice(d, x) },
	"exp Go":   expSlice32Go,
}

func isLog(name string) bool { return name == "LogSlice" || name == "log Go" }

// specials64 are the inputs whose results must equal math.Log's (through
// Log, for subnormals) exactly, and math.Exp's where that is 0, 1, ±Inf or
// NaN (elsewhere within expULP64 of the exact value).
var specials64 = []float64{
	0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), -1, -1e-310, -math.MaxFloat64,
	5e-324, 1e-320, 0x1p-1022 - 5e-324, 0x1p-1022, 1, 2, 0.5, 0x1p-1074 * 3, math.MaxFloat64,
	-745.2, -746, -1000, 710, 1e300, -1e300, 1e-300, -1e-300,
}

// overflowEdge are arguments just below log(MaxFloat64), where math.Exp on
// amd64 (assembly) returns +Inf although e**x is finite.
var overflowEdge = []float64{709.78, 709.7827128933839, 709.782712893384}

func TestVecMathSpecials64(t *testing.T) {
	t.Parallel()
	for name, k := range kernels64 {
		got := make([]float64, len(specials64))
		k(got, specials64)
		for i, x := range specials64 {
			want := math.Exp(x)
			if isLog(name) {
				want = Log(x)
			}
			if !isLog(name) && want != 0 && want != 1 && !math.IsInf(want, 0) && want == want {
				// finite, not exact: within the accuracy bound
				assert.Less(t, ulpErr64(got[i], bigExp(x)), expULP64, "%s(%v) = %v, want %v", name, x, got[i], want)
				continue
			}
			assert.True(t, same(want, got[i]), "%s(%v) = %v, want %v", name, x, got[i], want)
		}
		if !isLog(name) {
			got := make([]float64, len(overflowEdge))
			k(got, overflowEdge)
			for i, x := range overflowEdge {
				want, _ := bigExp(x).Float64()
				assert.Less(t, ulpErr64(got[i], bigExp(x)), expULP64, "%s(%v) = %v, want %v", name, x, got[i], want)
			}
		}
	}
}

func TestVecMathSpecials32(t *testing.T) {
	t.Parallel()
	xs := []float32{
		0, float32(math.Copysign(0, -1)), float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()),
		-1, -1e-40, -math.MaxFloat32, 1e-45, 1e-40, 0x1p-126 - 1e-45, 0x1p-126, 1, 2, 0.5, math.MaxFloat32,
		-104.5, -103.97, -103.9720840454, -103.278931, -87.3, 88.72, 88.7228394, 88.72284, 89.5, 1e30, -1e30,
	}
	for name, k := range kernels32 {
		got := make([]float32, len(xs))
		k(got, xs)
		for i, x := range xs {
			want := float32(math.Exp(float64(x)))
			if isLog(name) {
				want = float32(Log(float64(x)))
			}
			assert.True(t, same(float64(want), float64(got[i])), "%s(%v) = %v, want %v", name, x, got[i], want)
		}
	}
}

// same is == with NaN equal to NaN and the sign of zero significant.
func same(a, b float64) bool {
	if a != a || b != b {
		return a != a && b != b
	}
	return a == b && math.Signbit(a) == math.Signbit(b)
}

// inputs64 draws n arguments for name: log over the whole positive range
// (log-uniform exponents, subnormals included) and around 1, exp over its
// finite range and around 0.
func inputs64(name string, n int, r *rand.Rand) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		switch {
		case isLog(name) && i%3 == 0:
			xs[i] = 1 + (r.Float64()-0.5)*0x1p-4*math.Ldexp(1, -r.IntN(40))
		case isLog(name):
			xs[i] = math.Ldexp(1+r.Float64(), r.IntN(2098)-1074)
		case i%3 == 0:
			xs[i] = (r.Float64() - 0.5) * math.Ldexp(1, -r.IntN(50))
		default:
			xs[i] = expMin64 + (expMax64-expMin64)*r.Float64()
		}
	}
	return xs
}

// TestVecMathULP64 checks the float64 kernels against a 160-bit math/big
// reference on random arguments.
func TestVecMathULP64(t *testing.T) {
	t.Parallel()
	n := 6000
	if testing.Short() {
		n = 1000
	}
	for name, k := range kernels64 {
		r := rand.New(rand.NewPCG(9, 1))
		xs := inputs64(name, n, r)
		got := make([]float64, n)
		k(got, xs)
		tol, worst, at := expULP64, 0.0, 0.0
		if isLog(name) {
			tol = logULP64
		}
		for i, x := range xs {
			var ref *big.Float
			if isLog(name) {
				ref = bigLog(x)
			} else {
				ref = bigExp(x)
			}
			if e := ulpErr64(got[i], ref); e > worst {
				worst, at = e, x
			}
		}
		t.Logf("%s: max %.3f ulp at %v", name, worst, at)
		assert.Less(t, worst, tol, "%s at %v", name, at)
	}
}

// TestVecMathULP32 checks the float32 kernels against math.Log and
// math.Exp in float64 (exact to 2^-29 float32 ulps) on every float32 in a
// stride through all bit patterns, and on random arguments near 1 (log)
// and 0 (exp).
func TestVecMathULP32(t *testing.T) {
	t.Parallel()
	stride := uint64(1021)
	if testing.Short() {
		stride = 65537
	}
	var xs []float32
	for b := uint64(0); b < 1<<32; b += stride {
		xs = append(xs, math.Float32frombits(uint32(b)))
	}
	r := rand.New(rand.NewPCG(9, 2))
	for range 100_000 {
		xs = append(xs, 1+float32((r.Float64()-0.5)*0x1p-3*math.Ldexp(1, -r.IntN(24))))
		xs = append(xs, float32((r.Float64()-0.5)*math.Ldexp(1, -r.IntN(30))))
	}
	got := make([]float32, len(xs))
	for name, k := range kernels32 {
		k(got, xs)
		tol, worst, at := expULP32, 0.0, float32(0)
		if isLog(name) {
			tol = logULP32
		}
		for i, x := range xs {
			want := math.Exp(float64(x))
			if isLog(name) {
				want = Log(float64(x))
			}
			if want != want || math.IsInf(want, 0) || float32(want) == 0 || math.IsInf(float64(float32(want)), 0) {
				require.True(t, same(float64(float32(want)), float64(got[i])), "%s(%v) = %v, want %v", name, x, got[i], float32(want))
				continue
			}
			if e := ulpErr32(got[i], want); e > worst {
				worst, at = e, x
			}
		}
		t.Logf("%s: max %.3f ulp at %v (%d arguments)", name, worst, at, len(xs))
		assert.Less(t, worst, tol, "%s at %v", name, at)
	}
}

// TestVecMathAgree checks that the vector and pure-Go forms agree within
// 2 ulps on lengths that exercise the vector tails, and that LogSlice and
// ExpSlice write min(len(dst), len(x)) elements, like copy.
func TestVecMathAgree(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(9, 3))
	for n := range 20 {
		x64 := make([]float64, n)
		x32 := make([]float32, n)
		for i := range x64 {
			x64[i] = 40 * (r.Float64() - 0.3)
			x32[i] = float32(x64[i])
		}
		for _, pair := range [][2]string{{"LogSlice", "log Go"}, {"ExpSlice", "exp Go"}} {
			a, b := make([]float64, n), make([]float64, n)
			kernels64[pair[0]](a, x64)
			kernels64[pair[1]](b, x64)
			a32, b32 := make([]float32, n), make([]float32, n)
			kernels32[pair[0]](a32, x32)
			kernels32[pair[1]](b32, x32)
			for i := range a {
				assert.LessOrEqual(t, ulpDiff64(a[i], b[i]), 2.0, "%s n=%d [%d] %v", pair[0], n, i, x64[i])
				assert.LessOrEqual(t, ulpDiff32(a32[i], b32[i]), 2.0, "%s n=%d [%d] %v", pair[0], n, i, x32[i])
			}
		}
	}
	x := []float64{1, 2, 3, 4, 5}
	dst := []float64{7, 7, 7, 7, 7, 7, 7}
	require.Equal(t, 3, ExpSlice(dst[:3], x))
	require.Equal(t, []float64{exp64(1), exp64(2), exp64(3), 7, 7, 7, 7}, dst)
	require.Equal(t, 5, LogSlice(dst, x))
	require.Equal(t, 7.0, dst[5])
	x32 := []float32{1, 2, 3}
	dst32 := make([]float32, 2)
	require.Equal(t, 2, LogSlice(dst32, x32))
	require.Equal(t, []float32{0, log32(2)}, dst32)
	type named float32 // through the generic fallback, in float64
	xn, dn := []named{2, 0.25}, make([]named, 2)
	require.Equal(t, 2, ExpSlice(dn, xn))
	require.Equal(t, []named{named(exp64(2)), named(exp64(0.25))}, dn)
	require.Equal(t, 2, LogSlice(dn, xn))
	require.Equal(t, []named{named(log64(2)), named(log64(0.25))}, dn)
}

// ulpErr64 is |got - ref| in units of the float64 spacing at ref
// (subnormal spacing below the normal range).
func ulpErr64(got float64, ref *big.Float) float64 {
	r, _ := ref.Float64()
	ulp := math.Nextafter(math.Abs(r), math.Inf(1)) - math.Abs(r)
	if math.IsInf(ulp, 0) {
		ulp = math.Abs(r) - math.Nextafter(math.Abs(r), 0)
	}
	d := new(big.Float).SetPrec(bigPrec).Sub(new(big.Float).SetFloat64(got), ref)
	e, _ := d.Quo(d, big.NewFloat(ulp)).Float64()
	return math.Abs(e)
}

// ulpErr32 is |got - ref| in float32 ulps at ref.
func ulpErr32(got float32, ref float64) float64 {
	r := float32(math.Abs(ref))
	ulp := float64(math.Nextafter32(r, float32(math.Inf(1))) - r)
	if math.IsInf(ulp, 0) {
		ulp = float64(r - math.Nextafter32(r, 0))
	}
	return math.Abs(float64(got)-ref) / ulp
}

func ulpDiff64(a, b float64) float64 {
	if same(a, b) {
		return 0
	}
	return math.Abs(a-b) / (math.Nextafter(math.Abs(a), math.Inf(1)) - math.Abs(a))
}

func ulpDiff32(a, b float32) float64 {
	if same(float64(a), float64(b)) {
		return 0
	}
	return math.Abs(float64(a-b)) / float64(math.Nextafter32(float32(math.Abs(float64(a))), float32(math.Inf(1)))-float32(math.Abs(float64(a))))
}

const bigPrec = 160

// bigLn2 is log 2 = Σ_{k≥1} 1/(k·2^k), to bigPrec bits.
var bigLn2 = func() *big.Float {
	s := new(big.Float).SetPrec(bigPrec)
	for k := 1; k < bigPrec+10; k++ {
		s.Add(s, new(big.Float).SetPrec(bigPrec).Quo(big.NewFloat(1), new(big.Float).SetMantExp(big.NewFloat(float64(k)), k)))
	}
	return s
}()

// bigLog is log x for positive finite x: x = 2^e·m, m in [1, 2),
// log m = 2 atanh(s) = 2 Σ s^(2j+1)/(2j+1), s = (m-1)/(m+1) ≤ 1/3.
func bigLog(x float64) *big.Float {
	m, e := math.Frexp(x) // m in [0.5, 1)
	mb := new(big.Float).SetPrec(bigPrec).SetFloat64(m * 2)
	e--
	one := big.NewFloat(1)
	s := new(big.Float).SetPrec(bigPrec).Quo(new(big.Float).SetPrec(bigPrec).Sub(mb, one), new(big.Float).SetPrec(bigPrec).Add(mb, one))
	s2 := new(big.Float).SetPrec(bigPrec).Mul(s, s)
	sum := new(big.Float).SetPrec(bigPrec)
	pow := new(big.Float).SetPrec(bigPrec).Set(s)
	for j := 0; j < 110; j++ {
		sum.Add(sum, new(big.Float).SetPrec(bigPrec).Quo(pow, big.NewFloat(float64(2*j+1))))
		pow.Mul(pow, s2)
	}
	sum.Mul(sum, big.NewFloat(2))
	return sum.Add(sum, new(big.Float).SetPrec(bigPrec).Mul(bigLn2, big.NewFloat(float64(e))))
}

// bigExp is e**x: x = k·log 2 + r, e^r = (Σ (r/2^16)^j/j!)^(2^16), times 2^k.
func bigExp(x float64) *big.Float {
	xb := new(big.Float).SetPrec(bigPrec).SetFloat64(x)
	k := math.Round(x / math.Ln2)
	r := new(big.Float).SetPrec(bigPrec).Sub(xb, new(big.Float).SetPrec(bigPrec).Mul(bigLn2, big.NewFloat(k)))
	r.SetMantExp(r, -16)
	sum := new(big.Float).SetPrec(bigPrec).SetFloat64(1)
	term := new(big.Float).SetPrec(bigPrec).SetFloat64(1)
	for j := 1; j < 30; j++ {
		term.Mul(term, r)
		term.Quo(term, big.NewFloat(float64(j)))
		sum.Add(sum, term)
	}
	for range 16 {
		sum.Mul(sum, sum)
	}
	return sum.SetMantExp(sum, int(k))
}

// TestBigRef checks the references themselves against math.Log and
// math.Exp (accurate to about an ulp) and log(e^x) = x.
func TestBigRef(t *testing.T) {
	t.Parallel()
	for _, x := range []float64{1e-300, 0.1, 0.75, 1.5, 2, 10, 1e300, 5e-324} {
		got, _ := bigLog(x).Float64()
		assert.InDelta(t, Log(x), got, 2e-16*math.Abs(Log(x)), "log %v", x)
	}
	for _, x := range []float64{-700, -1, -1e-10, 0.3, 1, 50, 700} {
		got, _ := bigExp(x).Float64()
		assert.InDelta(t, math.Exp(x), got, 3e-16*math.Exp(x), "exp %v", x)
	}
	assert.Equal(t, math.Ln2, must64(bigLn2.Float64()))
}

func must64(v float64, _ big.Accuracy) float64 { return v }

// TestVecMathNoAlloc checks that the kernels keep a caller's stack buffer
// on the stack (no allocation), which the distributions' chunked kernels
// rely on.
func TestVecMathNoAlloc(t *testing.T) {
	x64 := []float64{0.5, 1, 2, 3, 4, 5, 6}
	x32 := []float32{0.5, 1, 2, 3, 4, 5, 6, 7, 8}
	allocs := testing.AllocsPerRun(20, func() {
		var b64 [7]float64
		var b32 [9]float32
		LogSlice(b64[:], x64)
		ExpSlice(b64[:], b64[:])
		LogSlice(b32[:], x32)
		ExpSlice(b32[:], b32[:])
	})
	require.Zero(t, allocs)
}
