package procedures

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"
	"github.com/dolthub/go-mysql-server/sql/expression"
	"github.com/dolthub/go-mysql-server/sql/planbuilder"
	"github.com/dolthub/go-mysql-server/sql/transform"
	"github.com/dolthub/vitess/go/vt/sqlparser"

	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/merkle/tuple"
	"github.com/dsqldb/dsql/sql/session"
	"github.com/dsqldb/dsql/sql/typeconv"
)

// checkEvaluator evaluates the CHECK constraints of merged rows (merge.Options.CheckRow)
// with GMS's expressions: each check is built once per schema against a derived table
// of the schema's columns, its column references then bound to the row's positions.
type checkEvaluator struct {
	sctx *sql.Context
	mu   sync.Mutex
	byTS map[string]*compiledChecks
}

type compiledChecks struct {
	sch    repo.Schema
	types  []sql.Type
	exprs  []sql.Expression // nil for a check not enforced
	kd, vd tuple.Desc
}

func newCheckEvaluator(sctx *sql.Context) *checkEvaluator {
	return &checkEvaluator{sctx: sctx, byTS: map[string]*compiledChecks{}}
}

func (ce *checkEvaluator) compile(sch repo.Schema) (*compiledChecks, error) {
	key := sch.Name + "\x00" + fmt.Sprint(sch.Columns, sch.PrimaryKey, sch.Checks)
	ce.mu.Lock()
	defer ce.mu.Unlock()
	if cc, ok := ce.byTS[key]; ok {
		return cc, nil
	}
	cc := &compiledChecks{sch: sch, types: make([]sql.Type, len(sch.Columns)), exprs: make([]sql.Expression, len(sch.Checks))}
	var err error
	if cc.kd, err = sch.KeyDesc(); err != nil {
		return nil, err
	}
	if cc.vd, err = sch.ValueDesc(); err != nil {
		return nil, err
	}
	var cols []string
	for i, c := range sch.Columns {
		if cc.types[i], err = typeconv.TypeFor(c.SQLType); err != nil {
			return nil, err
		}
		cols = append(cols, "NULL AS `"+strings.ReplaceAll(c.Name, "`", "``")+"`")
	}
	var cat sql.Catalog
	if s, ok := ce.sctx.Session.(*session.Session); ok && s.Provider() != nil {
		cat = analyzer.NewCatalog(s.Provider(), sql.EngineOverrides{})
	}
	for i, ck := range sch.Checks {
		if !ck.Enforced {
			continue
		}
		q := "SELECT (" + ck.Expr + ") FROM (SELECT " + strings.Join(cols, ", ") + ") AS t"
		stmt, err := sqlparser.Parse(q)
		if err != nil {
			return nil, fmt.Errorf("check %s: %w", ck.Name, err)
		}
		sel, ok := stmt.(*sqlparser.Select)
		if !ok || len(sel.SelectExprs) != 1 || len(sel.From) != 1 {
			return nil, fmt.Errorf("check %s: cannot parse %q", ck.Name, ck.Expr)
		}
		ae, ok := sel.SelectExprs[0].(*sqlparser.AliasedExpr)
		if !ok {
			return nil, fmt.Errorf("check %s: cannot parse %q", ck.Name, ck.Expr)
		}
		e, err := buildScalar(ce.sctx, cat, ae.Expr, sel.From[0])
		if err != nil {
			return nil, fmt.Errorf("check %s: %w", ck.Name, err)
		}
		e, _, err = transform.Expr(ce.sctx, e, func(_ *sql.Context, e sql.Expression) (sql.Expression, transform.TreeIdentity, error) {
			gf, ok := e.(*expression.GetField)
			if !ok {
				return e, transform.SameTree, nil
			}
			o := sch.Column(gf.Name())
			if o < 0 {
				return nil, transform.SameTree, fmt.Errorf("no column %q", gf.Name())
			}
			return expression.NewGetField(o, cc.types[o], sch.Columns[o].Name, true), transform.NewTree, nil
		})
		if err != nil {
			return nil, fmt.Errorf("check %s: %w", ck.Name, err)
		}
		cc.exprs[i] = e
	}
	ce.byTS[key] = cc
	return cc, nil
}

// buildScalar builds expr over the derived table from, turning the builder's panics
// (its way of reporting errors) into errors.
func buildScalar(ctx *sql.Context, cat sql.Catalog, expr sqlparser.Expr, from sqlparser.TableExpr) (e sql.Expression, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	b := planbuilder.New(ctx, cat, nil)
	return b.BuildScalarWithTable(expr, from), nil
}

// CheckRow implements merge.Options.CheckRow.
func (ce *checkEvaluator) CheckRow(_ context.Context, sch repo.Schema, key, val []byte) ([]int, error) {
	cc, err := ce.compile(sch)
	if err != nil {
		return nil, err
	}
	row := make(sql.Row, len(sch.Columns))
	inKey := map[int]int{}
	for p, o := range sch.PrimaryKey {
		inKey[o] = p
	}
	v := 0
	if sch.Keyless() {
		v = 1
	}
	for o := range sch.Columns {
		if p, ok := inKey[o]; ok {
			row[o], err = typeconv.GetValue(cc.kd, key, p, cc.types[o])
		} else {
			row[o], err = typeconv.GetValue(cc.vd, val, v, cc.types[o])
			v++
		}
		if err != nil {
			return nil, err
		}
	}
	var out []int
	for i, e := range cc.exprs {
		if e == nil {
			continue
		}
		res, err := e.Eval(ce.sctx, row)
		if err != nil {
			return nil, err
		}
		if res == nil {
			continue
		}
		if ok, err := sql.ConvertToBool(ce.sctx, res); err == nil && !ok {
			out = append(out, i)
		}
	}
	return out, nil
}
