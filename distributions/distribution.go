package distributions

import (
	"math/rand/v2"

	gt "gorgonia.org/tensor"

	"github.com/seed39ad66a2/tensordist/enumerate"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// Value is what LogProb reads: a *tensor.Dense, or an enumerated support.
type Value = tensor.Value

// Distribution is a batch of distributions of one family.
type Distribution interface {
	// BatchShape is the shape of the batch of independent distributions.
	BatchShape() []int
	// EventShape is the shape of one draw of one distribution.
	EventShape() []int
	// Dtype is the floating dtype of the parameters, of LogProb's result
	// and (except for category indices, int64) of samples.
	Dtype() gt.Dtype
	// Sample draws sampleShape + BatchShape() + EventShape() values from
	// streams keyed by src (nil is an error).
	Sample(src rand.Source, sampleShape ...int) (*tensor.Dense, error)
	// LogProb returns log p(x), shaped broadcast(x.Shape()[:-len(EventShape())], BatchShape()).
	LogProb(x Value) (*tensor.Dense, error)
}

// RSampler is a reparameterised distribution: RSample's draws are a
// differentiable function of the parameters and of parameter-free noise.
type RSampler interface {
	RSample(src rand.Source, sampleShape ...int) (*tensor.Dense, error)
}

// SupportEnumerator enumerates a discrete support (Pyro's
// enumerate_support): the values along dim 0, shaped (K,) + (1,)*len(batch)
// + event, or (K,) + batch + event when expand is true.
type SupportEnumerator interface {
	EnumerateSupport(expand bool) (*enumerate.Support, error)
}

// LogProbIntoer writes log p(x) into a caller's array of the right shape
// and dtype, allocating nothing.
type LogProbIntoer interface {
	LogProbInto(dst *tensor.Dense, x Value) error
}

// Moments, shaped BatchShape() + EventShape(). A wrapper has the methods
// Pyro's has, whatever its base (Independent all five; Masked and Expanded
// Mean, Variance and StdDev), and returns an ErrUnsupported error when the
// base lacks them, as torch raises NotImplementedError.
type (
	Meaner    interface{ Mean() (*tensor.Dense, error) }
	Variancer interface{ Variance() (*tensor.Dense, error) }
	StdDever  interface{ StdDev() (*tensor.Dense, error) }
	Moder     interface{ Mode() (*tensor.Dense, error) }
)

// Entropier returns the entropy, shaped BatchShape().
type Entropier interface{ Entropy() (*tensor.Dense, error) }

// CDFer is the cumulative distribution function.
type CDFer interface {
	CDF(x Value) (*tensor.Dense, error)
}

// ICDFer is the quantile function, the inverse of the CDF.
type ICDFer interface {
	ICDF(u Value) (*tensor.Dense, error)
}

// Parameterised gives a family's parameters by torch name, as given to
// its constructor (not broadcast to the batch shape).
type Parameterised interface {
	Params() map[string]*tensor.Dense
}

// A Gradient is the result of LogProbGrad: the sum of log p(x) over every
// element and its partial derivatives, each summed back to its operand's
// own shape.
type Gradient struct {
	LogProb float64                  // Σ upstream·log p(x); upstream 1 by default
	Value   *tensor.Dense            // ∂/∂x, shaped like x
	Params  map[string]*tensor.Dense // ∂/∂θ by torch name, shaped like θ
}

// LogProbGrader gives the gradient of sum(log_prob(x)) without a graph.
// LogProbVJP weighs each element by upstream, which broadcasts to
// LogProb's shape (nil means ones): the vector-Jacobian product an autodiff
// backward pass needs.
type LogProbGrader interface {
	LogProbGrad(x Value) (*Gradient, error)
	LogProbVJP(x, upstream Value) (*Gradient, error)
}
