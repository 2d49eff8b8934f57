package tensor

import "math/rand/v2"

// Reseed sets pcg to the state of block b's generator, so that a caller
// which keeps one rand.Rand over pcg draws exactly what Block(b) would,
// without allocating a generator per block.
func (s Streams) Reseed(b int, pcg *rand.PCG) {
	pcg.Seed(splitmix(s.k0^uint64(b)), splitmix(s.k1+uint64(b)*0x9e3779b97f4a7c15))
}
