// Package server runs dsql's MySQL-protocol server (dsql sql-server) and builds the SQL
// engine that both front ends share (NewEngine; dsql sql uses it without a network).
//
// # Pieces
//
//   - Config: the YAML file (LoadConfig, ParseConfig; strict: an unknown key is an error
//     naming the key and its line). Keys: listener.host (127.0.0.1), listener.port (3306),
//     listener.max_connections (100), listener.tls_cert and listener.tls_key (PEM; when
//     set, clients may use TLS), listener.require_secure_transport (refuse plain
//     connections), read_only, log_level (debug, info, warn, error), users (name,
//     password, host; default root@localhost without a password; loopback addresses count
//     as localhost), data_dir (default: the current directory; relative paths in a file
//     are relative to the file). See Config for an annotated example.
//   - Engine (NewEngine): a backend.Provider over the repositories of the data directory
//     (each subdirectory with a .dsql store, plus the data directory itself when it is a
//     repository: served as the database named after the directory, the sessions'
//     default database), each store a pebblestore; GMS's engine over it; sessions from
//     sql/session. Users and grants made with CREATE USER, GRANT, ... are kept in
//     <data_dir>/.dsqlcfg/privileges.db, loaded at start; the configured users are
//     superusers that live only while the process runs and are never written there.
//   - Local commands (local.go): while a Server runs, <data_dir>/.dsqlcfg/sql-server.json
//     (mode 0600) holds its address and the password of an ephemeral superuser that
//     exists only in that process; dsql's CLI verbs find it with LocalServer and run
//     through the server when it holds their repository. The file is removed on Close;
//     one left by a killed server is stale (process gone or port silent) and ignored.
//   - Server (New, Start, Close): GMS's server over an Engine, with log/slog logging
//     (text to stderr, level from the config; GMS's logrus and vitess's log output are
//     routed into it, see RouteLibraryLogs).
//
// # Invariants
//
//   - Single process per repository: New (and NewEngine) hold every store's lock for the
//     life of the Server; a second process gets an error wrapping ErrInUse that names the
//     database and the lock file. The kernel releases the lock when a process dies, so a
//     crash never needs manual cleanup.
//   - A statement's panic costs the statement, not the connection: every command that
//     runs a statement recovers a panic of its execution (a bug in GMS or dsql reached
//     by one statement; vitess would close the connection) and answers 1105 with a
//     short message, after rolling back the session's transaction (recoverStatement;
//     TestStatementPanic). A panic GMS recovered itself gets the same short message
//     and rollback. The stack goes to the log.
//   - Durable privileges: the privileges file is replaced atomically (temporary file,
//     fsync, rename, fsync of the directory) before CREATE USER or GRANT returns OK; a
//     crash leaves the old or the new file whole.
//   - Error codes: a wrong password or unknown user is MySQL error 1045, a missing grant
//     1142 (GMS reports it as 1105; the server's handler maps it with
//     backend.MySQLError, as it maps every GMS error MySQL has a code for), a statement
//     sent while the server stops 1053, a statement ended by KILL QUERY 1317. A value
//     that does not fit its column is reported in MySQL's words with the column and the
//     statement's row (mapStmtError, backend.MySQLErrorFor: "Out of range value for
//     column 'a' at row 2", 1264/1366/1292/1265/1406/1048).
//   - Parenthesized queries: the engine's parser (parens.go, installed as GMS's parser
//     override) accepts a query expression in parentheses as a statement, as MySQL 8
//     does ((SELECT 1), (SELECT a FROM t) ORDER BY a, ...), in COM_QUERY, multi-statement
//     queries, PREPARE ... FROM and dsql sql; it rewrites only a statement GMS's parser
//     refused, on the vitess tokenizer's tokens. COM_STMT_PREPARE of such a statement
//     fails in vitess's connection (its own parse) with vitess's syntax error.
//   - CAST(s AS CHAR(n)) (castchar.go, a layer of the same parser override): the parsed
//     statement's CAST/CONVERT to CHAR(n) becomes backend's cast_as_char(s, n), which cuts
//     n characters with MySQL's warning 1292 (GMS's plan builder drops the length of a
//     conversion of a LONGTEXT, and cut bytes otherwise); not in column definitions.
//   - Statement rewrites of the same parser override (odkuselect.go's odkuParser calls
//     them on every statement it parses, each after a scan of the text for its keyword):
//     a LIKE pattern literal with a backslash gets ESCAPE '\' so GMS's filter
//     simplification keeps its escapes (likeescape.go; a prepared statement's pattern
//     parameter gets it from ComStmtExecute); a HAVING name is the SELECT alias before a
//     column, and ORDER BY n under DISTINCT names the n-th expression (selectnames.go);
//     GROUP_CONCAT(a, b) is GROUP_CONCAT(CONCAT(a, b)) (groupconcatargs.go).
//   - Table maintenance (tablemaint.go): CHECK, CHECKSUM, ANALYZE, OPTIMIZE and REPAIR
//     TABLE are recognised by their text (GMS refuses four of them) and run as a plan
//     node through PrepQueryPlanForExecution, in COM_QUERY, multi-statement queries and
//     dsql sql; CHECK TABLE verifies node hashes and index entries
//     (backend.VerifyTable). ANALYZE TABLE of an empty table no longer panics in GMS's
//     statistics (analyze.go).
//   - The client's collation (clientcollation.go): a session starts with the utf8mb4
//     collation of the client's handshake as @@collation_connection (string literals
//     compare as in MySQL), and SET NAMES cs COLLATE coll keeps its COLLATE (a text
//     rewrite: the parser drops the clause).
//   - OK info texts (okinfo.go): a text shorter than 35 bytes is padded to 35, the length
//     MariaDB's client library reads from the '#' vitess writes before it (SQL PREPARE
//     from the mysql client failed with 2027).
//   - GMS's parser-gated checks (parenschecks.go): the one check GMS's plan builder makes
//     only when the engine's parser is its own (a foreign key with ON DELETE/ON UPDATE
//     SET DEFAULT is refused) is made by the engine's parser on every statement it
//     returns: such a CREATE TABLE or ALTER TABLE fails with 1215 (HY000) and changes
//     nothing; in a procedure's or event's body, when it runs.
//   - Comments as MySQL reads them (comments.go, on the text of COM_QUERY,
//     multi-statement queries, COM_STMT_PREPARE and dsql sql): MariaDB's /*M!...*/ is a
//     plain comment (the parser would run it), and two minus signs not followed by a
//     space, a control character or the end of the text are minus minus (1 > --1 is
//     1 > - -1; the parser took any -- as a comment); in a string literal \_ and \% keep
//     their backslash, as in MySQL (the parser dropped it). Such a pair gets a space between
//     its signs, so a result column named after the expression shows it (- -1), and a
//     COM_STMT_PREPARE whose text vitess's connection cannot parse with -- a comment
//     (SELECT ? > --1) fails there with vitess's syntax error (1105); so does the
//     statement in the string of PREPARE ... FROM (1064), which is not rewritten.
//   - Multi-statement queries (server.go, ComMultiQuery): a failing statement ends the
//     query as in MySQL; vitess's connection ran the statements after it
//     (TestMultiStatementStopsAtError).
//   - Prepared parameter count (preparecount.go): a COM_STMT_PREPARE announces as many
//     parameters as the statement has ? tokens; vitess's connection counted none in a
//     set operation's ORDER BY and LIMIT (SELECT 1 UNION SELECT 2 LIMIT ? was prepared
//     with no parameter), and the handler's ComPrepare raises its count (never lowers).
//
// # Fast paths and checks (prepared.go, textcache.go, selectexec.go, selectlimit.go, backend.InstallStrictChecks, backend.InstallPlannerFixes)
//
// The server runs statements through GMS's handler except in four places (and its
// connections do their own socket I/O outside Go's network poller, waiting for the next
// statement spinning briefly, then in ppoll(2): pollconn_linux.go):
//
//   - Prepared lookup statements: a prepared SELECT, UPDATE or DELETE whose integer
//     parameters only bound an index lookup (`WHERE id = ?`, `WHERE id BETWEEN ? AND
//     ?`; with ORDER BY, DISTINCT or aggregates above a SELECT) and whose other
//     parameters are whole `SET c = ?` values, and a single-row INSERT, runs from GMS's
//     analyzed plan, cached per connection and statement, with only its index lookup
//     and parameter literals rebuilt per execute; SELECTs run in the connection's
//     goroutine (runCached). A text statement of the same shapes with constants in
//     those places is normalized into such a statement (its constants become the
//     parameters) and runs from a plan cached per connection and normalized text
//     (textcache.go).
//   - SELECT results: a prepared SELECT, or a single SELECT sent as text, without INTO,
//     is bound, analyzed and executed by GMS, but its rows are read, converted and sent in
//     the connection's goroutine, 128 per write, instead of through GMS's three
//     goroutines and per-row channel (selectExecute, queryExecute). Column descriptions
//     come from fieldsOf, tested equal to GMS's for every column type.
//   - Transaction statements: BEGIN, START TRANSACTION, COMMIT and ROLLBACK (exactly
//     those words, as text or prepared) run GMS's own plan node for them, built from the
//     text without parsing or analysis (txstmt.go; TestTxStatements compares a seeded
//     run of them with GMS's handler's).
//   - Assignments: the exec builder wraps the value of every assignment to a numeric
//     column (UPDATE SET, ON DUPLICATE KEY UPDATE, a trigger's SET NEW.c) in a range
//     check, so an out-of-range value fails with 1264 as an INSERT does (GMS stores the
//     clamped value); with IGNORE the value is clamped with warning 1264, as MySQL does.
//
// All four keep GMS's process list entry (SHOW PROCESSLIST, KILL QUERY: 1317),
// transaction start and autocommit, status flags and error codes, and @@sql_select_limit,
// which is applied as a statement's plan root is built rather than by GMS's analyzer
// (selectlimit.go), so that cached plans serve under any limit.
//
// GMS planner rules that returned wrong rows are corrected (backend.InstallPlannerFixes):
// an ORDER BY above a derived table's or view's own ORDER BY ... LIMIT no longer reverses
// the index scan under that LIMIT (which picked the wrong rows); an ORDER BY over a
// derived table or view that joins is kept, and a descending one over a merge join no
// longer reverses the join; x NOT IN (subquery) follows SQL's NULL rules; a UNION's
// OFFSET skips rows of its sorted result; a UNION's ORDER BY 1 sorts by its first column
// when the first SELECT's is a literal (resultfixes_test.go, sortlimit_test.go,
// unionsort_test.go).
//
// # Shutdown
//
// Close (dsql sql-server on SIGINT or SIGTERM) stops accepting connections and refuses new
// statements, waits up to Options.DrainTimeout (10 s by default) for statements in flight
// to finish, closes the client connections, then closes the engine and every store
// (releasing their locks). An open transaction that was not committed is lost, as with
// any MySQL server; committed ones are durable (see sql/session).
//
// # Concurrency
//
// A Server serves each connection on its own goroutine; sessions of many connections run
// statements concurrently against the same repositories (sql/session serialises their
// commits). Server and Engine methods are safe for concurrent use; Close may be called
// from any goroutine, more than once. RouteLibraryLogs changes process-wide loggers: the
// last Server created decides where GMS's and vitess's log lines go.
package server
