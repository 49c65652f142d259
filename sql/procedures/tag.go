package procedures

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/merkle/repo"
)

const tagUsage = "dsql_tag([-m MESSAGE [--author 'Name <email>']] NAME [REV] | -d NAME...)"

// tag creates a lightweight tag, an annotated one (-m), or deletes tags (-d).
func tag(ctx *sql.Context, c *config, args []string) (sql.RowIter, error) {
	f := newFlags("dsql_tag", tagUsage)
	messages := f.StringArrayP("message", "m", nil, "make an annotated tag with this message")
	del := f.BoolP("delete", "d", false, "delete tags")
	author := f.String("author", "", "tagger as 'Name <email>'")
	if err := f.parse(args); err != nil {
		return nil, err
	}
	e, err := current(ctx)
	if err != nil {
		return nil, err
	}
	r := e.db.Repo()
	operands := f.Args()
	if *del {
		if len(operands) == 0 {
			return nil, f.usageError("name the tags to delete")
		}
		if len(*messages) > 0 || *author != "" {
			return nil, f.usageError("-d does not take -m or --author")
		}
		for _, name := range operands {
			if err := r.DeleteTag(ctx, name); err != nil {
				if errors.Is(err, repo.ErrTagNotFound) {
					return nil, fmt.Errorf("dsql_tag: tag '%s' not found", name)
				}
				return nil, fmt.Errorf("dsql_tag: %w", err)
			}
		}
		return ok()
	}
	if len(operands) == 0 || len(operands) > 2 {
		return nil, f.usageError("expected NAME [REV], got %d arguments", len(operands))
	}
	if *author != "" && len(*messages) == 0 {
		return nil, f.usageError("--author needs -m (only annotated tags record a tagger)")
	}
	rev := "HEAD"
	if len(operands) == 2 {
		rev = operands[1]
	}
	at, err := e.resolve(ctx, rev)
	if err != nil {
		return nil, fmt.Errorf("dsql_tag: %w", err)
	}
	var tagger *repo.Signature
	msg := strings.Join(*messages, "\n\n")
	if len(*messages) > 0 {
		sig, err := signature(ctx, c, e, *author, time.Time{})
		if err != nil {
			return nil, fmt.Errorf("dsql_tag: %w", err)
		}
		tagger = &sig
	}
	name := operands[0]
	if err := r.CreateTag(ctx, name, at, tagger, msg); err != nil {
		if errors.Is(err, repo.ErrTagExists) {
			return nil, fmt.Errorf("dsql_tag: a tag named '%s' already exists; delete it first (dsql_tag('-d', '%s')) or choose another name", name, name)
		}
		return nil, fmt.Errorf("dsql_tag: %w", err)
	}
	return ok()
}
