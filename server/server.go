package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	gms "github.com/dolthub/go-mysql-server/server"
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/vitess/go/mysql"
	"github.com/dolthub/vitess/go/sqltypes"
	querypb "github.com/dolthub/vitess/go/vt/proto/query"

	"github.com/dsqldb/dsql/merkle/repo"
	"github.com/dsqldb/dsql/sql/backend"
	"github.com/dsqldb/dsql/sql/session"
)

// DefaultDrainTimeout bounds how long Close waits for statements in flight.
const DefaultDrainTimeout = 10 * time.Second

// responseGrace is how long Close waits after the last statement ends before it closes
// client connections, so that the end of the statement's response reaches the client.
const responseGrace = 200 * time.Millisecond

// ServerVersion is the MySQL version the server announces to clients.
const ServerVersion = "8.0.33-dsql"

// Options are the parts of a server's setup that do not come from the YAML file.
type Options struct {
	// Log receives the server's log lines (text, at Config.LogLevel). Nil: os.Stderr.
	Log interface{ Write([]byte) (int, error) }
	// Author signs the initial commit of databases made by CREATE DATABASE.
	Author repo.Signature
	// DrainTimeout bounds Close's wait for statements in flight (0: DefaultDrainTimeout).
	DrainTimeout time.Duration
}

// Server is a MySQL-protocol server over the repositories of a data directory.
//
// New opens the repositories (holding their locks) and listens; Start accepts
// connections; Close stops. A Server is safe for concurrent use; Close may be called from
// any goroutine, more than once.
type Server struct {
	cfg    Config
	log    *slog.Logger
	engine *Engine
	gms    *gms.Server
	addr   net.Addr
	drain  time.Duration

	mu struct {
		sync.Mutex
		closing  bool
		started  bool
		conns    map[*mysql.Conn]struct{}
		inflight sync.WaitGroup
	}
	accepting chan struct{} // closed when the accept loop has returned
	dataDir   string        // absolute data directory
	local     LocalInfo     // what LocalFile holds while the server runs
	closeOnce sync.Once
	closeErr  error
	plans     lookupPlans // cached plans of prepared and text statements (prepared.go, textcache.go)
	idle      idleState   // memory of an idle server (idle.go)
	stopIdle  chan struct{}
}

// New opens every repository of cfg.DataDir (an error wrapping ErrInUse names one that
// another process holds), loads users and grants, and listens on cfg's host and port
// (port 0: any free port; Addr tells which). Connections are accepted after Start.
func New(ctx context.Context, cfg Config, opts Options) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	var w interface{ Write([]byte) (int, error) } = os.Stderr
	if opts.Log != nil {
		w = opts.Log
	}
	logger, err := NewLogger(w, cfg.LogLevel)
	if err != nil {
		return nil, err
	}
	RouteLibraryLogs(logger)

	var tlsCfg *tls.Config
	if cfg.Listener.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(cfg.Listener.TLSCert, cfg.Listener.TLSKey)
		if err != nil {
			return nil, fmt.Errorf("server: loading TLS certificate: %w", err)
		}
		tlsCfg = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	dataDir := cfg.DataDir
	if dataDir == "" {
		dataDir = "."
	}
	localPassword, err := newLocalPassword()
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	superusers := cfg.Users
	if len(superusers) == 0 {
		superusers = []UserConfig{{Name: "root", Host: DefaultUserHost}}
	}
	superusers = append(superusers, UserConfig{Name: localUser, Host: DefaultUserHost, Password: localPassword})
	eng, err := NewEngine(ctx, EngineOptions{
		DataDir:    dataDir,
		ReadOnly:   cfg.ReadOnly,
		Author:     opts.Author,
		Superusers: superusers,
		Logger:     logger,
	})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.Address())
	if err != nil {
		_ = eng.Close()
		return nil, fmt.Errorf("server: %w", err)
	}

	s := &Server{cfg: cfg, log: logger, engine: eng, addr: ln.Addr(), accepting: make(chan struct{}), stopIdle: make(chan struct{})}
	s.dataDir, _ = filepath.Abs(dataDir)
	s.local = LocalInfo{PID: os.Getpid(), Address: dialAddress(ln.Addr()), User: localUser, Password: localPassword, DataDir: s.dataDir}
	s.drain = opts.DrainTimeout
	if s.drain <= 0 {
		s.drain = DefaultDrainTimeout
	}
	s.mu.conns = map[*mysql.Conn]struct{}{}

	gcfg := gms.Config{
		Protocol:               "tcp",
		Address:                ln.Addr().String(),
		Listener:               pollListener{Listener: ln, wait: cfg.Listener.pollWait(), spin: cfg.Listener.spinWait()},
		Version:                ServerVersion,
		MaxConnections:         cfg.Listener.MaxConnections,
		TLSConfig:              tlsCfg,
		RequireSecureTransport: cfg.Listener.RequireSecureTransport,
	}
	builder := func(ctx context.Context, conn *mysql.Conn, addr string) (sql.Session, error) {
		base, err := sql.BaseSessionFromConnection(ctx, conn, addr)
		if err != nil {
			return nil, err
		}
		if eng.DefaultDatabase != "" {
			base.SetCurrentDatabase(eng.DefaultDatabase)
		}
		setTLSStatus(base, conn.Conn)
		applyClientCollation(ctx, base, conn.CharacterSet) // the handshake's collation (clientcollation.go)
		return session.New(base, session.WithProvider(eng.Provider)), nil
	}
	wrap := func(h mysql.Handler) (mysql.Handler, error) { return &handler{Handler: h, s: s}, nil }
	g, err := gms.NewServerWithHandler(gcfg, eng.SQL, sql.NewContext, builder, nil, wrap)
	if err != nil {
		_ = ln.Close()
		_ = eng.Close()
		return nil, fmt.Errorf("server: %w", err)
	}
	s.gms = g
	return s, nil
}

// Addr is the address the server listens on.
func (s *Server) Addr() net.Addr { return s.addr }

// Engine is the server's SQL engine.
func (s *Server) Engine() *Engine { return s.engine }

// Start accepts connections in a background goroutine and returns at once.
func (s *Server) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mu.closing {
		return errors.New("server: closed")
	}
	if s.mu.started {
		return errors.New("server: already started")
	}
	s.mu.started = true
	dbs := []string{}
	for _, db := range s.engine.Provider.AllDatabases(sql.NewEmptyContext()) {
		dbs = append(dbs, db.Name())
	}
	s.log.Info("dsql sql-server listening", "addr", s.addr.String(), "data_dir", s.cfg.DataDir,
		"databases", dbs, "read_only", s.cfg.ReadOnly, "tls", s.cfg.Listener.TLSCert != "")
	go func() {
		defer close(s.accepting)
		_ = s.gms.Start()
	}()
	if after := s.cfg.idleRelease(); after > 0 {
		go s.watchIdle(after, s.stopIdle)
	}
	if err := writeLocalFile(s.dataDir, s.local); err != nil {
		s.log.Warn("dsql commands on this machine will not reach the server", "file", LocalFile, "err", err)
	}
	return nil
}

// Close stops the server gracefully: it stops accepting connections and refuses new
// statements (MySQL error 1053), waits up to the drain timeout for statements in flight,
// closes the client connections, then closes the engine and its stores. It returns the
// stores' close error, if any; later calls return the same.
func (s *Server) Close() error {
	s.closeOnce.Do(func() { s.closeErr = s.close() })
	return s.closeErr
}

func (s *Server) close() error {
	s.mu.Lock()
	s.mu.closing = true
	started := s.mu.started
	s.mu.Unlock()
	s.log.Info("dsql sql-server stopping: no new connections or statements")
	close(s.stopIdle)
	removeLocalFile(s.dataDir)

	_ = s.gms.Close() // closes the listener
	if started {
		<-s.accepting
	}

	drained := make(chan struct{})
	go func() {
		s.mu.inflight.Wait()
		close(drained)
	}()
	select {
	case <-drained:
	case <-time.After(s.drain):
		s.log.Warn("statements still running after the drain timeout; closing their connections",
			"timeout", s.drain.String())
	}

	// A statement's handler returns before vitess writes the end of its response (the
	// final OK or EOF packet); give those writes a moment before closing connections.
	time.Sleep(responseGrace)

	s.mu.Lock()
	conns := make([]*mysql.Conn, 0, len(s.mu.conns))
	for c := range s.mu.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.Close()
	}
	// Statements cut off by the timeout see their connection closed; give them a moment
	// to notice before the stores go away.
	select {
	case <-drained:
	case <-time.After(time.Second):
	}

	err := s.engine.Close()
	if err != nil {
		s.log.Error("closing the stores", "err", err)
	} else {
		s.log.Info("dsql sql-server stopped")
	}
	return err
}

// begin registers a statement in flight; false once the server is closing.
func (s *Server) begin() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mu.closing {
		return false
	}
	s.mu.inflight.Add(1)
	s.idle.active.Add(1)
	return true
}

func (s *Server) end() {
	s.statementEnded()
	s.mu.inflight.Done()
}

func errShutdown() error {
	return mysql.NewSQLError(mysql.ERServerShutdown, mysql.SSUnknownSQLState, "Server shutdown in progress")
}

// handler wraps GMS's handler to count statements in flight, refuse new ones while the
// server closes, and track connections so Close can close them. It also makes MariaDB's
// executable comments (/*M!...*/) plain comments, as MySQL does (neutralizeMariaDBComments).
type handler struct {
	mysql.Handler
	s *Server
}

func (h *handler) NewConnection(c *mysql.Conn) {
	h.s.mu.Lock()
	h.s.mu.conns[c] = struct{}{}
	h.s.mu.Unlock()
	h.Handler.NewConnection(c)
}

func (h *handler) ConnectionClosed(c *mysql.Conn) {
	h.s.mu.Lock()
	delete(h.s.mu.conns, c)
	h.s.mu.Unlock()
	h.s.plans.forget(c.ConnectionID)
	backend.ForgetColumnNotes(c.ConnectionID)
	h.Handler.ConnectionClosed(c)
}

func (h *handler) ComInitDB(c *mysql.Conn, schemaName string) error {
	if !h.s.begin() {
		return errShutdown()
	}
	defer h.s.end()
	return mapError(h.Handler.ComInitDB(c, schemaName))
}

func (h *handler) ComQuery(ctx context.Context, c *mysql.Conn, query string, cb mysql.ResultSpoolFn) (err error) {
	if !h.s.begin() {
		return errShutdown()
	}
	defer h.s.end()
	defer h.recoverStatement(ctx, c, query, &err)
	query = neutralizeMariaDBComments(query)
	cb = mysqlFloats(okInfo(cb)) // floats as MySQL writes them (floattext.go); OK info texts any client reads (okinfo.go)
	if handled, err := h.txExecute(ctx, c, query, func(r *sqltypes.Result) error { return cb(r, false) }); handled {
		return mapStmtError(c, err)
	}
	if handled, err := h.maintExecute(ctx, c, query, func(r *sqltypes.Result) error { return cb(r, false) }); handled {
		return mapStmtError(c, err) // CHECK TABLE and the like (tablemaint.go)
	}
	if handled, err := h.textExecute(ctx, c, query, cb); handled {
		return mapStmtError(c, err)
	}
	if handled, err := h.queryExecute(ctx, c, query, cb); handled {
		return mapStmtError(c, err)
	}
	return mapStmtError(c, h.Handler.ComQuery(ctx, c, query, cb))
}

func (h *handler) ComMultiQuery(ctx context.Context, c *mysql.Conn, query string, cb mysql.ResultSpoolFn) (rest string, err error) {
	if !h.s.begin() {
		return "", errShutdown()
	}
	defer h.s.end()
	defer h.recoverStatement(ctx, c, query, &err)
	query = neutralizeMariaDBComments(query)
	// Clients that allow several statements per query (the mysql client, sysbench's
	// libmysqlclient, PyMySQL) send every query this way; one without a ';' is a single
	// statement, which the plan cache may serve.
	cb = mysqlFloats(okInfo(cb)) // floats as MySQL writes them (floattext.go); OK info texts any client reads (okinfo.go)
	if handled, err := h.txExecute(ctx, c, query, func(r *sqltypes.Result) error { return cb(r, false) }); handled {
		return "", mapStmtError(c, err)
	}
	if first, rest, ok := splitMaint(query); ok { // CHECK TABLE and the like (tablemaint.go)
		more := strings.TrimSpace(rest) != ""
		if handled, err := h.maintExecute(ctx, c, first, func(r *sqltypes.Result) error { return cb(r, more) }); handled {
			if err != nil {
				return "", mapStmtError(c, err)
			}
			return rest, nil
		}
	}
	if handled, err := h.textExecute(ctx, c, query, cb); handled {
		return "", mapStmtError(c, err)
	}
	rest, err = h.Handler.ComMultiQuery(ctx, c, query, cb)
	if err != nil {
		// A failed statement ends the query, as in MySQL: vitess would run the rest
		// after sending the error (INSERT 3; INSERT <duplicate>; INSERT 4 inserted 4).
		return "", mapStmtError(c, err)
	}
	return rest, nil
}

func (h *handler) ComPrepare(ctx context.Context, c *mysql.Conn, query string, p *mysql.PrepareData) (fields []*querypb.Field, err error) {
	if !h.s.begin() {
		return nil, errShutdown()
	}
	defer h.s.end()
	defer h.recoverStatement(ctx, c, query, &err)
	// vitess has parsed query already (to count its parameters); the statement GMS
	// prepares, and executes later from p.PrepareStmt, ignores /*M!...*/ like MySQL.
	query = neutralizeMariaDBComments(query)
	p.PrepareStmt = neutralizeMariaDBComments(p.PrepareStmt)
	preparedParams(query, p) // a UNION's LIMIT ? (preparecount.go)
	fields, err = h.Handler.ComPrepare(ctx, c, query, p)
	return fields, mapError(err)
}

func (h *handler) ComStmtExecute(ctx context.Context, c *mysql.Conn, p *mysql.PrepareData, cb func(*sqltypes.Result) error) (err error) {
	cb = func(next func(*sqltypes.Result) error) func(*sqltypes.Result) error {
		return func(r *sqltypes.Result) error { padOKInfo(r); return next(r) } // (okinfo.go)
	}(cb)
	h.likeParams(ctx, c, p) // a LIKE pattern parameter with a backslash (likeescape.go)
	if !h.s.begin() {
		return errShutdown()
	}
	defer h.s.end()
	defer h.recoverStatement(ctx, c, p.PrepareStmt, &err)
	if len(p.BindVars) == 0 {
		if handled, err := h.txExecute(ctx, c, p.PrepareStmt, cb); handled {
			return mapStmtError(c, err)
		}
	}
	if handled, err := h.stmtExecute(ctx, c, p, cb); handled {
		return mapStmtError(c, err)
	}
	if handled, err := h.selectExecute(ctx, c, p, cb); handled {
		return mapStmtError(c, err)
	}
	return mapStmtError(c, h.Handler.ComStmtExecute(ctx, c, p, cb))
}

// recoverStatement, deferred by every command that runs a statement, turns a panic of
// the statement's execution (a bug in GMS or dsql reached by one statement) into error
// 1105 for the client instead of the closed connection vitess makes of it: invariant
// "a statement's panic costs the statement, not the connection". The session's open
// transaction, explicit or not, is rolled back (the statement may have stopped halfway
// through its edits), and the panic is logged with its stack. A panic GMS's handler
// recovered itself arrives as an error, which mapError shortens the same way
// (panicText); its transaction is rolled back too.
func (h *handler) recoverStatement(ctx context.Context, c *mysql.Conn, query string, err *error) {
	r := recover()
	if r == nil {
		// GMS's message starts with the prefix; a user's text quoted in another error
		// (an unknown column named so) does not.
		if se, ok := (*err).(*mysql.SQLError); !ok || !strings.HasPrefix(se.Message, recoveredPrefix) {
			return
		}
		h.s.log.Error("statement panicked (recovered by GMS)", "conn", c.ConnectionID, "query", query, "err", (*err).Error())
	} else {
		h.s.log.Error("statement panicked", "conn", c.ConnectionID, "query", query, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
		*err = mysql.NewSQLError(mysql.ERUnknownError, "HY000", "internal error: %v", r)
	}
	h.rollbackAfterPanic(ctx, c)
	if se, ok := (*err).(*mysql.SQLError); ok {
		msg := panicText(se.Message)
		*err = mysql.NewSQLError(se.Num, se.State, "%s; the statement failed and the session's transaction was rolled back (a bug: please report the statement)", msg)
	}
}

// rollbackAfterPanic rolls back c's session's transaction, recovering from any panic of
// its own.
func (h *handler) rollbackAfterPanic(ctx context.Context, c *mysql.Conn) {
	defer func() {
		if r := recover(); r != nil {
			h.s.log.Error("rollback after a panic panicked", "conn", c.ConnectionID, "panic", fmt.Sprint(r))
		}
	}()
	if err := h.Handler.ComQuery(ctx, c, "ROLLBACK", func(*sqltypes.Result, bool) error { return nil }); err != nil {
		h.s.log.Error("rollback after a panic failed", "conn", c.ConnectionID, "err", err)
	}
}

// recoveredPrefix starts the error GMS's handler makes of a panic it recovered.
const recoveredPrefix = "panic recovered: "

// panicText is msg without GMS's "panic recovered: " prefix and the stack trace GMS
// appends (the log has it).
func panicText(msg string) string {
	if i := strings.Index(msg, recoveredPrefix); i >= 0 {
		msg = msg[i+len(recoveredPrefix):]
		if j := strings.Index(msg, "\ngoroutine "); j >= 0 {
			msg = msg[:j]
		}
		if j := strings.Index(msg, "\n"); j >= 0 {
			msg = msg[:j]
		}
		msg = "internal error: " + msg
	}
	return msg
}

// mapError gives GMS errors that reach the client as MySQL's generic 1105 the code MySQL
// uses (a CHECK violation is 3819, a failed privilege check 1142, ...): the translation
// lives in sql/backend (MySQLError).
func mapError(err error) error { return backend.MySQLError(err) }

// mapStmtError is mapError for the error of a statement on c, which gets MySQL's text
// for a value that does not fit its column, with the column and row
// (backend.MySQLErrorFor; the statement's note is dropped).
func mapStmtError(c *mysql.Conn, err error) error {
	if err == nil {
		backend.ForgetColumnNotes(c.ConnectionID)
		return nil
	}
	return backend.MySQLErrorFor(c.ConnectionID, err)
}
