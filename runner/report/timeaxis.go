package report

import (
	"strconv"
	"time"

	"github.com/forecastrun/forecastrun/runner/series"
)

// timeTicks labels the x axis. One tick sits on the first forecast period
// and the others step back from it, so the origin is always labelled; the
// forecast's own span is left to the dashed origin line.
// first is the index in s of the first plotted period.
func timeTicks(s series.Series, first, hist, horizon int, f series.Frequency, sx func(float64) float64) []tick {
	n := hist + horizon
	step := max(1, int(niceStep(float64(n)/5)))
	var ticks []tick
	for k := hist; k >= 0; k -= step {
		ticks = append([]tick{{Pos: sx(float64(k)), Label: periodLabel(s, first+k, f)}}, ticks...)
	}
	return ticks
}

// periodLabel names period k of s: a date in a format suited to the
// frequency, or the integer period index.
func periodLabel(s series.Series, k int, f series.Frequency) string {
	if s.Start.IsZero() || !f.Valid() {
		return strconv.FormatInt(s.StartIndex+int64(k), 10)
	}
	return f.Step(s.Start, k).Format(dateLayout(f))
}

func dateLayout(f series.Frequency) string {
	switch f {
	case series.Hourly:
		return "01-02 15:04"
	case series.Monthly, series.Quarterly:
		return "2006-01"
	case series.Yearly:
		return "2006"
	}
	return time.DateOnly
}
