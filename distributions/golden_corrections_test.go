package distributions_test

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed39ad66a2/tensordist/distributions"
)

// correctionsFile lists golden values that are torch artefacts although
// SCHEMA.md promises exact ones, with their exact (mpmath) replacements.
const correctionsFile = goldenDir + "-corrections.json"

type correction struct {
	Case, Check, Why string
	Index            int
	Torch, Exact     float64
}

// loadCorrections reads correctionsFile.
func loadCorrections() ([]correction, error) {
	data, err := os.ReadFile(correctionsFile)
	if err != nil {
		return nil, err
	}
	var f struct{ Corrections []correction }
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", correctionsFile, err)
	}
	return f.Corrections, nil
}

// applyCorrection replaces, in case c, the flat element Index of the tensor
// check Check by Exact, only when the case still holds Torch there; it
// reports whether it did.
func applyCorrection(c *goldenCase, k correction) (bool, error) {
	raw, ok := c.keys[k.Check]
	if !ok {
		return false, nil
	}
	var t struct {
		Shape []int                  `json:"shape"`
		Data  []distributions.Number `json:"data"`
	}
	if err := json.Unmarshal(raw, &t); err != nil {
		return false, err
	}
	if k.Index < 0 || k.Index >= len(t.Data) || float64(t.Data[k.Index]) != k.Torch {
		return false, nil
	}
	t.Data[k.Index] = distributions.Number(k.Exact)
	fixed, err := json.Marshal(t)
	if err != nil {
		return false, err
	}
	c.keys[k.Check] = fixed
	return true, nil
}

// TestGoldenCorrection shows that a correction replaces only the recorded
// torch value and nothing else.
func TestGoldenCorrection(t *testing.T) {
	c, err := parseCase([]byte(`{"name": "meta/c", "stddev": {"shape": [2], "data": [1, 2]}}`))
	require.NoError(t, err)
	ok, err := applyCorrection(&c, correction{Case: "meta/c", Check: "stddev", Index: 1, Torch: 5, Exact: 3})
	require.NoError(t, err)
	assert.False(t, ok, "a value that is not the recorded torch value stays")
	ok, err = applyCorrection(&c, correction{Case: "meta/c", Check: "stddev", Index: 1, Torch: 2, Exact: 3})
	require.NoError(t, err)
	assert.True(t, ok)
	assert.JSONEq(t, `{"shape": [2], "data": [1, 3]}`, string(c.keys["stddev"]))
}
