// Package autodiff is the bridge from tensordist to gorgonia graphs: one
// fused custom op per family's LogProb, calling the same kernel (and its
// analytic partials) as the eager API in package distributions, and
// reparameterised sampling nodes. It is the only package that imports
// gorgonia's graph package.
package autodiff
