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

// Reference values marked "mpmath" were computed with mpmath (700 digits,
// enough for log Γ at ν = 1e300) from the exact binary value of each
// float64 input, then rounded once; derivatives marked so are mpmath.diff
// of the same expressions.

var (
	_ distributions.Distribution   = (*distributions.StudentT)(nil)
	_ distributions.RSampler       = (*distributions.StudentT)(nil)
	_ distributions.PathwiseGrader = (*distributions.StudentT)(nil)
	_ distributions.LogProbGrader  = (*distributions.StudentT)(nil)
	_ distributions.LogProbIntoer  = (*distributions.StudentT)(nil)
	_ distributions.Meaner         = (*distributions.StudentT)(nil)
	_ distributions.Variancer      = (*distributions.StudentT)(nil)
	_ distributions.StdDever       = (*distributions.StudentT)(nil)
	_ distributions.Moder          = (*distributions.StudentT)(nil)
	_ distributions.Entropier      = (*distributions.StudentT)(nil)
	_ distributions.Expander       = (*distributions.StudentT)(nil)
)

// TestStudentTCapabilities: torch 1.13's StudentT has rsample but no cdf
// or icdf.
func TestStudentTCapabilities(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewStudentT(s64(3), nil, nil))
	_, isCDF := any(d).(distributions.CDFer)
	_, isICDF := any(d).(distributions.ICDFer)
	assert.False(t, isCDF)
	assert.False(t, isICDF)
	assert.True(t, distributions.HasRSample(d))
	assert.Equal(t, "StudentT(batch_shape=())", fmt.Sprint(d))
}

// studentTGonumLogProb is gonum's log density (log(1+z²/ν) and two
// log-gammas: good to ~1e-15 absolute for moderate ν and z).
func studentTGonumLogProb(x, nu, mu, s float64) float64 {
	return distuv.StudentsT{Mu: mu, Sigma: s, Nu: nu}.LogProb(x)
}

func TestStudentTLogProb(t *testing.T) {
	t.Parallel()
	inf := math.Inf(1)
	t.Run("mpmath", func(t *testing.T) {
		t.Parallel()
		for _, c := range []struct{ x, nu, mu, s, want float64 }{
			{0, 1, 0, 1, -1.1447298858494002}, // Cauchy: -log π
			{1, 1, 0, 1, -1.8378770664093455},
			{-1.1477, 9.1088, 0.3073, 1.4003, -1.8491799483986459}, // golden student_t/scalar
			{3, 2.5, 0, 1, -3.6872381245767863},
			{0.5, 1e-3, 0, 1, -6.9132067523337925},
			{3, 1e-3, 0, 1, -8.7048155824075059},
			{0.3, 25, 1, 2, -1.6856274951393928},
			{5, 19.99, 0, 1, -9.4450685358307628}, // either side of the Stirling switch
			{5, 20, 0, 1, -9.4462006106508536},
			// large ν: torch's ½·log ν + log B(½, ν/2) cancels (1e-13 at 1e300)
			{2, 1e6, 0, 1, -2.9189367832113394},
			{2, 1e15, 0, 1, -2.918938533204671},
			{2, 1e300, 0, 1, -2.9189385332046727},
			{0, 1e300, 0, 1, -0.91893853320467274},
			{40, 1e300, 0, 1, -800.91893853320467},
			// z²/ν beyond the float64 range: log z² - log ν
			{1e200, 3, 0, 1, -1840.8717386675238},
			{-1e300, 0.5, 0, 1, -1037.993685158652},
			{1e10, 2.5, 0, 1e-300, -1806.9424288130065}, // z = 1e310 overflows; torch: -Inf
			{1e-200, 1e-300, 0, 1, -346.0809111296668},
		} {
			d := must(distributions.NewStudentT(s64(c.nu), s64(c.mu), s64(c.s)))
			got := data64(t, must(d.LogProb(s64(c.x))))
			close(t, []float64{c.want}, got, 2*tol64, 0) // measured ≤ 1.9e-16
		}
	})
	t.Run("infinite ν is the normal", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewStudentT(s64(inf), s64(1), s64(2)))
		x := f64(-3, 1, 2.5, 40)
		want := normalOracle(t, x, s64(1), s64(2), []int{4}, gonumNormalLogProb)
		close(t, want, data64(t, must(d.LogProb(x))), tol64, 0)
	})
	t.Run("x = ±Inf", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewStudentT(f64(0.5, 3, inf), nil, nil))
		close(t, []float64{-inf, -inf, -inf}, data64(t, must(d.LogProb(f64(inf, -inf, inf)))), 0, 0)
	})
	t.Run("x-μ overflows", func(t *testing.T) {
		t.Parallel()
		// mpmath: x = 1e308, μ = -1e308, ν = 3: x-μ = 2e308 is not a float64.
		d := must(distributions.NewStudentT(s64(3), s64(-1e308), s64(1)))
		close(t, []float64{-2838.3610875631914}, data64(t, must(d.LogProb(s64(1e308)))), tol64, 0)
	})
	for _, tc := range []struct {
		name              string
		df, loc, scale, x *tensor.Dense
		out               []int
	}{
		{"scalar params, vector x", s64(4.5), s64(0.5), s64(2), f64(-3, 0, 0.5, 2, 10), []int{5}},
		{"df (3,1), loc (4), x (2,1,1)", sh(f64(0.7, 3, 12), 3, 1), f64(-1, 0, 1, 2), s64(1.5), sh(f64(-0.25, 2.5), 2, 1, 1), []int{2, 3, 4}},
		{"scale (2,1), df (3), x (3)", f64(1.5, 6, 30), s64(0), sh(f64(0.5, 3), 2, 1), f64(1.2, -7, 0.1), []int{2, 3}},
	} {
		t.Run("vs gonum/"+tc.name, func(t *testing.T) {
			t.Parallel()
			d := must(distributions.NewStudentT(tc.df, tc.loc, tc.scale))
			got := must(d.LogProb(tc.x))
			require.Equal(t, tc.out, shapeOf(got))
			require.Equal(t, tensor.Float64, got.Dtype())
			want := studentTOracle(t, tc.x, tc.df, tc.loc, tc.scale, tc.out, studentTGonumLogProb)
			// gonum's log(1+z²/ν) and log-gammas: a few ulps of terms ≤ 10
			close(t, want, data64(t, got), 1e-14, 1e-14)
		})
	}
	t.Run("defaults loc 0, scale 1", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewStudentT(f32(2.5), nil, nil))
		assert.Equal(t, tensor.Float32, d.Loc().Dtype())
		assert.Equal(t, []float64{0}, data64(t, d.Loc()))
		assert.Equal(t, []float64{1}, data64(t, d.Scale()))
		assert.Equal(t, []int{1}, d.BatchShape())
		close(t, []float64{-3.6872381245767863}, data64(t, must(d.LogProb(f32(3)))), tol32, 0) // mpmath
	})
}

// studentTOracle applies f(x, ν, μ, σ) over the operands broadcast (by the
// tests' own bcast) to out.
func studentTOracle(t testing.TB, x, df, loc, scale *tensor.Dense, out []int, f func(x, nu, mu, s float64) float64) []float64 {
	t.Helper()
	xs := bcast(data64(t, x), shapeOf(x), out)
	ns := bcast(data64(t, df), shapeOf(df), out)
	ms := bcast(data64(t, loc), shapeOf(loc), out)
	ss := bcast(data64(t, scale), shapeOf(scale), out)
	want := make([]float64, len(xs))
	for i := range want {
		want[i] = f(xs[i], ns[i], ms[i], ss[i])
	}
	return want
}

func TestStudentTErrors(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	tests := []struct {
		name              string
		df, loc, scale, x *tensor.Dense // x nil: the constructor must fail
		wantErr           error
		wantName          string
		wantIndex         []int
		wantMsg           []string
	}{
		{name: "df -1 (golden errors/studentt-negative-df)", df: s64(-1), loc: s64(0), scale: s64(1), wantErr: distributions.ErrParam,
			wantName: "df", wantIndex: []int{}, wantMsg: []string{"student_t", "df", "> 0"}},
		{name: "df 0 at [1]", df: f64(2, 0), wantErr: distributions.ErrParam, wantName: "df", wantIndex: []int{1}, wantMsg: []string{"[1]"}},
		{name: "df NaN at (1, 0)", df: sh(f64(1, 2, nan, 3), 2, 2), wantErr: distributions.ErrParam, wantName: "df", wantIndex: []int{1, 0}},
		{name: "loc NaN", df: s64(3), loc: f64(0, nan), wantErr: distributions.ErrParam, wantName: "loc", wantIndex: []int{1}},
		{name: "scale 0", df: s64(3), loc: s64(0), scale: sh(f64(1, 0), 2, 1), wantErr: distributions.ErrParam, wantName: "scale", wantIndex: []int{1, 0},
			wantMsg: []string{"scale", "> 0"}},
		{name: "scale -Inf", df: s64(3), scale: s64(math.Inf(-1)), wantErr: distributions.ErrParam, wantName: "scale", wantIndex: []int{}},
		{name: "df (2) and loc (3)", df: f64(1, 2), loc: f64(0, 1, 2), wantErr: distributions.ErrShape, wantMsg: []string{"student_t", "df, loc, and scale"}},
		{name: "mixed dtypes", df: f32(3), loc: s64(0), wantErr: distributions.ErrDType},
		{name: "nil df", df: nil, loc: s64(0), scale: s64(1), wantErr: distributions.ErrParam, wantMsg: []string{"df"}},
		{name: "NaN value", df: s64(3), x: f64(0, 1, nan), wantErr: distributions.ErrSupport, wantName: "value", wantIndex: []int{2}},
		{name: "value (4) vs batch (3)", df: f64(1, 2, 3), x: f64(0, 1, 2, 3), wantErr: distributions.ErrShape, wantMsg: []string{"(4", "(3"}},
		{name: "float32 value, float64 params", df: s64(3), x: f32(0), wantErr: distributions.ErrDType},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := distributions.NewStudentT(tc.df, tc.loc, tc.scale)
			if tc.x != nil {
				require.NoError(t, err)
				_, err = d.LogProb(tc.x)
				_, gerr := d.LogProbGrad(tc.x)
				require.ErrorIs(t, gerr, tc.wantErr)
				require.ErrorIs(t, d.LogProbInto(nil, tc.x), tc.wantErr)
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
				assert.Equal(t, "student_t", ce.Family)
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
		_, err := distributions.Build([]byte(`{"family": "StudentT", "params": {"df": 3, "rate": 1}}`))
		require.ErrorIs(t, err, distributions.ErrUnsupported)
		_, err = distributions.Build([]byte(`{"family": "StudentT", "params": {"loc": 3}}`))
		require.ErrorIs(t, err, distributions.ErrParam)
		d, err := distributions.Build([]byte(`{"family": "StudentT", "params": {"df": {"shape": [2], "data": [3, 4]}}}`))
		require.NoError(t, err)
		require.IsType(t, &distributions.StudentT{}, d)
		assert.Equal(t, []float64{0}, data64(t, d.(*distributions.StudentT).Loc()))
	})
}

func TestStudentTWithoutValidation(t *testing.T) {
	t.Parallel()
	off := distributions.WithValidation(false)
	d := must(distributions.NewStudentT(f64(-1, 3, 3), s64(0), f64(1, 1, -1), off))
	lp := data64(t, must(d.LogProb(f64(0.5, math.NaN(), 0.5))))
	for i, v := range lp {
		assert.True(t, math.IsNaN(v), "[%d] = %v", i, v) // df < 0, x NaN, scale < 0
	}
	_, err := d.LogProbGrad(f64(0.5, 1, 2))
	require.NoError(t, err)
	_, err = d.LogProb(f64(1, 2))
	require.ErrorIs(t, err, distributions.ErrShape)
}

func TestStudentTMoments(t *testing.T) {
	t.Parallel()
	nan, inf := math.NaN(), math.Inf(1)
	dfs := []float64{0.8, 1, 1.5, 2, 3, 25, 1e300, inf}
	d := must(distributions.NewStudentT(f64(dfs...), s64(-0.5), s64(2)))
	mean, variance, std := make([]float64, len(dfs)), make([]float64, len(dfs)), make([]float64, len(dfs))
	for i, nu := range dfs {
		mean[i], variance[i] = nan, nan // torch: NaN mean for ν ≤ 1, variance ∞ for 1 < ν ≤ 2, NaN for ν ≤ 1
		if nu > 1 {
			mean[i], variance[i] = -0.5, inf
		}
		if nu > 2 {
			variance[i] = distuv.StudentsT{Mu: -0.5, Sigma: 2, Nu: nu}.Variance()
		}
		if math.IsInf(nu, 1) {
			variance[i] = 4
		}
		std[i] = math.Sqrt(variance[i])
	}
	close(t, mean, data64(t, must(d.Mean())), tol64, 0)
	close(t, variance, data64(t, must(d.Variance())), tol64, 0)
	close(t, std, data64(t, must(d.StdDev())), tol64, 0)
	close(t, slices.Repeat([]float64{-0.5}, len(dfs)), data64(t, must(d.Mode())), 0, 0)
	assert.Equal(t, []int{len(dfs)}, shapeOf(must(d.Mode())))

	// Entropy, mpmath: log σ + (ν+1)/2·(ψ((ν+1)/2) - ψ(ν/2)) + ½·log ν +
	// log B(½, ν/2), at σ = 1 (torch's formula cancels to 1e-13 at ν = 1e300;
	// ν = ∞ is the normal's ½ + log√(2π)).
	nus := []float64{0.1, 1, 2.5, 19.5, 20, 100, 1e6, 1e12, 1e300, inf}
	h := []float64{12.228957898730015, 2.5310242469692908, 1.8477600705759215, 1.4708548146162835, 1.4695420153045369,
		1.4289633653182438, 1.4189395332049227, 1.4189385332056727, 1.4189385332046727, 1.4189385332046727}
	e := must(distributions.NewStudentT(f64(nus...), nil, nil))
	close(t, h, data64(t, must(e.Entropy())), tol64, 0) // measured ≤ 3e-16
	// log σ adds: the golden student_t/scalar
	g := must(distributions.NewStudentT(s64(9.1088), s64(0.3073), s64(1.4003)))
	close(t, []float64{1.8681884053907734}, data64(t, must(g.Entropy())), tol64, 0)
}

// studentTGradCase is one broadcast layout of the gradient check.
type studentTGradCase struct {
	name                               string
	xShape, dfShape, locShape, scShape []int
	out, upstreamShape                 []int
	dfLo, dfHi                         float64
}

var studentTGradCases = []studentTGradCase{
	{name: "all (4)", xShape: []int{4}, dfShape: []int{4}, locShape: []int{4}, scShape: []int{4}, out: []int{4}, dfLo: 0.5, dfHi: 8},
	{name: "x (2,3), df (3), loc (2,1), scale ()", xShape: []int{2, 3}, dfShape: []int{3}, locShape: []int{2, 1}, scShape: []int{}, out: []int{2, 3}, dfLo: 1, dfHi: 5},
	{name: "x (4,1,1) vs batch (2,3)", xShape: []int{4, 1, 1}, dfShape: []int{2, 1}, locShape: []int{3}, scShape: []int{2, 3}, out: []int{4, 2, 3},
		upstreamShape: []int{2, 1}, dfLo: 2, dfHi: 12},
	{name: "ν ≥ 20 (Stirling's form)", xShape: []int{3}, dfShape: []int{3}, locShape: []int{}, scShape: []int{}, out: []int{3}, dfLo: 20, dfHi: 80},
}

// studentTRefSum is Σ w·log p over the broadcast, from gonum.
func studentTRefSum(c studentTGradCase, x, df, loc, sc, w []float64) float64 {
	xs, ns := bcast(x, c.xShape, c.out), bcast(df, c.dfShape, c.out)
	ms, ss := bcast(loc, c.locShape, c.out), bcast(sc, c.scShape, c.out)
	var s float64
	for i := range xs {
		lp := studentTGonumLogProb(xs[i], ns[i], ms[i], ss[i])
		if w != nil {
			lp *= w[i]
		}
		s += lp
	}
	return s
}

func TestStudentTLogProbGrad(t *testing.T) {
	t.Parallel()
	for k, c := range studentTGradCases {
		for _, vjp := range []bool{false, true} {
			name := c.name
			if vjp {
				name += "/vjp"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				r := rand.New(rand.NewPCG(uint64(k), 13))
				fill := func(shp []int, lo, hi float64) []float64 {
					v := make([]float64, sizeOf(shp))
					for i := range v {
						v[i] = lo + (hi-lo)*r.Float64()
					}
					return v
				}
				df, loc, sc := fill(c.dfShape, c.dfLo, c.dfHi), fill(c.locShape, -1, 1), fill(c.scShape, 0.5, 2)
				x := fill(c.xShape, -5, 5)
				d := must(distributions.NewStudentT(must(tensor.New(df, c.dfShape...)), must(tensor.New(loc, c.locShape...)), must(tensor.New(sc, c.scShape...))))
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
				close(t, []float64{studentTRefSum(c, x, df, loc, sc, w)}, []float64{g.LogProb}, 1e-13, 0)
				require.Equal(t, c.xShape, shapeOf(g.Value))
				require.Equal(t, c.dfShape, shapeOf(g.Params["df"]))
				require.Equal(t, c.locShape, shapeOf(g.Params["loc"]))
				require.Equal(t, c.scShape, shapeOf(g.Params["scale"]))
				wants := [][]float64{
					centralDiff(func(v []float64) float64 { return studentTRefSum(c, v, df, loc, sc, w) }, x, 1e-5),
					centralDiff(func(v []float64) float64 { return studentTRefSum(c, x, v, loc, sc, w) }, df, 1e-5),
					centralDiff(func(v []float64) float64 { return studentTRefSum(c, x, df, v, sc, w) }, loc, 1e-5),
					centralDiff(func(v []float64) float64 { return studentTRefSum(c, x, df, loc, v, w) }, sc, 1e-5),
				}
				gots := [][]float64{data64(t, g.Value), data64(t, g.Params["df"]), data64(t, g.Params["loc"]), data64(t, g.Params["scale"])}
				var msg []string
				for i, want := range wants {
					requireFinite(t, want)
					close(t, want, gots[i], gradTol, gradTol)
					msg = append(msg, fmt.Sprintf("%.2g", maxRelErr(want, gots[i], 1)))
				}
				t.Logf("max rel err vs central differences (x, df, loc, scale): %s", strings.Join(msg, ", "))
			})
		}
	}
	t.Run("∂/∂ν, mpmath", func(t *testing.T) {
		t.Parallel()
		// Large ν: the terms of ∂/∂ν are O(1/ν) and cancel to O(1/ν²);
		// formed as log1pmx(-u) + u/ν + studentTDigammaGap they keep full
		// precision (torch's autograd, the golden values, is off by 2.4e-13
		// relative in student_t/broadcast-2x1-vs-3).
		for _, c := range []struct{ x, nu, want float64 }{
			{0.7, 3.5, 0.033113100899144441},
			{2, 30, -0.0015196339533936123},
			{2, 1e6, -1.7499866667307914e-12},
			{0.3, 1e4, 2.9297461805339895e-9},
			{50, 0.2, 0.2245459224121255},
			{1e-3, 1e-2, 49.31998777046609},
		} {
			d := must(distributions.NewStudentT(s64(c.nu), nil, nil))
			g := must(d.LogProbGrad(s64(c.x)))
			close(t, []float64{c.want}, data64(t, g.Params["df"]), tol64, 0) // measured ≤ 7.4e-16
		}
	})
	t.Run("analytic partials", func(t *testing.T) {
		t.Parallel()
		// ν = 1 (Cauchy), z = 1: ∂/∂x = -(ν+1)z/(σ(ν+z²)) = -1/σ, ∂/∂σ = 0.
		d := must(distributions.NewStudentT(s64(1), s64(1), s64(2)))
		g := must(d.LogProbGrad(s64(3)))
		close(t, []float64{-0.5, 0.5, 0}, []float64{data64(t, g.Value)[0], data64(t, g.Params["loc"])[0], data64(t, g.Params["scale"])[0]}, tol64, 1e-17)
		// ν = ∞: the normal's, and ∂/∂ν = 0.
		n := must(distributions.NewStudentT(s64(math.Inf(1)), s64(1), s64(2)))
		g = must(n.LogProbGrad(s64(4)))
		close(t, []float64{-0.75, 0, 0.75, 0.625}, []float64{data64(t, g.Value)[0], data64(t, g.Params["df"])[0],
			data64(t, g.Params["loc"])[0], data64(t, g.Params["scale"])[0]}, tol64, 0)
	})
	t.Run("masked entries add exactly 0", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewStudentT(f64(3, 3), s64(0), s64(1), distributions.WithValidation(false)))
		g := must(d.LogProbVJP(f64(math.NaN(), 1), f64(0, 1)))
		assert.False(t, math.IsNaN(g.LogProb))
		requireFinite(t, data64(t, g.Value))
		requireFinite(t, data64(t, g.Params["df"]))
	})
}

func TestStudentTFloat32(t *testing.T) {
	t.Parallel()
	df, loc, sc := f32(0.5, 2.5, 12, 300), sh(f32(-1, 0.5), 2, 1), f32(1.5)
	x := sh(f32(-4, -0.25, 1, 30), 4, 1, 1)
	d32 := must(distributions.NewStudentT(df, loc, sc))
	d64 := must(distributions.NewStudentT(to64(df), to64(loc), to64(sc)))
	lp32, lp64 := must(d32.LogProb(x)), must(d64.LogProb(to64(x)))
	require.Equal(t, tensor.Float32, lp32.Dtype())
	close(t, data64(t, lp64), data64(t, lp32), tol32, 0)
	for _, m := range []func(*distributions.StudentT) (*tensor.Dense, error){
		(*distributions.StudentT).Mean, (*distributions.StudentT).Variance, (*distributions.StudentT).StdDev,
		(*distributions.StudentT).Mode, (*distributions.StudentT).Entropy,
	} {
		a := must(m(d32))
		require.Equal(t, tensor.Float32, a.Dtype())
		close(t, data64(t, must(m(d64))), data64(t, a), tol32, 0)
	}
	g32, g64 := must(d32.LogProbGrad(x)), must(d64.LogProbGrad(to64(x)))
	close(t, []float64{g64.LogProb}, []float64{g32.LogProb}, tol32, 0)
	close(t, data64(t, g64.Value), data64(t, g32.Value), tol32, 1e-7)
	for _, p := range []string{"df", "loc", "scale"} {
		require.Equal(t, tensor.Float32, g32.Params[p].Dtype())
		close(t, data64(t, g64.Params[p]), data64(t, g32.Params[p]), tol32, 1e-7)
	}
	s := must(d32.Sample(rand.NewPCG(1, 2), 1000))
	require.Equal(t, tensor.Float32, s.Dtype())
	requireFinite(t, data64(t, s))
	p32, err := d32.RSampleVJP(s, nil)
	require.NoError(t, err)
	p64, err := d64.RSampleVJP(to64(s), nil)
	require.NoError(t, err)
	for _, p := range []string{"df", "loc", "scale"} {
		require.Equal(t, tensor.Float32, p32[p].Dtype())
		close(t, data64(t, p64[p]), data64(t, p32[p]), tol32, 0)
	}
}

// studentTKS returns the KS p-value of column j of a sample of shape
// (n, batch...) against gonum's t CDF.
func studentTKS(data []float64, j, stride int, nu, mu, s float64) float64 {
	n := len(data) / stride
	col := make([]float64, n)
	for i := range col {
		col[i] = data[i*stride+j]
	}
	return ksPValue(ksStatistic(col, distuv.StudentsT{Mu: mu, Sigma: s, Nu: nu}.CDF), n)
}

func TestStudentTSampleKS(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name           string
		df, loc, scale *tensor.Dense
		seed           uint64
	}{
		{"ν = 0.5", s64(0.5), s64(0), s64(1), 1},
		{"ν = 1 (Cauchy), shifted", s64(1), s64(3), s64(0.5), 2},
		{"ν = 3.5, wide", s64(3.5), s64(-2), s64(40), 3},
		{"ν = 1e4 (near normal)", s64(1e4), s64(0), s64(1), 4},
		{"batch (2,2)", sh(f64(0.3, 7), 2, 1), f64(-1, 1), nil, 5},
		{"float32", s32(2.5), s32(1), s32(1.5), 6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.scale == nil {
				tc.scale = studentTOne(tc.df)
			}
			d := must(distributions.NewStudentT(tc.df, tc.loc, tc.scale))
			x := must(d.Sample(rand.NewPCG(tc.seed, 0x5eed), nDraws))
			batch := d.BatchShape()
			require.Equal(t, append([]int{nDraws}, batch...), shapeOf(x))
			require.Equal(t, tc.df.Dtype(), x.Dtype())
			stride := sizeOf(batch)
			ns := bcast(data64(t, tc.df), shapeOf(tc.df), batch)
			ms := bcast(data64(t, tc.loc), shapeOf(tc.loc), batch)
			ss := bcast(data64(t, tc.scale), shapeOf(tc.scale), batch)
			data := data64(t, x)
			for j := range stride {
				p := studentTKS(data, j, stride, ns[j], ms[j], ss[j])
				t.Logf("StudentT(%g, %g, %g): KS p = %.3g", ns[j], ms[j], ss[j], p)
				assert.GreaterOrEqual(t, p, pCritical, "StudentT(%g, %g, %g)", ns[j], ms[j], ss[j])
			}
		})
	}
	t.Run("power", func(t *testing.T) {
		// t(3.5) draws are rejected as t(4.5), as t(3.5) with scale 1.03,
		// and as the normal of equal scale.
		t.Parallel()
		d := must(distributions.NewStudentT(s64(3.5), nil, nil))
		data := data64(t, must(d.Sample(rand.NewPCG(9, 0x5eed), nDraws)))
		for _, alt := range [][3]float64{{4.5, 0, 1}, {3.5, 0, 1.03}, {1e300, 0, 1}} {
			p := studentTKS(slices.Clone(data), 0, 1, alt[0], alt[1], alt[2])
			t.Logf("t(3.5) draws as StudentT(%g, %g, %g): KS p = %.3g", alt[0], alt[1], alt[2], p)
			assert.Less(t, p, pCritical)
		}
	})
}

// studentTOne is a scalar 1 in like's dtype.
func studentTOne(like *tensor.Dense) *tensor.Dense {
	if like.Dtype() == tensor.Float32 {
		return s32(1)
	}
	return s64(1)
}

func TestStudentTSampleShapesAndExpand(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewStudentT(sh(f64(1, 2, 3), 3, 1), f64(0, 5), nil))
	assert.Equal(t, []int{3, 2}, d.BatchShape())
	assert.Equal(t, []int{5, 3, 2}, shapeOf(must(d.Sample(rand.NewPCG(1, 1), 5))))
	a, b := must(d.Sample(rand.NewPCG(1, 1), 4)), must(d.RSample(rand.NewPCG(1, 1), 4))
	assert.Equal(t, data64(t, a), data64(t, b), "Sample is RSample")
	_, err := d.Sample(nil)
	require.ErrorIs(t, err, distributions.ErrNilSource)
	_, err = d.Sample(rand.NewPCG(1, 1), -1)
	require.ErrorIs(t, err, distributions.ErrShape)
	e, err := d.Expand([]int{4, 3, 2})
	require.NoError(t, err)
	require.IsType(t, &distributions.StudentT{}, e)
	assert.Equal(t, []int{4, 3, 2}, e.BatchShape())
	x := s64(1.5)
	close(t, bcast(data64(t, must(d.LogProb(x))), []int{3, 2}, []int{4, 3, 2}), data64(t, must(e.LogProb(x))), 0, 0)
	assert.Same(t, d.DF(), e.(*distributions.StudentT).DF(), "expand shares the parameters")
	_, err = d.Expand([]int{3, 5})
	require.ErrorIs(t, err, distributions.ErrShape)
}

// TestStudentTSampleGOMAXPROCS draws more than tensor.ParallelMin values
// and requires the same bits with one and with two goroutines.
func TestStudentTSampleGOMAXPROCS(t *testing.T) {
	const n = 300_000
	require.Greater(t, n, tensor.ParallelMin)
	d := must(distributions.NewStudentT(f64(0.7, 5), s64(1), f64(2, 0.5)))
	draw := func(procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		return data64(t, must(d.Sample(rand.NewPCG(42, 43), n/2)))
	}
	one, two := draw(1), draw(2)
	require.Len(t, one, n)
	assert.True(t, slices.Equal(one, two), "draws depend on GOMAXPROCS")
}

// studentTTail is P(T > |t|) = ½·I_{ν/(ν+t²)}(ν/2, ½) for the standard t:
// the CDF for t < 0 and its complement for t > 0, accurate in both tails.
func studentTTail(t, nu float64) float64 {
	return 0.5 * tensor.BetaInc(nu/2, 0.5, nu/(nu+t*t))
}

// TestStudentTRSampleVJP checks the pathwise gradient. ∂x/∂μ = 1 and
// ∂x/∂σ = (x-μ)/σ are checked by finite differences with the noise held
// (the same seed). ∂x/∂ν is the implicit gradient -(∂F/∂ν)/p (see
// RSampleVJP): checked against mpmath, by its defining property that x
// moved by h·∂x/∂ν keeps the CDF, and in aggregate against the exact
// d/dθ E[h(X)] and against torch's estimator with (Z, V) held.
func TestStudentTRSampleVJP(t *testing.T) {
	t.Parallel()
	t.Run("implicit gradient, mpmath", func(t *testing.T) {
		t.Parallel()
		// -(∂F/∂ν)/p from mpmath.diff of the t CDF (50 digits) over a grid
		// of ν and t, then cases with loc and scale (700 digits). Below
		// ν = 1000 the Beta form loses about 2e-12·ν near t = 0, where 1/ν
		// and ½·G/(u·v) cancel: the measured worst is 2.1e-9 (ν = 999,
		// t = 0.3), within the 1e-8 of tensor.BetaIncDeriv*; from there the
		// Cornish–Fisher expansion gives at most 1.7e-10 (ν = 1000, t = 3.9).
		var worst float64
		for _, c := range []struct{ t, nu, want float64 }{
			{1e-3, 0.05, -0.0093459669974503454},
			{0.3, 0.05, -5.0461441810585501},
			{1.5, 0.05, -62.768628518605063},
			{4, 0.05, -243.58431397392454},
			{15, 0.05, -1308.20784322011},
			{1e-3, 0.3, -0.0011586588006766771},
			{0.3, 0.3, -0.43327583952941658},
			{1.5, 0.3, -5.8426936866620193},
			{4, 0.3, -27.046394610018498},
			{15, 0.3, -166.06695865242953},
			{1e-3, 1, -0.00019314747599128993},
			{0.3, 1, -0.065667862386794607},
			{1.5, 1, -0.88815437121596707},
			{4, 1, -5.1497457178018533},
			{15, 1, -37.883371343073691},
			{1e-3, 2.5, -3.7463037610954001e-5},
			{0.3, 2.5, -0.012416060416332647},
			{1.5, 2.5, -0.17229905685522407},
			{4, 2.5, -1.2695583286638091},
			{15, 2.5, -11.629663013077942},
			{1e-3, 10, -2.4877426538132657e-6},
			{0.3, 10, -0.00081573926170076969},
			{1.5, 10, -0.011838105795591566},
			{4, 10, -0.12337920262712113},
			{15, 10, -1.7875981292377483},
			{1e-3, 40, -1.5620139028418549e-7},
			{0.3, 40, -5.1110626408756796e-5},
			{1.5, 40, -0.00075624634554512927},
			{4, 40, -0.0095763022526196118},
			{15, 40, -0.23370190540309164},
			{1e-3, 200, -6.2499281392963208e-9},
			{0.3, 200, -2.043981737060603e-6},
			{1.5, 200, -3.0424844918108592e-5},
			{4, 200, -0.00041537980851885914},
			{15, 200, -0.016008965418795093},
			{1e-3, 1000, -2.5000012508354155e-10},
			{0.3, 1000, -8.1752008781840054e-8},
			{1.5, 1000, -1.2183985042732419e-6},
			{4, 1000, -1.692063076003539e-5},
			{15, 1000, -0.00079075432181587708},
			{1e-3, 1999, -6.2562601651105504e-11},
			{0.3, 1999, -2.0458206735440582e-8},
			{1.5, 1999, -3.0494840907235799e-7},
			{4, 1999, -4.2442778651258628e-6},
			{15, 1999, -0.00020461616397443211},
			{1e-3, 2000, -6.2500054697917958e-11},
			{0.3, 2000, -2.0437753517645746e-8},
			{1.5, 2000, -3.0464355887985001e-7},
			{4, 2000, -4.2400396112854748e-6},
			{15, 2000, -0.0002044151359561837},
			{1e-3, 5000, -1.0000009800666616e-11},
			{0.3, 5000, -3.2700163180522329e-9},
			{1.5, 5000, -4.8747187607617e-8},
			{4, 5000, -6.7936101697331798e-7},
			{15, 5000, -3.3407042493763354e-5},
			{1e-3, 100000, -2.5000024998833333e-14},
			{0.3, 100000, -8.1750020471128282e-12},
			{1.5, 100000, -1.2187464843817377e-10},
			{4, 100000, -1.6999200063677196e-9},
			{15, 100000, -8.468707077803766e-8},
			{1e-3, 1e8, -2.5000025000000083e-20},
			{0.3, 1e8, -8.1750000020474993e-18},
			{1.5, 1e8, -1.218749996484375e-16},
			{4, 1e8, -1.6999999200000064e-15},
			{15, 1e8, -8.4749937000070873e-14},
			// either side of the switches: ν = 1000 at |t| = 4, |t| = 30, ν = 1e6
			{1.5, 1e6, -1.2187496484375674e-12},
			{15, 1e6, -8.4743700708640084e-10},
			{25, 1e6, -3.9116877538104207e-9},
			{0.3, 999, -8.1915760358793254e-8},
			{3.9, 1000, -1.5735032839673486e-5},
			{4.1, 1000, -1.8165198795422479e-5},
			{29, 1e6, -6.1027934875271509e-9},
			{31, 1e6, -7.4531178645049151e-9},
		} {
			d := must(distributions.NewStudentT(s64(c.nu), nil, nil))
			got := data64(t, must(d.RSampleVJP(s64(c.t), nil))["df"])
			close(t, []float64{c.want}, got, 3e-9, 0)
			worst = max(worst, relErr(c.want, got[0]))
			// ∂t/∂ν is odd in t
			neg := data64(t, must(d.RSampleVJP(s64(-c.t), nil))["df"])
			close(t, []float64{-c.want}, neg, 3e-9, 0)
		}
		for _, c := range []struct{ x, nu, mu, s, want float64 }{
			{0.7, 3.5, 0, 1, -0.020991485006187796},
			{-2.5, 1.2, 0, 1, 1.7090461711246736},
			{10, 0.8, 0, 1, -28.476094999027514},
			{1e-4, 5, 0, 1, -9.8138473325340321e-7},
			{3, 60, 1, 2, -0.00027775198760980352},
			{-0.2, 0.3, 0, 1, 0.25857809147348659},
			{4, 150, 0, 1, -0.00073303431341369425},
		} {
			d := must(distributions.NewStudentT(s64(c.nu), s64(c.mu), s64(c.s)))
			g, err := d.RSampleVJP(s64(c.x), nil)
			require.NoError(t, err)
			got := data64(t, g["df"])
			close(t, []float64{c.want}, got, 1e-8, 0) // the bar of tensor.BetaIncDeriv*
			worst = max(worst, relErr(c.want, got[0]))
		}
		t.Logf("max rel err vs mpmath: %.2g", worst)
	})
	t.Run("CDF held", func(t *testing.T) {
		t.Parallel()
		df, loc, sc := sh(f64(0.4, 2.5, 40), 3, 1), f64(0.5, -1), s64(1.5)
		d := must(distributions.NewStudentT(df, loc, sc))
		x := must(d.RSample(rand.NewPCG(7, 8), 4))
		gv := seq(-1, 2, 4*3*2)
		grads, err := d.RSampleVJP(x, must(tensor.New(gv, 4, 3, 2)))
		require.NoError(t, err)
		require.Equal(t, []int{3, 1}, shapeOf(grads["df"]))
		require.Equal(t, []int{2}, shapeOf(grads["loc"]))
		require.Equal(t, []int{}, shapeOf(grads["scale"]))
		out := []int{4, 3, 2}
		ns, ms := bcast(data64(t, df), []int{3, 1}, out), bcast(data64(t, loc), []int{2}, out)
		wantDF := make([]float64, 3)
		for i, xv := range data64(t, x) {
			nu, m := ns[i], ms[i]
			one := must(distributions.NewStudentT(s64(nu), s64(m), s64(1.5)))
			dx := data64(t, must(one.RSampleVJP(s64(xv), nil))["df"])[0]
			h := 1e-6 * nu
			at := func(x, nu float64) float64 { return studentTTail((x-m)/1.5, nu) }
			moved := at(xv+h*dx, nu+h) - at(xv-h*dx, nu-h)
			held := at(xv, nu+h) - at(xv, nu-h)
			// held is small near t = 0 (2.3e-11 for a draw at t = -0.007,
			// ν = 40), where BetaInc's own 1e-14 relative error of tails
			// near ½ floors the differences at about 2e-14.
			assert.Less(t, math.Abs(moved), 1e-4*math.Abs(held)+5e-14, "draw %d: x = %v, ν = %v", i, xv, nu)
			wantDF[(i/2)%3] += gv[i] * dx
		}
		close(t, wantDF, data64(t, grads["df"]), 1e-13, 0)
	})
	t.Run("loc and scale, noise held", func(t *testing.T) {
		t.Parallel()
		df, loc, sc := s64(2.5), sh(f64(-1, 0.5, 2), 3, 1), f64(0.5, 2)
		g := seq(-1, 2, 2*3*2)
		lossAt := func(loc, sc *tensor.Dense) float64 {
			xs := data64(t, must(must(distributions.NewStudentT(df, loc, sc)).RSample(rand.NewPCG(3, 4), 2)))
			var s float64
			for i, v := range xs {
				s += g[i] * v
			}
			return s
		}
		d := must(distributions.NewStudentT(df, loc, sc))
		grads := must(d.RSampleVJP(must(d.RSample(rand.NewPCG(3, 4), 2)), must(tensor.New(g, 2, 3, 2))))
		wantLoc := centralDiff(func(v []float64) float64 { return lossAt(sh(f64(v...), 3, 1), sc) }, data64(t, loc), 1e-5)
		wantSc := centralDiff(func(v []float64) float64 { return lossAt(loc, f64(v...)) }, data64(t, sc), 1e-5)
		close(t, wantLoc, data64(t, grads["loc"]), 1e-8, 0)
		close(t, wantSc, data64(t, grads["scale"]), 1e-8, 0)
	})
	t.Run("E[log1p(X²)]: exact, and torch's estimator", func(t *testing.T) {
		t.Parallel()
		// X ~ StudentT(2.5, 0.5, 2), h(x) = log(1+x²): mpmath quadrature and
		// mpmath.diff give d/dθ E[h(X)] (E[h] = 1.53612524829898342).
		const nu, mu, s, n = 2.5, 0.5, 2.0, nDraws
		exact := map[string]float64{"df": -0.157728502277402369, "loc": 0.123370629513944225, "scale": 0.587976395948749805}
		// Parameters of shape (n): RSampleVJP then returns each draw's own
		// h'(x)·∂x/∂θ, whose mean estimates d/dθ E[h(X)].
		full := func(v float64) *tensor.Dense { return must(tensor.Full(v, n)) }
		d := must(distributions.NewStudentT(full(nu), full(mu), full(s)))
		x := must(d.RSample(rand.NewPCG(11, 12)))
		hp := slices.Clone(data64(t, x)) // data64 shares a float64 array's backing
		for i, v := range hp {
			hp[i] = 2 * v / (1 + v*v)
		}
		grads := must(d.RSampleVJP(x, must(tensor.New(hp, n))))
		// torch's estimator: Z ~ N(0, 1) and V ~ χ²(ν) held, ∂x/∂ν =
		// (x-μ)·½(1/ν - V'/V) with V' = ∂V/∂ν, Gamma's implicit gradient.
		z := data64(t, must(must(distributions.NewNormal(s64(0), s64(1))).Sample(rand.NewPCG(21, 22), n)))
		v := data64(t, must(must(distributions.NewChi2(s64(nu))).Sample(rand.NewPCG(23, 24), n)))
		torch := make([]float64, n)
		for i := range torch {
			xt := mu + s*z[i]*math.Sqrt(nu/v[i])
			torch[i] = 2 * xt / (1 + xt*xt) * (xt - mu) * 0.5 * (1/nu - tensor.StandardGammaGrad(nu/2, v[i]/2)/v[i])
		}
		within := func(name string, g []float64, want float64) float64 {
			m, sd := studentTMeanSD(g)
			se := sd / math.Sqrt(float64(len(g)))
			t.Logf("%s: %.6g ± %.2g (exact %.6g, %.2f s.e.)", name, m, se, want, (m-want)/se)
			assert.InDelta(t, want, m, 5*se, name)
			return sd
		}
		sdImplicit := within("∂/∂ν implicit", data64(t, grads["df"]), exact["df"])
		sdTorch := within("∂/∂ν torch", torch, exact["df"])
		t.Logf("per-draw s.d. of ∂/∂ν: implicit %.3g, torch's %.3g", sdImplicit, sdTorch)
		assert.Less(t, sdImplicit, sdTorch, "the implicit gradient is torch's conditioned on x")
		within("∂/∂μ", data64(t, grads["loc"]), exact["loc"])
		within("∂/∂σ", data64(t, grads["scale"]), exact["scale"])
	})
	t.Run("boundaries and errors", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewStudentT(f64(3, math.Inf(1)), s64(1), s64(2)))
		g := must(d.RSampleVJP(f64(1, 5), nil)) // x = μ, and ν = ∞
		close(t, []float64{0, 0}, data64(t, g["df"]), 0, 0)
		_, err := d.RSampleVJP(f64(1, 2), f64(1))
		require.ErrorIs(t, err, distributions.ErrShape)
		_, err = d.RSampleVJP(f64(1, 2, 3), nil)
		require.ErrorIs(t, err, distributions.ErrShape)
		_, err = d.RSampleVJP(f32(1, 2), nil)
		require.ErrorIs(t, err, distributions.ErrDType)
	})
}

// studentTMeanSD is the mean and the sample standard deviation of v.
func studentTMeanSD(v []float64) (mean, sd float64) {
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	var ss float64
	for _, x := range v {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss / float64(len(v)-1))
}

// TestStudentTGoldenCases runs the golden cases of student_t.json (and the
// StudentT case of errors.json) through the conformance runner.
func TestStudentTGoldenCases(t *testing.T) {
	t.Parallel()
	n := 0
	for _, c := range loadCases(t, goldenDir, "") {
		if !strings.HasPrefix(c.name, "student_t/") && c.name != "errors/studentt-negative-df" {
			continue
		}
		n++
		st, reason := runCase(c)
		t.Logf("%s: %s %s", c.name, st, reason)
		assert.Equal(t, casePassed, st, "%s: %s", c.name, reason)
	}
	assert.Equal(t, 5, n)
}

func FuzzStudentT(f *testing.F) {
	for _, c := range [][4]float64{
		{3, 0, 1, 0}, {0, 0, 1, 1}, {-1, 0, 1, 1}, {3, 0, 0, 1}, {3, math.NaN(), 1, 0}, {3, 0, 1, math.NaN()},
		{1e-300, 0, 1, 1e300}, {1e300, 0, 1, 40}, {math.Inf(1), 1, 2, 3}, {2.5, 0, 1e-300, 1e10}, {0.5, -1e308, 1, 1e308},
		{5e-324, 0, 1, 1}, {3, 0, 1, math.Inf(-1)}, {20, 1, 2, 3}, {-1e300, 0, 1, 1},
	} {
		f.Add(c[0], c[1], c[2], c[3])
	}
	f.Fuzz(func(t *testing.T, df, loc, scale, x float64) {
		d, err := distributions.NewStudentT(f64(df), f64(loc), f64(scale))
		if !(df > 0) || !(scale > 0) || math.IsNaN(loc) {
			require.ErrorIs(t, err, distributions.ErrParam)
			var ce *distributions.ConstraintError
			require.ErrorAs(t, err, &ce)
			u := must(distributions.NewStudentT(f64(df), f64(loc), f64(scale), distributions.WithValidation(false)))
			_, err = u.LogProb(f64(x))
			require.NoError(t, err)
			_, err = u.LogProbGrad(f64(x))
			require.NoError(t, err)
			return
		}
		require.NoError(t, err)
		lp, err := d.LogProb(f64(x))
		g, gerr := d.LogProbGrad(f64(x))
		if math.IsNaN(x) {
			require.ErrorIs(t, err, distributions.ErrSupport)
			require.ErrorIs(t, gerr, distributions.ErrSupport)
			return
		}
		require.NoError(t, err)
		require.NoError(t, gerr)
		got := data64(t, lp)[0]
		close(t, []float64{got}, []float64{g.LogProb}, tol64, 0)
		if !math.IsInf(loc, 0) && !math.IsInf(scale, 0) && !math.IsInf(x, 0) {
			require.False(t, math.IsNaN(got), "log t(%v | %v, %v, %v) is NaN", x, df, loc, scale)
			require.False(t, math.IsInf(got, 1))
		}
		// Against gonum where its formula is well conditioned: the error is
		// relative to the terms it sums, not to their sum.
		z := (x - loc) / scale
		if df > 1e-3 && df < 1e6 && math.Abs(z) < 1e100 && scale > 1e-100 && scale < 1e100 && math.Abs(x-loc) < 1e300 {
			want := studentTGonumLogProb(x, df, loc, scale)
			l1, _ := math.Lgamma((df + 1) / 2)
			l2, _ := math.Lgamma(df / 2)
			terms := math.Abs(l1) + math.Abs(l2) + math.Abs(math.Log(df)) + math.Abs(math.Log(scale)) + (df+1)/2*math.Log1p(z*z/df) + 1
			// gonum's log(1+z²/ν) loses z²/ν's digits below 1e-16·ν: abs.
			close(t, []float64{want}, []float64{got}, 1e-13, 1e-14*terms+(df+1)*1e-16)
		}
		if df < 1e10 && df > 1e-3 && scale < 1e100 && !math.IsInf(loc, 0) && math.Abs(loc) < 1e300 {
			s := must(d.RSample(rand.NewPCG(1, 2), 3))
			grads, err := d.RSampleVJP(s, nil)
			require.NoError(t, err)
			assert.False(t, math.IsNaN(data64(t, grads["df"])[0]), "draws %v", data64(t, s))
		}
	})
}

func ExampleStudentT_LogProb() {
	// ν = 1 is the Cauchy distribution; ν = +Inf the normal.
	d, err := distributions.NewStudentT(tensor.Vector(1.0, 4.0, math.Inf(1)), nil, nil)
	if err != nil {
		log.Fatal(err)
	}
	lp, err := d.LogProb(tensor.Scalar(0.0))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%.4f\n", lp.Float64s())
	v, err := d.Variance()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(v.Float64s())
	// Output:
	// [-1.1447 -0.9808 -0.9189]
	// [NaN 2 1]
}
