package output

import (
	"bytes"
	"encoding/csv"
	"fmt"

	"github.com/forecastrun/forecastrun/runner/tournament"
)

// Rows is one item's forecast rows and leaderboard row, formatted as CSV
// by a Formatter, for Stream.AddRows. Its buffers are reused by the next
// Format into it.
type Rows struct {
	forecasts, leaderboard []byte
}

// Formatter formats items' rows as Stream.Add writes them, so that a
// merge can format on several goroutines (one Formatter each) and add the
// rows in order on one. A Formatter is not safe for concurrent use.
type Formatter struct {
	run        Run
	frow, lrow []string
	fbuf, lbuf bytes.Buffer
	fw, lw     *csv.Writer
}

// Formatter returns a new Formatter of s's run.
func (s *Stream) Formatter() *Formatter {
	f := &Formatter{run: s.run, frow: s.run.forecastRow(), lrow: make([]string, len(s.lrow))}
	f.fw, f.lw = csv.NewWriter(&f.fbuf), csv.NewWriter(&f.lbuf)
	return f
}

// Format replaces rows with item it's rows; it.Index points into
// Run.Items.
func (f *Formatter) Format(rows *Rows, it tournament.ItemResult) error {
	f.fbuf.Reset()
	f.lbuf.Reset()
	if err := f.run.writeForecastRows(f.fw, f.frow, it); err != nil {
		return fmt.Errorf("formatting the forecasts of item %s: %w", it.ID, err)
	}
	if err := f.run.writeLeaderboardRow(f.lw, f.lrow, it); err != nil {
		return fmt.Errorf("formatting the leaderboard row of item %s: %w", it.ID, err)
	}
	f.fw.Flush()
	f.lw.Flush()
	rows.forecasts = append(rows.forecasts[:0], f.fbuf.Bytes()...)
	rows.leaderboard = append(rows.leaderboard[:0], f.lbuf.Bytes()...)
	return nil
}

// AddRows writes rows a Formatter of s made, as Add writes its item.
func (s *Stream) AddRows(rows *Rows) error {
	// Stream's csv.Writers write straight into the files' buffers (a
	// bufio.Writer of 64 KiB is its own csv buffer), so what Add wrote
	// is already there, before these rows.
	if _, err := s.forecasts.buf.Write(rows.forecasts); err != nil {
		return fmt.Errorf("writing %s: %w", s.files.Forecasts, err)
	}
	if _, err := s.leaderboard.buf.Write(rows.leaderboard); err != nil {
		return fmt.Errorf("writing %s: %w", s.files.Leaderboard, err)
	}
	return nil
}
