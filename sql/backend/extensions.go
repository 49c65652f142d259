package backend

import (
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
)

// Extensions are the parts of dsql's SQL surface that live above this package (system
// tables in sql/systables, procedures in sql/procedures, table functions), plugged into
// the Provider by whoever builds the engine (server.NewEngine).
type Extensions struct {
	// SystemTable returns the system table name of db (dsql_log, dolt_log, ...), or false
	// if name is not one. Consulted before the user's tables.
	SystemTable func(ctx *sql.Context, db *Database, name string) (sql.Table, bool, error)
	// Procedures serves the dsql_ stored procedures.
	Procedures sql.ExternalStoredProcedureProvider
	// TableFunctions are the table functions (dsql_log(), dsql_diff(), ...).
	TableFunctions []sql.TableFunction
}

var (
	_ sql.ExternalStoredProcedureProvider = (*Provider)(nil)
	_ sql.TableFunctionProvider           = (*Provider)(nil)
)

// ExternalStoredProcedure implements sql.ExternalStoredProcedureProvider.
func (p *Provider) ExternalStoredProcedure(ctx *sql.Context, name string, numOfParams int) (*sql.ExternalStoredProcedureDetails, error) {
	if p.opts.Extensions.Procedures == nil {
		return nil, nil
	}
	return p.opts.Extensions.Procedures.ExternalStoredProcedure(ctx, name, numOfParams)
}

// ExternalStoredProcedures implements sql.ExternalStoredProcedureProvider.
func (p *Provider) ExternalStoredProcedures(ctx *sql.Context, name string) ([]sql.ExternalStoredProcedureDetails, error) {
	if p.opts.Extensions.Procedures == nil {
		return nil, nil
	}
	return p.opts.Extensions.Procedures.ExternalStoredProcedures(ctx, name)
}

// TableFunction implements sql.TableFunctionProvider.
func (p *Provider) TableFunction(ctx *sql.Context, name string) (sql.TableFunction, bool) {
	for _, f := range p.opts.Extensions.TableFunctions {
		if strings.EqualFold(f.Name(), name) {
			return f, true
		}
	}
	return nil, false
}

// WithTableFunctions implements sql.TableFunctionProvider.
func (p *Provider) WithTableFunctions(fns ...sql.TableFunction) (sql.TableFunctionProvider, error) {
	q := &Provider{opts: p.opts}
	q.opts.Extensions.TableFunctions = fns
	q.mu.dbs = p.mu.dbs
	return q, nil
}
