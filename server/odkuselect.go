package server

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
	ast "github.com/dolthub/vitess/go/vt/sqlparser"
	"github.com/dsqldb/dsql/sql/backend"
)

// VALUES(col) in the ON DUPLICATE KEY UPDATE of an INSERT ... SELECT.
//
// MySQL's VALUES(b) is the value the INSERT would have put in column b, for a SELECT
// source as for a VALUES list (deprecated in 8.0.20 in favour of the row alias, but
// accepted): INSERT INTO t (a, b) SELECT x, y FROM s ON DUPLICATE KEY UPDATE b = VALUES(b)
// sets b to s.y. GMS's plan builder resolves VALUES(b) as a column b of the rows being
// inserted named after their alias, which only a VALUES list has, and fails with "expected
// ON DUPLICATE KEY ... VALUES() to reference a column" (1105).
//
// odkuParser rewrites such a statement after parsing: VALUES(c), c the k-th column the
// INSERT writes (its column list, or the table's columns), becomes a reference to the
// SELECT's k-th expression: the source column itself when the expression is a column of
// a table other than the target (qualified by its table or the only table of FROM), else
// the expression's alias, given one (dsql_values_k) when it has none or its alias is a
// column of the target. Not rewritten (GMS's error stays): a SELECT with * in its list,
// a UNION source, a column count that differs from the INSERT's.

// odkuParser is a sql.Parser that rewrites VALUES() of INSERT ... SELECT ... ON DUPLICATE
// KEY UPDATE (above), LIKE patterns with a backslash (likeescape.go), and names in
// HAVING and ORDER BY positions under DISTINCT (selectnames.go), and GROUP_CONCAT of
// several arguments (groupconcatargs.go), in what the parser it wraps returns. Safe from many goroutines, as
// the parser it wraps.
type odkuParser struct {
	sql.Parser
}

var _ sql.Parser = odkuParser{}

func (p odkuParser) ParseSimple(query string) (ast.Statement, error) {
	stmt, err := p.Parser.ParseSimple(query)
	if err == nil {
		rewriteOdkuValues(nil, stmt)
		fixLikeEscapes(query, stmt)
		fixSelectNames(query, stmt)
		fixGroupConcatArgs(query, stmt)
	}
	return stmt, err
}

func (p odkuParser) Parse(ctx *sql.Context, query string, multi bool) (ast.Statement, string, string, error) {
	stmt, q, rest, err := p.Parser.Parse(ctx, query, multi)
	if err == nil {
		rewriteOdkuValues(ctx, stmt)
		fixLikeEscapes(query, stmt)
		fixSelectNames(query, stmt)
		fixGroupConcatArgs(query, stmt)
	}
	return stmt, q, rest, err
}

func (p odkuParser) ParseWithOptions(ctx context.Context, query string, delimiter rune, multi bool, options ast.ParserOptions) (ast.Statement, string, string, error) {
	stmt, q, rest, err := p.Parser.ParseWithOptions(ctx, query, delimiter, multi, options)
	if err == nil {
		rewriteOdkuValues(ctx, stmt)
		fixLikeEscapes(query, stmt)
		fixSelectNames(query, stmt)
		fixGroupConcatArgs(query, stmt)
	}
	return stmt, q, rest, err
}

func (p odkuParser) ParseOneWithOptions(ctx context.Context, query string, options ast.ParserOptions) (ast.Statement, int, error) {
	stmt, next, err := p.Parser.ParseOneWithOptions(ctx, query, options)
	if err == nil {
		rewriteOdkuValues(ctx, stmt)
		fixLikeEscapes(query, stmt)
		fixSelectNames(query, stmt)
		fixGroupConcatArgs(query, stmt)
	}
	return stmt, next, err
}

// rewriteOdkuValues rewrites stmt in place if it is an INSERT ... SELECT whose ON
// DUPLICATE KEY UPDATE calls VALUES(). ctx (a *sql.Context, or nil) finds the target's
// columns when the INSERT lists none.
func rewriteOdkuValues(ctx context.Context, stmt ast.Statement) {
	if stmt == nil {
		return
	}
	switch st := stmt.(type) {
	case *ast.Insert:
		rewriteInsert(ctx, st)
	case *ast.DDL, *ast.BeginEndBlock:
		// the INSERTs of a procedure's, trigger's or event's body (ast.Walk does not
		// enter BEGIN ... END)
		eachInsert(reflect.ValueOf(st), func(ins *ast.Insert) { rewriteInsert(ctx, ins) })
	}
}

// eachInsert calls f with every *ast.Insert under v.
func eachInsert(v reflect.Value, f func(*ast.Insert)) { eachNode(v, f) }

// eachNode calls f with every T (a pointer type of the AST) under v, through exported
// fields, pointers, interfaces and slices; it does not look inside a T it found.
func eachNode[T any](v reflect.Value, f func(T)) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		if t, ok := v.Interface().(T); ok {
			f(t)
			return
		}
		eachNode(v.Elem(), f)
	case reflect.Interface:
		if !v.IsNil() {
			eachNode(v.Elem(), f)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				eachNode(v.Field(i), f)
			}
		}
	case reflect.Slice:
		for i := range v.Len() {
			eachNode(v.Index(i), f)
		}
	}
}

func rewriteInsert(ctx context.Context, ins *ast.Insert) {
	if len(ins.OnDup) == 0 {
		return
	}
	sel, ok := ins.Rows.(*ast.Select)
	if !ok {
		return
	}
	var calls []*ast.ValuesFuncExpr
	for _, u := range ins.OnDup {
		_ = ast.Walk(func(n ast.SQLNode) (bool, error) {
			if v, ok := n.(*ast.ValuesFuncExpr); ok && v.Name != nil {
				calls = append(calls, v)
			}
			return true, nil
		}, u.Expr)
	}
	if len(calls) == 0 {
		return
	}
	cols := make([]string, len(ins.Columns))
	for i, c := range ins.Columns {
		cols[i] = c.Lowered()
	}
	targetCols := targetColumns(ctx, ins)
	if targetCols == nil {
		targetCols = cols // (no session: the listed columns are all that is known)
	}
	if len(cols) == 0 {
		cols = targetCols
	}
	if len(cols) == 0 {
		return
	}
	if len(sel.SelectExprs) != len(cols) {
		return
	}
	isTarget := map[string]bool{}
	for _, c := range targetCols {
		isTarget[c] = true
	}
	exprs := make([]*ast.AliasedExpr, len(sel.SelectExprs))
	for i, se := range sel.SelectExprs {
		ae, ok := se.(*ast.AliasedExpr)
		if !ok {
			return // * or t.*
		}
		exprs[i] = ae
	}
	target := strings.ToLower(ins.Table.Name.String())
	repl := map[*ast.ValuesFuncExpr]ast.Expr{}
	for _, v := range calls {
		k := -1
		for i, c := range cols {
			if c == v.Name.Name.Lowered() {
				k = i
			}
		}
		if k < 0 {
			continue // GMS's error
		}
		ae := exprs[k]
		if cn, ok := ae.Expr.(*ast.ColName); ok && ae.As.IsEmpty() {
			q := cn.Qualifier
			if q.Name.IsEmpty() {
				q.Name = onlyTable(sel.From)
			}
			if !q.Name.IsEmpty() && strings.ToLower(q.Name.String()) != target {
				repl[v] = &ast.ColName{Name: cn.Name, Qualifier: q}
				continue
			}
		}
		if ae.As.IsEmpty() || isTarget[ae.As.Lowered()] {
			ae.As = ast.NewColIdent(fmt.Sprintf("dsql_values_%d", k+1))
		}
		repl[v] = &ast.ColName{Name: ae.As}
	}
	for _, u := range ins.OnDup {
		if v, ok := u.Expr.(*ast.ValuesFuncExpr); ok && repl[v] != nil {
			u.Expr = repl[v]
			continue
		}
		replaceValuesCalls(reflect.ValueOf(u.Expr), repl)
	}
}

// onlyTable returns the name (or alias) of from's table if from is one table, else "".
func onlyTable(from ast.TableExprs) ast.TableIdent {
	if len(from) != 1 {
		return ast.TableIdent{}
	}
	at, ok := from[0].(*ast.AliasedTableExpr)
	if !ok {
		return ast.TableIdent{}
	}
	if !at.As.IsEmpty() {
		return at.As
	}
	if tn, ok := at.Expr.(ast.TableName); ok {
		return tn.Name
	}
	return ast.TableIdent{}
}

var exprType = reflect.TypeOf((*ast.Expr)(nil)).Elem()

// replaceValuesCalls sets every ast.Expr field or element under v that holds a key of repl
// to its value.
func replaceValuesCalls(v reflect.Value, repl map[*ast.ValuesFuncExpr]ast.Expr) {
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if !v.IsNil() {
			replaceValuesCalls(v.Elem(), repl)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			replaceIn(v.Field(i), repl)
		}
	case reflect.Slice:
		for i := range v.Len() {
			replaceIn(v.Index(i), repl)
		}
	}
}

func replaceIn(f reflect.Value, repl map[*ast.ValuesFuncExpr]ast.Expr) {
	if f.Type() == exprType && !f.IsNil() && f.CanSet() {
		if vf, ok := f.Interface().(*ast.ValuesFuncExpr); ok {
			if r := repl[vf]; r != nil {
				f.Set(reflect.ValueOf(r))
			}
			return
		}
	}
	if f.CanInterface() {
		replaceValuesCalls(f, repl)
	}
}

// targetColumns returns the lowered names of the INSERT's target table's columns, or nil
// if they cannot be found.
func targetColumns(ctx context.Context, ins *ast.Insert) []string {
	sctx, ok := ctx.(*sql.Context)
	if !ok || sctx == nil || sctx.Session == nil {
		return nil
	}
	ps, ok := sctx.Session.(interface{ Provider() *backend.Provider })
	if !ok || ps.Provider() == nil {
		return nil
	}
	prov := ps.Provider()
	dbName := ins.Table.DbQualifier.String()
	if dbName == "" {
		dbName = sctx.GetCurrentDatabase()
	}
	db, err := prov.Database(sctx, dbName)
	if err != nil {
		return nil
	}
	t, ok, err := db.GetTableInsensitive(sctx, ins.Table.Name.String())
	if err != nil || !ok {
		return nil
	}
	var cols []string
	for _, c := range t.Schema(sctx) {
		if !c.HiddenSystem {
			cols = append(cols, strings.ToLower(c.Name))
		}
	}
	return cols
}
