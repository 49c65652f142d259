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
