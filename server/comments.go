package server

import "strings"

// neutralizeMariaDBComments turns every MariaDB executable comment (/*M!...*/) of query
// that lies outside string literals, quoted identifiers and other comments into a plain
// comment, by overwriting its "M!" with two spaces. MySQL ignores /*M!...*/ as an ordinary
// comment, but the parser (vitess) runs its contents as SQL like MySQL's own /*!...*/;
// mariadb-dump starts every dump with /*M!999999\- enable the sandbox mode */, which would
// then fail to parse. The result has the same length as query, so byte offsets (parse
// error positions, the remainder of a multi-statement query) are unchanged.
//
// The scan follows the lexer's rules: '...' and "..." with backslash escapes and doubled
// quotes, `...` with doubled backticks, -- and # comments to the end of the line (the
// parser takes any -- as a comment, even without the space MySQL wants), and /*...*/ (including /*!...*/) ending at the first
// */. Under NO_BACKSLASH_ESCAPES a string ending in a backslash would be read as
// unterminated, in which case the rest of the query is left alone.
func neutralizeMariaDBComments(query string) string {
	if !strings.Contains(query, "/*M!") {
		return query
	}
	var out []byte // copy of query, made at the first rewrite
	n := len(query)
	for i := 0; i < n; {
		switch c := query[i]; c {
		case '\'', '"', '`':
			i = skipQuoted(query, i, c)
		case '#':
			i = skipLine(query, i)
		case '-':
			if i+1 < n && query[i+1] == '-' {
				i = skipLine(query, i)
			} else {
				i++
			}
		case '/':
			if i+1 >= n || query[i+1] != '*' {
				i++
				continue
			}
			if strings.HasPrefix(query[i:], "/*M!") {
				if out == nil {
					out = []byte(query)
				}
				out[i+2], out[i+3] = ' ', ' '
			}
			end := strings.Index(query[i+2:], "*/")
			if end < 0 {
				i = n
			} else {
				i += 2 + end + 2
			}
		default:
			i++
		}
	}
	if out == nil {
		return query
	}
	return string(out)
}

// skipQuoted returns the index just after the literal or quoted identifier opened by the
// quote at query[i] (len(query) if it is unterminated).
func skipQuoted(query string, i int, quote byte) int {
	n := len(query)
	for j := i + 1; j < n; j++ {
		switch query[j] {
		case '\\':
			if quote != '`' {
				j++ // the escaped character
			}
		case quote:
			if j+1 < n && query[j+1] == quote {
				j++ // a doubled quote stands for one
				continue
			}
			return j + 1
		}
	}
	return n
}

// skipLine returns the index just after the end of the line holding query[i].
func skipLine(query string, i int) int {
	if nl := strings.IndexByte(query[i:], '\n'); nl >= 0 {
		return i + nl + 1
	}
	return len(query)
}

// PrepareQueryText is what the server does to a query's text before GMS parses it
// (MariaDB's /*M!...*/ comments become plain comments); dsql sql applies it too, so a
// script behaves the same with and without a server.
func PrepareQueryText(query string) string { return neutralizeMariaDBComments(query) }
