package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	beamlog "github.com/apache/beam/sdks/v2/go/pkg/beam/log"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/flink"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/spark"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/universal"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/examples/beam/scale"
)

var (
	runner    = flag.String("runner", "prism", "Beam runner: prism (embedded), flink, spark, universal, or dataflow when built with -tags dataflow")
	outputDir = flag.String("output_dir", "", "where the pipeline writes each evaluation's total (default: a temporary directory; on a cluster a path the workers and this driver share)")
	shards    = flag.Int("shards", 16, "number of shards, each a source of its own")
	blocks    = flag.Int("blocks", 16, "number of blocks of rows")
	blockRows = flag.Int("block_rows", 65536, "rows per block")
	seed      = flag.Uint64("seed", 2026, "seed of the data: block b is drawn from PCG(seed, b)")
	logLevel  = flag.String("beam_log_level", "warn", "level of Beam's own logs: debug, info, warn or error")
)

// runners maps -runner to an executor; dataflow.go adds "dataflow".
var runners = map[string]func(context.Context, *beam.Pipeline) (beam.PipelineResult, error){
	"prism":     prism.Execute,
	"flink":     flink.Execute,
	"spark":     spark.Execute,
	"universal": universal.Execute,
}

func main() {
	flag.Parse()
	beam.Init() // a worker started from this binary runs here and exits
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, *logLevel) {
		fmt.Fprintf(os.Stderr, "beam: beam_log_level must be debug, info, warn or error, got %q\n", *logLevel)
		os.Exit(2)
	}
	beamlog.SetupLogging(*logLevel, "text")
	cfg := config{
		Data:      scale.Data{Seed: *seed, Blocks: *blocks, BlockRows: *blockRows, Truth: []float64{0.5, 0.3, -0.2, 0.1}},
		Shards:    *shards,
		Runner:    *runner,
		OutputDir: *outputDir,
	}
	if _, err := run(context.Background(), os.Stdout, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "beam:", err)
		os.Exit(1)
	}
}

// config is what the flags choose.
type config struct {
	Data      scale.Data
	Shards    int
	Runner    string
	OutputDir string
}

// run fits cfg's data through the pipeline, writing progress and the
// result to w, and returns the fit so that a test can check it.
func run(ctx context.Context, w io.Writer, cfg config) (scale.FitResult, error) {
	if err := cfg.Data.Validate(); err != nil {
		return scale.FitResult{}, err
	}
	shards, err := scale.Split(cfg.Data.Blocks, cfg.Shards)
	if err != nil {
		return scale.FitResult{}, err
	}
	execute, ok := runners[cfg.Runner]
	if !ok {
		return scale.FitResult{}, fmt.Errorf("runner must be one of %v, got %q: %w", slices.Sorted(maps.Keys(runners)), cfg.Runner, distributions.ErrParam)
	}
	if cfg.OutputDir == "" {
		dir, err := os.MkdirTemp("", "tensordist-beam-")
		if err != nil {
			return scale.FitResult{}, err
		}
		defer os.RemoveAll(dir)
		cfg.OutputDir = dir
	}
	pl := scale.Pipeline{Data: cfg.Data, Shards: shards, Execute: execute, OutputDir: cfg.OutputDir}
	fmt.Fprintf(w, "Poisson regression, %d rows in %d blocks, %d shards, runner %s\n",
		cfg.Data.Rows(), cfg.Data.Blocks, len(shards), cfg.Runner)
	start := time.Now()
	eval := func(beta []float64) (scale.Total, error) {
		r, err := pl.Evaluate(ctx, beta)
		if err != nil {
			return scale.Total{}, err
		}
		if r.RowsCounted != cfg.Data.Rows() {
			return scale.Total{}, fmt.Errorf("the workers counted %d rows, the data has %d", r.RowsCounted, cfg.Data.Rows())
		}
		return r.Total, nil
	}
	fit, err := scale.Fit(eval, make([]float64, cfg.Data.Coefficients()), w)
	if err != nil {
		return scale.FitResult{}, err
	}
	elapsed := time.Since(start)
	fmt.Fprintf(w, "\n%-6s %10s %10s %10s %7s\n", "coef", "truth", "estimate", "std err", "z")
	for j, b := range fit.Beta {
		truth := cfg.Data.Truth[j]
		fmt.Fprintf(w, "beta%-2d %10.4f %10.5f %10.5f %7.2f\n", j, truth, b, fit.StdErr[j], (b-truth)/fit.StdErr[j])
	}
	rows := float64(cfg.Data.Rows()) * float64(fit.Evaluations)
	fmt.Fprintf(w, "\n%d pipeline runs, %d steps, %.1f s: %.3g rows/s scored by the workers\n",
		fit.Evaluations, fit.Steps, elapsed.Seconds(), rows/elapsed.Seconds())
	return fit, nil
}
