package scale

import (
	"fmt"
	"io"
	"math"
	"slices"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
)

// An Evaluator returns the Total at beta: Pipeline.Evaluate on a runner,
// or EvaluateLocal in this process.
type Evaluator func(beta []float64) (Total, error)

// FitResult is the maximum-likelihood estimate and its uncertainty.
type FitResult struct {
	Beta        []float64
	Info        []float64 // Fisher information I(β̂), row-major (p, p)
	StdErr      []float64 // sqrt(diag(I(β̂)⁻¹))
	LogLik      float64
	Steps       int // L-BFGS major iterations after the start
	Evaluations int // calls of the Evaluator
}

// Fit maximises the log-likelihood from start with gonum's L-BFGS, calling
// eval once per point (value, gradient and information come together) and
// writing one progress line per step to progress. It stops when the
// gradient of the mean log-likelihood per row is below 1e-8 in max norm.
func Fit(eval Evaluator, start []float64, progress io.Writer) (FitResult, error) {
	c := &cachedEval{eval: eval}
	first, err := c.at(start)
	if err != nil {
		return FitResult{}, err
	}
	rows := float64(first.Rows) // minimise -loglik/rows: a scale-free objective
	problem := optimize.Problem{
		Func: func(beta []float64) float64 {
			t, err := c.at(beta)
			if err != nil {
				return math.NaN() // the error is kept in c and returned below
			}
			return -t.LogLik / rows
		},
		Grad: func(grad, beta []float64) {
			t, err := c.at(beta)
			for j := range grad {
				grad[j] = math.NaN()
				if err == nil {
					grad[j] = -t.Grad[j] / rows
				}
			}
		},
	}
	settings := &optimize.Settings{
		GradientThreshold: 1e-8,
		MajorIterations:   100,
		Recorder:          &progressRecorder{w: progress, rows: rows},
	}
	res, err := optimize.Minimize(problem, start, settings, &optimize.LBFGS{})
	if c.err != nil {
		return FitResult{}, c.err
	}
	if err != nil {
		return FitResult{}, fmt.Errorf("scale: fit: %w", err)
	}
	t, err := c.at(res.X)
	if err != nil {
		return FitResult{}, err
	}
	se, err := stdErrs(t.Info, len(res.X))
	if err != nil {
		return FitResult{}, err
	}
	return FitResult{Beta: res.X, Info: t.Info, StdErr: se, LogLik: t.LogLik, Steps: res.Stats.MajorIterations - 1, Evaluations: c.calls}, nil
}

// cachedEval remembers the last point, since gonum asks for the value and
// the gradient at one point in separate calls, and the first error.
type cachedEval struct {
	eval  Evaluator
	beta  []float64
	total Total
	calls int
	err   error
}

func (c *cachedEval) at(beta []float64) (Total, error) {
	if c.err != nil {
		return Total{}, c.err
	}
	if c.beta != nil && slices.Equal(c.beta, beta) {
		return c.total, nil
	}
	t, err := c.eval(beta)
	c.calls++
	if err != nil {
		c.err = err
		return Total{}, err
	}
	c.beta, c.total = slices.Clone(beta), t
	return t, nil
}

// stdErrs inverts the (p, p) information matrix through its Cholesky
// factor and returns the square roots of the inverse's diagonal.
func stdErrs(info []float64, p int) ([]float64, error) {
	var chol mat.Cholesky
	if ok := chol.Factorize(mat.NewSymDense(p, slices.Clone(info))); !ok {
		return nil, fmt.Errorf("scale: Fisher information is not positive definite")
	}
	var cov mat.SymDense
	if err := chol.InverseTo(&cov); err != nil {
		return nil, fmt.Errorf("scale: Fisher information: %w", err)
	}
	se := make([]float64, p)
	for j := range se {
		se[j] = math.Sqrt(cov.At(j, j))
	}
	return se, nil
}

// progressRecorder prints each L-BFGS major iteration (step 0 is the
// start) and the final point.
type progressRecorder struct {
	w    io.Writer
	rows float64
}

// Init has nothing to prepare.
func (r *progressRecorder) Init() error { return nil }

// Record prints loc after a major iteration and at the end.
func (r *progressRecorder) Record(loc *optimize.Location, op optimize.Operation, stats *optimize.Stats) error {
	var label string
	switch op {
	case optimize.MajorIteration:
		label = fmt.Sprintf("step %2d", stats.MajorIterations-1)
	case optimize.PostIteration:
		label = "final  "
	default:
		return nil
	}
	_, err := fmt.Fprintf(r.w, "%s  evaluations %3d  loglik %.12g  |grad| %.2e  beta %.6f\n",
		label, stats.FuncEvaluations, -loc.F*r.rows, floats.Norm(loc.Gradient, math.Inf(1))*r.rows, loc.X)
	return err
}
