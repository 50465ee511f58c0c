package tournament

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/models/registry"
	"github.com/forecastrun/forecastrun/runner/sample"
	"github.com/forecastrun/forecastrun/runner/series"
)

// benchItems mixes seasonal and intermittent daily items of a year.
func benchItems(n int) []series.Series {
	return append(makeItems(n/2, 365, 31, seasonalSeries), makeItems(n-n/2, 365, 32, intermittentSeries)...)
}

// BenchmarkRun times the full registry over 100 and 1000 items on the
// default pool, without and with the ensemble; items/s is the figure to
// compare.
func BenchmarkRun(b *testing.B) {
	for _, n := range []int{100, 1000} {
		items := benchItems(n)
		for _, ens := range []*EnsembleConfig{nil, {}} {
			cfg := Config{Horizon: 14, Season: 7, Models: registry.All(7), Ensemble: ens}
			b.Run(fmt.Sprintf("items=%d/ensemble=%v", n, ens != nil), func(b *testing.B) {
				for b.Loop() {
					if _, err := Run(context.Background(), items, cfg, nil); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "items/s")
			})
		}
	}
}

// BenchmarkItem times one item's tournament on one worker, by model set.
func BenchmarkItem(b *testing.B) {
	items := benchItems(2)
	for _, tc := range []struct {
		name     string
		season   int
		ensemble *EnsembleConfig
	}{{"nonseasonal", 1, nil}, {"seasonal", 7, nil}, {"seasonal+ensemble", 7, &EnsembleConfig{}}} {
		cfg, err := Config{Horizon: 14, Season: tc.season, Models: registry.All(tc.season), Ensemble: tc.ensemble}.withDefaults()
		if err != nil {
			b.Fatal(err)
		}
		w := newWorker(&cfg)
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				w.run(0, items[0])
			}
		})
	}
}

// BenchmarkEnsembleBacktest times the ensemble's own backtest on one
// seasonal item, after the models' backtests that it reuses: its whole
// cost on an item it does not win. Compare with BenchmarkItem/seasonal.
func BenchmarkEnsembleBacktest(b *testing.B) {
	y := benchItems(2)[0].Values
	cfg, err := Config{Horizon: 14, Season: 7, Models: registry.All(7), Ensemble: &EnsembleConfig{}}.withDefaults()
	if err != nil {
		b.Fatal(err)
	}
	w := newWorker(&cfg)
	p, _ := planBacktest(len(y), cfg.Horizon, cfg.Windows, cfg.Step, cfg.Season)
	var res ItemResult
	ranked := w.backtestAll(&res, y, y, p)
	models := slices.DeleteFunc(ranked, func(c candidate) bool { return c.index == len(cfg.Models) })
	slices.SortFunc(models, func(a, b candidate) int { return a.index - b.index })
	for b.Loop() {
		w.backtestEnsemble(models, y, p)
	}
}

// BenchmarkCalibrateAlone times one item's intervals from its own
// backtest errors (3 windows), as every item gets them before the run's
// pooling, at M4 hourly's horizon and at carparts'.
func BenchmarkCalibrateAlone(b *testing.B) {
	for _, h := range []int{12, 48} {
		errs := make([]float64, 3*h)
		for i := range errs {
			errs[i] = float64(i%7) - 3
		}
		cal := newCalibration(errs, h, 1, true, sample.Smooth)
		b.Run(fmt.Sprintf("h=%d", h), func(b *testing.B) {
			for b.Loop() {
				items := []ItemResult{{Calibration: cal, Forecast: models.Forecast{Mean: make([]float64, h)}}}
				calibrate(items, []float64{80, 95}, []float64{0.1, 0.5, 0.9})
			}
		})
	}
}
