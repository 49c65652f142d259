package server

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/dolthub/go-mysql-server/sql"
)

// The client's collation.
//
// A client names a collation in its handshake (one byte: utf8mb4_general_ci, 45, for the
// mysql and mariadb clients, go-sql-driver and PyMySQL; utf8mb4_0900_ai_ci, 255, for
// MySQL 8's own; utf8mb4_unicode_ci, 224, for Node's mysql2), and MySQL starts the
// session with it as @@collation_connection, the collation of the statement's string
// literals: with any of those clients `SELECT 'a' = 'A'` is 1 and `'abc' LIKE 'A%'` is
// true. GMS ignored it and kept utf8mb4_0900_bin, so literals compared by their bytes
// (a comparison with a column follows the column's collation either way, as in MySQL).
// applyClientCollation sets the session's @@collation_connection to the handshake's
// utf8mb4 collation, or for a utf8mb3 one the utf8mb4 collation of the same rules
// (clientCollation). The connection's character sets stay utf8mb4 whatever the client
// names (latin1 included): GMS converts neither statements nor results to another.
// `SET NAMES` and `SET collation_connection` still change it. TestClientCollation.
func applyClientCollation(ctx context.Context, s *sql.BaseSession, id uint8) {
	if c, ok := clientCollation(id); ok {
		sctx := sql.NewContext(ctx, sql.WithSession(s))
		_ = s.SetSessionVariable(sctx, "collation_connection", c.Name()) // a known utf8mb4 collation: accepted
	}
}

// clientCollation returns the utf8mb4 collation a session starts with for the handshake's
// collation id: the id's own if it is utf8mb4's, the utf8mb4 collation of the same rules
// if it is utf8mb3's (utf8mb3_general_ci, 33, which the mariadb client sends after
// vitess's greeting names utf8mb3: utf8mb4_general_ci), else none.
func clientCollation(id uint8) (sql.CollationID, bool) {
	c := sql.CollationID(id)
	if id == 0 || c.Name() == "" {
		return 0, false
	}
	switch c.CharacterSet() {
	case sql.CharacterSet_utf8mb4:
		return c, true
	case sql.CharacterSet_utf8mb3:
		rules := strings.TrimPrefix(c.Name(), "utf8mb3")
		if m, err := sql.ParseCollation("utf8mb4", "utf8mb4"+rules, false); err == nil && m.CharacterSet() == sql.CharacterSet_utf8mb4 {
			return m, true
		}
	}
	return 0, false
}

// setNamesCollate matches `SET NAMES cs COLLATE coll` at the start of a query: the
// character set and the collation, each bare or quoted with ', " or `.
var setNamesCollate = regexp.MustCompile("(?i)^(\\s*SET\\s+NAMES\\s+)(['\"`]?\\w+['\"`]?)\\s+COLLATE\\s+['\"`]?(\\w+)['\"`]?")

// rewriteSetNamesCollate turns `SET NAMES cs COLLATE coll` at the start of query into
// `SET NAMES cs, collation_connection = 'coll'`. The parser drops the COLLATE clause
// of SET NAMES, so the session kept the character set's default collation; PHP's
// Laravel sends `set names 'utf8mb4' collate 'utf8mb4_unicode_ci'` on every
// connection, go-sql-driver SET NAMES ... COLLATE for a collation whose id does not fit
// the handshake (utf8mb4_0900_bin). An unknown collation fails as MySQL's does (1273),
// and so does one of another character set (1253, raised with SIGNAL).
func rewriteSetNamesCollate(query string) string {
	if len(query) > 256 || !containsFold(query, "collate") {
		return query
	}
	m := setNamesCollate.FindStringSubmatchIndex(query)
	if m == nil {
		return query
	}
	cs, coll := strings.Trim(query[m[4]:m[5]], "'\"`"), query[m[6]:m[7]]
	if csID, err := sql.ParseCharacterSet(cs); err == nil {
		if c, err := sql.ParseCollation("", coll, false); err == nil && c.CharacterSet() != csID {
			// MySQL's 1253, raised as MySQL would (the statement changes nothing).
			// (SIGNAL's MESSAGE_TEXT holds at most 128 characters.)
			return fmt.Sprintf("SIGNAL SQLSTATE '42000' SET MYSQL_ERRNO = 1253, MESSAGE_TEXT = 'COLLATION ''%s'' is not valid for CHARACTER SET ''%s'' (SHOW COLLATION lists its own)'",
				c.Name(), csID.Name()) + query[m[1]:]
		}
	}
	return query[:m[5]] + ", collation_connection = '" + coll + "'" + query[m[1]:]
}
