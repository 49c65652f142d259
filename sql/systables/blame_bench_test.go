package systables_test

import "testing"

// BenchmarkHistoryAndBlame100k times point queries and a full blame of a 100,000-row
// table whose last commit changed 10 rows.
func BenchmarkHistoryAndBlame100k(b *testing.B) {
	e := bigTableEnv(b, 100_000, 10)
	ctx := e.session()
	for _, q := range []struct{ name, q string }{
		{"history_point", "SELECT * FROM dsql_history_t WHERE id = 20000"},
		{"blame_point", "SELECT * FROM dsql_blame_t WHERE id = 20000"},
		{"blame_all", "SELECT count(*) FROM dsql_blame_t"},
		{"diff_table_limit", "SELECT * FROM dsql_diff LIMIT 5"},
	} {
		b.Run(q.name, func(b *testing.B) {
			for b.Loop() {
				e.rows(ctx, q.q)
			}
		})
	}
}
