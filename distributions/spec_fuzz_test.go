package distributions_test

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// FuzzBuild feeds the JSON spec builder any bytes, seeded with every
// golden case's spec: it must return a distribution or an error of one of
// the engine's kinds (or a JSON syntax/type error for malformed JSON),
// never panic; a distribution it returns must sample and score its own
// draws without error.
func FuzzBuild(f *testing.F) {
	for _, spec := range goldenSpecs(f) {
		f.Add(spec)
	}
	f.Add([]byte(`{"family": "Normal", "params": {"loc": {"shape": [2, 0], "data": []}, "scale": 1}}`))
	f.Add([]byte(`{"family": "Normal", "params": {"loc": 0, "scale": "nan"}}`))
	f.Add([]byte(`{"family": "Normal", "params": {"loc": 0, "scale": 1}, "apply": [{"op": "expand", "batch_shape": [-1]}]}`))
	f.Add([]byte(`{"family": "Normal", "params": {"loc": {"shape": [3], "data": [1]}, "scale": 1}}`))
	f.Add([]byte(`{"family": "Bernoulli", "params": {"probs": 0.5}, "apply": [{"op": "to_event", "n": 5}]}`))
	f.Add([]byte(`{"family": "Bernoulli", "params": {"probs": 0.5}, "apply": [{"op": "mask", "mask": {"shape": [7], "data": [true]}}]}`))
	f.Add([]byte(`{"family": "Nope"}`))
	f.Add([]byte(`[1, 2]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := distributions.Build(data)
		if err != nil {
			if !knownErrorKind(err) {
				t.Fatalf("Build(%s): error of no known kind: %v", data, err)
			}
			return
		}
		batch, event := d.BatchShape(), d.EventShape()
		if shape.Size(slices.Concat(batch, event)) > 1<<12 || shape.Size(batch) == 0 {
			return // a valid spec may expand to any size; draw only small ones
		}
		x, err := d.Sample(rand.NewPCG(1, 2), 2)
		if err != nil {
			t.Fatalf("Build(%s) = %v: Sample: %v", data, d, err)
		}
		if got, want := tensor.ShapeOf(x), slices.Concat([]int{2}, batch, event); !slices.Equal(got, want) {
			t.Fatalf("Build(%s) = %v: sample shape %v, want %v", data, d, got, want)
		}
		if _, err := d.LogProb(x); err != nil {
			t.Fatalf("Build(%s) = %v: LogProb of its own sample: %v", data, d, err)
		}
	})
}

// knownErrorKind reports whether err wraps one of the engine's sentinels,
// or is the JSON decoder's own report of malformed input.
func knownErrorKind(err error) bool {
	for _, kind := range []error{distributions.ErrParam, distributions.ErrShape, distributions.ErrSupport,
		distributions.ErrDType, distributions.ErrUnsupported} {
		if errors.Is(err, kind) {
			return true
		}
	}
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	return errors.As(err, &syntax) || errors.As(err, &typ)
}

// goldenSpecs returns the "dist" spec of every golden case.
func goldenSpecs(tb testing.TB) [][]byte {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join("..", "testdata", "golden", "*.json"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no golden files: %v", err)
	}
	var out [][]byte
	for _, name := range files {
		raw, err := os.ReadFile(name)
		if err != nil {
			tb.Fatal(err)
		}
		var file struct {
			Cases []struct {
				Dist json.RawMessage `json:"dist"`
			} `json:"cases"`
		}
		if err := json.Unmarshal(raw, &file); err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
		for _, c := range file.Cases {
			if len(c.Dist) > 0 {
				out = append(out, c.Dist)
			}
		}
	}
	return out
}
