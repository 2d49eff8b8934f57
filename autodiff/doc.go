// Package autodiff puts tensordist's distributions into gorgonia graphs.
//
// It is the only package that imports gorgonia's graph package, and it
// holds no numerics of its own: every node calls the same kernels as the
// eager API of package distributions ("one numerical code path").
//
//   - LogProb(f, x, params...) is one fused node per family: its forward
//     pass builds the eager distribution from the input values and calls
//     LogProb; its backward pass calls LogProbVJP(x, upstream), the family's
//     kernel with analytic partials, summed back to each input's own shape.
//     LogProbSum returns the scalar sum directly (the common loss), without
//     the N-sized gradient of a separate Sum node.
//   - MaskedLogProb and MaskedLogProbSum select through distributions.Mask:
//     a masked entry is 0 in the forward pass and contributes exactly 0 to
//     every gradient, even where its log-prob is -Inf or NaN.
//   - ToEvent sums the n rightmost dims of a log-prob node (to_event), and
//     Expand(f, batch) is family f expanded to a batch shape (expand): its
//     nodes have that shape and their gradients sum back to the parameters.
//   - LogSumExp reduces a node's last dim stably (a mixture's or an
//     enumerated sum's likelihood); gorgonia's own adds the maximum inside
//     the logarithm.
//   - RSample(f, src, sampleShape, params...) is a reparameterised draw:
//     fresh noise from src on every run of the machine, and RSampleVJP as its
//     backward pass, so LogProbSum(Normal, RSample(Normal, …), loc, scale)
//     differentiates end to end.
//   - Lgamma, Digamma, Trigamma, Softplus and LogSigmoid are the unary
//     special functions gorgonia lacks (or computes inaccurately: its
//     Softplus returns x for x > 16, an absolute error up to 1e-7), with
//     analytic derivatives (Lgamma' is a Digamma node, Digamma' a Trigamma
//     node).
//
// A Family says how to build the eager distribution from parameter
// values; the ready-made ones (Families(), plus MultinomialProbs(n),
// MultinomialLogits(n) and LKJCholesky(dim), which take an integer) cover
// every family of package distributions with analytic gradients: the
// scalar families, the count families (Poisson, Binomial and
// NegativeBinomial, whose total_count is a parameter node, usually a
// constant), StudentT, FisherSnedecor, the categoricals, and the
// multivariate ones (Dirichlet, the three MultivariateNormal
// parameterisations, LowRankMultivariateNormal, LogisticNormal, the one-hot
// and relaxed one-hot categoricals, Multinomial, the three Wishart
// parameterisations, LKJCholesky). Values carry the event dims last, and a
// log-prob node is shaped broadcast(x.shape[:-len(event)], batch); matrix
// gradients follow testdata/golden/SCHEMA.md (symmetric for covariance and
// precision matrices, scale_tril's upper entries not free). RSample works
// for every family with a pathwise gradient (distributions.PathwiseGrader):
// the reparameterised scalar families, StudentT, FisherSnedecor,
// Dirichlet, the multivariate normals, LogisticNormal, the relaxed and
// straight-through one-hot categoricals, Wishart. The ready-made families
// turn validation off, since the graph re-evaluates them on every run. For
// a node without a value, the build-time probe uses ones (n added on the
// diagonal of a trailing n×n matrix): give Wishart's df node a value.
//
// Every op works on both machines: the TapeMachine through SymDiff (call
// G.Grad before creating the machine) and the LispMachine through DoDiff.
// Inputs built with G.NewConstant (observed data) get no gradient node at
// all. All float nodes of one op share a dtype, float64 or float32. A
// family whose gradient lacks a parameter is an ErrUnsupported error, at
// build time when the distribution (or a base it wraps) has no
// LogProbGrader, else from RunAll.
//
// gorgonia pitfalls this package does not hide: variables and constants
// with equal names are silently merged, so name every one uniquely;
// gradients accumulate across the TapeMachine's RunAll and Reset unless a
// solver's Step zeroes them; the LispMachine's Reset re-runs only the
// last node, so build a new LispMachine for every run; and the
// TapeMachine's RunAll wraps an op's error in a type without Unwrap (its
// Err method returns the op's error, for errors.Is).
package autodiff
