package procedures

import (
	"fmt"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/merkle/merge"
	"github.com/dsqldb/dsql/merkle/repo"
)

// revertKind is dsql_revert: undo each commit's change (merkle/merge.Revert), as a new
// commit by the committer with git's message.
var revertKind = pickKind{
	proc: "dsql_revert", usage: revertUsage,
	apply: func(ctx *sql.Context, r *repo.Repo, ours repo.Root, c repo.Commit, opts merge.Options) (merge.Pick, error) {
		return merge.Revert(ctx, r, ours, c, opts)
	},
	message: revertMessage,
}

// revertMessage is git's: Revert "<subject>", then "This reverts commit <hash>.".
func revertMessage(c repo.Commit) string {
	subject, _, _ := strings.Cut(c.Message(), "\n")
	return fmt.Sprintf("Revert %q\n\nThis reverts commit %s.", subject, c.Hash())
}
