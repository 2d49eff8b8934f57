// Package scale evaluates a Poisson regression's log-likelihood, its
// gradient and its Fisher information over data too large for one process,
// as an Apache Beam pipeline whose workers score their share of the rows
// with tensordist.
//
// The data are Blocks blocks of BlockRows rows. Block b is generated from
// its own PCG stream, rand.NewPCG(Seed, b), so a worker regenerates (or, in a
// real deployment, reads) its rows itself: the pipeline carries only the
// parameters β and shard descriptors (which blocks a worker owns), never
// rows. Each block's Partial is computed by BlockPartial with
// distributions.Poisson.LogProbGrad and the chain rule through the log link;
// the partials are gathered by block index and summed in block order, so the
// result is bit-for-bit the same for any number of shards, any bundle order
// and any runner, and equal to EvaluateLocal, the single-process loop.
//
// Evaluate runs the pipeline (Build) on a Beam runner, by default the
// embedded Prism runner in this process; Fit maximises the likelihood with
// gonum's L-BFGS, one pipeline run per evaluation.
package scale
