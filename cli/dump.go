package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	sqltypes "github.com/dolthub/vitess/go/sqltypes"
	"github.com/spf13/cobra"

	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/sql/backend"
	"github.com/dsqldb/dsql/sql/dataio"
)

// dumpOptions holds the flags of "dsql dump".
type dumpOptions struct {
	format    string
	rev       string
	directory string
	force     bool
	batch     int
	file      string
	mariadb   bool

	dir string
}

func newDumpCommand() *cobra.Command {
	var opts dumpOptions
	cmd := &cobra.Command{
		Use:   "dump [flags] [FILE]",
		Short: "Write the whole database as one SQL file, or one CSV/JSON/Parquet file per table",
		Example: `  # Every table, view, trigger and procedure as SQL (dump.sql), then load it elsewhere
  dsql dump
  dsql sql < dump.sql
  mysql -h 127.0.0.1 -u root mydb < dump.sql

  # For MariaDB
  dsql dump --mariadb maria.sql

  # As of a revision, to standard output
  dsql dump --rev v1 -

  # One CSV (or JSON) file per table in the directory dump/
  dsql dump -r csv
  dsql dump -r json --directory out`,
		Long: `Writes every table of the repository here (the working set, or --rev REV) as SQL
(-r sql, the default): SET FOREIGN_KEY_CHECKS=0, then per table DROP TABLE IF EXISTS,
CREATE TABLE (parents before the tables whose foreign keys name them) and INSERT
statements of up to --batch rows, then the views, triggers and stored procedures of
dsql_schemas. FILE defaults to dump.sql ("-" for standard output). The file loads with
dsql sql, and through the mysql client into dsql sql-server, MySQL, or MariaDB (with
--mariadb, which names MariaDB's collations in place of MySQL 8's utf8mb4_0900 ones;
a table with a VECTOR column, which MariaDB 10.11 lacks, makes a --mariadb dump fail).
BLOB, BINARY and VARBINARY values are hex literals, and so are spatial values (MySQL's
internal SRID+WKB form, as mysqldump writes them) and VECTOR values (their float32s).

With -r csv, -r json or -r parquet, each table becomes <table>.csv, .json or .parquet
in --directory (default dump/), as dsql table export writes it (spatial values as WKT,
VECTOR values as arrays of numbers).

An existing FILE or directory is only overwritten with --force; files appear whole or
not at all.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.file = args[0]
			}
			return runDump(cmd.Context(), opts, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.format, "result-format", "r", "sql", "sql, csv, json or parquet")
	f.StringVar(&opts.rev, "rev", "", "dump the database as of this revision (branch, tag, commit, HEAD~n)")
	f.StringVar(&opts.directory, "directory", "", "directory of the per-table files (-r csv/json/parquet; default dump)")
	f.BoolVarP(&opts.force, "force", "f", false, "overwrite FILE or the table files if they exist")
	f.IntVar(&opts.batch, "batch", 1000, "rows per INSERT statement (-r sql)")
	f.BoolVar(&opts.mariadb, "mariadb", false, "for MariaDB (-r sql): MySQL 8's utf8mb4_0900 collations as MariaDB's nearest ones")
	return cmd
}

// runDump runs "dsql dump".
func runDump(ctx context.Context, opts dumpOptions, stdout, stderr io.Writer) error {
	var format dataio.Format
	switch strings.ToLower(opts.format) {
	case "sql":
		format = dataio.SQL
		if opts.directory != "" {
			return usageErrorf("--directory goes with -r csv, json or parquet; -r sql writes one FILE")
		}
		if opts.file == "" {
			opts.file = "dump.sql"
		}
	case "csv":
		format = dataio.CSV
	case "json":
		format = dataio.JSON
	case "parquet":
		format = dataio.Parquet
	default:
		return usageErrorf("-r %s: want sql, csv, json or parquet", opts.format)
	}
	if format != dataio.SQL {
		if opts.file != "" {
			return usageErrorf("-r %s writes one file per table into --directory, not FILE", opts.format)
		}
		if opts.directory == "" {
			opts.directory = "dump"
		}
	}
	if opts.batch < 1 {
		return usageErrorf("--batch must be at least 1")
	}
	return withRepository(ctx, opts.dir, "", func(s *vcsSession) error {
		db, err := s.database()
		if err != nil {
			return err
		}
		root, err := s.rootAt(db, opts.rev)
		if err != nil {
			return err
		}
		tables := dumpOrder(root)
		if format != dataio.SQL {
			return dumpFiles(s, root, tables, format, opts, stderr)
		}
		return writeAtomically(opts.file, opts.force, stdout, func(w io.Writer) error {
			n, err := dumpSQL(s, db, root, tables, opts, w)
			if err == nil && opts.file != "-" {
				fmt.Fprintf(stderr, "Dumped %d %s and %d %s to %s.\n", len(tables), pluralWord(int64(len(tables)), "table", "tables"), n, pluralWord(n, "row", "rows"), opts.file)
			}
			return err
		})
	})
}

// dumpOrder lists root's user tables so that every table comes after the tables its
// foreign keys reference (cycles are broken in name order; the dump turns foreign key
// checks off anyway), otherwise in name order.
func dumpOrder(root repo.Root) []string {
	var names []string
	for _, n := range root.TableNames() {
		if strings.EqualFold(n, backend.SchemasTable) || strings.EqualFold(n, backend.SchemasTableAlias) {
			continue
		}
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	parents := map[string][]string{}
	for _, fk := range root.ForeignKeys() {
		t, p := strings.ToLower(fk.Table), strings.ToLower(fk.ParentTable)
		if t != p {
			parents[t] = append(parents[t], p)
		}
	}
	state := map[string]int{} // 1 visiting, 2 done
	var out []string
	var visit func(n string)
	byLower := map[string]string{}
	for _, n := range names {
		byLower[strings.ToLower(n)] = n
	}
	visit = func(l string) {
		if state[l] != 0 {
			return
		}
		state[l] = 1
		for _, p := range parents[l] {
			if _, ok := byLower[p]; ok {
				visit(p)
			}
		}
		state[l] = 2
		out = append(out, byLower[l])
	}
	for _, n := range names {
		visit(strings.ToLower(n))
	}
	return out
}

// dumpSQL writes the SQL dump of root's tables (in order) and schema fragments to w and
// returns the number of rows written.
func dumpSQL(s *vcsSession, db *backend.Database, root repo.Root, tables []string, opts dumpOptions, w io.Writer) (int64, error) {
	at := "the working set"
	if opts.rev != "" {
		at = "revision " + opts.rev
	}
	fmt.Fprintf(w, "-- dsql dump of database %s at %s\n", db.BaseName(), at)
	fmt.Fprint(w, "/*!40101 SET NAMES utf8mb4 */;\nSET FOREIGN_KEY_CHECKS=0;\n\n")
	var total int64
	for _, name := range tables {
		t, ok, err := root.Table(s.ctx, name)
		if err != nil {
			return total, err
		}
		if !ok {
			continue
		}
		create, err := showCreate(s, "TABLE", name, opts.rev)
		if err != nil {
			return total, err
		}
		create = indexesInSchemaOrder(create, t.Schema())
		if opts.mariadb {
			if err := mariaDBTypes(t.Schema()); err != nil {
				return total, fmt.Errorf("table %s: %w", name, err)
			}
			create = forMariaDB(create)
		}
		n, err := dataio.Export(s.ctx, t, w, dataio.ExportOptions{Format: dataio.SQL, CreateTable: create, InsertBatch: opts.batch})
		if err != nil {
			return total, fmt.Errorf("table %s: %w", name, err)
		}
		total += n
		fmt.Fprintln(w)
	}
	frags, err := schemaFragments(s, root, opts.rev)
	if err != nil {
		return total, err
	}
	for _, f := range frags {
		body := strings.TrimSuffix(strings.TrimSpace(f.fragment), ";")
		if opts.mariadb {
			body = forMariaDB(body)
		}
		if f.kind == "view" {
			fmt.Fprintf(w, "DROP VIEW IF EXISTS %s;\n", quoteName(f.name))
		}
		if strings.Contains(body, ";") {
			// A compound body (BEGIN ... END): the mysql client needs another delimiter.
			fmt.Fprintf(w, "DELIMITER ;;\n%s;;\nDELIMITER ;\n", body)
		} else {
			fmt.Fprintf(w, "%s;\n", body)
		}
	}
	fmt.Fprint(w, "SET FOREIGN_KEY_CHECKS=1;\n")
	return total, nil
}

// indexLine matches a secondary index line of SHOW CREATE TABLE and captures its name.
var indexLine = regexp.MustCompile("^\\s+(?:UNIQUE |FULLTEXT |SPATIAL |VECTOR )?KEY `((?:[^`]|``)+)`")

// indexesInSchemaOrder reorders the secondary index lines of a CREATE TABLE statement
// (SHOW CREATE TABLE lists unique indexes first) into the order the table stores them,
// so that the table the statement creates has the same hash.
func indexesInSchemaOrder(create string, rs repo.Schema) string {
	order := map[string]int{}
	for i, ix := range rs.Indexes {
		order[strings.ToLower(ix.Name)] = i
	}
	lines := strings.Split(create, "\n")
	var pos []int
	var idx []string
	for i, l := range lines {
		if m := indexLine.FindStringSubmatch(l); m != nil {
			if _, ok := order[strings.ToLower(strings.ReplaceAll(m[1], "``", "`"))]; ok {
				pos = append(pos, i)
				idx = append(idx, strings.ToLower(strings.ReplaceAll(m[1], "``", "`")))
			}
		}
	}
	if len(pos) < 2 {
		return create
	}
	type entry struct {
		line string
		rank int
	}
	es := make([]entry, len(pos))
	comma := make([]bool, len(pos))
	for k, i := range pos {
		comma[k] = strings.HasSuffix(lines[i], ",")
		es[k] = entry{strings.TrimSuffix(lines[i], ","), order[idx[k]]}
	}
	slices.SortStableFunc(es, func(a, b entry) int { return a.rank - b.rank })
	for k, i := range pos {
		lines[i] = es[k].line
		if comma[k] {
			lines[i] += ","
		}
	}
	return strings.Join(lines, "\n")
}

// collation0900 matches MySQL 8's utf8mb4_0900 collations, which MariaDB lacks.
var collation0900 = regexp.MustCompile(`utf8mb4_0900_(bin|ai_ci|as_cs)`)

// forMariaDB maps MySQL 8's utf8mb4_0900_* collations in a statement to MariaDB's nearest
// ones (utf8mb4_bin, utf8mb4_uca1400_ai_ci, utf8mb4_uca1400_as_cs).
func forMariaDB(stmt string) string {
	return collation0900.ReplaceAllStringFunc(stmt, func(m string) string {
		switch m {
		case "utf8mb4_0900_bin":
			return "utf8mb4_bin"
		case "utf8mb4_0900_ai_ci":
			return "utf8mb4_uca1400_ai_ci"
		}
		return "utf8mb4_uca1400_as_cs"
	})
}

// mariaDBTypes refuses a table with a column MariaDB 10.11 has no type for: VECTOR
// (MariaDB's own VECTOR, from 11.7, is another type with another syntax). The dump fails
// rather than leave the column, or the table, out.
func mariaDBTypes(rs repo.Schema) error {
	sch, err := dataio.SQLSchema(rs)
	if err != nil {
		return err
	}
	for _, c := range sch {
		if c.Type.Type() == sqltypes.Vector {
			return fmt.Errorf("column %s is %s, which MariaDB 10.11 has no type for: --mariadb cannot dump it (drop or convert the column, or dump without --mariadb for dsql or MySQL 9)", quoteName(c.Name), c.Type)
		}
	}
	return nil
}

// showCreate returns the CREATE statement of SHOW CREATE <what> name [AS OF rev].
func showCreate(s *vcsSession, what, name, rev string) (string, error) {
	q := "SHOW CREATE " + what + " " + quoteName(name)
	if rev != "" {
		q += " AS OF " + quoteString(rev) // GMS cannot bind AS OF in SHOW CREATE
	}
	_, rows, err := s.query(q)
	if err != nil {
		return "", err
	}
	if len(rows) != 1 || len(rows[0]) < 2 {
		return "", fmt.Errorf("SHOW CREATE %s %s: no statement", what, name)
	}
	return str(rows[0][1]), nil
}

// schemaFragment is one view, trigger or procedure of dsql_schemas.
type schemaFragment struct {
	kind, name, fragment string
}

// schemaFragments returns the views (those another view uses first), then the triggers,
// then the procedures and events of root's dsql_schemas.
func schemaFragments(s *vcsSession, root repo.Root, rev string) ([]schemaFragment, error) {
	if !root.HasTable(backend.SchemasTable) {
		return nil, nil
	}
	q := "SELECT type, name, fragment FROM " + backend.SchemasTable
	if rev != "" {
		q += " AS OF " + quoteString(rev)
	}
	_, rows, err := s.query(q + " ORDER BY type, name")
	if err != nil {
		return nil, err
	}
	rank := map[string]int{"view": 0, "trigger": 1, "procedure": 2, "event": 3}
	var views, others []schemaFragment
	for _, r := range rows {
		f := schemaFragment{kind: strings.ToLower(str(r[0])), name: str(r[1]), fragment: str(r[2])}
		if _, ok := rank[f.kind]; !ok {
			continue // the database collation and the like are not statements
		}
		if f.kind == "view" {
			views = append(views, f)
		} else {
			others = append(others, f)
		}
	}
	slices.SortStableFunc(others, func(a, b schemaFragment) int { return rank[a.kind] - rank[b.kind] })
	// A view whose text names another view comes after it.
	var out []schemaFragment
	done := map[int]bool{}
	var visit func(i int, depth int)
	visit = func(i int, depth int) {
		if done[i] || depth > len(views) {
			return
		}
		done[i] = true
		lower := strings.ToLower(views[i].fragment)
		for j, v := range views {
			if j != i && strings.Contains(lower, strings.ToLower(v.name)) {
				visit(j, depth+1)
			}
		}
		out = append(out, views[i])
	}
	for i := range views {
		visit(i, 0)
	}
	return append(out, others...), nil
}

// dumpFiles writes each table to <directory>/<table>.<format>.
func dumpFiles(s *vcsSession, root repo.Root, tables []string, format dataio.Format, opts dumpOptions, stderr io.Writer) error {
	if err := os.MkdirAll(opts.directory, 0o755); err != nil {
		return err
	}
	var total int64
	for _, name := range tables {
		t, ok, err := root.Table(s.ctx, name)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		path := filepath.Join(opts.directory, name+"."+string(format))
		err = writeAtomically(path, opts.force, nil, func(w io.Writer) error {
			n, err := dataio.Export(s.ctx, t, w, dataio.ExportOptions{Format: format})
			total += n
			return err
		})
		if err != nil {
			return fmt.Errorf("table %s: %w", name, err)
		}
	}
	fmt.Fprintf(stderr, "Dumped %d %s and %d %s to %s.\n", len(tables), pluralWord(int64(len(tables)), "table", "tables"), total, pluralWord(total, "row", "rows"), opts.directory)
	return nil
}

// writeAtomically calls write with a temporary file next to path and renames it to path
// once write succeeded and the file is synced; path "-" writes to stdout instead. An
// existing path is an error unless force.
func writeAtomically(path string, force bool, stdout io.Writer, write func(io.Writer) error) error {
	if path == "-" {
		return write(stdout)
	}
	if !force {
		if _, err := os.Stat(path); err == nil {
			return fmt.Errorf("%s exists: pass --force to overwrite it", path)
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if tmp != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(tmp, 1<<16)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := tmp.Chmod(0o644); err != nil { // CreateTemp's 0600 is for the temporary name only
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	tmp = nil
	return nil
}

// quoteString quotes s as a SQL string literal.
func quoteString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, "'", "''").Replace(s) + "'"
}
