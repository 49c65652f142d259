package session

import (
	"strings"

	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/sql/backend"
)

// GetSessionVariable overrides sql.BaseSession's: the per-database variables
// (@@<db>_head_ref, _head, _working, _staged, _default_branch) are computed from the
// session's state, and dsql's own variables declared after the session started read
// their global value.
func (s *Session) GetSessionVariable(ctx *sql.Context, name string) (any, error) {
	if v, ok, err := s.databaseVariable(ctx, name); ok || err != nil {
		return v, err
	}
	v, err := s.BaseSession.GetSessionVariable(ctx, name)
	if err != nil && sql.ErrUnknownSystemVariable.Is(err) && sql.SystemVariables != nil {
		if _, gv, ok := sql.SystemVariables.GetGlobal(name); ok {
			return gv, nil
		}
	}
	return v, err
}

// SetSessionVariable overrides sql.BaseSession's: setting @@<db>_head_ref checks out that
// branch (as dsql_checkout does); the other per-database variables are read-only.
func (s *Session) SetSessionVariable(ctx *sql.Context, name string, value any) error {
	if db, suffix, ok := s.splitDatabaseVariable(ctx, name); ok {
		if suffix != backend.VarHeadRef {
			return sql.ErrSystemVariableReadOnly.New(name)
		}
		branch, _ := value.(string)
		branch = strings.TrimPrefix(branch, "refs/heads/")
		if _, err := db.Repo().Branch(ctx, branch); err != nil {
			return err
		}
		if err := s.EndTransaction(ctx); err != nil {
			return err
		}
		s.SetCheckedOut(db.BaseName(), branch)
		return nil
	}
	return s.BaseSession.SetSessionVariable(ctx, name, value)
}

func (s *Session) splitDatabaseVariable(ctx *sql.Context, name string) (*backend.Database, string, bool) {
	if s.provider == nil {
		return nil, "", false
	}
	lower := strings.ToLower(name)
	for _, suffix := range backend.DatabaseVarSuffixes {
		base, ok := strings.CutSuffix(lower, suffix)
		if !ok || base == "" {
			continue
		}
		if db, ok := s.provider.Lookup(base); ok {
			return db, suffix, true
		}
	}
	return nil, "", false
}

func (s *Session) databaseVariable(ctx *sql.Context, name string) (any, bool, error) {
	db, suffix, ok := s.splitDatabaseVariable(ctx, name)
	if !ok {
		return nil, false, nil
	}
	switch suffix {
	case backend.VarDefaultBranch:
		b, err := db.Repo().Head(ctx)
		return b, true, err
	case backend.VarHeadRef:
		b, err := db.Branch(ctx)
		if err != nil {
			return nil, true, err
		}
		return "refs/heads/" + b, true, nil
	case backend.VarHead:
		c, err := s.Head(ctx, db)
		if err != nil {
			return nil, true, err
		}
		return c.Hash().String(), true, nil
	}
	working, staged, _, err := s.Roots(ctx, db)
	if err != nil {
		return nil, true, err
	}
	if suffix == backend.VarWorking {
		return working.Hash().String(), true, nil
	}
	return staged.Hash().String(), true, nil
}
