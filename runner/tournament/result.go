package tournament

import (
	"math"
	"time"

	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/sample"
)

// ItemResult is the outcome of one item's tournament.
type ItemResult struct {
	// Index is the item's position in the slice given to Run.
	Index int
	ID    string
	Class sample.DemandClass
	// Winner is the model that produced Forecast. When every model failed
	// it is Naive and Failed is true.
	Winner string
	// Score is the winner's mean backtest score (NaN when nothing could be
	// scored).
	Score Score
	// Scores holds each candidate's mean backtest score; models that were
	// skipped are absent and listed in Skipped with the reason, models that
	// do not suit the item's demand class (Config.Suits) are absent.
	Scores  map[string]Score
	Skipped map[string]string
	// Biases holds each scored candidate's scaled mean error over its
	// backtest (metrics.Bias: positive forecasts too high), and Bias the
	// winner's; NaN when nothing was scored.
	Biases map[string]Score `json:",omitempty"`
	Bias   Score
	// BacktestTotals are the sums of the winner's backtest forecasts and
	// of the actuals they were scored against, from which a run's
	// percentage bias per demand class is computed.
	BacktestTotals Totals
	// Forecast is the winner's forecast over the full horizon, refit on the
	// whole history. It is empty when the item had no observation at all.
	Forecast models.Forecast
	// EnsembleMembers are the models whose forecasts the ensemble combined
	// in Forecast, best ranked first; nil unless Winner is EnsembleName.
	EnsembleMembers []string `json:",omitempty"`
	// Conformal reports that the intervals were derived from backtest
	// errors pooled over the item's demand family (see Calibration): so
	// for every item that forecast.
	Conformal bool
	// Quantiles are the forecast quantiles at Config.Quantiles.
	Quantiles []Quantile `json:",omitempty"`
	// Calibration is the item's share of its family's interval
	// calibration, kept so that a merged or resumed run can recalibrate.
	Calibration *Calibration `json:",omitempty"`
	// Windows and BacktestHorizon are the backtest actually run, which is
	// smaller than configured for short series; both are 0 when the series
	// was too short for any backtest.
	Windows, BacktestHorizon int
	// Failed is true when no model could be backtested and fit, so the
	// forecast is the Naive fallback (or empty, see Forecast).
	Failed bool
	// Note says why the item fell back or failed; empty otherwise.
	Note string
}

// Totals are sums of forecasts and of actuals over the same periods.
type Totals struct {
	Forecast, Actual float64
}

// Result is the outcome of Run.
type Result struct {
	// Items holds the finished items in input order. After a cancellation it
	// holds only the items that finished; skipped items are never included.
	Items []ItemResult
	// Models are the candidate names in simplicity order, the ensemble
	// last when enabled (Config.CandidateNames).
	Models  []string
	Summary Summary
}

// Summary aggregates a run.
type Summary struct {
	Items  int
	Failed int
	// NoBacktest counts the items forecast without any backtest, too
	// short for one (see ItemResult.Note).
	NoBacktest int
	// Wins counts the items each model won.
	Wins map[string]int
	// MeanScore is the mean of the winners' backtest scores over the items
	// whose score is finite; ScoredItems is how many that is.
	MeanScore   float64
	ScoredItems int
	Seconds     float64
	// ItemsPerSecond is Items divided by Seconds.
	ItemsPerSecond float64
	// BiasPercent is, per demand class, how much the winners' backtest
	// forecasts summed over its items exceed the actuals they were scored
	// against, in percent of the actuals (negative: too low). A class
	// whose actuals sum to zero has no entry.
	BiasPercent map[sample.DemandClass]float64
}

// Summarise aggregates finished items; elapsed is the wall time they took.
// A runner that merges shards or resumes from a checkpoint calls it on the
// merged items.
func Summarise(items []ItemResult, elapsed time.Duration) Summary {
	var sum Summing
	for _, it := range items {
		sum.Add(it)
	}
	return sum.Summary(elapsed)
}

// Summing aggregates items one at a time, as Summarise does, for a merge
// that does not hold them all; the zero value is ready. Items must be
// added in the run's order for the sums to round as Summarise's do.
type Summing struct {
	s      Summary
	total  float64
	volume map[sample.DemandClass]Totals
}

// Add counts one item; it reads only Class, Winner, Score,
// BacktestTotals, Windows and Failed.
func (a *Summing) Add(it ItemResult) {
	if a.volume == nil {
		a.volume, a.s.Wins = map[sample.DemandClass]Totals{}, map[string]int{}
	}
	s := &a.s
	s.Items++
	v := a.volume[it.Class]
	v.Forecast += it.BacktestTotals.Forecast
	v.Actual += it.BacktestTotals.Actual
	a.volume[it.Class] = v
	if it.Failed {
		s.Failed++
	}
	if it.Windows == 0 && !it.Failed {
		s.NoBacktest++
	}
	if it.Winner != "" {
		s.Wins[it.Winner]++
	}
	if it.Score.Finite() {
		a.total += float64(it.Score)
		s.ScoredItems++
	}
}

// Summary is the summary of the items added; elapsed is the wall time
// they took.
func (a *Summing) Summary(elapsed time.Duration) Summary {
	s := a.s
	s.Seconds = elapsed.Seconds()
	s.Wins = map[string]int{}
	for name, n := range a.s.Wins {
		s.Wins[name] = n
	}
	s.MeanScore = math.NaN()
	if s.ScoredItems > 0 {
		s.MeanScore = a.total / float64(s.ScoredItems)
	}
	if s.Seconds > 0 {
		s.ItemsPerSecond = float64(s.Items) / s.Seconds
	}
	s.BiasPercent = map[sample.DemandClass]float64{}
	for c, v := range a.volume {
		if v.Actual != 0 {
			s.BiasPercent[c] = 100 * (v.Forecast - v.Actual) / v.Actual
		}
	}
	return s
}
