package distributions_test

// TestGolden runs the golden conformance cases (testdata/golden/SCHEMA.md)
// against the engine. The runner itself, runCase, is in
// golden_helpers_test.go.

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seed39ad66a2/tensordist/distributions"
)

const (
	goldenDir = "../testdata/golden"
	// mustPassFile is the ratchet: cases that passed once must keep passing.
	mustPassFile = goldenDir + "/must-pass.txt"
	// extraPrefix keeps the cases of GOLDEN_DIR apart from our own copy,
	// whose names they may repeat.
	extraPrefix = "GOLDEN_DIR:"
)

func TestGolden(t *testing.T) {
	cases := loadCases(t, goldenDir, "")
	if len(cases) == 0 {
		t.Fatalf("no golden cases in %s", goldenDir)
	}
	corrections, err := loadCorrections()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range corrections {
		applied := false
		for i := range cases {
			if cases[i].name != k.Case {
				continue
			}
			ok, err := applyCorrection(&cases[i], k)
			if err != nil {
				t.Fatalf("correction %s %s[%d]: %v", k.Case, k.Check, k.Index, err)
			}
			applied = applied || ok
		}
		if !applied { // the shared set was fixed, or the correction is wrong
			t.Errorf("correction %s %s[%d] matches no case value %g: delete it", k.Case, k.Check, k.Index, k.Torch)
		}
	}
	// GOLDEN_DIR adds further case files beside our own copy, not instead.
	if dir := os.Getenv("GOLDEN_DIR"); dir != "" {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			t.Errorf("GOLDEN_DIR=%s is not a folder", dir)
		}
		cases = append(cases, loadCases(t, dir, extraPrefix)...)
	}

	results := make(map[string]caseStatus, len(cases))
	var count [3]int
	for _, c := range cases {
		st, reason := runCase(c)
		count[st]++
		if _, dup := results[c.name]; dup {
			t.Errorf("%s: case name repeated in one folder", c.name)
		}
		results[c.name] = st
		switch {
		case st == caseFailed:
			t.Errorf("%s: %s", c.name, reason)
		case st == caseUnsupported && testing.Verbose():
			t.Logf("unsupported %s: %s", c.name, reason)
		}
	}
	// Printed, not logged, so that it shows without -v.
	fmt.Printf("golden: %d passed, %d failed, %d unsupported\n", count[casePassed], count[caseFailed], count[caseUnsupported])

	for _, name := range readMustPass(t, mustPassFile) {
		if st, ok := results[name]; !ok {
			t.Errorf("must-pass %s: no such case", name)
		} else if st != casePassed {
			t.Errorf("must-pass %s: %s", name, st)
		}
	}
}

// loadCases reads every case of every *.json in dir, prefixing each name.
// A case that cannot be read is kept, named by its file and position, so
// that it is counted (and fails).
func loadCases(t *testing.T, dir, prefix string) []goldenCase {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var out []goldenCase
	for _, f := range files { // Glob sorts them
		data, err := os.ReadFile(f)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		var file struct {
			Cases []json.RawMessage `json:"cases"`
		}
		if err := json.Unmarshal(data, &file); err != nil || file.Cases == nil {
			t.Errorf("%s: not a golden file (%v)", f, err)
			continue
		}
		for i, raw := range file.Cases {
			c, err := parseCase(raw)
			if err != nil {
				c = goldenCase{name: fmt.Sprintf("%s[%d]", f, i), err: err}
			}
			c.name = prefix + c.name
			out = append(out, c)
		}
	}
	return out
}

// readMustPass returns the case names listed in path, one a line; a #
// starts a comment.
func readMustPass(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("must-pass list: %v", err)
	}
	var names []string
	for line := range strings.Lines(string(data)) {
		line, _, _ = strings.Cut(line, "#")
		if name := strings.TrimSpace(line); name != "" {
			names = append(names, name)
		}
	}
	return names
}

// TestGoldenRunner shows that the runner can fail and can say unsupported:
// a runner that passes everything would make TestGolden worthless.
func TestGoldenRunner(t *testing.T) {
	const normal = `"dist": {"family": "Normal", "params": {"loc": {"shape": [], "data": [1]}, "scale": {"shape": [], "data": [2]}}, "apply": []}`
	tests := []struct {
		name, body string
		want       caseStatus
		reason     string // a part of the reason
	}{
		{"right values", normal + `, "mean": {"shape": [], "data": [1]}, "variance": {"shape": [], "data": [4]},
			"log_prob": [{"value": {"shape": [], "data": ["inf"]}, "expected": {"shape": [], "data": ["-inf"]}}],
			"sample_moments": {"n": 20000, "variance": true}`, casePassed, ""},
		{"wrong mean", normal + `, "mean": {"shape": [], "data": [1.001]}`, caseFailed, "mean: index []: got 1,"},
		{"tolerance loosened", normal + `, "rtol": 0.01, "mean": {"shape": [], "data": [1.001]}`, casePassed, ""},
		{"wrong shape", normal + `, "mean": {"shape": [1], "data": [1]}`, caseFailed, "shape (), want (1,)"},
		{"wrong batch_shape", normal + `, "batch_shape": [2]`, caseFailed, "batch_shape"},
		{"finite where inf expected", normal + `, "log_prob": [{"value": {"shape": [], "data": [0]}, "expected": {"shape": [], "data": ["-inf"]}}]`, caseFailed, "log_prob"},
		{"sample moments without expected variance", normal + `, "mean": {"shape": [], "data": [1]}, "sample_moments": {"n": 100}`, caseFailed, "variance"},
		{"no error where one is expected", normal + `, "error": "param"`, caseFailed, "no error"},
		{"error of the wrong kind", `"dist": {"family": "Normal", "params": {"loc": {"shape": [], "data": [0]}, "scale": {"shape": [], "data": [-1]}}}, "error": "shape"`, caseFailed, "not a \"shape\" error"},
		{"log_prob without the expected error", normal + `, "log_prob_error": [{"value": {"shape": [], "data": [0]}, "kind": "support"}]`, caseFailed, "no error"},
		{"unknown check key", normal + `, "skewness": {"shape": [], "data": [0]}`, caseUnsupported, "skewness"},
		{"unknown field of a check", normal + `, "sample_moments": {"n": 100, "skew": true}`, caseUnsupported, "skew"},
		{"unknown family", `"dist": {"family": "NoSuchFamily", "params": {}}, "mean": {"shape": [], "data": [0]}`, caseUnsupported, "NoSuchFamily"},
		{"unknown op", `"dist": {"family": "Normal", "params": {"loc": {"shape": [], "data": [1]}, "scale": {"shape": [], "data": [2]}}, "apply": [{"op": "no_such_op"}]}, "mean": {"shape": [], "data": [1]}`, caseUnsupported, "no_such_op"},
		{"nested gradient", normal + `, "grad_log_prob": {"value": {"shape": [], "data": [0]}, "wrt": {"base.loc": {"shape": [], "data": [0]}}}`, caseUnsupported, "base.loc"},
		{"kl of an unregistered pair", normal + `, "kl": [{"other": {"family": "Bernoulli", "params": {"probs": {"shape": [], "data": [0.5]}}}, "expected": {"shape": [], "data": [1]}}]`, caseUnsupported, "no KL"},
		{"right kl", normal + `, "kl": [{"other": {"family": "Normal", "params": {"loc": {"shape": [], "data": [0]}, "scale": {"shape": [], "data": [1]}}}, "expected": {"shape": [], "data": [1.3068528194400546]}}]`, casePassed, ""},
		{"wrong kl", normal + `, "kl": [{"other": {"family": "Normal", "params": {"loc": {"shape": [], "data": [0]}, "scale": {"shape": [], "data": [1]}}}, "expected": {"shape": [], "data": [1.31]}}]`, caseFailed, "kl"},
		{"settings", normal + `, "settings": {"binomial_approx_log_prob_tol": 0.1}, "mean": {"shape": [], "data": [1]}`, casePassed, ""},
		{"unknown setting", normal + `, "settings": {"no_such_setting": 1}, "mean": {"shape": [], "data": [1]}`, caseUnsupported, "no_such_setting"},
		{"invalid setting", normal + `, "settings": {"binomial_approx_log_prob_tol": -1}, "mean": {"shape": [], "data": [1]}`, caseFailed, "settings"},
		{"right score_parts", normal + `, "score_parts": {"value": {"shape": [], "data": [1]}, "log_prob": {"shape": [], "data": [-1.612085713764618]},
			"score_function": {"shape": [], "data": [0]}, "entropy_term": {"shape": [], "data": [-1.612085713764618]}}`, casePassed, ""},
		{"wrong score_parts", normal + `, "score_parts": {"value": {"shape": [], "data": [1]}, "log_prob": {"shape": [], "data": [-1.612085713764618]},
			"score_function": {"shape": [], "data": [-1.612085713764618]}, "entropy_term": {"shape": [], "data": [0]}}`, caseFailed, "score_function"},
		{"a failure outweighs a gap", normal + `, "skewness": 0, "mean": {"shape": [], "data": [2]}`, caseFailed, "mean"},
	}
	for _, tt := range tests {
		c, err := parseCase([]byte(`{"name": "meta/` + tt.name + `", ` + tt.body + `}`))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		st, reason := runCase(c)
		if st != tt.want || !strings.Contains(reason, tt.reason) {
			t.Errorf("%s: got %s (%s), want %s (reason containing %q)", tt.name, st, reason, tt.want, tt.reason)
		}
	}

	// sample_moments judged on its own: through runCase the mean and
	// variance checks would reject these expected moments first. N(1, 2²)
	// with n = 20000: 0.25 off the mean is 17 standard errors, 1 off the
	// variance 25.
	moments := []struct{ mean, variance, reason string }{
		{"1", "4", ""},
		{"1.25", "4", "sample mean"},
		{"1", "5", "sample variance"},
	}
	for _, m := range moments {
		c, err := parseCase([]byte(`{"name": "meta/moments", ` + normal + `, "mean": {"shape": [], "data": [` + m.mean +
			`]}, "variance": {"shape": [], "data": [` + m.variance + `]}, "sample_moments": {"n": 20000, "variance": true}}`))
		if err != nil {
			t.Fatal(err)
		}
		err = checkSampleMoments(&caseRun{c: c}, c.keys["sample_moments"])
		if (m.reason == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), m.reason) {
			t.Errorf("sample_moments, mean %s, variance %s: got %v, want an error containing %q", m.mean, m.variance, err, m.reason)
		}
	}
}

// TestGoldenGraphPath shows that grad_log_prob's graph path runs and can
// fail on its own: with the eager gradient right, a fault planted in the
// VJP the graph calls fails the case, and a parameter the graph cannot
// reach makes it unsupported.
func TestGoldenGraphPath(t *testing.T) {
	const body = `"dist": {"family": "Normal", "params": {"loc": {"shape": [2], "data": [1, 0.5]}, "scale": {"shape": [], "data": [2]}}},
		"grad_log_prob": {"value": {"shape": [2], "data": [0, 0.5]}, "wrt": {"loc": {"shape": [2], "data": [-0.25, 0]}, "scale": {"shape": [], "data": [-0.875]}}}`
	tests := []struct {
		name   string
		plant  func(*distributions.Gradient)
		want   caseStatus
		reason string
	}{
		{"right", nil, casePassed, ""},
		{"scaled loc gradient", func(g *distributions.Gradient) { g.Params["loc"].Float64s()[0] *= 1 + 1e-6 }, caseFailed, "graph: wrt loc"},
		{"scale gradient missing", func(g *distributions.Gradient) { delete(g.Params, "scale") }, caseUnsupported, "graph"},
	}
	for _, tt := range tests {
		c, err := parseCase([]byte(`{"name": "meta/graph ` + tt.name + `", ` + body + `}`))
		if err != nil {
			t.Fatal(err)
		}
		if tt.plant != nil {
			c.graphWrap = func(d distributions.Distribution) distributions.Distribution { return plantedVJP{d, tt.plant} }
		}
		st, reason := runCase(c)
		if st != tt.want || !strings.Contains(reason, tt.reason) {
			t.Errorf("%s: got %s (%s), want %s (reason containing %q)", tt.name, st, reason, tt.want, tt.reason)
		}
	}
}

// plantedVJP changes the result of its distribution's LogProbVJP, which
// the graph path calls, and leaves LogProbGrad, the eager path's, alone.
type plantedVJP struct {
	distributions.Distribution
	plant func(*distributions.Gradient)
}

func (p plantedVJP) LogProbGrad(x distributions.Value) (*distributions.Gradient, error) {
	return p.Distribution.(distributions.LogProbGrader).LogProbGrad(x)
}

func (p plantedVJP) LogProbVJP(x, upstream distributions.Value) (*distributions.Gradient, error) {
	g, err := p.Distribution.(distributions.LogProbGrader).LogProbVJP(x, upstream)
	if err == nil {
		p.plant(g)
	}
	return g, err
}
