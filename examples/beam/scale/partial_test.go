package scale

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/seed39ad66a2/tensordist/distributions"
	"gonum.org/v1/gonum/stat/distuv"
)

func TestBlockPartialLogLikMatchesGonum(t *testing.T) {
	t.Parallel()
	d := testData()
	beta := []float64{0.4, 0.2, -0.1, 0.3}
	x, y, err := d.Block(3)
	if err != nil {
		t.Fatal(err)
	}
	want := 0.0
	for i, k := range y.Float64s() {
		want += distuv.Poisson{Lambda: rates(x[i*4:(i+1)*4], beta)[0]}.LogProb(k)
	}
	part, err := BlockPartial(d, 3, beta)
	if err != nil {
		t.Fatal(err)
	}
	closeRel(t, "loglik", want, part.LogLik, 1e-12)
	if part.Rows != int64(d.BlockRows) || part.Block != 3 {
		t.Errorf("rows %d block %d, want %d and 3", part.Rows, part.Block, d.BlockRows)
	}
}

// The chain rule through the link, checked by central differences: of the
// log-likelihood for the gradient, of the gradient for the information.
func TestBlockPartialDerivativesFiniteDifference(t *testing.T) {
	t.Parallel()
	d := testData()
	beta := []float64{0.4, 0.2, -0.1, 0.3}
	part, err := BlockPartial(d, 5, beta)
	if err != nil {
		t.Fatal(err)
	}
	const h = 1e-5
	p := len(beta)
	for j := range p {
		up, down := shifted(beta, j, h), shifted(beta, j, -h)
		hi, err := BlockPartial(d, 5, up)
		if err != nil {
			t.Fatal(err)
		}
		lo, err := BlockPartial(d, 5, down)
		if err != nil {
			t.Fatal(err)
		}
		closeRel(t, "grad", (hi.LogLik-lo.LogLik)/(2*h), part.Grad[j], 1e-6)
		for k := range p { // information = -∂grad/∂β
			closeRel(t, "info", -(hi.Grad[k]-lo.Grad[k])/(2*h), part.Info[j*p+k], 1e-6)
		}
	}
}

func shifted(beta []float64, j int, h float64) []float64 {
	out := append([]float64(nil), beta...)
	out[j] += h
	return out
}

func TestBlockDeterministicPerBlock(t *testing.T) {
	t.Parallel()
	d := testData()
	_, a, err := d.Block(7)
	if err != nil {
		t.Fatal(err)
	}
	_, b, err := d.Block(7)
	if err != nil {
		t.Fatal(err)
	}
	_, c, err := d.Block(8)
	if err != nil {
		t.Fatal(err)
	}
	same, differ := true, false
	for i, v := range a.Float64s() {
		same = same && v == b.Float64s()[i]
		differ = differ || v != c.Float64s()[i]
	}
	if !same || !differ {
		t.Errorf("block 7 twice equal: %v (want true); blocks 7 and 8 differ: %v (want true)", same, differ)
	}
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	d := testData()
	tests := []struct {
		name string
		run  func() error
		want error
	}{
		{"no blocks", func() error { e := d; e.Blocks = 0; return e.Validate() }, distributions.ErrParam},
		{"no rows", func() error { e := d; e.BlockRows = -1; return e.Validate() }, distributions.ErrParam},
		{"no truth", func() error { e := d; e.Truth = nil; return e.Validate() }, distributions.ErrShape},
		{"infinite truth", func() error { e := d; e.Truth = []float64{math.Inf(1)}; return e.Validate() }, distributions.ErrParam},
		{"block out of range", func() error { _, _, err := d.Block(16); return err }, distributions.ErrParam},
		{"short beta", func() error { _, err := BlockPartial(d, 0, []float64{1}); return err }, distributions.ErrShape},
		{"NaN beta", func() error { _, err := BlockPartial(d, 0, []float64{0, math.NaN(), 0, 0}); return err }, distributions.ErrParam},
		{"zero shards", func() error { _, err := Split(16, 0); return err }, distributions.ErrParam},
		{"more shards than blocks", func() error { _, err := Split(16, 17); return err }, distributions.ErrParam},
		{"no shards", func() error { _, err := EvaluateLocal(d, nil, d.Truth); return err }, distributions.ErrParam},
		{"gap between shards", func() error {
			_, err := EvaluateLocal(d, []Shard{{0, 0, 8}, {1, 9, 7}}, d.Truth)
			return err
		}, distributions.ErrParam},
		{"pipeline without shards", func() error {
			_, err := Pipeline{Data: d, OutputDir: t.TempDir()}.Evaluate(context.Background(), d.Truth)
			return err
		}, distributions.ErrParam},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.run(); !errors.Is(err, tc.want) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
}
