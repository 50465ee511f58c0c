package job

import (
	"testing"

	"k8s.io/utils/ptr"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/runner/series"
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
