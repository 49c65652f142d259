package backend

import (
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"
	"github.com/dolthub/go-mysql-server/sql/expression"
	"github.com/dolthub/go-mysql-server/sql/plan"
	"github.com/dolthub/go-mysql-server/sql/transform"
)

// x NOT IN (subquery) keeps SQL's NULL semantics.
//
// x NOT IN (SELECT y ...) is TRUE only when no y equals x and no comparison is NULL: a
// NULL x (with a non-empty subquery) or a NULL y without a match make it NULL, and the
// row is filtered out. GMS's unnestInSubqueries turns a NOT IN filter into an anti join
// that "excludes nulls", and the join planner then turns that into a left join whose
// lookup, merge and hash forms only ever see the rows of y equal to x: never a NULL y,
// nor anything for a NULL x. So
//
//	SELECT * FROM t2 WHERE t2.y NOT IN (SELECT t1.u FROM t1 WHERE t1.d >= 22)
//
// (t1.u under a UNIQUE index, some of the selected u NULL) returned 239 rows where MySQL
// returns none, and a row whose x is NULL came back too (GMS's in-memory backend does
// the same). InstallPlannerFixes wraps the rule: first, every top-level conjunct
// NOT (x IN (subquery)) of a Filter in which a NULL can occur (x or the subquery's
// column nullable, or an outer join in the subquery) is rewritten to
// (x IN (subquery)) IS FALSE, which selects the same rows (a WHERE keeps only TRUE) and
// which the rule leaves to GMS's InSubquery, whose evaluation follows MySQL (the
// subquery's rows are read once and hashed). NOT IN over non-nullable columns is still
// unnested into an anti join, which is then correct.
func notInSubqueryRule(rule analyzer.RuleFunc) analyzer.RuleFunc { return fixFirst(guardNotIn, rule) }

// guardNotIn rewrites the NOT IN (subquery) conjuncts of n's Filters that may meet a NULL
// (above), in the nodes unnestInSubqueries visits.
func guardNotIn(ctx *sql.Context, n sql.Node) (sql.Node, transform.TreeIdentity, error) {
	return transform.Node(ctx, n, func(ctx *sql.Context, n sql.Node) (sql.Node, transform.TreeIdentity, error) {
		f, ok := n.(*plan.Filter)
		if !ok {
			return n, transform.SameTree, nil
		}
		conj := expression.SplitConjunction(ctx, f.Expression)
		changed := false
		for i, e := range conj {
			not, ok := e.(*expression.Not)
			if !ok {
				continue
			}
			in, ok := not.Child.(*plan.InSubquery)
			if !ok || !notInMeetsNull(ctx, in) {
				continue
			}
			conj[i] = expression.NewIsFalse(in)
			changed = true
		}
		if !changed {
			return n, transform.SameTree, nil
		}
		nf, err := f.WithExpressions(ctx, expression.JoinAnd(conj...))
		if err != nil {
			return n, transform.SameTree, err
		}
		return nf, transform.NewTree, nil
	})
}

// notInMeetsNull reports whether in's left side or its subquery's rows may hold a NULL.
// It errs towards yes: the rewrite is always correct, only slower.
func notInMeetsNull(ctx *sql.Context, in *plan.InSubquery) bool {
	if in.LeftChild.IsNullable(ctx) {
		return true
	}
	sq, ok := in.RightChild.(*plan.Subquery)
	if !ok || sq.Query == nil || !sq.Query.Resolved() {
		return true
	}
	for _, c := range sq.Query.Schema(ctx) {
		if c.Nullable {
			return true
		}
	}
	outer := false
	transform.Inspect(sq.Query, func(n sql.Node) bool {
		if j, ok := n.(*plan.JoinNode); ok && (j.Op.IsLeftOuter() || j.Op.IsRightOuter() || j.Op.IsFullOuter()) {
			outer = true
		}
		return !outer
	})
	return outer
}
