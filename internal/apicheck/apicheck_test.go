// Package apicheck holds module-wide API checks that belong to no single
// package: today, that every exported identifier has a doc comment.
package apicheck

import (
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestExportedIdentifiersDocumented fails naming every exported type,
// function, method of an exported type, constant and variable of a non-test
// package of the root module that godoc would show without a comment, and
// every package without a package comment.
func TestExportedIdentifiersDocumented(t *testing.T) {
	root := moduleRoot(t)
	dirs := packageDirs(t, root)
	if len(dirs) < 5 { // shape, tensor, enumerate, distributions, autodiff at least
		t.Fatalf("found only %d packages under %s: %v", len(dirs), root, dirs)
	}
	for _, dir := range dirs {
		rel, _ := filepath.Rel(root, dir)
		fset := token.NewFileSet()
		files, err := parseNonTest(fset, dir)
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		if len(files) == 0 {
			continue
		}
		names, err := undocumented(fset, files)
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		for _, name := range names {
			t.Errorf("%s: %s has no doc comment", rel, name)
		}
	}
}

// TestUndocumentedFindsGaps keeps the checker honest: it must report each
// planted gap and nothing documented.
func TestUndocumentedFindsGaps(t *testing.T) {
	const src = `// Package p is a fixture.
package p

// Documented is fine.
type Documented struct{}

type Bare struct{}

// Method is fine.
func (Documented) Method() {}

func (Documented) BareMethod() {}

func (Bare) hidden() {}

type hiddenType struct{}

func (hiddenType) Exported() {}

// Grouped constants share the group comment.
const (
	A = 1
	B = 2
)

const (
	C = 3 // C has a line comment.
	D = 4
)

var E = 5

// NewBare is a constructor, listed under Bare by go/doc.
func NewBare() Bare { return Bare{} }

func NewDocumented() Documented { return Documented{} }

func Free() {}

type (
	// I1 has its own comment.
	I1 interface{}
	I2 interface{}
)
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	got, err := undocumented(fset, []*ast.File{f})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Bare", "D", "Documented.BareMethod", "E", "Free", "I2", "NewDocumented"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("undocumented = %v, want %v", got, want)
	}

	bare, err := parser.ParseFile(fset, "q.go", "package q\n\n// X is.\nvar X = 1\n", parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	got, err = undocumented(fset, []*ast.File{bare})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != "package q" {
		t.Errorf("undocumented(no package doc) = %v, want [package q]", got)
	}
}

// undocumented lists, sorted, the exported identifiers of one package's
// files that godoc shows without a comment ("T.M" for a method, "package p"
// for a missing package comment). Struct fields and interface methods are
// not checked.
func undocumented(fset *token.FileSet, files []*ast.File) ([]string, error) {
	p, err := doc.NewFromFiles(fset, files, "example.com/p")
	if err != nil {
		return nil, err
	}
	var out []string
	if strings.TrimSpace(p.Doc) == "" {
		out = append(out, "package "+p.Name)
	}
	values := func(vs []*doc.Value) {
		for _, v := range vs {
			if strings.TrimSpace(v.Doc) != "" {
				continue // a group comment covers the group
			}
			for _, spec := range v.Decl.Specs {
				vs := spec.(*ast.ValueSpec)
				if vs.Doc != nil || vs.Comment != nil {
					continue
				}
				for _, n := range vs.Names {
					if n.IsExported() {
						out = append(out, n.Name)
					}
				}
			}
		}
	}
	funcs := func(prefix string, fs []*doc.Func) {
		for _, f := range fs {
			if strings.TrimSpace(f.Doc) == "" {
				out = append(out, prefix+f.Name)
			}
		}
	}
	values(p.Consts)
	values(p.Vars)
	funcs("", p.Funcs)
	for _, typ := range p.Types {
		if strings.TrimSpace(typ.Doc) == "" {
			out = append(out, typ.Name)
		}
		values(typ.Consts)
		values(typ.Vars)
		funcs("", typ.Funcs)
		funcs(typ.Name+".", typ.Methods)
	}
	sort.Strings(out)
	return out, nil
}

// moduleRoot is the directory of the root module's go.mod, two levels up.
func moduleRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil || !strings.Contains(string(data), "module github.com/seed39ad66a2/tensordist\n") {
		t.Fatalf("%s is not the tensordist module root: %v", root, err)
	}
	return root
}

// packageDirs lists the directories of the root module holding Go files,
// skipping nested modules (examples/), testdata and hidden directories.
func packageDirs(t *testing.T, root string) []string {
	t.Helper()
	var dirs []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		name := d.Name()
		if path != root {
			if name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
				return filepath.SkipDir // another module
			}
		}
		if m, _ := filepath.Glob(filepath.Join(path, "*.go")); len(m) > 0 {
			dirs = append(dirs, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return dirs
}

// parseNonTest parses the package's non-test Go files with comments.
func parseNonTest(fset *token.FileSet, dir string) ([]*ast.File, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	return files, nil
}
