package tournament

import (
	"errors"
	"fmt"
	"runtime"
	"slices"

	"github.com/forecastrun/forecastrun/runner/metrics"
	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/sample"
)

// Config describes one tournament. Only Horizon is required.
type Config struct {
	// Horizon is the number of periods to forecast, and the length of each
	// backtest window.
	Horizon int
	// Windows is the number of rolling-origin backtest windows (default 3).
	Windows int
	// Step is the distance between consecutive window origins (default
	// Horizon, so that windows do not overlap).
	Step int
	// Season is the seasonal period (default 1, no seasonality). It selects
	// the seasonal models and the MASE/RMSSE scale.
	Season int
	// Metric ranks the models (default MASE).
	Metric metrics.Metric
	// Levels are the prediction-interval levels in percent (default 80 and
	// 95). They are sorted ascending; duplicates are removed.
	Levels []float64
	// Quantiles are the probabilities (in (0, 1)) at which each item's
	// forecast quantiles are given, such as 0.9, 0.95 and 0.99 for service
	// levels; sorted ascending, duplicates removed; none by default.
	Quantiles []float64
	// Models are the candidates in simplicity order; earlier wins ties.
	// Required: registry.All(Season) is the usual choice. (The tournament
	// does not default to it so that it depends on no concrete model.)
	Models []models.Model
	// Suits, if set, says whether the named model is a candidate for an
	// item of the given demand class; models it rejects are neither
	// backtested nor combined for that item, and their leaderboard cells
	// stay empty. Nil makes every model a candidate for every item, as
	// does a class for which Suits accepts none. registry.Suits is the
	// usual choice: intermittent-demand methods for intermittent and lumpy
	// items, the smoothing, trend and seasonal models for the others.
	Suits func(model string, class sample.DemandClass) bool
	// Workers is the size of the worker pool (default runtime.GOMAXPROCS(0),
	// which since Go 1.25 follows the container's CPU limit).
	Workers int
	// EstimateEveryWindow fits every model afresh on every backtest window
	// (an automatic model searches its form again each time) instead of
	// estimating on the first window and refitting those parameters on the
	// later ones. It costs about one full fit per extra window; it exists
	// to measure what the cheaper default gives up in accuracy.
	EstimateEveryWindow bool
	// Skip holds the IDs of items that are already finished, for example by
	// an earlier run that was preempted. They are not run and are not in the
	// Result, but count as done in progress reports. Skip is read once,
	// before any item runs.
	Skip map[string]bool
	// Ensemble, if set, adds an "Ensemble" candidate that combines the best
	// models of each item (see EnsembleConfig); nil leaves it out and the
	// tournament is exactly as without it.
	Ensemble *EnsembleConfig
	// OnItem, if set, is called with every finished item from the goroutine
	// that called Run, in completion order. A checkpointing runner records
	// the item here and passes the recorded IDs as Skip when it resumes.
	OnItem func(ItemResult)
}

// DefaultWindows is the number of backtest windows when Config.Windows is 0.
const DefaultWindows = 3

// DefaultLevels are the interval levels when Config.Levels is nil.
var DefaultLevels = []float64{80, 95}

// withDefaults validates c and fills in the defaults.
func (c Config) withDefaults() (Config, error) {
	if c.Horizon < 1 {
		return c, fmt.Errorf("tournament: %w: got %d", models.ErrBadHorizon, c.Horizon)
	}
	if c.Windows < 0 || c.Step < 0 || c.Season < 0 || c.Workers < 0 {
		return c, errors.New("tournament: windows, step, season and workers must not be negative")
	}
	c.Windows = cmpOr(c.Windows, DefaultWindows)
	c.Step = cmpOr(c.Step, c.Horizon)
	c.Season = cmpOr(c.Season, 1)
	c.Workers = cmpOr(c.Workers, runtime.GOMAXPROCS(0))
	if c.Metric == "" {
		c.Metric = metrics.Default
	}
	if _, err := metrics.ParseMetric(string(c.Metric)); err != nil {
		return c, fmt.Errorf("tournament: %w", err)
	}
	levels, err := normaliseLevels(c.Levels)
	if err != nil {
		return c, err
	}
	c.Levels = levels
	if c.Quantiles, err = normaliseQuantiles(c.Quantiles); err != nil {
		return c, err
	}
	if c.Ensemble, err = c.Ensemble.withDefaults(); err != nil {
		return c, err
	}
	if len(c.Models) == 0 {
		return c, errors.New("tournament: no models to run")
	}
	return c, nil
}

func normaliseLevels(levels []float64) ([]float64, error) {
	if levels == nil {
		return slices.Clone(DefaultLevels), nil
	}
	for _, l := range levels {
		if !(l > 0 && l < 100) {
			return nil, fmt.Errorf("tournament: interval level %v must be between 0 and 100 exclusive", l)
		}
	}
	out := slices.Clone(levels)
	slices.Sort(out)
	return slices.Compact(out), nil
}

func normaliseQuantiles(probs []float64) ([]float64, error) {
	for _, p := range probs {
		if !(p > 0 && p < 1) {
			return nil, fmt.Errorf("tournament: quantile %v must be a probability between 0 and 1 exclusive", p)
		}
	}
	out := slices.Clone(probs)
	slices.Sort(out)
	return slices.Compact(out), nil
}

func cmpOr(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}
