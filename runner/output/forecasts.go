package output

import (
	"encoding/csv"
	"io"
	"strconv"
	"time"

	"github.com/forecastrun/forecastrun/runner/series"
	"github.com/forecastrun/forecastrun/runner/tournament"
)

// writeForecasts writes one row per item and step:
// item_id,step,date|period,model,forecast,lo_<L>,hi_<L>... for each level,
// then q_<P>... for each quantile (P in percent). The time column is
// "date" when the items carry dates and "period" (an integer index
// continuing the input's) otherwise. Interval and quantile cells are empty
// when the item has none at that level; an item without any forecast (no
// observation at all) has no rows.
func (r Run) writeForecasts(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(r.forecastHeader()); err != nil {
		return err
	}
	row := r.forecastRow()
	for _, it := range r.Result.Items {
		if err := r.writeForecastRows(cw, row, it); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// forecastRow is a row's storage for writeForecastRows.
func (r Run) forecastRow() []string {
	return make([]string, 5+2*len(r.Levels)+len(r.Quantiles))
}

// writeForecastRows writes item it's rows, one per step, through row.
func (r Run) writeForecastRows(cw *csv.Writer, row []string, it tournament.ItemResult) error {
	first := 5 + 2*len(r.Levels) // the first quantile column
	s := r.Items[it.Index]
	for j, mean := range it.Forecast.Mean {
		clear(row)
		row[0], row[1], row[2], row[3] = it.ID, strconv.Itoa(j+1), r.timeCell(s, len(s.Values)+j), it.Winner
		row[4] = formatFloat(mean)
		for _, iv := range it.Forecast.Intervals {
			if k := index(r.Levels, iv.Level); k >= 0 {
				row[5+2*k], row[6+2*k] = formatFloat(iv.Lower[j]), formatFloat(iv.Upper[j])
			}
		}
		for _, q := range it.Quantiles {
			if k := index(r.Quantiles, q.Prob); k >= 0 {
				row[first+k] = formatFloat(q.Values[j])
			}
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	return nil
}

func (r Run) forecastHeader() []string {
	header := []string{"item_id", "step", r.timeColumn(), "model", "forecast"}
	for _, l := range r.Levels {
		name := levelName(l)
		header = append(header, "lo_"+name, "hi_"+name)
	}
	for _, p := range r.Quantiles {
		header = append(header, "q_"+levelName(100*p))
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

// index is the position of v in vs, or -1.
func index(vs []float64, v float64) int {
	for k, x := range vs {
		if x == v {
			return k
		}
	}
	return -1
}

// levelName is the column suffix of a level or a quantile in percent:
// 80 → "80", 97.5 → "97.5". A percentage computed from a probability is
// rounded to 10 significant digits first, so that 0.95 gives "95".
func levelName(l float64) string {
	l, _ = strconv.ParseFloat(strconv.FormatFloat(l, 'g', 10, 64), 64)
	return strconv.FormatFloat(l, 'f', -1, 64)
}

func formatFloat(v float64) string { return strconv.FormatFloat(v, 'g', 10, 64) }
