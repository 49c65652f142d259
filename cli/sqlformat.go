package cli

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/dolthub/vitess/go/sqltypes"
	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"

	"github.com/dsqldb/dsql/sql/typeconv"
)

// Result formats of dsql sql -r.
const (
	formatTabular  = "tabular"
	formatCSV      = "csv"
	formatJSON     = "json"
	formatVertical = "vertical"
)

var resultFormats = []string{formatTabular, formatCSV, formatJSON, formatVertical}

// cell is one value of a result, as text.
type cell struct {
	text string
	null bool
}

// resultSet is a statement's result converted to text: column names, per column whether
// it is numeric (right-aligned, unquoted in JSON) or JSON, and the rows.
type resultSet struct {
	names   []string
	numeric []bool
	isJSON  []bool
	rows    [][]cell
}

// toResultSet converts GMS rows to text with each column type's MySQL wire encoding, so
// values print as a MySQL client shows them.
func toResultSet(ctx *sql.Context, sch sql.Schema, rows []sql.Row) (*resultSet, error) {
	rs := &resultSet{
		names:   make([]string, len(sch)),
		numeric: make([]bool, len(sch)),
		isJSON:  make([]bool, len(sch)),
		rows:    make([][]cell, 0, len(rows)),
	}
	for i, col := range sch {
		rs.names[i] = col.Name
		rs.numeric[i] = types.IsInteger(col.Type) || types.IsFloat(col.Type) || types.IsDecimal(col.Type)
		rs.isJSON[i] = types.IsJSON(col.Type)
	}
	for _, row := range rows {
		out := make([]cell, len(sch))
		for i, col := range sch {
			if i >= len(row) || row[i] == nil {
				out[i] = cell{null: true}
				continue
			}
			v, err := col.Type.SQL(ctx, nil, row[i])
			if err != nil {
				return nil, fmt.Errorf("column %s: %w", col.Name, err)
			}
			if v.IsNull() {
				out[i] = cell{null: true}
				continue
			}
			text := v.ToString()
			if t := v.Type(); t == sqltypes.Float64 || t == sqltypes.Float32 {
				// As MySQL writes floats (GMS: %g), like the server (typeconv.AppendFloat).
				bits := 64
				if t == sqltypes.Float32 {
					bits = 32
				}
				if f, err := strconv.ParseFloat(text, bits); err == nil {
					text = string(typeconv.AppendFloat(nil, f, bits))
				}
			}
			out[i] = cell{text: text}
		}
		rs.rows = append(rs.rows, out)
	}
	return rs, nil
}

// writeResult prints rs to w in format.
func writeResult(w io.Writer, format string, rs *resultSet) error {
	switch format {
	case formatCSV:
		return writeCSV(w, rs)
	case formatJSON:
		return writeJSON(w, rs)
	case formatVertical:
		return writeVertical(w, rs)
	default:
		return writeTabular(w, rs)
	}
}

// writeTabular draws the boxed table of the mysql client: numeric columns right-aligned,
// headers left-aligned, NULL for nulls.
func writeTabular(w io.Writer, rs *resultSet) error {
	t := table.NewWriter()
	style := table.StyleDefault
	style.Format.Header = text.FormatDefault // keep the column names' case
	style.Format.Footer = text.FormatDefault
	t.SetStyle(style)
	header := make(table.Row, len(rs.names))
	configs := make([]table.ColumnConfig, len(rs.names))
	for i, n := range rs.names {
		header[i] = n
		configs[i] = table.ColumnConfig{Number: i + 1, AlignHeader: text.AlignLeft, Align: text.AlignLeft}
		if rs.numeric[i] {
			configs[i].Align = text.AlignRight
		}
	}
	t.AppendHeader(header)
	t.SetColumnConfigs(configs)
	for _, r := range rs.rows {
		row := make(table.Row, len(r))
		for i, c := range r {
			if c.null {
				row[i] = "NULL"
			} else {
				row[i] = c.text
			}
		}
		t.AppendRow(row)
	}
	_, err := io.WriteString(w, t.Render()+"\n")
	return err
}

// writeCSV prints a header line and one line per row (RFC 4180 quoting); NULL is an empty
// field.
func writeCSV(w io.Writer, rs *resultSet) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(rs.names); err != nil {
		return err
	}
	rec := make([]string, len(rs.names))
	for _, r := range rs.rows {
		for i, c := range r {
			rec[i] = c.text
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeJSON prints {"rows": [{"col": value, ...}, ...]} on one line, columns in result
// order: numbers unquoted, JSON columns embedded, NULL as null, the rest as strings.
func writeJSON(w io.Writer, rs *resultSet) error {
	var b strings.Builder
	b.WriteString(`{"rows": [`)
	for ri, r := range rs.rows {
		if ri > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('{')
		for i, c := range r {
			if i > 0 {
				b.WriteString(", ")
			}
			name, _ := json.Marshal(rs.names[i])
			b.Write(name)
			b.WriteString(": ")
			switch {
			case c.null:
				b.WriteString("null")
			case (rs.numeric[i] || rs.isJSON[i]) && json.Valid([]byte(c.text)):
				b.WriteString(c.text)
			default:
				s, _ := json.Marshal(c.text)
				b.Write(s)
			}
		}
		b.WriteByte('}')
	}
	b.WriteString("]}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// writeVertical prints one block per row like the mysql client's \G: a star line with
// the row number, then "name: value" lines with the names right-aligned.
func writeVertical(w io.Writer, rs *resultSet) error {
	width := 0
	for _, n := range rs.names {
		width = max(width, text.StringWidth(n))
	}
	var b strings.Builder
	for ri, r := range rs.rows {
		fmt.Fprintf(&b, "%s %d. row %s\n", strings.Repeat("*", 27), ri+1, strings.Repeat("*", 27))
		for i, c := range r {
			v := c.text
			if c.null {
				v = "NULL"
			}
			pad := width - text.StringWidth(rs.names[i])
			fmt.Fprintf(&b, "%s%s: %s\n", strings.Repeat(" ", pad), rs.names[i], v)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
