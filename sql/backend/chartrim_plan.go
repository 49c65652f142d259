package backend

import "github.com/dolthub/go-mysql-server/sql"

// IsCharTrim reports whether n is the node charTrimRule puts over the row source of an
// INSERT or single-table UPDATE with CHAR columns (see chartrim.go). Plans the server
// caches and rebuilds (server/prepared.go) pass through it: it has one child and
// WithChildren keeps what it trims.
func IsCharTrim(n sql.Node) bool {
	_, ok := n.(*charTrim)
	return ok
}
