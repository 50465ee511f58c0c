package tournament

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/forecastrun/forecastrun/runner/metrics"
	"github.com/forecastrun/forecastrun/runner/models/registry"
	"github.com/forecastrun/forecastrun/runner/series"
)

var (
	// seasonalFamily holds the models that can forecast a season. AutoETS
	// and AutoARIMA count: they pick a seasonal form for strongly seasonal
	// series by AICc (their own packages test the selection).
	seasonalFamily = map[string]bool{"SeasonalNaive": true, "HoltWintersAdditive": true, "HoltWintersMultiplicative": true, "MSTL": true,
		"Theta": true, "OptimizedTheta": true, "DynamicOptimizedTheta": true, "AutoETS": true, "AutoARIMA": true}
	intermittentFamily = map[string]bool{"CrostonClassic": true, "CrostonSBA": true, "TSB": true, "ADIDA": true, "IMAPA": true}
)

// familyShare runs the full registry on count generated series and returns
// the share of items won by a model of family.
func familyShare(t *testing.T, gen func(string, int, *rand.Rand) series.Series, count, season int, metric metrics.Metric, family map[string]bool) float64 {
	t.Helper()
	items := makeItems(count, 140, 21, gen)
	cfg := Config{Horizon: 14, Season: season, Metric: metric, Models: registry.All(season)}
	res, err := Run(context.Background(), items, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	won := 0
	for _, it := range res.Items {
		if family[it.Winner] {
			won++
		}
		if it.Failed || len(it.Forecast.Intervals) != 2 {
			t.Errorf("%s: failed %v with %d intervals", it.ID, it.Failed, len(it.Forecast.Intervals))
		}
	}
	t.Logf("wins: %v", res.Summary.Wins)
	return float64(won) / float64(count)
}

func TestRunRealModelsSeasonal(t *testing.T) {
	if share := familyShare(t, seasonalSeries, 12, 7, metrics.MASE, seasonalFamily); share != 1 {
		t.Errorf("seasonal models won %.0f%% of strongly seasonal items, want all", 100*share)
	}
}

// TestRunRealModelsIntermittent asserts a comparative property: the
// intermittent-demand family wins far more often on sparse demand than on
// smooth seasonal demand. (Its exact share moves with details of the
// models: on sparse data many level forecasters score within noise of each
// other over three windows.) RMSSE ranks, as in M5: under MAE-based metrics
// a zero forecast is optimal for sparse demand, which favours Naive.
func TestRunRealModelsIntermittent(t *testing.T) {
	sparse := familyShare(t, intermittentSeries, 60, 1, metrics.RMSSE, intermittentFamily)
	smooth := familyShare(t, seasonalSeries, 20, 7, metrics.RMSSE, intermittentFamily)
	if sparse < 0.25 || smooth > sparse/2 {
		t.Errorf("intermittent models won %.0f%% of sparse items and %.0f%% of smooth ones; want at least 25%% and twice the smooth share", 100*sparse, 100*smooth)
	}
}
