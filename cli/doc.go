// Package cli is dsql's command-line front end: the cobra command tree behind the dsql
// binary. It parses arguments, calls into the layers below and prints results; it holds no
// domain logic of its own.
//
// # Conventions
//
//   - One file per verb. Each verb has an options struct filled from its flags and a run
//     function (runVersion, ...) that takes a context, the options and the output streams,
//     and returns an error. Tests call the run functions directly, or Main for the whole
//     path from arguments to exit code.
//   - A verb's --help starts with its examples, right after the one-line summary.
//   - Verbs return errors; they never print an error themselves and never exit the process.
//     Main turns an error into a "dsql: <message>" line on stderr and an exit code.
//
// # Version-control verbs
//
// config, status, add, reset, commit, log, branch, checkout, tag and show hold no
// version-control logic: one implementation, two front ends. Each opens the repository's
// embedded engine (server.NewEngine on the current directory, as dsql sql does; the
// session starts on the repository's checked-out branch, see vcs.go) and runs the SQL
// surface a MySQL client would: CALL dsql_commit/dsql_add/dsql_reset/dsql_branch/
// dsql_checkout('--move', ...)/dsql_tag(...) with the user's flags as bound arguments,
// and SELECTs over dsql_status, dsql_branches, dsql_tags and the dsql_log(...) table
// function. Statements carry user input only as bound parameters, never spliced into
// the SQL text. Procedure errors are reworded for the command line (cliError: advice such
// as CALL dsql_checkout('main') becomes dsql checkout main).
//
// Commits are signed with --author, else $DSQL_AUTHOR_NAME/$DSQL_AUTHOR_EMAIL, else
// user.name/user.email of the repository's configuration (repo.Config), else of the
// global one (a JSON file in $DSQL_CONFIG_HOME, default <os.UserConfigDir()>/dsql); with
// none, commit fails with git's "Please tell me who you are" advice. A repository held
// by a running dsql sql-server (server.ErrInUse) fails with the SQL to run through the
// server instead.
//
// On a terminal the verbs colour their output (yellow hashes, green current branch and
// staged tables, red unstaged ones; NO_COLOR turns it off) and page long output through
// $DSQL_PAGER, else $PAGER, else "less -FRX" (--no-pager, or output to a pipe: none).
//
// Transcripts of every verb are in testdata/script (testscript; "dsql" runs Main in the
// test binary; cmpmask compares output with <HASH>, <SHORT> and <DATE> placeholders).
//
// # Exit codes
//
//   - 0 (ExitOK): the command succeeded (including --help and a bare "dsql", which prints help).
//   - 1 (ExitError): the command ran and failed.
//   - 2 (ExitUsage): the command line was wrong (unknown verb or flag, bad flag value, wrong
//     number of arguments); stderr also says which --help to read.
//
// # Concurrency
//
// Main builds a fresh command tree on every call and keeps no global mutable state apart
// from the Version variable, which is set at link time; it is safe to call Main from many
// goroutines at once as long as they do not share output writers.
package cli
