package distributions

import (
	"fmt"
	"math/rand/v2"
	"strings"

	gt "gorgonia.org/tensor"

	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// LogisticNormal is torch's LogisticNormal(loc, scale): the law on the
// (K+1)-simplex of the stick-breaking image of a normal K-vector,
// TransformedDistribution(Independent(Normal(loc, scale), 1),
// StickBreakingTransform), K the last size of broadcast(loc, scale) (a
// scalar normal is first expanded to (1,), K = 1). The batch shape is the
// broadcast shape without K, the event shape (K+1,):
//
//	log p(y) = Σ_i log N(x_i; μ_i, σ_i) − Σ_{i≤K} log y_i − log(1 − Σ_{i≤K} y_i)
//	x_i = log y_i − log(1 − Σ_{j≤i} y_j) + log(K+1−i)
//
// It is reparameterised. Its gradients are named "loc" and "scale" (not
// "base.loc"), torch's constructor arguments; like torch 1.13 it has no
// moments, entropy, CDF (stick breaking has no sign) or InferShapes rule.
// It wraps its TransformedDistribution rather than embedding it, so that
// it does not offer the CDF and ICDF methods torch's would raise from.
type LogisticNormal struct {
	td         *Transformed
	loc, scale *tensor.Dense
}

// NewLogisticNormal returns the logistic-normal distributions of loc and
// scale, which must share a floating dtype and broadcast; when validating,
// loc is not NaN and every scale > 0.
func NewLogisticNormal(loc, scale *tensor.Dense, opts ...Option) (*LogisticNormal, error) {
	cfg := newConfig(opts)
	if tensor.IsNil(loc) || tensor.IsNil(scale) {
		return nil, fmt.Errorf("logistic_normal: loc and scale are required: %w", ErrParam)
	}
	if cfg.validate {
		if err := check("logistic_normal", "loc", "real", loc, ErrParam, isReal); err != nil {
			return nil, err
		}
		if err := check("logistic_normal", "scale", "> 0", scale, ErrParam, isPositive); err != nil {
			return nil, err
		}
	}
	n, err := NewNormal(loc, scale, opts...)
	if err != nil {
		return nil, fmt.Errorf("logistic_normal: %w", err)
	}
	var base Distribution = n
	if len(n.BatchShape()) == 0 { // torch: base_dist.expand([1])
		if base, err = n.Expand([]int{1}); err != nil {
			return nil, fmt.Errorf("logistic_normal: %w", err)
		}
	}
	td, err := newTransformed("logistic_normal", base, []Transform{NewStickBreakingTransform()}, cfg)
	if err != nil {
		return nil, err
	}
	return &LogisticNormal{td: td, loc: loc, scale: scale}, nil
}

// Loc and Scale are the base normal's parameters, as given.
func (d *LogisticNormal) Loc() *tensor.Dense { return d.loc }

// Scale is the base normal's scale, as given.
func (d *LogisticNormal) Scale() *tensor.Dense { return d.scale }

// Transformed is the distribution as torch builds it,
// TransformedDistribution(Independent(Normal(loc, scale), 1), StickBreaking).
func (d *LogisticNormal) Transformed() *Transformed { return d.td }

// BatchShape is the shape of the batch of distributions (Distribution).
func (d *LogisticNormal) BatchShape() []int { return d.td.BatchShape() }

// EventShape is the shape of one draw (Distribution).
func (d *LogisticNormal) EventShape() []int { return d.td.EventShape() }

// Dtype is the floating dtype of the parameters and of LogProb (Distribution).
func (d *LogisticNormal) Dtype() gt.Dtype { return d.td.Dtype() }

// Validating reports whether parameters were and values are validated.
func (d *LogisticNormal) Validating() bool { return d.td.Validating() }

// HasEnumerateSupport is false.
func (d *LogisticNormal) HasEnumerateSupport() bool { return false }

// LogProb returns log p(y), shaped broadcast(y.Shape()[:-1], BatchShape()).
func (d *LogisticNormal) LogProb(y Value) (*tensor.Dense, error) { return d.td.LogProb(y) }

// LogProbInto writes LogProb(y) into dst.
func (d *LogisticNormal) LogProbInto(dst *tensor.Dense, y Value) error {
	return d.td.LogProbInto(dst, y)
}

// Sample draws sampleShape + BatchShape() + EventShape() points of the
// simplex; it is RSample.
func (d *LogisticNormal) Sample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	return d.td.Sample(src, sampleShape...)
}

// Params returns loc and scale as given.
func (d *LogisticNormal) Params() map[string]*tensor.Dense {
	return map[string]*tensor.Dense{"loc": d.loc, "scale": d.scale}
}

// HasRSample is true: the base normal is reparameterised.
func (d *LogisticNormal) HasRSample() bool { return true }

// Expand returns the distribution with batch shape batch, sharing loc and
// scale.
func (d *LogisticNormal) Expand(batch []int) (Distribution, error) {
	e, err := d.td.Expand(batch)
	if err != nil {
		return nil, err
	}
	return &LogisticNormal{td: e.(*Transformed), loc: d.loc, scale: d.scale}, nil
}

// LogProbGrad returns Σ log p(y) with its gradient with respect to y, loc
// and scale.
func (d *LogisticNormal) LogProbGrad(y Value) (*Gradient, error) { return d.LogProbVJP(y, nil) }

// LogProbVJP is LogProbGrad weighted by upstream (nil means ones).
func (d *LogisticNormal) LogProbVJP(y, upstream Value) (*Gradient, error) {
	g, err := d.td.LogProbVJP(y, upstream)
	if err != nil {
		return nil, err
	}
	g.Params = lnUnprefixed(g.Params)
	return g, nil
}

// RSample draws stick-breaking images of normal draws.
func (d *LogisticNormal) RSample(src rand.Source, sampleShape ...int) (*tensor.Dense, error) {
	return d.td.RSample(src, sampleShape...)
}

// RSampleVJP gives ∂L/∂loc and ∂L/∂scale for draws y of RSample.
func (d *LogisticNormal) RSampleVJP(y, upstream Value) (map[string]*tensor.Dense, error) {
	g, err := d.td.RSampleVJP(y, upstream)
	if err != nil {
		return nil, err
	}
	return lnUnprefixed(g), nil
}

// lnUnprefixed renames "base.loc" to "loc".
func lnUnprefixed(m map[string]*tensor.Dense) map[string]*tensor.Dense {
	out := make(map[string]*tensor.Dense, len(m))
	for k, v := range m {
		out[strings.TrimPrefix(k, "base.")] = v
	}
	return out
}

// String is a torch-style summary of the distribution, for logs and messages.
func (d *LogisticNormal) String() string {
	return fmt.Sprintf("LogisticNormal(batch_shape=%s, event_shape=%s)", shape.Format(d.td.batch), shape.Format(d.td.event))
}

func init() {
	RegisterShapes("LogisticNormal", func(map[string][]int) ([]int, []int, error) {
		// Pyro's generic rule raises for a support with event dims (simplex).
		return nil, nil, fmt.Errorf("infer_shapes: LogisticNormal: its support has event dims (Pyro raises NotImplementedError): %w", ErrUnsupported)
	})
	Register("LogisticNormal", func(s *Spec, opts ...Option) (Distribution, error) {
		if err := s.Known("loc", "scale"); err != nil {
			return nil, err
		}
		loc, okL, err := s.Tensor("loc")
		if err != nil {
			return nil, err
		}
		scale, okS, err := s.Tensor("scale")
		if err != nil {
			return nil, err
		}
		if !okL || !okS {
			return nil, fmt.Errorf("logistic_normal: loc and scale are required: %w", ErrParam)
		}
		return NewLogisticNormal(loc, scale, opts...)
	})
}
