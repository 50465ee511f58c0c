package output

import (
	"encoding/csv"
	"io"
	"strconv"
	"time"

	"github.com/forecastrun/forecastrun/runner/series"
)

// writeForecasts writes one row per item and step:
// item_id,step,date|period,model,forecast,lo_<L>,hi_<L>... for each level.
// The time column is "date" when the items carry dates and "period" (an
// integer index continuing the input's) otherwise. Interval cells are empty
// when the item has no interval at that level; an item without any
// forecast (no observation at all) has no rows.
func (r Run) writeForecasts(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(r.forecastHeader()); err != nil {
		return err
	}
	row := make([]string, 5+2*len(r.Levels))
	for _, it := range r.Result.Items {
		s := r.Items[it.Index]
		for j, mean := range it.Forecast.Mean {
			clear(row)
			row[0], row[1], row[2], row[3] = it.ID, strconv.Itoa(j+1), r.timeCell(s, len(s.Values)+j), it.Winner
			row[4] = formatFloat(mean)
			for _, iv := range it.Forecast.Intervals {
				if k := r.levelIndex(iv.Level); k >= 0 {
					row[5+2*k], row[6+2*k] = formatFloat(iv.Lower[j]), formatFloat(iv.Upper[j])
				}
			}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

func (r Run) forecastHeader() []string {
	header := []string{"item_id", "step", r.timeColumn(), "model", "forecast"}
	for _, l := range r.Levels {
		name := levelName(l)
		header = append(header, "lo_"+name, "hi_"+name)
	}
	return header
}

func (r Run) timeColumn() string {
	for _, it := range r.Items {
		if !it.Start.IsZero() {
			return "date"
		}
	}
	return "period"
}

// timeCell formats the time of period k of s (k ≥ len(s.Values) for a
// forecast) the way series.Write formats input times.
func (r Run) timeCell(s series.Series, k int) string {
	if s.Start.IsZero() {
		return strconv.FormatInt(s.StartIndex+int64(k), 10)
	}
	t := r.Frequency.Step(s.Start, k)
	switch {
	case r.Frequency != series.Hourly && r.Frequency.Valid():
		return t.Format(time.DateOnly)
	case t.Location() == time.UTC:
		return t.Format("2006-01-02T15:04:05")
	}
	return t.Format(time.RFC3339)
}

func (r Run) levelIndex(level float64) int {
	for k, l := range r.Levels {
		if l == level {
			return k
		}
	}
	return -1
}

// levelName is the column suffix of a level: 80 → "80", 97.5 → "97.5".
func levelName(l float64) string { return strconv.FormatFloat(l, 'f', -1, 64) }

func formatFloat(v float64) string { return strconv.FormatFloat(v, 'g', 10, 64) }
