package synth

import (
	"time"

	"github.com/forecastrun/forecastrun/runner/series"
)

const daysPerYear = 365.2425

// calendar tells the generator where each period falls in the day, week
// and year, so seasonal peaks land on real weekends and seasons.
type calendar struct {
	stepDays  float64 // length of a period in days
	weekdays  bool    // periods are shorter than a week: weekday effects apply
	hours     bool    // periods are hours: time-of-day effects apply
	startHour int     // periods since the start of Start's day (hourly data)
	startDay  int     // weekday of Start, Sunday = 0
	startYear float64 // fraction of the year elapsed at Start
	promo     promoShape
}

// promoShape sizes promotions in periods of the frequency.
type promoShape struct {
	perYear        float64 // mean promotions a year for an item that runs them
	minLen, maxLen int     // promotion length
	dipLen         int     // post-promotion dip length (customers stocked up)
}

var promoShapes = map[series.Frequency]promoShape{
	series.Hourly:  {perYear: 6, minLen: 24, maxLen: 96, dipLen: 36},
	series.Daily:   {perYear: 6, minLen: 3, maxLen: 10, dipLen: 4},
	series.Weekly:  {perYear: 4, minLen: 1, maxLen: 2, dipLen: 1},
	series.Monthly: {perYear: 2, minLen: 1, maxLen: 1, dipLen: 1},
	// Quarterly and yearly totals smooth promotions away: none.
}

func newCalendar(f series.Frequency, start time.Time) calendar {
	step := map[series.Frequency]float64{
		series.Hourly: 1.0 / 24, series.Daily: 1, series.Weekly: 7,
		series.Monthly: daysPerYear / 12, series.Quarterly: daysPerYear / 4, series.Yearly: daysPerYear,
	}[f]
	return calendar{
		stepDays:  step,
		weekdays:  f == series.Hourly || f == series.Daily,
		hours:     f == series.Hourly,
		startHour: start.Hour(),
		startDay:  int(start.Weekday()),
		startYear: (float64(start.YearDay()-1) + float64(start.Hour())/24) / daysPerYear,
		promo:     promoShapes[f],
	}
}

// periodsPerYear is how many periods make a year.
func (c calendar) periodsPerYear() float64 { return daysPerYear / c.stepDays }

// weekday of period t, Sunday = 0.
func (c calendar) weekday(t int) int {
	if c.hours {
		return (c.startDay + (c.startHour+t)/24) % 7
	}
	return (c.startDay + t) % 7
}

// hour of day of period t (hourly data only).
func (c calendar) hour(t int) int { return (c.startHour + t) % 24 }
