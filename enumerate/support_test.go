package enumerate_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed39ad66a2/tensordist/enumerate"
	"github.com/seed39ad66a2/tensordist/tensor"
)

func TestSupportTagsItsOwner(t *testing.T) {
	values, err := tensor.New([]float64{0, 1}, 2, 1)
	require.NoError(t, err)
	owner := new(int)
	s := enumerate.New(values, owner)

	assert.Same(t, owner, s.Owner())
	assert.Equal(t, 2, s.K())
	assert.Equal(t, []int{2, 1}, tensor.ShapeOf(s), "a Support reads as its values")
	data, err := tensor.Floats[float64](s)
	require.NoError(t, err)
	assert.Equal(t, []float64{0, 1}, data)

	got, ok := enumerate.Of(s)
	assert.True(t, ok)
	assert.Same(t, s, got)
	_, ok = enumerate.Of(values)
	assert.False(t, ok, "a plain array is untagged")
}
