package memstore_test

import (
	"testing"

	"github.com/dsqldb/dsql/storage"
	"github.com/dsqldb/dsql/storage/memstore"
	"github.com/dsqldb/dsql/storage/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storage.Store { return memstore.New() })
}
