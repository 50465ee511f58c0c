package report

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/forecastrun/forecastrun/runner/metrics"
	"github.com/forecastrun/forecastrun/runner/series"
	"github.com/forecastrun/forecastrun/runner/tournament"
)

// FileName is the report's name inside a run's output folder.
const FileName = "report.html"

// DefaultPlots is the number of item plots when Input.Plots is 0.
const DefaultPlots = 12

// Input is what the runner has in memory after a tournament. Only Result
// is required; every other field only adds to the page.
type Input struct {
	// RunName titles the page, e.g. the ForecastRun's name.
	RunName string
	// Dataset says where the data came from, e.g. "configmap/sales/data.csv".
	Dataset string
	Mode    string
	Metric  metrics.Metric
	Horizon int
	Season  int
	// Frequency dates the plots' time axes when the items carry dates.
	Frequency series.Frequency
	// DatasetItems is the number of items before sampling; 0 if unknown.
	DatasetItems int
	Result       *tournament.Result
	// Tally, when set, stands for Result.Items, which may then be nil: a
	// caller that merges many items tallies them one at a time (see
	// NewTally), and gives the plotted ones in full (Tally.Keep).
	Tally *Tally
	// Items are the series given to tournament.Run: ItemResult.Index points
	// into them. Without them the page has no plots.
	Items []series.Series
	// Plots caps the number of item plots (0 means DefaultPlots, a
	// negative number none).
	Plots int
	// Created is shown in the footer when it is not zero.
	Created time.Time
}

// Write renders in to path atomically: it writes a temporary file in the
// same folder and renames it into place, so readers never see a partial
// report and a failed write leaves any previous report intact.
func Write(path string, in Input) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("creating report: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	buf := bufio.NewWriter(tmp)
	if err := Render(buf, in); err != nil {
		return err
	}
	if err := buf.Flush(); err != nil {
		return fmt.Errorf("writing report %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("writing report %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing report %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("replacing report %s: %w", path, err)
	}
	return nil
}

// Render writes the report's HTML to w.
func Render(w io.Writer, in Input) error {
	if in.Result == nil {
		return fmt.Errorf("rendering report: no tournament result")
	}
	if err := pageTemplate.Execute(w, buildPage(in)); err != nil {
		return fmt.Errorf("rendering report: %w", err)
	}
	return nil
}
