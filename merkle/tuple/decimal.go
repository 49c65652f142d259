package tuple

import (
	"fmt"
	"math/big"

	"github.com/shopspring/decimal"
)

// A DECIMAL(p,s) value v is stored as the integer u = v·10^s (exactly: a value with more
// than s fractional digits is refused), |u| < 10^p, written as a w-byte big-endian two's
// complement number with its sign bit flipped, w = decimalWidth[p]. The bytes therefore
// order as the numbers do, every value has exactly one encoding, and the width depends on
// the precision only.

// unscaled returns v·10^scale as an integer, or an error if v has non-zero digits past
// scale or |v·10^scale| >= 10^precision.
func unscaled(v decimal.Decimal, precision, scale int) (*big.Int, error) {
	u := v.Coefficient() // a copy
	if u.Sign() == 0 {
		return u, nil
	}
	e := int64(v.Exponent()) + int64(scale)
	switch {
	case e > int64(precision):
		return nil, fmt.Errorf("%v does not fit DECIMAL(%d,%d)", v, precision, scale)
	case e > 0:
		u.Mul(u, pow10Big[e])
	case e < 0:
		k := -e
		// 10^k > 2^(3k) > |u| when 3k > bitlen: the division cannot be exact.
		if k > int64(u.BitLen())/3+1 {
			return nil, fmt.Errorf("%v has more than %d fractional digits", v, scale)
		}
		var r big.Int
		u.QuoRem(u, new(big.Int).Exp(big.NewInt(10), big.NewInt(k), nil), &r)
		if r.Sign() != 0 {
			return nil, fmt.Errorf("%v has more than %d fractional digits", v, scale)
		}
	}
	if u.CmpAbs(pow10Big[precision]) >= 0 {
		return nil, fmt.Errorf("%v does not fit DECIMAL(%d,%d)", v, precision, scale)
	}
	return u, nil
}

// appendDecimal appends the w-byte encoding of the unscaled integer u (|u| < 10^p).
func appendDecimal(dst []byte, u *big.Int, w int) []byte {
	if w <= 8 {
		return appendInt(dst, u.Int64(), w)
	}
	var m big.Int
	if u.Sign() < 0 {
		// two's complement: 2^(8w) + u
		m.Lsh(big.NewInt(1), uint(8*w))
		m.Add(&m, u)
	} else {
		m.Set(u)
	}
	start := len(dst)
	dst = append(dst, make([]byte, w)...)
	m.FillBytes(dst[start:])
	dst[start] ^= 0x80
	return dst
}

// readDecimalUnscaled decodes the unscaled integer from b (len(b) == decimalWidth[p]) and
// checks |u| < 10^p.
func readDecimalUnscaled(b []byte, precision int) (*big.Int, error) {
	var u *big.Int
	if len(b) <= 8 {
		u = big.NewInt(readInt(b))
	} else {
		buf := make([]byte, len(b))
		copy(buf, b)
		buf[0] ^= 0x80
		u = new(big.Int).SetBytes(buf)
		if buf[0]&0x80 != 0 {
			u.Sub(u, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
		}
	}
	if u.CmpAbs(pow10Big[precision]) >= 0 {
		return nil, fmt.Errorf("unscaled value %v has more than %d digits", u, precision)
	}
	return u, nil
}
