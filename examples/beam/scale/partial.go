package scale

import (
	"fmt"
	"math"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Partial is one block's share of the log-likelihood and of its
// derivatives with respect to β: what a worker sends back instead of rows.
type Partial struct {
	Block  int
	Rows   int64
	LogLik float64   // Σ log p(y_i | λ_i)
	Grad   []float64 // ∂LogLik/∂β, length p
	Info   []float64 // Fisher information Σ λ_i x_i x_iᵀ, row-major (p, p)
}

// BlockPartial scores block b of d at coefficients beta. Σ log p(y) and
// ∂/∂λ_i come from tensordist's Poisson.LogProbGrad; the log link gives
//
//	∂/∂β_j = Σ_i ∂/∂λ_i · λ_i · x_ij,   -∂²/∂β∂βᵀ = Σ_i λ_i x_i x_iᵀ
//
// (the observed and expected information agree for the canonical link).
func BlockPartial(d Data, b int, beta []float64) (Partial, error) {
	if err := checkBeta(d, beta); err != nil {
		return Partial{}, err
	}
	x, y, err := d.Block(b)
	if err != nil {
		return Partial{}, err
	}
	n, p := d.BlockRows, len(beta)
	lambda := rates(x, beta)
	rate, err := tensor.New(lambda, n)
	if err != nil {
		return Partial{}, err
	}
	poisson, err := distributions.NewPoisson(rate)
	if err != nil {
		return Partial{}, fmt.Errorf("scale: block %d at beta %v: %w", b, beta, err)
	}
	g, err := poisson.LogProbGrad(y)
	if err != nil {
		return Partial{}, err
	}
	dRate := g.Params["rate"].Float64s()
	part := Partial{Block: b, Rows: int64(n), LogLik: g.LogProb, Grad: make([]float64, p), Info: make([]float64, p*p)}
	for i, l := range lambda {
		row := x[i*p : (i+1)*p]
		w := dRate[i] * l
		for j, xj := range row {
			part.Grad[j] += w * xj
			for k, xk := range row {
				part.Info[j*p+k] += l * xj * xk
			}
		}
	}
	return part, nil
}

// checkBeta reports a beta that is not p finite coefficients.
func checkBeta(d Data, beta []float64) error {
	if len(beta) != d.Coefficients() {
		return fmt.Errorf("scale: beta must have shape (%d,) like truth, got (%d,): %w",
			d.Coefficients(), len(beta), distributions.ErrShape)
	}
	for j, v := range beta {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("scale: beta must be finite, got %g at index %d: %w", v, j, distributions.ErrParam)
		}
	}
	return nil
}
