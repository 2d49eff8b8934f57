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
	_ distributions.Distribution  = (*distributions.Weibull)(nil)
	_ distributions.RSampler      = (*distributions.Weibull)(nil)
	_ distributions.LogProbGrader = (*distributions.Weibull)(nil)
	_ distributions.LogProbIntoer = (*distributions.Weibull)(nil)
	_ distributions.CDFer         = (*distributions.Weibull)(nil)
	_ distributions.ICDFer        = (*distributions.Weibull)(nil)
	_ distributions.Meaner        = (*distributions.Weibull)(nil)
	_ distributions.Variancer     = (*distributions.Weibull)(nil)
	_ distributions.StdDever      = (*distributions.Weibull)(nil)
	_ distributions.Moder         = (*distributions.Weibull)(nil)
	_ distributions.Entropier     = (*distributions.Weibull)(nil)
)

// weibullOracle applies f(x, λ, k) over x, scale and concentration
// broadcast (by the tests' own bcast) to out.
func weibullOracle(t testing.TB, x, scale, conc *tensor.Dense, out []int, f func(x, l, k float64) float64) []float64 {
	t.Helper()
	xs := bcast(data64(t, x), shapeOf(x), out)
	ls := bcast(data64(t, scale), shapeOf(scale), out)
	ks := bcast(data64(t, conc), shapeOf(conc), out)
	want := make([]float64, len(xs))
	for i := range want {
		want[i] = f(xs[i], ls[i], ks[i])
	}
	return want
}

// weibullLogProbRef is gonum's log density, for x > 0.
func weibullLogProbRef(x, l, k float64) float64 {
	return distuv.Weibull{K: k, Lambda: l}.LogProb(x)
}

func TestWeibullLogProb(t *testing.T) {
	t.Parallel()
	inf := math.Inf(1)
	off := distributions.WithValidation(false)
	tests := []struct {
		name           string
		scale, conc, x *tensor.Dense
		opts           []distributions.Option
		wantShape      []int
		want           []float64 // nil: gonum's Weibull over the broadcast
	}{
		{name: "scalar params, vector value", scale: s64(0.8835), conc: s64(2.7634), x: f64(0.1425, 0.5105, 1.1364, 2.117, 2.4309), wantShape: []int{5}},
		{name: "(2,1) scale vs (3) concentration", scale: sh(f64(1.8353, 1.4415), 2, 1), conc: f64(0.9471, 1.7149, 2.6883),
			x: sh(f64(0.1775, 2.1748, 2.1243, 0.9543, 2.1428, 2.6588), 2, 3), wantShape: []int{2, 3}},
		{name: "value (2,1,1) vs batch (3,4)", scale: sh(f64(0.5, 1, 3), 3, 1), conc: f64(0.3, 1, 2, 7), x: sh(f64(0.25, 4), 2, 1, 1),
			wantShape: []int{2, 3, 4}},
		{name: "mpmath", scale: f64(1, 2, 1, 1.5, 1, 1, 1, 0.8835, 1, 1), conc: f64(2, 0.5, 1, 1, 5, 5, 0.3, 2.7634, 100, 100),
			x: f64(1e-10, 1e-300, 1, 2.5, 3, 30, 1e5, 0.7, 1e-3, 1.01), wantShape: []int{10},
			want: []float64{-22.33270374938051, 344.34804317826695, -1, -2.072131774774831, -236.99611293289345,
				-24299984.785772562, -40.88579723148889, 0.20425789563104316, -679.2626024332435, 2.885439111030204}},
		{name: "x/λ or k/λ outside the float64 range", scale: f64(1e100, 1e-100, 1e-300, 1e-300), conc: f64(0.5, 0.001, 1e300, 1e300),
			x: f64(1e-300, 1e300, 1e-300, 2e-300), wantShape: []int{4},
			want: []float64{229.56536211884463, -699.2741355715078, 1380.5510557964274, -inf}}, // mpmath
		{name: "boundary x = 0 (0·log 0 = 0), unvalidated", scale: s64(1.5), conc: f64(0.5, 1, 2), x: s64(0), opts: []distributions.Option{off},
			wantShape: []int{3}, want: []float64{inf, -0.4054651081081644, -inf}}, // mpmath: -log 1.5 at k = 1
		{name: "outside and at ∞, unvalidated", scale: s64(1), conc: f64(0.5, 1, 2), x: sh(f64(-1, inf), 2, 1), opts: []distributions.Option{off},
			wantShape: []int{2, 3}, want: []float64{-inf, -inf, -inf, -inf, -inf, -inf}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := distributions.NewWeibull(tc.scale, tc.conc, tc.opts...)
			require.NoError(t, err)
			got, err := d.LogProb(tc.x)
			require.NoError(t, err)
			require.Equal(t, tc.wantShape, shapeOf(got))
			want := tc.want
			if want == nil {
				want = weibullOracle(t, tc.x, tc.scale, tc.conc, tc.wantShape, weibullLogProbRef)
			}
			close(t, want, data64(t, got), tol64, 0)
		})
	}
}

func TestWeibullErrors(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	tests := []struct {
		name           string
		scale, conc, x *tensor.Dense // x nil: the constructor must fail
		wantErr        error
		wantName       string
		wantIndex      []int
		wantMsg        []string
	}{
		{name: "scale 0", scale: f64(1, 0), conc: s64(1), wantErr: distributions.ErrParam, wantName: "scale", wantIndex: []int{1},
			wantMsg: []string{"weibull", "scale", "> 0", "[1]"}},
		{name: "concentration -1 at (1, 0)", scale: s64(1), conc: sh(f64(1, 2, -1, 3), 2, 2), wantErr: distributions.ErrParam,
			wantName: "concentration", wantIndex: []int{1, 0}, wantMsg: []string{"concentration", "-1"}},
		{name: "concentration NaN", scale: s64(1), conc: s64(nan), wantErr: distributions.ErrParam, wantName: "concentration", wantIndex: []int{}},
		{name: "scale -Inf", scale: s64(math.Inf(-1)), conc: s64(1), wantErr: distributions.ErrParam, wantName: "scale", wantIndex: []int{}},
		{name: "shapes (3) and (4)", scale: f64(1, 1, 1), conc: f64(1, 1, 1, 1), wantErr: distributions.ErrShape,
			wantMsg: []string{"weibull", "scale and concentration"}},
		{name: "mixed dtypes", scale: f32(1), conc: f64(1), wantErr: distributions.ErrDType},
		{name: "nil concentration", scale: s64(1), conc: nil, wantErr: distributions.ErrParam, wantMsg: []string{"concentration"}},
		{name: "value 0 (support is open)", scale: s64(1), conc: s64(2), x: f64(1, 0), wantErr: distributions.ErrSupport,
			wantName: "value", wantIndex: []int{1}},
		{name: "negative value", scale: s64(1), conc: s64(2), x: sh(f64(1, -2), 2, 1), wantErr: distributions.ErrSupport,
			wantName: "value", wantIndex: []int{1, 0}},
		{name: "NaN value", scale: s64(1), conc: s64(2), x: f64(nan), wantErr: distributions.ErrSupport, wantName: "value", wantIndex: []int{0}},
		{name: "value (5) vs batch (2)", scale: f64(1, 2), conc: s64(1), x: f64(1, 1, 1, 1, 1), wantErr: distributions.ErrShape},
		{name: "float32 value", scale: s64(1), conc: s64(1), x: f32(1), wantErr: distributions.ErrDType},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var err error
			d, cerr := distributions.NewWeibull(tc.scale, tc.conc)
			if tc.x == nil {
				require.Nil(t, d)
				err = cerr
			} else {
				require.NoError(t, cerr)
				_, err = d.LogProb(tc.x)
				_, gerr := d.LogProbGrad(tc.x)
				require.ErrorIs(t, gerr, tc.wantErr)
			}
			require.ErrorIs(t, err, tc.wantErr)
			for _, other := range []error{distributions.ErrParam, distributions.ErrShape, distributions.ErrSupport, distributions.ErrDType} {
				if other != tc.wantErr {
					require.NotErrorIs(t, err, other)
				}
			}
			if tc.wantName != "" {
				var ce *distributions.ConstraintError
				require.ErrorAs(t, err, &ce)
				assert.Equal(t, "weibull", ce.Family)
				assert.Equal(t, tc.wantName, ce.Name)
				assert.Equal(t, tc.wantIndex, ce.Index)
			}
			for _, s := range tc.wantMsg {
				assert.Contains(t, err.Error(), s)
			}
		})
	}
}

func TestWeibullCDF(t *testing.T) {
	t.Parallel()
	t.Run("mpmath, left tail included", func(t *testing.T) {
		d := must(distributions.NewWeibull(f64(1, 1, 1, 1, 1, 1, 0.8835), f64(2, 0.5, 1, 3, 2, 2, 2.7634)))
		got, err := d.CDF(f64(1e-10, 1e-100, 0.5, 1, 3, 6, 2.2754))
		require.NoError(t, err)
		// 1e-20 and 1e-50 need -expm1; 1 - exp would give 0.
		close(t, []float64{1e-20, 1e-50, 0.3934693402873666, 0.6321205588285577, 0.9998765901959134, 0.9999999999999998,
			0.9999988279002131}, data64(t, got), tol64, 0)
	})
	t.Run("broadcast vs gonum", func(t *testing.T) {
		scale, conc, x := sh(f64(0.5, 1, 3), 3, 1), f64(0.3, 1, 2, 7), sh(f64(0.1, 0.9, 2.5), 3, 1, 1)
		d := must(distributions.NewWeibull(scale, conc))
		got, err := d.CDF(x)
		require.NoError(t, err)
		out := []int{3, 3, 4}
		require.Equal(t, out, shapeOf(got))
		ref := weibullOracle(t, x, scale, conc, out, func(x, l, k float64) float64 { return distuv.Weibull{K: k, Lambda: l}.CDF(x) })
		close(t, ref, data64(t, got), tol64, 0)
	})
	t.Run("outside and at ∞, unvalidated", func(t *testing.T) {
		d := must(distributions.NewWeibull(s64(1), s64(2), distributions.WithValidation(false)))
		got, err := d.CDF(f64(math.Inf(-1), -1, 0, math.Inf(1), math.NaN()))
		require.NoError(t, err)
		close(t, []float64{0, 0, 0, 1, math.NaN()}, data64(t, got), 0, 0)
	})
	t.Run("errors", func(t *testing.T) {
		d := must(distributions.NewWeibull(f64(1, 2), s64(1)))
		_, err := d.CDF(f64(0))
		require.ErrorIs(t, err, distributions.ErrSupport)
		_, err = d.CDF(f64(1, 2, 3))
		require.ErrorIs(t, err, distributions.ErrShape)
		_, err = d.CDF(f32(1))
		require.ErrorIs(t, err, distributions.ErrDType)
	})
}

func TestWeibullICDF(t *testing.T) {
	t.Parallel()
	t.Run("mpmath, tails included", func(t *testing.T) {
		d := must(distributions.NewWeibull(f64(1, 3, 1, 2, 1, 1, 1, 1), f64(2, 0.5, 1, 3, 2, 0.5, 2, 2)))
		got, err := d.ICDF(f64(1e-300, 1e-20, 0.5, 0.5, 1-1e-10, 1-0x1p-53, 0, 1))
		require.NoError(t, err)
		close(t, []float64{1e-150, 2.9999999999999998e-40, 0.6931471805599453, 1.7699940890010355, 4.798525903566645,
			1349.5925160962279, 0, math.Inf(1)}, data64(t, got), tol64, 0)
	})
	t.Run("inverts CDF", func(t *testing.T) {
		d := must(distributions.NewWeibull(sh(f64(0.5, 1, 3), 3, 1), f64(0.3, 1, 2, 7)))
		u := sh(f64(1e-12, 1e-6, 0.01, 0.3, 0.5, 0.7, 0.99, 1-1e-6), 8, 1, 1)
		x, err := d.ICDF(u)
		require.NoError(t, err)
		require.Equal(t, []int{8, 3, 4}, shapeOf(x))
		back, err := d.CDF(x)
		require.NoError(t, err)
		// Rounding x to float64 moves u by x·p(x)·ε ≤ k·t^k·ε relative;
		// t^k = -log(1-u) ≤ 14 here, k ≤ 7: 1e-13 bounds the round trip.
		close(t, bcast(data64(t, u), []int{8, 1, 1}, []int{8, 3, 4}), data64(t, back), 1e-13, 0)
	})
	t.Run("u outside [0, 1]", func(t *testing.T) {
		d := must(distributions.NewWeibull(s64(1), s64(2)))
		for _, u := range []float64{-0.1, 1.5, math.NaN()} {
			_, err := d.ICDF(f64(0.5, u))
			require.ErrorIs(t, err, distributions.ErrSupport, "u = %v", u)
		}
	})
}

func TestWeibullMoments(t *testing.T) {
	t.Parallel()
	inf, nan := math.Inf(1), math.NaN()
	t.Run("mpmath", func(t *testing.T) {
		// Large k is where Γ(1+2/k) - Γ(1+1/k)² cancels (gonum's Variance
		// keeps ~4 digits at k = 1e4 and none at 1e8); small k where Γ
		// overflows but λ brings the moments back into range.
		scale := f64(1, 1, 0.8835, 1, 1, 1, 2, 1, 1, 1e200, 3)
		conc := f64(0.5, 1, 2.7634, 15.9, 16, 17, 100, 1e4, 1e8, 0.01, 1e-3)
		d := must(distributions.NewWeibull(scale, conc))
		mean := []float64{2, 1, 0.7863274786492895, 0.967398071090308, 0.9675800675995249, 0.9692948681819705,
			1.9886517023830121, 0.9999422883231625, 0.9999999942278435, inf, inf}
		variance := []float64{20, 1, 0.09462684998913115, 0.005596493653647437, 0.005531512633800343, 0.004939703400256405,
			0.0006412196648010445, 1.6445038762822376e-08, 1.6449340238174553e-16, inf, inf}
		stddev := []float64{4.47213595499958, 1, 0.3076147753101778, 0.07480971630508591, 0.07437413954998298, 0.07028302355659156,
			0.025322315549748693, 0.00012823821100913088, 1.2825498133863867e-08, inf, inf}
		mode := []float64{nan, 0, 0.7509442289187744, 0.9959229316214903, 0.9959744666984244, 0.9964401969514795,
			1.9997990033835167, 0.9999999899995, 0.9999999999999999, nan, nan}
		entropy := []float64{1.1159315156584124, 1, 0.22801107602600115, -1.2254063163310387, -1.2314490363945942, -1.28995154179595,
			-2.3405794971756286, -7.63318242864114, -16.843465084822988, 408.97783795954547, -567.6320816689811}
		for _, c := range []struct {
			name string
			got  *tensor.Dense
			want []float64
			tol  float64
		}{
			{"mean", must(d.Mean()), mean, tol64},
			{"variance", must(d.Variance()), variance, tol64},
			{"stddev", must(d.StdDev()), stddev, tol64},
			{"mode", must(d.Mode()), mode, tol64},
			// at k = 1e8 the entropy -16.8 is the sum of terms near ±18.4: 1e-13
			{"entropy", must(d.Entropy()), entropy, 1e-13},
		} {
			t.Run(c.name, func(t *testing.T) {
				require.Equal(t, []int{11}, shapeOf(c.got))
				close(t, c.want, data64(t, c.got), c.tol, 0)
			})
		}
	})
	t.Run("Γ(1+2/k) overflows, λ² brings it back, mpmath", func(t *testing.T) {
		// λ = 1e-100, k = 0.01: Γ(201) = 7.9e374 overflows, so the variance is
		// exp(2·log λ + log c) with an argument of 402.7, whose rounding
		// costs 402.7·ε ≈ 9e-14 relative (measured 4.7e-14): 2e-13, not tol64.
		d := must(distributions.NewWeibull(s64(1e-100), s64(0.01)))
		close(t, []float64{9.332621544394325e+57}, data64(t, must(d.Mean())), tol64, 0)
		close(t, []float64{7.886578673647731e+174}, data64(t, must(d.Variance())), 2e-13, 0)
		close(t, []float64{2.8083053027845335e+87}, data64(t, must(d.StdDev())), 2e-13, 0)
		close(t, []float64{-281.7976899386682}, data64(t, must(d.Entropy())), tol64, 0)
		assert.True(t, math.IsNaN(data64(t, must(d.Mode()))[0]))
	})
	t.Run("broadcast vs gonum", func(t *testing.T) {
		scale, conc := sh(f64(0.5, 1, 3), 3, 1), f64(1.2, 2, 3.5, 7)
		d := must(distributions.NewWeibull(scale, conc))
		batch := []int{3, 4}
		require.Equal(t, batch, d.BatchShape())
		ls, ks := bcast(data64(t, scale), []int{3, 1}, batch), bcast(data64(t, conc), []int{4}, batch)
		ref := func(f func(w distuv.Weibull) float64) []float64 {
			out := make([]float64, len(ls))
			for i := range out {
				out[i] = f(distuv.Weibull{K: ks[i], Lambda: ls[i]})
			}
			return out
		}
		for _, c := range []struct {
			name string
			got  *tensor.Dense
			want []float64
			tol  float64
		}{
			{"mean", must(d.Mean()), ref(distuv.Weibull.Mean), tol64},
			// gonum subtracts Γ(1+2/k) - Γ(1+1/k)², which loses up to log2(4.4)
			// bits at k = 7 (Γ² / the difference ≈ 44): 1e-13, not tol64.
			{"variance", must(d.Variance()), ref(distuv.Weibull.Variance), 1e-13},
			{"stddev", must(d.StdDev()), ref(distuv.Weibull.StdDev), 1e-13},
			{"mode", must(d.Mode()), ref(distuv.Weibull.Mode), tol64},
			{"entropy", must(d.Entropy()), ref(distuv.Weibull.Entropy), tol64},
		} {
			t.Run(c.name, func(t *testing.T) {
				require.Equal(t, batch, shapeOf(c.got))
				close(t, c.want, data64(t, c.got), c.tol, 0)
			})
		}
	})
	t.Run("accessors and Expand", func(t *testing.T) {
		scale, conc := s64(2), f64(1, 3)
		d := must(distributions.NewWeibull(scale, conc))
		assert.Same(t, scale, d.Scale())
		assert.Same(t, conc, d.Concentration())
		e, err := d.Expand([]int{4, 2})
		require.NoError(t, err)
		w, ok := e.(*distributions.Weibull)
		require.True(t, ok, "native Expand keeps the type")
		assert.Equal(t, []int{4, 2}, w.BatchShape())
		assert.Same(t, conc, w.Concentration())
		_, err = d.Expand([]int{3})
		require.ErrorIs(t, err, distributions.ErrShape)
	})
}

func TestWeibullLogProbInto(t *testing.T) {
	t.Parallel()
	for _, dt := range []string{"f64", "f32"} {
		t.Run(dt, func(t *testing.T) {
			scale, conc, x := sh(f64(0.5, 1, 2.5), 3, 1), f64(0.5, 1, 2, 4), sh(f64(seq(0.1, 3, 8)...), 2, 1, 4)
			dst := must(tensor.Zeros[float64](2, 3, 4))
			if dt == "f32" {
				scale, conc, x, dst = to32(scale), to32(conc), to32(x), to32(dst)
			}
			d := must(distributions.NewWeibull(scale, conc))
			lp, err := d.LogProb(x)
			require.NoError(t, err)
			require.NoError(t, d.LogProbInto(dst, x))
			require.Equal(t, data64(t, lp), data64(t, dst))
			require.ErrorIs(t, d.LogProbInto(must(tensor.Zeros[float64](3, 4)), x), distributions.ErrShape)
		})
	}
}

// weibullGradCase is a Weibull over scale and concentration and a value x,
// with the shape of log_prob.
type weibullGradCase struct {
	name                     string
	xShape, scShape, coShape []int
	out, upstreamShape       []int // upstreamShape nil: out
}

// weibullRefSum is Σ w·log p(x) over the broadcast, from gonum (w nil: ones).
func weibullRefSum(c weibullGradCase, x, scale, conc, w []float64) float64 {
	xs, ls, ks := bcast(x, c.xShape, c.out), bcast(scale, c.scShape, c.out), bcast(conc, c.coShape, c.out)
	s := 0.0
	for i := range xs {
		lp := weibullLogProbRef(xs[i], ls[i], ks[i])
		if w != nil {
			lp *= w[i]
		}
		s += lp
	}
	return s
}

func TestWeibullLogProbGrad(t *testing.T) {
	t.Parallel()
	cases := []weibullGradCase{
		{name: "scale (3,1), concentration (4), x (2,3,4)", xShape: []int{2, 3, 4}, scShape: []int{3, 1}, coShape: []int{4}, out: []int{2, 3, 4}},
		{name: "scale (4), concentration (3,1), x (2,1,1)", xShape: []int{2, 1, 1}, scShape: []int{4}, coShape: []int{3, 1}, out: []int{2, 3, 4},
			upstreamShape: []int{3, 1}},
		{name: "all scalar", xShape: []int{}, scShape: []int{}, coShape: []int{}, out: []int{}},
	}
	for k, c := range cases {
		for _, vjp := range []bool{false, true} {
			name := c.name
			if vjp {
				name += "/vjp"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				r := rand.New(rand.NewPCG(uint64(k), 17))
				fill := func(shp []int, lo, hi float64) []float64 {
					v := make([]float64, sizeOf(shp))
					for i := range v {
						v[i] = lo + (hi-lo)*r.Float64()
					}
					return v
				}
				x, scale, conc := fill(c.xShape, 0.2, 3), fill(c.scShape, 0.5, 2), fill(c.coShape, 0.5, 4)
				d := must(distributions.NewWeibull(must(tensor.New(scale, c.scShape...)), must(tensor.New(conc, c.coShape...))))
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
				close(t, []float64{weibullRefSum(c, x, scale, conc, w)}, []float64{g.LogProb}, 1e-13, 0)
				require.Equal(t, c.xShape, shapeOf(g.Value))
				require.Equal(t, c.scShape, shapeOf(g.Params["scale"]))
				require.Equal(t, c.coShape, shapeOf(g.Params["concentration"]))
				wantX := centralDiff(func(v []float64) float64 { return weibullRefSum(c, v, scale, conc, w) }, x, 1e-5)
				wantS := centralDiff(func(v []float64) float64 { return weibullRefSum(c, x, v, conc, w) }, scale, 1e-5)
				wantK := centralDiff(func(v []float64) float64 { return weibullRefSum(c, x, scale, v, w) }, conc, 1e-5)
				gotX, gotS, gotK := data64(t, g.Value), data64(t, g.Params["scale"]), data64(t, g.Params["concentration"])
				for _, v := range [][]float64{wantX, wantS, wantK} {
					requireFinite(t, v)
				}
				close(t, wantX, gotX, gradTol, gradTol)
				close(t, wantS, gotS, gradTol, gradTol)
				close(t, wantK, gotK, gradTol, gradTol)
				t.Logf("max rel err vs central differences: x %.2g, scale %.2g, concentration %.2g",
					maxRelErr(wantX, gotX, 1), maxRelErr(wantS, gotS, 1), maxRelErr(wantK, gotK, 1))
			})
		}
	}
	t.Run("near t = 1, relative precision", func(t *testing.T) {
		t.Parallel()
		// λ = 1, k = 2, x = 1 + 2^-30: t^k - 1 = 2^-29 + 2^-60 exactly, so
		// ∂/∂λ = 2(2^-29 + 2^-60); exp(k·log t) - 1 would keep ~7 digits.
		x := 1 + 0x1p-30
		g := must(must(distributions.NewWeibull(s64(1), s64(2))).LogProbGrad(s64(x)))
		em := 0x1p-29 + 0x1p-60
		close(t, []float64{2 * em}, data64(t, g.Params["scale"]), tol64, 0)
		close(t, []float64{-(1 + 2*em) / x}, data64(t, g.Value), tol64, 0)
		close(t, []float64{0.5 - math.Log1p(0x1p-30)*em}, data64(t, g.Params["concentration"]), tol64, 0)
	})
	t.Run("gonum's Score and ScoreInput", func(t *testing.T) {
		t.Parallel()
		// An analytic oracle beside the differences: gonum's ∂/∂K, ∂/∂λ, ∂/∂x.
		for _, p := range [][3]float64{{0.3, 1, 0.7}, {2.2754, 0.8835, 2.7634}, {5, 2, 0.4}, {1, 1, 1}} {
			x, l, k := p[0], p[1], p[2]
			g := must(must(distributions.NewWeibull(s64(l), s64(k))).LogProbGrad(s64(x)))
			w := distuv.Weibull{K: k, Lambda: l}
			score := w.Score(nil, x)
			got := []float64{data64(t, g.Params["concentration"])[0], data64(t, g.Params["scale"])[0], data64(t, g.Value)[0]}
			close(t, []float64{score[0], score[1], w.ScoreInput(x)}, got, 1e-13, 1e-15)
		}
	})
	t.Run("boundary x = 0, k = 1: the exponential's slope", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewWeibull(s64(2), s64(1), distributions.WithValidation(false)))
		g, err := d.LogProbGrad(s64(0))
		require.NoError(t, err)
		close(t, []float64{-math.Ln2}, []float64{g.LogProb}, tol64, 0)
		close(t, []float64{-0.5}, data64(t, g.Value), tol64, 0)
		close(t, []float64{-0.5}, data64(t, g.Params["scale"]), tol64, 0) // k(t^k-1)/λ at t = 0
	})
	t.Run("masked -Inf adds exactly 0", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewWeibull(s64(1), s64(2), distributions.WithValidation(false)))
		g, err := d.LogProbVJP(f64(1, -1), f64(1, 0))
		require.NoError(t, err)
		close(t, []float64{math.Ln2 - 1}, []float64{g.LogProb}, tol64, 0) // log 2 + log 1 - 1
		close(t, []float64{0}, data64(t, g.Params["scale"]), 0, 0)
	})
}

// TestWeibullFloat32 evaluates one distribution in float32 and in float64 on
// the same float32-representable inputs; the kernel computes in float64 and
// rounds once, so tol32 bounds the difference from float64's value rounded
// to float32.
func TestWeibullFloat32(t *testing.T) {
	t.Parallel()
	scale32, conc32 := sh(f32(0.5, 1, 2.5), 3, 1), f32(0.5, 1, 2, 4)
	x32 := sh(to32(f64(seq(0.05, 4, 24)...)), 2, 3, 4)
	d32 := must(distributions.NewWeibull(scale32, conc32))
	d64 := must(distributions.NewWeibull(to64(scale32), to64(conc32)))
	u32 := sh(f32(0.001, 0.2, 0.5, 0.9, 0.999), 5, 1, 1)
	pair := func(name string, a, b *tensor.Dense, err32, err64 error) {
		require.NoError(t, err32, name)
		require.NoError(t, err64, name)
		require.Equal(t, tensor.Float32, a.Dtype(), name)
		require.Equal(t, shapeOf(b), shapeOf(a), name)
		close(t, data64(t, to32(b)), data64(t, a), tol32, 0)
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
	for name, m := range map[string]func(*distributions.Weibull) (*tensor.Dense, error){
		"mean": (*distributions.Weibull).Mean, "variance": (*distributions.Weibull).Variance,
		"stddev": (*distributions.Weibull).StdDev, "mode": (*distributions.Weibull).Mode,
		"entropy": (*distributions.Weibull).Entropy,
	} {
		a, e32 := m(d32)
		b, e64 := m(d64)
		pair(name, a, b, e32, e64)
	}
	g32 := must(d32.LogProbGrad(x32))
	g64 := must(d64.LogProbGrad(to64(x32)))
	close(t, []float64{g64.LogProb}, []float64{g32.LogProb}, tol32, 0)
	close(t, data64(t, g64.Value), data64(t, g32.Value), tol32, 0)
	for _, p := range []string{"scale", "concentration"} {
		require.Equal(t, tensor.Float32, g32.Params[p].Dtype())
		close(t, data64(t, g64.Params[p]), data64(t, g32.Params[p]), tol32, 0)
	}
}

// weibullKS returns the KS p-value of column j of a sample of shape (n,
// batch...) against gonum's Weibull(λ, k).
func weibullKS(data []float64, j, stride int, l, k float64) float64 {
	n := len(data) / stride
	col := make([]float64, n)
	for i := range col {
		col[i] = data[i*stride+j]
	}
	return ksPValue(ksStatistic(col, distuv.Weibull{K: k, Lambda: l}.CDF), n)
}

func TestWeibullSampleKS(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		scale, conc *tensor.Dense
		seed        uint64
	}{
		{"exponential", s64(1), s64(1), 1},
		{"golden weibull/scalar", s64(0.8835), s64(2.7634), 2},
		{"heavy, k 0.3", s64(2), s64(0.3), 3},
		{"narrow, k 50", s64(1e-3), s64(50), 4},
		{"batch (2,3)", sh(f64(0.5, 4), 2, 1), f64(0.7, 1.5, 9), 5},
		{"float32", s32(1.5), s32(2), 6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := must(distributions.NewWeibull(tc.scale, tc.conc))
			x, err := d.Sample(rand.NewPCG(tc.seed, 0x3b), nDraws)
			require.NoError(t, err)
			batch := d.BatchShape()
			require.Equal(t, append([]int{nDraws}, batch...), shapeOf(x))
			require.Equal(t, tc.scale.Dtype(), x.Dtype())
			stride := sizeOf(batch)
			ls := bcast(data64(t, tc.scale), shapeOf(tc.scale), batch)
			ks := bcast(data64(t, tc.conc), shapeOf(tc.conc), batch)
			data := data64(t, x)
			for i, v := range data {
				require.True(t, v > 0 && !math.IsInf(v, 1), "draw %d = %v", i, v)
			}
			for j := range stride {
				p := weibullKS(data, j, stride, ls[j], ks[j])
				t.Logf("Weibull(%g, %g): KS p = %.3g", ls[j], ks[j], p)
				assert.GreaterOrEqual(t, p, pCritical, "Weibull(%g, %g)", ls[j], ks[j])
			}
		})
	}
	t.Run("power", func(t *testing.T) {
		// The test rejects a slightly wrong sampler: Weibull(1, 2) draws
		// tested as Weibull(1.02, 2) or Weibull(1, 2.1).
		t.Parallel()
		x := must(must(distributions.NewWeibull(s64(1), s64(2))).Sample(rand.NewPCG(1, 0x3b), nDraws))
		data := data64(t, x)
		for _, alt := range [][2]float64{{1.02, 2}, {1, 2.1}} {
			p := weibullKS(slices.Clone(data), 0, 1, alt[0], alt[1])
			t.Logf("Weibull(1, 2) draws as Weibull(%g, %g): KS p = %.3g", alt[0], alt[1], p)
			assert.Less(t, p, pCritical)
		}
	})
}

func TestWeibullSampleShapesAndSeeds(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewWeibull(sh(f64(0.5, 1, 2), 3, 1), f64(0.5, 1, 2, 4)))
	for _, c := range []struct{ sample, want []int }{
		{nil, []int{3, 4}}, {[]int{5}, []int{5, 3, 4}}, {[]int{2, 1}, []int{2, 1, 3, 4}}, {[]int{0}, []int{0, 3, 4}},
	} {
		x, err := d.Sample(rand.NewPCG(1, 2), c.sample...)
		require.NoError(t, err)
		assert.Equal(t, c.want, shapeOf(x))
		y, err := d.RSample(rand.NewPCG(1, 2), c.sample...)
		require.NoError(t, err)
		assert.Equal(t, data64(t, x), data64(t, y), "Sample is RSample")
	}
	_, err := d.Sample(nil, 3)
	require.ErrorIs(t, err, distributions.ErrNilSource)
	_, err = d.RSample(rand.NewPCG(1, 2), -1)
	require.ErrorIs(t, err, distributions.ErrShape)
	draw := func(seed uint64) []float64 { return data64(t, must(d.Sample(rand.NewPCG(seed, 99), 50))) }
	a, b, c := draw(1), draw(1), draw(2)
	assert.Equal(t, a, b, "same seed, same draws")
	assert.NotEqual(t, a, c, "another seed, other draws")

	// Reparameterisation: the draws are λ·E^(1/k) with the E that
	// Weibull(1, 1) (Exp(1)) draws from the same seed, to rounding.
	std := must(distributions.NewWeibull(must(tensor.Full(1.0, 3, 1)), must(tensor.Full(1.0, 4))))
	es := data64(t, must(std.RSample(rand.NewPCG(1, 99), 50)))
	ls := bcast([]float64{0.5, 1, 2}, []int{3, 1}, []int{50, 3, 4})
	ks := bcast([]float64{0.5, 1, 2, 4}, []int{4}, []int{50, 3, 4})
	want := make([]float64, len(es))
	for i := range es {
		want[i] = ls[i] * math.Pow(es[i], 1/ks[i])
	}
	close(t, want, a, 1e-14, 0)
}

// TestWeibullSampleGOMAXPROCS requires the same bits from one and from two
// goroutines above tensor.ParallelMin; it switches GOMAXPROCS, so it is not
// parallel.
func TestWeibullSampleGOMAXPROCS(t *testing.T) {
	const n = 1_000_000
	require.Greater(t, n, tensor.ParallelMin)
	d := must(distributions.NewWeibull(f64(0.5, 2), f64(0.7, 3)))
	draw := func(procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		return data64(t, must(d.Sample(rand.NewPCG(42, 43), n/2)))
	}
	one, two := draw(1), draw(2)
	require.Len(t, one, n)
	assert.True(t, slices.Equal(one, two), "draws depend on GOMAXPROCS")
}

func FuzzWeibull(f *testing.F) {
	for _, c := range [][3]float64{
		{1, 1, 1}, {1, 2, 0}, {1, 0.5, 0}, {1, 1, 0}, {0, 1, 1}, {1, -1, 1}, {math.NaN(), 1, 1}, {1, 1, math.NaN()},
		{1, 1, -1}, {1e-300, 1e300, 1e-300}, {1e300, 1e-3, 1e300}, {1, 100, 1.01}, {2, 0.3, 1e5}, {math.Inf(1), 1, 1},
		{1, 5, math.Inf(1)}, {131.125, 948, 130.5},
	} {
		f.Add(c[0], c[1], c[2])
	}
	f.Fuzz(func(t *testing.T, scale, conc, x float64) {
		d, err := distributions.NewWeibull(f64(scale), f64(conc))
		if !(scale > 0) || !(conc > 0) { // torch: both positive
			require.ErrorIs(t, err, distributions.ErrParam)
			var ce *distributions.ConstraintError
			require.ErrorAs(t, err, &ce)
			u, err := distributions.NewWeibull(f64(scale), f64(conc), distributions.WithValidation(false))
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
		if !(x > 0) {
			require.ErrorIs(t, err, distributions.ErrSupport)
			require.ErrorIs(t, gerr, distributions.ErrSupport)
			return
		}
		require.NoError(t, err)
		require.NoError(t, gerr)
		got := data64(t, lp)[0]
		close(t, []float64{got}, []float64{g.LogProb}, 0, 0)
		if !math.IsInf(scale, 0) && !math.IsInf(x, 0) {
			require.False(t, math.IsNaN(got), "log Weibull(%v | %v, %v) is NaN", x, scale, conc)
		}
		lt := math.Log(x) - math.Log(scale)
		if r := x / scale; r > 1e-100 && r < 1e100 && scale > 1e-100 && scale < 1e100 && conc > 1e-3 && conc < 1e3 && math.Abs(conc*lt) < 30 {
			// gonum sums the same terms; the error is relative to the terms.
			// It also takes log t as log x - log λ, whose rounding (ε per
			// log) (k-1) multiplies: 2.2e-13 relative at x = 130.5,
			// λ = 131.125, k = 948, where ours is 1.9e-14 from mpmath's.
			abs := 1e-14 * (math.Abs(math.Log(conc)) + math.Abs(math.Log(scale)) + math.Abs((conc-1)*lt) + math.Exp(conc*lt) + 1 +
				math.Abs(conc-1)*(math.Abs(math.Log(x))+math.Abs(math.Log(scale))))
			close(t, []float64{weibullLogProbRef(x, scale, conc)}, []float64{got}, 1e-13, abs)
		}
		c, err := d.CDF(f64(x))
		require.NoError(t, err)
		cv := data64(t, c)[0]
		require.True(t, cv >= 0 && cv <= 1 || math.IsNaN(cv), "cdf %v", cv)
	})
}

func ExampleWeibull_Variance() {
	d, err := distributions.NewWeibull(tensor.Scalar(1.0), tensor.Vector(1, 2, 1e8))
	if err != nil {
		log.Fatal(err)
	}
	v, err := d.Variance()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%.6g\n", v.Float64s()) // at k = 1e8: π²/6·1e-16, where Γ(1+2/k) - Γ(1+1/k)² cancels
	// Output:
	// [1 0.214602 1.64493e-16]
}

func TestWeibullSpec(t *testing.T) {
	t.Parallel()
	d, err := distributions.Build([]byte(`{"family": "Weibull", "params": {"scale": 2, "concentration": {"shape": [3], "data": [1, 2, 3]}}}`))
	require.NoError(t, err)
	require.IsType(t, (*distributions.Weibull)(nil), d)
	assert.Equal(t, []int{3}, d.BatchShape())
	_, err = distributions.Build([]byte(`{"family": "Weibull", "params": {"scale": 1, "concentration": 1, "loc": 0}}`))
	require.ErrorIs(t, err, distributions.ErrUnsupported)
	_, err = distributions.Build([]byte(`{"family": "Weibull", "params": {"scale": 1}}`))
	require.ErrorIs(t, err, distributions.ErrParam)
	_, err = distributions.Build([]byte(`{"family": "Weibull", "params": {"scale": 1, "concentration": -2}}`))
	require.ErrorIs(t, err, distributions.ErrParam)
	batch, _, err := distributions.InferShapes("Weibull", map[string][]int{"scale": {2, 1}, "concentration": {3}})
	require.NoError(t, err)
	assert.Equal(t, []int{2, 3}, batch)
}
