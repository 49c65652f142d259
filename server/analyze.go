package server

import (
	"github.com/dolthub/go-mysql-server/sql"
)

// emptyTableStats is the engine's statistics provider (GMS's in-memory one) with
// ANALYZE TABLE of a table without rows answered without it: GMS's histogram builder
// divides by the number of sampled rows and panicked ("integer divide by zero", the
// statement failing with 1105; mysqlcheck --analyze stopped at the first empty table).
// MySQL reports `status OK`; the table's old statistics are dropped, as a table with no
// rows has none. TestAnalyzeEmptyTable.
type emptyTableStats struct {
	sql.StatsProvider
}

// AnalyzeTable implements sql.StatsProvider.
func (p emptyTableStats) AnalyzeTable(ctx *sql.Context, table sql.Table, db string) error {
	if st, ok := table.(sql.StatisticsTable); ok {
		n, _, err := st.RowCount(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			stats, err := p.StatsProvider.GetTableStats(ctx, "", db, table)
			if err != nil {
				return err
			}
			for _, s := range stats {
				if err := p.StatsProvider.DropStats(ctx, s.Qualifier(), s.Columns()); err != nil {
					return err
				}
			}
			return nil
		}
	}
	return p.StatsProvider.AnalyzeTable(ctx, table, db)
}
