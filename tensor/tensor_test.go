package tensor_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	gt "gorgonia.org/tensor"
	"pgregory.net/rapid"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Tolerances of the reductions against mpmath references: LogSumExp rounds
// the maximum's shift, one exp per element and a log, a few ulps in all.
const (
	tol64 = 1e-15
	tol32 = 1e-6
)

// closeTo fails t unless each got[i] is within rel of want[i] (relative).
// NaN matches only NaN; infinities must match exactly.
func closeTo[T tensor.Float](t testing.TB, want, got []T, rel float64) {
	t.Helper()
	require.Len(t, got, len(want))
	for i := range want {
		w, g := float64(want[i]), float64(got[i])
		if w == g || (w != w && g != g) {
			continue
		}
		if math.IsInf(w, 0) || math.IsNaN(w) || math.Abs(g-w) > rel*math.Abs(w) {
			t.Errorf("[%d]: got %v, want %v", i, g, w)
		}
	}
}

// sameShape fails t unless got is the shape want; nil and empty are both
// the scalar shape.
func sameShape(t require.TestingT, want, got []int, msgAndArgs ...any) {
	if h, ok := t.(interface{ Helper() }); ok {
		h.Helper()
	}
	require.Equal(t, shape.Format(want), shape.Format(got), msgAndArgs...)
}

// dense returns tensor.New(data, shp...), failing t on error.
func dense[T tensor.Elem](t require.TestingT, data []T, shp ...int) *tensor.Dense {
	if h, ok := t.(interface{ Helper() }); ok {
		h.Helper()
	}
	d, err := tensor.New(data, shp...)
	require.NoError(t, err)
	return d
}

// zeros returns float64 zeros of shape shp, failing t on error.
func zeros(t testing.TB, shp ...int) *tensor.Dense {
	t.Helper()
	d, err := tensor.Zeros[float64](shp...)
	require.NoError(t, err)
	return d
}

// iota64 returns 0, 1, ..., n-1 as float64s.
func iota64(n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = float64(i)
	}
	return out
}

// view slices d with gorgonia's Slice and returns the view as a *Dense.
func view(t testing.TB, d *tensor.Dense, s ...gt.Slice) *tensor.Dense {
	t.Helper()
	v, err := d.Slice(s...)
	require.NoError(t, err)
	return v.(*tensor.Dense)
}

func TestNew(t *testing.T) {
	t.Parallel()
	d, err := tensor.New([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	require.NoError(t, err)
	assert.Equal(t, []int{2, 3}, tensor.ShapeOf(d))
	assert.Equal(t, tensor.Float64, d.Dtype())
	assert.Equal(t, []float64{1, 2, 3, 4, 5, 6}, d.Float64s())

	data := []float32{1, 2, 3}
	d, err = tensor.New(data, 3)
	require.NoError(t, err)
	data[1] = 7
	assert.Equal(t, []float32{1, 7, 3}, d.Float32s(), "New keeps data without copying")

	d, err = tensor.New([]float64{5})
	require.NoError(t, err)
	assert.Empty(t, tensor.ShapeOf(d), "no shape is a scalar")
	assert.True(t, d.IsScalar())

	d, err = tensor.New([]float64{}, 0, 3)
	require.NoError(t, err)
	assert.Equal(t, []int{0, 3}, tensor.ShapeOf(d))

	d, err = tensor.New([]int64{1, 2}, 2)
	require.NoError(t, err)
	assert.Equal(t, tensor.Int64, d.Dtype())
	d, err = tensor.New([]bool{true}, 1, 1)
	require.NoError(t, err)
	assert.Equal(t, tensor.Bool, d.Dtype())

	_, err = tensor.New([]float64{1, 2, 3}, 2, 2)
	require.ErrorIs(t, err, shape.ErrShape)
	assert.ErrorContains(t, err, "3 values do not fill shape (2, 2)")

	_, err = tensor.New([]float64{1, 2}, 2, 1, 2)
	require.ErrorIs(t, err, shape.ErrShape)

	_, err = tensor.New([]float64{1, 2}, -1, -2) // the product matches; the dims do not
	require.ErrorIs(t, err, shape.ErrShape)
	assert.ErrorContains(t, err, "negative dimension in (-1, -2)")
}

func TestScalarVector(t *testing.T) {
	t.Parallel()
	s := tensor.Scalar(2.5)
	assert.Empty(t, tensor.ShapeOf(s))
	assert.NotNil(t, tensor.ShapeOf(s))
	assert.True(t, s.IsScalar())
	assert.Equal(t, []float64{2.5}, s.Float64s())
	assert.Equal(t, tensor.Float32, tensor.Scalar(float32(1)).Dtype())

	v := tensor.Vector[float32](1, 2, 3)
	assert.Equal(t, []int{3}, tensor.ShapeOf(v))
	assert.Equal(t, []float32{1, 2, 3}, v.Float32s())
	assert.Equal(t, []int{0}, tensor.ShapeOf(tensor.Vector[float64]()))
}

func TestFullZerosLike(t *testing.T) {
	t.Parallel()
	f, err := tensor.Full(7.5, 2, 3)
	require.NoError(t, err)
	assert.Equal(t, []int{2, 3}, tensor.ShapeOf(f))
	assert.Equal(t, []float64{7.5, 7.5, 7.5, 7.5, 7.5, 7.5}, f.Float64s())
	f, err = tensor.Full(float32(-1))
	require.NoError(t, err)
	assert.Empty(t, tensor.ShapeOf(f))
	assert.Equal(t, []float32{-1}, f.Float32s())
	_, err = tensor.Full(1.0, 2, -3)
	require.ErrorIs(t, err, shape.ErrShape)

	z, err := tensor.Zeros[float32](3, 2)
	require.NoError(t, err)
	assert.Equal(t, []int{3, 2}, tensor.ShapeOf(z))
	assert.Equal(t, tensor.Float32, z.Dtype())
	assert.Equal(t, make([]float32, 6), z.Float32s())
	_, err = tensor.Zeros[float64](-1)
	require.ErrorIs(t, err, shape.ErrShape)

	src := dense(t, []float32{1, 2, 3, 4, 5, 6}, 2, 3)
	l := tensor.Like(src)
	assert.Equal(t, []int{2, 3}, tensor.ShapeOf(l))
	assert.Equal(t, tensor.Float32, l.Dtype())
	assert.Equal(t, make([]float32, 6), l.Float32s())
	l.Float32s()[0] = 9
	assert.Equal(t, float32(1), src.Float32s()[0], "Like must not share memory")

	l = tensor.Like(tensor.Scalar(3.0))
	assert.Empty(t, tensor.ShapeOf(l))
	assert.Equal(t, []float64{0}, l.Float64s())

	a, data := tensor.Alloc[float32]([]int{2, 2})
	data[3] = 4
	assert.Equal(t, []float32{0, 0, 0, 4}, a.Float32s())
	assert.Equal(t, tensor.Float32, a.Dtype())
}

func TestShapeOfCopies(t *testing.T) {
	t.Parallel()
	d := zeros(t, 2, 3)
	s := tensor.ShapeOf(d)
	s[0] = 9
	assert.Equal(t, []int{2, 3}, tensor.ShapeOf(d))
}

func TestDtypes(t *testing.T) {
	t.Parallel()
	assert.Equal(t, tensor.Float64, tensor.DtypeOf[float64]())
	assert.Equal(t, tensor.Float32, tensor.DtypeOf[float32]())
	assert.True(t, tensor.IsFloat(tensor.Float32))
	assert.True(t, tensor.IsFloat(tensor.Float64))
	assert.False(t, tensor.IsFloat(tensor.Int64))
	assert.False(t, tensor.IsFloat(tensor.Bool))
}

func TestFloats(t *testing.T) {
	t.Parallel()
	d64 := dense(t, []float64{1, 2, 3}, 3)
	d32 := dense(t, []float32{1, 2, 3}, 3)

	s64, err := tensor.Floats[float64](d64)
	require.NoError(t, err)
	assert.Equal(t, []float64{1, 2, 3}, s64)
	s64[0] = 10
	assert.Equal(t, 10.0, d64.Float64s()[0], "a contiguous array is shared, not copied")

	s32, err := tensor.Floats[float32](d32)
	require.NoError(t, err)
	assert.Equal(t, []float32{1, 2, 3}, s32)

	_, err = tensor.Floats[float32](d64)
	assert.ErrorContains(t, err, "dtype float64, want float32")
	_, err = tensor.Floats[float64](d32)
	assert.ErrorContains(t, err, "dtype float32, want float64")
	_, err = tensor.Floats[float64](dense(t, []int64{1}, 1))
	assert.Error(t, err)
	_, err = tensor.Floats[float64](nil)
	assert.Error(t, err)

	w, err := tensor.Float64s(d32)
	require.NoError(t, err)
	assert.Equal(t, []float64{1, 2, 3}, w)
	_, err = tensor.Float64s(dense(t, []bool{true}, 1))
	assert.ErrorContains(t, err, "not floating")

	c, err := tensor.Convert[float32](d64)
	require.NoError(t, err)
	assert.Equal(t, tensor.Float32, c.Dtype())
	assert.Equal(t, []float32{10, 2, 3}, c.Float32s())
	assert.Equal(t, []int{3}, tensor.ShapeOf(c))
}

// TestFloatsOfViews reads views of a (3, 4) array of 0..11; gorgonia's own
// Float64s returns the raw backing from the view's offset for the strided ones.
func TestFloatsOfViews(t *testing.T) {
	t.Parallel()
	base := func() *tensor.Dense { return dense(t, iota64(12), 3, 4) }
	transposed := base()
	require.NoError(t, transposed.T())
	tests := []struct {
		name      string
		v         *tensor.Dense
		wantShape []int
		want      []float64
	}{
		{"columns 1:3", view(t, base(), nil, gt.S(1, 3)), []int{3, 2}, []float64{1, 2, 5, 6, 9, 10}},
		{"column 1", view(t, base(), nil, gt.S(1)), []int{3}, []float64{1, 5, 9}},
		{"block", view(t, base(), gt.S(1, 3), gt.S(1, 3)), []int{2, 2}, []float64{5, 6, 9, 10}},
		{"every other column", view(t, base(), nil, gt.S(0, 4, 2)), []int{3, 2}, []float64{0, 2, 4, 6, 8, 10}},
		{"row 1 (contiguous)", view(t, base(), gt.S(1)), []int{4}, []float64{4, 5, 6, 7}},
		{"rows 1:3 (contiguous)", view(t, base(), gt.S(1, 3)), []int{2, 4}, iota64(12)[4:]},
		{"transposed", transposed, []int{4, 3}, []float64{0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.wantShape, tensor.ShapeOf(tc.v))
			got, err := tensor.Floats[float64](tc.v)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)

			w, err := tensor.Float64s(tc.v)
			require.NoError(t, err)
			assert.Equal(t, tc.want, w)

			c, err := tensor.Convert[float32](tc.v)
			require.NoError(t, err)
			assert.Equal(t, tc.wantShape, tensor.ShapeOf(c))
			assert.Len(t, c.Float32s(), len(tc.want))

			e, err := tensor.Eval1(tc.v, func(x float64) float64 { return -x })
			require.NoError(t, err)
			assert.Equal(t, tc.wantShape, tensor.ShapeOf(e))
			for i := range tc.want {
				assert.Equal(t, -tc.want[i], e.Float64s()[i])
			}
		})
	}
}

// dimGen draws a dimension in 0..4 with 1s frequent and 0s rare (a new
// generator per use: rapid generators are not safe to share between
// parallel tests).
func dimGen() *rapid.Generator[int] {
	return rapid.SampledFrom([]int{0, 1, 1, 1, 1, 2, 2, 3, 3, 4, 4})
}

// outShapeGen draws a shape of rank 0..5.
func outShapeGen() *rapid.Generator[[]int] { return rapid.SliceOfN(dimGen(), 0, 5) }

// operandOf draws a shape that broadcasts to out: leading dims dropped, some
// of the rest set to 1.
func operandOf(t *rapid.T, out []int, label string) []int {
	drop := rapid.IntRange(0, len(out)).Draw(t, label+" drop")
	s := shape.Clone(out[drop:])
	for i := range s {
		if rapid.Bool().Draw(t, fmt.Sprintf("%s ones[%d]", label, i)) {
			s[i] = 1
		}
	}
	return s
}

// naiveOffset returns the flat offset in an operand of shape s of the output
// element flat of shape out: right-aligned, size-1 dims indexed at 0.
func naiveOffset(out, s []int, flat int) int {
	off, stride := 0, 1
	for d := len(out) - 1; d >= 0; d-- {
		i := flat % out[d]
		flat /= out[d]
		if j := d - (len(out) - len(s)); j >= 0 {
			if s[j] != 1 {
				off += i * stride
			}
			stride *= s[j]
		}
	}
	return off
}

// randomData returns n values of T drawn from rng: small integers when ints
// (so that sums are exact), else normals.
func randomData[T tensor.Float](rng *rand.Rand, n int, ints bool) []T {
	out := make([]T, n)
	for i := range out {
		if ints {
			out[i] = T(rng.IntN(17) - 8)
		} else {
			out[i] = T(rng.NormFloat64())
		}
	}
	return out
}

// nans returns n NaNs, so that an element a kernel forgets to write fails
// the comparison.
func nans[T tensor.Float](n int) []T {
	out := make([]T, n)
	for i := range out {
		out[i] = T(math.NaN())
	}
	return out
}

// The kernels' functions are not symmetric, so swapped operands show.
func f1[T tensor.Float](a T) T          { return 2*a + 1 }
func f2[T tensor.Float](a, b T) T       { return a - 2*b }
func f3[T tensor.Float](a, b, c T) T    { return a - 2*b + 4*c }
func f4[T tensor.Float](a, b, c, d T) T { return a - 2*b + 4*c - 8*d }

func checkMaps[T tensor.Float](t *rapid.T) {
	out := outShapeGen().Draw(t, "out")
	var shapes [4][]int
	for k := range shapes {
		shapes[k] = operandOf(t, out, fmt.Sprintf("op%d", k))
	}
	checkMapsOn[T](t, out, shapes, rapid.Uint64().Draw(t, "seed"))
}

// checkMapsOn compares Map1..Map4 over out with the first 1..4 of shapes,
// Eval1, Eval2 and BroadcastTo against naive loops on random data.
func checkMapsOn[T tensor.Float](t require.TestingT, out []int, shapes [4][]int, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	var data [4][]T
	for k := range data {
		data[k] = randomData[T](rng, shape.Size(shapes[k]), false)
	}
	n := shape.Size(out)
	at := func(k, i int) T { return data[k][naiveOffset(out, shapes[k], i)] }
	want := [4][]T{make([]T, n), make([]T, n), make([]T, n), make([]T, n)}
	for i := range n {
		want[0][i] = f1(at(0, i))
		want[1][i] = f2(at(0, i), at(1, i))
		want[2][i] = f3(at(0, i), at(1, i), at(2, i))
		want[3][i] = f4(at(0, i), at(1, i), at(2, i), at(3, i))
	}

	plan := func(k int) *shape.Plan {
		p, err := shape.NewPlan(out, shapes[:k]...)
		require.NoError(t, err)
		return p
	}
	dst := nans[T](n)
	tensor.Map1(plan(1), dst, data[0], f1[T])
	require.Equal(t, want[0], dst, "Map1")
	dst = nans[T](n)
	tensor.Map2(plan(2), dst, data[0], data[1], f2[T])
	require.Equal(t, want[1], dst, "Map2")
	dst = nans[T](n)
	tensor.Map3(plan(3), dst, data[0], data[1], data[2], f3[T])
	require.Equal(t, want[2], dst, "Map3")
	dst = nans[T](n)
	tensor.Map4(plan(4), dst, data[0], data[1], data[2], data[3], f4[T])
	require.Equal(t, want[3], dst, "Map4")

	// Eval1 and Eval2 broadcast the operands' own shapes, maybe smaller than out.
	a := dense(t, data[0], shapes[0]...)
	b := dense(t, data[1], shapes[1]...)
	e1, err := tensor.Eval1(a, f1[T])
	require.NoError(t, err)
	require.Equal(t, tensor.DtypeOf[T](), e1.Dtype())
	sameShape(t, shapes[0], tensor.ShapeOf(e1))
	got1, err := tensor.Floats[T](e1)
	require.NoError(t, err)
	for i, v := range got1 {
		require.Equal(t, f1(data[0][i]), v, "Eval1 at %d", i)
	}
	e2, err := tensor.Eval2(a, b, f2[T])
	require.NoError(t, err)
	ab, err := shape.Broadcast(shapes[0], shapes[1])
	require.NoError(t, err)
	sameShape(t, ab, tensor.ShapeOf(e2))
	got2, err := tensor.Floats[T](e2)
	require.NoError(t, err)
	for i, v := range got2 {
		x, y := data[0][naiveOffset(ab, shapes[0], i)], data[1][naiveOffset(ab, shapes[1], i)]
		require.Equal(t, f2(x, y), v, "Eval2 at %d", i)
	}

	// BroadcastTo copies a to out.
	bt, err := tensor.BroadcastTo[T](a, out)
	require.NoError(t, err)
	sameShape(t, out, tensor.ShapeOf(bt))
	got, err := tensor.Floats[T](bt)
	require.NoError(t, err)
	for i := range n {
		require.Equal(t, at(0, i), got[i], "BroadcastTo at %d", i)
	}
}

func TestMapsMatchNaive(t *testing.T) {
	t.Parallel()
	t.Run("f64", func(t *testing.T) { rapid.Check(t, checkMaps[float64]) })
	t.Run("f32", func(t *testing.T) { rapid.Check(t, checkMaps[float32]) })
}

// TestMapsCases pins layouts that a hundred random ones may miss: operands
// contiguous within a run but at different offsets, a scalar filling a run,
// runs cut short by a broadcast inner dim.
func TestMapsCases(t *testing.T) {
	t.Parallel()
	tests := []struct {
		out    []int
		shapes [4][]int
	}{
		{[]int{2, 3}, [4][]int{{2, 3}, {3}, {1, 3}, {2, 1}}},
		{[]int{2, 3}, [4][]int{{3}, {2, 3}, {2, 1}, {}}},
		{[]int{3, 4}, [4][]int{{}, {3, 1}, {1, 4}, {3, 4}}},
		{[]int{2, 3, 4}, [4][]int{{3, 4}, {2, 1, 4}, {2, 3, 1}, {4}}},
		{[]int{4, 1, 3}, [4][]int{{1, 1, 1}, {4, 1, 1}, {3}, {1, 1, 3}}},
		{[]int{}, [4][]int{{}, {}, {}, {}}},
		{[]int{2, 0, 3}, [4][]int{{3}, {0, 1}, {2, 1, 1}, {}}},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.out, tc.shapes), func(t *testing.T) {
			checkMapsOn[float64](t, tc.out, tc.shapes, 1)
			checkMapsOn[float32](t, tc.out, tc.shapes, 2)
		})
	}
}

func TestEvalErrors(t *testing.T) {
	t.Parallel()
	a := dense(t, []float64{1, 2, 3}, 3)
	b := dense(t, []float64{1, 2}, 2)
	c := dense(t, []float32{1, 2, 3}, 3)
	_, err := tensor.Eval2(a, b, f2[float64])
	require.ErrorIs(t, err, shape.ErrShape)
	assert.ErrorContains(t, err, "cannot broadcast (3,) with (2,)")
	_, err = tensor.Eval2(a, c, f2[float64])
	assert.ErrorContains(t, err, "dtype float32, want float64")
	_, err = tensor.Eval1(a, f1[float32])
	assert.ErrorContains(t, err, "dtype float64, want float32")
}

func TestBroadcastTo(t *testing.T) {
	t.Parallel()
	col := dense(t, []float64{1, 2, 3}, 3, 1)
	got, err := tensor.BroadcastTo[float64](col, []int{2, 3, 2})
	require.NoError(t, err)
	assert.Equal(t, []int{2, 3, 2}, tensor.ShapeOf(got))
	assert.Equal(t, []float64{1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3}, got.Float64s())

	got, err = tensor.BroadcastTo[float32](tensor.Scalar(float32(4)), []int{2, 2})
	require.NoError(t, err)
	assert.Equal(t, []float32{4, 4, 4, 4}, got.Float32s())

	got, err = tensor.BroadcastTo[float64](col, []int{3, 1})
	require.NoError(t, err)
	got.Float64s()[0] = 9
	assert.Equal(t, 1.0, col.Float64s()[0], "BroadcastTo copies")

	// A strided view broadcasts its own values, not its backing's.
	v := view(t, dense(t, iota64(12), 3, 4), nil, gt.S(1))
	got, err = tensor.BroadcastTo[float64](v, []int{2, 3})
	require.NoError(t, err)
	assert.Equal(t, []float64{1, 5, 9, 1, 5, 9}, got.Float64s())

	_, err = tensor.BroadcastTo[float64](col, []int{3, 2, 2})
	require.ErrorIs(t, err, shape.ErrShape)
	assert.ErrorContains(t, err, "cannot broadcast (3, 1) to (3, 2, 2)")
	_, err = tensor.BroadcastTo[float64](col, []int{3})
	require.ErrorIs(t, err, shape.ErrShape)
	_, err = tensor.BroadcastTo[float32](col, []int{3, 1})
	assert.ErrorContains(t, err, "dtype float64, want float32")
}

func checkSumTo[T tensor.Float](t *rapid.T) {
	big := outShapeGen().Draw(t, "big")
	small := operandOf(t, big, "small")
	rng := rand.New(rand.NewPCG(rapid.Uint64().Draw(t, "seed"), 2))
	src := randomData[T](rng, shape.Size(big), true)
	dst := randomData[T](rng, shape.Size(small), true) // SumTo accumulates
	want := append([]T{}, dst...)
	for i, v := range src {
		want[naiveOffset(big, small, i)] += v
	}
	require.NoError(t, tensor.SumTo(dst, small, src, big))
	require.Equal(t, want, dst) // small integers: every sum is exact
}

func TestSumToMatchesNaive(t *testing.T) {
	t.Parallel()
	t.Run("f64", func(t *testing.T) { rapid.Check(t, checkSumTo[float64]) })
	t.Run("f32", func(t *testing.T) { rapid.Check(t, checkSumTo[float32]) })
}

func TestSumTo(t *testing.T) {
	t.Parallel()
	// (2, 3) summed to (3,), to (2, 1) and to ().
	src := []float64{1, 2, 3, 10, 20, 30}
	dst := make([]float64, 3)
	require.NoError(t, tensor.SumTo(dst, []int{3}, src, []int{2, 3}))
	assert.Equal(t, []float64{11, 22, 33}, dst)
	dst = []float64{100, 200}
	require.NoError(t, tensor.SumTo(dst, []int{2, 1}, src, []int{2, 3}))
	assert.Equal(t, []float64{106, 260}, dst)
	dst = make([]float64, 1)
	require.NoError(t, tensor.SumTo(dst, nil, src, []int{2, 3}))
	assert.Equal(t, []float64{66}, dst)

	err := tensor.SumTo(make([]float64, 2), []int{2}, src, []int{2, 3})
	require.ErrorIs(t, err, shape.ErrShape)
	assert.ErrorContains(t, err, "sum to (2,)")
}

func TestSumRightmost(t *testing.T) {
	t.Parallel()
	v := dense(t, []float64{1, 2, 3, 10, 20, 30}, 2, 3)
	got, err := tensor.SumRightmost[float64](v, 1)
	require.NoError(t, err)
	assert.Equal(t, []int{2}, tensor.ShapeOf(got))
	assert.Equal(t, []float64{6, 60}, got.Float64s())

	got, err = tensor.SumRightmost[float64](v, 2)
	require.NoError(t, err)
	assert.Empty(t, tensor.ShapeOf(got))
	assert.Equal(t, []float64{66}, got.Float64s())

	x, y, z := 0.1, 0.2, 0.3 // variables: constant arithmetic would be exact
	got, err = tensor.SumRightmost[float64](dense(t, []float64{x, y, z}, 1, 3), 1)
	require.NoError(t, err)
	assert.Equal(t, []float64{x + y + z}, got.Float64s(), "float64 sums in float64, in order")

	got, err = tensor.SumRightmost[float64](v, 0)
	require.NoError(t, err)
	assert.Same(t, v, got, "n = 0 returns v itself")

	_, err = tensor.SumRightmost[float64](v, 3)
	require.ErrorIs(t, err, shape.ErrShape)
	_, err = tensor.SumRightmost[float64](v, -1)
	require.ErrorIs(t, err, shape.ErrShape)

	// The result has T's dtype, or it is an error, n = 0 included.
	for n := range 3 {
		_, err = tensor.SumRightmost[float32](v, n)
		assert.ErrorContains(t, err, "dtype float64, want float32", "n = %d", n)
	}

	f32 := dense(t, []float32{1, 2, 3, 4}, 2, 1, 2)
	got, err = tensor.SumRightmost[float32](f32, 2)
	require.NoError(t, err)
	assert.Equal(t, []float32{3, 7}, got.Float32s())

	empty := dense(t, []float64{}, 2, 0)
	got, err = tensor.SumRightmost[float64](empty, 1)
	require.NoError(t, err)
	assert.Equal(t, []float64{0, 0}, got.Float64s(), "an empty sum is 0")

	// A strided view sums its own values.
	col := view(t, dense(t, iota64(12), 3, 4), nil, gt.S(1, 3))
	got, err = tensor.SumRightmost[float64](col, 1)
	require.NoError(t, err)
	assert.Equal(t, []float64{3, 11, 19}, got.Float64s())
}

func TestSumRightmostMatchesNaive(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		s := outShapeGen().Draw(t, "shape")
		n := rapid.IntRange(0, len(s)).Draw(t, "n")
		rng := rand.New(rand.NewPCG(rapid.Uint64().Draw(t, "seed"), 3))
		data := randomData[float64](rng, shape.Size(s), true)
		got, err := tensor.SumRightmost[float64](dense(t, data, s...), n)
		require.NoError(t, err)
		lead := s[:len(s)-n]
		sameShape(t, lead, tensor.ShapeOf(got))
		want := make([]float64, shape.Size(lead))
		inner := shape.Size(s[len(lead):])
		for i, v := range data {
			want[i/inner] += v
		}
		require.Equal(t, want, got.Float64s())
	})
}

func TestSum(t *testing.T) {
	t.Parallel()
	got, err := tensor.Sum[float64](dense(t, []float64{1, 2, 3.5}, 3))
	require.NoError(t, err)
	assert.Equal(t, 6.5, got)

	x, y := 0.1, 0.2 // variables: constant arithmetic would be exact
	got, err = tensor.Sum[float64](dense(t, []float64{x, y}, 2))
	require.NoError(t, err)
	assert.Equal(t, x+y, got)

	got, err = tensor.Sum[float64](dense(t, []float64{}, 0))
	require.NoError(t, err)
	assert.Zero(t, got)

	// Accumulated in float64: float32 would round 2^24 + 1 back to 2^24.
	got, err = tensor.Sum[float32](dense(t, []float32{1 << 24, 1, 1}, 3))
	require.NoError(t, err)
	assert.Equal(t, float64(1<<24+2), got)

	got, err = tensor.Sum[float64](view(t, dense(t, iota64(12), 3, 4), nil, gt.S(1)))
	require.NoError(t, err)
	assert.Equal(t, 15.0, got, "a strided view sums its own values")

	_, err = tensor.Sum[float32](tensor.Scalar(1.0))
	assert.ErrorContains(t, err, "dtype float64, want float32")
}

func TestLogSumExp(t *testing.T) {
	t.Parallel()
	inf := math.Inf(1)
	tests := []struct {
		name  string
		data  []float64
		shape []int
		want  []float64 // mpmath, 50 digits, rounded
	}{
		{"rows", []float64{1, 2, 3, -1, 0, 0.5}, []int{2, 3}, []float64{3.4076059644443803, 1.1041306053367283}},
		{"vector to scalar", []float64{1, 2, 3}, []int{3}, []float64{3.4076059644443803}},
		{"all -Inf", []float64{-inf, -inf, 0, -inf}, []int{2, 2}, []float64{-inf, 0}},
		{"+Inf", []float64{1, inf, -inf, inf}, []int{2, 2}, []float64{inf, inf}},
		{"NaN", []float64{1, math.NaN(), math.NaN(), inf}, []int{2, 2}, []float64{math.NaN(), math.NaN()}},
		{"overflows a naive exp", []float64{1000, 1000, 710, 709}, []int{2, 2}, []float64{1000.6931471805599, 710.3132616875182}},
		{"underflows a naive exp", []float64{-1000, -1000, -1000}, []int{1, 3}, []float64{-998.9013877113318}},
		{"single", []float64{-745.5}, []int{1}, []float64{-745.5}},
		{"empty rows", nil, []int{2, 0}, []float64{-inf, -inf}},
		{"no rows", nil, []int{0, 3}, []float64{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := tc.data
			if data == nil {
				data = []float64{}
			}
			got, err := tensor.LogSumExp[float64](dense(t, data, tc.shape...))
			require.NoError(t, err)
			sameShape(t, tc.shape[:len(tc.shape)-1], tensor.ShapeOf(got))
			closeTo(t, tc.want, got.Float64s(), tol64)
		})
	}

	// float32: exp(100) overflows float32, and the result is rounded once.
	got, err := tensor.LogSumExp[float32](dense(t, []float32{100, 100, float32(math.Inf(-1)), 1}, 2, 2))
	require.NoError(t, err)
	closeTo(t, []float32{float32(100 + math.Ln2), 1}, got.Float32s(), tol32)

	_, err = tensor.LogSumExp[float64](tensor.Scalar(1.0))
	require.ErrorIs(t, err, shape.ErrShape)
	_, err = tensor.LogSumExp[float32](dense(t, []float64{1}, 1))
	assert.ErrorContains(t, err, "dtype float64, want float32")

	// A strided view: the rows of columns 1:3 of 0..11.
	v := view(t, dense(t, iota64(12), 3, 4), nil, gt.S(1, 3))
	got, err = tensor.LogSumExp[float64](v)
	require.NoError(t, err)
	want := make([]float64, 3)
	for i := range want { // log(e^a + e^(a+1)) = a + 1 + log1p(e^-1)
		want[i] = float64(4*i+2) + math.Log1p(math.Exp(-1))
	}
	closeTo(t, want, got.Float64s(), tol64)
}

func TestLogSumExpSliceMatchesNaive(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		xs := rapid.SliceOfN(rapid.Float64Range(-30, 30), 1, 20).Draw(t, "xs")
		var s float64
		for _, x := range xs {
			s += math.Exp(x)
		}
		// Both forms round each exp and the sum; the naive one is accurate
		// here (no overflow), to a few ulps of the result plus its cancellation.
		want := math.Log(s)
		got := tensor.LogSumExpSlice(xs)
		require.InDelta(t, want, got, 1e-13*max(1, math.Abs(want)))
		// Shifting every element shifts the result.
		shifted := make([]float64, len(xs))
		for i, x := range xs {
			shifted[i] = x + 700
		}
		require.InDelta(t, got+700, tensor.LogSumExpSlice(shifted), 1e-12)
	})
}
