package prolly

import (
	"context"
	"fmt"

	"github.com/dsqldb/dsql/merkle/hash"
	"github.com/dsqldb/dsql/storage"
)

// Verify reads every node of m from the chunk store, not from the node cache, and checks
// that its bytes hash to its address and decode as a node. Reads of nodes do not check
// their addresses (Read trusts the store, which refuses a wrong address on every write),
// so this is what finds bytes damaged on disk or by a bug below the store: the first
// such node is reported in an error wrapping storage.ErrCorrupt. It costs a read of the
// whole tree (CHECK TABLE, sql/backend).
func (m Map) Verify(ctx context.Context) error {
	return m.Walk(ctx, func(n *Node) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		data, err := m.ns.cs.Get(ctx, n.hash)
		if err != nil {
			return fmt.Errorf("prolly: reading node %s: %w", n.hash, err)
		}
		if got := hash.Of(data); got != n.hash {
			return fmt.Errorf("%w: node %s: its %d stored bytes hash to %s", storage.ErrCorrupt, n.hash, len(data), got)
		}
		if _, err := decodeNode(n.hash, data); err != nil {
			return fmt.Errorf("%w: node %s does not decode: %v", storage.ErrCorrupt, n.hash, err)
		}
		return nil
	})
}
