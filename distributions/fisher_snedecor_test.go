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
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Reference values marked "mpmath" were computed with mpmath (60 digits)
// from the exact binary value of each float64 input, then rounded once;
// derivatives marked so are mpmath.diff of the same expressions, or, for
// the implicit gradients at large degrees of freedom, -∫ p·∂log p/∂d over
// a tail divided by p (mpmath.quad).

var (
	_ distributions.Distribution   = (*distributions.FisherSnedecor)(nil)
	_ distributions.RSampler       = (*distributions.FisherSnedecor)(nil)
	_ distributions.PathwiseGrader = (*distributions.FisherSnedecor)(nil)
	_ distributions.LogProbGrader  = (*distributions.FisherSnedecor)(nil)
	_ distributions.LogProbIntoer  = (*distributions.FisherSnedecor)(nil)
	_ distributions.Meaner         = (*distributions.FisherSnedecor)(nil)
	_ distributions.Variancer      = (*distributions.FisherSnedecor)(nil)
	_ distributions.StdDever       = (*distributions.FisherSnedecor)(nil)
	_ distributions.Moder          = (*distributions.FisherSnedecor)(nil)
	_ distributions.Expander       = (*distributions.FisherSnedecor)(nil)
)

// TestFisherSnedecorCapabilities: torch 1.13's FisherSnedecor has rsample
// but no entropy, cdf or icdf.
func TestFisherSnedecorCapabilities(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewFisherSnedecor(s64(3), s64(5)))
	_, isH := any(d).(distributions.Entropier)
	_, isCDF := any(d).(distributions.CDFer)
	_, isICDF := any(d).(distributions.ICDFer)
	assert.False(t, isH)
	assert.False(t, isCDF)
	assert.False(t, isICDF)
	assert.True(t, distributions.HasRSample(d))
	assert.Equal(t, "FisherSnedecor(batch_shape=())", fmt.Sprint(d))
}

// fisherGonumLogProb is gonum's log density of F(d₁, d₂) for y > 0.
func fisherGonumLogProb(y, d1, d2 float64) float64 { return distuv.F{D1: d1, D2: d2}.LogProb(y) }

func TestFisherSnedecorLogProb(t *testing.T) {
	t.Parallel()
	inf := math.Inf(1)
	t.Run("mpmath", func(t *testing.T) {
		t.Parallel()
		for _, c := range []struct {
			y, d1, d2, want, rel float64
		}{
			{0.6517, 2.0491, 18.1826, -0.68755504434399746, tol64}, // golden fisher_snedecor/scalar
			{1, 1, 1, -1.8378770664093455, tol64},
			{0.01, 0.5, 3, 1.7513821252923799, tol64},
			{7, 20, 30, -13.114805388994316, tol64},
			{1e-300, 3, 4, -344.4975312178022, tol64},
			{1e-310, 1.5, 2.5, 177.96221637420457, tol64}, // subnormal y
			{1e300, 3, 4, -2070.4294637097552, tol64},
			{1e300, 0.3, 0.2, -762.68613110209686, tol64},
			{2, 1e6, 3, -1.7538889891017465, tol64},
			// large degrees of freedom: torch's sum cancels terms of 1e5
			// to the result (1e-11 relative); through BetaLogPDF's Stirling
			// form a few ulps of the terms left remain (measured 8.9e-15;
			// and 8.3e-15 for b = 5e5 beside a = 1.5, whose a·log w and
			// log B(a, b) are near 20).
			{1, 1e5, 1e5, 4.1443745187204962, tol64},
			{1.01, 1e6, 1e5, 2.1892341356191508, 2e-14},
			{0.5, 3, 1e6, -0.36759462798185586, 2e-14},
		} {
			d := must(distributions.NewFisherSnedecor(s64(c.d1), s64(c.d2)))
			close(t, []float64{c.want}, data64(t, must(d.LogProb(s64(c.y)))), c.rel, 0)
		}
	})
	t.Run("boundaries", func(t *testing.T) {
		t.Parallel()
		// y = 0 with 0·log 0 = 0: +Inf for d₁ < 2, p(0) = 1 for d₁ = 2,
		// 0 for d₁ > 2; +Inf and below 0: -Inf (without validation).
		d := must(distributions.NewFisherSnedecor(f64(1, 2, 3, 2, 2), f64(5, 5, 5, 0.5, 1e6), distributions.WithValidation(false)))
		close(t, []float64{inf, 0, -inf, 0, 0}, data64(t, must(d.LogProb(s64(0)))), 0, 0)
		close(t, []float64{-inf, -inf, -inf, -inf, -inf}, data64(t, must(d.LogProb(s64(inf)))), 0, 0)
		close(t, []float64{-inf, -inf, -inf, -inf, -inf}, data64(t, must(d.LogProb(s64(-0.5)))), 0, 0)
	})
	for _, tc := range []struct {
		name      string
		d1, d2, y *tensor.Dense
		out       []int
	}{
		{"scalar params, vector y", s64(4.5), s64(7), f64(0.01, 0.5, 1, 2, 30), []int{5}},
		{"df1 (3,1), df2 (4), y (2,1,1)", sh(f64(0.7, 3, 12), 3, 1), f64(1.5, 4, 9, 25), sh(f64(0.25, 2.5), 2, 1, 1), []int{2, 3, 4}},
	} {
		t.Run("vs gonum/"+tc.name, func(t *testing.T) {
			t.Parallel()
			d := must(distributions.NewFisherSnedecor(tc.d1, tc.d2))
			got := must(d.LogProb(tc.y))
			require.Equal(t, tc.out, shapeOf(got))
			require.Equal(t, tensor.Float64, got.Dtype())
			ys := bcast(data64(t, tc.y), shapeOf(tc.y), tc.out)
			as := bcast(data64(t, tc.d1), shapeOf(tc.d1), tc.out)
			bs := bcast(data64(t, tc.d2), shapeOf(tc.d2), tc.out)
			want := make([]float64, len(ys))
			for i := range want {
				want[i] = fisherGonumLogProb(ys[i], as[i], bs[i])
			}
			// gonum sums d·log(d·y) terms of size ≤ 100: a few ulps of them
			close(t, want, data64(t, got), 1e-14, 1e-13)
		})
	}
}

func TestFisherSnedecorErrors(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	tests := []struct {
		name      string
		d1, d2, y *tensor.Dense // y nil: the constructor must fail
		wantErr   error
		wantName  string
		wantIndex []int
		wantMsg   []string
	}{
		{name: "df1 0", d1: f64(1, 0), d2: s64(1), wantErr: distributions.ErrParam, wantName: "df1", wantIndex: []int{1},
			wantMsg: []string{"fisher_snedecor", "df1", "> 0", "[1]"}},
		{name: "df2 -2 at (1, 0)", d1: s64(1), d2: sh(f64(1, 2, -2, 3), 2, 2), wantErr: distributions.ErrParam, wantName: "df2", wantIndex: []int{1, 0}},
		{name: "df2 NaN", d1: s64(1), d2: f64(nan), wantErr: distributions.ErrParam, wantName: "df2", wantIndex: []int{0}},
		{name: "df1 (2) and df2 (3)", d1: f64(1, 2), d2: f64(1, 2, 3), wantErr: distributions.ErrShape, wantMsg: []string{"fisher_snedecor", "df1 and df2"}},
		{name: "mixed dtypes", d1: f32(1), d2: s64(1), wantErr: distributions.ErrDType},
		{name: "nil df2", d1: s64(1), wantErr: distributions.ErrParam, wantMsg: []string{"df2"}},
		// golden fisher_snedecor/scalar: log_prob(-1) is a support error
		{name: "y -1", d1: s64(2), d2: s64(3), y: s64(-1), wantErr: distributions.ErrSupport, wantName: "value", wantIndex: []int{}, wantMsg: []string{"> 0"}},
		{name: "y 0 (support (0, ∞))", d1: s64(2), d2: s64(3), y: f64(1, 0), wantErr: distributions.ErrSupport, wantName: "value", wantIndex: []int{1}},
		{name: "y NaN", d1: s64(2), d2: s64(3), y: f64(nan), wantErr: distributions.ErrSupport, wantName: "value", wantIndex: []int{0}},
		{name: "y (4) vs batch (3)", d1: f64(1, 2, 3), d2: s64(3), y: f64(1, 2, 3, 4), wantErr: distributions.ErrShape},
		{name: "float32 y, float64 params", d1: s64(1), d2: s64(3), y: f32(1), wantErr: distributions.ErrDType},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := distributions.NewFisherSnedecor(tc.d1, tc.d2)
			if tc.y != nil {
				require.NoError(t, err)
				_, err = d.LogProb(tc.y)
				_, gerr := d.LogProbGrad(tc.y)
				require.ErrorIs(t, gerr, tc.wantErr)
				require.ErrorIs(t, d.LogProbInto(nil, tc.y), tc.wantErr)
			} else {
				require.Nil(t, d)
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
				assert.Equal(t, "fisher_snedecor", ce.Family)
				assert.Equal(t, tc.wantName, ce.Name)
				assert.Equal(t, tc.wantIndex, ce.Index)
			}
			for _, m := range tc.wantMsg {
				assert.Contains(t, err.Error(), m)
			}
		})
	}
	t.Run("spec", func(t *testing.T) {
		t.Parallel()
		_, err := distributions.Build([]byte(`{"family": "FisherSnedecor", "params": {"df1": 3, "df2": 4, "df": 1}}`))
		require.ErrorIs(t, err, distributions.ErrUnsupported)
		_, err = distributions.Build([]byte(`{"family": "FisherSnedecor", "params": {"df1": 3}}`))
		require.ErrorIs(t, err, distributions.ErrParam)
		d, err := distributions.Build([]byte(`{"family": "FisherSnedecor", "params": {"df1": 3, "df2": {"shape": [2], "data": [3, 4]}}}`))
		require.NoError(t, err)
		require.IsType(t, &distributions.FisherSnedecor{}, d)
		assert.Equal(t, []int{2}, d.BatchShape())
	})
}

func TestFisherSnedecorMoments(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	d1s := []float64{0.8, 2, 2.0491, 3.9578, 5, 30, 4}
	d2s := []float64{1.5, 3, 18.1826, 5, 4, 60, 1e200}
	d := must(distributions.NewFisherSnedecor(f64(d1s...), f64(d2s...)))
	var mean, variance, std, mode []float64
	for i, a := range d1s {
		b := d2s[i]
		g := distuv.F{D1: a, D2: b}
		m, v, mo := nan, nan, nan // torch: NaN mean for d₂ ≤ 2, variance for d₂ ≤ 4, mode for d₁ ≤ 2
		if b > 2 {
			m = g.Mean()
		}
		if b > 4 && b < 1e100 {
			v = g.Variance()
		}
		if a > 2 {
			mo = g.Mode()
		}
		mean, variance, std, mode = append(mean, m), append(variance, v), append(std, math.Sqrt(v)), append(mode, mo)
	}
	// d₂ = 1e200: gonum's 2d₂²(…) overflows; the limit 2/d₁ = 0.5
	variance[6], std[6] = 0.5, math.Sqrt(0.5)
	close(t, mean, data64(t, must(d.Mean())), tol64, 0)
	close(t, variance, data64(t, must(d.Variance())), tol64, 0)
	close(t, std, data64(t, must(d.StdDev())), tol64, 0)
	close(t, mode, data64(t, must(d.Mode())), tol64, 0)
	assert.Equal(t, []int{len(d1s)}, shapeOf(must(d.Mode())))
	assert.Same(t, d.DF1(), d.Params()["df1"])
}

// fisherGradCase is one broadcast layout of the gradient check.
type fisherGradCase struct {
	name                     string
	yShape, d1Shape, d2Shape []int
	out, upstreamShape       []int
	lo, hi                   float64 // degrees of freedom
}

var fisherGradCases = []fisherGradCase{
	{name: "all (4)", yShape: []int{4}, d1Shape: []int{4}, d2Shape: []int{4}, out: []int{4}, lo: 0.5, hi: 8},
	{name: "y (2,3), df1 (3), df2 (2,1)", yShape: []int{2, 3}, d1Shape: []int{3}, d2Shape: []int{2, 1}, out: []int{2, 3}, lo: 1, hi: 12},
	{name: "y (4,1,1) vs batch (2,3)", yShape: []int{4, 1, 1}, d1Shape: []int{2, 1}, d2Shape: []int{3}, out: []int{4, 2, 3},
		upstreamShape: []int{2, 1}, lo: 2, hi: 6},
	{name: "a, b ≥ 10 (Stirling's forms)", yShape: []int{3}, d1Shape: []int{3}, d2Shape: []int{}, out: []int{3}, lo: 20, hi: 90},
}

// fisherRefSum is Σ w·log p over the broadcast, from gonum.
func fisherRefSum(c fisherGradCase, y, d1, d2, w []float64) float64 {
	ys, as, bs := bcast(y, c.yShape, c.out), bcast(d1, c.d1Shape, c.out), bcast(d2, c.d2Shape, c.out)
	var s float64
	for i := range ys {
		lp := fisherGonumLogProb(ys[i], as[i], bs[i])
		if w != nil {
			lp *= w[i]
		}
		s += lp
	}
	return s
}

func TestFisherSnedecorLogProbGrad(t *testing.T) {
	t.Parallel()
	for k, c := range fisherGradCases {
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
				d1, d2, y := fill(c.d1Shape, c.lo, c.hi), fill(c.d2Shape, c.lo, c.hi), fill(c.yShape, 0.2, 3)
				d := must(distributions.NewFisherSnedecor(must(tensor.New(d1, c.d1Shape...)), must(tensor.New(d2, c.d2Shape...))))
				yt := must(tensor.New(y, c.yShape...))
				var w []float64
				var g *distributions.Gradient
				var err error
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
					g, err = d.LogProbVJP(yt, must(tensor.New(u, us...)))
				} else {
					g, err = d.LogProbGrad(yt)
				}
				require.NoError(t, err)
				close(t, []float64{fisherRefSum(c, y, d1, d2, w)}, []float64{g.LogProb}, 1e-12, 0)
				require.Equal(t, c.yShape, shapeOf(g.Value))
				require.Equal(t, c.d1Shape, shapeOf(g.Params["df1"]))
				require.Equal(t, c.d2Shape, shapeOf(g.Params["df2"]))
				wants := [][]float64{
					centralDiff(func(v []float64) float64 { return fisherRefSum(c, v, d1, d2, w) }, y, 1e-5),
					centralDiff(func(v []float64) float64 { return fisherRefSum(c, y, v, d2, w) }, d1, 1e-5),
					centralDiff(func(v []float64) float64 { return fisherRefSum(c, y, d1, v, w) }, d2, 1e-5),
				}
				gots := [][]float64{data64(t, g.Value), data64(t, g.Params["df1"]), data64(t, g.Params["df2"])}
				var msg []string
				for i, want := range wants {
					requireFinite(t, want)
					close(t, want, gots[i], gradTol, gradTol)
					msg = append(msg, fmt.Sprintf("%.2g", maxRelErr(want, gots[i], 1)))
				}
				t.Logf("max rel err vs central differences (y, df1, df2): %s", strings.Join(msg, ", "))
			})
		}
	}
	t.Run("mpmath", func(t *testing.T) {
		t.Parallel()
		// Large degrees of freedom: the plain ∂/∂d₁ cancels terms of size 1
		// to 9.4e-13 at d₁ = 1e6 (8e-4 relative); fisherQ's form keeps it.
		for _, c := range []struct{ y, d1, d2, dy, dd1, dd2, rel float64 }{
			{0.6517, 2.0491, 18.1826, -1.024343323763963, 0.22188316793284177, 0.0025555184446356955, 5e-15}, // log v + ψ(a+b) - ψ(b) + … cancels 1:20 (measured 2.9e-15)
			{0.01, 0.5, 3, -75.291181364392677, -0.46765810109389407, 0.022295871339253979, tol64},
			{40, 3, 0.7, -0.033481772990886495, 0.026356508577578409, -0.44418336399902529, tol64},
			{1.01, 1e5, 1e5, -247.28338505492362, -3.6675054902217616e-6, -3.7085539648104495e-6, tol64},
			{2, 1e6, 3, -0.87499943750084375, 9.3749875000203906e-13, 0.087913851785029609, 5e-15}, // measured 1.9e-15
		} {
			d := must(distributions.NewFisherSnedecor(s64(c.d1), s64(c.d2)))
			g := must(d.LogProbGrad(s64(c.y)))
			close(t, []float64{c.dy, c.dd1, c.dd2}, []float64{data64(t, g.Value)[0], data64(t, g.Params["df1"])[0], data64(t, g.Params["df2"])[0]}, c.rel, 0)
		}
	})
	t.Run("y = 0, d₁ = 2", func(t *testing.T) {
		t.Parallel()
		// p(y) = (1 + 2y/d₂)^(-(1+d₂/2)) near 0: ∂/∂y = -(d₂+2)/d₂.
		d := must(distributions.NewFisherSnedecor(s64(2), s64(5), distributions.WithValidation(false)))
		g := must(d.LogProbGrad(s64(0)))
		close(t, []float64{-1.4}, data64(t, g.Value), tol64, 0)
	})
	t.Run("masked entries add exactly 0", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewFisherSnedecor(f64(3, 3), s64(4), distributions.WithValidation(false)))
		g := must(d.LogProbVJP(f64(0, 1), f64(0, 1))) // log p(0) = -Inf for d₁ = 3
		assert.False(t, math.IsInf(g.LogProb, 0))
		requireFinite(t, data64(t, g.Value))
		requireFinite(t, data64(t, g.Params["df1"]))
	})
}

func TestFisherSnedecorFloat32(t *testing.T) {
	t.Parallel()
	d1, d2, y := f32(0.5, 2.5, 12, 300), sh(f32(3, 40), 2, 1), sh(f32(0.05, 0.9, 2.5, 30), 4, 1, 1)
	f32d := must(distributions.NewFisherSnedecor(d1, d2))
	f64d := must(distributions.NewFisherSnedecor(to64(d1), to64(d2)))
	lp32, lp64 := must(f32d.LogProb(y)), must(f64d.LogProb(to64(y)))
	require.Equal(t, tensor.Float32, lp32.Dtype())
	close(t, data64(t, lp64), data64(t, lp32), tol32, 1e-6) // |log p| may be near 0: abs floor
	for _, m := range []func(*distributions.FisherSnedecor) (*tensor.Dense, error){
		(*distributions.FisherSnedecor).Mean, (*distributions.FisherSnedecor).Variance,
		(*distributions.FisherSnedecor).StdDev, (*distributions.FisherSnedecor).Mode,
	} {
		a := must(m(f32d))
		require.Equal(t, tensor.Float32, a.Dtype())
		close(t, data64(t, must(m(f64d))), data64(t, a), tol32, 0)
	}
	g32, g64 := must(f32d.LogProbGrad(y)), must(f64d.LogProbGrad(to64(y)))
	close(t, []float64{g64.LogProb}, []float64{g32.LogProb}, tol32, 0)
	close(t, data64(t, g64.Value), data64(t, g32.Value), tol32, 1e-6)
	for _, p := range []string{"df1", "df2"} {
		require.Equal(t, tensor.Float32, g32.Params[p].Dtype())
		close(t, data64(t, g64.Params[p]), data64(t, g32.Params[p]), tol32, 1e-6)
	}
	s := must(f32d.Sample(rand.NewPCG(1, 2), 1000))
	require.Equal(t, tensor.Float32, s.Dtype())
	for _, v := range data64(t, s) {
		require.True(t, v > 0 && !math.IsInf(v, 0), "float32 draw %v", v)
	}
	p32, err := f32d.RSampleVJP(s, nil)
	require.NoError(t, err)
	p64, err := f64d.RSampleVJP(to64(s), nil)
	require.NoError(t, err)
	for _, p := range []string{"df1", "df2"} {
		require.Equal(t, tensor.Float32, p32[p].Dtype())
		close(t, data64(t, p64[p]), data64(t, p32[p]), tol32, 0)
	}
}

// fisherKS returns the KS p-value of column j of a sample of shape (n,
// batch...) against gonum's F CDF.
func fisherKS(data []float64, j, stride int, d1, d2 float64) float64 {
	n := len(data) / stride
	col := make([]float64, n)
	for i := range col {
		col[i] = data[i*stride+j]
	}
	return ksPValue(ksStatistic(col, distuv.F{D1: d1, D2: d2}.CDF), n)
}

func TestFisherSnedecorSampleKS(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		d1, d2 *tensor.Dense
		seed   uint64
	}{
		{"golden scalar (2.0491, 18.1826)", s64(2.0491), s64(18.1826), 1},
		{"small (0.5, 0.7)", s64(0.5), s64(0.7), 2},
		{"(5, 3)", s64(5), s64(3), 3},
		{"large (80, 120)", s64(80), s64(120), 4},
		{"batch (2,2)", sh(f64(0.3, 7), 2, 1), f64(1.5, 40), 5},
		{"float32", s32(4), s32(6), 6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := must(distributions.NewFisherSnedecor(tc.d1, tc.d2))
			x := must(d.Sample(rand.NewPCG(tc.seed, 0x5eed), nDraws))
			batch := d.BatchShape()
			require.Equal(t, append([]int{nDraws}, batch...), shapeOf(x))
			require.Equal(t, tc.d1.Dtype(), x.Dtype())
			stride := sizeOf(batch)
			as := bcast(data64(t, tc.d1), shapeOf(tc.d1), batch)
			bs := bcast(data64(t, tc.d2), shapeOf(tc.d2), batch)
			data := data64(t, x)
			for j := range stride {
				p := fisherKS(data, j, stride, as[j], bs[j])
				t.Logf("F(%g, %g): KS p = %.3g", as[j], bs[j], p)
				assert.GreaterOrEqual(t, p, pCritical, "F(%g, %g)", as[j], bs[j])
			}
		})
	}
	t.Run("power", func(t *testing.T) {
		// F(5, 3) draws are rejected as F(5.6, 3) and as F(5, 3.3).
		t.Parallel()
		d := must(distributions.NewFisherSnedecor(s64(5), s64(3)))
		data := data64(t, must(d.Sample(rand.NewPCG(9, 0x5eed), nDraws)))
		for _, alt := range [][2]float64{{5.6, 3}, {5, 3.3}} {
			p := fisherKS(slices.Clone(data), 0, 1, alt[0], alt[1])
			t.Logf("F(5, 3) draws as F(%g, %g): KS p = %.3g", alt[0], alt[1], p)
			assert.Less(t, p, pCritical)
		}
	})
}

func TestFisherSnedecorSampleShapesAndExpand(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewFisherSnedecor(sh(f64(1, 2, 3), 3, 1), f64(4, 5)))
	assert.Equal(t, []int{3, 2}, d.BatchShape())
	assert.Equal(t, []int{5, 3, 2}, shapeOf(must(d.Sample(rand.NewPCG(1, 1), 5))))
	a, b := must(d.Sample(rand.NewPCG(1, 1), 4)), must(d.RSample(rand.NewPCG(1, 1), 4))
	assert.Equal(t, data64(t, a), data64(t, b), "Sample is RSample")
	_, err := d.Sample(nil)
	require.ErrorIs(t, err, distributions.ErrNilSource)
	e, err := d.Expand([]int{4, 3, 2})
	require.NoError(t, err)
	require.IsType(t, &distributions.FisherSnedecor{}, e)
	assert.Equal(t, []int{4, 3, 2}, e.BatchShape())
	y := s64(1.5)
	close(t, bcast(data64(t, must(d.LogProb(y))), []int{3, 2}, []int{4, 3, 2}), data64(t, must(e.LogProb(y))), 0, 0)
	assert.Same(t, d.DF2(), e.(*distributions.FisherSnedecor).DF2(), "expand shares the parameters")
	_, err = d.Expand([]int{3, 5})
	require.ErrorIs(t, err, distributions.ErrShape)
}

// TestFisherSnedecorSampleTiny: tiny degrees of freedom give draws below
// the smallest normal number, which are raised to it as torch clamps them.
func TestFisherSnedecorSampleTiny(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewFisherSnedecor(s32(0.02), s32(5)))
	x := data64(t, must(d.Sample(rand.NewPCG(3, 4), 2000)))
	tiny := float64(math.Float32frombits(0x00800000))
	clamped := 0
	for _, v := range x {
		require.GreaterOrEqual(t, v, tiny)
		if v == tiny {
			clamped++
		}
	}
	assert.Positive(t, clamped) // P(X₁ < tiny) = P(s₁ < 2e-40) ≈ (2e-40)^0.01/Γ(1.01) ≈ 0.4
}

// TestFisherSnedecorSampleGOMAXPROCS draws more than tensor.ParallelMin
// values and requires the same bits with one and with two goroutines.
func TestFisherSnedecorSampleGOMAXPROCS(t *testing.T) {
	const n = 300_000
	require.Greater(t, n, tensor.ParallelMin)
	d := must(distributions.NewFisherSnedecor(f64(0.7, 5), f64(3, 0.5)))
	draw := func(procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		return data64(t, must(d.Sample(rand.NewPCG(42, 43), n/2)))
	}
	one, two := draw(1), draw(2)
	require.Len(t, one, n)
	assert.True(t, slices.Equal(one, two), "draws depend on GOMAXPROCS")
}

// fisherCDFPair is (F(y), 1-F(y)) = (I_w(a, b), I_v(b, a)), each accurate.
func fisherCDFPair(y, d1, d2 float64) (lo, hi float64) {
	w, v := d1*y/(d1*y+d2), d2/(d1*y+d2)
	return tensor.BetaInc(d1/2, d2/2, w), tensor.BetaInc(d2/2, d1/2, v)
}

// TestFisherSnedecorRSampleVJP checks the implicit gradient (see
// RSampleVJP) against mpmath, by its defining property that y moved by
// h·∂y/∂d keeps the CDF, and in aggregate against the exact d/dd E[h(Y)]
// and torch's estimator with the gamma draws held.
func TestFisherSnedecorRSampleVJP(t *testing.T) {
	t.Parallel()
	t.Run("implicit gradient, mpmath", func(t *testing.T) {
		t.Parallel()
		var worst float64
		for _, c := range []struct{ y, d1, d2, g1, g2 float64 }{
			{0.6517, 2.0491, 18.1826, 0.14283466900376798, -0.0012374722741305535},
			{3, 5, 7, -0.071050937287303624, -0.19941331034857791},
			{0.01, 0.8, 4, 0.056527795689539483, -0.00037917782680729815},
			{20, 3, 2, 0.10989671675144657, -22.900088361077072},
			{1.1, 60, 80, -0.00029823295222473198, -0.00041584762382432179},
			{0.001, 30, 1.5, 0.00010085885226642587, 0.00053777668913946724},
			{1.05, 1000, 1000, -1.1906445025597146e-5, -1.3723738921610827e-5},
			{0.98, 10000, 5000, 3.4022108665849249e-7, 1.290850781488305e-6},
			{1.1, 300, 2000, -0.00014395242144671062, -3.8237341421274885e-6},
			{0.7, 50, 3000, 0.0027202004709129704, 4.9789558071468709e-7},
		} {
			d := must(distributions.NewFisherSnedecor(s64(c.d1), s64(c.d2)))
			g, err := d.RSampleVJP(s64(c.y), nil)
			require.NoError(t, err)
			got := []float64{data64(t, g["df1"])[0], data64(t, g["df2"])[0]}
			close(t, []float64{c.g1, c.g2}, got, 1e-8, 0) // the bar of tensor.BetaIncDeriv*
			worst = max(worst, relErr(c.g1, got[0]), relErr(c.g2, got[1]))
		}
		t.Logf("max rel err vs mpmath: %.2g", worst) // measured 4.6e-13
	})
	t.Run("CDF held", func(t *testing.T) {
		t.Parallel()
		d1, d2 := sh(f64(0.4, 2.5, 40), 3, 1), f64(0.9, 7)
		d := must(distributions.NewFisherSnedecor(d1, d2))
		y := must(d.RSample(rand.NewPCG(7, 8), 4))
		gv := seq(-1, 2, 4*3*2)
		grads, err := d.RSampleVJP(y, must(tensor.New(gv, 4, 3, 2)))
		require.NoError(t, err)
		require.Equal(t, []int{3, 1}, shapeOf(grads["df1"]))
		require.Equal(t, []int{2}, shapeOf(grads["df2"]))
		out := []int{4, 3, 2}
		as, bs := bcast(data64(t, d1), []int{3, 1}, out), bcast(data64(t, d2), []int{2}, out)
		want1, want2 := make([]float64, 3), make([]float64, 2)
		for i, yv := range data64(t, y) {
			a, b := as[i], bs[i]
			one := must(one1(a, b).RSampleVJP(s64(yv), nil))
			g1, g2 := data64(t, one["df1"])[0], data64(t, one["df2"])[0]
			lo, hi := fisherCDFPair(yv, a, b)
			f := func(y, a, b float64) float64 { // the smaller tail, keeping relative precision
				l, h := fisherCDFPair(y, a, b)
				if lo < hi {
					return l
				}
				return h
			}
			for k, c := range []struct{ dy, da, db float64 }{{g1, a * 1e-6, 0}, {g2, 0, b * 1e-6}} {
				h := c.da + c.db
				moved := f(yv+h*c.dy, a+c.da, b+c.db) - f(yv-h*c.dy, a-c.da, b-c.db)
				held := f(yv, a+c.da, b+c.db) - f(yv, a-c.da, b-c.db)
				assert.Less(t, math.Abs(moved), 1e-4*math.Abs(held)+5e-14, "draw %d, df%d: y = %v, (%v, %v)", i, k+1, yv, a, b)
			}
			want1[(i/2)%3] += gv[i] * g1
			want2[i%2] += gv[i] * g2
		}
		close(t, want1, data64(t, grads["df1"]), 1e-13, 0)
		close(t, want2, data64(t, grads["df2"]), 1e-13, 0)
	})
	t.Run("E[log1p(Y)]: exact, and torch's estimator", func(t *testing.T) {
		t.Parallel()
		// Y ~ F(1.5, 3.5), h(y) = log(1+y): mpmath quadrature and
		// mpmath.diff give d/dd E[h(Y)] (E[h] = 0.766494248383437).
		const a, b, n = 1.5, 3.5, nDraws
		exact := map[string]float64{"df1": 0.0890178883700632349, "df2": -0.0649737922273389461}
		full := func(v float64) *tensor.Dense { return must(tensor.Full(v, n)) }
		d := must(distributions.NewFisherSnedecor(full(a), full(b)))
		y := must(d.RSample(rand.NewPCG(11, 12)))
		hp := slices.Clone(data64(t, y))
		for i, v := range hp {
			hp[i] = 1 / (1 + v)
		}
		grads := must(d.RSampleVJP(y, must(tensor.New(hp, n))))
		// torch's estimator: y = (s₁/d₁)/(s₂/d₂) with the standard gamma
		// draws held, ∂s/∂α by Gamma's implicit gradient.
		s1 := data64(t, must(must(distributions.NewGamma(s64(a/2), s64(1))).Sample(rand.NewPCG(21, 22), n)))
		s2 := data64(t, must(must(distributions.NewGamma(s64(b/2), s64(1))).Sample(rand.NewPCG(23, 24), n)))
		t1, t2 := make([]float64, n), make([]float64, n)
		for i := range n {
			yt := (s1[i] / a) / (s2[i] / b)
			w := 1 / (1 + yt)
			t1[i] = w * yt * (0.5*tensor.StandardGammaGrad(a/2, s1[i])/s1[i] - 1/a)
			t2[i] = w * yt * (1/b - 0.5*tensor.StandardGammaGrad(b/2, s2[i])/s2[i])
		}
		within := func(name string, g []float64, want float64) float64 {
			m, sd := studentTMeanSD(g)
			se := sd / math.Sqrt(float64(len(g)))
			t.Logf("%s: %.6g ± %.2g (exact %.6g, %.2f s.e.)", name, m, se, want, (m-want)/se)
			assert.InDelta(t, want, m, 5*se, name)
			return sd
		}
		for _, p := range []struct {
			name  string
			torch []float64
		}{{"df1", t1}, {"df2", t2}} {
			sdI := within("∂/∂"+p.name+" implicit", data64(t, grads[p.name]), exact[p.name])
			sdT := within("∂/∂"+p.name+" torch", p.torch, exact[p.name])
			t.Logf("per-draw s.d. of ∂/∂%s: implicit %.3g, torch's %.3g", p.name, sdI, sdT)
			assert.Less(t, sdI, sdT, "the implicit gradient is torch's conditioned on y")
		}
	})
	t.Run("boundaries and errors", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewFisherSnedecor(s64(2), s64(3)))
		g := must(d.RSampleVJP(f64(0, math.Inf(1)), nil))
		close(t, []float64{0}, data64(t, g["df1"]), 0, 0)
		_, err := d.RSampleVJP(f64(1, 2), f64(1))
		require.ErrorIs(t, err, distributions.ErrShape)
		_, err = d.RSampleVJP(f32(1), nil)
		require.ErrorIs(t, err, distributions.ErrDType)
	})
}

// one1 is a scalar FisherSnedecor, for per-draw gradients.
func one1(d1, d2 float64) *distributions.FisherSnedecor {
	return must(distributions.NewFisherSnedecor(s64(d1), s64(d2)))
}

// TestFisherSnedecorGoldenCases runs the golden cases of
// fisher_snedecor.json through the conformance runner.
func TestFisherSnedecorGoldenCases(t *testing.T) {
	t.Parallel()
	n := 0
	for _, c := range loadCases(t, goldenDir, "") {
		if !strings.HasPrefix(c.name, "fisher_snedecor/") {
			continue
		}
		n++
		st, reason := runCase(c)
		t.Logf("%s: %s %s", c.name, st, reason)
		assert.Equal(t, casePassed, st, "%s: %s", c.name, reason)
	}
	assert.Equal(t, 3, n)
}

func FuzzFisherSnedecor(f *testing.F) {
	for _, c := range [][3]float64{
		{1, 1, 1}, {2, 3, 0}, {0, 1, 1}, {1, -1, 1}, {3, 4, -1}, {math.NaN(), 1, 1}, {1, 1, math.NaN()},
		{1e-300, 1e300, 1e-300}, {1e6, 1e5, 1.01}, {1e308, 1e308, 1}, {2, 5, math.Inf(1)}, {5e-324, 3, 2}, {0.02, 5, 1e-30}, {-1e300, 2, 1}, {2, -1e300, 1},
	} {
		f.Add(c[0], c[1], c[2])
	}
	f.Fuzz(func(t *testing.T, d1, d2, y float64) {
		d, err := distributions.NewFisherSnedecor(f64(d1), f64(d2))
		if !(d1 > 0) || !(d2 > 0) {
			require.ErrorIs(t, err, distributions.ErrParam)
			var ce *distributions.ConstraintError
			require.ErrorAs(t, err, &ce)
			u := must(distributions.NewFisherSnedecor(f64(d1), f64(d2), distributions.WithValidation(false)))
			_, err = u.LogProb(f64(y))
			require.NoError(t, err)
			_, err = u.LogProbGrad(f64(y))
			require.NoError(t, err)
			return
		}
		require.NoError(t, err)
		lp, err := d.LogProb(f64(y))
		g, gerr := d.LogProbGrad(f64(y))
		if !(y > 0) {
			require.ErrorIs(t, err, distributions.ErrSupport)
			require.ErrorIs(t, gerr, distributions.ErrSupport)
			return
		}
		require.NoError(t, err)
		require.NoError(t, gerr)
		got := data64(t, lp)[0]
		close(t, []float64{got}, []float64{g.LogProb}, tol64, 0)
		if !math.IsInf(d1, 0) && !math.IsInf(d2, 0) && !math.IsInf(y, 0) {
			require.False(t, math.IsNaN(got), "log F(%v | %v, %v) is NaN", y, d1, d2)
			require.False(t, math.IsInf(got, 1) && d1 >= 2, "log F(%v | %v, %v) = +Inf", y, d1, d2)
		}
		// Against gonum where its formula is well conditioned: the error is
		// relative to the terms it sums.
		if y > 1e-300 && y < 1e300 && d1 > 1e-3 && d1 < 1e4 && d2 > 1e-3 && d2 < 1e4 && d1*y < 1e300 {
			want := fisherGonumLogProb(y, d1, d2)
			lb, _ := math.Lgamma(d1 / 2)
			terms := d1*math.Abs(math.Log(d1*y)) + d2*math.Abs(math.Log(d2)) + (d1+d2)*math.Abs(math.Log(d1*y+d2)) + math.Abs(math.Log(y)) + math.Abs(lb) + 1
			close(t, []float64{want}, []float64{got}, 1e-13, 1e-14*terms)
		}
		if d1 > 1e-3 && d2 > 1e-3 && d1 < 1e10 && d2 < 1e10 {
			s := must(d.RSample(rand.NewPCG(1, 2), 3))
			grads, err := d.RSampleVJP(s, nil)
			require.NoError(t, err)
			assert.False(t, math.IsNaN(data64(t, grads["df1"])[0]), "draws %v", data64(t, s))
			assert.False(t, math.IsNaN(data64(t, grads["df2"])[0]), "draws %v", data64(t, s))
		}
	})
}

func ExampleFisherSnedecor_Mean() {
	// torch's conventions: the mean is NaN for df2 ≤ 2, the variance for
	// df2 ≤ 4 and the mode for df1 ≤ 2.
	d, err := distributions.NewFisherSnedecor(tensor.Vector(1.0, 5.0, 5.0), tensor.Vector(2.0, 3.0, 10.0))
	if err != nil {
		log.Fatal(err)
	}
	m, _ := d.Mean()
	v, _ := d.Variance()
	mo, _ := d.Mode()
	fmt.Printf("%.4f\n%.4f\n%.4f\n", m.Float64s(), v.Float64s(), mo.Float64s())
	// Output:
	// [NaN 3.0000 1.2500]
	// [NaN NaN 1.3542]
	// [NaN 0.3600 0.5000]
}
