package autodiff

import (
	"fmt"

	G "gorgonia.org/gorgonia"
)

// ToEvent sums a log-prob node over its n rightmost dims, as Pyro's
// to_event(n) does to log_prob; n = 0 returns lp itself, and summing every
// dim gives a scalar node.
func ToEvent(lp *G.Node, n int) (out *G.Node, err error) {
	if lp == nil {
		return nil, fmt.Errorf("autodiff: to_event: nil node")
	}
	dims := lp.Dims()
	if n < 0 || n > dims {
		return nil, fmt.Errorf("autodiff: to_event(%d) of a node of shape %v (%d dims)", n, lp.Shape(), dims)
	}
	if n == 0 {
		return lp, nil
	}
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("autodiff: to_event(%d): gorgonia panicked: %v", n, r)
		}
	}()
	axes := make([]int, n)
	for i := range axes {
		axes[i] = dims - n + i
	}
	if out, err = G.Sum(lp, axes...); err != nil {
		return nil, fmt.Errorf("autodiff: to_event(%d): %w", n, err)
	}
	return out, nil
}
