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
package distributions
