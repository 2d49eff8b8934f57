// Package enumerate tags enumerated supports.
//
// A distribution's EnumerateSupport returns a *Support: the values along its
// leftmost dim, plus the distribution that produced them. The tag is what
// lets Categorical.LogProb score its own support by reshaping its logits
// instead of gathering (pyro#1831): a structural check alone cannot tell an
// enumeration from ordinary data. A Support embeds its *tensor.Dense, so it
// is a tensor.Value everywhere a plain array is; untagged arrays take the
// ordinary path.
package enumerate
