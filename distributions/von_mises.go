package distributions

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// vonMisesLog2Pi is log(2π).
const vonMisesLog2Pi = 1.837877066409345483560659472811235279722794947275566825634

// VonMises is a batch of von Mises distributions on the circle, mean
// direction Loc and concentration κ broadcast together:
//
//	log p(x) = κ·cos(x-μ) - log 2π - log I0(κ)
//	∂/∂x = -κ·sin(x-μ)    ∂/∂μ = κ·sin(x-μ)    ∂/∂κ = cos(x-μ) - I1(κ)/I0(κ)
//
// The density is periodic and its support is every real x, as torch's
// (samples lie in [-π, π)). log I0 is exact (torch 1.13 uses a polynomial
// approximation good to ~1e-7). Not reparameterised: torch 1.13 has no
// rsample.
type VonMises struct{ elementwise }

// NewVonMises returns the von Mises distributions with mean direction loc
// and concentration concentration, which must broadcast and share a
// floating dtype; when validating, loc is not NaN and every concentration
// > 0.
func NewVonMises(loc, concentration *tensor.Dense, opts ...Option) (*VonMises, error) {
	cfg := newConfig(opts)
	e, err := newElementwise("von_mises", []string{"loc", "concentration"}, []*tensor.Dense{loc, concentration}, cfg)
	if err != nil {
		return nil, err
	}
	if cfg.validate {
		if err := check("von_mises", "loc", "real", loc, ErrParam, isReal); err != nil {
			return nil, err
		}
		if err := check("von_mises", "concentration", "> 0", concentration, ErrParam, isPositive); err != nil {
			return nil, err
		}
	}
	e.k32, e.k64 = vonMisesKernel[float32], vonMisesKernel[float64]
	e.support, e.rule = isReal, "real"
	return &VonMises{e}, nil
}

// Expand returns the distributions broadcast to batch, sharing loc and
// concentration.
func (d *VonMises) Expand(batch []int) (Distribution, error) {
	e, err := d.expand(batch)
	if err != nil {
		return nil, err
	}
	return &VonMises{e}, nil
}

// Loc is the mean direction, as given.
func (d *VonMises) Loc() *tensor.Dense { return d.params[0] }

// Concentration is κ, as given.
func (d *VonMises) Concentration() *tensor.Dense { return d.params[1] }

// vonMisesAsymMin is the κ from which the large-κ expansions of
// vonMisesBessel take over from the power series: there the asymptotic
// series' smallest term, about e^(-2κ), is below 1e-17 (measured: 1-A to
// 1.5e-16 relative at κ = 20, 7e-15 at 17.5).
const vonMisesAsymMin = 20

// vonMisesBessel returns, for κ ≥ 0, the ratio A = I1(κ)/I0(κ), 1-A
// (without cancelling as A → 1) and
//
//	c0 = κ - log 2π - log I0(κ),
//
// so that log p(x) = c0 - 2κ·sin²((x-μ)/2): for large κ the two terms of
// κ·cos(x-μ) - log I0(κ), each about κ, cancel; c0 does not lose them.
//
// Below vonMisesAsymMin it sums the power series I1(κ)/(κ/2) = Σ t_j,
// t_j = y^j/(j!(j+1)!), y = κ²/4, with I0(κ) = Σ (j+1)·t_j and
// I0(κ) - I1(κ) = Σ (j+1-κ/2)·t_j; c0 takes tensor.LogI0. From
// vonMisesAsymMin it uses Hankel's expansions (Abramowitz & Stegun 9.7.1)
//
//	I_ν(κ) ≈ e^κ/√(2πκ)·Σ_k (-1)^k a_k(ν)/κ^k,
//	a_k(ν) = (4ν²-1)(4ν²-9)…(4ν²-(2k-1)²)/(k!·8^k),
//
// whose terms for ν = 0 are all positive and for ν = 1 negative after the
// first, so I0 - I1 is a sum of positive terms; then c0 = ½log(κ/2π) -
// log(√(2πκ)e^-κ·I0(κ)) needs no log I0 of size κ.
//
// For κ < 0 (only without validation) it uses I0 even and I1 odd; NaN
// gives NaNs, and +Inf gives A = 1 and c0 = +Inf.
func vonMisesBessel(k float64) (a, oneMinusA, c0 float64) {
	switch {
	case k != k:
		return k, k, k
	case k < 0:
		a, _, _ = vonMisesBessel(-k)
		return -a, 1 + a, vonMisesC0(k)
	case math.IsInf(k, 1):
		return 1, 0, k
	case k < vonMisesAsymMin:
		h := k / 2
		y := h * h
		t, s1, s0, dif := 1.0, 1.0, 1.0, 1-h // j = 0
		for j := 1; j < len(vonMisesSeriesInv); j++ {
			t *= y * vonMisesSeriesInv[j]
			fj := float64(j)
			s1 += t
			s0 += (fj + 1) * t
			dif += (fj + 1 - h) * t
			if (fj+1)*t <= 1e-17*s0 && fj > h { // past the largest term, and negligible
				break
			}
		}
		return h * s1 / s0, dif / s0, vonMisesC0(k)
	}
	t0, t1 := 1.0, 1.0 // the k-th terms of the ν = 0 and ν = 1 series
	s0, dif := 1.0, 0.0
	for j := 1.0; j < 200; j++ {
		m := (2*j - 1) * (2*j - 1)
		n0, n1 := t0*m/(8*j*k), t1*(m-4)/(8*j*k)
		if n0-n1 > t0-t1 && j > 1 { // the asymptotic series has started to diverge
			break
		}
		t0, t1 = n0, n1
		s0 += t0
		dif += t0 - t1
		if t0-t1 <= 1e-17*dif {
			break
		}
	}
	return 1 - dif/s0, dif / s0, vonMisesC0(k) // the bits LogProb gets
}

// vonMisesSeriesInv[j] = 1/(j(j+1)), the ratio of successive terms of
// vonMisesBessel's power series over y: a multiplication per term instead
// of a division. 64 terms reach past κ = 20 (the series stops near j = 36
// there).
var vonMisesSeriesInv = func() (c [64]float64) {
	for j := 1; j < len(c); j++ {
		c[j] = 1 / float64(j*(j+1))
	}
	return c
}()

// vonMisesC0 is vonMisesBessel's c0 alone, for log p: κ - log 2π - log I0(κ)
// below vonMisesAsymMin, and from Hankel's ν = 0 series above.
func vonMisesC0(k float64) float64 {
	switch {
	case math.IsInf(k, 1):
		return k
	case !(k >= vonMisesAsymMin): // small κ, and NaN or negative κ (I0 is even)
		return k - vonMisesLog2Pi - tensor.LogI0(k)
	}
	t, s0 := 1.0, 1.0
	for j := 1.0; j < 200; j++ {
		m := (2*j - 1) * (2*j - 1)
		n := t * m / (8 * j * k)
		if n > t { // the asymptotic series has started to diverge
			break
		}
		t = n
		s0 += t
		if t <= 1e-17*s0 {
			break
		}
	}
	return 0.5*math.Log(k/(2*math.Pi)) - math.Log(s0)
}

// vonMisesKernel is VonMises' one numerical path; operands (out, x, loc,
// concentration). With s = sin((x-μ)/2):
//
//	log p = c0 - 2κs²,  ∂/∂κ = (1-A) - 2s²  (= cos(x-μ) - A),
//
// c0 from vonMisesC0, and 1-A from vonMisesBessel only where ∂/∂κ is
// wanted (its series has ~κ terms), once per run when κ is broadcast.
func vonMisesKernel[T tensor.Float](a *kargs[T]) {
	x, mu, kc := a.in[0], a.in[1], a.in[2]
	for r := range a.p.RunsIn(a.lo, a.hi) {
		o, ox, om, ok := r.Off[0], r.Off[1], r.Off[2], r.Off[3]
		sx, sm, sk := r.Step[1], r.Step[2], r.Step[3]
		consts := func(k float64) (oneMinusA, c0 float64) {
			if a.grad == nil || a.grad[2] == nil {
				return 0, vonMisesC0(k)
			}
			_, oneMinusA, c0 = vonMisesBessel(k)
			return oneMinusA, c0
		}
		k := float64(kc[ok])
		oneMinusA, c0 := consts(k)
		for i := range r.N {
			if sk != 0 && i > 0 {
				k = float64(kc[ok+i*sk])
				oneMinusA, c0 = consts(k)
			}
			s, c := math.Sincos((float64(x[ox+i*sx]) - float64(mu[om+i*sm])) / 2)
			s2 := s * s
			lp := c0 - 2*k*s2
			if math.IsInf(k, 1) { // a point mass at μ: +∞ there, -∞ elsewhere (not ∞ - ∞)
				lp = math.Inf(1)
				if s2 != 0 {
					lp = math.Inf(-1)
				}
			}
			if a.out != nil {
				a.out[o+i] = T(lp)
			}
			if a.grad == nil {
				continue
			}
			w := a.weight(o + i)
			if w == 0 { // select, never multiply: a masked -Inf or NaN stays out
				continue
			}
			a.sum += w * lp
			wks := w * k * 2 * s * c // w·κ·sin(x-μ): ∂/∂μ; ∂/∂x is its negative
			if g := a.grad[0]; g != nil {
				g[ox+i*sx] -= wks
			}
			if g := a.grad[1]; g != nil {
				g[om+i*sm] += wks
			}
			if g := a.grad[2]; g != nil {
				g[ok+i*sk] += w * (oneMinusA - 2*s2)
			}
		}
	}
}

// Sample draws sampleShape+BatchShape() angles in [-π, π): θ ~ VonMises(0,
// κ) drawn in float64 whatever the dtype (vonMisesDraw), then (θ + μ + π)
// mod 2π - π, as torch 1.13 wraps them (around 0, not around μ).
func (d *VonMises) Sample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	if d.dtype == tensor.Float32 {
		return vonMisesSample[float32](d, src, sampleShape)
	}
	return vonMisesSample[float64](d, src, sampleShape)
}

func vonMisesSample[T tensor.Float](d *VonMises, src rand.Source, sampleShape []int) (*tensor.Dense, error) {
	return draw(&d.elementwise, src, sampleShape, func(r *rand.Rand, run shape.Run, dst []T, in [][]T) {
		mu, kc := in[0], in[1]
		om, ok, sm, sk := run.Off[1], run.Off[2], run.Step[1], run.Step[2]
		var bf vonMisesProposal
		bf.init(float64(kc[ok])) // hoisted: once per run when κ is broadcast
		out := dst[run.Off[0] : run.Off[0]+run.N]
		for i := range out {
			if sk != 0 && i > 0 {
				bf.init(float64(kc[ok+i*sk]))
			}
			out[i] = vonMisesWrap[T](bf.draw(r) + float64(mu[om+i*sm]))
		}
	})
}

// vonMisesWrap returns (v + π) mod 2π - π in [-π, π), rounded to T and kept
// inside the interval: float32(π) > π, and a value just below π rounds
// up to it.
func vonMisesWrap[T tensor.Float](v float64) T {
	w := math.Mod(v+math.Pi, 2*math.Pi)
	if w < 0 {
		w += 2 * math.Pi
	}
	res := T(w - math.Pi)
	switch {
	case float64(res) >= math.Pi:
		res = T(math.Nextafter(math.Pi, 0))
		if float64(res) >= math.Pi { // float32
			res = T(math.Nextafter32(float32(math.Pi), 0))
		}
	case float64(res) < -math.Pi:
		res = T(math.Nextafter32(-float32(math.Pi), 0))
	}
	return res
}

// Sampler regimes of vonMisesProposal.
const (
	vonMisesUniformMax = 1e-5 // below: a uniform proposal, accepted with probability ≥ e^(-2κ)
	vonMisesNormalMin  = 1e16 // above: √κ·θ ~ N(0, 1), exact to O(1/κ), below float64's resolution
)

// vonMisesProposal holds the per-κ constants of vonMisesDraw.
type vonMisesProposal struct {
	k    float64
	q    float64 // (1-ρ)/(1+ρ): the wrapped Cauchy proposal is θ = 2·atan(q·tan(πu/2))
	rm1  float64 // r - 1
	rrp1 float64 // κ·(r - 1)·(r + 1)
}

// init sets the constants of Best and Fisher's sampler for κ (see draw).
// torch computes τ = 1 + √(1+4κ²), ρ = (τ - √(2τ))/(2κ), r = (1+ρ²)/(2ρ);
// here ρ = 2κ/(τ + √(2τ)) (the same, rationalised: no cancellation at
// small κ) and 1-ρ = (1 + 1/(√(1+4κ²) + 2κ) + √(2τ))/(τ + √(2τ)) (no
// cancellation at large κ), so that r - 1 = (1-ρ)²/(2ρ) and r + 1 =
// (1+ρ)²/(2ρ) keep their precision at both ends.
func (p *vonMisesProposal) init(k float64) {
	p.k = k
	if !(k >= vonMisesUniformMax) || k > vonMisesNormalMin {
		return
	}
	h := math.Hypot(1, 2*k) // √(1+4κ²)
	tau := 1 + h
	st := math.Sqrt(2 * tau)
	rho := 2 * k / (tau + st)
	omr := (1 + 1/(h+2*k) + st) / (tau + st)
	p.q = omr / (1 + rho)
	p.rm1 = omr * omr / (2 * rho)
	p.rrp1 = k * p.rm1 * ((1 + rho) * (1 + rho) / (2 * rho))
}

// draw returns θ ~ VonMises(0, κ) in (-π, π), in float64.
//
// Best and Fisher's rejection sampler ("Efficient simulation of the von
// Mises distribution", Applied Statistics 28(2), 1979), as torch: with z =
// cos πu₁, f = (1+rz)/(r+z), c = κ(r-f), accept when c(2-c) > u₂ or
// log(c/u₂) + 1 - c ≥ 0, and return ±acos f. f is the cosine of a wrapped
// Cauchy draw; here θ = acos f is 2·atan(q·tan(πu₁/2)) and c = κ(r²-1)/(r+z)
// with r + z = (r-1) + 2cos²(πu₁/2), the same quantities without the
// cancellations of r - f and r + z as r → 1 (large κ), where torch's
// float32 loop loses its acceptance rate (pytorch#88443). The acceptance
// probability stays above 0.65 for every κ.
//
// κ < 1e-5 proposes θ uniform and accepts with probability
// exp(-2κ·sin²(θ/2)) = e^(κcos θ)/e^κ ≥ e^(-2κ): exact, and the loop
// almost never repeats (also for κ = 0, the uniform law). κ > 1e16 returns
// ε/√κ, ε ~ N(0, 1). Without validation, κ < 0 or NaN gives NaN.
func (p *vonMisesProposal) draw(r *rand.Rand) float64 {
	k := p.k
	switch {
	case !(k >= 0):
		return math.NaN()
	case k < vonMisesUniformMax:
		for {
			th := math.Pi * (2*r.Float64() - 1)
			s := math.Sin(th / 2)
			if u := 1 - r.Float64(); u <= math.Exp(-2*k*s*s) { // u in (0, 1]
				return th
			}
		}
	case k > vonMisesNormalMin:
		return r.NormFloat64() / math.Sqrt(k)
	}
	for {
		s, c := math.Sincos(math.Pi / 2 * r.Float64()) // πu₁/2 in [0, π/2)
		cc := p.rrp1 / (p.rm1 + 2*c*c)                 // c = κ(r²-1)/(r+z)
		u2 := 1 - r.Float64()                          // in (0, 1]
		if cc*(2-cc) > u2 || math.Log(cc/u2)+1-cc >= 0 {
			th := 2 * math.Atan(p.q*s/c)
			if r.Uint64()&1 != 0 {
				th = -th
			}
			return th
		}
	}
}

// Mean is Loc, broadcast to the batch shape.
func (d *VonMises) Mean() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return p[0] })
}

// Mode is Loc, broadcast to the batch shape.
func (d *VonMises) Mode() (*tensor.Dense, error) { return d.Mean() }

// Variance is torch 1.13's circular variance 1 - I1(κ)/I0(κ), exact also
// for large κ (about 1/(2κ)), where torch's polynomial loses it.
func (d *VonMises) Variance() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 {
		_, v, _ := vonMisesBessel(p[1])
		return v
	})
}

// StdDev is √Variance.
func (d *VonMises) StdDev() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 {
		_, v, _ := vonMisesBessel(p[1])
		return math.Sqrt(v)
	})
}

// String is a torch-style summary of the distribution, for logs and messages.
func (d *VonMises) String() string {
	return fmt.Sprintf("VonMises(batch_shape=%s)", shape.Format(d.batch))
}

func init() {
	RegisterShapes("VonMises", GenericShapes("von_mises", map[string]int{"loc": 0, "concentration": 0}))
	Register("VonMises", func(s *Spec, opts ...Option) (Distribution, error) {
		if err := s.Known("loc", "concentration"); err != nil {
			return nil, err
		}
		loc, okL, err := s.Tensor("loc")
		if err != nil {
			return nil, err
		}
		conc, okC, err := s.Tensor("concentration")
		if err != nil {
			return nil, err
		}
		if !okL || !okC {
			return nil, fmt.Errorf("von_mises: loc and concentration are required: %w", ErrParam)
		}
		return NewVonMises(loc, conc, opts...)
	})
}
