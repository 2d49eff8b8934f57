package main

import (
	"fmt"
	"math"
	"math/rand/v2"

	G "gorgonia.org/gorgonia"

	"github.com/seed39ad66a2/tensordist/autodiff"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// site is one latent variable of the mean-field guide: its variational
// parameters, unconstrained (a location and a log-scale, each of the
// variable's shape), and the node of its K reparameterised draws.
type site struct {
	loc, logScale *G.Node
	draw          *G.Node // K draws of the variable itself (σ, not log σ)
	logQ          *G.Node // Σ log q(draws)
}

// elbo is the graph of one ELBO estimate and its gradient.
type elbo struct {
	g             *G.ExprGraph
	m, tau, sigma site // scalars: draws shaped (K, 1)
	mu            site // one per group: draws shaped (K, G)
	neg           *G.Node
	params        G.Nodes
}

// initLogScale starts every guide scale at 0.1 (and every location at 0),
// as Pyro's AutoNormal does: narrow draws keep the first steps stable.
var initLogScale = math.Log(0.1)

// buildELBO returns the graph of -ELBO, averaged over k draws:
//
//	-(1/k) Σ_draws [log p(y | μ, σ) + log p(μ | m, τ) + log p(m) + log p(τ) + log p(σ)
//	               - log q(m) - log q(τ) - log q(σ) - log q(μ)],
//
// every term one autodiff.LogProbSum node over all draws and groups, and
// every draw an autodiff.RSample node fed by its own stream of seed.
// gorgonia's graph-building calls panic on misuse; buildELBO returns that
// as an error.
func buildELBO(mod Model, d *Data, k int, seed uint64) (e *elbo, err error) {
	defer func() {
		if r := recover(); r != nil {
			e, err = nil, fmt.Errorf("demo: building the ELBO graph: %v", r)
		}
	}()
	g := G.NewGraph()
	e = &elbo{g: g}
	groups := mod.Groups()
	stream := uint64(0)
	newSrc := func() rand.Source { stream++; return rand.NewPCG(seed, stream) }

	// q(m) = Normal; q(τ), q(σ) = LogNormal, drawn as exp of a Normal draw
	// (see guideSite); q(μ) = Normal per group, one node for all groups.
	e.m = guideSite(g, "m", nil, k, newSrc(), false)
	e.tau = guideSite(g, "tau", nil, k, newSrc(), true)
	e.sigma = guideSite(g, "sigma", nil, k, newSrc(), true)
	e.mu = guideSite(g, "mu", []int{groups}, k, newSrc(), false)

	constant := func(name string, v float64) *G.Node { return G.NewConstant(v, G.WithName("const_"+name)) }
	y := G.NewConstant(d.Y, G.WithName("y"))

	logP := []*G.Node{
		// y (nmax, 1, G) under Normal(μ (K, G), σ (K, 1)): (nmax, K, G), masked padding.
		G.Must(autodiff.MaskedLogProbSum(autodiff.Normal, d.Mask, y, e.mu.draw, e.sigma.draw)),
		G.Must(autodiff.LogProbSum(autodiff.Normal, e.mu.draw, e.m.draw, e.tau.draw)),
		G.Must(autodiff.LogProbSum(autodiff.Normal, e.m.draw, constant("m_loc", mod.MLoc), constant("m_scale", mod.MScale))),
		G.Must(autodiff.LogProbSum(autodiff.LogNormal, e.tau.draw, constant("tau_loc", 0), constant("tau_scale", mod.ScalePrior))),
		G.Must(autodiff.LogProbSum(autodiff.LogNormal, e.sigma.draw, constant("sigma_loc", 0), constant("sigma_scale", mod.ScalePrior))),
	}
	total := logP[0]
	for _, t := range logP[1:] {
		total = G.Must(G.Add(total, t))
	}
	for _, s := range []site{e.m, e.tau, e.sigma, e.mu} {
		total = G.Must(G.Sub(total, s.logQ))
		e.params = append(e.params, s.loc, s.logScale)
	}
	e.neg = G.Must(G.Mul(total, constant("neg_inv_draws", -1/float64(k))))
	if _, err := G.Grad(e.neg, e.params...); err != nil {
		return nil, fmt.Errorf("demo: gradient of the ELBO: %w", err)
	}
	return e, nil
}

// guideSite adds the guide of one variable of the given shape (nil: a
// scalar): parameters named q_<name>_loc and q_<name>_log_scale, and k
// draws z ~ Normal(loc, exp(logScale)) from one autodiff.RSample node,
// shaped (k, shape...) or, for a scalar, (k, 1) so that they broadcast
// against the groups. When positive, the variable is exp(z) and its guide
// LogNormal(loc, exp(logScale)): the demo draws the Normal and
// exponentiates it in the graph, which is LogNormal's own
// reparameterisation (autodiff.RSample(autodiff.LogNormal, …) draws the
// same values in one node).
func guideSite(g *G.ExprGraph, name string, shape []int, k int, src rand.Source, positive bool) site {
	var s site
	if len(shape) == 0 {
		s.loc = G.NewScalar(g, tensor.Float64, G.WithName("q_"+name+"_loc"), G.WithValue(0.0))
		s.logScale = G.NewScalar(g, tensor.Float64, G.WithName("q_"+name+"_log_scale"), G.WithValue(initLogScale))
	} else {
		s.loc = G.NewTensor(g, tensor.Float64, len(shape), G.WithShape(shape...), G.WithName("q_"+name+"_loc"), G.WithInit(G.Zeroes()))
		s.logScale = G.NewTensor(g, tensor.Float64, len(shape), G.WithShape(shape...), G.WithName("q_"+name+"_log_scale"), G.WithInit(G.ValuesOf(initLogScale)))
	}
	scale := G.Must(G.Exp(s.logScale))
	sampleShape := []int{k}
	if len(shape) == 0 {
		sampleShape = []int{k, 1}
	}
	z := G.Must(autodiff.RSample(autodiff.Normal, src, sampleShape, s.loc, scale))
	if !positive {
		s.draw = z
		s.logQ = G.Must(autodiff.LogProbSum(autodiff.Normal, z, s.loc, scale))
		return s
	}
	s.draw = G.Must(G.Exp(z))
	s.logQ = G.Must(autodiff.LogProbSum(autodiff.LogNormal, s.draw, s.loc, scale))
	return s
}

// value returns the current value of a float64 node as a slice.
func value(n *G.Node) []float64 {
	switch v := n.Value().(type) {
	case *G.F64:
		return []float64{float64(*v)}
	case *tensor.Dense:
		return v.Float64s()
	}
	return []float64{math.NaN()}
}
