package job

import (
	"slices"
	"testing"

	"k8s.io/utils/ptr"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/runner/metrics"
	"github.com/forecastrun/forecastrun/runner/series"
	"github.com/forecastrun/forecastrun/runner/tournament"
)

// TestTournamentConfigFollowsTheSpec: the backtest fields reach the
// tournament as the spec states them.
func TestTournamentConfigFollowsTheSpec(t *testing.T) {
	spec := v1alpha1.ForecastRunSpec{
		Horizon:  ptr.To[int32](14),
		Backtest: v1alpha1.Backtest{Windows: 5, Step: ptr.To[int32](7), EstimateEveryWindow: true},
	}
	cfg, err := tournamentConfig(spec, series.Daily)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Horizon != 14 || cfg.Windows != 5 || cfg.Step != 7 || !cfg.EstimateEveryWindow || cfg.Ensemble == nil {
		t.Errorf("config = %+v, want horizon 14, 5 windows of step 7, every window estimated, the ensemble on", cfg)
	}
	spec.Backtest.EstimateEveryWindow = false
	if cfg, _ := tournamentConfig(spec, series.Daily); cfg.EstimateEveryWindow {
		t.Errorf("EstimateEveryWindow set though the spec leaves it false")
	}
}

// TestTournamentConfigSelection: the default run ranks by RMSSE, chooses
// candidates by demand class and combines; quantiles in percent become
// probabilities; naming models runs those on every item.
func TestTournamentConfigSelection(t *testing.T) {
	spec := v1alpha1.ForecastRunSpec{Intervals: v1alpha1.Intervals{Quantiles: []int32{90, 99}}}
	cfg, err := tournamentConfig(spec, series.Daily)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Metric != metrics.RMSSE || cfg.Suits == nil || cfg.Ensemble == nil || cfg.Ensemble.Margin != tournament.DefaultEnsembleMargin ||
		!slices.Equal(cfg.Quantiles, []float64{0.9, 0.99}) {
		t.Errorf("config = %+v, want RMSSE, candidates by class, the default ensemble and quantiles 0.9 and 0.99", cfg)
	}
	spec.Models = []v1alpha1.ModelName{"SES", "AutoETS"}
	if cfg, _ := tournamentConfig(spec, series.Daily); cfg.Suits != nil || cfg.Ensemble != nil {
		t.Errorf("named models: candidates by class %v, ensemble %v; want neither", cfg.Suits != nil, cfg.Ensemble)
	}
}
