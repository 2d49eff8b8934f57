package distributions_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/tensor"
)

func TestInferShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		family  string
		params  map[string][]int
		batch   []int
		wantErr error
	}{
		{"Normal (3,1) with (4)", "Normal", map[string][]int{"loc": {3, 1}, "scale": {4}}, []int{3, 4}, nil},
		{"Normal scalars", "Normal", map[string][]int{"loc": {}, "scale": {}}, []int{}, nil},
		{"Normal (2,1,5) with (3,1)", "Normal", map[string][]int{"loc": {2, 1, 5}, "scale": {3, 1}}, []int{2, 3, 5}, nil},
		{"Normal loc only", "Normal", map[string][]int{"loc": {3}}, []int{3}, nil},
		{"Normal zero size", "Normal", map[string][]int{"loc": {0, 1}, "scale": {4}}, []int{0, 4}, nil},
		{"Bernoulli probs", "Bernoulli", map[string][]int{"probs": {2, 1, 5}}, []int{2, 1, 5}, nil},
		{"Bernoulli logits", "Bernoulli", map[string][]int{"logits": {}}, []int{}, nil},
		{"no parameters", "Normal", map[string][]int{}, []int{}, nil},
		{"unknown family", "NoSuchFamily", map[string][]int{"loc": {3}}, nil, distributions.ErrUnsupported},
		{"family names are torch's class names", "normal", map[string][]int{"loc": {3}}, nil, distributions.ErrUnsupported},
		{"unknown parameter", "Normal", map[string][]int{"loc": {3}, "rate": {3}}, nil, distributions.ErrParam},
		{"Bernoulli has no loc", "Bernoulli", map[string][]int{"loc": {3}}, nil, distributions.ErrParam},
		{"not broadcasting", "Normal", map[string][]int{"loc": {3}, "scale": {4}}, nil, distributions.ErrShape},
		{"not broadcasting, inner dims", "Normal", map[string][]int{"loc": {2, 3}, "scale": {3, 3}}, nil, distributions.ErrShape},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			batch, event, err := distributions.InferShapes(tc.family, tc.params)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.batch, batch)
			assert.Equal(t, []int{}, event)
		})
	}
}

// TestInferShapesAgreesWithConstruction: for random parameter shapes the
// inferred batch shape is the one the constructor gives, and both reject
// the same non-broadcasting shapes.
func TestInferShapesAgreesWithConstruction(t *testing.T) {
	t.Parallel()
	dim := rapid.IntRange(1, 3)
	rapid.Check(t, func(t *rapid.T) {
		locShape := rapid.SliceOfN(dim, 0, 3).Draw(t, "loc")
		scaleShape := rapid.SliceOfN(dim, 0, 3).Draw(t, "scale")
		batch, event, err := distributions.InferShapes("Normal", map[string][]int{"loc": locShape, "scale": scaleShape})
		loc := must(tensor.Zeros[float64](locShape...))
		scale := must(tensor.Full(1.0, scaleShape...))
		d, cerr := distributions.NewNormal(loc, scale)
		if cerr != nil {
			require.ErrorIs(t, cerr, distributions.ErrShape)
			require.ErrorIs(t, err, distributions.ErrShape)
			return
		}
		require.NoError(t, err)
		require.Equal(t, d.BatchShape(), batch)
		require.Equal(t, d.EventShape(), event)

		b, _, err := distributions.InferShapes("Bernoulli", map[string][]int{"probs": locShape})
		require.NoError(t, err)
		require.Equal(t, must(distributions.NewBernoulli(must(tensor.Full(0.5, locShape...)))).BatchShape(), b)
	})
}

// TestInferShapesDoesNotKeepInputs: the result is the caller's to keep and
// the inputs are not modified.
func TestInferShapesDoesNotKeepInputs(t *testing.T) {
	t.Parallel()
	loc, scale := []int{3, 1}, []int{4}
	batch, _, err := distributions.InferShapes("Normal", map[string][]int{"loc": loc, "scale": scale})
	require.NoError(t, err)
	batch[0] = 99
	assert.Equal(t, []int{3, 1}, loc)
	assert.Equal(t, []int{4}, scale)
	again, _, err := distributions.InferShapes("Normal", map[string][]int{"loc": loc, "scale": scale})
	require.NoError(t, err)
	assert.Equal(t, []int{3, 4}, again)
}
