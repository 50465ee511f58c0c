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
	// Scores holds each model's mean backtest score; models that were
	// skipped are absent and listed in Skipped with the reason.
	Scores  map[string]Score
	Skipped map[string]string
	// Forecast is the winner's forecast over the full horizon, refit on the
	// whole history. It is empty when the item had no observation at all.
	Forecast models.Forecast
	// EnsembleMembers are the models whose forecasts the ensemble combined
	// in Forecast, best ranked first; nil unless Winner is EnsembleName.
	EnsembleMembers []string `json:",omitempty"`
	// Conformal reports that the intervals were derived from backtest errors
	// because the winning model gave none (always so for the ensemble).
	Conformal bool
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
	// Wins counts the items each model won.
	Wins map[string]int
	// MeanScore is the mean of the winners' backtest scores over the items
	// whose score is finite; ScoredItems is how many that is.
	MeanScore   float64
	ScoredItems int
	Seconds     float64
	// ItemsPerSecond is Items divided by Seconds.
	ItemsPerSecond float64
}

// Summarise aggregates finished items; elapsed is the wall time they took.
// A runner that merges shards or resumes from a checkpoint calls it on the
// merged items.
func Summarise(items []ItemResult, elapsed time.Duration) Summary {
	s := Summary{Items: len(items), Wins: map[string]int{}, Seconds: elapsed.Seconds()}
	var total float64
	for _, it := range items {
		if it.Failed {
			s.Failed++
		}
		if it.Winner != "" {
			s.Wins[it.Winner]++
		}
		if it.Score.Finite() {
			total += float64(it.Score)
			s.ScoredItems++
		}
	}
	s.MeanScore = math.NaN()
	if s.ScoredItems > 0 {
		s.MeanScore = total / float64(s.ScoredItems)
	}
	if s.Seconds > 0 {
		s.ItemsPerSecond = float64(s.Items) / s.Seconds
	}
	return s
}
