package main

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Model is the hierarchical model and the truth its data are drawn from:
//
//	m ~ Normal(MLoc, MScale), τ ~ LogNormal(0, ScalePrior), σ ~ LogNormal(0, ScalePrior),
//	μ_g ~ Normal(m, τ) for each group g, y_gi ~ Normal(μ_g, σ) for i < Sizes[g].
type Model struct {
	Sizes        []int   // observations per group; the groups are len(Sizes)
	MLoc, MScale float64 // prior of the global mean m
	ScalePrior   float64 // log-scale of the LogNormal(0, ScalePrior) priors of τ and σ
	TrueM        float64 // the generating values of m, τ and σ; μ_g is drawn
	TrueTau      float64
	TrueSigma    float64
	DataSeed     uint64
}

// Data are the draws of a Model: the group means and the observations,
// padded to the largest group and masked, so that every group is one
// column of the same array and the likelihood is one node.
type Data struct {
	TrueMu []float64     // μ_g, shape (G)
	Y      *tensor.Dense // (nmax, 1, G); padding holds 0
	Mask   *tensor.Dense // (nmax, 1, G) bool: true where Y is an observation
	N      int           // observations in all
}

// Groups is the number of groups G.
func (m Model) Groups() int { return len(m.Sizes) }

// check says which field of m is unusable, wrapping distributions.ErrParam.
func (m Model) check() error {
	if len(m.Sizes) == 0 {
		return fmt.Errorf("demo: model: Sizes is empty, want one size per group: %w", distributions.ErrParam)
	}
	for g, n := range m.Sizes {
		if n < 1 {
			return fmt.Errorf("demo: model: Sizes[%d] = %d, want ≥ 1: %w", g, n, distributions.ErrParam)
		}
	}
	for _, p := range []struct {
		name     string
		v        float64
		positive bool
	}{{"MLoc", m.MLoc, false}, {"MScale", m.MScale, true}, {"ScalePrior", m.ScalePrior, true},
		{"TrueM", m.TrueM, false}, {"TrueTau", m.TrueTau, true}, {"TrueSigma", m.TrueSigma, true}} {
		if math.IsNaN(p.v) || math.IsInf(p.v, 0) || (p.positive && p.v <= 0) {
			rule := "finite"
			if p.positive {
				rule = "finite and > 0"
			}
			return fmt.Errorf("demo: model: %s = %g, want %s: %w", p.name, p.v, rule, distributions.ErrParam)
		}
	}
	return nil
}

// Simulate draws μ_g ~ Normal(TrueM, TrueTau) and then every y_gi from
// a source seeded with DataSeed.
func (m Model) Simulate() (*Data, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	src := rand.NewPCG(m.DataSeed, 1)
	groupPrior, err := distributions.NewNormal(tensor.Scalar(m.TrueM), tensor.Scalar(m.TrueTau))
	if err != nil {
		return nil, err
	}
	mu, err := groupPrior.Sample(src, m.Groups())
	if err != nil {
		return nil, err
	}
	lik, err := distributions.NewNormal(mu, tensor.Scalar(m.TrueSigma))
	if err != nil {
		return nil, err
	}
	nmax := 0
	for _, n := range m.Sizes {
		nmax = max(nmax, n)
	}
	y, err := lik.Sample(src, nmax, 1) // (nmax, 1, G)
	if err != nil {
		return nil, err
	}
	ys, mask := y.Float64s(), make([]bool, nmax*m.Groups())
	for i := range ys {
		if g := i % m.Groups(); i/m.Groups() < m.Sizes[g] {
			mask[i] = true
		} else {
			ys[i] = 0
		}
	}
	maskT, err := tensor.New(mask, nmax, 1, m.Groups())
	if err != nil {
		return nil, err
	}
	d := &Data{TrueMu: mu.Float64s(), Y: y, Mask: maskT}
	for _, n := range m.Sizes {
		d.N += n
	}
	return d, nil
}

// priorSD returns the prior standard deviations of m, τ, σ and of each
// μ_g, the yardstick of "the posterior shrank": Var μ_g = Var m + E τ².
func (m Model) priorSD() (sdM, sdTau, sdSigma, sdMu float64, err error) {
	scalePrior, err := distributions.NewLogNormal(tensor.Scalar(0.0), tensor.Scalar(m.ScalePrior))
	if err != nil {
		return 0, 0, 0, 0, err
	}
	sd, err := scalePrior.StdDev()
	if err != nil {
		return 0, 0, 0, 0, err
	}
	mean, err := scalePrior.Mean()
	if err != nil {
		return 0, 0, 0, 0, err
	}
	s, mu := sd.Float64s()[0], mean.Float64s()[0]
	return m.MScale, s, s, math.Sqrt(m.MScale*m.MScale + s*s + mu*mu), nil
}
