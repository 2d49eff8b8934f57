package distributions_test

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed39ad66a2/tensordist/distributions"
)

// The settings are global. Tests that change them with SetSettings, or that
// read them expecting the defaults, are not parallel: the parallel tests
// of the package (the golden runner uses WithSettings) wait until every
// sequential test has finished. Each restores the defaults.

// restoreDefaults puts the default settings back when t ends.
func restoreDefaults(t *testing.T) {
	t.Cleanup(func() { require.NoError(t, distributions.SetSettings(distributions.DefaultSettings())) })
}

func TestSettingsDefaults(t *testing.T) {
	def := distributions.DefaultSettings()
	assert.True(t, math.IsInf(def.BinomialApproxSampleThresh, 1), "thresh %v", def.BinomialApproxSampleThresh)
	assert.Equal(t, 0.0, def.BinomialApproxLogProbTol)
	assert.False(t, math.Signbit(def.BinomialApproxLogProbTol))
	require.NoError(t, def.Validate())
	assert.Equal(t, def, distributions.CurrentSettings(), "the settings in force at start are Pyro's defaults")
}

func TestSettingsValidate(t *testing.T) {
	t.Parallel()
	inf, nan := math.Inf(1), math.NaN()
	tests := []struct {
		thresh, tol float64
		bad         string // the setting named in the error; "" if valid
	}{
		{inf, 0, ""},
		{200, 0, ""},
		{1e-300, 0.5, ""},
		{math.SmallestNonzeroFloat64, inf, ""},
		{0, 0, "BinomialApproxSampleThresh"},
		{-1, 0, "BinomialApproxSampleThresh"},
		{nan, 0, "BinomialApproxSampleThresh"},
		{-inf, 0, "BinomialApproxSampleThresh"},
		{inf, -1, "BinomialApproxLogProbTol"},
		{inf, nan, "BinomialApproxLogProbTol"},
		{inf, -inf, "BinomialApproxLogProbTol"},
		{inf, -math.SmallestNonzeroFloat64, "BinomialApproxLogProbTol"},
		{0, -1, "BinomialApproxSampleThresh"}, // the first one is named
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("thresh=%v,tol=%v", tc.thresh, tc.tol), func(t *testing.T) {
			t.Parallel()
			err := distributions.Settings{BinomialApproxSampleThresh: tc.thresh, BinomialApproxLogProbTol: tc.tol}.Validate()
			if tc.bad == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, distributions.ErrParam)
			assert.Contains(t, err.Error(), tc.bad)
		})
	}
	// -0 is >= 0: a valid tolerance, as in Pyro.
	require.NoError(t, distributions.Settings{BinomialApproxSampleThresh: 1, BinomialApproxLogProbTol: math.Copysign(0, -1)}.Validate())
}

func TestSetSettings(t *testing.T) {
	restoreDefaults(t)
	s := distributions.Settings{BinomialApproxSampleThresh: 200, BinomialApproxLogProbTol: 0.1}
	require.NoError(t, distributions.SetSettings(s))
	assert.Equal(t, s, distributions.CurrentSettings())
	for _, bad := range []distributions.Settings{
		{BinomialApproxSampleThresh: 0, BinomialApproxLogProbTol: 0},
		{BinomialApproxSampleThresh: math.NaN(), BinomialApproxLogProbTol: 0},
		{BinomialApproxSampleThresh: 50, BinomialApproxLogProbTol: -1},
		{BinomialApproxSampleThresh: 50, BinomialApproxLogProbTol: math.NaN()},
	} {
		err := distributions.SetSettings(bad)
		require.ErrorIs(t, err, distributions.ErrParam, "%+v", bad)
		assert.Equal(t, s, distributions.CurrentSettings(), "a rejected %+v changed the settings", bad)
	}
	// The settings returned are a copy: editing it changes nothing.
	c := distributions.CurrentSettings()
	c.BinomialApproxSampleThresh = 1
	assert.Equal(t, s, distributions.CurrentSettings())
}

// withinDeadline runs fn in a goroutine and fails t if it has not returned
// after d: a lock left held would otherwise hang the test binary.
func withinDeadline(t *testing.T, d time.Duration, what string, fn func()) {
	t.Helper()
	done := make(chan struct{}, 1) // the package's close is the float comparison
	go func() {
		defer func() { done <- struct{}{} }()
		fn()
	}()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("%s did not return within %v (a lock left held?)", what, d)
	}
}

func TestWithSettings(t *testing.T) {
	restoreDefaults(t)
	def := distributions.DefaultSettings()
	s := distributions.Settings{BinomialApproxSampleThresh: 200, BinomialApproxLogProbTol: 0.05}

	t.Run("sets and restores", func(t *testing.T) {
		var inside distributions.Settings
		calls := 0
		err := distributions.WithSettings(s, func() {
			calls++
			inside = distributions.CurrentSettings()
		})
		require.NoError(t, err)
		assert.Equal(t, 1, calls)
		assert.Equal(t, s, inside)
		assert.Equal(t, def, distributions.CurrentSettings())
	})
	t.Run("restores what was in force, not the defaults", func(t *testing.T) {
		prev := distributions.Settings{BinomialApproxSampleThresh: 7, BinomialApproxLogProbTol: 0.5}
		require.NoError(t, distributions.SetSettings(prev))
		require.NoError(t, distributions.WithSettings(s, func() {
			assert.Equal(t, s, distributions.CurrentSettings())
		}))
		assert.Equal(t, prev, distributions.CurrentSettings())
		require.NoError(t, distributions.SetSettings(def))
	})
	t.Run("invalid settings: fn is not run", func(t *testing.T) {
		for _, bad := range []distributions.Settings{
			{BinomialApproxSampleThresh: 0},
			{BinomialApproxSampleThresh: 1, BinomialApproxLogProbTol: math.NaN()},
		} {
			called := false
			err := distributions.WithSettings(bad, func() { called = true })
			require.ErrorIs(t, err, distributions.ErrParam)
			assert.False(t, called)
			assert.Equal(t, def, distributions.CurrentSettings())
		}
	})
	t.Run("a panic in fn restores the settings and releases the lock", func(t *testing.T) {
		var recovered any
		func() {
			defer func() { recovered = recover() }()
			_ = distributions.WithSettings(s, func() { panic("boom") })
		}()
		assert.Equal(t, "boom", recovered, "the panic propagates unchanged")
		assert.Equal(t, def, distributions.CurrentSettings(), "settings left changed by a panic")
		other := distributions.Settings{BinomialApproxSampleThresh: 3, BinomialApproxLogProbTol: 0}
		withinDeadline(t, 10*time.Second, "WithSettings after a panic", func() {
			assert.NoError(t, distributions.WithSettings(other, func() {
				assert.Equal(t, other, distributions.CurrentSettings())
			}))
		})
		assert.Equal(t, def, distributions.CurrentSettings())
	})
	t.Run("runtime.Goexit in fn restores too", func(t *testing.T) {
		done := make(chan struct{}, 1)
		go func() {
			defer func() { done <- struct{}{} }()
			_ = distributions.WithSettings(s, func() { runtime.Goexit() })
		}()
		<-done
		assert.Equal(t, def, distributions.CurrentSettings())
		withinDeadline(t, 10*time.Second, "WithSettings after a Goexit", func() {
			assert.NoError(t, distributions.WithSettings(s, func() {}))
		})
	})
}

// TestSettingsConcurrentReaders reads the settings from many goroutines
// while WithSettings switches them: every read is one of the settings ever
// in force, whole (never one field of one and the other of another). Run
// with -race.
func TestSettingsConcurrentReaders(t *testing.T) {
	restoreDefaults(t)
	def := distributions.DefaultSettings()
	s1 := distributions.Settings{BinomialApproxSampleThresh: 100, BinomialApproxLogProbTol: 0.1}
	s2 := distributions.Settings{BinomialApproxSampleThresh: 300, BinomialApproxLogProbTol: 0.3}
	var (
		stop  atomic.Bool
		wg    sync.WaitGroup
		reads atomic.Int64
		bad   atomic.Pointer[distributions.Settings]
	)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				c := distributions.CurrentSettings()
				reads.Add(1)
				if c != def && c != s1 && c != s2 {
					bad.Store(&c)
				}
				runtime.Gosched() // no spinning through a whole time slice when GOMAXPROCS is 1
			}
		}()
	}
	for i := range 2000 {
		s := s1
		if i%2 == 1 {
			s = s2
		}
		require.NoError(t, distributions.WithSettings(s, func() {
			runtime.Gosched()
		}))
	}
	stop.Store(true)
	wg.Wait()
	if b := bad.Load(); b != nil {
		t.Fatalf("a reader saw %+v, never in force", *b)
	}
	assert.Positive(t, reads.Load())
	assert.Equal(t, def, distributions.CurrentSettings())
}

// TestWithSettingsParallelSubtests: parallel subtests that each run under
// their own settings never observe another's, because WithSettings calls
// are serialised.
func TestWithSettingsParallelSubtests(t *testing.T) {
	restoreDefaults(t)
	t.Run("group", func(t *testing.T) {
		for i := range 8 {
			own := distributions.Settings{BinomialApproxSampleThresh: float64(10 * (i + 1)), BinomialApproxLogProbTol: 0.01 * float64(i)}
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				for range 20 {
					require.NoError(t, distributions.WithSettings(own, func() {
						for range 50 {
							require.Equal(t, own, distributions.CurrentSettings())
							runtime.Gosched()
						}
					}))
				}
			})
		}
	})
	assert.Equal(t, distributions.DefaultSettings(), distributions.CurrentSettings())
}
