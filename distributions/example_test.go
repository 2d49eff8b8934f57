package distributions_test

import (
	"errors"
	"fmt"
	"log"
	"math"
	"math/rand/v2"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Sampling takes an explicit seeded source: the same seed gives the same
// draws, whatever GOMAXPROCS is.
func ExampleNormal_Sample() {
	d, err := distributions.NewNormal(tensor.Vector(0.0, 10.0), tensor.Scalar(1.0))
	if err != nil {
		log.Fatal(err)
	}
	x, err := d.Sample(rand.NewPCG(1, 2), 3) // sample shape (3,) + batch (2,)
	if err != nil {
		log.Fatal(err)
	}
	y, _ := d.Sample(rand.NewPCG(1, 2), 3) // the same seed again
	fmt.Println(x.Shape())
	fmt.Printf("%.3f\n", x.Float64s())
	fmt.Println(fmt.Sprint(x.Float64s()) == fmt.Sprint(y.Float64s()))
	_, err = d.Sample(nil)
	fmt.Println(errors.Is(err, distributions.ErrNilSource))
	// Output:
	// (3, 2)
	// [-1.333 9.656 -0.404 9.622 2.911 10.181]
	// true
	// true
}

// A pathwise (reparameterised) gradient without a graph: draw x = μ + σε
// with RSample, take ∂L/∂x of a loss L(x) (here L = Σ log q(x) for a fixed
// q, as in an ELBO's cross term), and push it to the parameters with
// RSampleVJP: ∂L/∂μ = Σ ∂L/∂x, ∂L/∂σ = Σ ∂L/∂x · ε.
func ExampleNormal_RSample() {
	p, err := distributions.NewNormal(tensor.Scalar(1.0), tensor.Scalar(0.5))
	if err != nil {
		log.Fatal(err)
	}
	q, err := distributions.NewNormal(tensor.Scalar(0.0), tensor.Scalar(1.0))
	if err != nil {
		log.Fatal(err)
	}
	x, err := p.RSample(rand.NewPCG(3, 4), 1000) // 1000 draws, differentiable in μ, σ
	if err != nil {
		log.Fatal(err)
	}
	g, err := q.LogProbGrad(x) // L = Σ log q(x) and ∂L/∂x, in one pass
	if err != nil {
		log.Fatal(err)
	}
	vjp, err := p.RSampleVJP(x, g.Value) // ∂L/∂θ = Σ ∂L/∂x · ∂x/∂θ
	if err != nil {
		log.Fatal(err)
	}
	n := 1000.0                             // per draw: E[-x] = -μ = -1, E[-x·ε] = -σ = -0.5
	fmt.Printf("L/n = %.2f\n", g.LogProb/n) // E[log q(x)] = -log(2π)/2 - (μ²+σ²)/2 = -1.54
	fmt.Printf("dL/dloc / n = %.1f, dL/dscale / n = %.1f\n", vjp["loc"].Float64s()[0]/n, vjp["scale"].Float64s()[0]/n)
	// Output:
	// L/n = -1.56
	// dL/dloc / n = -1.0, dL/dscale / n = -0.5
}

// ToEvent (Pyro's to_event) moves batch dims into the event: log_prob then
// sums over them, as for one multivariate distribution.
func ExampleToEvent() {
	loc, err := tensor.New([]float64{0, 1, 2, 3, 4, 5}, 2, 3)
	if err != nil {
		log.Fatal(err)
	}
	d, err := distributions.NewNormal(loc, tensor.Scalar(1.0)) // batch (2, 3)
	if err != nil {
		log.Fatal(err)
	}
	ind, err := distributions.ToEvent(d, 1) // batch (2,), event (3,)
	if err != nil {
		log.Fatal(err)
	}
	lp, err := ind.LogProb(loc) // each row scored at its mean
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ind.BatchShape(), ind.EventShape(), lp.Shape())
	fmt.Printf("%.4f\n", lp.Float64s()) // 3 · (-log(2π)/2)
	// Output:
	// [2] [3] (2)
	// [-2.7568 -2.7568]
}

// Mask (Pyro's mask) zeroes log_prob where the mask is false, by selecting:
// a masked -Inf reaches neither the value nor a gradient.
func ExampleMask() {
	d, err := distributions.NewExponential(tensor.Vector(1.0, 2.0, 3.0), distributions.WithValidation(false))
	if err != nil {
		log.Fatal(err)
	}
	keep, err := tensor.New([]bool{true, false, true}, 3)
	if err != nil {
		log.Fatal(err)
	}
	m, err := distributions.Mask(d, keep)
	if err != nil {
		log.Fatal(err)
	}
	lp, err := m.LogProb(tensor.Vector(1.0, -1.0, 0.0)) // -1 is outside the support
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%.4f\n", lp.Float64s())
	// Output:
	// [-1.0000 0.0000 1.0986]
}

// ConjugateUpdate multiplies two densities of a conjugate family: here two
// Beta likelihoods of coin flips (2 heads 1 tail, then 3 heads 5 tails)
// combine into one, up to the log normaliser c.
func ExampleConjugateUpdate() {
	f, err := distributions.NewBeta(tensor.Scalar(3.0), tensor.Scalar(2.0))
	if err != nil {
		log.Fatal(err)
	}
	g, err := distributions.NewBeta(tensor.Scalar(4.0), tensor.Scalar(6.0))
	if err != nil {
		log.Fatal(err)
	}
	fg, c, err := distributions.ConjugateUpdate(f, g)
	if err != nil {
		log.Fatal(err)
	}
	b := fg.(*distributions.Beta)
	fmt.Println(b.Concentration1().Float64s(), b.Concentration0().Float64s())
	// f.log_prob(x) + g.log_prob(x) = fg.log_prob(x) + c at any x
	x := tensor.Scalar(0.4)
	lf, _ := f.LogProb(x)
	lg, _ := g.LogProb(x)
	lfg, _ := fg.LogProb(x)
	fmt.Printf("%.6f %.6f\n", lf.Float64s()[0]+lg.Float64s()[0], lfg.Float64s()[0]+c.Float64s()[0])
	// Output:
	// [6] [7]
	// 1.061076 1.061076
}

// KL finds the registered closed form for the pair of families (Pyro's
// kl_divergence); a pair without one is an ErrNoKL error.
func ExampleKL() {
	p, err := distributions.NewNormal(tensor.Vector(0.0, 1.0), tensor.Scalar(1.0))
	if err != nil {
		log.Fatal(err)
	}
	q, err := distributions.NewNormal(tensor.Scalar(0.0), tensor.Scalar(2.0))
	if err != nil {
		log.Fatal(err)
	}
	kl, err := distributions.KL(p, q) // batch (2,)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%.4f\n", kl.Float64s())
	c, err := distributions.NewCauchy(tensor.Scalar(0.0), tensor.Scalar(1.0))
	if err != nil {
		log.Fatal(err)
	}
	_, err = distributions.KL(c, q)
	fmt.Println(errors.Is(err, distributions.ErrNoKL))
	// Output:
	// [0.3181 0.4431]
	// true
}

// Validation (torch's validate_args) is on by default: a bad parameter or
// an out-of-support value is an error naming the rule. Turn it off per
// distribution for speed; the formula is then evaluated as is.
func ExampleWithValidation() {
	_, err := distributions.NewNormal(tensor.Scalar(0.0), tensor.Scalar(-1.0))
	fmt.Println(err)
	fmt.Println(errors.Is(err, distributions.ErrParam))

	d, err := distributions.NewExponential(tensor.Scalar(2.0))
	if err != nil {
		log.Fatal(err)
	}
	_, err = d.LogProb(tensor.Scalar(-1.0))
	fmt.Println(errors.Is(err, distributions.ErrSupport))

	fast, err := distributions.NewExponential(tensor.Scalar(2.0), distributions.WithValidation(false))
	if err != nil {
		log.Fatal(err)
	}
	lp, err := fast.LogProb(tensor.Scalar(-1.0))
	fmt.Println(lp.Float64s(), err)
	// Output:
	// normal: scale must be > 0, got -1 at index []
	// true
	// true
	// [-Inf] <nil>
}

// WithSettings runs a block under Pyro's global settings and restores them:
// here Binomial's Stirling log_prob approximation, off by default.
func ExampleWithSettings() {
	d, err := distributions.NewBinomial(tensor.Scalar(1000.0), tensor.Scalar(0.3))
	if err != nil {
		log.Fatal(err)
	}
	x := tensor.Scalar(290.0)
	exact, _ := d.LogProb(x)
	var approx *tensor.Dense
	s := distributions.DefaultSettings()
	s.BinomialApproxLogProbTol = 0.1
	if err := distributions.WithSettings(s, func() { approx, _ = d.LogProb(x) }); err != nil {
		log.Fatal(err)
	}
	e, a := exact.Float64s()[0], approx.Float64s()[0]
	fmt.Printf("exact %.6f, approximate %.6f, close: %v\n", e, a, math.Abs(a-e) < 0.1)
	fmt.Println(distributions.CurrentSettings().BinomialApproxLogProbTol) // restored
	// Output:
	// exact -3.822596, approximate -3.822277, close: true
	// 0
}
