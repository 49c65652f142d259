package typeconv

import (
	"math"
	"strconv"
)

// Floating-point values as text, the way MySQL writes them.
//
// MySQL (and MariaDB) write a DOUBLE with the shortest digits that read back as the same
// value, and a FLOAT with at most 6 significant digits (FLT_DIG), in plain decimal
// notation when the decimal point falls within 15 digits of the first digit, else as
// d.ddde<exp> with no '+' and no padding of the exponent:
//
//	DOUBLE 1234567 -> 1234567     (Go's %g: 1.234567e+06)
//	DOUBLE 1e14    -> 100000000000000
//	DOUBLE 1e15    -> 1e15
//	DOUBLE 1.5e-7  -> 0.00000015
//	DOUBLE 1e-15   -> 0.000000000000001
//	DOUBLE 1e-16   -> 1e-16
//	FLOAT 1234567  -> 1234570
//	-0             -> 0
//
// Measured against MariaDB 10.11 (same my_gcvt as MySQL 8), TestAppendFloatMySQL.
// go-mysql-server writes them with strconv's %g, so the server and the CLI reformat
// float columns of text results with AppendFloat.

// AppendFloat appends f, a DOUBLE (bits 64) or a FLOAT (bits 32), to dst as MySQL
// writes it in a text result. NaN and infinities, which MySQL does not store, are
// written as strconv does.
func AppendFloat(dst []byte, f float64, bits int) []byte {
	if f == 0 {
		return append(dst, '0')
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return strconv.AppendFloat(dst, f, 'g', -1, 64)
	}
	if f < 0 {
		dst = append(dst, '-')
		f = -f
	}
	// d.ddddde±XX: the significant digits and the exponent.
	var buf [32]byte
	var e []byte
	if bits == 32 {
		e = strconv.AppendFloat(buf[:0], f, 'e', 5, 64) // FLT_DIG significant digits
	} else {
		e = strconv.AppendFloat(buf[:0], f, 'e', -1, 64)
	}
	i := 0
	for i < len(e) && e[i] != 'e' {
		i++
	}
	exp, _ := strconv.Atoi(string(e[i+1:]))
	var digits [32]byte
	nd := 0
	for _, c := range e[:i] {
		if c != '.' {
			digits[nd] = c
			nd++
		}
	}
	for nd > 1 && digits[nd-1] == '0' {
		nd--
	}
	d := digits[:nd]
	decpt := exp + 1 // the value is 0.d × 10^decpt
	if decpt > 15 || decpt < -14 {
		dst = append(dst, d[0])
		if len(d) > 1 {
			dst = append(dst, '.')
			dst = append(dst, d[1:]...)
		}
		dst = append(dst, 'e')
		return strconv.AppendInt(dst, int64(exp), 10)
	}
	switch {
	case decpt <= 0:
		dst = append(dst, '0', '.')
		for range -decpt {
			dst = append(dst, '0')
		}
		return append(dst, d...)
	case decpt < len(d):
		dst = append(dst, d[:decpt]...)
		dst = append(dst, '.')
		return append(dst, d[decpt:]...)
	default:
		dst = append(dst, d...)
		for range decpt - len(d) {
			dst = append(dst, '0')
		}
		return dst
	}
}
