package enumerate

import "github.com/seed39ad66a2/tensordist/tensor"

// Support is an enumerated support: K values along dim 0, followed by
// singleton or batch dims and the event dims, tagged with the distribution
// that enumerated it.
type Support struct {
	*tensor.Dense
	owner any
}

// New tags values as the support enumerated by owner.
func New(values *tensor.Dense, owner any) *Support {
	return &Support{Dense: values, owner: owner}
}

// Owner is the distribution that enumerated this support.
func (s *Support) Owner() any { return s.owner }

// K is the number of enumerated values.
func (s *Support) K() int { return s.Shape()[0] }

// Of returns v as a tagged support, if it is one.
func Of(v tensor.Value) (*Support, bool) {
	s, ok := v.(*Support)
	return s, ok
}
