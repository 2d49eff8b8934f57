package distributions

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"

	"github.com/seed39ad66a2/tensordist/tensor"
)

// ParseTransforms reads the "transforms" of a TransformedDistribution spec
// (testdata/golden/SCHEMA.md): a list (or a single one) of {"type": T, …}
// objects or bare "T" strings, T one of exp, sigmoid, tanh, softplus,
// affine ({"loc": T, "scale": T, "event_dim": n}, event_dim 0 by default),
// power ({"exponent": T}), stick_breaking, corr_cholesky, softmax,
// lower_cholesky. An unknown type or key is an ErrUnsupported error, a
// missing parameter ErrParam.
func ParseTransforms(raw json.RawMessage) ([]Transform, error) {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		items = []json.RawMessage{raw} // torch also takes one transform
	}
	out := make([]Transform, len(items))
	for i, it := range items {
		t, err := parseTransform(it)
		if err != nil {
			return nil, fmt.Errorf("spec: transforms[%d]: %w", i, err)
		}
		out[i] = t
	}
	return out, nil
}

// transformKeys are the keys each transform type takes beside "type".
var transformKeys = map[string][]string{
	"exp": nil, "sigmoid": nil, "tanh": nil, "softplus": nil,
	"stick_breaking": nil, "corr_cholesky": nil, "softmax": nil, "lower_cholesky": nil,
	"affine": {"loc", "scale", "event_dim"},
	"power":  {"exponent"},
}

func parseTransform(raw json.RawMessage) (Transform, error) {
	var typ string
	m := map[string]json.RawMessage{}
	if err := json.Unmarshal(raw, &typ); err != nil {
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, fmt.Errorf("not a transform: %s: %w", raw, ErrUnsupported)
		}
		if err := json.Unmarshal(m["type"], &typ); err != nil || typ == "" {
			return nil, fmt.Errorf("transform without a \"type\": %s: %w", raw, ErrParam)
		}
	}
	keys, ok := transformKeys[typ]
	if !ok {
		return nil, fmt.Errorf("transform type %q: %w", typ, ErrUnsupported)
	}
	for k := range m {
		if k != "type" && !slices.Contains(keys, k) {
			return nil, fmt.Errorf("%s transform: key %q: %w", typ, k, ErrUnsupported)
		}
	}
	switch typ {
	case "exp":
		return NewExpTransform(), nil
	case "sigmoid":
		return NewSigmoidTransform(), nil
	case "tanh":
		return NewTanhTransform(), nil
	case "softplus":
		return NewSoftplusTransform(), nil
	case "stick_breaking":
		return NewStickBreakingTransform(), nil
	case "corr_cholesky":
		return NewCorrCholeskyTransform(), nil
	case "softmax":
		return NewSoftmaxTransform(), nil
	case "lower_cholesky":
		return NewLowerCholeskyTransform(), nil
	case "power":
		e, err := transformTensor(typ, m, "exponent")
		if err != nil {
			return nil, err
		}
		return NewPowerTransform(e)
	}
	// affine
	loc, err := transformTensor(typ, m, "loc")
	if err != nil {
		return nil, err
	}
	scale, err := transformTensor(typ, m, "scale")
	if err != nil {
		return nil, err
	}
	ed := 0
	if raw, ok := m["event_dim"]; ok {
		var n Number
		if err := json.Unmarshal(raw, &n); err != nil || float64(n) != math.Trunc(float64(n)) || n < 0 || n > 64 {
			return nil, fmt.Errorf("affine transform: event_dim %s is not an integer >= 0: %w", raw, ErrParam)
		}
		ed = int(n)
	}
	return NewAffineTransform(loc, scale, ed)
}

func transformTensor(typ string, m map[string]json.RawMessage, key string) (*tensor.Dense, error) {
	raw, ok := m[key]
	if !ok || string(raw) == "null" {
		return nil, fmt.Errorf("%s transform: %s is required: %w", typ, key, ErrParam)
	}
	t, err := ParseTensor(raw)
	if err != nil {
		return nil, fmt.Errorf("%s transform: %s: %w", typ, key, err)
	}
	return t, nil
}
