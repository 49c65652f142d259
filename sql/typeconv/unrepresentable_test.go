package typeconv

import (
	"testing"

	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/types"
	"github.com/dolthub/vitess/go/sqltypes"
)

// TestUnrepresentable: the first character a column's character set cannot hold, and
// the value with '?' for each such character (as MySQL stores it outside strict mode).
func TestUnrepresentable(t *testing.T) {
	str := func(cs sql.CharacterSetID) sql.Type {
		return types.MustCreateString(sqltypes.VarChar, 20, cs.BinaryCollation())
	}
	latin1, ascii, utf8mb3, utf8mb4 := str(sql.CharacterSet_latin1), str(sql.CharacterSet_ascii), str(sql.CharacterSet_utf8mb3), str(sql.CharacterSet_utf8mb4)
	for _, c := range []struct {
		typ      sql.Type
		s        string
		pos      int
		replaced string
	}{
		{latin1, "plain", -1, ""},
		{latin1, "é€ÿ", -1, ""},
		{latin1, "ab日本c", 2, "ab??c"},
		{latin1, "é日", 2, "é?"},
		{ascii, "plain", -1, ""},
		{ascii, "café", 3, "caf?"},
		{utf8mb3, "日本", -1, ""},
		{utf8mb3, "a😀b😀", 1, "a?b?"},
		{utf8mb4, "日本😀", -1, ""},
		{types.Int32, "日本", -1, ""},
	} {
		pos := Unrepresentable(c.typ, c.s)
		if pos != c.pos {
			t.Errorf("%s %q: %d, want %d", c.typ, c.s, pos, c.pos)
			continue
		}
		if pos >= 0 {
			if got := ReplaceUnrepresentable(c.typ, c.s, pos); got != c.replaced {
				t.Errorf("%s %q: replaced %q, want %q", c.typ, c.s, got, c.replaced)
			}
		}
	}
	if n := testing.AllocsPerRun(100, func() { _ = Unrepresentable(utf8mb4, "日本語 text") + Unrepresentable(latin1, "plain ascii text") }); n != 0 {
		t.Errorf("Unrepresentable allocates %v times for utf8mb4 and ASCII values", n)
	}
}
