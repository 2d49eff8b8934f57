// Package distributions holds tensordist's batched probability distributions:
// the Distribution interface and its optional capabilities, the families
// (one file each), their validation, and the builder from the golden JSON
// specs.
//
// A distribution is a whole batch of distributions of one family whose
// parameters broadcast together, with Pyro's shapes: a sample has shape
// sampleShape + BatchShape() + EventShape(), and LogProb(x) has shape
// broadcast(x.shape[:-len(EventShape())], BatchShape()).
//
// Every family evaluates its log density in one fused kernel that can also
// accumulate the partial derivatives with respect to the value and to every
// parameter (as Stan's math library does). LogProb calls it without partials;
// LogProbGrad calls it with them and returns sum(log_prob(x)) with each
// gradient summed back to its parameter's own shape, no graph needed; the
// gorgonia op of package autodiff calls the same kernel.
//
// Capabilities beyond the core interface (RSampler, SupportEnumerator,
// Meaner, Entropier, CDFer, ...) are discovered by type assertion, the way
// io.WriterTo is.
//
// Constructors validate their parameters unless WithValidation(false) is
// given or SetDefaultValidation(false) was called, as torch's validate_args;
// with validation on, LogProb also rejects values outside the support.
// Errors wrap ErrParam, ErrShape or ErrSupport, test them with errors.Is.
//
// A distribution value is safe for concurrent use: its parameters are not
// modified after construction (lazy state, such as Dirichlet's cached
// normaliser, is guarded), so any number of goroutines may call LogProb,
// Sample, RSample, moments and gradients on one value at once. Give each
// goroutine its own rand.Source: a source is not safe for concurrent use,
// and sharing one would make the draws depend on scheduling. With separate
// sources every goroutine gets exactly what a lone caller with the same
// seed gets, whatever GOMAXPROCS is (TestConcurrentUse checks this under
// go test -race). The registries (Register, RegisterKL, RegisterShapes) and
// the settings (SetSettings, WithSettings) are safe from any goroutine too.
package distributions
