package distributions

import (
	"sync"

	"github.com/seed39ad66a2/tensordist/shape"
)

// batchPlans are the plans of the calls whose output has the batch shape:
// LogProb of a value of batch shape, and a draw without a sample shape. A
// plan depends on the shapes alone, which are fixed at construction, so
// these are built once per distribution (Expand gets its own); a Plan is
// safe for concurrent walks.
type batchPlans struct {
	value, draw lazyPlan
}

// get returns the plan of e's batch from (x of batch shape when withValue,)
// e's parameters.
func (l *lazyPlan) get(e *elementwise, withValue bool) (*shape.Plan, error) {
	l.once.Do(func() {
		ops := e.pshapes
		if withValue {
			ops = append([][]int{e.batch}, ops...)
		}
		l.err = l.p.Set(e.batch, ops...)
	})
	return &l.p, l.err
}

// lazyPlan is a plan built on first use from shapes that never change.
type lazyPlan struct {
	once sync.Once
	p    shape.Plan
	err  error
}

// of returns the plan of out from operands, built on the first call; later
// calls must pass the same shapes.
func (l *lazyPlan) of(out []int, operands ...[]int) (*shape.Plan, error) {
	l.once.Do(func() { l.err = l.p.Set(out, operands...) })
	return &l.p, l.err
}
