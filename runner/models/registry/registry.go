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
	"github.com/forecastrun/forecastrun/runner/models/naive"
	"github.com/forecastrun/forecastrun/runner/models/theta"
)

// entry is one registered model: a constructor for a season and whether the
// model needs a season of at least 2 to mean anything.
type entry struct {
	name     string
	seasonal bool
	build    func(season int) models.Model
}

// entries is the registry in simplicity order. Simpler means fewer estimated
// parameters and fewer assumptions: the benchmarks first (no parameters, then
// one window or season), then the intermittent-demand family (one smoothing
// weight each, aggregation on top for ADIDA/IMAPA), then trend models, then
// seasonal ones. The optimised theta methods follow Theta, which they
// generalise with one more estimated parameter (theta), the static trend
// line before the dynamic one. The automatic families come last: each picks
// its own form per item by AICc among many. When two models score the same, the earlier one wins: it is
// cheaper, and easier for a planner to explain.
var entries = []entry{
	{"Naive", false, func(int) models.Model { return naive.Naive{} }},
	{"HistoricAverage", false, func(int) models.Model { return naive.Mean{} }},
	{"WindowAverage", false, func(m int) models.Model { return naive.WindowAverage{Window: averageWindow(m)} }},
	{"SeasonalNaive", true, func(m int) models.Model { return naive.Seasonal{Season: m} }},
	{"RandomWalkWithDrift", false, func(int) models.Model { return naive.Drift{} }},
	{"SES", false, func(int) models.Model { return expsmooth.SES() }},
	{"CrostonClassic", false, func(int) models.Model { return croston.Classic() }},
	{"CrostonSBA", false, func(int) models.Model { return croston.SBA() }},
	{"TSB", false, func(int) models.Model { return croston.TSB() }},
	{"ADIDA", false, func(int) models.Model { return adida.ADIDA() }},
	{"IMAPA", false, func(int) models.Model { return adida.IMAPA() }},
	{"Holt", false, func(int) models.Model { return expsmooth.Holt() }},
	{"DampedHolt", false, func(int) models.Model { return expsmooth.DampedHolt() }},
	{"Theta", false, func(m int) models.Model { return theta.New(max(m, 1)) }},
	{"OptimizedTheta", false, func(m int) models.Model { return theta.NewOptimized(max(m, 1)) }},
	{"DynamicOptimizedTheta", false, func(m int) models.Model { return theta.NewDynamicOptimized(max(m, 1)) }},
	{"HoltWintersAdditive", true, func(m int) models.Model { return expsmooth.HoltWinters(m, expsmooth.Additive) }},
	{"HoltWintersMultiplicative", true, func(m int) models.Model { return expsmooth.HoltWinters(m, expsmooth.Multiplicative) }},
	{"AutoETS", false, func(m int) models.Model { return ets.Auto(max(m, 1)) }},
	{"AutoARIMA", false, func(m int) models.Model { return arima.Auto(max(m, 1)) }},
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
