package main

import (
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
)

// printReport writes the setup, the ELBO at the start and end, and a
// table of every fitted posterior beside its true generating value.
func printReport(w io.Writer, r *Result) error {
	c := r.Config
	fmt.Fprintf(w, "Hierarchical Normal model: %d groups, %d observations (%d to %d per group)\n",
		r.Model.Groups(), r.Data.N, slices.Min(r.Model.Sizes), slices.Max(r.Model.Sizes))
	fmt.Fprintf(w, "  y_gi ~ Normal(mu_g, sigma), mu_g ~ Normal(m, tau), m ~ Normal(%g, %g), tau, sigma ~ LogNormal(0, %g)\n",
		r.Model.MLoc, r.Model.MScale, r.Model.ScalePrior)
	fmt.Fprintf(w, "SVI: mean-field guide, %d steps of Adam (rate %g -> %g), %d reparameterised draws per step\n",
		c.Steps, c.LearnRate, c.FinalLearnRate, c.Draws)
	head, tail := windowMean(r.ELBO, 0), windowMean(r.ELBO, len(r.ELBO)-window(len(r.ELBO)))
	fmt.Fprintf(w, "ELBO (mean of %d steps): %.2f at the start, %.2f at the end\n\n", window(len(r.ELBO)), head, tail)

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "parameter\tn\ttrue\tposterior mean\t± sd\t(mean-true)/sd\tprior sd\t")
	row := func(name, n string, p Posterior) {
		fmt.Fprintf(tw, "%s\t%s\t%.3f\t%.3f\t%.3f\t%+.2f\t%.2f\t\n", name, n, p.Truth, p.Mean, p.SD, (p.Mean-p.Truth)/p.SD, p.PriorSD)
	}
	row("m", "", r.M)
	row("tau", "", r.Tau)
	row("sigma", "", r.Sigma)
	for g, p := range r.Mu {
		row(fmt.Sprintf("mu[%d]", g), fmt.Sprint(r.Model.Sizes[g]), p)
	}
	return tw.Flush()
}

// window is the number of steps averaged for the ELBO at the start and
// at the end of a fit of steps steps: a twentieth, at least one.
func window(steps int) int { return max(1, steps/20) }

// windowMean is the mean of the window of ELBO estimates from step from.
func windowMean(elbo []float64, from int) float64 {
	n := window(len(elbo))
	s := 0.0
	for _, v := range elbo[from : from+n] {
		s += v
	}
	return s / float64(n)
}
