package tensor

import (
	"errors"
	"math/rand/v2"
)

// ErrNilSource is returned when a sampler is given a nil rand.Source:
// tensordist never falls back to a hidden global generator.
var ErrNilSource = errors.New("tensor: nil rand.Source")

// Streams derives independent, reproducible generators for the blocks of one
// sampling call from a seed drawn from the caller's source, so that the
// draws depend on the seed and the block layout only, never on how many
// goroutines ran.
type Streams struct{ k0, k1 uint64 }

// NewStreams draws two words from src to key the streams of one call.
func NewStreams(src rand.Source) (Streams, error) {
	if src == nil {
		return Streams{}, ErrNilSource
	}
	return Streams{src.Uint64(), src.Uint64()}, nil
}

// Block returns the generator of block b.
func (s Streams) Block(b int) *rand.Rand {
	return rand.New(rand.NewPCG(splitmix(s.k0^uint64(b)), splitmix(s.k1+uint64(b)*0x9e3779b97f4a7c15)))
}

// splitmix is SplitMix64's finaliser (Steele, Lea, Flood 2014), used to
// decorrelate the seeds of neighbouring blocks.
func splitmix(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// Fill writes into dst draws of f, block by block with the streams of s
// (in parallel for large dst); f is math/rand/v2's NormFloat64 (a ziggurat),
// ExpFloat64 or Float64, or any func of a *rand.Rand.
func Fill[T Float](s Streams, dst []T, f func(*rand.Rand) float64) {
	ForBlocks(len(dst), func(b, lo, hi int) {
		r := s.Block(b)
		for i := lo; i < hi; i++ {
			dst[i] = T(f(r))
		}
	})
}

// StdNormal is an N(0, 1) base draw of the families' samplers.
func StdNormal(r *rand.Rand) float64 { return r.NormFloat64() }

// StdExponential is an Exp(1) base draw (math/rand/v2's ziggurat).
func StdExponential(r *rand.Rand) float64 { return r.ExpFloat64() }

// StdUniform is a U[0, 1) base draw.
func StdUniform(r *rand.Rand) float64 { return r.Float64() }
