package backend

import (
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"
)

// Per-database session variables (values are computed by the session, see
// sql/session): @@<db>_head_ref is the session's branch (settable: it checks the branch
// out), @@<db>_head, @@<db>_working and @@<db>_staged are hashes of the head commit and
// of the working and staged roots, @@<db>_default_branch is the repository's HEAD.
const (
	VarHeadRef       = "_head_ref"
	VarHead          = "_head"
	VarWorking       = "_working"
	VarStaged        = "_staged"
	VarDefaultBranch = "_default_branch"
)

// DatabaseVarSuffixes lists the per-database variable suffixes.
var DatabaseVarSuffixes = []string{VarHeadRef, VarHead, VarWorking, VarStaged, VarDefaultBranch}

// TransactionCommitVar turns every SQL COMMIT into a version commit when on
// (dolt_transaction_commit is an alias).
const TransactionCommitVar = "dsql_transaction_commit"

// TransactionCommitAlias is the Dolt name of TransactionCommitVar.
const TransactionCommitAlias = "dolt_transaction_commit"

// registerVariables declares db's session variables (and dsql's global ones) to GMS, so
// the planner accepts @@<db>_head and friends. Declaring twice is harmless.
func registerVariables(db string) {
	if sql.SystemVariables == nil {
		return
	}
	vars := []sql.SystemVariable{}
	for _, name := range []string{TransactionCommitVar, TransactionCommitAlias} {
		if _, _, ok := sql.SystemVariables.GetGlobal(name); !ok {
			vars = append(vars, &sql.MysqlSystemVariable{
				Name: name, Scope: sql.GetMysqlScope(sql.SystemVariableScope_Both), Dynamic: true,
				Type: types.NewSystemBoolType(name), Default: int8(0),
			})
		}
	}
	for _, suffix := range DatabaseVarSuffixes {
		name := strings.ToLower(db) + suffix
		if _, _, ok := sql.SystemVariables.GetGlobal(name); ok {
			continue
		}
		vars = append(vars, &sql.MysqlSystemVariable{
			Name: name, Scope: sql.GetMysqlScope(sql.SystemVariableScope_Session),
			Dynamic: suffix == VarHeadRef, Type: types.NewSystemStringType(name), Default: "",
		})
	}
	if len(vars) > 0 {
		sql.SystemVariables.AddSystemVariables(vars)
	}
}
