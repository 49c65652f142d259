package systables_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dsqldb/dsql/merkle/repo"
)

// TestRangeLogStopsAtSharedHistory: feature..main reads the commits it lists and about as
// many of the excluded side, not the long history the two branches share.
func TestRangeLogStopsAtSharedHistory(t *testing.T) {
	e := newEnv(t)
	e.appendCommits("main", 2000)
	e.branch("feature", "main")
	e.appendCommits("main", 3)
	e.appendCommits("feature", 2)
	ctx := e.session()
	e.store.commitReads.Store(0)
	require.Len(t, e.rows(ctx, "SELECT * FROM dsql_log('feature..main')"), 3)
	require.LessOrEqual(t, e.store.commitReads.Load(), int64(20))
	e.store.commitReads.Store(0)
	require.Len(t, e.rows(ctx, "SELECT * FROM dsql_log('main...feature')"), 5)
	require.LessOrEqual(t, e.store.commitReads.Load(), int64(40))
}

// TestRangeLogMatchesModel compares dsql_log('a', 'b', ['c...d',] '^e', ...) on random
// histories with merges (criss-cross ones included) against set arithmetic on
// reachability.
func TestRangeLogMatchesModel(t *testing.T) {
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	for round := range 5 {
		e := newEnv(t)
		ctx := context.Background()
		r := e.repo()
		initial, err := r.Branch(ctx, "main")
		require.NoError(t, err)
		all := []repo.Commit{initial}
		byHash := map[string]repo.Commit{initial.Hash().String(): initial}
		for range 60 {
			p := []repo.Commit{all[rng.IntN(len(all))]}
			if rng.IntN(4) == 0 {
				q := all[rng.IntN(len(all))]
				if q.Hash() != p[0].Hash() {
					p = append(p, q)
				}
			}
			// Equal times sometimes, to exercise the hash tie-break.
			sig := repo.Signature{Name: "x", Email: "x@y", Time: t0.Add(time.Duration(rng.IntN(30)) * time.Minute)}
			c, err := repo.NewCommit(initial.RootHash(), p, sig, sig, fmt.Sprint(len(all)))
			require.NoError(t, err)
			// Make it durable by pointing a throwaway branch at it.
			name := fmt.Sprintf("b%d", len(all))
			require.NoError(t, r.CreateBranch(ctx, name, c))
			all = append(all, c)
			byHash[c.Hash().String()] = c
		}
		reach := func(cs ...repo.Commit) map[string]bool {
			seen := map[string]bool{}
			stack := append([]repo.Commit(nil), cs...)
			for len(stack) > 0 {
				c := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				if seen[c.Hash().String()] {
					continue
				}
				seen[c.Hash().String()] = true
				for _, p := range c.Parents() {
					stack = append(stack, byHash[p.String()])
				}
			}
			return seen
		}
		sctx := e.session()
		for q := range 30 {
			pick := func() repo.Commit { return all[rng.IntN(len(all))] }
			inc := []repo.Commit{pick(), pick()}
			exc := []repo.Commit{pick()}
			if q%2 == 0 {
				exc = append(exc, pick())
			}
			in, out := reach(inc...), reach(exc...)
			args := fmt.Sprintf("'%s', '%s'", inc[0].Hash(), inc[1].Hash())
			if q%3 == 0 {
				// A...B: reachable from one side but not both.
				a, b := pick(), pick()
				ra, rb := reach(a), reach(b)
				for h := range ra {
					if !rb[h] {
						in[h] = true
					}
				}
				for h := range rb {
					if !ra[h] {
						in[h] = true
					} else {
						out[h] = true
					}
				}
				args += fmt.Sprintf(", '%s...%s'", a.Hash(), b.Hash())
			}
			var want []repo.Commit
			for h := range in {
				if !out[h] {
					want = append(want, byHash[h])
				}
			}
			sort.Slice(want, func(i, j int) bool {
				a, b := want[i], want[j]
				if a.Height() != b.Height() {
					return a.Height() > b.Height()
				}
				if !a.Committer().Time.Equal(b.Committer().Time) {
					return a.Committer().Time.After(b.Committer().Time)
				}
				return a.Hash().Less(b.Hash())
			})
			for _, c := range exc {
				args += fmt.Sprintf(", '^%s'", c.Hash())
			}
			got := e.strs(sctx, "SELECT commit_hash FROM dsql_log("+args+")")
			if len(want) == 0 {
				require.Empty(t, got, "round %d query %d", round, q)
			} else {
				require.Equal(t, hashes(want...), got, "round %d query %d", round, q)
			}
		}
	}
}
