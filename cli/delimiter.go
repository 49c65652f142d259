package cli

import (
	"regexp"
	"strings"

	"github.com/dolthub/vitess/go/vt/sqlparser"
)

// delimiterLine matches the mysql client's DELIMITER command on a line of its own.
var delimiterLine = regexp.MustCompile(`(?i)^[ \t]*DELIMITER[ \t]+(\S+)[ \t]*$`)

// splitScript splits a script into statements as the mysql client does: statements end
// at the current delimiter (";" until a "DELIMITER x" line changes it, as dumps of
// procedures and triggers do), outside quotes and comments.
func splitScript(script string) ([]string, error) {
	var out []string
	delim := ";"
	var seg strings.Builder
	flush := func() error {
		text := seg.String()
		seg.Reset()
		if strings.TrimSpace(text) == "" {
			return nil
		}
		if delim == ";" {
			stmts, err := sqlparser.SplitStatementToPieces(text)
			if err != nil {
				return err
			}
			out = append(out, stmts...)
			return nil
		}
		out = append(out, splitOn(text, delim)...)
		return nil
	}
	for _, line := range strings.SplitAfter(script, "\n") {
		if m := delimiterLine.FindStringSubmatch(strings.TrimRight(line, "\r\n")); m != nil {
			if err := flush(); err != nil {
				return nil, err
			}
			delim = m[1]
			continue
		}
		seg.WriteString(line)
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return out, nil
}

// splitOn splits text at every delim outside quotes ('...', "...", `...`, with
// backslash escapes) and comments (-- and # to the end of the line, /* ... */).
func splitOn(text, delim string) []string {
	var out []string
	start := 0
	for i := 0; i < len(text); {
		switch c := text[i]; {
		case c == '\'' || c == '"' || c == '`':
			i++
			for i < len(text) && text[i] != c {
				if text[i] == '\\' && c != '`' {
					i++
				}
				i++
			}
			i++
		case c == '#' || (c == '-' && strings.HasPrefix(text[i:], "-- ")):
			for i < len(text) && text[i] != '\n' {
				i++
			}
		case c == '/' && strings.HasPrefix(text[i:], "/*"):
			if end := strings.Index(text[i+2:], "*/"); end >= 0 {
				i += end + 4
			} else {
				i = len(text)
			}
		case strings.HasPrefix(text[i:], delim):
			out = append(out, text[start:i])
			i += len(delim)
			start = i
		default:
			i++
		}
	}
	if strings.TrimSpace(text[start:]) != "" {
		out = append(out, text[start:])
	}
	return out
}
