package distributions

import (
	"sync"
	"sync/atomic"

	"github.com/seed39ad66a2/tensordist/shape"
)

// batchPlans are the plans of the calls whose output has the batch shape:
// LogProb of a value of batch shape, and a draw without a sample shape. A
// plan depends on the shapes alone, which are fixed at construction, so
// these are built once per distribution (Expand gets its own); a Plan is
// safe for concurrent walks.
type batchPlans struct {
	value, draw lazyPlan
	sampled     atomic.Pointer[sampledPlan] // the last sample shape's draw plan
}

// sampledPlan is the draw plan of one non-empty sample shape.
type sampledPlan struct {
	sample, out []int // out = sample + batch
	p           shape.Plan
}

// drawPlan returns the shape of a draw of sampleShape and the plan of its
// operands (out, parameters...): the batch's own plan, or the last sample
// shape's when sampleShape is the same (a loop drawing the same shape plans
// once), or a new one that replaces it.
func (e *elementwise) drawPlan(sampleShape []int) ([]int, *shape.Plan, error) {
	if len(sampleShape) == 0 {
		p, err := e.plans.draw.get(e, false) // nil on the first draw
		return e.batch, p, err
	}
	if s := e.plans.sampled.Load(); s != nil && shape.Equal(s.sample, sampleShape) {
		return s.out, &s.p, nil
	}
	s := &sampledPlan{sample: shape.Clone(sampleShape), out: shape.Concat(sampleShape, e.batch)}
	if err := s.p.Set(s.out, e.pshapes...); err != nil {
		return nil, nil, err
	}
	e.plans.sampled.Store(s)
	return s.out, &s.p, nil
}

// get returns the plan of e's batch from (x of batch shape when withValue,)
// e's parameters, or nil on its first call, whose caller plans in its own
// pooled scratch: a distribution used once (built, drawn from and scored
// in one step, as RSampleGrad does) keeps no plans.
func (l *lazyPlan) get(e *elementwise, withValue bool) (*shape.Plan, error) {
	if !l.built.Load() && l.uses.Add(1) == 1 {
		return nil, nil
	}
	l.once.Do(func() {
		ops := e.pshapes
		if withValue {
			ops = append([][]int{e.batch}, ops...)
		}
		l.err = l.p.Set(e.batch, ops...)
		l.built.Store(true)
	})
	return &l.p, l.err
}

// lazyPlan is a plan built on first use from shapes that never change.
type lazyPlan struct {
	once  sync.Once
	p     shape.Plan
	err   error
	uses  atomic.Int32 // calls of get before the plan was built
	built atomic.Bool
}

// of returns the plan of out from operands, built on the first call; later
// calls must pass the same shapes.
func (l *lazyPlan) of(out []int, operands ...[]int) (*shape.Plan, error) {
	l.once.Do(func() { l.err = l.p.Set(out, operands...) })
	return &l.p, l.err
}

// planMemo keeps the last plan built at one call site of a distribution,
// keyed by every shape it was built from, so that a call with the shapes
// of the previous one plans nothing. The key makes it correct whatever
// shares it (an Expand copy, other goroutines); a nil planMemo plans anew.
type planMemo struct{ last atomic.Pointer[memoPlan] }

type memoPlan struct {
	key [][]int // out, then the operands
	p   shape.Plan
}

// plan returns the plan of out from operands (shape.NewPlan's).
func (m *planMemo) plan(out []int, operands ...[]int) (*shape.Plan, error) {
	if m == nil {
		return shape.NewPlan(out, operands...)
	}
	if l := m.last.Load(); l != nil && l.matches(out, operands) {
		return &l.p, nil
	}
	l := &memoPlan{key: make([][]int, 0, len(operands)+1)}
	l.key = append(l.key, shape.Clone(out))
	for _, s := range operands {
		l.key = append(l.key, shape.Clone(s))
	}
	if err := l.p.Set(l.key[0], l.key[1:]...); err != nil {
		return nil, err
	}
	m.last.Store(l)
	return &l.p, nil
}

func (l *memoPlan) matches(out []int, operands [][]int) bool {
	if len(l.key) != len(operands)+1 || !shape.Equal(l.key[0], out) {
		return false
	}
	for i, s := range operands {
		if !shape.Equal(l.key[i+1], s) {
			return false
		}
	}
	return true
}
