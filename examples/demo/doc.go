// Command demo fits a hierarchical model by stochastic variational
// inference in a gorgonia graph built from tensordist's autodiff nodes.
//
// Groups of observations y_gi ~ Normal(μ_g, σ) have group means
// μ_g ~ Normal(m, τ), with priors m ~ Normal(0, 5) and τ, σ ~
// LogNormal(0, 1); the data are drawn from fixed true values with a fixed
// seed, the groups of different sizes padded into one masked array. A
// mean-field guide (Normal for m and the μ_g, LogNormal for τ and σ, all
// over unconstrained parameters) is fitted by maximising the ELBO: each
// step draws a few reparameterised samples with autodiff.RSample, scores
// every term with one autodiff.LogProbSum (or MaskedLogProbSum) node over
// all groups and draws, runs the tape machine for the gradients and
// takes one step of gorgonia's Adam.
//
// It shows a progress bar with the current ELBO on stderr (five lines
// when stderr is not a terminal), prints each fitted posterior next to
// its true value, and writes a PNG of the ELBO trace and of the μ_g
// posteriors, by default to docs/img/demo.png in the repository.
//
//	cd examples && go run ./demo [-o plot.png]
//
// Every seed is fixed, so the output is the same on every run.
package main
