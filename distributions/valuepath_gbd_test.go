package distributions_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// The value paths of Gamma's, Beta's and Dirichlet's LogProb (vector logs,
// parameter-only terms kept per distribution) against the scalar formulas
// their gradient paths evaluate per element (valuepath_gbd_export_test.go), on
// random parameters and values over wide ranges with special values mixed
// in (validation off), in every broadcast pattern the kernels walk, after
// Expand, and in both dtypes. Where the scalar formula decides the value
// (large concentrations, values off the support or at its edge, NaN and
// infinite operands: every non-finite result) the two must agree exactly;
// elsewhere they add the same terms in the same order and differ only by
// the vector log's last bits, bounded by vpTol.

// vpDraw returns a generator of log-uniform values on [lo, hi] that gives
// one of specials instead with probability 1/16.
func vpDraw(r *rand.Rand, lo, hi float64, specials ...float64) func() float64 {
	return func() float64 {
		if len(specials) > 0 && r.IntN(16) == 0 {
			return specials[r.IntN(len(specials))]
		}
		return lo * math.Pow(hi/lo, r.Float64())
	}
}

// vpArray returns an array of shape s filled by gen, in dtype dt ("f32":
// gen's values rounded to float32).
func vpArray(dt string, s []int, gen func() float64) *tensor.Dense {
	n := 1
	for _, d := range s {
		n *= d
	}
	v := make([]float64, n)
	for i := range v {
		v[i] = gen()
	}
	a := must(tensor.New(v, s...))
	if dt == "f32" {
		return to32(a)
	}
	return a
}

// vpTol is the largest difference allowed between the value path and the
// scalar formula at a finite result ref whose log terms (the products with
// a log of the value) add up to logs in absolute value and whose terms all
// together to terms: the logs may differ by 2 ulps (each is within 1 of the
// true log) and each of the sum's roundings by an ulp of a partial sum,
// 2^-23 apart in float32, whose logs come from the float32 kernels, plus
// the rounding of the result to float32.
func vpTol(dt string, ref, logs, terms float64) float64 {
	if dt == "f32" {
		return 0x1p-21*logs + 0x1p-22*math.Abs(ref)
	}
	return 0x1p-50*logs + 0x1p-50*terms
}

// vpCompare checks got against ref element by element: exactly where
// exact[i] or ref[i] is not finite, within vpTol elsewhere.
func vpCompare(t *testing.T, dt string, got, ref, logs, terms []float64, exact []bool) {
	t.Helper()
	require.Len(t, got, len(ref))
	bad := 0
	for i, g := range got {
		w := ref[i]
		if dt == "f32" {
			w = float64(float32(w))
		}
		if exact[i] || !(math.Abs(w) <= math.MaxFloat64) {
			if g == w || g != g && w != w {
				continue
			}
		} else if math.Abs(g-w) <= vpTol(dt, ref[i], logs[i], terms[i]) {
			continue
		}
		if bad++; bad <= 5 {
			t.Errorf("[%d]: got %v, want %v (exact %v; tol %.3g)", i, g, w, exact[i], vpTol(dt, ref[i], logs[i], terms[i]))
		}
	}
}

// vpShapes are the broadcast patterns of the scalar families: the value's
// and the two parameters' shapes. n = 1037 runs over several logChunk
// chunks and leaves vector tails.
var vpShapes = []struct {
	name    string
	x, p, q []int
}{
	{"same shape", []int{1037}, []int{1037}, []int{1037}},
	{"scalar first parameter", []int{1037}, []int{}, []int{1037}},
	{"scalar second parameter", []int{1037}, []int{1037}, []int{}},
	{"parameters (n,1) and (1,m)", []int{37, 29}, []int{37, 1}, []int{1, 29}},
	{"parameters (n,1) and (m)", []int{29, 37}, []int{29, 1}, []int{37}},
	{"scalar value", []int{}, []int{1037}, []int{1037}},
	{"value (s,1) against batch (m)", []int{7, 1}, []int{301}, []int{301}},
	{"sample dims", []int{3, 401}, []int{401}, []int{401}},
	{"scalar parameters", []int{1037}, []int{}, []int{}},
}

// vpScalar runs one scalar family's comparison over vpShapes in both
// dtypes, then after Expand: build makes the distribution (validation
// off), gens draw x and the two parameters, ref is the scalar formula and
// info gives an element's log terms, all terms and whether the scalar
// formula decides it.
func vpScalar(t *testing.T, seed uint64, build func(p, q *tensor.Dense) (distributions.Distribution, error),
	gens func(r *rand.Rand) [3]func() float64, ref func(x, p, q float64) float64,
	info func(x, p, q float64) (logs, terms float64, exact bool)) {
	for _, dt := range []string{"f64", "f32"} {
		for k, sc := range vpShapes {
			t.Run(dt+"/"+sc.name, func(t *testing.T) {
				t.Parallel()
				r := rand.New(rand.NewPCG(seed, uint64(k)))
				g := gens(r)
				x, p, q := vpArray(dt, sc.x, g[0]), vpArray(dt, sc.p, g[1]), vpArray(dt, sc.q, g[2])
				vpScalarCheck(t, dt, sc.x, sc.p, sc.q, x, p, q, g[0], build, ref, info)
			})
		}
	}
}

// vpOneSpecial is vpScalar with operands drawn from the benchmark's ranges
// (lo and hi per operand: the common case throughout) but for one element
// set to one of specials[k] in operand k, each in turn at a random place:
// the vector kernels must flag that element alone.
func vpOneSpecial(t *testing.T, seed uint64, build func(p, q *tensor.Dense) (distributions.Distribution, error),
	lo, hi [3]float64, specials [3][]float64, ref func(x, p, q float64) float64,
	info func(x, p, q float64) (logs, terms float64, exact bool)) {
	for _, dt := range []string{"f64", "f32"} {
		for k, sc := range vpShapes {
			t.Run(dt+"/one special/"+sc.name, func(t *testing.T) {
				t.Parallel()
				r := rand.New(rand.NewPCG(seed, uint64(k)))
				shapes := [3][]int{sc.x, sc.p, sc.q}
				for op, sp := range specials {
					for _, s := range sp {
						var ops [3]*tensor.Dense
						for j := range ops {
							ops[j] = vpArray("f64", shapes[j], vpDraw(r, lo[j], hi[j]))
						}
						v := ops[op].Float64s()
						v[r.IntN(len(v))] = s
						if dt == "f32" {
							for j := range ops {
								ops[j] = to32(ops[j])
							}
						}
						vpScalarCheck(t, dt, sc.x, sc.p, sc.q, ops[0], ops[1], ops[2], vpDraw(r, lo[0], hi[0]), build, ref, info)
					}
				}
			})
		}
	}
}

// vpScalarCheck compares LogProb(x) of build(p, q) with ref, and then that
// of its Expand to (2,)+batch at a value drawn by gx.
func vpScalarCheck(t *testing.T, dt string, sx, sp, sq []int, x, p, q *tensor.Dense, gx func() float64,
	build func(p, q *tensor.Dense) (distributions.Distribution, error),
	ref func(x, p, q float64) float64, info func(x, p, q float64) (logs, terms float64, exact bool)) {
	t.Helper()
	d := must(build(p, q))
	for _, expand := range []bool{false, true} { // LogProb, then on an Expand sharing the constants
		dd, xx := d, x
		if expand {
			batch := append([]int{2}, d.BatchShape()...)
			dd = must(distributions.Expand(d, batch))
			xx = vpArray(dt, batch, gx)
		}
		got := must(dd.LogProb(xx))
		out := shapeOf(got)
		xs := bcast(data64(t, xx), shapeOf(xx), out)
		ps := bcast(data64(t, p), sp, out)
		qs := bcast(data64(t, q), sq, out)
		n := len(xs)
		want, logs, terms, exact := make([]float64, n), make([]float64, n), make([]float64, n), make([]bool, n)
		for i := range xs {
			want[i] = ref(xs[i], ps[i], qs[i])
			logs[i], terms[i], exact[i] = info(xs[i], ps[i], qs[i])
		}
		vpCompare(t, dt, data64(t, got), want, logs, terms, exact)
	}
}

func TestGammaValuePath(t *testing.T) {
	t.Parallel()
	inf, nan := math.Inf(1), math.NaN()
	noVal := distributions.WithValidation(false)
	build := func(a, b *tensor.Dense) (distributions.Distribution, error) {
		return distributions.NewGamma(a, b, noVal)
	}
	specials := [3][]float64{
		{0, math.Copysign(0, -1), -1, inf, nan, 1e-310, 1e300, 1},
		{1, 10, math.Nextafter(10, 0), 0, -1, inf, nan, 1e-300},
		{0, -1, inf, nan, 1e-300, 1e300},
	}
	info := func(x, a, b float64) (float64, float64, bool) {
		lx := math.Abs((a - 1) * math.Log(x))
		lg, _ := math.Lgamma(a)
		return lx, lx + math.Abs(a*math.Log(b)) + math.Abs(b*x) + math.Abs(lg),
			!(a < distributions.GammaStirlingMin && x > 0)
	}
	vpScalar(t, 11, build, func(r *rand.Rand) [3]func() float64 {
		return [3]func() float64{
			vpDraw(r, 1e-6, 1e4, specials[0]...), vpDraw(r, 1e-3, 1e3, specials[1]...), vpDraw(r, 1e-3, 1e3, specials[2]...),
		}
	}, distributions.GammaLogPForTest, info)
	vpOneSpecial(t, 21, build, [3]float64{0.05, 0.5, 0.5}, [3]float64{5, 5, 2}, specials, distributions.GammaLogPForTest, info)
}

func TestBetaValuePath(t *testing.T) {
	t.Parallel()
	inf, nan := math.Inf(1), math.NaN()
	noVal := distributions.WithValidation(false)
	build := func(a1, a0 *tensor.Dense) (distributions.Distribution, error) {
		return distributions.NewBeta(a1, a0, noVal)
	}
	conc := []float64{1, 10, math.Nextafter(10, 0), 0, -1, inf, nan}
	specials := [3][]float64{{0, 1, -0.5, 1.5, nan, inf, 1e-310, math.Nextafter(1, 0)}, conc, conc}
	info := func(x, a1, a0 float64) (float64, float64, bool) {
		l := math.Abs((a1-1)*math.Log(x)) + math.Abs((a0-1)*math.Log1p(-x))
		return l, l + math.Abs(tensor.Lbeta(a1, a0)), !(min(a1, a0) < 10 && x > 0 && x < 1)
	}
	vpScalar(t, 12, build, func(r *rand.Rand) [3]func() float64 {
		near := vpDraw(r, 1e-9, 1, specials[0]...)
		return [3]func() float64{
			func() float64 { // log-uniform near 0 or near 1
				if r.IntN(2) == 0 {
					return 1 - near()
				}
				return near()
			},
			vpDraw(r, 1e-2, 1e3, conc...), vpDraw(r, 1e-2, 1e3, conc...),
		}
	}, distributions.BetaLogProbForTest, info)
	vpOneSpecial(t, 22, build, [3]float64{0.01, 0.5, 0.5}, [3]float64{0.99, 5, 5}, specials, distributions.BetaLogProbForTest, info)
}

func TestDirichletValuePath(t *testing.T) {
	t.Parallel()
	inf, nan := math.Inf(1), math.NaN()
	noVal := distributions.WithValidation(false)
	cases := []struct {
		name   string
		x, a   []int // shapes, the last dim K
		expand []int // nil: none
	}{
		{"K=10 same batch", []int{130, 10}, []int{130, 10}, nil},
		{"K=3 rows not a multiple of 4", []int{37, 3}, []int{37, 3}, nil},
		{"K=1", []int{9, 1}, []int{9, 1}, nil},
		{"K=600 over a chunk", []int{5, 600}, []int{5, 600}, nil},
		{"value row broadcast", []int{10}, []int{130, 10}, nil},
		{"concentration row broadcast", []int{130, 10}, []int{10}, nil},
		{"sample dims", []int{3, 61, 7}, []int{61, 7}, nil},
		{"(n,1,K) against (m,K)", []int{13, 4}, []int{11, 1, 4}, nil},
		{"expanded", []int{2, 61, 10}, []int{61, 10}, []int{2, 61}},
	}
	for _, dt := range []string{"f64", "f32"} {
		for k, c := range cases {
			t.Run(dt+"/"+c.name, func(t *testing.T) {
				t.Parallel()
				r := rand.New(rand.NewPCG(13, uint64(k)))
				a := vpArray(dt, c.a, vpDraw(r, 1e-2, 1e2, 1, 0, -1, inf, nan))
				coord := vpDraw(r, 1e-8, 1, 0, 1, 1.5, -0.1, nan, inf, 1e-310)
				x := vpArray(dt, c.x, coord)
				var d distributions.Distribution = must(distributions.NewDirichlet(a, noVal))
				must(d.LogProb(x)) // fills the per-row constants before any Expand
				if c.expand != nil {
					d = must(distributions.Expand(d, c.expand))
				}
				got := must(d.LogProb(x))
				kk := c.a[len(c.a)-1]
				out := shapeOf(got)
				full := append(append([]int{}, out...), kk)
				xs := bcast(data64(t, x), c.x, full)
				as := bcast(data64(t, a), c.a, full)
				n := len(xs) / kk
				want, logs, terms, exact := make([]float64, n), make([]float64, n), make([]float64, n), make([]bool, n)
				for e := range n {
					xr, ar := xs[e*kk:][:kk], as[e*kk:][:kk]
					want[e] = distributions.DirichletEventForTest(xr, ar)
					var s float64
					for j, v := range xr {
						logs[e] += math.Abs((ar[j] - 1) * math.Log(v))
						lg, _ := math.Lgamma(ar[j])
						terms[e] += math.Abs(lg)
						s += ar[j]
						exact[e] = exact[e] || !(v > 0 && v <= 1)
					}
					lg, _ := math.Lgamma(s)
					terms[e] += logs[e] + math.Abs(lg)
				}
				vpCompare(t, dt, data64(t, got), want, logs, terms, exact)
			})
		}
	}
}

// TestValuePathConstantsShared checks that the kept constants follow the
// distribution they came from: two Gammas and two Betas with different
// parameters, each evaluated, then expanded and evaluated again, each
// against its own scalar formula (a cache keyed wrongly, or shared between
// distributions, would show).
func TestValuePathConstantsShared(t *testing.T) {
	t.Parallel()
	x := f64(0.1, 0.25, 0.5, 0.75)
	for i, ps := range [][2][]float64{{{0.5, 2, 3, 7}, {1.5, 0.7, 2, 4}}, {{4, 3, 0.9, 1.2}, {0.3, 5, 6, 2}}} {
		g := must(distributions.NewGamma(f64(ps[0]...), f64(ps[1]...)))
		b := must(distributions.NewBeta(f64(ps[0]...), f64(ps[1]...)))
		for _, d := range []distributions.Distribution{g, b, must(g.Expand([]int{3, 4})), must(b.Expand([]int{3, 4}))} {
			got := data64(t, must(d.LogProb(x)))
			for j, v := range got {
				e := j % 4
				want := distributions.GammaLogPForTest(x.Float64s()[e], ps[0][e], ps[1][e])
				if _, ok := d.(*distributions.Beta); ok {
					want = distributions.BetaLogProbForTest(x.Float64s()[e], ps[0][e], ps[1][e])
				}
				require.InDelta(t, want, v, 1e-14*math.Abs(want)+1e-15, fmt.Sprintf("set %d, %v [%d]", i, d, j))
			}
		}
	}
}

// TestValuePathFirstUseConcurrent has goroutines make the first LogProb
// calls of fresh distributions together, and of an Expand of them, so that
// they race to fill the kept constants (under -race: unsynchronised
// writes); each must get what a lone call on another fresh copy gets.
func TestValuePathFirstUseConcurrent(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(5, 5))
	p := vpArray("f64", []int{600}, vpDraw(r, 0.5, 5))
	q := vpArray("f64", []int{600}, vpDraw(r, 0.5, 5))
	x := vpArray("f64", []int{600}, vpDraw(r, 0.01, 0.99))
	xd := vpArray("f64", []int{60, 10}, vpDraw(r, 0.01, 0.2))
	builds := map[string]func() (distributions.Distribution, *tensor.Dense){
		"gamma": func() (distributions.Distribution, *tensor.Dense) { return must(distributions.NewGamma(p, q)), x },
		"beta":  func() (distributions.Distribution, *tensor.Dense) { return must(distributions.NewBeta(p, q)), x },
		"dirichlet": func() (distributions.Distribution, *tensor.Dense) {
			return must(distributions.NewDirichlet(sh(p, 60, 10), distributions.WithValidation(false))), xd
		},
	}
	for name, build := range builds {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			lone, v := build()
			want := data64(t, must(lone.LogProb(v)))
			d, _ := build()
			e := must(distributions.Expand(d, append([]int{2}, d.BatchShape()...)))
			got := make([][]float64, 8)
			var wg sync.WaitGroup
			for w := range got {
				wg.Go(func() {
					dd := d
					if w%2 == 1 {
						dd = e
					}
					if lp, err := dd.LogProb(v); err == nil {
						all, _ := tensor.Float64s(lp)
						got[w] = all[:len(want)]
					}
				})
			}
			wg.Wait()
			for w := range got {
				require.Equal(t, want, got[w], "goroutine %d", w)
			}
		})
	}
}
