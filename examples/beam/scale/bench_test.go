package scale

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkEvaluate times one evaluation of 1,048,576 rows (16 blocks of
// 65536) in this process and on Prism with 1, 4 and 16 shards, and Prism's
// fixed cost per pipeline on 16 one-row blocks. Rows are regenerated in
// every evaluation, as a worker does; "generate" times that part alone.
// docs/scaling.md reports it:
//
//	go test ./scale -run '^$' -bench Evaluate -benchtime 5x
func BenchmarkEvaluate(b *testing.B) {
	big := Data{Seed: 2026, Blocks: 16, BlockRows: 65536, Truth: []float64{0.5, 0.3, -0.2, 0.1}}
	tiny := big
	tiny.BlockRows = 1
	beta := []float64{0.45, 0.25, -0.15, 0.05}
	b.Run("generate", func(b *testing.B) {
		for b.Loop() {
			for blk := range big.Blocks {
				if _, _, err := big.Block(blk); err != nil {
					b.Fatal(err)
				}
			}
		}
		reportRows(b, big)
	})
	b.Run("local", func(b *testing.B) {
		shards, _ := Split(big.Blocks, 1)
		for b.Loop() {
			if _, err := EvaluateLocal(big, shards, beta); err != nil {
				b.Fatal(err)
			}
		}
		reportRows(b, big)
	})
	for _, d := range []struct {
		name string
		data Data
	}{{"prism", big}, {"prism-overhead", tiny}} {
		for _, n := range []int{1, 4, 16} {
			b.Run(fmt.Sprintf("%s/shards=%d", d.name, n), func(b *testing.B) {
				shards, _ := Split(d.data.Blocks, n)
				pl := Pipeline{Data: d.data, Shards: shards, OutputDir: b.TempDir()}
				for b.Loop() {
					if _, err := pl.Evaluate(context.Background(), beta); err != nil {
						b.Fatal(err)
					}
				}
				reportRows(b, d.data)
			})
		}
	}
}

func reportRows(b *testing.B, d Data) {
	b.ReportMetric(float64(d.Rows())*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
