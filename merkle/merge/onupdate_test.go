package merge

import (
	"strings"
	"testing"

	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/merkle/tuple"
)

// TestMergeOnUpdate: a column's ON UPDATE expression is part of its definition, merged
// three-way like its default: one side's change is taken, different changes on both
// sides conflict, and a column differing only in it is not a rename.
func TestMergeOnUpdate(t *testing.T) {
	b := modelSchema()
	b.Columns = append(b.Columns, repo.Column{Name: "ts", SQLType: "timestamp", Type: tuple.Field{Enc: tuple.TimestampEnc, Nullable: true}})
	o, th := b.Clone(), b.Clone()
	th.Columns[3].OnUpdate = "CURRENT_TIMESTAMP"
	if m, why := mergeSchemas(b, o, th); why != "" || m.Columns[3].OnUpdate != "CURRENT_TIMESTAMP" {
		t.Errorf("theirs adds it: %+v %q", m.Columns[3], why)
	}
	if m, why := mergeSchemas(th, o, th); why != "" || m.Columns[3].OnUpdate != "" {
		t.Errorf("ours removes it: %+v %q", m.Columns[3], why)
	}
	o.Columns[3].OnUpdate = "CURRENT_TIMESTAMP(0)"
	if _, why := mergeSchemas(b, o, th); !strings.Contains(why, `column "ts"`) {
		t.Errorf("both change it differently: conflict %q", why)
	}
	if m, why := mergeSchemas(b, th, th); why != "" || m.Columns[3].OnUpdate != "CURRENT_TIMESTAMP" {
		t.Errorf("both add it alike: %+v %q", m.Columns[3], why)
	}
	// A dropped column and an added one that differ in their ON UPDATE are not a rename.
	r := b.Clone()
	r.Columns[3].Name, r.Columns[3].OnUpdate = "ts2", "CURRENT_TIMESTAMP"
	if ren := columnRenames(b, r); len(ren) != 0 {
		t.Errorf("renames %v", ren)
	}
}
