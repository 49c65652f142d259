package server

import (
	"reflect"
	"strings"

	ast "github.com/dolthub/vitess/go/vt/sqlparser"
)

// Names in HAVING, and ORDER BY positions under DISTINCT.
//
// HAVING: MySQL resolves an unqualified name in HAVING (outside an aggregate's
// arguments) by the SELECT list first: `SELECT a, SUM(v) AS v FROM t GROUP BY a HAVING
// v > 3` keeps the groups whose SUM(v) is above 3. Only a GROUP BY column of the same
// name goes before the alias. GMS resolved the name to the table's column v and
// returned other groups, without an error. fixSelectNames replaces each such name with
// a copy of the aliased expression (HAVING SUM(v) > 3), which GMS resolves as MySQL
// does. Left as they are: names inside an aggregate's arguments (the table's columns,
// in MySQL too), qualified names, names a GROUP BY lists as a column, and aliases of
// expressions holding a subquery or a window function (their copy would be evaluated
// again).
//
// ORDER BY n under DISTINCT: MySQL sorts by the n-th SELECT expression; GMS failed with
// "unable to find field with index" when that expression is not a plain column
// (`SELECT DISTINCT YEAR(d) FROM t ORDER BY 1`). fixSelectNames replaces the position
// with the expression's alias, or with a copy of the expression, which GMS sorts by.
//
// Both are rewrites of the parsed statement, made by odkuParser on every statement it
// returns (in subqueries, unions, CTEs and routine bodies too). TestHavingAlias,
// TestDistinctOrderByPosition.
func fixSelectNames(query string, stmt ast.Statement) {
	if stmt == nil {
		return
	}
	having := containsFold(query, "having")
	distinct := containsFold(query, "distinct") && containsFold(query, "order")
	if !having && !distinct {
		return
	}
	eachSelect(reflect.ValueOf(stmt), func(sel *ast.Select) {
		if having && sel.Having != nil {
			fixHavingNames(sel)
		}
		if distinct && sel.QueryOpts.Distinct && len(sel.OrderBy) > 0 {
			fixOrderPositions(sel)
		}
	})
}

// eachSelect calls f with every *ast.Select under v, nested ones included (eachNode
// stops at the first it finds).
func eachSelect(v reflect.Value, f func(*ast.Select)) {
	eachNode(v, func(sel *ast.Select) {
		f(sel)
		e := reflect.ValueOf(sel).Elem()
		for i := range e.NumField() {
			if e.Type().Field(i).IsExported() {
				eachSelect(e.Field(i), f)
			}
		}
	})
}

// fixHavingNames replaces the names of sel's HAVING that MySQL resolves to a SELECT
// alias (see above) with copies of the aliased expressions.
func fixHavingNames(sel *ast.Select) {
	aliases := map[string]ast.Expr{}
	for _, se := range sel.SelectExprs {
		ae, ok := se.(*ast.AliasedExpr)
		if !ok || ae.As.IsEmpty() {
			continue
		}
		name := ae.As.Lowered()
		if _, dup := aliases[name]; dup {
			aliases[name] = nil // ambiguous: leave it to GMS
			continue
		}
		if cn, ok := ae.Expr.(*ast.ColName); ok && cn.Name.Lowered() == name {
			aliases[name] = nil // `v AS v`: the column anyway
			continue
		}
		if copyable(ae.Expr) {
			aliases[name] = ae.Expr
		} else {
			aliases[name] = nil
		}
	}
	if len(aliases) == 0 {
		return
	}
	for _, g := range sel.GroupBy {
		if cn, ok := g.(*ast.ColName); ok {
			delete(aliases, cn.Name.Lowered())
		}
	}
	replaceHavingNames(reflect.ValueOf(&sel.Having.Expr).Elem(), func(cn *ast.ColName) ast.Expr {
		if !cn.Qualifier.IsEmpty() || cn.StoredProcVal != nil {
			return nil
		}
		if e := aliases[cn.Name.Lowered()]; e != nil {
			return cloneExpr(e)
		}
		return nil
	})
}

// replaceHavingNames sets each ast.Expr under v (a settable value) that holds a
// *ast.ColName to repl's result for it, where that is not nil. It does not enter
// aggregates' arguments or subqueries.
func replaceHavingNames(v reflect.Value, repl func(*ast.ColName) ast.Expr) {
	switch v.Kind() {
	case reflect.Interface:
		if v.IsNil() {
			return
		}
		switch x := v.Elem().Interface().(type) {
		case *ast.ColName:
			if r := repl(x); r != nil && v.CanSet() {
				v.Set(reflect.ValueOf(r))
			}
			return
		case *ast.FuncExpr:
			if x.IsAggregate() {
				return
			}
		case *ast.GroupConcatExpr, *ast.Subquery:
			return
		}
		replaceHavingNames(v.Elem(), repl)
	case reflect.Pointer:
		if !v.IsNil() {
			replaceHavingNames(v.Elem(), repl)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				replaceHavingNames(v.Field(i), repl)
			}
		}
	case reflect.Slice:
		for i := range v.Len() {
			replaceHavingNames(v.Index(i), repl)
		}
	}
}

// fixOrderPositions replaces each ORDER BY position of sel, a SELECT DISTINCT, with its
// SELECT expression's alias or a copy of the expression.
func fixOrderPositions(sel *ast.Select) {
	for _, o := range sel.OrderBy {
		v, ok := o.Expr.(*ast.SQLVal)
		if !ok || v.Type != ast.IntVal {
			continue
		}
		n := 0
		for _, c := range v.Val {
			if c < '0' || c > '9' || n > len(sel.SelectExprs) {
				n = 0
				break
			}
			n = n*10 + int(c-'0')
		}
		if n < 1 || n > len(sel.SelectExprs) {
			continue // out of range: GMS reports it
		}
		ae, ok := sel.SelectExprs[n-1].(*ast.AliasedExpr)
		if !ok {
			continue // *: GMS's
		}
		switch {
		case !ae.As.IsEmpty():
			o.Expr = ast.NewColName(ae.As.String())
		case copyable(ae.Expr):
			o.Expr = cloneExpr(ae.Expr)
		}
	}
}

// copyable reports whether e holds no subquery and no window function, so that a copy
// of it computes the same value without running anything twice.
func copyable(e ast.Expr) bool {
	ok := true
	eachNode(reflect.ValueOf(e), func(*ast.Subquery) { ok = false })
	return ok && !hasWindowFunc(e)
}

// hasWindowFunc reports whether a function under e (nested in another one's arguments
// too) has an OVER clause.
func hasWindowFunc(e ast.Expr) bool {
	found := false
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		eachNode(v, func(f *ast.FuncExpr) {
			if f.Over != nil {
				found = true
			}
			walk(reflect.ValueOf(f.Exprs))
		})
	}
	walk(reflect.ValueOf(e))
	return found
}

// cloneExpr returns a deep copy of e: the plan builder may keep or change the nodes it
// reads, and the copy must not share them with the SELECT list.
func cloneExpr(e ast.Expr) ast.Expr {
	return deepCopy(reflect.ValueOf(e)).Interface().(ast.Expr)
}

// deepCopy copies v, through pointers, interfaces, slices and exported struct fields
// (unexported ones are copied as they are).
func deepCopy(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		n := reflect.New(v.Type().Elem())
		n.Elem().Set(deepCopy(v.Elem()))
		return n
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		n := reflect.New(v.Type()).Elem()
		n.Set(deepCopy(v.Elem()))
		return n
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		n := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			n.Index(i).Set(deepCopy(v.Index(i)))
		}
		return n
	case reflect.Struct:
		n := reflect.New(v.Type()).Elem()
		n.Set(v)
		for i := range n.NumField() {
			if n.Type().Field(i).IsExported() {
				n.Field(i).Set(deepCopy(v.Field(i)))
			}
		}
		return n
	}
	return v
}

// containsFold reports whether s holds word, a lower-case ASCII word, in any letter
// case.
func containsFold(s, word string) bool {
	first := word[0]
	for i := 0; i+len(word) <= len(s); i++ {
		if s[i]|0x20 == first && strings.EqualFold(s[i:i+len(word)], word) {
			return true
		}
	}
	return false
}
