package distributions_test

import (
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

var (
	_ distributions.Distribution  = (*distributions.Uniform)(nil)
	_ distributions.RSampler      = (*distributions.Uniform)(nil)
	_ distributions.LogProbGrader = (*distributions.Uniform)(nil)
	_ distributions.LogProbIntoer = (*distributions.Uniform)(nil)
	_ distributions.CDFer         = (*distributions.Uniform)(nil)
	_ distributions.ICDFer        = (*distributions.Uniform)(nil)
	_ distributions.Meaner        = (*distributions.Uniform)(nil)
	_ distributions.Variancer     = (*distributions.Uniform)(nil)
	_ distributions.StdDever      = (*distributions.Uniform)(nil)
	_ distributions.Moder         = (*distributions.Uniform)(nil)
	_ distributions.Entropier     = (*distributions.Uniform)(nil)
)

// uniformLogProbRef is gonum's log density, made half-open at high as
// torch's is (gonum's support is closed).
func uniformLogProbRef(x, low, high float64) float64 {
	if x == high {
		return math.Inf(-1)
	}
	return distuv.Uniform{Min: low, Max: high}.LogProb(x)
}

// uniformOracle applies f(x, low, high) over x, low and high broadcast (by
// the tests' own bcast) to out.
func uniformOracle(t testing.TB, x, low, high *tensor.Dense, out []int, f func(x, l, h float64) float64) []float64 {
	t.Helper()
	xs := bcast(data64(t, x), shapeOf(x), out)
	ls := bcast(data64(t, low), shapeOf(low), out)
	hs := bcast(data64(t, high), shapeOf(high), out)
	want := make([]float64, len(xs))
	for i := range want {
		want[i] = f(xs[i], ls[i], hs[i])
	}
	return want
}

func TestUniformLogProb(t *testing.T) {
	t.Parallel()
	inf := math.Inf(1)
	off := distributions.WithValidation(false)
	tests := []struct {
		name         string
		low, high, x *tensor.Dense
		opts         []distributions.Option
		wantShape    []int
		want         []float64 // nil: uniformLogProbRef over the broadcast
	}{
		{name: "unit at 0.5", low: s64(0), high: s64(1), x: s64(0.5), wantShape: []int{}, want: []float64{0}},
		{name: "width 4 in and at the bounds", low: s64(-1), high: s64(3), x: f64(-1, 0, 2.999, 3), wantShape: []int{4},
			want: []float64{-math.Ln2 * 2, -math.Ln2 * 2, -math.Ln2 * 2, -inf}}, // half-open: log p(high) = -Inf
		{name: "outside, unvalidated", low: s64(-1), high: s64(3), x: f64(-1.0000001, 3.5, -inf, inf, 1e300),
			opts: []distributions.Option{off}, wantShape: []int{5}, want: []float64{-inf, -inf, -inf, -inf, -inf}},
		{name: "(3,1) low vs (4) high, value (2,1,1)", low: sh(f64(-2, -1, 0.25), 3, 1), high: f64(0.5, 1, 2, 4),
			x: sh(f64(0.3, 0.45), 2, 1, 1), wantShape: []int{2, 3, 4}},
		{name: "value (2,3,4) vs batch (3,1)", low: sh(f64(-5, -4, -3), 3, 1), high: s64(7),
			x: sh(f64(seq(-2.5, 6.5, 24)...), 2, 3, 4), wantShape: []int{2, 3, 4}},
		{name: "tiny width", low: s64(1), high: s64(1 + 0x1p-40), x: s64(1), wantShape: []int{}, want: []float64{40 * math.Ln2}},
		{name: "huge width", low: s64(-1e300), high: s64(1e300), x: s64(0), wantShape: []int{},
			want: []float64{-691.4686750787737}}, // mpmath: -log(2e300)
		{name: "subnormal width", low: s64(0), high: s64(1e-310), x: s64(0), wantShape: []int{},
			want: []float64{713.8013788281542}}, // mpmath: -log(1e-310) (math.Log gives 709.085)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := distributions.NewUniform(tc.low, tc.high, tc.opts...)
			require.NoError(t, err)
			got, err := d.LogProb(tc.x)
			require.NoError(t, err)
			require.Equal(t, tc.wantShape, shapeOf(got))
			require.Equal(t, tensor.Float64, got.Dtype())
			want := tc.want
			if want == nil {
				want = uniformOracle(t, tc.x, tc.low, tc.high, tc.wantShape, uniformLogProbRef)
			}
			close(t, want, data64(t, got), tol64, 0)
		})
	}
}

func TestUniformErrors(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	type constraint struct {
		name  string
		index []int
		got   float64
	}
	tests := []struct {
		name         string
		low, high, x *tensor.Dense // x nil: the constructor must fail
		wantErr      error
		wantCons     *constraint
		wantMsg      []string
	}{
		{name: "low = high", low: s64(1), high: s64(1), wantErr: distributions.ErrParam,
			wantCons: &constraint{"low", []int{}, 1}, wantMsg: []string{"uniform", "low", "< high"}},
		{name: "low > high", low: f64(0, 2), high: f64(1, 1), wantErr: distributions.ErrParam,
			wantCons: &constraint{"low", []int{1}, 2}, wantMsg: []string{"low", "[1]"}},
		{name: "broadcast: low (3,1) fails against high (2) at batch (2, 0)", low: sh(f64(0, 1, 5), 3, 1), high: f64(2, 6),
			wantErr: distributions.ErrParam, wantCons: &constraint{"low", []int{2, 0}, 5}, wantMsg: []string{"low", "5", "[2 0]"}},
		{name: "NaN low", low: f64(0, nan), high: s64(1), wantErr: distributions.ErrParam, wantCons: &constraint{"low", []int{1}, nan}},
		{name: "NaN high", low: s64(0), high: f64(1, nan), wantErr: distributions.ErrParam, wantCons: &constraint{"low", []int{}, 0}},
		{name: "shapes (3) and (4)", low: f64(0, 1, 2), high: f64(3, 4, 5, 6), wantErr: distributions.ErrShape,
			wantMsg: []string{"uniform", "low and high", "(3", "(4"}},
		{name: "mixed dtypes", low: f32(0), high: f64(1), wantErr: distributions.ErrDType},
		{name: "nil high", low: s64(0), high: nil, wantErr: distributions.ErrParam, wantMsg: []string{"high"}},
		{name: "value below low", low: f64(0, 1), high: s64(2), x: f64(0.5, 0.5), wantErr: distributions.ErrSupport,
			wantCons: &constraint{"value", []int{1}, 0.5}, wantMsg: []string{"value", "[low, high]"}},
		{name: "value above high, broadcast", low: sh(f64(0, 1), 2, 1), high: f64(2, 3), x: sh(f64(1.5, 2.5), 2, 1),
			wantErr: distributions.ErrSupport, wantCons: &constraint{"value", []int{1, 0}, 2.5}},
		{name: "NaN value", low: s64(0), high: s64(1), x: f64(0.5, nan), wantErr: distributions.ErrSupport,
			wantCons: &constraint{"value", []int{1}, nan}},
		{name: "value (5) vs batch (2)", low: f64(0, 1), high: s64(2), x: f64(0, 1, 1, 1, 1), wantErr: distributions.ErrShape},
		{name: "float32 value", low: s64(0), high: s64(1), x: f32(0.5), wantErr: distributions.ErrDType},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var err error
			d, cerr := distributions.NewUniform(tc.low, tc.high)
			if tc.x == nil {
				require.Nil(t, d)
				err = cerr
			} else {
				require.NoError(t, cerr)
				_, err = d.LogProb(tc.x)
				_, gerr := d.LogProbGrad(tc.x)
				require.ErrorIs(t, gerr, tc.wantErr)
				require.ErrorIs(t, d.LogProbInto(nil, tc.x), tc.wantErr)
			}
			require.ErrorIs(t, err, tc.wantErr)
			for _, other := range []error{distributions.ErrParam, distributions.ErrShape, distributions.ErrSupport, distributions.ErrDType} {
				if other != tc.wantErr {
					require.NotErrorIs(t, err, other)
				}
			}
			if tc.wantCons != nil {
				var ce *distributions.ConstraintError
				require.ErrorAs(t, err, &ce)
				assert.Equal(t, "uniform", ce.Family)
				assert.Equal(t, tc.wantCons.name, ce.Name)
				assert.Equal(t, tc.wantCons.index, ce.Index)
				close(t, []float64{tc.wantCons.got}, []float64{ce.Got}, 0, 0)
			}
			for _, s := range tc.wantMsg {
				assert.Contains(t, err.Error(), s)
			}
		})
	}
	t.Run("value = high passes the closed support check and scores -Inf", func(t *testing.T) {
		t.Parallel()
		// torch: support = interval(low, high), closed; log_prob uses high > x.
		d, err := distributions.NewUniform(s64(0), s64(2))
		require.NoError(t, err)
		lp, err := d.LogProb(f64(0, 2))
		require.NoError(t, err)
		close(t, []float64{-math.Ln2, math.Inf(-1)}, data64(t, lp), tol64, 0)
	})
	t.Run("unvalidated, low >= high is accepted and scores -Inf", func(t *testing.T) {
		t.Parallel()
		d, err := distributions.NewUniform(s64(1), s64(0), distributions.WithValidation(false))
		require.NoError(t, err)
		lp, err := d.LogProb(f64(0, 0.5, 1))
		require.NoError(t, err)
		close(t, []float64{math.Inf(-1), math.Inf(-1), math.Inf(-1)}, data64(t, lp), 0, 0)
	})
}

func TestUniformCDFICDF(t *testing.T) {
	t.Parallel()
	low, high := sh(f64(-2, 0, 3.5), 3, 1), f64(4, 5, 10)
	d, err := distributions.NewUniform(low, high)
	require.NoError(t, err)
	t.Run("CDF vs gonum", func(t *testing.T) {
		x := sh(f64(3.5, 3.9, 4), 3, 1, 1) // in every interval of the batch
		got, err := d.CDF(x)
		require.NoError(t, err)
		out := []int{3, 3, 3}
		require.Equal(t, out, shapeOf(got))
		want := uniformOracle(t, x, low, high, out, func(x, l, h float64) float64 { return distuv.Uniform{Min: l, Max: h}.CDF(x) })
		close(t, want, data64(t, got), tol64, 0)
	})
	t.Run("CDF clamps outside, unvalidated", func(t *testing.T) {
		u := must(distributions.NewUniform(s64(-1), s64(1), distributions.WithValidation(false)))
		got, err := u.CDF(f64(math.Inf(-1), -10, -1, 0, 1, 10, math.Inf(1), math.NaN()))
		require.NoError(t, err)
		close(t, []float64{0, 0, 0, 0.5, 1, 1, 1, math.NaN()}, data64(t, got), 0, 0)
	})
	t.Run("ICDF endpoints and inversion", func(t *testing.T) {
		u := sh(f64(0, 1e-300, 0.25, 0.5, 0.9, 1), 6, 1, 1)
		q, err := d.ICDF(u)
		require.NoError(t, err)
		out := []int{6, 3, 3}
		want := uniformOracle(t, u, low, high, out, func(u, l, h float64) float64 { return distuv.Uniform{Min: l, Max: h}.Quantile(u) })
		close(t, want, data64(t, q), tol64, 0)
		qs := data64(t, q)
		lows := bcast(data64(t, low), []int{3, 1}, []int{3, 3})
		for j := range 9 {
			assert.Equal(t, lows[j], qs[j], "ICDF(0) is low exactly")
		}
		back, err := d.CDF(q)
		require.NoError(t, err)
		close(t, bcast(data64(t, u), []int{6, 1, 1}, out), data64(t, back), 1e-15, 1e-15)
	})
	t.Run("errors", func(t *testing.T) {
		_, err := d.CDF(sh(f64(-3), 1, 1))
		require.ErrorIs(t, err, distributions.ErrSupport)
		_, err = d.CDF(s64(10)) // in [low, high] of (2, 2) only, not of the others
		require.ErrorIs(t, err, distributions.ErrSupport)
		got, err := must(distributions.NewUniform(s64(0), s64(2))).CDF(s64(2)) // the closed bound passes
		require.NoError(t, err)
		assert.Equal(t, 1.0, data64(t, got)[0])
		for _, u := range []float64{-0.1, 1.5, math.NaN()} {
			_, err := d.ICDF(s64(u))
			require.ErrorIs(t, err, distributions.ErrSupport, "u = %v", u)
		}
		_, err = d.CDF(f64(1, 2))
		require.ErrorIs(t, err, distributions.ErrShape)
		_, err = d.ICDF(f32(0.5))
		require.ErrorIs(t, err, distributions.ErrDType)
	})
}

func TestUniformMoments(t *testing.T) {
	t.Parallel()
	low, high := sh(f64(-2, 0, 3.5), 3, 1), f64(4, 5, 1e100)
	d, err := distributions.NewUniform(low, high)
	require.NoError(t, err)
	batch := []int{3, 3}
	require.Equal(t, batch, d.BatchShape())
	require.Equal(t, []int{}, d.EventShape())
	ls, hs := bcast(data64(t, low), []int{3, 1}, batch), bcast(data64(t, high), []int{3}, batch)
	ref := func(f func(u distuv.Uniform) float64) []float64 {
		out := make([]float64, len(ls))
		for i := range out {
			out[i] = f(distuv.Uniform{Min: ls[i], Max: hs[i]})
		}
		return out
	}
	nans := make([]float64, len(ls))
	for i := range nans {
		nans[i] = math.NaN()
	}
	tests := []struct {
		name string
		got  *tensor.Dense
		want []float64
	}{
		{"mean", must(d.Mean()), ref(distuv.Uniform.Mean)},
		{"variance", must(d.Variance()), ref(distuv.Uniform.Variance)},
		{"stddev", must(d.StdDev()), ref(distuv.Uniform.StdDev)},
		{"entropy", must(d.Entropy()), ref(distuv.Uniform.Entropy)},
		{"mode is NaN (torch)", must(d.Mode()), nans},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, batch, shapeOf(tc.got))
			require.Equal(t, tensor.Float64, tc.got.Dtype())
			close(t, tc.want, data64(t, tc.got), tol64, 0)
		})
	}
	t.Run("golden uniform/scalar, mpmath", func(t *testing.T) {
		u := must(distributions.NewUniform(s64(-0.007), s64(0.8179)))
		got := []float64{data64(t, must(u.Variance()))[0], data64(t, must(u.StdDev()))[0], data64(t, must(u.Entropy()))[0]}
		close(t, []float64{0.056705000833333324, 0.23812811852726115, -0.1924931121154511}, got, tol64, 0)
	})
	t.Run("stddev finite where the variance overflows", func(t *testing.T) {
		u := must(distributions.NewUniform(s64(-1e300), s64(1e300)))
		assert.True(t, math.IsInf(data64(t, must(u.Variance()))[0], 1))
		close(t, []float64{2e300 / math.Sqrt(12)}, data64(t, must(u.StdDev())), tol64, 0)
	})
	t.Run("accessors", func(t *testing.T) {
		assert.Same(t, low, d.Low())
		assert.Same(t, high, d.High())
	})
}

func TestUniformExpandKeepsBounds(t *testing.T) {
	t.Parallel()
	low, high := s64(0), f64(1.25, 1.5, 2)
	d, err := distributions.NewUniform(low, high)
	require.NoError(t, err)
	e, err := d.Expand([]int{2, 3})
	require.NoError(t, err)
	u, ok := e.(*distributions.Uniform)
	require.True(t, ok, "native Expand keeps the type")
	assert.Equal(t, []int{2, 3}, u.BatchShape())
	assert.Same(t, low, u.Low(), "low stays unbroadcast (Pyro's _unbroadcasted_low)")
	assert.Same(t, high, u.High())
	x := sh(f64(0.5, 0.5, 0.5, 1, 1, 1), 2, 3)
	g, err := u.LogProbGrad(x)
	require.NoError(t, err)
	require.Equal(t, []int{}, shapeOf(g.Params["low"]))
	require.Equal(t, []int{3}, shapeOf(g.Params["high"]))
	// Σ over the 6 elements of 1/(h-l): twice each of 1/1.25, 1/1.5, 1/2.
	close(t, []float64{2 * (0.8 + 1/1.5 + 0.5)}, data64(t, g.Params["low"]), tol64, 0)
	close(t, []float64{-1.6, -2 / 1.5, -1}, data64(t, g.Params["high"]), tol64, 0)
	_, err = u.LogProb(f64(-1, 0.5, 0.5)) // checked against the bounds as given
	require.ErrorIs(t, err, distributions.ErrSupport)
	_, err = d.Expand([]int{2})
	require.ErrorIs(t, err, distributions.ErrShape)
}

func TestUniformLogProbInto(t *testing.T) {
	t.Parallel()
	for _, dt := range []string{"f64", "f32"} {
		t.Run(dt, func(t *testing.T) {
			low, high, x := sh(f64(-1, 0, 0.5), 3, 1), f64(1, 2, 3, 4), sh(f64(seq(0.5, 0.9, 8)...), 2, 1, 4)
			dst := must(tensor.Zeros[float64](2, 3, 4))
			if dt == "f32" {
				low, high, x, dst = to32(low), to32(high), to32(x), to32(dst)
			}
			d := must(distributions.NewUniform(low, high))
			lp, err := d.LogProb(x)
			require.NoError(t, err)
			require.NoError(t, d.LogProbInto(dst, x))
			require.Equal(t, data64(t, lp), data64(t, dst))
			require.ErrorIs(t, d.LogProbInto(must(tensor.Zeros[float64](3, 4)), x), distributions.ErrShape)
		})
	}
}

// uniformGradCase is a Uniform over low and high and a value x, with the
// shape of log_prob.
type uniformGradCase struct {
	name                      string
	xShape, lowShape, hiShape []int
	out, upstreamShape        []int // upstreamShape nil: out
}

// uniformRefSum is Σ w·log p(x) over the broadcast, from gonum (w nil:
// ones): the function the finite differences differentiate.
func uniformRefSum(c uniformGradCase, x, low, high, w []float64) float64 {
	xs, ls, hs := bcast(x, c.xShape, c.out), bcast(low, c.lowShape, c.out), bcast(high, c.hiShape, c.out)
	s := 0.0
	for i := range xs {
		lp := uniformLogProbRef(xs[i], ls[i], hs[i])
		if w != nil {
			lp *= w[i]
		}
		s += lp
	}
	return s
}

func TestUniformLogProbGrad(t *testing.T) {
	t.Parallel()
	cases := []uniformGradCase{
		{name: "low (3,1), high (4), x (2,3,4)", xShape: []int{2, 3, 4}, lowShape: []int{3, 1}, hiShape: []int{4}, out: []int{2, 3, 4}},
		{name: "scalar low, high (2,1,4), x (3,1)", xShape: []int{3, 1}, lowShape: []int{}, hiShape: []int{2, 1, 4}, out: []int{2, 3, 4},
			upstreamShape: []int{4}},
		{name: "all scalar", xShape: []int{}, lowShape: []int{}, hiShape: []int{}, out: []int{}},
	}
	for k, c := range cases {
		for _, vjp := range []bool{false, true} {
			name := c.name
			if vjp {
				name += "/vjp"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				r := rand.New(rand.NewPCG(uint64(k), 11))
				fill := func(shp []int, lo, hi float64) []float64 {
					v := make([]float64, sizeOf(shp))
					for i := range v {
						v[i] = lo + (hi-lo)*r.Float64()
					}
					return v
				}
				// x well inside every interval, so that the steps of the
				// finite differences never cross a bound.
				x, low, high := fill(c.xShape, -0.5, 0.5), fill(c.lowShape, -3, -1), fill(c.hiShape, 1, 3)
				d := must(distributions.NewUniform(must(tensor.New(low, c.lowShape...)), must(tensor.New(high, c.hiShape...))))
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
					u := seq(-2, 1.5, sizeOf(us))
					for i := range u {
						u[i] += 0.1
					}
					w = bcast(u, us, c.out)
					g, err = d.LogProbVJP(xt, must(tensor.New(u, us...)))
				} else {
					g, err = d.LogProbGrad(xt)
				}
				require.NoError(t, err)
				close(t, []float64{uniformRefSum(c, x, low, high, w)}, []float64{g.LogProb}, 1e-13, 0)
				wantX := centralDiff(func(v []float64) float64 { return uniformRefSum(c, v, low, high, w) }, x, 1e-5)
				wantL := centralDiff(func(v []float64) float64 { return uniformRefSum(c, x, v, high, w) }, low, 1e-5)
				wantH := centralDiff(func(v []float64) float64 { return uniformRefSum(c, x, low, v, w) }, high, 1e-5)
				gotX, gotL, gotH := data64(t, g.Value), data64(t, g.Params["low"]), data64(t, g.Params["high"])
				require.Equal(t, c.xShape, shapeOf(g.Value))
				require.Equal(t, c.lowShape, shapeOf(g.Params["low"]))
				require.Equal(t, c.hiShape, shapeOf(g.Params["high"]))
				for _, v := range [][]float64{wantX, wantL, wantH} {
					requireFinite(t, v)
				}
				close(t, wantX, gotX, gradTol, gradTol)
				close(t, wantL, gotL, gradTol, gradTol)
				close(t, wantH, gotH, gradTol, gradTol)
				t.Logf("max rel err vs central differences: x %.2g, low %.2g, high %.2g",
					maxRelErr(wantX, gotX, 1), maxRelErr(wantL, gotL, 1), maxRelErr(wantH, gotH, 1))
			})
		}
	}
	t.Run("analytic partials", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewUniform(s64(-1), s64(3)))
		g, err := d.LogProbGrad(s64(0.5))
		require.NoError(t, err)
		close(t, []float64{0, 0.25, -0.25}, []float64{data64(t, g.Value)[0], data64(t, g.Params["low"])[0], data64(t, g.Params["high"])[0]}, 0, 0)
	})
	t.Run("masked -Inf adds exactly 0", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewUniform(s64(0), s64(2), distributions.WithValidation(false)))
		g, err := d.LogProbVJP(f64(1, 5), f64(1, 0))
		require.NoError(t, err)
		close(t, []float64{-math.Ln2}, []float64{g.LogProb}, tol64, 0)
		close(t, []float64{0.5}, data64(t, g.Params["low"]), tol64, 0)
		close(t, []float64{-0.5}, data64(t, g.Params["high"]), tol64, 0)
	})
}

// TestUniformFloat32 evaluates one distribution in float32 and in float64 on
// the same float32-representable inputs; the kernel computes in float64 and
// rounds once, so tol32 (16 float32 ulps) bounds the difference.
func TestUniformFloat32(t *testing.T) {
	t.Parallel()
	low32, high32 := sh(f32(-1, 0, 2.5), 3, 1), f32(3, 4, 5, 6)
	x32 := sh(to32(f64(seq(2.5, 2.95, 24)...)), 2, 3, 4)
	d32 := must(distributions.NewUniform(low32, high32))
	d64 := must(distributions.NewUniform(to64(low32), to64(high32)))
	u32 := sh(f32(0, 0.2, 0.5, 0.999), 4, 1, 1)
	pair := func(name string, a, b *tensor.Dense, err32, err64 error) {
		require.NoError(t, err32, name)
		require.NoError(t, err64, name)
		require.Equal(t, tensor.Float32, a.Dtype(), name)
		require.Equal(t, shapeOf(b), shapeOf(a), name)
		close(t, data64(t, b), data64(t, a), tol32, 0)
	}
	a, e32 := d32.LogProb(x32)
	b, e64 := d64.LogProb(to64(x32))
	pair("log_prob", a, b, e32, e64)
	a, e32 = d32.CDF(x32)
	b, e64 = d64.CDF(to64(x32))
	pair("cdf", a, b, e32, e64)
	a, e32 = d32.ICDF(u32)
	b, e64 = d64.ICDF(to64(u32))
	pair("icdf", a, b, e32, e64)
	for name, m := range map[string]func(*distributions.Uniform) (*tensor.Dense, error){
		"mean": (*distributions.Uniform).Mean, "variance": (*distributions.Uniform).Variance,
		"stddev": (*distributions.Uniform).StdDev, "entropy": (*distributions.Uniform).Entropy,
		"mode": (*distributions.Uniform).Mode,
	} {
		a, e32 := m(d32)
		b, e64 := m(d64)
		pair(name, a, b, e32, e64)
	}
	g32 := must(d32.LogProbGrad(x32))
	g64 := must(d64.LogProbGrad(to64(x32)))
	close(t, []float64{g64.LogProb}, []float64{g32.LogProb}, tol32, 0)
	for _, p := range []string{"low", "high"} {
		require.Equal(t, tensor.Float32, g32.Params[p].Dtype())
		close(t, data64(t, g64.Params[p]), data64(t, g32.Params[p]), tol32, 0)
	}
}

// uniformKS returns the KS p-value of column j of a sample of shape (n,
// batch...) against gonum's U[low, high].
func uniformKS(data []float64, j, stride int, low, high float64) float64 {
	n := len(data) / stride
	col := make([]float64, n)
	for i := range col {
		col[i] = data[i*stride+j]
	}
	return ksPValue(ksStatistic(col, distuv.Uniform{Min: low, Max: high}.CDF), n)
}

func TestUniformSampleKS(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		low, high *tensor.Dense
		seed      uint64
	}{
		{"unit", s64(0), s64(1), 1},
		{"shifted, wide", s64(-3e3), s64(5e3), 2},
		{"narrow", s64(1e6), s64(1e6 + 1e-3), 3},
		{"batch (2,3)", sh(f64(-2, 5), 2, 1), f64(6, 7, 10), 4},
		{"float32", s32(-1), s32(2), 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := must(distributions.NewUniform(tc.low, tc.high))
			x, err := d.Sample(rand.NewPCG(tc.seed, 0x0f), nDraws)
			require.NoError(t, err)
			batch := d.BatchShape()
			require.Equal(t, append([]int{nDraws}, batch...), shapeOf(x))
			require.Equal(t, tc.low.Dtype(), x.Dtype())
			stride := sizeOf(batch)
			ls := bcast(data64(t, tc.low), shapeOf(tc.low), batch)
			hs := bcast(data64(t, tc.high), shapeOf(tc.high), batch)
			data := data64(t, x)
			for i, v := range data {
				require.True(t, ls[i%stride] <= v && v < hs[i%stride], "draw %d = %v", i, v)
			}
			for j := range stride {
				p := uniformKS(data, j, stride, ls[j], hs[j])
				t.Logf("U[%g, %g): KS p = %.3g", ls[j], hs[j], p)
				assert.GreaterOrEqual(t, p, pCritical, "U[%g, %g)", ls[j], hs[j])
			}
		})
	}
	t.Run("power", func(t *testing.T) {
		// The test rejects a slightly wrong sampler: U[0, 1) draws tested as
		// U[0.01, 1.01) or U[0, 1.02).
		t.Parallel()
		x := must(must(distributions.NewUniform(s64(0), s64(1))).Sample(rand.NewPCG(1, 0x0f), nDraws))
		data := data64(t, x)
		for _, alt := range [][2]float64{{0.01, 1.01}, {0, 1.02}} {
			p := uniformKS(slices.Clone(data), 0, 1, alt[0], alt[1])
			t.Logf("U[0, 1) draws as U[%g, %g): KS p = %.3g", alt[0], alt[1], p)
			assert.Less(t, p, pCritical)
		}
	})
}

func TestUniformSampleHalfOpen(t *testing.T) {
	t.Parallel()
	// 16 float32 values lie in [1-2^-20, 1): l + U(h-l) in float64 rounds up
	// to 1 in float32 for about 1 draw in 32, which Sample must move below h.
	low, high := s32(1-0x1p-20), s32(1)
	d := must(distributions.NewUniform(low, high))
	x, err := d.Sample(rand.NewPCG(7, 8), 100_000)
	require.NoError(t, err)
	top := float32(math.Nextafter32(1, 0))
	seen := 0
	for i, v := range x.Float32s() {
		require.True(t, v >= 1-0x1p-20 && v < 1, "draw %d = %v", i, v)
		if v == top {
			seen++
		}
	}
	assert.Greater(t, seen, 0, "the top value is drawn")
	y, err := d.RSample(rand.NewPCG(7, 8), 100_000)
	require.NoError(t, err)
	assert.Equal(t, x.Float32s(), y.Float32s(), "Sample is RSample")
}

func TestUniformSampleShapesAndSeeds(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewUniform(sh(f64(0, 1, 2), 3, 1), f64(3, 4, 5, 6)))
	for _, c := range []struct{ sample, want []int }{
		{nil, []int{3, 4}}, {[]int{5}, []int{5, 3, 4}}, {[]int{2, 1}, []int{2, 1, 3, 4}}, {[]int{0}, []int{0, 3, 4}},
	} {
		x, err := d.Sample(rand.NewPCG(1, 2), c.sample...)
		require.NoError(t, err)
		assert.Equal(t, c.want, shapeOf(x))
	}
	_, err := d.Sample(nil, 3)
	require.ErrorIs(t, err, distributions.ErrNilSource)
	_, err = d.RSample(rand.NewPCG(1, 2), -1)
	require.ErrorIs(t, err, distributions.ErrShape)
	draw := func(seed uint64) []float64 { return data64(t, must(d.Sample(rand.NewPCG(seed, 99), 50))) }
	a, b, c := draw(1), draw(1), draw(2)
	assert.Equal(t, a, b, "same seed, same draws")
	assert.NotEqual(t, a, c, "another seed, other draws")
}

// TestUniformSampleGOMAXPROCS requires the same bits from one and from two
// goroutines above tensor.ParallelMin; it switches GOMAXPROCS, so it is not
// parallel.
func TestUniformSampleGOMAXPROCS(t *testing.T) {
	const n = 1_000_000
	require.Greater(t, n, tensor.ParallelMin)
	d := must(distributions.NewUniform(f64(-1, 2), f64(0.5, 3)))
	draw := func(procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		return data64(t, must(d.Sample(rand.NewPCG(42, 43), n/2)))
	}
	one, two := draw(1), draw(2)
	require.Len(t, one, n)
	assert.True(t, slices.Equal(one, two), "draws depend on GOMAXPROCS")
}

func FuzzUniform(f *testing.F) {
	for _, c := range [][3]float64{
		{0, 1, 0.5}, {0, 1, 1}, {0, 1, 0}, {1, 0, 0.5}, {1, 1, 1}, {math.NaN(), 1, 0}, {0, math.NaN(), 0},
		{0, 1, math.NaN()}, {-1e308, 1e308, 0}, {0, 5e-324, 0}, {math.Inf(-1), 0, -1}, {0, math.Inf(1), 1e300},
		{-2, 3, 7},
	} {
		f.Add(c[0], c[1], c[2])
	}
	f.Fuzz(func(t *testing.T, low, high, x float64) {
		d, err := distributions.NewUniform(f64(low), f64(high))
		if !(low < high) { // torch: low < high everywhere
			require.ErrorIs(t, err, distributions.ErrParam)
			var ce *distributions.ConstraintError
			require.ErrorAs(t, err, &ce)
			u, err := distributions.NewUniform(f64(low), f64(high), distributions.WithValidation(false))
			require.NoError(t, err)
			_, err = u.LogProb(f64(x))
			require.NoError(t, err)
			_, err = u.LogProbGrad(f64(x))
			require.NoError(t, err)
			return
		}
		require.NoError(t, err)
		lp, err := d.LogProb(f64(x))
		g, gerr := d.LogProbGrad(f64(x))
		if !(low <= x && x <= high) {
			require.ErrorIs(t, err, distributions.ErrSupport)
			require.ErrorIs(t, gerr, distributions.ErrSupport)
			return
		}
		require.NoError(t, err)
		require.NoError(t, gerr)
		got := data64(t, lp)[0]
		close(t, []float64{got}, []float64{g.LogProb}, 0, 0)
		if w := high - low; w >= 0x1p-1022 { // gonum's math.Log is wrong for a subnormal width
			close(t, []float64{uniformLogProbRef(x, low, high)}, []float64{got}, tol64, 0)
		}
		w := high - low
		close(t, []float64{0, 1 / w, -1 / w}, []float64{data64(t, g.Value)[0], data64(t, g.Params["low"])[0], data64(t, g.Params["high"])[0]}, tol64, 0)
		c, err := d.CDF(f64(x))
		require.NoError(t, err)
		cv := data64(t, c)[0]
		require.True(t, cv >= 0 && cv <= 1 || math.IsNaN(cv), "cdf %v", cv)
	})
}

func ExampleUniform_LogProb() {
	d, err := distributions.NewUniform(tensor.Scalar(0.0), tensor.Vector(1.0, 4.0))
	if err != nil {
		log.Fatal(err)
	}
	lp, err := d.LogProb(tensor.Vector(0.5, 4.0)) // 4 = high: validation passes, log p = -Inf
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%.4f\n", lp.Float64s())
	// Output:
	// [0.0000 -Inf]
}

func TestUniformSpec(t *testing.T) {
	t.Parallel()
	d, err := distributions.Build([]byte(`{"family": "Uniform", "params": {"low": 0, "high": {"shape": [2], "data": [1, 2]}}}`))
	require.NoError(t, err)
	require.IsType(t, (*distributions.Uniform)(nil), d)
	assert.Equal(t, []int{2}, d.BatchShape())
	_, err = distributions.Build([]byte(`{"family": "Uniform", "params": {"low": 0, "high": 1, "scale": 1}}`))
	require.ErrorIs(t, err, distributions.ErrUnsupported)
	_, err = distributions.Build([]byte(`{"family": "Uniform", "params": {"low": 0}}`))
	require.ErrorIs(t, err, distributions.ErrParam)
	_, err = distributions.Build([]byte(`{"family": "Uniform", "params": {"low": 1, "high": 0}}`))
	require.ErrorIs(t, err, distributions.ErrParam)
	batch, event, err := distributions.InferShapes("Uniform", map[string][]int{"low": {3, 1}, "high": {2}})
	require.NoError(t, err)
	assert.Equal(t, []int{3, 2}, batch)
	assert.Equal(t, []int{}, event)
}
