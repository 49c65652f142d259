//go:build linux && cgo

package server

/*
#include <malloc.h>
*/
import "C"

// mallocTrim hands the C heap's free memory back to the operating system: Pebble's
// block cache and memtables are allocated with C's malloc (idle.go).
func mallocTrim() { C.malloc_trim(0) }
