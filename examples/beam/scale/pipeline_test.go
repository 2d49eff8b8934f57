package scale

import (
	"context"
	"testing"
)

// The pipeline on Prism with 1, 4 and 16 shards gives the single-process
// loop's log-likelihood, gradient and information, and its DoFns report
// scoring every row exactly once.
func TestPipelineMatchesLocal(t *testing.T) {
	d := testData()
	beta := []float64{0.45, 0.25, -0.15, 0.05}
	var first Total
	for _, n := range []int{1, 4, 16} {
		shards, err := Split(d.Blocks, n)
		if err != nil {
			t.Fatal(err)
		}
		want, err := EvaluateLocal(d, shards, beta)
		if err != nil {
			t.Fatal(err)
		}
		pl := Pipeline{Data: d, Shards: shards, OutputDir: t.TempDir()}
		got, err := pl.Evaluate(context.Background(), beta)
		if err != nil {
			t.Fatal(err)
		}
		closeRel(t, "loglik", want.LogLik, got.LogLik, tol)
		closeInNorm(t, "grad", want.Grad, got.Grad, tol)
		closeInNorm(t, "info", want.Info, got.Info, tol)
		if got.Rows != d.Rows() || got.RowsCounted != d.Rows() {
			t.Errorf("shards=%d: total rows %d, counter %d, want %d", n, got.Rows, got.RowsCounted, d.Rows())
		}
		if n == 1 {
			first = got.Total
		} else if got.LogLik != first.LogLik { // same blocks, same order: same bits
			t.Errorf("shards=%d: loglik %.17g, with 1 shard %.17g", n, got.LogLik, first.LogLik)
		}
	}
}
