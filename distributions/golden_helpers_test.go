package distributions_test

// The golden conformance runner: runCase judges one case of
// testdata/golden/SCHEMA.md against the engine. It is kept apart from
// TestGolden (golden_test.go), which only reads the files, counts and
// reports, so that the runner can be fed synthetic cases.

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	G "gorgonia.org/gorgonia"

	"github.com/seed39ad66a2/tensordist/autodiff"
	"github.com/seed39ad66a2/tensordist/distributions"
	"github.com/seed39ad66a2/tensordist/shape"
	"github.com/seed39ad66a2/tensordist/tensor"
)

// caseStatus is a case's verdict, as SCHEMA.md's "Case status".
type caseStatus int

const (
	casePassed caseStatus = iota
	caseFailed
	caseUnsupported
)

func (s caseStatus) String() string {
	return [...]string{"passed", "failed", "unsupported"}[s]
}

// goldenCase is one case: its name and every key it has, kept raw so that
// each key is dispatched and none is silently ignored.
type goldenCase struct {
	name string
	keys map[string]json.RawMessage
	err  error // the case could not be read: it fails
	// graphWrap, when set, wraps the distribution the graph path of
	// grad_log_prob builds (a meta-test plants a fault there).
	graphWrap func(distributions.Distribution) distributions.Distribution
}

// parseCase reads one case object.
func parseCase(raw []byte) (goldenCase, error) {
	var c goldenCase
	if err := json.Unmarshal(raw, &c.keys); err != nil {
		return c, fmt.Errorf("case: %w", err)
	}
	if err := json.Unmarshal(c.keys["name"], &c.name); err != nil || c.name == "" {
		return c, fmt.Errorf("case without a name")
	}
	return c, nil
}

// metadataKeys are the case keys that are not checks; runCase applies
// "settings" around the checks.
var metadataKeys = []string{"name", "dist", "note", "rtol", "atol", "settings"}

// A checkFunc performs one check. It returns nil when the check passed, a
// *gapError when the engine (or the runner) lacks what the check needs, and
// any other error when the check failed.
type checkFunc func(r *caseRun, raw json.RawMessage) error

// namedCheck is a known check key and the function that performs it.
type namedCheck struct {
	key string
	run checkFunc
}

// checks are the known checks, in the order runCase performs them (the
// order of SCHEMA.md's table).
var checks = []namedCheck{
	{"error", checkError},
	{"batch_shape", checkShapeOf(distributions.Distribution.BatchShape)},
	{"event_shape", checkShapeOf(distributions.Distribution.EventShape)},
	{"has_rsample", checkHas(distributions.HasRSample)},
	{"has_enumerate_support", checkHas(distributions.HasEnumerateSupport)},
	{"log_prob", checkLogProb},
	{"log_prob_error", checkLogProbError},
	{"cdf", checkCDF},
	{"icdf", checkICDF},
	{"mean", checkStat("Mean (Meaner)", distributions.Meaner.Mean)},
	{"variance", checkStat("Variance (Variancer)", distributions.Variancer.Variance)},
	{"stddev", checkStat("StdDev (StdDever)", distributions.StdDever.StdDev)},
	{"mode", checkStat("Mode (Moder)", distributions.Moder.Mode)},
	{"entropy", checkStat("Entropy (Entropier)", distributions.Entropier.Entropy)},
	{"enumerate_support", checkEnumerateSupport},
	{"enumerate_log_prob", checkEnumerateLogProb},
	{"sample_shape", checkSampleShape},
	{"sample_moments", checkSampleMoments},
	{"grad_log_prob", checkGradLogProb},
	{"kl", checkKL},
	{"score_parts", checkScoreParts},
	{"conjugate_update", checkConjugateUpdate},
}

// runCase performs every check of c and returns its status; reason is the
// first mismatch of a failed case, or what is missing for an unsupported one.
func runCase(c goldenCase) (st caseStatus, reason string) {
	if c.err != nil {
		return caseFailed, c.err.Error()
	}
	if raw, ok := c.keys["settings"]; ok {
		set, err := caseSettings(raw)
		if err != nil {
			var g *gapError
			if errors.As(err, &g) {
				return caseUnsupported, "settings: " + g.msg
			}
			return caseFailed, "settings: " + err.Error()
		}
		if err := distributions.WithSettings(set, func() { st, reason = runChecks(c) }); err != nil {
			return caseFailed, "settings: " + err.Error()
		}
		return st, reason
	}
	return runChecks(c)
}

// caseSettings reads a case's "settings" object into the engine's
// Settings, on top of the defaults; an unknown key is a gap.
func caseSettings(raw json.RawMessage) (distributions.Settings, error) {
	set := distributions.DefaultSettings()
	var m map[string]float64
	if err := json.Unmarshal(raw, &m); err != nil {
		return set, err
	}
	for k, v := range m {
		switch k {
		case "binomial_approx_log_prob_tol":
			set.BinomialApproxLogProbTol = v
		case "binomial_approx_sample_thresh":
			set.BinomialApproxSampleThresh = v
		default:
			return set, gap("unknown setting %q", k)
		}
	}
	return set, nil
}

// runChecks performs every check of c under the settings in force.
func runChecks(c goldenCase) (st caseStatus, reason string) {
	tol, err := caseTolerance(c)
	if err != nil {
		return caseFailed, err.Error()
	}
	r := &caseRun{c: c, tol: tol}
	var gaps gapList
	known := slices.Clone(metadataKeys)
	for _, ch := range checks {
		known = append(known, ch.key)
		raw, ok := c.keys[ch.key]
		if !ok {
			continue
		}
		err := safely(func() error { return ch.run(r, raw) })
		var g *gapError
		switch {
		case err == nil:
		case errors.As(err, &g):
			gaps.add(ch.key, g.msg)
		default:
			return caseFailed, ch.key + ": " + err.Error() // the first mismatch is enough to name
		}
	}
	// A key nobody knows means a check was not performed.
	for _, k := range sortedFields(c.keys) {
		if !slices.Contains(known, k) {
			gaps.add(k, "unknown check key")
		}
	}
	if len(gaps.msgs) > 0 {
		return caseUnsupported, gaps.String()
	}
	return casePassed, ""
}

// safely runs f, turning a panic into an error: a panicking engine fails
// the case instead of stopping the whole run.
func safely(f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return f()
}

// gapError marks what the engine or the runner lacks: it makes a case
// unsupported, never failed.
type gapError struct{ msg string }

func (e *gapError) Error() string { return e.msg }

func gap(format string, args ...any) error { return &gapError{fmt.Sprintf(format, args...)} }

// opError judges the error of an engine operation that should have
// returned a value: ErrUnsupported is the engine saying it lacks the
// operation (a gap); any other error fails the check.
func opError(op string, err error) error {
	if errors.Is(err, distributions.ErrUnsupported) {
		return gap("%s: %v", op, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// gapList gathers the reasons of an unsupported case, each message once
// with the keys it stopped (an unsupported family stops every check).
type gapList struct {
	msgs []string
	keys map[string][]string
}

func (g *gapList) add(key, msg string) {
	if g.keys == nil {
		g.keys = map[string][]string{}
	}
	if _, ok := g.keys[msg]; !ok {
		g.msgs = append(g.msgs, msg)
	}
	g.keys[msg] = append(g.keys[msg], key)
}

func (g *gapList) String() string {
	parts := make([]string, len(g.msgs))
	for i, m := range g.msgs {
		parts[i] = fmt.Sprintf("%s [%s]", m, strings.Join(g.keys[m], ", "))
	}
	return strings.Join(parts, "; ")
}

func sortedFields(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// tolerance is the case's |got - want| <= atol + rtol*|want|.
type tolerance struct{ rtol, atol float64 }

func caseTolerance(c goldenCase) (tolerance, error) {
	tol := tolerance{rtol: 1e-9, atol: 1e-12}
	for key, dst := range map[string]*float64{"rtol": &tol.rtol, "atol": &tol.atol} {
		if raw, ok := c.keys[key]; ok {
			var n distributions.Number
			if err := json.Unmarshal(raw, &n); err != nil {
				return tol, fmt.Errorf("case %s: %w", key, err)
			}
			*dst = float64(n)
		}
	}
	return tol, nil
}

// close reports whether got matches want; a non-finite want must be matched
// exactly (NaN by NaN).
func (t tolerance) close(got, want float64) bool {
	switch {
	case math.IsNaN(want):
		return math.IsNaN(got)
	case math.IsInf(want, 0):
		return got == want
	}
	return math.Abs(got-want) <= t.atol+t.rtol*math.Abs(want)
}

// caseRun is one case being run: the distribution for the value checks is
// built once, on first use.
type caseRun struct {
	c     goldenCase
	tol   tolerance
	built bool
	d     distributions.Distribution
	err   error
}

// dist returns the case's distribution built with validation off, as every
// value check is evaluated.
func (r *caseRun) dist() (distributions.Distribution, error) {
	if !r.built {
		r.built = true
		r.d, r.err = r.build(false)
	}
	return r.d, r.err
}

// build builds the case's dist with validation on or off: a family or op
// the engine lacks is a gap, any other error fails.
func (r *caseRun) build(validate bool) (distributions.Distribution, error) {
	raw, ok := r.c.keys["dist"]
	if !ok {
		return nil, fmt.Errorf("case has no dist")
	}
	d, err := distributions.Build(raw, distributions.WithValidation(validate))
	if err != nil {
		return nil, opError("build", err)
	}
	return d, nil
}

// decodeObject decodes raw, a JSON object, into v after checking that it has no
// key outside known: an option of a check the runner does not know makes
// the check unsupported rather than silently ignored.
func decodeObject(raw json.RawMessage, v any, known ...string) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return fmt.Errorf("case: %w", err)
	}
	for _, k := range sortedFields(m) {
		if !slices.Contains(known, k) {
			return gap("unknown field %q", k)
		}
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("case: %w", err)
	}
	return nil
}

// decodeList decodes raw, a JSON array of objects with the known keys, into a
// slice of T.
func decodeList[T any](raw json.RawMessage, known ...string) ([]T, error) {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, fmt.Errorf("case: %w", err)
	}
	out := make([]T, len(items))
	for i, it := range items {
		if err := decodeObject(it, &out[i], known...); err != nil {
			return nil, fmt.Errorf("[%d]: %w", i, err)
		}
	}
	return out, nil
}

func caseTensor(raw json.RawMessage) (*tensor.Dense, error) {
	t, err := distributions.ParseTensor(raw)
	if err != nil {
		return nil, fmt.Errorf("case tensor: %w", err)
	}
	return t, nil
}

// compareShape requires got to equal want exactly; a scalar is [].
func compareShape(got, want []int) error {
	if !shape.Equal(got, want) {
		return fmt.Errorf("shape %s, want %s", shape.Format(got), shape.Format(want))
	}
	return nil
}

// compare requires got to have want's shape, then every element to match
// within the case tolerance.
func (r *caseRun) compare(got, want *tensor.Dense) error {
	if got == nil {
		return fmt.Errorf("got no tensor (nil)")
	}
	if err := compareShape(tensor.ShapeOf(got), tensor.ShapeOf(want)); err != nil {
		return err
	}
	g, err := resultData(got)
	if err != nil {
		return err
	}
	w, err := tensor.Float64s(want)
	if err != nil {
		return err
	}
	for i := range w {
		if !r.tol.close(g[i], w[i]) {
			return fmt.Errorf("index %v: got %.17g, want %.17g", unravelIndex(i, tensor.ShapeOf(want)), g[i], w[i])
		}
	}
	return nil
}

// resultData returns a result's elements as float64. Results must be float64
// (the golden parameters are); int64 and bool are taken too, since an
// enumerated support may be integral (torch's long categories).
func resultData(v *tensor.Dense) ([]float64, error) {
	switch v.Dtype() {
	case tensor.Float64:
		return tensor.Float64s(v)
	case tensor.Int64, tensor.Bool:
		if v.RequiresIterator() {
			v = v.Materialize().(*tensor.Dense)
		}
		out := make([]float64, v.Len())
		if v.Dtype() == tensor.Int64 {
			for i, x := range v.Int64s() {
				out[i] = float64(x)
			}
		} else {
			for i, x := range v.Bools() {
				if x {
					out[i] = 1
				}
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("result has dtype %v, want float64", v.Dtype())
}

// unravelIndex turns a flat row-major index into an index of shape s.
func unravelIndex(i int, s []int) []int {
	idx := make([]int, len(s))
	for d := len(s) - 1; d >= 0; d-- {
		if s[d] > 0 {
			idx[d] = i % s[d]
			i /= s[d]
		}
	}
	return idx
}

// ---- the checks ----

// errorKinds are the engine's sentinels for the kinds SCHEMA.md names.
var errorKinds = map[string]error{
	"param":   distributions.ErrParam,
	"shape":   distributions.ErrShape,
	"support": distributions.ErrSupport,
}

// wantKind judges err against the expected kind.
func wantKind(err error, kind string) error {
	want, ok := errorKinds[kind]
	switch {
	case !ok:
		return gap("unknown error kind %q", kind)
	case err == nil:
		return fmt.Errorf("no error, want a %q error", kind)
	case errors.Is(err, distributions.ErrUnsupported):
		return gap("%v", err)
	case !errors.Is(err, want):
		return fmt.Errorf("error %q is not a %q error", err, kind)
	}
	return nil
}

// checkError builds dist with validation on (params, then apply in order)
// and requires an error of the expected kind.
func checkError(r *caseRun, raw json.RawMessage) error {
	var kind string
	if err := json.Unmarshal(raw, &kind); err != nil {
		return fmt.Errorf("case: %w", err)
	}
	spec, ok := r.c.keys["dist"]
	if !ok {
		return fmt.Errorf("case has no dist")
	}
	_, err := distributions.Build(spec, distributions.WithValidation(true))
	return wantKind(err, kind)
}

// checkLogProbError scores each value with validation on and requires an
// error of the expected kind.
func checkLogProbError(r *caseRun, raw json.RawMessage) error {
	items, err := decodeList[struct {
		Value json.RawMessage `json:"value"`
		Kind  string          `json:"kind"`
	}](raw, "value", "kind")
	if err != nil {
		return err
	}
	d, err := r.build(true)
	if err != nil {
		return err
	}
	for i, it := range items {
		x, err := caseTensor(it.Value)
		if err != nil {
			return err
		}
		_, err = d.LogProb(x)
		if err := wantKind(err, it.Kind); err != nil {
			return fmt.Errorf("[%d]: %w", i, err)
		}
	}
	return nil
}

func checkShapeOf(get func(distributions.Distribution) []int) checkFunc {
	return func(r *caseRun, raw json.RawMessage) error {
		var want []int
		if err := json.Unmarshal(raw, &want); err != nil {
			return fmt.Errorf("case: %w", err)
		}
		d, err := r.dist()
		if err != nil {
			return err
		}
		return compareShape(get(d), want)
	}
}

func checkHas(has func(distributions.Distribution) bool) checkFunc {
	return func(r *caseRun, raw json.RawMessage) error {
		var want bool
		if err := json.Unmarshal(raw, &want); err != nil {
			return fmt.Errorf("case: %w", err)
		}
		d, err := r.dist()
		if err != nil {
			return err
		}
		if got := has(d); got != want {
			return fmt.Errorf("got %v, want %v", got, want)
		}
		return nil
	}
}

// checkStat compares a moment or the entropy, which the distribution
// offers through the capability C (named for the gap message).
func checkStat[C any](name string, get func(C) (*tensor.Dense, error)) checkFunc {
	return func(r *caseRun, raw json.RawMessage) error {
		want, err := caseTensor(raw)
		if err != nil {
			return err
		}
		d, err := r.dist()
		if err != nil {
			return err
		}
		c, ok := d.(C)
		if !ok {
			return gap("the distribution has no %s", name)
		}
		got, err := get(c)
		if err != nil {
			return opError(name, err)
		}
		return r.compare(got, want)
	}
}

// checkValues compares op(value) with expected for each {value, expected}.
func (r *caseRun) checkValues(raw json.RawMessage, op func(tensor.Value) (*tensor.Dense, error)) error {
	items, err := decodeList[struct {
		Value    json.RawMessage `json:"value"`
		Expected json.RawMessage `json:"expected"`
	}](raw, "value", "expected")
	if err != nil {
		return err
	}
	for i, it := range items {
		x, err := caseTensor(it.Value)
		if err != nil {
			return err
		}
		want, err := caseTensor(it.Expected)
		if err != nil {
			return err
		}
		got, err := op(x)
		if err != nil {
			return fmt.Errorf("[%d]: %w", i, opError("call", err))
		}
		if err := r.compare(got, want); err != nil {
			return fmt.Errorf("[%d]: %w", i, err)
		}
	}
	return nil
}

func checkLogProb(r *caseRun, raw json.RawMessage) error {
	d, err := r.dist()
	if err != nil {
		return err
	}
	return r.checkValues(raw, d.LogProb)
}

func checkCDF(r *caseRun, raw json.RawMessage) error {
	d, err := r.dist()
	if err != nil {
		return err
	}
	f, ok := d.(distributions.CDFer)
	if !ok {
		return gap("the distribution has no CDF (CDFer)")
	}
	return r.checkValues(raw, f.CDF)
}

func checkICDF(r *caseRun, raw json.RawMessage) error {
	d, err := r.dist()
	if err != nil {
		return err
	}
	f, ok := d.(distributions.ICDFer)
	if !ok {
		return gap("the distribution has no ICDF (ICDFer)")
	}
	return r.checkValues(raw, f.ICDF)
}

func enumerator(r *caseRun) (distributions.Distribution, distributions.SupportEnumerator, error) {
	d, err := r.dist()
	if err != nil {
		return nil, nil, err
	}
	e, ok := d.(distributions.SupportEnumerator)
	if !ok || !distributions.HasEnumerateSupport(d) {
		return nil, nil, gap("the distribution has no EnumerateSupport (SupportEnumerator)")
	}
	return d, e, nil
}

func checkEnumerateSupport(r *caseRun, raw json.RawMessage) error {
	items, err := decodeList[struct {
		Expand   bool            `json:"expand"`
		Expected json.RawMessage `json:"expected"`
	}](raw, "expand", "expected")
	if err != nil {
		return err
	}
	_, e, err := enumerator(r)
	if err != nil {
		return err
	}
	for i, it := range items {
		want, err := caseTensor(it.Expected)
		if err != nil {
			return err
		}
		s, err := e.EnumerateSupport(it.Expand)
		if err != nil {
			return fmt.Errorf("[%d]: %w", i, opError("EnumerateSupport", err))
		}
		if s == nil {
			return fmt.Errorf("[%d]: EnumerateSupport returned nil", i)
		}
		if err := r.compare(s.Dense, want); err != nil {
			return fmt.Errorf("[%d] expand=%v: %w", i, it.Expand, err)
		}
	}
	return nil
}

// checkEnumerateLogProb scores the unexpanded support itself (the tagged
// *enumerate.Support, so that a family's fast path for it is what is tested).
func checkEnumerateLogProb(r *caseRun, raw json.RawMessage) error {
	want, err := caseTensor(raw)
	if err != nil {
		return err
	}
	d, e, err := enumerator(r)
	if err != nil {
		return err
	}
	s, err := e.EnumerateSupport(false)
	if err != nil {
		return opError("EnumerateSupport", err)
	}
	got, err := d.LogProb(s)
	if err != nil {
		return opError("LogProb", err)
	}
	return r.compare(got, want)
}

// checkSampleShape checks the shape of Sample, and of RSample where the
// distribution has it.
func checkSampleShape(r *caseRun, raw json.RawMessage) error {
	items, err := decodeList[struct {
		SampleShape []int `json:"sample_shape"`
		Expected    []int `json:"expected"`
	}](raw, "sample_shape", "expected")
	if err != nil {
		return err
	}
	d, err := r.dist()
	if err != nil {
		return err
	}
	samplers := map[string]func(rand.Source, ...int) (*tensor.Dense, error){"Sample": d.Sample}
	if rs, ok := d.(distributions.RSampler); ok && distributions.HasRSample(d) {
		samplers["RSample"] = rs.RSample
	}
	for i, it := range items {
		for _, name := range []string{"Sample", "RSample"} {
			draw, ok := samplers[name]
			if !ok {
				continue
			}
			x, err := draw(rand.NewPCG(1, 2), it.SampleShape...)
			if err != nil {
				return fmt.Errorf("[%d]: %w", i, opError(name, err))
			}
			if x == nil {
				return fmt.Errorf("[%d]: %s returned nil", i, name)
			}
			if err := compareShape(tensor.ShapeOf(x), it.Expected); err != nil {
				return fmt.Errorf("[%d] %s%v: %w", i, name, it.SampleShape, err)
			}
		}
	}
	return nil
}

// momentSeed is the runner's own fixed seed for sample_moments, so that a
// run is reproducible.
var momentSeed = [2]uint64{12345, 67890}

// checkSampleMoments draws n samples and checks each element's sample mean
// (and, if asked, variance) within 6 standard errors of the case's expected
// mean and variance, as SCHEMA.md defines them.
func checkSampleMoments(r *caseRun, raw json.RawMessage) error {
	var opt struct {
		N        int  `json:"n"`
		Variance bool `json:"variance"`
	}
	if err := decodeObject(raw, &opt, "n", "variance"); err != nil {
		return err
	}
	if opt.N < 2 {
		return fmt.Errorf("case: n = %d, want at least 2", opt.N)
	}
	// The bounds come from the case's expected moments, so the case must
	// have them: their absence is an error of the case, not of the engine.
	var mean, variance *tensor.Dense
	for key, dst := range map[string]**tensor.Dense{"mean": &mean, "variance": &variance} {
		raw, ok := r.c.keys[key]
		if !ok {
			return fmt.Errorf("case: sample_moments needs the case's expected %q", key)
		}
		t, err := caseTensor(raw)
		if err != nil {
			return err
		}
		*dst = t
	}
	elem := tensor.ShapeOf(mean)
	if err := compareShape(tensor.ShapeOf(variance), elem); err != nil {
		return fmt.Errorf("case: variance %w of mean", err)
	}
	mu, _ := tensor.Float64s(mean)
	v, _ := tensor.Float64s(variance)

	d, err := r.dist()
	if err != nil {
		return err
	}
	x, err := d.Sample(rand.NewPCG(momentSeed[0], momentSeed[1]), opt.N)
	if err != nil {
		return opError("Sample", err)
	}
	if x == nil {
		return fmt.Errorf("Sample returned nil")
	}
	if err := compareShape(tensor.ShapeOf(x), shape.Concat([]int{opt.N}, elem)); err != nil {
		return fmt.Errorf("Sample(%d): %w", opt.N, err)
	}
	data, err := resultData(x)
	if err != nil {
		return err
	}
	n, m := float64(opt.N), len(mu)
	for j := range m {
		s := columnMoments(data, j, m)
		if se := math.Sqrt(v[j] / n); !(math.Abs(s.mean-mu[j]) <= 6*se) {
			return fmt.Errorf("index %v: sample mean %.6g, want %.6g ± 6·%.3g", unravelIndex(j, elem), s.mean, mu[j], se)
		}
		if !opt.Variance {
			continue
		}
		if se := math.Sqrt((s.m4 - s.m2*s.m2) / n); !(math.Abs(s.m2-v[j]) <= 6*se) {
			return fmt.Errorf("index %v: sample variance %.6g, want %.6g ± 6·%.3g", unravelIndex(j, elem), s.m2, v[j], se)
		}
	}
	return nil
}

type sampleMoments struct{ mean, m2, m4 float64 }

// columnMoments returns the mean and the 2nd and 4th central moments of element
// j of each of the len(data)/m draws.
func columnMoments(data []float64, j, m int) sampleMoments {
	n := len(data) / m
	var s sampleMoments
	for i := range n {
		s.mean += data[i*m+j]
	}
	s.mean /= float64(n)
	for i := range n {
		d := data[i*m+j] - s.mean
		s.m2 += d * d
		s.m4 += d * d * d * d
	}
	s.m2 /= float64(n)
	s.m4 /= float64(n)
	return s
}

// checkGradLogProb compares the gradient of sum(log_prob(value)) with
// respect to each named parameter.
func checkGradLogProb(r *caseRun, raw json.RawMessage) error {
	var c struct {
		Value json.RawMessage            `json:"value"`
		Wrt   map[string]json.RawMessage `json:"wrt"`
	}
	if err := decodeObject(raw, &c, "value", "wrt"); err != nil {
		return err
	}
	x, err := caseTensor(c.Value)
	if err != nil {
		return err
	}
	d, err := r.dist()
	if err != nil {
		return err
	}
	gr, ok := d.(distributions.LogProbGrader)
	if !ok {
		return gap("the distribution has no LogProbGrad (LogProbGrader)")
	}
	g, err := gr.LogProbGrad(x)
	if err != nil {
		return opError("LogProbGrad", err)
	}
	for _, name := range sortedFields(c.Wrt) {
		want, err := caseTensor(c.Wrt[name])
		if err != nil {
			return err
		}
		got, ok := g.Params[name]
		switch {
		case !ok && strings.Contains(name, "."):
			// A parameter of a nested distribution the engine does not name.
			return gap("no gradient with respect to %s", name)
		case !ok:
			// LogProbGrader promises every constructor parameter by torch name.
			return fmt.Errorf("no gradient with respect to %s (got %v)", name, slices.Sorted(maps.Keys(g.Params)))
		}
		if name == "scale_tril" || strings.HasSuffix(name, ".scale_tril") {
			got = lowerTriangle(got)
		}
		if err := r.compare(got, want); err != nil {
			return fmt.Errorf("wrt %s: %w", name, err)
		}
	}
	return checkGraphGrad(r, x, c.Wrt)
}

// checkGraphGrad runs grad_log_prob through the graph path as well: one
// autodiff.LogProbSum node on a TapeMachine, its family built on the fly
// from the case's spec with the parameters of wrt substituted. A parameter
// the graph cannot reach is a gap; a gradient that differs fails.
func checkGraphGrad(r *caseRun, x *tensor.Dense, wrt map[string]json.RawMessage) error {
	names := sortedFields(wrt)
	got, err := graphGradients(r, x, names)
	if err != nil {
		return err
	}
	for _, name := range names {
		want, err := caseTensor(wrt[name])
		if err != nil {
			return err
		}
		g := got[name]
		if name == "scale_tril" || strings.HasSuffix(name, ".scale_tril") {
			g = lowerTriangle(g)
		}
		if err := r.compare(g, want); err != nil {
			return fmt.Errorf("graph: wrt %s: %w", name, err)
		}
	}
	return nil
}

// graphGradients returns ∂Σ log p(x)/∂θ for each parameter θ of names (a
// torch name or a dotted path into a composite spec) from the graph path:
// the case's spec becomes an autodiff.Family whose New rebuilds it with
// the parameter values substituted, x a constant node and each θ a
// variable, the sum one LogProbSum node on a TapeMachine.
func graphGradients(r *caseRun, x *tensor.Dense, names []string) (grads map[string]*tensor.Dense, err error) {
	spec := r.c.keys["dist"]
	g := G.NewGraph()
	params := make(G.Nodes, len(names))
	for i, name := range names {
		raw, ok := specParam(spec, name)
		if !ok {
			return nil, gap("graph: the spec has no parameter %s", name)
		}
		v, err := caseTensor(raw)
		if err != nil {
			return nil, err
		}
		params[i] = graphNode(g, v, false, fmt.Sprintf("param%d_%s", i, name))
	}
	fam := autodiff.Family{Name: "golden " + r.c.name, Params: names, New: func(ps []*tensor.Dense) (distributions.Distribution, error) {
		s := spec
		for i, name := range names {
			v, err := tensorJSON(ps[i])
			if err != nil {
				return nil, err
			}
			if s, err = setSpecParam(s, name, v); err != nil {
				return nil, err
			}
		}
		d, err := distributions.Build(s, distributions.WithValidation(false))
		if err == nil && r.c.graphWrap != nil {
			d = r.c.graphWrap(d)
		}
		return d, err
	}}
	defer func() { // gorgonia panics in places (G.Grad on a non-differentiable op)
		if p := recover(); p != nil {
			grads, err = nil, fmt.Errorf("graph: gorgonia panicked: %v", p)
		}
	}()
	cost, err := autodiff.LogProbSum(fam, graphNode(g, x, true, "x"), params...)
	if err != nil {
		return nil, opError("graph: LogProbSum", err)
	}
	if _, err := G.Grad(cost, params...); err != nil {
		return nil, opError("graph: G.Grad", err)
	}
	vm := G.NewTapeMachine(g, G.BindDualValues(params...))
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		// The tape hides an op's error in a type without Unwrap; Err()
		// reaches it (and the ErrUnsupported of an unreachable parameter).
		var vmErr interface{ Err() error }
		if errors.As(err, &vmErr) {
			err = vmErr.Err()
		}
		return nil, opError("graph: RunAll", err)
	}
	grads = make(map[string]*tensor.Dense, len(names))
	for i, name := range names {
		d, err := params[i].Grad()
		if err != nil {
			return nil, fmt.Errorf("graph: gradient of %s: %w", name, err)
		}
		switch d := d.(type) {
		case *G.F64:
			grads[name] = tensor.Scalar(float64(*d))
		case *tensor.Dense:
			grads[name] = d
		default:
			return nil, fmt.Errorf("graph: gradient of %s is a %T", name, d)
		}
	}
	return grads, nil
}

// graphNode returns a constant or a variable node of g holding a copy of v;
// name must be unique in g (gorgonia merges equal names).
func graphNode(g *G.ExprGraph, v *tensor.Dense, constant bool, name string) *G.Node {
	v = v.Clone().(*tensor.Dense)
	s := shape.Clone(tensor.ShapeOf(v))
	switch {
	case len(s) == 0 && constant:
		return G.NewConstant(v.Float64s()[0], G.WithName(name))
	case len(s) == 0:
		return G.NewScalar(g, tensor.Float64, G.WithName(name), G.WithValue(G.NewF64(v.Float64s()[0])))
	case constant:
		return G.NewConstant(v, G.WithName(name))
	}
	return G.NewTensor(g, tensor.Float64, len(s), G.WithShape(s...), G.WithName(name), G.WithValue(v))
}

// specParam returns the parameter of spec at path: "loc" is params.loc,
// "base.loc" the loc of the distribution under "base".
func specParam(spec json.RawMessage, path string) (json.RawMessage, bool) {
	var m map[string]json.RawMessage
	if json.Unmarshal(spec, &m) != nil {
		return nil, false
	}
	if head, rest, nested := strings.Cut(path, "."); nested {
		return specParam(m[head], rest)
	}
	var params map[string]json.RawMessage
	if json.Unmarshal(m["params"], &params) != nil {
		return nil, false
	}
	v, ok := params[path]
	return v, ok
}

// setSpecParam returns spec with the parameter at path (see specParam)
// replaced by v.
func setSpecParam(spec json.RawMessage, path string, v json.RawMessage) (json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(spec, &m); err != nil {
		return nil, err
	}
	var err error
	if head, rest, nested := strings.Cut(path, "."); nested {
		if m[head], err = setSpecParam(m[head], rest, v); err != nil {
			return nil, err
		}
	} else {
		var params map[string]json.RawMessage
		if err := json.Unmarshal(m["params"], &params); err != nil {
			return nil, err
		}
		params[path] = v
		if m["params"], err = json.Marshal(params); err != nil {
			return nil, err
		}
	}
	return json.Marshal(m)
}

// tensorJSON writes t as a spec tensor, non-finite numbers as strings.
func tensorJSON(t *tensor.Dense) (json.RawMessage, error) {
	data, err := tensor.Float64s(t)
	if err != nil {
		return nil, err
	}
	out := make([]any, len(data))
	for i, v := range data {
		switch {
		case math.IsNaN(v):
			out[i] = "nan"
		case math.IsInf(v, 1):
			out[i] = "inf"
		case math.IsInf(v, -1):
			out[i] = "-inf"
		default:
			out[i] = v
		}
	}
	return json.Marshal(map[string]any{"shape": shape.Clone(tensor.ShapeOf(t)), "data": out})
}

// lowerTriangle returns a copy of a batch of square matrices with the
// entries above the diagonal zeroed: upper entries of scale_tril are not
// free parameters, and the golden files write them as 0.
func lowerTriangle(t *tensor.Dense) *tensor.Dense {
	s := tensor.ShapeOf(t)
	data, err := tensor.Float64s(t)
	if len(s) < 2 || err != nil {
		return t // compare will report the shape or dtype
	}
	rows, cols := s[len(s)-2], s[len(s)-1]
	out := slices.Clone(data)
	for i := range out {
		if col, row := i%cols, (i/cols)%rows; col > row {
			out[i] = 0
		}
	}
	res, _ := tensor.New(out, s...)
	return res
}

// The engine has no KL divergence, score_parts or conjugate_update yet.
// Each check stays a gap until it does: then decode the payload here (build
// each "other" D with distributions.BuildSpec, validation off), call the
// capability, and compare with r.compare as the checks above do.

// checkKL compares distributions.KL(dist, other) for each {other, expected};
// a pair the engine has not registered is a gap.
func checkKL(r *caseRun, raw json.RawMessage) error {
	items, err := decodeList[struct {
		Other    json.RawMessage `json:"other"`
		Expected json.RawMessage `json:"expected"`
	}](raw, "other", "expected")
	if err != nil {
		return err
	}
	d, err := r.dist()
	if err != nil {
		return err
	}
	for i, it := range items {
		other, err := distributions.Build(it.Other, distributions.WithValidation(false))
		if err != nil {
			return fmt.Errorf("[%d]: %w", i, opError("build other", err))
		}
		want, err := caseTensor(it.Expected)
		if err != nil {
			return err
		}
		got, err := distributions.KL(d, other)
		if errors.Is(err, distributions.ErrNoKL) {
			return gap("kl: %v", err)
		}
		if err != nil {
			return fmt.Errorf("[%d]: %w", i, opError("kl", err))
		}
		if err := r.compare(got, want); err != nil {
			return fmt.Errorf("[%d]: %w", i, err)
		}
	}
	return nil
}

// checkScoreParts compares distributions.ScorePartsOf(value) part by part;
// a scalar 0 stands for Pyro's constant zero, which the engine also returns
// as a scalar 0.
func checkScoreParts(r *caseRun, raw json.RawMessage) error {
	var sp struct {
		Value, LogProb, ScoreFunction, EntropyTerm json.RawMessage
	}
	fields := map[string]*json.RawMessage{"value": &sp.Value, "log_prob": &sp.LogProb,
		"score_function": &sp.ScoreFunction, "entropy_term": &sp.EntropyTerm}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return err
	}
	for k, v := range m {
		f, ok := fields[k]
		if !ok {
			return gap("score_parts: unknown field %q", k)
		}
		*f = v
	}
	d, err := r.dist()
	if err != nil {
		return err
	}
	x, err := caseTensor(sp.Value)
	if err != nil {
		return err
	}
	parts, err := distributions.ScorePartsOf(d, x)
	if err != nil {
		return opError("score_parts", err)
	}
	for _, p := range []struct {
		name string
		got  *tensor.Dense
		want json.RawMessage
	}{{"log_prob", parts.LogProb, sp.LogProb}, {"score_function", parts.ScoreFunction, sp.ScoreFunction}, {"entropy_term", parts.EntropyTerm, sp.EntropyTerm}} {
		want, err := caseTensor(p.want)
		if err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		if err := r.compare(p.got, want); err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
	}
	return nil
}

// checkConjugateUpdate compares distributions.ConjugateUpdate(dist, other)
// with the case's expected distribution as SCHEMA.md says: the innermost
// family, the batch and event shapes, the to_event/mask wrappers in order,
// each parameter of the innermost family broadcast to its batch (and event)
// shape, and the log normaliser.
func checkConjugateUpdate(r *caseRun, raw json.RawMessage) error {
	var cu struct {
		Other, Expected, LogNormalizer json.RawMessage
	}
	fields := map[string]*json.RawMessage{"other": &cu.Other, "expected": &cu.Expected, "log_normalizer": &cu.LogNormalizer}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return err
	}
	for k, v := range m {
		f, ok := fields[k]
		if !ok {
			return gap("conjugate_update: unknown field %q", k)
		}
		*f = v
	}
	d, err := r.dist()
	if err != nil {
		return err
	}
	other, err := distributions.Build(cu.Other, distributions.WithValidation(false))
	if err != nil {
		return opError("build other", err)
	}
	want, err := distributions.Build(cu.Expected, distributions.WithValidation(false))
	if err != nil {
		return opError("build expected", err)
	}
	got, c, err := distributions.ConjugateUpdate(d, other)
	if err != nil {
		return opError("conjugate_update", err)
	}
	if err := compareShape(got.BatchShape(), want.BatchShape()); err != nil {
		return fmt.Errorf("batch_shape: %w", err)
	}
	if err := compareShape(got.EventShape(), want.EventShape()); err != nil {
		return fmt.Errorf("event_shape: %w", err)
	}
	gw, gin := unwrap(got)
	ww, win := unwrap(want)
	if len(gw) != len(ww) {
		return fmt.Errorf("wrappers %v, want %v", gw, ww)
	}
	for i := range gw {
		if err := r.sameWrapper(gw[i], ww[i]); err != nil {
			return fmt.Errorf("wrapper %d: %w", i, err)
		}
	}
	if gt, wt := fmt.Sprintf("%T", gin), fmt.Sprintf("%T", win); gt != wt {
		return fmt.Errorf("family %s, want %s", gt, wt)
	}
	gp, ok1 := gin.(distributions.Parameterised)
	wp, ok2 := win.(distributions.Parameterised)
	if !ok1 || !ok2 {
		return gap("conjugate_update: %T does not expose its parameters", win)
	}
	full := shape.Concat(win.BatchShape(), win.EventShape())
	for name, wv := range wp.Params() {
		gv, ok := gp.Params()[name]
		if !ok {
			return fmt.Errorf("parameter %s missing from the update", name)
		}
		a, err := tensor.BroadcastTo[float64](gv, full)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		b, err := tensor.BroadcastTo[float64](wv, full)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if err := r.compare(a, b); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	wantC, err := caseTensor(cu.LogNormalizer)
	if err != nil {
		return err
	}
	if err := r.compare(c, wantC); err != nil {
		return fmt.Errorf("log_normalizer: %w", err)
	}
	return nil
}

// unwrap returns d's to_event/mask/expand wrappers, outermost first, and
// the innermost distribution.
func unwrap(d distributions.Distribution) ([]distributions.Distribution, distributions.Distribution) {
	var ws []distributions.Distribution
	for {
		switch w := d.(type) {
		case *distributions.Independent:
			ws, d = append(ws, w), w.Base()
		case *distributions.Masked:
			ws, d = append(ws, w), w.Base()
		case *distributions.Expanded:
			ws, d = append(ws, w), w.Base()
		default:
			return ws, d
		}
	}
}

// sameWrapper compares two wrappers: the same kind, the same n for
// to_event, equal masks after broadcasting.
func (r *caseRun) sameWrapper(got, want distributions.Distribution) error {
	if gt, wt := fmt.Sprintf("%T", got), fmt.Sprintf("%T", want); gt != wt {
		return fmt.Errorf("%s, want %s", gt, wt)
	}
	switch w := want.(type) {
	case *distributions.Independent:
		if g := got.(*distributions.Independent); g.ReinterpretedBatchNdims() != w.ReinterpretedBatchNdims() {
			return fmt.Errorf("to_event(%d), want to_event(%d)", g.ReinterpretedBatchNdims(), w.ReinterpretedBatchNdims())
		}
	case *distributions.Masked:
		gm, wm := got.(*distributions.Masked).MaskTensor(), w.MaskTensor()
		if (gm == nil) != (wm == nil) {
			return fmt.Errorf("mask %v, want %v", gm, wm)
		}
		if gm != nil {
			full, err := shape.Broadcast(tensor.ShapeOf(gm), tensor.ShapeOf(wm), w.BatchShape())
			if err != nil {
				return err
			}
			if a, b := boolsTo(gm, full), boolsTo(wm, full); !slices.Equal(a, b) {
				return fmt.Errorf("mask %v, want %v", a, b)
			}
		}
	}
	return nil
}

// boolsTo returns a bool mask broadcast to shape s.
func boolsTo(m *tensor.Dense, s []int) []bool {
	p, _ := shape.NewPlan(s, tensor.ShapeOf(m))
	src, out := m.Bools(), make([]bool, shape.Size(s))
	for r := range p.Runs() {
		for i := range r.N {
			out[r.Off[0]+i] = src[r.Off[1]+i*r.Step[1]]
		}
	}
	return out
}
