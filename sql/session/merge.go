package session

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/merkle/merge"
	"github.com/dsqldb/dsql/merkle/prolly"
	"github.com/dsqldb/dsql/merkle/repo"
)

// maxCommitAttempts bounds the compare-and-swap retries of one commit against concurrent
// commits of other sessions.
const maxCommitAttempts = 100

func sortStrings(s []string) { sort.Strings(s) }

// commitDB moves the branch's working set to the transaction's root: a plain
// compare-and-swap if nobody committed since the snapshot, otherwise a three-way merge of
// roots (base = snapshot, ours = the branch's current working root, theirs = this
// transaction's root) swapped in; on a lost race, merge again against the newer state.
// The UpdateWorkingSet is one synced storage.Commit: the durability point.
func commitDB(ctx *sql.Context, st *dbTx) error {
	r := st.db.Repo()
	branch := st.branch
	for range maxCommitAttempts {
		cur, err := workingSets.load(ctx, r, branch)
		if err != nil {
			return err
		}
		next, err := st.mergeInto(ctx, cur)
		if err != nil {
			return err
		}
		err = r.UpdateWorkingSet(ctx, branch, cur, next)
		if errors.Is(err, repo.ErrConflict) {
			continue
		}
		if err != nil {
			return fmt.Errorf("session: committing to database %q: %w", st.db.Name(), err)
		}
		workingSets.put(r, branch, next)
		return nil
	}
	return sql.ErrLockDeadlock.New(fmt.Sprintf("database %q: gave up after %d concurrent commits", st.db.Name(), maxCommitAttempts))
}

// changed reports whether the transaction changed the database's working or staged root
// or its branch's merge state.
func (st *dbTx) changed() bool {
	return st.root.Hash() != st.snapshot.Working().Hash() || st.staged.Hash() != st.snapshot.Staged().Hash() ||
		st.mergeChanged()
}

// mergeInto returns the branch's current working set cur with the transaction's changes
// (since its snapshot) to the working and staged roots and to the merge state
// (withMergeState) merged in three-way.
func (st *dbTx) mergeInto(ctx *sql.Context, cur repo.WorkingSet) (repo.WorkingSet, error) {
	working, err := mergeRoot(ctx, st.snapshot.Working(), cur.Working(), st.root)
	if err != nil {
		return repo.WorkingSet{}, err
	}
	staged, err := mergeRoot(ctx, st.snapshot.Staged(), cur.Staged(), st.staged)
	if err != nil {
		return repo.WorkingSet{}, err
	}
	return st.withMergeState(ctx, cur, cur.WithWorking(working).WithStaged(staged))
}

// mergeRoot merges the change base -> ours into the current root cur, taking shortcuts
// when either side did not change.
func mergeRoot(ctx *sql.Context, base, cur, ours repo.Root) (repo.Root, error) {
	switch {
	case ours.Hash() == base.Hash():
		return cur, nil
	case cur.Hash() == base.Hash():
		return ours, nil
	}
	return MergeRoots(ctx, base, cur, ours)
}

func deadlock(format string, args ...any) error {
	return sql.ErrLockDeadlock.New(fmt.Sprintf(format, args...))
}

// MergeRoots merges theirs into ours three-way against base, table by table:
//
//   - a table changed (created, dropped, rows or schema) on one side only takes that
//     side's version;
//   - a table whose rows both sides changed, with the same schema on all three sides, has
//     its rows merged with prolly.Merge; a row both sides changed differently is a
//     collision: MySQL error 1213 (sql.ErrLockDeadlock), nothing is applied; so is a row
//     both sides inserted or updated to the same value (see checkConvergent), while a row
//     both sides deleted is merged;
//     AUTO_INCREMENT counters take the larger value;
//   - anything else (both sides changed the schema, created the same table differently,
//     or one dropped a table the other changed) is error 1213 too, for now.
//
// Keyless tables merge by counts: the change of each row's count from base to theirs is
// added to ours, so concurrent inserts of equal rows both survive.
// Foreign keys merge three-way by name (mergeForeignKeys).
func MergeRoots(ctx *sql.Context, base, ours, theirs repo.Root) (repo.Root, error) {
	names := map[string]string{}
	for _, r := range []repo.Root{base, ours, theirs} {
		for _, n := range r.TableNames() {
			names[strings.ToLower(n)] = n
		}
	}
	keys := make([]string, 0, len(names))
	for k := range names {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := ours
	for _, k := range keys {
		bh, inB := base.TableHash(k)
		oh, inO := ours.TableHash(k)
		th, inT := theirs.TableHash(k)
		same := func(h1 hash.Hash, in1 bool, h2 hash.Hash, in2 bool) bool { return in1 == in2 && h1 == h2 }
		switch {
		case same(bh, inB, th, inT):
			continue // theirs did not change it
		case same(oh, inO, th, inT) && !(inB && inO && inT):
			continue // both created it identically, or both dropped it
		case same(bh, inB, oh, inO):
			var err error
			if inT {
				t, _, terr := theirs.Table(ctx, k)
				if terr != nil {
					return repo.Root{}, terr
				}
				if inO && !strings.EqualFold(names[k], t.Name()) {
					return repo.Root{}, deadlock("table %q was renamed concurrently", names[k])
				}
				if inO {
					out, err = out.RemoveTable(ctx, k)
					if err != nil {
						return repo.Root{}, err
					}
				}
				out, err = out.PutTable(ctx, t)
			} else {
				out, err = out.RemoveTable(ctx, k)
			}
			if err != nil {
				return repo.Root{}, err
			}
			continue
		}
		if !inB && inO && inT {
			// Both sides created the table. With the same schema their rows merge as if
			// base had it empty (e.g. two sessions' first CREATE VIEW both create
			// dsql_schemas); otherwise it is a conflict below.
			merged, ok, err := mergeCreatedTwice(ctx, ours, theirs, k)
			if err != nil {
				return repo.Root{}, err
			}
			if ok {
				if out, err = out.PutTable(ctx, merged); err != nil {
					return repo.Root{}, err
				}
				continue
			}
		}
		if !inB || !inO || !inT {
			return repo.Root{}, deadlock("table %q was created or dropped by a concurrent transaction that also changed it", names[k])
		}
		bt, _, err := base.Table(ctx, k)
		if err != nil {
			return repo.Root{}, err
		}
		ot, _, err := ours.Table(ctx, k)
		if err != nil {
			return repo.Root{}, err
		}
		tt, _, err := theirs.Table(ctx, k)
		if err != nil {
			return repo.Root{}, err
		}
		if bt.SchemaHash() != ot.SchemaHash() || bt.SchemaHash() != tt.SchemaHash() {
			return repo.Root{}, deadlock("table %q: its schema was changed by a concurrent transaction", names[k])
		}
		mt, err := mergeTable(ctx, bt, ot, tt)
		if err != nil {
			return repo.Root{}, err
		}
		if out, err = out.PutTable(ctx, mt); err != nil {
			return repo.Root{}, err
		}
	}
	return mergeForeignKeys(ctx, base, ours, theirs, out)
}

func mergeTable(ctx *sql.Context, base, ours, theirs repo.Table) (repo.Table, error) {
	name := ours.Name()
	var rows prolly.Map
	var err error
	if ours.Schema().Keyless() {
		rows, _, err = merge.MergeKeylessCounts(ctx, base.Rows(), ours.Rows(), theirs.Rows(), ours.ValueDesc(), true)
		if errors.Is(err, merge.ErrNegativeCount) {
			err = deadlock("table %q: a row was deleted by this and a concurrent transaction", name)
		}
	} else {
		var st prolly.MergeStats
		rows, st, err = prolly.Merge(ctx, base.Rows(), ours.Rows(), theirs.Rows(), func(c prolly.Collision) (prolly.Resolution, error) {
			return prolly.Resolution{}, deadlock("table %q: a row was changed by this and a concurrent transaction", name)
		})
		if err == nil && (st.Convergent > 0 || ours.Rows().Hash() == theirs.Rows().Hash()) {
			err = checkConvergent(ctx, name, base.Rows(), ours.Rows(), theirs.Rows())
		}
	}
	if err != nil {
		return repo.Table{}, err
	}
	t, err := ours.WithRows(ctx, rows)
	if err != nil {
		return repo.Table{}, err
	}
	if t, err = mergeIndexes(ctx, t, base, ours, theirs); err != nil {
		return repo.Table{}, err
	}
	if ai := max(ours.AutoIncrement(), theirs.AutoIncrement()); ai != t.AutoIncrement() {
		return t.WithAutoIncrement(ctx, ai)
	}
	return t, nil
}

// checkConvergent fails with 1213 if a row that theirs inserted or updated was also
// inserted or updated by ours, even to the same value. prolly.Merge accepts such
// convergent changes, but for transactions they hide lost updates: two transactions that
// each run UPDATE t SET v = v + 1 on the same row from the same snapshot write the same
// new row, and only one increment would survive. A row both sides deleted is fine (the
// same outcome as running them one after the other). The cost is proportional to
// theirs' changes, and it only runs when Merge reported a convergent change.
func checkConvergent(ctx *sql.Context, name string, base, ours, theirs prolly.Map) error {
	d, err := prolly.DiffMaps(ctx, base, theirs)
	if err != nil {
		return err
	}
	for {
		df, err := d.Next(ctx)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if df.Type == prolly.Removed {
			continue
		}
		v, found, err := ours.Get(ctx, df.Key)
		if err != nil {
			return err
		}
		if found && bytes.Equal(v, df.To) { // ours changed it too, identically
			return deadlock("table %q: a row was changed by this and a concurrent transaction", name)
		}
	}
}

// mergeCreatedTwice merges table k created by both ours and theirs (absent in base): if
// the two have the same name and schema, their rows are merged three-way against an
// empty table of that schema; ok=false if they differ.
func mergeCreatedTwice(ctx *sql.Context, ours, theirs repo.Root, k string) (repo.Table, bool, error) {
	ot, _, err := ours.Table(ctx, k)
	if err != nil {
		return repo.Table{}, false, err
	}
	tt, _, err := theirs.Table(ctx, k)
	if err != nil {
		return repo.Table{}, false, err
	}
	if ot.SchemaHash() != tt.SchemaHash() || ot.Name() != tt.Name() {
		return repo.Table{}, false, nil
	}
	bt, err := repo.NewTable(ctx, ours.NodeStore(), ot.Schema())
	if err != nil {
		return repo.Table{}, false, err
	}
	mt, err := mergeTable(ctx, bt, ot, tt)
	return mt, err == nil, err
}
