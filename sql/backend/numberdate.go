package backend

import (
	"fmt"
	"time"
)

// Numbers stored into DATE, DATETIME and TIMESTAMP columns.
//
// MySQL reads an integer assigned to a date column as the digits of a date:
// YYYYMMDD (20230105), YYMMDD (230105; years 70-99 are 19xx, 00-69 20xx), and with a
// time of day YYYYMMDDhhmmss or YYMMDDhhmmss (20230105123456). GMS refused every
// integer (1292), so `INSERT INTO t (d) VALUES (20230105)` failed where MySQL stores
// 2023-01-05. fitColumn (INSERT rows, UPDATE and ON DUPLICATE KEY UPDATE assignments)
// gives such a value as the date's text, which the column's type then reads: a DATE
// keeps the date part. An integer that is not a date by those rules (out of every
// range, month 13, February 30, hour 24) is left as it is, and fails as before naming
// the number; 0 (the zero date) is left to the zero-date checks. Not covered: a
// comparison of a date column with an integer (`d = 20230105` is false; MySQL: true),
// LOAD DATA and `dsql table import`, which read text. TestNumberDate,
// TestNumbersAsDates.

// yyPartYear splits two-digit years: below it 20xx, from it 19xx (MySQL's YY_PART_YEAR).
const yyPartYear = 70

// numberDate returns the text of the date and time v, an integer, stands for by MySQL's
// rules (above), and whether it stands for one.
func numberDate(v any) (string, bool) {
	mag, neg, ok := intParts(v) // lookup.go
	if !ok || neg || mag > 99999999999999 {
		return "", false
	}
	nr := int64(mag)
	switch {
	case nr < 101:
		return "", false // 0 (the zero date) and numbers no date reads
	case nr <= (yyPartYear-1)*10000+1231:
		nr = (nr + 20000000) * 1000000
	case nr < yyPartYear*10000+101:
		return "", false
	case nr <= 991231:
		nr = (nr + 19000000) * 1000000
	case nr < 10000101:
		return "", false
	case nr <= 99991231:
		nr *= 1000000
	case nr < 101000000:
		return "", false
	case nr <= (yyPartYear-1)*10000000000+1231235959:
		nr += 20000000000000
	case nr < yyPartYear*10000000000+101000000:
		return "", false
	case nr <= 991231235959:
		nr += 19000000000000
	case nr < 10000101000000 || nr > 99991231235959:
		return "", false
	}
	date, clock := nr/1000000, nr%1000000
	year, month, day := date/10000, date/100%100, date%100
	hour, minute, second := clock/10000, clock/100%100, clock%100
	if month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59 ||
		time.Date(int(year), time.Month(month), int(day), 0, 0, 0, 0, time.UTC).Day() != int(day) { // 2023-02-30
		return "", false
	}
	return fmt.Sprintf("%04d-%02d-%02d %02d:%02d:%02d", year, month, day, hour, minute, second), true
}
