package series

import (
	"fmt"
	"strings"
	"time"
)

// frequencyInfo holds what the rest of the engine needs to know about a
// frequency: its grid step and the M4 conventions for season and horizon.
type frequencyInfo struct {
	season  int
	horizon int
	// Exactly one of hours, days and months is set: the grid step.
	hours, days, months int
}

var frequencies = map[Frequency]frequencyInfo{
	Hourly:    {season: 24, horizon: 48, hours: 1},
	Daily:     {season: 7, horizon: 14, days: 1},
	Weekly:    {season: 52, horizon: 13, days: 7},
	Monthly:   {season: 12, horizon: 18, months: 1},
	Quarterly: {season: 4, horizon: 8, months: 3},
	Yearly:    {season: 1, horizon: 6, months: 12},
}

// frequencyAliases maps the accepted spellings (lower case) to a Frequency.
var frequencyAliases = map[string]Frequency{
	"hourly": Hourly, "hour": Hourly, "h": Hourly,
	"daily": Daily, "day": Daily, "d": Daily,
	"weekly": Weekly, "week": Weekly, "w": Weekly,
	"monthly": Monthly, "month": Monthly, "m": Monthly,
	"quarterly": Quarterly, "quarter": Quarterly, "q": Quarterly,
	"yearly": Yearly, "year": Yearly, "annual": Yearly, "y": Yearly,
}

// ParseFrequency reads a frequency name such as "daily" or "Monthly"; the
// short forms h, d, w, m, q, y and "annual" are accepted too.
func ParseFrequency(s string) (Frequency, error) {
	if f, ok := frequencyAliases[strings.ToLower(strings.TrimSpace(s))]; ok {
		return f, nil
	}
	return "", fmt.Errorf("unknown frequency %q: want hourly, daily, weekly, monthly, quarterly or yearly", s)
}

// Valid reports whether f is one of the declared frequencies.
func (f Frequency) Valid() bool {
	_, ok := frequencies[f]
	return ok
}

// SeasonLength is the number of periods in the dominant seasonal cycle:
// a day of hours, a week of days, a year of weeks, months or quarters. It is
// 1 (no seasonality) for yearly data and for an unknown frequency.
func (f Frequency) SeasonLength() int {
	if info, ok := frequencies[f]; ok {
		return info.season
	}
	return 1
}

// DefaultHorizon is the forecast horizon the M4 competition used for the
// frequency. It is 0 for an unknown frequency: the caller must choose.
func (f Frequency) DefaultHorizon() int {
	return frequencies[f].horizon
}

// Step returns the time of the period k steps after t (before t when k is
// negative). Hours and days are added on t's own clock; months are calendar
// months, with the day clamped to the length of the target month and a
// month-end date kept at month end, so that Jan 31 steps to Feb 28 and
// Feb 28, 2023 to Mar 31. For an unknown frequency Step returns t.
func (f Frequency) Step(t time.Time, k int) time.Time {
	info, ok := frequencies[f]
	switch {
	case !ok:
		return t
	case info.hours > 0:
		return t.Add(time.Duration(k*info.hours) * time.Hour)
	case info.days > 0:
		return t.AddDate(0, 0, k*info.days)
	default:
		return addMonths(t, k*info.months)
	}
}

// addMonths moves t by whole calendar months without the overflow of
// time.AddDate (which turns Jan 31 + 1 month into Mar 3).
func addMonths(t time.Time, k int) time.Time {
	y, m, d := t.Date()
	monthEnd := d == daysIn(y, m)
	total := y*12 + int(m) - 1 + k
	ty, tm := floorDiv(total, 12), time.Month(floorMod(total, 12)+1)
	last := daysIn(ty, tm)
	if monthEnd || d > last {
		d = last
	}
	hh, mm, ss := t.Clock()
	return time.Date(ty, tm, d, hh, mm, ss, t.Nanosecond(), t.Location())
}

// daysIn is the number of days in month m of year y.
func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int) int {
	return a - floorDiv(a, b)*b
}
