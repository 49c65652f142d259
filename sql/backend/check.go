package backend

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/merkle/repo"
)

// CHECK constraints are stored in repo.Schema.Checks (name, expression text, enforced)
// and versioned with the schema. GMS parses them from GetChecks and evaluates them on
// INSERT and UPDATE, and checks existing rows before CreateCheck.

var (
	_ sql.CheckTable          = (*Table)(nil)
	_ sql.CheckAlterableTable = (*Table)(nil)
)

// GetChecks implements sql.CheckTable.
func (t *Table) GetChecks(*sql.Context) ([]sql.CheckDefinition, error) {
	out := make([]sql.CheckDefinition, len(t.meta.rsch.Checks))
	for i, c := range t.meta.rsch.Checks {
		out[i] = sql.CheckDefinition{Name: c.Name, CheckExpression: c.Expr, Enforced: c.Enforced}
	}
	return out, nil
}

// CreateCheck implements sql.CheckAlterableTable. An unnamed check gets the name
// <table>_chk_<n>, as in MySQL.
func (t *Table) CreateCheck(ctx *sql.Context, check *sql.CheckDefinition) error {
	return t.alterSchema(ctx, func(rs *repo.Schema) error {
		name := check.Name
		if name == "" {
			for n := 1; ; n++ {
				name = fmt.Sprintf("%s_chk_%d", rs.Name, n)
				if findCheck(rs.Checks, name) < 0 {
					break
				}
			}
		}
		if findCheck(rs.Checks, name) >= 0 {
			return sql.ErrDuplicateCheckName.New(name)
		}
		rs.Checks = append(rs.Checks, repo.Check{Name: name, Expr: check.CheckExpression, Enforced: check.Enforced})
		return nil
	})
}

// DropCheck implements sql.CheckAlterableTable.
func (t *Table) DropCheck(ctx *sql.Context, name string) error {
	return t.alterSchema(ctx, func(rs *repo.Schema) error {
		i := findCheck(rs.Checks, name)
		if i < 0 {
			return fmt.Errorf("check '%s' was not found on the table", name)
		}
		rs.Checks = slices.Delete(rs.Checks, i, i+1)
		return nil
	})
}

func findCheck(cs []repo.Check, name string) int {
	return slices.IndexFunc(cs, func(c repo.Check) bool { return strings.EqualFold(c.Name, name) })
}
