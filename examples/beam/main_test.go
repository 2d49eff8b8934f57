package main

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	beamlog "github.com/apache/beam/sdks/v2/go/pkg/beam/log"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/examples/beam/scale"
)

func TestMain(m *testing.M) {
	beam.Init()
	beamlog.SetupLogging("warn", "text")
	os.Exit(m.Run())
}

// The driver converges on the embedded runner and reports each step.
func TestRunConverges(t *testing.T) {
	cfg := config{
		Data:   scale.Data{Seed: 11, Blocks: 8, BlockRows: 1024, Truth: []float64{0.5, 0.3, -0.2, 0.1}},
		Shards: 4,
		Runner: "prism",
	}
	var out bytes.Buffer
	fit, err := run(context.Background(), &out, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"8192 rows in 8 blocks, 4 shards", "step  1 ", "final", "beta3"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	for j, b := range fit.Beta {
		if z := (b - cfg.Data.Truth[j]) / fit.StdErr[j]; !(math.Abs(z) < 4) {
			t.Errorf("beta[%d] = %.4f ± %.4f, truth %g", j, b, fit.StdErr[j], cfg.Data.Truth[j])
		}
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	data := scale.Data{Seed: 1, Blocks: 2, BlockRows: 8, Truth: []float64{0}}
	for _, tc := range []struct {
		cfg  config
		want string
	}{
		{config{Data: data, Shards: 3, Runner: "prism"}, "shards must be in [1, blocks = 2], got 3"},
		{config{Data: data, Shards: 2, Runner: "direct"}, `runner must be one of [flink prism spark universal], got "direct"`},
	} {
		_, err := run(context.Background(), &bytes.Buffer{}, tc.cfg)
		if !errors.Is(err, distributions.ErrParam) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("got %v, want %q", err, tc.want)
		}
	}
}
