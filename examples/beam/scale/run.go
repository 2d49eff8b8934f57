package scale

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync/atomic"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local" // local output paths
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"
)

// Pipeline evaluates one data set's likelihood on a Beam runner.
type Pipeline struct {
	Data   Data
	Shards []Shard
	// Execute runs a pipeline on a runner (prism.Execute, flink.Execute,
	// dataflow.Execute, …); nil means the embedded Prism runner.
	Execute func(context.Context, *beam.Pipeline) (beam.PipelineResult, error)
	// OutputDir receives one small JSON file per evaluation; on a cluster
	// it must be a path that both the workers and the driver reach (gs://…).
	OutputDir string
}

// Result is one evaluation: the Total, and the rows that the DoFns
// reported through RowsCounter.
type Result struct {
	Total
	RowsCounted int64
}

// evaluations numbers the output files of this process.
var evaluations atomic.Int64

// Evaluate runs the pipeline at beta and waits for its Total.
func (pl Pipeline) Evaluate(ctx context.Context, beta []float64) (Result, error) {
	if err := pl.Data.Validate(); err != nil {
		return Result{}, err
	}
	if err := checkBeta(pl.Data, beta); err != nil {
		return Result{}, err
	}
	if err := checkShards(pl.Data, pl.Shards); err != nil {
		return Result{}, err
	}
	// Not path.Join, which would turn gs://b into gs:/b.
	output := fmt.Sprintf("%s/total-%06d.json", strings.TrimSuffix(pl.OutputDir, "/"), evaluations.Add(1))
	p, s := beam.NewPipelineWithRoot()
	Build(s, pl.Data, pl.Shards, beta, output)
	execute := pl.Execute
	if execute == nil {
		execute = prism.Execute
	}
	pr, err := execute(ctx, p)
	if err != nil {
		return Result{}, fmt.Errorf("scale: pipeline: %w", err)
	}
	total, err := readTotal(ctx, output)
	if err != nil {
		return Result{}, err
	}
	return Result{Total: total, RowsCounted: countedRows(pr)}, nil
}

// readTotal reads the JSON line that the pipeline wrote to output.
func readTotal(ctx context.Context, output string) (Total, error) {
	fs, err := filesystem.New(ctx, output)
	if err != nil {
		return Total{}, fmt.Errorf("scale: output %s: %w", output, err)
	}
	defer fs.Close()
	r, err := fs.OpenRead(ctx, output)
	if err != nil {
		return Total{}, fmt.Errorf("scale: output %s: %w", output, err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		return Total{}, fmt.Errorf("scale: output %s: %w", output, err)
	}
	var t Total
	if err := json.Unmarshal(b, &t); err != nil {
		return Total{}, fmt.Errorf("scale: output %s: %w", output, err)
	}
	return t, nil
}

// countedRows sums RowsCounter over every step that reported it.
func countedRows(pr beam.PipelineResult) int64 {
	var n int64
	for _, c := range pr.Metrics().AllMetrics().Counters() {
		if c.Namespace() == "tensordist" && c.Name() == "rows" {
			n += c.Result()
		}
	}
	return n
}
