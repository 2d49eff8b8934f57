package distributions

import "sync/atomic"

var validateByDefault atomic.Bool

func init() { validateByDefault.Store(true) }

// SetDefaultValidation sets whether distributions built without
// WithValidation validate their parameters and values (default on, like
// Pyro's enable_validation and torch's set_default_validate_args).
func SetDefaultValidation(on bool) { validateByDefault.Store(on) }

// DefaultValidation reports the default set by SetDefaultValidation.
func DefaultValidation() bool { return validateByDefault.Load() }

// An Option configures a distribution at construction.
type Option func(*config)

type config struct{ validate bool }

// WithValidation overrides the default validation for one distribution
// (torch's validate_args): off skips the parameter checks and lets LogProb
// score values outside the support (-Inf, as torch does).
func WithValidation(on bool) Option { return func(c *config) { c.validate = on } }

func newConfig(opts []Option) config {
	c := config{validate: DefaultValidation()}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	return c
}
