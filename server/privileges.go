package server

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	sqle "github.com/dolthub/go-mysql-server"
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/mysql_db"
)

// loadPrivileges loads the users and grants stored at path (if the file exists) into the
// engine's mysql database, adds the superusers (root@localhost without a password when
// there are none) and makes every later CREATE USER, GRANT, ... write path through a
// filePersister.
func loadPrivileges(ctx context.Context, e *sqle.Engine, path string, superusers []UserConfig) error {
	db := e.Analyzer.Catalog.MySQLDb
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("server: reading users and grants: %w", err)
	}
	sctx := sql.NewContext(ctx)
	if len(data) > 0 {
		if err := db.LoadData(sctx, data); err != nil {
			return fmt.Errorf("server: loading users and grants from %s: %w", path, err)
		}
	}
	if len(superusers) == 0 {
		superusers = []UserConfig{{Name: "root", Host: DefaultUserHost}}
	}
	ed := db.Editor()
	for _, u := range superusers {
		host := u.Host
		if host == "" {
			host = DefaultUserHost
		}
		db.AddEphemeralSuperUser(ed, u.Name, host, u.Password)
	}
	ed.Close()
	db.SetEnabled(true)
	db.SetPersister(&filePersister{path: path})
	return nil
}

// filePersister writes GMS's serialised users and grants to a file atomically: a
// temporary file in the same directory is written and fsynced, renamed over the file,
// and the directory is fsynced, so a crash leaves either the old or the new file, whole.
// GMS calls Persist with its privilege editor locked, so calls never overlap.
type filePersister struct {
	path string
}

var _ mysql_db.MySQLDbPersistence = (*filePersister)(nil)

// Persist implements mysql_db.MySQLDbPersistence.
func (p *filePersister) Persist(_ *sql.Context, data []byte) error {
	if err := writeFileAtomic(p.path, data); err != nil {
		return fmt.Errorf("server: storing users and grants: %w", err)
	}
	return nil
}

// writeFileAtomic replaces path with data: write a temporary file, fsync it, rename it
// over path, fsync the directory.
func writeFileAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
