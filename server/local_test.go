package server

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLocalServerFile(t *testing.T) {
	dir := t.TempDir()
	repoDir := filepath.Join(dir, "shop")
	require.NoError(t, os.MkdirAll(repoDir, 0o755))
	initRepo(t, repoDir)

	_, _, err := LocalServer(repoDir)
	require.ErrorIs(t, err, ErrNoLocalServer)

	s, err := New(context.Background(), Config{DataDir: repoDir, Listener: ListenerConfig{Host: "127.0.0.1", Port: 0}}, Options{})
	require.NoError(t, err)
	require.NoError(t, s.Start())
	fi, err := os.Stat(filepath.Join(repoDir, LocalFile))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	li, db, err := LocalServer(repoDir)
	require.NoError(t, err)
	require.Equal(t, "shop", db)
	conn, err := sql.Open("mysql", li.DSN(db))
	require.NoError(t, err)
	defer conn.Close()
	var one int
	require.NoError(t, conn.QueryRow("SELECT 1").Scan(&one))
	var branch string
	require.NoError(t, conn.QueryRow("SELECT active_branch()").Scan(&branch))
	require.Equal(t, "main", branch)

	// A wrong password is refused.
	bad := li
	bad.Password = "nope"
	c2, err := sql.Open("mysql", bad.DSN(db))
	require.NoError(t, err)
	defer c2.Close()
	require.Error(t, c2.Ping())

	require.NoError(t, s.Close())
	_, err = os.Stat(filepath.Join(repoDir, LocalFile))
	require.True(t, os.IsNotExist(err), "file removed on stop")

	// A stale file (a killed server) is ignored.
	li.PID = 1 << 30
	require.NoError(t, writeLocalFile(repoDir, li))
	_, _, err = LocalServer(repoDir)
	require.ErrorIs(t, err, ErrNoLocalServer)
}
