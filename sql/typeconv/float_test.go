package typeconv

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestAppendFloatMySQL: DOUBLE and FLOAT values written as MariaDB 10.11 writes them in a
// text result (the expected strings were read from mariadbd: SELECT of DOUBLE literals
// and of a FLOAT column); every DOUBLE written reads back as the same value.
func TestAppendFloatMySQL(t *testing.T) {
	for _, tt := range []struct {
		f    float64
		bits int
		want string
	}{
		{1234567, 64, "1234567"},
		{1e15, 64, "1e15"},
		{1e14, 64, "100000000000000"},
		{0.00001, 64, "0.00001"},
		{0.0001, 64, "0.0001"},
		{123456789012345678, 64, "1.2345678901234568e17"},
		{1e16, 64, "1e16"},
		{1.5e-7, 64, "0.00000015"},
		{-2.5e20, 64, "-2.5e20"},
		{1e10, 64, "10000000000"},
		{1.0 / 3, 64, "0.3333333333333333"},
		{66666.66666666666, 64, "66666.66666666666"},
		{1e-10, 64, "0.0000000001"},
		{1.5e-10, 64, "0.00000000015"},
		{1.2345e-8, 64, "0.000000012345"},
		{1e-20, 64, "1e-20"},
		{1.5e15, 64, "1.5e15"},
		{123456789012345.6, 64, "123456789012345.6"},
		{1234567890123456, 64, "1.234567890123456e15"},
		{999999999999999, 64, "999999999999999"},
		{1.2345678901234567e-10, 64, "0.00000000012345678901234568"},
		{1.7976931348623157e308, 64, "1.7976931348623157e308"},
		{5e-324, 64, "5e-324"},
		{0, 64, "0"},
		{math.Copysign(0, -1), 64, "0"},
		{12345678901234567890, 64, "1.2345678901234567e19"},
		{0.30000000000000004, 64, "0.30000000000000004"},
		{1e-15, 64, "0.000000000000001"},
		{1e-16, 64, "1e-16"},
		{1.5e-15, 64, "0.0000000000000015"},
		{float64(float32(1234567)), 32, "1234570"},
		{float64(float32(1e7)), 32, "10000000"},
		{float64(float32(1e15)), 32, "1e15"},
		{float64(float32(1e16)), 32, "1e16"},
		{float64(float32(1.5e-7)), 32, "0.00000015"},
		{float64(float32(1e-15)), 32, "0.000000000000001"},
		{float64(float32(1e-16)), 32, "1e-16"},
		{float64(float32(0.1)), 32, "0.1"},
		{float64(float32(3.4028234e38)), 32, "3.40282e38"},
		{float64(float32(123456789)), 32, "123457000"},
		{float64(float32(16777217)), 32, "16777200"},
	} {
		if got := string(AppendFloat(nil, tt.f, tt.bits)); got != tt.want {
			t.Errorf("AppendFloat(%v, %d) = %s, want %s", tt.f, tt.bits, got, tt.want)
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		f := math.Float64frombits(rng.Uint64())
		if math.IsNaN(f) || math.IsInf(f, 0) {
			continue
		}
		s := string(AppendFloat(nil, f, 64))
		back, err := strconv.ParseFloat(s, 64)
		if err != nil || back != f && !(f == 0 && back == 0) {
			t.Fatalf("AppendFloat(%v) = %s reads back as %v, %v", f, s, back, err)
		}
	}
}
