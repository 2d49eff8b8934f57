package scale

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// covariateScale is the standard deviation of every covariate but the
// intercept: small enough that exp(x·β) stays moderate for |β| ≲ 1.
const covariateScale = 0.5

// Data describes the synthetic Poisson regression
//
//	y_i ~ Poisson(λ_i),  λ_i = exp(x_i·β),  x_i = (1, z_i1, …, z_i(p-1)),  z ~ N(0, 0.5²)
//
// as Blocks blocks of BlockRows rows, block b drawn from rand.NewPCG(Seed, b)
// with β = Truth. It is all a worker needs to regenerate its rows.
type Data struct {
	Seed      uint64
	Blocks    int
	BlockRows int
	Truth     []float64 // generating β; its length p is the number of coefficients
}

// Validate reports the first field that cannot describe any data.
func (d Data) Validate() error {
	switch {
	case d.Blocks < 1:
		return fmt.Errorf("scale: blocks must be >= 1, got %d: %w", d.Blocks, distributions.ErrParam)
	case d.BlockRows < 1:
		return fmt.Errorf("scale: block rows must be >= 1, got %d: %w", d.BlockRows, distributions.ErrParam)
	case len(d.Truth) < 1:
		return fmt.Errorf("scale: truth must have shape (p,) with p >= 1, got (0,): %w", distributions.ErrShape)
	}
	for j, v := range d.Truth {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("scale: truth must be finite, got %g at index %d: %w", v, j, distributions.ErrParam)
		}
	}
	return nil
}

// Coefficients is p, the length of β.
func (d Data) Coefficients() int { return len(d.Truth) }

// Rows is the number of rows of the whole data.
func (d Data) Rows() int64 { return int64(d.Blocks) * int64(d.BlockRows) }

// Block regenerates block b: the design matrix x, row-major (BlockRows, p)
// with ones in column 0, and the counts y, shaped (BlockRows,).
func (d Data) Block(b int) (x []float64, y *tensor.Dense, err error) {
	if b < 0 || b >= d.Blocks {
		return nil, nil, fmt.Errorf("scale: block must be in [0, %d), got %d: %w", d.Blocks, b, distributions.ErrParam)
	}
	src := rand.NewPCG(d.Seed, uint64(b))
	n, p := d.BlockRows, d.Coefficients()
	zs, err := covariates(src, n*(p-1))
	if err != nil {
		return nil, nil, err
	}
	x = make([]float64, n*p)
	for i := range n {
		x[i*p] = 1
		copy(x[i*p+1:(i+1)*p], zs[i*(p-1):(i+1)*(p-1)])
	}
	rate, err := tensor.New(rates(x, d.Truth), n)
	if err != nil {
		return nil, nil, err
	}
	poisson, err := distributions.NewPoisson(rate)
	if err != nil {
		return nil, nil, err
	}
	y, err = poisson.Sample(src)
	if err != nil {
		return nil, nil, err
	}
	return x, y, nil
}

// covariates draws m values from N(0, covariateScale²).
func covariates(src rand.Source, m int) ([]float64, error) {
	if m == 0 {
		return nil, nil
	}
	normal, err := distributions.NewNormal(tensor.Scalar(0.0), tensor.Scalar(covariateScale))
	if err != nil {
		return nil, err
	}
	z, err := normal.Sample(src, m)
	if err != nil {
		return nil, err
	}
	return z.Float64s(), nil
}

// rates returns λ_i = exp(x_i·β) for the row-major design x.
func rates(x, beta []float64) []float64 {
	p := len(beta)
	out := make([]float64, len(x)/p)
	for i := range out {
		eta := 0.0
		for j, b := range beta {
			eta += x[i*p+j] * b
		}
		out[i] = math.Exp(eta)
	}
	return out
}
