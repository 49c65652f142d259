// Package dataio moves rows between files and tables: the machinery of dsql table import
// and dsql table export.
//
// # Pieces
//
//   - Readers (read.go): CSV, TSV and PSV through our own splitter, which yields exactly
//     encoding/csv's records, lines, columns and errors (TestDelimitedLikeEncodingCSV) but
//     fills batches of field bytes without a string per record (header line, RFC 4180
//     quoting, CRLF, a leading UTF-8 BOM skipped, an empty field is NULL); JSON (an
//     array of objects or {"rows": [...]}) and JSONL through encoding/json, keys in file
//     order. Every record carries its line (and, for delimited files, each field's
//     column) for error messages. Parquet (parquet.go, parquet-go): flat columns of a
//     seekable file, each value turned into the text (or number) INSERT converts.
//   - Inferrer (infer.go): the narrowest column types that hold every value of a file,
//     as a CREATE TABLE statement.
//   - SchemaFromDDL (schema.go): a CREATE TABLE statement run through the real engine
//     and backend in a scratch in-memory database, so an imported table's schema is
//     exactly the one the same CREATE TABLE would store.
//   - Import (import.go, convert.go, sorter.go, index.go): a pipeline of one reader
//     goroutine filling batches, up to four converting goroutines, and the builder taking
//     batches in file order (so the first bad row of the file is the one reported, and
//     --continue counts skips in file order); LOAD DATA's bulk path feeds the same batches
//     from its own reader (loaddata.go). It converts each record with the
//     column types as INSERT converts string literals (GMS's Convert with INSERT's
//     strictness; fast paths give identical values for canonical integers, floats,
//     dates, datetimes and strings), encodes rows with typeconv, and builds the row map
//     and every secondary index with prolly.Builder.
//   - Export (export.go): rows in primary-key order as CSV/TSV/PSV, JSON, JSONL or SQL,
//     values in MySQL's text form (GMS's SQL rendering; in SQL, bytes as X'..' and BIT
//     as its number), or as Parquet with MySQL types mapped to Parquet logical types
//     (parquet.go has the table); a Parquet export imports back to the same table hash
//     (TestParquetRoundTrip).
//
// # Invariants
//
//   - Same as INSERT: an imported table (schema, rows, secondary indexes, auto-increment
//     counter) has the same hash as the table CREATE TABLE and INSERTs of the same rows
//     make; sorted, shuffled and spilled inputs alike (TestImportEqualsInsert). Index
//     maps use sql/backend's layout and pass backend.CheckIndexes.
//   - Atomicity: Import changes nothing but the session transaction's working root, and
//     only after every row and index is built; the caller's COMMIT makes it durable in
//     one synced write. A bad row, an error or a crash leaves the table as it was
//     (TestMalformedCorpus; cli's kill -9 test). Chunks written before a failure are
//     unreachable garbage.
//   - Bounded memory: input sorted by primary key streams straight into the builder;
//     otherwise at most ImportOptions.MemLimit bytes of rows are sorted in memory before
//     a run spills to an unlinked temporary file, and runs are merged. Index keys are
//     sorted the same way. The store spills its write buffer on its own.
//   - Export round trip: a CSV whose values are in MySQL's canonical text exports back
//     byte for byte (TestExportRoundTrip).
//
// # LOAD DATA
//
// LoadDataBuilder (loaddata.go), installed by server.NewEngine as GMS's priority exec
// builder, supplies the rows of every LOAD DATA from its own reader, which follows
// MySQL's field and line rules (enclosures, escapes, NULL forms, LINES STARTING BY,
// multi-character terminators, IGNORE n LINES, short and long records in strict and
// IGNORE mode, column lists with @variables and SET; loaddata.go lists them), and fires
// INSERT triggers (GMS's planner applies none to LOAD DATA, so such a statement is
// planned again as an INSERT). A plain LOAD DATA [LOCAL-less, IGNORE/REPLACE-less,
// SET-less] INFILE into an empty table with a primary key (and no auto-increment column,
// foreign key, check, generated column or trigger) goes through Import in Replace mode,
// about 3x faster; every other one runs GMS's INSERT plan over the same rows
// (TestLoadDataBulkEqualsRowPath, TestLoadDataFieldRules). integration-tests'
// TestLoadDataLikeMariaDB asserts that both paths leave exactly MariaDB's rows (and fail
// where it fails) for every case; the one difference is MySQL 8's rounding of extra
// fractional seconds where MariaDB truncates.
//
// # The row path
//
// Tables with no primary key, a foreign key (either side), an enforced CHECK constraint,
// a generated column, an INSERT/UPDATE trigger, or a column whose default is an
// expression and that the file may not give, are imported through GMS's own INSERT
// machinery (rowpath.go): converted as on the bulk path, then inserted by an analyzed
// INSERT (ON DUPLICATE KEY UPDATE for -u; -r empties the table like TRUNCATE, refused
// when another table's foreign key references it) in statements of 8192 rows inside the
// import's transaction. Everything INSERT does happens: defaults (expression defaults
// too), generated columns, AUTO_INCREMENT, CHECK and foreign-key checks (errors name
// file:line and MySQL's code), INSERT triggers (and UPDATE triggers for rows -u
// updates). A failure puts the transaction's root back, so every table is unchanged;
// --continue skips the failing row. Results equal INSERTs of the same rows
// (TestImportRowPath).
//
// # Concurrency
//
// Readers, Inferrers and imports are not safe for concurrent use; Import runs in one
// session's transaction like a statement.
package dataio
