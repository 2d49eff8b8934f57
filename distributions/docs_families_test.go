package distributions_test

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/seed39ad66a2/tensordist/distributions"
)

// familiesDoc is the family reference whose feature matrix TestFamiliesDoc
// regenerates from the registry and the golden runner, so that it cannot
// drift from the code. UPDATE_DOCS=1 rewrites it.
const familiesDoc = "../docs/families.md"

const matrixBegin, matrixEnd = "<!-- matrix:begin -->", "<!-- matrix:end -->"

// capability columns: a name and how to tell from a built distribution.
var capabilities = []struct {
	name string
	has  func(distributions.Distribution) bool
}{
	{"rsample", distributions.HasRSample},
	{"enumerate", distributions.HasEnumerateSupport},
	{"mean", hasCap[distributions.Meaner]},
	{"variance", hasCap[distributions.Variancer]},
	{"mode", hasCap[distributions.Moder]},
	{"entropy", hasCap[distributions.Entropier]},
	{"cdf", hasCap[distributions.CDFer]},
	{"icdf", hasCap[distributions.ICDFer]},
	{"grad", hasCap[distributions.LogProbGrader]},
	{"rsample grad", hasCap[distributions.PathwiseGrader]},
	{"native expand", hasCap[distributions.Expander]},
	{"conjugate", hasCap[distributions.ConjugateUpdater]},
}

func hasCap[C any](d distributions.Distribution) bool { _, ok := d.(C); return ok }

// familyMatrix builds the markdown matrix: one row per registered family,
// its capabilities on an instance built from its first golden case, and
// how many of the golden cases whose dist is that family pass.
func familyMatrix(t *testing.T) string {
	cases := loadCases(t, goldenDir, "")
	type row struct {
		d             distributions.Distribution
		passed, total int
	}
	rows := map[string]*row{}
	for _, f := range distributions.Families() {
		rows[f] = &row{}
	}
	for _, c := range cases {
		var spec struct{ Family string }
		if json.Unmarshal(c.keys["dist"], &spec) != nil {
			continue
		}
		r, ok := rows[spec.Family]
		if !ok {
			continue
		}
		r.total++
		if st, _ := runCase(c); st == casePassed {
			r.passed++
		}
		if r.d == nil {
			if d, err := distributions.Build(c.keys["dist"], distributions.WithValidation(false)); err == nil {
				r.d = d
			}
		}
	}
	names := make([]string, 0, len(rows))
	for n := range rows {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("| family | golden cases passed |")
	for _, c := range capabilities {
		b.WriteString(" " + c.name + " |")
	}
	b.WriteString("\n|---|---|" + strings.Repeat("---|", len(capabilities)) + "\n")
	for _, n := range names {
		r := rows[n]
		fmt.Fprintf(&b, "| %s | %d/%d |", n, r.passed, r.total)
		for _, c := range capabilities {
			mark := "–"
			if r.d != nil && c.has(r.d) {
				mark = "✓"
			}
			b.WriteString(" " + mark + " |")
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestFamiliesDoc(t *testing.T) {
	data, err := os.ReadFile(familiesDoc)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	i, j := strings.Index(doc, matrixBegin), strings.Index(doc, matrixEnd)
	if i < 0 || j < i {
		t.Fatalf("%s has no %s … %s section", familiesDoc, matrixBegin, matrixEnd)
	}
	want := doc[:i+len(matrixBegin)] + "\n" + familyMatrix(t) + doc[j:]
	if want == doc {
		return
	}
	if os.Getenv("UPDATE_DOCS") == "1" {
		if err := os.WriteFile(familiesDoc, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s's feature matrix is stale: run UPDATE_DOCS=1 go test ./distributions -run TestFamiliesDoc", familiesDoc)
}
