package server

import (
	"strings"

	"github.com/dolthub/vitess/go/mysql"
	"github.com/dolthub/vitess/go/sqltypes"
)

// The info text of an OK packet.
//
// An OK packet may end with an info text ("Statement prepared" after PREPARE, "Rows
// matched: 1  Changed: 1  Warnings: 0" after UPDATE). vitess writes it as one byte '#'
// followed by the text. MariaDB's client library (the mysql and mysqlcheck programs of
// mariadb-client) reads the info as a length-encoded string, so it reads that '#' as a
// length of 35: a shorter text made it fail with 2027 "Received malformed packet" (SQL
// PREPARE from the mysql client always did), and a longer one was cut to 35 bytes.
// Clients that read the rest of the packet (MySQL's own library, drivers) see the text
// after the '#'. okInfo pads a shorter text with spaces to exactly 35 bytes, the one
// length both readings accept. TestPrepareFromMySQLClient.

// okInfoLen is the length vitess's '#' announces to a length-encoded reader.
const okInfoLen = '#'

// padOKInfo pads r's info text to okInfoLen bytes if r is an OK result with a shorter
// one.
func padOKInfo(r *sqltypes.Result) {
	if r != nil && len(r.Fields) == 0 && r.Info != "" && len(r.Info) < okInfoLen {
		r.Info += strings.Repeat(" ", okInfoLen-len(r.Info))
	}
}

// okInfo wraps a text statement's result callback with padOKInfo.
func okInfo(cb mysql.ResultSpoolFn) mysql.ResultSpoolFn {
	return func(r *sqltypes.Result, more bool) error {
		padOKInfo(r)
		return cb(r, more)
	}
}
