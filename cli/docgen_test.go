package cli

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// updateDocs rewrites docs/cli.md from the command tree instead of comparing it.
var updateDocs = flag.Bool("update", false, "rewrite docs/cli.md from the cobra command tree")

// cliReferencePath is the generated CLI reference, relative to this package.
const cliReferencePath = "../docs/cli.md"

// TestCLIReferenceIsCurrent keeps docs/cli.md equal to what the command tree says: every
// verb's usage, description, examples and flags with their defaults. A verb or flag that
// changes without the reference failing here is impossible; regenerate with
//
//	go test ./cli -run TestCLIReferenceIsCurrent -update
func TestCLIReferenceIsCurrent(t *testing.T) {
	got := generateCLIReference(newRootCommand())
	if home := os.Getenv("HOME"); len(home) > 1 && strings.Contains(got, home) {
		t.Fatalf("the CLI reference contains $HOME (%s): a flag default depends on the machine", home)
	}
	if again := generateCLIReference(newRootCommand()); again != got {
		t.Fatal("the CLI reference differs between two runs: a flag default or text is not deterministic")
	}
	if *updateDocs {
		if err := os.WriteFile(cliReferencePath, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(cliReferencePath)
	if err != nil {
		t.Fatalf("%v (generate it with: go test ./cli -run TestCLIReferenceIsCurrent -update)", err)
	}
	if string(want) != got {
		t.Fatalf("%s is stale: the command tree changed. Regenerate it with\n\tgo test ./cli -run TestCLIReferenceIsCurrent -update\nand commit it. First difference:\n%s",
			filepath.Clean(cliReferencePath), firstDifference(string(want), got))
	}
}

// firstDifference describes the first line where a and b differ.
func firstDifference(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return fmt.Sprintf("line %d\n  committed: %q\n  generated: %q", i+1, x, y)
		}
	}
	return "(none)"
}

// generateCLIReference renders the whole command tree under root as one Markdown page: an
// index of the verbs, then one section per verb in tree order (a verb, then its
// subcommands), each with its summary, usage, description, examples and flags.
func generateCLIReference(root *cobra.Command) string {
	var cmds []*cobra.Command
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.InitDefaultHelpFlag()
		cmds = append(cmds, c)
		for _, sub := range c.Commands() { // cobra sorts them by name
			if sub.IsAvailableCommand() || sub.Name() == "help" {
				walk(sub)
			}
		}
	}
	root.InitDefaultHelpCmd()
	walk(root)

	var b bytes.Buffer
	b.WriteString("<!-- Generated from the cobra command tree by cli/docgen_test.go; do not edit.\n")
	b.WriteString("     Regenerate: go test ./cli -run TestCLIReferenceIsCurrent -update -->\n\n")
	b.WriteString("# dsql command-line reference\n\n")
	b.WriteString("Every verb of the `dsql` binary, generated from its command tree, so it matches\n")
	b.WriteString("`dsql <verb> --help` exactly. Exit codes: 0 success, 1 the command failed, 2 the\n")
	b.WriteString("command line was malformed (an unknown verb or flag, wrong arguments). Environment\n")
	b.WriteString("variables and configuration keys: [configuration.md](configuration.md).\n\n")
	b.WriteString("| command | what it does |\n|---|---|\n")
	for _, c := range cmds {
		fmt.Fprintf(&b, "| [`%s`](#%s) | %s |\n", c.CommandPath(), anchor(c.CommandPath()), mdCell(c.Short))
	}
	for _, c := range cmds {
		writeCommand(&b, c)
	}
	return b.String()
}

func writeCommand(b *bytes.Buffer, c *cobra.Command) {
	fmt.Fprintf(b, "\n## %s\n\n", c.CommandPath())
	fmt.Fprintf(b, "%s\n\n", mdText(strings.TrimSpace(c.Short)))
	b.WriteString("```\n")
	if c.Runnable() {
		fmt.Fprintf(b, "%s\n", c.UseLine())
	}
	if c.HasAvailableSubCommands() {
		fmt.Fprintf(b, "%s [command]\n", c.CommandPath())
	}
	b.WriteString("```\n")
	if len(c.Aliases) > 0 {
		fmt.Fprintf(b, "\nAliases: %s\n", "`"+strings.Join(c.Aliases, "`, `")+"`")
	}
	if long := strings.TrimSpace(c.Long); long != "" {
		b.WriteString("\n")
		writeLong(b, long)
	}
	if ex := strings.TrimRight(c.Example, " \n"); ex != "" {
		fmt.Fprintf(b, "\n**Examples**\n\n```sh\n%s\n```\n", dedent(ex))
	}
	if c.HasAvailableSubCommands() {
		b.WriteString("\n**Commands**\n\n")
		for _, sub := range c.Commands() {
			if sub.IsAvailableCommand() || sub.Name() == "help" {
				fmt.Fprintf(b, "- [`%s`](#%s): %s\n", sub.CommandPath(), anchor(sub.CommandPath()), mdText(sub.Short))
			}
		}
	}
	writeFlags(b, "Flags", c.LocalFlags())
	writeFlags(b, "Inherited flags", c.InheritedFlags())
}

// writeFlags renders a flag set as a table: the flag (with its shorthand and the name of
// its value), its default, and its description.
func writeFlags(b *bytes.Buffer, title string, fs *pflag.FlagSet) {
	var rows []string
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden || f.Deprecated != "" {
			return
		}
		name := "--" + f.Name
		if f.Shorthand != "" && f.ShorthandDeprecated == "" {
			name = "-" + f.Shorthand + ", " + name
		}
		varname, usage := pflag.UnquoteUsage(f)
		if varname != "" {
			if f.NoOptDefVal != "" {
				name += "[=" + varname + "]"
			} else {
				name += " " + varname
			}
		}
		def := ""
		if !isZeroDefault(f) {
			def = "`" + f.DefValue + "`"
		}
		if f.NoOptDefVal != "" && f.Value.Type() != "bool" {
			usage += fmt.Sprintf(" (the flag alone: %s)", f.NoOptDefVal)
		}
		rows = append(rows, fmt.Sprintf("| `%s` | %s | %s |", name, def, mdCell(usage)))
	})
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(b, "\n**%s**\n\n| flag | default | description |\n|---|---|---|\n%s\n", title, strings.Join(rows, "\n"))
}

// isZeroDefault reports whether a flag's default is its type's zero value, which the
// reference leaves blank as --help does.
func isZeroDefault(f *pflag.Flag) bool {
	switch f.DefValue {
	case "", "false", "0", "[]", "<nil>", "0s":
		return true
	}
	return false
}

// writeLong renders a verb's long description: its paragraphs as Markdown text, and
// indented lines (examples, config files) as code blocks.
func writeLong(b *bytes.Buffer, long string) {
	lines := strings.Split(long, "\n")
	for i := 0; i < len(lines); {
		if strings.HasPrefix(lines[i], "  ") || strings.HasPrefix(lines[i], "\t") {
			j := i
			for j < len(lines) && (strings.HasPrefix(lines[j], "  ") || strings.HasPrefix(lines[j], "\t") || strings.TrimSpace(lines[j]) == "" && j+1 < len(lines) && strings.HasPrefix(lines[j+1], "  ")) {
				j++
			}
			if i > 0 && strings.TrimSpace(lines[i-1]) != "" {
				b.WriteString("\n")
			}
			fmt.Fprintf(b, "```\n%s\n```\n", dedent(strings.Join(lines[i:j], "\n")))
			if j < len(lines) && strings.TrimSpace(lines[j]) != "" {
				b.WriteString("\n")
			}
			i = j
			continue
		}
		b.WriteString(strings.TrimRight(mdText(lines[i]), " ") + "\n")
		i++
	}
}

// dedent removes the indentation common to every non-blank line.
func dedent(s string) string {
	lines := strings.Split(s, "\n")
	common := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, " "))
		if common < 0 || n < common {
			common = n
		}
	}
	for i, l := range lines {
		if len(l) >= common && common > 0 {
			lines[i] = l[common:]
		} else if strings.TrimSpace(l) == "" {
			lines[i] = ""
		}
	}
	return strings.Join(lines, "\n")
}

// mdText escapes the characters that Markdown would read as markup in help prose.
var mdEscaper = strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "<", "&lt;", ">", "&gt;", "`", "\\`", "[", `\[`, "]", `\]`)

func mdText(s string) string { return mdEscaper.Replace(s) }

// mdCell is mdText for one table cell: on one line, with | escaped.
func mdCell(s string) string {
	return strings.ReplaceAll(mdText(strings.Join(strings.Fields(s), " ")), "|", `\|`)
}

// anchor is the GitHub heading anchor of "## <path>".
func anchor(path string) string {
	return strings.ReplaceAll(strings.ToLower(path), " ", "-")
}
