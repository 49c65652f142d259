package backend

import (
	"sort"
	"strings"
	"sync"

	"github.com/dolthub/go-mysql-server/sql"
)

// views is a stop-gap sql.ViewDatabase: GMS's privilege layer (active whenever a root
// account exists, as in the server and the enginetests) refuses CREATE TABLE on a
// database that is not a ViewDatabase. Views are kept in memory for the Provider's
// lifetime: not versioned, not persisted, not transactional. Persisting them as rows of
// dsql_schemas in the root is future work.
type views struct {
	mu sync.Mutex
	m  map[string]sql.ViewDefinition // by folded name
}

var _ sql.ViewDatabase = (*Database)(nil)

// CreateView implements sql.ViewDatabase (in memory only, see views).
func (db *Database) CreateView(ctx *sql.Context, name string, selectStatement, createViewStmt string) error {
	db.views.mu.Lock()
	defer db.views.mu.Unlock()
	key := strings.ToLower(name)
	if _, ok := db.views.m[key]; ok {
		return sql.ErrExistingView.New(db.name, name)
	}
	if db.views.m == nil {
		db.views.m = map[string]sql.ViewDefinition{}
	}
	db.views.m[key] = sql.ViewDefinition{Name: name, TextDefinition: selectStatement, CreateViewStatement: createViewStmt}
	return nil
}

// DropView implements sql.ViewDatabase.
func (db *Database) DropView(ctx *sql.Context, name string) error {
	db.views.mu.Lock()
	defer db.views.mu.Unlock()
	key := strings.ToLower(name)
	if _, ok := db.views.m[key]; !ok {
		return sql.ErrViewDoesNotExist.New(db.name, name)
	}
	delete(db.views.m, key)
	return nil
}

// GetViewDefinition implements sql.ViewDatabase.
func (db *Database) GetViewDefinition(ctx *sql.Context, name string) (sql.ViewDefinition, bool, error) {
	db.views.mu.Lock()
	defer db.views.mu.Unlock()
	v, ok := db.views.m[strings.ToLower(name)]
	return v, ok, nil
}

// AllViews implements sql.ViewDatabase.
func (db *Database) AllViews(ctx *sql.Context) ([]sql.ViewDefinition, error) {
	db.views.mu.Lock()
	defer db.views.mu.Unlock()
	out := make([]sql.ViewDefinition, 0, len(db.views.m))
	for _, v := range db.views.m {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// triggers is the same stop-gap as views for sql.TriggerDatabase: in memory, in creation
// order, for the Provider's lifetime.
type triggers struct {
	mu   sync.Mutex
	defs []sql.TriggerDefinition
}

var _ sql.TriggerDatabase = (*Database)(nil)

// GetTriggers implements sql.TriggerDatabase (in memory only, see triggers).
func (db *Database) GetTriggers(*sql.Context) ([]sql.TriggerDefinition, error) {
	db.triggers.mu.Lock()
	defer db.triggers.mu.Unlock()
	return append([]sql.TriggerDefinition(nil), db.triggers.defs...), nil
}

// CreateTrigger implements sql.TriggerDatabase.
func (db *Database) CreateTrigger(_ *sql.Context, def sql.TriggerDefinition) error {
	db.triggers.mu.Lock()
	defer db.triggers.mu.Unlock()
	db.triggers.defs = append(db.triggers.defs, def)
	return nil
}

// DropTrigger implements sql.TriggerDatabase.
func (db *Database) DropTrigger(_ *sql.Context, name string) error {
	db.triggers.mu.Lock()
	defer db.triggers.mu.Unlock()
	for i, d := range db.triggers.defs {
		if strings.EqualFold(d.Name, name) {
			db.triggers.defs = append(db.triggers.defs[:i:i], db.triggers.defs[i+1:]...)
			return nil
		}
	}
	return sql.ErrTriggerDoesNotExist.New(name)
}
