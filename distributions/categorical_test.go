package distributions_test

import (
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/enumerate"
	"github.com/seed39ad66a2/tensordist/tensor"
)

var (
	_ distributions.Distribution      = (*distributions.Categorical)(nil)
	_ distributions.SupportEnumerator = (*distributions.Categorical)(nil)
	_ distributions.LogProbGrader     = (*distributions.Categorical)(nil)
	_ distributions.LogProbIntoer     = (*distributions.Categorical)(nil)
	_ distributions.Expander          = (*distributions.Categorical)(nil)
	_ distributions.Meaner            = (*distributions.Categorical)(nil)
	_ distributions.Variancer         = (*distributions.Categorical)(nil)
	_ distributions.StdDever          = (*distributions.Categorical)(nil)
	_ distributions.Moder             = (*distributions.Categorical)(nil)
	_ distributions.Entropier         = (*distributions.Categorical)(nil)
)

// idx returns an int64 array of category indices of shape shp (a vector of
// len(v) when shp is empty).
func idx(v []int64, shp ...int) *tensor.Dense {
	if len(shp) == 0 {
		shp = []int{len(v)}
	}
	return must(tensor.New(v, shp...))
}

// newCat builds the probs or the logits form.
func newCat(param *tensor.Dense, logits bool, opts ...distributions.Option) (*distributions.Categorical, error) {
	if logits {
		return distributions.NewCategoricalLogits(param, opts...)
	}
	return distributions.NewCategorical(param, opts...)
}

// catRefLogP is the tests' own log p table, row by row with the textbook
// formulas: log(x_j/Σx) for probs, ℓ_j - log Σ e^ℓ for logits (only for
// moderate logits).
func catRefLogP(param []float64, k int, logits bool) []float64 {
	out := make([]float64, len(param))
	for r := 0; r < len(param); r += k {
		row := param[r : r+k]
		var s float64
		for _, v := range row {
			if logits {
				s += math.Exp(v)
			} else {
				s += v
			}
		}
		for j, v := range row {
			if logits {
				out[r+j] = v - math.Log(s)
			} else {
				out[r+j] = math.Log(v / s)
			}
		}
	}
	return out
}

// catRefLogProb is Σ_i w_i·log p(x_i) over the broadcast of x (shape xs)
// and the batch (shape bs): the reference the finite differences
// differentiate.
func catRefLogProb(param []float64, k int, logits bool, x []float64, xs, bs, out []int, w []float64) float64 {
	lp := catRefLogP(param, k, logits)
	xb := bcast(x, xs, out)
	rows := make([]float64, sizeOf(bs))
	for i := range rows {
		rows[i] = float64(i)
	}
	rb := bcast(rows, bs, out)
	var s float64
	for i := range xb {
		v := lp[int(rb[i])*k+int(xb[i])]
		if w != nil {
			if w[i] == 0 {
				continue
			}
			v *= w[i]
		}
		s += v
	}
	return s
}

func TestCategoricalIsNotReparameterised(t *testing.T) {
	t.Parallel()
	d, err := distributions.NewCategorical(f64(0.5, 0.5))
	require.NoError(t, err)
	_, ok := any(d).(distributions.RSampler)
	assert.False(t, ok)
	assert.True(t, distributions.HasEnumerateSupport(d))
}

func TestCategoricalLogProb(t *testing.T) {
	t.Parallel()
	inf := math.Inf(-1)
	tests := []struct {
		name      string
		param     *tensor.Dense
		logits    bool
		x         *tensor.Dense
		wantShape []int
		want      []float64 // nil: catRefLogP gathered over the broadcast
	}{
		{name: "probs K=4, int64 x", param: f64(0.1, 0.2, 0.3, 0.4), x: idx([]int64{0, 1, 2, 3}), wantShape: []int{4}},
		{name: "probs K=4, float x", param: f64(0.1, 0.2, 0.3, 0.4), x: f64(3, 3, 0), wantShape: []int{3}},
		{name: "unnormalised probs", param: f64(1, 2, 3, 4), x: idx([]int64{0, 3}), wantShape: []int{2},
			want: []float64{-2.302585092994046, -0.9162907318741551}}, // mpmath
		{name: "probs with a zero", param: f64(0, 1, 3), x: idx([]int64{0, 1, 2}), wantShape: []int{3},
			want: []float64{inf, -1.3862943611198906, -0.2876820724517809}}, // mpmath
		{name: "scalar x", param: f64(0.25, 0.75), x: tensor.Scalar[int64](1), wantShape: []int{}},
		{name: "logits batch (2), x (3,2)", param: sh(f64(0.138, -0.506, -0.778, 0.4126, 1.1973, -1.2222), 2, 3), logits: true,
			x: idx([]int64{0, 1, 2, 2, 1, 0}, 3, 2), wantShape: []int{3, 2}},
		{name: "logits batch (2), x (3,1)", param: sh(f64(0.138, -0.506, -0.778, 0.4126, 1.1973, -1.2222), 2, 3), logits: true,
			x: idx([]int64{0, 1, 2}, 3, 1), wantShape: []int{3, 2}},
		{name: "logits batch (2,1), x (4)", param: sh(f64(0, 1, 2, -1, 0.5, 3), 2, 1, 3), logits: true,
			x: sh(f64(0, 1, 2, 1), 4), wantShape: []int{2, 4}},
		{name: "logits batch (2,3), x scalar", param: sh(f64(seq(-2, 2, 24)...), 2, 3, 4), logits: true,
			x: tensor.Scalar(3.0), wantShape: []int{2, 3}},
		{name: "dominant logit keeps its digits", param: sh(f64(-30, 30, 0, 30, 30, -30), 2, 3), logits: true,
			x: idx([]int64{1, 1, 0, 2}, 2, 2), wantShape: []int{2, 2},
			want: []float64{-9.357622968840613e-14, -0.6931471805599453, -60.00000000000009, -60.69314718055995}}, // mpmath
		{name: "logits ±Inf", param: f64(math.Inf(1), 0, math.Inf(-1), math.Inf(1)), logits: true,
			x: idx([]int64{0, 1, 2, 3}), wantShape: []int{4}, want: []float64{-math.Ln2, inf, inf, -math.Ln2}},
		{name: "probs 1e-300 of 1e10", param: f64(1e-300, 1e10), x: idx([]int64{0}), wantShape: []int{1},
			want: []float64{-713.8013788281542}}, // mpmath: log(1e-300/(1e10 + 1e-300))
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := newCat(tc.param, tc.logits)
			require.NoError(t, err)
			got, err := d.LogProb(tc.x)
			require.NoError(t, err)
			require.Equal(t, tensor.Float64, got.Dtype())
			require.Equal(t, tc.wantShape, shapeOf(got))
			want := tc.want
			if want == nil {
				s := shapeOf(tc.param)
				k := s[len(s)-1]
				want = make([]float64, sizeOf(tc.wantShape))
				lp := catRefLogP(data64(t, tc.param), k, tc.logits)
				var xv []float64
				if tc.x.Dtype() == tensor.Int64 {
					for _, v := range tc.x.Int64s() {
						xv = append(xv, float64(v))
					}
				} else {
					xv = data64(t, tc.x)
				}
				xb := bcast(xv, shapeOf(tc.x), tc.wantShape)
				rows := seq(0, float64(sizeOf(s[:len(s)-1])-1), sizeOf(s[:len(s)-1]))
				rb := bcast(rows, s[:len(s)-1], tc.wantShape)
				for i := range want {
					want[i] = lp[int(rb[i])*k+int(xb[i])]
				}
			}
			close(t, want, data64(t, got), tol64, 0)
		})
	}
}

func TestCategoricalErrors(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	tests := []struct {
		name      string
		param     *tensor.Dense
		logits    bool
		x         tensor.Value // nil: the constructor must fail
		wantErr   error
		wantName  string // the ConstraintError's Name, if one
		wantIndex []int
	}{
		{name: "negative probs", param: f64(0.5, -0.1, 0.6), wantErr: distributions.ErrParam, wantName: "probs", wantIndex: []int{1}},
		{name: "all-negative row", param: f64(-1, -1), wantErr: distributions.ErrParam, wantName: "probs", wantIndex: []int{0}},
		{name: "row of zeros", param: sh(f64(0.2, 0.8, 0, 0), 2, 2), wantErr: distributions.ErrParam, wantName: "probs", wantIndex: []int{1}},
		{name: "NaN probs", param: f64(0.5, nan), wantErr: distributions.ErrParam, wantName: "probs", wantIndex: []int{1}},
		{name: "Inf probs", param: f64(1, math.Inf(1)), wantErr: distributions.ErrParam, wantName: "probs", wantIndex: []int{}},
		{name: "sum overflows", param: f64(1e308, 1e308), wantErr: distributions.ErrParam, wantName: "probs", wantIndex: []int{}},
		{name: "NaN logits", param: sh(f64(0, 1, nan, 2), 2, 2), logits: true, wantErr: distributions.ErrParam, wantName: "logits", wantIndex: []int{1, 0}},
		{name: "scalar probs", param: s64(1), wantErr: distributions.ErrShape},
		{name: "scalar logits", param: s64(0), logits: true, wantErr: distributions.ErrShape},
		{name: "K = 0", param: must(tensor.Zeros[float64](3, 0)), logits: true, wantErr: distributions.ErrShape},
		{name: "nil probs", param: nil, wantErr: distributions.ErrParam},
		{name: "int64 logits", param: idx([]int64{0, 1}), logits: true, wantErr: distributions.ErrDType},
		{name: "value K", param: f64(0.1, 0.2, 0.3, 0.4), x: tensor.Scalar(4.0), wantErr: distributions.ErrSupport, wantName: "value", wantIndex: []int{}},
		{name: "value -1", param: f64(0.1, 0.2, 0.3, 0.4), x: f64(0, -1), wantErr: distributions.ErrSupport, wantName: "value", wantIndex: []int{1}},
		{name: "value 1.5", param: f64(0.1, 0.2, 0.3, 0.4), x: f64(1.5), wantErr: distributions.ErrSupport, wantName: "value", wantIndex: []int{0}},
		{name: "value NaN", param: f64(0.1, 0.9), logits: true, x: f64(0, nan), wantErr: distributions.ErrSupport, wantName: "value", wantIndex: []int{1}},
		{name: "value +Inf", param: f64(0.1, 0.9), x: f64(math.Inf(1)), wantErr: distributions.ErrSupport, wantName: "value", wantIndex: []int{0}},
		{name: "int64 value 7", param: f64(0.1, 0.9), x: idx([]int64{1, 0, 7, 0}, 2, 2), wantErr: distributions.ErrSupport, wantName: "value", wantIndex: []int{1, 0}},
		{name: "value (3) vs batch (2)", param: sh(f64(1, 2, 3, 4, 5, 6), 2, 3), x: idx([]int64{0, 0, 0}), wantErr: distributions.ErrShape},
		{name: "value (4) vs batch (2,3)", param: must(tensor.Full(1.0, 2, 3, 4)), logits: true, x: idx([]int64{3, 3, 3, 3}), wantErr: distributions.ErrShape},
		{name: "float32 value, float64 probs", param: f64(0.5, 0.5), x: f32(1), wantErr: distributions.ErrDType},
		{name: "bool value", param: f64(0.5, 0.5), x: tensor.Vector(true), wantErr: distributions.ErrDType},
		{name: "nil value", param: f64(0.5, 0.5), x: (*tensor.Dense)(nil), wantErr: distributions.ErrShape},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := newCat(tc.param, tc.logits)
			if tc.x != nil {
				require.NoError(t, err)
				_, err = d.LogProb(tc.x)
				_, gerr := d.LogProbGrad(tc.x)
				require.ErrorIs(t, gerr, tc.wantErr)
				require.ErrorIs(t, d.LogProbInto(nil, tc.x), tc.wantErr) // the value is checked first
			} else {
				require.Nil(t, d)
			}
			require.ErrorIs(t, err, tc.wantErr)
			for _, other := range []error{distributions.ErrParam, distributions.ErrShape, distributions.ErrSupport, distributions.ErrDType} {
				if other != tc.wantErr {
					require.NotErrorIs(t, err, other)
				}
			}
			assert.True(t, strings.HasPrefix(err.Error(), "categorical: "), err.Error())
			if tc.wantName != "" {
				var ce *distributions.ConstraintError
				require.ErrorAs(t, err, &ce)
				assert.Equal(t, "categorical", ce.Family)
				assert.Equal(t, tc.wantName, ce.Name)
				assert.Equal(t, tc.wantIndex, ce.Index)
				assert.Contains(t, err.Error(), tc.wantName+" must be ")
			}
		})
	}
	t.Run("messages", func(t *testing.T) {
		t.Parallel()
		_, err := distributions.NewCategorical(f64(0.5, -0.1, 0.6))
		assert.EqualError(t, err, "categorical: probs must be >= 0, got -0.1 at index [1]")
		d := must(distributions.NewCategorical(f64(0.1, 0.2, 0.3, 0.4)))
		_, err = d.LogProb(f64(0, 4))
		assert.EqualError(t, err, "categorical: value must be an integer in [0, 3], got 4 at index [1]")
	})
}

func TestCategoricalWithoutValidation(t *testing.T) {
	t.Parallel()
	off := distributions.WithValidation(false)
	inf, nan := math.Inf(-1), math.NaN()
	d, err := distributions.NewCategoricalLogits(f64(0, 1, 2), off)
	require.NoError(t, err)
	assert.False(t, d.Validating())
	lp := catRefLogP([]float64{0, 1, 2}, 3, true)
	// integers off the support are -Inf; anything else that is not an index is NaN
	got, err := d.LogProb(f64(-1, 3, 1e300, -1e300, 2, 0.5, nan, math.Inf(1), math.Inf(-1), 2.0000001))
	require.NoError(t, err)
	close(t, []float64{inf, inf, inf, inf, lp[2], nan, nan, nan, nan, nan}, data64(t, got), tol64, 0)
	got, err = d.LogProb(idx([]int64{-1, 3, math.MaxInt64, math.MinInt64, 1}))
	require.NoError(t, err)
	close(t, []float64{inf, inf, inf, inf, lp[1]}, data64(t, got), tol64, 0)
	// the gradient ignores them: log p is constant there
	g, err := d.LogProbGrad(idx([]int64{-1, 5, 1}))
	require.NoError(t, err)
	assert.Equal(t, inf, g.LogProb)
	p := data64(t, d.Probs())
	close(t, []float64{-p[0], 1 - p[1], -p[2]}, data64(t, g.Params["logits"]), tol64, 1e-16)

	// invalid parameters are kept, as torch keeps them
	for _, param := range []*tensor.Dense{f64(0, 0, 0), f64(-1, 2), f64(nan, 1)} {
		d, err := distributions.NewCategorical(param, off)
		require.NoError(t, err)
		_, err = d.LogProb(idx([]int64{0, 1}))
		require.NoError(t, err)
		_, err = d.LogProbGrad(idx([]int64{0, 1}))
		require.NoError(t, err)
		_, err = d.Entropy()
		require.NoError(t, err)
	}
	// a row that cannot be sampled is an error, not a panic or a wrong index
	zero := must(distributions.NewCategorical(sh(f64(1, 1, 0, 0), 2, 2), off))
	_, err = zero.Sample(rand.NewPCG(1, 2), 3)
	require.ErrorIs(t, err, distributions.ErrParam)
	_, err = zero.Sample(rand.NewPCG(1, 2))
	require.ErrorIs(t, err, distributions.ErrParam)
	nanRow := must(distributions.NewCategoricalLogits(f64(inf, inf), off))
	_, err = nanRow.Sample(rand.NewPCG(1, 2), 3)
	require.ErrorIs(t, err, distributions.ErrParam)
}

// TestCategoricalGatherRows scores one value per row of a batch (torch's
// benchmark layout, where the gather reads column 0 for a value that is
// not an index and fixes it afterwards), values off the support among
// them, in float64, float32 and int64, against the normalised table.
func TestCategoricalGatherRows(t *testing.T) {
	t.Parallel()
	const n, k = 300, 7
	r := rand.New(rand.NewPCG(3, 4))
	logits := make([]float64, n*k)
	for i := range logits {
		logits[i] = r.NormFloat64()
	}
	vals := make([]float64, n)
	for i := range vals {
		vals[i] = float64(r.IntN(k))
	}
	bad := map[int]float64{0: -1, 17: k, 40: 2.5, 41: math.NaN(), 99: math.Inf(1), 150: 1e300, 299: -0.5}
	for i, v := range bad {
		vals[i] = v
	}
	off := distributions.WithValidation(false)
	for _, dt := range []string{"f64", "f32", "int64"} {
		param, x, xv := sh(f64(logits...), n, k), f64(vals...), vals
		switch dt {
		case "f32":
			l32, v32 := make([]float32, len(logits)), make([]float32, n)
			for i, v := range logits {
				l32[i] = float32(v)
			}
			xv = make([]float64, n)
			for i, v := range vals {
				v32[i] = float32(v)
				xv[i] = float64(v32[i]) // 1e300 is +Inf
			}
			param, x = sh(f32(l32...), n, k), f32(v32...)
		case "int64": // the integers of vals, -3 for the others
			iv := make([]int64, n)
			xv = make([]float64, n)
			for i, v := range vals {
				iv[i], xv[i] = int64(v), v
				if v != math.Trunc(v) || math.Abs(v) > 1e18 {
					iv[i], xv[i] = -3, -3
				}
			}
			x = idx(iv)
		}
		d := must(distributions.NewCategoricalLogits(param, off))
		table := data64(t, d.Logits())
		got := data64(t, must(d.LogProb(x)))
		for i, v := range xv {
			w := math.NaN()
			switch {
			case v >= 0 && v < k && v == math.Trunc(v):
				w = table[i*k+int(v)]
			case v == math.Trunc(v) && !math.IsInf(v, 0):
				w = math.Inf(-1)
			}
			if got[i] != w && !(got[i] != got[i] && w != w) {
				t.Errorf("%s [%d] (value %v): got %v, want %v", dt, i, v, got[i], w)
			}
		}
	}
}

func TestCategoricalMoments(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	logits := sh(f64(0.138, -0.506, -0.778, 0.4126, 1.1973, -1.2222, -30, 30, 0, 30, 30, -30), 4, 3)
	d, err := distributions.NewCategoricalLogits(logits)
	require.NoError(t, err)
	probs := sh(f64(0, 0.25, 0.75, 1, 0, 0, 0.2, 0.2, 0.6), 3, 3)
	dp, err := distributions.NewCategorical(probs)
	require.NoError(t, err)
	for _, m := range []func() (*tensor.Dense, error){d.Mean, d.Variance, d.StdDev} {
		got := must(m())
		require.Equal(t, []int{4}, shapeOf(got))
		close(t, []float64{nan, nan, nan, nan}, data64(t, got), 0, 0)
	}
	mode := must(d.Mode())
	require.Equal(t, tensor.Int64, mode.Dtype(), "torch's argmax is int64")
	assert.Equal(t, []int64{0, 1, 1, 0}, mode.Int64s(), "the first of ties")
	assert.Equal(t, []int64{2, 0, 2}, must(dp.Mode()).Int64s())
	// mpmath
	close(t, []float64{1.0211180864337301, 0.8061682493507559, 2.900863120340721e-12, 0.6931471805599453}, data64(t, must(d.Entropy())), tol64, 0)
	close(t, []float64{0.5623351446188084, 0, 0.9502705392332346}, data64(t, must(dp.Entropy())), tol64, 0)
	// normalised tables
	close(t, []float64{0, 0.25, 0.75, 1, 0, 0, 0.2, 0.2, 0.6}, data64(t, dp.Probs()), tol64, 0)
	lg := data64(t, dp.Logits())
	close(t, []float64{math.Inf(-1), math.Log(0.25), math.Log(0.75), 0, math.Inf(-1)}, lg[:5], tol64, 0)
	close(t, catRefLogP(data64(t, logits)[:6], 3, true), data64(t, d.Logits())[:6], tol64, 0)
	var sum float64
	for _, p := range data64(t, d.Probs())[:3] {
		sum += p
	}
	close(t, []float64{1}, []float64{sum}, tol64, 0)
	assert.Equal(t, 3, d.K())
	assert.Equal(t, "Categorical(batch_shape=(4,), K=3)", fmt.Sprint(d))

	t.Run("after Expand", func(t *testing.T) {
		t.Parallel()
		e, err := d.Expand([]int{2, 4})
		require.NoError(t, err)
		c := e.(*distributions.Categorical)
		require.Equal(t, []int{2, 4}, c.BatchShape())
		require.Equal(t, []int{}, c.EventShape())
		for _, m := range []func() (*tensor.Dense, error){c.Mean, c.Variance, c.StdDev, c.Mode, c.Entropy} {
			assert.Equal(t, []int{2, 4}, shapeOf(must(m())))
		}
		assert.Equal(t, []int64{0, 1, 1, 0, 0, 1, 1, 0}, must(c.Mode()).Int64s())
		h := data64(t, must(d.Entropy()))
		close(t, append(slices.Clone(h), h...), data64(t, must(c.Entropy())), 0, 0)
		assert.Equal(t, []int{2, 4, 3}, shapeOf(c.Probs()))
		assert.Equal(t, []int{2, 4, 3}, shapeOf(c.Logits()))
		lg := data64(t, d.Logits())
		close(t, append(slices.Clone(lg), lg...), data64(t, c.Logits()), 0, 0)
		assert.Same(t, d.Logits(), d.Logits(), "unexpanded: the table itself")
	})
	t.Run("invalid expand", func(t *testing.T) {
		t.Parallel()
		for _, b := range [][]int{{3}, {}, {4, 2}, {-1, 4}} {
			_, err := d.Expand(b)
			require.ErrorIs(t, err, distributions.ErrShape, "%v", b)
			assert.Contains(t, err.Error(), "categorical")
		}
		_, err := distributions.Expand(d, []int{5})
		require.ErrorIs(t, err, distributions.ErrShape)
		ed, err := distributions.ExpandBy(d, []int{5})
		require.NoError(t, err)
		assert.IsType(t, &distributions.Categorical{}, ed, "native expand")
	})
}

// TestCategoricalLogProbInto writes into a reused array, both paths.
func TestCategoricalLogProbInto(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewCategoricalLogits(sh(f64(seq(-1, 2, 6)...), 2, 3)))
	x := idx([]int64{0, 2, 1, 1}, 2, 2)
	want := must(d.LogProb(x))
	dst := must(tensor.Zeros[float64](2, 2))
	require.NoError(t, d.LogProbInto(dst, x))
	assert.Equal(t, data64(t, want), data64(t, dst))
	s := must(d.EnumerateSupport(false))
	fast := must(tensor.Zeros[float64](3, 2))
	require.NoError(t, d.LogProbInto(fast, s))
	assert.Equal(t, data64(t, must(d.LogProb(s))), data64(t, fast))
	require.ErrorIs(t, d.LogProbInto(must(tensor.Zeros[float64](2)), x), distributions.ErrShape)
	require.ErrorIs(t, d.LogProbInto(must(tensor.Zeros[float32](2, 2)), x), distributions.ErrShape)
	require.ErrorIs(t, d.LogProbInto(nil, x), distributions.ErrShape)
}

func TestCategoricalEnumerateSupport(t *testing.T) {
	t.Parallel()
	param := sh(f64(seq(-3, 2.5, 24)...), 2, 3, 4)
	d := must(distributions.NewCategoricalLogits(param))
	for _, c := range []struct {
		expand bool
		want   []int
	}{{false, []int{4, 1, 1}}, {true, []int{4, 2, 3}}} {
		s, err := d.EnumerateSupport(c.expand)
		require.NoError(t, err)
		require.Equal(t, c.want, shapeOf(s))
		require.Equal(t, tensor.Int64, s.Dtype())
		assert.Equal(t, 4, s.K())
		n := sizeOf(c.want) / 4
		for i, v := range s.Int64s() {
			require.Equal(t, int64(i/n), v)
		}
		if c.expand {
			assert.Nil(t, s.Owner(), "Pyro tags only the unexpanded support")
		} else {
			assert.Same(t, d, s.Owner())
		}
	}
	scalar := must(distributions.NewCategorical(f64(0.2, 0.3, 0.5)))
	s := must(scalar.EnumerateSupport(false))
	assert.Equal(t, []int{3}, shapeOf(s))
	assert.Equal(t, []int64{0, 1, 2}, s.Int64s())
}

// TestCategoricalEnumerateFastPath requires the tagged support's transposed
// logits to equal, bit for bit, the gather of the same indices as a plain
// array (int64 and float), over batch shapes, Expand, and extra leading
// singleton dims.
func TestCategoricalEnumerateFastPath(t *testing.T) {
	t.Parallel()
	base := func(dt string, logits bool, shp ...int) *distributions.Categorical {
		r := rand.New(rand.NewPCG(uint64(len(shp)), 7))
		v := make([]float64, sizeOf(shp))
		for i := range v {
			v[i] = r.NormFloat64()
			if !logits {
				v[i] = math.Abs(v[i])
			}
		}
		p := must(tensor.New(v, shp...))
		if dt == "f32" {
			p = to32(p)
		}
		return must(newCat(p, logits))
	}
	tests := []struct {
		name   string
		d      *distributions.Categorical
		expand []int // nil: none
		extra  int   // leading singleton dims added to the support
		want   []int
	}{
		{name: "batch ()", d: base("f64", true, 5), want: []int{5}},
		{name: "batch (3)", d: base("f64", true, 3, 4), want: []int{4, 3}},
		{name: "batch (2,3)", d: base("f64", true, 2, 3, 4), want: []int{4, 2, 3}},
		{name: "batch (2,3), probs", d: base("f64", false, 2, 3, 4), want: []int{4, 2, 3}},
		{name: "batch (2,3), float32", d: base("f32", true, 2, 3, 4), want: []int{4, 2, 3}},
		{name: "batch (2,3), 2 more dims", d: base("f64", true, 2, 3, 4), extra: 2, want: []int{4, 1, 1, 2, 3}},
		{name: "(3) expanded to (2,3)", d: base("f64", true, 3, 4), expand: []int{2, 3}, want: []int{4, 2, 3}},
		{name: "(2,1) expanded to (5,2,3)", d: base("f64", true, 2, 1, 6), expand: []int{5, 2, 3}, want: []int{6, 5, 2, 3}},
		{name: "() expanded to (7)", d: base("f32", false, 3), expand: []int{7}, extra: 1, want: []int{3, 1, 7}},
		{name: "large batch, K=300", d: base("f64", true, 70, 300), want: []int{300, 70}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := tc.d
			if tc.expand != nil {
				d = must(d.Expand(tc.expand)).(*distributions.Categorical)
			}
			s := must(d.EnumerateSupport(false))
			if tc.extra > 0 {
				shp := append([]int{d.K()}, make([]int, tc.extra)...)
				for i := range tc.extra {
					shp[i+1] = 1
				}
				shp = append(shp, shapeOf(s)[1:]...)
				require.NoError(t, s.Reshape(shp...)) // Pyro's enum messenger keeps the tag when it reshapes
			}
			fast := must(d.LogProb(s))
			require.Equal(t, tc.want, shapeOf(fast))
			require.Equal(t, d.Dtype(), fast.Dtype())
			plain := idx(slices.Clone(s.Int64s()), shapeOf(s)...)
			gather := must(d.LogProb(plain))
			assert.Equal(t, data64(t, gather), data64(t, fast), "fast path differs from the gather")
			fl := make([]float64, plain.Len())
			for i, v := range plain.Int64s() {
				fl[i] = float64(v)
			}
			asFloat := must(tensor.New(fl, shapeOf(plain)...))
			if d.Dtype() == tensor.Float32 {
				asFloat = to32(asFloat)
			}
			assert.Equal(t, data64(t, gather), data64(t, must(d.LogProb(asFloat))))
			// against the tests' own table: out[k, …, b] = log p_k of row b
			lg := data64(t, d.Logits()) // batch + (K,)
			k, nb := d.K(), sizeOf(d.BatchShape())
			got := data64(t, fast)
			tol := tol64
			if d.Dtype() == tensor.Float32 {
				tol = 0 // the same float32 table
			}
			for j := range k {
				for b := range nb {
					require.InDelta(t, lg[b*k+j], got[j*nb+b], tol*math.Abs(lg[b*k+j]))
				}
			}
			// and the expanded (untagged) support gives the same numbers
			e := must(d.EnumerateSupport(true))
			assert.Nil(t, e.Owner())
			ge := must(d.LogProb(e))
			assert.Equal(t, got, data64(t, ge))
			// the gradient of the support is that of the plain array
			g1, g2 := must(d.LogProbGrad(s)), must(d.LogProbGrad(plain))
			require.Len(t, g1.Params, 1)
			for name, g := range g1.Params {
				assert.Equal(t, data64(t, g2.Params[name]), data64(t, g))
			}
			assert.Equal(t, g2.LogProb, g1.LogProb)
		})
	}
}

func TestCategoricalEnumerateOtherOwner(t *testing.T) {
	t.Parallel()
	logits := f64(0.3, -1, 2)
	d := must(distributions.NewCategoricalLogits(logits))
	twin := must(distributions.NewCategoricalLogits(f64(5, 0, -5))) // same K, other numbers
	s := must(twin.EnumerateSupport(false))
	got := must(d.LogProb(s))
	close(t, catRefLogP([]float64{0.3, -1, 2}, 3, true), data64(t, got), tol64, 0)

	// a wider support from another distribution is gathered (and so
	// validated): indices >= K are off d's support
	wide := must(distributions.NewCategoricalLogits(f64(0, 0, 0, 0, 0)))
	ws := must(wide.EnumerateSupport(false))
	_, err := d.LogProb(ws)
	require.ErrorIs(t, err, distributions.ErrSupport)
	loose := must(distributions.NewCategoricalLogits(logits, distributions.WithValidation(false)))
	lp := data64(t, must(loose.LogProb(ws)))
	assert.Equal(t, []float64{math.Inf(-1), math.Inf(-1)}, lp[3:])

	// a support from another batch broadcasts like any value
	b := must(distributions.NewCategoricalLogits(sh(f64(seq(-1, 1, 6)...), 2, 3)))
	bs := must(b.EnumerateSupport(false)) // (3, 1), b's
	out := must(d.LogProb(bs))
	assert.Equal(t, []int{3, 1}, shapeOf(out))
	// and the support of an expanded copy is not the original's
	e := must(d.Expand([]int{4})).(*distributions.Categorical)
	es := must(e.EnumerateSupport(false))
	assert.NotSame(t, d, es.Owner())
	assert.Equal(t, []int{3, 1}, shapeOf(must(d.LogProb(es))), "gathered: broadcast((3,1), ())")
	assert.Equal(t, []int{3, 4}, shapeOf(must(e.LogProb(es))))
}

// catGradCase is one parameter form over a parameter of shape pShape (the
// last dim K) and a value of shape xShape.
type catGradCase struct {
	name           string
	logits         bool
	xShape, pShape []int
	expand         []int // nil: no Expand
	out            []int
	upstreamShape  []int // nil: out
}

func TestCategoricalLogProbGrad(t *testing.T) {
	t.Parallel()
	cases := []catGradCase{
		{name: "logits (4), x (5)", logits: true, xShape: []int{5}, pShape: []int{4}, out: []int{5}},
		{name: "logits (3,4), x (2,3)", logits: true, xShape: []int{2, 3}, pShape: []int{3, 4}, out: []int{2, 3}},
		{name: "logits (2,1,3), x (2,4)", logits: true, xShape: []int{2, 4}, pShape: []int{2, 1, 3}, out: []int{2, 4}, upstreamShape: []int{4}},
		{name: "logits (3,2) expanded to (4,3)", logits: true, xShape: []int{4, 1}, pShape: []int{3, 2}, expand: []int{4, 3}, out: []int{4, 3}},
		{name: "probs (4), x (5)", xShape: []int{5}, pShape: []int{4}, out: []int{5}},
		{name: "probs (3,4), x (2,3)", xShape: []int{2, 3}, pShape: []int{3, 4}, out: []int{2, 3}, upstreamShape: []int{2, 1}},
		{name: "probs (2,5), x scalar", xShape: []int{}, pShape: []int{2, 5}, out: []int{2}},
	}
	for n, c := range cases {
		for _, vjp := range []bool{false, true} {
			name := c.name
			if vjp {
				name += "/vjp"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				r := rand.New(rand.NewPCG(uint64(n), 13))
				k := c.pShape[len(c.pShape)-1]
				par := make([]float64, sizeOf(c.pShape))
				for i := range par {
					if c.logits {
						par[i] = -2 + 4*r.Float64()
					} else {
						par[i] = 0.2 + r.Float64() // unnormalised
					}
				}
				x := make([]int64, sizeOf(c.xShape))
				xf := make([]float64, len(x))
				for i := range x {
					x[i] = int64(r.IntN(k))
					xf[i] = float64(x[i])
				}
				d := must(newCat(must(tensor.New(par, c.pShape...)), c.logits))
				var dist distributions.LogProbGrader = d
				bs := c.pShape[:len(c.pShape)-1]
				if c.expand != nil {
					dist = must(d.Expand(c.expand)).(*distributions.Categorical)
				}
				xt := must(tensor.New(x, c.xShape...))
				var (
					w   []float64
					g   *distributions.Gradient
					err error
				)
				if vjp {
					us := c.upstreamShape
					if us == nil {
						us = c.out
					}
					u := seq(-1.5, 2.5, sizeOf(us))
					u[len(u)/2] = 0 // an exact zero weight
					w = bcast(u, us, c.out)
					g, err = dist.LogProbVJP(xt, must(tensor.New(u, us...)))
				} else {
					g, err = dist.LogProbGrad(xt)
				}
				require.NoError(t, err)
				ref := func(p []float64) float64 {
					// broadcast the batch rows to the expanded batch first
					rowShape := bs
					if c.expand != nil {
						rowShape = c.expand
					}
					pe := p
					if c.expand != nil {
						pe = bcast(p, c.pShape, append(slices.Clone(c.expand), k))
					}
					return catRefLogProb(pe, k, c.logits, xf, c.xShape, rowShape, c.out, w)
				}
				close(t, []float64{ref(par)}, []float64{g.LogProb}, 1e-13, 0)
				pname := "probs"
				if c.logits {
					pname = "logits"
				}
				require.Len(t, g.Params, 1)
				require.Equal(t, c.pShape, shapeOf(g.Params[pname]))
				require.Equal(t, c.xShape, shapeOf(g.Value))
				for _, v := range data64(t, g.Value) {
					require.Zero(t, v)
				}
				want := centralDiff(ref, par, 1e-5)
				requireFinite(t, want)
				got := data64(t, g.Params[pname])
				close(t, want, got, gradTol, gradTol)
				t.Logf("max rel err vs central differences: %s %.2g", pname, maxRelErr(want, got, 1))
			})
		}
	}
	t.Run("analytic", func(t *testing.T) {
		t.Parallel()
		// golden probs-unnormalised: x = [0, 3] of probs [1, 2, 3, 4]
		d := must(distributions.NewCategorical(f64(1, 2, 3, 4)))
		g := must(d.LogProbGrad(idx([]int64{0, 3})))
		close(t, []float64{0.8, -0.2, -0.2, 0.05}, data64(t, g.Params["probs"]), tol64, 1e-16)
		// δ - softmax, with 1 - p of the dominant category to full precision (mpmath)
		dl := must(distributions.NewCategoricalLogits(f64(-30, 30, 0)))
		g = must(dl.LogProbGrad(idx([]int64{1})))
		close(t, []float64{-8.7565107626957e-27, 9.357622968840175e-14, -9.357622968839299e-14}, data64(t, g.Params["logits"]), 1e-14, 0)
	})
	t.Run("zero weight selects", func(t *testing.T) {
		t.Parallel()
		// log p = -Inf at x = 0 with weight 0: it adds nothing, not NaN
		d := must(distributions.NewCategorical(f64(0, 1, 1)))
		g, err := d.LogProbVJP(idx([]int64{0, 1}), f64(0, 1))
		require.NoError(t, err)
		close(t, []float64{math.Log(0.5)}, []float64{g.LogProb}, tol64, 0)
		close(t, []float64{-0.5, 0.5, -0.5}, data64(t, g.Params["probs"]), tol64, 0)
		// weight 1 at the zero: -Inf and an infinite partial, never NaN
		g = must(d.LogProbGrad(idx([]int64{0})))
		assert.Equal(t, math.Inf(-1), g.LogProb)
		assert.Equal(t, math.Inf(1), data64(t, g.Params["probs"])[0])
		dl := must(distributions.NewCategoricalLogits(f64(math.Inf(-1), 0)))
		g = must(dl.LogProbVJP(idx([]int64{0, 1}), f64(0, 2)))
		assert.Equal(t, 0.0, g.LogProb)
		close(t, []float64{0, 0}, data64(t, g.Params["logits"]), 0, 0)
	})
	t.Run("upstream errors", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewCategorical(sh(f64(1, 2, 3, 4), 2, 2)))
		_, err := d.LogProbVJP(idx([]int64{0, 1}), f64(1, 2, 3))
		require.ErrorIs(t, err, distributions.ErrShape)
		_, err = d.LogProbVJP(idx([]int64{0, 1}), f32(1))
		require.ErrorIs(t, err, distributions.ErrDType)
	})
}

// TestCategoricalFloat32 evaluates both forms in float32 and float64 on
// the same inputs; tables are normalised in float64 and rounded once, so
// tol32.
func TestCategoricalFloat32(t *testing.T) {
	t.Parallel()
	for _, logits := range []bool{false, true} {
		name, pname := "probs", "probs"
		param := sh(f32(0.05, 0.3, 0.7, 0.1, 2, 1, 1, 0, 0.5, 0.5, 0.25, 3), 3, 4)
		if logits {
			name, pname = "logits", "logits"
			param = sh(f32(-4, 0.5, 3, 1, -30, 30, 0, 2, 0, 0, 0, 0), 3, 4)
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			d32 := must(newCat(param, logits))
			d64 := must(newCat(to64(param), logits))
			x := idx([]int64{0, 1, 2, 3, 3, 2}, 2, 3)
			a, b := must(d32.LogProb(x)), must(d64.LogProb(x))
			require.Equal(t, tensor.Float32, a.Dtype())
			close(t, data64(t, b), data64(t, a), tol32, 0)
			af := must(d32.LogProb(sh(f32(0, 1, 2, 3, 3, 2), 2, 3)))
			assert.Equal(t, data64(t, a), data64(t, af), "float32 indices")
			s32, s64 := must(d32.EnumerateSupport(false)), must(d64.EnumerateSupport(false))
			close(t, data64(t, must(d64.LogProb(s64))), data64(t, must(d32.LogProb(s32))), tol32, 0)
			for name, m := range map[string]func(*distributions.Categorical) *tensor.Dense{
				"mean":    func(d *distributions.Categorical) *tensor.Dense { return must(d.Mean()) },
				"entropy": func(d *distributions.Categorical) *tensor.Dense { return must(d.Entropy()) },
				"probs":   (*distributions.Categorical).Probs,
				"logits":  (*distributions.Categorical).Logits,
			} {
				m32, m64 := m(d32), m(d64)
				require.Equal(t, tensor.Float32, m32.Dtype(), name)
				close(t, data64(t, m64), data64(t, m32), tol32, 0)
			}
			assert.Equal(t, must(d64.Mode()).Int64s(), must(d32.Mode()).Int64s())
			g32, g64 := must(d32.LogProbGrad(x)), must(d64.LogProbGrad(x))
			close(t, []float64{g64.LogProb}, []float64{g32.LogProb}, tol32, 0)
			require.Equal(t, tensor.Float32, g32.Params[pname].Dtype())
			require.Equal(t, tensor.Float32, g32.Value.Dtype())
			close(t, data64(t, g64.Params[pname]), data64(t, g32.Params[pname]), tol32, 1e-7)
		})
	}
}

// chiSquareCategorical is the p-value of Pearson's chi-square test of the
// index counts against probs, over the cells of positive probability
// (K' - 1 degrees of freedom); it fails t if a category of probability 0
// was drawn.
func chiSquareCategorical(t testing.TB, draws []int64, probs []float64) float64 {
	t.Helper()
	counts := make([]float64, len(probs))
	for _, v := range draws {
		require.True(t, v >= 0 && int(v) < len(probs), "draw %d", v)
		counts[v]++
	}
	var obs, exp []float64
	for j, p := range probs {
		if p == 0 {
			require.Zero(t, counts[j], "category %d of probability 0 drawn", j)
			continue
		}
		obs = append(obs, counts[j])
		exp = append(exp, p*float64(len(draws)))
	}
	return distuv.ChiSquared{K: float64(len(obs) - 1)}.Survival(stat.ChiSquare(obs, exp))
}

// catProbs returns K probabilities in [0.5, 1.5]/Σ from seed, with a few
// zeros when zeros is true.
func catProbs(k int, seed uint64, zeros bool) []float64 {
	r := rand.New(rand.NewPCG(seed, 99))
	p := make([]float64, k)
	var s float64
	for i := range p {
		p[i] = 0.5 + r.Float64()
		if zeros && i%4 == 1 {
			p[i] = 0
		}
		s += p[i]
	}
	for i := range p {
		p[i] /= s
	}
	return p
}

func TestCategoricalSampleChiSquare(t *testing.T) {
	t.Parallel()
	for _, k := range []int{2, 10, 1000} {
		for f, form := range []string{"probs", "logits", "float32", "one draw per row"} {
			if form == "one draw per row" && k == 1000 {
				continue // 1e8 parameters; the row-by-row scan is tested at K = 2, 10
			}
			t.Run(fmt.Sprintf("K=%d/%s", k, form), func(t *testing.T) {
				t.Parallel()
				probs := catProbs(k, uint64(k), k >= 10)
				var (
					d     *distributions.Categorical
					shape []int
				)
				switch form {
				case "probs":
					d, shape = must(distributions.NewCategorical(f64(probs...))), []int{nDraws}
				case "logits":
					lg := make([]float64, k)
					for j, p := range probs {
						lg[j] = math.Log(p) + 3 // unnormalised
					}
					d, shape = must(distributions.NewCategoricalLogits(f64(lg...))), []int{nDraws}
				case "float32":
					d, shape = must(distributions.NewCategorical(to32(f64(probs...)))), []int{nDraws}
				default: // nDraws rows, one draw each: the scan without cumulative sums
					rows := make([]float64, 0, nDraws*k)
					for range nDraws {
						rows = append(rows, probs...)
					}
					d = must(distributions.NewCategorical(must(tensor.New(rows, nDraws, k))))
				}
				x, err := d.Sample(rand.NewPCG(uint64(10*k+f), 0xca7), shape...)
				require.NoError(t, err)
				require.Equal(t, tensor.Int64, x.Dtype())
				require.Equal(t, []int{nDraws}, shapeOf(x))
				pv := chiSquareCategorical(t, x.Int64s(), data64(t, must(distributions.NewCategorical(f64(probs...))).Probs()))
				t.Logf("K=%d %s: chi-square p = %.3g", k, form, pv)
				assert.GreaterOrEqual(t, pv, pCritical)
			})
		}
	}
	t.Run("both paths draw alike", func(t *testing.T) {
		// n draws from one row (cumulative sums, searched) are the draws of n
		// equal rows drawn once each (each row summed as it is scanned)
		t.Parallel()
		for _, k := range []int{3, 40} {
			probs := catProbs(k, 5, true)
			const n = 5000
			rows := make([]float64, 0, n*k)
			for range n {
				rows = append(rows, probs...)
			}
			one := must(must(distributions.NewCategorical(f64(probs...))).Sample(rand.NewPCG(8, 9), n))
			many := must(must(distributions.NewCategorical(must(tensor.New(rows, n, k)))).Sample(rand.NewPCG(8, 9)))
			assert.Equal(t, one.Int64s(), many.Int64s(), "K=%d", k)
		}
	})
	t.Run("power", func(t *testing.T) {
		// draws from probs rejected against slightly different ones
		t.Parallel()
		probs := catProbs(10, 10, false)
		d := must(distributions.NewCategorical(f64(probs...)))
		x := must(d.Sample(rand.NewPCG(10, 0xca7), nDraws))
		other := slices.Clone(probs)
		other[0], other[1] = other[0]+0.01, other[1]-0.01
		pv := chiSquareCategorical(t, x.Int64s(), other)
		t.Logf("draws tested against probs moved by 0.01: chi-square p = %.3g", pv)
		assert.Less(t, pv, pCritical)
	})
}

func TestCategoricalSampleShapesAndSeeds(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewCategoricalLogits(sh(f64(0, 1, 2, 2, 1, 0), 2, 1, 3)))
	for _, c := range []struct{ sample, want []int }{
		{nil, []int{2, 1}},
		{[]int{4}, []int{4, 2, 1}},
		{[]int{2, 5}, []int{2, 5, 2, 1}},
		{[]int{0}, []int{0, 2, 1}},
	} {
		x, err := d.Sample(rand.NewPCG(1, 2), c.sample...)
		require.NoError(t, err)
		assert.Equal(t, c.want, shapeOf(x))
		assert.Equal(t, tensor.Int64, x.Dtype())
	}
	e := must(d.Expand([]int{3, 2, 4})).(*distributions.Categorical)
	x := must(e.Sample(rand.NewPCG(1, 2), 5))
	assert.Equal(t, []int{5, 3, 2, 4}, shapeOf(x))
	assert.Equal(t, []int{}, shapeOf(must(must(distributions.NewCategorical(f64(1, 1))).Sample(rand.NewPCG(1, 2)))))

	_, err := d.Sample(nil, 4)
	require.ErrorIs(t, err, distributions.ErrNilSource)
	_, err = d.Sample(rand.NewPCG(1, 2), 2, -1)
	require.ErrorIs(t, err, distributions.ErrShape)

	draw := func(seed uint64) []int64 { return must(d.Sample(rand.NewPCG(seed, 3), 200)).Int64s() }
	a, b, c := draw(1), draw(1), draw(2)
	assert.Equal(t, a, b, "same seed, same draws")
	assert.NotEqual(t, a, c, "another seed, other draws")

	// certain outcomes, both sampling paths
	sure := must(distributions.NewCategorical(sh(f64(0, 0, 1, 1, 0, 0), 2, 3)))
	for _, s := range [][]int{nil, {1000}} {
		got := must(sure.Sample(rand.NewPCG(5, 6), s...)).Int64s()
		for i := 0; i < len(got); i += 2 {
			require.Equal(t, int64(2), got[i])
			require.Equal(t, int64(0), got[i+1])
		}
	}
}

// TestCategoricalSampleGOMAXPROCS requires the same draws from one and from
// two goroutines above tensor.ParallelMin, with the cumulative sums
// (K = 40, one row) and with the row-by-row scan (one draw per row); it
// switches GOMAXPROCS, so it is not parallel.
func TestCategoricalSampleGOMAXPROCS(t *testing.T) {
	const n = 300_000
	require.Greater(t, n, tensor.ParallelMin)
	one := must(distributions.NewCategoricalLogits(f64(seq(-2, 2, 40)...)))
	rows := make([]float64, 3*n)
	for i := range rows {
		rows[i] = float64(i%7) / 3
	}
	many := must(distributions.NewCategoricalLogits(must(tensor.New(rows, n, 3))))
	for name, draw := range map[string]func() *tensor.Dense{
		"cumulative sums": func() *tensor.Dense { return must(one.Sample(rand.NewPCG(42, 43), n)) },
		"scan per row":    func() *tensor.Dense { return must(many.Sample(rand.NewPCG(42, 43))) },
	} {
		at := func(procs int) []int64 {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			return draw().Int64s()
		}
		a, b := at(1), at(2)
		require.Len(t, a, n)
		assert.True(t, slices.Equal(a, b), "%s: draws depend on GOMAXPROCS", name)
	}
}

// TestCategoricalGoldenCases runs the golden cases of Categorical through the
// conformance runner: those of categorical.json and errors.json must pass;
// those built with shape operations (shape_ops.json) may be unsupported
// until the spec applies them, but never fail.
func TestCategoricalGoldenCases(t *testing.T) {
	t.Parallel()
	n := 0
	for _, c := range loadCases(t, goldenDir, "") {
		must := strings.HasPrefix(c.name, "categorical/") || strings.HasPrefix(c.name, "errors/categorical-")
		if !must && !strings.HasPrefix(c.name, "shape_ops/categorical-") {
			continue
		}
		n++
		st, reason := runCase(c)
		t.Logf("%s: %s %s", c.name, st, reason)
		switch {
		case st == caseFailed:
			t.Errorf("%s failed: %s", c.name, reason)
		case must && st != casePassed:
			t.Errorf("%s: %s (%s)", c.name, st, reason)
		}
	}
	assert.GreaterOrEqual(t, n, 7)
}

func FuzzCategorical(f *testing.F) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, c := range []struct {
		a, b, c float64
		k       uint8
		logits  bool
		x       float64
		xi      int64
	}{
		{0.2, 0.3, 0.5, 3, false, 1, 2}, {1, 2, 3, 3, true, 0, 0}, {0, 0, 0, 3, false, 0, 0},
		{-0.1, 1, 1, 3, false, 0, 0}, {nan, 1, 1, 2, true, 1, 1}, {inf, 1, 1, 2, true, 1, 1},
		{-inf, -inf, 0, 2, true, 0, 1}, {1e308, 1e308, 1, 2, false, 0, 0}, {5e-324, 0, 0, 1, false, 0, 0},
		{1, 1, 1, 3, false, 1.5, -1}, {1, 1, 1, 3, true, nan, 3}, {1, 1, 1, 3, true, -inf, math.MaxInt64},
		{1, 1, 1, 0, true, 0, 0}, {800, -800, 0, 3, true, 2, 2},
	} {
		f.Add(c.a, c.b, c.c, c.k, c.logits, c.x, c.xi)
	}
	f.Fuzz(func(t *testing.T, a, b, c float64, k uint8, logits bool, x float64, xi int64) {
		k %= 4 // K = 0 is a shape error
		param := f64([]float64{a, b, c}[:min(int(k), 3)]...)
		row := []float64{a, b, c}[:min(int(k), 3)]
		d, err := newCat(param, logits)
		switch {
		case k == 0:
			require.ErrorIs(t, err, distributions.ErrShape)
			return
		case logits && slices.ContainsFunc(row, math.IsNaN):
			require.ErrorIs(t, err, distributions.ErrParam)
			return
		case !logits:
			var s float64
			ok := true
			for _, v := range row {
				ok = ok && v >= 0
				s += v
			}
			if !ok || !(s > 0) || math.IsInf(s, 0) {
				require.ErrorIs(t, err, distributions.ErrParam)
				return
			}
		}
		require.NoError(t, err)
		// a row of -Inf logits is valid (torch's real_vector) but has no mass: NaN
		noMass := logits && !slices.ContainsFunc(row, func(v float64) bool { return !math.IsInf(v, -1) })
		kf := float64(k)
		valid := x >= 0 && x < kf && x == math.Trunc(x)
		lp, err := d.LogProb(f64(x))
		_, gerr := d.LogProbGrad(f64(x))
		if !valid {
			require.ErrorIs(t, err, distributions.ErrSupport)
			require.ErrorIs(t, gerr, distributions.ErrSupport)
		} else {
			require.NoError(t, err)
			require.NoError(t, gerr)
			v := data64(t, lp)[0]
			require.False(t, (math.IsNaN(v) && !noMass) || v > 0, "log p = %v", v)
		}
		_, err = d.LogProb(idx([]int64{xi}))
		if xi >= 0 && xi < int64(k) {
			require.NoError(t, err)
		} else {
			require.ErrorIs(t, err, distributions.ErrSupport)
		}
		for _, m := range []func() (*tensor.Dense, error){d.Entropy, d.Mode, d.Mean} {
			_, err := m()
			require.NoError(t, err)
		}
		_, err = d.Sample(rand.NewPCG(1, 2), 3)
		if noMass {
			require.ErrorIs(t, err, distributions.ErrParam)
		} else {
			require.NoError(t, err)
		}

		// without validation nothing panics, and off-support values score
		// -Inf (integers) or NaN
		loose, err := newCat(param, logits, distributions.WithValidation(false))
		require.NoError(t, err)
		got := data64(t, must(loose.LogProb(f64(x))))[0]
		if !valid {
			want := math.NaN()
			if x == math.Trunc(x) && !math.IsInf(x, 0) {
				want = math.Inf(-1)
			}
			close(t, []float64{want}, []float64{got}, 0, 0)
		}
		_ = must(loose.LogProb(idx([]int64{xi})))
		_ = must(loose.LogProbVJP(idx([]int64{xi, 0}), f64(x, 1)))
		_, _ = loose.Entropy()
		_, err = loose.Sample(rand.NewPCG(1, 2), 2)
		if err != nil {
			require.ErrorIs(t, err, distributions.ErrParam)
		}
	})
}

func ExampleCategorical_EnumerateSupport() {
	logits, err := tensor.New([]float64{0, 1, 2, 2, 1, 0}, 2, 3) // batch (2,), K = 3
	if err != nil {
		log.Fatal(err)
	}
	d, err := distributions.NewCategoricalLogits(logits)
	if err != nil {
		log.Fatal(err)
	}
	support, err := d.EnumerateSupport(false) // 0, 1, 2 along dim 0, tagged with d
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(support.Shape(), support.Int64s())
	// d's own support is scored by transposing its logits: no gather
	lp, err := d.LogProb(support)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(lp.Shape())
	fmt.Printf("%.4f\n", lp.Data())
	_, tagged := enumerate.Of(support)
	fmt.Println(tagged)
	// Output:
	// (3, 1) [0 1 2]
	// (3, 2)
	// [-2.4076 -0.4076 -1.4076 -1.4076 -0.4076 -2.4076]
	// true
}

// TestCategoricalInferShapes: Pyro's generic rule, logits (5, 1, 3) with
// K = 3 categories gives batch (5, 1) and no event dims; a parameter
// without its category dim is an error.
func TestCategoricalInferShapes(t *testing.T) {
	t.Parallel()
	batch, event, err := distributions.InferShapes("Categorical", map[string][]int{"logits": {5, 1, 3}})
	require.NoError(t, err)
	require.Equal(t, []int{5, 1}, batch)
	require.Empty(t, event)
	d := must(distributions.NewCategoricalLogits(must(tensor.Zeros[float64](5, 1, 3))))
	require.Equal(t, d.BatchShape(), batch)
	_, _, err = distributions.InferShapes("Categorical", map[string][]int{"probs": {}})
	require.ErrorIs(t, err, distributions.ErrShape)
}
