package output

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"

	"github.com/forecastrun/forecastrun/runner/tournament"
)

// Stream writes forecasts.csv and leaderboard.csv one item at a time and
// summary.json at the end, for a runner that merges a run's items without
// holding them all: its memory does not grow with the items. The files
// appear, each whole, only when Close succeeds.
type Stream struct {
	run                    Run
	files                  Files
	forecasts, leaderboard *pending
	fw, lw                 *csv.Writer
	frow, lrow             []string
}

// NewStream creates dir if needed and starts the files of r. Of r.Result
// only Models is read; Add gives the items, Close the summary.
func NewStream(dir string, r Run) (*Stream, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating output directory: %w", err)
	}
	s := &Stream{run: r, files: Files{
		Forecasts:   filepath.Join(dir, ForecastsFile),
		Leaderboard: filepath.Join(dir, LeaderboardFile),
		Summary:     filepath.Join(dir, SummaryFile),
	}}
	var err error
	if s.forecasts, err = createPending(s.files.Forecasts); err != nil {
		return nil, err
	}
	if s.leaderboard, err = createPending(s.files.Leaderboard); err != nil {
		s.forecasts.abort()
		return nil, err
	}
	s.fw, s.lw = csv.NewWriter(s.forecasts.buf), csv.NewWriter(s.leaderboard.buf)
	header := r.leaderboardHeader()
	s.frow, s.lrow = r.forecastRow(), make([]string, len(header))
	if err := s.fw.Write(r.forecastHeader()); err != nil {
		s.Abort()
		return nil, fmt.Errorf("writing %s: %w", s.files.Forecasts, err)
	}
	if err := s.lw.Write(header); err != nil {
		s.Abort()
		return nil, fmt.Errorf("writing %s: %w", s.files.Leaderboard, err)
	}
	return s, nil
}

// Add writes item it's forecast rows and leaderboard row. Items go in the
// order of the run's items; it.Index points into Run.Items.
func (s *Stream) Add(it tournament.ItemResult) error {
	if err := s.run.writeForecastRows(s.fw, s.frow, it); err != nil {
		return fmt.Errorf("writing %s: %w", s.files.Forecasts, err)
	}
	if err := s.run.writeLeaderboardRow(s.lw, s.lrow, it); err != nil {
		return fmt.Errorf("writing %s: %w", s.files.Leaderboard, err)
	}
	return nil
}

// Close finishes forecasts.csv and leaderboard.csv, writes summary.json
// with summary, and puts the three files in place. After a failure no
// file of this Stream is left half-written.
func (s *Stream) Close(summary tournament.Summary) (Files, error) {
	for _, f := range []struct {
		w *csv.Writer
		p *pending
	}{{s.fw, s.forecasts}, {s.lw, s.leaderboard}} {
		f.w.Flush()
		if err := f.w.Error(); err != nil {
			s.Abort()
			return s.files, fmt.Errorf("writing %s: %w", f.p.path, err)
		}
	}
	if err := s.forecasts.commit(); err != nil {
		s.leaderboard.abort()
		return s.files, err
	}
	if err := s.leaderboard.commit(); err != nil {
		return s.files, err
	}
	s.run.Result = &tournament.Result{Models: s.run.Result.Models, Summary: summary}
	return s.files, WriteFile(s.files.Summary, s.run.writeSummary)
}

// Abort removes the files not yet in place.
func (s *Stream) Abort() {
	s.forecasts.abort()
	s.leaderboard.abort()
}
