package backend

import "testing"

// TestNumberDate: MySQL's readings of integers as dates (number_to_datetime), and the
// integers no date reads.
func TestNumberDate(t *testing.T) {
	for _, c := range []struct {
		v    any
		want string
	}{
		{int64(20230105), "2023-01-05 00:00:00"},
		{int32(230105), "2023-01-05 00:00:00"},
		{int64(691231), "2069-12-31 00:00:00"},
		{int64(700101), "1970-01-01 00:00:00"},
		{int64(991231), "1999-12-31 00:00:00"},
		{int64(10000101), "1000-01-01 00:00:00"},
		{int64(99991231), "9999-12-31 00:00:00"},
		{int64(20230105123456), "2023-01-05 12:34:56"},
		{int64(230105123456), "2023-01-05 12:34:56"},
		{int64(991231235959), "1999-12-31 23:59:59"},
		{uint64(20240229), "2024-02-29 00:00:00"},
		{int8(101), "2000-01-01 00:00:00"},
		{int64(0), ""},
		{int64(100), ""},
		{int64(-20230105), ""},
		{int64(691232), ""},         // day 32
		{int64(692000), ""},         // between the YY ranges
		{int64(5000101), ""},        // between YYMMDD and YYYYMMDD
		{int64(20231301), ""},       // month 13
		{int64(20230230), ""},       // February 30
		{int64(20230229), ""},       // not a leap year
		{int64(20230105243000), ""}, // hour 24
		{int64(100000000000000), ""},
		{"20230105", ""}, // strings are the type's to read
		{1.5, ""},
	} {
		got, ok := numberDate(c.v)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("numberDate(%T %v) = %q, %v; want %q", c.v, c.v, got, ok, c.want)
		}
	}
}
