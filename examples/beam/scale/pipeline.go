package scale

import (
	"context"
	"encoding/json"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/textio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
)

// RowsCounter counts the rows the DoFns score, in namespace "tensordist",
// name "rows": proof that the likelihood work happened in the pipeline.
var RowsCounter = beam.NewCounter("tensordist", "rows")

func init() {
	register.DoFn3x1[context.Context, Shard, func(Partial), error](&shardFn{})
	register.Emitter1[Partial]()
	register.Combiner3[gathered, Partial, Total](&gatherFn{})
	register.Function1x2(encodeTotal)
}

// Build adds to s the pipeline that writes the Total of d at beta, as one
// line of JSON, to the file output. Each shard is its own Create, and the
// Flatten of them feeds the scoring DoFn: runners may run the sources'
// bundles in parallel (Prism unzips the Flatten into one stage per shard).
func Build(s beam.Scope, d Data, shards []Shard, beta []float64, output string) {
	sources := make([]beam.PCollection, len(shards))
	for i, sh := range shards {
		sources[i] = beam.Create(s.Scope("shard"), sh)
	}
	work := beam.Flatten(s, sources...)
	parts := beam.ParDo(s, &shardFn{Data: d, Beta: beta}, work)
	total := beam.Combine(s, &gatherFn{Blocks: d.Blocks}, parts)
	textio.Write(s, output, beam.ParDo(s, encodeTotal, total))
}

// shardFn scores one shard's blocks where it runs; its fields (the data's
// description and β) are all it receives from the driver.
type shardFn struct {
	Data Data
	Beta []float64
}

// ProcessElement emits one Partial per block of s and counts its rows.
func (fn *shardFn) ProcessElement(ctx context.Context, s Shard, emit func(Partial)) error {
	parts, err := ShardPartials(fn.Data, s, fn.Beta)
	if err != nil {
		return err
	}
	for _, part := range parts {
		RowsCounter.Inc(ctx, part.Rows)
		emit(part)
	}
	return nil
}

// gathered is gatherFn's accumulator: the partials seen so far, in any
// order. Keeping them whole (p² + p + 2 numbers a block) rather than a
// running sum is what makes the total independent of the merge order.
type gathered struct {
	Parts []Partial
}

// gatherFn combines Partials into the Total by Sum: in block order, exactly
// once each, whatever the runner's bundle and merge order.
type gatherFn struct {
	Blocks int
}

// CreateAccumulator starts with no partials.
func (fn *gatherFn) CreateAccumulator() gathered { return gathered{} }

// AddInput keeps part.
func (fn *gatherFn) AddInput(a gathered, part Partial) gathered {
	a.Parts = append(a.Parts, part)
	return a
}

// MergeAccumulators keeps both sets of partials.
func (fn *gatherFn) MergeAccumulators(a, b gathered) gathered {
	return gathered{Parts: append(a.Parts, b.Parts...)}
}

// ExtractOutput sums the partials in block order.
func (fn *gatherFn) ExtractOutput(a gathered) (Total, error) { return Sum(a.Parts, fn.Blocks) }

// encodeTotal writes t as JSON, whose shortest round-trip floats keep every
// bit.
func encodeTotal(t Total) (string, error) {
	b, err := json.Marshal(t)
	return string(b), err
}
