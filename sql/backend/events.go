package backend

import (
	"strings"
	"time"

	"github.com/dolthub/go-mysql-server/sql"
)

// Events are rows of SchemasTable (type 'event', fragment = the CREATE EVENT statement,
// extra.definition = the whole sql.EventDefinition as JSON, so reading one needs no
// parsing). Event reloading signals are not needed: definitions are read from the
// session's root every time.

var _ sql.EventDatabase = (*Database)(nil)

func eventFragment(ctx *sql.Context, ed sql.EventDefinition) (fragment, error) {
	var def map[string]any
	if err := jsonRoundTrip(ed, &def); err != nil {
		return fragment{}, err
	}
	mode := ed.SqlMode
	if mode == "" {
		mode = sql.LoadSqlMode(ctx).String()
	}
	return fragment{
		typ: fragEvent, name: ed.Name, fragment: ed.CreateEventStatement(), sqlMode: mode,
		extra: map[string]any{"definition": def},
	}, nil
}

func eventFromFragment(f fragment) (sql.EventDefinition, bool) {
	var ed sql.EventDefinition
	def, ok := f.extra["definition"]
	if !ok || jsonRoundTrip(def, &ed) != nil {
		return sql.EventDefinition{}, false
	}
	ed.Name = f.name
	return ed, true
}

// GetEvent implements sql.EventDatabase.
func (db *Database) GetEvent(ctx *sql.Context, name string) (sql.EventDefinition, bool, error) {
	f, err := db.schemaFragments(ctx)
	if err != nil {
		return sql.EventDefinition{}, false, err
	}
	ed, ok := f.events[strings.ToLower(name)]
	return ed, ok, nil
}

// GetEvents implements sql.EventDatabase (by name; the token is always nil).
func (db *Database) GetEvents(ctx *sql.Context) ([]sql.EventDefinition, interface{}, error) {
	f, err := db.schemaFragments(ctx)
	if err != nil {
		return nil, nil, err
	}
	return append([]sql.EventDefinition(nil), f.eventList...), nil, nil
}

// SaveEvent implements sql.EventDatabase.
func (db *Database) SaveEvent(ctx *sql.Context, ed sql.EventDefinition) (bool, error) {
	f, err := eventFragment(ctx, ed)
	if err != nil {
		return false, err
	}
	if err := db.createFragment(ctx, f, sql.ErrEventAlreadyExists.New(ed.Name)); err != nil {
		return false, err
	}
	return ed.Status == sql.EventStatus_Enable.String(), nil
}

// DropEvent implements sql.EventDatabase.
func (db *Database) DropEvent(ctx *sql.Context, name string) error {
	return db.dropFragment(ctx, fragEvent, name, sql.ErrEventDoesNotExist.New(name))
}

// UpdateEvent implements sql.EventDatabase (a rename moves the row).
func (db *Database) UpdateEvent(ctx *sql.Context, originalName string, ed sql.EventDefinition) (bool, error) {
	f, err := eventFragment(ctx, ed)
	if err != nil {
		return false, err
	}
	err = db.editSchemas(ctx, func(se *schemaEditor) error {
		old, found, err := se.get(ctx, fragEvent, originalName)
		if err != nil {
			return err
		}
		if !found {
			return sql.ErrEventDoesNotExist.New(originalName)
		}
		if !strings.EqualFold(originalName, ed.Name) {
			if _, taken, err := se.get(ctx, fragEvent, ed.Name); err != nil {
				return err
			} else if taken {
				return sql.ErrEventAlreadyExists.New(ed.Name)
			}
		}
		for k, v := range old.extra {
			if k != "definition" {
				f.extra[k] = v
			}
		}
		if err := se.delete(fragEvent, originalName); err != nil {
			return err
		}
		return se.put(f)
	})
	if err != nil {
		return false, err
	}
	return ed.Status == sql.EventStatus_Enable.String(), nil
}

// UpdateLastExecuted implements sql.EventDatabase: the event's row in the session's root
// gets the new LastExecuted.
func (db *Database) UpdateLastExecuted(ctx *sql.Context, name string, lastExecuted time.Time) error {
	ed, ok, err := db.GetEvent(ctx, name)
	if err != nil {
		return err
	}
	if !ok {
		return sql.ErrEventDoesNotExist.New(name)
	}
	ed.LastExecuted = lastExecuted
	_, err = db.UpdateEvent(ctx, name, ed)
	return err
}

// NeedsToReloadEvents implements sql.EventDatabase: never (see above).
func (db *Database) NeedsToReloadEvents(*sql.Context, interface{}) (bool, error) {
	return false, nil
}
