package distributions

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed39ad66a2/tensordist/tensor"
)

// gammaImplicitParams returns n concentrations and rates over the edges
// the Gamma gradients meet (α below 1, at 1, from gammaStirlingMin on;
// tiny and large rates) and the benchmark's bulk.
func gammaImplicitParams(r *rand.Rand, n int) (a, b []float64) {
	edgeA := []float64{0.01, 0.5, 1, 3, 9.99, 10, 40, 1e4}
	edgeB := []float64{1e-3, 0.5, 1, 2, 1e3}
	a, b = make([]float64, n), make([]float64, n)
	for i := range n {
		a[i], b[i] = 0.5+4.5*r.Float64(), 0.5+1.5*r.Float64()
		if i%5 == 0 {
			a[i], b[i] = edgeA[i/5%len(edgeA)], edgeB[i/3%len(edgeB)]
		}
	}
	return a, b
}

// TestImplicitPathwiseFlat checks Gamma's and Beta's direct RSampleVJP
// (both parameters shaped like x) against pathwise, the generic sum it
// replaces, with the partials of before written out here: equal to the
// bit, in float64 and float32, with and without an upstream (zeros
// included).
func TestImplicitPathwiseFlat(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	const n = 500
	ga, gb := gammaImplicitParams(r, n)
	ba, bb := make([]float64, n), make([]float64, n)
	for i := range ba {
		ba[i], bb[i] = math.Exp(r.Float64()*6-3), math.Exp(r.Float64()*6-3)
	}
	up := make([]float64, n)
	for i := range up {
		up[i] = r.NormFloat64()
		if i%7 == 0 {
			up[i] = 0
		}
	}
	type fam struct {
		name     string
		a, b     []float64
		make     func(a, b *tensor.Dense) (RSampler, *elementwise)
		partials func(x float64, p, dp []float64)
	}
	fams := []fam{
		{"gamma", ga, gb, func(a, b *tensor.Dense) (RSampler, *elementwise) {
			d, err := NewGamma(a, b)
			require.NoError(t, err)
			return d, &d.elementwise
		}, func(x float64, p, dp []float64) {
			al, be := p[0], p[1]
			dp[0] = tensor.StandardGammaGrad(al, be*x) / be
			dp[1] = -x / be
		}},
		{"beta", ba, bb, func(a, b *tensor.Dense) (RSampler, *elementwise) {
			d, err := NewBeta(a, b)
			require.NoError(t, err)
			return d, &d.elementwise
		}, func(x float64, p, dp []float64) {
			dp[0], dp[1] = 0, 0
			if !(x > 0 && x < 1) {
				return
			}
			dp[0], dp[1] = tensor.BetaImplicitGrad(p[0], p[1], x)
		}},
	}
	for _, f := range fams {
		for _, f32 := range []bool{false, true} {
			at, bt, ut := must64(t, f.a), must64(t, f.b), must64(t, up)
			if f32 {
				at, bt, ut = must32(t, f.a), must32(t, f.b), must32(t, up)
			}
			d, e := f.make(at, bt)
			x, err := d.RSample(rand.NewPCG(23, 24))
			require.NoError(t, err)
			for _, u := range []*tensor.Dense{nil, ut} {
				var w Value
				if u != nil {
					w = u
				}
				got, err := d.(PathwiseGrader).RSampleVJP(x, w)
				require.NoError(t, err)
				want, err := e.pathwise(x, w, f.partials)
				require.NoError(t, err)
				for _, name := range e.names {
					g, _ := tensor.Float64s(got[name])
					h, _ := tensor.Float64s(want[name])
					require.Len(t, g, n)
					for i := range h {
						require.Truef(t, math.Float64bits(g[i]) == math.Float64bits(h[i]), "%s f32 %v upstream %v ∂%s[%d]: %v, pathwise %v", f.name, f32, u != nil, name, i, g[i], h[i])
					}
				}
			}
		}
	}
}

// TestGammaKernelSharedLogs checks the gradient kernel's shared log x and
// log β: log p of each element equals gammaLogP's to the bit, and ∂/∂α is log β + log x − ψ(α) of tensor.Log and Digamma, at
// bulk and edge points (x = 0, ∞ and negative without validation, α = 0
// and 1, α from gammaStirlingMin on).
func TestGammaKernelSharedLogs(t *testing.T) {
	r := rand.New(rand.NewPCG(25, 26))
	const n = 400
	a, b := gammaImplicitParams(r, n)
	x := make([]float64, n)
	edgeX := []float64{0, math.Inf(1), -1, 1e-300, 1e300}
	for i := range x {
		x[i] = 3 * r.ExpFloat64()
		if i%11 == 0 {
			x[i] = edgeX[i/11%len(edgeX)]
		}
	}
	a[3], a[4] = 0, 1
	x[4] = 0
	d, err := NewGamma(must64(t, a), must64(t, b), WithValidation(false))
	require.NoError(t, err)
	g, err := d.LogProbGrad(must64(t, x))
	require.NoError(t, err)
	// log p of each element alone (a sum would round the differences away
	// beside the large terms of α = 1e4).
	for i := range x {
		di, err := NewGamma(must64(t, a[i:i+1]), must64(t, b[i:i+1]), WithValidation(false))
		require.NoError(t, err)
		gi, err := di.LogProbGrad(must64(t, x[i:i+1]))
		require.NoError(t, err)
		want := gammaLogP(x[i], a[i], b[i], gammaNorm(a[i]))
		require.Truef(t, math.Float64bits(want) == math.Float64bits(gi.LogProb) || math.IsNaN(want) && math.IsNaN(gi.LogProb),
			"log p at α = %v, β = %v, x = %v: %v, want %v", a[i], b[i], x[i], gi.LogProb, want)
	}
	ga, _ := tensor.Float64s(g.Params["concentration"])
	for i := range x {
		want := 0.0
		if x[i] >= 0 {
			want = tensor.Log(b[i]) + tensor.Log(x[i]) - tensor.Digamma(a[i])
		}
		require.Truef(t, math.Float64bits(want) == math.Float64bits(ga[i]) || math.IsNaN(want) && math.IsNaN(ga[i]),
			"∂/∂α at α = %v, β = %v, x = %v: %v, want %v", a[i], b[i], x[i], ga[i], want)
	}
}

func must64(t *testing.T, v []float64) *tensor.Dense {
	t.Helper()
	d, err := tensor.New(v, len(v))
	require.NoError(t, err)
	return d
}

func must32(t *testing.T, v []float64) *tensor.Dense {
	t.Helper()
	f := make([]float32, len(v))
	for i, x := range v {
		f[i] = float32(x)
	}
	d, err := tensor.New(f, len(v))
	require.NoError(t, err)
	return d
}

// TestBetaKernelSharedLogs checks the Beta gradient kernel's shared log x
// and log(1-x): per element, log p equals betaLogProb's to the bit and
// ∂/∂α₁, ∂/∂α₀ are log x + ψ(α₁+α₀) − ψ(α₁) and log(1-x) + ψ(α₁+α₀) −
// ψ(α₀), at bulk and edge points (x = 0, 1 and outside without
// validation; concentrations at 1 and from betaStirlingMin on).
func TestBetaKernelSharedLogs(t *testing.T) {
	r := rand.New(rand.NewPCG(27, 28))
	edgeX := []float64{0, 1, -0.5, 1e-300, 1 - 0x1p-53}
	edgeA := []float64{1, 0.01, 10, 300}
	for i := range 300 {
		a1, a0, x := math.Exp(r.Float64()*4-2), math.Exp(r.Float64()*4-2), r.Float64()
		if i%7 == 0 {
			x = edgeX[i/7%len(edgeX)]
		}
		if i%5 == 0 {
			a1, a0 = edgeA[i/5%len(edgeA)], edgeA[i/3%len(edgeA)]
		}
		d, err := NewBeta(must64(t, []float64{a1}), must64(t, []float64{a0}), WithValidation(false))
		require.NoError(t, err)
		g, err := d.LogProbGrad(must64(t, []float64{x}))
		require.NoError(t, err)
		same := func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) || a != a && b != b }
		want := betaLogProb(x, a1, a0, tensor.Lbeta(a1, a0))
		require.Truef(t, same(want, g.LogProb), "log p at (%v, %v, %v): %v, want %v", a1, a0, x, g.LogProb, want)
		psiS := tensor.Digamma(a1 + a0)
		g1, _ := tensor.Float64s(g.Params["concentration1"])
		g0, _ := tensor.Float64s(g.Params["concentration0"])
		w1, w0 := tensor.Log(x)+(psiS-tensor.Digamma(a1)), math.Log1p(-x)+(psiS-tensor.Digamma(a0))
		require.Truef(t, same(w1, g1[0]) && same(w0, g0[0]), "∂ at (%v, %v, %v): (%v, %v), want (%v, %v)", a1, a0, x, g1[0], g0[0], w1, w0)
	}
}

// TestDirichletEventLogs checks dirichletEvent against its definition
// (dirichletEventRef: log p and ok to the bit), with and without the logs
// it writes, and those logs against tensor.Log, on random events with
// edge coordinates and concentrations at 1.
func TestDirichletEventLogs(t *testing.T) {
	r := rand.New(rand.NewPCG(29, 30))
	const k = 6
	edge := []float64{0, 1, -0.25, 1.5, math.NaN(), 1e-310}
	for i := range 3000 {
		x, a := make([]float64, k), make([]float64, k)
		for j := range x {
			x[j], a[j] = r.Float64(), math.Exp(r.Float64()*4-2)
			if r.IntN(4) == 0 {
				a[j] = 1
			}
		}
		if i%3 == 0 {
			x[r.IntN(k)] = edge[i/3%len(edge)]
		}
		lnA := r.NormFloat64()
		want, wok := dirichletEventRef(x, a, lnA)
		lx := make([]float64, k)
		got, ok := dirichletEvent(x, a, lnA, lx)
		plain, pok := dirichletEvent(x, a, lnA, nil)
		require.Equal(t, ok, pok)
		require.Truef(t, math.Float64bits(plain) == math.Float64bits(got) || plain != plain && got != got, "without logs: %v, with: %v", plain, got)
		require.Equal(t, wok, ok, "x = %v", x)
		require.Truef(t, math.Float64bits(want) == math.Float64bits(got) || want != want && got != got, "x = %v, α = %v: %v, want %v", x, a, got, want)
		if ok {
			for j, v := range x {
				require.Equal(t, math.Float64bits(tensor.Log(v)), math.Float64bits(lx[j]))
			}
		}
	}
}

// dirichletEventRef is log p of one event from its definition: A(α) plus
// XLogY(α_i−1, x_i) in order; NaN for a NaN coordinate, −Inf off [0, 1]^K.
func dirichletEventRef(x, a []float64, lnA float64) (float64, bool) {
	lp, ok := lnA, true
	for i, v := range x {
		switch {
		case math.IsNaN(v):
			return v, false
		case v < 0 || v > 1:
			ok = false
		default:
			lp += tensor.XLogY(a[i]-1, v)
		}
	}
	if !ok {
		return math.Inf(-1), false
	}
	return lp, true
}
