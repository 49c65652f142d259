package server

import "strings"

// neutralizeMariaDBComments prepares query's text for the parser (vitess) where the
// parser reads comments otherwise than MySQL; outside string literals, quoted
// identifiers and comments:
//
//   - Every MariaDB executable comment (/*M!...*/) becomes a plain comment: its "M!" is
//     overwritten with two spaces. MySQL ignores /*M!...*/ as an ordinary comment, but the
//     parser runs its contents as SQL like MySQL's own /*!...*/; mariadb-dump starts every
//     dump with /*M!999999\- enable the sandbox mode */, which would then fail to parse.
//   - Two minus signs not followed by a space, a control character (tab, newline, ...)
//     or the end of the text get a space between them: the parser takes any -- as the
//     start of a comment, MySQL (and MariaDB) only -- followed by one of those, so
//     SELECT 1 > --1 was a syntax error and SELECT 1--1 returned 1; MySQL reads both as
//     minus minus one (0 and 2). ---1 is three minus signs, as in MySQL; --- 1 is a
//     minus sign and a comment.
//   - In a string literal ('...' or "..."), \_ and \% get a second backslash: MySQL keeps
//     the backslash of these two escapes (so that 'a\_b' is the four characters a\_b
//     and LIKE 'a\_b' matches only an underscore), where the parser dropped it ('a\_b'
//     was a_b, and LIKE 'a\_b' matched axb). \\_ is an escaped backslash followed by an
//     underscore, which the parser reads as MySQL does.
//
// The text keeps its length when it has no such pair of minus signs and no such escape
// (byte offsets, as parse error positions, are then those of the text sent); each pair
// and each escape adds one byte.
// The remainder of a multi-statement query is cut from the prepared text, which
// preparing again leaves as it is.
//
// The scan follows the lexer's rules: '...' and "..." with backslash escapes and doubled
// quotes, `...` with doubled backticks, # and -- comments to the end of the line, and
// /*...*/ (including /*!...*/, whose SQL is left as written) ending at the first */.
// Under NO_BACKSLASH_ESCAPES a string ending in a backslash would be read as
// unterminated, in which case the rest of the query is left alone.
func neutralizeMariaDBComments(query string) string {
	query = rewriteSetNamesCollate(query) // SET NAMES ... COLLATE (clientcollation.go)
	if !strings.Contains(query, "/*M!") && !strings.Contains(query, "--") &&
		!strings.Contains(query, `\_`) && !strings.Contains(query, `\%`) {
		return query
	}
	var out []byte // the prepared text up to query[last], made at the first rewrite
	last := 0
	n := len(query)
	for i := 0; i < n; {
		switch c := query[i]; c {
		case '`':
			i = skipQuoted(query, i, c)
		case '\'', '"':
			end := skipQuoted(query, i, c)
			for j := i + 1; j < end; j++ {
				if query[j] != '\\' {
					continue
				}
				if j+1 < end && (query[j+1] == '_' || query[j+1] == '%') {
					out = append(out, query[last:j]...)
					out = append(out, '\\') // then the escape itself, from query[j]
					last = j
				}
				j++ // the escaped character
			}
			i = end
		case '#':
			i = skipLine(query, i)
		case '-':
			switch {
			case i+1 >= n || query[i+1] != '-':
				i++
			case i+2 >= n || query[i+2] <= ' ':
				i = skipLine(query, i) // a comment, in MySQL too
			default: // two minus signs: "- -"; the second may start another pair
				out = append(out, query[last:i+1]...)
				out = append(out, ' ')
				last = i + 1
				i++
			}
		case '/':
			if i+1 >= n || query[i+1] != '*' {
				i++
				continue
			}
			if strings.HasPrefix(query[i:], "/*M!") {
				out = append(out, query[last:i]...)
				out = append(out, "/*  "...)
				last = i + 4
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
	return string(append(out, query[last:]...))
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
// (MariaDB's /*M!...*/ comments become plain comments, --1 is minus minus one:
// neutralizeMariaDBComments); dsql sql applies it too, so a script behaves the same with
// and without a server.
func PrepareQueryText(query string) string { return neutralizeMariaDBComments(query) }
