//go:build !linux || !cgo

package server

// mallocTrim is a no-op where C's malloc_trim is not available (see malloctrim_cgo.go).
func mallocTrim() {}
