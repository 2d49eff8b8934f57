package distributions

import (
	"fmt"
	"math"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Poisson is a batch of Poisson distributions of rate λ ≥ 0 over the counts
// {0, 1, 2, …}; values and samples are floats, as in torch:
//
//	log p(k) = k·log λ - λ - log k!     ∂/∂λ = k/λ - 1    ∂/∂k = log λ - ψ(k+1)
//
// with 0·log 0 = 0, so that λ = 0 gives log p(0) = 0 and ∂/∂λ = -1 at k = 0
// (torch's xlogy; its gradient there is NaN). The sum above cancels for
// large λ and k (torch loses 1e-10 relative at λ = k = 1e6), so log p(k) is
// evaluated in Loader's saddle-point form, accurate to a few ulps for every
// λ and k:
//
//	log p(k) = -stirlerr(k) - bd0(k, λ) - ½·log(2πk),   k > 0
//
// (C. Loader, "Fast and accurate computation of binomial probabilities",
// 2000). Without validation a negative value scores -Inf, a non-integer one
// the formula's continuous extension, as torch's lgamma does.
//
// Pyro's is_sparse (NewPoissonSparse) evaluates the logarithms only where
// k > 0; this kernel never evaluates them at k = 0 anyway (log p(0) = -λ),
// so both give the same bits, and Expand keeps the flag, as Pyro's does.
type Poisson struct {
	elementwise
	sparse bool
}

// NewPoisson returns the Poisson distributions of rate rate; when
// validating, every rate is ≥ 0 (torch: nonnegative).
func NewPoisson(rate *tensor.Dense, opts ...Option) (*Poisson, error) {
	return newPoisson(rate, false, opts)
}

// NewPoissonSparse is NewPoisson with Pyro's is_sparse=True, the hint that
// most counts are zero; the results are the same.
func NewPoissonSparse(rate *tensor.Dense, opts ...Option) (*Poisson, error) {
	return newPoisson(rate, true, opts)
}

func newPoisson(rate *tensor.Dense, sparse bool, opts []Option) (*Poisson, error) {
	cfg := newConfig(opts)
	e, err := newElementwise("poisson", []string{"rate"}, []*tensor.Dense{rate}, cfg)
	if err != nil {
		return nil, err
	}
	if cfg.validate {
		if err := check("poisson", "rate", ">= 0", rate, ErrParam, isNonNegative); err != nil {
			return nil, err
		}
	}
	logRate := new(countCache) // shared by Expand, which copies the kernels
	e.k32 = func(a *kargs[float32]) { poissonKernel(a, rate, logRate) }
	e.k64 = func(a *kargs[float64]) { poissonKernel(a, rate, logRate) }
	e.support, e.rule = isNaturalNumber, "a non-negative integer"
	return &Poisson{elementwise: e, sparse: sparse}, nil
}

// Expand returns the distributions broadcast to batch, sharing rate and
// keeping is_sparse (Pyro's Poisson.expand).
func (d *Poisson) Expand(batch []int) (Distribution, error) {
	e, err := d.expand(batch)
	if err != nil {
		return nil, err
	}
	return &Poisson{elementwise: e, sparse: d.sparse}, nil
}

// Rate is the rate parameter, as given.
func (d *Poisson) Rate() *tensor.Dense { return d.params[0] }

// IsSparse reports Pyro's is_sparse flag.
func (d *Poisson) IsSparse() bool { return d.sparse }

// poissonKernel is Poisson's one numerical path; operands (out, x, rate).
// In float64 log p comes from poissonLogPDD (rate's logs cached in
// logRate), in float32 LogProb from poissonValues' plain sum and
// LogProbGrad from poissonLogPMF; gradients in float64.
func poissonKernel[T tensor.Float](a *kargs[T], rate *tensor.Dense, logRate *countCache) {
	x, rt := a.in[0], a.in[1]
	var logs [][]float64 // one dtype per distribution: the cache holds one of these
	if tensor.DtypeOf[T]() == tensor.Float32 {
		logs = logRate.of(rate, 1, poissonLogRate32)
	} else {
		logs = logRate.of(rate, 2, poissonLogRate)
	}
	if a.grad == nil {
		poissonValues(a, logs)
		return
	}
	lf := ddTables()
	for r := range a.p.RunsIn(a.lo, a.hi) {
		o, ox, ol, sx, sl := r.Off[0], r.Off[1], r.Off[2], r.Step[1], r.Step[2]
		for i := range r.N {
			k, lam := float64(x[ox+i*sx]), float64(rt[ol+i*sl])
			lp := poissonLogPMF(k, lam)
			if len(logs) == 2 { // float64: LogProb's sum
				lp = poissonLogPDD(k, lam, logs[0][ol+i*sl], logs[1][ol+i*sl], lf)
			}
			if a.out != nil {
				a.out[o+i] = T(lp)
			}
			w := a.weight(o + i)
			if w == 0 { // select, never multiply: a masked -Inf or NaN stays out
				continue
			}
			a.sum += w * lp
			if k < 0 { // off the support: log p is -Inf all around, no slope
				continue
			}
			if g := a.grad[0]; g != nil {
				g[ox+i*sx] += w * (tensor.Log(lam) - tensor.Digamma(k+1))
			}
			if g := a.grad[1]; g != nil {
				dl := -1.0
				if k != 0 { // the k·log λ term is 0 at k = 0, also at λ = 0
					dl += k / lam
				}
				g[ol+i*sl] += w * dl
			}
		}
	}
}

// poissonLogPMF is log p(k) of Poisson(λ) (see Poisson).
func poissonLogPMF(k, lam float64) float64 {
	switch {
	case k != k || lam != lam:
		return math.NaN()
	case k < 0:
		return math.Inf(-1)
	case k == 0:
		return 0 - lam // +0, not -0, at λ = 0
	case lam < 0: // outside the constraint: torch's xlogy(k, λ) is NaN
		return math.NaN()
	case math.IsInf(k, 1) && math.IsInf(lam, 1):
		return math.NaN()
	case lam == 0 || math.IsInf(k, 1) || math.IsInf(lam, 1):
		return math.Inf(-1)
	}
	return poissonLogC(k) - bd0(k, lam)
}

// poissonLogC is -stirlerr(k) - ½·log(2πk), log p(k) but for -bd0(k, λ):
// read from poissonLogCTable at the small integers, which saves a log per
// element there (the table holds the same expression's values).
func poissonLogC(k float64) float64 {
	if n := int(k); n < len(poissonLogCTable) && float64(n) == k {
		return poissonLogCTable[n]
	}
	return poissonLogCOf(k)
}

func poissonLogCOf(k float64) float64 { return -stirlerr(k) - halfLog2Pi - 0.5*tensor.Log(k) }

var poissonLogCTable = func() (t [1024]float64) {
	for n := 1; n < len(t); n++ {
		t[n] = poissonLogCOf(float64(n))
	}
	return t
}()

// stirlerrLow holds stirlerr(n) for n = 0…15 (mpmath, 60 digits, rounded
// once; n = 0 is a placeholder, callers never ask for it). Below 16 the
// definition cancels: at n = 15 it subtracts terms near 43 to leave 0.0056.
var stirlerrLow = [16]float64{
	0, 0.08106146679532726, 0.0413406959554093, 0.02767792568499834,
	0.020790672103765093, 0.016644691189821193, 0.013876128823070748, 0.01189670994589177,
	0.010411265261972096, 0.009255462182712733, 0.00833056343336287, 0.007573675487951841,
	0.00694284010720953, 0.006408994188004207, 0.0059513701127588475, 0.005554733551962801,
}

// stirlerrTable caches stirlerr at the integers below 1024: stirlerrLow,
// then the series' own values, so that a lookup saves a division.
var stirlerrTable = func() (t [1024]float64) {
	copy(t[:], stirlerrLow[:])
	for n := len(stirlerrLow); n < len(t); n++ {
		t[n] = stirlerrSeries(float64(n))
	}
	return t
}()

// stirlerr returns log Γ(x+1) - (x+½)·log x + x - log √(2π), the error of
// Stirling's formula for log x!, for x > 0 (Loader 2000). Above 15 it sums
// the asymptotic series Σ B_2j/(2j(2j-1)x^(2j-1)) to B_14, whose next term
// is below 1e-19 relative there; at integers up to 15 it reads the table;
// elsewhere (non-integers below 15, values only an unvalidated call passes)
// it uses the definition.
func stirlerr(x float64) float64 {
	if n := int(x); n >= 0 && n < len(stirlerrTable) && float64(n) == x {
		return stirlerrTable[n]
	}
	if x > 15 {
		return stirlerrSeries(x)
	}
	return tensor.Lgamma(x+1) - (x+0.5)*tensor.Log(x) + x - halfLog2Pi
}

func stirlerrSeries(x float64) float64 {
	y := 1 / (x * x)
	return (1.0/12 - y*(1.0/360-y*(1.0/1260-y*(1.0/1680-y*(1.0/1188-y*(691.0/360360-y/156)))))) / x
}

// bd0Inv holds 1/(2j+1), the coefficients of bd0's series.
var bd0Inv = func() (c [64]float64) {
	for j := range c {
		c[j] = 1 / float64(2*j+1)
	}
	return c
}()

// bd0 returns x·log(x/m) + m - x ≥ 0, the deviance term of Loader (2000),
// for x > 0 and m > 0, both finite. Near x = m its terms cancel, so there
// (|x-m| < 0.1(x+m)) it sums the series 2x·Σ_{j≥1} v^(2j+1)/(2j+1) +
// (x-m)·v with v = (x-m)/(x+m), whose terms fall by v² < 0.01.
// Measured against mpmath: ≤ 2e-15 relative over x/m in [1e-6, 1e6].
func bd0(x, m float64) float64 { return bd0Split(x, m, 0) }

// bd0Split is bd0(x, m + mlo) for m + mlo a double-double (|mlo| ≪ m),
// such as n·p and its rounding error: near x = m, bd0 ≈ (x-m)²/(2m) takes
// its relative error from x - m, which the rounding of n·p alone would
// spoil (5e-11 relative at n = 1e15, k - np = 2e7).
func bd0Split(x, m, mlo float64) float64 {
	if mlo != 0 { // renormalise (Fast2Sum), so that m alone is m + mlo rounded
		hi := m + mlo
		m, mlo = hi, mlo-(hi-m)
	}
	s := x + m
	if math.IsInf(s, 1) { // bd0 is homogeneous: bd0(x, m) = 2·bd0(x/2, m/2)
		return 2 * bd0Split(0.5*x, 0.5*m, 0.5*mlo)
	}
	d := (x - m) - mlo // x - m is exact below (Sterbenz: x/m in [0.5, 2])
	if math.Abs(d) < 0.1*s {
		v := d / s
		sum := d * v
		ej := 2 * x * v
		v2 := v * v
		for j := 1; j < len(bd0Inv); j++ {
			ej *= v2
			next := sum + ej*bd0Inv[j]
			if next == sum {
				break
			}
			sum = next
		}
		return sum
	}
	if r := x / m; r >= 0.5 && r <= 2 {
		// x·log1p(d/m) - d cancels less than x·log(x/m) + m - x (by 8
		// rather than 40 at x/m = 1.3).
		return x*math.Log1p(d/m) - d
	}
	r := x / m
	lr := math.Log(r)
	if r < 0x1p-1022 || math.IsInf(r, 1) { // x/m under- or overflows
		lr = tensor.Log(x) - tensor.Log(m)
	}
	return x*lr + m - x
}

// Mean is λ.
func (d *Poisson) Mean() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return p[0] })
}

// Variance is λ.
func (d *Poisson) Variance() (*tensor.Dense, error) { return d.Mean() }

// StdDev is √λ.
func (d *Poisson) StdDev() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return math.Sqrt(p[0]) })
}

// Mode is ⌊λ⌋ (torch's; at an integer λ, λ-1 is a mode as well).
func (d *Poisson) Mode() (*tensor.Dense, error) {
	return d.moment(func(p []float64) float64 { return math.Floor(p[0]) })
}

// String is a torch-style summary of the distribution, for logs and messages.
func (d *Poisson) String() string {
	return fmt.Sprintf("Poisson(batch_shape=%s)", shape.Format(d.batch))
}

func init() {
	RegisterShapes("Poisson", GenericShapes("poisson", map[string]int{"rate": 0}))
	Register("Poisson", func(s *Spec, opts ...Option) (Distribution, error) {
		if err := s.Known("rate", "is_sparse"); err != nil {
			return nil, err
		}
		rate, ok, err := s.Tensor("rate")
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("poisson: rate is required: %w", ErrParam)
		}
		sparse, ok, err := s.Tensor("is_sparse")
		if err != nil {
			return nil, err
		}
		if ok {
			v := sparse.Float64s()
			if len(v) != 1 || !isBoolean(v[0]) {
				return nil, fmt.Errorf("poisson: is_sparse must be a boolean: %w", ErrParam)
			}
			if v[0] == 1 {
				return NewPoissonSparse(rate, opts...)
			}
		}
		return NewPoisson(rate, opts...)
	})
}
