package tuple

import (
	"fmt"
	"math"
	"time"
)

// Date is a MySQL DATE. The zero value is MySQL's zero date 0000-00-00. Valid dates have
// Year 0..9999, Month 0..12, Day 0..31, and when Month and Day are both non-zero, Day at
// most the month's length (MySQL's leap rule: divisible by 4 and not by 100, or by 400 but
// not year 0). Zero parts ("2024-00-00") are accepted as MySQL stores them without
// NO_ZERO_IN_DATE; they sort before the first month or day.
type Date struct {
	Year  uint16
	Month uint8
	Day   uint8
}

// DateOf returns the date of t in t's location.
func DateOf(t time.Time) Date {
	return Date{Year: uint16(t.Year()), Month: uint8(t.Month()), Day: uint8(t.Day())}
}

func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// IsZero reports whether d is 0000-00-00.
func (d Date) IsZero() bool { return d == Date{} }

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || (y%400 == 0 && y != 0)) }

var monthDays = [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

func (d Date) check() error {
	if d.Year > 9999 || d.Month > 12 || d.Day > 31 {
		return fmt.Errorf("date %v out of range", d)
	}
	if d.Month > 0 && d.Day > 0 {
		n := monthDays[d.Month]
		if d.Month == 2 && isLeap(int(d.Year)) {
			n = 29
		}
		if int(d.Day) > n {
			return fmt.Errorf("date %v does not exist", d)
		}
	}
	return nil
}

// pack returns the 23-bit packed date: year<<9 | month<<5 | day.
func (d Date) pack() uint64 { return uint64(d.Year)<<9 | uint64(d.Month)<<5 | uint64(d.Day) }

func unpackDate(u uint64) Date {
	return Date{Year: uint16(u >> 9), Month: uint8(u>>5) & 0xF, Day: uint8(u) & 0x1F}
}

// Datetime is a MySQL DATETIME(fsp). The zero value is 0000-00-00 00:00:00. The date part
// follows Date's rules; Hour 0..23, Minute and Second 0..59, Micro 0..999999 with no
// non-zero digits past the field's FSP.
type Datetime struct {
	Year   uint16
	Month  uint8
	Day    uint8
	Hour   uint8
	Minute uint8
	Second uint8
	Micro  uint32
}

// DatetimeOf returns the wall-clock date and time of t in t's location, truncated to
// microseconds.
func DatetimeOf(t time.Time) Datetime {
	return Datetime{
		Year: uint16(t.Year()), Month: uint8(t.Month()), Day: uint8(t.Day()),
		Hour: uint8(t.Hour()), Minute: uint8(t.Minute()), Second: uint8(t.Second()),
		Micro: uint32(t.Nanosecond() / 1000),
	}
}

// Date returns the date part of dt.
func (dt Datetime) Date() Date { return Date{Year: dt.Year, Month: dt.Month, Day: dt.Day} }

func (dt Datetime) String() string {
	s := fmt.Sprintf("%v %02d:%02d:%02d", dt.Date(), dt.Hour, dt.Minute, dt.Second)
	if dt.Micro != 0 {
		s += fmt.Sprintf(".%06d", dt.Micro)
	}
	return s
}

const (
	microsPerSecond = 1_000_000
	microsPerDay    = 86_400 * microsPerSecond
	todBits         = 37 // bits of the microsecond-of-day in a packed Datetime
	// MaxTime is the largest TIME, 838:59:59.999999; -MaxTime is the smallest.
	MaxTime = time.Duration(((838*60+59)*60+59)*microsPerSecond+999_999) * time.Microsecond
	// maxTimestampMicros is 2038-01-19 03:14:07.999999 UTC in Unix microseconds.
	maxTimestampMicros = (math.MaxInt32+1)*microsPerSecond - 1
)

var pow10 = [...]int64{1, 10, 100, 1000, 10_000, 100_000, 1_000_000}

// checkFSP refuses micros with non-zero digits past fsp fractional digits.
func checkFSP(micros int64, fsp int) error {
	if micros%pow10[MaxFSP-fsp] != 0 {
		return fmt.Errorf("more fractional second digits than fsp %d", fsp)
	}
	return nil
}

func (dt Datetime) check(fsp int) error {
	if err := dt.Date().check(); err != nil {
		return err
	}
	if dt.Hour > 23 || dt.Minute > 59 || dt.Second > 59 || dt.Micro > 999_999 {
		return fmt.Errorf("time of day %02d:%02d:%02d.%06d out of range", dt.Hour, dt.Minute, dt.Second, dt.Micro)
	}
	return checkFSP(int64(dt.Micro), fsp)
}

func (dt Datetime) pack() uint64 {
	tod := (uint64(dt.Hour)*3600+uint64(dt.Minute)*60+uint64(dt.Second))*microsPerSecond + uint64(dt.Micro)
	return dt.Date().pack()<<todBits | tod
}

func unpackDatetime(u uint64) Datetime {
	d := unpackDate(u >> todBits)
	tod := u & (1<<todBits - 1)
	secs := tod / microsPerSecond
	return Datetime{
		Year: d.Year, Month: d.Month, Day: d.Day,
		Hour: uint8(secs / 3600), Minute: uint8(secs / 60 % 60), Second: uint8(secs % 60),
		Micro: uint32(tod % microsPerSecond),
	}
}

func checkTime(d time.Duration, fsp int) (int64, error) {
	if d%time.Microsecond != 0 {
		return 0, fmt.Errorf("TIME %v is not a whole number of microseconds", d)
	}
	if d > MaxTime || d < -MaxTime {
		return 0, fmt.Errorf("TIME %v outside -838:59:59.999999..838:59:59.999999", d)
	}
	micros := int64(d / time.Microsecond)
	return micros, checkFSP(micros, fsp)
}

// checkTimestamp accepts 0 (the zero timestamp) and 1970-01-01 00:00:01 UTC ..
// 2038-01-19 03:14:07.999999 UTC in Unix microseconds.
func checkTimestamp(micros int64, fsp int) error {
	if micros != 0 && (micros < microsPerSecond || micros > maxTimestampMicros) {
		return fmt.Errorf("TIMESTAMP %d µs outside 1970-01-01 00:00:01..2038-01-19 03:14:07.999999 UTC", micros)
	}
	return checkFSP(micros, fsp)
}

func checkYear(y uint16) error {
	if y != 0 && (y < 1901 || y > 2155) {
		return fmt.Errorf("YEAR %d outside 0 and 1901..2155", y)
	}
	return nil
}

// Fixed-width integer codecs: big-endian, signed values with the sign bit flipped so that
// the bytes order as the numbers do.

func appendUint(dst []byte, u uint64, w int) []byte {
	for s := (w - 1) * 8; s >= 0; s -= 8 {
		dst = append(dst, byte(u>>s))
	}
	return dst
}

func readUint(b []byte) uint64 {
	var u uint64
	for _, c := range b {
		u = u<<8 | uint64(c)
	}
	return u
}

func appendInt(dst []byte, v int64, w int) []byte {
	return appendUint(dst, uint64(v)^1<<(w*8-1), w)
}

func readInt(b []byte) int64 {
	bits := uint(len(b) * 8)
	u := readUint(b) ^ 1<<(bits-1)
	return int64(u<<(64-bits)) >> (64 - bits)
}

func intRange(w int) (lo, hi int64) {
	hi = int64(uint64(1)<<(w*8-1) - 1)
	return -hi - 1, hi
}

func uintMax(w int) uint64 {
	if w == 8 {
		return math.MaxUint64
	}
	return 1<<(w*8) - 1
}

// Float codecs: IEEE 754 bits, sign bit flipped for positive numbers and all bits flipped
// for negative ones, so that the bytes order as the numbers do.

func float64Key(f float64) uint64 {
	u := math.Float64bits(f)
	if u>>63 != 0 {
		return ^u
	}
	return u | 1<<63
}

func float64FromKey(u uint64) float64 {
	if u>>63 != 0 {
		return math.Float64frombits(u &^ (1 << 63))
	}
	return math.Float64frombits(^u)
}

func float32Key(f float32) uint32 {
	u := math.Float32bits(f)
	if u>>31 != 0 {
		return ^u
	}
	return u | 1<<31
}

func float32FromKey(u uint32) float32 {
	if u>>31 != 0 {
		return math.Float32frombits(u &^ (1 << 31))
	}
	return math.Float32frombits(^u)
}
