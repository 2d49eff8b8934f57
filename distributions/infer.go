package distributions

import (
	"fmt"
	"sort"

	"github.com/seed39ad66a2/tensordist/shape"
)

// A ShapeRule gives a family's batch and event shapes from its parameters'
// shapes (Pyro's infer_shapes).
type ShapeRule func(params map[string][]int) (batch, event []int, err error)

var (
	shapeRules = map[string]ShapeRule{} // guarded by buildersMu
)

// RegisterShapes sets family's shape rule.
func RegisterShapes(family string, rule ShapeRule) {
	buildersMu.Lock()
	defer buildersMu.Unlock()
	shapeRules[family] = rule
}

// InferShapes returns the batch and event shapes a family would have for
// parameters of the given shapes, without building it: Pyro's infer_shapes.
func InferShapes(family string, params map[string][]int) (batch, event []int, err error) {
	buildersMu.RLock()
	rule, ok := shapeRules[family]
	buildersMu.RUnlock()
	if !ok {
		return nil, nil, fmt.Errorf("infer_shapes: family %q: %w", family, ErrUnsupported)
	}
	return rule(params)
}

// GenericShapes is Pyro's generic rule for a family whose support has no
// event dims: each parameter loses its own event dims (eventDims[name]; an
// unknown name is an error) and the rest broadcast into the batch shape.
func GenericShapes(family string, eventDims map[string]int) ShapeRule {
	return func(params map[string][]int) ([]int, []int, error) {
		names := make([]string, 0, len(params))
		for n := range params {
			names = append(names, n)
		}
		sort.Strings(names)
		leads := make([][]int, 0, len(params))
		for _, n := range names {
			k, ok := eventDims[n]
			if !ok {
				return nil, nil, fmt.Errorf("infer_shapes: %s has no parameter %q: %w", family, n, ErrParam)
			}
			lead, _, err := shape.SplitEvent(params[n], k)
			if err != nil {
				return nil, nil, fmt.Errorf("infer_shapes: %s: %s: %w", family, n, err)
			}
			leads = append(leads, lead)
		}
		batch, err := shape.Broadcast(leads...)
		if err != nil {
			return nil, nil, fmt.Errorf("infer_shapes: %s: %w", family, err)
		}
		return batch, []int{}, nil
	}
}
