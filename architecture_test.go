// Package dsql_test holds repository-wide checks that belong to no single package: the
// import direction between dsql's layers and the presence of package doc comments.
//
// The layer order is
//
//	cmd -> cli -> server -> sql/* -> merkle/* -> storage -> merkle/hash
//
// and imports point only rightwards (or stay inside a layer). Only non-test imports are
// checked: a test may reach across layers (an integration test driving cli.Main, a prolly
// test using a Pebble-backed store), production code may not.
package dsql_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

const modulePath = "github.com/dsqldb/dsql"

// layers lists dsql's layers from the top (lowest rank) down. A package belongs to the
// layer with the longest matching directory prefix. A package may import packages of its
// own layer or of a layer further down (higher rank), never one further up.
//
// A new top-level directory must be added here; until it is, TestLayering fails and says so.
var layers = []struct {
	name     string
	rank     int
	prefixes []string // module-relative directories
}{
	// Black-box tests and benchmarks sit above everything: they may import any layer
	// (except cli, see below) and nothing imports them.
	{"tooling", 0, []string{"integration-tests", "bench"}},
	{"cmd", 1, []string{"cmd"}},
	{"cli", 2, []string{"cli"}},
	{"server", 3, []string{"server"}},
	{"sql/*", 4, []string{"sql"}},
	{"merkle/*", 5, []string{"merkle"}},
	{"storage", 6, []string{"storage"}},
	{"merkle/hash", 7, []string{"merkle/hash"}},
}

const layerOrder = "cmd -> cli -> server -> sql/* -> merkle/* -> storage -> merkle/hash"

// listedPackage is the part of `go list -json` output the checks use.
type listedPackage struct {
	ImportPath string
	Name       string
	Dir        string
	Standard   bool
	GoFiles    []string
	CgoFiles   []string
	Imports    []string // non-test imports
	Error      *struct{ Err string }
}

// goList runs `go list -e -deps -json ./...` in the repository root and returns every
// package it prints: dsql's own and all their non-test dependencies.
func goList(t *testing.T) []*listedPackage {
	t.Helper()
	cmd := exec.Command("go", "list", "-e", "-deps", "-json", "./...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -e -deps -json ./...: %v\n%s", err, stderr.String())
	}
	var pkgs []*listedPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		p := new(listedPackage)
		if err := dec.Decode(p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decoding go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// rel returns a dsql import path relative to the module ("merkle/prolly"), and whether the
// path is in the module at all.
func rel(importPath string) (string, bool) {
	if importPath == modulePath {
		return "", true
	}
	r, ok := strings.CutPrefix(importPath, modulePath+"/")
	return r, ok
}

// under reports whether module-relative path r is dir or inside it.
func under(r, dir string) bool { return r == dir || strings.HasPrefix(r, dir+"/") }

// layerOf returns the layer of a module-relative package path, or ok=false if it is in none.
func layerOf(r string) (name string, rank int, ok bool) {
	best := -1
	for _, l := range layers {
		for _, p := range l.prefixes {
			if under(r, p) && len(p) > best {
				best, name, rank, ok = len(p), l.name, l.rank, true
			}
		}
	}
	return name, rank, ok
}

// display shortens dsql import paths to their module-relative form; others stay whole.
func display(importPath string) string {
	if r, ok := rel(importPath); ok && r != "" {
		return r
	}
	return importPath
}

func isPebble(importPath string) bool {
	return strings.HasPrefix(importPath, "github.com/cockroachdb/pebble")
}

// graph is the non-test import graph of everything go list printed.
type graph map[string]*listedPackage

// pathTo returns the shortest import chain from `from` to a package that matches target
// (both ends included), or nil if from does not depend on any.
func (g graph) pathTo(from string, target func(string) bool) []string {
	prev := map[string]string{from: ""}
	queue := []string{from}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		if cur != from && target(cur) {
			var chain []string
			for p := cur; p != ""; p = prev[p] {
				chain = append(chain, display(p))
			}
			slices.Reverse(chain)
			return chain
		}
		if pkg, ok := g[cur]; ok {
			for _, imp := range pkg.Imports {
				if _, seen := prev[imp]; !seen {
					prev[imp] = cur
					queue = append(queue, imp)
				}
			}
		}
	}
	return nil
}

// rule is one layering constraint on a dsql package's dependencies.
type rule struct {
	// applies selects the packages (module-relative path) the rule constrains.
	applies func(r string) bool
	// forbidden reports whether depending on importPath breaks the rule.
	forbidden func(importPath string) bool
	// transitive: the rule covers indirect dependencies too, not only direct imports.
	transitive bool
	why        string
}

func inModule(dirs ...string) func(string) bool {
	return func(importPath string) bool {
		r, ok := rel(importPath)
		if !ok {
			return false
		}
		for _, d := range dirs {
			if under(r, d) {
				return true
			}
		}
		return false
	}
}

func isMerkle(r string) bool { return under(r, "merkle") }

var rules = []rule{
	{
		applies: isMerkle,
		forbidden: func(p string) bool {
			return strings.HasPrefix(p, "github.com/dolthub/") || isPebble(p) ||
				p == "github.com/spf13/cobra" || strings.HasPrefix(p, "github.com/spf13/cobra/")
		},
		transitive: true,
		why:        "merkle/* must not depend on GMS/vitess (github.com/dolthub/*), Pebble or cobra; reach storage through the storage interfaces",
	},
	{
		applies:    isMerkle,
		forbidden:  inModule("sql", "server", "cli", "cmd"),
		transitive: true,
		why:        "merkle/* must not depend on dsql's sql/, server/, cli/ or cmd/ (" + layerOrder + ")",
	},
	{
		applies: func(r string) bool { return r == "storage" },
		forbidden: func(p string) bool {
			_, ok := rel(p)
			return ok && p != modulePath+"/merkle/hash"
		},
		transitive: true,
		why:        "the storage interfaces package may import only merkle/hash among dsql packages; implementations go in storage/<impl>",
	},
	{
		applies:   func(r string) bool { return !under(r, "storage/pebblestore") },
		forbidden: isPebble,
		why:       "only storage/pebblestore may import Pebble",
	},
	{
		applies:    func(r string) bool { return under(r, "sql") },
		forbidden:  func(p string) bool { return isPebble(p) || inModule("storage/pebblestore")(p) },
		transitive: true,
		why:        "sql/* must not depend on Pebble, even through storage/pebblestore; take a storage.ChunkStore from server/",
	},
	{
		applies:   func(r string) bool { return !under(r, "cmd") && !under(r, "cli") },
		forbidden: inModule("cli"),
		why:       "only cmd/ may import cli/",
	},
	{
		applies: func(r string) bool {
			_, rank, ok := layerOf(r)
			_, serverRank, _ := layerOf("server")
			return ok && rank > serverRank
		},
		forbidden:  inModule("server"),
		transitive: true,
		why:        "nothing below server/ may depend on server/ (" + layerOrder + ")",
	},
}

// checkLayering returns one message per layering violation among the dsql packages in pkgs
// (which must also hold their dependencies, as `go list -deps` prints them), sorted.
func checkLayering(pkgs []*listedPackage) []string {
	g := graph{}
	for _, p := range pkgs {
		g[p.ImportPath] = p
	}
	var msgs []string
	for _, p := range pkgs {
		r, ok := rel(p.ImportPath)
		if !ok || len(p.GoFiles)+len(p.CgoFiles) == 0 {
			continue // not dsql's, or test-only: test imports are not checked
		}
		name, rank, ok := layerOf(r)
		if !ok {
			msgs = append(msgs, fmt.Sprintf("%s is in no layer: add its directory to the layers table in "+
				"architecture_test.go (order: %s)", display(p.ImportPath), layerOrder))
			continue
		}
		reported := map[string]bool{} // direct imports already reported by a rule
		for _, ru := range rules {
			if !ru.applies(r) {
				continue
			}
			for _, imp := range p.Imports {
				if ru.forbidden(imp) {
					reported[imp] = true
					msgs = append(msgs, fmt.Sprintf("%s imports %s: %s", display(p.ImportPath), display(imp), ru.why))
				} else if ru.transitive {
					if chain := g.pathTo(imp, ru.forbidden); chain != nil {
						reported[imp] = true
						msgs = append(msgs, fmt.Sprintf("%s depends on %s via %s -> %s: %s", display(p.ImportPath),
							chain[len(chain)-1], display(p.ImportPath), strings.Join(chain, " -> "), ru.why))
					}
				}
			}
		}
		for _, imp := range p.Imports {
			ir, ok := rel(imp)
			if !ok || reported[imp] {
				continue
			}
			if iname, irank, ok := layerOf(ir); ok && irank < rank {
				msgs = append(msgs, fmt.Sprintf("%s imports %s: layer %s must not import layer %s, which is above it (%s)",
					display(p.ImportPath), display(imp), name, iname, layerOrder))
			}
		}
	}
	sort.Strings(msgs)
	return slices.Compact(msgs)
}

func TestLayering(t *testing.T) {
	pkgs := goList(t)
	var own []string
	for _, p := range pkgs {
		if _, ok := rel(p.ImportPath); ok {
			own = append(own, display(p.ImportPath))
			if p.Error != nil {
				t.Logf("go list reports a problem in %s (the build will say more): %s", display(p.ImportPath), p.Error.Err)
			}
		}
	}
	// Guard against a vacuous pass if go list ever stops reporting the module's packages.
	for _, want := range []string{"cli", "cmd/dsql", "storage", "merkle/hash"} {
		if !slices.Contains(own, want) {
			t.Fatalf("go list did not report package %s; got %v", want, own)
		}
	}
	for _, msg := range checkLayering(pkgs) {
		t.Error(msg)
	}
}

// TestLayeringCatchesViolations feeds checkLayering small made-up import graphs, so the
// rules are known to fire even while the real tree has no violation.
func TestLayeringCatchesViolations(t *testing.T) {
	m := func(r string) string { return modulePath + "/" + r }
	pkg := func(importPath string, imports ...string) *listedPackage {
		return &listedPackage{ImportPath: importPath, GoFiles: []string{"x.go"}, Imports: imports}
	}
	const pebble = "github.com/cockroachdb/pebble/v2"
	base := func() []*listedPackage {
		return []*listedPackage{
			pkg(m("cmd/dsql"), m("cli")),
			pkg(m("cli"), m("server"), "github.com/spf13/cobra"),
			pkg(m("server"), m("sql/backend"), m("storage/pebblestore")),
			pkg(m("sql/backend"), m("merkle/repo"), "github.com/dolthub/go-mysql-server/sql"),
			pkg(m("merkle/repo"), m("merkle/prolly")),
			pkg(m("merkle/prolly"), m("merkle/tuple"), m("storage")),
			pkg(m("merkle/tuple"), m("merkle/hash")),
			pkg(m("storage"), m("merkle/hash"), "context"),
			pkg(m("storage/pebblestore"), m("storage"), pebble),
			pkg(m("storage/memstore"), m("storage")),
			pkg(m("merkle/hash"), "crypto/sha512"),
			pkg(m("integration-tests"), m("server")),
			{ImportPath: modulePath}, // the test-only root package
			pkg("github.com/spf13/cobra"),
			pkg("github.com/dolthub/go-mysql-server/sql"),
			pkg(pebble),
		}
	}
	if got := checkLayering(base()); len(got) != 0 {
		t.Fatalf("a clean graph reported violations:\n%s", strings.Join(got, "\n"))
	}

	tests := []struct {
		name string
		add  []*listedPackage // replace (by import path) or add packages
		want string           // substring of a reported violation
	}{
		{
			name: "merkle imports Pebble through pebblestore",
			add:  []*listedPackage{pkg(m("merkle/prolly"), m("storage/pebblestore"))},
			want: "merkle/prolly depends on " + pebble + " via merkle/prolly -> storage/pebblestore -> " + pebble,
		},
		{
			name: "merkle imports GMS",
			add:  []*listedPackage{pkg(m("merkle/tuple"), "github.com/dolthub/go-mysql-server/sql")},
			want: "merkle/tuple imports github.com/dolthub/go-mysql-server/sql: merkle/* must not depend on GMS",
		},
		{
			name: "merkle imports cobra",
			add:  []*listedPackage{pkg(m("merkle/hash"), "github.com/spf13/cobra")},
			want: "merkle/hash imports github.com/spf13/cobra: merkle/*",
		},
		{
			name: "merkle imports sql",
			add:  []*listedPackage{pkg(m("merkle/repo"), m("sql/backend"))},
			want: "merkle/repo imports sql/backend: merkle/* must not depend on dsql's sql/",
		},
		{
			name: "storage imports merkle/prolly",
			add:  []*listedPackage{pkg(m("storage"), m("merkle/prolly"))},
			want: "storage imports merkle/prolly: the storage interfaces package may import only merkle/hash",
		},
		{
			name: "storage imports memstore",
			add:  []*listedPackage{pkg(m("storage"), m("storage/memstore"))},
			want: "storage imports storage/memstore: the storage interfaces package",
		},
		{
			name: "memstore imports Pebble",
			add:  []*listedPackage{pkg(m("storage/memstore"), pebble)},
			want: "storage/memstore imports " + pebble + ": only storage/pebblestore may import Pebble",
		},
		{
			name: "sql imports pebblestore",
			add:  []*listedPackage{pkg(m("sql/backend"), m("storage/pebblestore"))},
			want: "sql/backend imports storage/pebblestore: sql/* must not depend on Pebble",
		},
		{
			name: "server imports cli",
			add:  []*listedPackage{pkg(m("server"), m("cli"))},
			want: "server imports cli: only cmd/ may import cli/",
		},
		{
			name: "integration tests import cli",
			add:  []*listedPackage{pkg(m("integration-tests"), m("cli"))},
			want: "integration-tests imports cli: only cmd/ may import cli/",
		},
		{
			name: "sql imports server",
			add:  []*listedPackage{pkg(m("sql/backend"), m("server"))},
			want: "sql/backend imports server: nothing below server/ may depend on server/",
		},
		{
			name: "storage depends on server indirectly",
			add: []*listedPackage{
				pkg(m("storage/memstore"), m("storage"), "example.com/lib"),
				pkg("example.com/lib", m("server/config")),
				pkg(m("server/config")),
			},
			want: "storage/memstore depends on server/config via storage/memstore -> example.com/lib -> " +
				"server/config: nothing below server/",
		},
		{
			name: "merkle/hash imports another merkle package",
			add:  []*listedPackage{pkg(m("merkle/hash"), m("merkle/tuple"))},
			want: "merkle/hash imports merkle/tuple: layer merkle/hash must not import layer merkle/*, which is above it",
		},
		{
			name: "server imports cmd",
			add:  []*listedPackage{pkg(m("server"), m("cmd/dsql"))},
			want: "server imports cmd/dsql: layer server must not import layer cmd",
		},
		{
			name: "cli imports integration tests",
			add:  []*listedPackage{pkg(m("cli"), m("integration-tests"))},
			want: "cli imports integration-tests: layer cli must not import layer tooling",
		},
		{
			name: "package outside every layer",
			add:  []*listedPackage{pkg(m("util"))},
			want: "util is in no layer: add its directory to the layers table",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pkgs := base()
			for _, a := range tt.add {
				i := slices.IndexFunc(pkgs, func(p *listedPackage) bool { return p.ImportPath == a.ImportPath })
				if i >= 0 {
					pkgs[i] = a
				} else {
					pkgs = append(pkgs, a)
				}
			}
			got := checkLayering(pkgs)
			if !slices.ContainsFunc(got, func(msg string) bool { return strings.Contains(msg, tt.want) }) {
				t.Errorf("no violation containing %q; got:\n%s", tt.want, strings.Join(got, "\n"))
			}
		})
	}
}

// TestPackageDocComments checks that every dsql package with non-test Go files has a
// package doc comment, and that a library package's starts with "Package <name> ".
func TestPackageDocComments(t *testing.T) {
	for _, p := range goList(t) {
		r, ok := rel(p.ImportPath)
		files := append(slices.Clone(p.GoFiles), p.CgoFiles...)
		if !ok || len(files) == 0 {
			continue
		}
		var docs []string
		fset := token.NewFileSet()
		for _, f := range files {
			af, err := parser.ParseFile(fset, filepath.Join(p.Dir, f), nil, parser.PackageClauseOnly|parser.ParseComments)
			if err != nil {
				t.Errorf("%s: %v", filepath.Join(r, f), err)
				continue
			}
			if doc := strings.TrimSpace(af.Doc.Text()); doc != "" {
				docs = append(docs, doc)
			}
		}
		switch {
		case len(docs) == 0 && p.Name == "main":
			t.Errorf("command %s has no package doc comment: add one above `package main` saying what the command does",
				display(p.ImportPath))
		case len(docs) == 0:
			t.Errorf("package %s has no package doc comment: add a doc.go starting with \"// Package %s ...\" "+
				"that names the package's invariants", display(p.ImportPath), p.Name)
		case p.Name != "main" && !slices.ContainsFunc(docs, func(d string) bool {
			return strings.HasPrefix(d, "Package "+p.Name+" ")
		}):
			t.Errorf("package %s: doc comment should start with \"Package %s \"; got %q",
				display(p.ImportPath), p.Name, strings.SplitN(docs[0], "\n", 2)[0])
		}
	}
}
