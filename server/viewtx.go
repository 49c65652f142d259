package server

import (
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/transform"
)

// viewReadRuleID names the analyzer rule added by fixViewReadCommits.
const viewReadRuleID analyzer.RuleId = 1_000_002

// fixViewReadCommits adds to a's last batch a rule that keeps a statement reading a view
// from committing the transaction.
//
// GMS resolves a view by binding its stored CREATE VIEW statement, and binding a CREATE
// marks the whole query as DDL (sql.QFlagDDL), which makes the query's iterator commit
// the transaction when it closes, as a real DDL statement does. So SELECT ... FROM view,
// SHOW CREATE TABLE view or INSERT ... SELECT ... FROM view inside BEGIN ... ROLLBACK
// committed the transaction (and dropped its savepoints: mysqldump --single-transaction
// failed on ROLLBACK TO SAVEPOINT). The rule clears the flag when the statement being run
// is not DDL, which it tells from the statement's first keyword (ctx.Query(): set for
// every statement a client sends; a context without a query keeps GMS's behaviour).
func fixViewReadCommits(a *analyzer.Analyzer) {
	last := a.Batches[len(a.Batches)-1]
	rules := append([]analyzer.Rule(nil), last.Rules...) // the slice may be shared
	last.Rules = append(rules, analyzer.Rule{Id: viewReadRuleID, Apply: clearViewDDLFlag})
}

func clearViewDDLFlag(ctx *sql.Context, _ *analyzer.Analyzer, n sql.Node, _ *plan.Scope, _ analyzer.RuleSelector, qFlags *sql.QueryFlags) (sql.Node, transform.TreeIdentity, error) {
	if qFlags.IsSet(sql.QFlagDDL) && !isDDLKeyword(firstKeyword(ctx.Query())) {
		qFlags.Unset(sql.QFlagDDL)
	}
	return n, transform.SameTree, nil
}

// isDDLKeyword reports whether a statement starting with keyword kw (upper case) may be
// DDL, i.e. is not one of the statements that only read or change rows: SELECT, WITH,
// TABLE, VALUES, SHOW, DESCRIBE, DESC, EXPLAIN, INSERT, REPLACE, UPDATE, DELETE, SET, DO.
// An unknown or empty keyword may be DDL.
func isDDLKeyword(kw string) bool {
	switch kw {
	case "SELECT", "WITH", "TABLE", "VALUES", "SHOW", "DESCRIBE", "DESC", "EXPLAIN",
		"INSERT", "REPLACE", "UPDATE", "DELETE", "SET", "DO":
		return false
	}
	return true
}

// firstKeyword returns the first word of the statement query, in upper case, skipping
// white space, opening parentheses, comments and the version prefix of MySQL executable
// comments (/*!80000 ... */, whose contents are SQL); "" if there is none.
func firstKeyword(query string) string {
	i, n := 0, len(query)
	for i < n {
		c := query[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '(':
			i++
		case c == '#' || c == '-' && i+1 < n && query[i+1] == '-':
			i = skipLine(query, i)
		case c == '/' && i+1 < n && query[i+1] == '*':
			if i+2 < n && query[i+2] == '!' {
				i += 3
				for i < n && query[i] >= '0' && query[i] <= '9' {
					i++
				}
				continue
			}
			end := strings.Index(query[i+2:], "*/")
			if end < 0 {
				return ""
			}
			i += 2 + end + 2
		default:
			j := i
			for j < n && (query[j] >= 'a' && query[j] <= 'z' || query[j] >= 'A' && query[j] <= 'Z' || query[j] == '_') {
				j++
			}
			return strings.ToUpper(query[i:j])
		}
	}
	return ""
}
