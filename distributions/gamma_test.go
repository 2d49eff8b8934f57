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

// Reference values marked "mpmath" were computed with mpmath at 50 digits
// from the exact binary value of each float64 input, then rounded once.

var (
	_ distributions.Distribution     = (*distributions.Gamma)(nil)
	_ distributions.RSampler         = (*distributions.Gamma)(nil)
	_ distributions.PathwiseGrader   = (*distributions.Gamma)(nil)
	_ distributions.LogProbGrader    = (*distributions.Gamma)(nil)
	_ distributions.LogProbIntoer    = (*distributions.Gamma)(nil)
	_ distributions.Meaner           = (*distributions.Gamma)(nil)
	_ distributions.Variancer        = (*distributions.Gamma)(nil)
	_ distributions.StdDever         = (*distributions.Gamma)(nil)
	_ distributions.Moder            = (*distributions.Gamma)(nil)
	_ distributions.Entropier        = (*distributions.Gamma)(nil)
	_ distributions.ConjugateUpdater = (*distributions.Gamma)(nil)
)

// TestGammaCapabilities: torch 1.13's Gamma has no cdf or icdf.
func TestGammaCapabilities(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewGamma(s64(2), s64(1)))
	_, isCDF := any(d).(distributions.CDFer)
	_, isICDF := any(d).(distributions.ICDFer)
	assert.False(t, isCDF)
	assert.False(t, isICDF)
	assert.True(t, distributions.HasRSample(d))
}

// gammaRefLogProb is gonum's log density of Gamma(α, rate β), for x > 0.
func gammaRefLogProb(x, a, b float64) float64 {
	return distuv.Gamma{Alpha: a, Beta: b}.LogProb(x)
}

func TestGammaLogProb(t *testing.T) {
	t.Parallel()
	inf := math.Inf(1)
	tests := []struct {
		name     string
		a, b, x  *tensor.Dense
		want     []float64 // nil: gonum on the broadcast
		rel      float64
		wantSh   []int
		validate bool
	}{
		{name: "scalar", a: s64(4.9712), b: s64(1.8134), x: f64(2.3188, 5.342, 0.01, 40), wantSh: []int{4}, rel: 1e-14},
		{name: "broadcast (3,1) vs (2)", a: sh(f64(2.877, 0.3, 9.5), 3, 1), b: f64(0.5778, 7.2), x: f64(0.5738, 2.4975),
			wantSh: []int{3, 2}, rel: 1e-14},
		{name: "value (4,1,1) against batch (3,2)", a: sh(f64(0.7, 1, 1.5), 3, 1), b: f64(0.5, 3),
			x: sh(f64(0.1, 1, 2.5, 30), 4, 1, 1), wantSh: []int{4, 3, 2}, rel: 1e-14},
		// At x = 0, 0·log 0 = 0: +Inf for α < 1, log β for α = 1, -Inf for
		// α > 1 (torch gives NaN at α = 1).
		{name: "boundary x = 0", a: f64(0.5, 1, 1, 2, 12), b: f64(1, 1, 3, 1, 2), x: s64(0),
			want: []float64{inf, 0, math.Log(3), -inf, -inf}, wantSh: []int{5}, rel: 1e-15},
		// mpmath; the first two need tensor.Log for the subnormal x and the
		// large (α-1)·log x.
		{name: "α = 1e-3, x = 1e-300", a: s64(1e-3), b: s64(2), x: s64(1e-300), want: []float64{683.17826663211219774}, wantSh: []int{}, rel: 1e-15},
		{name: "subnormal x", a: s64(0.5), b: s64(1), x: s64(1e-310), want: []float64{356.32832447115238246}, wantSh: []int{}, rel: 1e-15},
		// mpmath; Stirling's form (α ≥ 10) does not cancel where torch's
		// formula loses 1e-11 (log Γ(1e4) ≈ 8.2e4).
		{name: "α = β = 1e4 at 1", a: s64(1e4), b: s64(1e4), x: s64(1), want: []float64{3.6862233194500880707}, wantSh: []int{}, rel: 2e-15},
		{name: "α = 1e4 at 1e4+50", a: s64(1e4), b: s64(1), x: s64(10050), want: []float64{-5.653689483646397618}, wantSh: []int{}, rel: 2e-15},
		{name: "α = 12.5, rate 1/4", a: s64(12.5), b: s64(0.25), x: s64(40), want: []float64{-3.6409133036248109543}, wantSh: []int{}, rel: 2e-15},
		{name: "α = 1e3, rate 1e-3", a: s64(1e3), b: s64(1e-3), x: s64(1e6), want: []float64{-11.280654785008433876}, wantSh: []int{}, rel: 2e-15},
		{name: "α = 150 far below the mode", a: s64(150), b: s64(2), x: s64(60), want: []float64{-5.9800537002426296556}, wantSh: []int{}, rel: 2e-15},
		{name: "α = 3.7 near 0", a: s64(3.7), b: s64(2.5), x: s64(0.01), want: []float64{-10.496756120898861681}, wantSh: []int{}, rel: 2e-15},
		{name: "α = 0.2 in the tail", a: s64(0.2), b: s64(3), x: s64(5), want: []float64{-17.591891694644442797}, wantSh: []int{}, rel: 2e-15},
		{name: "rate 1e-300 at 1e300", a: s64(2), b: s64(1e-300), x: s64(1e300), want: []float64{-691.77552789821370518}, wantSh: []int{}, rel: 1e-15},
		{name: "x = +Inf", a: f64(0.5, 20), b: s64(1), x: s64(inf), want: []float64{-inf, -inf}, wantSh: []int{2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := distributions.NewGamma(tc.a, tc.b)
			require.NoError(t, err)
			lp, err := d.LogProb(tc.x)
			require.NoError(t, err)
			require.Equal(t, tc.wantSh, shapeOf(lp))
			want := tc.want
			if want == nil {
				xs := bcast(data64(t, tc.x), shapeOf(tc.x), tc.wantSh)
				as := bcast(data64(t, tc.a), shapeOf(tc.a), tc.wantSh)
				bs := bcast(data64(t, tc.b), shapeOf(tc.b), tc.wantSh)
				want = make([]float64, len(xs))
				for i := range xs {
					want[i] = gammaRefLogProb(xs[i], as[i], bs[i])
				}
			}
			close(t, want, data64(t, lp), tc.rel, 0)
		})
	}
	t.Run("below the support without validation", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewGamma(f64(0.5, 3), s64(1), distributions.WithValidation(false)))
		lp := must(d.LogProb(s64(-1)))
		close(t, []float64{math.Inf(-1), math.Inf(-1)}, data64(t, lp), 0, 0) // torch 1.13: NaN
	})
}

func TestGammaErrors(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	tests := []struct {
		name     string
		a, b, x  *tensor.Dense // x nil: the constructor must fail
		wantErr  error
		wantName string
		wantIdx  []int
		wantMsg  []string
	}{
		{name: "rate -1", a: s64(1), b: s64(-1), wantErr: distributions.ErrParam, wantName: "rate", wantIdx: []int{},
			wantMsg: []string{"gamma", "rate", "> 0", "-1"}},
		{name: "concentration 0 at (1, 0)", a: sh(f64(1, 2, 0, 3), 2, 2), b: s64(1), wantErr: distributions.ErrParam,
			wantName: "concentration", wantIdx: []int{1, 0}, wantMsg: []string{"concentration", "> 0", "[1 0]"}},
		{name: "concentration NaN", a: f64(1, nan), b: s64(1), wantErr: distributions.ErrParam, wantName: "concentration", wantIdx: []int{1}},
		{name: "rate +Inf is positive", a: s64(1), b: s64(math.Inf(1)), x: s64(1), wantErr: nil},
		{name: "(3) and (4) do not broadcast", a: f64(1, 2, 3), b: f64(1, 1, 1, 1), wantErr: distributions.ErrShape,
			wantMsg: []string{"gamma", "concentration and rate"}},
		{name: "mixed dtypes", a: f32(1), b: f64(1), wantErr: distributions.ErrDType},
		{name: "nil rate", a: f64(1), b: nil, wantErr: distributions.ErrParam, wantMsg: []string{"rate"}},
		{name: "negative value", a: f64(1, 2), b: s64(1), x: f64(0, -1), wantErr: distributions.ErrSupport,
			wantName: "value", wantIdx: []int{1}, wantMsg: []string{"value", ">= 0"}},
		{name: "NaN value", a: s64(1), b: s64(1), x: f64(nan), wantErr: distributions.ErrSupport, wantName: "value", wantIdx: []int{0}},
		{name: "value (5) vs batch (2)", a: f64(1, 2), b: s64(1), x: f64(1, 2, 3, 4, 5), wantErr: distributions.ErrShape},
		{name: "float32 value", a: f64(1), b: f64(1), x: f32(1), wantErr: distributions.ErrDType},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := distributions.NewGamma(tc.a, tc.b)
			if tc.x != nil {
				require.NoError(t, err)
				_, err = d.LogProb(tc.x)
				_, gerr := d.LogProbGrad(tc.x)
				if tc.wantErr == nil {
					require.NoError(t, gerr)
				} else {
					require.ErrorIs(t, gerr, tc.wantErr)
				}
			} else {
				require.Nil(t, d)
			}
			if tc.wantErr == nil {
				require.NoError(t, err)
				return
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
				assert.Equal(t, "gamma", ce.Family)
				assert.Equal(t, tc.wantName, ce.Name)
				assert.Equal(t, tc.wantIdx, ce.Index)
			}
			for _, s := range tc.wantMsg {
				assert.Contains(t, err.Error(), s)
			}
		})
	}
	t.Run("without validation", func(t *testing.T) {
		t.Parallel()
		d, err := distributions.NewGamma(f64(-1, 2), f64(1, 0), distributions.WithValidation(false))
		require.NoError(t, err)
		_, err = d.LogProb(f64(-1, 1))
		require.NoError(t, err)
		_, err = distributions.NewGamma(f64(1, 2), f64(1, 2, 3), distributions.WithValidation(false))
		require.ErrorIs(t, err, distributions.ErrShape)
	})
}

func TestGammaMoments(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewGamma(f64(0.01, 0.5, 1, 4.9712, 9.99, 10, 25.5, 1e4, 1e6), f64(1, 2, 1, 1.8134, 1, 2, 0.5, 1, 3)))
	as, bs := []float64{0.01, 0.5, 1, 4.9712, 9.99, 10, 25.5, 1e4, 1e6}, []float64{1, 2, 1, 1.8134, 1, 2, 0.5, 1, 3}
	var mean, variance, std, mode []float64
	for i, a := range as {
		b := bs[i]
		mean = append(mean, a/b)
		variance = append(variance, a/(b*b))
		std = append(std, math.Sqrt(a)/b)
		mode = append(mode, math.Max(a-1, 0)/b) // torch clamps at 0
	}
	close(t, mean, data64(t, must(d.Mean())), tol64, 0)
	close(t, variance, data64(t, must(d.Variance())), tol64, 0)
	close(t, std, data64(t, must(d.StdDev())), tol64, 0)
	close(t, mode, data64(t, must(d.Mode())), tol64, 0)
	// mpmath: α - log β + log Γ(α) + (1-α)ψ(α). From α = 10 on the
	// Stirling form keeps full precision (torch's formula loses 1e-11 at
	// α = 1e4, 1e-9 at 1e6).
	entropy := []float64{-94.945796725247963969, -0.60253725064595696207,
		1, 1.5550651266644513, 2.535518862597695007, 1.842906997921034333, 3.7182242386238577735,
		6.0240753850260863329, 7.2280811901852834358}
	// (4.9712, 1.8134): the golden case gamma/scalar.
	close(t, entropy, data64(t, must(d.Entropy())), 2e-15, 0)
}

// gammaGradCase is one broadcast layout of the gradient check.
type gammaGradCase struct {
	name                   string
	xShape, aShape, bShape []int
	out, upstreamShape     []int
	aLo, aHi               float64
}

var gammaGradCases = []gammaGradCase{
	{name: "all (4)", xShape: []int{4}, aShape: []int{4}, bShape: []int{4}, out: []int{4}, aLo: 0.3, aHi: 5},
	{name: "x (2,3), α (3), β (2,1)", xShape: []int{2, 3}, aShape: []int{3}, bShape: []int{2, 1}, out: []int{2, 3}, aLo: 0.5, aHi: 3},
	{name: "x (4,1,1) vs batch (2,3)", xShape: []int{4, 1, 1}, aShape: []int{2, 1}, bShape: []int{3}, out: []int{4, 2, 3}, aLo: 1.5, aHi: 4},
	{name: "α ≥ 10 (Stirling's form)", xShape: []int{3}, aShape: []int{3}, bShape: []int{}, out: []int{3}, aLo: 10, aHi: 40},
	{name: "upstream (2,1) against (2,3)", xShape: []int{2, 3}, aShape: []int{}, bShape: []int{3}, out: []int{2, 3}, upstreamShape: []int{2, 1}, aLo: 0.8, aHi: 2},
}

// gammaRefSum is Σ w·log p(x) over the broadcast, from gonum.
func gammaRefSum(c gammaGradCase, x, a, b, w []float64) float64 {
	xs, as, bs := bcast(x, c.xShape, c.out), bcast(a, c.aShape, c.out), bcast(b, c.bShape, c.out)
	var s float64
	for i := range xs {
		lp := gammaRefLogProb(xs[i], as[i], bs[i])
		if w != nil {
			lp *= w[i]
		}
		s += lp
	}
	return s
}

func TestGammaLogProbGrad(t *testing.T) {
	t.Parallel()
	for k, c := range gammaGradCases {
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
				a, b := fill(c.aShape, c.aLo, c.aHi), fill(c.bShape, 0.5, 2)
				x := fill(c.xShape, 0.3, 1.5*c.aHi) // inside the bulk, away from 0
				d := must(distributions.NewGamma(must(tensor.New(a, c.aShape...)), must(tensor.New(b, c.bShape...))))
				xt := must(tensor.New(x, c.xShape...))
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
					g, err = d.LogProbVJP(xt, must(tensor.New(u, us...)))
				} else {
					g, err = d.LogProbGrad(xt)
				}
				require.NoError(t, err)
				close(t, []float64{gammaRefSum(c, x, a, b, w)}, []float64{g.LogProb}, 1e-12, 0)
				require.Equal(t, c.xShape, shapeOf(g.Value))
				require.Equal(t, c.aShape, shapeOf(g.Params["concentration"]))
				require.Equal(t, c.bShape, shapeOf(g.Params["rate"]))
				wantX := centralDiff(func(v []float64) float64 { return gammaRefSum(c, v, a, b, w) }, x, 1e-5)
				wantA := centralDiff(func(v []float64) float64 { return gammaRefSum(c, x, v, b, w) }, a, 1e-5)
				wantB := centralDiff(func(v []float64) float64 { return gammaRefSum(c, x, a, v, w) }, b, 1e-5)
				gotX, gotA, gotB := data64(t, g.Value), data64(t, g.Params["concentration"]), data64(t, g.Params["rate"])
				for _, v := range [][]float64{wantX, wantA, wantB} {
					requireFinite(t, v)
				}
				close(t, wantX, gotX, gradTol, gradTol)
				close(t, wantA, gotA, gradTol, gradTol)
				close(t, wantB, gotB, gradTol, gradTol)
				t.Logf("max rel err vs central differences: x %.2g, concentration %.2g, rate %.2g",
					maxRelErr(wantX, gotX, 1), maxRelErr(wantA, gotA, 1), maxRelErr(wantB, gotB, 1))
			})
		}
	}
	t.Run("analytic partials", func(t *testing.T) {
		t.Parallel()
		// The golden case gamma/boundary-zero: at x = 1, rate 1, ∂/∂α =
		// -ψ(α) (mpmath), ∂/∂β = Σ α/β - x, ∂/∂x = (α-1)/x - β.
		d := must(distributions.NewGamma(f64(0.5, 1, 2), s64(1)))
		g := must(d.LogProbGrad(f64(1, 1, 1)))
		close(t, []float64{1.9635100260214229, 0.5772156649015328, -0.422784335098467}, data64(t, g.Params["concentration"]), tol64, 0)
		close(t, []float64{0.5}, data64(t, g.Params["rate"]), tol64, 0)
		close(t, []float64{-1.5, -1, 0}, data64(t, g.Value), tol64, 0)
		// α = 1 at x = 0: the exponential's slope -β, not NaN.
		g = must(must(distributions.NewGamma(s64(1), s64(3))).LogProbGrad(s64(0)))
		close(t, []float64{-3}, data64(t, g.Value), tol64, 0)
	})
	t.Run("masked entries add exactly 0", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewGamma(f64(2, 0.5), s64(1), distributions.WithValidation(false)))
		g := must(d.LogProbVJP(f64(0, 0), f64(0, 1))) // log p(0) = -Inf for α = 2
		assert.Equal(t, math.Inf(1), g.LogProb)
		assert.Equal(t, 0.0, data64(t, g.Value)[0])
	})
}

func TestGammaFloat32(t *testing.T) {
	t.Parallel()
	a, b, x := f32(0.5, 2.5, 12, 300), f32(1.5), sh(f32(0.25, 1, 3.5, 200), 4, 1)
	d32 := must(distributions.NewGamma(a, b))
	d64 := must(distributions.NewGamma(to64(a), to64(b)))
	lp32, lp64 := must(d32.LogProb(x)), must(d64.LogProb(to64(x)))
	require.Equal(t, tensor.Float32, lp32.Dtype())
	close(t, data64(t, lp64), data64(t, lp32), tol32, 1e-6) // |log p| may be near 0: abs floor
	for _, m := range []func(*distributions.Gamma) (*tensor.Dense, error){
		(*distributions.Gamma).Mean, (*distributions.Gamma).Variance, (*distributions.Gamma).StdDev,
		(*distributions.Gamma).Mode, (*distributions.Gamma).Entropy,
	} {
		close(t, data64(t, must(m(d64))), data64(t, must(m(d32))), tol32, 1e-6)
	}
	g32, g64 := must(d32.LogProbGrad(x)), must(d64.LogProbGrad(to64(x)))
	close(t, []float64{g64.LogProb}, []float64{g32.LogProb}, tol32, 0)
	close(t, data64(t, g64.Value), data64(t, g32.Value), tol32, 1e-6)
	for _, p := range []string{"concentration", "rate"} {
		require.Equal(t, tensor.Float32, g32.Params[p].Dtype())
		close(t, data64(t, g64.Params[p]), data64(t, g32.Params[p]), tol32, 1e-6)
	}
	s := must(d32.Sample(rand.NewPCG(1, 2), 1000))
	require.Equal(t, tensor.Float32, s.Dtype())
	for _, v := range data64(t, s) {
		require.True(t, v > 0 && !math.IsInf(v, 0), "float32 draw %v", v)
	}
	// The pathwise gradient of float32 draws, against float64 at the same
	// (float32) draws.
	p32, err := d32.RSampleVJP(s, nil)
	require.NoError(t, err)
	p64, err := d64.RSampleVJP(to64(s), nil)
	require.NoError(t, err)
	for _, p := range []string{"concentration", "rate"} {
		require.Equal(t, tensor.Float32, p32[p].Dtype())
		close(t, data64(t, p64[p]), data64(t, p32[p]), tol32, 0)
	}
}

// TestGammaSampleTiny: draws that underflow are raised to the dtype's
// smallest normal number (torch's clamp), never 0, so that log p(x) stays
// finite.
func TestGammaSampleTiny(t *testing.T) {
	t.Parallel()
	for _, d := range []*distributions.Gamma{
		must(distributions.NewGamma(s64(1e-3), s64(1))),
		must(distributions.NewGamma(s32(0.01), s32(1))),
	} {
		x := must(d.Sample(rand.NewPCG(3, 4), 2000))
		tiny := 0x1p-1022
		if x.Dtype() == tensor.Float32 {
			tiny = float64(math.Float32frombits(0x00800000))
		}
		clamped := 0
		for _, v := range data64(t, x) {
			require.GreaterOrEqual(t, v, tiny)
			if v == tiny {
				clamped++
			}
		}
		assert.Positive(t, clamped) // α = 1e-3: half underflow; float32 α = 0.01: 41%
		requireFinite(t, data64(t, must(d.LogProb(x))))
	}
}

// gammaKS returns the KS p-value of column j of a sample of shape
// (n, batch...) against Gamma(α, β), whose CDF is P(α, βx).
func gammaKS(data []float64, j, stride int, a, b float64) float64 {
	n := len(data) / stride
	col := make([]float64, n)
	for i := range col {
		col[i] = data[i*stride+j]
	}
	return ksPValue(ksStatistic(col, func(x float64) float64 { return tensor.GammaIncP(a, b*x) }), n)
}

func TestGammaSampleKS(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		a, b *tensor.Dense
		seed uint64
	}{
		{"α = 0.1", s64(0.1), s64(1), 1},
		{"α = 1, rate 3", s64(1), s64(3), 2},
		{"α = 3.7, rate 0.25", s64(3.7), s64(0.25), 3},
		{"α = 100", s64(100), s64(2), 4},
		{"batch (2,2)", sh(f64(0.1, 3.7), 2, 1), f64(1, 10), 5},
		{"float32", s32(2.5), s32(1.5), 6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := must(distributions.NewGamma(tc.a, tc.b))
			x := must(d.Sample(rand.NewPCG(tc.seed, 0x5eed), nDraws))
			batch := d.BatchShape()
			require.Equal(t, append([]int{nDraws}, batch...), shapeOf(x))
			stride := sizeOf(batch)
			as := bcast(data64(t, tc.a), shapeOf(tc.a), batch)
			bs := bcast(data64(t, tc.b), shapeOf(tc.b), batch)
			data := data64(t, x)
			for j := range stride {
				p := gammaKS(data, j, stride, as[j], bs[j])
				t.Logf("Gamma(%g, %g): KS p = %.3g", as[j], bs[j], p)
				assert.GreaterOrEqual(t, p, pCritical, "Gamma(%g, %g)", as[j], bs[j])
			}
		})
	}
	t.Run("power", func(t *testing.T) {
		// Gamma(3.7, 1) draws are rejected as Gamma(3.74, 1) and as
		// Gamma(3.7, 1.015): about 1% off in either parameter.
		t.Parallel()
		d := must(distributions.NewGamma(s64(3.7), s64(1)))
		data := data64(t, must(d.Sample(rand.NewPCG(9, 0x5eed), nDraws)))
		for _, alt := range [][2]float64{{3.74, 1}, {3.7, 1.015}} {
			p := gammaKS(slices.Clone(data), 0, 1, alt[0], alt[1])
			t.Logf("Gamma(3.7, 1) draws as Gamma(%g, %g): KS p = %.3g", alt[0], alt[1], p)
			assert.Less(t, p, pCritical)
		}
	})
}

func TestGammaSampleShapesAndExpand(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewGamma(sh(f64(1, 2, 3), 3, 1), f64(1, 2)))
	assert.Equal(t, []int{3, 2}, d.BatchShape())
	assert.Equal(t, []int{5, 3, 2}, shapeOf(must(d.Sample(rand.NewPCG(1, 1), 5))))
	assert.Equal(t, []int{3, 2}, shapeOf(must(d.RSample(rand.NewPCG(1, 1)))))
	_, err := d.Sample(nil)
	require.ErrorIs(t, err, distributions.ErrNilSource)
	e, err := d.Expand([]int{4, 3, 2})
	require.NoError(t, err)
	require.IsType(t, &distributions.Gamma{}, e)
	assert.Equal(t, []int{4, 3, 2}, e.BatchShape())
	x := s64(1.5)
	close(t, bcast(data64(t, must(d.LogProb(x))), []int{3, 2}, []int{4, 3, 2}), data64(t, must(e.LogProb(x))), 0, 0)
	_, err = d.Expand([]int{3, 5})
	require.ErrorIs(t, err, distributions.ErrShape)
}

// TestGammaSampleGOMAXPROCS draws more than tensor.ParallelMin values and
// requires the same bits with one and with two goroutines.
func TestGammaSampleGOMAXPROCS(t *testing.T) {
	const n = 400_000
	require.Greater(t, n, tensor.ParallelMin)
	d := must(distributions.NewGamma(f64(0.3, 4), f64(1, 2)))
	draw := func(procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		return data64(t, must(d.Sample(rand.NewPCG(42, 43), n/2)))
	}
	one, two := draw(1), draw(2)
	require.Len(t, one, n)
	assert.True(t, slices.Equal(one, two), "draws depend on GOMAXPROCS")
}

// TestGammaRSampleVJP checks the pathwise gradient. ∂x/∂β = -x/β is checked
// by finite differences with the noise held (x = s/β, s independent of β).
// For α, finite differences through a rejection sampler are no test of the
// implicit gradient (they differentiate Marsaglia–Tsang's own transform, a
// different map of the noise), so the test checks its defining property
// instead: x moved by h·∂x/∂α keeps the CDF, P(α+h, β·x(α+h)) = P(α, βx),
// to O(h²). tensor's tests check ∂s/∂α itself against mpmath.
func TestGammaRSampleVJP(t *testing.T) {
	t.Parallel()
	a, b := sh(f64(0.05, 0.7, 3, 40), 4, 1), f64(0.5, 2)
	g := sh(f64(seq(-1, 2, 2*4*2)...), 2, 4, 2)
	d := must(distributions.NewGamma(a, b))
	x := must(d.RSample(rand.NewPCG(7, 8), 2))
	grads, err := d.RSampleVJP(x, g)
	require.NoError(t, err)
	require.Equal(t, []int{4, 1}, shapeOf(grads["concentration"]))
	require.Equal(t, []int{2}, shapeOf(grads["rate"]))

	gv, av, bv := data64(t, g), data64(t, a), data64(t, b)
	lossAt := func(b *tensor.Dense) float64 {
		xs := data64(t, must(must(distributions.NewGamma(a, b)).RSample(rand.NewPCG(7, 8), 2)))
		var s float64
		for i, v := range xs {
			s += gv[i] * v
		}
		return s
	}
	wantB := centralDiff(func(v []float64) float64 { return lossAt(f64(v...)) }, bv, 1e-6)
	close(t, wantB, data64(t, grads["rate"]), 1e-8, 0)

	// ∂L/∂α by its definition, Σ g·∂x/∂α, from per-draw gradients that the
	// CDF relation checks.
	xs := data64(t, x)
	out := []int{2, 4, 2}
	as, bs := bcast(av, []int{4, 1}, out), bcast(bv, []int{2}, out)
	wantA := make([]float64, 4)
	for i, xv := range xs {
		al, be := as[i], bs[i]
		dx := tensor.StandardGammaGrad(al, be*xv) / be
		h := 1e-6 * al
		f := tensor.GammaIncP // or Q where P > ½, keeping relative precision
		if tensor.GammaIncP(al, be*xv) > 0.5 {
			f = tensor.GammaIncQ
		}
		moved := f(al+h, be*(xv+h*dx)) - f(al-h, be*(xv-h*dx))
		held := f(al+h, be*xv) - f(al-h, be*xv)
		assert.Less(t, math.Abs(moved), 1e-4*math.Abs(held), "draw %d: x = %v, α = %v", i, xv, al)
		wantA[(i/2)%4] += gv[i] * dx
	}
	close(t, wantA, data64(t, grads["concentration"]), 1e-13, 0)

	_, err = d.RSampleVJP(x, f64(1))
	require.ErrorIs(t, err, distributions.ErrShape)
	_, err = d.RSampleVJP(f64(1, 2, 3), nil)
	require.ErrorIs(t, err, distributions.ErrShape)
}

// TestGammaConjugateUpdate checks Pyro's contract directly:
// f.log_prob(x) + g.log_prob(x) = fg.log_prob(x) + c for every x.
func TestGammaConjugateUpdate(t *testing.T) {
	t.Parallel()
	f := must(distributions.NewGamma(sh(f64(1.5, 2.5, 4), 3, 1), f64(0.5, 2)))
	for _, other := range []distributions.Distribution{
		must(distributions.NewGamma(f64(0.7, 3), s64(1.25))),
		must(distributions.NewChi2(f64(3, 5.5))), // Gamma(ν/2, ½)
	} {
		fg, c, err := f.ConjugateUpdate(other)
		require.NoError(t, err)
		require.IsType(t, &distributions.Gamma{}, fg)
		assert.Equal(t, []int{3, 2}, fg.BatchShape())
		assert.Equal(t, []int{3, 2}, shapeOf(c))
		x := sh(f64(0.1, 0.9, 2.2, 7), 4, 1, 1)
		lf, lg, lfg := data64(t, must(f.LogProb(x))), data64(t, must(other.LogProb(x))), data64(t, must(fg.LogProb(x)))
		lg = bcast(lg, []int{4, 1, 2}, []int{4, 3, 2})
		cs := bcast(data64(t, c), []int{3, 2}, []int{4, 3, 2})
		for i := range lf {
			assert.InDelta(t, lf[i]+lg[i], lfg[i]+cs[i], 1e-13*(math.Abs(lf[i])+math.Abs(lg[i])+math.Abs(cs[i])+1), "x element %d", i)
		}
	}
	// Parameters: α+α'-1 and β+β'.
	fg, _, err := f.ConjugateUpdate(must(distributions.NewGamma(f64(0.7, 3), s64(1.25))))
	require.NoError(t, err)
	p := fg.(*distributions.Gamma)
	close(t, []float64{1.2, 3.5, 2.2, 4.5, 3.7, 6}, data64(t, p.Concentration()), tol64, 0)
	close(t, []float64{1.75, 3.25, 1.75, 3.25, 1.75, 3.25}, data64(t, p.Rate()), tol64, 0)

	_, _, err = f.ConjugateUpdate(must(distributions.NewNormal(s64(0), s64(1))))
	require.ErrorIs(t, err, distributions.ErrUnsupported)
	_, _, err = f.ConjugateUpdate(must(distributions.NewGamma(f64(1, 2, 3, 4), s64(1))))
	require.ErrorIs(t, err, distributions.ErrShape)
	_, _, err = f.ConjugateUpdate(must(distributions.NewGamma(f32(1), s32(1))))
	require.ErrorIs(t, err, distributions.ErrDType)
	// α+α'-1 ≤ 0 is no Gamma (Pyro's constructor raises too).
	_, _, err = f.ConjugateUpdate(must(distributions.NewGamma(s64(0.5), s64(1))))
	assert.NoError(t, err) // 1.5+0.5-1 = 1 > 0
	small := must(distributions.NewGamma(s64(0.3), s64(1)))
	_, _, err = small.ConjugateUpdate(must(distributions.NewGamma(s64(0.4), s64(1))))
	require.ErrorIs(t, err, distributions.ErrParam)
}

func FuzzGamma(f *testing.F) {
	f.Add(1.0, 1.0, 1.0)
	f.Add(0.5, 2.0, 0.0)
	f.Add(0.0, 1.0, 1.0)
	f.Add(1.0, -1.0, 1.0)
	f.Add(1.0, 1.0, -1.0)
	f.Add(math.NaN(), 1.0, 1.0)
	f.Add(1e-300, 1e300, 1e-300)
	f.Add(1e6, 1e-6, 1e12)
	f.Add(12.0, 1e-200, 1e-200)
	f.Add(3.0, 2.0, math.Inf(1))
	f.Fuzz(func(t *testing.T, a, b, x float64) {
		d, err := distributions.NewGamma(f64(a), f64(b))
		if !(a > 0) || !(b > 0) {
			require.ErrorIs(t, err, distributions.ErrParam)
			var ce *distributions.ConstraintError
			require.ErrorAs(t, err, &ce)
			u, err := distributions.NewGamma(f64(a), f64(b), distributions.WithValidation(false))
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
		if !(x >= 0) {
			require.ErrorIs(t, err, distributions.ErrSupport)
			require.ErrorIs(t, gerr, distributions.ErrSupport)
			return
		}
		require.NoError(t, err)
		require.NoError(t, gerr)
		got := data64(t, lp)[0]
		close(t, []float64{got}, []float64{g.LogProb}, tol64, 0)
		if x > 0 && !math.IsInf(a, 0) && !math.IsInf(b, 0) && !math.IsInf(x, 0) {
			require.False(t, math.IsNaN(got), "log Gamma(%v | %v, %v) is NaN", x, a, b)
			require.False(t, math.IsInf(got, 1))
		}
		// Against gonum where its formula is well conditioned: the error is
		// relative to the terms it sums, not to their sum.
		if x > 1e-300 && x < 1e300 && a > 1e-300 && a < 1e6 && b > 1e-300 && b < 1e300 && b*x < 1e300 {
			want := gammaRefLogProb(x, a, b)
			lg, _ := math.Lgamma(a)
			terms := math.Abs(a*math.Log(b)) + math.Abs((a-1)*math.Log(x)) + b*x + math.Abs(lg)
			close(t, []float64{want}, []float64{got}, 1e-13, 1e-14*terms)
		}
		// RSample never panics and its draws score finite log densities.
		if a < 1e10 && b < 1e300 {
			s := must(d.RSample(rand.NewPCG(1, 2), 3))
			grads, err := d.RSampleVJP(s, nil)
			require.NoError(t, err)
			assert.False(t, math.IsNaN(data64(t, grads["rate"])[0]))
		}
	})
}

func ExampleGamma_LogProb() {
	d, err := distributions.NewGamma(tensor.Vector(0.5, 1.0, 2.0), tensor.Scalar(1.0))
	if err != nil {
		log.Fatal(err)
	}
	lp, err := d.LogProb(tensor.Scalar(0.0)) // the density at 0: +Inf, 1, 0
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(lp.Float64s())
	lp, err = d.LogProb(tensor.Scalar(1.0))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%.4f\n", lp.Float64s())
	// Output:
	// [+Inf 0 -Inf]
	// [-1.5724 -1.0000 -1.0000]
}
