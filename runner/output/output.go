package output

import (
	"github.com/forecastrun/forecastrun/runner/metrics"
	"github.com/forecastrun/forecastrun/runner/series"
	"github.com/forecastrun/forecastrun/runner/tournament"
)

// File names inside the output directory.
const (
	ForecastsFile   = "forecasts.csv"
	LeaderboardFile = "leaderboard.csv"
	SummaryFile     = "summary.json"
)

// Run is a finished tournament together with what is needed to describe it.
type Run struct {
	Result *tournament.Result
	// Items are the series given to tournament.Run; ItemResult.Index points
	// into them, and their Start and length date the forecasts.
	Items     []series.Series
	Frequency series.Frequency
	Metric    metrics.Metric
	Horizon   int
	Season    int
	Windows   int
	// Levels are the interval levels, ascending, as the tournament used them.
	Levels []float64
	// Quantiles are the quantile probabilities, ascending, as the
	// tournament used them.
	Quantiles []float64
	// Data is the loader's report on the dataset (series.Report).
	Data series.Report
	// Input names the data (usually its path) and Mode the sampling mode.
	Input string
	Mode  string
}

// Files are the paths Write produced.
type Files struct {
	Forecasts, Leaderboard, Summary string
}

// Write creates dir if needed and writes the three output files into it:
// a Stream given every item of r.Result in turn.
func Write(dir string, r Run) (Files, error) {
	s, err := NewStream(dir, r)
	if err != nil {
		return Files{}, err
	}
	for _, it := range r.Result.Items {
		if err := s.Add(it); err != nil {
			s.Abort()
			return s.files, err
		}
	}
	return s.Close(r.Result.Summary)
}
