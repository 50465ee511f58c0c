package series

import (
	"fmt"
	"strconv"
	"time"
)

// timeKind is what a time column holds. Every row of a file must use the
// kind of its first row, so a stray integer among dates is caught.
type timeKind uint8

const (
	kindUnknown timeKind = iota
	kindIndex
	kindDate
	kindDateTime
)

func (k timeKind) String() string {
	switch k {
	case kindIndex:
		return "an integer period index"
	case kindDate:
		return "a date"
	case kindDateTime:
		return "a date-time"
	}
	return "unknown"
}

const secondsPerDay = 86400

// minYear is the earliest year a date may have. Earlier ones are typos in
// sales data, and year 1 would collide with the zero time.Time, which
// Series.Start uses to mean "integer index".
const minYear = 1000

// cellTime is one parsed time cell. For dates and date-times key is the
// wall-clock time written in the cell, in seconds since 1970-01-01 as if it
// were UTC, so that calendar arithmetic ignores the UTC offset; the offset
// is kept only to rebuild Series.Start. For an integer index key is the index.
type cellTime struct {
	key    int64
	offset int32
	zoned  bool
	kind   timeKind
}

// start rebuilds the time.Time a cell denotes.
func (c cellTime) start() time.Time {
	if !c.zoned || c.offset == 0 {
		return time.Unix(c.key, 0).UTC()
	}
	return time.Unix(c.key-int64(c.offset), 0).In(time.FixedZone("", int(c.offset)))
}

// parseTimeCell reads an integer period index, an ISO date (2006-01-02) or
// an ISO date-time (2006-01-02T15:04:05 or with a space instead of T,
// optionally with fractional seconds, which are dropped, and a Z or ±hh:mm
// offset). Years before minYear are rejected. It is hand-written because
// time.Parse costs more than the rest of a row together.
func parseTimeCell(s string) (cellTime, error) {
	if isInteger(s) {
		i, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return cellTime{}, fmt.Errorf("cannot parse %q as a period index: out of range", s)
		}
		return cellTime{key: i, kind: kindIndex}, nil
	}
	c, ok := parseISO(s)
	if !ok {
		return cellTime{}, fmt.Errorf("cannot parse %q as a date (2006-01-02), a date-time (2006-01-02T15:04:05) or an integer period index", s)
	}
	return c, nil
}

func isInteger(s string) bool {
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func parseISO(s string) (cellTime, bool) {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return cellTime{}, false
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 || y < minYear || m < 1 || m > 12 || d < 1 || d > daysIn(y, time.Month(m)) {
		return cellTime{}, false
	}
	day := daysFromCivil(y, m, d)
	if len(s) == 10 {
		return cellTime{key: day * secondsPerDay, kind: kindDate}, true
	}
	if s[10] != 'T' && s[10] != ' ' {
		return cellTime{}, false
	}
	clock, rest, ok := parseClock(s[11:])
	if !ok {
		return cellTime{}, false
	}
	c := cellTime{key: day*secondsPerDay + clock, kind: kindDateTime}
	c.offset, c.zoned, ok = parseZone(rest)
	return c, ok
}

// parseClock reads hh:mm:ss and an optional fraction, returning the seconds
// into the day and what follows.
func parseClock(s string) (int64, string, bool) {
	if len(s) < 8 || s[2] != ':' || s[5] != ':' {
		return 0, "", false
	}
	hh, ok1 := digits(s[0:2])
	mm, ok2 := digits(s[3:5])
	ss, ok3 := digits(s[6:8])
	if !ok1 || !ok2 || !ok3 || hh > 23 || mm > 59 || ss > 59 {
		return 0, "", false
	}
	rest := s[8:]
	if len(rest) > 1 && rest[0] == '.' {
		n := 1
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n == 1 {
			return 0, "", false
		}
		rest = rest[n:]
	}
	return int64(hh*3600 + mm*60 + ss), rest, true
}

// parseZone reads "", "Z" or ±hh:mm.
func parseZone(s string) (offset int32, zoned, ok bool) {
	switch {
	case s == "":
		return 0, false, true
	case s == "Z":
		return 0, true, true
	case len(s) != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':':
		return 0, false, false
	}
	hh, ok1 := digits(s[1:3])
	mm, ok2 := digits(s[4:6])
	if !ok1 || !ok2 || hh > 23 || mm > 59 {
		return 0, false, false
	}
	off := int32(hh*3600 + mm*60)
	if s[0] == '-' {
		off = -off
	}
	return off, true, true
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// daysFromCivil counts days from 1970-01-01 to the given proleptic
// Gregorian date (H. Hinnant's algorithm, which needs no tables or loops).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

// monthIndex is the number of calendar months from January of year 0 to the
// month holding the given day count since 1970-01-01.
func monthIndex(day int64) int64 {
	t := time.Unix(day*secondsPerDay, 0).UTC()
	return int64(t.Year())*12 + int64(t.Month()) - 1
}

// formatKey writes a key back in the notation of its kind, for messages.
func formatKey(kind timeKind, key int64) string {
	switch kind {
	case kindDate:
		return time.Unix(key, 0).UTC().Format(time.DateOnly)
	case kindDateTime:
		return time.Unix(key, 0).UTC().Format("2006-01-02T15:04:05")
	}
	return strconv.FormatInt(key, 10)
}
