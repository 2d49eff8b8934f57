package distributions

import (
	"fmt"
	"math"
	"sync"
	"sync/atomic"
)

// Settings are Pyro's global settings that change what some families
// compute (pyro.settings).
type Settings struct {
	// BinomialApproxSampleThresh: Binomial samples by a clamped Poisson
	// approximation where total_count exceeds it; > 0, default +Inf.
	BinomialApproxSampleThresh float64
	// BinomialApproxLogProbTol: Binomial's log_prob uses Pyro's shifted
	// Stirling log-beta accurate to this tolerance when it is >= 0.02;
	// >= 0, default 0 (exact).
	BinomialApproxLogProbTol float64
}

// DefaultSettings are Pyro's defaults.
func DefaultSettings() Settings {
	return Settings{BinomialApproxSampleThresh: math.Inf(1), BinomialApproxLogProbTol: 0}
}

// Validate returns an ErrParam error naming the first setting outside its
// range.
func (s Settings) Validate() error {
	if !(s.BinomialApproxSampleThresh > 0) {
		return fmt.Errorf("settings: BinomialApproxSampleThresh must be > 0, got %g: %w", s.BinomialApproxSampleThresh, ErrParam)
	}
	if !(s.BinomialApproxLogProbTol >= 0) {
		return fmt.Errorf("settings: BinomialApproxLogProbTol must be >= 0, got %g: %w", s.BinomialApproxLogProbTol, ErrParam)
	}
	return nil
}

var (
	current atomic.Pointer[Settings]
	scope   sync.Mutex // serialises WithSettings
)

func init() {
	s := DefaultSettings()
	current.Store(&s)
}

// CurrentSettings returns the settings in force; safe from any goroutine.
func CurrentSettings() Settings { return *current.Load() }

// SetSettings replaces the settings after validating them.
func SetSettings(s Settings) error {
	if err := s.Validate(); err != nil {
		return err
	}
	current.Store(&s)
	return nil
}

// WithSettings runs fn with s in force and restores the previous settings
// afterwards, like Pyro's settings.context. Calls are serialised, so that
// parallel tests that each use WithSettings never see another's settings;
// hence, unlike Pyro's contexts, calls do not nest: fn must not call
// WithSettings, which would wait for the outer call forever.
func WithSettings(s Settings, fn func()) error {
	if err := s.Validate(); err != nil {
		return err
	}
	scope.Lock()
	defer scope.Unlock()
	old := current.Load()
	current.Store(&s)
	defer current.Store(old)
	fn()
	return nil
}
