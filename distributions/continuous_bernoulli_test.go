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

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Reference values marked "mpmath" were computed with mpmath at 60 digits
// from the exact binary value of each float64 input, as ℓx + log(ℓ/expm1 ℓ)
// (log p), 1/(1-e^-ℓ) - 1/ℓ (mean), ¼(4/ℓ² - 1/sinh²(ℓ/2)) (variance),
// log(sinh h/h) - h(coth h - 1/h) with h = ℓ/2 (entropy), expm1(ℓx)/expm1(ℓ)
// (CDF) and log1p(u·expm1 ℓ)/ℓ (ICDF), with ℓ = log(p/(1-p)) for probs;
// then rounded once. gonum has no continuous Bernoulli.

var (
	_ distributions.Distribution  = (*distributions.ContinuousBernoulli)(nil)
	_ distributions.RSampler      = (*distributions.ContinuousBernoulli)(nil)
	_ distributions.LogProbGrader = (*distributions.ContinuousBernoulli)(nil)
	_ distributions.LogProbIntoer = (*distributions.ContinuousBernoulli)(nil)
	_ distributions.CDFer         = (*distributions.ContinuousBernoulli)(nil)
	_ distributions.ICDFer        = (*distributions.ContinuousBernoulli)(nil)
	_ distributions.Meaner        = (*distributions.ContinuousBernoulli)(nil)
	_ distributions.Variancer     = (*distributions.ContinuousBernoulli)(nil)
	_ distributions.StdDever      = (*distributions.ContinuousBernoulli)(nil)
	_ distributions.Entropier     = (*distributions.ContinuousBernoulli)(nil)
)

// continuousBernoulliLogits and continuousBernoulliProbs are the
// parameters of the mpmath tables below: every branch of the evaluation
// (|ℓ| ≤ 2 by series, beyond by closed forms), torch's Taylor band
// (0.499, 0.501], and extremes.
var (
	continuousBernoulliLogits = []float64{-800, -40, -5, -2.5, -2, -1, -1e-3, -1e-10, 0, 1e-10, 1, 2, 2.5, 40, 800}
	continuousBernoulliProbs  = []float64{1e-300, 1e-10, 0.1, 0.4995, 0.5, 0.5004, 0.9, 1 - 0x1p-40}
)

func TestContinuousBernoulliNoMode(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewContinuousBernoulli(s64(0.3)))
	_, ok := any(d).(distributions.Moder)
	assert.False(t, ok, "torch 1.13 has no mode for ContinuousBernoulli")
}

func TestContinuousBernoulliLogProb(t *testing.T) {
	t.Parallel()
	inf := math.Inf(1)
	tests := []struct {
		name          string
		probs, logits *tensor.Dense
		x             *tensor.Dense
		wantShape     []int
		want          []float64
	}{
		{name: "logits at x = 0", logits: f64(continuousBernoulliLogits...), x: s64(0), wantShape: []int{15},
			want: []float64{6.6846117276679273, 3.6888794541139363, 1.6161986618835889, 1.0019412156161932, // mpmath
				0.83856063842880437, 0.45867514538708189, 4.9995833333368057e-4, 4.9999999999583335e-11, 0,
				-5.0000000000416668e-11, -0.54132485461291811, -1.1614393615711956, -1.4980587843838068,
				-36.311120545886064, -793.31538827233207}},
		{name: "logits at x = 0.3", logits: f64(continuousBernoulliLogits...), x: s64(0.3), wantShape: []int{15},
			want: []float64{-233.31538827233206, -8.3111205458860632, 0.11619866188358899, 0.25194121561619327, // mpmath
				0.23856063842880439, 0.1586751453870819, 1.9995833333368057e-4, 1.9999999999583335e-11, 0,
				-2.0000000000416669e-11, -0.24132485461291812, -0.56143936157119566, -0.74805878438380678,
				-24.311120545886064, -553.31538827233208}},
		{name: "logits at x = 1", logits: f64(continuousBernoulliLogits...), x: s64(1), wantShape: []int{15},
			want: []float64{-793.31538827233207, -36.311120545886064, -3.3838013381164111, -1.4980587843838068, // mpmath
				-1.1614393615711956, -0.54132485461291811, -5.0004166666631945e-4, -5.0000000000416668e-11, 0,
				4.9999999999583335e-11, 0.45867514538708189, 0.83856063842880437, 1.0019412156161932,
				3.6888794541139363, 6.6846117276679273}},
		{name: "probs (8) vs x (3,1)", probs: f64(continuousBernoulliProbs...), x: sh(f64(0, 0.3, 1), 3, 1), wantShape: []int{3, 8},
			want: []float64{6.5378149199041569, 3.1366175383376585, 0.90497804383302776, 9.9983366656131192e-4, 0, // mpmath
				-8.0010683737654631e-4, -1.2922465335031918, -24.403520688863754,
				-200.69484344955995, -3.7711377406144782, 0.24581067063216199, 3.9983346656119141e-4, 0,
				-3.2010673497655988e-4, -0.6330791603023259, -16.085754522144684,
				-684.23771297830955, -19.889233391502798, -1.2922465335031916, -0.0010001670001057565, 0,
				7.9989350395674188e-4, 0.90497804383302786, 3.3223665335331487}},
		{name: "probs 0 and 1: point masses", probs: f64(0, 1), x: sh(f64(0, 0.5, 1), 3, 1), wantShape: []int{3, 2},
			want: []float64{inf, -inf, -inf, -inf, -inf, inf}},
		{name: "logits ∓Inf: point masses", logits: f64(-inf, inf), x: sh(f64(0, 0.5, 1), 3, 1), wantShape: []int{3, 2},
			want: []float64{inf, -inf, -inf, -inf, -inf, inf}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := continuousBernoulliNew(t, tc.probs, tc.logits)
			got, err := d.LogProb(tc.x)
			require.NoError(t, err)
			require.Equal(t, tc.wantShape, shapeOf(got))
			close(t, tc.want, data64(t, got), tol64, 0)
		})
	}
	t.Run("off the support without validation", func(t *testing.T) {
		t.Parallel()
		d := must(distributions.NewContinuousBernoulli(s64(0.3), distributions.WithValidation(false)))
		got := data64(t, must(d.LogProb(f64(-0.1, 1.5, math.Inf(1), math.NaN()))))
		close(t, []float64{-inf, -inf, -inf, math.NaN()}, got, 0, 0) // the density is 0 there
	})
}

// continuousBernoulliNew builds the probs form when probs is given, else the
// logits form.
func continuousBernoulliNew(t testing.TB, probs, logits *tensor.Dense, opts ...distributions.Option) *distributions.ContinuousBernoulli {
	t.Helper()
	if probs != nil {
		return must(distributions.NewContinuousBernoulli(probs, opts...))
	}
	return must(distributions.NewContinuousBernoulliLogits(logits, opts...))
}

func TestContinuousBernoulliErrors(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	tests := []struct {
		name          string
		probs, logits *tensor.Dense
		x             *tensor.Dense // nil: the constructor must fail
		wantErr       error
		wantName      string // the ConstraintError's Name, if one
		wantIndex     []int
	}{
		{name: "probs 1.5", probs: f64(0.5, 1.5), wantErr: distributions.ErrParam, wantName: "probs", wantIndex: []int{1}},
		{name: "probs -0.1 at (1, 0)", probs: sh(f64(0.5, 0.5, -0.1, 1), 2, 2), wantErr: distributions.ErrParam, wantName: "probs", wantIndex: []int{1, 0}},
		{name: "probs NaN", probs: s64(nan), wantErr: distributions.ErrParam, wantName: "probs", wantIndex: []int{}},
		{name: "logits NaN", logits: f64(0, 800, nan), wantErr: distributions.ErrParam, wantName: "logits", wantIndex: []int{2}},
		{name: "nil probs", probs: (*tensor.Dense)(nil), wantErr: distributions.ErrParam},
		{name: "int64 probs", probs: tensor.Vector[int64](0, 1), wantErr: distributions.ErrDType},
		{name: "value 1.5", probs: s64(0.3), x: f64(0, 1.5), wantErr: distributions.ErrSupport, wantName: "value", wantIndex: []int{1}},
		{name: "value -1e-300, logits", logits: s64(0.3), x: f64(1, 0, -1e-300), wantErr: distributions.ErrSupport, wantName: "value", wantIndex: []int{2}},
		{name: "value NaN", probs: s64(0.3), x: f64(nan), wantErr: distributions.ErrSupport, wantName: "value", wantIndex: []int{0}},
		{name: "value (5) vs batch (3,4)", probs: must(tensor.Full(0.5, 3, 4)), x: f64(0, 1, 0, 1, 0), wantErr: distributions.ErrShape},
		{name: "float64 value, float32 probs", probs: f32(0.5), x: f64(1), wantErr: distributions.ErrDType},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var (
				d   *distributions.ContinuousBernoulli
				err error
			)
			if tc.logits != nil {
				d, err = distributions.NewContinuousBernoulliLogits(tc.logits)
			} else {
				d, err = distributions.NewContinuousBernoulli(tc.probs)
			}
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
			assert.Contains(t, err.Error(), "continuous_bernoulli")
			if tc.wantName != "" {
				var ce *distributions.ConstraintError
				require.ErrorAs(t, err, &ce)
				assert.Equal(t, "continuous_bernoulli", ce.Family)
				assert.Equal(t, tc.wantName, ce.Name)
				assert.Equal(t, tc.wantIndex, ce.Index)
			}
		})
	}
	t.Run("spec", func(t *testing.T) {
		t.Parallel()
		for spec, want := range map[string]error{
			`{"family": "ContinuousBernoulli", "params": {"probs": 0.3, "logits": 0}}`: distributions.ErrParam,
			`{"family": "ContinuousBernoulli", "params": {}}`:                          distributions.ErrParam,
			`{"family": "ContinuousBernoulli", "params": {"probs": 1.5}}`:              distributions.ErrParam,
			`{"family": "ContinuousBernoulli", "params": {"probs": 0.3, "lims": 0.4}}`: distributions.ErrUnsupported,
		} {
			_, err := distributions.Build([]byte(spec))
			require.ErrorIs(t, err, want, spec)
		}
		d, err := distributions.Build([]byte(`{"family": "ContinuousBernoulli", "params": {"logits": {"shape": [2], "data": [0, 1]}}}`))
		require.NoError(t, err)
		assert.Equal(t, []int{2}, d.BatchShape())
	})
}

func TestContinuousBernoulliMoments(t *testing.T) {
	t.Parallel()
	dl := must(distributions.NewContinuousBernoulliLogits(f64(continuousBernoulliLogits...)))
	dp := must(distributions.NewContinuousBernoulli(f64(continuousBernoulliProbs...)))
	lMean := []float64{0.00125, 0.024999999999999996, 0.19321634509369577, 0.31057451016614799, // mpmath
		0.34348235725033435, 0.41802329313067358, 0.49991666666805556, 0.49999999999166667, 0.5,
		0.50000000000833333, 0.58197670686932642, 0.65651764274966565, 0.68942548983385201, 0.975, 0.99875}
	lVar := []float64{1.5625e-6, 6.2499999999999575e-4, 0.033170327119807943, 0.062577591934123617, // mpmath
		0.068984584758422383, 0.079326405792207681, 0.083333329166666832, 0.083333333333333333,
		0.083333333333333333, 0.083333333333333333, 0.079326405792207681, 0.068984584758422383,
		0.062577591934123617, 6.2499999999999575e-4, 1.5625e-6}
	lEnt := []float64{-5.6846117276679273, -2.6888794541139365, -0.65011693641511009, -0.22550494020082328, // mpmath
		-0.15159592392813567, -0.040651852256408315, -4.1666665625000029e-8, -4.166666666666667e-22, 0,
		-4.166666666666667e-22, -0.040651852256408315, -0.15159592392813567, -0.22550494020082328,
		-2.6888794541139365, -5.6846117276679273}
	pMean := []float64{0.0014476482730108394, 0.043429448090513795, 0.3301196133134187, 0.49983333328888887, // mpmath
		0.5, 0.50013333335608888, 0.66988038668658132, 0.96393262397868423}
	pVar := []float64{2.0956855223512659e-6, 0.0018861168701325219, 0.066508862422555762, 0.083333316666658201, // mpmath
		0.083333333333333333, 0.083333322666663199, 0.066508862422555758, 0.0013008556122190955}
	pEnt := []float64{-5.5378149199041569, -2.1366175406402436, -0.17963111600005519, -1.6666676111117613e-7, // mpmath
		0, -1.0666670535110458e-7, -0.17963111600005524, -2.3223665335583652}
	sqrt := func(v []float64) []float64 {
		out := make([]float64, len(v))
		for i, x := range v {
			out[i] = math.Sqrt(x)
		}
		return out
	}
	tests := []struct {
		name string
		got  *tensor.Dense
		want []float64
	}{
		{"logits/mean", must(dl.Mean()), lMean},
		{"logits/variance", must(dl.Variance()), lVar},
		{"logits/stddev", must(dl.StdDev()), sqrt(lVar)},
		{"logits/entropy", must(dl.Entropy()), lEnt},
		{"probs/mean", must(dp.Mean()), pMean},
		{"probs/variance", must(dp.Variance()), pVar},
		{"probs/stddev", must(dp.StdDev()), sqrt(pVar)},
		{"probs/entropy", must(dp.Entropy()), pEnt},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, []int{len(tc.want)}, shapeOf(tc.got))
			close(t, tc.want, data64(t, tc.got), tol64, 0)
		})
	}
	t.Run("point masses", func(t *testing.T) {
		inf := math.Inf(1)
		for _, d := range []*distributions.ContinuousBernoulli{
			must(distributions.NewContinuousBernoulli(f64(0, 1))),
			must(distributions.NewContinuousBernoulliLogits(f64(-inf, inf))),
		} {
			close(t, []float64{0, 1}, data64(t, must(d.Mean())), 0, 0)
			close(t, []float64{0, 0}, data64(t, must(d.Variance())), 0, 0)
			close(t, []float64{-inf, -inf}, data64(t, must(d.Entropy())), 0, 0)
		}
	})
	t.Run("probs and logits", func(t *testing.T) {
		d := must(distributions.NewContinuousBernoulli(f64(0, 0.3, 0.5, 0.4995, 1)))
		close(t, []float64{math.Inf(-1), -0.84729786038720367, 0, -0.0020000006666670684, math.Inf(1)}, // mpmath
			data64(t, d.Logits()), tol64, 0)
		l := f64(-2, 0, 3)
		dl := must(distributions.NewContinuousBernoulliLogits(l))
		assert.Same(t, l, dl.Logits())
		close(t, []float64{0.11920292202211756, 0.5, 0.95257412682243322}, data64(t, dl.Probs()), tol64, 0) // mpmath
	})
}

// continuousBernoulliCDFRef is the textbook CDF (e^(ℓx) - 1)/(e^ℓ - 1) of
// the exponential family truncated to [0, 1], for 0 < |ℓ| < 700.
func continuousBernoulliCDFRef(x, l float64) float64 {
	switch {
	case x <= 0:
		return 0
	case x >= 1:
		return 1
	}
	return math.Expm1(l*x) / math.Expm1(l)
}

func TestContinuousBernoulliCDF(t *testing.T) {
	t.Parallel()
	logits := []float64{-800, -40, -1e-3, 0, 1e-3, 3, 40, 800}
	xs := []float64{1e-300, 1e-8, 0.25, 0.5, 0.999, 1 - 0x1p-52}
	// mpmath; one row per logit. Results below 1e-308 are subnormal or 0
	// in float64, so the comparison allows them 1e-320 absolute.
	want := []float64{
		8.0000000000000002e-298, 7.9999680000853333e-6, 1, 1, 1, 1,
		4.0000000000000001e-299, 3.9999992000001068e-7, 0.99995460007023752, 0.99999999793884638, 1, 1,
		1.000500083333332e-300, 1.0005000833283295e-8, 0.25009375781103495, 0.50012499999739583, 0.99900049941691646, 0.99999999999999978,
		1.0e-300, 1.0e-8, 0.25, 0.5, 0.999, 0.99999999999999978,
		9.9950008333333197e-301, 9.9950008333832947e-9, 0.24990625781396464, 0.49987500000260417, 0.99899950041691654, 0.99999999999999978,
		1.5718708947376786e-301, 1.5718709183157422e-9, 0.058525993851165558, 0.18242552380635634, 0.99684754395892951, 0.9999999999999993,
		1.6993417021166356e-316, 1.6993420419850214e-24, 9.3571981334146455e-14, 2.0611536181902036e-9, 0.96078943915232318, 0.99999999999999112,
		0, 0, 2.6503965530043108e-261, 1.9151695967140057e-174, 0.44932896411722127, 0.99999999999982236,
	}
	d := must(distributions.NewContinuousBernoulliLogits(sh(f64(logits...), 8, 1)))
	got, err := d.CDF(f64(xs...))
	require.NoError(t, err)
	require.Equal(t, []int{8, 6}, shapeOf(got))
	close(t, want, data64(t, got), tol64, 1e-320)

	t.Run("torch's band, exact", func(t *testing.T) {
		// golden continuous_bernoulli/probs-near-half: torch 1.13 returns x
		d := must(distributions.NewContinuousBernoulli(f64(0.5, 0.4995, 0.5004)))
		got := data64(t, must(d.CDF(f64(0.1805, 0.4827, 0.7016))))
		close(t, []float64{0.1805, 0.48294970365233325, 0.7014324960116541}, got, tol64, 0)
	})
	t.Run("ends and outside", func(t *testing.T) {
		d := must(distributions.NewContinuousBernoulli(s64(0.3), distributions.WithValidation(false)))
		got := data64(t, must(d.CDF(f64(-1, 0, 1, 2, math.NaN()))))
		close(t, []float64{0, 0, 1, 1, math.NaN()}, got, 0, 0)
	})
	t.Run("errors", func(t *testing.T) {
		d := must(distributions.NewContinuousBernoulli(f64(0.2, 0.7)))
		_, err := d.CDF(f64(0.5, 1.5))
		require.ErrorIs(t, err, distributions.ErrSupport)
		_, err = d.CDF(f64(0.1, 0.2, 0.3))
		require.ErrorIs(t, err, distributions.ErrShape)
		_, err = d.CDF(f32(0.5))
		require.ErrorIs(t, err, distributions.ErrDType)
	})
}

func TestContinuousBernoulliICDF(t *testing.T) {
	t.Parallel()
	logits := []float64{-800, -40, -1e-3, 0, 1e-3, 3, 40, 800}
	us := []float64{1e-300, 1e-10, 0.25, 0.5, 0.9, 1 - 0x1p-53}
	want := []float64{ // mpmath; one row per logit
		1.25e-303, 1.2500000000625e-13, 3.5960259056472616e-4, 8.6643397569993164e-4, 0.0028782313662425574, 0.045921000712096377,
		2.5000000000000001e-302, 2.5000000001250001e-12, 0.0071920518112945232, 0.017328679513998633, 0.057564627324851147, 0.91748121935206421,
		9.9950016662500836e-301, 9.9950016662505832e-11, 0.24990626562597559, 0.49987500000520833, 0.89995498799827507, 0.99999999999999989,
		1.0e-300, 1.0e-10, 0.25, 0.5, 0.9, 0.99999999999999989,
		1.0005001667083417e-300, 1.0005001667082917e-10, 0.25009376562402246, 0.50012499999479167, 0.90004498800172507, 0.99999999999999989,
		6.3618456410625561e-300, 6.3618456349915942e-10, 0.58430398436652198, 0.78514672367126558, 0.96671871202795028, 0.99999999999999996,
		5.8846316709254998e-285, 0.42435372781357712, 0.96534264097200273, 0.98267132048600137, 0.99736598710855434, 1,
		0.13653059012723287, 0.97121768633757443, 0.99826713204860014, 0.99913356602430007, 0.99986829935542772, 1,
	}
	d := must(distributions.NewContinuousBernoulliLogits(sh(f64(logits...), 8, 1)))
	got, err := d.ICDF(f64(us...))
	require.NoError(t, err)
	require.Equal(t, []int{8, 6}, shapeOf(got))
	close(t, want, data64(t, got), tol64, 0)

	t.Run("torch's band, exact", func(t *testing.T) {
		// golden continuous_bernoulli/probs-near-half: torch 1.13 returns u
		d := must(distributions.NewContinuousBernoulli(f64(0.5, 0.4995, 0.5004)))
		got := data64(t, must(d.ICDF(f64(0.726, 0.9023, 0.1679))))
		close(t, []float64{0.726, 0.9022117979605553, 0.1680118072922939}, got, tol64, 0)
	})
	t.Run("ends, point masses, outside", func(t *testing.T) {
		inf := math.Inf(1)
		d := must(distributions.NewContinuousBernoulliLogits(sh(f64(-inf, 0.5, inf), 3, 1), distributions.WithValidation(false)))
		got := data64(t, must(d.ICDF(f64(0, 0.5, 1, -0.1, 1.1))))
		nan := math.NaN()
		close(t, []float64{0, 0, 1, nan, nan, 0, 0.56185960724032274, 1, nan, nan, 0, 1, 1, nan, nan}, got, tol64, 0) // mpmath at ℓ = ½
	})
	t.Run("inverts CDF", func(t *testing.T) {
		d := must(distributions.NewContinuousBernoulli(f64(1e-6, 0.2, 0.4999, 0.5, 0.7, 1-1e-6)))
		u := sh(f64(1e-12, 1e-6, 0.01, 0.3, 0.5, 0.7, 0.99, 1-1e-6), 8, 1)
		x := must(d.ICDF(u))
		back := data64(t, must(d.CDF(x)))
		// F(x) rounds x to float64: |x·p(x)/F(x)|·ε relative in u, at most
		// |ℓ|·ε ≈ 3e-15 here, plus the evaluations' own few ulps.
		close(t, bcast(data64(t, u), []int{8, 1}, []int{8, 6}), back, 1e-13, 0)
	})
	t.Run("u outside [0, 1]", func(t *testing.T) {
		d := must(distributions.NewContinuousBernoulli(s64(0.3)))
		for _, u := range []float64{-0.1, 1.5, math.NaN()} {
			_, err := d.ICDF(f64(0.5, u))
			var ce *distributions.ConstraintError
			require.ErrorAs(t, err, &ce, "u = %v", u)
			require.ErrorIs(t, err, distributions.ErrSupport)
			assert.Equal(t, []int{1}, ce.Index)
		}
	})
}

// continuousBernoulliGradCase is one form over a parameter of shape pShape
// and a value of shape xShape.
type continuousBernoulliGradCase struct {
	name           string
	logits         bool
	xShape, pShape []int
	out            []int
	upstreamShape  []int // nil: out
}

// continuousBernoulliRefSum is Σ w·log p(x) by the textbook formulas,
// which the finite differences differentiate: x·ℓ + log(ℓ/expm1 ℓ) for
// logits, x·log λ + (1-x)·log(1-λ) + log(2·atanh(1-2λ)/(1-2λ)) for probs
// (Loaiza-Ganem & Cunningham 2019, eq. 7).
func continuousBernoulliRefSum(c continuousBernoulliGradCase, x, par, w []float64) float64 {
	xs, ps := bcast(x, c.xShape, c.out), bcast(par, c.pShape, c.out)
	var s float64
	for i := range xs {
		var lp float64
		if p := ps[i]; c.logits {
			lp = xs[i]*p + math.Log(p/math.Expm1(p))
		} else {
			lp = xs[i]*math.Log(p) + (1-xs[i])*math.Log1p(-p) + math.Log(2*math.Atanh(1-2*p)/(1-2*p))
		}
		if w != nil {
			lp *= w[i]
		}
		s += lp
	}
	return s
}

func TestContinuousBernoulliLogProbGrad(t *testing.T) {
	t.Parallel()
	cases := []continuousBernoulliGradCase{
		{name: "probs (3,1), x (2,1,4)", xShape: []int{2, 1, 4}, pShape: []int{3, 1}, out: []int{2, 3, 4}},
		{name: "probs (4), x (3,1)", xShape: []int{3, 1}, pShape: []int{4}, out: []int{3, 4}, upstreamShape: []int{3, 1}},
		{name: "logits (3,1), x (2,1,4)", logits: true, xShape: []int{2, 1, 4}, pShape: []int{3, 1}, out: []int{2, 3, 4}},
		{name: "logits (2,3,4), x scalar", logits: true, xShape: []int{}, pShape: []int{2, 3, 4}, out: []int{2, 3, 4}, upstreamShape: []int{4}},
	}
	var worst float64
	for k, c := range cases {
		for _, vjp := range []bool{false, true} {
			r := rand.New(rand.NewPCG(uint64(k), 13))
			x := make([]float64, sizeOf(c.xShape))
			for i := range x {
				x[i] = 0.02 + 0.96*r.Float64()
			}
			par := make([]float64, sizeOf(c.pShape))
			for i := range par {
				if c.logits {
					par[i] = -6 + 12*r.Float64() // both sides of |ℓ| = 2, where the evaluation switches
				} else {
					par[i] = 0.05 + 0.9*r.Float64()
				}
			}
			pt, pname := must(tensor.New(par, c.pShape...)), "probs"
			var d *distributions.ContinuousBernoulli
			if c.logits {
				d, pname = continuousBernoulliNew(t, nil, pt), "logits"
			} else {
				d = continuousBernoulliNew(t, pt, nil)
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
				for i := range u {
					u[i] += 0.05
				}
				w = bcast(u, us, c.out)
				g, err = d.LogProbVJP(xt, must(tensor.New(u, us...)))
			} else {
				g, err = d.LogProbGrad(xt)
			}
			require.NoError(t, err, c.name)
			close(t, []float64{continuousBernoulliRefSum(c, x, par, w)}, []float64{g.LogProb}, 1e-13, 0)
			require.Equal(t, c.xShape, shapeOf(g.Value))
			require.Len(t, g.Params, 1)
			require.Equal(t, c.pShape, shapeOf(g.Params[pname]))
			wantX := centralDiff(func(v []float64) float64 { return continuousBernoulliRefSum(c, v, par, w) }, x, 1e-5)
			wantP := centralDiff(func(v []float64) float64 { return continuousBernoulliRefSum(c, x, v, w) }, par, 1e-5)
			requireFinite(t, wantX)
			requireFinite(t, wantP)
			gotX, gotP := data64(t, g.Value), data64(t, g.Params[pname])
			close(t, wantX, gotX, gradTol, gradTol)
			close(t, wantP, gotP, gradTol, gradTol)
			worst = max(worst, maxRelErr(wantX, gotX, 1), maxRelErr(wantP, gotP, 1))
		}
	}
	t.Logf("max rel err vs central differences: %.2g", worst)
	t.Run("analytic partials", func(t *testing.T) {
		// ∂/∂x = ℓ and ∂/∂ℓ = x - E[x]; at ℓ = 0 (λ = ½) E[x] = ½ and
		// ∂/∂λ = 4(x - ½): exact in binary.
		d := must(distributions.NewContinuousBernoulli(f64(0.5, 0.5)))
		g := must(d.LogProbGrad(f64(0.25, 1)))
		close(t, []float64{-1, 2}, data64(t, g.Params["probs"]), tol64, 0)
		close(t, []float64{0, 0}, data64(t, g.Value), 0, 0)
		// golden continuous_bernoulli/probs-near-half (torch's band)
		d = must(distributions.NewContinuousBernoulli(f64(0.5, 0.4995, 0.5004)))
		g = must(d.LogProbGrad(f64(0.4459, 0.8928, 0.5869)))
		close(t, []float64{-0.21639999999999993, 1.5718682387126848, 0.3470668886984528}, data64(t, g.Params["probs"]), 1e-12, 0)
		// an infinite log p has zero partials
		d = must(distributions.NewContinuousBernoulli(f64(0, 0.3)))
		g = must(d.LogProbGrad(f64(0.5, 0.5)))
		close(t, []float64{0, 0.33227380407700637}, data64(t, g.Params["probs"]), tol64, 0) // mpmath
		assert.Equal(t, math.Inf(-1), g.LogProb)
	})
}

// TestContinuousBernoulliFloat32 evaluates both forms in float32 and
// float64 on the same inputs; the kernels compute in float64 and round
// once, so tol32.
func TestContinuousBernoulliFloat32(t *testing.T) {
	t.Parallel()
	x32 := sh(to32(f64(seq(0, 1, 8)...)), 2, 1, 4)
	u32 := sh(f32(0.001, 0.2, 0.5, 0.9, 0.999), 5, 1, 1)
	for _, f := range []struct {
		name   string
		logits bool
		param  *tensor.Dense
	}{
		{"probs", false, sh(f32(0.05, 0.4999, 0.7), 3, 1)},
		{"logits", true, sh(f32(-40, 0.001, 3), 3, 1)},
	} {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			newD := distributions.NewContinuousBernoulli
			pname := "probs"
			if f.logits {
				newD, pname = distributions.NewContinuousBernoulliLogits, "logits"
			}
			d32, d64 := must(newD(f.param)), must(newD(to64(f.param)))
			pair := func(name string, a, b *tensor.Dense) {
				require.Equal(t, tensor.Float32, a.Dtype(), name)
				require.Equal(t, shapeOf(b), shapeOf(a), name)
				close(t, data64(t, b), data64(t, a), tol32, 0)
			}
			pair("log_prob", must(d32.LogProb(x32)), must(d64.LogProb(to64(x32))))
			pair("cdf", must(d32.CDF(x32)), must(d64.CDF(to64(x32))))
			pair("icdf", must(d32.ICDF(u32)), must(d64.ICDF(to64(u32))))
			pair("mean", must(d32.Mean()), must(d64.Mean()))
			pair("variance", must(d32.Variance()), must(d64.Variance()))
			pair("stddev", must(d32.StdDev()), must(d64.StdDev()))
			pair("entropy", must(d32.Entropy()), must(d64.Entropy()))
			g32, g64 := must(d32.LogProbGrad(x32)), must(d64.LogProbGrad(to64(x32)))
			close(t, []float64{g64.LogProb}, []float64{g32.LogProb}, tol32, 0)
			close(t, data64(t, g64.Value), data64(t, g32.Value), tol32, 0)
			close(t, data64(t, g64.Params[pname]), data64(t, g32.Params[pname]), tol32, 0)
		})
	}
}

// continuousBernoulliKS returns the KS p-value of column j of a sample of
// shape (n, batch...) against the reference CDF at logit l.
func continuousBernoulliKS(data []float64, j, stride int, l float64) float64 {
	n := len(data) / stride
	col := make([]float64, n)
	for i := range col {
		col[i] = data[i*stride+j]
	}
	cdf := func(x float64) float64 { return x } // ℓ = 0: the uniform
	if l != 0 {
		cdf = func(x float64) float64 { return continuousBernoulliCDFRef(x, l) }
	}
	return ksPValue(ksStatistic(col, cdf), n)
}

func TestContinuousBernoulliSampleKS(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		probs, logits *tensor.Dense
		seed          uint64
	}{
		{"logits 0: uniform", nil, s64(0), 1},
		{"probs 0.2", s64(0.2), nil, 2},
		{"logits 5", nil, s64(5), 3},
		{"logits -30", nil, s64(-30), 4},
		{"probs in torch's band (2,2)", sh(f64(0.4995, 0.5004, 0.4, 0.9), 2, 2), nil, 5},
		{"float32 probs 0.7", s32(0.7), nil, 6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := continuousBernoulliNew(t, tc.probs, tc.logits)
			x, err := d.Sample(rand.NewPCG(tc.seed, 0xcb), nDraws)
			require.NoError(t, err)
			batch := d.BatchShape()
			require.Equal(t, append([]int{nDraws}, batch...), shapeOf(x))
			require.Equal(t, d.Dtype(), x.Dtype())
			data := data64(t, x)
			for _, v := range data {
				require.True(t, v >= 0 && v <= 1, "draw %v", v)
			}
			logits := data64(t, d.Logits())
			for j, l := range logits {
				p := continuousBernoulliKS(data, j, len(logits), l)
				t.Logf("CB(logits %.4g): KS p = %.3g", l, p)
				assert.GreaterOrEqual(t, p, pCritical, "logits %g", l)
			}
		})
	}
	t.Run("power", func(t *testing.T) {
		// The test rejects a slightly wrong sampler: CB(0.3) draws tested as
		// CB(0.31) and as the uniform.
		t.Parallel()
		d := must(distributions.NewContinuousBernoulli(s64(0.3)))
		x, err := d.Sample(rand.NewPCG(2, 0xcb), nDraws)
		require.NoError(t, err)
		data := data64(t, x)
		for _, p := range []float64{0.31, 0.5} {
			pv := continuousBernoulliKS(slices.Clone(data), 0, 1, math.Log(p/(1-p)))
			t.Logf("CB(0.3) draws as CB(%g): KS p = %.3g", p, pv)
			assert.Less(t, pv, pCritical)
		}
	})
}

func TestContinuousBernoulliSampleShapes(t *testing.T) {
	t.Parallel()
	d := must(distributions.NewContinuousBernoulli(sh(f64(0.1, 0.5, 0.9), 3, 1)))
	for _, c := range []struct{ sample, want []int }{
		{nil, []int{3, 1}}, {[]int{4}, []int{4, 3, 1}}, {[]int{2, 5}, []int{2, 5, 3, 1}},
	} {
		x := must(d.Sample(rand.NewPCG(1, 2), c.sample...))
		assert.Equal(t, c.want, shapeOf(x))
		y := must(d.RSample(rand.NewPCG(1, 2), c.sample...))
		assert.Equal(t, data64(t, x), data64(t, y), "Sample is RSample")
	}
	_, err := d.Sample(nil, 4)
	require.ErrorIs(t, err, distributions.ErrNilSource)
	_, err = d.RSample(rand.NewPCG(1, 2), -1)
	require.ErrorIs(t, err, distributions.ErrShape)
	a := data64(t, must(d.Sample(rand.NewPCG(1, 3), 100)))
	assert.Equal(t, a, data64(t, must(d.Sample(rand.NewPCG(1, 3), 100))), "same seed, same draws")
	assert.NotEqual(t, a, data64(t, must(d.Sample(rand.NewPCG(2, 3), 100))), "another seed, other draws")

	// Reparameterisation: the draws are F⁻¹(U) of the uniforms that the
	// ℓ = 0 member (F⁻¹(u) = u) draws from the same seed.
	u := data64(t, must(must(distributions.NewContinuousBernoulliLogits(must(tensor.Zeros[float64](3, 1)))).RSample(rand.NewPCG(1, 3), 100)))
	q := data64(t, must(d.ICDF(must(tensor.New(u, 100, 3, 1)))))
	assert.Equal(t, q, a)

	inf := math.Inf(1)
	m := must(distributions.NewContinuousBernoulliLogits(f64(-inf, inf)))
	pm := data64(t, must(m.Sample(rand.NewPCG(5, 6), 1000)))
	for i := 0; i < len(pm); i += 2 {
		require.Equal(t, 0.0, pm[i])
		require.Equal(t, 1.0, pm[i+1])
	}
}

// TestContinuousBernoulliSampleGOMAXPROCS requires the same bits from one
// and from two goroutines above tensor.ParallelMin; it switches
// GOMAXPROCS, so it is not parallel.
func TestContinuousBernoulliSampleGOMAXPROCS(t *testing.T) {
	const n = 1_000_000
	require.Greater(t, n, tensor.ParallelMin)
	d := must(distributions.NewContinuousBernoulliLogits(f64(-3, 0.5, 2, 40)))
	draw := func(procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		return data64(t, must(d.Sample(rand.NewPCG(42, 43), n/4)))
	}
	one, two := draw(1), draw(2)
	require.Len(t, one, n)
	assert.True(t, slices.Equal(one, two), "draws depend on GOMAXPROCS")
}

func TestContinuousBernoulliExpand(t *testing.T) {
	t.Parallel()
	p := sh(f64(0.2, 0.7), 2, 1)
	d := must(distributions.NewContinuousBernoulli(p))
	e, err := distributions.Expand(d, []int{3, 2, 4})
	require.NoError(t, err)
	ce, ok := e.(*distributions.ContinuousBernoulli)
	require.True(t, ok, "native Expand")
	assert.Equal(t, []int{3, 2, 4}, ce.BatchShape())
	assert.Same(t, p, ce.Probs(), "the parameter is shared")
	x := s64(0.4)
	want := bcast(data64(t, must(d.LogProb(x))), []int{2, 1}, []int{3, 2, 4})
	close(t, want, data64(t, must(ce.LogProb(x))), 0, 0)
	assert.Equal(t, []int{3, 2, 4}, shapeOf(must(ce.Mean())))
	_, err = distributions.Expand(d, []int{3})
	require.ErrorIs(t, err, distributions.ErrShape)
}

// TestContinuousBernoulliGoldenCases runs the golden cases of the family
// (continuous_bernoulli.json) through the conformance runner: each must
// pass. The KL cases need KL, which the engine lacks.
func TestContinuousBernoulliGoldenCases(t *testing.T) {
	t.Parallel()
	n := 0
	for _, c := range loadCases(t, goldenDir, "") {
		if !strings.HasPrefix(c.name, "continuous_bernoulli/") {
			continue
		}
		n++
		st, reason := runCase(c)
		t.Logf("%s: %s %s", c.name, st, reason)
		if st != casePassed {
			t.Errorf("%s: %s (%s)", c.name, st, reason)
		}
	}
	assert.Equal(t, 4, n)
}

func FuzzContinuousBernoulli(f *testing.F) {
	for _, c := range [][2]float64{
		{0.3, 0.5}, {0, 0}, {0, 0.5}, {1, 1}, {0.5, 0.25}, {0.4995, 1}, {0.501, 0}, {1e-300, 0.3},
		{1 - 0x1p-53, 0.9}, {1.5, 0.5}, {-0.1, 0.5}, {math.NaN(), 0.5}, {0.3, math.NaN()}, {0.3, 1.5},
		{0.3, -1e-300}, {800, 0.5}, {-800, 1}, {math.Inf(1), 1}, {1e-18, 0.5}, {2, 0.5}, {-2.0000001, 0.5},
	} {
		f.Add(c[0], c[1])
	}
	off := distributions.WithValidation(false)
	f.Fuzz(func(t *testing.T, p, x float64) {
		inUnit := x >= 0 && x <= 1

		// probs form
		d, err := distributions.NewContinuousBernoulli(f64(p))
		if !(p >= 0 && p <= 1) {
			require.ErrorIs(t, err, distributions.ErrParam)
			var ce *distributions.ConstraintError
			require.ErrorAs(t, err, &ce)
			require.Equal(t, "probs", ce.Name)
			continuousBernoulliNeverPanics(t, must(distributions.NewContinuousBernoulli(f64(p), off)), x)
		} else {
			require.NoError(t, err)
			lp, err := d.LogProb(f64(x))
			g, gerr := d.LogProbGrad(f64(x))
			if !inUnit {
				require.ErrorIs(t, err, distributions.ErrSupport)
				require.ErrorIs(t, gerr, distributions.ErrSupport)
			} else {
				require.NoError(t, err)
				require.NoError(t, gerr)
				got := data64(t, lp)[0]
				close(t, []float64{got}, []float64{g.LogProb}, 0, 0)
				if p > 0 && p < 1 {
					require.False(t, math.IsNaN(got) || math.IsInf(got, 0), "log p(%v | %v) = %v", x, p, got)
				}
				if p >= 1e-3 && p <= 1-1e-3 && math.Abs(p-0.5) > 1e-3 {
					// the textbook formula, well-conditioned here
					c := continuousBernoulliGradCase{xShape: []int{}, pShape: []int{}, out: []int{}}
					want := continuousBernoulliRefSum(c, []float64{x}, []float64{p}, nil)
					close(t, []float64{want}, []float64{got}, 1e-12, 1e-13)
				}
			}
			continuousBernoulliInRange(t, d)
		}

		// logits form: p read as a logit
		dl, err := distributions.NewContinuousBernoulliLogits(f64(p))
		if math.IsNaN(p) {
			require.ErrorIs(t, err, distributions.ErrParam)
			continuousBernoulliNeverPanics(t, must(distributions.NewContinuousBernoulliLogits(f64(p), off)), x)
			return
		}
		require.NoError(t, err)
		lp, err := dl.LogProb(f64(x))
		if !inUnit {
			require.ErrorIs(t, err, distributions.ErrSupport)
			return
		}
		require.NoError(t, err)
		got := data64(t, lp)[0]
		if !math.IsInf(p, 0) {
			require.False(t, math.IsNaN(got) || math.IsInf(got, 0), "log p(%v | logit %v) = %v", x, p, got)
		}
		if a := math.Abs(p); a >= 1e-3 && a <= 700 {
			want := x*p + math.Log(p/math.Expm1(p))
			close(t, []float64{want}, []float64{got}, 1e-13, 1e-13*(1+a))
		}
		g, err := dl.LogProbGrad(f64(x))
		require.NoError(t, err)
		if !math.IsInf(p, 0) {
			require.False(t, math.IsNaN(data64(t, g.Params["logits"])[0]))
		}
		continuousBernoulliInRange(t, dl)
	})
}

// continuousBernoulliInRange checks the moments, CDF and ICDF of a
// one-element d against their ranges.
func continuousBernoulliInRange(t *testing.T, d *distributions.ContinuousBernoulli) {
	t.Helper()
	m := data64(t, must(d.Mean()))[0]
	v := data64(t, must(d.Variance()))[0]
	e := data64(t, must(d.Entropy()))[0]
	require.True(t, m >= 0 && m <= 1, "mean %v", m)
	require.True(t, v >= 0 && v <= 1.0/12*(1+1e-15), "variance %v", v)
	require.True(t, e <= 0, "entropy %v", e)
	c := data64(t, must(d.CDF(f64(0, 0.25, 0.5, 0.75, 1))))
	require.True(t, slices.IsSorted(c) && c[0] == 0 && c[4] == 1, "cdf %v", c)
	q := data64(t, must(d.ICDF(f64(0, 0.25, 0.5, 0.75, 1))))
	require.True(t, slices.IsSorted(q) && q[0] == 0 && q[4] == 1, "icdf %v", q)
	s := data64(t, must(d.Sample(rand.NewPCG(1, 2), 8)))
	for _, x := range s {
		require.True(t, x >= 0 && x <= 1, "draw %v", x)
	}
}

// continuousBernoulliNeverPanics evaluates everything of an unvalidated d.
func continuousBernoulliNeverPanics(t *testing.T, d *distributions.ContinuousBernoulli, x float64) {
	t.Helper()
	_, err := d.LogProb(f64(x))
	require.NoError(t, err)
	_, err = d.LogProbGrad(f64(x))
	require.NoError(t, err)
	_, err = d.CDF(f64(x))
	require.NoError(t, err)
	_, err = d.ICDF(f64(x))
	require.NoError(t, err)
	must(d.Mean())
	must(d.Variance())
	must(d.StdDev())
	must(d.Entropy())
	_, err = d.Sample(rand.NewPCG(1, 2), 3)
	require.NoError(t, err)
}

func ExampleContinuousBernoulli() {
	d, err := distributions.NewContinuousBernoulli(tensor.Vector(0.2, 0.5))
	if err != nil {
		log.Fatal(err)
	}
	lp, err := d.LogProb(tensor.Vector(0.3, 0.3))
	if err != nil {
		log.Fatal(err)
	}
	mean, err := d.Mean()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%.4f\n", lp.Float64s())
	fmt.Printf("%.4f\n", mean.Float64s())
	// Output:
	// [0.1984 0.0000]
	// [0.3880 0.5000]
}
