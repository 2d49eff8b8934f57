package distributions

import (
	"math"
	"math/big"
	"sync"

	"github.com/seed39ad66a2/tensordist/tensor"
)

// Exact tables for the value paths of the count families (Poisson,
// Binomial): log k! and log(i/1024) as double-doubles, hi + lo with
// |lo| ≤ ½ulp(hi), so that a log-pmf summed from them (k·log λ - λ -
// log k!) cancels without losing digits. They are computed once, on first
// use, in math/big at ddPrec bits: log j from the series
// log m = 2·atanh((m-1)/(m+1)) at the primes (m = j/2^e in [3/4, 3/2),
// |z| ≤ 1/5, and log 2 = 2·atanh(1/3)), log j = log p + log(j/p) at the
// composites, log k! = Σ log j. Their error, below 2^-120 relative, is far
// below a double-double's 2^-106.
const (
	ddTableSize = 1024 // log k! for k < ddTableSize
	ddLogSize   = 1537 // log j for j < ddLogSize: ddLog's reduction reads log(i/1024), i in [768, 1536]
	ddPrec      = 160
)

var ddTab struct {
	once sync.Once
	logC [ddLogSize][2]float64   // log(i/1024), i ≥ 768 (below unused)
	logF [ddTableSize][2]float64 // log k!
	ln2  [2]float64
}

// ddTables returns the tables, computing them on the first call (about a
// millisecond).
func ddTables() *[ddTableSize][2]float64 {
	ddTab.once.Do(buildDDTables)
	return &ddTab.logF
}

func buildDDTables() {
	third := new(big.Float).SetPrec(ddPrec).Quo(bigF(1), bigF(3))
	ln2 := bigAtanh2(third)
	logs := make([]*big.Float, ddLogSize)
	logs[1] = bigF(0)
	for j := 2; j < ddLogSize; j++ {
		if p := smallestFactor(j); p < j {
			logs[j] = new(big.Float).SetPrec(ddPrec).Add(logs[p], logs[j/p])
			continue
		}
		// j = m·2^e, m in [3/4, 3/2)
		e := 0
		for float64(j)/math.Ldexp(1, e) >= 1.5 {
			e++
		}
		m := new(big.Float).SetPrec(ddPrec).SetMantExp(bigF(float64(j)), -e)
		z := new(big.Float).SetPrec(ddPrec).Quo(
			new(big.Float).SetPrec(ddPrec).Sub(m, bigF(1)),
			new(big.Float).SetPrec(ddPrec).Add(m, bigF(1)))
		l := bigAtanh2(z)
		logs[j] = l.Add(l, new(big.Float).SetPrec(ddPrec).Mul(bigF(float64(e)), ln2))
	}
	ddTab.ln2 = bigDD(ln2)
	sum := bigF(0)
	for j := 1; j < ddTableSize; j++ {
		sum.Add(sum, logs[j])
		ddTab.logF[j] = bigDD(sum)
	}
	ln1024 := new(big.Float).SetPrec(ddPrec).Mul(bigF(10), ln2)
	for i := 768; i < ddLogSize; i++ {
		ddTab.logC[i] = bigDD(new(big.Float).SetPrec(ddPrec).Sub(logs[i], ln1024))
	}
	ddTab.logC[1024] = [2]float64{} // log 1, exactly (the sums above leave 2^-150)
}

func bigF(x float64) *big.Float { return new(big.Float).SetPrec(ddPrec).SetFloat64(x) }

// bigAtanh2 is 2·atanh(z) = 2·Σ z^(2i+1)/(2i+1), for |z| ≤ 1/3.
func bigAtanh2(z *big.Float) *big.Float {
	z2 := new(big.Float).SetPrec(ddPrec).Mul(z, z)
	pow := new(big.Float).SetPrec(ddPrec).Set(z)
	sum := new(big.Float).SetPrec(ddPrec).Set(z)
	term := new(big.Float).SetPrec(ddPrec)
	eps := new(big.Float).SetMantExp(bigF(1), -ddPrec-4)
	for i := 1; ; i++ {
		pow.Mul(pow, z2)
		term.Quo(pow, bigF(float64(2*i+1)))
		sum.Add(sum, term)
		if term.Abs(term).Cmp(eps) < 0 {
			break
		}
	}
	return sum.Mul(sum, bigF(2))
}

// bigDD rounds x to a double-double.
func bigDD(x *big.Float) [2]float64 {
	hi, _ := x.Float64()
	lo, _ := new(big.Float).SetPrec(ddPrec).Sub(x, bigF(hi)).Float64()
	return [2]float64{hi, lo}
}

func smallestFactor(j int) int {
	for p := 2; p*p <= j; p++ {
		if j%p == 0 {
			return p
		}
	}
	return j
}

// fastTwoSum is s = a + b rounded and its error, for |a| ≥ |b| or a = 0
// (Dekker).
func fastTwoSum(a, b float64) (s, e float64) {
	s = a + b
	return s, b - (s - a)
}

// ddLog returns log x as a double-double for a finite x > 0 (subnormals
// included): x = f·2^e with f in [3/4, 3/2), c = i/1024 the nearest point
// of the table, and
//
//	log x = e·log 2 + log c + log1p((f-c)/c)
//
// where f-c is exact (Sterbenz) and |t| = |(f-c)/c| ≤ 1/1536, so that
// log1p(t) (ddLog1pSmall) adds an error below 2^-52·|t| and all else is
// exact to a double-double: an absolute error below 2^-62, and a relative one below
// 2^-51 where log x is near 0 (e = 0, c = 1: log x = log1p(t) alone).
func ddLog(x float64) (hi, lo float64) {
	ddTables()
	f, e := math.Frexp(x)
	if f < 0.75 {
		f, e = 2*f, e-1
	}
	i := int(f*1024 + 0.5)
	c := float64(i) / 1024
	l1 := ddLog1pSmall((f - c) / c)
	lc := ddTab.logC[i]
	if e == 0 {
		s, e1 := twoSum(lc[0], l1)
		return fastTwoSum(s, lc[1]+e1)
	}
	n := float64(e)
	ph := float64(n * ddTab.ln2[0]) // rounded on its own: no FMA fusion with the sum below
	pl := math.FMA(n, ddTab.ln2[0], -ph) + n*ddTab.ln2[1]
	s, e1 := twoSum(ph, lc[0])
	s, e2 := twoSum(s, l1)
	return fastTwoSum(s, pl+lc[1]+e1+e2)
}

// ddLog1pSmall is log1p(t) for |t| ≤ 1/1536 by its Taylor series to t^7
// (the rest is below |t|·2^-72), good to about an ulp: three times faster
// than math.Log1p, which matters in the distributions' first LogProb,
// where every parameter's logs are computed.
func ddLog1pSmall(t float64) float64 {
	return t * (1 - t*(1.0/2-t*(1.0/3-t*(1.0/4-t*(1.0/5-t*(1.0/6-t*(1.0/7)))))))
}

// ddLog1m returns log(1-y) as a double-double for 0 ≤ y ≤ ½: 1-y is
// h + l exactly (twoSum), and log(h+l) = log h + l/h to within (l/h)²
// < 2^-104.
func ddLog1m(y float64) (hi, lo float64) {
	h, l := twoSum(1, -y)
	hi, lo = ddLog(h)
	return fastTwoSum(hi, lo+l/h)
}

// countCache holds arrays computed on first use from one parameter, planes
// of them each indexed like the parameter (log λ as a double-double in two
// planes, hi and lo; log p and log(1-p) in four), shared by a distribution
// and its Expand as derived is. The planes are apart, so that a float32
// path reads only the hi parts it needs.
type countCache struct {
	once   sync.Once
	planes [][]float64
}

// of returns the planes, computing them on the first call with fill(x,
// dst), which sets dst[j] to plane j's element for each element x of p.
func (c *countCache) of(p *tensor.Dense, width int, fill func(x float64, dst []float64)) [][]float64 {
	c.once.Do(func() {
		xs, _ := tensor.Float64s(p) // the dtype was checked at construction
		planes := make([][]float64, width)
		for j := range planes {
			planes[j] = make([]float64, len(xs))
		}
		dst := make([]float64, width)
		for i, x := range xs {
			fill(x, dst)
			for j, v := range dst {
				planes[j][i] = v
			}
		}
		c.planes = planes
	})
	return c.planes
}
