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
	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Reference values marked "mpmath" were computed with mpmath at 800 digits
// (enough for I0(1e300)) from the exact binary value of each float64
// input, then rounded once: A = I1(κ)/I0(κ), c0 = κ - log 2π - log I0(κ),
// log p = κ·cos(x-μ) - log 2π - log I0(κ).

// VonMises has torch 1.13's capabilities: no rsample, entropy, cdf or icdf.
var (
	_ distributions.Distribution  = (*distributions.VonMises)(nil)
	_ distributions.LogProbGrader = (*distributions.VonMises)(nil)
	_ distributions.LogProbIntoer = (*distributions.VonMises)(nil)
	_ distributions.Meaner        = (*distributions.VonMises)(nil)
	_ distributions.Variancer     = (*distributions.VonMises)(nil)
	_ distributions.StdDever      = (*distributions.VonMises)(nil)
	_ distributions.Moder         = (*distributions.VonMises)(nil)
)

const vonMisesLog2Pi = 1.8378770664093454836 // log 2π

// vonMisesRefLogProb is the log density as the formula reads, with
// tensor.LogI0 (tested against mpmath in package tensor): the oracle of the
// broadcast and finite-difference checks, independent of the family's own
// Bessel code.
func vonMisesRefLogProb(x, mu, k float64) float64 {
	return k*math.Cos(x-mu) - vonMisesLog2Pi - tensor.LogI0(k)
}

func TestVonMisesCapabilities(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewVonMises(s64(0), s64(1)))
	var v any = d
	for name, ok := range map[string]bool{
		"RSampler": vonMisesImplements[distributions.RSampler](v), "CDFer": vonMisesImplements[distributions.CDFer](v),
		"ICDFer": vonMisesImplements[distributions.ICDFer](v), "Entropier": vonMisesImplements[distributions.Entropier](v),
		"SupportEnumerator": vonMisesImplements[distributions.SupportEnumerator](v),
	} {
		assert.False(t, ok, "VonMises is a %s; torch 1.13's is not", name)
	}
	assert.False(t, distributions.HasRSample(d))
	assert.Equal(t, "VonMises(batch_shape=())", fmt.Sprint(d))
}

// vonMisesImplements reports whether v implements I.
func vonMisesImplements[I any](v any) bool {
	_, ok := v.(I)
	return ok
}

// vonMisesBesselRef: κ, A, 1-A, c0 (mpmath).
var vonMisesBesselRef = [][4]float64{
	{0.0, 0.0, 1.0, -1.8378770664093456},
	{1e-300, 5e-301, 1.0, -1.8378770664093456},
	{1e-10, 5e-11, 0.99999999995, -1.8378770663093456},
	{1e-05, 4.9999999999375e-06, 0.9999950000000001, -1.8378670664343455},
	{0.01, 0.004999937501041649, 0.9950000624989583, -1.8279020662530971},
	{0.5, 0.24249961258080194, 0.757500387419198, -1.3994267855948268},
	{1.0, 0.4463899658965345, 0.5536100341034655, -1.0737914249165241},
	{2.0599, 0.7073701470040866, 0.2926298529959133, -0.6440570855485254},
	{5.0, 0.8933831370440852, 0.10661686295591478, -0.14255884223187892},
	{11.99, 0.9573449836247414, 0.04265501637525859, 0.31219406648487},
	{12.0, 0.9573814053952422, 0.04261859460475776, 0.3126204344878107},
	{12.01, 0.957417764894556, 0.04258223510544403, 0.31304643858453574},
	{19.99, 0.9746576626184982, 0.025342337381501802, 0.5722591462097824},
	{20.0, 0.9746705078898071, 0.025329492110192874, 0.5725125053463802},
	{20.01, 0.974683340138214, 0.025316659861786016, 0.572765736095396},
	{25.0, 0.9797914534905159, 0.02020854650948407, 0.6853949285914107},
	{50.0, 0.9899489673784978, 0.010051032621502247, 1.0345474317188499},
	{100.0, 0.9949873730051688, 0.005012626994831235, 1.3823902436480708},
	{1000.0, 0.9994998748748043, 0.0005001251251957198, 2.5348140437211897},
	{1000000.0, 0.999999499999875, 5.00000125000125e-07, 5.988816620777402},
	{10000000000.0, 0.99999999995, 5.000000000125e-11, 10.593986931753056},
	{1000000000000000.0, 0.9999999999999994, 5.000000000000001e-16, 16.350449664250668},
	{1e+300, 1.0, 5e-301, 344.4688254159022},
}

// TestVonMisesBessel checks I1/I0, its complement and c0 on both sides of
// the switch from the power series to Hankel's expansion at κ = 20.
func TestVonMisesBessel(t *testing.T) {
	t.Parallel()
	var worstA, worst1mA, worstC0 float64
	for _, c := range vonMisesBesselRef {
		a, oma, c0 := distributions.VonMisesBesselForTest(c[0])
		// c0 below κ = 20 comes from κ - log 2π - tensor.LogI0(κ): LogI0's
		// 1e-14 relative is up to 1e-14·log I0(20) ≈ 2e-13 absolute.
		close(t, []float64{c[1], c[2], c[3]}, []float64{a, oma, c0}, tol64, 2e-13)
		worstA, worst1mA = max(worstA, relErr(c[1], a)), max(worst1mA, relErr(c[2], oma))
		worstC0 = max(worstC0, relErr(c[3], c0))
	}
	t.Logf("max rel err vs mpmath: A %.2g, 1-A %.2g, c0 %.2g", worstA, worst1mA, worstC0)
	t.Run("special values", func(t *testing.T) {
		a, oma, c0 := distributions.VonMisesBesselForTest(math.Inf(1))
		assert.Equal(t, []float64{1, 0, math.Inf(1)}, []float64{a, oma, c0})
		a, oma, c0 = distributions.VonMisesBesselForTest(math.NaN())
		assert.True(t, math.IsNaN(a) && math.IsNaN(oma) && math.IsNaN(c0))
		// κ < 0 (unvalidated): I0 even, I1 odd.
		a, oma, c0 = distributions.VonMisesBesselForTest(-2.0599)
		close(t, []float64{-0.7073701470040866, 1.7073701470040866, -2.0599 - 2.0599 - 0.6440570855485254}, []float64{a, oma, c0}, tol64, 0)
	})
}

// vonMisesLogProbRef: μ, κ, x, log p, ∂/∂μ, ∂/∂κ (mpmath). x - μ is exact
// in binary for every row.
var vonMisesLogProbRef = [][6]float64{
	{0.0, 1.0, 0.0, -1.0737914249165241, 0.0, 0.5536100341034655},
	{0.0, 1.0, 1.0, -1.5334891190483844, 0.8414709848078965, 0.09391233997160521},
	{0.0, 1.0, 3.0, -3.0637839215169698, 0.1411200080598672, -1.4363824624969799},
	{0.5, 2.0599, -2.5, -4.743242629295783, -0.29069310460252046, -1.6973626436045322},
	{0.0, 1e-300, 1.0, -1.8378770664093456, 8.414709848078965e-301, 0.5403023058681398},
	{0.0, 1e-08, 2.0, -1.8378770705708138, 9.092974268256817e-09, -0.4161468415471424},
	{0.0, 19.99, 0.25, -0.04918154379442832, 4.945605145497913, -0.0057452409078534135},
	{0.0, 20.0, 0.25, -0.04923906044072409, 4.948079185090458, -0.005758086179162342},
	{0.0, 20.01, -0.25, -0.049296705474601916, -4.950553224683004, -0.005770918427569199},
	{1.0, 100.0, 1.0, 1.3823902436480708, 0.0, 0.005012626994831235},
	{1.0, 100.0, 1.125, 0.6021569665809761, 12.467473338522769, -0.0027897057758397123},
	{0.0, 10000.0, 0.01, 3.1862233188111313, 99.99833334166665, 1.66679029731349e-09},
	{0.0, 10000.0, 3.0, -19896.238746852297, 1411.2000805986722, -1.9899424953503204},
	{0.0, 1e8, 0.0, 8.29140183752151, 0.0, 5.0000000125e-09},
	{0.0, 1e8, 0.0001, 7.791401837938176, 9999.999983333333, 1.666666631106042e-17},
	{0.0, 1e8, -0.0003, 3.7914018712715105, -29999.99955, -3.999999964999999e-08},
	{0.0, 1e15, 1e-08, 16.30044966425067, 10000000.0, 4.500000000000001e-16},
	{0.0, 1e15, 0.0, 16.350449664250668, 0.0, 5.000000000000001e-16},
	{0.0, 5.0, 100.0, -0.8309644807934592, -2.531828205548794, -0.031064264756401287},
	{0.0, 5.0, -1000000.0, -0.458798204566155, 1.7499675108564647, 0.04336899048905957},
	{0.0, 1e+300, 0.0, 344.4688254159022, 0.0, 5e-301},
	{0.0, 1e+300, 1e-160, 344.4688254159022, 1e+140, 5e-301},
}

func TestVonMisesLogProb(t *testing.T) {
	t.Parallel()
	t.Run("mpmath table, with partials", func(t *testing.T) {
		t.Parallel()
		var worstLP, worstMu, worstK float64
		for _, c := range vonMisesLogProbRef {
			mu, k, x := c[0], c[1], c[2]
			d := must(distributions.NewVonMises(s64(mu), s64(k)))
			lp := must(d.LogProb(s64(x)))
			// Where log p is small against κ (κ = 19.99, x = 0.25: -0.049 from
			// c0 = 0.572 and 2κs² = 0.621; κ = 1e4, x = 3) the result keeps the
			// terms' absolute error, an ulp or two of κ.
			close(t, []float64{c[3]}, data64(t, lp), tol64, 2e-16*(k+1))
			g := must(d.LogProbGrad(s64(x)))
			gm, gk := data64(t, g.Params["loc"])[0], data64(t, g.Params["concentration"])[0]
			// ∂/∂μ = κ·sin(x-μ); ∂/∂κ = (1-A) - 2sin²((x-μ)/2), its two terms
			// rounded to an ulp of 1 at most.
			close(t, []float64{c[4], -c[4], c[5]}, []float64{gm, data64(t, g.Value)[0], gk}, 1e-14, 2e-16)
			worstLP = max(worstLP, relErr(c[3], data64(t, lp)[0]))
			worstMu, worstK = max(worstMu, maxRelErr(c[4:5], []float64{gm}, 1)), max(worstK, maxRelErr(c[5:6], []float64{gk}, 1))
		}
		t.Logf("max err vs mpmath: log p %.2g relative, ∂/∂μ and ∂/∂κ %.2g and %.2g relative floored at 1", worstLP, worstMu, worstK)
	})
	t.Run("periodic in x", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewVonMises(s64(2), s64(3)))
		lp := data64(t, must(d.LogProb(f64(2+8*math.Pi, 2))))
		close(t, []float64{-0.4231846882227664, -0.4231846882227664}, lp, 1e-14, 0) // mpmath at the float 2+8π
	})
	t.Run("broadcast vs the formula", func(t *testing.T) {
		t.Parallel()
		for _, c := range []struct {
			loc, conc, x *tensor.Dense
			out          []int
		}{
			{s64(0.5), s64(2), f64(-3, -1, 0, 0.5, 2, 3.1), []int{6}},
			{sh(f64(-1, 0, 2.5), 3, 1), f64(0.1, 1, 4, 15), sh(f64(seq(-3, 3, 8)...), 2, 1, 4), []int{2, 3, 4}},
			{f64(-3, 3), sh(f64(0.5, 7), 2, 1), sh(f64(seq(-6, 6, 6)...), 3, 1, 2), []int{3, 2, 2}},
		} {
			d := must(distributions.NewVonMises(c.loc, c.conc))
			require.Equal(t, c.out[len(c.out)-len(d.BatchShape()):], d.BatchShape())
			lp := must(d.LogProb(c.x))
			require.Equal(t, c.out, shapeOf(lp))
			xs, ms, ks := bcast(data64(t, c.x), shapeOf(c.x), c.out), bcast(data64(t, c.loc), shapeOf(c.loc), c.out), bcast(data64(t, c.conc), shapeOf(c.conc), c.out)
			want := make([]float64, len(xs))
			for i := range want {
				want[i] = vonMisesRefLogProb(xs[i], ms[i], ks[i])
			}
			close(t, want, data64(t, lp), 1e-14, 1e-15)
		}
	})
	t.Run("LogProbInto", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewVonMises(sh(f64(-1, 0, 2.5), 3, 1), f64(0.1, 1, 4, 30)))
		x := sh(f64(seq(-3, 3, 8)...), 2, 1, 4)
		lp := must(d.LogProb(x))
		dst := must(tensor.Zeros[float64](2, 3, 4))
		require.NoError(t, d.LogProbInto(dst, x))
		assert.Equal(t, data64(t, lp), data64(t, dst))
		require.ErrorIs(t, d.LogProbInto(must(tensor.Zeros[float64](3, 4)), x), distributions.ErrShape)
	})
	t.Run("infinite concentration, unvalidated: a point mass", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewVonMises(s64(1), s64(math.Inf(1)), distributions.WithValidation(false)))
		lp := data64(t, must(d.LogProb(f64(1, 1.5))))
		assert.Equal(t, []float64{math.Inf(1), math.Inf(-1)}, lp)
	})
}

func TestVonMisesErrors(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	tests := []struct {
		name         string
		loc, conc, x *tensor.Dense // x nil: the constructor must fail
		wantErr      error
		wantName     string
		wantIndex    []int
		wantMsg      []string
	}{
		{name: "concentration 0", loc: s64(0), conc: f64(1, 0), wantErr: distributions.ErrParam,
			wantName: "concentration", wantIndex: []int{1}, wantMsg: []string{"von_mises", "concentration", "> 0", "[1]"}},
		{name: "concentration -1 at (1, 0)", loc: s64(0), conc: sh(f64(1, 2, -1, 3), 2, 2), wantErr: distributions.ErrParam,
			wantName: "concentration", wantIndex: []int{1, 0}, wantMsg: []string{"-1", "[1 0]"}},
		{name: "concentration NaN", loc: s64(0), conc: f64(nan), wantErr: distributions.ErrParam, wantName: "concentration", wantIndex: []int{0}},
		{name: "loc NaN", loc: f64(0, nan), conc: s64(1), wantErr: distributions.ErrParam, wantName: "loc", wantIndex: []int{1}},
		{name: "shapes (3) and (2)", loc: f64(0, 1, 2), conc: f64(1, 2), wantErr: distributions.ErrShape, wantMsg: []string{"von_mises", "loc and concentration"}},
		{name: "mixed dtypes", loc: f32(0), conc: f64(1), wantErr: distributions.ErrDType},
		{name: "nil concentration", loc: s64(0), conc: nil, wantErr: distributions.ErrParam, wantMsg: []string{"concentration"}},
		{name: "NaN value", loc: s64(0), conc: s64(1), x: f64(0, nan), wantErr: distributions.ErrSupport,
			wantName: "value", wantIndex: []int{1}},
		{name: "value (4) vs batch (2, 3)", loc: sh(f64(0, 1), 2, 1), conc: f64(1, 2, 3), x: f64(0, 0, 0, 0), wantErr: distributions.ErrShape},
		{name: "float32 value", loc: s64(0), conc: s64(1), x: f32(0), wantErr: distributions.ErrDType},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := distributions.NewVonMises(tc.loc, tc.conc)
			if tc.x == nil {
				require.Nil(t, d)
			} else {
				require.NoError(t, err)
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
				assert.Equal(t, "von_mises", ce.Family)
				assert.Equal(t, tc.wantName, ce.Name)
				assert.Equal(t, tc.wantIndex, ce.Index)
			}
			for _, s := range tc.wantMsg {
				assert.Contains(t, err.Error(), s)
			}
		})
	}
	t.Run("unvalidated, bad parameters are scored", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewVonMises(f64(0, 0, nan), f64(0, -1, 1), distributions.WithValidation(false)))
		lp := data64(t, must(d.LogProb(s64(1))))
		// κ = 0 is the uniform law; κ = -1 is the formula with I0 even.
		close(t, []float64{-vonMisesLog2Pi, vonMisesRefLogProb(1, 0, -1), nan}, lp, 1e-15, 0)
		_, err := d.LogProbGrad(s64(1))
		require.NoError(t, err)
	})
}

func TestVonMisesMoments(t *testing.T) {
	t.Parallel()
	loc := sh(f64(-1, 0.5), 2, 1)
	conc := f64(1e-10, 1, 20, 1e6)
	d := must(distributions.NewVonMises(loc, conc))
	batch := []int{2, 4}
	require.Equal(t, batch, d.BatchShape())
	locB := bcast(data64(t, loc), []int{2, 1}, batch)
	oneMinusA := []float64{0.99999999995, 0.5536100341034655, 0.025329492110192874, 5.00000125000125e-07} // mpmath
	variance := bcast(oneMinusA, []int{4}, batch)
	std := make([]float64, len(variance))
	for i, v := range variance {
		std[i] = math.Sqrt(v)
	}
	for name, c := range map[string]struct {
		got  *tensor.Dense
		want []float64
	}{
		"mean": {must(d.Mean()), locB}, "mode": {must(d.Mode()), locB},
		"variance": {must(d.Variance()), variance}, "stddev": {must(d.StdDev()), std},
	} {
		require.Equal(t, batch, shapeOf(c.got), name)
		close(t, c.want, data64(t, c.got), tol64, 0)
	}
	assert.Same(t, loc, d.Loc())
	assert.Same(t, conc, d.Concentration())
}

// vonMisesGradCases: shapes of x, loc and concentration, and log_prob's.
var vonMisesGradCases = []struct {
	name                string
	xShape, lShape, kSh []int
	out                 []int
}{
	{"loc (3,1), κ (4), x (2,3,4)", []int{2, 3, 4}, []int{3, 1}, []int{4}, []int{2, 3, 4}},
	{"loc (4), κ (3,1), x (2,1,1)", []int{2, 1, 1}, []int{4}, []int{3, 1}, []int{2, 3, 4}},
	{"all scalar", []int{}, []int{}, []int{}, []int{}},
}

// TestVonMisesLogProbGrad compares LogProbGrad and LogProbVJP with central
// differences of the formula; κ is drawn on both sides of κ = 20, where
// the kernel changes method.
func TestVonMisesLogProbGrad(t *testing.T) {
	t.Parallel()
	for ci, c := range vonMisesGradCases {
		for _, vjp := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/vjp=%v", c.name, vjp), func(t *testing.T) {
				t.Parallel()
				r := rand.New(rand.NewPCG(uint64(ci), 11))
				fill := func(shp []int, lo, hi float64) []float64 {
					v := make([]float64, sizeOf(shp))
					for i := range v {
						v[i] = lo + (hi-lo)*r.Float64()
					}
					return v
				}
				x, loc, k := fill(c.xShape, -4, 4), fill(c.lShape, -1, 1), fill(c.kSh, 0.2, 40)
				var w []float64
				if vjp {
					w = fill(c.out, -2, 2)
				}
				ref := func(x, loc, k []float64) float64 {
					xs, ms, ks := bcast(x, c.xShape, c.out), bcast(loc, c.lShape, c.out), bcast(k, c.kSh, c.out)
					s := 0.0
					for i := range xs {
						lp := vonMisesRefLogProb(xs[i], ms[i], ks[i])
						if w != nil {
							lp *= w[i]
						}
						s += lp
					}
					return s
				}
				d := must(distributions.NewVonMises(must(tensor.New(loc, c.lShape...)), must(tensor.New(k, c.kSh...))))
				xt := must(tensor.New(x, c.xShape...))
				var g *distributions.Gradient
				if vjp {
					g = must(d.LogProbVJP(xt, must(tensor.New(w, c.out...))))
				} else {
					g = must(d.LogProbGrad(xt))
				}
				close(t, []float64{ref(x, loc, k)}, []float64{g.LogProb}, 1e-13, 1e-13)
				wantX := centralDiff(func(v []float64) float64 { return ref(v, loc, k) }, x, 1e-5)
				wantL := centralDiff(func(v []float64) float64 { return ref(x, v, k) }, loc, 1e-5)
				wantK := centralDiff(func(v []float64) float64 { return ref(x, loc, v) }, k, 1e-5)
				gotX, gotL, gotK := data64(t, g.Value), data64(t, g.Params["loc"]), data64(t, g.Params["concentration"])
				close(t, wantX, gotX, gradTol, gradTol)
				close(t, wantL, gotL, gradTol, gradTol)
				close(t, wantK, gotK, gradTol, gradTol)
				t.Logf("max rel err vs central differences: x %.2g, loc %.2g, concentration %.2g",
					maxRelErr(wantX, gotX, 1), maxRelErr(wantL, gotL, 1), maxRelErr(wantK, gotK, 1))
			})
		}
	}
}

// TestVonMisesFloat32: kernels compute in float64 and round once.
func TestVonMisesFloat32(t *testing.T) {
	t.Parallel()
	loc32, conc32 := sh(f32(-1, 0, 2.5), 3, 1), f32(0.5, 2, 25, 300)
	x32 := sh(to32(f64(seq(-3, 3, 24)...)), 2, 3, 4)
	d32 := must(distributions.NewVonMises(loc32, conc32))
	d64 := must(distributions.NewVonMises(to64(loc32), to64(conc32)))
	a, b := must(d32.LogProb(x32)), must(d64.LogProb(to64(x32)))
	require.Equal(t, tensor.Float32, a.Dtype())
	// log p crosses 0 here: 1e-6 relative or 1e-6 of the terms' size (κ ≤ 300).
	close(t, data64(t, b), data64(t, a), tol32, 3e-4)
	for name, m := range map[string]func(*distributions.VonMises) (*tensor.Dense, error){
		"mean": (*distributions.VonMises).Mean, "mode": (*distributions.VonMises).Mode,
		"variance": (*distributions.VonMises).Variance, "stddev": (*distributions.VonMises).StdDev,
	} {
		m32, m64 := must(m(d32)), must(m(d64))
		require.Equal(t, tensor.Float32, m32.Dtype(), name)
		close(t, data64(t, m64), data64(t, m32), tol32, 0)
	}
	g32, g64 := must(d32.LogProbGrad(x32)), must(d64.LogProbGrad(to64(x32)))
	close(t, []float64{g64.LogProb}, []float64{g32.LogProb}, tol32, 0)
	close(t, data64(t, g64.Value), data64(t, g32.Value), tol32, 1e-4)
	for _, p := range []string{"loc", "concentration"} {
		close(t, data64(t, g64.Params[p]), data64(t, g32.Params[p]), tol32, 0)
	}
}

// vonMisesCDF returns the CDF on [-π, π) of VonMises(μ, κ), by numerical
// integration of the density (torch 1.13 has no cdf): Gauss–Legendre with
// 10 nodes on each of 4096 panels, accurate to ~1e-14 for κ ≤ 1e3 (panels
// of 1.5e-3 against a width 1/√κ ≥ 0.03), normalised by the integral over
// the circle, so that no Bessel function is involved.
func vonMisesCDF(mu, k float64) func(x float64) float64 {
	const panels, nodes = 4096, 10
	xs, ws := make([]float64, nodes), make([]float64, nodes)
	quad.Legendre{}.FixedLocations(xs, ws, 0, 1)
	f := func(t float64) float64 { return math.Exp(k * (math.Cos(t-mu) - 1)) }
	gl := func(a, b float64) float64 {
		s := 0.0
		for i := range xs {
			s += ws[i] * f(a+(b-a)*xs[i])
		}
		return s * (b - a)
	}
	h := 2 * math.Pi / panels
	cum := make([]float64, panels+1) // ∫ from -π to the start of panel i
	for i := range panels {
		a := -math.Pi + float64(i)*h
		cum[i+1] = cum[i] + gl(a, a+h)
	}
	total := cum[panels]
	return func(x float64) float64 {
		i := min(max(int((x+math.Pi)/h), 0), panels-1)
		a := -math.Pi + float64(i)*h
		return (cum[i] + gl(a, x)) / total
	}
}

// ksVonMises returns the KS p-value of column j of a sample of shape (n,
// batch...) against VonMises(μ, κ) on [-π, π); it fails t on a draw
// outside [-π, π).
func ksVonMises(t testing.TB, data []float64, j, stride int, mu, k float64) float64 {
	t.Helper()
	n := len(data) / stride
	col := make([]float64, n)
	for i := range col {
		col[i] = data[i*stride+j]
		if !(col[i] >= -math.Pi && col[i] < math.Pi) { // not require.True: t.Helper per draw is slow
			t.Fatalf("draw %v", col[i])
		}
	}
	return ksPValue(ksStatistic(col, vonMisesCDF(mu, k)), n)
}

func TestVonMisesSampleKS(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		loc, conc *tensor.Dense
		seed      uint64
	}{
		{"κ 1e-6 (uniform proposal)", s64(0.7), s64(1e-6), 1},
		{"κ 0.5", s64(0.3), s64(0.5), 2},
		{"κ 2, loc 3: wraps across π", s64(3), s64(2), 3},
		{"batch (2,2)", sh(f64(-1, 2), 2, 1), f64(20, 1e3), 4},
		{"float32", s32(-2.5), s32(4), 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := must(distributions.NewVonMises(tc.loc, tc.conc))
			x := must(d.Sample(rand.NewPCG(tc.seed, 0x7e), nDraws))
			batch := d.BatchShape()
			require.Equal(t, append([]int{nDraws}, batch...), shapeOf(x))
			require.Equal(t, tc.loc.Dtype(), x.Dtype())
			mus, ks := bcast(data64(t, tc.loc), shapeOf(tc.loc), batch), bcast(data64(t, tc.conc), shapeOf(tc.conc), batch)
			data := data64(t, x)
			for j := range mus {
				p := ksVonMises(t, data, j, len(mus), mus[j], ks[j])
				t.Logf("VonMises(%g, %g): KS p = %.3g", mus[j], ks[j], p)
				assert.GreaterOrEqual(t, p, pCritical, "VonMises(%g, %g)", mus[j], ks[j])
			}
		})
	}
	t.Run("power", func(t *testing.T) {
		// The test rejects a slightly wrong sampler: VonMises(3, 2) draws
		// tested as VonMises(3, 2.1) or VonMises(3.02, 2).
		t.Parallel()
		d := must(distributions.NewVonMises(s64(3), s64(2)))
		data := data64(t, must(d.Sample(rand.NewPCG(3, 0x7e), nDraws)))
		for _, alt := range [][2]float64{{3, 2.1}, {3.02, 2}} {
			p := ksVonMises(t, slices.Clone(data), 0, 1, alt[0], alt[1])
			t.Logf("VonMises(3, 2) draws as VonMises(%g, %g): KS p = %.3g", alt[0], alt[1], p)
			assert.Less(t, p, pCritical)
		}
	})
}

// TestVonMisesSampleExtremes runs the sampler at concentrations where
// torch 1.13's float32 loop hangs or loses precision (pytorch#88443): each
// call must return, and the draws follow the law's limit.
func TestVonMisesSampleExtremes(t *testing.T) {
	t.Parallel()
	const n = 20_000
	r := rand.New(rand.NewPCG(9, 9))
	t.Run("tiny κ: uniform on the circle", func(t *testing.T) {
		for _, k := range []float64{0, 5e-324, 1e-300, 9.99e-6, 1e-5} {
			th := distributions.VonMisesDrawForTest(r, k, n)
			p := ksPValue(ksStatistic(th, func(x float64) float64 { return (x + math.Pi) / (2 * math.Pi) }), n)
			assert.GreaterOrEqual(t, p, pCritical, "κ = %g", k)
		}
	})
	t.Run("huge κ: √κ·θ ~ N(0, 1)", func(t *testing.T) {
		// Best–Fisher up to 1e16, the normal limit above; the normal law is
		// exact to O(1/κ).
		for _, k := range []float64{1e6, 1e12, 1e16, 1.1e16, 1e300} {
			th := distributions.VonMisesDrawForTest(r, k, n)
			for i := range th {
				th[i] *= math.Sqrt(k)
			}
			p := ksPValue(ksStatistic(th, distuv.UnitNormal.CDF), n)
			assert.GreaterOrEqual(t, p, pCritical, "κ = %g", k)
		}
	})
	t.Run("infinite κ and unvalidated parameters", func(t *testing.T) {
		for _, th := range distributions.VonMisesDrawForTest(r, math.Inf(1), 10) {
			assert.Equal(t, 0.0, math.Abs(th))
		}
		for _, k := range []float64{-1, math.NaN()} {
			for _, th := range distributions.VonMisesDrawForTest(r, k, 10) {
				assert.True(t, math.IsNaN(th), "κ = %g", k)
			}
		}
		d := must(distributions.NewVonMises(f64(1, math.NaN(), math.Inf(1)), f64(math.Inf(1), 1, 1), distributions.WithValidation(false)))
		x := data64(t, must(d.Sample(rand.NewPCG(1, 1))))
		assert.Equal(t, 1.0, x[0], "κ = ∞: the point mass at μ")
		assert.True(t, math.IsNaN(x[1]) && math.IsNaN(x[2]))
	})
}

// TestVonMisesSampleDtypes: float32 draws are the float64 draws of the same
// stream rounded once (the sampler runs in float64), and stay in [-π, π)
// although float32(π) > π.
func TestVonMisesSampleDtypes(t *testing.T) {
	t.Parallel()
	loc, conc := to64(f32(3.14159, -3.14159, 0)), to64(f32(50, 50, 1e-3)) // float32 values
	d64 := must(distributions.NewVonMises(loc, conc))
	d32 := must(distributions.NewVonMises(to32(loc), to32(conc)))
	a := data64(t, must(d64.Sample(rand.NewPCG(4, 4), 20_000)))
	b := data64(t, must(d32.Sample(rand.NewPCG(4, 4), 20_000)))
	lo32, hi32 := float64(math.Nextafter32(-math.Pi, 0)), float64(math.Nextafter32(math.Pi, 0))
	for i := range a {
		want := float64(float32(a[i]))
		want = min(max(want, lo32), hi32) // the float32 clamp into [-π, π)
		if b[i] != want || !(b[i] >= -math.Pi && b[i] < math.Pi) {
			t.Fatalf("float32 draw %d: got %v, want %v", i, b[i], want)
		}
	}
}

func TestVonMisesSampleShapesAndSeeds(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewVonMises(sh(f64(0, 1, 2), 3, 1), f64(1, 2)))
	for _, c := range []struct{ sample, want []int }{
		{nil, []int{3, 2}}, {[]int{4}, []int{4, 3, 2}}, {[]int{2, 0}, []int{2, 0, 3, 2}},
	} {
		assert.Equal(t, c.want, shapeOf(must(d.Sample(rand.NewPCG(1, 2), c.sample...))))
	}
	_, err := d.Sample(nil)
	require.ErrorIs(t, err, distributions.ErrNilSource)
	_, err = d.Sample(rand.NewPCG(1, 2), -1)
	require.ErrorIs(t, err, distributions.ErrShape)
	a := data64(t, must(d.Sample(rand.NewPCG(1, 2), 100)))
	b := data64(t, must(d.Sample(rand.NewPCG(1, 2), 100)))
	c := data64(t, must(d.Sample(rand.NewPCG(2, 2), 100)))
	assert.Equal(t, a, b, "same seed, same draws")
	assert.NotEqual(t, a, c)
	assert.Equal(t, len(a), len(distinct(a)))
}

// TestVonMisesSampleGOMAXPROCS requires the same bits from one and from two
// goroutines above tensor.ParallelMin; it switches GOMAXPROCS, so it is not
// parallel.
func TestVonMisesSampleGOMAXPROCS(t *testing.T) {
	const n = 1_000_000
	require.Greater(t, n, tensor.ParallelMin)
	d := must(distributions.NewVonMises(f64(-1, 2), f64(0.5, 30)))
	draw := func(procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		return data64(t, must(d.Sample(rand.NewPCG(42, 43), n/2)))
	}
	one, two := draw(1), draw(2)
	require.Len(t, one, n)
	assert.True(t, slices.Equal(one, two), "draws depend on GOMAXPROCS")
}

func TestVonMisesExpand(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewVonMises(sh(f64(0, 1), 2, 1), s64(3)))
	e, err := d.Expand([]int{4, 2, 3})
	require.NoError(t, err)
	require.IsType(t, &distributions.VonMises{}, e)
	assert.Equal(t, []int{4, 2, 3}, e.BatchShape())
	x := sh(f64(seq(-3, 3, 3)...), 1, 1, 3)
	lp := must(e.LogProb(x))
	require.Equal(t, []int{4, 2, 3}, shapeOf(lp))
	base := data64(t, must(d.LogProb(x))) // (1, 2, 3)
	close(t, bcast(base, []int{1, 2, 3}, []int{4, 2, 3}), data64(t, lp), 0, 0)
	_, err = d.Expand([]int{3, 3})
	require.ErrorIs(t, err, distributions.ErrShape)
}

func FuzzVonMises(f *testing.F) {
	for _, c := range [][3]float64{
		{0, 1, 0}, {0, 0, 1}, {0, -1, 1}, {math.NaN(), 1, 0}, {0, 1, math.NaN()}, {0, math.NaN(), 0},
		{1e300, 1e-300, 1}, {0, 1e300, 1e-200}, {0, math.Inf(1), 0}, {math.Inf(1), 1, 0},
		{0, 5e-324, 3}, {3, 19.999999, -3}, {0, 1e16, 1e-8}, {0, 2, 1e20},
	} {
		f.Add(c[0], c[1], c[2])
	}
	f.Fuzz(func(t *testing.T, loc, k, x float64) {
		d, err := distributions.NewVonMises(f64(loc), f64(k))
		if !(k > 0) || math.IsNaN(loc) {
			require.ErrorIs(t, err, distributions.ErrParam)
			var ce *distributions.ConstraintError
			require.ErrorAs(t, err, &ce)
			u := must(distributions.NewVonMises(f64(loc), f64(k), distributions.WithValidation(false)))
			_, err = u.LogProb(f64(x))
			require.NoError(t, err)
			_, err = u.LogProbGrad(f64(x))
			require.NoError(t, err)
			_, err = u.Sample(rand.NewPCG(1, 2), 3) // never hangs
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
		close(t, []float64{got}, []float64{g.LogProb}, 0, 0)
		s := data64(t, must(d.Sample(rand.NewPCG(1, 2), 3)))
		for _, v := range s {
			if !math.IsInf(loc, 0) {
				require.True(t, v >= -math.Pi && v < math.Pi, "draw %v", v)
			}
		}
		if math.IsInf(loc, 0) || math.IsInf(x, 0) || math.IsInf(k, 0) || math.Abs(x-loc) > 1e6 {
			return
		}
		require.False(t, math.IsNaN(got), "log p(%v | %v, %v) is NaN", x, loc, k)
		if k < 1e6 {
			// the formula's terms are each about κ and exact to ~1e-16·κ
			close(t, []float64{vonMisesRefLogProb(x, loc, k)}, []float64{got}, 1e-13, 1e-14*(k+1))
			dmu := k * math.Sin(x-loc)
			close(t, []float64{dmu, -dmu}, []float64{data64(t, g.Params["loc"])[0], data64(t, g.Value)[0]}, 1e-12, 1e-14*(k+1))
		}
		gk := data64(t, g.Params["concentration"])[0]
		require.True(t, gk >= -2-1e-12 && gk <= 1+1e-12, "∂/∂κ = cos(x-μ) - A in [-2, 1], got %v", gk)
	})
}

func ExampleVonMises_LogProb() {
	d, err := distributions.NewVonMises(tensor.Scalar(0.0), tensor.Vector(1.0, 1e8))
	if err != nil {
		log.Fatal(err)
	}
	lp, err := d.LogProb(tensor.Scalar(1e-4))
	if err != nil {
		log.Fatal(err)
	}
	v, err := d.Variance()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%.10f\n", lp.Float64s())
	fmt.Printf("%.6g\n", v.Float64s())
	// Output:
	// [-1.0737914299 7.7914018379]
	// [0.55361 5e-09]
}
