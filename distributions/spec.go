package distributions

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"sync"

	"github.com/seed39ad66a2/tensordist/tensor"
)

// Spec is a distribution written as JSON, the way the golden conformance
// cases write one:
//
//	{"family": "Normal", "params": {"loc": T, "scale": T}, "apply": [OP, ...]}
//
// with T a tensor {"shape": [...], "data": [...]} (non-finite numbers as
// the strings "inf", "-inf" and "nan").
type Spec struct {
	Family string                     `json:"family"`
	Params map[string]json.RawMessage `json:"params"`
	Apply  []json.RawMessage          `json:"apply"`
	// Raw holds every key of the spec, so that composite families can read
	// theirs ("base", "transforms", "mixture", "component").
	Raw map[string]json.RawMessage `json:"-"`
}

// Part builds the distribution a composite spec holds under key (e.g.
// "base"); ok is false when the spec has no such key.
func (s *Spec) Part(key string, opts ...Option) (d Distribution, ok bool, err error) {
	raw, ok := s.Raw[key]
	if !ok {
		return nil, false, nil
	}
	d, err = Build(raw, opts...)
	return d, true, err
}

// A Builder makes a family's distribution from its spec's parameters.
type Builder func(s *Spec, opts ...Option) (Distribution, error)

var (
	buildersMu sync.RWMutex
	builders   = map[string]Builder{}
)

// Register makes Build understand family (torch's class name); a later
// registration replaces an earlier one.
func Register(family string, b Builder) {
	buildersMu.Lock()
	defer buildersMu.Unlock()
	builders[family] = b
}

// Families lists the registered family names, sorted.
func Families() []string {
	buildersMu.RLock()
	defer buildersMu.RUnlock()
	out := make([]string, 0, len(builders))
	for f := range builders {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

// Build makes the distribution a JSON spec describes. An unknown family or
// shape operation is an ErrUnsupported error.
func Build(data []byte, opts ...Option) (Distribution, error) {
	var s Spec
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("spec: %w", err)
	}
	if err := json.Unmarshal(data, &s.Raw); err != nil {
		return nil, fmt.Errorf("spec: %w", err)
	}
	return BuildSpec(&s, opts...)
}

// BuildSpec is Build for a parsed spec.
func BuildSpec(s *Spec, opts ...Option) (Distribution, error) {
	buildersMu.RLock()
	b, ok := builders[s.Family]
	buildersMu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("spec: family %q: %w", s.Family, ErrUnsupported)
	}
	d, err := b(s, opts...)
	if err != nil {
		return nil, err
	}
	for _, raw := range s.Apply {
		if d, err = applyOp(d, raw); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// applyOp applies one of Pyro's shape operations written as JSON:
// {"op": "expand", "batch_shape": [...]}, {"op": "expand_by",
// "sample_shape": [...]}, {"op": "to_event", "n": 1}, {"op": "mask",
// "mask": T or true/false}.
func applyOp(d Distribution, raw json.RawMessage) (Distribution, error) {
	var op struct {
		Op          string          `json:"op"`
		BatchShape  []int           `json:"batch_shape"`
		SampleShape []int           `json:"sample_shape"`
		N           *int            `json:"n"`
		Mask        json.RawMessage `json:"mask"`
	}
	if err := json.Unmarshal(raw, &op); err != nil {
		return nil, fmt.Errorf("spec: apply: %w", err)
	}
	switch op.Op {
	case "expand":
		return Expand(d, op.BatchShape)
	case "expand_by":
		return ExpandBy(d, op.SampleShape)
	case "to_event":
		n := len(d.BatchShape()) // Pyro's to_event(None)
		if op.N != nil {
			n = *op.N
		}
		return ToEvent(d, n)
	case "mask":
		switch string(op.Mask) {
		case "true", "false":
			return MaskAll(d, string(op.Mask) == "true"), nil
		}
		m, err := ParseTensor(op.Mask)
		if err != nil {
			return nil, fmt.Errorf("spec: mask: %w", err)
		}
		return Mask(d, boolsOf(m))
	}
	return nil, fmt.Errorf("spec: apply %q: %w", op.Op, ErrUnsupported)
}

// boolsOf returns a bool array true where t is non-zero.
func boolsOf(t *tensor.Dense) *tensor.Dense {
	src := t.Float64s()
	b := make([]bool, len(src))
	for i, v := range src {
		b[i] = v != 0
	}
	m, _ := tensor.New(b, tensor.ShapeOf(t)...)
	return m
}

// Tensor returns the parameter name as a float64 array; ok is false when the
// spec does not give it.
func (s *Spec) Tensor(name string) (t *tensor.Dense, ok bool, err error) {
	raw, ok := s.Params[name]
	if !ok || string(raw) == "null" {
		return nil, false, nil
	}
	t, err = ParseTensor(raw)
	if err != nil {
		return nil, true, fmt.Errorf("spec: %s: %w", name, err)
	}
	return t, true, nil
}

// Known returns an ErrUnsupported error if the spec has a parameter outside
// names, so that an option this engine ignores never passes silently.
func (s *Spec) Known(names ...string) error {
	for p := range s.Params {
		found := false
		for _, n := range names {
			found = found || n == p
		}
		if !found {
			return fmt.Errorf("spec: %s parameter %q: %w", s.Family, p, ErrUnsupported)
		}
	}
	return nil
}

// ParseTensor reads {"shape": [...], "data": [...]} (or a bare JSON number,
// a scalar) into a float64 array.
func ParseTensor(raw json.RawMessage) (*tensor.Dense, error) {
	var num Number
	if err := json.Unmarshal(raw, &num); err == nil {
		return tensor.Scalar(float64(num)), nil
	}
	var t struct {
		Shape []int    `json:"shape"`
		Data  []Number `json:"data"`
	}
	if err := json.Unmarshal(raw, &t); err != nil {
		return nil, err
	}
	if t.Data == nil {
		return nil, fmt.Errorf("tensor without data: %s: %w", raw, ErrParam)
	}
	data := make([]float64, len(t.Data))
	for i, v := range t.Data {
		data[i] = float64(v)
	}
	return tensor.New(data, t.Shape...)
}

// Number is a float64 in JSON that may also be written "inf", "-inf", "nan".
type Number float64

// UnmarshalJSON reads a JSON number or one of the strings "inf", "-inf",
// "nan" (JSON booleans read as 0 and 1, as golden masks are written).
func (n *Number) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case `"inf"`, `"Infinity"`:
		*n = Number(math.Inf(1))
	case `"-inf"`, `"-Infinity"`:
		*n = Number(math.Inf(-1))
	case `"nan"`, `"NaN"`:
		*n = Number(math.NaN())
	case "true":
		*n = 1
	case "false":
		*n = 0
	default:
		var f float64
		if err := json.Unmarshal(b, &f); err != nil {
			return err
		}
		*n = Number(f)
	}
	return nil
}
