package scale

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/floats"
)

// tol is the agreement the pipeline owes the single-process loop (the
// issue's 1e-12 relative in norm; the two sum in the same order, so they
// agree exactly in practice).
const tol = 1e-12

// testData is small enough for a test to score it many times: 16 blocks
// of 2048 rows.
func testData() Data {
	return Data{Seed: 2026, Blocks: 16, BlockRows: 2048, Truth: []float64{0.5, 0.3, -0.2, 0.1}}
}

// closeInNorm fails t unless ‖got - want‖₂ <= rel·‖want‖₂.
func closeInNorm(t *testing.T, name string, want, got []float64, rel float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d values, want %d", name, len(got), len(want))
	}
	diff := make([]float64, len(want))
	floats.SubTo(diff, got, want)
	if d, w := floats.Norm(diff, 2), floats.Norm(want, 2); !(d <= rel*w) {
		t.Errorf("%s: ‖got - want‖ = %g > %g·‖want‖ = %g\ngot  %v\nwant %v", name, d, rel, rel*w, got, want)
	}
}

// closeRel fails t unless |got - want| <= rel·|want|.
func closeRel(t *testing.T, name string, want, got, rel float64) {
	t.Helper()
	if !(math.Abs(got-want) <= rel*math.Abs(want)) {
		t.Errorf("%s: got %.17g, want %.17g (rel %g)", name, got, want, rel)
	}
}
