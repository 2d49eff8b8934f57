package tensor

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// implicitGammaTol bounds StandardGammaGrad's relative error at the Gamma
// draws of testdata/implicit_gamma_ref.json (measured: see the log).
const implicitGammaTol = 1e-12

// TestStandardGammaGradDraws checks StandardGammaGrad against
// testdata/implicit_gamma_ref.json (mpmath at 50 and 70 digits;
// gen_implicit_gamma_ref.py): draws x ~ Gamma(a) for a ~ U(0.5, 5) (the
// benchmark's parameters) and log-uniform a in [1e-3, 1e4], and points
// near x = a, where the series and the continued fraction are longest.
// Both the series side (x ≤ a) and the continued fraction are covered.
func TestStandardGammaGradDraws(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join("testdata", "implicit_gamma_ref.json"))
	require.NoError(t, err)
	var ref map[string][][]string
	require.NoError(t, json.Unmarshal(raw, &ref))
	rows := ref["StandardGammaGrad"]
	require.Greater(t, len(rows), 300)
	var worst [2]float64
	var where [2][2]float64
	for _, r := range rows {
		var v [3]float64
		for k := range v {
			v[k], err = strconv.ParseFloat(r[k], 64)
			require.NoError(t, err)
		}
		a, x, want := v[0], v[1], v[2]
		got := StandardGammaGrad(a, x)
		e := incgRelErr(want, got)
		side := 0
		if !incgDerivBySeries(a, x) {
			side = 1
		}
		if e > worst[side] {
			worst[side], where[side] = e, [2]float64{a, x}
		}
		assert.LessOrEqualf(t, e, implicitGammaTol, "StandardGammaGrad(%v, %v) = %v, want %v (rel %.3g)", a, x, got, want, e)
	}
	t.Logf("%d draws: max rel error %.3g at %v (series), %.3g at %v (continued fraction)",
		len(rows), worst[0], where[0], worst[1], where[1])
}
