package shape_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed39ad66a2/tensordist/shape"
)

// sameShape fails t unless got is the shape want; nil and empty are both the
// scalar shape.
func sameShape(t assert.TestingT, want, got []int, msgAndArgs ...any) {
	if h, ok := t.(interface{ Helper() }); ok {
		h.Helper()
	}
	assert.Equal(t, shape.Format(want), shape.Format(got), msgAndArgs...)
}

func TestFormat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		s    []int
		want string
	}{
		{nil, "()"},
		{[]int{}, "()"},
		{[]int{3}, "(3,)"},
		{[]int{0}, "(0,)"},
		{[]int{3, 1}, "(3, 1)"},
		{[]int{2, 0, 4}, "(2, 0, 4)"},
		{[]int{-1, 12}, "(-1, 12)"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, shape.Format(tc.s), "Format(%#v)", tc.s)
	}
}

func TestSizeEqualCloneConcat(t *testing.T) {
	t.Parallel()
	assert.Equal(t, 1, shape.Size(nil))
	assert.Equal(t, 24, shape.Size([]int{2, 3, 4}))
	assert.Equal(t, 0, shape.Size([]int{2, 0, 4}))

	assert.True(t, shape.Equal(nil, []int{}))
	assert.True(t, shape.Equal([]int{2, 3}, []int{2, 3}))
	assert.False(t, shape.Equal([]int{2, 3}, []int{3, 2}))
	assert.False(t, shape.Equal([]int{3}, []int{1, 3}))

	c := shape.Clone(nil)
	require.NotNil(t, c)
	assert.Empty(t, c)
	src := []int{2, 3}
	c = shape.Clone(src)
	c[0] = 9
	assert.Equal(t, []int{2, 3}, src, "Clone must copy")

	require.NotNil(t, shape.Concat())
	assert.Empty(t, shape.Concat(nil, []int{}))
	assert.Equal(t, []int{1, 2, 3}, shape.Concat([]int{1}, nil, []int{2, 3}))
	assert.Equal(t, []int{2, 1, 3}, shape.ExpandBy([]int{3}, []int{2, 1}))
}

func TestCheck(t *testing.T) {
	t.Parallel()
	require.NoError(t, shape.Check(nil))
	require.NoError(t, shape.Check([]int{0, 1, 5}))
	err := shape.Check([]int{2, -1})
	require.ErrorIs(t, err, shape.ErrShape)
	assert.ErrorContains(t, err, "negative dimension in (2, -1)")
}

func TestBroadcast(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		shapes  [][]int
		want    []int
		wantErr string // a substring of the error; "" for success
	}{
		{name: "no shapes", shapes: nil, want: []int{}},
		{name: "one scalar", shapes: [][]int{{}}, want: []int{}},
		{name: "scalar and vector", shapes: [][]int{{}, {3}}, want: []int{3}},
		{name: "outer product", shapes: [][]int{{3, 1}, {1, 4}}, want: []int{3, 4}},
		{name: "right aligned", shapes: [][]int{{2, 3}, {3}}, want: []int{2, 3}},
		{name: "grow inner and outer", shapes: [][]int{{5, 1, 3}, {4, 1}}, want: []int{5, 4, 3}},
		{name: "three shapes", shapes: [][]int{{2, 1}, {1, 3}, {4, 1, 1}}, want: []int{4, 2, 3}},
		{name: "equal", shapes: [][]int{{2, 3}, {2, 3}}, want: []int{2, 3}},
		{name: "all ones", shapes: [][]int{{1, 1}, {1}}, want: []int{1, 1}},
		{name: "zero stretches from one", shapes: [][]int{{0}, {1}}, want: []int{0}},
		{name: "one stretches to zero", shapes: [][]int{{1, 3}, {0, 1}}, want: []int{0, 3}},
		{name: "zero and three", shapes: [][]int{{0}, {3}}, wantErr: "cannot broadcast (0,) with (3,)"},
		{name: "style example", shapes: [][]int{{3, 1}, {2, 4}}, wantErr: "shape: cannot broadcast (3, 1) with (2, 4)"},
		{name: "trailing mismatch", shapes: [][]int{{2, 3}, {2}}, wantErr: "cannot broadcast (2, 3) with (2,)"},
		{name: "third shape conflicts", shapes: [][]int{{2, 1}, {1, 3}, {4}}, wantErr: "cannot broadcast (2, 1) with (1, 3) with (4,)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := shape.Broadcast(tc.shapes...)
			if tc.wantErr != "" {
				require.ErrorIs(t, err, shape.ErrShape)
				assert.ErrorContains(t, err, tc.wantErr)
				assert.Nil(t, got)
				return
			}
			require.NoError(t, err)
			sameShape(t, tc.want, got)
		})
	}
}

func TestBroadcastDoesNotAliasInputs(t *testing.T) {
	t.Parallel()
	a := []int{3, 1}
	got, err := shape.Broadcast(a)
	require.NoError(t, err)
	got[0] = 7
	assert.Equal(t, []int{3, 1}, a)
}

func TestBroadcastsTo(t *testing.T) {
	t.Parallel()
	tests := []struct {
		s, target []int
		want      bool
	}{
		{nil, nil, true},
		{nil, []int{3}, true},
		{[]int{3}, nil, false},
		{[]int{1}, nil, false}, // would grow the target's rank
		{[]int{3, 1}, []int{2, 3, 4}, true},
		{[]int{3}, []int{3, 1}, false},
		{[]int{1}, []int{0}, true},
		{[]int{0}, []int{1}, false}, // would grow the target's size
		{[]int{2}, []int{2}, true},
		{[]int{1, 4}, []int{3, 4}, true},
		{[]int{2, 4}, []int{3, 4}, false},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, shape.BroadcastsTo(tc.s, tc.target), "BroadcastsTo(%s, %s)", shape.Format(tc.s), shape.Format(tc.target))
	}
}

func TestSplitEvent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		s              []int
		eventDim       int
		lead, event    []int
		wantErrMessage string
	}{
		{s: []int{2, 3, 4}, eventDim: 0, lead: []int{2, 3, 4}, event: nil},
		{s: []int{2, 3, 4}, eventDim: 1, lead: []int{2, 3}, event: []int{4}},
		{s: []int{2, 3, 4}, eventDim: 3, lead: nil, event: []int{2, 3, 4}},
		{s: nil, eventDim: 0, lead: nil, event: nil},
		{s: []int{2, 3, 4}, eventDim: 4, wantErrMessage: "(2, 3, 4) has fewer than 4 event dims"},
		{s: nil, eventDim: 1, wantErrMessage: "() has fewer than 1 event dims"},
		{s: []int{2}, eventDim: -1, wantErrMessage: "(2,)"},
	}
	for _, tc := range tests {
		lead, event, err := shape.SplitEvent(tc.s, tc.eventDim)
		if tc.wantErrMessage != "" {
			require.ErrorIs(t, err, shape.ErrShape)
			assert.ErrorContains(t, err, tc.wantErrMessage)
			continue
		}
		require.NoError(t, err)
		sameShape(t, tc.lead, lead, "lead of SplitEvent(%v, %d)", tc.s, tc.eventDim)
		sameShape(t, tc.event, event, "event of SplitEvent(%v, %d)", tc.s, tc.eventDim)
	}

	s := []int{2, 3, 4}
	lead, event, err := shape.SplitEvent(s, 1)
	require.NoError(t, err)
	lead[0], event[0] = 9, 9
	assert.Equal(t, []int{2, 3, 4}, s, "SplitEvent must return copies")
}

func TestCheckExpand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		from, to []int
		wantErr  string
	}{
		{from: []int{3, 1}, to: []int{2, 3, 4}},
		{from: nil, to: []int{5}},
		{from: nil, to: nil},
		{from: []int{2, 3}, to: []int{2, 3}},
		{from: []int{1}, to: []int{0}},
		{from: []int{3}, to: nil, wantErr: "cannot expand batch shape (3,) to ()"},
		{from: []int{3}, to: []int{4}, wantErr: "cannot expand batch shape (3,) to (4,)"},
		{from: []int{2, 1}, to: []int{1, 1}, wantErr: "cannot expand batch shape (2, 1) to (1, 1)"}, // never unexpand
		{from: []int{2, 3}, to: []int{3}, wantErr: "cannot expand batch shape (2, 3) to (3,)"},
		{from: []int{1}, to: []int{-1}, wantErr: "negative dimension in (-1,)"},
	}
	for _, tc := range tests {
		err := shape.CheckExpand(tc.from, tc.to)
		if tc.wantErr == "" {
			assert.NoError(t, err, "CheckExpand(%v, %v)", tc.from, tc.to)
			continue
		}
		require.ErrorIs(t, err, shape.ErrShape, "CheckExpand(%v, %v)", tc.from, tc.to)
		assert.ErrorContains(t, err, tc.wantErr)
	}
}

func TestSumRightmost(t *testing.T) {
	t.Parallel()
	s := []int{2, 3, 4}
	tests := []struct {
		n       int
		want    []int
		wantErr bool
	}{
		{n: 0, want: []int{2, 3, 4}},
		{n: 1, want: []int{2, 3}},
		{n: 2, want: []int{2}},
		{n: 3, want: nil},
		{n: 4, wantErr: true},
		{n: -1, wantErr: true},
	}
	for _, tc := range tests {
		got, err := shape.SumRightmost(s, tc.n)
		if tc.wantErr {
			require.ErrorIs(t, err, shape.ErrShape)
			assert.ErrorContains(t, err, "(2, 3, 4)")
			continue
		}
		require.NoError(t, err)
		sameShape(t, tc.want, got, "SumRightmost(%v, %d)", s, tc.n)
		if len(got) > 0 {
			got[0] = 9
			assert.Equal(t, []int{2, 3, 4}, s, "SumRightmost must return a copy")
		}
	}
}

func TestToEvent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		batch, event        []int
		n                   int
		wantBatch, wantEvnt []int
		wantErr             string
	}{
		{batch: []int{2, 3}, event: []int{4}, n: 0, wantBatch: []int{2, 3}, wantEvnt: []int{4}},
		{batch: []int{2, 3}, event: []int{4}, n: 1, wantBatch: []int{2}, wantEvnt: []int{3, 4}},
		{batch: []int{2, 3}, event: []int{4}, n: 2, wantBatch: nil, wantEvnt: []int{2, 3, 4}},
		{batch: []int{5}, event: nil, n: 1, wantBatch: nil, wantEvnt: []int{5}},
		{batch: nil, event: nil, n: 0, wantBatch: nil, wantEvnt: nil},
		{batch: []int{2, 3}, event: []int{4}, n: 3, wantErr: "to_event(3) needs 3 batch dims, batch shape is (2, 3)"},
		{batch: []int{2, 3}, event: nil, n: -1, wantErr: "to_event(-1)"},
	}
	for _, tc := range tests {
		b, e, err := shape.ToEvent(tc.batch, tc.event, tc.n)
		if tc.wantErr != "" {
			require.ErrorIs(t, err, shape.ErrShape)
			assert.ErrorContains(t, err, tc.wantErr)
			continue
		}
		require.NoError(t, err)
		sameShape(t, tc.wantBatch, b, "batch of ToEvent(%v, %v, %d)", tc.batch, tc.event, tc.n)
		sameShape(t, tc.wantEvnt, e, "event of ToEvent(%v, %v, %d)", tc.batch, tc.event, tc.n)
	}

	batch, event := []int{2, 3}, []int{4}
	b, e, err := shape.ToEvent(batch, event, 1)
	require.NoError(t, err)
	b[0], e[0], e[1] = 9, 9, 9
	assert.Equal(t, []int{2, 3}, batch, "ToEvent must not alias the batch")
	assert.Equal(t, []int{4}, event, "ToEvent must not alias the event")
}

func TestCheckValue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                string
		value, batch, event []int
		want                []int
		wantErr             string
	}{
		{name: "all scalar", want: nil},
		{name: "same batch", value: []int{3}, batch: []int{3}, want: []int{3}},
		{name: "value broadcasts up", value: []int{1}, batch: []int{3}, want: []int{3}},
		{name: "sample dims in front", value: []int{5, 1}, batch: []int{3}, want: []int{5, 3}},
		{name: "batch broadcasts up", value: []int{5, 3}, batch: []int{1}, want: []int{5, 3}},
		{name: "event only", value: []int{2, 3}, event: []int{3}, want: []int{2}},
		{name: "event and batch", value: []int{4, 1, 3}, batch: []int{2}, event: []int{3}, want: []int{4, 2}},
		{name: "value is one event", value: []int{3}, batch: []int{2}, event: []int{3}, want: []int{2}},
		{name: "batch grows lead", value: []int{1, 3}, batch: []int{5, 2}, event: []int{3}, want: []int{5, 2}},
		{name: "matrix event", value: []int{7, 2, 2}, batch: []int{7}, event: []int{2, 2}, want: []int{7}},
		{
			name: "wrong event size", value: []int{2}, event: []int{3},
			wantErr: "value of shape (2,) does not end in event shape (3,)",
		},
		{
			name: "event must match exactly, not broadcast", value: []int{4, 1}, batch: []int{4}, event: []int{3},
			wantErr: "value of shape (4, 1) does not end in event shape (3,)",
		},
		{
			name: "too few dims for the event", value: nil, event: []int{3},
			wantErr: "value of shape () does not end in event shape (3,)",
		},
		{
			name: "lead does not broadcast with batch", value: []int{2, 3}, batch: []int{4}, event: []int{3},
			wantErr: "value of shape (2, 3) does not broadcast with batch shape (4,)",
		},
		{
			name: "no event, batch conflicts", value: []int{2}, batch: []int{3},
			wantErr: "value of shape (2,) does not broadcast with batch shape (3,)",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := shape.CheckValue(tc.value, tc.batch, tc.event)
			if tc.wantErr != "" {
				require.ErrorIs(t, err, shape.ErrShape)
				assert.ErrorContains(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			sameShape(t, tc.want, got)
		})
	}
}
