package registry

import (
	"fmt"
	"slices"
	"strings"

	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/models/adida"
	"github.com/forecastrun/forecastrun/runner/models/arima"
	"github.com/forecastrun/forecastrun/runner/models/croston"
	"github.com/forecastrun/forecastrun/runner/models/ets"
	"github.com/forecastrun/forecastrun/runner/models/expsmooth"
	"github.com/forecastrun/forecastrun/runner/models/mstl"
	"github.com/forecastrun/forecastrun/runner/models/naive"
	"github.com/forecastrun/forecastrun/runner/models/theta"
	"github.com/forecastrun/forecastrun/runner/sample"
)

// entry is one registered model: a constructor for a season, whether the
// model needs a season of at least 2 to mean anything, and the demand it
// suits.
type entry struct {
	name     string
	seasonal bool
	demand   demand
	build    func(season int) models.Model
}

// demand is the kind of demand a model is meant for.
type demand uint8

const (
	// regular demand occurs in most periods (the smooth and erratic
	// classes): level, trend and season models.
	regular demand = 1 << iota
	// sporadic demand occurs in few periods (the intermittent and lumpy
	// classes): the Croston family and the aggregation methods, which
	// model sizes and intervals apart.
	sporadic
	// anyDemand: the level forecasters that suit both.
	anyDemand = regular | sporadic
)

// Suits reports whether the named model is meant for items of demand class
// c: the intermittent-demand methods (CrostonClassic, CrostonSBA, TSB,
// ADIDA, IMAPA) for intermittent and lumpy items, the trend, season and
// automatic models for smooth and erratic ones, and HistoricAverage,
// WindowAverage and SES for every item. The literature on intermittent
// demand (Syntetos, Boylan and Croston's classes were drawn where Croston
// starts to beat SES) and measurement agree: on sparse demand a trend or
// season model fitted to zeros and spikes is noise, and on regular demand
// a method built for intervals between demands is biased. It is
// tournament.Config.Suits for the runner. An unknown name suits nothing.
func Suits(model string, c sample.DemandClass) bool {
	e, ok := lookup(model)
	if !ok {
		return false
	}
	if c == sample.Intermittent || c == sample.Lumpy {
		return e.demand&sporadic != 0
	}
	return e.demand&regular != 0
}

// entries is the registry in simplicity order. Simpler means fewer estimated
// parameters and fewer assumptions: the benchmarks first (no parameters, then
// one window or season), then the intermittent-demand family (one smoothing
// weight each, aggregation on top for ADIDA/IMAPA), then trend models, then
// seasonal ones, MSTL (a decomposition by several seasonal periods, then
// non-seasonal ETS) last among those. The optimised theta methods follow
// Theta, which they generalise with one more estimated parameter (theta),
// the static trend line before the dynamic one. The automatic families
// come last: each picks
// its own form per item by AICc among many. When two models score the same, the earlier one wins: it is
// cheaper, and easier for a planner to explain.
var entries = []entry{
	{"Naive", false, regular, func(int) models.Model { return naive.Naive{} }},
	{"HistoricAverage", false, anyDemand, func(int) models.Model { return naive.Mean{} }},
	{"WindowAverage", false, anyDemand, func(m int) models.Model { return naive.WindowAverage{Window: averageWindow(m)} }},
	{"SeasonalNaive", true, regular, func(m int) models.Model { return naive.Seasonal{Season: m} }},
	{"RandomWalkWithDrift", false, regular, func(int) models.Model { return naive.Drift{} }},
	{"SES", false, anyDemand, func(int) models.Model { return expsmooth.SES() }},
	{"CrostonClassic", false, sporadic, func(int) models.Model { return croston.Optimized(croston.Classic()) }},
	{"CrostonSBA", false, sporadic, func(int) models.Model { return croston.Optimized(croston.SBA()) }},
	{"TSB", false, sporadic, func(int) models.Model { return croston.TSB() }},
	{"ADIDA", false, sporadic, func(int) models.Model { return adida.ADIDA() }},
	{"IMAPA", false, sporadic, func(int) models.Model { return adida.IMAPA() }},
	{"Holt", false, regular, func(int) models.Model { return expsmooth.Holt() }},
	{"DampedHolt", false, regular, func(int) models.Model { return expsmooth.DampedHolt() }},
	{"Theta", false, regular, func(m int) models.Model { return theta.New(max(m, 1)) }},
	{"OptimizedTheta", false, regular, func(m int) models.Model { return theta.NewOptimized(max(m, 1)) }},
	{"DynamicOptimizedTheta", false, regular, func(m int) models.Model { return theta.NewDynamicOptimized(max(m, 1)) }},
	{"HoltWintersAdditive", true, regular, func(m int) models.Model { return expsmooth.HoltWinters(m, expsmooth.Additive) }},
	{"HoltWintersMultiplicative", true, regular, func(m int) models.Model { return expsmooth.HoltWinters(m, expsmooth.Multiplicative) }},
	{"MSTL", true, regular, func(m int) models.Model { return mstl.New(seasonalPeriods(m)...) }},
	{"AutoETS", false, regular, func(m int) models.Model { return ets.Auto(max(m, 1)) }},
	{"AutoARIMA", false, regular, func(m int) models.Model {
		return arima.AutoWith(max(m, 1), arima.AutoOptions{Truncate: arimaSearchLength(m)})
	}},
}

// seasonalPeriods are MSTL's periods for a season: with hourly data's day
// (24) also its week, with daily data's week (7) also its year, with
// half-hourly data's day (48) also its week; otherwise the season alone
// (a year of weeks, months or quarters). A period the history is too
// short for (fewer than two cycles) is left out per item.
func seasonalPeriods(season int) []int {
	switch season {
	case 24:
		return []int{24, 24 * 7}
	case 7:
		return []int{7, 365}
	case 48:
		return []int{48, 48 * 7}
	}
	return []int{season}
}

// averageWindow is the WindowAverage window for a season: one full cycle, so
// the average carries no seasonal bias, or 4 periods for non-seasonal data.
func averageWindow(season int) int {
	if season >= 2 {
		return season
	}
	return 4
}

// Ensemble names the tournament's ensemble candidate (tournament.EnsembleName;
// the tournament's tests check that the two agree). It is not a
// models.Model: its forecast combines the best models of each item, so the
// tournament builds it from the backtests (tournament.Config.Ensemble).
// The registry knows the name so that a model selection can ask for it.
const Ensemble = "Ensemble"

// Names returns every name a selection accepts in simplicity order: the
// registered models, then Ensemble.
func Names() []string {
	out := make([]string, len(entries), len(entries)+1)
	for i, e := range entries {
		out[i] = e.name
	}
	return append(out, Ensemble)
}

// WantsEnsemble reports whether a selection asks for the ensemble: when it
// names Ensemble (case-insensitive), or is empty, which selects everything.
func WantsEnsemble(names []string) bool {
	return len(names) == 0 || slices.ContainsFunc(names, isEnsemble)
}

// ChoosesByClass reports whether a selection leaves the choice of models to
// the registry, so that each item's candidates follow its demand class
// (Suits): when it names no model other than Ensemble. Models a user names
// run on every item.
func ChoosesByClass(names []string) bool {
	return !slices.ContainsFunc(names, func(n string) bool { return !isEnsemble(n) })
}

func isEnsemble(name string) bool { return strings.EqualFold(strings.TrimSpace(name), Ensemble) }

// All returns every model that applies to data with the given season, in
// simplicity order. Seasonal models (SeasonalNaive, Holt-Winters) are left
// out when season < 2: with season 1 they would only duplicate Naive and Holt.
func All(season int) []models.Model {
	out := make([]models.Model, 0, len(entries))
	for _, e := range entries {
		if e.seasonal && season < 2 {
			continue
		}
		out = append(out, e.build(season))
	}
	return out
}

// Select returns the named models (case-insensitive) in simplicity order,
// whatever order names lists them in, so that ties break the same way for
// every selection. Empty names selects All(season). Ensemble is accepted
// and left out of the result (see WantsEnsemble); named alone, it selects
// All(season) as the models it combines. An unknown name, or a seasonal
// model with season < 2, is an error.
func Select(names []string, season int) ([]models.Model, error) {
	names = slices.DeleteFunc(slices.Clone(names), isEnsemble)
	if len(names) == 0 {
		return All(season), nil
	}
	want := make(map[string]bool, len(names))
	for _, n := range names {
		e, ok := lookup(n)
		if !ok {
			return nil, fmt.Errorf("unknown model %q: valid models are %s", n, strings.Join(Names(), ", "))
		}
		if e.seasonal && season < 2 {
			return nil, fmt.Errorf("model %s needs a season of at least 2, have %d", e.name, season)
		}
		want[e.name] = true
	}
	out := make([]models.Model, 0, len(want))
	for _, e := range entries {
		if want[e.name] {
			out = append(out, e.build(season))
		}
	}
	return out, nil
}

func lookup(name string) (entry, bool) {
	for _, e := range entries {
		if strings.EqualFold(strings.TrimSpace(name), e.name) {
			return e, true
		}
	}
	return entry{}, false
}

// arimaSearchLength is AutoARIMA's Truncate for a season: its search, on
// histories long enough to be approximate (over 150 observations), sees
// the last 300 observations or three seasons, whichever is longer; the
// differencing tests see the whole history, the later backtest windows
// run the Kalman filter over all of it, and the final fit reestimates the
// chosen form on all of it. On
// the shared splits and 400 synthetic daily items (runner local, every
// candidate, against no truncation) it cut the tournament's CPU time by
// 30% on m4-weekly, 17% on m4-hourly and 25% on the synthetic items,
// left the winner unchanged on 96.4%, 98.6% and 99.2% of items, and
// moved MASE and RMSSE by +0.05% and +0.14% on m4-weekly and −0.2% and
// −0.4% on m4-hourly (carparts is too short to be truncated).
func arimaSearchLength(season int) int { return max(300, 3*season) }
