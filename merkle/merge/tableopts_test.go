package merge

import (
	"strings"
	"testing"
)

// TestMergeTargetRowSize: the table option merges three-way like the comment.
func TestMergeTargetRowSize(t *testing.T) {
	b := modelSchema()
	o, th := b.Clone(), b.Clone()
	th.TargetRowSize = 4096
	if m, why := mergeSchemas(b, o, th); why != "" || m.TargetRowSize != 4096 {
		t.Errorf("theirs sets it: %d %q", m.TargetRowSize, why)
	}
	if m, why := mergeSchemas(b, th, o); why != "" || m.TargetRowSize != 4096 {
		t.Errorf("ours sets it: %d %q", m.TargetRowSize, why)
	}
	o.TargetRowSize = 1024
	if _, why := mergeSchemas(b, o, th); !strings.Contains(why, "TARGET_ROW_SIZE") {
		t.Errorf("both set it differently: conflict %q", why)
	}
}
