package backend

import (
	"context"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/vitess/go/mysql"
)

// MySQL's text for a duplicate key: "Duplicate entry '7-x' for key 't.uk'".
//
// A write that would give a unique index (or the primary key) two entries fails with
// 1062 in MySQL and GMS alike, but GMS's text, "duplicate unique key given: [7,x]", names
// neither the index nor the table, and ORMs read the index from MySQL's text (Hibernate's
// and Prisma's constraint-name extractors match "for key '...'") to say which constraint
// a user broke. GMS's error keeps its kind and text inside the engine (its callers and
// tests match them; ON DUPLICATE KEY UPDATE and REPLACE read the existing row from it);
// dupKeyErr also leaves the statement's session a note (columntext.go) with MySQL 8's
// text, which the server sends instead when the statement fails with 1062
// (MySQLErrorFor): the key's values as their SQL text joined by '-', and the index as
// <table>.<index> (PRIMARY for the primary key), as MySQL 8.0.19 and later write them.
// TestDuplicateKeyText.

// ER_DUP_ENTRY
const erDupEntry = 1062

// dupKeyErr returns GMS's duplicate-key error for row (the new row) in index ix of
// table m (ix nil: the primary key), with existing the row already holding the key, and
// leaves the MySQL text for the statement's session.
func dupKeyErr(ctx context.Context, m *tableMeta, ix *indexMeta, row, existing sql.Row) error {
	var cols []int
	keyStr := ""
	index := "PRIMARY"
	if ix == nil {
		cols = m.sch.PkOrdinals
		keyStr = m.keyString(row)
	} else {
		cols = ix.cols
		keyStr = formatKey(row, ix.cols)
		index = ix.name
	}
	err := sql.NewUniqueKeyErr(keyStr, ix == nil, existing)
	if sctx, ok := ctx.(*sql.Context); ok && sctx.Session != nil {
		dup := dupKeyNote{table: m.name, index: index, values: keyText(sctx, m.sch.Schema, row, cols)}
		var base columnNote
		var warn map[string]string
		if v, ok := notes.Load(sctx.Session.ID()); ok {
			base = v.(notedAt).note
			if d, ok := base.(dupNoted); ok {
				base, warn = d.base, d.warn
			}
		}
		if warn == nil {
			warn = map[string]string{}
		}
		if len(warn) < maxDupWarnings {
			warn[err.Error()] = dup.text()
		}
		leaveNote(sctx, dupNoted{base: base, dup: dup, warn: warn})
	}
	return err
}

// maxDupWarnings bounds the duplicate keys a statement's note remembers for its
// warnings (MySQL keeps max_error_count, 64 by default).
const maxDupWarnings = 64

// fixDupWarnings gives the warnings GMS made of the duplicate keys the statement of ctx
// skipped (INSERT IGNORE: level Note, GMS's text) MySQL's level and text (Warning,
// "Duplicate entry ... for key ..."). Called as a table's statement completes.
func fixDupWarnings(ctx *sql.Context) {
	if ctx == nil || ctx.Session == nil {
		return
	}
	v, ok := notes.Load(ctx.Session.ID())
	if !ok {
		return
	}
	d, ok := v.(notedAt).note.(dupNoted)
	if !ok || len(d.warn) == 0 {
		return
	}
	for _, w := range ctx.Session.Warnings() {
		if w.Code != erDupEntry {
			continue
		}
		if text, ok := d.warn[w.Message]; ok {
			w.Level, w.Message = "Warning", text
		}
	}
}

// keyText is the values of row's columns cols as MySQL prints a duplicate entry: each
// value's SQL text, joined by '-'.
func keyText(ctx *sql.Context, sch sql.Schema, row sql.Row, cols []int) string {
	var b strings.Builder
	for i, o := range cols {
		if i > 0 {
			b.WriteByte('-')
		}
		if o < 0 || o >= len(row) || o >= len(sch) || row[o] == nil {
			b.WriteString("NULL")
			continue
		}
		v, err := sch[o].Type.SQL(ctx, nil, row[o])
		if err != nil {
			b.WriteString(valueText(row[o]))
			continue
		}
		b.WriteString(v.ToString())
	}
	return b.String()
}

// dupNoted is a statement's note (base, nil if it left none) with its last duplicate key
// (an INSERT IGNORE or ON DUPLICATE KEY UPDATE meets many and goes on): 1062 resolves to
// the duplicate key, any other code to base.
type dupNoted struct {
	base columnNote
	dup  dupKeyNote
	warn map[string]string // GMS's text of each duplicate key met -> MySQL's (fixDupWarnings)
}

func (n dupNoted) resolve(ctx *sql.Context, code int) *mysql.SQLError {
	if code == erDupEntry {
		return n.dup.resolve(ctx, code)
	}
	if n.base != nil {
		return n.base.resolve(ctx, code)
	}
	return nil
}

// dupKeyNote is the note a duplicate key leaves: the table, the index and the key's text.
type dupKeyNote struct {
	table, index, values string
}

func (n dupKeyNote) resolve(_ *sql.Context, code int) *mysql.SQLError {
	if code != erDupEntry {
		return nil
	}
	return mysql.NewSQLError(erDupEntry, "23000", "%s", n.text())
}

// text is MySQL 8's message for the duplicate key.
func (n dupKeyNote) text() string {
	return "Duplicate entry '" + n.values + "' for key '" + n.table + "." + n.index + "'"
}
