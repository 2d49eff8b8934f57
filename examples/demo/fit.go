package main

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// FitConfig sets the optimiser: Steps Adam steps on -ELBO, each with
// Draws reparameterised draws, the learning rate decaying geometrically
// from LearnRate to FinalLearnRate (a constant rate leaves the guide
// jittering by about that much around the optimum).
type FitConfig struct {
	Steps, Draws              int
	LearnRate, FinalLearnRate float64
	Seed                      uint64 // of the draws' streams
}

// check says which setting of c is unusable, wrapping distributions.ErrParam.
func (c FitConfig) check() error {
	positive := func(v float64) bool { return v > 0 && !math.IsInf(v, 1) }
	if c.Steps < 1 || c.Draws < 1 || !positive(c.LearnRate) || !positive(c.FinalLearnRate) {
		return fmt.Errorf("demo: fit: Steps %d, Draws %d, LearnRate %g, FinalLearnRate %g: want Steps, Draws ≥ 1 and finite rates > 0: %w",
			c.Steps, c.Draws, c.LearnRate, c.FinalLearnRate, distributions.ErrParam)
	}
	return nil
}

// Posterior is one fitted marginal of the guide beside the truth.
type Posterior struct {
	Mean, SD float64
	Truth    float64
	PriorSD  float64
}

// Result is a finished fit.
type Result struct {
	Model  Model
	Data   *Data
	Config FitConfig
	ELBO   []float64 // the estimate at every step, before its update

	M, Tau, Sigma Posterior
	Mu            []Posterior // one per group
}

// Fit maximises the ELBO of mod on d by stochastic variational inference:
// per step one run of the tape machine (forward and gradients), then one
// step of gorgonia's Adam, which also zeroes the gradients for the next
// run. onStep, if not nil, sees every step's ELBO estimate.
func Fit(mod Model, d *Data, c FitConfig, onStep func(step int, elbo float64)) (*Result, error) {
	if err := mod.check(); err != nil {
		return nil, err
	}
	if d == nil || len(d.TrueMu) != mod.Groups() {
		return nil, fmt.Errorf("demo: fit: data are not Simulate's for this model of %d groups: %w", mod.Groups(), distributions.ErrShape)
	}
	if err := c.check(); err != nil {
		return nil, err
	}
	e, err := buildELBO(mod, d, c.Draws, c.Seed)
	if err != nil {
		return nil, err
	}
	vm := G.NewTapeMachine(e.g, G.BindDualValues(e.params...))
	defer vm.Close()
	solver := G.NewAdamSolver(G.WithLearnRate(c.LearnRate))
	grads := G.NodesToValueGrads(e.params)
	decay := math.Pow(c.FinalLearnRate/c.LearnRate, 1/float64(c.Steps))

	res := &Result{Model: mod, Data: d, Config: c, ELBO: make([]float64, c.Steps)}
	rate := c.LearnRate
	for step := range c.Steps {
		if err := vm.RunAll(); err != nil {
			return nil, fmt.Errorf("demo: step %d: %w", step, err)
		}
		res.ELBO[step] = -value(e.neg)[0]
		if math.IsNaN(res.ELBO[step]) {
			return nil, fmt.Errorf("demo: step %d: the ELBO estimate is NaN", step)
		}
		if onStep != nil {
			onStep(step, res.ELBO[step])
		}
		if err := solver.Step(grads); err != nil {
			return nil, fmt.Errorf("demo: step %d: Adam: %w", step, err)
		}
		vm.Reset()
		rate *= decay
		G.WithLearnRate(rate)(solver) // gorgonia has no setter; its options set a live solver
	}
	return res, res.summarise(e)
}

// summarise fills the posteriors from the guide's final parameters.
func (r *Result) summarise(e *elbo) error {
	sdM, sdTau, sdSigma, sdMu, err := r.Model.priorSD()
	if err != nil {
		return err
	}
	r.M = normalPosterior(e.m, 0, r.Model.TrueM, sdM)
	if r.Tau, err = logNormalPosterior(e.tau, r.Model.TrueTau, sdTau); err != nil {
		return err
	}
	if r.Sigma, err = logNormalPosterior(e.sigma, r.Model.TrueSigma, sdSigma); err != nil {
		return err
	}
	r.Mu = make([]Posterior, len(r.Data.TrueMu))
	for g, truth := range r.Data.TrueMu {
		r.Mu[g] = normalPosterior(e.mu, g, truth, sdMu)
	}
	return nil
}

// normalPosterior is element i of a Normal guide.
func normalPosterior(s site, i int, truth, priorSD float64) Posterior {
	return Posterior{Mean: value(s.loc)[i], SD: math.Exp(value(s.logScale)[i]), Truth: truth, PriorSD: priorSD}
}

// logNormalPosterior is a scalar LogNormal guide, its moments from
// package distributions.
func logNormalPosterior(s site, truth, priorSD float64) (Posterior, error) {
	q, err := distributions.NewLogNormal(tensor.Scalar(value(s.loc)[0]), tensor.Scalar(math.Exp(value(s.logScale)[0])))
	if err != nil {
		return Posterior{}, err
	}
	mean, err := q.Mean()
	if err != nil {
		return Posterior{}, err
	}
	sd, err := q.StdDev()
	if err != nil {
		return Posterior{}, err
	}
	return Posterior{Mean: mean.Float64s()[0], SD: sd.Float64s()[0], Truth: truth, PriorSD: priorSD}, nil
}
