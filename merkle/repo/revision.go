package repo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/merkle/ref"
	"github.com/dsqldb/dsql/storage"
)

// MinHashPrefix is the shortest commit-hash prefix ResolveCommit accepts.
const MinHashPrefix = 4

// ResolveCommit returns the commit a revision names. head is the branch "HEAD" means for
// the caller (a SQL session's branch); "" means the repository's Head.
//
// Grammar (as git's): a base followed by any number of ancestry steps:
//
//	revision = base { "~" [N] | "^" [N] }
//	base     = "HEAD" (any case) | "@" | branch | tag | commit hash | hash prefix
//
// ~N follows the first parent N times (~ alone is ~1); ^N takes the Nth parent (^ alone
// is ^1; ^0 is the commit itself). A base is looked up in this order, the first match
// winning: HEAD, a branch, a tag (an annotated tag is peeled to its commit), a full
// 32-character commit hash (hash.Parse; case-insensitive), a unique prefix of at least
// MinHashPrefix characters of a commit hash. Prefixes are matched against the commits
// reachable from every branch and tag, so the lookup reads that whole history (names and
// full hashes read one chunk); only commits ever match.
//
// Errors: ErrRevisionNotFound for a name or hash that names no commit, and for a step
// past the first commit or to a parent that does not exist; ErrAmbiguousRevision (listing
// the candidates) for a prefix of several commits; ErrBranchNotFound if head (HEAD) does
// not exist.
func (r *Repo) ResolveCommit(ctx context.Context, spec, head string) (Commit, error) {
	i := strings.IndexAny(spec, "~^")
	if i < 0 {
		i = len(spec)
	}
	c, err := r.resolveBase(ctx, spec[:i], head)
	if err != nil {
		return Commit{}, err
	}
	for i < len(spec) {
		op := spec[i]
		j := i + 1
		for j < len(spec) && spec[j] >= '0' && spec[j] <= '9' {
			j++
		}
		n := 1
		if j > i+1 {
			if n, err = strconv.Atoi(spec[i+1 : j]); err != nil {
				return Commit{}, fmt.Errorf("%w: revision %q: bad count %q after %q", ErrRevisionNotFound, spec, spec[i+1:j], op)
			}
		}
		if j < len(spec) && spec[j] != '~' && spec[j] != '^' {
			return Commit{}, fmt.Errorf("%w: revision %q: unexpected %q after %q; ancestry is written ~N or ^N (e.g. HEAD~2, main^2)",
				ErrRevisionNotFound, spec, spec[j:], spec[:j])
		}
		prefix := spec[:i]
		if op == '~' {
			for k := range n {
				ps := c.parents
				if len(ps) == 0 {
					return Commit{}, fmt.Errorf("%w: %q goes past the first commit (the first-parent history of %q has %d commits, so %s~%d is the first)",
						ErrRevisionNotFound, spec, prefix, k+1, prefix, k)
				}
				if c, err = r.Commit(ctx, ps[0]); err != nil {
					return Commit{}, err
				}
			}
		} else if n > 0 {
			if n > len(c.parents) {
				return Commit{}, fmt.Errorf("%w: %q: commit %s (%s) has %d parent(s), so it has no parent %d",
					ErrRevisionNotFound, spec, c.hash, prefix, len(c.parents), n)
			}
			if c, err = r.Commit(ctx, c.parents[n-1]); err != nil {
				return Commit{}, err
			}
		}
		i = j
	}
	return c, nil
}

func notFound(spec string) error {
	return fmt.Errorf("%w: unknown revision %q: no branch, tag or commit by that name; see `dsql branch`, `dsql tag`, `dsql log`", ErrRevisionNotFound, spec)
}

// resolveBase resolves a revision without ancestry steps.
func (r *Repo) resolveBase(ctx context.Context, base, head string) (Commit, error) {
	if strings.EqualFold(base, "HEAD") || base == "@" {
		if head == "" {
			var err error
			if head, err = r.Head(ctx); err != nil {
				return Commit{}, err
			}
		}
		return r.Branch(ctx, head)
	}
	if ref.ValidateBranchName(base) == nil { // tags follow the same rules
		if h, ok, err := r.store.Ref(ctx, ref.HeadsPrefix+base); err != nil {
			return Commit{}, fmt.Errorf("repo: resolving %q: %w", base, err)
		} else if ok {
			return r.Commit(ctx, h)
		}
		if h, ok, err := r.store.Ref(ctx, ref.TagsPrefix+base); err != nil {
			return Commit{}, fmt.Errorf("repo: resolving %q: %w", base, err)
		} else if ok {
			t, err := r.loadTag(ctx, base, h)
			if err != nil {
				return Commit{}, err
			}
			return r.Commit(ctx, t.Commit)
		}
	}
	lower := strings.ToLower(base)
	if h, ok := hash.MaybeParse(lower); ok {
		data, err := r.store.Get(ctx, h)
		if errors.Is(err, storage.ErrNotFound) {
			return Commit{}, notFound(base)
		}
		if err != nil {
			return Commit{}, fmt.Errorf("repo: resolving %q: %w", base, err)
		}
		if k, _ := ChunkKind(data); k != KindCommit {
			what := "prolly node"
			if k != 0 {
				what = k.String()
			}
			return Commit{}, fmt.Errorf("%w: %q is the hash of a %s, not of a commit; see `dsql log` for commit hashes", ErrRevisionNotFound, base, what)
		}
		return decodeCommit(data)
	}
	if len(lower) >= MinHashPrefix && len(lower) < hash.StringLen && isHashText(lower) {
		return r.commitByPrefix(ctx, base, lower)
	}
	return Commit{}, notFound(base)
}

// isHashText reports whether s uses only the characters of hash text.
func isHashText(s string) bool {
	for i := 0; i < len(s); i++ {
		if !('0' <= s[i] && s[i] <= '9' || 'a' <= s[i] && s[i] <= 'v') {
			return false
		}
	}
	return true
}

// maxCandidates bounds the commits an ErrAmbiguousRevision lists.
const maxCandidates = 10

// commitByPrefix finds the one commit, reachable from a branch or tag, whose hash text
// starts with prefix.
func (r *Repo) commitByPrefix(ctx context.Context, spec, prefix string) (Commit, error) {
	var starts []hash.Hash
	for _, p := range []string{ref.HeadsPrefix, ref.TagsPrefix} {
		refs, err := r.store.Refs(ctx, p)
		if err != nil {
			return Commit{}, fmt.Errorf("repo: resolving %q: %w", spec, err)
		}
		for _, rf := range refs {
			if p == ref.HeadsPrefix {
				starts = append(starts, rf.Hash)
				continue
			}
			t, err := r.loadTag(ctx, ref.Name(rf.Name).Short(), rf.Hash)
			if err != nil {
				return Commit{}, err
			}
			starts = append(starts, t.Commit)
		}
	}
	seen := hash.NewSet()
	var matches []Commit
	stack := starts
	for len(stack) > 0 {
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen.Has(h) {
			continue
		}
		seen.Add(h)
		c, err := r.Commit(ctx, h)
		if err != nil {
			return Commit{}, err
		}
		if strings.HasPrefix(h.String(), prefix) {
			matches = append(matches, c)
		}
		stack = append(stack, c.parents...)
	}
	switch len(matches) {
	case 0:
		return Commit{}, notFound(spec)
	case 1:
		return matches[0], nil
	}
	slices.SortFunc(matches, func(a, b Commit) int { return a.hash.Compare(b.hash) })
	var b strings.Builder
	for i, c := range matches {
		if i == maxCandidates {
			fmt.Fprintf(&b, "\n  ... and %d more", len(matches)-i)
			break
		}
		fmt.Fprintf(&b, "\n  %s %s", c.hash, firstLine(c.message))
	}
	return Commit{}, fmt.Errorf("%w: %q is a prefix of %d commits; give more characters of the hash:%s", ErrAmbiguousRevision, spec, len(matches), b.String())
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// CommitAsOf returns the commit `AS OF TIMESTAMP t` means on from's history: walking
// from's first-parent chain from from itself towards the first commit, the first commit
// whose committer time is not after t. (Committer times normally decrease along the
// chain, so this is the newest such commit.) ErrRevisionNotFound if every commit on the
// chain is after t. It reads one commit per step.
func (r *Repo) CommitAsOf(ctx context.Context, from Commit, t time.Time) (Commit, error) {
	c := from
	for {
		if !c.committer.Time.After(t) {
			return c, nil
		}
		if len(c.parents) == 0 {
			return Commit{}, fmt.Errorf("%w: no commit at or before %s: the first commit of this history, %s, was made at %s",
				ErrRevisionNotFound, t.Format(time.RFC3339Nano), c.hash, c.committer.Time.Format(time.RFC3339Nano))
		}
		var err error
		if c, err = r.Commit(ctx, c.parents[0]); err != nil {
			return Commit{}, err
		}
	}
}
