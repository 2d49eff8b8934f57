package tensor

import (
	"math"
	"math/rand/v2"
)

// Rng is a block's generator with concrete draws that the compiler
// inlines: it is math/rand/v2's PCG itself (the same state and the same
// words as the source of Streams.Block(b)), so a sampler that takes a *Rng
// avoids the rand.Source interface call that every draw of a *rand.Rand
// makes, and Float64 returns exactly what rand.Rand.Float64 would.
type Rng rand.PCG

// AsRng views p as an Rng; draws from either advance the same state.
func AsRng(p *rand.PCG) *Rng { return (*Rng)(p) }

// Rng returns a new generator of block b (the words of Block(b)).
func (s Streams) Rng(b int) *Rng {
	r := new(Rng)
	s.ReseedRng(b, r)
	return r
}

// ReseedRng sets r to the state of block b's generator, as Reseed.
func (s Streams) ReseedRng(b int, r *Rng) { s.Reseed(b, (*rand.PCG)(r)) }

// Uint64 returns the next 64 random bits.
func (r *Rng) Uint64() uint64 { return (*rand.PCG)(r).Uint64() }

// Float64 is U[0, 1) with 53 random bits, as rand.Rand.Float64.
func (r *Rng) Float64() float64 { return float64(r.Uint64()<<11>>11) * 0x1p-53 }

// Ziggurat tables for N(0, 1) (G. Marsaglia and W. W. Tsang, "The
// Ziggurat Method for Generating Random Variables", J. Statistical
// Software 5(8), 2000), with 256 layers (the R and V of J. A. Doornik,
// "An Improved Ziggurat Method to Generate Normal Random Samples", 2005):
// layers of equal area zigV under f(x) = exp(-x²/2), base layer 0 (the
// rectangle of width zigV/f(zigR) plus the tail beyond zigR), layer i ≥ 1
// the rectangle [0, x_i] × [f(x_i), f(x_{i-1})], x_255 = zigR > x_254 >
// ... > x_1, f(x_0) = 1. A point uniform in layer i's rectangle whose |x|
// is below the inner width (x_{i-1}; zigR in layer 0) lies under f and is
// returned at once, 98.5% of the time (97.2% with 128 layers).
const (
	zigR = 3.6541528853610088
	zigV = 0.00492867323399
	zigN = 256
)

var zig struct {
	x [zigN]float64 // layer widths: x[0] = zigV/f(zigR), then x_i
	f [zigN]float64 // f(x_i); f[0] = 1, the top of layer 1
	// The 53-bit form (NormFloat64): |x| = m·w53[i], m uniform on
	// [0, 2^53), accepted at once when m < k53[i].
	k53 [zigN]uint64
	w53 [zigN]float64
	// The 23-bit form (NormFloat32s): |x| = m·w23[i], m on [0, 2^23).
	k23 [zigN]uint32
	w23 [zigN]float32
}

func init() {
	z := &zig
	fr := math.Exp(-0.5 * zigR * zigR)
	z.x[0], z.x[zigN-1] = zigV/fr, zigR
	z.f[0], z.f[zigN-1] = 1, fr
	for i := zigN - 2; i >= 1; i-- {
		z.x[i] = math.Sqrt(-2 * math.Log(zigV/z.x[i+1]+z.f[i+1]))
		z.f[i] = math.Exp(-0.5 * z.x[i] * z.x[i])
	}
	for i := range zigN {
		var inner float64 // the inner width's share of the layer, rounded down below
		switch i {
		case 0:
			inner = zigR / z.x[0]
		case 1:
			inner = 0 // the top layer has no inner part
		default:
			inner = z.x[i-1] / z.x[i]
		}
		// Rounding the thresholds down only sends a sliver of points of
		// the inner part to the exact wedge test, which accepts them.
		z.k53[i] = uint64(math.Floor(inner * 0x1p53))
		z.w53[i] = z.x[i] * 0x1p-53
		z.k23[i] = uint32(math.Floor(inner * 0x1p23))
		z.w23[i] = float32(z.x[i] * 0x1p-23)
	}
}

// NormFloat64 returns an N(0, 1) draw by the ziggurat with 53 random bits
// in the magnitude (math/rand/v2's NormFloat64 has 31): one word for the
// layer (bits 0-7), the sign (bit 8) and the magnitude (bits 11-63), and
// more words only when the point falls outside its layer's inner part
// (1.5% of the time).
func (r *Rng) NormFloat64() float64 {
	for {
		u := r.Uint64()
		i, m := u&255, u>>11
		x := float64(m) * zig.w53[i]
		if m >= zig.k53[i] {
			var ok bool
			if x, ok = r.normEdge(int(i), x); !ok {
				continue
			}
		}
		return math.Float64frombits(math.Float64bits(x) | (u&256)<<55)
	}
}

// normEdge decides a point x = |draw| of layer i outside the inner part.
// In the base layer it returns instead a draw from the tail beyond zigR
// (Marsaglia's method: zigR + e₁/zigR, e₁, e₂ ~ Exp(1), accepted when
// 2e₂ ≥ (e₁/zigR)²); in layer i ≥ 1 it accepts x when a uniform height in
// [f(x_i), f(x_{i-1})] lies below f(x), and reports false when the caller
// must start over with a new word.
func (r *Rng) normEdge(i int, x float64) (float64, bool) {
	if i == 0 {
		for {
			t := -math.Log(1-r.Float64()) / zigR // 1-U in (0, 1]: finite
			e := -math.Log(1 - r.Float64())
			if e+e >= t*t {
				return zigR + t, true
			}
		}
	}
	y := zig.f[i] + r.Float64()*(zig.f[i-1]-zig.f[i])
	return x, y < math.Exp(-0.5*x*x)
}

// NormFloat64s fills dst with N(0, 1) draws, NormFloat64's in turn, its
// first try inlined in the loop.
func (r *Rng) NormFloat64s(dst []float64) {
	for k := range dst {
		u := r.Uint64()
		i, m := u&255, u>>11
		if m >= zig.k53[i] {
			dst[k] = r.norm64Edge(u)
			continue
		}
		x := float64(m) * zig.w53[i]
		dst[k] = math.Float64frombits(math.Float64bits(x) | (u&256)<<55)
	}
}

// norm64Edge finishes NormFloat64's first try with word u outside the
// inner part, starting over on rejection.
func (r *Rng) norm64Edge(u uint64) float64 {
	i := u & 255
	x, ok := r.normEdge(int(i), float64(u>>11)*zig.w53[i])
	if !ok {
		return r.NormFloat64()
	}
	return math.Float64frombits(math.Float64bits(x) | (u&256)<<55)
}

// NormFloat32s fills dst with N(0, 1) draws in float32, two per word: the
// low then the high 32 bits each give a layer (bits 0-7), a sign (bit 8)
// and a 23-bit magnitude (bits 9-31): the layer's width in 2^23 steps,
// within a factor 2 of a float32's spacing at the widest layer. The rare
// point outside its layer's inner part is decided in float64 (normEdge),
// and a rejected one is replaced by a NormFloat64 draw rounded (a
// rejection restarts the ziggurat, so any exact N(0, 1) draw will do).
// An odd len(dst) leaves the last word's high half unused.
func (r *Rng) NormFloat32s(dst []float32) {
	k := 0
	for ; k+1 < len(dst); k += 2 {
		u := r.Uint64()
		lo, hi := uint32(u), uint32(u>>32)
		if i, m := lo&255, lo>>9; m < zig.k23[i] {
			dst[k] = math.Float32frombits(math.Float32bits(float32(m)*zig.w23[i]) | (lo&256)<<23)
		} else {
			dst[k] = r.norm32Edge(lo)
		}
		if i, m := hi&255, hi>>9; m < zig.k23[i] {
			dst[k+1] = math.Float32frombits(math.Float32bits(float32(m)*zig.w23[i]) | (hi&256)<<23)
		} else {
			dst[k+1] = r.norm32Edge(hi)
		}
	}
	if k < len(dst) {
		h := uint32(r.Uint64())
		if i, m := h&255, h>>9; m < zig.k23[i] {
			dst[k] = math.Float32frombits(math.Float32bits(float32(m)*zig.w23[i]) | (h&256)<<23)
		} else {
			dst[k] = r.norm32Edge(h)
		}
	}
}

// norm32Edge is NormFloat32s's rare path for the half word h.
func (r *Rng) norm32Edge(h uint32) float32 {
	i, m := h&255, h>>9
	x, ok := r.normEdge(int(i), float64(m)*zig.x[i]*0x1p-23)
	if !ok {
		return float32(r.NormFloat64())
	}
	if h&256 != 0 {
		x = -x
	}
	return float32(x)
}
