package scale

import (
	"context"
	"io"
	"math"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// Fitting through the pipeline lands where the single-process fit does,
// and within the uncertainty that the Fisher information gives of the
// generating coefficients.
func TestFitPipelineMatchesLocalAndTruth(t *testing.T) {
	d := testData()
	shards, err := Split(d.Blocks, 4)
	if err != nil {
		t.Fatal(err)
	}
	pl := Pipeline{Data: d, Shards: shards, OutputDir: t.TempDir()}
	counted := int64(0)
	viaPipeline, err := Fit(func(beta []float64) (Total, error) {
		r, err := pl.Evaluate(context.Background(), beta)
		counted += r.RowsCounted
		return r.Total, err
	}, make([]float64, 4), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	local, err := Fit(func(beta []float64) (Total, error) {
		return EvaluateLocal(d, shards, beta)
	}, make([]float64, 4), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	closeInNorm(t, "beta", local.Beta, viaPipeline.Beta, tol)
	closeInNorm(t, "stderr", local.StdErr, viaPipeline.StdErr, tol)
	if counted != int64(viaPipeline.Evaluations)*d.Rows() {
		t.Errorf("counter %d over %d evaluations, want %d", counted, viaPipeline.Evaluations, int64(viaPipeline.Evaluations)*d.Rows())
	}
	// Wald: (β̂-β)ᵀ I(β̂) (β̂-β) ~ χ²(p) asymptotically; fail beyond its
	// 0.9999 quantile.
	p := len(d.Truth)
	wald, info := 0.0, viaPipeline.Info
	for j := range p {
		for k := range p {
			wald += (viaPipeline.Beta[j] - d.Truth[j]) * info[j*p+k] * (viaPipeline.Beta[k] - d.Truth[k])
		}
	}
	if limit := (distuv.ChiSquared{K: float64(p)}).Quantile(0.9999); !(wald < limit) {
		t.Errorf("Wald statistic %.2f >= %.2f: beta %.5f ± %.5f, truth %v", wald, limit, viaPipeline.Beta, viaPipeline.StdErr, d.Truth)
	}
	// The standard error of the intercept is about 1/sqrt(Σλ) ≈ 1/sqrt(rows·E[λ]).
	if se := viaPipeline.StdErr[0]; !(se > 0.5/math.Sqrt(float64(d.Rows())) && se < 1/math.Sqrt(float64(d.Rows()))) {
		t.Errorf("intercept standard error %g out of scale for %d rows", se, d.Rows())
	}
	t.Logf("beta %.5f ± %.5f in %d steps, %d evaluations", viaPipeline.Beta, viaPipeline.StdErr, viaPipeline.Steps, viaPipeline.Evaluations)
}
