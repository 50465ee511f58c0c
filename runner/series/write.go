package series

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"
)

// Write writes ds as a long CSV with the given column names (empty names
// fall back to DefaultColumns), one row per item and period, so that Read
// gives the dataset back. Times are dates for daily and coarser data whose
// items start at midnight UTC and date-times otherwise; an item whose Start
// is zero is written with integer period indexes from StartIndex. Missing
// values are empty cells.
func Write(w io.Writer, ds *Dataset, cols Columns) error {
	cols = cols.withDefaults()
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{cols.Item, cols.Time, cols.Value}); err != nil {
		return fmt.Errorf("writing header: %w", err)
	}
	times := timeColumn{freq: ds.Frequency, layout: timeLayout(ds)}
	row := make([]string, 3)
	buf := make([]byte, 0, 64)
	for _, s := range ds.Items {
		row[0] = s.ID
		cells := times.cells(s)
		for k, v := range s.Values {
			row[1] = cells[k]
			buf = buf[:0]
			if !math.IsNaN(v) {
				buf = strconv.AppendFloat(buf, v, 'f', -1, 64)
			}
			row[2] = string(buf)
			if err := cw.Write(row); err != nil {
				return fmt.Errorf("writing item %q: %w", s.ID, err)
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("writing dataset: %w", err)
	}
	return nil
}

// timeLayout picks one time notation for the whole file, as Read wants:
// dates when every item of daily or coarser data starts at midnight UTC,
// date-times otherwise (with the offset when a Start has one).
func timeLayout(ds *Dataset) string {
	layout := time.DateOnly
	if ds.Frequency == Hourly || !ds.Frequency.Valid() {
		layout = "2006-01-02T15:04:05"
	}
	for _, s := range ds.Items {
		switch {
		case s.Start.IsZero():
		case s.Start.Location() != time.UTC:
			return time.RFC3339
		case s.Start.Hour() != 0 || s.Start.Minute() != 0 || s.Start.Second() != 0:
			layout = "2006-01-02T15:04:05"
		}
	}
	return layout
}

// timeColumn formats the time cells of an item, keeping the last item's
// cells: items usually share their start, and formatting a date costs
// more than writing the rest of its row.
type timeColumn struct {
	freq       Frequency
	layout     string
	start      time.Time
	startIndex int64
	done       []string
}

func (c *timeColumn) cells(s Series) []string {
	if len(c.done) >= len(s.Values) && s.Start.Equal(c.start) && s.Start.Location() == c.start.Location() && s.StartIndex == c.startIndex {
		return c.done
	}
	c.start, c.startIndex, c.done = s.Start, s.StartIndex, c.done[:0]
	for k := range s.Values {
		if s.Start.IsZero() {
			c.done = append(c.done, strconv.FormatInt(s.StartIndex+int64(k), 10))
		} else {
			c.done = append(c.done, c.freq.Step(s.Start, k).Format(c.layout))
		}
	}
	return c.done
}
