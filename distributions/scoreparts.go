package distributions

import (
	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// ScoreParts is Pyro's score_parts triple for a value x, what gradient
// estimators need: the log density, the score-function term and the
// entropy term. A part that Pyro leaves as the constant 0 is a scalar 0.
type ScoreParts struct {
	LogProb, ScoreFunction, EntropyTerm *tensor.Dense
}

// ScorePartser is a distribution whose score parts differ from the generic
// ones (Masked, Expanded).
type ScorePartser interface {
	ScoreParts(x Value) (ScoreParts, error)
}

// ScorePartsOf returns d's score parts at x: (log p, 0, log p) for a
// reparameterised d, (log p, log p, 0) otherwise.
func ScorePartsOf(d Distribution, x Value) (ScoreParts, error) {
	if s, ok := d.(ScorePartser); ok {
		return s.ScoreParts(x)
	}
	return genericScoreParts(d, x)
}

func genericScoreParts(d Distribution, x Value) (ScoreParts, error) {
	lp, err := d.LogProb(x)
	if err != nil {
		return ScoreParts{}, err
	}
	zero := zeros(lp.Dtype(), nil)
	if HasRSample(d) {
		return ScoreParts{LogProb: lp, ScoreFunction: zero, EntropyTerm: lp}, nil
	}
	return ScoreParts{LogProb: lp, ScoreFunction: lp, EntropyTerm: zero}, nil
}

// isZero reports whether t is the scalar 0 standing for Pyro's constant 0.
func isZero(t *tensor.Dense) bool {
	if len(t.Shape()) != 0 {
		return false
	}
	v, err := tensor.Float64s(t)
	return err == nil && v[0] == 0
}

// ScoreParts of a tensor mask masks the base's log_prob and entropy term
// and leaves its score function unmasked, as Pyro's scale_and_mask does (a
// constant 0 stays 0); a MaskAll mask takes the generic path over the
// masked log_prob.
func (d *Masked) ScoreParts(x Value) (ScoreParts, error) {
	if d.mask == nil {
		return genericScoreParts(d, x)
	}
	p, err := ScorePartsOf(d.base, x)
	if err != nil {
		return ScoreParts{}, err
	}
	if !isZero(p.LogProb) {
		if p.LogProb, err = d.apply(p.LogProb); err != nil {
			return ScoreParts{}, err
		}
	}
	if !isZero(p.EntropyTerm) {
		if p.EntropyTerm, err = d.apply(p.EntropyTerm); err != nil {
			return ScoreParts{}, err
		}
	}
	return p, nil
}

// ScoreParts broadcasts the base's parts to broadcast(x, BatchShape()).
func (d *Expanded) ScoreParts(x Value) (ScoreParts, error) {
	out, _, err := d.logProbShapes(x)
	if err != nil {
		return ScoreParts{}, err
	}
	p, err := ScorePartsOf(d.base, x)
	if err != nil {
		return ScoreParts{}, err
	}
	for _, part := range []**tensor.Dense{&p.LogProb, &p.ScoreFunction, &p.EntropyTerm} {
		if isZero(*part) || shape.Equal(tensor.ShapeOf(*part), out) {
			continue
		}
		if *part, err = broadcastFloat(*part, out); err != nil {
			return ScoreParts{}, err
		}
	}
	return p, nil
}
