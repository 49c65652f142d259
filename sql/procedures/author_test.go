package procedures_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/stretchr/testify/require"
)

// words formats a row's values separated by spaces.
func words(row sql.Row) string { return strings.TrimSuffix(fmt.Sprintln(row...), "\n") }

// Who signs a commit: --author, else the repository's user.name/user.email config, else
// the configured default author, else the SQL user.
func TestCommitSignature(t *testing.T) {
	who := func(e *env) string {
		rows := e.rows(e.session("a"), "SELECT author, author_email, committer, email FROM dsql_log LIMIT 1")
		return words(rows[0])
	}
	commit := func(e *env, args string) {
		e.exec(e.session("a"), "CALL dsql_commit('--allow-empty', '-m', 'x'"+args+")")
	}

	t.Run("SQL user without config or default", func(t *testing.T) {
		e := newEnvWith(t)
		commit(e, "")
		require.Equal(t, "root root@localhost root root@localhost", who(e))
	})
	t.Run("default author", func(t *testing.T) {
		e := newEnv(t)
		commit(e, "")
		require.Equal(t, "Test Author test@example.com Test Author test@example.com", who(e))
	})
	t.Run("repository config wins over the default", func(t *testing.T) {
		e := newEnv(t)
		db, ok := e.prov.Lookup("mydb")
		require.True(t, ok)
		require.NoError(t, db.Repo().UpdateConfig(context.Background(), func(m map[string]string) error {
			m["user.name"], m["user.email"] = "Config User", "config@example.com"
			return nil
		}))
		commit(e, "")
		require.Equal(t, "Config User config@example.com Config User config@example.com", who(e))
		// --author sets the author; the committer stays the configured user.
		commit(e, ", '--author', 'Ann <ann@example.com>'")
		require.Equal(t, "Ann ann@example.com Config User config@example.com", who(e))
		// An annotated tag's tagger follows the same rule.
		e.exec(e.session("a"), "CALL dsql_tag('-m', 'msg', 'v1')")
		rows := e.rows(e.session("a"), "SELECT tagger, email FROM dsql_tags")
		require.Equal(t, "Config User config@example.com", words(rows[0]))
	})
	t.Run("amend keeps the author", func(t *testing.T) {
		e := newEnv(t)
		commit(e, ", '--author', 'Ann <ann@example.com>'")
		e.exec(e.session("a"), "CALL dsql_commit('--amend', '-m', 'reworded')")
		require.Equal(t, "Ann ann@example.com Test Author test@example.com", who(e))
	})
}
